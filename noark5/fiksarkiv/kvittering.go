package fiksarkiv

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/noark5"
)

// Kvittering is the archive's reply to an arkivmelding opprett
// (arkivering.arkivmelding.opprett.kvittering): what it created or found, with the ids
// and numbers it assigned, or why it failed, for the mappe and for the registrering.
type Kvittering struct {
	// Versjon is V2 (default) or V1.
	Versjon            string
	Mappe              *MappeKvittering
	MappeFeilet        *Failure
	Registrering       *RegistreringKvittering
	RegistreringFeilet *Failure
	// Ukjent lists, when read, the element paths this model does not hold.
	Ukjent []string
}

// Failure is a failure in a kvittering.
type Failure struct {
	FeilID      string
	Feilmelding string
}

// Whether the archive created the object or found it already there (by its external key).
const (
	Opprettet    = "Opprettet"
	Eksisterende = "Eksisterende"
)

// MappeKvittering is what the archive says about the mappe. Saksmappe is set for a
// saksmappeKvittering, with the numbers the archive assigned.
type MappeKvittering struct {
	SystemID                   string
	MappeID                    string
	OpprettetDato              *noark5.Tidspunkt
	OpprettetAv                string
	ReferanseEksternNoekkel    *EksternNoekkel
	OpprettetEllerEksisterende string
	Saksmappe                  bool
	Saksaar                    *int
	Sakssekvensnummer          *int
	Saksdato                   *noark5.Dato
}

// RegistreringKvittering is what the archive says about the registrering. Journalpost is
// set for a journalpostKvittering.
type RegistreringKvittering struct {
	SystemID                   string
	OpprettetDato              *noark5.Tidspunkt
	OpprettetAv                string
	ArkivertDato               *noark5.Tidspunkt
	ArkivertAv                 string
	Dokumentbeskrivelse        []DokumentbeskrivelseKvittering
	RegistreringsID            string
	ReferanseEksternNoekkel    *EksternNoekkel
	OpprettetEllerEksisterende string
	Journalpost                bool
	Journalaar                 *int
	Journalsekvensnummer       *int
	Journalpostnummer          *int
	Journalposttype            *Kode
	Journalstatus              *Kode
	Journaldato                *noark5.Dato
	Forfallsdato               *noark5.Dato
}

// DokumentbeskrivelseKvittering is what the archive says about a document.
type DokumentbeskrivelseKvittering struct {
	SystemID                string
	OpprettetDato           *noark5.Tidspunkt
	OpprettetAv             string
	Dokumentnummer          *int
	Dokumentobjekt          []DokumentobjektKvittering
	ReferanseEksternNoekkel *EksternNoekkel
}

// DokumentobjektKvittering is what the archive says about a file.
type DokumentobjektKvittering struct {
	SystemID       string
	Versjonsnummer *int
	Variantformat  *Kode
	OpprettetDato  *noark5.Tidspunkt
	OpprettetAv    string
}

// Melding builds the kvittering payload (the archive's side, and fakes).
func (k *Kvittering) Melding() (*Melding, error) {
	v := k.Versjon
	if v == "" {
		v = V2
	}
	if p := k.problems(); len(p) > 0 {
		return nil, &ValidationError{p}
	}
	b := &builder{mdk: Namespace("metadatakatalog", v)}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="utf-8"`)
	root := doc.CreateElement("arkivmeldingKvittering")
	root.CreateAttr("xmlns", Namespace("arkivmelding/opprett/kvittering", v))
	root.CreateAttr("xmlns:xsi", xsiNS)
	root.CreateAttr("xmlns:mdk", b.mdk)
	root.CreateAttr("xmlns:feil", Namespace("feil/feilmelding", v))
	switch {
	case k.Mappe != nil:
		b.mappeKvittering(root, k.Mappe)
	case k.MappeFeilet != nil:
		writeFailure(root, "mappeFeilet", k.MappeFeilet)
	}
	switch {
	case k.Registrering != nil:
		b.registreringKvittering(root, k.Registrering)
	case k.RegistreringFeilet != nil:
		writeFailure(root, "registreringFeilet", k.RegistreringFeilet)
	}
	return checked(&Melding{doc: doc, versjon: v, path: "arkivmelding/opprett/kvittering"})
}

// problems lists what keeps k from being a valid kvittering.
func (k *Kvittering) problems() []string {
	var p []string
	if k.Mappe != nil && k.MappeFeilet != nil {
		p = append(p, "mappe: a kvittering or a failure, not both")
	}
	if k.Registrering != nil && k.RegistreringFeilet != nil {
		p = append(p, "registrering: a kvittering or a failure, not both")
	}
	check := func(path, id, status string) {
		if id == "" {
			p = append(p, path+"/systemID is required")
		}
		if status != Opprettet && status != Eksisterende {
			p = append(p, fmt.Sprintf("%s/opprettetEllerEksisterende %q: want Opprettet or Eksisterende", path, status))
		}
	}
	if k.Mappe != nil {
		check("mappeKvittering", k.Mappe.SystemID, k.Mappe.OpprettetEllerEksisterende)
	}
	if k.Registrering != nil {
		check("registreringKvittering", k.Registrering.SystemID, k.Registrering.OpprettetEllerEksisterende)
	}
	return p
}

func writeFailure(root *etree.Element, name string, f *Failure) {
	e := root.CreateElement(name)
	e.CreateElement("feil:feilId").SetText(f.FeilID)
	e.CreateElement("feil:feilmelding").SetText(f.Feilmelding)
}

func (b *builder) mappeKvittering(root *etree.Element, m *MappeKvittering) {
	e := root.CreateElement("mappeKvittering")
	if m.Saksmappe {
		e.CreateAttr("xsi:type", "saksmappeKvittering")
	}
	b.text(e, "systemID", m.SystemID)
	b.text(e, "mappeID", m.MappeID)
	b.tid(e, "opprettetDato", m.OpprettetDato)
	b.text(e, "opprettetAv", m.OpprettetAv)
	b.noekkel(e, "referanseEksternNoekkel", m.ReferanseEksternNoekkel, false)
	b.text(e, "opprettetEllerEksisterende", m.OpprettetEllerEksisterende)
	if m.Saksmappe {
		b.num(e, "saksaar", m.Saksaar)
		b.num(e, "sakssekvensnummer", m.Sakssekvensnummer)
		b.dato(e, "saksdato", m.Saksdato)
	}
}

func (b *builder) registreringKvittering(root *etree.Element, r *RegistreringKvittering) {
	e := root.CreateElement("registreringKvittering")
	if r.Journalpost {
		e.CreateAttr("xsi:type", "journalpostKvittering")
	}
	b.text(e, "systemID", r.SystemID)
	b.tid(e, "opprettetDato", r.OpprettetDato)
	b.text(e, "opprettetAv", r.OpprettetAv)
	b.tid(e, "arkivertDato", r.ArkivertDato)
	b.text(e, "arkivertAv", r.ArkivertAv)
	for _, d := range r.Dokumentbeskrivelse {
		de := e.CreateElement("dokumentbeskrivelseKvittering")
		b.text(de, "systemID", d.SystemID)
		b.tid(de, "opprettetDato", d.OpprettetDato)
		b.text(de, "opprettetAv", d.OpprettetAv)
		b.num(de, "dokumentnummer", d.Dokumentnummer)
		for _, o := range d.Dokumentobjekt {
			oe := de.CreateElement("dokumentobjekt")
			b.text(oe, "systemID", o.SystemID)
			b.num(oe, "versjonsnummer", o.Versjonsnummer)
			b.kode(oe, "variantformat", o.Variantformat)
			b.tid(oe, "opprettetDato", o.OpprettetDato)
			b.text(oe, "opprettetAv", o.OpprettetAv)
		}
		b.noekkel(de, "referanseEksternNoekkel", d.ReferanseEksternNoekkel, false)
	}
	b.text(e, "registreringsID", r.RegistreringsID)
	b.noekkel(e, "referanseEksternNoekkel", r.ReferanseEksternNoekkel, false)
	b.text(e, "opprettetEllerEksisterende", r.OpprettetEllerEksisterende)
	if r.Journalpost {
		b.num(e, "journalaar", r.Journalaar)
		b.num(e, "journalsekvensnummer", r.Journalsekvensnummer)
		b.num(e, "journalpostnummer", r.Journalpostnummer)
		b.kode(e, "journalposttype", r.Journalposttype)
		b.kode(e, "journalstatus", r.Journalstatus)
		b.dato(e, "journaldato", r.Journaldato)
		b.dato(e, "forfallsdato", r.Forfallsdato)
	}
}

// Kvittering reads an arkivmelding opprett kvittering.
func (m *Melding) Kvittering() (*Kvittering, error) {
	if m.path != "arkivmelding/opprett/kvittering" {
		return nil, fmt.Errorf("fiksarkiv: %s is not an arkivmelding kvittering", m.Meldingstype())
	}
	r := &reader{}
	k := &Kvittering{Versjon: m.versjon}
	for _, c := range m.doc.Root().ChildElements() {
		p := "/arkivmeldingKvittering/" + c.Tag
		switch c.Tag {
		case "mappeFeilet":
			k.MappeFeilet = r.failure(p, c)
		case "registreringFeilet":
			k.RegistreringFeilet = r.failure(p, c)
		case "mappeKvittering":
			k.Mappe = r.mappeKvittering(p, c)
		case "registreringKvittering":
			k.Registrering = r.registreringKvittering(p, c)
		default:
			r.unknown("/arkivmeldingKvittering", c)
		}
	}
	k.Ukjent = r.ukjent
	if r.err != nil {
		return nil, r.err
	}
	return k, nil
}

func (r *reader) failure(p string, e *etree.Element) *Failure {
	f := &Failure{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "feilId":
			f.FeilID = c.Text()
		case "feilmelding":
			f.Feilmelding = c.Text()
		default:
			r.unknown(p, c)
		}
	}
	return f
}

func (r *reader) mappeKvittering(p string, c *etree.Element) *MappeKvittering {
	mk := &MappeKvittering{Saksmappe: strings.HasPrefix(xsiTypeOf(c), "saksmappe")}
	for _, e := range c.ChildElements() {
		ep := p + "/" + e.Tag
		switch e.Tag {
		case "systemID":
			mk.SystemID = e.Text()
		case "mappeID":
			mk.MappeID = e.Text()
		case "opprettetDato":
			mk.OpprettetDato = r.tid(ep, e)
		case "opprettetAv":
			mk.OpprettetAv = e.Text()
		case "referanseEksternNoekkel":
			mk.ReferanseEksternNoekkel = r.noekkel(ep, e)
		case "opprettetEllerEksisterende":
			mk.OpprettetEllerEksisterende = e.Text()
		case "saksaar":
			mk.Saksaar = r.intp(ep, e)
		case "sakssekvensnummer":
			mk.Sakssekvensnummer = r.intp(ep, e)
		case "saksdato":
			mk.Saksdato = r.dato(ep, e)
		default:
			r.unknown(p, e)
		}
	}
	return mk
}

func (r *reader) registreringKvittering(p string, c *etree.Element) *RegistreringKvittering {
	rk := &RegistreringKvittering{Journalpost: strings.HasPrefix(xsiTypeOf(c), "journalpost")}
	for _, e := range c.ChildElements() {
		ep := p + "/" + e.Tag
		switch e.Tag {
		case "systemID":
			rk.SystemID = e.Text()
		case "opprettetDato":
			rk.OpprettetDato = r.tid(ep, e)
		case "opprettetAv":
			rk.OpprettetAv = e.Text()
		case "arkivertDato":
			rk.ArkivertDato = r.tid(ep, e)
		case "arkivertAv":
			rk.ArkivertAv = e.Text()
		case "dokumentbeskrivelseKvittering":
			rk.Dokumentbeskrivelse = append(rk.Dokumentbeskrivelse, r.dokumentKvittering(ep, e))
		case "registreringsID":
			rk.RegistreringsID = e.Text()
		case "referanseEksternNoekkel":
			rk.ReferanseEksternNoekkel = r.noekkel(ep, e)
		case "opprettetEllerEksisterende":
			rk.OpprettetEllerEksisterende = e.Text()
		case "journalaar":
			rk.Journalaar = r.intp(ep, e)
		case "journalsekvensnummer":
			rk.Journalsekvensnummer = r.intp(ep, e)
		case "journalpostnummer":
			rk.Journalpostnummer = r.intp(ep, e)
		case "journalposttype":
			rk.Journalposttype = r.kode(ep, e)
		case "journalstatus":
			rk.Journalstatus = r.kode(ep, e)
		case "journaldato":
			rk.Journaldato = r.dato(ep, e)
		case "forfallsdato":
			rk.Forfallsdato = r.dato(ep, e)
		default:
			r.unknown(p, e)
		}
	}
	return rk
}

func (r *reader) dokumentKvittering(path string, e *etree.Element) DokumentbeskrivelseKvittering {
	var d DokumentbeskrivelseKvittering
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "systemID":
			d.SystemID = c.Text()
		case "opprettetDato":
			d.OpprettetDato = r.tid(p, c)
		case "opprettetAv":
			d.OpprettetAv = c.Text()
		case "dokumentnummer":
			d.Dokumentnummer = r.intp(p, c)
		case "referanseEksternNoekkel":
			d.ReferanseEksternNoekkel = r.noekkel(p, c)
		case "dokumentobjekt":
			var o DokumentobjektKvittering
			for _, oc := range c.ChildElements() {
				op := p + "/" + oc.Tag
				switch oc.Tag {
				case "systemID":
					o.SystemID = oc.Text()
				case "versjonsnummer":
					o.Versjonsnummer = r.intp(op, oc)
				case "variantformat":
					o.Variantformat = r.kode(op, oc)
				case "opprettetDato":
					o.OpprettetDato = r.tid(op, oc)
				case "opprettetAv":
					o.OpprettetAv = oc.Text()
				default:
					r.unknown(p, oc)
				}
			}
			d.Dokumentobjekt = append(d.Dokumentobjekt, o)
		default:
			r.unknown(path, c)
		}
	}
	return d
}

// Kvitter takes what the archive assigned, as its kvittering says, into the
// arkivmelding: systemIDs, saksaar and sakssekvensnummer, journal numbers, journalstatus and
// journaldato, and the documents' systemIDs and numbers (in order). After it, the message
// describes what is in the archive, ready for publishing (einnsyn.SaksmappeFromFiksArkiv).
func (a *Arkivmelding) Kvitter(k *Kvittering) {
	if m, mk := a.Mappe, k.Mappe; m != nil && mk != nil {
		m.SystemID = mk.SystemID
		if mk.MappeID != "" {
			m.MappeID = mk.MappeID
		}
		if s := m.Saksmappe; s != nil && mk.Saksmappe {
			if mk.Saksaar != nil {
				s.Saksaar = mk.Saksaar
			}
			if mk.Sakssekvensnummer != nil {
				s.Sakssekvensnummer = mk.Sakssekvensnummer
			}
			if mk.Saksdato != nil {
				s.Saksdato = mk.Saksdato
			}
		}
	}
	r, rk := a.Registrering, k.Registrering
	if r == nil || rk == nil {
		return
	}
	r.SystemID = rk.SystemID
	if rk.RegistreringsID != "" {
		r.RegistreringsID = rk.RegistreringsID
	}
	if j := r.Journalpost; j != nil && rk.Journalpost {
		if rk.Journalaar != nil {
			j.Journalaar = rk.Journalaar
		}
		if rk.Journalsekvensnummer != nil {
			j.Journalsekvensnummer = rk.Journalsekvensnummer
		}
		if rk.Journalpostnummer != nil {
			j.Journalpostnummer = rk.Journalpostnummer
		}
		if rk.Journalstatus != nil {
			j.Journalstatus = rk.Journalstatus
		}
		if rk.Journaldato != nil {
			j.Journaldato = rk.Journaldato
		}
	}
	for i := range r.Dokumentbeskrivelse {
		if i >= len(rk.Dokumentbeskrivelse) {
			break
		}
		d, dk := &r.Dokumentbeskrivelse[i], rk.Dokumentbeskrivelse[i]
		d.SystemID = dk.SystemID
		if dk.Dokumentnummer != nil {
			d.Dokumentnummer = dk.Dokumentnummer
		}
		for j := range d.Dokumentobjekt {
			if j < len(dk.Dokumentobjekt) {
				d.Dokumentobjekt[j].SystemID = dk.Dokumentobjekt[j].SystemID
			}
		}
	}
}
