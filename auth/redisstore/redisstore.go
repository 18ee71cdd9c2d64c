// Package redisstore is an [auth.SharedStore] on Redis: the replicas of an integration
// share their access tokens, so N replicas on a cold cache make one token request.
//
// A token in Redis is a credential, so it is stored encrypted (AES-256-GCM) with a key
// the caller gives, the same for every replica, and bound to the Redis key it is stored
// under (a value copied to another key does not decrypt). Redis keys are an HMAC of the
// cache key, never the token or anything a token request held. Without the caller's key
// nothing in Redis reveals a token.
//
//	rdb := redis.NewClient(&redis.Options{Addr: "redis:6379"})
//	store, err := redisstore.New(redisstore.Options{Client: rdb, Key: key})
//	mp, err := maskinporten.New(maskinporten.Options{..., Cache: auth.CacheOptions{Shared: store}})
package redisstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fellesklient/fellesklient/auth"
)

// KeySize is the size of a Key: 32 bytes.
const KeySize = 32

// Key is the secret that encrypts the tokens at rest and names their Redis keys. It
// never prints, logs or marshals.
type Key []byte

// ParseKey reads a Key written as base64 (standard or URL alphabet, padded or not) or
// hex, as one would keep it in an environment variable or a secret store.
func ParseKey(s string) (Key, error) {
	s = strings.TrimSpace(s)
	for _, dec := range []func(string) ([]byte, error){
		hex.DecodeString, base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
	} {
		if b, err := dec(s); err == nil && len(b) == KeySize {
			return Key(b), nil
		}
	}
	return nil, fmt.Errorf("redisstore: the key is not %d bytes in hex or base64 (make one with: openssl rand -base64 32)", KeySize)
}

// String implements fmt.Stringer without the key.
func (k Key) String() string { return "[redacted]" }

// GoString is like String.
func (k Key) GoString() string { return k.String() }

// Format prints the redacted form for every verb.
func (k Key) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue implements slog.LogValuer without the key.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalJSON writes the redacted form.
func (k Key) MarshalJSON() ([]byte, error) { return json.Marshal(k.String()) }

// Options configures New.
type Options struct {
	// Client is the Redis client (redis.NewClient, NewFailoverClient, NewClusterClient).
	// Required; the Store does not close it.
	Client redis.UniversalClient
	// Key encrypts the tokens and names their keys (KeySize bytes; ParseKey). Required.
	// Replicas that share tokens must have the same Key; rotating it only costs one
	// token request per cache key.
	Key Key
	// Prefix begins every key the store writes. Default "fellesklient:auth:".
	Prefix string
	// Timeout bounds each Redis call, so that a slow Redis delays a token by at most
	// that before the cache fetches directly. Default 2 s.
	Timeout time.Duration
}

// Store is an auth.SharedStore on Redis. Create it with New.
type Store struct {
	rdb     redis.UniversalClient
	aead    cipher.AEAD
	names   []byte // HMAC key for Redis key names
	prefix  string
	timeout time.Duration
}

var _ auth.SharedStore = (*Store)(nil)

// ErrUndecryptable is returned by Get for a value that does not decrypt with this
// Store's key: another key wrote it, or it was changed in Redis.
var ErrUndecryptable = errors.New("redisstore: a stored token does not decrypt with this key")

// New returns a Store.
func New(opts Options) (*Store, error) {
	if opts.Client == nil {
		return nil, errors.New("redisstore: Options.Client is required")
	}
	if len(opts.Key) != KeySize {
		return nil, fmt.Errorf("redisstore: Options.Key must be %d bytes, it is %d", KeySize, len(opts.Key))
	}
	if opts.Prefix == "" {
		opts.Prefix = "fellesklient:auth:"
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	block, err := aes.NewCipher(derive(opts.Key, "token encryption v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Store{rdb: opts.Client, aead: aead, names: derive(opts.Key, "key names v1"), prefix: opts.Prefix, timeout: opts.Timeout}, nil
}

func derive(key Key, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("fellesklient redisstore: " + purpose))
	return m.Sum(nil)
}

// String names the store, never its key.
func (s *Store) String() string { return "redisstore.Store(" + s.prefix + ")" }

// GoString is like String.
func (s *Store) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *Store) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue implements slog.LogValuer.
func (s *Store) LogValue() slog.Value { return slog.StringValue(s.String()) }

// name is the Redis key for a cache key (kind "token" or "lock").
func (s *Store) name(kind, key string) string {
	m := hmac.New(sha256.New, s.names)
	m.Write([]byte(key))
	return s.prefix + kind + ":" + hex.EncodeToString(m.Sum(nil))
}

type stored struct {
	Value  string `json:"v"`
	Type   string `json:"t,omitempty"`
	Expiry int64  `json:"e"` // Unix milliseconds
	Scope  string `json:"s,omitempty"`
}

const version = 1

// Get implements auth.SharedStore.
func (s *Store) Get(ctx context.Context, key string) (*auth.Token, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	name := s.name("token", key)
	b, err := s.rdb.Get(ctx, name).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisstore: get: %w", err)
	}
	ns := s.aead.NonceSize()
	if len(b) < 1+ns || b[0] != version {
		return nil, ErrUndecryptable
	}
	plain, err := s.aead.Open(nil, b[1:1+ns], b[1+ns:], []byte(name))
	if err != nil {
		return nil, ErrUndecryptable
	}
	var st stored
	if err := json.Unmarshal(plain, &st); err != nil || st.Value == "" {
		return nil, ErrUndecryptable
	}
	return &auth.Token{Value: st.Value, Type: st.Type, Expiry: time.UnixMilli(st.Expiry), Scope: st.Scope}, nil
}

// Set implements auth.SharedStore. The value expires with the token; a token without
// expiry, or already expired, is not stored.
func (s *Store) Set(ctx context.Context, key string, tok *auth.Token) error {
	if tok == nil || tok.Value == "" || tok.Expiry.IsZero() {
		return nil
	}
	ttl := time.Until(tok.Expiry)
	if ttl < time.Millisecond {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	name := s.name("token", key)
	plain, err := json.Marshal(stored{Value: tok.Value, Type: tok.Type, Expiry: tok.Expiry.UnixMilli(), Scope: tok.Scope})
	if err != nil {
		return err
	}
	out := make([]byte, 1+s.aead.NonceSize(), 1+s.aead.NonceSize()+len(plain)+s.aead.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1:]); err != nil {
		return err
	}
	out = s.aead.Seal(out, out[1:], plain, []byte(name))
	clear(plain)
	if err := s.rdb.Set(ctx, name, out, ttl).Err(); err != nil {
		return fmt.Errorf("redisstore: set: %w", err)
	}
	return nil
}

var unlock = redis.NewScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`)

// Lock implements auth.SharedStore with SET NX PX; the release deletes the lock only if
// it is still this caller's.
func (s *Store) Lock(ctx context.Context, key string, ttl time.Duration) (func(), error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var nb [16]byte
	if _, err := rand.Read(nb[:]); err != nil {
		return nil, err
	}
	name, nonce := s.name("lock", key), hex.EncodeToString(nb[:])
	ok, err := s.rdb.SetNX(ctx, name, nonce, max(ttl, time.Millisecond)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: lock: %w", err)
	}
	if !ok {
		return nil, nil
	}
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		defer cancel()
		_ = unlock.Run(ctx, s.rdb, []string{name}, nonce).Err()
	}, nil
}
