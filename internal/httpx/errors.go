package httpx

//go:generate go run ./vocabgen -root ../..

import (
	"errors"
	"net/http"
	"time"
)

// The module's one error vocabulary. Every client re-exports these values under the same
// names (svarut.ErrNotFound == einnsyn.ErrNotFound), so one errors.Is works across
// clients, and every service error type has HTTPStatusCode, Temporary and RetryAfter
// (the [StatusError] interface).

// Status-class sentinels, matched by each client's error type for its HTTP status.
var (
	ErrBadRequest     = errors.New("bad request")     // 400, 422
	ErrUnauthorized   = errors.New("unauthorized")    // 401
	ErrForbidden      = errors.New("forbidden")       // 403
	ErrNotFound       = errors.New("not found")       // 404
	ErrConflict       = errors.New("conflict")        // 409
	ErrRateLimited    = errors.New("rate limited")    // 429
	ErrUnavailable    = errors.New("unavailable")     // 502, 503, 504
	ErrServer         = errors.New("server error")    // every 5xx
	ErrInvalidInput   = errors.New("invalid input")   // refused before anything was sent
	ErrUnknownOutcome = errors.New("outcome unknown") // a write may or may not have taken effect
)

// StatusError is what every service error type of the module implements.
type StatusError interface {
	error
	// HTTPStatusCode is the status of the answer.
	HTTPStatusCode() int
	// Temporary reports whether the same request may succeed later unchanged.
	Temporary() bool
	// RetryAfter is the wait the server asked for (Retry-After), or 0.
	RetryAfter() time.Duration
}

// StatusIs reports whether status belongs to the class of the sentinel target.
func StatusIs(status int, target error) bool {
	switch target {
	case ErrBadRequest:
		return status == http.StatusBadRequest || status == http.StatusUnprocessableEntity
	case ErrUnauthorized:
		return status == http.StatusUnauthorized
	case ErrForbidden:
		return status == http.StatusForbidden
	case ErrNotFound:
		return status == http.StatusNotFound
	case ErrConflict:
		return status == http.StatusConflict
	case ErrRateLimited:
		return status == http.StatusTooManyRequests
	case ErrUnavailable:
		return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
	case ErrServer:
		return status >= 500 && status <= 599
	}
	return false
}

// Temporary reports whether a request answered with status may succeed later unchanged:
// 408, 429 and 5xx.
func Temporary(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || (status >= 500 && status <= 599)
}

// ValidationError is input a client refused before sending anything. Every client uses
// this one shape; it matches ErrInvalidInput.
type ValidationError struct {
	// Op is the operation, for example "svarut.Send".
	Op string
	// Field names the offending input, for example "Mottaker.Foedselsnummer"; empty when
	// the problem is not one field's.
	Field string
	// Problem says what is wrong. It never holds the value of a secret or an identity
	// number.
	Problem string
	// Err is an underlying error or a more specific sentinel, if any (for example an
	// *ident.ParseError or maskinporten.ErrKey).
	Err error
}

func (e *ValidationError) Error() string {
	s := e.Op
	if s == "" {
		s = "invalid input"
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Problem
}

// Unwrap returns Err.
func (e *ValidationError) Unwrap() error { return e.Err }

// Is matches ErrInvalidInput.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

// UnknownOutcomeError is a write whose answer was lost after the request may have reached
// the service, and whose effect could not be settled by looking it up. Look for the
// object (by Reference) before sending it again. It matches ErrUnknownOutcome.
type UnknownOutcomeError struct {
	// Op is the operation, for example "svarut.Send" or "einnsyn.Create saksmappe".
	Op string
	// Reference is what the object can be found by (an eksternReferanse, a systemId), or "".
	Reference string
	// Err is the failure that made the outcome unknown.
	Err error
}

func (e *UnknownOutcomeError) Error() string {
	s := e.Op + ": the answer was lost and it is unknown whether it took effect"
	if e.Reference != "" {
		s += " (reference " + e.Reference + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns Err.
func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// Is matches ErrUnknownOutcome.
func (e *UnknownOutcomeError) Is(target error) bool { return target == ErrUnknownOutcome }
