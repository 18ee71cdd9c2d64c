package digisos_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
	for _, want := range []string{"/version", "/hendelser/0/status", "/hendelser/1: at '/hendelser/1': missing property 'saksreferanse'", "/hendelser/1/vedtaksfil/referanse/id"} {
		assert.Contains(t, joined, want)
	}
	assert.NotContains(t, joined, "tildeltNavKontor", "only the branch of the hendelse's own type is reported")
	assert.Contains(t, joined, "/avsender: at '/avsender': missing property 'systemversjon'", "an empty required value is missing")
	assert.Len(t, ve.Problems, 5, joined)
}

// The verdict equals an independent implementation's (Python's jsonschema, Draft 6, refs
// from the files on disk) on NAV's examples and on mutants of them: every value removed,
// nulled, replaced by a string, a number or an empty array, every object given an extra
// field.
func TestVerdictAgreesWithPythonJSONSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	py := testutil.Tool(t, "python3")
	if err := exec.Command(py, "-c", "import jsonschema").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3-jsonschema is missing; CI installs it")
		}
		t.Skip("python3-jsonschema is not installed (apt-get install python3-jsonschema)")
	}
	schemaPath := testutil.SharedFile(t, filformat+"/json/digisos/soker/digisos-soker.json")
	dir := t.TempDir()
	var files []string
	for _, name := range []string{"komplett.json", "minimal.json"} {
		raw, err := os.ReadFile(testutil.SharedFile(t, filformat+"/examples/digisos-soker/"+name))
		require.NoError(t, err)
		var doc any
		require.NoError(t, json.Unmarshal(raw, &doc))
		for i, m := range mutate(doc) {
			b, err := json.Marshal(m)
			require.NoError(t, err)
			f := filepath.Join(dir, fmt.Sprintf("%s-%04d.json", strings.TrimSuffix(name, ".json"), i))
			require.NoError(t, os.WriteFile(f, b, 0o600))
			files = append(files, f)
		}
	}
	out, err := exec.Command(py, append([]string{"testdata/jsonschema_oracle.py", schemaPath}, files...)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	verdict := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		v, f, ok := strings.Cut(sc.Text(), " ")
		if ok {
			verdict[f] = v == "valid"
		}
	}
	invalid := 0
	for _, f := range files {
		want, ok := verdict[f]
		require.True(t, ok, "no verdict for %s", f)
		b, _ := os.ReadFile(f)
		got := digisos.ValidateJSON(b) == nil
		if !want {
			invalid++
		}
		if got != want {
			t.Errorf("%s: ValidateJSON valid=%v, Python jsonschema valid=%v\n%s", filepath.Base(f), got, want, b)
		}
	}
	t.Logf("%d mutants, %d invalid", len(files), invalid)
	assert.Greater(t, invalid, len(files)/3)
}

// mutate returns variations of doc, one change each.
func mutate(doc any) []any {
	var out []any
	var paths [][]any
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		paths = append(paths, append([]any(nil), path...))
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(x[k], append(path, k))
			}
		case []any:
			for i, e := range x {
				walk(e, append(path, i))
			}
		}
	}
	walk(doc, nil)
	clone := func() any {
		b, _ := json.Marshal(doc)
		var c any
		_ = json.Unmarshal(b, &c)
		return c
	}
	set := func(root any, path []any, f func(parent any, key any)) any {
		cur := root
		for _, p := range path[:len(path)-1] {
			switch c := cur.(type) {
			case map[string]any:
				cur = c[p.(string)]
			case []any:
				cur = c[p.(int)]
			}
		}
		f(cur, path[len(path)-1])
		return root
	}
	for _, p := range paths {
		if len(p) == 0 {
			continue
		}
		for _, repl := range []any{"remove", nil, "x", 42.5, []any{}} {
			out = append(out, set(clone(), p, func(parent any, key any) {
				switch c := parent.(type) {
				case map[string]any:
					if repl == "remove" {
						delete(c, key.(string))
					} else {
						c[key.(string)] = repl
					}
				case []any:
					if repl == "remove" {
						c[key.(int)] = map[string]any{}
					} else {
						c[key.(int)] = repl
					}
				}
			}))
		}
	}
	return out
}
