// Package folkeregister is a client for Fiks Folkeregister, KS's proxy in front of
// Skatteetaten's Folkeregister (FREG) APIs: person lookup (oppslag), bulk lookup, search
// and the event feed (hendelsesliste).
//
// Every call goes to {api}/folkeregister/api/v1/{rolleId}/{FREG path} with a Maskinporten
// token (scope ks:fiks) and the Fiks-integrasjon headers. The rolle decides what the call
// may see: a Fiks Folkeregister role names the legal basis and the information parts
// (part=) it covers; asking for a part outside the role is refused with 403.
//
//	c, err := folkeregister.New(folkeregister.Options{
//		Environment: fiks.Test,
//		Credentials: fiks.Credentials{Token: ts, IntegrasjonID: id, IntegrasjonPassord: pw},
//		Rolle:       rolleID,
//	})
//	p, err := c.Person(ctx, fnr, &folkeregister.PersonOptions{Parts: []folkeregister.Part{folkeregister.PartPersonBasis}})
//	adr, err := p.Utsendingsadresse() // refuses for protected persons
//
// Identity numbers in a [Person] are [Identifikator] values, which print masked; requests
// take an [ident.Foedselsnummer], which is validated before anything is sent.
//
// # Glossary
//
//   - oppslag: a lookup of one person; bulkoppslag: of many in one call.
//   - part: an information element or group of them (person-basis, historikk,
//     relasjon-utvidet, navn, bostedsadresse, ...), for data minimisation.
//   - rolle: a Fiks Folkeregister access role, set up by the municipality in Fiks
//     forvaltning; its id is part of every URL.
//   - hendelse: an event in the feed; sekvensnummer: its position.
//   - adressebeskyttelse: address protection (fortrolig, strengt fortrolig).
package folkeregister

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// Options configures a Client.
type Options struct {
	// Environment selects api.fiks.ks.no (fiks.Prod) or api.fiks.test.ks.no (fiks.Test).
	Environment fiks.Environment
	// BaseURL overrides the environment's API host (a fake, a proxy): the client appends
	// /folkeregister/api/v1/{rolle}/... to it.
	BaseURL string
	// Credentials are the Maskinporten token source and the Fiks-integrasjon.
	Credentials fiks.Credentials
	// Rolle is the default Fiks Folkeregister role id; a call may name another.
	Rolle string
	// HTTPClient is used for the calls (never modified). Nil: a default client.
	HTTPClient *http.Client
	// Logger gets debug lines about retries. Nil: silent. Identity numbers are masked.
	Logger *slog.Logger
	// MaxAttempts is the most attempts per call, the first included: 0 is 4, the default of
	// every client of the module; 1 means no retries.
	MaxAttempts int
	// MaxRetryWait caps the wait before a retry (default 10 s). An answer whose
	// Retry-After asks for longer is not retried early: it is returned, with its
	// RetryAfter, for the caller to decide.
	MaxRetryWait time.Duration
	// UserAgent is appended to the module's User-Agent.
	UserAgent string
	// BulkSize is the number of persons per bulk call (default and maximum 1000).
	BulkSize int
}

// Client calls Fiks Folkeregister. It is safe for concurrent use.
type Client struct {
	base     string
	rolle    string
	hc       *httpx.Client
	bulkSize int
}

// MaxBulk is the largest number of persons FREG takes in one bulkoppslag.
const MaxBulk = 1000

// New returns a Client.
func New(opts Options) (*Client, error) {
	if err := opts.Credentials.Validate(); err != nil {
		return nil, err
	}
	base, err := fiks.ResolveBaseURL(opts.Environment, opts.BaseURL, func(e fiks.Endpoints) string { return e.API })
	if err != nil {
		return nil, err
	}
	if opts.Rolle != "" {
		if err := checkRolle("folkeregister.New", opts.Rolle); err != nil {
			return nil, err
		}
	}
	bs := opts.BulkSize
	if bs <= 0 || bs > MaxBulk {
		bs = MaxBulk
	}
	return &Client{
		base:     base + "/folkeregister/api/v1/",
		rolle:    opts.Rolle,
		bulkSize: bs,
		hc: httpx.NewClient(httpx.Options{
			HTTPClient: opts.HTTPClient,
			Token:      opts.Credentials.Token, TokenRejected: fiks.TokenRejected,
			Header:      opts.Credentials.Header(),
			MaxAttempts: opts.MaxAttempts, MaxRetryWait: opts.MaxRetryWait,
			Logger:    opts.Logger,
			UserAgent: opts.UserAgent,
		}),
	}, nil
}

var rolleRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,100}$`)

func checkRolle(op, r string) error {
	if r == "" {
		return &ValidationError{Op: op, Field: "Rolle", Problem: "no rolle id: set Options.Rolle or the call's Rolle"}
	}
	if !rolleRE.MatchString(r) {
		return &ValidationError{Op: op, Field: "Rolle", Problem: "a rolle id is letters, digits, '-', '.', '_' or '~' (usually a UUID)"}
	}
	return nil
}

// Part is an information part for data minimisation (the part= query parameter): a
// group (PartPersonBasis, PartHistorikk, PartRelasjonUtvidet,
// PartIdentitetsgrunnlagUtvidet) or a single element of the person document by its
// JSON name (PartNavn, "bostedsadresse", ...).
type Part string

// Parts defined by FREG.
const (
	// PartPersonBasis: current, non-confidential basics; the default when no part is given.
	PartPersonBasis Part = "person-basis"
	// PartHistorikk adds historical values to every element returned.
	PartHistorikk Part = "historikk"
	// PartRelasjonUtvidet: familierelasjon, foreldreansvar, vergemaalEllerFremtidsfullmakt.
	PartRelasjonUtvidet Part = "relasjon-utvidet"
	// PartIdentitetsgrunnlagUtvidet: falskIdentitet, legitimasjonsdokument,
	// utenlandskPersonidentifikasjon.
	PartIdentitetsgrunnlagUtvidet Part = "identitetsgrunnlag-utvidet"

	PartNavn               Part = "navn"
	PartStatus             Part = "status"
	PartFoedsel            Part = "foedsel"
	PartBostedsadresse     Part = "bostedsadresse"
	PartPostadresse        Part = "postadresse"
	PartOppholdsadresse    Part = "oppholdsadresse"
	PartAdressebeskyttelse Part = "adressebeskyttelse"
	PartFamilierelasjon    Part = "familierelasjon"
	PartSivilstand         Part = "sivilstand"
	PartDoedsfall          Part = "doedsfall"
)

var partRE = regexp.MustCompile(`^[A-Za-z][A-Za-z-]{0,63}$`)

// PersonOptions are the options of a lookup. Nil means the client's rolle and FREG's
// default part (person-basis).
type PersonOptions struct {
	// Rolle overrides Options.Rolle for this call.
	Rolle string
	// Parts to return; none means person-basis.
	Parts []Part
}

func (c *Client) rolleFor(op string, o *PersonOptions) (string, []Part, error) {
	r := c.rolle
	var parts []Part
	if o != nil {
		if o.Rolle != "" {
			r = o.Rolle
		}
		parts = o.Parts
	}
	if err := checkRolle(op, r); err != nil {
		return "", nil, err
	}
	for _, p := range parts {
		if !partRE.MatchString(string(p)) {
			return "", nil, &ValidationError{Op: op, Field: "Parts", Problem: fmt.Sprintf("%q is not a part name", string(p))}
		}
	}
	return r, parts, nil
}

func partQuery(q url.Values, parts []Part) url.Values {
	if q == nil {
		q = url.Values{}
	}
	for _, p := range parts {
		q.Add("part", string(p))
	}
	return q
}

// Person looks up one person: GET .../v1/personer/{folkeregisteridentifikator} (FREG
// oppslag). A zero id is refused before any request; a person FREG does not know gives an
// error matching fiks.ErrNotFound.
func (c *Client) Person(ctx context.Context, id ident.Foedselsnummer, opts *PersonOptions) (*Person, error) {
	const op = "folkeregister.Person"
	var p Person
	if err := c.person(ctx, op, id, opts, func(b []byte) error { return json.Unmarshal(b, &p) }); err != nil {
		return nil, err
	}
	return &p, nil
}

// PersonDokument is Person returning the person document as FREG sent it, with every
// element (also those Person does not model) and identity numbers unmasked. Handle it as
// personal data.
func (c *Client) PersonDokument(ctx context.Context, id ident.Foedselsnummer, opts *PersonOptions) (json.RawMessage, error) {
	const op = "folkeregister.PersonDokument"
	var raw json.RawMessage
	err := c.person(ctx, op, id, opts, func(b []byte) error {
		if !json.Valid(b) {
			return fmt.Errorf("the answer is not JSON")
		}
		raw = b
		return nil
	})
	if err != nil {
		return nil, err
	}
	return raw, nil
}

func (c *Client) person(ctx context.Context, op string, id ident.Foedselsnummer, opts *PersonOptions, decode func([]byte) error) error {
	if id.IsZero() {
		return &ValidationError{Op: op, Field: "id", Problem: "no fødselsnummer or D-nummer given"}
	}
	rolle, parts, err := c.rolleFor(op, opts)
	if err != nil {
		return err
	}
	u := c.url(rolle, "v1/personer/"+id.Unmasked(), partQuery(nil, parts))
	return c.get(ctx, op, u, MaxPersonBytes, decode)
}

func (c *Client) url(rolle, path string, q url.Values) string {
	u := c.base + url.PathEscape(rolle) + "/" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (c *Client) get(ctx context.Context, op, u string, limit int64, decode func([]byte) error) error {
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: u, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return c.decode(op, resp, limit, decode)
}

// Limits on the answers, by kind of call: past one, the call fails with an error matching
// ErrResponseTooLarge and the body is not read further. A person document with full
// history is some tens of KiB.
const (
	// MaxPersonBytes bounds one person document (Person, PersonDokument) and a search
	// answer.
	MaxPersonBytes = 16 << 20
	// MaxBulkBytes bounds one bulk answer (up to 1000 person documents).
	MaxBulkBytes = 256 << 20
	// MaxFeedBytes bounds one page of the event feed.
	MaxFeedBytes = 64 << 20
)

func (c *Client) decode(op string, resp *http.Response, limit int64, decode func([]byte) error) error {
	if err := fiks.CheckResponse(op, resp); err != nil {
		return err
	}
	defer resp.Body.Close()
	// Read whole (bounded), then decoded in place: half the allocation of a streaming
	// json.Decoder, which copies its growing buffer.
	b, err := io.ReadAll(httpx.LimitBody(resp, limit))
	if err == nil {
		err = decode(b)
	}
	if err != nil {
		return fmt.Errorf("%s: decoding the answer: %w", op, httpx.RedactError(err))
	}
	return nil
}

// Oppslag is one result of a bulk lookup.
type Oppslag struct {
	// Identifikator is the number asked for.
	Identifikator Identifikator
	// Person is nil when FREG returned nothing for the number.
	Person *Person
}

type bulkRequest struct {
	FoedselsEllerDNummer []string `json:"foedselsEllerDNummer"`
}

type bulkResponse struct {
	Oppslag []struct {
		FoedselsEllerDNummer Identifikator `json:"foedselsEllerDNummer"`
		Folkeregisterperson  *Person       `json:"folkeregisterperson"`
	} `json:"oppslag"`
}

// Personer looks up many persons: POST .../v1/personer/bulkoppslag (FREG bulkoppslag), in
// calls of Options.BulkSize (at most 1000). The result has one Oppslag per id, in the
// order given; duplicates are asked for once. Bulk lookups are reads and are retried
// like GETs.
func (c *Client) Personer(ctx context.Context, ids []ident.Foedselsnummer, opts *PersonOptions) ([]Oppslag, error) {
	const op = "folkeregister.Personer"
	rolle, parts, err := c.rolleFor(op, opts)
	if err != nil {
		return nil, err
	}
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]*Person, len(ids))
	for i, id := range ids {
		if id.IsZero() {
			return nil, &ValidationError{Op: op, Field: fmt.Sprintf("ids[%d]", i), Problem: "no fødselsnummer or D-nummer given"}
		}
		if _, ok := seen[id.Unmasked()]; !ok {
			seen[id.Unmasked()] = nil
			uniq = append(uniq, id.Unmasked())
		}
	}
	u := c.url(rolle, "v1/personer/bulkoppslag", partQuery(nil, parts))
	for start := 0; start < len(uniq); start += c.bulkSize {
		chunk := uniq[start:min(start+c.bulkSize, len(uniq))]
		body, err := json.Marshal(bulkRequest{FoedselsEllerDNummer: chunk})
		if err != nil {
			return nil, err
		}
		resp, err := c.hc.Do(ctx, &httpx.Request{
			Method:     http.MethodPost,
			URL:        u,
			Header:     http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}},
			Body:       httpx.Bytes(body),
			Idempotent: true,
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		var br bulkResponse
		if err := c.decode(op, resp, MaxBulkBytes, func(b []byte) error { return json.Unmarshal(b, &br) }); err != nil {
			return nil, err
		}
		for _, o := range br.Oppslag {
			if _, asked := seen[o.FoedselsEllerDNummer.Unmasked()]; asked && o.Folkeregisterperson != nil {
				seen[o.FoedselsEllerDNummer.Unmasked()] = o.Folkeregisterperson
			}
		}
	}
	out := make([]Oppslag, len(ids))
	for i, id := range ids {
		out[i] = Oppslag{Identifikator: NewIdentifikator(id.Unmasked()), Person: seen[id.Unmasked()]}
	}
	return out, nil
}

// SearchQuery are search criteria for FREG's personer/soek. Name searches need at least one
// more criterion; FREG answers 400 for searches it finds too wide.
type SearchQuery struct {
	// Navn: names, in any order ("kari nordmann").
	Navn string
	// Foedselsdato narrows to one birth date.
	Foedselsdato Dato
	// FoedselsaarFraOgMed and FoedselsaarTilOgMed narrow to a range of birth years.
	FoedselsaarFraOgMed, FoedselsaarTilOgMed int
	// Kjoenn: "kvinne" or "mann".
	Kjoenn string
	// Address: adressenavn, husnummer, postnummer, kommunenummer.
	Adressenavn   string
	Husnummer     string
	Postnummer    string
	Kommunenummer string
	// InkluderDoede includes dead persons; InkluderOppholdsadresse also matches the
	// address against oppholdsadresse.
	InkluderDoede           bool
	InkluderOppholdsadresse bool
	// SoekFonetisk matches names phonetically.
	SoekFonetisk bool
}

func (s SearchQuery) query() (url.Values, error) {
	q := url.Values{}
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(k, v)
		}
	}
	set("navn", s.Navn)
	if !s.Foedselsdato.IsZero() {
		q.Set("foedselsdato", s.Foedselsdato.Format("20060102"))
	}
	if s.FoedselsaarFraOgMed != 0 {
		q.Set("foedselsaarFraOgMed", fmt.Sprint(s.FoedselsaarFraOgMed))
	}
	if s.FoedselsaarTilOgMed != 0 {
		q.Set("foedselsaarTilOgMed", fmt.Sprint(s.FoedselsaarTilOgMed))
	}
	set("kjoenn", s.Kjoenn)
	set("adressenavn", s.Adressenavn)
	set("husnummer", s.Husnummer)
	set("postnummer", s.Postnummer)
	set("kommunenummer", s.Kommunenummer)
	if s.InkluderDoede {
		q.Set("inkluderDoede", "true")
	}
	if s.InkluderOppholdsadresse {
		q.Set("inkluderOppholdsadresse", "true")
	}
	if s.SoekFonetisk {
		q.Set("soekFonetisk", "true")
	}
	if len(q) == 0 {
		return nil, &ValidationError{Op: "folkeregister.Search", Field: "SearchQuery", Problem: "no search criteria"}
	}
	if len(q) == 1 && (q.Has("navn") || q.Has("kjoenn")) {
		return nil, &ValidationError{Op: "folkeregister.Search", Field: "SearchQuery", Problem: "a search by name or kjoenn alone is too wide: add a birth date, year range or address"}
	}
	if k := s.Kjoenn; k != "" && k != "kvinne" && k != "mann" {
		return nil, &ValidationError{Op: "folkeregister.Search", Field: "Kjoenn", Problem: `must be "kvinne" or "mann"`}
	}
	return q, nil
}

type soekResponse struct {
	FoedselsEllerDNummer []Identifikator `json:"foedselsEllerDNummer"`
}

// Search searches: GET .../v1/personer/soek (FREG soek). It returns the identifiers of the
// matching persons (at most 10 000); look them up with Personer. The search criteria are
// personal data and are not logged.
func (c *Client) Search(ctx context.Context, s SearchQuery, opts *PersonOptions) ([]Identifikator, error) {
	const op = "folkeregister.Search"
	rolle, _, err := c.rolleFor(op, opts)
	if err != nil {
		return nil, err
	}
	q, err := s.query()
	if err != nil {
		return nil, err
	}
	var sr soekResponse
	if err := c.get(ctx, op, c.url(rolle, "v1/personer/soek", q), MaxPersonBytes, func(b []byte) error { return json.Unmarshal(b, &sr) }); err != nil {
		return nil, err
	}
	return sr.FoedselsEllerDNummer, nil
}
