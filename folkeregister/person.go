package folkeregister

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/mask"
	"github.com/fellesklient/fellesklient/internal/xsdate"
)

// Person is a Folkeregister person document (Folkeregisterperson in Skatteetaten's
// PersondokumentMedHistorikk contract, JSON form). Every information element is a list:
// without part=historikk it holds the current (gjeldende) value; with it also the history.
// The Gjeldende* methods pick the current value.
//
// Which lists are filled depends on the parts requested and what the role allows; an empty
// list means "not returned", which is not the same as "the person has none". Elements this
// type does not model are ignored when decoding.
type Person struct {
	Identifikasjonsnummer          []Identifikasjonsnummer   `json:"identifikasjonsnummer,omitempty"`
	Status                         []Personstatus            `json:"status,omitempty"`
	Navn                           []Navn                    `json:"navn,omitempty"`
	Foedsel                        []Foedsel                 `json:"foedsel,omitempty"`
	Kjoenn                         []Kjoenn                  `json:"kjoenn,omitempty"`
	Doedsfall                      []Doedsfall               `json:"doedsfall,omitempty"`
	Sivilstand                     []Sivilstand              `json:"sivilstand,omitempty"`
	Statsborgerskap                []Statsborgerskap         `json:"statsborgerskap,omitempty"`
	Bostedsadresse                 []Bostedsadresse          `json:"bostedsadresse,omitempty"`
	DeltBosted                     []Bostedsadresse          `json:"deltBosted,omitempty"`
	Oppholdsadresse                []Oppholdsadresse         `json:"oppholdsadresse,omitempty"`
	Postadresse                    []Postadresse             `json:"postadresse,omitempty"`
	PostadresseIUtlandet           []PostadresseIUtlandet    `json:"postadresseIUtlandet,omitempty"`
	Adressebeskyttelse             []Adressebeskyttelse      `json:"adressebeskyttelse,omitempty"`
	Familierelasjon                []Familierelasjon         `json:"familierelasjon,omitempty"`
	Foreldreansvar                 []Foreldreansvar          `json:"foreldreansvar,omitempty"`
	VergemaalEllerFremtidsfullmakt []Vergemaal               `json:"vergemaalEllerFremtidsfullmakt,omitempty"`
	Identitetsgrunnlag             []Identitetsgrunnlag      `json:"identitetsgrunnlag,omitempty"`
	FalskIdentitet                 *FalskIdentitet           `json:"falskIdentitet,omitempty"`
	PreferertKontaktadresse        []PreferertKontaktadresse `json:"preferertKontaktadresse,omitempty"`
}

// Registermetadata is carried by every information element.
type Registermetadata struct {
	Ajourholdstidspunkt Tidspunkt `json:"ajourholdstidspunkt,omitzero"`
	ErGjeldende         bool      `json:"erGjeldende"`
	Kilde               string    `json:"kilde,omitempty"`
	Aarsak              string    `json:"aarsak,omitempty"`
	Gyldighetstidspunkt Tidspunkt `json:"gyldighetstidspunkt,omitzero"`
	Opphoerstidspunkt   Tidspunkt `json:"opphoerstidspunkt,omitzero"`
}

func (m Registermetadata) gjeldende() bool { return m.ErGjeldende }

// Identifikasjonsnummer is one of the person's fødselsnummer or D-nummer, current or
// ceased.
type Identifikasjonsnummer struct {
	Registermetadata
	FoedselsEllerDNummer Identifikator `json:"foedselsEllerDNummer"`
	// Identifikatortype: "foedselsnummer" or "dNummer".
	Identifikatortype string `json:"identifikatortype,omitempty"`
	// Status: "iBruk" or "opphoert".
	Status string `json:"status,omitempty"`
}

// Personstatus values.
const (
	StatusBosatt             = "bosatt"
	StatusUtflyttet          = "utflyttet"
	StatusForsvunnet         = "forsvunnet"
	StatusDoed               = "doed"
	StatusOpphoert           = "opphoert"
	StatusFoedselsregistrert = "foedselsregistrert"
	StatusMidlertidig        = "midlertidig"
	StatusInaktiv            = "inaktiv"
	StatusIkkeBosatt         = "ikkeBosatt"
	StatusAktiv              = "aktiv"
)

// Personstatus is the person's registration status (bosatt, utflyttet, doed, ...).
type Personstatus struct {
	Registermetadata
	Status string `json:"status"`
}

// Navn is the person's name.
type Navn struct {
	Registermetadata
	Fornavn       string `json:"fornavn,omitempty"`
	Mellomnavn    string `json:"mellomnavn,omitempty"`
	Etternavn     string `json:"etternavn,omitempty"`
	ForkortetNavn string `json:"forkortetNavn,omitempty"`
}

// Fullt returns "Fornavn Mellomnavn Etternavn" without empty parts.
func (n Navn) Fullt() string {
	return strings.Join(nonEmpty(n.Fornavn, n.Mellomnavn, n.Etternavn), " ")
}

// Foedsel is birth information.
type Foedsel struct {
	Registermetadata
	Foedselsdato       Dato   `json:"foedselsdato,omitzero"`
	Foedselsaar        Tekst  `json:"foedselsaar,omitempty"`
	Foedested          string `json:"foedested,omitempty"`
	FoedekommuneINorge string `json:"foedekommuneINorge,omitempty"`
	Foedeland          string `json:"foedeland,omitempty"`
}

// Kjoenn is "kvinne" or "mann".
type Kjoenn struct {
	Registermetadata
	Kjoenn string `json:"kjoenn"`
}

// Doedsfall is the date of death.
type Doedsfall struct {
	Registermetadata
	Doedsdato Dato `json:"doedsdato,omitzero"`
}

// Sivilstand is marital status; RelatertVedSivilstand is the spouse or partner.
type Sivilstand struct {
	Registermetadata
	Sivilstand            string        `json:"sivilstand"`
	Sivilstandsdato       Dato          `json:"sivilstandsdato,omitzero"`
	RelatertVedSivilstand Identifikator `json:"relatertVedSivilstand,omitzero"`
}

// Statsborgerskap is a citizenship (ISO 3166 alpha-3).
type Statsborgerskap struct {
	Registermetadata
	Statsborgerskap string `json:"statsborgerskap"`
	Ervervsdato     Dato   `json:"ervervsdato,omitzero"`
}

// Bostedsadresse is the registered residential address (also used for deltBosted).
type Bostedsadresse struct {
	Registermetadata
	Vegadresse       *Vegadresse       `json:"vegadresse,omitempty"`
	Matrikkeladresse *Matrikkeladresse `json:"matrikkeladresse,omitempty"`
	UkjentBosted     *UkjentBosted     `json:"ukjentBosted,omitempty"`
	Adressegradering Gradering         `json:"adressegradering,omitempty"`
	Flyttedato       Dato              `json:"flyttedato,omitzero"`
}

// Oppholdsadresse is where the person stays, when different from the bostedsadresse.
type Oppholdsadresse struct {
	Registermetadata
	Vegadresse          *Vegadresse           `json:"vegadresse,omitempty"`
	Matrikkeladresse    *Matrikkeladresse     `json:"matrikkeladresse,omitempty"`
	UtenlandskAdresse   *InternasjonalAdresse `json:"utenlandskAdresse,omitempty"`
	AdressenErUkjent    bool                  `json:"adressenErUkjent,omitempty"`
	Adressegradering    Gradering             `json:"adressegradering,omitempty"`
	Oppholdsadressedato Dato                  `json:"oppholdsadressedato,omitzero"`
}

// Postadresse is the postal (contact) address in Norway.
type Postadresse struct {
	Registermetadata
	Adressegradering        Gradering        `json:"adressegradering,omitempty"`
	Postboksadresse         *Postboksadresse `json:"postboksadresse,omitempty"`
	Vegadresse              *Vegadresse      `json:"vegadresse,omitempty"`
	PostadresseIFrittFormat *FrittFormat     `json:"postadresseIFrittFormat,omitempty"`
}

// PostadresseIUtlandet is a postal address abroad.
type PostadresseIUtlandet struct {
	Registermetadata
	Adressegradering              Gradering             `json:"adressegradering,omitempty"`
	UtenlandskAdresse             *InternasjonalAdresse `json:"utenlandskAdresse,omitempty"`
	UtenlandskAdresseIFrittFormat *FrittFormat          `json:"utenlandskAdresseIFrittFormat,omitempty"`
}

// PreferertKontaktadresse is the person's chosen contact address.
type PreferertKontaktadresse struct {
	Registermetadata
	Valg                       string       `json:"valg,omitempty"`
	Adressegradering           Gradering    `json:"adressegradering,omitempty"`
	KontaktadresseIFrittFormat *FrittFormat `json:"kontaktadresseIFrittFormat,omitempty"`
}

// Adressebeskyttelse is the person's address protection (graderingsnivaa). FREG returns it
// only for protected persons; see [Person.Beskyttelse].
type Adressebeskyttelse struct {
	Registermetadata
	Graderingsnivaa Gradering `json:"graderingsnivaa"`
}

// Vegadresse is a street address.
type Vegadresse struct {
	Kommunenummer       string         `json:"kommunenummer,omitempty"`
	Bruksenhetsnummer   string         `json:"bruksenhetsnummer,omitempty"`
	Adressenavn         string         `json:"adressenavn,omitempty"`
	Adressenummer       *Adressenummer `json:"adressenummer,omitempty"`
	Adressekode         string         `json:"adressekode,omitempty"`
	Adressetilleggsnavn string         `json:"adressetilleggsnavn,omitempty"`
	Poststed            *Poststed      `json:"poststed,omitempty"`
	CoAdressenavn       string         `json:"coAdressenavn,omitempty"`
}

// Adressenummer is house number and letter.
type Adressenummer struct {
	Husnummer  Tekst  `json:"husnummer,omitempty"`
	Husbokstav string `json:"husbokstav,omitempty"`
}

// Poststed is a postal code and place.
type Poststed struct {
	Poststedsnavn string `json:"poststedsnavn,omitempty"`
	Postnummer    string `json:"postnummer,omitempty"`
}

// Matrikkeladresse is an address by cadastral number.
type Matrikkeladresse struct {
	Bruksenhetsnummer   string           `json:"bruksenhetsnummer,omitempty"`
	Matrikkelnummer     *Matrikkelnummer `json:"matrikkelnummer,omitempty"`
	Undernummer         int              `json:"undernummer,omitempty"`
	Adressetilleggsnavn string           `json:"adressetilleggsnavn,omitempty"`
	Poststed            *Poststed        `json:"poststed,omitempty"`
	CoAdressenavn       string           `json:"coAdressenavn,omitempty"`
}

// Matrikkelnummer is kommune, gårds-, bruks- and festenummer.
type Matrikkelnummer struct {
	Kommunenummer string `json:"kommunenummer,omitempty"`
	Gaardsnummer  int    `json:"gaardsnummer"`
	Bruksnummer   int    `json:"bruksnummer"`
	Festenummer   int    `json:"festenummer"`
}

// UkjentBosted is an unknown residence in a kommune.
type UkjentBosted struct {
	Bostedskommune string `json:"bostedskommune,omitempty"`
}

// Postboksadresse is a PO box.
type Postboksadresse struct {
	Postbokseier string    `json:"postbokseier,omitempty"`
	Postboks     string    `json:"postboks,omitempty"`
	Poststed     *Poststed `json:"poststed,omitempty"`
}

// FrittFormat is an address in free form. FREG gives the postal code and place either
// inside a Poststed object or as plain fields; both are accepted.
type FrittFormat struct {
	Adresselinje     []string `json:"adresselinje,omitempty"`
	Postnummer       string   `json:"postnummer,omitempty"`
	Poststed         string   `json:"-"`
	Postkode         string   `json:"postkode,omitempty"`
	ByEllerStedsnavn string   `json:"byEllerStedsnavn,omitempty"`
	Landkode         string   `json:"landkode,omitempty"`
}

type frittFormatJSON struct {
	Adresselinje     []string        `json:"adresselinje,omitempty"`
	Postnummer       string          `json:"postnummer,omitempty"`
	Poststed         json.RawMessage `json:"poststed,omitempty"`
	Postkode         string          `json:"postkode,omitempty"`
	ByEllerStedsnavn string          `json:"byEllerStedsnavn,omitempty"`
	Landkode         string          `json:"landkode,omitempty"`
}

// UnmarshalJSON accepts poststed as a string or as a Poststed object.
func (f *FrittFormat) UnmarshalJSON(b []byte) error {
	var j frittFormatJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = FrittFormat{Adresselinje: j.Adresselinje, Postnummer: j.Postnummer, Postkode: j.Postkode, ByEllerStedsnavn: j.ByEllerStedsnavn, Landkode: j.Landkode}
	p := bytes.TrimSpace(j.Poststed)
	switch {
	case len(p) == 0 || string(p) == "null":
	case p[0] == '"':
		return json.Unmarshal(p, &f.Poststed)
	default:
		var ps Poststed
		if err := json.Unmarshal(p, &ps); err != nil {
			return err
		}
		f.Poststed = ps.Poststedsnavn
		if f.Postnummer == "" {
			f.Postnummer = ps.Postnummer
		}
	}
	return nil
}

// MarshalJSON writes poststed as a string.
func (f FrittFormat) MarshalJSON() ([]byte, error) {
	j := frittFormatJSON{Adresselinje: f.Adresselinje, Postnummer: f.Postnummer, Postkode: f.Postkode, ByEllerStedsnavn: f.ByEllerStedsnavn, Landkode: f.Landkode}
	if f.Poststed != "" {
		j.Poststed, _ = json.Marshal(f.Poststed)
	}
	return json.Marshal(j)
}

// InternasjonalAdresse is an address abroad.
type InternasjonalAdresse struct {
	CoAdressenavn    string `json:"coAdressenavn,omitempty"`
	Adressenavn      string `json:"adressenavn,omitempty"`
	Bygning          string `json:"bygning,omitempty"`
	Postboks         string `json:"postboks,omitempty"`
	Postkode         string `json:"postkode,omitempty"`
	ByEllerStedsnavn string `json:"byEllerStedsnavn,omitempty"`
	Region           string `json:"region,omitempty"`
	Landkode         string `json:"landkode,omitempty"`
}

// Familierelasjon values of RelatertPersonsRolle and MinRolleForPerson.
const (
	RolleMor                   = "mor"
	RolleFar                   = "far"
	RolleMedmor                = "medmor"
	RolleBarn                  = "barn"
	RolleEktefelleEllerPartner = "ektefelleEllerPartner"
)

// Familierelasjon links the person to a parent, child or partner.
type Familierelasjon struct {
	Registermetadata
	RelatertPerson       Identifikator `json:"relatertPerson,omitzero"`
	RelatertPersonsRolle string        `json:"relatertPersonsRolle,omitempty"`
	MinRolleForPerson    string        `json:"minRolleForPerson,omitempty"`
}

// Foreldreansvar is parental responsibility.
type Foreldreansvar struct {
	Registermetadata
	Ansvar         string        `json:"ansvar,omitempty"`
	Ansvarlig      Identifikator `json:"ansvarlig,omitzero"`
	Ansvarssubjekt Identifikator `json:"ansvarssubjekt,omitzero"`
}

// Vergemaal is guardianship or a lasting power of attorney.
type Vergemaal struct {
	Registermetadata
	Vergemaaltype string `json:"vergemaaltype,omitempty"`
	Embete        string `json:"embete,omitempty"`
	Verge         *Verge `json:"verge,omitempty"`
}

// Verge is the guardian.
type Verge struct {
	Navn                 *Navn         `json:"navn,omitempty"`
	FoedselsEllerDNummer Identifikator `json:"foedselsEllerDNummer,omitzero"`
	Omfang               string        `json:"omfang,omitempty"`
}

// Identitetsgrunnlag says whether the identity is verified ("kontrollert").
type Identitetsgrunnlag struct {
	Registermetadata
	Identitetsgrunnlagstatus string `json:"identitetsgrunnlagstatus,omitempty"`
}

// FalskIdentitet marks a false identity.
type FalskIdentitet struct {
	Registermetadata
	ErFalsk                               bool          `json:"erFalsk"`
	RettIdentitetErUkjent                 bool          `json:"rettIdentitetErUkjent,omitempty"`
	RettIdentitetVedIdentifikasjonsnummer Identifikator `json:"rettIdentitetVedIdentifikasjonsnummer,omitzero"`
}

// gjeldende returns the current element of a list: the first marked erGjeldende.
func gjeldende[T interface{ gjeldende() bool }](xs []T) (T, bool) {
	for _, x := range xs {
		if x.gjeldende() {
			return x, true
		}
	}
	var zero T
	return zero, false
}

// Identifikator returns the person's current fødselsnummer or D-nummer (status iBruk);
// the zero Identifikator when none was returned.
func (p *Person) Identifikator() Identifikator {
	for _, id := range p.Identifikasjonsnummer {
		if id.Status == "" || id.Status == "iBruk" {
			if id.ErGjeldende || len(p.Identifikasjonsnummer) == 1 {
				return id.FoedselsEllerDNummer
			}
		}
	}
	return Identifikator{}
}

// GjeldendeNavn returns the current name.
func (p *Person) GjeldendeNavn() (Navn, bool) { return gjeldende(p.Navn) }

// GjeldendeStatus returns the current status (StatusBosatt, ...), or "".
func (p *Person) GjeldendeStatus() string {
	s, _ := gjeldende(p.Status)
	return s.Status
}

// GjeldendeBostedsadresse returns the current residential address.
func (p *Person) GjeldendeBostedsadresse() (Bostedsadresse, bool) {
	return gjeldende(p.Bostedsadresse)
}

// GjeldendePostadresse returns the current postal address in Norway.
func (p *Person) GjeldendePostadresse() (Postadresse, bool) { return gjeldende(p.Postadresse) }

// Foedselsdato returns the birth date from foedsel, or the zero Dato.
func (p *Person) Foedselsdato() Dato {
	f, _ := gjeldende(p.Foedsel)
	return f.Foedselsdato
}

// ErDoed reports whether the person is registered as dead.
func (p *Person) ErDoed() bool {
	return p.GjeldendeStatus() == StatusDoed || len(p.Doedsfall) > 0
}

// Beskyttelse returns the person's strongest current address protection, from
// adressebeskyttelse and from the adressegradering of every current address, and whether
// any of them was returned at all. When known is false the lookup did not include the
// information (ask for PartAdressebeskyttelse or person-basis) and the person must be
// treated as possibly protected.
//
// FREG returns adressebeskyttelse only for protected persons, so a person-basis lookup
// without it means Ugradert; Beskyttelse reports that as (Ugradert, true) only when an
// address with adressegradering "ugradert" was returned too.
func (p *Person) Beskyttelse() (g Gradering, known bool) {
	g = Ugradert
	add := func(x Gradering) {
		if x == "" {
			return
		}
		known = true
		if x.level() > g.level() {
			g = x
		}
	}
	for _, a := range p.Adressebeskyttelse {
		if a.ErGjeldende || len(p.Adressebeskyttelse) == 1 {
			add(a.Graderingsnivaa)
		}
	}
	for _, a := range p.Bostedsadresse {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	for _, a := range p.Oppholdsadresse {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	for _, a := range p.Postadresse {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	for _, a := range p.PostadresseIUtlandet {
		if a.ErGjeldende {
			add(a.Adressegradering)
		}
	}
	return g, known
}

// ErrAdressebeskyttet is matched by the error of [Person.Utsendingsadresse] for a person
// whose address must not be used or disclosed.
var ErrAdressebeskyttet = errors.New("folkeregister: the person's address is protected")

// BeskyttetError is returned instead of an address for a protected person.
type BeskyttetError struct {
	// Gradering is the protection found; "" when the protection is unknown.
	Gradering Gradering
}

func (e *BeskyttetError) Error() string {
	if e.Gradering == "" {
		return "folkeregister: the address protection is unknown (the lookup did not include it); no address is given"
	}
	return "folkeregister: the address is protected (" + string(e.Gradering) + "); no address is given"
}

// Is matches ErrAdressebeskyttet.
func (e *BeskyttetError) Is(target error) bool { return target == ErrAdressebeskyttet }

// Adresse is a postal address ready for a letter.
type Adresse struct {
	Adresselinjer []string
	Postnummer    string
	Poststed      string
	// Landkode is empty for Norway.
	Landkode string
}

// Utsendingsadresse returns the address to print a letter to: the current postadresse, else
// the current bostedsadresse. For a person with protection Fortrolig or StrengtFortrolig,
// or whose protection the lookup did not show, it returns a *BeskyttetError
// (errors.Is ErrAdressebeskyttet) and no address. A klientadresse is a service's address
// given for the person and is returned.
func (p *Person) Utsendingsadresse() (Adresse, error) {
	g, known := p.Beskyttelse()
	if !known {
		return Adresse{}, &BeskyttetError{}
	}
	if g.Beskyttet() && g != Klientadresse {
		return Adresse{}, &BeskyttetError{Gradering: g}
	}
	if pa, ok := p.GjeldendePostadresse(); ok {
		switch {
		case pa.PostadresseIFrittFormat != nil:
			f := pa.PostadresseIFrittFormat
			return Adresse{Adresselinjer: f.Adresselinje, Postnummer: f.Postnummer, Poststed: f.Poststed}, nil
		case pa.Vegadresse != nil:
			return vegAdresse(pa.Vegadresse), nil
		case pa.Postboksadresse != nil:
			b := pa.Postboksadresse
			a := Adresse{Adresselinjer: nonEmpty(b.Postbokseier, "Postboks "+b.Postboks)}
			if b.Poststed != nil {
				a.Postnummer, a.Poststed = b.Poststed.Postnummer, b.Poststed.Poststedsnavn
			}
			return a, nil
		}
	}
	if ba, ok := p.GjeldendeBostedsadresse(); ok {
		switch {
		case ba.Vegadresse != nil:
			return vegAdresse(ba.Vegadresse), nil
		case ba.Matrikkeladresse != nil && ba.Matrikkeladresse.Poststed != nil:
			m := ba.Matrikkeladresse
			return Adresse{Adresselinjer: nonEmpty(coLine(m.CoAdressenavn), m.Adressetilleggsnavn), Postnummer: m.Poststed.Postnummer, Poststed: m.Poststed.Poststedsnavn}, nil
		}
	}
	return Adresse{}, ErrNoAddress
}

// ErrNoAddress: the lookup returned no address a letter can go to.
var ErrNoAddress = errors.New("folkeregister: no postal address was returned")

func vegAdresse(v *Vegadresse) Adresse {
	line := v.Adressenavn
	if v.Adressenummer != nil {
		line = strings.TrimSpace(line + " " + string(v.Adressenummer.Husnummer) + v.Adressenummer.Husbokstav)
	}
	if v.Bruksenhetsnummer != "" {
		line += " " + v.Bruksenhetsnummer
	}
	a := Adresse{Adresselinjer: nonEmpty(coLine(v.CoAdressenavn), v.Adressetilleggsnavn, line)}
	if v.Poststed != nil {
		a.Postnummer, a.Poststed = v.Poststed.Postnummer, v.Poststed.Poststedsnavn
	}
	return a
}

func coLine(s string) string {
	if s == "" {
		return ""
	}
	return "c/o " + s
}

func nonEmpty(ss ...string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Gradering is an address protection level. Decoding normalises FREG's spellings
// ("strengtFortrolig", "STRENGT_FORTROLIG", "UGRADERT") to the constants; an unknown value
// is kept as it came and counts as the strongest protection.
type Gradering string

// Gradering values.
const (
	Ugradert         Gradering = "ugradert"
	Klientadresse    Gradering = "klientadresse"
	Fortrolig        Gradering = "fortrolig"
	StrengtFortrolig Gradering = "strengtFortrolig"
)

// UnmarshalText normalises the spelling.
func (g *Gradering) UnmarshalText(b []byte) error {
	*g = normaliseGradering(string(b))
	return nil
}

var graderingFold = strings.NewReplacer("_", "", "-", "", " ", "")

func normaliseGradering(s string) Gradering {
	switch Gradering(s) {
	case Ugradert, Klientadresse, Fortrolig, StrengtFortrolig:
		return Gradering(s)
	}
	k := strings.ToLower(graderingFold.Replace(s))
	switch k {
	case "ugradert":
		return Ugradert
	case "klientadresse":
		return Klientadresse
	case "fortrolig":
		return Fortrolig
	case "strengtfortrolig", "strengtfortroligutland":
		return StrengtFortrolig
	}
	return Gradering(s)
}

// Beskyttet reports whether g is anything but Ugradert (or empty).
func (g Gradering) Beskyttet() bool { return g != "" && g != Ugradert }

func (g Gradering) level() int {
	switch g {
	case "", Ugradert:
		return 0
	case Klientadresse:
		return 1
	case Fortrolig:
		return 2
	case StrengtFortrolig:
		return 3
	}
	return 4 // unknown: the strongest
}

// Identifikator is a fødselsnummer or D-nummer as the register gave it. It prints masked
// (birth date only) through String, every fmt verb, slog and JSON; the full value only
// through Unmasked. It is not validated, since the register is the authority on its own
// numbers; use Foedselsnummer to validate.
type Identifikator struct{ v string }

// NewIdentifikator wraps a number as given.
func NewIdentifikator(s string) Identifikator { return Identifikator{v: s} }

// IsZero reports whether no number is held.
func (i Identifikator) IsZero() bool { return i.v == "" }

// Unmasked returns the full number. Never log it.
func (i Identifikator) Unmasked() string { return i.v }

// Foedselsnummer validates the number.
func (i Identifikator) Foedselsnummer() (ident.Foedselsnummer, error) {
	return ident.ParseFoedselsnummer(i.v)
}

// String returns the masked form.
func (i Identifikator) String() string {
	return mask.Number(i.v)
}

// Format prints the masked form for every verb.
func (i Identifikator) Format(s fmt.State, _ rune) { _, _ = fmt.Fprint(s, i.String()) }

// GoString is the masked form.
func (i Identifikator) GoString() string { return "folkeregister.Identifikator(" + i.String() + ")" }

// LogValue makes slog print the masked form.
func (i Identifikator) LogValue() slog.Value { return slog.StringValue(i.String()) }

// MarshalText writes the masked form, as ident.Foedselsnummer does: a Person marshalled
// to JSON for a log or a screen carries no identity numbers.
func (i Identifikator) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// UnmarshalText takes the number as given.
func (i *Identifikator) UnmarshalText(b []byte) error {
	i.v = string(b)
	return nil
}

// Dato is a calendar date (xs:date, "2006-01-02"): the module's one date type, also
// noark5.Dato and einnsyn.Dato. A full timestamp is read as the date it is written in;
// "" and null are the zero Dato, which is written "".
type Dato = xsdate.Dato

// Tidspunkt is a timestamp (xs:dateTime, RFC 3339): the module's one timestamp type, also
// noark5.Tidspunkt. One without a zone is read as UTC and written back without one.
type Tidspunkt = xsdate.Tidspunkt

// Tekst is a text value that FREG sometimes sends as a JSON number (husnummer,
// foedselsaar); both decode.
type Tekst string

// UnmarshalJSON accepts a string or a number.
func (t *Tekst) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = ""
		return nil
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0:
		*t = Tekst(b[1 : len(b)-1])
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		*t = Tekst(s)
		return err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("folkeregister: want a string or number, got %.20s", b)
	}
	*t = Tekst(n.String())
	return nil
}
