package main

import (
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

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

// from reports a new stream's bytes on top of what the bar shows now.
func (b *bar) from() progress.Func {
	base := b.b.State().CurrentNum
	return func(n int64) { _ = b.b.Set64(base + n) }
}

// readCloser is reader for an io.ReadCloser; Close closes rc.
func (b *bar) readCloser(rc io.ReadCloser) io.ReadCloser {
	if b.b == nil {
		return rc
	}
	return progress.ReadCloser(rc, b.from())
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
