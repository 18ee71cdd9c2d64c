package folkeregistertest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

func TestFoedselsnummerIsSynthetic(t *testing.T) {
	d := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 3000; i++ {
		day := d.AddDate(0, 0, i*9)
		ind := 0
		if day.Year() >= 2000 {
			ind = 500
		}
		s := folkeregistertest.Foedselsnummer(day, ind+i%200)
		f, err := ident.ParseFoedselsnummer(s)
		require.NoError(t, err, day)
		assert.Equal(t, ident.KindSyntetisk, f.Kind())
		assert.Equal(t, day, f.Foedselsdato())
	}
}

// rawFake is a fake with integrasjon i1/p1 (privilege for rolle r1) and a token it
// accepts, for tests that speak HTTP to it without the client.
func rawFake(t *testing.T) (*folkeregistertest.Server, *auth.Token) {
	t.Helper()
	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	mo := mp.NewClient("c", "910000020", fiks.Scope)
	mo.HTTPClient = mp.HTTPClient()
	mpc, err := maskinporten.New(mo)
	require.NoError(t, err)
	tok, err := mpc.Fetch(context.Background(), maskinporten.Request{Scopes: []string{fiks.Scope}})
	require.NoError(t, err)
	fake := folkeregistertest.NewServer(t, folkeregistertest.Options{Maskinporten: mp})
	fake.AddIntegrasjon(fikstest.Integrasjon{ID: "i1", Passord: "p1", Org: "910000020", Privileges: []string{"folkeregister:rolle:r1"}})
	return fake, tok
}

// TestRawRules checks the fake's HTTP rules without the client.
func TestRawRules(t *testing.T) {
	fake, tok := rawFake(t)
	fake.AddRolle(folkeregistertest.Rolle{ID: "r1", Parts: []string{"person-basis"}})
	ids := fake.Syntetiske(3, 1)

	do := func(method, path, accept, ctype, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, fake.URL()+"/folkeregister/api/v1/r1/v1/"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.Value)
		req.Header.Set("IntegrasjonId", "i1")
		req.Header.Set("IntegrasjonPassord", "p1")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		resp, err := fake.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return resp.StatusCode, m
	}
	code, doc := do("GET", "personer/"+ids[0], "application/json", "", "")
	require.Equal(t, 200, code)
	navn := doc["navn"].([]any)[0].(map[string]any)
	assert.Equal(t, true, navn["erGjeldende"])
	assert.NotEmpty(t, navn["ajourholdstidspunkt"])
	assert.NotContains(t, doc, "adressebeskyttelse", "only for protected persons")

	code, _ = do("GET", "personer/"+ids[0], "application/xml", "", "")
	assert.Equal(t, http.StatusNotAcceptable, code)
	code, body := do("GET", "personer/"+ids[0]+"?part=familierelasjon", "", "", "")
	assert.Equal(t, http.StatusForbidden, code)
	assert.NotEmpty(t, body["errorId"], "FIKS error body")
	code, _ = do("POST", "personer/bulkoppslag", "", "application/xml", `<x/>`)
	assert.Equal(t, http.StatusUnsupportedMediaType, code)
	many := make([]string, 1001)
	for i := range many {
		many[i] = ids[0]
	}
	b, _ := json.Marshal(map[string]any{"foedselsEllerDNummer": many})
	code, _ = do("POST", "personer/bulkoppslag", "", "application/json", string(b))
	assert.Equal(t, http.StatusBadRequest, code)
	code, _ = do("GET", "hendelser/feed?seq=1", "", "", "")
	assert.Equal(t, http.StatusForbidden, code, "role without the feed")
	code, _ = do("GET", "personer/soek", "", "", "")
	assert.Equal(t, http.StatusBadRequest, code)
}

// TestAnswersMatchFREG checks every kind of answer the fake gives against Skatteetaten's
// OpenAPI v1.5 (../shared/specs/fiks/folkeregister/freg-openapi), closed to properties it
// does not define: person (with history, relations, a death, protection), archived
// person, entydigsoek, bulk (somBestilt with a failed item), search, feed, event
// document, bulk event documents and the newest sequence number. It also checks ETag and
// If-None-Match.
func TestAnswersMatchFREG(t *testing.T) {
	oas := testutil.LoadOAS(t, "specs/fiks/folkeregister/freg-openapi/freg-offentlig-med-hjemmel-v1.5.yaml")
	const P = "folkeregisteret.tilgjengeliggjoering.person.v1."
	const H = "folkeregisteret.tilgjengeliggjoering.hendelse.v1."
	const F = "ske.folkeregister.rettighetspakke.hendelser."
	fake, tok := rawFake(t)
	fake.AddRolle(folkeregistertest.Rolle{ID: "r1", Parts: []string{"person-basis", "historikk", "relasjon-utvidet"}, Hendelser: true})
	ids := fake.Syntetiske(30, 3)
	born := time.Date(1950, 2, 3, 0, 0, 0, 0, time.UTC)
	dead := folkeregistertest.Foedselsnummer(born, 100)
	fake.AddPerson(folkeregistertest.Person{Foedselsnummer: dead, Fornavn: "Per", Etternavn: "Død", Kjoenn: "mann", Foedselsdato: born,
		Status: "doed", Doedsdato: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Sivilstand: "gift", Gradering: "fortrolig",
		Bostedsadresse:    &folkeregistertest.Adresse{Adressenavn: "Kirkeveien", Husnummer: 1, Postnummer: "5003", Poststed: "BERGEN", Kommunenummer: "4601"},
		TidligereAdresser: []folkeregistertest.Adresse{{Adressenavn: "Storgata", Husnummer: 2, Postnummer: "0150", Poststed: "OSLO", Kommunenummer: "0301"}},
		Relasjoner:        []folkeregistertest.Relasjon{{Foedselsnummer: ids[0], RelatertPersonsRolle: "barn", MinRolleForPerson: "far"}}})
	seq := fake.AddHendelse(dead, "personErDoed")
	fake.AddHendelse(dead, "endringINavn")

	do := func(method, path, body string, hdr ...string) (int, http.Header, []byte) {
		req, _ := http.NewRequest(method, fake.URL()+"/folkeregister/api/v1/r1/v1/"+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.Value)
		req.Header.Set("IntegrasjonId", "i1")
		req.Header.Set("IntegrasjonPassord", "p1")
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		resp, err := fake.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, b
	}
	check := func(schema string, b []byte) {
		t.Helper()
		v := oas.Validator(t, schema, true)
		assert.NoError(t, testutil.ValidateJSON(v, b), "%s: %s", schema, b)
	}
	checkList := func(schema string, b []byte) {
		t.Helper()
		var list []json.RawMessage
		require.NoError(t, json.Unmarshal(b, &list), "%s", b)
		require.NotEmpty(t, list)
		for _, e := range list {
			check(schema, e)
		}
	}
	closed := oas.Validator(t, P+"Folkeregisterperson", true)
	assert.Error(t, testutil.ValidateJSON(closed, []byte(`{"navn":[{"fornavn":"A","etternavn":"B","kallenavn":"x"}]}`)), "the check is closed to unknown fields")
	var etag string
	for _, id := range append(ids[:5], dead) {
		for _, q := range []string{"", "?part=historikk&part=person-basis&part=relasjon-utvidet"} {
			code, h, b := do("GET", "personer/"+id+q, "")
			require.Equal(t, 200, code, "%s", b)
			check(P+"Folkeregisterperson", b)
			assert.NotEmpty(t, h.Get("ETag"))
			etag = h.Get("ETag")
		}
	}
	code, _, b := do("GET", "personer/"+dead+"?part=historikk&part=person-basis&part=relasjon-utvidet", "", "If-None-Match", etag)
	assert.Equal(t, http.StatusNotModified, code)
	assert.Empty(t, b)
	var doc map[string]any
	_, _, b = do("GET", "personer/"+dead, "")
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.IsType(t, map[string]any{}, doc["doedsfall"], "doedsfall is one object")

	code, _, b = do("GET", "hendelser/feed?seq=1", "")
	require.Equal(t, 200, code)
	checkList(F+"LagretHendelseMedDokumentIdentifikatorer", b)
	var feed []struct {
		Hendelse map[string]any `json:"hendelse"`
	}
	require.NoError(t, json.Unmarshal(b, &feed))
	assert.Equal(t, "personErDoed", feed[seq-1].Hendelse["hendelsetype"])
	dokID, _ := feed[seq-1].Hendelse["hendelsesdokument"].(string)
	personDok, _ := feed[seq-1].Hendelse["persondokument"].(string)

	code, _, b = do("GET", "hendelser/"+dokID, "")
	require.Equal(t, 200, code, "%s", b)
	check(H+"DokumentForHendelse", b)
	assert.Contains(t, string(b), `"entitet":"doedsfall"`)
	code, _, b = do("POST", "hendelser/bulkoppslag", `{"dokumentidentifikator":["`+dokID+`","ukjent"]}`)
	require.Equal(t, 200, code, "%s", b)
	checkList(H+"DokumentForHendelse", b)
	code, _, b = do("GET", "hendelser/siste/sekvensnummer", "")
	require.Equal(t, 200, code)
	check(F+"Sekvensnummer", b)
	assert.JSONEq(t, `{"sekvensnummer":2}`, string(b))
	code, _, b = do("GET", "personer/arkiv/"+personDok, "")
	require.Equal(t, 200, code, "%s", b)
	check(P+"Folkeregisterperson", b)

	unknown := folkeregistertest.Foedselsnummer(time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC), 1)
	code, _, b = do("POST", "personer/bulkoppslag?somBestilt=true", `{"foedselsEllerDNummer":["`+ids[1]+`","`+unknown+`"]}`)
	require.Equal(t, 200, code, "%s", b)
	check(P+"bulk.response.PersonBulkoppslagResponse", b)
	assert.Contains(t, string(b), `"feilmelding":{"feilmelding"`)
	code, _, b = do("GET", "personer/soek?navn=per&fylkesnummer=46&inkluderDoede=true&maksTreff=5", "")
	require.Equal(t, 200, code, "%s", b)
	check(P+"soek.response.PersonsoekResponse", b)
	assert.Contains(t, string(b), dead)
	code, _, b = do("GET", "personer/entydigsoek?navn=Per+D%C3%B8d&foedselsdato=19500203", "")
	require.Equal(t, 200, code, "%s", b)
	check(P+"Folkeregisterperson", b)
	code, _, b = do("GET", "personer/soek?kjoenn=mann&maksTreff=1", "")
	assert.Equal(t, http.StatusBadRequest, code, "more hits than maksTreff")
	check("ske.folkeregister.exception.javaxrs.FolkeregisterFeilmelding", b)
}
