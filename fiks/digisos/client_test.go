package digisos_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/digisos/digisostest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

type env struct {
	fx   *fikstest.Fixture
	fake *digisostest.Server
	c    *digisos.Client
	org  string
}

func newEnv(t *testing.T, opts digisostest.Options) *env {
	t.Helper()
	fx := fikstest.NewFixture(t, "910000001")
	opts.Maskinporten = fx.Maskinporten
	fake := digisostest.NewServer(t, opts)
	fake.AddIntegrasjon(fx.Integrasjon)
	org := uuid.NewString()
	fake.AddOrg(org)
	c, err := digisos.New(digisos.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: fx.Credentials, FiksOrgID: org})
	require.NoError(t, err)
	return &env{fx: fx, fake: fake, c: c, org: org}
}

func vedtak(at time.Time, fil digisos.Filreferanse) *digisos.Soker {
	return &digisos.Soker{Avsender: digisos.Avsender{Systemnavn: "fagsystem", Systemversjon: "1.0.0"}, Hendelser: []digisos.Hendelse{
		&digisos.SoknadsStatus{Base: digisos.At(at), Status: digisos.SoknadMottatt},
		&digisos.SaksStatus{Base: digisos.At(at), Referanse: "sak-1", Tittel: "Livsopphold", Status: digisos.SakUnderBehandling},
		&digisos.VedtakFattet{Base: digisos.At(at.Add(time.Hour)), Saksreferanse: "sak-1", Utfall: digisos.Innvilget, Vedtaksfil: digisos.Vedtaksfil{Referanse: fil}},
		&digisos.SoknadsStatus{Base: digisos.At(at.Add(time.Hour)), Status: digisos.SoknadFerdigbehandlet},
	}}
}

// A paper application gets a case; the vedtak letter is uploaded encrypted; the status
// referencing it reaches the case's history; what NAV's schema refuses is never sent.
func TestCaseEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t, digisostest.Options{})
	ctx := context.Background()
	fnr := ident.MustParseFoedselsnummer("13097248022")
	id, err := e.c.Ny(ctx, fnr)
	require.NoError(t, err)
	require.Equal(t, fnr, e.fake.Sak(id).Soker)

	pdf := []byte("%PDF-1.7 Vedtak: innvilget\n%%EOF\n")
	info, err := e.c.LastOpp(ctx, id, digisos.Fil{Filnavn: "vedtak.pdf", Mimetype: "application/pdf", Data: pdf})
	require.NoError(t, err)
	require.Len(t, info, 1)
	assert.Equal(t, int64(len(pdf)), info[0].Storrelse)
	got, err := os.ReadFile(e.fake.Sak(id).Filer[0].Path)
	require.NoError(t, err)
	assert.Equal(t, pdf, got, "the fake decrypted it with the Dokumentlager key")

	s := vedtak(time.Now(), info[0].Referanse())
	require.NoError(t, e.c.OppdaterStatus(ctx, id, s))
	hist := e.fake.Sak(id).Historikk
	require.Len(t, hist, 1)
	var back digisos.Soker
	require.NoError(t, json.Unmarshal(hist[0], &back))
	assert.Equal(t, info[0].DokumentlagerDokumentID, back.Hendelser[2].(*digisos.VedtakFattet).Vedtaksfil.Referanse.ID)

	// Refused before anything is sent.
	before := e.fake.Requests()
	bad := vedtak(time.Now(), digisos.Dokumentlager("ikke-en-uuid"))
	err = e.c.OppdaterStatus(ctx, id, bad)
	var ve *digisos.SchemaError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, digisos.ErrInvalidInput)
	_, err = e.c.Ny(ctx, ident.Foedselsnummer{})
	assert.ErrorIs(t, err, digisos.ErrInvalidInput)
	_, err = e.c.LastOpp(ctx, id, digisos.Fil{Filnavn: "a/b.pdf", Mimetype: "application/pdf", Data: pdf})
	assert.ErrorIs(t, err, digisos.ErrInvalidInput)
	assert.Equal(t, before, e.fake.Requests())

	// Files: a referenced one cannot be deleted; an unreferenced one can.
	extra, err := e.c.LastOpp(ctx, id, digisos.Fil{Filnavn: "notat.txt", Mimetype: "text/plain", Data: []byte("notat")})
	require.NoError(t, err)
	list, err := e.c.Filer(ctx, id)
	require.NoError(t, err)
	assert.Len(t, list, 2)
	assert.Error(t, e.c.SlettFiler(ctx, id, info[0].DokumentlagerDokumentID))
	require.NoError(t, e.c.SlettFiler(ctx, id, extra[0].DokumentlagerDokumentID))
	list, err = e.c.Filer(ctx, id)
	require.NoError(t, err)
	assert.Len(t, list, 1)
	require.NoError(t, e.c.SlettStatus(ctx, id))
	assert.Empty(t, e.fake.Sak(id).Historikk)

	// An unknown case is the service's error.
	err = e.c.OppdaterStatus(ctx, uuid.NewString(), s)
	assert.Error(t, err)
	assert.NotErrorIs(t, err, digisos.ErrInvalidInput)
}

// openssl decrypts what the client uploads (as Fiks Dokumentlager would), byte-identical.
func TestUploadReadByOpenSSL(t *testing.T) {
	t.Parallel()
	openssl := testutil.Tool(t, "openssl")
	e := newEnv(t, digisostest.Options{KeepEncrypted: true})
	ctx := context.Background()
	id := e.fake.AddSak(e.org)
	doc := bytes.Repeat([]byte("Vedtak om økonomisk sosialhjelp. "), 5000)
	_, err := e.c.LastOpp(ctx, id, digisos.Fil{Filnavn: "vedtak.pdf", Mimetype: "application/pdf", Data: doc})
	require.NoError(t, err)
	keyPath, certPath, err := e.fake.WritePEM(t.TempDir())
	require.NoError(t, err)
	out, err := exec.Command(openssl, "cms", "-decrypt", "-binary", "-inform", "DER", "-in", e.fake.Sak(id).Filer[0].EncryptedPath,
		"-recip", certPath, "-inkey", keyPath).Output()
	require.NoError(t, err)
	assert.Equal(t, doc, out)
}

// 200 MiB streams through LastOpp with bounded memory; the fake decrypts it
// byte-identical.
func TestUpload200MiB(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	e := newEnv(t, digisostest.Options{})
	ctx := context.Background()
	id := e.fake.AddSak(e.org)
	const size = 200 << 20
	src := func() (io.ReadCloser, error) { return io.NopCloser(io.LimitReader(newPattern(), size)), nil }
	want := sha256.New()
	r, _ := src()
	_, err := io.Copy(want, r)
	require.NoError(t, err)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	info, err := e.c.LastOpp(ctx, id, digisos.Fil{Filnavn: "stor.pdf", Mimetype: "application/pdf", Storrelse: size, Open: src})
	require.NoError(t, err)
	runtime.ReadMemStats(&after)
	t.Logf("200 MiB uploaded: %d MiB allocated in all (client and fake), heap in use %d MiB", (after.TotalAlloc-before.TotalAlloc)>>20, after.HeapInuse>>20)
	assert.Less(t, after.HeapInuse, uint64(64<<20), "nothing holds the file")
	assert.Equal(t, int64(size), info[0].Storrelse)
	assert.Equal(t, hex.EncodeToString(want.Sum(nil)), e.fake.Sak(id).Filer[0].SHA256)

	// The size the metadata gives must be the size sent.
	_, err = e.c.LastOpp(ctx, id, digisos.Fil{Filnavn: "feil.pdf", Mimetype: "application/pdf", Storrelse: 10, Open: src})
	assert.Error(t, err)
}

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

// The Dokumentlager certificate is fetched once per KeyCacheTTL.
func TestCertificateCached(t *testing.T) {
	t.Parallel()
	e := newEnv(t, digisostest.Options{})
	ctx := context.Background()
	a, err := e.c.DokumentlagerSertifikat(ctx)
	require.NoError(t, err)
	n := e.fake.Requests()
	b, err := e.c.DokumentlagerSertifikat(ctx)
	require.NoError(t, err)
	assert.Equal(t, a, b)
	assert.Equal(t, n, e.fake.Requests())
}

// The applicant's fødselsnummer travels in Ny's query; no error shows it.
func TestNyErrorHidesFoedselsnummer(t *testing.T) {
	t.Parallel()
	e := newEnv(t, digisostest.Options{})
	other, err := digisos.New(digisos.Options{BaseURL: e.fake.URL(), HTTPClient: e.fake.HTTPClient(),
		Credentials: e.fx.Credentials, FiksOrgID: uuid.NewString()}) // an organisation the fake does not know: 403
	require.NoError(t, err)
	_, err = other.Ny(context.Background(), ident.MustParseFoedselsnummer("13097248022"))
	assert.ErrorIs(t, err, digisos.ErrForbidden)
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v %#v", err, err)} {
		assert.NotContains(t, s, "13097248022")
	}
}

// Dropped connections: a status replace is retried (it is idempotent) and lands once; an
// upload whose answer was lost is an unknown outcome, and listing the case's files shows
// what arrived.
func TestDroppedConnections(t *testing.T) {
	t.Parallel()
	e := newEnv(t, digisostest.Options{})
	ctx := context.Background()
	id := e.fake.AddSak(e.org)
	isPost := func(suffix string) func(r *http.Request) bool {
		return func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, suffix)
		}
	}
	e.fake.InjectFault(fikstest.Fault{DropAfter: true, Match: isPost(id)})
	require.NoError(t, e.c.OppdaterStatus(ctx, id, vedtak(time.Now(), digisos.Dokumentlager("12345678-9abc-def0-1234-56789abcdef0"))))
	assert.NotEmpty(t, e.fake.Sak(id).Historikk)

	e.fake.InjectFault(fikstest.Fault{DropAfter: true, Match: isPost("/filer")})
	_, err := e.c.LastOpp(ctx, id, digisos.Fil{Filnavn: "vedtak.pdf", Mimetype: "application/pdf", Data: []byte("%PDF")})
	var ue *digisos.UnknownOutcomeError
	require.ErrorAs(t, err, &ue)
	assert.ErrorIs(t, err, digisos.ErrUnknownOutcome)
	list, err := e.c.Filer(ctx, id)
	require.NoError(t, err)
	assert.Len(t, list, 1, "the upload did arrive; the case system sees it in the list")

	e.fake.InjectFault(fikstest.Fault{Drop: true, Match: isPost("/ny")})
	_, err = e.c.Ny(ctx, ident.MustParseFoedselsnummer("13097248022"))
	assert.Error(t, err)
	assert.NotContains(t, err.Error(), "13097248022")
}

// Answers of the wrong shape are errors, never a half-filled DokumentInfo: an id that is
// not a UUID, a missing filnavn or id, an object instead of the list, deep nesting.
func TestWrongShapedFiler(t *testing.T) {
	t.Parallel()
	creds := fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "i", IntegrasjonPassord: "p"}
	key := testutil.Key(t, 2048, 0)
	cert := testutil.Cert(t, key, "dokumentlager", "", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	for name, body := range map[string]string{
		"id not a uuid":  `[{"filnavn":"a.pdf","dokumentlagerDokumentId":"nope","storrelse":1}]`,
		"no filnavn":     `[{"dokumentlagerDokumentId":"0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12"}]`,
		"no id":          `[{"filnavn":"a.pdf"}]`,
		"object":         `{"filnavn":"a.pdf"}`,
		"size as string": `[{"filnavn":"a.pdf","dokumentlagerDokumentId":"0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12","storrelse":"1"}]`,
		"deep":           strings.Repeat("[", 100000),
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/dokumentlager-public-key") {
				w.Write(cert.Raw)
				return
			}
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		}))
		c, err := digisos.New(digisos.Options{BaseURL: srv.URL, Credentials: creds, FiksOrgID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a15"})
		require.NoError(t, err)
		got, err := c.Filer(context.Background(), "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12")
		assert.Error(t, err, name)
		assert.Nil(t, got, name)
		// After an upload the same answer leaves the outcome unknown: the files may be stored.
		up, err := c.LastOpp(context.Background(), "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12", digisos.Fil{Filnavn: "a.pdf", Mimetype: "application/pdf", Data: []byte("%PDF")})
		var unknown *digisos.UnknownOutcomeError
		assert.ErrorAs(t, err, &unknown, name)
		assert.Nil(t, up, name)
		srv.Close()
	}
}
