package skjemaer_test

import (
	"bufio"
	"crypto/sha1"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5/skjemaer"
)

func TestMain(m *testing.M) { testutil.Run(m) }

// gitBlob is the id git gives a file's content.
func gitBlob(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// embedded lists every embedded schema by its path in SOURCES.md.
func embedded(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for dir, fsys := range map[string]fs.FS{"v5.0": skjemaer.V50(), "addml/v8.3": skjemaer.ADDML(), "addml/v8.2": skjemaer.ADDML82()} {
		names := []string{"addml.xsd"}
		if dir == "v5.0" {
			names = skjemaer.V50Filer
		}
		for _, name := range names {
			b, err := fs.ReadFile(fsys, name)
			require.NoError(t, err)
			out[path.Join(dir, name)] = b
		}
	}
	return out
}

// Every embedded schema has the git blob id of the upstream file that SOURCES.md gives,
// and SOURCES.md lists nothing else.
func TestEmbeddedSchemasMatchSources(t *testing.T) {
	sources, err := os.ReadFile("SOURCES.md")
	require.NoError(t, err)
	row := regexp.MustCompile("^\\| `([^`]+)` \\| `[^`]+` \\| `[0-9a-f]{40}` \\| `([0-9a-f]{40})` \\|$")
	listed := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(string(sources)))
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			listed[m[1]] = m[2]
		}
	}
	files := embedded(t)
	require.Len(t, listed, len(files), "SOURCES.md rows")
	for p, b := range files {
		require.Contains(t, listed, p, "SOURCES.md names %s", p)
		assert.Equal(t, listed[p], gitBlob(b), "%s: not the upstream blob", p)
	}
	assert.Contains(t, string(files["v5.0/arkivstruktur.xsd"]), "\r\n", "upstream's CRLF line endings are kept")
}

// Every embedded schema is byte-identical to the copy in ../shared/specs.
func TestEmbeddedSchemasMatchShared(t *testing.T) {
	for p, b := range embedded(t) {
		want, err := os.ReadFile(testutil.SharedFile(t, path.Join("specs/noark5/xsd", p)))
		require.NoError(t, err)
		assert.Equal(t, want, b, "%s differs from ../shared/specs", p)
	}
}
