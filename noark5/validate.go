package noark5

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	schema "github.com/fellesklient/fellesklient/internal/gen/noark5schema"
	"github.com/fellesklient/fellesklient/internal/mask"
	"github.com/fellesklient/fellesklient/noark5/internal/xmlin"
	"github.com/fellesklient/fellesklient/noark5/internal/xmlscan"
)

// Severity says whether a problem makes the document invalid.
type Severity uint8

const (
	// SeverityError: the document is not valid (the v5.0 XSD refuses it, or a package's files do
	// not match what it says about them).
	SeverityError Severity = iota + 1
	// SeverityWarning: valid against the XSD, but against the standard's text: a value outside a
	// code list of the metadata catalogue.
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// Problem is one broken rule, with where it was broken.
type Problem struct {
	// Line is the line of the element's start tag (0 for package-level problems).
	Line int
	// Path is the element path, with positions among same-named siblings:
	// /arkiv/arkivdel[1]/mappe[3]/registrering[2]/tittel.
	Path string
	// Rule names the rule: xml, root, order, required, cardinality, unexpected, text,
	// attribute, xsi:type, empty, date, dateTime, integer, uuid, kodeliste, file, checksum.
	Rule     string
	Message  string
	Severity Severity
	// File is the file the problem is in, for package validation.
	File string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File + ":")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:", p.Line)
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	fmt.Fprintf(&b, "%s: %s [%s]", p.Path, p.Message, p.Rule)
	if p.Severity == SeverityWarning {
		b.WriteString(" (warning)")
	}
	return b.String()
}

// ValidateOptions tune Validate.
type ValidateOptions struct {
	// MaxProblems is how many problems are kept (default 1000); the rest are counted.
	MaxProblems int
	// Dokumentobjekt, when set, is called for every dokumentobjekt with its file
	// reference, checksum and size as written, and may return problems (package checks).
	Dokumentobjekt func(d DokumentobjektRef) []Problem
	// MaxTokenBytes bounds one token (a text or a tag with its attributes; default 16 MiB),
	// so hostile input cannot make memory grow.
	MaxTokenBytes int64
	// Versjon is the Noark 5 version to judge by: "5.0" (the default), or "4.0" or "3.1"
	// for older extractions, which are still deposited (their XSDs' content models, code
	// lists as enumerations). Any other value is an error.
	Versjon string
	// ADDMLVersjon is the ADDML version to judge an arkivuttrekk.xml by (its root is
	// {http://www.arkivverket.no/standarder/addml}addml, whatever Versjon says): "8.3" (the
	// default, what packages are written in) or "8.2". Both share one namespace, so a
	// document does not say which; a package does, by the addml.xsd it carries.
	ADDMLVersjon string
}

func (o *ValidateOptions) maxToken() int64 {
	if o.MaxTokenBytes > 0 {
		return o.MaxTokenBytes
	}
	return 16 << 20
}

// ADDMLVersjoner are the ADDML versions Validate knows, newest first.
var ADDMLVersjoner = []string{"8.3", "8.2"}

// ADDMLNamespace is the namespace of ADDML (arkivuttrekk.xml), in both versions.
const ADDMLNamespace = "http://www.arkivverket.no/standarder/addml"

// Versjoner are the Noark 5 versions Validate knows, newest first.
var Versjoner = []string{"5.0", "4.0", "3.1"}

// DokumentobjektRef is what an arkivstruktur says about one document file.
type DokumentobjektRef struct {
	Line                 int
	Path                 string
	ReferanseDokumentfil string
	Sjekksum             string
	SjekksumAlgoritme    string
	Filstoerrelse        string
}

// Report is the outcome of Validate.
type Report struct {
	// Schema is the schema the root selected: arkivstruktur, endringslogg,
	// loependeJournal, offentligJournal or addml ("" when the root is none of them).
	Schema   string
	Problems []Problem
	// Errors and Warnings count every problem, also those not kept.
	Errors, Warnings int
	// Counts counts elements by their type (journalpost, saksmappe, dokumentobjekt, ...;
	// the xsi:type when there is one).
	Counts map[string]int
	// Earliest and Latest are the date span of the journal dates (journaldato), or of the
	// registreringer's opprettetDato when there are none: YYYY-MM-DD.
	Earliest, Latest string
	// Bytes is how much was read.
	Bytes int64
	// Versjon is the version the file was judged by: the Noark 5 version, or for an
	// ADDML file (Schema "addml") the ADDML version.
	Versjon string

	max          int
	jdFirst      string
	jdLast       string
	odFirst      string
	odLast       string
	hasJournaldt bool
}

// Valid reports whether there is no error (warnings allowed).
func (r *Report) Valid() bool { return r.Errors == 0 }

func (r *Report) add(p Problem) {
	// A value quoted in a message may be an identity number put where it does not belong.
	p.Message = mask.IdentityNumbers(p.Message)
	if p.Severity == SeverityWarning {
		r.Warnings++
	} else {
		p.Severity = SeverityError
		r.Errors++
	}
	if len(r.Problems) < r.max {
		r.Problems = append(r.Problems, p)
	}
}

// schemasFor are the schemas of a Noark 5 version, by the roots they select.
var schemasFor = map[string][]*schema.Schema{
	"5.0": {schema.Arkivstruktur, schema.Endringslogg, schema.LoependeJournal, schema.OffentligJournal},
	"4.0": schema.V40Schemas,
	"3.1": schema.V31Schemas,
}

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// maxDepth bounds nesting (mapper nest, but a real extraction is far shallower).
const maxDepth = 256

// Validate checks a Noark 5 extraction file (arkivstruktur.xml, endringslogg.xml,
// loependeJournal.xml or offentligJournal.xml, chosen by the root element) against the
// rules of the official XSD of its version (v5.0 unless Options.Versjon says 4.0 or 3.1),
// or a package's arkivuttrekk.xml against ADDML's (v8.3 unless Options.ADDMLVersjon says
// 8.2: required attributes, empty elements, xs:unique),
// in Go, streaming: element order and cardinality,
// required elements, xsi:type, systemID and references as UUIDs, xs:date vs xs:dateTime,
// integers, empty elements, stray text and attributes. Values outside the metadata
// catalogue's code lists are warnings. The verdict (Report.Valid) is the XSD's. Memory
// does not grow with the document. The error is an I/O error; XML that is not well-formed
// is a problem in the report.
func Validate(r io.Reader, opts *ValidateOptions) (*Report, error) {
	return validate(r, opts, false)
}

// validate is Validate with the tokenizer chosen: xmlscan (fast, the default), or
// encoding/xml's Decoder, kept as the reference the differential tests compare against.
func validate(r io.Reader, opts *ValidateOptions, withEncodingXML bool) (*Report, error) {
	if opts == nil {
		opts = &ValidateOptions{}
	}
	versjon := opts.Versjon
	if versjon == "" {
		versjon = "5.0"
	}
	set, ok := schemasFor[versjon]
	if !ok {
		return nil, fmt.Errorf("noark5: Versjon %q: give one of %s", opts.Versjon, strings.Join(Versjoner, ", "))
	}
	var addml *schema.Schema
	for _, s := range schema.ADDMLSchemas {
		if s.Version == opts.ADDMLVersjon || (opts.ADDMLVersjon == "" && addml == nil) {
			addml = s
		}
	}
	if opts.ADDMLVersjon != "" && addml == nil {
		return nil, fmt.Errorf("noark5: ADDMLVersjon %q: give one of %s", opts.ADDMLVersjon, strings.Join(ADDMLVersjoner, ", "))
	}
	rep := &Report{Counts: map[string]int{}, max: opts.MaxProblems, Versjon: versjon}
	if rep.max == 0 {
		rep.max = 1000
	}
	g := &guard{r: xmlin.NewReader(r), max: opts.MaxTokenBytes}
	if g.max == 0 {
		g.max = 16 << 20
	}
	v := &validator{rep: rep, opts: opts, g: g, schemas: set, addml: addml}
	if withEncodingXML {
		v.d = xml.NewDecoder(g)
		v.d.Strict = true
		v.d.CharsetReader = xmlin.CharsetReader
	} else {
		v.sc = xmlscan.New(g, int(min(g.max, 1<<30)))
		g.max = math.MaxInt64 // the scanner bounds each token itself
	}
	err := v.run()
	rep.Bytes = g.total
	if rep.hasJournaldt {
		rep.Earliest, rep.Latest = rep.jdFirst, rep.jdLast
	} else {
		rep.Earliest, rep.Latest = rep.odFirst, rep.odLast
	}
	return rep, err
}

// guard counts bytes and refuses a token longer than max.
type guard struct {
	r     io.Reader
	total int64
	mark  int64
	max   int64
	err   error
}

// Errors for input past the readers' bounds (Validate, Registreringer), for errors.Is.
var (
	// ErrTooDeep: elements nested deeper than 256 levels.
	ErrTooDeep = xmlin.ErrTooDeep
	// ErrTokenTooLarge: one token (a text, a tag) larger than the limit (16 MiB).
	ErrTokenTooLarge = xmlscan.ErrTokenTooLarge
	// ErrDirective: a DOCTYPE; refused, so that no entity is ever expanded.
	ErrDirective = xmlin.ErrDirective
	// ErrEncoding: an encoding other than UTF-8 or UTF-16.
	ErrEncoding = xmlin.ErrEncoding
	// ErrTooLarge: a document larger than a reader that reads it whole allows
	// (arkivmelding.MaxSize, fiksarkiv.MaxSize).
	ErrTooLarge = xmlin.ErrTooLarge
)

var errTokenTooLarge = ErrTokenTooLarge

// LimitError: Validate stopped at a bound on hostile input; the Report holds what was
// checked up to that point, and the problem itself.
type LimitError struct {
	Line int
	Err  error // ErrTooDeep or ErrTokenTooLarge
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("noark5: line %d: validation stopped: %v", e.Line, e.Err)
}
func (e *LimitError) Unwrap() error { return e.Err }

func (g *guard) Read(p []byte) (int, error) {
	if g.total-g.mark > g.max {
		g.err = errTokenTooLarge
		return 0, g.err
	}
	n, err := g.r.Read(p)
	g.total += int64(n)
	if err != nil && err != io.EOF {
		g.err = err
	}
	return n, err
}

type kind uint8

const (
	kComplex kind = iota
	kSimple
	kAny
)

type childCount struct {
	name string
	n    int
}

type frame struct {
	name     string
	typeName string
	kind     kind
	ct       *schema.Complex
	simple   string
	st       schema.Simple
	repeated bool // shown with its position in paths
	pos      int
	line     int
	slot     int
	count    int
	alt      int
	kids     []childCount
	text     []byte
	textOver bool
	nsDecl   bool
	dok      *DokumentobjektRef
}

// childPos counts a child named name and returns its position among its namesakes.
func (f *frame) childPos(name string) int {
	for i := range f.kids {
		if f.kids[i].name == name {
			f.kids[i].n++
			return f.kids[i].n
		}
	}
	f.kids = append(f.kids, childCount{name, 1})
	return 1
}

// activeUnique is an xs:unique constraint of the element at st[depth], with the values seen.
type activeUnique struct {
	depth int
	u     *schema.Unique
	seen  map[string]struct{}
}

type validator struct {
	rep  *Report
	opts *ValidateOptions
	sc   *xmlscan.Scanner // the tokenizer, or
	d    *xml.Decoder     // encoding/xml's (the reference)
	g    *guard
	s    *schema.Schema
	// schemas are those of the version judged by, and addml the ADDML version's.
	schemas []*schema.Schema
	addml   *schema.Schema
	// uniq are the xs:unique constraints in force: of elements on the stack.
	uniq []activeUnique
	st   []frame             // by value, reused: no allocation per element
	ns   []map[string]string // prefix -> namespace, one map per declaring element
}

// push opens a frame on the stack, reusing the slices of the frame that was there before.
func (v *validator) push(f frame) *frame {
	if len(v.st) < cap(v.st) {
		v.st = v.st[:len(v.st)+1]
		old := &v.st[len(v.st)-1]
		f.kids, f.text = old.kids[:0], old.text[:0]
		*old = f
		return old
	}
	v.st = append(v.st, f)
	return &v.st[len(v.st)-1]
}

func (v *validator) top() *frame { return &v.st[len(v.st)-1] }

func (v *validator) line() int {
	if v.sc != nil {
		return v.sc.Line()
	}
	l, _ := v.d.InputPos()
	return l
}

// token is the next token of either tokenizer: its kind, and for Start the element, for
// Text the characters (valid until the next call).
func (v *validator) token() (xmlscan.Kind, xml.StartElement, []byte, error) {
	if v.sc != nil {
		k, err := v.sc.Next()
		switch k {
		case xmlscan.Start:
			return k, xml.StartElement{Name: v.sc.Name, Attr: v.sc.Attr}, nil, err
		case xmlscan.Text:
			return k, xml.StartElement{}, v.sc.Text, err
		}
		return k, xml.StartElement{}, nil, err
	}
	for {
		v.g.mark = v.d.InputOffset()
		tok, err := v.d.Token()
		if err != nil {
			if err == io.EOF {
				return xmlscan.EOF, xml.StartElement{}, nil, nil
			}
			return xmlscan.EOF, xml.StartElement{}, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			// encoding/xml lets an attribute appear twice; XML does not (xmlscan refuses it).
			for i, a := range t.Attr {
				for _, b := range t.Attr[:i] {
					if a.Name == b.Name {
						return xmlscan.EOF, xml.StartElement{}, nil, fmt.Errorf("attribute %s appears twice in <%s>", a.Name.Local, t.Name.Local)
					}
				}
			}
			return xmlscan.Start, t, nil, nil
		case xml.EndElement:
			return xmlscan.End, xml.StartElement{}, nil, nil
		case xml.CharData:
			return xmlscan.Text, xml.StartElement{}, t, nil
		case xml.Directive:
			return xmlscan.Directive, xml.StartElement{}, nil, nil
		}
	}
}

// fail reports a tokenizer's error: a problem of the document (nil), a bound reached
// (*LimitError), or an I/O error to return.
func (v *validator) fail(err error) error {
	var se *xmlscan.SyntaxError
	switch {
	case errors.Is(err, ErrTokenTooLarge) || errors.Is(v.g.err, errTokenTooLarge):
		v.problem(v.line(), v.path(""), "xml", "a single token is larger than %d bytes", v.opts.maxToken())
		return &LimitError{Line: v.line(), Err: ErrTokenTooLarge}
	case errors.Is(err, ErrEncoding) || errors.Is(v.g.err, ErrEncoding):
		// Broken UTF-16 or another encoding is a fault of the document, as libxml2 reports it.
		e := err
		if v.g.err != nil {
			e = v.g.err
		}
		v.problem(v.line(), v.path(""), "xml", "%v", e)
		return nil
	case v.g.err != nil:
		return v.g.err
	case v.sc != nil && !errors.As(err, &se):
		return err
	}
	v.problem(v.line(), v.path(""), "xml", "not well-formed: %v", err)
	return nil
}

func (v *validator) path(extra string) string {
	var b strings.Builder
	for i := range v.st {
		f := &v.st[i]
		b.WriteByte('/')
		b.WriteString(f.name)
		if f.repeated {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(f.pos))
			b.WriteByte(']')
		}
	}
	if extra != "" {
		b.WriteByte('/')
		b.WriteString(extra)
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

func (v *validator) problem(line int, path, rule, format string, a ...any) {
	v.rep.add(Problem{Line: line, Path: path, Rule: rule, Message: fmt.Sprintf(format, a...), Severity: SeverityError})
}

func (v *validator) run() error {
	rootSeen := false
	for {
		kind, t, text, err := v.token()
		if err != nil {
			return v.fail(err)
		}
		switch kind {
		case xmlscan.EOF:
			if !rootSeen {
				v.problem(0, "/", "xml", "the document has no root element")
			}
			return nil
		case xmlscan.Start:
			if len(v.st) == 0 {
				if rootSeen {
					v.problem(v.line(), "/", "xml", "more than one root element")
					return nil
				}
				rootSeen = true
				if !v.root(t) {
					return nil
				}
				continue
			}
			if len(v.st) >= maxDepth {
				v.problem(v.line(), v.path(""), "xml", "nested deeper than %d elements", maxDepth)
				return &LimitError{Line: v.line(), Err: ErrTooDeep}
			}
			if err := v.start(t); err != nil {
				if err == errStop {
					return nil
				}
				return err
			}
		case xmlscan.End:
			if len(v.st) == 0 {
				v.problem(v.line(), "/", "xml", "an end tag without its start")
				return nil
			}
			v.end()
		case xmlscan.Text:
			v.chars(text)
		case xmlscan.Directive:
			v.problem(v.line(), v.path(""), "xml", "a DOCTYPE or other directive is not allowed in an extraction")
			return nil
		}
	}
}

func (v *validator) root(t xml.StartElement) bool {
	if t.Name.Space == ADDMLNamespace {
		return v.addmlRoot(t)
	}
	for _, s := range v.schemas {
		if t.Name.Space == s.Namespace && t.Name.Local == s.Root {
			v.s = s
		}
	}
	if v.s == nil {
		v.problem(v.line(), "/"+t.Name.Local, "root", "{%s}%s is not the root of a Noark 5 v%s extraction file (arkiv, endringslogg, loependeJournal, offentligJournal in their namespaces) nor of an ADDML file (addml)", t.Name.Space, t.Name.Local, v.rep.Versjon)
		return false
	}
	v.rep.Schema = v.s.Name
	f := v.push(frame{name: t.Name.Local, typeName: v.s.RootType, kind: kComplex, ct: v.s.Complex[v.s.RootType], line: v.line(), alt: -1})
	v.pushNS(t, f)
	v.attrs(t, f, nil)
	v.rep.Counts[f.typeName]++
	return true
}

// addmlRoot starts an ADDML document. Every ADDML element is global, so XSD lets any of
// them be the root (an arkivuttrekk.xml has addml).
func (v *validator) addmlRoot(t xml.StartElement) bool {
	v.s = v.addml
	v.rep.Schema, v.rep.Versjon = v.s.Name, v.s.Version
	p, ok := v.s.Elements[t.Name.Local]
	if !ok {
		v.problem(v.line(), "/"+t.Name.Local, "root", "%s is not an element of ADDML v%s (an arkivuttrekk.xml starts with addml)", t.Name.Local, v.s.Version)
		return false
	}
	f := v.push(frame{name: t.Name.Local, line: v.line(), alt: -1})
	v.pushNS(t, f)
	v.enter(t, f, p)
	return true
}

// enter gives the frame just pushed for t the type particle p names: a simple type, or a
// complex one (its xsi:type, if any) counted, checked against the xs:unique constraints
// in force, and putting its own in force.
func (v *validator) enter(t xml.StartElement, f *frame, p schema.Particle) {
	if p.Simple != "" {
		f.kind, f.simple, f.st = kSimple, p.Simple, v.s.Simple[p.Simple]
		v.attrs(t, f, nil)
		return
	}
	f.kind, f.typeName, f.ct = kComplex, p.Complex, v.s.Complex[p.Complex]
	if xt := v.attrs(t, f, &p); xt != "" {
		f.typeName, f.ct = xt, v.s.Complex[xt]
	}
	v.rep.Counts[f.typeName]++
	if len(v.uniq) > 0 {
		v.checkUnique(t)
	}
	v.openUnique(f)
}

// openUnique puts the xs:unique constraints of the element on top of the stack in force.
func (v *validator) openUnique(f *frame) {
	if f.ct == nil {
		return
	}
	for i := range f.ct.Unique {
		v.uniq = append(v.uniq, activeUnique{depth: len(v.st) - 1, u: &f.ct.Unique[i], seen: map[string]struct{}{}})
	}
}

// checkUnique checks the element on top of the stack against the constraints in force
// whose selector path leads to it.
func (v *validator) checkUnique(t xml.StartElement) {
	top := len(v.st) - 1
	for i := range v.uniq {
		a := &v.uniq[i]
		if top-a.depth != len(a.u.Selector) {
			continue
		}
		match := true
		for k, step := range a.u.Selector {
			if v.st[a.depth+1+k].name != step {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		for _, at := range t.Attr {
			if at.Name.Space == "" && at.Name.Local == a.u.Field {
				if _, dup := a.seen[at.Value]; dup {
					v.problem(v.st[top].line, v.path(""), "unique", "%s %q appears twice in one %s (xs:unique %s)", a.u.Field, clip(at.Value), v.st[a.depth].name, a.u.Name)
				} else {
					a.seen[at.Value] = struct{}{}
				}
			}
		}
	}
}

func (v *validator) pushNS(t xml.StartElement, f *frame) {
	var m map[string]string
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			if m == nil {
				m = map[string]string{}
			}
			if a.Name.Space == "xmlns" {
				m[a.Name.Local] = a.Value
			} else {
				m[""] = a.Value
			}
		}
	}
	if m != nil {
		v.ns = append(v.ns, m)
		f.nsDecl = true
	}
}

func (v *validator) lookupNS(prefix string) (string, bool) {
	for i := len(v.ns) - 1; i >= 0; i-- {
		if u, ok := v.ns[i][prefix]; ok {
			return u, true
		}
	}
	if prefix == "xml" {
		return "http://www.w3.org/XML/1998/namespace", true
	}
	return "", prefix == ""
}

// start handles a child element of the top frame.
func (v *validator) start(t xml.StartElement) error {
	parent := v.top()
	line := v.line()
	name := t.Name.Local
	switch parent.kind {
	case kAny:
		// xs:anyType: anything goes below.
		f := v.push(frame{name: name, kind: kAny, line: line})
		v.pushNS(t, f)
		return nil
	case kSimple:
		v.problem(line, v.path(name), "text", "element %s is not allowed: %s has a simple type", name, parent.name)
		return v.skip()
	}
	pos := parent.childPos(name)
	p, ok := v.match(parent, t, line)
	if !ok {
		return v.skip()
	}
	// parent is not used past this point: push may move the stack.
	f := v.push(frame{name: name, line: line, pos: pos, repeated: p.Max != 1, alt: -1})
	v.pushNS(t, f)
	switch {
	case p.Simple == "Any":
		f.kind = kAny
		return nil
	default:
		v.enter(t, f, p)
		if f.typeName == "dokumentobjekt" && v.opts.Dokumentobjekt != nil {
			f.dok = &DokumentobjektRef{Line: line, Path: v.path("")}
		}
	}
	if t.Name.Space != v.s.Namespace {
		v.problem(line, v.path(""), "unexpected", "element {%s}%s is not in the %s namespace", t.Name.Space, name, v.s.Name)
	}
	return nil
}

// match advances the parent's content model over the child named name.
func (v *validator) match(parent *frame, t xml.StartElement, line int) (schema.Particle, bool) {
	name := t.Name.Local
	slots := parent.ct.Slots
	i, count, alt := parent.slot, parent.count, parent.alt
	var missing []string
	for ; i < len(slots); i, count, alt = i+1, 0, -1 {
		sl := slots[i]
		for ai, p := range sl {
			if p.Name != name || (alt >= 0 && alt != ai) {
				continue
			}
			if p.Max >= 0 && count+1 > p.Max {
				// The same element again past its maximum: XSD says "not expected".
				break
			}
			for _, m := range missing {
				v.problem(line, v.path(name), "required", "missing %s before %s", m, name)
			}
			parent.slot, parent.count, parent.alt = i, count+1, ai
			return p, true
		}
		if m := unsatisfied(sl, count, alt); m != "" {
			missing = append(missing, m)
		}
	}
	v.problem(line, v.path(name), "order", "element %s is not expected here; expected %s", name, v.expected(parent))
	return schema.Particle{}, false
}

// unsatisfied names what a slot still needs, or "".
func unsatisfied(sl schema.Slot, count, alt int) string {
	if len(sl) == 1 {
		if count < sl[0].Min {
			return sl[0].Name
		}
		return ""
	}
	if alt >= 0 {
		if count < sl[alt].Min {
			return sl[alt].Name
		}
		return ""
	}
	names := make([]string, 0, len(sl))
	for _, p := range sl {
		if p.Min == 0 {
			return ""
		}
		names = append(names, p.Name)
	}
	return "one of " + strings.Join(names, ", ")
}

// expected lists what could come next in the parent.
func (v *validator) expected(parent *frame) string {
	var names []string
	slots := parent.ct.Slots
	i, count, alt := parent.slot, parent.count, parent.alt
	for ; i < len(slots); i, count, alt = i+1, 0, -1 {
		sl := slots[i]
		for ai, p := range sl {
			if (alt < 0 || alt == ai) && (p.Max < 0 || count < p.Max) {
				names = append(names, p.Name)
			}
		}
		if unsatisfied(sl, count, alt) != "" {
			break
		}
	}
	if len(names) == 0 {
		return "the end of " + parent.name
	}
	return strings.Join(names, ", ")
}

// attrs checks attributes; for a complex element it returns the xsi:type, if any.
func (v *validator) attrs(t xml.StartElement, f *frame, p *schema.Particle) string {
	xt := ""
	var declared []schema.Attr
	if f.kind == kComplex && f.ct != nil {
		declared = f.ct.Attrs
	}
	var seen uint64 // bit i: declared[i] is there
	for _, a := range t.Attr {
		if a.Name.Space == "" {
			if k := slices.IndexFunc(declared, func(d schema.Attr) bool { return d.Name == a.Name.Local }); k >= 0 {
				seen |= 1 << k
				continue
			}
		}
		switch {
		case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
		case a.Name.Space == xsiNS && (a.Name.Local == "schemaLocation" || a.Name.Local == "noNamespaceSchemaLocation"):
		case a.Name.Space == xsiNS && a.Name.Local == "type":
			if p == nil || (f.ct != nil && f.ct.Anonymous) {
				v.problem(f.line, v.path(""), "xsi:type", "xsi:type on %s, which has no derived types", f.name)
				continue
			}
			prefix, local, ok := strings.Cut(trimXMLSpace(a.Value), ":")
			if !ok {
				prefix, local = "", prefix
			}
			ns, found := v.lookupNS(prefix)
			if !found || ns != v.s.Namespace || v.s.Complex[local] == nil {
				v.problem(f.line, v.path(""), "xsi:type", "xsi:type %q is not a type of the %s schema", a.Value, v.s.Name)
				continue
			}
			if !v.s.DerivedFrom(local, p.Complex) {
				v.problem(f.line, v.path(""), "xsi:type", "xsi:type %s is not derived from %s", local, p.Complex)
				continue
			}
			xt = local
		case a.Name.Space == "" && a.Name.Local == "label" && f.kind == kSimple && f.st.Label:
		default:
			full := a.Name.Local
			if a.Name.Space != "" {
				full = "{" + a.Name.Space + "}" + full
			}
			v.problem(f.line, v.path(""), "attribute", "attribute %s is not allowed on %s", full, f.name)
		}
	}
	for k, d := range declared {
		if d.Required && seen&(1<<k) == 0 {
			v.problem(f.line, v.path(""), "required", "attribute %s is required on %s", d.Name, f.name)
		}
	}
	return xt
}

func (v *validator) chars(c []byte) {
	if len(v.st) == 0 {
		return
	}
	f := v.top()
	switch f.kind {
	case kSimple:
		if len(f.text)+len(c) > 1<<20 {
			f.textOver = true
			return
		}
		f.text = append(f.text, c...)
	case kComplex:
		if f.ct != nil && f.ct.Empty && len(c) > 0 && !f.textOver {
			v.problem(v.line(), v.path(""), "text", "%s is empty by its schema: no text, not even whitespace", f.name)
			f.textOver = true
		}
		if !xmlscan.IsSpace(c) && !f.textOver { // XML's whitespace: U+00A0 is text
			v.problem(v.line(), v.path(""), "text", "text is not allowed directly in %s", f.name)
			f.textOver = true
		}
	}
}

// errStop ends run after a problem that ends the document (a fatal XML error, a DOCTYPE)
// was reported where it was found.
var errStop = errors.New("stop")

// skip skips the subtree of an element that was refused.
func (v *validator) skip() error {
	depth := 1
	for depth > 0 {
		kind, _, _, err := v.token()
		if err != nil {
			if err := v.fail(err); err != nil {
				return err
			}
			return errStop // reported once; the tokenizer would give the same error again
		}
		switch kind {
		case xmlscan.EOF:
			return nil
		case xmlscan.Directive:
			v.problem(v.line(), v.path(""), "xml", "a DOCTYPE or other directive is not allowed in an extraction")
			return errStop
		case xmlscan.Start:
			depth++
			if len(v.st)+depth > maxDepth {
				v.problem(v.line(), v.path(""), "xml", "nested deeper than %d elements", maxDepth)
				return &LimitError{Line: v.line(), Err: ErrTooDeep}
			}
		case xmlscan.End:
			depth--
		}
	}
	return nil
}

func (v *validator) end() {
	f := v.top()
	switch f.kind {
	case kComplex:
		if f.ct != nil {
			for i, count, alt := f.slot, f.count, f.alt; i < len(f.ct.Slots); i, count, alt = i+1, 0, -1 {
				if m := unsatisfied(f.ct.Slots[i], count, alt); m != "" {
					v.problem(v.line(), v.path(""), "required", "missing %s at the end of %s", m, f.name)
				}
			}
		}
		if f.dok != nil {
			for _, p := range v.opts.Dokumentobjekt(*f.dok) {
				v.rep.add(p)
			}
		}
	case kSimple:
		v.simpleValue(f)
	}
	if f.nsDecl {
		v.ns = v.ns[:len(v.ns)-1]
	}
	for len(v.uniq) > 0 && v.uniq[len(v.uniq)-1].depth == len(v.st)-1 {
		v.uniq = v.uniq[:len(v.uniq)-1]
	}
	v.st = v.st[:len(v.st)-1]
}

// reDateTime recognises the shape of a date-time (to say "has a time" about a bad xs:date).
var reDateTime = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}T`)

func (v *validator) simpleValue(f *frame) {
	raw := string(f.text)
	if f.textOver {
		v.problem(f.line, v.path(""), "text", "the value is longer than 1 MiB")
		return
	}
	// Whitespace around a value, as libxml2 (xmllint) judges it, since the verdict must be
	// xmllint's: xs:integer collapses it; xs:date takes none; xs:dateTime takes none before
	// the value and some after it only when the value ends in a time zone. (XML Schema says
	// dates collapse whitespace too; libxml2 2.9 does not.) Strings keep theirs.
	collapsed := raw
	switch f.st.Kind {
	case schema.Integer:
		collapsed = trimXMLSpace(raw)
	case schema.DateTime:
		if t := strings.TrimRight(raw, " \t\r\n"); t != raw && zoneOf(t) != "" {
			collapsed = t
		}
	}
	switch f.st.Kind {
	case schema.String:
		if len(raw) < f.st.MinLength || (f.st.MinLength > 1 && utf8.RuneCountInString(raw) < f.st.MinLength) {
			v.problem(f.line, v.path(""), "empty", "%s must not be empty", f.name)
			return
		}
	case schema.UUID:
		if !IsUUID(raw) {
			v.problem(f.line, v.path(""), "uuid", "%q is not a UUID (v5.0 makes systemID and references UUIDs)", clip(raw))
			return
		}
	case schema.Date:
		if !validDate(collapsed) {
			if validDateTime(collapsed) || reDateTime.MatchString(collapsed) {
				v.problem(f.line, v.path(""), "date", "%q has a time; %s is an xs:date (YYYY-MM-DD)", clip(raw), f.name)
				return
			}
			v.problem(f.line, v.path(""), "date", "%q is not an xs:date (YYYY-MM-DD)", clip(raw))
			return
		}
		v.span(f.name, collapsed[:len(collapsed)-len(zoneOf(collapsed))])
	case schema.DateTime:
		if !validDateTime(collapsed) {
			if validDate(collapsed) {
				v.problem(f.line, v.path(""), "dateTime", "%q has no time; %s is an xs:dateTime", clip(raw), f.name)
				return
			}
			v.problem(f.line, v.path(""), "dateTime", "%q is not an xs:dateTime", clip(raw))
			return
		}
		if f.name == "opprettetDato" && len(v.st) >= 2 && v.s.DerivedFrom(v.st[len(v.st)-2].typeName, "registrering") {
			v.span("opprettetDato", collapsed[:10])
		}
	case schema.DateOrDateTime:
		dt := raw
		if t := strings.TrimRight(raw, " \t\r\n"); t != raw && zoneOf(t) != "" {
			dt = t
		}
		if !validDate(raw) && !validDateTime(dt) {
			v.problem(f.line, v.path(""), "date", "%q is neither an xs:date nor an xs:dateTime", clip(raw))
			return
		}
	case schema.Integer:
		if !isInteger(collapsed) {
			v.problem(f.line, v.path(""), "integer", "%q is not an integer", clip(raw))
			return
		}
		if f.st.MinInclusive == "0" && strings.HasPrefix(collapsed, "-") && strings.Trim(collapsed[1:], "0") != "" {
			v.problem(f.line, v.path(""), "integer", "%s must not be negative", f.name)
			return
		}
	}
	if len(f.st.Enum) > 0 && !slices.Contains(f.st.Enum, raw) {
		v.problem(f.line, v.path(""), "kodeliste", "%q is not a value of %s: %s", clip(raw), f.simple, strings.Join(f.st.Enum, ", "))
		return
	}
	if kl, ok := schema.Kodelister[f.simple]; ok && v.rep.Versjon == "5.0" && !slices.Contains(kl.Verdier, raw) {
		v.rep.add(Problem{Line: f.line, Path: v.path(""), Rule: "kodeliste", Severity: SeverityWarning,
			Message: fmt.Sprintf("%q is not a value of %s (%s): %s", clip(raw), f.simple, kl.Nr, strings.Join(kl.Verdier, ", "))})
	}
	if len(v.st) >= 2 {
		if d := v.st[len(v.st)-2].dok; d != nil {
			switch f.name {
			case "referanseDokumentfil":
				d.ReferanseDokumentfil = raw
			case "sjekksum":
				d.Sjekksum = raw
			case "sjekksumAlgoritme":
				d.SjekksumAlgoritme = raw
			case "filstoerrelse":
				d.Filstoerrelse = collapsed
			}
		}
	}
}

// trimXMLSpace trims XML's whitespace (space, tab, CR, LF), not Unicode's: U+00A0 around a
// value is part of it, as libxml2 judges it.
func trimXMLSpace(s string) string { return strings.Trim(s, " \t\r\n") }

func isInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func (v *validator) span(name, date string) {
	r := v.rep
	switch name {
	case "journaldato":
		if !r.hasJournaldt || date < r.jdFirst {
			r.jdFirst = date
		}
		if !r.hasJournaldt || date > r.jdLast {
			r.jdLast = date
		}
		r.hasJournaldt = true
	case "opprettetDato":
		if r.odFirst == "" || date < r.odFirst {
			r.odFirst = date
		}
		if date > r.odLast {
			r.odLast = date
		}
	}
}

func zoneOf(s string) string {
	if strings.HasSuffix(s, "Z") {
		return "Z"
	}
	if len(s) > 6 && (s[len(s)-6] == '+' || s[len(s)-6] == '-') && s[len(s)-3] == ':' {
		return s[len(s)-6:]
	}
	return ""
}

// clip shortens a value quoted in a message and masks identity numbers in it.
func clip(s string) string {
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return mask.IdentityNumbers(s)
}

// digits reads n ASCII digits at s[i:].
func digits(s string, i, n int) (int, bool) {
	if i+n > len(s) {
		return 0, false
	}
	v := 0
	for j := i; j < i+n; j++ {
		c := s[j]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// ymd parses the date part of an xs:date or xs:dateTime ([-]YYYY[Y...]-MM-DD) and
// returns where it ends.
func ymd(s string) (int, bool) {
	i := 0
	if strings.HasPrefix(s, "-") {
		i = 1
	}
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	ylen := j - i
	if ylen < 4 || (ylen > 4 && s[i] == '0') {
		return 0, false
	}
	year, _ := strconv.Atoi(s[i:j])
	if year == 0 || j >= len(s) || s[j] != '-' {
		return 0, false
	}
	if i == 1 {
		year = -year + 1 // XSD 1.0 has no year 0; -0001 is 1 BC
	}
	mo, ok1 := digits(s, j+1, 2)
	if !ok1 || j+3 >= len(s) || s[j+3] != '-' {
		return 0, false
	}
	day, ok2 := digits(s, j+4, 2)
	if !ok2 || mo < 1 || mo > 12 || day < 1 {
		return 0, false
	}
	dim := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mo]
	if mo == 2 && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		dim = 29
	}
	return j + 6, day <= dim
}

func validZone(z string) bool {
	switch {
	case z == "" || z == "Z":
		return true
	case len(z) != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':':
		return false
	}
	h, ok1 := digits(z, 1, 2)
	m, ok2 := digits(z, 4, 2)
	return ok1 && ok2 && m <= 59 && (h < 14 || (h == 14 && m == 0))
}

func validDate(s string) bool {
	end, ok := ymd(s)
	return ok && validZone(s[end:])
}

func validDateTime(s string) bool {
	end, ok := ymd(s)
	if !ok || end >= len(s) || s[end] != 'T' {
		return false
	}
	t := s[end+1:]
	h, ok1 := digits(t, 0, 2)
	mi, ok2 := digits(t, 3, 2)
	sec, ok3 := digits(t, 6, 2)
	if !ok1 || !ok2 || !ok3 || t[2] != ':' || t[5] != ':' {
		return false
	}
	rest := t[8:]
	frac := ""
	if strings.HasPrefix(rest, ".") {
		k := 1
		for k < len(rest) && rest[k] >= '0' && rest[k] <= '9' {
			k++
		}
		if k == 1 {
			return false
		}
		frac, rest = rest[1:k], rest[k:]
	}
	if !validZone(rest) {
		return false
	}
	if h == 24 {
		return mi == 0 && sec == 0 && strings.Trim(frac, "0") == ""
	}
	return h < 24 && mi < 60 && sec < 60
}
