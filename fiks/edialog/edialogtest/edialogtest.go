// Package edialogtest is an in-process fake of KS's eDialog API (edialog-api-v1), held to
// the service's rules: FIKS authentication, a skjema visible only to the integrasjon that
// made it, the mottaker known to eDialog, a sender and a title before sending, a sent
// skjema frozen (no change, no second send), and the upload as a multipart part "file".
// On send it does what eDialog does: it delivers the skjema into SvarInn, here as a
// forsendelse in a svaruttest server (avgivendeSystem "EDIALOG", nivå 4 when sensitive),
// for the mottaker's SvarInn mottakersystem; the kommune receives it with svarut.Mottak.
// The real eDialog renders the letter as a PDF; the fake delivers its text as melding.txt
// beside the uploaded files.
package edialogtest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

// MaxFileBytes bounds one uploaded file.
const MaxFileBytes = 64 << 20

// Options configure the fake.
type Options struct {
	// Maskinporten issues the tokens the fake accepts (required).
	Maskinporten *maskinportentest.Server
	// SvarUt receives what is sent (required for sending).
	SvarUt *svaruttest.Server
	// Plain serves HTTP instead of HTTPS (loopback only).
	Plain bool
}

// Mottaker is a recipient set up in eDialog: a kommune's unit, with the SvarInn
// mottakersystem its letters go to.
type Mottaker struct {
	ID             string
	Navn           string
	Orgnr          string
	Mottakersystem string
}

// Fil is an uploaded file.
type Fil struct {
	ID, Navn, Type string
	Data           []byte
}

// Skjema is a skjema as the fake holds it.
type Skjema struct {
	ID            string
	IntegrasjonID string
	SistEndret    time.Time
	InnsendtDato  time.Time
	Avsender      map[string]any
	Mottaker      map[string]any
	Metadata      map[string]any
	Filer         []Fil
	// ForsendelseID is the SvarInn forsendelse it was delivered as.
	ForsendelseID string
}

// Server is the fake.
type Server struct {
	*fikstest.Server
	auth *fikstest.Auth
	opts Options

	mu        sync.Mutex
	mottakere map[string]Mottaker
	skjemaer  map[string]*Skjema
}

// NewServer starts the fake; with t it is closed when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	if opts.Maskinporten == nil {
		panic("edialogtest: Options.Maskinporten is required")
	}
	s := &Server{auth: fikstest.NewAuth(opts.Maskinporten), opts: opts, mottakere: map[string]Mottaker{}, skjemaer: map[string]*Skjema{}}
	const base = "/edialog/api/v1/skjemaer"
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+base, s.nytt)
	mux.HandleFunc("GET "+base+"/{id}", s.with(func(w http.ResponseWriter, r *http.Request, k *Skjema) { s.write(w, k) }))
	mux.HandleFunc("DELETE "+base+"/{id}", s.with(s.slett))
	mux.HandleFunc("PUT "+base+"/{id}/avsender", s.draft(s.avsender))
	mux.HandleFunc("PUT "+base+"/{id}/mottaker", s.draft(s.mottaker))
	mux.HandleFunc("PUT "+base+"/{id}/metadata", s.draft(s.metadata))
	mux.HandleFunc("POST "+base+"/{id}/filer", s.draft(s.lastOpp))
	mux.HandleFunc("DELETE "+base+"/{id}/filer/{fil}", s.draft(s.slettFil))
	mux.HandleFunc("POST "+base+"/{id}/send", s.draft(s.send))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
	})
	s.Server = fikstest.NewHTTPServer(s.auth.Require(mux), opts.Plain)
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// AddIntegrasjon lets an integrasjon call the fake.
func (s *Server) AddIntegrasjon(i fikstest.Integrasjon) { s.auth.Add(i) }

// AddMottaker sets up a recipient (ID default a new UUID) and returns it.
func (s *Server) AddMottaker(m Mottaker) Mottaker {
	if m.ID == "" {
		m.ID = uuid.NewString()
	}
	s.mu.Lock()
	s.mottakere[strings.ToLower(m.ID)] = m
	s.mu.Unlock()
	return m
}

// Skjema is a copy of a skjema, nil when there is none.
func (s *Server) Skjema(id string) *Skjema {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := s.skjemaer[strings.ToLower(id)]
	if k == nil {
		return nil
	}
	c := *k
	c.Filer = append([]Fil(nil), k.Filer...)
	return &c
}

// Skjemaer counts the skjemaer held (drafts and sent).
func (s *Server) Skjemaer() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.skjemaer)
}

func (s *Server) nytt(w http.ResponseWriter, r *http.Request) {
	caller, _ := fikstest.CallerFrom(r.Context())
	k := &Skjema{ID: uuid.NewString(), IntegrasjonID: caller.Integrasjon.ID, SistEndret: time.Now().UTC()}
	s.mu.Lock()
	s.skjemaer[k.ID] = k
	s.mu.Unlock()
	writeJSON(w, map[string]any{"id": k.ID, "sistEndret": k.SistEndret.Format(time.RFC3339Nano)})
}

// with finds the caller's skjema; another integrasjon's is "not found".
func (s *Server) with(h func(http.ResponseWriter, *http.Request, *Skjema)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		caller, _ := fikstest.CallerFrom(r.Context())
		if uuid.Validate(r.PathValue("id")) != nil {
			fikstest.WriteError(w, r, http.StatusBadRequest, "id må være en UUID")
			return
		}
		s.mu.Lock()
		k := s.skjemaer[strings.ToLower(r.PathValue("id"))]
		s.mu.Unlock()
		if k == nil || k.IntegrasjonID != caller.Integrasjon.ID {
			fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke skjema")
			return
		}
		h(w, r, k)
	}
}

// draft is with, for a skjema not yet sent.
func (s *Server) draft(h func(http.ResponseWriter, *http.Request, *Skjema)) http.HandlerFunc {
	return s.with(func(w http.ResponseWriter, r *http.Request, k *Skjema) {
		s.mu.Lock()
		sent := !k.InnsendtDato.IsZero()
		s.mu.Unlock()
		if sent {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Skjemaet er allerede sendt inn")
			return
		}
		h(w, r, k)
	})
}

func (s *Server) slett(w http.ResponseWriter, r *http.Request, k *Skjema) {
	s.mu.Lock()
	sent := !k.InnsendtDato.IsZero()
	if !sent {
		delete(s.skjemaer, k.ID)
	}
	s.mu.Unlock()
	if sent {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Et innsendt skjema kan ikke slettes")
		return
	}
	s.write(w, k)
}

func decodeObject(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		fikstest.WriteError(w, r, http.StatusUnsupportedMediaType, "Content-Type må være application/json")
		return nil, false
	}
	var m map[string]any
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&m); err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "JSON parse error")
		return nil, false
	}
	return m, true
}

func str(m map[string]any, k string) string { v, _ := m[k].(string); return v }

func (s *Server) avsender(w http.ResponseWriter, r *http.Request, k *Skjema) {
	m, ok := decodeObject(w, r)
	if !ok {
		return
	}
	if t := str(m, "type"); t != "PERSON" && t != "ORGANISASJON" {
		fikstest.WriteError(w, r, http.StatusBadRequest, "type må være PERSON eller ORGANISASJON")
		return
	}
	s.update(w, k, func() { k.Avsender = m })
}

func (s *Server) mottaker(w http.ResponseWriter, r *http.Request, k *Skjema) {
	m, ok := decodeObject(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	_, known := s.mottakere[strings.ToLower(str(m, "id"))]
	s.mu.Unlock()
	if !known {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ukjent mottaker")
		return
	}
	s.update(w, k, func() { k.Mottaker = m })
}

func (s *Server) metadata(w http.ResponseWriter, r *http.Request, k *Skjema) {
	m, ok := decodeObject(w, r)
	if !ok {
		return
	}
	if _, isBool := m["sensitivt"].(bool); m["sensitivt"] != nil && !isBool {
		fikstest.WriteError(w, r, http.StatusBadRequest, "sensitivt må være boolean")
		return
	}
	s.update(w, k, func() { k.Metadata = m })
}

func (s *Server) lastOpp(w http.ResponseWriter, r *http.Request, k *Skjema) {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		fikstest.WriteError(w, r, http.StatusUnsupportedMediaType, "Content-Type må være multipart/form-data")
		return
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var got *Fil
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig multipart")
			return
		}
		if p.FormName() != "file" || got != nil {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Forventet én del med navn \"file\"")
			return
		}
		b, err := io.ReadAll(io.LimitReader(p, MaxFileBytes+1))
		if err != nil {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig multipart")
			return
		}
		if len(b) > MaxFileBytes {
			fikstest.WriteError(w, r, http.StatusRequestEntityTooLarge, "Filen er for stor")
			return
		}
		if p.FileName() == "" {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Filen mangler filnavn")
			return
		}
		got = &Fil{ID: uuid.NewString(), Navn: p.FileName(), Type: p.Header.Get("Content-Type"), Data: b}
	}
	if got == nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ingen fil")
		return
	}
	s.update(w, k, func() { k.Filer = append(k.Filer, *got) })
}

func (s *Server) slettFil(w http.ResponseWriter, r *http.Request, k *Skjema) {
	s.mu.Lock()
	i := -1
	for j, f := range k.Filer {
		if strings.EqualFold(f.ID, r.PathValue("fil")) {
			i = j
		}
	}
	s.mu.Unlock()
	if i < 0 {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke fil")
		return
	}
	s.update(w, k, func() { k.Filer = append(k.Filer[:i:i], k.Filer[i+1:]...) })
}

func (s *Server) send(w http.ResponseWriter, r *http.Request, k *Skjema) {
	s.mu.Lock()
	var problem string
	mottaker, known := s.mottakere[strings.ToLower(str(k.Mottaker, "id"))]
	switch {
	case !k.InnsendtDato.IsZero():
		problem = "skjemaet er allerede sendt inn"
	case k.Avsender == nil:
		problem = "avsender mangler"
	case !known:
		problem = "mottaker mangler"
	case k.Metadata == nil || strings.TrimSpace(str(k.Metadata, "tittel")) == "":
		problem = "tittel mangler"
	case s.opts.SvarUt == nil:
		problem = "edialogtest: Options.SvarUt is not set"
	}
	if problem == "" {
		k.InnsendtDato = time.Now().UTC() // under the lock: a second send finds it sent
	}
	s.mu.Unlock()
	if problem != "" {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Kan ikke sende inn: "+problem)
		return
	}
	in := svaruttest.Innkommende{Mottakersystem: mottaker.Mottakersystem, Tittel: str(k.Metadata, "tittel"), AvgivendeSystem: "EDIALOG",
		Niva4: k.Metadata["sensitivt"] == true,
		Avsender: &svaruttest.InnkommendeAvsender{Navn: str(k.Avsender, "navn"), Adresselinje1: str(k.Avsender, "adresselinje1"),
			Adresselinje2: str(k.Avsender, "adresselinje2"), Adresselinje3: str(k.Avsender, "adresselinje3"), Postnummer: str(k.Avsender, "postnummer"),
			Poststed: str(k.Avsender, "poststed"), Land: str(k.Avsender, "land")},
		Filer: []svaruttest.Fil{{Filnavn: "melding.txt", MimeType: "text/plain; charset=utf-8",
			Innhold: []byte(str(k.Metadata, "tittel") + "\n\n" + str(k.Metadata, "melding") + "\n")}}}
	if str(k.Avsender, "type") == "ORGANISASJON" {
		in.Avsender.Organisasjonsnummer = str(k.Avsender, "id")
	}
	for _, f := range k.Filer {
		in.Filer = append(in.Filer, svaruttest.Fil{Filnavn: f.Navn, MimeType: f.Type, Innhold: f.Data})
	}
	id := s.opts.SvarUt.AddInnkommende(in)
	s.update(w, k, func() { k.ForsendelseID = id })
}

func (s *Server) update(w http.ResponseWriter, k *Skjema, f func()) {
	s.mu.Lock()
	f()
	k.SistEndret = time.Now().UTC()
	s.mu.Unlock()
	s.write(w, k)
}

func (s *Server) write(w http.ResponseWriter, k *Skjema) {
	s.mu.Lock()
	out := map[string]any{"id": k.ID, "sistEndret": k.SistEndret.Format(time.RFC3339Nano)}
	if !k.InnsendtDato.IsZero() {
		out["innsendtDato"] = k.InnsendtDato.Format(time.RFC3339Nano)
	}
	if k.Avsender != nil {
		out["avsender"] = k.Avsender
	}
	if k.Mottaker != nil {
		out["mottaker"] = k.Mottaker
	}
	if k.Metadata != nil {
		out["metadata"] = k.Metadata
	}
	filer := []map[string]string{}
	for _, f := range k.Filer {
		filer = append(filer, map[string]string{"id": f.ID, "navn": f.Navn, "type": f.Type})
	}
	out["filer"] = filer
	s.mu.Unlock()
	writeJSON(w, out)
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("edialogtest: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
