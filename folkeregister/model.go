package folkeregister

import (
	"bytes"
	"encoding/json"
)

// The person document as Skatteetaten's OpenAPI "Folkeregisteret - offentlig med hjemmel"
// v1.5 defines it (schemas folkeregisteret.tilgjengeliggjoering.person.v1.*): every type
// below is one schema, every field one property, with the schema's JSON name, type and
// cardinality. TestModelMatchesFREG walks the whole tree against the OpenAPI document and
// fails on any difference, either way. Unknown elements are ignored when decoding.

// Person is a Folkeregister person document (schema Folkeregisterperson). Nearly every
// information element is a list: without part=historikk it holds the current (gjeldende)
// value; with it also the history. Doedsfall and FalskIdentitet are single objects. The
// Gjeldende* methods pick the current value.
//
// Which elements are filled depends on the parts requested and what the role allows; an
// empty list means "not returned", which is not the same as "the person has none".
type Person struct {
	Identifikasjonsnummer                        []Identifikasjonsnummer          `json:"identifikasjonsnummer,omitempty"`
	Status                                       []Personstatus                   `json:"status,omitempty"`
	Navn                                         []Navn                           `json:"navn,omitempty"`
	Foedsel                                      []Foedsel                        `json:"foedsel,omitempty"`
	FoedselINorge                                []FoedselINorge                  `json:"foedselINorge,omitempty"`
	Kjoenn                                       []Kjoenn                         `json:"kjoenn,omitempty"`
	Doedsfall                                    *Doedsfall                       `json:"doedsfall,omitempty"`
	Sivilstand                                   []Sivilstand                     `json:"sivilstand,omitempty"`
	Statsborgerskap                              []Statsborgerskap                `json:"statsborgerskap,omitempty"`
	Bibehold                                     []BibeholdAvNorskStatsborgerskap `json:"bibehold,omitempty"`
	Bostedsadresse                               []Bostedsadresse                 `json:"bostedsadresse,omitempty"`
	DeltBosted                                   []DeltBosted                     `json:"deltBosted,omitempty"`
	Oppholdsadresse                              []Oppholdsadresse                `json:"oppholdsadresse,omitempty"`
	Postadresse                                  []Postadresse                    `json:"postadresse,omitempty"`
	PostadresseIUtlandet                         []PostadresseIUtlandet           `json:"postadresseIUtlandet,omitempty"`
	PreferertKontaktadresse                      []PreferertKontaktadresse        `json:"preferertKontaktadresse,omitempty"`
	Adressebeskyttelse                           []Adressebeskyttelse             `json:"adressebeskyttelse,omitempty"`
	Familierelasjon                              []Familierelasjon                `json:"familierelasjon,omitempty"`
	Foreldreansvar                               []Foreldreansvar                 `json:"foreldreansvar,omitempty"`
	VergemaalEllerFremtidsfullmakt               []Vergemaal                      `json:"vergemaalEllerFremtidsfullmakt,omitempty"`
	Identitetsgrunnlag                           []Identitetsgrunnlag             `json:"identitetsgrunnlag,omitempty"`
	FalskIdentitet                               *FalskIdentitet                  `json:"falskIdentitet,omitempty"`
	Legitimasjonsdokument                        []Legitimasjonsdokument          `json:"legitimasjonsdokument,omitempty"`
	UtenlandskPersonidentifikasjon               []Personidentifikasjon           `json:"utenlandskPersonidentifikasjon,omitempty"`
	UtlendingsmyndighetenesIdentifikasjonsnummer []Personidentifikasjon           `json:"utlendingsmyndighetenesIdentifikasjonsnummer,omitempty"`
	Innflytting                                  []Innflytting                    `json:"innflytting,omitempty"`
	Utflytting                                   []Utflytting                     `json:"utflytting,omitempty"`
	Opphold                                      []Opphold                        `json:"opphold,omitempty"`
	OppholdPaaSvalbard                           []OppholdPaaSvalbard             `json:"oppholdPaaSvalbard,omitempty"`
	KontaktinformasjonForDoedsbo                 []KontaktinformasjonForDoedsbo   `json:"kontaktinformasjonForDoedsbo,omitempty"`
	ForholdTilSametingetsValgmanntall            []SametingetsValgmanntall        `json:"forholdTilSametingetsValgmanntall,omitempty"`
	BrukAvSamiskSpraak                           []SamiskSpraak                   `json:"brukAvSamiskSpraak,omitempty"`

	// ETag is the answer's entity tag, for PersonOptions.IfNoneMatch; not part of the
	// document.
	ETag string `json:"-"`
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
// ceased (schema Folkeregisteridentifikator).
type Identifikasjonsnummer struct {
	Registermetadata
	FoedselsEllerDNummer Identifikator `json:"foedselsEllerDNummer"`
	// Identifikatortype: "foedselsnummer" or "dNummer".
	Identifikatortype string `json:"identifikatortype"`
	// Status: "iBruk" or "opphoert".
	Status string `json:"status"`
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

// Personstatus is the person's registration status (bosatt, utflyttet, doed, ...; schema
// Folkeregisterpersonstatus).
type Personstatus struct {
	Registermetadata
	Status string `json:"status"`
}

// Navn is the person's name (schema Folkeregisterpersonnavn).
type Navn struct {
	Registermetadata
	Fornavn       string `json:"fornavn,omitempty"`
	Mellomnavn    string `json:"mellomnavn,omitempty"`
	Etternavn     string `json:"etternavn,omitempty"`
	ForkortetNavn string `json:"forkortetNavn,omitempty"`
	// OriginaltNavn is the name as written in the person's own alphabet or spelling.
	OriginaltNavn *Personnavn `json:"originaltNavn,omitempty"`
}

// Fullt returns "Fornavn Mellomnavn Etternavn" without empty parts.
func (n Navn) Fullt() string { return fullName(n.Fornavn, n.Mellomnavn, n.Etternavn) }

// Personnavn is a name without register metadata (a guardian's, a contact's).
type Personnavn struct {
	Fornavn    string `json:"fornavn,omitempty"`
	Mellomnavn string `json:"mellomnavn,omitempty"`
	Etternavn  string `json:"etternavn,omitempty"`
}

// Fullt returns "Fornavn Mellomnavn Etternavn" without empty parts.
func (n Personnavn) Fullt() string { return fullName(n.Fornavn, n.Mellomnavn, n.Etternavn) }

// Foedsel is birth information.
type Foedsel struct {
	Registermetadata
	Foedselsdato       Dato   `json:"foedselsdato,omitzero"`
	Foedselsaar        Tekst  `json:"foedselsaar,omitempty"`
	Foedested          string `json:"foedested,omitempty"`
	FoedekommuneINorge string `json:"foedekommuneINorge,omitempty"`
	Foedeland          string `json:"foedeland,omitempty"`
}

// FoedselINorge is the birth institution of a person born in Norway.
type FoedselINorge struct {
	Registermetadata
	Foedselsinstitusjonsnavn string `json:"foedselsinstitusjonsnavn,omitempty"`
	// Rekkefoelgenummer is the order of birth among twins and the like.
	Rekkefoelgenummer int64 `json:"rekkefoelgenummer,omitempty"`
}

// Kjoenn is "kvinne" or "mann" (schema Personkjoenn).
type Kjoenn struct {
	Registermetadata
	Kjoenn string `json:"kjoenn"`
}

// Doedsfall is the death of the person: one object in FREG's document, not a list.
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
	// Where the status was registered: a kommune, an authority, a place, a country.
	Kommune   string `json:"kommune,omitempty"`
	Myndighet string `json:"myndighet,omitempty"`
	Sted      string `json:"sted,omitempty"`
	Utland    string `json:"utland,omitempty"`
}

// Statsborgerskap is a citizenship (ISO 3166 alpha-3).
type Statsborgerskap struct {
	Registermetadata
	Statsborgerskap string `json:"statsborgerskap"`
	Ervervsdato     Dato   `json:"ervervsdato,omitzero"`
}

// BibeholdAvNorskStatsborgerskap is a decision to keep Norwegian citizenship.
type BibeholdAvNorskStatsborgerskap struct {
	Registermetadata
	Bibeholdstatus  string `json:"bibeholdstatus"`
	DatoForBibehold Dato   `json:"datoForBibehold,omitzero"`
}

// Bostedsadresse is the registered residential address.
type Bostedsadresse struct {
	Registermetadata
	Vegadresse       *Vegadresse       `json:"vegadresse,omitempty"`
	Matrikkeladresse *Matrikkeladresse `json:"matrikkeladresse,omitempty"`
	UkjentBosted     *UkjentBosted     `json:"ukjentBosted,omitempty"`
	Adressegradering Gradering         `json:"adressegradering"`
	Flyttedato       Dato              `json:"flyttedato,omitzero"`
	// The address's id in the Matrikkel, and of the nearest address for one without.
	AdresseIdentifikatorFraMatrikkelen     string `json:"adresseIdentifikatorFraMatrikkelen,omitempty"`
	NaerAdresseIdentifikatorFraMatrikkelen string `json:"naerAdresseIdentifikatorFraMatrikkelen,omitempty"`
	// The circuits the address belongs to.
	Grunnkrets  int64 `json:"grunnkrets,omitempty"`
	Kirkekrets  int64 `json:"kirkekrets,omitempty"`
	Skolekrets  int64 `json:"skolekrets,omitempty"`
	Stemmekrets int64 `json:"stemmekrets,omitempty"`
}

// DeltBosted is a child's second home under a shared-residence agreement.
type DeltBosted struct {
	Registermetadata
	Vegadresse                             *Vegadresse       `json:"vegadresse,omitempty"`
	Matrikkeladresse                       *Matrikkeladresse `json:"matrikkeladresse,omitempty"`
	UkjentBosted                           *UkjentBosted     `json:"ukjentBosted,omitempty"`
	Adressegradering                       Gradering         `json:"adressegradering"`
	StartdatoForKontrakt                   Dato              `json:"startdatoForKontrakt,omitzero"`
	SluttdatoForKontrakt                   Dato              `json:"sluttdatoForKontrakt,omitzero"`
	AdresseIdentifikatorFraMatrikkelen     string            `json:"adresseIdentifikatorFraMatrikkelen,omitempty"`
	NaerAdresseIdentifikatorFraMatrikkelen string            `json:"naerAdresseIdentifikatorFraMatrikkelen,omitempty"`
}

// Oppholdsadresse is where the person stays, when different from the bostedsadresse.
type Oppholdsadresse struct {
	Registermetadata
	Vegadresse                         *Vegadresse           `json:"vegadresse,omitempty"`
	Matrikkeladresse                   *Matrikkeladresse     `json:"matrikkeladresse,omitempty"`
	UtenlandskAdresse                  *InternasjonalAdresse `json:"utenlandskAdresse,omitempty"`
	AdressenErUkjent                   bool                  `json:"adressenErUkjent,omitempty"`
	OppholdAnnetSted                   string                `json:"oppholdAnnetSted,omitempty"`
	Adressegradering                   Gradering             `json:"adressegradering"`
	Oppholdsadressedato                Dato                  `json:"oppholdsadressedato,omitzero"`
	AdresseIdentifikatorFraMatrikkelen string                `json:"adresseIdentifikatorFraMatrikkelen,omitempty"`
}

// Postadresse is the postal (contact) address in Norway (schema Kontaktadresse).
type Postadresse struct {
	Registermetadata
	Adressegradering                   Gradering                `json:"adressegradering"`
	Postboksadresse                    *Postboksadresse         `json:"postboksadresse,omitempty"`
	Vegadresse                         *VegadresseForPost       `json:"vegadresse,omitempty"`
	PostadresseIFrittFormat            *PostadresseIFrittFormat `json:"postadresseIFrittFormat,omitempty"`
	AdresseIdentifikatorFraMatrikkelen string                   `json:"adresseIdentifikatorFraMatrikkelen,omitempty"`
}

// PostadresseIUtlandet is a postal address abroad (schema KontaktadresseIUtlandet).
type PostadresseIUtlandet struct {
	Registermetadata
	Adressegradering              Gradering                         `json:"adressegradering"`
	UtenlandskAdresse             *InternasjonalAdresse             `json:"utenlandskAdresse,omitempty"`
	UtenlandskAdresseIFrittFormat *InternasjonalAdresseIFrittFormat `json:"utenlandskAdresseIFrittFormat,omitempty"`
}

// PreferertKontaktadresse is the person's chosen contact address.
type PreferertKontaktadresse struct {
	Registermetadata
	Valg                       string               `json:"valg"`
	Adressegradering           Gradering            `json:"adressegradering,omitempty"`
	KontaktadresseIFrittFormat *AdresseIFrittFormat `json:"kontaktadresseIFrittFormat,omitempty"`
}

// Adressebeskyttelse is the person's address protection (schema GraderingAvAdresse). FREG
// returns it only for protected persons; see [Person.Beskyttelse].
type Adressebeskyttelse struct {
	Registermetadata
	Graderingsnivaa Gradering `json:"graderingsnivaa"`
}

// Vegadresse is a street address.
type Vegadresse struct {
	Kommunenummer       string         `json:"kommunenummer,omitempty"`
	Bruksenhetsnummer   string         `json:"bruksenhetsnummer,omitempty"`
	Bruksenhetstype     string         `json:"bruksenhetstype,omitempty"`
	Adressenavn         string         `json:"adressenavn,omitempty"`
	Adressenummer       *Adressenummer `json:"adressenummer,omitempty"`
	Adressekode         string         `json:"adressekode,omitempty"`
	Adressetilleggsnavn string         `json:"adressetilleggsnavn,omitempty"`
	Poststed            *Poststed      `json:"poststed,omitempty"`
	CoAdressenavn       string         `json:"coAdressenavn,omitempty"`
}

// VegadresseForPost is a street address used as postal address (no kommune).
type VegadresseForPost struct {
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
	Bruksenhetstype     string           `json:"bruksenhetstype,omitempty"`
	Matrikkelnummer     *Matrikkelnummer `json:"matrikkelnummer,omitempty"`
	Undernummer         int64            `json:"undernummer,omitempty"`
	Adressetilleggsnavn string           `json:"adressetilleggsnavn,omitempty"`
	Poststed            *Poststed        `json:"poststed,omitempty"`
	CoAdressenavn       string           `json:"coAdressenavn,omitempty"`
}

// Matrikkelnummer is kommune, gårds-, bruks- and festenummer.
type Matrikkelnummer struct {
	Kommunenummer string `json:"kommunenummer,omitempty"`
	Gaardsnummer  int64  `json:"gaardsnummer"`
	Bruksnummer   int64  `json:"bruksnummer"`
	Festenummer   int64  `json:"festenummer"`
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

// PostadresseIFrittFormat is a Norwegian postal address in free form: lines and a Poststed
// object. A poststed sent as a plain string (as some test data does) is read as the
// place's name.
type PostadresseIFrittFormat struct {
	Adresselinje []string  `json:"adresselinje,omitempty"`
	Poststed     *Poststed `json:"poststed,omitempty"`
}

// UnmarshalJSON accepts poststed as the Poststed object FREG defines or as a string.
func (f *PostadresseIFrittFormat) UnmarshalJSON(b []byte) error {
	var j struct {
		Adresselinje []string        `json:"adresselinje"`
		Poststed     json.RawMessage `json:"poststed"`
		// Postnummer beside a string poststed, in the same older test data.
		Postnummer string `json:"postnummer"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*f = PostadresseIFrittFormat{Adresselinje: j.Adresselinje}
	p := bytes.TrimSpace(j.Poststed)
	switch {
	case len(p) == 0 || string(p) == "null":
		if j.Postnummer != "" {
			f.Poststed = &Poststed{Postnummer: j.Postnummer}
		}
	case p[0] == '"':
		f.Poststed = &Poststed{Postnummer: j.Postnummer}
		return json.Unmarshal(p, &f.Poststed.Poststedsnavn)
	default:
		f.Poststed = &Poststed{}
		if err := json.Unmarshal(p, f.Poststed); err != nil {
			return err
		}
	}
	return nil
}

// AdresseIFrittFormat is a free-form address (the preferred contact address).
type AdresseIFrittFormat struct {
	Adresselinje []string `json:"adresselinje,omitempty"`
	Landkode     string   `json:"landkode,omitempty"`
}

// InternasjonalAdresseIFrittFormat is a free-form address abroad.
type InternasjonalAdresseIFrittFormat struct {
	Adresselinje     []string `json:"adresselinje,omitempty"`
	Postkode         string   `json:"postkode,omitempty"`
	ByEllerStedsnavn string   `json:"byEllerStedsnavn,omitempty"`
	Landkode         string   `json:"landkode"`
}

// InternasjonalAdresse is an address abroad.
type InternasjonalAdresse struct {
	CoAdressenavn    string `json:"coAdressenavn,omitempty"`
	Adressenavn      string `json:"adressenavn,omitempty"`
	Bygning          string `json:"bygning,omitempty"`
	Etasjenummer     string `json:"etasjenummer,omitempty"`
	Boenhet          string `json:"boenhet,omitempty"`
	Postboks         string `json:"postboks,omitempty"`
	Postkode         string `json:"postkode,omitempty"`
	ByEllerStedsnavn string `json:"byEllerStedsnavn,omitempty"`
	Distriktsnavn    string `json:"distriktsnavn,omitempty"`
	Region           string `json:"region,omitempty"`
	Landkode         string `json:"landkode"`
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
	RelatertPersonsRolle string        `json:"relatertPersonsRolle"`
	MinRolleForPerson    string        `json:"minRolleForPerson,omitempty"`
	// RelatertPersonUtenFolkeregisteridentifikator is a relative without a Norwegian
	// number.
	RelatertPersonUtenFolkeregisteridentifikator *RelatertBiPerson `json:"relatertPersonUtenFolkeregisteridentifikator,omitempty"`
}

// RelatertBiPerson is a related person without a Norwegian identity number.
type RelatertBiPerson struct {
	Navn            *Personnavn `json:"navn,omitempty"`
	Foedselsdato    Dato        `json:"foedselsdato,omitzero"`
	Kjoenn          string      `json:"kjoenn,omitempty"`
	Statsborgerskap string      `json:"statsborgerskap,omitempty"`
}

// Foreldreansvar is parental responsibility: Ansvarlig has it for Ansvarssubjekt.
type Foreldreansvar struct {
	Registermetadata
	// Ansvar: felles, mor, far, medmor, andre, ukjent.
	Ansvar                          string            `json:"ansvar"`
	Ansvarlig                       Identifikator     `json:"ansvarlig,omitzero"`
	AnsvarligOrganisasjon           string            `json:"ansvarligOrganisasjon,omitempty"`
	AnsvarligUtenIdentifikator      *RelatertBiPerson `json:"ansvarligUtenIdentifikator,omitempty"`
	Ansvarssubjekt                  Identifikator     `json:"ansvarssubjekt,omitzero"`
	AnsvarssubjektUtenIdentifikator *RelatertBiPerson `json:"ansvarssubjektUtenIdentifikator,omitempty"`
}

// Vergemaal is guardianship or a lasting power of attorney (schema
// VergemaalRepresentasjonEllerFremtidsfullmakt).
type Vergemaal struct {
	Registermetadata
	Vergemaaltype string `json:"vergemaaltype,omitempty"`
	Embete        string `json:"embete,omitempty"`
	Verge         *Verge `json:"verge,omitempty"`
}

// Verge is the guardian (schema VergeRepresentantEllerFullmektig).
type Verge struct {
	Navn                            *Personnavn   `json:"navn,omitempty"`
	FoedselsEllerDNummer            Identifikator `json:"foedselsEllerDNummer,omitzero"`
	Omfang                          string        `json:"omfang,omitempty"`
	OmfangetErInnenPersonligOmraade bool          `json:"omfangetErInnenPersonligOmraade,omitempty"`
}

// Identitetsgrunnlag says whether the identity is verified ("kontrollert").
type Identitetsgrunnlag struct {
	Registermetadata
	Identitetsgrunnlagstatus string `json:"identitetsgrunnlagstatus"`
}

// IdentitetsgrunnlagEndring is Identitetsgrunnlag as an event document holds it: the
// event schema names the status legitimasjonskontroll.
type IdentitetsgrunnlagEndring struct {
	Registermetadata
	// Legitimasjonskontroll: ingenStatus, ikkeKontrollert or kontrollert.
	Legitimasjonskontroll string `json:"legitimasjonskontroll"`
}

// UnmarshalJSON reads legitimasjonskontroll (the OpenAPI's name) or
// identitetsgrunnlagstatus (the name in Skatteetaten's own examples of event documents,
// hendelsesliste.md).
func (i *IdentitetsgrunnlagEndring) UnmarshalJSON(b []byte) error {
	type plain IdentitetsgrunnlagEndring
	var j struct {
		plain
		Identitetsgrunnlagstatus string `json:"identitetsgrunnlagstatus"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*i = IdentitetsgrunnlagEndring(j.plain)
	if i.Legitimasjonskontroll == "" {
		i.Legitimasjonskontroll = j.Identitetsgrunnlagstatus
	}
	return nil
}

// FalskIdentitet marks a false identity: one object in FREG's document.
type FalskIdentitet struct {
	Registermetadata
	ErFalsk                               bool                        `json:"erFalsk"`
	RettIdentitetErUkjent                 bool                        `json:"rettIdentitetErUkjent,omitempty"`
	RettIdentitetVedIdentifikasjonsnummer Identifikator               `json:"rettIdentitetVedIdentifikasjonsnummer,omitzero"`
	RettIdentitetVedOpplysninger          *IdentifiserendeInformasjon `json:"rettIdentitetVedOpplysninger,omitempty"`
}

// IdentifiserendeInformasjon identifies a person by name, birth and citizenship.
type IdentifiserendeInformasjon struct {
	Personnavn      *Personnavn `json:"personnavn,omitempty"`
	Foedselsdato    Dato        `json:"foedselsdato,omitzero"`
	Kjoenn          string      `json:"kjoenn,omitempty"`
	Statsborgerskap []string    `json:"statsborgerskap,omitempty"`
}

// Legitimasjonsdokument is an identity document the identity was established with
// (schema Identifikasjonsdokument). Its number is personal data and prints masked.
type Legitimasjonsdokument struct {
	Registermetadata
	Identifikasjonsdokumenttype   string                   `json:"identifikasjonsdokumenttype"`
	Identifikasjonsdokumentnummer Identifikator            `json:"identifikasjonsdokumentnummer,omitzero"`
	Utstederland                  string                   `json:"utstederland"`
	Utstedernavn                  string                   `json:"utstedernavn,omitempty"`
	GyldigFra                     Dato                     `json:"gyldigFra,omitzero"`
	GyldigTil                     Dato                     `json:"gyldigTil,omitzero"`
	Dokumentkontroll              *TekniskDokumentkontroll `json:"dokumentkontroll,omitempty"`
}

// TekniskDokumentkontroll is the result of a technical check of a document.
type TekniskDokumentkontroll struct {
	Dokumentkontrollstatus    string    `json:"dokumentkontrollstatus"`
	Dokumentkontrolltidspunkt Tidspunkt `json:"dokumentkontrolltidspunkt,omitzero"`
}

// Personidentifikasjon is a foreign identity number, or the immigration authorities' one
// (DUF). It prints masked.
type Personidentifikasjon struct {
	Registermetadata
	Identifikasjonsnummer     Identifikator `json:"identifikasjonsnummer"`
	Identifikasjonsnummertype string        `json:"identifikasjonsnummertype"`
	Utstederland              string        `json:"utstederland"`
}

// Innflytting is a move to Norway (schema InnflyttingTilNorge).
type Innflytting struct {
	Registermetadata
	Fraflyttingsland          string `json:"fraflyttingsland,omitempty"`
	FraflyttingsstedIUtlandet string `json:"fraflyttingsstedIUtlandet,omitempty"`
}

// Utflytting is a move out of Norway (schema UtflyttingFraNorge).
type Utflytting struct {
	Registermetadata
	Tilflyttingsland          string `json:"tilflyttingsland,omitempty"`
	TilflyttingsstedIUtlandet string `json:"tilflyttingsstedIUtlandet,omitempty"`
	Utflyttingsdato           Dato   `json:"utflyttingsdato,omitzero"`
}

// Opphold is a residence permit.
type Opphold struct {
	Registermetadata
	Oppholdstillatelse string `json:"oppholdstillatelse"`
	OppholdFra         Dato   `json:"oppholdFra,omitzero"`
	OppholdTil         Dato   `json:"oppholdTil,omitzero"`
}

// OppholdPaaSvalbard is a stay on Svalbard.
type OppholdPaaSvalbard struct {
	Registermetadata
	Startdato                 Dato   `json:"startdato,omitzero"`
	Sluttdato                 Dato   `json:"sluttdato,omitzero"`
	AntattOppholdsvarighet    string `json:"antattOppholdsvarighet"`
	AntallTidligereOpphold    int64  `json:"antallTidligereOpphold,omitempty"`
	Fraflyttingskommunenummer string `json:"fraflyttingskommunenummer,omitempty"`
	Fraflyttingsland          string `json:"fraflyttingsland,omitempty"`
}

// KontaktinformasjonForDoedsbo is the estate's contact after a death: a person, a lawyer
// or an organisation, and the address to write to.
type KontaktinformasjonForDoedsbo struct {
	Registermetadata
	Skifteform            string                    `json:"skifteform"`
	Attestutstedelsesdato Dato                      `json:"attestutstedelsesdato,omitzero"`
	Adresse               *KontaktadresseForDoedsbo `json:"adresse,omitempty"`
	Person                *PersonSomKontakt         `json:"person,omitempty"`
	Advokat               *AdvokatSomKontakt        `json:"advokat,omitempty"`
	Organisasjon          *OrganisasjonSomKontakt   `json:"organisasjon,omitempty"`
}

// KontaktadresseForDoedsbo is the estate's postal address.
type KontaktadresseForDoedsbo struct {
	Adresselinje  []string `json:"adresselinje"`
	Postnummer    string   `json:"postnummer"`
	Poststedsnavn string   `json:"poststedsnavn"`
	Landkode      string   `json:"landkode,omitempty"`
}

// PersonSomKontakt is a person as the estate's contact.
type PersonSomKontakt struct {
	FoedselsEllerDNummer Identifikator `json:"foedselsEllerDNummer,omitzero"`
	Foedselsdato         Dato          `json:"foedselsdato,omitzero"`
	Personnavn           *Personnavn   `json:"personnavn,omitempty"`
}

// AdvokatSomKontakt is a lawyer as the estate's contact.
type AdvokatSomKontakt struct {
	Personnavn          *Personnavn `json:"personnavn,omitempty"`
	Organisasjonsnavn   string      `json:"organisasjonsnavn,omitempty"`
	Organisasjonsnummer string      `json:"organisasjonsnummer,omitempty"`
}

// OrganisasjonSomKontakt is an organisation as the estate's contact.
type OrganisasjonSomKontakt struct {
	Organisasjonsnavn   string      `json:"organisasjonsnavn"`
	Organisasjonsnummer string      `json:"organisasjonsnummer,omitempty"`
	Kontaktpersonnavn   *Personnavn `json:"kontaktpersonnavn,omitempty"`
}

// SametingetsValgmanntall is the person's relation to the Sami parliament's electoral roll.
type SametingetsValgmanntall struct {
	Registermetadata
	Forhold     string `json:"forhold"`
	Vedtaksdato Dato   `json:"vedtaksdato,omitzero"`
}

// SamiskSpraak is the Sami languages the person uses with public bodies.
type SamiskSpraak struct {
	Registermetadata
	Spraak []string `json:"spraak"`
}
