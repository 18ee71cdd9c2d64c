// Package auth is the one authentication interface of fellesklient.
//
// Every client in the module takes an [auth.TokenSource] for its bearer token. The
// maskinporten package implements it; so can anything else that yields access tokens (a
// sidecar, an Altinn token exchange, a static token in tests). [Cache] adds early refresh and
// single-flight fetching around any source, and [Transport] puts the token on outgoing
// requests and retries once with a fresh token after a 401.
//
// The package imports only the standard library.
package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// A TokenSource returns access tokens. Implementations must be safe for concurrent use and
// must use ctx for any network I/O they do.
type TokenSource interface {
	Token(ctx context.Context) (*Token, error)
}

// TokenSourceFunc adapts a function to a [TokenSource].
type TokenSourceFunc func(ctx context.Context) (*Token, error)

// Token calls f(ctx).
func (f TokenSourceFunc) Token(ctx context.Context) (*Token, error) { return f(ctx) }

// Invalidator is implemented by token sources that cache. [Transport] calls Invalidate with
// the token a server rejected (HTTP 401), so that the next call to Token fetches a new one.
type Invalidator interface {
	Invalidate(rejected *Token)
}

// Token is an access token. A Token returned by a TokenSource is shared between callers and
// must be treated as read-only.
type Token struct {
	// Value is the access token itself. It is a secret: it is never included in String,
	// GoString or any error of this module.
	Value string
	// Type is the token type, "Bearer" when empty.
	Type string
	// Expiry is when the token stops being valid. The zero time means no known expiry.
	Expiry time.Time
	// Scope is the scope the server says it granted, space separated, if it said.
	Scope string
}

// TypeOrDefault returns t.Type, or "Bearer" when it is empty.
func (t Token) TypeOrDefault() string {
	if t.Type == "" {
		return "Bearer"
	}
	return t.Type
}

// Valid reports whether t has a value and is not expired at now.
func (t *Token) Valid(now time.Time) bool {
	return t != nil && t.Value != "" && (t.Expiry.IsZero() || now.Before(t.Expiry))
}

// String describes the token without its value. It has a value receiver, so that a
// Token printed or logged by value is as safe as a *Token; a nil *Token prints "<nil>".
func (t Token) String() string {
	exp := "no expiry"
	if !t.Expiry.IsZero() {
		exp = "expires " + t.Expiry.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("%s token [redacted] (%s, scope %q)", t.TypeOrDefault(), exp, t.Scope)
}

// GoString is like String, so that %#v does not print the value either.
func (t Token) GoString() string { return t.String() }

// Format implements fmt.Formatter so that every verb (%v, %+v, %#v, %s, %q) prints the
// redacted form.
func (t Token) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", t.String())
		return
	}
	_, _ = f.Write([]byte(t.String()))
}

// LogValue implements slog.LogValuer: the token's type, expiry and scope, never its value.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", t.TypeOrDefault()), slog.Time("expiry", t.Expiry), slog.String("scope", t.Scope))
}

// MarshalJSON writes the token without its value (for loggers that marshal what they are
// given). A Token does not round-trip through JSON; caches that store tokens keep the
// value themselves.
func (t Token) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Type   string    `json:"type"`
		Expiry time.Time `json:"expiry,omitzero"`
		Scope  string    `json:"scope,omitempty"`
	}{t.TypeOrDefault(), t.Expiry, t.Scope})
}

// Static returns a TokenSource that always returns a Bearer token with the given value and
// no expiry. It is meant for tests and for tokens obtained out of band.
func Static(value string) TokenSource {
	tok := &Token{Value: value, Type: "Bearer"}
	return TokenSourceFunc(func(context.Context) (*Token, error) {
		if value == "" {
			return nil, ErrNoToken
		}
		return tok, nil
	})
}

// ErrNoToken is returned when a source has no token to give, for example [Static] with an
// empty value or a source that returned a nil token without an error.
var ErrNoToken = errors.New("auth: no token")
