package digisos_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

const filformat = "specs/fiks/digisos/navikt-soknadsosialhjelp-filformat"

// NAV's examples validate and read into the model, and the model writes them back equal.
func TestExamplesRoundTrip(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"komplett.json", "minimal.json"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(testutil.SharedFile(t, filformat+"/examples/digisos-soker/"+name))
			require.NoError(t, err)
			require.NoError(t, digisos.ValidateJSON(raw))
			var s digisos.Soker
			require.NoError(t, json.Unmarshal(raw, &s))
			out, err := json.Marshal(s)
			require.NoError(t, err)
			assert.JSONEq(t, string(raw), string(out))
			require.NoError(t, s.Validate())
		})
	}
}

// The builder's output for every hendelse type validates; what breaks the schema is
// refused with every problem.
func TestBuildEveryHendelse(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	belop := 7500.0
	fil := digisos.Dokumentlager("12345678-9abc-def0-1234-56789abcdef0")
	s := &digisos.Soker{Avsender: digisos.Avsender{Systemnavn: "fagsystem", Systemversjon: "1.2.3"}, Hendelser: []digisos.Hendelse{
		&digisos.SoknadsStatus{Base: digisos.At(now), Status: digisos.SoknadMottatt},
		&digisos.TildeltNavKontor{Base: digisos.At(now), NavKontor: "0314"},
		&digisos.SaksStatus{Base: digisos.At(now), Referanse: "sak-1", Tittel: "Livsopphold", Status: digisos.SakUnderBehandling},
		&digisos.DokumentasjonEtterspurt{Base: digisos.At(now), Forvaltningsbrev: &digisos.Forvaltningsbrev{Referanse: fil},
			Dokumenter: []digisos.Dokument{{Dokumenttype: "Strømfaktura", Innsendelsesfrist: digisos.Tid(now.Add(240 * time.Hour))}}},
		&digisos.ForelopigSvar{Base: digisos.At(now), Forvaltningsbrev: digisos.Forvaltningsbrev{Referanse: digisos.SvarUt("12345678-9abc-def0-1234-56789abcdef1", 1)}},
		&digisos.VedtakFattet{Base: digisos.At(now), Saksreferanse: "sak-1", Utfall: digisos.Innvilget, Vedtaksfil: digisos.Vedtaksfil{Referanse: fil},
			Vedlegg: []digisos.Vedlegg{{Tittel: "Vedlegg", Referanse: fil}}},
		&digisos.Rammevedtak{Base: digisos.At(now), Rammevedtaksreferanse: "r-1", Saksreferanse: "sak-1", Belop: &belop, Fom: "2026-12-01", Tom: "2026-12-31"},
		&digisos.Utbetaling{Base: digisos.At(now), Utbetalingsreferanse: "u-1", Saksreferanse: "sak-1", Status: digisos.UtbetalingPlanlagt, Belop: &belop,
			Forfallsdato: digisos.NewDato(now)},
		&digisos.Vilkar{Base: digisos.At(now), Vilkarreferanse: "v-1", Utbetalingsreferanse: []string{"u-1"}, Status: digisos.KravRelevant},
		&digisos.Dokumentasjonkrav{Base: digisos.At(now), Dokumentasjonkravreferanse: "d-1", Utbetalingsreferanse: []string{"u-1"}, Status: digisos.KravOppfylt},
	}}
	require.NoError(t, s.Validate())
	b, err := json.Marshal(s)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"hendelsestidspunkt":"2026-12-02T10:00:00.000Z"`)
	var back digisos.Soker
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, s.Hendelser, back.Hendelser)

	bad := &digisos.Soker{Version: "1", Avsender: digisos.Avsender{Systemnavn: "fagsystem"}, Hendelser: []digisos.Hendelse{
		&digisos.SoknadsStatus{Base: digisos.At(now), Status: "KANSKJE"},
		&digisos.VedtakFattet{Base: digisos.At(now), Vedtaksfil: digisos.Vedtaksfil{Referanse: digisos.Dokumentlager("ikke-en-uuid")}},
	}}
	err = bad.Validate()
	var ve *digisos.SchemaError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, digisos.ErrInvalidInput)
	joined := strings.Join(ve.Problems, "\n")
	for _, want := range []string{"/version", "/hendelser/0/status", "/hendelser/1: missing property 'saksreferanse'", "/hendelser/1/vedtaksfil/referanse/id"} {
		assert.Contains(t, joined, want)
	}
	assert.NotContains(t, joined, "tildeltNavKontor", "only the branch of the hendelse's own type is reported")
	assert.Contains(t, joined, "/avsender: missing property 'systemversjon'", "an empty required value is missing")
	assert.Len(t, ve.Problems, 5, joined)
}

// The verdict equals an independent implementation's (Python's jsonschema, Draft 6, refs
// from the files on disk) on NAV's examples and on mutants of them: every value removed,
// nulled, replaced by a string, a number or an empty array.
func TestVerdictAgreesWithPythonJSONSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	schemaPath := testutil.SharedFile(t, filformat+"/json/digisos/soker/digisos-soker.json")
	var docs [][]byte
	for _, name := range []string{"komplett.json", "minimal.json"} {
		raw, err := os.ReadFile(testutil.SharedFile(t, filformat+"/examples/digisos-soker/"+name))
		require.NoError(t, err)
		var doc any
		require.NoError(t, json.Unmarshal(raw, &doc))
		for _, m := range testutil.JSONMutants(doc) {
			b, err := json.Marshal(m)
			require.NoError(t, err)
			docs = append(docs, b)
		}
	}
	want := testutil.PythonJSONSchema(t, schemaPath, docs)
	invalid := 0
	for i, b := range docs {
		got := digisos.ValidateJSON(b) == nil
		if !want[i] {
			invalid++
		}
		if got != want[i] {
			t.Errorf("mutant %d: ValidateJSON valid=%v, Python jsonschema valid=%v\n%s", i, got, want[i], b)
		}
	}
	t.Logf("%d mutants, %d invalid", len(docs), invalid)
	assert.Greater(t, invalid, len(docs)/3)
}
