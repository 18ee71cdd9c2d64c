// Command jsontypegen writes Go types for JSON Schemas: NAV's soknadsosialhjelp-filformat
// (draft-06, for fiks/digisos/soknad) and KS's fiks-innsyn-json-schema (draft 2019-09, for
// fiks/minside). One struct per object schema, named by its javaType (without NAV's "Json"
// prefix) or by the property that holds it, one field per property with the property's
// JSON name; a oneOf of object schemas (the address types) is one struct holding every
// branch's fields. Required properties are plain values; optional objects, booleans and
// scalars are pointers and optional arrays omitzero, so "not answered", "" and "none"
// survive a round trip (NAV's files use all three). String schemas with a
// javaType and an enum become named string types with a constant per value.
// Validation-only keywords (dependencies, anyOf, patterns) are left to the JSON Schema
// validator, which reads the same files.
//
// Every struct gets a LogValue method calling the package's own logValue (hand-written:
// it masks identity numbers), so slog never marshals one whole.
//
// For KS's schemas, which have no javaType: every FILE:TYPE argument names the type of
// that file; -defs names a schema under definitions by its key (without the V1 suffix);
// -prefix DIR=P puts P before those names for files under DIR (barnevern/ has types of
// the same names as mappe/); -enums makes every string enum a named type (the owner's
// name and the property's); -time makes date-time strings time.Time; -stringer gives every struct String and GoString
// methods (the package's stringOf), so that fmt masks as slog does. A "type" list with
// "null" (["string", "null"]) is the other type, optional.
//
// Usage: jsontypegen -o FILE -pkg NAME -from TEXT [-defs] [-enums] [-time] [-stringer] [-prefix DIR=P,...] ROOT FILE:TYPE...
package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
)

// node is one schema object.
type node = map[string]any

// named maps a javaType's last segment to the Go name where NAV's is misleading.
var renamed = map[string]string{
	"Filer":       "Fil",         // vedlegg.Filer is one file
	"KildeBruker": "BrukerKilde", // KildeBruker is Kilde's constant for "bruker"
	"KildeSystem": "SystemKilde",
}

// special maps a schema file to a hand-written Go type.
var special = map[string]string{
	"soknad/parts/personIdentifikatorVerdi.json": "Identifikator",
}

type field struct {
	goName, jsonName, goType, doc string
	omit                          bool
}

type gotype struct {
	name   string
	doc    string
	fields []field
	// enum string type
	enum   []string
	isEnum bool
}

type gen struct {
	defs, enums, times bool
	prefixes           map[string]string // dir/ -> type name prefix
	names              map[string]string // schema key -> type name (FILE:TYPE)
	usesTime           bool
	root               string
	docs               map[string]node // by path under root
	types              map[string]*gotype
	byKey              map[string]string // schema key (file#pointer) -> type name
	order              []string
}

func main() {
	out := flag.String("o", "", "output file")
	pkg := flag.String("pkg", "", "package name")
	from := flag.String("from", "", "what the schemas are, for the generated header")
	defs := flag.Bool("defs", false, "name schemas under definitions by their key")
	enums := flag.Bool("enums", false, "make every string enum a named type")
	times := flag.Bool("time", false, "make date-time strings time.Time")
	stringer := flag.Bool("stringer", false, "give every struct String and GoString methods calling the package's stringOf (fmt then masks like slog)")
	prefix := flag.String("prefix", "", "DIR=PREFIX,...: a prefix for the names of definitions and enums in files under DIR")
	flag.Parse()
	if *out == "" || *pkg == "" || *from == "" || flag.NArg() < 2 {
		log.Fatal("usage: jsontypegen -o FILE -pkg NAME -from TEXT [-defs] [-enums] [-time] [-stringer] [-prefix DIR=P,...] ROOT FILE:TYPE...")
	}
	g := &gen{root: flag.Arg(0), docs: map[string]node{}, types: map[string]*gotype{}, byKey: map[string]string{},
		defs: *defs, enums: *enums, times: *times, prefixes: map[string]string{}, names: map[string]string{}}
	if *prefix != "" {
		for _, kv := range strings.Split(*prefix, ",") {
			dir, p, ok := strings.Cut(kv, "=")
			if !ok {
				log.Fatalf("-prefix %s: want DIR=PREFIX", kv)
			}
			g.prefixes[strings.TrimSuffix(dir, "/")+"/"] = p
		}
	}
	var roots, rootNames []string
	for _, a := range flag.Args()[1:] {
		file, name, ok := strings.Cut(a, ":")
		if !ok {
			log.Fatalf("%s: want FILE:TYPE", a)
		}
		g.names[file+"#"] = name
		roots, rootNames = append(roots, file), append(rootNames, name)
	}
	for i, file := range roots {
		n, key := g.resolve(file, "#")
		if typ, _ := typeOf(n); typ != "object" && n["properties"] == nil {
			continue // a named enum or string: typed where a property refers to it
		}
		g.objectType(n, key, file, rootNames[i])
	}
	var b bytes.Buffer
	imports := "import \"log/slog\"\n\n"
	if g.usesTime {
		imports = "import (\n\t\"log/slog\"\n\t\"time\"\n)\n\n"
	}
	fmt.Fprintf(&b, "// Code generated by jsontypegen from %s (%s); DO NOT EDIT.\n\npackage %s\n\n%s", *from, strings.Join(roots, ", "), *pkg, imports)
	for _, name := range g.order {
		t := g.types[name]
		writeDoc(&b, "", t.name+": "+t.doc)
		if t.isEnum {
			fmt.Fprintf(&b, "type %s string\n\n// The values of %s.\nconst (\n", t.name, t.name)
			for _, v := range t.enum {
				fmt.Fprintf(&b, "\t%s%s %s = %q\n", t.name, export(v), t.name, v)
			}
			b.WriteString(")\n\n")
			continue
		}
		fmt.Fprintf(&b, "type %s struct {\n", t.name)
		for _, f := range t.fields {
			writeDoc(&b, "\t", f.doc)
			tag := f.jsonName
			if f.omit {
				tag += ",omitzero" // a nil slice is left out, an empty one is kept: "[]" and "missing" differ in NAV's files
			}
			fmt.Fprintf(&b, "\t%s %s `json:%q`\n", f.goName, f.goType, tag)
		}
		b.WriteString("}\n\n")
		// slog's JSON handler would marshal a struct whole, identity numbers included:
		// every type logs through the package's logValue, which masks them.
		fmt.Fprintf(&b, "// LogValue logs the %s with identity numbers masked.\nfunc (v %s) LogValue() slog.Value { return logValue(v) }\n\n", t.name, t.name)
		if *stringer {
			fmt.Fprintf(&b, "// String prints the %s as LogValue does, identity numbers masked.\nfunc (v %s) String() string { return stringOf(v) }\n\n", t.name, t.name)
			fmt.Fprintf(&b, "// GoString is String, for %%#v.\nfunc (v %s) GoString() string { return stringOf(v) }\n\n", t.name)
		}
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		os.WriteFile(*out+".broken", b.Bytes(), 0o644)
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}

func writeDoc(b *bytes.Buffer, indent, doc string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return
	}
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			fmt.Fprintf(b, "%s//\n", indent)
			continue
		}
		fmt.Fprintf(b, "%s// %s\n", indent, strings.TrimSpace(line))
	}
}

// load reads a schema file (path under root).
func (g *gen) load(file string) node {
	if n, ok := g.docs[file]; ok {
		return n
	}
	b, err := os.ReadFile(filepath.Join(g.root, filepath.FromSlash(file)))
	if err != nil {
		log.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	v, err := decodeOrdered(d)
	if err != nil {
		log.Fatalf("%s: %v", file, err)
	}
	n, ok := v.(node)
	if !ok {
		log.Fatalf("%s: not an object", file)
	}
	g.docs[file] = n
	return n
}

// orderKey holds an object's keys in the order the file has them (properties are written
// in NAV's order).
const orderKey = "\x00order"

func decodeOrdered(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		n := node{}
		var order []string
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(d)
			if err != nil {
				return nil, err
			}
			n[k.(string)] = v
			order = append(order, k.(string))
		}
		if _, err := d.Token(); err != nil {
			return nil, err
		}
		n[orderKey] = order
		return n, nil
	case json.Delim('['):
		var a []any
		for d.More() {
			v, err := decodeOrdered(d)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		if _, err := d.Token(); err != nil {
			return nil, err
		}
		return a, nil
	}
	return tok, nil
}

// resolve follows $refs from (file, pointer) to the schema they name.
func (g *gen) resolve(file, ptr string) (node, string) {
	n := g.load(file)
	if ptr != "#" && ptr != "" {
		for _, part := range strings.Split(strings.TrimPrefix(ptr, "#/"), "/") {
			next, ok := n[part].(node)
			if !ok {
				log.Fatalf("%s%s: no %s", file, ptr, part)
			}
			n = next
		}
	}
	if ref, ok := n["$ref"].(string); ok {
		return g.follow(file, ref)
	}
	return n, file + ptr
}

// follow resolves ref relative to the file it appears in.
func (g *gen) follow(file, ref string) (node, string) {
	target, ptr, _ := strings.Cut(ref, "#")
	if target == "" {
		target = file
	} else {
		target = path.Clean(path.Join(path.Dir(file), target))
	}
	return g.resolve(target, "#"+ptr)
}

// deref resolves n if it is a $ref (in file), returning the schema, its key and its file.
func (g *gen) deref(n node, file, key string) (node, string, string) {
	if ref, ok := n["$ref"].(string); ok {
		r, k := g.follow(file, ref)
		f, _, _ := strings.Cut(k, "#")
		return r, k, f
	}
	return n, key, file
}

func javaName(n node) string {
	jt, _ := n["javaType"].(string)
	if jt == "" {
		return ""
	}
	name := jt[strings.LastIndex(jt, ".")+1:]
	name = strings.TrimPrefix(name, "Json")
	if r, ok := renamed[name]; ok {
		name = r
	}
	return name
}

func docOf(n node) string {
	t, _ := n["title"].(string)
	d, _ := n["description"].(string)
	switch {
	case t != "" && d != "":
		return strings.TrimSuffix(strings.TrimSpace(t), ".") + ".\n\n" + d
	case t != "":
		return t
	}
	return d
}

// objectType makes (once) the struct for object schema n.
func (g *gen) objectType(n node, key, file, name string) string {
	if t, ok := g.byKey[key]; ok {
		return t
	}
	if jn := javaName(n); jn != "" && name == "" {
		name = jn
	}
	if nn, ok := g.names[key]; ok {
		name = nn
	} else if _, def, ok := strings.Cut(key, "#/definitions/"); ok && g.defs && !strings.Contains(def, "/") {
		f, _, _ := strings.Cut(key, "#")
		name = g.prefixOf(f) + strings.TrimSuffix(def, "V1")
	}
	if name == "" {
		log.Fatalf("%s: an object schema without a name", key)
	}
	base := name
	for i := 2; g.types[name] != nil; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	t := &gotype{name: name, doc: docOf(n)}
	if t.doc == "" {
		t.doc = "the object under " + base + "."
	}
	g.types[name] = t
	g.byKey[key] = name
	g.order = append(g.order, name)

	type prop struct {
		name string
		n    node
		file string
		key  string
	}
	var props []prop
	seen := map[string]int{}
	required := map[string]bool{}
	add := func(m node, file, key string, req bool) {
		ps, _ := m["properties"].(node)
		names, _ := ps[orderKey].([]string)
		for _, p := range names {
			pn := ps[p].(node)
			if _, ok := seen[p]; ok {
				continue // a branch restating a property (the type enum): the first is richer
			}
			seen[p] = len(props)
			props = append(props, prop{p, pn, file, key + "/properties/" + p})
		}
		if req {
			if rs, ok := m["required"].([]any); ok {
				for _, r := range rs {
					required[r.(string)] = true
				}
			}
		}
	}
	add(n, file, key, true)
	for _, kw := range []string{"oneOf"} {
		branches, _ := n[kw].([]any)
		for i, br := range branches {
			bn, bk, bf := g.deref(br.(node), file, fmt.Sprintf("%s/%s/%d", key, kw, i))
			add(bn, bf, bk, false) // a branch's required fields hold only in that branch
			if all, ok := bn["allOf"].([]any); ok {
				for j, a := range all {
					an, ak, af := g.deref(a.(node), bf, fmt.Sprintf("%s/allOf/%d", bk, j))
					add(an, af, ak, false)
				}
			}
		}
	}
	if all, ok := n["allOf"].([]any); ok {
		for j, a := range all {
			an, ak, af := g.deref(a.(node), file, fmt.Sprintf("%s/allOf/%d", key, j))
			add(an, af, ak, true)
		}
	}
	for _, p := range props {
		req := required[p.name]
		goType, isPtrable := g.fieldType(p.n, p.key, p.file, name, p.name)
		doc := docOf(p.n)
		if doc == "" {
			if r, _, _ := g.deref(p.n, p.file, p.key); r != nil {
				doc = docOf(r)
			}
		}
		f := field{goName: export(p.name), jsonName: p.name, goType: goType, doc: doc, omit: !req}
		if !req && (isPtrable || goType != "any" && !strings.HasPrefix(goType, "[]")) {
			f.goType = "*" + goType
		}
		t.fields = append(t.fields, f)
	}
	return name
}

// fieldType is the Go type of property prop of type owner; ptrable reports whether an
// optional value of it is a pointer.
func (g *gen) fieldType(pn node, key, file, owner, prop string) (goType string, ptrable bool) {
	if ref, ok := pn["$ref"].(string); ok {
		_, k := g.follow(file, ref)
		f, _, _ := strings.Cut(k, "#")
		if s, ok := special[f]; ok && strings.HasSuffix(k, "#") {
			return s, false
		}
	}
	n, key, file := g.deref(pn, file, key)
	typ, nullable := typeOf(n)
	if typ == "" {
		if _, ok := n["properties"]; ok {
			typ = "object"
		} else if enum, ok := n["enum"].([]any); ok && len(enum) > 0 {
			for _, e := range enum {
				switch e.(type) {
				case string:
					typ = cmp.Or(typ, "string")
				case bool:
					typ = cmp.Or(typ, "boolean")
				case nil:
					nullable = true
				}
			}
		}
	}
	switch typ {
	case "object":
		name := ""
		if javaName(n) == "" {
			name = export(prop)
			if g.types[name] != nil && g.byKey[key] == "" {
				name = owner + export(prop)
			}
		}
		return g.objectType(n, key, file, name), true
	case "array":
		items, _ := n["items"].(node)
		if items == nil {
			return "[]any", false
		}
		it, _ := g.fieldType(items, key+"/items", file, owner, prop)
		return "[]" + it, false
	case "string":
		if enum, ok := n["enum"].([]any); ok && javaName(n) != "" {
			return g.enumType(n, key, enum, javaName(n)), false
		} else if ok && g.enums {
			return g.enumType(n, key, enum, g.enumName(file, owner, prop)), nullable
		}
		if f, _ := n["format"].(string); f == "date-time" && g.times {
			g.usesTime = true
			return "time.Time", true
		}
		return "string", nullable
	case "integer":
		return "int64", true
	case "number":
		return "float64", true
	case "boolean":
		return "bool", true
	}
	log.Fatalf("%s: type %q not handled", key, typ)
	return "", false
}

func (g *gen) enumType(n node, key string, enum []any, name string) string {
	if t, ok := g.byKey[key]; ok {
		return t
	}
	if nn, ok := g.names[key]; ok {
		name = nn
	}
	t := &gotype{name: name, doc: docOf(n), isEnum: true}
	for _, v := range enum {
		if v != nil { // a null in the enum makes the field optional, not a value
			t.enum = append(t.enum, v.(string))
		}
	}
	if g.types[name] != nil {
		log.Fatalf("%s: two types named %s", key, name)
	}
	g.types[name] = t
	g.byKey[key] = name
	g.order = append(g.order, name)
	return name
}

// typeOf is a schema's type, and whether it also allows null (a type list with "null").
func typeOf(n node) (string, bool) {
	switch t := n["type"].(type) {
	case string:
		return t, false
	case []any:
		typ, null := "", false
		for _, e := range t {
			if e == "null" {
				null = true
			} else if typ == "" {
				typ, _ = e.(string)
			}
		}
		return typ, null
	}
	return "", false
}

// prefixOf is the -prefix for a schema file.
func (g *gen) prefixOf(file string) string {
	for dir, p := range g.prefixes {
		if strings.HasPrefix(file, dir) {
			return p
		}
	}
	return ""
}

// enumName names the enum of property prop of type owner: the property's name when it
// already says the owner's (journalposttype of Journalpost), else the owner's and the
// property's (MappeType).
func (g *gen) enumName(file, owner, prop string) string {
	p := g.prefixOf(file)
	bare := strings.TrimPrefix(owner, p)
	if strings.Contains(strings.ToLower(prop), strings.ToLower(bare)) {
		return p + export(prop)
	}
	return owner + export(prop)
}

// export makes a JSON name a Go identifier: soknadstype -> Soknadstype, har_bil -> HarBil.
func export(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		switch r {
		case 'æ':
			b.WriteString("ae")
			continue
		case 'ø':
			b.WriteString("oe")
			continue
		case 'å':
			b.WriteString("aa")
			continue
		case 'Æ':
			b.WriteString("Ae")
			continue
		case 'Ø':
			b.WriteString("Oe")
			continue
		case 'Å':
			b.WriteString("Aa")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
