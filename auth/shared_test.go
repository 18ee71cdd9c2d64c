package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// memShared is an in-memory SharedStore standing in for Redis, with call counts and
// failure switches.
type memShared struct {
	mu      sync.Mutex
	toks    map[string]*auth.Token
	locks   map[string]time.Time
	now     func() time.Time
	gets    atomic.Int64
	down    atomic.Bool
	noSet   atomic.Bool // a lock holder that never stores (died holding the lock)
	stolen  atomic.Bool // the lock is always someone else's
	setKeys []string
}

var errStoreDown = errors.New("connection refused")

func newMemShared(now func() time.Time) *memShared {
	return &memShared{toks: map[string]*auth.Token{}, locks: map[string]time.Time{}, now: now}
}

func (m *memShared) Get(ctx context.Context, key string) (*auth.Token, error) {
	m.gets.Add(1)
	if m.down.Load() {
		return nil, errStoreDown
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.toks[key]
	if t != nil && !t.Expiry.IsZero() && !m.now().Before(t.Expiry) {
		return nil, nil
	}
	return t, nil
}

func (m *memShared) Set(ctx context.Context, key string, tok *auth.Token) error {
	if m.down.Load() {
		return errStoreDown
	}
	if m.noSet.Load() {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.toks[key] = tok
	m.setKeys = append(m.setKeys, key)
	return nil
}

func (m *memShared) Lock(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	if m.down.Load() {
		return nil, errStoreDown
	}
	if m.stolen.Load() {
		return nil, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if until, ok := m.locks[key]; ok && m.now().Before(until) {
		return nil, nil
	}
	m.locks[key] = m.now().Add(ttl)
	return func() { m.mu.Lock(); delete(m.locks, key); m.mu.Unlock() }, nil
}

func sharedCache(f *fakeSource, sh auth.SharedStore, log *testutil.LogBuffer) *auth.Cache {
	opts := auth.CacheOptions{Now: f.clock, Shared: sh, SharedKey: "k", SharedWait: 300 * time.Millisecond}
	if log != nil {
		opts.Logger = log.Logger()
	}
	return auth.NewCache(f, opts)
}

// TestSharedOneFetch: five replicas (caches) of 100 goroutines each on a cold shared
// store make one token request; a warm replica no longer asks the store.
func TestSharedOneFetch(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: time.Hour}
	sh := newMemShared(f.clock)
	var caches []*auth.Cache
	for range 5 {
		caches = append(caches, sharedCache(f, sh, nil))
	}
	var wg sync.WaitGroup
	for _, c := range caches {
		for range 100 {
			wg.Go(func() {
				tok, err := c.Token(context.Background())
				assert.NoError(t, err)
				assert.Equal(t, "tok-1", tok.Value)
			})
		}
	}
	wg.Wait()
	assert.Equal(t, int64(1), f.fetches.Load())
	gets := sh.gets.Load()
	for _, c := range caches {
		_, err := c.Token(context.Background())
		require.NoError(t, err)
	}
	assert.Equal(t, gets, sh.gets.Load(), "a warm local cache does not ask the shared store")
}

// TestSharedRefresh: in the refresh window one replica fetches the next token; the
// others take it from the store.
func TestSharedRefresh(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: 10 * time.Minute}
	sh := newMemShared(f.clock)
	a, b := sharedCache(f, sh, nil), sharedCache(f, sh, nil)
	for _, c := range []*auth.Cache{a, b} {
		_, err := c.Token(context.Background())
		require.NoError(t, err)
	}
	f.advance(9*time.Minute + 30*time.Second) // in both windows (60 s before expiry)
	tok, _ := a.Token(context.Background())
	assert.Equal(t, "tok-1", tok.Value)
	require.Eventually(t, func() bool { t, _ := a.Token(context.Background()); return t.Value == "tok-2" }, 5*time.Second, 5*time.Millisecond)
	_, _ = b.Token(context.Background())
	require.Eventually(t, func() bool { t, _ := b.Token(context.Background()); return t.Value == "tok-2" }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, int64(2), f.fetches.Load(), "b took a's refreshed token from the store")
}

// TestSharedDown: a failing store costs nothing but the round trip: the token is fetched
// directly, a warning says so, and the local cache serves as before.
func TestSharedDown(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: time.Hour}
	sh := newMemShared(f.clock)
	var log testutil.LogBuffer
	c := sharedCache(f, sh, &log)
	sh.down.Store(true)
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Value)
	assert.Contains(t, log.String(), "shared token store failed")
	assert.NotContains(t, log.String(), "tok-1")
	for range 10 {
		tok, err = c.Token(context.Background())
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok.Value)
	}
	assert.Equal(t, int64(1), f.fetches.Load())
}

// TestSharedLockHolderDies: a replica that holds the lock and never stores a token
// delays the others by SharedWait, not forever.
func TestSharedLockHolderDies(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: time.Hour}
	sh := newMemShared(time.Now)
	sh.stolen.Store(true)
	var log testutil.LogBuffer
	c := sharedCache(f, sh, &log)
	start := time.Now()
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-1", tok.Value)
	assert.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond)
	assert.Contains(t, log.String(), "fetching directly")
}

// TestSharedRejected: a token a server rejected is not taken from the store again.
func TestSharedRejected(t *testing.T) {
	f := &fakeSource{now: time.Now(), lifetime: time.Hour}
	sh := newMemShared(f.clock)
	a, b := sharedCache(f, sh, nil), sharedCache(f, sh, nil)
	tok, err := a.Token(context.Background())
	require.NoError(t, err)
	a.Invalidate(tok)
	tok2, err := a.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok2.Value, "the rejected tok-1 in the store was passed over")
	tok3, err := b.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "tok-2", tok3.Value, "the other replica gets the replacement")
}

// TestSharedKeyRequired: a shared store without a key is a programming error.
func TestSharedKeyRequired(t *testing.T) {
	assert.PanicsWithValue(t, "auth: CacheOptions.Shared needs a SharedKey", func() {
		auth.NewCache(auth.Static("x"), auth.CacheOptions{Shared: newMemShared(time.Now)})
	})
	assert.False(t, strings.Contains(auth.CacheOptions{}.SharedKey, "x"))
}
