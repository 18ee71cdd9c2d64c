package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/maskinporten"
)

// einnsynFlags: --env prod / --base-url URL, --acting-as, --json. The API key comes from
// EINNSYN_API_KEY when it is set; without it the calls are anonymous (public data).
type einnsynFlags struct {
	env      string
	baseURL  string
	actingAs string
	of       outputFlags
}

func (f *einnsynFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.env, "env", "prod", "eInnsyn environment: prod (api.einnsyn.no) or test (api.test.einnsyn.no, Digdir's KundeTest)")
	fs.StringVar(&f.baseURL, "base-url", "", "API base URL (overrides --env; https, or http for loopback)")
	fs.StringVar(&f.actingAs, "acting-as", "", "act for this Enhet (id or orgnummer; ACTING-AS)")
	f.of.register(fs)
}

func (f *einnsynFlags) client(e *env) (*einnsyn.Client, error) {
	base := f.baseURL
	if base == "" {
		switch f.env {
		case "prod":
			base = einnsyn.DefaultBaseURL
		case "test":
			base = einnsyn.TestBaseURL
		default:
			return nil, usageErr("--env must be prod or test, not %q", f.env)
		}
	} else if err := maskinporten.CheckEndpointURL(base); err != nil {
		return nil, usageErr("--base-url: %v", err)
	}
	c, err := einnsyn.New(einnsyn.Options{BaseURL: base, APIKey: auth.Secret(e.getenv("EINNSYN_API_KEY")), ActingAs: f.actingAs,
		HTTPClient: e.httpClient, UserAgent: "fellesklient-cli"})
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return c, nil
}

// searchHit is one line of `einnsyn search --json`.
type searchHit struct {
	ID     string          `json:"id"`
	Entity string          `json:"entity"`
	Tittel string          `json:"tittel"`
	Objekt json.RawMessage `json:"objekt"`
}

// runEinnsynSearch: fellesklient einnsyn search QUERY [--max N] [--entity E]... [--json].
func runEinnsynSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient einnsyn search")
	var f einnsynFlags
	f.register(fs)
	max := fs.Int("max", 0, "stop after N hits (default: all)")
	var entities multiFlag
	fs.Var(&entities, "entity", "only this entity: Journalpost, Saksmappe, Moetemappe or Moetesak (repeatable)")
	sortBy := fs.String("sort", "", "sort field (score, publisertDato, journaldato, ...)")
	pos, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("usage: fellesklient einnsyn search QUERY [--max N] [--entity E]... [--json]")
	}
	if *max < 0 {
		return usageErr("--max must be 0 (all) or more")
	}
	c, err := f.client(e)
	if err != nil {
		return err
	}
	opts := &einnsyn.SearchOptions{Query: pos[0], Entity: entities, SortBy: *sortBy, Limit: einnsyn.MaxPageSize}
	if *max > 0 && *max < einnsyn.MaxPageSize {
		opts.Limit = *max
	}
	n := 0
	for hit, err := range c.Search(ctx, opts) {
		if err != nil {
			return serviceErr(err)
		}
		if f.of.json {
			if err := writeJSONLine(e, searchHit{ID: hit.ID, Entity: hit.Entity, Tittel: hit.Tittel(), Objekt: hit.Raw}); err != nil {
				return err
			}
		} else if _, err := fmt.Fprintf(e.stdout, "%-12s %-30s %s\n", hit.Entity, hit.ID, oneLine(hit.Tittel())); err != nil {
			return ioErr(err)
		}
		if n++; *max > 0 && n >= *max {
			break
		}
	}
	if !f.of.json {
		fmt.Fprintf(e.stderr, "%d hit(s)\n", n)
	}
	return nil
}

// runEinnsynGet: fellesklient einnsyn get ID [--expand FIELD]... [--json].
func runEinnsynGet(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient einnsyn get")
	var f einnsynFlags
	f.register(fs)
	var expand multiFlag
	fs.Var(&expand, "expand", "expand this field, e.g. saksmappe or korrespondansepart (repeatable; dotted paths)")
	pos, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("usage: fellesklient einnsyn get ID [--expand FIELD]... [--json]")
	}
	c, err := f.client(e)
	if err != nil {
		return err
	}
	obj, err := c.Get(ctx, pos[0], expand...)
	if err != nil {
		return serviceErr(err)
	}
	if f.of.json {
		var buf bytes.Buffer
		if err := json.Indent(&buf, obj.Raw, "", "  "); err != nil {
			return noErr(err)
		}
		buf.WriteByte('\n')
		if _, err := e.stdout.Write(buf.Bytes()); err != nil {
			return ioErr(err)
		}
		return nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(obj.Raw, &fields); err != nil {
		return noErr(err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(e.stdout, "%s %s\n", obj.Entity, obj.ID)
	for _, k := range keys {
		if k == "id" || k == "entity" {
			continue
		}
		v := string(fields[k])
		var s string
		if json.Unmarshal(fields[k], &s) == nil {
			v = s
		}
		fmt.Fprintf(e.stdout, "  %-26s %s\n", k+":", oneLine(strings.TrimSpace(v)))
	}
	return nil
}
