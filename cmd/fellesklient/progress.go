package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/progress"
)

// bar is a progress bar on stderr, or nothing: it is drawn only when stderr is a terminal
// and the command was not given --quiet.
type bar struct{ b *progressbar.ProgressBar }

// newBar starts a bar for total bytes (-1: unknown) or, with count, total items.
func newBar(e *env, quiet bool, total int64, desc string, count bool) *bar {
	if quiet || !e.stderrTTY {
		return &bar{}
	}
	opts := []progressbar.Option{progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription(desc),
		progressbar.OptionThrottle(100 * time.Millisecond), progressbar.OptionShowElapsedTimeOnFinish(), progressbar.OptionSetPredictTime(true),
		progressbar.OptionOnCompletion(func() { _, _ = io.WriteString(e.stderr, "\n") })}
	if count {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionShowIts())
	} else {
		opts = append(opts, progressbar.OptionShowBytes(true))
	}
	return &bar{progressbar.NewOptions64(total, opts...)}
}

// reader reports what r reads to the bar.
func (b *bar) reader(r io.Reader) io.Reader {
	if b.b == nil {
		return r
	}
	return progress.Reader(r, b.from())
}

// from reports a stream's bytes on top of what the bar shows, as increments, so that
// streams read at the same time add up. A stream read again from its start (a retried
// upload given the same func) moves the bar back by what it had counted.
func (b *bar) from() progress.Func {
	var prev int64
	return func(n int64) {
		_ = b.b.Add64(n - prev)
		prev = n
	}
}

// readCloser is reader for an io.ReadCloser; Close closes rc.
func (b *bar) readCloser(rc io.ReadCloser) io.ReadCloser {
	if b.b == nil {
		return rc
	}
	return progress.ReadCloser(rc, b.from())
}

// set is a progress.Func that shows its count as the bar's position; nil without a bar
// (so a library skips the calls).
func (b *bar) set() progress.Func {
	if b.b == nil {
		return nil
	}
	return func(n int64) { _ = b.b.Set64(n) }
}

// file is a FIKS IO file read from path, its bytes shown on the bar; one progress
// func across the attempts, so a resend does not count twice.
func (b *bar) file(navn, path string) fiksio.Fil {
	if b.b == nil {
		return fiksio.Path(navn, path)
	}
	fn := b.from()
	return fiksio.Fil{Navn: navn, Open: func() (io.ReadCloser, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		return progress.ReadCloser(f, fn), nil
	}}
}

// add counts n items (or bytes).
func (b *bar) add(n int) {
	if b.b != nil {
		_ = b.b.Add(n)
	}
}

// done finishes the bar.
func (b *bar) done() {
	if b.b != nil {
		_ = b.b.Finish()
	}
}
