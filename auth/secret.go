package auth

import (
	"fmt"
	"log/slog"
)

// Secret is a string that never prints: String, GoString, every fmt verb, slog and
// encoding/json and encoding/text show "[redacted]" (or "" when it is empty). Options
// fields that hold passwords and API keys have this type, so that logging an Options
// value, by value or by pointer, with %v, %+v, %#v or slog, cannot leak them. Use
// string(s) where the secret itself is needed.
type Secret string

const redacted = "[redacted]"

func (s Secret) show() string {
	if s == "" {
		return ""
	}
	return redacted
}

// String returns "[redacted]", or "" for an empty secret.
func (s Secret) String() string { return s.show() }

// GoString is String quoted, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.show()) }

// Format prints the redacted form for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'q' || (verb == 'v' && f.Flag('#')):
		fmt.Fprintf(f, "%q", s.show())
	default:
		_, _ = f.Write([]byte(s.show()))
	}
}

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.show()) }

// MarshalText implements encoding.TextMarshaler (and so JSON): the redacted form. A
// Secret does not survive a round trip through JSON or text on purpose.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.show()), nil }
