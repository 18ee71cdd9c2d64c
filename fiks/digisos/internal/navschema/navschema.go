// Package navschema validates documents against NAV's soknadsosialhjelp-filformat JSON
// Schemas (draft-06, embedded by internal/gen/digisosschema), as NAV validates them, for
// fiks/digisos (digisos-soker.json) and fiks/digisos/soknad (soknad.json, vedlegg.json).
package navschema

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	schema "github.com/fellesklient/fellesklient/internal/gen/digisosschema"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/mask"
)

// The schemas' paths under digisosschema.Base.
const (
	Soker   = "digisos/soker/digisos-soker.json"
	Soknad  = "soknad/soknad.json"
	Vedlegg = "vedlegg/vedleggSpesifikasjon.json"
)

// SchemaError is a document NAV's schema refuses; nothing was sent. It matches
// ErrInvalidInput.
type SchemaError struct {
	// Dokument names the format (digisos-soker.json, soknad.json, vedlegg.json).
	Dokument string
	// Problems are the schema's findings, each with its JSON pointer. Identity numbers
	// in them are masked.
	Problems []string
}

func (e *SchemaError) Error() string {
	return "digisos: " + e.Dokument + " is invalid: " + strings.Join(e.Problems, "; ")
}

// Is matches ErrInvalidInput.
func (e *SchemaError) Is(target error) bool { return target == httpx.ErrInvalidInput }

type compiled struct {
	once sync.Once
	s    *jsonschema.Schema
	err  error
}

var (
	mu      sync.Mutex
	schemas = map[string]*compiled{}
)

func compile(root string) (*jsonschema.Schema, error) {
	mu.Lock()
	c := schemas[root]
	if c == nil {
		c = &compiled{}
		schemas[root] = c
	}
	mu.Unlock()
	c.once.Do(func() {
		comp := jsonschema.NewCompiler()
		comp.DefaultDraft(jsonschema.Draft6)
		for path, text := range schema.Files {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
			if err != nil {
				c.err = err
				return
			}
			if err := comp.AddResource(schema.Base+path, doc); err != nil {
				c.err = err
				return
			}
		}
		c.s, c.err = comp.Compile(schema.Base + root)
	})
	return c.s, c.err
}

// Validate checks b against the schema at root (Soker, Soknad or Vedlegg): nil or a
// *SchemaError naming dokument and listing every problem.
func Validate(root, dokument string, b []byte) error {
	sch, err := compile(root)
	if err != nil {
		return fmt.Errorf("digisos: the %s schema does not compile: %w", dokument, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return &SchemaError{Dokument: dokument, Problems: []string{"not JSON: " + mask.IdentityNumbers(err.Error())}}
	}
	err = sch.Validate(doc)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var problems []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			problems = append(problems, "/"+strings.Join(e.InstanceLocation, "/")+": "+message(e))
			return
		}
		causes := e.Causes
		if _, ok := e.ErrorKind.(*kind.OneOf); ok {
			causes = sameType(causes, strings.Join(append(append([]string(nil), e.InstanceLocation...), "type"), "/"))
		}
		for _, c := range causes {
			walk(c)
		}
	}
	walk(ve)
	return &SchemaError{Dokument: dokument, Problems: problems}
}

// message says what is wrong without the value: values in these documents are personal
// data (identity numbers, account numbers, names), and the place says enough.
func message(e *jsonschema.ValidationError) string {
	switch k := e.ErrorKind.(type) {
	case *kind.Pattern:
		return fmt.Sprintf("does not match pattern %q", k.Want)
	case *kind.Format:
		return fmt.Sprintf("is not a valid %s", k.Want)
	}
	msg := e.Error()
	if _, rest, ok := strings.Cut(msg, "': "); ok && strings.HasPrefix(msg, "at '") {
		msg = rest // jsonschema's "at '/pointer': " prefix repeats the place
	}
	return mask.IdentityNumbers(msg)
}

// sameType keeps, of a oneOf's failed branches (one per hendelse, filreferanse or
// address type), those for the type the value says it has: the others only say "not
// that type".
func sameType(branches []*jsonschema.ValidationError, typeAt string) []*jsonschema.ValidationError {
	var keep []*jsonschema.ValidationError
	for _, b := range branches {
		if !failsOnType(b, typeAt) {
			keep = append(keep, b)
		}
	}
	if len(keep) == 0 {
		return branches
	}
	return keep
}

func failsOnType(e *jsonschema.ValidationError, typeAt string) bool {
	if len(e.Causes) == 0 {
		return strings.Join(e.InstanceLocation, "/") == typeAt
	}
	for _, c := range e.Causes {
		if failsOnType(c, typeAt) {
			return true
		}
	}
	return false
}
