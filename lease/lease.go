// Package lease coordinates the replicas of one integration that receive from the same
// account, so that each item (a SvarInn forsendelse, say) is handled by one replica at a
// time and completed once.
//
// A replica takes an item's [Lease] from a [Store] before it starts and keeps it renewed
// while it works ([Keep]). Right before the step that cannot be undone (the
// acknowledgement) it renews once more: [Lease.Renew] is the fencing step, succeeding only
// for the holder of the current lease, so a replica that stalled past its ttl and whose
// item another replica took learns that before it acknowledges; it then finishes that
// step within the ttl. After it, [Lease.Done] keeps every replica out of the item; to give
// an item up, [Lease.Release]. A replica that dies stops renewing; its lease expires after
// its ttl and another replica takes the item over. That replica's lease is
// [Lease.Resumed]: the item may have been finished by the one that died (after its last
// step, before Done), so it checks with the service before it starts.
//
// [NewMemory] is a Store for the goroutines of one process; lease/redislease is the one
// for replicas on several machines. The package imports only the standard library.
package lease

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Sentinels of Acquire, Renew and Complete. Store failures (the store cannot be reached)
// wrap ErrUnavailable.
var (
	// ErrHeld: another holder has the item's lease.
	ErrHeld = errors.New("lease: held by another replica")
	// ErrDone: a holder finished the item (Done).
	ErrDone = errors.New("lease: the item is done")
	// ErrLost: the lease expired, and another holder may have taken the item.
	ErrLost = errors.New("lease: lost")
	// ErrUnavailable: the store could not be asked.
	ErrUnavailable = errors.New("lease: the store is unavailable")
)

// A Store hands out leases. Implementations must be safe for concurrent use.
type Store interface {
	// Acquire takes the lease on name for ttl. It fails with ErrHeld when another
	// holder has it and ErrDone when the item is done.
	Acquire(ctx context.Context, name string, ttl time.Duration) (Lease, error)
}

// A Lease is one holder's right to work on an item.
type Lease interface {
	// Name is the item's name, as given to Acquire.
	Name() string
	// Fence is the fencing token: it grows with every Acquire of the same name, so a
	// system that records the token with the work can refuse an older holder.
	Fence() int64
	// Resumed reports whether another holder had the item before and did not finish
	// it with Done (it released the item, or died and its lease expired). That holder
	// may have done the irreversible step before it died: check the item's state first.
	Resumed() bool
	// Renew extends the lease to ttl from now. It fails with ErrLost when the lease is
	// no longer this holder's. Renew right before the irreversible step, then finish
	// that step within ttl.
	Renew(ctx context.Context, ttl time.Duration) error
	// Done marks the item finished: the lease ends, and no holder acquires the item
	// again for the store's done ttl. Call it after the irreversible step succeeded.
	Done(ctx context.Context) error
	// Release gives the item up: the lease ends, if it is still this holder's, and
	// another holder may take the item at once.
	Release(ctx context.Context) error
}

// Keep renews l every third of ttl until stop is called. The returned context is ctx,
// cancelled with cause ErrLost (or the store's error) when a renewal fails: work done
// under it stops when the lease can no longer be vouched for. stop waits for the renewer
// and returns why the lease was given up, or nil.
func Keep(ctx context.Context, l Lease, ttl time.Duration) (context.Context, func() error) {
	kctx, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	var mu sync.Mutex
	var failed error
	go func() {
		defer close(done)
		t := time.NewTicker(max(ttl/3, time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-kctx.Done():
				return
			case <-t.C:
				rctx, rcancel := context.WithTimeout(kctx, max(ttl/3, time.Second))
				err := l.Renew(rctx, ttl)
				rcancel()
				if err != nil && kctx.Err() == nil {
					mu.Lock()
					failed = err
					mu.Unlock()
					cancel(err)
					return
				}
			}
		}
	}()
	return kctx, func() error {
		cancel(nil)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return failed
	}
}

// MemoryOptions configures NewMemory.
type MemoryOptions struct {
	// DoneTTL is how long a completed item stays done. Default 24 h.
	DoneTTL time.Duration
	// Now returns the current time. Nil: time.Now.
	Now func() time.Time
}

// Memory is a Store in one process.
type Memory struct {
	opts  MemoryOptions
	mu    sync.Mutex
	fence int64 // one counter for all names: a fence is never given twice
	items map[string]*memItem
}

type memItem struct {
	holder    int64 // fence of the current lease, 0 when none
	until     time.Time
	doneUntil time.Time // done while now is before it
	acquired  int       // how many times it was acquired
	lastUsed  time.Time
}

// NewMemory returns an empty in-process Store.
func NewMemory(opts MemoryOptions) *Memory {
	if opts.DoneTTL <= 0 {
		opts.DoneTTL = 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Memory{opts: opts, items: map[string]*memItem{}}
}

// Acquire implements Store.
func (m *Memory) Acquire(ctx context.Context, name string, ttl time.Duration) (Lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("lease: ttl %v is not positive", ttl)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.opts.Now()
	it := m.items[name]
	if it == nil {
		it = &memItem{}
		m.items[name] = it
	}
	switch {
	case now.Before(it.doneUntil):
		return nil, ErrDone
	case it.holder != 0 && now.Before(it.until):
		return nil, ErrHeld
	}
	m.fence++
	it.acquired++
	it.holder, it.until, it.lastUsed = m.fence, now.Add(ttl), now
	m.prune(now) // it is live now, so it stays
	return &memLease{m: m, name: name, fence: m.fence, resumed: it.acquired > 1}, nil
}

// prune forgets, once in a while, items unused for longer than DoneTTL, so that a
// long-running process does not keep every name it ever saw. m.mu must be held.
func (m *Memory) prune(now time.Time) {
	if m.fence%1024 != 0 {
		return
	}
	for name, it := range m.items {
		if now.Sub(it.lastUsed) > m.opts.DoneTTL && !now.Before(it.until) && !now.Before(it.doneUntil) {
			delete(m.items, name)
		}
	}
}

type memLease struct {
	m       *Memory
	name    string
	fence   int64
	resumed bool
}

func (l *memLease) Name() string  { return l.name }
func (l *memLease) Fence() int64  { return l.fence }
func (l *memLease) Resumed() bool { return l.resumed }

// held reports whether l is the current, unexpired lease. m.mu must be held.
func (l *memLease) held(now time.Time) (*memItem, bool) {
	it := l.m.items[l.name]
	return it, it != nil && it.holder == l.fence && now.Before(it.until)
}

func (l *memLease) Renew(ctx context.Context, ttl time.Duration) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	now := l.m.opts.Now()
	it, ok := l.held(now)
	if !ok {
		return ErrLost
	}
	it.until = now.Add(ttl)
	return nil
}

func (l *memLease) Done(ctx context.Context) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	now := l.m.opts.Now()
	it := l.m.items[l.name]
	if it == nil {
		it = &memItem{}
		l.m.items[l.name] = it
	}
	if it.holder == l.fence {
		it.holder = 0
	}
	it.doneUntil, it.lastUsed = now.Add(l.m.opts.DoneTTL), now
	return nil
}

func (l *memLease) Release(ctx context.Context) error {
	l.m.mu.Lock()
	defer l.m.mu.Unlock()
	if it := l.m.items[l.name]; it != nil && it.holder == l.fence {
		it.holder = 0
		it.lastUsed = l.m.opts.Now()
	}
	return nil
}
