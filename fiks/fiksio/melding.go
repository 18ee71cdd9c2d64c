package fiksio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"
)

// MottattMelding is a received message, with every FIKS IO header.
type MottattMelding struct {
	MeldingID       string
	Meldingstype    string
	AvsenderKontoID string
	// AvsenderNavn is the sender's name, when FIKS IO gives it.
	AvsenderNavn    string
	MottakerKontoID string
	// SvarPaMelding is the melding-id this message answers (svar-til), if any.
	SvarPaMelding string
	// SvarTilType is the type of the message a tidsavbrudd is about.
	SvarTilType string
	// DokumentlagerID is set when the payload is in Dokumentlager (larger than 5 MB).
	DokumentlagerID string
	// KlientMeldingID and KlientKorrelasjonsID are the sender's custom ids (also the older
	// spelling klientKorrelasjonId).
	KlientMeldingID      string
	KlientKorrelasjonsID string
	// Headere are the custom headers, without the egendefinert-header. prefix.
	Headere map[string]string
	// TTL is the message's time to live (AMQP expiration), 0 when not given.
	TTL time.Duration
	// Resendt marks a message delivered before (the broker's redelivered flag, or the
	// resendt header): a handler must treat it idempotently.
	Resendt bool

	body   []byte
	client *Client
}

// HarPayload reports whether the message carries a payload.
func (m *MottattMelding) HarPayload() bool { return len(m.body) > 0 || m.DokumentlagerID != "" }

// ErrMelding is matched by a delivery that is not a FIKS IO message: a required header
// missing or malformed.
var ErrMelding = errors.New("fiksio: not a valid FIKS IO message")

// MeldingError is a delivery that is not a FIKS IO message. It matches ErrMelding.
type MeldingError struct{ Problem string }

func (e *MeldingError) Error() string        { return "fiksio: not a valid FIKS IO message: " + e.Problem }
func (e *MeldingError) Is(target error) bool { return target == ErrMelding }

func headerString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case []byte:
		return string(x), true
	}
	return "", false
}

// parseDelivery reads a delivery's headers as FIKS IO's clients do: melding-id, type and
// avsender-id are required; values are UTF-8.
func parseDelivery(d *amqp.Delivery, c *Client) (*MottattMelding, error) {
	m := &MottattMelding{Headere: map[string]string{}, body: d.Body, client: c, Resendt: d.Redelivered}
	m.MottakerKontoID = strings.TrimPrefix(d.RoutingKey, "fiksio.konto.")
	get := func(name string) (string, error) {
		v, ok := d.Headers[name]
		if !ok {
			return "", nil
		}
		s, ok := headerString(v)
		if !ok || !utf8.ValidString(s) {
			return "", &MeldingError{Problem: name + " is not a UTF-8 string"}
		}
		return s, nil
	}
	var err error
	for _, h := range []struct {
		name     string
		dst      *string
		required bool
		isUUID   bool
	}{
		{HeaderMeldingID, &m.MeldingID, true, true},
		{HeaderType, &m.Meldingstype, true, false},
		{HeaderAvsenderID, &m.AvsenderKontoID, true, true},
		{HeaderAvsenderNavn, &m.AvsenderNavn, false, false},
		{HeaderSvarTil, &m.SvarPaMelding, false, true},
		{HeaderSvarTilType, &m.SvarTilType, false, false},
		{HeaderDokumentlagerID, &m.DokumentlagerID, false, true},
	} {
		if *h.dst, err = get(h.name); err != nil {
			return nil, err
		}
		if *h.dst == "" && h.required {
			return nil, &MeldingError{Problem: "no " + h.name + " header"}
		}
		if *h.dst != "" && h.isUUID && uuid.Validate(*h.dst) != nil {
			if h.name == HeaderSvarTil {
				*h.dst = "" // as the .NET client: an unreadable svar-til is ignored
				continue
			}
			return nil, &MeldingError{Problem: h.name + " is not a UUID"}
		}
	}
	if r, _ := get(HeaderResendt); strings.EqualFold(r, "true") {
		m.Resendt = true
	}
	for k, v := range d.Headers {
		name, ok := strings.CutPrefix(k, HeaderEgendefinertPrefix)
		if !ok {
			continue
		}
		s, ok := headerString(v)
		if !ok || !utf8.ValidString(s) {
			return nil, &MeldingError{Problem: k + " is not a UTF-8 string"}
		}
		m.Headere[name] = s
	}
	m.KlientMeldingID = m.Headere[HeaderKlientMeldingID]
	m.KlientKorrelasjonsID = m.Headere[HeaderKlientKorrelasjonsID]
	if m.KlientKorrelasjonsID == "" {
		m.KlientKorrelasjonsID = m.Headere["klientKorrelasjonId"]
	}
	if d.Expiration != "" {
		if ms, err := strconv.ParseInt(d.Expiration, 10, 64); err == nil && ms > 0 {
			m.TTL = time.Duration(ms) * time.Millisecond
		}
	}
	return m, nil
}

// String names the message without its content or headers' values.
func (m *MottattMelding) String() string {
	return fmt.Sprintf("fiksio.MottattMelding{MeldingID: %s, Meldingstype: %s, AvsenderKontoID: %s}", m.MeldingID, m.Meldingstype, m.AvsenderKontoID)
}

// OpenEncrypted returns the payload as sent (CMS): the AMQP body, or the Dokumentlager
// download (GET /dokumentlager/nedlasting/{id}).
func (m *MottattMelding) OpenEncrypted(ctx context.Context) (io.ReadCloser, error) {
	const op = "fiksio.OpenEncrypted"
	if m.DokumentlagerID == "" {
		if len(m.body) == 0 {
			return nil, fmt.Errorf("%s: melding %s has no payload", op, m.MeldingID)
		}
		return io.NopCloser(bytes.NewReader(m.body)), nil
	}
	resp, err := m.client.hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: m.client.api + "/dokumentlager/nedlasting/" + m.DokumentlagerID})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if err := fiks.CheckResponse(op, resp); err != nil {
		return nil, err
	}
	return resp.Body, nil
}

// ErrNoKey is matched when none of Options.Keys can decrypt a payload.
var ErrNoKey = errors.New("fiksio: no key decrypts the payload")

// OpenDecrypted returns the decrypted payload (the ASiC-E zip), streaming. Each of
// Options.Keys is tried in turn; the first that opens it is used.
func (m *MottattMelding) OpenDecrypted(ctx context.Context) (io.ReadCloser, error) {
	if len(m.client.keys) == 0 {
		return nil, fmt.Errorf("%w: Options.Keys is empty", ErrNoKey)
	}
	var last error
	for _, k := range m.client.keys {
		enc, err := m.OpenEncrypted(ctx)
		if err != nil {
			return nil, err
		}
		r, err := kryptering.NewDecrypter(enc, k)
		if err == nil {
			return readCloser{r, enc}, nil
		}
		enc.Close()
		last = err
		if !errors.Is(err, kryptering.ErrNoRecipient) {
			return nil, err // not a key question: the payload itself is broken
		}
	}
	return nil, fmt.Errorf("%w: %v", ErrNoKey, last)
}

type readCloser struct {
	io.Reader
	c io.Closer
}

func (r readCloser) Close() error { return r.c.Close() }

// Container decrypts the payload and opens it as an ASiC-E container, checked as opts
// says (nil: structure and manifest, and a present signature against its own
// certificate). An AMQP body up to Options.MemorySpool is decrypted in memory; a larger
// one, and any payload from Dokumentlager, into a spool file in Options.TempDir that
// Close removes. The caller must Close the container.
func (m *MottattMelding) Container(ctx context.Context, opts *VerifyOptions) (*Container, error) {
	dec, err := m.OpenDecrypted(ctx)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	// A payload in Dokumentlager is larger than FIKS IO carries over AMQP (5 MB): it goes
	// to a spool file at once. An AMQP body decrypts to about its own size.
	if m.DokumentlagerID == "" && int64(len(m.body)) <= m.client.memSpool {
		buf := bytes.NewBuffer(make([]byte, 0, len(m.body)))
		if _, err := io.Copy(buf, dec); err != nil {
			return nil, err
		}
		return OpenContainer(bytes.NewReader(buf.Bytes()), int64(buf.Len()), opts)
	}
	f, err := os.CreateTemp(m.client.tempDir, ".fiksio-spool-*")
	if err != nil {
		return nil, err
	}
	cleanup := func() error { f.Close(); return os.Remove(f.Name()) }
	size, err := io.Copy(f, dec)
	if err != nil {
		cleanup()
		return nil, err
	}
	c, err := OpenContainer(f, size, opts)
	if err != nil {
		cleanup()
		return nil, err
	}
	c.closer = cleanup
	return c, nil
}

// Reply is a message answering m: from m's receiver to its sender, SvarPaMelding = m's
// melding-id, and m's klientKorrelasjonsId copied. Send it with Client.Send.
func (m *MottattMelding) Reply(meldingstype string, filer ...Fil) *Melding {
	return &Melding{
		AvsenderKontoID:      m.MottakerKontoID,
		MottakerKontoID:      m.AvsenderKontoID,
		Meldingstype:         meldingstype,
		SvarPaMelding:        m.MeldingID,
		KlientKorrelasjonsID: m.KlientKorrelasjonsID,
		Filer:                filer,
	}
}
