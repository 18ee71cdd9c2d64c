package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
)

// fakeSource counts fetches and returns tokens with a lifetime on a settable clock.
type fakeSource struct {
	mu       sync.Mutex
	now      time.Time
	lifetime time.Duration
	fetches  atomic.Int64
	fail     atomic.Bool
	block    chan struct{} // when set, Token waits for it (or ctx)
	lastCtx  context.Context
}

var errTokenServiceDown = errors.New("token service down")

func (f *fakeSource) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeSource) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *fakeSource) Token(ctx context.Context) (*auth.Token, error) {
	n := f.fetches.Add(1)
	f.mu.Lock()
	f.lastCtx = ctx
	block := f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.fail.Load() {
		return nil, errTokenServiceDown
	}
	tok := &auth.Token{Value: fmt.Sprintf("tok-%d", n)}
	if f.lifetime > 0 {
		tok.Expiry = f.clock().Add(f.lifetime)
	}
	return tok, nil
}

func newCache(f *fakeSource) *auth.Cache {
	return auth.NewCache(f, auth.CacheOptions{Now: f.clock})
}

func TestCacheHit(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: 10 * time.Minute}
	c := newCache(f)
	for range 10 {
		tok, err := c.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.Value)
	}
	assert.Equal(t, int64(1), f.fetches.Load())
}

// TestCacheRefreshWindow: a 10-minute token is refreshed in the background from 60 s
// before expiry; a 120 s token from 30 s (a quarter of its lifetime) before.
func TestCacheRefreshWindow(t *testing.T) {
	for _, tc := range []struct {
		lifetime, quiet, refresh time.Duration
	}{
		{10 * time.Minute, 539 * time.Second, 541 * time.Second},
		{120 * time.Second, 89 * time.Second, 91 * time.Second},
	} {
		t.Run(tc.lifetime.String(), func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				f := &fakeSource{now: time.Now(), lifetime: tc.lifetime}
				c := newCache(f)
				_, err := c.Token(context.Background())
				require.NoError(t, err)
				f.advance(tc.quiet)
				tok, _ := c.Token(context.Background())
				assert.Equal(t, "tok-1", tok.Value)
				synctest.Wait() // any background refresh would have run by now
				assert.Equal(t, int64(1), f.fetches.Load(), "no refresh before the window")
				f.advance(tc.refresh - tc.quiet)
				tok, _ = c.Token(context.Background())
				assert.Equal(t, "tok-1", tok.Value, "the cached token is returned at once in the window")
				synctest.Wait() // the background refresh has finished
				tok, _ = c.Token(context.Background())
				assert.Equal(t, "tok-2", tok.Value)
				assert.Equal(t, int64(2), f.fetches.Load())
			})
		})
	}
}

// TestCacheExpiredWaits: past the usable time, callers wait for the new token.
func TestCacheExpiredWaits(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: 100 * time.Second}
	c := newCache(f)
	_, _ = c.Token(context.Background())
	f.advance(95 * time.Second) // within 10 % of expiry: not handed out any more
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value)
}

// TestCacheWaiterContext: each waiter returns when its own ctx ends; the shared fetch goes
// on, on a detached context, and serves the others.
func TestCacheWaiterContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) { cacheWaiterContext(t) })
}

func cacheWaiterContext(t *testing.T) {
	block := make(chan struct{})
	f := &fakeSource{now: time.Now(), lifetime: time.Hour, block: block}
	c := newCache(f)

	short, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Token(short)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	done := make(chan *auth.Token)
	go func() {
		tok, _ := c.Token(context.Background())
		done <- tok
	}()
	synctest.Wait() // the second caller waits on the shared fetch
	close(block)
	tok := <-done
	assert.Equal(t, "tok-1", tok.Value)
	assert.Equal(t, int64(1), f.fetches.Load(), "the impatient caller did not cancel the shared fetch")
	f.mu.Lock()
	lastCtx := f.lastCtx
	f.mu.Unlock()
	_, hasDeadline := lastCtx.Deadline()
	assert.True(t, hasDeadline, "the fetch has its own timeout")
}

func TestCacheFetchTimeout(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: time.Hour, block: make(chan struct{})}
	c := auth.NewCache(f, auth.CacheOptions{Now: f.clock, FetchTimeout: 20 * time.Millisecond})
	_, err := c.Token(context.Background())
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCacheErrorNotCached(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: time.Hour}
	f.fail.Store(true)
	c := newCache(f)
	_, err := c.Token(context.Background())
	require.Error(t, err)
	f.fail.Store(false)
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok.Value)
}

func TestCacheInvalidate(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: time.Hour}
	c := newCache(f)
	old, _ := c.Token(context.Background())
	c.Invalidate(&auth.Token{Value: "something-else"})
	tok, _ := c.Token(context.Background())
	assert.Equal(t, old.Value, tok.Value, "a token that is not the cached one changes nothing")
	c.Invalidate(old)
	tok, _ = c.Token(context.Background())
	assert.Equal(t, "tok-2", tok.Value)
	c.Invalidate(old) // the stale rejection of an already replaced token
	tok, _ = c.Token(context.Background())
	assert.Equal(t, "tok-2", tok.Value)
}

func TestCacheNoExpiryAndNil(t *testing.T) {
	f := &fakeSource{now: time.Now()}
	c := newCache(f)
	for range 3 {
		tok, err := c.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.Value)
	}
	nilSrc := auth.NewCache(auth.TokenSourceFunc(func(context.Context) (*auth.Token, error) { return nil, nil }), auth.CacheOptions{})
	_, err := nilSrc.Token(context.Background())
	require.ErrorIs(t, err, auth.ErrNoToken)
}

func TestTokenStringRedacted(t *testing.T) {
	tok := &auth.Token{Value: "eyJsecret.value.sig", Scope: "ks:fiks", Expiry: time.Unix(1e9, 0)}
	for _, s := range []string{tok.String(), fmt.Sprintf("%v %+v %#v %s %q", tok, tok, tok, tok, tok)} {
		assert.NotContains(t, s, "secret")
	}
	assert.Contains(t, tok.String(), "ks:fiks")
}

// TestTransport: header on a clone; 401 → invalidate → one retry with a fresh token and
// the replayed body; the caller's request is untouched.
func TestTransport(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		bodies = append(bodies, string(b))
		mu.Unlock()
		if r.Header.Get("Authorization") == "Bearer tok-1" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	f := &fakeSource{now: time.Now(), lifetime: time.Hour}
	hc := &http.Client{Transport: &auth.Transport{Source: newCache(f)}}

	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("payload"))
	resp, err := hc.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, []string{"Bearer tok-1", "Bearer tok-2"}, seen)
	assert.Equal(t, []string{"payload", "payload"}, bodies)
	assert.Empty(t, req.Header.Get("Authorization"), "the caller's request is not modified")

	// A body that cannot be replayed: the 401 is returned, no second attempt.
	f2 := &fakeSource{now: time.Now(), lifetime: time.Hour}
	hc2 := &http.Client{Transport: &auth.Transport{Source: newCache(f2)}}
	seen = nil
	req, _ = http.NewRequest(http.MethodPost, srv.URL, io.NopCloser(strings.NewReader("once")))
	req.GetBody = nil
	resp, err = hc2.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Len(t, seen, 1)

	// A source that cannot invalidate: the 401 is returned as it is.
	seen = nil
	hc3 := &http.Client{Transport: &auth.Transport{Source: auth.Static("tok-1")}}
	resp, err = hc3.Get(srv.URL)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Len(t, seen, 1)
}

func TestTransportTokenError(t *testing.T) {
	f := &fakeSource{now: time.Now()}
	f.fail.Store(true)
	hc := &http.Client{Transport: &auth.Transport{Source: f}}
	_, err := hc.Get("http://127.0.0.1:1/never")
	require.Error(t, err)
	assert.ErrorIs(t, err, errTokenServiceDown, "the source's error is kept for errors.Is")
	_, err = (&http.Client{Transport: &auth.Transport{Source: auth.Static("")}}).Get("http://127.0.0.1:1/")
	require.ErrorIs(t, err, auth.ErrNoToken)
}
