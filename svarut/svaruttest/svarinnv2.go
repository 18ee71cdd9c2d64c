package svaruttest

import (
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// nyeV2 is SvarInn V2's hentNyeForsendelser: GET /tjenester/svarinn/v2/forsendelser, at
// most 200, [] when none.
func (s *Server) nyeV2(w http.ResponseWriter, r *http.Request) { listWaiting(s, w, r, s.svarinnV2Wire) }

func v2Postadresse(a wireAdresse) innV2Postadresse {
	return innV2Postadresse{Navn: a.Navn, Adresselinje1: a.Adresselinje1, Adresselinje2: a.Adresselinje2, Adresselinje3: a.Adresselinje3,
		Postnummer: a.Postnummer, Poststed: a.Poststed, Land: a.Land}
}

func v2Entries(ms []wireMetadata) []innV2Entry {
	var out []innV2Entry
	for _, m := range ms {
		out = append(out, innV2Entry(m))
	}
	return out
}

// v2Noark nests the sender's flat Noark metadata as V2 lists it; withSender adds what only
// metadataFraAvleverendeSystem has.
func v2Noark(m *wireNoark, withSender bool) *innV2Noark {
	if m == nil {
		return nil
	}
	out := &innV2Noark{Journalposttype: m.Journalposttype, Journalstatus: m.Journalstatus, DokumentetsDato: m.DokumentetsDato, Tittel: m.Tittel}
	if m.MappeID != "" || m.MappeSystemID != "" || m.Saksaar != 0 || m.Sakssekvensnummer != 0 {
		out.MappeID = &innV2MappeID{MappeID: m.MappeID, SystemID: m.MappeSystemID, Saksaar: m.Saksaar, Sakssekvensnummer: m.Sakssekvensnummer}
	}
	if m.SystemID != "" || m.RegistreringsID != "" || m.Journalaar != 0 || m.Journalpostnummer != 0 || m.Journalsekvensnummer != 0 {
		out.JournalpostID = &innV2JournalpostID{SystemID: m.SystemID, RegistreringsID: m.RegistreringsID, Journalaar: m.Journalaar,
			Journalpostnummer: m.Journalpostnummer, Journalsekvensnummer: m.Journalsekvensnummer}
	}
	if withSender {
		out.Journaldato, out.Saksbehandler, out.VirksomhetsspesifikkeMetadata = m.Journaldato, m.Saksbehandler, v2Entries(m.EkstraMetadata)
	}
	return out
}

// svarinnV2Wire is f as SvarInn V2 lists it (under s.mu).
func (s *Server) svarinnV2Wire(f *Forsendelse) innV2Forsendelse {
	niva := "BETYDELIG"
	if f.wire.KrevNiva4Innlogging {
		niva = "HOYESTE"
	}
	mottaker := innV2Part{Postadresse: v2Postadresse(f.wire.Mottaker)}
	if len(f.wire.Mottaker.DigitalID) == 9 {
		mottaker.Organisasjonsnummer = f.wire.Mottaker.DigitalID
	}
	if mottaker.Postadresse.Navn == "" {
		mottaker.Postadresse.Navn = s.systems[f.Mottakersystem].Navn
	}
	w := innV2Forsendelse{
		ID: f.ID, Tittel: f.Tittel, Dato: f.mottatt.UTC().Format(time.RFC3339), Sikkerhetsniva: niva, TaushetsbelagtPost: f.wire.TaushetsbelagtPost,
		Avsender: innV2Part{Postadresse: innV2Postadresse{Navn: f.avsenderNavn()}}, Mottaker: mottaker,
		Nedlastingslenke: s.URL() + "/tjenester/svarinn/v2/forsendelser/" + f.ID,
		Type:             f.wire.Forsendelsestype, EksternRef: f.wire.EksternReferanse, AvgivendeSystem: f.wire.AvgivendeSystem,
		SvarPaForsendelse:            f.wire.SvarPaForsendelse,
		MetadataFraAvleverendeSystem: v2Noark(f.wire.MetadataFraAvleverendeSystem, true),
		MetadataForImport:            v2Noark(f.wire.MetadataForImport, false),
		Filer:                        []innV2Fil{},
	}
	if a := f.avsender; a != nil {
		w.Avsender = innV2Part{Organisasjonsnummer: a.Organisasjonsnummer, Postadresse: innV2Postadresse{Navn: a.Navn, Adresselinje1: a.Adresselinje1,
			Adresselinje2: a.Adresselinje2, Adresselinje3: a.Adresselinje3, Postnummer: a.Postnummer, Poststed: a.Poststed, Land: a.Land}}
	}
	if t := f.wire.SvarSendesTil; t != nil {
		st := &innV2SvarTil{Postadresse: v2Postadresse(*t)}
		switch len(t.DigitalID) {
		case 9:
			st.Organisasjonsnummer = t.DigitalID
		case 11:
			st.Fodselsnummer = t.DigitalID
		}
		w.SvarSendesTil = st
	}
	for _, l := range f.wire.Lenker {
		w.Lenker = append(w.Lenker, innV2Lenke{Lenke: l.URL, Tekst: l.Tekst, Ledetekst: l.Ledetekst})
	}
	for i, d := range f.Dokumenter {
		fil := innV2Fil{Filnavn: d.Filnavn, MimeType: d.MimeType, Hash: d.Sha256, Storrelse: d.Storrelse}
		if f.noChecksum {
			fil.Hash = "" // a fault: V2 requires the hash
		}
		if i < len(f.wire.Dokumenter) {
			fil.Type, fil.EkstraMetadata = f.wire.Dokumenter[i].DokumentType, v2Entries(f.wire.Dokumenter[i].EkstraMetadata)
		}
		w.Filer = append(w.Filer, fil)
	}
	return w
}

// statusV2 is SvarInn V2's oppdaterStatus: PATCH /tjenester/svarinn/v2/forsendelser/{id}/status
// with {"status": "MOTTATT"} or {"status": "FEILET", "feil": {"feilmelding", "permanent"}}
// (feil is required with FEILET, and both its fields with it).
func (s *Server) statusV2(w http.ResponseWriter, r *http.Request) {
	f := s.mine(w, r)
	if f == nil {
		return
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<16))
	dec.DisallowUnknownFields()
	var req innV2Status
	if err := dec.Decode(&req); err != nil {
		bad(w, r, "Ugyldig statusoppdatering: %v", err)
		return
	}
	switch req.Status {
	case "MOTTATT":
		if req.Feil != nil {
			bad(w, r, "feil skal bare være med når status er FEILET")
			return
		}
		s.acknowledge(f)
	case "FEILET":
		if req.Feil == nil || req.Feil.Feilmelding == nil || req.Feil.Permanent == nil {
			bad(w, r, "feil med feilmelding og permanent er påkrevd når status er FEILET")
			return
		}
		s.failed(f, *req.Feil.Feilmelding, *req.Feil.Permanent)
	default:
		bad(w, r, "status må være MOTTATT eller FEILET")
		return
	}
	w.WriteHeader(http.StatusOK)
}
