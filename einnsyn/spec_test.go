package einnsyn

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	gen "github.com/fellesklient/fellesklient/internal/gen/einnsyn"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

type schema struct {
	Type       string             `yaml:"type"`
	Format     string             `yaml:"format"`
	Ref        string             `yaml:"$ref"`
	Enum       []string           `yaml:"enum"`
	Properties map[string]*schema `yaml:"properties"`
	Items      *schema            `yaml:"items"`
	AllOf      []*schema          `yaml:"allOf"`
	AnyOf      []*schema          `yaml:"anyOf"`
	ReadOnly   bool               `yaml:"readOnly"`
	IDPrefix   string             `yaml:"x-idPrefix"`
}

type spec struct {
	Components struct {
		Schemas map[string]*schema `yaml:"schemas"`
	} `yaml:"components"`
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	b, err := os.ReadFile(testutil.SharedFile(t, "specs/einnsyn/openapi/einnsyn.openapi.yml"))
	require.NoError(t, err)
	var s spec
	require.NoError(t, yaml.Unmarshal(b, &s))
	return &s
}

func (s *spec) get(ref string) *schema {
	return s.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
}

// props resolves allOf: the properties a schema has with those it inherits.
func (s *spec) props(sc *schema) map[string]*schema {
	out := map[string]*schema{}
	for _, a := range sc.AllOf {
		if a.Ref != "" {
			for k, v := range s.props(s.get(a.Ref)) {
				out[k] = v
			}
		}
	}
	for k, v := range sc.Properties {
		out[k] = v
	}
	return out
}

// jsonFields lists the JSON names of a struct's fields, embedded structs included.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			for k, v := range jsonFields(f.Type) {
				out[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = f.Type
		}
	}
	return out
}

var typed = map[string]any{
	"Journalpost.Journalpost":                     Journalpost{},
	"Saksmappe.Saksmappe":                         Saksmappe{},
	"Saksmappe.SaksmappeCreate":                   Saksmappe{},
	"Moetemappe.Moetemappe":                       Moetemappe{},
	"Moetesak.Moetesak":                           Moetesak{},
	"Moetedokument.Moetedokument":                 Moetedokument{},
	"Dokumentbeskrivelse.Dokumentbeskrivelse":     Dokumentbeskrivelse{},
	"Dokumentobjekt.Dokumentobjekt":               Dokumentobjekt{},
	"Korrespondansepart.Korrespondansepart":       Korrespondansepart{},
	"Skjerming.Skjerming":                         Skjerming{},
	"Enhet.Enhet":                                 Enhet{},
	"Arkiv.Arkiv":                                 Arkiv{},
	"Arkivdel.Arkivdel":                           Arkivdel{},
	"Klasse.Klasse":                               Klasse{},
	"Innsynskrav.Innsynskrav":                     Innsynskrav{},
	"InnsynskravBestilling.InnsynskravBestilling": InnsynskravBestilling{},
	"AuthInfo.AuthInfo":                           AuthInfo{},
}

// Every property of the spec's schemas (allOf resolved) has a field in the hand-written
// type, and no field is invented.
func TestTypesCoverSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	for name, v := range typed {
		t.Run(name, func(t *testing.T) {
			sc := s.Components.Schemas[name]
			require.NotNil(t, sc, "schema %s", name)
			props := s.props(sc)
			fields := jsonFields(reflect.TypeOf(v))
			var missing, extra []string
			for p := range props {
				if _, ok := fields[p]; !ok {
					missing = append(missing, p)
				}
			}
			for f := range fields {
				if _, ok := props[f]; !ok {
					extra = append(extra, f)
				}
			}
			sort.Strings(missing)
			sort.Strings(extra)
			assert.Empty(t, missing, "spec properties without a Go field")
			switch name {
			case "Saksmappe.Saksmappe": // journalpost is write-only: it is in SaksmappeCreate
				assert.Equal(t, []string{"journalpost"}, extra)
			case "Saksmappe.SaksmappeCreate": // the Go type also reads
			default:
				assert.Empty(t, extra, "Go fields not in the spec")
			}
		})
	}
}

// The id prefixes and the collections they route to are the spec's x-idPrefix.
func TestPrefixesMatchSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	n := 0
	for name, sc := range s.Components.Schemas {
		if sc.IDPrefix == "" || strings.Contains(name, "Create") || strings.Contains(name, "Update") {
			continue
		}
		ent, _, _ := strings.Cut(name, ".")
		assert.Equal(t, strings.ToLower(ent), strings.ToLower(collections[sc.IDPrefix]), "prefix %s", sc.IDPrefix)
		n++
	}
	assert.Equal(t, len(collections), n)
}

// The enum values offered as constants are the spec's, and the generated Valid methods
// used by the validation agree.
func TestEnumsMatchSpec(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	enum := func(schemaName, prop string) []string {
		return s.props(s.Components.Schemas[schemaName])[prop].Enum
	}
	strs := func(v any) []string {
		rv := reflect.ValueOf(v)
		out := make([]string, rv.Len())
		for i := range out {
			out[i] = rv.Index(i).String()
		}
		return out
	}
	assert.ElementsMatch(t, enum("Journalpost.Journalpost", "journalposttype"), strs(journalposttyper))
	assert.ElementsMatch(t, enum("Moetesak.Moetesak", "moetesakstype"), strs(moetesakstyper))
	assert.ElementsMatch(t, enum("Enhet.Enhet", "enhetstype"), strs(enhetstyper))
	for _, v := range journalposttyper {
		assert.True(t, gen.JournalpostJournalpostJournalposttype(v).Valid())
	}
	for _, v := range enhetstyper {
		assert.True(t, gen.EnhetEnhetEnhetstype(v).Valid())
	}
	for _, v := range searchSortBy {
		assert.True(t, gen.SearchSavedSearchParametersSortBy(v).Valid(), v)
	}
	assert.False(t, gen.JournalpostJournalpostJournalposttype("brev").Valid())
}

// example builds a JSON value for a schema as the API could send it: references as ids
// (depth 0) or as objects (expanded, one level), every property present.
func (s *spec) example(sc *schema, expand int) any {
	if sc.Ref != "" {
		return s.example(s.get(sc.Ref), expand)
	}
	if len(sc.AnyOf) > 0 {
		for _, a := range sc.AnyOf {
			if a.Ref != "" && expand > 0 {
				return s.example(a, expand-1)
			}
		}
		return "jp_01jh532p3ve6haq7n53xgpqayh"
	}
	if len(sc.AllOf) > 0 && len(sc.Properties) == 0 {
		return s.example(sc.AllOf[0], expand)
	}
	props := s.props(sc)
	if len(props) > 0 || sc.Type == "object" {
		m := map[string]any{"unknownFutureField": map[string]any{"nested": []int{1}}}
		for k, v := range props {
			m[k] = s.example(v, expand)
		}
		return m
	}
	if len(sc.Enum) > 0 {
		return sc.Enum[0]
	}
	switch sc.Type {
	case "integer":
		return 1999
	case "number":
		return 1.5
	case "boolean":
		return true
	case "array":
		return []any{s.example(sc.Items, expand)}
	}
	switch sc.Format {
	case "date":
		return "2025-03-01"
	case "date-time":
		return "2025-03-01T12:00:00Z"
	}
	return "tekst"
}

// Every shape the spec allows decodes: ids and expanded objects, every property present,
// plus a field the spec does not know yet. Also through Object, by entity.
func TestDecodeSpecShapes(t *testing.T) {
	t.Parallel()
	s := loadSpec(t)
	for name, v := range typed {
		for expand := range 3 {
			b, err := json.Marshal(s.example(s.Components.Schemas[name], expand))
			require.NoError(t, err)
			p := reflect.New(reflect.TypeOf(v)).Interface()
			require.NoError(t, json.Unmarshal(b, p), "%s expand=%d", name, expand)
			var o Object
			require.NoError(t, json.Unmarshal(b, &o), name)
			if ent := strings.Split(name, ".")[0]; !strings.Contains(name, "Create") && slices.Contains([]string{"Journalpost", "Saksmappe", "Moetemappe", "Moetesak", "Enhet"}, ent) {
				assert.Equal(t, ent, o.Entity)
				assert.NotEmpty(t, o.Tittel(), name)
			}
		}
	}
	// A list page whose items are ids only.
	var p wirePage
	require.NoError(t, json.Unmarshal([]byte(`{"items":["jp_01jh532p3ve6haq7n53xgpqayh"],"next":"/journalpost?startingAfter=jp_01jh532p3ve6haq7n53xgpqayh","extra":1}`), &p))
	assert.Len(t, p.Items, 1)
}
