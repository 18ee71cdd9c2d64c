package auth

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"time"
)

// SharedStore is a token store shared by the replicas of one integration (processes on
// several machines using the same client and request), behind the in-process layer of a
// [Cache]: on a cold or expiring local cache the replicas take the token one of them
// fetched, and N replicas on a cold store make one token request, not N. The
// auth/redisstore package implements it on Redis; another store needs three operations.
//
// Keys are chosen by whoever builds the Cache ([CacheOptions.SharedKey]; the maskinporten
// package derives one per client and request shape, hashed) and never contain a token.
// A stored token is a credential: implementations should keep it encrypted at rest.
// Implementations must be safe for concurrent use.
type SharedStore interface {
	// Get returns the token stored under key, or nil and no error when there is none.
	Get(ctx context.Context, key string) (*Token, error)
	// Set stores tok under key until tok.Expiry. A token without expiry need not be
	// stored.
	Set(ctx context.Context, key string, tok *Token) error
	// Lock tries to take the store-wide lock on key for at most ttl. It returns a release
	// function when it took the lock, and nil and no error when another holder has it.
	Lock(ctx context.Context, key string, ttl time.Duration) (release func(), err error)
}

// fetchShared gets a token through the shared store: a fresh one another replica stored,
// or, holding the store's lock for the key, one fetched from the source and stored for the
// others. While another replica holds the lock it waits for that replica's token, at most
// SharedWait, and then fetches itself. When the store fails it fetches directly: the
// store is an optimisation, never a reason to be without a token.
func (c *Cache) fetchShared(ctx context.Context, rejected [32]byte) (*Token, error) {
	sh, key := c.opts.Shared, c.opts.SharedKey
	fresh := func(t *Token) bool {
		if t == nil || t.Value == "" || (rejected != [32]byte{} && sha256.Sum256([]byte(t.Value)) == rejected) {
			return false
		}
		if t.Expiry.IsZero() {
			return true
		}
		// Not yet in the window in which this cache would refresh it.
		return c.opts.Now().Before(t.Expiry.Add(-c.opts.RefreshBefore))
	}
	direct := func(why string, err error) (*Token, error) {
		c.warn(ctx, "auth: the shared token store failed; fetching the token directly", why, err)
		return c.src.Token(ctx)
	}
	// fetchAndStore fetches from the source and stores the token for the others.
	fetchAndStore := func() (*Token, error) {
		tok, err := c.src.Token(ctx)
		if err == nil && tok != nil && tok.Value != "" {
			if err := sh.Set(ctx, key, tok); err != nil {
				c.warn(ctx, "auth: could not store the token in the shared store", "set", err)
			}
		}
		return tok, err
	}
	tok, err := sh.Get(ctx, key)
	if err != nil {
		return direct("get", err)
	}
	if fresh(tok) {
		return tok, nil
	}
	deadline := time.Now().Add(c.opts.SharedWait) // real time: Now may be a test clock
	poll := 10 * time.Millisecond
	for {
		release, err := sh.Lock(ctx, key, c.opts.FetchTimeout)
		if err != nil {
			return direct("lock", err)
		}
		if release != nil {
			defer release()
			// Another replica may have stored one between the Get and the Lock.
			if tok, err := sh.Get(ctx, key); err == nil && fresh(tok) {
				return tok, nil
			}
			return fetchAndStore()
		}
		// Another replica is fetching: take its token when it is there.
		if !time.Now().Before(deadline) {
			c.warn(ctx, "auth: no token from the replica holding the shared lock in time; fetching directly", "wait", nil)
			return fetchAndStore()
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		poll = min(2*poll, 200*time.Millisecond)
		tok, err := sh.Get(ctx, key)
		if err != nil {
			return direct("get", err)
		}
		if fresh(tok) {
			return tok, nil
		}
	}
}

func (c *Cache) warn(ctx context.Context, msg, op string, err error) {
	if c.opts.Logger == nil {
		return
	}
	attrs := []slog.Attr{slog.String("op", op)}
	if err != nil {
		attrs = append(attrs, slog.Any("error", err))
	}
	c.opts.Logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
}
