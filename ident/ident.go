// Package ident holds the Norwegian identifiers the rest of fellesklient uses:
// fødselsnummer (with D-nummer, H-nummer and the synthetic test variants) and
// organisasjonsnummer, with check-digit and date validation.
//
// Identity numbers are personal data. A [Foedselsnummer] prints masked (birth date only,
// "130972*****") through String, every fmt verb and slog; the full value is available
// only through the explicit [Foedselsnummer.Unmasked]. Parse errors never contain the
// input.
//
// The package imports nothing of the module; every package may import it.
//
// # Glossary
//
//   - fødselsnummer: the 11-digit national identity number: birth date (DDMMYY),
//     individnummer (3 digits, which also gives the century) and two mod-11 check digits.
//   - D-nummer: the same form for people without a fødselsnummer; the day has 40 added.
//   - H-nummer: an auxiliary number used within health services and as synthetic test
//     data; the month has 40 added.
//   - syntetisk: Skatteetaten's synthetic test numbers (Tenor); the month has 80 added.
//   - organisasjonsnummer: the 9-digit number from Enhetsregisteret, with a mod-11 check digit.
package ident

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/fellesklient/fellesklient/internal/mask"
)

// Kind is the kind of an identifier.
type Kind string

const (
	KindFoedselsnummer      Kind = "foedselsnummer"
	KindDNummer             Kind = "dnummer"
	KindHNummer             Kind = "hnummer"
	KindSyntetisk           Kind = "syntetisk"
	KindOrganisasjonsnummer Kind = "organisasjonsnummer"
)

// ErrInvalid matches every parse error of this package with errors.Is.
var ErrInvalid = errors.New("ident: invalid identifier")

// ParseError says why a value is not a valid identifier. It never holds the value.
type ParseError struct {
	Kind   Kind   // what was expected
	Reason string // what is wrong, without the value
}

func (e *ParseError) Error() string { return "ident: invalid " + string(e.Kind) + ": " + e.Reason }

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ParseError) Is(target error) bool { return target == ErrInvalid }

// Preallocated errors keep parsing free of allocations on the hot path.
var (
	errFnrLength    = &ParseError{Kind: KindFoedselsnummer, Reason: "must be 11 digits"}
	errFnrChar      = &ParseError{Kind: KindFoedselsnummer, Reason: "only digits and spaces are allowed"}
	errFnrK1        = &ParseError{Kind: KindFoedselsnummer, Reason: "first check digit is wrong"}
	errFnrK2        = &ParseError{Kind: KindFoedselsnummer, Reason: "second check digit is wrong"}
	errFnrDate      = &ParseError{Kind: KindFoedselsnummer, Reason: "the birth date is not a real date"}
	errFnrCentury   = &ParseError{Kind: KindFoedselsnummer, Reason: "individnummer does not fit the birth year"}
	errOrgLength    = &ParseError{Kind: KindOrganisasjonsnummer, Reason: "must be 9 digits"}
	errOrgChar      = &ParseError{Kind: KindOrganisasjonsnummer, Reason: "only digits and spaces are allowed"}
	errOrgCheck     = &ParseError{Kind: KindOrganisasjonsnummer, Reason: "check digit is wrong"}
	errOrgFirstChar = &ParseError{Kind: KindOrganisasjonsnummer, Reason: "must start with 8 or 9"}
)

// Foedselsnummer is a validated 11-digit identity number of any kind (fødselsnummer,
// D-nummer, H-nummer, synthetic). The zero value is "no number". It is comparable and
// safe to copy.
type Foedselsnummer struct {
	d [11]byte // digits as '0'..'9'
}

// Options changes how numbers are validated.
type Options struct {
	// Rules2032 also accepts the check-digit rule Skatteetaten uses for numbers issued
	// from 1 January 2032: the weighted sum for the first check digit may leave the
	// remainder 0, 1, 2 or 3 (not only 0). Numbers issued before then always pass the old
	// rule, so leave this off until such numbers reach you, to keep typo detection strong.
	Rules2032 bool
}

// ParseFoedselsnummer validates s: 11 digits (spaces between them are ignored), both
// check digits, a real birth date (after the D-, H- and synthetic offsets), and an
// individnummer that fits the birth year.
func ParseFoedselsnummer(s string) (Foedselsnummer, error) {
	return ParseFoedselsnummerWith(s, Options{})
}

// ParseFoedselsnummerWith is ParseFoedselsnummer with options.
func ParseFoedselsnummerWith(s string, opts Options) (Foedselsnummer, error) {
	var f Foedselsnummer
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == 11 {
				return Foedselsnummer{}, errFnrLength
			}
			f.d[n] = c
			n++
		case c == ' ':
		default:
			return Foedselsnummer{}, errFnrChar
		}
	}
	if n != 11 {
		return Foedselsnummer{}, errFnrLength
	}
	if err := f.check(opts); err != nil {
		return Foedselsnummer{}, err
	}
	return f, nil
}

// MustParseFoedselsnummer is for tests and constants; it panics on an invalid number
// (with a message that does not contain it).
func MustParseFoedselsnummer(s string) Foedselsnummer {
	f, err := ParseFoedselsnummer(s)
	if err != nil {
		panic(err.Error())
	}
	return f
}

var (
	k1w = [10]int{3, 7, 6, 1, 8, 9, 4, 5, 2, 1}
	k2w = [11]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1}
)

func (f *Foedselsnummer) digit(i int) int { return int(f.d[i] - '0') }

func (f *Foedselsnummer) check(opts Options) error {
	sum := 0
	for i, w := range k1w {
		sum += f.digit(i) * w
	}
	if r := sum % 11; r != 0 && !(opts.Rules2032 && r <= 3) {
		return errFnrK1
	}
	sum = 0
	for i, w := range k2w {
		sum += f.digit(i) * w
	}
	if sum%11 != 0 {
		return errFnrK2
	}
	if _, ok := f.date(); !ok {
		return errFnrDate
	}
	if _, ok := f.century(); !ok {
		return errFnrCentury
	}
	return nil
}

// rawDate returns day, month (offsets removed) and the two-digit year.
func (f *Foedselsnummer) rawDate() (day, month, yy int) {
	day = f.digit(0)*10 + f.digit(1)
	month = f.digit(2)*10 + f.digit(3)
	yy = f.digit(4)*10 + f.digit(5)
	if day > 40 {
		day -= 40
	}
	switch {
	case month > 80:
		month -= 80
	case month > 40:
		month -= 40
	}
	return day, month, yy
}

// century returns the century from the individnummer and year (Forskrift om
// folkeregistrering § 2-2-1).
func (f *Foedselsnummer) century() (int, bool) {
	ind := f.digit(6)*100 + f.digit(7)*10 + f.digit(8)
	_, _, yy := f.rawDate()
	switch {
	case ind <= 499:
		return 1900, true
	case ind <= 749 && yy >= 54:
		return 1800, true
	case yy <= 39:
		return 2000, true // 500–999
	case ind >= 900:
		return 1900, true // 900–999, years 40–99
	}
	return 0, false
}

func (f *Foedselsnummer) date() (time.Time, bool) {
	day, month, yy := f.rawDate()
	if month < 1 || month > 12 || day < 1 {
		return time.Time{}, false
	}
	c, ok := f.century()
	if !ok {
		c = 1900 // the century check reports it; the date check needs some year
	}
	year := c + yy
	if day > daysIn(month, year) {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// IsZero reports whether f is the zero value.
func (f Foedselsnummer) IsZero() bool { return f.d[0] == 0 }

// Kind returns the kind of number. A synthetic number with a D-nummer day is
// KindSyntetisk.
func (f Foedselsnummer) Kind() Kind {
	if f.IsZero() {
		return ""
	}
	month := f.digit(2)*10 + f.digit(3)
	day := f.digit(0)*10 + f.digit(1)
	switch {
	case month > 80:
		return KindSyntetisk
	case day > 40:
		return KindDNummer
	case month > 40:
		return KindHNummer
	}
	return KindFoedselsnummer
}

// Foedselsdato returns the birth date (UTC midnight), offsets removed.
func (f Foedselsnummer) Foedselsdato() time.Time {
	if f.IsZero() {
		return time.Time{}
	}
	t, _ := f.date()
	return t
}

// Unmasked returns all 11 digits. Use it only where the full number must go: a request
// to a service that needs it. Never log it.
func (f Foedselsnummer) Unmasked() string {
	if f.IsZero() {
		return ""
	}
	return string(f.d[:])
}

// String returns the masked form: the first six digits and five asterisks.
func (f Foedselsnummer) String() string {
	if f.IsZero() {
		return ""
	}
	return mask.Number(string(f.d[:]))
}

// GoString is the masked form too.
func (f Foedselsnummer) GoString() string { return "ident.Foedselsnummer(" + f.String() + ")" }

// Format prints the masked form for every verb.
func (f Foedselsnummer) Format(s fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(s, "%q", f.String())
	case 'v':
		if s.Flag('#') {
			_, _ = s.Write([]byte(f.GoString()))
			return
		}
		_, _ = s.Write([]byte(f.String()))
	default:
		_, _ = s.Write([]byte(f.String()))
	}
}

// LogValue makes slog print the masked form.
func (f Foedselsnummer) LogValue() slog.Value { return slog.StringValue(f.String()) }

// MarshalText writes the masked form, as every identity type of the module does
// (folkeregister.Identifikator too): a number reaches JSON or XML in full only through
// Unmasked, put by the caller into the field the wire format needs; one marshalled by
// accident (a struct logged as JSON) is masked, never leaked.
func (f Foedselsnummer) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// Organisasjonsnummer is a validated 9-digit organisation number. It is not personal data
// and prints in full.
type Organisasjonsnummer string

// ParseOrganisasjonsnummer validates s: 9 digits (spaces ignored), first digit 8 or 9,
// and the mod-11 check digit with weights 3 2 7 6 5 4 3 2.
func ParseOrganisasjonsnummer(s string) (Organisasjonsnummer, error) {
	var d [9]byte
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if n == 9 {
				return "", errOrgLength
			}
			d[n] = c
			n++
		case c == ' ':
		default:
			return "", errOrgChar
		}
	}
	if n != 9 {
		return "", errOrgLength
	}
	if d[0] != '8' && d[0] != '9' {
		return "", errOrgFirstChar
	}
	w := [8]int{3, 2, 7, 6, 5, 4, 3, 2}
	sum := 0
	for i, x := range w {
		sum += int(d[i]-'0') * x
	}
	k := (11 - sum%11) % 11
	if k == 10 || k != int(d[8]-'0') {
		return "", errOrgCheck
	}
	if n == len(s) {
		return Organisasjonsnummer(s), nil // no spaces: no copy
	}
	return Organisasjonsnummer(d[:]), nil
}

// String returns the 9 digits.
func (o Organisasjonsnummer) String() string { return string(o) }

// Identify parses s as whichever identifier it is: 9 digits as an organisasjonsnummer,
// 11 as a fødselsnummer of any kind. It returns the kind, or an error saying why s is
// neither.
func Identify(s string) (Kind, error) {
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits == 9 {
		if _, err := ParseOrganisasjonsnummer(s); err != nil {
			return "", err
		}
		return KindOrganisasjonsnummer, nil
	}
	f, err := ParseFoedselsnummer(s)
	if err != nil {
		if digits != 11 {
			return "", &ParseError{Kind: "identifier", Reason: "must be 9 digits (organisasjonsnummer) or 11 digits (fødselsnummer, D-nummer, H-nummer)"}
		}
		return "", err
	}
	return f.Kind(), nil
}
