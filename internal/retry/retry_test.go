package retry_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/retry"
)

// recorder is a Sleep that records waits without waiting.
type recorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.waits = append(r.waits, d)
	r.mu.Unlock()
	return ctx.Err()
}

// statusServer answers the given statuses in turn, then 200.
func statusServer(t *testing.T, header http.Header, statuses ...int) (*httptest.Server, *atomic.Int64) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		i := int(n.Add(1)) - 1
		for k, v := range header {
			w.Header()[k] = v
		}
		if i < len(statuses) {
			w.WriteHeader(statuses[i])
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func do(t *testing.T, c *retry.Client, method, url string, call retry.Call) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
	require.NoError(t, err)
	resp, err := c.Do(req, call)
	if resp != nil {
		t.Cleanup(func() { resp.Body.Close() })
	}
	return resp, err
}

func TestStatusPolicy(t *testing.T) {
	cases := []struct {
		method     string
		idempotent bool
		status     int
		attempts   int64
	}{
		{http.MethodGet, false, 503, 2},
		{http.MethodGet, false, 502, 2},
		{http.MethodGet, false, 504, 2},
		{http.MethodGet, false, 429, 2},
		{http.MethodGet, false, 500, 2},
		{http.MethodHead, false, 500, 2},
		{http.MethodPut, false, 503, 2},
		{http.MethodDelete, false, 503, 2},
		{http.MethodPut, false, 500, 1},   // 500 only for reads
		{http.MethodGet, false, 404, 1},   // 4xx is an answer
		{http.MethodGet, false, 501, 1},   // not implemented stays so
		{http.MethodPost, false, 503, 1},  // never blind POST retries
		{http.MethodPost, false, 429, 1},  // nor on a bare 429
		{http.MethodPost, true, 503, 2},   // marked idempotent
		{http.MethodPatch, false, 502, 1}, //
		{http.MethodPost, true, 400, 1},   //
		{http.MethodPost, true, 500, 1},   // 500 is not retried for writes
	}
	for _, tc := range cases {
		name := tc.method + "/" + http.StatusText(tc.status)
		if tc.idempotent {
			name += "/idempotent"
		}
		t.Run(name, func(t *testing.T) {
			srv, n := statusServer(t, nil, tc.status)
			rec := &recorder{}
			c := retry.New(srv.Client(), retry.Policy{Sleep: rec.sleep})
			resp, err := do(t, c, tc.method, srv.URL, retry.Call{Idempotent: tc.idempotent, Body: bodyOf("x")})
			require.NoError(t, err)
			assert.Equal(t, tc.attempts, n.Load())
			if tc.attempts == 1 {
				assert.Equal(t, tc.status, resp.StatusCode, "the response is handed back as it is")
			} else {
				assert.Equal(t, 200, resp.StatusCode)
			}
		})
	}
}

// Retry500 retries a 500 for an idempotent call (Fiks Innsyn documents a 500 as "send it
// all again"), never for a call not known to be idempotent.
func TestRetry500(t *testing.T) {
	for _, tc := range []struct {
		method     string
		idempotent bool
		attempts   int64
	}{{http.MethodPut, false, 2}, {http.MethodPost, true, 2}, {http.MethodPost, false, 1}} {
		srv, n := statusServer(t, nil, 500)
		c := retry.New(srv.Client(), retry.Policy{Sleep: (&recorder{}).sleep})
		_, err := do(t, c, tc.method, srv.URL, retry.Call{Idempotent: tc.idempotent, Retry500: true, Body: bodyOf("x")})
		require.NoError(t, err)
		assert.Equal(t, tc.attempts, n.Load(), "%s idempotent=%v", tc.method, tc.idempotent)
	}
}

// A 429 with Retry-After says the request was not taken: a POST may come back then.
func TestPOSTRetriedOn429WithRetryAfter(t *testing.T) {
	srv, n := statusServer(t, http.Header{"Retry-After": {"2"}}, 429)
	rec := &recorder{}
	c := retry.New(srv.Client(), retry.Policy{Sleep: rec.sleep})
	resp, err := do(t, c, http.MethodPost, srv.URL, retry.Call{Body: bodyOf("x")})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, int64(2), n.Load())
	assert.Equal(t, []time.Duration{2 * time.Second}, rec.waits)

	srv, n = statusServer(t, http.Header{"Retry-After": {"2"}}, 503)
	resp, err = do(t, c, http.MethodPost, srv.URL, retry.Call{Body: bodyOf("x")})
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode, "a 503 may have been half-done: not retried")
	assert.Equal(t, int64(1), n.Load())
}

func bodyOf(s string) retry.BodyFunc {
	return func() (io.ReadCloser, int64, error) { return io.NopCloser(strings.NewReader(s)), int64(len(s)), nil }
}

func TestMaxAttemptsAndLastResponse(t *testing.T) {
	srv, n := statusServer(t, nil, 503, 503, 503, 503, 503)
	rec := &recorder{}
	c := retry.New(srv.Client(), retry.Policy{MaxAttempts: 3, Sleep: rec.sleep})
	resp, err := do(t, c, http.MethodGet, srv.URL, retry.Call{})
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, int64(3), n.Load())
	assert.Len(t, rec.waits, 2)

	c1 := retry.New(srv.Client(), retry.Policy{MaxAttempts: 1, Sleep: rec.sleep})
	_, _ = do(t, c1, http.MethodGet, srv.URL, retry.Call{})
	assert.Equal(t, int64(4), n.Load())
}

func TestBackoffJitterAndCap(t *testing.T) {
	srv, _ := statusServer(t, nil, 503, 503, 503, 503, 503, 503, 503, 503, 503)
	rec := &recorder{}
	c := retry.New(srv.Client(), retry.Policy{MaxAttempts: 8, WaitMin: 100 * time.Millisecond, WaitMax: 400 * time.Millisecond, Sleep: rec.sleep})
	_, err := do(t, c, http.MethodGet, srv.URL, retry.Call{})
	require.NoError(t, err)
	require.Len(t, rec.waits, 7)
	for i, w := range rec.waits {
		ceil := min(100*time.Millisecond<<i, 400*time.Millisecond)
		assert.GreaterOrEqual(t, w, 100*time.Millisecond, "wait %d", i)
		assert.LessOrEqual(t, w, ceil, "wait %d", i)
	}
}

func TestRetryAfter(t *testing.T) {
	srv, _ := statusServer(t, http.Header{"Retry-After": {"3"}}, 429)
	rec := &recorder{}
	c := retry.New(srv.Client(), retry.Policy{Sleep: rec.sleep})
	_, err := do(t, c, http.MethodGet, srv.URL, retry.Call{})
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{3 * time.Second}, rec.waits)

	date := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
	srv2, _ := statusServer(t, http.Header{"Retry-After": {date}}, 503)
	rec2 := &recorder{}
	c2 := retry.New(srv2.Client(), retry.Policy{Sleep: rec2.sleep})
	_, err = do(t, c2, http.MethodGet, srv2.URL, retry.Call{})
	require.NoError(t, err)
	require.Len(t, rec2.waits, 1)
	assert.InDelta(t, 5*time.Second, rec2.waits[0], float64(1500*time.Millisecond))

	// Beyond WaitMax: not retried early; the answer goes back to the caller at once.
	srv3, n3 := statusServer(t, http.Header{"Retry-After": {"3600"}}, 503)
	rec3 := &recorder{}
	c3 := retry.New(srv3.Client(), retry.Policy{Sleep: rec3.sleep, WaitMax: 2 * time.Second})
	resp, err := do(t, c3, http.MethodGet, srv3.URL, retry.Call{})
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Empty(t, rec3.waits)
	assert.Equal(t, int64(1), n3.Load())
}

func TestRetryAfterParse(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"0", 0, true}, {"120", 2 * time.Minute, true}, {"-1", 0, false}, {"", 0, false}, {"soon", 0, false},
		{"Sun, 22 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Sun, 22 Nov 2026 11:00:00 GMT", 0, true},
		{"99999999999", 24 * time.Hour, true},
	} {
		got, ok := retry.RetryAfter(tc.in, now)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

// TestDeadlineShorterThanWait: no retry when the caller's deadline ends before the wait.
func TestDeadlineShorterThanWait(t *testing.T) {
	srv, n := statusServer(t, http.Header{"Retry-After": {"5"}}, 503)
	rec := &recorder{}
	c := retry.New(srv.Client(), retry.Policy{Sleep: rec.sleep})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req, retry.Call{})
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, 503, resp.StatusCode, "the answer, not a deadline error in the middle of a wait")
	assert.Equal(t, int64(1), n.Load())
	assert.Empty(t, rec.waits, "no wait begun that the deadline would cut")
}

func TestContextCancelledDuringWait(t *testing.T) {
	srv, n := statusServer(t, http.Header{"Retry-After": {"2"}}, 503, 503)
	c := retry.New(srv.Client(), retry.Policy{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	_, err := c.Do(req, retry.Call{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, int64(1), n.Load())
}

// TestFreshBodyPerAttempt: the opener is called once per attempt (never buffered, never
// opened in vain), and an opener failure ends the call without a retry.
func TestFreshBodyPerAttempt(t *testing.T) {
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, string(b)+"/"+r.Header.Get("Content-Length"))
		n := len(got)
		mu.Unlock()
		if n < 3 {
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	var opens atomic.Int64
	body := func() (io.ReadCloser, int64, error) {
		i := opens.Add(1)
		s := strings.Repeat("x", int(i))
		return io.NopCloser(strings.NewReader(s)), int64(len(s)), nil
	}
	rec := &recorder{}
	c := retry.New(srv.Client(), retry.Policy{Sleep: rec.sleep})
	resp, err := do(t, c, http.MethodPut, srv.URL, retry.Call{Body: body})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, int64(3), opens.Load())
	assert.Equal(t, []string{"x/1", "xx/2", "xxx/3"}, got)

	openErr := errors.New("file vanished")
	calls := 0
	failing := func() (io.ReadCloser, int64, error) {
		calls++
		if calls > 1 {
			return nil, 0, openErr
		}
		return io.NopCloser(strings.NewReader("a")), 1, nil
	}
	mu.Lock()
	got = nil
	mu.Unlock()
	_, err = do(t, c, http.MethodPut, srv.URL, retry.Call{Body: failing})
	require.ErrorIs(t, err, openErr)
	assert.Equal(t, 2, calls)
}

// failFirstDial fails the first round trip as a dial error, before anything is sent.
type failFirstDial struct {
	n    atomic.Int64
	base http.RoundTripper
}

func (f *failFirstDial) RoundTrip(r *http.Request) (*http.Response, error) {
	if f.n.Add(1) == 1 {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	}
	return f.base.RoundTrip(r)
}

// TestPOSTRetriedOnlyWhenNothingWasSent.
func TestPOSTRetriedOnlyWhenNothingWasSent(t *testing.T) {
	srv, n := statusServer(t, nil)
	ff := &failFirstDial{base: srv.Client().Transport}
	rec := &recorder{}
	c := retry.New(&http.Client{Transport: ff}, retry.Policy{Sleep: rec.sleep})
	resp, err := do(t, c, http.MethodPost, srv.URL, retry.Call{Body: bodyOf("brev")})
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, int64(1), n.Load())
	assert.Equal(t, int64(2), ff.n.Load())

	// The server reads the request, then the connection drops: the body went out, the
	// outcome is unknown, the POST is not repeated.
	var posts atomic.Int64
	dropper := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer dropper.Close()
	c2 := retry.New(dropper.Client(), retry.Policy{Sleep: rec.sleep})
	_, err = do(t, c2, http.MethodPost, dropper.URL, retry.Call{Body: bodyOf("brev")})
	require.Error(t, err)
	assert.Equal(t, int64(1), posts.Load())

	// The same drop on a GET is retried, DefaultMaxAttempts in all.
	_, _ = do(t, c2, http.MethodGet, dropper.URL, retry.Call{})
	assert.Equal(t, int64(1+retry.DefaultMaxAttempts), posts.Load())

	// Connection refused on a closed port: nothing was sent, so a POST is retried.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	rec2 := &recorder{}
	c3 := retry.New(&http.Client{}, retry.Policy{Sleep: rec2.sleep})
	_, err = do(t, c3, http.MethodPost, "http://"+addr+"/", retry.Call{Body: bodyOf("brev")})
	require.Error(t, err)
	assert.Len(t, rec2.waits, retry.DefaultMaxAttempts-1, "refused connections are retried for POST")
}

func TestTLSErrorsNotRetried(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	rec := &recorder{}
	c := retry.New(&http.Client{}, retry.Policy{Sleep: rec.sleep}) // does not trust the test CA
	_, err := do(t, c, http.MethodGet, srv.URL, retry.Call{})
	require.Error(t, err)
	assert.Empty(t, rec.waits)
}

// TestNoStderr: retryablehttp must never write to stderr; with a debug logger its lines
// go there, redacted.
func TestNoStderr(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	old := os.Stderr
	os.Stderr = w
	srv, _ := statusServer(t, nil, 503, 503, 503)
	rec := &recorder{}
	c := retry.New(srv.Client(), retry.Policy{Sleep: rec.sleep})
	_, _ = do(t, c, http.MethodGet, srv.URL+"/person/13097248022", retry.Call{})
	os.Stderr = old
	w.Close()
	out, _ := io.ReadAll(r)
	assert.Empty(t, string(out))
}
