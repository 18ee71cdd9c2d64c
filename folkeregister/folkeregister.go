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
	"errors"
	"fmt"
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
	// SomBestilt (Personer only) asks FREG to answer every number in the order asked,
	// with a Feilmelding for a ceased or unknown one instead of leaving it out (FREG's
	// somBestilt=true).
	SomBestilt bool
	// IfNoneMatch is the ETag of a copy the caller holds (Person.ETag): FREG answers 304
	// when it is current and the call returns an error matching ErrNotModified.
	IfNoneMatch string
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
//
// With PersonOptions.IfNoneMatch set to the ETag of an earlier answer, an unchanged
// document is not sent again: the call returns an error matching ErrNotModified.
func (c *Client) Person(ctx context.Context, id ident.Foedselsnummer, opts *PersonOptions) (*Person, error) {
	const op = "folkeregister.Person"
	u, err := c.personURL(op, id, opts)
	if err != nil {
		return nil, err
	}
	return c.getPerson(ctx, op, u, opts.conditional())
}

// PersonDokument is Person returning the person document as FREG sent it, with every
// element (also those Person does not model) and identity numbers unmasked. Handle it as
// personal data.
func (c *Client) PersonDokument(ctx context.Context, id ident.Foedselsnummer, opts *PersonOptions) (json.RawMessage, error) {
	const op = "folkeregister.PersonDokument"
	u, err := c.personURL(op, id, opts)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	_, err = c.do(ctx, op, http.MethodGet, u, opts.conditional(), nil, MaxPersonBytes, func(b []byte) error {
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

func (c *Client) personURL(op string, id ident.Foedselsnummer, opts *PersonOptions) (string, error) {
	if id.IsZero() {
		return "", &ValidationError{Op: op, Field: "id", Problem: "no fødselsnummer or D-nummer given"}
	}
	rolle, parts, err := c.rolleFor(op, opts)
	if err != nil {
		return "", err
	}
	return c.url(rolle, "v1/personer/"+id.Unmasked(), partQuery(nil, parts)), nil
}

// getPerson reads one person document (Person, ArkivertPerson, SearchEntydig) with its
// ETag; hdr is the conditional header, if any.
func (c *Client) getPerson(ctx context.Context, op, u string, hdr http.Header) (*Person, error) {
	var p Person
	h, err := c.do(ctx, op, http.MethodGet, u, hdr, nil, MaxPersonBytes, func(b []byte) error { return json.Unmarshal(b, &p) })
	if err != nil {
		return nil, err
	}
	p.ETag = h.Get("ETag")
	return &p, nil
}

func (o *PersonOptions) conditional() http.Header {
	if o == nil || o.IfNoneMatch == "" {
		return nil
	}
	return http.Header{"If-None-Match": {o.IfNoneMatch}}
}

// ArkivertPerson returns a person document as it was stored under a document id (the
// Persondokument id of a feed entry): GET .../v1/personer/arkiv/{dokumentidentifikator}
// (FREG hentArkivertPersondokument). Unknown ids give an error matching ErrNotFound.
func (c *Client) ArkivertPerson(ctx context.Context, dokumentidentifikator string, opts *PersonOptions) (*Person, error) {
	const op = "folkeregister.ArkivertPerson"
	if err := checkDocumentID(op, "dokumentidentifikator", dokumentidentifikator); err != nil {
		return nil, err
	}
	rolle, parts, err := c.rolleFor(op, opts)
	if err != nil {
		return nil, err
	}
	return c.getPerson(ctx, op, c.url(rolle, "v1/personer/arkiv/"+url.PathEscape(dokumentidentifikator), partQuery(nil, parts)), opts.conditional())
}

var documentIDRE = regexp.MustCompile(`^[A-Za-z0-9._~-]{1,200}$`)

func checkDocumentID(op, field, id string) error {
	if !documentIDRE.MatchString(id) {
		return &ValidationError{Op: op, Field: field, Problem: "a FREG document id is letters, digits, '-', '.', '_' or '~' (a UUID or hex string), 1 to 200 long"}
	}
	return nil
}

func (c *Client) url(rolle, path string, q url.Values) string {
	u := c.base + url.PathEscape(rolle) + "/" + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (c *Client) get(ctx context.Context, op, u string, limit int64, decode func([]byte) error) error {
	_, err := c.do(ctx, op, http.MethodGet, u, nil, nil, limit, decode)
	return err
}

// do makes one call (retried by httpx as its method allows; a POST here is a read and is
// marked idempotent) and decodes a 2xx answer. A 304 answers ErrNotModified.
func (c *Client) do(ctx context.Context, op, method, u string, hdr http.Header, body []byte, limit int64, decode func([]byte) error) (http.Header, error) {
	h := http.Header{"Accept": {"application/json"}}
	for k, v := range hdr {
		h[k] = v
	}
	req := &httpx.Request{Method: method, URL: u, Header: h}
	if body != nil {
		h.Set("Content-Type", "application/json")
		req.Body = httpx.Bytes(body)
		req.Idempotent = true
	}
	resp, err := c.hc.Do(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if resp.StatusCode == http.StatusNotModified {
		_ = resp.Body.Close()
		return resp.Header, fmt.Errorf("%s: %w", op, ErrNotModified)
	}
	return resp.Header, c.decode(op, resp, limit, decode)
}

// ErrNotModified is returned by a lookup with PersonOptions.IfNoneMatch when the document
// is unchanged (HTTP 304): the copy the caller holds is current.
var ErrNotModified = errors.New("folkeregister: not modified")

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
	b, err := httpx.ReadBody(resp, limit)
	if err == nil {
		err = decode(b)
	}
	if err != nil {
		return fmt.Errorf("%s: decoding the answer: %w", op, httpx.RedactError(err))
	}
	return nil
}

// Oppslag is one result of a bulk lookup (schema bulk.response.Oppslag).
type Oppslag struct {
	// Identifikator is the number asked for.
	Identifikator Identifikator
	// Person is nil when FREG returned nothing for the number.
	Person *Person
	// Feilmelding is FREG's reason when it returned no person for the number (a ceased
	// or unknown number, with SomBestilt), redacted.
	Feilmelding string
}

type bulkRequest struct {
	FoedselsEllerDNummer []string `json:"foedselsEllerDNummer"`
}

type bulkResponse struct {
	Oppslag []bulkOppslag `json:"oppslag"`
}

type bulkOppslag struct {
	FoedselsEllerDNummer Identifikator    `json:"foedselsEllerDNummer"`
	Folkeregisterperson  *Person          `json:"folkeregisterperson"`
	Feilmelding          *bulkFeilmelding `json:"feilmelding"`
}

type bulkFeilmelding struct {
	Feilmelding string `json:"feilmelding"`
}

// Personer looks up many persons: POST .../v1/personer/bulkoppslag (FREG bulkoppslag), in
// calls of Options.BulkSize (at most 1000). The result has one Oppslag per id, in the
// order given; duplicates are asked for once. A 200 answer may hold failed items: their
// Oppslag has no Person and, when FREG says why, a Feilmelding. Bulk lookups are reads
// and are retried like GETs.
func (c *Client) Personer(ctx context.Context, ids []ident.Foedselsnummer, opts *PersonOptions) ([]Oppslag, error) {
	const op = "folkeregister.Personer"
	rolle, parts, err := c.rolleFor(op, opts)
	if err != nil {
		return nil, err
	}
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]*Oppslag, len(ids))
	for i, id := range ids {
		if id.IsZero() {
			return nil, &ValidationError{Op: op, Field: fmt.Sprintf("ids[%d]", i), Problem: "no fødselsnummer or D-nummer given"}
		}
		if _, ok := seen[id.Unmasked()]; !ok {
			seen[id.Unmasked()] = &Oppslag{Identifikator: NewIdentifikator(id.Unmasked())}
			uniq = append(uniq, id.Unmasked())
		}
	}
	q := partQuery(nil, parts)
	if opts != nil && opts.SomBestilt {
		q.Set("somBestilt", "true")
	}
	u := c.url(rolle, "v1/personer/bulkoppslag", q)
	for start := 0; start < len(uniq); start += c.bulkSize {
		chunk := uniq[start:min(start+c.bulkSize, len(uniq))]
		body, err := json.Marshal(bulkRequest{FoedselsEllerDNummer: chunk})
		if err != nil {
			return nil, err
		}
		var br bulkResponse
		if _, err := c.do(ctx, op, http.MethodPost, u, nil, body, MaxBulkBytes, func(b []byte) error { return json.Unmarshal(b, &br) }); err != nil {
			return nil, err
		}
		for _, o := range br.Oppslag {
			r, asked := seen[o.FoedselsEllerDNummer.Unmasked()]
			if !asked {
				continue
			}
			if o.Folkeregisterperson != nil {
				r.Person = o.Folkeregisterperson
			}
			if o.Feilmelding != nil && r.Person == nil {
				r.Feilmelding = httpx.Redact(o.Feilmelding.Feilmelding)
			}
		}
	}
	out := make([]Oppslag, len(ids))
	for i, id := range ids {
		out[i] = *seen[id.Unmasked()]
	}
	return out, nil
}

// Opplysningsgrunnlag values: match names and addresses against current values only
// (FREG's default) or also against history.
const (
	OpplysningsgrunnlagGjeldende = "gjeldende"
	OpplysningsgrunnlagHistorisk = "historisk"
)

// MaxSearchHits is the most a search returns. FREG answers criteria that hit more than
// 10 000 persons with an error asking for a narrower search.
const MaxSearchHits = 10000

// SearchQuery are search criteria for FREG's personer/soek (treffliste). FREG decides
// which combinations it accepts and answers 400 for a search it finds too wide, or one
// that hits more than MaxSearchHits persons.
type SearchQuery struct {
	// Navn: one or more whole words of the name, in any order ("kari nordmann").
	Navn string
	// Foedselsdato narrows to one birth date.
	Foedselsdato Dato
	// FoedselsaarFraOgMed and FoedselsaarTilOgMed narrow to a range of birth years.
	FoedselsaarFraOgMed, FoedselsaarTilOgMed int
	// Kjoenn: "kvinne" or "mann".
	Kjoenn string
	// Address: adressenavn (at least its first 3 letters), husnummer (with or without
	// letter), postnummer, kommunenummer (4 digits), fylkesnummer (2 digits).
	Adressenavn   string
	Husnummer     string
	Postnummer    string
	Kommunenummer string
	Fylkesnummer  string
	// InkluderDoede includes dead persons; InkluderOppholdsadresse also matches the
	// address against oppholdsadresse.
	InkluderDoede           bool
	InkluderOppholdsadresse bool
	// SoekFonetisk matches names phonetically.
	SoekFonetisk bool
	// Opplysningsgrunnlag: OpplysningsgrunnlagGjeldende (FREG's default) or
	// OpplysningsgrunnlagHistorisk; affects names and addresses only.
	Opplysningsgrunnlag string
	// MaksTreff caps the hits returned (1 to MaxSearchHits); 0: FREG's default.
	MaksTreff int
}

var digitsRE = map[int]*regexp.Regexp{2: regexp.MustCompile(`^[0-9]{2}$`), 4: regexp.MustCompile(`^[0-9]{4}$`)}

func (s SearchQuery) query() (url.Values, error) {
	const op = "folkeregister.Search"
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
	for _, y := range []struct {
		k string
		v int
	}{{"foedselsaarFraOgMed", s.FoedselsaarFraOgMed}, {"foedselsaarTilOgMed", s.FoedselsaarTilOgMed}} {
		if y.v == 0 {
			continue
		}
		if y.v < 1000 || y.v > 9999 {
			return nil, &ValidationError{Op: op, Field: y.k, Problem: "a year of 4 digits"}
		}
		q.Set(y.k, fmt.Sprint(y.v))
	}
	set("kjoenn", s.Kjoenn)
	set("adressenavn", s.Adressenavn)
	set("husnummer", s.Husnummer)
	for _, d := range []struct {
		k, v string
		n    int
	}{{"postnummer", s.Postnummer, 4}, {"kommunenummer", s.Kommunenummer, 4}, {"fylkesnummer", s.Fylkesnummer, 2}} {
		v := strings.TrimSpace(d.v)
		if v == "" {
			continue
		}
		if !digitsRE[d.n].MatchString(v) {
			return nil, &ValidationError{Op: op, Field: d.k, Problem: fmt.Sprintf("%d digits", d.n)}
		}
		q.Set(d.k, v)
	}
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
		return nil, &ValidationError{Op: op, Field: "SearchQuery", Problem: "no search criteria"}
	}
	if err := opplysningsgrunnlag(op, q, s.Opplysningsgrunnlag); err != nil {
		return nil, err
	}
	if s.MaksTreff != 0 {
		if s.MaksTreff < 0 || s.MaksTreff > MaxSearchHits {
			return nil, &ValidationError{Op: op, Field: "MaksTreff", Problem: fmt.Sprintf("1 to %d", MaxSearchHits)}
		}
		q.Set("maksTreff", fmt.Sprint(s.MaksTreff))
	}
	if k := s.Kjoenn; k != "" && k != "kvinne" && k != "mann" {
		return nil, &ValidationError{Op: op, Field: "Kjoenn", Problem: `must be "kvinne" or "mann"`}
	}
	return q, nil
}

func opplysningsgrunnlag(op string, q url.Values, v string) error {
	switch v {
	case "":
	case OpplysningsgrunnlagGjeldende, OpplysningsgrunnlagHistorisk:
		q.Set("opplysningsgrunnlag", v)
	default:
		return &ValidationError{Op: op, Field: "Opplysningsgrunnlag", Problem: `"gjeldende" or "historisk"`}
	}
	return nil
}

type soekResponse struct {
	FoedselsEllerDNummer []Identifikator `json:"foedselsEllerDNummer"`
}

// Search searches: GET .../v1/personer/soek (FREG soek, the treffliste). It returns the
// identifiers of the matching persons, at most MaxSearchHits (or MaksTreff), possibly
// none; look them up with Personer. The search criteria are personal data and are not
// logged.
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

// EntydigQuery are the criteria of an unambiguous search (FREG entydigsoek). FREG needs
// at least one of: Navn with Identifikasjonsnummer, Foedselsdato, an address,
// UtenlandskPersonidentifikasjon, Legitimasjonsdokument or
// UtlendingsmyndighetenesIdentifikasjonsnummer; or Foedselsdato with
// Legitimasjonsdokument or UtenlandskPersonidentifikasjon. An address is Adressenavn with
// Husnummer or Postnummer. SearchEntydig checks this before sending.
type EntydigQuery struct {
	// Navn: at least two names; the first must match a whole word of the first name, the
	// last one of the surname.
	Navn string
	// Identifikasjonsnummer matches current and historical numbers.
	Identifikasjonsnummer ident.Foedselsnummer
	Foedselsdato          Dato
	Adressenavn           string
	Husnummer             string
	Postnummer            string
	// UtenlandskPersonidentifikasjon and Legitimasjonsdokument are given with their ISO
	// alpha-3 country code, as FREG documents.
	UtenlandskPersonidentifikasjon string
	Legitimasjonsdokument          string
	// UtlendingsmyndighetenesIdentifikasjonsnummer is UDI's DUF number.
	UtlendingsmyndighetenesIdentifikasjonsnummer string
	SoekFonetisk                                 bool
	Opplysningsgrunnlag                          string
}

func (e EntydigQuery) query() (url.Values, error) {
	const op = "folkeregister.SearchEntydig"
	q := url.Values{}
	set := func(k, v string) {
		if v = strings.TrimSpace(v); v != "" {
			q.Set(k, v)
		}
	}
	set("navn", e.Navn)
	if !e.Identifikasjonsnummer.IsZero() {
		q.Set("identifikasjonsnummer", e.Identifikasjonsnummer.Unmasked())
	}
	if !e.Foedselsdato.IsZero() {
		q.Set("foedselsdato", e.Foedselsdato.Format("20060102"))
	}
	set("adressenavn", e.Adressenavn)
	set("husnummer", e.Husnummer)
	set("postnummer", e.Postnummer)
	set("utenlandskpersonidentifikasjon", e.UtenlandskPersonidentifikasjon)
	set("legitimasjonsdokument", e.Legitimasjonsdokument)
	set("utlendingsmyndighetenesidentifikasjonsnummer", e.UtlendingsmyndighetenesIdentifikasjonsnummer)
	if p := q.Get("postnummer"); p != "" && !digitsRE[4].MatchString(p) {
		return nil, &ValidationError{Op: op, Field: "Postnummer", Problem: "4 digits"}
	}
	if n := q.Get("navn"); n != "" && len(strings.Fields(n)) < 2 {
		return nil, &ValidationError{Op: op, Field: "Navn", Problem: "at least two names (first name and surname)"}
	}
	has := q.Has
	adresse := has("adressenavn") && (has("husnummer") || has("postnummer"))
	ok := has("navn") && (has("identifikasjonsnummer") || has("foedselsdato") || adresse || has("utenlandskpersonidentifikasjon") ||
		has("legitimasjonsdokument") || has("utlendingsmyndighetenesidentifikasjonsnummer")) ||
		has("foedselsdato") && (has("legitimasjonsdokument") || has("utenlandskpersonidentifikasjon"))
	if !ok {
		return nil, &ValidationError{Op: op, Field: "EntydigQuery", Problem: "FREG needs Navn with one of Identifikasjonsnummer, Foedselsdato, an address (Adressenavn with Husnummer or Postnummer), UtenlandskPersonidentifikasjon, Legitimasjonsdokument or UtlendingsmyndighetenesIdentifikasjonsnummer; or Foedselsdato with Legitimasjonsdokument or UtenlandskPersonidentifikasjon"}
	}
	if e.SoekFonetisk {
		q.Set("soekFonetisk", "true")
	}
	if err := opplysningsgrunnlag(op, q, e.Opplysningsgrunnlag); err != nil {
		return nil, err
	}
	return q, nil
}

// SearchEntydig finds the one person the criteria identify: GET .../v1/personer/entydigsoek
// (FREG entydigsoek), with the parts of opts. When the criteria match no one, or more than
// one, FREG answers an error (matching ErrNotFound for 404).
func (c *Client) SearchEntydig(ctx context.Context, e EntydigQuery, opts *PersonOptions) (*Person, error) {
	const op = "folkeregister.SearchEntydig"
	rolle, parts, err := c.rolleFor(op, opts)
	if err != nil {
		return nil, err
	}
	q, err := e.query()
	if err != nil {
		return nil, err
	}
	return c.getPerson(ctx, op, c.url(rolle, "v1/personer/entydigsoek", partQuery(q, parts)), nil)
}
