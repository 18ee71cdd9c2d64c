package arkivmelding_test

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/fellesklient/fellesklient/noark5/arkivmelding"
)

// Build an arkivmelding (eFormidling's Noark 5 message to an archive), checked against
// the schema's rules before it is written, and read it back as the archive does.
func ExampleArkivmelding_Marshal() {
	now := arkivmelding.Tid(time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC))
	dato := arkivmelding.NewDato(2026, 6, 15)
	sakID := "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
	am := &arkivmelding.Arkivmelding{
		System: "Barnehagesystem", MeldingID: "3f2504e0-4f89-11d3-9a0c-0305e82c3300", Tidspunkt: now, AntallFiler: 1,
		Mappe: []arkivmelding.Mappe{{
			Type: arkivmelding.TypeSaksmappe, SystemID: sakID, OpprettetDato: now, OpprettetAv: "saksbehandler",
			Tittel: "Barnehageopptak 2026", OffentligTittel: "Barnehageopptak 2026",
			Saksaar: 2026, Sakssekvensnummer: 42, Saksdato: &dato, AdministrativEnhet: "Oppvekst", Saksansvarlig: "saksbehandler",
			Saksstatus: arkivmelding.UnderBehandling,
			Basisregistrering: []arkivmelding.Registrering{{
				Type: arkivmelding.TypeJournalpost, SystemID: "3f2504e0-4f89-11d3-9a0c-0305e82c3302", ReferanseForelderMappe: sakID,
				OpprettetDato: now, OpprettetAv: "saksbehandler", ArkivertDato: now, ArkivertAv: "saksbehandler",
				Tittel: "Vedtak om barnehageplass", OffentligTittel: "Vedtak om barnehageplass",
				Dokumentbeskrivelse: []arkivmelding.Dokumentbeskrivelse{{SystemID: "3f2504e0-4f89-11d3-9a0c-0305e82c3303", Dokumenttype: "Vedtak",
					Dokumentstatus: arkivmelding.DokumentetErFerdigstilt, Tittel: "Vedtak", OpprettetDato: now, OpprettetAv: "saksbehandler",
					TilknyttetRegistreringSom: arkivmelding.Hoveddokument, Dokumentnummer: 1, TilknyttetDato: now, TilknyttetAv: "saksbehandler",
					Dokumentobjekt: []arkivmelding.Dokumentobjekt{{Versjonsnummer: 1, Variantformat: arkivmelding.Arkivformat,
						OpprettetDato: now, OpprettetAv: "saksbehandler", ReferanseDokumentfil: "vedtak.pdf"}}}},
				Journalaar: 2026, Journalsekvensnummer: 1234, Journalpostnummer: 1,
				Journalposttype: arkivmelding.UtgaaendeDokument, Journalstatus: arkivmelding.Ekspedert, Journaldato: &dato,
				Korrespondansepart: []arkivmelding.Korrespondansepart{{Korrespondanseparttype: arkivmelding.Mottaker, KorrespondansepartNavn: "Kari Nordmann"}},
			}},
		}},
	}
	b, err := am.Marshal()
	if err != nil {
		fmt.Println(err)
		return
	}
	back, err := arkivmelding.Parse(bytes.NewReader(b))
	if err != nil {
		fmt.Println(err)
		return
	}
	jp := back.Mappe[0].Basisregistrering[0]
	fmt.Println(back.Mappe[0].Saksaar, back.Mappe[0].Sakssekvensnummer, jp.Tittel, jp.Journaldato)

	// Every problem is listed with its element path; nothing is written.
	am.Mappe[0].Basisregistrering[0].Journalaar = 0
	am.Mappe[0].Tittel = ""
	_, err = am.Marshal()
	var ve *arkivmelding.ValidationError
	fmt.Println(errors.As(err, &ve), errors.Is(err, arkivmelding.ErrInvalid))
	// Output:
	// 2026 42 Vedtak om barnehageplass 2026-06-15
	// true true
}
