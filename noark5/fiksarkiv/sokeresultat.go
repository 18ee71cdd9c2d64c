package fiksarkiv

import (
	"fmt"
	"strconv"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/noark5"
)

// The result types (resultattype) of a search.
const (
	ResultattypeMappe                   = "mappe"
	ResultattypeSaksmappe               = "saksmappe"
	ResultattypeRegistrering            = "registrering"
	ResultattypeJournalpost             = "journalpost"
	ResultattypeJournalpostMedSaksmappe = "journalpostMedSaksmappe"
	ResultattypeDokumentbeskrivelse     = "dokumentbeskrivelse"
)

// Side is what every search result says about itself: the system, the page (Take,
// Skip), the number of hits in all (Count) and their kind (Resultattype...).
type Side struct {
	System            string
	Take, Skip, Count int
	Resultattype      string
}

func (b *builder) side(root *etree.Element, s *Side) {
	b.text(root, "system", s.System)
	root.CreateElement("take").SetText(strconv.Itoa(s.Take))
	root.CreateElement("skip").SetText(strconv.Itoa(s.Skip))
	root.CreateElement("count").SetText(strconv.Itoa(s.Count))
	root.CreateElement("resultattype").SetText(s.Resultattype)
}

// sideField reads one of a result's page fields; false when c is none of them.
func (r *reader) sideField(p string, c *etree.Element, s *Side) bool {
	switch c.Tag {
	case "system":
		s.System = c.Text()
	case "take":
		s.Take = r.int(p, c)
	case "skip":
		s.Skip = r.int(p, c)
	case "count":
		s.Count = r.int(p, c)
	case "resultattype":
		s.Resultattype = c.Text()
	default:
		return false
	}
	return true
}

// SokeresultatMinimum is the payload of innsyn.sok.resultat.minimum (resultat.xml): a page
// of hits with their main fields.
type SokeresultatMinimum struct {
	header
	Side
	Resultater []ResultatMinimum
}

// ResultatMinimum is one hit: a mappe (Mappe.Saksmappe set: a saksmappe), a registrering
// (Journalpost set: a journalpost; Journalpost.Saksmappe set: a journalpost with its
// saksmappe) or a dokumentbeskrivelse.
type ResultatMinimum struct {
	Mappe               *MappeMinimum
	Registrering        *RegistreringMinimum
	Dokumentbeskrivelse *DokumentbeskrivelseMinimum
}

// MappeMinimum is a mappe in a minimum result.
type MappeMinimum struct {
	SystemID                string
	MappeID                 string
	ReferanseForeldermappe  *ReferanseTilMappe
	Tittel                  string
	OffentligTittel         string
	Skjerming               *SkjermingMinimum
	Gradering               *GraderingMinimum
	Klassifikasjon          []KlassifikasjonMinimum
	ReferanseEksternNoekkel *EksternNoekkel
	Saksmappe               *SaksmappeMinimum
}

// SaksmappeMinimum are a saksmappe's fields in a minimum result (all required).
type SaksmappeMinimum struct {
	Saksaar            int
	Sakssekvensnummer  int
	Saksdato           noark5.Dato
	AdministrativEnhet Identifikator
	Saksansvarlig      Identifikator
	Saksstatus         Kode
}

// KlassifikasjonMinimum is a klassifikasjon with its system.
type KlassifikasjonMinimum struct {
	KlassifikasjonID        string
	KlassifikasjonssystemID string
	Klassifikasjonstype     *Kode
	SystemTittel            string
	KlasseID                string
	Tittel                  string
	ErSkjermet              *bool
}

// SkjermingMinimum is a skjerming in a minimum result.
type SkjermingMinimum struct {
	Tilgangsrestriksjon      Kode
	Skjermingshjemmel        string
	SkjermingOpphoererDato   *noark5.Dato
	SkjermingOpphoererAksjon *Kode
}

// GraderingMinimum is a gradering (security classification).
type GraderingMinimum struct {
	Grad              Kode
	Graderingsdato    noark5.Tidspunkt
	GradertAv         string
	Nedgraderingsdato *noark5.Tidspunkt
	NedgradertAv      string
}

// RegistreringMinimum is a registrering in a minimum result.
type RegistreringMinimum struct {
	SystemID            string
	Skjerming           *SkjermingMinimum
	Gradering           *GraderingMinimum
	Dokumentbeskrivelse []DokumentbeskrivelseMinimum
	RegistreringsID     string
	Tittel              string
	OffentligTittel     string
	Korrespondansepart  []KorrespondansepartMinimum
	Journalpost         *JournalpostMinimum
}

// KorrespondansepartMinimum is a korrespondansepart's type and name.
type KorrespondansepartMinimum struct {
	Korrespondanseparttype Kode
	KorrespondansepartNavn string
}

// JournalpostMinimum are a journalpost's fields in a minimum result; Saksmappe is set for
// a journalpostMedSaksmappe.
type JournalpostMinimum struct {
	Journalaar           int
	Journalsekvensnummer int
	Journalpostnummer    int
	Journalposttype      Kode
	Journalstatus        Kode
	Journaldato          noark5.Dato
	DokumentetsDato      *noark5.Dato
	Saksmappe            *SaksmappeMinimum
}

// DokumentbeskrivelseMinimum is a dokumentbeskrivelse in a minimum result.
type DokumentbeskrivelseMinimum struct {
	SystemID       string
	Dokumenttype   Kode
	Dokumentstatus Kode
	Tittel         string
	Skjerming      *SkjermingMinimum
	Gradering      *GraderingMinimum
	Dokumentobjekt []DokumentobjektMinimum
}

// DokumentobjektMinimum is a file in a minimum result.
type DokumentobjektMinimum struct {
	SystemID             string
	Versjonsnummer       int
	Variantformat        Kode
	Format               Kode
	FormatDetaljer       string
	ReferanseDokumentfil string
	Filstoerrelse        int
}

// Meldingstype is innsyn.sok.resultat.minimum.
func (s *SokeresultatMinimum) Meldingstype() string { return TypeSokResultatMinimum }

// Melding builds the payload, reporting every problem first.
func (s *SokeresultatMinimum) Melding() (*Melding, error) {
	v, p := s.versjon()
	required(&p, "system", s.System)
	resultattype(&p, s.Resultattype)
	for i, r := range s.Resultater {
		n := 0
		for _, set := range []bool{r.Mappe != nil, r.Registrering != nil, r.Dokumentbeskrivelse != nil} {
			if set {
				n++
			}
		}
		if n != 1 {
			p = append(p, fmt.Sprintf("resultatListe/resultatMinimum[%d]: one mappe, registrering or dokumentbeskrivelse", i+1))
		}
	}
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("sokeresultat/minimum", v)
	root.CreateAttr("xmlns:as", Namespace("arkivstruktur/minimum", v))
	b.side(root, &s.Side)
	list := root.CreateElement("resultatListe")
	for i := range s.Resultater {
		r := &s.Resultater[i]
		e := list.CreateElement("resultatMinimum")
		switch {
		case r.Mappe != nil:
			name := "mappe"
			if r.Mappe.Saksmappe != nil {
				name = "saksmappe"
			}
			b.mappeMinimum(e.CreateElement(name), r.Mappe)
		case r.Registrering != nil:
			name := "registrering"
			if j := r.Registrering.Journalpost; j != nil {
				name = "journalpost"
				if j.Saksmappe != nil {
					name = "journalpostMedSaksmappe"
				}
			}
			b.registreringMinimum(e.CreateElement(name), r.Registrering)
		default:
			b.dokumentbeskrivelseMinimum(e.CreateElement("dokumentbeskrivelse"), r.Dokumentbeskrivelse)
		}
	}
	return checked(&Melding{doc: doc, versjon: v, path: "sokeresultat/minimum"})
}

func resultattype(p *[]string, t string) {
	switch t {
	case ResultattypeMappe, ResultattypeSaksmappe, ResultattypeRegistrering, ResultattypeJournalpost, ResultattypeJournalpostMedSaksmappe, ResultattypeDokumentbeskrivelse:
	default:
		*p = append(*p, fmt.Sprintf("resultattype %q: want mappe, saksmappe, registrering, journalpost, journalpostMedSaksmappe or dokumentbeskrivelse", t))
	}
}

const as = "as:"

func (b *builder) skjermingMinimum(p *etree.Element, s *SkjermingMinimum) {
	if s == nil {
		return
	}
	e := p.CreateElement(as + "skjerming")
	b.kode(e, as+"tilgangsrestriksjon", &s.Tilgangsrestriksjon)
	b.text(e, as+"skjermingshjemmel", s.Skjermingshjemmel)
	b.dato(e, as+"skjermingOpphoererDato", s.SkjermingOpphoererDato)
	b.kode(e, as+"skjermingOpphoererAksjon", s.SkjermingOpphoererAksjon)
}

func (b *builder) graderingMinimum(p *etree.Element, g *GraderingMinimum) {
	if g == nil {
		return
	}
	e := p.CreateElement(as + "gradering")
	b.kode(e, as+"grad", &g.Grad)
	b.tid(e, as+"graderingsdato", &g.Graderingsdato)
	b.text(e, as+"gradertAv", g.GradertAv)
	b.tid(e, as+"nedgraderingsdato", g.Nedgraderingsdato)
	b.text(e, as+"nedgradertAv", g.NedgradertAv)
}

func (b *builder) saksmappeMinimum(e *etree.Element, s *SaksmappeMinimum) {
	b.num(e, as+"saksaar", &s.Saksaar)
	b.num(e, as+"sakssekvensnummer", &s.Sakssekvensnummer)
	b.dato(e, as+"saksdato", &s.Saksdato)
	b.identAlways(e, as+"administrativEnhet", &s.AdministrativEnhet)
	b.identAlways(e, as+"saksansvarlig", &s.Saksansvarlig)
	b.kode(e, as+"saksstatus", &s.Saksstatus)
}

// identAlways writes an identifikator even when all its parts are empty (required
// elements).
func (b *builder) identAlways(p *etree.Element, name string, i *Identifikator) {
	e := p.CreateElement(name)
	b.mdkText(e, "navn", i.Navn)
	b.mdkText(e, "identifikator", i.Identifikator)
	b.mdkText(e, "initialer", i.Initialer)
	b.mdkText(e, "epostadresse", i.Epostadresse)
}

func (b *builder) mappeMinimum(e *etree.Element, m *MappeMinimum) {
	b.text(e, as+"systemID", m.SystemID)
	b.text(e, as+"mappeID", m.MappeID)
	b.refMappe(e, as+"referanseForeldermappe", m.ReferanseForeldermappe)
	b.text(e, as+"tittel", m.Tittel)
	b.text(e, as+"offentligTittel", m.OffentligTittel)
	b.skjermingMinimum(e, m.Skjerming)
	b.graderingMinimum(e, m.Gradering)
	for _, k := range m.Klassifikasjon {
		ke := e.CreateElement(as + "klassifikasjon")
		b.text(ke, as+"klassifikasjonID", k.KlassifikasjonID)
		se := ke.CreateElement(as + "klassifikasjonssystem")
		b.text(se, as+"klassifikasjonssystemID", k.KlassifikasjonssystemID)
		b.kode(se, as+"klassifikasjonstype", k.Klassifikasjonstype)
		b.text(se, as+"tittel", k.SystemTittel)
		b.text(ke, as+"klasseID", k.KlasseID)
		b.text(ke, as+"tittel", k.Tittel)
		b.flag(ke, as+"erSkjermet", k.ErSkjermet)
	}
	b.noekkel(e, as+"referanseEksternNoekkel", m.ReferanseEksternNoekkel, false)
	if s := m.Saksmappe; s != nil {
		b.saksmappeMinimum(e, s)
	}
}

func (b *builder) registreringMinimum(e *etree.Element, r *RegistreringMinimum) {
	b.text(e, as+"systemID", r.SystemID)
	b.skjermingMinimum(e, r.Skjerming)
	b.graderingMinimum(e, r.Gradering)
	for i := range r.Dokumentbeskrivelse {
		b.dokumentbeskrivelseMinimum(e.CreateElement(as+"dokumentbeskrivelse"), &r.Dokumentbeskrivelse[i])
	}
	b.text(e, as+"registreringsID", r.RegistreringsID)
	b.text(e, as+"tittel", r.Tittel)
	b.text(e, as+"offentligTittel", r.OffentligTittel)
	for i := range r.Korrespondansepart {
		k := &r.Korrespondansepart[i]
		ke := e.CreateElement(as + "korrespondansepart")
		b.kode(ke, as+"korrespondanseparttype", &k.Korrespondanseparttype)
		b.text(ke, as+"korrespondansepartNavn", k.KorrespondansepartNavn)
	}
	if j := r.Journalpost; j != nil {
		b.num(e, as+"journalaar", &j.Journalaar)
		b.num(e, as+"journalsekvensnummer", &j.Journalsekvensnummer)
		b.num(e, as+"journalpostnummer", &j.Journalpostnummer)
		b.kode(e, as+"journalposttype", &j.Journalposttype)
		b.kode(e, as+"journalstatus", &j.Journalstatus)
		b.dato(e, as+"journaldato", &j.Journaldato)
		b.dato(e, as+"dokumentetsDato", j.DokumentetsDato)
		if s := j.Saksmappe; s != nil {
			b.saksmappeMinimum(e, s)
		}
	}
}

func (b *builder) dokumentbeskrivelseMinimum(e *etree.Element, d *DokumentbeskrivelseMinimum) {
	b.text(e, as+"systemID", d.SystemID)
	b.kode(e, as+"dokumenttype", &d.Dokumenttype)
	b.kode(e, as+"dokumentstatus", &d.Dokumentstatus)
	b.text(e, as+"tittel", d.Tittel)
	b.skjermingMinimum(e, d.Skjerming)
	b.graderingMinimum(e, d.Gradering)
	for _, o := range d.Dokumentobjekt {
		oe := e.CreateElement(as + "dokumentobjekt")
		b.text(oe, as+"systemID", o.SystemID)
		b.num(oe, as+"versjonsnummer", &o.Versjonsnummer)
		b.kode(oe, as+"variantformat", &o.Variantformat)
		b.kode(oe, as+"format", &o.Format)
		b.text(oe, as+"formatDetaljer", o.FormatDetaljer)
		b.text(oe, as+"referanseDokumentfil", o.ReferanseDokumentfil)
		b.num(oe, as+"filstoerrelse", &o.Filstoerrelse)
	}
}

// SokeresultatMinimum reads an innsyn.sok.resultat.minimum payload.
func (m *Melding) SokeresultatMinimum() (*SokeresultatMinimum, error) {
	if err := m.expect("sokeresultat/minimum", "a sok resultat minimum"); err != nil {
		return nil, err
	}
	r := &reader{}
	s := &SokeresultatMinimum{header: header{Versjon: m.versjon}}
	m.readResults(r, "sokeresultatMinimum", "resultatMinimum", &s.Side, func(ip string, item *etree.Element) bool {
		var res ResultatMinimum
		switch item.Tag {
		case "mappe", "saksmappe":
			res.Mappe = r.mappeMinimum(ip, item, item.Tag == "saksmappe")
		case "registrering", "journalpost", "journalpostMedSaksmappe":
			res.Registrering = r.registreringMinimum(ip, item, item.Tag)
		case "dokumentbeskrivelse":
			res.Dokumentbeskrivelse = r.dokumentbeskrivelseMinimum(ip, item)
		default:
			return false
		}
		s.Resultater = append(s.Resultater, res)
		return true
	})
	s.Ukjent = r.ukjent
	return s, r.err
}

func (r *reader) skjermingMinimum(path string, e *etree.Element) *SkjermingMinimum {
	s := &SkjermingMinimum{}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "tilgangsrestriksjon":
			s.Tilgangsrestriksjon = *r.kode(p, c)
		case "skjermingshjemmel":
			s.Skjermingshjemmel = c.Text()
		case "skjermingOpphoererDato":
			s.SkjermingOpphoererDato = r.dato(p, c)
		case "skjermingOpphoererAksjon":
			s.SkjermingOpphoererAksjon = r.kode(p, c)
		default:
			r.unknown(path, c)
		}
	}
	return s
}

func (r *reader) graderingMinimum(path string, e *etree.Element) *GraderingMinimum {
	g := &GraderingMinimum{}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "grad":
			g.Grad = *r.kode(p, c)
		case "graderingsdato":
			if t := r.tid(p, c); t != nil {
				g.Graderingsdato = *t
			}
		case "gradertAv":
			g.GradertAv = c.Text()
		case "nedgraderingsdato":
			g.Nedgraderingsdato = r.tid(p, c)
		case "nedgradertAv":
			g.NedgradertAv = c.Text()
		default:
			r.unknown(path, c)
		}
	}
	return g
}

// saksmappeMinimumField reads one of a saksmappe's own fields; false when c is not one.
func (r *reader) saksmappeMinimumField(p string, c *etree.Element, s *SaksmappeMinimum) bool {
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
	case "saksstatus":
		s.Saksstatus = *r.kode(p, c)
	default:
		return false
	}
	return true
}

func (r *reader) mappeMinimum(path string, e *etree.Element, saksmappe bool) *MappeMinimum {
	m := &MappeMinimum{}
	if saksmappe {
		m.Saksmappe = &SaksmappeMinimum{}
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
		case "skjerming":
			m.Skjerming = r.skjermingMinimum(p, c)
		case "gradering":
			m.Gradering = r.graderingMinimum(p, c)
		case "klassifikasjon":
			var k KlassifikasjonMinimum
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "klassifikasjonID":
					k.KlassifikasjonID = cc.Text()
				case "klassifikasjonssystem":
					for _, sc := range cc.ChildElements() {
						switch sc.Tag {
						case "klassifikasjonssystemID":
							k.KlassifikasjonssystemID = sc.Text()
						case "klassifikasjonstype":
							k.Klassifikasjonstype = r.kode(p+"/klassifikasjonssystem/klassifikasjonstype", sc)
						case "tittel":
							k.SystemTittel = sc.Text()
						default:
							r.unknown(p+"/klassifikasjonssystem", sc)
						}
					}
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
			m.Klassifikasjon = append(m.Klassifikasjon, k)
		case "referanseEksternNoekkel":
			m.ReferanseEksternNoekkel = r.noekkel(p, c)
		default:
			if m.Saksmappe == nil || !r.saksmappeMinimumField(p, c, m.Saksmappe) {
				r.unknown(path, c)
			}
		}
	}
	return m
}

func (r *reader) registreringMinimum(path string, e *etree.Element, kind string) *RegistreringMinimum {
	g := &RegistreringMinimum{}
	if kind != "registrering" {
		g.Journalpost = &JournalpostMinimum{}
		if kind == "journalpostMedSaksmappe" {
			g.Journalpost.Saksmappe = &SaksmappeMinimum{}
		}
	}
	for _, c := range e.ChildElements() {
		p := path + "/" + c.Tag
		switch c.Tag {
		case "systemID":
			g.SystemID = c.Text()
		case "skjerming":
			g.Skjerming = r.skjermingMinimum(p, c)
		case "gradering":
			g.Gradering = r.graderingMinimum(p, c)
		case "dokumentbeskrivelse":
			g.Dokumentbeskrivelse = append(g.Dokumentbeskrivelse, *r.dokumentbeskrivelseMinimum(p, c))
		case "registreringsID":
			g.RegistreringsID = c.Text()
		case "tittel":
			g.Tittel = c.Text()
		case "offentligTittel":
			g.OffentligTittel = c.Text()
		case "korrespondansepart":
			var k KorrespondansepartMinimum
			for _, cc := range c.ChildElements() {
				switch cc.Tag {
				case "korrespondanseparttype":
					k.Korrespondanseparttype = *r.kode(p+"/korrespondanseparttype", cc)
				case "korrespondansepartNavn":
					k.KorrespondansepartNavn = cc.Text()
				default:
					r.unknown(p, cc)
				}
			}
			g.Korrespondansepart = append(g.Korrespondansepart, k)
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
			default:
				if j.Saksmappe == nil || !r.saksmappeMinimumField(p, c, j.Saksmappe) {
					r.unknown(path, c)
				}
			}
		}
	}
	return g
}

func (r *reader) dokumentbeskrivelseMinimum(path string, e *etree.Element) *DokumentbeskrivelseMinimum {
	d := &DokumentbeskrivelseMinimum{}
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
		case "skjerming":
			d.Skjerming = r.skjermingMinimum(p, c)
		case "gradering":
			d.Gradering = r.graderingMinimum(p, c)
		case "dokumentobjekt":
			var o DokumentobjektMinimum
			for _, cc := range c.ChildElements() {
				op := p + "/" + cc.Tag
				switch cc.Tag {
				case "systemID":
					o.SystemID = cc.Text()
				case "versjonsnummer":
					o.Versjonsnummer = r.int(op, cc)
				case "variantformat":
					o.Variantformat = *r.kode(op, cc)
				case "format":
					o.Format = *r.kode(op, cc)
				case "formatDetaljer":
					o.FormatDetaljer = cc.Text()
				case "referanseDokumentfil":
					o.ReferanseDokumentfil = cc.Text()
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

// SokeresultatNoekler is the payload of innsyn.sok.resultat.noekler (resultat.xml): a page
// of hits with their keys only.
type SokeresultatNoekler struct {
	header
	Side
	Resultater []ResultatNoekler
}

// ResultatNoekler is the keys of one hit. Kind is mappe, saksmappe, registrering,
// journalpost or dokumentbeskrivelse; the fields that kind has are set.
type ResultatNoekler struct {
	Kind                    string
	SystemID                string
	MappeID                 string
	ReferanseEksternNoekkel *EksternNoekkel
	// Saksnummer: saksmappe.
	Saksnummer *Saksnummer
	// Journalaar, Journalsekvensnummer, Journalpostnummer: journalpost.
	Journalaar           *int
	Journalsekvensnummer *int
	Journalpostnummer    *int
}

// Meldingstype is innsyn.sok.resultat.noekler.
func (s *SokeresultatNoekler) Meldingstype() string { return TypeSokResultatNoekler }

// Melding builds the payload, reporting every problem first.
func (s *SokeresultatNoekler) Melding() (*Melding, error) {
	v, p := s.versjon()
	required(&p, "system", s.System)
	switch s.Resultattype {
	case ResultattypeMappe, ResultattypeSaksmappe, ResultattypeRegistrering, ResultattypeJournalpost, ResultattypeDokumentbeskrivelse:
	default:
		p = append(p, fmt.Sprintf("resultattype %q: want mappe, saksmappe, registrering, journalpost or dokumentbeskrivelse", s.Resultattype))
	}
	for i, r := range s.Resultater {
		switch r.Kind {
		case "mappe", "saksmappe", "registrering", "journalpost", "dokumentbeskrivelse":
		default:
			p = append(p, fmt.Sprintf("resultatListe/resultatNoekler[%d]: Kind %q", i+1, r.Kind))
		}
	}
	if len(p) > 0 {
		return nil, &ValidationError{p}
	}
	doc, root, b := newDoc("sokeresultat/noekler", v)
	root.CreateAttr("xmlns:as", Namespace("arkivstruktur/noekler", v))
	b.side(root, &s.Side)
	list := root.CreateElement("resultatListe")
	for _, r := range s.Resultater {
		e := list.CreateElement("resultatNoekler").CreateElement(r.Kind)
		b.text(e, as+"systemID", r.SystemID)
		switch r.Kind {
		case "mappe", "saksmappe":
			b.text(e, as+"mappeID", r.MappeID)
			b.noekkel(e, as+"referanseEksternNoekkel", r.ReferanseEksternNoekkel, false)
			if n := r.Saksnummer; n != nil && r.Kind == "saksmappe" {
				se := e.CreateElement(as + "saksnummer")
				b.mdkNum(se, "saksaar", n.Saksaar)
				b.mdkNum(se, "sakssekvensnummer", n.Sakssekvensnummer)
			}
		case "registrering", "journalpost":
			b.noekkel(e, as+"referanseEksternNoekkel", r.ReferanseEksternNoekkel, false)
			if r.Kind == "journalpost" {
				b.num(e, as+"journalaar", r.Journalaar)
				b.num(e, as+"journalsekvensnummer", r.Journalsekvensnummer)
				b.num(e, as+"journalpostnummer", r.Journalpostnummer)
			}
		}
	}
	return checked(&Melding{doc: doc, versjon: v, path: "sokeresultat/noekler"})
}

// SokeresultatNoekler reads an innsyn.sok.resultat.noekler payload.
func (m *Melding) SokeresultatNoekler() (*SokeresultatNoekler, error) {
	if err := m.expect("sokeresultat/noekler", "a sok resultat noekler"); err != nil {
		return nil, err
	}
	r := &reader{}
	s := &SokeresultatNoekler{header: header{Versjon: m.versjon}}
	m.readResults(r, "sokeresultatNoekler", "resultatNoekler", &s.Side, func(ip string, item *etree.Element) bool {
		res := ResultatNoekler{Kind: item.Tag}
		for _, f := range item.ChildElements() {
			fp := ip + "/" + f.Tag
			switch f.Tag {
			case "systemID":
				res.SystemID = f.Text()
			case "mappeID":
				res.MappeID = f.Text()
			case "referanseEksternNoekkel":
				res.ReferanseEksternNoekkel = r.noekkel(fp, f)
			case "saksnummer":
				res.Saksnummer = r.saksnummer(fp, f)
			case "journalaar":
				res.Journalaar = r.intp(fp, f)
			case "journalsekvensnummer":
				res.Journalsekvensnummer = r.intp(fp, f)
			case "journalpostnummer":
				res.Journalpostnummer = r.intp(fp, f)
			default:
				r.unknown(ip, f)
			}
		}
		s.Resultater = append(s.Resultater, res)
		return true
	})
	s.Ukjent = r.ukjent
	return s, r.err
}

// readResults reads a search result: its page fields into side, and each hit (the
// element inside each <itemTag> of resultatListe) with item, which returns false for a
// kind of hit it does not know.
func (m *Melding) readResults(r *reader, root, itemTag string, side *Side, item func(path string, e *etree.Element) bool) {
	for _, c := range m.doc.Root().ChildElements() {
		p := "/" + root + "/" + c.Tag
		if r.sideField(p, c, side) {
			continue
		}
		if c.Tag != "resultatListe" {
			r.unknown("/"+root, c)
			continue
		}
		for _, rc := range c.ChildElements() {
			if rc.Tag != itemTag {
				r.unknown(p, rc)
				continue
			}
			for _, it := range rc.ChildElements() {
				if !item(p+"/"+itemTag+"/"+it.Tag, it) {
					r.unknown(p+"/"+itemTag, it)
				}
			}
		}
	}
}
