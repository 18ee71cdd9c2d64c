// Package fakefault is the fault injection shared by the module's in-process fakes
// (maskinportentest, fikstest and the service fakes built on it). Each fake supplies how
// an injected status is answered (its own error body).
package fakefault

import (
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is one injected failure.
type Fault struct {
	// Status answers with this status, without processing.
	Status int
	// RetryAfter sets Retry-After (seconds) with Status.
	RetryAfter int
	// Drop closes the connection before processing.
	Drop bool
	// DropAfter processes the request fully, then closes the connection without an answer.
	DropAfter bool
	// Match limits the fault to requests it returns true for. Nil: any request.
	Match func(*http.Request) bool
}

// Injector queues faults and applies them in front of a handler. The zero value is ready.
type Injector struct {
	mu      sync.Mutex
	queue   []Fault
	latency time.Duration
}

// Add queues a fault.
func (in *Injector) Add(f Fault) {
	in.mu.Lock()
	in.queue = append(in.queue, f)
	in.mu.Unlock()
}

// SetLatency delays every answer by d.
func (in *Injector) SetLatency(d time.Duration) {
	in.mu.Lock()
	in.latency = d
	in.mu.Unlock()
}

// Clear removes queued faults and latency.
func (in *Injector) Clear() {
	in.mu.Lock()
	in.queue, in.latency = nil, 0
	in.mu.Unlock()
}

func (in *Injector) next(r *http.Request) (Fault, bool, time.Duration) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i, f := range in.queue {
		if f.Match == nil || f.Match(r) {
			in.queue = slices.Delete(in.queue, i, i+1)
			return f, true, in.latency
		}
	}
	return Fault{}, false, in.latency
}

// Wrap applies the faults in front of next; writeStatus answers an injected Status (after
// Retry-After has been set).
func (in *Injector) Wrap(next http.Handler, writeStatus func(w http.ResponseWriter, r *http.Request, status int)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok, lat := in.next(r)
		if lat > 0 {
			t := time.NewTimer(lat)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		switch {
		case !ok:
			next.ServeHTTP(w, r)
		case f.Drop:
			hijackClose(w)
		case f.DropAfter:
			next.ServeHTTP(discard{h: http.Header{}}, r)
			hijackClose(w)
		case f.Status != 0:
			if f.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
			}
			writeStatus(w, r, f.Status)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// Server is the HTTP side the service fakes share: a loopback server (TLS unless plain), a
// count of the requests that reached it, and fault injection in front of the fake's
// handler, with the fake's own error body for injected statuses.
type Server struct {
	srv  *httptest.Server
	in   Injector
	reqs atomic.Int64
}

// Config is what a fake gives NewServer.
type Config struct {
	// Handler is the fake's service.
	Handler http.Handler
	// Plain serves HTTP instead of TLS.
	Plain bool
	// WriteStatus answers an injected status in the service's error format.
	WriteStatus func(w http.ResponseWriter, r *http.Request, status int)
	// Seen, if set, is called for every request before any fault applies.
	Seen func(r *http.Request)
	// Listener, when set, is where the server listens (a fixed loopback port, as
	// `fellesklient fake` gives); nil: a free loopback port.
	Listener net.Listener
}

// NewServer starts c.Handler behind fault injection on loopback. It panics if it cannot
// listen, as httptest does.
func NewServer(c Config) *Server {
	s := &Server{}
	wrapped := s.in.Wrap(c.Handler, c.WriteStatus)
	counted := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.reqs.Add(1)
		if c.Seen != nil {
			c.Seen(r)
		}
		wrapped.ServeHTTP(w, r)
	})
	s.srv = httptest.NewUnstartedServer(counted)
	if c.Listener != nil {
		s.srv.Listener.Close()
		s.srv.Listener = c.Listener
	}
	if c.Plain {
		s.srv.Start()
	} else {
		s.srv.StartTLS()
	}
	return s
}

// URL is the base URL to give the client.
func (s *Server) URL() string { return s.srv.URL }

// HTTPClient returns a client that trusts the server's TLS certificate.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// Certificate is the server's TLS certificate (nil for a plain server).
func (s *Server) Certificate() *x509.Certificate { return s.srv.Certificate() }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Requests returns how many requests reached the server.
func (s *Server) Requests() int { return int(s.reqs.Load()) }

// FailNext answers the next n requests with status (and Retry-After seconds).
func (s *Server) FailNext(n, status, retryAfter int) {
	for range n {
		s.in.Add(Fault{Status: status, RetryAfter: retryAfter})
	}
}

// InjectFault queues a fault; DropAfter is "the request took effect, then the connection
// dropped".
func (s *Server) InjectFault(f Fault) { s.in.Add(f) }

// SetLatency delays every answer.
func (s *Server) SetLatency(d time.Duration) { s.in.SetLatency(d) }

// ClearFaults removes queued faults and latency.
func (s *Server) ClearFaults() { s.in.Clear() }
