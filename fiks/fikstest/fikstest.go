// Package fikstest holds helpers shared by the in-process FIKS fakes (svaruttest,
// folkeregistertest, ...), and usable by anyone faking a FIKS API: it checks the three
// FIKS credentials as FIKS does, writes FIKS error bodies, and injects faults.
package fikstest

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/internal/fakefault"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
	"github.com/google/uuid"
)

// Integrasjon is a Fiks-integrasjon as configured in Fiks forvaltning.
type Integrasjon struct {
	ID      string
	Passord string
	// Org is the authorised organisation: the token's consumer must be this
	// organisasjonsnummer.
	Org string
	// Privileges the integrasjon has, checked by the fakes with HasPrivilege (for
	// example "svarut:konto:<id>" or "folkeregister:rolle:<id>"). Nil: none.
	Privileges []string
}

// Auth checks FIKS credentials against a maskinportentest server and a set of integrasjoner.
type Auth struct {
	mp *maskinportentest.Server
	mu sync.Mutex
	in map[string]Integrasjon
}

// NewAuth returns an Auth that trusts tokens from mp.
func NewAuth(mp *maskinportentest.Server, integrasjoner ...Integrasjon) *Auth {
	a := &Auth{mp: mp, in: map[string]Integrasjon{}}
	for _, i := range integrasjoner {
		a.Add(i)
	}
	return a
}

// Add registers (or replaces) an integrasjon.
func (a *Auth) Add(i Integrasjon) {
	a.mu.Lock()
	a.in[i.ID] = i
	a.mu.Unlock()
}

// The 401 texts FIKS uses; the client tells them apart (fiks.ErrTokenRejected,
// fiks.ErrIntegrasjonRejected).
const (
	MessageBadToken       = "Klarte ikke å validere access_token"
	MessageBadIntegrasjon = "Autentisering feilet for integrasjon med id "
)

type ctxKey struct{}

// Caller is what Require found out about a request.
type Caller struct {
	Integrasjon Integrasjon
	Token       *maskinportentest.AccessToken
}

// CallerFrom returns the caller of a request that passed Require.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(ctxKey{}).(Caller)
	return c, ok
}

// HasPrivilege reports whether the caller's integrasjon has p.
func (c Caller) HasPrivilege(p string) bool { return slices.Contains(c.Integrasjon.Privileges, p) }

// Require wraps next with FIKS's checks: a Maskinporten bearer token from mp with scope
// ks:fiks (else 401 "Klarte ikke å validere access_token"), and IntegrasjonId and
// IntegrasjonPassord headers naming a known integrasjon with that password whose
// organisation is the token's consumer (else 401 "Autentisering feilet for integrasjon
// med id ..."). Both answers have FIKS's error body.
func (a *Auth) Require(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw := r.Header.Get("Authorization")
		const prefix = "Bearer "
		if len(raw) <= len(prefix) || raw[:len(prefix)] != prefix {
			WriteError(w, r, http.StatusUnauthorized, MessageBadToken)
			return
		}
		c, err := a.Check(r.Header.Get("IntegrasjonId"), r.Header.Get("IntegrasjonPassord"), raw[len(prefix):])
		if err != nil {
			WriteError(w, r, http.StatusUnauthorized, err.Error())
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, c)))
	})
}

// authError is a failed Check; its text is the FIKS 401 message.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }

// Check applies FIKS's credential rule to an integrasjon id, its password and a
// Maskinporten access token, as the HTTP APIs (Require) and the FIKS IO broker do: the
// token must be valid with scope ks:fiks, and the integrasjon known, with that password,
// authorised for the token's consumer. The error's text is FIKS's 401 message.
func (a *Auth) Check(integrasjonID, passord, token string) (Caller, error) {
	at, err := a.mp.VerifyToken(token)
	if err != nil || !slices.Contains(at.Scopes, fiks.Scope) {
		return Caller{}, &authError{MessageBadToken}
	}
	a.mu.Lock()
	in, ok := a.in[integrasjonID]
	a.mu.Unlock()
	if !ok || in.Passord != passord || in.Org != at.Consumer {
		return Caller{}, &authError{MessageBadIntegrasjon + integrasjonID}
	}
	return Caller{Integrasjon: in, Token: at}, nil
}

// ErrorBody is FIKS's error body (ErrorMessage in the FIKS OpenAPI documents: timestamp
// in epoch milliseconds, errorId a UUID).
type ErrorBody struct {
	Timestamp int64  `json:"timestamp"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
	ErrorID   string `json:"errorId"`
	ErrorCode string `json:"errorCode,omitempty"`
	Path      string `json:"path"`
	Message   string `json:"message"`
	// ErrorJSON is details for some errorCodes, itself JSON in a string.
	ErrorJSON string `json:"errorJson,omitempty"`
}

// WriteError answers with FIKS's error body.
func WriteError(w http.ResponseWriter, r *http.Request, status int, message string) {
	WriteErrorCode(w, r, status, "", message)
}

// WriteErrorCode is WriteError with an errorCode.
func WriteErrorCode(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	WriteErrorDetail(w, r, status, code, message, "")
}

// WriteErrorDetail is WriteErrorCode with an errorJson (details, itself JSON).
func WriteErrorDetail(w http.ResponseWriter, r *http.Request, status int, code, message, errorJSON string) {
	b, _ := json.Marshal(ErrorBody{
		Timestamp: time.Now().UnixMilli(),
		Status:    status,
		Error:     http.StatusText(status),
		ErrorID:   uuid.NewString(),
		ErrorCode: code,
		Path:      r.URL.Path,
		Message:   message,
		ErrorJSON: errorJSON,
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Fault is one injected failure: the one fault type of every fake in the module.
type Fault = fakefault.Fault

// Faults is fault injection for a fake's handler. The zero value is ready.
type Faults struct {
	in fakefault.Injector
}

// Add queues a fault.
func (f *Faults) Add(ft Fault) {
	f.in.Add(ft)
}

// FailNext fails the next n requests with status.
func (f *Faults) FailNext(n, status, retryAfter int) {
	for range n {
		f.Add(Fault{Status: status, RetryAfter: retryAfter})
	}
}

// SetLatency delays every answer by d.
func (f *Faults) SetLatency(d time.Duration) { f.in.SetLatency(d) }

// Clear removes queued faults and latency.
func (f *Faults) Clear() { f.in.Clear() }

// Wrap applies the faults in front of next; injected statuses get FIKS's error body.
func (f *Faults) Wrap(next http.Handler) http.Handler {
	return f.in.Wrap(next, func(w http.ResponseWriter, r *http.Request, status int) {
		WriteError(w, r, status, "injected fault")
	})
}

// Server is the HTTP side every FIKS fake shares: the module's fault server
// (internal/fakefault: a loopback server, TLS unless plain, a count of the requests that
// reached it, and fault injection) with FIKS's error body for injected statuses. The
// fakes embed it, so its methods (URL, HTTPClient, Certificate, Close, Requests,
// FailNext, InjectFault, SetLatency, ClearFaults) are theirs.
type Server struct {
	*fakefault.Server
}

// NewHTTPServer starts h behind fault injection on loopback: the building block of a
// FIKS fake (svaruttest, folkeregistertest). It panics if it cannot listen, as httptest
// does.
func NewHTTPServer(h http.Handler, plain bool) *Server { return NewHTTPServerOn(h, plain, nil) }

// NewHTTPServerOn is NewHTTPServer on a given listener (a fixed loopback port); nil: a
// free loopback port.
func NewHTTPServerOn(h http.Handler, plain bool, ln net.Listener) *Server {
	return &Server{fakefault.NewServer(fakefault.Config{Handler: h, Plain: plain, Listener: ln,
		WriteStatus: func(w http.ResponseWriter, r *http.Request, status int) {
			WriteError(w, r, status, "injected fault")
		}})}
}
