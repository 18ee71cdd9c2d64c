package httpx_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

func TestRedact(t *testing.T) {
	jwt := "eyJhbGciOiJSUzI1NiJ9.eyJzY29wZSI6ImtzOmZpa3MifQ.c2lnbmF0dXJl"
	cases := []struct {
		in   string
		gone []string
		keep []string
	}{
		{"Authorization: Bearer abc.def-ghi", []string{"abc.def-ghi"}, []string{"Bearer"}},
		{"basic dXNlcjpwYXNz", []string{"dXNlcjpwYXNz"}, nil},
		{"got token " + jwt + " back", []string{jwt, "c2lnbmF0dXJl"}, []string{"got token"}},
		{"grant_type=urn%3Aietf&assertion=abc.def.ghi", []string{"abc.def.ghi"}, []string{"grant_type"}},
		{`{"access_token":"opaque-123","expires_in":120}`, []string{"opaque-123"}, []string{"expires_in"}},
		{"IntegrasjonPassord: hemmelig", []string{"hemmelig"}, nil},
		{`{"password": "pw1", "passord":"pw2"}`, []string{"pw1", "pw2"}, nil},
		{`{"kty":"RSA","n":"AQAB","d":"privatepart","p":"pp","q":"qq"}`, []string{"privatepart", `"pp"`, `"qq"`}, []string{`"n":"AQAB"`}},
		{"-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", []string{"MIIEow"}, nil},
		{"-----BEGIN PRIVATE KEY-----\nMIIEvg (truncated", []string{"MIIEvg"}, nil},
		{"GET /person/13097248022/navn failed", []string{"13097248022"}, []string{"130972*****", "/navn"}},
		{"fnr=13097248022,13097248022", []string{"13097248022"}, nil},
		{"orgnr 974760673 and 12-digit 123456789012 stay", nil, []string{"974760673", "123456789012"}},
		{"pid=13097248022", []string{"13097248022"}, nil},
		// Ordinary words after a URL that ends in a secret's name stay.
		{`Post "https://test.maskinporten.no/token": dial tcp: lookup test.maskinporten.no: no such host`, nil,
			[]string{"dial tcp: lookup", "/token"}},
		{"client_assertion=eyJhbGciOiJSUzI1NiJ9xyz&client_id=x", []string{"eyJhbGciOiJSUzI1NiJ9xyz"}, []string{"client_id=x"}},
		{`{"client_secret" : "s3cr3t"}`, []string{"s3cr3t"}, nil},
		{"x-token: abc123 next", []string{"abc123"}, []string{"next"}},
	}
	for _, tc := range cases {
		out := httpx.Redact(tc.in)
		for _, g := range tc.gone {
			assert.NotContains(t, out, g, "input %q → %q", tc.in, out)
		}
		for _, k := range tc.keep {
			assert.Contains(t, out, k, "input %q → %q", tc.in, out)
		}
	}
	assert.Equal(t, "", httpx.Redact(""))
	assert.Equal(t, "nothing to see", httpx.Redact("nothing to see"))
}

func FuzzRedact(f *testing.F) {
	for _, s := range []string{"Bearer x", "13097248022", "eyJa.b.c", `{"d":"x"}`, "-----BEGIN PRIVATE KEY-----", "assertion=a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := httpx.Redact(s)
		// Idempotent, and no 11-digit run survives.
		if httpx.Redact(out) != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, httpx.Redact(out))
		}
		run := 0
		for i := 0; i <= len(out); i++ {
			if i < len(out) && out[i] >= '0' && out[i] <= '9' {
				run++
				continue
			}
			if run == 11 {
				t.Fatalf("11-digit run survived: %q → %q", s, out)
			}
			run = 0
		}
	})
}

// TestStack: retry → auth → extra headers → the user's transport; the user's client is not
// modified; the User-Agent is set.
func TestStack(t *testing.T) {
	var seen http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Clone()
		_, _ = io.WriteString(w, "ok")
	}))
	defer srv.Close()
	var baseCalls int
	user := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		baseCalls++
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := httpx.NewClient(httpx.Options{
		HTTPClient: user,
		Token:      auth.Static("tok"),
		Header:     http.Header{"Integrasjonid": {"id-1"}, "Integrasjonpassord": {"pw"}},
		UserAgent:  "kommune-app/1.0",
	})
	resp, err := c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, URL: srv.URL, Header: http.Header{"Accept": {"application/json"}}})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, "Bearer tok", seen.Get("Authorization"))
	assert.Equal(t, "id-1", seen.Get("IntegrasjonId"))
	assert.Equal(t, "pw", seen.Get("IntegrasjonPassord"))
	assert.Equal(t, "application/json", seen.Get("Accept"))
	assert.Equal(t, httpx.DefaultUserAgent+" kommune-app/1.0", seen.Get("User-Agent"))
	assert.Equal(t, 1, baseCalls)
	_, unchanged := user.Transport.(roundTripFunc)
	assert.True(t, unchanged, "the user's client is not modified")
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTransportErrorsRedacted(t *testing.T) {
	c := httpx.NewClient(httpx.Options{MaxAttempts: 1, HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("dial failed for Bearer secret-token")
	})}})
	_, err := c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, URL: "https://api.example.no/person/13097248022?fnr=13097248022"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "13097248022")
	assert.NotContains(t, err.Error(), "secret-token")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: "https://api.example.no/person/13097248022"})
	require.ErrorIs(t, err, context.Canceled, "the chain is kept")
}

func TestReadErrorCap(t *testing.T) {
	big := strings.Repeat("e", httpx.MaxErrorBody*3)
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(big))}
	b := httpx.ReadError(resp)
	assert.Len(t, b, httpx.MaxErrorBody)
}

func TestRetryLoggingRedacted(t *testing.T) {
	var logs testutil.LogBuffer
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer srv.Close()
	c := httpx.NewClient(httpx.Options{Logger: logs.Logger(), Token: auth.Static("tok-secret"), HTTPClient: srv.Client(),
		Sleep: func(ctx context.Context, _ time.Duration) error { return nil }})
	resp, err := c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, URL: srv.URL + "/person/13097248022"})
	require.NoError(t, err)
	resp.Body.Close()
	out := logs.String()
	assert.Contains(t, out, "retrying")
	assert.NotContains(t, out, "13097248022")
	assert.NotContains(t, out, "tok-secret")
	var quiet testutil.LogBuffer
	c = httpx.NewClient(httpx.Options{Logger: slog.New(slog.NewTextHandler(&quiet, nil)), HTTPClient: srv.Client(),
		Sleep: func(ctx context.Context, _ time.Duration) error { return nil }})
	resp, err = c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, URL: srv.URL})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Empty(t, quiet.String(), "info-level loggers get no retry chatter")
}

// TestOpenerStreams: a 32 MiB body is streamed from its opener on each attempt (a 503
// forces a second one) and is never held in memory by the client.
func TestOpenerStreams(t *testing.T) {
	const size = 32 << 20
	var got []int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		got = append(got, n)
		if len(got) == 1 {
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	opens := 0
	c := httpx.NewClient(httpx.Options{HTTPClient: srv.Client(), Sleep: func(context.Context, time.Duration) error { return nil }})
	resp, err := c.Do(context.Background(), &httpx.Request{Method: http.MethodPut, URL: srv.URL, Body: httpx.Opener(func() (io.ReadCloser, error) {
		opens++
		return io.NopCloser(io.LimitReader(zeros{}, size)), nil
	}, size)})
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 2, opens)
	assert.Equal(t, []int64{size, size}, got)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestURLQueryDroppedOnce: only the URL's query goes; a '?' later in the message stays.
func TestURLQueryDroppedOnce(t *testing.T) {
	c := httpx.NewClient(httpx.Options{MaxAttempts: 1, HTTPClient: &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("is the server up?")
	})}})
	_, err := c.Do(context.Background(), &httpx.Request{Method: http.MethodGet, URL: "https://api.example.no/sok?navn=ola"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "navn=ola")
	assert.Contains(t, err.Error(), "https://api.example.no/sok")
	assert.Contains(t, err.Error(), "is the server up?")
}

// An id to quote to support is kept whole when it is hex with a letter (a UUID, a hex
// trace id), even with 11 digits beside a letter; a bare number is still masked.
func TestRedactID(t *testing.T) {
	for in, want := range map[string]string{
		"20b5cee0-162d-47e0-8b46-e05763120677": "20b5cee0-162d-47e0-8b46-e05763120677",
		"4bf92f3577b34da6a3ce929d0e0e4736":     "4bf92f3577b34da6a3ce929d0e0e4736",
		"a13097248022f":                        "a13097248022f",
		"13097248022":                          "130972*****",
		"ref 13097248022":                      "ref 130972*****",
		"":                                     "",
	} {
		assert.Equal(t, want, httpx.RedactID(in), in)
	}
	assert.NotEqual(t, "Bearer eyJhbGciOiJSUzI1NiJ9.e30.x", httpx.RedactID("Bearer eyJhbGciOiJSUzI1NiJ9.e30.x"))
}
