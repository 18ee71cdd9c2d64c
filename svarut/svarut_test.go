package svarut_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

const (
	org       = "910000020"
	mottakOrg = "974760673"
	sysID     = "mottakersystem-1"
	sysPw     = "svarinn-passord-1"
)

var konto = uuid.NewString()

type fixture struct {
	fake   *svaruttest.Server
	tokens auth.TokenSource
	creds  fiks.Credentials
	integ  fikstest.Integrasjon
	key    *rsa.PrivateKey
	cert   *x509.Certificate
	logs   *testutil.LogBuffer
	// version is the Options.APIVersion of fx.client ("" is the default, V3).
	version svarut.APIVersion
}

func newFixture(t *testing.T) *fixture { return newFixtureWith(t, svaruttest.Options{}) }

func newFixtureWith(t *testing.T, opts svaruttest.Options) *fixture {
	t.Helper()
	fx := fikstest.NewFixture(t, org, "svarut:konto:"+konto)
	opts.Maskinporten = fx.Maskinporten
	fake := svaruttest.NewServer(t, opts)
	fake.AddKonto(konto)
	fake.AddIntegrasjon(fx.Integrasjon)
	key := testutil.Key(t, 2048, 7)
	cert := testutil.Cert(t, key, "mottakersystem", mottakOrg, nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	fake.AddMottakersystem(svaruttest.Mottakersystem{ID: sysID, Navn: "Sak/arkiv", Passord: sysPw, Organisasjonsnummer: mottakOrg, Sertifikat: cert, Niva: 4})
	return &fixture{fake: fake, tokens: fx.Tokens, creds: fx.Credentials, integ: fx.Integrasjon, key: key, cert: cert, logs: &testutil.LogBuffer{}}
}

func (f *fixture) client(t *testing.T, mod func(*svarut.Options)) *svarut.Client {
	t.Helper()
	o := svarut.Options{BaseURL: f.fake.URL(), Konto: konto, Sertifikat: f.fake.Sertifikat(), HTTPClient: f.fake.HTTPClient(),
		Credentials: f.creds, APIVersion: f.version,
		Logger: f.logs.Logger(), LookupDelay: 10 * time.Millisecond, LookupWindow: 200 * time.Millisecond}
	if mod != nil {
		mod(&o)
	}
	c, err := svarut.New(o)
	require.NoError(t, err)
	return c
}

func (f *fixture) mottak(t *testing.T) *svarut.Mottak { return f.mottakVersion(t, "") }

func (f *fixture) mottakVersion(t *testing.T, v svarut.APIVersion) *svarut.Mottak {
	m, err := svarut.NewMottak(svarut.MottakOptions{APIVersion: v, BaseURL: f.fake.URL(), Brukernavn: sysID, Passord: sysPw,
		Key: kryptering.Key{Decrypter: f.key, Certificate: f.cert}, HTTPClient: f.fake.HTTPClient(), Logger: f.logs.Logger()})
	require.NoError(t, err)
	return m
}

var person = ident.MustParseFoedselsnummer("13097248022")

func brev(docs ...svarut.Dokument) *svarut.Forsendelse {
	if len(docs) == 0 {
		docs = []svarut.Dokument{svarut.Bytes("vedtak.pdf", []byte("%PDF-1.7 vedtak"))}
	}
	return &svarut.Forsendelse{
		Tittel:     "Vedtak om barnehageplass",
		Mottaker:   svarut.Mottaker{Navn: "Kari Nordmann", Foedselsnummer: person, Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Kirkeveien 12B"}, Postnummer: "5003", Poststed: "BERGEN"}},
		Dokumenter: docs,
	}
}

func tilOrg(docs ...svarut.Dokument) *svarut.Forsendelse {
	f := brev(docs...)
	f.Mottaker = svarut.Mottaker{Navn: "Mottakerkommune", Organisasjonsnummer: mottakOrg}
	f.KunDigitalLevering = true
	return f
}

func TestSendAndReceive(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	ctx := context.Background()
	pdf := bytes.Repeat([]byte("%PDF vedtak "), 50_000)
	xml := []byte(`<?xml version="1.0"?><vedlegg/>`)
	f := tilOrg(svarut.Bytes("vedtak.pdf", pdf), svarut.Bytes("vedlegg.xml", xml))
	f.Kryptert = true
	f.EksternReferanse = "sak-2026-123"
	f.Forsendelsestype = "Barnehage"
	res, err := c.Send(ctx, f)
	require.NoError(t, err)
	assert.False(t, res.Gjenbrukt)
	assert.Equal(t, "sak-2026-123", res.EksternReferanse)

	stored := fx.fake.Forsendelser()
	require.Len(t, stored, 1)
	assert.Equal(t, res.ID, stored[0].ID)
	assert.True(t, stored[0].Kryptert)
	require.Len(t, stored[0].Dokumenter, 2)
	assert.Equal(t, "application/xml", stored[0].Dokumenter[1].MimeType)
	rc, err := fx.fake.Open(stored[0].Dokumenter[0])
	require.NoError(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	assert.Equal(t, pdf, got, "decrypted by the fake SvarUt")

	st, err := c.Statuser(ctx, res.ID)
	require.NoError(t, err)
	require.Len(t, st, 1)
	assert.Equal(t, svarut.StatusKlarForMottak, st[0].Status)
	ids, err := c.FindByEksternReferanse(ctx, "sak-2026-123")
	require.NoError(t, err)
	assert.Equal(t, []string{res.ID}, ids)
	md, err := c.Metadata(ctx, res.ID)
	require.NoError(t, err)
	require.Len(t, md, 2)
	assert.Equal(t, "vedlegg.xml", md[1].Filnavn)
	assert.Equal(t, int64(len(xml)), md[1].Storrelse)

	// The receiving side.
	m := fx.mottak(t)
	var files map[string][]byte
	r, err := m.Receive(ctx, func(ctx context.Context, mf *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		assert.Equal(t, res.ID, mf.ID)
		assert.Equal(t, "sak-2026-123", mf.EksternReferanse)
		assert.Equal(t, "application/zip", fil.ContentType)
		b, err := io.ReadAll(fil)
		if err != nil {
			return err
		}
		zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return err
		}
		files = map[string][]byte{}
		for _, zf := range zr.File {
			rc, _ := zf.Open()
			files[zf.Name], _ = io.ReadAll(rc)
			rc.Close()
		}
		return nil
	})
	require.NoError(t, err)
	// SvarInn V2: even a zip read by a handler of its own is checked entry by entry, as it
	// streams past, against the hash V2 lists for each file.
	assert.Equal(t, svarut.ReceiveResult{Kvittert: 1}, counts(t, r))
	assert.Equal(t, pdf, files["vedtak.pdf"])
	assert.Equal(t, xml, files["vedlegg.xml"])
	st, err = c.Statuser(ctx, res.ID)
	require.NoError(t, err)
	assert.Equal(t, svarut.StatusLest, st[0].Status)
	nye, err := m.ListNew(ctx)
	require.NoError(t, err)
	assert.Empty(t, nye)
	h, err := c.Hendelser(ctx, res.ID)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(h), 3)

	// The other calls.
	typer, err := c.Forsendelsestyper(ctx)
	require.NoError(t, err)
	assert.Contains(t, typer, "Barnehage")
	ms, err := c.Mottakersystemer(ctx, mottakOrg, "", 0)
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, sysID, ms[0].ID)
	require.NoError(t, c.MarkRead(ctx, res.ID, person, time.Now(), "Min side"))
	sh, err := c.Signeringshendelser(ctx, res.ID)
	require.NoError(t, err)
	assert.Empty(t, sh)
	require.NoError(t, c.DeleteFiles(ctx, res.ID, svarut.SlettAlle))
	md, err = c.Metadata(ctx, res.ID)
	require.NoError(t, err)
	assert.Empty(t, md)
	_, err = c.Metadata(ctx, uuid.NewString())
	assert.ErrorIs(t, err, fiks.ErrNotFound)
	assert.NotContains(t, fx.logs.String(), person.Unmasked())
}

func TestSendSingleFileToPerson(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	res, err := c.Send(context.Background(), brev())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(res.EksternReferanse, "fellesklient-"), "a reference is always sent")
	stored := fx.fake.Forsendelser()
	require.Len(t, stored, 1)
	assert.Equal(t, person.Unmasked(), stored[0].DigitalID)
	assert.Equal(t, res.EksternReferanse, stored[0].EksternReferanse)
	assert.Equal(t, "MOTTATT", stored[0].Status, "no receiving system for a person")
}

// TestSendExactlyOnce: the connection drops after SvarUt stored the forsendelse; Send
// finds it by reference and does not send again.
// forVersions runs test once per SvarUt send API version, each with its own fake.
func forVersions(t *testing.T, test func(t *testing.T, fx *fixture)) {
	for _, v := range []svarut.APIVersion{svarut.V3, svarut.V2} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			fx.version = v
			test(t, fx)
		})
	}
}

// TestSendExactlyOnce holds for v3 (the default) and v2 alike.
func TestSendExactlyOnce(t *testing.T) {
	t.Parallel()
	forVersions(t, testSendExactlyOnce)
}

func testSendExactlyOnce(t *testing.T, fx *fixture) {
	c := fx.client(t, nil)
	ctx := context.Background()
	fx.fake.InjectFault(svaruttest.Fault{DropAfter: true, Match: func(r *http.Request) bool { return r.Method == http.MethodPost }})
	res, err := c.Send(ctx, brev())
	require.NoError(t, err)
	assert.True(t, res.Gjenbrukt)
	stored := fx.fake.Forsendelser()
	require.Len(t, stored, 1, "exactly one forsendelse")
	assert.Equal(t, stored[0].ID, res.ID)

	// A 503 before processing: nothing is listed within the lookup window, and Send does
	// not send again on its own: the outcome is unknown.
	fx.fake.FailNext(1, http.StatusServiceUnavailable, 0)
	_, err = c.Send(ctx, brev())
	require.ErrorIs(t, err, svarut.ErrUnknownOutcome)
	assert.Len(t, fx.fake.Forsendelser(), 1)

	// With Resend, it sends again, once.
	rc := fx.client(t, func(o *svarut.Options) { o.Resend = true })
	fx.fake.FailNext(1, http.StatusServiceUnavailable, 0)
	res, err = rc.Send(ctx, brev())
	require.NoError(t, err)
	assert.False(t, res.Gjenbrukt)
	assert.Len(t, fx.fake.Forsendelser(), 2)

	// The connection drops before processing, repeatedly: at most one is stored.
	fx.fake.InjectFault(svaruttest.Fault{Drop: true})
	fx.fake.InjectFault(svaruttest.Fault{Drop: true})
	_, err = rc.Send(ctx, brev())
	require.NoError(t, err)
	assert.Len(t, fx.fake.Forsendelser(), 3)

	// Dropped after processing, and the lookups fail too: the outcome is unknown.
	fx.fake.InjectFault(svaruttest.Fault{DropAfter: true, Match: func(r *http.Request) bool { return r.Method == http.MethodPost }})
	fx.fake.InjectFault(svaruttest.Fault{Status: http.StatusForbidden, Match: func(r *http.Request) bool { return r.Method == http.MethodGet }})
	f := brev()
	f.EksternReferanse = "ukjent-utfall-1"
	_, err = c.Send(ctx, f)
	var ue *svarut.UnknownOutcomeError
	require.ErrorAs(t, err, &ue)
	assert.ErrorIs(t, err, svarut.ErrUnknownOutcome)
	assert.Equal(t, "eksternReferanse ukjent-utfall-1", ue.Reference)
	assert.Len(t, fx.fake.Forsendelser(), 4, "stored once, never sent again")

	// A Reader document: dropped after processing is still found.
	fx.fake.InjectFault(svaruttest.Fault{DropAfter: true, Match: func(r *http.Request) bool { return r.Method == http.MethodPost }})
	res, err = c.Send(ctx, brev(svarut.Dokument{Filnavn: "brev.pdf", Reader: strings.NewReader("%PDF reader")}))
	require.NoError(t, err)
	assert.True(t, res.Gjenbrukt)
	assert.Len(t, fx.fake.Forsendelser(), 5)

	// SvarUt refuses (4xx): returned at once, no lookup, nothing stored.
	before := fx.fake.Requests()
	f = brev()
	f.Mottaker.Postadresse = &svarut.Postadresse{Adresselinjer: []string{"x"}, Postnummer: "5003", Poststed: "BERGEN"}
	fx.fake.InjectFault(svaruttest.Fault{Status: http.StatusBadRequest})
	_, err = c.Send(ctx, f)
	assert.ErrorIs(t, err, fiks.ErrBadRequest)
	assert.Equal(t, 1, fx.fake.Requests()-before)
}

// TestPrintOnlyLetter: a recipient with a postal address and no fødselsnummer or
// organisasjonsnummer is a printed letter (SvarUt's send spec makes digitalId optional,
// and the official clients send such letters); svarSendesTil goes with its full address.
func TestPrintOnlyLetter(t *testing.T) {
	t.Parallel()
	forVersions(t, func(t *testing.T, fx *fixture) {
		c := fx.client(t, nil)
		f := &svarut.Forsendelse{Tittel: "Varsel om oppstart av planarbeid",
			Mottaker: svarut.Mottaker{Navn: "Eier av gnr 12 bnr 3", Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Fjordgata 3"}, Postnummer: "7010", Poststed: "TRONDHEIM"}},
			SvarSendesTil: &svarut.Mottaker{Navn: "Plan og bygg", Organisasjonsnummer: mottakOrg,
				Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Postboks 1"}, Postnummer: "5003", Poststed: "BERGEN"}},
			Dokumenter: []svarut.Dokument{svarut.Bytes("varsel.pdf", []byte("%PDF-1.4 varsel"))}}
		r, err := c.Send(context.Background(), f)
		require.NoError(t, err)
		var got *svaruttest.Forsendelse
		for _, x := range fx.fake.Forsendelser() {
			if x.ID == r.ID {
				got = &x
			}
		}
		require.NotNil(t, got)
		assert.Empty(t, got.DigitalID, "no digital id: SvarUt prints")
		var meta struct {
			Mottaker      map[string]any `json:"mottaker"`
			SvarSendesTil map[string]any `json:"svarSendesTil"`
		}
		require.NoError(t, json.Unmarshal(got.Metadata, &meta))
		assert.Equal(t, "Eier av gnr 12 bnr 3", meta.Mottaker["navn"])
		assert.NotContains(t, meta.Mottaker, "digitalId")
		if fx.version == svarut.V2 {
			assert.Equal(t, "BERGEN", meta.SvarSendesTil["poststed"])
			return
		}
		// v3: its own endpoint and PrintForsendelse's shape.
		assert.Equal(t, "print", got.Endpoint)
		assert.Equal(t, "TRONDHEIM", meta.Mottaker["adresse"].(map[string]any)["poststed"])
		assert.Equal(t, "ORGANISASJON", meta.SvarSendesTil["type"])
		assert.Equal(t, string(mottakOrg), meta.SvarSendesTil["digitalId"])
		assert.Equal(t, "BERGEN", meta.SvarSendesTil["adresse"].(map[string]any)["poststed"])
	})
}

func TestSendValidation(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	ctx := context.Background()
	pdf := func(n string) svarut.Dokument { return svarut.Bytes(n, []byte("%PDF")) }
	cases := map[string]func(f *svarut.Forsendelse){
		"no title":     func(f *svarut.Forsendelse) { f.Tittel = " " },
		"no documents": func(f *svarut.Forsendelse) { f.Dokumenter = nil },
		"no name":      func(f *svarut.Forsendelse) { f.Mottaker.Navn = "" },
		"bad orgnr":    func(f *svarut.Forsendelse) { f.Mottaker = svarut.Mottaker{Navn: "x", Organisasjonsnummer: "910000017"} },
		"both ids":     func(f *svarut.Forsendelse) { f.Mottaker.Organisasjonsnummer = mottakOrg },
		"digital only, no recipient id": func(f *svarut.Forsendelse) {
			f.Mottaker.Foedselsnummer = ident.Foedselsnummer{}
			f.KunDigitalLevering = true
		},
		"svarSendesTil without address": func(f *svarut.Forsendelse) { f.SvarSendesTil = &svarut.Mottaker{Navn: "Plan og bygg"} },
		"svarSendesTil without poststed": func(f *svarut.Forsendelse) {
			f.SvarSendesTil = &svarut.Mottaker{Navn: "Plan og bygg", Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Postboks 1"}, Postnummer: "5003"}}
		},
		"no address":         func(f *svarut.Forsendelse) { f.Mottaker.Postadresse = nil },
		"bad postnummer":     func(f *svarut.Forsendelse) { f.Mottaker.Postadresse.Postnummer = "50031" },
		"duplicate filename": func(f *svarut.Forsendelse) { f.Dokumenter = []svarut.Dokument{pdf("a.pdf"), pdf("A.pdf")} },
		"bad filename":       func(f *svarut.Forsendelse) { f.Dokumenter = []svarut.Dokument{pdf("a/b.pdf")} },
		"long filename":      func(f *svarut.Forsendelse) { f.Dokumenter = []svarut.Dokument{pdf(strings.Repeat("a", 227))} },
		"non-pdf print":      func(f *svarut.Forsendelse) { f.Dokumenter = []svarut.Dokument{svarut.Bytes("a.docx", []byte("x"))} },
		"no content":         func(f *svarut.Forsendelse) { f.Dokumenter = []svarut.Dokument{{Filnavn: "a.pdf"}} },
		"two signed": func(f *svarut.Forsendelse) {
			a, b := pdf("a.pdf"), pdf("b.pdf")
			a.SkalSigneres, b.SkalSigneres = true, true
			f.Dokumenter = []svarut.Dokument{a, b}
		},
		"signering without doc": func(f *svarut.Forsendelse) { f.Signering = &svarut.Signering{SignaturType: svarut.AvansertSignatur} },
		"konteringskode":        func(f *svarut.Forsendelse) { f.Konteringskode = "har mellomrom" },
		"long ref":              func(f *svarut.Forsendelse) { f.EksternReferanse = strings.Repeat("r", 101) },
		"six links": func(f *svarut.Forsendelse) {
			for range 6 {
				f.Lenker = append(f.Lenker, svarut.Lenke{URL: "https://x", Tekst: "x"})
			}
		},
		"taushetsbelagt to person": func(f *svarut.Forsendelse) { f.TaushetsbelagtPost = true },
		"bad svarPaForsendelse":    func(f *svarut.Forsendelse) { f.SvarPaForsendelse = "123" },
	}
	before := fx.fake.Requests()
	for name, mod := range cases {
		f := brev()
		mod(f)
		_, err := c.Send(ctx, f)
		var ve *svarut.ValidationError
		assert.ErrorAs(t, err, &ve, name)
		assert.ErrorIs(t, err, svarut.ErrInvalidInput, name)
		if err != nil {
			assert.NotContains(t, err.Error(), person.Unmasked(), name)
		}
	}
	_, err := c.Send(ctx, nil)
	assert.ErrorIs(t, err, svarut.ErrInvalidInput)
	assert.Equal(t, before, fx.fake.Requests(), "nothing was sent")

	// A document that cannot be opened fails the send without a forsendelse.
	f := brev(svarut.Fil("/nonexistent/brev.pdf"))
	_, err = c.Send(ctx, f)
	assert.Error(t, err)
	assert.Empty(t, fx.fake.Forsendelser())
}

// TestFetchedSertifikat: without a pinned certificate the client fetches SvarUt's from
// /forsendelse/publickey/hent once (the fake checks every part decrypts with it), and an
// answer that is no certificate stops the send before anything is sent.
func TestFetchedSertifikat(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, func(o *svarut.Options) { o.Sertifikat = nil })
	ctx := context.Background()
	for i := range 3 {
		_, err := c.Send(ctx, &svarut.Forsendelse{Tittel: fmt.Sprintf("Nivå 4 %d", i), KrevNiva4Innlogging: true, KunDigitalLevering: true,
			Mottaker:   svarut.Mottaker{Navn: "Arkivkommunen", Organisasjonsnummer: mottakOrg},
			Dokumenter: []svarut.Dokument{svarut.Bytes("a.pdf", []byte("%PDF-1.4 hemmelig"))}})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, fx.fake.PublickeyRequests(), "fetched once, then cached")
	got, err := c.Sertifikat(ctx)
	require.NoError(t, err)
	assert.True(t, got.Equal(fx.fake.Sertifikat()))

	posts := 0
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts++
		}
		_, _ = io.WriteString(w, "<html>not a certificate</html>")
	}))
	t.Cleanup(bad.Close)
	bc, err := svarut.New(svarut.Options{BaseURL: bad.URL, Konto: konto, HTTPClient: bad.Client(), Credentials: fx.creds})
	require.NoError(t, err)
	_, err = bc.Send(ctx, &svarut.Forsendelse{Tittel: "x", Kryptert: true, KunDigitalLevering: true,
		Mottaker: svarut.Mottaker{Navn: "A", Organisasjonsnummer: mottakOrg}, Dokumenter: []svarut.Dokument{svarut.Bytes("a.pdf", []byte("%PDF"))}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a certificate")
	assert.Zero(t, posts, "nothing was sent")
}

// TestFakeRefusesMalformedBodies sends bodies the client would never send.
func TestFakeRefusesMalformedBodies(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	post := func(body, ctype string) (int, string) {
		return fx.fiksDo(t, http.MethodPost, "/api/v2/kontoer/"+konto+"/forsendelser/", ctype, body)
	}
	meta := `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673"},"kunDigitalLevering":true,"dokumenter":[{"filnavn":"a.pdf","mimeType":"application/pdf"},{"filnavn":"b.pdf","mimeType":"application/pdf"}]}`
	mp := func(first string, files ...string) string {
		var b strings.Builder
		b.WriteString("--B\r\nContent-Disposition: form-data; name=\"" + first + "\"\r\nContent-Type: application/json\r\n\r\n" + meta + "\r\n")
		for _, f := range files {
			b.WriteString("--B\r\nContent-Disposition: form-data; name=\"filer\"; filename=\"" + f + "\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n")
		}
		b.WriteString("--B--\r\n")
		return b.String()
	}
	ct := "multipart/form-data; boundary=B"
	code, body := post(mp("forsendelse", "b.pdf", "a.pdf"), ct)
	assert.Equal(t, 400, code)
	assert.Contains(t, body, "rekkefølge")
	code, _ = post(mp("forsendelse", "a.pdf"), ct)
	assert.Equal(t, 400, code, "a document without a file")
	code, _ = post(mp("meta", "a.pdf", "b.pdf"), ct)
	assert.Equal(t, 400, code, "first part is not forsendelse")
	code, _ = post(mp("forsendelse", "a.pdf", "b.pdf"), "application/json")
	assert.Equal(t, 400, code)
	code, _ = post(mp("forsendelse", "a.pdf", "b.pdf"), ct)
	assert.Equal(t, 200, code)
	assert.Len(t, fx.fake.Forsendelser(), 1)
}

func TestMottaFailures(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	m := fx.mottak(t)
	ctx := context.Background()
	var ids []string
	for i := range 4 {
		res, err := c.Send(ctx, tilOrg(svarut.Bytes(fmt.Sprintf("dok%d.pdf", i), []byte(fmt.Sprintf("%%PDF %d", i)))))
		require.NoError(t, err)
		ids = append(ids, res.ID)
	}
	// 0: handled; 1: temporary failure; 2: permanent failure; 3: the process "dies" in the
	// handler (ctx ends): nothing reported, nothing acknowledged.
	cctx, cancel := context.WithCancel(ctx)
	r, err := m.Receive(cctx, func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		b, err := io.ReadAll(fil)
		require.NoError(t, err)
		switch f.ID {
		case ids[0]:
			assert.True(t, strings.HasPrefix(string(b), "%PDF 0"))
			assert.Equal(t, "dok0.pdf", fil.Filnavn)
			return nil
		case ids[1]:
			return errors.New("arkivet svarer ikke")
		case ids[2]:
			return svarut.Permanent(errors.New("ukjent sakstype"))
		}
		cancel()
		return ctx.Err()
	})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, svarut.ReceiveResult{Kvittert: 1, Feilet: 2, Permanent: 1}, counts(t, r))
	byID := map[string]svaruttest.Forsendelse{}
	for _, f := range fx.fake.Forsendelser() {
		byID[f.ID] = f
	}
	assert.Equal(t, "LEST", byID[ids[0]].Status)
	assert.Equal(t, "KLAR_FOR_MOTTAK", byID[ids[1]].Status)
	assert.Equal(t, []string{"arkivet svarer ikke"}, byID[ids[1]].Feilmeldinger)
	assert.Equal(t, "IKKE_LEVERT", byID[ids[2]].Status)
	assert.Equal(t, "KLAR_FOR_MOTTAK", byID[ids[3]].Status)
	assert.Empty(t, byID[ids[3]].Feilmeldinger)

	// The next run gets the two still waiting; a handler that returns nil without reading
	// still gets the integrity check, and the forsendelse is acknowledged.
	var seen []string
	r, err = m.Receive(ctx, func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		seen = append(seen, f.ID)
		return nil
	})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{ids[1], ids[3]}, seen)
	assert.Equal(t, 2, r.Kvittert)

	// SvarInn credentials.
	bad, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: fx.fake.URL(), Brukernavn: sysID, Passord: "feil-passord-x",
		Key: kryptering.Key{Decrypter: fx.key, Certificate: fx.cert}, HTTPClient: fx.fake.HTTPClient()})
	require.NoError(t, err)
	_, err = bad.ListNew(ctx)
	assert.ErrorIs(t, err, fiks.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "feil-passord-x")

	// A download the key cannot open is not acknowledged.
	other := testutil.Key(t, 2048, 8)
	wrong, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: fx.fake.URL(), Brukernavn: sysID, Passord: sysPw,
		Key: kryptering.Key{Decrypter: other, Certificate: testutil.Cert(t, other, "x", mottakOrg, nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)}, HTTPClient: fx.fake.HTTPClient()})
	require.NoError(t, err)
	res, err := c.Send(ctx, tilOrg())
	require.NoError(t, err)
	wr, err := wrong.Receive(ctx, func(context.Context, *svarut.MottattForsendelse, *svarut.ReceivedFile) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, svarut.ReceiveResult{Feilet: 1}, counts(t, wr), "reported failed for now, not acknowledged")
	st, err := c.Statuser(ctx, res.ID)
	require.NoError(t, err)
	assert.Equal(t, svarut.StatusKlarForMottak, st[0].Status)
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	ctx := context.Background()
	c := fx.client(t, func(o *svarut.Options) { o.Konto = uuid.NewString() })
	_, err := c.Send(ctx, brev())
	assert.ErrorIs(t, err, fiks.ErrForbidden, "a konto the integrasjon has no access to")
	assert.Empty(t, fx.fake.Forsendelser())
	c = fx.client(t, func(o *svarut.Options) { o.Credentials.IntegrasjonPassord = "galt-passord-xyz" })
	_, err = c.Statuser(ctx, uuid.NewString())
	assert.ErrorIs(t, err, fiks.ErrIntegrasjonRejected)
	assert.NotContains(t, err.Error(), "galt-passord-xyz")
	_, err = svarut.New(svarut.Options{BaseURL: fx.fake.URL(), Konto: "ikke-uuid", Credentials: fiks.Credentials{Token: fx.tokens, IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	assert.Error(t, err)
	_, err = svarut.New(svarut.Options{BaseURL: "http://svarut.example", Credentials: fiks.Credentials{Token: fx.tokens, IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	assert.Error(t, err)
}

func TestMimeTypeFor(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "application/pdf", svarut.MimeTypeFor("Vedtak.PDF"))
	assert.Equal(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", svarut.MimeTypeFor("a.docx"))
	assert.Equal(t, "application/octet-stream", svarut.MimeTypeFor("a.ukjent-endelse"))
}

// TestBaseURLAsTheSpecGivesIt: the OpenAPI's server URLs (SvarUt send
// https://test.svarut.ks.no/api, SvarInn .../tjenester) work as BaseURL, as the host
// does: the path is not doubled (/api/api/v2/... was a bare 404).
func TestBaseURLAsTheSpecGivesIt(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	for _, suffix := range []string{"", "/", "/api", "/api/", "/api/v2"} {
		c := fx.client(t, func(o *svarut.Options) { o.BaseURL = fx.fake.URL() + suffix })
		_, err := c.Send(context.Background(), &svarut.Forsendelse{Tittel: "Base " + suffix,
			Mottaker:           svarut.Mottaker{Navn: "Arkivkommunen", Organisasjonsnummer: mottakOrg},
			KunDigitalLevering: true, Dokumenter: []svarut.Dokument{svarut.Bytes("a.pdf", []byte("%PDF"))}})
		require.NoError(t, err, "BaseURL %q", fx.fake.URL()+suffix)
	}
	for _, suffix := range []string{"/tjenester", "/tjenester/svarinn"} {
		m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: fx.fake.URL() + suffix, Brukernavn: sysID, Passord: sysPw,
			Key: kryptering.Key{Decrypter: fx.key, Certificate: fx.cert}, HTTPClient: fx.fake.HTTPClient()})
		require.NoError(t, err)
		_, err = m.ListNew(context.Background())
		require.NoError(t, err, "BaseURL %q", fx.fake.URL()+suffix)
	}
}

// TestBareNotFoundNamesTheURL: a 404 without FIKS's error body (a wrong BaseURL, such as
// the spec's server URL with a path SvarUt does not serve) says which URL was tried.
func TestBareNotFoundNamesTheURL(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	fx := newFixture(t)
	c, err := svarut.New(svarut.Options{BaseURL: srv.URL + "/feil", Konto: konto, HTTPClient: srv.Client(), Credentials: fx.creds})
	require.NoError(t, err)
	_, err = c.Send(context.Background(), &svarut.Forsendelse{Tittel: "x", KunDigitalLevering: true,
		Mottaker: svarut.Mottaker{Navn: "A", Organisasjonsnummer: mottakOrg}, Dokumenter: []svarut.Dokument{svarut.Bytes("a.pdf", []byte("%PDF"))}})
	require.ErrorIs(t, err, svarut.ErrNotFound)
	assert.Contains(t, err.Error(), "nothing at "+srv.URL+"/feil/api/v3/")
	assert.Contains(t, err.Error(), "check BaseURL")
}

// TestOfficialClientFields: eksponertFor, avgivendeSystemAktor, metadataForImport and
// svarPaForsendelseLink (v3: kanSvareViaEdialog) go on the wire under the send specs'
// names (../shared/specs/fiks/svarut/openapi/v2/forsendelse-send-api-v2.json, schema
// Forsendelse; v3/forsendelse-send-api-v3.json, OrganisasjonForsendelse), with their
// rules checked before sending.
func TestOfficialClientFields(t *testing.T) {
	t.Parallel()
	forVersions(t, func(t *testing.T, fx *fixture) {
		c := fx.client(t, nil)
		ctx := context.Background()
		kontor := &svarut.Mottaker{Navn: "Plan og bygg", Organisasjonsnummer: mottakOrg,
			Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Postboks 1"}, Postnummer: "5003", Poststed: "BERGEN"}}
		f := &svarut.Forsendelse{Tittel: "Vedtak", KunDigitalLevering: true,
			Mottaker:             svarut.Mottaker{Navn: "Nabokommunen", Organisasjonsnummer: org},
			AvgivendeSystemAktor: "saksbehandler-42", SvarPaForsendelseLink: true, SvarSendesTil: kontor,
			EksponertFor:      []svarut.Tilgang{{Organisasjonsnummer: mottakOrg}},
			MetadataForImport: &svarut.NoarkMetadata{Saksaar: 2026, Sakssekvensnummer: 42, Journalposttype: "I", MappeSystemID: "m-1"},
			Dokumenter:        []svarut.Dokument{svarut.Bytes("a.pdf", []byte("%PDF"))}}
		r, err := c.Send(ctx, f)
		require.NoError(t, err)
		var meta map[string]any
		for _, x := range fx.fake.Forsendelser() {
			if x.ID == r.ID {
				require.NoError(t, json.Unmarshal(x.Metadata, &meta))
			}
		}
		require.NotNil(t, meta)
		assert.Equal(t, "saksbehandler-42", meta["avgivendeSystemAktor"])
		link := "svarPaForsendelseLink"
		if fx.version == svarut.V3 {
			link = "kanSvareViaEdialog"
		}
		assert.Equal(t, true, meta[link])
		assert.Equal(t, []any{string(mottakOrg)}, meta["eksponertFor"])
		assert.Equal(t, map[string]any{"saksaar": 2026.0, "sakssekvensnummer": 42.0, "journalposttype": "I", "mappeSystemId": "m-1"}, meta["metadataForImport"])

		before := fx.fake.Requests()
		refusals := map[string]func(*svarut.Forsendelse){
			"link without an organisation": func(f *svarut.Forsendelse) { f.SvarSendesTil = nil },
			"eksponertFor neither":         func(f *svarut.Forsendelse) { f.EksponertFor = []svarut.Tilgang{{}} },
			"eksponertFor bad orgnr":       func(f *svarut.Forsendelse) { f.EksponertFor = []svarut.Tilgang{{Organisasjonsnummer: "910000017"}} },
			"import with saksbehandler":    func(f *svarut.Forsendelse) { f.MetadataForImport = &svarut.NoarkMetadata{Saksbehandler: "x"} },
		}
		if fx.version == svarut.V3 {
			// v3's schemas per recipient: PersonForsendelse has no metadataForImport,
			// and a print letter has no eksponertFor.
			refusals["import to a person"] = func(f *svarut.Forsendelse) {
				f.Mottaker = svarut.Mottaker{Navn: "Kari", Foedselsnummer: person}
			}
			refusals["eksponertFor on a print letter"] = func(f *svarut.Forsendelse) {
				f.Mottaker = svarut.Mottaker{Navn: "Kari", Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Vei 1"}, Postnummer: "5003", Poststed: "BERGEN"}}
				f.KunDigitalLevering, f.MetadataForImport, f.SvarPaForsendelseLink = false, nil, false
			}
		}
		for name, mod := range refusals {
			g := *f
			mod(&g)
			_, err := c.Send(ctx, &g)
			assert.ErrorIs(t, err, svarut.ErrInvalidInput, name)
		}
		assert.Equal(t, before, fx.fake.Requests(), "nothing was sent")
	})
}

// TestListNewLenient: the V1 listing decodes as leniently as KS's Java receivers: niva as a
// number or a string, unknown fields ignored, and one entry that cannot be read is left
// in SvarInn (logged) instead of failing the list. The entries are KS's own example
// (../shared/specs/fiks/svarinn/examples/SvarUtForsendelse.json).
func TestListNewLenient(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(testutil.SharedFile(t, "specs/fiks/svarinn/examples/SvarUtForsendelse.json"))
	require.NoError(t, err)
	var list []map[string]any
	require.NoError(t, json.Unmarshal(b, &list))
	require.Len(t, list, 3)
	list[0]["niva"] = 4 // a number
	list[1]["niva"] = "3"
	list[1]["etFeltSomKommerSenere"] = map[string]any{"x": 1}
	list[2]["tittel"] = map[string]any{"ikke": "tekst"} // cannot be read
	body, _ := json.Marshal(list)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	logs := &testutil.LogBuffer{}
	fx := newFixture(t)
	m, err := svarut.NewMottak(svarut.MottakOptions{APIVersion: svarut.V1, BaseURL: srv.URL, Brukernavn: sysID, Passord: sysPw,
		Key: kryptering.Key{Decrypter: fx.key, Certificate: fx.cert}, HTTPClient: srv.Client(), Logger: logs.Logger()})
	require.NoError(t, err)
	got, err := m.ListNew(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "4", got[0].Niva)
	assert.Equal(t, "3", got[1].Niva)
	assert.Equal(t, "d1c6d795-f1a0-4a36-bce1-a4d9f26696db", got[0].ID)
	assert.Contains(t, logs.String(), "left in SvarInn")
}

// TestFindByEksternReferanseMedMetadata: the metadata variant of the eksternRef lookup
// (forsendelse-eksternref-api-v2.json, EksternRefOppslagMetadataResponse).
func TestFindByEksternReferanseMedMetadata(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	r, err := c.Send(ctx, &svarut.Forsendelse{Tittel: "Med metadata", EksternReferanse: "sak-2026-7", AvgivendeSystem: "Fagsystem X", KunDigitalLevering: true,
		Mottaker: svarut.Mottaker{Navn: "A", Organisasjonsnummer: mottakOrg}, Dokumenter: []svarut.Dokument{svarut.Bytes("a.pdf", []byte("%PDF"))}})
	require.NoError(t, err)
	refs, err := c.FindByEksternReferanseMedMetadata(ctx, "sak-2026-7")
	require.NoError(t, err)
	require.Len(t, refs, 1)
	assert.Equal(t, r.ID, refs[0].ID)
	assert.Equal(t, "Fagsystem X", refs[0].AvgivendeSystem)
	assert.True(t, refs[0].Dato.After(before))
	refs, err = c.FindByEksternReferanseMedMetadata(ctx, "ingen")
	require.NoError(t, err)
	assert.Empty(t, refs)
	_, err = c.FindByEksternReferanseMedMetadata(ctx, "")
	assert.ErrorIs(t, err, svarut.ErrInvalidInput)
}

// counts checks that r's per-forsendelse list agrees with its counts, and returns the
// counts alone (for comparing with a literal).
func counts(t *testing.T, r svarut.ReceiveResult) svarut.ReceiveResult {
	t.Helper()
	n := map[svarut.Utfall]int{}
	perm, unverified := 0, 0
	for _, f := range r.Forsendelser {
		n[f.Utfall]++
		if f.Permanent {
			perm++
		}
		if f.Utfall == svarut.Kvittert && !f.Verified {
			unverified++
		}
		if f.Utfall == svarut.Feilet {
			assert.Error(t, f.Err, "a failed forsendelse says why")
		}
	}
	assert.Equal(t, r.Kvittert, n[svarut.Kvittert], "kvittert")
	assert.Equal(t, r.Feilet, n[svarut.Feilet], "feilet")
	assert.Equal(t, r.Permanent, perm, "permanent")
	assert.Equal(t, r.Unverified, unverified, "unverified")
	r.Forsendelser = nil
	return r
}
