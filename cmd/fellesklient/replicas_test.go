package main

import (
	"bufio"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

// TestSvarinnReplicas: three `svarinn receive` processes with --lease-redis on one
// mottakersystem with 300 forsendelser and one shared --dir; one is killed (SIGKILL)
// mid-run. Every forsendelse ends up stored once in the folder and acknowledged exactly
// once, and is downloaded about once in total (not once per replica).
func TestSvarinnReplicas(t *testing.T) {
	srv := testutil.Redis(t)
	s := newSvarutCLI(t)
	const n = 300
	for i := range n {
		s.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: "sys", Tittel: fmt.Sprintf("Brev %d", i),
			Filer: []svaruttest.Fil{{Filnavn: "brev.pdf", MimeType: "application/pdf", Innhold: fmt.Appendf(nil, "%%PDF-1.7 brev %d\n%%%%EOF\n", i)}}})
	}
	dir := t.TempDir()
	bin := builtCLI(t)
	shared := filepath.Join(dir, "innkommende")
	require.NoError(t, os.Mkdir(shared, 0o700))

	env := os.Environ()
	for k, v := range s.vars {
		env = append(env, k+"="+v)
	}
	type replica struct {
		cmd    *exec.Cmd
		ids    []string
		stderr strings.Builder
		done   chan struct{}
	}
	var replicas []*replica
	killAfter := 20
	for i := range 3 {
		r := &replica{done: make(chan struct{})}
		r.cmd = exec.Command(bin, "svarinn", "receive", "--base-url", s.fake.URL(), "--dir", shared, "--key", s.keyFile,
			"--lease-redis", "redis://"+srv.Addr+"/0", "--lease-ttl", "2s", "--json")
		r.cmd.Env = env
		r.cmd.Stderr = &r.stderr
		stdout, err := r.cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, r.cmd.Start())
		go func() {
			defer close(r.done)
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				var line struct{ ID string }
				if json.Unmarshal(sc.Bytes(), &line) == nil && line.ID != "" {
					r.ids = append(r.ids, line.ID)
				}
				if i == 0 && len(r.ids) == killAfter {
					_ = r.cmd.Process.Kill() // mid-run, holding a lease or about to
				}
			}
		}()
		replicas = append(replicas, r)
	}
	var handled int
	for i, r := range replicas {
		<-r.done
		err := r.cmd.Wait()
		if i == 0 {
			require.Error(t, err, "replica 0 was killed mid-run (it handled %d): the test must kill it before it is done", len(r.ids))
			continue
		}
		require.NoError(t, err, "replica %d: %s", i, r.stderr.String())
		assert.NotEmpty(t, r.ids, "replica %d did its share", i)
		handled += len(r.ids)
	}
	t.Logf("handled: killed replica %d, others %d", len(replicas[0].ids), handled)

	downloads := 0
	for _, f := range s.fake.Forsendelser() {
		assert.Equal(t, 1, f.Kvitteringer, "forsendelse %s acknowledged once", f.ID)
		assert.Equal(t, "LEST", f.Status)
		downloads += f.Nedlastinger
		b, err := os.ReadFile(filepath.Join(shared, f.ID, "brev.pdf"))
		require.NoError(t, err, f.ID)
		assert.True(t, strings.HasPrefix(string(b), "%PDF-1.7 brev "))
	}
	t.Logf("downloads in total: %d for %d forsendelser", downloads, n)
	assert.LessOrEqual(t, downloads, n+3, "downloaded about once in total")
	entries, err := os.ReadDir(shared)
	require.NoError(t, err)
	assert.Len(t, entries, n, "one folder per forsendelse, nothing partial left")
}

// TestSvarinnLeaseStoreDown: with the lease store unreachable, receive takes nothing,
// says why, and exits 1.
func TestSvarinnLeaseStoreDown(t *testing.T) {
	s := newSvarutCLI(t)
	s.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: "sys", Tittel: "Brev",
		Filer: []svaruttest.Fil{{Filnavn: "brev.pdf", MimeType: "application/pdf", Innhold: []byte("%PDF-1.7\n%%EOF\n")}}})
	in := t.TempDir()
	r := runCLI(t, s.vars, "svarinn", "receive", "--base-url", s.fake.URL(), "--dir", in, "--key", s.keyFile,
		"--lease-redis", "redis://127.0.0.1:1/0")
	assert.Equal(t, 1, r.code, r.stderr)
	assert.Contains(t, r.stderr, "lease store")
	assert.Contains(t, r.stderr, "taking no new forsendelser")
	f := s.fake.Forsendelser()[0]
	assert.Zero(t, f.Nedlastinger)
	assert.Zero(t, f.Kvitteringer)
}

// TestTokenCacheRedis: `maskinporten token --token-cache-redis` in several processes
// makes one token request, and Redis holds no readable token.
func TestTokenCacheRedis(t *testing.T) {
	srv := testutil.Redis(t)
	mp := maskinportentest.NewServer(t, maskinportentest.Options{Plain: true})
	key := testutil.Key(t, 2048, 0)
	mp.AddClient(maskinportentest.Client{ID: "cli", Org: "910000020", Scopes: []string{"ks:fiks"}, Keys: map[string]*rsa.PublicKey{"kid-cli": &key.PublicKey}})
	pemFile := filepath.Join(t.TempDir(), "key.pem")
	require.NoError(t, os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	vars := map[string]string{"CACHE_KEY": "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="}
	args := []string{"maskinporten", "token", "--issuer", mp.URL() + "/", "--client-id", "cli", "--scope", "ks:fiks", "--key", pemFile, "--kid", "kid-cli",
		"--token-cache-redis", "redis://" + srv.Addr + "/2", "--token-cache-key-env", "CACHE_KEY"}
	var mu sync.Mutex
	tokens := map[string]bool{}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			r := runCLI(t, vars, args...)
			if !assert.Equal(t, 0, r.code, r.stderr) {
				return
			}
			var out struct {
				AccessToken string `json:"access_token"`
			}
			assert.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
			mu.Lock()
			tokens[out.AccessToken] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.Len(t, tokens, 1)
	assert.Equal(t, 1, mp.TokenRequests())

	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr, DB: 2})
	defer rdb.Close()
	keys, err := rdb.Keys(context.Background(), "*").Result()
	require.NoError(t, err)
	require.NotEmpty(t, keys)
	for _, k := range keys {
		v, _ := rdb.Get(context.Background(), k).Result()
		for tok := range tokens {
			assert.NotContains(t, v, tok)
			assert.NotContains(t, k, tok)
		}
	}

	r := runCLI(t, nil, args...)
	assert.Equal(t, 2, r.code, "no key in the environment is a usage error")
	assert.Contains(t, r.stderr, "CACHE_KEY")
	r = runCLI(t, vars, args[:len(args)-2]...)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--token-cache-key-env")
	assert.Contains(t, r.stderr, "openssl rand -base64 32")
}
