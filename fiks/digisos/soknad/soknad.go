package soknad

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"

	"github.com/fellesklient/fellesklient/fiks/digisos/internal/navschema"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/mask"
)

// MaxSize bounds what Read and ReadVedlegg accept (NAV's soknad.json is a few kilobytes).
const MaxSize = 4 << 20

// The file names a delivery carries these documents under.
const (
	Filnavn        = "soknad.json"
	VedleggFilnavn = "vedlegg.json"
)

// SchemaError is a document NAV's schema refuses. Dokument is soknad.json or
// vedlegg.json; it is the same type as digisos.SchemaError and matches ErrInvalidInput.
type SchemaError = navschema.SchemaError

// Identifikator is a fødselsnummer or D-nummer as soknad.json holds it
// (personIdentifikator.verdi, barn.personIdentifikator): written to JSON in full, masked
// to its birth date in fmt, slog and errors. Foedselsnummer parses and checks it.
type Identifikator string

// String masks all but the first six digits.
func (i Identifikator) String() string { return mask.Number(string(i)) }

// GoString masks as String does.
func (i Identifikator) GoString() string { return "soknad.Identifikator(" + i.String() + ")" }

// Format masks for every verb.
func (i Identifikator) Format(s fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(s, "%q", i.String())
		return
	}
	io.WriteString(s, i.String())
}

// LogValue masks in slog.
func (i Identifikator) LogValue() slog.Value { return slog.StringValue(i.String()) }

// Unmasked is the number itself, for the caller's own register.
func (i Identifikator) Unmasked() string { return string(i) }

// Foedselsnummer parses the number (checksums, date), for lookups in Folkeregister.
func (i Identifikator) Foedselsnummer() (ident.Foedselsnummer, error) {
	return ident.ParseFoedselsnummer(string(i))
}

// Read decodes soknad.json after checking it against NAV's schema: a *SchemaError when
// the schema refuses it. Fields newer than this module's schema are ignored.
func Read(r io.Reader) (*Soknad, error) {
	var s Soknad
	if err := read(r, navschema.Soknad, Filnavn, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// ReadVedlegg decodes vedlegg.json after checking it against NAV's schema.
func ReadVedlegg(r io.Reader) (*VedleggSpesifikasjon, error) {
	var v VedleggSpesifikasjon
	if err := read(r, navschema.Vedlegg, VedleggFilnavn, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func read(r io.Reader, root, dokument string, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return fmt.Errorf("digisos: reading %s: %w", dokument, err)
	}
	if len(b) > MaxSize {
		return &SchemaError{Package: "digisos", Dokument: dokument, Problems: []string{fmt.Sprintf("larger than %d bytes", MaxSize)}}
	}
	if err := navschema.Validate(root, dokument, b); err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return &SchemaError{Package: "digisos", Dokument: dokument, Problems: []string{mask.IdentityNumbers(err.Error())}}
	}
	// encoding/json matches names case-insensitively: "HarDeltBosted" (an unknown field to
	// the schema, found in NAV's own test files) would fill harDeltBosted. Only exact names
	// are read.
	exact, err := json.Marshal(exactNames(doc, reflect.TypeOf(v)))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(exact, v); err != nil {
		return &SchemaError{Package: "digisos", Dokument: dokument, Problems: []string{mask.IdentityNumbers(err.Error())}}
	}
	return nil
}

// exactNames drops from doc every object member whose name is not exactly a JSON name of
// the struct type t decodes it into.
func exactNames(doc any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch d := doc.(type) {
	case map[string]any:
		if t.Kind() != reflect.Struct {
			return d
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		out := make(map[string]any, len(d))
		for k, v := range d {
			if ft, ok := fields[k]; ok {
				out[k] = exactNames(v, ft)
			}
		}
		return out
	case []any:
		if t.Kind() != reflect.Slice {
			return d
		}
		for i := range d {
			d[i] = exactNames(d[i], t.Elem())
		}
	}
	return doc
}

// ValidateJSON checks a soknad.json document against NAV's schema.
func ValidateJSON(b []byte) error { return navschema.Validate(navschema.Soknad, Filnavn, b) }

// ValidateVedleggJSON checks a vedlegg.json document against NAV's schema.
func ValidateVedleggJSON(b []byte) error {
	return navschema.Validate(navschema.Vedlegg, VedleggFilnavn, b)
}

// Validate checks s as NAV's schema would (for a fake or a test that builds one).
func (s *Soknad) Validate() error { return validate(s, navschema.Soknad, Filnavn) }

// Validate checks v as NAV's schema would.
func (v *VedleggSpesifikasjon) Validate() error {
	return validate(v, navschema.Vedlegg, VedleggFilnavn)
}

func validate(v any, root, dokument string) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return &SchemaError{Package: "digisos", Dokument: dokument, Problems: []string{err.Error()}}
	}
	return navschema.Validate(root, dokument, buf.Bytes())
}

var identType = reflect.TypeOf(Identifikator(""))

// logValue is v for slog: its fields by JSON name, empty ones left out, identity numbers
// masked (slog's JSON handler would otherwise marshal v whole, as the file has it).
func logValue(v any) slog.Value {
	return mask.LogValue(v, func(t reflect.Type, s string) string {
		if t == identType {
			return mask.Number(s)
		}
		return s
	})
}
