package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
)

func TestNoark5CLI(t *testing.T) {
	// No flags, no ../shared: the package carries the official schemas the module embeds.
	out := filepath.Join(t.TempDir(), "pakke")
	r := runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "250", "--out", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "250 registreringer, 250 dokumentfiler")
	assert.Empty(t, r.stderr, "no note of missing schemas")
	for _, f := range []string{"arkivstruktur.xsd", "metadatakatalog.xsd", "endringslogg.xsd", "loependeJournal.xsd", "offentligJournal.xsd", "addml.xsd"} {
		assert.FileExists(t, filepath.Join(out, f))
	}
	r = runCLI(t, nil, "noark5", "validate", out)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "is valid (Noark 5 v5.0; by the arkivstruktur.xsd it carries; arkivuttrekk.xml ADDML v8.3), 0 warning(s)")

	// arkivuttrekk.xml alone is an ADDML file: judged by the first version it is valid in
	// (8.3, then 8.2), or by --addml-versjon.
	r = runCLI(t, nil, "noark5", "validate", filepath.Join(out, "arkivuttrekk.xml"))
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "is valid (ADDML v8.3; the first version it is valid in), 0 warning(s)")
	dup := filepath.Join(t.TempDir(), "dup.xml")
	require.NoError(t, os.WriteFile(dup, []byte(`<fieldDefinitionReferences xmlns="http://www.arkivverket.no/standarder/addml">`+
		`<fieldDefinitionReference name="a"/><fieldDefinitionReference name="a"/></fieldDefinitionReferences>`), 0o644))
	r = runCLI(t, nil, "noark5", "validate", dup)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "is valid (ADDML v8.2; the first version it is valid in)")
	r = runCLI(t, nil, "noark5", "validate", "--addml-versjon", "8.3", "--json", dup)
	require.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, `"addmlVersjon": "8.3"`)
	assert.Contains(t, r.stdout, `appears twice in one fieldDefinitionReferences (xs:unique uniqueFieldReference)`)
	r = runCLI(t, nil, "noark5", "validate", "--addml-versjon", "9", dup)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "give one of 8.3, 8.2")

	// A valid folder and file: exit 0, also with xmllint, against the embedded schemas
	// (--schemas) and against a folder of them (--schemas=DIR). The folder includes
	// arkivuttrekk.xml, checked against addml.xsd.
	testutil.Tool(t, "xmllint")
	r = runCLI(t, nil, "noark5", "validate", "--schemas", out)
	require.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "is valid")
	bad := filepath.Join(t.TempDir(), "pakke")
	require.NoError(t, os.CopyFS(bad, os.DirFS(out)))
	addml, err := os.ReadFile(filepath.Join(bad, "arkivuttrekk.xml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(bad, "arkivuttrekk.xml"), []byte(strings.Replace(string(addml), "<dataset", "<ukjent/><dataset", 1)), 0o644))
	r = runCLI(t, nil, "noark5", "validate", "--schemas", bad)
	assert.Equal(t, 1, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "xmllint: ", "xmllint judged arkivuttrekk.xml against addml.xsd")
	xsd := filepath.Dir(testutil.SharedFile(t, "specs/noark5/xsd/v5.0/arkivstruktur.xsd"))
	r = runCLI(t, nil, "noark5", "validate", filepath.Join(out, "arkivstruktur.xml"), "--schemas="+xsd, "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var rep struct {
		Valid    bool
		Problems []any
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rep))
	assert.True(t, rep.Valid)

	r = runCLI(t, nil, "noark5", "summary", out)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "journalpost              250")
	assert.Contains(t, r.stdout, "datoer")

	// An older-version file: exit 1 with the problems listed, and xmllint's too.
	old := testutil.SharedFile(t, "specs/einnsyn/legacy-eformidling/examples/eksempelfiler/noark5_basiseksempel.xml")
	r = runCLI(t, nil, "noark5", "validate", "--versjon", "5.0", "--schemas", old)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "missing systemID before versjonsnummer [required]")
	assert.Contains(t, r.stdout, "xmllint: ")
	assert.Contains(t, r.stderr, "is not valid")

	// Older extractions: judged by the first version they are valid in, or by the one
	// asked for; invalid in all, by v5.0.
	legacy := filepath.Dir(old)
	r = runCLI(t, nil, "noark5", "validate", filepath.Join(legacy, "noark5_basiseksempel.xml"))
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "is valid (Noark 5 v4.0; the first version it is valid in)")
	r = runCLI(t, nil, "noark5", "validate", "--versjon", "3.1", "--json", filepath.Join(legacy, "3_jpost_allefelter_noark5.xml"))
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, `"versjon": "3.1"`)
	r = runCLI(t, nil, "noark5", "validate", filepath.Join(legacy, "kryssreferanse.xml"))
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Noark 5 v5.0; valid in none of 5.0, 4.0, 3.1")
	r = runCLI(t, nil, "noark5", "validate", "--versjon", "4.0", "--schemas", filepath.Join(legacy, "noark5_basiseksempel.xml"))
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "the module carries the v5.0 XSDs only")
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "validate", "--versjon", "2.0", out).code)

	// A damaged package: exit 1.
	require.NoError(t, os.WriteFile(filepath.Join(out, "dokumenter", "000", "7.pdf"), []byte("x"), 0o644))
	r = runCLI(t, nil, "noark5", "validate", out)
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout, "dokumenter/000/7.pdf: SHA-256 is")

	// Usage and I/O: exit 2.
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "validate").code)
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "validate", filepath.Join(out, "finnes-ikke.xml")).code)
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "validate", "--schemas="+t.TempDir(), filepath.Join(out, "arkivstruktur.xml")).code)
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "validate", "--schemas", t.TempDir(), filepath.Join(out, "arkivstruktur.xml")).code, "two paths")
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "5").code)
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "5", "--out", out).code, "not empty")
	assert.Equal(t, 2, runCLI(t, nil, "noark5", "summary").code)
}

// A failed demo-uttrekk leaves nothing behind that would block the next run; --force
// replaces a package (and only a package).
func TestDemoUttrekkCleansUp(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	out := filepath.Join(root, "pakke")
	r := runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "5", "--out", out, "--schemas", filepath.Join(root, "ingen-xsd"))
	assert.Equal(t, 2, r.code, r.stderr)
	assert.Contains(t, r.stderr, "partial package was removed")
	_, err := os.Stat(out)
	assert.ErrorIs(t, err, os.ErrNotExist)

	r = runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "5", "--out", out)
	require.Equal(t, 0, r.code, r.stderr)
	r = runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "7", "--out", out)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--force")
	r = runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "7", "--out", out, "--force")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "7 registreringer")

	other := filepath.Join(root, "annet")
	require.NoError(t, os.MkdirAll(other, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(other, "viktig.txt"), []byte("x"), 0o600))
	r = runCLI(t, nil, "noark5", "demo-uttrekk", "--registreringer", "5", "--out", other, "--force")
	assert.Equal(t, 2, r.code)
	_, err = os.Stat(filepath.Join(other, "viktig.txt"))
	assert.NoError(t, err, "--force replaces only a package")
}

// demo-uttrekk writes a package in bounded memory: the process's peak RSS stays under
// 100 MiB (measured at 1 000 000 registreringer in BENCHMARKS.md; 20 000 here).
func TestNoark5DemoMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 20 000 records")
	}
	dir := t.TempDir()
	bin := builtCLI(t)
	cmd, cmdPeak := measured(t, bin, "noark5", "demo-uttrekk", "--registreringer", "20000", "--out", filepath.Join(dir, "p"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	peak := cmdPeak()
	t.Logf("demo-uttrekk 20000: peak RSS %d MiB", peak>>20)
	assert.Less(t, peak, int64(100<<20))
	assert.True(t, strings.Contains(string(out), "20000 registreringer"))
	val, valPeak := measured(t, bin, "noark5", "validate", filepath.Join(dir, "p"))
	out, err = val.CombinedOutput()
	require.NoError(t, err, string(out))
	peak = valPeak()
	t.Logf("validate: peak RSS %d MiB", peak>>20)
	assert.Less(t, peak, int64(100<<20))
}
