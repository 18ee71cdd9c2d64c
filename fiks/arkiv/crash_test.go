package arkiv_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/arkiv"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

const childEnv = "ARKIV_TEST_CHILD"

// childMain is the test binary run as a case system: it files one arkivmelding with the
// klientMeldingId it is given and waits for the kvittering, until the test kills it.
func childMain() int {
	pemBytes := func(name string) *pem.Block {
		b, err := os.ReadFile(os.Getenv(name))
		if err != nil {
			return nil
		}
		blk, _ := pem.Decode(b)
		return blk
	}
	ca, httpCA, keyBlk, certBlk := pemBytes("ARKIV_CHILD_CA"), pemBytes("ARKIV_CHILD_HTTPCA"), pemBytes("ARKIV_CHILD_KEY"), pemBytes("ARKIV_CHILD_CERT")
	if ca == nil || httpCA == nil || keyBlk == nil || certBlk == nil {
		return 2
	}
	httpCert, err := x509.ParseCertificate(httpCA.Bytes)
	if err != nil {
		return 2
	}
	httpPool := x509.NewCertPool()
	httpPool.AddCert(httpCert)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: httpPool}}}
	caCert, err := x509.ParseCertificate(ca.Bytes)
	if err != nil {
		return 2
	}
	key, err := x509.ParsePKCS8PrivateKey(keyBlk.Bytes)
	if err != nil {
		return 2
	}
	cert, err := x509.ParseCertificate(certBlk.Bytes)
	if err != nil {
		return 2
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	fio, err := fiksio.New(fiksio.Options{BaseURL: os.Getenv("ARKIV_CHILD_API"), HTTPClient: hc, KontoID: os.Getenv("ARKIV_CHILD_KONTO"),
		Credentials: fiks.Credentials{Token: auth.Static(os.Getenv("ARKIV_CHILD_TOKEN")), IntegrasjonID: os.Getenv("ARKIV_CHILD_INTEG"),
			IntegrasjonPassord: auth.Secret(os.Getenv("ARKIV_CHILD_PASS"))},
		Signer: key.(*rsa.PrivateKey), SignerCertificates: []*x509.Certificate{cert},
		AMQPAddr: os.Getenv("ARKIV_CHILD_AMQP"), TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}})
	if err != nil {
		return 2
	}
	c, err := arkiv.New(arkiv.Options{FIKSIO: fio, Arkiv: os.Getenv("ARKIV_CHILD_ARKIV"), Timeout: time.Hour})
	if err != nil {
		return 2
	}
	_, _ = c.Arkiver(context.Background(), journalpost("sak-killed", "vedtak.pdf"),
		&arkiv.SendOptions{KlientMeldingID: os.Getenv("ARKIV_CHILD_KLIENTID"), Vedlegg: []fiksio.Fil{fiksio.Bytes("vedtak.pdf", []byte("%PDF-1.7 vedtak\n"))}})
	return 3 // not reached: the test kills the child while it waits
}

// The case system is killed (SIGKILL) while it waits for the kvittering; the archive files
// the arkivmelding and answers into the queue. The next run of the case system sends the
// arkivmelding again with the same klientMeldingId and gets the kvittering of what was
// filed the first time; the archive holds one saksmappe and one journalpost.
func TestKilledCaseSystem(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	e := newEnv(t, func(ctx context.Context, r *arkiv.Request) error {
		once.Do(func() {
			close(arrived)
			<-release // answer only once the case system is dead
		})
		return nil
	})
	dir := t.TempDir()
	caPath, httpCAPath := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "http-ca.pem")
	require.NoError(t, os.WriteFile(caPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.fake.AMQPCertificate().Raw}), 0o644))
	require.NoError(t, os.WriteFile(httpCAPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.fake.Certificate().Raw}), 0o644))
	keyPath, certPath, err := fagsystemID.WritePEM(dir, "fagsystem")
	require.NoError(t, err)
	tok, err := e.fx.Tokens.Token(context.Background())
	require.NoError(t, err)
	const klientID = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "ARKIV_CHILD_CA="+caPath, "ARKIV_CHILD_HTTPCA="+httpCAPath, "ARKIV_CHILD_KEY="+keyPath, "ARKIV_CHILD_CERT="+certPath,
		"ARKIV_CHILD_API="+e.fake.URL(), "ARKIV_CHILD_KONTO="+e.kontoFagsystem, "ARKIV_CHILD_ARKIV="+e.kontoArkiv,
		"ARKIV_CHILD_TOKEN="+tok.Value, "ARKIV_CHILD_INTEG="+e.fx.Integrasjon.ID, "ARKIV_CHILD_PASS="+e.fx.Integrasjon.Passord,
		"ARKIV_CHILD_AMQP="+e.fake.AMQPAddr(), "ARKIV_CHILD_KLIENTID="+klientID)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-arrived:
	case err := <-exited:
		t.Fatalf("the child ended before its arkivmelding reached the archive: %v\n%s", err, out.String())
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("the child's arkivmelding did not reach the archive\n%s", out.String())
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	err = <-exited
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	ws := ee.Sys().(syscall.WaitStatus)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the child was killed: %v", err)
	close(release) // the archive files it; the kvittering goes to a queue nobody reads
	require.Eventually(t, func() bool { return e.arkiv.Filings() == 1 }, 30*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { n, _ := e.fake.QueueLength(e.kontoFagsystem); return n >= 1 }, 30*time.Second, 20*time.Millisecond,
		"the kvittering waits in the case system's queue")

	// The next run: the old kvittering is unmatched; the resend is answered with what was filed.
	unmatched := make(chan string, 10)
	c := e.client(t, func(o *arkiv.Options) {
		o.Unmatched = func(ctx context.Context, s *arkiv.Svar) error { unmatched <- s.Meldingstype; return nil }
	})
	k, err := c.Arkiver(context.Background(), journalpost("sak-killed", "vedtak.pdf"),
		&arkiv.SendOptions{KlientMeldingID: klientID, Vedlegg: []fiksio.Fil{fiksio.Bytes("vedtak.pdf", []byte("%PDF-1.7 vedtak\n"))}})
	require.NoError(t, err)
	assert.Equal(t, fiksarkiv.Eksisterende, k.Mappe.OpprettetEllerEksisterende)
	assert.Equal(t, fiksarkiv.Eksisterende, k.Registrering.OpprettetEllerEksisterende)
	assert.Equal(t, 1, e.arkiv.Filings(), "filed once")
	assert.Len(t, e.arkiv.Mapper(), 1)
	assert.Len(t, e.arkiv.Journalposter(), 1)
	select {
	case typ := <-unmatched:
		assert.Contains(t, []string{fiksarkiv.TypeArkivmeldingOpprettKvitteringV2, fiksarkiv.TypeArkivmeldingOpprettMottattV2}, typ)
	case <-time.After(10 * time.Second):
		t.Error("the first run's answers did not reach the next run")
	}
}
