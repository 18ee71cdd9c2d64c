// Package minsidetest is an in-process fake of Fiks Innsyn's index and delete APIs (Min
// side), held to the service's rules: FIKS authentication, the privilege "Innsyn Index"
// per Fiks organisation (403 INNSYN.INTEGRASJON_IKKE_AUTORISERT_FOR_INDEX with errorJson
// naming the first refused pair), IndexRequestV2 checked whole before anything is stored
// (4XX: nothing of the batch is written, as KS documents), meldingMetadata base64-decoded
// and validated against its versjon's JSON Schema, at most 5000 meldinger (else 422), a
// consent list per person for manglerSamtykke, and each integrasjon deleting only what it
// indexed. Faults come from fikstest (FailNext, InjectFault), plus FailPartly: a 500 after
// part of a batch was stored, as the real service may answer.
package minsidetest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/minside"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// Privilege is the integrasjon privilege "Innsyn Index" on Fiks organisation fiksOrgID,
// for fikstest.Integrasjon.Privileges.
func Privilege(fiksOrgID string) string { return "innsyn:index:" + strings.ToLower(fiksOrgID) }

// MaxBodyBytes bounds a request body (5000 meldinger with their metadata fit well).
const MaxBodyBytes = 64 << 20

// Options configure the fake.
type Options struct {
	// Maskinporten issues the tokens the fake accepts (required).
	Maskinporten *maskinportentest.Server
	// Plain serves HTTP instead of HTTPS (loopback only).
	Plain bool
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Melding is an indexed melding as the fake holds it.
type Melding struct {
	MeldingID          string
	FiksOrganisasjonID string
	Sikkerhetsniva     int
	// EksponertForType and EksponertForVerdi are as sent (a fødselsnummer in full).
	EksponertForType  string
	EksponertForVerdi string
	EksternRef        string
	Versjon           minside.Versjon
	TilgjengeligTil   string
	// Metadata is the decoded meldingMetadata JSON.
	Metadata json.RawMessage
	// IntegrasjonID indexed it; Indeksert is when (first), Oppdatert when last.
	IntegrasjonID string
	Indeksert     time.Time
	Oppdatert     time.Time
	// Versjoner counts how many times it was indexed.
	Versjoner int
}

// Server is the fake.
type Server struct {
	*fikstest.Server
	auth *fikstest.Auth
	now  func() time.Time

	mu           sync.Mutex
	meldinger    map[string]*Melding
	utenSamtykke map[string]bool
	batches      []int
	partly       []int
	slettJobs    int
}

// NewServer starts the fake; with t it is closed when the test ends.
func NewServer(t testing.TB, opts Options) *Server {
	if opts.Maskinporten == nil {
		panic("minsidetest: Options.Maskinporten is required")
	}
	s := &Server{auth: fikstest.NewAuth(opts.Maskinporten), now: opts.Now, meldinger: map[string]*Melding{}, utenSamtykke: map[string]bool{}}
	if s.now == nil {
		s.now = time.Now
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /innsyn-index/api/v2/indexRequest", s.index)
	mux.HandleFunc("POST /innsyn-index/api/v1/delete/slettByMeldingId", s.slettByID)
	mux.HandleFunc("DELETE /innsyn-index/api/v1/delete/slett", s.slett)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fikstest.WriteError(w, r, http.StatusNotFound, "Ukjent ressurs")
	})
	s.Server = fikstest.NewHTTPServer(s.auth.Require(mux), opts.Plain)
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// AddIntegrasjon lets an integrasjon call the fake; give it Privilege(org) for each
// organisation it may index for.
func (s *Server) AddIntegrasjon(i fikstest.Integrasjon) { s.auth.Add(i) }

// UtenSamtykke marks persons as not having consented to Fiks Innsyn: meldinger exposed
// for them are blocked (manglerSamtykke).
func (s *Server) UtenSamtykke(fnr ...ident.Foedselsnummer) {
	s.mu.Lock()
	for _, f := range fnr {
		s.utenSamtykke[f.Unmasked()] = true
	}
	s.mu.Unlock()
}

// FailPartly makes the next index request store its first n meldinger and then answer
// 500, as Innsyn may ("an unknown number of meldinger may have been indexed").
func (s *Server) FailPartly(n int) {
	s.mu.Lock()
	s.partly = append(s.partly, n)
	s.mu.Unlock()
}

// Melding is a copy of the melding with id, nil when there is none.
func (s *Server) Melding(id string) *Melding {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.meldinger[strings.ToLower(id)]
	if m == nil {
		return nil
	}
	c := *m
	return &c
}

// Meldinger are copies of every melding held, by melding id.
func (s *Server) Meldinger() []Melding {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Melding, 0, len(s.meldinger))
	for _, m := range s.meldinger {
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Melding) int { return strings.Compare(a.MeldingID, b.MeldingID) })
	return out
}

// Batches are the sizes of the index requests answered 200, in order.
func (s *Server) Batches() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.batches)
}

type eksponertFor struct {
	IdentifikatorType *string `json:"identifikatorType"`
	Verdi             *string `json:"verdi"`
}

type indexMelding struct {
	MeldingID          *string       `json:"meldingId"`
	Sikkerhetsniva     *int          `json:"sikkerhetsniva"`
	EksponertFor       *eksponertFor `json:"eksponertFor"`
	FiksOrganisasjonID *string       `json:"fiksOrganisasjonId"`
	EksternRef         *string       `json:"eksternRef"`
	Versjon            *string       `json:"versjon"`
	TilgjengeligTil    *string       `json:"tilgjengeligTil"`
	MeldingMetadata    *string       `json:"meldingMetadata"`
}

var (
	fnrRe, orgnrRe = regexp.MustCompile(`^[0-9]{11}$`), regexp.MustCompile(`^[0-9]{9}$`)
	eksternRefRe   = regexp.MustCompile(`^[A-Za-zæøåÆØÅ0-9_.,/\-_ ]+$`)
	matrikkelRe    = regexp.MustCompile(`^[0-9]{4}-[0-9]+/[0-9]+/[0-9]+/[0-9]+$`)
)

// checkMelding applies IndexMeldingV2's rules; it returns the problems.
func checkMelding(i int, m indexMelding) (problems []string, metadata []byte) {
	at := func(f, p string) { problems = append(problems, fmt.Sprintf("meldinger[%d].%s: %s", i, f, p)) }
	switch {
	case m.MeldingID == nil:
		at("meldingId", "påkrevd")
	case uuid.Validate(*m.MeldingID) != nil:
		at("meldingId", "må være en UUID")
	}
	switch {
	case m.FiksOrganisasjonID == nil:
		at("fiksOrganisasjonId", "påkrevd")
	case uuid.Validate(*m.FiksOrganisasjonID) != nil:
		at("fiksOrganisasjonId", "må være en UUID")
	}
	switch {
	case m.Sikkerhetsniva == nil:
		at("sikkerhetsniva", "påkrevd")
	case *m.Sikkerhetsniva < 0:
		at("sikkerhetsniva", "må være minst 0")
	}
	if m.EksternRef != nil && !eksternRefRe.MatchString(*m.EksternRef) {
		at("eksternRef", "samsvarer ikke med mønsteret")
	}
	if m.TilgjengeligTil != nil {
		if _, err := time.Parse(time.RFC3339, *m.TilgjengeligTil); err != nil {
			at("tilgjengeligTil", "er ikke en gyldig ISO-8601 date-time")
		}
	}
	if e := m.EksponertFor; e == nil || e.IdentifikatorType == nil || e.Verdi == nil {
		at("eksponertFor", "identifikatorType og verdi er påkrevd")
	} else {
		switch *e.IdentifikatorType {
		// The spec asks for "et 11 siffret fødselsnummer" and "et 9 siffret
		// organisasjonsnummer" and KS's own example request carries a number whose check
		// digits fail: Innsyn checks the length, not the check digits. (The client does.)
		case "FODSELSNUMMER":
			if !digitsRe(11).MatchString(*e.Verdi) {
				at("eksponertFor.verdi", "et fødselsnummer er 11 siffer")
			}
		case "ORGANISASJONSNUMMER":
			if !digitsRe(9).MatchString(*e.Verdi) {
				at("eksponertFor.verdi", "et organisasjonsnummer er 9 siffer")
			}
		case "MATRIKKELNUMMER":
			if !matrikkelRe.MatchString(*e.Verdi) {
				at("eksponertFor.verdi", "et matrikkelnummer er <kommunenr>-<gardsnr>/<bruksnr>/<festenr>/<seksjonsnr>")
			}
		case "OFFENTLIG":
		default:
			at("eksponertFor.identifikatorType", "ukjent type")
		}
	}
	switch {
	case m.Versjon == nil:
		at("versjon", "påkrevd")
	case !minside.Versjon(*m.Versjon).Known():
		at("versjon", "ukjent versjon "+strconv.Quote(*m.Versjon))
	}
	if m.MeldingMetadata == nil {
		at("meldingMetadata", "påkrevd")
		return problems, nil
	}
	b, err := base64.StdEncoding.DecodeString(*m.MeldingMetadata)
	if err != nil {
		at("meldingMetadata", "er ikke gyldig Base64")
		return problems, nil
	}
	if m.Versjon != nil && minside.Versjon(*m.Versjon).Known() {
		if err := minside.ValidateMetadata(minside.Versjon(*m.Versjon), b); err != nil {
			at("meldingMetadata", "validerer ikke mot "+*m.Versjon+": "+err.Error())
		}
	}
	return problems, b
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	caller, _ := fikstest.CallerFrom(r.Context())
	var req struct {
		Meldinger []indexMelding `json:"meldinger"`
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	switch {
	case err != nil:
		fikstest.WriteError(w, r, http.StatusBadRequest, "Kunne ikke lese forespørselen")
		return
	case len(b) > MaxBodyBytes:
		fikstest.WriteError(w, r, http.StatusRequestEntityTooLarge, "Forespørselen er for stor")
		return
	case !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json"):
		fikstest.WriteError(w, r, http.StatusUnsupportedMediaType, "Content-Type må være application/json")
		return
	}
	if err := json.Unmarshal(b, &req); err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "JSON parse error")
		return
	}
	switch {
	case len(req.Meldinger) == 0:
		fikstest.WriteError(w, r, http.StatusBadRequest, "meldinger: minst én melding er påkrevd")
		return
	case len(req.Meldinger) > minside.MaxBatch:
		fikstest.WriteError(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("Antall meldinger (%d) overgår øvre begrensning (%d)", len(req.Meldinger), minside.MaxBatch))
		return
	}
	var problems []string
	metadata := make([][]byte, len(req.Meldinger))
	for i, m := range req.Meldinger {
		p, md := checkMelding(i, m)
		problems = append(problems, p...)
		metadata[i] = md
	}
	if len(problems) > 0 {
		fikstest.WriteError(w, r, http.StatusBadRequest, "Validering feilet: "+strings.Join(problems, "; "))
		return
	}
	for _, m := range req.Meldinger {
		if !authorized(w, r, caller, *m.FiksOrganisasjonID, "Integrasjonen er ikke autorisert for å indeksere på vegne av organisasjonen") {
			return
		}
	}
	s.mu.Lock()
	partly := -1
	if len(s.partly) > 0 {
		partly, s.partly = s.partly[0], s.partly[1:]
	}
	var opprettet, oppdatert int
	blocked := []string{}
	now := s.now()
	for i, m := range req.Meldinger {
		if i == partly {
			break
		}
		if *m.EksponertFor.IdentifikatorType == "FODSELSNUMMER" && s.utenSamtykke[*m.EksponertFor.Verdi] {
			blocked = append(blocked, *m.MeldingID)
			continue
		}
		key := strings.ToLower(*m.MeldingID)
		old := s.meldinger[key]
		nm := &Melding{MeldingID: *m.MeldingID, FiksOrganisasjonID: *m.FiksOrganisasjonID, Sikkerhetsniva: *m.Sikkerhetsniva,
			EksponertForType: *m.EksponertFor.IdentifikatorType, EksponertForVerdi: *m.EksponertFor.Verdi, Versjon: minside.Versjon(*m.Versjon),
			Metadata: metadata[i], IntegrasjonID: caller.Integrasjon.ID, Indeksert: now, Oppdatert: now, Versjoner: 1}
		if m.EksternRef != nil {
			nm.EksternRef = *m.EksternRef
		}
		if m.TilgjengeligTil != nil {
			nm.TilgjengeligTil = *m.TilgjengeligTil
		}
		if old != nil {
			nm.Indeksert, nm.Versjoner = old.Indeksert, old.Versjoner+1
			oppdatert++
		} else {
			opprettet++
		}
		s.meldinger[key] = nm
	}
	if partly >= 0 {
		s.mu.Unlock()
		fikstest.WriteError(w, r, http.StatusInternalServerError, "Indekseringsoperasjonen har feilet")
		return
	}
	s.batches = append(s.batches, len(req.Meldinger))
	s.mu.Unlock()
	writeJSON(w, map[string]any{"opprettet": opprettet, "oppdatert": oppdatert, "manglerSamtykke": len(blocked), "meldingerUtenSamtykke": blocked})
}

var meldingTypes = map[string]bool{"faktura": true, "mappe": true, "journalpost": true, "barnevernmappe": true, "barnevernjournalpost": true,
	"byggesak": true, "innsendtskjema": true, "skjemakladd": true, "matrikkelenhet": true, "kommunaltjeneste": true, "forsendelse": true}

func (s *Server) slettByID(w http.ResponseWriter, r *http.Request) {
	caller, _ := fikstest.CallerFrom(r.Context())
	var req struct {
		Meldinger []struct {
			FiksOrgID   string `json:"fiksOrgId"`
			MeldingType string `json:"meldingType"`
			MeldingID   string `json:"meldingId"`
		} `json:"meldinger"`
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, MaxBodyBytes)).Decode(&req); err != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "JSON parse error")
		return
	}
	if len(req.Meldinger) == 0 || len(req.Meldinger) > minside.MaxSlettBatch {
		fikstest.WriteError(w, r, http.StatusBadRequest, fmt.Sprintf("meldinger: mellom 1 og %d", minside.MaxSlettBatch))
		return
	}
	for i, m := range req.Meldinger {
		if uuid.Validate(m.FiksOrgID) != nil || uuid.Validate(m.MeldingID) != nil || !meldingTypes[m.MeldingType] {
			fikstest.WriteError(w, r, http.StatusBadRequest, fmt.Sprintf("meldinger[%d]: fiksOrgId, meldingType og meldingId er påkrevd og må være gyldige", i))
			return
		}
		if !authorized(w, r, caller, m.FiksOrgID, "Integrasjonen er ikke autorisert for organisasjonen") {
			return
		}
	}
	s.mu.Lock()
	var n int64
	for _, m := range req.Meldinger {
		key := strings.ToLower(m.MeldingID)
		if old := s.meldinger[key]; old != nil && old.IntegrasjonID == caller.Integrasjon.ID && strings.EqualFold(old.FiksOrganisasjonID, m.FiksOrgID) &&
			meldingTypeOf(old.Versjon) == m.MeldingType {
			delete(s.meldinger, key)
			n++
		}
	}
	s.mu.Unlock()
	writeJSON(w, map[string]int64{"antallSlettet": n})
}

// meldingTypeOf is the delete API's meldingType of a versjon (JOURNALPOST_V1 ->
// journalpost, BARNEVERN_MAPPE_V1 -> barnevernmappe).
func meldingTypeOf(v minside.Versjon) string {
	s := string(v)
	s = s[:strings.LastIndex(s, "_")]
	return strings.ToLower(strings.ReplaceAll(s, "_", ""))
}

func (s *Server) slett(w http.ResponseWriter, r *http.Request) {
	caller, _ := fikstest.CallerFrom(r.Context())
	q := r.URL.Query()
	org, versjon := q.Get("fiksOrganisasjonId"), q.Get("meldingVersjon")
	if uuid.Validate(org) != nil || versjon == "" {
		fikstest.WriteError(w, r, http.StatusBadRequest, "fiksOrganisasjonId (UUID) og meldingVersjon er påkrevd")
		return
	}
	if id := q.Get("meldingId"); id != "" && uuid.Validate(id) != nil {
		fikstest.WriteError(w, r, http.StatusBadRequest, "meldingId må være en UUID")
		return
	}
	if !authorized(w, r, caller, org, "Integrasjonen er ikke autorisert for organisasjonen") {
		return
	}
	s.mu.Lock()
	for key, m := range s.meldinger {
		if m.IntegrasjonID != caller.Integrasjon.ID || !strings.EqualFold(m.FiksOrganisasjonID, org) ||
			!strings.EqualFold(meldingTypeOf(m.Versjon)+"V1", versjon) && !strings.EqualFold(string(m.Versjon), versjon) {
			continue
		}
		if ref := q.Get("eksternRef"); ref != "" && m.EksternRef != ref {
			continue
		}
		if id := q.Get("meldingId"); id != "" && !strings.EqualFold(m.MeldingID, id) {
			continue
		}
		delete(s.meldinger, key)
	}
	s.slettJobs++
	s.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

func digitsRe(n int) *regexp.Regexp {
	if n == 11 {
		return fnrRe
	}
	return orgnrRe
}

// authorized reports whether caller has "Innsyn Index" on org; if not it answers Innsyn's
// 403 INNSYN.INTEGRASJON_IKKE_AUTORISERT_FOR_INDEX, errorJson naming the pair.
func authorized(w http.ResponseWriter, r *http.Request, caller fikstest.Caller, org, message string) bool {
	if caller.HasPrivilege(Privilege(org)) {
		return true
	}
	detail, _ := json.Marshal(map[string]string{"integrasjonId": caller.Integrasjon.ID, "fiksOrgId": org})
	fikstest.WriteErrorDetail(w, r, http.StatusForbidden, minside.ErrorCodeIkkeAutorisert, message, string(detail))
	return false
}

func writeJSON(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
