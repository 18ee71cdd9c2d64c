package fiksarkiv_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

const arkivDir = "specs/fiks/fiks-protokoll/arkiv"

type example struct {
	file, xsd string
}

// validExamples are the Fiks Arkiv examples that validate upstream (XSD-VALIDATION.txt),
// with the XSD that judges each.
func validExamples(t *testing.T) []example {
	t.Helper()
	list := testutil.SharedFile(t, arkivDir+"/examples/XSD-VALIDATION.txt")
	f, err := os.Open(list)
	require.NoError(t, err)
	defer f.Close()
	base := filepath.Dir(list)
	var out []example
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) == 3 && fields[0] == "VALID" {
			out = append(out, example{filepath.Join(base, "validator-testcases", fields[1]), filepath.Join(base, "..", "Schema", "V1", fields[2])})
		}
	}
	require.Len(t, out, 26)
	return out
}

// The 26 examples that validate upstream round-trip: read, written, still valid against
// their XSD, and equal in meaning to what was read.
func TestExamplesRoundTrip(t *testing.T) {
	t.Parallel()
	testutil.Tool(t, "xmllint") // the subtests need it; without it, none would count
	typed, untyped := map[string]int{}, map[string]int{}
	t.Cleanup(func() { t.Logf("typed: %v; untyped: %v", typed, untyped) })
	for _, ex := range validExamples(t) {
		name := filepath.Base(filepath.Dir(ex.file))
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(ex.file)
			require.NoError(t, err)
			m, err := fiksarkiv.Parse(bytes.NewReader(raw))
			require.NoError(t, err)
			assert.Equal(t, fiksarkiv.V1, m.Versjon())
			assert.True(t, strings.HasPrefix(m.Meldingstype(), "no.ks.fiks.arkiv.v1."), m.Meldingstype())
			out, err := m.Bytes()
			require.NoError(t, err)
			assert.Empty(t, testutil.XMLLint(t, ex.xsd, out))
			again, err := fiksarkiv.Parse(bytes.NewReader(out))
			require.NoError(t, err)
			assert.True(t, fiksarkiv.Equal(m, again))

			// Through the typed model and back.
			tm, err := m.Typed()
			if errors.Is(err, fiksarkiv.ErrUntyped) {
				untyped[m.Meldingstype()]++
				return
			}
			require.NoError(t, err)
			typed[m.Meldingstype()]++
			assert.Empty(t, ukjent(tm), "the model holds every element of the example")
			built, err := tm.Melding()
			require.NoError(t, err)
			b, err := built.Bytes()
			require.NoError(t, err)
			assert.Empty(t, testutil.XMLLint(t, ex.xsd, b))
			assert.True(t, fiksarkiv.Equal(m, built), "typed round trip keeps the meaning\n%s\n%s", raw, b)
		})
	}
	t.Cleanup(func() {
		assert.Equal(t, map[string]int{
			fiksarkiv.TypeArkivmeldingOpprett:   5,
			fiksarkiv.TypeArkivmeldingOppdater:  8,
			fiksarkiv.TypeSok:                   6,
			fiksarkiv.TypeAvskrivningOpprett:    2,
			fiksarkiv.TypeAvskrivningSlett:      1,
			fiksarkiv.TypeDokumentobjektOpprett: 1,
			fiksarkiv.TypeMappeHent:             1,
			fiksarkiv.TypeRegistreringHent:      2,
		}, typed)
	})
}

// ukjent is what a typed model did not hold.
func ukjent(p fiksarkiv.Payload) []string {
	v := reflect.ValueOf(p).Elem().FieldByName("Ukjent")
	if !v.IsValid() {
		return nil
	}
	return v.Interface().([]string)
}

func TestBuildV2(t *testing.T) {
	t.Parallel()
	xsd := testutil.SharedFile(t, arkivDir+"/Schema/V2/no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.xsd")
	am := sampleV2()
	mottatt := *am.Registrering.Journalpost.MottattDato
	m, err := am.Melding()
	require.NoError(t, err)
	assert.Equal(t, "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett", m.Meldingstype())
	assert.Equal(t, "arkivmelding.xml", m.Filnavn())
	b, err := m.Bytes()
	require.NoError(t, err)
	assert.Empty(t, testutil.XMLLint(t, xsd, b))
	back, err := fiksarkiv.Parse(bytes.NewReader(b))
	require.NoError(t, err)
	got, err := back.Arkivmelding()
	require.NoError(t, err)
	assert.Empty(t, got.Ukjent)
	assert.Equal(t, "Ola Nordmann", got.Registrering.Korrespondansepart[0].KorrespondansepartNavn)
	assert.True(t, got.Registrering.Journalpost.MottattDato.Equal(mottatt.Time))
	assert.Equal(t, "sak-2025-17", got.Registrering.ReferanseForelderMappe.ReferanseEksternNoekkel.Noekkel)

	// Required elements are checked before anything is built.
	bad := *am
	reg := *am.Registrering
	reg.Tittel = ""
	reg.Journalpost = &fiksarkiv.Journalpost{}
	bad.Registrering = &reg
	bad.AntallFiler = 1
	_, err = bad.Melding()
	var ve *fiksarkiv.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Error(), "registrering/tittel is required")
	assert.Contains(t, ve.Error(), "registrering/journalposttype/kode is required")
	assert.NotContains(t, ve.Error(), "13097248022")
}

func TestParseRefusesHostileXML(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"doctype": `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><arkivmelding xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v2">&x;</arkivmelding>`,
		"deep":    `<arkivmelding xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v2">` + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + `</arkivmelding>`,
		"foreign": `<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"/>`,
		"unknown": `<x xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/ukjent/v2"/>`,
	} {
		_, err := fiksarkiv.Parse(strings.NewReader(doc))
		assert.Error(t, err, name)
	}
	huge := `<arkivmelding xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v2"><system>` + strings.Repeat("x", fiksarkiv.MaxSize) + `</system></arkivmelding>`
	_, err := fiksarkiv.Parse(strings.NewReader(huge))
	require.Error(t, err)
	assert.ErrorIs(t, err, fiksarkiv.ErrTooLarge)
	assert.ErrorIs(t, err, noark5.ErrTooLarge)
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<arkivmelding xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><system>s</system><antallFiler>0</antallFiler><registrering xsi:type="journalpost"><tittel>t</tittel><journalposttype><kode xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v2">I</kode></journalposttype></registrering></arkivmelding>`))
	f.Add([]byte(`<sok xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/sok/v1"><respons>utvidet</respons></sok>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := fiksarkiv.Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		out, err := m.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		again, err := fiksarkiv.Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("our output does not parse: %v", err)
		}
		if !fiksarkiv.Equal(m, again) {
			t.Fatal("the meaning changed")
		}
		if k, err := m.Kvittering(); err == nil && len(k.Ukjent) == 0 {
			if _, err := k.Melding(); err != nil {
				var ve *fiksarkiv.ValidationError
				if !errorsAs(err, &ve) {
					t.Fatal(err)
				}
			}
		}
		if a, err := m.Arkivmelding(); err == nil && len(a.Ukjent) == 0 {
			if _, err := a.Melding(); err != nil {
				var ve *fiksarkiv.ValidationError
				if !errorsAs(err, &ve) {
					t.Fatal(err)
				}
			}
		}
	})
}

func errorsAs(err error, target **fiksarkiv.ValidationError) bool {
	v, ok := err.(*fiksarkiv.ValidationError)
	if ok {
		*target = v
	}
	return ok
}

// sampleV2 is a V2 arkivmelding with most of what the model holds.
func sampleV2() *fiksarkiv.Arkivmelding {
	ja := true
	en := 1
	d := noark5.NewDato(2025, 3, 1)
	mottatt := noark5.Tid(time.Date(2025, 3, 1, 9, 30, 0, 0, time.FixedZone("CET", 3600)))
	noekkel := &fiksarkiv.EksternNoekkel{Fagsystem: "Byggesak", Noekkel: "sak-2025-17"}
	am := &fiksarkiv.Arkivmelding{System: "Byggesak", AntallFiler: 1,
		Mappe: &fiksarkiv.Mappe{Tittel: "Byggesak gnr 12 bnr 34", OffentligTittel: "Byggesak gnr 12 bnr 34",
			Klassifikasjon:          []fiksarkiv.Klassifikasjon{{KlassifikasjonssystemID: "GBNR", KlasseID: "12/34"}},
			ReferanseEksternNoekkel: noekkel,
			Saksmappe: &fiksarkiv.Saksmappe{Saksdato: &d, AdministrativEnhet: &fiksarkiv.Identifikator{Navn: "Plan og bygg"},
				Saksansvarlig: &fiksarkiv.Identifikator{Navn: "Kari Saksbehandler", Initialer: "KS"}, Saksstatus: fiksarkiv.NewKode("B")}},
		Registrering: &fiksarkiv.Registrering{Tittel: "Søknad om rammetillatelse", OpprettetAv: "byggesak", ArkivertAv: "byggesak",
			ReferanseForelderMappe: &fiksarkiv.ReferanseTilMappe{ReferanseEksternNoekkel: noekkel},
			Skjerming:              &fiksarkiv.Skjerming{Tilgangsrestriksjon: fiksarkiv.Kode{Kode: "13"}, Skjermingshjemmel: "Offl. § 13"},
			Dokumentbeskrivelse: []fiksarkiv.Dokumentbeskrivelse{{Tittel: "Søknad", Dokumenttype: fiksarkiv.NewKode("SØKNAD"), Dokumentstatus: fiksarkiv.NewKode("F"),
				TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"}, Dokumentnummer: &en,
				Dokumentobjekt: []fiksarkiv.Dokumentobjekt{{Versjonsnummer: &en, Variantformat: fiksarkiv.NewKode("P"), Format: fiksarkiv.NewKode("PDF"),
					MimeType: "application/pdf", Filnavn: "soeknad.pdf", ReferanseDokumentfil: "soeknad.pdf"}}}},
			Korrespondansepart: []fiksarkiv.Korrespondansepart{{Korrespondanseparttype: fiksarkiv.Kode{Kode: "EA", Beskrivelse: "Avsender"},
				ErBehandlingsansvarlig: &ja, KorrespondansepartNavn: "Ola Nordmann", Personid: "13097248022", Postadresse: []string{"Storgata 1"},
				Postnummer: "0150", Poststed: "OSLO"}},
			ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "Byggesak", Noekkel: "jp-2025-17-1"},
			Journalpost:             &fiksarkiv.Journalpost{Journalposttype: fiksarkiv.Kode{Kode: "I"}, Journalstatus: fiksarkiv.NewKode("J"), DokumentetsDato: &d, MottattDato: &mottatt}}}
	return am
}
