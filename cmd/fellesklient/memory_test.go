package main

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
)

// TestCLIMemory pipes 256 MiB through the real binary: encrypt | decrypt, and checks the
// output and that each process's peak resident memory stays under 64 MiB.
func TestCLIMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MiB through two processes")
	}
	const size = 256 << 20
	dir := t.TempDir()
	bin := builtCLI(t)

	key := testutil.Key(t, 2048, 5)
	cert := testutil.Cert(t, key, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	crt, kf := filepath.Join(dir, "m.crt"), filepath.Join(dir, "m.key")
	require.NoError(t, os.WriteFile(crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	require.NoError(t, os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))

	enc, encPeak := measured(t, bin, "kryptering", "encrypt", "--cert", crt)
	dec, decPeak := measured(t, bin, "kryptering", "decrypt", "--key", kf)
	in, err := enc.StdinPipe()
	require.NoError(t, err)
	pipe, err := enc.StdoutPipe()
	require.NoError(t, err)
	dec.Stdin = pipe
	plainOut, err := dec.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, enc.Start())
	require.NoError(t, dec.Start())
	go func() {
		_, _ = io.CopyN(in, &testutil.Pattern{}, size)
		in.Close()
	}()
	h := sha256.New()
	n, err := io.Copy(h, plainOut)
	require.NoError(t, err)
	require.NoError(t, enc.Wait())
	require.NoError(t, dec.Wait())
	require.Equal(t, int64(size), n)
	want := sha256.New()
	_, _ = io.CopyN(want, &testutil.Pattern{}, size)
	assert.Equal(t, want.Sum(nil), h.Sum(nil))

	for name, peak := range map[string]func() int64{"encrypt": encPeak, "decrypt": decPeak} {
		rss := peak()
		t.Logf("%s: peak RSS %d MiB for 256 MiB", name, rss>>20)
		assert.Less(t, rss, int64(64<<20), name)
	}
}
