package arkiv_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/arkiv"
	"github.com/fellesklient/fellesklient/fiks/arkiv/fiksarkivtest"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

var (
	fagsystemID = fiksiotest.NewIdentity("Testkommune fagsystem", "910000001")
	arkivID     = fiksiotest.NewIdentity("Testkommune arkiv", "910000002")
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	code := m.Run()
	fiksiotest.StopSharedBroker()
	os.Exit(code)
}

// env is a case system and the reference archive, each with its konto, on one fake FIKS
// IO over a real RabbitMQ node.
type env struct {
	fake                       *fiksiotest.Server
	fx, arkivFx                *fikstest.Fixture
	kontoFagsystem, kontoArkiv string
	arkiv                      *fiksarkivtest.Arkiv
}

func roots(ids ...*fiksiotest.Identity) *fiksio.VerifyOptions {
	p := x509.NewCertPool()
	for _, id := range ids {
		p.AddCert(id.Certificate)
	}
	return &fiksio.VerifyOptions{Roots: p}
}

func newEnv(t *testing.T, before func(context.Context, *arkiv.Request) error) *env {
	t.Helper()
	fx := fikstest.NewFixture(t, "910000001")
	arkivFx := fx.Another(t, "910000002")
	fake := fiksiotest.NewServer(t, fiksiotest.Options{Maskinporten: fx.Maskinporten, Broker: fiksiotest.SharedBroker(t)})
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddIntegrasjon(arkivFx.Integrasjon)
	e := &env{fake: fake, fx: fx, arkivFx: arkivFx, kontoFagsystem: uuid.NewString(), kontoArkiv: uuid.NewString()}
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: e.kontoFagsystem, Navn: "Byggesak", IntegrasjonID: fx.Integrasjon.ID, Certificate: fagsystemID.Certificate}))
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: e.kontoArkiv, Navn: "Arkiv", IntegrasjonID: arkivFx.Integrasjon.ID, Certificate: arkivID.Certificate}))
	e.arkiv = fiksarkivtest.NewServer(t, fiksarkivtest.Options{FIKSIO: e.fio(t, arkivFx, e.kontoArkiv, arkivID), Before: before, Verify: roots(fagsystemID),
		Logger: slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	return e
}

func (e *env) fio(t testing.TB, f *fikstest.Fixture, konto string, id *fiksiotest.Identity) *fiksio.Client {
	c, err := fiksio.New(fiksio.Options{BaseURL: e.fake.URL(), HTTPClient: e.fake.HTTPClient(), Credentials: f.Credentials, KontoID: konto,
		Signer: id.Key, SignerCertificates: []*x509.Certificate{id.Certificate}, Keys: []kryptering.Key{id.DecryptionKey()},
		AMQPAddr: e.fake.AMQPAddr(), TLSConfig: e.fake.AMQPTLSConfig()})
	require.NoError(t, err)
	return c
}

func (e *env) client(t testing.TB, edit func(*arkiv.Options)) *arkiv.Client {
	o := arkiv.Options{FIKSIO: e.fio(t, e.fx, e.kontoFagsystem, fagsystemID), Arkiv: e.kontoArkiv, Timeout: time.Minute, Verify: roots(arkivID)}
	if edit != nil {
		edit(&o)
	}
	c, err := arkiv.New(o)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return c
}

func ptr[T any](v T) *T { return &v }

// journalpost is a saksmappe with a journalpost and one document, as a case system files
// a decision.
func journalpost(ekstern string, files ...string) *fiksarkiv.Arkivmelding {
	reg := &fiksarkiv.Registrering{
		Tittel:                  "Vedtak om byggetillatelse",
		ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggesak", Noekkel: ekstern + "-jp"},
		Journalpost:             &fiksarkiv.Journalpost{Journalposttype: fiksarkiv.Kode{Kode: "U", Beskrivelse: "Utgående dokument"}},
	}
	for i, f := range files {
		som := "Vedlegg"
		if i == 0 {
			som = "Hoveddokument"
		}
		reg.Dokumentbeskrivelse = append(reg.Dokumentbeskrivelse, fiksarkiv.Dokumentbeskrivelse{Tittel: f, TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: som},
			Dokumentobjekt: []fiksarkiv.Dokumentobjekt{{Versjonsnummer: ptr(1), Variantformat: fiksarkiv.NewKode("A"), Filnavn: f, ReferanseDokumentfil: f}}})
	}
	return &fiksarkiv.Arkivmelding{System: "byggesak", AntallFiler: len(files),
		Mappe: &fiksarkiv.Mappe{Tittel: "Byggesak Storgata 1", ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggesak", Noekkel: ekstern},
			Saksmappe: &fiksarkiv.Saksmappe{}},
		Registrering: reg,
	}
}

// A case system files a saksmappe with a journalpost; the reference archive answers with
// the mottatt and then the kvittering with the saksnummer and journalpostnummer it gave;
// the case system fetches the mappe, the journalpost and the file back, and searches.
func TestArkiverEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.client(t, nil)
	ctx := context.Background()

	pdf := []byte("%PDF-1.7 vedtak\n%%EOF\n")
	k, err := c.Arkiver(ctx, journalpost("sak-1", "vedtak.pdf"), &arkiv.SendOptions{Vedlegg: []fiksio.Fil{fiksio.Bytes("vedtak.pdf", pdf)}})
	require.NoError(t, err)
	require.NotNil(t, k.Mappe)
	require.NotNil(t, k.Registrering)
	assert.Equal(t, fiksarkiv.Opprettet, k.Mappe.OpprettetEllerEksisterende)
	assert.Equal(t, time.Now().Year(), *k.Mappe.Saksaar)
	assert.Equal(t, 1, *k.Mappe.Sakssekvensnummer)
	assert.Equal(t, 1, *k.Registrering.Journalpostnummer)
	require.Len(t, k.Registrering.Dokumentbeskrivelse, 1)
	assert.Equal(t, 1, e.arkiv.Filings())

	// Hent mappe and registrering by what the kvittering gave.
	mappe, err := c.HentMappe(ctx, &fiksarkiv.MappeHent{System: "byggesak", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{Saksnummer: &fiksarkiv.Saksnummer{Saksaar: *k.Mappe.Saksaar, Sakssekvensnummer: 1}}}, nil)
	require.NoError(t, err)
	require.NotNil(t, mappe.Mappe)
	assert.Equal(t, k.Mappe.SystemID, mappe.Mappe.SystemID)
	assert.Equal(t, *k.Mappe.Sakssekvensnummer, mappe.Mappe.Saksmappe.Sakssekvensnummer)
	require.Len(t, mappe.Mappe.Registreringer, 1, "the saksmappe comes with its journalpost")
	assert.Equal(t, k.Registrering.SystemID, mappe.Mappe.Registreringer[0].SystemID)
	reg, err := c.HentRegistrering(ctx, &fiksarkiv.RegistreringHent{System: "byggesak", ReferanseTilRegistrering: &fiksarkiv.ReferanseTilRegistrering{SystemID: k.Registrering.SystemID}}, nil)
	require.NoError(t, err)
	assert.Equal(t, "Vedtak om byggetillatelse", reg.Registrering.Tittel)
	assert.Equal(t, 1, reg.Registrering.Journalpost.Journalpostnummer)
	require.Len(t, reg.Registrering.Dokumentbeskrivelse, 1)
	assert.Equal(t, int(len(pdf)), reg.Registrering.Dokumentbeskrivelse[0].Dokumentobjekt[0].Filstoerrelse)

	var file bytes.Buffer
	df, err := c.HentDokumentfil(ctx, &fiksarkiv.DokumentfilHent{System: "byggesak", SystemID: k.Registrering.Dokumentbeskrivelse[0].Dokumentobjekt[0].SystemID}, &file, nil)
	require.NoError(t, err)
	assert.Equal(t, pdf, file.Bytes())
	assert.Equal(t, "vedtak.pdf", df.Navn)

	// Not found is the typed feilmelding.
	_, err = c.HentMappe(ctx, &fiksarkiv.MappeHent{System: "byggesak", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{SystemID: uuid.NewString()}}, nil)
	var fe *arkiv.FeilmeldingError
	require.ErrorAs(t, err, &fe)
	assert.ErrorIs(t, err, arkiv.ErrIkkefunnet)
	assert.NotEmpty(t, fe.Feilmelding.FeilID)
	assert.NotEmpty(t, fe.MeldingID)

	// Update the mappe's title; a mappe that does not exist is ikkefunnet.
	require.NoError(t, c.Oppdater(ctx, &fiksarkiv.ArkivmeldingOppdatering{Mappe: &fiksarkiv.MappeOppdatering{
		ReferanseTilMappe: fiksarkiv.ReferanseTilMappe{SystemID: k.Mappe.SystemID}, Tittel: "Byggesak Storgata 1 (rettet)"}}, nil))
	assert.Equal(t, "Byggesak Storgata 1 (rettet)", e.arkiv.Mapper()[0].Tittel)
	err = c.Oppdater(ctx, &fiksarkiv.ArkivmeldingOppdatering{Mappe: &fiksarkiv.MappeOppdatering{
		ReferanseTilMappe: fiksarkiv.ReferanseTilMappe{SystemID: uuid.NewString()}, Tittel: "x"}}, nil)
	assert.ErrorIs(t, err, arkiv.ErrIkkefunnet)

	// Search by title.
	svar, err := c.Sok(ctx, &fiksarkiv.Sok{System: "byggesak", Take: 10, Sokdefinisjon: fiksarkiv.Sokdefinisjon{Type: fiksarkiv.SokSaksmappe,
		Parametere: []fiksarkiv.Parameter{{Operator: fiksarkiv.OperatorWildcardQuery, Felt: "mappeTittel", Verdier: fiksarkiv.SokVerdier{Strings: []string{"Byggesak*"}}}}}}, nil)
	require.NoError(t, err)
	assert.Equal(t, fiksarkiv.TypeSokResultatMinimum, svar.Meldingstype)
	typed, err := svar.Payload.Typed()
	require.NoError(t, err)
	require.Len(t, typed.(*fiksarkiv.SokeresultatMinimum).Resultater, 1)
	assert.Equal(t, 1, typed.(*fiksarkiv.SokeresultatMinimum).Count)
	for _, rt := range []string{fiksarkiv.ResponstypeUtvidet, fiksarkiv.ResponstypeNoekler} {
		svar, err := c.Sok(ctx, &fiksarkiv.Sok{System: "byggesak", Take: 10, Sokdefinisjon: fiksarkiv.Sokdefinisjon{Type: fiksarkiv.SokSaksmappe, Responstype: rt,
			Parametere: []fiksarkiv.Parameter{{Operator: fiksarkiv.OperatorEqual, Felt: "mappeTittel", Verdier: fiksarkiv.SokVerdier{Strings: []string{"Byggesak Storgata 1 (rettet)"}}}}}}, nil)
		require.NoError(t, err, rt)
		p, err := svar.Payload.Typed()
		require.NoError(t, err)
		switch r := p.(type) {
		case *fiksarkiv.Sokeresultat:
			assert.Equal(t, fiksarkiv.ResponstypeUtvidet, rt)
			require.Len(t, r.Resultater, 1)
			assert.Equal(t, k.Mappe.SystemID, r.Resultater[0].Mappe.SystemID)
		case *fiksarkiv.SokeresultatNoekler:
			assert.Equal(t, fiksarkiv.ResponstypeNoekler, rt)
			require.Len(t, r.Resultater, 1)
			assert.Equal(t, *k.Mappe.Sakssekvensnummer, r.Resultater[0].Saksnummer.Sakssekvensnummer)
		default:
			t.Fatalf("%T", p)
		}
	}

	// Avskrivning of the journalpost, and of one that does not exist.
	jp := &fiksarkiv.ReferanseTilJournalpost{SystemID: k.Registrering.SystemID}
	av := &fiksarkiv.NyAvskrivning{Avskrivning: fiksarkiv.Avskrivning{Avskrivningsdato: noark5Dato(), Avskrivningsmaate: fiksarkiv.Kode{Kode: "BU"}}, ReferanseTilJournalpost: jp, KorrespondansepartID: "kp"}
	m, err := av.Melding()
	require.NoError(t, err)
	s, err := c.Send(ctx, m, nil)
	require.NoError(t, err)
	assert.Equal(t, fiksarkiv.TypeAvskrivningOpprettKvittering, s.Meldingstype)
	assert.Nil(t, s.Payload)
	assert.True(t, e.arkiv.Journalposter()[0].Avskrevet)
	slett := &fiksarkiv.SlettAvskrivning{ReferanseTilJournalpost: &fiksarkiv.ReferanseTilJournalpost{SystemID: uuid.NewString()}, KorrespondansepartID: "kp"}
	m, err = slett.Melding()
	require.NoError(t, err)
	_, err = c.Send(ctx, m, nil)
	assert.ErrorIs(t, err, arkiv.ErrIkkefunnet)
}

// What the archive refuses comes back as a typed feilmelding; what the client can see is
// wrong is refused before anything is sent.
func TestRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	c := e.client(t, nil)
	ctx := context.Background()

	// A file no dokumentobjekt names, or a dokumentobjekt naming no file: not sent.
	_, err := c.Arkiver(ctx, journalpost("x", "a.pdf"), &arkiv.SendOptions{Vedlegg: []fiksio.Fil{fiksio.Bytes("b.pdf", []byte("b"))}})
	assert.ErrorIs(t, err, arkiv.ErrInvalidInput)
	_, err = c.Arkiver(ctx, &fiksarkiv.Arkivmelding{}, nil)
	assert.ErrorIs(t, err, arkiv.ErrInvalidInput)
	assert.Equal(t, 0, e.arkiv.Requests())

	// A registrering in a mappe that does not exist: ugyldigforespoersel from the archive.
	am := journalpost("y")
	am.Mappe = nil
	am.Registrering.ReferanseForelderMappe = &fiksarkiv.ReferanseTilMappe{SystemID: uuid.NewString()}
	_, err = c.Arkiver(ctx, am, nil)
	assert.ErrorIs(t, err, arkiv.ErrUgyldigforespoersel)
	assert.Equal(t, 0, e.arkiv.Filings())

}

// Raw FIKS IO messages the archive cannot take are answered with ugyldigforespoersel: a
// payload that is not what its type says, an answer type sent as a request, no payload.
func TestServeRefusesWrongMessages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := context.Background()
	got := make(chan *arkiv.Svar, 10)
	c := e.client(t, func(o *arkiv.Options) {
		o.Unmatched = func(ctx context.Context, s *arkiv.Svar) error { got <- s; return nil }
	})
	// Start c's loop with a request that is answered.
	_, err := c.HentMappe(ctx, &fiksarkiv.MappeHent{System: "s", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{SystemID: uuid.NewString()}}, nil)
	require.ErrorIs(t, err, arkiv.ErrIkkefunnet)

	fio := e.fio(t, e.fx, e.kontoFagsystem, fagsystemID)
	hent, err := (&fiksarkiv.MappeHent{System: "s", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{SystemID: uuid.NewString()}}).Melding()
	require.NoError(t, err)
	b, err := hent.Bytes()
	require.NoError(t, err)
	for _, m := range []*fiksio.Melding{
		{Meldingstype: fiksarkiv.TypeArkivmeldingOpprettV2, Filer: []fiksio.Fil{fiksio.Bytes("arkivmelding.xml", b)}},
		{Meldingstype: fiksarkiv.TypeMappeHent, Filer: []fiksio.Fil{fiksio.Bytes("mappe-hent.xml", []byte("<mappeHent"))}},
		{Meldingstype: fiksarkiv.TypeArkivmeldingOpprettKvitteringV2, Filer: []fiksio.Fil{fiksio.Bytes("arkivmelding-kvittering.xml", b)}},
		{Meldingstype: fiksarkiv.TypeArkivmeldingOpprettV2},
		{Meldingstype: fiksarkiv.TypeMappeHent, Filer: []fiksio.Fil{fiksio.Bytes("feil-navn.xml", b)}},
	} {
		m.MottakerKontoID = e.kontoArkiv
		sent, err := fio.Send(ctx, m)
		require.NoError(t, err)
		select {
		case s := <-got:
			assert.Equal(t, fiksarkiv.TypeFeilmeldingUgyldigforespoersel, s.Meldingstype, m.Meldingstype)
			assert.Equal(t, sent.MeldingID, s.SvarPaMelding)
			require.NotNil(t, s.Payload)
			f, err := s.Payload.Feilmelding()
			require.NoError(t, err)
			t.Logf("%s: %s", m.Meldingstype, f.Feilmelding)
		case <-time.After(30 * time.Second):
			t.Fatalf("no answer to %s", m.Meldingstype)
		}
	}
	assert.Equal(t, 0, e.arkiv.Filings())
}

// The archive's server error is a serverfeil; FIKS IO's own answers are typed too.
func TestServerfeil(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(ctx context.Context, r *arkiv.Request) error {
		return errors.New("the database is down")
	})
	c := e.client(t, nil)
	_, err := c.Arkiver(context.Background(), journalpost("z"), nil)
	var fe *arkiv.FeilmeldingError
	require.ErrorAs(t, err, &fe)
	assert.ErrorIs(t, err, arkiv.ErrServerfeil)
	assert.NotContains(t, fe.Feilmelding.Feilmelding, "database", "the handler's error text stays in the archive's log")
}

// An archive that never manages to handle the request (it is delivered again and again)
// makes FIKS IO dead-letter it after three deliveries; the case system gets
// serverfeil.v1 as a typed error, not a hang.
func TestFIKSIOServerfeil(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	e := newEnv(t, func(ctx context.Context, r *arkiv.Request) error {
		n.Add(1)
		return fiksio.Requeue(errors.New("the database is down"))
	})
	c := e.client(t, nil)
	_, err := c.HentMappe(context.Background(), &fiksarkiv.MappeHent{System: "s", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{SystemID: uuid.NewString()}}, nil)
	var pe *arkiv.PlatformError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, arkiv.ErrFIKSIOServerfeil)
	assert.GreaterOrEqual(t, int(n.Load()), 3, "delivered until the limit")
}

// The kvittering is lost (the case system is gone when it comes); the case system sends
// the arkivmelding again with the same klientMeldingId, and the archive, which filed it
// once, answers with what it filed.
func TestLostKvitteringResent(t *testing.T) {
	t.Parallel()
	hold := make(chan struct{})
	var once sync.Once
	e := newEnv(t, func(ctx context.Context, r *arkiv.Request) error {
		once.Do(func() { <-hold })
		return nil
	})
	ctx := context.Background()
	am := journalpost("sak-lost", "vedtak.pdf")
	pdf := fiksio.Bytes("vedtak.pdf", []byte("%PDF-1.7 vedtak\n"))

	// The case system gives up once the archive has said mottatt (however slow the
	// machine), before the final answer: the outcome is unknown to it.
	first := e.client(t, nil)
	gaveUp, giveUp := context.WithTimeout(ctx, time.Minute)
	defer giveUp()
	_, err := first.Arkiver(gaveUp, am, &arkiv.SendOptions{Vedlegg: []fiksio.Fil{pdf}, OnMottatt: giveUp})
	var na *arkiv.NoAnswerError
	require.ErrorAs(t, err, &na)
	assert.ErrorIs(t, err, arkiv.ErrUnknownOutcome)
	assert.True(t, na.Mottatt, "the archive said mottatt before it held the request")
	require.NotEmpty(t, na.KlientMeldingID)
	require.NoError(t, first.Close()) // the case system is gone
	close(hold)                       // the archive files it and answers into the queue
	require.Eventually(t, func() bool { return e.arkiv.Filings() == 1 }, 30*time.Second, 20*time.Millisecond)

	var stale []*arkiv.Svar
	var mu sync.Mutex
	second := e.client(t, func(o *arkiv.Options) {
		o.Unmatched = func(ctx context.Context, s *arkiv.Svar) error {
			mu.Lock()
			stale = append(stale, s)
			mu.Unlock()
			return nil
		}
	})
	k, err := second.Arkiver(ctx, am, &arkiv.SendOptions{Vedlegg: []fiksio.Fil{pdf}, KlientMeldingID: na.KlientMeldingID})
	require.NoError(t, err)
	assert.Equal(t, fiksarkiv.Eksisterende, k.Registrering.OpprettetEllerEksisterende)
	assert.Equal(t, 1, e.arkiv.Filings(), "filed once")
	assert.Len(t, e.arkiv.Journalposter(), 1)
	// The first request's answers may still be on their way: the archive (two requests at
	// a time) can answer the resend before it has sent the first kvittering. They reach
	// the next client, as unmatched, whenever they come.
	staleTypes := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var types []string
		for _, s := range stale {
			types = append(types, s.Meldingstype)
		}
		return types
	}
	assert.Eventually(t, func() bool { return slices.Contains(staleTypes(), fiksarkiv.TypeArkivmeldingOpprettKvitteringV2) }, 30*time.Second, 20*time.Millisecond,
		"the first kvittering reached the next client as unmatched: %v", staleTypes())
}

// 100 MiB of attachments are streamed to the archive, filed, and fetched back streamed.
func TestHundredMiBAttachment(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	e := newEnv(t, nil)
	c := e.client(t, nil)
	ctx := context.Background()
	const size = 100 << 20
	src := func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(newPattern(), size)), nil }
	want := sha256.New()
	r, _ := src()
	_, err := io.Copy(want, r)
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	k, err := c.Arkiver(ctx, journalpost("stor", "plan.pdf"), &arkiv.SendOptions{Vedlegg: []fiksio.Fil{{Navn: "plan.pdf", Open: src}}})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	// Everything in this process (client, fake FIKS IO, reference archive) together.
	t.Logf("100 MiB filed: %d MiB allocated in all, heap in use %d MiB", (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapInuse>>20)
	doc := e.arkiv.Journalposter()[0].Dokumenter[0]
	assert.Equal(t, int64(size), doc.Size)
	assert.Equal(t, hex.EncodeToString(want.Sum(nil)), doc.SHA256)

	got := sha256.New()
	df, err := c.HentDokumentfil(ctx, &fiksarkiv.DokumentfilHent{System: "byggesak", SystemID: k.Registrering.Dokumentbeskrivelse[0].Dokumentobjekt[0].SystemID}, got, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(size), df.Size)
	assert.Equal(t, want.Sum(nil), got.Sum(nil))
}

// pattern is an endless, cheap, poorly compressible byte stream.
type pattern struct{ x uint64 }

func newPattern() *pattern { return &pattern{x: 88172645463325252} }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		p.x ^= p.x << 13
		p.x ^= p.x >> 7
		p.x ^= p.x << 17
		b[i] = byte(p.x)
	}
	return len(b), nil
}

func noark5Dato() noark5.Dato { return noark5.NewDato(2026, 12, 2) }

// A hostile or broken archive: answers that are not XML, too large, of a type the
// request cannot have, or unsigned, end the call with a typed error and never a panic
// or a hang; a reply to no request goes to Unmatched.
func TestHostileAnswers(t *testing.T) {
	t.Parallel()
	held := make(chan string, 10)
	release := make(chan struct{}, 10)
	e := newEnv(t, func(ctx context.Context, r *arkiv.Request) error {
		held <- r.Melding.MeldingID
		select { // the test answers in the archive's place, then lets it go
		case <-release:
		case <-ctx.Done():
		}
		return arkiv.Fail(fiksarkiv.Serverfeil, "released")
	})
	t.Cleanup(func() { close(release) })
	raw := e.fio(t, e.arkivFx, e.kontoArkiv, arkivID)
	ctx := context.Background()
	big := bytes.Repeat([]byte("<a>x</a>"), (fiksarkiv.MaxSize/8)+10)
	cases := []struct {
		name  string
		typ   string
		filer []fiksio.Fil
		want  error
	}{
		{"not XML", fiksarkiv.TypeMappeHentResultat, []fiksio.Fil{fiksio.Bytes("mappe.xml", []byte("{not xml"))}, arkiv.ErrInvalidAnswer},
		{"too large", fiksarkiv.TypeMappeHentResultat, []fiksio.Fil{fiksio.Bytes("mappe.xml", append(append([]byte("<mappeHentResultat xmlns=\"https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/mappe/hent/resultat/v2\">"), big...), []byte("</mappeHentResultat>")...))}, arkiv.ErrInvalidAnswer},
		{"wrong type", fiksarkiv.TypeSokResultatMinimum, []fiksio.Fil{fiksio.Bytes("resultat.xml", []byte("<x/>"))}, arkiv.ErrInvalidAnswer},
		{"no payload", fiksarkiv.TypeMappeHentResultat, nil, arkiv.ErrInvalidAnswer},
		{"feilmelding without payload", fiksarkiv.TypeFeilmeldingServerfeil, nil, arkiv.ErrInvalidAnswer},
		{"tidsavbrudd", fiksarkiv.TypeTidsavbrudd, nil, arkiv.ErrTidsavbrudd},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := e.client(t, func(o *arkiv.Options) { o.Timeout = 30 * time.Second })
			done := make(chan error, 1)
			go func() {
				_, err := cl.HentMappe(ctx, &fiksarkiv.MappeHent{System: "s", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{SystemID: uuid.NewString()}}, nil)
				done <- err
			}()
			var id string
			select {
			case id = <-held:
			case <-time.After(30 * time.Second):
				t.Fatal("the request did not reach the archive")
			}
			_, err := raw.Send(ctx, &fiksio.Melding{MottakerKontoID: e.kontoFagsystem, Meldingstype: c.typ, SvarPaMelding: id, Filer: c.filer})
			require.NoError(t, err)
			select {
			case err := <-done:
				assert.ErrorIs(t, err, c.want)
			case <-time.After(40 * time.Second):
				t.Fatal("the call did not end")
			}
			require.NoError(t, cl.Close())
			release <- struct{}{}
		})
	}
}

// testWriter logs through t.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
