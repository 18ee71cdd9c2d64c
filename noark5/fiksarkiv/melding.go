// Package fiksarkiv reads and writes the payloads of KS's Fiks Arkiv protocol (Fiks
// Protokoll, carried over FIKS IO): arkivmelding opprett/oppdater, dokumentobjekt,
// avskrivning, søk, mappe/registrering hent and their replies, in the ks-no namespaces
// https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/<melding>/<v1|v2>.
//
// Melding is any payload as a DOM (etree): parse it, find its message type, write it back
// unchanged in meaning. Arkivmelding is the typed builder and reader for the most common
// message, arkivmelding opprett (a saksmappe and/or a journalpost with documents), written
// in the schema's element order for V2 (or V1).
package fiksarkiv

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/beevik/etree"
	"github.com/fellesklient/fellesklient/noark5/internal/xmlin"
)

// Base is the start of every Fiks Arkiv namespace.
const Base = "https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/"

// The protocol versions.
const (
	V1 = "v1"
	V2 = "v2"
)

// Namespace is the namespace of a message schema, e.g. Namespace("arkivmelding/opprett", V2).
func Namespace(melding, versjon string) string { return Base + melding + "/" + versjon }

// MaxSize is the largest payload Parse reads (the XML only; files travel beside it).
const MaxSize = 16 << 20

// Errors matched (errors.Is) by the *ParseError of input past the readers' bounds.
var (
	// ErrTooLarge: a payload over MaxSize.
	ErrTooLarge = xmlin.ErrTooLarge
	// ErrTooDeep: elements nested deeper than 64 levels.
	ErrTooDeep = xmlin.ErrTooDeep
	// ErrDirective: a DOCTYPE (refused, so no entity is ever expanded).
	ErrDirective = xmlin.ErrDirective
)

const maxDepth = 64

// ParseError is a payload that could not be read.
type ParseError struct{ Err error }

func (e *ParseError) Error() string { return "fiksarkiv: " + e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// Melding is a Fiks Arkiv payload as a document tree.
type Melding struct {
	doc     *etree.Document
	versjon string
	path    string
}

// Parse reads a payload. It refuses a DOCTYPE (so no entities), input over MaxSize,
// nesting over 64 levels, and a root outside the Fiks Arkiv namespaces.
func Parse(r io.Reader) (*Melding, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, &ParseError{err}
	}
	if len(b) > MaxSize {
		return nil, &ParseError{fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, MaxSize)}
	}
	if b, err = toUTF8(b); err != nil {
		return nil, &ParseError{err}
	}
	if err := prescan(b); err != nil {
		return nil, &ParseError{err}
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	doc.ReadSettings.CharsetReader = xmlin.CharsetReader
	if err := doc.ReadFromBytes(b); err != nil {
		return nil, &ParseError{err}
	}
	root := doc.Root()
	if root == nil {
		return nil, &ParseError{errors.New("no root element")}
	}
	ns := root.NamespaceURI()
	rest, ok := strings.CutPrefix(ns, Base)
	i := strings.LastIndexByte(rest, '/')
	if !ok || i < 0 {
		return nil, &ParseError{fmt.Errorf("root {%s}%s is not a Fiks Arkiv message", ns, root.Tag)}
	}
	m := &Melding{doc: doc, path: rest[:i], versjon: rest[i+1:]}
	want, known := rootFor(m.path)
	if !known || (m.versjon != V1 && m.versjon != V2) {
		return nil, &ParseError{fmt.Errorf("unknown Fiks Arkiv message %s", ns)}
	}
	if root.Tag != want {
		return nil, &ParseError{fmt.Errorf("root {%s}%s: a %s message has the root %s", ns, root.Tag, m.path, want)}
	}
	return m, nil
}

// toUTF8 turns UTF-16 with a byte order mark (what .NET writes) into UTF-8, and drops a
// UTF-8 byte order mark.
func toUTF8(b []byte) ([]byte, error) { return io.ReadAll(xmlin.NewReader(bytes.NewReader(b))) }

// prescan refuses directives and deep nesting before the tree is built.
func prescan(b []byte) error {
	d := xml.NewTokenDecoder(&xmlin.DepthReader{D: xmlin.NewDecoder(bytes.NewReader(b)), Max: maxDepth})
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Versjon is the protocol version of the payload's namespace: "v1" or "v2".
func (m *Melding) Versjon() string { return m.versjon }

// Meldingstype is the FIKS IO message type the payload travels as, e.g.
// TypeArkivmeldingOpprettV2 for a V2 arkivmelding. A V2 payload of a message V2 gives no
// v2 id (søk, hent, dokumentobjekt, avskrivning, feilmelding) travels under its v1 id, as
// V2's meldingstyper.json says.
func (m *Melding) Meldingstype() string { return typeFor(m.path, m.versjon) }

// Filnavn is the payload's file name in the message (arkivmelding.xml, sok.xml, ...).
func (m *Melding) Filnavn() string { return PayloadFilnavn(m.Meldingstype()) }

// Document is the tree, for reading and editing with etree.
func (m *Melding) Document() *etree.Document { return m.doc }

// Bytes writes the payload as UTF-8 XML.
func (m *Melding) Bytes() ([]byte, error) {
	d := m.doc.Copy()
	// One declaration, UTF-8, whatever the input had.
	for i := len(d.Child) - 1; i >= 0; i-- {
		if p, ok := d.Child[i].(*etree.ProcInst); ok && p.Target == "xml" {
			d.RemoveChildAt(i)
		}
	}
	d.InsertChildAt(0, &etree.ProcInst{Target: "xml", Inst: `version="1.0" encoding="utf-8"`})
	d.WriteSettings.CanonicalEndTags = true
	return d.WriteToBytes()
}

// Equal reports whether two payloads mean the same: the same elements in the same order
// with the same namespaces, attributes (xsi:type compared as a resolved type name) and
// text (trimmed), whatever their prefixes, whitespace and declarations.
func Equal(a, b *Melding) bool {
	return canon(a.doc.Root()) == canon(b.doc.Root())
}

// canon is a canonical text of an element tree.
func canon(e *etree.Element) string {
	var sb strings.Builder
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		sb.WriteString("<{" + e.NamespaceURI() + "}" + e.Tag)
		var attrs []string
		for _, a := range e.Attr {
			if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
				continue
			}
			ns := a.NamespaceURI()
			v := a.Value
			if a.Key == "type" && ns == xsiNS {
				if _, local, ok := strings.Cut(v, ":"); ok {
					v = local
				}
			}
			if ns == xsiNS && a.Key == "schemaLocation" {
				continue
			}
			attrs = append(attrs, "{"+ns+"}"+a.Key+"="+v)
		}
		sort.Strings(attrs)
		sb.WriteString(" " + strings.Join(attrs, " ") + ">")
		sb.WriteString(strings.TrimSpace(e.Text()))
		for _, c := range e.ChildElements() {
			walk(c)
		}
		sb.WriteString("</>")
	}
	walk(e)
	return sb.String()
}

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"
