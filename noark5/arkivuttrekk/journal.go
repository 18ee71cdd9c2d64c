package arkivuttrekk

import (
	"encoding/xml"
	"slices"
	"strings"

	"github.com/fellesklient/fellesklient/noark5"
)

// The journal elements, in the order of loependeJournal.xsd and offentligJournal.xsd v5.0.

type ljKlasse struct {
	KlasseID          string   `xml:"klasseID"`
	Tittel            string   `xml:"tittel"`
	SkjermingMetadata []string `xml:"skjermingMetadata,omitempty"`
}

type ljSaksmappe struct {
	MappeID            string `xml:"mappeID,omitempty"`
	Saksaar            int    `xml:"saksaar"`
	Sakssekvensnummer  int    `xml:"sakssekvensnummer"`
	Tittel             string `xml:"tittel"`
	OffentligTittel    string `xml:"offentligTittel,omitempty"`
	SkjermingMetadata  string `xml:"skjermingMetadata,omitempty"`
	AdministrativEnhet string `xml:"administrativEnhet,omitempty"`
	Saksansvarlig      string `xml:"saksansvarlig,omitempty"`
}

type ljKorrespondansepart struct {
	Korrespondanseparttype string `xml:"korrespondanseparttype"`
	KorrespondansepartNavn string `xml:"korrespondansepartNavn"`
	SkjermingMetadata      string `xml:"skjermingMetadata,omitempty"`
}

type ljJournalpost struct {
	SystemID                        string                 `xml:"systemID"`
	RegistreringsID                 string                 `xml:"registreringsID,omitempty"`
	Journalaar                      int                    `xml:"journalaar"`
	Journalsekvensnummer            int                    `xml:"journalsekvensnummer"`
	Journalpostnummer               int                    `xml:"journalpostnummer"`
	Tittel                          string                 `xml:"tittel"`
	OffentligTittel                 string                 `xml:"offentligTittel,omitempty"`
	OffentlighetsvurdertDato        *noark5.Dato           `xml:"offentlighetsvurdertDato,omitempty"`
	SkjermingMetadata               string                 `xml:"skjermingMetadata,omitempty"`
	Journaldato                     noark5.Dato            `xml:"journaldato"`
	DokumentetsDato                 *noark5.Dato           `xml:"dokumentetsDato,omitempty"`
	AntallVedlegg                   *int                   `xml:"antallVedlegg,omitempty"`
	Avskrivningsdato                *noark5.Dato           `xml:"avskrivningsdato,omitempty"`
	Avskrivningsmaate               string                 `xml:"avskrivningsmaate,omitempty"`
	AdministrativEnhet              string                 `xml:"administrativEnhet,omitempty"`
	Saksbehandler                   string                 `xml:"saksbehandler,omitempty"`
	Journalenhet                    string                 `xml:"journalenhet,omitempty"`
	ReferanseAvskrivesAvJournalpost string                 `xml:"referanseAvskrivesAvJournalpost,omitempty"`
	Tilgangsrestriksjon             string                 `xml:"tilgangsrestriksjon,omitempty"`
	Grad                            string                 `xml:"grad,omitempty"`
	Skjermingshjemmel               string                 `xml:"skjermingshjemmel,omitempty"`
	Korrespondansepart              []ljKorrespondansepart `xml:"korrespondansepart"`
}

type ljRegistrering struct {
	Klasse      *ljKlasse     `xml:"klasse,omitempty"`
	Saksmappe   ljSaksmappe   `xml:"saksmappe"`
	Journalpost ljJournalpost `xml:"journalpost"`
}

type ojKlasse struct {
	KlasseID string `xml:"klasseID"`
	Tittel   string `xml:"tittel"`
}

type ojSaksmappe struct {
	MappeID             string `xml:"mappeID,omitempty"`
	Saksaar             int    `xml:"saksaar"`
	Sakssekvensnummer   int    `xml:"sakssekvensnummer"`
	OffentligTittel     string `xml:"offentligTittel,omitempty"`
	AdministrativEnhet  string `xml:"administrativEnhet,omitempty"`
	Saksansvarlig       string `xml:"saksansvarlig,omitempty"`
	Tilgangsrestriksjon string `xml:"tilgangsrestriksjon,omitempty"`
	Skjermingshjemmel   string `xml:"skjermingshjemmel,omitempty"`
}

type ojKorrespondansepart struct {
	Korrespondanseparttype string `xml:"korrespondanseparttype"`
	KorrespondansepartNavn string `xml:"korrespondansepartNavn"`
}

type ojJournalpost struct {
	SystemID                        string                 `xml:"systemID"`
	RegistreringsID                 string                 `xml:"registreringsID,omitempty"`
	Journalaar                      int                    `xml:"journalaar"`
	Journalsekvensnummer            int                    `xml:"journalsekvensnummer"`
	Journalpostnummer               int                    `xml:"journalpostnummer"`
	OffentligTittel                 string                 `xml:"offentligTittel,omitempty"`
	SkjermingMetadata               string                 `xml:"skjermingMetadata,omitempty"`
	Journaldato                     noark5.Dato            `xml:"journaldato"`
	DokumentetsDato                 *noark5.Dato           `xml:"dokumentetsDato,omitempty"`
	Avskrivningsdato                *noark5.Dato           `xml:"avskrivningsdato,omitempty"`
	Avskrivningsmaate               string                 `xml:"avskrivningsmaate,omitempty"`
	AdministrativEnhet              string                 `xml:"administrativEnhet,omitempty"`
	Saksbehandler                   string                 `xml:"saksbehandler,omitempty"`
	ReferanseAvskrivesAvJournalpost string                 `xml:"referanseAvskrivesAvJournalpost,omitempty"`
	Tilgangsrestriksjon             string                 `xml:"tilgangsrestriksjon,omitempty"`
	Grad                            string                 `xml:"grad,omitempty"`
	Skjermingshjemmel               string                 `xml:"skjermingshjemmel,omitempty"`
	Korrespondansepart              []ojKorrespondansepart `xml:"korrespondansepart"`
}

type ojRegistrering struct {
	Klasse      *ojKlasse     `xml:"klasse,omitempty"`
	Saksmappe   ojSaksmappe   `xml:"saksmappe"`
	Journalpost ojJournalpost `xml:"journalpost"`
}

// SkjermetNavn replaces a screened name in the public journal.
const SkjermetNavn = "Skjermet"

func skjermer(s *noark5.Skjerming, prefix string) bool {
	return s != nil && slices.ContainsFunc(s.SkjermingMetadata, func(v string) bool {
		return strings.HasPrefix(v, prefix) || v == "Midlertidig skjerming"
	})
}

func metadata(s *noark5.Skjerming) string {
	if s == nil {
		return ""
	}
	return strings.Join(s.SkjermingMetadata, "; ")
}

// noteRegistrering records what arkivuttrekk.xml and the journals need from a registrering.
func (u *Uttrekk) noteRegistrering(r *noark5.Registrering) error {
	u.registreringer++
	if u.opts.OnProgress != nil {
		u.opts.OnProgress(u.registreringer)
	}
	u.noteFlags(r)
	jp := r.Journalpost
	if jp == nil {
		return nil
	}
	dato := jp.Journaldato.Format("2006-01-02")
	if u.first == "" || dato < u.first {
		u.first = dato
	}
	if dato > u.last {
		u.last = dato
	}
	if !u.opts.Journaler {
		return nil
	}
	sak := u.innermostSaksmappe()
	if sak == nil || len(r.Korrespondansepart) == 0 {
		// The journals list journalposter in saksmapper, each with a korrespondansepart.
		u.utenforJournal++
		return nil
	}
	lj, oj := u.journalEntries(r, sak)
	start := xml.StartElement{Name: xml.Name{Local: "journalregistrering"}}
	if err := u.loepende.e.EncodeElement(lj, start); err != nil {
		return u.fail(err)
	}
	if err := u.offentlig.e.EncodeElement(oj, start); err != nil {
		return u.fail(err)
	}
	u.journal++
	return nil
}

// noteFlags records the flags arkivuttrekk.xml derives from what the registrering holds.
func (u *Uttrekk) noteFlags(r *noark5.Registrering) {
	u.skjermet = u.skjermet || r.Skjerming != nil
	u.virksomhet = u.virksomhet || r.VirksomhetsspesifikkeMetadata != nil
	u.kasseres = u.kasseres || (r.Kassasjon != nil && r.Kassasjon.Kassasjonsvedtak == "Kasseres")
	for _, d := range r.Dokumentbeskrivelse {
		u.skjermet = u.skjermet || d.Skjerming != nil
		u.kassert = u.kassert || d.UtfoertKassasjon != nil
		u.kasseres = u.kasseres || (d.Kassasjon != nil && d.Kassasjon.Kassasjonsvedtak == "Kasseres")
	}
}

// innermostSaksmappe is the nearest open mappe that is a saksmappe, or nil.
func (u *Uttrekk) innermostSaksmappe() *noark5.Mappe {
	for i := len(u.mapper) - 1; i >= 0; i-- {
		if u.mapper[i].Saksmappe != nil {
			return u.mapper[i]
		}
	}
	return nil
}

// journalEntries are the journalpost r in sak as the løpende journal lists it (everything)
// and as the offentlig journal lists it (titles and names screened as the skjerming says).
func (u *Uttrekk) journalEntries(r *noark5.Registrering, sak *noark5.Mappe) (ljRegistrering, ojRegistrering) {
	jp := r.Journalpost
	lj := ljRegistrering{
		Saksmappe: ljSaksmappe{MappeID: sak.MappeID, Saksaar: sak.Saksmappe.Saksaar, Sakssekvensnummer: sak.Saksmappe.Sakssekvensnummer,
			Tittel: sak.Tittel, OffentligTittel: sak.OffentligTittel, SkjermingMetadata: metadata(sak.Skjerming),
			AdministrativEnhet: sak.Saksmappe.AdministrativEnhet, Saksansvarlig: sak.Saksmappe.Saksansvarlig},
		Journalpost: ljJournalpost{SystemID: r.SystemID.ID, RegistreringsID: r.RegistreringsID, Journalaar: jp.Journalaar,
			Journalsekvensnummer: jp.Journalsekvensnummer, Journalpostnummer: jp.Journalpostnummer, Tittel: r.Tittel, OffentligTittel: r.OffentligTittel,
			OffentlighetsvurdertDato: jp.OffentlighetsvurdertDato, SkjermingMetadata: metadata(r.Skjerming), Journaldato: jp.Journaldato,
			DokumentetsDato: jp.DokumentetsDato, AntallVedlegg: jp.AntallVedlegg, Journalenhet: jp.Journalenhet},
	}
	oj := ojRegistrering{
		Saksmappe: ojSaksmappe{MappeID: sak.MappeID, Saksaar: sak.Saksmappe.Saksaar, Sakssekvensnummer: sak.Saksmappe.Sakssekvensnummer,
			OffentligTittel: sak.OffentligTittel, AdministrativEnhet: sak.Saksmappe.AdministrativEnhet, Saksansvarlig: sak.Saksmappe.Saksansvarlig},
		Journalpost: ojJournalpost{SystemID: r.SystemID.ID, RegistreringsID: r.RegistreringsID, Journalaar: jp.Journalaar,
			Journalsekvensnummer: jp.Journalsekvensnummer, Journalpostnummer: jp.Journalpostnummer, OffentligTittel: r.OffentligTittel,
			SkjermingMetadata: metadata(r.Skjerming), Journaldato: jp.Journaldato, DokumentetsDato: jp.DokumentetsDato},
	}
	if oj.Saksmappe.OffentligTittel == "" && !skjermer(sak.Skjerming, "Skjerming tittel mappe") {
		oj.Saksmappe.OffentligTittel = sak.Tittel
	}
	if oj.Journalpost.OffentligTittel == "" && !skjermer(r.Skjerming, "Skjerming tittel registrering") {
		oj.Journalpost.OffentligTittel = r.Tittel
	}
	if sak.Skjerming != nil {
		oj.Saksmappe.Tilgangsrestriksjon, oj.Saksmappe.Skjermingshjemmel = sak.Skjerming.Tilgangsrestriksjon, sak.Skjerming.Skjermingshjemmel
	}
	if r.Skjerming != nil {
		lj.Journalpost.Tilgangsrestriksjon, lj.Journalpost.Skjermingshjemmel = r.Skjerming.Tilgangsrestriksjon, r.Skjerming.Skjermingshjemmel
		oj.Journalpost.Tilgangsrestriksjon, oj.Journalpost.Skjermingshjemmel = r.Skjerming.Tilgangsrestriksjon, r.Skjerming.Skjermingshjemmel
	}
	if r.Gradering != nil {
		lj.Journalpost.Grad, oj.Journalpost.Grad = r.Gradering.Grad, r.Gradering.Grad
	}
	if len(jp.Avskrivning) > 0 {
		a := jp.Avskrivning[0]
		d := a.Avskrivningsdato
		lj.Journalpost.Avskrivningsdato, lj.Journalpost.Avskrivningsmaate = &d, a.Avskrivningsmaate
		lj.Journalpost.ReferanseAvskrivesAvJournalpost = a.ReferanseAvskrivesAvJournalpost
		oj.Journalpost.Avskrivningsdato, oj.Journalpost.Avskrivningsmaate = &d, a.Avskrivningsmaate
		oj.Journalpost.ReferanseAvskrivesAvJournalpost = a.ReferanseAvskrivesAvJournalpost
	}
	skj := r.Skjerming
	if skj == nil {
		skj = sak.Skjerming
	}
	journalParties(&lj.Journalpost, &oj.Journalpost, r.Korrespondansepart, skj)
	if n := len(u.klasse); n > 0 && u.klasse[n-1].id != "" {
		k := u.klasse[n-1]
		lj.Klasse = &ljKlasse{KlasseID: k.id, Tittel: k.tittel}
		if !skjermer(skj, "Skjerming klasseID") {
			oj.Klasse = &ojKlasse{KlasseID: k.id, Tittel: k.tittel}
		}
	}
	return lj, oj
}

// journalParties lists the korrespondanseparter in both journals, names screened in the
// offentlig one where skj screens them; the first party's unit and saksbehandler are the
// journalpost's.
func journalParties(lj *ljJournalpost, oj *ojJournalpost, parter []noark5.Korrespondansepart, skj *noark5.Skjerming) {
	for _, k := range parter {
		lj.Korrespondansepart = append(lj.Korrespondansepart, ljKorrespondansepart{
			Korrespondanseparttype: k.Korrespondanseparttype, KorrespondansepartNavn: k.KorrespondansepartNavn})
		navn := k.KorrespondansepartNavn
		avsender := k.Korrespondanseparttype == "Avsender" || k.Korrespondanseparttype == "Intern avsender"
		if (avsender && skjermer(skj, "Skjerming navn avsender")) || (!avsender && skjermer(skj, "Skjerming navn mottaker")) {
			navn = SkjermetNavn
		}
		oj.Korrespondansepart = append(oj.Korrespondansepart, ojKorrespondansepart{
			Korrespondanseparttype: k.Korrespondanseparttype, KorrespondansepartNavn: navn})
		if lj.AdministrativEnhet == "" {
			lj.AdministrativEnhet, lj.Saksbehandler = k.AdministrativEnhet, k.Saksbehandler
			oj.AdministrativEnhet, oj.Saksbehandler = k.AdministrativEnhet, k.Saksbehandler
		}
	}
}
