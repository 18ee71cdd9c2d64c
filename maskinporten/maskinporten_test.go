package maskinporten_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

const (
	orgSupplier = "910000020" // valid mod-11 test numbers
	orgConsumer = "974760673"
)

func newFake(t *testing.T) *maskinportentest.Server {
	t.Helper()
	s := maskinportentest.NewServer(t, maskinportentest.Options{})
	return s
}

// registeredKey registers a client with a shared test key under kid and returns options.
func registeredKey(t *testing.T, s *maskinportentest.Server, id string, scopes ...string) maskinporten.Options {
	t.Helper()
	key := testutil.Key(t, 2048, 0)
	s.AddClient(maskinportentest.Client{ID: id, Org: orgSupplier, Scopes: scopes,
		Keys:        map[string]*rsa.PublicKey{"kid-1": &key.PublicKey},
		Delegations: map[string][]string{orgConsumer: {"ks:fiks"}},
		SystemUsers: []maskinportentest.SystemUser{{ID: "su-1", Org: orgConsumer, ExternalRef: "ref-1", SystemID: "sys"}}})
	return maskinporten.Options{Environment: s.Environment(), ClientID: id,
		Key: maskinporten.Key{Signer: key, KeyID: "kid-1"}, HTTPClient: s.HTTPClient()}
}

func mustNew(t *testing.T, opts maskinporten.Options) *maskinporten.Client {
	t.Helper()
	c, err := maskinporten.New(opts)
	require.NoError(t, err)
	return c
}

// TestGrantIndependentJOSE checks the grant with go-jose, a JOSE implementation that
// shares no code with ours, against every rule Maskinporten checks.
func TestGrantIndependentJOSE(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	key := testutil.Key(t, 2048, 0)
	cases := []struct {
		name string
		alg  maskinporten.Algorithm
		jose jose.SignatureAlgorithm
		req  maskinporten.Request
		want map[string]any
	}{
		{"RS256 scope only", maskinporten.RS256, jose.RS256, maskinporten.Request{Scopes: []string{"ks:fiks"}}, nil},
		{"RS384", maskinporten.RS384, jose.RS384, maskinporten.Request{Scopes: []string{"a:b", "c:d"}}, nil},
		{"RS512 with resource and consumer_org", maskinporten.RS512, jose.RS512,
			maskinporten.Request{Scopes: []string{"ks:fiks"}, Resource: []string{"https://api.example.no/"}, ConsumerOrg: orgConsumer},
			map[string]any{"resource": []any{"https://api.example.no/"}, "consumer_org": orgConsumer}},
		{"system user", maskinporten.RS256, jose.RS256,
			maskinporten.Request{Scopes: []string{"altinn:x"}, SystemUser: &maskinporten.SystemUser{Organisasjonsnummer: orgConsumer, ExternalRef: "ref-1"}},
			map[string]any{"authorization_details": []any{map[string]any{"type": "urn:altinn:systemuser",
				"systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:" + orgConsumer}, "externalRef": "ref-1"}}}},
		{"pid", maskinporten.RS256, jose.RS256, maskinporten.Request{Scopes: []string{"a:b"}, Pid: ident.MustParseFoedselsnummer(validPid)}, map[string]any{"pid": validPid}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustNew(t, maskinporten.Options{Environment: s.Environment(), ClientID: "client-x", Algorithm: tc.alg,
				Key: maskinporten.Key{Signer: key, KeyID: "kid-1"}, HTTPClient: s.HTTPClient(), GrantLifetime: 120 * time.Second})
			before := time.Now().Unix()
			g1, err := c.Grant(context.Background(), tc.req)
			require.NoError(t, err)
			g2, err := c.Grant(context.Background(), tc.req)
			require.NoError(t, err)

			jws, err := jose.ParseSignedCompact(g1, []jose.SignatureAlgorithm{tc.jose})
			require.NoError(t, err)
			payload, err := jws.Verify(&key.PublicKey)
			require.NoError(t, err, "go-jose must verify the signature")
			hdr := jws.Signatures[0].Protected
			assert.Equal(t, string(tc.jose), hdr.Algorithm)
			assert.Equal(t, "kid-1", hdr.KeyID)

			var claims map[string]any
			require.NoError(t, json.Unmarshal(payload, &claims))
			assert.Equal(t, s.Environment().Issuer(), claims["aud"], "aud is the issuer, one string")
			assert.Equal(t, "client-x", claims["iss"])
			assert.Equal(t, strings.Join(tc.req.Scopes, " "), claims["scope"])
			iat, exp := int64(claims["iat"].(float64)), int64(claims["exp"].(float64))
			assert.InDelta(t, before, iat, 2)
			assert.LessOrEqual(t, exp-iat, int64(120))
			assert.Greater(t, exp, iat)
			jti, _ := claims["jti"].(string)
			assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, jti)

			var claims2 map[string]any
			require.NoError(t, json.Unmarshal(payloadOf(t, g2), &claims2))
			assert.NotEqual(t, jti, claims2["jti"], "every grant has a fresh jti")

			allowed := map[string]bool{"aud": true, "iss": true, "scope": true, "iat": true, "exp": true, "jti": true}
			for k, v := range tc.want {
				allowed[k] = true
				assert.Equal(t, v, claims[k], k)
			}
			for k := range claims {
				assert.True(t, allowed[k], "undocumented or unexpected claim %q", k)
			}
			var raw map[string]any
			require.NoError(t, json.Unmarshal(headerOf(t, g1), &raw))
			assert.NotContains(t, raw, "x5c")
			assert.NotContains(t, raw, "typ")
		})
	}
}

const validPid = "13097248022" // synthetic, valid check digits

func payloadOf(t *testing.T, g string) []byte {
	t.Helper()
	p, err := base64.RawURLEncoding.DecodeString(strings.Split(g, ".")[1])
	require.NoError(t, err)
	return p
}

func headerOf(t *testing.T, g string) []byte {
	t.Helper()
	p, err := base64.RawURLEncoding.DecodeString(strings.Split(g, ".")[0])
	require.NoError(t, err)
	return p
}

// TestX5CChain: a virksomhetssertifikat grant carries the whole chain as an array, leaf
// first, no kid; go-jose verifies it and the fake accepts it.
func TestX5CChain(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	now := time.Now()
	caKey, leafKey := testutil.Key(t, 2048, 1), testutil.Key(t, 2048, 2)
	ca := testutil.Cert(t, caKey, "Test CA", "999999999", nil, nil, now.Add(-time.Hour), now.Add(time.Hour*24*365), true)
	leaf := testutil.Cert(t, leafKey, "Test kommune", orgSupplier, ca, caKey, now.Add(-time.Hour), now.Add(24*time.Hour), false)
	s.AddClient(maskinportentest.Client{ID: "cert-client", Org: orgSupplier, Scopes: []string{"ks:fiks"}, Certificates: []*x509.Certificate{leaf}})

	c := mustNew(t, maskinporten.Options{Environment: s.Environment(), ClientID: "cert-client", HTTPClient: s.HTTPClient(),
		Key: maskinporten.Key{Signer: leafKey, Certificates: []*x509.Certificate{leaf, ca}}})
	g, err := c.Grant(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	var hdr map[string]any
	require.NoError(t, json.Unmarshal(headerOf(t, g), &hdr))
	assert.NotContains(t, hdr, "kid")
	x5c, ok := hdr["x5c"].([]any)
	require.True(t, ok, "x5c must be a JSON array")
	require.Len(t, x5c, 2)
	assert.Equal(t, base64.StdEncoding.EncodeToString(leaf.Raw), x5c[0])
	assert.Equal(t, base64.StdEncoding.EncodeToString(ca.Raw), x5c[1])

	jws, err := jose.ParseSignedCompact(g, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	chains, err := jws.Signatures[0].Protected.Certificates(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
	require.NoError(t, err, "go-jose must accept the x5c chain")
	_, err = jws.Verify(chains[0][0].PublicKey)
	require.NoError(t, err)

	tok, err := c.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	at, err := s.VerifyToken(tok.Value)
	require.NoError(t, err)
	assert.Equal(t, "virksomhetssertifikat", at.Claims["client_amr"])
}

// TestKidWithX5C: a Key with both KeyID and Certificates sends both header parameters, as
// KS's .NET client does; Maskinporten goes by the kid, which must be registered.
func TestKidWithX5C(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	now := time.Now()
	key := testutil.Key(t, 2048, 3)
	leaf := testutil.Cert(t, key, "Test kommune", orgSupplier, nil, nil, now.Add(-time.Hour), now.Add(24*time.Hour), false)
	s.AddClient(maskinportentest.Client{ID: "both", Org: orgSupplier, Scopes: []string{"ks:fiks"},
		Keys: map[string]*rsa.PublicKey{"registered-cert": &key.PublicKey}, Certificates: []*x509.Certificate{leaf}})
	c := mustNew(t, maskinporten.Options{Environment: s.Environment(), ClientID: "both", HTTPClient: s.HTTPClient(),
		Key: maskinporten.Key{Signer: key, KeyID: "registered-cert", Certificates: []*x509.Certificate{leaf}}})
	g, err := c.Grant(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	var hdr map[string]any
	require.NoError(t, json.Unmarshal(headerOf(t, g), &hdr))
	assert.Equal(t, "registered-cert", hdr["kid"])
	assert.IsType(t, []any{}, hdr["x5c"])
	tok, err := c.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	at, err := s.VerifyToken(tok.Value)
	require.NoError(t, err)
	assert.Equal(t, "private_key_jwt", at.Claims["client_amr"], "Maskinporten went by the kid")

	bad := mustNew(t, maskinporten.Options{Environment: s.Environment(), ClientID: "both", HTTPClient: s.HTTPClient(),
		Key: maskinporten.Key{Signer: key, KeyID: "not-registered", Certificates: []*x509.Certificate{leaf}}})
	_, err = bad.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "Unknown key identifier")
}

func TestTokenClaimsFromFake(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	c := mustNew(t, registeredKey(t, s, "c1", "ks:fiks"))
	ctx := context.Background()

	tok, err := c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}, ConsumerOrg: orgConsumer, Resource: []string{"https://svarut.ks.no/"}})
	require.NoError(t, err)
	at, err := s.VerifyToken(tok.Value)
	require.NoError(t, err)
	assert.Equal(t, orgConsumer, at.Consumer)
	assert.Equal(t, orgSupplier, at.Supplier)
	assert.Equal(t, "https://svarut.ks.no/", at.Audience)
	assert.Equal(t, "Bearer", tok.Type)
	assert.WithinDuration(t, time.Now().Add(120*time.Second), tok.Expiry, 3*time.Second)

	tok, err = c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}, SystemUser: &maskinporten.SystemUser{Organisasjonsnummer: orgConsumer, ExternalRef: "ref-1"}})
	require.NoError(t, err)
	at, err = s.VerifyToken(tok.Value)
	require.NoError(t, err)
	ad := at.Claims["authorization_details"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{"su-1"}, ad["systemuser_id"])
}

func TestServerErrors(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	c := mustNew(t, registeredKey(t, s, "c1", "ks:fiks"))
	ctx := context.Background()

	_, err := c.Fetch(ctx, maskinporten.Request{Scopes: []string{"not:mine"}})
	var me *maskinporten.Error
	require.ErrorAs(t, err, &me)
	assert.Equal(t, 400, me.StatusCode)
	assert.Equal(t, "invalid_scope", me.Code)
	assert.Equal(t, "MP-200", me.MPCode)
	assert.NotEmpty(t, me.TraceID)
	assert.False(t, me.Temporary())
	assert.ErrorIs(t, err, maskinporten.ErrInvalidScope)
	assert.NotErrorIs(t, err, maskinporten.ErrInvalidGrant)

	_, err = c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}, ConsumerOrg: "991825827"})
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "MP-251", me.MPCode)
	assert.ErrorIs(t, err, maskinporten.ErrAccessDenied)

	unknown := registeredKey(t, s, "c2", "ks:fiks")
	unknown.ClientID = "no-such-client"
	_, err = mustNew(t, unknown).Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "MP-100", me.MPCode)
	assert.ErrorIs(t, err, maskinporten.ErrInvalidGrant)

	wrongKid := registeredKey(t, s, "c3", "ks:fiks")
	wrongKid.Key.KeyID = "other"
	_, err = mustNew(t, wrongKid).Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.ErrorIs(t, err, maskinporten.ErrInvalidGrant)
	require.ErrorAs(t, err, &me)
	assert.Contains(t, me.Description, "Unknown key identifier")
}

// TestClockAhead: a client clock 30 s ahead gets Maskinporten's "issue time" error and a
// hint; 5 s ahead is tolerated.
func TestClockAhead(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	opts := registeredKey(t, s, "c1", "ks:fiks")
	opts.Now = func() time.Time { return time.Now().Add(30 * time.Second) }
	_, err := mustNew(t, opts).Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	var me *maskinporten.Error
	require.ErrorAs(t, err, &me)
	assert.True(t, me.ClockAhead())
	assert.Contains(t, err.Error(), "clock is ahead")

	opts.Now = func() time.Time { return time.Now().Add(5 * time.Second) }
	_, err = mustNew(t, opts).Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
}

// TestRetryFreshGrant: the first answer is lost after Maskinporten processed the grant;
// the retry carries a new grant, so it is not refused as reused (MP-012).
func TestRetryFreshGrant(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	c := mustNew(t, registeredKey(t, s, "c1", "ks:fiks"))
	s.InjectFault(maskinportentest.Fault{DropAfter: true})
	tok, err := c.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	require.NotEmpty(t, tok.Value)
	assert.Equal(t, 2, s.TokenRequests())
	assert.Equal(t, 2, s.TokensIssued())
}

func TestRetryOn503And429(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	opts := registeredKey(t, s, "c1", "ks:fiks")
	c := mustNew(t, opts)
	s.FailNext(1, http.StatusServiceUnavailable, 0)
	s.FailNext(1, http.StatusTooManyRequests, 1)
	start := time.Now()
	_, err := c.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	assert.Equal(t, 3, s.TokenRequests())
	assert.GreaterOrEqual(t, time.Since(start), time.Second, "Retry-After: 1 was honoured")

	opts.MaxAttempts = 1
	s.FailNext(1, http.StatusServiceUnavailable, 0)
	_, err = mustNew(t, opts).Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	var me *maskinporten.Error
	require.ErrorAs(t, err, &me)
	assert.True(t, me.Temporary())
	assert.ErrorIs(t, err, maskinporten.ErrUnavailable)
}

// TestValidationBeforeRequest: bad input fails with a typed error and nothing is sent.
func TestValidationBeforeRequest(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(srv.Close)
	key := testutil.Key(t, 2048, 0)
	now := time.Now()
	expired := testutil.Cert(t, key, "Gammel kommune", orgSupplier, nil, nil, now.Add(-48*time.Hour), now.Add(-time.Hour), false)
	small := testutil.Key(t, 1024, 0)
	base := maskinporten.Options{Environment: maskinporten.Environment(srv.URL + "/"), ClientID: "c", HTTPClient: srv.Client(),
		Key: maskinporten.Key{Signer: key, KeyID: "k"}}

	cases := []struct {
		name   string
		mutate func(*maskinporten.Options)
		field  string
		is     error
	}{
		{"issuer not https", func(o *maskinporten.Options) { o.Environment = "http://maskinporten.example.no/" }, "Environment", nil},
		{"issuer missing", func(o *maskinporten.Options) { o.Environment = "" }, "Environment", nil},
		{"client id missing", func(o *maskinporten.Options) { o.ClientID = "" }, "ClientID", nil},
		{"no signer", func(o *maskinporten.Options) { o.Key.Signer = nil }, "Key.Signer", maskinporten.ErrKey},
		{"short key", func(o *maskinporten.Options) { o.Key.Signer = small }, "Key.Signer", maskinporten.ErrKey},
		{"neither kid nor certificate", func(o *maskinporten.Options) { o.Key.KeyID = "" }, "Key", maskinporten.ErrKey},
		{"expired certificate", func(o *maskinporten.Options) { o.Key.KeyID = ""; o.Key.Certificates = []*x509.Certificate{expired} }, "Key.Certificates", maskinporten.ErrCertificateExpired},
		{"certificate of another key", func(o *maskinporten.Options) {
			o.Key.KeyID = ""
			o.Key.Certificates = []*x509.Certificate{testutil.Cert(t, testutil.Key(t, 2048, 1), "x", orgSupplier, nil, nil, now.Add(-time.Hour), now.Add(time.Hour), false)}
		}, "Key.Certificates", maskinporten.ErrKey},
		{"grant lifetime too long", func(o *maskinporten.Options) { o.GrantLifetime = 121 * time.Second }, "GrantLifetime", nil},
		{"bad algorithm", func(o *maskinporten.Options) { o.Algorithm = "PS256" }, "Algorithm", nil},
		{"token url not https", func(o *maskinporten.Options) { o.TokenURL = "http://example.no/token" }, "TokenURL", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := base
			tc.mutate(&o)
			_, err := maskinporten.New(o)
			var ve *maskinporten.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
		})
	}

	c := mustNew(t, base)
	reqCases := []struct {
		name  string
		req   maskinporten.Request
		field string
	}{
		{"missing scope", maskinporten.Request{}, "Request.Scopes"},
		{"scope with space", maskinporten.Request{Scopes: []string{"a b"}}, "Request.Scopes"},
		{"bad consumer_org", maskinporten.Request{Scopes: []string{"a"}, ConsumerOrg: "123456789"}, "Request.ConsumerOrg"},
		{"relative resource", maskinporten.Request{Scopes: []string{"a"}, Resource: []string{"/api"}}, "Request.Resource"},
		{"bad system user org", maskinporten.Request{Scopes: []string{"a"}, SystemUser: &maskinporten.SystemUser{Organisasjonsnummer: "1"}}, "Request.SystemUser.Organisasjonsnummer"},
		{"raw details not array", maskinporten.Request{Scopes: []string{"a"}, AuthorizationDetails: json.RawMessage(`{"type":"x"}`)}, "Request.AuthorizationDetails"},
	}
	for _, tc := range reqCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Fetch(context.Background(), tc.req)
			var ve *maskinporten.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			_, err = c.TokenSource(tc.req)
			require.ErrorAs(t, err, &ve)
		})
	}
	assert.Zero(t, hits.Load(), "nothing may be sent for bad input")
}

// TestCertificateExpiresWhileRunning: a certificate that expires after New is refused
// before the grant is sent.
func TestCertificateExpiresWhileRunning(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	key := testutil.Key(t, 2048, 0)
	now := time.Now()
	leaf := testutil.Cert(t, key, "Kommune", orgSupplier, nil, nil, now.Add(-time.Hour), now.Add(time.Hour), false)
	clock := now
	c := mustNew(t, maskinporten.Options{Environment: s.Environment(), ClientID: "c", HTTPClient: s.HTTPClient(),
		Key: maskinporten.Key{Signer: key, Certificates: []*x509.Certificate{leaf}}, Now: func() time.Time { return clock }})
	clock = now.Add(2 * time.Hour)
	_, err := c.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"a"}})
	require.ErrorIs(t, err, maskinporten.ErrCertificateExpired)
	assert.Zero(t, s.TokenRequests())
}

func TestKeySources(t *testing.T) {
	t.Parallel()
	key := testutil.Key(t, 2048, 0)
	pkcs1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	p8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	pkcs8 := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8})
	jwk := jwkJSON(key, "my-kid")
	jwks := []byte(`{"keys":[` + string(jwkJSON(key, "pub-only")[:0]) + string(publicJWK(key, "pub")) + `,` + string(jwk) + `]}`)

	for _, tc := range []struct {
		name string
		data []byte
		kid  string
	}{
		{"PKCS#1 PEM", pkcs1, ""},
		{"PKCS#8 PEM", pkcs8, ""},
		{"JWK", jwk, "my-kid"},
		{"JWKS with one private key", jwks, "my-kid"},
		{"base64 JWK", []byte(base64.StdEncoding.EncodeToString(jwk)), "my-kid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			k, err := maskinporten.ParseKey(tc.data, "")
			require.NoError(t, err)
			assert.True(t, k.Signer.Public().(*rsa.PublicKey).Equal(&key.PublicKey))
			assert.Equal(t, tc.kid, k.KeyID)
			assert.NotContains(t, k.String(), key.D.String()[:20])
		})
	}

	bad := []struct {
		name string
		data []byte
		is   error
	}{
		{"empty", nil, maskinporten.ErrKey},
		{"garbage", []byte("not a key"), maskinporten.ErrKey},
		{"PEM without key", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), maskinporten.ErrKey},
		{"public JWK", publicJWK(key, "x"), maskinporten.ErrKey},
		{"JWKS with two private keys", []byte(`{"keys":[` + string(jwk) + `,` + string(jwk) + `]}`), maskinporten.ErrKey},
		{"encrypted PEM", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-256-CBC,00"}, Bytes: []byte{1}}), maskinporten.ErrKey},
		{"encrypted PKCS#8", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), maskinporten.ErrKey},
		{"broken PKCS#1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte{1, 2, 3}}), maskinporten.ErrKey},
	}
	for _, tc := range bad {
		t.Run("bad "+tc.name, func(t *testing.T) {
			_, err := maskinporten.ParseKey(tc.data, "")
			require.ErrorIs(t, err, tc.is)
			var ve *maskinporten.ValidationError
			require.ErrorAs(t, err, &ve)
		})
	}
}

func jwkJSON(k *rsa.PrivateKey, kid string) []byte {
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	k.Precompute()
	m := map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": b64(k.N.Bytes()), "e": "AQAB", "d": b64(k.D.Bytes()),
		"p": b64(k.Primes[0].Bytes()), "q": b64(k.Primes[1].Bytes()),
		"dp": b64(k.Precomputed.Dp.Bytes()), "dq": b64(k.Precomputed.Dq.Bytes()), "qi": b64(k.Precomputed.Qinv.Bytes())}
	out, _ := json.Marshal(m)
	return out
}

func publicJWK(k *rsa.PrivateKey, kid string) []byte {
	out, _ := json.Marshal(map[string]string{"kty": "RSA", "kid": kid, "n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()), "e": "AQAB"})
	return out
}

// TestPKCS12FromOpenSSL reads .p12 files written by the real openssl, both its default
// (PBES2/AES-256) and -legacy (RC2/3DES) encryption, with chain and password handling,
// and gets a token with the x5c chain.
func TestPKCS12FromOpenSSL(t *testing.T) {
	t.Parallel()
	openssl := testutil.Tool(t, "openssl")
	dir := t.TempDir()
	now := time.Now()
	caKey, leafKey := testutil.Key(t, 2048, 1), testutil.Key(t, 2048, 2)
	ca := testutil.Cert(t, caKey, "Test CA", "999999999", nil, nil, now.Add(-time.Hour), now.Add(24*time.Hour), true)
	leaf := testutil.Cert(t, leafKey, "Test kommune", orgSupplier, ca, caKey, now.Add(-time.Hour), now.Add(24*time.Hour), false)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	keyPEM := write("key.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(leafKey)}))
	leafPEM := write("leaf.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.Raw}))
	caPEM := write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw}))

	s := newFake(t)
	s.AddClient(maskinportentest.Client{ID: "p12-client", Org: orgSupplier, Scopes: []string{"ks:fiks"}, Certificates: []*x509.Certificate{leaf}})

	for _, mode := range []struct {
		name  string
		extra []string
	}{{"default AES", nil}, {"legacy 3DES", []string{"-legacy"}}} {
		t.Run(mode.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(mode.name, " ", "_")+".p12")
			args := append([]string{"pkcs12", "-export", "-inkey", keyPEM, "-in", leafPEM, "-certfile", caPEM,
				"-passout", "pass:hemmelig-passord", "-out", out}, mode.extra...)
			cmd := exec.Command(openssl, args...)
			if b, err := cmd.CombinedOutput(); err != nil {
				if len(mode.extra) > 0 && strings.Contains(string(b), "legacy") {
					t.Skipf("this openssl has no legacy provider: %s", b)
				}
				t.Fatalf("openssl: %v: %s", err, b)
			}
			data, err := os.ReadFile(out)
			require.NoError(t, err)

			_, err = maskinporten.ParseKey(data, "feil-passord")
			require.ErrorIs(t, err, maskinporten.ErrPassword)
			assert.NotContains(t, err.Error(), "feil-passord")

			k, err := maskinporten.ParseKey(data, "hemmelig-passord")
			require.NoError(t, err)
			require.Len(t, k.Certificates, 2)
			assert.True(t, k.Certificates[0].Equal(leaf))
			assert.True(t, k.Certificates[1].Equal(ca))

			c := mustNew(t, maskinporten.Options{Environment: s.Environment(), ClientID: "p12-client", Key: k, HTTPClient: s.HTTPClient()})
			_, err = c.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
			require.NoError(t, err)
		})
	}
}

// kmsSigner stands in for an HSM or cloud KMS: it only exposes crypto.Signer.
type kmsSigner struct {
	key   *rsa.PrivateKey
	calls atomic.Int64
}

func (k *kmsSigner) Public() crypto.PublicKey { return &k.key.PublicKey }
func (k *kmsSigner) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	k.calls.Add(1)
	return k.key.Sign(r, digest, opts)
}

func TestCryptoSigner(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	opts := registeredKey(t, s, "kms-client", "ks:fiks")
	ks := &kmsSigner{key: testutil.Key(t, 2048, 0)}
	opts.Key.Signer = ks
	_, err := mustNew(t, opts).Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	assert.Equal(t, int64(1), ks.calls.Load())
}

func TestDiscovery(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	opts := registeredKey(t, s, "c1", "ks:fiks")
	c := mustNew(t, opts)
	md, err := c.Metadata(context.Background())
	require.NoError(t, err)
	assert.Equal(t, s.Environment().Issuer(), md.Issuer)
	assert.Equal(t, s.URL()+"/token", md.TokenEndpoint)
	assert.Contains(t, md.TokenEndpointAuthSigningAlgValuesSupported, "RS256")

	// A discovery failure is remembered: a custom issuer fails fast without asking again.
	var mdHits atomic.Int64
	broken := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mdHits.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(broken.Close)
	opts.Environment = maskinporten.Environment(broken.URL + "/")
	opts.HTTPClient = broken.Client()
	opts.MaxAttempts = 1
	bc := mustNew(t, opts)
	for range 5 {
		_, err = bc.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
		require.ErrorIs(t, err, maskinporten.ErrUnavailable)
	}
	assert.Equal(t, int64(1), mdHits.Load(), "failed discovery is cached, not retried per request")

	// Metadata whose issuer does not match is refused.
	liar := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"issuer":"https://evil.example/","token_endpoint":"https://evil.example/token"}`)
	}))
	t.Cleanup(liar.Close)
	opts.Environment = maskinporten.Environment(liar.URL + "/")
	opts.HTTPClient = liar.Client()
	_, err = mustNew(t, opts).Metadata(context.Background())
	var me *maskinporten.Error
	require.ErrorAs(t, err, &me)
	assert.Equal(t, "invalid_metadata", me.Code)
}

func TestEnvironment(t *testing.T) {
	t.Parallel()
	e, err := maskinporten.ParseEnvironment("test")
	require.NoError(t, err)
	assert.Equal(t, "https://test.maskinporten.no/", e.Issuer())
	e, err = maskinporten.ParseEnvironment("prod")
	require.NoError(t, err)
	assert.Equal(t, "https://maskinporten.no/", e.Issuer())
	for _, ok := range []string{"https://x.example/", "http://127.0.0.1:8080/", "http://localhost/", "http://[::1]:9/"} {
		_, err := maskinporten.ParseEnvironment(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"http://maskinporten.no/", "ftp://x/", "maskinporten.no", "https://user:pw@x/"} {
		_, err := maskinporten.ParseEnvironment(bad)
		assert.Error(t, err, bad)
	}
}

// TestTokenSourceCache: one cache per request shape; scope order does not matter.
func TestTokenSourceCache(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	c := mustNew(t, registeredKey(t, s, "c1", "a:1", "b:2"))
	ts1, err := c.TokenSource(maskinporten.Request{Scopes: []string{"a:1", "b:2"}})
	require.NoError(t, err)
	ts2, err := c.TokenSource(maskinporten.Request{Scopes: []string{"b:2", "a:1"}})
	require.NoError(t, err)
	ts3, err := c.TokenSource(maskinporten.Request{Scopes: []string{"a:1"}})
	require.NoError(t, err)
	assert.Same(t, ts1, ts2)
	assert.NotSame(t, ts1, ts3)
	_, ok := ts1.(auth.Invalidator)
	assert.True(t, ok)
}

// TestColdCacheOneRequest: 1000 goroutines on a cold cache cause exactly one token request.
func TestColdCacheOneRequest(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	s.SetLatency(50 * time.Millisecond)
	c := mustNew(t, registeredKey(t, s, "c1", "ks:fiks"))
	ts, err := c.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	var wg sync.WaitGroup
	start := make(chan struct{})
	values := make([]string, 1000)
	errs := make([]error, 1000)
	for i := range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tok, err := ts.Token(context.Background())
			errs[i] = err
			if tok != nil {
				values[i] = tok.Value
			}
		}()
	}
	close(start)
	wg.Wait()
	for i := range values {
		require.NoError(t, errs[i])
		require.Equal(t, values[0], values[i])
	}
	assert.Equal(t, 1, s.TokenRequests())
}

// TestOutageWithValidToken: when Maskinporten is down and the cached token is still valid,
// callers get the cached token at once and see no error; the token is refreshed before
// expiry once Maskinporten is back.
func TestOutageWithValidToken(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	clock := time.Now()
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	s := maskinportentest.NewServer(t, maskinportentest.Options{Now: now, TokenLifetime: 120 * time.Second})
	opts := registeredKey(t, s, "c1", "ks:fiks")
	opts.Now = now
	opts.MaxAttempts = 1
	var logs testutil.LogBuffer
	opts.Logger = logs.Logger()
	c := mustNew(t, opts)
	ts, err := c.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	first, err := ts.Token(context.Background())
	require.NoError(t, err)

	// 100 s into a 120 s token: inside the refresh window (30 s), Maskinporten down.
	for range 50 {
		s.FailNext(1, http.StatusServiceUnavailable, 0)
	}
	advance(100 * time.Second)
	for range 20 {
		tok, err := ts.Token(context.Background())
		require.NoError(t, err)
		require.Equal(t, first.Value, tok.Value)
	}
	// The cache logs the failed background refresh after it has recorded it: the sync point.
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "background token refresh failed") },
		5*time.Second, 5*time.Millisecond, "requests: %+v", s.TokenRequestLog())
	assert.LessOrEqual(t, s.TokenRequests(), 2, "failed background refreshes are spaced, not hammered")

	// Maskinporten is back: the next call after the retry interval refreshes in the background.
	s.ClearFaults()
	advance(6 * time.Second)
	tok, err := ts.Token(context.Background())
	require.NoError(t, err)
	require.Equal(t, first.Value, tok.Value, "the cached token is still served while refreshing")
	require.Eventually(t, func() bool {
		tok, err := ts.Token(context.Background())
		return err == nil && tok.Value != first.Value
	}, 5*time.Second, 5*time.Millisecond)
	fresh, _ := ts.Token(context.Background())
	assert.True(t, fresh.Expiry.After(first.Expiry), "refreshed before the old token expired")
}

// TestNoSecretsInErrorsOrLogs drives failures and successes and scans every error string
// and log line for token, grant, key and password material.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	s := newFake(t)
	var logs testutil.LogBuffer
	opts := registeredKey(t, s, "c1", "ks:fiks")
	opts.Logger = logs.Logger()
	c := mustNew(t, opts)
	ctx := context.Background()

	var secrets []string
	var errs []error
	tok, err := c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}, Pid: ident.MustParseFoedselsnummer(validPid)})
	require.NoError(t, err)
	secrets = append(secrets, tok.Value, validPid)
	g, err := c.Grant(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	secrets = append(secrets, g, strings.Split(g, ".")[2])

	s.FailNext(4, http.StatusBadGateway, 0)
	_, err = c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}, Pid: ident.MustParseFoedselsnummer(validPid)})
	errs = append(errs, err)
	_, err = c.Fetch(ctx, maskinporten.Request{Scopes: []string{"nope"}, Pid: ident.MustParseFoedselsnummer(validPid)})
	errs = append(errs, err)
	s.DropNext(4)
	_, err = c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}})
	errs = append(errs, err)
	_, err = maskinporten.ParseKey([]byte("garbage"), "hemmelig-p12-passord")
	errs = append(errs, err)
	secrets = append(secrets, "hemmelig-p12-passord")

	key := testutil.Key(t, 2048, 0)
	secrets = append(secrets, base64.RawURLEncoding.EncodeToString(key.D.Bytes())[:24], key.D.String()[:24])
	errs = append(errs, errors.New(maskinporten.Key{Signer: key, KeyID: "k"}.String()))
	errs = append(errs, errors.New(tok.String()), errors.New((maskinporten.Request{Scopes: []string{"a"}, Pid: ident.MustParseFoedselsnummer(validPid)}).String()))

	out := logs.String()
	for _, e := range errs {
		require.Error(t, e)
		out += "\n" + e.Error()
	}
	for _, sec := range secrets {
		assert.NotContains(t, out, sec)
	}
	assert.Contains(t, out, "maskinporten: token fetched", "debug logging was on")
	assert.Contains(t, out, "retrying", "retries were logged")
}

func keysOf(o maskinporten.Options) map[string]*rsa.PublicKey {
	return map[string]*rsa.PublicKey{o.Key.KeyID: o.Key.Signer.Public().(*rsa.PublicKey)}
}
