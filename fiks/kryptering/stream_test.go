package kryptering_test

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"io"
	"runtime"
	"sync"
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

// memoKey caches what an RSA key decrypts: the fuzz targets below unwrap the same few
// content keys over and over (a private-key operation under coverage instrumentation
// costs far more than the rest of an execution).
type memoKey struct {
	crypto.Decrypter
	mu   sync.Mutex
	seen map[string][]byte
}

func (m *memoKey) Decrypt(r io.Reader, msg []byte, opts crypto.DecrypterOpts) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b, ok := m.seen[string(msg)]; ok {
		return bytes.Clone(b), nil
	}
	b, err := m.Decrypter.Decrypt(r, msg, opts)
	if err == nil {
		m.seen[string(msg)] = bytes.Clone(b)
	}
	return b, err
}

// FuzzParallelDecrypt: the parallel CBC decrypter gives exactly what the sequential one
// gives, output and error, for every message (plaintexts from empty to 300 KB, BER
// fragments from 7 bytes to 64 KiB), every decrypter chunk size, every split across
// goroutines, a damaged byte anywhere and a cut anywhere.
func FuzzParallelDecrypt(f *testing.F) {
	rsaKey := testutil.Key(f, 2048, 0)
	cert := testutil.Cert(f, rsaKey, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), false)
	key := kryptering.Key{Decrypter: &memoKey{Decrypter: rsaKey, seen: map[string][]byte{}}}
	type message struct{ plain, ct []byte }
	var msgs []message
	for _, n := range []int{0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, 4095, 4096, 4097, 70_000, 300_000} {
		plain := make([]byte, n)
		_, _ = io.ReadFull(&testutil.Pattern{}, plain)
		for _, frag := range []int{7, 1000, 64 << 10} {
			if n > 70_000 && frag < 1000 {
				continue
			}
			var ct bytes.Buffer
			w, err := kryptering.NewEncrypter(&ct, kryptering.EncryptOptions{Recipients: []*x509.Certificate{cert}, ChunkSize: frag})
			if err != nil {
				f.Fatal(err)
			}
			_, _ = w.Write(plain)
			if err := w.Close(); err != nil {
				f.Fatal(err)
			}
			msgs = append(msgs, message{plain, ct.Bytes()})
		}
	}
	f.Add(uint8(0), uint16(1000), uint16(64), uint8(3), uint32(0), uint8(0), uint32(0))
	f.Add(uint8(40), uint16(4096), uint16(4096), uint8(1), uint32(100_000), uint8(0x80), uint32(0))
	f.Add(uint8(41), uint16(65000), uint16(16), uint8(14), uint32(0), uint8(0), uint32(17))
	f.Add(uint8(30), uint16(37), uint16(48), uint8(4), uint32(3150), uint8(1), uint32(0))
	f.Fuzz(func(t *testing.T, which uint8, chunk, parMin uint16, workers uint8, pos uint32, flip uint8, cut uint32) {
		m := msgs[int(which)%len(msgs)]
		data := bytes.Clone(m.ct)
		if flip != 0 {
			data[int(pos)%len(data)] ^= flip
		}
		if cut != 0 {
			data = data[:len(data)-int(cut)%len(data)]
		}
		run := func(chunk, parMin, workers int) ([]byte, string) {
			r, err := kryptering.NewDecrypterWith(bytes.NewReader(data), key, chunk, parMin, workers)
			if err != nil {
				return nil, err.Error()
			}
			out, err := io.ReadAll(r)
			if err != nil {
				return out, err.Error()
			}
			return out, ""
		}
		c := int(chunk) + 16
		seqOut, seqErr := run(c, int(parMin), 1)
		parOut, parErr := run(c, int(parMin), int(workers%16)+2)
		if seqErr != parErr {
			t.Fatalf("errors differ: sequential %q, parallel %q", seqErr, parErr)
		}
		if !bytes.Equal(seqOut, parOut) {
			t.Fatalf("outputs differ: sequential %d bytes, parallel %d bytes", len(seqOut), len(parOut))
		}
		if flip == 0 && cut == 0 && (seqErr != "" || !bytes.Equal(seqOut, m.plain)) {
			t.Fatalf("an undamaged message did not decrypt to its plaintext: %q", seqErr)
		}
	})
}
