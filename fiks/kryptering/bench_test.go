package kryptering_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// BenchmarkCMS measures encrypting and decrypting 64 MiB with the KS profile, next to
// `openssl cms` doing the same work on the same data in the same run (the openssl
// numbers include starting the process, about a millisecond).
//
//	go test -run '^$' -bench CMS -benchmem -count 6 ./fiks/kryptering/
func BenchmarkCMS(b *testing.B) {
	const size = 64 << 20
	key := testutil.Key(b, 2048, 0)
	cert := testutil.Cert(b, key, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), false)
	plain := make([]byte, size)
	_, _ = io.ReadFull(&testutil.Pattern{}, plain)
	var ct bytes.Buffer
	w, _ := kryptering.NewEncrypter(&ct, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}})
	_, _ = w.Write(plain)
	_ = w.Close()

	b.Run("encrypt/fellesklient", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			w, err := kryptering.NewEncrypter(io.Discard, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}})
			if err != nil {
				b.Fatal(err)
			}
			_, _ = w.Write(plain)
			_ = w.Close()
		}
	})
	b.Run("decrypt/fellesklient", func(b *testing.B) {
		b.SetBytes(size)
		b.ReportAllocs()
		for b.Loop() {
			r, err := kryptering.NewDecrypter(bytes.NewReader(ct.Bytes()), kryptering.Key{Decrypter: key, Certificate: cert})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})

	// The bound: raw AES-256-CBC over the same bytes, in place.
	b.Run("encrypt/crypto-aes-cbc", func(b *testing.B) {
		blk, _ := aes.NewCipher(make([]byte, 32))
		buf := bytes.Clone(plain)
		b.SetBytes(size)
		for b.Loop() {
			cipher.NewCBCEncrypter(blk, make([]byte, 16)).CryptBlocks(buf, buf)
		}
	})
	b.Run("decrypt/crypto-aes-cbc", func(b *testing.B) {
		blk, _ := aes.NewCipher(make([]byte, 32))
		buf := bytes.Clone(plain)
		b.SetBytes(size)
		for b.Loop() {
			cipher.NewCBCDecrypter(blk, make([]byte, 16)).CryptBlocks(buf, buf)
		}
	})

	openssl, err := exec.LookPath("openssl")
	if err != nil {
		b.Log("openssl not installed: no baseline")
		return
	}
	dir := b.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			b.Fatal(err)
		}
		return p
	}
	in := write("plain", plain)
	ctFile := write("ct.der", ct.Bytes())
	crt := write("crt.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	keyFile := write("key.pem", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	run := func(b *testing.B, args ...string) {
		b.SetBytes(size)
		for b.Loop() {
			if out, err := exec.Command(openssl, args...).CombinedOutput(); err != nil {
				b.Fatalf("%v: %s", err, out)
			}
		}
	}
	b.Run("encrypt/openssl", func(b *testing.B) {
		run(b, "cms", "-encrypt", "-binary", "-aes256", "-stream", "-outform", "DER", "-in", in, "-out", os.DevNull,
			"-recip", crt, "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256")
	})
	b.Run("decrypt/openssl", func(b *testing.B) {
		run(b, "cms", "-decrypt", "-binary", "-inform", "DER", "-in", ctFile, "-out", os.DevNull, "-recip", crt, "-inkey", keyFile)
	})
}
