package einnsyn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/noark5"
)

// Ref is a linked object that the API sends either as its eInnsyn id (the default) or, when
// the field is expanded (see Expand), as the whole object. ID is set in both forms; Object
// only when the API expanded it. When writing, a Ref with an Object sends the object
// (nested create) and otherwise the ID.
type Ref[T any] struct {
	ID     string
	Object *T
}

// RefTo is a Ref by id (an eInnsyn id, or a systemId where the API accepts one).
func RefTo[T any](id string) *Ref[T] { return &Ref[T]{ID: id} }

// Expanded reports whether the API sent the object rather than only its id.
func (r *Ref[T]) Expanded() bool { return r != nil && r.Object != nil }

// MarshalJSON writes the object when there is one, else the id.
func (r Ref[T]) MarshalJSON() ([]byte, error) {
	if r.Object != nil {
		return json.Marshal(r.Object)
	}
	return json.Marshal(r.ID)
}

// UnmarshalJSON accepts a JSON string (an id) or an object (the expanded form).
func (r *Ref[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 1 && b[0] == '"':
		r.Object = nil
		if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 {
			r.ID = string(inner) // ids have no escapes: skip the second decode
			return nil
		}
		return json.Unmarshal(b, &r.ID)
	case len(b) > 0 && b[0] == '{':
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(b, &head); err != nil {
			return err
		}
		obj := new(T)
		if err := json.Unmarshal(b, obj); err != nil {
			return err
		}
		r.ID, r.Object = head.ID, obj
		return nil
	case bytes.Equal(b, []byte("null")):
		return nil
	}
	return fmt.Errorf("einnsyn: a linked object must be an id or an object, got %.20s", b)
}

// Dato is a calendar date without time zone (the API's plainDate, "2025-03-01"). It is
// the module's one date type (noark5.Dato): a full timestamp is read as the date it is
// written in; "" and null are the zero Dato, which is written "".
type Dato = noark5.Dato

// NewDato returns the date y-m-d.
func NewDato(y int, m time.Month, d int) Dato { return noark5.NewDato(y, m, d) }

// Base is what every eInnsyn object has. (OpenAPI Base.Base and ArkivBase.ArkivBase.)
type Base struct {
	// ID is the eInnsyn id, "<prefix>_<26 chars>" (jp_01jh532p3ve6haq7n53xgpqayh). Read-only.
	ID string `json:"id,omitempty"`
	// Entity names the type ("Journalpost"). Read-only.
	Entity string `json:"entity,omitempty"`
	// Deleted is true only on the object a DELETE returns.
	Deleted bool `json:"deleted,omitempty"`
	// ExternalID is the publisher's other unique id (a legacy IRI from earlier eInnsyn
	// versions, or any stable key). eInnsyn refuses a second object with it (for Arkiv and
	// Arkivdel, within the journalenhet), so a create that carries one is sent at most
	// once even where SystemID does not help.
	ExternalID string `json:"externalId,omitempty"`
	// AccessibleAfter hides the object from the public until then.
	AccessibleAfter *time.Time `json:"accessibleAfter,omitempty"`
}

// ArkivBase adds the publisher's own id and the journal unit to Base (ArkivBase.ArkivBase).
type ArkivBase struct {
	Base
	// SystemID is the publisher's globally unique id (the Noark 5 systemID). The API
	// accepts it instead of the eInnsyn id in URLs and refuses a second object with it
	// (409), which is how this package makes a create whose answer was lost take effect
	// once. Not for Arkiv and Arkivdel: eInnsyn does not keep their systemId unique, so
	// give those an ExternalID for the same guarantee.
	SystemID string `json:"systemId,omitempty"`
	// Journalenhet defaults to the caller's Enhet.
	Journalenhet *Ref[Enhet] `json:"journalenhet,omitempty"`
}

// Mappe is what Saksmappe and Moetemappe share (Mappe.Mappe).
type Mappe struct {
	ArkivBase
	Slug string `json:"slug,omitempty"`
	// OffentligTittel is the public title, with sensitive words removed.
	OffentligTittel string `json:"offentligTittel"`
	// OffentligTittelSensitiv is the full title; it is shown to the publisher only.
	OffentligTittelSensitiv string           `json:"offentligTittelSensitiv"`
	Beskrivelse             string           `json:"beskrivelse,omitempty"`
	Noekkelord              string           `json:"noekkelord,omitempty"`
	PublisertDato           *time.Time       `json:"publisertDato,omitempty"`
	OppdatertDato           *time.Time       `json:"oppdatertDato,omitempty"`
	Klasse                  *Ref[Klasse]     `json:"klasse,omitempty"`
	Saksmappe               *Ref[Saksmappe]  `json:"saksmappe,omitempty"`
	Moetemappe              *Ref[Moetemappe] `json:"moetemappe,omitempty"`
	Arkivdel                *Ref[Arkivdel]   `json:"arkivdel,omitempty"`
	Matrikkelnummer         []Ref[Object]    `json:"matrikkelnummer,omitempty"`
}

// Registrering is what Journalpost, Moetesak and Moetedokument share
// (Registrering.Registrering).
type Registrering struct {
	ArkivBase
	Slug                    string                     `json:"slug,omitempty"`
	OffentligTittel         string                     `json:"offentligTittel"`
	OffentligTittelSensitiv string                     `json:"offentligTittelSensitiv"`
	Beskrivelse             string                     `json:"beskrivelse,omitempty"`
	PublisertDato           *time.Time                 `json:"publisertDato,omitempty"`
	OppdatertDato           *time.Time                 `json:"oppdatertDato,omitempty"`
	Korrespondansepart      []Ref[Korrespondansepart]  `json:"korrespondansepart,omitempty"`
	Dokumentbeskrivelse     []Ref[Dokumentbeskrivelse] `json:"dokumentbeskrivelse,omitempty"`
	Matrikkelnummer         []Ref[Object]              `json:"matrikkelnummer,omitempty"`
	AvhendetTil             *Ref[Enhet]                `json:"avhendetTil,omitempty"`
}

// Journalposttype is the kind of journal entry.
type Journalposttype string

// The journalposttype values of the API.
const (
	InngaaendeDokument                  Journalposttype = "inngaaende_dokument"
	UtgaaendeDokument                   Journalposttype = "utgaaende_dokument"
	OrganinterntDokumentUtenOppfoelging Journalposttype = "organinternt_dokument_uten_oppfoelging"
	OrganinterntDokumentForOppfoelging  Journalposttype = "organinternt_dokument_for_oppfoelging"
	Saksframlegg                        Journalposttype = "saksframlegg"
	Sakskart                            Journalposttype = "sakskart"
	Moeteprotokoll                      Journalposttype = "moeteprotokoll"
	Moetebok                            Journalposttype = "moetebok"
	UkjentJournalposttype               Journalposttype = "ukjent"
)

var journalposttyper = []Journalposttype{InngaaendeDokument, UtgaaendeDokument, OrganinterntDokumentUtenOppfoelging,
	OrganinterntDokumentForOppfoelging, Saksframlegg, Sakskart, Moeteprotokoll, Moetebok, UkjentJournalposttype}

// Journalpost is a journal entry: a record of an incoming, outgoing or internal document
// (Journalpost.Journalpost, prefix jp).
type Journalpost struct {
	Registrering
	Journalaar                int             `json:"journalaar"`
	Journalsekvensnummer      int             `json:"journalsekvensnummer"`
	Journalpostnummer         int             `json:"journalpostnummer"`
	Journalposttype           Journalposttype `json:"journalposttype"`
	Journaldato               Dato            `json:"journaldato"`
	DokumentetsDato           *Dato           `json:"dokumentetsDato,omitempty"`
	Skjerming                 *Ref[Skjerming] `json:"skjerming,omitempty"`
	LegacyJournalposttype     string          `json:"legacyJournalposttype,omitempty"`
	LegacyFoelgsakenReferanse []string        `json:"legacyFoelgsakenReferanse,omitempty"`
	AdministrativEnhet        string          `json:"administrativEnhet,omitempty"`
	AdministrativEnhetObjekt  *Ref[Enhet]     `json:"administrativEnhetObjekt,omitempty"`
	Saksmappe                 *Ref[Saksmappe] `json:"saksmappe,omitempty"`
}

// Saksmappe is a case file (Saksmappe.Saksmappe, prefix sm). Journalpost is write-only:
// set it to create the case with its entries in one call; read them with
// Journalposter.List and ListOptions.Parent.
type Saksmappe struct {
	Mappe
	Saksaar                  int                `json:"saksaar"`
	Sakssekvensnummer        int                `json:"sakssekvensnummer"`
	Saksnummer               string             `json:"saksnummer,omitempty"`
	Saksdato                 *Dato              `json:"saksdato,omitempty"`
	AdministrativEnhet       string             `json:"administrativEnhet,omitempty"`
	AdministrativEnhetObjekt *Ref[Enhet]        `json:"administrativEnhetObjekt,omitempty"`
	Journalpost              []Ref[Journalpost] `json:"journalpost,omitempty"`
}

// Moetemappe is a meeting of a political body (Moetemappe.Moetemappe, prefix mm).
type Moetemappe struct {
	Mappe
	Moetenummer           string               `json:"moetenummer"`
	Utvalg                string               `json:"utvalg"`
	UtvalgObjekt          *Ref[Enhet]          `json:"utvalgObjekt,omitempty"`
	Moetedato             time.Time            `json:"moetedato"`
	Moetested             string               `json:"moetested,omitempty"`
	VideoLink             string               `json:"videoLink,omitempty"`
	ReferanseForrigeMoete *Ref[Moetemappe]     `json:"referanseForrigeMoete,omitempty"`
	ReferanseNesteMoete   *Ref[Moetemappe]     `json:"referanseNesteMoete,omitempty"`
	Moetedokument         []Ref[Moetedokument] `json:"moetedokument,omitempty"`
	Moetesak              []Ref[Moetesak]      `json:"moetesak,omitempty"`
}

// Moetesakstype is the kind of meeting item.
type Moetesakstype string

// The moetesakstype values of the API.
const (
	MoetesakMoete          Moetesakstype = "moete"
	MoetesakPolitisk       Moetesakstype = "politisk"
	MoetesakDelegert       Moetesakstype = "delegert"
	MoetesakInterpellasjon Moetesakstype = "interpellasjon"
	MoetesakGodkjenning    Moetesakstype = "godkjenning"
	MoetesakOrientering    Moetesakstype = "orientering"
	MoetesakReferat        Moetesakstype = "referat"
	MoetesakAnnet          Moetesakstype = "annet"
)

var moetesakstyper = []Moetesakstype{MoetesakMoete, MoetesakPolitisk, MoetesakDelegert, MoetesakInterpellasjon,
	MoetesakGodkjenning, MoetesakOrientering, MoetesakReferat, MoetesakAnnet}

// Moetesak is an item on a meeting's agenda (Moetesak.Moetesak, prefix ms). Utredning,
// Innstilling and Vedtak are rare resources and come as Object.
type Moetesak struct {
	Registrering
	Moetesakstype              Moetesakstype    `json:"moetesakstype"`
	Moetesaksaar               int              `json:"moetesaksaar,omitempty"`
	Moetesakssekvensnummer     int              `json:"moetesakssekvensnummer,omitempty"`
	Utvalg                     string           `json:"utvalg,omitempty"`
	UtvalgObjekt               *Ref[Enhet]      `json:"utvalgObjekt,omitempty"`
	VideoLink                  string           `json:"videoLink,omitempty"`
	Utredning                  *Ref[Object]     `json:"utredning,omitempty"`
	Innstilling                *Ref[Object]     `json:"innstilling,omitempty"`
	Vedtak                     *Ref[Object]     `json:"vedtak,omitempty"`
	Moetemappe                 *Ref[Moetemappe] `json:"moetemappe,omitempty"`
	LegacyMoetesakstype        string           `json:"legacyMoetesakstype,omitempty"`
	LegacyReferanseTilMoetesak string           `json:"legacyReferanseTilMoetesak,omitempty"`
}

// Moetedokument is a meeting document such as a notice or minutes
// (Moetedokument.Moetedokument, prefix mdok).
type Moetedokument struct {
	Registrering
	Moetedokumenttype     string           `json:"moetedokumenttype"`
	Saksbehandler         string           `json:"saksbehandler,omitempty"`
	SaksbehandlerSensitiv string           `json:"saksbehandlerSensitiv,omitempty"`
	Moetemappe            *Ref[Moetemappe] `json:"moetemappe,omitempty"`
}

// Dokumentbeskrivelse describes one document of a registrering
// (Dokumentbeskrivelse.Dokumentbeskrivelse, prefix db).
type Dokumentbeskrivelse struct {
	ArkivBase
	Tittel         string `json:"tittel"`
	TittelSensitiv string `json:"tittelSensitiv"`
	Dokumentnummer int    `json:"dokumentnummer"`
	Dokumenttype   string `json:"dokumenttype,omitempty"`
	// TilknyttetRegistreringSom is "hoveddokument", "vedlegg", ...
	TilknyttetRegistreringSom string                `json:"tilknyttetRegistreringSom"`
	Dokumentobjekt            []Ref[Dokumentobjekt] `json:"dokumentobjekt,omitempty"`
}

// Dokumentobjekt is one file of a document (Dokumentobjekt.Dokumentobjekt, prefix do).
type Dokumentobjekt struct {
	ArkivBase
	// ReferanseDokumentfil is where eInnsyn fetches the file; hidden from the public.
	ReferanseDokumentfil string                    `json:"referanseDokumentfil,omitempty"`
	Format               string                    `json:"format,omitempty"`
	Sjekksum             string                    `json:"sjekksum,omitempty"`
	SjekksumAlgoritme    string                    `json:"sjekksumAlgoritme,omitempty"`
	Dokumentbeskrivelse  *Ref[Dokumentbeskrivelse] `json:"dokumentbeskrivelse,omitempty"`
	// URL is where the public downloads the file. Read-only.
	URL string `json:"url,omitempty"`
}

// Korrespondansepart is a sender, recipient or copy recipient of a journalpost
// (Korrespondansepart.Korrespondansepart, prefix kp).
type Korrespondansepart struct {
	ArkivBase
	KorrespondansepartNavn         string `json:"korrespondansepartNavn"`
	KorrespondansepartNavnSensitiv string `json:"korrespondansepartNavnSensitiv"`
	// Korrespondanseparttype is "avsender", "mottaker", "kopimottaker", "internAvsender", ...
	Korrespondanseparttype string              `json:"korrespondanseparttype"`
	Saksbehandler          string              `json:"saksbehandler,omitempty"`
	Epostadresse           string              `json:"epostadresse,omitempty"`
	Postnummer             string              `json:"postnummer,omitempty"`
	ErBehandlingsansvarlig bool                `json:"erBehandlingsansvarlig,omitempty"`
	AdministrativEnhet     string              `json:"administrativEnhet,omitempty"`
	Journalpost            *Ref[Journalpost]   `json:"journalpost,omitempty"`
	Moetedokument          *Ref[Moetedokument] `json:"moetedokument,omitempty"`
	Moetesak               *Ref[Moetesak]      `json:"moetesak,omitempty"`
}

// Skjerming is the access restriction of a journalpost (Skjerming.Skjerming, prefix skj).
type Skjerming struct {
	ArkivBase
	// Tilgangsrestriksjon is the restriction code, e.g. "Unntatt offentlighet".
	Tilgangsrestriksjon string `json:"tilgangsrestriksjon"`
	// Skjermingshjemmel is the legal basis, e.g. "Offl. § 13 jf. fvl. § 13 (1) nr. 1".
	Skjermingshjemmel string `json:"skjermingshjemmel,omitempty"`
}

// Enhetstype is the kind of organisation unit.
type Enhetstype string

// The enhetstype values of the API.
const (
	Administrativenhet Enhetstype = "ADMINISTRATIVENHET"
	Avdeling           Enhetstype = "AVDELING"
	Bydel              Enhetstype = "BYDEL"
	Dummyenhet         Enhetstype = "DUMMYENHET"
	Fylke              Enhetstype = "FYLKE"
	Kommune            Enhetstype = "KOMMUNE"
	Organ              Enhetstype = "ORGAN"
	Seksjon            Enhetstype = "SEKSJON"
	Utvalg             Enhetstype = "UTVALG"
	Virksomhet         Enhetstype = "VIRKSOMHET"
)

var enhetstyper = []Enhetstype{Administrativenhet, Avdeling, Bydel, Dummyenhet, Fylke, Kommune, Organ, Seksjon, Utvalg, Virksomhet}

// Enhet is an organisation or one of its units (Enhet.Enhet, prefix enh).
type Enhet struct {
	Base
	Slug                string       `json:"slug,omitempty"`
	Navn                string       `json:"navn"`
	NavnNynorsk         string       `json:"navnNynorsk,omitempty"`
	NavnEngelsk         string       `json:"navnEngelsk,omitempty"`
	NavnSami            string       `json:"navnSami,omitempty"`
	Orgnummer           string       `json:"orgnummer,omitempty"`
	Enhetskode          string       `json:"enhetskode,omitempty"`
	KontaktpunktAdresse string       `json:"kontaktpunktAdresse,omitempty"`
	KontaktpunktEpost   string       `json:"kontaktpunktEpost,omitempty"`
	KontaktpunktTelefon string       `json:"kontaktpunktTelefon,omitempty"`
	InnsynskravEpost    string       `json:"innsynskravEpost,omitempty"`
	Enhetstype          Enhetstype   `json:"enhetstype,omitempty"`
	AvsluttetDato       *Dato        `json:"avsluttetDato,omitempty"`
	Skjult              bool         `json:"skjult,omitempty"`
	EFormidling         bool         `json:"eFormidling,omitempty"`
	Teknisk             bool         `json:"teknisk,omitempty"`
	SkalKonvertereID    bool         `json:"skalKonvertereId,omitempty"`
	SkalMottaKvittering bool         `json:"skalMottaKvittering,omitempty"`
	VisToppnode         bool         `json:"visToppnode,omitempty"`
	OrderXMLVersjon     int          `json:"orderXmlVersjon,omitempty"`
	Underenhet          []Ref[Enhet] `json:"underenhet,omitempty"`
	HandteresAv         *Ref[Enhet]  `json:"handteresAv,omitempty"`
	Parent              *Ref[Enhet]  `json:"parent,omitempty"`
}

// Arkiv is an archive (Arkiv.Arkiv, prefix ark).
type Arkiv struct {
	ArkivBase
	Tittel string      `json:"tittel"`
	Arkiv  *Ref[Arkiv] `json:"arkiv,omitempty"`
}

// Arkivdel is a part of an archive; saksmapper and moetemapper are created in one
// (Arkivdel.Arkivdel, prefix arkd).
type Arkivdel struct {
	ArkivBase
	Tittel string      `json:"tittel"`
	Arkiv  *Ref[Arkiv] `json:"arkiv,omitempty"`
}

// Klasse is a class of a classification system (Klasse.Klasse, prefix kla).
type Klasse struct {
	ArkivBase
	Tittel                string         `json:"tittel,omitempty"`
	Arkivdel              *Ref[Arkivdel] `json:"arkivdel,omitempty"`
	Klasse                *Ref[Klasse]   `json:"klasse,omitempty"`
	Klassifikasjonssystem *Ref[Object]   `json:"klassifikasjonssystem,omitempty"`
}

// Innsynskrav is one request for access to one journalpost (Innsynskrav.Innsynskrav,
// prefix ikd).
type Innsynskrav struct {
	Base
	InnsynskravBestilling *Ref[InnsynskravBestilling] `json:"innsynskravBestilling,omitempty"`
	Journalpost           *Ref[Journalpost]           `json:"journalpost"`
	Enhet                 *Ref[Enhet]                 `json:"enhet,omitempty"`
	// Email is the orderer's address. Read-only.
	Email string     `json:"email,omitempty"`
	Sent  *time.Time `json:"sent,omitempty"`
}

// InnsynskravBestilling is an order of one or more Innsynskrav
// (InnsynskravBestilling.InnsynskravBestilling, prefix ik). Anonymous orders must be
// verified with the secret mailed to Email (VerifyInnsynskravBestilling).
type InnsynskravBestilling struct {
	Base
	Email       string             `json:"email"`
	Innsynskrav []Ref[Innsynskrav] `json:"innsynskrav"`
	// Verified is read-only.
	Verified bool         `json:"verified,omitempty"`
	Bruker   *Ref[Object] `json:"bruker,omitempty"`
	// Language is "nb", "nn", "en" or "se".
	Language string `json:"language,omitempty"`
}

// AuthInfo is who the API takes the caller to be (GET /me).
type AuthInfo struct {
	Entity string `json:"entity"`
	// AuthType is "ApiKey", "Ansattporten" or "Bruker".
	AuthType string `json:"authType"`
	// Type is "Enhet" or "Bruker".
	Type      string `json:"type"`
	ID        string `json:"id"`
	Orgnummer string `json:"orgnummer,omitempty"`
	Email     string `json:"email,omitempty"`
}

// Object is any eInnsyn object, decoded by its entity field: the typed field for that
// entity is set, and Raw keeps the JSON so that rare resources (Utredning, Vedtak,
// Votering, Matrikkelnummer, Bruker, LagretSak, ...) can be decoded into the caller's own
// type or read as a map.
type Object struct {
	ID     string
	Entity string
	Raw    json.RawMessage

	Journalpost           *Journalpost
	Saksmappe             *Saksmappe
	Moetemappe            *Moetemappe
	Moetesak              *Moetesak
	Moetedokument         *Moetedokument
	Dokumentbeskrivelse   *Dokumentbeskrivelse
	Dokumentobjekt        *Dokumentobjekt
	Korrespondansepart    *Korrespondansepart
	Skjerming             *Skjerming
	Enhet                 *Enhet
	Arkiv                 *Arkiv
	Arkivdel              *Arkivdel
	Klasse                *Klasse
	Innsynskrav           *Innsynskrav
	InnsynskravBestilling *InnsynskravBestilling
}

// UnmarshalJSON decodes by the entity field. An unknown entity keeps only ID, Entity and Raw.
func (o *Object) UnmarshalJSON(b []byte) error {
	var head struct {
		ID     string `json:"id"`
		Entity string `json:"entity"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return err
	}
	*o = Object{ID: head.ID, Entity: head.Entity, Raw: append(json.RawMessage(nil), b...)}
	var target any
	switch head.Entity {
	case "Journalpost":
		o.Journalpost = new(Journalpost)
		target = o.Journalpost
	case "Saksmappe":
		o.Saksmappe = new(Saksmappe)
		target = o.Saksmappe
	case "Moetemappe":
		o.Moetemappe = new(Moetemappe)
		target = o.Moetemappe
	case "Moetesak":
		o.Moetesak = new(Moetesak)
		target = o.Moetesak
	case "Moetedokument":
		o.Moetedokument = new(Moetedokument)
		target = o.Moetedokument
	case "Dokumentbeskrivelse":
		o.Dokumentbeskrivelse = new(Dokumentbeskrivelse)
		target = o.Dokumentbeskrivelse
	case "Dokumentobjekt":
		o.Dokumentobjekt = new(Dokumentobjekt)
		target = o.Dokumentobjekt
	case "Korrespondansepart":
		o.Korrespondansepart = new(Korrespondansepart)
		target = o.Korrespondansepart
	case "Skjerming":
		o.Skjerming = new(Skjerming)
		target = o.Skjerming
	case "Enhet":
		o.Enhet = new(Enhet)
		target = o.Enhet
	case "Arkiv":
		o.Arkiv = new(Arkiv)
		target = o.Arkiv
	case "Arkivdel":
		o.Arkivdel = new(Arkivdel)
		target = o.Arkivdel
	case "Klasse":
		o.Klasse = new(Klasse)
		target = o.Klasse
	case "Innsynskrav":
		o.Innsynskrav = new(Innsynskrav)
		target = o.Innsynskrav
	case "InnsynskravBestilling":
		o.InnsynskravBestilling = new(InnsynskravBestilling)
		target = o.InnsynskravBestilling
	default:
		return nil
	}
	return json.Unmarshal(b, target)
}

// MarshalJSON writes Raw back.
func (o Object) MarshalJSON() ([]byte, error) {
	if len(o.Raw) == 0 {
		return json.Marshal(struct {
			ID     string `json:"id,omitempty"`
			Entity string `json:"entity,omitempty"`
		}{o.ID, o.Entity})
	}
	return o.Raw, nil
}

// Decode decodes the object's JSON into v (for rare resources).
func (o *Object) Decode(v any) error { return json.Unmarshal(o.Raw, v) }

// Tittel is the object's public title: offentligTittel for mapper and registreringer,
// tittel for the rest, navn for an Enhet.
func (o *Object) Tittel() string {
	switch {
	case o.Journalpost != nil:
		return o.Journalpost.OffentligTittel
	case o.Saksmappe != nil:
		return o.Saksmappe.OffentligTittel
	case o.Moetemappe != nil:
		return o.Moetemappe.OffentligTittel
	case o.Moetesak != nil:
		return o.Moetesak.OffentligTittel
	case o.Moetedokument != nil:
		return o.Moetedokument.OffentligTittel
	case o.Dokumentbeskrivelse != nil:
		return o.Dokumentbeskrivelse.Tittel
	case o.Enhet != nil:
		return o.Enhet.Navn
	case o.Arkiv != nil:
		return o.Arkiv.Tittel
	case o.Arkivdel != nil:
		return o.Arkivdel.Tittel
	case o.Klasse != nil:
		return o.Klasse.Tittel
	}
	var t struct {
		OffentligTittel string `json:"offentligTittel"`
		Tittel          string `json:"tittel"`
	}
	_ = json.Unmarshal(o.Raw, &t)
	if t.OffentligTittel != "" {
		return t.OffentligTittel
	}
	return t.Tittel
}

// Prefix returns the type prefix of an eInnsyn id ("jp" for "jp_01jh..."), or "" when id
// is not one (a systemId, say).
func Prefix(id string) string {
	p, rest, ok := strings.Cut(id, "_")
	if !ok || len(rest) != 26 || p == "" {
		return ""
	}
	for _, c := range rest {
		if !strings.ContainsRune(idAlphabet, c) {
			return ""
		}
	}
	for _, c := range p {
		if c < 'a' || c > 'z' {
			return ""
		}
	}
	return p
}

// idAlphabet is the base32 alphabet of eInnsyn ids (TypeID's, without i, l, o, u).
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// collections maps id prefixes to their collection path.
var collections = map[string]string{
	"key": "apiKey", "ark": "arkiv", "arkd": "arkivdel", "bp": "behandlingsprotokoll", "bru": "bruker",
	"db": "dokumentbeskrivelse", "do": "dokumentobjekt", "enh": "enhet", "ide": "identifikator",
	"ikd": "innsynskrav", "ik": "innsynskravBestilling", "jp": "journalpost", "kla": "klasse",
	"ksys": "klassifikasjonssystem", "kp": "korrespondansepart", "lsak": "lagretSak", "lsoek": "lagretSoek",
	"mat": "matrikkelnummer", "md": "moetedeltaker", "mdok": "moetedokument", "mm": "moetemappe",
	"ms": "moetesak", "msb": "moetesaksbeskrivelse", "sm": "saksmappe", "skj": "skjerming",
	"tbm": "tilbakemelding", "utr": "utredning", "ved": "vedtak", "vot": "votering",
}

// Collection returns the collection path for an eInnsyn id ("journalpost" for a jp_ id),
// or "" when the prefix is unknown.
func Collection(id string) string { return collections[Prefix(id)] }
