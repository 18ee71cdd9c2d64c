package navschema_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/digisos/internal/navschema"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// NAV's own schema test files (testdata/nav, from navikt/soknadsosialhjelp-filformat
// src/test/resources/json at the schemas' commit) get the verdict NAV's tests
// (DigisosSokerTest, SoknadTest, VedleggTest, TypesTest) expect: feil-* and
// ikkegyldig_* refused, the rest accepted, each against the schema NAV picks for it.
func TestNAVTestFiles(t *testing.T) {
	const root = "../../testdata/nav"
	var files []testutil.NAVTestFile
	files = append(files, testutil.NAVTestFiles(t, root, "digisos/soker", "digisos-soker.json")...)
	files = append(files, testutil.NAVTestFiles(t, root, "soknad", "soknad.json")...)
	files = append(files, testutil.NAVTestFiles(t, root, "vedlegg", "vedleggSpesifikasjon.json")...)
	files = append(files, testutil.NAVTestFiles(t, root, "types", "")...)
	invalid := 0
	for _, f := range files {
		b, err := os.ReadFile(f.Path)
		require.NoError(t, err)
		err = navschema.Validate(f.Schema, f.Name, b)
		if f.Valid {
			assert.NoError(t, err, "%s against %s", f.Name, f.Schema)
			continue
		}
		invalid++
		var se *navschema.SchemaError
		if assert.ErrorAs(t, err, &se, "%s against %s: NAV refuses it", f.Name, f.Schema) {
			assert.ErrorIs(t, err, httpx.ErrInvalidInput)
			assert.NotEmpty(t, se.Problems)
		}
	}
	t.Logf("%d files, %d refused as NAV's tests expect", len(files), invalid)
	assert.Len(t, files, 102)
}
