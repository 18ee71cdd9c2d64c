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
		// The depth bound is on the bytes, so that it holds inside DecodeElement and Skip
		// too (encoding/xml's own element stack never grows past it).
		lim := xmlin.NewDepthLimiter(xmlin.NewReader(r), maxDepth)
		g := &guard{r: lim, max: 16 << 20}
		d := xml.NewDecoder(g)
		d.Strict = true
		d.CharsetReader = xmlin.CharsetReader
		var stack []Enhet
		var names []string // element names of open containers
		fail := func(err error) {
			line, _ := d.InputPos()
			if errors.Is(g.err, errTokenTooLarge) {
				err = errTokenTooLarge
			}
			if lim.Err() != nil {
				err = lim.Err()
			}
			yield(nil, &ReadError{Line: line, Err: err})
		}
		root := false
		for {
			g.mark = d.InputOffset()
			tok, err := d.Token()
			if err == io.EOF {
				if !root {
					fail(errors.New("no arkiv element"))
				}
				return
			}
			if err != nil {
				fail(err)
				return
			}
			switch t := tok.(type) {
			case xml.Directive:
				fail(ErrDirective)
				return
			case xml.StartElement:
				if !root {
					if t.Name.Space != Namespace || t.Name.Local != "arkiv" {
						fail(fmt.Errorf("root is {%s}%s, not arkivstruktur's arkiv", t.Name.Space, t.Name.Local))
						return
					}
					root = true
				}
				name := t.Name.Local
				switch name {
				case "arkiv", "arkivdel", "klassifikasjonssystem", "klasse", "mappe":
					if len(names) >= maxDepth {
						fail(fmt.Errorf("%w: more than %d levels", ErrTooDeep, maxDepth))
						return
					}
					typ := name
					if x := xsiType(t); x != "" {
						typ = x
					}
					stack = append(stack, Enhet{Type: typ})
					names = append(names, name)
				case "registrering":
					line, _ := d.InputPos()
					reg := new(Registrering)
					if err := d.DecodeElement(reg, &t); err != nil {
						fail(err)
						return
					}
					p := &Plassert{Registrering: reg, Plassering: append([]Enhet(nil), stack...), Line: line}
					if !yield(p, nil) {
						return
					}
				case "systemID", "tittel", "mappeID", "klasseID":
					if len(stack) == 0 {
						if err := d.Skip(); err != nil {
							fail(err)
							return
						}
						continue
					}
					var s string
					if err := d.DecodeElement(&s, &t); err != nil {
						fail(err)
						return
					}
					top := &stack[len(stack)-1]
					switch name {
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
				default:
					if err := d.Skip(); err != nil {
						fail(err)
						return
					}
				}
			case xml.EndElement:
				if n := len(names); n > 0 && names[n-1] == t.Name.Local {
					names = names[:n-1]
					stack = stack[:len(stack)-1]
				}
			}
		}
	}
}
