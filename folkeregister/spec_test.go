package folkeregister

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// fregOAS is Skatteetaten's own OpenAPI for "Folkeregisteret - offentlig med hjemmel"
// v1.5, the model of record (../shared/specs/fiks/folkeregister/SOURCES.md).
const fregOAS = "specs/fiks/folkeregister/freg-openapi/freg-offentlig-med-hjemmel-v1.5.yaml"

const (
	personNS   = "folkeregisteret.tilgjengeliggjoering.person.v1."
	hendelseNS = "folkeregisteret.tilgjengeliggjoering.hendelse.v1."
	feedNS     = "ske.folkeregister.rettighetspakke.hendelser."
)

func fregTypeCheck() testutil.TypeCheck {
	return testutil.TypeCheck{
		Scalars: map[reflect.Type]string{
			reflect.TypeFor[Dato]():          "string/date",
			reflect.TypeFor[Tidspunkt]():     "string/date-time",
			reflect.TypeFor[Identifikator](): "string",
			reflect.TypeFor[Gradering]():     "string",
			reflect.TypeFor[Tekst]():         "string",
		},
		// The event document's element schemas are the person document's without
		// erGjeldende (an event is about one value); the Go types are shared.
		Extra: func(schema, prop string) bool {
			return strings.HasPrefix(schema, hendelseNS) && prop == "erGjeldende"
		},
	}
}

// TestModelMatchesFREG walks every Go type of the person document, the event document,
// the feed, the bulk and search answers against FREG's OpenAPI v1.5: a field the schema
// does not have, a property the Go type lacks, a list for one object (the old doedsfall)
// or one value for a list, a date held as a string: each fails.
func TestModelMatchesFREG(t *testing.T) {
	oas := testutil.LoadOAS(t, fregOAS)
	tc := fregTypeCheck()
	for _, c := range []struct {
		goType reflect.Type
		schema string
	}{
		{reflect.TypeFor[Person](), personNS + "Folkeregisterperson"},
		{reflect.TypeFor[Hendelsesdokument](), hendelseNS + "DokumentForHendelse"},
		{reflect.TypeFor[feedEntry](), feedNS + "LagretHendelseMedDokumentIdentifikatorer"},
		{reflect.TypeFor[sekvensnummerResponse](), feedNS + "Sekvensnummer"},
		{reflect.TypeFor[bulkResponse](), personNS + "bulk.response.PersonBulkoppslagResponse"},
		{reflect.TypeFor[bulkRequest](), personNS + "bulk.request.PersonBulkoppslagRequest"},
		{reflect.TypeFor[hendelseBulkRequest](), hendelseNS + "bulk.request.HendelseBulkoppslagRequest"},
		{reflect.TypeFor[soekResponse](), personNS + "soek.response.PersonsoekResponse"},
	} {
		t.Run(c.goType.Name(), func(t *testing.T) {
			for _, p := range oas.CheckType(c.goType, c.schema, tc) {
				t.Error(p)
			}
		})
	}
}

// TestModelCheckBites: the walk finds the defects it is there for.
func TestModelCheckBites(t *testing.T) {
	oas := testutil.LoadOAS(t, fregOAS)
	type oldDoedsfall struct {
		Doedsdato Dato `json:"doedsdato"`
	}
	type wrong struct {
		Doedsfall      []oldDoedsfall `json:"doedsfall"`      // a list where FREG has one object
		FalskIdentitet []struct{}     `json:"falskIdentitet"` // the same
		Navn           *Navn          `json:"navn"`           // one where FREG has a list
		Kjoenn         []struct {
			Kjoenn      int    `json:"kjoenn"` // wrong type
			Gjeldende   bool   `json:"gjeldende"`
			Foedselsdag string `json:"ajourholdstidspunkt"` // a timestamp held as a string
		} `json:"kjoenn"`
	}
	problems := strings.Join(oas.CheckType(reflect.TypeFor[wrong](), personNS+"Folkeregisterperson", fregTypeCheck()), "\n")
	for _, want := range []string{
		"doedsfall is one object, Go has a list",
		"falskIdentitet is one object, Go has a list",
		"navn is an array, Go has one",
		"kjoenn.kjoenn is string, Go has int",
		`json "gjeldende" is not a property`,
		"ajourholdstidspunkt is a date-time, Go has string",
		"property " + personNS + "Folkeregisterperson.bostedsadresse is not modelled",
	} {
		if !strings.Contains(problems, want) {
			t.Errorf("the check did not report %q; it reported:\n%s", want, problems)
		}
	}
}

// Upstream examples, verbatim, from Skatteetaten/folkeregisteret-api-dokumentasjon
// src/konsumenttjenester/hendelsesliste.md@042598b ("Hendelsesliste - format JSON",
// "Hendelsesdokument for en korrigering" and "... en annullering"). This older prose
// spells the feed's type "hendelsestype"; the OpenAPI v1.5 says "hendelsetype": both are
// read.
const (
	upstreamFeed = `[
  {
    "sekvensnummer": 1,
    "hendelse": {
      "folkeregisteridentifikator": "69028400470",
      "hendelsestype": "endringIIdentitetsgrunnlag",
      "hendelsesdokument": "55591b51b20518f4f22bf1edd6aa9f25",
      "persondokument": "8f475708c3d855defca884f4af6e49ae",
      "ajourholdstidspunkt": "2017-06-20T09:26:03.689+02:00"
    }
  },
  {
    "sekvensnummer": 2,
    "hendelse": {
      "folkeregisteridentifikator": "69028400470",
      "hendelsestype": "endringIAnnenIdentifikasjon",
      "hendelsesdokument": "1120bea688fb14a292c244592a1aed76",
      "persondokument": "5c3afb4f5afd2fcfbe2f90a6560903a0",
      "ajourholdstidspunkt": "2017-06-20T09:26:03.689+02:00"
    }
  }
]`
	upstreamKorrigering = `{
  "dokumentidentifikator": "eb73af9403b0f5702e802ad4f9b8ca4e",
  "skjemaversjon": "1.0",
  "hendelse": {
    "folkeregisteridentifikator": "16117548867",
    "hendelsestype": "endringIIdentitetsgrunnlag",
    "ajourholdstidspunkt": "2014-01-04T00:00:00Z",
    "egenskapshendelse": [
      {
        "identitetsgrunnlag": {
          "gyldighetstidspunkt": "2017-04-19T10:32:18.294+02:00",
          "kilde": "korrigert-gjeldende-kilde",
          "identitetsgrunnlagstatus": "kontrollert",
          "dokumentgrunnlag": []
        },
        "entitet": "identitetsgrunnlag",
        "entitetsendring": "korrigere"
      }
    ]
  }
}`
	upstreamAnnullering = `{
  "dokumentidentifikator": "c0e054f025e56d63b14f91fbb5abcb95",
  "skjemaversjon": "1.0",
  "hendelse": {
    "folkeregisteridentifikator": "16117548867",
    "hendelsestype": "endringIAnnenIdentifikasjon",
    "ajourholdstidspunkt": "2014-01-05T00:00:00Z",
    "egenskapshendelse": [
      {
        "entitet": "annenIdentifikasjon",
        "entitetsendring": "annullere"
      }
    ]
  }
}`
	// oasFeedEntry is LagretHendelseMedDokumentIdentifikatorer as FREG's OpenAPI v1.5
	// defines it (hendelsetype).
	oasFeedEntry = `[{"sekvensnummer":3,"hendelse":{"folkeregisteridentifikator":"16117548867","hendelsetype":"personErDoed","hendelsesdokument":"d1428661e6f2c5c158bf954facdd3ba2","persondokument":"8f475708c3d855defca884f4af6e49ae","ajourholdstidspunkt":"2024-03-01T10:15:30.123+01:00"}}]`
	// deadPerson is a Folkeregisterperson in the OpenAPI v1.5 shape: doedsfall is one
	// object (PersondokumentMedHistorikk_v1BETA2.xsd agrees: minOccurs 0, no maxOccurs).
	deadPerson = `{
  "identifikasjonsnummer": [{"erGjeldende": true, "kilde": "KILDE_DSF", "foedselsEllerDNummer": "13097248022", "identifikatortype": "foedselsnummer", "status": "iBruk"}],
  "status": [{"erGjeldende": true, "kilde": "KILDE_DSF", "status": "doed"}],
  "doedsfall": {"erGjeldende": true, "kilde": "KILDE_DSF", "gyldighetstidspunkt": "2024-03-02T00:00:00+01:00", "doedsdato": "2024-03-01"},
  "falskIdentitet": {"erGjeldende": true, "erFalsk": false},
  "kontaktinformasjonForDoedsbo": [{"erGjeldende": true, "skifteform": "offentlig", "attestutstedelsesdato": "2024-03-10",
    "adresse": {"adresselinje": ["Postboks 1"], "postnummer": "0101", "poststedsnavn": "OSLO"},
    "advokat": {"personnavn": {"fornavn": "Ada", "etternavn": "Advokat"}, "organisasjonsnavn": "Advokat AS"}}],
  "postadresse": [{"erGjeldende": true, "adressegradering": "ugradert",
    "postadresseIFrittFormat": {"adresselinje": ["c/o Dødsbo", "Kirkeveien 1"], "poststed": {"poststedsnavn": "BERGEN", "postnummer": "5003"}}}]
}`
)

// rawServer serves fixed bodies by path suffix, for decoding upstream examples through
// the client.
func rawServer(t *testing.T, bodies map[string]string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for suffix, b := range bodies {
			if strings.HasSuffix(r.URL.Path, suffix) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, b)
				return
			}
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := New(Options{BaseURL: srv.URL, HTTPClient: srv.Client(), Rolle: "r1",
		Credentials: fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	require.NoError(t, err)
	return c
}

func TestUpstreamFeedAndEventDocuments(t *testing.T) {
	ctx := context.Background()
	c := rawServer(t, map[string]string{
		"/v1/hendelser/feed":                             upstreamFeed,
		"/v1/hendelser/eb73af9403b0f5702e802ad4f9b8ca4e": upstreamKorrigering,
		"/v1/hendelser/c0e054f025e56d63b14f91fbb5abcb95": upstreamAnnullering,
	})
	b, err := c.HendelserPage(ctx, 1, nil)
	require.NoError(t, err)
	require.Len(t, b.Hendelser, 2)
	assert.Equal(t, "endringIIdentitetsgrunnlag", b.Hendelser[0].Hendelsetype)
	assert.Equal(t, "1120bea688fb14a292c244592a1aed76", b.Hendelser[1].Hendelsesdokument)
	assert.Equal(t, int64(3), b.Next)

	c2 := rawServer(t, map[string]string{"/v1/hendelser/feed": oasFeedEntry})
	b, err = c2.HendelserPage(ctx, 3, nil)
	require.NoError(t, err)
	require.Len(t, b.Hendelser, 1)
	assert.Equal(t, "personErDoed", b.Hendelser[0].Hendelsetype, "the OpenAPI's hendelsetype")

	d, err := c.Hendelsesdokument(ctx, "eb73af9403b0f5702e802ad4f9b8ca4e", nil)
	require.NoError(t, err)
	assert.Equal(t, "endringIIdentitetsgrunnlag", d.Hendelse.Hendelsestype)
	require.Len(t, d.Hendelse.Egenskapshendelse, 1)
	e := d.Hendelse.Egenskapshendelse[0]
	assert.Equal(t, "korrigere", e.Entitetsendring)
	require.NotNil(t, e.Identitetsgrunnlag)
	assert.Equal(t, "kontrollert", e.Identitetsgrunnlag.Legitimasjonskontroll)
	assert.Equal(t, "161175*****", d.Hendelse.Folkeregisteridentifikator.String())

	d, err = c.Hendelsesdokument(ctx, "c0e054f025e56d63b14f91fbb5abcb95", nil)
	require.NoError(t, err)
	assert.Equal(t, "annullere", d.Hendelse.Egenskapshendelse[0].Entitetsendring)
	assert.Equal(t, "annenIdentifikasjon", d.Hendelse.Egenskapshendelse[0].Entitet)
}

func TestDeadPersonFromSpec(t *testing.T) {
	oas := testutil.LoadOAS(t, fregOAS)
	v := oas.Validator(t, personNS+"Folkeregisterperson", true)
	require.NoError(t, testutil.ValidateJSON(v, []byte(deadPerson)), "the example is FREG's shape")
	var old map[string]any
	require.NoError(t, json.Unmarshal([]byte(deadPerson), &old))
	old["doedsfall"] = []any{old["doedsfall"]}
	oldDoc, _ := json.Marshal(old)
	require.Error(t, testutil.ValidateJSON(v, oldDoc), "a doedsfall list is not FREG's shape")

	c := rawServer(t, map[string]string{"/v1/personer/13097248022": deadPerson})
	p, err := c.Person(context.Background(), ident.MustParseFoedselsnummer("13097248022"), nil)
	require.NoError(t, err, "a dead person decodes")
	assert.True(t, p.ErDoed())
	assert.Equal(t, "2024-03-01", p.Doedsdato().String())
	require.Len(t, p.KontaktinformasjonForDoedsbo, 1)
	assert.Equal(t, "Advokat AS", p.KontaktinformasjonForDoedsbo[0].Advokat.Organisasjonsnavn)
	a, err := p.Utsendingsadresse()
	require.NoError(t, err)
	assert.Equal(t, Adresse{Adresselinjer: []string{"c/o Dødsbo", "Kirkeveien 1"}, Postnummer: "5003", Poststed: "BERGEN"}, a)

	// What the client writes is FREG's shape too.
	out, err := json.Marshal(p)
	require.NoError(t, err)
	require.NoError(t, testutil.ValidateJSON(v, out), "%s", out)
}
