package noark5

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/fellesklient/fellesklient/internal/xsdate"
)

// The Writer's encoder: what encoding/xml's Encoder writes for this package's types, byte
// for byte (escaping, empty elements, omitempty, indentation, xsi:type), but appended into
// one reused buffer through a plan computed once per type: element names as ready bytes,
// no reflection on tags, no interface per value. TestEncoderAsEncodingXML holds it to
// encoding/xml's output.

type encKind uint8

const (
	eString encKind = iota
	eInt
	ePtrInt
	eStrings
	eDato
	ePtrDato
	eTid
	ePtrTid
	eSystemID
	ePtrAnyXML
	eStruct
	ePtrStruct
	eStructs
	eMapper
	eRegistreringer
)

type encField struct {
	index     int
	kind      encKind
	omitempty bool
	open      string // "<name>"
	close     string // "</name>"
	name      string
	sub       *encPlan
}

type encPlan struct{ fields []encField }

var encPlans sync.Map // reflect.Type -> *encPlan

var (
	mappeType        = reflect.TypeOf(Mappe{})
	registreringType = reflect.TypeOf(Registrering{})
)

// encPlanFor is the plan of struct type t (built once; the types are this package's).
func encPlanFor(t reflect.Type) *encPlan {
	if p, ok := encPlans.Load(t); ok {
		return p.(*encPlan)
	}
	p := &encPlan{}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("xml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !sf.IsExported() {
			continue
		}
		f := encField{index: i, name: name, omitempty: strings.Contains(opts, "omitempty"), open: "<" + name + ">", close: "</" + name + ">"}
		ft := sf.Type
		switch {
		case ft == tidspunktType:
			f.kind = eTid
		case ft == reflect.PointerTo(tidspunktType):
			f.kind = ePtrTid
		case ft == datoType:
			f.kind = eDato
		case ft == reflect.PointerTo(datoType):
			f.kind = ePtrDato
		case ft == systemIDType:
			f.kind = eSystemID
		case ft == reflect.PointerTo(anyXMLType):
			f.kind = ePtrAnyXML
		case ft.Kind() == reflect.String:
			f.kind = eString
		case ft.Kind() == reflect.Int || ft.Kind() == reflect.Int64:
			f.kind = eInt
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Int:
			f.kind = ePtrInt
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
			f.kind = eStrings
		case ft.Kind() == reflect.Slice && ft.Elem() == mappeType:
			f.kind = eMapper
		case ft.Kind() == reflect.Slice && ft.Elem() == registreringType:
			f.kind = eRegistreringer
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			f.kind, f.sub = eStructs, encPlanFor(ft.Elem())
		case ft.Kind() == reflect.Struct:
			f.kind, f.sub = eStruct, encPlanFor(ft)
		case ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct:
			f.kind, f.sub = ePtrStruct, encPlanFor(ft.Elem())
		default:
			panic(fmt.Sprintf("noark5: the encoder has no plan for %s.%s (%s)", t, sf.Name, ft))
		}
		p.fields = append(p.fields, f)
	}
	encPlans.Store(t, p)
	return p
}

// enc appends XML to b. depth is the nesting of the element being written, for indentation
// as encoding/xml's Encoder.Indent(prefix, "  ") gives it; indent off writes none.
type enc struct {
	b      []byte
	indent bool
	prefix string // the container's indentation (Encoder.Indent's prefix)
}

func (e *enc) newline(depth int) {
	if !e.indent {
		return
	}
	e.b = append(e.b, '\n')
	e.b = append(e.b, e.prefix...)
	for range depth {
		e.b = append(e.b, "  "...)
	}
}

// text appends s escaped as encoding/xml's EscapeText does (newlines, tabs and CRs as
// character references; invalid UTF-8 and non-characters as U+FFFD).
func (e *enc) text(s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' {
			i++
			continue
		}
		var esc string
		width := 1
		switch c {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			width = n
			if (r == utf8.RuneError && n == 1) || !isInCharacterRange(r) {
				esc = "\uFFFD"
			} else {
				i += n
				continue
			}
		}
		e.b = append(e.b, s[last:i]...)
		e.b = append(e.b, esc...)
		i += width
		last = i
	}
	e.b = append(e.b, s[last:]...)
}

// isInCharacterRange is encoding/xml's test of the characters XML allows.
func isInCharacterRange(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func (e *enc) leaf(f *encField, depth int, s string) {
	e.newline(depth)
	e.b = append(e.b, f.open...)
	e.text(s)
	e.b = append(e.b, f.close...)
}

// fields appends the elements of struct v (its plan p) at depth.
func (e *enc) fields(p *encPlan, v reflect.Value, depth int) {
	for i := range p.fields {
		f := &p.fields[i]
		fv := v.Field(f.index)
		switch f.kind {
		case eString:
			s := fv.String()
			if s == "" && f.omitempty {
				continue
			}
			e.leaf(f, depth, s)
		case eInt:
			n := fv.Int()
			if n == 0 && f.omitempty {
				continue
			}
			e.newline(depth)
			e.b = append(e.b, f.open...)
			e.b = strconv.AppendInt(e.b, n, 10)
			e.b = append(e.b, f.close...)
		case ePtrInt:
			if fv.IsNil() {
				continue
			}
			e.newline(depth)
			e.b = append(e.b, f.open...)
			e.b = strconv.AppendInt(e.b, fv.Elem().Int(), 10)
			e.b = append(e.b, f.close...)
		case eStrings:
			for k := range fv.Len() {
				e.leaf(f, depth, fv.Index(k).String())
			}
		case eDato:
			e.dato(f, depth, fv.Addr().Interface().(*Dato))
		case ePtrDato:
			if !fv.IsNil() {
				e.dato(f, depth, fv.Interface().(*Dato))
			}
		case eTid:
			e.tid(f, depth, fv.Addr().Interface().(*Tidspunkt))
		case ePtrTid:
			if !fv.IsNil() {
				e.tid(f, depth, fv.Interface().(*Tidspunkt))
			}
		case eSystemID:
			id := fv.Addr().Interface().(*SystemID)
			e.newline(depth)
			if id.Label != "" {
				e.b = append(e.b, '<')
				e.b = append(e.b, f.name...)
				e.b = append(e.b, ` label="`...)
				e.text(id.Label)
				e.b = append(e.b, `">`...)
			} else {
				e.b = append(e.b, f.open...)
			}
			e.text(id.ID)
			e.b = append(e.b, f.close...)
		case ePtrAnyXML:
			if fv.IsNil() {
				continue
			}
			e.newline(depth)
			e.b = append(e.b, f.open...)
			e.b = append(e.b, fv.Interface().(*AnyXML).InnerXML...)
			e.b = append(e.b, f.close...)
		case eStruct:
			e.element(f, depth, fv)
		case ePtrStruct:
			if !fv.IsNil() {
				e.element(f, depth, fv.Elem())
			}
		case eStructs:
			for k := range fv.Len() {
				e.element(f, depth, fv.Index(k))
			}
		case eMapper:
			for k := range fv.Len() {
				e.mappe(fv.Index(k).Addr().Interface().(*Mappe), depth)
			}
		case eRegistreringer:
			for k := range fv.Len() {
				e.registrering(fv.Index(k).Addr().Interface().(*Registrering), depth)
			}
		}
	}
}

// element appends a struct-valued element. encoding/xml writes an element with no
// children as <x></x> on one line.
func (e *enc) element(f *encField, depth int, v reflect.Value) {
	e.newline(depth)
	e.b = append(e.b, f.open...)
	n := len(e.b)
	e.fields(f.sub, v, depth+1)
	if len(e.b) > n {
		e.newline(depth)
	}
	e.b = append(e.b, f.close...)
}

func (e *enc) dato(f *encField, depth int, d *Dato) {
	e.newline(depth)
	e.b = append(e.b, f.open...)
	if !d.IsZero() {
		e.b = appendDato(e.b, *d)
	}
	e.b = append(e.b, f.close...)
}

func (e *enc) tid(f *encField, depth int, t *Tidspunkt) {
	e.newline(depth)
	e.b = append(e.b, f.open...)
	e.b = appendTid(e.b, *t)
	e.b = append(e.b, f.close...)
}

// start appends <name attrs...> at depth (attributes as encoding/xml writes them).
func (e *enc) start(name string, attrs []string, depth int) {
	e.newline(depth)
	e.b = append(e.b, '<')
	e.b = append(e.b, name...)
	for i := 0; i+1 < len(attrs); i += 2 {
		e.b = append(e.b, ' ')
		e.b = append(e.b, attrs[i]...)
		e.b = append(e.b, `="`...)
		e.text(attrs[i+1])
		e.b = append(e.b, '"')
	}
	e.b = append(e.b, '>')
}

func (e *enc) end(name string, depth int, hadChildren bool) {
	if hadChildren {
		e.newline(depth)
	}
	e.b = append(e.b, "</"...)
	e.b = append(e.b, name...)
	e.b = append(e.b, '>')
}

var (
	mappePlan             = encPlanFor(mappeType)
	registreringPlan      = encPlanFor(registreringType)
	saksmappePlan         = encPlanFor(reflect.TypeOf(Saksmappe{}))
	moetemappePlan        = encPlanFor(reflect.TypeOf(Moetemappe{}))
	journalpostPlan       = encPlanFor(reflect.TypeOf(Journalpost{}))
	arkivnotatPlan        = encPlanFor(reflect.TypeOf(Arkivnotat{}))
	moeteregistreringPlan = encPlanFor(reflect.TypeOf(Moeteregistrering{}))
)

// mappe appends a whole mappe: its fields, children, and a subtype's fields after them.
func (e *enc) mappe(m *Mappe, depth int) {
	var attrs []string
	if t := m.Type(); t != "mappe" {
		attrs = []string{"xsi:type", t}
	}
	e.start("mappe", attrs, depth)
	e.fields(mappePlan, reflect.ValueOf(m).Elem(), depth+1)
	e.mappeExt(m, depth+1)
	e.end("mappe", depth, true)
}

func (e *enc) mappeExt(m *Mappe, depth int) {
	switch {
	case m.Saksmappe != nil:
		e.fields(saksmappePlan, reflect.ValueOf(m.Saksmappe).Elem(), depth)
	case m.Moetemappe != nil:
		e.fields(moetemappePlan, reflect.ValueOf(m.Moetemappe).Elem(), depth)
	}
}

// registrering appends a whole registrering with its subtype's fields.
func (e *enc) registrering(r *Registrering, depth int) {
	var attrs []string
	if t := r.Type(); t != "registrering" {
		attrs = []string{"xsi:type", t}
	}
	e.start("registrering", attrs, depth)
	e.fields(registreringPlan, reflect.ValueOf(r).Elem(), depth+1)
	switch {
	case r.Journalpost != nil:
		e.fields(journalpostPlan, reflect.ValueOf(r.Journalpost).Elem(), depth+1)
	case r.Arkivnotat != nil:
		e.fields(arkivnotatPlan, reflect.ValueOf(r.Arkivnotat).Elem(), depth+1)
	case r.Moeteregistrering != nil:
		e.fields(moeteregistreringPlan, reflect.ValueOf(r.Moeteregistrering).Elem(), depth+1)
	}
	e.end("registrering", depth, true)
}

// appendDato is Dato's MarshalText appended (YYYY-MM-DD; nothing for the zero Dato).
func appendDato(b []byte, d Dato) []byte {
	if d.IsZero() {
		return b
	}
	y, m, day := d.Date()
	if y < 0 || y > 9999 {
		return xsdate.AppendDate(b, d.Time)
	}
	return append2(append2(append4(b, y), '-', int(m)), '-', day)
}

// appendTid is Tidspunkt's MarshalText appended: RFC 3339 with fractions only when there
// are any; the common case (whole seconds, a four-digit year) without time.Format.
func appendTid(b []byte, t Tidspunkt) []byte {
	if t.IsZero() {
		return b
	}
	y, m, d := t.Date()
	if t.UtenSone || t.Nanosecond() != 0 || y < 0 || y > 9999 {
		return xsdate.AppendDateTime(b, t.Time, t.UtenSone)
	}
	hh, mm, ss := t.Clock()
	b = append2(append2(append4(b, y), '-', int(m)), '-', d)
	b = append2(append2(append2(b, 'T', hh), ':', mm), ':', ss)
	_, off := t.Zone()
	if off == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	if off%60 != 0 {
		return xsdate.AppendDateTime(b[:len(b)-19], t.Time, false)
	}
	return append2(append2(b, sign, off/3600), ':', off/60%60)
}

func append4(b []byte, n int) []byte {
	return append(b, byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}

func append2(b []byte, sep byte, n int) []byte {
	return append(b, sep, byte('0'+n/10), byte('0'+n%10))
}
