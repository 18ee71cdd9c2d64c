package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFiksioCLI(t *testing.T) {
	b := fiksiotest.RequireBroker(t)
	a := fikstest.NewFixture(t, "910000001")
	bo := a.Another(t, "910000002")
	fake := fiksiotest.NewServer(t, fiksiotest.Options{Maskinporten: a.Maskinporten, Broker: b, Plain: true})
	fake.AddIntegrasjon(a.Integrasjon)
	fake.AddIntegrasjon(bo.Integrasjon)
	avsender, mottaker := fiksiotest.NewIdentity("Fagsystem", "910000001"), fiksiotest.NewIdentity("Arkiv", "910000002")
	kontoA, kontoB := uuid.NewString(), uuid.NewString()
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: kontoA, Navn: "Fagsystem", IntegrasjonID: a.Integrasjon.ID, Certificate: avsender.Certificate}))
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: kontoB, Navn: "Arkiv", IntegrasjonID: bo.Integrasjon.ID, Certificate: mottaker.Certificate,
		Adresser: []fiksiotest.Adresse{{Identifikator: "ORG_NO.910000002", Meldingsprotokoll: "no.ks.fiks.arkiv.v1", Sikkerhetsniva: 3}}}))
	dir := t.TempDir()
	akey, acert, err := avsender.WritePEM(dir, "avsender")
	require.NoError(t, err)
	mkey, _, err := mottaker.WritePEM(dir, "mottaker")
	require.NoError(t, err)
	vars := func(f *fikstest.Fixture) map[string]string {
		tok, err := f.Tokens.Token(context.Background())
		require.NoError(t, err)
		return map[string]string{"MASKINPORTEN_TOKEN": tok.Value, "FIKS_INTEGRASJON_ID": f.Integrasjon.ID, "FIKS_INTEGRASJON_PASSORD": f.Integrasjon.Passord}
	}
	va, vb := vars(a), vars(bo)

	r := runCLI(t, va, "fiksio", "konto", kontoB, "--base-url", fake.URL(), "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"kontoNavn": "Arkiv"`)
	r = runCLI(t, va, "fiksio", "lookup", "--base-url", fake.URL(), "--orgnr", "910000002", "--protokoll", "no.ks.fiks.arkiv.v1")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, kontoB)
	r = runCLI(t, va, "fiksio", "lookup", "--base-url", fake.URL(), "--orgnr", "999999999", "--protokoll", "no.ks.fiks.arkiv.v1")
	assert.Equal(t, 1, r.code)

	xml := filepath.Join(dir, "arkivmelding.xml")
	pdf := filepath.Join(dir, "melding.json") // a payload named like the metadata file
	require.NoError(t, os.WriteFile(xml, []byte("<arkivmelding/>"), 0o600))
	require.NoError(t, os.WriteFile(pdf, []byte(`{"payload":true}`), 0o600))
	r = runCLI(t, va, "fiksio", "send", "--base-url", fake.URL(), "--fra", kontoA, "--til", kontoB,
		"--type", "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett", "--header", "sak=2026/42", "--signer-key", akey, "--signer-cert", acert, "--json", xml, pdf)
	require.Equal(t, 0, r.code, r.stderr)
	var sent map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &sent))
	require.NotEmpty(t, sent["meldingId"])

	// Refused before anything is sent, naming the flag.
	before := fake.Requests()
	for _, args := range [][]string{
		{"--fra", kontoA, "--til", "ikke-en-uuid", "--type", "t", "--signer-key", akey, "--signer-cert", acert, xml},
		{"--fra", kontoA, "--til", kontoB, "--type", "t", xml}, // no signer
		{"--fra", kontoA, "--til", kontoB, "--type", "t", "--header", "bad", xml},
		{"--fra", kontoA, "--til", kontoB, "--type", "t", filepath.Join(dir, "finnes-ikke")},
	} {
		r := runCLI(t, va, append([]string{"fiksio", "send", "--base-url", fake.URL()}, args...)...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
	}
	r = runCLI(t, va, "fiksio", "send", "--base-url", fake.URL(), "--fra", kontoA, "--til", "ikke-en-uuid", "--type", "t", "--signer-key", akey, "--signer-cert", acert, xml)
	assert.Contains(t, r.stderr, "--til")
	assert.Equal(t, before, fake.Requests())

	in := filepath.Join(t.TempDir(), "inn")
	r = runCLI(t, vb, "fiksio", "receive", "--base-url", fake.URL(), "--amqp-addr", fake.AMQPAddr(), "--plain",
		"--konto", kontoB, "--konto-key", mkey, "--dir", in, "--once", "--idle", "1s")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "1 received, 0 failed")
	got, err := os.ReadFile(filepath.Join(in, sent["meldingId"], "arkivmelding.xml"))
	require.NoError(t, err)
	assert.Equal(t, "<arkivmelding/>", string(got))
	got, err = os.ReadFile(filepath.Join(in, sent["meldingId"], "melding.json"))
	require.NoError(t, err)
	assert.Equal(t, `{"payload":true}`, string(got), "the payload file keeps its name")
	var meta meldingJSON
	b2, err := os.ReadFile(filepath.Join(in, sent["meldingId"], "melding.fiksio.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b2, &meta))
	assert.Equal(t, kontoA, meta.AvsenderKontoID)
	assert.Equal(t, "2026/42", meta.Headere["sak"])
	assert.True(t, meta.Signert)
	assert.ElementsMatch(t, []string{"arkivmelding.xml", "melding.json"}, meta.Filer)
	n, err := fake.QueueLength(kontoB)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "acknowledged after storing")
	// Again: nothing waiting.
	r = runCLI(t, vb, "fiksio", "receive", "--base-url", fake.URL(), "--amqp-addr", fake.AMQPAddr(), "--plain",
		"--konto", kontoB, "--konto-key", mkey, "--dir", in, "--once", "--idle", "500ms")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "0 received, 0 failed")
	// --plain is refused for a broker off loopback.
	r = runCLI(t, vb, "fiksio", "receive", "--base-url", fake.URL(), "--amqp-addr", "io.fiks.test.ks.no:5671", "--plain",
		"--konto", kontoB, "--konto-key", mkey, "--dir", in, "--once")
	assert.Equal(t, 2, r.code)
	// Help names the environment and gives an example.
	r = runCLI(t, vb, "fiksio", "receive", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "FIKS_INTEGRASJON_PASSORD")
	assert.Contains(t, r.stderr, "Example:")

	// On a terminal, send and receive show the bytes on stderr; --quiet and a pipe do not.
	big := filepath.Join(dir, "stor.pdf")
	require.NoError(t, os.WriteFile(big, bytes.Repeat([]byte("%PDF-1.7 "), 400_000), 0o600))
	tty := func(vars map[string]string, args ...string) result {
		var out, errb bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }, stderrTTY: true}
		return result{run(context.Background(), e, args), out.String(), errb.String()}
	}
	r = tty(va, "fiksio", "send", "--base-url", fake.URL(), "--fra", kontoA, "--til", kontoB, "--type", "t.v1",
		"--signer-key", akey, "--signer-cert", acert, big)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stderr, "sending")
	assert.Contains(t, r.stderr, "100%")
	r = tty(vb, "fiksio", "receive", "--base-url", fake.URL(), "--amqp-addr", fake.AMQPAddr(), "--plain",
		"--konto", kontoB, "--konto-key", mkey, "--dir", in, "--once", "--idle", "1s")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "1 received, 0 failed")
	assert.Contains(t, r.stderr, "receiving")
	assert.Regexp(t, `[kMG]B/s`, r.stderr)
	r = tty(va, "fiksio", "send", "--base-url", fake.URL(), "--fra", kontoA, "--til", kontoB, "--type", "t.v1", "--quiet",
		"--signer-key", akey, "--signer-cert", acert, big)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Empty(t, r.stderr)
}
