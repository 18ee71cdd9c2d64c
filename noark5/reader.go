package noark5

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/fellesklient/fellesklient/noark5/internal/xmlin"
)

// Enhet is a container a registrering sits in, as the reader saw it before the
// registrering: its type (arkiv, arkivdel, klassifikasjonssystem, klasse, mappe,
// saksmappe, moetemappe), systemID, tittel, and mappeID or klasseID. (A saksmappe's own
// elements, saksaar and so on, come after its children in the XML and are not known yet.)
type Enhet struct {
	Type     string
	SystemID string
	Tittel   string
	ID       string
}

// Plassert is a registrering with where it sits, outermost container first.
type Plassert struct {
	*Registrering
	Plassering []Enhet
	// Line is the line of the registrering's start tag.
	Line int
}

// Mappe returns the innermost mappe the registrering sits in, if any.
func (p *Plassert) Mappe() (Enhet, bool) {
	for i := len(p.Plassering) - 1; i >= 0; i-- {
		switch p.Plassering[i].Type {
		case "mappe", "saksmappe", "moetemappe":
			return p.Plassering[i], true
		}
	}
	return Enhet{}, false
}

// ReadError is an arkivstruktur.xml that could not be read.
type ReadError struct {
	Line int
	Err  error
}

func (e *ReadError) Error() string { return fmt.Sprintf("noark5: line %d: %v", e.Line, e.Err) }
func (e *ReadError) Unwrap() error { return e.Err }

// Registreringer walks an arkivstruktur.xml record by record: each registrering is
// decoded alone and handed over with its place, so memory does not grow with the file.
// It refuses a DOCTYPE, nesting deeper than 256 and a token over 16 MiB. It reads what is
// there and does not validate: run Validate for that.
func Registreringer(r io.Reader) iter.Seq2[*Plassert, error] {
	return func(yield func(*Plassert, error) bool) {
		rr := newRegReader(r)
		for {
			p, err := rr.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(nil, rr.readError(err))
				return
			}
			if !yield(p, nil) {
				return
			}
		}
	}
}

// regReader is Registreringer's state: the decoder, and the containers open around it.
type regReader struct {
	lim   *xmlin.DepthLimiter
	g     *guard
	d     *xml.Decoder
	stack []Enhet
	names []string // element names of open containers
	root  bool
}

func newRegReader(r io.Reader) *regReader {
	// The depth bound is on the bytes, so that it holds inside DecodeElement and Skip
	// too (encoding/xml's own element stack never grows past it).
	lim := xmlin.NewDepthLimiter(xmlin.NewReader(r), maxDepth)
	g := &guard{r: lim, max: 16 << 20}
	d := xml.NewDecoder(g)
	d.Strict = true
	d.CharsetReader = xmlin.CharsetReader
	return &regReader{lim: lim, g: g, d: d}
}

// readError places err at the decoder's line, naming the bound that stopped it, if any.
func (rr *regReader) readError(err error) error {
	line, _ := rr.d.InputPos()
	if errors.Is(rr.g.err, errTokenTooLarge) {
		err = errTokenTooLarge
	}
	if rr.lim.Err() != nil {
		err = rr.lim.Err()
	}
	return &ReadError{Line: line, Err: err}
}

// next returns the next registrering with its place, or io.EOF after the document.
func (rr *regReader) next() (*Plassert, error) {
	for {
		rr.g.mark = rr.d.InputOffset()
		tok, err := rr.d.Token()
		if err == io.EOF {
			if !rr.root {
				return nil, errors.New("no arkiv element")
			}
			return nil, io.EOF
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, ErrDirective
		case xml.StartElement:
			if p, err := rr.start(t); p != nil || err != nil {
				return p, err
			}
		case xml.EndElement:
			if n := len(rr.names); n > 0 && rr.names[n-1] == t.Name.Local {
				rr.names = rr.names[:n-1]
				rr.stack = rr.stack[:len(rr.stack)-1]
			}
		}
	}
}

// start handles one start element: a container is opened, a registrering decoded and
// returned, a container's identifying field noted, anything else skipped.
func (rr *regReader) start(t xml.StartElement) (*Plassert, error) {
	if !rr.root {
		if t.Name.Space != Namespace || t.Name.Local != "arkiv" {
			return nil, fmt.Errorf("root is {%s}%s, not arkivstruktur's arkiv", t.Name.Space, t.Name.Local)
		}
		rr.root = true
	}
	switch name := t.Name.Local; name {
	case "arkiv", "arkivdel", "klassifikasjonssystem", "klasse", "mappe":
		if len(rr.names) >= maxDepth {
			return nil, fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxDepth)
		}
		typ := name
		if x := xsiType(t); x != "" {
			typ = x
		}
		rr.stack = append(rr.stack, Enhet{Type: typ})
		rr.names = append(rr.names, name)
		return nil, nil
	case "registrering":
		line, _ := rr.d.InputPos()
		reg := new(Registrering)
		if err := rr.d.DecodeElement(reg, &t); err != nil {
			return nil, err
		}
		return &Plassert{Registrering: reg, Plassering: append([]Enhet(nil), rr.stack...), Line: line}, nil
	case "systemID", "tittel", "mappeID", "klasseID":
		return nil, rr.field(t)
	default:
		return nil, rr.d.Skip()
	}
}

// field notes the innermost container's systemID, tittel or ID (the first one given).
func (rr *regReader) field(t xml.StartElement) error {
	if len(rr.stack) == 0 {
		return rr.d.Skip()
	}
	var s string
	if err := rr.d.DecodeElement(&s, &t); err != nil {
		return err
	}
	top := &rr.stack[len(rr.stack)-1]
	switch t.Name.Local {
	case "systemID":
		if top.SystemID == "" {
			top.SystemID = strings.TrimSpace(s)
		}
	case "tittel":
		if top.Tittel == "" {
			top.Tittel = s
		}
	default:
		if top.ID == "" {
			top.ID = s
		}
	}
	return nil
}
