package maskinportentest

import (
	"net/http"
	"strconv"
	"time"
)

// Fault is one injected failure, consumed by the next request to /token (metadata and
// /jwk requests pass untouched unless Fault.AllPaths is set).
type Fault struct {
	// Status answers with this HTTP status and a server_error body, without processing.
	Status int
	// RetryAfter sets the Retry-After header (seconds) with Status.
	RetryAfter int
	// Drop closes the connection without an answer, before processing.
	Drop bool
	// DropAfter processes the request (a token is issued, the jti is spent) and then
	// closes the connection without an answer: the client cannot know it succeeded.
	DropAfter bool
	// AllPaths applies the fault to the next request to any path.
	AllPaths bool
}

// FailNext makes the next n token requests fail with status (for 429 and 503 with a
// Retry-After of retryAfter seconds when retryAfter > 0).
func (s *Server) FailNext(n, status, retryAfter int) {
	for range n {
		s.InjectFault(Fault{Status: status, RetryAfter: retryAfter})
	}
}

// DropNext makes the next n token requests lose their connection before processing.
func (s *Server) DropNext(n int) {
	for range n {
		s.InjectFault(Fault{Drop: true})
	}
}

// InjectFault queues a fault.
func (s *Server) InjectFault(f Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, f)
	s.mu.Unlock()
}

// SetLatency delays every answer by d (the request's context still ends it early).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// ClearFaults removes queued faults and latency.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults, s.latency = nil, 0
	s.mu.Unlock()
}

func (s *Server) nextFault(path string) (Fault, bool, time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lat := s.latency
	if len(s.faults) == 0 {
		return Fault{}, false, lat
	}
	f := s.faults[0]
	if path != "/token" && !f.AllPaths {
		return Fault{}, false, lat
	}
	s.faults = s.faults[1:]
	return f, true, lat
}

func (s *Server) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			s.tokenRequests.Add(1)
		}
		f, ok, lat := s.nextFault(r.URL.Path)
		if lat > 0 {
			t := time.NewTimer(lat)
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if !ok {
			next.ServeHTTP(w, r)
			return
		}
		switch {
		case f.Drop:
			hijackClose(w)
		case f.DropAfter:
			next.ServeHTTP(discard{}, r)
			hijackClose(w)
		case f.Status != 0:
			if f.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
			}
			code := "server_error"
			if f.Status == http.StatusTooManyRequests {
				code = "slow_down"
			}
			s.writeError(w, &oauthError{status: f.Status, code: code, desc: "injected fault"})
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

// discard is a ResponseWriter that throws the answer away.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
