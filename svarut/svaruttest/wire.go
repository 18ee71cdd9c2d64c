package svaruttest

import "time"

// The fake's own wire shapes, written from the SvarUt v3 send spec and the SvarInn spec
// (../shared/specs/fiks/svarut): the client's generated types are not used here, so a
// field the client spells differently from the spec fails a test instead of agreeing
// with itself.

// wireForsendelse is the "forsendelse" part of POST /api/v2/kontoer/{konto}/forsendelser
// (the v2 Forsendelse). A v3 send is checked in its own shape (wireV3Forsendelse) and
// then held in this one.
type wireForsendelse struct {
	Tittel              string         `json:"tittel"`
	Mottaker            wireAdresse    `json:"mottaker"`
	Dokumenter          []wireDokument `json:"dokumenter"`
	EksternReferanse    string         `json:"eksternReferanse,omitempty"`
	Forsendelsestype    string         `json:"forsendelsestype,omitempty"`
	Korrelasjonsid      string         `json:"korrelasjonsid,omitempty"`
	AvgivendeSystem     string         `json:"avgivendeSystem,omitempty"`
	KrevNiva4Innlogging bool           `json:"krevNiva4Innlogging,omitempty"`
	Kryptert            bool           `json:"kryptert,omitempty"`
	KunDigitalLevering  bool           `json:"kunDigitalLevering,omitempty"`
	TaushetsbelagtPost  bool           `json:"taushetsbelagtPost,omitempty"`
	SvarSendesTil       *wireAdresse   `json:"svarSendesTil,omitempty"`
	// SvarPaForsendelseLink needs svarSendesTil with an organisasjonsnummer.
	SvarPaForsendelseLink bool       `json:"svarPaForsendelseLink,omitempty"`
	EksponertFor          []string   `json:"eksponertFor,omitempty"`
	AvgivendeSystemAktor  string     `json:"avgivendeSystemAktor,omitempty"`
	MetadataForImport     *wireNoark `json:"metadataForImport,omitempty"`
	// MetadataFraAvleverendeSystem is the sender's Noark metadata.
	MetadataFraAvleverendeSystem *wireNoark  `json:"metadataFraAvleverendeSystem,omitempty"`
	SvarPaForsendelse            string      `json:"svarPaForsendelse,omitempty"`
	Lenker                       []wireLenke `json:"lenker,omitempty"`
}

// wireNoark is the send specs' Noark 5 metadata (v2 and v3 spell it alike, flat).
type wireNoark struct {
	Saksaar              int32          `json:"saksaar,omitempty"`
	Sakssekvensnummer    int64          `json:"sakssekvensnummer,omitempty"`
	Journalaar           int32          `json:"journalaar,omitempty"`
	Journalsekvensnummer int64          `json:"journalsekvensnummer,omitempty"`
	Journalpostnummer    int64          `json:"journalpostnummer,omitempty"`
	Journalposttype      string         `json:"journalposttype,omitempty"`
	Journalstatus        string         `json:"journalstatus,omitempty"`
	Journaldato          *time.Time     `json:"journaldato,omitempty"`
	DokumentetsDato      *time.Time     `json:"dokumentetsDato,omitempty"`
	Tittel               string         `json:"tittel,omitempty"`
	Saksbehandler        string         `json:"saksbehandler,omitempty"`
	MappeID              string         `json:"mappeId,omitempty"`
	MappeSystemID        string         `json:"mappeSystemId,omitempty"`
	SystemID             string         `json:"systemId,omitempty"`
	RegistreringsID      string         `json:"registreringsId,omitempty"`
	EkstraMetadata       []wireMetadata `json:"ekstraMetadata,omitempty"`
}

type wireMetadata struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type wireLenke struct {
	URL       string `json:"url"`
	Tekst     string `json:"tekst"`
	Ledetekst string `json:"ledetekst,omitempty"`
}

// wireAdresse is the send spec's Adresse (mottaker).
type wireAdresse struct {
	Navn          string `json:"navn"`
	DigitalID     string `json:"digitalId,omitempty"`
	Adresselinje1 string `json:"adresselinje1,omitempty"`
	Adresselinje2 string `json:"adresselinje2,omitempty"`
	Adresselinje3 string `json:"adresselinje3,omitempty"`
	Postnummer    string `json:"postnummer,omitempty"`
	Poststed      string `json:"poststed,omitempty"`
	Land          string `json:"land,omitempty"`
}

// wireDokument is the send spec's Dokument.
type wireDokument struct {
	Filnavn                    string         `json:"filnavn"`
	MimeType                   string         `json:"mimeType"`
	SkalEkskluderesFraUtskrift bool           `json:"skalEkskluderesFraUtskrift,omitempty"`
	DokumentType               string         `json:"dokumentType,omitempty"`
	EkstraMetadata             []wireMetadata `json:"ekstraMetadata,omitempty"`
}

// wireV3Forsendelse is the union of v3's PersonForsendelse, OrganisasjonForsendelse and
// PrintForsendelse (forsendelse-send-api-v3.json); v3Fields says which fields each takes.
type wireV3Forsendelse struct {
	Tittel                       string                  `json:"tittel"`
	Mottaker                     wireV3Mottaker          `json:"mottaker"`
	EksponertFor                 []string                `json:"eksponertFor"`
	AvgivendeSystem              string                  `json:"avgivendeSystem"`
	AvgivendeSystemAktor         string                  `json:"avgivendeSystemAktor"`
	Konteringskode               string                  `json:"konteringskode"`
	KunDigitalLevering           bool                    `json:"kunDigitalLevering"`
	Kryptert                     bool                    `json:"kryptert"`
	Utskriftskonfigurasjon       *struct{ Tosidig bool } `json:"utskriftskonfigurasjon"`
	Sikkerhetsniva               string                  `json:"sikkerhetsniva"`
	SvarSendesTil                *wireV3SvarSendesTil    `json:"svarSendesTil"`
	SvarPaForsendelseID          string                  `json:"svarPaForsendelseId"`
	Dokumenter                   []wireV3Dokument        `json:"dokumenter"`
	Lenker                       []wireLenke             `json:"lenker"`
	EksternReferanse             string                  `json:"eksternReferanse"`
	KanSvareViaEdialog           bool                    `json:"kanSvareViaEdialog"`
	Korrelasjonsid               string                  `json:"korrelasjonsid"`
	Signering                    *wireV3Signering        `json:"signering"`
	MetadataFraAvleverendeSystem *wireNoark              `json:"metadataFraAvleverendeSystem"`
	MetadataForImport            *wireNoark              `json:"metadataForImport"`
	Forsendelsestype             string                  `json:"forsendelsestype"`
	TaushetsbelagtPost           bool                    `json:"taushetsbelagtPost"`
}

// wireV3Mottaker is v3's Mottaker {navn, digitalId, adresse}, or for print its
// Postadresse {navn, adresse}.
type wireV3Mottaker struct {
	Navn      string         `json:"navn"`
	DigitalID string         `json:"digitalId"`
	Adresse   *wireV3Adresse `json:"adresse"`
}

// wireV3Adresse is v3's Adresse.
type wireV3Adresse struct {
	Adresselinje1 string `json:"adresselinje1"`
	Adresselinje2 string `json:"adresselinje2"`
	Adresselinje3 string `json:"adresselinje3"`
	Postnummer    string `json:"postnummer"`
	Poststed      string `json:"poststed"`
	Landkode      string `json:"landkode"`
}

// wireV3SvarSendesTil is v3's SvarSendesTil: all four required.
type wireV3SvarSendesTil struct {
	Navn      string         `json:"navn"`
	Type      string         `json:"type"`
	DigitalID string         `json:"digitalId"`
	Adresse   *wireV3Adresse `json:"adresse"`
}

type wireV3Signering struct {
	SigneringUtloper time.Time `json:"signeringUtloper"`
	SignaturType     string    `json:"signaturType"`
}

// wireV3Dokument is the union of v3's three document item shapes.
type wireV3Dokument struct {
	Filnavn                             string         `json:"filnavn"`
	MimeType                            string         `json:"mimeType"`
	GiroarkSide                         *int32         `json:"giroarkSide"`
	SkalSigneres                        bool           `json:"skalSigneres"`
	SkalEkskluderesFraUtskrift          bool           `json:"skalEkskluderesFraUtskrift"`
	DokumentType                        string         `json:"dokumentType"`
	EkstraMetadata                      []wireMetadata `json:"ekstraMetadata"`
	InneholderPersonsensitivInformasjon bool           `json:"inneholderPersonsensitivInformasjon"`
}

// v3Fields are the properties of each v3 schema: the forsendelse's, its mottaker's and
// a document's.
var v3Fields = map[string]struct{ forsendelse, mottaker, dokument []string }{
	"person": {
		[]string{"tittel", "mottaker", "eksponertFor", "avgivendeSystem", "avgivendeSystemAktor", "konteringskode", "kunDigitalLevering", "kryptert",
			"utskriftskonfigurasjon", "sikkerhetsniva", "svarSendesTil", "svarPaForsendelseId", "dokumenter", "lenker", "eksternReferanse",
			"kanSvareViaEdialog", "korrelasjonsid", "signering"},
		[]string{"navn", "digitalId", "adresse"},
		[]string{"filnavn", "mimeType", "giroarkSide", "skalSigneres", "skalEkskluderesFraUtskrift"},
	},
	"organisasjon": {
		[]string{"tittel", "mottaker", "eksponertFor", "avgivendeSystem", "avgivendeSystemAktor", "konteringskode", "kunDigitalLevering", "kryptert",
			"utskriftskonfigurasjon", "sikkerhetsniva", "metadataFraAvleverendeSystem", "metadataForImport", "svarSendesTil", "svarPaForsendelseId",
			"dokumenter", "lenker", "forsendelsestype", "eksternReferanse", "korrelasjonsid", "kanSvareViaEdialog", "taushetsbelagtPost"},
		[]string{"navn", "digitalId", "adresse"},
		[]string{"filnavn", "mimeType", "dokumentType", "giroarkSide", "skalEkskluderesFraUtskrift", "ekstraMetadata", "inneholderPersonsensitivInformasjon"},
	},
	"print": {
		[]string{"tittel", "mottaker", "avgivendeSystem", "avgivendeSystemAktor", "konteringskode", "kryptert", "utskriftskonfigurasjon",
			"svarSendesTil", "svarPaForsendelseId", "dokumenter", "eksternReferanse", "korrelasjonsid"},
		[]string{"navn", "adresse"},
		[]string{"filnavn", "mimeType", "giroarkSide"},
	},
}

// innForsendelse is SvarInn's Forsendelse (GET .../mottaker/hentNyeForsendelser).
type innForsendelse struct {
	ID                 string           `json:"id"`
	Tittel             string           `json:"tittel"`
	Date               int64            `json:"date"`
	Status             string           `json:"status"`
	Niva               string           `json:"niva"`
	DownloadURL        string           `json:"downloadUrl"`
	Mottaker           innMottaker      `json:"mottaker"`
	Avsender           *innAvsender     `json:"avsender,omitempty"`
	ForsendelseType    string           `json:"forsendelseType,omitempty"`
	EksternRef         string           `json:"eksternRef,omitempty"`
	Korrelasjonsid     string           `json:"korrelasjonsid,omitempty"`
	AvgivendeSystem    string           `json:"avgivendeSystem,omitempty"`
	TaushetsbelagtPost bool             `json:"taushetsbelagtPost,omitempty"`
	Filmetadata        []innFilMetadata `json:"filmetadata"`
}

// innMottaker is SvarInn's Mottaker.
type innMottaker struct {
	Navn     string `json:"navn"`
	Orgnr    string `json:"orgnr,omitempty"`
	Adresse1 string `json:"adresse1,omitempty"`
	Adresse2 string `json:"adresse2,omitempty"`
	Adresse3 string `json:"adresse3,omitempty"`
	Postnr   string `json:"postnr,omitempty"`
	Poststed string `json:"poststed,omitempty"`
	Land     string `json:"land,omitempty"`
}

// innAvsender is SvarInn's Avsender.
type innAvsender struct {
	Navn string `json:"navn,omitempty"`
}

// innFilMetadata is SvarInn's FilMetadata.
type innFilMetadata struct {
	Filnavn    string `json:"filnavn"`
	Mimetype   string `json:"mimetype"`
	Sha256hash string `json:"sha256hash"`
	Size       int64  `json:"size"`
}

// innImportFeil is SvarInn's mottakFeilet body.
type innImportFeil struct {
	Feilmelding string `json:"feilmelding"`
	Permanent   bool   `json:"permanent"`
}

// The SvarInn V2 shapes (../shared/specs/fiks/svarinn/openapi/svarinn-api-v2.json).

// innV2Forsendelse is V2's Forsendelse (GET /svarinn/v2/forsendelser).
type innV2Forsendelse struct {
	ID                           string        `json:"id"`
	Avsender                     innV2Part     `json:"avsender"`
	Mottaker                     innV2Part     `json:"mottaker"`
	Tittel                       string        `json:"tittel"`
	Dato                         string        `json:"dato,omitempty"`
	MetadataFraAvleverendeSystem *innV2Noark   `json:"metadataFraAvleverendeSystem,omitempty"`
	MetadataForImport            *innV2Noark   `json:"metadataForImport,omitempty"`
	Sikkerhetsniva               string        `json:"sikkerhetsniva"`
	TaushetsbelagtPost           bool          `json:"taushetsbelagtPost"`
	Filer                        []innV2Fil    `json:"filer"`
	SvarSendesTil                *innV2SvarTil `json:"svarSendesTil,omitempty"`
	SvarPaForsendelse            string        `json:"svarPaForsendelse,omitempty"`
	Type                         string        `json:"type,omitempty"`
	EksternRef                   string        `json:"eksternRef,omitempty"`
	Lenker                       []innV2Lenke  `json:"lenker,omitempty"`
	Nedlastingslenke             string        `json:"nedlastingslenke"`
	AvgivendeSystem              string        `json:"avgivendeSystem,omitempty"`
}

// innV2Part is V2's Avsender and Mottaker.
type innV2Part struct {
	Organisasjonsnummer string           `json:"organisasjonsnummer,omitempty"`
	Postadresse         innV2Postadresse `json:"postadresse"`
}

type innV2SvarTil struct {
	Organisasjonsnummer string           `json:"organisasjonsnummer,omitempty"`
	Fodselsnummer       string           `json:"fodselsnummer,omitempty"`
	Postadresse         innV2Postadresse `json:"postadresse"`
}

type innV2Postadresse struct {
	Navn          string `json:"navn"`
	Adresselinje1 string `json:"adresselinje1,omitempty"`
	Adresselinje2 string `json:"adresselinje2,omitempty"`
	Adresselinje3 string `json:"adresselinje3,omitempty"`
	Postnummer    string `json:"postnummer,omitempty"`
	Poststed      string `json:"poststed,omitempty"`
	Land          string `json:"land,omitempty"`
}

type innV2Fil struct {
	Filnavn        string       `json:"filnavn"`
	MimeType       string       `json:"mimeType"`
	Hash           string       `json:"hash,omitempty"`
	Type           string       `json:"type,omitempty"`
	Storrelse      int64        `json:"storrelse"`
	EkstraMetadata []innV2Entry `json:"ekstraMetadata,omitempty"`
}

type innV2Entry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type innV2Lenke struct {
	Lenke     string `json:"lenke"`
	Tekst     string `json:"tekst"`
	Ledetekst string `json:"ledetekst,omitempty"`
}

// innV2Noark is V2's MetadataFraAvleverendeSystem (MetadataForImport is its subset).
type innV2Noark struct {
	MappeID                       *innV2MappeID       `json:"mappeId,omitempty"`
	JournalpostID                 *innV2JournalpostID `json:"journalpostId,omitempty"`
	Journalposttype               string              `json:"journalposttype,omitempty"`
	Journalstatus                 string              `json:"journalstatus,omitempty"`
	Journaldato                   *time.Time          `json:"journaldato,omitempty"`
	DokumentetsDato               *time.Time          `json:"dokumentetsDato,omitempty"`
	Tittel                        string              `json:"tittel,omitempty"`
	Saksbehandler                 string              `json:"saksbehandler,omitempty"`
	VirksomhetsspesifikkeMetadata []innV2Entry        `json:"virksomhetsspesifikkeMetadata,omitempty"`
}

type innV2MappeID struct {
	MappeID           string `json:"mappeId,omitempty"`
	SystemID          string `json:"systemId,omitempty"`
	Saksaar           int32  `json:"saksaar,omitempty"`
	Sakssekvensnummer int64  `json:"sakssekvensnummer,omitempty"`
}

type innV2JournalpostID struct {
	SystemID             string `json:"systemId,omitempty"`
	RegistreringsID      string `json:"registreringsId,omitempty"`
	Journalaar           int32  `json:"journalaar,omitempty"`
	Journalpostnummer    int64  `json:"journalpostnummer,omitempty"`
	Journalsekvensnummer int64  `json:"journalsekvensnummer,omitempty"`
}

// innV2Status is V2's Statusoppdatering (PATCH .../{id}/status).
type innV2Status struct {
	Status string `json:"status"`
	Feil   *struct {
		Feilmelding *string `json:"feilmelding"`
		Permanent   *bool   `json:"permanent"`
	} `json:"feil"`
}
