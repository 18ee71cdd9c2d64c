// Package einnsyntest is an in-process fake of the eInnsyn REST API for tests of code that
// uses package einnsyn, or that speaks to eInnsyn some other way.
//
// It keeps the API's rules: API-KEY and bearer authentication (reads are public, writes
// need a caller, and a caller may change only its own Enhet's objects or those of its
// sub-units), ACTING-AS, the required fields of each create (400 validationError with
// fieldError in the API's shape), systemId lookups, the *Sensitiv fields and
// referanseDokumentfil shown to the publisher only, cursor paging with next links
// (relative paths, or full URLs with Options.AbsoluteLinks), the search cursor of two
// values, expand, DELETE answering with the deleted object, innsynskrav orders with
// verification, and fault injection (statuses with eInnsyn error bodies, dropped
// connections, latency).
//
// Search matches the query words against titles and korrespondansepart names and filters
// on entity, journalposttype, journalenhet, administrativEnhet, saksaar, ids and the
// journaldato range; other filters are accepted and not applied.
package einnsyntest

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/fakefault"
)

// Options configures the fake.
type Options struct {
	// Plain serves http instead of https (both on loopback).
	Plain bool
	// Listener, when set, is where the fake listens (a fixed loopback port); nil: a
	// free loopback port. The fake closes it with Close.
	Listener net.Listener
	// AbsoluteLinks makes next/previous links full URLs instead of paths.
	AbsoluteLinks bool
	// MaxUnverified is how many unverified innsynskrav orders one e-mail address may have
	// before the fake answers 429 tooManyUnverifiedOrders (default 3).
	MaxUnverified int
	// Now replaces the clock.
	Now func() time.Time
}

// Fault is one injected failure.
type Fault = fakefault.Fault

// Server is the fake. Create it with New and Close it when done.
type Server struct {
	*fakefault.Server
	opts Options

	mu      sync.Mutex
	objs    map[string]*object
	order   []string // ids in creation order
	keys    map[string]string
	tokens  map[string]string
	secrets map[string]string // innsynskravBestilling id -> verification secret
}

type object struct {
	id      string
	coll    string
	f       map[string]any // stored fields, refs as ids
	parents []string
	owner   string // journalenhet id; "" for objects without one
	orderer string // caller that created an innsynskrav order
	deleted bool
}

// NewServer starts the fake on loopback. With a non-nil t it is closed by t.Cleanup;
// without (a program, not a test) call Close.
func NewServer(t testing.TB, opts Options) *Server {
	if opts.MaxUnverified == 0 {
		opts.MaxUnverified = 3
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, objs: map[string]*object{}, keys: map[string]string{}, tokens: map[string]string{}, secrets: map[string]string{}}
	s.Server = fakefault.NewServer(fakefault.Config{Handler: http.HandlerFunc(s.serve), Plain: opts.Plain, Listener: opts.Listener,
		WriteStatus: func(w http.ResponseWriter, r *http.Request, status int) {
			writeError(w, status, typeFor(status), "injected fault", nil)
		}})
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// Enhet is an organisation unit to register in the fake.
type Enhet struct {
	// ID, when set, is the Enhet's id (an eInnsyn id, "enh_" and 26 base32 digits), so
	// that it stays the same from one run of the fake to the next; empty: a new id.
	ID        string
	Navn      string
	Orgnummer string
	// Parent is the id of the Enhet this one is a sub-unit of.
	Parent string
	// Enhetstype defaults to VIRKSOMHET, or AVDELING for a sub-unit.
	Enhetstype string
}

// AddEnhet registers an Enhet and returns its id.
func (s *Server) AddEnhet(e Enhet) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Enhetstype == "" {
		e.Enhetstype = "VIRKSOMHET"
		if e.Parent != "" {
			e.Enhetstype = "AVDELING"
		}
	}
	f := map[string]any{"navn": e.Navn, "enhetstype": e.Enhetstype, "kontaktpunktEpost": "post@example.org",
		"innsynskravEpost": "innsyn@example.org"}
	if e.Orgnummer != "" {
		f["orgnummer"] = e.Orgnummer
	}
	o := s.storeID(e.ID, "enhet", "enh", f, nil, "")
	if e.Parent != "" {
		o.f["parent"] = e.Parent
		o.parents = []string{e.Parent}
	}
	o.owner = o.id
	return o.id
}

// AddAPIKey gives the Enhet an API key and returns its secret, ready for
// einnsyn.Options.APIKey.
func (s *Server) AddAPIKey(enhetID string) auth.Secret {
	secret := "secret_" + strings.ToLower(rand.Text())
	s.mu.Lock()
	s.keys[secret] = enhetID
	s.mu.Unlock()
	return auth.Secret(secret)
}

// AddAPIKeySecret accepts secret as an API key of the Enhet: a key kept from an earlier
// run of the fake (AddAPIKey makes a new one).
func (s *Server) AddAPIKeySecret(secret auth.Secret, enhetID string) {
	s.mu.Lock()
	s.keys[string(secret)] = enhetID
	s.mu.Unlock()
}

// AddBearerToken accepts token as a bearer token for a person of the Enhet (as
// Ansattporten would give).
func (s *Server) AddBearerToken(token, enhetID string) {
	s.mu.Lock()
	s.tokens[token] = enhetID
	s.mu.Unlock()
}

// VerificationSecret is the secret eInnsyn would mail for an innsynskrav order.
func (s *Server) VerificationSecret(bestillingID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secrets[bestillingID]
}

// Count is how many live objects the collection holds.
func (s *Server) Count(coll string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.objs {
		if o.coll == coll && !o.deleted {
			n++
		}
	}
	return n
}

var prefixes = map[string]string{
	"apiKey": "key", "arkiv": "ark", "arkivdel": "arkd", "dokumentbeskrivelse": "db", "dokumentobjekt": "do",
	"enhet": "enh", "innsynskrav": "ikd", "innsynskravBestilling": "ik", "journalpost": "jp", "klasse": "kla",
	"klassifikasjonssystem": "ksys", "korrespondansepart": "kp", "matrikkelnummer": "mat", "moetedokument": "mdok",
	"moetemappe": "mm", "moetesak": "ms", "saksmappe": "sm", "skjerming": "skj", "utredning": "utr", "vedtak": "ved",
	"votering": "vot", "moetesaksbeskrivelse": "msb", "identifikator": "ide", "moetedeltaker": "md",
	"behandlingsprotokoll": "bp", "bruker": "bru", "lagretSak": "lsak", "lagretSoek": "lsoek", "tilbakemelding": "tbm",
}

var entityNames = map[string]string{
	"arkiv": "Arkiv", "arkivdel": "Arkivdel", "dokumentbeskrivelse": "Dokumentbeskrivelse", "dokumentobjekt": "Dokumentobjekt",
	"enhet": "Enhet", "innsynskrav": "Innsynskrav", "innsynskravBestilling": "InnsynskravBestilling", "journalpost": "Journalpost",
	"klasse": "Klasse", "korrespondansepart": "Korrespondansepart", "moetedokument": "Moetedokument", "moetemappe": "Moetemappe",
	"moetesak": "Moetesak", "saksmappe": "Saksmappe", "skjerming": "Skjerming", "matrikkelnummer": "Matrikkelnummer",
}

// The fields of each collection that hold references, with the collection referred to;
// an array field is written with [].
var refFields = map[string]map[string]string{
	"saksmappe":             {"journalenhet": "enhet", "klasse": "klasse", "arkivdel": "arkivdel", "administrativEnhetObjekt": "enhet", "journalpost[]": "journalpost"},
	"moetemappe":            {"journalenhet": "enhet", "klasse": "klasse", "arkivdel": "arkivdel", "utvalgObjekt": "enhet", "moetesak[]": "moetesak", "moetedokument[]": "moetedokument", "referanseForrigeMoete": "moetemappe", "referanseNesteMoete": "moetemappe"},
	"journalpost":           {"journalenhet": "enhet", "saksmappe": "saksmappe", "skjerming": "skjerming", "administrativEnhetObjekt": "enhet", "avhendetTil": "enhet", "korrespondansepart[]": "korrespondansepart", "dokumentbeskrivelse[]": "dokumentbeskrivelse"},
	"moetesak":              {"journalenhet": "enhet", "moetemappe": "moetemappe", "utvalgObjekt": "enhet", "korrespondansepart[]": "korrespondansepart", "dokumentbeskrivelse[]": "dokumentbeskrivelse"},
	"moetedokument":         {"journalenhet": "enhet", "moetemappe": "moetemappe", "korrespondansepart[]": "korrespondansepart", "dokumentbeskrivelse[]": "dokumentbeskrivelse"},
	"dokumentbeskrivelse":   {"journalenhet": "enhet", "dokumentobjekt[]": "dokumentobjekt"},
	"dokumentobjekt":        {"journalenhet": "enhet", "dokumentbeskrivelse": "dokumentbeskrivelse"},
	"korrespondansepart":    {"journalenhet": "enhet", "journalpost": "journalpost", "moetesak": "moetesak", "moetedokument": "moetedokument"},
	"skjerming":             {"journalenhet": "enhet"},
	"arkiv":                 {"journalenhet": "enhet", "arkiv": "arkiv"},
	"arkivdel":              {"journalenhet": "enhet", "arkiv": "arkiv"},
	"klasse":                {"journalenhet": "enhet", "arkivdel": "arkivdel", "klasse": "klasse"},
	"enhet":                 {"parent": "enhet", "handteresAv": "enhet", "underenhet[]": "enhet"},
	"innsynskrav":           {"innsynskravBestilling": "innsynskravBestilling", "journalpost": "journalpost", "enhet": "enhet"},
	"innsynskravBestilling": {"innsynskrav[]": "innsynskrav"},
}

// required lists the fields a create must carry (the OpenAPI *Create schemas).
var required = map[string][]string{
	"saksmappe":             {"offentligTittel", "offentligTittelSensitiv", "saksaar", "sakssekvensnummer"},
	"moetemappe":            {"offentligTittel", "offentligTittelSensitiv", "moetenummer", "utvalg", "moetedato"},
	"journalpost":           {"offentligTittel", "offentligTittelSensitiv", "journalaar", "journalsekvensnummer", "journalpostnummer", "journalposttype", "journaldato"},
	"moetesak":              {"offentligTittel", "offentligTittelSensitiv", "moetesakstype"},
	"moetedokument":         {"offentligTittel", "offentligTittelSensitiv", "moetedokumenttype"},
	"dokumentbeskrivelse":   {"tittel", "tittelSensitiv", "dokumentnummer", "tilknyttetRegistreringSom"},
	"dokumentobjekt":        {"referanseDokumentfil"},
	"korrespondansepart":    {"korrespondansepartNavn", "korrespondansepartNavnSensitiv", "korrespondanseparttype"},
	"skjerming":             {"tilgangsrestriksjon"},
	"arkiv":                 {"tittel"},
	"arkivdel":              {"tittel"},
	"klasse":                {},
	"innsynskrav":           {"journalpost"},
	"innsynskravBestilling": {"email", "innsynskrav"},
	"enhet":                 {"navn", "enhetstype"},
}

var enums = map[string][]string{
	"journalposttype": {"inngaaende_dokument", "utgaaende_dokument", "organinternt_dokument_uten_oppfoelging",
		"organinternt_dokument_for_oppfoelging", "saksframlegg", "sakskart", "moeteprotokoll", "moetebok", "ukjent"},
	"moetesakstype": {"moete", "politisk", "delegert", "interpellasjon", "godkjenning", "orientering", "referat", "annet"},
	"language":      {"nb", "nn", "en", "se"},
	"enhetstype": {"ADMINISTRATIVENHET", "AVDELING", "BYDEL", "DUMMYENHET", "FYLKE", "KOMMUNE", "ORGAN", "SEKSJON",
		"UTVALG", "VIRKSOMHET"},
}

var intFields = map[string]bool{"saksaar": true, "sakssekvensnummer": true, "journalaar": true, "journalsekvensnummer": true,
	"journalpostnummer": true, "dokumentnummer": true, "moetesaksaar": true, "moetesakssekvensnummer": true, "orderXmlVersjon": true}

var dateFields = map[string]bool{"journaldato": true, "dokumentetsDato": true, "saksdato": true, "avsluttetDato": true}

var dateTimeFields = map[string]bool{"moetedato": true, "accessibleAfter": true}

var readOnly = []string{"id", "entity", "deleted", "saksnummer", "publisertDato", "oppdatertDato", "url", "verified"}

// sensitive fields are shown only to the publisher.
var sensitive = []string{"offentligTittelSensitiv", "korrespondansepartNavnSensitiv", "tittelSensitiv", "saksbehandlerSensitiv", "referanseDokumentfil"}

// createRoutes are the allowed POST routes: parent collection -> child segment -> child collection.
var createRoutes = map[string]map[string]string{
	"":                      {"arkiv": "arkiv", "skjerming": "skjerming", "moetesak": "moetesak", "innsynskravBestilling": "innsynskravBestilling", "enhet": "enhet"},
	"arkiv":                 {"arkivdel": "arkivdel", "arkiv": "arkiv"},
	"arkivdel":              {"saksmappe": "saksmappe", "moetemappe": "moetemappe", "klasse": "klasse"},
	"klasse":                {"klasse": "klasse"},
	"saksmappe":             {"journalpost": "journalpost"},
	"journalpost":           {"korrespondansepart": "korrespondansepart", "dokumentbeskrivelse": "dokumentbeskrivelse", "skjerming": "skjerming"},
	"moetemappe":            {"moetesak": "moetesak", "moetedokument": "moetedokument"},
	"moetesak":              {"dokumentbeskrivelse": "dokumentbeskrivelse"},
	"moetedokument":         {"dokumentbeskrivelse": "dokumentbeskrivelse"},
	"dokumentbeskrivelse":   {"dokumentobjekt": "dokumentobjekt"},
	"enhet":                 {"underenhet": "enhet"},
	"innsynskravBestilling": {"innsynskrav": "innsynskrav"},
}

// listRoutes are the allowed GET child routes.
var listRoutes = map[string]map[string]string{
	"arkiv":                 {"arkivdel": "arkivdel", "arkiv": "arkiv"},
	"arkivdel":              {"saksmappe": "saksmappe", "moetemappe": "moetemappe", "klasse": "klasse"},
	"klasse":                {"klasse": "klasse", "saksmappe": "saksmappe", "moetemappe": "moetemappe"},
	"saksmappe":             {"journalpost": "journalpost"},
	"journalpost":           {"korrespondansepart": "korrespondansepart", "dokumentbeskrivelse": "dokumentbeskrivelse"},
	"moetemappe":            {"moetesak": "moetesak", "moetedokument": "moetedokument"},
	"moetesak":              {"dokumentbeskrivelse": "dokumentbeskrivelse"},
	"moetedokument":         {"dokumentbeskrivelse": "dokumentbeskrivelse"},
	"dokumentbeskrivelse":   {"dokumentobjekt": "dokumentobjekt"},
	"enhet":                 {"underenhet": "enhet", "innsynskrav": "innsynskrav", "arkiv": "arkiv"},
	"innsynskravBestilling": {"innsynskrav": "innsynskrav"},
}

// private collections are not public: only their owner reads them.
var private = map[string]bool{"innsynskrav": true, "innsynskravBestilling": true}

// store adds an object (caller holds mu).
func (s *Server) store(coll, prefix string, f map[string]any, parents []string, owner string) *object {
	return s.storeID("", coll, prefix, f, parents, owner)
}

// storeID is store under a given id ("" for a new one).
func (s *Server) storeID(id, coll, prefix string, f map[string]any, parents []string, owner string) *object {
	if id == "" {
		id = newID(prefix)
	}
	o := &object{id: id, coll: coll, f: f, parents: parents, owner: owner}
	s.objs[o.id] = o
	s.order = append(s.order, o.id)
	return o
}

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// NewID is a new eInnsyn id with prefix ("enh", "sm", "jp", ...), as the API makes
// them: for an Enhet.ID that is to stay the same across runs.
func NewID(prefix string) string { return newID(prefix) }

// newID is an eInnsyn id: prefix_ + a UUIDv7 in TypeID base32, so ids sort by creation.
func newID(prefix string) string {
	u, err := uuid.NewV7()
	if err != nil {
		panic(err)
	}
	// 128 bits in 26 base32 digits: the first digit holds the top 3 bits (130 bits in all).
	var out [26]byte
	hi := uint64(u[0])<<56 | uint64(u[1])<<48 | uint64(u[2])<<40 | uint64(u[3])<<32 | uint64(u[4])<<24 | uint64(u[5])<<16 | uint64(u[6])<<8 | uint64(u[7])
	lo := uint64(u[8])<<56 | uint64(u[9])<<48 | uint64(u[10])<<40 | uint64(u[11])<<32 | uint64(u[12])<<24 | uint64(u[13])<<16 | uint64(u[14])<<8 | uint64(u[15])
	for i := 25; i >= 0; i-- {
		out[i] = alphabet[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return prefix + "_" + string(out[:])
}

// caller is who made the request.
type caller struct {
	enhet string // "" = anonymous
	kind  string // ApiKey, Ansattporten
	token string
}

func (s *Server) authenticate(r *http.Request) (caller, *apiError) {
	var c caller
	key := r.Header.Get("API-KEY")
	bearer, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if r.Header.Get("Authorization") != "" && !hasBearer {
		return c, &apiError{401, "authenticationError", "Authorization must be a Bearer token", nil}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case key != "" && hasBearer:
		return c, &apiError{401, "authenticationError", "Use API-KEY or Authorization, not both", nil}
	case key != "":
		e, ok := s.keys[key]
		if !ok {
			return c, &apiError{401, "authenticationError", "Invalid API key", nil}
		}
		c = caller{enhet: e, kind: "ApiKey"}
	case hasBearer:
		e, ok := s.tokens[bearer]
		if !ok {
			return c, &apiError{401, "authenticationError", "Invalid or expired token", nil}
		}
		c = caller{enhet: e, kind: "Ansattporten", token: bearer}
	}
	if as := r.Header.Get("ACTING-AS"); as != "" {
		if c.enhet == "" {
			return c, &apiError{401, "authenticationError", "ACTING-AS needs an authenticated caller", nil}
		}
		target := ""
		for id, o := range s.objs {
			if o.coll == "enhet" && (id == as || o.f["orgnummer"] == as) {
				target = id
			}
		}
		if target == "" || !s.within(target, c.enhet) {
			return c, &apiError{403, "authorizationError", "Not authorized to act as that Enhet", nil}
		}
		c.enhet = target
	}
	return c, nil
}

// within reports whether enhet is root or below it (caller holds mu).
func (s *Server) within(enhet, root string) bool {
	for i := 0; enhet != "" && i < 64; i++ {
		if enhet == root {
			return true
		}
		o := s.objs[enhet]
		if o == nil {
			return false
		}
		p, _ := o.f["parent"].(string)
		enhet = p
	}
	return false
}

type apiError struct {
	status int
	typ    string
	msg    string
	fields []map[string]string
}

func typeFor(status int) string {
	switch status {
	case 400:
		return "badRequest"
	case 401:
		return "authenticationError"
	case 403:
		return "authorizationError"
	case 404:
		return "notFound"
	case 405:
		return "methodNotAllowed"
	case 409:
		return "conflict"
	case 429:
		return "tooManyRequests"
	case 502:
		return "networkError"
	}
	return "internalServerError"
}

func writeError(w http.ResponseWriter, status int, typ, msg string, fields []map[string]string) {
	body := map[string]any{"type": typ, "message": msg}
	if typ == "validationError" {
		if fields == nil {
			fields = []map[string]string{}
		}
		body["fieldError"] = fields
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	c, aerr := s.authenticate(r)
	if aerr == nil {
		var status int
		var body any
		status, body, aerr = s.route(r, c)
		if aerr == nil {
			writeJSON(w, status, body)
			return
		}
	}
	writeError(w, aerr.status, aerr.typ, aerr.msg, aerr.fields)
}

func (s *Server) route(r *http.Request, c caller) (int, any, *apiError) {
	segs := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	q := r.URL.Query()
	if len(q["expand"]) > 100 {
		return 0, nil, &apiError{400, "badRequest", "At most 100 expand paths", nil}
	}
	switch {
	case r.Method == http.MethodGet && len(segs) == 1 && segs[0] == "me":
		if c.enhet == "" {
			return 0, nil, &apiError{401, "authenticationError", "Not authenticated", nil}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		info := map[string]any{"entity": "AuthInfo", "authType": c.kind, "type": "Enhet", "id": c.enhet}
		if org, ok := s.objs[c.enhet].f["orgnummer"]; ok {
			info["orgnummer"] = org
		}
		return 200, info, nil
	case r.Method == http.MethodGet && len(segs) == 1 && segs[0] == "search":
		return s.search(r, c)
	case r.Method == http.MethodPatch && len(segs) == 4 && segs[0] == "innsynskravBestilling" && segs[2] == "verify":
		return s.verify(segs[1], segs[3], q)
	}
	if prefixes[segs[0]] == "" {
		return 0, nil, &apiError{404, "notFound", "No such route", nil}
	}
	switch {
	case len(segs) == 1 && r.Method == http.MethodGet:
		return s.list(r, c, segs[0], "", segs[0])
	case len(segs) == 1 && r.Method == http.MethodPost:
		return s.create(r, c, "", "", segs[0])
	case len(segs) == 2 && r.Method == http.MethodGet:
		return s.get(c, segs[0], segs[1], q["expand"])
	case len(segs) == 2 && r.Method == http.MethodPatch:
		return s.update(r, c, segs[0], segs[1])
	case len(segs) == 2 && r.Method == http.MethodDelete:
		return s.delete(c, segs[0], segs[1])
	case len(segs) == 3 && r.Method == http.MethodGet:
		child := listRoutes[segs[0]][segs[2]]
		if child == "" {
			return 0, nil, &apiError{404, "notFound", "No such route", nil}
		}
		return s.list(r, c, child, segs[1], segs[0])
	case len(segs) == 3 && r.Method == http.MethodPost:
		return s.create(r, c, segs[0], segs[1], segs[2])
	case len(segs) <= 3:
		return 0, nil, &apiError{405, "methodNotAllowed", "Method not allowed", nil}
	}
	return 0, nil, &apiError{404, "notFound", "No such route", nil}
}

// lookup finds a live object of coll by eInnsyn id or systemId (caller holds mu).
// lookup resolves an id as the backend's find does (caller holds mu): the eInnsyn id;
// for an identifier without the collection's prefix, the systemId (archive entities,
// except Arkiv and Arkivdel, whose systemId is not unique) or the externalId (every
// collection but Arkiv).
func (s *Server) lookup(coll, id string) *object {
	if o := s.objs[id]; o != nil && o.coll == coll && !o.deleted {
		return o
	}
	if strings.HasPrefix(id, prefixes[coll]+"_") || coll == "arkiv" {
		return nil
	}
	for _, field := range []string{"systemId", "externalId"} {
		if field == "systemId" && !systemIDUnique(coll) {
			continue
		}
		for _, oid := range s.order {
			o := s.objs[oid]
			if o.coll == coll && !o.deleted && o.f[field] == id {
				return o
			}
		}
	}
	return nil
}

// systemIDUnique: the backend refuses a second object with the same systemId in these
// collections (every archive entity but Arkiv and Arkivdel).
func systemIDUnique(coll string) bool {
	switch coll {
	case "arkiv", "arkivdel", "enhet", "bruker", "apiKey", "innsynskrav", "innsynskravBestilling", "lagretSak", "lagretSoek", "tilbakemelding":
		return false
	}
	return true
}

// conflict is the backend's findUniqueFieldMatch on create (caller holds mu): the
// systemId where it is unique, else the externalId (for Arkiv and Arkivdel together
// with the journalenhet), answered as 409 naming the existing object.
func (s *Server) conflict(coll, owner string, body map[string]any, self *object) *apiError {
	match := func(field, value string, sameEnhet bool) *apiError {
		if value == "" {
			return nil
		}
		for _, oid := range s.order {
			o := s.objs[oid]
			if o == self || o.coll != coll || o.deleted || o.f[field] != value || (sameEnhet && o.owner != owner) {
				continue
			}
			name := field
			if sameEnhet {
				name = "[" + field + ", journalenhet]"
			}
			return &apiError{409, "conflict", fmt.Sprintf("A conflicting object (%s) already exists. Duplicate value in the field `%s`.", o.id, name), nil}
		}
		return nil
	}
	sid, _ := body["systemId"].(string)
	ext, _ := body["externalId"].(string)
	if coll == "arkiv" || coll == "arkivdel" {
		return match("externalId", ext, true)
	}
	if systemIDUnique(coll) {
		if e := match("systemId", sid, false); e != nil {
			return e
		}
	}
	return match("externalId", ext, false)
}

// canRead reports whether c may see o (caller holds mu).
func (s *Server) canRead(c caller, o *object) bool {
	if private[o.coll] {
		return c.enhet != "" && (s.within(o.owner, c.enhet) || (o.orderer != "" && o.orderer == c.enhet+"|"+c.token))
	}
	if o.owner != "" && c.enhet != "" && s.within(o.owner, c.enhet) {
		return true
	}
	if aa, ok := o.f["accessibleAfter"].(string); ok {
		if t, err := time.Parse(time.RFC3339, aa); err == nil && s.opts.Now().Before(t) {
			return false
		}
	}
	return true
}

func (s *Server) owns(c caller, o *object) bool {
	return c.enhet != "" && o.owner != "" && s.within(o.owner, c.enhet)
}

// render returns the object as the API shows it to c, with expand paths applied
// (caller holds mu).
func (s *Server) render(c caller, o *object, expand []string, depth int) map[string]any {
	out := make(map[string]any, len(o.f)+3)
	owner := s.owns(c, o)
	for k, v := range o.f {
		if !owner && slices.Contains(sensitive, k) {
			continue
		}
		out[k] = v
	}
	// Write-only: a saksmappe's journalposter are read through the sub-collection.
	if o.coll == "saksmappe" {
		delete(out, "journalpost")
	}
	out["id"] = o.id
	if name := entityNames[o.coll]; name != "" {
		out["entity"] = name
	}
	if o.deleted {
		out["deleted"] = true
	}
	if depth > 8 {
		return out
	}
	for _, path := range expand {
		head, rest, _ := strings.Cut(path, ".")
		var sub []string
		if rest != "" {
			sub = []string{rest}
		}
		switch v := out[head].(type) {
		case string:
			if t := s.objs[v]; t != nil && s.canRead(c, t) {
				out[head] = s.render(c, t, sub, depth+1)
			}
		case []any:
			arr := make([]any, len(v))
			for i, x := range v {
				arr[i] = x
				if id, ok := x.(string); ok {
					if t := s.objs[id]; t != nil && s.canRead(c, t) {
						arr[i] = s.render(c, t, sub, depth+1)
					}
				}
			}
			out[head] = arr
		case map[string]any:
			// already expanded by an earlier path: expand further
			if id, ok := v["id"].(string); ok && rest != "" {
				if t := s.objs[id]; t != nil {
					out[head] = s.render(c, t, append(expandedPaths(v), rest), depth+1)
				}
			}
		}
	}
	return out
}

func expandedPaths(m map[string]any) []string {
	var p []string
	for k, v := range m {
		if _, ok := v.(map[string]any); ok {
			p = append(p, k)
		}
	}
	return p
}

func (s *Server) get(c caller, coll, id string, expand []string) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookup(coll, id)
	if o == nil || !s.canRead(c, o) {
		if o != nil && private[coll] && c.enhet == "" {
			return 0, nil, &apiError{401, "authenticationError", "Not authenticated", nil}
		}
		return 0, nil, &apiError{404, "notFound", fmt.Sprintf("%s %s not found", entityNames[coll], id), nil}
	}
	return 200, s.render(c, o, expand, 0), nil
}

// list answers GET /{coll} and GET /{parentColl}/{parent}/{child}.
func (s *Server) list(r *http.Request, c caller, coll, parent, parentColl string) (int, any, *apiError) {
	q := r.URL.Query()
	limit, order, aerr := pageParams(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if parent != "" {
		p := s.lookup(parentColl, parent)
		if p == nil || !s.canRead(c, p) {
			return 0, nil, &apiError{404, "notFound", "Parent not found", nil}
		}
		parent = p.id
	}
	if private[coll] && c.enhet == "" {
		return 0, nil, &apiError{401, "authenticationError", "Not authenticated", nil}
	}
	ids := q["ids"]
	ext := q["externalIds"]
	if len(ids) > 100 || len(ext) > 100 {
		return 0, nil, &apiError{400, "badRequest", "At most 100 ids", nil}
	}
	var all []*object
	for _, id := range s.order {
		o := s.objs[id]
		if o.coll != coll || o.deleted || !s.canRead(c, o) {
			continue
		}
		if parent != "" && !slices.Contains(o.parents, parent) {
			continue
		}
		if je := q.Get("journalenhet"); je != "" && !s.within(o.owner, s.enhetByIDOrOrg(je)) {
			continue
		}
		if len(ids) > 0 && !slices.Contains(ids, o.id) && !slices.Contains(ids, fmt.Sprint(o.f["systemId"])) {
			continue
		}
		if len(ext) > 0 && !slices.Contains(ext, fmt.Sprint(o.f["externalId"])) {
			continue
		}
		all = append(all, o)
	}
	if order == "desc" {
		slices.Reverse(all)
	}
	if len(ids) > 0 || len(ext) > 0 {
		items := make([]any, len(all))
		for i, o := range all {
			items[i] = s.render(c, o, q["expand"], 0)
		}
		return 200, map[string]any{"items": items}, nil
	}
	var after, before func(i int) bool
	if sa := q.Get("startingAfter"); sa != "" {
		after = func(i int) bool { return (order == "asc" && all[i].id > sa) || (order == "desc" && all[i].id < sa) }
	}
	if eb := q.Get("endingBefore"); eb != "" {
		before = func(i int) bool { return (order == "asc" && all[i].id < eb) || (order == "desc" && all[i].id > eb) }
	}
	start, end := window(len(all), limit, after, before)
	page := all[start:end]
	items := make([]any, len(page))
	for i, o := range page {
		items[i] = s.render(c, o, q["expand"], 0)
	}
	resp := map[string]any{"items": items}
	if len(page) > 0 && start+len(page) < len(all) {
		resp["next"] = s.link(r, q, "startingAfter", []string{page[len(page)-1].id})
	}
	if len(page) > 0 && start > 0 {
		resp["previous"] = s.link(r, q, "endingBefore", []string{page[0].id})
	}
	return 200, resp, nil
}

// window picks the page of n sorted items: those after the startingAfter cursor (after
// reports whether item i comes after it), or the last limit before the endingBefore cursor
// (before reports whether item i comes before it). It returns [start, end).
func window(n, limit int, after, before func(i int) bool) (start, end int) {
	end = n
	if after != nil {
		start = n
		for i := range n {
			if after(i) {
				start = i
				break
			}
		}
	}
	if before != nil {
		end = 0
		for i := range n {
			if before(i) {
				end = i + 1
			}
		}
		if end-start > limit {
			start = end - limit
		}
	}
	if start > end {
		start = end
	}
	return start, min(end, start+limit)
}

func (s *Server) enhetByIDOrOrg(v string) string {
	for id, o := range s.objs {
		if o.coll == "enhet" && (id == v || o.f["orgnummer"] == v) {
			return id
		}
	}
	return "-"
}

func pageParams(q url.Values) (int, string, *apiError) {
	limit := 25
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return 0, "", &apiError{400, "validationError", "Invalid limit", []map[string]string{{"fieldName": "limit", "value": v, "message": "must be between 1 and 100"}}}
		}
		limit = n
	}
	order := "desc"
	if v := q.Get("sortOrder"); v != "" {
		if v != "asc" && v != "desc" {
			return 0, "", &apiError{400, "validationError", "Invalid sortOrder", []map[string]string{{"fieldName": "sortOrder", "value": v, "message": "must be asc or desc"}}}
		}
		order = v
	}
	return limit, order, nil
}

// link builds a next/previous link from the request's path and query, as the backend does.
func (s *Server) link(r *http.Request, q url.Values, cursor string, vals []string) string {
	nq := url.Values{}
	for k, v := range q {
		if k != "startingAfter" && k != "endingBefore" {
			nq[k] = v
		}
	}
	nq[cursor] = vals
	l := r.URL.Path + "?" + nq.Encode()
	if s.opts.AbsoluteLinks {
		return s.URL() + l
	}
	return l
}

// create answers POST /{coll} and POST /{parentColl}/{parent}/{seg}.
func (s *Server) create(r *http.Request, c caller, parentColl, parent, seg string) (int, any, *apiError) {
	coll := createRoutes[parentColl][seg]
	if coll == "" {
		return 0, nil, &apiError{405, "methodNotAllowed", "Cannot create here", nil}
	}
	var body map[string]any
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4<<20))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return 0, nil, &apiError{400, "badRequest", "Body is not a JSON object", nil}
	}
	if coll != "innsynskravBestilling" && c.enhet == "" {
		return 0, nil, &apiError{401, "authenticationError", "Not authenticated", nil}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var parents []string
	owner := c.enhet
	if parent != "" {
		p := s.lookup(parentColl, parent)
		if p == nil {
			return 0, nil, &apiError{404, "notFound", fmt.Sprintf("%s %s not found", entityNames[parentColl], parent), nil}
		}
		if !s.owns(c, p) && !(parentColl == "enhet" && s.within(p.id, c.enhet)) {
			return 0, nil, &apiError{403, "authorizationError", "Not authorized to add to this object", nil}
		}
		parents = []string{p.id}
	}
	if coll == "enhet" && parent == "" {
		return 0, nil, &apiError{403, "authorizationError", "Only administrators create top-level Enhet", nil}
	}
	var fields []map[string]string
	s.check(coll, "", body, &fields, true)
	if len(fields) > 0 {
		return 0, nil, &apiError{400, "validationError", "Validation failed", fields}
	}
	if coll == "innsynskravBestilling" {
		if aerr := s.checkOrders(body); aerr != nil {
			return 0, nil, aerr
		}
	}
	if aerr := s.conflict(coll, owner, body, nil); aerr != nil {
		return 0, nil, aerr
	}
	o := s.insert(c, coll, body, parents, owner)
	return 201, s.render(c, o, nil, 0), nil
}

// check validates a create body of coll, nested objects included (caller holds mu).
func (s *Server) check(coll, path string, body map[string]any, fields *[]map[string]string, create bool) {
	add := func(name, value, msg string) {
		*fields = append(*fields, map[string]string{"fieldName": path + name, "value": value, "message": msg})
	}
	for _, k := range readOnly {
		if _, ok := body[k]; ok {
			add(k, "", "is read-only")
		}
	}
	if create {
		for _, k := range required[coll] {
			v, ok := body[k]
			if !ok || v == nil || v == "" {
				add(k, "", "must not be empty")
			}
		}
	}
	for k, v := range body {
		switch {
		case intFields[k]:
			n, ok := v.(json.Number)
			if _, err := n.Int64(); !ok || err != nil {
				add(k, fmt.Sprint(v), "must be an integer")
			}
		case dateFields[k]:
			if str, _ := v.(string); str != "" {
				if _, err := time.Parse(time.DateOnly, str); err != nil {
					add(k, str, "must be a date (YYYY-MM-DD)")
				}
			}
		case dateTimeFields[k]:
			if str, _ := v.(string); str != "" {
				if _, err := time.Parse(time.RFC3339, str); err != nil {
					add(k, str, "must be a date-time (RFC 3339)")
				}
			}
		case enums[k] != nil:
			if str, _ := v.(string); !slices.Contains(enums[k], str) {
				add(k, fmt.Sprint(v), "must be one of "+strings.Join(enums[k], ", "))
			}
		}
	}
	if coll == "journalpost" {
		if n, ok := body["journalaar"].(json.Number); ok {
			if y, _ := n.Int64(); y < 1700 {
				add("journalaar", n.String(), "must be at least 1700")
			}
		}
	}
	if b, ok := body["beskrivelse"].(string); ok && len(b) > 1000 {
		add("beskrivelse", "", "must be at most 1000 characters")
	}
	for field, target := range refFields[coll] {
		name, isArr := strings.CutSuffix(field, "[]")
		v, ok := body[name]
		if !ok {
			continue
		}
		vals := []any{v}
		if isArr {
			arr, ok := v.([]any)
			if !ok {
				add(name, "", "must be an array")
				continue
			}
			vals = arr
		}
		for i, x := range vals {
			p := name
			if isArr {
				p = fmt.Sprintf("%s[%d]", name, i)
			}
			switch x := x.(type) {
			case string:
				if s.lookup(target, x) == nil {
					add(p, x, "no such "+entityNames[target])
				}
			case map[string]any:
				s.check(target, path+p+".", x, fields, true)
			default:
				add(p, "", "must be an id or an object")
			}
		}
	}
}

func (s *Server) checkOrders(body map[string]any) *apiError {
	email, _ := body["email"].(string)
	n := 0
	for _, o := range s.objs {
		if o.coll == "innsynskravBestilling" && o.f["email"] == email && o.f["verified"] == false {
			n++
		}
	}
	if n >= s.opts.MaxUnverified {
		return &apiError{429, "tooManyUnverifiedOrders", "Too many unverified orders for this address", nil}
	}
	return nil
}

// insert stores body as coll, creating nested objects first (caller holds mu; body valid).
func (s *Server) insert(c caller, coll string, body map[string]any, parents []string, owner string) *object {
	now := s.opts.Now().UTC().Format(time.RFC3339)
	f := map[string]any{}
	for k, v := range body {
		f[k] = plain(v)
	}
	prefix := prefixes[coll]
	o := s.store(coll, prefix, f, parents, owner)
	if owner != "" && coll != "enhet" && coll != "innsynskravBestilling" && coll != "innsynskrav" {
		if _, ok := f["journalenhet"]; !ok {
			f["journalenhet"] = owner
		}
	}
	switch coll {
	case "saksmappe":
		f["saksnummer"] = fmt.Sprintf("%v/%v", f["saksaar"], f["sakssekvensnummer"])
		if len(parents) > 0 {
			f["arkivdel"] = parents[0]
		}
		if _, ok := f["administrativEnhetObjekt"]; !ok {
			f["administrativEnhetObjekt"] = owner
		}
	case "moetemappe":
		if len(parents) > 0 {
			f["arkivdel"] = parents[0]
		}
		if _, ok := f["utvalgObjekt"]; !ok {
			f["utvalgObjekt"] = owner
		}
	case "journalpost":
		if len(parents) > 0 {
			f["saksmappe"] = parents[0]
		}
	case "moetesak", "moetedokument":
		if len(parents) > 0 {
			f["moetemappe"] = parents[0]
		}
	case "korrespondansepart":
		if len(parents) > 0 {
			f[s.objs[parents[0]].coll] = parents[0]
		}
	case "dokumentobjekt":
		if len(parents) > 0 {
			f["dokumentbeskrivelse"] = parents[0]
		}
		f["url"] = s.URL() + "/dokumentobjekt/" + o.id + "/download"
	case "arkivdel", "klasse":
		if len(parents) > 0 {
			f[s.objs[parents[0]].coll] = parents[0]
		}
	case "enhet":
		o.owner = o.id
		if len(parents) > 0 {
			f["parent"] = parents[0]
		}
	case "innsynskravBestilling":
		o.owner = ""
		o.orderer = c.enhet + "|" + c.token
		f["verified"] = c.enhet != ""
		if c.enhet == "" {
			s.secrets[o.id] = strings.ToLower(rand.Text())
		}
	case "innsynskrav":
		if len(parents) > 0 {
			f["innsynskravBestilling"] = parents[0]
			o.orderer = s.objs[parents[0]].orderer
			f["email"] = s.objs[parents[0]].f["email"]
		}
		if jp := s.lookup("journalpost", fmt.Sprint(f["journalpost"])); jp != nil {
			o.owner = jp.owner
			f["enhet"] = jp.owner
			o.parents = append(o.parents, jp.owner)
		}
	}
	if coll == "saksmappe" || coll == "moetemappe" || coll == "journalpost" || coll == "moetesak" || coll == "moetedokument" {
		f["publisertDato"] = now
		f["oppdatertDato"] = now
	}
	// Nested objects become children; the field keeps their ids.
	for field, target := range refFields[coll] {
		name, isArr := strings.CutSuffix(field, "[]")
		if name == "journalenhet" || name == "parent" {
			continue
		}
		v, ok := f[name]
		if !ok {
			continue
		}
		childOwner := owner
		if coll == "innsynskravBestilling" {
			childOwner = ""
		}
		if isArr {
			arr, _ := v.([]any)
			ids := make([]any, len(arr))
			for i, x := range arr {
				if m, ok := x.(map[string]any); ok {
					ids[i] = s.insert(c, target, m, []string{o.id}, childOwner).id
				} else {
					ids[i] = x
					if t := s.lookup(target, fmt.Sprint(x)); t != nil && !slices.Contains(t.parents, o.id) {
						t.parents = append(t.parents, o.id)
					}
				}
			}
			f[name] = ids
		} else if m, ok := v.(map[string]any); ok {
			f[name] = s.insert(c, target, m, nil, childOwner).id
		} else if t := s.lookup(target, fmt.Sprint(v)); t != nil {
			f[name] = t.id
		}
	}
	return o
}

// plain turns json.Number into int64 or float64 for storage.
func plain(v any) any {
	switch v := v.(type) {
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n
		}
		f, _ := v.Float64()
		return f
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = plain(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = plain(x)
		}
		return out
	}
	return v
}

func (s *Server) update(r *http.Request, c caller, coll, id string) (int, any, *apiError) {
	var body map[string]any
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 4<<20))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return 0, nil, &apiError{400, "badRequest", "Body is not a JSON object", nil}
	}
	if c.enhet == "" {
		return 0, nil, &apiError{401, "authenticationError", "Not authenticated", nil}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookup(coll, id)
	if o == nil || !s.canRead(c, o) {
		return 0, nil, &apiError{404, "notFound", fmt.Sprintf("%s %s not found", entityNames[coll], id), nil}
	}
	if !s.owns(c, o) {
		return 0, nil, &apiError{403, "authorizationError", "Not authorized to change this object", nil}
	}
	var fields []map[string]string
	s.check(coll, "", body, &fields, false)
	for _, k := range required[coll] {
		if v, ok := body[k]; ok && (v == nil || v == "") {
			fields = append(fields, map[string]string{"fieldName": k, "message": "must not be empty"})
		}
	}
	if len(fields) > 0 {
		return 0, nil, &apiError{400, "validationError", "Validation failed", fields}
	}
	if aerr := s.conflict(o.coll, o.owner, body, o); aerr != nil {
		return 0, nil, aerr
	}
	for k, v := range body {
		if _, isRef := refFields[coll][k+"[]"]; isRef {
			continue // children are added through their own routes
		}
		o.f[k] = plain(v)
	}
	if _, ok := o.f["oppdatertDato"]; ok {
		o.f["oppdatertDato"] = s.opts.Now().UTC().Format(time.RFC3339)
	}
	if coll == "saksmappe" {
		o.f["saksnummer"] = fmt.Sprintf("%v/%v", o.f["saksaar"], o.f["sakssekvensnummer"])
	}
	return 200, s.render(c, o, nil, 0), nil
}

func (s *Server) delete(c caller, coll, id string) (int, any, *apiError) {
	if c.enhet == "" {
		return 0, nil, &apiError{401, "authenticationError", "Not authenticated", nil}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookup(coll, id)
	if o == nil || !s.canRead(c, o) {
		return 0, nil, &apiError{404, "notFound", fmt.Sprintf("%s %s not found", entityNames[coll], id), nil}
	}
	if !s.owns(c, o) {
		return 0, nil, &apiError{403, "authorizationError", "Not authorized to delete this object", nil}
	}
	s.remove(o)
	return 200, s.render(c, o, nil, 0), nil
}

// remove deletes o and the children it owns (caller holds mu).
func (s *Server) remove(o *object) {
	o.deleted = true
	for _, x := range s.objs {
		if !x.deleted && len(x.parents) > 0 && x.parents[0] == o.id && x.coll != "enhet" && x.coll != "innsynskrav" {
			s.remove(x)
		}
	}
}

func (s *Server) verify(id, secret string, _ url.Values) (int, any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.lookup("innsynskravBestilling", id)
	if o == nil {
		return 0, nil, &apiError{404, "notFound", "InnsynskravBestilling not found", nil}
	}
	want, ok := s.secrets[o.id]
	if o.f["verified"] == true {
		return 200, s.render(caller{}, o, nil, 0), nil
	}
	if !ok || secret != want {
		return 0, nil, &apiError{403, "authorizationError", "Wrong verification secret", nil}
	}
	o.f["verified"] = true
	return 200, s.render(caller{}, o, nil, 0), nil
}

var searchSort = []string{"administrativEnhetNavn", "dokumentetsDato", "entity", "fulltekst", "id", "journaldato",
	"journalpostnummer", "journalposttype", "korrespondansepartNavn", "moetedato", "oppdatertDato", "publisertDato",
	"standardDato", "sakssekvensnummer", "score", "tittel"}

type hit struct {
	o     *object
	score int
	key   string
}

func (s *Server) search(r *http.Request, c caller) (int, any, *apiError) {
	q := r.URL.Query()
	limit, order, aerr := pageParams(q)
	if aerr != nil {
		return 0, nil, aerr
	}
	sortBy := q.Get("sortBy")
	if sortBy == "" {
		sortBy = "score"
	}
	if !slices.Contains(searchSort, sortBy) {
		return 0, nil, &apiError{400, "validationError", "Invalid sortBy", []map[string]string{{"fieldName": "sortBy", "value": sortBy, "message": "not a sort field"}}}
	}
	for _, k := range []string{"startingAfter", "endingBefore"} {
		if v := q[k]; len(v) != 0 && len(v) != 2 {
			return 0, nil, &apiError{400, "validationError", "Invalid cursor", []map[string]string{{"fieldName": k, "message": "must be [sortValue, id]"}}}
		}
	}
	entities := q["entity"]
	for _, e := range entities {
		if !slices.Contains([]string{"Journalpost", "Moetemappe", "Moetesak", "Saksmappe"}, e) {
			return 0, nil, &apiError{400, "validationError", "Invalid entity", []map[string]string{{"fieldName": "entity", "value": e, "message": "not searchable"}}}
		}
	}
	words := strings.Fields(strings.ToLower(q.Get("query")))
	s.mu.Lock()
	defer s.mu.Unlock()
	var hits []hit
	for _, id := range s.order {
		o := s.objs[id]
		name := entityNames[o.coll]
		if o.deleted || !slices.Contains([]string{"Journalpost", "Moetemappe", "Moetesak", "Saksmappe"}, name) || !s.canRead(c, o) {
			continue
		}
		if len(entities) > 0 && !slices.Contains(entities, name) {
			continue
		}
		if !s.filter(q, o) {
			continue
		}
		text := strings.ToLower(fmt.Sprint(o.f["offentligTittel"]))
		if o.coll == "journalpost" {
			for _, kp := range ids(o.f["korrespondansepart"]) {
				if k := s.objs[kp]; k != nil {
					text += " " + strings.ToLower(fmt.Sprint(k.f["korrespondansepartNavn"]))
				}
			}
		}
		score, ok := 0, true
		for _, w := range words {
			if ex, neg := strings.CutPrefix(w, "-"); neg {
				if strings.Contains(text, ex) {
					ok = false
				}
				continue
			}
			w = strings.Trim(w, `"`)
			if !strings.Contains(text, w) {
				ok = false
				break
			}
			score += strings.Count(text, w)
		}
		if !ok {
			continue
		}
		h := hit{o: o, score: score}
		switch sortBy {
		case "score":
			h.key = fmt.Sprintf("%08d", score)
		case "id", "entity":
			h.key = map[string]string{"id": o.id, "entity": name}[sortBy]
		case "tittel":
			h.key = fmt.Sprint(o.f["offentligTittel"])
		default:
			if v, ok := o.f[sortBy]; ok {
				h.key = fmt.Sprint(v)
			}
		}
		hits = append(hits, h)
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].key != hits[j].key {
			return (hits[i].key < hits[j].key) == (order == "asc")
		}
		return (hits[i].o.id < hits[j].o.id) == (order == "asc")
	})
	after := func(h hit, cur []string) bool {
		if h.key != cur[0] {
			return (h.key > cur[0]) == (order == "asc")
		}
		if h.o.id == cur[1] {
			return false
		}
		return (h.o.id > cur[1]) == (order == "asc")
	}
	var afterCur, beforeCur func(i int) bool
	if cur := q["startingAfter"]; len(cur) == 2 {
		afterCur = func(i int) bool { return after(hits[i], cur) }
	}
	if cur := q["endingBefore"]; len(cur) == 2 {
		beforeCur = func(i int) bool {
			h := hits[i]
			return !after(h, cur) && !(h.key == cur[0] && h.o.id == cur[1])
		}
	}
	start, end := window(len(hits), limit, afterCur, beforeCur)
	page := hits[start:end]
	items := make([]any, len(page))
	for i, h := range page {
		items[i] = s.render(c, h.o, q["expand"], 0)
	}
	resp := map[string]any{"items": items}
	if len(page) > 0 && start+len(page) < len(hits) {
		last := page[len(page)-1]
		resp["next"] = s.link(r, q, "startingAfter", []string{last.key, last.o.id})
	}
	if len(page) > 0 && start > 0 {
		resp["previous"] = s.link(r, q, "endingBefore", []string{page[0].key, page[0].o.id})
	}
	return 200, resp, nil
}

func (s *Server) filter(q url.Values, o *object) bool {
	if v := q["journalposttype"]; len(v) > 0 && !slices.Contains(v, fmt.Sprint(o.f["journalposttype"])) {
		return false
	}
	if v := q.Get("journalenhet"); v != "" && !s.within(o.owner, s.enhetByIDOrOrg(v)) {
		return false
	}
	if v := q["administrativEnhet"]; len(v) > 0 {
		ok := false
		for _, e := range v {
			if s.within(o.owner, s.enhetByIDOrOrg(e)) || o.f["administrativEnhet"] == e {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	if v := q["saksaar"]; len(v) > 0 && !slices.Contains(v, fmt.Sprint(o.f["saksaar"])) {
		return false
	}
	if v := q["ids"]; len(v) > 0 && !slices.Contains(v, o.id) {
		return false
	}
	jd, _ := o.f["journaldato"].(string)
	if v := q.Get("journaldatoFrom"); v != "" && (jd == "" || jd < v) {
		return false
	}
	if v := q.Get("journaldatoTo"); v != "" && (jd == "" || jd > v) {
		return false
	}
	return true
}

func ids(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Objects returns a copy of the stored fields of every live object of coll, in creation
// order, as the publisher sees them (for assertions in tests).
func (s *Server) Objects(coll string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, id := range s.order {
		o := s.objs[id]
		if o.coll == coll && !o.deleted {
			m := maps.Clone(o.f)
			m["id"] = o.id
			out = append(out, m)
		}
	}
	return out
}
