package hostiletest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/edialog"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/fiks/minside"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/svarut"
)

// recorder is a server that must never be reached: it records every request it gets.
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	r.mu.Lock()
	r.seen = append(r.seen, fmt.Sprintf("%s %s headers=%v body=%d bytes", req.Method, req.URL, req.Header, len(body)))
	r.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (r *recorder) requests() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

func newRecorder(t *testing.T, addr string) *recorder {
	t.Helper()
	r := &recorder{}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	r.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: r}}
	r.srv.Start()
	t.Cleanup(r.srv.Close)
	return r
}

// hostile answers every request with status and Location; requests to /moved (a
// same-origin redirect target) are recorded as reached.
type hostile struct {
	srv    *httptest.Server
	status int
	target func() string
	moved  recorder
}

func (h *hostile) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/moved") {
		h.moved.ServeHTTP(w, r)
		return
	}
	_, _ = io.Copy(io.Discard, r.Body)
	w.Header().Set("Location", h.target()+"/moved?token=secret-in-query")
	w.WriteHeader(h.status)
}

type scenario struct {
	name string
	// call runs one client call against base with hc (which trusts the hostile server).
	call func(ctx context.Context, t *testing.T, base string, hc *http.Client) error
}

func scenarios(t *testing.T) []scenario {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	fnr := ident.MustParseFoedselsnummer("13097248022")
	creds := fiks.Credentials{Token: auth.Static("bearer-secret"), IntegrasjonID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a11", IntegrasjonPassord: "integrasjon-passord-secret"}
	mpOpts := func(base string, hc *http.Client) maskinporten.Options {
		return maskinporten.Options{Environment: maskinporten.Environment(base + "/"), ClientID: "klient", Key: maskinporten.Key{Signer: key, KeyID: "kid"}, HTTPClient: hc, MaxAttempts: 1}
	}
	svarutClient := func(t *testing.T, base string, hc *http.Client) *svarut.Client {
		c, err := svarut.New(svarut.Options{BaseURL: base, Credentials: creds, Konto: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12", HTTPClient: hc, MaxAttempts: 1, LookupDelay: 1})
		require.NoError(t, err)
		return c
	}
	mottak := func(t *testing.T, base string, hc *http.Client) *svarut.Mottak {
		k := kryptering.Key{Decrypter: key}
		m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: base, Brukernavn: "system", Passord: "svarinn-passord-secret", Key: k, HTTPClient: hc, MaxAttempts: 1})
		require.NoError(t, err)
		return m
	}
	cert := selfSignedCert(t, key)
	digisosClient := func(t *testing.T, base string, hc *http.Client) *digisos.Client {
		c, err := digisos.New(digisos.Options{BaseURL: base, Credentials: creds, FiksOrgID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a15",
			HTTPClient: hc, MaxAttempts: 1})
		require.NoError(t, err)
		return c
	}
	fiksioClient := func(t *testing.T, base string, hc *http.Client) *fiksio.Client {
		c, err := fiksio.New(fiksio.Options{BaseURL: base, Credentials: creds, KontoID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12",
			Signer: key, SignerCertificates: []*x509.Certificate{cert}, HTTPClient: hc, MaxAttempts: 1})
		require.NoError(t, err)
		return c
	}
	einnsynClient := func(t *testing.T, base string, hc *http.Client) *einnsyn.Client {
		c, err := einnsyn.New(einnsyn.Options{BaseURL: base, APIKey: "secret_apikey", HTTPClient: hc, MaxAttempts: 1})
		require.NoError(t, err)
		return c
	}
	minsideClient := func(t *testing.T, base string, hc *http.Client) *minside.Client {
		c, err := minside.New(minside.Options{BaseURL: base, Credentials: creds, FiksOrgID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a16", HTTPClient: hc, MaxAttempts: 1})
		require.NoError(t, err)
		return c
	}
	edialogClient := func(t *testing.T, base string, hc *http.Client) *edialog.Client {
		c, err := edialog.New(edialog.Options{BaseURL: base, Credentials: creds, HTTPClient: hc, MaxAttempts: 1})
		require.NoError(t, err)
		return c
	}
	tittel := "the document body"
	return []scenario{
		{"minside index", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := minsideClient(t, base, hc).Index(ctx, []minside.Melding{{MeldingID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a17",
				EksponertFor: minside.Person(fnr), Metadata: minside.Journalpost{Tittel: tittel}}})
			return err
		}},
		{"minside slett", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := minsideClient(t, base, hc).Slett(ctx, []minside.SlettMelding{{MeldingID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a17", Versjon: minside.VersjonJournalpostV1}})
			return err
		}},
		{"minside slett ekstern-ref", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			return minsideClient(t, base, hc).SlettEksternRef(ctx, "", minside.VersjonJournalpostV1, "gruppe")
		}},
		{"edialog send", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := edialogClient(t, base, hc).Send(ctx, edialog.Innsending{Avsender: edialog.Avsender{Type: edialog.AvsenderPerson, ID: fnr.Unmasked(), Navn: "Kari"},
				Mottaker: edialog.Mottaker{ID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a18"}, Metadata: edialog.Metadata{Tittel: tittel},
				Vedlegg: []edialog.Vedlegg{edialog.BytesVedlegg("a.pdf", "application/pdf", []byte(tittel))}})
			return err
		}},
		{"edialog avsender (PUT with a body)", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := edialogClient(t, base, hc).SettAvsender(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a19", edialog.Avsender{Type: edialog.AvsenderPerson, ID: fnr.Unmasked(), Navn: tittel})
			return err
		}},
		{"edialog send inn", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := edialogClient(t, base, hc).SendInn(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a19")
			return err
		}},
		{"maskinporten token", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			o := mpOpts(base, hc)
			o.TokenURL = base + "/token"
			c, err := maskinporten.New(o)
			require.NoError(t, err)
			_, err = c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}})
			return err
		}},
		{"maskinporten discovery", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			c, err := maskinporten.New(mpOpts(base, hc))
			require.NoError(t, err)
			_, err = c.Metadata(ctx)
			return err
		}},
		{"svarut send", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := svarutClient(t, base, hc).Send(ctx, &svarut.Forsendelse{Tittel: "Vedtak",
				Mottaker:   svarut.Mottaker{Navn: "Kari Nordmann", Foedselsnummer: fnr, Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Kirkeveien 1"}, Postnummer: "5003", Poststed: "BERGEN"}},
				Dokumenter: []svarut.Dokument{svarut.Bytes("vedtak.pdf", []byte("%PDF-1.7 the document body"))}})
			return err
		}},
		{"svarut status", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := svarutClient(t, base, hc).Statuser(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a13")
			return err
		}},
		{"svarinn list", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := mottak(t, base, hc).ListNew(ctx)
			return err
		}},
		{"svarinn acknowledge", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			return mottak(t, base, hc).Acknowledge(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a13")
		}},
		{"svarinn mark failed (V2 PATCH with a body)", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			return mottak(t, base, hc).MarkFailed(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a13", "the document body", false)
		}},
		{"svarut send to print (v3 /print)", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := svarutClient(t, base, hc).Send(ctx, &svarut.Forsendelse{Tittel: "Varsel",
				Mottaker:   svarut.Mottaker{Navn: "Eier", Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Fjordgata 3"}, Postnummer: "7010", Poststed: "TRONDHEIM"}},
				Dokumenter: []svarut.Dokument{svarut.Bytes("varsel.pdf", []byte("%PDF-1.7 the document body"))}})
			return err
		}},
		{"fiksio katalog", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := fiksioClient(t, base, hc).OffentligNokkel(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12")
			return err
		}},
		{"fiksio send", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := fiksioClient(t, base, hc).Send(ctx, &fiksio.Melding{MottakerKontoID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a13",
				Meldingstype: "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett", MottakerSertifikat: cert,
				Filer: []fiksio.Fil{fiksio.Bytes("arkivmelding.xml", []byte("<arkivmelding>the document body</arkivmelding>"))}})
			return err
		}},
		{"digisos ny", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := digisosClient(t, base, hc).Ny(ctx, fnr)
			return err
		}},
		{"digisos status", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			return digisosClient(t, base, hc).OppdaterStatus(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a14", &digisos.Soker{
				Avsender:  digisos.Avsender{Systemnavn: "s", Systemversjon: "1"},
				Hendelser: []digisos.Hendelse{&digisos.SoknadsStatus{Base: digisos.At(time.Now()), Status: digisos.SoknadMottatt}}})
		}},
		{"digisos upload", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := digisosClient(t, base, hc).LastOpp(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a14",
				digisos.Fil{Filnavn: "vedtak.pdf", Mimetype: "application/pdf", Data: []byte("the document body")})
			return err
		}},
		{"fiksio upload key", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			return fiksioClient(t, base, hc).UploadOffentligNokkel(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12", cert)
		}},
		{"folkeregister person", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			c, err := folkeregister.New(folkeregister.Options{BaseURL: base, Credentials: creds, Rolle: "rolle", HTTPClient: hc, MaxAttempts: 1})
			require.NoError(t, err)
			_, err = c.Person(ctx, fnr, nil)
			return err
		}},
		{"folkeregister hendelsesdokumenter", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			c, err := folkeregister.New(folkeregister.Options{BaseURL: base, Credentials: creds, Rolle: "rolle", HTTPClient: hc, MaxAttempts: 1})
			require.NoError(t, err)
			_, err = c.Hendelsesdokumenter(ctx, []string{"eb73af9403b0f5702e802ad4f9b8ca4e"}, nil)
			return err
		}},
		{"folkeregister entydigsoek", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			c, err := folkeregister.New(folkeregister.Options{BaseURL: base, Credentials: creds, Rolle: "rolle", HTTPClient: hc, MaxAttempts: 1})
			require.NoError(t, err)
			_, err = c.SearchEntydig(ctx, folkeregister.EntydigQuery{Navn: "Kari Nordmann", Identifikasjonsnummer: fnr}, nil)
			return err
		}},
		{"svarut sertifikat", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := svarutClient(t, base, hc).Sertifikat(ctx)
			return err
		}},
		{"svarut eksternRef metadata", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := svarutClient(t, base, hc).FindByEksternReferanseMedMetadata(ctx, "ref-1")
			return err
		}},
		{"einnsyn get", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := einnsynClient(t, base, hc).Get(ctx, "jp_01jh532p3ve6haq7n53xgpqayh")
			return err
		}},
		{"einnsyn create", func(ctx context.Context, t *testing.T, base string, hc *http.Client) error {
			_, err := einnsynClient(t, base, hc).Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Arkiv", ArkivBase: einnsyn.ArkivBase{SystemID: "sys-1"}})
			return err
		}},
	}
}

// TestRedirectsNeverFollowed: 301/302/303/307/308 to another host, another port, from
// https to http, and to the same origin, for every client and the Maskinporten token and
// discovery calls. The target receives nothing (no credential, grant or body); the caller
// gets a *RedirectError naming the status and the target's origin without its query.
func TestRedirectsNeverFollowed(t *testing.T) {
	otherHost := newRecorder(t, "127.0.0.2:0")
	otherPort := newRecorder(t, "127.0.0.1:0")
	targets := []struct {
		name  string
		tls   bool
		where func(h *hostile) string
	}{
		{"other host", false, func(*hostile) string { return otherHost.srv.URL }},
		{"other port", false, func(*hostile) string { return otherPort.srv.URL }},
		{"https to http", true, func(*hostile) string { return otherPort.srv.URL }},
		{"same origin", false, func(h *hostile) string { return h.srv.URL }},
	}
	statuses := []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect}
	for _, sc := range scenarios(t) {
		for _, tg := range targets {
			for _, status := range statuses {
				t.Run(fmt.Sprintf("%s/%s/%d", sc.name, tg.name, status), func(t *testing.T) {
					h := &hostile{status: status}
					h.target = func() string { return tg.where(h) }
					if tg.tls {
						h.srv = httptest.NewTLSServer(h)
					} else {
						h.srv = httptest.NewServer(h)
					}
					defer h.srv.Close()
					before := len(otherHost.requests()) + len(otherPort.requests())
					err := sc.call(context.Background(), t, h.srv.URL, h.srv.Client())
					require.Error(t, err)
					var re *svarut.RedirectError
					require.ErrorAs(t, err, &re, "%v", err)
					require.ErrorIs(t, err, einnsyn.ErrRedirect)
					require.Equal(t, status, re.StatusCode)
					require.NotContains(t, err.Error(), "secret")
					require.Equal(t, tg.name != "same origin", re.CrossOrigin, re.Location)
					after := len(otherHost.requests()) + len(otherPort.requests())
					require.Equal(t, before, after, "another origin was reached: %v %v", otherHost.requests(), otherPort.requests())
					require.Empty(t, h.moved.requests(), "a same-origin redirect was followed")
				})
			}
		}
	}
	require.Empty(t, otherHost.requests())
	require.Empty(t, otherPort.requests())
}

// TestCallerClientRedirectPolicyIgnored: a caller's *http.Client that follows redirects
// (the net/http default) is wrapped, not used as it is, and is not modified.
func TestCallerClientRedirectPolicyIgnored(t *testing.T) {
	sink := newRecorder(t, "127.0.0.2:0")
	h := &hostile{status: http.StatusTemporaryRedirect, target: func() string { return sink.srv.URL }}
	h.srv = httptest.NewServer(h)
	defer h.srv.Close()
	followed := 0
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { followed++; return nil }}
	c, err := einnsyn.New(einnsyn.Options{BaseURL: h.srv.URL, APIKey: "secret_apikey", HTTPClient: hc})
	require.NoError(t, err)
	_, err = c.Get(context.Background(), "jp_01jh532p3ve6haq7n53xgpqayh")
	require.True(t, errors.Is(err, einnsyn.ErrRedirect), "%v", err)
	require.Zero(t, followed)
	require.Empty(t, sink.requests())
	require.NotNil(t, hc.CheckRedirect)
}

// TestMetadataTokenEndpointOtherOrigin: a metadata document naming a token endpoint on
// another origin is refused; the grant is never sent there.
func TestMetadataTokenEndpointOtherOrigin(t *testing.T) {
	sink := newRecorder(t, "127.0.0.2:0")
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"issuer":%q,"token_endpoint":%q}`, srv.URL+"/", sink.srv.URL+"/token")
	}))
	defer srv.Close()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	c, err := maskinporten.New(maskinporten.Options{Environment: maskinporten.Environment(srv.URL + "/"), ClientID: "klient",
		Key: maskinporten.Key{Signer: key, KeyID: "kid"}, HTTPClient: srv.Client()})
	require.NoError(t, err)
	_, err = c.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.Error(t, err)
	require.Empty(t, sink.requests())
}

// TestLongRetryAfterNotShortened: a server asking for an hour is not retried after the
// 10 s cap; the answer goes back at once with its Retry-After.
func TestLongRetryAfterNotShortened(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, `{"status":503,"error":"Service Unavailable","message":"vedlikehold"}`)
	}))
	defer srv.Close()
	ctx := context.Background()

	ec, err := einnsyn.New(einnsyn.Options{BaseURL: srv.URL})
	require.NoError(t, err)
	_, err = ec.Get(ctx, "jp_01jh532p3ve6haq7n53xgpqayh")
	var ee *einnsyn.Error
	require.ErrorAs(t, err, &ee)
	require.Equal(t, time.Hour, ee.RetryAfter())
	require.Equal(t, int32(1), n.Swap(0))

	fc, err := folkeregister.New(folkeregister.Options{BaseURL: srv.URL, Rolle: "r",
		Credentials: fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	require.NoError(t, err)
	_, err = fc.Person(ctx, ident.MustParseFoedselsnummer("13097248022"), nil)
	var fe *fiks.Error
	require.ErrorAs(t, err, &fe)
	require.Equal(t, time.Hour, fe.RetryAfter())
	require.Equal(t, int32(1), n.Swap(0))
}

// selfSignedCert is a certificate for key that may sign and encipher keys.
func selfSignedCert(t *testing.T, key *rsa.PrivateKey) *x509.Certificate {
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hostiletest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	c, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	return c
}

// TestEdialogUploadRedirect: eDialog's streamed upload (LastOppFil reads the skjema first,
// then posts the file) answered with a redirect to another origin: no file, credential or
// byte of the body follows it.
func TestEdialogUploadRedirect(t *testing.T) {
	sink := newRecorder(t, "127.0.0.2:0")
	const id = "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a19"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `{"id":"`+id+`","filer":[]}`)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Location", sink.srv.URL+"/upload")
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	creds := fiks.Credentials{Token: auth.Static("bearer-secret"), IntegrasjonID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a11", IntegrasjonPassord: "integrasjon-passord-secret"}
	c, err := edialog.New(edialog.Options{BaseURL: srv.URL, Credentials: creds, HTTPClient: srv.Client(), MaxAttempts: 1})
	require.NoError(t, err)
	_, err = c.LastOppFil(context.Background(), id, edialog.BytesVedlegg("vedtak.pdf", "application/pdf", []byte("the document body")))
	require.ErrorIs(t, err, edialog.ErrRedirect)
	require.NotContains(t, err.Error(), "secret")
	require.Empty(t, sink.requests())
}
