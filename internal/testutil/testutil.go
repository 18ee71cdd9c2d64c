// Package testutil holds helpers for the module's own tests: keys and certificates,
// external tools that must be present in CI, and log capture.
package testutil

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
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
		SubjectKeyId:          ski(&key.PublicKey),
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

// XMLLint validates doc against the XSD at xsd with the real xmllint (skipped without it,
// failing in CI) and returns xmllint's complaints, or "" when doc is valid.
func XMLLint(t testing.TB, xsd string, doc []byte) string {
	t.Helper()
	bin := Tool(t, "xmllint")
	f := filepath.Join(t.TempDir(), "doc.xml")
	if err := os.WriteFile(f, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput()
	if err == nil {
		return ""
	}
	if len(out) == 0 {
		return err.Error()
	}
	return string(out)
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

// SharedFile returns the path of a file under ../shared (beside the module root), for
// example SharedFile(t, "specs/fiks/kryptering/testdata/EncryptedData.txt"). Without the
// file the test is skipped, except in CI (CI=true), where it fails.
func SharedFile(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testutil: module root not found")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI needs ../shared beside the checkout", p)
		}
		sharedSkips.Add(1)
		t.Skipf("%s is missing (../shared is not beside this checkout)", p)
	}
	return p
}

func ski(pub *rsa.PublicKey) []byte {
	der := x509.MarshalPKCS1PublicKey(pub)
	sum := sha1.Sum(der)
	return sum[:]
}

// Pattern is an endless deterministic byte stream for large-payload tests: two Patterns
// produce the same bytes.
type Pattern struct{ n uint64 }

func (p *Pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(p.n*131 + p.n>>9)
		p.n++
	}
	return len(b), nil
}

// sharedSkips counts the tests of this test binary that skipped for lack of ../shared.
var sharedSkips atomic.Int64

// Run runs the package's tests (call it from TestMain: os.Exit(testutil.Run(m))) and then,
// when some skipped for lack of ../shared, says how many in one line and how to get the
// specs: on stderr (shown with -v or on failure) and on the terminal, if there is one
// (go test shows nothing of a passing package in package-list mode).
func Run(m *testing.M) int {
	code := m.Run()
	if n := sharedSkips.Load(); n > 0 {
		msg := fmt.Sprintf("fellesklient: %d test(s) in this package skipped: ../shared (the specs and test vectors) is not beside this checkout; see CONTRIBUTING.md to get it\n", n)
		fmt.Fprint(os.Stderr, msg)
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			_, _ = tty.WriteString(msg)
			tty.Close()
		}
	}
	return code
}
