package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/edialog/edialogtest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/minside/minsidetest"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

func fiksVars(t *testing.T, fx *fikstest.Fixture) map[string]string {
	tok, err := fx.Tokens.Token(context.Background())
	require.NoError(t, err)
	return map[string]string{"MASKINPORTEN_TOKEN": tok.Value, "FIKS_INTEGRASJON_ID": fx.Integrasjon.ID, "FIKS_INTEGRASJON_PASSORD": fx.Integrasjon.Passord}
}

func TestMinsideCLI(t *testing.T) {
	t.Parallel()
	org := uuid.NewString()
	fx := fikstest.NewFixture(t, "974760673", minsidetest.Privilege(org))
	fake := minsidetest.NewServer(t, minsidetest.Options{Maskinporten: fx.Maskinporten, Plain: true})
	fake.AddIntegrasjon(fx.Integrasjon)
	vars := fiksVars(t, fx)
	common := []string{"--base-url", fake.URL(), "--fiks-org", org}
	dir := t.TempDir()
	good := filepath.Join(dir, "vedtak.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"journalposttype":"U","tittel":"Vedtak om skoleplass"}`), 0o600))

	id := uuid.NewString()
	r := runCLI(t, vars, append(append([]string{"minside", "index"}, common...), "--versjon", "JOURNALPOST_V1", "--eksponert-for", "13097248022",
		"--metadata", good, "--melding-id", id, "--ekstern-ref", "skole.2026", "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	assert.Equal(t, "INDEKSERT", out["status"])
	assert.Equal(t, float64(1), out["opprettet"])
	require.NotNil(t, fake.Melding(id))
	assert.Equal(t, "13097248022", fake.Melding(id).EksponertForVerdi)

	// Again: updated.
	r = runCLI(t, vars, append(append([]string{"minside", "index"}, common...), "--versjon", "journalpost_v1", "--eksponert-for", "offentlig",
		"--metadata", good, "--melding-id", id)...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "updated")

	// Invalid metadata: every problem with its pointer, nothing sent, exit 1.
	bad := filepath.Join(dir, "feil.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"journalposttype":"Q","ukjent":1}`), 0o600))
	before := fake.Requests()
	r = runCLI(t, vars, append(append([]string{"minside", "index"}, common...), "--versjon", "JOURNALPOST_V1", "--eksponert-for", "offentlig", "--metadata", bad)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "/journalposttype")
	assert.Contains(t, r.stdout, "ukjent")
	assert.Contains(t, r.stdout, "tittel")
	assert.Equal(t, before, fake.Requests())

	for _, args := range [][]string{
		{"--versjon", "SAKSMAPPE_V1", "--eksponert-for", "offentlig", "--metadata", good},
		{"--versjon", "JOURNALPOST_V1", "--eksponert-for", "13097248023", "--metadata", good},
		{"--versjon", "JOURNALPOST_V1", "--eksponert-for", "offentlig", "--metadata", filepath.Join(dir, "mangler.json")},
	} {
		r = runCLI(t, vars, append(append([]string{"minside", "index"}, common...), args...)...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
		assert.NotContains(t, r.stderr, "13097248023")
	}

	r = runCLI(t, vars, append(append([]string{"minside", "slett"}, common...), "--versjon", "JOURNALPOST_V1", "--melding-id", id, "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.JSONEq(t, `{"versjon":"JOURNALPOST_V1","antallSlettet":1}`, r.stdout)
	assert.Nil(t, fake.Melding(id))
	r = runCLI(t, vars, append(append([]string{"minside", "slett"}, common...), "--versjon", "JOURNALPOST_V1", "--ekstern-ref", "skole.2026")...)
	require.Equal(t, 0, r.code, r.stderr)

	// Another organisation: the typed 403, exit 1.
	r = runCLI(t, vars, "minside", "index", "--base-url", fake.URL(), "--fiks-org", uuid.NewString(), "--versjon", "JOURNALPOST_V1",
		"--eksponert-for", "offentlig", "--metadata", good)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Innsyn Index")

	r = runCLI(t, vars, "minside", "index", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "Example:")
}

func TestEdialogCLI(t *testing.T) {
	t.Parallel()
	fx := fikstest.NewFixture(t, "974760673")
	sv := svaruttest.NewServer(t, svaruttest.Options{Maskinporten: fx.Maskinporten, Plain: true})
	sv.NewMottakersystem("sakarkiv", "pw-123", "910000020")
	fake := edialogtest.NewServer(t, edialogtest.Options{Maskinporten: fx.Maskinporten, SvarUt: sv, Plain: true})
	fake.AddIntegrasjon(fx.Integrasjon)
	m := fake.AddMottaker(edialogtest.Mottaker{Navn: "Skole", Orgnr: "910000020", Mottakersystem: "sakarkiv"})
	vars := fiksVars(t, fx)
	dir := t.TempDir()
	pdf := filepath.Join(dir, "soknad.pdf")
	require.NoError(t, os.WriteFile(pdf, []byte("%PDF-1.7 søknad"), 0o600))
	r := runCLI(t, vars, "edialog", "send", "--base-url", fake.URL(), "--mottaker", m.ID, "--tittel", "Søknad", "--melding", "Se vedlegg",
		"--sensitivt", "--avsender-navn", "Kari Nordmann", "--avsender-fnr", "13097248022", "--json", pdf)
	require.Equal(t, 0, r.code, r.stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
	assert.Equal(t, float64(1), out["filer"])
	fs := sv.Forsendelser()
	require.Len(t, fs, 1)
	assert.Equal(t, "Søknad", fs[0].Tittel)

	r = runCLI(t, vars, "edialog", "send", "--base-url", fake.URL(), "--mottaker", "910000020", "--tittel", "x", "--avsender-navn", "K", "--avsender-fnr", "13097248022")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "not an organisasjonsnummer")
	r = runCLI(t, vars, "edialog", "send", "--base-url", fake.URL(), "--mottaker", m.ID, "--tittel", "x", "--avsender-navn", "K", "--avsender-fnr", "13097248023")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--avsender-fnr")
	assert.NotContains(t, r.stderr, "13097248023")
}
