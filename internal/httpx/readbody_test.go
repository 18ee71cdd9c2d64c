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
