// Package xsdate is the module's one date and one timestamp type: the XML Schema xs:date
// and xs:dateTime that Noark 5, FREG and eInnsyn use. noark5.Dato, einnsyn.Dato and
// folkeregister.Dato are aliases of Dato, noark5.Tidspunkt and folkeregister.Tidspunkt of
// Tidspunkt, so a value moves between packages without conversion and one input means the
// same in every package, as text (XML) and as JSON:
//
//   - A date is written YYYY-MM-DD. It is read from an xs:date, with or without a zone
//     (the zone is dropped), or from an xs:dateTime, whose calendar date is taken as
//     written, in its own offset: "2025-03-01T23:30:00+01:00" is 1 March everywhere,
//     never converted to UTC first.
//   - A timestamp is written RFC 3339 with its offset, fractions only when there are
//     any. One read without a zone is kept in UTC and written back without one.
//   - "" (and JSON null) is the zero value, and the zero value is written "".
package xsdate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fellesklient/fellesklient/internal/mask"
)

// Dato is a calendar date (xs:date), written YYYY-MM-DD.
type Dato struct{ time.Time }

// NewDato is the date y-m-d.
func NewDato(y int, m time.Month, d int) Dato { return Dato{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)} }

// String is YYYY-MM-DD, or "" for the zero Dato.
func (d Dato) String() string { return string(AppendDate(nil, d.Time)) }

// MarshalText writes YYYY-MM-DD, or nothing for the zero Dato.
func (d Dato) MarshalText() ([]byte, error) { return AppendDate(nil, d.Time), nil }

// UnmarshalText reads an xs:date (its zone dropped) or the date of an xs:dateTime as
// written; "" is the zero Dato.
func (d *Dato) UnmarshalText(b []byte) error {
	t, err := ParseDate(b)
	if err != nil {
		return err
	}
	d.Time = t
	return nil
}

// MarshalJSON writes "YYYY-MM-DD" ("" for the zero Dato), not time.Time's timestamp.
func (d Dato) MarshalJSON() ([]byte, error) { return MarshalJSON(AppendDate(nil, d.Time)), nil }

// UnmarshalJSON reads what UnmarshalText reads, from a JSON string; null is the zero Dato.
func (d *Dato) UnmarshalJSON(b []byte) error { return UnmarshalJSON(b, d.UnmarshalText) }

// Tidspunkt is a timestamp (xs:dateTime), written in RFC 3339 with its offset. One read
// without a zone is written back without one (UtenSone).
type Tidspunkt struct {
	time.Time
	UtenSone bool
}

// String is the RFC 3339 text, or "" for the zero Tidspunkt.
func (t Tidspunkt) String() string { return string(AppendDateTime(nil, t.Time, t.UtenSone)) }

// MarshalText writes RFC 3339 (fractions only when there are any), or nothing for the
// zero Tidspunkt.
func (t Tidspunkt) MarshalText() ([]byte, error) {
	return AppendDateTime(nil, t.Time, t.UtenSone), nil
}

// UnmarshalText reads an xs:dateTime; "" is the zero Tidspunkt.
func (t *Tidspunkt) UnmarshalText(b []byte) error {
	v, noZone, err := ParseDateTime(b)
	if err != nil {
		return err
	}
	*t = Tidspunkt{Time: v, UtenSone: noZone}
	return nil
}

// MarshalJSON writes the RFC 3339 text as a JSON string.
func (t Tidspunkt) MarshalJSON() ([]byte, error) {
	return MarshalJSON(AppendDateTime(nil, t.Time, t.UtenSone)), nil
}

// UnmarshalJSON reads what UnmarshalText reads, from a JSON string; null is the zero
// Tidspunkt.
func (t *Tidspunkt) UnmarshalJSON(b []byte) error { return UnmarshalJSON(b, t.UnmarshalText) }

const localLayout = "2006-01-02T15:04:05.999999999"

// ParseDate reads a date (see the package comment).
func ParseDate(b []byte) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, nil
	}
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", clip(b))
	}
	rest := b[10:]
	switch {
	case len(rest) == 0, isZone(rest):
	case rest[0] == 'T':
		if _, _, err := ParseDateTime(b); err != nil {
			return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", clip(b))
		}
	default:
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", clip(b))
	}
	t, err := time.Parse(time.DateOnly, string(b[:10]))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (YYYY-MM-DD)", clip(b))
	}
	return t, nil
}

// AppendDate appends t as YYYY-MM-DD, or nothing for the zero time.
func AppendDate(dst []byte, t time.Time) []byte {
	if t.IsZero() {
		return dst
	}
	return t.AppendFormat(dst, time.DateOnly)
}

// ParseDateTime reads a timestamp; noZone reports one written without a zone (read as
// UTC).
func ParseDateTime(b []byte) (t time.Time, noZone bool, err error) {
	if len(b) == 0 {
		return time.Time{}, false, nil
	}
	s := string(b)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, false, nil
	}
	if t, err := time.Parse(localLayout, s); err == nil {
		return t, true, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a timestamp (RFC 3339)", clip(b))
}

// AppendDateTime appends t in RFC 3339 (without a zone when noZone), or nothing for the
// zero time.
func AppendDateTime(dst []byte, t time.Time, noZone bool) []byte {
	if t.IsZero() {
		return dst
	}
	if noZone {
		return t.AppendFormat(dst, localLayout)
	}
	return t.AppendFormat(dst, time.RFC3339Nano)
}

// UnmarshalJSON reads a JSON string (or null, as "") and hands its text to f.
func UnmarshalJSON(b []byte, f func([]byte) error) error {
	if string(b) == "null" {
		return f(nil)
	}
	if n := len(b); n >= 2 && b[0] == '"' && b[n-1] == '"' && bytes.IndexByte(b[1:n-1], '\\') < 0 {
		return f(b[1 : n-1]) // the common case: no escapes
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("want a JSON string, got %q", clip(b))
	}
	return f([]byte(s))
}

// MarshalJSON writes text as a JSON string.
func MarshalJSON(text []byte) []byte {
	out := make([]byte, 0, len(text)+2)
	out = append(out, '"')
	out = append(out, text...) // dates and timestamps hold nothing JSON escapes
	return append(out, '"')
}

func isZone(b []byte) bool {
	if len(b) == 1 {
		return b[0] == 'Z'
	}
	if len(b) != 6 || (b[0] != '+' && b[0] != '-') || b[3] != ':' {
		return false
	}
	for _, i := range []int{1, 2, 4, 5} {
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	h, m := int(b[1]-'0')*10+int(b[2]-'0'), int(b[4]-'0')*10+int(b[5]-'0')
	return h < 14 && m < 60 || h == 14 && m == 0
}

// clip shortens a refused value quoted in an error: a refused value could be anything,
// so at most 32 bytes are shown, identity numbers masked.
func clip(b []byte) string {
	if len(b) > 32 {
		b = append(b[:32:32], "..."...)
	}
	return mask.IdentityNumbers(string(b))
}
