package fiksarkiv

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/internal/mask"
	"github.com/fellesklient/fellesklient/noark5"
)

// Kode is a code value with its optional description (<kode>, <beskrivelse>).
type Kode struct {
	Kode        string
	Beskrivelse string
}

// NewKode is a Kode with only the code.
func NewKode(kode string) *Kode { return &Kode{Kode: kode} }

// Identifikator names a person or unit: administrativEnhet, saksbehandler, saksansvarlig.
type Identifikator struct {
	Navn          string
	Identifikator string
	Initialer     string
	Epostadresse  string
}

// EksternNoekkel is the case system's own key for an object (referanseEksternNoekkel): the
// way a fagsystem finds again what it archived, and what makes a resend idempotent.
type EksternNoekkel struct {
	Fagsystem string
	Noekkel   string
}

// ReferanseTilMappe points to a mappe by systemID, mappeID, saksnummer or external key.
type ReferanseTilMappe struct {
	SystemID                string
	MappeID                 string
	Saksnummer              *Saksnummer
	ReferanseEksternNoekkel *EksternNoekkel
}

// Klassifikasjon places a mappe or registrering in a classification system.
type Klassifikasjon struct {
	KlassifikasjonssystemID string
	KlasseID                string
	Tittel                  string
	ErSkjermet              *bool
}

// Skjerming is the access restriction.
type Skjerming struct {
	Tilgangsrestriksjon    Kode
	Skjermingshjemmel      string
	SkjermingOpphoererDato *noark5.Dato
}

// Korrespondansepart is a sender or recipient.
type Korrespondansepart struct {
	KorrespondansepartID   string
	Korrespondanseparttype Kode
	ErBehandlingsansvarlig *bool
	KorrespondansepartNavn string
	// Organisasjonid or Personid (a fødselsnummer: keep it out of logs).
	Organisasjonid     string
	Personid           string
	Postadresse        []string
	Postnummer         string
	Poststed           string
	Landkode           string
	Epostadresse       string
	Telefonnummer      []string
	Kontaktperson      string
	AdministrativEnhet *Identifikator
	Saksbehandler      *Identifikator
	ErSkjermet         *bool
	ErPersonnavn       *bool
	Forsendelsesmaate  *Kode
	DeresReferanse     string
}

// Dokumentobjekt is one file; Filnavn and ReferanseDokumentfil (the attachment's name in
// the message) are required.
type Dokumentobjekt struct {
	SystemID             string
	Versjonsnummer       *int
	Variantformat        *Kode
	Format               *Kode
	FormatDetaljer       string
	MimeType             string
	Filnavn              string
	ReferanseDokumentfil string
	Sjekksum             string
	SjekksumAlgoritme    string
	Filstoerrelse        *int64
}

// Dokumentbeskrivelse describes a document.
type Dokumentbeskrivelse struct {
	SystemID                  string
	Dokumenttype              *Kode
	Dokumentstatus            *Kode
	Tittel                    string
	Beskrivelse               string
	TilknyttetRegistreringSom Kode
	Dokumentnummer            *int
	Skjerming                 *Skjerming
	Dokumentobjekt            []Dokumentobjekt
	ReferanseEksternNoekkel   *EksternNoekkel
}

// Mappe is the mappe of an arkivmelding; set Saksmappe for a saksmappe.
type Mappe struct {
	SystemID                string
	MappeID                 string
	ReferanseForeldermappe  *ReferanseTilMappe
	Tittel                  string
	OffentligTittel         string
	Beskrivelse             string
	Noekkelord              []string
	Arkivdel                *Kode
	Skjerming               *Skjerming
	Klassifikasjon          []Klassifikasjon
	ReferanseEksternNoekkel *EksternNoekkel
	Mappetype               *Kode
	Saksmappe               *Saksmappe
}

// Saksmappe holds what a saksmappe adds.
type Saksmappe struct {
	Saksaar            *int
	Sakssekvensnummer  *int
	Saksdato           *noark5.Dato
	AdministrativEnhet *Identifikator
	Saksansvarlig      *Identifikator
	Journalenhet       *Kode
	Saksstatus         *Kode
}

// Registrering is the registrering of an arkivmelding; set Journalpost for a journalpost.
type Registrering struct {
	SystemID                string
	OpprettetDato           *noark5.Tidspunkt
	OpprettetAv             string
	ArkivertDato            *noark5.Tidspunkt
	ArkivertAv              string
	ReferanseForelderMappe  *ReferanseTilMappe
	Arkivdel                *Kode
	Skjerming               *Skjerming
	Dokumentbeskrivelse     []Dokumentbeskrivelse
	RegistreringsID         string
	Tittel                  string
	OffentligTittel         string
	Beskrivelse             string
	Noekkelord              []string
	Korrespondansepart      []Korrespondansepart
	Klassifikasjon          []Klassifikasjon
	ReferanseEksternNoekkel *EksternNoekkel
	Journalpost             *Journalpost
}

// Journalpost holds what a journalpost adds; Journalposttype is required.
type Journalpost struct {
	Journalaar               *int
	Journalsekvensnummer     *int
	Journalpostnummer        *int
	Journalposttype          Kode
	Journalstatus            *Kode
	Journaldato              *noark5.Dato
	DokumentetsDato          *noark5.Dato
	MottattDato              *noark5.Tidspunkt
	SendtDato                *noark5.Tidspunkt
	Forfallsdato             *noark5.Dato
	OffentlighetsvurdertDato *noark5.Dato
	AntallVedlegg            *int
	Avskrivningsdato         *noark5.Dato
}

// Arkivmelding is the payload of arkivering.arkivmelding.opprett: a mappe, a registrering,
// or both (the registrering then refers to the mappe).
type Arkivmelding struct {
	// Versjon is V2 (default) or V1.
	Versjon      string
	System       string
	Regel        string
	AntallFiler  int
	Mappe        *Mappe
	Registrering *Registrering
	// Ukjent lists, when read, the element paths this model does not hold (they would be
	// lost by writing the value back).
	Ukjent []string
}

// ValidationError lists what is wrong with an Arkivmelding; nothing was built.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string {
	return "fiksarkiv: invalid payload: " + strings.Join(e.Problems, "; ")
}

// Melding builds the payload, checking the schema's required elements first.
func (a *Arkivmelding) Melding() (*Melding, error) {
	v := a.Versjon
	if v == "" {
		v = V2
	}
	if v != V1 && v != V2 {
		return nil, &ValidationError{[]string{fmt.Sprintf("Versjon %q: want v1 or v2", v)}}
	}
	var p []string
	req := func(path, val string) {
		if strings.TrimSpace(val) == "" {
			p = append(p, path+" is required")
		}
	}
	req("system", a.System)
	if a.AntallFiler < 0 {
		p = append(p, "antallFiler is negative")
	}
	files := 0
	if a.Mappe != nil {
		req("mappe/tittel", a.Mappe.Tittel)
		for i, k := range a.Mappe.Klassifikasjon {
			req(fmt.Sprintf("mappe/klassifikasjon[%d]/klasseID", i+1), k.KlasseID)
		}
	}
	if r := a.Registrering; r != nil {
		req("registrering/tittel", r.Tittel)
		if r.ReferanseForelderMappe != nil && r.Arkivdel != nil {
			p = append(p, "registrering: referanseForelderMappe or arkivdel, not both")
		}
		if r.Journalpost != nil {
			req("registrering/journalposttype/kode", r.Journalpost.Journalposttype.Kode)
		}
		for i, d := range r.Dokumentbeskrivelse {
			dp := fmt.Sprintf("registrering/dokumentbeskrivelse[%d]", i+1)
			req(dp+"/tittel", d.Tittel)
			req(dp+"/tilknyttetRegistreringSom/kode", d.TilknyttetRegistreringSom.Kode)
			for j, o := range d.Dokumentobjekt {
				op := fmt.Sprintf("%s/dokumentobjekt[%d]", dp, j+1)
				req(op+"/filnavn", o.Filnavn)
				req(op+"/referanseDokumentfil", o.ReferanseDokumentfil)
				files++
			}
		}
		for i, k := range r.Korrespondansepart {
			kp := fmt.Sprintf("registrering/korrespondansepart[%d]", i+1)
			req(kp+"/korrespondanseparttype/kode", k.Korrespondanseparttype.Kode)
			req(kp+"/korrespondansepartNavn", k.KorrespondansepartNavn)
			if k.Organisasjonid != "" && k.Personid != "" {
				p = append(p, kp+": organisasjonid or personid, not both")
			}
		}
	}
	if a.Mappe == nil && a.Registrering == nil {
		p = append(p, "an arkivmelding holds a mappe, a registrering or both")
	}
	if files != a.AntallFiler && len(p) == 0 {
		p = append(p, fmt.Sprintf("antallFiler is %d but the message has %d dokumentobjekt", a.AntallFiler, files))
	}
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	b := &builder{mdk: Namespace("metadatakatalog", v)}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="utf-8"`)
	root := doc.CreateElement("arkivmelding")
	root.CreateAttr("xmlns", Namespace("arkivmelding/opprett", v))
	root.CreateAttr("xmlns:xsi", xsiNS)
	root.CreateAttr("xmlns:mdk", b.mdk)
	b.text(root, "system", a.System)
	b.text(root, "regel", a.Regel)
	root.CreateElement("antallFiler").SetText(strconv.Itoa(a.AntallFiler))
	if a.Mappe != nil {
		b.mappe(root, a.Mappe, v)
	}
	if a.Registrering != nil {
		b.registrering(root, a.Registrering, v)
	}
	return checked(&Melding{doc: doc, versjon: v, path: "arkivmelding/opprett"})
}

type builder struct{ mdk string }

func (b *builder) text(p *etree.Element, name, v string) {
	if v != "" {
		p.CreateElement(name).SetText(v)
	}
}

// mdkText is an element of the metadatakatalog namespace (inside its complex types).
func (b *builder) mdkText(p *etree.Element, name, v string) {
	if v != "" {
		p.CreateElement("mdk:" + name).SetText(v)
	}
}

func (b *builder) kode(p *etree.Element, name string, k *Kode) {
	if k == nil {
		return
	}
	e := p.CreateElement(name)
	b.mdkText(e, "kode", k.Kode)
	b.mdkText(e, "beskrivelse", k.Beskrivelse)
}

func (b *builder) ident(p *etree.Element, name string, i *Identifikator) {
	if i == nil {
		return
	}
	e := p.CreateElement(name)
	b.mdkText(e, "navn", i.Navn)
	b.mdkText(e, "identifikator", i.Identifikator)
	b.mdkText(e, "initialer", i.Initialer)
	b.mdkText(e, "epostadresse", i.Epostadresse)
}

func (b *builder) noekkel(p *etree.Element, name string, k *EksternNoekkel, mdk bool) {
	if k == nil {
		return
	}
	if mdk {
		name = "mdk:" + name
	}
	e := p.CreateElement(name)
	b.mdkText(e, "fagsystem", k.Fagsystem)
	b.mdkText(e, "noekkel", k.Noekkel)
}

func (b *builder) refMappe(p *etree.Element, name string, r *ReferanseTilMappe) {
	if r == nil {
		return
	}
	e := p.CreateElement(name)
	b.mdkText(e, "systemID", r.SystemID)
	b.mdkText(e, "mappeID", r.MappeID)
	if s := r.Saksnummer; s != nil {
		se := e.CreateElement("mdk:saksnummer")
		b.mdkNum(se, "saksaar", s.Saksaar)
		b.mdkNum(se, "sakssekvensnummer", s.Sakssekvensnummer)
	}
	b.noekkel(e, "referanseEksternNoekkel", r.ReferanseEksternNoekkel, true)
}

func (b *builder) dato(p *etree.Element, name string, d *noark5.Dato) {
	if d != nil {
		t, _ := d.MarshalText()
		p.CreateElement(name).SetText(string(t))
	}
}

func (b *builder) tid(p *etree.Element, name string, t *noark5.Tidspunkt) {
	if t != nil {
		s, _ := t.MarshalText()
		p.CreateElement(name).SetText(string(s))
	}
}

func (b *builder) num(p *etree.Element, name string, n *int) {
	if n != nil {
		p.CreateElement(name).SetText(strconv.Itoa(*n))
	}
}

func (b *builder) flag(p *etree.Element, name string, v *bool) {
	if v != nil {
		p.CreateElement(name).SetText(strconv.FormatBool(*v))
	}
}

func (b *builder) skjerming(p *etree.Element, s *Skjerming) {
	if s == nil {
		return
	}
	e := p.CreateElement("skjerming")
	b.kode(e, "tilgangsrestriksjon", &s.Tilgangsrestriksjon)
	b.text(e, "skjermingshjemmel", s.Skjermingshjemmel)
	b.dato(e, "skjermingOpphoererDato", s.SkjermingOpphoererDato)
}

func (b *builder) klassifikasjon(p *etree.Element, ks []Klassifikasjon) {
	for i := range ks {
		b.klassifikasjonAs(p, "klassifikasjon", &ks[i], "")
	}
}

// klassifikasjonAs writes a klassifikasjon, its children with prefix (the arkivmelding
// namespace's, when the element sits in another message).
func (b *builder) klassifikasjonAs(p *etree.Element, name string, k *Klassifikasjon, prefix string) {
	e := p.CreateElement(name)
	b.text(e, prefix+"klassifikasjonssystemID", k.KlassifikasjonssystemID)
	b.text(e, prefix+"klasseID", k.KlasseID)
	b.text(e, prefix+"tittel", k.Tittel)
	b.flag(e, prefix+"erSkjermet", k.ErSkjermet)
}

func (b *builder) mappe(p *etree.Element, m *Mappe, v string) {
	e := p.CreateElement("mappe")
	if m.Saksmappe != nil {
		e.CreateAttr("xsi:type", "saksmappe")
	}
	b.text(e, "systemID", m.SystemID)
	b.text(e, "mappeID", m.MappeID)
	b.refMappe(e, "referanseForeldermappe", m.ReferanseForeldermappe)
	b.text(e, "tittel", m.Tittel)
	b.text(e, "offentligTittel", m.OffentligTittel)
	b.text(e, "beskrivelse", m.Beskrivelse)
	for _, n := range m.Noekkelord {
		b.text(e, "noekkelord", n)
	}
	b.kode(e, "arkivdel", m.Arkivdel)
	b.skjerming(e, m.Skjerming)
	b.klassifikasjon(e, m.Klassifikasjon)
	b.noekkel(e, "referanseEksternNoekkel", m.ReferanseEksternNoekkel, false)
	b.kode(e, "mappetype", m.Mappetype)
	if s := m.Saksmappe; s != nil {
		b.num(e, "saksaar", s.Saksaar)
		b.num(e, "sakssekvensnummer", s.Sakssekvensnummer)
		b.dato(e, "saksdato", s.Saksdato)
		b.ident(e, "administrativEnhet", s.AdministrativEnhet)
		b.ident(e, "saksansvarlig", s.Saksansvarlig)
		b.kode(e, "journalenhet", s.Journalenhet)
		b.kode(e, "saksstatus", s.Saksstatus)
	}
}

// korrespondansepart writes a korrespondansepart, its children with prefix.
func (b *builder) korrespondansepart(p *etree.Element, name string, k *Korrespondansepart, prefix string) {
	ke := p.CreateElement(name)
	t := func(n, v string) { b.text(ke, prefix+n, v) }
	t("korrespondansepartID", k.KorrespondansepartID)
	b.kode(ke, prefix+"korrespondanseparttype", &k.Korrespondanseparttype)
	b.flag(ke, prefix+"erBehandlingsansvarlig", k.ErBehandlingsansvarlig)
	t("korrespondansepartNavn", k.KorrespondansepartNavn)
	t("organisasjonid", k.Organisasjonid)
	t("personid", k.Personid)
	for _, a := range k.Postadresse {
		t("postadresse", a)
	}
	t("postnummer", k.Postnummer)
	t("poststed", k.Poststed)
	t("landkode", k.Landkode)
	t("epostadresse", k.Epostadresse)
	for _, n := range k.Telefonnummer {
		t("telefonnummer", n)
	}
	t("kontaktperson", k.Kontaktperson)
	b.ident(ke, prefix+"administrativEnhet", k.AdministrativEnhet)
	b.ident(ke, prefix+"saksbehandler", k.Saksbehandler)
	b.flag(ke, prefix+"erSkjermet", k.ErSkjermet)
	b.flag(ke, prefix+"erPersonnavn", k.ErPersonnavn)
	b.kode(ke, prefix+"forsendelsesmaate", k.Forsendelsesmaate)
	t("deresReferanse", k.DeresReferanse)
}

// dokumentobjekt writes a dokumentobjekt, its children with prefix (they are in the
// arkivmelding namespace, bound to prefix, when the element sits in another message).
func (b *builder) dokumentobjekt(p *etree.Element, name string, o *Dokumentobjekt, prefix string) {
	oe := p.CreateElement(name)
	t := func(n, v string) { b.text(oe, prefix+n, v) }
	t("systemID", o.SystemID)
	b.num(oe, prefix+"versjonsnummer", o.Versjonsnummer)
	b.kode(oe, prefix+"variantformat", o.Variantformat)
	b.kode(oe, prefix+"format", o.Format)
	t("formatDetaljer", o.FormatDetaljer)
	t("mimeType", o.MimeType)
	t("filnavn", o.Filnavn)
	t("referanseDokumentfil", o.ReferanseDokumentfil)
	t("sjekksum", o.Sjekksum)
	t("sjekksumAlgoritme", o.SjekksumAlgoritme)
	if o.Filstoerrelse != nil {
		oe.CreateElement(prefix + "filstoerrelse").SetText(strconv.FormatInt(*o.Filstoerrelse, 10))
	}
}

func (b *builder) registrering(p *etree.Element, r *Registrering, v string) {
	e := p.CreateElement("registrering")
	if r.Journalpost != nil {
		e.CreateAttr("xsi:type", "journalpost")
	}
	b.text(e, "systemID", r.SystemID)
	b.tid(e, "opprettetDato", r.OpprettetDato)
	b.text(e, "opprettetAv", r.OpprettetAv)
	b.tid(e, "arkivertDato", r.ArkivertDato)
	b.text(e, "arkivertAv", r.ArkivertAv)
	b.refMappe(e, "referanseForelderMappe", r.ReferanseForelderMappe)
	b.kode(e, "arkivdel", r.Arkivdel)
	b.skjerming(e, r.Skjerming)
	for _, d := range r.Dokumentbeskrivelse {
		de := e.CreateElement("dokumentbeskrivelse")
		b.text(de, "systemID", d.SystemID)
		b.kode(de, "dokumenttype", d.Dokumenttype)
		b.kode(de, "dokumentstatus", d.Dokumentstatus)
		b.text(de, "tittel", d.Tittel)
		b.text(de, "beskrivelse", d.Beskrivelse)
		b.kode(de, "tilknyttetRegistreringSom", &d.TilknyttetRegistreringSom)
		b.num(de, "dokumentnummer", d.Dokumentnummer)
		b.skjerming(de, d.Skjerming)
		for i := range d.Dokumentobjekt {
			b.dokumentobjekt(de, "dokumentobjekt", &d.Dokumentobjekt[i], "")
		}
		b.noekkel(de, "referanseEksternNoekkel", d.ReferanseEksternNoekkel, false)
	}
	b.text(e, "registreringsID", r.RegistreringsID)
	b.text(e, "tittel", r.Tittel)
	b.text(e, "offentligTittel", r.OffentligTittel)
	b.text(e, "beskrivelse", r.Beskrivelse)
	for _, n := range r.Noekkelord {
		b.text(e, "noekkelord", n)
	}
	for i := range r.Korrespondansepart {
		b.korrespondansepart(e, "korrespondansepart", &r.Korrespondansepart[i], "")
	}
	b.klassifikasjon(e, r.Klassifikasjon)
	b.noekkel(e, "referanseEksternNoekkel", r.ReferanseEksternNoekkel, false)
	if j := r.Journalpost; j != nil {
		b.num(e, "journalaar", j.Journalaar)
		b.num(e, "journalsekvensnummer", j.Journalsekvensnummer)
		b.num(e, "journalpostnummer", j.Journalpostnummer)
		b.kode(e, "journalposttype", &j.Journalposttype)
		b.kode(e, "journalstatus", j.Journalstatus)
		b.dato(e, "journaldato", j.Journaldato)
		b.dato(e, "dokumentetsDato", j.DokumentetsDato)
		b.tid(e, "mottattDato", j.MottattDato)
		b.tid(e, "sendtDato", j.SendtDato)
		b.dato(e, "forfallsdato", j.Forfallsdato)
		b.dato(e, "offentlighetsvurdertDato", j.OffentlighetsvurdertDato)
		b.num(e, "antallVedlegg", j.AntallVedlegg)
		b.dato(e, "avskrivningsdato", j.Avskrivningsdato)
	}
}

// Arkivmelding reads an arkivmelding opprett payload into the typed model. Elements the
// model does not hold are listed in Ukjent.
func (m *Melding) Arkivmelding() (*Arkivmelding, error) {
	if m.path != "arkivmelding/opprett" {
		return nil, fmt.Errorf("fiksarkiv: %s is not an arkivmelding opprett", m.Meldingstype())
	}
	r := &reader{}
	a := &Arkivmelding{Versjon: m.versjon}
	root := m.doc.Root()
	for _, c := range root.ChildElements() {
		switch c.Tag {
		case "system":
			a.System = c.Text()
		case "regel":
			a.Regel = c.Text()
		case "antallFiler":
			a.AntallFiler = r.int("/arkivmelding/antallFiler", c)
		case "mappe":
			a.Mappe = r.mappe(c)
		case "registrering":
			a.Registrering = r.registrering(c)
		default:
			r.unknown("/arkivmelding", c)
		}
	}
	a.Ukjent = r.ukjent
	if r.err != nil {
		return nil, r.err
	}
	return a, nil
}

type reader struct {
	ukjent []string
	err    error
}

func (r *reader) unknown(path string, e *etree.Element) {
	r.ukjent = append(r.ukjent, path+"/"+e.Tag)
}

func (r *reader) fail(path, format string, a ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("fiksarkiv: %s: %s", path, mask.IdentityNumbers(fmt.Sprintf(format, a...)))
	}
}

func (r *reader) int(path string, e *etree.Element) int {
	n, err := strconv.Atoi(strings.TrimSpace(e.Text()))
	if err != nil {
		r.fail(path, "%q is not an integer", e.Text())
	}
	return n
}

func (r *reader) intp(path string, e *etree.Element) *int {
	n := r.int(path, e)
	return &n
}

func (r *reader) flag(path string, e *etree.Element) *bool {
	v, err := strconv.ParseBool(strings.TrimSpace(e.Text()))
	if err != nil {
		r.fail(path, "%q is not a boolean", e.Text())
	}
	return &v
}

func (r *reader) dato(path string, e *etree.Element) *noark5.Dato {
	d := new(noark5.Dato)
	if err := d.UnmarshalText([]byte(e.Text())); err != nil {
		r.fail(path, "%v", err)
	}
	return d
}

func (r *reader) tid(path string, e *etree.Element) *noark5.Tidspunkt {
	t := new(noark5.Tidspunkt)
	if err := t.UnmarshalText([]byte(e.Text())); err != nil {
		r.fail(path, "%v", err)
	}
	return t
}

func (r *reader) kode(path string, e *etree.Element) *Kode {
	k := &Kode{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "kode":
			k.Kode = c.Text()
		case "beskrivelse":
			k.Beskrivelse = c.Text()
		default:
			r.unknown(path, c)
		}
	}
	return k
}

func (r *reader) ident(path string, e *etree.Element) *Identifikator {
	i := &Identifikator{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "navn":
			i.Navn = c.Text()
		case "identifikator":
			i.Identifikator = c.Text()
		case "initialer":
			i.Initialer = c.Text()
		case "epostadresse":
			i.Epostadresse = c.Text()
		default:
			r.unknown(path, c)
		}
	}
	return i
}

func (r *reader) noekkel(path string, e *etree.Element) *EksternNoekkel {
	k := &EksternNoekkel{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "fagsystem":
			k.Fagsystem = c.Text()
		case "noekkel":
			k.Noekkel = c.Text()
		default:
			r.unknown(path, c)
		}
	}
	return k
}

func (r *reader) refMappe(path string, e *etree.Element) *ReferanseTilMappe {
	m := &ReferanseTilMappe{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "systemID":
			m.SystemID = c.Text()
		case "mappeID":
			m.MappeID = c.Text()
		case "saksnummer":
			m.Saksnummer = r.saksnummer(path+"/saksnummer", c)
		case "referanseEksternNoekkel":
			m.ReferanseEksternNoekkel = r.noekkel(path+"/referanseEksternNoekkel", c)
		default:
			r.unknown(path, c)
		}
	}
	return m
}

func (r *reader) skjerming(path string, e *etree.Element) *Skjerming {
	s := &Skjerming{}
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "tilgangsrestriksjon":
			s.Tilgangsrestriksjon = *r.kode(path+"/tilgangsrestriksjon", c)
		case "skjermingshjemmel":
			s.Skjermingshjemmel = c.Text()
		case "skjermingOpphoererDato":
			s.SkjermingOpphoererDato = r.dato(path+"/skjermingOpphoererDato", c)
		default:
			r.unknown(path, c)
		}
	}
	return s
}

func (r *reader) klassifikasjon(path string, e *etree.Element) Klassifikasjon {
	var k Klassifikasjon
	for _, c := range e.ChildElements() {
		switch c.Tag {
		case "klassifikasjonssystemID":
			k.KlassifikasjonssystemID = c.Text()
		case "klasseID":
			k.KlasseID = c.Text()
		case "tittel":
			k.Tittel = c.Text()
		case "erSkjermet":
			k.ErSkjermet = r.flag(path+"/erSkjermet", c)
		default:
			r.unknown(path, c)
		}
	}
	return k
}

func xsiTypeOf(e *etree.Element) string {
	for _, a := range e.Attr {
		if a.Key == "type" && a.NamespaceURI() == xsiNS {
			v := a.Value
			if _, local, ok := strings.Cut(v, ":"); ok {
				v = local
			}
			return v
		}
	}
	return ""
}

func (r *reader) mappe(e *etree.Element) *Mappe {
	path := "/arkivmelding/mappe"
	m := &Mappe{}
	if t := xsiTypeOf(e); t == "saksmappe" {
		m.Saksmappe = &Saksmappe{}
	} else if t != "" && t != "mappe" {
		r.fail(path, "xsi:type %q is not handled", t)
	}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "systemID":
			m.SystemID = c.Text()
		case "mappeID":
			m.MappeID = c.Text()
		case "referanseForeldermappe":
			m.ReferanseForeldermappe = r.refMappe(p, c)
		case "tittel":
			m.Tittel = c.Text()
		case "offentligTittel":
			m.OffentligTittel = c.Text()
		case "beskrivelse":
			m.Beskrivelse = c.Text()
		case "noekkelord":
			m.Noekkelord = append(m.Noekkelord, c.Text())
		case "arkivdel":
			m.Arkivdel = r.kode(p, c)
		case "skjerming":
			m.Skjerming = r.skjerming(p, c)
		case "klassifikasjon":
			m.Klassifikasjon = append(m.Klassifikasjon, r.klassifikasjon(p, c))
		case "referanseEksternNoekkel":
			m.ReferanseEksternNoekkel = r.noekkel(p, c)
		case "mappetype":
			m.Mappetype = r.kode(p, c)
		default:
			s := m.Saksmappe
			if s == nil {
				r.unknown(path, c)
				continue
			}
			switch c.Tag {
			case "saksaar":
				s.Saksaar = r.intp(p, c)
			case "sakssekvensnummer":
				s.Sakssekvensnummer = r.intp(p, c)
			case "saksdato":
				s.Saksdato = r.dato(p, c)
			case "administrativEnhet":
				s.AdministrativEnhet = r.ident(p, c)
			case "saksansvarlig":
				s.Saksansvarlig = r.ident(p, c)
			case "journalenhet":
				s.Journalenhet = r.kode(p, c)
			case "saksstatus":
				s.Saksstatus = r.kode(p, c)
			default:
				r.unknown(path, c)
			}
		}
	}
	return m
}

func (r *reader) registrering(e *etree.Element) *Registrering {
	path := "/arkivmelding/registrering"
	reg := &Registrering{}
	if t := xsiTypeOf(e); t == "journalpost" {
		reg.Journalpost = &Journalpost{}
	} else if t != "" && t != "registrering" {
		r.fail(path, "xsi:type %q is not handled", t)
	}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "systemID":
			reg.SystemID = c.Text()
		case "opprettetDato":
			reg.OpprettetDato = r.tid(p, c)
		case "opprettetAv":
			reg.OpprettetAv = c.Text()
		case "arkivertDato":
			reg.ArkivertDato = r.tid(p, c)
		case "arkivertAv":
			reg.ArkivertAv = c.Text()
		case "referanseForelderMappe":
			reg.ReferanseForelderMappe = r.refMappe(p, c)
		case "arkivdel":
			reg.Arkivdel = r.kode(p, c)
		case "skjerming":
			reg.Skjerming = r.skjerming(p, c)
		case "dokumentbeskrivelse":
			reg.Dokumentbeskrivelse = append(reg.Dokumentbeskrivelse, r.dokumentbeskrivelse(p, c))
		case "registreringsID":
			reg.RegistreringsID = c.Text()
		case "tittel":
			reg.Tittel = c.Text()
		case "offentligTittel":
			reg.OffentligTittel = c.Text()
		case "beskrivelse":
			reg.Beskrivelse = c.Text()
		case "noekkelord":
			reg.Noekkelord = append(reg.Noekkelord, c.Text())
		case "korrespondansepart":
			reg.Korrespondansepart = append(reg.Korrespondansepart, r.korrespondansepart(p, c))
		case "klassifikasjon":
			reg.Klassifikasjon = append(reg.Klassifikasjon, r.klassifikasjon(p, c))
		case "referanseEksternNoekkel":
			reg.ReferanseEksternNoekkel = r.noekkel(p, c)
		default:
			j := reg.Journalpost
			if j == nil {
				r.unknown(path, c)
				continue
			}
			switch c.Tag {
			case "journalaar":
				j.Journalaar = r.intp(p, c)
			case "journalsekvensnummer":
				j.Journalsekvensnummer = r.intp(p, c)
			case "journalpostnummer":
				j.Journalpostnummer = r.intp(p, c)
			case "journalposttype":
				j.Journalposttype = *r.kode(p, c)
			case "journalstatus":
				j.Journalstatus = r.kode(p, c)
			case "journaldato":
				j.Journaldato = r.dato(p, c)
			case "dokumentetsDato":
				j.DokumentetsDato = r.dato(p, c)
			case "mottattDato":
				j.MottattDato = r.tid(p, c)
			case "sendtDato":
				j.SendtDato = r.tid(p, c)
			case "forfallsdato":
				j.Forfallsdato = r.dato(p, c)
			case "offentlighetsvurdertDato":
				j.OffentlighetsvurdertDato = r.dato(p, c)
			case "antallVedlegg":
				j.AntallVedlegg = r.intp(p, c)
			case "avskrivningsdato":
				j.Avskrivningsdato = r.dato(p, c)
			default:
				r.unknown(path, c)
			}
		}
	}
	return reg
}

func (r *reader) dokumentbeskrivelse(path string, e *etree.Element) Dokumentbeskrivelse {
	var d Dokumentbeskrivelse
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "systemID":
			d.SystemID = c.Text()
		case "dokumenttype":
			d.Dokumenttype = r.kode(p, c)
		case "dokumentstatus":
			d.Dokumentstatus = r.kode(p, c)
		case "tittel":
			d.Tittel = c.Text()
		case "beskrivelse":
			d.Beskrivelse = c.Text()
		case "tilknyttetRegistreringSom":
			d.TilknyttetRegistreringSom = *r.kode(p, c)
		case "dokumentnummer":
			d.Dokumentnummer = r.intp(p, c)
		case "skjerming":
			d.Skjerming = r.skjerming(p, c)
		case "referanseEksternNoekkel":
			d.ReferanseEksternNoekkel = r.noekkel(p, c)
		case "dokumentobjekt":
			d.Dokumentobjekt = append(d.Dokumentobjekt, r.dokumentobjekt(p, c))
		default:
			r.unknown(path, c)
		}
	}
	return d
}

func (r *reader) dokumentobjekt(p string, c *etree.Element) Dokumentobjekt {
	var o Dokumentobjekt
	for _, oc := range c.ChildElements() {
		op := p + "/" + oc.Tag
		switch oc.Tag {
		case "systemID":
			o.SystemID = oc.Text()
		case "versjonsnummer":
			o.Versjonsnummer = r.intp(op, oc)
		case "variantformat":
			o.Variantformat = r.kode(op, oc)
		case "format":
			o.Format = r.kode(op, oc)
		case "formatDetaljer":
			o.FormatDetaljer = oc.Text()
		case "mimeType":
			o.MimeType = oc.Text()
		case "filnavn":
			o.Filnavn = oc.Text()
		case "referanseDokumentfil":
			o.ReferanseDokumentfil = oc.Text()
		case "sjekksum":
			o.Sjekksum = oc.Text()
		case "sjekksumAlgoritme":
			o.SjekksumAlgoritme = oc.Text()
		case "filstoerrelse":
			n, err := strconv.ParseInt(strings.TrimSpace(oc.Text()), 10, 64)
			if err != nil {
				r.fail(op, "%q is not an integer", oc.Text())
			}
			o.Filstoerrelse = &n
		default:
			r.unknown(p, oc)
		}
	}
	return o
}

func (r *reader) korrespondansepart(path string, e *etree.Element) Korrespondansepart {
	var k Korrespondansepart
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "korrespondansepartID":
			k.KorrespondansepartID = c.Text()
		case "korrespondanseparttype":
			k.Korrespondanseparttype = *r.kode(p, c)
		case "erBehandlingsansvarlig":
			k.ErBehandlingsansvarlig = r.flag(p, c)
		case "korrespondansepartNavn":
			k.KorrespondansepartNavn = c.Text()
		case "organisasjonid":
			k.Organisasjonid = c.Text()
		case "personid":
			k.Personid = c.Text()
		case "postadresse":
			k.Postadresse = append(k.Postadresse, c.Text())
		case "postnummer":
			k.Postnummer = c.Text()
		case "poststed":
			k.Poststed = c.Text()
		case "landkode":
			k.Landkode = c.Text()
		case "epostadresse":
			k.Epostadresse = c.Text()
		case "telefonnummer":
			k.Telefonnummer = append(k.Telefonnummer, c.Text())
		case "kontaktperson":
			k.Kontaktperson = c.Text()
		case "administrativEnhet":
			k.AdministrativEnhet = r.ident(p, c)
		case "saksbehandler":
			k.Saksbehandler = r.ident(p, c)
		case "erSkjermet":
			k.ErSkjermet = r.flag(p, c)
		case "erPersonnavn":
			k.ErPersonnavn = r.flag(p, c)
		case "forsendelsesmaate":
			k.Forsendelsesmaate = r.kode(p, c)
		case "deresReferanse":
			k.DeresReferanse = c.Text()
		default:
			r.unknown(path, c)
		}
	}
	return k
}
