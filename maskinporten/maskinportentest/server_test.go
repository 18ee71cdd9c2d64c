package maskinportentest_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

const org = "910000020"

func sign(t *testing.T, key *rsa.PrivateKey, hdr, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(hdr)
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	d := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	require.NoError(t, err)
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

type answer struct {
	Status      int
	Error       string `json:"error"`
	Description string `json:"error_description"`
	AccessToken string `json:"access_token"`
}

func post(t *testing.T, s *maskinportentest.Server, form url.Values) answer {
	t.Helper()
	resp, err := s.HTTPClient().PostForm(s.URL()+"/token", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	var a answer
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	a.Status = resp.StatusCode
	return a
}

func grantForm(g string) url.Values {
	return url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {g}}
}

func TestGrantRules(t *testing.T) {
	clock := time.Now()
	s := maskinportentest.NewServer(t, maskinportentest.Options{Now: func() time.Time { return clock }})
	key := testutil.Key(t, 2048, 0)
	other := testutil.Key(t, 2048, 1)
	certKey := testutil.Key(t, 2048, 2)
	cert := testutil.Cert(t, certKey, "Kommune", org, nil, nil, clock.Add(-time.Hour), clock.Add(time.Hour), false)
	expired := testutil.Cert(t, certKey, "Kommune", org, nil, nil, clock.Add(-48*time.Hour), clock.Add(-time.Hour), false)
	s.AddClient(maskinportentest.Client{ID: "c1", Org: org, Scopes: []string{"ks:fiks"},
		Keys:         map[string]*rsa.PublicKey{"k1": &key.PublicKey},
		Certificates: []*x509.Certificate{cert, expired},
		SystemUsers:  []maskinportentest.SystemUser{{ID: "su", Org: "974760673"}}})

	kidHdr := map[string]any{"alg": "RS256", "kid": "k1"}
	claims := func(mod map[string]any) map[string]any {
		c := map[string]any{"aud": s.Environment().Issuer(), "iss": "c1", "scope": "ks:fiks",
			"iat": clock.Unix(), "exp": clock.Unix() + 60, "jti": time.Now().String() + string(rune('a'+len(mod)))}
		for k, v := range mod {
			if v == nil {
				delete(c, k)
			} else {
				c[k] = v
			}
		}
		return c
	}
	b64cert := func(c *x509.Certificate) string { return base64.StdEncoding.EncodeToString(c.Raw) }
	cases := []struct {
		name   string
		hdr    map[string]any
		claims map[string]any
		key    *rsa.PrivateKey
		status int
		code   string
		desc   string
	}{
		{"valid kid", kidHdr, claims(nil), key, 200, "", ""},
		{"valid x5c", map[string]any{"alg": "RS256", "x5c": []string{b64cert(cert)}}, claims(nil), certKey, 200, "", ""},
		{"alg HS256", map[string]any{"alg": "HS256", "kid": "k1"}, claims(nil), key, 400, "invalid_grant", "Unsupported algorithm"},
		{"x5c with an unregistered kid", map[string]any{"alg": "RS256", "kid": "not-registered", "x5c": []string{b64cert(cert)}}, claims(nil), key, 400, "invalid_grant", "Unknown key identifier"},
		{"neither kid nor x5c", map[string]any{"alg": "RS256"}, claims(nil), key, 400, "invalid_grant", "Either kid or x5c"},
		{"x5c as string", map[string]any{"alg": "RS256", "x5c": b64cert(cert)}, claims(nil), certKey, 400, "invalid_grant", "MP-123"},
		{"unregistered certificate", map[string]any{"alg": "RS256", "x5c": []string{b64cert(testutil.Cert(t, certKey, "X", org, nil, nil, clock.Add(-time.Hour), clock.Add(time.Hour), false))}}, claims(nil), certKey, 400, "invalid_grant", "MP-120"},
		{"expired certificate", map[string]any{"alg": "RS256", "x5c": []string{b64cert(expired)}}, claims(nil), certKey, 400, "invalid_grant", "MP-124"},
		{"unknown kid", map[string]any{"alg": "RS256", "kid": "nope"}, claims(nil), key, 400, "invalid_grant", "Unknown key identifier"},
		{"wrong key", kidHdr, claims(nil), other, 400, "invalid_grant", "MP-124"},
		{"unknown client", kidHdr, claims(map[string]any{"iss": "c9"}), key, 400, "invalid_grant", "MP-100"},
		{"undocumented claim", kidHdr, claims(map[string]any{"sub": "c1"}), key, 400, "invalid_request", "Invalid assertion"},
		{"aud is token endpoint", kidHdr, claims(map[string]any{"aud": s.URL() + "/token"}), key, 400, "invalid_grant", "MP-110"},
		{"aud without slash", kidHdr, claims(map[string]any{"aud": strings.TrimSuffix(s.Environment().Issuer(), "/")}), key, 400, "invalid_grant", "MP-110"},
		{"two audiences", kidHdr, claims(map[string]any{"aud": []string{s.Environment().Issuer(), "x"}}), key, 400, "invalid_grant", "MP-110"},
		{"lifetime 121 s", kidHdr, claims(map[string]any{"exp": clock.Unix() + 121}), key, 400, "invalid_grant", "too long lifetime"},
		{"iat 11 s ahead", kidHdr, claims(map[string]any{"iat": clock.Unix() + 11, "exp": clock.Unix() + 71}), key, 400, "invalid_grant", "Issue time is after now"},
		{"iat 9 s ahead ok", kidHdr, claims(map[string]any{"iat": clock.Unix() + 9, "exp": clock.Unix() + 69}), key, 200, "", ""},
		{"expired grant", kidHdr, claims(map[string]any{"iat": clock.Unix() - 100, "exp": clock.Unix() - 11}), key, 400, "invalid_grant", "MP-130"},
		{"no scope", kidHdr, claims(map[string]any{"scope": nil}), key, 400, "invalid_scope", "MP-200"},
		{"unregistered scope", kidHdr, claims(map[string]any{"scope": "ks:fiks other"}), key, 400, "invalid_scope", "MP-200"},
		{"consumer_org own org", kidHdr, claims(map[string]any{"consumer_org": org}), key, 400, "invalid_request", "consumer_org"},
		{"consumer_org not delegated", kidHdr, claims(map[string]any{"consumer_org": "974760673"}), key, 403, "access_denied", "MP-251"},
		{"unknown RAR type", kidHdr, claims(map[string]any{"authorization_details": []any{map[string]any{"type": "urn:x"}}}), key, 400, "invalid_authorization_details", "MP-301"},
		{"RAR unknown field", kidHdr, claims(map[string]any{"authorization_details": []any{map[string]any{"type": "urn:altinn:systemuser", "x": 1}}}), key, 400, "invalid_authorization_details", "MP-302"},
		{"system user unknown", kidHdr, claims(map[string]any{"authorization_details": []any{map[string]any{"type": "urn:altinn:systemuser",
			"systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:991825827"}}}}), key, 403, "access_denied", "No system user"},
		{"system user ok", kidHdr, claims(map[string]any{"authorization_details": []any{map[string]any{"type": "urn:altinn:systemuser",
			"systemuser_org": map[string]any{"authority": "iso6523-actorid-upis", "ID": "0192:974760673"}}}}), key, 200, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := post(t, s, grantForm(sign(t, tc.key, tc.hdr, tc.claims)))
			assert.Equal(t, tc.status, a.Status, a.Description)
			assert.Equal(t, tc.code, a.Error)
			assert.Contains(t, a.Description, tc.desc)
			if tc.status == 200 {
				_, err := s.VerifyToken(a.AccessToken)
				assert.NoError(t, err)
			}
		})
	}

	t.Run("jti replay", func(t *testing.T) {
		g := sign(t, key, kidHdr, claims(map[string]any{"jti": "fixed"}))
		assert.Equal(t, 200, post(t, s, grantForm(g)).Status)
		a := post(t, s, grantForm(g))
		assert.Equal(t, "invalid_grant", a.Error)
		assert.Contains(t, a.Description, "MP-012")
	})
	t.Run("form rules", func(t *testing.T) {
		a := post(t, s, url.Values{"grant_type": {"client_credentials"}})
		assert.Equal(t, "unsupported_grant_type", a.Error)
		a = post(t, s, url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {"not.a.jwt!"}})
		assert.Contains(t, a.Description, "MP-011")
		resp, err := s.HTTPClient().Post(s.URL()+"/token", "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 400, resp.StatusCode)
		resp, err = s.HTTPClient().Get(s.URL() + "/token")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 405, resp.StatusCode)
	})
	assert.Positive(t, len(s.TokenRequestLog()))
}

func TestRequireToken(t *testing.T) {
	clock := time.Now()
	s := maskinportentest.NewServer(t, maskinportentest.Options{Now: func() time.Time { return clock }, TokenLifetime: time.Minute})
	opts := s.NewClient("c1", org, "ks:fiks", "other:scope")
	key := opts.Key.Signer.(*rsa.PrivateKey)
	get := func(scope string) string {
		a := post(t, s, grantForm(sign(t, key, map[string]any{"alg": "RS256", "kid": opts.Key.KeyID},
			map[string]any{"aud": s.Environment().Issuer(), "iss": "c1", "scope": scope, "iat": clock.Unix(), "exp": clock.Unix() + 60, "jti": scope + clock.String()})))
		require.Equal(t, 200, a.Status, a.Description)
		return a.AccessToken
	}
	h := s.RequireToken("ks:fiks", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, ok := maskinportentest.TokenFromContext(r.Context())
		require.True(t, ok)
		_, _ = io.WriteString(w, at.Consumer)
	}))
	call := func(authz string) (int, string) {
		r, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "/", nil)
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		w := &recorder{h: http.Header{}}
		h.ServeHTTP(w, r)
		return w.status, w.body.String() + w.h.Get("WWW-Authenticate")
	}
	good := get("ks:fiks")
	st, body := call("Bearer " + good)
	assert.Equal(t, 200, st)
	assert.Equal(t, org, body)
	st, body = call("")
	assert.Equal(t, 401, st)
	assert.Contains(t, body, "invalid_request")
	st, _ = call("Bearer " + good[:len(good)-4] + "AAAA")
	assert.Equal(t, 401, st)
	st, body = call("Bearer " + get("other:scope"))
	assert.Equal(t, 403, st)
	assert.Contains(t, body, "insufficient_scope")
	clock = clock.Add(2 * time.Minute)
	st, _ = call("Bearer " + good)
	assert.Equal(t, 401, st, "expired at the server's clock")
}

type recorder struct {
	h      http.Header
	status int
	body   strings.Builder
}

func (r *recorder) Header() http.Header { return r.h }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = 200
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(s int) { r.status = s }

func TestFaultsAndMetadata(t *testing.T) {
	s := maskinportentest.NewServer(t, maskinportentest.Options{Plain: true})
	assert.True(t, strings.HasPrefix(s.URL(), "http://127.0.0.1"))
	resp, err := http.Get(s.URL() + "/.well-known/oauth-authorization-server")
	require.NoError(t, err)
	var md map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&md))
	resp.Body.Close()
	assert.Equal(t, s.Environment().Issuer(), md["issuer"])
	resp, err = http.Get(s.URL() + "/jwk")
	require.NoError(t, err)
	var jwks struct{ Keys []map[string]any }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&jwks))
	resp.Body.Close()
	require.Len(t, jwks.Keys, 1)
	assert.Equal(t, base64.RawURLEncoding.EncodeToString(s.PublicKey().N.Bytes()), jwks.Keys[0]["n"])

	s.FailNext(1, 429, 7)
	resp, err = http.PostForm(s.URL()+"/token", url.Values{})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "7", resp.Header.Get("Retry-After"))

	s.DropNext(1)
	_, err = http.PostForm(s.URL()+"/token", url.Values{})
	require.Error(t, err)

	s.SetLatency(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/jwk", nil)
	_, err = http.DefaultClient.Do(req)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 2, s.TokenRequests())
}

func FuzzParseGrant(f *testing.F) {
	f.Add("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln")
	f.Add("a.b.c")
	f.Add("")
	f.Add("..")
	f.Fuzz(func(t *testing.T, s string) {
		g, err := maskinportentest.ParseGrant(s)
		if err == nil && g.Claims == nil {
			t.Fatal("nil claims without error")
		}
	})
}
