package einnsyn

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/retry"
)

// Sentinels for errors.Is. An *Error matches the one of its status class; the API's type
// codes are in Error.Type.
var (
	ErrBadRequest      = errors.New("einnsyn: bad request")       // 400 badRequest, validationError
	ErrValidation      = errors.New("einnsyn: validation failed") // 400 validationError
	ErrUnauthenticated = errors.New("einnsyn: not authenticated") // 401
	ErrForbidden       = errors.New("einnsyn: not authorized")    // 403
	ErrNotFound        = errors.New("einnsyn: not found")         // 404
	ErrConflict        = errors.New("einnsyn: conflict")          // 409
	ErrRateLimited     = errors.New("einnsyn: too many requests") // 429
	ErrServer          = errors.New("einnsyn: server error")      // 5xx
	ErrInvalidInput    = errors.New("einnsyn: invalid input")     // refused before sending
	ErrUnknownOutcome  = errors.New("einnsyn: outcome unknown")   // see UkjentUtfallError
)

// FieldError is one field the API refused (validationError).
type FieldError struct {
	FieldName string `json:"fieldName"`
	// Value is the refused value as the API echoed it, redacted (identity numbers and
	// secrets masked). It is not part of Error().
	Value   string `json:"value,omitempty"`
	Message string `json:"message,omitempty"`
}

// Error is an error answer from the API (the Exceptions.* bodies).
type Error struct {
	StatusCode int
	// Type is the API's code: authenticationError, authorizationError, badRequest,
	// validationError, notFound, methodNotAllowed, conflict, tooManyRequests,
	// tooManyUnverifiedOrders, networkError, internalServerError.
	Type string
	// Message is the API's text, redacted.
	Message     string
	FieldErrors []FieldError
	// RetryAfter is the server's wait on a 429 or 503, if it gave one.
	RetryAfter time.Duration
	// ConflictID is the eInnsyn id of the existing object a 409 conflict names ("A
	// conflicting object (<id>) already exists"), read before the message is redacted.
	ConflictID string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "einnsyn: %d", e.StatusCode)
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	for i, f := range e.FieldErrors {
		if i == 0 {
			b.WriteString(" (")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.FieldName)
		if f.Message != "" {
			b.WriteString(": " + f.Message)
		}
		if i == len(e.FieldErrors)-1 {
			b.WriteString(")")
		}
	}
	return b.String()
}

// Is matches the sentinel of the status class.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrValidation:
		return e.Type == "validationError"
	case ErrUnauthenticated:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	case ErrServer:
		return e.StatusCode >= 500
	}
	return false
}

func newError(resp *http.Response, body []byte) *Error {
	e := &Error{StatusCode: resp.StatusCode}
	if d, ok := retry.RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	var w struct {
		Type       string       `json:"type"`
		Message    string       `json:"message"`
		FieldError []FieldError `json:"fieldError"`
		Body       *struct {
			Type       string       `json:"type"`
			Message    string       `json:"message"`
			FieldError []FieldError `json:"fieldError"`
		} `json:"body"`
	}
	if json.Unmarshal(body, &w) == nil {
		if w.Type == "" && w.Body != nil {
			w.Type, w.Message, w.FieldError = w.Body.Type, w.Body.Message, w.Body.FieldError
		}
		e.Type, e.Message, e.FieldErrors = httpx.Redact(w.Type), httpx.Redact(w.Message), w.FieldError
		if m := conflictIDRe.FindStringSubmatch(w.Message); m != nil && e.StatusCode == http.StatusConflict {
			e.ConflictID = m[1]
		}
		for i := range e.FieldErrors {
			f := &e.FieldErrors[i]
			f.FieldName, f.Value, f.Message = httpx.Redact(f.FieldName), httpx.Redact(f.Value), httpx.Redact(f.Message)
		}
	}
	if e.Type == "" && e.Message == "" {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200] + "..."
		}
		e.Message = httpx.Redact(msg)
	}
	return e
}

// ValidationError is bad input found before anything was sent. It matches
// ErrInvalidInput.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return "einnsyn: invalid input: " + strings.Join(e.Problems, "; ")
}

// Is matches ErrInvalidInput.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalidInput }

// invalid builds a ValidationError; problems that echo input are redacted, so an identity
// number passed where an id belongs does not end up in an error.
func invalid(p ...string) error {
	for i := range p {
		p[i] = httpx.Redact(p[i])
	}
	return &ValidationError{Problems: p}
}

// UkjentUtfallError (unknown outcome) is a create whose answer was lost after the
// request may have reached eInnsyn, and whose effect could not be settled: it had no
// SystemID to look it up by, or the lookup failed too. Look for the object before sending
// it again. It matches ErrUnknownOutcome.
type UkjentUtfallError struct {
	Collection string
	SystemID   string
	Err        error
}

func (e *UkjentUtfallError) Error() string {
	s := "einnsyn: create " + e.Collection + ": the answer was lost and it is unknown whether it was created"
	if e.SystemID != "" {
		s += " (systemId " + e.SystemID + ")"
	}
	return s + ": " + e.Err.Error()
}

func (e *UkjentUtfallError) Unwrap() error { return e.Err }

// Is matches ErrUnknownOutcome.
func (e *UkjentUtfallError) Is(target error) bool { return target == ErrUnknownOutcome }

// DecodeError is an answer that could not be read.
type DecodeError struct{ Err error }

func (e *DecodeError) Error() string { return "einnsyn: reading the answer: " + e.Err.Error() }
func (e *DecodeError) Unwrap() error { return e.Err }

// unknownOutcome reports whether a failed POST may have taken effect: a transport error
// (the retry layer did not resend it, so it may have been sent) or a 5xx, which may
// come from a gateway after the backend took the request.
func unknownOutcome(err error) bool {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500
	}
	var ve *ValidationError
	var de *DecodeError
	if errors.As(err, &ve) || errors.As(err, &de) {
		return false
	}
	return true
}
