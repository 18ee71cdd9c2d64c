package minside_test

import (
	"encoding/json"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/minside"
	schema "github.com/fellesklient/fellesklient/internal/gen/minsideschema"
)

// docGen derives documents from the embedded upstream schemas (not from this package's
// types): the maximal document has every property the schema allows, the minimal one only
// the required ones. Values come from the schema's own examples, else from its type,
// format and enum.
type docGen struct {
	docs map[string]map[string]any
}

func newDocGen(t testing.TB) *docGen {
	g := &docGen{docs: map[string]map[string]any{}}
	for p, text := range schema.Files {
		var d map[string]any
		require.NoError(t, json.Unmarshal([]byte(text), &d), p)
		g.docs[p] = d
	}
	return g
}

// resolve follows a $ref from file.
func (g *docGen) resolve(file, ref string) (string, map[string]any) {
	target, ptr, _ := strings.Cut(ref, "#")
	if target != "" {
		file = path.Clean(path.Join(path.Dir(file), target))
	}
	n := g.docs[file]
	if ptr != "" {
		for _, part := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
			n = n[part].(map[string]any)
		}
	}
	return file, n
}

func firstType(n map[string]any) string {
	switch t := n["type"].(type) {
	case string:
		return t
	case []any:
		for _, e := range t {
			if e != "null" {
				return e.(string)
			}
		}
	}
	if _, ok := n["properties"]; ok {
		return "object"
	}
	if e, ok := n["enum"].([]any); ok {
		for _, v := range e {
			if _, ok := v.(string); ok {
				return "string"
			}
		}
	}
	return ""
}

func (g *docGen) instance(file string, n map[string]any, full bool, depth int) any {
	if ref, ok := n["$ref"].(string); ok {
		f, r := g.resolve(file, ref)
		merged := map[string]any{}
		for k, v := range r {
			merged[k] = v
		}
		for k, v := range n { // 2019-09: keywords beside $ref apply too (a format, a minimum)
			if k != "$ref" && k != "description" {
				merged[k] = v
			}
		}
		if _, ok := n["format"]; ok {
			delete(merged, "examples")
		}
		return g.instance(f, merged, full, depth)
	}
	if c, ok := n["const"]; ok {
		return c
	}
	if ex, ok := n["examples"].([]any); ok {
		for _, e := range ex {
			if e != nil {
				return e
			}
		}
	}
	if e, ok := n["enum"].([]any); ok {
		for _, v := range e {
			if v != nil {
				return v
			}
		}
	}
	switch firstType(n) {
	case "object":
		props, _ := n["properties"].(map[string]any)
		required := map[string]bool{}
		for _, r := range asList(n["required"]) {
			required[r.(string)] = true
		}
		// A oneOf of "one of these is set" branches: the first branch's property only.
		other := map[string]bool{}
		for i, br := range asList(n["oneOf"]) {
			for _, r := range asList(br.(map[string]any)["required"]) {
				if i == 0 {
					required[r.(string)] = true
				} else if !required[r.(string)] {
					other[r.(string)] = true
				}
			}
		}
		out := map[string]any{}
		for name, p := range props {
			if other[name] || !required[name] && (!full || depth > 6) {
				continue
			}
			out[name] = g.instance(file, p.(map[string]any), full, depth+1)
		}
		return out
	case "array":
		if items, ok := n["items"].(map[string]any); ok {
			return []any{g.instance(file, items, full, depth+1)}
		}
		return []any{}
	case "string":
		switch n["format"] {
		case "date-time":
			return "2024-05-06T07:08:09Z"
		case "date":
			return "2024-05-06"
		case "uuid":
			return uuid.NewString()
		}
		switch n["pattern"] {
		case "^[0-9]{9}$":
			return "974760673"
		case "^[0-9]{11}$":
			return "13097248022"
		}
		return "Tekst"
	case "integer":
		return 1
	case "number":
		return 1.5
	case "boolean":
		return true
	}
	return nil
}

// normalized is doc with every RFC 3339 time in UTC with "Z" (time.Time writes an offset
// of zero so; the instant is the same).
func normalized(t testing.TB, doc []byte) string {
	var v any
	require.NoError(t, json.Unmarshal(doc, &v))
	var walk func(any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			if tm, err := time.Parse(time.RFC3339, x); err == nil && strings.Contains(x, "T") {
				return tm.UTC().Format(time.RFC3339Nano)
			}
		}
		return v
	}
	b, _ := json.Marshal(walk(v))
	return string(b)
}

func asList(v any) []any { l, _ := v.([]any); return l }

// document is the versjon's maximal (full) or minimal document, valid against its
// schema: properties the generic values cannot satisfy (an if/then/else pair) are taken
// out at the pointers the validator names, as a user would.
func (g *docGen) document(t testing.TB, v minside.Versjon, full bool) []byte {
	t.Helper()
	file := strings.TrimPrefix(v.SchemaPath(), "")
	doc := g.instance(file, g.docs[file], full, 0)
	for range 20 {
		b, err := json.Marshal(doc)
		require.NoError(t, err)
		err = minside.ValidateMetadata(v, b)
		if err == nil {
			return b
		}
		var se *minside.SchemaError
		require.ErrorAs(t, err, &se)
		removed := false
		for _, p := range se.Problems {
			ptr, _, _ := strings.Cut(p, ": ")
			removed = remove(doc, strings.Split(strings.TrimPrefix(ptr, "/"), "/")) || removed
		}
		require.True(t, removed, "%s: cannot repair %v", v, se.Problems)
	}
	t.Fatalf("%s: no valid document", v)
	return nil
}

// remove deletes the object member at the pointer (or its nearest object-member parent).
func remove(doc any, parts []string) bool {
	if len(parts) == 0 || parts[0] == "" {
		return false
	}
	switch d := doc.(type) {
	case map[string]any:
		if len(parts) == 1 {
			_, ok := d[parts[0]]
			delete(d, parts[0])
			return ok
		}
		if remove(d[parts[0]], parts[1:]) {
			return true
		}
		delete(d, parts[0])
		return true
	case []any:
		i, err := strconv.Atoi(parts[0])
		if err != nil || i >= len(d) {
			return false
		}
		return remove(d[i], parts[1:])
	}
	return false
}
