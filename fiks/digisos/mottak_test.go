package digisos_test

import (
	"context"
	"io"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

// Applications over SvarInn (the fallback channel): each becomes a Soknad with its files;
// one delivered again (a missed acknowledgement elsewhere) is acknowledged and not
// handled twice; a forsendelse that is not DigiSos, or whose metadata is broken, is
// reported failed permanently.
func TestSvarInnDeliveries(t *testing.T) {
	t.Parallel()
	fx := fikstest.NewFixture(t, "910000020")
	fake := svaruttest.NewServer(t, svaruttest.Options{Maskinporten: fx.Maskinporten})
	key := fake.NewMottakersystem("sosial", "passord", "974760673")
	digisosID := uuid.NewString()
	meta := []byte(`{"eksternRef":"110004PCC","digisosId":"` + digisosID + `"}`)
	soknad := svaruttest.Innkommende{Mottakersystem: "sosial", Tittel: "Søknad om økonomisk sosialhjelp", Filer: []svaruttest.Fil{
		{Filnavn: "forsendelseMetadata.json", MimeType: "application/json", Innhold: meta},
		{Filnavn: "soknad.json", MimeType: "application/json", Innhold: []byte(`{"versjon":"1.0.0"}`)},
		{Filnavn: "Soknad.pdf", MimeType: "application/pdf", Innhold: []byte("%PDF-1.7 søknad\n")},
	}}
	fake.AddInnkommende(soknad)
	fake.AddInnkommende(soknad) // the same delivery again
	etter := soknad
	etter.Filer = append([]svaruttest.Fil{{Filnavn: "forsendelseMetadata.json", MimeType: "application/json",
		Innhold: []byte(`{"eksternRef":"110004PCD","digisosId":"` + digisosID + `","soknadLeveranseId":{"sendtKanal":"FIKS_IO","id":"` + uuid.NewString() + `"}}`)}},
		soknad.Filer[1:]...)
	fake.AddInnkommende(etter)
	fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: "sosial", Tittel: "Byggesøknad",
		Filer: []svaruttest.Fil{{Filnavn: "soknad.pdf", MimeType: "application/pdf", Innhold: []byte("%PDF")}}})

	fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: "sosial", Tittel: "Ødelagt", Filer: []svaruttest.Fil{
		{Filnavn: "forsendelseMetadata.json", MimeType: "application/json", Innhold: []byte(`{"eksternRef":"x","digisosId":"ikke-en-uuid"}`)},
		{Filnavn: "soknad.json", MimeType: "application/json", Innhold: []byte(`{}`)}}})

	m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Brukernavn: "sosial", Passord: "passord", Key: key})
	require.NoError(t, err)
	var got []*digisos.Soknad
	var contents []string
	res, err := m.Receive(context.Background(), digisos.SvarInnHandler(func(ctx context.Context, s *digisos.Soknad) error {
		got = append(got, s)
		for _, f := range s.Filer {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
			contents = append(contents, f.Navn+"="+string(b))
		}
		return nil
	}, &digisos.SvarInnOptions{TempDir: t.TempDir()}))
	require.NoError(t, err)
	require.Len(t, got, 2, "the søknad once and its ettersendelse")
	assert.Equal(t, digisos.KanalSvarUt, got[0].Kanal)
	assert.Equal(t, digisosID, got[0].DigisosID)
	assert.False(t, got[0].Ettersendelse())
	assert.True(t, got[1].Ettersendelse())
	assert.Equal(t, digisos.KanalFiksIO, got[1].SoknadLeveranse.SendtKanal)
	assert.Contains(t, contents, "Soknad.pdf=%PDF-1.7 søknad\n")
	assert.Equal(t, 3, res.Kvittert, "the repeat is acknowledged too")
	assert.Equal(t, 2, res.Feilet, "the non-DigiSos forsendelse and the one with broken metadata are left failed")
	assert.Equal(t, 2, res.Permanent)
}

// The key a case system dedupes by, and what metadata is refused.
func TestSoknadKey(t *testing.T) {
	t.Parallel()
	s := &digisos.Soknad{DigisosID: "d", EksternRef: "e"}
	assert.Equal(t, "d/e", s.Key())
	store := digisos.NewMemoryMottatt()
	ok, err := store.Handled(context.Background(), s.Key())
	require.NoError(t, err)
	assert.False(t, ok)
	require.NoError(t, store.MarkHandled(context.Background(), s.Key()))
	ok, _ = store.Handled(context.Background(), s.Key())
	assert.True(t, ok)
}
