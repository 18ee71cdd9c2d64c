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

	"github.com/fellesklient/fellesklient/fiks/digisos/digisostest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

func TestDigisosCLI(t *testing.T) {
	t.Parallel()
	fx := fikstest.NewFixture(t, "910000001")
	fake := digisostest.NewServer(t, digisostest.Options{Maskinporten: fx.Maskinporten, Plain: true})
	fake.AddIntegrasjon(fx.Integrasjon)
	org := uuid.NewString()
	fake.AddOrg(org)
	tok, err := fx.Tokens.Token(context.Background())
	require.NoError(t, err)
	vars := map[string]string{"MASKINPORTEN_TOKEN": tok.Value, "FIKS_INTEGRASJON_ID": fx.Integrasjon.ID, "FIKS_INTEGRASJON_PASSORD": fx.Integrasjon.Passord}
	common := []string{"--base-url", fake.URL(), "--fiks-org", org}

	r := runCLI(t, vars, append(append([]string{"digisos", "ny"}, common...), "--soker-fnr", "13097248022", "--json")...)
	require.Equal(t, 0, r.code, r.stderr)
	var ny map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &ny))
	id := ny["digisosId"]
	require.NotNil(t, fake.Sak(id))

	dir := t.TempDir()
	pdf := filepath.Join(dir, "vedtak.pdf")
	require.NoError(t, os.WriteFile(pdf, []byte("%PDF-1.7 vedtak\n"), 0o600))
	r = runCLI(t, vars, append(append([]string{"digisos", "upload"}, common...), "--digisos-id", id, "--json", pdf)...)
	require.Equal(t, 0, r.code, r.stderr)
	var info []struct {
		ID string `json:"dokumentlagerDokumentId"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &info))
	require.Len(t, info, 1)
	assert.Equal(t, "application/pdf", fake.Sak(id).Filer[0].Mimetype)

	status := filepath.Join(dir, "digisos-soker.json")
	require.NoError(t, os.WriteFile(status, []byte(`{"version":"1.0.0","avsender":{"systemnavn":"fagsystem","systemversjon":"1"},"hendelser":[
		{"type":"vedtakFattet","hendelsestidspunkt":"2026-12-02T10:00:00.000Z","saksreferanse":"sak-1","utfall":"INNVILGET","vedtaksfil":{"referanse":{"type":"dokumentlager","id":"`+info[0].ID+`"}}}]}`), 0o600))
	r = runCLI(t, vars, append(append([]string{"digisos", "status"}, common...), "--digisos-id", id, status)...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, fake.Sak(id).Historikk, 1)

	// Invalid: every problem printed, nothing sent, exit 1.
	bad := filepath.Join(dir, "feil.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"version":"1","hendelser":[]}`), 0o600))
	before := fake.Requests()
	r = runCLI(t, vars, append(append([]string{"digisos", "status"}, common...), "--digisos-id", id, bad)...)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "avsender")
	assert.Contains(t, r.stdout, "/version")
	assert.Equal(t, before, fake.Requests())

	t.Run("NAV's examples", func(t *testing.T) {
		ex := testutil.SharedFile(t, "specs/fiks/digisos/navikt-soknadsosialhjelp-filformat/examples/digisos-soker/komplett.json")
		r := runCLI(t, vars, append(append([]string{"digisos", "status"}, common...), "--digisos-id", id, ex)...)
		assert.Equal(t, 0, r.code, r.stderr)
	})
	r = runCLI(t, vars, "digisos", "status", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "Example:")
}
