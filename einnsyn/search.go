package einnsyn

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
)

// SearchOptions are the parameters of GET /search (Search.SearchParameters and
// QueryParameters.FilterParameters). Date filters take ISO dates or times, or relative
// expressions such as "now-7d" and "now/d".
type SearchOptions struct {
	// Query is the search text: "quoted phrase", -excluded.
	Query string
	// Entity limits the hits to Journalpost, Saksmappe, Moetemappe and/or Moetesak.
	Entity []string
	// Limit is the page size, 1–100 (API default 25).
	Limit int
	// SortBy is a field to sort on (score, publisertDato, journaldato, ...; API default
	// score) and SortOrder "asc" or "desc" (API default desc).
	SortBy    string
	SortOrder string
	// StartingAfter and EndingBefore are search cursors: the two values
	// [sort value, id] of a hit (SearchPage.NextCursor gives them).
	StartingAfter []string
	EndingBefore  []string
	// Expand names fields of the hits to expand (dotted paths, at most 100).
	Expand []string

	AdministrativEnhet             []string
	AdministrativEnhetExact        []string
	ExcludeAdministrativEnhet      []string
	ExcludeAdministrativEnhetExact []string
	Tittel                         []string
	KorrespondansepartNavn         []string
	Skjermingshjemmel              []string
	Saksaar                        []string
	Sakssekvensnummer              []string
	Saksnummer                     []string
	Journalpostnummer              []string
	Journalsekvensnummer           []string
	Moetesaksaar                   []string
	Moetesakssekvensnummer         []string
	Journalposttype                []Journalposttype
	IDs                            []string
	ExternalIDs                    []string
	Journalenhet                   string
	// Fulltext searches document text too.
	Fulltext bool

	PublisertDatoFrom, PublisertDatoTo     string
	OppdatertDatoFrom, OppdatertDatoTo     string
	JournaldatoFrom, JournaldatoTo         string
	DokumentetsDatoFrom, DokumentetsDatoTo string
	MoetedatoFrom, MoetedatoTo             string
	StandardDatoFrom, StandardDatoTo       string
}

var searchEntities = []string{"Journalpost", "Moetemappe", "Moetesak", "Saksmappe"}

var searchSortBy = []string{"administrativEnhetNavn", "dokumentetsDato", "entity", "fulltekst", "id", "journaldato",
	"journalpostnummer", "journalposttype", "korrespondansepartNavn", "moetedato", "oppdatertDato", "publisertDato",
	"standardDato", "sakssekvensnummer", "score", "tittel"}

func (o *SearchOptions) query() (url.Values, error) {
	if o == nil {
		return url.Values{}, nil
	}
	if problems := o.problems(); len(problems) > 0 {
		return nil, invalid(problems...)
	}
	return o.values(), nil
}

// problems lists the options the search API would refuse.
func (o *SearchOptions) problems() []string {
	var problems []string
	if o.Limit != 0 && (o.Limit < 1 || o.Limit > MaxPageSize) {
		problems = append(problems, fmt.Sprintf("Limit %d: want 1–%d", o.Limit, MaxPageSize))
	}
	if o.SortBy != "" && !slices.Contains(searchSortBy, o.SortBy) {
		problems = append(problems, fmt.Sprintf("SortBy %q is not a search sort field", o.SortBy))
	}
	if o.SortOrder != "" && o.SortOrder != "asc" && o.SortOrder != "desc" {
		problems = append(problems, fmt.Sprintf("SortOrder %q: want asc or desc", o.SortOrder))
	}
	for _, c := range []struct {
		name string
		v    []string
	}{{"startingAfter", o.StartingAfter}, {"endingBefore", o.EndingBefore}} {
		if len(c.v) != 0 && len(c.v) != 2 {
			problems = append(problems, c.name+": a search cursor is two values, [sort value, id]")
		}
	}
	for _, e := range o.Entity {
		if !slices.Contains(searchEntities, e) {
			problems = append(problems, fmt.Sprintf("Entity %q: want one of %v", e, searchEntities))
		}
	}
	for _, t := range o.Journalposttype {
		if !slices.Contains(journalposttyper, t) {
			problems = append(problems, fmt.Sprintf("Journalposttype %q is not a journalposttype", t))
		}
	}
	if len(o.Expand) > 100 {
		problems = append(problems, fmt.Sprintf("Expand: %d paths; the API takes at most 100", len(o.Expand)))
	}
	return problems
}

// values are the options as the search API's query parameters.
func (o *SearchOptions) values() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	add := func(k string, vs []string) {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	if o.Limit != 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	set("sortBy", o.SortBy)
	set("sortOrder", o.SortOrder)
	add("startingAfter", o.StartingAfter)
	add("endingBefore", o.EndingBefore)
	add("entity", o.Entity)
	for _, t := range o.Journalposttype {
		q.Add("journalposttype", string(t))
	}
	set("query", o.Query)
	addExpand(q, o.Expand)
	add("administrativEnhet", o.AdministrativEnhet)
	add("administrativEnhetExact", o.AdministrativEnhetExact)
	add("excludeAdministrativEnhet", o.ExcludeAdministrativEnhet)
	add("excludeAdministrativEnhetExact", o.ExcludeAdministrativEnhetExact)
	add("tittel", o.Tittel)
	add("korrespondansepartNavn", o.KorrespondansepartNavn)
	add("skjermingshjemmel", o.Skjermingshjemmel)
	add("saksaar", o.Saksaar)
	add("sakssekvensnummer", o.Sakssekvensnummer)
	add("saksnummer", o.Saksnummer)
	add("journalpostnummer", o.Journalpostnummer)
	add("journalsekvensnummer", o.Journalsekvensnummer)
	add("moetesaksaar", o.Moetesaksaar)
	add("moetesakssekvensnummer", o.Moetesakssekvensnummer)
	add("ids", o.IDs)
	add("externalIds", o.ExternalIDs)
	set("journalenhet", o.Journalenhet)
	if o.Fulltext {
		q.Set("fulltext", "true")
	}
	set("publisertDatoFrom", o.PublisertDatoFrom)
	set("publisertDatoTo", o.PublisertDatoTo)
	set("oppdatertDatoFrom", o.OppdatertDatoFrom)
	set("oppdatertDatoTo", o.OppdatertDatoTo)
	set("journaldatoFrom", o.JournaldatoFrom)
	set("journaldatoTo", o.JournaldatoTo)
	set("dokumentetsDatoFrom", o.DokumentetsDatoFrom)
	set("dokumentetsDatoTo", o.DokumentetsDatoTo)
	set("moetedatoFrom", o.MoetedatoFrom)
	set("moetedatoTo", o.MoetedatoTo)
	set("standardDatoFrom", o.StandardDatoFrom)
	set("standardDatoTo", o.StandardDatoTo)
	return q
}

// SearchPage fetches one page of search hits (GET /search, SearchRoutes_search). Hits mix
// Journalpost, Saksmappe, Moetemappe and Moetesak; each is an Object decoded by its entity.
// For the next page follow Next with NextSearchPage, or pass the cursor from NextCursor as
// SearchOptions.StartingAfter.
func (c *Client) SearchPage(ctx context.Context, opts *SearchOptions) (*Page[Object], error) {
	q, err := opts.query()
	if err != nil {
		return nil, err
	}
	return getPage[Object](ctx, c, c.url(q, "search"))
}

// NextSearchPage fetches the page after p, or nil, nil after the last.
func (c *Client) NextSearchPage(ctx context.Context, p *Page[Object]) (*Page[Object], error) {
	if p == nil || p.Next == "" {
		return nil, nil
	}
	u, err := c.resolve(p.Next)
	if err != nil {
		return nil, err
	}
	return getPage[Object](ctx, c, u)
}

// NextCursor returns the two-value search cursor of the page's next link ([sort value,
// id]), for callers that keep cursors themselves; nil at the end.
func NextCursor(p *Page[Object]) []string {
	if p == nil || p.Next == "" {
		return nil
	}
	u, err := url.Parse(p.Next)
	if err != nil {
		return nil
	}
	return u.Query()["startingAfter"]
}

// Search iterates over every hit of the search, page after page.
func (c *Client) Search(ctx context.Context, opts *SearchOptions) iter.Seq2[*Object, error] {
	return func(yield func(*Object, error) bool) {
		q, err := opts.query()
		if err != nil {
			yield(nil, err)
			return
		}
		walk(ctx, c, c.url(q, "search"), yield)
	}
}
