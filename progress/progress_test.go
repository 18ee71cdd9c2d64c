package progress_test

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/fellesklient/fellesklient/progress"
)

func TestReader(t *testing.T) {
	var seen []int64
	r := progress.Reader(strings.NewReader(strings.Repeat("x", 10000)), func(n int64) { seen = append(seen, n) })
	b, err := io.ReadAll(r)
	if err != nil || len(b) != 10000 {
		t.Fatal(err, len(b))
	}
	if len(seen) == 0 || seen[len(seen)-1] != 10000 {
		t.Fatalf("progress %v", seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("not increasing: %v", seen)
		}
	}
	plain := strings.NewReader("x")
	if progress.Reader(plain, nil) != io.Reader(plain) {
		t.Fatal("a nil Func wraps nothing")
	}
	closed := false
	rc := progress.ReadCloser(closer{bytes.NewReader([]byte("ab")), &closed}, func(int64) {})
	_, _ = io.ReadAll(rc)
	_ = rc.Close()
	if !closed {
		t.Fatal("Close not passed on")
	}
}

type closer struct {
	io.Reader
	closed *bool
}

func (c closer) Close() error { *c.closed = true; return nil }
