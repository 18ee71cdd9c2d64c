package minside

import (
	"context"
	"iter"
)

// ReindexResult sums a replay.
type ReindexResult struct {
	// Meldinger is how many meldinger the source gave and were indexed or blocked.
	Meldinger       int
	Opprettet       int
	Oppdatert       int
	ManglerSamtykke int
	// MeldingerUtenSamtykke are the ids Innsyn blocked for lack of consent.
	MeldingerUtenSamtykke []string
	// Requests is the number of index requests answered 200.
	Requests int
}

// Reindex replays everything the caller's source holds into Innsyn, treating Innsyn as
// the cache KS says it is: source yields every melding (from the fagsystem's own records,
// each with the melding id it was first indexed under), Reindex indexes them in requests
// of Options.BatchSize as they come, holding one batch in memory. Because a melding id
// overwrites, running it again, or after a failure, from the start, is safe: nothing is
// duplicated. Meldinger whose versjon changed are upgraded in place.
//
// A melding the source yields with an error, or one the schema refuses, stops the replay
// before its batch is sent; a request that fails (after Index's retries) stops it too. The
// result counts what was done before.
//
//	res, err := c.Reindex(ctx, func(yield func(minside.Melding, error) bool) {
//		for rows.Next() {
//			if !yield(meldingFrom(rows)) {
//				return
//			}
//		}
//		if err := rows.Err(); err != nil {
//			yield(minside.Melding{}, err)
//		}
//	})
func (c *Client) Reindex(ctx context.Context, source iter.Seq2[Melding, error]) (*ReindexResult, error) {
	res := &ReindexResult{}
	batch := make([]Melding, 0, c.batch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		r, err := c.Index(ctx, batch)
		if r != nil {
			res.Requests += r.Requests
			res.Opprettet += r.Opprettet
			res.Oppdatert += r.Oppdatert
			res.ManglerSamtykke += r.ManglerSamtykke
			res.MeldingerUtenSamtykke = append(res.MeldingerUtenSamtykke, r.MeldingerUtenSamtykke...)
			for _, m := range r.Meldinger {
				if m.Status != IkkeIndeksert {
					res.Meldinger++
				}
			}
		}
		batch = batch[:0]
		return err
	}
	for m, err := range source {
		if err != nil {
			return res, err
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		batch = append(batch, m)
		if len(batch) == c.batch {
			if err := flush(); err != nil {
				return res, err
			}
		}
	}
	return res, flush()
}
