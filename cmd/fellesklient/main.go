// Command fellesklient is a command-line tool over the fellesklient packages, for debugging
// integrations and for scripts.
//
// Conventions shared by every subcommand:
//
//   - --env test|prod or --base-url URL selects the service (https; http only for loopback).
//   - FIKS commands read FIKS_INTEGRASJON_ID and FIKS_INTEGRASJON_PASSORD from the
//     environment.
//   - A bearer token comes from MASKINPORTEN_TOKEN when it is set, otherwise from the
//     maskinporten flags (--issuer, --client-id, --key, ...).
//   - Output is human-readable by default, JSON with --json.
//   - Exit codes: 0 success, 1 the service or the input said no, 2 usage or local I/O error.
//
// Usage:
//
//	fellesklient maskinporten token --issuer test --client-id ID --scope "A B" --key FILE
//	fellesklient maskinporten metadata --issuer test [--json]
//	fellesklient id [--json] VALUE...
//	fellesklient svarut send --konto ID --tittel T (--mottaker-fnr F | --mottaker-orgnr O) --mottaker-navn N
//	    [--adresse LINJE --postnummer NR --poststed STED] [--kun-digital] [--ekstern-referanse REF] [--metadata FILE.json] FILE...
//	fellesklient svarut status --konto ID [--json] ID...
//	fellesklient fiksio konto KONTO-ID [--json]
//	fellesklient fiksio lookup --orgnr ORGNR --protokoll P [--niva N] [--json]
//	fellesklient fiksio send --fra KONTO --til KONTO --type TYPE [--svar-paa ID] [--ttl D] [--header N=V]...
//	    [--klient-melding-id ID] [--mottaker-sertifikat PEM] --signer-key KEY [--signer-cert PEM] [--json] FILE...
//	fellesklient fiksio receive --konto KONTO --konto-key KEY --dir DIR [--once] [--amqp-addr HOST:PORT] [--amqp-ca PEM] [--plain]
//	fellesklient fiksarkiv validate [--json] FILE...
//	fellesklient fiksarkiv arkiver --fra KONTO --til KONTO --signer-key KEY [--konto-key KEY] [--klient-melding-id ID] [--json] FILE [VEDLEGG...]
//	fellesklient fiksarkiv sok --fra KONTO --til KONTO --signer-key KEY [--out FILE] [--json] SOK.xml
//	fellesklient digisos status --fiks-org ORG-ID --digisos-id ID [--json] FILE.json
//	fellesklient digisos upload --fiks-org ORG-ID --digisos-id ID [--json] FILE...
//	fellesklient digisos ny --fiks-org ORG-ID --soker-fnr FNR [--json]
//	fellesklient minside index --fiks-org ORG-ID --versjon VERSJON --eksponert-for (FNR|ORGNR|MATRIKKEL|offentlig) --metadata FILE.json
//	    [--melding-id UUID] [--ekstern-ref REF] [--niva N] [--json]
//	fellesklient minside slett --fiks-org ORG-ID --versjon VERSJON (--melding-id ID... | --ekstern-ref REF) [--json]
//	fellesklient edialog send --mottaker ID --tittel T [--melding TEXT] [--sensitivt] --avsender-navn N
//	    (--avsender-fnr F | --avsender-orgnr O) [--json] [FILE...]
//	fellesklient svarinn receive --dir DIR --key FILE   (SVARINN_BRUKER, SVARINN_PASSORD)
//	fellesklient folkeregister person ID --rolle ROLLE [--parts a,b] [--show-identifiers] [--json]
//	fellesklient einnsyn search QUERY [--max N] [--entity E]... [--json]   (EINNSYN_API_KEY optional)
//	fellesklient einnsyn get ID [--expand FIELD]... [--json]
//	fellesklient noark5 validate [--schemas[=DIR]] [--json] PATH
//	fellesklient noark5 summary [--json] PATH
//	fellesklient noark5 demo-uttrekk --registreringer N --out DIR [--schemas DIR]
//	fellesklient fake [--port-base N] [--state DIR] [--fiksio] [--json]
//	fellesklient kryptering encrypt --cert FILE [--cert FILE]... < in > out
//	fellesklient kryptering decrypt --key FILE [--p12-password-env VAR] < in > out
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/fellesklient/fellesklient/fiks"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		stdoutTTY: isTerminal(os.Stdout), stderrTTY: isTerminal(os.Stderr)}, os.Args[1:])
	stop()
	os.Exit(code)
}

// env is what a command may touch of the outside world, so tests can run it in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// httpClient, when set, is used for every request (tests).
	httpClient *http.Client
	// stdoutTTY and stderrTTY: the streams are terminals (binary output is refused there,
	// progress is shown there).
	stdoutTTY, stderrTTY bool
}

// isTerminal reports whether f is a terminal. (A character device is not enough:
// /dev/null is one, and `> /dev/null` must not be refused as binary to a terminal.)
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// Exit codes.
const (
	exitOK    = 0
	exitNo    = 1 // the service or the input said no
	exitUsage = 2 // usage or local I/O error
)

// exitError carries an exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}
func ioErr(err error) error { return &exitError{code: exitUsage, err: err} }
func noErr(err error) error { return &exitError{code: exitNo, err: err} }

// command is a node of the command tree. Add a subcommand by adding it to commands().
type command struct {
	name    string
	summary string
	subs    []*command
	run     func(ctx context.Context, e *env, args []string) error
}

func commands() *command {
	return &command{name: "fellesklient", subs: []*command{
		{name: "folkeregister", summary: "Fiks Folkeregister lookups", subs: []*command{
			{name: "person", summary: "look up a person (masked unless --show-identifiers)", run: runFolkeregisterPerson},
		}},
		{name: "svarut", summary: "send with SvarUt", subs: []*command{
			{name: "send", summary: "send files as one forsendelse", run: runSvarutSend},
			{name: "status", summary: "show the status of forsendelser", run: runSvarutStatus},
		}},
		{name: "fiksio", summary: "FIKS IO: katalog, send and receive messages", subs: []*command{
			{name: "konto", summary: "show a konto from the katalog", run: runFiksioKonto},
			{name: "lookup", summary: "find the konto that receives a protocol for an organisation", run: runFiksioLookup},
			{name: "send", summary: "send files as a signed, encrypted message", run: runFiksioSend},
			{name: "receive", summary: "receive messages into a folder, acknowledging each once it is stored", run: runFiksioReceive},
		}},
		{name: "fiksarkiv", summary: "Fiks Arkiv: validate payloads, file in and search an archive over FIKS IO", subs: []*command{
			{name: "validate", summary: "validate Fiks Arkiv payloads against their XSD (exit 1 when any is invalid)", run: runFiksarkivValidate},
			{name: "arkiver", summary: "file an arkivmelding with its files and print the archive's kvittering", run: runFiksarkivArkiver},
			{name: "sok", summary: "search the archive and write the result", run: runFiksarkivSok},
		}},
		{name: "digisos", summary: "Fiks Digisos: report case status to nav.no, upload documents, create cases", subs: []*command{
			{name: "status", summary: "replace a case's status with a digisos-soker.json (checked first; exit 1 when invalid)", run: runDigisosStatus},
			{name: "upload", summary: "upload files encrypted to Dokumentlager and print their DokumentInfo", run: runDigisosUpload},
			{name: "ny", summary: "create a case for a paper application and print its DigisosId", run: runDigisosNy},
		}},
		{name: "minside", summary: "Min side (Fiks Innsyn): index and delete what inhabitants see", subs: []*command{
			{name: "index", summary: "index one melding (its metadata checked against the versjon's schema first; exit 1 when invalid)", run: runMinsideIndex},
			{name: "slett", summary: "delete meldinger by id, or by ekstern-ref and versjon", run: runMinsideSlett},
		}},
		{name: "edialog", summary: "eDialog: send a letter with files into a kommune's SvarInn", subs: []*command{
			{name: "send", summary: "send a letter and files through eDialog", run: runEdialogSend},
		}},
		{name: "svarinn", summary: "receive with SvarInn", subs: []*command{
			{name: "receive", summary: "receive, decrypt and store every waiting forsendelse, then acknowledge it", run: runSvarinnReceive},
		}},
		{name: "einnsyn", summary: "eInnsyn: search and read public journals", subs: []*command{
			{name: "search", summary: "search, following every page (JSON Lines with --json)", run: runEinnsynSearch},
			{name: "get", summary: "show one object by its eInnsyn id", run: runEinnsynGet},
		}},
		{name: "noark5", summary: "Noark 5 extractions: validate, summarise, make a demo package", subs: []*command{
			{name: "validate", summary: "validate a v5.0 extraction file or folder (exit 1 when invalid)", run: runNoark5Validate},
			{name: "summary", summary: "counts per element type and the date span", run: runNoark5Summary},
			{name: "demo-uttrekk", summary: "write a synthetic deposit package for load tests and demos", run: runNoark5Demo},
		}},
		{name: "fake", summary: "run every fake on loopback, for integration tests in any language", run: runFake},
		{name: "version", summary: "print the version of fellesklient and of Go it was built with", run: runVersion},
		{name: "id", summary: "check fødselsnummer, D-nummer, H-nummer and organisasjonsnummer", run: runID},
		{name: "kryptering", summary: "KS CMS encryption (SvarUt, SvarInn, FIKS IO)", subs: []*command{
			{name: "encrypt", summary: "encrypt stdin to recipient certificates (CMS, KS profile) on stdout", run: runKrypteringEncrypt},
			{name: "decrypt", summary: "decrypt CMS from stdin with a private key to stdout", run: runKrypteringDecrypt},
		}},
		{name: "maskinporten", summary: "Maskinporten tokens", subs: []*command{
			{name: "token", summary: "get an access token with the JWT-bearer grant", run: runMaskinportenToken},
			{name: "metadata", summary: "show the authorization server metadata", run: runMaskinportenMetadata},
		}},
	}}
}

func run(ctx context.Context, e *env, args []string) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args = append([]string{"version"}, args[1:]...)
	}
	err := dispatch(ctx, e, commands(), args, "fellesklient")
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	code := exitNo
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	msg := oneLine(err.Error())
	if !strings.HasPrefix(msg, "fellesklient") {
		msg = "fellesklient: " + msg
	}
	if jsonMode(args) {
		writeErrorJSON(e, msg, code, err)
		return code
	}
	fmt.Fprintln(e.stderr, msg)
	return code
}

// jsonMode reports whether the command line asks for JSON (--json, -json, --json=true).
func jsonMode(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch a {
		case "--json", "-json", "--json=true", "-json=true":
			return true
		}
	}
	return false
}

// writeErrorJSON writes an error under --json as one JSON object on stderr: the message,
// the exit code, and what the service said (HTTP status, FIKS errorCode and errorId).
func writeErrorJSON(e *env, msg string, code int, err error) {
	out := map[string]any{"error": msg, "code": code}
	var se interface{ HTTPStatusCode() int }
	if errors.As(err, &se) {
		out["status"] = se.HTTPStatusCode()
	}
	var fe *fiks.Error
	if errors.As(err, &fe) {
		if fe.ErrorCode != "" {
			out["errorCode"] = fe.ErrorCode
		}
		if fe.ErrorID != "" {
			out["errorId"] = fe.ErrorID
		}
	}
	b, _ := json.Marshal(out)
	fmt.Fprintln(e.stderr, string(b))
}

func dispatch(ctx context.Context, e *env, c *command, args []string, path string) error {
	if c.run != nil {
		return c.run(ctx, e, args)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printHelp(e.stderr, c, path)
		if len(args) == 0 {
			return usageErr("%s: missing subcommand", path)
		}
		return flag.ErrHelp
	}
	for _, s := range c.subs {
		if s.name == args[0] {
			return dispatch(ctx, e, s, args[1:], path+" "+s.name)
		}
	}
	printHelp(e.stderr, c, path)
	return usageErr("%s: unknown subcommand %q", path, args[0])
}

func printHelp(w io.Writer, c *command, path string) {
	fmt.Fprintf(w, "usage: %s <command> [flags]\n\ncommands:\n", path)
	subs := append([]*command(nil), c.subs...)
	sort.Slice(subs, func(i, j int) bool { return subs[i].name < subs[j].name })
	for _, s := range subs {
		fmt.Fprintf(w, "  %-14s %s\n", s.name, s.summary)
	}
}

// newFlagSet returns a FlagSet that reports usage errors as exit code 2.
func newFlagSet(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	setHelp(fs, e, name)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
