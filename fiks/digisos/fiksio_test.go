package digisos_test

import (
	"context"
	"crypto/x509"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	fiksiotest.StopSharedBroker()
	os.Exit(code)
}

// An application delivered over FIKS IO is handled and answered soknad.mottatt.v1; the
// same application delivered again over SvarInn (as Fiks does when the FIKS IO delivery
// was not acknowledged in time) is acknowledged there without being handled twice.
func TestDeliveredBothWaysHandledOnce(t *testing.T) {
	t.Parallel()
	nav := fikstest.NewFixture(t, "889640782")
	kommune := nav.Another(t, "974760673")
	fake := fiksiotest.NewServer(t, fiksiotest.Options{Maskinporten: nav.Maskinporten, Broker: fiksiotest.SharedBroker(t)})
	fake.AddIntegrasjon(nav.Integrasjon)
	fake.AddIntegrasjon(kommune.Integrasjon)
	navID, kommuneID := fiksiotest.NewIdentity("Fiks Digisos", "889640782"), fiksiotest.NewIdentity("Sosialsystemet", "974760673")
	navKonto, kommuneKonto := uuid.NewString(), uuid.NewString()
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: navKonto, Navn: "Fiks Digisos", IntegrasjonID: nav.Integrasjon.ID, Certificate: navID.Certificate}))
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: kommuneKonto, Navn: "Sosialsystemet", IntegrasjonID: kommune.Integrasjon.ID, Certificate: kommuneID.Certificate}))
	client := func(f *fikstest.Fixture, konto string, id *fiksiotest.Identity) *fiksio.Client {
		c, err := fiksio.New(fiksio.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: f.Credentials, KontoID: konto,
			Signer: id.Key, SignerCertificates: []*x509.Certificate{id.Certificate}, Keys: []kryptering.Key{id.DecryptionKey()},
			AMQPAddr: fake.AMQPAddr(), TLSConfig: fake.AMQPTLSConfig()})
		require.NoError(t, err)
		return c
	}
	navIO, kommuneIO := client(nav, navKonto, navID), client(kommune, kommuneKonto, kommuneID)

	digisosID := uuid.NewString()
	meta := []byte(`{"eksternRef":"110004PCC","digisosId":"` + digisosID + `"}`)
	ctx := context.Background()
	sent, err := navIO.Send(ctx, &fiksio.Melding{MottakerKontoID: kommuneKonto, Meldingstype: digisos.TypeSoknad, Filer: []fiksio.Fil{
		fiksio.Bytes("digisos.json", meta), fiksio.Bytes("soknad.json", []byte(`{"versjon":"1.0.0"}`)), fiksio.Bytes("Soknad.pdf", []byte("%PDF-1.7 søknad\n"))}})
	require.NoError(t, err)

	store := digisos.NewMemoryMottatt()
	var mu sync.Mutex
	var handled []*digisos.Soknad
	h := func(ctx context.Context, s *digisos.Soknad) error {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, s)
		return nil
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- kommuneIO.Receive(rctx, digisos.FiksIOHandler(h, kommuneIO.Send, &digisos.FiksIOOptions{Mottatt: store}), nil)
	}()
	// NAV's side gets the mottatt.
	replies := make(chan *fiksio.MottattMelding, 1)
	nctx, nstop := context.WithCancel(ctx)
	ndone := make(chan error, 1)
	go func() {
		ndone <- navIO.Receive(nctx, func(ctx context.Context, m *fiksio.MottattMelding) error { replies <- m; return nil }, nil)
	}()
	select {
	case m := <-replies:
		assert.Equal(t, digisos.TypeSoknadMottatt, m.Meldingstype)
		assert.Equal(t, sent.MeldingID, m.SvarPaMelding)
	case <-time.After(60 * time.Second):
		t.Fatal("no soknad.mottatt.v1")
	}
	stop()
	nstop()
	require.NoError(t, <-done)
	require.NoError(t, <-ndone)
	mu.Lock()
	require.Len(t, handled, 1)
	assert.Equal(t, digisos.KanalFiksIO, handled[0].Kanal)
	assert.Equal(t, digisosID, handled[0].DigisosID)
	assert.Len(t, handled[0].Filer, 2, "the metadata file is not one of the delivery's files")
	mu.Unlock()

	// The same delivery over SvarInn.
	svar := svaruttest.NewServer(t, svaruttest.Options{Maskinporten: nav.Maskinporten})
	key := svar.NewMottakersystem("sosial", "passord", "974760673")
	svar.AddInnkommende(svaruttest.Innkommende{Mottakersystem: "sosial", Tittel: "Søknad om økonomisk sosialhjelp", Filer: []svaruttest.Fil{
		{Filnavn: "forsendelseMetadata.json", MimeType: "application/json", Innhold: meta},
		{Filnavn: "Soknad.pdf", MimeType: "application/pdf", Innhold: []byte("%PDF-1.7 søknad\n")}}})
	mottak, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: svar.URL(), HTTPClient: svar.HTTPClient(), Brukernavn: "sosial", Passord: "passord", Key: key})
	require.NoError(t, err)
	res, err := mottak.Receive(ctx, digisos.SvarInnHandler(h, &digisos.SvarInnOptions{Mottatt: store, TempDir: t.TempDir()}))
	require.NoError(t, err)
	assert.Equal(t, 1, res.Kvittert, "acknowledged in SvarInn")
	mu.Lock()
	assert.Len(t, handled, 1, "handled once, whichever channel it came by")
	mu.Unlock()
}
