// Package leasetest checks that a lease.Store keeps the rules of package lease: one
// holder at a time, takeover after expiry (a resumed lease), fencing that grows, Renew
// only by the current holder, done marks that keep others out and Release that lets
// them in. Run it
// on a new Store implementation: leasetest.Run(t, func() lease.Store { ... }).
package leasetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/lease"
)

// Run runs the conformance tests on stores made by newStore (a fresh, empty one each
// call). The tests use real time: leases of 150 ms and waits of a few hundred.
func Run(t *testing.T, newStore func(t *testing.T) lease.Store) {
	ctx := context.Background()
	const ttl = 150 * time.Millisecond
	name := func(t *testing.T) string { return "leasetest:" + t.Name() }

	t.Run("OneHolder", func(t *testing.T) {
		s := newStore(t)
		var got atomic.Int64
		var wg sync.WaitGroup
		for range 50 {
			wg.Go(func() {
				if _, err := s.Acquire(ctx, name(t), time.Minute); err == nil {
					got.Add(1)
				} else if !errors.Is(err, lease.ErrHeld) {
					t.Errorf("Acquire: %v, want ErrHeld", err)
				}
			})
		}
		wg.Wait()
		if got.Load() != 1 {
			t.Fatalf("%d of 50 concurrent Acquires took the lease, want 1", got.Load())
		}
	})

	t.Run("TakeoverAfterExpiry", func(t *testing.T) {
		s := newStore(t)
		a, err := s.Acquire(ctx, name(t), ttl)
		must(t, err)
		time.Sleep(ttl + 100*time.Millisecond)
		b, err := s.Acquire(ctx, name(t), ttl)
		must(t, err)
		if b.Fence() <= a.Fence() {
			t.Errorf("fence %d after %d: it must grow", b.Fence(), a.Fence())
		}
		if a.Resumed() || !b.Resumed() {
			t.Errorf("Resumed: first %v, takeover %v; want false, true", a.Resumed(), b.Resumed())
		}
		if err := a.Renew(ctx, ttl); !errors.Is(err, lease.ErrLost) {
			t.Errorf("the expired holder's Renew: %v, want ErrLost", err)
		}
		must(t, a.Release(ctx)) // a no-op for a lost lease
		if _, err := s.Acquire(ctx, name(t), ttl); !errors.Is(err, lease.ErrHeld) {
			t.Errorf("the old holder's Release freed the new holder's lease: %v", err)
		}
		must(t, b.Renew(ctx, ttl))
	})

	t.Run("RenewKeeps", func(t *testing.T) {
		s := newStore(t)
		a, err := s.Acquire(ctx, name(t), ttl)
		must(t, err)
		for range 4 {
			time.Sleep(ttl / 2)
			must(t, a.Renew(ctx, ttl))
		}
		if _, err := s.Acquire(ctx, name(t), ttl); !errors.Is(err, lease.ErrHeld) {
			t.Errorf("a renewed lease was taken: %v", err)
		}
	})

	t.Run("DoneKeepsOut", func(t *testing.T) {
		s := newStore(t)
		a, err := s.Acquire(ctx, name(t), ttl)
		must(t, err)
		must(t, a.Done(ctx))
		time.Sleep(ttl + 50*time.Millisecond)
		if _, err := s.Acquire(ctx, name(t), ttl); !errors.Is(err, lease.ErrDone) {
			t.Errorf("Acquire of a done item: %v, want ErrDone", err)
		}
		// A stale holder that did the irreversible step marks the item done too.
		b, err := s.Acquire(ctx, name(t)+"-2", ttl)
		must(t, err)
		time.Sleep(ttl + 50*time.Millisecond)
		c, err := s.Acquire(ctx, name(t)+"-2", time.Minute)
		must(t, err)
		must(t, b.Done(ctx))
		if _, err := s.Acquire(ctx, name(t)+"-2", ttl); !errors.Is(err, lease.ErrDone) && !errors.Is(err, lease.ErrHeld) {
			t.Errorf("Acquire after a stale Done: %v", err)
		}
		must(t, c.Renew(ctx, time.Minute))
	})

	t.Run("ResumedAfterRelease", func(t *testing.T) {
		s := newStore(t)
		a, err := s.Acquire(ctx, name(t), time.Minute)
		must(t, err)
		must(t, a.Release(ctx))
		b, err := s.Acquire(ctx, name(t), time.Minute)
		must(t, err)
		if !b.Resumed() {
			t.Error("a lease after a Release is Resumed")
		}
	})

	t.Run("ReleaseLetsIn", func(t *testing.T) {
		s := newStore(t)
		a, err := s.Acquire(ctx, name(t), time.Minute)
		must(t, err)
		must(t, a.Release(ctx))
		b, err := s.Acquire(ctx, name(t), time.Minute)
		must(t, err)
		if b.Fence() <= a.Fence() {
			t.Errorf("fence %d after %d", b.Fence(), a.Fence())
		}
		if b.Name() != name(t) {
			t.Errorf("Name %q", b.Name())
		}
	})

	t.Run("NamesIndependent", func(t *testing.T) {
		s := newStore(t)
		for i := range 20 {
			_, err := s.Acquire(ctx, fmt.Sprintf("%s-%d", name(t), i), time.Minute)
			must(t, err)
		}
	})

	t.Run("Keep", func(t *testing.T) {
		s := newStore(t)
		a, err := s.Acquire(ctx, name(t), ttl)
		must(t, err)
		kctx, stop := lease.Keep(ctx, a, ttl)
		time.Sleep(3 * ttl)
		if kctx.Err() != nil {
			t.Fatalf("Keep let the lease go: %v", context.Cause(kctx))
		}
		if _, err := s.Acquire(ctx, name(t), ttl); !errors.Is(err, lease.ErrHeld) {
			t.Errorf("a kept lease was taken: %v", err)
		}
		must(t, stop())
		// Lost under Keep: another holder took it after a release behind Keep's back.
		must(t, a.Release(ctx))
		b, err := s.Acquire(ctx, name(t), time.Minute)
		must(t, err)
		kctx, stop = lease.Keep(ctx, a, ttl)
		select {
		case <-kctx.Done():
		case <-time.After(5 * ttl):
			t.Fatal("Keep did not notice the lease was lost")
		}
		if err := stop(); !errors.Is(err, lease.ErrLost) || !errors.Is(context.Cause(kctx), lease.ErrLost) {
			t.Errorf("stop: %v, cause %v, want ErrLost", err, context.Cause(kctx))
		}
		must(t, b.Release(ctx))
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
