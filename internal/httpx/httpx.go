// Package httpx is the HTTP plumbing shared by every client of fellesklient: the transport
// stack (retry → auth → extra headers → the user's transport), request bodies that are
// reopened for each attempt instead of buffered, capped and redacted error bodies, the
// User-Agent, and default transport timeouts.
package httpx

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/retry"
)

// Version is the module version reported in the User-Agent.
const Version = "0.1.0"

// DefaultUserAgent is sent on every request; Options.UserAgent is appended to it.
const DefaultUserAgent = "fellesklient-go/" + Version

// MaxErrorBody is how much of an error response body is read and kept.
const MaxErrorBody = 64 << 10

// NewTransport returns the default transport: bounded dial, TLS handshake and
// response-header waits, pooled keep-alive connections, HTTP/2, and the standard
// HTTP(S)_PROXY handling of net/http. There is deliberately no overall timeout: a call is
// bounded by its context, so that large documents can take the time they need.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 2 * time.Minute,
		ExpectContinueTimeout: time.Second,
	}
}

// Options configures a Client.
type Options struct {
	// HTTPClient is the user's client. Its Transport, Jar and Timeout are used; the client
	// itself is never modified. Its CheckRedirect is not: no request of this module follows
	// a redirect (see RedirectError). Nil: a client on NewTransport().
	HTTPClient *http.Client
	// Token, when set, authorizes every request (auth.Transport).
	Token auth.TokenSource
	// TokenRejected is auth.Transport.Rejected: which 401 answers reject the token.
	TokenRejected func(resp *http.Response, body []byte) bool
	// Header is added to every request (FIKS integration headers). It is copied and never
	// shown in logs or errors. The headers are set on the request httpx builds, so the
	// user's transport sees them as it sees the Authorization header.
	Header http.Header
	// MaxAttempts: see retry.Policy; 0 is DefaultMaxAttempts.
	MaxAttempts int
	// MaxRetryWait is retry.Policy.WaitMax.
	MaxRetryWait time.Duration
	// Logger gets debug lines about retries. Nil: silent.
	Logger *slog.Logger
	// UserAgent is appended to DefaultUserAgent.
	UserAgent string
	// Sleep replaces the retry wait (tests).
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultMaxAttempts is every client's attempts per call when its Options leave
// MaxAttempts at 0.
const DefaultMaxAttempts = retry.DefaultMaxAttempts

// Client sends requests through the stack.
type Client struct {
	retry  *retry.Client
	ua     []string
	header http.Header
}

// NewClient builds the stack. It never modifies opts.HTTPClient.
func NewClient(opts Options) *Client {
	var base http.RoundTripper
	hc := &http.Client{CheckRedirect: noRedirects}
	if opts.HTTPClient != nil {
		base = opts.HTTPClient.Transport
		hc.Jar = opts.HTTPClient.Jar
		hc.Timeout = opts.HTTPClient.Timeout
	}
	if base == nil {
		if opts.HTTPClient != nil {
			base = http.DefaultTransport
		} else {
			base = NewTransport()
		}
	}
	if opts.Token != nil {
		base = &auth.Transport{Source: opts.Token, Base: base, Rejected: opts.TokenRejected}
	}
	hc.Transport = base
	ua := DefaultUserAgent
	if opts.UserAgent != "" {
		ua += " " + opts.UserAgent
	}
	return &Client{
		retry: retry.New(hc, retry.Policy{
			MaxAttempts: opts.MaxAttempts,
			WaitMax:     opts.MaxRetryWait,
			Logger:      opts.Logger,
			Redact:      Redact,
			Sleep:       opts.Sleep,
		}),
		ua:     []string{ua},
		header: opts.Header.Clone(),
	}
}

// Request is one call.
type Request struct {
	Method string
	URL    string
	Header http.Header
	// Body opens the body for each attempt. See Bytes, Form and Opener.
	Body retry.BodyFunc
	// Idempotent marks a POST/PATCH as safe to retry.
	Idempotent bool
	// Retry500 retries a 500 too (retry.Call.Retry500): only where the service documents
	// that a 500 answer means "send it all again".
	Retry500 bool
}

// Do sends r. The response is returned whatever its status; the caller checks it (see
// ReadError). Transport errors are redacted and keep their chain for errors.Is.
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	call := retry.Call{Body: r.Body, Idempotent: r.Idempotent, Retry500: r.Retry500}
	req, err := http.NewRequestWithContext(retry.WithCall(ctx, r.Method, call), r.Method, r.URL, nil)
	if err != nil {
		return nil, &url.Error{Op: r.Method, URL: RedactURL(r.URL), Err: errors.New("invalid request")}
	}
	for k, v := range r.Header {
		req.Header[k] = v
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	req.Header["User-Agent"] = c.ua
	resp, err := c.retry.Do(req, call)
	if err != nil {
		return nil, redactError(err)
	}
	if isRedirect(resp.StatusCode) {
		return nil, redirectError(req, resp)
	}
	return resp, nil
}

// Bytes is a BodyFunc over an in-memory body (small JSON and form bodies).
func Bytes(b []byte) retry.BodyFunc {
	return func() (io.ReadCloser, int64, error) {
		return io.NopCloser(bytes.NewReader(b)), int64(len(b)), nil
	}
}

// ReadError reads at most MaxErrorBody bytes of resp's body, drains a bounded rest, and
// closes it. The bytes are returned unredacted for parsing; redact before keeping them.
func ReadError(resp *http.Response) []byte {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 256<<10))
	return b
}

// RedactID is Redact for an id a server sends for quoting to its support (an errorId, a
// trace id): an id of hex digits and hyphens with at least one letter (a UUID, a hex
// trace id) is kept as it came, since such an id holds an 11-digit run beside a letter
// often enough (one UUID in about 400, one 32-digit hex id in about 50) that masking it
// would hand the user a wrong id; anything else, a bare number included, is redacted.
func RedactID(s string) string {
	letter := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == '-':
		case c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			letter = true
		default:
			return Redact(s)
		}
	}
	if !letter {
		return Redact(s)
	}
	return s
}

// RedactURL returns u without userinfo and with query values that may hold secrets or
// identity numbers redacted.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Redact(raw)
	}
	u.User = nil
	return Redact(u.String())
}

// redactedError keeps the chain (errors.Is(err, context.DeadlineExceeded) etc.) but prints
// the redacted message.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

func redactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	red := msg
	var ue *url.Error
	if errors.As(err, &ue) {
		// Drop the query and user info from the URL of a transport error; paths may carry
		// identifiers and are redacted by Redact below.
		if u, perr := url.Parse(ue.URL); perr == nil && (u.RawQuery != "" || u.User != nil) {
			u.RawQuery, u.User = "", nil
			red = strings.Replace(red, ue.URL, u.String(), 1)
		}
	}
	red = Redact(red)
	if red == msg {
		return err
	}
	return &redactedError{msg: red, err: err}
}

// RedactError is the exported form of the error redaction, for packages that wrap errors
// they did not produce here.
func RedactError(err error) error { return redactError(err) }

// Opener is a BodyFunc that calls open for every attempt, so a large document is streamed
// from its source each time and never held in memory. size is the body's length, or -1
// when unknown (the body is then sent chunked).
func Opener(open func() (io.ReadCloser, error), size int64) retry.BodyFunc {
	return func() (io.ReadCloser, int64, error) {
		rc, err := open()
		if err != nil {
			return nil, 0, err
		}
		return rc, size, nil
	}
}

// ErrResponseTooLarge is matched by every *ResponseTooLargeError.
var ErrResponseTooLarge = errors.New("response body larger than the limit")

// ResponseTooLargeError: a response body went past the limit for its kind of call. The
// body was not read further; nothing of it was used.
type ResponseTooLargeError struct {
	Limit int64
	// StatusCode is the status of the answer whose body was too large.
	StatusCode int
}

// HTTPStatusCode is the status of the answer whose body was too large.
func (e *ResponseTooLargeError) HTTPStatusCode() int { return e.StatusCode }

// Temporary is false: the same request gets the same answer.
func (e *ResponseTooLargeError) Temporary() bool { return false }

// RetryAfter is 0.
func (e *ResponseTooLargeError) RetryAfter() time.Duration { return 0 }

func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("the answer is larger than %d bytes, the limit for this call", e.Limit)
}

// Is matches ErrResponseTooLarge.
func (e *ResponseTooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

// LimitBody returns resp's body, failing with a *ResponseTooLargeError once more than max
// bytes are read (io.LimitReader would end in a silent, clean EOF instead).
func LimitBody(resp *http.Response, max int64) io.Reader {
	return limitBody(resp, max)
}

// ReadBody reads resp's body whole, at most max bytes (past that: a
// *ResponseTooLargeError). It reads into chunks that double in size and joins them once,
// so a body costs about twice its size in allocations whichever Go release runs it (Go
// 1.25's io.ReadAll grows one slice by a quarter at a time: about five times the size).
func ReadBody(resp *http.Response, max int64) ([]byte, error) {
	r := limitBody(resp, max)
	var chunks [][]byte
	// The first buffer fits a body whose length the response gives (one allocation of
	// the right size; at most 1 MiB up front, whatever the header claims), else 4 KiB;
	// the next ones double.
	total, size := 0, 4<<10
	if cl := resp.ContentLength; cl >= 0 && cl < max {
		size = int(min(cl+1, 1<<20))
	}
	for {
		buf := make([]byte, size)
		n, err := io.ReadFull(r, buf)
		chunks = append(chunks, buf[:n])
		total += n
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		size = min(size*2, 8<<20)
		if size < 4<<10 {
			size = 4 << 10 // after a Content-Length that was too small
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

func limitBody(resp *http.Response, max int64) *limitedBody {
	return &limitedBody{r: resp.Body, left: max, max: max, status: resp.StatusCode}
}

type limitedBody struct {
	r         io.Reader
	left, max int64
	status    int
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, &ResponseTooLargeError{Limit: l.max, StatusCode: l.status}
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n - int(-l.left), &ResponseTooLargeError{Limit: l.max, StatusCode: l.status}
	}
	return n, err
}

// NewBoundary is a random multipart boundary.
func NewBoundary() string {
	var rb [16]byte
	_, _ = rand.Read(rb[:])
	return "fellesklient-" + hex.EncodeToString(rb[:])
}

// PipeBody is a BodyFunc that streams the body write produces through a bounded buffered
// pipe, anew for each attempt: producing the body (encrypting, zipping) and writing it to
// the socket overlap instead of taking turns, as they would over io.Pipe. When the body's
// sources cannot be read twice (replayable false), an attempt after the first fails with
// notReplayable instead of sending a truncated body.
func PipeBody(write func(w io.Writer) error, replayable bool, notReplayable error) retry.BodyFunc {
	var opened atomic.Int32
	return func() (io.ReadCloser, int64, error) {
		if opened.Add(1) > 1 && !replayable {
			return nil, 0, notReplayable
		}
		p := NewBufPipe()
		go func() { p.CloseWrite(write(p)) }()
		return p, -1, nil
	}
}

const (
	BufPipeChunk  = 256 << 10
	BufPipeChunks = 8
)

// BufPipe is an io.Pipe (one writer, one reader) with a bound of BufPipeChunks chunks of BufPipeChunk bytes in
// flight: the writer blocks only when the reader is that far behind.
type BufPipe struct {
	ch     chan []byte
	buf    []byte // being filled by the writer
	cur    []byte // being drained by the reader
	werr   error  // the writer's end: set before ch is closed
	done   chan struct{}
	closed sync.Once
}

// NewBufPipe returns an empty BufPipe.
func NewBufPipe() *BufPipe {
	return &BufPipe{ch: make(chan []byte, BufPipeChunks), done: make(chan struct{})}
}

func (p *BufPipe) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		if p.buf == nil {
			p.buf = make([]byte, 0, BufPipeChunk)
		}
		c := copy(p.buf[len(p.buf):cap(p.buf)], b)
		p.buf = p.buf[:len(p.buf)+c]
		b, n = b[c:], n+c
		if len(p.buf) == cap(p.buf) {
			if err := p.flush(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (p *BufPipe) flush() error {
	if len(p.buf) == 0 {
		return nil
	}
	select {
	case p.ch <- p.buf:
		p.buf = nil
		return nil
	case <-p.done:
		return io.ErrClosedPipe
	}
}

// CloseWrite is the writer's end: the reader gets what was written, then err (nil: io.EOF).
func (p *BufPipe) CloseWrite(err error) {
	if err == nil {
		err = p.flush()
	}
	p.werr = err
	close(p.ch)
}

func (p *BufPipe) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		c, ok := <-p.ch
		if !ok {
			if p.werr != nil {
				return 0, p.werr
			}
			return 0, io.EOF
		}
		p.cur = c
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// Close is the reader's: a writer still writing gets io.ErrClosedPipe.
func (p *BufPipe) Close() error {
	p.closed.Do(func() { close(p.done) })
	return nil
}
