package noark5

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	schema "github.com/fellesklient/fellesklient/internal/gen/noark5schema"
)

// WriterOptions tune a Writer.
type WriterOptions struct {
	// Indent indents the XML (two spaces a level). Off, records are still one per line.
	Indent bool
	// Dokumentobjekt is called for every dokumentobjekt before its registrering is written,
	// so that a caller (package arkivuttrekk) can copy the file and fill in Sjekksum,
	// SjekksumAlgoritme and Filstoerrelse.
	Dokumentobjekt func(d *Dokumentobjekt) error
}

// WriteError is a value the Writer refused, with every problem found; nothing of it was
// written. It matches ErrInvalid.
type WriteError struct {
	Path     string
	Problems []string
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("noark5: %s: %s", e.Path, strings.Join(e.Problems, "; "))
}

// ErrInvalid is matched by *WriteError.
var ErrInvalid = errors.New("noark5: invalid")

// Is matches ErrInvalid.
func (e *WriteError) Is(target error) bool { return target == ErrInvalid }

// Counts are what a Writer wrote, for arkivuttrekk.xml.
type Counts struct {
	Arkiv, Arkivdeler, Klasser, Mapper, Registreringer, Dokumentbeskrivelser, Dokumentobjekter int
	// ByType counts mapper and registreringer by xsi:type (saksmappe, journalpost, ...).
	ByType map[string]int
}

type open struct {
	name     string // element name
	typeName string // schema type
	child    string // the kind of child chosen so far ("" none)
	children int
	tail     func() ([]byte, error) // what comes after the children (saksmappe fields)
	path     string
}

// Writer writes an arkivstruktur.xml as a stream: StartArkiv, StartArkivdel, StartKlasse,
// StartMappe open containers; Registrering and Mappe write whole units; End closes the
// innermost container; Close closes the rest. Every value is checked against the v5.0
// content model before it is written, so the output validates with the official XSD;
// refused values are a *WriteError and leave the output as it was. Memory does not grow
// with the number of records.
type Writer struct {
	w      *bufio.Writer
	opts   WriterOptions
	stack  []*open
	buf    bytes.Buffer
	enc    *xml.Encoder // encoding/xml's, when std
	e      enc          // the package's own
	std    bool         // encode with encoding/xml (the reference, for tests)
	err    error
	closed bool
	counts Counts
}

// NewWriter returns a Writer on w. Call Close to finish the document.
func NewWriter(w io.Writer, opts *WriterOptions) *Writer {
	wr := &Writer{w: bufio.NewWriterSize(w, 64<<10)}
	if opts != nil {
		wr.opts = *opts
	}
	wr.counts.ByType = map[string]int{}
	return wr
}

// Counts returns what has been written so far.
func (w *Writer) Counts() Counts {
	c := w.counts
	c.ByType = make(map[string]int, len(w.counts.ByType))
	for k, v := range w.counts.ByType {
		c.ByType[k] = v
	}
	return c
}

func (w *Writer) indent(depth int) string {
	if !w.opts.Indent {
		return ""
	}
	return strings.Repeat("  ", depth)
}

func (w *Writer) path(name string) string {
	if len(w.stack) == 0 {
		return "/" + name
	}
	return w.stack[len(w.stack)-1].path + "/" + name
}

// place checks that an element named name may come next in the innermost container.
func (w *Writer) place(name string) error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return errors.New("noark5: the writer is closed")
	}
	if len(w.stack) == 0 {
		if name != "arkiv" {
			return &WriteError{Path: "/", Problems: []string{"the document starts with StartArkiv"}}
		}
		return nil
	}
	top := w.stack[len(w.stack)-1]
	allowed := containerChildren[top.typeName]
	if !contains(allowed, name) {
		return &WriteError{Path: top.path, Problems: []string{fmt.Sprintf("%s cannot hold %s (it holds %s)", top.name, name, strings.Join(allowed, " or "))}}
	}
	if top.child != "" && top.child != name {
		return &WriteError{Path: top.path, Problems: []string{fmt.Sprintf("%s already holds %s; the schema allows one kind of child, not %s too", top.name, top.child, name)}}
	}
	return nil
}

// containerChildren are the children each container type takes (one kind per container).
var containerChildren = map[string][]string{
	"arkiv":                 {"arkiv", "arkivdel"},
	"arkivdel":              {"klassifikasjonssystem", "mappe", "registrering"},
	"klassifikasjonssystem": {"klasse"},
	"klasse":                {"klasse", "mappe", "registrering"},
	"mappe":                 {"mappe", "registrering"},
	"saksmappe":             {"mappe", "registrering"},
	"moetemappe":            {"mappe", "registrering"},
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// marshal encodes v as element name (attrs added) at depth into w.buf.
// The result starts at the element's start tag (the caller writes the first indent).
func (w *Writer) marshal(name string, attrs []xml.Attr, v any, depth int) ([]byte, error) {
	if !w.std {
		return w.encode(name, attrs, v, depth), nil
	}
	w.buf.Reset()
	if w.enc == nil {
		w.enc = xml.NewEncoder(&w.buf)
	}
	if w.opts.Indent {
		w.enc.Indent(w.indent(depth), "  ")
	}
	if err := w.enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs}); err != nil {
		w.enc = nil // its state is unknown after an error
		return nil, err
	}
	if err := w.enc.Flush(); err != nil {
		w.enc = nil
		return nil, err
	}
	return bytes.TrimLeft(w.buf.Bytes(), " \n"), nil
}

// encode is marshal on the package's own encoder (encode.go): the same bytes, faster.
// v is a pointer to one of the package's structs.
func (w *Writer) encode(name string, attrs []xml.Attr, v any, depth int) []byte {
	e := &w.e
	e.b, e.indent, e.prefix = e.b[:0], w.opts.Indent, w.indent(depth)
	switch v := v.(type) {
	case *Mappe:
		e.mappe(v, 0)
	case *Registrering:
		e.registrering(v, 0)
	default:
		rv := reflect.ValueOf(v).Elem()
		var pairs []string
		for _, a := range attrs {
			pairs = append(pairs, a.Name.Local, a.Value)
		}
		e.start(name, pairs, 0)
		n := len(e.b)
		e.fields(encPlanFor(rv.Type()), rv, 1)
		e.end(name, 0, len(e.b) > n)
	}
	return bytes.TrimLeft(e.b, " \n")
}

// head writes the start tag and fields of a container, without its end tag.
func (w *Writer) head(name string, attrs []xml.Attr, v any) error {
	depth := len(w.stack)
	b, err := w.marshal(name, attrs, v, depth)
	if err != nil {
		return err
	}
	b = bytes.TrimSuffix(b, []byte("</"+name+">"))
	b = bytes.TrimRight(b, " \n")
	if bytes.HasSuffix(b, []byte("/>")) { // an element with no fields cannot happen: systemID is required
		return fmt.Errorf("noark5: empty %s", name)
	}
	return w.raw(w.indent(depth), b, "\n")
}

func (w *Writer) raw(parts ...any) error {
	for _, p := range parts {
		var err error
		switch p := p.(type) {
		case string:
			_, err = w.w.WriteString(p)
		case []byte:
			_, err = w.w.Write(p)
		}
		if err != nil {
			w.err = err
			return err
		}
	}
	return nil
}

func (w *Writer) push(name, typeName string, tail func() ([]byte, error)) {
	p := w.path(name)
	if len(w.stack) > 0 {
		top := w.stack[len(w.stack)-1]
		top.child = name
		top.children++
		p = fmt.Sprintf("%s/%s[%d]", top.path, name, top.children)
	}
	w.stack = append(w.stack, &open{name: name, typeName: typeName, tail: tail, path: p})
}

func (w *Writer) counted(name string) {
	if len(w.stack) > 0 {
		top := w.stack[len(w.stack)-1]
		top.child = name
		top.children++
	}
}

// StartArkiv opens the root. It is called once, first.
func (w *Writer) StartArkiv(a *Arkiv) error {
	if err := w.place("arkiv"); err != nil {
		return err
	}
	if err := check(a, "arkiv", w.path("arkiv"), true); err != nil {
		return err
	}
	attrs := []xml.Attr{}
	if len(w.stack) == 0 {
		if err := w.raw(xml.Header); err != nil {
			return err
		}
		attrs = []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: Namespace}, {Name: xml.Name{Local: "xmlns:xsi"}, Value: xsiNS}}
	}
	if err := w.head("arkiv", attrs, a); err != nil {
		return w.fail(err)
	}
	w.counts.Arkiv++
	w.push("arkiv", "arkiv", nil)
	return nil
}

// StartArkivdel opens an arkivdel in the current arkiv.
func (w *Writer) StartArkivdel(a *Arkivdel) error {
	if err := w.place("arkivdel"); err != nil {
		return err
	}
	if err := check(a, "arkivdel", w.path("arkivdel"), true); err != nil {
		return err
	}
	if err := w.head("arkivdel", nil, a); err != nil {
		return w.fail(err)
	}
	w.counts.Arkivdeler++
	w.push("arkivdel", "arkivdel", nil)
	return nil
}

// StartKlassifikasjonssystem opens a classification system in the current arkivdel.
func (w *Writer) StartKlassifikasjonssystem(k *Klassifikasjonssystem) error {
	if err := w.place("klassifikasjonssystem"); err != nil {
		return err
	}
	if err := check(k, "klassifikasjonssystem", w.path("klassifikasjonssystem"), true); err != nil {
		return err
	}
	if err := w.head("klassifikasjonssystem", nil, k); err != nil {
		return w.fail(err)
	}
	w.push("klassifikasjonssystem", "klassifikasjonssystem", nil)
	return nil
}

// StartKlasse opens a klasse in the current klassifikasjonssystem or klasse.
func (w *Writer) StartKlasse(k *Klasse) error {
	if err := w.place("klasse"); err != nil {
		return err
	}
	if err := check(k, "klasse", w.path("klasse"), true); err != nil {
		return err
	}
	if err := w.head("klasse", nil, k); err != nil {
		return w.fail(err)
	}
	w.counts.Klasser++
	w.push("klasse", "klasse", nil)
	return nil
}

// StartMappe opens a mappe whose children are written next (Registrering, Mappe,
// StartMappe). m.Mapper and m.Registreringer must be empty; a Saksmappe's or
// Moetemappe's own elements are written at End, after the children, as the schema wants.
func (w *Writer) StartMappe(m *Mappe) error {
	if err := w.place("mappe"); err != nil {
		return err
	}
	if len(m.Mapper) > 0 || len(m.Registreringer) > 0 {
		return &WriteError{Path: w.path("mappe"), Problems: []string{"StartMappe streams the children: leave Mapper and Registreringer empty, or use Mappe"}}
	}
	if err := checkMappe(m, w.path("mappe"), true); err != nil {
		return err
	}
	var attrs []xml.Attr
	if t := m.Type(); t != "mappe" {
		attrs = []xml.Attr{{Name: xml.Name{Local: "xsi:type"}, Value: t}}
	}
	if err := w.head("mappe", attrs, (*mappePlain)(m)); err != nil {
		return w.fail(err)
	}
	ext := any(nil)
	switch {
	case m.Saksmappe != nil:
		s := *m.Saksmappe
		ext = &s
	case m.Moetemappe != nil:
		mm := *m.Moetemappe
		ext = &mm
	}
	depth := len(w.stack) + 1
	tail := func() ([]byte, error) {
		if ext == nil {
			return nil, nil
		}
		b, err := w.marshal("x", nil, ext, depth-1)
		if err != nil {
			return nil, err
		}
		b = bytes.TrimPrefix(bytes.TrimLeft(b, " "), []byte("<x>"))
		b = bytes.TrimSuffix(b, []byte("</x>"))
		b = bytes.Trim(b, " \n")
		return append([]byte(w.indent(depth)), append(b, '\n')...), nil
	}
	w.counts.Mapper++
	w.counts.ByType[m.Type()]++
	w.push("mappe", m.Type(), tail)
	return nil
}

// Mappe writes a whole mappe with its Mapper and Registreringer.
func (w *Writer) Mappe(m *Mappe) error {
	if err := w.place("mappe"); err != nil {
		return err
	}
	if err := checkMappe(m, w.path("mappe"), false); err != nil {
		return err
	}
	if err := w.visitDokumenter(m); err != nil {
		return err
	}
	b, err := w.marshal("mappe", nil, m, len(w.stack))
	if err != nil {
		return w.fail(err)
	}
	if err := w.raw(w.indent(len(w.stack)), b, "\n"); err != nil {
		return err
	}
	w.countMappe(m)
	w.counted("mappe")
	return nil
}

func (w *Writer) countMappe(m *Mappe) {
	w.counts.Mapper++
	w.counts.ByType[m.Type()]++
	for i := range m.Mapper {
		w.countMappe(&m.Mapper[i])
	}
	for i := range m.Registreringer {
		w.countRegistrering(&m.Registreringer[i])
	}
}

func (w *Writer) countRegistrering(r *Registrering) {
	w.counts.Registreringer++
	w.counts.ByType[r.Type()]++
	w.counts.Dokumentbeskrivelser += len(r.Dokumentbeskrivelse)
	for _, d := range r.Dokumentbeskrivelse {
		w.counts.Dokumentobjekter += len(d.Dokumentobjekt)
	}
}

func (w *Writer) visitDokumenter(m *Mappe) error {
	for i := range m.Mapper {
		if err := w.visitDokumenter(&m.Mapper[i]); err != nil {
			return err
		}
	}
	for i := range m.Registreringer {
		if err := w.visitRegistrering(&m.Registreringer[i]); err != nil {
			return err
		}
	}
	return nil
}

func (w *Writer) visitRegistrering(r *Registrering) error {
	if w.opts.Dokumentobjekt == nil {
		return nil
	}
	for i := range r.Dokumentbeskrivelse {
		for j := range r.Dokumentbeskrivelse[i].Dokumentobjekt {
			if err := w.opts.Dokumentobjekt(&r.Dokumentbeskrivelse[i].Dokumentobjekt[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

// Registrering writes one registrering (with its documents) in the current container.
// With WriterOptions.Dokumentobjekt set, it is called first for each dokumentobjekt, and
// may fill in the checksum and size; r is checked after that.
func (w *Writer) Registrering(r *Registrering) error {
	if err := w.place("registrering"); err != nil {
		return err
	}
	if err := w.visitRegistrering(r); err != nil {
		return err
	}
	if err := checkRegistrering(r, w.path("registrering")); err != nil {
		return err
	}
	b, err := w.marshal("registrering", nil, r, len(w.stack))
	if err != nil {
		return w.fail(err)
	}
	if err := w.raw(w.indent(len(w.stack)), b, "\n"); err != nil {
		return err
	}
	w.countRegistrering(r)
	w.counted("registrering")
	return nil
}

// End closes the innermost open container.
func (w *Writer) End() error {
	if w.err != nil {
		return w.err
	}
	if len(w.stack) == 0 {
		return errors.New("noark5: End with nothing open")
	}
	top := w.stack[len(w.stack)-1]
	if need := requiredChildren[top.typeName]; need != "" && top.children == 0 {
		return &WriteError{Path: top.path, Problems: []string{fmt.Sprintf("%s needs at least one %s", top.name, need)}}
	}
	if top.tail != nil {
		b, err := top.tail()
		if err != nil {
			return w.fail(err)
		}
		if err := w.raw(b); err != nil {
			return err
		}
	}
	w.stack = w.stack[:len(w.stack)-1]
	return w.raw(w.indent(len(w.stack)), "</"+top.name+">\n")
}

// requiredChildren: containers the schema does not let be empty.
var requiredChildren = map[string]string{"arkiv": "arkivdel (or arkiv)", "klassifikasjonssystem": "klasse"}

// Close ends every open container and flushes. The document is complete only after
// Close returns nil.
func (w *Writer) Close() error {
	for len(w.stack) > 0 {
		if err := w.End(); err != nil {
			return err
		}
	}
	if w.closed {
		return w.err
	}
	w.closed = true
	if err := w.w.Flush(); err != nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) fail(err error) error {
	w.err = err
	return err
}

// check runs the schema checks on v (a struct of this package) as type typeName. head:
// the container's children are streamed and not checked here.
func check(v any, typeName, path string, head bool) error {
	var probs []string
	checkValue(reflect.ValueOf(v), typeName, path, head, &probs)
	if len(probs) > 0 {
		return &WriteError{Path: path, Problems: probs}
	}
	return nil
}

func checkMappe(m *Mappe, path string, head bool) error {
	if m.Saksmappe != nil && m.Moetemappe != nil {
		return &WriteError{Path: path, Problems: []string{"a mappe is a saksmappe or a moetemappe, not both"}}
	}
	var probs []string
	checkValue(reflect.ValueOf(mappePlain(*m)), "mappe", path, head, &probs)
	if len(m.Mapper) > 0 && len(m.Registreringer) > 0 {
		probs = append(probs, "a mappe holds mapper or registreringer, not both")
	}
	switch {
	case m.Saksmappe != nil:
		checkValue(reflect.ValueOf(*m.Saksmappe), "saksmappe", path, true, &probs)
	case m.Moetemappe != nil:
		checkValue(reflect.ValueOf(*m.Moetemappe), "moetemappe", path, true, &probs)
	}
	if !head {
		for i := range m.Mapper {
			if err := checkMappe(&m.Mapper[i], fmt.Sprintf("%s/mappe[%d]", path, i+1), false); err != nil {
				var we *WriteError
				errors.As(err, &we)
				probs = append(probs, we.Problems...)
			}
		}
		for i := range m.Registreringer {
			if err := checkRegistrering(&m.Registreringer[i], fmt.Sprintf("%s/registrering[%d]", path, i+1)); err != nil {
				var we *WriteError
				errors.As(err, &we)
				probs = append(probs, we.Problems...)
			}
		}
	}
	if len(probs) > 0 {
		return &WriteError{Path: path, Problems: probs}
	}
	return nil
}

func checkRegistrering(r *Registrering, path string) error {
	n := 0
	for _, p := range []bool{r.Journalpost != nil, r.Arkivnotat != nil, r.Moeteregistrering != nil} {
		if p {
			n++
		}
	}
	if n > 1 {
		return &WriteError{Path: path, Problems: []string{"a registrering is one of journalpost, arkivnotat, moeteregistrering"}}
	}
	var probs []string
	checkValue(reflect.ValueOf(registreringPlain(*r)), "registrering", path, false, &probs)
	switch {
	case r.Journalpost != nil:
		checkValue(reflect.ValueOf(*r.Journalpost), "journalpost", path, true, &probs)
	case r.Arkivnotat != nil:
		checkValue(reflect.ValueOf(*r.Arkivnotat), "arkivnotat", path, true, &probs)
	case r.Moeteregistrering != nil:
		checkValue(reflect.ValueOf(*r.Moeteregistrering), "moeteregistrering", path, true, &probs)
	}
	if len(probs) > 0 {
		return &WriteError{Path: path, Problems: probs}
	}
	return nil
}

var (
	tidspunktType = reflect.TypeOf(Tidspunkt{})
	datoType      = reflect.TypeOf(Dato{})
	systemIDType  = reflect.TypeOf(SystemID{})
	anyXMLType    = reflect.TypeOf(AnyXML{})
)

// where is an element path, built only when a problem is reported.
type where struct {
	parent string
	name   string
	idx    int // 1-based position for repeated elements, 0 for none
}

func (w where) String() string {
	if w.idx > 0 {
		return w.parent + "/" + w.name + "[" + strconv.Itoa(w.idx) + "]"
	}
	return w.parent + "/" + w.name
}

// plan is the content model of a type matched to the Go struct's fields, computed once.
type plan struct {
	fields []planField
}

type planField struct {
	index int
	p     schema.Particle
}

type planKey struct {
	t        reflect.Type
	typeName string
	partial  bool
}

var plans sync.Map // planKey -> *plan

func planFor(t reflect.Type, typeName string, partial bool) (*plan, error) {
	key := planKey{t, typeName, partial}
	if p, ok := plans.Load(key); ok {
		return p.(*plan), nil
	}
	ct := schema.Arkivstruktur.Complex[typeName]
	if ct == nil {
		return nil, fmt.Errorf("internal: unknown type %s", typeName)
	}
	byName := map[string]int{}
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("xml"), ",")
		if name != "" && name != "-" {
			byName[name] = i
		}
	}
	base := 0
	if partial && ct.Base != "" {
		base = len(schema.Arkivstruktur.Complex[ct.Base].Slots)
	}
	pl := &plan{}
	for _, sl := range ct.Slots[base:] {
		if len(sl) > 1 {
			continue // the container choice: written by the Writer or as Mapper/Registreringer
		}
		i, ok := byName[sl[0].Name]
		if !ok {
			if sl[0].Min > 0 && !partial {
				return nil, fmt.Errorf("internal: no field for %s in %s", sl[0].Name, t)
			}
			continue
		}
		pl.fields = append(pl.fields, planField{i, sl[0]})
	}
	plans.Store(key, pl)
	return pl, nil
}

// checkValue checks the fields of struct v against the content model of typeName: every
// required element present and not empty, UUIDs, strings not empty. partial: only the
// type's own slots (a subtype's extension).
func checkValue(v reflect.Value, typeName, path string, partial bool, probs *[]string) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	pl, err := planFor(v.Type(), typeName, partial)
	if err != nil {
		*probs = append(*probs, err.Error())
		return
	}
	for _, pf := range pl.fields {
		checkField(v.Field(pf.index), pf.p, where{parent: path, name: pf.p.Name}, probs)
	}
}

func checkField(f reflect.Value, p schema.Particle, at where, probs *[]string) {
	switch f.Kind() {
	case reflect.Slice:
		if f.Len() < p.Min {
			*probs = append(*probs, fmt.Sprintf("%s: at least %d required", at, p.Min))
		}
		for i := range f.Len() {
			at.idx = i + 1
			checkOne(f.Index(i), p, at, probs)
		}
		return
	case reflect.Pointer:
		if f.IsNil() {
			if p.Min > 0 {
				*probs = append(*probs, at.String()+": required")
			}
			return
		}
		checkOne(f.Elem(), p, at, probs)
		return
	}
	if p.Min == 0 && f.IsZero() {
		return
	}
	checkOne(f, p, at, probs)
}

func checkOne(f reflect.Value, p schema.Particle, at where, probs *[]string) {
	if p.Complex != "" {
		checkValue(f, p.Complex, at.String(), false, probs)
		return
	}
	if p.Simple == "Any" {
		return
	}
	st := schema.Arkivstruktur.Simple[p.Simple]
	switch f.Type() {
	case anyXMLType:
		return
	case tidspunktType:
		if f.Field(0).Interface().(time.Time).IsZero() {
			*probs = append(*probs, at.String()+": required (an xs:dateTime)")
		}
		return
	case datoType:
		if f.Field(0).Interface().(time.Time).IsZero() {
			*probs = append(*probs, at.String()+": required (an xs:date)")
		}
		return
	case systemIDType:
		f = f.Field(0)
	}
	switch f.Kind() {
	case reflect.String:
		s := f.String()
		switch st.Kind {
		case schema.UUID:
			if !IsUUID(s) {
				*probs = append(*probs, fmt.Sprintf("%s: %q is not a UUID", at, clip(s)))
			}
		case schema.String:
			if len(s) < st.MinLength || (st.MinLength > 1 && utf8.RuneCountInString(s) < st.MinLength) {
				*probs = append(*probs, at.String()+": must not be empty")
			}
		}
	case reflect.Int, reflect.Int64:
		if st.MinInclusive == "0" && f.Int() < 0 {
			*probs = append(*probs, at.String()+": must not be negative")
		}
	}
}

// IsUUID reports whether s matches the metadatakatalog's ID pattern, which v5.0 requires
// of systemID and every reference to one (8-4-4-4-12 hex digits, nothing around them).
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}
