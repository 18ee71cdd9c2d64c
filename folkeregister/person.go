package folkeregister

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/mask"
	"github.com/fellesklient/fellesklient/internal/xsdate"
)

// gjeldende returns the current element of a list: the first marked erGjeldende.
func gjeldende[T interface{ gjeldende() bool }](xs []T) (T, bool) {
	for _, x := range xs {
		if x.gjeldende() {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// Identifikator returns the person's current fødselsnummer or D-nummer (status iBruk);
// the zero Identifikator when none was returned.
func (p *Person) Identifikator() Identifikator {
	for _, id := range p.Identifikasjonsnummer {
		if id.Status == "" || id.Status == "iBruk" {
			if id.ErGjeldende || len(p.Identifikasjonsnummer) == 1 {
				return id.FoedselsEllerDNummer
			}
		}
	}
	return Identifikator{}
}

// GjeldendeNavn returns the current name.
func (p *Person) GjeldendeNavn() (Navn, bool) { return gjeldende(p.Navn) }

// GjeldendeStatus returns the current status (StatusBosatt, ...), or "".
func (p *Person) GjeldendeStatus() string {
	s, _ := gjeldende(p.Status)
	return s.Status
}

// GjeldendeBostedsadresse returns the current residential address.
func (p *Person) GjeldendeBostedsadresse() (Bostedsadresse, bool) {
	return gjeldende(p.Bostedsadresse)
}

// GjeldendePostadresse returns the current postal address in Norway.
func (p *Person) GjeldendePostadresse() (Postadresse, bool) { return gjeldende(p.Postadresse) }

// Foedselsdato returns the birth date from foedsel, or the zero Dato.
func (p *Person) Foedselsdato() Dato {
	f, _ := gjeldende(p.Foedsel)
	return f.Foedselsdato
}

// ErDoed reports whether the person is registered as dead.
func (p *Person) ErDoed() bool {
	return p.GjeldendeStatus() == StatusDoed || p.Doedsfall != nil
}

// Doedsdato returns the date of death, or the zero Dato.
func (p *Person) Doedsdato() Dato {
	if p.Doedsfall == nil {
		return Dato{}
	}
	return p.Doedsfall.Doedsdato
}

// Beskyttelse returns the person's strongest current address protection, from
// adressebeskyttelse and from the adressegradering of every current address, and whether
// any of them was returned at all. When known is false the lookup did not include the
// information (ask for PartAdressebeskyttelse or person-basis) and the person must be
// treated as possibly protected.
//
// FREG returns adressebeskyttelse only for protected persons, so a person-basis lookup
// without it means Ugradert; Beskyttelse reports that as (Ugradert, true) only when an
// address with adressegradering "ugradert" was returned too.
func (p *Person) Beskyttelse() (g Gradering, known bool) {
	g = Ugradert
	add := func(x Gradering) {
		if x == "" {
			return
		}
		known = true
		if x.level() > g.level() {
			g = x
		}
	}
	for _, a := range p.Adressebeskyttelse {
		if a.ErGjeldende || len(p.Adressebeskyttelse) == 1 {
			add(a.Graderingsnivaa)
		}
	}
	for _, a := range p.Bostedsadresse {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	for _, a := range p.Oppholdsadresse {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	for _, a := range p.Postadresse {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	for _, a := range p.PostadresseIUtlandet {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	return g, known
}

// ErrAdressebeskyttet is matched by the error of [Person.Utsendingsadresse] for a person
// whose address must not be used or disclosed.
var ErrAdressebeskyttet = errors.New("folkeregister: the person's address is protected")

// BeskyttetError is returned instead of an address for a protected person.
type BeskyttetError struct {
	// Gradering is the protection found; "" when the protection is unknown.
	Gradering Gradering
}

func (e *BeskyttetError) Error() string {
	if e.Gradering == "" {
		return "folkeregister: the address protection is unknown (the lookup did not include it); no address is given"
	}
	return "folkeregister: the address is protected (" + string(e.Gradering) + "); no address is given"
}

// Is matches ErrAdressebeskyttet.
func (e *BeskyttetError) Is(target error) bool { return target == ErrAdressebeskyttet }

// Adresse is a postal address ready for a letter.
type Adresse struct {
	Adresselinjer []string
	Postnummer    string
	Poststed      string
	// Landkode is empty for Norway.
	Landkode string
}

// Utsendingsadresse returns the address to print a letter to: the current postadresse, else
// the current bostedsadresse. For a person with protection Fortrolig or StrengtFortrolig,
// or whose protection the lookup did not show, it returns a *BeskyttetError
// (errors.Is ErrAdressebeskyttet) and no address. A klientadresse is a service's address
// given for the person and is returned.
func (p *Person) Utsendingsadresse() (Adresse, error) {
	g, known := p.Beskyttelse()
	if !known {
		return Adresse{}, &BeskyttetError{}
	}
	if g.Beskyttet() && g != Klientadresse {
		return Adresse{}, &BeskyttetError{Gradering: g}
	}
	if pa, ok := p.GjeldendePostadresse(); ok {
		switch {
		case pa.PostadresseIFrittFormat != nil:
			f := pa.PostadresseIFrittFormat
			a := Adresse{Adresselinjer: f.Adresselinje}
			if f.Poststed != nil {
				a.Postnummer, a.Poststed = f.Poststed.Postnummer, f.Poststed.Poststedsnavn
			}
			return a, nil
		case pa.Vegadresse != nil:
			v := pa.Vegadresse
			return vegAdresse(&Vegadresse{Bruksenhetsnummer: v.Bruksenhetsnummer, Adressenavn: v.Adressenavn, Adressenummer: v.Adressenummer,
				Adressetilleggsnavn: v.Adressetilleggsnavn, Poststed: v.Poststed, CoAdressenavn: v.CoAdressenavn}), nil
		case pa.Postboksadresse != nil:
			b := pa.Postboksadresse
			a := Adresse{Adresselinjer: nonEmpty(b.Postbokseier, "Postboks "+b.Postboks)}
			if b.Poststed != nil {
				a.Postnummer, a.Poststed = b.Poststed.Postnummer, b.Poststed.Poststedsnavn
			}
			return a, nil
		}
	}
	if ba, ok := p.GjeldendeBostedsadresse(); ok {
		switch {
		case ba.Vegadresse != nil:
			return vegAdresse(ba.Vegadresse), nil
		case ba.Matrikkeladresse != nil && ba.Matrikkeladresse.Poststed != nil:
			m := ba.Matrikkeladresse
			return Adresse{Adresselinjer: nonEmpty(coLine(m.CoAdressenavn), m.Adressetilleggsnavn), Postnummer: m.Poststed.Postnummer, Poststed: m.Poststed.Poststedsnavn}, nil
		}
	}
	return Adresse{}, ErrNoAddress
}

// ErrNoAddress: the lookup returned no address a letter can go to.
var ErrNoAddress = errors.New("folkeregister: no postal address was returned")

func vegAdresse(v *Vegadresse) Adresse {
	line := v.Adressenavn
	if v.Adressenummer != nil {
		line = strings.TrimSpace(line + " " + string(v.Adressenummer.Husnummer) + v.Adressenummer.Husbokstav)
	}
	if v.Bruksenhetsnummer != "" {
		line += " " + v.Bruksenhetsnummer
	}
	a := Adresse{Adresselinjer: nonEmpty(coLine(v.CoAdressenavn), v.Adressetilleggsnavn, line)}
	if v.Poststed != nil {
		a.Postnummer, a.Poststed = v.Poststed.Postnummer, v.Poststed.Poststedsnavn
	}
	return a
}

func coLine(s string) string {
	if s == "" {
		return ""
	}
	return "c/o " + s
}

func fullName(parts ...string) string { return strings.Join(nonEmpty(parts...), " ") }

func nonEmpty(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Gradering is an address protection level. Decoding normalises FREG's spellings
// ("strengtFortrolig", "STRENGT_FORTROLIG", "UGRADERT") to the constants; an unknown value
// is kept as it came and counts as the strongest protection.
type Gradering string

// Gradering values.
const (
	Ugradert         Gradering = "ugradert"
	Klientadresse    Gradering = "klientadresse"
	Fortrolig        Gradering = "fortrolig"
	StrengtFortrolig Gradering = "strengtFortrolig"
)

// UnmarshalText normalises the spelling.
func (g *Gradering) UnmarshalText(b []byte) error {
	*g = normaliseGradering(string(b))
	return nil
}

var graderingFold = strings.NewReplacer("_", "", "-", "", " ", "")

func normaliseGradering(s string) Gradering {
	switch Gradering(s) {
	case Ugradert, Klientadresse, Fortrolig, StrengtFortrolig:
		return Gradering(s)
	}
	k := strings.ToLower(graderingFold.Replace(s))
	switch k {
	case "ugradert":
		return Ugradert
	case "klientadresse":
		return Klientadresse
	case "fortrolig":
		return Fortrolig
	case "strengtfortrolig", "strengtfortroligutland":
		return StrengtFortrolig
	}
	return Gradering(s)
}

// Beskyttet reports whether g is anything but Ugradert (or empty).
func (g Gradering) Beskyttet() bool { return g != "" && g != Ugradert }

func (g Gradering) level() int {
	switch g {
	case "", Ugradert:
		return 0
	case Klientadresse:
		return 1
	case Fortrolig:
		return 2
	case StrengtFortrolig:
		return 3
	}
	return 4 // unknown: the strongest
}

// Identifikator is a fødselsnummer or D-nummer as the register gave it. It prints masked
// (birth date only) through String, every fmt verb, slog and JSON; the full value only
// through Unmasked. It is not validated, since the register is the authority on its own
// numbers; use Foedselsnummer to validate.
type Identifikator struct{ v string }

// NewIdentifikator wraps a number as given.
func NewIdentifikator(s string) Identifikator { return Identifikator{v: s} }

// IsZero reports whether no number is held.
func (i Identifikator) IsZero() bool { return i.v == "" }

// Unmasked returns the full number. Never log it.
func (i Identifikator) Unmasked() string { return i.v }

// Foedselsnummer validates the number.
func (i Identifikator) Foedselsnummer() (ident.Foedselsnummer, error) {
	return ident.ParseFoedselsnummer(i.v)
}

// String returns the masked form.
func (i Identifikator) String() string {
	return mask.Number(i.v)
}

// Format prints the masked form for every verb.
func (i Identifikator) Format(s fmt.State, _ rune) { _, _ = fmt.Fprint(s, i.String()) }

// GoString is the masked form.
func (i Identifikator) GoString() string { return "folkeregister.Identifikator(" + i.String() + ")" }

// LogValue makes slog print the masked form.
func (i Identifikator) LogValue() slog.Value { return slog.StringValue(i.String()) }

// MarshalText writes the masked form, as ident.Foedselsnummer does: a Person marshalled
// to JSON for a log or a screen carries no identity numbers.
func (i Identifikator) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// UnmarshalText takes the number as given.
func (i *Identifikator) UnmarshalText(b []byte) error {
	i.v = string(b)
	return nil
}

// Dato is a calendar date (xs:date, "2006-01-02"): the module's one date type, also
// noark5.Dato and einnsyn.Dato. A full timestamp is read as the date it is written in;
// "" and null are the zero Dato, which is written "".
type Dato = xsdate.Dato

// NewDato is the date y-m-d.
func NewDato(y int, m time.Month, d int) Dato { return xsdate.NewDato(y, m, d) }

// Tidspunkt is a timestamp (xs:dateTime, RFC 3339): the module's one timestamp type, also
// noark5.Tidspunkt. One without a zone is read as UTC and written back without one.
type Tidspunkt = xsdate.Tidspunkt

// Tekst is a text value that FREG sometimes sends as a JSON number (husnummer,
// foedselsaar); both decode.
type Tekst string

// UnmarshalJSON accepts a string or a number.
func (t *Tekst) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = ""
		return nil
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0:
		*t = Tekst(b[1 : len(b)-1])
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		*t = Tekst(s)
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("folkeregister: want a string or number, got %.20s", b)
	}
	*t = Tekst(n.String())
	return nil
}
