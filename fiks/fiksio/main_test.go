package fiksio_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	code := m.Run()
	fiksiotest.StopSharedBroker()
	os.Exit(code)
}

// broker is the test binary's one RabbitMQ node.
func broker(t testing.TB) *fiksiotest.Broker { return fiksiotest.SharedBroker(t) }

// env is a fagsystem (A) and an arkiv (B), each with its konto and integrasjon, on one
// fake FIKS IO over the shared broker.
type env struct {
	fake         *fiksiotest.Server
	a, b         *fikstest.Fixture
	kontoA       string
	kontoB       string
	sender, recv *fiksio.Client
}

func newEnv(t testing.TB, opts fiksiotest.Options) *env {
	t.Helper()
	a := fikstest.NewFixture(t, "910000001")
	b := a.Another(t, "910000002")
	opts.Maskinporten, opts.Broker = a.Maskinporten, broker(t)
	fake := fiksiotest.NewServer(t, opts)
	fake.AddIntegrasjon(a.Integrasjon)
	fake.AddIntegrasjon(b.Integrasjon)
	e := &env{fake: fake, a: a, b: b, kontoA: uuid.NewString(), kontoB: uuid.NewString()}
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: e.kontoA, Navn: "Fagsystem", IntegrasjonID: a.Integrasjon.ID, Certificate: avsenderID.Certificate,
		Adresser: []fiksiotest.Adresse{{Identifikator: "ORG_NO.910000001", Meldingsprotokoll: "no.ks.fiks.arkiv.v1", Sikkerhetsniva: 3}}}))
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: e.kontoB, Navn: "Arkiv", IntegrasjonID: b.Integrasjon.ID, Certificate: mottakerID.Certificate,
		Adresser: []fiksiotest.Adresse{{Identifikator: "ORG_NO.910000002", Meldingsprotokoll: "no.ks.fiks.arkiv.v1", Sikkerhetsniva: 4}}}))
	e.sender = e.client(t, a, e.kontoA, avsenderID, nil)
	e.recv = e.client(t, b, e.kontoB, mottakerID, nil)
	return e
}

func (e *env) client(t testing.TB, f *fikstest.Fixture, konto string, id *fiksiotest.Identity, edit func(*fiksio.Options)) *fiksio.Client {
	t.Helper()
	o := fiksio.Options{BaseURL: e.fake.URL(), HTTPClient: e.fake.HTTPClient(), Credentials: f.Credentials, KontoID: konto,
		Signer: id.Key, SignerCertificates: []*x509.Certificate{id.Certificate}, Keys: []kryptering.Key{id.DecryptionKey()},
		AMQPAddr: e.fake.AMQPAddr(), TLSConfig: e.fake.AMQPTLSConfig(), PlainAMQP: e.fake.AMQPTLSConfig() == nil}
	if edit != nil {
		edit(&o)
	}
	c, err := fiksio.New(o)
	require.NoError(t, err)
	return c
}

// receiving runs c.Receive in the background until the returned stop is called (or the
// test ends); stop returns Receive's error.
func receiving(t testing.TB, c *fiksio.Client, h fiksio.Handler, opts *fiksio.ReceiveOptions) (stop func() error) {
	t.Helper()
	if opts == nil {
		opts = &fiksio.ReceiveOptions{}
	}
	if opts.MinBackoff == 0 {
		opts.MinBackoff, opts.MaxBackoff = 50*time.Millisecond, 500*time.Millisecond
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Receive(ctx, h, opts) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-done:
			case <-time.After(60 * time.Second):
				err = errors.New("Receive did not return within 60 s of its context ending")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// inbox collects received messages for a test to wait on.
type inbox struct {
	mu   sync.Mutex
	msgs []*fiksio.MottattMelding
	ch   chan struct{}
}

func newInbox() *inbox { return &inbox{ch: make(chan struct{}, 1000)} }

func (in *inbox) handler(ctx context.Context, m *fiksio.MottattMelding) error {
	in.mu.Lock()
	in.msgs = append(in.msgs, m)
	in.mu.Unlock()
	in.ch <- struct{}{}
	return nil
}

// wait returns once n messages arrived in all, failing the test after timeout.
func (in *inbox) wait(t testing.TB, n int, timeout time.Duration) []*fiksio.MottattMelding {
	t.Helper()
	deadline := time.After(timeout)
	for {
		in.mu.Lock()
		got := len(in.msgs)
		in.mu.Unlock()
		if got >= n {
			in.mu.Lock()
			defer in.mu.Unlock()
			return append([]*fiksio.MottattMelding(nil), in.msgs...)
		}
		select {
		case <-in.ch:
		case <-deadline:
			t.Fatalf("received %d of %d messages within %s", got, n, timeout)
		}
	}
}

func (e *env) send(t testing.TB, c *fiksio.Client, to string, typ string, filer ...fiksio.Fil) *fiksio.SendtMelding {
	t.Helper()
	sent, err := c.Send(context.Background(), &fiksio.Melding{MottakerKontoID: to, Meldingstype: typ, Filer: filer})
	require.NoError(t, err)
	return sent
}

var _ = fmt.Sprint

const childEnv = "FIKSIO_TEST_CHILD"

// random is n pseudo-random bytes (incompressible, like a PDF), the same for a seed.
type random struct {
	r *rand.ChaCha8
	n int64
}

func newRandom(seed byte, n int64) *random { return &random{r: rand.NewChaCha8([32]byte{seed}), n: n} }

func (r *random) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	_, _ = r.r.Read(p)
	r.n -= int64(len(p))
	return len(p), nil
}
