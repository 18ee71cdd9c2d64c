package minside

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"reflect"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"

	schema "github.com/fellesklient/fellesklient/internal/gen/minsideschema"
	"github.com/fellesklient/fellesklient/internal/mask"
	"github.com/fellesklient/fellesklient/internal/schemacheck"
)

// Versjon is the type and version of a melding's metadata (IndexMeldingV2.versjon): the
// values KS's Innsyn documentation lists, each with its JSON Schema in
// ks-no/fiks-innsyn-json-schema.
type Versjon string

// The versjoner Innsyn accepts (developers.fiks.ks.no, "Min kommune - innsyn" and
// "Min kommune - barnevern"). A byggesak is a MAPPE_V1 with type BYGGESAK, any other case
// folder one with type SAK: Innsyn has no SAKSMAPPE_V1 or BYGGESAK_V1.
const (
	VersjonFakturaV1              Versjon = "FAKTURA_V1"
	VersjonInnsendtSkjemaV1       Versjon = "INNSENDT_SKJEMA_V1"
	VersjonSkjemakladdV1          Versjon = "SKJEMAKLADD_V1"
	VersjonMappeV1                Versjon = "MAPPE_V1"
	VersjonJournalpostV1          Versjon = "JOURNALPOST_V1"
	VersjonBarnevernMappeV1       Versjon = "BARNEVERN_MAPPE_V1"
	VersjonBarnevernJournalpostV1 Versjon = "BARNEVERN_JOURNALPOST_V1"
)

type versjonInfo struct {
	schema string // path under minsideschema.Base
	// meldingType is the versjon's meldingType in the delete API (SlettMeldingSpec).
	meldingType string
}

var versjoner = map[Versjon]versjonInfo{
	VersjonFakturaV1:              {"domain/faktura.v1.json", "faktura"},
	VersjonInnsendtSkjemaV1:       {"domain/innsendt.skjema.v1.json", "innsendtskjema"},
	VersjonSkjemakladdV1:          {"domain/skjema.kladd.v1.json", "skjemakladd"},
	VersjonMappeV1:                {"domain/mappe/mappe.v1.json", "mappe"},
	VersjonJournalpostV1:          {"domain/mappe/journalpost.v1.json", "journalpost"},
	VersjonBarnevernMappeV1:       {"domain/barnevern/mappe.v1.json", "barnevernmappe"},
	VersjonBarnevernJournalpostV1: {"domain/barnevern/journalpost.v1.json", "barnevernjournalpost"},
}

// Versjoner lists every versjon this package knows, sorted.
func Versjoner() []Versjon {
	out := make([]Versjon, 0, len(versjoner))
	for v := range versjoner {
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// Known reports whether v is a versjon Innsyn accepts.
func (v Versjon) Known() bool { _, ok := versjoner[v]; return ok }

// SchemaPath is v's JSON Schema, as a path in ks-no/fiks-innsyn-json-schema's schema/
// folder, or "" for an unknown versjon.
func (v Versjon) SchemaPath() string { return versjoner[v].schema }

// Metadata is a melding's meldingMetadata: one of the generated types (Journalpost,
// Mappe, Faktura, InnsendtSkjema, Skjemakladd, BarnevernMappe, BarnevernJournalpost), or
// RawMetadata for JSON the caller already has.
type Metadata interface {
	// Versjon is the versjon the metadata is of.
	Versjon() Versjon
}

// Versjon is JOURNALPOST_V1.
func (Journalpost) Versjon() Versjon { return VersjonJournalpostV1 }

// Versjon is MAPPE_V1.
func (Mappe) Versjon() Versjon { return VersjonMappeV1 }

// Versjon is FAKTURA_V1.
func (Faktura) Versjon() Versjon { return VersjonFakturaV1 }

// Versjon is INNSENDT_SKJEMA_V1.
func (InnsendtSkjema) Versjon() Versjon { return VersjonInnsendtSkjemaV1 }

// Versjon is SKJEMAKLADD_V1.
func (Skjemakladd) Versjon() Versjon { return VersjonSkjemakladdV1 }

// Versjon is BARNEVERN_MAPPE_V1.
func (BarnevernMappe) Versjon() Versjon { return VersjonBarnevernMappeV1 }

// Versjon is BARNEVERN_JOURNALPOST_V1.
func (BarnevernJournalpost) Versjon() Versjon { return VersjonBarnevernJournalpostV1 }

// RawMetadata is metadata as JSON (a file, another system's output), checked against
// V's schema like the typed ones.
type RawMetadata struct {
	V    Versjon
	JSON json.RawMessage
}

// Versjon is V.
func (r RawMetadata) Versjon() Versjon { return r.V }

// LogValue logs the versjon and size only: the JSON is personal data.
func (r RawMetadata) LogValue() slog.Value {
	return slog.GroupValue(slog.String("versjon", string(r.V)), slog.Int("bytes", len(r.JSON)))
}

// SchemaError is metadata its versjon's JSON Schema refuses, each problem at its JSON
// pointer (no value repeated); nothing was sent. It matches ErrInvalidInput.
type SchemaError = schemacheck.SchemaError

// int64Format is the schemas' custom format "int64" (types/int64.json): an integer that
// fits in 64 bits, as the Java service reads it.
var int64Format = &jsonschema.Format{Name: "int64", Validate: func(v any) error {
	n, ok := v.(json.Number)
	if !ok {
		return nil // the format constrains numbers only
	}
	i, ok := new(big.Int).SetString(string(n), 10)
	if !ok {
		return errors.New("not an integer")
	}
	if !i.IsInt64() {
		return errors.New("outside the int64 range")
	}
	return nil
}}

// The schemas are draft 2019-09 and Innsyn asserts their formats (date-time, date, uuid
// and int64).
var schemas = &schemacheck.Set{Package: "minside", Base: schema.Base, Files: schema.Files, Draft: jsonschema.Draft2019,
	AssertFormat: true, Formats: []*jsonschema.Format{int64Format}}

// ValidateMetadata checks metadata JSON against versjon v's schema: nil, a *SchemaError
// listing every problem, or a *ValidationError for an unknown versjon.
func ValidateMetadata(v Versjon, b []byte) error {
	info, ok := versjoner[v]
	if !ok {
		return &ValidationError{Op: "minside.ValidateMetadata", Field: "versjon", Problem: fmt.Sprintf("unknown versjon %q (known: %v)", v, Versjoner())}
	}
	return schemas.Validate(info.schema, string(v), b)
}

// encodeMetadata is m as JSON, checked against its schema.
func encodeMetadata(m Metadata) ([]byte, error) {
	var b []byte
	switch r := m.(type) {
	case RawMetadata:
		b = r.JSON
	case *RawMetadata:
		b = r.JSON
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(m); err != nil {
			return nil, &SchemaError{Package: "minside", Dokument: string(m.Versjon()), Problems: []string{mask.IdentityNumbers(err.Error())}}
		}
		b = bytes.TrimSpace(buf.Bytes())
	}
	if err := ValidateMetadata(m.Versjon(), b); err != nil {
		return nil, err
	}
	return b, nil
}

// stringOf is a metadata value for fmt: LogValue's text, identity numbers masked.
func stringOf(v any) string { return logValue(v).String() }

// logValue is a metadata value for slog: its fields by JSON name, identity numbers in
// every string masked.
func logValue(v any) slog.Value {
	return mask.LogValue(v, func(_ reflect.Type, s string) string { return mask.IdentityNumbers(s) })
}
