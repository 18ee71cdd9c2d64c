package noark5test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/arkivuttrekk"
	"github.com/fellesklient/fellesklient/progress"
)

// UttrekkOptions tune Uttrekk.
type UttrekkOptions struct {
	// Skjemaer holds the v5.0 XSDs to copy into the package (arkivuttrekk.Options.Skjemaer);
	// nil: the official ones the module embeds.
	Skjemaer fs.FS
	// UtenSkjemaer leaves the XSDs out: the package is then not ready for deposit.
	UtenSkjemaer bool
	// OnProgress is called with the journalposter written so far (arkivuttrekk.Options.OnProgress).
	OnProgress progress.Func
}

// Uttrekk writes a realistic synthetic deposit of n journalposter into dir, with documents,
// an endringslogg and both journals: for load tests and demonstrations. It stops with
// ctx's error when ctx ends; the partial folder is then the caller's to remove.
func Uttrekk(ctx context.Context, dir string, n int, opts *UttrekkOptions) (*arkivuttrekk.Result, error) {
	if opts == nil {
		opts = &UttrekkOptions{}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	u, err := arkivuttrekk.New(arkivuttrekk.Options{Dir: dir, Skjemaer: opts.Skjemaer, UtenSkjemaer: opts.UtenSkjemaer, Journaler: true, SystemNavn: "fellesklient demo-uttrekk",
		ArkivNavn: "Testkommune sakarkiv", SystemType: "Sakarkiv (Noark-5)", OnProgress: opts.OnProgress,
		Dokumenter: func(ref string) (io.ReadCloser, error) {
			num, ok := strings.CutSuffix(path.Base(ref), ".pdf")
			i, err := strconv.Atoi(num)
			if !ok || err != nil || Ref(i) != ref {
				return nil, fmt.Errorf("no demo file %s", ref)
			}
			return io.NopCloser(bytes.NewReader(File(i))), nil
		}})
	if err != nil {
		return nil, err
	}
	sink := &demoSink{Uttrekk: u, ctx: ctx}
	if err := Write(sink, Options{Registreringer: n, Dokumenter: true}); err != nil {
		u.Close()
		return nil, err
	}
	return u.Close()
}

// demoSink adds an endring for every 50th journalpost: its status went from Ekspedert
// to Arkivert when the case was closed.
type demoSink struct {
	*arkivuttrekk.Uttrekk
	ctx context.Context
	n   int
}

func (s *demoSink) Registrering(r *noark5.Registrering) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	if err := s.Uttrekk.Registrering(r); err != nil {
		return err
	}
	if s.n++; s.n%50 == 1 {
		return s.Endring(arkivuttrekk.Endring{ReferanseArkivenhet: r.SystemID.ID, ReferanseMetadata: "journalstatus",
			EndretDato: noark5.Tid(r.ArkivertDato.Add(24 * time.Hour)), EndretAv: "arkivar", TidligereVerdi: "Ekspedert", NyVerdi: "Arkivert"})
	}
	return nil
}
