package fiksio_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const typeOpprett = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"

func readFiles(t *testing.T, m *fiksio.MottattMelding, opts *fiksio.VerifyOptions) (map[string][]byte, *fiksio.Container) {
	t.Helper()
	c, err := m.Container(context.Background(), opts)
	require.NoError(t, err)
	defer c.Close()
	out := map[string][]byte{}
	for _, f := range c.Files {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		out[f.Name] = b
	}
	return out, c
}

// The katalog: a konto, its key, an address.
func TestKatalog(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	ctx := context.Background()
	k, err := e.sender.Konto(ctx, e.kontoB)
	require.NoError(t, err)
	assert.Equal(t, e.kontoB, k.KontoID)
	assert.Equal(t, "Arkiv", k.KontoNavn)
	assert.True(t, k.GyldigMottaker)
	n, err := e.sender.OffentligNokkel(ctx, e.kontoB)
	require.NoError(t, err)
	assert.True(t, n.Certificate.Equal(mottakerID.Certificate))
	found, err := e.sender.Lookup(ctx, fiksio.LookupQuery{Identifikator: fiksio.OrgNo("910000002"), Meldingsprotokoll: "no.ks.fiks.arkiv.v1", Sikkerhetsniva: 4})
	require.NoError(t, err)
	assert.Equal(t, e.kontoB, found.KontoID)

	_, err = e.sender.Konto(ctx, uuid.NewString())
	require.ErrorIs(t, err, fiksio.ErrNotFound)
	_, err = e.sender.Lookup(ctx, fiksio.LookupQuery{Identifikator: fiksio.OrgNo("999999999"), Meldingsprotokoll: "no.ks.fiks.arkiv.v1", Sikkerhetsniva: 4})
	require.ErrorIs(t, err, fiksio.ErrNotFound)
	_, err = e.sender.Lookup(ctx, fiksio.LookupQuery{Identifikator: "910000002", Meldingsprotokoll: "x", Sikkerhetsniva: 4})
	require.ErrorIs(t, err, fiksio.ErrInvalidInput)
	_, err = e.sender.Konto(ctx, "../admin")
	require.ErrorIs(t, err, fiksio.ErrInvalidInput)

	// The konto API: a new certificate is what senders then get.
	fresh := fiksiotest.NewIdentity("Arkiv, ny nøkkel", "910000002")
	require.NoError(t, e.recv.UploadOffentligNokkel(ctx, e.kontoB, fresh.Certificate))
	n, err = e.sender.OffentligNokkel(ctx, e.kontoB)
	require.NoError(t, err)
	assert.True(t, n.Certificate.Equal(fresh.Certificate))
	// Only the konto's own integrasjon may set it.
	err = e.sender.UploadOffentligNokkel(ctx, e.kontoB, avsenderID.Certificate)
	require.ErrorIs(t, err, fiksio.ErrForbidden)
}

// Send and receive with every header, the files intact and the signature verified; the
// reply helper answers with the correlation id.
func TestSendReceiveReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	ctx := context.Background()
	arkivmelding := []byte(`<arkivmelding/>`)
	vedlegg := bytes.Repeat([]byte{0, 1, 2, 3, 255}, 200000)
	m := &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, TTL: time.Hour,
		KlientKorrelasjonsID: "sak-2026-42", Headere: map[string]string{"egen": "verdi æøå"},
		Filer: []fiksio.Fil{fiksio.Bytes("arkivmelding.xml", arkivmelding), fiksio.Bytes("vedtak.pdf", vedlegg)}}
	sent, err := e.sender.Send(ctx, m)
	require.NoError(t, err)
	require.NotEmpty(t, m.KlientMeldingID, "Send sets the klientMeldingId a resend reuses")
	assert.Equal(t, m.KlientMeldingID, sent.KlientMeldingID)

	in := newInbox()
	receiving(t, e.recv, in.handler, nil)
	got := in.wait(t, 1, 30*time.Second)[0]
	assert.Equal(t, sent.MeldingID, got.MeldingID)
	assert.Equal(t, typeOpprett, got.Meldingstype)
	assert.Equal(t, e.kontoA, got.AvsenderKontoID)
	assert.Equal(t, "Fagsystem", got.AvsenderNavn)
	assert.Equal(t, e.kontoB, got.MottakerKontoID)
	assert.Equal(t, m.KlientMeldingID, got.KlientMeldingID)
	assert.Equal(t, "sak-2026-42", got.KlientKorrelasjonsID)
	assert.Equal(t, "verdi æøå", got.Headere["egen"])
	assert.Equal(t, time.Hour, got.TTL)
	assert.False(t, got.Resendt)
	assert.True(t, got.HarPayload())
	roots := x509.NewCertPool()
	roots.AddCert(avsenderID.Certificate)
	files, c := readFiles(t, got, &fiksio.VerifyOptions{Roots: roots})
	assert.Equal(t, arkivmelding, files["arkivmelding.xml"])
	assert.Equal(t, vedlegg, files["vedtak.pdf"])
	assert.Equal(t, "arkivmelding.xml", c.Files[0].Name)
	require.NotNil(t, c.Signature)

	// The reply goes back with svar-til and the correlation id.
	_, err = e.recv.Send(ctx, got.Reply(typeOpprett+".mottatt"))
	require.NoError(t, err)
	back := newInbox()
	receiving(t, e.sender, back.handler, nil)
	r := back.wait(t, 1, 30*time.Second)[0]
	assert.Equal(t, sent.MeldingID, r.SvarPaMelding)
	assert.Equal(t, "sak-2026-42", r.KlientKorrelasjonsID)
	assert.False(t, r.HarPayload())
}

// Payloads over the threshold travel through Dokumentlager and are decrypted into a spool
// file that Close removes.
func TestDokumentlager(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{DokumentlagerThreshold: 64 << 10})
	tmp := t.TempDir()
	recv := e.client(t, e.b, e.kontoB, mottakerID, func(o *fiksio.Options) { o.MemorySpool = 128 << 10; o.TempDir = tmp })
	big := make([]byte, 2<<20) // incompressible: the container stays over the threshold
	_, _ = rand.Read(big)
	sent := e.send(t, e.sender, e.kontoB, typeOpprett, fiksio.Bytes("stor.txt", big))
	assert.NotEmpty(t, sent.DokumentlagerID)
	in := newInbox()
	receiving(t, recv, in.handler, nil)
	got := in.wait(t, 1, 30*time.Second)[0]
	require.NotEmpty(t, got.DokumentlagerID)
	files, _ := readFiles(t, got, nil)
	assert.Equal(t, big, files["stor.txt"])
	left, _ := filepath.Glob(filepath.Join(tmp, ".fiksio-spool*"))
	assert.Empty(t, left, "the spool file is removed with the container")
	// Without credentials nothing is downloaded.
	resp, err := e.fake.HTTPClient().Get(e.fake.URL() + "/dokumentlager/nedlasting/" + got.DokumentlagerID)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

// A handler error without a reply: the message comes again (Resendt); it is acknowledged
// once the handler returns nil.
func TestRedeliveredUntilHandled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	sent := e.send(t, e.sender, e.kontoB, typeOpprett, fiksio.Bytes("a.xml", []byte("<a/>")))
	var calls atomic.Int32
	var resendt atomic.Bool
	done := make(chan struct{})
	receiving(t, e.recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
		if calls.Add(1) == 1 {
			return errors.New("the database is down")
		}
		resendt.Store(m.Resendt)
		close(done)
		return nil
	}, nil)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("not delivered again")
	}
	assert.True(t, resendt.Load(), "the second delivery is marked Resendt")
	assert.Equal(t, sent.MeldingID, e.fake.Sent()[0].MeldingID)
	require.Eventually(t, func() bool { n, _ := e.fake.QueueLength(e.kontoB); return n == 0 }, 10*time.Second, 50*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	assert.Equal(t, int32(2), calls.Load(), "handled, acknowledged, not delivered a third time")
}

// A handler that never succeeds: after FIKS IO's third delivery the message is
// dead-lettered and the sender gets serverfeil.v1 naming it.
func TestServerfeilAfterThreeDeliveries(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	sent := e.send(t, e.sender, e.kontoB, typeOpprett, fiksio.Bytes("a.xml", []byte("<a/>")))
	var calls atomic.Int32
	receiving(t, e.recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
		calls.Add(1)
		return errors.New("always fails")
	}, nil)
	back := newInbox()
	receiving(t, e.sender, back.handler, nil)
	r := back.wait(t, 1, 60*time.Second)[0]
	assert.Equal(t, fiksio.MeldingstypeServerfeil, r.Meldingstype)
	assert.Equal(t, sent.MeldingID, r.SvarPaMelding)
	assert.Equal(t, int32(3), calls.Load())
}

// A TTL that runs out before anyone receives: the sender gets tidsavbrudd with svar-til
// and svar-til-type.
func TestTidsavbrudd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	sent, err := e.sender.Send(context.Background(), &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, TTL: time.Second})
	require.NoError(t, err)
	back := newInbox()
	receiving(t, e.sender, back.handler, nil)
	// Quorum queues expire messages at the head when a consumer would get them: look.
	time.Sleep(1500 * time.Millisecond)
	stop := receiving(t, e.recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
		t.Errorf("an expired message was delivered: %s", m)
		return nil
	}, nil)
	r := back.wait(t, 1, 60*time.Second)[0]
	require.NoError(t, stop())
	assert.Equal(t, fiksio.MeldingstypeTidsavbrudd, r.Meldingstype)
	assert.Equal(t, sent.MeldingID, r.SvarPaMelding)
	assert.Equal(t, typeOpprett, r.SvarTilType)
}

// With ErrorReply the protocol's error message is sent, then the message acknowledged;
// Requeue overrides it.
func TestErrorReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	first := e.send(t, e.sender, e.kontoB, typeOpprett, fiksio.Bytes("a.xml", []byte("<a/>")))
	var calls atomic.Int32
	receiving(t, e.recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
		if calls.Add(1) == 1 {
			return fiksio.Requeue(errors.New("try again"))
		}
		return errors.New("ugyldig arkivmelding")
	}, &fiksio.ReceiveOptions{ErrorReply: func(ctx context.Context, m *fiksio.MottattMelding, err error) *fiksio.Melding {
		return m.Reply("no.ks.fiks.arkiv.v1.feilmelding.ugyldigforespoersel", fiksio.Bytes("feilmelding.xml", []byte("<feil>"+err.Error()+"</feil>")))
	}})
	back := newInbox()
	receiving(t, e.sender, back.handler, nil)
	r := back.wait(t, 1, 30*time.Second)[0]
	assert.Equal(t, "no.ks.fiks.arkiv.v1.feilmelding.ugyldigforespoersel", r.Meldingstype)
	assert.Equal(t, first.MeldingID, r.SvarPaMelding)
	files, _ := readFiles(t, r, nil)
	assert.Equal(t, "<feil>ugyldig arkivmelding</feil>", string(files["feilmelding.xml"]))
	require.Eventually(t, func() bool { n, _ := e.fake.QueueLength(e.kontoB); return n == 0 }, 10*time.Second, 50*time.Millisecond)
	assert.Equal(t, int32(2), calls.Load(), "requeued once, answered and acknowledged the second time")
}

// Two receivers on one queue handle each message once.
func TestTwoReceivers(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	const n = 60
	var mu sync.Mutex
	seen := map[string]int{}
	var total atomic.Int32
	h := func(ctx context.Context, m *fiksio.MottattMelding) error {
		mu.Lock()
		seen[m.MeldingID]++
		mu.Unlock()
		total.Add(1)
		return nil
	}
	receiving(t, e.recv, h, nil)
	r2 := e.client(t, e.b, e.kontoB, mottakerID, nil)
	receiving(t, r2, h, &fiksio.ReceiveOptions{Concurrency: 3})
	for i := range n {
		e.send(t, e.sender, e.kontoB, typeOpprett, fiksio.Bytes("a.xml", []byte{byte(i)}))
	}
	require.Eventually(t, func() bool { return total.Load() >= n }, 60*time.Second, 20*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, seen, n)
	for id, c := range seen {
		assert.Equal(t, 1, c, id)
	}
	assert.Equal(t, int32(n), total.Load())
}

// Dropped connections: the receiver reconnects with a new token fetched for the new
// connection, and nothing is lost or handled twice.
func TestReconnectFreshCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	var tokenCalls atomic.Int32
	counting := auth.TokenSourceFunc(func(ctx context.Context) (*auth.Token, error) {
		tokenCalls.Add(1)
		return e.b.Tokens.Token(ctx)
	})
	recv := e.client(t, e.b, e.kontoB, mottakerID, func(o *fiksio.Options) { o.Credentials.Token = counting })
	in := newInbox()
	receiving(t, recv, in.handler, nil)
	for i := range 10 {
		e.send(t, e.sender, e.kontoB, typeOpprett, fiksio.Bytes("a.xml", []byte{byte(i)}))
		if i == 3 || i == 6 {
			in.wait(t, i+1, 30*time.Second)
			before := tokenCalls.Load()
			e.fake.DropConnections()
			require.Eventually(t, func() bool { return tokenCalls.Load() > before }, 30*time.Second, 20*time.Millisecond, "a token is fetched for the new connection")
		}
	}
	// A drop between a handler's return and its ack delivers that message again, marked
	// Resendt: at least once, never silently twice.
	require.Eventually(t, func() bool {
		in.mu.Lock()
		defer in.mu.Unlock()
		ids := map[string]bool{}
		for _, m := range in.msgs {
			ids[m.MeldingID] = true
		}
		return len(ids) == 10
	}, 60*time.Second, 20*time.Millisecond)
	in.mu.Lock()
	seen := map[string]bool{}
	for _, m := range in.msgs {
		if seen[m.MeldingID] {
			assert.True(t, m.Resendt, "a second delivery of %s is marked Resendt", m.MeldingID)
		}
		seen[m.MeldingID] = true
	}
	in.mu.Unlock()
	assert.GreaterOrEqual(t, len(e.fake.Logins()), 3)
}

// Wrong credentials on the first connection: Receive says so at once.
func TestReceiveRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	bad := e.client(t, e.b, e.kontoB, mottakerID, func(o *fiksio.Options) { o.Credentials.IntegrasjonPassord = "feil" })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := bad.Receive(ctx, func(context.Context, *fiksio.MottattMelding) error { return nil }, nil)
	require.ErrorIs(t, err, fiksio.ErrAMQPRefused)
	assert.NotContains(t, err.Error(), "feil ", "no password in the error")
	// A konto without a queue.
	nokonto := e.client(t, e.b, uuid.NewString(), mottakerID, nil)
	err = nokonto.Receive(ctx, func(context.Context, *fiksio.MottattMelding) error { return nil }, nil)
	require.ErrorIs(t, err, fiksio.ErrAMQPRefused)
}

// Bad input and hostile messages: typed errors, nothing sent, nothing acknowledged that
// was not handled.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	ctx := context.Background()
	before := e.fake.Requests()
	for name, m := range map[string]*fiksio.Melding{
		"no mottaker":  {Meldingstype: typeOpprett},
		"bad type":     {MottakerKontoID: e.kontoB, Meldingstype: "bad type!"},
		"short ttl":    {MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, TTL: time.Millisecond},
		"bad svar":     {MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, SvarPaMelding: "x"},
		"unsafe name":  {MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, Filer: []fiksio.Fil{fiksio.Bytes("../x", nil)}},
		"duplicate":    {MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, Filer: []fiksio.Fil{fiksio.Bytes("a", nil), fiksio.Bytes("A", nil)}},
		"header name":  {MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, Headere: map[string]string{"a b": "x"}},
		"header clash": {MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, Headere: map[string]string{"klientMeldingId": "x"}},
	} {
		_, err := e.sender.Send(ctx, m)
		assert.ErrorIs(t, err, fiksio.ErrInvalidInput, name)
	}
	assert.Equal(t, before, e.fake.Requests(), "nothing reached FIKS IO")

	// Unknown konto: the katalog says so before anything is uploaded.
	_, err := e.sender.Send(ctx, &fiksio.Melding{MottakerKontoID: uuid.NewString(), Meldingstype: typeOpprett, Filer: []fiksio.Fil{fiksio.Bytes("a", []byte("a"))}})
	require.ErrorIs(t, err, fiksio.ErrNotFound)
	// An expired katalog certificate: refused, nothing sent.
	old := fiksiotest.NewIdentityValid("utløpt", "910000002", time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour))
	e.fake.SetCertificate(e.kontoB, old.Certificate)
	sender := e.client(t, e.a, e.kontoA, avsenderID, nil) // no cached key
	_, err = sender.Send(ctx, &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, Filer: []fiksio.Fil{fiksio.Bytes("a", []byte("a"))}})
	require.ErrorIs(t, err, fiksio.ErrKatalogNokkel)
	assert.Empty(t, e.fake.Sent())
	e.fake.SetCertificate(e.kontoB, mottakerID.Certificate)

	// A delivery without required headers is never handed to the handler nor acknowledged;
	// an undecryptable body reaches the handler as a typed error from Container.
	var invalid atomic.Int32
	var handled []string
	var mu sync.Mutex
	decryptErr := make(chan error, 1)
	receiving(t, e.recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
		mu.Lock()
		handled = append(handled, m.Meldingstype)
		mu.Unlock()
		if m.Meldingstype == "broken" {
			_, err := m.Container(ctx, nil)
			select {
			case decryptErr <- err:
			default:
			}
			if err != nil {
				return nil // the handler decides: here it is logged and dropped
			}
		}
		return nil
	}, &fiksio.ReceiveOptions{Invalid: func(err error) {
		assert.ErrorIs(t, err, fiksio.ErrMelding)
		invalid.Add(1)
	}})
	require.NoError(t, e.fake.Publish(e.kontoB, map[string]string{"type": "x"}, nil))
	require.NoError(t, e.fake.Publish(e.kontoB, map[string]string{"melding-id": uuid.NewString(), "type": "broken", "avsender-id": e.kontoA}, []byte("not CMS")))
	select {
	case err := <-decryptErr:
		require.Error(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("the broken message was not handed over")
	}
	require.Eventually(t, func() bool { return invalid.Load() == 3 }, 30*time.Second, 20*time.Millisecond, "delivered three times, then dead-lettered")
	mu.Lock()
	assert.Equal(t, []string{"broken"}, handled)
	mu.Unlock()
}

// A receiver with another's key: ErrNoKey.
func TestWrongKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	e.send(t, e.sender, e.kontoB, typeOpprett, fiksio.Bytes("a.xml", []byte("<a/>")))
	other := fiksiotest.NewIdentity("annen", "910000009")
	recv := e.client(t, e.b, e.kontoB, mottakerID, func(o *fiksio.Options) { o.Keys = []kryptering.Key{other.DecryptionKey()} })
	errs := make(chan error, 1)
	receiving(t, recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
		_, err := m.Container(ctx, nil)
		errs <- err
		return nil
	}, nil)
	select {
	case err := <-errs:
		require.ErrorIs(t, err, fiksio.ErrNoKey)
	case <-time.After(30 * time.Second):
		t.Fatal("no message")
	}
}

// A connection dropped after FIKS IO took the upload: the outcome is unknown, never
// "not sent"; sending the same Melding again carries the same klientMeldingId, by which
// the receiver sees the two deliveries are one message.
func TestSendLostAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	e.fake.InjectFault(fiksiotest.Fault{DropAfter: true, Match: func(r *http.Request) bool { return r.URL.Path == "/fiks-io/api/v1/send" }})
	m := &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, Filer: []fiksio.Fil{fiksio.Bytes("a.xml", []byte("<a/>"))}}
	_, err := e.sender.Send(context.Background(), m)
	var ue *fiksio.UnknownOutcomeError
	require.ErrorAs(t, err, &ue)
	require.ErrorIs(t, err, fiksio.ErrUnknownOutcome)
	assert.Contains(t, err.Error(), m.KlientMeldingID)
	assert.Len(t, e.fake.Sent(), 1, "FIKS IO took it once; Send did not send again by itself")
	_, err = e.sender.Send(context.Background(), m)
	require.NoError(t, err)
	in := newInbox()
	receiving(t, e.recv, in.handler, nil)
	got := in.wait(t, 2, 30*time.Second)
	assert.Equal(t, got[0].KlientMeldingID, got[1].KlientMeldingID, "a resend carries the same klientMeldingId")
	assert.NotEqual(t, got[0].MeldingID, got[1].MeldingID)
}

// Answers of the wrong shape: a katalog konto without an id, a send answer without a
// meldingId (unknown outcome: FIKS IO may have taken it), a body that is not JSON.
func TestWrongShapes(t *testing.T) {
	t.Parallel()
	answer := map[string]string{
		"/fiks-io/katalog/api/v1/kontoer/" + kontoX: `{"kontoNavn":"uten id"}`,
		"/fiks-io/api/v1/send":                      `{}`,
		"/fiks-io/katalog/api/v1/lookup":            `<html>not json</html>`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, answer[r.URL.Path])
	}))
	defer srv.Close()
	c, err := fiksio.New(fiksio.Options{BaseURL: srv.URL, Credentials: fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "i", IntegrasjonPassord: "p"},
		KontoID: kontoX, Signer: avsenderID.Key, SignerCertificates: []*x509.Certificate{avsenderID.Certificate}})
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Konto(ctx, kontoX)
	require.Error(t, err)
	_, err = c.Lookup(ctx, fiksio.LookupQuery{Identifikator: fiksio.OrgNo("910000002"), Meldingsprotokoll: "p", Sikkerhetsniva: 3})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "<html>")
	_, err = c.Send(ctx, &fiksio.Melding{MottakerKontoID: kontoX, Meldingstype: typeOpprett, MottakerSertifikat: mottakerID.Certificate,
		Filer: []fiksio.Fil{fiksio.Bytes("a.xml", []byte("<a/>"))}})
	require.ErrorIs(t, err, fiksio.ErrUnknownOutcome)
}

const kontoX = "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12"
