package folkeregister_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

const (
	org      = "910000020"
	rolleAlt = "rolle-alt"
)

type fixture struct {
	mp     *maskinportentest.Server
	fake   *folkeregistertest.Server
	tokens auth.TokenSource
	creds  fiks.Credentials
	logs   *testutil.LogBuffer
}

func newFixture(t *testing.T, fo folkeregistertest.Options) *fixture {
	t.Helper()
	fx := fikstest.NewFixture(t, org, "folkeregister:rolle:"+rolleAlt, "folkeregister:rolle:rolle-navn", "folkeregister:rolle:rolle-basis")
	fo.Maskinporten = fx.Maskinporten
	fake := folkeregistertest.NewServer(t, fo)
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddRolle(folkeregistertest.Rolle{ID: rolleAlt, Parts: []string{"person-basis", "historikk", "relasjon-utvidet"}, Hendelser: true})
	fake.AddRolle(folkeregistertest.Rolle{ID: "rolle-navn", Parts: []string{"navn"}})
	fake.AddRolle(folkeregistertest.Rolle{ID: "rolle-basis", Parts: []string{"person-basis"}})
	return &fixture{mp: fx.Maskinporten, fake: fake, tokens: fx.Tokens, creds: fx.Credentials, logs: &testutil.LogBuffer{}}
}

func (f *fixture) client(t *testing.T, mod func(*folkeregister.Options)) *folkeregister.Client {
	t.Helper()
	o := folkeregister.Options{
		BaseURL:     f.fake.URL(),
		Credentials: f.creds,
		Rolle:       rolleAlt,
		HTTPClient:  f.fake.HTTPClient(),
		Logger:      f.logs.Logger(),
	}
	if mod != nil {
		mod(&o)
	}
	c, err := folkeregister.New(o)
	require.NoError(t, err)
	return c
}

var (
	born   = time.Date(1972, 9, 13, 0, 0, 0, 0, time.UTC)
	kariNr = folkeregistertest.Foedselsnummer(born, 100)
	kari   = folkeregistertest.Person{
		Foedselsnummer: kariNr, Fornavn: "Kari", Mellomnavn: "Sprudlende", Etternavn: "Nordmann", Kjoenn: "kvinne",
		Foedselsdato: born, Sivilstand: "gift",
		Bostedsadresse:    &folkeregistertest.Adresse{Adressenavn: "Kirkeveien", Husnummer: 12, Husbokstav: "B", Postnummer: "5003", Poststed: "BERGEN", Kommunenummer: "4601"},
		TidligereAdresser: []folkeregistertest.Adresse{{Adressenavn: "Storgata", Husnummer: 1, Postnummer: "0150", Poststed: "OSLO", Kommunenummer: "0301"}},
	}
)

func fnr(t *testing.T, s string) ident.Foedselsnummer {
	t.Helper()
	f, err := ident.ParseFoedselsnummer(s)
	require.NoError(t, err)
	return f
}

func TestPerson(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	f.fake.AddPerson(kari)
	c := f.client(t, nil)
	ctx := context.Background()

	p, err := c.Person(ctx, fnr(t, kariNr), nil)
	require.NoError(t, err)
	assert.Equal(t, kariNr, p.Identifikator().Unmasked())
	assert.Equal(t, kariNr[:6]+"*****", fmt.Sprint(p.Identifikator()))
	n, ok := p.GjeldendeNavn()
	require.True(t, ok)
	assert.Equal(t, "Kari Sprudlende Nordmann", n.Fullt())
	assert.Equal(t, folkeregister.StatusBosatt, p.GjeldendeStatus())
	assert.Equal(t, "1972-09-13", p.Foedselsdato().String())
	assert.Len(t, p.Bostedsadresse, 1, "no history without part=historikk")
	assert.Empty(t, p.Familierelasjon, "relasjon-utvidet was not asked for")
	g, known := p.Beskyttelse()
	assert.True(t, known)
	assert.Equal(t, folkeregister.Ugradert, g)
	adr, err := p.Utsendingsadresse()
	require.NoError(t, err)
	assert.Equal(t, folkeregister.Adresse{Adresselinjer: []string{"Kirkeveien 12B"}, Postnummer: "5003", Poststed: "BERGEN"}, adr)

	// The whole person, printed every way, never shows the number.
	for _, s := range []string{fmt.Sprint(p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), mustJSON(t, p)} {
		assert.NotContains(t, s, kariNr)
	}

	// History.
	p, err = c.Person(ctx, fnr(t, kariNr), &folkeregister.PersonOptions{Parts: []folkeregister.Part{folkeregister.PartPersonBasis, folkeregister.PartHistorikk}})
	require.NoError(t, err)
	assert.Len(t, p.Bostedsadresse, 2)
	cur, ok := p.GjeldendeBostedsadresse()
	require.True(t, ok)
	assert.Equal(t, "Kirkeveien", cur.Vegadresse.Adressenavn)
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	f.fake.AddPerson(kari)
	c := f.client(t, func(o *folkeregister.Options) { o.Rolle = "rolle-navn" })
	ctx := context.Background()
	id := fnr(t, kariNr)

	// The default (person-basis) is outside this role.
	_, err := c.Person(ctx, id, nil)
	assert.ErrorIs(t, err, fiks.ErrForbidden)
	assert.NotContains(t, err.Error(), kariNr)

	// Only the name: no address, and the protection is unknown, so no address is given out.
	p, err := c.Person(ctx, id, &folkeregister.PersonOptions{Parts: []folkeregister.Part{folkeregister.PartNavn}})
	require.NoError(t, err)
	assert.NotEmpty(t, p.Navn)
	assert.NotEmpty(t, p.Identifikasjonsnummer, "always returned")
	assert.Empty(t, p.Bostedsadresse)
	_, known := p.Beskyttelse()
	assert.False(t, known)
	_, err = p.Utsendingsadresse()
	var be *folkeregister.BeskyttetError
	require.ErrorAs(t, err, &be)
	assert.ErrorIs(t, err, folkeregister.ErrAdressebeskyttet)
	assert.Empty(t, be.Gradering)

	// Another part the role lacks, named per call.
	_, err = c.Person(ctx, id, &folkeregister.PersonOptions{Parts: []folkeregister.Part{folkeregister.PartBostedsadresse}})
	assert.ErrorIs(t, err, fiks.ErrForbidden)
	// A role the integrasjon has no privilege for.
	_, err = c.Person(ctx, id, &folkeregister.PersonOptions{Rolle: "rolle-ukjent"})
	assert.ErrorIs(t, err, fiks.ErrForbidden)
	// An unknown part.
	_, err = c.Person(ctx, id, &folkeregister.PersonOptions{Rolle: rolleAlt, Parts: []folkeregister.Part{"skostoerrelse"}})
	assert.ErrorIs(t, err, fiks.ErrBadRequest)
}

func TestAdressebeskyttelse(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	c := f.client(t, nil)
	ctx := context.Background()
	for i, g := range []folkeregister.Gradering{folkeregister.Fortrolig, folkeregister.StrengtFortrolig, folkeregister.Klientadresse} {
		p := kari
		p.Foedselsnummer = folkeregistertest.Foedselsnummer(born, 200+10*i)
		p.Gradering = string(g)
		f.fake.AddPerson(p)
		got, err := c.Person(ctx, fnr(t, p.Foedselsnummer), nil)
		require.NoError(t, err)
		bg, known := got.Beskyttelse()
		assert.True(t, known)
		assert.Equal(t, g, bg)
		adr, err := got.Utsendingsadresse()
		if g == folkeregister.Klientadresse {
			require.NoError(t, err)
			assert.NotEmpty(t, adr.Postnummer)
			continue
		}
		assert.ErrorIs(t, err, folkeregister.ErrAdressebeskyttet, g)
		assert.Empty(t, adr.Adresselinjer)
		if g == folkeregister.StrengtFortrolig {
			assert.Empty(t, got.Bostedsadresse, "never returned for strengt fortrolig")
		}
	}
}

func TestDecodeDocument(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/person.json")
	require.NoError(t, err)
	var p folkeregister.Person
	require.NoError(t, json.Unmarshal(raw, &p))
	assert.Equal(t, "13097248022", p.Identifikator().Unmasked(), "the current number, not the ceased D-nummer")
	assert.Len(t, p.Identifikasjonsnummer, 2)
	n, _ := p.GjeldendeNavn()
	assert.Equal(t, "FORSTÅELSESFULL SPRUDLENDE RULLETRAPP", n.Fullt())
	b, _ := p.GjeldendeBostedsadresse()
	assert.Equal(t, folkeregister.Ugradert, b.Adressegradering, "UGRADERT normalised")
	assert.Equal(t, folkeregister.Tekst("12"), b.Vegadresse.Adressenummer.Husnummer, "a number decodes as text")
	assert.Equal(t, 2024, b.Ajourholdstidspunkt.Year())
	assert.Equal(t, "2019-05-31", b.Flyttedato.String())
	adr, err := p.Utsendingsadresse()
	require.NoError(t, err)
	assert.Equal(t, folkeregister.Adresse{Adresselinjer: []string{"Postboks 123 Sentrum"}, Postnummer: "5804", Poststed: "BERGEN"}, adr, "postadresse before bostedsadresse")
	require.Len(t, p.Familierelasjon, 2)
	assert.Equal(t, folkeregister.RolleBarn, p.Familierelasjon[1].RelatertPersonsRolle)
	assert.Equal(t, "240119*****", p.Familierelasjon[1].RelatertPerson.String())
	require.Len(t, p.VergemaalEllerFremtidsfullmakt, 1)
	assert.Equal(t, "TOM", p.VergemaalEllerFremtidsfullmakt[0].Verge.Navn.Fornavn)
	assert.False(t, p.ErDoed())

	out := mustJSON(t, p)
	for _, n := range []string{"13097248022", "53097248016", "01010096894", "24011950567"} {
		assert.NotContains(t, out, n, "marshalled persons are masked")
	}

	// An unknown protection level counts as the strongest.
	var q folkeregister.Person
	require.NoError(t, json.Unmarshal([]byte(`{"adressebeskyttelse":[{"erGjeldende":true,"graderingsnivaa":"hemmeligNyVerdi"}],"bostedsadresse":[{"erGjeldende":true,"adressegradering":"ugradert","vegadresse":{"adressenavn":"X"}}]}`), &q))
	g, _ := q.Beskyttelse()
	assert.Equal(t, folkeregister.Gradering("hemmeligNyVerdi"), g)
	_, err = q.Utsendingsadresse()
	assert.ErrorIs(t, err, folkeregister.ErrAdressebeskyttet)
	for _, s := range []string{"STRENGT_FORTROLIG", "strengtFortrolig", "STRENGTFORTROLIG"} {
		var g folkeregister.Gradering
		require.NoError(t, g.UnmarshalText([]byte(s)))
		assert.Equal(t, folkeregister.StrengtFortrolig, g)
	}
}

func TestNotFoundAndValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	c := f.client(t, nil)
	ctx := context.Background()
	_, err := c.Person(ctx, fnr(t, kariNr), nil)
	require.ErrorIs(t, err, fiks.ErrNotFound)
	var fe *fiks.Error
	require.ErrorAs(t, err, &fe)
	assert.NotEmpty(t, fe.ErrorID)
	assert.NotContains(t, err.Error(), kariNr)
	assert.NotContains(t, fe.Path, kariNr)
	before := f.fake.Requests()

	cases := []func() error{
		func() error { _, err := c.Person(ctx, ident.Foedselsnummer{}, nil); return err },
		func() error {
			_, err := c.Person(ctx, fnr(t, kariNr), &folkeregister.PersonOptions{Rolle: "../admin"})
			return err
		},
		func() error {
			_, err := c.Person(ctx, fnr(t, kariNr), &folkeregister.PersonOptions{Parts: []folkeregister.Part{"navn&x=1"}})
			return err
		},
		func() error {
			_, err := c.Personer(ctx, []ident.Foedselsnummer{fnr(t, kariNr), {}}, nil)
			return err
		},
		func() error { _, err := c.Search(ctx, folkeregister.SearchQuery{}, nil); return err },
		func() error {
			_, err := c.Search(ctx, folkeregister.SearchQuery{Navn: "kari", MaksTreff: 10001}, nil)
			return err
		},
		func() error {
			_, err := c.Search(ctx, folkeregister.SearchQuery{Navn: "kari", Fylkesnummer: "3"}, nil)
			return err
		},
		func() error {
			_, err := c.Search(ctx, folkeregister.SearchQuery{Navn: "kari", Opplysningsgrunnlag: "alt"}, nil)
			return err
		},
		func() error {
			_, err := c.SearchEntydig(ctx, folkeregister.EntydigQuery{Navn: "Kari Nordmann"}, nil)
			return err
		},
		func() error {
			_, err := c.SearchEntydig(ctx, folkeregister.EntydigQuery{Navn: "Kari", Foedselsdato: folkeregister.NewDato(1972, 9, 13)}, nil)
			return err
		},
		func() error { _, err := c.ArkivertPerson(ctx, "../x", nil); return err },
		func() error { _, err := c.Hendelsesdokument(ctx, "", nil); return err },
		func() error { _, err := c.Hendelsesdokumenter(ctx, []string{"a", "b/c"}, nil); return err },
		func() error {
			_, err := c.Search(ctx, folkeregister.SearchQuery{Navn: "kari", Kjoenn: "annet", FoedselsaarFraOgMed: 1970}, nil)
			return err
		},
		func() error { _, err := c.HendelserPage(ctx, -1, nil); return err },
	}
	for i, tc := range cases {
		err := tc()
		var ve *folkeregister.ValidationError
		assert.ErrorAs(t, err, &ve, "case %d", i)
		assert.ErrorIs(t, err, folkeregister.ErrInvalidInput, "case %d", i)
	}
	assert.Equal(t, before, f.fake.Requests(), "nothing was sent")

	// A client without a role refuses every call.
	nr := f.client(t, func(o *folkeregister.Options) { o.Rolle = "" })
	_, err = nr.Person(ctx, fnr(t, kariNr), nil)
	assert.ErrorIs(t, err, folkeregister.ErrInvalidInput)

	// Options checks.
	_, err = folkeregister.New(folkeregister.Options{})
	assert.Error(t, err)
	_, err = folkeregister.New(folkeregister.Options{Credentials: fiks.Credentials{Token: f.tokens, IntegrasjonID: "x", IntegrasjonPassord: "y"}})
	assert.Error(t, err, "no environment")
	_, err = folkeregister.New(folkeregister.Options{BaseURL: "http://example.org", Credentials: fiks.Credentials{Token: f.tokens, IntegrasjonID: "x", IntegrasjonPassord: "y"}})
	assert.Error(t, err, "plain http off loopback")
	_, err = folkeregister.New(folkeregister.Options{Environment: fiks.Test, Credentials: fiks.Credentials{Token: f.tokens, IntegrasjonID: "x", IntegrasjonPassord: "y"}})
	assert.NoError(t, err)
}

func TestAuthErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	f.fake.AddPerson(kari)
	ctx := context.Background()
	c := f.client(t, func(o *folkeregister.Options) { o.Credentials.IntegrasjonPassord = "galt-passord-xyz" })
	_, err := c.Person(ctx, fnr(t, kariNr), nil)
	assert.ErrorIs(t, err, fiks.ErrIntegrasjonRejected)
	assert.NotContains(t, err.Error(), "galt-passord-xyz")
	c = f.client(t, func(o *folkeregister.Options) { o.Credentials.Token = auth.Static("not-a-token") })
	_, err = c.Person(ctx, fnr(t, kariNr), nil)
	assert.ErrorIs(t, err, fiks.ErrTokenRejected)
}

func TestRetries(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	f.fake.AddPerson(kari)
	c := f.client(t, nil)
	f.fake.FailNext(1, http.StatusServiceUnavailable, 0)
	f.fake.InjectFault(folkeregistertest.Fault{Drop: true})
	p, err := c.Person(context.Background(), fnr(t, kariNr), nil)
	require.NoError(t, err, "503 and a dropped connection are retried for reads")
	assert.Equal(t, kariNr, p.Identifikator().Unmasked())
	assert.NotContains(t, f.logs.String(), kariNr)
}

func TestPersoner(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	ids := f.fake.Syntetiske(2300, 7)
	c := f.client(t, func(o *folkeregister.Options) { o.BulkSize = 1000 })
	var asked []ident.Foedselsnummer
	for _, s := range ids {
		asked = append(asked, fnr(t, s))
	}
	unknown := fnr(t, folkeregistertest.Foedselsnummer(time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	asked = append(asked, unknown, asked[0]) // unknown and a duplicate
	before := f.fake.Requests()
	res, err := c.Personer(context.Background(), asked, &folkeregister.PersonOptions{Parts: []folkeregister.Part{folkeregister.PartNavn, folkeregister.PartAdressebeskyttelse}, Rolle: rolleAlt})
	require.NoError(t, err)
	assert.Equal(t, 3, f.fake.Requests()-before, "2301 distinct numbers in calls of 1000")
	require.Len(t, res, len(asked))
	for i, o := range res[:len(ids)] {
		require.NotNil(t, o.Person, i)
		assert.Equal(t, ids[i], o.Identifikator.Unmasked())
		assert.Equal(t, ids[i], o.Person.Identifikator().Unmasked())
		assert.NotEmpty(t, o.Person.Navn)
		assert.Empty(t, o.Person.Bostedsadresse, "not asked for")
	}
	assert.Nil(t, res[len(ids)].Person)
	assert.Same(t, res[0].Person, res[len(ids)+1].Person)
	g, _ := res[24].Person.Beskyttelse()
	assert.Equal(t, folkeregister.StrengtFortrolig, g)
}

func TestSearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	f.fake.AddPerson(kari)
	other := kari
	other.Foedselsnummer = folkeregistertest.Foedselsnummer(time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC), 50)
	other.Foedselsdato = time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC)
	f.fake.AddPerson(other)
	c := f.client(t, nil)
	ctx := context.Background()
	hits, err := c.Search(ctx, folkeregister.SearchQuery{Navn: "kari nordmann", FoedselsaarFraOgMed: 1960, FoedselsaarTilOgMed: 1980}, nil)
	require.NoError(t, err)
	require.Len(t, hits, 1)
	assert.Equal(t, kariNr, hits[0].Unmasked())
	hits, err = c.Search(ctx, folkeregister.SearchQuery{Navn: "Nordmann", Foedselsdato: folkeregister.Dato{Time: other.Foedselsdato}}, nil)
	require.NoError(t, err)
	require.Len(t, hits, 1)
	assert.Equal(t, other.Foedselsnummer, hits[0].Unmasked())
	hits, err = c.Search(ctx, folkeregister.SearchQuery{Adressenavn: "Kirkeveien", Postnummer: "5003"}, nil)
	require.NoError(t, err)
	assert.Len(t, hits, 2)
}

func TestHendelserResume(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{PageSize: 100})
	const total = 1050
	for i := range total {
		f.fake.AddHendelse(kariNr, []string{"flytting", "endringINavn", "doedsfall"}[i%3])
	}
	c := f.client(t, func(o *folkeregister.Options) { o.MaxAttempts = 1 })
	ctx := context.Background()

	seen := map[int64]int{}
	var saved int64 = 1
	failAt := []int{3, 7} // fail when reading these page numbers
	page := 0
	runs := 0
	for {
		runs++
		var stopErr error
		for b, err := range c.Hendelser(ctx, saved, nil) {
			if err != nil {
				stopErr = err
				break
			}
			for _, h := range b.Hendelser {
				seen[h.Sekvensnummer]++
				assert.Equal(t, kariNr[:6]+"*****", h.Folkeregisteridentifikator.String())
			}
			saved = b.Next
			page++
			if len(failAt) > 0 && page == failAt[0] {
				failAt = failAt[1:]
				f.fake.FailNext(1, http.StatusServiceUnavailable, 0)
			}
		}
		if stopErr == nil {
			break
		}
		assert.ErrorIs(t, stopErr, fiks.ErrUnavailable)
		require.Less(t, runs, 10)
	}
	assert.Equal(t, 3, runs, "two failures, two resumes")
	assert.Len(t, seen, total)
	for seq := int64(1); seq <= total; seq++ {
		assert.Equal(t, 1, seen[seq], "event %d delivered exactly once", seq)
	}
	assert.Equal(t, int64(total+1), saved)

	// Caught up: nothing more, and no error.
	for b, err := range c.Hendelser(ctx, saved, nil) {
		t.Fatalf("unexpected batch %v %v", b, err)
	}

	// Poll: a new event arrives while waiting.
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	go func() { time.Sleep(50 * time.Millisecond); f.fake.AddHendelse(kariNr, "flytting") }()
	for b, err := range c.Hendelser(pctx, saved, &folkeregister.FeedOptions{Poll: 10 * time.Millisecond}) {
		require.NoError(t, err)
		require.Len(t, b.Hendelser, 1)
		assert.Equal(t, int64(total+1), b.Hendelser[0].Sekvensnummer)
		break
	}

	// A role without the feed.
	_, err := c.HendelserPage(ctx, 1, &folkeregister.FeedOptions{Rolle: "rolle-basis"})
	assert.ErrorIs(t, err, fiks.ErrForbidden)
}

// TestHendelserOverlap: a server that repeats events from before seq (or out of order)
// does not make the iterator deliver an event twice or move backwards.
func TestHendelserOverlap(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.True(t, strings.HasPrefix(r.URL.Path, "/folkeregister/api/v1/r1/v1/hendelser/feed"))
		seq := r.URL.Query().Get("seq")
		switch seq {
		case "5":
			fmt.Fprint(w, `[{"sekvensnummer":3,"hendelse":{}},{"sekvensnummer":5,"hendelse":{"hendelsestype":"a"}},{"sekvensnummer":9,"hendelse":{}},{"sekvensnummer":7,"hendelse":{}}]`)
		default:
			fmt.Fprint(w, `[]`)
		}
	}))
	defer srv.Close()
	c, err := folkeregister.New(folkeregister.Options{BaseURL: srv.URL, Rolle: "r1",
		Credentials: fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	require.NoError(t, err)
	b, err := c.HendelserPage(context.Background(), 5, nil)
	require.NoError(t, err)
	var seqs []int64
	for _, h := range b.Hendelser {
		seqs = append(seqs, h.Sekvensnummer)
	}
	assert.Equal(t, []int64{5, 9}, seqs)
	assert.Equal(t, int64(10), b.Next)
}

func TestFregErrorBody(t *testing.T) {
	t.Parallel()
	resp := &http.Response{StatusCode: 500, Header: http.Header{},
		Body: io.NopCloser(strings.NewReader(`{"kode":"FREG-001","melding":"Feil i tjenesten for 13097248022"}`))}
	var e *fiks.Error
	require.ErrorAs(t, fiks.CheckResponse("folkeregister.Person", resp), &e)
	assert.Equal(t, "FREG-001", e.ErrorCode)
	assert.NotContains(t, e.Error(), "13097248022")
	assert.Contains(t, e.Error(), "Feil i tjenesten")
	assert.True(t, errors.Is(e, fiks.ErrServer))
}

// TestIdentifikatorPolicyIsIdents: folkeregister.Identifikator prints, logs and marshals
// exactly as ident.Foedselsnummer does: one masking policy in the module.
func TestIdentifikatorPolicyIsIdents(t *testing.T) {
	t.Parallel()
	f := ident.MustParseFoedselsnummer("13097248022")
	i := folkeregister.NewIdentifikator("13097248022")
	assert.Equal(t, f.String(), i.String())
	assert.Equal(t, "130972*****", i.String())
	for _, verb := range []string{"%v", "%+v", "%s"} {
		assert.Equal(t, fmt.Sprintf(verb, f), fmt.Sprintf(verb, i), verb)
	}
	ft, err := f.MarshalText()
	require.NoError(t, err)
	it, err := i.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, ft, it)
	assert.Equal(t, f.LogValue(), i.LogValue())
	fj, _ := json.Marshal(map[string]any{"n": f})
	ij, _ := json.Marshal(map[string]any{"n": i})
	assert.JSONEq(t, string(fj), string(ij))
}

// TestNewCalls drives the calls a case system needs beyond lookups against the fake:
// ETag/If-None-Match, somBestilt with a failed item, entydigsoek, a name-only search, the
// newest sequence number, event documents one and many, and the archived person document.
func TestNewCalls(t *testing.T) {
	t.Parallel()
	f := newFixture(t, folkeregistertest.Options{})
	f.fake.AddPerson(kari)
	c := f.client(t, nil)
	ctx := context.Background()
	kari := fnr(t, kariNr)

	p, err := c.Person(ctx, kari, nil)
	require.NoError(t, err)
	require.NotEmpty(t, p.ETag)
	_, err = c.Person(ctx, kari, &folkeregister.PersonOptions{IfNoneMatch: p.ETag})
	require.ErrorIs(t, err, folkeregister.ErrNotModified)
	_, err = c.Person(ctx, kari, &folkeregister.PersonOptions{IfNoneMatch: `"stale"`})
	require.NoError(t, err, "a changed tag gets the document")

	unknown := fnr(t, folkeregistertest.Foedselsnummer(time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC), 1))
	res, err := c.Personer(ctx, []ident.Foedselsnummer{kari, unknown}, &folkeregister.PersonOptions{SomBestilt: true})
	require.NoError(t, err)
	require.Len(t, res, 2)
	assert.NotNil(t, res[0].Person)
	assert.Nil(t, res[1].Person)
	assert.Contains(t, res[1].Feilmelding, "Fant ikke person")
	assert.NotContains(t, res[1].Feilmelding, unknown.Unmasked(), "redacted")

	e, err := c.SearchEntydig(ctx, folkeregister.EntydigQuery{Navn: "Kari Nordmann", Foedselsdato: p.Foedselsdato()}, nil)
	require.NoError(t, err)
	assert.Equal(t, kariNr, e.Identifikator().Unmasked())
	_, err = c.SearchEntydig(ctx, folkeregister.EntydigQuery{Navn: "Ingen Slik", Foedselsdato: p.Foedselsdato()}, nil)
	require.ErrorIs(t, err, folkeregister.ErrNotFound)

	before := f.fake.Requests()
	_, err = c.Search(ctx, folkeregister.SearchQuery{Navn: "kari"}, nil)
	require.NoError(t, err, "FREG sets no rule against a name-only search")
	assert.Equal(t, before+1, f.fake.Requests())

	n, err := c.SisteSekvensnummer(ctx, nil)
	require.NoError(t, err)
	assert.Zero(t, n)
	f.fake.AddHendelse(kariNr, "endringINavn")
	f.fake.AddHendelse(kariNr, "endringIBostedsadresse")
	n, err = c.SisteSekvensnummer(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	b, err := c.HendelserPage(ctx, 1, nil)
	require.NoError(t, err)
	require.Len(t, b.Hendelser, 2)
	assert.Equal(t, "endringINavn", b.Hendelser[0].Hendelsetype, "the feed's hendelsetype is decoded")
	d, err := c.Hendelsesdokument(ctx, b.Hendelser[1].Hendelsesdokument, nil)
	require.NoError(t, err)
	assert.Equal(t, "endringIBostedsadresse", d.Hendelse.Hendelsestype)
	require.Len(t, d.Hendelse.Egenskapshendelse, 1)
	require.NotNil(t, d.Hendelse.Egenskapshendelse[0].Bostedsadresse)
	ds, err := c.Hendelsesdokumenter(ctx, []string{b.Hendelser[0].Hendelsesdokument, b.Hendelser[1].Hendelsesdokument}, nil)
	require.NoError(t, err)
	require.Len(t, ds, 2)
	assert.Equal(t, "endringINavn", ds[0].Hendelse.Hendelsestype)
	a, err := c.ArkivertPerson(ctx, b.Hendelser[0].Persondokument, nil)
	require.NoError(t, err)
	assert.Equal(t, kariNr, a.Identifikator().Unmasked())
	_, err = c.ArkivertPerson(ctx, "0000", nil)
	require.ErrorIs(t, err, folkeregister.ErrNotFound)
}
