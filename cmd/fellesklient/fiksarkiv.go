package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fellesklient/fellesklient/fiks/arkiv"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// runFiksarkivValidate: fellesklient fiksarkiv validate [--json] FILE...
func runFiksarkivValidate(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fiksarkiv validate")
	var of outputFlags
	of.register(fs)
	fs.Usage = func() {
		printUsage(e, fs, help{"fellesklient fiksarkiv validate [--json] FILE...",
			"Check Fiks Arkiv payloads against the XSD of their root element (V1 or V2, every message type), in Go.\n" +
				"One line per file; with --json one JSON object per line. Exit 0 when every file is valid, 1 otherwise.",
			envNone, "fellesklient fiksarkiv validate arkivmelding.xml sok.xml"})
	}
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("give at least one FILE")
	}
	invalid := 0
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return ioErr(err)
		}
		rep, err := fiksarkiv.Validate(f)
		f.Close()
		if err != nil {
			var pe *fiksarkiv.ParseError
			if !errors.As(err, &pe) {
				return ioErr(fmt.Errorf("%s: %w", p, err))
			}
			rep = &fiksarkiv.Report{Problems: []fiksarkiv.Problem{{Path: "/", Rule: "xml", Message: pe.Err.Error()}}}
		}
		if !rep.Valid() {
			invalid++
		}
		if of.json {
			problems := make([]map[string]string, len(rep.Problems))
			for i, pr := range rep.Problems {
				problems[i] = map[string]string{"path": pr.Path, "rule": pr.Rule, "message": pr.Message}
			}
			if err := writeJSONLine(e, map[string]any{"file": p, "valid": rep.Valid(), "meldingstype": rep.Meldingstype, "versjon": rep.Versjon, "problems": problems}); err != nil {
				return err
			}
			continue
		}
		switch {
		case rep.Valid():
			fmt.Fprintf(e.stdout, "%s: valid %s\n", p, rep.Meldingstype)
		case len(rep.Problems) == 1:
			fmt.Fprintf(e.stdout, "%s: invalid: %s\n", p, oneLine(rep.Problems[0].String()))
		default:
			fmt.Fprintf(e.stdout, "%s: invalid: %s (and %d more)\n", p, oneLine(rep.Problems[0].String()), len(rep.Problems)-1)
		}
	}
	if invalid > 0 {
		return &exitError{code: exitNo, err: fmt.Errorf("%d of %d file(s) invalid", invalid, len(files))}
	}
	return nil
}

// arkivFlags are the flags of the commands that talk to an archive over FIKS IO.
type arkivFlags struct {
	f          fiksioFlags
	fra, til   string
	signerKey  string
	signerCert string
	kontoKey   string
	arkivCert  string
	timeout    time.Duration
	klientID   string
}

func registerArkiv(fs *flag.FlagSet, a *arkivFlags) {
	fs.StringVar(&a.fra, "fra", "", "the case system's konto id: sends, and receives the answers (required)")
	fs.StringVar(&a.til, "til", "", "the archive's konto id (required)")
	fs.StringVar(&a.signerKey, "signer-key", "", "the virksomhetssertifikat's private key, to sign: PEM or .p12 (required)")
	fs.StringVar(&a.signerCert, "signer-cert", "", "its certificate (PEM), when the key file has none")
	fs.StringVar(&a.kontoKey, "konto-key", "", "the --fra konto's private key, to decrypt the answers (default: --signer-key)")
	fs.StringVar(&a.arkivCert, "arkiv-cert", "", "the archive's certificate or CA (PEM): answers must be signed by it")
	fs.DurationVar(&a.timeout, "timeout", 10*time.Minute, "how long to wait for the archive's answer")
	fs.StringVar(&a.klientID, "klient-melding-id", "", "klientMeldingId: give the one printed after a lost answer to send the same request again")
}

func (a *arkivFlags) client(e *env) (*arkiv.Client, error) {
	if a.fra == "" || a.til == "" || a.signerKey == "" {
		return nil, usageErr("--fra, --til and --signer-key are required")
	}
	o, err := a.f.options(e)
	if err != nil {
		return nil, err
	}
	k, err := readKey(e, "signer-key", a.signerKey, a.signerCert, a.f.ff.tf.p12PassEnv)
	if err != nil {
		return nil, err
	}
	signer, ok := k.Decrypter.(crypto.Signer)
	if !ok || k.Certificate == nil {
		return nil, usageErr("--signer-key needs a signing key and its certificate (in the file or --signer-cert)")
	}
	o.Signer, o.SignerCertificates = signer, []*x509.Certificate{k.Certificate}
	dk := k
	if a.kontoKey != "" {
		if dk, err = readKey(e, "konto-key", a.kontoKey, "", a.f.ff.tf.p12PassEnv); err != nil {
			return nil, err
		}
	}
	o.KontoID, o.Keys = a.fra, []kryptering.Key{dk}
	fio, err := newFiksioClient(o)
	if err != nil {
		return nil, err
	}
	ao := arkiv.Options{FIKSIO: fio, Arkiv: a.til, Timeout: a.timeout}
	if a.arkivCert != "" {
		b, err := os.ReadFile(a.arkivCert)
		if err != nil {
			return nil, ioErr(err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return nil, usageErr("--arkiv-cert %s holds no PEM certificate", a.arkivCert)
		}
		ao.Verify = &fiksio.VerifyOptions{Roots: pool}
	}
	c, err := arkiv.New(ao)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	return c, nil
}

// arkivErr maps the protocol's outcomes to exit codes and hints.
func arkivErr(err error) error {
	var na *arkiv.NoAnswerError
	var fe *arkiv.FeilmeldingError
	var ve *arkiv.ValidationError
	switch {
	case errors.As(err, &ve):
		return usageErr("%v", err)
	case errors.As(err, &na):
		return noErr(fmt.Errorf("%w; send it again with --klient-melding-id %s", err, na.KlientMeldingID))
	case errors.As(err, &fe):
		return noErr(err)
	}
	return serviceErr(err)
}

func readPayload(path string) (*fiksarkiv.Melding, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ioErr(err)
	}
	defer f.Close()
	m, err := fiksarkiv.Parse(f)
	if err != nil {
		return nil, usageErr("%s: %v", path, err)
	}
	return m, nil
}

// runFiksarkivArkiver: fellesklient fiksarkiv arkiver --fra KONTO --til KONTO FILE [VEDLEGG...]
func runFiksarkivArkiver(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fiksarkiv arkiver")
	var a arkivFlags
	a.f.register(fs, true)
	registerArkiv(fs, &a)
	fiksioUsage(fs, e, "fellesklient fiksarkiv arkiver --fra KONTO --til KONTO --signer-key KEY [--konto-key KEY] [--arkiv-cert PEM] [--timeout D] [--klient-melding-id ID] [--json] ARKIVMELDING.xml [VEDLEGG...]",
		"File an arkivmelding (Fiks Arkiv arkivering.arkivmelding.opprett, V1 or V2 by its namespace) with its files in the archive\nover FIKS IO, wait for the mottatt and the kvittering, and print what the archive gave: saksnummer, journalpostnummer, ids.\nEvery dokumentobjekt's referanseDokumentfil must be the name of one VEDLEGG. Exit 1 on a feilmelding or no answer;\nafter no answer the request can be sent again with the printed --klient-melding-id, and is filed once.",
		"fellesklient fiksarkiv arkiver --fra $FAGSYSTEM --til $ARKIV --signer-key virksomhet.p12 --p12-password-env P12_PASS arkivmelding.xml vedtak.pdf")
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usageErr("give the arkivmelding FILE")
	}
	m, err := readPayload(files[0])
	if err != nil {
		return err
	}
	am, err := m.Arkivmelding()
	if err != nil {
		return usageErr("%s: %v", files[0], err)
	}
	if len(am.Ukjent) > 0 {
		return usageErr("%s: elements this client cannot send on: %v", files[0], am.Ukjent)
	}
	var vedlegg []fiksio.Fil
	for _, p := range files[1:] {
		st, err := os.Stat(p)
		if err != nil {
			return ioErr(err)
		}
		if !st.Mode().IsRegular() {
			return usageErr("%s is not a file", p)
		}
		vedlegg = append(vedlegg, fiksio.Path(filepath.Base(p), p))
	}
	c, err := a.client(e)
	if err != nil {
		return err
	}
	defer c.Close()
	k, err := c.Arkiver(ctx, am, &arkiv.SendOptions{Vedlegg: vedlegg, KlientMeldingID: a.klientID})
	if err != nil {
		return arkivErr(err)
	}
	out := map[string]any{}
	if mk := k.Mappe; mk != nil {
		mo := map[string]any{"systemID": mk.SystemID, "mappeID": mk.MappeID, "opprettetEllerEksisterende": mk.OpprettetEllerEksisterende}
		if mk.Saksaar != nil && mk.Sakssekvensnummer != nil {
			mo["saksnummer"] = fiksarkiv.Saksnummer{Saksaar: *mk.Saksaar, Sakssekvensnummer: *mk.Sakssekvensnummer}.String()
		}
		out["mappe"] = mo
	}
	if rk := k.Registrering; rk != nil {
		ro := map[string]any{"systemID": rk.SystemID, "opprettetEllerEksisterende": rk.OpprettetEllerEksisterende}
		if rk.Journalaar != nil && rk.Journalsekvensnummer != nil {
			ro["journalnummer"] = fmt.Sprintf("%d/%d", *rk.Journalaar, *rk.Journalsekvensnummer)
		}
		if rk.Journalpostnummer != nil {
			ro["journalpostnummer"] = *rk.Journalpostnummer
		}
		out["registrering"] = ro
	}
	for name, f := range map[string]*fiksarkiv.Failure{"mappeFeilet": k.MappeFeilet, "registreringFeilet": k.RegistreringFeilet} {
		if f != nil {
			out[name] = map[string]string{"feilId": f.FeilID, "feilmelding": f.Feilmelding}
		}
	}
	if a.f.ff.of.json {
		return writeJSON(e, out)
	}
	if mo, ok := out["mappe"].(map[string]any); ok {
		fmt.Fprintf(e.stdout, "mappe %v saksnummer %v (%v)\n", mo["systemID"], mo["saksnummer"], mo["opprettetEllerEksisterende"])
	}
	if ro, ok := out["registrering"].(map[string]any); ok {
		fmt.Fprintf(e.stdout, "registrering %v journalnummer %v journalpostnummer %v (%v)\n", ro["systemID"], ro["journalnummer"], ro["journalpostnummer"], ro["opprettetEllerEksisterende"])
	}
	if k.MappeFeilet != nil || k.RegistreringFeilet != nil {
		return noErr(errors.New("the archive filed only part of the arkivmelding (see mappeFeilet/registreringFeilet)"))
	}
	return nil
}

// runFiksarkivSok: fellesklient fiksarkiv sok --fra KONTO --til KONTO SOK.xml
func runFiksarkivSok(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fiksarkiv sok")
	var a arkivFlags
	a.f.register(fs, true)
	registerArkiv(fs, &a)
	out := fs.String("out", "", "write the result payload here (default: stdout)")
	fiksioUsage(fs, e, "fellesklient fiksarkiv sok --fra KONTO --til KONTO --signer-key KEY [--konto-key KEY] [--timeout D] [--out FILE] [--json] SOK.xml",
		"Search the archive (Fiks Arkiv innsyn.sok) over FIKS IO and write the result payload (sok resultat utvidet,\nminimum or noekler, as the search asks). With --json, print its type and count instead.",
		"fellesklient fiksarkiv sok --fra $FAGSYSTEM --til $ARKIV --signer-key virksomhet.p12 --p12-password-env P12_PASS sok.xml")
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		return usageErr("give one sok FILE")
	}
	m, err := readPayload(files[0])
	if err != nil {
		return err
	}
	if rep, err := fiksarkiv.Validate(bytes.NewReader(mustBytes(m))); err == nil && !rep.Valid() {
		return usageErr("%s: %s", files[0], rep.Problems[0])
	}
	sok, err := m.Sok()
	if err != nil {
		return usageErr("%s: %v", files[0], err)
	}
	c, err := a.client(e)
	if err != nil {
		return err
	}
	defer c.Close()
	svar, err := c.Sok(ctx, sok, &arkiv.SendOptions{KlientMeldingID: a.klientID})
	if err != nil {
		return arkivErr(err)
	}
	b, err := svar.Payload.Bytes()
	if err != nil {
		return ioErr(err)
	}
	if a.f.ff.of.json {
		count := ""
		if c := svar.Payload.Document().FindElement("//count"); c != nil {
			count = c.Text()
		}
		return writeJSON(e, map[string]any{"meldingstype": svar.Meldingstype, "meldingId": svar.MeldingID, "count": count})
	}
	if *out != "" {
		return writeSynced(*out, bytes.NewReader(b))
	}
	_, err = e.stdout.Write(append(b, '\n'))
	return err
}

func mustBytes(m *fiksarkiv.Melding) []byte {
	b, _ := m.Bytes()
	return b
}
