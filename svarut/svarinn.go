package svarut

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/gen/svarut/svarinn"
	"github.com/fellesklient/fellesklient/internal/gen/svarut/svarinnv2"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/lease"
)

// MottakOptions configures a Mottak (the SvarInn side).
type MottakOptions struct {
	// Environment selects svarut.ks.no (fiks.Prod) or the test platform (fiks.Test).
	Environment fiks.Environment
	// BaseURL overrides the environment's host; /tjenester/svarinn/... is appended. The
	// OpenAPI's server URL (.../tjenester) is accepted too: it is not doubled. (One KS
	// page gives SvarInn V2's base as .../api/; the V2 spec's servers, followed here, are
	// .../tjenester.)
	BaseURL string
	// APIVersion is SvarInn's API: V2 (the default, "Stabil" in KS's version table) or V1
	// (the mottaksservice, "Deprecated"). Both are received the same way: Receive,
	// Acknowledge and MarkFailed mean the same with either. V2 downloads every forsendelse
	// as one encrypted zip of its files, each checked against the SHA-256 V2 lists for it.
	APIVersion APIVersion
	// Brukernavn and Passord are the mottakersystem's id and servicepassord (Basic).
	// Passord is an [auth.Secret]: it never prints, logs or marshals.
	Brukernavn string
	Passord    auth.Secret
	// Key is the mottakersystem's private key (kryptering.ParseKey): every download is
	// encrypted to its certificate.
	Key kryptering.Key
	// DownloadFailurePermanent makes Receive report a forsendelse whose file cannot be
	// downloaded or decrypted (SvarInn answers an error for it, or it is not CMS for this
	// key) as permanently failed, so that SvarUt delivers it by another channel. Default:
	// reported as failed for now, and offered again on the next run.
	DownloadFailurePermanent bool
	HTTPClient               *http.Client
	Logger                   *slog.Logger
	// MaxAttempts is the most attempts per call, the first included: 0 is 4, the default of
	// every client of the module; 1 means no retries.
	MaxAttempts int
	// MaxRetryWait caps the wait before a retry (default 10 s). An answer whose
	// Retry-After asks for longer is not retried early: it is returned, with its
	// RetryAfter, for the caller to decide.
	MaxRetryWait time.Duration
	UserAgent    string

	// Lease, when set, coordinates the replicas receiving for the same mottakersystem
	// (lease/redislease on Redis): a replica downloads, hands over and acknowledges a
	// forsendelse only while it holds the forsendelse's lease, renewed every third of
	// LeaseTTL. Right before the acknowledgement the lease is renewed once more (the
	// fencing step): a replica whose lease lapsed leaves the forsendelse to the one that
	// took it over. A forsendelse one replica acknowledged is never taken by another,
	// even one that listed it earlier. A replica that dies loses its leases after
	// LeaseTTL and another takes its forsendelser over, after checking with a fresh
	// list that the one that died had not acknowledged them. When the lease store cannot be
	// reached, Receive takes no new forsendelse and returns an error wrapping
	// lease.ErrUnavailable. Nil: no coordination (one receiver per mottakersystem).
	Lease lease.Store
	// LeaseTTL is how long a lease lasts without renewal; an acknowledgement must
	// finish within half of it. Default 1 min.
	LeaseTTL time.Duration
}

// Mottak receives forsendelser for one mottakersystem (SvarInn V2, or V1).
type Mottak struct {
	version APIVersion
	base    string
	origin  string
	key     kryptering.Key
	hc      *httpx.Client
	log     *slog.Logger

	downloadPermanent bool
	lease             lease.Store
	leaseTTL          time.Duration
	leasePrefix       string
}

// NewMottak returns a Mottak.
func NewMottak(opts MottakOptions) (*Mottak, error) {
	if opts.Brukernavn == "" || opts.Passord == "" {
		return nil, errors.New("svarut: MottakOptions.Brukernavn and Passord (the mottakersystem's credentials) are required")
	}
	if opts.Key.Decrypter == nil {
		return nil, errors.New("svarut: MottakOptions.Key (the mottakersystem's private key) is required")
	}
	switch opts.APIVersion {
	case "":
		opts.APIVersion = V2
	case V1, V2:
	default:
		return nil, fmt.Errorf("svarut: MottakOptions.APIVersion %q: SvarInn is V2 (the default) or V1", opts.APIVersion)
	}
	base, err := baseURL(opts.Environment, opts.BaseURL, "/tjenester/svarinn/v2", "/tjenester/svarinn", "/tjenester")
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(base)
	basic := base64.StdEncoding.EncodeToString([]byte(opts.Brukernavn + ":" + string(opts.Passord)))
	m := &Mottak{
		version: opts.APIVersion,
		base:    base + "/tjenester/svarinn/",
		origin:  u.Scheme + "://" + u.Host,
		key:     opts.Key,
		log:     opts.Logger,

		downloadPermanent: opts.DownloadFailurePermanent,
		lease:             opts.Lease,
		leaseTTL:          opts.LeaseTTL,
		leasePrefix:       "svarinn:" + opts.Brukernavn + ":",
		hc: httpx.NewClient(httpx.Options{
			HTTPClient:  opts.HTTPClient,
			Header:      http.Header{"Authorization": {"Basic " + basic}},
			MaxAttempts: opts.MaxAttempts, MaxRetryWait: opts.MaxRetryWait,
			Logger:    opts.Logger,
			UserAgent: opts.UserAgent,
		}),
	}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	if m.leaseTTL <= 0 {
		m.leaseTTL = time.Minute
	}
	return m, nil
}

// MottattForsendelse is a forsendelse waiting for this mottakersystem (SvarInn's
// Forsendelse).
type MottattForsendelse struct {
	ID               string          `json:"id"`
	Tittel           string          `json:"tittel"`
	Dato             time.Time       `json:"dato"`
	Avsender         Avsender        `json:"avsender"`
	Mottaker         MottakerAdresse `json:"mottaker"`
	Forsendelsestype string          `json:"forsendelsestype"`
	EksternReferanse string          `json:"eksternRef"`
	Korrelasjonsid   string          `json:"korrelasjonsid"`
	// Niva is the security level, "3" or "4"; Sikkerhetsniva says the same as V2 does,
	// BETYDELIG or HOYESTE. Both are set with either version.
	Niva           string `json:"niva"`
	Sikkerhetsniva string `json:"sikkerhetsniva"`
	// Status is V1's (V2 lists none).
	Status string `json:"status,omitempty"`
	// Filmetadata describes the files. V2 downloads them as one zip; V1 downloads one
	// file as itself and several as one zip.
	Filmetadata        []Filmetadata `json:"filmetadata"`
	SvarPaForsendelse  string        `json:"svarPaForsendelse,omitempty"`
	AvgivendeSystem    string        `json:"avgivendeSystem,omitempty"`
	TaushetsbelagtPost bool          `json:"taushetsbelagtPost"`
	// SvarSendesTil is where an answer goes, if the sender said.
	SvarSendesTil *MottakerAdresse `json:"svarSendesTil,omitempty"`
	// Lenker are the forsendelse's links.
	Lenker []Lenke `json:"lenker,omitempty"`
	// Metadata is the sender's Noark 5 metadata (metadataFraAvleverendeSystem), and
	// MetadataForImport the metadata for filing it here (metadataForImport); V2 only.
	Metadata          *NoarkMetadata `json:"metadataFraAvleverendeSystem,omitempty"`
	MetadataForImport *NoarkMetadata `json:"metadataForImport,omitempty"`
	downloadURL       string
}

// Avsender is the sender.
type Avsender struct {
	Navn string `json:"navn"`
	// Organisasjonsnummer is the sender's (V2).
	Organisasjonsnummer string   `json:"organisasjonsnummer,omitempty"`
	Adresselinjer       []string `json:"adresselinjer,omitempty"`
	Postnummer          string   `json:"postnummer,omitempty"`
	Poststed            string   `json:"poststed,omitempty"`
	Land                string   `json:"land,omitempty"`
}

// MottakerAdresse is the recipient as SvarUt addressed it, or where an answer goes.
type MottakerAdresse struct {
	Navn                string `json:"navn"`
	Organisasjonsnummer string `json:"organisasjonsnummer,omitempty"`
	// Foedselsnummer is set only in SvarSendesTil, for an answer to a person.
	Foedselsnummer ident.Foedselsnummer `json:"fodselsnummer,omitzero"`
	Adresselinjer  []string             `json:"adresselinjer,omitempty"`
	Postnummer     string               `json:"postnummer,omitempty"`
	Poststed       string               `json:"poststed,omitempty"`
	Land           string               `json:"land,omitempty"`
}

// Filmetadata describes one file.
type Filmetadata struct {
	Filnavn  string `json:"filnavn"`
	MimeType string `json:"mimeType"`
	// Sha256 is the hex SHA-256 of the file's content (V1 sha256hash, V2 hash).
	Sha256    string `json:"sha256,omitempty"`
	Storrelse int64  `json:"storrelse"`
	// DokumentType is free text, such as a Noark dokumenttype (V1 dokumentType, V2 type).
	DokumentType   string     `json:"dokumentType,omitempty"`
	EkstraMetadata []Metadata `json:"ekstraMetadata,omitempty"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func fromWire(f svarinn.Forsendelse) MottattForsendelse {
	m := MottattForsendelse{
		ID: f.Id, Tittel: f.Tittel, Forsendelsestype: deref(f.ForsendelseType), EksternReferanse: deref(f.EksternRef),
		Korrelasjonsid: deref(f.Korrelasjonsid), Niva: f.Niva, Sikkerhetsniva: nivaSikkerhetsniva[f.Niva], Status: f.Status, SvarPaForsendelse: deref(f.SvarPaForsendelse),
		AvgivendeSystem: deref(f.AvgivendeSystem), TaushetsbelagtPost: deref(f.TaushetsbelagtPost), downloadURL: f.DownloadUrl,
	}
	if f.Date != nil {
		m.Dato = time.UnixMilli(*f.Date)
	}
	if a := f.Avsender; a != nil {
		m.Avsender = Avsender{Navn: deref(a.Navn), Adresselinjer: nonEmpty(deref(a.Adresselinje1), deref(a.Adresselinje2), deref(a.Adresselinje3)),
			Postnummer: deref(a.Postnr), Poststed: deref(a.Poststed)}
	}
	mt := f.Mottaker
	m.Mottaker = MottakerAdresse{Navn: mt.Navn, Organisasjonsnummer: deref(mt.Orgnr), Adresselinjer: nonEmpty(deref(mt.Adresse1), deref(mt.Adresse2), deref(mt.Adresse3)),
		Postnummer: deref(mt.Postnr), Poststed: deref(mt.Poststed), Land: deref(mt.Land)}
	for _, fm := range f.Filmetadata {
		m.Filmetadata = append(m.Filmetadata, Filmetadata{Filnavn: fm.Filnavn, MimeType: fm.Mimetype, Sha256: fm.Sha256hash, Storrelse: fm.Size, DokumentType: deref(fm.DokumentType)})
	}
	return m
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// ListNew lists the forsendelser waiting (at most 200 per call): with V2, GET
// /svarinn/v2/forsendelser (hentNyeForsendelser); with V1, GET
// /svarinn/mottaker/hentNyeForsendelser. An entry that cannot be read is logged and left
// in SvarInn, so one odd entry does not hold up the others.
func (m *Mottak) ListNew(ctx context.Context) ([]MottattForsendelse, error) {
	const op = "svarinn.ListNew"
	u := m.base + "mottaker/hentNyeForsendelser"
	if m.version == V2 {
		u = m.base + "v2/forsendelser"
	}
	resp, err := m.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: u, Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	var raw []json.RawMessage
	if err := decode(op, resp, &raw); err != nil {
		return nil, err
	}
	out := make([]MottattForsendelse, 0, len(raw))
	for i, r := range raw {
		var f MottattForsendelse
		if m.version == V2 {
			f, err = decodeListedV2(r)
		} else {
			var w svarinn.Forsendelse
			if w, err = decodeListed(r); err == nil {
				f = fromWire(w)
			}
		}
		if err == nil && uuid.Validate(f.ID) != nil {
			err = errors.New("its id is not a UUID")
		}
		if err != nil {
			// One odd entry does not stop the others (as KS's Java receivers are lenient);
			// it is not acknowledged, so SvarInn lists it again.
			m.log.Warn("svarinn: a listed forsendelse could not be read; left in SvarInn", "index", i, "error", httpx.RedactError(err))
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// decodeListed decodes one listed forsendelse, leniently where KS's receivers are: niva
// as a number or a string; unknown fields are ignored.
func decodeListed(b []byte) (svarinn.Forsendelse, error) {
	var f svarinn.Forsendelse
	err := json.Unmarshal(b, &f)
	if err == nil {
		return f, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return f, err
	}
	n := bytes.TrimSpace(m["niva"])
	if len(n) == 0 || n[0] == '"' {
		return f, err
	}
	var num json.Number
	if json.Unmarshal(n, &num) != nil {
		return f, err
	}
	m["niva"], _ = json.Marshal(num.String())
	fixed, _ := json.Marshal(m)
	f = svarinn.Forsendelse{}
	return f, json.Unmarshal(fixed, &f)
}

// ErrChecksum: the decrypted file does not match the SHA-256 SvarInn listed for it.
var ErrChecksum = errors.New("svarut: the received file does not match its SHA-256")

// ReceivedFile is a downloaded file, decrypted as it is read. Read it to io.EOF: the CMS
// integrity and the SHA-256 SvarInn listed for each file are checked on the way and at
// the end, and a mismatch is an error from Read. Close it.
type ReceivedFile struct {
	// Filnavn is from Content-Disposition, else from Filmetadata, else the id.
	Filnavn string
	// ContentType is as SvarInn sent it.
	ContentType string
	// Zip is true when the file is a zip of the forsendelse's files (when there are
	// several), false when it is the one file itself (SvarInn V2 zips even one file: it is
	// unzipped as it is read).
	Zip      bool
	r        io.Reader
	body     io.Closer
	check    *verifier    // nil for single
	single   *singleEntry // V2's one file, unzipped as it is read
	err      error
	verified bool
}

// Verified reports whether the file was checked against the SHA-256 SvarInn listed: once
// it has been read to io.EOF, true when every file in it (the one file, or each entry of
// the zip) had a listed SHA-256 that matched. AES-CBC (KS's cipher) does not detect a
// changed bit by itself, so an unverified file is intact only as far as its own
// structure shows.
func (f *ReceivedFile) Verified() bool { return f.verified }

// Read returns decrypted bytes.
func (f *ReceivedFile) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.r.Read(p)
	if n > 0 && f.check != nil {
		f.check.write(p[:n])
	}
	if err == io.EOF {
		if f.single != nil {
			f.verified = f.single.verified
		} else {
			verified, cerr := f.check.finish()
			if cerr != nil {
				err = cerr
			}
			f.verified = verified
		}
	}
	if err != nil {
		f.err = err
	}
	return n, err
}

// Close closes the download.
func (f *ReceivedFile) Close() error {
	if f.check != nil {
		f.check.abandon()
	}
	return f.body.Close()
}

// Download downloads the forsendelse's file and returns it decrypting as it is read:
// with V2, GET /svarinn/v2/forsendelser/{id} (lastNedFiler: an encrypted zip of all the
// files); with V1, GET /svarinn/forsendelse/{id} (one file as itself, several as a zip).
// The nedlastingslenke (downloadUrl) SvarInn lists is followed when it is on the
// configured host; the Basic credentials go nowhere else.
//
// Reading it to io.EOF checks it against what SvarInn listed: each file of a zip, as it
// streams past, by the SHA-256 listed for it (V2's hash, V1's sha256hash), and the number
// of files; a single file by its own SHA-256. A mismatch is an error from Read
// (ErrChecksum).
func (m *Mottak) Download(ctx context.Context, f *MottattForsendelse) (*ReceivedFile, error) {
	const op = "svarinn.Download"
	if uuid.Validate(f.ID) != nil {
		return nil, &ValidationError{Op: op, Field: "ID", Problem: "a forsendelse id is a UUID"}
	}
	u := m.base + "forsendelse/" + f.ID
	if m.version == V2 {
		u = m.base + "v2/forsendelser/" + f.ID
	}
	if f.downloadURL != "" && strings.HasPrefix(f.downloadURL, m.origin+"/") {
		u = f.downloadURL
	}
	resp, err := m.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: u})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := fiks.CheckResponse(op, resp); err != nil {
		return nil, err
	}
	dec, err := kryptering.NewDecrypter(resp.Body, m.key)
	if err != nil {
		resp.Body.Close()
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	fil := &ReceivedFile{body: resp.Body, ContentType: resp.Header.Get("Content-Type"), Filnavn: f.ID}
	br := bufio.NewReaderSize(dec, 64<<10)
	fil.r = br
	if m.version == V2 {
		// V2 sends a zip whatever the number of files. One file is handed out as itself,
		// as V1 does, unzipped as it streams; a download that is not a zip, as the file.
		magic, err := br.Peek(4)
		fil.Zip = err == nil && string(magic) == zipMagic
		if fil.Zip && len(f.Filmetadata) == 1 {
			z := &zipStream{cr: &countingReader{r: br}}
			e, err := z.next()
			if err == nil && e == nil {
				err = fmt.Errorf("the zip holds no file: %w", ErrChecksum)
			}
			if err != nil {
				resp.Body.Close()
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			fm := f.Filmetadata[0]
			fil.single = &singleEntry{z: z, e: e, rest: z.cr, want: fm.Sha256}
			fil.r, fil.Zip, fil.Filnavn, fil.ContentType = fil.single, false, fm.Filnavn, fm.MimeType
			return fil, nil
		}
	} else {
		fil.Zip = strings.Contains(fil.ContentType, "zip") && len(f.Filmetadata) != 1
	}
	if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil && params["filename"] != "" {
		fil.Filnavn = params["filename"]
	} else if len(f.Filmetadata) == 1 && !fil.Zip {
		fil.Filnavn = f.Filmetadata[0].Filnavn
	} else if fil.Zip {
		fil.Filnavn = f.ID + ".zip"
	}
	fil.check = newVerifier(f.Filmetadata, fil.Zip)
	return fil, nil
}

// Acknowledge acknowledges a forsendelse: with V2, PATCH /svarinn/v2/forsendelser/{id}/status
// with {"status": "MOTTATT"} (oppdaterStatus); with V1, POST
// /svarinn/kvitterMottak/forsendelse/{id}. It is then no longer listed. Call it only once
// the forsendelse is safely stored.
func (m *Mottak) Acknowledge(ctx context.Context, id string) error {
	const op = "svarinn.Acknowledge"
	if uuid.Validate(id) != nil {
		return &ValidationError{Op: op, Field: "id", Problem: "a forsendelse id is a UUID"}
	}
	if m.version == V2 {
		return m.patchStatus(ctx, op, id, svarinnv2.Statusoppdatering{Status: ptr(svarinnv2.MOTTATT)})
	}
	resp, err := m.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: m.base + "kvitterMottak/forsendelse/" + id, Idempotent: true})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return decode(op, resp, nil)
}

// MarkFailed reports that a forsendelse could not be received: with V2, PATCH
// /svarinn/v2/forsendelser/{id}/status with {"status": "FEILET", "feil": {"feilmelding",
// "permanent"}}; with V1, POST /svarinn/mottakFeilet/forsendelse/{id}. permanent=true
// sends it on through other channels (Altinn, print); false leaves it listed for a later
// attempt, with the message in the forsendelse's history. The message is redacted and cut
// at 1000 bytes.
func (m *Mottak) MarkFailed(ctx context.Context, id, melding string, permanent bool) error {
	const op = "svarinn.MarkFailed"
	if uuid.Validate(id) != nil {
		return &ValidationError{Op: op, Field: "id", Problem: "a forsendelse id is a UUID"}
	}
	melding = httpx.Redact(melding)
	if len(melding) > 1000 {
		melding = strings.ToValidUTF8(melding[:1000], "")
	}
	if strings.TrimSpace(melding) == "" {
		melding = "mottak feilet"
	}
	if m.version == V2 {
		return m.patchStatus(ctx, op, id, svarinnv2.Statusoppdatering{Status: ptr(svarinnv2.FEILET),
			Feil: &svarinnv2.Feil{Feilmelding: melding, Permanent: permanent}})
	}
	body := svarinn.ImportFeil{Feilmelding: melding, Permanent: permanent}
	resp, err := m.hc.Do(ctx, &httpx.Request{Method: http.MethodPost, URL: m.base + "mottakFeilet/forsendelse/" + id, Idempotent: true,
		Body: mustJSON(body), Header: http.Header{"Content-Type": {"application/json"}}})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return decode(op, resp, nil)
}

// patchStatus is V2's oppdaterStatus. Setting a status again is harmless: retried.
func (m *Mottak) patchStatus(ctx context.Context, op, id string, body svarinnv2.Statusoppdatering) error {
	resp, err := m.hc.Do(ctx, &httpx.Request{Method: http.MethodPatch, URL: m.base + "v2/forsendelser/" + id + "/status", Idempotent: true,
		Body: mustJSON(body), Header: http.Header{"Content-Type": {"application/json"}}})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return decode(op, resp, nil)
}

// ErrPermanent marks a handler error as permanent (see Permanent).
var ErrPermanent = errors.New("svarut: permanent failure")

type permanentError struct{ err error }

func (e permanentError) Error() string   { return e.err.Error() }
func (e permanentError) Unwrap() []error { return []error{e.err, ErrPermanent} }

// Permanent wraps a handler error so that Receive reports the failure as permanent: SvarUt
// then delivers the forsendelse through another channel instead of offering it again.
func Permanent(err error) error { return permanentError{err} }

// ErrLocal marks a handler error as a fault of this machine, not of the forsendelse: a
// folder missing or read-only, a full disk, a permission. Receive reports nothing to
// SvarInn for it (the forsendelse stays waiting, for after the fault is mended), stops,
// and returns the error. Save's file-system errors match it; wrap your own with Local.
var ErrLocal = errors.New("svarut: a local fault")

type localError struct{ err error }

func (e localError) Error() string   { return e.err.Error() }
func (e localError) Unwrap() []error { return []error{e.err, ErrLocal} }

// Local wraps a handler error as a local fault (ErrLocal).
func Local(err error) error {
	if err == nil || errors.Is(err, ErrLocal) {
		return err
	}
	return localError{err}
}

// Handler handles one received forsendelse. It should store the file durably (read it to
// io.EOF) before it returns nil; Receive acknowledges only then. It may be called again for
// the same forsendelse if the process stops between its return and the acknowledgement:
// make it idempotent by ID.
type Handler func(ctx context.Context, f *MottattForsendelse, fil *ReceivedFile) error

// ReceiveResult counts what Receive did.
type ReceiveResult struct {
	Kvittert int
	// Unverified of the Kvittert had a file that SvarInn listed no SHA-256 for (see
	// ReceivedFile.Verified): stored and acknowledged, with only the cipher's and the
	// file's own structure to vouch for it.
	Unverified int
	// Feilet were reported failed (a handler error, a failed integrity check, or a file
	// that could not be downloaded or decrypted); Permanent of them permanently.
	Feilet, Permanent int
	// Elsewhere were listed here but handled by another replica (MottakOptions.Lease):
	// it held or completed them, or took them over after this replica's lease lapsed.
	Elsewhere int
	// Forsendelser is each forsendelse Receive took up, in order, with what became of it.
	Forsendelser []Resultat
}

// Utfall is what became of one forsendelse in Receive.
type Utfall string

// The outcomes of Resultat.
const (
	// Kvittert: handled, stored and acknowledged.
	Kvittert Utfall = "KVITTERT"
	// Feilet: reported failed to SvarInn (Permanent says how); Err is why.
	Feilet Utfall = "FEILET"
	// IkkeBehandlet: left waiting in SvarInn, nothing reported: a local fault (ErrLocal),
	// ctx ended, or SvarInn or the lease store failed; Err is why.
	IkkeBehandlet Utfall = "IKKE_BEHANDLET"
	// Annensteds: handled by another replica.
	Annensteds Utfall = "ANNENSTEDS"
)

// Resultat is one forsendelse's outcome in ReceiveResult.
type Resultat struct {
	ID        string
	Tittel    string
	Utfall    Utfall
	Permanent bool
	// Verified: the file was checked against the SHA-256 SvarInn listed (Kvittert only).
	Verified bool
	Err      error
}

// Receive receives every waiting forsendelse: it lists them, downloads each, hands it to h,
// and acknowledges it (Acknowledge) only after h returned nil and the file was read to
// the end with its integrity checked. When h fails it reports MarkFailed (permanent only
// for Permanent errors) and goes on. It stops when nothing new is waiting, when ctx ends,
// or at the first error of SvarInn itself (that forsendelse stays waiting). Nothing is
// acknowledged that was not handled.
//
// With MottakOptions.Lease, a forsendelse another replica holds is left to it; Receive
// looks again (every quarter of LeaseTTL, at most 2 s) until that replica has
// acknowledged it or its lease expired, and then takes it over.
func (m *Mottak) Receive(ctx context.Context, h Handler) (ReceiveResult, error) {
	var res ReceiveResult
	tried := map[string]bool{}
	heldElsewhere := map[string]bool{}
	defer func() {
		for id := range heldElsewhere {
			if !tried[id] {
				res.Elsewhere++
			}
		}
	}()
	for {
		list, err := m.ListNew(ctx)
		if err != nil {
			return res, err
		}
		progress, waiting := false, false
		for i := range list {
			f := &list[i]
			if tried[f.ID] {
				continue // failed earlier in this call and left waiting
			}
			if err := ctx.Err(); err != nil {
				return res, err
			}
			var l lease.Lease
			if m.lease != nil {
				l, err = m.lease.Acquire(ctx, m.leasePrefix+f.ID, m.leaseTTL)
				switch {
				case errors.Is(err, lease.ErrDone):
					tried[f.ID] = true
					res.Elsewhere++
					res.Forsendelser = append(res.Forsendelser, Resultat{ID: f.ID, Tittel: f.Tittel, Utfall: Annensteds})
					delete(heldElsewhere, f.ID)
					continue
				case errors.Is(err, lease.ErrHeld):
					heldElsewhere[f.ID] = true
					waiting = true
					continue
				case err != nil:
					return res, errLeaseStore(err)
				}
				delete(heldElsewhere, f.ID)
				if l.Resumed() {
					// A replica had it and did not finish: it may have acknowledged it
					// just before it died. Only a list fetched now can tell.
					listed, err := m.stillListed(ctx, f.ID)
					if err != nil || !listed {
						_ = l.Release(context.WithoutCancel(ctx))
						if err != nil {
							return res, err
						}
						tried[f.ID] = true
						res.Elsewhere++
						res.Forsendelser = append(res.Forsendelser, Resultat{ID: f.ID, Tittel: f.Tittel, Utfall: Annensteds})
						continue
					}
				}
			}
			tried[f.ID] = true
			progress = true
			if err := m.receiveOne(ctx, f, h, l, &res); err != nil {
				return res, err
			}
		}
		if !progress {
			if !waiting {
				return res, nil
			}
			t := time.NewTimer(min(m.leaseTTL/4, 2*time.Second))
			select {
			case <-ctx.Done():
				t.Stop()
				return res, ctx.Err()
			case <-t.C:
			}
		}
	}
}

// errLeaseStore is Receive's error when the lease store fails: it stops taking work.
func errLeaseStore(err error) error {
	return fmt.Errorf("svarinn.Receive: the lease store failed; taking no new forsendelser: %w", err)
}

// stillListed reports whether SvarInn lists id now. SvarInn lists a limited number at a
// time: an id missing from a full list is reported as not listed, and is offered again
// by a later Receive.
func (m *Mottak) stillListed(ctx context.Context, id string) (bool, error) {
	list, err := m.ListNew(ctx)
	if err != nil {
		return false, err
	}
	for _, f := range list {
		if f.ID == id {
			return true, nil
		}
	}
	return false, nil
}

// receiveOne handles, acknowledges or reports one forsendelse, under l when it is not
// nil. The error stops Receive.
func (m *Mottak) receiveOne(ctx context.Context, f *MottattForsendelse, h Handler, l lease.Lease, res *ReceiveResult) error {
	hctx, stop := ctx, func() error { return nil }
	if l != nil {
		hctx, stop = lease.Keep(ctx, l, m.leaseTTL)
	}
	verified, herr := m.handle(hctx, f, h)
	out := Resultat{ID: f.ID, Tittel: f.Tittel}
	record := func(u Utfall, err error) {
		out.Utfall, out.Err = u, err
		res.Forsendelser = append(res.Forsendelser, out)
	}
	if lerr := stop(); lerr != nil {
		// The lease could not be renewed while h worked: whatever h did, this replica
		// no longer vouches for the forsendelse. Not acknowledged, not reported.
		if errors.Is(lerr, lease.ErrLost) {
			res.Elsewhere++
			record(Annensteds, nil)
			m.log.Warn("svarinn: the lease lapsed while handling; left to the replica that took it over", "forsendelse", f.ID)
			return nil
		}
		record(IkkeBehandlet, lerr)
		return errLeaseStore(lerr)
	}
	release := func() {
		if l != nil {
			if err := l.Release(context.WithoutCancel(ctx)); err != nil {
				m.log.Warn("svarinn: could not release the lease; it expires by itself", "forsendelse", f.ID, "error", err)
			}
		}
	}
	if herr == nil {
		ackCtx := ctx
		if l != nil {
			// The fencing step: only the current holder goes on to acknowledge, and it
			// does so within half the ttl, so that the lease outlives the attempt.
			rctx, rcancel := context.WithTimeout(ctx, max(m.leaseTTL/4, time.Second))
			err := l.Renew(rctx, m.leaseTTL)
			rcancel()
			if err != nil {
				if errors.Is(err, lease.ErrLost) {
					res.Elsewhere++
					record(Annensteds, nil)
					m.log.Warn("svarinn: the lease lapsed before the acknowledgement; left to the replica that took it over", "forsendelse", f.ID)
					return nil
				}
				record(IkkeBehandlet, err)
				return fmt.Errorf("svarinn.Receive: the lease store failed; not acknowledged: %w", err)
			}
			var cancel context.CancelFunc
			ackCtx, cancel = context.WithTimeout(ctx, m.leaseTTL/2)
			defer cancel()
		}
		if err := m.Acknowledge(ackCtx, f.ID); err != nil {
			// SvarInn said no: reopen the forsendelse for any replica. After a lost
			// answer the lease is left to expire: the replica that takes it over is
			// resumed and looks whether SvarInn still lists the forsendelse first.
			var se StatusError
			if errors.As(err, &se) {
				release()
			}
			record(IkkeBehandlet, err)
			return err
		}
		if l != nil {
			if err := l.Done(context.WithoutCancel(ctx)); err != nil {
				m.log.Warn("svarinn: could not mark the forsendelse done in the lease store (a replica taking it over finds it acknowledged)", "forsendelse", f.ID, "error", err)
			}
		}
		res.Kvittert++
		out.Verified = verified
		record(Kvittert, nil)
		if !verified {
			res.Unverified++
			m.log.Warn("svarinn: received without a checksum to verify it against", "forsendelse", f.ID)
		}
		m.log.Debug("svarinn: received", "forsendelse", f.ID)
		return nil
	}
	if ctx.Err() != nil {
		release()
		record(IkkeBehandlet, ctx.Err())
		return ctx.Err() // stopped: leave it waiting, report nothing
	}
	if errors.Is(herr, ErrLocal) {
		// This machine's fault: SvarInn hears nothing, the forsendelse stays waiting.
		release()
		record(IkkeBehandlet, herr)
		return fmt.Errorf("svarinn.Receive: forsendelse %s was not stored because of a local fault (nothing was reported to SvarInn; it stays waiting): %w", f.ID, herr)
	}
	permanent := errors.Is(herr, ErrPermanent)
	err := m.MarkFailed(ctx, f.ID, herr.Error(), permanent)
	// Released either way: a forsendelse reported failed for now is offered again,
	// and may be tried by any replica in its next pass.
	release()
	if err != nil {
		record(IkkeBehandlet, err)
		return err
	}
	res.Feilet++
	if permanent {
		res.Permanent++
	}
	out.Permanent = permanent
	record(Feilet, herr)
	m.log.Debug("svarinn: reported failed", "forsendelse", f.ID, "permanent", permanent)
	return nil
}

// errDownload marks a failure to download or decrypt a forsendelse's file.
type errDownload struct{ err error }

func (e errDownload) Error() string {
	return "the file could not be downloaded or decrypted: " + e.err.Error()
}
func (e errDownload) Unwrap() error { return e.err }

// handle downloads f and runs h on it. It returns whether the file was verified against a
// listed checksum, and the failure to report, if any.
func (m *Mottak) handle(ctx context.Context, f *MottattForsendelse, h Handler) (bool, error) {
	fil, err := m.Download(ctx, f)
	if err != nil {
		// This forsendelse's file only: it does not hold up the others.
		var err error = errDownload{err}
		if m.downloadPermanent {
			err = Permanent(err)
		}
		return false, err
	}
	defer fil.Close()
	herr := h(ctx, f, fil)
	if herr == nil {
		// The handler may have left bytes: the integrity checks are at the end.
		if _, herr = io.Copy(io.Discard, fil); herr != nil {
			herr = fmt.Errorf("the file failed its integrity check: %w", herr)
		}
	}
	return fil.Verified(), herr
}
