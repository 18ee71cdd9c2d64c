package fiksarkiv

import (
	"fmt"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/noark5"
)

// ArkivmeldingOppdatering is the payload of arkivering.arkivmelding.oppdater
// (arkivmelding.xml): changes to one mappe, one registrering or one dokumentbeskrivelse,
// named by its reference. Fields left empty are not changed.
//
// The model holds the changes case systems make (titles, description, keywords, dates,
// klassifikasjon, skjerming, korrespondanseparter, case and journal fields, the external
// key). The other change lists of the schema (part, kryssreferanse, merknad, gradering,
// forfatter, presedens, virksomhetsspesifikke metadata, matrikkel, bygg, plan, punkt,
// adresse, dokumentflyt) are listed in Ukjent when read: send those through Melding's
// document tree.
type ArkivmeldingOppdatering struct {
	header
	Mappe               *MappeOppdatering
	Registrering        *RegistreringOppdatering
	Dokumentbeskrivelse *DokumentbeskrivelseOppdatering
}

// TekstOppdatering changes an optional text: Slett removes it, or Oppdatering replaces it.
type TekstOppdatering struct {
	Slett       *bool
	Oppdatering string
}

// ListeOppdatering removes and adds values of a list (noekkelord).
type ListeOppdatering struct {
	Slett []string
	Ny    []string
}

// SkjermingOppdateringer removes the skjerming (Slett) or changes it.
type SkjermingOppdateringer struct {
	Slett       *bool
	Oppdatering *SkjermingOppdatering
}

// SkjermingOppdatering are the changed parts of a skjerming.
type SkjermingOppdatering struct {
	Tilgangsrestriksjon      *Kode
	Skjermingshjemmel        string
	SkjermingOpphoererDato   *noark5.Dato
	SkjermingOpphoererAksjon *Kode
}

// ReferanseTilKlassifikasjon names a klassifikasjon by its system and class.
type ReferanseTilKlassifikasjon struct {
	KlassifikasjonssystemID string
	KlasseID                string
}

// KlassifikasjonOppdatering changes a klassifikasjon.
type KlassifikasjonOppdatering struct {
	ReferanseTilKlassifikasjon ReferanseTilKlassifikasjon
	Tittel                     string
	ErSkjermet                 *bool
}

// KlassifikasjonOppdateringer changes, removes and adds klassifikasjoner.
type KlassifikasjonOppdateringer struct {
	Oppdatering []KlassifikasjonOppdatering
	Slett       []ReferanseTilKlassifikasjon
	Ny          []Klassifikasjon
}

// KorrespondansepartOppdateringer removes korrespondanseparter (by korrespondansepartID)
// and adds new ones.
type KorrespondansepartOppdateringer struct {
	Slett []string
	Ny    []Korrespondansepart
}

// MappeOppdatering changes a mappe; Saksmappe (xsi:type saksmappeOppdatering) a saksmappe.
type MappeOppdatering struct {
	ReferanseTilMappe       ReferanseTilMappe
	Tittel                  string
	OffentligTittel         string
	Beskrivelse             *TekstOppdatering
	Noekkelord              *ListeOppdatering
	OpprettetDato           *noark5.Tidspunkt
	OpprettetAv             string
	AvsluttetDato           *noark5.Tidspunkt
	AvsluttetAv             string
	Arkivdel                *Kode
	Skjerming               *SkjermingOppdateringer
	Klassifikasjon          *KlassifikasjonOppdateringer
	ReferanseEksternNoekkel *EksternNoekkel
	Mappetype               *Kode
	// TilgangsgruppeNavn is V2 only.
	TilgangsgruppeNavn string
	Saksmappe          *SaksmappeOppdatering
}

// SaksmappeOppdatering are the saksmappe's own fields.
type SaksmappeOppdatering struct {
	Saksdato           *noark5.Dato
	AdministrativEnhet *Identifikator
	Saksansvarlig      *Identifikator
	Saksstatus         *Kode
}

// RegistreringOppdatering changes a registrering; Journalpost (xsi:type
// journalpostOppdatering) a journalpost.
type RegistreringOppdatering struct {
	ReferanseTilRegistrering ReferanseTilRegistrering
	OpprettetDato            *noark5.Tidspunkt
	OpprettetAv              string
	ArkivertDato             *noark5.Tidspunkt
	ArkivertAv               string
	ReferanseForelderMappe   *ReferanseTilMappe
	Skjerming                *SkjermingOppdateringer
	Tittel                   string
	OffentligTittel          string
	Beskrivelse              *TekstOppdatering
	Noekkelord               *ListeOppdatering
	Korrespondansepart       *KorrespondansepartOppdateringer
	Klassifikasjon           *KlassifikasjonOppdateringer
	ReferanseEksternNoekkel  *EksternNoekkel
	// TilgangsgruppeNavn is V2 only.
	TilgangsgruppeNavn string
	Journalpost        *JournalpostOppdatering
}

// JournalpostOppdatering are the journalpost's own fields.
type JournalpostOppdatering struct {
	Journalposttype          *Kode
	Journalstatus            *Kode
	Journaldato              *noark5.Dato
	DokumentetsDato          *noark5.Dato
	MottattDato              *noark5.Tidspunkt
	SendtDato                *noark5.Tidspunkt
	Forfallsdato             *noark5.Dato
	OffentlighetsvurdertDato *noark5.Dato
	Journalenhet             *Kode
	Avskrivningsdato         *noark5.Dato
}

// DokumentbeskrivelseOppdatering changes a dokumentbeskrivelse; TilknyttetRegistreringSom
// is required by the schema.
type DokumentbeskrivelseOppdatering struct {
	ReferanseTilDokumentbeskrivelse ReferanseTilDokumentbeskrivelse
	Dokumenttype                    *Kode
	Dokumentstatus                  *Kode
	Tittel                          string
	Beskrivelse                     *TekstOppdatering
	OpprettetDato                   *noark5.Tidspunkt
	OpprettetAv                     string
	Dokumentmedium                  *Kode
	TilknyttetRegistreringSom       Kode
	Dokumentnummer                  *int
	TilknyttetDato                  *noark5.Tidspunkt
	TilknyttetAv                    string
	Skjerming                       *SkjermingOppdateringer
	ReferanseEksternNoekkel         *EksternNoekkel
}

// Meldingstype is the type the oppdatering travels as (the v2 id for V2).
func (o *ArkivmeldingOppdatering) Meldingstype() string {
	v, _ := o.versjon()
	return typeFor("arkivmelding/oppdater", v)
}

// Melding builds the payload, reporting every problem first.
func (o *ArkivmeldingOppdatering) Melding() (*Melding, error) {
	v, p := o.versjon()
	n := 0
	if o.Mappe != nil {
		n++
		refMappeProblems(&p, "mappeOppdateringer/referanseTilMappe", &o.Mappe.ReferanseTilMappe)
		if o.Mappe.TilgangsgruppeNavn != "" && v == V1 {
			p = append(p, "mappeOppdateringer/tilgangsgruppeNavn is V2 only")
		}
		klassProblems(&p, "mappeOppdateringer", o.Mappe.Klassifikasjon)
	}
	if r := o.Registrering; r != nil {
		n++
		refRegistreringProblems(&p, "registreringOppdateringer/referanseTilRegistrering", &r.ReferanseTilRegistrering)
		if r.TilgangsgruppeNavn != "" && v == V1 {
			p = append(p, "registreringOppdateringer/tilgangsgruppeNavn is V2 only")
		}
		klassProblems(&p, "registreringOppdateringer", r.Klassifikasjon)
		if k := r.Korrespondansepart; k != nil {
			for i, kp := range k.Ny {
				path := fmt.Sprintf("registreringOppdateringer/korrespondansepartOppdateringer/ny[%d]", i+1)
				required(&p, path+"/korrespondanseparttype/kode", kp.Korrespondanseparttype.Kode)
				required(&p, path+"/korrespondansepartNavn", kp.KorrespondansepartNavn)
			}
		}
	}
	if d := o.Dokumentbeskrivelse; d != nil {
		n++
		ref := d.ReferanseTilDokumentbeskrivelse
		if ref.SystemID == "" && ref.ReferanseEksternNoekkel == nil && ref.JournalpostDokumentnummer == nil {
			p = append(p, "dokumentbeskrivelseOppdateringer/referanseTilDokumentbeskrivelse: give at least one key")
		}
		required(&p, "dokumentbeskrivelseOppdateringer/tilknyttetRegistreringSom/kode", d.TilknyttetRegistreringSom.Kode)
	}
	if n != 1 {
		p = append(p, fmt.Sprintf("an oppdatering changes one mappe, registrering or dokumentbeskrivelse, not %d", n))
	}
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("arkivmelding/oppdater", v)
	root.CreateAttr("xmlns:am", Namespace("arkivmelding/opprett", v))
	switch {
	case o.Mappe != nil:
		b.mappeOppdatering(root, o.Mappe)
	case o.Registrering != nil:
		b.registreringOppdatering(root, o.Registrering)
	default:
		b.dokumentbeskrivelseOppdatering(root, o.Dokumentbeskrivelse)
	}
	return checked(&Melding{doc: doc, versjon: v, path: "arkivmelding/oppdater"})
}

func klassProblems(p *[]string, path string, k *KlassifikasjonOppdateringer) {
	if k == nil {
		return
	}
	for i, n := range k.Ny {
		required(p, fmt.Sprintf("%s/klassifikasjonOppdateringer/ny[%d]/klasseID", path, i+1), n.KlasseID)
	}
	for i, r := range k.Slett {
		required(p, fmt.Sprintf("%s/klassifikasjonOppdateringer/slett[%d]/referanseTilKlassifikasjon/klasseID", path, i+1), r.KlasseID)
	}
	for i, o := range k.Oppdatering {
		required(p, fmt.Sprintf("%s/klassifikasjonOppdateringer/oppdatering[%d]/referanseTilKlassifikasjon/klasseID", path, i+1), o.ReferanseTilKlassifikasjon.KlasseID)
	}
}

func (b *builder) tekstOppdatering(p *etree.Element, name string, t *TekstOppdatering) {
	if t == nil {
		return
	}
	e := p.CreateElement(name)
	b.flag(e, "slett", t.Slett)
	b.text(e, "oppdatering", t.Oppdatering)
}

func (b *builder) listeOppdatering(p *etree.Element, name string, l *ListeOppdatering) {
	if l == nil {
		return
	}
	e := p.CreateElement(name)
	for _, v := range l.Slett {
		e.CreateElement("slett").SetText(v)
	}
	for _, v := range l.Ny {
		e.CreateElement("ny").SetText(v)
	}
}

func (b *builder) skjermingOppdateringer(p *etree.Element, name string, s *SkjermingOppdateringer) {
	if s == nil {
		return
	}
	e := p.CreateElement(name)
	b.flag(e, "slett", s.Slett)
	if o := s.Oppdatering; o != nil {
		oe := e.CreateElement("oppdatering")
		b.kode(oe, "tilgangsrestriksjon", o.Tilgangsrestriksjon)
		b.text(oe, "skjermingshjemmel", o.Skjermingshjemmel)
		b.dato(oe, "skjermingOpphoererDato", o.SkjermingOpphoererDato)
		b.kode(oe, "skjermingOpphoererAksjon", o.SkjermingOpphoererAksjon)
	}
}

func (b *builder) refKlassifikasjon(p *etree.Element, r *ReferanseTilKlassifikasjon) {
	e := p.CreateElement("referanseTilKlassifikasjon")
	b.mdkText(e, "klassifikasjonssystemID", r.KlassifikasjonssystemID)
	b.mdkText(e, "klasseID", r.KlasseID)
}

func (b *builder) klassifikasjonOppdateringer(p *etree.Element, k *KlassifikasjonOppdateringer) {
	if k == nil {
		return
	}
	e := p.CreateElement("klassifikasjonOppdateringer")
	for i := range k.Oppdatering {
		o := &k.Oppdatering[i]
		oe := e.CreateElement("oppdatering")
		b.refKlassifikasjon(oe, &o.ReferanseTilKlassifikasjon)
		b.text(oe, "tittel", o.Tittel)
		b.flag(oe, "erSkjermet", o.ErSkjermet)
	}
	for i := range k.Slett {
		b.refKlassifikasjon(e.CreateElement("slett"), &k.Slett[i])
	}
	for i := range k.Ny {
		b.klassifikasjonAs(e, "ny", &k.Ny[i], "am:")
	}
}

func (b *builder) mappeOppdatering(root *etree.Element, m *MappeOppdatering) {
	e := root.CreateElement("mappeOppdateringer")
	if m.Saksmappe != nil {
		e.CreateAttr("xsi:type", "saksmappeOppdatering")
	}
	b.refMappe(e, "referanseTilMappe", &m.ReferanseTilMappe)
	b.text(e, "tittel", m.Tittel)
	b.text(e, "offentligTittel", m.OffentligTittel)
	b.tekstOppdatering(e, "beskrivelse", m.Beskrivelse)
	b.listeOppdatering(e, "noekkelord", m.Noekkelord)
	b.tid(e, "opprettetDato", m.OpprettetDato)
	b.text(e, "opprettetAv", m.OpprettetAv)
	b.tid(e, "avsluttetDato", m.AvsluttetDato)
	b.text(e, "avsluttetAv", m.AvsluttetAv)
	b.kode(e, "arkivdel", m.Arkivdel)
	b.skjermingOppdateringer(e, "skjermingOppdateringer", m.Skjerming)
	b.klassifikasjonOppdateringer(e, m.Klassifikasjon)
	b.noekkel(e, "referanseEksternNoekkel", m.ReferanseEksternNoekkel, false)
	b.kode(e, "mappetype", m.Mappetype)
	b.text(e, "tilgangsgruppeNavn", m.TilgangsgruppeNavn)
	if s := m.Saksmappe; s != nil {
		b.dato(e, "saksdato", s.Saksdato)
		b.ident(e, "administrativEnhet", s.AdministrativEnhet)
		b.ident(e, "saksansvarlig", s.Saksansvarlig)
		b.kode(e, "saksstatus", s.Saksstatus)
	}
}

func (b *builder) registreringOppdatering(root *etree.Element, r *RegistreringOppdatering) {
	e := root.CreateElement("registreringOppdateringer")
	if r.Journalpost != nil {
		e.CreateAttr("xsi:type", "journalpostOppdatering")
	}
	b.refRegistrering(e, "referanseTilRegistrering", &r.ReferanseTilRegistrering)
	b.tid(e, "opprettetDato", r.OpprettetDato)
	b.text(e, "opprettetAv", r.OpprettetAv)
	b.tid(e, "arkivertDato", r.ArkivertDato)
	b.text(e, "arkivertAv", r.ArkivertAv)
	b.refMappe(e, "referanseForelderMappe", r.ReferanseForelderMappe)
	b.skjermingOppdateringer(e, "skjermingOppdateringer", r.Skjerming)
	b.text(e, "tittel", r.Tittel)
	b.text(e, "offentligTittel", r.OffentligTittel)
	b.tekstOppdatering(e, "beskrivelse", r.Beskrivelse)
	b.listeOppdatering(e, "noekkelord", r.Noekkelord)
	if k := r.Korrespondansepart; k != nil {
		ke := e.CreateElement("korrespondansepartOppdateringer")
		for _, id := range k.Slett {
			ke.CreateElement("slett").CreateElement("korrespondansepartID").SetText(id)
		}
		for i := range k.Ny {
			b.korrespondansepart(ke, "ny", &k.Ny[i], "am:")
		}
	}
	b.klassifikasjonOppdateringer(e, r.Klassifikasjon)
	b.noekkel(e, "referanseEksternNoekkel", r.ReferanseEksternNoekkel, false)
	b.text(e, "tilgangsgruppeNavn", r.TilgangsgruppeNavn)
	if j := r.Journalpost; j != nil {
		b.kode(e, "journalposttype", j.Journalposttype)
		b.kode(e, "journalstatus", j.Journalstatus)
		b.dato(e, "journaldato", j.Journaldato)
		b.dato(e, "dokumentetsDato", j.DokumentetsDato)
		b.tid(e, "mottattDato", j.MottattDato)
		b.tid(e, "sendtDato", j.SendtDato)
		b.dato(e, "forfallsdato", j.Forfallsdato)
		b.dato(e, "offentlighetsvurdertDato", j.OffentlighetsvurdertDato)
		b.kode(e, "journalenhet", j.Journalenhet)
		b.dato(e, "avskrivningsdato", j.Avskrivningsdato)
	}
}

func (b *builder) dokumentbeskrivelseOppdatering(root *etree.Element, d *DokumentbeskrivelseOppdatering) {
	e := root.CreateElement("dokumentbeskrivelseOppdateringer")
	b.refDokumentbeskrivelse(e, "referanseTilDokumentbeskrivelse", &d.ReferanseTilDokumentbeskrivelse)
	b.kode(e, "dokumenttype", d.Dokumenttype)
	b.kode(e, "dokumentstatus", d.Dokumentstatus)
	b.text(e, "tittel", d.Tittel)
	b.tekstOppdatering(e, "beskrivelse", d.Beskrivelse)
	b.tid(e, "opprettetDato", d.OpprettetDato)
	b.text(e, "opprettetAv", d.OpprettetAv)
	b.kode(e, "dokumentmedium", d.Dokumentmedium)
	b.kode(e, "tilknyttetRegistreringSom", &d.TilknyttetRegistreringSom)
	b.num(e, "dokumentnummer", d.Dokumentnummer)
	b.tid(e, "tilknyttetDato", d.TilknyttetDato)
	b.text(e, "tilknyttetAv", d.TilknyttetAv)
	b.skjermingOppdateringer(e, "skjerming", d.Skjerming)
	b.noekkel(e, "referanseEksternNoekkel", d.ReferanseEksternNoekkel, false)
}

// ArkivmeldingOppdatering reads an arkivering.arkivmelding.oppdater payload.
func (m *Melding) ArkivmeldingOppdatering() (*ArkivmeldingOppdatering, error) {
	if err := m.expect("arkivmelding/oppdater", "an arkivmelding oppdater"); err != nil {
		return nil, err
	}
	r := &reader{}
	o := &ArkivmeldingOppdatering{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		p := "/arkivmeldingOppdatering/" + c.Tag
		switch c.Tag {
		case "mappeOppdateringer":
			o.Mappe = r.mappeOppdatering(p, c)
		case "registreringOppdateringer":
			o.Registrering = r.registreringOppdatering(p, c)
		case "dokumentbeskrivelseOppdateringer":
			o.Dokumentbeskrivelse = r.dokumentbeskrivelseOppdatering(p, c)
		default:
			r.unknown("/arkivmeldingOppdatering", c)
		}
	}
	o.Ukjent = r.ukjent
	return o, r.err
}

func (r *reader) tekstOppdatering(path string, e *etree.Element) *TekstOppdatering {
	t := &TekstOppdatering{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "slett":
			t.Slett = r.flag(path+"/slett", c)
		case "oppdatering":
			t.Oppdatering = c.Text()
		default:
			r.unknown(path, c)
		}
	}
	return t
}

func (r *reader) listeOppdatering(path string, e *etree.Element, l *ListeOppdatering) *ListeOppdatering {
	if l == nil {
		l = &ListeOppdatering{}
	}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "slett":
			l.Slett = append(l.Slett, c.Text())
		case "ny":
			l.Ny = append(l.Ny, c.Text())
		default:
			r.unknown(path, c)
		}
	}
	return l
}

func (r *reader) skjermingOppdateringer(path string, e *etree.Element) *SkjermingOppdateringer {
	s := &SkjermingOppdateringer{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "slett":
			s.Slett = r.flag(path+"/slett", c)
		case "oppdatering":
			o := &SkjermingOppdatering{}
			for _, cc := range c.ChildElements() {
				pp := path + "/oppdatering/" + cc.Tag
				switch cc.Tag {
				case "tilgangsrestriksjon":
					o.Tilgangsrestriksjon = r.kode(pp, cc)
				case "skjermingshjemmel":
					o.Skjermingshjemmel = cc.Text()
				case "skjermingOpphoererDato":
					o.SkjermingOpphoererDato = r.dato(pp, cc)
				case "skjermingOpphoererAksjon":
					o.SkjermingOpphoererAksjon = r.kode(pp, cc)
				default:
					r.unknown(path+"/oppdatering", cc)
				}
			}
			s.Oppdatering = o
		default:
			r.unknown(path, c)
		}
	}
	return s
}

func (r *reader) refKlassifikasjon(path string, e *etree.Element) ReferanseTilKlassifikasjon {
	var k ReferanseTilKlassifikasjon
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "klassifikasjonssystemID":
			k.KlassifikasjonssystemID = c.Text()
		case "klasseID":
			k.KlasseID = c.Text()
		default:
			r.unknown(path, c)
		}
	}
	return k
}

func (r *reader) klassifikasjonOppdateringer(path string, e *etree.Element) *KlassifikasjonOppdateringer {
	k := &KlassifikasjonOppdateringer{}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "oppdatering":
			var o KlassifikasjonOppdatering
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "referanseTilKlassifikasjon":
					o.ReferanseTilKlassifikasjon = r.refKlassifikasjon(p+"/referanseTilKlassifikasjon", cc)
				case "tittel":
					o.Tittel = cc.Text()
				case "erSkjermet":
					o.ErSkjermet = r.flag(p+"/erSkjermet", cc)
				default:
					r.unknown(p, cc)
				}
			}
			k.Oppdatering = append(k.Oppdatering, o)
		case "slett":
			for _, cc := range c.ChildElements() {
				if cc.Tag == "referanseTilKlassifikasjon" {
					k.Slett = append(k.Slett, r.refKlassifikasjon(p+"/referanseTilKlassifikasjon", cc))
				} else {
					r.unknown(p, cc)
				}
			}
		case "ny":
			k.Ny = append(k.Ny, r.klassifikasjon(p, c))
		default:
			r.unknown(path, c)
		}
	}
	return k
}

func (r *reader) mappeOppdatering(path string, e *etree.Element) *MappeOppdatering {
	m := &MappeOppdatering{}
	if xsiTypeOf(e) == "saksmappeOppdatering" {
		m.Saksmappe = &SaksmappeOppdatering{}
	}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "referanseTilMappe":
			m.ReferanseTilMappe = *r.refMappe(p, c)
		case "tittel":
			m.Tittel = c.Text()
		case "offentligTittel":
			m.OffentligTittel = c.Text()
		case "beskrivelse":
			m.Beskrivelse = r.tekstOppdatering(p, c)
		case "noekkelord":
			m.Noekkelord = r.listeOppdatering(p, c, nil)
		case "opprettetDato":
			m.OpprettetDato = r.tid(p, c)
		case "opprettetAv":
			m.OpprettetAv = c.Text()
		case "avsluttetDato":
			m.AvsluttetDato = r.tid(p, c)
		case "avsluttetAv":
			m.AvsluttetAv = c.Text()
		case "arkivdel":
			m.Arkivdel = r.kode(p, c)
		case "skjermingOppdateringer":
			m.Skjerming = r.skjermingOppdateringer(p, c)
		case "klassifikasjonOppdateringer":
			m.Klassifikasjon = r.klassifikasjonOppdateringer(p, c)
		case "referanseEksternNoekkel":
			m.ReferanseEksternNoekkel = r.noekkel(p, c)
		case "mappetype":
			m.Mappetype = r.kode(p, c)
		case "tilgangsgruppeNavn":
			m.TilgangsgruppeNavn = c.Text()
		default:
			if s := m.Saksmappe; s != nil {
				switch c.Tag {
				case "saksdato":
					s.Saksdato = r.dato(p, c)
					continue
				case "administrativEnhet":
					s.AdministrativEnhet = r.ident(p, c)
					continue
				case "saksansvarlig":
					s.Saksansvarlig = r.ident(p, c)
					continue
				case "saksstatus":
					s.Saksstatus = r.kode(p, c)
					continue
				}
			}
			r.unknown(path, c)
		}
	}
	return m
}

func (r *reader) registreringOppdatering(path string, e *etree.Element) *RegistreringOppdatering {
	o := &RegistreringOppdatering{}
	if xsiTypeOf(e) == "journalpostOppdatering" {
		o.Journalpost = &JournalpostOppdatering{}
	}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "referanseTilRegistrering":
			o.ReferanseTilRegistrering = *r.refRegistrering(p, c)
		case "opprettetDato":
			o.OpprettetDato = r.tid(p, c)
		case "opprettetAv":
			o.OpprettetAv = c.Text()
		case "arkivertDato":
			o.ArkivertDato = r.tid(p, c)
		case "arkivertAv":
			o.ArkivertAv = c.Text()
		case "referanseForelderMappe":
			o.ReferanseForelderMappe = r.refMappe(p, c)
		case "skjermingOppdateringer":
			o.Skjerming = r.skjermingOppdateringer(p, c)
		case "tittel":
			o.Tittel = c.Text()
		case "offentligTittel":
			o.OffentligTittel = c.Text()
		case "beskrivelse":
			o.Beskrivelse = r.tekstOppdatering(p, c)
		case "noekkelord":
			// maxOccurs unbounded here: the lists are read into one.
			o.Noekkelord = r.listeOppdatering(p, c, o.Noekkelord)
		case "korrespondansepartOppdateringer":
			k := &KorrespondansepartOppdateringer{}
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "slett":
					for _, id := range cc.ChildElements() {
						if id.Tag == "korrespondansepartID" {
							k.Slett = append(k.Slett, id.Text())
						} else {
							r.unknown(p+"/slett", id)
						}
					}
				case "ny":
					k.Ny = append(k.Ny, r.korrespondansepart(p+"/ny", cc))
				default:
					r.unknown(p, cc)
				}
			}
			o.Korrespondansepart = k
		case "klassifikasjonOppdateringer":
			o.Klassifikasjon = r.klassifikasjonOppdateringer(p, c)
		case "referanseEksternNoekkel":
			o.ReferanseEksternNoekkel = r.noekkel(p, c)
		case "tilgangsgruppeNavn":
			o.TilgangsgruppeNavn = c.Text()
		default:
			if j := o.Journalpost; j != nil {
				switch c.Tag {
				case "journalposttype":
					j.Journalposttype = r.kode(p, c)
					continue
				case "journalstatus":
					j.Journalstatus = r.kode(p, c)
					continue
				case "journaldato":
					j.Journaldato = r.dato(p, c)
					continue
				case "dokumentetsDato":
					j.DokumentetsDato = r.dato(p, c)
					continue
				case "mottattDato":
					j.MottattDato = r.tid(p, c)
					continue
				case "sendtDato":
					j.SendtDato = r.tid(p, c)
					continue
				case "forfallsdato":
					j.Forfallsdato = r.dato(p, c)
					continue
				case "offentlighetsvurdertDato":
					j.OffentlighetsvurdertDato = r.dato(p, c)
					continue
				case "journalenhet":
					j.Journalenhet = r.kode(p, c)
					continue
				case "avskrivningsdato":
					j.Avskrivningsdato = r.dato(p, c)
					continue
				}
			}
			r.unknown(path, c)
		}
	}
	return o
}

func (r *reader) dokumentbeskrivelseOppdatering(path string, e *etree.Element) *DokumentbeskrivelseOppdatering {
	d := &DokumentbeskrivelseOppdatering{}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "referanseTilDokumentbeskrivelse":
			d.ReferanseTilDokumentbeskrivelse = *r.refDokumentbeskrivelse(p, c)
		case "dokumenttype":
			d.Dokumenttype = r.kode(p, c)
		case "dokumentstatus":
			d.Dokumentstatus = r.kode(p, c)
		case "tittel":
			d.Tittel = c.Text()
		case "beskrivelse":
			d.Beskrivelse = r.tekstOppdatering(p, c)
		case "opprettetDato":
			d.OpprettetDato = r.tid(p, c)
		case "opprettetAv":
			d.OpprettetAv = c.Text()
		case "dokumentmedium":
			d.Dokumentmedium = r.kode(p, c)
		case "tilknyttetRegistreringSom":
			d.TilknyttetRegistreringSom = *r.kode(p, c)
		case "dokumentnummer":
			d.Dokumentnummer = r.intp(p, c)
		case "tilknyttetDato":
			d.TilknyttetDato = r.tid(p, c)
		case "tilknyttetAv":
			d.TilknyttetAv = c.Text()
		case "skjerming":
			d.Skjerming = r.skjermingOppdateringer(p, c)
		case "referanseEksternNoekkel":
			d.ReferanseEksternNoekkel = r.noekkel(p, c)
		default:
			r.unknown(path, c)
		}
	}
	return d
}
