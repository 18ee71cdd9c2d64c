package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strings"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/ident"
)

// digisosCommand is what every digisos subcommand shares: the FIKS flags and --fiks-org.
type digisosCommand struct {
	ff  fiksFlags
	org *string
}

func (d *digisosCommand) register(fs *flag.FlagSet) {
	d.ff.register(fs)
	d.org = fs.String("fiks-org", "", "the municipality's Fiks organisation id (required)")
}

func (d *digisosCommand) client(e *env) (*digisos.Client, error) {
	if *d.org == "" {
		return nil, usageErr("--fiks-org is required")
	}
	creds, err := fiksCredentials(e, &d.ff.tf)
	if err != nil {
		return nil, err
	}
	base, err := fiksAPIBase(&d.ff.sf)
	if err != nil {
		return nil, err
	}
	c, err := digisos.New(digisos.Options{BaseURL: base, Credentials: creds, FiksOrgID: *d.org, HTTPClient: e.httpClient, UserAgent: "fellesklient-cli"})
	if err != nil {
		var ve *digisos.ValidationError
		if errors.As(err, &ve) {
			return nil, usageErr("--fiks-org: %s", ve.Problem)
		}
		return nil, usageErr("%v", err)
	}
	return c, nil
}

// runDigisosStatus: fellesklient digisos status --fiks-org ORG --digisos-id ID FILE.json
func runDigisosStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient digisos status")
	var d digisosCommand
	d.register(fs)
	id := fs.String("digisos-id", "", "the case's DigisosId (required)")
	fiksioUsage(fs, e, "fellesklient digisos status --fiks-org ORG-ID --digisos-id ID [--json] FILE.json",
		"Replace the case status nav.no shows with FILE.json (digisos-soker.json: the whole history). FILE.json is checked\nagainst NAV's schema first: when it is invalid every problem is printed, nothing is sent, and the exit code is 1.",
		"fellesklient digisos status --fiks-org $ORG --digisos-id $SAK digisos-soker.json")
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 || *id == "" {
		return usageErr("give --digisos-id and one FILE.json")
	}
	b, err := os.ReadFile(files[0])
	if err != nil {
		return ioErr(err)
	}
	if err := digisos.ValidateJSON(b); err != nil {
		var se *digisos.SchemaError
		if errors.As(err, &se) {
			for _, p := range se.Problems {
				fmt.Fprintf(e.stdout, "%s: %s\n", files[0], oneLine(p))
			}
			return noErr(fmt.Errorf("%s does not validate as digisos-soker.json (%d problems); nothing was sent", files[0], len(se.Problems)))
		}
		return ioErr(err)
	}
	var s digisos.Soker
	if err := json.Unmarshal(b, &s); err != nil {
		return noErr(fmt.Errorf("%s: %w", files[0], err))
	}
	c, err := d.client(e)
	if err != nil {
		return err
	}
	if err := c.OppdaterStatus(ctx, *id, &s); err != nil {
		var ve *digisos.ValidationError
		if errors.As(err, &ve) {
			return usageErr("%s", ve.Problem)
		}
		return serviceErr(err)
	}
	if d.ff.of.json {
		return writeJSON(e, map[string]any{"digisosId": *id, "hendelser": len(s.Hendelser)})
	}
	fmt.Fprintf(e.stdout, "status of %s replaced: %d hendelser\n", *id, len(s.Hendelser))
	return nil
}

// runDigisosUpload: fellesklient digisos upload --fiks-org ORG --digisos-id ID FILE...
func runDigisosUpload(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient digisos upload")
	var d digisosCommand
	d.register(fs)
	id := fs.String("digisos-id", "", "the case's DigisosId (required)")
	fiksioUsage(fs, e, "fellesklient digisos upload --fiks-org ORG-ID --digisos-id ID [--json] FILE...",
		"Upload files to the case, each encrypted to Fiks Dokumentlager's certificate as it is sent, and print the\nDokumentInfo list (filnavn, dokumentlagerDokumentId, storrelse) to reference from digisos-soker.json.",
		"fellesklient digisos upload --fiks-org $ORG --digisos-id $SAK --json vedtak.pdf")
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 || *id == "" {
		return usageErr("give --digisos-id and at least one FILE")
	}
	var filer []digisos.Fil
	for _, p := range files {
		st, err := os.Stat(p)
		if err != nil {
			return ioErr(err)
		}
		if !st.Mode().IsRegular() {
			return usageErr("%s is not a file", p)
		}
		path := p
		filer = append(filer, digisos.Fil{Filnavn: filepath.Base(p), Mimetype: mimeOf(p), Storrelse: st.Size(),
			Open: func() (io.ReadCloser, error) { return os.Open(path) }})
	}
	c, err := d.client(e)
	if err != nil {
		return err
	}
	info, err := c.LastOpp(ctx, *id, filer...)
	if err != nil {
		var ve *digisos.ValidationError
		if errors.As(err, &ve) {
			return usageErr("%s: %s", ve.Field, ve.Problem)
		}
		return serviceErr(err)
	}
	if d.ff.of.json {
		return writeJSON(e, info)
	}
	for _, i := range info {
		fmt.Fprintf(e.stdout, "%s  %s  %d bytes\n", i.DokumentlagerDokumentID, i.Filnavn, i.Storrelse)
	}
	return nil
}

// mimeOf is a file's MIME type by its extension (application/octet-stream when unknown).
func mimeOf(path string) string {
	if mt := mime.TypeByExtension(strings.ToLower(filepath.Ext(path))); mt != "" {
		return mt
	}
	return "application/octet-stream"
}

// runDigisosNy: fellesklient digisos ny --fiks-org ORG --soker-fnr FNR
func runDigisosNy(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient digisos ny")
	var d digisosCommand
	d.register(fs)
	fnr := fs.String("soker-fnr", "", "the applicant's fødselsnummer (required)")
	fiksioUsage(fs, e, "fellesklient digisos ny --fiks-org ORG-ID --soker-fnr FNR [--json]",
		"Create a case for an application that did not come through nav.no (a paper application) and print its DigisosId.",
		"fellesklient digisos ny --fiks-org $ORG --soker-fnr 13097248022")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	nr, err := ident.ParseFoedselsnummer(*fnr)
	if err != nil {
		return usageErr("--soker-fnr: %v", err)
	}
	c, err := d.client(e)
	if err != nil {
		return err
	}
	id, err := c.Ny(ctx, nr)
	if err != nil {
		return serviceErr(err)
	}
	if d.ff.of.json {
		return writeJSON(e, map[string]string{"digisosId": id})
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}
