package noark5

import (
	"encoding/xml"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/internal/xsdate"
)

// Namespace is the arkivstruktur namespace (unchanged since Noark 5 v3; the version is in
// arkivuttrekk.xml, not here).
const Namespace = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"

// Dato is an xs:date, written YYYY-MM-DD. It is the module's one date type (also
// einnsyn.Dato and folkeregister.Dato): it reads an xs:date, its zone dropped, or the
// date of an xs:dateTime as written ("2025-03-01T23:30:00+01:00" is 1 March); "" is the
// zero Dato and the zero Dato is written "". Text (XML) and JSON alike.
type Dato = xsdate.Dato

// NewDato is the date y-m-d.
func NewDato(y int, m time.Month, d int) Dato { return xsdate.NewDato(y, m, d) }

// Tidspunkt is an xs:dateTime, written in RFC 3339 with its offset. One read without a
// zone is written back without one (UtenSone). The module's one timestamp type (also
// folkeregister.Tidspunkt); text (XML) and JSON alike.
type Tidspunkt = xsdate.Tidspunkt

// Tid is a Tidspunkt for t.
func Tid(t time.Time) Tidspunkt { return Tidspunkt{Time: t} }

// SystemID is a systemID with its optional label attribute.
type SystemID struct {
	ID    string `xml:",chardata"`
	Label string `xml:"label,attr,omitempty"`
}

// AnyXML is content of xs:anyType (virksomhetsspesifikkeMetadata), written as it is.
type AnyXML struct {
	InnerXML string `xml:",innerxml"`
}

// Arkivskaper is the body that created the archive.
type Arkivskaper struct {
	ArkivskaperID   string `xml:"arkivskaperID"`
	ArkivskaperNavn string `xml:"arkivskaperNavn"`
	Beskrivelse     string `xml:"beskrivelse,omitempty"`
}

// Arkiv is the root (and may nest arkiv). Its children, arkiv or arkivdel, are written by
// the Writer.
type Arkiv struct {
	SystemID         SystemID      `xml:"systemID"`
	Tittel           string        `xml:"tittel"`
	Beskrivelse      string        `xml:"beskrivelse,omitempty"`
	Arkivstatus      string        `xml:"arkivstatus,omitempty"`
	Dokumentmedium   string        `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted []string      `xml:"oppbevaringssted,omitempty"`
	OpprettetDato    Tidspunkt     `xml:"opprettetDato"`
	OpprettetAv      string        `xml:"opprettetAv"`
	AvsluttetDato    Tidspunkt     `xml:"avsluttetDato"`
	AvsluttetAv      string        `xml:"avsluttetAv"`
	Arkivskaper      []Arkivskaper `xml:"arkivskaper"`
}

// Arkivdel is a part of an archive. Its children (klassifikasjonssystem, mappe or
// registrering) are written by the Writer.
type Arkivdel struct {
	SystemID              SystemID          `xml:"systemID"`
	Tittel                string            `xml:"tittel"`
	Beskrivelse           string            `xml:"beskrivelse,omitempty"`
	Arkivdelstatus        string            `xml:"arkivdelstatus"`
	Dokumentmedium        string            `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted      []string          `xml:"oppbevaringssted,omitempty"`
	OpprettetDato         Tidspunkt         `xml:"opprettetDato"`
	OpprettetAv           string            `xml:"opprettetAv"`
	AvsluttetDato         Tidspunkt         `xml:"avsluttetDato"`
	AvsluttetAv           string            `xml:"avsluttetAv"`
	ArkivperiodeStartDato *Dato             `xml:"arkivperiodeStartDato,omitempty"`
	ArkivperiodeSluttDato *Dato             `xml:"arkivperiodeSluttDato,omitempty"`
	ReferanseForloeper    string            `xml:"referanseForloeper,omitempty"`
	ReferanseArvtaker     string            `xml:"referanseArvtaker,omitempty"`
	Kassasjon             *Kassasjon        `xml:"kassasjon,omitempty"`
	UtfoertKassasjon      *UtfoertKassasjon `xml:"utfoertKassasjon,omitempty"`
	Sletting              *Sletting         `xml:"sletting,omitempty"`
	Skjerming             *Skjerming        `xml:"skjerming,omitempty"`
	Gradering             *Gradering        `xml:"gradering,omitempty"`
}

// Klassifikasjonssystem is a classification system; its klasser are written by the Writer.
type Klassifikasjonssystem struct {
	SystemID            SystemID   `xml:"systemID"`
	Klassifikasjonstype string     `xml:"klassifikasjonstype,omitempty"`
	Tittel              string     `xml:"tittel"`
	Beskrivelse         string     `xml:"beskrivelse,omitempty"`
	OpprettetDato       Tidspunkt  `xml:"opprettetDato"`
	OpprettetAv         string     `xml:"opprettetAv"`
	AvsluttetDato       *Tidspunkt `xml:"avsluttetDato,omitempty"`
	AvsluttetAv         string     `xml:"avsluttetAv,omitempty"`
}

// Klasse is a class; its children (klasse, mappe or registrering) are written by the Writer.
type Klasse struct {
	SystemID       SystemID         `xml:"systemID"`
	KlasseID       string           `xml:"klasseID"`
	Tittel         string           `xml:"tittel"`
	Beskrivelse    string           `xml:"beskrivelse,omitempty"`
	Noekkelord     []string         `xml:"noekkelord,omitempty"`
	OpprettetDato  Tidspunkt        `xml:"opprettetDato"`
	OpprettetAv    string           `xml:"opprettetAv"`
	AvsluttetDato  *Tidspunkt       `xml:"avsluttetDato,omitempty"`
	AvsluttetAv    string           `xml:"avsluttetAv,omitempty"`
	Kryssreferanse []Kryssreferanse `xml:"kryssreferanse,omitempty"`
	Kassasjon      *Kassasjon       `xml:"kassasjon,omitempty"`
	Skjerming      *Skjerming       `xml:"skjerming,omitempty"`
	Gradering      *Gradering       `xml:"gradering,omitempty"`
}

// Mappe is a folder; set Saksmappe or Moetemappe to make it one (xsi:type). Mapper and
// Registreringer hold children for a mappe written whole (Writer.Mappe); with
// Writer.StartMappe the children are streamed instead.
type Mappe struct {
	SystemID                      SystemID         `xml:"systemID"`
	MappeID                       string           `xml:"mappeID"`
	Tittel                        string           `xml:"tittel"`
	OffentligTittel               string           `xml:"offentligTittel,omitempty"`
	Beskrivelse                   string           `xml:"beskrivelse,omitempty"`
	Noekkelord                    []string         `xml:"noekkelord,omitempty"`
	Dokumentmedium                string           `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted              []string         `xml:"oppbevaringssted,omitempty"`
	OpprettetDato                 Tidspunkt        `xml:"opprettetDato"`
	OpprettetAv                   string           `xml:"opprettetAv"`
	AvsluttetDato                 Tidspunkt        `xml:"avsluttetDato"`
	AvsluttetAv                   string           `xml:"avsluttetAv"`
	ReferanseArkivdel             []string         `xml:"referanseArkivdel,omitempty"`
	VirksomhetsspesifikkeMetadata *AnyXML          `xml:"virksomhetsspesifikkeMetadata,omitempty"`
	Part                          []Part           `xml:"part,omitempty"`
	Kryssreferanse                []Kryssreferanse `xml:"kryssreferanse,omitempty"`
	Merknad                       []Merknad        `xml:"merknad,omitempty"`
	Kassasjon                     *Kassasjon       `xml:"kassasjon,omitempty"`
	Skjerming                     *Skjerming       `xml:"skjerming,omitempty"`
	Gradering                     *Gradering       `xml:"gradering,omitempty"`
	Mapper                        []Mappe          `xml:"mappe,omitempty"`
	Registreringer                []Registrering   `xml:"registrering,omitempty"`

	Saksmappe  *Saksmappe  `xml:"-"`
	Moetemappe *Moetemappe `xml:"-"`
}

// Saksmappe holds what a saksmappe adds to a mappe. In the XML these elements come after
// the mappe's children.
type Saksmappe struct {
	Saksaar                          int         `xml:"saksaar"`
	Sakssekvensnummer                int         `xml:"sakssekvensnummer"`
	Saksdato                         Dato        `xml:"saksdato"`
	AdministrativEnhet               string      `xml:"administrativEnhet"`
	Saksansvarlig                    string      `xml:"saksansvarlig"`
	Journalenhet                     string      `xml:"journalenhet,omitempty"`
	Saksstatus                       string      `xml:"saksstatus"`
	UtlaantDato                      *Dato       `xml:"utlaantDato,omitempty"`
	UtlaantTil                       string      `xml:"utlaantTil,omitempty"`
	ReferanseSekundaerKlassifikasjon []string    `xml:"referanseSekundaerKlassifikasjon,omitempty"`
	Presedens                        []Presedens `xml:"presedens,omitempty"`
}

// Moetemappe holds what a moetemappe adds to a mappe (after the children in the XML).
type Moetemappe struct {
	Moetenummer           string          `xml:"moetenummer"`
	Utvalg                string          `xml:"utvalg"`
	Moetedato             Dato            `xml:"moetedato"`
	Moetested             string          `xml:"moetested,omitempty"`
	ReferanseForrigeMoete string          `xml:"referanseForrigeMoete,omitempty"`
	ReferanseNesteMoete   string          `xml:"referanseNesteMoete,omitempty"`
	Moetedeltaker         []Moetedeltaker `xml:"moetedeltaker,omitempty"`
}

// Moetedeltaker is a participant in a meeting.
type Moetedeltaker struct {
	MoetedeltakerNavn     string `xml:"moetedeltakerNavn"`
	MoetedeltakerFunksjon string `xml:"moetedeltakerFunksjon,omitempty"`
}

// Part is a party to a mappe, registrering or dokumentbeskrivelse.
type Part struct {
	PartID                        string   `xml:"partID,omitempty"`
	PartNavn                      string   `xml:"partNavn"`
	PartRolle                     string   `xml:"partRolle"`
	Postadresse                   []string `xml:"postadresse,omitempty"`
	Postnummer                    string   `xml:"postnummer,omitempty"`
	Poststed                      string   `xml:"poststed,omitempty"`
	Land                          string   `xml:"land,omitempty"`
	Epostadresse                  string   `xml:"epostadresse,omitempty"`
	Telefonnummer                 []string `xml:"telefonnummer,omitempty"`
	Kontaktperson                 string   `xml:"kontaktperson,omitempty"`
	VirksomhetsspesifikkeMetadata *AnyXML  `xml:"virksomhetsspesifikkeMetadata,omitempty"`
}

// Registrering is a record; set Journalpost, Arkivnotat or Moeteregistrering to make it
// one (xsi:type).
type Registrering struct {
	SystemID                      SystemID              `xml:"systemID"`
	OpprettetDato                 Tidspunkt             `xml:"opprettetDato"`
	OpprettetAv                   string                `xml:"opprettetAv"`
	ArkivertDato                  Tidspunkt             `xml:"arkivertDato"`
	ArkivertAv                    string                `xml:"arkivertAv"`
	ReferanseArkivdel             []string              `xml:"referanseArkivdel,omitempty"`
	Part                          []Part                `xml:"part,omitempty"`
	Kassasjon                     *Kassasjon            `xml:"kassasjon,omitempty"`
	Skjerming                     *Skjerming            `xml:"skjerming,omitempty"`
	Gradering                     *Gradering            `xml:"gradering,omitempty"`
	Dokumentbeskrivelse           []Dokumentbeskrivelse `xml:"dokumentbeskrivelse,omitempty"`
	RegistreringsID               string                `xml:"registreringsID,omitempty"`
	Tittel                        string                `xml:"tittel"`
	OffentligTittel               string                `xml:"offentligTittel,omitempty"`
	Beskrivelse                   string                `xml:"beskrivelse,omitempty"`
	Noekkelord                    []string              `xml:"noekkelord,omitempty"`
	Forfatter                     []string              `xml:"forfatter,omitempty"`
	Dokumentmedium                string                `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted              []string              `xml:"oppbevaringssted,omitempty"`
	VirksomhetsspesifikkeMetadata *AnyXML               `xml:"virksomhetsspesifikkeMetadata,omitempty"`
	Merknad                       []Merknad             `xml:"merknad,omitempty"`
	Kryssreferanse                []Kryssreferanse      `xml:"kryssreferanse,omitempty"`
	Korrespondansepart            []Korrespondansepart  `xml:"korrespondansepart,omitempty"`

	Journalpost       *Journalpost       `xml:"-"`
	Arkivnotat        *Arkivnotat        `xml:"-"`
	Moeteregistrering *Moeteregistrering `xml:"-"`
}

// Journalpost holds what a journalpost adds to a registrering.
type Journalpost struct {
	Journalaar               int                  `xml:"journalaar"`
	Journalsekvensnummer     int                  `xml:"journalsekvensnummer"`
	Journalpostnummer        int                  `xml:"journalpostnummer"`
	Journalposttype          string               `xml:"journalposttype"`
	Journalstatus            string               `xml:"journalstatus"`
	Journaldato              Dato                 `xml:"journaldato"`
	DokumentetsDato          *Dato                `xml:"dokumentetsDato,omitempty"`
	MottattDato              *Tidspunkt           `xml:"mottattDato,omitempty"`
	SendtDato                *Tidspunkt           `xml:"sendtDato,omitempty"`
	Forfallsdato             *Dato                `xml:"forfallsdato,omitempty"`
	OffentlighetsvurdertDato *Dato                `xml:"offentlighetsvurdertDato,omitempty"`
	AntallVedlegg            *int                 `xml:"antallVedlegg,omitempty"`
	UtlaantDato              *Dato                `xml:"utlaantDato,omitempty"`
	UtlaantTil               string               `xml:"utlaantTil,omitempty"`
	Journalenhet             string               `xml:"journalenhet,omitempty"`
	Avskrivning              []Avskrivning        `xml:"avskrivning,omitempty"`
	Dokumentflyt             []Dokumentflyt       `xml:"dokumentflyt,omitempty"`
	Presedens                []Presedens          `xml:"presedens,omitempty"`
	ElektroniskSignatur      *ElektroniskSignatur `xml:"elektroniskSignatur,omitempty"`
}

// Arkivnotat holds what an arkivnotat adds to a registrering.
type Arkivnotat struct {
	DokumentetsDato          *Dato          `xml:"dokumentetsDato,omitempty"`
	MottattDato              *Tidspunkt     `xml:"mottattDato,omitempty"`
	SendtDato                *Tidspunkt     `xml:"sendtDato,omitempty"`
	Forfallsdato             *Dato          `xml:"forfallsdato,omitempty"`
	OffentlighetsvurdertDato *Dato          `xml:"offentlighetsvurdertDato,omitempty"`
	AntallVedlegg            *int           `xml:"antallVedlegg,omitempty"`
	UtlaantDato              *Dato          `xml:"utlaantDato,omitempty"`
	UtlaantTil               string         `xml:"utlaantTil,omitempty"`
	Dokumentflyt             []Dokumentflyt `xml:"dokumentflyt,omitempty"`
}

// Moeteregistrering holds what a moeteregistrering adds to a registrering.
type Moeteregistrering struct {
	Moeteregistreringstype        string   `xml:"moeteregistreringstype"`
	Moetesakstype                 string   `xml:"moetesakstype,omitempty"`
	Moeteregistreringsstatus      string   `xml:"moeteregistreringsstatus,omitempty"`
	AdministrativEnhet            string   `xml:"administrativEnhet"`
	Saksbehandler                 string   `xml:"saksbehandler"`
	ReferanseTilMoeteregistrering []string `xml:"referanseTilMoeteregistrering,omitempty"`
	ReferanseFraMoeteregistrering []string `xml:"referanseFraMoeteregistrering,omitempty"`
}

// Korrespondansepart is a sender or recipient.
type Korrespondansepart struct {
	Korrespondanseparttype string   `xml:"korrespondanseparttype"`
	KorrespondansepartNavn string   `xml:"korrespondansepartNavn"`
	Postadresse            []string `xml:"postadresse,omitempty"`
	Postnummer             string   `xml:"postnummer,omitempty"`
	Poststed               string   `xml:"poststed,omitempty"`
	Land                   string   `xml:"land,omitempty"`
	Epostadresse           string   `xml:"epostadresse,omitempty"`
	Telefonnummer          []string `xml:"telefonnummer,omitempty"`
	Kontaktperson          string   `xml:"kontaktperson,omitempty"`
	AdministrativEnhet     string   `xml:"administrativEnhet,omitempty"`
	Saksbehandler          string   `xml:"saksbehandler,omitempty"`
}

// Avskrivning records how a journalpost was answered.
type Avskrivning struct {
	Avskrivningsdato                Dato   `xml:"avskrivningsdato"`
	AvskrevetAv                     string `xml:"avskrevetAv"`
	Avskrivningsmaate               string `xml:"avskrivningsmaate"`
	ReferanseAvskrivesAvJournalpost string `xml:"referanseAvskrivesAvJournalpost,omitempty"`
}

// Dokumentflyt is one step of a document's internal flow.
type Dokumentflyt struct {
	FlytTil         string    `xml:"flytTil"`
	FlytFra         string    `xml:"flytFra"`
	FlytMottattDato Tidspunkt `xml:"flytMottattDato"`
	FlytSendtDato   Tidspunkt `xml:"flytSendtDato"`
	FlytStatus      string    `xml:"flytStatus"`
	FlytMerknad     string    `xml:"flytMerknad,omitempty"`
}

// Dokumentbeskrivelse describes a document.
type Dokumentbeskrivelse struct {
	SystemID                  SystemID             `xml:"systemID"`
	Dokumenttype              string               `xml:"dokumenttype"`
	Dokumentstatus            string               `xml:"dokumentstatus"`
	Tittel                    string               `xml:"tittel"`
	Beskrivelse               string               `xml:"beskrivelse,omitempty"`
	Forfatter                 []string             `xml:"forfatter,omitempty"`
	OpprettetDato             Tidspunkt            `xml:"opprettetDato"`
	OpprettetAv               string               `xml:"opprettetAv"`
	Dokumentmedium            string               `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted          string               `xml:"oppbevaringssted,omitempty"`
	ReferanseArkivdel         []string             `xml:"referanseArkivdel,omitempty"`
	TilknyttetRegistreringSom string               `xml:"tilknyttetRegistreringSom"`
	Dokumentnummer            int                  `xml:"dokumentnummer"`
	TilknyttetDato            Tidspunkt            `xml:"tilknyttetDato"`
	TilknyttetAv              string               `xml:"tilknyttetAv"`
	Part                      []Part               `xml:"part,omitempty"`
	Merknad                   []Merknad            `xml:"merknad,omitempty"`
	Kassasjon                 *Kassasjon           `xml:"kassasjon,omitempty"`
	UtfoertKassasjon          *UtfoertKassasjon    `xml:"utfoertKassasjon,omitempty"`
	Sletting                  *Sletting            `xml:"sletting,omitempty"`
	Skjerming                 *Skjerming           `xml:"skjerming,omitempty"`
	Gradering                 *Gradering           `xml:"gradering,omitempty"`
	ElektroniskSignatur       *ElektroniskSignatur `xml:"elektroniskSignatur,omitempty"`
	Dokumentobjekt            []Dokumentobjekt     `xml:"dokumentobjekt,omitempty"`
}

// Dokumentobjekt is one file of a document. The arkivuttrekk package fills Sjekksum,
// SjekksumAlgoritme and Filstoerrelse while it copies the file.
type Dokumentobjekt struct {
	SystemID             SystemID             `xml:"systemID"`
	Versjonsnummer       int                  `xml:"versjonsnummer"`
	Variantformat        string               `xml:"variantformat"`
	Format               string               `xml:"format"`
	FormatDetaljer       string               `xml:"formatDetaljer,omitempty"`
	OpprettetDato        Tidspunkt            `xml:"opprettetDato"`
	OpprettetAv          string               `xml:"opprettetAv"`
	ReferanseDokumentfil string               `xml:"referanseDokumentfil"`
	Sjekksum             string               `xml:"sjekksum"`
	SjekksumAlgoritme    string               `xml:"sjekksumAlgoritme"`
	Filstoerrelse        int64                `xml:"filstoerrelse"`
	ElektroniskSignatur  *ElektroniskSignatur `xml:"elektroniskSignatur,omitempty"`
	Konvertering         []Konvertering       `xml:"konvertering,omitempty"`
}

// Konvertering records a format conversion of a file.
type Konvertering struct {
	KonvertertDato         Tidspunkt `xml:"konvertertDato"`
	KonvertertAv           string    `xml:"konvertertAv"`
	KonvertertFraFormat    string    `xml:"konvertertFraFormat"`
	KonvertertTilFormat    string    `xml:"konvertertTilFormat"`
	Konverteringsverktoey  string    `xml:"konverteringsverktoey,omitempty"`
	Konverteringskommentar string    `xml:"konverteringskommentar,omitempty"`
}

// Kryssreferanse points to another klasse, mappe or registrering (by systemID).
type Kryssreferanse struct {
	ReferanseTilKlasse       string `xml:"referanseTilKlasse,omitempty"`
	ReferanseTilMappe        string `xml:"referanseTilMappe,omitempty"`
	ReferanseTilRegistrering string `xml:"referanseTilRegistrering,omitempty"`
}

// Merknad is a note.
type Merknad struct {
	Merknadstekst       string    `xml:"merknadstekst"`
	Merknadstype        string    `xml:"merknadstype,omitempty"`
	Merknadsdato        Tidspunkt `xml:"merknadsdato"`
	MerknadRegistrertAv string    `xml:"merknadRegistrertAv"`
}

// Kassasjon is a disposal decision.
type Kassasjon struct {
	Kassasjonsvedtak  string `xml:"kassasjonsvedtak"`
	Kassasjonshjemmel string `xml:"kassasjonshjemmel,omitempty"`
	Bevaringstid      int    `xml:"bevaringstid"`
	Kassasjonsdato    Dato   `xml:"kassasjonsdato"`
}

// UtfoertKassasjon records a disposal carried out.
type UtfoertKassasjon struct {
	KassertDato Tidspunkt `xml:"kassertDato"`
	KassertAv   string    `xml:"kassertAv"`
}

// Sletting records a deletion.
type Sletting struct {
	Slettingstype string    `xml:"slettingstype"`
	SlettetDato   Tidspunkt `xml:"slettetDato"`
	SlettetAv     string    `xml:"slettetAv"`
}

// Skjerming is an access restriction.
type Skjerming struct {
	Tilgangsrestriksjon    string   `xml:"tilgangsrestriksjon"`
	Skjermingshjemmel      string   `xml:"skjermingshjemmel"`
	SkjermingMetadata      []string `xml:"skjermingMetadata"`
	SkjermingDokument      string   `xml:"skjermingDokument,omitempty"`
	Skjermingsvarighet     *int     `xml:"skjermingsvarighet,omitempty"`
	SkjermingOpphoererDato *Dato    `xml:"skjermingOpphoererDato,omitempty"`
}

// Gradering is a security classification.
type Gradering struct {
	Grad              string     `xml:"grad"`
	Graderingsdato    Tidspunkt  `xml:"graderingsdato"`
	GradertAv         string     `xml:"gradertAv"`
	Nedgraderingsdato *Tidspunkt `xml:"nedgraderingsdato,omitempty"`
	NedgradertAv      string     `xml:"nedgradertAv,omitempty"`
}

// Presedens is a precedent.
type Presedens struct {
	PresedensDato         Dato       `xml:"presedensDato"`
	OpprettetDato         Tidspunkt  `xml:"opprettetDato"`
	OpprettetAv           string     `xml:"opprettetAv"`
	Tittel                string     `xml:"tittel"`
	Beskrivelse           string     `xml:"beskrivelse,omitempty"`
	PresedensHjemmel      string     `xml:"presedensHjemmel,omitempty"`
	Rettskildefaktor      string     `xml:"rettskildefaktor"`
	PresedensGodkjentDato *Tidspunkt `xml:"presedensGodkjentDato,omitempty"`
	PresedensGodkjentAv   string     `xml:"presedensGodkjentAv,omitempty"`
	AvsluttetDato         *Tidspunkt `xml:"avsluttetDato,omitempty"`
	AvsluttetAv           string     `xml:"avsluttetAv,omitempty"`
	PresedensStatus       string     `xml:"presedensStatus,omitempty"`
}

// ElektroniskSignatur records a signature's verification.
type ElektroniskSignatur struct {
	ElektroniskSignaturSikkerhetsnivaa string `xml:"elektroniskSignaturSikkerhetsnivaa"`
	ElektroniskSignaturVerifisert      string `xml:"elektroniskSignaturVerifisert"`
	VerifisertDato                     Dato   `xml:"verifisertDato"`
	VerifisertAv                       string `xml:"verifisertAv"`
}

// The xsi:type plumbing: the base fields are encoded through a method-less copy of the
// type, the subtype's fields embedded after them.
type (
	mappePlain        Mappe
	registreringPlain Registrering
	saksmappeWire     struct {
		mappePlain
		*Saksmappe
	}
	moetemappeWire struct {
		mappePlain
		*Moetemappe
	}
	journalpostWire struct {
		registreringPlain
		*Journalpost
	}
	arkivnotatWire struct {
		registreringPlain
		*Arkivnotat
	}
	moeteregistreringWire struct {
		registreringPlain
		*Moeteregistrering
	}
)

func xsiAttr(start *xml.StartElement, t string) {
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: t})
}

// Type is the mappe's xsi:type: "saksmappe", "moetemappe" or "mappe".
func (m *Mappe) Type() string {
	switch {
	case m.Saksmappe != nil:
		return "saksmappe"
	case m.Moetemappe != nil:
		return "moetemappe"
	}
	return "mappe"
}

// Type is the registrering's xsi:type: "journalpost", "arkivnotat",
// "moeteregistrering" or "registrering".
func (r *Registrering) Type() string {
	switch {
	case r.Journalpost != nil:
		return "journalpost"
	case r.Arkivnotat != nil:
		return "arkivnotat"
	case r.Moeteregistrering != nil:
		return "moeteregistrering"
	}
	return "registrering"
}

// MarshalXML writes the mappe with its xsi:type.
func (m Mappe) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	switch {
	case m.Saksmappe != nil:
		xsiAttr(&start, "saksmappe")
		return e.EncodeElement(saksmappeWire{mappePlain(m), m.Saksmappe}, start)
	case m.Moetemappe != nil:
		xsiAttr(&start, "moetemappe")
		return e.EncodeElement(moetemappeWire{mappePlain(m), m.Moetemappe}, start)
	}
	return e.EncodeElement(mappePlain(m), start)
}

// UnmarshalXML reads a mappe by its xsi:type.
func (m *Mappe) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	switch xsiType(start) {
	case "saksmappe":
		w := saksmappeWire{Saksmappe: new(Saksmappe)}
		if err := d.DecodeElement(&w, &start); err != nil {
			return err
		}
		*m = Mappe(w.mappePlain)
		m.Saksmappe = w.Saksmappe
	case "moetemappe":
		w := moetemappeWire{Moetemappe: new(Moetemappe)}
		if err := d.DecodeElement(&w, &start); err != nil {
			return err
		}
		*m = Mappe(w.mappePlain)
		m.Moetemappe = w.Moetemappe
	default:
		var p mappePlain
		if err := d.DecodeElement(&p, &start); err != nil {
			return err
		}
		*m = Mappe(p)
	}
	return nil
}

// MarshalXML writes the registrering with its xsi:type.
func (r Registrering) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	switch {
	case r.Journalpost != nil:
		xsiAttr(&start, "journalpost")
		return e.EncodeElement(journalpostWire{registreringPlain(r), r.Journalpost}, start)
	case r.Arkivnotat != nil:
		xsiAttr(&start, "arkivnotat")
		return e.EncodeElement(arkivnotatWire{registreringPlain(r), r.Arkivnotat}, start)
	case r.Moeteregistrering != nil:
		xsiAttr(&start, "moeteregistrering")
		return e.EncodeElement(moeteregistreringWire{registreringPlain(r), r.Moeteregistrering}, start)
	}
	return e.EncodeElement(registreringPlain(r), start)
}

// UnmarshalXML reads a registrering by its xsi:type.
func (r *Registrering) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	switch xsiType(start) {
	case "journalpost":
		w := journalpostWire{Journalpost: new(Journalpost)}
		if err := d.DecodeElement(&w, &start); err != nil {
			return err
		}
		*r = Registrering(w.registreringPlain)
		r.Journalpost = w.Journalpost
	case "arkivnotat":
		w := arkivnotatWire{Arkivnotat: new(Arkivnotat)}
		if err := d.DecodeElement(&w, &start); err != nil {
			return err
		}
		*r = Registrering(w.registreringPlain)
		r.Arkivnotat = w.Arkivnotat
	case "moeteregistrering":
		w := moeteregistreringWire{Moeteregistrering: new(Moeteregistrering)}
		if err := d.DecodeElement(&w, &start); err != nil {
			return err
		}
		*r = Registrering(w.registreringPlain)
		r.Moeteregistrering = w.Moeteregistrering
	default:
		var p registreringPlain
		if err := d.DecodeElement(&p, &start); err != nil {
			return err
		}
		*r = Registrering(p)
	}
	return nil
}

func xsiType(start xml.StartElement) string {
	for _, a := range start.Attr {
		if a.Name.Local == "type" && (a.Name.Space == xsiNS || a.Name.Space == "xsi") {
			v := strings.TrimSpace(a.Value)
			if _, local, ok := strings.Cut(v, ":"); ok {
				v = local
			}
			return v
		}
	}
	return ""
}
