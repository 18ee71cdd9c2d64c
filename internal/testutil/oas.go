package testutil

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

// OAS is an OpenAPI document (YAML or JSON) read from ../shared, for tests that hold a
// client's wire types and a fake's answers to the published contract.
type OAS struct {
	path string
	doc  map[string]any
}

// LoadOAS reads an OpenAPI document below ../shared (skips, or fails under CI, when it
// is absent: see SharedFile).
func LoadOAS(t testing.TB, rel string) *OAS {
	t.Helper()
	p := SharedFile(t, rel)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil { // YAML is a superset of JSON
		t.Fatalf("%s: %v", rel, err)
	}
	return &OAS{path: p, doc: normalise(doc).(map[string]any)}
}

// normalise turns yaml's map[string]any/[]any tree into JSON-compatible values.
func normalise(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalise(e)
		}
		return x
	case map[any]any:
		m := map[string]any{}
		for k, e := range x {
			m[fmt.Sprint(k)] = normalise(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = normalise(e)
		}
		return x
	}
	return v
}

// Schema returns the schema components/schemas/name, or nil.
func (o *OAS) Schema(name string) map[string]any {
	c, _ := o.doc["components"].(map[string]any)
	s, _ := c["schemas"].(map[string]any)
	m, _ := s[name].(map[string]any)
	return m
}

// SchemaNames returns the names of components/schemas.
func (o *OAS) SchemaNames() []string {
	c, _ := o.doc["components"].(map[string]any)
	s, _ := c["schemas"].(map[string]any)
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Doc is the whole document.
func (o *OAS) Doc() map[string]any { return o.doc }

func (o *OAS) resolve(s map[string]any) (map[string]any, string) {
	name := ""
	for range 32 {
		ref, ok := s["$ref"].(string)
		if !ok {
			break
		}
		name = strings.TrimPrefix(ref, "#/components/schemas/")
		s = o.Schema(name)
		if s == nil {
			return nil, name
		}
	}
	if all, ok := s["allOf"].([]any); ok {
		merged := map[string]any{"type": "object"}
		props := map[string]any{}
		for _, a := range all {
			sub, _ := o.resolve(a.(map[string]any))
			if p, ok := sub["properties"].(map[string]any); ok {
				for k, v := range p {
					props[k] = v
				}
			}
		}
		if p, ok := s["properties"].(map[string]any); ok {
			for k, v := range p {
				props[k] = v
			}
		}
		merged["properties"] = props
		s = merged
	}
	return s, name
}

// TypeCheck configures CheckType.
type TypeCheck struct {
	// Scalars maps Go types that are not strings or numbers in Go but are in JSON (a
	// date type, a masked identifier) to the schema they stand for: "string",
	// "string/date", "string/date-time", "integer".
	Scalars map[reflect.Type]string
	// Unmodelled reports whether a schema property may be absent from the Go type
	// (schema name, property).
	Unmodelled func(schema, property string) bool
	// Extra reports whether a Go field may be absent from the schema (schema name, JSON
	// name): a type shared by two schemas where one lacks a field.
	Extra func(schema, property string) bool
	// Lenient reports whether a Go field of the schema may decode more than the schema
	// allows (a string or a number, say), given as "schema.property".
	Lenient map[string]bool
}

// CheckType walks a Go type against a schema: every JSON field of the Go type must be a
// property of the schema with the same type and cardinality (a list for an array, one
// value otherwise), and every property of the schema must be a Go field (unless
// Unmodelled says otherwise); nested objects are checked the same way. It returns every
// difference found.
func (o *OAS) CheckType(goType reflect.Type, schema string, tc TypeCheck) []string {
	c := &typeChecker{o: o, tc: tc, seen: map[string]bool{}}
	s := o.Schema(schema)
	if s == nil {
		return []string{"no schema " + schema}
	}
	c.object(goType, s, schema, goType.Name())
	sort.Strings(c.problems)
	return c.problems
}

type typeChecker struct {
	o        *OAS
	tc       TypeCheck
	seen     map[string]bool
	problems []string
}

func (c *typeChecker) addf(format string, a ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, a...))
}

type jsonField struct {
	name string
	typ  reflect.Type
	path string
}

func jsonFields(t reflect.Type, path string) []jsonField {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft, path)...)
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: f.Type, path: path + "." + f.Name})
	}
	return out
}

func (c *typeChecker) object(t reflect.Type, s map[string]any, schema, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	key := t.String() + "|" + schema
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	if t.Kind() != reflect.Struct {
		c.addf("%s: Go %s for object schema %s", path, t, schema)
		return
	}
	props, _ := s["properties"].(map[string]any)
	have := map[string]bool{}
	for _, f := range jsonFields(t, path) {
		have[f.name] = true
		p, ok := props[f.name].(map[string]any)
		if !ok {
			if c.tc.Extra != nil && c.tc.Extra(schema, f.name) {
				continue
			}
			c.addf("%s: json %q is not a property of %s", f.path, f.name, schema)
			continue
		}
		c.value(f.typ, p, schema+"."+f.name, f.path)
	}
	for name := range props {
		if !have[name] && (c.tc.Unmodelled == nil || !c.tc.Unmodelled(schema, name)) {
			c.addf("%s: property %s.%s is not modelled", path, schema, name)
		}
	}
}

func (c *typeChecker) value(t reflect.Type, p map[string]any, prop, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	rs, name := c.o.resolve(p)
	if rs == nil {
		c.addf("%s: unresolvable $ref %s", path, name)
		return
	}
	typ, _ := rs["type"].(string)
	format, _ := rs["format"].(string)
	if typ == "" && rs["properties"] != nil {
		typ = "object"
	}
	if scalar, ok := c.tc.Scalars[t]; ok {
		want := typ
		if format == "date" || format == "date-time" {
			want += "/" + format
		}
		if scalar != want && !c.tc.Lenient[prop] {
			c.addf("%s: Go %s stands for %s, the schema %s is %s", path, t, scalar, prop, want)
		}
		return
	}
	switch typ {
	case "array":
		if t.Kind() != reflect.Slice {
			c.addf("%s: %s is an array, Go has one %s", path, prop, t)
			return
		}
		items, _ := rs["items"].(map[string]any)
		c.value(t.Elem(), items, prop+"[]", path+"[]")
	case "object", "":
		if t.Kind() == reflect.Slice {
			c.addf("%s: %s is one object, Go has a list %s", path, prop, t)
			return
		}
		if t.Kind() == reflect.Map {
			if _, ok := rs["additionalProperties"]; !ok && rs["properties"] != nil {
				c.addf("%s: %s has fixed properties, Go has a map", path, prop)
			}
			return
		}
		if name == "" {
			name = prop
		}
		c.object(t, rs, name, path)
	default:
		if t.Kind() == reflect.Slice {
			c.addf("%s: %s is one %s, Go has a list %s", path, prop, typ, t)
			return
		}
		if format == "date" || format == "date-time" {
			c.addf("%s: %s is a %s, Go has %s", path, prop, format, t)
			return
		}
		ok := false
		switch typ {
		case "string":
			ok = t.Kind() == reflect.String
		case "integer":
			ok = slices.Contains([]reflect.Kind{reflect.Int, reflect.Int64, reflect.Int32}, t.Kind())
		case "number":
			ok = t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32
		case "boolean":
			ok = t.Kind() == reflect.Bool
		}
		if !ok && !c.tc.Lenient[prop] {
			c.addf("%s: %s is %s, Go has %s", path, prop, typ, t)
		}
	}
}

// Validator compiles schema components/schemas/name of the document as JSON Schema. With
// strict, every object schema that lists properties refuses any other property, so a
// fake's answer cannot carry a field the contract does not have.
func (o *OAS) Validator(t testing.TB, name string, strict bool) *jsonschema.Schema {
	t.Helper()
	b, err := json.Marshal(o.doc)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if strict {
		closeObjects(doc)
	}
	comp := jsonschema.NewCompiler()
	comp.AssertFormat()
	url := "file://" + o.path
	if err := comp.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := comp.Compile(url + "#/components/schemas/" + strings.ReplaceAll(name, "/", "~1"))
	if err != nil {
		t.Fatalf("compiling %s: %v", name, err)
	}
	return s
}

func closeObjects(v any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["properties"]; ok {
			if _, set := x["additionalProperties"]; !set {
				if _, all := x["allOf"]; !all {
					x["additionalProperties"] = false
				}
			}
		}
		for _, e := range x {
			closeObjects(e)
		}
	case []any:
		for _, e := range x {
			closeObjects(e)
		}
	}
}

// ValidateJSON validates a JSON document against a compiled schema.
func ValidateJSON(s *jsonschema.Schema, doc []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return s.Validate(v)
}
