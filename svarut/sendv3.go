package svarut

import (
	"cmp"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/internal/gen/svarut/sendv3"
)

// APIVersion selects a version of SvarUt's or SvarInn's API.
type APIVersion string

// The API versions. KS's version table (API-versjoner.md) marks SvarUt's Send and Status
// v3 and SvarInn V2 "Stabil", SvarUt Send and Status v2 "Erstattet" and SvarInn V1
// "Deprecated".
const (
	// V1 is SvarInn V1 (the mottaksservice): selectable for a Mottak.
	V1 APIVersion = "v1"
	// V2 is SvarUt REST v2 for a Client (selectable) and SvarInn V2 for a Mottak (the
	// default).
	V2 APIVersion = "v2"
	// V3 is SvarUt Send and Status v3, the default of a Client. SvarUt has no v3 of its
	// other APIs: the lookups, hendelser, metadata, lest, slett, typer and mottakersystem
	// calls use v2 with either.
	V3 APIVersion = "v3"
)

// Recipient kinds of SvarUt v3, each its own endpoint and schema.
const (
	kindPerson       = "person"       // PersonForsendelse: a fødselsnummer
	kindOrganisasjon = "organisasjon" // OrganisasjonForsendelse: an organisasjonsnummer
	kindPrint        = "print"        // PrintForsendelse: a postal address only
)

var kindName = map[string]string{
	kindPerson:       "a person (by fødselsnummer)",
	kindOrganisasjon: "an organisation (by organisasjonsnummer)",
	kindPrint:        "print (a recipient with no fødselsnummer or organisasjonsnummer)",
}

// v3Kind is the v3 endpoint for f's recipient: /person, /organisasjon or, without either
// number, /print.
func (f *Forsendelse) v3Kind() string {
	switch {
	case !f.Mottaker.Foedselsnummer.IsZero():
		return kindPerson
	case f.Mottaker.Organisasjonsnummer != "":
		return kindOrganisasjon
	}
	return kindPrint
}

var landkodeRE = regexp.MustCompile(`^[A-Z]{2}$`)

// landkode is the v3 landkode of a: Landkode, or Land when it is a code; "" for Norway.
func (a *Postadresse) landkode() (string, bool) {
	switch {
	case a.Landkode != "":
		return a.Landkode, landkodeRE.MatchString(a.Landkode)
	case a.norsk():
		return "", true
	}
	return a.Land, landkodeRE.MatchString(a.Land)
}

// validateV3 adds the rules of v3's schema for f's recipient kind to those validate
// checked: a field the kind's schema lacks is refused, not dropped, and so are values v3
// cannot carry.
func (f *Forsendelse) validateV3(kind string) error {
	only := func(field string, set bool, kinds ...string) error {
		for _, k := range kinds {
			if k == kind {
				return nil
			}
		}
		if !set {
			return nil
		}
		names := make([]string, len(kinds))
		for i, k := range kinds {
			names[i] = kindName[k]
		}
		return invalid(field, "SvarUt v3 takes it only for %s, and this forsendelse goes to %s (Options.APIVersion V2 takes it for any recipient)",
			strings.Join(names, " or "), kindName[kind])
	}
	const p, o = kindPerson, kindOrganisasjon
	for _, c := range []struct {
		field string
		set   bool
		kinds []string
	}{
		{"EksponertFor", len(f.EksponertFor) > 0, []string{p, o}},
		{"KunDigitalLevering", f.KunDigitalLevering, []string{p, o}},
		{"KrevNiva4Innlogging", f.KrevNiva4Innlogging, []string{p, o}},
		{"TaushetsbelagtPost", f.TaushetsbelagtPost, []string{o}},
		{"Forsendelsestype", f.Forsendelsestype != "", []string{o}},
		{"Metadata", f.Metadata != nil, []string{o}},
		{"MetadataForImport", f.MetadataForImport != nil, []string{o}},
		{"SvarPaForsendelseLink", f.SvarPaForsendelseLink, []string{p, o}},
		{"Lenker", len(f.Lenker) > 0, []string{p, o}},
		{"Signering", f.Signering != nil, []string{p}},
	} {
		if err := only(c.field, c.set, c.kinds...); err != nil {
			return err
		}
	}
	if u := f.Utskriftskonfigurasjon; u != nil && u.UtskriftMedFarger {
		return invalid("Utskriftskonfigurasjon.UtskriftMedFarger", "SvarUt v3 has no colour printing (utskriftMedFarger); only Options.APIVersion V2 takes it")
	}
	if s := f.Signering; s != nil && (s.Utloper.IsZero() || s.SignaturType == "") {
		return invalid("Signering", "SvarUt v3 requires both Utloper and SignaturType")
	}
	if err := v3Adresse("Mottaker", f.Mottaker.Navn, f.Mottaker.Postadresse); err != nil {
		return err
	}
	if t := f.SvarSendesTil; t != nil {
		if t.Foedselsnummer.IsZero() && t.Organisasjonsnummer == "" {
			return invalid("SvarSendesTil", "SvarUt v3 requires a fødselsnummer or an organisasjonsnummer for svarSendesTil (its digitalId)")
		}
		if err := v3Adresse("SvarSendesTil", t.Navn, t.Postadresse); err != nil {
			return err
		}
	}
	for i, l := range f.Lenker {
		field := fmt.Sprintf("Lenker[%d]", i)
		if err := firstErr(maxLen(field+".URL", l.URL, 1000), maxLen(field+".Tekst", l.Tekst, 100), maxLen(field+".Ledetekst", l.Ledetekst, 100)); err != nil {
			return err
		}
	}
	for i, d := range f.Dokumenter {
		field := fmt.Sprintf("Dokumenter[%d]", i)
		for _, c := range []struct {
			field string
			set   bool
			kinds []string
		}{
			{".SkalSigneres", d.SkalSigneres, []string{p}},
			{".SkalEkskluderesFraUtskrift", d.SkalEkskluderesFraUtskrift, []string{p, o}},
			{".DokumentType", d.DokumentType != "", []string{o}},
			{".EkstraMetadata", len(d.EkstraMetadata) > 0, []string{o}},
			{".InneholderPersonsensitivInformasjon", d.InneholderPersonsensitivInformasjon, []string{o}},
		} {
			if err := only(field+c.field, c.set, c.kinds...); err != nil {
				return err
			}
		}
		if len(d.GiroarkSider) > 1 {
			return invalid(field+".GiroarkSider", "SvarUt v3 takes one giro page (giroarkSide)")
		}
		if len(d.GiroarkSider) == 1 && d.GiroarkSider[0] < 1 {
			return invalid(field+".GiroarkSider", "pages are numbered from 1")
		}
		if kind == kindPrint && d.mimeType() != "application/pdf" {
			return invalid(field+".MimeType", "a letter sent to print takes only application/pdf")
		}
		if err := firstErr(maxLen(field+".MimeType", d.mimeType(), 127), maxLen(field+".DokumentType", d.DokumentType, 100)); err != nil {
			return err
		}
		if len(d.EkstraMetadata) > 20 {
			return invalid(field+".EkstraMetadata", "at most 20")
		}
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// v3Adresse checks a name and address against v3's Mottaker/Postadresse and Adresse:
// navn at most 100, adresselinje1 and poststed required, lines and poststed at most 70,
// postnummer at most 20, landkode ISO 3166-1 alpha-2.
func v3Adresse(field, navn string, a *Postadresse) error {
	if err := maxLen(field+".Navn", navn, 100); err != nil || a == nil {
		return err
	}
	if len(a.Adresselinjer) == 0 || strings.TrimSpace(a.Adresselinjer[0]) == "" || strings.TrimSpace(a.Poststed) == "" {
		return invalid(field+".Postadresse", "SvarUt v3 requires the first address line and Poststed of an address")
	}
	for i, l := range a.Adresselinjer {
		if err := maxLen(fmt.Sprintf("%s.Postadresse.Adresselinjer[%d]", field, i), l, 70); err != nil {
			return err
		}
	}
	if err := firstErr(maxLen(field+".Postadresse.Poststed", a.Poststed, 70), maxLen(field+".Postadresse.Postnummer", a.Postnummer, 20)); err != nil {
		return err
	}
	if _, ok := a.landkode(); !ok {
		return invalid(field+".Postadresse.Landkode", "SvarUt v3 takes the country as an ISO 3166-1 alpha-2 code (SE, DK), not %q", cmp.Or(a.Landkode, a.Land))
	}
	return nil
}

func (m *Mottaker) digitalID() string {
	if !m.Foedselsnummer.IsZero() {
		return m.Foedselsnummer.Unmasked()
	}
	return string(m.Organisasjonsnummer)
}

func adresseV3(a *Postadresse) *sendv3.Adresse {
	if a == nil {
		return nil
	}
	lines := append(append([]string{}, a.Adresselinjer...), "", "", "")
	kode, _ := a.landkode()
	return &sendv3.Adresse{Adresselinje1: lines[0], Adresselinje2: ptr(lines[1]), Adresselinje3: ptr(lines[2]),
		Postnummer: ptr(a.Postnummer), Poststed: a.Poststed, Landkode: ptr(kode)}
}

func metadataV3(ms []Metadata) *[]sendv3.Metadata {
	if len(ms) == 0 {
		return nil
	}
	out := make([]sendv3.Metadata, len(ms))
	for i, m := range ms {
		out[i] = sendv3.Metadata{Key: m.Key, Value: m.Value}
	}
	return &out
}

// sliceOf makes a slice of n for a generated optional list field (whose element type is
// an unnamed struct) and points the field at it.
func sliceOf[T any](field **[]T, n int) []T {
	s := make([]T, n)
	*field = &s
	return s
}

func giroarkSide(d *Dokument) *int32 {
	if len(d.GiroarkSider) == 0 {
		return nil
	}
	return &d.GiroarkSider[0]
}

// wireV3 converts f (validated by validate and validateV3) to the JSON of v3's schema for
// kind: PersonForsendelse, OrganisasjonForsendelse or PrintForsendelse.
func (f *Forsendelse) wireV3(kind string, kryptert bool) any {
	var svarPa *uuid.UUID
	if f.SvarPaForsendelse != "" {
		if u, err := uuid.Parse(f.SvarPaForsendelse); err == nil {
			svarPa = &u
		}
	}
	var utskrift *sendv3.Utskriftskonfigurasjon
	if u := f.Utskriftskonfigurasjon; u != nil && u.Tosidig {
		utskrift = &sendv3.Utskriftskonfigurasjon{Tosidig: ptr(u.Tosidig)}
	}
	var svarTil *sendv3.SvarSendesTil
	if t := f.SvarSendesTil; t != nil {
		typ := sendv3.PERSON
		if t.Organisasjonsnummer != "" {
			typ = sendv3.ORGANISASJON
		}
		svarTil = &sendv3.SvarSendesTil{Navn: t.Navn, Type: typ, DigitalId: t.digitalID(), Adresse: *adresseV3(t.Postadresse)}
	}
	var sikkerhetsniva *sendv3.Sikkerhetsniva
	if f.KrevNiva4Innlogging {
		s := sendv3.HOYESTE
		sikkerhetsniva = &s
	}
	var eksponert *[]string
	if len(f.EksponertFor) > 0 {
		ids := make([]string, len(f.EksponertFor))
		for i, t := range f.EksponertFor {
			ids[i] = string(t.Organisasjonsnummer)
			if !t.Foedselsnummer.IsZero() {
				ids[i] = t.Foedselsnummer.Unmasked()
			}
		}
		eksponert = &ids
	}
	var lenker *[]sendv3.Lenke
	if len(f.Lenker) > 0 {
		ls := make([]sendv3.Lenke, len(f.Lenker))
		for i, l := range f.Lenker {
			ls[i] = sendv3.Lenke{Url: l.URL, Tekst: l.Tekst, Ledetekst: ptr(l.Ledetekst)}
		}
		lenker = &ls
	}
	mottaker := sendv3.Mottaker{Navn: f.Mottaker.Navn, DigitalId: f.Mottaker.digitalID(), Adresse: adresseV3(f.Mottaker.Postadresse)}
	switch kind {
	case kindPerson:
		w := sendv3.PersonForsendelse{
			Tittel: f.Tittel, Mottaker: mottaker, EksponertFor: eksponert,
			AvgivendeSystem: ptr(f.AvgivendeSystem), AvgivendeSystemAktor: ptr(f.AvgivendeSystemAktor), Konteringskode: ptr(f.Konteringskode),
			KunDigitalLevering: ptr(f.KunDigitalLevering), Kryptert: ptr(kryptert), Utskriftskonfigurasjon: utskrift, Sikkerhetsniva: sikkerhetsniva,
			SvarSendesTil: svarTil, SvarPaForsendelseId: svarPa, Lenker: lenker, EksternReferanse: ptr(f.EksternReferanse),
			KanSvareViaEdialog: ptr(f.SvarPaForsendelseLink), Korrelasjonsid: ptr(f.Korrelasjonsid),
		}
		docs := sliceOf(&w.Dokumenter, len(f.Dokumenter))
		for i := range f.Dokumenter {
			d := &f.Dokumenter[i]
			docs[i].Filnavn, docs[i].MimeType, docs[i].GiroarkSide = d.Filnavn, d.mimeType(), giroarkSide(d)
			docs[i].SkalSigneres, docs[i].SkalEkskluderesFraUtskrift = ptr(d.SkalSigneres), ptr(d.SkalEkskluderesFraUtskrift)
		}
		if s := f.Signering; s != nil {
			w.Signering = &struct {
				SignaturType     sendv3.PersonForsendelseSigneringSignaturType `json:"signaturType"`
				SigneringUtloper time.Time                                     `json:"signeringUtloper"`
			}{sendv3.PersonForsendelseSigneringSignaturType(s.SignaturType), s.Utloper}
		}
		return w
	case kindOrganisasjon:
		w := sendv3.OrganisasjonForsendelse{
			Tittel: f.Tittel, Mottaker: mottaker, EksponertFor: eksponert,
			AvgivendeSystem: ptr(f.AvgivendeSystem), AvgivendeSystemAktor: ptr(f.AvgivendeSystemAktor), Konteringskode: ptr(f.Konteringskode),
			KunDigitalLevering: ptr(f.KunDigitalLevering), Kryptert: ptr(kryptert), Utskriftskonfigurasjon: utskrift, Sikkerhetsniva: sikkerhetsniva,
			SvarSendesTil: svarTil, SvarPaForsendelseId: svarPa, Lenker: lenker, EksternReferanse: ptr(f.EksternReferanse),
			KanSvareViaEdialog: ptr(f.SvarPaForsendelseLink), Korrelasjonsid: ptr(f.Korrelasjonsid),
			Forsendelsestype: ptr(f.Forsendelsestype), TaushetsbelagtPost: ptr(f.TaushetsbelagtPost),
			MetadataFraAvleverendeSystem: noarkV3(f.Metadata), MetadataForImport: importV3(f.MetadataForImport),
		}
		docs := sliceOf(&w.Dokumenter, len(f.Dokumenter))
		for i := range f.Dokumenter {
			d := &f.Dokumenter[i]
			docs[i].Filnavn, docs[i].MimeType, docs[i].GiroarkSide = d.Filnavn, d.mimeType(), giroarkSide(d)
			docs[i].SkalEkskluderesFraUtskrift, docs[i].DokumentType = ptr(d.SkalEkskluderesFraUtskrift), ptr(d.DokumentType)
			docs[i].EkstraMetadata, docs[i].InneholderPersonsensitivInformasjon = metadataV3(d.EkstraMetadata), ptr(d.InneholderPersonsensitivInformasjon)
		}
		return w
	}
	w := sendv3.PrintForsendelse{
		Tittel: f.Tittel, Mottaker: sendv3.Postadresse{Navn: f.Mottaker.Navn, Adresse: *adresseV3(f.Mottaker.Postadresse)},
		AvgivendeSystem: ptr(f.AvgivendeSystem), AvgivendeSystemAktor: ptr(f.AvgivendeSystemAktor), Konteringskode: ptr(f.Konteringskode),
		Kryptert: ptr(kryptert), Utskriftskonfigurasjon: utskrift, SvarSendesTil: svarTil, SvarPaForsendelseId: svarPa,
		EksternReferanse: ptr(f.EksternReferanse), Korrelasjonsid: ptr(f.Korrelasjonsid),
	}
	docs := sliceOf(&w.Dokumenter, len(f.Dokumenter))
	for i := range f.Dokumenter {
		d := &f.Dokumenter[i]
		docs[i].Filnavn, docs[i].MimeType, docs[i].GiroarkSide = d.Filnavn, d.mimeType(), giroarkSide(d)
	}
	return w
}

func noarkV3(m *NoarkMetadata) *sendv3.NoarkMetadataFraAvleverendeSakssystem {
	if m == nil {
		return nil
	}
	md := &sendv3.NoarkMetadataFraAvleverendeSakssystem{
		Saksaar: ptr(m.Saksaar), Sakssekvensnummer: ptr(m.Sakssekvensnummer), Journalaar: ptr(m.Journalaar),
		Journalsekvensnummer: ptr(m.Journalsekvensnummer), Journalpostnummer: ptr(m.Journalpostnummer),
		Journalposttype: ptr(m.Journalposttype), Journalstatus: ptr(m.Journalstatus), Tittel: ptr(m.Tittel),
		Saksbehandler: ptr(m.Saksbehandler), MappeId: ptr(m.MappeID), MappeSystemId: ptr(m.MappeSystemID),
		SystemId: ptr(m.SystemID), RegistreringsId: ptr(m.RegistreringsID), EkstraMetadata: metadataV3(m.EkstraMetadata),
	}
	if !m.Journaldato.IsZero() {
		md.Journaldato = &m.Journaldato
	}
	if !m.DokumentetsDato.IsZero() {
		md.DokumentetsDato = &m.DokumentetsDato
	}
	return md
}

func importV3(m *NoarkMetadata) *sendv3.NoarkMetadataForImport {
	if m == nil {
		return nil
	}
	mi := &sendv3.NoarkMetadataForImport{
		Saksaar: ptr(m.Saksaar), Sakssekvensnummer: ptr(m.Sakssekvensnummer), Journalaar: ptr(m.Journalaar),
		Journalsekvensnummer: ptr(m.Journalsekvensnummer), Journalpostnummer: ptr(m.Journalpostnummer),
		Journalposttype: ptr(m.Journalposttype), Journalstatus: ptr(m.Journalstatus), Tittel: ptr(m.Tittel),
		MappeId: ptr(m.MappeID), MappeSystemId: ptr(m.MappeSystemID), SystemId: ptr(m.SystemID), RegistreringsId: ptr(m.RegistreringsID),
	}
	if !m.DokumentetsDato.IsZero() {
		mi.DokumentetsDato = &m.DokumentetsDato
	}
	return mi
}
