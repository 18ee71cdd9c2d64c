// Package edialog sends letters and forms into a municipality's SvarInn through KS's
// eDialog, the channel citizens and organisations use to write to a kommune (and the
// "answer" channel of a SvarUt forsendelse with kanSvareViaEdialog). What eDialog sends
// arrives at the kommune as an ordinary SvarInn forsendelse with avgivendeSystem
// "EDIALOG", received with svarut.Mottak.
//
// The skjema flow of the eDialog API (edialog-api-v1), one method per operation:
// NyttSkjema, SettAvsender, SettMottaker, SettMetadata, LastOppFil, SlettFil, SendInn,
// Skjema and SlettSkjema. [Client.Send] runs the whole flow in one call, checks everything
// before the first request, and deletes the draft when a step before the sending fails.
// The fake is edialogtest.
package edialog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/ident"
	gen "github.com/fellesklient/fellesklient/internal/gen/edialog"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/mask"
)

// MaxResponseBytes bounds a JSON answer.
const MaxResponseBytes = 1 << 20

// Options configure a Client. The shape is every FIKS client's.
type Options struct {
	// Environment selects the FIKS hosts (fiks.Prod or fiks.Test). The spec lists
	// https://api.test.fiks.ks.no as its test server; every KS client uses
	// api.fiks.test.ks.no, and so does fiks.Test.
	Environment fiks.Environment
	// BaseURL overrides the API host (fakes, proxies).
	BaseURL string
	// Credentials are the Maskinporten token source (scope ks:fiks) and the integrasjon.
	Credentials fiks.Credentials

	HTTPClient   *http.Client
	Logger       *slog.Logger
	MaxAttempts  int
	MaxRetryWait time.Duration
	UserAgent    string
}

// Client is an eDialog client. It is safe for concurrent use.
type Client struct {
	api string
	log *slog.Logger
	hc  *httpx.Client
}

// New makes a Client.
func New(opts Options) (*Client, error) {
	if err := opts.Credentials.Validate(); err != nil {
		return nil, err
	}
	base, err := fiks.ResolveBaseURL(opts.Environment, opts.BaseURL, func(e fiks.Endpoints) string { return e.API })
	if err != nil {
		return nil, err
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{api: base, log: log, hc: httpx.NewClient(httpx.Options{HTTPClient: opts.HTTPClient, Token: opts.Credentials.Token,
		TokenRejected: fiks.TokenRejected, Header: opts.Credentials.Header(), MaxAttempts: opts.MaxAttempts, MaxRetryWait: opts.MaxRetryWait,
		Logger: opts.Logger, UserAgent: opts.UserAgent})}, nil
}

// AvsenderType is who sends: a person or an organisation.
type AvsenderType string

// The sender types (AvsenderV1.type).
const (
	AvsenderPerson       AvsenderType = "PERSON"
	AvsenderOrganisasjon AvsenderType = "ORGANISASJON"
)

// Avsender is the sender (AvsenderV1). ID is the sender's fødselsnummer (PERSON) or
// organisasjonsnummer (ORGANISASJON); a fødselsnummer is masked wherever an Avsender is
// printed or logged.
type Avsender struct {
	Type                                        AvsenderType
	ID                                          string
	Navn                                        string
	Adresselinje1, Adresselinje2, Adresselinje3 string
	Postnummer, Poststed, Land                  string
	Epost, Telefonnummer                        string
}

// String shows the sender's type, name and id (masked).
func (a Avsender) String() string {
	return fmt.Sprintf("edialog.Avsender{%s %q %s}", a.Type, a.Navn, mask.IdentityNumbers(a.ID))
}

// GoString is String.
func (a Avsender) GoString() string { return a.String() }

// Format prints String for every verb. (Marshalled as JSON an Avsender holds its id as
// it is: it is the sender's data.)
func (a Avsender) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(a.String())) }

// LogValue is the type, name and masked id.
func (a Avsender) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", string(a.Type)), slog.String("navn", a.Navn), slog.String("id", mask.IdentityNumbers(a.ID)))
}

// Mottaker is the eDialog recipient (MottakerV1): its id is the UUID eDialog gives the
// kommune's mottaker (the unit and template set up in eDialog's mottaker administration),
// not an organisasjonsnummer.
type Mottaker struct {
	ID   string
	Navn string
}

// Metadata is what the letter says (MetadataV1). Sensitivt sends it at the highest
// security level (nivå 4 in SvarInn).
type Metadata struct {
	Tittel    string
	Melding   string
	Sensitivt bool
}

// Fil is an uploaded file (FilV1).
type Fil struct {
	ID   string
	Navn string
	Type string
}

// Skjema is a draft or sent skjema (SkjemaV1).
type Skjema struct {
	ID         string
	SistEndret time.Time
	// InnsendtDato is when it was sent; zero for a draft.
	InnsendtDato time.Time
	Metadata     *Metadata
	Avsender     *Avsender
	Mottaker     *Mottaker
	Filer        []Fil
}

// Sendt reports whether the skjema has been sent.
func (s *Skjema) Sendt() bool { return !s.InnsendtDato.IsZero() }

// Vedlegg is a file to upload: Open is called for each attempt and streamed (the file is
// never held whole in memory). See FileVedlegg and BytesVedlegg.
type Vedlegg struct {
	Navn string
	// Type is the MIME type (default application/octet-stream).
	Type string
	Open func() (io.ReadCloser, error)
}

// FileVedlegg is a Vedlegg read from path, named by its base name.
func FileVedlegg(path, mimeType string) Vedlegg {
	return Vedlegg{Navn: filepath.Base(path), Type: mimeType, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

// BytesVedlegg is a Vedlegg held in memory.
func BytesVedlegg(navn, mimeType string, b []byte) Vedlegg {
	return Vedlegg{Navn: navn, Type: mimeType, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(b))), nil }}
}

func (c *Client) url(id string, rest string) string {
	return c.api + "/edialog/api/v1/skjemaer/" + id + rest
}

func checkID(op, field, id string) error {
	if uuid.Validate(id) != nil {
		return &ValidationError{Op: op, Field: field, Problem: "an eDialog id is a UUID"}
	}
	return nil
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}

// NyttSkjema creates an empty draft: POST /edialog/api/v1/skjemaer (operation
// "nyttSkjema"). Not retried once it may have reached eDialog: a lost answer may leave an
// empty draft behind, which is never sent.
func (c *Client) NyttSkjema(ctx context.Context) (*Skjema, error) {
	const op = "edialog.NyttSkjema"
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: c.api + "/edialog/api/v1/skjemaer", Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var w gen.NyttSkjemaV1
	if err := fiks.DecodeJSON(op, resp, &w, MaxResponseBytes); err != nil {
		return nil, err
	}
	if w.Id == nil {
		return nil, fmt.Errorf("%s: the answer has no skjema id", op)
	}
	s := &Skjema{ID: w.Id.String()}
	if w.SistEndret != nil {
		s.SistEndret = *w.SistEndret
	}
	return s, nil
}

// Skjema gets a skjema: GET /edialog/api/v1/skjemaer/{id} (operation "getSkjema").
func (c *Client) Skjema(ctx context.Context, id string) (*Skjema, error) {
	const op = "edialog.Skjema"
	if err := checkID(op, "id", id); err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: c.url(id, ""), Header: http.Header{"Accept": {"application/json"}}})
	return c.skjema(op, resp, err)
}

// SlettSkjema deletes a draft: DELETE /edialog/api/v1/skjemaer/{id} (operation
// "slettSkjema").
func (c *Client) SlettSkjema(ctx context.Context, id string) error {
	const op = "edialog.SlettSkjema"
	if err := checkID(op, "id", id); err != nil {
		return err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodDelete, URL: c.url(id, ""), Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := fiks.CheckResponse(op, resp); err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

func (a Avsender) check(op string) error {
	switch a.Type {
	case AvsenderPerson:
		if a.ID != "" {
			if _, err := ident.ParseFoedselsnummer(a.ID); err != nil {
				return &ValidationError{Op: op, Field: "Avsender.ID", Problem: "a person's id is a fødselsnummer", Err: err}
			}
		}
	case AvsenderOrganisasjon:
		if _, err := ident.ParseOrganisasjonsnummer(a.ID); err != nil {
			return &ValidationError{Op: op, Field: "Avsender.ID", Problem: "an organisation's id is its organisasjonsnummer", Err: err}
		}
	default:
		return &ValidationError{Op: op, Field: "Avsender.Type", Problem: "PERSON or ORGANISASJON"}
	}
	if strings.TrimSpace(a.Navn) == "" {
		return &ValidationError{Op: op, Field: "Avsender.Navn", Problem: "required"}
	}
	return nil
}

// SettAvsender sets the sender: PUT /edialog/api/v1/skjemaer/{id}/avsender (operation
// "oppdaterAvsender").
func (c *Client) SettAvsender(ctx context.Context, id string, a Avsender) (*Skjema, error) {
	const op = "edialog.SettAvsender"
	if err := checkID(op, "id", id); err != nil {
		return nil, err
	}
	if err := a.check(op); err != nil {
		return nil, err
	}
	t := gen.AvsenderV1Type(a.Type)
	return c.put(ctx, op, c.url(id, "/avsender"), gen.AvsenderV1{Type: &t, Id: opt(a.ID), Navn: opt(a.Navn), Adresselinje1: opt(a.Adresselinje1),
		Adresselinje2: opt(a.Adresselinje2), Adresselinje3: opt(a.Adresselinje3), Postnummer: opt(a.Postnummer), Poststed: opt(a.Poststed),
		Land: opt(a.Land), Epost: opt(a.Epost), Telefonnummer: opt(a.Telefonnummer)})
}

// SettMottaker sets the recipient: PUT /edialog/api/v1/skjemaer/{id}/mottaker (operation
// "oppdaterMottaker").
func (c *Client) SettMottaker(ctx context.Context, id string, m Mottaker) (*Skjema, error) {
	const op = "edialog.SettMottaker"
	if err := checkID(op, "id", id); err != nil {
		return nil, err
	}
	mid, err := uuid.Parse(m.ID)
	if err != nil {
		return nil, &ValidationError{Op: op, Field: "Mottaker.ID", Problem: "the eDialog mottaker's id, a UUID (not an organisasjonsnummer)"}
	}
	return c.put(ctx, op, c.url(id, "/mottaker"), gen.MottakerV1{Id: &mid, Navn: opt(m.Navn)})
}

func (m Metadata) check(op string) error {
	if strings.TrimSpace(m.Tittel) == "" {
		return &ValidationError{Op: op, Field: "Metadata.Tittel", Problem: "required"}
	}
	return nil
}

// SettMetadata sets the title, message and sensitivity: PUT
// /edialog/api/v1/skjemaer/{id}/metadata (operation "oppdaterMetadata").
func (c *Client) SettMetadata(ctx context.Context, id string, m Metadata) (*Skjema, error) {
	const op = "edialog.SettMetadata"
	if err := checkID(op, "id", id); err != nil {
		return nil, err
	}
	if err := m.check(op); err != nil {
		return nil, err
	}
	return c.put(ctx, op, c.url(id, "/metadata"), gen.MetadataV1{Tittel: &m.Tittel, Melding: opt(m.Melding), Sensitivt: &m.Sensitivt})
}

func (c *Client) put(ctx context.Context, op, u string, body any) (*Skjema, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPut, URL: u, Header: jsonHeader, Body: httpx.Bytes(b)})
	return c.skjema(op, resp, err)
}

func (v Vedlegg) check(op, field string) error {
	switch {
	case strings.TrimSpace(v.Navn) == "" || strings.ContainsAny(v.Navn, "/\\\"\r\n"):
		return &ValidationError{Op: op, Field: field + ".Navn", Problem: "a file name without / \\ \" or line breaks is required"}
	case v.Open == nil:
		return &ValidationError{Op: op, Field: field + ".Open", Problem: "required"}
	}
	return nil
}

// LastOppFil uploads a file to a draft: POST /edialog/api/v1/skjemaer/{id}/filer
// (operation "lastOppFil"), returning the updated skjema.
//
// The spec does not describe the body. It is sent as multipart/form-data with one part
// named "file" carrying the file name and MIME type, streamed from v.Open: the form a
// Spring MultipartFile endpoint (KS's services are Spring) takes, as the other Fiks
// uploads use. No KS eDialog client could be found to confirm the part name; the fake
// enforces this form. An upload whose answer is lost is settled by reading the skjema:
// a new file of that name means it arrived, none that it did not (then it is sent again).
func (c *Client) LastOppFil(ctx context.Context, id string, v Vedlegg) (*Skjema, error) {
	const op = "edialog.LastOppFil"
	if err := checkID(op, "id", id); err != nil {
		return nil, err
	}
	if err := v.check(op, "vedlegg"); err != nil {
		return nil, err
	}
	before, err := c.Skjema(ctx, id)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		s, err := c.upload(ctx, op, id, v)
		if err == nil || attempt == 2 || !errors.Is(err, errLostAnswer) {
			return s, unwrapLost(err)
		}
		after, gerr := c.Skjema(ctx, id)
		if gerr != nil {
			return nil, &UnknownOutcomeError{Op: op, Reference: "skjema " + id + ", fil " + v.Navn, Err: err}
		}
		if countNamed(after.Filer, v.Navn) > countNamed(before.Filer, v.Navn) {
			return after, nil
		}
		c.log.LogAttrs(ctx, slog.LevelInfo, "edialog: the upload's answer was lost and the file is not there; uploading again", slog.String("skjema", id))
	}
}

func countNamed(filer []Fil, navn string) int {
	n := 0
	for _, f := range filer {
		if f.Navn == navn {
			n++
		}
	}
	return n
}

// errLostAnswer marks a write whose request may have reached eDialog but whose answer
// did not come back.
var errLostAnswer = errors.New("the answer was lost")

type lostError struct{ err error }

func (e *lostError) Error() string   { return e.err.Error() }
func (e *lostError) Unwrap() []error { return []error{e.err, errLostAnswer} }

func unwrapLost(err error) error {
	var le *lostError
	if errors.As(err, &le) {
		return le.err
	}
	return err
}

func (c *Client) upload(ctx context.Context, op, id string, v Vedlegg) (*Skjema, error) {
	typ := v.Type
	if typ == "" {
		typ = "application/octet-stream"
	}
	boundary := httpx.NewBoundary()
	body := httpx.PipeBody(func(w io.Writer) error {
		mw := multipart.NewWriter(w)
		if err := mw.SetBoundary(boundary); err != nil {
			return err
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="`+v.Navn+`"`)
		h.Set("Content-Type", typ)
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		rc, err := v.Open()
		if err != nil {
			return err
		}
		defer rc.Close()
		if _, err := io.Copy(pw, rc); err != nil {
			return err
		}
		return mw.Close()
	}, true, nil)
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: c.url(id, "/filer"),
		Header: http.Header{"Content-Type": {"multipart/form-data; boundary=" + boundary}, "Accept": {"application/json"}}, Body: body})
	if err != nil {
		if errors.Is(err, ErrRedirect) {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return nil, &lostError{fmt.Errorf("%s: %w", op, err)}
	}
	return c.skjema(op, resp, nil)
}

// SlettFil deletes a file from a draft: DELETE /edialog/api/v1/skjemaer/{skjemaId}/filer/{filId}
// (operation "slettFil").
func (c *Client) SlettFil(ctx context.Context, skjemaID, filID string) (*Skjema, error) {
	const op = "edialog.SlettFil"
	if err := checkID(op, "skjemaID", skjemaID); err != nil {
		return nil, err
	}
	if err := checkID(op, "filID", filID); err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodDelete, URL: c.url(skjemaID, "/filer/"+filID), Header: http.Header{"Accept": {"application/json"}}})
	return c.skjema(op, resp, err)
}

// SendInn sends a draft: POST /edialog/api/v1/skjemaer/{id}/send (operation
// "sendInnSkjema"). eDialog delivers it to the mottaker's SvarInn. It is never sent twice:
// the request is not repeated, and a lost answer is settled by reading the skjema (sent:
// success; still a draft: an *UnknownOutcomeError, since the send may still be under way;
// read the skjema later and call SendInn again only if it is still a draft).
func (c *Client) SendInn(ctx context.Context, id string) (*Skjema, error) {
	const op = "edialog.SendInn"
	if err := checkID(op, "id", id); err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: c.url(id, "/send"), Header: http.Header{"Accept": {"application/json"}}})
	if err != nil && !errors.Is(err, ErrRedirect) {
		s, gerr := c.Skjema(ctx, id)
		if gerr == nil && s.Sendt() {
			return s, nil
		}
		return nil, &UnknownOutcomeError{Op: op, Reference: "skjema " + id, Err: err}
	}
	s, err := c.skjema(op, resp, err)
	if err != nil {
		return nil, err
	}
	if !s.Sendt() {
		return s, fmt.Errorf("%s: eDialog answered, but the skjema has no innsendtDato", op)
	}
	return s, nil
}

// Innsending is everything Send needs.
type Innsending struct {
	Avsender Avsender
	Mottaker Mottaker
	Metadata Metadata
	Vedlegg  []Vedlegg
}

// Send runs the whole flow: it checks in first (nothing is sent if any part is wrong),
// then creates a draft, sets the sender, recipient and metadata, uploads each file and
// sends. When a step before the sending fails, the draft is deleted (a failure to delete
// it is joined to the error). When the send's outcome is unknown the draft is kept and the
// *UnknownOutcomeError names it.
func (c *Client) Send(ctx context.Context, in Innsending) (*Skjema, error) {
	const op = "edialog.Send"
	if err := in.Avsender.check(op); err != nil {
		return nil, err
	}
	if uuid.Validate(in.Mottaker.ID) != nil {
		return nil, &ValidationError{Op: op, Field: "Mottaker.ID", Problem: "the eDialog mottaker's id, a UUID (not an organisasjonsnummer)"}
	}
	if err := in.Metadata.check(op); err != nil {
		return nil, err
	}
	for i, v := range in.Vedlegg {
		if err := v.check(op, fmt.Sprintf("Vedlegg[%d]", i)); err != nil {
			return nil, err
		}
	}
	draft, err := c.NyttSkjema(ctx)
	if err != nil {
		return nil, err
	}
	cleanup := func(cause error) error {
		// The caller's ctx may be what failed: the draft is deleted on a short context of
		// its own.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if derr := c.SlettSkjema(dctx, draft.ID); derr != nil {
			return errors.Join(cause, fmt.Errorf("%s: the draft %s was not deleted: %w", op, draft.ID, derr))
		}
		return cause
	}
	if _, err := c.SettAvsender(ctx, draft.ID, in.Avsender); err != nil {
		return nil, cleanup(err)
	}
	if _, err := c.SettMottaker(ctx, draft.ID, in.Mottaker); err != nil {
		return nil, cleanup(err)
	}
	if _, err := c.SettMetadata(ctx, draft.ID, in.Metadata); err != nil {
		return nil, cleanup(err)
	}
	for _, v := range in.Vedlegg {
		if _, err := c.LastOppFil(ctx, draft.ID, v); err != nil {
			return nil, cleanup(err)
		}
	}
	s, err := c.SendInn(ctx, draft.ID)
	if err != nil {
		var uo *UnknownOutcomeError
		if errors.As(err, &uo) {
			return nil, err
		}
		return nil, cleanup(err)
	}
	c.log.LogAttrs(ctx, slog.LevelInfo, "edialog: sent", slog.String("skjema", s.ID), slog.Int("filer", len(s.Filer)))
	return s, nil
}

func (c *Client) skjema(op string, resp *http.Response, err error) (*Skjema, error) {
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var w gen.SkjemaV1
	if err := fiks.DecodeJSON(op, resp, &w, MaxResponseBytes); err != nil {
		return nil, err
	}
	if w.Id == nil {
		return nil, fmt.Errorf("%s: the answer is not a SkjemaV1 (no id)", op)
	}
	s := &Skjema{ID: w.Id.String(), SistEndret: deref(w.SistEndret), InnsendtDato: deref(w.InnsendtDato)}
	if m := w.Metadata; m != nil {
		s.Metadata = &Metadata{Tittel: deref(m.Tittel), Melding: deref(m.Melding), Sensitivt: deref(m.Sensitivt)}
	}
	if a := w.Avsender; a != nil {
		s.Avsender = &Avsender{Type: AvsenderType(deref(a.Type)), ID: deref(a.Id), Navn: deref(a.Navn), Adresselinje1: deref(a.Adresselinje1),
			Adresselinje2: deref(a.Adresselinje2), Adresselinje3: deref(a.Adresselinje3), Postnummer: deref(a.Postnummer), Poststed: deref(a.Poststed),
			Land: deref(a.Land), Epost: deref(a.Epost), Telefonnummer: deref(a.Telefonnummer)}
	}
	if m := w.Mottaker; m != nil {
		s.Mottaker = &Mottaker{Navn: deref(m.Navn)}
		if m.Id != nil {
			s.Mottaker.ID = m.Id.String()
		}
	}
	if w.Filer != nil {
		for _, f := range *w.Filer {
			fil := Fil{Navn: deref(f.Navn), Type: deref(f.Type)}
			if f.Id != nil {
				fil.ID = f.Id.String()
			}
			s.Filer = append(s.Filer, fil)
		}
	}
	return s, nil
}

func opt(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
