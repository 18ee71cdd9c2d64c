package kryptering_test

import (
	"bytes"
	"crypto/aes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.SharedFile(t, rel))
	require.NoError(t, err)
	return b
}

func decryptAll(t *testing.T, ct []byte, key kryptering.Key) ([]byte, error) {
	t.Helper()
	r, err := kryptering.NewDecrypter(bytes.NewReader(ct), key)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// TestKSVector decrypts KS's own test vector (BER, indefinite lengths, 1000-byte chunks,
// RSA-OAEP SHA-256) from ks-no/kryptering-dotnet.
func TestKSVector(t *testing.T) {
	enc := readShared(t, "specs/fiks/kryptering/testdata/EncryptedData.txt")
	plain := readShared(t, "specs/fiks/kryptering/testdata/UnencryptedData.txt")
	keyPEM := readShared(t, "specs/fiks/kryptering/testdata/fiks_demo_private.pem")
	certPEM := readShared(t, "specs/fiks/kryptering/testdata/fiks_demo_public.pem")

	ct, err := base64.StdEncoding.DecodeString(strings.TrimSpace(strings.TrimPrefix(string(enc), "\ufeff")))
	require.NoError(t, err)
	want := bytes.TrimPrefix(plain, []byte("\xef\xbb\xbf"))
	sum := sha256.Sum256(want)
	require.True(t, strings.HasPrefix(hex.EncodeToString(sum[:]), "ba70ddad"), "expected plaintext per SOURCES.md")

	key, err := kryptering.ParseKey(keyPEM, "")
	require.NoError(t, err)
	got, err := decryptAll(t, ct, key)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	certs, err := kryptering.ParseCertificates(certPEM)
	require.NoError(t, err)
	key.Certificate = certs[0]
	got, err = decryptAll(t, ct, key)
	require.NoError(t, err, "the recipient is found by issuer and serial")
	assert.Equal(t, want, got)

	// Truncated anywhere: an error wrapping ErrIntegrity or ErrFormat, never a clean EOF.
	for _, cut := range []int{len(ct) - 1, len(ct) - 2, len(ct) - 17, len(ct) / 2, 200, 30, 3} {
		_, err := decryptAll(t, ct[:cut], key)
		require.Error(t, err, "cut at %d", cut)
		assert.True(t, errors.Is(err, kryptering.ErrIntegrity) || errors.Is(err, kryptering.ErrFormat), "cut at %d: %v", cut, err)
	}
}

// TestSvarInnExample decrypts the SvarInn example file to the published PDF.
func TestSvarInnExample(t *testing.T) {
	ct := readShared(t, "specs/fiks/svarinn/examples/small.crypt")
	pdf := readShared(t, "specs/fiks/svarinn/examples/small.pdf")
	key, err := kryptering.ParseKey(readShared(t, "specs/fiks/svarinn/examples/privatekey.pem"), "")
	require.NoError(t, err)
	got, err := decryptAll(t, ct, key)
	require.NoError(t, err)
	assert.Equal(t, pdf, got)
}

type party struct {
	key     *rsa.PrivateKey
	cert    *x509.Certificate
	keyFile string
	crtFile string
}

func newParty(t *testing.T, dir, name string, i int) party {
	key := testutil.Key(t, 2048, i)
	cert := testutil.Cert(t, key, name, "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), false)
	p := party{key: key, cert: cert, keyFile: filepath.Join(dir, name+".key"), crtFile: filepath.Join(dir, name+".crt")}
	require.NoError(t, os.WriteFile(p.keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	require.NoError(t, os.WriteFile(p.crtFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	return p
}

func encrypt(t *testing.T, plain []byte, opts kryptering.EncryptOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := kryptering.NewEncrypter(&buf, opts)
	require.NoError(t, err)
	// Odd write sizes exercise the partial-block paths.
	for p := plain; len(p) > 0; {
		n := min(len(p), 1+len(p)%977)
		_, err := w.Write(p[:n])
		require.NoError(t, err)
		p = p[n:]
	}
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	a, b := newParty(t, dir, "a", 0), newParty(t, dir, "b", 1)
	for _, size := range []int{0, 1, 15, 16, 17, 1000, 65536, 65537, 300_000} {
		plain := make([]byte, size)
		_, _ = rand.Read(plain)
		ct := encrypt(t, plain, kryptering.EncryptOptions{Recipients: []*x509.Certificate{a.cert}, LegacyRecipients: []*x509.Certificate{b.cert}, ChunkSize: 1000})
		for _, p := range []party{a, b} {
			got, err := decryptAll(t, ct, kryptering.Key{Decrypter: p.key, Certificate: p.cert})
			require.NoError(t, err, "size %d", size)
			require.Equal(t, plain, got, "size %d", size)
			got, err = decryptAll(t, ct, kryptering.Key{Decrypter: p.key})
			if p.key == b.key {
				// b's recipient is PKCS#1 v1.5 by issuer and serial: without the
				// certificate nothing identifies it as b's, and v1.5 is not tried blindly.
				require.ErrorIs(t, err, kryptering.ErrNoRecipient, "size %d", size)
				continue
			}
			require.NoError(t, err, "size %d without certificate", size)
			require.Equal(t, plain, got)
		}
	}
}

func TestWrongKeyAndCorruption(t *testing.T) {
	dir := t.TempDir()
	a, c := newParty(t, dir, "a", 0), newParty(t, dir, "c", 2)
	plain := bytes.Repeat([]byte("konfidensielt vedtak "), 500)
	ct := encrypt(t, plain, kryptering.EncryptOptions{Recipients: []*x509.Certificate{a.cert}})

	_, err := decryptAll(t, ct, kryptering.Key{Decrypter: c.key})
	require.ErrorIs(t, err, kryptering.ErrNoRecipient)
	_, err = decryptAll(t, ct, kryptering.Key{Decrypter: c.key, Certificate: c.cert})
	require.ErrorIs(t, err, kryptering.ErrNoRecipient)

	// Flip the last byte of the next-to-last ciphertext block: CBC XORs it into the last
	// plaintext byte, the padding length (1-16), which becomes 0x44 or more, so the
	// padding check fails at the end, every time. (Flipping a byte of the last block
	// itself garbles that block at random, which passes as padding 1 time in about 256:
	// the whole-suite loop caught it.)
	bad := bytes.Clone(ct)
	bad[len(bad)-10-1-aes.BlockSize] ^= 0x55
	_, err = decryptAll(t, bad, kryptering.Key{Decrypter: a.key})
	require.ErrorIs(t, err, kryptering.ErrIntegrity)

	_, err = decryptAll(t, []byte("not cms at all"), kryptering.Key{Decrypter: a.key})
	require.ErrorIs(t, err, kryptering.ErrFormat)
	_, err = decryptAll(t, nil, kryptering.Key{Decrypter: a.key})
	require.Error(t, err)

	// Trailing end markers missing: not accepted as complete.
	_, err = decryptAll(t, ct[:len(ct)-4], kryptering.Key{Decrypter: a.key})
	require.ErrorIs(t, err, kryptering.ErrIntegrity)
}

// TestOpenSSLDecryptsOurs: what we write, openssl cms decrypts (the KS/BouncyCastle
// profile check: explicit OAEP parameters with MGF1-SHA-256).
func TestOpenSSLDecryptsOurs(t *testing.T) {
	openssl := testutil.Tool(t, "openssl")
	dir := t.TempDir()
	a := newParty(t, dir, "a", 0)
	plain := make([]byte, 200_003)
	_, _ = rand.Read(plain)
	ct := encrypt(t, plain, kryptering.EncryptOptions{Recipients: []*x509.Certificate{a.cert}})
	in := filepath.Join(dir, "ct.der")
	require.NoError(t, os.WriteFile(in, ct, 0o600))
	out, err := exec.Command(openssl, "cms", "-decrypt", "-inform", "DER", "-binary", "-in", in, "-recip", a.crtFile, "-inkey", a.keyFile).Output()
	require.NoError(t, err)
	assert.Equal(t, plain, out)

	asn, err := exec.Command(openssl, "asn1parse", "-inform", "DER", "-in", in, "-i").Output()
	require.NoError(t, err)
	s := string(asn)
	assert.Contains(t, s, "rsaesOaep")
	assert.Contains(t, s, "mgf1")
	assert.Equal(t, 2, strings.Count(s, "sha256"), "OAEP hash and MGF1 hash are written, and no other")
	assert.Contains(t, s, "pSpecified")
	assert.Contains(t, s, "aes-256-cbc")
}

// TestWeDecryptOpenSSL: every variant openssl cms writes is read.
func TestWeDecryptOpenSSL(t *testing.T) {
	openssl := testutil.Tool(t, "openssl")
	dir := t.TempDir()
	a := newParty(t, dir, "a", 0)
	plain := make([]byte, 100_000)
	_, _ = rand.Read(plain)
	in := filepath.Join(dir, "plain.bin")
	require.NoError(t, os.WriteFile(in, plain, 0o600))
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"aes256 pkcs1", []string{"-aes256"}},
		{"aes128 pkcs1", []string{"-aes128"}},
		{"aes192 pkcs1", []string{"-aes192"}},
		{"aes256 stream BER", []string{"-aes256", "-stream"}},
		{"oaep sha1", []string{"-aes256", "-keyopt", "rsa_padding_mode:oaep"}},
		{"oaep sha256", []string{"-aes256", "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256"}},
		{"oaep sha256 mgf1 sha1", []string{"-aes256", "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha1"}},
		{"oaep sha256 stream", []string{"-aes256", "-stream", "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256"}},
		{"KS profile as openssl writes it", []string{"-stream", "-aes256", "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-keyopt", "rsa_mgf1_md:sha256"}},
		{"pkcs1 stream", []string{"-aes256", "-stream"}},
		{"aes256 gcm (AuthEnvelopedData)", []string{"-aes-256-gcm"}},
		{"aes128 gcm stream", []string{"-aes-128-gcm", "-stream"}},
		{"subject key id", []string{"-aes256", "-keyid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".der")
			// -keyopt applies to the -recip before it.
			args := []string{"cms", "-encrypt", "-binary", "-outform", "DER", "-in", in, "-out", out}
			var keyopts []string
			for i := 0; i < len(tc.args); i++ {
				if tc.args[i] == "-keyopt" {
					keyopts = append(keyopts, tc.args[i], tc.args[i+1])
					i++
					continue
				}
				args = append(args, tc.args[i])
			}
			args = append(args, "-recip", a.crtFile)
			args = append(args, keyopts...)
			b, err := exec.Command(openssl, args...).CombinedOutput()
			require.NoError(t, err, string(b))
			ct, err := os.ReadFile(out)
			require.NoError(t, err)
			got, err := decryptAll(t, ct, kryptering.Key{Decrypter: a.key, Certificate: a.cert})
			require.NoError(t, err)
			assert.Equal(t, plain, got)
			if tc.name == "subject key id" {
				// A v1.5 recipient named by the key's own key identifier is found
				// without the certificate.
				got, err := decryptAll(t, ct, kryptering.Key{Decrypter: a.key})
				require.NoError(t, err)
				assert.Equal(t, plain, got)
			}

			if strings.Contains(tc.name, "gcm") {
				// A flipped ciphertext byte fails the tag.
				bad := bytes.Clone(ct)
				bad[len(bad)/2] ^= 1
				_, err := decryptAll(t, bad, kryptering.Key{Decrypter: a.key, Certificate: a.cert})
				require.Error(t, err)
			}
		})
	}
}

// TestWrongKeyV15NeverSucceeds: PKCS#1 v1.5 with implicit rejection gives a random content
// key for a wrong private key, and CBC padding accepts about one such key in 256. 3000
// decryptions of v1.5 messages with a wrong key, with and without its certificate: not one
// yields plaintext.
func TestWrongKeyV15NeverSucceeds(t *testing.T) {
	dir := t.TempDir()
	a, c := newParty(t, dir, "a", 0), newParty(t, dir, "c", 2)
	plain := []byte("konfidensielt")
	successes := 0
	for i := range 3000 {
		ct := encrypt(t, plain, kryptering.EncryptOptions{LegacyRecipients: []*x509.Certificate{a.cert}})
		key := kryptering.Key{Decrypter: c.key}
		if i%2 == 1 {
			key.Certificate = c.cert
		}
		_, err := decryptAll(t, ct, key)
		if err == nil {
			successes++
			continue
		}
		require.ErrorIs(t, err, kryptering.ErrNoRecipient)
	}
	require.Zero(t, successes)
}
