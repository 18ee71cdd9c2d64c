package redislease_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/lease"
	"github.com/fellesklient/fellesklient/lease/leasetest"
	"github.com/fellesklient/fellesklient/lease/redislease"
)

// TestConformance runs the lease rules on a real redis-server, each subtest with its own
// key prefix.
func TestConformance(t *testing.T) {
	srv := testutil.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { rdb.Close() })
	leasetest.Run(t, func(t *testing.T) lease.Store {
		s, err := redislease.New(redislease.Options{Client: rdb, Prefix: "t:" + t.Name() + ":"})
		require.NoError(t, err)
		return s
	})
}

// TestDown: with Redis gone, Acquire, Renew and Done fail with ErrUnavailable (never
// ErrHeld or a lease), so a receiver stops taking work and says why.
func TestDown(t *testing.T) {
	srv := testutil.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	s, err := redislease.New(redislease.Options{Client: rdb, Timeout: 500 * time.Millisecond})
	require.NoError(t, err)
	ctx := context.Background()
	l, err := s.Acquire(ctx, "x", time.Minute)
	require.NoError(t, err)
	srv.Stop()
	_, err = s.Acquire(ctx, "y", time.Minute)
	assert.ErrorIs(t, err, lease.ErrUnavailable)
	assert.False(t, errors.Is(err, lease.ErrHeld))
	assert.ErrorIs(t, l.Renew(ctx, time.Minute), lease.ErrUnavailable)
	assert.ErrorIs(t, l.Done(ctx), lease.ErrUnavailable)
}

// TestKeys: what the store writes is namespaced and expires.
func TestKeys(t *testing.T) {
	srv := testutil.Redis(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr})
	t.Cleanup(func() { rdb.Close() })
	s, err := redislease.New(redislease.Options{Client: rdb, Prefix: "p:", DoneTTL: time.Hour})
	require.NoError(t, err)
	ctx := context.Background()
	l, err := s.Acquire(ctx, "svarinn:sys:id1", time.Minute)
	require.NoError(t, err)
	require.NoError(t, l.Done(ctx))
	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"p:{svarinn:sys:id1}:done", "p:{svarinn:sys:id1}:fence"}, keys)
	for _, k := range keys {
		ttl, err := rdb.PTTL(ctx, k).Result()
		require.NoError(t, err)
		assert.Greater(t, ttl, 59*time.Minute, k)
	}
}
