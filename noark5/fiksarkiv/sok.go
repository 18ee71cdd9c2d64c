package fiksarkiv

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// The search definitions (sokdefinisjon's xsi:type): what is searched for, by fields
// (parametere) or by free text (Soketekst).
const (
	SokMappe                           = "mappeSokdefinisjon"
	SokMappeFritekst                   = "mappeFritekstSokdefinisjon"
	SokSaksmappe                       = "saksmappeSokdefinisjon"
	SokSaksmappeFritekst               = "saksmappeFritekstSokdefinisjon"
	SokRegistrering                    = "registreringSokdefinisjon"
	SokRegistreringFritekst            = "registreringFritekstSokdefinisjon"
	SokJournalpost                     = "journalpostSokdefinisjon"
	SokJournalpostFritekst             = "journalpostFritekstSokdefinisjon"
	SokJournalpostMedSaksmappe         = "journalpostMedSaksmappeSokdefinisjon"
	SokJournalpostMedSaksmappeFritekst = "journalpostMedSaksmappeFritekstSokdefinisjon"
	SokDokumentbeskrivelse             = "dokumentbeskrivelseSokdefinisjon"
	SokDokumentbeskrivelseFritekst     = "dokumentbeskrivelseFritekstSokdefinisjon"
)

// The response types (responstype) and the result message each gives.
const (
	ResponstypeMinimum = "minimum"
	ResponstypeUtvidet = "utvidet"
	ResponstypeNoekler = "noekler"
)

// The operators of a search parameter.
const (
	OperatorEqual         = "equal"
	OperatorNotEqual      = "notequal"
	OperatorBetween       = "between"
	OperatorLessThan      = "lessthan"
	OperatorLessEqual     = "lessequal"
	OperatorGreaterThan   = "greaterthan"
	OperatorGreaterEqual  = "greaterequal"
	OperatorInList        = "inlist"
	OperatorWildcardQuery = "wildcardquery"
)

var sokTyper = []string{SokMappe, SokMappeFritekst, SokSaksmappe, SokSaksmappeFritekst, SokRegistrering, SokRegistreringFritekst,
	SokJournalpost, SokJournalpostFritekst, SokJournalpostMedSaksmappe, SokJournalpostMedSaksmappeFritekst, SokDokumentbeskrivelse,
	SokDokumentbeskrivelseFritekst}

// Sok is the payload of innsyn.sok (sok.xml): a search, paged with Take and Skip.
type Sok struct {
	header
	System        string
	Take, Skip    int
	Sokdefinisjon Sokdefinisjon
	// Spraak is an ISO 639-1 code; empty: the archive's default.
	Spraak string
}

// Sokdefinisjon is what is searched for. Type is one of the Sok... constants; a fritekst
// type takes Soketekst, the others Parametere (at least one) and Sortering. The
// parameters' fields (felt) and the values allowed in Inkluder depend on the type; the
// schema's lists apply (Validate checks them).
type Sokdefinisjon struct {
	Type string
	// Responstype is ResponstypeMinimum (default), ResponstypeUtvidet or ResponstypeNoekler:
	// the answer is the matching sok resultat message.
	Responstype string
	Inkluder    []string
	Parametere  []Parameter
	Sortering   []Sortering
	Soketekst   string
}

// Parameter is one condition: Felt compared by Operator with Verdier.
type Parameter struct {
	Operator string
	Verdier  SokVerdier
	Felt     string
}

// SokVerdier are the values of a parameter: one kind of them. Datoer are xs:dateTime
// (use SokDato), kept as written.
type SokVerdier struct {
	Strings             []string
	Datoer              []string
	Ints                []int
	EksternNoekkel      *EksternNoekkel
	MappeKlassifikasjon []ReferanseTilKlassifikasjon
	Bbox                *Bbox
	// Kind is the element the values are in (stringvalues, datevalues, intvalues,
	// eksternNoekkel, mappeKlassifikasjon, bbox); set it for an empty list, otherwise it
	// follows from the values. Empty with no values: no values.
	Kind string
}

// Bbox is a bounding box in a coordinate system.
type Bbox struct {
	Koordinatsystem Kode
	NedreVenstreX   string
	NedreVenstreY   string
	OevreHoeyreX    string
	OevreHoeyreY    string
}

// Sortering orders the result by Felt, Type "stigende" or "synkende".
type Sortering struct {
	Felt string
	Type string
}

// SokDato is t as a search date value (xs:dateTime in UTC).
func SokDato(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// ResultatType is the message type of the answer to this search.
func (s *Sok) ResultatType() string {
	switch s.Sokdefinisjon.Responstype {
	case ResponstypeUtvidet:
		return TypeSokResultatUtvidet
	case ResponstypeNoekler:
		return TypeSokResultatNoekler
	}
	return TypeSokResultatMinimum
}

func (v *SokVerdier) kind() (string, int) {
	kinds := 0
	kind := v.Kind
	add := func(k string, n bool) {
		if n {
			kinds++
			kind = k
		}
	}
	add("stringvalues", len(v.Strings) > 0)
	add("datevalues", len(v.Datoer) > 0)
	add("intvalues", len(v.Ints) > 0)
	add("eksternNoekkel", v.EksternNoekkel != nil)
	add("mappeKlassifikasjon", len(v.MappeKlassifikasjon) > 0)
	add("bbox", v.Bbox != nil)
	return kind, kinds
}

// Melding builds the payload, reporting every problem first.
func (s *Sok) Melding() (*Melding, error) {
	v, p := s.versjon()
	required(&p, "system", s.System)
	if s.Take < 0 || s.Skip < 0 {
		p = append(p, "take and skip are not negative")
	}
	d := &s.Sokdefinisjon
	known := false
	for _, t := range sokTyper {
		known = known || t == d.Type
	}
	fritekst := strings.Contains(d.Type, "Fritekst")
	switch {
	case !known:
		p = append(p, fmt.Sprintf("sokdefinisjon type %q: want one of %s", d.Type, strings.Join(sokTyper, ", ")))
	case fritekst:
		required(&p, "sokdefinisjon/soketekst", d.Soketekst)
		if len(d.Parametere) > 0 || len(d.Sortering) > 0 {
			p = append(p, "sokdefinisjon: a fritekst search has soketekst, not parametere or sortering")
		}
	default:
		if len(d.Parametere) == 0 {
			p = append(p, "sokdefinisjon: at least one parameter")
		}
		if d.Soketekst != "" {
			p = append(p, "sokdefinisjon: soketekst is for the fritekst searches")
		}
	}
	switch d.Responstype {
	case "", ResponstypeMinimum, ResponstypeUtvidet, ResponstypeNoekler:
	default:
		p = append(p, fmt.Sprintf("sokdefinisjon/responstype %q: want minimum, utvidet or noekler", d.Responstype))
	}
	for i, par := range d.Parametere {
		pp := fmt.Sprintf("sokdefinisjon/parametere[%d]", i+1)
		required(&p, pp+"/operator", par.Operator)
		required(&p, pp+"/felt", par.Felt)
		if _, n := par.Verdier.kind(); n > 1 {
			p = append(p, pp+"/sokVerdier: one kind of values")
		}
		for j, dv := range par.Verdier.Datoer {
			if !dateTimeRE.MatchString(dv) {
				p = append(p, fmt.Sprintf("%s/sokVerdier/datevalues/value[%d] %q is not an xs:dateTime", pp, j+1, dv))
			}
		}
	}
	for i, so := range d.Sortering {
		if so.Type != "stigende" && so.Type != "synkende" {
			p = append(p, fmt.Sprintf("sokdefinisjon/sortering[%d]/type %q: want stigende or synkende", i+1, so.Type))
		}
	}
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("sok", v)
	b.text(root, "system", s.System)
	root.CreateElement("take").SetText(strconv.Itoa(s.Take))
	root.CreateElement("skip").SetText(strconv.Itoa(s.Skip))
	e := root.CreateElement("sokdefinisjon")
	e.CreateAttr("xsi:type", d.Type)
	rt := d.Responstype
	if rt == "" {
		rt = ResponstypeMinimum
	}
	e.CreateElement("responstype").SetText(rt)
	for _, i := range d.Inkluder {
		e.CreateElement("inkluder").SetText(i)
	}
	if fritekst {
		e.CreateElement("soketekst").SetText(d.Soketekst)
	}
	for i := range d.Parametere {
		b.parameter(e, &d.Parametere[i])
	}
	for _, so := range d.Sortering {
		se := e.CreateElement("sortering")
		se.CreateElement("felt").SetText(so.Felt)
		se.CreateElement("type").SetText(so.Type)
	}
	b.text(root, "spraak", s.Spraak)
	return checked(&Melding{doc: doc, versjon: v, path: "sok"})
}

func (b *builder) parameter(p *etree.Element, par *Parameter) {
	e := p.CreateElement("parametere")
	e.CreateElement("operator").SetText(par.Operator)
	sv := e.CreateElement("sokVerdier")
	v := &par.Verdier
	kind, _ := v.kind()
	switch kind {
	case "stringvalues":
		k := sv.CreateElement(kind)
		for _, s := range v.Strings {
			k.CreateElement("value").SetText(s)
		}
	case "datevalues":
		k := sv.CreateElement(kind)
		for _, s := range v.Datoer {
			k.CreateElement("value").SetText(s)
		}
	case "intvalues":
		k := sv.CreateElement(kind)
		for _, n := range v.Ints {
			k.CreateElement("value").SetText(strconv.Itoa(n))
		}
	case "eksternNoekkel":
		k := sv.CreateElement(kind)
		if v.EksternNoekkel != nil {
			k.CreateElement("fagsystem").SetText(v.EksternNoekkel.Fagsystem)
			k.CreateElement("noekkel").SetText(v.EksternNoekkel.Noekkel)
		}
	case "mappeKlassifikasjon":
		k := sv.CreateElement(kind)
		for _, r := range v.MappeKlassifikasjon {
			b.text(k, "klassifikasjonssystemID", r.KlassifikasjonssystemID)
			b.text(k, "klasseID", r.KlasseID)
		}
	case "bbox":
		k := sv.CreateElement(kind)
		if bb := v.Bbox; bb != nil {
			b.kode(k, "koordinatsystem", &bb.Koordinatsystem)
			nv := k.CreateElement("nedreVenstre")
			nv.CreateElement("x").SetText(bb.NedreVenstreX)
			nv.CreateElement("y").SetText(bb.NedreVenstreY)
			oh := k.CreateElement("oevreHoeyre")
			oh.CreateElement("x").SetText(bb.OevreHoeyreX)
			oh.CreateElement("y").SetText(bb.OevreHoeyreY)
		}
	}
	e.CreateElement("felt").SetText(par.Felt)
}

// Sok reads an innsyn.sok payload.
func (m *Melding) Sok() (*Sok, error) {
	if err := m.expect("sok", "a sok"); err != nil {
		return nil, err
	}
	r := &reader{}
	s := &Sok{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		p := "/sok/" + c.Tag
		switch c.Tag {
		case "system":
			s.System = c.Text()
		case "take":
			s.Take = r.int(p, c)
		case "skip":
			s.Skip = r.int(p, c)
		case "sokdefinisjon":
			s.Sokdefinisjon = r.sokdefinisjon(p, c)
		case "spraak":
			s.Spraak = c.Text()
		default:
			r.unknown("/sok", c)
		}
	}
	s.Ukjent = r.ukjent
	return s, r.err
}

func (r *reader) sokdefinisjon(path string, e *etree.Element) Sokdefinisjon {
	d := Sokdefinisjon{Type: xsiTypeOf(e)}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "responstype":
			d.Responstype = strings.TrimSpace(c.Text())
		case "inkluder":
			d.Inkluder = append(d.Inkluder, c.Text())
		case "soketekst":
			d.Soketekst = c.Text()
		case "parametere":
			d.Parametere = append(d.Parametere, r.parameter(p, c))
		case "sortering":
			var so Sortering
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "felt":
					so.Felt = cc.Text()
				case "type":
					so.Type = cc.Text()
				default:
					r.unknown(p, cc)
				}
			}
			d.Sortering = append(d.Sortering, so)
		default:
			r.unknown(path, c)
		}
	}
	if d.Responstype == "" {
		d.Responstype = ResponstypeMinimum
	}
	return d
}

func (r *reader) parameter(path string, e *etree.Element) Parameter {
	var par Parameter
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "operator":
			par.Operator = c.Text()
		case "felt":
			par.Felt = c.Text()
		case "sokVerdier":
			for _, k := range c.ChildElements() {
				v := &par.Verdier
				v.Kind = k.Tag
				kp := p + "/" + k.Tag
				switch k.Tag {
				case "stringvalues", "datevalues", "intvalues":
					for _, val := range k.ChildElements() {
						if val.Tag != "value" {
							r.unknown(kp, val)
							continue
						}
						switch k.Tag {
						case "stringvalues":
							v.Strings = append(v.Strings, val.Text())
						case "datevalues":
							v.Datoer = append(v.Datoer, strings.TrimSpace(val.Text()))
						default:
							v.Ints = append(v.Ints, r.int(kp+"/value", val))
						}
					}
				case "eksternNoekkel":
					v.EksternNoekkel = r.noekkel(kp, k)
				case "mappeKlassifikasjon":
					for _, cc := range k.ChildElements() {
						switch cc.Tag {
						case "klassifikasjonssystemID":
							v.MappeKlassifikasjon = append(v.MappeKlassifikasjon, ReferanseTilKlassifikasjon{KlassifikasjonssystemID: cc.Text()})
						case "klasseID":
							if n := len(v.MappeKlassifikasjon); n > 0 && v.MappeKlassifikasjon[n-1].KlasseID == "" {
								v.MappeKlassifikasjon[n-1].KlasseID = cc.Text()
							} else {
								v.MappeKlassifikasjon = append(v.MappeKlassifikasjon, ReferanseTilKlassifikasjon{KlasseID: cc.Text()})
							}
						default:
							r.unknown(kp, cc)
						}
					}
				case "bbox":
					bb := &Bbox{}
					for _, cc := range k.ChildElements() {
						switch cc.Tag {
						case "koordinatsystem":
							bb.Koordinatsystem = *r.kode(kp+"/koordinatsystem", cc)
						case "nedreVenstre", "oevreHoeyre":
							x, y := "", ""
							for _, xy := range cc.ChildElements() {
								switch xy.Tag {
								case "x":
									x = xy.Text()
								case "y":
									y = xy.Text()
								default:
									r.unknown(kp+"/"+cc.Tag, xy)
								}
							}
							if cc.Tag == "nedreVenstre" {
								bb.NedreVenstreX, bb.NedreVenstreY = x, y
							} else {
								bb.OevreHoeyreX, bb.OevreHoeyreY = x, y
							}
						default:
							r.unknown(kp, cc)
						}
					}
					v.Bbox = bb
				default:
					r.unknown(p, k)
				}
				if _, n := v.kind(); n > 0 {
					v.Kind = "" // it follows from the values
				}
			}
		default:
			r.unknown(path, c)
		}
	}
	return par
}
