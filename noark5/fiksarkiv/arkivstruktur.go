package fiksarkiv

import (
	"fmt"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/noark5"
)

// The archive's own view of its records (arkivstruktur), as the mappe and registrering hent
// results and the sok resultat utvidet carry them. The model holds the Noark 5 core: the
// mappe/saksmappe with its parts, cross references, remarks, skjerming, classes and
// children; the registrering/journalpost with its documents and correspondents. Kassasjon,
// gradering, presedens, elektronisk signatur, konvertering, sletting, the spatial and
// property references (matrikkel, bygg, plan, punkt, adresse), dokumentflyt, avskrivning,
// møte and virksomhetsspesifikke metadata are listed in Ukjent when read.

// ArkivMappe is a mappe as the archive holds it; Saksmappe set: a saksmappe.
type ArkivMappe struct {
	SystemID                string
	MappeID                 string
	ReferanseForeldermappe  *ReferanseTilMappe
	Tittel                  string
	OffentligTittel         string
	Beskrivelse             string
	Noekkelord              []string
	Dokumentmedium          *Kode
	OpprettetDato           noark5.Tidspunkt
	OpprettetAv             string
	AvsluttetDato           *noark5.Tidspunkt
	AvsluttetAv             string
	Arkivdel                *Kode
	Part                    []Part
	Kryssreferanse          []Kryssreferanse
	Merknad                 []Merknad
	Skjerming               *SkjermingMinimum
	Klassifikasjon          []ArkivKlassifikasjon
	ReferanseEksternNoekkel *EksternNoekkel
	// Mapper or Registreringer: the children the archive included (one kind).
	Mapper         []ArkivMappe
	Registreringer []ArkivRegistrering
	Mappetype      *Kode
	// TilgangsgruppeNavn is V2 only.
	TilgangsgruppeNavn string
	Saksmappe          *ArkivSaksmappe
}

// ArkivSaksmappe are a saksmappe's own fields.
type ArkivSaksmappe struct {
	Saksaar            int
	Sakssekvensnummer  int
	Saksdato           noark5.Dato
	AdministrativEnhet Identifikator
	Saksansvarlig      Identifikator
	Journalenhet       *Kode
	Saksstatus         Kode
}

// Part is a party to a case or record. PersonID is a fødselsnummer or D-nummer: printing
// masks it, the payload keeps it.
type Part struct {
	PartID                 string
	PartNavn               string
	PartRolle              Kode
	OrganisasjonID         string
	OrganisasjonIDLandkode string
	PersonID               string
	// PersonIDLandkode is the country of PersonID (written NO when empty: the schema requires one).
	PersonIDLandkode string
	Postadresse      []string
	Postnummer       string
	Poststed         string
	Landkode         string
	Epostadresse     string
	Telefonnummer    []string
	Kontaktperson    string
	ErSkjermet       *bool
	ErPersonnavn     *bool
}

// Kryssreferanse points from a record to another.
type Kryssreferanse struct {
	KryssreferanseID                string
	ReferanseTilMappe               *ReferanseTilMappe
	ReferanseTilRegistrering        *ReferanseTilRegistrering
	ReferanseTilDokumentbeskrivelse *ReferanseTilDokumentbeskrivelse
}

// Merknad is a remark.
type Merknad struct {
	MerknadID           string
	Merknadstekst       string
	Merknadstype        *Kode
	Merknadsdato        *noark5.Tidspunkt
	MerknadRegistrertAv string
	ErSkjermet          *bool
}

// ArkivKlassifikasjon is a class of a mappe or registrering.
type ArkivKlassifikasjon struct {
	KlassifikasjonID        string
	KlassifikasjonssystemID string
	KlasseID                string
	Tittel                  string
	ErSkjermet              *bool
}

// ArkivRegistrering is a registrering as the archive holds it; Journalpost set: a
// journalpost (Journalpost.Saksmappe set: a journalpost with its saksmappe).
type ArkivRegistrering struct {
	SystemID                string
	OpprettetDato           noark5.Tidspunkt
	OpprettetAv             string
	ArkivertDato            *noark5.Tidspunkt
	ArkivertAv              string
	ReferanseForelderMappe  *ReferanseTilMappe
	Arkivdel                *Kode
	Part                    []Part
	Skjerming               *SkjermingMinimum
	Dokumentbeskrivelse     []ArkivDokumentbeskrivelse
	RegistreringsID         string
	Tittel                  string
	OffentligTittel         string
	Beskrivelse             string
	Noekkelord              []string
	Forfatter               []string
	Dokumentmedium          *Kode
	Merknad                 []Merknad
	Kryssreferanse          []Kryssreferanse
	Korrespondansepart      []Korrespondansepart
	Klassifikasjon          []ArkivKlassifikasjon
	ReferanseEksternNoekkel *EksternNoekkel
	// TilgangsgruppeNavn is V2 only.
	TilgangsgruppeNavn string
	Journalpost        *ArkivJournalpost
}

// ArkivJournalpost are a journalpost's own fields.
type ArkivJournalpost struct {
	Journalaar               int
	Journalsekvensnummer     int
	Journalpostnummer        int
	Journalposttype          Kode
	Journalstatus            Kode
	Journaldato              noark5.Dato
	DokumentetsDato          *noark5.Dato
	MottattDato              *noark5.Tidspunkt
	SendtDato                *noark5.Tidspunkt
	Forfallsdato             *noark5.Dato
	OffentlighetsvurdertDato *noark5.Dato
	AntallVedlegg            *int
	Journalenhet             *Kode
	// Avskrivningsdato is required by arkivstruktur.xsd (V1 and V2) even for a journalpost
	// that is not signed off; Melding refuses a nil one.
	Avskrivningsdato *noark5.Dato
	Saksmappe        *ArkivSaksmappe
}

// ArkivDokumentbeskrivelse is a document as the archive holds it.
type ArkivDokumentbeskrivelse struct {
	SystemID                  string
	Dokumenttype              Kode
	Dokumentstatus            Kode
	Tittel                    string
	Beskrivelse               string
	Forfatter                 []string
	OpprettetDato             noark5.Tidspunkt
	OpprettetAv               string
	Dokumentmedium            *Kode
	Arkivdel                  *Kode
	TilknyttetRegistreringSom Kode
	Dokumentnummer            int
	TilknyttetDato            noark5.Tidspunkt
	TilknyttetAv              string
	Part                      []Part
	Merknad                   []Merknad
	Skjerming                 *SkjermingMinimum
	Dokumentobjekt            []ArkivDokumentobjekt
}

// ArkivDokumentobjekt is a file as the archive holds it.
type ArkivDokumentobjekt struct {
	SystemID             string
	Versjonsnummer       int
	Variantformat        Kode
	Filnavn              string
	Format               Kode
	MimeType             string
	FormatDetaljer       string
	OpprettetDato        noark5.Tidspunkt
	OpprettetAv          string
	ReferanseDokumentfil string
	Sjekksum             string
	SjekksumAlgoritme    string
	Filstoerrelse        int
}

// MappeHentResultat is the payload of innsyn.mappe.hent.resultat (mappe.xml).
type MappeHentResultat struct {
	header
	Mappe *ArkivMappe
}

// RegistreringHentResultat is the payload of innsyn.registrering.hent.resultat
// (registrering.xml).
type RegistreringHentResultat struct {
	header
	Registrering *ArkivRegistrering
}

// Sokeresultat is the payload of innsyn.sok.resultat.utvidet (resultat.xml): a page of
// hits in full.
type Sokeresultat struct {
	header
	Side
	Resultater []ResultatUtvidet
}

// ResultatUtvidet is one hit in full: one of the three set.
type ResultatUtvidet struct {
	Mappe               *ArkivMappe
	Registrering        *ArkivRegistrering
	Dokumentbeskrivelse *ArkivDokumentbeskrivelse
}

// Melding builds the payload; the schema's rules are checked before it is handed out.
func (h *MappeHentResultat) Melding() (*Melding, error) {
	v, p := h.versjon()
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("mappe/hent/resultat", v)
	root.CreateAttr("xmlns:as", Namespace("arkivstruktur", v))
	if h.Mappe != nil {
		b.arkivMappe(root, h.Mappe, "")
	}
	return checked(&Melding{doc: doc, versjon: v, path: "mappe/hent/resultat"})
}

// Melding builds the payload; the schema's rules are checked before it is handed out.
func (h *RegistreringHentResultat) Melding() (*Melding, error) {
	v, p := h.versjon()
	if h.Registrering != nil && h.Registrering.Journalpost != nil && h.Registrering.Journalpost.Saksmappe != nil {
		p = append(p, "a registrering hent resultat holds a registrering or journalpost, not a journalpostMedSaksmappe")
	}
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("registrering/hent/resultat", v)
	root.CreateAttr("xmlns:as", Namespace("arkivstruktur", v))
	if h.Registrering != nil {
		b.arkivRegistrering(root, h.Registrering, "")
	}
	return checked(&Melding{doc: doc, versjon: v, path: "registrering/hent/resultat"})
}

// Meldingstype is innsyn.sok.resultat.utvidet.
func (s *Sokeresultat) Meldingstype() string { return TypeSokResultatUtvidet }

// Melding builds the payload; the schema's rules are checked before it is handed out.
func (s *Sokeresultat) Melding() (*Melding, error) {
	v, p := s.versjon()
	resultattype(&p, s.Resultattype)
	for i, r := range s.Resultater {
		n := 0
		for _, set := range []bool{r.Mappe != nil, r.Registrering != nil, r.Dokumentbeskrivelse != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			p = append(p, fmt.Sprintf("resultatListe/resultat[%d]: one mappe, registrering or dokumentbeskrivelse", i+1))
		}
	}
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("sokeresultat/utvidet", v)
	root.CreateAttr("xmlns:as", Namespace("arkivstruktur", v))
	b.side(root, &s.Side)
	list := root.CreateElement("resultatListe")
	for i := range s.Resultater {
		r := &s.Resultater[i]
		e := list.CreateElement("resultat")
		switch {
		case r.Mappe != nil:
			b.arkivMappe(e, r.Mappe, "")
		case r.Registrering != nil:
			b.arkivRegistrering(e, r.Registrering, "")
		default:
			b.arkivDokumentbeskrivelse(e, "dokumentbeskrivelse", r.Dokumentbeskrivelse)
		}
	}
	return checked(&Melding{doc: doc, versjon: v, path: "sokeresultat/utvidet"})
}

// arkivMappe writes a mappe under p: named by its kind, in the element's namespace for a
// result's item (prefix ""), in arkivstruktur's for a child mappe (prefix "as:").
func (b *builder) arkivMappe(p *etree.Element, m *ArkivMappe, prefix string) {
	name := "mappe"
	if m.Saksmappe != nil {
		name = "saksmappe"
		if prefix != "" {
			// A child mappe is an as:mappe of xsi:type saksmappe.
			name = "mappe"
		}
	}
	e := p.CreateElement(prefix + name)
	if m.Saksmappe != nil && prefix != "" {
		e.CreateAttr("xsi:type", "as:saksmappe")
	}
	t := func(n, v string) { b.text(e, as+n, v) }
	t("systemID", m.SystemID)
	t("mappeID", m.MappeID)
	b.refMappe(e, as+"referanseForeldermappe", m.ReferanseForeldermappe)
	t("tittel", m.Tittel)
	t("offentligTittel", m.OffentligTittel)
	t("beskrivelse", m.Beskrivelse)
	for _, n := range m.Noekkelord {
		t("noekkelord", n)
	}
	b.kode(e, as+"dokumentmedium", m.Dokumentmedium)
	b.tid(e, as+"opprettetDato", &m.OpprettetDato)
	t("opprettetAv", m.OpprettetAv)
	b.tid(e, as+"avsluttetDato", m.AvsluttetDato)
	t("avsluttetAv", m.AvsluttetAv)
	b.kode(e, as+"arkivdel", m.Arkivdel)
	b.parts(e, m.Part)
	b.kryssreferanser(e, m.Kryssreferanse)
	b.merknader(e, m.Merknad)
	b.skjermingMinimum(e, m.Skjerming)
	b.arkivKlassifikasjon(e, m.Klassifikasjon)
	b.noekkel(e, as+"referanseEksternNoekkel", m.ReferanseEksternNoekkel, false)
	for i := range m.Mapper {
		b.arkivMappe(e, &m.Mapper[i], as)
	}
	for i := range m.Registreringer {
		b.arkivRegistrering(e, &m.Registreringer[i], as)
	}
	b.kode(e, as+"mappetype", m.Mappetype)
	t("tilgangsgruppeNavn", m.TilgangsgruppeNavn)
	if s := m.Saksmappe; s != nil {
		b.arkivSaksmappe(e, s)
	}
}

func (b *builder) arkivSaksmappe(e *etree.Element, s *ArkivSaksmappe) {
	b.num(e, as+"saksaar", &s.Saksaar)
	b.num(e, as+"sakssekvensnummer", &s.Sakssekvensnummer)
	b.dato(e, as+"saksdato", &s.Saksdato)
	b.identAlways(e, as+"administrativEnhet", &s.AdministrativEnhet)
	b.identAlways(e, as+"saksansvarlig", &s.Saksansvarlig)
	b.kode(e, as+"journalenhet", s.Journalenhet)
	b.kode(e, as+"saksstatus", &s.Saksstatus)
}

func (b *builder) parts(e *etree.Element, ps []Part) {
	for _, p := range ps {
		pe := e.CreateElement(as + "part")
		t := func(n, v string) { b.text(pe, as+n, v) }
		t("partID", p.PartID)
		t("partNavn", p.PartNavn)
		b.kode(pe, as+"partRolle", &p.PartRolle)
		if p.OrganisasjonID != "" {
			o := pe.CreateElement(as + "organisasjonID")
			b.text(o, as+"identifikator", p.OrganisasjonID)
			b.text(o, as+"landkode", p.OrganisasjonIDLandkode)
		} else if p.PersonID != "" {
			o := pe.CreateElement(as + "personID")
			lk := p.PersonIDLandkode
			if lk == "" {
				lk = "NO"
			}
			b.text(o, as+"landkode", lk)
			b.text(o, as+"identifikator", p.PersonID)
		}
		for _, a := range p.Postadresse {
			t("postadresse", a)
		}
		t("postnummer", p.Postnummer)
		t("poststed", p.Poststed)
		t("landkode", p.Landkode)
		t("epostadresse", p.Epostadresse)
		for _, n := range p.Telefonnummer {
			t("telefonnummer", n)
		}
		t("kontaktperson", p.Kontaktperson)
		b.flag(pe, as+"erSkjermet", p.ErSkjermet)
		b.flag(pe, as+"erPersonnavn", p.ErPersonnavn)
	}
}

func (b *builder) kryssreferanser(e *etree.Element, ks []Kryssreferanse) {
	for _, k := range ks {
		ke := e.CreateElement(as + "kryssreferanse")
		b.text(ke, as+"kryssreferanseID", k.KryssreferanseID)
		b.refMappe(ke, as+"referanseTilMappe", k.ReferanseTilMappe)
		b.refRegistrering(ke, as+"referanseTilRegistrering", k.ReferanseTilRegistrering)
		if k.ReferanseTilDokumentbeskrivelse != nil {
			b.refDokumentbeskrivelse(ke, as+"referanseTilDokumentbeskrivelse", k.ReferanseTilDokumentbeskrivelse)
		}
	}
}

func (b *builder) merknader(e *etree.Element, ms []Merknad) {
	for _, m := range ms {
		me := e.CreateElement(as + "merknad")
		b.text(me, as+"merknadID", m.MerknadID)
		b.text(me, as+"merknadstekst", m.Merknadstekst)
		b.kode(me, as+"merknadstype", m.Merknadstype)
		b.tid(me, as+"merknadsdato", m.Merknadsdato)
		b.text(me, as+"merknadRegistrertAv", m.MerknadRegistrertAv)
		b.flag(me, as+"erSkjermet", m.ErSkjermet)
	}
}

func (b *builder) arkivKlassifikasjon(e *etree.Element, ks []ArkivKlassifikasjon) {
	for _, k := range ks {
		ke := e.CreateElement(as + "klassifikasjon")
		b.text(ke, as+"klassifikasjonID", k.KlassifikasjonID)
		b.text(ke, as+"klassifikasjonssystemID", k.KlassifikasjonssystemID)
		b.text(ke, as+"klasseID", k.KlasseID)
		b.text(ke, as+"tittel", k.Tittel)
		b.flag(ke, as+"erSkjermet", k.ErSkjermet)
	}
}

func (b *builder) arkivRegistrering(p *etree.Element, r *ArkivRegistrering, prefix string) {
	name := "registrering"
	if j := r.Journalpost; j != nil {
		name = "journalpost"
		if j.Saksmappe != nil {
			name = "journalpostMedSaksmappe"
		}
	}
	var e *etree.Element
	if prefix != "" {
		e = p.CreateElement(as + "registrering")
		if name != "registrering" {
			e.CreateAttr("xsi:type", "as:"+name)
		}
	} else {
		e = p.CreateElement(name)
	}
	t := func(n, v string) { b.text(e, as+n, v) }
	t("systemID", r.SystemID)
	b.tid(e, as+"opprettetDato", &r.OpprettetDato)
	t("opprettetAv", r.OpprettetAv)
	b.tid(e, as+"arkivertDato", r.ArkivertDato)
	t("arkivertAv", r.ArkivertAv)
	b.refMappe(e, as+"referanseForelderMappe", r.ReferanseForelderMappe)
	b.kode(e, as+"arkivdel", r.Arkivdel)
	b.parts(e, r.Part)
	b.skjermingMinimum(e, r.Skjerming)
	for i := range r.Dokumentbeskrivelse {
		b.arkivDokumentbeskrivelse(e, as+"dokumentbeskrivelse", &r.Dokumentbeskrivelse[i])
	}
	t("registreringsID", r.RegistreringsID)
	t("tittel", r.Tittel)
	t("offentligTittel", r.OffentligTittel)
	t("beskrivelse", r.Beskrivelse)
	for _, n := range r.Noekkelord {
		t("noekkelord", n)
	}
	for _, f := range r.Forfatter {
		t("forfatter", f)
	}
	b.kode(e, as+"dokumentmedium", r.Dokumentmedium)
	b.merknader(e, r.Merknad)
	b.kryssreferanser(e, r.Kryssreferanse)
	for i := range r.Korrespondansepart {
		b.korrespondansepart(e, as+"korrespondansepart", &r.Korrespondansepart[i], as)
	}
	b.arkivKlassifikasjon(e, r.Klassifikasjon)
	b.noekkel(e, as+"referanseEksternNoekkel", r.ReferanseEksternNoekkel, false)
	t("tilgangsgruppeNavn", r.TilgangsgruppeNavn)
	if j := r.Journalpost; j != nil {
		b.num(e, as+"journalaar", &j.Journalaar)
		b.num(e, as+"journalsekvensnummer", &j.Journalsekvensnummer)
		b.num(e, as+"journalpostnummer", &j.Journalpostnummer)
		b.kode(e, as+"journalposttype", &j.Journalposttype)
		b.kode(e, as+"journalstatus", &j.Journalstatus)
		b.dato(e, as+"journaldato", &j.Journaldato)
		b.dato(e, as+"dokumentetsDato", j.DokumentetsDato)
		b.tid(e, as+"mottattDato", j.MottattDato)
		b.tid(e, as+"sendtDato", j.SendtDato)
		b.dato(e, as+"forfallsdato", j.Forfallsdato)
		b.dato(e, as+"offentlighetsvurdertDato", j.OffentlighetsvurdertDato)
		b.num(e, as+"antallVedlegg", j.AntallVedlegg)
		b.kode(e, as+"journalenhet", j.Journalenhet)
		b.dato(e, as+"avskrivningsdato", j.Avskrivningsdato)
		if s := j.Saksmappe; s != nil {
			b.num(e, as+"saksaar", &s.Saksaar)
			b.num(e, as+"sakssekvensnummer", &s.Sakssekvensnummer)
			b.dato(e, as+"saksdato", &s.Saksdato)
			b.identAlways(e, as+"administrativEnhet", &s.AdministrativEnhet)
			b.identAlways(e, as+"saksansvarlig", &s.Saksansvarlig)
			b.kode(e, as+"saksstatus", &s.Saksstatus)
		}
	}
}

func (b *builder) arkivDokumentbeskrivelse(p *etree.Element, name string, d *ArkivDokumentbeskrivelse) {
	e := p.CreateElement(name)
	t := func(n, v string) { b.text(e, as+n, v) }
	t("systemID", d.SystemID)
	b.kode(e, as+"dokumenttype", &d.Dokumenttype)
	b.kode(e, as+"dokumentstatus", &d.Dokumentstatus)
	t("tittel", d.Tittel)
	t("beskrivelse", d.Beskrivelse)
	for _, f := range d.Forfatter {
		t("forfatter", f)
	}
	b.tid(e, as+"opprettetDato", &d.OpprettetDato)
	t("opprettetAv", d.OpprettetAv)
	b.kode(e, as+"dokumentmedium", d.Dokumentmedium)
	b.kode(e, as+"arkivdel", d.Arkivdel)
	b.kode(e, as+"tilknyttetRegistreringSom", &d.TilknyttetRegistreringSom)
	b.num(e, as+"dokumentnummer", &d.Dokumentnummer)
	b.tid(e, as+"tilknyttetDato", &d.TilknyttetDato)
	t("tilknyttetAv", d.TilknyttetAv)
	b.parts(e, d.Part)
	b.merknader(e, d.Merknad)
	b.skjermingMinimum(e, d.Skjerming)
	for _, o := range d.Dokumentobjekt {
		oe := e.CreateElement(as + "dokumentobjekt")
		ot := func(n, v string) { b.text(oe, as+n, v) }
		ot("systemID", o.SystemID)
		b.num(oe, as+"versjonsnummer", &o.Versjonsnummer)
		b.kode(oe, as+"variantformat", &o.Variantformat)
		ot("filnavn", o.Filnavn)
		b.kode(oe, as+"format", &o.Format)
		ot("mimeType", o.MimeType)
		ot("formatDetaljer", o.FormatDetaljer)
		b.tid(oe, as+"opprettetDato", &o.OpprettetDato)
		ot("opprettetAv", o.OpprettetAv)
		ot("referanseDokumentfil", o.ReferanseDokumentfil)
		ot("sjekksum", o.Sjekksum)
		ot("sjekksumAlgoritme", o.SjekksumAlgoritme)
		b.num(oe, as+"filstoerrelse", &o.Filstoerrelse)
	}
}

// MappeHentResultat reads an innsyn.mappe.hent.resultat payload.
func (m *Melding) MappeHentResultat() (*MappeHentResultat, error) {
	if err := m.expect("mappe/hent/resultat", "a mappe hent resultat"); err != nil {
		return nil, err
	}
	r := &reader{}
	h := &MappeHentResultat{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "mappe", "saksmappe":
			h.Mappe = r.arkivMappe("/mappeHentResultat/"+c.Tag, c, c.Tag == "saksmappe")
		default:
			r.unknown("/mappeHentResultat", c)
		}
	}
	h.Ukjent = r.ukjent
	return h, r.err
}

// RegistreringHentResultat reads an innsyn.registrering.hent.resultat payload.
func (m *Melding) RegistreringHentResultat() (*RegistreringHentResultat, error) {
	if err := m.expect("registrering/hent/resultat", "a registrering hent resultat"); err != nil {
		return nil, err
	}
	r := &reader{}
	h := &RegistreringHentResultat{header: header{Versjon: m.versjon}}
	for _, c := range m.doc.Root().ChildElements() {
		switch c.Tag {
		case "registrering", "journalpost":
			h.Registrering = r.arkivRegistrering("/registreringHentResultat/"+c.Tag, c, c.Tag)
		default:
			r.unknown("/registreringHentResultat", c)
		}
	}
	h.Ukjent = r.ukjent
	return h, r.err
}

// Sokeresultat reads an innsyn.sok.resultat.utvidet payload.
func (m *Melding) Sokeresultat() (*Sokeresultat, error) {
	if err := m.expect("sokeresultat/utvidet", "a sok resultat utvidet"); err != nil {
		return nil, err
	}
	r := &reader{}
	s := &Sokeresultat{header: header{Versjon: m.versjon}}
	m.readResults(r, "sokeresultat", "resultat", &s.Side, func(ip string, item *etree.Element) bool {
		var res ResultatUtvidet
		switch item.Tag {
		case "mappe", "saksmappe":
			res.Mappe = r.arkivMappe(ip, item, item.Tag == "saksmappe")
		case "registrering", "journalpost", "journalpostMedSaksmappe":
			res.Registrering = r.arkivRegistrering(ip, item, item.Tag)
		case "dokumentbeskrivelse":
			res.Dokumentbeskrivelse = r.arkivDokumentbeskrivelse(ip, item)
		default:
			return false
		}
		s.Resultater = append(s.Resultater, res)
		return true
	})
	s.Ukjent = r.ukjent
	return s, r.err
}

func (r *reader) tidRequired(p string, c *etree.Element) noark5.Tidspunkt {
	if t := r.tid(p, c); t != nil {
		return *t
	}
	return noark5.Tidspunkt{}
}

func (r *reader) arkivSaksmappeField(p string, c *etree.Element, s *ArkivSaksmappe) bool {
	switch c.Tag {
	case "saksaar":
		s.Saksaar = r.int(p, c)
	case "sakssekvensnummer":
		s.Sakssekvensnummer = r.int(p, c)
	case "saksdato":
		if d := r.dato(p, c); d != nil {
			s.Saksdato = *d
		}
	case "administrativEnhet":
		s.AdministrativEnhet = *r.ident(p, c)
	case "saksansvarlig":
		s.Saksansvarlig = *r.ident(p, c)
	case "journalenhet":
		s.Journalenhet = r.kode(p, c)
	case "saksstatus":
		s.Saksstatus = *r.kode(p, c)
	default:
		return false
	}
	return true
}

// common reads the children a mappe, registrering and dokumentbeskrivelse share; false
// when c is none of them.
func (r *reader) part(p string, c *etree.Element) Part {
	var pt Part
	for _, cc := range c.ChildElements() {
		pp := p + "/" + cc.Tag
		switch cc.Tag {
		case "partID":
			pt.PartID = cc.Text()
		case "partNavn":
			pt.PartNavn = cc.Text()
		case "partRolle":
			pt.PartRolle = *r.kode(pp, cc)
		case "organisasjonID", "personID":
			for _, id := range cc.ChildElements() {
				switch {
				case id.Tag == "identifikator" && cc.Tag == "organisasjonID":
					pt.OrganisasjonID = id.Text()
				case id.Tag == "landkode" && cc.Tag == "organisasjonID":
					pt.OrganisasjonIDLandkode = id.Text()
				case id.Tag == "identifikator":
					pt.PersonID = id.Text()
				case id.Tag == "landkode":
					pt.PersonIDLandkode = id.Text()
				default:
					r.unknown(pp, id)
				}
			}
		case "postadresse":
			pt.Postadresse = append(pt.Postadresse, cc.Text())
		case "postnummer":
			pt.Postnummer = cc.Text()
		case "poststed":
			pt.Poststed = cc.Text()
		case "landkode":
			pt.Landkode = cc.Text()
		case "epostadresse":
			pt.Epostadresse = cc.Text()
		case "telefonnummer":
			pt.Telefonnummer = append(pt.Telefonnummer, cc.Text())
		case "kontaktperson":
			pt.Kontaktperson = cc.Text()
		case "erSkjermet":
			pt.ErSkjermet = r.flag(pp, cc)
		case "erPersonnavn":
			pt.ErPersonnavn = r.flag(pp, cc)
		default:
			r.unknown(p, cc)
		}
	}
	return pt
}

func (r *reader) kryssreferanse(p string, c *etree.Element) Kryssreferanse {
	var k Kryssreferanse
	for _, cc := range c.ChildElements() {
		pp := p + "/" + cc.Tag
		switch cc.Tag {
		case "kryssreferanseID":
			k.KryssreferanseID = cc.Text()
		case "referanseTilMappe":
			k.ReferanseTilMappe = r.refMappe(pp, cc)
		case "referanseTilRegistrering":
			k.ReferanseTilRegistrering = r.refRegistrering(pp, cc)
		case "referanseTilDokumentbeskrivelse":
			k.ReferanseTilDokumentbeskrivelse = r.refDokumentbeskrivelse(pp, cc)
		default:
			r.unknown(p, cc)
		}
	}
	return k
}

func (r *reader) merknad(p string, c *etree.Element) Merknad {
	var m Merknad
	for _, cc := range c.ChildElements() {
		pp := p + "/" + cc.Tag
		switch cc.Tag {
		case "merknadID":
			m.MerknadID = cc.Text()
		case "merknadstekst":
			m.Merknadstekst = cc.Text()
		case "merknadstype":
			m.Merknadstype = r.kode(pp, cc)
		case "merknadsdato":
			m.Merknadsdato = r.tid(pp, cc)
		case "merknadRegistrertAv":
			m.MerknadRegistrertAv = cc.Text()
		case "erSkjermet":
			m.ErSkjermet = r.flag(pp, cc)
		default:
			r.unknown(p, cc)
		}
	}
	return m
}

func (r *reader) arkivKlassifikasjon(p string, c *etree.Element) ArkivKlassifikasjon {
	var k ArkivKlassifikasjon
	for _, cc := range c.ChildElements() {
		switch cc.Tag {
		case "klassifikasjonID":
			k.KlassifikasjonID = cc.Text()
		case "klassifikasjonssystemID":
			k.KlassifikasjonssystemID = cc.Text()
		case "klasseID":
			k.KlasseID = cc.Text()
		case "tittel":
			k.Tittel = cc.Text()
		case "erSkjermet":
			k.ErSkjermet = r.flag(p+"/erSkjermet", cc)
		default:
			r.unknown(p, cc)
		}
	}
	return k
}

func (r *reader) arkivMappe(path string, e *etree.Element, saksmappe bool) *ArkivMappe {
	m := &ArkivMappe{}
	if saksmappe || xsiTypeOf(e) == "saksmappe" {
		m.Saksmappe = &ArkivSaksmappe{}
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
		case "dokumentmedium":
			m.Dokumentmedium = r.kode(p, c)
		case "opprettetDato":
			m.OpprettetDato = r.tidRequired(p, c)
		case "opprettetAv":
			m.OpprettetAv = c.Text()
		case "avsluttetDato":
			m.AvsluttetDato = r.tid(p, c)
		case "avsluttetAv":
			m.AvsluttetAv = c.Text()
		case "arkivdel":
			m.Arkivdel = r.kode(p, c)
		case "part":
			m.Part = append(m.Part, r.part(p, c))
		case "kryssreferanse":
			m.Kryssreferanse = append(m.Kryssreferanse, r.kryssreferanse(p, c))
		case "merknad":
			m.Merknad = append(m.Merknad, r.merknad(p, c))
		case "skjerming":
			m.Skjerming = r.skjermingMinimum(p, c)
		case "klassifikasjon":
			m.Klassifikasjon = append(m.Klassifikasjon, r.arkivKlassifikasjon(p, c))
		case "referanseEksternNoekkel":
			m.ReferanseEksternNoekkel = r.noekkel(p, c)
		case "mappe":
			m.Mapper = append(m.Mapper, *r.arkivMappe(p, c, false))
		case "registrering":
			kind := xsiTypeOf(c)
			if kind == "" {
				kind = "registrering"
			}
			m.Registreringer = append(m.Registreringer, *r.arkivRegistrering(p, c, kind))
		case "mappetype":
			m.Mappetype = r.kode(p, c)
		case "tilgangsgruppeNavn":
			m.TilgangsgruppeNavn = c.Text()
		default:
			if m.Saksmappe == nil || !r.arkivSaksmappeField(p, c, m.Saksmappe) {
				r.unknown(path, c)
			}
		}
	}
	return m
}

func (r *reader) arkivRegistrering(path string, e *etree.Element, kind string) *ArkivRegistrering {
	g := &ArkivRegistrering{}
	if kind == "journalpost" || kind == "journalpostMedSaksmappe" {
		g.Journalpost = &ArkivJournalpost{}
		if kind == "journalpostMedSaksmappe" {
			g.Journalpost.Saksmappe = &ArkivSaksmappe{}
		}
	}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "systemID":
			g.SystemID = c.Text()
		case "opprettetDato":
			g.OpprettetDato = r.tidRequired(p, c)
		case "opprettetAv":
			g.OpprettetAv = c.Text()
		case "arkivertDato":
			g.ArkivertDato = r.tid(p, c)
		case "arkivertAv":
			g.ArkivertAv = c.Text()
		case "referanseForelderMappe":
			g.ReferanseForelderMappe = r.refMappe(p, c)
		case "arkivdel":
			g.Arkivdel = r.kode(p, c)
		case "part":
			g.Part = append(g.Part, r.part(p, c))
		case "skjerming":
			g.Skjerming = r.skjermingMinimum(p, c)
		case "dokumentbeskrivelse":
			g.Dokumentbeskrivelse = append(g.Dokumentbeskrivelse, *r.arkivDokumentbeskrivelse(p, c))
		case "registreringsID":
			g.RegistreringsID = c.Text()
		case "tittel":
			g.Tittel = c.Text()
		case "offentligTittel":
			g.OffentligTittel = c.Text()
		case "beskrivelse":
			g.Beskrivelse = c.Text()
		case "noekkelord":
			g.Noekkelord = append(g.Noekkelord, c.Text())
		case "forfatter":
			g.Forfatter = append(g.Forfatter, c.Text())
		case "dokumentmedium":
			g.Dokumentmedium = r.kode(p, c)
		case "merknad":
			g.Merknad = append(g.Merknad, r.merknad(p, c))
		case "kryssreferanse":
			g.Kryssreferanse = append(g.Kryssreferanse, r.kryssreferanse(p, c))
		case "korrespondansepart":
			g.Korrespondansepart = append(g.Korrespondansepart, r.korrespondansepart(p, c))
		case "klassifikasjon":
			g.Klassifikasjon = append(g.Klassifikasjon, r.arkivKlassifikasjon(p, c))
		case "referanseEksternNoekkel":
			g.ReferanseEksternNoekkel = r.noekkel(p, c)
		case "tilgangsgruppeNavn":
			g.TilgangsgruppeNavn = c.Text()
		default:
			j := g.Journalpost
			if j == nil {
				r.unknown(path, c)
				continue
			}
			switch c.Tag {
			case "journalaar":
				j.Journalaar = r.int(p, c)
			case "journalsekvensnummer":
				j.Journalsekvensnummer = r.int(p, c)
			case "journalpostnummer":
				j.Journalpostnummer = r.int(p, c)
			case "journalposttype":
				j.Journalposttype = *r.kode(p, c)
			case "journalstatus":
				j.Journalstatus = *r.kode(p, c)
			case "journaldato":
				if d := r.dato(p, c); d != nil {
					j.Journaldato = *d
				}
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
			case "journalenhet":
				j.Journalenhet = r.kode(p, c)
			case "avskrivningsdato":
				j.Avskrivningsdato = r.dato(p, c)
			default:
				if j.Saksmappe == nil || !r.arkivSaksmappeField(p, c, j.Saksmappe) {
					r.unknown(path, c)
				}
			}
		}
	}
	return g
}

func (r *reader) arkivDokumentbeskrivelse(path string, e *etree.Element) *ArkivDokumentbeskrivelse {
	d := &ArkivDokumentbeskrivelse{}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "systemID":
			d.SystemID = c.Text()
		case "dokumenttype":
			d.Dokumenttype = *r.kode(p, c)
		case "dokumentstatus":
			d.Dokumentstatus = *r.kode(p, c)
		case "tittel":
			d.Tittel = c.Text()
		case "beskrivelse":
			d.Beskrivelse = c.Text()
		case "forfatter":
			d.Forfatter = append(d.Forfatter, c.Text())
		case "opprettetDato":
			d.OpprettetDato = r.tidRequired(p, c)
		case "opprettetAv":
			d.OpprettetAv = c.Text()
		case "dokumentmedium":
			d.Dokumentmedium = r.kode(p, c)
		case "arkivdel":
			d.Arkivdel = r.kode(p, c)
		case "tilknyttetRegistreringSom":
			d.TilknyttetRegistreringSom = *r.kode(p, c)
		case "dokumentnummer":
			d.Dokumentnummer = r.int(p, c)
		case "tilknyttetDato":
			d.TilknyttetDato = r.tidRequired(p, c)
		case "tilknyttetAv":
			d.TilknyttetAv = c.Text()
		case "part":
			d.Part = append(d.Part, r.part(p, c))
		case "merknad":
			d.Merknad = append(d.Merknad, r.merknad(p, c))
		case "skjerming":
			d.Skjerming = r.skjermingMinimum(p, c)
		case "dokumentobjekt":
			var o ArkivDokumentobjekt
			for _, cc := range c.ChildElements() {
				op := p + "/" + cc.Tag
				switch cc.Tag {
				case "systemID":
					o.SystemID = cc.Text()
				case "versjonsnummer":
					o.Versjonsnummer = r.int(op, cc)
				case "variantformat":
					o.Variantformat = *r.kode(op, cc)
				case "filnavn":
					o.Filnavn = cc.Text()
				case "format":
					o.Format = *r.kode(op, cc)
				case "mimeType":
					o.MimeType = cc.Text()
				case "formatDetaljer":
					o.FormatDetaljer = cc.Text()
				case "opprettetDato":
					o.OpprettetDato = r.tidRequired(op, cc)
				case "opprettetAv":
					o.OpprettetAv = cc.Text()
				case "referanseDokumentfil":
					o.ReferanseDokumentfil = cc.Text()
				case "sjekksum":
					o.Sjekksum = cc.Text()
				case "sjekksumAlgoritme":
					o.SjekksumAlgoritme = cc.Text()
				case "filstoerrelse":
					o.Filstoerrelse = r.int(op, cc)
				default:
					r.unknown(p, cc)
				}
			}
			d.Dokumentobjekt = append(d.Dokumentobjekt, o)
		default:
			r.unknown(path, c)
		}
	}
	return d
}
