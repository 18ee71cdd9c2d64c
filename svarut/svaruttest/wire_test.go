package svaruttest

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/fellesklient/fellesklient/internal/testutil"
)

// TestWireMatchesSpec: every JSON field of the fake's own wire types is a property of the
// schema it stands for in the official spec, with the same required-ness for the fields
// the fake requires. The fake does not use the client's generated types, so a client that
// misspells a field meets a fake that does not.
func TestWireMatchesSpec(t *testing.T) {
	send := schemas(t, "specs/fiks/svarut/openapi/v2/forsendelse-send-api-v2.json")
	inn := schemas(t, "specs/fiks/svarinn/openapi/svarinn-api-v1.json")
	for _, c := range []struct {
		v      any
		schema map[string]any
	}{
		{wireForsendelse{}, send["Forsendelse"]}, {wireAdresse{}, send["Adresse"]}, {wireDokument{}, send["Dokument"]},
		{innForsendelse{}, inn["Forsendelse"]}, {innMottaker{}, inn["Mottaker"]}, {innAvsender{}, inn["Avsender"]},
		{innFilMetadata{}, inn["FilMetadata"]}, {innImportFeil{}, inn["ImportFeil"]},
	} {
		typ := reflect.TypeOf(c.v)
		if c.schema == nil {
			t.Fatalf("%s: no schema", typ.Name())
		}
		props, _ := c.schema["properties"].(map[string]any)
		required := map[string]bool{}
		for _, r := range asSlice(c.schema["required"]) {
			required[r.(string)] = true
		}
		seen := map[string]bool{}
		for i := range typ.NumField() {
			tag := typ.Field(i).Tag.Get("json")
			name := strings.Split(tag, ",")[0]
			seen[name] = true
			if _, ok := props[name]; !ok {
				t.Errorf("%s.%s: %q is not a property of the spec's schema", typ.Name(), typ.Field(i).Name, name)
			}
			if required[name] && strings.Contains(tag, "omitempty") {
				t.Errorf("%s.%s: %q is required by the spec but may be omitted", typ.Name(), typ.Field(i).Name, name)
			}
		}
		for r := range required {
			if !seen[r] {
				t.Errorf("%s: the spec requires %q, which the fake does not model", typ.Name(), r)
			}
		}
	}
}

func schemas(t *testing.T, rel string) map[string]map[string]any {
	t.Helper()
	b, err := os.ReadFile(testutil.SharedFile(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas
}

func asSlice(v any) []any { s, _ := v.([]any); return s }
