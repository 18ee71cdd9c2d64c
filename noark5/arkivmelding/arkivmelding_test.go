package arkivmelding_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/arkivmelding"
)

const dir = "specs/noark5/arkivmelding/eformidling"

func xsd(t *testing.T) string { return testutil.SharedFile(t, dir+"/arkivmelding.xsd") }

// Eksempel is a saksmappe with one journalpost, two documents and a skjerming, built the
// way a case system would.
func Eksempel() *arkivmelding.Arkivmelding {
	t0 := arkivmelding.Tid(time.Date(2025, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600)))
	jd := arkivmelding.NewDato(2025, 3, 1)
	sd := arkivmelding.NewDato(2025, 2, 20)
	mappeID := "9a3f0c4e-6b1d-4c55-8f2e-0d1c2b3a4f5e"
	return &arkivmelding.Arkivmelding{
		System: "Fagsystem", MeldingID: "0e2a4c6d-8f10-4b12-9c14-1e16a18b20c2", Tidspunkt: t0, AntallFiler: 2,
		Mappe: []arkivmelding.Mappe{{
			Type:       arkivmelding.TypeSaksmappe,
			Saksstatus: arkivmelding.UnderBehandling, // filled before the base fields: order is the schema's
			SystemID:   mappeID, Tittel: "Byggesak gnr 12 bnr 34, Storgata 1", OffentligTittel: "Byggesak gnr 12 bnr 34",
			OpprettetDato: t0, OpprettetAv: "saksbehandler1",
			Klassifikasjon: []arkivmelding.Klassifikasjon{{ReferanseKlassifikasjonssystem: "GBNR", KlasseID: "12/34", Tittel: "Gnr 12 bnr 34"}},
			Basisregistrering: []arkivmelding.Registrering{{
				Type:               arkivmelding.TypeJournalpost,
				Korrespondansepart: []arkivmelding.Korrespondansepart{{Korrespondanseparttype: arkivmelding.Avsender, KorrespondansepartNavn: "Ola Nordmann", Postnummer: "0150"}},
				SystemID:           "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9", OpprettetDato: t0, OpprettetAv: "saksbehandler1",
				ArkivertDato: t0, ArkivertAv: "saksbehandler1", ReferanseForelderMappe: mappeID,
				Skjerming: &arkivmelding.Skjerming{Tilgangsrestriksjon: "Unntatt offentlighet", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 (1) nr. 1",
					SkjermingMetadata: []string{"Skjerming korrespondansepart"}},
				Dokumentbeskrivelse: []arkivmelding.Dokumentbeskrivelse{
					{SystemID: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f901", Dokumenttype: "Søknad", Dokumentstatus: arkivmelding.DokumentetErFerdigstilt,
						Tittel: "Søknad om rammetillatelse", OpprettetDato: t0, OpprettetAv: "saksbehandler1",
						TilknyttetRegistreringSom: arkivmelding.Hoveddokument, Dokumentnummer: 1, TilknyttetDato: t0, TilknyttetAv: "saksbehandler1",
						Dokumentobjekt: []arkivmelding.Dokumentobjekt{{Versjonsnummer: 1, Variantformat: arkivmelding.Arkivformat, OpprettetDato: t0, OpprettetAv: "saksbehandler1", ReferanseDokumentfil: "soeknad.pdf"}}},
					{SystemID: "3d4e5f60-7182-493a-a4b5-c6d7e8f90112", Dokumenttype: "Tegning", Dokumentstatus: arkivmelding.DokumentetErFerdigstilt,
						Tittel: "Situasjonsplan", OpprettetDato: t0, OpprettetAv: "saksbehandler1",
						TilknyttetRegistreringSom: arkivmelding.Vedlegg, Dokumentnummer: 2, TilknyttetDato: t0, TilknyttetAv: "saksbehandler1",
						Dokumentobjekt: []arkivmelding.Dokumentobjekt{{Versjonsnummer: 1, Variantformat: arkivmelding.Arkivformat, OpprettetDato: t0, OpprettetAv: "saksbehandler1", ReferanseDokumentfil: "situasjonsplan.pdf"}}},
				},
				Tittel: "Søknad om rammetillatelse - Ola Nordmann", OffentligTittel: "Søknad om rammetillatelse",
				Journalaar: 2025, Journalsekvensnummer: 1234, Journalpostnummer: 17,
				Journalposttype: arkivmelding.InngaaendeDokument, Journalstatus: arkivmelding.Journalfoert, Journaldato: &jd,
			}},
			Saksaar: 2025, Sakssekvensnummer: 321, Saksdato: &sd, AdministrativEnhet: "Plan og bygg", Saksansvarlig: "saksbehandler1",
		}},
	}
}

func TestExamplesRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"arkivmelding_ok.xml", "docs-arkivmelding.xml"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(testutil.SharedFile(t, dir+"/examples/"+name))
			require.NoError(t, err)
			require.Empty(t, testutil.XMLLint(t, xsd(t), raw), "the example itself is valid")
			am, err := arkivmelding.Parse(bytes.NewReader(raw))
			require.NoError(t, err)
			require.NoError(t, am.Validate())
			require.Len(t, am.Mappe, 1)
			m := am.Mappe[0]
			assert.Equal(t, arkivmelding.TypeSaksmappe, m.Type)
			require.Len(t, m.Basisregistrering, 1)
			jp := m.Basisregistrering[0]
			assert.Equal(t, arkivmelding.TypeJournalpost, jp.Type)
			assert.Equal(t, arkivmelding.UtgaaendeDokument, jp.Journalposttype)
			assert.Contains(t, jp.VirksomhetsspesifikkeMetadata.InnerXML, "forvaltningsnummer")

			out, err := am.Marshal()
			require.NoError(t, err)
			assert.Empty(t, testutil.XMLLint(t, xsd(t), out))
			again, err := arkivmelding.Parse(bytes.NewReader(out))
			require.NoError(t, err)
			assert.Equal(t, am, again, "semantically equal after a write and a read")
			assert.Contains(t, string(out), "<tidspunkt>2017-05-23T12:46:00</tidspunkt>", "a time without a zone stays so")
		})
	}
}

func TestBuildValidates(t *testing.T) {
	t.Parallel()
	am := Eksempel()
	out, err := am.Marshal()
	require.NoError(t, err)
	assert.Empty(t, testutil.XMLLint(t, xsd(t), out))
	// The saksmappe elements come after the journalpost, as the extension requires.
	s := string(out)
	assert.Less(t, strings.Index(s, "</basisregistrering>"), strings.Index(s, "<saksaar>"))
	assert.Less(t, strings.Index(s, "</dokumentbeskrivelse>"), strings.Index(s, "<tittel>Søknad om rammetillatelse - Ola"))
	back, err := arkivmelding.Parse(bytes.NewReader(out))
	require.NoError(t, err)
	assert.Equal(t, am.Mappe[0].Basisregistrering[0].Journaldato.Time, back.Mappe[0].Basisregistrering[0].Journaldato.Time)
	assert.True(t, am.Tidspunkt.Equal(back.Tidspunkt.Time))

	// Loose registreringer under an arkivdel.
	loose := Eksempel()
	r := loose.Mappe[0].Basisregistrering[0]
	r.ReferanseForelderMappe, r.ReferanseArkivdel = "", "Postjournal"
	loose.Mappe, loose.Registrering = nil, []arkivmelding.Registrering{r}
	out, err = loose.Marshal()
	require.NoError(t, err)
	assert.Empty(t, testutil.XMLLint(t, xsd(t), out))
}

func TestValidateFindsEveryProblem(t *testing.T) {
	t.Parallel()
	am := Eksempel()
	m := &am.Mappe[0]
	m.SystemID = "arkiv57d6"
	m.Saksstatus = "Ferdig"
	jp := &m.Basisregistrering[0]
	jp.Journalposttype = "Brev"
	jp.Journaldato = nil
	jp.ReferanseArkivdel = "x" // two parents
	jp.Korrespondansepart[0].Korrespondanseparttype = "Medavsender"
	jp.Dokumentbeskrivelse[0].TilknyttetRegistreringSom = "hoveddokument"
	jp.Dokumentbeskrivelse[1].Dokumentobjekt[0].Versjonsnummer = 0
	jp.Skjerming.SkjermingMetadata = nil
	_, err := am.Marshal()
	var ve *arkivmelding.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, arkivmelding.ErrInvalid)
	joined := strings.Join(ve.Problems, "\n")
	for _, want := range []string{
		"arkivmelding/mappe[1]/systemID: \"arkiv57d6\" is not a UUID",
		"arkivmelding/mappe[1]/saksstatus: \"Ferdig\" is not a saksstatus value",
		"basisregistrering[1]/journalposttype: \"Brev\"",
		"basisregistrering[1]/journaldato: is required",
		"needs exactly one of referanseForelderMappe",
		"korrespondansepart[1]/korrespondanseparttype: \"Medavsender\"",
		"dokumentbeskrivelse[1]/tilknyttetRegistreringSom",
		"dokumentobjekt[1]/versjonsnummer: must be 1 or more",
		"skjerming/skjermingMetadata: at least one is required",
	} {
		assert.Contains(t, joined, want)
	}
	assert.Len(t, ve.Problems, 9)

	empty := &arkivmelding.Arkivmelding{}
	require.ErrorAs(t, empty.Validate(), &ve)
	assert.Contains(t, strings.Join(ve.Problems, "\n"), "holds no mappe and no registrering")

	wrongCount := Eksempel()
	wrongCount.AntallFiler = 3
	require.ErrorAs(t, wrongCount.Validate(), &ve)
	assert.Contains(t, ve.Problems[0], "references 2 file(s)")
}

// The Go checks agree with the XSD: what Validate refuses, xmllint refuses too, for
// values that encoding alone would let through.
func TestValidateAgreesWithXSD(t *testing.T) {
	t.Parallel()
	cases := map[string]func(*arkivmelding.Arkivmelding){
		"systemID not a UUID": func(a *arkivmelding.Arkivmelding) { a.Mappe[0].SystemID = "arkiv57d6" },
		"journalposttype":     func(a *arkivmelding.Arkivmelding) { a.Mappe[0].Basisregistrering[0].Journalposttype = "Brev" },
		"two parents":         func(a *arkivmelding.Arkivmelding) { a.Mappe[0].Basisregistrering[0].ReferanseArkivdel = "x" },
		"no skjermingMetadata": func(a *arkivmelding.Arkivmelding) {
			a.Mappe[0].Basisregistrering[0].Skjerming.SkjermingMetadata = nil
		},
		"saksstatus": func(a *arkivmelding.Arkivmelding) { a.Mappe[0].Saksstatus = "Ferdig" },
		"variantformat": func(a *arkivmelding.Arkivmelding) {
			a.Mappe[0].Basisregistrering[0].Dokumentbeskrivelse[0].Dokumentobjekt[0].Variantformat = "PDF"
		},
		"dokumentstatus": func(a *arkivmelding.Arkivmelding) {
			a.Mappe[0].Basisregistrering[0].Dokumentbeskrivelse[0].Dokumentstatus = "Ferdig"
		},
		"mappe and loose": func(a *arkivmelding.Arkivmelding) { a.Registrering = a.Mappe[0].Basisregistrering },
	}
	x := xsd(t)
	for name, mod := range cases {
		t.Run(name, func(t *testing.T) {
			am := Eksempel()
			mod(am)
			require.Error(t, am.Validate())
			// Write it without the Go check to let xmllint judge.
			raw := unchecked(t, am)
			assert.NotEmpty(t, testutil.XMLLint(t, x, raw), "xmllint refuses it too")
		})
	}
}

// unchecked marshals without Validate by going through a valid copy and patching text.
func unchecked(t *testing.T, am *arkivmelding.Arkivmelding) []byte {
	t.Helper()
	b, err := arkivmelding.MarshalUnchecked(am)
	require.NoError(t, err)
	return b
}

func TestParseRefusesHostileXML(t *testing.T) {
	t.Parallel()
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding"><system>&lol2;</system></arkivmelding>`
	_, err := arkivmelding.Parse(strings.NewReader(laughs))
	require.ErrorIs(t, err, noark5.ErrDirective)

	deep := `<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding">` + strings.Repeat("<mappe>", 10000)
	_, err = arkivmelding.Parse(strings.NewReader(deep))
	require.ErrorIs(t, err, noark5.ErrTooDeep)

	// A huge attribute: refused at MaxSize without reading it all into memory.
	huge := io.MultiReader(strings.NewReader(`<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" a="`),
		io.LimitReader(zeros{}, 1<<30))
	_, err = arkivmelding.Parse(huge)
	require.Error(t, err)
	assert.ErrorIs(t, err, arkivmelding.ErrTooLarge)
	assert.ErrorIs(t, err, noark5.ErrTooLarge)

	_, err = arkivmelding.Parse(strings.NewReader(`<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"/>`))
	require.Error(t, err)
	var pe *arkivmelding.ParseError
	require.True(t, errors.As(err, &pe))

	_, err = arkivmelding.Parse(strings.NewReader(`<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding"><tidspunkt>i går</tidspunkt></arkivmelding>`))
	require.Error(t, err)
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

func FuzzParse(f *testing.F) {
	// Small seeds: Go's fuzzer makes little progress from multi-kilobyte ones (the upstream
	// examples are covered by TestExamplesRoundTrip).
	f.Add([]byte(`<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><system>s</system><meldingId>m</meldingId><tidspunkt>2017-05-23T12:46:00</tidspunkt><antallFiler>0</antallFiler><mappe xsi:type="saksmappe"><systemID>43fbe161-7aac-4c9f-a888-d8167aab4144</systemID><tittel>t</tittel><opprettetDato>2017-06-01T10:10:12.000+01:00</opprettetDato><opprettetAv/><basisregistrering xsi:type="journalpost"><systemID>430a6710-a3d4-4863-8bd0-5eb1021bee45</systemID><opprettetDato>2012-02-17T21:56:12Z</opprettetDato><opprettetAv>a</opprettetAv><arkivertDato>2012-02-17T21:56:12Z</arkivertDato><arkivertAv>a</arkivertAv><referanseForelderMappe>43fbe161-7aac-4c9f-a888-d8167aab4144</referanseForelderMappe><tittel>t</tittel><journalposttype>Utgående dokument</journalposttype><journalstatus>Journalført</journalstatus><journaldato>2017-05-23</journaldato></basisregistrering><saksdato>2017-06-01</saksdato><administrativEnhet>a</administrativEnhet><saksansvarlig>s</saksansvarlig><saksstatus>Avsluttet</saksstatus></mappe></arkivmelding>`))
	f.Add([]byte(`<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding"><mappe xsi:type="x:saksmappe" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/></arkivmelding>`))
	f.Add([]byte(`<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding"><system>s</system><meldingId>m</meldingId><tidspunkt>2025-01-01T00:00:00Z</tidspunkt><antallFiler>0</antallFiler></arkivmelding>`))
	f.Add([]byte(`<arkivmelding xmlns="http://www.arkivverket.no/standarder/noark5/arkivmelding"><registrering><virksomhetsspesifikkeMetadata><a x="1">t</a></virksomhetsspesifikkeMetadata></registrering></arkivmelding>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		am, err := arkivmelding.Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		if am.Validate() != nil {
			return
		}
		out, err := am.Marshal()
		if err != nil {
			t.Fatalf("a valid message does not marshal: %v", err)
		}
		again, err := arkivmelding.Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("our own output does not parse: %v\n%s", err, out)
		}
		if err := again.Validate(); err != nil {
			t.Fatalf("our own output does not validate: %v", err)
		}
	})
}
