package svarut

import (
	"encoding/json"

	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/gen/svarut/svarinnv2"
)

// V1's niva and V2's sikkerhetsniva say the same thing.
var (
	nivaSikkerhetsniva = map[string]string{"3": "BETYDELIG", "4": "HOYESTE"}
	sikkerhetsnivaNiva = map[string]string{"BETYDELIG": "3", "HOYESTE": "4"}
)

// decodeListedV2 decodes one forsendelse of SvarInn V2's list (svarinn-api-v2.json,
// Forsendelse). Unknown fields are ignored.
func decodeListedV2(b []byte) (MottattForsendelse, error) {
	var f svarinnv2.Forsendelse
	if err := json.Unmarshal(b, &f); err != nil {
		return MottattForsendelse{}, err
	}
	m := MottattForsendelse{
		ID: f.Id.String(), Tittel: f.Tittel, Forsendelsestype: deref(f.Type), EksternReferanse: deref(f.EksternRef),
		Sikkerhetsniva: string(f.Sikkerhetsniva), Niva: sikkerhetsnivaNiva[string(f.Sikkerhetsniva)],
		AvgivendeSystem: deref(f.AvgivendeSystem), TaushetsbelagtPost: f.TaushetsbelagtPost, downloadURL: f.Nedlastingslenke,
		Avsender: Avsender{Organisasjonsnummer: deref(f.Avsender.Organisasjonsnummer)},
		Mottaker: postadresseV2(f.Mottaker.Postadresse), Metadata: noarkFraV2(f.MetadataFraAvleverendeSystem),
		MetadataForImport: importFraV2(f.MetadataForImport),
	}
	if f.Dato != nil {
		m.Dato = *f.Dato
	}
	if f.SvarPaForsendelse != nil {
		m.SvarPaForsendelse = f.SvarPaForsendelse.String()
	}
	a := postadresseV2(f.Avsender.Postadresse)
	m.Avsender.Navn, m.Avsender.Adresselinjer, m.Avsender.Postnummer, m.Avsender.Poststed, m.Avsender.Land = a.Navn, a.Adresselinjer, a.Postnummer, a.Poststed, a.Land
	m.Mottaker.Organisasjonsnummer = deref(f.Mottaker.Organisasjonsnummer)
	if t := f.SvarSendesTil; t != nil {
		s := postadresseV2(t.Postadresse)
		s.Organisasjonsnummer = deref(t.Organisasjonsnummer)
		if t.Fodselsnummer != nil {
			// Kept only when valid: it is personal data, and a malformed one is of no use.
			s.Foedselsnummer, _ = ident.ParseFoedselsnummer(*t.Fodselsnummer)
		}
		m.SvarSendesTil = &s
	}
	if f.Lenker != nil {
		for _, l := range *f.Lenker {
			m.Lenker = append(m.Lenker, Lenke{URL: l.Lenke, Tekst: l.Tekst, Ledetekst: deref(l.Ledetekst)})
		}
	}
	for _, fil := range f.Filer {
		m.Filmetadata = append(m.Filmetadata, Filmetadata{Filnavn: fil.Filnavn, MimeType: fil.MimeType, Sha256: fil.Hash,
			Storrelse: fil.Storrelse, DokumentType: deref(fil.Type), EkstraMetadata: entries(fil.EkstraMetadata)})
	}
	return m, nil
}

func postadresseV2(p svarinnv2.Postadresse) MottakerAdresse {
	return MottakerAdresse{Navn: p.Navn, Adresselinjer: nonEmpty(deref(p.Adresselinje1), deref(p.Adresselinje2), deref(p.Adresselinje3)),
		Postnummer: deref(p.Postnummer), Poststed: deref(p.Poststed), Land: deref(p.Land)}
}

func entries(es *[]svarinnv2.Entry) []Metadata {
	if es == nil {
		return nil
	}
	out := make([]Metadata, 0, len(*es))
	for _, e := range *es {
		out = append(out, Metadata{Key: deref(e.Key), Value: deref(e.Value)})
	}
	return out
}

// noarkIDs fills m from V2's nested mappeId and journalpostId.
func noarkIDs(m *NoarkMetadata, mappe *svarinnv2.MappeId, jp *svarinnv2.JournalpostId) {
	if mappe != nil {
		m.MappeID, m.MappeSystemID = deref(mappe.MappeId), deref(mappe.SystemId)
		m.Saksaar, m.Sakssekvensnummer = deref(mappe.Saksaar), deref(mappe.Sakssekvensnummer)
	}
	if jp != nil {
		m.SystemID, m.RegistreringsID = deref(jp.SystemId), deref(jp.RegistreringsId)
		m.Journalaar, m.Journalpostnummer, m.Journalsekvensnummer = deref(jp.Journalaar), deref(jp.Journalpostnummer), deref(jp.Journalsekvensnummer)
	}
}

func noarkFraV2(x *svarinnv2.MetadataFraAvleverendeSystem) *NoarkMetadata {
	if x == nil {
		return nil
	}
	m := &NoarkMetadata{Journalposttype: deref(x.Journalposttype), Journalstatus: deref(x.Journalstatus), Journaldato: deref(x.Journaldato),
		DokumentetsDato: deref(x.DokumentetsDato), Tittel: deref(x.Tittel), Saksbehandler: deref(x.Saksbehandler),
		EkstraMetadata: entries(x.VirksomhetsspesifikkeMetadata)}
	noarkIDs(m, x.MappeId, x.JournalpostId)
	return m
}

func importFraV2(x *svarinnv2.MetadataForImport) *NoarkMetadata {
	if x == nil {
		return nil
	}
	m := &NoarkMetadata{Journalposttype: deref(x.Journalposttype), Journalstatus: deref(x.Journalstatus),
		DokumentetsDato: deref(x.DokumentetsDato), Tittel: deref(x.Tittel)}
	noarkIDs(m, x.MappeId, x.JournalpostId)
	return m
}
