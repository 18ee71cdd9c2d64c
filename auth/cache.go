package auth

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"sync"
	"time"
)

// CacheOptions configures a [Cache]. The zero value gives the documented defaults.
type CacheOptions struct {
	// RefreshBefore is how long before expiry a token is refreshed. For short-lived tokens
	// the cache refreshes earlier relative to lifetime but never spends more than a quarter
	// of a token's lifetime on early refresh: the margin is min(RefreshBefore, lifetime/4).
	// Default 60 s.
	RefreshBefore time.Duration

	// FetchTimeout bounds one fetch from the underlying source. The fetch runs on a context
	// detached from the caller's cancellation, so that one impatient caller cannot fail the
	// fetch that other callers are waiting for. Default 30 s.
	FetchTimeout time.Duration

	// RetryInterval is the least time between two background refreshes after one failed, so
	// that an outage of the token service is not hammered while the cached token is still
	// good. Default 5 s.
	RetryInterval time.Duration

	// Logger receives a warning when a background refresh fails (the caller got the cached
	// token and saw no error). Nil: silent.
	Logger *slog.Logger

	// Now returns the current time. Nil: time.Now. For tests.
	Now func() time.Time

	// Shared, when set, is a second layer behind the in-process one, shared with the
	// other replicas of the integration (see [SharedStore]; auth/redisstore on Redis).
	// A warm local cache never calls it. On a cold or expiring local cache the token
	// comes from Shared when another replica stored a fresh one; otherwise one replica
	// (holding Shared's lock) fetches it and stores it for the others, who wait for it
	// at most SharedWait. When Shared fails the cache fetches directly and logs a
	// warning. Shared needs a SharedKey.
	Shared SharedStore
	// SharedKey names this cache's token in Shared: equal for every replica using the
	// same credentials and request, different otherwise, and never containing a
	// secret or personal data (hash what it is derived from). maskinporten sets it.
	SharedKey string
	// SharedWait is how long a replica waits for the token of the replica holding the
	// lock before it fetches one itself. Default 10 s.
	SharedWait time.Duration
}

// Cache is a [TokenSource] that caches the token of another source.
//
//   - A token is handed out until shortly before it expires (see [CacheOptions.RefreshBefore]).
//   - In the refresh window the cached token is still returned at once, and a single
//     background fetch replaces it; if that fetch fails, callers keep getting the cached
//     token while it is valid and see nothing of the failure.
//   - When there is no usable token, all callers share one fetch. Each waiter returns when
//     its own ctx ends; the fetch itself runs on a detached context with its own timeout.
//   - No lock is held across I/O.
//
// A Cache is safe for concurrent use. Create it with [NewCache].
type Cache struct {
	src  TokenSource
	opts CacheOptions

	mu          sync.Mutex
	tok         *Token
	refreshAt   time.Time // start background refresh from here
	usableUntil time.Time // stop handing the token out from here
	nextTry     time.Time // earliest next background refresh after a failure
	call        *fetchCall
	rejected    [32]byte // SHA-256 of the last token Invalidate dropped: never taken from Shared again
}

type fetchCall struct {
	done chan struct{}
	tok  *Token
	err  error
}

// NewCache returns a Cache around src.
func NewCache(src TokenSource, opts CacheOptions) *Cache {
	if opts.RefreshBefore <= 0 {
		opts.RefreshBefore = 60 * time.Second
	}
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = 30 * time.Second
	}
	if opts.RetryInterval <= 0 {
		opts.RetryInterval = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Shared != nil && opts.SharedKey == "" {
		panic("auth: CacheOptions.Shared needs a SharedKey")
	}
	if opts.SharedWait <= 0 {
		opts.SharedWait = 10 * time.Second
	}
	return &Cache{src: src, opts: opts}
}

// Token returns the cached token, or fetches one. See [Cache] for the rules.
func (c *Cache) Token(ctx context.Context) (*Token, error) {
	c.mu.Lock()
	now := c.opts.Now()
	if c.tok != nil && (c.usableUntil.IsZero() || now.Before(c.usableUntil)) {
		tok := c.tok
		if !c.refreshAt.IsZero() && !now.Before(c.refreshAt) && c.call == nil && !now.Before(c.nextTry) {
			c.startLocked(ctx, true)
		}
		c.mu.Unlock()
		return tok, nil
	}
	call := c.call
	if call == nil {
		call = c.startLocked(ctx, false)
	}
	c.mu.Unlock()

	select {
	case <-call.done:
		return call.tok, call.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Invalidate drops the cached token if it is the rejected one, so that the next call to
// Token fetches a new token. A token that has already been replaced is left alone.
func (c *Cache) Invalidate(rejected *Token) {
	if rejected == nil {
		return
	}
	c.mu.Lock()
	if c.opts.Shared != nil {
		c.rejected = sha256.Sum256([]byte(rejected.Value))
	}
	if c.tok != nil && c.tok.Value == rejected.Value {
		c.tok = nil
		c.refreshAt, c.usableUntil, c.nextTry = time.Time{}, time.Time{}, time.Time{}
	}
	c.mu.Unlock()
}

// startLocked starts the one fetch. c.mu must be held.
func (c *Cache) startLocked(ctx context.Context, background bool) *fetchCall {
	call := &fetchCall{done: make(chan struct{})}
	c.call = call
	go c.fetch(context.WithoutCancel(ctx), call, background)
	return call
}

func (c *Cache) fetch(ctx context.Context, call *fetchCall, background bool) {
	timeout := c.opts.FetchTimeout
	if c.opts.Shared != nil {
		timeout += c.opts.SharedWait
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := c.opts.Now()
	var tok *Token
	var err error
	if c.opts.Shared != nil {
		c.mu.Lock()
		rejected := c.rejected
		c.mu.Unlock()
		tok, err = c.fetchShared(ctx, rejected)
	} else {
		tok, err = c.src.Token(ctx)
	}
	if err == nil && (tok == nil || tok.Value == "") {
		tok, err = nil, ErrNoToken
	}

	c.mu.Lock()
	c.call = nil
	if err != nil {
		c.nextTry = c.opts.Now().Add(c.opts.RetryInterval)
	} else {
		c.store(tok, start)
	}
	c.mu.Unlock()

	call.tok, call.err = tok, err
	close(call.done)

	if err != nil && background && c.opts.Logger != nil {
		c.opts.Logger.LogAttrs(ctx, slog.LevelWarn, "auth: background token refresh failed; still using the cached token",
			slog.Any("error", err))
	}
}

// store caches tok, obtained at (about) start. c.mu must be held.
func (c *Cache) store(tok *Token, start time.Time) {
	c.nextTry = time.Time{}
	if tok.Expiry.IsZero() {
		c.tok, c.refreshAt, c.usableUntil = tok, time.Time{}, time.Time{}
		return
	}
	lifetime := tok.Expiry.Sub(start)
	if lifetime <= 0 {
		// Already expired on arrival: give it to this fetch's waiters, cache nothing.
		c.tok = nil
		return
	}
	margin := min(c.opts.RefreshBefore, lifetime/4)
	// Stop handing the token out a little before it expires, so that it does not expire
	// on the way to the server: a tenth of the lifetime, at most 10 s.
	skew := min(10*time.Second, lifetime/10)
	c.tok = tok
	c.refreshAt = tok.Expiry.Add(-margin)
	c.usableUntil = tok.Expiry.Add(-skew)
}
