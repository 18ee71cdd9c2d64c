package fiksarkiv

import (
	"fmt"
	"log/slog"

	"github.com/fellesklient/fellesklient/internal/mask"
)

// Printing: a korrespondansepart's personid is a fødselsnummer. Printed or logged (also
// inside an Arkivmelding printed with %+v), it is masked; the XML payload keeps it.

// String prints the korrespondansepart with its personid masked.
func (k Korrespondansepart) String() string {
	type plain Korrespondansepart
	c := plain(k)
	if c.Personid != "" {
		c.Personid = mask.Number(c.Personid)
	}
	return mask.IdentityNumbers(fmt.Sprintf("fiksarkiv.Korrespondansepart%+v", c))
}

// GoString is String.
func (k Korrespondansepart) GoString() string { return k.String() }

// Format prints String for every verb.
func (k Korrespondansepart) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue implements slog.LogValuer.
func (k Korrespondansepart) LogValue() slog.Value { return slog.StringValue(k.String()) }

// String prints the arkivmelding (its mappe and registrering as pointers) with identity
// numbers masked.
func (a Arkivmelding) String() string {
	type plain Arkivmelding
	return mask.IdentityNumbers(fmt.Sprintf("fiksarkiv.Arkivmelding%+v", plain(a)))
}

// GoString is String.
func (a Arkivmelding) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Arkivmelding) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(a.String())) }

// LogValue implements slog.LogValuer.
func (a Arkivmelding) LogValue() slog.Value { return slog.StringValue(a.String()) }

// String prints the registrering with its korrespondanseparter masked.
func (r Registrering) String() string {
	type plain Registrering
	return mask.IdentityNumbers(fmt.Sprintf("fiksarkiv.Registrering%+v", plain(r)))
}

// GoString is String.
func (r Registrering) GoString() string { return r.String() }

// Format prints String for every verb.
func (r Registrering) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue implements slog.LogValuer.
func (r Registrering) LogValue() slog.Value { return slog.StringValue(r.String()) }

// String prints the part with its PersonID masked.
func (p Part) String() string {
	type plain Part
	c := plain(p)
	if c.PersonID != "" {
		c.PersonID = mask.Number(c.PersonID)
	}
	return mask.IdentityNumbers(fmt.Sprintf("fiksarkiv.Part%+v", c))
}

// GoString is String.
func (p Part) GoString() string { return p.String() }

// Format prints String for every verb.
func (p Part) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue implements slog.LogValuer.
func (p Part) LogValue() slog.Value { return slog.StringValue(p.String()) }
