package httpx_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// BenchmarkStack measures one GET through the full client stack (retry loop, auth
// transport with a cached token, FIKS integration headers, User-Agent) against a bare
// net/http client on the same loopback server, in the same run. The bare client sends the
// same headers (a hand-written FIKS call has to), so the difference is the stack's own
// cost, not the server parsing more headers.
//
//	go test -run '^$' -bench Stack -benchmem -count 6 ./internal/httpx/
func BenchmarkStack(b *testing.B) {
	payload := []byte(`{"ok":true}`)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(payload)
	}))
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	defer tr.CloseIdleConnections()
	ctx := context.Background()

	b.Run("net/http", func(b *testing.B) {
		hc := &http.Client{Transport: tr}
		b.ReportAllocs()
		for b.Loop() {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Header.Set("Accept", "application/json")
			req.Header.Set("Authorization", "Bearer token")
			req.Header.Set("IntegrasjonId", "id")
			req.Header.Set("IntegrasjonPassord", "pw")
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("fellesklient", func(b *testing.B) {
		tokens := auth.NewCache(auth.TokenSourceFunc(func(context.Context) (*auth.Token, error) {
			return &auth.Token{Value: "token", Expiry: time.Now().Add(time.Hour)}, nil
		}), auth.CacheOptions{})
		c := httpx.NewClient(httpx.Options{
			HTTPClient: &http.Client{Transport: tr},
			Token:      tokens,
			Header:     http.Header{"Integrasjonid": {"id"}, "Integrasjonpassord": {"pw"}},
		})
		hdr := http.Header{"Accept": {"application/json"}}
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: srv.URL, Header: hdr})
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
