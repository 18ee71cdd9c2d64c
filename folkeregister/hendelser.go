package folkeregister

import (
	"context"
	"encoding/json"
	"iter"
	"net/url"
	"strconv"
	"time"
)

// Hendelse is one event of the feed (hendelsesliste): something changed for a person.
// Look the person up (Person, or the versioned Persondokument) to see what.
type Hendelse struct {
	Sekvensnummer              int64         `json:"sekvensnummer"`
	Folkeregisteridentifikator Identifikator `json:"folkeregisteridentifikator"`
	// Hendelsestype, for example "doedsfall", "flytting", "endringINavn".
	Hendelsestype string `json:"hendelsestype"`
	// Hendelsesdokument is the id of the event document.
	Hendelsesdokument string `json:"hendelsesdokument,omitempty"`
	// Persondokument is the id of the person document as it was after the event.
	Persondokument      string    `json:"persondokument,omitempty"`
	Ajourholdstidspunkt Tidspunkt `json:"ajourholdstidspunkt,omitzero"`
}

type feedEntry struct {
	Sekvensnummer int64 `json:"sekvensnummer"`
	Hendelse      struct {
		Folkeregisteridentifikator Identifikator `json:"folkeregisteridentifikator"`
		Hendelsestype              string        `json:"hendelsestype"`
		Hendelsesdokument          string        `json:"hendelsesdokument"`
		Persondokument             string        `json:"persondokument"`
		Ajourholdstidspunkt        Tidspunkt     `json:"ajourholdstidspunkt"`
	} `json:"hendelse"`
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
	var po *PersonOptions
	if opts != nil {
		po = &PersonOptions{Rolle: opts.Rolle}
	}
	rolle, _, err := c.rolleFor(op, po)
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
			Hendelsestype:              e.Hendelse.Hendelsestype,
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
