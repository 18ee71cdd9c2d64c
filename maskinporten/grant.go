package maskinporten

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/cert"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/fellesklient/fellesklient/ident"
)

// Algorithm is the grant's signature algorithm. Maskinporten accepts RS256, RS384 and
// RS512.
type Algorithm string

const (
	RS256 Algorithm = "RS256"
	RS384 Algorithm = "RS384"
	RS512 Algorithm = "RS512"
)

func (a Algorithm) jwa() (jwa.SignatureAlgorithm, bool) {
	switch a {
	case RS256, "":
		return jwa.RS256(), true
	case RS384:
		return jwa.RS384(), true
	case RS512:
		return jwa.RS512(), true
	}
	return jwa.SignatureAlgorithm{}, false
}

// Request is what a token is asked for. Each distinct Request has its own cache in
// [Client.TokenSource].
type Request struct {
	// Scopes to ask for. At least one. Digdir recommends one scope per token.
	Scopes []string
	// Resource asks for an audience-restricted token (RFC 8707): the token's aud becomes
	// this value. The API owner gives the value. Sent as a JSON array, as Maskinporten
	// documents.
	Resource []string
	// ConsumerOrg is the organisasjonsnummer of the consumer a supplier acts for through
	// an Altinn API delegation (grant claim consumer_org).
	ConsumerOrg string
	// Pid restricts the token to one end user. Personal data: it prints masked, and the
	// full number goes only into the signed grant.
	Pid ident.Foedselsnummer
	// SystemUser asks for an Altinn system-user token (authorization_details of type
	// urn:altinn:systemuser). Only one party per request.
	SystemUser *SystemUser
	// AuthorizationDetails is a raw RFC 9396 authorization_details JSON array, for types
	// other than system users (for example urn:altinn:consent). Exclusive with SystemUser.
	AuthorizationDetails json.RawMessage
}

// SystemUser identifies an Altinn system user's owner.
type SystemUser struct {
	// Organisasjonsnummer of the organisation that owns the system user (9 digits).
	Organisasjonsnummer string
	// ExternalRef selects one of several system users of the same system and owner.
	ExternalRef string
}

// String describes the request without personal data.
func (r Request) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "scope=%q", strings.Join(r.Scopes, " "))
	if len(r.Resource) > 0 {
		fmt.Fprintf(&b, " resource=%q", r.Resource)
	}
	if r.ConsumerOrg != "" {
		b.WriteString(" consumer_org=" + r.ConsumerOrg)
	}
	if !r.Pid.IsZero() {
		b.WriteString(" pid=" + r.Pid.String())
	}
	if r.SystemUser != nil {
		b.WriteString(" systemuser_org=" + r.SystemUser.Organisasjonsnummer)
	}
	if len(r.AuthorizationDetails) > 0 {
		b.WriteString(" authorization_details=[...]")
	}
	return b.String()
}

// validate checks the request before anything is signed or sent.
func (r Request) validate() error {
	if len(r.Scopes) == 0 {
		return &ValidationError{Op: "maskinporten", Field: "Request.Scopes", Problem: "at least one scope is required"}
	}
	for _, s := range r.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n\"\\") {
			return &ValidationError{Op: "maskinporten", Field: "Request.Scopes", Problem: fmt.Sprintf("%q is not a valid scope (one scope per element, no spaces)", s)}
		}
	}
	for _, res := range r.Resource {
		u, err := url.Parse(res)
		if err != nil || !u.IsAbs() {
			return &ValidationError{Op: "maskinporten", Field: "Request.Resource", Problem: fmt.Sprintf("%q is not an absolute URI", res)}
		}
	}
	if r.ConsumerOrg != "" {
		if _, err := ident.ParseOrganisasjonsnummer(r.ConsumerOrg); err != nil {
			return &ValidationError{Op: "maskinporten", Field: "Request.ConsumerOrg", Problem: fmt.Sprintf("%q is not a valid organisasjonsnummer", r.ConsumerOrg), Err: err}
		}
	}
	if r.SystemUser != nil {
		if len(r.AuthorizationDetails) > 0 {
			return &ValidationError{Op: "maskinporten", Field: "Request.SystemUser", Problem: "set SystemUser or AuthorizationDetails, not both"}
		}
		if _, err := ident.ParseOrganisasjonsnummer(r.SystemUser.Organisasjonsnummer); err != nil {
			return &ValidationError{Op: "maskinporten", Field: "Request.SystemUser.Organisasjonsnummer", Problem: fmt.Sprintf("%q is not a valid organisasjonsnummer", r.SystemUser.Organisasjonsnummer), Err: err}
		}
	}
	if len(r.AuthorizationDetails) > 0 {
		var arr []map[string]any
		if err := json.Unmarshal(r.AuthorizationDetails, &arr); err != nil || len(arr) == 0 {
			return &ValidationError{Op: "maskinporten", Field: "Request.AuthorizationDetails", Problem: "must be a non-empty JSON array of objects"}
		}
		for _, d := range arr {
			if t, _ := d["type"].(string); t == "" {
				return &ValidationError{Op: "maskinporten", Field: "Request.AuthorizationDetails", Problem: "every element needs a \"type\""}
			}
		}
	}
	return nil
}

// cacheKey is a canonical encoding of everything that makes a token different.
func (r Request) cacheKey() string {
	scopes := slices.Clone(r.Scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	res := slices.Clone(r.Resource)
	slices.Sort(res)
	parts := []string{strings.Join(scopes, " "), strings.Join(res, " "), r.ConsumerOrg, r.Pid.Unmasked(), "", "", string(r.AuthorizationDetails)}
	if r.SystemUser != nil {
		parts[4], parts[5] = r.SystemUser.Organisasjonsnummer, r.SystemUser.ExternalRef
	}
	b, _ := json.Marshal(parts)
	return string(b)
}

// grantClaims are exactly the claims Maskinporten documents; nothing else is sent.
type grantClaims struct {
	Aud                  string          `json:"aud"`
	Iss                  string          `json:"iss"`
	Scope                string          `json:"scope"`
	Iat                  int64           `json:"iat"`
	Exp                  int64           `json:"exp"`
	Jti                  string          `json:"jti"`
	Resource             []string        `json:"resource,omitempty"`
	ConsumerOrg          string          `json:"consumer_org,omitempty"`
	Pid                  string          `json:"pid,omitempty"`
	AuthorizationDetails json.RawMessage `json:"authorization_details,omitempty"`
}

type systemUserDetail struct {
	Type          string  `json:"type"`
	SystemuserOrg orgID   `json:"systemuser_org"`
	ExternalRef   *string `json:"externalRef,omitempty"`
}

type orgID struct {
	Authority string `json:"authority"`
	ID        string `json:"ID"`
}

// signer signs grants for one client: its key, algorithm and headers are prepared once.
type signer struct {
	clientID string
	alg      jwa.SignatureAlgorithm
	key      Key
	headers  jws.Headers
	lifetime time.Duration
}

func newSigner(clientID string, key Key, alg Algorithm, lifetime time.Duration) (*signer, error) {
	a, ok := alg.jwa()
	if !ok {
		return nil, &ValidationError{Op: "maskinporten", Field: "Algorithm", Problem: fmt.Sprintf("%q is not supported; use RS256, RS384 or RS512", alg)}
	}
	h := jws.NewHeaders()
	if key.KeyID != "" {
		if err := h.Set(jws.KeyIDKey, key.KeyID); err != nil {
			return nil, &ValidationError{Op: "maskinporten", Field: "Key.KeyID", Problem: "invalid"}
		}
	}
	if len(key.Certificates) > 0 {
		var chain cert.Chain
		for _, c := range key.Certificates {
			if err := chain.AddString(base64.StdEncoding.EncodeToString(c.Raw)); err != nil {
				return nil, &ValidationError{Op: "maskinporten", Field: "Key.Certificates", Problem: "cannot encode chain", Err: ErrKey}
			}
		}
		if err := h.Set(jws.X509CertChainKey, &chain); err != nil {
			return nil, &ValidationError{Op: "maskinporten", Field: "Key.Certificates", Problem: "cannot encode chain", Err: ErrKey}
		}
	}
	return &signer{clientID: clientID, alg: a, key: key, headers: h, lifetime: lifetime}, nil
}

// sign returns a fresh grant for req: new iat, exp and jti every time.
func (s *signer) sign(issuer string, req Request, now time.Time) (string, error) {
	claims := grantClaims{
		Aud:         issuer,
		Iss:         s.clientID,
		Scope:       strings.Join(req.Scopes, " "),
		Iat:         now.Unix(),
		Exp:         now.Add(s.lifetime).Unix(),
		Jti:         newJTI(),
		Resource:    req.Resource,
		ConsumerOrg: req.ConsumerOrg,
		Pid:         req.Pid.Unmasked(),
	}
	if req.SystemUser != nil {
		d := systemUserDetail{
			Type:          "urn:altinn:systemuser",
			SystemuserOrg: orgID{Authority: "iso6523-actorid-upis", ID: "0192:" + req.SystemUser.Organisasjonsnummer},
		}
		if req.SystemUser.ExternalRef != "" {
			d.ExternalRef = &req.SystemUser.ExternalRef
		}
		b, err := json.Marshal([]systemUserDetail{d})
		if err != nil {
			return "", err
		}
		claims.AuthorizationDetails = b
	} else if len(req.AuthorizationDetails) > 0 {
		claims.AuthorizationDetails = req.AuthorizationDetails
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	out, err := jws.Sign(payload, jws.WithKey(s.alg, s.key.Signer, jws.WithProtectedHeaders(s.headers)))
	if err != nil {
		// The error of a signer (HSM, KMS) is kept, redacted by the caller.
		return "", fmt.Errorf("maskinporten: signing the grant: %w", err)
	}
	return string(out), nil
}

// newJTI returns a random UUID (version 4).
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
