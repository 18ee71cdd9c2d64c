package kryptering_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"io"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// TestBoundedMemory encrypts 512 MiB into a pipe and decrypts it on the other end, and
// checks that the heap never grows with the document (sampled while streaming).
func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 512 MiB")
	}
	const size = 512 << 20
	key := testutil.Key(t, 2048, 0)
	cert := testutil.Cert(t, key, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)

	pr, pw := io.Pipe()
	go func() {
		w, err := kryptering.NewEncrypter(pw, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}})
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		if _, err := io.CopyN(w, &testutil.Pattern{}, size); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(w.Close())
	}()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()

	r, err := kryptering.NewDecrypter(pr, kryptering.Key{Decrypter: key, Certificate: cert})
	require.NoError(t, err)
	h := sha256.New()
	n, err := io.Copy(h, r)
	close(stop)
	<-sampled
	require.NoError(t, err)
	require.Equal(t, int64(size), n)

	want := sha256.New()
	_, _ = io.CopyN(want, &testutil.Pattern{}, size)
	assert.Equal(t, want.Sum(nil), h.Sum(nil))

	growth := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("heap in use: base %d KiB, peak %d KiB, growth %d KiB while streaming 512 MiB", base.HeapInuse>>10, peak.Load()>>10, growth>>10)
	assert.Less(t, growth, int64(8<<20), "memory must not grow with the document")
}

// hsmKey stands in for an HSM or KMS key: only crypto.Decrypter.
type hsmKey struct {
	k     crypto.Decrypter
	calls atomic.Int64
}

func (h *hsmKey) Public() crypto.PublicKey { return h.k.Public() }
func (h *hsmKey) Decrypt(r io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	h.calls.Add(1)
	return h.k.Decrypt(r, msg, opts)
}

func TestDecrypterInterfaceAndPKCS12(t *testing.T) {
	key := testutil.Key(t, 2048, 0)
	cert := testutil.Cert(t, key, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	plain := []byte("brev til innbygger")
	ct := encrypt(t, plain, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}})

	h := &hsmKey{k: key}
	got, err := decryptAll(t, ct, kryptering.Key{Decrypter: h, Certificate: cert})
	require.NoError(t, err)
	assert.Equal(t, plain, got)
	assert.Equal(t, int64(1), h.calls.Load())

	p12, err := pkcs12.Modern.Encode(key, cert, nil, "p12-hemmelig")
	require.NoError(t, err)
	k, err := kryptering.ParseKey(p12, "p12-hemmelig")
	require.NoError(t, err)
	require.NotNil(t, k.Certificate)
	got, err = decryptAll(t, ct, k)
	require.NoError(t, err)
	assert.Equal(t, plain, got)
	_, err = kryptering.ParseKey(p12, "feil")
	require.ErrorIs(t, err, kryptering.ErrPassword)
	assert.NotContains(t, k.String(), "hemmelig")
	_, err = kryptering.ParseKey([]byte("garbage"), "")
	require.ErrorIs(t, err, kryptering.ErrKey)

	_, err = kryptering.NewEncrypter(io.Discard, kryptering.EncryptOptions{})
	require.Error(t, err)
	small := testutil.Key(t, 1024, 0)
	smallCert := testutil.Cert(t, small, "liten", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	_, err = kryptering.NewEncrypter(io.Discard, kryptering.EncryptOptions{Recipients: []*x509.Certificate{smallCert}})
	require.Error(t, err)
}

// FuzzDecrypt: arbitrary input never panics, never loops, and never ends in a clean EOF
// unless it was a complete message.
func FuzzDecrypt(f *testing.F) {
	key := testutil.Key(f, 2048, 0)
	cert := testutil.Cert(f, key, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), false)
	var buf bytes.Buffer
	w, _ := kryptering.NewEncrypter(&buf, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}, ChunkSize: 32})
	_, _ = w.Write([]byte("hello, fuzz"))
	_ = w.Close()
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:40])
	f.Add([]byte{0x30, 0x80, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03, 0xa0, 0x80})
	f.Add([]byte{0x30, 0x84, 0xff, 0xff, 0xff, 0xff})
	decrypt := func(data []byte) ([]byte, error) {
		r, err := kryptering.NewDecrypter(bytes.NewReader(data), kryptering.Key{Decrypter: key})
		if err != nil {
			return nil, err
		}
		return io.ReadAll(io.LimitReader(r, 1<<20))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		plain, err := decrypt(data)
		if err != nil {
			return
		}
		// A clean EOF: the message was complete. Then no prefix of it may end cleanly with
		// other plaintext: a prefix either fails, or (when data has trailing bytes after
		// the message) is still the whole message.
		for _, n := range []int{len(data) - 1, len(data) - 2, len(data) - 17, len(data) * 3 / 4, len(data) / 2} {
			if n <= 0 || n >= len(data) {
				continue
			}
			got, err := decrypt(data[:n])
			if err == nil && !bytes.Equal(got, plain) {
				t.Fatalf("a %d-byte prefix of a %d-byte message ended cleanly with %d bytes of plaintext instead of %d", n, len(data), len(got), len(plain))
			}
		}
	})
}
