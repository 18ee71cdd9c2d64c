package httpx

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"
)

// ReadBody returns the body exactly, for sizes around its chunk boundaries, and a
// *ResponseTooLargeError one byte past the limit.
func TestReadBody(t *testing.T) {
	for _, n := range []int{0, 1, 32<<10 - 1, 32 << 10, 32<<10 + 1, 100 << 10, 3<<20 + 7} {
		body := bytes.Repeat([]byte("abcdefg"), n/7+1)[:n]
		resp := &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(body))}
		got, err := ReadBody(resp, int64(n))
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("%d bytes: err %v, equal %v", n, err, bytes.Equal(got, body))
		}
		resp = &http.Response{StatusCode: 200, Body: io.NopCloser(bytes.NewReader(append(body, 'x')))}
		_, err = ReadBody(resp, int64(n))
		var tl *ResponseTooLargeError
		if !errors.As(err, &tl) || tl.Limit != int64(n) {
			t.Fatalf("%d+1 bytes: %v", n, err)
		}
	}
}

// A body whose length the response gives is read into one buffer of that size (a 7.5 KB
// person document took a 32 KiB buffer before: half the client's bytes per lookup); a
// length that lies either way still gives the body exactly, and a huge claimed length
// costs at most 1 MiB up front.
func TestReadBodyContentLength(t *testing.T) {
	body := bytes.Repeat([]byte("abcdefg"), 1100)
	for _, c := range []struct {
		cl      int64
		wantCap int
	}{{int64(len(body)), len(body) + 1}, {10, -1}, {1 << 40, -1}, {-1, -1}, {0, -1}} {
		resp := &http.Response{StatusCode: 200, ContentLength: c.cl, Body: io.NopCloser(bytes.NewReader(body))}
		got, err := ReadBody(resp, 1<<41)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("Content-Length %d: err %v, equal %v", c.cl, err, bytes.Equal(got, body))
		}
		if c.wantCap > 0 && cap(got) != c.wantCap {
			t.Errorf("Content-Length %d: a buffer of %d bytes, want %d", c.cl, cap(got), c.wantCap)
		}
		if cap(got) > 1<<20+len(body) {
			t.Errorf("Content-Length %d: %d bytes allocated", c.cl, cap(got))
		}
	}
}
