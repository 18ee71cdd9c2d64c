package testutil

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

//go:embed jsonschema_oracle.py
var oracle []byte

//go:embed jsonschema2019_oracle.py
var oracle2019 []byte

// PythonJSONSchema judges each document with an independent implementation, Python's
// jsonschema (Draft 6, refs resolved from the schema files on disk beside schemaPath):
// valid or not, by document index. CI (CI=true) fails without python3-jsonschema; elsewhere
// the test skips.
func PythonJSONSchema(t testing.TB, schemaPath string, docs [][]byte) []bool {
	t.Helper()
	return pythonOracle(t, oracle, []string{schemaPath}, docs)
}

// PythonJSONSchema2019 is PythonJSONSchema for a draft 2019-09 schema set (KS's
// fiks-innsyn-json-schema): files are schema texts by path, registered under base, and
// root is the one judged against (a path in files). Formats are asserted (date-time, date,
// uuid, and the set's custom int64).
func PythonJSONSchema2019(t testing.TB, files map[string]string, base, root string, docs [][]byte) []bool {
	t.Helper()
	dir := t.TempDir()
	for p, text := range files {
		f := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return pythonOracle(t, oracle2019, []string{dir, base, root}, docs)
}

func pythonOracle(t testing.TB, oracle []byte, args []string, docs [][]byte) []bool {
	t.Helper()
	py := Tool(t, "python3")
	if err := exec.Command(py, "-c", "import jsonschema").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3-jsonschema is missing; CI installs it")
		}
		t.Skip("python3-jsonschema is not installed (apt-get install python3-jsonschema)")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "oracle.py")
	if err := os.WriteFile(script, oracle, 0o600); err != nil {
		t.Fatal(err)
	}
	files := make([]string, len(docs))
	for i, d := range docs {
		files[i] = filepath.Join(dir, fmt.Sprintf("%05d.json", i))
		if err := os.WriteFile(files[i], d, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(py, append(append([]string{script}, args...), files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	verdict := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		v, f, ok := strings.Cut(sc.Text(), " ")
		if ok {
			verdict[f] = v == "valid"
		}
	}
	res := make([]bool, len(docs))
	for i, f := range files {
		v, ok := verdict[f]
		if !ok {
			t.Fatalf("no verdict for document %d: %s", i, out)
		}
		res[i] = v
	}
	return res
}

// JSONMutants returns variations of doc (decoded JSON), one change each: every value
// removed (an array element emptied to {}), nulled, or replaced by a string, a number or
// an empty array.
func JSONMutants(doc any) []any {
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

// NAVTestFile is one of NAV's schema test files (fiks/digisos/testdata/nav) with the
// schema NAV's tests validate it against and the verdict they expect.
type NAVTestFile struct {
	Path   string // on disk
	Name   string // under the test data root, e.g. digisos/soker/parts/avsender/x.json
	Schema string // path under the schema root, e.g. digisos/soker/parts/avsender.json
	Valid  bool
}

// NAVTestFiles lists the test files under root/sub as NAV's TestDataFiles does: a file in
// sub itself is validated against toplevel, one in a subfolder against the part schema
// named by the folder; feil-* and ikkegyldig_* must fail, the rest pass; _* are skipped.
func NAVTestFiles(t testing.TB, root, sub, toplevel string) []NAVTestFile {
	t.Helper()
	var out []NAVTestFile
	base := filepath.Join(root, filepath.FromSlash(sub))
	err := filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") || strings.HasPrefix(d.Name(), "_") {
			return err
		}
		rel, _ := filepath.Rel(base, p)
		rel = filepath.ToSlash(rel)
		schema := sub + "/" + toplevel
		if dir := filepath.ToSlash(filepath.Dir(rel)); dir != "." {
			schema = sub + "/" + dir + ".json"
		}
		out = append(out, NAVTestFile{
			Path: p, Name: sub + "/" + rel, Schema: schema,
			Valid: !strings.HasPrefix(d.Name(), "feil-") && !strings.HasPrefix(d.Name(), "ikkegyldig_"),
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no test files under %s", base)
	}
	return out
}
