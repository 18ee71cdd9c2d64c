package fiksio_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// childMain is the test binary run as a receiver in a child process: it takes one
// message, writes and syncs its melding-id to a file, and is killed (SIGKILL) before it
// can acknowledge.
func childMain() int {
	ca, err := os.ReadFile(os.Getenv("FIKSIO_CHILD_CA"))
	if err != nil {
		return 2
	}
	blk, _ := pem.Decode(ca)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return 2
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	c, err := fiksio.New(fiksio.Options{BaseURL: os.Getenv("FIKSIO_CHILD_API"), KontoID: os.Getenv("FIKSIO_CHILD_KONTO"),
		Credentials: fiks.Credentials{Token: auth.Static(os.Getenv("FIKSIO_CHILD_TOKEN")), IntegrasjonID: os.Getenv("FIKSIO_CHILD_INTEG"),
			IntegrasjonPassord: auth.Secret(os.Getenv("FIKSIO_CHILD_PASS"))},
		AMQPAddr: os.Getenv("FIKSIO_CHILD_AMQP"), TLSConfig: &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}})
	if err != nil {
		return 2
	}
	err = c.Receive(context.Background(), func(ctx context.Context, m *fiksio.MottattMelding) error {
		f, err := os.Create(os.Getenv("FIKSIO_CHILD_MARK"))
		if err != nil {
			return err
		}
		_, _ = f.WriteString(m.MeldingID)
		_ = f.Sync()
		_ = f.Close()
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL) // between the write and the ack
		return nil
	}, nil)
	if err != nil {
		return 3
	}
	return 0
}

// A receiver killed between writing and acknowledging leaves the message in the queue;
// the next run gets it once, marked Resendt, and acknowledges it.
func TestKilledReceiver(t *testing.T) {
	t.Parallel()
	e := newEnv(t, fiksiotest.Options{})
	dir := t.TempDir()
	sent := e.send(t, e.sender, e.kontoB, typeOpprett, fiksioBytes("a.xml", "<a/>"))
	caPath := filepath.Join(dir, "ca.pem")
	require.NoError(t, os.WriteFile(caPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.fake.AMQPCertificate().Raw}), 0o644))
	tok, err := e.b.Tokens.Token(context.Background())
	require.NoError(t, err)
	mark := filepath.Join(dir, "handled")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1", "FIKSIO_CHILD_CA="+caPath, "FIKSIO_CHILD_API="+e.fake.URL(),
		"FIKSIO_CHILD_KONTO="+e.kontoB, "FIKSIO_CHILD_TOKEN="+tok.Value, "FIKSIO_CHILD_INTEG="+e.b.Integrasjon.ID,
		"FIKSIO_CHILD_PASS="+e.b.Integrasjon.Passord, "FIKSIO_CHILD_AMQP="+e.fake.AMQPAddr(), "FIKSIO_CHILD_MARK="+mark)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "%s", out)
	ws := ee.Sys().(syscall.WaitStatus)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "the child was killed: %v %s", err, out)
	got, err := os.ReadFile(mark)
	require.NoError(t, err)
	require.Equal(t, sent.MeldingID, string(got), "the child handled the message before it died")

	require.Eventually(t, func() bool { n, _ := e.fake.QueueLength(e.kontoB); return n == 1 }, 30*time.Second, 50*time.Millisecond,
		"not acknowledged: the message is back in the queue")
	in := newInbox()
	receiving(t, e.recv, in.handler, nil)
	m := in.wait(t, 1, 30*time.Second)[0]
	assert.Equal(t, sent.MeldingID, m.MeldingID)
	assert.True(t, m.Resendt, "the next run sees it was delivered before")
	require.Eventually(t, func() bool { n, _ := e.fake.QueueLength(e.kontoB); return n == 0 }, 10*time.Second, 50*time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	assert.Len(t, in.wait(t, 1, time.Second), 1, "handled once by the second run")
}

// The broker restarts mid-stream: queued messages survive, the receiver reconnects with
// a fresh token, the fake's sending reconnects, and every message is handled. Not
// parallel: it restarts the broker every test of this binary shares.
func TestBrokerRestart(t *testing.T) {
	e := newEnv(t, fiksiotest.Options{})
	var tokenCalls atomic.Int32
	recv := e.client(t, e.b, e.kontoB, mottakerID, func(o *fiksio.Options) {
		o.Credentials.Token = auth.TokenSourceFunc(func(ctx context.Context) (*auth.Token, error) {
			tokenCalls.Add(1)
			return e.b.Tokens.Token(ctx)
		})
	})
	in := newInbox()
	receiving(t, recv, in.handler, &fiksio.ReceiveOptions{MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second})
	for i := range 3 {
		e.send(t, e.sender, e.kontoB, typeOpprett, fiksioBytes("a.xml", strings.Repeat("x", i+1)))
	}
	in.wait(t, 3, 30*time.Second)
	// Two more wait in the queue while the broker restarts.
	sc := e.client(t, e.a, e.kontoA, avsenderID, nil)
	require.NoError(t, broker(t).Restart())
	for i := range 3 {
		_, err := sc.Send(context.Background(), &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett, Filer: []fiksio.Fil{fiksioBytes("b.xml", strings.Repeat("y", i+1))}})
		require.NoError(t, err)
	}
	got := in.wait(t, 6, 90*time.Second)
	ids := map[string]bool{}
	for _, m := range got {
		ids[m.MeldingID] = true
	}
	assert.Len(t, ids, 6)
	assert.GreaterOrEqual(t, tokenCalls.Load(), int32(2), "a token for the connection after the restart")
	assert.GreaterOrEqual(t, len(e.fake.Logins()), 2)
}

func fiksioBytes(name, s string) fiksio.Fil { return fiksio.Bytes(name, []byte(s)) }
