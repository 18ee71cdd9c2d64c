package maskinporten

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// Options configures a [Client]. Environment, ClientID and Key are required; the zero
// value of every other field means the documented default.
type Options struct {
	// Environment is Prod, Test or the issuer URL of another server (https; http only for
	// loopback hosts).
	Environment Environment
	// ClientID is the Maskinporten client id ("integrasjonens identifikator"), the grant's iss.
	ClientID string
	// Key signs the grants. See [Key] and [ParseKey].
	Key Key
	// Algorithm signs the grants. Default RS256.
	Algorithm Algorithm
	// GrantLifetime is exp − iat of each grant. Default 60 s; at most 120 s.
	GrantLifetime time.Duration

	// TokenURL overrides the token endpoint and turns discovery off.
	TokenURL string
	// DisableDiscovery turns metadata discovery off: the documented endpoints are used for
	// Prod and Test, issuer + "token" for others.
	DisableDiscovery bool
	// MetadataTTL is how long discovered metadata is kept. Default 1 h.
	MetadataTTL time.Duration
	// MetadataFailureTTL is how long a failed discovery is remembered before it is tried
	// again; in that time Prod and Test use their documented endpoints and other issuers
	// fail at once. Default 30 s.
	MetadataFailureTTL time.Duration

	// Cache configures the token caches of TokenSource. Default: auth.CacheOptions{}.
	// With Cache.Shared (auth/redisstore, say) the replicas of an integration share
	// their tokens: each request shape gets its own SharedKey, a SHA-256 of the issuer,
	// ClientID, the request (scopes, resource, consumer_org, pid, system user) and
	// Cache.SharedKey (a namespace; may be empty), so no secret or fødselsnummer is in it.
	Cache auth.CacheOptions

	// HTTPClient sends the requests; it is never modified. Nil: a client with bounded
	// timeouts.
	HTTPClient *http.Client
	// MaxAttempts is the most attempts per call, the first included: 0 is 4, the default of
	// every client of the module; 1 means no retries. Each attempt
	// carries a freshly signed grant (new jti).
	MaxAttempts int
	// MaxRetryWait caps the wait before a retry (default 10 s). An answer whose
	// Retry-After asks for longer is not retried early: it is returned, with its
	// RetryAfter, for the caller to decide.
	MaxRetryWait time.Duration
	// Logger gets debug lines (token fetched, retries) and warnings (discovery fell back).
	// Tokens, grants and pid are never logged. Nil: silent.
	Logger *slog.Logger
	// UserAgent is appended to the module's User-Agent.
	UserAgent string
	// Now returns the current time. Nil: time.Now. For tests.
	Now func() time.Time
}

// Client fetches Maskinporten tokens with the JWT-bearer grant (RFC 7523). It is safe for
// concurrent use; create one per Maskinporten client id and share it.
type Client struct {
	env      Environment
	tokenURL string // fixed, or "" for discovery
	signer   *signer
	http     *httpx.Client
	opts     Options
	now      func() time.Time
	logger   *slog.Logger

	mu       sync.Mutex
	md       *Metadata // last good metadata
	mdGood   time.Time // when md was fetched
	mdErr    error     // last failure, remembered for MetadataFailureTTL
	mdFailed time.Time
	caches   map[string]*auth.Cache
}

// New validates opts and returns a Client. Nothing is sent.
func New(opts Options) (*Client, error) {
	if err := opts.Environment.validate(); err != nil {
		return nil, err
	}
	if opts.ClientID == "" {
		return nil, &ValidationError{Op: "maskinporten", Field: "ClientID", Problem: "missing"}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if err := opts.Key.validate(now()); err != nil {
		return nil, err
	}
	if opts.GrantLifetime == 0 {
		opts.GrantLifetime = 60 * time.Second
	}
	if opts.GrantLifetime < 0 || opts.GrantLifetime > 120*time.Second {
		return nil, &ValidationError{Op: "maskinporten", Field: "GrantLifetime", Problem: "must be at most 120 s (Maskinporten rejects longer grants)"}
	}
	if opts.TokenURL != "" {
		if err := CheckEndpointURL(opts.TokenURL); err != nil {
			return nil, &ValidationError{Op: "maskinporten", Field: "TokenURL", Problem: err.Error()}
		}
	}
	if opts.MetadataTTL <= 0 {
		opts.MetadataTTL = time.Hour
	}
	if opts.MetadataFailureTTL <= 0 {
		opts.MetadataFailureTTL = 30 * time.Second
	}
	s, err := newSigner(opts.ClientID, opts.Key, opts.Algorithm, opts.GrantLifetime)
	if err != nil {
		return nil, err
	}
	if opts.Cache.Now == nil {
		opts.Cache.Now = now
	}
	if opts.Cache.Logger == nil {
		opts.Cache.Logger = opts.Logger
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Client{
		env:      opts.Environment,
		tokenURL: opts.TokenURL,
		signer:   s,
		http: httpx.NewClient(httpx.Options{
			HTTPClient:  opts.HTTPClient,
			MaxAttempts: opts.MaxAttempts, MaxRetryWait: opts.MaxRetryWait,
			Logger:    opts.Logger,
			UserAgent: opts.UserAgent,
		}),
		opts:   opts,
		now:    now,
		logger: logger,
		caches: map[string]*auth.Cache{},
	}, nil
}

// TokenSource returns the cached token source for req: the same one for every call with an
// equal Request (scopes in any order). It fails at once if req is invalid. The source
// implements [auth.Invalidator], so [auth.Transport] can drop a token a server rejected.
func (c *Client) TokenSource(req Request) (auth.TokenSource, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	req = cloneRequest(req)
	key := req.cacheKey()
	c.mu.Lock()
	defer c.mu.Unlock()
	if tc, ok := c.caches[key]; ok {
		return tc, nil
	}
	copts := c.opts.Cache
	if copts.Shared != nil {
		copts.SharedKey = sharedKey(copts.SharedKey, c.env.Issuer(), c.opts.ClientID, key)
	}
	tc := auth.NewCache(auth.TokenSourceFunc(func(ctx context.Context) (*auth.Token, error) {
		return c.Fetch(ctx, req)
	}), copts)
	c.caches[key] = tc
	return tc, nil
}

// sharedKey names a request's token in a shared store: a hash, since the request may
// hold a fødselsnummer (pid).
func sharedKey(namespace, issuer, clientID, reqKey string) string {
	b, _ := json.Marshal([]string{"maskinporten-token-v1", namespace, issuer, clientID, reqKey})
	sum := sha256.Sum256(b)
	return "maskinporten:" + hex.EncodeToString(sum[:])
}

func cloneRequest(r Request) Request {
	r.Scopes = append([]string(nil), r.Scopes...)
	r.Resource = append([]string(nil), r.Resource...)
	if r.SystemUser != nil {
		su := *r.SystemUser
		r.SystemUser = &su
	}
	r.AuthorizationDetails = append(json.RawMessage(nil), r.AuthorizationDetails...)
	return r
}

// Grant returns a freshly signed JWT grant for req, as Fetch would send it. The grant is a
// credential: treat it as a secret. For debugging and for tools that post it themselves.
func (c *Client) Grant(ctx context.Context, req Request) (string, error) {
	if err := req.validate(); err != nil {
		return "", err
	}
	issuer, _, err := c.endpoints(ctx)
	if err != nil {
		return "", err
	}
	return c.sign(issuer, req)
}

func (c *Client) sign(issuer string, req Request) (string, error) {
	now := c.now()
	if len(c.opts.Key.Certificates) > 0 {
		if err := checkValidity(c.opts.Key.Certificates[0], now); err != nil {
			return "", err
		}
	}
	g, err := c.signer.sign(issuer, req, now)
	if err != nil {
		return "", httpx.RedactError(err)
	}
	return g, nil
}

// tokenResponse is the success body of the token endpoint.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
	Scope       string          `json:"scope"`
}

// Fetch asks the token endpoint for a new token, without caching. Most callers want
// [Client.TokenSource] instead.
//
// Maskinporten: POST {token_endpoint} with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer
// (https://docs.digdir.no/docs/Maskinporten/maskinporten_protocol_token). Retried on
// transport errors, 429 and 5xx, each attempt with a freshly signed grant, so a retry can
// never be refused as a reused grant (MP-012).
func (c *Client) Fetch(ctx context.Context, req Request) (*auth.Token, error) {
	if err := req.validate(); err != nil {
		return nil, err
	}
	issuer, tokenURL, err := c.endpoints(ctx)
	if err != nil {
		return nil, err
	}
	// Sign the first grant now, so that a key or certificate problem fails before any I/O.
	first, err := c.sign(issuer, req)
	if err != nil {
		return nil, err
	}
	var signErr error
	body := func() (io.ReadCloser, int64, error) {
		g := first
		first = ""
		if g == "" {
			if g, signErr = c.sign(issuer, req); signErr != nil {
				return nil, 0, signErr
			}
		}
		form := "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" + url.QueryEscape(g)
		return io.NopCloser(strings.NewReader(form)), int64(len(form)), nil
	}
	start := c.now()
	resp, err := c.http.Do(ctx, &httpx.Request{
		Method:     http.MethodPost,
		URL:        tokenURL,
		Header:     formHeader,
		Body:       body,
		Idempotent: true,
	})
	if err != nil {
		if signErr != nil {
			return nil, signErr
		}
		return nil, fmt.Errorf("maskinporten: token request: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		e := parseError(resp.StatusCode, resp.Header, httpx.ReadError(resp))
		c.logger.LogAttrs(ctx, slog.LevelWarn, "maskinporten: token request refused",
			slog.Int("status", e.StatusCode), slog.String("error", e.Code), slog.String("mp_code", e.MPCode),
			slog.String("trace_id", e.TraceID), slog.String("scope", strings.Join(req.Scopes, " ")))
		return nil, e
	}
	defer resp.Body.Close()
	var tr tokenResponse
	if err := json.NewDecoder(httpx.LimitBody(resp, 1<<20)).Decode(&tr); err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			return nil, fmt.Errorf("maskinporten: token response: %w", err)
		}
		return nil, &Error{StatusCode: resp.StatusCode, Code: "invalid_response", Description: "token response is not valid JSON"}
	}
	tok, err := tr.token(start)
	if err != nil {
		return nil, err
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "maskinporten: token fetched",
		slog.String("scope", tok.Scope), slog.Time("expiry", tok.Expiry))
	return tok, nil
}

var formHeader = http.Header{
	"Content-Type": {"application/x-www-form-urlencoded"},
	"Accept":       {"application/json"},
}

// MaxTokenLifetime caps the lifetime taken from a token response's expires_in for
// caching. Maskinporten's tokens live 120 s unless a client is configured otherwise; a
// longer expires_in is used up to this cap.
const MaxTokenLifetime = 24 * time.Hour

// token converts the response; start is when the request began, so that the expiry errs
// on the early side.
func (tr *tokenResponse) token(start time.Time) (*auth.Token, error) {
	if tr.AccessToken == "" {
		return nil, &Error{StatusCode: http.StatusOK, Code: "invalid_response", Description: "token response has no access_token"}
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "Bearer") {
		return nil, &Error{StatusCode: http.StatusOK, Code: "invalid_response", Description: fmt.Sprintf("unsupported token_type %q", tr.TokenType)}
	}
	tok := &auth.Token{Value: tr.AccessToken, Type: "Bearer", Scope: tr.Scope}
	if len(tr.ExpiresIn) > 0 && string(tr.ExpiresIn) != "null" {
		raw := string(tr.ExpiresIn)
		if raw[0] == '"' {
			raw = raw[1 : len(raw)-1]
		}
		secs, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(secs) || secs < 1 {
			return nil, &Error{StatusCode: http.StatusOK, Code: "invalid_response", Description: "token response has an invalid expires_in (not a number of seconds of at least 1)"}
		}
		// A fraction is cut off; a lifetime beyond MaxTokenLifetime is capped, so that a
		// huge value neither overflows nor keeps a token cached for years.
		tok.Expiry = start.Add(min(time.Duration(math.Floor(min(secs, MaxTokenLifetime.Seconds())))*time.Second, MaxTokenLifetime))
	}
	return tok, nil
}

// Metadata is the authorization server metadata (RFC 8414) that matters to a client.
type Metadata struct {
	Issuer                                     string   `json:"issuer"`
	TokenEndpoint                              string   `json:"token_endpoint"`
	JWKSURI                                    string   `json:"jwks_uri"`
	GrantTypesSupported                        []string `json:"grant_types_supported,omitempty"`
	TokenEndpointAuthMethodsSupported          []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	TokenEndpointAuthSigningAlgValuesSupported []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	AuthorizationDetailsTypesSupported         []string `json:"authorization_details_types_supported,omitempty"`
}

// staleMetadataLimit is how long the last good metadata is served while discovery fails.
const staleMetadataLimit = 24 * time.Hour

// Metadata returns the server's metadata from /.well-known/oauth-authorization-server,
// cached for MetadataTTL; a failure is remembered for MetadataFailureTTL, and while
// discovery fails the last good metadata (up to a day old) is served.
//
// The metadata's issuer must equal the configured Environment exactly (RFC 8414 §3.3).
func (c *Client) Metadata(ctx context.Context) (*Metadata, error) {
	c.mu.Lock()
	now := c.now()
	if c.md != nil && now.Sub(c.mdGood) < c.opts.MetadataTTL {
		md := c.md
		c.mu.Unlock()
		return md, nil
	}
	if c.mdErr != nil && now.Sub(c.mdFailed) < c.opts.MetadataFailureTTL {
		md, err := c.md, c.mdErr
		c.mu.Unlock()
		if md != nil && now.Sub(c.mdGood) < staleMetadataLimit {
			return md, nil
		}
		return nil, err
	}
	c.mu.Unlock()

	md, err := c.fetchMetadata(ctx)
	if err != nil && ctx.Err() != nil {
		return nil, err // the caller gave up: do not remember that as an outage
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	now = c.now()
	if err != nil {
		c.mdErr, c.mdFailed = err, now
		if c.md != nil && now.Sub(c.mdGood) < staleMetadataLimit {
			// Keep serving the last good metadata through an outage.
			return c.md, nil
		}
		return nil, err
	}
	c.md, c.mdGood, c.mdErr = md, now, nil
	return md, nil
}

// FetchMetadata reads env's metadata document once, without a client or key: for tools
// and health checks. hc may be nil. A [Client] caches metadata itself; see [Client.Metadata].
func FetchMetadata(ctx context.Context, env Environment, hc *http.Client) (*Metadata, error) {
	if err := env.validate(); err != nil {
		return nil, err
	}
	return fetchMetadata(ctx, httpx.NewClient(httpx.Options{HTTPClient: hc, UserAgent: "maskinporten-metadata"}), env)
}

func (c *Client) fetchMetadata(ctx context.Context) (*Metadata, error) {
	return fetchMetadata(ctx, c.http, c.env)
}

func fetchMetadata(ctx context.Context, hc *httpx.Client, env Environment) (*Metadata, error) {
	resp, err := hc.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: env.metadataURL(), Header: jsonHeader})
	if err != nil {
		return nil, fmt.Errorf("maskinporten: metadata: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, parseError(resp.StatusCode, resp.Header, httpx.ReadError(resp))
	}
	defer resp.Body.Close()
	var md Metadata
	if err := json.NewDecoder(httpx.LimitBody(resp, 1<<20)).Decode(&md); err != nil {
		return nil, &Error{StatusCode: resp.StatusCode, Code: "invalid_metadata", Description: "metadata is not valid JSON"}
	}
	if err := md.check(env); err != nil {
		return nil, err
	}
	return &md, nil
}

var jsonHeader = http.Header{"Accept": {"application/json"}}

func (md *Metadata) check(env Environment) error {
	if md.Issuer != env.Issuer() {
		return &Error{StatusCode: http.StatusOK, Code: "invalid_metadata", Description: fmt.Sprintf("metadata issuer %q does not equal the configured issuer %q", md.Issuer, env.Issuer())}
	}
	if err := CheckEndpointURL(md.TokenEndpoint); err != nil {
		return &Error{StatusCode: http.StatusOK, Code: "invalid_metadata", Description: "token_endpoint: " + err.Error()}
	}
	// The signed grant goes to token_endpoint: a metadata document (or whoever answered
	// for it) must not be able to send it to another origin, where it could be traded
	// for a token. Maskinporten's token endpoint is on its issuer's origin.
	if !httpx.SameOrigin(md.TokenEndpoint, env.Issuer()) {
		return &Error{StatusCode: http.StatusOK, Code: "invalid_metadata", Description: "token_endpoint is not on the issuer's origin; the grant is sent only there"}
	}
	return nil
}

// endpoints returns the issuer (the grant's aud) and the token endpoint.
func (c *Client) endpoints(ctx context.Context) (issuer, tokenURL string, err error) {
	if c.tokenURL != "" {
		return c.env.Issuer(), c.tokenURL, nil
	}
	if c.opts.DisableDiscovery {
		return c.env.Issuer(), c.env.staticTokenURL(), nil
	}
	md, err := c.Metadata(ctx)
	if err == nil {
		return md.Issuer, md.TokenEndpoint, nil
	}
	if c.env.known() && ctx.Err() == nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "maskinporten: metadata discovery failed; using the documented endpoints",
			slog.String("issuer", c.env.Issuer()), slog.String("error", err.Error()))
		return c.env.Issuer(), c.env.staticTokenURL(), nil
	}
	return "", "", err
}
