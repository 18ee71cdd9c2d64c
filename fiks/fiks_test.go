package fiks_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

func TestEndpoints(t *testing.T) {
	p, err := fiks.Prod.Endpoints()
	require.NoError(t, err)
	assert.Equal(t, "https://api.fiks.ks.no", p.API)
	assert.Equal(t, "https://svarut.ks.no", p.SvarUt)
	assert.Equal(t, "io.fiks.ks.no:5671", p.FiksIOAMQP)
	tt, err := fiks.Test.Endpoints()
	require.NoError(t, err)
	assert.Equal(t, "https://api.fiks.test.ks.no", tt.API)
	assert.Equal(t, "io.fiks.test.ks.no:5671", tt.FiksIOAMQP)
	_, err = fiks.Environment("stage").Endpoints()
	assert.Error(t, err)
}

func TestCredentials(t *testing.T) {
	c := fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "id-1", IntegrasjonPassord: "hemmelig-passord"}
	require.NoError(t, c.Validate())
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v", c, c, c)} {
		assert.NotContains(t, s, "hemmelig-passord")
		assert.Contains(t, s, "id-1")
	}
	assert.Error(t, fiks.Credentials{}.Validate())
	assert.Error(t, fiks.Credentials{Token: auth.Static("t")}.Validate())
	assert.Error(t, fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "x"}.Validate())
}

func TestParseError(t *testing.T) {
	body := `{"timestamp":"2026-11-22T12:00:00Z","status":404,"error":"Not Found","errorId":"e-123","errorCode":"FORSENDELSE_IKKE_FUNNET","path":"/folkeregister/api/v1/r/v1/personer/13097248022","message":"Fant ikke 13097248022"}`
	e := fiks.ParseError("folkeregister.Person", 404, []byte(body))
	assert.Equal(t, "e-123", e.ErrorID)
	assert.Equal(t, "FORSENDELSE_IKKE_FUNNET", e.ErrorCode)
	assert.NotContains(t, e.Error(), "13097248022")
	assert.NotContains(t, e.Path, "13097248022")
	assert.Contains(t, e.Error(), "errorId e-123")
	assert.ErrorIs(t, e, fiks.ErrNotFound)
	assert.False(t, e.Temporary())

	cases := []struct {
		status int
		msg    string
		is     []error
		not    []error
	}{
		{401, fikstest.MessageBadToken, []error{fiks.ErrUnauthorized, fiks.ErrTokenRejected}, []error{fiks.ErrIntegrasjonRejected}},
		{401, fikstest.MessageBadIntegrasjon + "abc", []error{fiks.ErrUnauthorized, fiks.ErrIntegrasjonRejected}, []error{fiks.ErrTokenRejected}},
		{403, "mangler tilgang", []error{fiks.ErrForbidden}, []error{fiks.ErrUnauthorized}},
		{409, "x", []error{fiks.ErrConflict}, nil},
		{429, "x", []error{fiks.ErrRateLimited}, []error{fiks.ErrServer}},
		{503, "x", []error{fiks.ErrUnavailable, fiks.ErrServer}, nil},
		{500, "x", []error{fiks.ErrServer}, []error{fiks.ErrUnavailable}},
		{400, "x", []error{fiks.ErrBadRequest}, nil},
	}
	for _, tc := range cases {
		e := fiks.ParseError("op", tc.status, []byte(`{"status":`+fmt.Sprint(tc.status)+`,"message":"`+tc.msg+`","errorId":"id"}`))
		for _, s := range tc.is {
			assert.ErrorIs(t, e, s, "%d %s", tc.status, tc.msg)
		}
		for _, s := range tc.not {
			assert.NotErrorIs(t, e, s, "%d %s", tc.status, tc.msg)
		}
		assert.Equal(t, tc.status == 429 || tc.status >= 500, e.Temporary())
	}

	raw := fiks.ParseError("op", 502, []byte("<html>Bad gateway for Bearer abc.def</html>"))
	assert.Contains(t, raw.Error(), "Bad gateway")
	assert.NotContains(t, raw.Error(), "abc.def")
	var fe *fiks.Error
	assert.True(t, errors.As(error(raw), &fe))
}

// TestFikstestAuth drives the three credential checks end to end: maskinporten client →
// httpx stack → fikstest.Require.
// Ids in an error body are kept whole: a UUID errorId (to quote to KS support) or an id in
// errorJson whose last group holds 11 digits beside a hex letter is not an identity number,
// while one that is not a UUID is still redacted.
func TestErrorIDsAreNotMasked(t *testing.T) {
	id := "20b5cee0-162d-47e0-8b46-e05763120677"
	body := `{"status":403,"errorId":"` + id + `","errorCode":"X","message":"nei 13097248022",` +
		`"errorJson":"{\"fiksOrgId\":\"` + id + `\",\"fnr\":\"13097248022\",\"n\":1}"}`
	e := fiks.ParseError("op", 403, []byte(body))
	assert.Equal(t, id, e.ErrorID)
	assert.Equal(t, id, e.ErrorJSONField("fiksOrgId"))
	assert.Equal(t, "130972*****", e.ErrorJSONField("fnr"))
	assert.Equal(t, "", e.ErrorJSONField("n"), "not a string")
	assert.Equal(t, "", e.ErrorJSONField("mangler"))
	assert.NotContains(t, e.ErrorJSON, "13097248022")
	assert.NotContains(t, e.Error(), "13097248022")
	e = fiks.ParseError("op", 500, []byte(`{"status":500,"errorId":"ref 13097248022"}`))
	assert.NotContains(t, e.ErrorID, "13097248022")
}

func TestFikstestAuth(t *testing.T) {
	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	opts := mp.NewClient("leverandor", "910000020", fiks.Scope, "annet:scope")
	mpc, err := maskinporten.New(opts)
	require.NoError(t, err)
	tokens, err := mpc.TokenSource(maskinporten.Request{Scopes: []string{fiks.Scope}})
	require.NoError(t, err)
	wrongScope, err := mpc.TokenSource(maskinporten.Request{Scopes: []string{"annet:scope"}})
	require.NoError(t, err)

	fa := fikstest.NewAuth(mp,
		fikstest.Integrasjon{ID: "int-1", Passord: "pw-1", Org: "910000020", Privileges: []string{"svarut:konto:k1"}},
		fikstest.Integrasjon{ID: "int-2", Passord: "pw-2", Org: "974760673"})
	var faults fikstest.Faults
	api := httptest.NewTLSServer(faults.Wrap(fa.Require(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := fikstest.CallerFrom(r.Context())
		require.True(t, ok)
		fmt.Fprintf(w, "%s %v", c.Token.Consumer, c.HasPrivilege("svarut:konto:k1"))
	}))))
	t.Cleanup(api.Close)

	call := func(creds fiks.Credentials) (string, error) {
		c := httpx.NewClient(httpx.Options{HTTPClient: api.Client(), Token: creds.Token, Header: creds.Header()})
		resp, err := c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, URL: api.URL + "/x"})
		if err != nil {
			return "", err
		}
		if err := fiks.CheckResponse("test.Call", resp); err != nil {
			return "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b), nil
	}
	good := fiks.Credentials{Token: tokens, IntegrasjonID: "int-1", IntegrasjonPassord: "pw-1"}
	out, err := call(good)
	require.NoError(t, err)
	assert.Equal(t, "910000020 true", out)

	_, err = call(fiks.Credentials{Token: tokens, IntegrasjonID: "int-1", IntegrasjonPassord: "feil"})
	require.ErrorIs(t, err, fiks.ErrIntegrasjonRejected)
	_, err = call(fiks.Credentials{Token: tokens, IntegrasjonID: "int-2", IntegrasjonPassord: "pw-2"})
	require.ErrorIs(t, err, fiks.ErrIntegrasjonRejected, "token consumer is not the integrasjon's organisation")
	_, err = call(fiks.Credentials{Token: wrongScope, IntegrasjonID: "int-1", IntegrasjonPassord: "pw-1"})
	require.ErrorIs(t, err, fiks.ErrTokenRejected)
	_, err = call(fiks.Credentials{Token: auth.Static("not-a-jwt"), IntegrasjonID: "int-1", IntegrasjonPassord: "pw-1"})
	require.ErrorIs(t, err, fiks.ErrTokenRejected)
	var fe *fiks.Error
	require.ErrorAs(t, err, &fe)
	assert.NotEmpty(t, fe.ErrorID)
	assert.NotContains(t, err.Error(), "pw-1")

	faults.FailNext(2, 503, 0)
	out, err = call(good)
	require.NoError(t, err, "a GET is retried through 503s")
	assert.Equal(t, "910000020 true", out)
	faults.FailNext(httpx.DefaultMaxAttempts, 503, 0)
	_, err = call(good)
	require.ErrorIs(t, err, fiks.ErrUnavailable)
	require.ErrorAs(t, err, &fe)
	assert.True(t, fe.Temporary())
}

func TestResolveBaseURL(t *testing.T) {
	api := func(e fiks.Endpoints) string { return e.API }
	u, err := fiks.ResolveBaseURL(fiks.Test, "", api)
	require.NoError(t, err)
	assert.Equal(t, "https://api.fiks.test.ks.no", u)
	u, err = fiks.ResolveBaseURL("", "http://127.0.0.1:8080/", api)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080", u)
	for _, bad := range []string{"http://example.org", "http://127.example.org", "https://user:pw@example.org", "/relative"} {
		_, err := fiks.ResolveBaseURL(fiks.Test, bad, api)
		assert.Error(t, err, bad)
	}
	_, err = fiks.ResolveBaseURL("", "", api)
	assert.Error(t, err)
}

// FuzzParseError: any error body gives an *Error with the status, bounded and redacted,
// and never panics.
func FuzzParseError(f *testing.F) {
	f.Add(401, []byte(`{"timestamp":1,"status":401,"error":"Unauthorized","errorId":"x","message":"Klarte ikke å validere access_token","path":"/p"}`))
	f.Add(400, []byte(`{"kode":"A","melding":"ugyldig 13097248022"}`))
	f.Add(503, []byte(`<html>nede</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := fiks.ParseError("op", status, body)
		if e == nil || e.StatusCode != status {
			t.Fatal("no error")
		}
		if len(e.Body) > 1100 {
			t.Fatalf("body not bounded: %d", len(e.Body))
		}
		if shownIdentity.MatchString(e.Error()) {
			t.Fatal("identity number not masked")
		}
	})
}

// shownIdentity matches the seeded identity number standing alone: inside a longer digit
// run it is not an identity number, and the masking (exactly 11 digits) rightly keeps it.
var shownIdentity = regexp.MustCompile(`(^|[^0-9])13097248022($|[^0-9])`)

// TestFolkeregisterErrorBodies: the Folkeregister proxy passes FREG's own error bodies
// through. Shapes from Skatteetaten's OpenAPI v1.5 (../shared/specs/fiks/folkeregister/
// freg-openapi/freg-offentlig-med-hjemmel-v1.5.yaml: FolkeregisterFeilmelding on 401/403,
// ErrorMessageForExternalUsers on the feed's 404) and its prose docs
// (folkeregisteret-api-dokumentasjon src/konsumenttjenester/hendelsesliste.md: {kode, melding}).
func TestFolkeregisterErrorBodies(t *testing.T) {
	for _, c := range []struct {
		name, body              string
		status                  int
		code, msg, id, severity string
		extra                   map[string]string
	}{
		{"FolkeregisterFeilmelding", `{"feilkode":"FREG-403","feilmelding":"Mangler tilgang til 13097248022","alvorlighetsgrad":"FEIL","httpStatus":403,"tilleggsinformasjon":{"part":"bostedsadresse"}}`,
			403, "FREG-403", "Mangler tilgang til 130972*****", "", "FEIL", map[string]string{"part": "bostedsadresse"}},
		{"ErrorMessageForExternalUsers", `{"code":"NOT_FOUND","message":"Fant ikke sekvensnummer","feilreferanse":"ref-9","httpStatus":404}`,
			404, "NOT_FOUND", "Fant ikke sekvensnummer", "ref-9", "", nil},
		{"prose kode/melding", `{"kode":"FREG-001","melding":"Ugyldig forespørsel"}`,
			400, "FREG-001", "Ugyldig forespørsel", "", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := fiks.ParseError("folkeregister.Person", c.status, []byte(c.body))
			assert.Equal(t, c.code, e.ErrorCode)
			assert.Equal(t, c.msg, e.Message)
			assert.Equal(t, c.id, e.ErrorID)
			assert.Equal(t, c.severity, e.Alvorlighetsgrad)
			assert.Equal(t, c.extra, e.Tilleggsinformasjon)
			assert.NotContains(t, e.Error(), "13097248022")
			assert.Contains(t, e.Error(), c.code)
		})
	}
}

// countingSource counts token fetches and invalidations.
type countingSource struct {
	fetches, invalidations int
}

func (s *countingSource) Token(context.Context) (*auth.Token, error) {
	s.fetches++
	return &auth.Token{Value: fmt.Sprintf("tok-%d", s.fetches)}, nil
}

func (s *countingSource) Invalidate(*auth.Token) { s.invalidations++ }

// TestOnlyARejectedTokenIsRefreshed: FIKS's 401 "Autentisering feilet for integrasjon"
// (wrong IntegrasjonPassord) keeps the cached token and is not retried; "Klarte ikke å
// validere access_token" and an RFC 6750 invalid_token challenge drop it and retry once.
func TestOnlyARejectedTokenIsRefreshed(t *testing.T) {
	for _, c := range []struct {
		name          string
		body, header  string
		wantRequests  int
		wantRefreshed bool
	}{
		{"integrasjon", `{"status":401,"message":"` + fikstest.MessageBadIntegrasjon + `int-1"}`, "", 1, false},
		{"access_token", `{"status":401,"message":"` + fikstest.MessageBadToken + `"}`, "", 2, true},
		{"invalid_token challenge", ``, `Bearer error="invalid_token"`, 2, true},
		{"other 401", `{"status":401,"message":"Ukjent"}`, "", 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests++
				if c.header != "" {
					w.Header().Set("WWW-Authenticate", c.header)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, c.body)
			}))
			t.Cleanup(srv.Close)
			src := &countingSource{}
			hc := httpx.NewClient(httpx.Options{HTTPClient: srv.Client(), Token: src, TokenRejected: fiks.TokenRejected})
			resp, err := hc.Do(context.Background(), &httpx.Request{Method: http.MethodGet, URL: srv.URL + "/x"})
			require.NoError(t, err)
			err = fiks.CheckResponse("test.Call", resp)
			require.ErrorIs(t, err, fiks.ErrUnauthorized)
			assert.Equal(t, c.wantRequests, requests)
			assert.Equal(t, c.wantRefreshed, src.invalidations > 0, "invalidated")
			assert.Equal(t, c.wantRequests, src.fetches)
		})
	}
}
