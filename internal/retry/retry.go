// Package retry is fellesklient's retry policy around hashicorp/go-retryablehttp.
//
// The policy, in one place for every client:
//   - GET, HEAD, OPTIONS, PUT and DELETE are retried on transport errors and on 429, 502, 503
//     and 504; reads (GET, HEAD, OPTIONS) also on 500.
//   - Any other method (POST, PATCH) is retried only when the call is marked idempotent, or
//     when the request provably never left this process (the connection was never obtained,
//     or no header was written on it), or on a 429 that carries Retry-After: the server
//     said it did not take the request and when to come back.
//   - Retry-After (seconds or HTTP date) is honoured; otherwise the wait is exponential with
//     full jitter, capped.
//   - No retry once ctx is done, nor when ctx's deadline comes before the next wait ends.
//   - Every attempt gets a freshly opened body from the caller's opener (a file is reopened,
//     a grant re-signed), so a body is never buffered whole to make it replayable.
//   - Nothing is written to stderr: retryablehttp's log lines go to an *slog.Logger at debug
//     level, through the caller's redactor.
//
// go-retryablehttp is used as designed: CheckRetry decides, Backoff computes the wait
// (Retry-After included, capped) and retryablehttp sleeps it (ending early when ctx is
// done), PrepareRetry gives each retry a fresh body. One thing is not expressed in its
// terms, on purpose: bodies do not use its ReaderFunc. retryablehttp opens a ReaderFunc
// once more when the request is built, only to learn the length (from a Len method),
// which would sign a Maskinporten grant or start a SvarUt multipart stream that is thrown
// away, and cannot declare the length of a stream that has no Len. So the first body is
// opened by Do and each retry's by PrepareRetry, with the length BodyFunc reports.
//
// Types of this package never appear in a public signature.
package retry

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// DefaultMaxAttempts is the attempts per call, the first included, of every client of
// the module when its Options leave MaxAttempts at 0.
const DefaultMaxAttempts = 4

// Policy configures a Client. The zero value gives the documented defaults.
type Policy struct {
	// MaxAttempts is the most attempts per call, the first included. 0:
	// DefaultMaxAttempts. 1: no retries.
	MaxAttempts int
	// WaitMin is the base of the exponential backoff. 0: 250 ms.
	WaitMin time.Duration
	// WaitMax caps one wait. A server whose Retry-After asks for longer is not retried:
	// its answer goes back to the caller (with the Retry-After in the client's error), who
	// decides whether to wait that long. 0: 10 s.
	WaitMax time.Duration
	// Logger gets retryablehttp's lines and one line per retry at debug level. Nil: silent.
	Logger *slog.Logger
	// Redact is applied to every logged string. Nil: identity.
	Redact func(string) string
	// Sleep, for tests, takes the wait instead of retryablehttp's timer: Backoff calls it
	// with the wait it computed and returns 0. Nil: retryablehttp waits.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Client runs requests with the policy.
type Client struct {
	rc     *retryablehttp.Client
	policy Policy
}

// BodyFunc opens a request body for one attempt. It returns the body and its length, or -1
// when the length is unknown. It is called once per attempt.
type BodyFunc func() (io.ReadCloser, int64, error)

// Call describes one call.
type Call struct {
	// Body opens the body for each attempt. Nil: no body.
	Body BodyFunc
	// Idempotent marks a call as safe to repeat although its method is not (for example a
	// POST whose body is re-created with a fresh nonce on every attempt).
	Idempotent bool
	// Retry500 also retries a 500 answer to an idempotent call, for services that document
	// a 500 as "nothing or part of it took effect: send it all again" (Fiks Innsyn's index
	// and delete). Otherwise only reads are retried on 500.
	Retry500 bool
}

// New returns a Client that sends with hc. hc is used as it is (never modified).
func New(hc *http.Client, p Policy) *Client {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.WaitMin <= 0 {
		p.WaitMin = 250 * time.Millisecond
	}
	if p.WaitMax <= 0 {
		p.WaitMax = 10 * time.Second
	}
	if p.WaitMax < p.WaitMin {
		p.WaitMax = p.WaitMin
	}
	if p.Redact == nil {
		p.Redact = func(s string) string { return s }
	}
	c := &Client{policy: p}
	c.rc = &retryablehttp.Client{
		HTTPClient:   hc,
		RetryWaitMin: p.WaitMin,
		RetryWaitMax: p.WaitMax,
		RetryMax:     p.MaxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		PrepareRetry: prepareRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	if p.Logger != nil && p.Logger.Enabled(context.Background(), slog.LevelDebug) {
		c.rc.Logger = slogAdapter{l: p.Logger, redact: p.Redact}
	}
	return c
}

type stateKey struct{}

// callCtx carries the per-call state in the request's context: one allocation for both.
type callCtx struct {
	context.Context
	st state
}

func (c *callCtx) Value(key any) any {
	if key == (stateKey{}) {
		return &c.st
	}
	return c.Context.Value(key)
}

// WithCall returns ctx prepared for a call of method, so that Do does not have to copy
// the request to attach its state. Optional: Do prepares the context itself otherwise.
func WithCall(ctx context.Context, method string, call Call) context.Context {
	cc := &callCtx{Context: ctx}
	cc.st.call, cc.st.method = call, method
	if !call.Idempotent && !idempotentMethod(method) {
		st := &cc.st
		st.traced = true
		cc.Context = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			GotConn:      func(httptrace.GotConnInfo) { st.gotConn.Store(true) },
			WroteHeaders: func() { st.wrote.Store(true) },
		})
	}
	return cc
}

// state is the per-call state, carried in the request's context.
type state struct {
	call    Call
	method  string
	attempt int         // attempts started
	bodyErr error       // the opener failed: not retryable
	gotConn atomic.Bool // a connection was obtained in this attempt
	wrote   atomic.Bool // a header was written in this attempt
	traced  bool        // the trace hooks are installed
}

// Do sends req with retries. req's Body must be nil: the body comes from call.Body. The
// response of the last attempt is returned as it is (any status); the error is the last
// transport error, ctx's error, or the body opener's error.
func (c *Client) Do(req *http.Request, call Call) (*http.Response, error) {
	st, _ := req.Context().Value(stateKey{}).(*state)
	if st == nil || st.method != req.Method {
		req = req.WithContext(WithCall(req.Context(), req.Method, call))
		st = req.Context().Value(stateKey{}).(*state)
	}
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, err
	}
	st.attempt = 0
	if err := st.next(rreq.Request); err != nil {
		return nil, err
	}
	resp, err := c.rc.Do(rreq)
	if st.bodyErr != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return nil, st.bodyErr
	}
	return resp, err
}

// prepareRetry is retryablehttp's PrepareRetry: it readies the request for the next
// attempt.
func prepareRetry(r *http.Request) error {
	st, _ := r.Context().Value(stateKey{}).(*state)
	if st == nil {
		return nil
	}
	return st.next(r)
}

// next starts an attempt on r: it counts it, resets the trace and opens a fresh body.
func (st *state) next(r *http.Request) error {
	st.attempt++
	st.gotConn.Store(false)
	st.wrote.Store(false)
	if st.call.Body == nil {
		return nil
	}
	body, n, err := st.call.Body()
	if err != nil {
		st.bodyErr = err
		return err
	}
	r.Body, r.ContentLength = body, n
	r.GetBody = func() (io.ReadCloser, error) {
		b, _, err := st.call.Body()
		return b, err
	}
	if n == 0 {
		body.Close()
		r.Body = http.NoBody
	}
	return nil
}

func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st, _ := ctx.Value(stateKey{}).(*state)
	if st == nil || st.bodyErr != nil || st.attempt >= c.policy.MaxAttempts {
		return false, nil
	}
	if !c.retryable(st, resp, err) {
		return false, nil
	}
	longest, ok := c.longestWait(st.attempt, resp)
	if !ok {
		return false, nil // Retry-After beyond WaitMax: the caller decides
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < longest {
		// The caller gets this answer rather than a deadline error in the middle of a wait.
		return false, nil
	}
	if c.policy.Logger != nil {
		attrs := []slog.Attr{slog.String("method", st.method), slog.Int("attempt", st.attempt), slog.Duration("max_wait", longest)}
		if resp != nil {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		} else if err != nil {
			attrs = append(attrs, slog.String("error", c.policy.Redact(err.Error())))
		}
		c.policy.Logger.LogAttrs(ctx, slog.LevelDebug, "fellesklient: retrying request", attrs...)
	}
	return true, nil
}

// backoff is retryablehttp's Backoff: the wait before attempt n+2 (n counts from 0).
func (c *Client) backoff(_, _ time.Duration, n int, resp *http.Response) time.Duration {
	d := c.wait(n+1, resp)
	if c.policy.Sleep == nil {
		return d
	}
	ctx := context.Background()
	if resp != nil && resp.Request != nil {
		ctx = resp.Request.Context()
	}
	_ = c.policy.Sleep(ctx, d)
	return 0
}

func (c *Client) retryable(st *state, resp *http.Response, err error) bool {
	safe := st.call.Idempotent || idempotentMethod(st.method)
	if err != nil {
		if permanentTransportError(err) {
			return false
		}
		if !safe && !(st.traced && (!st.gotConn.Load() || !st.wrote.Load())) {
			return false
		}
		return true
	}
	if !safe {
		return resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") != ""
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case http.StatusInternalServerError:
		return readMethod(st.method) || st.call.Retry500
	}
	return false
}

// wait is the pause after attempt number n (1-based): the server's Retry-After, else
// exponential with full jitter, uniform in [WaitMin, WaitMin*2^(n-1)], capped at WaitMax.
func (c *Client) wait(n int, resp *http.Response) time.Duration {
	if d, ok := c.retryAfter(resp); ok {
		return min(d, c.policy.WaitMax)
	}
	ceil := c.ceil(n)
	span := ceil - c.policy.WaitMin
	if span <= 0 {
		return ceil
	}
	return c.policy.WaitMin + rand.N(span+1)
}

// longestWait is the longest wait after attempt n; false when the server's Retry-After
// asks for more than WaitMax.
func (c *Client) longestWait(n int, resp *http.Response) (time.Duration, bool) {
	if d, ok := c.retryAfter(resp); ok {
		return d, d <= c.policy.WaitMax
	}
	return c.ceil(n), true
}

func (c *Client) ceil(n int) time.Duration {
	ceil := c.policy.WaitMin << min(n-1, 20)
	if ceil > c.policy.WaitMax || ceil <= 0 {
		ceil = c.policy.WaitMax
	}
	return ceil
}

func (c *Client) retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp == nil {
		return 0, false
	}
	return RetryAfter(resp.Header.Get("Retry-After"), time.Now())
}

// RetryAfter parses a Retry-After header value: delay-seconds or an HTTP date. A date in
// the past gives 0.
func RetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(t.Sub(now), 0), true
}

func idempotentMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

func readMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// permanentTransportError reports errors that another attempt will not cure: TLS
// verification, bad URLs, redirect policy.
func permanentTransportError(err error) bool {
	var (
		unknownCA   x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		certInvalid x509.CertificateInvalidError
		verifyErr   *tls.CertificateVerificationError
		recordErr   tls.RecordHeaderError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostErr) || errors.As(err, &certInvalid) ||
		errors.As(err, &verifyErr) || errors.As(err, &recordErr) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return true
	}
	var ae *net.AddrError
	return errors.As(err, &ae)
}

// slogAdapter is retryablehttp's LeveledLogger on an *slog.Logger: everything at debug,
// every string value through the redactor.
type slogAdapter struct {
	l      *slog.Logger
	redact func(string) string
}

func (a slogAdapter) log(msg string, kv []any) {
	for i, v := range kv {
		switch v := v.(type) {
		case string:
			kv[i] = a.redact(v)
		case error:
			kv[i] = a.redact(v.Error())
		case interface{ String() string }:
			kv[i] = a.redact(v.String())
		}
	}
	a.l.Debug("retryablehttp: "+msg, kv...)
}

func (a slogAdapter) Error(msg string, kv ...any) { a.log(msg, kv) }
func (a slogAdapter) Info(msg string, kv ...any)  { a.log(msg, kv) }
func (a slogAdapter) Debug(msg string, kv ...any) { a.log(msg, kv) }
func (a slogAdapter) Warn(msg string, kv ...any)  { a.log(msg, kv) }
