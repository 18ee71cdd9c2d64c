// Package testutil holds helpers for the module's own tests: keys and certificates,
// external tools that must be present in CI, and log capture.
package testutil

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

var (
	keyMu sync.Mutex
	keys  = map[int][]*rsa.PrivateKey{}
)

// Key returns the i-th RSA test key of the given size, generated once per process.
func Key(t testing.TB, bits, i int) *rsa.PrivateKey {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	for len(keys[bits]) <= i {
		k, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			t.Fatal(err)
		}
		keys[bits] = append(keys[bits], k)
	}
	return keys[bits][i]
}

// Cert issues a certificate for key, signed by parent/parentKey (self-signed when parent
// is nil), valid from notBefore to notAfter, with the organisasjonsnummer as subject
// serialNumber as Norwegian virksomhetssertifikater have.
func Cert(t testing.TB, key *rsa.PrivateKey, cn, orgnr string, parent *x509.Certificate, parentKey *rsa.PrivateKey, notBefore, notAfter time.Time, isCA bool) *x509.Certificate {
	t.Helper()
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{CommonName: cn, Organization: []string{"Test kommune"}, Country: []string{"NO"},
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 5}, Value: orgnr}}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  isCA,
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Tool returns the path of an external program. Without it the test is skipped, except
// in CI (CI=true), where it fails: CI must install what the tests need.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; .ci/run must install it", name)
		}
		t.Skipf("%s is not installed (CI installs it)", name)
	}
	return p
}

// LogBuffer is a concurrency-safe buffer for slog output.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger returns a debug-level JSON logger writing to b.
func (b *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
