// Package noark5schema holds the content models of the Noark 5 extraction schemas
// (arkivstruktur, endringslogg, loependeJournal, offentligJournal) of v5.0, and of v4.0 and
// v3.1 (V40..., V31...: older extractions are still deposited), generated from the
// official XSDs in ../shared/specs/noark5/xsd by ./xsdtable. Package noark5's
// validator walks documents against these tables. Regenerate with
// `go generate ./internal/gen/...`; CI fails when the committed tables are stale.
package noark5schema

//go:generate go run ./xsdtable -o tables.gen.go ../../../../shared/specs/noark5/xsd/v5.0 ../../../../shared/specs/noark5/metadatakatalog-yaml
//go:generate go run ./xsdtable -o tables40.gen.go -version 4.0 ../../../../shared/specs/noark5/xsd/v4.0
//go:generate go run ./xsdtable -o tables31.gen.go -version 3.1 ../../../../shared/specs/noark5/xsd/v3.1

// Kind is the lexical space of a simple type.
type Kind uint8

// The kinds the schemas use.
const (
	String Kind = iota + 1
	Date
	DateTime
	Integer
	UUID
	// DateOrDateTime is v4.0's xs:date | xs:dateTime.
	DateOrDateTime
)

// Simple is a simple type of the metadatakatalog.
type Simple struct {
	Kind         Kind
	MinLength    int
	MinInclusive string
	// Label: the element may carry a label attribute (systemID).
	Label bool
	// Enum, when set, are the only values the type allows (the v3.1 and v4.0 code lists;
	// v5.0 has none in its XSD: its code lists are Kodelister, checked as warnings).
	Enum []string
}

// Particle is an element in a content model. Max -1 is unbounded. Complex names the
// element's complex type; otherwise Simple names its simple type, or is "Any" (xs:anyType).
type Particle struct {
	Name     string
	Min, Max int
	Complex  string
	Simple   string
}

// Slot is one position of a sequence: one element, or a choice between elements.
type Slot []Particle

// Complex is a complex type with extensions flattened: the base's slots come first.
type Complex struct {
	Name  string
	Base  string
	Slots []Slot
}

// Schema is one XSD: its root element and types.
type Schema struct {
	Name      string
	Namespace string
	Root      string
	RootType  string
	Complex   map[string]*Complex
	Simple    map[string]Simple
}

// DerivedFrom reports whether type t is base or extends it.
func (s *Schema) DerivedFrom(t, base string) bool {
	for i := 0; t != "" && i < 10; i++ {
		if t == base {
			return true
		}
		c := s.Complex[t]
		if c == nil {
			return false
		}
		t = c.Base
	}
	return false
}

// Kodeliste is a code list of the metadata catalogue: its M-number and values.
type Kodeliste struct {
	Nr      string
	Verdier []string
}
