package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/auth/redisstore"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/maskinporten"
)

// serviceFlags is --env test|prod / --base-url URL, for commands that talk to a service.
type serviceFlags struct {
	env     string
	baseURL string
}

func (s *serviceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.env, "env", "test", "service environment: test or prod")
	fs.StringVar(&s.baseURL, "base-url", "", "service base URL (overrides --env; https, or http for loopback)")
}

// resolve returns the base URL to use, given the service's test and prod URLs.
func (s *serviceFlags) resolve(testURL, prodURL string) (string, error) {
	if s.baseURL != "" {
		if err := maskinporten.CheckEndpointURL(s.baseURL); err != nil {
			return "", usageErr("--base-url: %v", err)
		}
		return strings.TrimSuffix(s.baseURL, "/"), nil
	}
	switch s.env {
	case "test":
		return testURL, nil
	case "prod":
		return prodURL, nil
	}
	return "", usageErr("--env must be test or prod, not %q", s.env)
}

// tokenFlags are the maskinporten flags; any command that needs a bearer token embeds them.
type tokenFlags struct {
	issuer       string
	clientID     string
	scope        string
	keyFile      string
	kid          string
	p12PassEnv   string
	resources    multiFlag
	consumerOrg  string
	alg          string
	defaultScope string

	tokenCacheRedis  string
	tokenCacheKeyEnv string

	// env is the command's --env (test or prod), when it has one: the issuer when --issuer
	// is not given.
	env *string
}

func (t *tokenFlags) register(fs *flag.FlagSet, defaultScope string) {
	t.defaultScope = defaultScope
	fs.StringVar(&t.issuer, "issuer", "", "Maskinporten: test, prod or an issuer URL (default: the command's --env, when it has one)")
	fs.StringVar(&t.clientID, "client-id", "", "Maskinporten client id")
	fs.StringVar(&t.scope, "scope", defaultScope, "scopes, space separated")
	fs.StringVar(&t.keyFile, "key", "", "key file: PEM, JWK JSON or .p12")
	fs.StringVar(&t.kid, "kid", "", "key id of a registered key (default: the JWK's kid; none for a .p12 with certificate)")
	fs.StringVar(&t.p12PassEnv, "p12-password-env", "", "name of the environment variable holding the .p12 password")
	fs.Var(&t.resources, "resource", "audience-restricted token for this resource URI (repeatable)")
	fs.StringVar(&t.consumerOrg, "consumer-org", "", "organisasjonsnummer of the consumer (Altinn API delegation)")
	fs.StringVar(&t.alg, "alg", "RS256", "grant signature algorithm: RS256, RS384 or RS512")
	fs.StringVar(&t.tokenCacheRedis, "token-cache-redis", "", "share Maskinporten tokens with other processes through Redis: redis://HOST:PORT/DB (rediss:// for TLS)")
	fs.StringVar(&t.tokenCacheKeyEnv, "token-cache-key-env", "", "name of the environment variable holding the 32-byte key (hex or base64) that encrypts the shared tokens; required with --token-cache-redis")
}

// sharedStore returns the Redis token store --token-cache-redis names, or nil.
func (t *tokenFlags) sharedStore(e *env) (auth.SharedStore, error) {
	if t.tokenCacheRedis == "" {
		if t.tokenCacheKeyEnv != "" {
			return nil, usageErr("--token-cache-key-env needs --token-cache-redis")
		}
		return nil, nil
	}
	if t.tokenCacheKeyEnv == "" {
		return nil, usageErr("--token-cache-redis needs --token-cache-key-env NAME: tokens in Redis are stored encrypted with that key (make one with: openssl rand -base64 32)")
	}
	raw := e.getenv(t.tokenCacheKeyEnv)
	if raw == "" {
		return nil, usageErr("environment variable %s (from --token-cache-key-env) is empty or not set", t.tokenCacheKeyEnv)
	}
	key, err := redisstore.ParseKey(raw)
	if err != nil {
		return nil, usageErr("%s: %v", t.tokenCacheKeyEnv, err)
	}
	rdb, err := redisClient("--token-cache-redis", t.tokenCacheRedis)
	if err != nil {
		return nil, err
	}
	st, err := redisstore.New(redisstore.Options{Client: rdb, Key: key})
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return st, nil
}

var redisQuiet sync.Once

// quietRedis drops go-redis's own log lines (dial retries): the error a command returns
// says what failed, once.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// redisClient parses a redis:// or rediss:// URL; a URL's password never appears in
// the error.
func redisClient(flagName, u string) (*redis.Client, error) {
	redisQuiet.Do(func() { redis.SetLogger(quietRedis{}) }) // its errors reach the user as ours
	opts, err := redis.ParseURL(u)
	if err != nil {
		return nil, usageErr("%s: not a redis://HOST:PORT/DB URL", flagName)
	}
	return redis.NewClient(opts), nil
}

// request returns the maskinporten request the flags describe.
func (t *tokenFlags) request() maskinporten.Request {
	return maskinporten.Request{Scopes: strings.Fields(t.scope), Resource: t.resources, ConsumerOrg: t.consumerOrg}
}

// client builds a maskinporten client from the flags.
func (t *tokenFlags) client(e *env) (*maskinporten.Client, error) {
	if t.issuer == "" && t.env != nil {
		t.issuer = *t.env // --env test means Maskinporten's TEST too
	}
	if t.issuer == "" {
		return nil, usageErr("--issuer is required (test, prod or a URL)")
	}
	if t.clientID == "" {
		return nil, usageErr("--client-id is required")
	}
	if t.keyFile == "" {
		return nil, usageErr("--key is required")
	}
	if strings.TrimSpace(t.scope) == "" {
		return nil, usageErr("--scope is required")
	}
	issuer, err := maskinporten.ParseEnvironment(issuerURL(t.issuer))
	if err != nil {
		return nil, usageErr("--issuer: %v", err)
	}
	data, err := os.ReadFile(t.keyFile)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, ioErr(fmt.Errorf("--key %s: %v", t.keyFile, pe.Err))
		}
		return nil, ioErr(fmt.Errorf("--key %s: %w", t.keyFile, err))
	}
	password := ""
	if t.p12PassEnv != "" {
		v := e.getenv(t.p12PassEnv)
		if v == "" {
			return nil, usageErr("environment variable %s (from --p12-password-env) is empty or not set", t.p12PassEnv)
		}
		password = v
	}
	key, err := maskinporten.ParseKey(data, password)
	if err != nil {
		if password == "" && isP12(t.keyFile, data) {
			return nil, usageErr("--key %s: a .p12 needs its password: give --p12-password-env VAR, VAR being the environment variable that holds it", t.keyFile)
		}
		return nil, noErr(fmt.Errorf("--key %s: %w", t.keyFile, err))
	}
	if t.kid != "" {
		key.KeyID = t.kid
		key.Certificates = nil // an explicit kid means a registered key: send kid, not x5c
	}
	shared, err := t.sharedStore(e)
	if err != nil {
		return nil, err
	}
	opts := maskinporten.Options{
		Environment: issuer,
		ClientID:    t.clientID,
		Key:         key,
		Algorithm:   maskinporten.Algorithm(t.alg),
		HTTPClient:  e.httpClient,
		UserAgent:   "fellesklient-cli",
		Cache:       auth.CacheOptions{Shared: shared},
	}
	c, err := maskinporten.New(opts)
	if err != nil {
		return nil, noErr(err)
	}
	return c, nil
}

// issuerURL is --issuer as maskinporten.ParseEnvironment takes it: test and prod as they
// are, an issuer URL without a path given its trailing slash (Maskinporten's issuer and
// audience is "https://test.maskinporten.no/", and people type it without).
func issuerURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" && u.Host != "" && u.Path == "" && u.RawQuery == "" {
		return s + "/"
	}
	return s
}

// isP12 reports whether a key file is PKCS#12 by its name or its DER start.
func isP12(name string, data []byte) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".p12" || ext == ".pfx" || len(data) > 0 && data[0] == 0x30 && !bytes.Contains(data[:min(len(data), 64)], []byte("-----"))
}

// tokenSource returns MASKINPORTEN_TOKEN when it is set, otherwise a maskinporten source
// from the flags.
func (t *tokenFlags) tokenSource(e *env) (auth.TokenSource, error) {
	if v := e.getenv("MASKINPORTEN_TOKEN"); v != "" {
		return auth.Static(v), nil
	}
	c, err := t.client(e)
	if err != nil {
		return nil, err
	}
	ts, err := c.TokenSource(t.request())
	if err != nil {
		return nil, noErr(err)
	}
	return ts, nil
}

// outputFlags is --json.
type outputFlags struct{ json bool }

func (o *outputFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.json, "json", false, "print JSON instead of text")
}

func writeJSON(e *env, v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return ioErr(err)
	}
	return nil
}

// writeJSONLine prints v as one line of JSON Lines.
func writeJSONLine(e *env, v any) error {
	if err := json.NewEncoder(e.stdout).Encode(v); err != nil {
		return ioErr(err)
	}
	return nil
}

// serviceErr classifies an error from a client call: a context error or a local problem is
// exit 2, anything the service said is exit 1.
func serviceErr(err error) error {
	if errors.Is(err, context.Canceled) {
		return ioErr(err)
	}
	return noErr(err)
}

// fiksCredentials returns the FIKS credentials: a token (see tokenFlags.tokenSource) and
// the integrasjon from FIKS_INTEGRASJON_ID and FIKS_INTEGRASJON_PASSORD.
func fiksCredentials(e *env, tf *tokenFlags) (fiks.Credentials, error) {
	id, pw := e.getenv("FIKS_INTEGRASJON_ID"), e.getenv("FIKS_INTEGRASJON_PASSORD")
	if id == "" || pw == "" {
		return fiks.Credentials{}, usageErr("set FIKS_INTEGRASJON_ID and FIKS_INTEGRASJON_PASSORD (the Fiks-integrasjon)")
	}
	ts, err := tf.tokenSource(e)
	if err != nil {
		return fiks.Credentials{}, err
	}
	return fiks.Credentials{Token: ts, IntegrasjonID: id, IntegrasjonPassord: auth.Secret(pw)}, nil
}

// fiksFlags are the flags every FIKS command shares: the service, the token and --json.
type fiksFlags struct {
	sf serviceFlags
	tf tokenFlags
	of outputFlags
}

func (f *fiksFlags) register(fs *flag.FlagSet) {
	f.sf.register(fs)
	f.tf.register(fs, fiks.Scope)
	f.tf.env = &f.sf.env
	f.of.register(fs)
}
