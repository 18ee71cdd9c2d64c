package maskinporten

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/retry"
)

// Sentinels for errors.Is. A [*Error] matches the sentinel of its OAuth error code and
// the module's status-class sentinels (ErrRateLimited, ErrServer, ...; httperrors.go); a
// [*ValidationError] matches ErrInvalidInput and the sentinel it wraps.
var (
	// ErrInvalidGrant: the grant was rejected (unknown client, bad signature, expired or
	// reused grant, certificate problems).
	ErrInvalidGrant = errors.New("maskinporten: invalid_grant")
	// ErrInvalidScope: a scope is not registered on the client or not allowed.
	ErrInvalidScope = errors.New("maskinporten: invalid_scope")
	// ErrInvalidRequest: the token request was malformed (for example an undocumented
	// claim in the grant).
	ErrInvalidRequest = errors.New("maskinporten: invalid_request")
	// ErrAccessDenied: the consumer has not been granted the scope, or has not delegated
	// it to this supplier.
	ErrAccessDenied = errors.New("maskinporten: access denied")
	// ErrKey: the key could not be read or is not usable (not RSA, too short, unknown format).
	ErrKey = errors.New("maskinporten: unusable key")
	// ErrPassword: a PKCS#12 file could not be opened with the password given.
	ErrPassword = errors.New("maskinporten: wrong PKCS#12 password")
	// ErrCertificateExpired: the certificate for x5c is expired or not yet valid.
	ErrCertificateExpired = errors.New("maskinporten: certificate not valid now")
)

// Error is an error answer from the token endpoint (or metadata endpoint): the OAuth 2.0
// error body (RFC 6749 §5.2) with Maskinporten's MP code and trace id parsed out of
// error_description. The description is redacted.
type Error struct {
	// StatusCode is the HTTP status.
	StatusCode int
	// Code is the OAuth error code: invalid_grant, invalid_scope, invalid_request, ...
	Code string
	// Description is error_description, redacted.
	Description string
	// URI is error_uri, if given.
	URI string
	// MPCode is Maskinporten's code (for example "MP-012"), if the description has one.
	MPCode string
	// TraceID is Maskinporten's trace id, if given. Quote it to Digdir support.
	TraceID string
	// Wait is the server's Retry-After, if any.
	Wait time.Duration
}

var (
	mpCodeRe  = regexp.MustCompile(`\bMP-\d{3}\b`)
	traceIDRe = regexp.MustCompile(`(?i)trace[ _-]?id["']?\s*[:=]?\s*["']?([A-Za-z0-9\-]{6,64})`)
)

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("maskinporten: ")
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.MPCode != "" && !strings.Contains(e.Description, e.MPCode) {
		b.WriteString(" (" + e.MPCode + ")")
	}
	if e.TraceID != "" && !strings.Contains(e.Description, e.TraceID) {
		b.WriteString(" (trace_id " + e.TraceID + ")")
	}
	if e.ClockAhead() {
		b.WriteString("; hint: the client clock is ahead of Maskinporten's; synchronise it (NTP), grants are accepted only within 10 s")
	} else if e.MPCode == "MP-130" {
		b.WriteString("; hint: the grant was used too late or the client clock is behind")
	}
	return b.String()
}

// Temporary reports whether the request may succeed later unchanged: 408, 429 and 5xx.
// Configuration, key, scope and delegation errors are permanent.
func (e *Error) Temporary() bool { return httpx.Temporary(e.StatusCode) }

// HTTPStatusCode returns the HTTP status.
func (e *Error) HTTPStatusCode() int { return e.StatusCode }

// RetryAfter is the wait the server asked for, or 0.
func (e *Error) RetryAfter() time.Duration { return e.Wait }

// ClockAhead reports whether Maskinporten said the grant was issued in the future: the
// client clock runs ahead.
func (e *Error) ClockAhead() bool {
	d := strings.ToLower(e.Description)
	return strings.Contains(d, "issue time is after now") || strings.Contains(d, "issue time is in the future") ||
		strings.Contains(d, "iat is in the future")
}

// Is matches the sentinels of this package.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrInvalidGrant:
		return e.Code == "invalid_grant"
	case ErrInvalidScope:
		return e.Code == "invalid_scope"
	case ErrInvalidRequest:
		return e.Code == "invalid_request"
	case ErrAccessDenied:
		return e.Code == "access_denied" || e.MPCode == "MP-250" || e.MPCode == "MP-251" || e.StatusCode == http.StatusForbidden
	}
	return httpx.StatusIs(e.StatusCode, target)
}

// errorBody is the OAuth error body.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorURI         string `json:"error_uri"`
	TraceID          string `json:"trace_id"`
}

// parseError builds an *Error from a non-2xx response body. It never fails: a body that is
// not JSON becomes the (redacted, shortened) description.
func parseError(status int, header http.Header, body []byte) *Error {
	e := &Error{StatusCode: status}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil && (eb.Error != "" || eb.ErrorDescription != "") {
		// Every field is the server's text: all are redacted and bounded.
		e.Code = truncate(httpx.Redact(eb.Error), 128)
		e.Description = httpx.Redact(eb.ErrorDescription)
		e.URI = truncate(httpx.RedactURL(eb.ErrorURI), 512)
		e.TraceID = truncate(httpx.RedactID(eb.TraceID), 128)
	} else if s := strings.TrimSpace(string(body)); s != "" && len(s) <= 512 && !strings.ContainsAny(s, "<>") {
		e.Description = httpx.Redact(s)
	}
	e.Description = truncate(e.Description, 1024)
	e.MPCode = mpCodeRe.FindString(e.Description)
	if e.TraceID == "" {
		if m := traceIDRe.FindStringSubmatch(e.Description); m != nil {
			e.TraceID = m[1]
		}
	}
	if e.TraceID == "" && header != nil {
		e.TraceID = truncate(httpx.RedactID(header.Get("X-Trace-Id")), 128)
	}
	if header != nil {
		if d, ok := retry.RetryAfter(header.Get("Retry-After"), time.Now()); ok {
			e.Wait = d
		}
	}
	return e
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
