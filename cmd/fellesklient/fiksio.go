package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
)

// fiksioUsage sets a FIKS command's help: purpose, arguments, environment, an example.
func fiksioUsage(fs *flag.FlagSet, e *env, synopsis, purpose, example string) {
	fs.Usage = func() { printUsage(e, fs, help{synopsis, purpose, envFIKS, example}) }
}

type fiksioFlags struct {
	ff       fiksFlags
	amqpAddr string
	amqpCA   string
	plain    bool
	amqp     bool // the command receives over AMQP
}

func (f *fiksioFlags) register(fs *flag.FlagSet, amqp bool) {
	f.ff.register(fs)
	f.amqp = amqp
	if amqp {
		fs.StringVar(&f.amqpAddr, "amqp-addr", "", "FIKS IO broker host:port (default: the environment's, port 5671, TLS)")
		fs.StringVar(&f.amqpCA, "amqp-ca", "", "PEM file of a CA to trust for the broker's TLS (a private broker)")
		fs.BoolVar(&f.plain, "plain", false, "AMQP without TLS (loopback brokers only: tests)")
	}
}

// options are the client options the flags give (no keys).
func (f *fiksioFlags) options(e *env) (fiksio.Options, error) {
	o := fiksio.Options{HTTPClient: e.httpClient, UserAgent: "fellesklient-cli", AMQPAddr: f.amqpAddr, PlainAMQP: f.plain,
		ApplicationName: "fellesklient-cli"}
	base, err := fiksAPIBase(&f.ff.sf)
	if err != nil {
		return o, err
	}
	o.BaseURL = base
	if o.AMQPAddr == "" && f.amqp {
		if f.ff.sf.baseURL != "" {
			return o, usageErr("--amqp-addr is required with --base-url")
		}
		env := fiks.Test
		if f.ff.sf.env == "prod" {
			env = fiks.Prod
		}
		ep, _ := env.Endpoints()
		o.AMQPAddr = ep.FiksIOAMQP
	}
	if f.amqpCA != "" {
		b, err := os.ReadFile(f.amqpCA)
		if err != nil {
			return o, ioErr(fmt.Errorf("--amqp-ca: %w", err))
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(b) {
			return o, usageErr("--amqp-ca %s holds no PEM certificate", f.amqpCA)
		}
		o.TLSConfig = &tls.Config{RootCAs: pool}
	}
	if o.Credentials, err = fiksCredentials(e, &f.ff.tf); err != nil {
		return o, err
	}
	return o, nil
}

func newFiksioClient(o fiksio.Options) (*fiksio.Client, error) {
	c, err := fiksio.New(o)
	if err != nil {
		var ve *fiksio.ValidationError
		if errors.As(err, &ve) {
			return nil, usageErr("%s", ve.Problem)
		}
		return nil, usageErr("%v", err)
	}
	return c, nil
}

func kontoJSON(k *fiksio.Konto) map[string]any {
	return map[string]any{"kontoId": k.KontoID, "kontoNavn": k.KontoNavn, "fiksOrgId": k.FiksOrgID, "fiksOrgNavn": k.FiksOrgNavn,
		"gyldigAvsender": k.GyldigAvsender, "gyldigMottaker": k.GyldigMottaker, "statusMelding": k.StatusMelding}
}

func printKonto(e *env, k *fiksio.Konto, json bool) error {
	if json {
		return writeJSON(e, kontoJSON(k))
	}
	fmt.Fprintf(e.stdout, "%s  %s (%s)  avsender=%v mottaker=%v %s\n", k.KontoID, k.KontoNavn, k.FiksOrgNavn, k.GyldigAvsender, k.GyldigMottaker, k.StatusMelding)
	return nil
}

// runFiksioKonto: fellesklient fiksio konto KONTO-ID [--json]
func runFiksioKonto(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fiksio konto")
	var f fiksioFlags
	f.register(fs, false)
	fiksioUsage(fs, e, "fellesklient fiksio konto KONTO-ID [--json]", "Show a FIKS IO konto from the katalog, with its public key's validity.",
		"fellesklient fiksio konto 0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12 --json")
	pos, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("give one KONTO-ID")
	}
	o, err := f.options(e)
	if err != nil {
		return err
	}
	c, err := newFiksioClient(o)
	if err != nil {
		return err
	}
	k, err := c.Konto(ctx, pos[0])
	if err != nil {
		return serviceErr(err)
	}
	return printKonto(e, k, f.ff.of.json)
}

// runFiksioLookup: fellesklient fiksio lookup --orgnr ORGNR --protokoll P [--niva N] [--json]
func runFiksioLookup(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fiksio lookup")
	var f fiksioFlags
	f.register(fs, false)
	orgnr := fs.String("orgnr", "", "the receiving organisation's organisasjonsnummer (required)")
	proto := fs.String("protokoll", "", "message protocol, for example no.ks.fiks.arkiv.v1 (required)")
	niva := fs.Int("niva", 3, "security level 1-4")
	fiksioUsage(fs, e, "fellesklient fiksio lookup --orgnr ORGNR --protokoll P [--niva N] [--json]",
		"Find the konto that receives a protocol for an organisation.", "fellesklient fiksio lookup --orgnr 910000002 --protokoll no.ks.fiks.arkiv.v1 --niva 3")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *orgnr == "" || *proto == "" {
		return usageErr("--orgnr and --protokoll are required")
	}
	o, err := f.options(e)
	if err != nil {
		return err
	}
	c, err := newFiksioClient(o)
	if err != nil {
		return err
	}
	k, err := c.Lookup(ctx, fiksio.LookupQuery{Identifikator: fiksio.OrgNo(*orgnr), Meldingsprotokoll: *proto, Sikkerhetsniva: *niva})
	if err != nil {
		var ve *fiksio.ValidationError
		if errors.As(err, &ve) {
			return usageErr("--%s: %s", map[string]string{"Identifikator": "orgnr", "Meldingsprotokoll": "protokoll", "Sikkerhetsniva": "niva"}[ve.Field], ve.Problem)
		}
		return serviceErr(err)
	}
	return printKonto(e, k, f.ff.of.json)
}

// readKey reads a private key (PEM or .p12) and its certificate, for signing or decrypting.
func readKey(e *env, flagName, path, certPath, passEnv string) (kryptering.Key, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return kryptering.Key{}, ioErr(fmt.Errorf("--%s: %w", flagName, err))
	}
	pass := ""
	if passEnv != "" {
		if pass = e.getenv(passEnv); pass == "" {
			return kryptering.Key{}, usageErr("environment variable %s (from --p12-password-env) is empty or not set", passEnv)
		}
	}
	k, err := kryptering.ParseKey(data, pass)
	if err != nil {
		return kryptering.Key{}, usageErr("--%s: %v", flagName, err)
	}
	if certPath != "" {
		b, err := os.ReadFile(certPath)
		if err != nil {
			return kryptering.Key{}, ioErr(err)
		}
		certs, err := kryptering.ParseCertificates(b)
		if err != nil || len(certs) == 0 {
			return kryptering.Key{}, usageErr("%s holds no PEM certificate", certPath)
		}
		k.Certificate = certs[0]
	}
	return k, nil
}

// runFiksioSend: fellesklient fiksio send --fra KONTO --til KONTO --type T ... FILE...
func runFiksioSend(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fiksio send")
	var f fiksioFlags
	f.register(fs, false)
	fra := fs.String("fra", "", "sending konto id (required)")
	til := fs.String("til", "", "receiving konto id (required)")
	typ := fs.String("type", "", "message type, for example no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett (required)")
	svarPaa := fs.String("svar-paa", "", "melding-id this message answers")
	ttl := fs.Duration("ttl", 0, "time to live (default: the service's, 7 days)")
	var headers multiFlag
	fs.Var(&headers, "header", "custom header NAVN=VERDI (repeatable)")
	klientID := fs.String("klient-melding-id", "", "klientMeldingId: the same on a resend of the same message (default: a new one, printed)")
	mottakerCert := fs.String("mottaker-sertifikat", "", "the receiver's certificate (PEM) obtained out of band (default: the katalog's)")
	signerKey := fs.String("signer-key", "", "the virksomhetssertifikat's private key: PEM or .p12 (required with files)")
	signerCert := fs.String("signer-cert", "", "its certificate (PEM), when the key file has none")
	passEnv := &f.ff.tf.p12PassEnv // --p12-password-env: one flag for every .p12 of the command
	quiet := fs.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	fiksioUsage(fs, e, "fellesklient fiksio send --fra KONTO --til KONTO --type TYPE [--svar-paa ID] [--ttl D] [--header N=V]... [--klient-melding-id ID] [--mottaker-sertifikat PEM] --signer-key KEY [--signer-cert PEM] [--json] FILE...",
		"Send a FIKS IO message: the files as an ASiC-E container, signed with the signer key, encrypted to the receiver.\nThe first file is the container's root file. Without files the message has no payload.",
		"fellesklient fiksio send --fra $FRA --til $TIL --type no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett --signer-key virksomhet.p12 --p12-password-env P12_PASS arkivmelding.xml vedtak.pdf")
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if *fra == "" || *til == "" || *typ == "" {
		return usageErr("--fra, --til and --type are required")
	}
	o, err := f.options(e)
	if err != nil {
		return err
	}
	o.KontoID = *fra
	m := &fiksio.Melding{AvsenderKontoID: *fra, MottakerKontoID: *til, Meldingstype: *typ, SvarPaMelding: *svarPaa, TTL: *ttl,
		KlientMeldingID: *klientID, Headere: map[string]string{}}
	for _, h := range headers {
		k, v, ok := strings.Cut(h, "=")
		if !ok {
			return usageErr("--header %q: want NAVN=VERDI", h)
		}
		m.Headere[k] = v
	}
	var total int64
	for _, p := range files {
		st, err := os.Stat(p)
		if err != nil {
			return ioErr(fmt.Errorf("%s: %v", p, errors.Unwrap(err)))
		}
		if !st.Mode().IsRegular() {
			return usageErr("%s is not a file", p)
		}
		total += st.Size()
	}
	pb := newBar(e, *quiet || len(files) == 0, total, "sending", false)
	defer pb.done()
	for _, p := range files {
		m.Filer = append(m.Filer, pb.file(filepath.Base(p), p))
	}
	if len(files) > 0 {
		if *signerKey == "" {
			return usageErr("--signer-key is required to send files (the container is signed)")
		}
		k, err := readKey(e, "signer-key", *signerKey, *signerCert, *passEnv)
		if err != nil {
			return err
		}
		signer, ok := k.Decrypter.(crypto.Signer)
		if !ok || k.Certificate == nil {
			return usageErr("--signer-key needs a signing key and its certificate (in the file or --signer-cert)")
		}
		o.Signer, o.SignerCertificates = signer, []*x509.Certificate{k.Certificate}
	}
	if *mottakerCert != "" {
		b, err := os.ReadFile(*mottakerCert)
		if err != nil {
			return ioErr(err)
		}
		certs, err := kryptering.ParseCertificates(b)
		if err != nil || len(certs) == 0 {
			return usageErr("--mottaker-sertifikat holds no PEM certificate")
		}
		m.MottakerSertifikat = certs[0]
	}
	c, err := newFiksioClient(o)
	if err != nil {
		return err
	}
	sent, err := c.Send(ctx, m)
	if err != nil {
		var ve *fiksio.ValidationError
		if errors.As(err, &ve) {
			flagOf := map[string]string{"AvsenderKontoID": "fra", "MottakerKontoID": "til", "Meldingstype": "type", "SvarPaMelding": "svar-paa",
				"TTL": "ttl", "Headere": "header", "KlientMeldingID": "klient-melding-id", "Filer": "FILE", "MottakerSertifikat": "mottaker-sertifikat"}
			return usageErr("--%s: %s", flagOf[ve.Field], ve.Problem)
		}
		var ue *fiksio.UnknownOutcomeError
		if errors.As(err, &ue) {
			return noErr(fmt.Errorf("%w; send again with --klient-melding-id %s so the receiver can tell it is the same message", err, m.KlientMeldingID))
		}
		return serviceErr(err)
	}
	if f.ff.of.json {
		return writeJSON(e, map[string]any{"meldingId": sent.MeldingID, "klientMeldingId": sent.KlientMeldingID, "dokumentlagerId": sent.DokumentlagerID})
	}
	fmt.Fprintf(e.stdout, "sent %s (klientMeldingId %s)\n", sent.MeldingID, sent.KlientMeldingID)
	return nil
}

// meldingJSON is DIR/<melding-id>/melding.json.
type meldingJSON struct {
	MeldingID            string            `json:"meldingId"`
	Meldingstype         string            `json:"meldingType"`
	AvsenderKontoID      string            `json:"avsenderKontoId"`
	AvsenderNavn         string            `json:"avsenderNavn,omitempty"`
	MottakerKontoID      string            `json:"mottakerKontoId"`
	SvarPaMelding        string            `json:"svarPaMelding,omitempty"`
	SvarTilType          string            `json:"svarTilType,omitempty"`
	KlientMeldingID      string            `json:"klientMeldingId,omitempty"`
	KlientKorrelasjonsID string            `json:"klientKorrelasjonsId,omitempty"`
	DokumentlagerID      string            `json:"dokumentlagerId,omitempty"`
	TTLMillis            int64             `json:"ttl,omitempty"`
	Resendt              bool              `json:"resendt"`
	Headere              map[string]string `json:"headere,omitempty"`
	Filer                []string          `json:"filer"`
	Signert              bool              `json:"signert"`
	Signatar             string            `json:"signatar,omitempty"`
}

// runFiksioReceive: fellesklient fiksio receive --konto ID --key KEY --dir DIR [--once] ...
func runFiksioReceive(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient fiksio receive")
	var f fiksioFlags
	f.register(fs, true)
	konto := fs.String("konto", "", "the konto to receive for (required)")
	keyFile := fs.String("konto-key", "", "the konto's private key, to decrypt: PEM or .p12 (required; --key is the Maskinporten key, as in every FIKS command)")
	passEnv := &f.ff.tf.p12PassEnv
	dir := fs.String("dir", "", "folder for the messages: DIR/<melding-id>/ (required)")
	once := fs.Bool("once", false, "handle what is waiting and exit (after --idle without a new message)")
	idle := fs.Duration("idle", 3*time.Second, "with --once: how long to wait for another message")
	quiet := fs.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	fiksioUsage(fs, e, "fellesklient fiksio receive --konto KONTO --konto-key KEY --dir DIR [--once] [--amqp-addr HOST:PORT] [--amqp-ca PEM] [--plain] [--json]",
		"Receive FIKS IO messages: each is decrypted, its container checked, its files and a melding.json of its headers\nwritten to DIR/<melding-id>/ and synced; only then is it acknowledged. A message already in DIR is acknowledged again\nwithout writing. The AMQP password is FIKS_INTEGRASJON_PASSORD, a space and a fresh token.",
		"fellesklient fiksio receive --konto $KONTO --konto-key konto.key --dir innkommende --once")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *konto == "" || *keyFile == "" || *dir == "" {
		return usageErr("--konto, --konto-key and --dir are required")
	}
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		return ioErr(err)
	}
	k, err := readKey(e, "konto-key", *keyFile, "", *passEnv)
	if err != nil {
		return err
	}
	o, err := f.options(e)
	if err != nil {
		return err
	}
	o.KontoID, o.Keys, o.TempDir = *konto, []kryptering.Key{k}, *dir
	c, err := newFiksioClient(o)
	if err != nil {
		return err
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var mu sync.Mutex
	last := time.Now()
	if *once {
		go func() {
			for {
				select {
				case <-rctx.Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
				mu.Lock()
				quiet := time.Since(last) > *idle
				mu.Unlock()
				if quiet {
					cancel()
					return
				}
			}
		}()
	}
	var received, failed int
	pb := newBar(e, *quiet, -1, "receiving", false)
	defer pb.done()
	err = c.Receive(rctx, func(hctx context.Context, m *fiksio.MottattMelding) error {
		defer func() { mu.Lock(); last = time.Now(); mu.Unlock() }()
		if err := storeMelding(hctx, *dir, m, pb); err != nil {
			failed++
			fmt.Fprintf(e.stderr, "fellesklient: %s: %s (not acknowledged)\n", m.MeldingID, oneLine(err.Error()))
			return err
		}
		received++
		if f.ff.of.json {
			return writeJSONLine(e, map[string]any{"meldingId": m.MeldingID, "meldingType": m.Meldingstype, "dir": filepath.Join(*dir, m.MeldingID)})
		}
		fmt.Fprintf(e.stdout, "received %s %s\n", m.MeldingID, m.Meldingstype)
		return nil
	}, &fiksio.ReceiveOptions{Invalid: func(err error) { fmt.Fprintf(e.stderr, "fellesklient: %s\n", oneLine(err.Error())) }})
	if err != nil {
		return serviceErr(err)
	}
	if !f.ff.of.json {
		fmt.Fprintf(e.stdout, "%d received, %d failed\n", received, failed)
	}
	if failed > 0 {
		return noErr(fmt.Errorf("%d message(s) could not be stored and stay in the queue", failed))
	}
	return nil
}

// storeMelding writes m under dir/<melding-id>/: assembled in a hidden folder, every file
// synced, then renamed whole. A melding already there is left as it is.
func storeMelding(ctx context.Context, dir string, m *fiksio.MottattMelding, pb *bar) error {
	final := filepath.Join(dir, m.MeldingID)
	if _, err := os.Stat(final); err == nil {
		return nil // stored before the ack was lost: handled once
	}
	tmp, err := os.MkdirTemp(dir, ".fiksio-"+m.MeldingID+"-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	meta := meldingJSON{MeldingID: m.MeldingID, Meldingstype: m.Meldingstype, AvsenderKontoID: m.AvsenderKontoID, AvsenderNavn: m.AvsenderNavn,
		MottakerKontoID: m.MottakerKontoID, SvarPaMelding: m.SvarPaMelding, SvarTilType: m.SvarTilType, KlientMeldingID: m.KlientMeldingID,
		KlientKorrelasjonsID: m.KlientKorrelasjonsID, DokumentlagerID: m.DokumentlagerID, TTLMillis: m.TTL.Milliseconds(), Resendt: m.Resendt,
		Headere: m.Headere, Filer: []string{}}
	metaName := "melding.json"
	if m.HarPayload() {
		c, err := m.Container(ctx, nil)
		if err != nil {
			return err
		}
		defer c.Close()
		if c.Signature != nil {
			meta.Signert, meta.Signatar = true, c.Signature.Certificate.Subject.String()
		}
		for _, f := range c.Files {
			if strings.EqualFold(f.Name, metaName) {
				metaName = "melding.fiksio.json" // the headers never overwrite a payload file
			}
			rc, err := f.Open()
			if err != nil {
				return err
			}
			err = writeSynced(filepath.Join(tmp, filepath.FromSlash(f.Name)), pb.reader(rc))
			rc.Close()
			if err != nil {
				return err
			}
			meta.Filer = append(meta.Filer, f.Name)
		}
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	if err := writeSynced(filepath.Join(tmp, metaName), bytes.NewReader(b)); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir syncs a folder, so that a rename into it lasts.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// writeSynced writes r to a new file at path (its folders made as needed) and syncs it.
// An error reading r (ErrDigest, among others) fails it: the message is not acknowledged.
func writeSynced(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
