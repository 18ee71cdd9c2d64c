package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fellesklient/fellesklient/ident"
)

// runID: fellesklient id VALUE... — one line per value with its kind or why it is
// invalid. Identity numbers are printed masked; an invalid value is referred to by its
// position, never echoed. Exit 0 when all are valid, 1 when any is not.
func runID(_ context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient id")
	var of outputFlags
	of.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageErr("usage: fellesklient id [--json] VALUE...")
	}
	type line struct {
		Value  string `json:"value"`
		Kind   string `json:"kind,omitempty"`
		Valid  bool   `json:"valid"`
		Reason string `json:"reason,omitempty"`
	}
	var lines []line
	invalid := 0
	for i, v := range fs.Args() {
		l := line{Value: fmt.Sprintf("#%d", i+1)}
		kind, err := ident.Identify(v)
		if err != nil {
			invalid++
			var pe *ident.ParseError
			if errors.As(err, &pe) {
				l.Reason = string(pe.Kind) + ": " + pe.Reason
			} else {
				l.Reason = err.Error()
			}
		} else {
			l.Valid, l.Kind = true, string(kind)
			if kind == ident.KindOrganisasjonsnummer {
				l.Value = strings.ReplaceAll(v, " ", "")
			} else {
				l.Value = ident.MustParseFoedselsnummer(v).String()
			}
		}
		lines = append(lines, l)
	}
	if of.json {
		for _, l := range lines {
			if err := writeJSONLine(e, l); err != nil {
				return err
			}
		}
	} else {
		for _, l := range lines {
			if l.Valid {
				fmt.Fprintf(e.stdout, "%s\t%s\n", l.Value, l.Kind)
			} else {
				fmt.Fprintf(e.stdout, "%s\tinvalid: %s\n", l.Value, l.Reason)
			}
		}
	}
	if invalid > 0 {
		return &exitError{code: exitNo, err: fmt.Errorf("%d of %d values are invalid", invalid, len(lines))}
	}
	return nil
}
