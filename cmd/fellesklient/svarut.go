package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/lease"
	"github.com/fellesklient/fellesklient/lease/redislease"
	"github.com/fellesklient/fellesklient/svarut"
)

func svarutBase(sf *serviceFlags) (string, error) {
	test, _ := fiks.Test.Endpoints()
	prod, _ := fiks.Prod.Endpoints()
	return sf.resolve(test.SvarUt, prod.SvarUt)
}

// interspersed lets positional arguments come before, between or after the flags.
func interspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// noarkMetadataJSON is --metadata FILE.json: SvarUt's metadataFraAvleverendeSystem.
type noarkMetadataJSON struct {
	Saksaar              int32     `json:"saksaar"`
	Sakssekvensnummer    int64     `json:"sakssekvensnummer"`
	Journalaar           int32     `json:"journalaar"`
	Journalsekvensnummer int64     `json:"journalsekvensnummer"`
	Journalpostnummer    int64     `json:"journalpostnummer"`
	Journalposttype      string    `json:"journalposttype"`
	Journalstatus        string    `json:"journalstatus"`
	Journaldato          time.Time `json:"journaldato"`
	DokumentetsDato      time.Time `json:"dokumentetsDato"`
	Tittel               string    `json:"tittel"`
	Saksbehandler        string    `json:"saksbehandler"`
	MappeID              string    `json:"mappeId"`
	MappeSystemID        string    `json:"mappeSystemId"`
	SystemID             string    `json:"systemId"`
	RegistreringsID      string    `json:"registreringsId"`
}

// checkAPIVersion refuses an --api-version the command does not speak.
func checkAPIVersion(v string, allowed ...svarut.APIVersion) error {
	for _, a := range allowed {
		if svarut.APIVersion(v) == a {
			return nil
		}
	}
	return usageErr("--api-version %q: want %s or %s", v, allowed[0], allowed[1])
}

// runSvarutSend: fellesklient svarut send --konto ID --tittel T (--mottaker-fnr F |
// --mottaker-orgnr O) --mottaker-navn N [--adresse L --postnummer P --poststed S]
// [--kun-digital] [--ekstern-referanse R] [--metadata FILE.json] FILE...
func runSvarutSend(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient svarut send")
	var ff fiksFlags
	ff.register(fs)
	sf, tf, of := &ff.sf, &ff.tf, &ff.of
	konto := fs.String("konto", "", "SvarUt konto id (required)")
	tittel := fs.String("tittel", "", "title (required)")
	fnr := fs.String("mottaker-fnr", "", "recipient's fødselsnummer")
	orgnr := fs.String("mottaker-orgnr", "", "recipient's organisasjonsnummer")
	navn := fs.String("mottaker-navn", "", "recipient's name (required)")
	var adresse multiFlag
	fs.Var(&adresse, "adresse", "address line for print (repeatable, up to 3)")
	postnr := fs.String("postnummer", "", "postal code for print")
	poststed := fs.String("poststed", "", "postal place for print")
	kunDigital := fs.Bool("kun-digital", false, "digital delivery only (never printed)")
	ref := fs.String("ekstern-referanse", "", "your reference (default: a random one, printed)")
	metaFile := fs.String("metadata", "", "Noark metadata JSON file (metadataFraAvleverendeSystem)")
	certFile := fs.String("svarut-sertifikat", "", "pin SvarUt's encryption certificate (PEM) and encrypt the documents (default with --kryptert: the one SvarUt publishes)")
	apiVersion := fs.String("api-version", "v3", "SvarUt send API: v3 (the current one) or v2 (replaced; takes a few fields v3 has no place for)")
	kryptert := fs.Bool("kryptert", false, "encrypt the documents to SvarUt's certificate, fetched from SvarUt (forsendelse/publickey/hent)")
	quiet := fs.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	files, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if err := checkAPIVersion(*apiVersion, svarut.V3, svarut.V2); err != nil {
		return err
	}
	switch {
	case *konto == "":
		return usageErr("--konto is required")
	case *tittel == "":
		return usageErr("--tittel is required")
	case *navn == "":
		return usageErr("--mottaker-navn is required")
	case (*fnr == "") == (*orgnr == ""):
		return usageErr("give exactly one of --mottaker-fnr and --mottaker-orgnr")
	case len(files) == 0:
		return usageErr("no files to send")
	}
	f := &svarut.Forsendelse{Tittel: *tittel, EksternReferanse: *ref, KunDigitalLevering: *kunDigital, Mottaker: svarut.Mottaker{Navn: *navn}}
	if *fnr != "" {
		n, err := ident.ParseFoedselsnummer(*fnr)
		if err != nil {
			return noErr(fmt.Errorf("--mottaker-fnr: %w", err))
		}
		f.Mottaker.Foedselsnummer = n
	} else {
		o, err := ident.ParseOrganisasjonsnummer(*orgnr)
		if err != nil {
			return noErr(fmt.Errorf("--mottaker-orgnr: %w", err))
		}
		f.Mottaker.Organisasjonsnummer = o
	}
	if len(adresse) > 0 || *postnr != "" || *poststed != "" {
		f.Mottaker.Postadresse = &svarut.Postadresse{Adresselinjer: adresse, Postnummer: *postnr, Poststed: *poststed}
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
		f.Dokumenter = append(f.Dokumenter, svarut.Fil(p))
	}
	pb := newBar(e, *quiet, total, "sending", false)
	defer pb.done()
	for i := range f.Dokumenter {
		open := f.Dokumenter[i].Open
		f.Dokumenter[i].Open = func() (io.ReadCloser, error) {
			rc, err := open()
			if err != nil {
				return nil, err
			}
			return pb.readCloser(rc), nil
		}
	}
	if *metaFile != "" {
		b, err := os.ReadFile(*metaFile)
		if err != nil {
			return ioErr(err)
		}
		dec := json.NewDecoder(strings.NewReader(string(b)))
		dec.DisallowUnknownFields()
		var m noarkMetadataJSON
		if err := dec.Decode(&m); err != nil {
			return usageErr("--metadata %s: %v", *metaFile, err)
		}
		f.Metadata = &svarut.NoarkMetadata{Saksaar: m.Saksaar, Sakssekvensnummer: m.Sakssekvensnummer, Journalaar: m.Journalaar,
			Journalsekvensnummer: m.Journalsekvensnummer, Journalpostnummer: m.Journalpostnummer, Journalposttype: m.Journalposttype,
			Journalstatus: m.Journalstatus, Journaldato: m.Journaldato, DokumentetsDato: m.DokumentetsDato, Tittel: m.Tittel,
			Saksbehandler: m.Saksbehandler, MappeID: m.MappeID, MappeSystemID: m.MappeSystemID, SystemID: m.SystemID, RegistreringsID: m.RegistreringsID}
	}
	opts := svarut.Options{Konto: *konto, HTTPClient: e.httpClient, UserAgent: "fellesklient-cli", APIVersion: svarut.APIVersion(*apiVersion)}
	if *certFile != "" {
		b, err := os.ReadFile(*certFile)
		if err != nil {
			return ioErr(err)
		}
		certs, err := kryptering.ParseCertificates(b)
		if err != nil {
			return usageErr("--svarut-sertifikat: %v", err)
		}
		opts.Sertifikat = certs[0]
		f.Kryptert = true
	}
	if *kryptert {
		f.Kryptert = true
	}
	if opts.BaseURL, err = svarutBase(sf); err != nil {
		return err
	}
	if opts.Credentials, err = fiksCredentials(e, tf); err != nil {
		return err
	}
	c, err := svarut.New(opts)
	if err != nil {
		return usageErr("%v", err)
	}
	res, err := c.Send(ctx, f)
	if err != nil {
		var ve *svarut.ValidationError
		if errors.As(err, &ve) {
			return usageErr("%s", svarutFlagProblem(ve))
		}
		return serviceErr(err)
	}
	if of.json {
		return writeJSON(e, map[string]any{"id": res.ID, "eksternReferanse": res.EksternReferanse, "gjenbrukt": res.Gjenbrukt})
	}
	fmt.Fprintf(e.stdout, "sent %s (eksternReferanse %s)\n", res.ID, res.EksternReferanse)
	return nil
}

// svarutFlagProblem says a refused forsendelse in the flags that built it, not in
// svarut.Forsendelse's field names.
func svarutFlagProblem(ve *svarut.ValidationError) string {
	switch ve.Field {
	case "Mottaker.Postadresse":
		if strings.Contains(ve.Problem, "unless KunDigitalLevering") {
			return "give --adresse, --postnummer and --poststed (SvarUt may print the letter), or --kun-digital"
		}
		return "give --adresse, --postnummer and --poststed: " + ve.Problem
	case "Mottaker":
		if strings.Contains(ve.Problem, "KunDigitalLevering") {
			return "--kun-digital needs --mottaker-fnr or --mottaker-orgnr (without one SvarUt can only print)"
		}
	}
	flags := []struct{ field, flag string }{
		{"Mottaker.Postadresse.Adresselinjer", "--adresse"}, {"Mottaker.Postadresse.Postnummer", "--postnummer"},
		{"Mottaker.Postadresse.Poststed", "--poststed"}, {"Mottaker.Postadresse", "--adresse/--postnummer/--poststed"},
		{"Mottaker.Navn", "--mottaker-navn"}, {"Mottaker.Organisasjonsnummer", "--mottaker-orgnr"}, {"Mottaker.Foedselsnummer", "--mottaker-fnr"},
		{"Mottaker", "--mottaker-fnr/--mottaker-orgnr"}, {"Tittel", "--tittel"}, {"EksternReferanse", "--ekstern-referanse"},
		{"Metadata", "--metadata"}, {"Dokumenter", "FILE"},
	}
	for _, f := range flags {
		if ve.Field == f.field || strings.HasPrefix(ve.Field, f.field+".") || strings.HasPrefix(ve.Field, f.field+"[") {
			return f.flag + ": " + ve.Problem
		}
	}
	return ve.Error()
}

// runSvarutStatus: fellesklient svarut status --konto ID [--json] FORSENDELSE-ID...
func runSvarutStatus(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient svarut status")
	var ff fiksFlags
	ff.register(fs)
	sf, tf, of := &ff.sf, &ff.tf, &ff.of
	konto := fs.String("konto", "", "SvarUt konto id (required)")
	apiVersion := fs.String("api-version", "v3", "SvarUt status API: v3 (the current one) or v2")
	ids, err := interspersed(fs, args)
	if err != nil {
		return err
	}
	if *konto == "" || len(ids) == 0 {
		return usageErr("usage: fellesklient svarut status --konto KONTO-ID ID...")
	}
	if err := checkAPIVersion(*apiVersion, svarut.V3, svarut.V2); err != nil {
		return err
	}
	opts := svarut.Options{Konto: *konto, HTTPClient: e.httpClient, UserAgent: "fellesklient-cli", APIVersion: svarut.APIVersion(*apiVersion)}
	if opts.BaseURL, err = svarutBase(sf); err != nil {
		return err
	}
	if opts.Credentials, err = fiksCredentials(e, tf); err != nil {
		return err
	}
	c, err := svarut.New(opts)
	if err != nil {
		return usageErr("%v", err)
	}
	st, err := c.Statuser(ctx, ids...)
	if err != nil {
		return serviceErr(err)
	}
	if of.json {
		type out struct {
			ID                 string    `json:"id"`
			Status             string    `json:"status"`
			SisteStatusEndring time.Time `json:"sisteStatusEndring"`
		}
		list := make([]out, len(st))
		for i, s := range st {
			list[i] = out{s.ID, string(s.Status), s.SisteStatusEndring}
		}
		if err := writeJSON(e, list); err != nil {
			return err
		}
	} else {
		for _, s := range st {
			fmt.Fprintf(e.stdout, "%s  %-16s %s\n", s.ID, s.Status, s.SisteStatusEndring.Format(time.RFC3339))
		}
	}
	if len(st) < len(ids) {
		return noErr(fmt.Errorf("%d of %d forsendelser were not found on this konto", len(ids)-len(st), len(ids)))
	}
	return nil
}

// runSvarinnReceive: fellesklient svarinn receive --dir DIR --key FILE. Each forsendelse
// is written to DIR/<id>/ (a zip is unpacked), synced, and only then acknowledged.
func runSvarinnReceive(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient svarinn receive")
	var sf serviceFlags
	sf.register(fs)
	var of outputFlags
	of.register(fs)
	dir := fs.String("dir", "", "directory to write the forsendelser to (required)")
	keyFile := fs.String("key", "", "the mottakersystem's private key: PEM or .p12 (required)")
	p12Env := fs.String("p12-password-env", "", "name of the environment variable holding the .p12 password")
	checkStructure := fs.Bool("check-structure", true, "refuse (report as failed) a PDF or zip-based document whose structure is broken")
	quiet := fs.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	permanent := fs.Bool("download-failure-permanent", false, "report a forsendelse whose file cannot be downloaded or decrypted as permanently failed")
	leaseRedis := fs.String("lease-redis", "", "coordinate replicas receiving for the same mottakersystem through Redis (redis://HOST:PORT/DB): each forsendelse is handled by one replica, once; replicas may share --dir")
	leaseTTL := fs.Duration("lease-ttl", time.Minute, "how long a replica's lease on a forsendelse lasts without renewal (with --lease-redis)")
	apiVersion := fs.String("api-version", "v2", "SvarInn API: v2 (the current one) or v1 (deprecated)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" || *keyFile == "" || fs.NArg() > 0 {
		return usageErr("usage: fellesklient svarinn receive --dir DIR --key FILE [--lease-redis URL [--lease-ttl DURATION]]")
	}
	if err := checkAPIVersion(*apiVersion, svarut.V2, svarut.V1); err != nil {
		return err
	}
	if *leaseTTL < time.Second {
		return usageErr("--lease-ttl must be at least 1s")
	}
	var leases lease.Store
	if *leaseRedis != "" {
		rdb, err := redisClient("--lease-redis", *leaseRedis)
		if err != nil {
			return err
		}
		defer rdb.Close()
		st, err := redislease.New(redislease.Options{Client: rdb})
		if err != nil {
			return usageErr("%v", err)
		}
		leases = st
	}
	user, pw := e.getenv("SVARINN_BRUKER"), e.getenv("SVARINN_PASSORD")
	if user == "" || pw == "" {
		return usageErr("set SVARINN_BRUKER and SVARINN_PASSORD (the mottakersystem's id and servicepassord)")
	}
	if st, err := os.Stat(*dir); err == nil && !st.IsDir() {
		return usageErr("--dir %s is not a directory", *dir)
	} else if err != nil {
		// A folder that is not there yet is made (a local fault is never SvarInn's).
		if err := os.MkdirAll(*dir, 0o750); err != nil {
			return ioErr(fmt.Errorf("--dir: %w", err))
		}
	}
	kb, err := os.ReadFile(*keyFile)
	if err != nil {
		return ioErr(err)
	}
	password := ""
	if *p12Env != "" {
		password = e.getenv(*p12Env)
	}
	key, err := kryptering.ParseKey(kb, password)
	if err != nil {
		return usageErr("--key: %v", err)
	}
	base, err := svarutBase(&sf)
	if err != nil {
		return err
	}
	m, err := svarut.NewMottak(svarut.MottakOptions{APIVersion: svarut.APIVersion(*apiVersion), BaseURL: base, Brukernavn: user, Passord: auth.Secret(pw), Key: key, HTTPClient: e.httpClient,
		UserAgent: "fellesklient-cli", DownloadFailurePermanent: *permanent, Lease: leases, LeaseTTL: *leaseTTL})
	if err != nil {
		return usageErr("%v", err)
	}
	clean := func() (int, error) { return svarut.CleanPartial(*dir) }
	if leases != nil {
		// Replicas may share --dir: leave the others' work in progress alone.
		clean = func() (int, error) { return svarut.CleanPartialOlder(*dir, 4**leaseTTL) }
	}
	if n, err := clean(); err != nil {
		return ioErr(err)
	} else if n > 0 {
		fmt.Fprintf(e.stderr, "removed %d partial file(s) an interrupted run left\n", n)
	}
	pb := newBar(e, *quiet, -1, "receiving", true)
	res, err := m.Receive(ctx, svarut.SaveHandler(*dir, svarut.SaveOptions{CheckStructure: *checkStructure}, func(f *svarut.MottattForsendelse, saved *svarut.SaveResult) error {
		pb.add(1)
		if of.json {
			// Failing to print is this machine's fault: never reported to SvarInn.
			return svarut.Local(writeJSONLine(e, map[string]any{"id": f.ID, "tittel": f.Tittel, "filer": saved.Files, "verified": saved.Verified, "dir": saved.Dir}))
		}
		note := ""
		if !saved.Verified {
			note = " (unverified: SvarInn listed no checksum)"
		}
		fmt.Fprintf(e.stdout, "received %s: %d file(s) in %s%s\n", f.ID, len(saved.Files), saved.Dir, note)
		return nil
	}))
	if !of.json {
		if leases != nil {
			fmt.Fprintf(e.stdout, "%d received, %d failed, %d handled by another replica\n", res.Kvittert, res.Feilet, res.Elsewhere)
		} else {
			fmt.Fprintf(e.stdout, "%d received, %d failed\n", res.Kvittert, res.Feilet)
		}
	}
	pb.done()
	for _, r := range res.Forsendelser {
		if r.Utfall == svarut.Feilet {
			how := "for now"
			if r.Permanent {
				how = "permanently"
			}
			fmt.Fprintf(e.stderr, "failed %s (reported to SvarInn %s): %s\n", r.ID, how, oneLine(r.Err.Error()))
		}
	}
	if err != nil {
		if errors.Is(err, svarut.ErrLocal) {
			return ioErr(err) // this machine's fault: exit 2, SvarInn was told nothing
		}
		return serviceErr(err)
	}
	if res.Feilet > 0 {
		return noErr(fmt.Errorf("%d forsendelser could not be stored (reported to SvarInn)", res.Feilet))
	}
	return nil
}
