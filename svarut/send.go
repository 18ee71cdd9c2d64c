package svarut

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/gen/svarut/send"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// SendResult is what Send did.
type SendResult struct {
	// ID is the forsendelse id SvarUt gave.
	ID string
	// EksternReferanse is the reference the forsendelse carries (yours, or the random one
	// Send made). Keep it: it finds the forsendelse again.
	EksternReferanse string
	// Gjenbrukt is true when the send's outcome was unknown and Send found the
	// forsendelse by its reference instead of sending again.
	Gjenbrukt bool
}

// ErrReferenceConflict is matched by a *ReferenceConflictError.
var ErrReferenceConflict = errors.New("svarut: the eksternReferanse belongs to another forsendelse")

// ReferenceConflictError: after an ambiguous failure, Send found forsendelser with its
// eksternReferanse, but none with the documents it sent (names, and SHA-256 or sizes).
// The reference was used before for something else, so this send's outcome is unknown
// too: it also matches ErrUnknownOutcome. Use a reference unique to each forsendelse.
type ReferenceConflictError struct {
	EksternReferanse string
	// Found are the ids of the forsendelser that carry the reference.
	Found []string
}

func (e *ReferenceConflictError) Error() string {
	return fmt.Sprintf("svarut.Send: eksternReferanse %s is carried by %d other forsendelse(r), none with the documents of this send; its outcome is unknown", e.EksternReferanse, len(e.Found))
}

// Is matches ErrReferenceConflict and ErrUnknownOutcome.
func (e *ReferenceConflictError) Is(target error) bool {
	return target == ErrReferenceConflict || target == ErrUnknownOutcome
}

// ErrUnexpectedResponse: SvarUt answered 2xx with a body that is not of the documented
// shape. Nothing is concluded from such an answer.
var ErrUnexpectedResponse = errors.New("svarut: the answer is not of the documented shape")

var errNotReplayable = errors.New("a document given as a Reader cannot be sent again")

// sentDoc is what identifies a sent document: its name, and the size and SHA-256 of its
// content (before encryption).
type sentDoc struct {
	name string
	size int64
	sum  string
}

// sentDocs records the documents of the last attempt that wrote its whole body.
type sentDocs struct {
	mu       sync.Mutex
	docs     []sentDoc
	complete bool
}

func (s *sentDocs) set(docs []sentDoc) {
	s.mu.Lock()
	s.docs, s.complete = docs, true
	s.mu.Unlock()
}

// matches reports whether a stored forsendelse's documents are the ones sent: the same
// names in the same order, with the same SHA-256 where SvarUt lists one, else the same
// size. Before any attempt wrote a whole body, nothing can be ours.
func (s *sentDocs) matches(meta []DokumentMetadata) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.complete || len(meta) != len(s.docs) {
		return false
	}
	for i, m := range meta {
		d := s.docs[i]
		switch {
		case m.Filnavn != d.name:
			return false
		case m.Sha256Hash != "":
			if !strings.EqualFold(m.Sha256Hash, d.sum) {
				return false
			}
		case m.Storrelse != d.size:
			return false
		}
	}
	return true
}

// Send sends a forsendelse from the konto. With V3 (the default) that is POST
// /v3/kontoer/{kontoId}/forsendelser/{person|organisasjon|print} (sendTilPerson,
// sendTilOrganisasjon, sendTilPrint; forsendelse-send-api-v3.json): a Mottaker with a
// Foedselsnummer goes to /person, one with an Organisasjonsnummer to /organisasjon, and
// one with neither, a postal address only, to /print. With V2 it is POST
// /v2/kontoer/{kontoId}/forsendelser (send). The body is multipart/form-data: first the
// part "forsendelse" with the metadata JSON, then one part per document in the same order
// with filename = filnavn (v3 describes it so; the v2 spec does not describe the body, and
// KS's clients send the same). Documents are streamed from their source for each attempt,
// encrypted on the way when the forsendelse is Kryptert or KrevNiva4Innlogging.
//
// Invalid input is refused before any request with a *ValidationError. A send is
// never retried once its body may have arrived; after such an ambiguous failure Send looks
// the eksternReferanse up (v2's lookup, with either version) and returns the existing
// forsendelse (Gjenbrukt), sends again only when SvarUt has none, and returns an
// *UnknownOutcomeError when it cannot tell.
func (c *Client) Send(ctx context.Context, f *Forsendelse) (*SendResult, error) {
	const op = "svarut.Send"
	if f == nil {
		return nil, invalid("Forsendelse", "nil")
	}
	base, err := c.kontoPath(op)
	if err != nil {
		return nil, err
	}
	fc := *f
	if fc.EksternReferanse == "" {
		fc.EksternReferanse = "fellesklient-" + uuid.NewString()
	}
	if fc.SvarPaForsendelse != "" && uuid.Validate(fc.SvarPaForsendelse) != nil {
		return nil, invalid("SvarPaForsendelse", "a forsendelse id (UUID)")
	}
	if err := fc.validate(); err != nil {
		return nil, err
	}
	sendURL := base + "forsendelser/"
	kind := fc.v3Kind()
	if c.version == V3 {
		if err := fc.validateV3(kind); err != nil {
			return nil, err
		}
		b3, err := c.kontoPathIn(op, c.apiV3)
		if err != nil {
			return nil, err
		}
		sendURL = b3 + "forsendelser/" + kind
	}
	var cert *x509.Certificate
	if fc.Kryptert || fc.KrevNiva4Innlogging {
		// Pinned, or fetched from SvarUt (once, cached) before anything is sent.
		if cert, err = c.Sertifikat(ctx); err != nil {
			return nil, fmt.Errorf("%s: SvarUt's encryption certificate: %w", op, err)
		}
	}
	req, replayable, sent, err := c.sendRequest(op, sendURL, kind, &fc, cert)
	if err != nil {
		return nil, err
	}
	res := &SendResult{EksternReferanse: fc.EksternReferanse}
	for attempt := 1; ; attempt++ {
		id, sendErr, err := c.post(ctx, op, req, fc.EksternReferanse)
		if err != nil {
			return nil, err
		}
		if sendErr == nil {
			res.ID = id
			return res, nil
		}
		c.log.Debug("svarut: send outcome unknown; looking up eksternReferanse", "attempt", attempt, "error", httpx.Redact(sendErr.Error()))
		if id, err = c.settle(ctx, op, fc.EksternReferanse, sent, sendErr); err != nil {
			return nil, err
		}
		if id != "" {
			res.ID, res.Gjenbrukt = id, true
			return res, nil
		}
		if attempt >= c.attempts || !replayable || ctx.Err() != nil {
			return nil, fmt.Errorf("%s: not sent (eksternReferanse %s is not in SvarUt): %w", op, fc.EksternReferanse, sendErr)
		}
		c.log.Debug("svarut: not found by eksternReferanse; sending again (Options.Resend)", "attempt", attempt+1)
	}
}

// sendRequest is the multipart POST of fc: its body is written again for each attempt when
// every document can be opened again (replayable), and records in sent what was sent, for
// the lookup to compare.
func (c *Client) sendRequest(op, sendURL, kind string, fc *Forsendelse, cert *x509.Certificate) (req *httpx.Request, replayable bool, sent *sentDocs, err error) {
	kryptert := fc.Kryptert || fc.KrevNiva4Innlogging
	var wire any = fc.wire(kryptert)
	if c.version == V3 {
		wire = fc.wireV3(kind, kryptert)
	}
	meta, err := json.Marshal(wire)
	if err != nil {
		return nil, false, nil, fmt.Errorf("%s: %w", op, err)
	}
	boundary := httpx.NewBoundary()
	replayable = true
	for _, d := range fc.Dokumenter {
		if d.Reader != nil {
			replayable = false
		}
	}
	sent = &sentDocs{}
	docs := fc.Dokumenter
	// The document parts' name is not significant (v3: "Multipart 'name' ignoreres"):
	// v3's own, and the one KS's v2 clients use.
	partName := "filer"
	if c.version == V3 {
		partName = "dokumenter"
	}
	body := httpx.PipeBody(func(w io.Writer) error { return writeMultipart(w, boundary, partName, meta, docs, cert, sent) }, replayable, errNotReplayable)
	return &httpx.Request{
		Method: http.MethodPost,
		URL:    sendURL,
		Header: http.Header{"Content-Type": {"multipart/form-data; boundary=" + boundary}, "Accept": {"application/json"}},
		Body:   body,
	}, replayable, sent, nil
}

// post sends req once. It returns the new forsendelse's id; or sendErr when SvarUt may
// have taken it (the outcome is unknown); or err when it certainly did not.
func (c *Client) post(ctx context.Context, op string, req *httpx.Request, ref string) (id string, sendErr, err error) {
	resp, err := c.hc.Do(ctx, req)
	switch {
	case err != nil:
		if errors.Is(err, ErrRedirect) {
			return "", nil, fmt.Errorf("%s: %w", op, err) // SvarUt did not take it: it answered with a redirect
		}
		if errors.Is(err, errNotReplayable) {
			return "", nil, fmt.Errorf("%s: %w (the first attempt failed before SvarUt answered; eksternReferanse %s was not found)", op, err, ref)
		}
		return "", err, nil
	case resp.StatusCode/100 == 2:
		var r send.SendForsendelseResponse
		if err := decode(op, resp, &r); err != nil {
			return "", err, nil // SvarUt took it, but the id is unreadable: find it by reference
		}
		return r.Id.String(), nil, nil
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout:
		return "", fiks.CheckResponse(op, resp), nil
	default:
		return "", nil, fiks.CheckResponse(op, resp) // SvarUt refused it: nothing was created
	}
}

// settle looks ref up after a send whose outcome is unknown. It returns the id of the
// forsendelse SvarUt holds for it; "" when SvarUt has none and Options.Resend allows sending
// again; or an error when the outcome stays unknown or the reference names another send.
func (c *Client) settle(ctx context.Context, op, ref string, sent *sentDocs, sendErr error) (string, error) {
	id, lookErr := c.lookup(ctx, ref, sent)
	var conflict *ReferenceConflictError
	switch {
	case errors.As(lookErr, &conflict):
		return "", conflict
	case lookErr != nil:
		return "", &UnknownOutcomeError{Op: op, Reference: "eksternReferanse " + ref, Err: fmt.Errorf("%w (and the lookup failed: %v)", sendErr, lookErr)}
	case id != "":
		return id, nil
	case !c.resend:
		return "", &UnknownOutcomeError{Op: op, Reference: "eksternReferanse " + ref,
			Err: fmt.Errorf("%w (and SvarUt did not list the reference within %s; Options.Resend would send again)", sendErr, c.lookupWindow)}
	}
	return "", nil
}

// lookup finds this send's forsendelse by its reference. It looks again, with a
// doubling pause from LookupDelay up to 5 s, until LookupWindow has passed: SvarUt lists a
// stored forsendelse only once its index has it. A forsendelse found with the reference
// counts only when its documents are the ones sent; when only others carry it, the result
// is a *ReferenceConflictError. It runs even when ctx has ended, bounded by the window,
// since its answer decides whether a document was sent.
func (c *Client) lookup(ctx context.Context, ref string, sent *sentDocs) (string, error) {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.lookupWindow+30*time.Second)
	defer cancel()
	deadline := time.Now().Add(c.lookupWindow)
	wait := c.lookupDelay
	var others []string
	for {
		ids, err := c.FindByEksternReferanse(lctx, ref)
		if err != nil {
			return "", err
		}
		for _, id := range ids {
			if slices.Contains(others, id) {
				continue
			}
			docs, err := c.Metadata(lctx, id)
			if err != nil {
				return "", err
			}
			if sent.matches(docs) {
				return id, nil
			}
			others = append(others, id)
		}
		if !time.Now().Add(wait).Before(deadline) {
			if len(others) > 0 {
				return "", &ReferenceConflictError{EksternReferanse: ref, Found: others}
			}
			return "", nil
		}
		t := time.NewTimer(wait)
		select {
		case <-lctx.Done():
			t.Stop()
			return "", lctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, 5*time.Second)
	}
}

// writeMultipart writes the send body: the forsendelse part, then each document in order.
func writeMultipart(w io.Writer, boundary, partName string, meta []byte, docs []Dokument, cert *x509.Certificate, sent *sentDocs) error {
	sums := make([]sentDoc, 0, len(docs))
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="forsendelse"`)
	h.Set("Content-Type", "application/json;charset=UTF-8")
	p, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := p.Write(meta); err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	for _, d := range docs {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+partName+`"; filename="`+strings.ReplaceAll(d.Filnavn, "\n", " ")+`"`)
		h.Set("Content-Type", d.mimeType())
		p, err := mw.CreatePart(h)
		if err != nil {
			return err
		}
		var src io.Reader
		var closer io.Closer
		if d.Open != nil {
			rc, err := d.Open()
			if err != nil {
				return fmt.Errorf("opening %s: %w", d.Filnavn, err)
			}
			src, closer = rc, rc
		} else {
			src = d.Reader
		}
		dh := sha256.New()
		cnt := &counter{}
		dst := io.Writer(p)
		var enc io.WriteCloser
		if cert != nil {
			if enc, err = kryptering.NewEncrypter(p, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}}); err != nil {
				if closer != nil {
					closer.Close()
				}
				return err
			}
			dst = enc
		}
		_, err = io.CopyBuffer(io.MultiWriter(dst, dh, cnt), src, buf)
		if closer != nil {
			closer.Close()
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", d.Filnavn, err)
		}
		if enc != nil {
			if err := enc.Close(); err != nil {
				return err
			}
		}
		sums = append(sums, sentDoc{name: d.Filnavn, size: cnt.n, sum: hex.EncodeToString(dh.Sum(nil))})
	}
	if err := mw.Close(); err != nil {
		return err
	}
	sent.set(sums)
	return nil
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
