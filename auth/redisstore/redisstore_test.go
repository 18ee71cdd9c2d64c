package redisstore_test

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/auth/redisstore"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

var testKey = redisstore.Key(bytes.Repeat([]byte{7}, 32))

func newStoreB(b *testing.B, addr string) (*redisstore.Store, *redis.Client) {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	b.Cleanup(func() { rdb.Close() })
	s, err := redisstore.New(redisstore.Options{Client: rdb, Key: testKey})
	if err != nil {
		b.Fatal(err)
	}
	return s, rdb
}

func newStore(t *testing.T, addr string, key redisstore.Key) (*redisstore.Store, *redis.Client) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	s, err := redisstore.New(redisstore.Options{Client: rdb, Key: key, Timeout: 500 * time.Millisecond})
	require.NoError(t, err)
	return s, rdb
}

// TestEncryptedAtRest: what Redis holds reveals neither the token nor the cache key;
// another key cannot read it, and a value moved to another key does not decrypt.
func TestEncryptedAtRest(t *testing.T) {
	srv := testutil.Redis(t)
	s, rdb := newStore(t, srv.Addr, testKey)
	ctx := context.Background()
	tok := &auth.Token{Value: "eyJhbGciOi.secret-token-value.sig", Type: "Bearer", Expiry: time.Now().Add(time.Hour).Truncate(time.Millisecond), Scope: "ks:fiks"}
	require.NoError(t, s.Set(ctx, "maskinporten:client-a:ks:fiks", tok))

	keys, err := rdb.Keys(ctx, "*").Result()
	require.NoError(t, err)
	require.Len(t, keys, 1)
	assert.True(t, strings.HasPrefix(keys[0], "fellesklient:auth:token:"))
	assert.NotContains(t, keys[0], "client-a")
	raw, err := rdb.Get(ctx, keys[0]).Bytes()
	require.NoError(t, err)
	for _, leak := range []string{tok.Value, "secret-token-value", "ks:fiks", "Bearer"} {
		assert.NotContains(t, string(raw), leak, "the raw value holds %q", leak)
	}
	ttl, err := rdb.PTTL(ctx, keys[0]).Result()
	require.NoError(t, err)
	assert.InDelta(t, time.Hour.Seconds(), ttl.Seconds(), 5, "it expires with the token")

	got, err := s.Get(ctx, "maskinporten:client-a:ks:fiks")
	require.NoError(t, err)
	assert.Equal(t, tok.Value, got.Value)
	assert.Equal(t, tok.Scope, got.Scope)
	assert.True(t, tok.Expiry.Equal(got.Expiry))

	other, _ := newStore(t, srv.Addr, redisstore.Key(bytes.Repeat([]byte{8}, 32)))
	got, err = other.Get(ctx, "maskinporten:client-a:ks:fiks")
	assert.NoError(t, err, "another key names another Redis key")
	assert.Nil(t, got)

	// The value copied under the name another cache key has: bound to its name, it fails.
	require.NoError(t, s.Set(ctx, "b", &auth.Token{Value: "other", Expiry: time.Now().Add(time.Hour)}))
	keys, _ = rdb.Keys(ctx, "*").Result()
	var bName string
	for _, k := range keys {
		if v, _ := rdb.Get(ctx, k).Bytes(); !bytes.Equal(v, raw) {
			bName = k
		}
	}
	require.NotEmpty(t, bName)
	require.NoError(t, rdb.Set(ctx, bName, raw, time.Hour).Err())
	_, err = s.Get(ctx, "b")
	assert.ErrorIs(t, err, redisstore.ErrUndecryptable)
	assert.NotContains(t, err.Error(), tok.Value)

	assert.Equal(t, "[redacted]", fmt.Sprintf("%v %s %#v %x", testKey, testKey, testKey, testKey)[:10])
	assert.NotContains(t, fmt.Sprintf("%v %+v %#v", redisstore.Options{Key: testKey}, s, s), "\x07")
}

// TestNoExpiryNotStored: a token without expiry would live in Redis forever; it is not
// stored.
func TestNoExpiryNotStored(t *testing.T) {
	srv := testutil.Redis(t)
	s, rdb := newStore(t, srv.Addr, testKey)
	ctx := context.Background()
	require.NoError(t, s.Set(ctx, "k", &auth.Token{Value: "forever"}))
	n, err := rdb.DBSize(ctx).Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}

// TestLock: one holder at a time; release frees it, and only the holder's release does.
func TestLock(t *testing.T) {
	srv := testutil.Redis(t)
	s, _ := newStore(t, srv.Addr, testKey)
	ctx := context.Background()
	rel, err := s.Lock(ctx, "k", time.Minute)
	require.NoError(t, err)
	require.NotNil(t, rel)
	again, err := s.Lock(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.Nil(t, again)
	rel()
	third, err := s.Lock(ctx, "k", 100*time.Millisecond)
	require.NoError(t, err)
	require.NotNil(t, third)
	time.Sleep(200 * time.Millisecond) // expired
	fourth, err := s.Lock(ctx, "k", time.Minute)
	require.NoError(t, err)
	require.NotNil(t, fourth)
	third() // the expired holder's release leaves the new lock alone
	fifth, err := s.Lock(ctx, "k", time.Minute)
	require.NoError(t, err)
	assert.Nil(t, fifth)
}

func TestParseKey(t *testing.T) {
	raw := bytes.Repeat([]byte{0xab}, 32)
	for _, s := range []string{hex.EncodeToString(raw), "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=", "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s", " q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n"} {
		k, err := redisstore.ParseKey(s)
		require.NoError(t, err, s)
		assert.Equal(t, raw, []byte(k))
	}
	_, err := redisstore.ParseKey("c2hvcnQ=")
	assert.ErrorContains(t, err, "openssl rand -base64 32")
}

// TestRedisDown: with Redis gone a Maskinporten client still gets tokens (fetched
// directly), and a warm cache keeps serving without asking Redis at all.
func TestRedisDown(t *testing.T) {
	srv := testutil.Redis(t)
	s, _ := newStore(t, srv.Addr, testKey)
	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	opts := mp.NewClient("client-down", "991825827", "ks:fiks")
	var log testutil.LogBuffer
	opts.Cache = auth.CacheOptions{Shared: s}
	opts.Logger = log.Logger()
	c, err := maskinporten.New(opts)
	require.NoError(t, err)
	ts, err := c.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	ctx := context.Background()
	warm, err := ts.Token(ctx)
	require.NoError(t, err)
	srv.Stop()
	for range 20 {
		tok, err := ts.Token(ctx)
		require.NoError(t, err)
		assert.Equal(t, warm.Value, tok.Value)
	}
	// A cold cache (another request shape) with Redis down: fetched directly.
	ts2, err := c.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}, Resource: []string{"https://x.test"}})
	require.NoError(t, err)
	_, err = ts2.Token(ctx)
	require.NoError(t, err)
	assert.Contains(t, log.String(), "shared token store failed")
	assert.NotContains(t, log.String(), warm.Value)
	assert.Equal(t, 2, mp.TokensIssued())
}

// TestTenProcesses: 10 processes × 100 goroutines on a cold shared cache make one token
// request to Maskinporten between them.
func TestTenProcesses(t *testing.T) {
	srv := testutil.Redis(t)
	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	opts := mp.NewClient("client-replicas", "991825827", "ks:fiks")
	dir := t.TempDir()
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(t, opts.Key.Signer.(*rsa.PrivateKey))})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pem"), keyPEM, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ca.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: mp.Certificate().Raw}), 0o600))
	start := filepath.Join(dir, "start")

	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for i := range 10 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "REDISSTORE_CHILD=1", "REDISSTORE_ADDR="+srv.Addr, "REDISSTORE_ISSUER="+string(mp.Environment()),
			"REDISSTORE_CLIENT=client-replicas", "REDISSTORE_KID="+opts.Key.KeyID, "REDISSTORE_DIR="+dir, fmt.Sprintf("REDISSTORE_N=%d", i))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		require.NoError(t, cmd.Start())
		cmds, outs = append(cmds, cmd), append(outs, &out)
	}
	// Every child is up and waiting (it writes ready-N) before any asks.
	require.Eventually(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, "ready-*"))
		return len(m) == 10
	}, 60*time.Second, 20*time.Millisecond)
	require.NoError(t, os.WriteFile(start, nil, 0o600))
	tokens := map[string]bool{}
	for i, cmd := range cmds {
		require.NoError(t, cmd.Wait(), "child %d: %s", i, outs[i])
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("token-%d", i)))
		require.NoError(t, err)
		tokens[string(b)] = true
	}
	assert.Equal(t, 1, mp.TokenRequests(), "one token request for 10 processes × 100 goroutines")
	assert.Len(t, tokens, 1, "every process has the same token")
}

func mustPKCS8(t *testing.T, k *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	return b
}

// TestChildProcess is one replica of TestTenProcesses (it does nothing in a normal run).
func TestChildProcess(t *testing.T) {
	if os.Getenv("REDISSTORE_CHILD") != "1" {
		t.Skip("run by TestTenProcesses as a child process")
	}
	dir := os.Getenv("REDISSTORE_DIR")
	keyPEM, err := os.ReadFile(filepath.Join(dir, "key.pem"))
	require.NoError(t, err)
	key, err := maskinporten.ParsePEM(keyPEM)
	require.NoError(t, err)
	key.KeyID = os.Getenv("REDISSTORE_KID")
	caPEM, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(caPEM))
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig.RootCAs = pool
	s, _ := newStore(t, os.Getenv("REDISSTORE_ADDR"), testKey)
	c, err := maskinporten.New(maskinporten.Options{
		Environment: maskinporten.Environment(os.Getenv("REDISSTORE_ISSUER")), ClientID: os.Getenv("REDISSTORE_CLIENT"), Key: key,
		HTTPClient: &http.Client{Transport: tr}, Cache: auth.CacheOptions{Shared: s, SharedWait: 30 * time.Second},
	})
	require.NoError(t, err)
	ts, err := c.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	n := os.Getenv("REDISSTORE_N")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "ready-"+n), nil, 0o600))
	for {
		if _, err := os.Stat(filepath.Join(dir, "start")); err == nil {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]bool{}
	for range 100 {
		wg.Go(func() {
			tok, err := ts.Token(context.Background())
			if !assert.NoError(t, err) {
				return
			}
			mu.Lock()
			seen[tok.Value] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Len(t, seen, 1)
	for v := range seen {
		require.NoError(t, os.WriteFile(filepath.Join(dir, "token-"+n), []byte(v), 0o600))
	}
}

// FuzzParseKey: whatever the environment holds, ParseKey returns a 32-byte key or an
// error that does not repeat it.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"", "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=", strings.Repeat("ab", 32), strings.Repeat("ab", 31) + "zz", "====", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := redisstore.ParseKey(s)
		if err != nil {
			if len(s) > 8 && strings.Contains(err.Error(), s) {
				t.Fatalf("the error repeats the input")
			}
			return
		}
		if len(k) != redisstore.KeySize {
			t.Fatalf("key of %d bytes", len(k))
		}
	})
}
