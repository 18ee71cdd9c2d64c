package fiksarkiv_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// Build the arkivmelding a case system sends to the archive over FIKS IO (Fiks Arkiv V2),
// and read it back as the archive does.
func ExampleArkivmelding_Melding() {
	en := 1
	dato := noark5.NewDato(2026, 3, 1)
	sak := &fiksarkiv.EksternNoekkel{Fagsystem: "Byggesak", Noekkel: "sak-2026-17"}
	am := &fiksarkiv.Arkivmelding{System: "Byggesak", AntallFiler: 1,
		Mappe: &fiksarkiv.Mappe{Tittel: "Byggesak gnr 12 bnr 34", OffentligTittel: "Byggesak gnr 12 bnr 34", ReferanseEksternNoekkel: sak,
			Saksmappe: &fiksarkiv.Saksmappe{Saksdato: &dato, Saksstatus: fiksarkiv.NewKode("B")}},
		Registrering: &fiksarkiv.Registrering{Tittel: "Søknad om rammetillatelse", OpprettetAv: "byggesak", ArkivertAv: "byggesak",
			ReferanseForelderMappe: &fiksarkiv.ReferanseTilMappe{ReferanseEksternNoekkel: sak},
			Dokumentbeskrivelse: []fiksarkiv.Dokumentbeskrivelse{{Tittel: "Søknad", Dokumenttype: fiksarkiv.NewKode("SØKNAD"),
				Dokumentstatus: fiksarkiv.NewKode("F"), TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"}, Dokumentnummer: &en,
				Dokumentobjekt: []fiksarkiv.Dokumentobjekt{{Versjonsnummer: &en, Variantformat: fiksarkiv.NewKode("P"),
					Format: fiksarkiv.NewKode("PDF"), Filnavn: "soeknad.pdf", ReferanseDokumentfil: "soeknad.pdf"}}}},
			Journalpost: &fiksarkiv.Journalpost{Journalposttype: fiksarkiv.Kode{Kode: "I"}, Journalstatus: fiksarkiv.NewKode("J"), DokumentetsDato: &dato}}}
	m, err := am.Melding()
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := m.Bytes()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Meldingstype(), m.Filnavn())

	back, err := fiksarkiv.Parse(bytes.NewReader(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := back.Arkivmelding()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.Registrering.Tittel, got.Registrering.Journalpost.DokumentetsDato)

	// Required elements are checked before anything is built.
	am.Registrering.Tittel = ""
	_, err = am.Melding()
	var ve *fiksarkiv.ValidationError
	fmt.Println(errors.As(err, &ve))
	// Output:
	// no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett arkivmelding.xml
	// Søknad om rammetillatelse 2026-03-01
	// true
}

// Validate a payload against its XSD, in Go.
func ExampleValidate() {
	rep, err := fiksarkiv.Validate(strings.NewReader(`<mappeHent xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/mappe/hent/v2">
  <referanseTilMappe><systemID xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v2">2026/17</systemID></referanseTilMappe>
</mappeHent>`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Meldingstype, rep.Valid())
	for _, p := range rep.Problems {
		fmt.Println(p)
	}
	// Output:
	// no.ks.fiks.arkiv.v1.innsyn.mappe.hent false
	// /mappeHent/referanseTilMappe: the element {https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/mappe/hent/v2}referanseTilMappe is not expected here; expected: system [order]
}
