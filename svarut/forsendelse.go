package svarut

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/gen/svarut/send"
)

// Forsendelse is a shipment to one recipient: the v2 Forsendelse of SvarUt's send API
// (forsendelse-send-api-v2.json), with typed identifiers and documents that stream.
type Forsendelse struct {
	// Tittel is shown to the recipient (required, at most 1000 characters).
	Tittel string
	// Mottaker is the recipient (required).
	Mottaker Mottaker
	// Dokumenter are sent as the forsendelse's files, in this order (at least one).
	Dokumenter []Dokument
	// EksternReferanse is your reference (at most 100 characters). Send sets a random one
	// when it is empty and uses it to send at most once.
	EksternReferanse string
	// Forsendelsestype routes the forsendelse to a receiving system (see
	// Client.Forsendelsestyper).
	Forsendelsestype string
	// KunDigitalLevering: never printed; no postal address needed, and no delivery
	// guarantee.
	KunDigitalLevering bool
	// Kryptert encrypts every document to SvarUt's certificate (Options.Sertifikat, or the
	// one SvarUt publishes, fetched by the client) before
	// it leaves this process.
	Kryptert bool
	// KrevNiva4Innlogging demands security level 4 to open the documents; it implies
	// Kryptert.
	KrevNiva4Innlogging bool
	// TaushetsbelagtPost sends to an organisation as Altinn "taushetsbelagt post".
	TaushetsbelagtPost bool
	// Utskriftskonfigurasjon is the print configuration.
	Utskriftskonfigurasjon *Utskriftskonfigurasjon
	// Signering asks the recipient to sign the document marked SkalSigneres.
	Signering *Signering
	// AvgivendeSystem names your system (at most 100 characters).
	AvgivendeSystem string
	// AvgivendeSystemAktor is who started the sending in your system (at most 100
	// characters).
	AvgivendeSystemAktor string
	// Konteringskode groups the print bill (at most 20 of a-z, 0-9, _-. and æøå).
	Konteringskode string
	// Korrelasjonsid links forsendelser (at most 100 characters).
	Korrelasjonsid string
	// SvarSendesTil is where replies go.
	SvarSendesTil *Mottaker
	// SvarPaForsendelse is the id of the forsendelse this answers.
	SvarPaForsendelse string
	// SvarPaForsendelseLink (kanSvareViaEdialog in KS's clients) gives a recipient who
	// receives digitally a link to answer through eDialog, to SvarSendesTil, which must
	// then be an organisation with its organisasjonsnummer (SvarUt refuses it otherwise;
	// checked before sending).
	SvarPaForsendelseLink bool
	// EksponertFor are the persons and organisations that may also download the
	// documents, beside the recipient.
	EksponertFor []Tilgang
	// Lenker are links shown with the forsendelse (at most 5).
	Lenker []Lenke
	// Metadata is Noark 5 metadata from your archive (metadataFraAvleverendeSystem).
	Metadata *NoarkMetadata
	// MetadataForImport is Noark 5 metadata that matches the receiving system, to file the
	// document on the right case there (metadataForImport). It has no Saksbehandler,
	// Journaldato or EkstraMetadata.
	MetadataForImport *NoarkMetadata
}

// Tilgang is one party of EksponertFor: a fødselsnummer or an organisasjonsnummer.
type Tilgang struct {
	Foedselsnummer      ident.Foedselsnummer
	Organisasjonsnummer ident.Organisasjonsnummer
}

// Mottaker is a recipient: a person by fødselsnummer or an organisation by
// organisasjonsnummer (for digital delivery), with a postal address for print.
type Mottaker struct {
	// Navn is required.
	Navn string
	// Foedselsnummer for a person. Exclusive with Organisasjonsnummer.
	Foedselsnummer ident.Foedselsnummer
	// Organisasjonsnummer for an organisation; validated before sending.
	Organisasjonsnummer ident.Organisasjonsnummer
	// Postadresse is required unless the forsendelse is KunDigitalLevering.
	Postadresse *Postadresse
}

// Postadresse is a postal address for print.
type Postadresse struct {
	// Adresselinjer: one to three lines.
	Adresselinjer []string
	Postnummer    string
	Poststed      string
	// Land is the country's name, empty for Norway (SvarUt v2's land).
	Land string
	// Landkode is the country as ISO 3166-1 alpha-2 (SE, DK), empty for Norway: SvarUt
	// v3's landkode. Without it v3 takes Land when that is a two-letter code or Norway,
	// and refuses any other Land before sending; v2 sends Land, or Landkode when Land is
	// empty.
	Landkode string
}

// Dokument is one file of a forsendelse. Its content is read from Open (or Reader) while
// the request is sent, never held whole in memory.
type Dokument struct {
	// Filnavn is the file name the recipient sees (required, unique in the forsendelse, at
	// most 226 characters, none of * : " \ / < > | ?).
	Filnavn string
	// MimeType; empty: from Filnavn's extension (MimeTypeFor).
	MimeType string
	// Open returns the content; it is called again for each attempt, so a send can be
	// retried without buffering. Use Fil or Bytes, or your own.
	Open func() (io.ReadCloser, error)
	// Reader is the content for callers who cannot reopen it (exclusive with Open). A
	// forsendelse with a Reader document is sent at most once per Send: after a failure
	// that leaves the outcome unknown, Send looks the forsendelse up but cannot send again.
	Reader io.Reader

	// SkalSigneres asks the recipient to sign this document (a PDF; at most one).
	SkalSigneres bool
	// SkalEkskluderesFraUtskrift leaves the document out of print; required for
	// non-PDF documents unless the forsendelse is KunDigitalLevering.
	SkalEkskluderesFraUtskrift bool
	// InneholderPersonsensitivInformasjon marks sensitive content.
	InneholderPersonsensitivInformasjon bool
	DokumentType                        string
	// GiroarkSider are the pages printed on giro paper.
	GiroarkSider   []int32
	EkstraMetadata []Metadata
}

// Fil returns a Dokument read from a file on disk, opened for each attempt, with the
// mime type from its extension.
func Fil(path string) Dokument {
	return Dokument{
		Filnavn:  filepath.Base(path),
		MimeType: MimeTypeFor(path),
		Open:     func() (io.ReadCloser, error) { return os.Open(path) },
	}
}

// Bytes returns a Dokument over an in-memory content.
func Bytes(filnavn string, b []byte) Dokument {
	return Dokument{
		Filnavn:  filnavn,
		MimeType: MimeTypeFor(filnavn),
		Open:     func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil },
	}
}

var mimeTypes = map[string]string{
	".pdf": "application/pdf", ".txt": "text/plain", ".html": "text/html", ".htm": "text/html",
	".xml": "application/xml", ".json": "application/json", ".csv": "text/csv", ".rtf": "application/rtf",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".tif": "image/tiff", ".tiff": "image/tiff", ".zip": "application/zip",
	".doc": "application/msword", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xls": "application/vnd.ms-excel", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
	".eml": "message/rfc822",
}

// MimeTypeFor returns the mime type for a file name's extension, the same on every
// platform; application/octet-stream when unknown.
func MimeTypeFor(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	if t, ok := mimeTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	return "application/octet-stream"
}

// Metadata is a key and value.
type Metadata struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Lenke is a link shown with the forsendelse.
type Lenke struct {
	URL       string `json:"url"`
	Tekst     string `json:"tekst"`
	Ledetekst string `json:"ledetekst,omitempty"`
}

// Utskriftskonfigurasjon is the print configuration.
type Utskriftskonfigurasjon struct {
	UtskriftMedFarger bool
	Tosidig           bool
}

// SignaturType values.
const (
	AutentisertSignatur = "AUTENTISERT_SIGNATUR"
	AvansertSignatur    = "AVANSERT_SIGNATUR"
)

// Signering asks for a signature.
type Signering struct {
	// Utloper is when the request expires.
	Utloper time.Time
	// SignaturType: AutentisertSignatur or AvansertSignatur.
	SignaturType string
}

// NoarkMetadata is Noark 5 metadata about the forsendelse from your archive.
type NoarkMetadata struct {
	Saksaar              int32      `json:"saksaar,omitempty"`
	Journalaar           int32      `json:"journalaar,omitempty"`
	Sakssekvensnummer    int64      `json:"sakssekvensnummer,omitempty"`
	Journalsekvensnummer int64      `json:"journalsekvensnummer,omitempty"`
	Journalpostnummer    int64      `json:"journalpostnummer,omitempty"`
	Journalposttype      string     `json:"journalposttype,omitempty"`
	Journalstatus        string     `json:"journalstatus,omitempty"`
	Journaldato          time.Time  `json:"journaldato,omitzero"`
	DokumentetsDato      time.Time  `json:"dokumentetsDato,omitzero"`
	Tittel               string     `json:"tittel,omitempty"`
	Saksbehandler        string     `json:"saksbehandler,omitempty"`
	MappeID              string     `json:"mappeId,omitempty"`
	MappeSystemID        string     `json:"mappeSystemId,omitempty"`
	SystemID             string     `json:"systemId,omitempty"`
	RegistreringsID      string     `json:"registreringsId,omitempty"`
	EkstraMetadata       []Metadata `json:"ekstraMetadata,omitempty"`
}

var (
	postnummerRE     = regexp.MustCompile(`^\d{4}$`)
	konteringskodeRE = regexp.MustCompile(`^[a-zA-Z0-9_\-.øæåØÆÅ]{0,20}$`)
	filnavnForbidden = `*:"\/<>|?`
)

func invalid(field, problem string, a ...any) error {
	return &ValidationError{Op: "svarut.Send", Field: field, Problem: fmt.Sprintf(problem, a...)}
}

func maxLen(field, v string, n int) error {
	if utf8.RuneCountInString(v) > n {
		return invalid(field, "at most %d characters", n)
	}
	return nil
}

// validate checks f as SvarUt does, before anything is sent.
func (f *Forsendelse) validate() error {
	if strings.TrimSpace(f.Tittel) == "" {
		return invalid("Tittel", "required")
	}
	for _, c := range []struct {
		field, v string
		n        int
	}{{"Tittel", f.Tittel, 1000}, {"EksternReferanse", f.EksternReferanse, 100}, {"Forsendelsestype", f.Forsendelsestype, 100},
		{"Korrelasjonsid", f.Korrelasjonsid, 100}, {"AvgivendeSystem", f.AvgivendeSystem, 100}, {"AvgivendeSystemAktor", f.AvgivendeSystemAktor, 100}} {
		if err := maxLen(c.field, c.v, c.n); err != nil {
			return err
		}
	}
	if !konteringskodeRE.MatchString(f.Konteringskode) {
		return invalid("Konteringskode", "at most 20 of a-z, 0-9, '_', '-', '.' and æøå")
	}
	if err := f.Mottaker.validate("Mottaker", !f.KunDigitalLevering); err != nil {
		return err
	}
	// A recipient without a fødselsnummer or organisasjonsnummer gets a printed letter
	// (print-only); only KunDigitalLevering needs one.
	if f.KunDigitalLevering && f.Mottaker.Foedselsnummer.IsZero() && f.Mottaker.Organisasjonsnummer == "" {
		return invalid("Mottaker", "a fødselsnummer or an organisasjonsnummer is required with KunDigitalLevering (without one SvarUt can only print)")
	}
	if f.TaushetsbelagtPost && f.Mottaker.Organisasjonsnummer == "" {
		return invalid("TaushetsbelagtPost", "only for an organisation recipient")
	}
	if f.SvarPaForsendelseLink && (f.SvarSendesTil == nil || f.SvarSendesTil.Organisasjonsnummer == "") {
		return invalid("SvarPaForsendelseLink", "needs SvarSendesTil with an Organisasjonsnummer (the eDialog answer goes there)")
	}
	for i, t := range f.EksponertFor {
		field := fmt.Sprintf("EksponertFor[%d]", i)
		if t.Foedselsnummer.IsZero() == (t.Organisasjonsnummer == "") {
			return invalid(field, "a fødselsnummer or an organisasjonsnummer, one of them")
		}
		if t.Organisasjonsnummer != "" {
			if _, err := ident.ParseOrganisasjonsnummer(string(t.Organisasjonsnummer)); err != nil {
				return &ValidationError{Op: "svarut.Send", Field: field + ".Organisasjonsnummer", Problem: "not a valid organisasjonsnummer", Err: err}
			}
		}
	}
	if m := f.MetadataForImport; m != nil && (m.Saksbehandler != "" || !m.Journaldato.IsZero() || len(m.EkstraMetadata) > 0) {
		return invalid("MetadataForImport", "metadataForImport has no Saksbehandler, Journaldato or EkstraMetadata (they belong in Metadata)")
	}
	if f.SvarSendesTil != nil {
		// SvarUt needs the full postal address of svarSendesTil.
		if err := f.SvarSendesTil.validate("SvarSendesTil", true); err != nil {
			return err
		}
	}
	if len(f.Dokumenter) == 0 {
		return invalid("Dokumenter", "at least one document is required")
	}
	seen := map[string]bool{}
	signed := 0
	for i, d := range f.Dokumenter {
		field := fmt.Sprintf("Dokumenter[%d]", i)
		switch {
		case strings.TrimSpace(d.Filnavn) == "":
			return invalid(field+".Filnavn", "required")
		case utf8.RuneCountInString(d.Filnavn) > 226:
			return invalid(field+".Filnavn", "at most 226 characters")
		case strings.ContainsAny(d.Filnavn, filnavnForbidden):
			return invalid(field+".Filnavn", "must not contain any of %s", filnavnForbidden)
		case seen[strings.ToLower(d.Filnavn)]:
			return invalid(field+".Filnavn", "file names must be unique in a forsendelse")
		case (d.Open == nil) == (d.Reader == nil):
			return invalid(field, "exactly one of Open and Reader is required")
		}
		seen[strings.ToLower(d.Filnavn)] = true
		mt := d.mimeType()
		if _, _, err := mime.ParseMediaType(mt); err != nil {
			return invalid(field+".MimeType", "%q is not a mime type", mt)
		}
		if mt != "application/pdf" && !f.KunDigitalLevering && !d.SkalEkskluderesFraUtskrift {
			return invalid(field+".MimeType", "only application/pdf can be printed: set SkalEkskluderesFraUtskrift or KunDigitalLevering for %s", mt)
		}
		if d.SkalSigneres {
			signed++
			if mt != "application/pdf" {
				return invalid(field+".SkalSigneres", "only a PDF can be signed")
			}
		}
	}
	if signed > 1 {
		return invalid("Dokumenter", "at most one document can be signed")
	}
	if f.Signering != nil && signed == 0 {
		return invalid("Signering", "no document is marked SkalSigneres")
	}
	if f.Signering != nil && f.Signering.SignaturType != "" && f.Signering.SignaturType != AutentisertSignatur && f.Signering.SignaturType != AvansertSignatur {
		return invalid("Signering.SignaturType", "AUTENTISERT_SIGNATUR or AVANSERT_SIGNATUR")
	}
	if len(f.Lenker) > 5 {
		return invalid("Lenker", "at most 5")
	}
	for i, l := range f.Lenker {
		if l.URL == "" || l.Tekst == "" {
			return invalid(fmt.Sprintf("Lenker[%d]", i), "URL and Tekst are required")
		}
	}
	return nil
}

func (m *Mottaker) validate(field string, needAddress bool) error {
	if strings.TrimSpace(m.Navn) == "" {
		return invalid(field+".Navn", "required")
	}
	if !m.Foedselsnummer.IsZero() && m.Organisasjonsnummer != "" {
		return invalid(field, "a fødselsnummer or an organisasjonsnummer, not both")
	}
	if m.Organisasjonsnummer != "" {
		if _, err := ident.ParseOrganisasjonsnummer(string(m.Organisasjonsnummer)); err != nil {
			return &ValidationError{Op: "svarut.Send", Field: field + ".Organisasjonsnummer", Problem: "not a valid organisasjonsnummer", Err: err}
		}
	}
	if m.Postadresse == nil {
		if needAddress {
			return invalid(field+".Postadresse", "required unless KunDigitalLevering (SvarUt may print)")
		}
		return nil
	}
	a := m.Postadresse
	if len(a.Adresselinjer) > 3 {
		return invalid(field+".Postadresse.Adresselinjer", "at most 3")
	}
	if needAddress && (len(a.Adresselinjer) == 0 || strings.TrimSpace(a.Adresselinjer[0]) == "") {
		return invalid(field+".Postadresse.Adresselinjer", "at least one line")
	}
	if needAddress && (strings.TrimSpace(a.Postnummer) == "" || strings.TrimSpace(a.Poststed) == "") {
		return invalid(field+".Postadresse", "Postnummer and Poststed are required")
	}
	if a.norsk() && a.Postnummer != "" && !postnummerRE.MatchString(a.Postnummer) {
		return invalid(field+".Postadresse.Postnummer", "four digits in Norway")
	}
	return nil
}

// norsk reports whether the address is in Norway.
func (a *Postadresse) norsk() bool {
	land := cmp.Or(a.Landkode, a.Land)
	return land == "" || strings.EqualFold(land, "NO") || strings.EqualFold(land, "norge") || strings.EqualFold(land, "norway")
}

func (d *Dokument) mimeType() string {
	if d.MimeType != "" {
		return d.MimeType
	}
	return MimeTypeFor(d.Filnavn)
}

func ptr[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

func (m *Mottaker) wire() send.Adresse {
	a := send.Adresse{Navn: m.Navn}
	switch {
	case !m.Foedselsnummer.IsZero():
		a.DigitalId = ptr(m.Foedselsnummer.Unmasked())
	case m.Organisasjonsnummer != "":
		a.DigitalId = ptr(string(m.Organisasjonsnummer))
	}
	if p := m.Postadresse; p != nil {
		lines := append(append([]string{}, p.Adresselinjer...), "", "", "")
		a.Adresselinje1, a.Adresselinje2, a.Adresselinje3 = ptr(lines[0]), ptr(lines[1]), ptr(lines[2])
		a.Postnummer, a.Poststed, a.Land = ptr(p.Postnummer), ptr(p.Poststed), ptr(cmp.Or(p.Land, p.Landkode))
	}
	return a
}

func metadataWire(ms []Metadata) *[]send.Metadata {
	if len(ms) == 0 {
		return nil
	}
	out := make([]send.Metadata, len(ms))
	for i, m := range ms {
		out[i] = send.Metadata{Key: m.Key, Value: m.Value}
	}
	return &out
}

// wire converts f to the generated v2 Forsendelse.
func (f *Forsendelse) wire(kryptert bool) send.Forsendelse {
	w := send.Forsendelse{
		Tittel:                f.Tittel,
		Mottaker:              f.Mottaker.wire(),
		EksternReferanse:      ptr(f.EksternReferanse),
		Forsendelsestype:      ptr(f.Forsendelsestype),
		KunDigitalLevering:    ptr(f.KunDigitalLevering),
		Kryptert:              ptr(kryptert),
		KrevNiva4Innlogging:   ptr(f.KrevNiva4Innlogging),
		TaushetsbelagtPost:    ptr(f.TaushetsbelagtPost),
		AvgivendeSystem:       ptr(f.AvgivendeSystem),
		AvgivendeSystemAktor:  ptr(f.AvgivendeSystemAktor),
		SvarPaForsendelseLink: ptr(f.SvarPaForsendelseLink),
		Konteringskode:        ptr(f.Konteringskode),
		Korrelasjonsid:        ptr(f.Korrelasjonsid),
	}
	if u := f.Utskriftskonfigurasjon; u != nil {
		w.Utskriftskonfigurasjon = &send.Utskriftskonfigurasjon{UtskriftMedFarger: ptr(u.UtskriftMedFarger), Tosidig: ptr(u.Tosidig)}
	}
	if s := f.Signering; s != nil {
		if !s.Utloper.IsZero() {
			w.SigneringUtloper = &s.Utloper
		}
		if s.SignaturType != "" {
			st := send.ForsendelseSignaturType(s.SignaturType)
			w.SignaturType = &st
		}
	}
	if f.SvarSendesTil != nil {
		a := f.SvarSendesTil.wire()
		w.SvarSendesTil = &a
	}
	if f.SvarPaForsendelse != "" {
		var u send.SendForsendelseResponse
		if err := u.Id.UnmarshalText([]byte(f.SvarPaForsendelse)); err == nil {
			w.SvarPaForsendelse = &u.Id
		}
	}
	if len(f.Lenker) > 0 {
		ls := make([]send.Lenke, len(f.Lenker))
		for i, l := range f.Lenker {
			ls[i] = send.Lenke{Url: l.URL, Tekst: l.Tekst, Ledetekst: ptr(l.Ledetekst)}
		}
		w.Lenker = &ls
	}
	docs := make([]send.Dokument, len(f.Dokumenter))
	for i, d := range f.Dokumenter {
		docs[i] = send.Dokument{
			Filnavn:                             d.Filnavn,
			MimeType:                            d.mimeType(),
			SkalSigneres:                        ptr(d.SkalSigneres),
			SkalEkskluderesFraUtskrift:          ptr(d.SkalEkskluderesFraUtskrift),
			InneholderPersonsensitivInformasjon: ptr(d.InneholderPersonsensitivInformasjon),
			DokumentType:                        ptr(d.DokumentType),
			EkstraMetadata:                      metadataWire(d.EkstraMetadata),
		}
		if len(d.GiroarkSider) > 0 {
			g := append([]int32(nil), d.GiroarkSider...)
			docs[i].GiroarkSider = &g
		}
	}
	w.Dokumenter = &docs
	if m := f.Metadata; m != nil {
		md := &send.NoarkMetadataFraAvleverendeSaksSystem{
			Saksaar: ptr(m.Saksaar), Sakssekvensnummer: ptr(m.Sakssekvensnummer), Journalaar: ptr(m.Journalaar),
			Journalsekvensnummer: ptr(m.Journalsekvensnummer), Journalpostnummer: ptr(m.Journalpostnummer),
			Journalposttype: ptr(m.Journalposttype), Journalstatus: ptr(m.Journalstatus), Tittel: ptr(m.Tittel),
			Saksbehandler: ptr(m.Saksbehandler), MappeId: ptr(m.MappeID), MappeSystemId: ptr(m.MappeSystemID),
			SystemId: ptr(m.SystemID), RegistreringsId: ptr(m.RegistreringsID), EkstraMetadata: metadataWire(m.EkstraMetadata),
		}
		if !m.Journaldato.IsZero() {
			md.Journaldato = &m.Journaldato
		}
		if !m.DokumentetsDato.IsZero() {
			md.DokumentetsDato = &m.DokumentetsDato
		}
		w.MetadataFraAvleverendeSystem = md
	}
	if m := f.MetadataForImport; m != nil {
		mi := &send.NoarkMetadataForImport{
			Saksaar: ptr(m.Saksaar), Sakssekvensnummer: ptr(m.Sakssekvensnummer), Journalaar: ptr(m.Journalaar),
			Journalsekvensnummer: ptr(m.Journalsekvensnummer), Journalpostnummer: ptr(m.Journalpostnummer),
			Journalposttype: ptr(m.Journalposttype), Journalstatus: ptr(m.Journalstatus), Tittel: ptr(m.Tittel),
			MappeId: ptr(m.MappeID), MappeSystemId: ptr(m.MappeSystemID), SystemId: ptr(m.SystemID), RegistreringsId: ptr(m.RegistreringsID),
		}
		if !m.DokumentetsDato.IsZero() {
			mi.DokumentetsDato = &m.DokumentetsDato
		}
		w.MetadataForImport = mi
	}
	if len(f.EksponertFor) > 0 {
		ids := make([]string, len(f.EksponertFor))
		for i, t := range f.EksponertFor {
			ids[i] = string(t.Organisasjonsnummer)
			if !t.Foedselsnummer.IsZero() {
				ids[i] = t.Foedselsnummer.Unmasked()
			}
		}
		w.EksponertFor = &ids
	}
	return w
}
