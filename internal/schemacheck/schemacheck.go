// Package schemacheck validates JSON documents against a set of JSON Schemas embedded by
// internal/gen/jsonembed (NAV's for fiks/digisos, KS's fiks-innsyn-json-schema for
// fiks/minside), compiled once, with every problem reported at its JSON pointer and no
// value repeated (the documents hold personal data).
package schemacheck

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/mask"
)

// SchemaError is a document its schema refuses; nothing was sent. It matches
// httpx.ErrInvalidInput (every client's ErrInvalidInput).
type SchemaError struct {
	// Package is the client package reporting it ("digisos", "minside").
	Package string `json:"-"`
	// Dokument names the format (digisos-soker.json, JOURNALPOST_V1, ...).
	Dokument string
	// Problems are the schema's findings, each starting with its JSON pointer. Identity
	// numbers in them are masked.
	Problems []string
}

func (e *SchemaError) Error() string {
	return e.Package + ": " + e.Dokument + " is invalid: " + strings.Join(e.Problems, "; ")
}

// Is matches ErrInvalidInput.
func (e *SchemaError) Is(target error) bool { return target == httpx.ErrInvalidInput }

// Set is a set of schema files under one base URL. The zero value is not usable: fill
// the exported fields. Safe for concurrent use; each root compiles once.
type Set struct {
	// Package names the client in errors ("digisos").
	Package string
	// Base is the URL the files are registered under.
	Base string
	// Files are the schema texts by path under Base.
	Files map[string]string
	// Draft is the draft for schemas without $schema.
	Draft *jsonschema.Draft
	// AssertFormat makes "format" an assertion (as the service's validator does), with
	// Formats registered beside the standard ones.
	AssertFormat bool
	Formats      []*jsonschema.Format

	mu       sync.Mutex
	compiled map[string]*compiled
}

type compiled struct {
	once sync.Once
	s    *jsonschema.Schema
	err  error
}

// Compile returns the compiled schema at root (a path under Base).
func (s *Set) Compile(root string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	if s.compiled == nil {
		s.compiled = map[string]*compiled{}
	}
	c := s.compiled[root]
	if c == nil {
		c = &compiled{}
		s.compiled[root] = c
	}
	s.mu.Unlock()
	c.once.Do(func() {
		comp := jsonschema.NewCompiler()
		comp.DefaultDraft(s.Draft)
		if s.AssertFormat {
			comp.AssertFormat()
		}
		for _, f := range s.Formats {
			comp.RegisterFormat(f)
		}
		for path, text := range s.Files {
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
			if err != nil {
				c.err = err
				return
			}
			if err := comp.AddResource(s.Base+path, doc); err != nil {
				c.err = err
				return
			}
		}
		c.s, c.err = comp.Compile(s.Base + root)
	})
	return c.s, c.err
}

// Validate checks b against the schema at root: nil or a *SchemaError naming dokument
// and listing every problem.
func (s *Set) Validate(root, dokument string, b []byte) error {
	sch, err := s.Compile(root)
	if err != nil {
		return fmt.Errorf("%s: the %s schema does not compile: %w", s.Package, dokument, err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		return &SchemaError{Package: s.Package, Dokument: dokument, Problems: []string{"not JSON: " + mask.IdentityNumbers(err.Error())}}
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
	return &SchemaError{Package: s.Package, Dokument: dokument, Problems: problems}
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
