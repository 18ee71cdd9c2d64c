package testutil

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"
)

// Exchange is one request and its answer as they crossed a RecordingProxy.
type Exchange struct {
	Method, Path string
	Request      []byte
	Status       int
	Response     []byte
}

// Recorder holds what a RecordingProxy saw.
type Recorder struct {
	mu  sync.Mutex
	log []Exchange
}

// Exchanges are the exchanges so far, in order.
func (r *Recorder) Exchanges() []Exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Exchange(nil), r.log...)
}

// RecordingProxy starts a plain loopback proxy to target (through rt, e.g. a fake's
// HTTPClient().Transport) that records every request and answer body, so that a test can
// check the wire shapes against the spec. It returns the proxy's URL.
func RecordingProxy(t testing.TB, target string, rt http.RoundTripper) (string, *Recorder) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &Recorder{}
	p := httputil.NewSingleHostReverseProxy(u)
	p.Transport = rt
	p.ModifyResponse = func(resp *http.Response) error {
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(b))
		req, _ := resp.Request.Context().Value(bodyKey{}).([]byte)
		rec.mu.Lock()
		rec.log = append(rec.log, Exchange{Method: resp.Request.Method, Path: resp.Request.URL.Path, Request: req, Status: resp.StatusCode, Response: b})
		rec.mu.Unlock()
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		p.ServeHTTP(w, r.WithContext(contextWith(r, b)))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, rec
}

type bodyKey struct{}

func contextWith(r *http.Request, b []byte) context.Context {
	return context.WithValue(r.Context(), bodyKey{}, b)
}
