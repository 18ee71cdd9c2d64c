package main

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

type svarutCLI struct {
	fake    *svaruttest.Server
	konto   string
	vars    map[string]string
	keyFile string
	cert    *x509.Certificate
	key     *rsa.PrivateKey
}

func newSvarutCLI(t *testing.T) *svarutCLI {
	konto := uuid.NewString()
	fx := fikstest.NewFixture(t, "910000020", "svarut:konto:"+konto)
	tok, err := fx.Tokens.Token(context.Background())
	require.NoError(t, err)
	fake := svaruttest.NewServer(t, svaruttest.Options{Maskinporten: fx.Maskinporten, Plain: true})
	fake.AddKonto(konto)
	fake.AddIntegrasjon(fx.Integrasjon)
	key := testutil.Key(t, 2048, 9)
	cert := testutil.Cert(t, key, "mottakersystem", "974760673", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	fake.AddMottakersystem(svaruttest.Mottakersystem{ID: "sys", Passord: "sys-pw", Organisasjonsnummer: "974760673", Sertifikat: cert, Niva: 3})
	kf := filepath.Join(t.TempDir(), "m.key")
	require.NoError(t, os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	return &svarutCLI{fake: fake, konto: konto, keyFile: kf, cert: cert, key: key, vars: map[string]string{
		"MASKINPORTEN_TOKEN": tok.Value, "FIKS_INTEGRASJON_ID": fx.Integrasjon.ID, "FIKS_INTEGRASJON_PASSORD": fx.Integrasjon.Passord,
		"SVARINN_BRUKER": "sys", "SVARINN_PASSORD": "sys-pw"}}
}

func TestSvarutCLI(t *testing.T) {
	s := newSvarutCLI(t)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "vedtak.pdf")
	xml := filepath.Join(dir, "vedlegg.xml")
	require.NoError(t, os.WriteFile(pdf, []byte("%PDF-1.7 vedtak\n%%EOF\n"), 0o600))
	require.NoError(t, os.WriteFile(xml, []byte("<vedlegg/>"), 0o600))
	meta := filepath.Join(dir, "meta.json")
	require.NoError(t, os.WriteFile(meta, []byte(`{"saksaar":2026,"sakssekvensnummer":42,"tittel":"Sak"}`), 0o600))

	// To a person, printable, with Noark metadata (v3 takes that only for an
	// organisation, so by the v2 API): JSON out.
	r := runCLI(t, s.vars, "svarut", "send", "--api-version", "v2", "--base-url", s.fake.URL(), "--konto", s.konto, "--tittel", "Vedtak",
		"--mottaker-fnr", "13097248022", "--mottaker-navn", "Kari Nordmann", "--adresse", "Kirkeveien 12B", "--postnummer", "5003",
		"--poststed", "BERGEN", "--metadata", meta, "--json", pdf)
	require.Equal(t, 0, r.code, r.stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	id := out["id"].(string)
	assert.NotEmpty(t, out["eksternReferanse"])
	stored := s.fake.Forsendelser()
	require.Len(t, stored, 1)
	assert.Contains(t, string(stored[0].Metadata), `"sakssekvensnummer":42`)
	assert.Equal(t, "v2", stored[0].APIVersion)

	r = runCLI(t, s.vars, "svarut", "status", "--base-url", s.fake.URL(), "--konto", s.konto, id)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "MOTTATT")
	r = runCLI(t, s.vars, "svarut", "status", "--base-url", s.fake.URL(), "--konto", s.konto, uuid.NewString())
	assert.Equal(t, 1, r.code)
	r = runCLI(t, s.vars, "svarut", "status", "--json", "--base-url", s.fake.URL(), "--konto", s.konto, uuid.NewString())
	assert.Equal(t, 1, r.code, "not found is exit 1 with --json too")
	assert.JSONEq(t, "[]", r.stdout)
	// Under --json the error is one JSON object too: message, exit code, what SvarUt said.
	s.fake.FailNext(1, 403, 0)
	r = runCLI(t, s.vars, "svarut", "status", "--json", "--base-url", s.fake.URL(), "--konto", s.konto, uuid.NewString())
	assert.Equal(t, 1, r.code)
	var jerr map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &jerr), r.stderr)
	assert.Equal(t, float64(1), jerr["code"])
	assert.Equal(t, float64(403), jerr["status"])
	assert.NotEmpty(t, jerr["errorId"])
	assert.Contains(t, jerr["error"], "fellesklient: ")
	r = runCLI(t, s.vars, "svarut", "status", "--json", "--konto", s.konto)
	assert.Equal(t, 2, r.code)
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &jerr), r.stderr)
	assert.Equal(t, float64(2), jerr["code"])

	// To an organisation with a receiving system, two files, files before the flags.
	r = runCLI(t, s.vars, "svarut", "send", pdf, xml, "--base-url", s.fake.URL(), "--konto", s.konto, "--tittel", "Til kommunen",
		"--mottaker-orgnr", "974760673", "--mottaker-navn", "Mottakerkommune", "--kun-digital", "--ekstern-referanse", "ref-1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "ref-1")

	// Refused before sending.
	before := s.fake.Requests()
	for _, args := range [][]string{
		{"--mottaker-fnr", "13097248023", "--mottaker-navn", "X", "--kun-digital", pdf},
		{"--mottaker-orgnr", "910000017", "--mottaker-navn", "X", "--kun-digital", pdf},
		{"--mottaker-orgnr", "974760673", "--mottaker-navn", "X", xml}, // non-PDF, printable
		{"--mottaker-orgnr", "974760673", "--mottaker-navn", "X", "--kun-digital"},
		{"--mottaker-orgnr", "974760673", "--mottaker-navn", "X", "--kun-digital", filepath.Join(dir, "finnes-ikke.pdf")},
	} {
		r := runCLI(t, s.vars, append([]string{"svarut", "send", "--base-url", s.fake.URL(), "--konto", s.konto, "--tittel", "T"}, args...)...)
		assert.NotEqual(t, 0, r.code, args)
		assert.NotContains(t, r.stderr, "13097248023")
	}
	assert.Equal(t, before, s.fake.Requests())
	// The refusals speak in flags, not in svarut.Forsendelse's fields.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--mottaker-fnr", "13097248022", "--mottaker-navn", "X", pdf}, "give --adresse, --postnummer and --poststed (SvarUt may print the letter), or --kun-digital"},
		{[]string{"--mottaker-fnr", "13097248022", "--mottaker-navn", "X", "--adresse", "Gata 1", "--postnummer", "50", "--poststed", "BERGEN", pdf}, "--postnummer: four digits in Norway"},
		{[]string{"--mottaker-orgnr", "974760673", "--mottaker-navn", "X", "--kun-digital", "--ekstern-referanse", strings.Repeat("r", 101), pdf}, "--ekstern-referanse: at most 100 characters"},
	} {
		r := runCLI(t, s.vars, append([]string{"svarut", "send", "--base-url", s.fake.URL(), "--konto", s.konto, "--tittel", "T"}, tc.args...)...)
		assert.Equal(t, 2, r.code, tc.args)
		assert.Contains(t, r.stderr, tc.want)
		assert.NotContains(t, r.stderr, "Mottaker.")
		assert.NotContains(t, r.stderr, "KunDigitalLevering")
	}
	assert.Equal(t, before, s.fake.Requests())

	// A --dir that cannot be made is a local fault: exit 2, the cause named, nothing
	// reported to SvarInn.
	blocker := filepath.Join(t.TempDir(), "en-fil")
	require.NoError(t, os.WriteFile(blocker, nil, 0o600))
	r = runCLI(t, s.vars, "svarinn", "receive", "--base-url", s.fake.URL(), "--dir", filepath.Join(blocker, "inn"), "--key", s.keyFile)
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "not a directory")
	for _, f := range s.fake.Forsendelser() {
		assert.NotEqual(t, "IKKE_LEVERT", f.Status, "nothing was reported failed")
	}

	// Receive, into a --dir that does not exist yet (it is made).
	in := filepath.Join(t.TempDir(), "ny", "inn")
	r = runCLI(t, s.vars, "svarinn", "receive", "--base-url", s.fake.URL(), "--dir", in, "--key", s.keyFile)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "1 received, 0 failed")
	stored = s.fake.Forsendelser()
	got, err := os.ReadFile(filepath.Join(in, stored[1].ID, "vedlegg.xml"))
	require.NoError(t, err)
	assert.Equal(t, "<vedlegg/>", string(got))
	metaJSON, err := os.ReadFile(filepath.Join(in, stored[1].ID, "forsendelse.json"))
	require.NoError(t, err)
	var metaDoc map[string]any
	require.NoError(t, json.Unmarshal(metaJSON, &metaDoc))
	assert.Equal(t, stored[1].ID, metaDoc["id"])
	assertCamelCase(t, metaDoc, "forsendelse.json")
	assert.Equal(t, "LEST", s.fake.Forsendelser()[1].Status)
	// Encrypted to the certificate SvarUt publishes (fetched, no --svarut-sertifikat).
	r = runCLI(t, s.vars, "svarut", "send", pdf, "--base-url", s.fake.URL(), "--konto", s.konto, "--tittel", "Kryptert",
		"--mottaker-orgnr", "974760673", "--mottaker-navn", "Mottakerkommune", "--kun-digital", "--kryptert")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, 1, s.fake.PublickeyRequests())

	r = runCLI(t, map[string]string{}, "svarinn", "receive", "--base-url", s.fake.URL(), "--dir", in, "--key", s.keyFile)
	assert.Equal(t, 2, r.code)
	assert.True(t, strings.Contains(r.stderr, "SVARINN_BRUKER"))

	// An API version the command does not speak is a usage error that names the flag.
	for _, args := range [][]string{
		{"svarut", "send", pdf, "--api-version", "v4", "--base-url", s.fake.URL(), "--konto", s.konto, "--tittel", "x", "--mottaker-orgnr", "974760673", "--mottaker-navn", "x"},
		{"svarut", "status", "--api-version", "v1", "--base-url", s.fake.URL(), "--konto", s.konto, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a13"},
		{"svarinn", "receive", "--api-version", "v3", "--base-url", s.fake.URL(), "--dir", in, "--key", s.keyFile},
	} {
		r = runCLI(t, s.vars, args...)
		assert.Equal(t, 2, r.code, args)
		assert.Contains(t, r.stderr, "--api-version", args)
		assert.NotContains(t, r.stderr, "APIVersion", args)
	}
}

// TestSvarutMemory sends and receives a 200 MiB document through the real binary and
// checks each process's peak resident memory (under 64 MiB).
func TestSvarutMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 200 MiB through two processes")
	}
	const size = 200 << 20
	s := newSvarutCLI(t)
	dir := t.TempDir()
	bin := builtCLI(t)
	big := filepath.Join(dir, "stor.pdf")
	f, err := os.Create(big)
	require.NoError(t, err)
	_, err = io.WriteString(f, "%PDF-1.7\n")
	require.NoError(t, err)
	_, err = io.CopyN(f, &testutil.Pattern{}, size-9-7)
	require.NoError(t, err)
	_, err = io.WriteString(f, "\n%%EOF\n")
	require.NoError(t, err)
	require.NoError(t, f.Close())

	env := os.Environ()
	for k, v := range s.vars {
		env = append(env, k+"="+v)
	}
	run := func(args ...string) func() int64 {
		cmd, peak := measured(t, bin, args...)
		cmd.Env = append(cmd.Env, env...)
		o, err := cmd.CombinedOutput()
		require.NoError(t, err, string(o))
		return peak
	}
	send := run("svarut", "send", "--base-url", s.fake.URL(), "--konto", s.konto, "--tittel", "Stor", "--mottaker-orgnr", "974760673",
		"--mottaker-navn", "Mottakerkommune", "--kun-digital", big)
	in := t.TempDir()
	recv := run("svarinn", "receive", "--base-url", s.fake.URL(), "--dir", in, "--key", s.keyFile)
	stored := s.fake.Forsendelser()
	require.Len(t, stored, 1)
	assert.Equal(t, int64(size), stored[0].Dokumenter[0].Storrelse)
	rf, err := os.Open(filepath.Join(in, stored[0].ID, "stor.pdf"))
	require.NoError(t, err)
	defer rf.Close()
	h := sha256.New()
	n, err := io.Copy(h, rf)
	require.NoError(t, err)
	assert.Equal(t, int64(size), n)
	want := sha256.New()
	_, _ = io.WriteString(want, "%PDF-1.7\n")
	_, _ = io.CopyN(want, &testutil.Pattern{}, size-9-7)
	_, _ = io.WriteString(want, "\n%%EOF\n")
	assert.Equal(t, want.Sum(nil), h.Sum(nil))
	for name, peak := range map[string]func() int64{"send": send, "receive": recv} {
		rss := peak()
		t.Logf("%s: peak RSS %d MiB for 200 MiB", name, rss>>20)
		assert.Less(t, rss, int64(64<<20), name)
	}
}

// assertCamelCase checks that every member name in v starts in lower case, as the
// services spell them.
func assertCamelCase(t *testing.T, v any, where string) {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k != "" && k[0] >= 'A' && k[0] <= 'Z' {
				t.Errorf("%s: member %q is not camelCase", where, k)
			}
			assertCamelCase(t, e, where)
		}
	case []any:
		for _, e := range x {
			assertCamelCase(t, e, where)
		}
	}
}
