package einnsyn_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// env is a fake with a kommune, one of its sub-units, another organisation, and clients.
type env struct {
	fake               *einnsyntest.Server
	kommune, avdeling  string
	annen              string
	key, annenKey      auth.Secret
	pub, public, other *einnsyn.Client
	arkivdel           string
}

func setup(t *testing.T, fo einnsyntest.Options) *env {
	t.Helper()
	e := &env{fake: einnsyntest.NewServer(t, fo)}
	e.kommune = e.fake.AddEnhet(einnsyntest.Enhet{Navn: "Testkommune", Orgnummer: "910000020", Enhetstype: "KOMMUNE"})
	e.avdeling = e.fake.AddEnhet(einnsyntest.Enhet{Navn: "Plan og bygg", Parent: e.kommune})
	e.annen = e.fake.AddEnhet(einnsyntest.Enhet{Navn: "Annen kommune", Orgnummer: "974760673", Enhetstype: "KOMMUNE"})
	e.key = e.fake.AddAPIKey(e.kommune)
	e.annenKey = e.fake.AddAPIKey(e.annen)
	e.pub = client(t, e.fake, einnsyn.Options{APIKey: e.key})
	e.public = client(t, e.fake, einnsyn.Options{})
	e.other = client(t, e.fake, einnsyn.Options{APIKey: e.annenKey})
	ctx := context.Background()
	ark, err := e.pub.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Sakarkiv"})
	require.NoError(t, err)
	del, err := e.pub.Arkivdeler.Create(ctx, ark.ID, &einnsyn.Arkivdel{Tittel: "Sakarkiv 2025"})
	require.NoError(t, err)
	e.arkivdel = del.ID
	return e
}

func client(t *testing.T, fake *einnsyntest.Server, o einnsyn.Options) *einnsyn.Client {
	t.Helper()
	o.BaseURL = fake.URL()
	o.HTTPClient = fake.HTTPClient()
	c, err := einnsyn.New(o)
	require.NoError(t, err)
	return c
}

func journalpost(n int) *einnsyn.Journalpost {
	return &einnsyn.Journalpost{
		Registrering: einnsyn.Registrering{
			ArkivBase:               einnsyn.ArkivBase{SystemID: fmt.Sprintf("0b7c3a52-1d1e-4c55-9a7e-%012d", n)},
			OffentligTittel:         fmt.Sprintf("Søknad om byggetillatelse gnr %d", n),
			OffentligTittelSensitiv: fmt.Sprintf("Søknad om byggetillatelse gnr %d - Ola Nordmann", n),
			Korrespondansepart: []einnsyn.Ref[einnsyn.Korrespondansepart]{{Object: &einnsyn.Korrespondansepart{
				KorrespondansepartNavn: "Privatperson", KorrespondansepartNavnSensitiv: "Ola Nordmann",
				Korrespondanseparttype: "avsender"}}},
		},
		Journalaar: 2025, Journalsekvensnummer: n, Journalpostnummer: n,
		Journalposttype: einnsyn.InngaaendeDokument, Journaldato: einnsyn.NewDato(2025, 3, 1+n%28),
	}
}

func saksmappe(n int, jps ...*einnsyn.Journalpost) *einnsyn.Saksmappe {
	s := &einnsyn.Saksmappe{
		Mappe: einnsyn.Mappe{
			ArkivBase:               einnsyn.ArkivBase{SystemID: fmt.Sprintf("5d0f4c1e-2b3a-4f6d-8e9a-%012d", n)},
			OffentligTittel:         fmt.Sprintf("Byggesak gnr %d", n),
			OffentligTittelSensitiv: fmt.Sprintf("Byggesak gnr %d, Storgata 1", n),
		},
		Saksaar: 2025, Sakssekvensnummer: n,
	}
	for _, j := range jps {
		s.Journalpost = append(s.Journalpost, einnsyn.Ref[einnsyn.Journalpost]{Object: j})
	}
	return s
}

func TestNewOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		o    einnsyn.Options
		ok   bool
	}{
		{"default", einnsyn.Options{}, true},
		{"https", einnsyn.Options{BaseURL: "https://api.einnsyn.no/"}, true},
		{"http loopback", einnsyn.Options{BaseURL: "http://127.0.0.1:8080"}, true},
		{"http remote", einnsyn.Options{BaseURL: "http://api.einnsyn.no"}, false},
		{"userinfo", einnsyn.Options{BaseURL: "https://u:p@api.einnsyn.no"}, false},
		{"both auths", einnsyn.Options{APIKey: "secret_x", Token: auth.Static("t")}, false},
		{"key newline", einnsyn.Options{APIKey: "secret\r\nX-Evil: 1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := einnsyn.New(tc.o)
			if tc.ok {
				require.NoError(t, err)
				assert.NotNil(t, c)
			} else {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), "secret", "the key is not echoed")
				assert.NotContains(t, err.Error(), ":p@")
			}
		})
	}
}

func TestPublishReadUpdateDelete(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	jp := journalpost(1)
	jp.Skjerming = &einnsyn.Ref[einnsyn.Skjerming]{Object: &einnsyn.Skjerming{
		Tilgangsrestriksjon: "Unntatt offentlighet", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 (1) nr. 1"}}
	jp.Dokumentbeskrivelse = []einnsyn.Ref[einnsyn.Dokumentbeskrivelse]{{Object: &einnsyn.Dokumentbeskrivelse{
		Tittel: "Søknad", TittelSensitiv: "Søknad fra Ola Nordmann", Dokumentnummer: 1, TilknyttetRegistreringSom: "hoveddokument",
		Dokumentobjekt: []einnsyn.Ref[einnsyn.Dokumentobjekt]{{Object: &einnsyn.Dokumentobjekt{
			ReferanseDokumentfil: "https://arkiv.example.org/dok/1.pdf", Format: "application/pdf",
			Sjekksum: strings.Repeat("ab", 32), SjekksumAlgoritme: "SHA-256"}}},
	}}}
	sm, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1, jp, journalpost(2)))
	require.NoError(t, err)
	assert.Equal(t, "sm", einnsyn.Prefix(sm.ID))
	assert.Equal(t, "2025/1", sm.Saksnummer)
	assert.Equal(t, "Saksmappe", sm.Entity)
	assert.Equal(t, e.kommune, sm.Journalenhet.ID, "journalenhet defaults to the caller's Enhet")

	// The journalposter are read through the sub-collection.
	var jps []*einnsyn.Journalpost
	for j, err := range e.pub.Journalposter.List(ctx, &einnsyn.ListOptions{Parent: sm.ID, SortOrder: "asc"}) {
		require.NoError(t, err)
		jps = append(jps, j)
	}
	require.Len(t, jps, 2)
	assert.Equal(t, "Søknad om byggetillatelse gnr 1 - Ola Nordmann", jps[0].OffentligTittelSensitiv, "the publisher sees the full title")
	assert.Equal(t, sm.ID, jps[0].Saksmappe.ID)
	assert.False(t, jps[0].Saksmappe.Expanded())
	require.NotNil(t, jps[0].Skjerming)

	// The public sees neither the sensitive title nor the file reference.
	pj, err := e.public.Journalposter.Get(ctx, jps[0].ID, "saksmappe", "korrespondansepart", "dokumentbeskrivelse.dokumentobjekt", "skjerming")
	require.NoError(t, err)
	assert.Empty(t, pj.OffentligTittelSensitiv)
	require.True(t, pj.Saksmappe.Expanded())
	assert.Equal(t, "Byggesak gnr 1", pj.Saksmappe.Object.OffentligTittel)
	require.Len(t, pj.Korrespondansepart, 1)
	assert.Equal(t, "Privatperson", pj.Korrespondansepart[0].Object.KorrespondansepartNavn)
	assert.Empty(t, pj.Korrespondansepart[0].Object.KorrespondansepartNavnSensitiv)
	do := pj.Dokumentbeskrivelse[0].Object.Dokumentobjekt[0].Object
	assert.Empty(t, do.ReferanseDokumentfil)
	assert.Contains(t, do.URL, "/dokumentobjekt/")
	assert.Equal(t, "Unntatt offentlighet", pj.Skjerming.Object.Tilgangsrestriksjon)

	// By systemId, where the API allows it.
	bySys, err := e.public.Journalposter.Get(ctx, jp.SystemID)
	require.NoError(t, err)
	assert.Equal(t, jps[0].ID, bySys.ID)

	// Any object by id, decoded by its entity.
	obj, err := e.public.Get(ctx, sm.ID, "administrativEnhetObjekt")
	require.NoError(t, err)
	require.NotNil(t, obj.Saksmappe)
	assert.Equal(t, "Byggesak gnr 1", obj.Tittel())
	assert.Equal(t, "Testkommune", obj.Saksmappe.AdministrativEnhetObjekt.Object.Navn)

	// Children added later, one by one.
	kp, err := e.pub.Korrespondanseparter.Create(ctx, jps[1].ID, &einnsyn.Korrespondansepart{
		KorrespondansepartNavn: "Statsforvalteren", KorrespondansepartNavnSensitiv: "Statsforvalteren i Oslo og Viken",
		Korrespondanseparttype: "kopimottaker"})
	require.NoError(t, err)
	assert.Equal(t, jps[1].ID, kp.Journalpost.ID)
	jp3, err := e.pub.Journalposter.Create(ctx, sm.ID, journalpost(3))
	require.NoError(t, err)
	assert.Equal(t, sm.ID, jp3.Saksmappe.ID)

	// Update.
	up, err := e.pub.Journalposter.UpdateFields(ctx, jp3.ID, map[string]any{"offentligTittel": "Ny tittel"})
	require.NoError(t, err)
	assert.Equal(t, "Ny tittel", up.OffentligTittel)
	assert.Equal(t, 3, up.Journalpostnummer, "untouched fields stay")

	// Delete answers with the deleted object; the saksmappe takes its journalposter along.
	del, err := e.pub.Saksmapper.Delete(ctx, sm.ID)
	require.NoError(t, err)
	assert.True(t, del.Deleted)
	_, err = e.public.Journalposter.Get(ctx, jp3.ID)
	assert.ErrorIs(t, err, einnsyn.ErrNotFound)
	assert.Equal(t, 0, e.fake.Count("journalpost"))
}

// Paging over more than three pages, with next links as paths and as full URLs, through
// the iterator and page by page.
func TestPaging(t *testing.T) {
	t.Parallel()
	for _, abs := range []bool{false, true} {
		t.Run(fmt.Sprintf("absolute=%v", abs), func(t *testing.T) {
			e := setup(t, einnsyntest.Options{AbsoluteLinks: abs})
			ctx := context.Background()
			var jps []*einnsyn.Journalpost
			for i := 1; i <= 230; i++ {
				jps = append(jps, journalpost(i))
			}
			sm, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1, jps...))
			require.NoError(t, err)

			before := e.fake.Requests()
			seen := map[string]bool{}
			var order []int
			for j, err := range e.public.Journalposter.List(ctx, &einnsyn.ListOptions{Limit: 50, SortOrder: "asc"}) {
				require.NoError(t, err)
				require.False(t, seen[j.ID], "no item twice")
				seen[j.ID] = true
				order = append(order, j.Journalsekvensnummer)
			}
			assert.Len(t, seen, 230)
			assert.Equal(t, 5, e.fake.Requests()-before, "5 pages of 50")
			assert.Equal(t, 1, order[0])
			assert.Equal(t, 230, order[229])

			// Under a parent, default order (desc), default page size (25): 10 pages.
			n := 0
			for _, err := range e.public.Journalposter.List(ctx, &einnsyn.ListOptions{Parent: sm.ID}) {
				require.NoError(t, err)
				n++
			}
			assert.Equal(t, 230, n)

			// Breaking out early fetches no more pages.
			before = e.fake.Requests()
			n = 0
			for _, err := range e.public.Journalposter.List(ctx, &einnsyn.ListOptions{Limit: 10}) {
				require.NoError(t, err)
				if n++; n == 15 {
					break
				}
			}
			assert.Equal(t, 2, e.fake.Requests()-before)

			// Page by page, and with the cursor kept by the caller.
			p, err := e.public.Journalposter.ListPage(ctx, &einnsyn.ListOptions{Limit: 100, SortOrder: "asc"})
			require.NoError(t, err)
			require.Len(t, p.Items, 100)
			require.NotEmpty(t, p.Next)
			assert.Equal(t, abs, strings.HasPrefix(p.Next, "https://"))
			p2, err := e.public.Journalposter.NextPage(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, 101, p2.Items[0].Journalsekvensnummer)
			assert.NotEmpty(t, p2.Previous)
			p3, err := e.public.Journalposter.ListPage(ctx, &einnsyn.ListOptions{Limit: 100, SortOrder: "asc", StartingAfter: p2.Items[99].ID})
			require.NoError(t, err)
			assert.Len(t, p3.Items, 30)
			assert.Empty(t, p3.Next)
			last, err := e.public.Journalposter.NextPage(ctx, p3)
			require.NoError(t, err)
			assert.Nil(t, last)
			back, err := e.public.Journalposter.ListPage(ctx, &einnsyn.ListOptions{Limit: 10, SortOrder: "asc", EndingBefore: p3.Items[0].ID})
			require.NoError(t, err)
			assert.Equal(t, 191, back.Items[0].Journalsekvensnummer)
			assert.Equal(t, 200, back.Items[9].Journalsekvensnummer)

			// Exactly these ids.
			byIDs, err := e.public.Journalposter.ListPage(ctx, &einnsyn.ListOptions{IDs: []string{p.Items[0].ID, p.Items[5].ID}})
			require.NoError(t, err)
			assert.Len(t, byIDs.Items, 2)
			assert.Empty(t, byIDs.Next)
		})
	}
}

// A next link to another host is not followed: the API key would go there.
func TestNextLinkToOtherHostRefused(t *testing.T) {
	t.Parallel()
	evil := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[{"id":"jp_01jh532p3ve6haq7n53xgpqayh","entity":"Journalpost"}],"next":"https://evil.example.org/journalpost?startingAfter=x"}`))
	})
	ts := httptest.NewTLSServer(evil)
	defer ts.Close()
	c, err := einnsyn.New(einnsyn.Options{BaseURL: ts.URL, HTTPClient: ts.Client(), APIKey: "secret_abc"})
	require.NoError(t, err)
	var got []error
	for _, err := range c.Journalposter.List(context.Background(), nil) {
		got = append(got, err)
	}
	require.Len(t, got, 2)
	require.NoError(t, got[0])
	var de *einnsyn.DecodeError
	require.ErrorAs(t, got[1], &de)
	assert.Contains(t, got[1].Error(), "evil.example.org")
}

func TestSearch(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	var jps []*einnsyn.Journalpost
	for i := 1; i <= 120; i++ {
		j := journalpost(i)
		if i%2 == 0 {
			j.OffentligTittel = fmt.Sprintf("Klage på vedtak %d", i)
			j.Journalposttype = einnsyn.UtgaaendeDokument
		}
		jps = append(jps, j)
	}
	_, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(7, jps...))
	require.NoError(t, err)

	// Every hit over several pages of the two-value cursor.
	before := e.fake.Requests()
	n := 0
	seen := map[string]bool{}
	for h, err := range e.public.Search(ctx, &einnsyn.SearchOptions{Query: "byggetillatelse", Limit: 15, SortBy: "journaldato", SortOrder: "asc"}) {
		require.NoError(t, err)
		require.NotNil(t, h.Journalpost)
		assert.Contains(t, h.Tittel(), "byggetillatelse")
		require.False(t, seen[h.ID])
		seen[h.ID] = true
		n++
	}
	assert.Equal(t, 60, n)
	assert.Equal(t, 4, e.fake.Requests()-before)

	// Mixed entities, decoded by entity.
	kinds := map[string]int{}
	for h, err := range e.public.Search(ctx, &einnsyn.SearchOptions{Query: "gnr 7"}) {
		require.NoError(t, err)
		kinds[h.Entity]++
	}
	assert.Equal(t, 1, kinds["Saksmappe"])

	// Filters.
	p, err := e.public.SearchPage(ctx, &einnsyn.SearchOptions{Entity: []string{"Journalpost"}, Journalposttype: []einnsyn.Journalposttype{einnsyn.UtgaaendeDokument}, Limit: 100})
	require.NoError(t, err)
	assert.Len(t, p.Items, 60)
	for _, h := range p.Items {
		assert.Equal(t, einnsyn.UtgaaendeDokument, h.Journalpost.Journalposttype)
	}

	// Page by page with the cursor kept by the caller.
	p1, err := e.public.SearchPage(ctx, &einnsyn.SearchOptions{Query: "klage", Limit: 40, SortBy: "id"})
	require.NoError(t, err)
	cur := einnsyn.NextCursor(p1)
	require.Len(t, cur, 2)
	assert.Equal(t, p1.Items[39].ID, cur[1])
	p2, err := e.public.SearchPage(ctx, &einnsyn.SearchOptions{Query: "klage", Limit: 40, SortBy: "id", StartingAfter: cur})
	require.NoError(t, err)
	assert.Equal(t, 20, len(p2.Items))
	assert.Nil(t, einnsyn.NextCursor(p2))
	p2b, err := e.public.NextSearchPage(ctx, p1)
	require.NoError(t, err)
	assert.Equal(t, p2.Items[0].ID, p2b.Items[0].ID)

	// Bad options are refused before sending.
	before = e.fake.Requests()
	for _, o := range []*einnsyn.SearchOptions{
		{Limit: 101}, {SortBy: "relevance"}, {SortOrder: "up"}, {Entity: []string{"Enhet"}},
		{StartingAfter: []string{"x"}}, {Journalposttype: []einnsyn.Journalposttype{"brev"}},
	} {
		_, err := e.public.SearchPage(ctx, o)
		require.ErrorIs(t, err, einnsyn.ErrInvalidInput)
	}
	assert.Equal(t, before, e.fake.Requests())
}

// Every error class of the API, matched with errors.Is and errors.As.
func TestErrorClasses(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	sm, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1, journalpost(1)))
	require.NoError(t, err)

	// 400 validationError from the server (the client cannot know the field is bad here).
	_, err = e.pub.Journalposter.UpdateFields(ctx, sm.SystemID, map[string]any{"x": 1})
	require.ErrorIs(t, err, einnsyn.ErrNotFound, "a saksmappe's systemId is not a journalpost")
	jp, err := e.pub.Journalposter.Get(ctx, journalpost(1).SystemID)
	require.NoError(t, err)
	_, err = e.pub.Journalposter.UpdateFields(ctx, jp.ID, map[string]any{"journalposttype": "brev", "journaldato": "1.3.2025"})
	var ae *einnsyn.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 400, ae.StatusCode)
	assert.Equal(t, "validationError", ae.Type)
	assert.ErrorIs(t, err, einnsyn.ErrBadRequest)
	assert.ErrorIs(t, err, einnsyn.ErrValidation)
	names := []string{}
	for _, f := range ae.FieldErrors {
		names = append(names, f.FieldName)
	}
	assert.ElementsMatch(t, []string{"journalposttype", "journaldato"}, names)
	for _, f := range ae.FieldErrors {
		if f.FieldName == "journaldato" {
			assert.Equal(t, "must be a date (YYYY-MM-DD)", f.Message)
		}
	}

	// 401: a wrong key.
	bad := client(t, e.fake, einnsyn.Options{APIKey: "secret_wrong-key-value"})
	_, err = bad.Me(ctx)
	require.ErrorIs(t, err, einnsyn.ErrUnauthorized)
	assert.NotContains(t, err.Error(), "wrong-key-value")
	_, err = e.public.Me(ctx)
	require.ErrorIs(t, err, einnsyn.ErrUnauthorized)

	// 403: another organisation's object, and acting for a unit that is not one's own.
	_, err = e.other.Journalposter.UpdateFields(ctx, jp.ID, map[string]any{"offentligTittel": "x"})
	require.ErrorIs(t, err, einnsyn.ErrForbidden)
	_, err = e.other.Journalposter.Delete(ctx, jp.ID)
	require.ErrorIs(t, err, einnsyn.ErrForbidden)
	acting := client(t, e.fake, einnsyn.Options{APIKey: e.annenKey, ActingAs: e.avdeling})
	_, err = acting.Me(ctx)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "authorizationError", ae.Type)

	// 404.
	_, err = e.public.Saksmapper.Get(ctx, "sm_01jh532p3ve6haq7n53xgpqayh")
	require.ErrorIs(t, err, einnsyn.ErrNotFound)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "notFound", ae.Type)

	// 409: a second object with the same systemId.
	_, err = e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1))
	require.ErrorIs(t, err, einnsyn.ErrConflict)

	// 429 with Retry-After is waited out, also for a create; with one attempt it surfaces.
	e.fake.FailNext(1, 429, 1)
	start := time.Now()
	_, err = e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(2))
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond, "Retry-After honoured")
	one := client(t, e.fake, einnsyn.Options{MaxAttempts: 1})
	e.fake.FailNext(1, 429, 30)
	_, err = one.Saksmapper.Get(ctx, sm.ID)
	require.ErrorIs(t, err, einnsyn.ErrRateLimited)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "tooManyRequests", ae.Type)
	assert.Equal(t, 30*time.Second, ae.RetryAfter())

	// 5xx: reads are retried; when it persists, ErrServer.
	e.fake.FailNext(2, 503, 0)
	_, err = e.public.Saksmapper.Get(ctx, sm.ID)
	require.NoError(t, err)
	e.fake.FailNext(1, 500, 0)
	_, err = one.Saksmapper.Get(ctx, sm.ID)
	require.ErrorIs(t, err, einnsyn.ErrServer)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "internalServerError", ae.Type)

	// 405.
	_, err = e.pub.Journalposter.Create(ctx, "", journalpost(9))
	require.ErrorIs(t, err, einnsyn.ErrInvalidInput, "a journalpost needs its saksmappe")
}

// A create whose answer is lost is settled by its systemId, not sent twice.
func TestCreateExactlyOnce(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	isPost := func(r *http.Request) bool { return r.Method == http.MethodPost }

	// Taken, then the connection dropped: found by systemId.
	e.fake.InjectFault(einnsyntest.Fault{DropAfter: true, Match: isPost})
	sm, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1, journalpost(1)))
	require.NoError(t, err)
	assert.Equal(t, "2025/1", sm.Saksnummer)
	assert.Equal(t, 1, e.fake.Count("saksmappe"))
	assert.Equal(t, 1, e.fake.Count("journalpost"))

	// A gateway error before the server took it: not found, sent once more.
	e.fake.FailNext(1, 502, 0)
	_, err = e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(2))
	require.NoError(t, err)
	assert.Equal(t, 2, e.fake.Count("saksmappe"))

	// Without a systemId the outcome is unknown and the caller is told so.
	e.fake.InjectFault(einnsyntest.Fault{DropAfter: true, Match: isPost})
	s3 := saksmappe(3)
	s3.SystemID = ""
	_, err = e.pub.Saksmapper.Create(ctx, e.arkivdel, s3)
	var ue *einnsyn.UnknownOutcomeError
	require.ErrorAs(t, err, &ue)
	assert.ErrorIs(t, err, einnsyn.ErrUnknownOutcome)
	assert.Equal(t, 3, e.fake.Count("saksmappe"), "it was created once; the client did not resend it")
}

// Bad input is refused with *ValidationError before anything is sent.
func TestValidationBeforeSending(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	cases := map[string]func() error{}
	jpCase := func(name string, mod func(*einnsyn.Journalpost)) {
		cases["journalpost/"+name] = func() error {
			j := journalpost(1)
			mod(j)
			_, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1, j))
			return err
		}
	}
	jpCase("no title", func(j *einnsyn.Journalpost) { j.OffentligTittel = "" })
	jpCase("no sensitive title", func(j *einnsyn.Journalpost) { j.OffentligTittelSensitiv = " " })
	jpCase("year", func(j *einnsyn.Journalpost) { j.Journalaar = 25 })
	jpCase("type", func(j *einnsyn.Journalpost) { j.Journalposttype = "brev" })
	jpCase("date", func(j *einnsyn.Journalpost) { j.Journaldato = einnsyn.Dato{} })
	jpCase("negative", func(j *einnsyn.Journalpost) { j.Journalpostnummer = -1 })
	jpCase("kp name", func(j *einnsyn.Journalpost) { j.Korrespondansepart[0].Object.KorrespondansepartNavn = "" })
	jpCase("kp type", func(j *einnsyn.Journalpost) { j.Korrespondansepart[0].Object.Korrespondanseparttype = "" })
	jpCase("kp email", func(j *einnsyn.Journalpost) { j.Korrespondansepart[0].Object.Epostadresse = "not an address" })
	jpCase("skjerming", func(j *einnsyn.Journalpost) {
		j.Skjerming = &einnsyn.Ref[einnsyn.Skjerming]{Object: &einnsyn.Skjerming{}}
	})
	jpCase("dokument", func(j *einnsyn.Journalpost) {
		j.Dokumentbeskrivelse = []einnsyn.Ref[einnsyn.Dokumentbeskrivelse]{{Object: &einnsyn.Dokumentbeskrivelse{Tittel: "x"}}}
	})
	jpCase("own id", func(j *einnsyn.Journalpost) { j.ID = "my-own-id" })
	jpCase("systemId slash", func(j *einnsyn.Journalpost) { j.SystemID = "a/b" })
	jpCase("long beskrivelse", func(j *einnsyn.Journalpost) { j.Beskrivelse = strings.Repeat("x", 1001) })
	cases["saksmappe/year"] = func() error {
		s := saksmappe(1)
		s.Saksaar = 0
		_, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, s)
		return err
	}
	cases["saksmappe/saksnummer"] = func() error {
		s := saksmappe(1)
		s.Saksnummer = "2025/1"
		_, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, s)
		return err
	}
	cases["moetemappe"] = func() error {
		_, err := e.pub.Moetemapper.Create(ctx, e.arkivdel, &einnsyn.Moetemappe{Mappe: einnsyn.Mappe{OffentligTittel: "x", OffentligTittelSensitiv: "x"}})
		return err
	}
	cases["moetesak"] = func() error {
		_, err := e.pub.Moetesaker.Create(ctx, "", &einnsyn.Moetesak{Registrering: einnsyn.Registrering{OffentligTittel: "x", OffentligTittelSensitiv: "x"}, Moetesakstype: "valg"})
		return err
	}
	cases["bestilling"] = func() error {
		_, err := e.public.InnsynskravBestillinger.Create(ctx, "", &einnsyn.InnsynskravBestilling{Email: "x"})
		return err
	}
	cases["bad id"] = func() error { _, err := e.public.Journalposter.Get(ctx, "../enhet"); return err }
	cases["limit"] = func() error {
		_, err := e.public.Journalposter.ListPage(ctx, &einnsyn.ListOptions{Limit: 500})
		return err
	}
	cases["get any, not an id"] = func() error { _, err := e.public.Get(ctx, "13097248022"); return err }
	cases["expand over 100"] = func() error {
		_, err := e.public.Journalposter.Get(ctx, "jp_01jh532p3ve6haq7n53xgpqayh", make([]string, 101)...)
		return err
	}
	before := e.fake.Requests()
	for name, f := range cases {
		err := f()
		var ve *einnsyn.ValidationError
		require.ErrorAs(t, err, &ve, name)
		assert.ErrorIs(t, err, einnsyn.ErrInvalidInput, name)
		assert.NotContains(t, err.Error(), "13097248022", name)
	}
	assert.GreaterOrEqual(t, len(cases), 20)
	assert.Equal(t, before, e.fake.Requests(), "nothing was sent")
}

func TestBearerActingAsAndMe(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	e.fake.AddBearerToken("ansattporten-token-1", e.kommune)
	ts := auth.TokenSourceFunc(func(context.Context) (*auth.Token, error) {
		return &auth.Token{Value: "ansattporten-token-1", Expiry: time.Now().Add(time.Hour)}, nil
	})
	c := client(t, e.fake, einnsyn.Options{Token: ts, ActingAs: e.avdeling})
	me, err := c.Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Ansattporten", me.AuthType)
	assert.Equal(t, e.avdeling, me.ID, "acting as the sub-unit")
	sm, err := c.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1))
	require.ErrorIs(t, err, einnsyn.ErrForbidden, "the sub-unit does not own the kommune's arkivdel")
	assert.Nil(t, sm)

	byOrg := client(t, e.fake, einnsyn.Options{APIKey: e.key, ActingAs: "910000020"})
	me, err = byOrg.Me(ctx)
	require.NoError(t, err)
	assert.Equal(t, "ApiKey", me.AuthType)
	assert.Equal(t, "910000020", me.Orgnummer)

	bad := client(t, e.fake, einnsyn.Options{Token: auth.Static("expired")})
	_, err = bad.Me(ctx)
	require.ErrorIs(t, err, einnsyn.ErrUnauthorized)
}

func TestInnsynskrav(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{MaxUnverified: 2})
	ctx := context.Background()
	_, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1, journalpost(1), journalpost(2)))
	require.NoError(t, err)
	var ids []string
	for h, err := range e.public.Search(ctx, &einnsyn.SearchOptions{Entity: []string{"Journalpost"}}) {
		require.NoError(t, err)
		ids = append(ids, h.ID)
	}
	require.Len(t, ids, 2)
	order := &einnsyn.InnsynskravBestilling{Email: "journalist@example.org", Language: "nn"}
	for _, id := range ids {
		order.Innsynskrav = append(order.Innsynskrav, einnsyn.Ref[einnsyn.Innsynskrav]{Object: &einnsyn.Innsynskrav{Journalpost: einnsyn.RefTo[einnsyn.Journalpost](id)}})
	}
	b, err := e.public.InnsynskravBestillinger.Create(ctx, "", order)
	require.NoError(t, err)
	assert.Equal(t, "ik", einnsyn.Prefix(b.ID))
	assert.False(t, b.Verified)
	require.Len(t, b.Innsynskrav, 2)

	_, err = e.public.VerifyInnsynskravBestilling(ctx, b.ID, "wrong")
	require.ErrorIs(t, err, einnsyn.ErrForbidden)
	v, err := e.public.VerifyInnsynskravBestilling(ctx, b.ID, e.fake.VerificationSecret(b.ID))
	require.NoError(t, err)
	assert.True(t, v.Verified)

	// The kommune sees the requests addressed to it; the public does not.
	n := 0
	for k, err := range e.pub.Innsynskrav.List(ctx, &einnsyn.ListOptions{Parent: e.kommune, Expand: []string{"journalpost"}}) {
		require.NoError(t, err)
		assert.Equal(t, "journalist@example.org", k.Email)
		assert.True(t, k.Journalpost.Expanded())
		n++
	}
	assert.Equal(t, 2, n)
	_, err = e.public.Innsynskrav.ListPage(ctx, nil)
	require.ErrorIs(t, err, einnsyn.ErrUnauthorized)

	// Too many unverified orders from one address.
	for range 2 {
		_, err = e.public.InnsynskravBestillinger.Create(ctx, "", &einnsyn.InnsynskravBestilling{Email: "spam@example.org", Innsynskrav: order.Innsynskrav[:1]})
		require.NoError(t, err)
	}
	_, err = e.public.InnsynskravBestillinger.Create(ctx, "", &einnsyn.InnsynskravBestilling{Email: "spam@example.org", Innsynskrav: order.Innsynskrav[:1]})
	var ae *einnsyn.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "tooManyUnverifiedOrders", ae.Type)
	assert.ErrorIs(t, err, einnsyn.ErrRateLimited)
}

func TestMoeter(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	mm, err := e.pub.Moetemapper.Create(ctx, e.arkivdel, &einnsyn.Moetemappe{
		Mappe:       einnsyn.Mappe{OffentligTittel: "Kommunestyret 12.03.2025", OffentligTittelSensitiv: "Kommunestyret 12.03.2025"},
		Moetenummer: "3/2025", Utvalg: "KST", Moetedato: time.Date(2025, 3, 12, 17, 0, 0, 0, time.UTC), Moetested: "Rådhuset",
		Moetesak: []einnsyn.Ref[einnsyn.Moetesak]{{Object: &einnsyn.Moetesak{
			Registrering:  einnsyn.Registrering{OffentligTittel: "Budsjett 2026", OffentligTittelSensitiv: "Budsjett 2026"},
			Moetesakstype: einnsyn.MoetesakPolitisk, Moetesaksaar: 2025, Moetesakssekvensnummer: 12}}},
		Moetedokument: []einnsyn.Ref[einnsyn.Moetedokument]{{Object: &einnsyn.Moetedokument{
			Registrering:      einnsyn.Registrering{OffentligTittel: "Innkalling", OffentligTittelSensitiv: "Innkalling"},
			Moetedokumenttype: "innkalling"}}},
	})
	require.NoError(t, err)
	require.Len(t, mm.Moetesak, 1)
	ms, err := e.public.Moetesaker.Get(ctx, mm.Moetesak[0].ID, "moetemappe")
	require.NoError(t, err)
	assert.Equal(t, "3/2025", ms.Moetemappe.Object.Moetenummer)
	assert.True(t, ms.Moetemappe.Object.Moetedato.Equal(time.Date(2025, 3, 12, 17, 0, 0, 0, time.UTC)))
	ms2, err := e.pub.Moetesaker.Create(ctx, mm.ID, &einnsyn.Moetesak{
		Registrering:  einnsyn.Registrering{OffentligTittel: "Referatsaker", OffentligTittelSensitiv: "Referatsaker"},
		Moetesakstype: einnsyn.MoetesakReferat})
	require.NoError(t, err)
	assert.Equal(t, mm.ID, ms2.Moetemappe.ID)
	n := 0
	for _, err := range e.public.Moetesaker.List(ctx, &einnsyn.ListOptions{Parent: mm.ID}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
	docs, err := e.public.Moetedokumenter.ListPage(ctx, &einnsyn.ListOptions{Parent: mm.ID})
	require.NoError(t, err)
	assert.Len(t, docs.Items, 1)
	enh, err := e.public.Enheter.Get(ctx, e.kommune)
	require.NoError(t, err)
	assert.Equal(t, einnsyn.Kommune, enh.Enhetstype)
	subs, err := e.public.Enheter.ListPage(ctx, &einnsyn.ListOptions{Parent: e.kommune})
	require.NoError(t, err)
	require.Len(t, subs.Items, 1)
	assert.Equal(t, "Plan og bygg", subs.Items[0].Navn)
}

// Neither the API key nor an identity number reaches a log line or an error.
func TestSecretsNotLogged(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	var logs testutil.LogBuffer
	c := client(t, e.fake, einnsyn.Options{APIKey: e.key, Logger: logs.Logger()})
	e.fake.FailNext(2, 503, 0)
	_, err := c.Journalposter.Get(context.Background(), "13097248022")
	require.Error(t, err)
	e.fake.FailNext(5, 503, 0)
	_, err2 := c.Me(context.Background())
	require.Error(t, err2)
	for _, s := range []string{logs.String(), err.Error(), err2.Error()} {
		assert.NotContains(t, s, e.key)
		assert.NotContains(t, s, "13097248022")
	}
	assert.NotEmpty(t, logs.String(), "the retries were logged")
}

// The less common operations of the facade: Update with a struct, top-level and nested
// skjerming, klasser, dokumentobjekter, the generic Collection, and methodNotAllowed.
func TestMoreOperations(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	sm, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(1, journalpost(1)))
	require.NoError(t, err)
	jp, err := e.pub.Journalposter.Get(ctx, journalpost(1).SystemID)
	require.NoError(t, err)

	// Update with a struct: the fields without omitempty are sent as they are.
	patch := *jp
	patch.OffentligTittel = "Endret tittel"
	patch.Korrespondansepart, patch.Dokumentbeskrivelse = nil, nil
	patch.ID, patch.Entity, patch.PublisertDato, patch.OppdatertDato = "", "", nil, nil
	patch.Journalenhet, patch.Saksmappe, patch.AdministrativEnhetObjekt = nil, nil, nil
	up, err := e.pub.Journalposter.Update(ctx, jp.ID, &patch)
	require.NoError(t, err)
	assert.Equal(t, "Endret tittel", up.OffentligTittel)
	assert.Equal(t, jp.Journalsekvensnummer, up.Journalsekvensnummer)

	skj, err := e.pub.Skjerminger.Create(ctx, "", &einnsyn.Skjerming{Tilgangsrestriksjon: "Unntatt offentlighet", Skjermingshjemmel: "Offl. § 13"})
	require.NoError(t, err)
	assert.Equal(t, "skj", einnsyn.Prefix(skj.ID))
	_, err = e.pub.Journalposter.UpdateFields(ctx, jp.ID, map[string]any{"skjerming": skj.ID})
	require.NoError(t, err)
	got, err := e.public.Journalposter.Get(ctx, jp.ID, "skjerming")
	require.NoError(t, err)
	assert.Equal(t, "Offl. § 13", got.Skjerming.Object.Skjermingshjemmel)

	kla, err := e.pub.Klasser.Create(ctx, e.arkivdel, &einnsyn.Klasse{Tittel: "Byggesaker"})
	require.NoError(t, err)
	assert.Equal(t, e.arkivdel, kla.Arkivdel.ID)

	db, err := e.pub.Dokumentbeskrivelser.Create(ctx, jp.ID, &einnsyn.Dokumentbeskrivelse{Tittel: "Vedlegg", TittelSensitiv: "Vedlegg",
		Dokumentnummer: 2, TilknyttetRegistreringSom: "vedlegg"})
	require.NoError(t, err)
	do, err := e.pub.Dokumentobjekter.Create(ctx, db.ID, &einnsyn.Dokumentobjekt{ReferanseDokumentfil: "https://dok.example.org/2.pdf", Format: "pdf"})
	require.NoError(t, err)
	assert.Equal(t, db.ID, do.Dokumentbeskrivelse.ID)
	objs, err := e.public.Dokumentobjekter.ListPage(ctx, &einnsyn.ListOptions{Parent: db.ID})
	require.NoError(t, err)
	require.Len(t, objs.Items, 1)
	assert.Empty(t, objs.Items[0].ReferanseDokumentfil, "the file reference is the publisher's")

	// Any collection, as Object.
	coll, err := e.pub.Collection("skjerming")
	require.NoError(t, err)
	o, err := einnsyn.NewObject(map[string]any{"tilgangsrestriksjon": "Unntatt offentlighet", "skjermingshjemmel": "Offl. § 24"})
	require.NoError(t, err)
	created, err := coll.Create(ctx, "", o)
	require.NoError(t, err)
	require.NotNil(t, created.Skjerming)
	assert.Equal(t, "Offl. § 24", created.Skjerming.Skjermingshjemmel)
	var mine struct{ Skjermingshjemmel string }
	require.NoError(t, created.Decode(&mine))
	assert.Equal(t, "Offl. § 24", mine.Skjermingshjemmel)
	n := 0
	for o, err := range coll.List(ctx, nil) {
		require.NoError(t, err)
		assert.Equal(t, "Skjerming", o.Entity)
		n++
	}
	assert.Equal(t, 2, n)
	_, err = e.pub.Collection("hemmelig")
	require.ErrorIs(t, err, einnsyn.ErrInvalidInput)

	// 405: a route the API does not have.
	_, err = e.pub.Klasser.Create(ctx, sm.ID, &einnsyn.Klasse{Tittel: "x"})
	var ae *einnsyn.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 405, ae.StatusCode)
	assert.Equal(t, "methodNotAllowed", ae.Type)
}

// TestCreateExactlyOnceEveryCollection: for every collection a publisher creates in, the
// answer to the create is lost after the server took it. The client sends it once more,
// the backend refuses the duplicate with 409 naming the existing object, and the client
// returns that object: exactly one is stored. Arkiv and Arkivdel keep their systemId not
// unique, so they are made idempotent by externalId; with only a systemId their outcome
// is reported unknown and nothing is sent twice.
func TestCreateExactlyOnceEveryCollection(t *testing.T) {
	t.Parallel()
	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	isPost := func(r *http.Request) bool { return r.Method == http.MethodPost }
	sm, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, saksmappe(100))
	require.NoError(t, err)
	jp, err := e.pub.Journalposter.Create(ctx, sm.ID, journalpost(100))
	require.NoError(t, err)
	db, err := e.pub.Dokumentbeskrivelser.Create(ctx, jp.ID, &einnsyn.Dokumentbeskrivelse{Tittel: "V", TittelSensitiv: "V", Dokumentnummer: 2, TilknyttetRegistreringSom: "vedlegg"})
	require.NoError(t, err)
	mm, err := e.pub.Moetemapper.Create(ctx, e.arkivdel, &einnsyn.Moetemappe{Mappe: einnsyn.Mappe{OffentligTittel: "M", OffentligTittelSensitiv: "M"},
		Moetenummer: "1/2025", Utvalg: "KST", Moetedato: time.Date(2025, 3, 12, 17, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	ark, err := e.pub.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "A"})
	require.NoError(t, err)

	ab := func(key string) einnsyn.ArkivBase { return einnsyn.ArkivBase{SystemID: key} }
	ext := func(key string) einnsyn.ArkivBase { return einnsyn.ArkivBase{Base: einnsyn.Base{ExternalID: key}} }
	reg := func(key string) einnsyn.Registrering {
		return einnsyn.Registrering{ArkivBase: ab(key), OffentligTittel: "T", OffentligTittelSensitiv: "T"}
	}
	cases := []struct {
		coll   string
		create func(key string) (string, error)
	}{
		{"arkiv", func(k string) (string, error) {
			o, err := e.pub.Arkiver.Create(ctx, "", &einnsyn.Arkiv{ArkivBase: ext(k), Tittel: "A"})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"arkivdel", func(k string) (string, error) {
			o, err := e.pub.Arkivdeler.Create(ctx, ark.ID, &einnsyn.Arkivdel{ArkivBase: ext(k), Tittel: "D"})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"klasse", func(k string) (string, error) {
			o, err := e.pub.Klasser.Create(ctx, e.arkivdel, &einnsyn.Klasse{ArkivBase: ab(k), Tittel: "K"})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"saksmappe", func(k string) (string, error) {
			s := saksmappe(101)
			s.SystemID = k
			o, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, s)
			return idOf(o, err, func() string { return o.ID })
		}},
		{"journalpost", func(k string) (string, error) {
			j := journalpost(101)
			j.SystemID = k
			o, err := e.pub.Journalposter.Create(ctx, sm.ID, j)
			return idOf(o, err, func() string { return o.ID })
		}},
		{"korrespondansepart", func(k string) (string, error) {
			o, err := e.pub.Korrespondanseparter.Create(ctx, jp.ID, &einnsyn.Korrespondansepart{ArkivBase: ab(k),
				KorrespondansepartNavn: "P", KorrespondansepartNavnSensitiv: "P", Korrespondanseparttype: "mottaker"})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"dokumentbeskrivelse", func(k string) (string, error) {
			o, err := e.pub.Dokumentbeskrivelser.Create(ctx, jp.ID, &einnsyn.Dokumentbeskrivelse{ArkivBase: ab(k), Tittel: "V", TittelSensitiv: "V",
				Dokumentnummer: 3, TilknyttetRegistreringSom: "vedlegg"})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"dokumentobjekt", func(k string) (string, error) {
			o, err := e.pub.Dokumentobjekter.Create(ctx, db.ID, &einnsyn.Dokumentobjekt{ArkivBase: ab(k), ReferanseDokumentfil: "https://dok.example.org/" + k + ".pdf", Format: "pdf"})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"moetemappe", func(k string) (string, error) {
			o, err := e.pub.Moetemapper.Create(ctx, e.arkivdel, &einnsyn.Moetemappe{Mappe: einnsyn.Mappe{ArkivBase: ab(k), OffentligTittel: "M", OffentligTittelSensitiv: "M"},
				Moetenummer: "2/2025", Utvalg: "KST", Moetedato: time.Date(2025, 4, 12, 17, 0, 0, 0, time.UTC)})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"moetesak", func(k string) (string, error) {
			o, err := e.pub.Moetesaker.Create(ctx, mm.ID, &einnsyn.Moetesak{Registrering: reg(k), Moetesakstype: einnsyn.MoetesakPolitisk})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"moetedokument", func(k string) (string, error) {
			o, err := e.pub.Moetedokumenter.Create(ctx, mm.ID, &einnsyn.Moetedokument{Registrering: reg(k), Moetedokumenttype: "innkalling"})
			return idOf(o, err, func() string { return o.ID })
		}},
		{"skjerming", func(k string) (string, error) {
			o, err := e.pub.Skjerminger.Create(ctx, "", &einnsyn.Skjerming{ArkivBase: ab(k), Tilgangsrestriksjon: "Unntatt offentlighet", Skjermingshjemmel: "Offl. § 13"})
			return idOf(o, err, func() string { return o.ID })
		}},
	}
	for i, tc := range cases {
		t.Run(tc.coll, func(t *testing.T) {
			before := e.fake.Count(tc.coll)
			e.fake.InjectFault(einnsyntest.Fault{DropAfter: true, Match: isPost})
			id, err := tc.create(fmt.Sprintf("eksakt-en-gang-%d", i))
			require.NoError(t, err)
			assert.Equal(t, tc.coll, einnsyn.Collection(id))
			assert.Equal(t, before+1, e.fake.Count(tc.coll), "exactly one stored")
		})
	}
	t.Run("arkiv by systemId only", func(t *testing.T) {
		before := e.fake.Count("arkiv")
		e.fake.InjectFault(einnsyntest.Fault{DropAfter: true, Match: isPost})
		_, err := e.pub.Arkiver.Create(ctx, "", &einnsyn.Arkiv{ArkivBase: ab("bare-systemid"), Tittel: "A"})
		require.ErrorIs(t, err, einnsyn.ErrUnknownOutcome)
		assert.Equal(t, before+1, e.fake.Count("arkiv"), "not sent twice")
	})
	t.Run("a 409 on the first attempt is the caller's", func(t *testing.T) {
		_, err := e.pub.Klasser.Create(ctx, e.arkivdel, &einnsyn.Klasse{ArkivBase: ab("eksakt-en-gang-2"), Tittel: "K"})
		var ae *einnsyn.Error
		require.ErrorAs(t, err, &ae)
		assert.ErrorIs(t, err, einnsyn.ErrConflict)
		assert.Equal(t, "klasse", einnsyn.Collection(ae.ConflictID))
	})
}

func idOf(o any, err error, id func() string) (string, error) {
	if err != nil {
		return "", err
	}
	return id(), nil
}
