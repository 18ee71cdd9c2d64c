package fiksio

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
)

// Printing: Options hold private keys and credentials, a Melding's headers and files and
// a MottattMelding's payload may hold personal data. Each prints, logs and marshals only
// what routes it: ids, types and file names.

// String describes the options without keys or credentials' secrets.
func (o Options) String() string {
	return fmt.Sprintf("fiksio.Options{Environment: %q, BaseURL: %q, KontoID: %q, Credentials: %v, Signer: %s, Keys: %d, AMQPAddr: %q}",
		string(o.Environment), o.BaseURL, o.KontoID, o.Credentials, present(o.Signer != nil), len(o.Keys), o.AMQPAddr)
}

// GoString is String.
func (o Options) GoString() string { return o.String() }

// Format prints String for every verb.
func (o Options) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(o.String())) }

// LogValue implements slog.LogValuer.
func (o Options) LogValue() slog.Value { return slog.StringValue(o.String()) }

// MarshalJSON writes String, for loggers that marshal what they get.
func (o Options) MarshalJSON() ([]byte, error) { return json.Marshal(o.String()) }

func present(b bool) string {
	if b {
		return "[set]"
	}
	return "[none]"
}

// String names the message: its route, type, klientMeldingId and file names, never
// header values or content.
func (m Melding) String() string {
	names := make([]string, len(m.Filer))
	for i, f := range m.Filer {
		names[i] = safeName(f.Navn)
	}
	return fmt.Sprintf("fiksio.Melding{AvsenderKontoID: %q, MottakerKontoID: %q, Meldingstype: %q, SvarPaMelding: %q, KlientMeldingID: %q, Headere: %d, Filer: [%s]}",
		m.AvsenderKontoID, m.MottakerKontoID, safeName(m.Meldingstype), m.SvarPaMelding, safeName(m.KlientMeldingID), len(m.Headere), strings.Join(names, ", "))
}

// GoString is String.
func (m Melding) GoString() string { return m.String() }

// Format prints String for every verb.
func (m Melding) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(m.String())) }

// LogValue implements slog.LogValuer.
func (m Melding) LogValue() slog.Value { return slog.StringValue(m.String()) }

// MarshalJSON writes String.
func (m Melding) MarshalJSON() ([]byte, error) { return json.Marshal(m.String()) }

// String names the file, never its content.
func (f Fil) String() string { return fmt.Sprintf("fiksio.Fil{Navn: %q}", safeName(f.Navn)) }

// GoString is String.
func (f Fil) GoString() string { return f.String() }

// Format prints String for every verb.
func (f Fil) Format(s fmt.State, _ rune) { _, _ = s.Write([]byte(f.String())) }

// LogValue implements slog.LogValuer.
func (f Fil) LogValue() slog.Value { return slog.StringValue(f.String()) }

// MarshalJSON writes String.
func (f Fil) MarshalJSON() ([]byte, error) { return json.Marshal(f.String()) }

// GoString is String.
func (m *MottattMelding) GoString() string { return m.String() }

// Format prints String for every verb.
func (m *MottattMelding) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(m.String())) }

// LogValue implements slog.LogValuer.
func (m *MottattMelding) LogValue() slog.Value { return slog.StringValue(m.String()) }
