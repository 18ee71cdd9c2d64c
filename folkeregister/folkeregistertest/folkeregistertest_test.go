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

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/ident"
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

// TestRawRules checks the fake's HTTP rules without the client.
func TestRawRules(t *testing.T) {
	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	mo := mp.NewClient("c", "910000020", fiks.Scope)
	mo.HTTPClient = mp.HTTPClient()
	mpc, err := maskinporten.New(mo)
	require.NoError(t, err)
	tok, err := mpc.Fetch(context.Background(), maskinporten.Request{Scopes: []string{fiks.Scope}})
	require.NoError(t, err)

	fake := folkeregistertest.NewServer(t, folkeregistertest.Options{Maskinporten: mp})
	fake.AddIntegrasjon(fikstest.Integrasjon{ID: "i1", Passord: "p1", Org: "910000020", Privileges: []string{"folkeregister:rolle:r1"}})
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
