package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
)

func TestFolkeregisterPerson(t *testing.T) {
	fx := fikstest.NewFixture(t, "910000020", "folkeregister:rolle:r1")
	tok, err := fx.Tokens.Token(context.Background())
	require.NoError(t, err)
	fake := folkeregistertest.NewServer(t, folkeregistertest.Options{Maskinporten: fx.Maskinporten, Plain: true})
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddRolle(folkeregistertest.Rolle{ID: "r1", Parts: []string{"person-basis", "relasjon-utvidet"}})
	born := time.Date(1985, 4, 2, 0, 0, 0, 0, time.UTC)
	nr := folkeregistertest.Foedselsnummer(born, 120)
	barn := folkeregistertest.Foedselsnummer(time.Date(2015, 6, 1, 0, 0, 0, 0, time.UTC), 510)
	fake.AddPerson(folkeregistertest.Person{Foedselsnummer: nr, Fornavn: "Ola", Etternavn: "Nordmann", Kjoenn: "mann", Foedselsdato: born,
		Bostedsadresse: &folkeregistertest.Adresse{Adressenavn: "Fjordgata", Husnummer: 3, Postnummer: "7010", Poststed: "TRONDHEIM"},
		Relasjoner:     []folkeregistertest.Relasjon{{Foedselsnummer: barn, RelatertPersonsRolle: "barn", MinRolleForPerson: "far"}}})
	vars := map[string]string{"MASKINPORTEN_TOKEN": tok.Value, "FIKS_INTEGRASJON_ID": fx.Integrasjon.ID, "FIKS_INTEGRASJON_PASSORD": fx.Integrasjon.Passord}

	r := runCLI(t, vars, "folkeregister", "person", nr, "--rolle", "r1", "--base-url", fake.URL(), "--parts", "person-basis,relasjon-utvidet")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Ola Nordmann")
	assert.Contains(t, r.stdout, "Fjordgata 3, 7010 TRONDHEIM")
	assert.Contains(t, r.stdout, nr[:6]+"*****")
	assert.Contains(t, r.stdout, "barn "+barn[:6]+"*****")
	assert.NotContains(t, r.stdout+r.stderr, nr)
	assert.NotContains(t, r.stdout+r.stderr, barn)

	r = runCLI(t, vars, "folkeregister", "person", nr, "--rolle", "r1", "--base-url", fake.URL(), "--json")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout, nr)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Equal(t, "Ola Nordmann", doc["navn"], "the typed model, not the raw document")
	assert.Equal(t, "bosatt", doc["status"])
	assert.Equal(t, "ugradert", doc["adressebeskyttelse"])
	assert.Equal(t, "Fjordgata 3, 7010 TRONDHEIM", doc["bostedsadresse"])
	assert.NotContains(t, doc, "identifikasjonsnummer")

	// A dead person with a parent: the death date (doedsfall is one object in FREG) and
	// the parent are printed; --raw gives the document as received.
	dod := folkeregistertest.Foedselsnummer(time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), 200)
	fake.AddPerson(folkeregistertest.Person{Foedselsnummer: dod, Fornavn: "Per", Etternavn: "Død", Status: "doed", Doedsdato: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC),
		Bostedsadresse: &folkeregistertest.Adresse{Adressenavn: "Kirkeveien", Husnummer: 1, Postnummer: "5003", Poststed: "BERGEN"},
		Relasjoner:     []folkeregistertest.Relasjon{{Foedselsnummer: nr, RelatertPersonsRolle: "far", MinRolleForPerson: "barn"}}})
	r = runCLI(t, vars, "folkeregister", "person", dod, "--rolle", "r1", "--base-url", fake.URL(), "--parts", "person-basis,relasjon-utvidet", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	doc = nil
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Equal(t, "2024-03-01", doc["doedsdato"])
	assert.Equal(t, "doed", doc["status"])
	assert.Equal(t, []any{map[string]any{"rolle": "far", "identifikator": nr[:6] + "*****"}}, doc["foreldre"])
	r = runCLI(t, vars, "folkeregister", "person", dod, "--rolle", "r1", "--base-url", fake.URL(), "--parts", "person-basis,relasjon-utvidet")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "doedsdato:           2024-03-01")
	assert.Contains(t, r.stdout, "forelder:            far "+nr[:6]+"*****")
	r = runCLI(t, vars, "folkeregister", "person", dod, "--rolle", "r1", "--base-url", fake.URL(), "--raw")
	require.Equal(t, 0, r.code, r.stderr)
	doc = nil
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc))
	assert.Contains(t, doc, "identifikasjonsnummer")
	assert.IsType(t, map[string]any{}, doc["doedsfall"])

	r = runCLI(t, vars, "folkeregister", "person", nr, "--rolle", "r1", "--base-url", fake.URL(), "--raw", "--parts", "person-basis,relasjon-utvidet")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, nr)
	assert.Contains(t, r.stdout, barn)
	r = runCLI(t, vars, "folkeregister", "person", nr, "--rolle", "r1", "--base-url", fake.URL(), "--show-identifiers")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, nr)

	// Not found, forbidden part, invalid number, missing rolle, missing credentials.
	other := folkeregistertest.Foedselsnummer(born, 300)
	r = runCLI(t, vars, "folkeregister", "person", other, "--rolle", "r1", "--base-url", fake.URL())
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "404")
	assert.NotContains(t, r.stderr, other)
	r = runCLI(t, vars, "folkeregister", "person", nr, "--rolle", "r1", "--base-url", fake.URL(), "--parts", "historikk")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "403")
	bad := nr[:10] + string('0'+(nr[10]-'0'+1)%10)
	r = runCLI(t, vars, "folkeregister", "person", bad, "--rolle", "r1", "--base-url", fake.URL())
	assert.Equal(t, 1, r.code)
	assert.NotContains(t, r.stderr, bad)
	r = runCLI(t, vars, "folkeregister", "person", nr, "--base-url", fake.URL())
	assert.Equal(t, 2, r.code)
	r = runCLI(t, map[string]string{"MASKINPORTEN_TOKEN": tok.Value}, "folkeregister", "person", nr, "--rolle", "r1", "--base-url", fake.URL())
	assert.Equal(t, 2, r.code)
	assert.True(t, strings.Contains(r.stderr, "FIKS_INTEGRASJON_ID"))
}
