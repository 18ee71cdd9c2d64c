package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
)

// einnsynFake is a plain-http fake with one published saksmappe of n journalposter.
func einnsynFake(t *testing.T, n int) (*einnsyntest.Server, auth.Secret, string) {
	t.Helper()
	fake := einnsyntest.NewServer(t, einnsyntest.Options{Plain: true})
	enh := fake.AddEnhet(einnsyntest.Enhet{Navn: "Testkommune", Orgnummer: "910000020"})
	key := fake.AddAPIKey(enh)
	c, err := einnsyn.New(einnsyn.Options{BaseURL: fake.URL(), APIKey: key})
	require.NoError(t, err)
	ctx := context.Background()
	ark, err := c.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Arkiv"})
	require.NoError(t, err)
	del, err := c.Arkivdeler.Create(ctx, ark.ID, &einnsyn.Arkivdel{Tittel: "Arkivdel"})
	require.NoError(t, err)
	sm := &einnsyn.Saksmappe{Mappe: einnsyn.Mappe{OffentligTittel: "Reguleringsplan Sentrum", OffentligTittelSensitiv: "Reguleringsplan Sentrum"},
		Saksaar: 2025, Sakssekvensnummer: 1}
	for i := 1; i <= n; i++ {
		sm.Journalpost = append(sm.Journalpost, einnsyn.Ref[einnsyn.Journalpost]{Object: &einnsyn.Journalpost{
			Registrering: einnsyn.Registrering{OffentligTittel: fmt.Sprintf("Merknad til reguleringsplan %d", i), OffentligTittelSensitiv: "x"},
			Journalaar:   2025, Journalsekvensnummer: i, Journalpostnummer: i, Journalposttype: einnsyn.InngaaendeDokument,
			Journaldato: einnsyn.NewDato(2025, 1, 1+i%28)}})
	}
	created, err := c.Saksmapper.Create(ctx, del.ID, sm)
	require.NoError(t, err)
	return fake, key, created.ID
}

func TestEinnsynSearch(t *testing.T) {
	fake, _, _ := einnsynFake(t, 250)
	// All hits, over three pages of 100, as JSON Lines.
	before := fake.Requests()
	r := runCLI(t, nil, "einnsyn", "search", "reguleringsplan", "--base-url", fake.URL(), "--json")
	require.Equal(t, 0, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	assert.Len(t, lines, 251, "250 journalposter and the saksmappe")
	assert.Equal(t, 3, fake.Requests()-before)
	seen := map[string]bool{}
	for _, l := range lines {
		var h struct {
			ID, Entity, Tittel string
			Objekt             map[string]any
		}
		require.NoError(t, json.Unmarshal([]byte(l), &h))
		assert.NotEmpty(t, h.ID)
		assert.Contains(t, []string{"Journalpost", "Saksmappe"}, h.Entity)
		assert.Contains(t, strings.ToLower(h.Tittel), "reguleringsplan")
		assert.Equal(t, h.ID, h.Objekt["id"])
		seen[h.ID] = true
	}
	assert.Len(t, seen, 251)

	// --max stops early, --entity filters; text output.
	r = runCLI(t, nil, "einnsyn", "search", "--base-url", fake.URL(), "--max", "7", "--entity", "Journalpost", "merknad")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Len(t, strings.Split(strings.TrimSpace(r.stdout), "\n"), 7)
	assert.Contains(t, r.stderr, "7 hit(s)")

	// Usage errors exit 2; a refused option (bad entity) exits 1 before any request.
	before = fake.Requests()
	assert.Equal(t, 2, runCLI(t, nil, "einnsyn", "search").code)
	assert.Equal(t, 2, runCLI(t, nil, "einnsyn", "search", "x", "--env", "staging").code)
	for name, want := range map[string]string{"prod": "https://api.einnsyn.no", "test": "https://api.test.einnsyn.no"} {
		f := einnsynFlags{env: name}
		c, err := f.client(&env{getenv: func(string) string { return "" }})
		require.NoError(t, err)
		assert.Equal(t, want, strings.TrimSuffix(c.BaseURL(), "/"), name)
	}
	assert.Equal(t, 2, runCLI(t, nil, "einnsyn", "search", "x", "--base-url", "http://example.org").code)
	assert.Equal(t, 1, runCLI(t, nil, "einnsyn", "search", "x", "--base-url", fake.URL(), "--entity", "Enhet").code)
	assert.Equal(t, before, fake.Requests())

	// A failing service exits 1 with the API's message.
	fake.FailNext(5, 503, 0)
	r = runCLI(t, nil, "einnsyn", "search", "x", "--base-url", fake.URL())
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "503")
}

func TestEinnsynGet(t *testing.T) {
	fake, key, smID := einnsynFake(t, 2)
	r := runCLI(t, nil, "einnsyn", "search", "merknad", "--base-url", fake.URL(), "--json", "--max", "1", "--entity", "Journalpost")
	require.Equal(t, 0, r.code, r.stderr)
	var h struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &h))

	r = runCLI(t, nil, "einnsyn", "get", h.ID, "--base-url", fake.URL(), "--expand", "saksmappe", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &obj))
	assert.Equal(t, "Journalpost", obj["entity"])
	sm, ok := obj["saksmappe"].(map[string]any)
	require.True(t, ok, "saksmappe expanded")
	assert.Equal(t, smID, sm["id"])
	assert.NotContains(t, obj, "offentligTittelSensitiv", "anonymous: no sensitive title")

	// With the API key the publisher sees the sensitive title; text output.
	r = runCLI(t, map[string]string{"EINNSYN_API_KEY": string(key)}, "einnsyn", "get", "--base-url", fake.URL(), h.ID)
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "Journalpost "+h.ID))
	assert.Contains(t, r.stdout, "offentligTittelSensitiv:")
	assert.NotContains(t, r.stdout+r.stderr, string(key))

	r = runCLI(t, nil, "einnsyn", "get", "jp_01jh532p3ve6haq7n53xgpqayh", "--base-url", fake.URL())
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "notFound")
	r = runCLI(t, map[string]string{"EINNSYN_API_KEY": "secret_feil"}, "einnsyn", "get", h.ID, "--base-url", fake.URL())
	assert.Equal(t, 1, r.code)
	assert.NotContains(t, r.stderr, "secret_feil")
	r = runCLI(t, nil, "einnsyn", "get", "13097248022", "--base-url", fake.URL())
	assert.Equal(t, 1, r.code)
	assert.NotContains(t, r.stderr, "13097248022")
	assert.Equal(t, 2, runCLI(t, nil, "einnsyn", "get").code)
}
