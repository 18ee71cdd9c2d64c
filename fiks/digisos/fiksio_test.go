package digisos_test

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/digisos/digisostest"
	"github.com/fellesklient/fellesklient/fiks/digisos/soknad"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

func TestMain(m *testing.M) {
	code := testutil.Run(m) // and says how many skipped for lack of ../shared
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

	// Fiks Digisos (the fake, on its own FIKS IO konto) delivers a synthetic application.
	org := uuid.NewString()
	dfake := digisostest.NewServer(t, digisostest.Options{Maskinporten: nav.Maskinporten, FIKSIO: navIO})
	lev, err := dfake.NySoknad(org, &digisostest.SoknadOptions{HvaSokesOm: "Husleie for desember"})
	require.NoError(t, err)
	ctx := context.Background()
	first, err := dfake.DeliverFiksIO(ctx, lev, kommuneKonto)
	require.NoError(t, err)

	store := digisos.NewMemoryMottatt()
	var mu sync.Mutex
	var handled []*digisos.Soknad
	var innhold []*soknad.Soknad
	h := func(ctx context.Context, s *digisos.Soknad) error {
		sok, err := s.Innhold()
		if err != nil {
			return err
		}
		vs, err := s.VedleggSpesifikasjon()
		if err != nil {
			return err
		}
		if f := s.Fil(*vs.Vedlegg[0].Filer[0].Filnavn); f == nil {
			return fmt.Errorf("vedlegg.json names %s, not delivered", *vs.Vedlegg[0].Filer[0].Filnavn)
		}
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, s)
		innhold = append(innhold, sok)
		return nil
	}
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		done <- kommuneIO.Receive(rctx, digisos.FiksIOHandler(h, kommuneIO.Send, &digisos.FiksIOOptions{Mottatt: store}), nil)
	}()
	// Fiks Digisos gets the soknad.mottatt.v1.
	actx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	require.NoError(t, dfake.AwaitMottatt(actx, lev.DigisosID))
	stop()
	require.NoError(t, <-done)
	sak := dfake.Sak(lev.DigisosID)
	require.Len(t, sak.Leveranser, 1)
	assert.Equal(t, first.ID, sak.Leveranser[0].ID)
	assert.False(t, sak.Leveranser[0].Mottatt.IsZero(), "answered soknad.mottatt.v1")
	mu.Lock()
	require.Len(t, handled, 1)
	assert.Equal(t, digisos.KanalFiksIO, handled[0].Kanal)
	assert.Equal(t, lev.DigisosID, handled[0].DigisosID)
	assert.Equal(t, lev.EksternRef, handled[0].EksternRef)
	assert.Len(t, handled[0].Filer, 4, "soknad.json, vedlegg.json, the PDF and one attachment; the metadata is not one of them")
	assert.Equal(t, "Husleie for desember", innhold[0].Data.Begrunnelse.HvaSokesOm)
	assert.Equal(t, digisostest.DefaultFnr, innhold[0].Data.Personalia.PersonIdentifikator.Verdi.Unmasked())
	mu.Unlock()

	// The same delivery over SvarInn (Fiks's fallback when FIKS IO was not acknowledged
	// in time): acknowledged there, not handled twice.
	svar := svaruttest.NewServer(t, svaruttest.Options{Maskinporten: nav.Maskinporten})
	key := svar.NewMottakersystem("sosial", "passord", "974760673")
	_, err = dfake.DeliverSvarUt(svar, "sosial", lev)
	require.NoError(t, err)
	// And an ettersendelse to it, over SvarInn: a new delivery, handled.
	etter := lev.Ettersendelse(first, map[string][]byte{"husleiekontrakt.pdf": []byte("%PDF-1.7 kontrakt\n")})
	_, err = dfake.DeliverSvarUt(svar, "sosial", etter)
	require.NoError(t, err)
	var etterHandled []*digisos.Soknad
	h2 := func(ctx context.Context, s *digisos.Soknad) error {
		_, err := s.Innhold()
		if !errors.Is(err, digisos.ErrNotFound) {
			return fmt.Errorf("an ettersendelse has no soknad.json, got %v", err)
		}
		etterHandled = append(etterHandled, s)
		return nil
	}
	mottak, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: svar.URL(), HTTPClient: svar.HTTPClient(), Brukernavn: "sosial", Passord: "passord", Key: key})
	require.NoError(t, err)
	res, err := mottak.Receive(ctx, digisos.SvarInnHandler(h2, &digisos.SvarInnOptions{Mottatt: store, TempDir: t.TempDir()}))
	require.NoError(t, err)
	assert.Equal(t, 2, res.Kvittert, "both acknowledged in SvarInn")
	require.Len(t, etterHandled, 1, "the repeat is not handled again; the ettersendelse is")
	assert.True(t, etterHandled[0].Ettersendelse())
	assert.Equal(t, first.ID, etterHandled[0].SoknadLeveranse.ID)
	assert.Len(t, dfake.Sak(lev.DigisosID).Leveranser, 3)
}
