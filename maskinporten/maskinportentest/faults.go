package maskinportentest

import (
	"net/http"

	"github.com/fellesklient/fellesklient/internal/fakefault"
)

// Fault is one injected failure: the one fault type of every fake in the module. A Fault
// without Match applies to the next request to /token (metadata and /jwk pass untouched);
// set Match to aim it elsewhere. DropAfter: the token is issued and the jti spent, then
// the connection closes without an answer.
type Fault = fakefault.Fault

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

// InjectFault queues a fault (for /token unless it has a Match).
func (s *Server) InjectFault(f Fault) {
	if f.Match == nil {
		f.Match = func(r *http.Request) bool { return r.URL.Path == "/token" }
	}
	s.Server.InjectFault(f)
}

// writeInjected answers an injected status as Maskinporten answers errors.
func (s *Server) writeInjected(w http.ResponseWriter, r *http.Request, status int) {
	code := "server_error"
	if status == http.StatusTooManyRequests {
		code = "slow_down"
	}
	s.writeError(w, &oauthError{status: status, code: code, desc: "injected fault"})
}
