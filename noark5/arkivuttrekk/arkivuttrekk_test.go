package arkivuttrekk_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/arkivuttrekk"
	"github.com/fellesklient/fellesklient/noark5/noark5test"
	"github.com/fellesklient/fellesklient/noark5/skjemaer"
)

func sharedSkjemaer(t *testing.T) string {
	return filepath.Dir(testutil.SharedFile(t, "specs/noark5/xsd/v5.0/arkivstruktur.xsd"))
}

func TestDemoPackageValidates(t *testing.T) {
	xsd := sharedSkjemaer(t)
	dir := filepath.Join(t.TempDir(), "avlevering")
	res, err := noark5test.Uttrekk(context.Background(), dir, 120, &noark5test.UttrekkOptions{Skjemaer: os.DirFS(xsd)})
	require.NoError(t, err)
	assert.Equal(t, 120, res.Registreringer)
	assert.Equal(t, 120, res.Dokumentfiler)
	assert.Equal(t, 120, res.Journalregistreringer)
	assert.Equal(t, 3, res.Endringer)

	// Every XML file validates with xmllint against the official schemas.
	for _, f := range []string{"arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"} {
		doc, err := os.ReadFile(filepath.Join(dir, f+".xml"))
		require.NoError(t, err)
		assert.Empty(t, testutil.XMLLint(t, filepath.Join(xsd, f+".xsd"), doc), f)
	}
	addml, err := os.ReadFile(filepath.Join(dir, "arkivuttrekk.xml"))
	require.NoError(t, err)
	assert.Empty(t, testutil.XMLLint(t, testutil.SharedFile(t, "specs/noark5/xsd/addml/v8.3/addml.xsd"), addml))
	assert.Empty(t, testutil.XMLLint(t, testutil.SharedFile(t, "specs/noark5/xsd/addml/v8.2/addml.xsd"), addml))

	// The package check agrees.
	rep, err := arkivuttrekk.Check(context.Background(), dir, nil)
	require.NoError(t, err)
	assert.True(t, rep.Valid(), "%v", rep.Problems)
	assert.Zero(t, rep.Warnings, "%v", rep.Problems)

	// The XSDs are the official ones, byte for byte.
	for _, f := range arkivuttrekk.Skjemafiler {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(xsd, f))
		assert.Equal(t, b, a, f)
	}
}

// A package without the XSDs its arkivuttrekk.xml names is not a clean "valid": Check
// warns of each absent schema.
func TestCheckWarnsOfAbsentSchemas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "uten")
	_, err := noark5test.Uttrekk(context.Background(), dir, 5, &noark5test.UttrekkOptions{UtenSkjemaer: true})
	require.NoError(t, err)
	rep, err := arkivuttrekk.Check(context.Background(), dir, nil)
	require.NoError(t, err)
	assert.True(t, rep.Valid())
	var absent []string
	for _, p := range rep.Problems {
		if p.Severity == noark5.SeverityWarning && strings.Contains(p.Message, "does not hold it") {
			absent = append(absent, p.File)
		}
	}
	assert.Equal(t, []string{"arkivstruktur.xsd", "endringslogg.xsd", "loependeJournal.xsd", "metadatakatalog.xsd", "offentligJournal.xsd"}, absent)
}

// arkivuttrekk.xml has the structure of Arkivverket's template: the same elements and
// named properties in the same order; only the values differ.
func TestADDMLFollowsTheTemplate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	_, err := noark5test.Uttrekk(context.Background(), dir, 5, nil)
	require.NoError(t, err)
	skeleton := func(file string) []string {
		doc := etree.NewDocument()
		require.NoError(t, doc.ReadFromFile(file))
		var out []string
		var walk func(e *etree.Element, path string)
		walk = func(e *etree.Element, path string) {
			p := path + "/" + e.Tag
			if n := e.SelectAttrValue("name", ""); n != "" && e.Tag != "addml" && e.Tag != "dataObject" {
				p += "[" + n + "]"
			}
			if e.Tag == "dataObject" {
				p += "[" + e.SelectAttrValue("name", "") + "]"
			}
			out = append(out, p)
			for _, c := range e.ChildElements() {
				walk(c, p)
			}
		}
		walk(doc.Root(), "")
		return out
	}
	mal := skeleton(testutil.SharedFile(t, "specs/noark5/examples/arkivuttrekk-mal_v5_0.xml"))
	ours := skeleton(filepath.Join(dir, "arkivuttrekk.xml"))
	// The template has one recordCreator, the demo one too.
	assert.Equal(t, mal, ours)
}

func TestCheckFindsDamage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	_, err := noark5test.Uttrekk(context.Background(), dir, 30, nil)
	require.NoError(t, err)
	// A document changed after the extraction, one deleted, the structure edited.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dokumenter", "000", "3.pdf"), []byte("endret"), 0o644))
	require.NoError(t, os.Remove(filepath.Join(dir, "dokumenter", "000", "4.pdf")))
	s, err := os.ReadFile(filepath.Join(dir, "endringslogg.xml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "endringslogg.xml"), []byte(strings.Replace(string(s), "Arkivert", "Arkivert!", 1)), 0o644))
	rep, err := arkivuttrekk.Check(context.Background(), dir, nil)
	require.NoError(t, err)
	assert.False(t, rep.Valid())
	var all []string
	for _, p := range rep.Problems {
		all = append(all, p.String())
	}
	joined := strings.Join(all, "\n")
	assert.Contains(t, joined, "dokumenter/000/3.pdf: SHA-256 is")
	assert.Contains(t, joined, "dokumenter/000/3.pdf: the file has 6 bytes")
	assert.Contains(t, joined, "dokumenter/000/4.pdf: the file is missing")
	assert.Contains(t, joined, "endringslogg.xml: /: SHA-256 is")
}

func TestNewRefuses(t *testing.T) {
	// Schemas given instead of the embedded ones must be the complete v5.0 set.
	_, err := arkivuttrekk.New(arkivuttrekk.Options{Dir: filepath.Join(t.TempDir(), "a"), Skjemaer: fstest.MapFS{}})
	require.ErrorIs(t, err, arkivuttrekk.ErrInvalid)
	v40 := fstest.MapFS{}
	for _, f := range arkivuttrekk.Skjemafiler {
		v40[f] = &fstest.MapFile{Data: []byte(`<xs:schema version="4.0"/>`)}
	}
	_, err = arkivuttrekk.New(arkivuttrekk.Options{Dir: filepath.Join(t.TempDir(), "b"), Skjemaer: v40})
	require.ErrorIs(t, err, arkivuttrekk.ErrInvalid)
	require.ErrorContains(t, err, "not version 5.0")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x"), nil, 0o644))
	_, err = arkivuttrekk.New(arkivuttrekk.Options{Dir: dir})
	require.ErrorIs(t, err, arkivuttrekk.ErrInvalid)

	// A document path that leaves the package is refused.
	u, err := arkivuttrekk.New(arkivuttrekk.Options{Dir: filepath.Join(t.TempDir(), "p")})
	require.NoError(t, err)
	t0 := noark5.Tid(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	require.NoError(t, u.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}, Tittel: "A", OpprettetDato: t0,
		OpprettetAv: "x", AvsluttetDato: t0, AvsluttetAv: "x", Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "1", ArkivskaperNavn: "K"}}}))
	require.NoError(t, u.StartArkivdel(&noark5.Arkivdel{SystemID: noark5.SystemID{ID: "3f2504e0-4f89-11d3-9a0c-0305e82c3302"}, Tittel: "D",
		Arkivdelstatus: "Avsluttet periode", OpprettetDato: t0, OpprettetAv: "x", AvsluttetDato: t0, AvsluttetAv: "x"}))
	r := &noark5.Registrering{SystemID: noark5.SystemID{ID: "3f2504e0-4f89-11d3-9a0c-0305e82c3303"}, OpprettetDato: t0, OpprettetAv: "x",
		ArkivertDato: t0, ArkivertAv: "x", Tittel: "R", Dokumentbeskrivelse: []noark5.Dokumentbeskrivelse{{SystemID: noark5.SystemID{ID: "3f2504e0-4f89-11d3-9a0c-0305e82c3304"},
			Dokumenttype: "Brev", Dokumentstatus: "Dokumentet er ferdigstilt", Tittel: "B", OpprettetDato: t0, OpprettetAv: "x",
			TilknyttetRegistreringSom: "Hoveddokument", Dokumentnummer: 1, TilknyttetDato: t0, TilknyttetAv: "x",
			Dokumentobjekt: []noark5.Dokumentobjekt{{SystemID: noark5.SystemID{ID: "3f2504e0-4f89-11d3-9a0c-0305e82c3305"}, Versjonsnummer: 1,
				Variantformat: "Arkivformat", Format: "PDF", OpprettetDato: t0, OpprettetAv: "x", ReferanseDokumentfil: "../../etc/passwd"}}}}}
	err = u.Registrering(r)
	require.ErrorIs(t, err, arkivuttrekk.ErrInvalid)
	require.ErrorContains(t, err, "a clean path inside the package")
	_, err = u.Close()
	require.Error(t, err, "an extraction with no endring cannot be closed")
}

// The writer and Check report progress (registreringer written, bytes read) and stop
// when their context ends.
func TestProgressAndCancel(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "avlevering")
	var written []int64
	res, err := noark5test.Uttrekk(context.Background(), dir, 300, &noark5test.UttrekkOptions{OnProgress: func(n int64) { written = append(written, n) }})
	require.NoError(t, err)
	require.Len(t, written, res.Registreringer)
	for i, n := range written {
		require.EqualValues(t, i+1, n)
	}

	// Check reads every XML file and every document once: the last report is their sum.
	var want int64
	for _, f := range []string{"arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml", "loependeJournal.xml", "offentligJournal.xml"} {
		st, err := os.Stat(filepath.Join(dir, f))
		require.NoError(t, err)
		want += st.Size()
	}
	require.NoError(t, filepath.WalkDir(filepath.Join(dir, "dokumenter"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			want += info.Size()
		}
		return err
	}))
	var last int64
	calls := 0
	rep, err := arkivuttrekk.Check(context.Background(), dir, &arkivuttrekk.CheckOptions{OnProgress: func(n int64) {
		require.GreaterOrEqual(t, n, last)
		last = n
		calls++
	}})
	require.NoError(t, err)
	require.Zero(t, rep.Errors, "%v", rep.Problems)
	assert.Equal(t, want, last)
	assert.Greater(t, calls, 4)

	// Cancelled half-way, each returns the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	_, err = noark5test.Uttrekk(ctx, filepath.Join(t.TempDir(), "halv"), 300, &noark5test.UttrekkOptions{OnProgress: func(n int64) {
		if n == 100 {
			cancel()
		}
	}})
	assert.ErrorIs(t, err, context.Canceled)
	ctx, cancel = context.WithCancel(context.Background())
	_, err = arkivuttrekk.Check(ctx, dir, &arkivuttrekk.CheckOptions{OnProgress: func(n int64) {
		if n > want/2 {
			cancel()
		}
	}})
	assert.ErrorIs(t, err, context.Canceled)
	_, err = arkivuttrekk.Check(ctx, dir, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

// With no options a package carries the official schemas the module embeds (and
// addml.xsd), and every file in it validates with xmllint against the XSDs inside it:
// ready for deposit without ../shared or a --schemas folder.
func TestDefaultPackageCarriesOfficialSchemas(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "avlevering")
	_, err := noark5test.Uttrekk(context.Background(), dir, 40, nil)
	require.NoError(t, err)
	for _, f := range arkivuttrekk.Skjemafiler {
		got, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		want, err := fs.ReadFile(skjemaer.V50(), f)
		require.NoError(t, err)
		assert.Equal(t, want, got, f)
	}
	for xml, xsd := range map[string]string{"arkivstruktur.xml": "arkivstruktur.xsd", "endringslogg.xml": "endringslogg.xsd",
		"loependeJournal.xml": "loependeJournal.xsd", "offentligJournal.xml": "offentligJournal.xsd", "arkivuttrekk.xml": "addml.xsd"} {
		doc, err := os.ReadFile(filepath.Join(dir, xml))
		require.NoError(t, err)
		assert.Empty(t, testutil.XMLLint(t, filepath.Join(dir, xsd), doc), xml)
	}
	rep, err := arkivuttrekk.Check(context.Background(), dir, nil)
	require.NoError(t, err)
	assert.True(t, rep.Valid(), "%v", rep.Problems)
	assert.Zero(t, rep.Warnings, "%v", rep.Problems)
}

// A package that carries the v4.0 arkivstruktur.xsd is judged as v4.0; CheckOptions.Versjon
// overrides what the package says.
func TestCheckJudgesByTheVersionThePackageCarries(t *testing.T) {
	ex := testutil.SharedFile(t, "specs/einnsyn/legacy-eformidling/examples/eksempelfiler/noark5_basiseksempel.xml")
	xsd := testutil.SharedFile(t, "specs/noark5/xsd/v4.0/arkivstruktur.xsd")
	dir := t.TempDir()
	for src, dst := range map[string]string{ex: "arkivstruktur.xml", xsd: "arkivstruktur.xsd"} {
		b, err := os.ReadFile(src)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, dst), b, 0o644))
	}
	b, _ := os.ReadFile(xsd)
	assert.Equal(t, "4.0", arkivuttrekk.SkjemaVersjon(b))
	v50, _ := fs.ReadFile(skjemaer.V50(), "arkivstruktur.xsd")
	assert.Equal(t, "5.0", arkivuttrekk.SkjemaVersjon(v50))
	assert.Equal(t, "", arkivuttrekk.SkjemaVersjon([]byte("<xs:schema/>")))

	rep, err := arkivuttrekk.Check(context.Background(), dir, nil)
	require.NoError(t, err)
	// The example's documents are not in the folder; every other problem is of content.
	content := func(r *arkivuttrekk.Report) []string {
		var out []string
		for _, p := range r.Filer["arkivstruktur.xml"].Problems {
			if p.Rule != "file" {
				out = append(out, p.String())
			}
		}
		return out
	}
	assert.Equal(t, "4.0", rep.Versjon)
	assert.Empty(t, content(rep), "valid v4.0")
	rep, err = arkivuttrekk.Check(context.Background(), dir, &arkivuttrekk.CheckOptions{Versjon: "5.0"})
	require.NoError(t, err)
	assert.Equal(t, "5.0", rep.Versjon)
	assert.NotEmpty(t, content(rep), "not a v5.0 file")
}

// arkivuttrekk.xml is validated against ADDML as well, by the version of the addml.xsd the
// package carries; a checksum it gives in another algorithm than SHA-256 is an error, one
// without its algorithm a warning.
func TestCheckValidatesArkivuttrekk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	_, err := noark5test.Uttrekk(context.Background(), dir, 5, nil)
	require.NoError(t, err)
	rep, err := arkivuttrekk.Check(context.Background(), dir, nil)
	require.NoError(t, err)
	require.True(t, rep.Valid(), "%v", rep.Problems)
	assert.Equal(t, "8.3", rep.ADDMLVersjon)
	require.NotNil(t, rep.Filer["arkivuttrekk.xml"])
	assert.Equal(t, "addml", rep.Filer["arkivuttrekk.xml"].Schema)
	assert.Greater(t, rep.Filer["arkivuttrekk.xml"].Counts["property"], 50)

	path := filepath.Join(dir, "arkivuttrekk.xml")
	orig, err := os.ReadFile(path)
	require.NoError(t, err)
	edit := func(old, new string) {
		t.Helper()
		require.Contains(t, string(orig), old)
		require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(orig), old, new, 1)), 0o644))
	}
	problems := func(o *arkivuttrekk.CheckOptions) (*arkivuttrekk.Report, string) {
		t.Helper()
		rep, err := arkivuttrekk.Check(context.Background(), dir, o)
		require.NoError(t, err)
		var all []string
		for _, p := range rep.Problems {
			all = append(all, p.String())
		}
		return rep, strings.Join(all, "\n")
	}

	// A property without its required name is an ADDML error in arkivuttrekk.xml.
	edit(`<property name="type">`, `<property>`)
	rep, all := problems(nil)
	assert.False(t, rep.Valid())
	assert.Contains(t, all, "arkivuttrekk.xml:")
	assert.Contains(t, all, "attribute name is required on property [required]")

	// v8.2 requires dataset/reference; the package's addml.xsd says which version judges.
	noRef := regexp.MustCompile(`(?s)<reference>.*</reference>`).ReplaceAllString(string(orig), "")
	require.NoError(t, os.WriteFile(path, []byte(noRef), 0o644))
	rep, _ = problems(nil)
	assert.True(t, rep.Valid(), "v8.3 lets dataset/reference out: %v", rep.Problems)
	v82, err := fs.ReadFile(skjemaer.ADDML82(), "addml.xsd")
	require.NoError(t, err)
	assert.Equal(t, "8.2", arkivuttrekk.ADDMLSkjemaVersjon(v82))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "addml.xsd"), v82, 0o644))
	rep, all = problems(nil)
	assert.Equal(t, "8.2", rep.ADDMLVersjon)
	assert.False(t, rep.Valid())
	assert.Contains(t, all, "missing reference")
	rep, _ = problems(&arkivuttrekk.CheckOptions{ADDMLVersjon: "8.3"})
	assert.Equal(t, "8.3", rep.ADDMLVersjon)

	// Checksum algorithms.
	v83, err := fs.ReadFile(skjemaer.ADDML(), "addml.xsd")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "addml.xsd"), v83, 0o644))
	alg := regexp.MustCompile(`(?s)(<property name="algorithm">\s*<value>)SHA-256(</value>)`)
	require.NoError(t, os.WriteFile(path, []byte(alg.ReplaceAllString(string(orig), "${1}MD5${2}")), 0o644))
	rep, all = problems(nil)
	assert.False(t, rep.Valid())
	assert.Contains(t, all, `arkivstruktur.xml: /: arkivuttrekk.xml gives this file's checksum in "MD5", which cannot be checked`)
	noAlg := regexp.MustCompile(`(?s)<property name="algorithm">\s*<value>SHA-256</value>\s*</property>`)
	require.NoError(t, os.WriteFile(path, []byte(noAlg.ReplaceAllString(string(orig), "")), 0o644))
	rep, all = problems(nil)
	assert.True(t, rep.Valid(), "%v", rep.Problems)
	assert.Contains(t, all, "without its algorithm; it is checked as SHA-256 [checksum] (warning)")
}
