package fiksarkiv_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// Every message type of meldingstyper.json (V1 and V2) is known, with the spec's payload
// flag and file name, and every reply a kanSvareMed names is known after the typo is read.
func TestMeldingstyperMatchSpec(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"V1", "V2"} {
		raw, err := os.ReadFile(testutil.SharedFile(t, arkivDir+"/Schema/"+v+"/meldingstyper/meldingstyper.json"))
		require.NoError(t, err)
		var spec struct {
			Meldingstyper []struct {
				ID             string   `json:"id"`
				HarPayload     bool     `json:"harPayload"`
				PayloadFilnavn string   `json:"payloadFilnavn"`
				KanSvareMed    []string `json:"kanSvareMed"`
			} `json:"meldingstyper"`
		}
		require.NoError(t, json.Unmarshal(raw, &spec))
		require.Len(t, spec.Meldingstyper, 28)
		for _, m := range spec.Meldingstyper {
			assert.True(t, fiksarkiv.KnownType(m.ID), "%s %s", v, m.ID)
			assert.Equal(t, m.HarPayload, fiksarkiv.HarPayload(m.ID), "%s %s harPayload", v, m.ID)
			assert.Equal(t, m.PayloadFilnavn, fiksarkiv.PayloadFilnavn(m.ID), "%s %s payloadFilnavn", v, m.ID)
			for _, s := range m.KanSvareMed {
				assert.True(t, fiksarkiv.KnownType(s), "%s %s kanSvareMed %s", v, m.ID, s)
			}
		}
	}
	assert.Equal(t, fiksarkiv.TypeFeilmeldingUgyldigforespoersel, fiksarkiv.NormalizeType("no.ks.fik.arkiv.v1.feilmelding.ugyldigforespoersel"))
	assert.True(t, fiksarkiv.IsFeilmelding("no.ks.fik.arkiv.v2.feilmelding.ugyldigforespoersel"))
	assert.Equal(t, []string{"mappe.xml", "resultat.xml"}, fiksarkiv.PayloadNames(fiksarkiv.TypeMappeHentResultat))
	assert.Equal(t, []string{"registrering.xml", "resultat.xml"}, fiksarkiv.PayloadNames(fiksarkiv.TypeRegistreringHentResultat))
	assert.Equal(t, "arkivmelding.xml", fiksarkiv.PayloadFilnavn(fiksarkiv.TypeArkivmeldingOppdaterV2))
	assert.False(t, fiksarkiv.HarPayload(fiksarkiv.TypeArkivmeldingOppdaterKvitteringV2))
	assert.False(t, fiksarkiv.HarPayload(fiksarkiv.TypeTidsavbrudd))
	assert.False(t, fiksarkiv.KnownType("no.ks.fiks.arkiv.v3.innsyn.sok"))
}

func ptr[T any](v T) *T { return &v }

// The typed messages build XSD-valid payloads in both versions, travel under the ids the
// spec gives each version, and read back to the same value.
func TestTypedMessagesValidInBothVersions(t *testing.T) {
	t.Parallel()
	testutil.Tool(t, "xmllint")
	ref := &fiksarkiv.ReferanseTilRegistrering{
		SaksJournalpostnummer:   &fiksarkiv.SaksJournalpostnummer{Saksnummer: fiksarkiv.Saksnummer{Saksaar: 2026, Sakssekvensnummer: 17}, Journalpostnummer: 3},
		ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggsak", Noekkel: "42"},
	}
	dato := noark5.NewDato(2026, 12, 2)
	cases := []struct {
		xsd     string
		wantV2  string
		payload func(v string) fiksarkiv.Payload
	}{
		{"arkivering.arkivmelding.oppdater", "", func(v string) fiksarkiv.Payload {
			ja := true
			o := &fiksarkiv.ArkivmeldingOppdatering{Mappe: &fiksarkiv.MappeOppdatering{
				ReferanseTilMappe: fiksarkiv.ReferanseTilMappe{ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggsak", Noekkel: "42"}},
				Tittel:            "Ny tittel", Beskrivelse: &fiksarkiv.TekstOppdatering{Slett: &ja}, Noekkelord: &fiksarkiv.ListeOppdatering{Slett: []string{"a"}, Ny: []string{"b"}},
				Skjerming: &fiksarkiv.SkjermingOppdateringer{Oppdatering: &fiksarkiv.SkjermingOppdatering{Tilgangsrestriksjon: fiksarkiv.NewKode("13"), Skjermingshjemmel: "Offl. § 13"}},
				Klassifikasjon: &fiksarkiv.KlassifikasjonOppdateringer{
					Oppdatering: []fiksarkiv.KlassifikasjonOppdatering{{ReferanseTilKlassifikasjon: fiksarkiv.ReferanseTilKlassifikasjon{KlassifikasjonssystemID: "FA", KlasseID: "K01"}, Tittel: "t"}},
					Slett:       []fiksarkiv.ReferanseTilKlassifikasjon{{KlassifikasjonssystemID: "GBNR", KlasseID: "1/2"}},
					Ny:          []fiksarkiv.Klassifikasjon{{KlassifikasjonssystemID: "FA", KlasseID: "K02", ErSkjermet: &ja}}},
				Saksmappe: &fiksarkiv.SaksmappeOppdatering{Saksansvarlig: &fiksarkiv.Identifikator{Navn: "Kari"}, Saksstatus: fiksarkiv.NewKode("A")}}}
			o.Versjon = v
			return o
		}},
		{"arkivering.arkivmelding.oppdater", "", func(v string) fiksarkiv.Payload {
			o := &fiksarkiv.ArkivmeldingOppdatering{Registrering: &fiksarkiv.RegistreringOppdatering{
				ReferanseTilRegistrering: *ref, Tittel: "Ny tittel", Noekkelord: &fiksarkiv.ListeOppdatering{Ny: []string{"x"}},
				Korrespondansepart: &fiksarkiv.KorrespondansepartOppdateringer{Slett: []string{"kp-1"},
					Ny: []fiksarkiv.Korrespondansepart{{Korrespondanseparttype: fiksarkiv.Kode{Kode: "EM"}, KorrespondansepartNavn: "Ola", Postadresse: []string{"Gate 1"}}}},
				Journalpost: &fiksarkiv.JournalpostOppdatering{Journalstatus: fiksarkiv.NewKode("E"), Avskrivningsdato: &dato}}}
			o.Versjon = v
			return o
		}},
		{"arkivering.arkivmelding.oppdater", "", func(v string) fiksarkiv.Payload {
			o := &fiksarkiv.ArkivmeldingOppdatering{Dokumentbeskrivelse: &fiksarkiv.DokumentbeskrivelseOppdatering{
				ReferanseTilDokumentbeskrivelse: fiksarkiv.ReferanseTilDokumentbeskrivelse{SystemID: "6f358ced-036d-4c9b-b372-a2b7d83c5cc5"},
				Tittel:                          "Vedtak (rettet)", TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"}, Dokumentnummer: ptr(1)}}
			o.Versjon = v
			return o
		}},
		{"innsyn.sok", fiksarkiv.TypeSok, func(v string) fiksarkiv.Payload {
			s := &fiksarkiv.Sok{System: "byggsak", Take: 10, Skip: 0, Spraak: "nb", Sokdefinisjon: fiksarkiv.Sokdefinisjon{Type: fiksarkiv.SokSaksmappe,
				Responstype: fiksarkiv.ResponstypeUtvidet, Inkluder: []string{"part"},
				Parametere: []fiksarkiv.Parameter{
					{Operator: fiksarkiv.OperatorBetween, Felt: "sakSaksdato", Verdier: fiksarkiv.SokVerdier{Datoer: []string{fiksarkiv.SokDato(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), "2026-12-31T23:59:59"}}},
					{Operator: fiksarkiv.OperatorEqual, Felt: "sakSaksaar", Verdier: fiksarkiv.SokVerdier{Ints: []int{2026}}},
					{Operator: fiksarkiv.OperatorEqual, Felt: "mappeEksternNoekkel", Verdier: fiksarkiv.SokVerdier{EksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggsak", Noekkel: "42"}}},
					{Operator: fiksarkiv.OperatorEqual, Felt: "mappeKlasseKlasseID", Verdier: fiksarkiv.SokVerdier{MappeKlassifikasjon: []fiksarkiv.ReferanseTilKlassifikasjon{{KlassifikasjonssystemID: "GBNR", KlasseID: "12/34"}, {KlassifikasjonssystemID: "FA", KlasseID: "K01"}}}},
					{Operator: fiksarkiv.OperatorInList, Felt: "sakBbox", Verdier: fiksarkiv.SokVerdier{Bbox: &fiksarkiv.Bbox{Koordinatsystem: fiksarkiv.Kode{Kode: "EPSG:25833"}, NedreVenstreX: "10.5", NedreVenstreY: "59.1", OevreHoeyreX: "11", OevreHoeyreY: "60"}}},
					{Operator: fiksarkiv.OperatorEqual, Felt: "mappeTittel", Verdier: fiksarkiv.SokVerdier{Kind: "stringvalues"}},
				},
				Sortering: []fiksarkiv.Sortering{{Felt: "sakSaksaar-saksekvensnummer", Type: "synkende"}}}}
			s.Versjon = v
			return s
		}},
		{"innsyn.sok", fiksarkiv.TypeSok, func(v string) fiksarkiv.Payload {
			s := &fiksarkiv.Sok{System: "byggsak", Take: 5, Sokdefinisjon: fiksarkiv.Sokdefinisjon{Type: fiksarkiv.SokJournalpostFritekst,
				Responstype: fiksarkiv.ResponstypeMinimum, Soketekst: "rammetillatelse Storgata"}}
			s.Versjon = v
			return s
		}},
		{"innsyn.sok.resultat.minimum", fiksarkiv.TypeSokResultatMinimum, func(v string) fiksarkiv.Payload {
			ja := false
			sm := &fiksarkiv.SaksmappeMinimum{Saksaar: 2026, Sakssekvensnummer: 17, Saksdato: dato, AdministrativEnhet: fiksarkiv.Identifikator{Navn: "Plan"},
				Saksansvarlig: fiksarkiv.Identifikator{Navn: "Kari", Initialer: "KN"}, Saksstatus: fiksarkiv.Kode{Kode: "B"}}
			skj := &fiksarkiv.SkjermingMinimum{Tilgangsrestriksjon: fiksarkiv.Kode{Kode: "13"}, Skjermingshjemmel: "Offl. § 13"}
			grad := &fiksarkiv.GraderingMinimum{Grad: fiksarkiv.Kode{Kode: "B"}, Graderingsdato: noark5.Tid(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)), GradertAv: "Kari"}
			dok := fiksarkiv.DokumentbeskrivelseMinimum{SystemID: "66666666-6666-4666-8666-666666666666", Dokumenttype: fiksarkiv.Kode{Kode: "VEDTAK"}, Dokumentstatus: fiksarkiv.Kode{Kode: "F"}, Tittel: "Vedtak",
				Dokumentobjekt: []fiksarkiv.DokumentobjektMinimum{{SystemID: "77777777-7777-4777-8777-777777777777", Versjonsnummer: 1, Variantformat: fiksarkiv.Kode{Kode: "A"}, Format: fiksarkiv.Kode{Kode: "RA-PDF"}, ReferanseDokumentfil: "vedtak.pdf", Filstoerrelse: 1234}}}
			r := &fiksarkiv.SokeresultatMinimum{Side: fiksarkiv.Side{System: "arkiv", Take: 10, Count: 6, Resultattype: fiksarkiv.ResultattypeSaksmappe}, Resultater: []fiksarkiv.ResultatMinimum{
				{Mappe: &fiksarkiv.MappeMinimum{SystemID: "11111111-1111-4111-8111-111111111111", MappeID: "2026/17", Tittel: "Byggesak", Skjerming: skj, Gradering: grad,
					Klassifikasjon:          []fiksarkiv.KlassifikasjonMinimum{{KlassifikasjonssystemID: "GBNR", SystemTittel: "Gnr/bnr", KlasseID: "12/34", ErSkjermet: &ja}},
					ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggsak", Noekkel: "42"}, Saksmappe: sm}},
				{Mappe: &fiksarkiv.MappeMinimum{SystemID: "22222222-2222-4222-8222-222222222222", MappeID: "2026/18", Tittel: "Mappe"}},
				{Registrering: &fiksarkiv.RegistreringMinimum{SystemID: "33333333-3333-4333-8333-333333333333", Tittel: "Notat", Dokumentbeskrivelse: []fiksarkiv.DokumentbeskrivelseMinimum{dok}}},
				{Registrering: &fiksarkiv.RegistreringMinimum{SystemID: "44444444-4444-4444-8444-444444444444", Tittel: "Vedtak", Korrespondansepart: []fiksarkiv.KorrespondansepartMinimum{{Korrespondanseparttype: fiksarkiv.Kode{Kode: "EM"}, KorrespondansepartNavn: "Ola"}},
					Journalpost: &fiksarkiv.JournalpostMinimum{Journalaar: 2026, Journalsekvensnummer: 9, Journalpostnummer: 1, Journalposttype: fiksarkiv.Kode{Kode: "U"}, Journalstatus: fiksarkiv.Kode{Kode: "J"}, Journaldato: dato}}},
				{Registrering: &fiksarkiv.RegistreringMinimum{SystemID: "55555555-5555-4555-8555-555555555555", Tittel: "Vedtak",
					Journalpost: &fiksarkiv.JournalpostMinimum{Journalaar: 2026, Journalsekvensnummer: 10, Journalpostnummer: 2, Journalposttype: fiksarkiv.Kode{Kode: "U"}, Journalstatus: fiksarkiv.Kode{Kode: "J"}, Journaldato: dato, Saksmappe: sm}}},
				{Dokumentbeskrivelse: &dok},
			}}
			r.Versjon = v
			return r
		}},
		{"innsyn.sok.resultat.noekler", fiksarkiv.TypeSokResultatNoekler, func(v string) fiksarkiv.Payload {
			r := &fiksarkiv.SokeresultatNoekler{Side: fiksarkiv.Side{System: "arkiv", Take: 10, Count: 3, Resultattype: fiksarkiv.ResultattypeJournalpost}, Resultater: []fiksarkiv.ResultatNoekler{
				{Kind: "saksmappe", SystemID: "11111111-1111-4111-8111-111111111111", MappeID: "2026/17", Saksnummer: &fiksarkiv.Saksnummer{Saksaar: 2026, Sakssekvensnummer: 17}},
				{Kind: "journalpost", SystemID: "33333333-3333-4333-8333-333333333333", ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggsak", Noekkel: "jp"}, Journalaar: ptr(2026), Journalsekvensnummer: ptr(9), Journalpostnummer: ptr(1)},
				{Kind: "dokumentbeskrivelse", SystemID: "66666666-6666-4666-8666-666666666666"},
			}}
			r.Versjon = v
			return r
		}},
		{"innsyn.mappe.hent.resultat", fiksarkiv.TypeMappeHentResultat, func(v string) fiksarkiv.Payload {
			h := &fiksarkiv.MappeHentResultat{Mappe: arkivMappe(dato)}
			h.Versjon = v
			return h
		}},
		{"innsyn.registrering.hent.resultat", fiksarkiv.TypeRegistreringHentResultat, func(v string) fiksarkiv.Payload {
			h := &fiksarkiv.RegistreringHentResultat{Registrering: arkivJournalpost(dato, false)}
			h.Versjon = v
			return h
		}},
		{"innsyn.sok.resultat.utvidet", fiksarkiv.TypeSokResultatUtvidet, func(v string) fiksarkiv.Payload {
			d := arkivJournalpost(dato, false).Dokumentbeskrivelse[0]
			s := &fiksarkiv.Sokeresultat{Side: fiksarkiv.Side{System: "arkiv", Take: 10, Count: 4, Resultattype: fiksarkiv.ResultattypeJournalpostMedSaksmappe}, Resultater: []fiksarkiv.ResultatUtvidet{
				{Mappe: arkivMappe(dato)}, {Registrering: arkivJournalpost(dato, true)}, {Registrering: &fiksarkiv.ArkivRegistrering{SystemID: "88888888-8888-4888-8888-888888888888",
					OpprettetDato: noark5.Tid(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)), OpprettetAv: "x", ArkivertDato: tidp(), ArkivertAv: "x", Tittel: "Notat"}},
				{Dokumentbeskrivelse: &d}}}
			s.Versjon = v
			return s
		}},
		{"innsyn.mappe.hent", fiksarkiv.TypeMappeHent, func(v string) fiksarkiv.Payload {
			h := &fiksarkiv.MappeHent{System: "byggsak", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{Saksnummer: &fiksarkiv.Saksnummer{Saksaar: 2026, Sakssekvensnummer: 17}}, Inkluder: []string{fiksarkiv.InkluderPart}, Spraak: "nb"}
			h.Versjon = v
			return h
		}},
		{"innsyn.registrering.hent", fiksarkiv.TypeRegistreringHent, func(v string) fiksarkiv.Payload {
			h := &fiksarkiv.RegistreringHent{System: "byggsak", ReferanseTilRegistrering: ref, Inkluder: []string{fiksarkiv.InkluderDokumentobjekt}}
			h.Versjon = v
			return h
		}},
		{"innsyn.dokumentfil.hent", fiksarkiv.TypeDokumentfilHent, func(v string) fiksarkiv.Payload {
			h := &fiksarkiv.DokumentfilHent{System: "byggsak", SystemID: "6f358ced-036d-4c9b-b372-a2b7d83c5cc5"}
			h.Versjon = v
			return h
		}},
		{"arkivering.dokumentobjekt.opprett", fiksarkiv.TypeDokumentobjektOpprett, func(v string) fiksarkiv.Payload {
			d := &fiksarkiv.DokumentobjektOpprett{
				ReferanseTilDokumentbeskrivelse: fiksarkiv.ReferanseTilDokumentbeskrivelse{JournalpostDokumentnummer: &fiksarkiv.JournalpostDokumentnummer{ReferanseTilJournalpost: *ref, Dokumentnummer: 2}},
				Dokumentobjekt:                  fiksarkiv.Dokumentobjekt{Versjonsnummer: ptr(1), Variantformat: fiksarkiv.NewKode("A"), Filnavn: "vedtak.pdf", ReferanseDokumentfil: "vedtak.pdf", Filstoerrelse: ptr(int64(1234))},
			}
			d.Versjon = v
			return d
		}},
		{"arkivering.dokumentobjekt.opprett.kvittering", fiksarkiv.TypeDokumentobjektOpprettKvittering, func(v string) fiksarkiv.Payload {
			k := &fiksarkiv.DokumentobjektOpprettKvittering{SystemID: "6f358ced-036d-4c9b-b372-a2b7d83c5cc5", OpprettetAv: "arkiv"}
			k.Versjon = v
			return k
		}},
		{"arkivering.avskrivning.opprett", fiksarkiv.TypeAvskrivningOpprett, func(v string) fiksarkiv.Payload {
			a := &fiksarkiv.NyAvskrivning{
				Avskrivning:             fiksarkiv.Avskrivning{Avskrivningsdato: dato, AvskrevetAv: fiksarkiv.Identifikator{Navn: "Kari"}, Avskrivningsmaate: fiksarkiv.Kode{Kode: "BU", Beskrivelse: "Besvart med brev"}, ReferanseAvskriverJournalpost: []fiksarkiv.ReferanseTilJournalpost{{SystemID: "6f358ced-036d-4c9b-b372-a2b7d83c5cc5"}}},
				ReferanseTilJournalpost: ref,
				KorrespondansepartID:    "kp-1",
			}
			a.Versjon = v
			return a
		}},
		{"arkivering.avskrivning.slett", fiksarkiv.TypeAvskrivningSlett, func(v string) fiksarkiv.Payload {
			a := &fiksarkiv.SlettAvskrivning{ReferanseTilJournalpost: ref, KorrespondansepartID: "kp-1"}
			a.Versjon = v
			return a
		}},
		{"feilmelding.ikkefunnet", fiksarkiv.TypeFeilmeldingIkkefunnet, func(v string) fiksarkiv.Payload {
			f := &fiksarkiv.Feilmelding{Type: fiksarkiv.Ikkefunnet, FeilID: "f-1", Feilmelding: "Fant ikke saken"}
			f.Versjon = v
			return f
		}},
		{"feilmelding.ugyldigforespoersel", fiksarkiv.TypeFeilmeldingUgyldigforespoersel, func(v string) fiksarkiv.Payload {
			f := &fiksarkiv.Feilmelding{Type: fiksarkiv.Ugyldigforespoersel, FeilID: "f-2", Feilmelding: "Mangler tittel"}
			f.Versjon = v
			return f
		}},
		{"feilmelding.serverfeil", fiksarkiv.TypeFeilmeldingServerfeil, func(v string) fiksarkiv.Payload {
			f := &fiksarkiv.Feilmelding{Type: fiksarkiv.Serverfeil, FeilID: "f-3", Feilmelding: "Databasen svarer ikke"}
			f.Versjon = v
			return f
		}},
	}
	for i, c := range cases {
		for _, v := range []string{fiksarkiv.V1, fiksarkiv.V2} {
			t.Run(fmt.Sprintf("%s/%d/%s", c.xsd, i, v), func(t *testing.T) {
				p := c.payload(v)
				m, err := p.Melding()
				require.NoError(t, err)
				b, err := m.Bytes()
				require.NoError(t, err)
				dir := "V1"
				if v == fiksarkiv.V2 {
					dir = "V2"
				}
				xsd := testutil.SharedFile(t, filepath.Join(arkivDir, "Schema", dir, "no.ks.fiks.arkiv."+v+"."+c.xsd+".xsd"))
				if v == fiksarkiv.V2 && (c.xsd == "feilmelding.ikkefunnet" || c.xsd == "innsyn.mappe.hent.resultat") {
					xsd = mendV2(t, xsd)
				}
				assert.Empty(t, testutil.XMLLint(t, xsd, b), "%s", b)
				if c.wantV2 != "" {
					assert.Equal(t, c.wantV2, m.Meldingstype(), "V2 keeps the v1 id for this message")
				} else {
					assert.Contains(t, m.Meldingstype(), ".arkiv."+v+".", "V2 has its own id for this message")
				}
				back, err := fiksarkiv.Parse(bytes.NewReader(b))
				require.NoError(t, err)
				typed, err := back.Typed()
				require.NoError(t, err)
				assert.Equal(t, p, typed)
			})
		}
	}
}

// Builders report every problem before anything is built.
func TestTypedMessagesReportEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := (&fiksarkiv.MappeHent{Inkluder: []string{"alt"}}).Melding()
	var verr *fiksarkiv.ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Len(t, verr.Problems, 3, verr.Problems)
	_, err = (&fiksarkiv.NyAvskrivning{}).Melding()
	require.ErrorAs(t, err, &verr)
	assert.Len(t, verr.Problems, 4, verr.Problems)
	_, err = (&fiksarkiv.Feilmelding{Type: "x"}).Melding()
	require.ErrorAs(t, err, &verr)
	assert.Len(t, verr.Problems, 3, verr.Problems)
}

// mendV2 is a copy of upstream's V2 schemas with the one defect two of them share mended:
// the ikkefunnet and mappe hent resultat XSDs import a v1 namespace (feilmelding,
// arkivstruktur) whose types they then reference under v2, so libxml2 refuses to compile
// them. In the copy they import the v2 namespace.
func mendV2(t *testing.T, xsd string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Dir(xsd)
	files, err := filepath.Glob(filepath.Join(src, "*.xsd"))
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o600))
	}
	b, err := os.ReadFile(xsd)
	require.NoError(t, err)
	re := regexp.MustCompile(`(<xs:import namespace="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/[a-z/]+)/v1"`)
	require.True(t, re.Match(b), "upstream fixed %s: drop this mend", filepath.Base(xsd))
	b = re.ReplaceAll(b, []byte(`$1/v2"`))
	out := filepath.Join(dir, filepath.Base(xsd))
	require.NoError(t, os.WriteFile(out, b, 0o600))
	return out
}

func tidp() *noark5.Tidspunkt {
	t := noark5.Tid(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	return &t
}

// arkivMappe is a saksmappe with a part, a cross reference, a remark, a class and a child
// journalpost, as an archive answers a hent.
func arkivMappe(dato noark5.Dato) *fiksarkiv.ArkivMappe {
	ja := true
	return &fiksarkiv.ArkivMappe{SystemID: "11111111-1111-4111-8111-111111111111", MappeID: "2026/17", Tittel: "Byggesak", OffentligTittel: "Byggesak",
		Noekkelord: []string{"bygg"}, OpprettetDato: *tidp(), OpprettetAv: "arkiv", Arkivdel: fiksarkiv.NewKode("SAK"),
		Part:                    []fiksarkiv.Part{{PartNavn: "Ola Nordmann", PartRolle: fiksarkiv.Kode{Kode: "SØK"}, PersonID: "13097248022", PersonIDLandkode: "NO", Postadresse: []string{"Gate 1"}, ErPersonnavn: &ja}},
		Kryssreferanse:          []fiksarkiv.Kryssreferanse{{KryssreferanseID: "k1", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{Saksnummer: &fiksarkiv.Saksnummer{Saksaar: 2025, Sakssekvensnummer: 3}}}},
		Merknad:                 []fiksarkiv.Merknad{{Merknadstekst: "Haster", Merknadstype: fiksarkiv.NewKode("MB"), Merknadsdato: tidp()}},
		Skjerming:               &fiksarkiv.SkjermingMinimum{Tilgangsrestriksjon: fiksarkiv.Kode{Kode: "13"}, Skjermingshjemmel: "Offl. § 13"},
		Klassifikasjon:          []fiksarkiv.ArkivKlassifikasjon{{KlassifikasjonssystemID: "GBNR", KlasseID: "12/34"}},
		ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "byggsak", Noekkel: "42"},
		Registreringer:          []fiksarkiv.ArkivRegistrering{*arkivJournalpost(dato, false)},
		Saksmappe: &fiksarkiv.ArkivSaksmappe{Saksaar: 2026, Sakssekvensnummer: 17, Saksdato: dato, AdministrativEnhet: fiksarkiv.Identifikator{Navn: "Plan"},
			Saksansvarlig: fiksarkiv.Identifikator{Navn: "Kari"}, Saksstatus: fiksarkiv.Kode{Kode: "B"}}}
}

func arkivJournalpost(dato noark5.Dato, medSak bool) *fiksarkiv.ArkivRegistrering {
	j := &fiksarkiv.ArkivRegistrering{SystemID: "33333333-3333-4333-8333-333333333333", OpprettetDato: *tidp(), OpprettetAv: "arkiv", ArkivertDato: tidp(), ArkivertAv: "arkiv",
		ReferanseForelderMappe: &fiksarkiv.ReferanseTilMappe{SystemID: "11111111-1111-4111-8111-111111111111"},
		Dokumentbeskrivelse: []fiksarkiv.ArkivDokumentbeskrivelse{{SystemID: "66666666-6666-4666-8666-666666666666", Dokumenttype: fiksarkiv.Kode{Kode: "VEDTAK"},
			Dokumentstatus: fiksarkiv.Kode{Kode: "F"}, Tittel: "Vedtak", OpprettetDato: *tidp(), OpprettetAv: "arkiv", TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"},
			Dokumentnummer: 1, TilknyttetDato: *tidp(), TilknyttetAv: "arkiv",
			Dokumentobjekt: []fiksarkiv.ArkivDokumentobjekt{{SystemID: "77777777-7777-4777-8777-777777777777", Versjonsnummer: 1, Variantformat: fiksarkiv.Kode{Kode: "A"},
				Filnavn: "vedtak.pdf", Format: fiksarkiv.Kode{Kode: "RA-PDF"}, MimeType: "application/pdf", OpprettetDato: *tidp(), OpprettetAv: "arkiv",
				ReferanseDokumentfil: "vedtak.pdf", Sjekksum: "abc", SjekksumAlgoritme: "SHA-256", Filstoerrelse: 1234}}}},
		Tittel: "Vedtak om byggetillatelse",
		Korrespondansepart: []fiksarkiv.Korrespondansepart{{KorrespondansepartID: "kp-1", Korrespondanseparttype: fiksarkiv.Kode{Kode: "EM"}, KorrespondansepartNavn: "Ola",
			Forsendelsesmaate: fiksarkiv.NewKode("SVARUT")}},
		Journalpost: &fiksarkiv.ArkivJournalpost{Journalaar: 2026, Journalsekvensnummer: 9, Journalpostnummer: 1, Journalposttype: fiksarkiv.Kode{Kode: "U"},
			Journalstatus: fiksarkiv.Kode{Kode: "J"}, Journaldato: dato, Avskrivningsdato: &dato}}
	if medSak {
		j.Journalpost.Saksmappe = &fiksarkiv.ArkivSaksmappe{Saksaar: 2026, Sakssekvensnummer: 17, Saksdato: dato, AdministrativEnhet: fiksarkiv.Identifikator{Navn: "Plan"},
			Saksansvarlig: fiksarkiv.Identifikator{Navn: "Kari"}, Saksstatus: fiksarkiv.Kode{Kode: "B"}}
	}
	return j
}
