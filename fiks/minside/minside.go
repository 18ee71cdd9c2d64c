package minside

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// MaxBatch is the most meldinger one index request may hold (more: 422).
const MaxBatch = 5000

// MaxSlettBatch is the most melding ids one slettByMeldingId request may hold.
const MaxSlettBatch = 1000

// MaxResponseBytes bounds a JSON answer.
const MaxResponseBytes = 4 << 20

// ErrIkkeAutorisert is matched by the 403 Innsyn answers when the integrasjon may not
// index for a melding's Fiks organisation (errorCode
// INNSYN.INTEGRASJON_IKKE_AUTORISERT_FOR_INDEX): give it the privilege "Innsyn Index" on
// that organisation in Fiks forvaltning.
var ErrIkkeAutorisert = errors.New("minside: the integrasjon may not index for this Fiks organisation")

// ErrorCodeIkkeAutorisert is the errorCode of ErrIkkeAutorisert's 403.
const ErrorCodeIkkeAutorisert = "INNSYN.INTEGRASJON_IKKE_AUTORISERT_FOR_INDEX"

// Options configure a Client. The shape is every FIKS client's.
type Options struct {
	// Environment selects the FIKS hosts (fiks.Prod or fiks.Test).
	Environment fiks.Environment
	// BaseURL overrides the API host (fakes, proxies).
	BaseURL string
	// Credentials are the Maskinporten token source (scope ks:fiks) and the integrasjon,
	// which needs the privilege "Innsyn Index" on each organisation it indexes for.
	Credentials fiks.Credentials
	// FiksOrgID is the Fiks organisation a Melding without FiksOrganisasjonID belongs to
	// (optional; a UUID).
	FiksOrgID string
	// BatchSize is how many meldinger go in one index request (default and at most
	// MaxBatch).
	BatchSize int

	HTTPClient   *http.Client
	Logger       *slog.Logger
	MaxAttempts  int
	MaxRetryWait time.Duration
	UserAgent    string
}

// Client is a Fiks Innsyn index client. It is safe for concurrent use.
type Client struct {
	api   string
	org   string
	batch int
	log   *slog.Logger
	hc    *httpx.Client
}

// New makes a Client.
func New(opts Options) (*Client, error) {
	const op = "minside.New"
	if err := opts.Credentials.Validate(); err != nil {
		return nil, err
	}
	base, err := fiks.ResolveBaseURL(opts.Environment, opts.BaseURL, func(e fiks.Endpoints) string { return e.API })
	if err != nil {
		return nil, err
	}
	if opts.FiksOrgID != "" && uuid.Validate(opts.FiksOrgID) != nil {
		return nil, &ValidationError{Op: op, Field: "FiksOrgID", Problem: "a Fiks organisation id is a UUID"}
	}
	switch {
	case opts.BatchSize == 0:
		opts.BatchSize = MaxBatch
	case opts.BatchSize < 0 || opts.BatchSize > MaxBatch:
		return nil, &ValidationError{Op: op, Field: "BatchSize", Problem: fmt.Sprintf("between 1 and %d", MaxBatch)}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{api: base, org: opts.FiksOrgID, batch: opts.BatchSize, log: log,
		hc: httpx.NewClient(httpx.Options{HTTPClient: opts.HTTPClient, Token: opts.Credentials.Token, TokenRejected: fiks.TokenRejected,
			Header: opts.Credentials.Header(), MaxAttempts: opts.MaxAttempts, MaxRetryWait: opts.MaxRetryWait,
			Logger: opts.Logger, UserAgent: opts.UserAgent})}, nil
}

// IdentifikatorType says what EksponertFor.Verdi is.
type IdentifikatorType string

// The identifikator types of EksponertFor.
const (
	IdentifikatorFoedselsnummer      IdentifikatorType = "FODSELSNUMMER"
	IdentifikatorOrganisasjonsnummer IdentifikatorType = "ORGANISASJONSNUMMER"
	IdentifikatorMatrikkelnummer     IdentifikatorType = "MATRIKKELNUMMER"
	IdentifikatorOffentlig           IdentifikatorType = "OFFENTLIG"
)

// EksponertFor is who may see a melding: a person, the people acting for an
// organisation (Altinn roles "post/arkiv" or "kommunale tjenester"), the owners of a
// matrikkelenhet (which follow changes of ownership: never expose sensitive data so), or
// everyone logged in. Make one with Person, Organisasjon, Matrikkelenhet or Offentlig.
type EksponertFor struct {
	typ   IdentifikatorType
	fnr   ident.Foedselsnummer
	verdi string
}

// Person exposes a melding to the person with fødselsnummer (or D-nummer) fnr.
func Person(fnr ident.Foedselsnummer) EksponertFor {
	return EksponertFor{typ: IdentifikatorFoedselsnummer, fnr: fnr}
}

// Organisasjon exposes a melding to those acting for organisation orgnr.
func Organisasjon(orgnr ident.Organisasjonsnummer) EksponertFor {
	return EksponertFor{typ: IdentifikatorOrganisasjonsnummer, verdi: string(orgnr)}
}

// Matrikkelenhet exposes a melding to the owners of a matrikkelenhet, given as
// <kommunenr>-<gardsnr>/<bruksnr>/<festenr>/<seksjonsnr> (for example 0301-207/46/0/0).
func Matrikkelenhet(matrikkelnummer string) EksponertFor {
	return EksponertFor{typ: IdentifikatorMatrikkelnummer, verdi: matrikkelnummer}
}

// Offentlig exposes a melding to everyone logged in. Use it sparingly.
func Offentlig() EksponertFor { return EksponertFor{typ: IdentifikatorOffentlig} }

// ParseEksponertFor reads what the CLI and configuration files give: an 11-digit
// fødselsnummer, a 9-digit organisasjonsnummer, a matrikkelnummer, or "offentlig".
func ParseEksponertFor(s string) (EksponertFor, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.EqualFold(s, "offentlig"):
		return Offentlig(), nil
	case matrikkelRe.MatchString(s):
		return Matrikkelenhet(s), nil
	case len(s) == 11:
		fnr, err := ident.ParseFoedselsnummer(s)
		if err != nil {
			return EksponertFor{}, err
		}
		return Person(fnr), nil
	case len(s) == 9:
		o, err := ident.ParseOrganisasjonsnummer(s)
		if err != nil {
			return EksponertFor{}, err
		}
		return Organisasjon(o), nil
	}
	return EksponertFor{}, errors.New("minside: not a fødselsnummer (11 digits), organisasjonsnummer (9 digits), matrikkelnummer (kommunenr-gnr/bnr/fnr/snr) or \"offentlig\"")
}

// matrikkelRe is <kommunenr>-<gardsnr>/<bruksnr>/<festenr>/<seksjonsnr>.
var matrikkelRe = regexp.MustCompile(`^[0-9]{4}-[0-9]+/[0-9]+/[0-9]+/[0-9]+$`)

// Type is the identifikator type ("" for the zero value).
func (e EksponertFor) Type() IdentifikatorType { return e.typ }

// String shows the type and the value, a fødselsnummer masked.
func (e EksponertFor) String() string {
	switch e.typ {
	case "":
		return "ingen"
	case IdentifikatorFoedselsnummer:
		return string(e.typ) + ":" + e.fnr.String()
	case IdentifikatorOffentlig:
		return string(e.typ)
	}
	return string(e.typ) + ":" + e.verdi
}

// LogValue is String.
func (e EksponertFor) LogValue() slog.Value { return slog.StringValue(e.String()) }

// GoString is String.
func (e EksponertFor) GoString() string { return e.String() }

// Format prints String for every verb (a fødselsnummer inside stays masked).
func (e EksponertFor) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(e.String())) }

// wire is the EksponertFor JSON, the fødselsnummer in full.
func (e EksponertFor) wire() eksponertForWire {
	w := eksponertForWire{IdentifikatorType: string(e.typ), Verdi: e.verdi}
	switch e.typ {
	case IdentifikatorFoedselsnummer:
		w.Verdi = e.fnr.Unmasked()
	case IdentifikatorOffentlig:
		w.Verdi = "offentlig"
	}
	return w
}

func (e EksponertFor) check() string {
	switch e.typ {
	case "":
		return "required (Person, Organisasjon, Matrikkelenhet or Offentlig)"
	case IdentifikatorFoedselsnummer:
		if e.fnr.IsZero() {
			return "a fødselsnummer is required"
		}
	case IdentifikatorOrganisasjonsnummer:
		if _, err := ident.ParseOrganisasjonsnummer(e.verdi); err != nil {
			return "not a valid organisasjonsnummer"
		}
	case IdentifikatorMatrikkelnummer:
		if !matrikkelRe.MatchString(e.verdi) {
			return "a matrikkelnummer is <kommunenr>-<gardsnr>/<bruksnr>/<festenr>/<seksjonsnr>"
		}
	}
	return ""
}

// Melding is one IndexMeldingV2: what Innsyn shows, to whom, at which login level.
type Melding struct {
	// MeldingID is the caller's UUID for the melding (required): indexing the same id
	// again overwrites, which is what makes a replay safe. Keep it with the source
	// record.
	MeldingID string
	// FiksOrganisasjonID is the Fiks organisation responsible for the melding (default
	// Options.FiksOrgID).
	FiksOrganisasjonID string
	// Sikkerhetsniva is the login level needed to see it (3 or 4; default 4, the level
	// ID-porten gives today).
	Sikkerhetsniva int
	// EksponertFor is who sees it (required).
	EksponertFor EksponertFor
	// EksternRef groups meldinger for SlettEksternRef (optional; letters, digits, space
	// and _.,/-).
	EksternRef string
	// TilgjengeligTil is when Innsyn deletes the melding (optional).
	TilgjengeligTil time.Time
	// Metadata is the melding's content; its Versjon is the melding's versjon (required).
	Metadata Metadata
}

// String shows the melding id, versjon and EksponertFor (masked), never the metadata.
// (Marshalled as JSON a Melding holds its metadata document as it is.)
func (m Melding) String() string {
	v := "<nil>"
	if m.Metadata != nil {
		v = string(m.Metadata.Versjon())
	}
	return fmt.Sprintf("minside.Melding{MeldingID: %s, Versjon: %s, EksponertFor: %s}", m.MeldingID, v, m.EksponertFor)
}

// GoString is String.
func (m Melding) GoString() string { return m.String() }

// Format prints String for every verb.
func (m Melding) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(m.String())) }

// LogValue logs the melding id, versjon and EksponertFor (masked), never the metadata.
func (m Melding) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("meldingId", m.MeldingID), slog.String("eksponertFor", m.EksponertFor.String())}
	if m.Metadata != nil {
		attrs = append(attrs, slog.String("versjon", string(m.Metadata.Versjon())))
	}
	return slog.GroupValue(attrs...)
}

type eksponertForWire struct {
	IdentifikatorType string `json:"identifikatorType"`
	Verdi             string `json:"verdi"`
}

type indexMeldingWire struct {
	MeldingID          string           `json:"meldingId"`
	Sikkerhetsniva     int              `json:"sikkerhetsniva"`
	EksponertFor       eksponertForWire `json:"eksponertFor"`
	FiksOrganisasjonID string           `json:"fiksOrganisasjonId"`
	EksternRef         string           `json:"eksternRef,omitempty"`
	Versjon            string           `json:"versjon"`
	TilgjengeligTil    string           `json:"tilgjengeligTil,omitempty"`
	MeldingMetadata    string           `json:"meldingMetadata"`
}

type indexResponseWire struct {
	Opprettet             *int     `json:"opprettet"`
	Oppdatert             *int     `json:"oppdatert"`
	ManglerSamtykke       *int     `json:"manglerSamtykke"`
	MeldingerUtenSamtykke []string `json:"meldingerUtenSamtykke"`
}

var eksternRefRe = regexp.MustCompile(`^[A-Za-zæøåÆØÅ0-9_.,/\- ]+$`)

// prepare checks m and returns its wire form: every problem before anything is sent.
func (c *Client) prepare(op string, i int, m Melding) (indexMeldingWire, error) {
	field := func(f string) string { return fmt.Sprintf("meldinger[%d].%s", i, f) }
	w := indexMeldingWire{MeldingID: m.MeldingID, Sikkerhetsniva: m.Sikkerhetsniva, FiksOrganisasjonID: m.FiksOrganisasjonID, EksternRef: m.EksternRef}
	if w.FiksOrganisasjonID == "" {
		w.FiksOrganisasjonID = c.org
	}
	if w.Sikkerhetsniva == 0 {
		w.Sikkerhetsniva = 4
	}
	switch {
	case uuid.Validate(m.MeldingID) != nil:
		return w, &ValidationError{Op: op, Field: field("MeldingID"), Problem: "the caller's UUID for the melding is required (the same id overwrites)"}
	case uuid.Validate(w.FiksOrganisasjonID) != nil:
		return w, &ValidationError{Op: op, Field: field("FiksOrganisasjonID"), Problem: "a Fiks organisation id (UUID) is required, here or in Options.FiksOrgID"}
	case w.Sikkerhetsniva < 0:
		return w, &ValidationError{Op: op, Field: field("Sikkerhetsniva"), Problem: "not negative"}
	case m.EksternRef != "" && !eksternRefRe.MatchString(m.EksternRef):
		return w, &ValidationError{Op: op, Field: field("EksternRef"), Problem: "letters, digits, space and _.,/- only"}
	case m.Metadata == nil:
		return w, &ValidationError{Op: op, Field: field("Metadata"), Problem: "required"}
	}
	if p := m.EksponertFor.check(); p != "" {
		return w, &ValidationError{Op: op, Field: field("EksponertFor"), Problem: p}
	}
	w.EksponertFor = m.EksponertFor.wire()
	if !m.TilgjengeligTil.IsZero() {
		w.TilgjengeligTil = m.TilgjengeligTil.UTC().Format(time.RFC3339)
	}
	w.Versjon = string(m.Metadata.Versjon())
	b, err := encodeMetadata(m.Metadata)
	if err != nil {
		var se *SchemaError
		if errors.As(err, &se) {
			c := *se
			c.Dokument = field("Metadata") + " (" + se.Dokument + ")"
			return w, &c
		}
		return w, err
	}
	w.MeldingMetadata = base64.StdEncoding.EncodeToString(b)
	return w, nil
}

// Status is what became of one melding in Index.
type Status string

const (
	// Indeksert: Innsyn created or updated it (the API counts which per request, not per
	// melding: see IndexResult.Opprettet and Oppdatert).
	Indeksert Status = "INDEKSERT"
	// ManglerSamtykke: Innsyn blocked it because the person it is exposed for has not
	// consented to Fiks Innsyn (meldingerUtenSamtykke).
	ManglerSamtykke Status = "MANGLER_SAMTYKKE"
	// IkkeIndeksert: its request failed or was not sent (see Err). Index it again.
	IkkeIndeksert Status = "IKKE_INDEKSERT"
)

// MeldingResult is one melding's outcome.
type MeldingResult struct {
	MeldingID string
	Status    Status
	// Request is the index request (0-based) the melding went in.
	Request int
	// Err is why an IkkeIndeksert melding was not indexed.
	Err error
}

// IndexResult is what Index did: the sums of Innsyn's answers (MeldingIndexResponseV2)
// and each melding's outcome, in the order given.
type IndexResult struct {
	Opprettet       int
	Oppdatert       int
	ManglerSamtykke int
	// MeldingerUtenSamtykke are the ids Innsyn blocked for lack of consent.
	MeldingerUtenSamtykke []string
	// Requests is the number of index requests answered 200.
	Requests int
	// Meldinger has one entry per melding given, in order.
	Meldinger []MeldingResult
}

// Index indexes meldinger in Fiks Innsyn: PUT /innsyn-index/api/v2/indexRequest (operation
// "index"), in requests of at most Options.BatchSize meldinger (the API is not atomic
// across them). Every melding is checked first (its metadata against its versjon's JSON
// Schema): one bad melding is a *ValidationError or *SchemaError and nothing is sent.
//
// A request answered 500 is sent again whole, as KS documents: some of it may have been
// indexed, and a melding id overwrites. A request that still fails ends Index: the result
// says which meldinger were indexed and which were not (IkkeIndeksert, with the error),
// and the error is returned beside it. A 403 for the organisation matches ErrIkkeAutorisert
// and fiks.ErrForbidden.
func (c *Client) Index(ctx context.Context, meldinger []Melding) (*IndexResult, error) {
	const op = "minside.Index"
	if len(meldinger) == 0 {
		return nil, &ValidationError{Op: op, Field: "meldinger", Problem: "at least one melding"}
	}
	wire := make([]indexMeldingWire, len(meldinger))
	seen := make(map[string]int, len(meldinger))
	for i, m := range meldinger {
		w, err := c.prepare(op, i, m)
		if err != nil {
			return nil, err
		}
		if j, dup := seen[strings.ToLower(m.MeldingID)]; dup {
			return nil, &ValidationError{Op: op, Field: fmt.Sprintf("meldinger[%d].MeldingID", i), Problem: fmt.Sprintf("the same id as meldinger[%d]: the later would overwrite the earlier", j)}
		}
		seen[strings.ToLower(m.MeldingID)] = i
		wire[i] = w
	}
	res := &IndexResult{Meldinger: make([]MeldingResult, len(meldinger))}
	for i, m := range meldinger {
		res.Meldinger[i] = MeldingResult{MeldingID: m.MeldingID, Status: IkkeIndeksert, Request: i / c.batch}
	}
	for start, req := 0, 0; start < len(wire); start, req = start+c.batch, req+1 {
		end := min(start+c.batch, len(wire))
		ans, err := c.indexBatch(ctx, op, wire[start:end])
		if err != nil {
			for i := start; i < len(wire); i++ {
				res.Meldinger[i].Err = err
			}
			c.log.LogAttrs(ctx, slog.LevelWarn, "minside: index request failed", slog.Int("request", req), slog.Int("meldinger", end-start), slog.Any("error", err))
			return res, err
		}
		res.Requests++
		res.Opprettet += deref(ans.Opprettet)
		res.Oppdatert += deref(ans.Oppdatert)
		res.ManglerSamtykke += deref(ans.ManglerSamtykke)
		blocked := make(map[string]bool, len(ans.MeldingerUtenSamtykke))
		for _, id := range ans.MeldingerUtenSamtykke {
			blocked[strings.ToLower(id)] = true
			res.MeldingerUtenSamtykke = append(res.MeldingerUtenSamtykke, id)
		}
		for i := start; i < end; i++ {
			if blocked[strings.ToLower(res.Meldinger[i].MeldingID)] {
				res.Meldinger[i].Status = ManglerSamtykke
			} else {
				res.Meldinger[i].Status = Indeksert
			}
		}
		c.log.LogAttrs(ctx, slog.LevelDebug, "minside: indexed", slog.Int("request", req), slog.Int("meldinger", end-start),
			slog.Int("opprettet", deref(ans.Opprettet)), slog.Int("oppdatert", deref(ans.Oppdatert)), slog.Int("manglerSamtykke", deref(ans.ManglerSamtykke)))
	}
	return res, nil
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func (c *Client) indexBatch(ctx context.Context, op string, batch []indexMeldingWire) (*indexResponseWire, error) {
	body, err := json.Marshal(struct {
		Meldinger []indexMeldingWire `json:"meldinger"`
	}{batch})
	if err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPut, URL: c.api + "/innsyn-index/api/v2/indexRequest", Retry500: true,
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, Body: httpx.Bytes(body)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var ans indexResponseWire
	if err := fiks.DecodeJSON(op, resp, &ans, MaxResponseBytes); err != nil {
		return nil, wrapForbidden(err)
	}
	if ans.Opprettet == nil || ans.Oppdatert == nil || ans.ManglerSamtykke == nil {
		return nil, fmt.Errorf("%s: the answer is not a MeldingIndexResponseV2 (opprettet, oppdatert and manglerSamtykke are required)", op)
	}
	return &ans, nil
}

// IkkeAutorisertError is Innsyn's 403 INNSYN.INTEGRASJON_IKKE_AUTORISERT_FOR_INDEX: the
// integrasjon may not index for FiksOrgID. It matches ErrIkkeAutorisert and wraps the
// *fiks.Error.
type IkkeAutorisertError struct {
	// IntegrasjonID and FiksOrgID are the first pair that failed, from errorJson.
	IntegrasjonID, FiksOrgID string
	Err                      *fiks.Error
}

func (e *IkkeAutorisertError) Error() string {
	s := e.Err.Error()
	if e.FiksOrgID != "" {
		s += " (Fiks organisation " + e.FiksOrgID + ": give the integrasjon the privilege \"Innsyn Index\" there)"
	}
	return s
}

// Unwrap returns the *fiks.Error.
func (e *IkkeAutorisertError) Unwrap() error { return e.Err }

// Is matches ErrIkkeAutorisert.
func (e *IkkeAutorisertError) Is(target error) bool { return target == ErrIkkeAutorisert }

func wrapForbidden(err error) error {
	var fe *fiks.Error
	if !errors.As(err, &fe) || fe.StatusCode != http.StatusForbidden || fe.ErrorCode != ErrorCodeIkkeAutorisert {
		return err
	}
	return &IkkeAutorisertError{Err: fe, IntegrasjonID: fe.ErrorJSONField("integrasjonId"), FiksOrgID: fe.ErrorJSONField("fiksOrgId")}
}
