//go:build !race

package fiksio_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// peakRSS is the process's peak resident set (VmHWM) in bytes; resetPeak starts it anew.
func peakRSS(t testing.TB) int64 {
	b, err := os.ReadFile("/proc/self/status")
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

func resetPeak(t testing.TB) {
	require.NoError(t, os.WriteFile("/proc/self/clear_refs", []byte("5"), 0))
}

// 1 GiB sent and received: zipped, signed, encrypted and uploaded as it is read; stored
// in Dokumentlager by the fake; downloaded, decrypted into a spool file and read back,
// checked against the manifest. The whole process (client, receiver and the fake
// together) stays under 64 MiB resident. Set FELLESKLIENT_BIG=1 (scripts/fiksio-1gib.sh
// and CI do); not under -race, whose bookkeeping is not what a user runs.
func TestOneGiB(t *testing.T) {
	if os.Getenv("FELLESKLIENT_BIG") != "1" {
		t.Skip("set FELLESKLIENT_BIG=1 (scripts/fiksio-1gib.sh) for the 1 GiB send and receive")
	}
	const size = 1 << 30
	e := newEnv(t, fiksiotest.Options{Dir: t.TempDir()})
	tmp := t.TempDir()
	recv := e.client(t, e.b, e.kontoB, mottakerID, func(o *fiksio.Options) { o.TempDir = tmp })
	want := sha256.New()
	_, _ = io.Copy(want, newRandom(7, size))
	resetPeak(t)
	start := time.Now()
	_, err := e.sender.Send(context.Background(), &fiksio.Melding{MottakerKontoID: e.kontoB, Meldingstype: typeOpprett,
		Filer: []fiksio.Fil{fiksio.Bytes("arkivmelding.xml", []byte("<arkivmelding/>")),
			{Navn: "stor.pdf", Open: func() (io.ReadCloser, error) { return io.NopCloser(newRandom(7, size)), nil }}}})
	require.NoError(t, err)
	sendTime := time.Since(start)
	done := make(chan []byte, 1)
	start = time.Now()
	stop := receiving(t, recv, func(ctx context.Context, m *fiksio.MottattMelding) error {
		c, err := m.Container(ctx, nil)
		if err != nil {
			return err
		}
		defer c.Close()
		h := sha256.New()
		for _, f := range c.Files {
			if f.Name != "stor.pdf" {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return err
			}
			_, err = io.Copy(h, rc)
			rc.Close()
			if err != nil {
				return err
			}
		}
		done <- h.Sum(nil)
		return nil
	}, nil)
	var got []byte
	select {
	case got = <-done:
	case <-time.After(10 * time.Minute):
		t.Fatal("not received")
	}
	recvTime := time.Since(start)
	require.NoError(t, stop())
	assert.True(t, bytes.Equal(want.Sum(nil), got), "the 1 GiB file arrives intact")
	peak := peakRSS(t)
	t.Logf("1 GiB: send %s (%.0f MiB/s), receive %s (%.0f MiB/s), peak RSS %d MiB (client, receiver and fake in one process)",
		sendTime.Round(time.Millisecond), 1024/sendTime.Seconds(), recvTime.Round(time.Millisecond), 1024/recvTime.Seconds(), peak>>20)
	assert.Less(t, peak, int64(64<<20), "peak RSS")
}
