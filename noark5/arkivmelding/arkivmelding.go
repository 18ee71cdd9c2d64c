// Package arkivmelding builds and reads eFormidling's arkivmelding: the Noark 5 message that
// carries a saksmappe with its journalposter (or loose registreringer) from a case system
// to an archive, over eFormidling (DPO/DPV/DPF) or FIKS IO.
//
// The schema is arkivmelding.xsd (namespace
// http://www.arkivverket.no/standarder/noark5/arkivmelding) with the Noark 5 v3.1
// metadatakatalog, so code values are the v3.1 enumerations ("Utgående dokument",
// "Journalført", ...): see the constants. It is not the arkivstruktur of a deposit: element
// sets and order differ, and a registrering here names its parent (ReferanseForelderMappe
// or ReferanseArkivdel or ReferanseKlasse).
//
// Marshal writes the elements in the schema's order whatever order the caller filled the
// structs in, checks the message first (*ValidationError listing every problem), and Parse
// reads a message with bounded memory, refusing DTDs and entities.
package arkivmelding

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/internal/mask"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/internal/xmlin"
)

// Namespace is the arkivmelding target namespace.
const Namespace = "http://www.arkivverket.no/standarder/noark5/arkivmelding"

const xsiNS = "http://www.w3.org/2001/XMLSchema-instance"

// Arkivmelding is the message (element arkivmelding). It carries either Mappe or
// Registrering, not both.
type Arkivmelding struct {
	XMLName      xml.Name       `xml:"arkivmelding"`
	System       string         `xml:"system"`
	MeldingID    string         `xml:"meldingId"`
	Tidspunkt    Tidspunkt      `xml:"tidspunkt"`
	AntallFiler  int            `xml:"antallFiler"`
	Mappe        []Mappe        `xml:"mappe"`
	Registrering []Registrering `xml:"registrering"`
}

// Dato is an xs:date ("2025-03-01"), as in package noark5.
type Dato = noark5.Dato

// NewDato is the date y-m-d.
func NewDato(y int, m time.Month, d int) Dato { return noark5.NewDato(y, m, d) }

// Tidspunkt is an xs:dateTime, as in package noark5: written in RFC 3339, and a time read
// without a zone is written back without one, so a message keeps its meaning through a
// read and a write.
type Tidspunkt = noark5.Tidspunkt

// Tid is a Tidspunkt for t.
func Tid(t time.Time) Tidspunkt { return noark5.Tid(t) }

// AnyXML is content of xs:anyType (virksomhetsspesifikkeMetadata): InnerXML is written
// as it is. When read, elements in the arkivmelding namespace come back without a
// namespace declaration of their own, so the text reads as it was written.
type AnyXML struct {
	InnerXML string `xml:",innerxml"`
}

// UnmarshalXML re-encodes the element's content.
func (a *AnyXML) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var buf bytes.Buffer
	e := xml.NewEncoder(&buf)
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Space == Namespace {
				t.Name.Space = ""
			}
			attrs := t.Attr[:0:0]
			for _, at := range t.Attr {
				if at.Name.Space != "xmlns" && !(at.Name.Space == "" && at.Name.Local == "xmlns") {
					attrs = append(attrs, at)
				}
			}
			t.Attr = attrs
			tok = t
		case xml.EndElement:
			if depth == 0 {
				if err := e.Flush(); err != nil {
					return err
				}
				a.InnerXML = buf.String()
				return nil
			}
			depth--
			if t.Name.Space == Namespace {
				t.Name.Space = ""
			}
			tok = t
		case xml.ProcInst, xml.Directive:
			continue
		}
		if err := e.EncodeToken(xml.CopyToken(tok)); err != nil {
			return err
		}
	}
}

// Klassifikasjon places a mappe in a classification system.
type Klassifikasjon struct {
	ReferanseKlassifikasjonssystem string     `xml:"referanseKlassifikasjonssystem"`
	KlasseID                       string     `xml:"klasseID"`
	Tittel                         string     `xml:"tittel"`
	Beskrivelse                    string     `xml:"beskrivelse,omitempty"`
	Noekkelord                     []string   `xml:"noekkelord,omitempty"`
	OpprettetDato                  *Tidspunkt `xml:"opprettetDato,omitempty"`
	OpprettetAv                    string     `xml:"opprettetAv,omitempty"`
}

// Kryssreferanse points to another klasse, mappe or registrering (as in package noark5).
type Kryssreferanse = noark5.Kryssreferanse

// Merknad is a note (as in package noark5).
type Merknad = noark5.Merknad

// Skjerming is the access restriction (as in package noark5).
type Skjerming = noark5.Skjerming

// Gradering is a security classification (v3.1 names: the grade is "gradering").
type Gradering struct {
	Grad              string     `xml:"gradering"`
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
	PresedensGodkjentDato *Dato      `xml:"presedensGodkjentDato,omitempty"`
	PresedensGodkjentAv   string     `xml:"presedensGodkjentAv,omitempty"`
	AvsluttetDato         *Tidspunkt `xml:"avsluttetDato,omitempty"`
	AvsluttetAv           string     `xml:"avsluttetAv,omitempty"`
	Presedensstatus       string     `xml:"presedensstatus,omitempty"`
}

// Sakspart is a party to a case.
type Sakspart struct {
	SakspartID                    string   `xml:"sakspartID,omitempty"`
	SakspartNavn                  string   `xml:"sakspartNavn"`
	SakspartRolle                 string   `xml:"sakspartRolle"`
	Postadresse                   []string `xml:"postadresse,omitempty"`
	Postnummer                    string   `xml:"postnummer,omitempty"`
	Poststed                      string   `xml:"poststed,omitempty"`
	Land                          string   `xml:"land,omitempty"`
	Epostadresse                  string   `xml:"epostadresse,omitempty"`
	Telefonnummer                 []string `xml:"telefonnummer,omitempty"`
	Kontaktperson                 string   `xml:"kontaktperson,omitempty"`
	VirksomhetsspesifikkeMetadata *AnyXML  `xml:"virksomhetsspesifikkeMetadata,omitempty"`
}

// Korrespondansepart is a sender or recipient of a journalpost (as in package noark5).
type Korrespondansepart = noark5.Korrespondansepart

// Avskrivning records how a journalpost was answered (as in package noark5).
type Avskrivning = noark5.Avskrivning

// Dokumentflyt is one step of a document's internal flow (as in package noark5).
type Dokumentflyt = noark5.Dokumentflyt

// Dokumentobjekt is one file of a document. ReferanseDokumentfil names the file sent with
// the message.
type Dokumentobjekt struct {
	Versjonsnummer       int       `xml:"versjonsnummer"`
	Variantformat        string    `xml:"variantformat"`
	OpprettetDato        Tidspunkt `xml:"opprettetDato"`
	OpprettetAv          string    `xml:"opprettetAv"`
	ReferanseDokumentfil string    `xml:"referanseDokumentfil"`
}

// Dokumentbeskrivelse describes a document of a registrering.
type Dokumentbeskrivelse struct {
	SystemID                  string           `xml:"systemID"`
	Dokumenttype              string           `xml:"dokumenttype"`
	Dokumentstatus            string           `xml:"dokumentstatus"`
	Tittel                    string           `xml:"tittel"`
	Beskrivelse               string           `xml:"beskrivelse,omitempty"`
	Forfatter                 []string         `xml:"forfatter,omitempty"`
	OpprettetDato             Tidspunkt        `xml:"opprettetDato"`
	OpprettetAv               string           `xml:"opprettetAv"`
	Dokumentmedium            string           `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted          string           `xml:"oppbevaringssted,omitempty"`
	ReferanseArkivdel         []string         `xml:"referanseArkivdel,omitempty"`
	TilknyttetRegistreringSom string           `xml:"tilknyttetRegistreringSom"`
	Dokumentnummer            int              `xml:"dokumentnummer"`
	TilknyttetDato            Tidspunkt        `xml:"tilknyttetDato"`
	TilknyttetAv              string           `xml:"tilknyttetAv"`
	Merknad                   []Merknad        `xml:"merknad,omitempty"`
	Skjerming                 *Skjerming       `xml:"skjerming,omitempty"`
	Gradering                 *Gradering       `xml:"gradering,omitempty"`
	Dokumentobjekt            []Dokumentobjekt `xml:"dokumentobjekt,omitempty"`
}

// Registrering is a registrering, basisregistrering or journalpost; Type says which
// (xsi:type: TypeJournalpost, TypeBasisregistrering, or "" for a bare registrering). The
// journalpost fields are used only for a journalpost.
type Registrering struct {
	Type string `xml:"-"`

	SystemID               string                `xml:"systemID"`
	OpprettetDato          Tidspunkt             `xml:"opprettetDato"`
	OpprettetAv            string                `xml:"opprettetAv"`
	ArkivertDato           Tidspunkt             `xml:"arkivertDato"`
	ArkivertAv             string                `xml:"arkivertAv"`
	RegistreringsID        string                `xml:"registreringsID,omitempty"`
	ReferanseForelderMappe string                `xml:"referanseForelderMappe,omitempty"`
	ReferanseArkivdel      string                `xml:"referanseArkivdel,omitempty"`
	ReferanseKlasse        string                `xml:"referanseKlasse,omitempty"`
	Skjerming              *Skjerming            `xml:"skjerming,omitempty"`
	Gradering              *Gradering            `xml:"gradering,omitempty"`
	Dokumentbeskrivelse    []Dokumentbeskrivelse `xml:"dokumentbeskrivelse,omitempty"`
	Dokumentobjekt         []Dokumentobjekt      `xml:"dokumentobjekt,omitempty"`

	// basisregistrering
	Tittel                        string           `xml:"tittel,omitempty"`
	OffentligTittel               string           `xml:"offentligTittel,omitempty"`
	Beskrivelse                   string           `xml:"beskrivelse,omitempty"`
	Noekkelord                    []string         `xml:"noekkelord,omitempty"`
	Forfatter                     []string         `xml:"forfatter,omitempty"`
	Dokumentmedium                string           `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted              []string         `xml:"oppbevaringssted,omitempty"`
	VirksomhetsspesifikkeMetadata *AnyXML          `xml:"virksomhetsspesifikkeMetadata,omitempty"`
	Merknad                       []Merknad        `xml:"merknad,omitempty"`
	Kryssreferanse                []Kryssreferanse `xml:"kryssreferanse,omitempty"`

	// journalpost
	Journalaar               int                  `xml:"journalaar,omitempty"`
	Journalsekvensnummer     int                  `xml:"journalsekvensnummer,omitempty"`
	Journalpostnummer        int                  `xml:"journalpostnummer,omitempty"`
	Journalposttype          string               `xml:"journalposttype,omitempty"`
	Journalstatus            string               `xml:"journalstatus,omitempty"`
	Journaldato              *Dato                `xml:"journaldato,omitempty"`
	DokumentetsDato          *Dato                `xml:"dokumentetsDato,omitempty"`
	MottattDato              *Tidspunkt           `xml:"mottattDato,omitempty"`
	SendtDato                *Tidspunkt           `xml:"sendtDato,omitempty"`
	Forfallsdato             *Dato                `xml:"forfallsdato,omitempty"`
	OffentlighetsvurdertDato *Dato                `xml:"offentlighetsvurdertDato,omitempty"`
	AntallVedlegg            int                  `xml:"antallVedlegg,omitempty"`
	UtlaantDato              *Dato                `xml:"utlaantDato,omitempty"`
	UtlaantTil               string               `xml:"utlaantTil,omitempty"`
	Journalenhet             string               `xml:"journalenhet,omitempty"`
	Korrespondansepart       []Korrespondansepart `xml:"korrespondansepart,omitempty"`
	Avskrivning              []Avskrivning        `xml:"avskrivning,omitempty"`
	Dokumentflyt             []Dokumentflyt       `xml:"dokumentflyt,omitempty"`
	Presedens                []Presedens          `xml:"presedens,omitempty"`
}

// The xsi:type values.
const (
	TypeSaksmappe         = "saksmappe"
	TypeJournalpost       = "journalpost"
	TypeBasisregistrering = "basisregistrering"
)

// Mappe is a mappe or saksmappe; Type says which (TypeSaksmappe or ""). The saksmappe
// fields are used only for a saksmappe, and are written after the children, as the
// schema's extension requires.
type Mappe struct {
	Type string `xml:"-"`

	SystemID                      string           `xml:"systemID"`
	MappeID                       string           `xml:"mappeID,omitempty"`
	ReferanseForeldermappe        string           `xml:"ReferanseForeldermappe,omitempty"`
	Tittel                        string           `xml:"tittel"`
	OffentligTittel               string           `xml:"offentligTittel,omitempty"`
	Beskrivelse                   string           `xml:"beskrivelse,omitempty"`
	Noekkelord                    []string         `xml:"noekkelord,omitempty"`
	Dokumentmedium                string           `xml:"dokumentmedium,omitempty"`
	Oppbevaringssted              []string         `xml:"oppbevaringssted,omitempty"`
	OpprettetDato                 Tidspunkt        `xml:"opprettetDato"`
	OpprettetAv                   string           `xml:"opprettetAv"`
	AvsluttetDato                 *Tidspunkt       `xml:"avsluttetDato,omitempty"`
	AvsluttetAv                   string           `xml:"avsluttetAv,omitempty"`
	ReferanseArkivdel             []string         `xml:"referanseArkivdel,omitempty"`
	VirksomhetsspesifikkeMetadata *AnyXML          `xml:"virksomhetsspesifikkeMetadata,omitempty"`
	Kryssreferanse                []Kryssreferanse `xml:"kryssreferanse,omitempty"`
	Merknad                       []Merknad        `xml:"merknad,omitempty"`
	Skjerming                     *Skjerming       `xml:"skjerming,omitempty"`
	Gradering                     *Gradering       `xml:"gradering,omitempty"`
	Klassifikasjon                []Klassifikasjon `xml:"klassifikasjon,omitempty"`
	Mappe                         []Mappe          `xml:"mappe,omitempty"`
	Basisregistrering             []Registrering   `xml:"basisregistrering,omitempty"`

	// saksmappe
	Saksaar                          int         `xml:"saksaar,omitempty"`
	Sakssekvensnummer                int         `xml:"sakssekvensnummer,omitempty"`
	Saksdato                         *Dato       `xml:"saksdato,omitempty"`
	AdministrativEnhet               string      `xml:"administrativEnhet,omitempty"`
	Saksansvarlig                    string      `xml:"saksansvarlig,omitempty"`
	Journalenhet                     string      `xml:"journalenhet,omitempty"`
	Saksstatus                       string      `xml:"saksstatus,omitempty"`
	ReferanseSekundaerKlassifikasjon []string    `xml:"referanseSekundaerKlassifikasjon,omitempty"`
	Sakspart                         []Sakspart  `xml:"sakspart,omitempty"`
	Presedens                        []Presedens `xml:"presedens,omitempty"`
}

// MarshalXML writes the xsi:type attribute.
func (m Mappe) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type plain Mappe
	if m.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: m.Type})
	}
	return e.EncodeElement(plain(m), start)
}

// UnmarshalXML reads the xsi:type attribute.
func (m *Mappe) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	type plain Mappe
	var p plain
	if err := d.DecodeElement(&p, &start); err != nil {
		return err
	}
	*m = Mappe(p)
	m.Type = xsiType(start)
	return nil
}

// MarshalXML writes the xsi:type attribute.
func (r Registrering) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type plain Registrering
	if r.Type != "" {
		start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "xsi:type"}, Value: r.Type})
	}
	return e.EncodeElement(plain(r), start)
}

// UnmarshalXML reads the xsi:type attribute.
func (r *Registrering) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	type plain Registrering
	var p plain
	if err := d.DecodeElement(&p, &start); err != nil {
		return err
	}
	*r = Registrering(p)
	r.Type = xsiType(start)
	return nil
}

func xsiType(start xml.StartElement) string {
	for _, a := range start.Attr {
		if a.Name.Local == "type" && (a.Name.Space == xsiNS || a.Name.Space == "xsi") {
			v := a.Value
			if _, local, ok := strings.Cut(v, ":"); ok {
				v = local
			}
			return v
		}
	}
	return ""
}

// Code values of the v3.1 metadatakatalog that arkivmelding uses.
const (
	InngaaendeDokument                  = "Inngående dokument"
	UtgaaendeDokument                   = "Utgående dokument"
	OrganinterntDokumentForOppfoelging  = "Organinternt dokument for oppfølging"
	OrganinterntDokumentUtenOppfoelging = "Organinternt dokument uten oppfølging"
	Saksframlegg                        = "Saksframlegg"

	Journalfoert = "Journalført"
	Ekspedert    = "Ekspedert"
	Arkivert     = "Arkivert"

	UnderBehandling = "Under behandling"
	Avsluttet       = "Avsluttet"

	Avsender       = "Avsender"
	Mottaker       = "Mottaker"
	Kopimottaker   = "Kopimottaker"
	InternAvsender = "Intern avsender"
	InternMottaker = "Intern mottaker"

	Hoveddokument = "Hoveddokument"
	Vedlegg       = "Vedlegg"

	DokumentetErFerdigstilt = "Dokumentet er ferdigstilt"
	Produksjonsformat       = "Produksjonsformat"
	Arkivformat             = "Arkivformat"
)

var codeLists = map[string][]string{
	"journalposttype":           {InngaaendeDokument, UtgaaendeDokument, OrganinterntDokumentForOppfoelging, OrganinterntDokumentUtenOppfoelging, Saksframlegg},
	"journalstatus":             {Journalfoert, "Ferdigstilt fra saksbehandler", "Godkjent av leder", Ekspedert, Arkivert, "Utgår"},
	"korrespondanseparttype":    {Avsender, Mottaker, Kopimottaker, "Gruppemottaker", InternAvsender, InternMottaker},
	"saksstatus":                {UnderBehandling, Avsluttet, "Utgår"},
	"dokumentstatus":            {"Dokumentet er under redigering", DokumentetErFerdigstilt},
	"tilknyttetRegistreringSom": {Hoveddokument, Vedlegg},
	"variantformat":             {Produksjonsformat, Arkivformat, "Dokument hvor deler av innholdet er skjermet"},
	"dokumentmedium":            {"Fysisk medium", "Elektronisk arkiv", "Blandet fysisk og elektronisk arkiv"},
	"gradering": {"Strengt hemmelig (sikkerhetsgrad)", "Hemmelig (sikkerhetsgrad)", "Konfidensielt (sikkerhetsgrad)",
		"Begrenset (sikkerhetsgrad)", "Fortrolig (beskyttelsesgrad)", "Strengt fortrolig (beskyttelsesgrad)"},
}

var guid = regexp.MustCompile(`^(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)

// ValidationError lists every problem found in a message, each with its element path.
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("arkivmelding: %d problem(s): %s", len(e.Problems), strings.Join(e.Problems, "; "))
}

// ErrInvalid is matched by *ValidationError.
var ErrInvalid = errors.New("arkivmelding: invalid")

// Is matches ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

type checker struct{ problems []string }

func (c *checker) add(path, format string, a ...any) {
	// Values are quoted in messages; an identity number where it does not belong is masked.
	c.problems = append(c.problems, mask.IdentityNumbers(path+": "+fmt.Sprintf(format, a...)))
}

func (c *checker) req(path, name, v string) {
	if strings.TrimSpace(v) == "" {
		c.add(path+"/"+name, "is required")
	}
}

func (c *checker) code(path, list, v string, required bool) {
	if v == "" {
		if required {
			c.add(path+"/"+list, "is required")
		}
		return
	}
	if !slices.Contains(codeLists[list], v) {
		c.add(path+"/"+list, "%q is not a %s value (v3.1 metadatakatalog: %s)", v, list, strings.Join(codeLists[list], ", "))
	}
}

func (c *checker) id(path, name, v string, required bool) {
	if v == "" {
		if required {
			c.add(path+"/"+name, "is required")
		}
		return
	}
	if !guid.MatchString(v) {
		c.add(path+"/"+name, "%q is not a UUID", v)
	}
}

func (c *checker) time(path, name string, t time.Time) {
	if t.IsZero() {
		c.add(path+"/"+name, "is required")
	}
}

// Validate checks the message against the schema's rules: required elements, UUIDs,
// code values, and that registreringer name exactly one parent.
func (a *Arkivmelding) Validate() error {
	var c checker
	c.req("arkivmelding", "system", a.System)
	c.req("arkivmelding", "meldingId", a.MeldingID)
	c.time("arkivmelding", "tidspunkt", a.Tidspunkt.Time)
	if a.AntallFiler < 0 {
		c.add("arkivmelding/antallFiler", "is negative")
	}
	switch {
	case len(a.Mappe) > 0 && len(a.Registrering) > 0:
		c.add("arkivmelding", "holds mappe or registrering, not both")
	case len(a.Mappe) == 0 && len(a.Registrering) == 0:
		c.add("arkivmelding", "holds no mappe and no registrering")
	}
	files := 0
	for i := range a.Mappe {
		files += c.mappe(fmt.Sprintf("arkivmelding/mappe[%d]", i+1), &a.Mappe[i])
	}
	for i := range a.Registrering {
		files += c.registrering(fmt.Sprintf("arkivmelding/registrering[%d]", i+1), &a.Registrering[i], false)
	}
	if files != a.AntallFiler && len(c.problems) == 0 {
		c.add("arkivmelding/antallFiler", "is %d, but the message references %d file(s)", a.AntallFiler, files)
	}
	if len(c.problems) > 0 {
		return &ValidationError{Problems: c.problems}
	}
	return nil
}

func (c *checker) mappe(p string, m *Mappe) int {
	if m.Type != "" && m.Type != TypeSaksmappe && m.Type != "mappe" {
		c.add(p, "xsi:type %q: want saksmappe or none", m.Type)
	}
	c.id(p, "systemID", m.SystemID, true)
	c.id(p, "ReferanseForeldermappe", m.ReferanseForeldermappe, false)
	c.req(p, "tittel", m.Tittel)
	c.time(p, "opprettetDato", m.OpprettetDato.Time)
	c.code(p, "dokumentmedium", m.Dokumentmedium, false)
	c.skjerming(p, m.Skjerming)
	c.gradering(p, m.Gradering)
	for i, k := range m.Klassifikasjon {
		kp := fmt.Sprintf("%s/klassifikasjon[%d]", p, i+1)
		c.req(kp, "referanseKlassifikasjonssystem", k.ReferanseKlassifikasjonssystem)
		c.req(kp, "klasseID", k.KlasseID)
		c.req(kp, "tittel", k.Tittel)
	}
	for i, mm := range m.Merknad {
		c.merknad(fmt.Sprintf("%s/merknad[%d]", p, i+1), mm)
	}
	if len(m.Mappe) > 0 && len(m.Basisregistrering) > 0 {
		c.add(p, "holds mappe or basisregistrering, not both")
	}
	files := 0
	for i := range m.Mappe {
		files += c.mappe(fmt.Sprintf("%s/mappe[%d]", p, i+1), &m.Mappe[i])
	}
	for i := range m.Basisregistrering {
		files += c.registrering(fmt.Sprintf("%s/basisregistrering[%d]", p, i+1), &m.Basisregistrering[i], true)
	}
	if m.Type == TypeSaksmappe {
		if m.Saksdato == nil {
			c.add(p+"/saksdato", "is required")
		}
		c.req(p, "administrativEnhet", m.AdministrativEnhet)
		c.req(p, "saksansvarlig", m.Saksansvarlig)
		c.code(p, "saksstatus", m.Saksstatus, true)
		if m.Saksaar < 0 || m.Sakssekvensnummer < 0 {
			c.add(p, "saksaar and sakssekvensnummer must not be negative")
		}
		for i, s := range m.Sakspart {
			sp := fmt.Sprintf("%s/sakspart[%d]", p, i+1)
			c.req(sp, "sakspartNavn", s.SakspartNavn)
			c.req(sp, "sakspartRolle", s.SakspartRolle)
		}
	} else if m.Saksaar != 0 || m.Saksdato != nil || m.Saksstatus != "" || m.AdministrativEnhet != "" {
		c.add(p, "has saksmappe elements but no xsi:type saksmappe")
	}
	return files
}

func (c *checker) registrering(p string, r *Registrering, inMappe bool) int {
	switch r.Type {
	case "", "registrering", TypeBasisregistrering, TypeJournalpost:
	default:
		c.add(p, "xsi:type %q: want journalpost, basisregistrering or none", r.Type)
	}
	c.id(p, "systemID", r.SystemID, true)
	c.time(p, "opprettetDato", r.OpprettetDato.Time)
	c.time(p, "arkivertDato", r.ArkivertDato.Time)
	parents := 0
	for _, v := range []string{r.ReferanseForelderMappe, r.ReferanseArkivdel, r.ReferanseKlasse} {
		if v != "" {
			parents++
		}
	}
	if parents != 1 {
		c.add(p, "needs exactly one of referanseForelderMappe, referanseArkivdel, referanseKlasse (has %d)", parents)
	}
	c.id(p, "referanseForelderMappe", r.ReferanseForelderMappe, false)
	c.id(p, "referanseKlasse", r.ReferanseKlasse, false)
	c.skjerming(p, r.Skjerming)
	c.gradering(p, r.Gradering)
	files := 0
	for i := range r.Dokumentbeskrivelse {
		d := &r.Dokumentbeskrivelse[i]
		dp := fmt.Sprintf("%s/dokumentbeskrivelse[%d]", p, i+1)
		c.id(dp, "systemID", d.SystemID, true)
		c.req(dp, "dokumenttype", d.Dokumenttype)
		c.code(dp, "dokumentstatus", d.Dokumentstatus, true)
		c.req(dp, "tittel", d.Tittel)
		c.time(dp, "opprettetDato", d.OpprettetDato.Time)
		c.code(dp, "tilknyttetRegistreringSom", d.TilknyttetRegistreringSom, true)
		c.time(dp, "tilknyttetDato", d.TilknyttetDato.Time)
		c.code(dp, "dokumentmedium", d.Dokumentmedium, false)
		c.skjerming(dp, d.Skjerming)
		c.gradering(dp, d.Gradering)
		for j, o := range d.Dokumentobjekt {
			c.dokumentobjekt(fmt.Sprintf("%s/dokumentobjekt[%d]", dp, j+1), o)
			files++
		}
	}
	for j, o := range r.Dokumentobjekt {
		c.dokumentobjekt(fmt.Sprintf("%s/dokumentobjekt[%d]", p, j+1), o)
		files++
	}
	isBasis := r.Type == TypeBasisregistrering || r.Type == TypeJournalpost || (inMappe && r.Type == "")
	if isBasis {
		c.req(p, "tittel", r.Tittel)
		c.code(p, "dokumentmedium", r.Dokumentmedium, false)
		for i, mm := range r.Merknad {
			c.merknad(fmt.Sprintf("%s/merknad[%d]", p, i+1), mm)
		}
	} else if r.Tittel != "" {
		c.add(p, "a bare registrering has no tittel; give it xsi:type journalpost or basisregistrering")
	}
	if r.Type == TypeJournalpost {
		c.code(p, "journalposttype", r.Journalposttype, true)
		c.code(p, "journalstatus", r.Journalstatus, true)
		if r.Journaldato == nil {
			c.add(p+"/journaldato", "is required")
		}
		for i, k := range r.Korrespondansepart {
			kp := fmt.Sprintf("%s/korrespondansepart[%d]", p, i+1)
			c.code(kp, "korrespondanseparttype", k.Korrespondanseparttype, true)
			c.req(kp, "korrespondansepartNavn", k.KorrespondansepartNavn)
		}
		for i, a := range r.Avskrivning {
			ap := fmt.Sprintf("%s/avskrivning[%d]", p, i+1)
			c.req(ap, "avskrevetAv", a.AvskrevetAv)
			c.req(ap, "avskrivningsmaate", a.Avskrivningsmaate)
		}
	} else if r.Journalposttype != "" || r.Journaldato != nil || len(r.Korrespondansepart) > 0 {
		c.add(p, "has journalpost elements but no xsi:type journalpost")
	}
	return files
}

func (c *checker) dokumentobjekt(p string, o Dokumentobjekt) {
	if o.Versjonsnummer < 1 {
		c.add(p+"/versjonsnummer", "must be 1 or more")
	}
	c.code(p, "variantformat", o.Variantformat, true)
	c.time(p, "opprettetDato", o.OpprettetDato.Time)
	c.req(p, "referanseDokumentfil", o.ReferanseDokumentfil)
}

func (c *checker) skjerming(p string, s *Skjerming) {
	if s == nil {
		return
	}
	p += "/skjerming"
	c.req(p, "tilgangsrestriksjon", s.Tilgangsrestriksjon)
	c.req(p, "skjermingshjemmel", s.Skjermingshjemmel)
	if len(s.SkjermingMetadata) == 0 {
		c.add(p+"/skjermingMetadata", "at least one is required")
	}
}

func (c *checker) gradering(p string, g *Gradering) {
	if g == nil {
		return
	}
	p += "/gradering"
	c.code(p, "gradering", g.Grad, true)
	c.time(p, "graderingsdato", g.Graderingsdato.Time)
	c.req(p, "gradertAv", g.GradertAv)
}

func (c *checker) merknad(p string, m Merknad) {
	c.req(p, "merknadstekst", m.Merknadstekst)
	c.time(p, "merknadsdato", m.Merknadsdato.Time)
	c.req(p, "merknadRegistrertAv", m.MerknadRegistrertAv)
}

// wire is the root as written: it declares the namespaces.
type wire struct {
	XMLName xml.Name `xml:"arkivmelding"`
	Xmlns   string   `xml:"xmlns,attr"`
	Xsi     string   `xml:"xmlns:xsi,attr"`
	Arkivmelding
}

// Marshal validates the message and writes it as UTF-8 XML with the declaration.
func (a *Arkivmelding) Marshal() ([]byte, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return marshal(a)
}

func marshal(a *Arkivmelding) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	e := xml.NewEncoder(&buf)
	e.Indent("", "  ")
	w := wire{Xmlns: Namespace, Xsi: xsiNS, Arkivmelding: *a}
	w.Arkivmelding.XMLName = xml.Name{}
	if err := e.Encode(w); err != nil {
		return nil, fmt.Errorf("arkivmelding: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// MaxSize is the largest message Parse reads (the metadata only: files travel beside it).
const MaxSize = 16 << 20

// ErrTooLarge is matched (errors.Is) by the *ParseError for a message over MaxSize.
var ErrTooLarge = xmlin.ErrTooLarge

// ParseError is a message that could not be read.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("arkivmelding: line %d: %v", e.Line, e.Err)
	}
	return "arkivmelding: " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads an arkivmelding. It refuses a DOCTYPE (so no entity expansion), input over
// MaxSize, nesting deeper than the schema allows and a root that is not arkivmelding in
// its namespace. The result is not validated: call Validate.
func Parse(r io.Reader) (*Arkivmelding, error) {
	lr := &limitReader{r: xmlin.NewReader(r), n: MaxSize}
	raw := xml.NewDecoder(lr)
	raw.Strict = true
	raw.CharsetReader = xmlin.CharsetReader
	d := xml.NewTokenDecoder(&xmlin.DepthReader{D: raw, Max: maxDepth})
	fail := func(err error) (*Arkivmelding, error) {
		if lr.over {
			return nil, &ParseError{Err: fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, MaxSize)}
		}
		line, _ := raw.InputPos()
		return nil, &ParseError{Line: line, Err: err}
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, &ParseError{Err: errors.New("no arkivmelding element")}
		}
		if err != nil {
			return fail(err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			if t.Name.Local != "arkivmelding" || t.Name.Space != Namespace {
				return nil, &ParseError{Err: fmt.Errorf("root is {%s}%s, want {%s}arkivmelding", t.Name.Space, t.Name.Local, Namespace)}
			}
			var am Arkivmelding
			if err := d.DecodeElement(&am, &t); err != nil {
				return fail(err)
			}
			return &am, nil
		}
	}
}

// maxDepth is deeper than any arkivmelding needs (mapper nest, but not without end).
const maxDepth = 64

// depthReader passes tokens on, refusing a DOCTYPE and deep nesting.
type limitReader struct {
	r    io.Reader
	n    int64
	over bool
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		l.over = true
		return 0, errors.New("input too large")
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
