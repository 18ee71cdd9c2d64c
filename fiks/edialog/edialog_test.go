package edialog_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/edialog"
	"github.com/fellesklient/fellesklient/fiks/edialog/edialogtest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

type env struct {
	fake     *edialogtest.Server
	svarut   *svaruttest.Server
	mottak   *svarut.Mottak
	c        *edialog.Client
	mottaker edialogtest.Mottaker
}

func newEnv(t *testing.T) *env {
	t.Helper()
	fx := fikstest.NewFixture(t, "974760673")
	sv := svaruttest.NewServer(t, svaruttest.Options{Maskinporten: fx.Maskinporten})
	key := sv.NewMottakersystem("sakarkiv", "servicepassord-1", "910000020")
	fake := edialogtest.NewServer(t, edialogtest.Options{Maskinporten: fx.Maskinporten, SvarUt: sv})
	fake.AddIntegrasjon(fx.Integrasjon)
	mottaker := fake.AddMottaker(edialogtest.Mottaker{Navn: "Oppvekst og utdanning", Orgnr: "910000020", Mottakersystem: "sakarkiv"})
	c, err := edialog.New(edialog.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: fx.Credentials, MaxRetryWait: 1})
	require.NoError(t, err)
	m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: sv.URL(), Brukernavn: "sakarkiv", Passord: "servicepassord-1", Key: key, HTTPClient: sv.HTTPClient()})
	require.NoError(t, err)
	return &env{fake: fake, svarut: sv, mottak: m, c: c, mottaker: mottaker}
}

func innsending(e *env) edialog.Innsending {
	return edialog.Innsending{
		Avsender: edialog.Avsender{Type: edialog.AvsenderPerson, ID: "13097248022", Navn: "Kari Nordmann", Adresselinje1: "Storgata 1", Postnummer: "0155", Poststed: "Oslo"},
		Mottaker: edialog.Mottaker{ID: e.mottaker.ID, Navn: e.mottaker.Navn},
		Metadata: edialog.Metadata{Tittel: "Søknad om skoleskyss", Melding: "Se vedlagt søknad.", Sensitivt: true},
		Vedlegg: []edialog.Vedlegg{edialog.BytesVedlegg("soknad.pdf", "application/pdf", []byte("%PDF-1.7 søknad")),
			edialog.BytesVedlegg("bilde.png", "image/png", []byte("\x89PNG bilde"))},
	}
}

// An eDialog send arrives in SvarInn through the fakes and is received by svarut.Mottak:
// avgivendeSystem EDIALOG, nivå 4 because it is sensitive, the sender's name, the letter
// and both files.
func TestSendArrivesInSvarInn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s, err := e.c.Send(ctx, innsending(e))
	require.NoError(t, err)
	assert.True(t, s.Sendt())
	assert.Len(t, s.Filer, 2)
	held := e.fake.Skjema(s.ID)
	require.NotNil(t, held)
	assert.NotEmpty(t, held.ForsendelseID)

	var got *svarut.MottattForsendelse
	var files map[string]string
	res, err := e.mottak.Receive(ctx, func(_ context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		got = f
		b, err := io.ReadAll(fil)
		if err != nil {
			return err
		}
		files = map[string]string{}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return err
		}
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			c, _ := io.ReadAll(rc)
			rc.Close()
			files[zf.Name] = string(c)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Kvittert)
	require.NotNil(t, got)
	assert.Equal(t, held.ForsendelseID, got.ID)
	assert.Equal(t, "EDIALOG", got.AvgivendeSystem)
	assert.Equal(t, "Søknad om skoleskyss", got.Tittel)
	assert.Equal(t, "4", got.Niva)
	assert.Equal(t, "Kari Nordmann", got.Avsender.Navn)
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	assert.Equal(t, []string{"bilde.png", "melding.txt", "soknad.pdf"}, names)
	assert.Equal(t, "%PDF-1.7 søknad", files["soknad.pdf"])
	assert.Contains(t, files["melding.txt"], "Se vedlagt søknad.")
}

// Everything is checked before the first request.
func TestSendRefusals(t *testing.T) {
	e := newEnv(t)
	for field, mod := range map[string]func(*edialog.Innsending){
		"Mottaker.ID":     func(in *edialog.Innsending) { in.Mottaker.ID = "910000020" },
		"Avsender.Type":   func(in *edialog.Innsending) { in.Avsender.Type = "" },
		"Avsender.ID":     func(in *edialog.Innsending) { in.Avsender.ID = "13097248023" },
		"Avsender.Navn":   func(in *edialog.Innsending) { in.Avsender.Navn = " " },
		"Metadata.Tittel": func(in *edialog.Innsending) { in.Metadata.Tittel = "" },
		"Vedlegg[1].Navn": func(in *edialog.Innsending) { in.Vedlegg[1].Navn = "a/b.pdf" },
		"Vedlegg[0].Open": func(in *edialog.Innsending) { in.Vedlegg[0].Open = nil },
	} {
		in := innsending(e)
		mod(&in)
		_, err := e.c.Send(context.Background(), in)
		assert.ErrorIs(t, err, edialog.ErrInvalidInput, field)
		assert.ErrorContains(t, err, field)
		assert.NotContains(t, err.Error(), "13097248023")
	}
	assert.Equal(t, 0, e.fake.Requests())
	in := innsending(e)
	in.Avsender = edialog.Avsender{Type: edialog.AvsenderOrganisasjon, ID: "123", Navn: "AS"}
	_, err := e.c.Send(context.Background(), in)
	assert.ErrorIs(t, err, edialog.ErrInvalidInput)
}

// A step that fails before the send deletes the draft; the fake then holds nothing.
func TestSendCleansUpTheDraft(t *testing.T) {
	e := newEnv(t)
	in := innsending(e)
	in.Mottaker.ID = uuid.NewString() // a UUID eDialog does not know
	_, err := e.c.Send(context.Background(), in)
	require.Error(t, err)
	assert.ErrorIs(t, err, edialog.ErrBadRequest)
	assert.Equal(t, 0, e.fake.Skjemaer(), "the draft was deleted")

	in = innsending(e)
	in.Vedlegg[1].Open = func() (io.ReadCloser, error) { return nil, errors.New("disken svarte ikke") }
	_, err = e.c.Send(context.Background(), in)
	require.ErrorContains(t, err, "disken svarte ikke")
	assert.Equal(t, 0, e.fake.Skjemaer())
	assert.Empty(t, e.svarut.Forsendelser())
}

// A lost send answer is settled by reading the skjema: sent once, reported sent. A lost
// upload answer likewise: the file is not uploaded twice.
func TestLostAnswersSettled(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.fake.InjectFault(fikstest.Fault{DropAfter: true, Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/send") }})
	s, err := e.c.Send(ctx, innsending(e))
	require.NoError(t, err)
	assert.True(t, s.Sendt())
	res, err := e.mottak.Receive(ctx, func(context.Context, *svarut.MottattForsendelse, *svarut.ReceivedFile) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, 1, res.Kvittert, "delivered once")

	var uploads atomic.Int32
	e.fake.InjectFault(fikstest.Fault{DropAfter: true, Match: func(r *http.Request) bool {
		return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/filer") && uploads.Add(1) == 1
	}})
	s, err = e.c.Send(ctx, innsending(e))
	require.NoError(t, err)
	assert.Len(t, s.Filer, 2, "no file twice")

	// A sent skjema cannot be sent again or deleted.
	_, err = e.c.SendInn(ctx, s.ID)
	assert.ErrorIs(t, err, edialog.ErrBadRequest)
	assert.ErrorIs(t, e.c.SlettSkjema(ctx, s.ID), edialog.ErrBadRequest)
}

// The step methods: a draft edited, a file removed, read back.
func TestSteps(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	d, err := e.c.NyttSkjema(ctx)
	require.NoError(t, err)
	in := innsending(e)
	_, err = e.c.SettAvsender(ctx, d.ID, in.Avsender)
	require.NoError(t, err)
	s, err := e.c.LastOppFil(ctx, d.ID, in.Vedlegg[0])
	require.NoError(t, err)
	require.Len(t, s.Filer, 1)
	s, err = e.c.SlettFil(ctx, d.ID, s.Filer[0].ID)
	require.NoError(t, err)
	assert.Empty(t, s.Filer)
	got, err := e.c.Skjema(ctx, d.ID)
	require.NoError(t, err)
	assert.Equal(t, "Kari Nordmann", got.Avsender.Navn)
	assert.NotContains(t, got.Avsender.String(), "13097248022")
	_, err = e.c.SendInn(ctx, d.ID)
	assert.ErrorIs(t, err, edialog.ErrBadRequest, "no mottaker, no title")
	require.NoError(t, e.c.SlettSkjema(ctx, d.ID))
	_, err = e.c.Skjema(ctx, d.ID)
	assert.ErrorIs(t, err, edialog.ErrNotFound)
}

// What the client sends and the fake answers has the shapes of edialog-api-v1.json,
// closed to properties it does not have: NyttSkjemaV1, AvsenderV1, MottakerV1, MetadataV1
// and SkjemaV1 (the upload body is not in the spec).
func TestWireMatchesSpec(t *testing.T) {
	oas := testutil.LoadOAS(t, "specs/fiks/edialog/openapi/edialog-api-v1.json")
	e := newEnv(t)
	fx := fikstest.NewFixture(t, "974760673")
	fake := edialogtest.NewServer(t, edialogtest.Options{Maskinporten: fx.Maskinporten, SvarUt: e.svarut})
	fake.AddIntegrasjon(fx.Integrasjon)
	m := fake.AddMottaker(edialogtest.Mottaker{Navn: "Skole", Orgnr: "910000020", Mottakersystem: "sakarkiv"})
	proxy, rec := testutil.RecordingProxy(t, fake.URL(), fake.HTTPClient().Transport)
	c, err := edialog.New(edialog.Options{BaseURL: proxy, Credentials: fx.Credentials})
	require.NoError(t, err)
	in := innsending(e)
	in.Mottaker.ID = m.ID
	in.Avsender.Epost, in.Avsender.Telefonnummer, in.Avsender.Land = "kari@example.no", "+4799999999", "NO"
	_, err = c.Send(context.Background(), in)
	require.NoError(t, err)
	check := func(schema string, doc []byte) {
		t.Helper()
		assert.NoError(t, testutil.ValidateJSON(oas.Validator(t, schema, true), doc), "%s: %s", schema, doc)
	}
	requests := map[string]string{"/avsender": "AvsenderV1", "/mottaker": "MottakerV1", "/metadata": "MetadataV1"}
	seen := 0
	for _, x := range rec.Exchanges() {
		if x.Method == http.MethodPost && strings.HasSuffix(x.Path, "/skjemaer") {
			check("NyttSkjemaV1", x.Response)
			continue
		}
		for suffix, schema := range requests {
			if strings.HasSuffix(x.Path, suffix) {
				check(schema, x.Request)
				seen++
			}
		}
		check("SkjemaV1", x.Response)
	}
	assert.Equal(t, 3, seen)
}
