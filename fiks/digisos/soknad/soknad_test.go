package soknad_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/digisos/soknad"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

const filformat = "specs/fiks/digisos/navikt-soknadsosialhjelp-filformat"

func schemaDir(t *testing.T) string {
	return filepath.Dir(filepath.Dir(testutil.SharedFile(t, filformat+"/json/soknad/soknad.json")))
}

// equalJSON compares two documents as decoded JSON.
func equalJSON(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	require.NoError(t, json.Unmarshal(want, &w))
	require.NoError(t, json.Unmarshal(got, &g))
	assert.Equal(t, w, g)
}

const navFiles = "../testdata/nav"

// partTypes are the Go types of the part schemas NAV's test files exercise.
var partTypes = map[string]func() any{
	"soknad/soknad.json":                              func() any { return &soknad.Soknad{} },
	"soknad/familie/barn.json":                        func() any { return &soknad.Barn{} },
	"soknad/familie/sivilstatus.json":                 func() any { return &soknad.Sivilstatus{} },
	"soknad/okonomi/opplysninger/utbetaling.json":     func() any { return &soknad.OkonomiOpplysningUtbetaling{} },
	"soknad/parts/adresse.json":                       func() any { return &soknad.Adresse{} },
	"soknad/parts/version.json":                       func() any { return new(string) },
	"soknad/personalia/kontonummer.json":              func() any { return &soknad.Kontonummer{} },
	"soknad/personalia/personIdentifikator.json":      func() any { return &soknad.PersonIdentifikator{} },
	"soknad/personalia/telefonnummer.json":            func() any { return &soknad.Telefonnummer{} },
	"soknad/data/personalia/personIdentifikator.json": nil, // only feil-* files there
}

// Every valid one of NAV's test files (testdata/nav/soknad, from navikt/
// soknadsosialhjelp-filformat src/test/resources/json/soknad) reads into the model with
// unknown fields refused and is written back equal; the whole applications go through
// Read, the feil-* ones are refused by it.
func TestNAVFilesRoundTrip(t *testing.T) {
	files := testutil.NAVTestFiles(t, navFiles, "soknad", "soknad.json")
	n := 0
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			raw, err := os.ReadFile(f.Path)
			require.NoError(t, err)
			if f.Schema == "soknad/soknad.json" {
				s, err := soknad.Read(bytes.NewReader(raw))
				if !f.Valid {
					assert.ErrorIs(t, err, httpx.ErrInvalidInput)
					return
				}
				require.NoError(t, err)
				require.NoError(t, s.Validate())
			}
			if !f.Valid {
				return
			}
			mk, ok := partTypes[f.Schema]
			require.True(t, ok && mk != nil, "no Go type listed for %s", f.Schema)
			v := mk()
			d := json.NewDecoder(bytes.NewReader(raw))
			d.DisallowUnknownFields()
			require.NoError(t, d.Decode(v))
			out, err := json.Marshal(v)
			require.NoError(t, err)
			if f.Name == "soknad/systemdata.json" {
				// It spells one field "HarDeltBosted": unknown to the schema (which has
				// harDeltBosted), so Read leaves it out instead of matching it by case.
				s, err := soknad.Read(bytes.NewReader(raw))
				require.NoError(t, err)
				for _, a := range s.Data.Familie.Forsorgerplikt.Ansvar {
					assert.Nil(t, a.HarDeltBosted, "not a case-insensitive match")
				}
				return
			}
			equalJSON(t, raw, out)
			n++
		})
	}
	t.Logf("%d of NAV's files written back equal", n)
}

// NAV's generated examples (examples/1.json, 2.json) predate the schema: the schema
// refuses them (driftsinformasjon is an object, mottaker is required), as Python's
// jsonschema does. Read says so instead of guessing.
func TestStaleExamplesRefused(t *testing.T) {
	for _, name := range []string{"1.json", "2.json"} {
		raw, err := os.ReadFile(testutil.SharedFile(t, filformat+"/examples/soknad/"+name))
		require.NoError(t, err)
		_, err = soknad.Read(bytes.NewReader(raw))
		var se *soknad.SchemaError
		require.ErrorAs(t, err, &se)
		assert.Contains(t, err.Error(), "mottaker")
	}
}

func minimal(t *testing.T) map[string]any {
	raw, err := os.ReadFile(navFiles + "/soknad/minimal.json")
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	return doc
}

// synth builds a document holding every property the schema (and each oneOf/allOf
// branch) names, a value of the right JSON type for each: what the model must read
// without loss.
type synth struct {
	t    *testing.T
	root string
	docs map[string]map[string]any
}

func (s *synth) load(file string) map[string]any {
	if d, ok := s.docs[file]; ok {
		return d
	}
	b, err := os.ReadFile(filepath.Join(s.root, filepath.FromSlash(file)))
	require.NoError(s.t, err)
	var d map[string]any
	require.NoError(s.t, json.Unmarshal(b, &d))
	s.docs[file] = d
	return d
}

func (s *synth) deref(n map[string]any, file string) (map[string]any, string) {
	for {
		ref, ok := n["$ref"].(string)
		if !ok {
			return n, file
		}
		target, ptr, _ := strings.Cut(ref, "#")
		if target != "" {
			file = path.Clean(path.Join(path.Dir(file), target))
		}
		n = s.load(file)
		if ptr != "" {
			for _, p := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
				n = n[p].(map[string]any)
			}
		}
	}
}

func (s *synth) value(n map[string]any, file string, depth int) any {
	require.Less(s.t, depth, 30, "the schema nests too deep (a cycle?)")
	n, file = s.deref(n, file)
	props := map[string]any{}
	collect := func(m map[string]any, f string) {
		ps, _ := m["properties"].(map[string]any)
		for k, v := range ps {
			if _, ok := props[k]; !ok {
				props[k] = s.value(v.(map[string]any), f, depth+1)
			}
		}
	}
	typ, _ := n["type"].(string)
	if typ == "object" || n["properties"] != nil {
		collect(n, file)
		for _, kw := range []string{"allOf", "oneOf"} {
			br, _ := n[kw].([]any)
			for _, b := range br {
				bn, bf := s.deref(b.(map[string]any), file)
				collect(bn, bf)
				if all, ok := bn["allOf"].([]any); ok {
					for _, a := range all {
						an, af := s.deref(a.(map[string]any), bf)
						collect(an, af)
					}
				}
			}
		}
		return props
	}
	if enum, ok := n["enum"].([]any); ok {
		return enum[len(enum)-1]
	}
	switch typ {
	case "array":
		return []any{s.value(n["items"].(map[string]any), file, depth+1)}
	case "string":
		return "tekst"
	case "integer":
		return float64(7)
	case "number":
		return 12.5
	case "boolean":
		return true
	}
	s.t.Fatalf("%s: no type", file)
	return nil
}

// Every property of NAV's schemas, in every branch, has a field of the right JSON type:
// a document with all of them decodes with unknown fields refused and writes back equal.
func TestEveryPropertyModelled(t *testing.T) {
	root := schemaDir(t)
	for _, c := range []struct {
		file string
		v    any
	}{{"soknad/soknad.json", &soknad.Soknad{}}, {"vedlegg/vedleggSpesifikasjon.json", &soknad.VedleggSpesifikasjon{}}} {
		t.Run(c.file, func(t *testing.T) {
			s := &synth{t: t, root: root, docs: map[string]map[string]any{}}
			doc := s.value(s.load(c.file), c.file, 0)
			b, err := json.Marshal(doc)
			require.NoError(t, err)
			d := json.NewDecoder(bytes.NewReader(b))
			d.DisallowUnknownFields()
			require.NoError(t, d.Decode(c.v), "%s", b)
			out, err := json.Marshal(c.v)
			require.NoError(t, err)
			equalJSON(t, b, out)
			t.Logf("%d bytes, every property", len(b))
		})
	}
}

// "Not answered" and "none" stay apart: a missing list, an empty list, a missing and a
// false boolean are written back as they came.
func TestAbsentEmptyAndFalseSurvive(t *testing.T) {
	doc := minimal(t)
	data := doc["data"].(map[string]any)
	data["arbeid"] = map[string]any{"forhold": []any{}}
	data["utdanning"] = map[string]any{"kilde": "bruker", "erStudent": false}
	b, _ := json.Marshal(doc)
	s, err := soknad.Read(bytes.NewReader(b))
	require.NoError(t, err)
	require.NotNil(t, s.Data.Arbeid)
	assert.NotNil(t, s.Data.Arbeid.Forhold, "an empty list is not a missing one")
	require.NotNil(t, s.Data.Utdanning.ErStudent)
	assert.False(t, *s.Data.Utdanning.ErStudent)
	assert.Nil(t, s.Data.Utdanning.Studentgrad)
	out, _ := json.Marshal(s)
	equalJSON(t, b, out)
	assert.Contains(t, string(out), `"forhold":[]`)
}

// The verdict equals Python's jsonschema on NAV's test applications, the all-properties document
// and mutants of each (every value removed, nulled, made a string, a number or []).
func TestVerdictAgreesWithPythonJSONSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	root := schemaDir(t)
	for _, c := range []struct {
		schema   string
		examples []string
		validate func([]byte) error
	}{
		{"soknad/soknad.json", []string{"minimal.json", "brukerdata.json"}, soknad.ValidateJSON},
		{"vedlegg/vedleggSpesifikasjon.json", nil, soknad.ValidateVedleggJSON},
	} {
		t.Run(c.schema, func(t *testing.T) {
			var seeds []any
			for _, name := range c.examples {
				raw, err := os.ReadFile(navFiles + "/soknad/" + name)
				require.NoError(t, err)
				var doc any
				require.NoError(t, json.Unmarshal(raw, &doc))
				seeds = append(seeds, doc)
			}
			s := &synth{t: t, root: root, docs: map[string]map[string]any{}}
			seeds = append(seeds, s.value(s.load(c.schema), c.schema, 0))
			var docs [][]byte
			for _, seed := range seeds {
				b, _ := json.Marshal(seed)
				docs = append(docs, b)
				for _, m := range testutil.JSONMutants(seed) {
					b, _ := json.Marshal(m)
					docs = append(docs, b)
				}
			}
			want := testutil.PythonJSONSchema(t, filepath.Join(root, filepath.FromSlash(c.schema)), docs)
			invalid := 0
			for i, b := range docs {
				got := c.validate(b) == nil
				if !want[i] {
					invalid++
				}
				if got != want[i] {
					t.Errorf("document %d: valid=%v, Python jsonschema valid=%v\n%s", i, got, want[i], b)
				}
			}
			t.Logf("%d documents, %d invalid", len(docs), invalid)
			assert.Greater(t, invalid, len(docs)/4)
		})
	}
}

// The applicant's identity number never shows in fmt, slog or a schema error.
func TestIdentifikatorMasked(t *testing.T) {
	const fnr = "01017012345"
	doc := minimal(t)
	pers := doc["data"].(map[string]any)["personalia"].(map[string]any)
	pers["personIdentifikator"].(map[string]any)["verdi"] = fnr
	b, _ := json.Marshal(doc)
	s, err := soknad.Read(bytes.NewReader(b))
	require.NoError(t, err)
	id := s.Data.Personalia.PersonIdentifikator.Verdi
	assert.Equal(t, fnr, id.Unmasked())
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%q", id), id.String()} {
		assert.NotContains(t, out, fnr)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("soknad", "id", id, "soknad", s, "personalia", s.Data.Personalia)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("soknad", "soknad", s)
	assert.NotContains(t, logs.String(), fnr)
	assert.Contains(t, logs.String(), `"personIdentifikator":{"kilde":"system","verdi":"010170*****"}`, "logged by JSON name, masked")
	out, _ := json.Marshal(s)
	assert.Contains(t, string(out), fnr, "the file keeps it")

	// A number where the schema has a pattern: the error names the place, not the number.
	pers["kontonummer"] = map[string]any{"kilde": "bruker", "verdi": fnr + "9"}
	pers["telefonnummer"] = map[string]any{"kilde": "bruker", "verdi": fnr}
	b, _ = json.Marshal(doc)
	_, err = soknad.Read(bytes.NewReader(b))
	var se *digisos.SchemaError
	require.ErrorAs(t, err, &se)
	assert.ErrorIs(t, err, httpx.ErrInvalidInput)
	assert.Equal(t, "soknad.json", se.Dokument)
	assert.Contains(t, err.Error(), "/data/personalia/telefonnummer/verdi")
	assert.NotContains(t, err.Error(), fnr)
}

// Read refuses what is not soknad.json: too large, not JSON, the wrong shape.
func TestReadRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"not json":  "{",
		"array":     "[]",
		"empty":     "",
		"wrong":     `{"version":"1.0.0","data":"x"}`,
		"too large": `{"x":"` + strings.Repeat("a", soknad.MaxSize) + `"}`,
	} {
		_, err := soknad.Read(strings.NewReader(in))
		var se *soknad.SchemaError
		assert.ErrorAs(t, err, &se, name)
	}
	_, err := soknad.ReadVedlegg(strings.NewReader(`{"vedlegg":[{"filer":"x"}]}`))
	assert.ErrorIs(t, err, httpx.ErrInvalidInput)
	v, err := soknad.ReadVedlegg(strings.NewReader(`{"vedlegg":[{"type":"kontooversikt","tilleggsinfo":"brukskonto","status":"LastetOpp","filer":[{"filnavn":"konto.pdf","sha512":"ab"}]}]}`))
	require.NoError(t, err)
	assert.Equal(t, "konto.pdf", *v.Vedlegg[0].Filer[0].Filnavn)
}
