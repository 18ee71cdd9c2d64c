// Package maskinportentest is an in-process fake of Maskinporten for tests: the metadata
// document, /jwk and the JWT-bearer /token endpoint, with Maskinporten's rules and error
// codes, an injectable clock, and fault injection.
//
// It checks grants with its own standard-library JOSE code (not the client's), so a test
// against it is a test of the grant, not of a shared implementation:
//
//   - alg is RS256, RS384 or RS512; exactly one of kid (registered on the client) or x5c
//     (a JSON array holding a certificate registered on the client, valid now);
//   - the signature verifies; iss is a registered client (MP-100); aud is the issuer, a
//     single value (MP-110);
//   - exp − iat ≤ 120 s; iat not more than 10 s ahead of the clock; exp not more than 10 s
//     behind it (MP-130); a jti is never used twice (MP-012);
//   - no claim beyond those Maskinporten documents ("Invalid assertion");
//   - every scope is registered on the client, or delegated to it by consumer_org
//     (MP-200, MP-251); authorization_details of type urn:altinn:systemuser name a
//     registered system user (MP-301/302/303).
//
// Access tokens are RS256 JWTs signed with the server's key (published at /jwk) and carry
// client_id, client_amr, consumer, supplier, scope, aud ("unspecified" or the resource),
// pid and authorization_details as Maskinporten's do, so other fakes can verify them with
// [Server.VerifyToken] or protect a handler with [Server.RequireToken].
package maskinportentest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/fakefault"
	"github.com/fellesklient/fellesklient/maskinporten"
)

// Options configures a Server. The zero value is a TLS server with the real clock.
type Options struct {
	// Plain serves plain HTTP on loopback instead of TLS (for tools that cannot be given
	// the test CA, such as a CLI under test).
	Plain bool
	// Listener, when set, is where the fake listens (a fixed loopback port); nil: a
	// free loopback port. The fake closes it with Close.
	Listener net.Listener
	// Now is the server's clock. Nil: time.Now. Change it any time with SetNow.
	Now func() time.Time
	// TokenLifetime is the expires_in of issued tokens. Default 120 s.
	TokenLifetime time.Duration
}

// Client is a Maskinporten client registration.
type Client struct {
	// ID is the client id (the grant's iss).
	ID string
	// Org is the organisasjonsnummer that owns the client: the token's consumer, or its
	// supplier when consumer_org is used.
	Org string
	// Scopes the client may ask for.
	Scopes []string
	// Keys are registered public keys by kid.
	Keys map[string]*rsa.PublicKey
	// Certificates are registered virksomhetssertifikater (leaf certificates), accepted
	// in x5c.
	Certificates []*x509.Certificate
	// Delegations maps a consumer's organisasjonsnummer to the scopes it has delegated to
	// this client in Altinn.
	Delegations map[string][]string
	// SystemUsers this client's system may act as.
	SystemUsers []SystemUser
	// TokenLifetime overrides the server's for this client's tokens.
	TokenLifetime time.Duration
}

// SystemUser is an Altinn system user registration.
type SystemUser struct {
	ID          string // systemuser_id in the token
	Org         string // owner's organisasjonsnummer
	ExternalRef string
	SystemID    string
}

// Server is the fake. Create it with NewServer and close it with Close.
type Server struct {
	// The module's fault server: URL, HTTPClient, Certificate, Close, Requests,
	// SetLatency and ClearFaults are its. FailNext, DropNext and InjectFault are this
	// package's, aimed at /token.
	*fakefault.Server
	issuer string
	key    *rsa.PrivateKey
	kid    string
	opts   Options

	mu      sync.Mutex
	now     func() time.Time
	clients map[string]*Client
	jtis    map[string]time.Time
	reqs    []Request

	tokenRequests atomic.Int64
	tokensIssued  atomic.Int64
}

// Request is one request the server received, for assertions in tests. Grants are not
// kept.
type Request struct {
	Method, Path string
	ClientID     string
	Scope        string
	Status       int
	MPCode       string
}

// NewServer starts a fake. With a non-nil t it is closed by t.Cleanup; without (a
// program, not a test) call Close. It panics if it cannot listen on loopback, as httptest
// does.
func NewServer(t testing.TB, opts Options) *Server {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("maskinportentest: " + err.Error())
	}
	s := &Server{
		key:     key,
		kid:     "maskinportentest-" + randHex(4),
		opts:    opts,
		now:     opts.Now,
		clients: map[string]*Client{},
		jtis:    map[string]time.Time{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.opts.TokenLifetime <= 0 {
		s.opts.TokenLifetime = 120 * time.Second
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/.well-known/oauth-authorization-server", s.handleMetadata)
	mux.HandleFunc("/token", s.handleToken)
	mux.HandleFunc("/jwk", s.handleJWK)
	s.Server = fakefault.NewServer(fakefault.Config{Handler: mux, Plain: opts.Plain, Listener: opts.Listener, WriteStatus: s.writeInjected,
		Seen: func(r *http.Request) {
			if r.URL.Path == "/token" {
				s.tokenRequests.Add(1)
			}
		}})
	s.issuer = s.URL() + "/"
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// Environment is the issuer to put in maskinporten.Options.Environment.
func (s *Server) Environment() maskinporten.Environment { return maskinporten.Environment(s.issuer) }

// SetNow replaces the server's clock.
func (s *Server) SetNow(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

func (s *Server) clock() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now()
}

// AddClient registers (or replaces) a client.
func (s *Server) AddClient(c Client) {
	cc := c
	s.mu.Lock()
	s.clients[c.ID] = &cc
	s.mu.Unlock()
}

// NewClient registers a client with a freshly generated 2048-bit key under a random kid
// and returns options for maskinporten.New that point at this server. org is the owning
// organisasjonsnummer.
func (s *Server) NewClient(id, org string, scopes ...string) maskinporten.Options {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("maskinportentest: " + err.Error())
	}
	kid := "kid-" + randHex(8)
	s.AddClient(Client{ID: id, Org: org, Scopes: scopes, Keys: map[string]*rsa.PublicKey{kid: &key.PublicKey}})
	return maskinporten.Options{
		Environment: s.Environment(),
		ClientID:    id,
		Key:         maskinporten.Key{Signer: key, KeyID: kid},
		HTTPClient:  s.HTTPClient(),
	}
}

// TokenRequests is the number of requests that reached /token (faults included).
func (s *Server) TokenRequests() int { return int(s.tokenRequests.Load()) }

// TokensIssued is the number of tokens issued.
func (s *Server) TokensIssued() int { return int(s.tokensIssued.Load()) }

// TokenRequestLog returns the token requests the server processed so far (injected
// faults answer before processing and are not in it; Requests counts every request).
func (s *Server) TokenRequestLog() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reqs)
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
}

func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.issuer,
		"token_endpoint":                        s.URL() + "/token",
		"jwks_uri":                              s.URL() + "/jwk",
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
		"grant_types_supported":                 []string{"urn:ietf:params:oauth:grant-type:jwt-bearer"},
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256", "RS384", "RS512"},
		"authorization_details_types_supported":            []string{"urn:altinn:systemuser", "urn:altinn:consent"},
	})
}

func (s *Server) handleJWK(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{s.publicJWK()}})
}

func (s *Server) publicJWK() map[string]any {
	return map[string]any{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": b64(s.key.N.Bytes()),
		"e": b64(big.NewInt(int64(s.key.E)).Bytes()),
	}
}

// PublicKey returns the key that signs access tokens.
func (s *Server) PublicKey() *rsa.PublicKey { return &s.key.PublicKey }

// oauthError is an error answer with Maskinporten's shape.
type oauthError struct {
	status int
	code   string
	mp     string
	desc   string
}

func (e *oauthError) Error() string { return e.code + ": " + e.desc }

func invalidGrant(mp, desc string) *oauthError {
	return &oauthError{status: http.StatusBadRequest, code: "invalid_grant", mp: mp, desc: desc}
}

func (s *Server) writeError(w http.ResponseWriter, e *oauthError) {
	desc := e.desc
	if e.mp != "" {
		desc = e.mp + ": " + desc
	}
	desc += " (trace_id: " + randHex(8) + ")"
	body := map[string]string{"error": e.code, "error_description": desc}
	if e.mp != "" {
		body["error_uri"] = "https://docs.digdir.no/docs/Maskinporten/maskinporten_feilsoking"
	}
	writeJSON(w, e.status, body)
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path}
	tok, clientID, scope, err := s.issue(r)
	rec.ClientID, rec.Scope = clientID, scope
	if err != nil {
		var oe *oauthError
		if !errors.As(err, &oe) {
			oe = &oauthError{status: http.StatusInternalServerError, code: "server_error", desc: "internal error"}
		}
		rec.Status, rec.MPCode = oe.status, oe.mp
		s.record(rec)
		s.writeError(w, oe)
		return
	}
	rec.Status = http.StatusOK
	s.record(rec)
	s.tokensIssued.Add(1)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, tok)
}

// allowedClaims are the grant claims Maskinporten documents.
var allowedClaims = map[string]bool{
	"aud": true, "iss": true, "iat": true, "exp": true, "jti": true, "scope": true,
	"resource": true, "pid": true, "consumer_org": true, "iss_onbehalfof": true, "authorization_details": true,
}

func (s *Server) issue(r *http.Request) (resp map[string]any, clientID, scope string, err error) {
	if r.Method != http.MethodPost {
		return nil, "", "", &oauthError{status: http.StatusMethodNotAllowed, code: "invalid_request", desc: "POST required"}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: "Content-Type must be application/x-www-form-urlencoded"}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 256<<10)
	if err := r.ParseForm(); err != nil {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: "unreadable form body"}
	}
	if gt := r.PostForm.Get("grant_type"); gt != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "unsupported_grant_type", desc: fmt.Sprintf("grant_type %q is not supported", gt)}
	}
	assertion := r.PostForm.Get("assertion")
	if assertion == "" {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: "Missing assertion"}
	}
	g, err := ParseGrant(assertion)
	if err != nil {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", mp: "MP-011", desc: "Invalid assertion. Invalid parameter value: " + err.Error()}
	}
	clientID, _ = g.Claims["iss"].(string)
	scope, _ = g.Claims["scope"].(string)
	resp, err = s.check(g)
	return resp, clientID, scope, err
}

func (s *Server) check(g *Grant) (map[string]any, error) {
	now := s.clock()
	client, amr, err := s.authenticate(g, now)
	if err != nil {
		return nil, err
	}
	if err := s.checkClaims(g, now); err != nil {
		return nil, err
	}
	scopes, consumer, supplier, err := checkScopes(client, g.Claims)
	if err != nil {
		return nil, err
	}
	aud, err := resourceAudience(g.Claims)
	if err != nil {
		return nil, err
	}
	token := map[string]any{
		"iss":        s.issuer,
		"client_amr": amr,
		"token_type": "Bearer",
		"aud":        aud,
		"scope":      strings.Join(scopes, " "),
		"client_id":  client.ID,
		"consumer":   map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + consumer},
		"jti":        randHex(16),
	}
	if supplier != "" {
		token["supplier"] = map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + supplier}
		token["delegation_source"] = "https://tt02.altinn.no/"
	}
	if pid, present := g.Claims["pid"]; present {
		p, _ := pid.(string)
		if _, err := ident.ParseFoedselsnummer(p); err != nil || len(p) != 11 {
			return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: "Invalid pid"}
		}
		token["pid"] = p
	}
	if ad, present := g.Claims["authorization_details"]; present {
		out, oe := s.checkAuthorizationDetails(client, ad)
		if oe != nil {
			return nil, oe
		}
		token["authorization_details"] = out
	}
	lifetime := s.opts.TokenLifetime
	if client.TokenLifetime > 0 {
		lifetime = client.TokenLifetime
	}
	token["iat"] = now.Unix()
	token["exp"] = now.Add(lifetime).Unix()
	signed, err := s.signJWT(token)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"access_token": signed,
		"token_type":   "Bearer",
		"expires_in":   int64(lifetime / time.Second),
		"scope":        strings.Join(scopes, " "),
	}, nil
}

// authenticate checks the grant's header, finds its client and the key that signed it, and
// verifies the signature. It returns the client and how it authenticated (client_amr).
func (s *Server) authenticate(g *Grant, now time.Time) (*Client, string, error) {
	hash, ok := algHash[g.Header.Alg]
	if !ok {
		return nil, "", invalidGrant("MP-124", fmt.Sprintf("Invalid assertion. Unsupported algorithm %q", g.Header.Alg))
	}
	// "Either kid or x5c must be present" (Digdir). With both, Maskinporten goes by the
	// kid, which must then be registered on the client (KS's .NET client sends both:
	// fiks-maskinporten-client-dotnet PR #186 made the kid optional beside x5c).
	if g.Header.Kid == "" && g.Header.X5c == nil {
		return nil, "", invalidGrant("", "Invalid assertion. Either kid or x5c must be present in the JWT header")
	}
	for k := range g.Claims {
		if !allowedClaims[k] {
			return nil, "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: fmt.Sprintf("Invalid assertion. Unknown claim %q", k)}
		}
	}
	iss, _ := g.Claims["iss"].(string)
	s.mu.Lock()
	client := s.clients[iss]
	s.mu.Unlock()
	if client == nil {
		return nil, "", invalidGrant("MP-100", "Invalid assertion. Client authentication failed. Client not found: "+iss)
	}
	pub, amr, err := clientKey(client, g, now)
	if err != nil {
		return nil, "", err
	}
	if err := g.verify(pub, hash); err != nil {
		return nil, "", invalidGrant("MP-124", "Invalid JWT signature")
	}
	return client, amr, nil
}

// clientKey is the registered key named by kid, or the registered certificate sent in x5c.
func clientKey(client *Client, g *Grant, now time.Time) (*rsa.PublicKey, string, error) {
	if g.Header.Kid != "" {
		pub := client.Keys[g.Header.Kid]
		if pub == nil {
			return nil, "", invalidGrant("", "Invalid assertion. Client authentication failed. Unknown key identifier (kid) for client.")
		}
		return pub, "private_key_jwt", nil
	}
	chain, ok := g.Header.X5c.([]any)
	if !ok || len(chain) == 0 {
		return nil, "", invalidGrant("MP-123", "Invalid JWT header x5c")
	}
	first, _ := chain[0].(string)
	der, err := base64.StdEncoding.DecodeString(first)
	if err != nil {
		return nil, "", invalidGrant("MP-123", "Invalid JWT header x5c")
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, "", invalidGrant("MP-123", "Invalid JWT header x5c")
	}
	if !slices.ContainsFunc(client.Certificates, func(c *x509.Certificate) bool { return c.Equal(leaf) }) {
		return nil, "", invalidGrant("MP-120", "Invalid assertion. Client authentication failed. The JWT is signed with an invalid certificate.")
	}
	if now.After(leaf.NotAfter) || now.Before(leaf.NotBefore) {
		return nil, "", invalidGrant("MP-124", "Invalid JWT signature. The certificate is not valid now.")
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, "", invalidGrant("MP-120", "Invalid assertion. Client authentication failed. The JWT is signed with an invalid certificate.")
	}
	return pub, "virksomhetssertifikat", nil
}

// checkClaims checks aud, iat and exp, and refuses a jti the client used before.
func (s *Server) checkClaims(g *Grant, now time.Time) error {
	iss, _ := g.Claims["iss"].(string)
	switch aud := g.Claims["aud"].(type) {
	case string:
		if aud != s.issuer {
			return invalidGrant("MP-110", "Invalid assertion. Client authentication failed. Invalid JWT claim aud")
		}
	case []any:
		if len(aud) != 1 || aud[0] != s.issuer {
			return invalidGrant("MP-110", "Invalid assertion. Client authentication failed. Invalid JWT claim aud")
		}
	default:
		return invalidGrant("MP-110", "Invalid assertion. Client authentication failed. Invalid JWT claim aud")
	}
	iat, ok1 := intClaim(g.Claims["iat"])
	exp, ok2 := intClaim(g.Claims["exp"])
	if !ok1 || !ok2 {
		return &oauthError{status: http.StatusBadRequest, code: "invalid_request", mp: "MP-011", desc: "Invalid assertion. iat and exp are required numbers"}
	}
	if exp-iat > 120 {
		return invalidGrant("", "Invalid assertion. JWT has too long lifetime (exp - iat must be at most 120 seconds)")
	}
	if exp <= iat {
		return invalidGrant("", "Invalid assertion. exp must be after iat")
	}
	if iat > now.Unix()+10 {
		return invalidGrant("", "Invalid assertion. Issue time is after now")
	}
	if exp < now.Unix()-10 {
		return invalidGrant("MP-130", "JWT is expired")
	}
	jti, _ := g.Claims["jti"].(string)
	if jti == "" {
		return nil
	}
	s.mu.Lock()
	for k, t := range s.jtis {
		if now.After(t) {
			delete(s.jtis, k)
		}
	}
	_, seen := s.jtis[iss+"\x00"+jti]
	if !seen {
		s.jtis[iss+"\x00"+jti] = time.Unix(exp, 0).Add(time.Hour)
	}
	s.mu.Unlock()
	if seen {
		return invalidGrant("MP-012", "Grant is used before")
	}
	return nil
}

// checkScopes checks the requested scopes against the client's own, or against what the
// consumer_org delegated to it, and returns the consumer and supplier of the token.
func checkScopes(client *Client, claims map[string]any) (scopes []string, consumer, supplier string, err error) {
	scopeStr, _ := claims["scope"].(string)
	scopes = strings.Fields(scopeStr)
	if len(scopes) == 0 {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_scope", mp: "MP-200", desc: "Token request contains no scopes"}
	}
	co, present := claims["consumer_org"]
	if !present {
		for _, sc := range scopes {
			if !slices.Contains(client.Scopes, sc) {
				return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_scope", mp: "MP-200", desc: "Token request contains invalid scopes for client: " + sc}
			}
		}
		return scopes, client.Org, "", nil
	}
	org, _ := co.(string)
	if !validOrgnr(org) {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: "Invalid consumer_org"}
	}
	if org == client.Org {
		return nil, "", "", &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: "The combination consumer_org in claim and delegation scope on client is invalid"}
	}
	for _, sc := range scopes {
		if !slices.Contains(client.Delegations[org], sc) {
			return nil, "", "", &oauthError{status: http.StatusForbidden, code: "access_denied", mp: "MP-251",
				desc: fmt.Sprintf("Consumer %s has not delegated access to the scope %s to supplier %s", org, sc, client.Org)}
		}
	}
	return scopes, org, client.Org, nil
}

// resourceAudience is the token's aud: the requested resource(s), or "unspecified".
func resourceAudience(claims map[string]any) (any, error) {
	res, present := claims["resource"]
	if !present {
		return "unspecified", nil
	}
	vals, ok := stringOrStrings(res)
	if !ok || len(vals) == 0 {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_request", desc: "Invalid assertion. resource must be a URI or an array of URIs"}
	}
	for _, v := range vals {
		if !strings.Contains(v, ":") {
			return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_target", desc: "resource is not a valid URI"}
		}
	}
	if len(vals) == 1 {
		return vals[0], nil
	}
	return vals, nil
}

func (s *Server) checkAuthorizationDetails(client *Client, ad any) (any, *oauthError) {
	list, ok := ad.([]any)
	if !ok || len(list) == 0 {
		return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_authorization_details", mp: "MP-303", desc: "authorization_details must be a non-empty array"}
	}
	var out []any
	for _, item := range list {
		d, ok := item.(map[string]any)
		if !ok {
			return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_authorization_details", mp: "MP-303", desc: "authorization_details elements must be objects"}
		}
		switch d["type"] {
		case "urn:altinn:systemuser":
			if len(list) != 1 {
				return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_authorization_details", mp: "MP-303", desc: "Only one system user party per request"}
			}
			for k := range d {
				if k != "type" && k != "systemuser_org" && k != "externalRef" {
					return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_authorization_details", mp: "MP-302", desc: "Unknown field " + k}
				}
			}
			org, _ := d["systemuser_org"].(map[string]any)
			authority, _ := org["authority"].(string)
			id, _ := org["ID"].(string)
			orgnr, found := strings.CutPrefix(id, "0192:")
			if authority != "iso6523-actorid-upis" || !found || !validOrgnr(orgnr) {
				return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_authorization_details", mp: "MP-303", desc: "Invalid systemuser_org"}
			}
			ref, _ := d["externalRef"].(string)
			idx := slices.IndexFunc(client.SystemUsers, func(su SystemUser) bool { return su.Org == orgnr && su.ExternalRef == ref })
			if idx < 0 {
				return nil, &oauthError{status: http.StatusForbidden, code: "access_denied", desc: "No system user for organisation " + orgnr}
			}
			su := client.SystemUsers[idx]
			out = append(out, map[string]any{
				"type":           "urn:altinn:systemuser",
				"systemuser_id":  []string{su.ID},
				"systemuser_org": map[string]string{"authority": "iso6523-actorid-upis", "ID": "0192:" + orgnr},
				"system_id":      su.SystemID,
			})
		case "urn:altinn:consent":
			out = append(out, d)
		default:
			return nil, &oauthError{status: http.StatusBadRequest, code: "invalid_authorization_details", mp: "MP-301", desc: fmt.Sprintf("Unknown authorization_details type %v", d["type"])}
		}
	}
	return out, nil
}

var algHash = map[string]crypto.Hash{"RS256": crypto.SHA256, "RS384": crypto.SHA384, "RS512": crypto.SHA512}

// Grant is a parsed (not verified) JWT grant.
type Grant struct {
	Header struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		X5c any    `json:"x5c"`
		Typ string `json:"typ"`
	}
	Claims       map[string]any
	signingInput string
	signature    []byte
}

// ParseGrant splits and decodes a compact JWS without verifying it.
func ParseGrant(compact string) (*Grant, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a compact JWS")
	}
	hdr, err := base64.RawURLEncoding.DecodeString(parts[0])
	if err != nil {
		return nil, errors.New("bad header encoding")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, errors.New("bad payload encoding")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errors.New("bad signature encoding")
	}
	g := &Grant{signingInput: parts[0] + "." + parts[1], signature: sig}
	if err := json.Unmarshal(hdr, &g.Header); err != nil {
		return nil, errors.New("header is not JSON")
	}
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.UseNumber()
	if err := dec.Decode(&g.Claims); err != nil || g.Claims == nil {
		return nil, errors.New("payload is not a JSON object")
	}
	return g, nil
}

func (g *Grant) verify(pub *rsa.PublicKey, h crypto.Hash) error {
	var digest []byte
	switch h {
	case crypto.SHA256:
		d := sha256.Sum256([]byte(g.signingInput))
		digest = d[:]
	case crypto.SHA384:
		d := sha512.Sum384([]byte(g.signingInput))
		digest = d[:]
	case crypto.SHA512:
		d := sha512.Sum512([]byte(g.signingInput))
		digest = d[:]
	}
	return rsa.VerifyPKCS1v15(pub, h, digest, g.signature)
}

func (s *Server) signJWT(claims map[string]any) (string, error) {
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "kid": s.kid, "typ": "at+jwt"})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := b64(hdr) + "." + b64(payload)
	d := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, d[:])
	if err != nil {
		return "", err
	}
	return input + "." + b64(sig), nil
}

// AccessToken is a verified access token's claims.
type AccessToken struct {
	ClientID string
	Scopes   []string
	// Consumer and Supplier are organisasjonsnumre (without the 0192: prefix).
	Consumer string
	Supplier string
	Audience any
	Expiry   time.Time
	Claims   map[string]any
}

// ErrInvalidToken is returned by VerifyToken for any token it does not accept.
var ErrInvalidToken = errors.New("maskinportentest: invalid access token")

// VerifyToken checks that token was issued by this server and is not expired at the
// server's clock. Other fakes use it to authenticate requests.
func (s *Server) VerifyToken(token string) (*AccessToken, error) {
	g, err := ParseGrant(token)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if g.Header.Alg != "RS256" || g.Header.Kid != s.kid {
		return nil, fmt.Errorf("%w: not signed by this server", ErrInvalidToken)
	}
	if err := g.verify(&s.key.PublicKey, crypto.SHA256); err != nil {
		return nil, fmt.Errorf("%w: bad signature", ErrInvalidToken)
	}
	if iss, _ := g.Claims["iss"].(string); iss != s.issuer {
		return nil, fmt.Errorf("%w: wrong issuer", ErrInvalidToken)
	}
	exp, ok := intClaim(g.Claims["exp"])
	if !ok || s.clock().Unix() >= exp {
		return nil, fmt.Errorf("%w: expired", ErrInvalidToken)
	}
	at := &AccessToken{Expiry: time.Unix(exp, 0), Claims: g.Claims, Audience: g.Claims["aud"]}
	at.ClientID, _ = g.Claims["client_id"].(string)
	sc, _ := g.Claims["scope"].(string)
	at.Scopes = strings.Fields(sc)
	at.Consumer = orgOf(g.Claims["consumer"])
	at.Supplier = orgOf(g.Claims["supplier"])
	return at, nil
}

func orgOf(v any) string {
	m, _ := v.(map[string]any)
	id, _ := m["ID"].(string)
	if _, org, ok := strings.Cut(id, ":"); ok {
		return org
	}
	return ""
}

type ctxKey struct{}

// TokenFromContext returns the access token that RequireToken accepted for the request.
func TokenFromContext(ctx context.Context) (*AccessToken, bool) {
	at, ok := ctx.Value(ctxKey{}).(*AccessToken)
	return at, ok
}

// RequireToken protects next as an API that accepts this server's tokens: a Bearer token
// that verifies and carries scope. Otherwise it answers 401 with a WWW-Authenticate
// header (RFC 6750), or 403 when the scope is missing.
func (s *Server) RequireToken(scope string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || raw == "" {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_request", "error_description": "missing bearer token"})
			return
		}
		at, err := s.VerifyToken(raw)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token", "error_description": "the access token is not valid"})
			return
		}
		if scope != "" && !slices.Contains(at.Scopes, scope) {
			w.Header().Set("WWW-Authenticate", `Bearer error="insufficient_scope", scope="`+scope+`"`)
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "insufficient_scope", "error_description": "scope " + scope + " is required"})
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, at)))
	})
}

func intClaim(v any) (int64, bool) {
	switch n := v.(type) {
	case json.Number:
		i, err := n.Int64()
		if err != nil {
			f, ferr := n.Float64()
			if ferr != nil {
				return 0, false
			}
			return int64(f), true
		}
		return i, true
	case float64:
		return int64(n), true
	}
	return 0, false
}

func stringOrStrings(v any) ([]string, bool) {
	switch t := v.(type) {
	case string:
		return []string{t}, true
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func validOrgnr(s string) bool {
	_, err := ident.ParseOrganisasjonsnummer(s)
	return err == nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
