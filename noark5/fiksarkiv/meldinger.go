package fiksarkiv

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/noark5"
)

// Saksnummer is a case number: year and sequence number (saksaar, sakssekvensnummer).
type Saksnummer struct {
	Saksaar           int
	Sakssekvensnummer int
}

// String is the usual spelling, 2026/17.
func (s Saksnummer) String() string { return fmt.Sprintf("%d/%d", s.Saksaar, s.Sakssekvensnummer) }

// Journalnummer is a journal number: year and sequence number.
type Journalnummer struct {
	Journalaar           int
	Journalsekvensnummer int
}

// SaksJournalpostnummer is a journalpost by its case number and its number in the case.
type SaksJournalpostnummer struct {
	Saksnummer
	Journalpostnummer int
}

// ReferanseTilRegistrering points to a registrering (or journalpost) by one of its keys.
type ReferanseTilRegistrering struct {
	SystemID                string
	RegistreringsID         string
	Journalnummer           *Journalnummer
	SaksJournalpostnummer   *SaksJournalpostnummer
	ReferanseEksternNoekkel *EksternNoekkel
}

// ReferanseTilJournalpost has the shape of ReferanseTilRegistrering in the metadatakatalog.
type ReferanseTilJournalpost = ReferanseTilRegistrering

// JournalpostDokumentnummer is a document by its journalpost and its number there.
type JournalpostDokumentnummer struct {
	ReferanseTilJournalpost ReferanseTilJournalpost
	Dokumentnummer          int
}

// ReferanseTilDokumentbeskrivelse points to a dokumentbeskrivelse.
type ReferanseTilDokumentbeskrivelse struct {
	SystemID                  string
	ReferanseEksternNoekkel   *EksternNoekkel
	JournalpostDokumentnummer *JournalpostDokumentnummer
}

// header is what every typed message holds besides its content.
type header struct {
	// Versjon is V2 (default) or V1.
	Versjon string
	// Ukjent lists, when read, the element paths this model does not hold.
	Ukjent []string
}

// DefaultVersjon sets Versjon to v when it is empty (an answer takes its request's).
func (h *header) DefaultVersjon(v string) {
	if h.Versjon == "" {
		h.Versjon = v
	}
}

func (h *header) versjon() (string, []string) {
	switch h.Versjon {
	case "":
		return V2, nil
	case V1, V2:
		return h.Versjon, nil
	}
	return "", []string{fmt.Sprintf("Versjon %q: want v1 or v2", h.Versjon)}
}

// newDoc starts a payload: the root in the message's namespace with the metadatakatalog
// bound to mdk.
func newDoc(path, v string) (*etree.Document, *etree.Element, *builder) {
	root, _ := rootFor(path)
	b := &builder{mdk: Namespace("metadatakatalog", v)}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="utf-8"`)
	e := doc.CreateElement(root)
	e.CreateAttr("xmlns", Namespace(path, v))
	e.CreateAttr("xmlns:xsi", xsiNS)
	e.CreateAttr("xmlns:mdk", b.mdk)
	return doc, e, b
}

func required(p *[]string, path, v string) {
	if strings.TrimSpace(v) == "" {
		*p = append(*p, path+" is required")
	}
}

func (b *builder) mdkNum(p *etree.Element, name string, n int) {
	p.CreateElement("mdk:" + name).SetText(strconv.Itoa(n))
}

func (b *builder) refRegistrering(p *etree.Element, name string, r *ReferanseTilRegistrering) {
	if r == nil {
		return
	}
	e := p.CreateElement(name)
	b.refRegistreringIn(e, r)
}

func (b *builder) refRegistreringIn(e *etree.Element, r *ReferanseTilRegistrering) {
	b.mdkText(e, "systemID", r.SystemID)
	b.mdkText(e, "registreringsID", r.RegistreringsID)
	if j := r.Journalnummer; j != nil {
		je := e.CreateElement("mdk:journalnummer")
		b.mdkNum(je, "journalaar", j.Journalaar)
		b.mdkNum(je, "journalsekvensnummer", j.Journalsekvensnummer)
	}
	if s := r.SaksJournalpostnummer; s != nil {
		se := e.CreateElement("mdk:saksJournalpostnummer")
		b.mdkNum(se, "saksaar", s.Saksaar)
		b.mdkNum(se, "sakssekvensnummer", s.Sakssekvensnummer)
		b.mdkNum(se, "journalpostnummer", s.Journalpostnummer)
	}
	b.noekkel(e, "referanseEksternNoekkel", r.ReferanseEksternNoekkel, true)
}

func (b *builder) refDokumentbeskrivelse(p *etree.Element, name string, r *ReferanseTilDokumentbeskrivelse) {
	e := p.CreateElement(name)
	b.mdkText(e, "systemID", r.SystemID)
	b.noekkel(e, "referanseEksternNoekkel", r.ReferanseEksternNoekkel, true)
	if j := r.JournalpostDokumentnummer; j != nil {
		je := e.CreateElement("mdk:journalpostDokumentnummer")
		re := je.CreateElement("mdk:referanseTilJournalpost")
		b.refRegistreringIn(re, &j.ReferanseTilJournalpost)
		b.mdkNum(je, "dokumentnummer", j.Dokumentnummer)
	}
}

func refRegistreringProblems(p *[]string, path string, r *ReferanseTilRegistrering) {
	if r == nil {
		*p = append(*p, path+" is required")
		return
	}
	if r.SystemID == "" && r.RegistreringsID == "" && r.Journalnummer == nil && r.SaksJournalpostnummer == nil && r.ReferanseEksternNoekkel == nil {
		*p = append(*p, path+": give at least one key (systemID, registreringsID, journalnummer, saksJournalpostnummer, referanseEksternNoekkel)")
	}
}

func refMappeProblems(p *[]string, path string, r *ReferanseTilMappe) {
	if r == nil {
		*p = append(*p, path+" is required")
		return
	}
	if r.SystemID == "" && r.MappeID == "" && r.Saksnummer == nil && r.ReferanseEksternNoekkel == nil {
		*p = append(*p, path+": give at least one key (systemID, mappeID, saksnummer, referanseEksternNoekkel)")
	}
}

func (r *reader) refRegistrering(path string, e *etree.Element) *ReferanseTilRegistrering {
	ref := &ReferanseTilRegistrering{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "systemID":
			ref.SystemID = c.Text()
		case "registreringsID":
			ref.RegistreringsID = c.Text()
		case "journalnummer":
			j := &Journalnummer{}
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "journalaar":
					j.Journalaar = r.int(path+"/journalnummer/journalaar", cc)
				case "journalsekvensnummer":
					j.Journalsekvensnummer = r.int(path+"/journalnummer/journalsekvensnummer", cc)
				default:
					r.unknown(path+"/journalnummer", cc)
				}
			}
			ref.Journalnummer = j
		case "saksJournalpostnummer":
			s := &SaksJournalpostnummer{}
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "saksaar":
					s.Saksaar = r.int(path+"/saksJournalpostnummer/saksaar", cc)
				case "sakssekvensnummer":
					s.Sakssekvensnummer = r.int(path+"/saksJournalpostnummer/sakssekvensnummer", cc)
				case "journalpostnummer":
					s.Journalpostnummer = r.int(path+"/saksJournalpostnummer/journalpostnummer", cc)
				default:
					r.unknown(path+"/saksJournalpostnummer", cc)
				}
			}
			ref.SaksJournalpostnummer = s
		case "referanseEksternNoekkel":
			ref.ReferanseEksternNoekkel = r.noekkel(path+"/referanseEksternNoekkel", c)
		default:
			r.unknown(path, c)
		}
	}
	return ref
}

func (r *reader) saksnummer(path string, e *etree.Element) *Saksnummer {
	s := &Saksnummer{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "saksaar":
			s.Saksaar = r.int(path+"/saksaar", c)
		case "sakssekvensnummer":
			s.Sakssekvensnummer = r.int(path+"/sakssekvensnummer", c)
		default:
			r.unknown(path, c)
		}
	}
	return s
}

func (r *reader) refDokumentbeskrivelse(path string, e *etree.Element) *ReferanseTilDokumentbeskrivelse {
	ref := &ReferanseTilDokumentbeskrivelse{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "systemID":
			ref.SystemID = c.Text()
		case "referanseEksternNoekkel":
			ref.ReferanseEksternNoekkel = r.noekkel(path+"/referanseEksternNoekkel", c)
		case "journalpostDokumentnummer":
			j := &JournalpostDokumentnummer{}
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "referanseTilJournalpost":
					j.ReferanseTilJournalpost = *r.refRegistrering(path+"/journalpostDokumentnummer/referanseTilJournalpost", cc)
				case "dokumentnummer":
					j.Dokumentnummer = r.int(path+"/journalpostDokumentnummer/dokumentnummer", cc)
				default:
					r.unknown(path+"/journalpostDokumentnummer", cc)
				}
			}
			ref.JournalpostDokumentnummer = j
		default:
			r.unknown(path, c)
		}
	}
	return ref
}

// expect checks that m is a payload at path, for a typed reader.
func (m *Melding) expect(path, what string) error {
	if m.path != path {
		return fmt.Errorf("fiksarkiv: a %s payload is not %s", m.path, what)
	}
	return nil
}

// The parts of a mappe or registrering a hent asks to include (inkluder).
const (
	InkluderMerknad             = "merknad"
	InkluderNoekkelord          = "noekkelord"
	InkluderKryssreferanse      = "kryssreferanse"
	InkluderKlasse              = "klasse"
	InkluderPart                = "part"
	InkluderPresedens           = "presedens"
	InkluderMoetedeltaker       = "moetedeltaker"
	InkluderDokumentbeskrivelse = "dokumentbeskrivelse"
	InkluderKorrespondansepart  = "korrespondansepart"
	InkluderAvskrivning         = "avskrivning"
	InkluderDokumentflyt        = "dokumentflyt"
	InkluderDokumentobjekt      = "dokumentobjekt"
)

var (
	inkluderMappe        = []string{InkluderMerknad, InkluderNoekkelord, InkluderKryssreferanse, InkluderKlasse, InkluderPart, InkluderPresedens, InkluderMoetedeltaker}
	inkluderRegistrering = []string{InkluderMerknad, InkluderNoekkelord, InkluderKryssreferanse, InkluderDokumentbeskrivelse, InkluderKorrespondansepart, InkluderAvskrivning, InkluderDokumentflyt, InkluderDokumentobjekt}
)

func inkluderProblems(p *[]string, path string, got, allowed []string) {
	for i, v := range got {
		ok := false
		for _, a := range allowed {
			ok = ok || a == v
		}
		if !ok {
			*p = append(*p, fmt.Sprintf("%s[%d] %q: want one of %s", path, i+1, v, strings.Join(allowed, ", ")))
		}
	}
}

// MappeHent is the payload of innsyn.mappe.hent (mappe-hent.xml): fetch one mappe.
type MappeHent struct {
	header
	System            string
	ReferanseTilMappe *ReferanseTilMappe
	// Inkluder names the parts to include (InkluderMerknad ... InkluderMoetedeltaker).
	Inkluder []string
	// Spraak is an ISO 639-1 code; empty: the archive's default.
	Spraak string
}

// Melding builds the payload, reporting every problem first.
func (h *MappeHent) Melding() (*Melding, error) {
	v, p := h.versjon()
	required(&p, "system", h.System)
	refMappeProblems(&p, "referanseTilMappe", h.ReferanseTilMappe)
	inkluderProblems(&p, "inkluder", h.Inkluder, inkluderMappe)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("mappe/hent", v)
	b.text(root, "system", h.System)
	b.refMappe(root, "referanseTilMappe", h.ReferanseTilMappe)
	for _, i := range h.Inkluder {
		b.text(root, "inkluder", i)
	}
	b.text(root, "spraak", h.Spraak)
	return checked(&Melding{doc: doc, versjon: v, path: "mappe/hent"})
}

// MappeHent reads an innsyn.mappe.hent payload.
func (m *Melding) MappeHent() (*MappeHent, error) {
	if err := m.expect("mappe/hent", "a mappe hent"); err != nil {
		return nil, err
	}
	r := &reader{}
	h := &MappeHent{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "system":
			h.System = c.Text()
		case "referanseTilMappe":
			h.ReferanseTilMappe = r.refMappe("/mappeHent/referanseTilMappe", c)
		case "inkluder":
			h.Inkluder = append(h.Inkluder, c.Text())
		case "spraak":
			h.Spraak = c.Text()
		default:
			r.unknown("/mappeHent", c)
		}
	}
	h.Ukjent = r.ukjent
	return h, r.err
}

// RegistreringHent is the payload of innsyn.registrering.hent (registrering-hent.xml):
// fetch one registrering or journalpost.
type RegistreringHent struct {
	header
	System                   string
	ReferanseTilRegistrering *ReferanseTilRegistrering
	// Inkluder names the parts to include (InkluderMerknad ... InkluderDokumentobjekt).
	Inkluder []string
	Spraak   string
}

// Melding builds the payload, reporting every problem first.
func (h *RegistreringHent) Melding() (*Melding, error) {
	v, p := h.versjon()
	required(&p, "system", h.System)
	refRegistreringProblems(&p, "referanseTilRegistrering", h.ReferanseTilRegistrering)
	inkluderProblems(&p, "inkluder", h.Inkluder, inkluderRegistrering)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("registrering/hent", v)
	b.text(root, "system", h.System)
	b.refRegistrering(root, "referanseTilRegistrering", h.ReferanseTilRegistrering)
	for _, i := range h.Inkluder {
		b.text(root, "inkluder", i)
	}
	b.text(root, "spraak", h.Spraak)
	return checked(&Melding{doc: doc, versjon: v, path: "registrering/hent"})
}

// RegistreringHent reads an innsyn.registrering.hent payload.
func (m *Melding) RegistreringHent() (*RegistreringHent, error) {
	if err := m.expect("registrering/hent", "a registrering hent"); err != nil {
		return nil, err
	}
	r := &reader{}
	h := &RegistreringHent{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "system":
			h.System = c.Text()
		case "referanseTilRegistrering":
			h.ReferanseTilRegistrering = r.refRegistrering("/registreringHent/referanseTilRegistrering", c)
		case "inkluder":
			h.Inkluder = append(h.Inkluder, c.Text())
		case "spraak":
			h.Spraak = c.Text()
		default:
			r.unknown("/registreringHent", c)
		}
	}
	h.Ukjent = r.ukjent
	return h, r.err
}

// DokumentfilHent is the payload of innsyn.dokumentfil.hent (dokumentfil-hent.xml): fetch
// one file by its dokumentobjekt's systemID. The answer carries the file itself.
type DokumentfilHent struct {
	header
	System   string
	SystemID string
}

// Melding builds the payload, reporting every problem first.
func (h *DokumentfilHent) Melding() (*Melding, error) {
	v, p := h.versjon()
	required(&p, "system", h.System)
	required(&p, "dokumentfilNoekkel/systemID", h.SystemID)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("dokumentfil/hent", v)
	b.text(root, "system", h.System)
	k := root.CreateElement("dokumentfilNoekkel")
	b.text(k, "systemID", h.SystemID)
	return checked(&Melding{doc: doc, versjon: v, path: "dokumentfil/hent"})
}

// DokumentfilHent reads an innsyn.dokumentfil.hent payload.
func (m *Melding) DokumentfilHent() (*DokumentfilHent, error) {
	if err := m.expect("dokumentfil/hent", "a dokumentfil hent"); err != nil {
		return nil, err
	}
	r := &reader{}
	h := &DokumentfilHent{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "system":
			h.System = c.Text()
		case "dokumentfilNoekkel":
			for _, cc := range c.ChildElements() {
				if cc.Tag == "systemID" {
					h.SystemID = cc.Text()
				} else {
					r.unknown("/dokumentfilHent/dokumentfilNoekkel", cc)
				}
			}
		default:
			r.unknown("/dokumentfilHent", c)
		}
	}
	h.Ukjent = r.ukjent
	return h, r.err
}

// DokumentobjektOpprett is the payload of arkivering.dokumentobjekt.opprett
// (dokumentobjekt-opprett.xml): add a file to an existing dokumentbeskrivelse.
type DokumentobjektOpprett struct {
	header
	ReferanseTilDokumentbeskrivelse ReferanseTilDokumentbeskrivelse
	Dokumentobjekt                  Dokumentobjekt
}

// Melding builds the payload, reporting every problem first.
func (d *DokumentobjektOpprett) Melding() (*Melding, error) {
	v, p := d.versjon()
	ref := d.ReferanseTilDokumentbeskrivelse
	if ref.SystemID == "" && ref.ReferanseEksternNoekkel == nil && ref.JournalpostDokumentnummer == nil {
		p = append(p, "referanseTilDokumentbeskrivelse: give at least one key")
	}
	required(&p, "dokumentobjekt/filnavn", d.Dokumentobjekt.Filnavn)
	required(&p, "dokumentobjekt/referanseDokumentfil", d.Dokumentobjekt.ReferanseDokumentfil)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("dokumentobjekt/opprett", v)
	root.CreateAttr("xmlns:am", Namespace("arkivmelding/opprett", v))
	b.refDokumentbeskrivelse(root, "referanseTilDokumentbeskrivelse", &ref)
	b.dokumentobjekt(root, "dokumentobjekt", &d.Dokumentobjekt, "am:")
	return checked(&Melding{doc: doc, versjon: v, path: "dokumentobjekt/opprett"})
}

// DokumentobjektOpprett reads an arkivering.dokumentobjekt.opprett payload.
func (m *Melding) DokumentobjektOpprett() (*DokumentobjektOpprett, error) {
	if err := m.expect("dokumentobjekt/opprett", "a dokumentobjekt opprett"); err != nil {
		return nil, err
	}
	r := &reader{}
	d := &DokumentobjektOpprett{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "referanseTilDokumentbeskrivelse":
			d.ReferanseTilDokumentbeskrivelse = *r.refDokumentbeskrivelse("/dokumentobjektOpprett/referanseTilDokumentbeskrivelse", c)
		case "dokumentobjekt":
			d.Dokumentobjekt = r.dokumentobjekt("/dokumentobjektOpprett/dokumentobjekt", c)
		default:
			r.unknown("/dokumentobjektOpprett", c)
		}
	}
	d.Ukjent = r.ukjent
	return d, r.err
}

// DokumentobjektOpprettKvittering is the payload of the dokumentobjekt opprett kvittering
// (dokumentobjekt-kvittering.xml).
type DokumentobjektOpprettKvittering struct {
	header
	SystemID      string
	OpprettetDato *noark5.Tidspunkt
	OpprettetAv   string
}

// Melding builds the payload.
func (k *DokumentobjektOpprettKvittering) Melding() (*Melding, error) {
	v, p := k.versjon()
	required(&p, "systemID", k.SystemID)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("dokumentobjekt/opprett/kvittering", v)
	b.text(root, "systemID", k.SystemID)
	b.tid(root, "opprettetDato", k.OpprettetDato)
	b.text(root, "opprettetAv", k.OpprettetAv)
	return checked(&Melding{doc: doc, versjon: v, path: "dokumentobjekt/opprett/kvittering"})
}

// DokumentobjektOpprettKvittering reads the dokumentobjekt opprett kvittering.
func (m *Melding) DokumentobjektOpprettKvittering() (*DokumentobjektOpprettKvittering, error) {
	if err := m.expect("dokumentobjekt/opprett/kvittering", "a dokumentobjekt kvittering"); err != nil {
		return nil, err
	}
	r := &reader{}
	k := &DokumentobjektOpprettKvittering{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "systemID":
			k.SystemID = c.Text()
		case "opprettetDato":
			k.OpprettetDato = r.tid("/dokumentobjektOpprettKvittering/opprettetDato", c)
		case "opprettetAv":
			k.OpprettetAv = c.Text()
		default:
			r.unknown("/dokumentobjektOpprettKvittering", c)
		}
	}
	k.Ukjent = r.ukjent
	return k, r.err
}

// Avskrivning is how a journalpost was signed off.
type Avskrivning struct {
	Avskrivningsdato                noark5.Dato
	AvskrevetAv                     Identifikator
	Avskrivningsmaate               Kode
	ReferanseAvskrivesAvJournalpost *ReferanseTilJournalpost
	ReferanseAvskriverJournalpost   []ReferanseTilJournalpost
}

// NyAvskrivning is the payload of arkivering.avskrivning.opprett (avskrivning-opprett.xml).
type NyAvskrivning struct {
	header
	Avskrivning             Avskrivning
	ReferanseTilJournalpost *ReferanseTilJournalpost
	KorrespondansepartID    string
}

// Melding builds the payload, reporting every problem first.
func (a *NyAvskrivning) Melding() (*Melding, error) {
	v, p := a.versjon()
	if a.Avskrivning.Avskrivningsdato.IsZero() {
		p = append(p, "avskrivning/avskrivningsdato is required")
	}
	required(&p, "avskrivning/avskrivningsmaate/kode", a.Avskrivning.Avskrivningsmaate.Kode)
	refRegistreringProblems(&p, "referanseTilJournalpost", a.ReferanseTilJournalpost)
	required(&p, "korrespondansepartID", a.KorrespondansepartID)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("avskrivning/opprett", v)
	e := root.CreateElement("avskrivning")
	b.dato(e, "avskrivningsdato", &a.Avskrivning.Avskrivningsdato)
	b.ident(e, "avskrevetAv", &a.Avskrivning.AvskrevetAv)
	b.kode(e, "avskrivningsmaate", &a.Avskrivning.Avskrivningsmaate)
	b.refRegistrering(e, "referanseAvskrivesAvJournalpost", a.Avskrivning.ReferanseAvskrivesAvJournalpost)
	for i := range a.Avskrivning.ReferanseAvskriverJournalpost {
		b.refRegistrering(e, "referanseAvskriverJournalpost", &a.Avskrivning.ReferanseAvskriverJournalpost[i])
	}
	b.refRegistrering(root, "referanseTilJournalpost", a.ReferanseTilJournalpost)
	b.text(root, "korrespondansepartID", a.KorrespondansepartID)
	return checked(&Melding{doc: doc, versjon: v, path: "avskrivning/opprett"})
}

// NyAvskrivning reads an arkivering.avskrivning.opprett payload.
func (m *Melding) NyAvskrivning() (*NyAvskrivning, error) {
	if err := m.expect("avskrivning/opprett", "an avskrivning opprett"); err != nil {
		return nil, err
	}
	r := &reader{}
	a := &NyAvskrivning{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		p := "/nyAvskrivning/" + c.Tag
		switch c.Tag {
		case "avskrivning":
			for _, cc := range c.ChildElements() {
				pp := p + "/" + cc.Tag
				switch cc.Tag {
				case "avskrivningsdato":
					if d := r.dato(pp, cc); d != nil {
						a.Avskrivning.Avskrivningsdato = *d
					}
				case "avskrevetAv":
					a.Avskrivning.AvskrevetAv = *r.ident(pp, cc)
				case "avskrivningsmaate":
					a.Avskrivning.Avskrivningsmaate = *r.kode(pp, cc)
				case "referanseAvskrivesAvJournalpost":
					a.Avskrivning.ReferanseAvskrivesAvJournalpost = r.refRegistrering(pp, cc)
				case "referanseAvskriverJournalpost":
					a.Avskrivning.ReferanseAvskriverJournalpost = append(a.Avskrivning.ReferanseAvskriverJournalpost, *r.refRegistrering(pp, cc))
				default:
					r.unknown(p, cc)
				}
			}
		case "referanseTilJournalpost":
			a.ReferanseTilJournalpost = r.refRegistrering(p, c)
		case "korrespondansepartID":
			a.KorrespondansepartID = c.Text()
		default:
			r.unknown("/nyAvskrivning", c)
		}
	}
	a.Ukjent = r.ukjent
	return a, r.err
}

// SlettAvskrivning is the payload of arkivering.avskrivning.slett (avskrivning-slett.xml).
type SlettAvskrivning struct {
	header
	ReferanseTilJournalpost *ReferanseTilJournalpost
	KorrespondansepartID    string
}

// Melding builds the payload, reporting every problem first.
func (a *SlettAvskrivning) Melding() (*Melding, error) {
	v, p := a.versjon()
	refRegistreringProblems(&p, "referanseTilJournalpost", a.ReferanseTilJournalpost)
	required(&p, "korrespondansepartID", a.KorrespondansepartID)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("avskrivning/slett", v)
	b.refRegistrering(root, "referanseTilJournalpost", a.ReferanseTilJournalpost)
	b.text(root, "korrespondansepartID", a.KorrespondansepartID)
	return checked(&Melding{doc: doc, versjon: v, path: "avskrivning/slett"})
}

// SlettAvskrivning reads an arkivering.avskrivning.slett payload.
func (m *Melding) SlettAvskrivning() (*SlettAvskrivning, error) {
	if err := m.expect("avskrivning/slett", "an avskrivning slett"); err != nil {
		return nil, err
	}
	r := &reader{}
	a := &SlettAvskrivning{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "referanseTilJournalpost":
			a.ReferanseTilJournalpost = r.refRegistrering("/slettAvskrivning/referanseTilJournalpost", c)
		case "korrespondansepartID":
			a.KorrespondansepartID = c.Text()
		default:
			r.unknown("/slettAvskrivning", c)
		}
	}
	a.Ukjent = r.ukjent
	return a, r.err
}

// The three Fiks Arkiv feilmeldinger, by their root element.
const (
	Ugyldigforespoersel = "ugyldigforespoersel"
	Serverfeil          = "serverfeil"
	Ikkefunnet          = "ikkefunnet"
)

// Feilmelding is the payload of a feilmelding (feilmelding.xml): the request was invalid
// (Ugyldigforespoersel), the archive failed (Serverfeil), or what was asked for does not
// exist (Ikkefunnet).
type Feilmelding struct {
	header
	// Type is Ugyldigforespoersel, Serverfeil or Ikkefunnet.
	Type string
	// FeilID is the archive's id of this error, for support.
	FeilID      string
	Feilmelding string
}

// Meldingstype is the FIKS IO message type this feilmelding is sent as (the defined v1 id).
func (f *Feilmelding) Meldingstype() string { return typeFor("feil/"+f.Type, V1) }

// Melding builds the payload.
func (f *Feilmelding) Melding() (*Melding, error) {
	v, p := f.versjon()
	switch f.Type {
	case Ugyldigforespoersel, Serverfeil, Ikkefunnet:
	default:
		p = append(p, fmt.Sprintf("Type %q: want ugyldigforespoersel, serverfeil or ikkefunnet", f.Type))
	}
	required(&p, "feilId", f.FeilID)
	required(&p, "feilmelding", f.Feilmelding)
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	path := "feil/" + f.Type
	doc, root, _ := newDoc(path, v)
	root.CreateAttr("xmlns:feil", Namespace("feil/feilmelding", v))
	root.CreateElement("feil:feilId").SetText(f.FeilID)
	root.CreateElement("feil:feilmelding").SetText(f.Feilmelding)
	return checked(&Melding{doc: doc, versjon: v, path: path})
}

// Feilmelding reads a feilmelding payload.
func (m *Melding) Feilmelding() (*Feilmelding, error) {
	kind, ok := strings.CutPrefix(m.path, "feil/")
	if !ok {
		return nil, fmt.Errorf("fiksarkiv: a %s payload is not a feilmelding", m.path)
	}
	r := &reader{}
	f := &Feilmelding{header: header{Versjon: m.versjon}, Type: kind}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "feilId":
			f.FeilID = c.Text()
		case "feilmelding":
			f.Feilmelding = c.Text()
		default:
			r.unknown("/"+kind, c)
		}
	}
	f.Ukjent = r.ukjent
	return f, r.err
}

// Payload is a typed message: it builds its payload.
type Payload interface {
	Melding() (*Melding, error)
}

// Typed reads the payload into its typed model: *Arkivmelding, *Kvittering,
// *ArkivmeldingOppdatering, *Sok, *Sokeresultat, *SokeresultatMinimum, *SokeresultatNoekler,
// *MappeHentResultat, *RegistreringHentResultat, *MappeHent,
// *RegistreringHent, *DokumentfilHent, *DokumentobjektOpprett,
// *DokumentobjektOpprettKvittering, *NyAvskrivning, *SlettAvskrivning or *Feilmelding. Other
// payloads return an error matching ErrUntyped: read them through Document.
func (m *Melding) Typed() (Payload, error) {
	switch {
	case m.path == "arkivmelding/opprett":
		return m.Arkivmelding()
	case m.path == "arkivmelding/opprett/kvittering":
		return m.Kvittering()
	case m.path == "arkivmelding/oppdater":
		return m.ArkivmeldingOppdatering()
	case m.path == "sok":
		return m.Sok()
	case m.path == "sokeresultat/utvidet":
		return m.Sokeresultat()
	case m.path == "mappe/hent/resultat":
		return m.MappeHentResultat()
	case m.path == "registrering/hent/resultat":
		return m.RegistreringHentResultat()
	case m.path == "sokeresultat/minimum":
		return m.SokeresultatMinimum()
	case m.path == "sokeresultat/noekler":
		return m.SokeresultatNoekler()
	case m.path == "mappe/hent":
		return m.MappeHent()
	case m.path == "registrering/hent":
		return m.RegistreringHent()
	case m.path == "dokumentfil/hent":
		return m.DokumentfilHent()
	case m.path == "dokumentobjekt/opprett":
		return m.DokumentobjektOpprett()
	case m.path == "dokumentobjekt/opprett/kvittering":
		return m.DokumentobjektOpprettKvittering()
	case m.path == "avskrivning/opprett":
		return m.NyAvskrivning()
	case m.path == "avskrivning/slett":
		return m.SlettAvskrivning()
	case strings.HasPrefix(m.path, "feil/"):
		return m.Feilmelding()
	}
	return nil, fmt.Errorf("%w: %s", ErrUntyped, m.path)
}

// ErrUntyped: the payload has no typed model in this version (the kodeliste hent and its
// resultat, which meldingstyper.json does not list); it is read and written as a document
// tree.
var ErrUntyped = errors.New("fiksarkiv: no typed model for this payload")
