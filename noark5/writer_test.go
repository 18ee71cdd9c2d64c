package noark5_test

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/noark5test"
)

const (
	id1 = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
	id2 = "3f2504e0-4f89-11d3-9a0c-0305e82c3302"
	id3 = "3f2504e0-4f89-11d3-9a0c-0305e82c3303"
	id4 = "3f2504e0-4f89-11d3-9a0c-0305e82c3304"
	id5 = "3f2504e0-4f89-11d3-9a0c-0305e82c3305"
	id6 = "3f2504e0-4f89-11d3-9a0c-0305e82c3306"
	id7 = "3f2504e0-4f89-11d3-9a0c-0305e82c3307"
	id8 = "3f2504e0-4f89-11d3-9a0c-0305e82c3308"
	id9 = "3f2504e0-4f89-11d3-9a0c-0305e82c3309"
)

var (
	t0   = noark5.Tid(time.Date(2024, 5, 2, 10, 30, 0, 0, time.FixedZone("CEST", 7200)))
	d0   = noark5.NewDato(2024, 5, 2)
	seks = 6
)

// everything uses every element type of the model: nested arkiv, classification, plain
// mappe, saksmappe and moetemappe, all four registrering types, and every part.
func everything(t *testing.T) []byte { return everythingWith(t, nil, true) }

// everythingWith is everything on a Writer wrap returns (nil: as it is), with or without
// indentation.
func everythingWith(t *testing.T, wrap func(*noark5.Writer) *noark5.Writer, indent bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := noark5.NewWriter(&buf, &noark5.WriterOptions{Indent: indent})
	if wrap != nil {
		w = wrap(w)
	}
	skj := &noark5.Skjerming{Tilgangsrestriksjon: "Unntatt offentlighet", Skjermingshjemmel: "Offl. § 13", SkjermingMetadata: []string{"Skjerming navn avsender"},
		SkjermingDokument: "Skjerming av hele dokumentet", Skjermingsvarighet: &seks, SkjermingOpphoererDato: &d0}
	grad := &noark5.Gradering{Grad: "Begrenset (sikkerhetsgrad)", Graderingsdato: t0, GradertAv: "leder", Nedgraderingsdato: &t0, NedgradertAv: "leder"}
	kass := &noark5.Kassasjon{Kassasjonsvedtak: "Bevares", Kassasjonshjemmel: "Arkivforskriften", Bevaringstid: 10, Kassasjonsdato: d0}
	merk := []noark5.Merknad{{Merknadstekst: "Merknad", Merknadstype: "Intern", Merknadsdato: t0, MerknadRegistrertAv: "sb"}}
	part := []noark5.Part{{PartID: "p1", PartNavn: "Ola Nordmann", PartRolle: "Søker", Postadresse: []string{"Gate 1"}, Postnummer: "0150", Poststed: "OSLO",
		Land: "NO", Epostadresse: "ola@example.org", Telefonnummer: []string{"12345678"}, Kontaktperson: "Ola",
		VirksomhetsspesifikkeMetadata: &noark5.AnyXML{InnerXML: "<fritt>innhold</fritt>"}}}
	sig := &noark5.ElektroniskSignatur{ElektroniskSignaturSikkerhetsnivaa: "Symmetrisk kryptert", ElektroniskSignaturVerifisert: "Signatur påført og verifisert", VerifisertDato: d0, VerifisertAv: "system"}
	pres := []noark5.Presedens{{PresedensDato: d0, OpprettetDato: t0, OpprettetAv: "jurist", Tittel: "Presedens", Beskrivelse: "b", PresedensHjemmel: "pbl § 1",
		Rettskildefaktor: "Lov", PresedensGodkjentDato: &t0, PresedensGodkjentAv: "leder", AvsluttetDato: &t0, AvsluttetAv: "leder", PresedensStatus: "Gjeldende"}}
	dok := func(id string) []noark5.Dokumentbeskrivelse {
		return []noark5.Dokumentbeskrivelse{{SystemID: noark5.SystemID{ID: id, Label: "dok"}, Dokumenttype: "Brev", Dokumentstatus: "Dokumentet er ferdigstilt",
			Tittel: "Brev", Beskrivelse: "b", Forfatter: []string{"sb"}, OpprettetDato: t0, OpprettetAv: "sb", Dokumentmedium: "Elektronisk arkiv",
			Oppbevaringssted: "Server", ReferanseArkivdel: []string{id2}, TilknyttetRegistreringSom: "Hoveddokument", Dokumentnummer: 1,
			TilknyttetDato: t0, TilknyttetAv: "sb", Part: part, Merknad: merk, Kassasjon: kass,
			UtfoertKassasjon: &noark5.UtfoertKassasjon{KassertDato: t0, KassertAv: "arkivar"},
			Sletting:         &noark5.Sletting{Slettingstype: "Sletting av produksjonsformat", SlettetDato: t0, SlettetAv: "arkivar"},
			Skjerming:        skj, Gradering: grad, ElektroniskSignatur: sig,
			Dokumentobjekt: []noark5.Dokumentobjekt{{SystemID: noark5.SystemID{ID: id}, Versjonsnummer: 1, Variantformat: "Arkivformat",
				Format: "PDF/A", FormatDetaljer: "1b", OpprettetDato: t0, OpprettetAv: "sb", ReferanseDokumentfil: "dokumenter/1.pdf",
				Sjekksum: strings.Repeat("a", 64), SjekksumAlgoritme: "SHA256", Filstoerrelse: 1234, ElektroniskSignatur: sig,
				Konvertering: []noark5.Konvertering{{KonvertertDato: t0, KonvertertAv: "system", KonvertertFraFormat: "DOCX", KonvertertTilFormat: "PDF/A",
					Konverteringsverktoey: "LibreOffice", Konverteringskommentar: "ok"}}}},
		}}
	}
	reg := func(id string) noark5.Registrering {
		return noark5.Registrering{SystemID: noark5.SystemID{ID: id}, OpprettetDato: t0, OpprettetAv: "sb", ArkivertDato: t0, ArkivertAv: "arkivar",
			ReferanseArkivdel: []string{id2}, Part: part, Kassasjon: kass, Skjerming: skj, Gradering: grad, Dokumentbeskrivelse: dok(id),
			RegistreringsID: "2024/1-1", Tittel: "Tittel", OffentligTittel: "Offentlig", Beskrivelse: "b", Noekkelord: []string{"n"}, Forfatter: []string{"f"},
			Dokumentmedium: "Elektronisk arkiv", Oppbevaringssted: []string{"o"}, VirksomhetsspesifikkeMetadata: &noark5.AnyXML{InnerXML: "<x>1</x>"},
			Merknad: merk, Kryssreferanse: []noark5.Kryssreferanse{{ReferanseTilMappe: id3}},
			Korrespondansepart: []noark5.Korrespondansepart{{Korrespondanseparttype: "Avsender", KorrespondansepartNavn: "Kari", Postadresse: []string{"Vei 2"},
				Postnummer: "5003", Poststed: "BERGEN", Land: "NO", Epostadresse: "k@example.org", Telefonnummer: []string{"1"}, Kontaktperson: "Kari",
				AdministrativEnhet: "Plan", Saksbehandler: "sb"}}}
	}
	require.NoError(t, w.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: id1}, Tittel: "Arkiv", Beskrivelse: "b", Arkivstatus: "Avsluttet",
		Dokumentmedium: "Elektronisk arkiv", Oppbevaringssted: []string{"Rådhuset"}, OpprettetDato: t0, OpprettetAv: "x", AvsluttetDato: t0, AvsluttetAv: "x",
		Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "910000020", ArkivskaperNavn: "Testkommune", Beskrivelse: "b"}}}))
	require.NoError(t, w.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: id9}, Tittel: "Underarkiv", OpprettetDato: t0, OpprettetAv: "x",
		AvsluttetDato: t0, AvsluttetAv: "x", Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "910000020", ArkivskaperNavn: "Testkommune"}}}))
	require.NoError(t, w.StartArkivdel(&noark5.Arkivdel{SystemID: noark5.SystemID{ID: id2}, Tittel: "Del", Arkivdelstatus: "Avsluttet periode",
		OpprettetDato: t0, OpprettetAv: "x", AvsluttetDato: t0, AvsluttetAv: "x", ArkivperiodeStartDato: &d0, ArkivperiodeSluttDato: &d0,
		ReferanseForloeper: id3, ReferanseArvtaker: id4, Kassasjon: kass, UtfoertKassasjon: &noark5.UtfoertKassasjon{KassertDato: t0, KassertAv: "x"},
		Sletting: &noark5.Sletting{Slettingstype: "Sletting av tidligere versjon", SlettetDato: t0, SlettetAv: "x"}, Skjerming: skj, Gradering: grad}))
	require.NoError(t, w.StartKlassifikasjonssystem(&noark5.Klassifikasjonssystem{SystemID: noark5.SystemID{ID: id3}, Klassifikasjonstype: "GBNR",
		Tittel: "K", Beskrivelse: "b", OpprettetDato: t0, OpprettetAv: "x", AvsluttetDato: &t0, AvsluttetAv: "x"}))
	require.NoError(t, w.StartKlasse(&noark5.Klasse{SystemID: noark5.SystemID{ID: id4}, KlasseID: "1", Tittel: "Klasse", Noekkelord: []string{"n"},
		OpprettetDato: t0, OpprettetAv: "x", Kryssreferanse: []noark5.Kryssreferanse{{ReferanseTilKlasse: id5}}, Kassasjon: kass, Skjerming: skj, Gradering: grad}))
	require.NoError(t, w.StartKlasse(&noark5.Klasse{SystemID: noark5.SystemID{ID: id5}, KlasseID: "1.1", Tittel: "Underklasse", OpprettetDato: t0, OpprettetAv: "x"}))
	// A saksmappe streamed: its journalpost, arkivnotat and plain registrering one by one.
	require.NoError(t, w.StartMappe(&noark5.Mappe{SystemID: noark5.SystemID{ID: id6}, MappeID: "2024/1", Tittel: "Sak", OffentligTittel: "Sak",
		Beskrivelse: "b", Noekkelord: []string{"n"}, Dokumentmedium: "Elektronisk arkiv", Oppbevaringssted: []string{"o"}, OpprettetDato: t0, OpprettetAv: "x",
		AvsluttetDato: t0, AvsluttetAv: "x", ReferanseArkivdel: []string{id2}, VirksomhetsspesifikkeMetadata: &noark5.AnyXML{InnerXML: "<a b=\"c\">d</a>"},
		Part: part, Kryssreferanse: []noark5.Kryssreferanse{{ReferanseTilRegistrering: id7}}, Merknad: merk, Kassasjon: kass, Skjerming: skj, Gradering: grad,
		Saksmappe: &noark5.Saksmappe{Saksaar: 2024, Sakssekvensnummer: 1, Saksdato: d0, AdministrativEnhet: "Plan", Saksansvarlig: "sb", Journalenhet: "J",
			Saksstatus: "Avsluttet", UtlaantDato: &d0, UtlaantTil: "x", ReferanseSekundaerKlassifikasjon: []string{id5}, Presedens: pres}}))
	jp := reg(id7)
	jp.Journalpost = &noark5.Journalpost{Journalaar: 2024, Journalsekvensnummer: 1, Journalpostnummer: 1, Journalposttype: "Inngående dokument",
		Journalstatus: "Arkivert", Journaldato: d0, DokumentetsDato: &d0, MottattDato: &t0, SendtDato: &t0, Forfallsdato: &d0, OffentlighetsvurdertDato: &d0,
		AntallVedlegg: &seks, UtlaantDato: &d0, UtlaantTil: "x", Journalenhet: "J",
		Avskrivning:  []noark5.Avskrivning{{Avskrivningsdato: d0, AvskrevetAv: "sb", Avskrivningsmaate: "Besvart med brev", ReferanseAvskrivesAvJournalpost: id8}},
		Dokumentflyt: []noark5.Dokumentflyt{{FlytTil: "leder", FlytFra: "sb", FlytMottattDato: t0, FlytSendtDato: t0, FlytStatus: "Godkjent", FlytMerknad: "ok"}},
		Presedens:    pres, ElektroniskSignatur: sig}
	require.NoError(t, w.Registrering(&jp))
	an := reg(id8)
	an.Arkivnotat = &noark5.Arkivnotat{DokumentetsDato: &d0, MottattDato: &t0, SendtDato: &t0, Forfallsdato: &d0, OffentlighetsvurdertDato: &d0,
		AntallVedlegg: &seks, UtlaantDato: &d0, UtlaantTil: "x",
		Dokumentflyt: []noark5.Dokumentflyt{{FlytTil: "a", FlytFra: "b", FlytMottattDato: t0, FlytSendtDato: t0, FlytStatus: "s"}}}
	require.NoError(t, w.Registrering(&an))
	plain := reg(id9)
	require.NoError(t, w.Registrering(&plain))
	require.NoError(t, w.End()) // saksmappe: its own elements are written now
	// A moetemappe written whole, with a sub-mappe holding a moeteregistrering.
	mr := reg(id1)
	mr.Moeteregistrering = &noark5.Moeteregistrering{Moeteregistreringstype: "Saksframlegg", Moetesakstype: "Politisk sak", Moeteregistreringsstatus: "Behandlet",
		AdministrativEnhet: "Politisk sekretariat", Saksbehandler: "sb", ReferanseTilMoeteregistrering: []string{id2}, ReferanseFraMoeteregistrering: []string{id3}}
	require.NoError(t, w.Mappe(&noark5.Mappe{SystemID: noark5.SystemID{ID: id2}, MappeID: "M1", Tittel: "Møte", OpprettetDato: t0, OpprettetAv: "x",
		AvsluttetDato: t0, AvsluttetAv: "x",
		Mapper: []noark5.Mappe{{SystemID: noark5.SystemID{ID: id3}, MappeID: "M1.1", Tittel: "Delmappe", OpprettetDato: t0, OpprettetAv: "x",
			AvsluttetDato: t0, AvsluttetAv: "x", Registreringer: []noark5.Registrering{mr}}},
		Moetemappe: &noark5.Moetemappe{Moetenummer: "1/2024", Utvalg: "KST", Moetedato: d0, Moetested: "Rådhuset", ReferanseForrigeMoete: id4,
			ReferanseNesteMoete: id5, Moetedeltaker: []noark5.Moetedeltaker{{MoetedeltakerNavn: "Ordfører", MoetedeltakerFunksjon: "Leder"}}}}))
	require.NoError(t, w.Close())
	c := w.Counts()
	assert.Equal(t, 3, c.Mapper)
	assert.Equal(t, 4, c.Registreringer)
	assert.Equal(t, 1, c.ByType["journalpost"])
	assert.Equal(t, 1, c.ByType["moetemappe"])
	return buf.Bytes()
}

func TestWriterCoversTheModelAndValidates(t *testing.T) {
	doc := everything(t)
	assert.Empty(t, testutil.XMLLint(t, testutil.SharedFile(t, xsdDir+"/arkivstruktur.xsd"), doc))
	rep, err := noark5.Validate(bytes.NewReader(doc), nil)
	require.NoError(t, err)
	assert.True(t, rep.Valid(), "%v", rep.Problems)
	assert.Zero(t, rep.Warnings, "%v", rep.Problems)

	// The reader gets every registrering back, equal to what was written, with its place.
	var got []*noark5.Plassert
	for p, err := range noark5.Registreringer(bytes.NewReader(doc)) {
		require.NoError(t, err)
		got = append(got, p)
	}
	require.Len(t, got, 4)
	assert.Equal(t, "journalpost", got[0].Type())
	assert.Equal(t, "arkivnotat", got[1].Type())
	assert.Equal(t, "registrering", got[2].Type())
	assert.Equal(t, "moeteregistrering", got[3].Type())
	m, ok := got[0].Mappe()
	require.True(t, ok)
	assert.Equal(t, noark5.Enhet{Type: "saksmappe", SystemID: id6, Tittel: "Sak", ID: "2024/1"}, m)
	types := []string{}
	for _, e := range got[3].Plassering {
		types = append(types, e.Type)
	}
	assert.Equal(t, []string{"arkiv", "arkiv", "arkivdel", "klassifikasjonssystem", "klasse", "klasse", "moetemappe", "mappe"}, types)
	assert.Equal(t, "Inngående dokument", got[0].Journalpost.Journalposttype)
	assert.True(t, got[0].Journalpost.Journaldato.Equal(d0.Time))
	assert.True(t, got[0].OpprettetDato.Equal(t0.Time))
	assert.Equal(t, "<x>1</x>", got[0].VirksomhetsspesifikkeMetadata.InnerXML)
	assert.Equal(t, "dok", got[0].Dokumentbeskrivelse[0].SystemID.Label)
	assert.Equal(t, "Politisk sekretariat", got[3].Moeteregistrering.AdministrativEnhet)
}

func TestWriterRefusesBeforeWriting(t *testing.T) {
	var buf bytes.Buffer
	w := noark5.NewWriter(&buf, nil)
	err := w.StartArkivdel(&noark5.Arkivdel{})
	var we *noark5.WriteError
	require.ErrorAs(t, err, &we)
	assert.Zero(t, buf.Len())

	err = w.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: "arkiv57d6"}, OpprettetDato: t0})
	require.ErrorAs(t, err, &we)
	assert.ErrorIs(t, err, noark5.ErrInvalid)
	joined := strings.Join(we.Problems, "\n")
	for _, want := range []string{`/arkiv/systemID: "arkiv57d6" is not a UUID`, "/arkiv/tittel: must not be empty",
		"/arkiv/avsluttetDato: required", "/arkiv/arkivskaper: at least 1 required"} {
		assert.Contains(t, joined, want)
	}
	require.NoError(t, w.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: id1}, Tittel: "A", OpprettetDato: t0, OpprettetAv: "x", AvsluttetDato: t0,
		AvsluttetAv: "x", Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "1", ArkivskaperNavn: "K"}}}))
	// An arkiv must hold an arkivdel.
	require.ErrorAs(t, w.Close(), &we)
	require.NoError(t, w.StartArkivdel(&noark5.Arkivdel{SystemID: noark5.SystemID{ID: id2}, Tittel: "D", Arkivdelstatus: "Aktiv periode",
		OpprettetDato: t0, OpprettetAv: "x", AvsluttetDato: t0, AvsluttetAv: "x"}))
	// A registrering straight in the arkivdel; then a mappe beside it is refused.
	r := noark5.Registrering{SystemID: noark5.SystemID{ID: id3}, OpprettetDato: t0, OpprettetAv: "x", ArkivertDato: t0, ArkivertAv: "x", Tittel: "R"}
	require.NoError(t, w.Registrering(&r))
	err = w.Mappe(&noark5.Mappe{})
	require.ErrorAs(t, err, &we)
	assert.Contains(t, we.Problems[0], "already holds registrering")
	bad := r
	bad.Journalpost = &noark5.Journalpost{Journalposttype: "Inngående dokument"}
	err = w.Registrering(&bad)
	require.ErrorAs(t, err, &we)
	assert.Contains(t, strings.Join(we.Problems, "\n"), "journaldato: required")
	require.NoError(t, w.Close())
	assert.Empty(t, testutil.XMLLint(t, testutil.SharedFile(t, xsdDir+"/arkivstruktur.xsd"), buf.Bytes()))
}

// The writer's memory does not grow with the number of records.
func TestWriterBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	measure := func(n int) uint64 {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		w := noark5.NewWriter(io.Discard, nil)
		require.NoError(t, noark5test.Write(w, noark5test.Options{Registreringer: n, Dokumenter: true}))
		require.NoError(t, w.Close())
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		return after.HeapInuse
	}
	small, large := measure(1000), measure(100000)
	assert.Less(t, large, small+8<<20, "heap after 100k records (%d) is not much above 1k (%d)", large, small)
}

func FuzzRegistreringer(f *testing.F) {
	var buf bytes.Buffer
	w := noark5.NewWriter(&buf, nil)
	if err := noark5test.Write(w, noark5test.Options{Registreringer: 1}); err == nil && w.Close() == nil {
		f.Add(buf.Bytes())
	}
	f.Add([]byte(`<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"><arkivdel><registrering xsi:type="journalpost" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><journaldato>2020-01-01</journaldato></registrering></arkivdel></arkiv>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		for p, err := range noark5.Registreringer(bytes.NewReader(b)) {
			if err != nil {
				return
			}
			if p == nil || p.Registrering == nil {
				t.Fatal("nil record without error")
			}
			if n++; n > len(b) {
				t.Fatal("more records than bytes")
			}
		}
	})
}

func TestRegistreringerRefusesHostileXML(t *testing.T) {
	for name, doc := range map[string]io.Reader{
		"doctype": strings.NewReader(`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur">&x;</arkiv>`),
		"deep":    strings.NewReader(`<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur">` + strings.Repeat("<mappe>", 1000)),
		"huge":    io.MultiReader(strings.NewReader(`<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur" a="`), io.LimitReader(zeroReader{}, 64<<20)),
		"foreign": strings.NewReader(`<arkiv xmlns="urn:x"/>`),
		"empty":   strings.NewReader(``),
	} {
		var got error
		for _, err := range noark5.Registreringer(doc) {
			got = err
		}
		var re *noark5.ReadError
		assert.ErrorAs(t, got, &re, name)
	}
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// The Writer's own encoder writes what encoding/xml's Encoder writes, byte for byte: on
// the whole model, on synthetic extractions, and on values that need escaping (markup
// characters, tabs and newlines, invalid UTF-8, non-characters), labels, and times with
// fractions, zones, no zone and odd years.
func TestEncoderAsEncodingXML(t *testing.T) {
	for _, indent := range []bool{true, false} {
		assert.Equal(t, string(everythingWith(t, noark5.WithEncodingXML, indent)), string(everythingWith(t, nil, indent)), "indent %v", indent)
		for seed := uint64(1); seed <= 20; seed++ {
			write := func(wrap func(*noark5.Writer) *noark5.Writer) string {
				var buf bytes.Buffer
				w := noark5.NewWriter(&buf, &noark5.WriterOptions{Indent: indent})
				if wrap != nil {
					w = wrap(w)
				}
				require.NoError(t, noark5test.Write(w, noark5test.Options{Registreringer: 30, Dokumenter: true, Seed: seed}))
				require.NoError(t, w.Close())
				return buf.String()
			}
			assert.Equal(t, write(noark5.WithEncodingXML), write(nil), "seed %d indent %v", seed, indent)
		}
		odd := []string{`a & b < c > d "e" 'f'`, "tab\there\nline\r\n", "bad \xff utf-8", "non\uFFFEchar", "emoji 🗂 æøå", "]]>", "\x01ctl"}
		times := []noark5.Tidspunkt{
			noark5.Tid(time.Date(2024, 5, 2, 10, 30, 0, 123456789, time.UTC)),
			noark5.Tid(time.Date(2024, 5, 2, 10, 30, 0, 0, time.FixedZone("IST", 5*3600+1800))),
			noark5.Tid(time.Date(2024, 5, 2, 10, 30, 0, 0, time.FixedZone("X", -3*3600))),
			noark5.Tid(time.Date(2024, 5, 2, 10, 30, 0, 0, time.FixedZone("LMT", 3600+17))),
			noark5.Tid(time.Date(12024, 5, 2, 10, 30, 0, 0, time.UTC)),
			noark5.Tid(time.Date(24, 5, 2, 10, 30, 0, 0, time.UTC)),
			{Time: time.Date(2024, 5, 2, 10, 30, 0, 0, time.UTC), UtenSone: true},
		}
		write := func(wrap func(*noark5.Writer) *noark5.Writer) (string, error) {
			var buf bytes.Buffer
			w := noark5.NewWriter(&buf, &noark5.WriterOptions{Indent: indent})
			if wrap != nil {
				w = wrap(w)
			}
			if err := w.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: id1, Label: odd[0]}, Tittel: odd[1], OpprettetDato: times[0], OpprettetAv: "x",
				AvsluttetDato: times[1], AvsluttetAv: "x", Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "1", ArkivskaperNavn: odd[2]}}}); err != nil {
				return "", err
			}
			if err := w.StartArkivdel(&noark5.Arkivdel{SystemID: noark5.SystemID{ID: id2}, Tittel: odd[3], Arkivdelstatus: "Avsluttet periode",
				OpprettetDato: times[2], OpprettetAv: "x", AvsluttetDato: times[3], AvsluttetAv: "x"}); err != nil {
				return "", err
			}
			for i, s := range odd {
				r := noark5.Registrering{SystemID: noark5.SystemID{ID: id3, Label: s}, OpprettetDato: times[i%len(times)], OpprettetAv: s,
					ArkivertDato: times[(i+4)%len(times)], ArkivertAv: "a", Tittel: s, Noekkelord: []string{s, "n"},
					VirksomhetsspesifikkeMetadata: &noark5.AnyXML{InnerXML: "<x>" + strings.Repeat("&amp;", i) + "</x>"},
					Merknad:                       []noark5.Merknad{{Merknadstekst: s, Merknadsdato: times[(i+5)%len(times)], MerknadRegistrertAv: "m"}}}
				if err := w.Registrering(&r); err != nil {
					return "", err
				}
			}
			return buf.String(), w.Close()
		}
		want, err := write(noark5.WithEncodingXML)
		require.NoError(t, err)
		got, err := write(nil)
		require.NoError(t, err)
		assert.Equal(t, want, got, "indent %v", indent)
	}
}

// FuzzEncoder: for any text and time, the Writer's encoder writes what encoding/xml's
// does, or both refuse the value.
func FuzzEncoder(f *testing.F) {
	f.Add("tittel", "label", int64(0), 7200)
	f.Add("a&b<c>\"'\t\n\r\xff\uFFFE", "", int64(123456789), -19800)
	f.Add("]]>", "x\"y", int64(1), 3617)
	f.Fuzz(func(t *testing.T, s, label string, nsec int64, off int) {
		tid := noark5.Tid(time.Unix(1714645800, nsec%1e9).In(time.FixedZone("z", off%(18*3600))))
		write := func(wrap func(*noark5.Writer) *noark5.Writer) (string, error) {
			var buf bytes.Buffer
			w := noark5.NewWriter(&buf, &noark5.WriterOptions{Indent: len(s)%2 == 0})
			if wrap != nil {
				w = wrap(w)
			}
			if err := w.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: id1}, Tittel: "t", OpprettetDato: tid, OpprettetAv: "x", AvsluttetDato: tid,
				AvsluttetAv: "x", Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "1", ArkivskaperNavn: "n"}}}); err != nil {
				return "", err
			}
			if err := w.StartArkivdel(&noark5.Arkivdel{SystemID: noark5.SystemID{ID: id2}, Tittel: "d", Arkivdelstatus: "s", OpprettetDato: tid, OpprettetAv: "x", AvsluttetDato: tid, AvsluttetAv: "x"}); err != nil {
				return "", err
			}
			r := noark5.Registrering{SystemID: noark5.SystemID{ID: id3, Label: label}, OpprettetDato: tid, OpprettetAv: s, ArkivertDato: tid, ArkivertAv: "a", Tittel: s,
				Korrespondansepart: []noark5.Korrespondansepart{{Korrespondanseparttype: s, KorrespondansepartNavn: label}}}
			if err := w.Registrering(&r); err != nil {
				return "", err
			}
			return buf.String(), w.Close()
		}
		want, err1 := write(noark5.WithEncodingXML)
		got, err2 := write(nil)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("encoding/xml: %v; own encoder: %v", err1, err2)
		}
		if want != got {
			t.Fatalf("encoding/xml wrote\n%s\nthe own encoder\n%s", want, got)
		}
	})
}
