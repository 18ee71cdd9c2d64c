// Package fiksarkivschema holds the content models of KS's Fiks Arkiv schemas (V1 and
// V2: every message XSD with the metadatakatalog, arkivstruktur, feilmelding and
// kodeliste schemas they build on), generated from
// ../shared/specs/fiks/fiks-protokoll/arkiv/Schema by ./xsdc. Package
// noark5/fiksarkiv's validator walks payloads against these tables. Regenerate with
// `go generate ./internal/gen/...`; CI fails when the committed tables are stale.
//
// Names are "N:local", N the index of the name's namespace in Namespaces; built-in types
// are "xs:string", "xs:int", ...
package fiksarkivschema

//go:generate go run ./xsdc -o tables.gen.go ../../../../shared/specs/fiks/fiks-protokoll/arkiv/Schema/V1 ../../../../shared/specs/fiks/fiks-protokoll/arkiv/Schema/V2

// Kind of a particle.
type Kind uint8

// The particle kinds.
const (
	Element Kind = iota + 1
	Sequence
	Choice
)

// Unbounded is Max for maxOccurs="unbounded".
const Unbounded = -1

// Particle is an element, a sequence or a choice, with its occurrence bounds.
type Particle struct {
	Kind     Kind
	Name     string // Element: its qualified name
	Min, Max int
	Items    []*Particle // Sequence, Choice
}

// Complex is a complex type as declared: an extension's content is its base's followed by
// Own, a restriction's is Own.
type Complex struct {
	Base      string
	Extension bool
	Abstract  bool
	// SimpleContent is the simple type of the text, for a type with simple content.
	SimpleContent string
	// Attributes are the names of the attributes it declares (unqualified); an extension
	// also has its base's.
	Attributes []string
	// Own is the content it declares (nil: none).
	Own *Particle
	// Types gives the type of each element Own declares.
	Types map[string]string
	// Defaults are the default values of elements Own declares: an empty element has it.
	Defaults map[string]string
}

// Simple is a simple type with its facets gathered along its restrictions.
type Simple struct {
	// Builtin is the primitive: xs:string, xs:int, xs:date, xs:dateTime, xs:boolean, xs:double.
	Builtin     string
	Enumeration []string
	MinLength   int
	// Patterns must all match (one per restriction step that has any; within a step they
	// are alternatives, joined with |).
	Patterns     []string
	MinInclusive string
}

// Schemas are the global elements and the types of every schema.
type Schemas struct {
	Elements map[string]string // global element -> its type
	Complex  map[string]*Complex
	Simple   map[string]*Simple
}
