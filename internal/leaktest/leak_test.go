package leaktest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/digisos/soknad"
	"github.com/fellesklient/fellesklient/fiks/edialog"
	"github.com/fellesklient/fellesklient/fiks/edialog/edialogtest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/minside"
	"github.com/fellesklient/fellesklient/fiks/minside/minsidetest"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// collector gathers every text a caller could end up logging or showing.
type collector struct {
	t     *testing.T
	texts []string
}

func (c *collector) err(label string, err error) {
	if err == nil {
		return
	}
	c.texts = append(c.texts, label+": "+err.Error(), fmt.Sprintf("%s: %+v %#v", label, err, err))
	for e := err; e != nil; e = errors.Unwrap(e) {
		c.texts = append(c.texts, e.Error())
	}
}

func (c *collector) value(label string, v any) {
	c.texts = append(c.texts, fmt.Sprintf("%s: %v %+v %#v", label, v, v, v))
	if b, err := json.Marshal(v); err == nil {
		c.texts = append(c.texts, string(b))
	}
}

func (c *collector) panics(label string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			c.texts = append(c.texts, fmt.Sprintf("%s panic: %v", label, r))
		}
	}()
	f()
}

// TestNoFoedselsnummerLeaks drives maskinporten (pid), folkeregister (every call, faults,
// every error class) and ident with identity numbers, then checks that none of them, and
// no 11-digit run at all, appears in the logs, errors, printed values or panics.
func TestNoFoedselsnummerLeaks(t *testing.T) {
	ctx := context.Background()
	logs := &testutil.LogBuffer{}
	col := &collector{t: t}

	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	mo := mp.NewClient("leak", "910000020", fiks.Scope)
	mo.HTTPClient = mp.HTTPClient()
	mo.Logger = logs.Logger()
	mpc, err := maskinporten.New(mo)
	require.NoError(t, err)

	fake := folkeregistertest.NewServer(t, folkeregistertest.Options{Maskinporten: mp, PageSize: 5})
	fake.AddIntegrasjon(fikstest.Integrasjon{ID: "i", Passord: "p", Org: "910000020", Privileges: []string{"folkeregister:rolle:r"}})
	fake.AddRolle(folkeregistertest.Rolle{ID: "r", Parts: []string{"person-basis", "relasjon-utvidet", "historikk"}, Hendelser: true})
	numbers := fake.Syntetiske(30, 3)
	var ids []ident.Foedselsnummer
	for _, n := range numbers {
		ids = append(ids, ident.MustParseFoedselsnummer(n))
		fake.AddHendelse(n, "flytting")
	}
	unknown := folkeregistertest.Foedselsnummer(time.Date(1950, 5, 5, 0, 0, 0, 0, time.UTC), 77)
	numbers = append(numbers, unknown)
	ids = append(ids, ident.MustParseFoedselsnummer(unknown))

	// maskinporten: a pid token, a pid token for a scope the client lacks, with faults.
	mp.FailNext(1, http.StatusServiceUnavailable, 0)
	tok, err := mpc.Fetch(ctx, maskinporten.Request{Scopes: []string{fiks.Scope}, Pid: ids[0]})
	col.err("mp pid", err)
	col.value("mp token", tok)
	col.value("mp request", maskinporten.Request{Scopes: []string{fiks.Scope}, Pid: ids[1]})
	_, err = mpc.Fetch(ctx, maskinporten.Request{Scopes: []string{"annet:scope"}, Pid: ids[1]})
	col.err("mp scope", err)
	mp.DropNext(4)
	_, err = mpc.Fetch(ctx, maskinporten.Request{Scopes: []string{fiks.Scope}, Pid: ids[2]})
	col.err("mp drop", err)

	ts, err := mpc.TokenSource(maskinporten.Request{Scopes: []string{fiks.Scope}})
	require.NoError(t, err)
	c, err := folkeregister.New(folkeregister.Options{BaseURL: fake.URL(), Rolle: "r", HTTPClient: fake.HTTPClient(), Logger: logs.Logger(), MaxAttempts: 2,
		Credentials: fiks.Credentials{Token: ts, IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	require.NoError(t, err)
	bad, err := folkeregister.New(folkeregister.Options{BaseURL: fake.URL(), Rolle: "r", HTTPClient: fake.HTTPClient(), Logger: logs.Logger(),
		Credentials: fiks.Credentials{Token: ts, IntegrasjonID: "i", IntegrasjonPassord: "wrong"}})
	require.NoError(t, err)

	full := &folkeregister.PersonOptions{Parts: []folkeregister.Part{"person-basis", "relasjon-utvidet", "historikk"}}
	for i, id := range ids {
		switch i % 6 {
		case 1:
			fake.FailNext(1, http.StatusServiceUnavailable, 0)
		case 2:
			fake.InjectFault(folkeregistertest.Fault{Drop: true})
		case 3:
			fake.FailNext(2, http.StatusBadGateway, 0) // exhausts the attempts
		case 4:
			fake.InjectFault(folkeregistertest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 0})
		}
		p, err := c.Person(ctx, id, full)
		col.err("person", err)
		if p != nil {
			col.value("person", p)
			_, err := p.Utsendingsadresse()
			col.err("utsendingsadresse", err)
		}
	}
	_, err = c.Person(ctx, ids[0], &folkeregister.PersonOptions{Parts: []folkeregister.Part{"ukjent"}})
	col.err("bad part", err)
	_, err = c.Person(ctx, ids[0], &folkeregister.PersonOptions{Rolle: "ingen"})
	col.err("forbidden", err)
	_, err = bad.Person(ctx, ids[0], nil)
	col.err("401", err)
	res, err := c.Personer(ctx, ids, full)
	col.err("bulk", err)
	col.value("bulk", res)
	fake.InjectFault(folkeregistertest.Fault{DropAfter: true})
	_, err = c.Personer(ctx, ids[:3], nil)
	col.err("bulk drop", err)
	hits, err := c.Search(ctx, folkeregister.SearchQuery{Navn: "Kari", FoedselsaarFraOgMed: 1900}, nil)
	col.err("soek", err)
	col.value("soek", hits)
	fake.FailNext(2, http.StatusServiceUnavailable, 0)
	_, err = c.Search(ctx, folkeregister.SearchQuery{Navn: "Ola", FoedselsaarFraOgMed: 1900}, nil)
	col.err("soek 503", err)
	var pos int64 = 1
	for b, err := range c.Hendelser(ctx, pos, nil) {
		col.err("hendelser", err)
		if b != nil {
			col.value("batch", b)
			if b.From == 11 {
				fake.FailNext(2, http.StatusInternalServerError, 0)
			}
		}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Person(canceled, ids[0], nil)
	col.err("canceled", err)

	// einnsyn: identity numbers where ids, queries and fields belong, with faults.
	ef := einnsyntest.NewServer(t, einnsyntest.Options{})
	enh := ef.AddEnhet(einnsyntest.Enhet{Navn: "K", Orgnummer: "910000020"})
	ec, err := einnsyn.New(einnsyn.Options{BaseURL: ef.URL(), HTTPClient: ef.HTTPClient(), APIKey: ef.AddAPIKey(enh), Logger: logs.Logger(), MaxAttempts: 2})
	require.NoError(t, err)
	for i, n := range numbers[:6] {
		if i%2 == 0 {
			ef.FailNext(2, http.StatusServiceUnavailable, 0)
		}
		_, err := ec.Journalposter.Get(ctx, n, "saksmappe")
		col.err("einnsyn get", err)
		_, err = ec.Get(ctx, n)
		col.err("einnsyn any", err)
		for _, err := range ec.Search(ctx, &einnsyn.SearchOptions{Query: n, Saksnummer: []string{n}}) {
			col.err("einnsyn search", err)
		}
		_, err = ec.Journalposter.UpdateFields(ctx, "jp_01jh532p3ve6haq7n53xgpqayh", map[string]any{"journaldato": n})
		col.err("einnsyn patch", err)
		_, err = ec.Skjerminger.Create(ctx, "", &einnsyn.Skjerming{ArkivBase: einnsyn.ArkivBase{SystemID: n + "/x"}, Tilgangsrestriksjon: n})
		col.err("einnsyn create", err)
		_, err = ec.Saksmapper.Create(ctx, n, &einnsyn.Saksmappe{Mappe: einnsyn.Mappe{OffentligTittel: "t", OffentligTittelSensitiv: "t"}, Saksaar: 2025})
		col.err("einnsyn create under", err)
	}
	arkiv, err := ec.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "A"})
	require.NoError(t, err)
	_, err = ec.Arkivdeler.UpdateFields(ctx, arkiv.ID, map[string]any{"tittel": numbers[0]})
	col.err("einnsyn patch wrong coll", err)
	del, err := ec.Arkivdeler.Create(ctx, arkiv.ID, &einnsyn.Arkivdel{Tittel: "D"})
	require.NoError(t, err)
	sm, err := ec.Saksmapper.Create(ctx, del.ID, &einnsyn.Saksmappe{Mappe: einnsyn.Mappe{OffentligTittel: "t", OffentligTittelSensitiv: "t"},
		Saksaar: 2025, Sakssekvensnummer: 1, Journalpost: []einnsyn.Ref[einnsyn.Journalpost]{{Object: &einnsyn.Journalpost{
			Registrering: einnsyn.Registrering{OffentligTittel: "t", OffentligTittelSensitiv: "t"}, Journalaar: 2025, Journalposttype: einnsyn.Sakskart,
			Journaldato: einnsyn.NewDato(2025, 1, 1)}}}})
	require.NoError(t, err)
	jp, err := ec.Journalposter.ListPage(ctx, &einnsyn.ListOptions{Parent: sm.ID})
	require.NoError(t, err)
	_, err = ec.Journalposter.UpdateFields(ctx, jp.Items[0].ID, map[string]any{"journaldato": numbers[2], "journalposttype": numbers[3]})
	var ae *einnsyn.Error
	require.ErrorAs(t, err, &ae)
	require.Len(t, ae.FieldErrors, 2, "the fake echoes the refused values")
	col.err("einnsyn field errors", err)
	ef.InjectFault(einnsyntest.Fault{DropAfter: true})
	_, err = ec.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: numbers[1]})
	col.err("einnsyn unknown outcome", err)

	// ident: parse errors and panics.
	for _, n := range numbers[:5] {
		wrong := n[:10] + string('0'+(n[10]-'0'+1)%10)
		_, err := ident.ParseFoedselsnummer(wrong)
		col.err("parse", err)
		col.panics("must", func() { ident.MustParseFoedselsnummer(wrong) })
		numbers = append(numbers, wrong)
	}
	col.value("redacted", httpx.Redact("person "+numbers[0]))

	// DigiSos: an application read from soknad.json, printed and logged whole, and the
	// schema's errors about it.
	sokDoc := func(fnr, telefon string) []byte {
		return []byte(`{"version":"1.0.0","data":{"personalia":{"personIdentifikator":{"kilde":"system","verdi":"` + fnr + `"},` +
			`"navn":{"kilde":"system","fornavn":"Kari","mellomnavn":"","etternavn":"Nordmann"},"kontonummer":{"kilde":"bruker"},` +
			`"telefonnummer":{"kilde":"bruker","verdi":"` + telefon + `"}},"begrunnelse":{"kilde":"bruker","hvaSokesOm":"mat"},` +
			`"familie":{"forsorgerplikt":{"ansvar":[{"barn":{"kilde":"system","navn":{"fornavn":"Ola","mellomnavn":"","etternavn":"N"},"personIdentifikator":"` + numbers[3] + `"}}]}},` +
			`"okonomi":{"opplysninger":{"utbetaling":[],"utgift":[]},"oversikt":{"inntekt":[],"utgift":[],"formue":[]}}},` +
			`"mottaker":{"kommunenummer":"0301","enhetsnummer":"0315","navEnhetsnavn":"NAV"},"driftsinformasjon":{"inntektFraSkatteetatenFeilet":false},"kompatibilitet":[]}`)
	}
	sok, err := soknad.Read(bytes.NewReader(sokDoc(numbers[2], "+4799999999")))
	require.NoError(t, err)
	for _, v := range []any{sok, sok.Data.Personalia, sok.Data.Familie.Forsorgerplikt.Ansvar[0].Barn} { // fmt only: the JSON is the file, it holds them
		col.texts = append(col.texts, fmt.Sprintf("soknad: %v %+v %#v", v, v, v))
	}
	logs.Logger().Info("soknad", "soknad", sok, "id", sok.Data.Personalia.PersonIdentifikator.Verdi, "barn", sok.Data.Familie.Forsorgerplikt.Ansvar[0].Barn)
	_, err = soknad.Read(bytes.NewReader(sokDoc(numbers[2], numbers[4])))
	col.err("soknad schema error", err)
	_, err = soknad.Read(bytes.NewReader(sokDoc(numbers[2], "x")[:200]))
	col.err("soknad not json", err)

	// Min side: meldinger exposed for persons, with identity numbers in the metadata, a
	// schema error about one, a 403, 500s and a dropped answer; eDialog from a person.
	org := "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a16"
	ms := minsidetest.NewServer(t, minsidetest.Options{Maskinporten: mp})
	ms.AddIntegrasjon(fikstest.Integrasjon{ID: "i", Passord: "p", Org: "910000020", Privileges: []string{minsidetest.Privilege(org)}})
	ms.UtenSamtykke(ids[5])
	mc, err := minside.New(minside.Options{BaseURL: ms.URL(), HTTPClient: ms.HTTPClient(), Logger: logs.Logger(), FiksOrgID: org, MaxAttempts: 2,
		Credentials: fiks.Credentials{Token: ts, IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	require.NoError(t, err)
	var meldinger []minside.Melding
	for i, id := range ids[:8] {
		pid := numbers[i+1]
		jp := minside.Journalpost{Tittel: "Vedtak til " + numbers[i], EksponertFor: []minside.Part{{Type: minside.PartTypePERSON, Rolle: "Mottaker", Navn: "Kari", Id: &pid}}}
		m := minside.Melding{MeldingID: fmt.Sprintf("0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a%02d", i), EksponertFor: minside.Person(id), Metadata: jp}
		meldinger = append(meldinger, m)
		// fmt only: a melding's JSON is its metadata document, which holds them.
		col.texts = append(col.texts, fmt.Sprintf("melding: %v %+v %#v %s", m, m, m, m), fmt.Sprintf("journalpost: %v %+v %#v", jp, jp, jp))
		col.value("eksponertFor", m.EksponertFor)
		logs.Logger().Info("minside", "melding", m, "metadata", jp)
	}
	ms.FailNext(1, http.StatusInternalServerError, 0)
	r, err := mc.Index(ctx, meldinger)
	col.err("minside index", err)
	col.value("minside result", r)
	ms.FailNext(2, http.StatusInternalServerError, 0)
	r, err = mc.Index(ctx, meldinger[:2])
	col.err("minside 500", err)
	col.value("minside 500 result", r)
	ms.InjectFault(fikstest.Fault{DropAfter: true})
	_, err = mc.Index(ctx, meldinger[:1])
	col.err("minside drop", err)
	other := meldinger[0]
	other.FiksOrganisasjonID = "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a99"
	_, err = mc.Index(ctx, []minside.Melding{other})
	col.err("minside 403", err)
	badType := minside.Journalposttype(numbers[0])
	_, err = mc.Index(ctx, []minside.Melding{{MeldingID: other.MeldingID, EksponertFor: minside.Person(ids[0]), Metadata: minside.Journalpost{Tittel: numbers[1], Journalposttype: &badType}}})
	col.err("minside schema", err)
	_, err = mc.Index(ctx, []minside.Melding{{MeldingID: other.MeldingID, EksponertFor: minside.Person(ids[0]),
		Metadata: minside.RawMetadata{V: minside.VersjonJournalpostV1, JSON: []byte(`{"tittel":"` + numbers[2] + `","x":` + numbers[3] + `}`)}}})
	col.err("minside raw schema", err)
	_, err = minside.ParseEksponertFor(numbers[len(numbers)-1])
	col.err("minside parse", err)

	ed := edialogtest.NewServer(t, edialogtest.Options{Maskinporten: mp})
	ed.AddIntegrasjon(fikstest.Integrasjon{ID: "i", Passord: "p", Org: "910000020"})
	edc, err := edialog.New(edialog.Options{BaseURL: ed.URL(), HTTPClient: ed.HTTPClient(), Logger: logs.Logger(),
		Credentials: fiks.Credentials{Token: ts, IntegrasjonID: "i", IntegrasjonPassord: "p"}})
	require.NoError(t, err)
	av := edialog.Avsender{Type: edialog.AvsenderPerson, ID: numbers[4], Navn: "Kari"}
	col.texts = append(col.texts, fmt.Sprintf("avsender: %v %+v %#v %s", av, av, av, av)) // fmt only: its JSON is the sender's data
	logs.Logger().Info("edialog", "avsender", av)
	_, err = edc.Send(ctx, edialog.Innsending{Avsender: av, Mottaker: edialog.Mottaker{ID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a18"}, Metadata: edialog.Metadata{Tittel: "t"}})
	col.err("edialog unknown mottaker", err)
	_, err = edc.Send(ctx, edialog.Innsending{Avsender: edialog.Avsender{Type: edialog.AvsenderPerson, ID: numbers[len(numbers)-1], Navn: "K"},
		Mottaker: edialog.Mottaker{ID: numbers[0]}, Metadata: edialog.Metadata{Tittel: "t"}})
	col.err("edialog bad input", err)

	all := strings.Join(col.texts, "\n") + "\n" + logs.String()
	require.NotEmpty(t, logs.String(), "the clients logged at debug")
	for _, n := range numbers {
		if strings.Contains(all, n) {
			i := strings.Index(all, n)
			t.Errorf("identity number leaked: ...%s...", strings.ReplaceAll(all[max(0, i-120):min(len(all), i+20)], n, "<HERE>"))
		}
	}
	// An identity number stands alone: an 11-digit run inside a hex id, a UUID or a
	// base64 value (ids the fakes make at random, about one run in nine) is not one.
	if m := regexp.MustCompile(`(^|[^0-9A-Za-z_-])\d{11}([^0-9A-Za-z_-]|$)`).FindString(all); m != "" {
		t.Errorf("an 11-digit number appears: %q", m)
	}
	t.Logf("scanned %d texts and %d bytes of logs", len(col.texts), len(logs.String()))
}
