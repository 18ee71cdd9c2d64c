package svaruttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/ident"
)

var (
	landkodeRE  = regexp.MustCompile(`^[A-Z]{2}$`)
	digitalIDRE = regexp.MustCompile(`^\d{1,11}$`)
)

// unknownKeys returns the keys of the JSON object b that are not in allowed.
func unknownKeys(b []byte, allowed []string) ([]string, error) {
	var m map[string]json.RawMessage
	if len(bytes.TrimSpace(b)) == 0 || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return nil, nil
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	var out []string
	for k := range m {
		if !slices.Contains(allowed, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out, nil
}

// decodeV3 checks a v3 forsendelse part against its kind's schema and SvarUt's rules and
// returns it in the v2 shape the fake keeps; the message is "" when it is valid. A field
// the kind's schema does not have is refused (SvarUt may ignore one silently; a sender
// whose field is dropped wants to know).
func decodeV3(kind string, meta []byte) (wireForsendelse, string) {
	fields := v3Fields[kind]
	var raw struct {
		Mottaker   json.RawMessage   `json:"mottaker"`
		Dokumenter []json.RawMessage `json:"dokumenter"`
	}
	if err := json.Unmarshal(meta, &raw); err != nil {
		return wireForsendelse{}, fmt.Sprintf("Ugyldig forsendelse: %v", err)
	}
	if extra, _ := unknownKeys(meta, fields.forsendelse); len(extra) > 0 {
		return wireForsendelse{}, fmt.Sprintf("Ukjente felt for %s: %s", kind, strings.Join(extra, ", "))
	}
	if extra, _ := unknownKeys(raw.Mottaker, fields.mottaker); len(extra) > 0 {
		return wireForsendelse{}, fmt.Sprintf("Ukjente felt i mottaker for %s: %s", kind, strings.Join(extra, ", "))
	}
	for i, d := range raw.Dokumenter {
		if extra, _ := unknownKeys(d, fields.dokument); len(extra) > 0 {
			return wireForsendelse{}, fmt.Sprintf("Ukjente felt i dokumenter[%d] for %s: %s", i, kind, strings.Join(extra, ", "))
		}
	}
	var f wireV3Forsendelse
	if err := json.Unmarshal(meta, &f); err != nil {
		return wireForsendelse{}, fmt.Sprintf("Ugyldig forsendelse: %v", err)
	}
	if len(raw.Mottaker) == 0 {
		return wireForsendelse{}, "mottaker er påkrevd"
	}
	m := f.Mottaker
	switch kind {
	case "person":
		if _, err := ident.ParseFoedselsnummer(m.DigitalID); err != nil {
			return wireForsendelse{}, "mottaker.digitalId må være et gyldig fødselsnummer eller d-nummer"
		}
	case "organisasjon":
		if _, err := ident.ParseOrganisasjonsnummer(m.DigitalID); err != nil {
			return wireForsendelse{}, "mottaker.digitalId må være et gyldig organisasjonsnummer"
		}
	case "print":
		if m.Adresse == nil {
			return wireForsendelse{}, "mottaker.adresse er påkrevd"
		}
	}
	if msg := checkAdresseV3("mottaker.adresse", m.Adresse); msg != "" {
		return wireForsendelse{}, msg
	}
	if len([]rune(m.Navn)) > 100 {
		return wireForsendelse{}, "mottaker.navn kan ha maks 100 tegn"
	}
	switch f.Sikkerhetsniva {
	case "", "BETYDELIG":
	case "HOYESTE":
		if !f.Kryptert {
			return wireForsendelse{}, "forsendelser med sikkerhetsnivå HOYESTE må være kryptert"
		}
	default:
		return wireForsendelse{}, "sikkerhetsniva må være BETYDELIG eller HOYESTE"
	}
	var svarTil *wireAdresse
	if t := f.SvarSendesTil; t != nil {
		if t.Navn == "" || t.Adresse == nil || !digitalIDRE.MatchString(t.DigitalID) {
			return wireForsendelse{}, "svarSendesTil krever navn, type, digitalId og adresse"
		}
		switch t.Type {
		case "PERSON":
			if _, err := ident.ParseFoedselsnummer(t.DigitalID); err != nil {
				return wireForsendelse{}, "svarSendesTil.digitalId er ikke et gyldig fødselsnummer"
			}
		case "ORGANISASJON":
			if _, err := ident.ParseOrganisasjonsnummer(t.DigitalID); err != nil {
				return wireForsendelse{}, "svarSendesTil.digitalId er ikke et gyldig organisasjonsnummer"
			}
		case "NHN_MOTTAKER":
		default:
			return wireForsendelse{}, "svarSendesTil.type må være PERSON, ORGANISASJON eller NHN_MOTTAKER"
		}
		if msg := checkAdresseV3("svarSendesTil.adresse", t.Adresse); msg != "" {
			return wireForsendelse{}, msg
		}
		a := v2Adresse(t.Navn, t.DigitalID, t.Adresse)
		svarTil = &a
	}
	if f.KanSvareViaEdialog && (f.SvarSendesTil == nil || f.SvarSendesTil.Type != "ORGANISASJON") {
		return wireForsendelse{}, "kanSvareViaEdialog krever svarSendesTil av type ORGANISASJON"
	}
	if f.SvarPaForsendelseID != "" && uuid.Validate(f.SvarPaForsendelseID) != nil {
		return wireForsendelse{}, "svarPaForsendelseId må være en UUID"
	}
	signed := 0
	for i, d := range f.Dokumenter {
		if d.GiroarkSide != nil && *d.GiroarkSide < 1 {
			return wireForsendelse{}, fmt.Sprintf("dokumenter[%d].giroarkSide må være minst 1", i)
		}
		if kind == "print" && d.MimeType != "application/pdf" {
			return wireForsendelse{}, fmt.Sprintf("dokumenter[%d]: kun application/pdf godtas til print", i)
		}
		if d.SkalSigneres {
			signed++
		}
		if len(d.EkstraMetadata) > 20 {
			return wireForsendelse{}, fmt.Sprintf("dokumenter[%d].ekstraMetadata kan ha maks 20", i)
		}
	}
	if s := f.Signering; s != nil {
		if s.SigneringUtloper.IsZero() || (s.SignaturType != "AUTENTISERT_SIGNATUR" && s.SignaturType != "AVANSERT_SIGNATUR") {
			return wireForsendelse{}, "signering krever signeringUtloper og signaturType (AUTENTISERT_SIGNATUR eller AVANSERT_SIGNATUR)"
		}
		if signed != 1 {
			return wireForsendelse{}, "signering krever ett dokument med skalSigneres"
		}
	}
	if len(f.Lenker) > 5 {
		return wireForsendelse{}, "lenker kan ha maks 5"
	}
	for i, l := range f.Lenker {
		if l.URL == "" || l.Tekst == "" {
			return wireForsendelse{}, fmt.Sprintf("lenker[%d] krever url og tekst", i)
		}
	}
	// The v2 shape the fake keeps, and the rules both versions share.
	out := wireForsendelse{
		Tittel: f.Tittel, Mottaker: v2Adresse(m.Navn, m.DigitalID, m.Adresse),
		EksternReferanse: f.EksternReferanse, Forsendelsestype: f.Forsendelsestype, Korrelasjonsid: f.Korrelasjonsid,
		AvgivendeSystem: f.AvgivendeSystem, AvgivendeSystemAktor: f.AvgivendeSystemAktor,
		KrevNiva4Innlogging: f.Sikkerhetsniva == "HOYESTE", Kryptert: f.Kryptert, KunDigitalLevering: f.KunDigitalLevering,
		TaushetsbelagtPost: f.TaushetsbelagtPost, SvarSendesTil: svarTil, SvarPaForsendelseLink: f.KanSvareViaEdialog,
		EksponertFor: f.EksponertFor, MetadataForImport: f.MetadataForImport, MetadataFraAvleverendeSystem: f.MetadataFraAvleverendeSystem,
		SvarPaForsendelse: f.SvarPaForsendelseID, Lenker: f.Lenker,
	}
	for _, d := range f.Dokumenter {
		out.Dokumenter = append(out.Dokumenter, wireDokument{Filnavn: d.Filnavn, MimeType: d.MimeType,
			SkalEkskluderesFraUtskrift: d.SkalEkskluderesFraUtskrift, DokumentType: d.DokumentType, EkstraMetadata: d.EkstraMetadata})
	}
	return out, validate(&out)
}

// checkAdresseV3 applies v3's Adresse: adresselinje1 and poststed required, landkode ISO
// 3166-1 alpha-2.
func checkAdresseV3(field string, a *wireV3Adresse) string {
	if a == nil {
		return ""
	}
	if a.Adresselinje1 == "" || a.Poststed == "" {
		return field + " krever adresselinje1 og poststed"
	}
	for _, l := range []string{a.Adresselinje1, a.Adresselinje2, a.Adresselinje3, a.Poststed} {
		if len([]rune(l)) > 70 {
			return field + ": adresselinjer og poststed kan ha maks 70 tegn"
		}
	}
	if a.Landkode != "" && !landkodeRE.MatchString(a.Landkode) {
		return field + ".landkode må følge ISO-3166-1 alpha-2"
	}
	return ""
}

func v2Adresse(navn, digitalID string, a *wireV3Adresse) wireAdresse {
	out := wireAdresse{Navn: navn, DigitalID: digitalID}
	if a != nil {
		out.Adresselinje1, out.Adresselinje2, out.Adresselinje3 = a.Adresselinje1, a.Adresselinje2, a.Adresselinje3
		out.Postnummer, out.Poststed, out.Land = a.Postnummer, a.Poststed, a.Landkode
	}
	return out
}
