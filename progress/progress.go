// Package progress is the module's hook for showing progress on long transfers: a
// Reader that reports the bytes read through it. Wrap what a client streams, where the
// caller supplies or receives the stream: a svarut.Dokument's Open, the *ReceivedFile a
// SvarInn handler gets, a file given to kryptering or noark5.Validate. The CLI uses it to
// draw its progress bars; a service can use it for metrics.
package progress

import "io"

// Func is called with the bytes read so far, after every read that read some.
type Func func(done int64)

// Reader returns r reporting its progress to fn. A nil fn returns r itself.
func Reader(r io.Reader, fn Func) io.Reader {
	if fn == nil {
		return r
	}
	return &reader{r: r, fn: fn}
}

type reader struct {
	r    io.Reader
	fn   Func
	done int64
}

func (p *reader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.done += int64(n)
		p.fn(p.done)
	}
	return n, err
}

// ReadCloser is Reader for an io.ReadCloser; Close closes rc.
func ReadCloser(rc io.ReadCloser, fn Func) io.ReadCloser {
	return struct {
		io.Reader
		io.Closer
	}{Reader(rc, fn), rc}
}
