package digisos

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/ident"
	gen "github.com/fellesklient/fellesklient/internal/gen/digisos"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// MaxResponseBytes bounds a JSON answer.
const MaxResponseBytes = 1 << 20

// DefaultKeyCacheTTL is how long the Dokumentlager certificate is reused.
const DefaultKeyCacheTTL = time.Hour

// Options configure a Client.
type Options struct {
	// Environment selects the FIKS hosts (fiks.Prod or fiks.Test).
	Environment fiks.Environment
	// BaseURL overrides the API host (fakes, proxies).
	BaseURL string
	// Credentials are the Maskinporten token source (scope ks:fiks) and the integrasjon.
	Credentials fiks.Credentials
	// FiksOrgID is the municipality's Fiks organisation id (a UUID; required).
	FiksOrgID string
	// KeyCacheTTL is how long the Dokumentlager certificate is reused (default
	// DefaultKeyCacheTTL; negative: fetched for every upload).
	KeyCacheTTL time.Duration

	HTTPClient   *http.Client
	Logger       *slog.Logger
	MaxAttempts  int
	MaxRetryWait time.Duration
	UserAgent    string
}

// Client is the case system's Fiks Digisos client (the fagsystem API,
// digisos-sak-api-v1). It is safe for concurrent use.
type Client struct {
	api    string
	org    string
	hc     *httpx.Client
	keyTTL time.Duration
	now    func() time.Time

	mu     sync.Mutex
	cert   *x509.Certificate
	certAt time.Time
}

// New makes a Client.
func New(opts Options) (*Client, error) {
	const op = "digisos.New"
	if err := opts.Credentials.Validate(); err != nil {
		return nil, err
	}
	base, err := fiks.ResolveBaseURL(opts.Environment, opts.BaseURL, func(e fiks.Endpoints) string { return e.API })
	if err != nil {
		return nil, err
	}
	if uuid.Validate(opts.FiksOrgID) != nil {
		return nil, &ValidationError{Op: op, Field: "FiksOrgID", Problem: "the municipality's Fiks organisation id, a UUID, is required"}
	}
	c := &Client{api: base, org: opts.FiksOrgID, keyTTL: opts.KeyCacheTTL, now: time.Now,
		hc: httpx.NewClient(httpx.Options{HTTPClient: opts.HTTPClient, Token: opts.Credentials.Token, TokenRejected: fiks.TokenRejected,
			Header: opts.Credentials.Header(), MaxAttempts: opts.MaxAttempts, MaxRetryWait: opts.MaxRetryWait,
			Logger: opts.Logger, UserAgent: opts.UserAgent})}
	if c.keyTTL == 0 {
		c.keyTTL = DefaultKeyCacheTTL
	}
	return c, nil
}

func (c *Client) path(digisosID string, rest string) string {
	return c.api + "/digisos/api/v1/" + c.org + "/" + digisosID + rest
}

func checkDigisosID(op, id string) error {
	if uuid.Validate(id) != nil {
		return &ValidationError{Op: op, Field: "digisosID", Problem: "a DigisosId is a UUID"}
	}
	return nil
}

// Ny creates a case for an application that did not come through nav.no (a paper
// application): POST /digisos/api/v1/{fiksOrgId}/ny?sokerFnr=. It returns the DigisosId.
// Not retried once it may have reached Fiks: a lost answer is an *UnknownOutcomeError.
func (c *Client) Ny(ctx context.Context, soker ident.Foedselsnummer) (string, error) {
	const op = "digisos.Ny"
	if soker.IsZero() {
		return "", &ValidationError{Op: op, Field: "soker", Problem: "the applicant's fødselsnummer is required"}
	}
	u := c.api + "/digisos/api/v1/" + c.org + "/ny?" + url.Values{"sokerFnr": {soker.Unmasked()}}.Encode()
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: u, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	var id string
	if err := fiks.DecodeJSON(op, resp, &id, MaxResponseBytes); err != nil {
		return "", err
	}
	if uuid.Validate(id) != nil {
		return "", fmt.Errorf("%s: the answer is not a DigisosId", op)
	}
	return id, nil
}

// OppdaterStatus replaces the case status nav.no shows: POST
// /digisos/api/v1/{fiksOrgId}/{digisosId} with the whole digisos-soker.json (every
// hendelse so far; the API replaces, it does not append). s is checked against NAV's
// schema first: an invalid one is a *ValidationError and nothing is sent. Replacing is
// idempotent, so it is retried.
func (c *Client) OppdaterStatus(ctx context.Context, digisosID string, s *Soker) error {
	const op = "digisos.OppdaterStatus"
	if err := checkDigisosID(op, digisosID); err != nil {
		return err
	}
	if s == nil {
		return &ValidationError{Op: op, Field: "soker", Problem: "required"}
	}
	soker, err := json.Marshal(s)
	if err != nil {
		return &ValidationError{Op: op, Field: "soker", Problem: err.Error()}
	}
	if err := ValidateJSON(soker); err != nil {
		return err
	}
	body, err := json.Marshal(sakApiModel{Type: gen.NoNavDigisosDigisosSokerV1, Sak: sakBody{Soker: soker}})
	if err != nil {
		return err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: c.path(digisosID, ""), Idempotent: true,
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}, Body: httpx.Bytes(body)})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return noBody(op, resp)
}

// SlettStatus deletes the case's status updates (not its files): DELETE
// /digisos/api/v1/{fiksOrgId}/{digisosId}.
func (c *Client) SlettStatus(ctx context.Context, digisosID string) error {
	const op = "digisos.SlettStatus"
	if err := checkDigisosID(op, digisosID); err != nil {
		return err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodDelete, URL: c.path(digisosID, ""), Idempotent: true})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return noBody(op, resp)
}

// DokumentInfo is an uploaded file (DokumentInfo): reference it from digisos-soker.json
// with Dokumentlager(d.DokumentlagerDokumentID).
type DokumentInfo struct {
	Filnavn                 string `json:"filnavn"`
	DokumentlagerDokumentID string `json:"dokumentlagerDokumentId"`
	Storrelse               int64  `json:"storrelse"`
}

// sakApiModel is DigisosSakApiModel with the soker document kept as validated.
type sakApiModel struct {
	Type gen.DigisosSakApiModelType `json:"type"`
	Sak  sakBody                    `json:"sak"`
}

type sakBody struct {
	Soker json.RawMessage `json:"soker"`
}

// dokumentInfos decodes a DokumentInfo list as the API models it (the id a UUID).
func dokumentInfos(op string, resp *http.Response) ([]DokumentInfo, error) {
	var wire []gen.DokumentInfo
	if err := fiks.DecodeJSON(op, resp, &wire, MaxResponseBytes); err != nil {
		return nil, err
	}
	out := make([]DokumentInfo, len(wire))
	for i, w := range wire {
		if w.DokumentlagerDokumentId == nil || w.Filnavn == nil {
			return nil, fmt.Errorf("%s: a DokumentInfo without filnavn or dokumentlagerDokumentId", op)
		}
		out[i] = DokumentInfo{Filnavn: *w.Filnavn, DokumentlagerDokumentID: w.DokumentlagerDokumentId.String()}
		if w.Storrelse != nil {
			out[i].Storrelse = *w.Storrelse
		}
	}
	return out, nil
}

// Referanse is the file's reference for digisos-soker.json.
func (d DokumentInfo) Referanse() Filreferanse { return Dokumentlager(d.DokumentlagerDokumentID) }

// Filer lists the case's uploaded files: GET /digisos/api/v1/{fiksOrgId}/{digisosId}/filer.
func (c *Client) Filer(ctx context.Context, digisosID string) ([]DokumentInfo, error) {
	const op = "digisos.Filer"
	if err := checkDigisosID(op, digisosID); err != nil {
		return nil, err
	}
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: c.path(digisosID, "/filer"), Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return dokumentInfos(op, resp)
}

// SlettFiler deletes uploaded files no status references: DELETE
// /digisos/api/v1/{fiksOrgId}/{digisosId}/filer?filIder=.
func (c *Client) SlettFiler(ctx context.Context, digisosID string, ids ...string) error {
	const op = "digisos.SlettFiler"
	if err := checkDigisosID(op, digisosID); err != nil {
		return err
	}
	if len(ids) == 0 {
		return &ValidationError{Op: op, Field: "ids", Problem: "at least one file id"}
	}
	for _, id := range ids {
		if uuid.Validate(id) != nil {
			return &ValidationError{Op: op, Field: "ids", Problem: "a file id is a UUID"}
		}
	}
	u := c.path(digisosID, "/filer") + "?" + url.Values{"filIder": {strings.Join(ids, ",")}}.Encode()
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodDelete, URL: u, Idempotent: true})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return noBody(op, resp)
}

// DokumentlagerSertifikat is the certificate uploads are encrypted to: GET
// /digisos/api/v1/dokumentlager-public-key, cached for KeyCacheTTL.
func (c *Client) DokumentlagerSertifikat(ctx context.Context) (*x509.Certificate, error) {
	const op = "digisos.DokumentlagerSertifikat"
	c.mu.Lock()
	if c.cert != nil && c.keyTTL > 0 && c.now().Sub(c.certAt) < c.keyTTL {
		cert := c.cert
		c.mu.Unlock()
		return cert, nil
	}
	c.mu.Unlock()
	resp, err := c.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: c.api + "/digisos/api/v1/dokumentlager-public-key"})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	if err := fiks.CheckResponse(op, resp); err != nil {
		return nil, err
	}
	b, err := httpx.ReadBody(resp, 64<<10)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var cert *x509.Certificate
	if certs, err := kryptering.ParseCertificates(b); err == nil && len(certs) > 0 {
		cert = certs[0]
	} else if cert, err = x509.ParseCertificate(b); err != nil {
		return nil, fmt.Errorf("%s: the answer is not a certificate", op)
	}
	c.mu.Lock()
	c.cert, c.certAt = cert, c.now()
	c.mu.Unlock()
	return cert, nil
}

// Fil is a file to upload. Give Open (called again for a retry) or Data.
type Fil struct {
	Filnavn  string
	Mimetype string
	// Storrelse is the plain file's size in bytes (required with Open).
	Storrelse int64
	Open      func() (io.ReadCloser, error)
	Data      []byte
}

// errNotReplayable: a retry would need a source that cannot be read again.
var errNotReplayable = errors.New("digisos: the upload cannot be repeated")

// LastOpp uploads files to the case: POST /digisos/api/v1/{fiksOrgId}/{digisosId}/filer,
// streaming multipart with parts metadata:<i> (filnavn, mimetype, storrelse) and
// dokument:<i>, each document CMS-encrypted (KS profile) to the Dokumentlager certificate
// as it is sent: no temporary files, memory does not grow with the files. It returns the
// DokumentInfo list to reference from digisos-soker.json. A lost or unreadable answer is
// an *UnknownOutcomeError (list the case's Filer to see what arrived).
func (c *Client) LastOpp(ctx context.Context, digisosID string, filer ...Fil) ([]DokumentInfo, error) {
	const op = "digisos.LastOpp"
	if err := checkDigisosID(op, digisosID); err != nil {
		return nil, err
	}
	if len(filer) == 0 {
		return nil, &ValidationError{Op: op, Field: "filer", Problem: "at least one file"}
	}
	for i, f := range filer {
		switch {
		case strings.TrimSpace(f.Filnavn) == "" || strings.ContainsAny(f.Filnavn, "/\\\"\r\n"):
			return nil, &ValidationError{Op: op, Field: fmt.Sprintf("filer[%d].Filnavn", i), Problem: "a file name without / \\ \" or line breaks is required"}
		case f.Mimetype == "":
			return nil, &ValidationError{Op: op, Field: fmt.Sprintf("filer[%d].Mimetype", i), Problem: "required"}
		case f.Open == nil && f.Data == nil:
			return nil, &ValidationError{Op: op, Field: fmt.Sprintf("filer[%d]", i), Problem: "give Open or Data"}
		case f.Open != nil && f.Storrelse <= 0:
			return nil, &ValidationError{Op: op, Field: fmt.Sprintf("filer[%d].Storrelse", i), Problem: "the size is required with Open"}
		}
	}
	cert, err := c.DokumentlagerSertifikat(ctx)
	if err != nil {
		return nil, err
	}
	boundary := httpx.NewBoundary()
	req := &httpx.Request{Method: http.MethodPost, URL: c.path(digisosID, "/filer"),
		Header: http.Header{"Content-Type": {"multipart/form-data; boundary=" + boundary}, "Accept": {"application/json"},
			"requestid": {uuid.NewString()}},
		Body: httpx.PipeBody(func(w io.Writer) error { return writeUpload(w, boundary, filer, cert) }, true, errNotReplayable)}
	resp, err := c.hc.Do(ctx, req)
	if err != nil {
		if errors.Is(err, ErrRedirect) {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return nil, &UnknownOutcomeError{Op: op, Reference: "digisosId " + digisosID, Err: err}
	}
	ok := resp.StatusCode/100 == 2
	out, err := dokumentInfos(op, resp)
	if err != nil {
		if ok {
			// The service said yes but its list is unreadable: the files are most
			// likely stored. Uploading again would store them twice.
			return nil, &UnknownOutcomeError{Op: op, Reference: "digisosId " + digisosID, Err: err}
		}
		return nil, err
	}
	if len(out) != len(filer) {
		return nil, fmt.Errorf("%s: %d files uploaded, the answer lists %d", op, len(filer), len(out))
	}
	return out, nil
}

func writeUpload(w io.Writer, boundary string, filer []Fil, cert *x509.Certificate) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	for i, f := range filer {
		size := f.Storrelse
		if f.Open == nil {
			size = int64(len(f.Data))
		}
		meta, err := json.Marshal(map[string]any{"filnavn": f.Filnavn, "mimetype": f.Mimetype, "storrelse": size})
		if err != nil {
			return err
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="metadata:`+strconv.Itoa(i)+`"`)
		h.Set("Content-Type", "application/json")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if _, err := pw.Write(meta); err != nil {
			return err
		}
		h = textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="dokument:`+strconv.Itoa(i)+`"; filename="`+f.Filnavn+`"`)
		h.Set("Content-Type", "application/octet-stream")
		pw, err = mw.CreatePart(h)
		if err != nil {
			return err
		}
		var src io.Reader = bytes.NewReader(f.Data)
		if f.Open != nil {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			src = rc
		}
		enc, err := kryptering.NewEncrypter(pw, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}})
		if err != nil {
			return err
		}
		n, err := io.Copy(enc, src)
		if err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
		if n != size {
			return fmt.Errorf("digisos: %s is %d bytes, not the %d its metadata says", f.Filnavn, n, size)
		}
	}
	return mw.Close()
}

// noBody checks an answer that carries nothing (202, 204) and closes it.
func noBody(op string, resp *http.Response) error {
	defer resp.Body.Close()
	if err := fiks.CheckResponse(op, resp); err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBytes))
	return nil
}
