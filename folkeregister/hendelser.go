package folkeregister

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Hendelse is one event of the feed (hendelsesliste): something changed for a person.
// Look the person up (Person, or the versioned Persondokument) to see what.
type Hendelse struct {
	Sekvensnummer              int64         `json:"sekvensnummer"`
	Folkeregisteridentifikator Identifikator `json:"folkeregisteridentifikator"`
	// Hendelsetype, for example "personErDoed", "flytting", "endringINavn" (the feed
	// spells it hendelsetype; the event document's Hendelsestype has the same values).
	Hendelsetype string `json:"hendelsetype"`
	// Hendelsesdokument is the id of the event document.
	Hendelsesdokument string `json:"hendelsesdokument,omitempty"`
	// Persondokument is the id of the person document as it was after the event.
	Persondokument      string    `json:"persondokument,omitempty"`
	Ajourholdstidspunkt Tidspunkt `json:"ajourholdstidspunkt,omitzero"`
}

// feedEntry is LagretHendelseMedDokumentIdentifikatorer of FREG's OpenAPI v1.5.
type feedEntry struct {
	Sekvensnummer int64             `json:"sekvensnummer"`
	Hendelse      feedEntryHendelse `json:"hendelse"`
}

// feedEntryHendelse is HendelseMedDokumentIdentifikatorer: the feed spells the type
// "hendelsetype" (the event document: "hendelsestype").
type feedEntryHendelse struct {
	Folkeregisteridentifikator Identifikator `json:"folkeregisteridentifikator"`
	Hendelsetype               string        `json:"hendelsetype"`
	Hendelsesdokument          string        `json:"hendelsesdokument"`
	Persondokument             string        `json:"persondokument"`
	Ajourholdstidspunkt        Tidspunkt     `json:"ajourholdstidspunkt"`
}

// UnmarshalJSON reads the feed's hendelsetype, and hendelsestype from a server that
// spells it as the event document does.
func (h *feedEntryHendelse) UnmarshalJSON(b []byte) error {
	type plain feedEntryHendelse
	var j struct {
		plain
		Hendelsestype string `json:"hendelsestype"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*h = feedEntryHendelse(j.plain)
	if h.Hendelsetype == "" {
		h.Hendelsetype = j.Hendelsestype
	}
	return nil
}

// Hendelsesdokument is an event document (schema DokumentForHendelse): what an event
// changed, element by element. Get it with Client.Hendelsesdokument by a feed entry's
// Hendelsesdokument id.
type Hendelsesdokument struct {
	Dokumentidentifikator string        `json:"dokumentidentifikator"`
	Skjemaversjon         string        `json:"skjemaversjon"`
	Hendelse              Hendelsesdata `json:"hendelse"`
}

// Hendelsesdata is the event itself (schema hendelse.v1.Hendelse).
type Hendelsesdata struct {
	Folkeregisteridentifikator Identifikator `json:"folkeregisteridentifikator"`
	// Hendelsestype, for example "personErDoed", "endringINavn" (a closed list in FREG's
	// OpenAPI; values added later are kept as sent).
	Hendelsestype       string    `json:"hendelsestype"`
	Ajourholdstidspunkt Tidspunkt `json:"ajourholdstidspunkt,omitzero"`
	HendelsesaarsakIDsf string    `json:"hendelsesaarsakIDsf,omitempty"`
	// Egenskapshendelse are the changed elements.
	Egenskapshendelse []Registerdata `json:"egenskapshendelse,omitempty"`
}

// Registerdata is one changed element: Entitet names it (the element's name in the person
// document, "navn", "bostedsadresse", ...), Entitetsendring says how (registrereNy,
// korrigere, annullere, korrigereHistorisk), and the field of that name holds the value.
type Registerdata struct {
	Entitet         string `json:"entitet"`
	Entitetsendring string `json:"entitetsendring"`

	Identifikasjonsnummer                        *Identifikasjonsnummer          `json:"identifikasjonsnummer,omitempty"`
	Status                                       *Personstatus                   `json:"status,omitempty"`
	Navn                                         *Navn                           `json:"navn,omitempty"`
	Foedsel                                      *Foedsel                        `json:"foedsel,omitempty"`
	FoedselINorge                                *FoedselINorge                  `json:"foedselINorge,omitempty"`
	Kjoenn                                       *Kjoenn                         `json:"kjoenn,omitempty"`
	Doedsfall                                    *Doedsfall                      `json:"doedsfall,omitempty"`
	Sivilstand                                   *Sivilstand                     `json:"sivilstand,omitempty"`
	Statsborgerskap                              *Statsborgerskap                `json:"statsborgerskap,omitempty"`
	Bibehold                                     *BibeholdAvNorskStatsborgerskap `json:"bibehold,omitempty"`
	Bostedsadresse                               *Bostedsadresse                 `json:"bostedsadresse,omitempty"`
	DeltBosted                                   *DeltBosted                     `json:"deltBosted,omitempty"`
	Oppholdsadresse                              *Oppholdsadresse                `json:"oppholdsadresse,omitempty"`
	Postadresse                                  *Postadresse                    `json:"postadresse,omitempty"`
	PostadresseIUtlandet                         *PostadresseIUtlandet           `json:"postadresseIUtlandet,omitempty"`
	Adressebeskyttelse                           *Adressebeskyttelse             `json:"adressebeskyttelse,omitempty"`
	Familierelasjon                              *Familierelasjon                `json:"familierelasjon,omitempty"`
	Foreldreansvar                               *Foreldreansvar                 `json:"foreldreansvar,omitempty"`
	VergemaalEllerFremtidsfullmakt               *Vergemaal                      `json:"vergemaalEllerFremtidsfullmakt,omitempty"`
	Identitetsgrunnlag                           *IdentitetsgrunnlagEndring      `json:"identitetsgrunnlag,omitempty"`
	FalskIdentitet                               *FalskIdentitet                 `json:"falskIdentitet,omitempty"`
	Legitimasjonsdokument                        *Legitimasjonsdokument          `json:"legitimasjonsdokument,omitempty"`
	UtenlandskPersonidentifikasjon               *Personidentifikasjon           `json:"utenlandskPersonidentifikasjon,omitempty"`
	UtlendingsmyndighetenesIdentifikasjonsnummer *Personidentifikasjon           `json:"utlendingsmyndighetenesIdentifikasjonsnummer,omitempty"`
	Innflytting                                  *Innflytting                    `json:"innflytting,omitempty"`
	Utflytting                                   *Utflytting                     `json:"utflytting,omitempty"`
	Opphold                                      *Opphold                        `json:"opphold,omitempty"`
	OppholdPaaSvalbard                           *OppholdPaaSvalbard             `json:"oppholdPaaSvalbard,omitempty"`
	KontaktinformasjonForDoedsbo                 *KontaktinformasjonForDoedsbo   `json:"kontaktinformasjonForDoedsbo,omitempty"`
	ForholdTilSametingetsValgmanntall            *SametingetsValgmanntall        `json:"forholdTilSametingetsValgmanntall,omitempty"`
	BrukAvSamiskSpraak                           *SamiskSpraak                   `json:"brukAvSamiskSpraak,omitempty"`
}

// Batch is one page of the feed.
type Batch struct {
	// From is the sequence number the page was read from.
	From int64
	// Hendelser in sequence order, all with Sekvensnummer >= From.
	Hendelser []Hendelse
	// Next is where to read next: one past the last event, or From for an empty page.
	// Persist it once the batch is handled; reading from it later neither skips nor
	// repeats an event.
	Next int64
}

// FeedOptions configure reading the feed.
type FeedOptions struct {
	// Rolle overrides Options.Rolle.
	Rolle string
	// Poll, when positive, makes Hendelser wait this long and read again when it has
	// caught up, until ctx ends. Zero: stop when caught up.
	Poll time.Duration
}

// HendelserPage reads one page of the feed from sekvensnummer fra: GET
// .../v1/hendelser/feed?seq={fra} (FREG hendelsesliste; FREG's page is 1000 events).
// Events before fra that a server returns anyway are dropped, and the page must be in
// increasing order, so Next never moves backwards.
func (c *Client) HendelserPage(ctx context.Context, fra int64, opts *FeedOptions) (*Batch, error) {
	const op = "folkeregister.Hendelser"
	rolle, err := c.feedRolle(op, opts)
	if err != nil {
		return nil, err
	}
	if fra < 0 {
		return nil, &ValidationError{Op: op, Field: "fra", Problem: "a sequence number is not negative"}
	}
	u := c.url(rolle, "v1/hendelser/feed", url.Values{"seq": {strconv.FormatInt(fra, 10)}})
	var entries []feedEntry
	if err := c.get(ctx, op, u, MaxFeedBytes, func(b []byte) error { return json.Unmarshal(b, &entries) }); err != nil {
		return nil, err
	}
	b := &Batch{From: fra, Next: fra, Hendelser: make([]Hendelse, 0, len(entries))}
	for _, e := range entries {
		if e.Sekvensnummer < b.Next {
			continue // already delivered (or before fra): never twice
		}
		b.Hendelser = append(b.Hendelser, Hendelse{
			Sekvensnummer:              e.Sekvensnummer,
			Folkeregisteridentifikator: e.Hendelse.Folkeregisteridentifikator,
			Hendelsetype:               e.Hendelse.Hendelsetype,
			Hendelsesdokument:          e.Hendelse.Hendelsesdokument,
			Persondokument:             e.Hendelse.Persondokument,
			Ajourholdstidspunkt:        e.Hendelse.Ajourholdstidspunkt,
		})
		b.Next = e.Sekvensnummer + 1
	}
	return b, nil
}

// Hendelser follows the feed from fra, one batch at a time. The next page is read only
// when the loop body asks for it, so a batch is handed over before the position advances:
//
//	for b, err := range c.Hendelser(ctx, saved, nil) {
//		if err != nil {
//			return err // resume later from saved
//		}
//		handle(b.Hendelser)
//		saved = b.Next // persist
//	}
//
// It stops after the first error (the failed page is not skipped: resume from the last
// Next), when caught up (unless opts.Poll is set), or when the body breaks.
func (c *Client) Hendelser(ctx context.Context, fra int64, opts *FeedOptions) iter.Seq2[*Batch, error] {
	return func(yield func(*Batch, error) bool) {
		pos := fra
		for {
			b, err := c.HendelserPage(ctx, pos, opts)
			if err != nil {
				yield(nil, err)
				return
			}
			if len(b.Hendelser) == 0 {
				if opts == nil || opts.Poll <= 0 {
					return
				}
				t := time.NewTimer(opts.Poll)
				select {
				case <-ctx.Done():
					t.Stop()
					yield(nil, ctx.Err())
					return
				case <-t.C:
				}
				continue
			}
			if !yield(b, nil) {
				return
			}
			pos = b.Next
		}
	}
}

type sekvensnummerResponse struct {
	Sekvensnummer int64 `json:"sekvensnummer"`
}

// SisteSekvensnummer returns the sequence number of the newest event in the feed: GET
// .../v1/hendelser/siste/sekvensnummer (FREG sisteSekvensnummerIFeed). A consumer that
// starts following the feed today, after a full extraction, starts from it plus one.
func (c *Client) SisteSekvensnummer(ctx context.Context, opts *FeedOptions) (int64, error) {
	const op = "folkeregister.SisteSekvensnummer"
	rolle, err := c.feedRolle(op, opts)
	if err != nil {
		return 0, err
	}
	var r sekvensnummerResponse
	err = c.get(ctx, op, c.url(rolle, "v1/hendelser/siste/sekvensnummer", nil), MaxPersonBytes, func(b []byte) error {
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		if _, ok := raw["sekvensnummer"]; !ok {
			return errors.New("the answer has no sekvensnummer")
		}
		return json.Unmarshal(b, &r)
	})
	if err != nil {
		return 0, err
	}
	if r.Sekvensnummer < 0 {
		return 0, fmt.Errorf("%s: the answer's sekvensnummer %d is negative", op, r.Sekvensnummer)
	}
	return r.Sekvensnummer, nil
}

func (c *Client) feedRolle(op string, opts *FeedOptions) (string, error) {
	var po *PersonOptions
	if opts != nil {
		po = &PersonOptions{Rolle: opts.Rolle}
	}
	rolle, _, err := c.rolleFor(op, po)
	return rolle, err
}

// Hendelsesdokument returns one event document by its id (a feed entry's
// Hendelsesdokument): GET .../v1/hendelser/{hendelsesidentifikator} (FREG
// hentHendelseDokument).
func (c *Client) Hendelsesdokument(ctx context.Context, id string, opts *FeedOptions) (*Hendelsesdokument, error) {
	const op = "folkeregister.Hendelsesdokument"
	if err := checkDocumentID(op, "id", id); err != nil {
		return nil, err
	}
	rolle, err := c.feedRolle(op, opts)
	if err != nil {
		return nil, err
	}
	var d Hendelsesdokument
	if err := c.get(ctx, op, c.url(rolle, "v1/hendelser/"+url.PathEscape(id), nil), MaxPersonBytes, func(b []byte) error { return json.Unmarshal(b, &d) }); err != nil {
		return nil, err
	}
	return &d, nil
}

type hendelseBulkRequest struct {
	Dokumentidentifikator []string `json:"dokumentidentifikator"`
}

// Hendelsesdokumenter returns many event documents: POST .../v1/hendelser/bulkoppslag
// (FREG hentHendelseDokumenter), in calls of Options.BulkSize ids. FREG's OpenAPI gives
// the answer as one DokumentForHendelse; a list of them is read too. The documents come
// in FREG's order; ids FREG does not know are left out.
func (c *Client) Hendelsesdokumenter(ctx context.Context, ids []string, opts *FeedOptions) ([]Hendelsesdokument, error) {
	const op = "folkeregister.Hendelsesdokumenter"
	for i, id := range ids {
		if err := checkDocumentID(op, fmt.Sprintf("ids[%d]", i), id); err != nil {
			return nil, err
		}
	}
	rolle, err := c.feedRolle(op, opts)
	if err != nil {
		return nil, err
	}
	u := c.url(rolle, "v1/hendelser/bulkoppslag", nil)
	var out []Hendelsesdokument
	for start := 0; start < len(ids); start += c.bulkSize {
		body, err := json.Marshal(hendelseBulkRequest{Dokumentidentifikator: ids[start:min(start+c.bulkSize, len(ids))]})
		if err != nil {
			return nil, err
		}
		_, err = c.do(ctx, op, http.MethodPost, u, nil, body, MaxBulkBytes, func(b []byte) error {
			b = bytes.TrimSpace(b)
			if len(b) > 0 && b[0] == '[' {
				var list []Hendelsesdokument
				err := json.Unmarshal(b, &list)
				out = append(out, list...)
				return err
			}
			var d Hendelsesdokument
			if err := json.Unmarshal(b, &d); err != nil {
				return err
			}
			if d.Dokumentidentifikator != "" || d.Hendelse.Hendelsestype != "" {
				out = append(out, d)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
