package einnsyn_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

func fiksMelding(t *testing.T) *fiksarkiv.Arkivmelding {
	t.Helper()
	n := func(v int) *int { return &v }
	ja := true
	d := noark5.NewDato(2025, 3, 3)
	am := &fiksarkiv.Arkivmelding{System: "Barnevern", AntallFiler: 1,
		Mappe: &fiksarkiv.Mappe{Tittel: "Tiltak 2025 - Kari Nordmann", OffentligTittel: "Tiltak 2025",
			ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "Barnevern", Noekkel: "sak-9"},
			Saksmappe: &fiksarkiv.Saksmappe{Saksaar: n(2025), Sakssekvensnummer: n(9), Saksdato: &d,
				AdministrativEnhet: &fiksarkiv.Identifikator{Navn: "Barneverntjenesten"}}},
		Registrering: &fiksarkiv.Registrering{Tittel: "Melding fra skolen om Kari Nordmann", OffentligTittel: "Melding fra skolen",
			Skjerming:               &fiksarkiv.Skjerming{Tilgangsrestriksjon: fiksarkiv.Kode{Kode: "13", Beskrivelse: "Unntatt offentlighet"}, Skjermingshjemmel: "Offl. § 13"},
			ReferanseForelderMappe:  &fiksarkiv.ReferanseTilMappe{ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "Barnevern", Noekkel: "sak-9"}},
			ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: "Barnevern", Noekkel: "jp-9-1"},
			Korrespondansepart: []fiksarkiv.Korrespondansepart{{Korrespondanseparttype: fiksarkiv.Kode{Kode: "EA"}, KorrespondansepartNavn: "Kari Nordmann",
				ErSkjermet: &ja}, {Korrespondanseparttype: fiksarkiv.Kode{Kode: "EM"}, KorrespondansepartNavn: "Solsikken skole"}},
			Dokumentbeskrivelse: []fiksarkiv.Dokumentbeskrivelse{{Tittel: "Bekymringsmelding", TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"},
				Dokumentobjekt: []fiksarkiv.Dokumentobjekt{{Filnavn: "melding.pdf", ReferanseDokumentfil: "melding.pdf"}}}},
			Journalpost: &fiksarkiv.Journalpost{Journalaar: n(2025), Journalsekvensnummer: n(120), Journalpostnummer: n(1),
				Journalposttype: fiksarkiv.Kode{Kode: "I"}, Journaldato: &d}}}
	// Through the wire format, as the archive would receive it.
	m, err := am.Melding()
	require.NoError(t, err)
	b, err := m.Bytes()
	require.NoError(t, err)
	back, err := fiksarkiv.Parse(bytes.NewReader(b))
	require.NoError(t, err)
	got, err := back.Arkivmelding()
	require.NoError(t, err)
	return got
}

func TestPublishFromFiksArkiv(t *testing.T) {
	t.Parallel()
	am := fiksMelding(t)
	sm, err := einnsyn.SaksmappeFromFiksArkiv(am, &einnsyn.FromArkivmeldingOptions{DokumentURL: func(ref string) string { return "https://dok.example.org/" + ref }})
	require.NoError(t, err)
	assert.Len(t, sm.SystemID, 36, "derived from the external key")
	again, err := einnsyn.SaksmappeFromFiksArkiv(fiksMelding(t), nil)
	require.NoError(t, err)
	assert.Equal(t, sm.SystemID, again.SystemID, "the same message gives the same systemId")

	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	created, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, sm)
	require.NoError(t, err)
	assert.Equal(t, "2025/9", created.Saksnummer)
	page, err := e.public.Journalposter.ListPage(ctx, &einnsyn.ListOptions{Parent: created.ID, Expand: []string{"korrespondansepart", "dokumentbeskrivelse.dokumentobjekt"}})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	jp := page.Items[0]
	assert.Equal(t, einnsyn.InngaaendeDokument, jp.Journalposttype)
	assert.Equal(t, "Melding fra skolen", jp.OffentligTittel)
	assert.Equal(t, einnsyn.SkjermetNavn, jp.Korrespondansepart[0].Object.KorrespondansepartNavn)
	assert.Equal(t, "avsender", jp.Korrespondansepart[0].Object.Korrespondanseparttype)
	assert.Equal(t, "Solsikken skole", jp.Korrespondansepart[1].Object.KorrespondansepartNavn)
	assert.Equal(t, einnsyn.SkjermetNavn, jp.Dokumentbeskrivelse[0].Object.Tittel)
	assert.Empty(t, jp.Dokumentbeskrivelse[0].Object.Dokumentobjekt, "no file of a screened journalpost")
	for _, s := range []string{jp.OffentligTittel, jp.Korrespondansepart[0].Object.KorrespondansepartNavn} {
		assert.NotContains(t, s, "Kari")
	}

	// What eInnsyn cannot take is refused before sending.
	am.Registrering.OffentligTittel = ""
	am.Mappe.Saksmappe.Saksaar = nil
	am.Registrering.Journalpost.Journalposttype = fiksarkiv.Kode{Kode: "Q"}
	_, err = einnsyn.SaksmappeFromFiksArkiv(am, nil)
	var ve *einnsyn.ValidationError
	require.ErrorAs(t, err, &ve)
	joined := ve.Problem
	assert.Contains(t, joined, "saksaar and sakssekvensnummer are required")
	assert.Contains(t, joined, "no offentligTittel")
	assert.Contains(t, joined, `journalposttype "Q"`)
	assert.NotContains(t, joined, "Kari")
	_, err = einnsyn.JournalpostFromFiksArkiv(&fiksarkiv.Registrering{}, nil)
	require.ErrorIs(t, err, einnsyn.ErrInvalidInput)
}

// The usual flow: the case system sends an arkivmelding without numbers, the archive
// answers with a kvittering, and the message with the archive's numbers is published.
func TestPublishFiksArkivAfterKvittering(t *testing.T) {
	t.Parallel()
	am := fiksMelding(t)
	am.Mappe.Saksmappe.Saksaar, am.Mappe.Saksmappe.Sakssekvensnummer = nil, nil
	am.Registrering.Journalpost.Journalaar, am.Registrering.Journalpost.Journalsekvensnummer, am.Registrering.Journalpost.Journalpostnummer = nil, nil, nil
	_, err := einnsyn.SaksmappeFromFiksArkiv(am, nil)
	require.ErrorIs(t, err, einnsyn.ErrInvalidInput, "no numbers yet")

	n := func(v int) *int { return &v }
	d := noark5.NewDato(2025, 3, 4)
	kv := &fiksarkiv.Kvittering{
		Mappe: &fiksarkiv.MappeKvittering{SystemID: "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b", OpprettetEllerEksisterende: fiksarkiv.Opprettet,
			Saksmappe: true, Saksaar: n(2025), Sakssekvensnummer: n(31)},
		Registrering: &fiksarkiv.RegistreringKvittering{SystemID: "7a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d", OpprettetEllerEksisterende: fiksarkiv.Opprettet,
			Journalpost: true, Journalaar: n(2025), Journalsekvensnummer: n(500), Journalpostnummer: n(1), Journaldato: &d}}
	m, err := kv.Melding()
	require.NoError(t, err)
	b, err := m.Bytes()
	require.NoError(t, err)
	back, err := fiksarkiv.Parse(bytes.NewReader(b))
	require.NoError(t, err)
	got, err := back.Kvittering()
	require.NoError(t, err)
	am.Kvitter(got)

	sm, err := einnsyn.SaksmappeFromFiksArkiv(am, nil)
	require.NoError(t, err)
	assert.Equal(t, "6f1c2a3b-4d5e-4f60-8a9b-0c1d2e3f4a5b", sm.SystemID, "the archive's systemID, not the derived one")
	e := setup(t, einnsyntest.Options{})
	created, err := e.pub.Saksmapper.Create(context.Background(), e.arkivdel, sm)
	require.NoError(t, err)
	assert.Equal(t, "2025/31", created.Saksnummer)
}
