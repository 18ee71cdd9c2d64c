package maskinportentest

import (
	"net/http"
	"time"

	"github.com/fellesklient/fellesklient/internal/fakefault"
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
	ff := fakefault.Fault{Status: f.Status, RetryAfter: f.RetryAfter, Drop: f.Drop, DropAfter: f.DropAfter}
	if !f.AllPaths {
		ff.Match = func(r *http.Request) bool { return r.URL.Path == "/token" }
	}
	s.faults.Add(ff)
}

// SetLatency delays every answer by d (the request's context still ends it early).
func (s *Server) SetLatency(d time.Duration) { s.faults.SetLatency(d) }

// ClearFaults removes queued faults and latency.
func (s *Server) ClearFaults() { s.faults.Clear() }

// withFaults counts token requests (faults included) and applies the faults.
func (s *Server) withFaults(next http.Handler) http.Handler {
	h := s.faults.Wrap(next, func(w http.ResponseWriter, r *http.Request, status int) {
		code := "server_error"
		if status == http.StatusTooManyRequests {
			code = "slow_down"
		}
		s.writeError(w, &oauthError{status: status, code: code, desc: "injected fault"})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			s.tokenRequests.Add(1)
		}
		h.ServeHTTP(w, r)
	})
}
