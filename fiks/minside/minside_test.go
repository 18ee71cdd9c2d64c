package minside_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/minside"
	"github.com/fellesklient/fellesklient/fiks/minside/minsidetest"
	"github.com/fellesklient/fellesklient/ident"
	schema "github.com/fellesklient/fellesklient/internal/gen/minsideschema"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// A fødselsnummer and an organisasjonsnummer of no one.
var (
	fnr   = ident.MustParseFoedselsnummer("13097248022")
	orgnr = ident.Organisasjonsnummer("974760673")
)

type env struct {
	fx   *fikstest.Fixture
	fake *minsidetest.Server
	c    *minside.Client
	org  string
	logs *bytes.Buffer
}

func newEnv(t *testing.T, opts ...func(*minside.Options)) *env {
	t.Helper()
	org := uuid.NewString()
	fx := fikstest.NewFixture(t, string(orgnr), minsidetest.Privilege(org))
	fake := minsidetest.NewServer(t, minsidetest.Options{Maskinporten: fx.Maskinporten})
	fake.AddIntegrasjon(fx.Integrasjon)
	logs := &bytes.Buffer{}
	o := minside.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: fx.Credentials, FiksOrgID: org,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})), MaxRetryWait: 1}
	for _, f := range opts {
		f(&o)
	}
	c, err := minside.New(o)
	require.NoError(t, err)
	return &env{fx: fx, fake: fake, c: c, org: org, logs: logs}
}

func journalpost(tittel string) minside.Journalpost {
	n := minside.JournalposttypeU
	return minside.Journalpost{Tittel: tittel, Journalposttype: &n}
}

func meldinger(n int) []minside.Melding {
	out := make([]minside.Melding, n)
	for i := range out {
		out[i] = minside.Melding{MeldingID: uuid.NewString(), EksponertFor: minside.Person(fnr), Metadata: journalpost(fmt.Sprintf("Vedtak %d", i))}
	}
	return out
}

// Every versjon's schema-derived documents, the fullest and the leanest, validate in the
// client, decode into the versjon's Go type with no field left over (the types cover
// every property the schema allows), validate again after a round trip through the type,
// and are accepted by the fake both as typed values and as raw JSON.
func TestEveryVersjonsDocuments(t *testing.T) {
	e := newEnv(t)
	g := newDocGen(t)
	types := map[minside.Versjon]func() minside.Metadata{
		minside.VersjonJournalpostV1:          func() minside.Metadata { return &minside.Journalpost{} },
		minside.VersjonMappeV1:                func() minside.Metadata { return &minside.Mappe{} },
		minside.VersjonFakturaV1:              func() minside.Metadata { return &minside.Faktura{} },
		minside.VersjonInnsendtSkjemaV1:       func() minside.Metadata { return &minside.InnsendtSkjema{} },
		minside.VersjonSkjemakladdV1:          func() minside.Metadata { return &minside.Skjemakladd{} },
		minside.VersjonBarnevernMappeV1:       func() minside.Metadata { return &minside.BarnevernMappe{} },
		minside.VersjonBarnevernJournalpostV1: func() minside.Metadata { return &minside.BarnevernJournalpost{} },
	}
	require.Len(t, minside.Versjoner(), len(types), "a type for every versjon")
	for _, v := range minside.Versjoner() {
		for _, full := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/full=%v", v, full), func(t *testing.T) {
				doc := g.document(t, v, full)
				if full {
					assert.Greater(t, len(doc), 200, "the full document has the schema's properties")
				}
				typed := types[v]()
				dec := json.NewDecoder(bytes.NewReader(doc))
				dec.DisallowUnknownFields()
				require.NoError(t, dec.Decode(typed), "every property has a field in %T", typed)
				assert.Equal(t, v, typed.Versjon())
				again, err := json.Marshal(typed)
				require.NoError(t, err)
				require.NoError(t, minside.ValidateMetadata(v, again))
				assert.JSONEq(t, normalized(t, doc), normalized(t, again), "the type keeps every value")

				typedID, rawID := uuid.NewString(), uuid.NewString()
				res, err := e.c.Index(context.Background(), []minside.Melding{
					{MeldingID: typedID, EksponertFor: minside.Person(fnr), Metadata: typed},
					{MeldingID: rawID, EksponertFor: minside.Organisasjon(orgnr), Metadata: minside.RawMetadata{V: v, JSON: doc}},
				})
				require.NoError(t, err)
				assert.Equal(t, 2, res.Opprettet)
				for _, id := range []string{typedID, rawID} {
					got := e.fake.Melding(id)
					require.NotNil(t, got)
					assert.Equal(t, v, got.Versjon)
					assert.JSONEq(t, normalized(t, doc), normalized(t, got.Metadata))
				}
			})
		}
	}
}

// A document the schema refuses is refused before any request, with the JSON pointer of
// every problem, and nothing about it (no value) in the error.
func TestSchemaViolationsRefusedBeforeSending(t *testing.T) {
	e := newEnv(t)
	g := newDocGen(t)
	for _, v := range minside.Versjoner() {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(g.document(t, v, true), &doc))
		doc["ukjentFelt"] = "x"
		delete(doc, "tittel")
		b, _ := json.Marshal(doc)
		_, err := e.c.Index(context.Background(), []minside.Melding{{MeldingID: uuid.NewString(), EksponertFor: minside.Offentlig(), Metadata: minside.RawMetadata{V: v, JSON: b}}})
		var se *minside.SchemaError
		require.ErrorAs(t, err, &se, "%s", v)
		assert.ErrorIs(t, err, minside.ErrInvalidInput)
		joined := strings.Join(se.Problems, "\n")
		assert.Contains(t, joined, "ukjentFelt", "%s: the extra property is named", v)
		assert.Contains(t, joined, "tittel", "%s: the missing one too", v)
		assert.Contains(t, se.Dokument, "meldinger[0].Metadata")
	}
	// Typed values too: a journalpost whose title is blank, a bad korrelasjonId and a
	// number past int32.
	big := int64(1) << 40
	bad := "ikke gyldig!"
	jp := minside.Journalpost{Tittel: "   ", KorrelasjonId: &bad, Journalpostnummer: &big}
	_, err := e.c.Index(context.Background(), []minside.Melding{{MeldingID: uuid.NewString(), EksponertFor: minside.Person(fnr), Metadata: jp}})
	var se *minside.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Len(t, se.Problems, 3, "%v", se.Problems)
	for _, p := range se.Problems {
		assert.True(t, strings.HasPrefix(p, "/"), "a JSON pointer first: %s", p)
		assert.NotContains(t, p, "ikke gyldig!", "no value repeated")
	}
	// The custom int64 format: a number outside int64.
	err = minside.ValidateMetadata(minside.VersjonFakturaV1, []byte(`{"tittel":"x"}`))
	assert.Error(t, err)
	assert.Equal(t, 0, e.fake.Requests(), "nothing was sent")
}

// 12 000 meldinger go as three requests (5000, 5000, 2000) with a result per melding; a 500
// on the second, after Innsyn stored part of it, is answered by sending that batch again
// whole, and every melding ends up indexed once (the repeated ones overwritten).
func TestIndexBatchesAndRetry500(t *testing.T) {
	e := newEnv(t)
	all := meldinger(12000)
	var puts atomic.Int32
	e.fake.InjectFault(fikstest.Fault{Status: http.StatusInternalServerError, Match: func(r *http.Request) bool {
		return r.Method == http.MethodPut && puts.Add(1) == 2
	}})
	res, err := e.c.Index(context.Background(), all)
	require.NoError(t, err)
	assert.Equal(t, []int{5000, 5000, 2000}, e.fake.Batches())
	assert.Equal(t, 3, res.Requests)
	assert.Equal(t, 12000, res.Opprettet)
	require.Len(t, res.Meldinger, 12000)
	for i, m := range res.Meldinger {
		assert.Equal(t, minside.Indeksert, m.Status)
		assert.Equal(t, i/5000, m.Request)
		assert.Equal(t, all[i].MeldingID, m.MeldingID)
	}
	assert.Len(t, e.fake.Meldinger(), 12000)

	// A 500 after part of the batch was stored: the retry overwrites those.
	e.fake.FailPartly(100)
	res, err = e.c.Index(context.Background(), all[:5000])
	require.NoError(t, err)
	assert.Equal(t, 5000, res.Oppdatert)
	assert.Equal(t, 3, e.fake.Melding(all[0].MeldingID).Versjoner, "indexed first, then partly, then again")
	assert.Equal(t, 2, e.fake.Melding(all[4999].MeldingID).Versjoner)
	assert.Len(t, e.fake.Meldinger(), 12000, "nothing doubled")

	// A 500 that persists ends Index: the earlier requests' meldinger are indexed, the rest
	// IkkeIndeksert with the error.
	var n atomic.Int32
	e.fake.InjectFault(fikstest.Fault{Status: 500, Match: func(r *http.Request) bool { return n.Add(1) >= 2 }})
	for range 10 {
		e.fake.InjectFault(fikstest.Fault{Status: 500, Match: func(r *http.Request) bool { return n.Load() >= 2 }})
	}
	res, err = e.c.Index(context.Background(), meldinger(6000))
	require.Error(t, err)
	assert.ErrorIs(t, err, minside.ErrServer)
	assert.Equal(t, 1, res.Requests)
	assert.Equal(t, minside.Indeksert, res.Meldinger[4999].Status)
	assert.Equal(t, minside.IkkeIndeksert, res.Meldinger[5000].Status)
	assert.ErrorIs(t, res.Meldinger[5999].Err, minside.ErrServer)
	e.fake.ClearFaults()
}

// The integrasjon without "Innsyn Index" on the organisation gets the typed 403, with the
// organisation named; nothing of the batch is stored.
func TestIkkeAutorisert(t *testing.T) {
	e := newEnv(t)
	// An organisation id whose last group holds 11 digits beside a hex letter, as one
	// random UUID in about 400 does: it must come back whole, not masked as a fødselsnummer.
	other := "20b5cee0-162d-47e0-8b46-e05763120677"
	ms := meldinger(3)
	ms[2].FiksOrganisasjonID = other
	res, err := e.c.Index(context.Background(), ms)
	require.Error(t, err)
	assert.ErrorIs(t, err, minside.ErrIkkeAutorisert)
	assert.ErrorIs(t, err, minside.ErrForbidden)
	var ia *minside.IkkeAutorisertError
	require.ErrorAs(t, err, &ia)
	assert.Equal(t, other, ia.FiksOrgID)
	assert.Equal(t, e.fx.Integrasjon.ID, ia.IntegrasjonID)
	var fe *fiks.Error
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, minside.ErrorCodeIkkeAutorisert, fe.ErrorCode)
	assert.Contains(t, err.Error(), "Innsyn Index")
	for _, m := range res.Meldinger {
		assert.Equal(t, minside.IkkeIndeksert, m.Status)
	}
	assert.Empty(t, e.fake.Meldinger())

	_, err = e.c.Slett(context.Background(), []minside.SlettMelding{{MeldingID: uuid.NewString(), Versjon: minside.VersjonJournalpostV1, FiksOrganisasjonID: other}})
	assert.ErrorIs(t, err, minside.ErrIkkeAutorisert)
	assert.ErrorIs(t, e.c.SlettEksternRef(context.Background(), other, minside.VersjonJournalpostV1, ""), minside.ErrIkkeAutorisert)
}

// A person who has not consented: the melding is blocked, reported per melding.
func TestManglerSamtykke(t *testing.T) {
	e := newEnv(t)
	uten := ident.MustParseFoedselsnummer("01019010046")
	e.fake.UtenSamtykke(uten)
	ms := meldinger(3)
	ms[1].EksponertFor = minside.Person(uten)
	res, err := e.c.Index(context.Background(), ms)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Opprettet)
	assert.Equal(t, 1, res.ManglerSamtykke)
	assert.Equal(t, []string{ms[1].MeldingID}, res.MeldingerUtenSamtykke)
	assert.Equal(t, minside.ManglerSamtykke, res.Meldinger[1].Status)
	assert.Equal(t, minside.Indeksert, res.Meldinger[0].Status)
	assert.Nil(t, e.fake.Melding(ms[1].MeldingID))
}

// Every EksponertFor reaches Innsyn as the API spells it, the fødselsnummer in full; logs
// and String mask it.
func TestEksponertFor(t *testing.T) {
	e := newEnv(t)
	ms := meldinger(4)
	ms[1].EksponertFor = minside.Organisasjon(orgnr)
	ms[2].EksponertFor = minside.Matrikkelenhet("0301-207/46/0/0")
	ms[3].EksponertFor = minside.Offentlig()
	ms[0].EksternRef = "sakogarkiv.byggesak"
	_, err := e.c.Index(context.Background(), ms)
	require.NoError(t, err)
	want := [][2]string{{"FODSELSNUMMER", fnr.Unmasked()}, {"ORGANISASJONSNUMMER", "974760673"}, {"MATRIKKELNUMMER", "0301-207/46/0/0"}, {"OFFENTLIG", "offentlig"}}
	for i, w := range want {
		got := e.fake.Melding(ms[i].MeldingID)
		assert.Equal(t, w[0], got.EksponertForType)
		assert.Equal(t, w[1], got.EksponertForVerdi)
		assert.Equal(t, 4, got.Sikkerhetsniva, "default level 4")
	}
	assert.Equal(t, "sakogarkiv.byggesak", e.fake.Melding(ms[0].MeldingID).EksternRef)
	assert.NotContains(t, minside.Person(fnr).String(), fnr.Unmasked())
	assert.NotContains(t, e.logs.String(), fnr.Unmasked())
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "melding", ms[0], "metadata", minside.Journalpost{Tittel: "Til " + fnr.Unmasked()})
	assert.NotContains(t, buf.String(), fnr.Unmasked())
	assert.Contains(t, buf.String(), "JOURNALPOST_V1")

	for in, typ := range map[string]minside.IdentifikatorType{"13097248022": minside.IdentifikatorFoedselsnummer, "974760673": minside.IdentifikatorOrganisasjonsnummer,
		"0301-207/46/0/0": minside.IdentifikatorMatrikkelnummer, "offentlig": minside.IdentifikatorOffentlig} {
		ef, err := minside.ParseEksponertFor(in)
		require.NoError(t, err)
		assert.Equal(t, typ, ef.Type())
	}
	for _, bad := range []string{"13097248023", "910000002", "abc", ""} {
		_, err := minside.ParseEksponertFor(bad)
		assert.Error(t, err, bad)
	}
}

// Bad input is a *ValidationError naming the field; nothing is sent.
func TestIndexRefusals(t *testing.T) {
	e := newEnv(t)
	id := uuid.NewString()
	for name, m := range map[string][]minside.Melding{
		"MeldingID":          {{EksponertFor: minside.Offentlig(), Metadata: journalpost("x")}},
		"EksponertFor":       {{MeldingID: id, Metadata: journalpost("x")}},
		"Metadata":           {{MeldingID: id, EksponertFor: minside.Offentlig()}},
		"EksternRef":         {{MeldingID: id, EksponertFor: minside.Offentlig(), Metadata: journalpost("x"), EksternRef: "a;b"}},
		"FiksOrganisasjonID": {{MeldingID: id, EksponertFor: minside.Offentlig(), Metadata: journalpost("x"), FiksOrganisasjonID: "kommune"}},
		"meldinger[1].MeldingID": {{MeldingID: id, EksponertFor: minside.Offentlig(), Metadata: journalpost("x")},
			{MeldingID: strings.ToUpper(id), EksponertFor: minside.Offentlig(), Metadata: journalpost("y")}},
		"versjon":      {{MeldingID: id, EksponertFor: minside.Offentlig(), Metadata: minside.RawMetadata{V: "SAKSMAPPE_V1", JSON: []byte(`{}`)}}},
		"Organisasjon": {{MeldingID: id, EksponertFor: minside.Organisasjon("123"), Metadata: journalpost("x")}},
	} {
		_, err := e.c.Index(context.Background(), m)
		assert.ErrorIs(t, err, minside.ErrInvalidInput, name)
		if name != "Organisasjon" {
			assert.Contains(t, err.Error(), name)
		}
	}
	_, err := e.c.Index(context.Background(), nil)
	assert.ErrorIs(t, err, minside.ErrInvalidInput)
	assert.Equal(t, 0, e.fake.Requests())
	_, err = minside.New(minside.Options{BaseURL: e.fake.URL(), Credentials: e.fx.Credentials, BatchSize: 5001})
	assert.ErrorIs(t, err, minside.ErrInvalidInput)
}

// The fake refuses what Innsyn refuses, answered with FIKS's error body, nothing stored.
func TestFakeRules(t *testing.T) {
	e := newEnv(t)
	put := func(body string) (int, string) {
		req, _ := http.NewRequest(http.MethodPut, e.fake.URL()+"/innsyn-index/api/v2/indexRequest", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		tok, err := e.fx.Tokens.Token(context.Background())
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+tok.Value)
		for k, v := range e.fx.Credentials.Header() {
			req.Header[k] = v
		}
		resp, err := e.fake.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	melding := func(versjon, metadata string) string {
		return fmt.Sprintf(`{"meldingId":%q,"sikkerhetsniva":3,"eksponertFor":{"identifikatorType":"FODSELSNUMMER","verdi":"28422155364"},"fiksOrganisasjonId":%q,"versjon":%q,"meldingMetadata":%q}`,
			uuid.NewString(), e.org, versjon, metadata)
	}
	ok := base64.StdEncoding.EncodeToString([]byte(`{"journalposttype":"N","tittel":"f9df611f-a460-46b8-9741-7d84372a8d86"}`))
	// KS's own example request is accepted.
	st, body := put(`{"meldinger":[` + melding("JOURNALPOST_V1", ok) + `]}`)
	assert.Equal(t, 200, st, body)
	assert.JSONEq(t, `{"opprettet":1,"oppdatert":0,"manglerSamtykke":0,"meldingerUtenSamtykke":[]}`, body)
	for name, tc := range map[string]struct {
		body string
		want int
	}{
		"not JSON":         {`{"meldinger":`, 400},
		"empty":            {`{"meldinger":[]}`, 400},
		"unknown versjon":  {`{"meldinger":[` + melding("SAKSMAPPE_V1", ok) + `]}`, 400},
		"bad base64":       {`{"meldinger":[` + melding("JOURNALPOST_V1", "%%%") + `]}`, 400},
		"schema violation": {`{"meldinger":[` + melding("JOURNALPOST_V1", base64.StdEncoding.EncodeToString([]byte(`{"journalposttype":"Q"}`))) + `]}`, 400},
		"one bad of two":   {`{"meldinger":[` + melding("JOURNALPOST_V1", ok) + "," + melding("FAKTURA_V1", ok) + `]}`, 400},
		"over 5000":        {`{"meldinger":[` + strings.Repeat(melding("JOURNALPOST_V1", ok)+",", 5000) + melding("JOURNALPOST_V1", ok) + `]}`, 422},
	} {
		st, body := put(tc.body)
		assert.Equal(t, tc.want, st, "%s: %s", name, body)
		assert.Contains(t, body, `"errorId"`, name)
	}
	assert.Len(t, e.fake.Meldinger(), 1, "nothing of a refused batch is stored")
}

// Slett deletes by id in requests of at most 1000, only what this integrasjon indexed;
// SlettEksternRef by versjon and eksternRef.
func TestSlett(t *testing.T) {
	e := newEnv(t)
	ms := meldinger(1500)
	for i := range ms[:10] {
		ms[i].EksternRef = "gruppe.a"
	}
	_, err := e.c.Index(context.Background(), ms)
	require.NoError(t, err)
	before := e.fake.Requests()
	var del []minside.SlettMelding
	for _, m := range ms[10:1210] {
		del = append(del, minside.SlettMelding{MeldingID: m.MeldingID, Versjon: minside.VersjonJournalpostV1})
	}
	del = append(del, minside.SlettMelding{MeldingID: uuid.NewString(), Versjon: minside.VersjonJournalpostV1})
	n, err := e.c.Slett(context.Background(), del)
	require.NoError(t, err)
	assert.Equal(t, int64(1200), n, "the unknown id is not counted")
	assert.Equal(t, 2, e.fake.Requests()-before, "1201 ids: two requests")
	assert.Len(t, e.fake.Meldinger(), 300)

	require.NoError(t, e.c.SlettEksternRef(context.Background(), "", minside.VersjonJournalpostV1, "gruppe.a"))
	assert.Len(t, e.fake.Meldinger(), 290)
	require.NoError(t, e.c.SlettEksternRef(context.Background(), "", minside.VersjonJournalpostV1, ""))
	assert.Empty(t, e.fake.Meldinger())
	assert.ErrorIs(t, e.c.SlettEksternRef(context.Background(), "", "SAKSMAPPE_V1", ""), minside.ErrInvalidInput)
	_, err = e.c.Slett(context.Background(), []minside.SlettMelding{{MeldingID: "x", Versjon: minside.VersjonJournalpostV1}})
	assert.ErrorIs(t, err, minside.ErrInvalidInput)
}

// Reindex replays a source; a second run changes nothing but the version count, and a
// source error stops it before its batch.
func TestReindex(t *testing.T) {
	e := newEnv(t, func(o *minside.Options) { o.BatchSize = 400 })
	src := meldinger(1000)
	seq := func(fail int) iter.Seq2[minside.Melding, error] {
		return func(yield func(minside.Melding, error) bool) {
			for i, m := range src {
				if i == fail {
					yield(minside.Melding{}, errors.New("kilden svarte ikke"))
					return
				}
				if !yield(m, nil) {
					return
				}
			}
		}
	}
	res, err := e.c.Reindex(context.Background(), seq(-1))
	require.NoError(t, err)
	assert.Equal(t, 1000, res.Meldinger)
	assert.Equal(t, 1000, res.Opprettet)
	assert.Equal(t, 3, res.Requests)
	res, err = e.c.Reindex(context.Background(), seq(-1))
	require.NoError(t, err)
	assert.Equal(t, 0, res.Opprettet)
	assert.Equal(t, 1000, res.Oppdatert)
	assert.Len(t, e.fake.Meldinger(), 1000)
	res, err = e.c.Reindex(context.Background(), seq(500))
	assert.ErrorContains(t, err, "kilden svarte ikke")
	assert.Equal(t, 400, res.Meldinger, "the first batch went; the half-read second did not")
}

// The metadata validator and EksponertFor's parser take anything without panicking, and
// what they accept is what they say.
func FuzzValidateMetadata(f *testing.F) {
	f.Add("JOURNALPOST_V1", `{"journalposttype":"N","tittel":"f9df611f"}`)
	f.Add("FAKTURA_V1", `{"tittel":"x","belop":1e400}`)
	f.Add("MAPPE_V1", `{"type":"SAK","tittel":"x","saksaar":99999999999999999999999}`)
	f.Add("BARNEVERN_MAPPE_V1", `[{"a":`)
	f.Fuzz(func(t *testing.T, v, doc string) {
		err := minside.ValidateMetadata(minside.Versjon(v), []byte(doc))
		if err == nil && !json.Valid([]byte(doc)) {
			t.Fatalf("accepted invalid JSON %q", doc)
		}
		if ef, err := minside.ParseEksponertFor(doc); err == nil && ef.Type() == "" {
			t.Fatalf("parsed %q to nothing", doc)
		}
	})
}

// The verdict on every versjon's documents and their mutants (every value removed,
// nulled, or replaced by a string, a number or an empty array) is that of an independent
// implementation, Python's jsonschema (draft 2019-09, formats asserted), on the same
// upstream schemas.
func TestVerdictAgreesWithPythonJSONSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	g := newDocGen(t)
	total, invalid := 0, 0
	for _, v := range minside.Versjoner() {
		var docs [][]byte
		for _, full := range []bool{true, false} {
			var doc any
			require.NoError(t, json.Unmarshal(g.document(t, v, full), &doc))
			b, _ := json.Marshal(doc)
			docs = append(docs, b)
			for _, m := range testutil.JSONMutants(doc) {
				b, err := json.Marshal(m)
				require.NoError(t, err)
				docs = append(docs, b)
			}
		}
		want := testutil.PythonJSONSchema2019(t, schema.Files, schema.Base, v.SchemaPath(), docs)
		for i, b := range docs {
			got := minside.ValidateMetadata(v, b) == nil
			if !want[i] {
				invalid++
			}
			if got != want[i] {
				t.Errorf("%s document %d: ValidateMetadata valid=%v, Python jsonschema valid=%v\n%s", v, i, got, want[i], b)
			}
		}
		assert.True(t, want[0], "%s: the full document is valid for Python too", v)
		total += len(docs)
	}
	t.Logf("%d documents, %d invalid", total, invalid)
	assert.Greater(t, invalid, total/4)
}

// What the client sends and the fake answers has the shapes of the OpenAPI documents
// (innsyn-index-api-v2, innsyn-delete-api-v1), closed to properties they do not have:
// IndexRequestV2 and MeldingIndexResponseV2, SlettMeldingerSpec and SlettRespons, and
// ErrorMessage for the 403.
func TestWireMatchesSpec(t *testing.T) {
	index := testutil.LoadOAS(t, "specs/fiks/minside-innsyn/openapi/innsyn-index-api-v2.json")
	del := testutil.LoadOAS(t, "specs/fiks/minside-innsyn/openapi/innsyn-delete-api-v1.json")
	org := uuid.NewString()
	fx := fikstest.NewFixture(t, string(orgnr), minsidetest.Privilege(org))
	fake := minsidetest.NewServer(t, minsidetest.Options{Maskinporten: fx.Maskinporten})
	fake.AddIntegrasjon(fx.Integrasjon)
	proxy, rec := testutil.RecordingProxy(t, fake.URL(), fake.HTTPClient().Transport)
	c, err := minside.New(minside.Options{BaseURL: proxy, Credentials: fx.Credentials, FiksOrgID: org})
	require.NoError(t, err)
	ms := meldinger(3)
	ms[0].EksternRef, ms[0].TilgjengeligTil, ms[0].Sikkerhetsniva = "sakogarkiv.byggesak", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 3
	ms[1].EksponertFor = minside.Matrikkelenhet("0301-207/46/0/0")
	_, err = c.Index(context.Background(), ms)
	require.NoError(t, err)
	_, err = c.Slett(context.Background(), []minside.SlettMelding{{MeldingID: ms[0].MeldingID, Versjon: minside.VersjonJournalpostV1}})
	require.NoError(t, err)
	other := ms[2]
	other.FiksOrganisasjonID = uuid.NewString()
	_, err = c.Index(context.Background(), []minside.Melding{other})
	require.ErrorIs(t, err, minside.ErrIkkeAutorisert)

	ex := rec.Exchanges()
	require.Len(t, ex, 3)
	check := func(o *testutil.OAS, schema string, doc []byte) {
		t.Helper()
		assert.NoError(t, testutil.ValidateJSON(o.Validator(t, schema, true), doc), "%s: %s", schema, doc)
	}
	check(index, "IndexRequestV2", ex[0].Request)
	check(index, "MeldingIndexResponseV2", ex[0].Response)
	check(del, "SlettMeldingerSpec", ex[1].Request)
	check(del, "SlettRespons", ex[1].Response)
	check(index, "IndexRequestV2", ex[2].Request)
	assert.Equal(t, 403, ex[2].Status)
	check(index, "ErrorMessage", ex[2].Response)
	// The bite: a property the schema does not have is refused.
	assert.Error(t, testutil.ValidateJSON(index.Validator(t, "IndexRequestV2", true), []byte(`{"meldinger":[],"ekstra":1}`)))
}
