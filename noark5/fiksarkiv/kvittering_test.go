package fiksarkiv_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

func TestKvittering(t *testing.T) {
	t.Parallel()
	xsd := testutil.SharedFile(t, arkivDir+"/Schema/V2/no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.kvittering.xsd")
	n := func(v int) *int { return &v }
	d := noark5.NewDato(2025, 3, 4)
	t0 := noark5.Tid(time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC))
	k := &fiksarkiv.Kvittering{
		Mappe: &fiksarkiv.MappeKvittering{SystemID: "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b", MappeID: "2025/17", OpprettetDato: &t0,
			ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "Byggesak", Noekkel: "sak-2025-17"}, OpprettetEllerEksisterende: fiksarkiv.Eksisterende,
			Saksmappe: true, Saksaar: n(2025), Sakssekvensnummer: n(17), Saksdato: &d},
		Registrering: &fiksarkiv.RegistreringKvittering{SystemID: "7a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d", ArkivertDato: &t0, ArkivertAv: "arkiv",
			Dokumentbeskrivelse: []fiksarkiv.DokumentbeskrivelseKvittering{{SystemID: "8b3c4d5e-6f70-4b2c-8d3e-4f5a6b7c8d9e", Dokumentnummer: n(1),
				Dokumentobjekt: []fiksarkiv.DokumentobjektKvittering{{SystemID: "9c4d5e6f-7081-4c3d-9e4f-5a6b7c8d9e0f", Versjonsnummer: n(1), Variantformat: fiksarkiv.NewKode("P")}}}},
			RegistreringsID: "2025/17-1", OpprettetEllerEksisterende: fiksarkiv.Opprettet,
			Journalpost: true, Journalaar: n(2025), Journalsekvensnummer: n(4711), Journalpostnummer: n(1), Journalstatus: fiksarkiv.NewKode("J"), Journaldato: &d},
	}
	m, err := k.Melding()
	require.NoError(t, err)
	assert.Equal(t, "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.kvittering", m.Meldingstype())
	b, err := m.Bytes()
	require.NoError(t, err)
	assert.Empty(t, testutil.XMLLint(t, xsd, b))
	back, err := fiksarkiv.Parse(bytes.NewReader(b))
	require.NoError(t, err)
	got, err := back.Kvittering()
	require.NoError(t, err)
	assert.Empty(t, got.Ukjent)
	assert.Equal(t, 4711, *got.Registrering.Journalsekvensnummer)
	assert.True(t, got.Mappe.Saksmappe)
	assert.Equal(t, fiksarkiv.Eksisterende, got.Mappe.OpprettetEllerEksisterende)

	// A failure.
	f := &fiksarkiv.Kvittering{Mappe: k.Mappe, RegistreringFeilet: &fiksarkiv.Failure{FeilID: "42", Feilmelding: "Ukjent klasse"}}
	fm, err := f.Melding()
	require.NoError(t, err)
	fb, _ := fm.Bytes()
	assert.Empty(t, testutil.XMLLint(t, xsd, fb))
	fk, err := fm.Kvittering()
	require.NoError(t, err)
	assert.Equal(t, "Ukjent klasse", fk.RegistreringFeilet.Feilmelding)

	_, err = (&fiksarkiv.Kvittering{Mappe: &fiksarkiv.MappeKvittering{}}).Melding()
	require.Error(t, err)

	// Kvitter takes the archive's numbers into the message.
	am := &fiksarkiv.Arkivmelding{System: "Byggesak", Mappe: &fiksarkiv.Mappe{Tittel: "Sak", Saksmappe: &fiksarkiv.Saksmappe{}},
		Registrering: &fiksarkiv.Registrering{Tittel: "Søknad", Journalpost: &fiksarkiv.Journalpost{Journalposttype: fiksarkiv.Kode{Kode: "I"}},
			Dokumentbeskrivelse: []fiksarkiv.Dokumentbeskrivelse{{Tittel: "Søknad", TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"},
				Dokumentobjekt: []fiksarkiv.Dokumentobjekt{{Filnavn: "s.pdf", ReferanseDokumentfil: "s.pdf"}}}}}}
	am.Kvitter(got)
	assert.Equal(t, "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b", am.Mappe.SystemID)
	assert.Equal(t, 17, *am.Mappe.Saksmappe.Sakssekvensnummer)
	assert.Equal(t, 4711, *am.Registrering.Journalpost.Journalsekvensnummer)
	assert.Equal(t, "9c4d5e6f-7081-4c3d-9e4f-5a6b7c8d9e0f", am.Registrering.Dokumentbeskrivelse[0].Dokumentobjekt[0].SystemID)
}
