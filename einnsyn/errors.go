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
// ErrValidation is matched by an *Error whose type is validationError (a 400 that names
// the fields); the status-class sentinels are the module's shared ones (httperrors.go).
var ErrValidation = errors.New("einnsyn: validation failed")

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
	// Wait is the server's wait on a 429 or 503, if it gave one.
	Wait time.Duration
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

// Is matches ErrValidation and the module's status-class sentinels.
func (e *Error) Is(target error) bool {
	if target == ErrValidation {
		return e.Type == "validationError"
	}
	return httpx.StatusIs(e.StatusCode, target)
}

// HTTPStatusCode returns the HTTP status.
func (e *Error) HTTPStatusCode() int { return e.StatusCode }

// Temporary reports whether the same request may succeed later: 408, 429 and 5xx.
func (e *Error) Temporary() bool { return httpx.Temporary(e.StatusCode) }

// RetryAfter is the wait the server asked for, or 0.
func (e *Error) RetryAfter() time.Duration { return e.Wait }

func newError(resp *http.Response, body []byte) *Error {
	e := &Error{StatusCode: resp.StatusCode}
	if d, ok := retry.RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.Wait = d
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

// invalid builds a ValidationError; problems that echo input are redacted, so an identity
// number passed where an id belongs does not end up in an error.
func invalid(p ...string) error {
	for i := range p {
		p[i] = httpx.Redact(p[i])
	}
	return &ValidationError{Op: "einnsyn", Problem: strings.Join(p, "; ")}
}

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
