// Package redislease is a [lease.Store] on Redis, for replicas on several machines.
//
// A lease is a key set with SET NX semantics and a time to live (PX), holding its fencing
// token and a random nonce; renewal and release are Lua scripts that act only when the
// key still holds the caller's value, so a holder whose lease expired cannot touch the
// next holder's. Fencing tokens come from an INCR counter per name, kept longer than the
// done mark: they grow with every holder of an item, and a token above 1 is a resumed
// lease. A finished item keeps a done mark for DoneTTL. The keys of one name share a hash tag, so the scripts also
// run on Redis Cluster.
package redislease

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fellesklient/fellesklient/lease"
)

// Options configures New.
type Options struct {
	// Client is the Redis client (redis.NewClient, NewFailoverClient, NewClusterClient).
	// Required; the Store does not close it.
	Client redis.UniversalClient
	// Prefix begins every key the store writes. Default "fellesklient:lease:".
	Prefix string
	// DoneTTL is how long a completed item stays done: longer than the service could
	// offer the item again after its acknowledgement. Default 24 h.
	DoneTTL time.Duration
	// Timeout bounds each Redis call. Default 2 s.
	Timeout time.Duration
}

// Store is a lease.Store on Redis. Create it with New.
type Store struct {
	rdb     redis.UniversalClient
	prefix  string
	doneTTL time.Duration
	timeout time.Duration
}

var _ lease.Store = (*Store)(nil)

// New returns a Store.
func New(opts Options) (*Store, error) {
	if opts.Client == nil {
		return nil, errors.New("redislease: Options.Client is required")
	}
	if opts.Prefix == "" {
		opts.Prefix = "fellesklient:lease:"
	}
	if opts.DoneTTL <= 0 {
		opts.DoneTTL = 24 * time.Hour
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	return &Store{rdb: opts.Client, prefix: opts.Prefix, doneTTL: opts.DoneTTL, timeout: opts.Timeout}, nil
}

// String names the store without its connection details.
func (s *Store) String() string { return "redislease.Store(" + s.prefix + ")" }

func (s *Store) keys(name string) []string {
	tag := s.prefix + "{" + name + "}"
	return []string{tag + ":lease", tag + ":done", tag + ":fence"}
}

// acquire: KEYS lease, done, fence; ARGV ttl ms, nonce, counter ttl ms. -2 done, -1
// held, else the new fence; the lease holds "fence:nonce".
var acquire = redis.NewScript(`
if redis.call('EXISTS', KEYS[2]) == 1 then return -2 end
if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local f = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('SET', KEYS[1], f .. ':' .. ARGV[2], 'PX', ARGV[1])
return f`)

// renew: KEYS lease; ARGV fence, ttl ms. 1 renewed, 0 lost.
var renew = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)

// done: KEYS lease, done; ARGV value, done ttl ms. Ends the lease if it is this
// holder's; the item is done either way (the irreversible step happened).
var done = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return 1`)

// release: KEYS lease; ARGV value. Ends the lease if it is this holder's.
var release = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`)

func (s *Store) unavailable(op string, err error) error {
	return fmt.Errorf("redislease: %s: %w: %w", op, lease.ErrUnavailable, err)
}

// Acquire implements lease.Store.
func (s *Store) Acquire(ctx context.Context, name string, ttl time.Duration) (lease.Lease, error) {
	if ttl < time.Millisecond {
		return nil, fmt.Errorf("redislease: ttl %v is shorter than a millisecond", ttl)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	keys := s.keys(name)
	var nb [16]byte
	if _, err := rand.Read(nb[:]); err != nil {
		return nil, err
	}
	nonce := hex.EncodeToString(nb[:])
	n, err := acquire.Run(ctx, s.rdb, keys, ttl.Milliseconds(), nonce, (s.doneTTL + 2*ttl).Milliseconds()).Int64()
	switch {
	case err != nil:
		return nil, s.unavailable("acquire", err)
	case n == -2:
		return nil, lease.ErrDone
	case n == -1:
		return nil, lease.ErrHeld
	}
	// The counter is per name and outlives the done mark, so a fence above 1 means an
	// earlier holder that did not finish.
	return &held{s: s, name: name, keys: keys, fence: n, resumed: n > 1, value: strconv.FormatInt(n, 10) + ":" + nonce}, nil
}

type held struct {
	s       *Store
	name    string
	keys    []string
	fence   int64
	resumed bool
	value   string // what the lease key holds while it is this holder's
}

func (h *held) Name() string  { return h.name }
func (h *held) Fence() int64  { return h.fence }
func (h *held) Resumed() bool { return h.resumed }

func (h *held) run(ctx context.Context, op string, sc *redis.Script, keys []string, args ...any) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, h.s.timeout)
	defer cancel()
	n, err := sc.Run(ctx, h.s.rdb, keys, args...).Int64()
	if err != nil {
		return 0, h.s.unavailable(op, err)
	}
	return n, nil
}

func (h *held) Renew(ctx context.Context, ttl time.Duration) error {
	n, err := h.run(ctx, "renew", renew, h.keys[:1], h.value, ttl.Milliseconds())
	if err == nil && n != 1 {
		err = lease.ErrLost
	}
	return err
}

func (h *held) Done(ctx context.Context) error {
	_, err := h.run(ctx, "done", done, h.keys[:2], h.value, h.s.doneTTL.Milliseconds())
	return err
}

func (h *held) Release(ctx context.Context) error {
	_, err := h.run(ctx, "release", release, h.keys[:1], h.value)
	return err
}
