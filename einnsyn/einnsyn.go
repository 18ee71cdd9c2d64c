// Package einnsyn is a client for the eInnsyn REST API (https://api.einnsyn.no), where
// Norwegian public bodies publish their post journals and meeting records and where the
// public searches them and orders access (innsynskrav).
//
// Reading and searching need no credentials. Publishers authenticate with an API key
// (Options.APIKey, sent as API-KEY), people with a bearer token from Ansattporten or
// eInnsyn's own login (Options.Token). eInnsyn does not take Maskinporten tokens.
//
// Each resource has a Resource value on the Client (Journalposter, Saksmapper, ...) with
// Get, List (an iterator that follows the API's cursors), ListPage, Update and Delete.
// Search walks GET /search. Publishing creates a Saksmappe with its Journalposter in one
// call (Saksmapper.Create); FraArkivmelding maps an archived noark5 case to it.
//
// Errors from the API are *Error, matching the sentinels ErrNotFound, ErrValidation, ...
// with errors.Is. Bad input is refused before anything is sent, with a *ValidationError.
package einnsyn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/httpx"
)

// DefaultBaseURL is eInnsyn's production API.
const DefaultBaseURL = "https://api.einnsyn.no"

// TestBaseURL is eInnsyn's test API (Digdir's KundeTest environment, the host Digdir's
// official Java and TypeScript SDKs use for testing). API keys for it are issued by
// Digdir's ServiceDesk.
const TestBaseURL = "https://api.test.einnsyn.no"

// MaxPageSize is the largest page the API gives (limit 1–100).
const MaxPageSize = 100

// Options configures a Client.
type Options struct {
	// BaseURL of the API. Empty: DefaultBaseURL. It must be https, or http on loopback
	// (the fake).
	BaseURL string
	// APIKey is a publisher's key ("secret_..."), sent as the API-KEY header. It is never
	// logged or shown in errors.
	APIKey auth.Secret
	// Token authorizes the caller with a bearer token (Ansattporten or an eInnsyn user
	// token). Not together with APIKey.
	Token auth.TokenSource
	// ActingAs is an Enhet id or orgnummer to act for (the ACTING-AS header). It can only
	// narrow what the key or user may do.
	ActingAs string
	// HTTPClient is used for the requests; it is never modified. Nil: a default client.
	HTTPClient *http.Client
	// Logger receives debug lines about retries. Nil: silent.
	Logger *slog.Logger
	// MaxAttempts is the most attempts per call, the first included: 0 is 4, the default of
	// every client of the module; 1 means no retries.
	MaxAttempts int
	// MaxRetryWait caps the wait before a retry (default 10 s). An answer whose
	// Retry-After asks for longer is not retried early: it is returned, with its
	// RetryAfter, for the caller to decide.
	MaxRetryWait time.Duration
	// UserAgent is appended to the library's User-Agent.
	UserAgent string
}

// Client talks to eInnsyn. It is safe for concurrent use.
type Client struct {
	base *url.URL
	http *httpx.Client

	Journalposter           *Resource[Journalpost]
	Saksmapper              *Resource[Saksmappe]
	Moetemapper             *Resource[Moetemappe]
	Moetesaker              *Resource[Moetesak]
	Moetedokumenter         *Resource[Moetedokument]
	Dokumentbeskrivelser    *Resource[Dokumentbeskrivelse]
	Dokumentobjekter        *Resource[Dokumentobjekt]
	Korrespondanseparter    *Resource[Korrespondansepart]
	Skjerminger             *Resource[Skjerming]
	Enheter                 *Resource[Enhet]
	Arkiver                 *Resource[Arkiv]
	Arkivdeler              *Resource[Arkivdel]
	Klasser                 *Resource[Klasse]
	Innsynskrav             *Resource[Innsynskrav]
	InnsynskravBestillinger *Resource[InnsynskravBestilling]
}

// New returns a Client.
func New(opts Options) (*Client, error) {
	raw := opts.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	if err := httpx.CheckEndpointURL(raw); err != nil {
		return nil, fmt.Errorf("einnsyn: BaseURL: %w", err)
	}
	base, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || base.User != nil || base.RawQuery != "" {
		return nil, fmt.Errorf("einnsyn: BaseURL %q: want scheme://host[/path] without user info or query", httpx.RedactURL(raw))
	}
	if opts.APIKey != "" && opts.Token != nil {
		return nil, errors.New("einnsyn: set APIKey or Token, not both")
	}
	if strings.ContainsAny(string(opts.APIKey), "\r\n") || strings.ContainsAny(opts.ActingAs, "\r\n") {
		return nil, errors.New("einnsyn: APIKey and ActingAs must be one line")
	}
	h := http.Header{"Accept": {"application/json"}}
	if opts.APIKey != "" {
		h.Set("API-KEY", string(opts.APIKey))
	}
	if opts.ActingAs != "" {
		h.Set("ACTING-AS", opts.ActingAs)
	}
	c := &Client{
		base: base,
		http: httpx.NewClient(httpx.Options{
			HTTPClient:  opts.HTTPClient,
			Token:       opts.Token,
			Header:      h,
			MaxAttempts: opts.MaxAttempts, MaxRetryWait: opts.MaxRetryWait,
			Logger:    opts.Logger,
			UserAgent: opts.UserAgent,
		}),
	}
	c.Journalposter = &Resource[Journalpost]{c: c, coll: "journalpost", parent: "saksmappe", validate: validateJournalpost}
	c.Saksmapper = &Resource[Saksmappe]{c: c, coll: "saksmappe", parent: "arkivdel", validate: validateSaksmappe}
	c.Moetemapper = &Resource[Moetemappe]{c: c, coll: "moetemappe", parent: "arkivdel", validate: validateMoetemappe}
	c.Moetesaker = &Resource[Moetesak]{c: c, coll: "moetesak", parent: "moetemappe", validate: validateMoetesak}
	c.Moetedokumenter = &Resource[Moetedokument]{c: c, coll: "moetedokument", parent: "moetemappe", validate: validateMoetedokument}
	c.Dokumentbeskrivelser = &Resource[Dokumentbeskrivelse]{c: c, coll: "dokumentbeskrivelse", parent: "journalpost", validate: validateDokumentbeskrivelse}
	c.Dokumentobjekter = &Resource[Dokumentobjekt]{c: c, coll: "dokumentobjekt", parent: "dokumentbeskrivelse"}
	c.Korrespondanseparter = &Resource[Korrespondansepart]{c: c, coll: "korrespondansepart", parent: "journalpost", validate: validateKorrespondansepart}
	c.Skjerminger = &Resource[Skjerming]{c: c, coll: "skjerming", validate: validateSkjerming}
	c.Enheter = &Resource[Enhet]{c: c, coll: "enhet", child: "underenhet"}
	c.Arkiver = &Resource[Arkiv]{c: c, coll: "arkiv", validate: validateArkiv}
	c.Arkivdeler = &Resource[Arkivdel]{c: c, coll: "arkivdel", parent: "arkiv", validate: validateArkivdel}
	c.Klasser = &Resource[Klasse]{c: c, coll: "klasse", parent: "arkivdel"}
	c.Innsynskrav = &Resource[Innsynskrav]{c: c, coll: "innsynskrav", parent: "innsynskravBestilling"}
	c.InnsynskravBestillinger = &Resource[InnsynskravBestilling]{c: c, coll: "innsynskravBestilling", validate: validateBestilling}
	return c, nil
}

// Collection is the Resource for any collection of the API by its path name
// ("vedtak", "utredning", "matrikkelnummer", "lagretSak", ...), for the resources this
// package has no type for. Objects come as Object (decode Raw into your own type); create
// one with NewObject.
func (c *Client) Collection(name string) (*Resource[Object], error) {
	for _, coll := range collections {
		if coll == name {
			return &Resource[Object]{c: c, coll: coll}, nil
		}
	}
	return nil, invalid(fmt.Sprintf("Collection: %q is not a collection of the API", name))
}

// NewObject wraps v (a struct or map in the API's JSON shape) as an Object to send with a
// Collection's Create or Update.
func NewObject(v any) (*Object, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, invalid("NewObject: " + err.Error())
	}
	o := new(Object)
	if err := json.Unmarshal(b, o); err != nil {
		return nil, invalid("NewObject: not a JSON object")
	}
	return o, nil
}

// BaseURL is the API's base URL as the client uses it.
func (c *Client) BaseURL() string { return c.base.String() }

// Resource is one collection of the API: /journalpost, /saksmappe, ... Its methods wrap
// the collection's routes (JournalpostRoutes_get, _list, _update, _delete and the parent's
// add route for Create).
type Resource[T any] struct {
	c        *Client
	coll     string
	parent   string // the usual parent collection, for Create with a non-eInnsyn parent id
	child    string // the route segment under a parent; "" = coll
	validate func(*T) error
}

// Get fetches one object by its eInnsyn id or the publisher's systemId (GET /{coll}/{id}).
func (r *Resource[T]) Get(ctx context.Context, id string, expand ...string) (*T, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if err := checkExpand(expand); err != nil {
		return nil, err
	}
	q := url.Values{}
	addExpand(q, expand)
	v := new(T)
	if err := r.c.do(ctx, http.MethodGet, r.c.url(q, r.coll, id), nil, v, false); err != nil {
		return nil, err
	}
	return v, nil
}

// Update changes the fields set in patch (PATCH /{coll}/{id}); the API leaves the rest as
// they are. Send a value of the resource type with only the fields to change; zero
// values of fields without omitempty (titles, numbers) are sent, so update those with
// their current values or use UpdateFields. PATCH is retried like a GET: applying the
// same patch twice gives the same object.
func (r *Resource[T]) Update(ctx context.Context, id string, patch *T) (*T, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	return r.patch(ctx, id, patch)
}

// UpdateFields sends exactly the given fields (PATCH /{coll}/{id}), for a partial update
// without a whole struct: UpdateFields(ctx, id, map[string]any{"offentligTittel": "..."}).
func (r *Resource[T]) UpdateFields(ctx context.Context, id string, fields map[string]any) (*T, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, invalid("UpdateFields: no fields")
	}
	return r.patch(ctx, id, fields)
}

func (r *Resource[T]) patch(ctx context.Context, id string, body any) (*T, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return nil, invalid("body: " + err.Error())
	}
	v := new(T)
	if err := r.c.do(ctx, http.MethodPatch, r.c.url(nil, r.coll, id), b, v, true); err != nil {
		return nil, err
	}
	return v, nil
}

// Delete deletes the object (DELETE /{coll}/{id}) and returns it as it was, with Deleted
// set. When the answer to a DELETE is lost and the retry finds the object gone, Delete
// reports ErrNotFound: the object is deleted either way.
func (r *Resource[T]) Delete(ctx context.Context, id string) (*T, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	v := new(T)
	if err := r.c.do(ctx, http.MethodDelete, r.c.url(nil, r.coll, id), nil, v, false); err != nil {
		return nil, err
	}
	return v, nil
}

// Create creates obj under parent, the id of the object it belongs to: an arkivdel for a
// Saksmappe or Moetemappe, a saksmappe for a Journalpost, a journalpost for a
// Korrespondansepart or Dokumentbeskrivelse, and so on (POST /{parent}/{id}/{coll}). An
// eInnsyn id picks its own collection; any other id (a systemId) is taken to be of the
// resource's usual parent. Resources the API creates at the top (Arkiv, Skjerming,
// Moetesak, InnsynskravBestilling) take parent "".
//
// obj is checked against the API's rules before anything is sent (*ValidationError).
// A create is not retried once it may have reached the server. When obj has a SystemID
// and the answer is lost, Create looks the object up by it and returns it if it was
// created, or sends it once more if not; without a SystemID a lost answer is an
// *UnknownOutcomeError.
func (r *Resource[T]) Create(ctx context.Context, parent string, obj *T) (*T, error) {
	if obj == nil {
		return nil, invalid("Create: nil object")
	}
	if r.validate != nil {
		if err := r.validate(obj); err != nil {
			return nil, err
		}
	}
	path, err := r.createPath(parent)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(obj)
	if err != nil {
		return nil, invalid("body: " + err.Error())
	}
	key := dedupKey(r.coll, body)
	for attempt := 1; ; attempt++ {
		v := new(T)
		err := r.c.do(ctx, http.MethodPost, r.c.url(nil, path...), body, v, false)
		if err == nil {
			return v, nil
		}
		if attempt > 1 && errors.Is(err, ErrConflict) {
			// The first attempt was stored: the backend names it in its conflict answer.
			if found, ok := r.recover(ctx, err, key); ok {
				return found, nil
			}
			return nil, err
		}
		if !unknownOutcome(err) {
			return nil, err
		}
		if key.value == "" || ctx.Err() != nil || attempt >= 2 {
			ref := ""
			if key.value != "" {
				ref = key.field + " " + key.value
			}
			return nil, &UnknownOutcomeError{Op: "einnsyn: create " + r.coll, Reference: ref, Err: err}
		}
		// Sent once more: a duplicate is refused with 409 naming the existing object.
	}
}

// createKey is the field that makes a create idempotent: eInnsyn refuses a second object
// with the same value in it (BaseService.findUniqueFieldMatch).
type createKey struct{ field, value string }

// dedupKey: the systemId, unique in every archive collection but Arkiv and Arkivdel; else
// the externalId (for Arkiv and Arkivdel unique per journalenhet). Without one, a create
// whose answer was lost cannot be sent again safely.
func dedupKey(coll string, body []byte) createKey {
	var b struct {
		SystemID   string `json:"systemId"`
		ExternalID string `json:"externalId"`
	}
	_ = json.Unmarshal(body, &b)
	switch {
	case b.SystemID != "" && coll != "arkiv" && coll != "arkivdel" && coll != "innsynskrav" && coll != "innsynskravBestilling" && coll != "enhet":
		return createKey{"systemId", b.SystemID}
	case b.ExternalID != "":
		return createKey{"externalId", b.ExternalID}
	}
	return createKey{}
}

var conflictIDRe = regexp.MustCompile(`conflicting object \(([A-Za-z]+_[0-9a-z]+)\)`)

// recover reads the existing object's id from a 409 answer and returns that object when it
// carries the same key value as the create.
func (r *Resource[T]) recover(ctx context.Context, conflict error, key createKey) (*T, bool) {
	var ae *Error
	if !errors.As(conflict, &ae) {
		return nil, false
	}
	if ae.ConflictID == "" || Collection(ae.ConflictID) != r.coll {
		return nil, false
	}
	found, err := r.Get(ctx, ae.ConflictID)
	if err != nil {
		return nil, false
	}
	raw, err := json.Marshal(found)
	if err != nil || dedupKey(r.coll, raw) != key {
		return nil, false
	}
	return found, true
}

func (r *Resource[T]) createPath(parent string) ([]string, error) {
	if parent == "" {
		if r.coll == "journalpost" || r.coll == "korrespondansepart" || r.coll == "dokumentbeskrivelse" ||
			r.coll == "saksmappe" || r.coll == "moetemappe" || r.coll == "arkivdel" || r.coll == "moetedokument" ||
			r.coll == "dokumentobjekt" || r.coll == "innsynskrav" {
			return nil, invalid(fmt.Sprintf("Create: a %s is created under its parent; give the parent's id", r.coll))
		}
		return []string{r.coll}, nil
	}
	if err := checkID(parent); err != nil {
		return nil, err
	}
	pc := Collection(parent)
	if pc == "" {
		pc = r.parent
	}
	if pc == "" {
		return nil, invalid(fmt.Sprintf("Create: %q is not an eInnsyn id", parent))
	}
	seg := r.coll
	if r.child != "" && pc == r.coll {
		seg = r.child
	}
	return []string{pc, parent, seg}, nil
}

// ListOptions are the list parameters of a collection (QueryParameters.ListParameters).
type ListOptions struct {
	// Parent lists the objects under this parent instead of the whole collection: the
	// journalposter of a saksmappe, the korrespondanseparter of a journalpost, ...
	// (GET /{parent}/{id}/{coll}). An eInnsyn id.
	Parent string
	// Limit is the page size, 1–100 (API default 25).
	Limit int
	// SortOrder is "asc" or "desc" (API default desc).
	SortOrder string
	// StartingAfter and EndingBefore are cursors: an eInnsyn id.
	StartingAfter string
	EndingBefore  string
	// IDs and ExternalIDs fetch exactly these objects (at most 100; the API then ignores
	// the other parameters and gives no next page).
	IDs         []string
	ExternalIDs []string
	// Journalenhet limits to objects of this Enhet (id or orgnummer).
	Journalenhet string
	// Expand names fields to expand in the answer, as dotted paths like
	// "saksmappe.administrativEnhetObjekt" (at most 100).
	Expand []string
}

// Page is one page of a list or search.
type Page[T any] struct {
	Items []T
	// Next and Previous are the API's links to the neighbouring pages, "" at the ends.
	// They may be paths or full URLs; NextPage resolves both against the base URL.
	Next     string
	Previous string
}

// ListPage fetches one page (GET /{coll} or GET /{parent}/{id}/{coll}). Follow Next with
// NextPage, or keep the cursor yourself with StartingAfter.
func (r *Resource[T]) ListPage(ctx context.Context, opts *ListOptions) (*Page[T], error) {
	u, err := r.listURL(opts)
	if err != nil {
		return nil, err
	}
	return getPage[T](ctx, r.c, u)
}

// NextPage fetches the page after p, or returns nil, nil when p is the last.
func (r *Resource[T]) NextPage(ctx context.Context, p *Page[T]) (*Page[T], error) {
	if p == nil || p.Next == "" {
		return nil, nil
	}
	u, err := r.c.resolve(p.Next)
	if err != nil {
		return nil, err
	}
	return getPage[T](ctx, r.c, u)
}

// List iterates over the whole collection (or a parent's children), page after page,
// following the API's next links. Stop early by breaking out of the loop; an error ends
// the iteration after it is yielded.
func (r *Resource[T]) List(ctx context.Context, opts *ListOptions) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		u, err := r.listURL(opts)
		if err != nil {
			yield(nil, err)
			return
		}
		walk(ctx, r.c, u, yield)
	}
}

func walk[T any](ctx context.Context, c *Client, u string, yield func(*T, error) bool) {
	seen := map[string]bool{}
	for u != "" {
		p, err := getPage[T](ctx, c, u)
		if err != nil {
			yield(nil, err)
			return
		}
		for i := range p.Items {
			if !yield(&p.Items[i], nil) {
				return
			}
		}
		if p.Next == "" || len(p.Items) == 0 {
			return
		}
		if seen[p.Next] {
			yield(nil, fmt.Errorf("einnsyn: the API sent the same next link twice (%s)", httpx.RedactURL(p.Next)))
			return
		}
		seen[p.Next] = true
		if u, err = c.resolve(p.Next); err != nil {
			yield(nil, err)
			return
		}
	}
}

func (r *Resource[T]) listURL(opts *ListOptions) (string, error) {
	if opts == nil {
		opts = &ListOptions{}
	}
	q := url.Values{}
	if opts.Limit != 0 {
		if opts.Limit < 1 || opts.Limit > MaxPageSize {
			return "", invalid(fmt.Sprintf("ListOptions.Limit %d: want 1–%d", opts.Limit, MaxPageSize))
		}
		q.Set("limit", strconv.Itoa(opts.Limit))
	}
	if opts.SortOrder != "" {
		if opts.SortOrder != "asc" && opts.SortOrder != "desc" {
			return "", invalid(fmt.Sprintf("ListOptions.SortOrder %q: want asc or desc", opts.SortOrder))
		}
		q.Set("sortOrder", opts.SortOrder)
	}
	if opts.StartingAfter != "" {
		q.Set("startingAfter", opts.StartingAfter)
	}
	if opts.EndingBefore != "" {
		q.Set("endingBefore", opts.EndingBefore)
	}
	if len(opts.IDs) > 100 || len(opts.ExternalIDs) > 100 {
		return "", invalid("ListOptions.IDs/ExternalIDs: at most 100")
	}
	for _, id := range opts.IDs {
		q.Add("ids", id)
	}
	for _, id := range opts.ExternalIDs {
		q.Add("externalIds", id)
	}
	if opts.Journalenhet != "" {
		q.Set("journalenhet", opts.Journalenhet)
	}
	if err := checkExpand(opts.Expand); err != nil {
		return "", err
	}
	addExpand(q, opts.Expand)
	if opts.Parent == "" {
		return r.c.url(q, r.coll), nil
	}
	if err := checkID(opts.Parent); err != nil {
		return "", err
	}
	pc := Collection(opts.Parent)
	if pc == "" {
		return "", invalid(fmt.Sprintf("ListOptions.Parent %q is not an eInnsyn id", opts.Parent))
	}
	seg := r.coll
	if r.child != "" && pc == r.coll {
		seg = r.child
	}
	return r.c.url(q, pc, opts.Parent, seg), nil
}

// wirePage is the list answer: items may be ids or objects.
type wirePage struct {
	Items    []json.RawMessage `json:"items"`
	Next     string            `json:"next"`
	Previous string            `json:"previous"`
}

func getPage[T any](ctx context.Context, c *Client, u string) (*Page[T], error) {
	body, err := c.getBytes(ctx, u)
	if err != nil {
		return nil, err
	}
	// Items are objects unless the API was asked for ids only: decode them in one pass,
	// and fall back to item-by-item when some are bare ids.
	var fast struct {
		Items    []T    `json:"items"`
		Next     string `json:"next"`
		Previous string `json:"previous"`
	}
	if err := json.Unmarshal(body, &fast); err == nil {
		return &Page[T]{Items: fast.Items, Next: fast.Next, Previous: fast.Previous}, nil
	}
	var w wirePage
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, &DecodeError{Err: err}
	}
	p := &Page[T]{Items: make([]T, len(w.Items)), Next: w.Next, Previous: w.Previous}
	for i, raw := range w.Items {
		raw = bytes.TrimSpace(raw)
		if len(raw) > 0 && raw[0] == '"' {
			// An id where the API did not expand: decode it as {"id": ...}.
			var id string
			if err := json.Unmarshal(raw, &id); err != nil {
				return nil, &DecodeError{Err: err}
			}
			raw, _ = json.Marshal(map[string]string{"id": id})
		}
		if err := json.Unmarshal(raw, &p.Items[i]); err != nil {
			return nil, &DecodeError{Err: err}
		}
	}
	return p, nil
}

// Get fetches any object by its eInnsyn id, decoded by its entity (GET /{coll}/{id}, the
// collection chosen by the id's prefix).
func (c *Client) Get(ctx context.Context, id string, expand ...string) (*Object, error) {
	coll := Collection(id)
	if coll == "" {
		return nil, invalid(fmt.Sprintf("Get: %q is not an eInnsyn id (prefix_26chars)", id))
	}
	if err := checkExpand(expand); err != nil {
		return nil, err
	}
	q := url.Values{}
	addExpand(q, expand)
	o := new(Object)
	if err := c.do(ctx, http.MethodGet, c.url(q, coll, id), nil, o, false); err != nil {
		return nil, err
	}
	return o, nil
}

// Me returns who the API takes the caller to be (GET /me, AuthInfoRoutes_get).
func (c *Client) Me(ctx context.Context) (*AuthInfo, error) {
	v := new(AuthInfo)
	if err := c.do(ctx, http.MethodGet, c.url(nil, "me"), nil, v, false); err != nil {
		return nil, err
	}
	return v, nil
}

// VerifyInnsynskravBestilling confirms an anonymous order with the secret mailed to its
// address (PATCH /innsynskravBestilling/{id}/verify/{secret}).
func (c *Client) VerifyInnsynskravBestilling(ctx context.Context, id, secret string) (*InnsynskravBestilling, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if secret == "" || strings.ContainsAny(secret, "/?#") {
		return nil, invalid("VerifyInnsynskravBestilling: bad secret")
	}
	v := new(InnsynskravBestilling)
	if err := c.do(ctx, http.MethodPatch, c.url(nil, "innsynskravBestilling", id, "verify", secret), nil, v, true); err != nil {
		return nil, err
	}
	return v, nil
}

// checkExpand refuses more expand paths than the API takes.
func checkExpand(expand []string) error {
	if len(expand) > 100 {
		return invalid(fmt.Sprintf("expand: %d paths; the API takes at most 100", len(expand)))
	}
	return nil
}

func addExpand(q url.Values, expand []string) {
	for _, e := range expand {
		if e != "" {
			q.Add("expand", e)
		}
	}
}

func checkID(id string) error {
	if id == "" {
		return invalid("empty id")
	}
	if strings.ContainsAny(id, "/?#%\\ \t\r\n") || id == "." || id == ".." {
		return invalid(fmt.Sprintf("id %q: not a usable id", id))
	}
	return nil
}

// url builds base + /seg/seg?q with each segment escaped.
func (c *Client) url(q url.Values, segs ...string) string {
	u := *c.base
	u.Path = strings.TrimSuffix(c.base.Path, "/")
	u.RawPath = ""
	for _, s := range segs {
		u.Path += "/" + s
	}
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// resolve turns a next/previous link (a path or a full URL) into a URL on the base, and
// refuses a link to another host: the API key must not go there.
func (c *Client) resolve(link string) (string, error) {
	ref, err := url.Parse(link)
	if err != nil {
		return "", &DecodeError{Err: fmt.Errorf("next link: %w", err)}
	}
	u := c.base.ResolveReference(ref)
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return "", &DecodeError{Err: fmt.Errorf("next link points to %s://%s, not the API", u.Scheme, u.Host)}
	}
	return u.String(), nil
}

// Limits on the answers: past one, the call fails with an error matching
// ErrResponseTooLarge and the body is not read further.
const (
	// MaxObjectBytes bounds one object (Get, Create, Update, Delete), expanded or not.
	MaxObjectBytes = 16 << 20
	// MaxPageBytes bounds one page of a list or search (up to 100 objects, expanded).
	MaxPageBytes = 64 << 20
)

// getBytes GETs u and returns the 2xx body, read whole (one copy, no JSON scan).
func (c *Client) getBytes(ctx context.Context, u string) ([]byte, error) {
	resp, err := c.http.Do(ctx, &httpx.Request{Method: http.MethodGet, URL: u})
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, newError(resp, httpx.ReadError(resp))
	}
	defer resp.Body.Close()
	b, err := httpx.ReadBody(resp, MaxPageBytes)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &DecodeError{Err: httpx.RedactError(err)}
	}
	return b, nil
}

// do sends one request and decodes a 2xx JSON answer into out.
func (c *Client) do(ctx context.Context, method, u string, body []byte, out any, idempotent bool) error {
	req := &httpx.Request{Method: method, URL: u, Idempotent: idempotent}
	if body != nil {
		req.Body = httpx.Bytes(body)
		req.Header = http.Header{"Content-Type": {"application/json"}}
	}
	resp, err := c.http.Do(ctx, req)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return newError(resp, httpx.ReadError(resp))
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	// Read whole (bounded), then decoded in place: half the allocation of a streaming
	// json.Decoder, which copies its growing buffer.
	b, err := httpx.ReadBody(resp, MaxObjectBytes)
	if err == nil {
		err = json.Unmarshal(b, out)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &DecodeError{Err: err}
	}
	return nil
}
