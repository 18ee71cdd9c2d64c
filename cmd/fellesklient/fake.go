package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/arkiv/fiksarkivtest"
	"github.com/fellesklient/fellesklient/fiks/digisos/digisostest"
	"github.com/fellesklient/fellesklient/fiks/edialog/edialogtest"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/fiks/minside/minsidetest"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
	"github.com/google/uuid"
)

// The ports of `fellesklient fake`, as offsets from --port-base.
const (
	fakePortMaskinporten = 0
	fakePortFIKS         = 1
	fakePortSvarUt       = 2
	fakePortEInnsyn      = 3
	fakePortAMQP         = 4 // with --fiksio
	fakeDefaultPortBase  = 7700
)

// fakeOrg is the organisasjonsnummer of the municipality the fakes are set up for
// (a valid number, as the fakes check).
const fakeOrg = "910000020"

// fakeSecrets are the credentials and keys of one `fellesklient fake` set-up. With
// --state DIR they are kept in DIR/credentials.json, so a test configuration written
// once stays valid from one start to the next.
type fakeSecrets struct {
	ClientID           string `json:"clientId"`
	Kid                string `json:"kid"`
	ClientKeyPEM       string `json:"clientKeyPem"`
	IntegrasjonID      string `json:"integrasjonId"`
	IntegrasjonPassord string `json:"integrasjonPassord"`
	FiksOrgID          string `json:"fiksOrgId"`
	Konto              string `json:"konto"`
	Rolle              string `json:"rolle"`
	SvarinnBruker      string `json:"svarinnBruker"`
	SvarinnPassord     string `json:"svarinnPassord"`
	SvarinnKeyPEM      string `json:"svarinnKeyPem"`
	SvarinnCertPEM     string `json:"svarinnCertPem"`
	EdialogMottaker    string `json:"edialogMottaker"`
	EinnsynEnhetID     string `json:"einnsynEnhetId"`
	EinnsynAPIKey      string `json:"einnsynApiKey"`
	// FIKS IO (--fiksio): the case system's konto and the reference archive's.
	FagsystemKonto   string `json:"fagsystemKonto"`
	FagsystemKeyPEM  string `json:"fagsystemKeyPem"`
	FagsystemCertPEM string `json:"fagsystemCertPem"`
	ArkivKonto       string `json:"arkivKonto"`
	ArkivKeyPEM      string `json:"arkivKeyPem"`
	ArkivCertPEM     string `json:"arkivCertPem"`
}

// fakeAnnouncement is the first line `fellesklient fake --json` prints: one member per
// service, with what a client in any language needs to reach it.
type fakeAnnouncement struct {
	Maskinporten struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"tokenEndpoint"`
		ClientID      string `json:"clientId"`
		Kid           string `json:"kid"`
		PrivateKeyPEM string `json:"privateKeyPem"`
		PrivateKey    string `json:"privateKeyFile"`
		// PrivateKeyJWK is the key as a JWK with its kid, for --key alone.
		PrivateKeyJWK string `json:"privateKeyJwkFile"`
		Scope         string `json:"scope"`
		Orgnr         string `json:"orgnr"`
	} `json:"maskinporten"`
	FIKS struct {
		APIBaseURL         string   `json:"apiBaseUrl"`
		IntegrasjonID      string   `json:"integrasjonId"`
		IntegrasjonPassord string   `json:"integrasjonPassord"`
		FiksOrgID          string   `json:"fiksOrgId"`
		Services           []string `json:"services"`
	} `json:"fiks"`
	SvarUt struct {
		BaseURL string `json:"baseUrl"`
		Konto   string `json:"konto"`
	} `json:"svarut"`
	SvarInn struct {
		BaseURL        string `json:"baseUrl"`
		Brukernavn     string `json:"brukernavn"`
		Passord        string `json:"passord"`
		Orgnr          string `json:"orgnr"`
		PrivateKeyPEM  string `json:"privateKeyPem"`
		PrivateKey     string `json:"privateKeyFile"`
		CertificatePEM string `json:"certificatePem"`
	} `json:"svarinn"`
	Folkeregister struct {
		Rolle    string   `json:"rolle"`
		Personer []string `json:"personer"`
	} `json:"folkeregister"`
	Minside struct {
		FiksOrgID string `json:"fiksOrgId"`
	} `json:"minside"`
	Edialog struct {
		Mottaker string `json:"mottaker"`
	} `json:"edialog"`
	Digisos struct {
		FiksOrgID string `json:"fiksOrgId"`
	} `json:"digisos"`
	EInnsyn struct {
		BaseURL   string `json:"baseUrl"`
		APIKey    string `json:"apiKey"`
		EnhetID   string `json:"enhetId"`
		Orgnummer string `json:"orgnummer"`
		// Journalposter are the demo journal's journalposter, public from the start.
		Journalposter []string `json:"journalposter"`
	} `json:"einnsyn"`
	// FIKSIO is FIKS IO with the reference Fiks Arkiv archive, with --fiksio.
	FIKSIO *fakeFIKSIO `json:"fiksio,omitempty"`
	// Env is a file of shell exports (FIKS_INTEGRASJON_ID, SVARINN_BRUKER, ...) for the
	// CLI: `. FILE`.
	Env string `json:"envFile"`
}

// fakeFIKSIO is the fiksio member of the announcement.
type fakeFIKSIO struct {
	// AMQPAddr is the broker's front door (plain AMQP; the password is the integrasjon
	// password, a space and a Maskinporten token, as FIKS IO's).
	AMQPAddr string `json:"amqpAddr"`
	// FagsystemKonto is the case system's konto: send from it, receive the answers on it.
	FagsystemKonto     string `json:"fagsystemKonto"`
	FagsystemKeyPEM    string `json:"fagsystemKeyPem"`
	FagsystemKey       string `json:"fagsystemKeyFile"`
	FagsystemCertPEM   string `json:"fagsystemCertificatePem"`
	FagsystemCert      string `json:"fagsystemCertificateFile"`
	ArkivKonto         string `json:"arkivKonto"`
	ArkivCertPEM       string `json:"arkivCertificatePem"`
	ArkivCert          string `json:"arkivCertificateFile"`
	Meldingsprotokoll  string `json:"meldingsprotokoll"`
	ArkivIdentifikator string `json:"arkivIdentifikator"`
}

func runFake(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fake")
	portBase := fs.Int("port-base", fakeDefaultPortBase, "first port: Maskinporten on N, the FIKS API on N+1, SvarUt/SvarInn on N+2, eInnsyn on N+3 (0: free ports)")
	state := fs.String("state", "", "keep the credentials and keys in this folder, so they stay the same from one start to the next (default: new ones, removed on exit)")
	asJSON := fs.Bool("json", false, "print the services and credentials as one JSON object on the first line of stdout")
	withFIKSIO := fs.Bool("fiksio", false, "also run FIKS IO (on N+4 for AMQP), with the reference Fiks Arkiv archive answering on its arkiv konto; starts a private RabbitMQ node (5-20 s; Debian package rabbitmq-server)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("fake takes no arguments (got %q)", fs.Arg(0))
	}
	if *portBase < 0 || *portBase > 65535-fakePortAMQP {
		return usageErr("--port-base %d: give a port between 1024 and %d, or 0 for free ports", *portBase, 65535-fakePortAMQP)
	}
	dir := *state
	if dir == "" {
		d, err := os.MkdirTemp("", "fellesklient-fake-")
		if err != nil {
			return ioErr(err)
		}
		defer os.RemoveAll(d)
		dir = d
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return ioErr(fmt.Errorf("--state %s: %w", dir, err))
	}
	sec, err := loadFakeSecrets(filepath.Join(dir, "credentials.json"))
	if err != nil {
		return err
	}
	nPorts := fakePortEInnsyn + 1
	if *withFIKSIO {
		nPorts = fakePortAMQP + 1
	}
	lns := make([]net.Listener, nPorts)
	for i := range lns {
		addr := "127.0.0.1:0"
		if *portBase != 0 {
			addr = fmt.Sprintf("127.0.0.1:%d", *portBase+i)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range lns[:i] {
				l.Close()
			}
			return ioErr(fmt.Errorf("cannot listen on %s (another fake running? choose another --port-base): %w", addr, err))
		}
		lns[i] = ln
	}
	var broker *fiksiotest.Broker
	if *withFIKSIO {
		fmt.Fprintln(e.stderr, "fellesklient fake: starting a private RabbitMQ node for FIKS IO ...")
		if broker, err = fiksiotest.StartBroker(); err != nil {
			for _, l := range lns {
				l.Close()
			}
			return ioErr(fmt.Errorf("--fiksio: %w", err))
		}
		defer broker.Stop()
	}
	f, err := startFakeServices(sec, lns, broker, slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		return err
	}
	defer f.Close()
	a, err := f.announce(sec, dir)
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", b)
	} else {
		printFakeAnnouncement(e, a)
	}
	fmt.Fprintln(e.stderr, "fellesklient fake: running on loopback (plain http); stop with Ctrl-C or SIGTERM")
	<-ctx.Done()
	fmt.Fprintln(e.stderr, "fellesklient fake: stopped")
	return nil
}

func printFakeAnnouncement(e *env, a *fakeAnnouncement) {
	w := e.stdout
	fmt.Fprintf(w, "Maskinporten    %s   client %s, kid %s, key %s, scope %s\n", a.Maskinporten.Issuer, a.Maskinporten.ClientID, a.Maskinporten.Kid, a.Maskinporten.PrivateKeyJWK, a.Maskinporten.Scope)
	fmt.Fprintf(w, "FIKS API        %s   (%s)\n", a.FIKS.APIBaseURL, strings.Join(a.FIKS.Services, ", "))
	fmt.Fprintf(w, "                fiks-org %s, rolle %s, eDialog mottaker %s\n", a.FIKS.FiksOrgID, a.Folkeregister.Rolle, a.Edialog.Mottaker)
	fmt.Fprintf(w, "SvarUt          %s   konto %s\n", a.SvarUt.BaseURL, a.SvarUt.Konto)
	fmt.Fprintf(w, "SvarInn         %s   mottakersystem %s (org %s), key %s\n", a.SvarInn.BaseURL, a.SvarInn.Brukernavn, a.SvarInn.Orgnr, a.SvarInn.PrivateKey)
	fmt.Fprintf(w, "eInnsyn         %s   enhet %s (org %s), API key in EINNSYN_API_KEY, a demo journal (%d journalposter)\n", a.EInnsyn.BaseURL, a.EInnsyn.EnhetID, a.EInnsyn.Orgnummer, len(a.EInnsyn.Journalposter))
	fmt.Fprintf(w, "Folkeregister   synthetic persons: %s\n", strings.Join(a.Folkeregister.Personer[:5], " "))
	fmt.Fprintf(w, "\nThe passwords and keys are in %s: `. %s` sets them for the CLI, for example:\n", a.Env, a.Env)
	fmt.Fprintf(w, "  fellesklient folkeregister person %s --rolle %s --base-url %s --issuer %s --client-id %s --key %s\n",
		a.Folkeregister.Personer[0], a.Folkeregister.Rolle, a.FIKS.APIBaseURL, a.Maskinporten.Issuer, a.Maskinporten.ClientID, a.Maskinporten.PrivateKeyJWK)
	if x := a.FIKSIO; x != nil {
		fmt.Fprintf(w, "FIKS IO         AMQP %s (plain), konto %s (key %s); the reference archive on konto %s (%s, %s)\n",
			x.AMQPAddr, x.FagsystemKonto, x.FagsystemKey, x.ArkivKonto, x.Meldingsprotokoll, x.ArkivIdentifikator)
	}
	fmt.Fprintln(w, "--json prints all of this, with the credentials, as one JSON object.")
}

// fakeServices are the running fakes.
type fakeServices struct {
	mp      *maskinportentest.Server
	freg    *folkeregistertest.Server
	svar    *svaruttest.Server
	minside *minsidetest.Server
	edialog *edialogtest.Server
	digisos *digisostest.Server
	einnsyn *einnsyntest.Server
	fiksAPI *http.Server
	fiksURL string
	fiksio  *fiksiotest.Server
	arkivIO *fiksio.Client
	arkiv   *fiksarkivtest.Arkiv
	routes  []fakeRoute
	persons []string
	// journalposter are the ids of the demo journal published to the eInnsyn fake.
	journalposter []string
}

// seedEInnsyn publishes a small public journal (a saksmappe with three journalposter) to
// the eInnsyn fake, through its API, so that search and get find something at once.
func seedEInnsyn(baseURL, apiKey string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := einnsyn.New(einnsyn.Options{BaseURL: baseURL, APIKey: auth.Secret(apiKey), UserAgent: "fellesklient-fake"})
	if err != nil {
		return nil, err
	}
	ark, err := c.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Sakarkiv"})
	if err != nil {
		return nil, err
	}
	del, err := c.Arkivdeler.Create(ctx, ark.ID, &einnsyn.Arkivdel{Tittel: "Sakarkiv 2026"})
	if err != nil {
		return nil, err
	}
	sm := &einnsyn.Saksmappe{Mappe: einnsyn.Mappe{OffentligTittel: "Reguleringsplan for Storgata", OffentligTittelSensitiv: "Reguleringsplan for Storgata"},
		Saksaar: 2026, Sakssekvensnummer: 42}
	for i, t := range []string{"Varsel om oppstart av reguleringsplan", "Merknad til varsel om oppstart", "Vedtak om reguleringsplan"} {
		typ := einnsyn.UtgaaendeDokument
		if i == 1 {
			typ = einnsyn.InngaaendeDokument
		}
		jp := &einnsyn.Journalpost{Registrering: einnsyn.Registrering{OffentligTittel: t, OffentligTittelSensitiv: t},
			Journalaar: 2026, Journalsekvensnummer: 100 + i, Journalpostnummer: i + 1, Journalposttype: typ, Journaldato: einnsyn.NewDato(2026, 3, 1+i)}
		sm.Journalpost = append(sm.Journalpost, einnsyn.Ref[einnsyn.Journalpost]{Object: jp})
	}
	created, err := c.Saksmapper.Create(ctx, del.ID, sm)
	if err != nil {
		return nil, err
	}
	var ids []string
	for jp, err := range c.Journalposter.List(ctx, &einnsyn.ListOptions{Parent: created.ID, SortOrder: "asc"}) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, jp.ID)
	}
	if len(ids) != len(sm.Journalpost) {
		return nil, fmt.Errorf("the saksmappe came back with %d journalposter, not %d", len(ids), len(sm.Journalpost))
	}
	return ids, nil
}

// fakeRoute sends the FIKS API's paths under prefix to one fake, as api.fiks.ks.no
// serves every FIKS service from one host.
type fakeRoute struct {
	service, prefix string
	target          *url.URL
}

func startFakeServices(sec *fakeSecrets, lns []net.Listener, broker *fiksiotest.Broker, logger *slog.Logger) (_ *fakeServices, err error) {
	f := &fakeServices{}
	defer func() {
		if err != nil {
			f.Close()
			for _, ln := range lns {
				ln.Close()
			}
		}
	}()
	clientKey, err := parseRSAKeyPEM(sec.ClientKeyPEM)
	if err != nil {
		return nil, err
	}
	f.mp = maskinportentest.NewServer(nil, maskinportentest.Options{Plain: true, Listener: lns[fakePortMaskinporten]})
	f.mp.AddClient(maskinportentest.Client{ID: sec.ClientID, Org: fakeOrg, Scopes: []string{fiks.Scope},
		Keys: map[string]*rsa.PublicKey{sec.Kid: &clientKey.PublicKey}})
	integ := fikstest.Integrasjon{ID: sec.IntegrasjonID, Passord: sec.IntegrasjonPassord, Org: fakeOrg,
		Privileges: []string{"svarut:konto:" + sec.Konto, "folkeregister:rolle:" + sec.Rolle, minsidetest.Privilege(sec.FiksOrgID)}}

	f.svar = svaruttest.NewServer(nil, svaruttest.Options{Maskinporten: f.mp, Plain: true, Listener: lns[fakePortSvarUt]})
	f.svar.AddKonto(sec.Konto)
	f.svar.AddIntegrasjon(integ)
	cert, err := parseCertPEM(sec.SvarinnCertPEM)
	if err != nil {
		return nil, err
	}
	f.svar.AddMottakersystem(svaruttest.Mottakersystem{ID: sec.SvarinnBruker, Navn: "Fellesklient kommune sakarkiv", Passord: sec.SvarinnPassord,
		Organisasjonsnummer: fakeOrg, Sertifikat: cert, Niva: 4})

	f.freg = folkeregistertest.NewServer(nil, folkeregistertest.Options{Maskinporten: f.mp, Plain: true})
	f.freg.AddIntegrasjon(integ)
	f.freg.AddRolle(folkeregistertest.Rolle{ID: sec.Rolle, Parts: []string{"person-basis", "historikk", "relasjon-utvidet", "identitetsgrunnlag-utvidet"}, Hendelser: true})
	f.persons = f.freg.Syntetiske(20, 1)

	f.minside = minsidetest.NewServer(nil, minsidetest.Options{Maskinporten: f.mp, Plain: true})
	f.minside.AddIntegrasjon(integ)
	f.edialog = edialogtest.NewServer(nil, edialogtest.Options{Maskinporten: f.mp, SvarUt: f.svar, Plain: true})
	f.edialog.AddIntegrasjon(integ)
	f.edialog.AddMottaker(edialogtest.Mottaker{ID: sec.EdialogMottaker, Navn: "Fellesklient kommune", Orgnr: fakeOrg, Mottakersystem: sec.SvarinnBruker})
	f.digisos = digisostest.NewServer(nil, digisostest.Options{Maskinporten: f.mp, Plain: true})
	f.digisos.AddIntegrasjon(integ)
	f.digisos.AddOrg(sec.FiksOrgID)

	f.einnsyn = einnsyntest.NewServer(nil, einnsyntest.Options{Plain: true, Listener: lns[fakePortEInnsyn]})
	f.einnsyn.AddEnhet(einnsyntest.Enhet{ID: sec.EinnsynEnhetID, Navn: "Fellesklient kommune", Orgnummer: fakeOrg})
	f.einnsyn.AddAPIKeySecret(auth.Secret(sec.EinnsynAPIKey), sec.EinnsynEnhetID)
	if f.journalposter, err = seedEInnsyn(f.einnsyn.URL(), sec.EinnsynAPIKey); err != nil {
		return nil, fmt.Errorf("publishing the demo journal to the eInnsyn fake: %w", err)
	}

	routes := []struct{ service, prefix, base string }{
		{"folkeregister", "/folkeregister/", f.freg.URL()},
		{"minside", "/innsyn-index/", f.minside.URL()},
		{"edialog", "/edialog/", f.edialog.URL()},
		{"digisos", "/digisos/", f.digisos.URL()},
	}
	if broker != nil {
		if err := f.startFIKSIO(sec, integ, broker, lns[fakePortAMQP], logger); err != nil {
			return nil, fmt.Errorf("FIKS IO: %w", err)
		}
		routes = append(routes, struct{ service, prefix, base string }{"fiksio", "/fiks-io/", f.fiksio.URL()},
			struct{ service, prefix, base string }{"dokumentlager", "/dokumentlager/", f.fiksio.URL()})
	}
	for _, r := range routes {
		u, err := url.Parse(r.base)
		if err != nil {
			return nil, err
		}
		f.routes = append(f.routes, fakeRoute{r.service, r.prefix, u})
	}
	ln := lns[fakePortFIKS]
	f.fiksURL = "http://" + ln.Addr().String()
	f.fiksAPI = &http.Server{Handler: f.fiksRouter(), ReadHeaderTimeout: 10 * time.Second}
	go f.fiksAPI.Serve(ln) //nolint:errcheck // ends with ErrServerClosed on Close
	return f, nil
}

// The Fiks Arkiv protocol the reference archive answers, and its address.
const (
	fakeArkivProtokoll = "no.ks.fiks.arkiv.v1"
	fakeArkivAdresse   = "ORG_NO." + fakeOrg
)

// startFIKSIO starts the FIKS IO fake on broker with two kontoer, the case system's (the
// announced integrasjon's) and the archive's, and the reference archive on the latter.
func (f *fakeServices) startFIKSIO(sec *fakeSecrets, integ fikstest.Integrasjon, broker *fiksiotest.Broker, amqp net.Listener, logger *slog.Logger) error {
	fag, err := identityFromPEM(sec.FagsystemKeyPEM, sec.FagsystemCertPEM)
	if err != nil {
		return err
	}
	ark, err := identityFromPEM(sec.ArkivKeyPEM, sec.ArkivCertPEM)
	if err != nil {
		return err
	}
	f.fiksio = fiksiotest.NewServer(nil, fiksiotest.Options{Maskinporten: f.mp, Broker: broker, Plain: true, AMQPListener: amqp})
	f.fiksio.AddIntegrasjon(integ)
	// The archive is another system: its own integrasjon, not announced.
	arkInteg := fikstest.Integrasjon{ID: uuid.NewString(), Passord: randomHex(16), Org: fakeOrg}
	f.fiksio.AddIntegrasjon(arkInteg)
	if err := f.fiksio.AddKonto(fiksiotest.Konto{ID: sec.FagsystemKonto, Navn: "Fellesklient fagsystem", FiksOrgNavn: "Fellesklient kommune",
		IntegrasjonID: integ.ID, Certificate: fag.Certificate}); err != nil {
		return err
	}
	if err := f.fiksio.AddKonto(fiksiotest.Konto{ID: sec.ArkivKonto, Navn: "Fellesklient arkiv", FiksOrgNavn: "Fellesklient kommune",
		IntegrasjonID: arkInteg.ID, Certificate: ark.Certificate,
		Adresser: []fiksiotest.Adresse{{Identifikator: fakeArkivAdresse, Meldingsprotokoll: fakeArkivProtokoll, Sikkerhetsniva: 3}}}); err != nil {
		return err
	}
	key, err := parseRSAKeyPEM(sec.ClientKeyPEM)
	if err != nil {
		return err
	}
	mp, err := maskinporten.New(maskinporten.Options{Environment: f.mp.Environment(), ClientID: sec.ClientID, Key: maskinporten.Key{Signer: key, KeyID: sec.Kid}})
	if err != nil {
		return err
	}
	tokens, err := mp.TokenSource(maskinporten.Request{Scopes: []string{fiks.Scope}})
	if err != nil {
		return err
	}
	f.arkivIO, err = fiksio.New(fiksio.Options{BaseURL: f.fiksio.URL(), KontoID: sec.ArkivKonto,
		Credentials: fiks.Credentials{Token: tokens, IntegrasjonID: arkInteg.ID, IntegrasjonPassord: auth.Secret(arkInteg.Passord)},
		Signer:      ark.Key, SignerCertificates: []*x509.Certificate{ark.Certificate}, Keys: []kryptering.Key{ark.DecryptionKey()},
		AMQPAddr: f.fiksio.AMQPAddr(), PlainAMQP: true, ApplicationName: "fellesklient-fake-arkiv"})
	if err != nil {
		return err
	}
	// Requests must be signed; the signer is not judged (a vendor may sign with its own
	// test certificate).
	f.arkiv = fiksarkivtest.NewServer(nil, fiksarkivtest.Options{FIKSIO: f.arkivIO, Verify: &fiksio.VerifyOptions{RequireSignature: true}, Logger: logger})
	return nil
}

func identityFromPEM(keyPEM, certPEM string) (*fiksiotest.Identity, error) {
	k, err := parseRSAKeyPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	c, err := parseCertPEM(certPEM)
	if err != nil {
		return nil, err
	}
	return &fiksiotest.Identity{Key: k, Certificate: c}, nil
}

// fiksRouter is the FIKS API host: each service's paths go to its fake, with the
// request's own Host kept, and anything else is FIKS's 404.
func (f *fakeServices) fiksRouter() http.Handler {
	proxies := make([]*httputil.ReverseProxy, len(f.routes))
	for i, r := range f.routes {
		target := r.target
		proxies[i] = &httputil.ReverseProxy{
			Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(target)
				pr.Out.Host = pr.In.Host
			},
			FlushInterval: -1,
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i, rt := range f.routes {
			if strings.HasPrefix(r.URL.Path, rt.prefix) {
				proxies[i].ServeHTTP(w, r)
				return
			}
		}
		fikstest.WriteError(w, r, http.StatusNotFound, "no FIKS service at "+r.URL.Path)
	})
}

func (f *fakeServices) Close() {
	if f.fiksAPI != nil {
		f.fiksAPI.Close()
	}
	if f.arkiv != nil {
		f.arkiv.Close()
	}
	if f.fiksio != nil {
		f.fiksio.Close()
	}
	if f.einnsyn != nil {
		f.einnsyn.Close()
	}
	if f.digisos != nil {
		f.digisos.Close()
	}
	if f.edialog != nil {
		f.edialog.Close()
	}
	if f.minside != nil {
		f.minside.Close()
	}
	if f.freg != nil {
		f.freg.Close()
	}
	if f.svar != nil {
		f.svar.Close()
	}
	if f.mp != nil {
		f.mp.Close()
	}
}

// announce writes the key files and the env file into dir and returns what the
// command prints.
func (f *fakeServices) announce(sec *fakeSecrets, dir string) (*fakeAnnouncement, error) {
	a := &fakeAnnouncement{}
	mpKey := filepath.Join(dir, "maskinporten-key.pem")
	mpJWK := filepath.Join(dir, "maskinporten-key.jwk")
	clientKey, err := parseRSAKeyPEM(sec.ClientKeyPEM)
	if err != nil {
		return nil, err
	}
	jwk, err := rsaPrivateJWK(clientKey, sec.Kid)
	if err != nil {
		return nil, err
	}
	svKey := filepath.Join(dir, "svarinn-key.pem")
	envFile := filepath.Join(dir, "env.sh")
	issuer := string(f.mp.Environment())
	a.Maskinporten.Issuer = issuer
	a.Maskinporten.TokenEndpoint = strings.TrimSuffix(issuer, "/") + "/token"
	a.Maskinporten.ClientID, a.Maskinporten.Kid = sec.ClientID, sec.Kid
	a.Maskinporten.PrivateKeyPEM, a.Maskinporten.PrivateKey, a.Maskinporten.PrivateKeyJWK = sec.ClientKeyPEM, mpKey, mpJWK
	a.Maskinporten.Scope, a.Maskinporten.Orgnr = fiks.Scope, fakeOrg
	a.FIKS.APIBaseURL = f.fiksURL
	a.FIKS.IntegrasjonID, a.FIKS.IntegrasjonPassord, a.FIKS.FiksOrgID = sec.IntegrasjonID, sec.IntegrasjonPassord, sec.FiksOrgID
	for _, r := range f.routes {
		a.FIKS.Services = append(a.FIKS.Services, r.service)
	}
	a.SvarUt.BaseURL, a.SvarUt.Konto = f.svar.URL(), sec.Konto
	a.SvarInn.BaseURL, a.SvarInn.Brukernavn, a.SvarInn.Passord, a.SvarInn.Orgnr = f.svar.URL(), sec.SvarinnBruker, sec.SvarinnPassord, fakeOrg
	a.SvarInn.PrivateKeyPEM, a.SvarInn.PrivateKey, a.SvarInn.CertificatePEM = sec.SvarinnKeyPEM, svKey, sec.SvarinnCertPEM
	a.Folkeregister.Rolle, a.Folkeregister.Personer = sec.Rolle, f.persons
	a.Minside.FiksOrgID = sec.FiksOrgID
	a.Edialog.Mottaker = sec.EdialogMottaker
	a.Digisos.FiksOrgID = sec.FiksOrgID
	a.EInnsyn.BaseURL, a.EInnsyn.APIKey, a.EInnsyn.EnhetID, a.EInnsyn.Orgnummer = f.einnsyn.URL(), sec.EinnsynAPIKey, sec.EinnsynEnhetID, fakeOrg
	a.EInnsyn.Journalposter = f.journalposter
	a.Env = envFile
	files := []struct{ path, data string }{{mpKey, sec.ClientKeyPEM}, {mpJWK, jwk}, {svKey, sec.SvarinnKeyPEM}}
	if f.fiksio != nil {
		x := &fakeFIKSIO{AMQPAddr: f.fiksio.AMQPAddr(), FagsystemKonto: sec.FagsystemKonto, FagsystemKeyPEM: sec.FagsystemKeyPEM,
			FagsystemKey: filepath.Join(dir, "fiksio-fagsystem.key"), FagsystemCertPEM: sec.FagsystemCertPEM, FagsystemCert: filepath.Join(dir, "fiksio-fagsystem.pem"),
			ArkivKonto: sec.ArkivKonto, ArkivCertPEM: sec.ArkivCertPEM, ArkivCert: filepath.Join(dir, "fiksio-arkiv.pem"),
			Meldingsprotokoll: fakeArkivProtokoll, ArkivIdentifikator: fakeArkivAdresse}
		a.FIKSIO = x
		files = append(files, struct{ path, data string }{x.FagsystemKey, x.FagsystemKeyPEM}, struct{ path, data string }{x.FagsystemCert, x.FagsystemCertPEM},
			struct{ path, data string }{x.ArkivCert, x.ArkivCertPEM})
	}
	exports := []string{
		"# fellesklient fake: the CLI's environment for the fakes (`. " + envFile + "`)",
		"export FIKS_INTEGRASJON_ID=" + sec.IntegrasjonID,
		"export FIKS_INTEGRASJON_PASSORD=" + sec.IntegrasjonPassord,
		"export SVARINN_BRUKER=" + sec.SvarinnBruker,
		"export SVARINN_PASSORD=" + sec.SvarinnPassord,
		"export EINNSYN_API_KEY=" + sec.EinnsynAPIKey,
		"export FAKE_MASKINPORTEN_ISSUER=" + issuer,
		"export FAKE_CLIENT_ID=" + sec.ClientID,
		"export FAKE_CLIENT_KEY=" + mpJWK,
		"export FAKE_FIKS_API=" + f.fiksURL,
		"export FAKE_FIKS_ORG=" + sec.FiksOrgID,
		"export FAKE_SVARUT=" + f.svar.URL(),
		"export FAKE_SVARUT_KONTO=" + sec.Konto,
		"export FAKE_SVARINN_KEY=" + svKey,
		"export FAKE_ROLLE=" + sec.Rolle,
		"export FAKE_EDIALOG_MOTTAKER=" + sec.EdialogMottaker,
		"export FAKE_EINNSYN=" + f.einnsyn.URL(),
		"export FAKE_EINNSYN_JOURNALPOST=" + f.journalposter[0],
		"export FAKE_FNR=" + f.persons[0],
	}
	if x := a.FIKSIO; x != nil {
		exports = append(exports, "export FAKE_AMQP="+x.AMQPAddr, "export FAKE_FIKSIO_KONTO="+x.FagsystemKonto, "export FAKE_FIKSIO_KEY="+x.FagsystemKey,
			"export FAKE_FIKSIO_CERT="+x.FagsystemCert, "export FAKE_ARKIV_KONTO="+x.ArkivKonto, "export FAKE_ARKIV_CERT="+x.ArkivCert)
	}
	files = append(files, struct{ path, data string }{envFile, strings.Join(exports, "\n") + "\n"})
	for _, w := range files {
		if err := os.WriteFile(w.path, []byte(w.data), 0o600); err != nil {
			return nil, ioErr(err)
		}
	}
	return a, nil
}

// loadFakeSecrets reads the set-up kept in path, or makes a new one and keeps it there.
func loadFakeSecrets(path string) (*fakeSecrets, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		var s fakeSecrets
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, ioErr(fmt.Errorf("%s: %w (remove it to start afresh)", path, err))
		}
		if _, err := parseRSAKeyPEM(s.ClientKeyPEM); err != nil {
			return nil, ioErr(fmt.Errorf("%s: clientKeyPem: %w (remove the file to start afresh)", path, err))
		}
		if s.addFIKSIO() {
			if err := saveFakeSecrets(path, &s); err != nil {
				return nil, err
			}
		}
		return &s, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, ioErr(err)
	}
	s, err := newFakeSecrets()
	if err != nil {
		return nil, err
	}
	return s, saveFakeSecrets(path, s)
}

func saveFakeSecrets(path string, s *fakeSecrets) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o600); err != nil {
		return ioErr(err)
	}
	return nil
}

func newFakeSecrets() (*fakeSecrets, error) {
	clientKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	svKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	bruker := "fake-sakarkiv"
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: bruker, SerialNumber: fakeOrg},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(10, 0, 0), KeyUsage: x509.KeyUsageKeyEncipherment}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &svKey.PublicKey, svKey)
	if err != nil {
		return nil, err
	}
	einnsynKey := make([]byte, 16)
	_, _ = rand.Read(einnsynKey)
	s := &fakeSecrets{
		ClientID:           "fake-fagsystem",
		Kid:                "fake-" + randomHex(4),
		ClientKeyPEM:       rsaKeyPEM(clientKey),
		IntegrasjonID:      uuid.NewString(),
		IntegrasjonPassord: randomHex(16),
		FiksOrgID:          uuid.NewString(),
		Konto:              uuid.NewString(),
		Rolle:              uuid.NewString(),
		SvarinnBruker:      bruker,
		SvarinnPassord:     randomHex(12),
		SvarinnKeyPEM:      rsaKeyPEM(svKey),
		SvarinnCertPEM:     string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		EdialogMottaker:    uuid.NewString(),
		EinnsynEnhetID:     einnsyntest.NewID("enh"),
		EinnsynAPIKey:      "secret_" + hex.EncodeToString(einnsynKey),
	}
	s.addFIKSIO()
	return s, nil
}

// addFIKSIO makes the FIKS IO kontoer and their keys when the set-up has none (one kept
// from before --fiksio existed).
func (s *fakeSecrets) addFIKSIO() bool {
	if s.FagsystemKonto != "" && s.ArkivKonto != "" {
		return false
	}
	pemOf := func(id *fiksiotest.Identity) (string, string) {
		return rsaKeyPEM(id.Key), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Certificate.Raw}))
	}
	s.FagsystemKonto, s.ArkivKonto = uuid.NewString(), uuid.NewString()
	s.FagsystemKeyPEM, s.FagsystemCertPEM = pemOf(fiksiotest.NewIdentity("Fellesklient fagsystem", fakeOrg))
	s.ArkivKeyPEM, s.ArkivCertPEM = pemOf(fiksiotest.NewIdentity("Fellesklient arkiv", fakeOrg))
	return true
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func rsaKeyPEM(k *rsa.PrivateKey) string {
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// rsaPrivateJWK is k as a private JWK (RFC 7517, 7518 §6.3) with its kid.
func rsaPrivateJWK(k *rsa.PrivateKey, kid string) (string, error) {
	if len(k.Primes) != 2 {
		return "", errors.New("the client key must have two primes")
	}
	b64 := func(n *big.Int) string { return base64.RawURLEncoding.EncodeToString(n.Bytes()) }
	k.Precompute()
	j, err := json.Marshal(map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": b64(k.N), "e": b64(big.NewInt(int64(k.E))), "d": b64(k.D), "p": b64(k.Primes[0]), "q": b64(k.Primes[1]),
		"dp": b64(k.Precomputed.Dp), "dq": b64(k.Precomputed.Dq), "qi": b64(k.Precomputed.Qinv)})
	return string(j) + "\n", err
}

func parseRSAKeyPEM(s string) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("not a PEM key")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return rk, nil
}

func parseCertPEM(s string) (*x509.Certificate, error) {
	b, _ := pem.Decode([]byte(s))
	if b == nil {
		return nil, errors.New("svarinnCertPem: not a PEM certificate")
	}
	return x509.ParseCertificate(b.Bytes)
}
