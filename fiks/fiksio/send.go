package fiksio

import (
	"bytes"
	"compress/flate"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/google/uuid"
)

// Melding is a message to send.
type Melding struct {
	// AvsenderKontoID is the sending konto (default Options.KontoID).
	AvsenderKontoID string
	// MottakerKontoID is the receiving konto (required).
	MottakerKontoID string
	// Meldingstype is the protocol's message type, for example
	// "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett" (required).
	Meldingstype string
	// SvarPaMelding is the melding-id this message answers, if any.
	SvarPaMelding string
	// TTL is how long FIKS IO keeps the message for the receiver (default: the service's,
	// 7 days; at least 1 s).
	TTL time.Duration
	// KlientMeldingID is the sender's id of the logical message, sent as the custom header
	// klientMeldingId: the same on every resend, so the receiver can handle it once. Empty:
	// Send sets a new UUID here, so that sending this Melding again is a resend.
	KlientMeldingID string
	// KlientKorrelasjonsID ties a conversation together (custom header klientKorrelasjonsId).
	KlientKorrelasjonsID string
	// Headere are further custom headers (delivered as egendefinert-header.<name>).
	Headere map[string]string
	// Filer are the payload files, in order: the first is the container's root file. No
	// files: a message without payload (a mottatt, for example).
	Filer []Fil
	// MottakerSertifikat, when set, is the receiver's certificate to encrypt to, obtained
	// out of band (true end-to-end); otherwise the katalog's offentligNokkel is used.
	MottakerSertifikat *x509.Certificate
}

// Fil is one payload file. Give Open (called again for each attempt, so a send can be
// retried without buffering), Data, or Reader (sent at most once).
type Fil struct {
	// Navn is the file's name in the container (see ErrUnsafeName for what is refused).
	Navn   string
	Open   func() (io.ReadCloser, error)
	Data   []byte
	Reader io.Reader
}

// Bytes is a Fil over b.
func Bytes(navn string, b []byte) Fil { return Fil{Navn: navn, Data: b} }

// Path is a Fil read from a local file, opened for each attempt.
func Path(navn, path string) Fil {
	return Fil{Navn: navn, Open: func() (io.ReadCloser, error) { return os.Open(path) }}
}

func (f Fil) open() (io.ReadCloser, error) {
	switch {
	case f.Open != nil:
		return f.Open()
	case f.Reader != nil:
		return io.NopCloser(f.Reader), nil
	}
	return io.NopCloser(bytes.NewReader(f.Data)), nil
}

// SendtMelding is FIKS IO's answer to a send (SendtMelding).
type SendtMelding struct {
	MeldingID       string            `json:"meldingId"`
	Meldingstype    string            `json:"meldingType"`
	AvsenderKontoID string            `json:"avsenderKontoId"`
	MottakerKontoID string            `json:"mottakerKontoId"`
	TTL             int64             `json:"ttl"`
	DokumentlagerID string            `json:"dokumentlagerId,omitempty"`
	SvarPaMelding   string            `json:"svarPaMelding,omitempty"`
	Headere         map[string]string `json:"headere,omitempty"`
	// KlientMeldingID is the klientMeldingId the message carried.
	KlientMeldingID string `json:"-"`
}

type sendMetadata struct {
	AvsenderKontoID string            `json:"avsenderKontoId"`
	MottakerKontoID string            `json:"mottakerKontoId"`
	MeldingType     string            `json:"meldingType"`
	SvarPaMelding   *string           `json:"svarPaMelding"`
	TTL             *int64            `json:"ttl"`
	Headere         map[string]string `json:"headere"`
}

var (
	meldingstypeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$`)
	headerNameRE   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)
)

// errNotReplayable: a Fil given as a Reader cannot be read twice.
var errNotReplayable = errors.New("a file given as a Reader cannot be sent again")

// Send sends m: POST /fiks-io/api/v1/send, multipart/form-data with the part "metadata"
// (JSON) and, when m has files, the part "data": the files as an ASiC-E container, signed
// with Options.Signer and encrypted to the receiver's certificate, streamed from the
// files' sources. Large payloads go the same way; FIKS IO stores those over 5 MB in
// Dokumentlager.
//
// Invalid input is refused before anything is sent, with a *ValidationError. Send is
// retried only when nothing reached FIKS IO (or FIKS IO said to come back, 429 with
// Retry-After). When the upload may have arrived but the answer was lost, Send returns an
// *UnknownOutcomeError: sending m again is a resend with the same klientMeldingId.
func (c *Client) Send(ctx context.Context, m *Melding) (*SendtMelding, error) {
	const op = "fiksio.Send"
	if m == nil {
		return nil, &ValidationError{Op: op, Field: "Melding", Problem: "nil"}
	}
	if m.KlientMeldingID == "" {
		m.KlientMeldingID = uuid.NewString()
	}
	meta, err := c.metadata(op, m)
	if err != nil {
		return nil, err
	}
	var cert *x509.Certificate
	if len(m.Filer) > 0 {
		cert = m.MottakerSertifikat
		if cert == nil {
			if cert, err = c.receiverCert(ctx, m.MottakerKontoID); err != nil {
				return nil, err
			}
		} else if err := usableForEncryption(m.MottakerKontoID, cert, c.now()); err != nil {
			return nil, &ValidationError{Op: op, Field: "MottakerSertifikat", Problem: err.(*KeyError).Problem, Err: err}
		}
	}
	req := c.sendRequest(meta, m.Filer, cert)
	resp, err := c.hc.Do(ctx, req)
	if err != nil {
		// The retry core resends on its own only what provably never left; what is left
		// may have arrived, unless FIKS IO answered with a redirect.
		if errors.Is(err, ErrRedirect) || errors.Is(err, errNotReplayable) {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		return nil, &UnknownOutcomeError{Op: op, Reference: "klientMeldingId " + m.KlientMeldingID, Err: err}
	}
	if resp.StatusCode >= 500 {
		err := fiks.CheckResponse(op, resp)
		return nil, &UnknownOutcomeError{Op: op, Reference: "klientMeldingId " + m.KlientMeldingID, Err: err}
	}
	var out SendtMelding
	if err := decode(op, resp, &out); err != nil {
		var se StatusError
		if errors.As(err, &se) {
			return nil, err // FIKS IO refused it: nothing was sent
		}
		return nil, &UnknownOutcomeError{Op: op, Reference: "klientMeldingId " + m.KlientMeldingID, Err: err}
	}
	if uuid.Validate(out.MeldingID) != nil {
		return nil, &UnknownOutcomeError{Op: op, Reference: "klientMeldingId " + m.KlientMeldingID, Err: errors.New("the answer has no meldingId")}
	}
	out.KlientMeldingID = m.KlientMeldingID
	return &out, nil
}

func (c *Client) metadata(op string, m *Melding) ([]byte, error) {
	avsender := m.AvsenderKontoID
	if avsender == "" {
		avsender = c.konto
	}
	bad := func(field, problem string) error { return &ValidationError{Op: op, Field: field, Problem: problem} }
	switch {
	case uuid.Validate(avsender) != nil:
		return nil, bad("AvsenderKontoID", "a konto id (UUID); set it or Options.KontoID")
	case uuid.Validate(m.MottakerKontoID) != nil:
		return nil, bad("MottakerKontoID", "a konto id (UUID)")
	case !meldingstypeRE.MatchString(m.Meldingstype):
		return nil, bad("Meldingstype", "a message type such as no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett")
	case m.SvarPaMelding != "" && uuid.Validate(m.SvarPaMelding) != nil:
		return nil, bad("SvarPaMelding", "a melding-id (UUID)")
	case m.TTL != 0 && m.TTL < time.Second:
		return nil, bad("TTL", "at least 1 s")
	case len(m.Filer) > 0 && c.signer == nil:
		return nil, bad("Filer", "a message with files is signed: set Options.Signer and Options.SignerCertificates")
	case len(m.KlientMeldingID) > 200 || strings.ContainsAny(m.KlientMeldingID, "\r\n"):
		return nil, bad("KlientMeldingID", "at most 200 characters on one line")
	}
	headere := map[string]string{HeaderKlientMeldingID: m.KlientMeldingID}
	if m.KlientKorrelasjonsID != "" {
		headere[HeaderKlientKorrelasjonsID] = m.KlientKorrelasjonsID
	}
	for k, v := range m.Headere {
		if !headerNameRE.MatchString(k) {
			return nil, bad("Headere", fmt.Sprintf("%q is not a header name (letters, digits, '.', '_', '-')", safeName(k)))
		}
		if !utf8.ValidString(v) || len(v) > 4096 {
			return nil, bad("Headere", fmt.Sprintf("the value of %s: UTF-8, at most 4096 bytes", k))
		}
		if strings.EqualFold(k, HeaderKlientMeldingID) || strings.EqualFold(k, HeaderKlientKorrelasjonsID) {
			return nil, bad("Headere", k+" is set by KlientMeldingID or KlientKorrelasjonsID")
		}
		headere[k] = v
	}
	seen := map[string]bool{}
	for _, f := range m.Filer {
		if err := checkName(f.Navn); err != nil {
			return nil, &ValidationError{Op: op, Field: "Filer", Problem: err.Error(), Err: err}
		}
		if seen[strings.ToLower(f.Navn)] {
			return nil, bad("Filer", fmt.Sprintf("two files named %q", safeName(f.Navn)))
		}
		seen[strings.ToLower(f.Navn)] = true
		n := 0
		for _, set := range []bool{f.Open != nil, f.Data != nil, f.Reader != nil} {
			if set {
				n++
			}
		}
		if n > 1 {
			return nil, bad("Filer", fmt.Sprintf("%s: give one of Open, Data and Reader", safeName(f.Navn)))
		}
	}
	md := sendMetadata{AvsenderKontoID: avsender, MottakerKontoID: m.MottakerKontoID, MeldingType: m.Meldingstype, Headere: headere}
	if m.SvarPaMelding != "" {
		md.SvarPaMelding = &m.SvarPaMelding
	}
	if m.TTL > 0 {
		ms := m.TTL.Milliseconds()
		md.TTL = &ms
	}
	return json.Marshal(md)
}

// sendRequest is the multipart POST; its body is written anew for each attempt while
// every file can be opened again.
func (c *Client) sendRequest(meta []byte, filer []Fil, cert *x509.Certificate) *httpx.Request {
	boundary := httpx.NewBoundary()
	replayable := true
	for _, f := range filer {
		if f.Reader != nil {
			replayable = false
		}
	}
	return &httpx.Request{
		Method: http.MethodPost,
		URL:    c.api + "/fiks-io/api/v1/send",
		Header: http.Header{"Content-Type": {"multipart/form-data; boundary=" + boundary}, "Accept": {"application/json"}},
		Body: httpx.PipeBody(func(w io.Writer) error { return c.writeBody(w, boundary, meta, filer, cert) },
			replayable, errNotReplayable),
	}
}

func (c *Client) writeBody(w io.Writer, boundary string, meta []byte, filer []Fil, cert *x509.Certificate) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="metadata"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := pw.Write(meta); err != nil {
		return err
	}
	if len(filer) > 0 {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="data"; filename="melding.asice.cms"`)
		h.Set("Content-Type", "application/octet-stream")
		pw, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		if err := c.writePayload(pw, filer, cert); err != nil {
			return err
		}
	}
	return mw.Close()
}

// writePayload writes the files as a signed ASiC-E container, encrypted to cert. Zipping
// and encrypting run on two goroutines joined by a bounded pipe (httpx.BufPipe), so that
// on two cores a send runs at the slower stage's speed rather than at the sum of both.
func (c *Client) writePayload(w io.Writer, filer []Fil, cert *x509.Certificate) error {
	enc, err := kryptering.NewEncrypter(w, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}})
	if err != nil {
		return err
	}
	p := httpx.NewBufPipe()
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(enc, p)
		if err == nil {
			err = enc.Close()
		}
		p.Close() // a failed encryption stops the zip writer
		done <- err
	}()
	err = writeContainer(p, filer, c.signer, c.chain, c.level)
	p.CloseWrite(err)
	if encErr := <-done; err == nil || errors.Is(err, io.ErrClosedPipe) {
		if encErr != nil {
			err = encErr
		}
	}
	return err
}

// WriteContainer writes filer as an ASiC-E container to w, signed by signer (whose
// certificate is chain[0]), streaming: each file is read once, and its digest computed on
// the way. It is what Send encrypts; use it to build a container for another channel.
func WriteContainer(w io.Writer, filer []Fil, signer crypto.Signer, chain []*x509.Certificate) error {
	return writeContainer(w, filer, signer, chain, flate.BestSpeed)
}

func writeContainer(w io.Writer, filer []Fil, signer crypto.Signer, chain []*x509.Certificate, level int) error {
	if signer == nil || len(chain) == 0 {
		return errors.New("fiksio: WriteContainer needs a signer and its certificate")
	}
	aw, err := newAsicWriter(w, level)
	if err != nil {
		return err
	}
	for _, f := range filer {
		if err := addFil(aw, f); err != nil {
			return err
		}
	}
	return aw.close(signer, chain)
}

// sniffSize is how much of a file decides whether it is deflated or stored.
const sniffSize = 64 << 10

// addFil writes f: deflated, or stored when its start shows it is already compressed and
// its CRC-32 and size can be known first (Data, or Open, which may be called again).
func addFil(aw *asicWriter, f Fil) error {
	opening := func() (io.ReadCloser, error) {
		rc, err := f.open()
		if err != nil {
			return nil, fmt.Errorf("fiksio: opening %s: %w", safeName(f.Navn), err)
		}
		return rc, nil
	}
	if f.Data != nil && f.Open == nil && f.Reader == nil {
		var st *stored
		if incompressible(f.Data[:min(len(f.Data), sniffSize)]) {
			st = &stored{crc: crc32.ChecksumIEEE(f.Data), size: int64(len(f.Data))}
		}
		if _, err := aw.addEntry(f.Navn, bytes.NewReader(f.Data), st); err != nil {
			return fmt.Errorf("fiksio: %s: %w", safeName(f.Navn), err)
		}
		return nil
	}
	rc, err := opening()
	if err != nil {
		return err
	}
	head := make([]byte, sniffSize)
	n, err := io.ReadFull(rc, head)
	head = head[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		rc.Close()
		return fmt.Errorf("fiksio: reading %s: %w", safeName(f.Navn), err)
	}
	if f.Open == nil || !incompressible(head) {
		_, err = aw.addEntry(f.Navn, io.MultiReader(bytes.NewReader(head), rc), nil)
		rc.Close()
		if err != nil {
			return fmt.Errorf("fiksio: reading %s: %w", safeName(f.Navn), err)
		}
		return nil
	}
	// Stored: read it through once for its CRC-32 and size, then again into the zip.
	crc := crc32.NewIEEE()
	crc.Write(head)
	rest, err := io.Copy(crc, rc)
	rc.Close()
	if err != nil {
		return fmt.Errorf("fiksio: reading %s: %w", safeName(f.Navn), err)
	}
	if rc, err = opening(); err != nil {
		return err
	}
	defer rc.Close()
	if _, err := aw.addEntry(f.Navn, rc, &stored{crc: crc.Sum32(), size: int64(n) + rest}); err != nil {
		return fmt.Errorf("fiksio: reading %s: %w", safeName(f.Navn), err)
	}
	return nil
}

func pemCert(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}
