// Command addmltable turns the ADDML XSDs (v8.3 and v8.2, the schema of a Noark 5
// package's arkivuttrekk.xml) into the Go tables of package noark5schema, for the same
// validator that walks the Noark 5 files. ADDML is built differently from the Noark 5
// schemas: every element is global (any of them may be a document's root) and referred to
// with ref=, types are anonymous, content is carried in attributes, and v8.3 adds three
// xs:unique constraints. It understands the subset of XSD 1.0 these two files use:
// sequences (nested ones without occurrences are flattened), choices of element refs (at
// most once, optional or not), empty complex types, xs:string attributes (required or
// optional), xs:unique with a child path selector and an attribute field, and elements of
// type xs:string, xs:integer and xs:nonNegativeInteger. Anything else stops it with an
// error, so a schema change that needs more cannot slip through.
//
//	go run ./internal/gen/noark5schema/addmltable -o addml.gen.go 8.3=FILE 8.2=FILE
package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"os"
	"sort"
	"strings"
)

type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
}

func (n *node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}

// content is n's children that carry meaning (not annotations).
func (n *node) content() []*node {
	var out []*node
	for i := range n.Nodes {
		if n.Nodes[i].XMLName.Local != "annotation" {
			out = append(out, &n.Nodes[i])
		}
	}
	return out
}

type particle struct {
	Name     string
	Min, Max int
	Complex  string
	Simple   string
}

type attr struct {
	Name     string
	Required bool
}

type unique struct {
	Name     string
	Selector []string
	Field    string
}

type complexType struct {
	Slots  [][]particle
	Attrs  []attr
	Empty  bool
	Unique []unique
}

type schema struct {
	version   string
	namespace string
	complex   map[string]*complexType
	elements  map[string]particle // global elements: Complex or Simple set
}

func occurs(n *node, name string) (int, error) {
	switch v := n.attr(name); v {
	case "":
		return 1, nil
	case "unbounded":
		return -1, nil
	default:
		var i int
		if _, err := fmt.Sscanf(v, "%d", &i); err != nil {
			return 0, fmt.Errorf("%s=%q", name, v)
		}
		return i, nil
	}
}

// local strips a namespace prefix (refs and selectors are all in the target namespace).
func local(qname string) string {
	if _, l, ok := strings.Cut(qname, ":"); ok {
		return l
	}
	return qname
}

var simpleOf = map[string]string{"xs:string": "string", "xs:integer": "integer", "xs:nonNegativeInteger": "nonNegativeInteger"}

func ref(e *node) (particle, error) {
	if e.XMLName.Local != "element" || e.attr("ref") == "" {
		return particle{}, fmt.Errorf("%s without ref= in a content model is not handled", e.XMLName.Local)
	}
	p := particle{Name: local(e.attr("ref"))}
	var err error
	if p.Min, err = occurs(e, "minOccurs"); err != nil {
		return p, err
	}
	if p.Max, err = occurs(e, "maxOccurs"); err != nil {
		return p, err
	}
	return p, nil
}

func sequence(seq *node) ([][]particle, error) {
	var slots [][]particle
	for _, c := range seq.content() {
		switch c.XMLName.Local {
		case "element":
			p, err := ref(c)
			if err != nil {
				return nil, err
			}
			slots = append(slots, []particle{p})
		case "sequence":
			if c.attr("minOccurs") != "" || c.attr("maxOccurs") != "" {
				return nil, errors.New("a nested sequence with occurrences is not handled")
			}
			inner, err := sequence(c)
			if err != nil {
				return nil, err
			}
			slots = append(slots, inner...)
		case "choice":
			min, err := occurs(c, "minOccurs")
			if err != nil {
				return nil, err
			}
			if max, err := occurs(c, "maxOccurs"); err != nil || max != 1 || min > 1 {
				return nil, errors.New("a choice that repeats is not handled")
			}
			var s []particle
			for _, e := range c.content() {
				p, err := ref(e)
				if err != nil {
					return nil, err
				}
				if p.Max != 1 || p.Min != 1 {
					return nil, fmt.Errorf("choice alternative %s with occurrences is not handled", p.Name)
				}
				// An optional choice of once-only elements is a choice of optional ones.
				p.Min = min
				s = append(s, p)
			}
			slots = append(slots, s)
		default:
			return nil, fmt.Errorf("%s in a sequence is not handled", c.XMLName.Local)
		}
	}
	return slots, nil
}

func complexOf(ct *node) (*complexType, error) {
	t := &complexType{}
	kids := ct.content()
	if len(kids) == 0 {
		t.Empty = true
	}
	for _, k := range kids {
		switch k.XMLName.Local {
		case "sequence":
			if k.attr("minOccurs") != "" || k.attr("maxOccurs") != "" {
				return nil, errors.New("a sequence with occurrences is not handled")
			}
			slots, err := sequence(k)
			if err != nil {
				return nil, err
			}
			t.Slots = slots
		case "attribute":
			if typ := k.attr("type"); typ != "xs:string" {
				return nil, fmt.Errorf("attribute %s of type %q is not handled", k.attr("name"), typ)
			}
			use := k.attr("use")
			if use != "" && use != "required" && use != "optional" {
				return nil, fmt.Errorf("attribute %s use=%q is not handled", k.attr("name"), use)
			}
			t.Attrs = append(t.Attrs, attr{Name: k.attr("name"), Required: use == "required"})
		default:
			return nil, fmt.Errorf("%s in a complex type is not handled", k.XMLName.Local)
		}
	}
	if len(t.Attrs) > 64 {
		return nil, errors.New("more than 64 attributes on one type (the validator keeps them in a bit set)")
	}
	if len(t.Slots) == 0 && !t.Empty {
		t.Empty = true // attributes only
	}
	return t, nil
}

func readSchema(version, path string) (*schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var root node
	if err := xml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if got := root.attr("version"); got != version {
		return nil, fmt.Errorf("%s declares version %q, not %s", path, got, version)
	}
	if root.attr("elementFormDefault") != "qualified" || root.attr("attributeFormDefault") != "" {
		return nil, errors.New("only elementFormDefault=qualified with unqualified attributes is handled")
	}
	s := &schema{version: version, namespace: root.attr("targetNamespace"), complex: map[string]*complexType{}, elements: map[string]particle{}}
	for _, e := range root.content() {
		if e.XMLName.Local != "element" {
			return nil, fmt.Errorf("global %s is not handled", e.XMLName.Local)
		}
		name := e.attr("name")
		p := particle{Name: name, Min: 1, Max: 1}
		var uniq []*node
		var ct *node
		for _, k := range e.content() {
			switch k.XMLName.Local {
			case "complexType":
				ct = k
			case "unique":
				uniq = append(uniq, k)
			default:
				return nil, fmt.Errorf("element %s: %s is not handled", name, k.XMLName.Local)
			}
		}
		switch typ := e.attr("type"); {
		case typ != "" && ct != nil:
			return nil, fmt.Errorf("element %s has both a type and a complexType", name)
		case typ != "":
			if simpleOf[typ] == "" {
				return nil, fmt.Errorf("element %s: type %s is not handled", name, typ)
			}
			p.Simple = simpleOf[typ]
		case ct != nil:
			t, err := complexOf(ct)
			if err != nil {
				return nil, fmt.Errorf("element %s: %w", name, err)
			}
			s.complex[name] = t
			p.Complex = name
		default:
			return nil, fmt.Errorf("element %s has no type", name)
		}
		for _, u := range uniq {
			if p.Complex == "" {
				return nil, fmt.Errorf("element %s: xs:unique on a simple element is not handled", name)
			}
			var sel, field string
			for _, k := range u.content() {
				switch k.XMLName.Local {
				case "selector":
					sel = k.attr("xpath")
				case "field":
					if field != "" {
						return nil, fmt.Errorf("unique %s: more than one field is not handled", u.attr("name"))
					}
					field = k.attr("xpath")
				}
			}
			if !strings.HasPrefix(field, "@") || strings.ContainsAny(sel, "|.*@") || strings.Contains(sel, "//") {
				return nil, fmt.Errorf("unique %s: selector %q field %q are not handled (a child path and one attribute are)", u.attr("name"), sel, field)
			}
			var steps []string
			for _, st := range strings.Split(sel, "/") {
				steps = append(steps, local(st))
			}
			s.complex[name].Unique = append(s.complex[name].Unique, unique{Name: u.attr("name"), Selector: steps, Field: field[1:]})
		}
		s.elements[name] = p
	}
	// Every ref must name a global element.
	for n, t := range s.complex {
		for _, sl := range t.Slots {
			for i, p := range sl {
				g, ok := s.elements[p.Name]
				if !ok {
					return nil, fmt.Errorf("element %s refers to %s, which is not declared", n, p.Name)
				}
				sl[i].Complex, sl[i].Simple = g.Complex, g.Simple
			}
		}
	}
	return s, nil
}

func main() {
	out := flag.String("o", "addml.gen.go", "output file")
	flag.Parse()
	var buf bytes.Buffer
	buf.WriteString("// Code generated by addmltable from the ADDML XSDs; DO NOT EDIT.\n\npackage noark5schema\n\n")
	var names []string
	for _, arg := range flag.Args() {
		version, path, ok := strings.Cut(arg, "=")
		if !ok {
			fmt.Fprintln(os.Stderr, "addmltable: give VERSION=FILE")
			os.Exit(2)
		}
		s, err := readSchema(version, path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "addmltable:", err)
			os.Exit(1)
		}
		names = append(names, emit(&buf, s))
	}
	fmt.Fprintf(&buf, "// ADDMLSchemas are the ADDML versions, newest first.\nvar ADDMLSchemas = []*Schema{%s}\n", strings.Join(names, ", "))
	src, err := format.Source(buf.Bytes())
	if err != nil {
		fmt.Fprintln(os.Stderr, "addmltable: gofmt:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "addmltable:", err)
		os.Exit(1)
	}
}

func sorted[T any](m map[string]T) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func emit(b *bytes.Buffer, s *schema) string {
	title := "ADDML" + strings.ReplaceAll(s.version, ".", "")
	fmt.Fprintf(b, "// %s is the content model of ADDML v%s (addml.xsd).\nvar %s = &Schema{\n", title, s.version, title)
	fmt.Fprintf(b, "Name: \"addml\", Version: %q, Namespace: %q, Root: \"addml\", RootType: \"addml\",\n", s.version, s.namespace)
	b.WriteString("Elements: map[string]Particle{\n")
	for _, n := range sorted(s.elements) {
		p := s.elements[n]
		fmt.Fprintf(b, "%q: {Name: %q, Min: 1, Max: 1, Complex: %q, Simple: %q},\n", n, n, p.Complex, p.Simple)
	}
	b.WriteString("},\nComplex: map[string]*Complex{\n")
	for _, n := range sorted(s.complex) {
		t := s.complex[n]
		fmt.Fprintf(b, "%q: {Name: %q, Anonymous: true, Empty: %v, Slots: []Slot{\n", n, n, t.Empty)
		for _, sl := range t.Slots {
			b.WriteString("{")
			for _, p := range sl {
				fmt.Fprintf(b, "{Name: %q, Min: %d, Max: %d, Complex: %q, Simple: %q},", p.Name, p.Min, p.Max, p.Complex, p.Simple)
			}
			b.WriteString("},\n")
		}
		b.WriteString("}")
		if len(t.Attrs) > 0 {
			b.WriteString(", Attrs: []Attr{")
			for _, a := range t.Attrs {
				fmt.Fprintf(b, "{Name: %q, Required: %v},", a.Name, a.Required)
			}
			b.WriteString("}")
		}
		if len(t.Unique) > 0 {
			b.WriteString(", Unique: []Unique{")
			for _, u := range t.Unique {
				fmt.Fprintf(b, "{Name: %q, Selector: %#v, Field: %q},", u.Name, u.Selector, u.Field)
			}
			b.WriteString("}")
		}
		b.WriteString("},\n")
	}
	b.WriteString("},\nSimple: map[string]Simple{\n")
	b.WriteString("\"integer\": {Kind: Integer},\n\"nonNegativeInteger\": {Kind: Integer, MinInclusive: \"0\"},\n\"string\": {Kind: String},\n")
	b.WriteString("},\n}\n\n")
	return title
}
