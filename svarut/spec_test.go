package svarut_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

const (
	sendV3OAS   = "specs/fiks/svarut/openapi/v3/forsendelse-send-api-v3.json"
	statusV3OAS = "specs/fiks/svarut/openapi/v3/forsendelse-status-api-v3.json"
	sendV2OAS   = "specs/fiks/svarut/openapi/v2/forsendelse-send-api-v2.json"
)

func (f *fixture) stored(t *testing.T, id string) []byte {
	t.Helper()
	for _, x := range f.fake.Forsendelser() {
		if x.ID == id {
			return x.Metadata
		}
	}
	t.Fatalf("forsendelse %s not stored", id)
	return nil
}

// fullForsendelser are forsendelser with every field each v3 recipient kind takes.
func fullForsendelser() map[string]*svarut.Forsendelse {
	adr := &svarut.Postadresse{Adresselinjer: []string{"Kirkeveien 12B", "Leil. 3"}, Postnummer: "5003", Poststed: "BERGEN"}
	utland := &svarut.Postadresse{Adresselinjer: []string{"Storgatan 1"}, Postnummer: "111 20", Poststed: "STOCKHOLM", Land: "Sverige", Landkode: "SE"}
	kontor := &svarut.Mottaker{Navn: "Plan og bygg", Organisasjonsnummer: mottakOrg, Postadresse: adr}
	svarPa := "6f1e7a4e-3c1b-4d5e-9a0b-1c2d3e4f5a6b"
	lenker := []svarut.Lenke{{URL: "https://kommune.no/sak/1", Tekst: "Saken", Ledetekst: "Les mer:"}}
	noark := &svarut.NoarkMetadata{Saksaar: 2026, Sakssekvensnummer: 42, Journalaar: 2026, Journalsekvensnummer: 7, Journalpostnummer: 3,
		Journalposttype: "U", Journalstatus: "J", Journaldato: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC),
		DokumentetsDato: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC), Tittel: "Vedtak", Saksbehandler: "Kari Saksbehandler",
		MappeID: "2026/42", MappeSystemID: "m-1", SystemID: "j-1", RegistreringsID: "2026/42-3", EkstraMetadata: []svarut.Metadata{{Key: "k", Value: "v"}}}
	imp := *noark
	imp.Saksbehandler, imp.Journaldato, imp.EkstraMetadata = "", time.Time{}, nil
	return map[string]*svarut.Forsendelse{
		"person": {Tittel: "Vedtak", Mottaker: svarut.Mottaker{Navn: "Kari Nordmann", Foedselsnummer: person, Postadresse: adr},
			EksponertFor: []svarut.Tilgang{{Organisasjonsnummer: mottakOrg}}, AvgivendeSystem: "Fagsystem", AvgivendeSystemAktor: "sb-1",
			Konteringskode: "K-1", Kryptert: true, KrevNiva4Innlogging: true, Utskriftskonfigurasjon: &svarut.Utskriftskonfigurasjon{Tosidig: true},
			SvarSendesTil: kontor, SvarPaForsendelse: svarPa, SvarPaForsendelseLink: true, Lenker: lenker, EksternReferanse: "ref-person",
			Korrelasjonsid: "korr-1", Signering: &svarut.Signering{Utloper: time.Now().Add(72 * time.Hour), SignaturType: svarut.AvansertSignatur},
			Dokumenter: []svarut.Dokument{
				withDoc(svarut.Bytes("vedtak.pdf", []byte("%PDF vedtak")), func(d *svarut.Dokument) { d.SkalSigneres, d.GiroarkSider = true, []int32{1} }),
				withDoc(svarut.Bytes("data.csv", []byte("a;b")), func(d *svarut.Dokument) { d.SkalEkskluderesFraUtskrift = true }),
			}},
		"organisasjon": {Tittel: "Oversendelse", Mottaker: svarut.Mottaker{Navn: "Nabokommunen", Organisasjonsnummer: org, Postadresse: utland},
			EksponertFor: []svarut.Tilgang{{Foedselsnummer: person}}, AvgivendeSystem: "Fagsystem", AvgivendeSystemAktor: "sb-1",
			Konteringskode: "K-1", KunDigitalLevering: true, Kryptert: true, Utskriftskonfigurasjon: &svarut.Utskriftskonfigurasjon{Tosidig: true},
			Metadata: noark, MetadataForImport: &imp, SvarSendesTil: kontor, SvarPaForsendelse: svarPa, Lenker: lenker,
			Forsendelsestype: "Byggesak", EksternReferanse: "ref-org", Korrelasjonsid: "korr-1", SvarPaForsendelseLink: true, TaushetsbelagtPost: true,
			Dokumenter: []svarut.Dokument{withDoc(svarut.Bytes("brev.xml", []byte("<brev/>")), func(d *svarut.Dokument) {
				d.DokumentType, d.GiroarkSider, d.SkalEkskluderesFraUtskrift = "H", []int32{2}, true
				d.EkstraMetadata, d.InneholderPersonsensitivInformasjon = []svarut.Metadata{{Key: "versjon", Value: "4"}}, true
			})}},
		"print": {Tittel: "Varsel", Mottaker: svarut.Mottaker{Navn: "Eier av gnr 12 bnr 3", Postadresse: adr},
			AvgivendeSystem: "Fagsystem", AvgivendeSystemAktor: "sb-1", Konteringskode: "K-1", Kryptert: true,
			Utskriftskonfigurasjon: &svarut.Utskriftskonfigurasjon{Tosidig: true}, SvarSendesTil: kontor, SvarPaForsendelse: svarPa,
			EksternReferanse: "ref-print", Korrelasjonsid: "korr-1",
			Dokumenter: []svarut.Dokument{withDoc(svarut.Bytes("varsel.pdf", []byte("%PDF varsel")), func(d *svarut.Dokument) { d.GiroarkSider = []int32{1} })}},
	}
}

func withDoc(d svarut.Dokument, mod func(*svarut.Dokument)) svarut.Dokument { mod(&d); return d }

// TestSendV3MatchesSpec: a forsendelse with every field a recipient kind takes goes to
// that kind's v3 endpoint, and its forsendelse part is valid against the kind's schema in
// KS's v3 send spec (../shared/specs/fiks/svarut/openapi/v3/forsendelse-send-api-v3.json:
// PersonForsendelse, OrganisasjonForsendelse, PrintForsendelse), closed to any property
// the schema lacks.
func TestSendV3MatchesSpec(t *testing.T) {
	t.Parallel()
	oas := testutil.LoadOAS(t, sendV3OAS)
	schemas := map[string]string{"person": "PersonForsendelse", "organisasjon": "OrganisasjonForsendelse", "print": "PrintForsendelse"}
	fx := newFixture(t)
	c := fx.client(t, nil)
	for kind, f := range fullForsendelser() {
		r, err := c.Send(context.Background(), f)
		require.NoError(t, err, kind)
		meta := fx.stored(t, r.ID)
		v := oas.Validator(t, schemas[kind], true)
		require.NoError(t, testutil.ValidateJSON(v, meta), "%s: %s", kind, meta)
		for _, x := range fx.fake.Forsendelser() {
			if x.ID == r.ID {
				assert.Equal(t, "v3", x.APIVersion)
				assert.Equal(t, kind, x.Endpoint)
			}
		}
		// The check bites: a property of another kind's schema is refused.
		var m map[string]any
		require.NoError(t, json.Unmarshal(meta, &m))
		m["etFeltSomIkkeFinnes"] = true
		b, _ := json.Marshal(m)
		assert.Error(t, testutil.ValidateJSON(v, b), kind)
	}
	var org map[string]any
	for _, x := range fx.fake.Forsendelser() {
		if x.Endpoint == "organisasjon" {
			require.NoError(t, json.Unmarshal(x.Metadata, &org))
		}
	}
	assert.Equal(t, "SE", org["mottaker"].(map[string]any)["adresse"].(map[string]any)["landkode"])
	assert.Equal(t, "Kari Saksbehandler", org["metadataFraAvleverendeSystem"].(map[string]any)["saksbehandler"])
}

// TestSendV2MatchesSpec: with APIVersion V2, the same forsendelser are valid against v2's
// Forsendelse schema (../shared/specs/fiks/svarut/openapi/v2/forsendelse-send-api-v2.json).
func TestSendV2MatchesSpec(t *testing.T) {
	t.Parallel()
	v := testutil.LoadOAS(t, sendV2OAS).Validator(t, "Forsendelse", true)
	fx := newFixture(t)
	fx.version = svarut.V2
	c := fx.client(t, nil)
	for kind, f := range fullForsendelser() {
		r, err := c.Send(context.Background(), f)
		require.NoError(t, err, kind)
		meta := fx.stored(t, r.ID)
		require.NoError(t, testutil.ValidateJSON(v, meta), "%s: %s", kind, meta)
	}
}

// TestV3Refusals: what v3 cannot carry for a recipient is refused before sending, with
// the field named, and V2 takes it.
func TestV3Refusals(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	v2 := fx.client(t, func(o *svarut.Options) { o.APIVersion = svarut.V2 })
	ctx := context.Background()
	full := fullForsendelser()
	cases := map[string]struct {
		base  string
		field string
		mod   func(*svarut.Forsendelse)
	}{
		"colour print":         {"print", "UtskriftMedFarger", func(f *svarut.Forsendelse) { f.Utskriftskonfigurasjon.UtskriftMedFarger = true }},
		"two giro pages":       {"print", "GiroarkSider", func(f *svarut.Forsendelse) { f.Dokumenter[0].GiroarkSider = []int32{1, 2} }},
		"metadata to a person": {"person", "Metadata", func(f *svarut.Forsendelse) { f.Metadata = &svarut.NoarkMetadata{Tittel: "x"} }},
		"type to a person":     {"person", "Forsendelsestype", func(f *svarut.Forsendelse) { f.Forsendelsestype = "Byggesak" }},
		"signing to an org": {"organisasjon", "Signering", func(f *svarut.Forsendelse) {
			f.Dokumenter = []svarut.Dokument{withDoc(svarut.Bytes("a.pdf", []byte("%PDF")), func(d *svarut.Dokument) { d.SkalSigneres = true })}
			f.Signering = &svarut.Signering{Utloper: time.Now().Add(48 * time.Hour), SignaturType: svarut.AutentisertSignatur}
		}},
		"sensitive to a person": {"person", "InneholderPersonsensitivInformasjon", func(f *svarut.Forsendelse) { f.Dokumenter[1].InneholderPersonsensitivInformasjon = true }},
		"reply to no number": {"print", "SvarSendesTil", func(f *svarut.Forsendelse) {
			f.SvarSendesTil = &svarut.Mottaker{Navn: "Kontoret", Postadresse: f.Mottaker.Postadresse}
		}},
		"country by name": {"organisasjon", "Landkode", func(f *svarut.Forsendelse) {
			a := *f.Mottaker.Postadresse
			a.Landkode = ""
			f.Mottaker.Postadresse = &a
		}},
		"lenker on print":   {"print", "Lenker", func(f *svarut.Forsendelse) { f.Lenker = []svarut.Lenke{{URL: "https://x", Tekst: "x"}} }},
		"non-PDF to print":  {"print", "MimeType", func(f *svarut.Forsendelse) { f.Dokumenter[0].MimeType = "text/plain" }},
		"signing no expiry": {"person", "Signering", func(f *svarut.Forsendelse) { f.Signering = &svarut.Signering{SignaturType: svarut.AvansertSignatur} }},
	}
	for name, tc := range cases {
		f := *full[tc.base]
		f.Dokumenter = append([]svarut.Dokument(nil), f.Dokumenter...)
		u := *f.Utskriftskonfigurasjon
		f.Utskriftskonfigurasjon = &u
		tc.mod(&f)
		before := fx.fake.Requests()
		_, err := c.Send(ctx, &f)
		var ve *svarut.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.Contains(t, ve.Field, tc.field, name)
		assert.Equal(t, before, fx.fake.Requests(), "%s: nothing sent", name)
		if name == "colour print" || name == "two giro pages" || name == "metadata to a person" || name == "type to a person" || name == "signing to an org" || name == "sensitive to a person" {
			_, err := v2.Send(ctx, &f)
			assert.NoError(t, err, "%s: v2 takes it", name)
		}
	}
}

// TestFakeV3Rules: the fake refuses v3 bodies the client would never send, as SvarUt's v3
// schema and rules do.
func TestFakeV3Rules(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	post := func(kind, meta string) (int, string) {
		body := "--B\r\nContent-Disposition: form-data; name=\"forsendelse\"\r\nContent-Type: application/json\r\n\r\n" + meta + "\r\n" +
			"--B\r\nContent-Disposition: form-data; name=\"dokumenter\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--B--\r\n"
		return fx.fiksDo(t, http.MethodPost, "/api/v3/kontoer/"+konto+"/forsendelser/"+kind, "multipart/form-data; boundary=B", body)
	}
	doc := `"dokumenter":[{"filnavn":"a.pdf","mimeType":"application/pdf"}]`
	adr := `"adresse":{"adresselinje1":"Vei 1","postnummer":"5003","poststed":"BERGEN"}`
	code, body := post("organisasjon", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673"},"kunDigitalLevering":true,`+doc+`}`)
	require.Equal(t, 200, code, body)
	for name, c := range map[string]struct{ kind, meta, want string }{
		"v2 field":              {"organisasjon", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673"},"kunDigitalLevering":true,"krevNiva4Innlogging":true,` + doc + `}`, "krevNiva4Innlogging"},
		"org number to person":  {"person", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673"},"kunDigitalLevering":true,` + doc + `}`, "fødselsnummer"},
		"digitalId on print":    {"print", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673",` + adr + `},` + doc + `}`, "digitalId"},
		"print no address":      {"print", `{"tittel":"t","mottaker":{"navn":"n"},` + doc + `}`, "adresse"},
		"bad landkode":          {"organisasjon", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673","adresse":{"adresselinje1":"x","poststed":"y","landkode":"Sverige"}},"kunDigitalLevering":true,` + doc + `}`, "landkode"},
		"HOYESTE unencrypted":   {"organisasjon", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673"},"kunDigitalLevering":true,"sikkerhetsniva":"HOYESTE",` + doc + `}`, "kryptert"},
		"eDialog to a person":   {"organisasjon", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673"},"kunDigitalLevering":true,"kanSvareViaEdialog":true,"svarSendesTil":{"navn":"x","type":"PERSON","digitalId":"13097248022",` + adr + `},` + doc + `}`, "ORGANISASJON"},
		"svarSendesTil no type": {"organisasjon", `{"tittel":"t","mottaker":{"navn":"n","digitalId":"974760673"},"kunDigitalLevering":true,"svarSendesTil":{"navn":"x","digitalId":"974760673",` + adr + `},` + doc + `}`, "type"},
		"NHN":                   {"nhn", `{}`, "Ukjent"},
	} {
		code, body := post(c.kind, c.meta)
		assert.NotEqual(t, 200, code, name)
		assert.Contains(t, body, c.want, name)
	}
}

// TestStatusV3MatchesSpec: Statuser with V3 posts {"id": [...]} to status/sok, and the
// fake's answer is valid against ForsendelseStatuser of KS's v3 status spec
// (../shared/specs/fiks/svarut/openapi/v3/forsendelse-status-api-v3.json).
func TestStatusV3MatchesSpec(t *testing.T) {
	t.Parallel()
	oas := testutil.LoadOAS(t, statusV3OAS)
	fx := newFixture(t)
	c := fx.client(t, nil)
	ctx := context.Background()
	r, err := c.Send(ctx, tilOrg())
	require.NoError(t, err)
	st, err := c.Statuser(ctx, r.ID)
	require.NoError(t, err)
	require.Len(t, st, 1)
	assert.Equal(t, svarut.StatusKlarForMottak, st[0].Status)

	code, b := fx.fiksDo(t, http.MethodPost, "/api/v3/kontoer/"+konto+"/forsendelser/status/sok", "application/json", `{"id":["`+r.ID+`"]}`)
	require.Equal(t, 200, code, b)
	require.NoError(t, testutil.ValidateJSON(oas.Validator(t, "ForsendelseStatuser", true), []byte(b)))
	require.NoError(t, testutil.ValidateJSON(oas.Validator(t, "Forsendelser", true), []byte(`{"id":["`+r.ID+`"]}`)), "the request is the spec's Forsendelser")

	v2 := fx.client(t, func(o *svarut.Options) { o.APIVersion = svarut.V2 })
	st2, err := v2.Statuser(ctx, r.ID)
	require.NoError(t, err)
	assert.Equal(t, st, st2)
	_, err = svarut.New(svarut.Options{BaseURL: fx.fake.URL(), Konto: konto, Credentials: fx.creds, APIVersion: "v4"})
	assert.Error(t, err)
}

const svarinnV2OAS = "specs/fiks/svarinn/openapi/svarinn-api-v2.json"

// specExample builds an instance of a schema of an OpenAPI document from the examples the
// spec gives for its properties (a string without one gets the property's name).
func specExample(doc map[string]any, s map[string]any, name string) any {
	if ref, ok := s["$ref"].(string); ok {
		parts := strings.Split(strings.TrimPrefix(ref, "#/"), "/")
		var cur any = doc
		for _, p := range parts {
			cur = cur.(map[string]any)[p]
		}
		return specExample(doc, cur.(map[string]any), parts[len(parts)-1])
	}
	if ex, ok := s["example"]; ok {
		return ex
	}
	switch s["type"] {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for k, p := range props {
			out[k] = specExample(doc, p.(map[string]any), k)
		}
		return out
	case "array":
		return []any{specExample(doc, s["items"].(map[string]any), name)}
	case "boolean":
		return true
	case "integer":
		return 7
	}
	if e, ok := s["enum"].([]any); ok {
		return e[len(e)-1]
	}
	return name
}

// TestSvarInnV2MatchesSpec: a forsendelse built from the examples of SvarInn V2's spec
// (../shared/specs/fiks/svarinn/openapi/svarinn-api-v2.json, Forsendelse with every
// property) decodes through the client with every field in place; the fake's own V2
// listing is valid against the same schema, closed to any other property; and the
// client's status updates are the spec's Statusoppdatering.
func TestSvarInnV2MatchesSpec(t *testing.T) {
	t.Parallel()
	oas := testutil.LoadOAS(t, svarinnV2OAS)
	doc := oas.Doc()
	ex := specExample(doc, oas.Schema("Forsendelse"), "Forsendelse").(map[string]any)
	ex["svarSendesTil"].(map[string]any)["fodselsnummer"] = "13097248022" // the spec's example is not a valid one
	delete(ex["svarSendesTil"].(map[string]any), "organisasjonsnummer")   // "never both"
	body, err := json.Marshal([]any{ex})
	require.NoError(t, err)
	v := oas.Validator(t, "Forsendelse", true)
	require.NoError(t, testutil.ValidateJSON(v, mustJSON(t, ex)), "the example is the spec's shape")

	var patches [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/tjenester/svarinn/v2/forsendelser":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(body)
		case r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/status"):
			b, _ := io.ReadAll(r.Body)
			patches = append(patches, b)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	fx := newFixture(t)
	m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: srv.URL + "/tjenester", Brukernavn: sysID, Passord: sysPw,
		Key: fx.mottakKey(), HTTPClient: srv.Client()})
	require.NoError(t, err)
	got, err := m.ListNew(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 1)
	f := got[0]
	assert.Equal(t, "f11f5cba-68ad-422f-ad2c-922cd6060f46", f.ID)
	assert.Equal(t, "Søknad om skjenkebevilling", f.Tittel)
	assert.Equal(t, time.Date(2024, 1, 16, 18, 39, 11, 0, time.UTC), f.Dato.UTC())
	assert.Equal(t, "HOYESTE", f.Sikkerhetsniva)
	assert.Equal(t, "4", f.Niva)
	assert.True(t, f.TaushetsbelagtPost)
	require.Len(t, f.Filmetadata, 1)
	assert.Equal(t, svarut.Filmetadata{Filnavn: "brev.pdf", MimeType: "application/pdf", Sha256: "82275bb0c47c7e5fe81e3f58242d44e3ca2f5ea438cea0013d9bfdeec736c910",
		Storrelse: 15324, DokumentType: "B", EkstraMetadata: []svarut.Metadata{{Key: "versjon", Value: "4"}}}, f.Filmetadata[0])
	assert.Equal(t, "123456789", f.Mottaker.Organisasjonsnummer)
	require.NotNil(t, f.SvarSendesTil)
	assert.Equal(t, person, f.SvarSendesTil.Foedselsnummer)
	require.Len(t, f.Lenker, 1)
	assert.Equal(t, svarut.Lenke{URL: "https://svarut.ks.no/", Tekst: "SvarUt", Ledetekst: "Trykk på lenken for mer informasjon"}, f.Lenker[0])
	require.NotNil(t, f.Metadata)
	assert.Equal(t, int32(2005), f.Metadata.Saksaar)
	assert.Equal(t, int64(648677), f.Metadata.Sakssekvensnummer)
	assert.Equal(t, int64(23456), f.Metadata.Journalsekvensnummer)
	assert.Equal(t, "Kari Nordmann", f.Metadata.Saksbehandler)
	assert.Equal(t, "5f9e9bc8-ffc1-40c0-8fdd-3b5ee32a2e43", f.Metadata.RegistreringsID)
	assert.Equal(t, []svarut.Metadata{{Key: "versjon", Value: "4"}}, f.Metadata.EkstraMetadata)
	require.NotNil(t, f.MetadataForImport)
	assert.Equal(t, "Gjennomføringsplan", f.MetadataForImport.Tittel)
	assert.NotEmpty(t, f.Forsendelsestype)

	ctx := context.Background()
	require.NoError(t, m.Acknowledge(ctx, f.ID))
	require.NoError(t, m.MarkFailed(ctx, f.ID, "Kunne ikke arkivere", true))
	sv := oas.Validator(t, "Statusoppdatering", true)
	require.Len(t, patches, 2)
	for _, p := range patches {
		require.NoError(t, testutil.ValidateJSON(sv, p), "%s", p)
	}
	assert.JSONEq(t, `{"status":"MOTTATT"}`, string(patches[0]))
	assert.JSONEq(t, `{"status":"FEILET","feil":{"feilmelding":"Kunne ikke arkivere","permanent":true}}`, string(patches[1]))

	// The fake lists in the same shape.
	c := fx.client(t, nil)
	full := fullForsendelser()["organisasjon"]
	full.Mottaker.Organisasjonsnummer = mottakOrg
	_, err = c.Send(ctx, full)
	require.NoError(t, err)
	list := fx.rawSvarInn(t, http.MethodGet, "/tjenester/svarinn/v2/forsendelser", "")
	var entries []json.RawMessage
	require.NoError(t, json.Unmarshal(list, &entries))
	require.Len(t, entries, 1)
	require.NoError(t, testutil.ValidateJSON(v, entries[0]), "%s", entries[0])
	fm, err := fx.mottak(t).ListNew(ctx)
	require.NoError(t, err)
	require.NotNil(t, fm[0].Metadata)
	assert.Equal(t, "Kari Saksbehandler", fm[0].Metadata.Saksbehandler, "the sender's Noark metadata arrives")
	assert.Equal(t, "H", fm[0].Filmetadata[0].DokumentType)
}

// fiksDo calls the fake's SvarUt side with the fixture's Maskinporten token and
// integrasjon, and returns the status code and body.
func (f *fixture) fiksDo(t *testing.T, method, path, ctype, body string) (int, string) {
	t.Helper()
	tok, err := f.tokens.Token(context.Background())
	require.NoError(t, err)
	req, _ := http.NewRequest(method, f.fake.URL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok.Value)
	req.Header.Set("IntegrasjonId", f.integ.ID)
	req.Header.Set("IntegrasjonPassord", f.integ.Passord)
	req.Header.Set("Content-Type", ctype)
	resp, err := f.fake.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

// rawSvarInn calls the fake's SvarInn side with the mottakersystem's Basic credentials.
func (f *fixture) rawSvarInn(t *testing.T, method, path, body string) []byte {
	req, _ := http.NewRequest(method, f.fake.URL()+path, strings.NewReader(body))
	req.SetBasicAuth(sysID, sysPw)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := f.fake.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	require.Less(t, resp.StatusCode, 300, "%s %s: %s", method, path, b)
	return b
}

// TestFakeSvarInnV2Status: the fake refuses status updates the spec does not allow.
func TestFakeSvarInnV2Status(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	id := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Tittel: "x", Filer: []svaruttest.Fil{{Filnavn: "a.pdf", Innhold: []byte("%PDF")}}})
	for _, b := range []string{`{"status":"LEST"}`, `{"status":"FEILET"}`, `{"status":"FEILET","feil":{"feilmelding":"x"}}`, `{"status":"MOTTATT","ekstra":1}`} {
		req, _ := http.NewRequest(http.MethodPatch, fx.fake.URL()+"/tjenester/svarinn/v2/forsendelser/"+id+"/status", strings.NewReader(b))
		req.SetBasicAuth(sysID, sysPw)
		resp, err := fx.fake.HTTPClient().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, b)
	}
	fx.rawSvarInn(t, http.MethodPatch, "/tjenester/svarinn/v2/forsendelser/"+id+"/status", `{"status":"MOTTATT"}`)
	assert.Equal(t, "LEST", fx.fake.Forsendelser()[0].Status)
}

// TestReceiveV1: with APIVersion V1 a Mottak lists, downloads, checks and acknowledges
// through the mottaksservice (hentNyeForsendelser, forsendelse/{id}, kvitterMottak), with
// the same semantics as V2: one file as itself, several as one zip checked entry by entry.
func TestReceiveV1(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	ctx := context.Background()
	one, err := c.Send(ctx, tilOrg(svarut.Bytes("en.pdf", []byte("%PDF en"))))
	require.NoError(t, err)
	two, err := c.Send(ctx, tilOrg(svarut.Bytes("a.pdf", []byte("%PDF a")), svarut.Bytes("b.pdf", []byte("%PDF b"))))
	require.NoError(t, err)
	m := fx.mottakVersion(t, svarut.V1)
	got := map[string]string{}
	res, err := m.Receive(ctx, func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		b, err := io.ReadAll(fil)
		got[f.ID] = fmt.Sprintf("%s zip=%v %d bytes niva=%s/%s", fil.Filnavn, fil.Zip, len(b), f.Niva, f.Sikkerhetsniva)
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, svarut.ReceiveResult{Kvittert: 2}, counts(t, res), "both verified against V1's sha256hash")
	assert.Equal(t, "en.pdf zip=false 7 bytes niva=3/BETYDELIG", got[one.ID])
	assert.Contains(t, got[two.ID], two.ID+".zip zip=true")
	for _, f := range fx.fake.Forsendelser() {
		assert.Equal(t, "LEST", f.Status)
		assert.Equal(t, 1, f.Kvitteringer)
	}
}
