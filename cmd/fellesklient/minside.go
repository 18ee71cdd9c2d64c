package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/edialog"
	"github.com/fellesklient/fellesklient/fiks/minside"
)

// fiksAPIBase is the FIKS API host (Folkeregister, FIKS IO, Digisos, Min side, eDialog)
// the service flags select.
func fiksAPIBase(sf *serviceFlags) (string, error) {
	test, _ := fiks.Test.Endpoints()
	prod, _ := fiks.Prod.Endpoints()
	return sf.resolve(test.API, prod.API)
}

// minsideCommand is what both minside subcommands share: the FIKS flags and --fiks-org.
type minsideCommand struct {
	ff  fiksFlags
	org *string
}

func (m *minsideCommand) register(fs *flag.FlagSet) {
	m.ff.register(fs)
	m.org = fs.String("fiks-org", "", "the Fiks organisation id (UUID) the meldinger belong to (required)")
}

func (m *minsideCommand) client(e *env) (*minside.Client, error) {
	if uuid.Validate(*m.org) != nil {
		return nil, usageErr("--fiks-org: the Fiks organisation id, a UUID, is required")
	}
	creds, err := fiksCredentials(e, &m.ff.tf)
	if err != nil {
		return nil, err
	}
	base, err := fiksAPIBase(&m.ff.sf)
	if err != nil {
		return nil, err
	}
	c, err := minside.New(minside.Options{BaseURL: base, Credentials: creds, FiksOrgID: *m.org, HTTPClient: e.httpClient, UserAgent: "fellesklient-cli"})
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return c, nil
}

func versjonList() string {
	var vs []string
	for _, v := range minside.Versjoner() {
		vs = append(vs, string(v))
	}
	return strings.Join(vs, ", ")
}

// runMinsideIndex: fellesklient minside index --fiks-org ORG --versjon V --eksponert-for
// (FNR|ORGNR|MATRIKKEL|offentlig) --metadata FILE.json [--melding-id UUID] [--ekstern-ref REF] [--niva N]
func runMinsideIndex(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient minside index")
	var m minsideCommand
	m.register(fs)
	versjon := fs.String("versjon", "", "the metadata's versjon: "+versjonList()+" (required)")
	eksponert := fs.String("eksponert-for", "", "who sees it: a fødselsnummer, an organisasjonsnummer, a matrikkelnummer (0301-207/46/0/0) or offentlig (required)")
	metadata := fs.String("metadata", "", "the melding's metadata, a JSON file valid against the versjon's schema (required)")
	meldingID := fs.String("melding-id", "", "the melding's id (UUID); the same id overwrites (default: a new one, printed)")
	eksternRef := fs.String("ekstern-ref", "", "a group reference, for minside slett --ekstern-ref")
	niva := fs.Int("niva", 4, "login level needed to see it (3 or 4)")
	fiksioUsage(fs, e, "fellesklient minside index --fiks-org ORG-ID --versjon VERSJON --eksponert-for (FNR|ORGNR|MATRIKKEL|offentlig) --metadata FILE.json [--melding-id UUID] [--ekstern-ref REF] [--niva N] [--json]",
		"Index one melding in Fiks Innsyn, shown on Min side. FILE.json is checked against the versjon's JSON Schema\nfirst: when it is invalid every problem is printed with its JSON pointer, nothing is sent, and the exit code is 1.\nThe integrasjon needs the privilege \"Innsyn Index\" on the organisation.",
		"fellesklient minside index --fiks-org $ORG --versjon JOURNALPOST_V1 --eksponert-for 13097248022 --metadata vedtak.json")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q (the metadata file goes in --metadata)", fs.Arg(0))
	}
	v := minside.Versjon(strings.ToUpper(*versjon))
	switch {
	case *versjon == "":
		return usageErr("--versjon is required (%s)", versjonList())
	case !v.Known():
		return usageErr("--versjon %q is not one Innsyn knows (%s)", *versjon, versjonList())
	case *metadata == "":
		return usageErr("--metadata FILE.json is required")
	case *meldingID != "" && uuid.Validate(*meldingID) != nil:
		return usageErr("--melding-id: a UUID")
	}
	ef, err := minside.ParseEksponertFor(*eksponert)
	if err != nil {
		return usageErr("--eksponert-for: %v", err)
	}
	b, err := os.ReadFile(*metadata)
	if err != nil {
		return ioErr(err)
	}
	if err := minside.ValidateMetadata(v, b); err != nil {
		var se *minside.SchemaError
		if errors.As(err, &se) {
			for _, p := range se.Problems {
				fmt.Fprintf(e.stdout, "%s: %s\n", *metadata, oneLine(p))
			}
			return noErr(fmt.Errorf("%s does not validate as %s (%d problems); nothing was sent", *metadata, v, len(se.Problems)))
		}
		return ioErr(err)
	}
	id := *meldingID
	if id == "" {
		id = uuid.NewString()
	}
	c, err := m.client(e)
	if err != nil {
		return err
	}
	res, err := c.Index(ctx, []minside.Melding{{MeldingID: id, Sikkerhetsniva: *niva, EksponertFor: ef, EksternRef: *eksternRef,
		Metadata: minside.RawMetadata{V: v, JSON: b}}})
	if err != nil {
		return clientErr(err)
	}
	status := res.Meldinger[0].Status
	if m.ff.of.json {
		if err := writeJSON(e, map[string]any{"meldingId": id, "versjon": v, "status": status, "opprettet": res.Opprettet,
			"oppdatert": res.Oppdatert, "manglerSamtykke": res.ManglerSamtykke}); err != nil {
			return err
		}
	} else {
		what := "created"
		switch {
		case res.Oppdatert > 0:
			what = "updated"
		case status == minside.ManglerSamtykke:
			what = "blocked: the person has not consented to Fiks Innsyn"
		}
		fmt.Fprintf(e.stdout, "%s %s: %s\n", id, v, what)
	}
	if status == minside.ManglerSamtykke {
		return noErr(errors.New("the melding was not indexed: the person it is exposed for has not consented (manglerSamtykke)"))
	}
	return nil
}

// runMinsideSlett: fellesklient minside slett --fiks-org ORG (--melding-id ID... --versjon V |
// --ekstern-ref REF --versjon V)
func runMinsideSlett(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient minside slett")
	var m minsideCommand
	m.register(fs)
	var ids multiFlag
	fs.Var(&ids, "melding-id", "a melding id to delete (repeatable)")
	eksternRef := fs.String("ekstern-ref", "", "delete every melding of --versjon with this ekstern-ref (asynchronous)")
	versjon := fs.String("versjon", "", "the meldinger's versjon: "+versjonList()+" (required)")
	fiksioUsage(fs, e, "fellesklient minside slett --fiks-org ORG-ID --versjon VERSJON (--melding-id ID... | --ekstern-ref REF) [--json]",
		"Delete meldinger this integrasjon indexed: by id (synchronous; prints how many Innsyn deleted), or every\nmelding of the versjon with an ekstern-ref (Innsyn deletes them in the background).",
		"fellesklient minside slett --fiks-org $ORG --versjon JOURNALPOST_V1 --melding-id 02ba5fc7-f36e-4e01-9ca2-c9ed5b9ea10b")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v := minside.Versjon(strings.ToUpper(*versjon))
	switch {
	case !v.Known():
		return usageErr("--versjon is required (%s)", versjonList())
	case len(ids) == 0 && *eksternRef == "":
		return usageErr("give --melding-id ID (repeatable) or --ekstern-ref REF")
	case len(ids) > 0 && *eksternRef != "":
		return usageErr("give --melding-id or --ekstern-ref, not both")
	}
	c, err := m.client(e)
	if err != nil {
		return err
	}
	if *eksternRef != "" {
		if err := c.SlettEksternRef(ctx, "", v, *eksternRef); err != nil {
			return clientErr(err)
		}
		if m.ff.of.json {
			return writeJSON(e, map[string]any{"versjon": v, "eksternRef": *eksternRef, "status": "STARTED"})
		}
		fmt.Fprintf(e.stdout, "deleting every %s with ekstern-ref %q (Innsyn does it in the background)\n", v, *eksternRef)
		return nil
	}
	var del []minside.SlettMelding
	for _, id := range ids {
		del = append(del, minside.SlettMelding{MeldingID: id, Versjon: v})
	}
	n, err := c.Slett(ctx, del)
	if err != nil {
		return clientErr(err)
	}
	if m.ff.of.json {
		return writeJSON(e, map[string]any{"versjon": v, "antallSlettet": n})
	}
	fmt.Fprintf(e.stdout, "%d of %d deleted\n", n, len(del))
	return nil
}

// clientErr is a *ValidationError as a usage error naming what is wrong, anything else
// as serviceErr.
func clientErr(err error) error {
	var ve *fiks.ValidationError
	if errors.As(err, &ve) {
		return usageErr("%s: %s", ve.Field, ve.Problem)
	}
	return serviceErr(err)
}

// runEdialogSend: fellesklient edialog send --mottaker ID --tittel T --melding TEXT
// [--sensitivt] --avsender-navn N (--avsender-fnr F | --avsender-orgnr O) FILE...
func runEdialogSend(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient edialog send")
	var ff fiksFlags
	ff.register(fs)
	mottaker := fs.String("mottaker", "", "the eDialog mottaker's id (a UUID from eDialog's mottaker administration, not an organisasjonsnummer) (required)")
	mottakerNavn := fs.String("mottaker-navn", "", "the mottaker's name")
	tittel := fs.String("tittel", "", "the letter's title (required)")
	melding := fs.String("melding", "", "the letter's text")
	sensitivt := fs.Bool("sensitivt", false, "sensitive content: the kommune receives it at security level 4")
	navn := fs.String("avsender-navn", "", "the sender's name (required)")
	fnr := fs.String("avsender-fnr", "", "the sender's fødselsnummer (a person)")
	orgnr := fs.String("avsender-orgnr", "", "the sender's organisasjonsnummer (an organisation)")
	epost := fs.String("avsender-epost", "", "the sender's e-mail address")
	fiksioUsage(fs, e, "fellesklient edialog send --mottaker ID --tittel T [--melding TEXT] [--sensitivt] --avsender-navn N (--avsender-fnr F | --avsender-orgnr O) [--json] [FILE...]",
		"Send a letter with files to a kommune through eDialog: it arrives in the kommune's SvarInn (avgivendeSystem EDIALOG).\nEverything is checked first; a draft left by a failed step is deleted.",
		"fellesklient edialog send --mottaker $MOTTAKER --tittel \"Søknad\" --melding \"Se vedlegg\" --avsender-navn \"Kari Nordmann\" --avsender-fnr 13097248022 soknad.pdf")
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if _, err := uuid.Parse(*mottaker); err != nil {
		return usageErr("--mottaker: the eDialog mottaker's id, a UUID (not an organisasjonsnummer), is required")
	}
	if *tittel == "" || *navn == "" {
		return usageErr("--tittel and --avsender-navn are required")
	}
	av := edialog.Avsender{Navn: *navn, Epost: *epost}
	switch {
	case *fnr != "" && *orgnr == "":
		av.Type, av.ID = edialog.AvsenderPerson, *fnr
	case *orgnr != "" && *fnr == "":
		av.Type, av.ID = edialog.AvsenderOrganisasjon, *orgnr
	default:
		return usageErr("give --avsender-fnr or --avsender-orgnr")
	}
	in := edialog.Innsending{Avsender: av, Mottaker: edialog.Mottaker{ID: *mottaker, Navn: *mottakerNavn},
		Metadata: edialog.Metadata{Tittel: *tittel, Melding: *melding, Sensitivt: *sensitivt}}
	for _, p := range files {
		st, err := os.Stat(p)
		if err != nil {
			return ioErr(err)
		}
		if !st.Mode().IsRegular() {
			return usageErr("%s is not a file", p)
		}
		in.Vedlegg = append(in.Vedlegg, edialog.FileVedlegg(p, mimeOf(p)))
	}
	creds, err := fiksCredentials(e, &ff.tf)
	if err != nil {
		return err
	}
	base, err := fiksAPIBase(&ff.sf)
	if err != nil {
		return err
	}
	c, err := edialog.New(edialog.Options{BaseURL: base, Credentials: creds, HTTPClient: e.httpClient, UserAgent: "fellesklient-cli"})
	if err != nil {
		return usageErr("%v", err)
	}
	s, err := c.Send(ctx, in)
	if err != nil {
		var ve *edialog.ValidationError
		if errors.As(err, &ve) {
			return usageErr("%s", flagProblem(ve))
		}
		return serviceErr(err)
	}
	if ff.of.json {
		return writeJSON(e, map[string]any{"id": s.ID, "innsendtDato": s.InnsendtDato, "filer": len(s.Filer)})
	}
	fmt.Fprintf(e.stdout, "sent %s (%d files) at %s\n", s.ID, len(s.Filer), s.InnsendtDato.Format("2006-01-02 15:04:05"))
	return nil
}

// flagProblem says an eDialog ValidationError in the command's flags.
func flagProblem(ve *edialog.ValidationError) string {
	flags := map[string]string{"Avsender.ID": "--avsender-fnr/--avsender-orgnr", "Avsender.Navn": "--avsender-navn",
		"Metadata.Tittel": "--tittel", "Mottaker.ID": "--mottaker"}
	if f, ok := flags[ve.Field]; ok {
		return f + ": " + ve.Problem
	}
	if strings.HasPrefix(ve.Field, "Vedlegg[") {
		return "FILE: " + ve.Problem
	}
	return ve.Error()
}
