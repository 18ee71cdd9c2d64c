package maskinporten

// The module's one error vocabulary (see docs/architecture.md): the values below are the
// same in every client, so errors.Is(err, ErrNotFound) holds for a not-found answer
// from any of them, and errors.As finds the same types.

import "github.com/fellesklient/fellesklient/internal/httpx"

// Sentinels matched (errors.Is) by this package's *Error according to its HTTP status.
var (
	ErrBadRequest   = httpx.ErrBadRequest   // 400, 422
	ErrUnauthorized = httpx.ErrUnauthorized // 401
	ErrForbidden    = httpx.ErrForbidden    // 403
	ErrNotFound     = httpx.ErrNotFound     // 404
	ErrConflict     = httpx.ErrConflict     // 409
	ErrRateLimited  = httpx.ErrRateLimited  // 429
	ErrUnavailable  = httpx.ErrUnavailable  // 502, 503, 504
	ErrServer       = httpx.ErrServer       // every 5xx
)

// ErrInvalidInput is matched by every *ValidationError: input refused before anything
// was sent.
var ErrInvalidInput = httpx.ErrInvalidInput

// ValidationError is input refused before anything was sent (Op, Field, Problem, and an
// underlying Err when there is one). One type across the module's clients.
type ValidationError = httpx.ValidationError

// StatusError is implemented by every error of this package that carries an HTTP answer:
// HTTPStatusCode, Temporary and RetryAfter.
type StatusError = httpx.StatusError

// RedirectError is returned when the service answers with a redirect. No request of this
// module follows a redirect: a credential, grant or document must never reach another
// origin, and the service documents none. It is one type across the module's clients, so
// errors.As with any package's RedirectError matches it.
type RedirectError = httpx.RedirectError

// ErrRedirect is matched (errors.Is) by every *RedirectError.
var ErrRedirect = httpx.ErrRedirect

// ResponseTooLargeError is returned when an answer's body passes the limit for its kind
// of call (each client documents its limits); the body is not read further. One type
// across the module's clients.
type ResponseTooLargeError = httpx.ResponseTooLargeError

// ErrResponseTooLarge is matched (errors.Is) by every *ResponseTooLargeError.
var ErrResponseTooLarge = httpx.ErrResponseTooLarge
