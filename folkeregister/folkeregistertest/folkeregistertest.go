// Package folkeregistertest is an in-process fake of Fiks Folkeregister for tests: person
// lookup, bulk lookup, search and the event feed under
// /folkeregister/api/v1/{rolle}/..., with synthetic people, roles that limit the parts
// returned, FIKS's credential checks (fiks/fikstest) and fault injection.
//
// The rules it enforces, as the real proxy and FREG do:
//
//   - the Maskinporten token (scope ks:fiks) and the integrasjon headers (401 otherwise);
//   - the integrasjon must have the privilege "folkeregister:rolle:<id>" (403);
//   - every part asked for must be covered by the role (403); without part= the role
//     must cover person-basis; unknown part names are 400;
//   - identifikasjonsnummer is always returned; without part=historikk only current
//     (erGjeldende) values are;
//   - Accept must allow application/json (406); a bulk lookup must be application/json
//     (415) with at most 1000 numbers (400);
//   - a strengt fortrolig person has no address in any answer; adressebeskyttelse is
//     present only for protected persons;
//   - the feed answers pages of Options.PageSize events from ?seq=N, in order; every
//     event has an event document (hendelser/{id}, hendelser/bulkoppslag) and an
//     archived person document as it was after the event (personer/arkiv/{id});
//     hendelser/siste/sekvensnummer gives the newest;
//   - person answers carry an ETag, and If-None-Match with it answers 304;
//   - a bulk lookup with somBestilt=true answers every number in order, with a
//     feilmelding for an unknown one; without it unknown numbers are left out;
//   - a search that hits more than maksTreff (at most 10 000) persons is 400;
//     entydigsoek answers the one person matched, 404 for none or several.
//
// Errors from the proxy (credentials, roles, parts) have FIKS's error body; errors from
// FREG itself have FREG's FolkeregisterFeilmelding. The answers are built from JSON
// documents in the shapes of Skatteetaten's OpenAPI v1.5, not from the client's types,
// so a test against it tests the decoding (folkeregistertest_test checks every answer
// against that OpenAPI, closed to unknown fields).
package folkeregistertest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/fakefault"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// Fault is one injected failure (InjectFault): the one fault type of every fake in the
// module.
type Fault = fakefault.Fault

// Options configure a Server.
type Options struct {
	// Maskinporten is the Maskinporten fake whose tokens the fake accepts. Required.
	Maskinporten *maskinportentest.Server
	// Plain serves plain HTTP on loopback instead of TLS.
	Plain bool
	// PageSize is the number of feed events per page (FREG: 1000).
	PageSize int
	// Now is the clock for event timestamps. Nil: time.Now.
	Now func() time.Time
}

// Rolle is a Fiks Folkeregister role.
type Rolle struct {
	ID string
	// Parts the role covers: groups ("person-basis", "historikk", "relasjon-utvidet",
	// "identitetsgrunnlag-utvidet") and single elements ("navn", "bostedsadresse", ...).
	Parts []string
	// Hendelser lets the role read the event feed.
	Hendelser bool
}

// Adresse is a street address of a synthetic person.
type Adresse struct {
	Adressenavn   string
	Husnummer     int
	Husbokstav    string
	Postnummer    string
	Poststed      string
	Kommunenummer string
	// Flyttedato is when the person moved there.
	Flyttedato time.Time
}

// Relasjon is a family relation of a synthetic person.
type Relasjon struct {
	Foedselsnummer string
	// RelatertPersonsRolle: mor, far, medmor, barn, ektefelleEllerPartner.
	RelatertPersonsRolle string
	MinRolleForPerson    string
}

// Person describes a synthetic person; AddPerson builds FREG's document from it.
type Person struct {
	// Foedselsnummer, all 11 digits (see Foedselsnummer for synthetic ones).
	Foedselsnummer string
	Fornavn        string
	Mellomnavn     string
	Etternavn      string
	// Kjoenn: "kvinne" or "mann".
	Kjoenn string
	// Foedselsdato; zero: not given.
	Foedselsdato time.Time
	// Status: "bosatt" (default), "utflyttet", "doed", ...
	Status string
	// Bostedsadresse; nil: none. TidligereAdresser are history (historikk).
	Bostedsadresse    *Adresse
	TidligereAdresser []Adresse
	// Gradering: "" or "ugradert" (none), "klientadresse", "fortrolig",
	// "strengtFortrolig". A strengt fortrolig person's address is never returned.
	Gradering  string
	Sivilstand string
	Relasjoner []Relasjon
	Doedsdato  time.Time
}

// Server is the fake. Create it with NewServer, close it with Close.
type Server struct {
	*fikstest.Server
	auth *fikstest.Auth
	opts Options

	mu        sync.Mutex
	roller    map[string]Rolle
	personer  map[string]document
	hendelser []hendelse
	// dokumenter are the event documents by id, arkiv the archived person documents.
	dokumenter map[string]map[string]any
	arkiv      map[string]document
}

// document is a person in FREG's JSON shape: element name → entries.
type document map[string][]map[string]any

type hendelse struct {
	Sekvensnummer int64          `json:"sekvensnummer"`
	Hendelse      map[string]any `json:"hendelse"`
}

// NewServer starts a fake that trusts tokens from Options.Maskinporten. With a non-nil t
// it is closed by t.Cleanup; without (a program, not a test) call Close.
func NewServer(t testing.TB, opts Options) *Server {
	if opts.Maskinporten == nil {
		panic("folkeregistertest: Options.Maskinporten is required")
	}
	mp := opts.Maskinporten
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{auth: fikstest.NewAuth(mp), opts: opts, roller: map[string]Rolle{}, personer: map[string]document{},
		dokumenter: map[string]map[string]any{}, arkiv: map[string]document{}}
	mux := http.NewServeMux()
	const p = "/folkeregister/api/v1/{rolle}/v1/"
	mux.HandleFunc("GET "+p+"personer/soek", s.soek)
	mux.HandleFunc("GET "+p+"personer/entydigsoek", s.entydig)
	mux.HandleFunc("POST "+p+"personer/bulkoppslag", s.bulk)
	mux.HandleFunc("GET "+p+"personer/arkiv/{id}", s.arkivert)
	mux.HandleFunc("GET "+p+"personer/{id}", s.person)
	mux.HandleFunc("GET "+p+"hendelser/feed", s.feed)
	mux.HandleFunc("GET "+p+"hendelser/siste/sekvensnummer", s.siste)
	mux.HandleFunc("POST "+p+"hendelser/bulkoppslag", s.hendelseBulk)
	mux.HandleFunc("GET "+p+"hendelser/{id}", s.hendelsesdokument)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
	})
	s.Server = fikstest.NewHTTPServer(s.auth.Require(mux), opts.Plain)
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// AddIntegrasjon registers a Fiks-integrasjon. Give it the privilege
// "folkeregister:rolle:<id>" for each role it may use.
func (s *Server) AddIntegrasjon(i fikstest.Integrasjon) { s.auth.Add(i) }

// AddRolle registers a role.
func (s *Server) AddRolle(r Rolle) {
	s.mu.Lock()
	s.roller[r.ID] = r
	s.mu.Unlock()
}

// AddPerson adds (or replaces) a person built from p.
func (s *Server) AddPerson(p Person) {
	doc := document{}
	now := s.opts.Now().UTC().Truncate(time.Second)
	meta := func(gjeldende bool, m map[string]any) map[string]any {
		m["erGjeldende"] = gjeldende
		m["kilde"] = "KILDE_DSF"
		m["ajourholdstidspunkt"] = now.Format(time.RFC3339)
		m["gyldighetstidspunkt"] = now.Format(time.RFC3339)
		return m
	}
	id := meta(true, map[string]any{"foedselsEllerDNummer": p.Foedselsnummer, "identifikatortype": identType(p.Foedselsnummer), "status": "iBruk"})
	doc["identifikasjonsnummer"] = []map[string]any{id}
	status := p.Status
	if status == "" {
		status = "bosatt"
	}
	doc["status"] = []map[string]any{meta(true, map[string]any{"status": status})}
	navn := map[string]any{"fornavn": p.Fornavn, "etternavn": p.Etternavn}
	if p.Mellomnavn != "" {
		navn["mellomnavn"] = p.Mellomnavn
	}
	doc["navn"] = []map[string]any{meta(true, navn)}
	if p.Kjoenn != "" {
		doc["kjoenn"] = []map[string]any{meta(true, map[string]any{"kjoenn": p.Kjoenn})}
	}
	if !p.Foedselsdato.IsZero() {
		doc["foedsel"] = []map[string]any{meta(true, map[string]any{
			"foedselsdato": p.Foedselsdato.Format(time.DateOnly), "foedselsaar": strconv.Itoa(p.Foedselsdato.Year()), "foedeland": "NOR"})}
	}
	if p.Sivilstand != "" {
		doc["sivilstand"] = []map[string]any{meta(true, map[string]any{"sivilstand": p.Sivilstand})}
	}
	if !p.Doedsdato.IsZero() {
		// One object in FREG's document (apply writes it so).
		doc["doedsfall"] = []map[string]any{meta(true, map[string]any{"doedsdato": p.Doedsdato.Format(time.DateOnly)})}
	}
	gradering := p.Gradering
	if gradering == "" {
		gradering = "ugradert"
	}
	if gradering != "ugradert" {
		doc["adressebeskyttelse"] = []map[string]any{meta(true, map[string]any{"graderingsnivaa": gradering})}
	}
	if gradering != "strengtFortrolig" {
		var list []map[string]any
		if p.Bostedsadresse != nil {
			list = append(list, meta(true, bosted(*p.Bostedsadresse, gradering)))
		}
		for _, a := range p.TidligereAdresser {
			e := meta(false, bosted(a, gradering))
			e["opphoerstidspunkt"] = now.Format(time.RFC3339)
			list = append(list, e)
		}
		if len(list) > 0 {
			doc["bostedsadresse"] = list
		}
	}
	for _, r := range p.Relasjoner {
		doc["familierelasjon"] = append(doc["familierelasjon"], meta(true, map[string]any{
			"relatertPerson": r.Foedselsnummer, "relatertPersonsRolle": r.RelatertPersonsRolle, "minRolleForPerson": r.MinRolleForPerson}))
	}
	s.mu.Lock()
	s.personer[p.Foedselsnummer] = doc
	s.mu.Unlock()
}

// AddPersonDocument adds a person from a FREG person document in JSON (as the real API
// answers), for tests that need elements AddPerson does not build.
func (s *Server) AddPersonDocument(foedselsnummer string, doc []byte) error {
	var d document
	if err := json.Unmarshal(doc, &d); err != nil {
		return fmt.Errorf("folkeregistertest: person document: %w", err)
	}
	s.mu.Lock()
	s.personer[foedselsnummer] = d
	s.mu.Unlock()
	return nil
}

func identType(fnr string) string {
	if len(fnr) == 11 && fnr[0] >= '4' && fnr[0] <= '7' {
		return "dNummer"
	}
	return "foedselsnummer"
}

func bosted(a Adresse, gradering string) map[string]any {
	nr := map[string]any{"husnummer": strconv.Itoa(a.Husnummer)}
	if a.Husbokstav != "" {
		nr["husbokstav"] = a.Husbokstav
	}
	m := map[string]any{
		"vegadresse": map[string]any{
			"kommunenummer": a.Kommunenummer,
			"adressenavn":   a.Adressenavn,
			"adressenummer": nr,
			"poststed":      map[string]any{"poststedsnavn": a.Poststed, "postnummer": a.Postnummer},
		},
		"adressegradering": gradering,
	}
	if !a.Flyttedato.IsZero() {
		m["flyttedato"] = a.Flyttedato.Format(time.DateOnly)
	}
	return m
}

// AddHendelse appends an event for a person to the feed and returns its sequence number
// (1, 2, 3, ...). hendelsestype is one of FREG's (personErDoed, endringINavn,
// endringIBostedsadresse, ...). The event document lists, for an "endringIX" type, the
// person's current element x; the person document as it is now is archived under the
// entry's persondokument id.
func (s *Server) AddHendelse(foedselsnummer, hendelsestype string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	seq := int64(len(s.hendelser) + 1)
	now := s.opts.Now().UTC().Format(time.RFC3339Nano)
	dokID := fmt.Sprintf("%08x-0000-4000-8000-%012x", seq, seq)
	personDok := fmt.Sprintf("%032x", seq<<20)
	s.hendelser = append(s.hendelser, hendelse{Sekvensnummer: seq, Hendelse: map[string]any{
		"folkeregisteridentifikator": foedselsnummer,
		"hendelsetype":               hendelsestype, // the feed's spelling (the event document: hendelsestype)
		"hendelsesdokument":          dokID,
		"persondokument":             personDok,
		"ajourholdstidspunkt":        now,
	}})
	d := s.personer[foedselsnummer]
	if d != nil {
		s.arkiv[personDok] = d
	}
	endringer := []map[string]any{}
	el := ""
	switch {
	case strings.HasPrefix(hendelsestype, "endringI") && len(hendelsestype) > len("endringI"):
		rest := hendelsestype[len("endringI"):]
		el = strings.ToLower(rest[:1]) + rest[1:]
	case hendelsestype == "personErDoed":
		el = "doedsfall"
	}
	if e := current(d, el); e != nil {
		v := map[string]any{}
		for k, x := range e {
			if k != "erGjeldende" { // not in the event schemas
				v[k] = x
			}
		}
		endringer = append(endringer, map[string]any{"entitet": el, "entitetsendring": "registrereNy", el: v})
	}
	h := map[string]any{"folkeregisteridentifikator": foedselsnummer, "hendelsestype": hendelsestype, "ajourholdstidspunkt": now}
	if len(endringer) > 0 {
		h["egenskapshendelse"] = endringer
	}
	s.dokumenter[dokID] = map[string]any{"dokumentidentifikator": dokID, "skjemaversjon": "1.4", "hendelse": h}
	return seq
}

// Groups of parts, as FREG defines them.
var groups = map[string][]string{
	"person-basis": {"identifikasjonsnummer", "identitetsgrunnlag", "status", "doedsfall", "sivilstand", "foedsel",
		"statsborgerskap", "kjoenn", "navn", "preferertKontaktadresse", "bostedsadresse", "oppholdsadresse", "deltBosted",
		"postadresse", "postadresseIUtlandet", "adressebeskyttelse", "kontaktinformasjonForDoedsbo"},
	"relasjon-utvidet":           {"familierelasjon", "foreldreansvar", "vergemaalEllerFremtidsfullmakt"},
	"identitetsgrunnlag-utvidet": {"falskIdentitet", "legitimasjonsdokument", "utenlandskPersonidentifikasjon"},
	"historikk":                  nil,
}

var singles = []string{"utlendingsmyndighetenesIdentifikasjonsnummer", "innflytting", "utflytting", "foedselINorge",
	"opphold", "forholdTilSametingetsValgmanntall", "brukAvSamiskSpraak", "bibehold"}

func knownPart(p string) bool {
	if _, ok := groups[p]; ok || slices.Contains(singles, p) {
		return true
	}
	for _, els := range groups {
		if slices.Contains(els, p) {
			return true
		}
	}
	return false
}

// covers reports whether role r covers part p.
func (r Rolle) covers(p string) bool {
	if slices.Contains(r.Parts, p) {
		return true
	}
	for _, g := range r.Parts {
		if slices.Contains(groups[g], p) {
			return true
		}
	}
	return false
}

// access checks the role and the parts of a request; it answers and returns false on a
// failure.
func (s *Server) access(w http.ResponseWriter, r *http.Request) (Rolle, bool) {
	if !acceptsJSON(r.Header.Get("Accept")) {
		fikstest.WriteError(w, r, http.StatusNotAcceptable, "Accept må tillate application/json")
		return Rolle{}, false
	}
	id := r.PathValue("rolle")
	s.mu.Lock()
	rolle, ok := s.roller[id]
	s.mu.Unlock()
	caller, _ := fikstest.CallerFrom(r.Context())
	if !ok || !caller.HasPrivilege("folkeregister:rolle:"+id) {
		fikstest.WriteError(w, r, http.StatusForbidden, "Integrasjonen har ikke tilgang til rolle "+id)
		return Rolle{}, false
	}
	return rolle, true
}

func acceptsJSON(a string) bool {
	if a == "" {
		return true
	}
	for _, part := range strings.Split(a, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && (mt == "application/json" || mt == "application/*" || mt == "*/*") {
			return true
		}
	}
	return false
}

// selection is the elements to return and whether history is included.
type selection struct {
	elements  map[string]bool
	historikk bool
}

// lookup checks access and the parts of a lookup (person, arkiv, entydigsoek); it answers
// and returns false on a failure.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) (selection, bool) {
	rolle, ok := s.access(w, r)
	if !ok {
		return selection{}, false
	}
	return s.parts(w, r, rolle)
}

func (s *Server) parts(w http.ResponseWriter, r *http.Request, rolle Rolle) (selection, bool) {
	parts := r.URL.Query()["part"]
	if len(parts) == 0 {
		parts = []string{"person-basis"}
	}
	sel := selection{elements: map[string]bool{"identifikasjonsnummer": true}}
	for _, p := range parts {
		if !knownPart(p) {
			fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig part: "+p)
			return sel, false
		}
		if !rolle.covers(p) {
			fikstest.WriteError(w, r, http.StatusForbidden, "Rollen gir ikke tilgang til part "+p)
			return sel, false
		}
		if p == "historikk" {
			sel.historikk = true
			continue
		}
		if els, ok := groups[p]; ok {
			for _, e := range els {
				sel.elements[e] = true
			}
			continue
		}
		sel.elements[p] = true
	}
	return sel, true
}

func (sel selection) apply(d document) map[string]any {
	out := map[string]any{}
	for el, entries := range d {
		if !sel.elements[el] {
			continue
		}
		var keep []map[string]any
		for _, e := range entries {
			if g, _ := e["erGjeldende"].(bool); g || sel.historikk {
				keep = append(keep, e)
			}
		}
		if len(keep) == 0 {
			continue
		}
		if el == "falskIdentitet" || el == "doedsfall" {
			out[el] = keep[0] // single objects in FREG's document
			continue
		}
		out[el] = keep
	}
	return out
}

func writeJSON(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

func (s *Server) person(w http.ResponseWriter, r *http.Request) {
	sel, ok := s.lookup(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	d, found := s.personer[r.PathValue("id")]
	s.mu.Unlock()
	if !found {
		fikstest.WriteError(w, r, http.StatusNotFound, "Fant ikke person")
		return
	}
	writeTagged(w, r, sel.apply(d))
}

// writeTagged writes a person document with an ETag (a hash of the answer), or 304 when
// If-None-Match names it.
func writeTagged(w http.ResponseWriter, r *http.Request, v any) {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	tag := `"` + hex.EncodeToString(sum[:16]) + `"`
	w.Header().Set("ETag", tag)
	for _, m := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if m = strings.TrimSpace(m); m == tag || m == "W/"+tag || m == "*" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

// fregError writes Folkeregisteret's own error body (FolkeregisterFeilmelding).
func fregError(w http.ResponseWriter, status int, kode, melding string) {
	b, _ := json.Marshal(map[string]any{"feilkode": kode, "feilmelding": melding, "alvorlighetsgrad": "FEIL", "httpStatus": status})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) arkivert(w http.ResponseWriter, r *http.Request) {
	sel, ok := s.lookup(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	d, found := s.arkiv[r.PathValue("id")]
	s.mu.Unlock()
	if !found {
		fregError(w, http.StatusNotFound, "FREG-404", "Fant ikke dokument")
		return
	}
	writeTagged(w, r, sel.apply(d))
}

func (s *Server) feedAccess(w http.ResponseWriter, r *http.Request) bool {
	rolle, ok := s.access(w, r)
	if !ok {
		return false
	}
	if !rolle.Hendelser {
		fikstest.WriteError(w, r, http.StatusForbidden, "Rollen gir ikke tilgang til hendelsesliste")
		return false
	}
	return true
}

func (s *Server) siste(w http.ResponseWriter, r *http.Request) {
	if !s.feedAccess(w, r) {
		return
	}
	s.mu.Lock()
	n := int64(len(s.hendelser))
	s.mu.Unlock()
	writeJSON(w, map[string]any{"sekvensnummer": n})
}

func (s *Server) hendelsesdokument(w http.ResponseWriter, r *http.Request) {
	if !s.feedAccess(w, r) {
		return
	}
	s.mu.Lock()
	d, ok := s.dokumenter[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		fregError(w, http.StatusNotFound, "FREG-404", "Fant ikke hendelse")
		return
	}
	writeJSON(w, d)
}

// hendelseBulk answers a list of event documents (FREG's OpenAPI v1.5 names one
// DokumentForHendelse as the answer; a set of them is what the operation returns).
func (s *Server) hendelseBulk(w http.ResponseWriter, r *http.Request) {
	if !s.feedAccess(w, r) {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		fikstest.WriteError(w, r, http.StatusUnsupportedMediaType, "Content-Type må være application/json")
		return
	}
	var req struct {
		Dokumentidentifikator []string `json:"dokumentidentifikator"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil || len(req.Dokumentidentifikator) == 0 || len(req.Dokumentidentifikator) > 1000 {
		fregError(w, http.StatusBadRequest, "FREG-400", "Bulkoppslag tar 1 til 1000 dokumentidentifikatorer")
		return
	}
	out := []map[string]any{}
	s.mu.Lock()
	for _, id := range req.Dokumentidentifikator {
		if d, ok := s.dokumenter[id]; ok {
			out = append(out, d)
		}
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

func (s *Server) bulk(w http.ResponseWriter, r *http.Request) {
	rolle, ok := s.access(w, r)
	if !ok {
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		fikstest.WriteError(w, r, http.StatusUnsupportedMediaType, "Content-Type må være application/json")
		return
	}
	sel, ok := s.parts(w, r, rolle)
	if !ok {
		return
	}
	var req struct {
		FoedselsEllerDNummer []string `json:"foedselsEllerDNummer"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Ugyldig forespørsel")
		return
	}
	if len(req.FoedselsEllerDNummer) == 0 || len(req.FoedselsEllerDNummer) > 1000 {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Bulkoppslag tar 1 til 1000 identifikatorer")
		return
	}
	type feilmelding struct {
		Feilmelding string `json:"feilmelding"`
	}
	type oppslag struct {
		FoedselsEllerDNummer string         `json:"foedselsEllerDNummer"`
		Folkeregisterperson  map[string]any `json:"folkeregisterperson,omitempty"`
		Feilmelding          *feilmelding   `json:"feilmelding,omitempty"`
	}
	out := struct {
		Oppslag []oppslag `json:"oppslag"`
	}{Oppslag: []oppslag{}}
	somBestilt := r.URL.Query().Get("somBestilt") == "true"
	s.mu.Lock()
	for _, id := range req.FoedselsEllerDNummer {
		if d, ok := s.personer[id]; ok {
			out.Oppslag = append(out.Oppslag, oppslag{FoedselsEllerDNummer: id, Folkeregisterperson: sel.apply(d)})
		} else if somBestilt {
			out.Oppslag = append(out.Oppslag, oppslag{FoedselsEllerDNummer: id, Feilmelding: &feilmelding{"Fant ikke person med identifikator " + id}})
		}
	}
	s.mu.Unlock()
	writeJSON(w, out)
}

func (s *Server) soek(w http.ResponseWriter, r *http.Request) {
	rolle, ok := s.access(w, r)
	if !ok {
		return
	}
	if !rolle.covers("person-basis") && !rolle.covers("navn") {
		fikstest.WriteError(w, r, http.StatusForbidden, "Rollen gir ikke tilgang til søk")
		return
	}
	q := r.URL.Query()
	if len(q) == 0 {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Søket mangler kriterier")
		return
	}
	maks := 10000
	if v := q.Get("maksTreff"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			fregError(w, http.StatusBadRequest, "FREG-400", "maksTreff må være 1 til 10000")
			return
		}
		maks = n
	}
	if v := q.Get("opplysningsgrunnlag"); v != "" && v != "gjeldende" && v != "historisk" {
		fregError(w, http.StatusBadRequest, "FREG-400", "opplysningsgrunnlag må være gjeldende eller historisk")
		return
	}
	hits := s.find(q)
	if len(hits) > maks {
		fregError(w, http.StatusBadRequest, "FREG-400", fmt.Sprintf("Søket gir mer enn %d treff. Avgrens søket.", maks))
		return
	}
	writeJSON(w, map[string]any{"foedselsEllerDNummer": hits})
}

func (s *Server) find(q map[string][]string) []string {
	hits := []string{}
	s.mu.Lock()
	for id, d := range s.personer {
		if matches(d, q) {
			hits = append(hits, id)
		}
	}
	s.mu.Unlock()
	slices.Sort(hits)
	return hits
}

// entydig answers the one person the criteria match (FREG entydigsoek).
func (s *Server) entydig(w http.ResponseWriter, r *http.Request) {
	sel, ok := s.lookup(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	has := func(k string) bool { return q.Get(k) != "" }
	adresse := has("adressenavn") && (has("husnummer") || has("postnummer"))
	if !(has("navn") && (has("identifikasjonsnummer") || has("foedselsdato") || adresse || has("utenlandskpersonidentifikasjon") ||
		has("legitimasjonsdokument") || has("utlendingsmyndighetenesidentifikasjonsnummer")) ||
		has("foedselsdato") && (has("legitimasjonsdokument") || has("utenlandskpersonidentifikasjon"))) {
		fregError(w, http.StatusBadRequest, "FREG-400", "Kriteriene er ikke tilstrekkelige for entydig søk")
		return
	}
	crit := map[string][]string{}
	for k, v := range q {
		if k != "part" && k != "identifikasjonsnummer" && k != "opplysningsgrunnlag" && k != "soekFonetisk" {
			crit[k] = v
		}
	}
	crit["inkluderDoede"] = []string{"true"}
	hits := s.find(crit)
	if id := q.Get("identifikasjonsnummer"); id != "" {
		hits = slices.DeleteFunc(hits, func(h string) bool { return h != id })
	}
	if len(hits) != 1 {
		fregError(w, http.StatusNotFound, "FREG-404", "Fant ingen entydig person")
		return
	}
	s.mu.Lock()
	d := s.personer[hits[0]]
	s.mu.Unlock()
	writeTagged(w, r, sel.apply(d))
}

func current(d document, el string) map[string]any {
	for _, e := range d[el] {
		if g, _ := e["erGjeldende"].(bool); g {
			return e
		}
	}
	return nil
}

func str(m map[string]any, path ...string) string {
	var v any = m
	for _, p := range path {
		mm, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

func matches(d document, q map[string][]string) bool {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return strings.ToLower(v[0])
		}
		return ""
	}
	navn := current(d, "navn")
	if n := get("navn"); n != "" {
		full := strings.ToLower(str(navn, "fornavn") + " " + str(navn, "mellomnavn") + " " + str(navn, "etternavn"))
		for _, w := range strings.Fields(n) {
			if !strings.Contains(full, w) {
				return false
			}
		}
	}
	f := current(d, "foedsel")
	if v := get("foedselsdato"); v != "" && strings.ReplaceAll(str(f, "foedselsdato"), "-", "") != v {
		return false
	}
	year, _ := strconv.Atoi(str(f, "foedselsaar"))
	if v, ok := q["foedselsaarFraOgMed"]; ok {
		if y, _ := strconv.Atoi(v[0]); year < y {
			return false
		}
	}
	if v, ok := q["foedselsaarTilOgMed"]; ok {
		if y, _ := strconv.Atoi(v[0]); year == 0 || year > y {
			return false
		}
	}
	if v := get("kjoenn"); v != "" && str(current(d, "kjoenn"), "kjoenn") != v {
		return false
	}
	if get("inkluderDoede") != "true" && str(current(d, "status"), "status") == "doed" {
		return false
	}
	b := current(d, "bostedsadresse")
	if v := get("adressenavn"); v != "" && strings.ToLower(str(b, "vegadresse", "adressenavn")) != v {
		return false
	}
	if v := get("husnummer"); v != "" && str(b, "vegadresse", "adressenummer", "husnummer") != v {
		return false
	}
	if v := get("postnummer"); v != "" && str(b, "vegadresse", "poststed", "postnummer") != v {
		return false
	}
	if v := get("kommunenummer"); v != "" && str(b, "vegadresse", "kommunenummer") != v {
		return false
	}
	if v := get("fylkesnummer"); v != "" && !strings.HasPrefix(str(b, "vegadresse", "kommunenummer"), v) {
		return false
	}
	return true
}

func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	if !s.feedAccess(w, r) {
		return
	}
	seq, err := strconv.ParseInt(r.URL.Query().Get("seq"), 10, 64)
	if err != nil || seq < 0 {
		fikstest.WriteError(w, r, http.StatusBadRequest, "seq må være et sekvensnummer")
		return
	}
	s.mu.Lock()
	start := max(seq-1, 0) // sequence numbers are 1-based and dense here
	page := []hendelse{}
	if start < int64(len(s.hendelser)) {
		end := min(start+int64(s.opts.PageSize), int64(len(s.hendelser)))
		page = append(page, s.hendelser[start:end]...)
	}
	s.mu.Unlock()
	writeJSON(w, page)
}

// Foedselsnummer returns a valid synthetic test number (Skatteetaten's +80 month
// variant) for the birth date and individnummer: never a real person's number.
// individnummer is tried upwards from the one given until ident accepts a number (check
// digits, and an individnummer that fits the birth year).
func Foedselsnummer(foedselsdato time.Time, individnummer int) string {
	for i := individnummer; i < individnummer+1000; i++ {
		base := fmt.Sprintf("%02d%02d%02d%03d", foedselsdato.Day(), int(foedselsdato.Month())+80, foedselsdato.Year()%100, i%1000)
		for k := range 100 {
			s := fmt.Sprintf("%s%02d", base, k)
			if _, err := ident.ParseFoedselsnummer(s); err == nil {
				return s
			}
		}
	}
	panic("folkeregistertest: no valid number for this date")
}

// Syntetiske adds n synthetic persons, deterministic for a seed, and returns their
// numbers. Every tenth is fortrolig and every 25th strengt fortrolig.
func (s *Server) Syntetiske(n int, seed uint64) []string {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	fornavn := []string{"Kari", "Ola", "Ingrid", "Per", "Sofie", "Jonas", "Nora", "Emil", "Sara", "Lars"}
	etternavn := []string{"Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl"}
	gater := []string{"Storgata", "Kirkeveien", "Fjordgata", "Skolebakken", "Elvegata"}
	steder := [][2]string{{"0150", "OSLO"}, {"5003", "BERGEN"}, {"7010", "TRONDHEIM"}, {"9008", "TROMSØ"}}
	ids := make([]string, 0, n)
	for i := range n {
		born := time.Date(1940+rng.IntN(80), time.Month(1+rng.IntN(12)), 1+rng.IntN(28), 0, 0, 0, 0, time.UTC)
		ind := 500 + rng.IntN(250)
		if born.Year() < 2000 {
			ind = rng.IntN(400)
		}
		fnr := Foedselsnummer(born, ind)
		sted := steder[rng.IntN(len(steder))]
		p := Person{
			Foedselsnummer: fnr,
			Fornavn:        fornavn[rng.IntN(len(fornavn))],
			Etternavn:      etternavn[rng.IntN(len(etternavn))],
			Kjoenn:         []string{"kvinne", "mann"}[rng.IntN(2)],
			Foedselsdato:   born,
			Bostedsadresse: &Adresse{Adressenavn: gater[rng.IntN(len(gater))], Husnummer: 1 + rng.IntN(120),
				Postnummer: sted[0], Poststed: sted[1], Kommunenummer: "0301"},
			Sivilstand: "ugift",
		}
		switch {
		case i%25 == 24:
			p.Gradering = "strengtFortrolig"
		case i%10 == 9:
			p.Gradering = "fortrolig"
		}
		s.AddPerson(p)
		ids = append(ids, fnr)
	}
	return ids
}
