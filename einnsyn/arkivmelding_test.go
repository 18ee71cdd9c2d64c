package einnsyn_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5/arkivmelding"
)

func arkivertSak() *arkivmelding.Arkivmelding {
	t0 := arkivmelding.Tid(time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC))
	jd := arkivmelding.NewDato(2025, 3, 1)
	mappeID := "{9A3F0C4E-6B1D-4C55-8F2E-0D1C2B3A4F5E}"
	jp := func(n int, typ string, skj *arkivmelding.Skjerming, part arkivmelding.Korrespondansepart) arkivmelding.Registrering {
		return arkivmelding.Registrering{
			Type: arkivmelding.TypeJournalpost, SystemID: "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f" + string(rune('0'+n)),
			OpprettetDato: t0, OpprettetAv: "sb1", ArkivertDato: t0, ArkivertAv: "sb1", ReferanseForelderMappe: mappeID,
			Skjerming: skj,
			Dokumentbeskrivelse: []arkivmelding.Dokumentbeskrivelse{{
				SystemID: "2c3d4e5f-6071-4829-93a4-b5c6d7e8f90" + string(rune('0'+n)), Dokumenttype: "Brev", Dokumentstatus: arkivmelding.DokumentetErFerdigstilt,
				Tittel: "Brev", OpprettetDato: t0, OpprettetAv: "sb1", TilknyttetRegistreringSom: arkivmelding.Hoveddokument,
				Dokumentnummer: 1, TilknyttetDato: t0, TilknyttetAv: "sb1",
				Dokumentobjekt: []arkivmelding.Dokumentobjekt{{Versjonsnummer: 1, Variantformat: arkivmelding.Arkivformat, OpprettetDato: t0, OpprettetAv: "sb1", ReferanseDokumentfil: "brev" + string(rune('0'+n)) + ".pdf"}},
			}},
			Tittel: "Søknad om tilskudd - Kari Nordmann", OffentligTittel: "Søknad om tilskudd",
			Journalaar: 2025, Journalsekvensnummer: 100 + n, Journalpostnummer: n,
			Journalposttype: typ, Journalstatus: arkivmelding.Journalfoert, Journaldato: &jd,
			Korrespondansepart: []arkivmelding.Korrespondansepart{part},
		}
	}
	skj := &arkivmelding.Skjerming{Tilgangsrestriksjon: "Unntatt offentlighet", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 (1) nr. 1",
		SkjermingMetadata: []string{"Skjerming navn avsender", "Skjerming tittel registrering - utvalgte ord"}}
	sd := arkivmelding.NewDato(2025, 2, 27)
	return &arkivmelding.Arkivmelding{
		System: "Fagsystem", MeldingID: "m-1", Tidspunkt: t0, AntallFiler: 2,
		Mappe: []arkivmelding.Mappe{{
			Type: arkivmelding.TypeSaksmappe, SystemID: mappeID, Tittel: "Tilskudd 2025 - Kari Nordmann", OffentligTittel: "Tilskudd 2025",
			OpprettetDato: t0, OpprettetAv: "sb1",
			Basisregistrering: []arkivmelding.Registrering{
				jp(1, arkivmelding.InngaaendeDokument, skj, arkivmelding.Korrespondansepart{Korrespondanseparttype: arkivmelding.Avsender, KorrespondansepartNavn: "Kari Nordmann"}),
				jp(2, arkivmelding.UtgaaendeDokument, nil, arkivmelding.Korrespondansepart{Korrespondanseparttype: arkivmelding.Mottaker, KorrespondansepartNavn: "Statsforvalteren"}),
			},
			Saksaar: 2025, Sakssekvensnummer: 55, Saksdato: &sd, AdministrativEnhet: "Kultur", Saksansvarlig: "sb1", Saksstatus: arkivmelding.UnderBehandling,
		}},
	}
}

// What the case system archived as an arkivmelding is published to eInnsyn, with the
// screened name hidden from the public and no file of the screened journalpost.
func TestPublishFromArkivmelding(t *testing.T) {
	t.Parallel()
	am := arkivertSak()
	raw, err := am.Marshal()
	require.NoError(t, err)
	read, err := arkivmelding.Parse(bytes.NewReader(raw))
	require.NoError(t, err)

	sm, err := einnsyn.SaksmappeFromArkivmelding(&read.Mappe[0], &einnsyn.FromArkivmeldingOptions{
		DokumentURL: func(ref string) string { return "https://dok.example.org/innsyn/" + ref },
	})
	require.NoError(t, err)
	assert.Equal(t, "9a3f0c4e-6b1d-4c55-8f2e-0d1c2b3a4f5e", sm.SystemID, "braces gone, lower case")
	assert.Equal(t, "Tilskudd 2025", sm.OffentligTittel)
	require.Len(t, sm.Journalpost, 2)

	e := setup(t, einnsyntest.Options{})
	ctx := context.Background()
	created, err := e.pub.Saksmapper.Create(ctx, e.arkivdel, sm)
	require.NoError(t, err)
	assert.Equal(t, "2025/55", created.Saksnummer)

	var public []*einnsyn.Journalpost
	for j, err := range e.public.Journalposter.List(ctx, &einnsyn.ListOptions{Parent: created.ID, SortOrder: "asc",
		Expand: []string{"korrespondansepart", "dokumentbeskrivelse.dokumentobjekt", "skjerming"}}) {
		require.NoError(t, err)
		public = append(public, j)
	}
	require.Len(t, public, 2)
	screened, open := public[0], public[1]
	assert.Equal(t, einnsyn.InngaaendeDokument, screened.Journalposttype)
	assert.Equal(t, "Søknad om tilskudd", screened.OffentligTittel)
	assert.Equal(t, einnsyn.SkjermetNavn, screened.Korrespondansepart[0].Object.KorrespondansepartNavn)
	assert.Equal(t, "avsender", screened.Korrespondansepart[0].Object.Korrespondanseparttype)
	assert.Equal(t, "Unntatt offentlighet", screened.Skjerming.Object.Tilgangsrestriksjon)
	assert.Empty(t, screened.Dokumentbeskrivelse[0].Object.Dokumentobjekt, "no file of a screened journalpost")
	assert.Equal(t, "Statsforvalteren", open.Korrespondansepart[0].Object.KorrespondansepartNavn)
	require.Len(t, open.Dokumentbeskrivelse[0].Object.Dokumentobjekt, 1)
	assert.Equal(t, "hoveddokument", open.Dokumentbeskrivelse[0].Object.TilknyttetRegistreringSom)
	for _, j := range public {
		b := strings.Join([]string{j.OffentligTittel, j.OffentligTittelSensitiv, j.Korrespondansepart[0].Object.KorrespondansepartNavn}, " ")
		assert.NotContains(t, b, "Kari Nordmann", "the public never sees the screened name")
	}
	// The publisher sees the full names.
	own, err := e.pub.Korrespondanseparter.Get(ctx, screened.Korrespondansepart[0].ID)
	require.NoError(t, err)
	assert.Equal(t, "Kari Nordmann", own.KorrespondansepartNavnSensitiv)

	// Publishing the same archived case again finds it by systemId: no second copy.
	_, err = e.pub.Saksmapper.Create(ctx, e.arkivdel, sm)
	require.ErrorIs(t, err, einnsyn.ErrConflict)
	assert.Equal(t, 1, e.fake.Count("saksmappe"))

	// One journalpost on its own, under the case by its systemId.
	one, err := einnsyn.JournalpostFromArkivmelding(&read.Mappe[0].Basisregistrering[1], nil)
	require.NoError(t, err)
	one.SystemID = "7f0e2d1c-0000-4000-8000-000000000001"
	jp, err := e.pub.Journalposter.Create(ctx, sm.SystemID, one)
	require.NoError(t, err)
	assert.Equal(t, created.ID, jp.Saksmappe.ID)
}

func TestFromArkivmeldingRefusesWhatEInnsynCannotTake(t *testing.T) {
	t.Parallel()
	// The upstream example: the archive has not assigned numbers yet.
	raw, err := os.ReadFile(testutil.SharedFile(t, "specs/noark5/arkivmelding/eformidling/examples/arkivmelding_ok.xml"))
	require.NoError(t, err)
	am, err := arkivmelding.Parse(bytes.NewReader(raw))
	require.NoError(t, err)
	_, err = einnsyn.SaksmappeFromArkivmelding(&am.Mappe[0], nil)
	var ve *einnsyn.ValidationError
	require.ErrorAs(t, err, &ve)
	joined := ve.Problem
	assert.Contains(t, joined, "saksaar and sakssekvensnummer are required")
	assert.Contains(t, joined, "journalaar, journalsekvensnummer and journalpostnummer are required")

	// A screened title without offentligTittel.
	sak := arkivertSak()
	sak.Mappe[0].Basisregistrering[0].OffentligTittel = ""
	_, err = einnsyn.SaksmappeFromArkivmelding(&sak.Mappe[0], nil)
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, ve.Problem, "the title is screened")
	assert.NotContains(t, err.Error(), "Kari Nordmann")

	// Not a saksmappe.
	_, err = einnsyn.SaksmappeFromArkivmelding(&arkivmelding.Mappe{}, nil)
	require.ErrorIs(t, err, einnsyn.ErrInvalidInput)
	_, err = einnsyn.JournalpostFromArkivmelding(&arkivmelding.Registrering{}, nil)
	require.ErrorIs(t, err, einnsyn.ErrInvalidInput)
}
