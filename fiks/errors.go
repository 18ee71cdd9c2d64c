package fiks

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

// The status-class sentinels (ErrNotFound, ErrUnauthorized, ...) are the module's shared
// ones (httperrors.go). These two tell FIKS's two kinds of 401 apart.
var (
	// ErrTokenRejected: 401 "Klarte ikke å validere access_token": the Maskinporten token
	// is expired, from the wrong environment or lacks scope ks:fiks. A fresh token may help.
	ErrTokenRejected = errors.New("fiks: the access token was rejected")
	// ErrIntegrasjonRejected: 401 "Autentisering feilet for integrasjon ...": the token is
	// fine, but the integrasjon id or password is wrong, or the token's organisation
	// (consumer) is not the integrasjon's authorised organisation. FIKS does not say which.
	ErrIntegrasjonRejected = errors.New("fiks: the integrasjon credentials were rejected")
)

// Error is an error answer from a FIKS API, with the fields of FIKS's error body.
type Error struct {
	// Operation is the client method, for example "svarut.Send".
	Operation string
	// StatusCode is the HTTP status.
	StatusCode int
	// ErrorID is FIKS's id of this error: quote it to KS support.
	ErrorID string
	// ErrorCode is FIKS's machine-readable code, if any.
	ErrorCode string
	// Message is the error message, redacted.
	Message string
	// Path is the request path FIKS reports, redacted.
	Path string
	// Timestamp as FIKS gave it.
	Timestamp string
	// ErrorJSON is FIKS's errorJson (details for some errorCodes, itself JSON), redacted.
	// ErrorJSONField gives one member of it with ids intact.
	ErrorJSON string
	// errorJSON is errorJson as it came, for ErrorJSONField; never printed.
	errorJSON string
	// Alvorlighetsgrad and Tilleggsinformasjon are from Folkeregisteret's own error body
	// (FolkeregisterFeilmelding), which the Folkeregister proxy passes through; redacted.
	Alvorlighetsgrad    string
	Tilleggsinformasjon map[string]string
	// Body is the raw body, capped and redacted, for bodies that are not FIKS's shape.
	Body string
	// Wait is the wait the server asked for (Retry-After on a 429 or 503), if any.
	Wait time.Duration
	// URL is the address tried (no query), set for a 404 without FIKS's error body: such
	// an answer usually means a wrong BaseURL or path, not a missing object.
	URL string
}

type errorBody struct {
	Timestamp json.RawMessage `json:"timestamp"`
	Status    int             `json:"status"`
	Error     string          `json:"error"`
	ErrorID   string          `json:"errorId"`
	ErrorCode string          `json:"errorCode"`
	Message   string          `json:"message"`
	Path      string          `json:"path"`
	ErrorJSON json.RawMessage `json:"errorJson"`
	// Folkeregisteret's own error bodies, which the Folkeregister proxy passes through:
	// FolkeregisterFeilmelding {feilkode, feilmelding, alvorlighetsgrad, httpStatus,
	// tilleggsinformasjon} and ErrorMessageForExternalUsers {code, message,
	// feilreferanse, httpStatus} in FREG's OpenAPI v1.5, {kode, melding} in its prose
	// documentation.
	Kode                string            `json:"kode"`
	Melding             string            `json:"melding"`
	Feilkode            string            `json:"feilkode"`
	Feilmelding         string            `json:"feilmelding"`
	Alvorlighetsgrad    string            `json:"alvorlighetsgrad"`
	Tilleggsinformasjon map[string]string `json:"tilleggsinformasjon"`
	Code                string            `json:"code"`
	Feilreferanse       string            `json:"feilreferanse"`
}

// CheckResponse returns nil for a 2xx answer, and otherwise reads the answer into an
// *Error (body capped, redacted and closed), as go-github's CheckResponse does.
func CheckResponse(operation string, resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	e := parseError(operation, resp.StatusCode, httpx.ReadError(resp))
	if e.StatusCode == http.StatusNotFound && e.ErrorID == "" && e.Message == "" && resp.Request != nil && resp.Request.URL != nil {
		u := *resp.Request.URL
		u.RawQuery, u.Fragment, u.User = "", "", nil
		e.URL = httpx.Redact(u.String())
	}
	if d, ok := retry.RetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.Wait = d
	}
	return e
}

// parseError builds an *Error from a status and body. It never fails.
func parseError(operation string, status int, body []byte) *Error {
	e := &Error{Operation: operation, StatusCode: status}
	var eb errorBody
	if json.Unmarshal(body, &eb) == nil && (eb.Message != "" || eb.ErrorID != "" || eb.Error != "" || eb.Kode != "" || eb.Melding != "" ||
		eb.Feilkode != "" || eb.Feilmelding != "" || eb.Code != "" || eb.Feilreferanse != "") {
		// Every field is the server's text and may echo what was sent: all are redacted.
		e.ErrorID = httpx.RedactID(firstNonEmpty(eb.ErrorID, eb.Feilreferanse))
		e.ErrorCode = httpx.Redact(firstNonEmpty(eb.ErrorCode, eb.Kode, eb.Feilkode, eb.Code))
		e.Message = httpx.Redact(firstNonEmpty(eb.Message, eb.Melding, eb.Feilmelding, eb.Error))
		e.Alvorlighetsgrad = httpx.Redact(eb.Alvorlighetsgrad)
		for k, v := range eb.Tilleggsinformasjon {
			if e.Tilleggsinformasjon == nil {
				e.Tilleggsinformasjon = map[string]string{}
			}
			e.Tilleggsinformasjon[httpx.Redact(k)] = httpx.Redact(v)
		}
		e.Path = httpx.Redact(eb.Path)
		e.Timestamp = httpx.Redact(strings.Trim(string(eb.Timestamp), `"`))
		if len(eb.ErrorJSON) > 0 && string(eb.ErrorJSON) != "null" {
			var s string
			if json.Unmarshal(eb.ErrorJSON, &s) != nil {
				s = string(eb.ErrorJSON) // newer services send an object, not a string
			}
			e.ErrorJSON, e.errorJSON = httpx.Redact(s), s
		}
	} else if len(body) > 0 {
		s := string(body)
		if len(s) > 1024 {
			s = s[:1024] + "…"
		}
		e.Body = httpx.Redact(s)
	}
	return e
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Operation != "" {
		b.WriteString(e.Operation + ": ")
	} else {
		b.WriteString("fiks: ")
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if e.Body != "" {
		b.WriteString(": " + e.Body)
	}
	if e.URL != "" {
		b.WriteString(" (nothing at " + e.URL + ": check BaseURL or Environment)")
	}
	if e.ErrorCode != "" {
		b.WriteString(" [" + e.ErrorCode + "]")
	}
	if e.ErrorID != "" {
		b.WriteString(" (errorId " + e.ErrorID + ")")
	}
	return b.String()
}

// HTTPStatusCode returns the HTTP status.
func (e *Error) HTTPStatusCode() int { return e.StatusCode }

// Temporary reports whether the same request may succeed later: 408, 429 and 5xx.
func (e *Error) Temporary() bool { return httpx.Temporary(e.StatusCode) }

// RetryAfter is the wait the server asked for, or 0.
func (e *Error) RetryAfter() time.Duration { return e.Wait }

// TokenRejected reports whether a 401 answer from a FIKS service rejects the access token
// (so that a fresh one may help), for auth.Transport.Rejected: FIKS's "Klarte ikke å
// validere access_token", or a WWW-Authenticate challenge with error="invalid_token"
// (RFC 6750). Only then is the cached Maskinporten token dropped and the call retried
// once. A 401 that says the integration credentials failed ("Autentisering feilet for
// integrasjon ...") does not, nor does any other 401: a new token does not cure a wrong
// IntegrasjonPassord, and a retry would only repeat the refusal.
func TokenRejected(resp *http.Response, body []byte) bool {
	if resp.StatusCode != http.StatusUnauthorized {
		return false
	}
	if strings.Contains(strings.ToLower(resp.Header.Get("WWW-Authenticate")), "invalid_token") {
		return true
	}
	msg := strings.ToLower(string(body))
	return strings.Contains(msg, "access_token") && !strings.Contains(msg, "autentisering feilet for integrasjon")
}

// Is matches the module's status-class sentinels, and the two kinds of 401 by FIKS's
// message.
func (e *Error) Is(target error) bool {
	s := e.StatusCode
	switch target {
	case ErrTokenRejected:
		return s == http.StatusUnauthorized && strings.Contains(strings.ToLower(e.Message+e.Body), "access_token")
	case ErrIntegrasjonRejected:
		return s == http.StatusUnauthorized && strings.Contains(strings.ToLower(e.Message+e.Body), "integrasjon")
	}
	return httpx.StatusIs(s, target)
}

// DecodeJSON checks resp with CheckResponse and decodes its JSON body into out, reading at
// most max bytes (past that: *httpx.ResponseTooLargeError, one type across the module). The
// body is closed. A body that does not decode is an error naming op, redacted.
func DecodeJSON(op string, resp *http.Response, out any, max int64) error {
	if err := CheckResponse(op, resp); err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := httpx.ReadBody(resp, max)
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		return fmt.Errorf("%s: decoding the answer: %w", op, httpx.RedactError(err))
	}
	return nil
}

// ErrorJSONField is the string member name of errorJson (as integrasjonId and fiksOrgId in
// Min side's 403): a UUID as it came, anything else redacted, "" when there is none.
func (e *Error) ErrorJSONField(name string) string {
	var m map[string]any
	if e.errorJSON == "" || json.Unmarshal([]byte(e.errorJSON), &m) != nil {
		return ""
	}
	s, _ := m[name].(string)
	return httpx.RedactID(s)
}
