package svaruttest

import "encoding/json"

// The fake's own wire shapes, written from the SvarUt v3 send spec and the SvarInn spec
// (../shared/specs/fiks/svarut): the client's generated types are not used here, so a
// field the client spells differently from the spec fails a test instead of agreeing
// with itself.

// wireForsendelse is the "forsendelse" part of POST /api/v3/kontoer/{konto}/forsendelser.
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
	SvarPaForsendelseLink bool            `json:"svarPaForsendelseLink,omitempty"`
	EksponertFor          []string        `json:"eksponertFor,omitempty"`
	AvgivendeSystemAktor  string          `json:"avgivendeSystemAktor,omitempty"`
	MetadataForImport     json.RawMessage `json:"metadataForImport,omitempty"`
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
	Filnavn                    string `json:"filnavn"`
	MimeType                   string `json:"mimeType"`
	SkalEkskluderesFraUtskrift bool   `json:"skalEkskluderesFraUtskrift,omitempty"`
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
