package noark5_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/noark5test"
)

const xsdDir = "specs/noark5/xsd/v5.0"

// xsdOf returns the XSD in dir that judges doc, by its root.
func xsdOf(t *testing.T, dir string, doc []byte) string {
	t.Helper()
	for _, name := range []string{"endringslogg", "loependeJournal", "offentligJournal"} {
		if bytes.Contains(doc, []byte("/standarder/noark5/"+name+"\"")) && bytes.Contains(doc, []byte("<"+name)) {
			return testutil.SharedFile(t, dir+"/"+name+".xsd")
		}
	}
	return testutil.SharedFile(t, dir+"/arkivstruktur.xsd")
}

// agree checks that Validate and xmllint give the same verdict on doc (v5.0).
func agree(t *testing.T, label string, doc []byte) (goValid bool) {
	t.Helper()
	return agreeVersjon(t, "5.0", label, doc)
}

// agreeVersjon checks that Validate with Versjon and xmllint with that version's official
// XSD give the same verdict on doc.
func agreeVersjon(t *testing.T, versjon, label string, doc []byte) (goValid bool) {
	t.Helper()
	rep, err := noark5.Validate(bytes.NewReader(doc), &noark5.ValidateOptions{Versjon: versjon})
	require.NoError(t, err)
	require.Equal(t, versjon, rep.Versjon)
	lint := testutil.XMLLint(t, xsdOf(t, "specs/noark5/xsd/v"+versjon, doc), doc)
	if rep.Valid() != (lint == "") {
		var probs []string
		for _, p := range rep.Problems {
			probs = append(probs, p.String())
		}
		t.Errorf("%s: Validate says valid=%v, xmllint says valid=%v\nxmllint: %s\nValidate: %s", label, rep.Valid(), lint == "", firstLines(lint, 6), strings.Join(probs, "\n"))
	}
	return rep.Valid()
}

func firstLines(s string, n int) string {
	l := strings.Split(s, "\n")
	if len(l) > n {
		l = l[:n]
	}
	return strings.Join(l, "\n")
}

// The Noark 5 files among the shared examples were written for v3.1/v4.0 (their order,
// sakspart, non-UUID systemIDs): v5.0 refuses them, and so does Validate.
func TestValidateAgreesOnOlderVersionExamples(t *testing.T) {
	dir := filepath.Dir(testutil.SharedFile(t, "specs/einnsyn/legacy-eformidling/examples/eksempelfiler/noark5_basiseksempel.xml"))
	var files []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".xml") {
			files = append(files, p)
		}
		return err
	}))
	n := 0
	for _, f := range files {
		doc, err := os.ReadFile(f)
		require.NoError(t, err)
		if !bytes.Contains(doc, []byte("noark5/arkivstruktur")) {
			continue
		}
		n++
		valid := agree(t, filepath.Base(f), doc)
		assert.False(t, valid, "%s is not v5.0", filepath.Base(f))
	}
	assert.GreaterOrEqual(t, n, 10)
}

// Older extractions (v4.0, v3.1) are judged by their own version's content model: on
// every Noark 5 file among the shared examples, and on mutants of the two that are valid,
// the verdict is xmllint's with that version's official XSD.
func TestValidateOlderVersions(t *testing.T) {
	dir := filepath.Dir(testutil.SharedFile(t, "specs/einnsyn/legacy-eformidling/examples/eksempelfiler/noark5_basiseksempel.xml"))
	files, valid := 0, map[string]int{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".xml") {
			return err
		}
		doc, err := os.ReadFile(p)
		require.NoError(t, err)
		if !bytes.Contains(doc, []byte("noark5/arkivstruktur")) {
			return nil
		}
		files++
		for _, v := range []string{"4.0", "3.1"} {
			if agreeVersjon(t, v, v+" "+filepath.Base(p), doc) {
				valid[v]++
			}
		}
		return nil
	}))
	assert.GreaterOrEqual(t, files, 10)
	assert.Equal(t, map[string]int{"4.0": 2, "3.1": 2}, valid, "two of the examples are valid v4.0 and v3.1 (xmllint says so too)")
	// 250 mutants of each (1000 in all) in a normal run; NOARK5_MUTANTS=1000 for 4000.
	per := 250
	if v, err := strconv.Atoi(os.Getenv("NOARK5_MUTANTS")); err == nil && v > 0 {
		per = v
	}
	n, stillValid := 0, 0
	for _, base := range []string{"3_jpost_allefelter_noark5.xml", "noark5_basiseksempel.xml"} {
		doc, err := os.ReadFile(filepath.Join(dir, base))
		require.NoError(t, err)
		for _, v := range []string{"4.0", "3.1"} {
			for i, m := range mutate(doc, per) {
				if agreeVersjon(t, v, fmt.Sprintf("%s %s mutant %d (%s)", v, base, i, m.what), m.doc) {
					stillValid++
				}
				n++
			}
		}
	}
	t.Logf("%d mutants of the v4.0/v3.1 examples (%d still valid): Validate agrees with xmllint on each", n, stillValid)
	assert.Less(t, stillValid, n/2, "most mutants are invalid")
	_, err := noark5.Validate(strings.NewReader("<arkiv/>"), &noark5.ValidateOptions{Versjon: "2.0"})
	assert.ErrorContains(t, err, "5.0, 4.0, 3.1")
}

// Every problem names its line, path and rule.
func TestValidateReportsEveryProblem(t *testing.T) {
	doc := []byte(`<?xml version="1.0"?>
<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <systemID>arkiv-1</systemID>
  <tittel></tittel>
  <opprettetDato>2020-01-01</opprettetDato>
  <opprettetAv>x</opprettetAv>
  <avsluttetDato>2020-01-01T00:00:00Z</avsluttetDato>
  <avsluttetAv>x</avsluttetAv>
  <arkivskaper><arkivskaperID>1</arkivskaperID><arkivskaperNavn>K</arkivskaperNavn></arkivskaper>
  <arkivdel>
    <systemID>3f2504e0-4f89-11d3-9a0c-0305e82c3301</systemID>
    <tittel>d</tittel>
    <arkivdelstatus>Ferdig</arkivdelstatus>
    <opprettetDato>2020-01-01T00:00:00Z</opprettetDato>
    <opprettetAv>x</opprettetAv>
    <avsluttetDato>2020-01-01T00:00:00Z</avsluttetDato>
    <avsluttetAv>x</avsluttetAv>
    <mappe xsi:type="saksmappe" foo="bar">
      <systemID>3f2504e0-4f89-11d3-9a0c-0305e82c3302</systemID>
      <tittel>m</tittel>
    </mappe>
  </arkivdel>
</arkiv>`)
	rep, err := noark5.Validate(bytes.NewReader(doc), nil)
	require.NoError(t, err)
	assert.False(t, rep.Valid())
	var all []string
	for _, p := range rep.Problems {
		all = append(all, p.String())
	}
	joined := strings.Join(all, "\n")
	for _, want := range []string{
		`3: /arkiv/systemID: "arkiv-1" is not a UUID`,
		`4: /arkiv/tittel: tittel must not be empty [empty]`,
		`5: /arkiv/opprettetDato: "2020-01-01" has no time; opprettetDato is an xs:dateTime [dateTime]`,
		`13: /arkiv/arkivdel[1]/arkivdelstatus: "Ferdig" is not a value of arkivdelstatus (M051)`,
		`(warning)`,
		`/arkiv/arkivdel[1]/mappe[1]: attribute foo is not allowed on mappe [attribute]`,
		`/arkiv/arkivdel[1]/mappe[1]/tittel: missing mappeID before tittel [required]`,
		`/arkiv/arkivdel[1]/mappe[1]: missing opprettetDato at the end of mappe [required]`,
	} {
		assert.Contains(t, joined, want)
	}
	assert.Equal(t, 1, rep.Warnings)
	assert.Equal(t, 1, rep.Counts["saksmappe"])
	agree(t, "problems", doc)
}

// A differential test: a valid extraction, mutated in many small ways; for every mutant
// Validate and xmllint must give the same verdict.
func TestValidateAgreesOnMutants(t *testing.T) {
	base := demoDoc(t, 3, 2)
	require.True(t, agree(t, "base", base), "the unmutated document is valid")
	mutants := mutate(base, 800)
	for i, m := range mutants {
		agree(t, fmt.Sprintf("mutant %d (%s)", i, m.what), m.doc)
	}
	// And of a document with every element type of the model (NOARK5_MUTANTS=4000 for
	// 4000 of them).
	full := everything(t)
	per := 400
	if v, err := strconv.Atoi(os.Getenv("NOARK5_MUTANTS")); err == nil && v > 0 {
		per = v
	}
	for i, m := range mutate(full, per) {
		agree(t, fmt.Sprintf("full mutant %d (%s)", i, m.what), m.doc)
	}
}

type mutant struct {
	what string
	doc  []byte
}

var elemRe = regexp.MustCompile(`(?s)<([a-zA-Z]+)(\s[^>]*)?>([^<]*)</([a-zA-Z]+)>`)

// mutate makes n deterministic variations of doc: values replaced by typed garbage, elements
// dropped, duplicated, swapped with their neighbour, emptied, renamed, given attributes.
func mutate(doc []byte, n int) []mutant {
	r := rand.New(rand.NewPCG(1, 2))
	leaves := elemRe.FindAllIndex(doc, -1)
	values := []string{"", " ", "x", "2020-01-01", "2020-01-01T10:00:00", "2020-02-30", "2020-01-01T25:00:00Z", "2020-01-01+01:00",
		"-5", "12", "1.5", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", " 3f2504e0-4f89-11d3-9a0c-0305e82c3301", "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}",
		"Journalført", "ARKIV", "2020-01-01T10:00:00.1234567+14:00", "2020-01-01T24:00:00", "0099-01-01", "+12",
		"2020-1-01", "20200-01-01", "02020-01-01", "-0001-01-01", "2020-02-29", "2019-02-29", "2020-01-01T12:00", "2020-01-01T12:00:00.",
		"2020-01-01T12:00:00Z ", " 2020-01-01", "2020-01-01T24:00:00.000", "2020-01-01+14:01", "2020-01-01-05:00", "0000-01-01", "007", "1 2"}
	var out []mutant
	for len(out) < n {
		i := r.IntN(len(leaves))
		lo, hi := leaves[i][0], leaves[i][1]
		m := elemRe.FindSubmatch(doc[lo:hi])
		name := string(m[1])
		var repl, what string
		if r.IntN(8) == 0 {
			// Structure: xsi:type swapped or prefixed, stray text, attributes on containers.
			swaps := [][2]string{{`xsi:type="journalpost"`, `xsi:type="arkivnotat"`}, {`xsi:type="journalpost"`, `xsi:type="moeteregistrering"`},
				{`xsi:type="saksmappe"`, `xsi:type="mappe"`}, {`xsi:type="saksmappe"`, `xsi:type="moetemappe"`}, {`xsi:type="saksmappe"`, `xsi:type="xsi:saksmappe"`},
				{`xsi:type="journalpost"`, `xsi:type="klasse"`}, {`<registrering xsi:type="journalpost">`, `<registrering xsi:type="journalpost">tekst`},
				{`<klasse>`, `<klasse id="1">`}, {`<registrering `, `<registrering xml:lang="no" `}, {`xsi:type="journalpost"`, `xsi:type="registrering"`},
				{`xsi:type="saksmappe"`, `xmlns:a="http://www.arkivverket.no/standarder/noark5/arkivstruktur" xsi:type="a:saksmappe"`}}
			sw := swaps[r.IntN(len(swaps))]
			k := bytes.Count(doc, []byte(sw[0]))
			if k == 0 {
				continue
			}
			nth := r.IntN(k)
			idx := 0
			for range nth + 1 {
				j := bytes.Index(doc[idx:], []byte(sw[0]))
				idx += j + 1
			}
			idx--
			out = append(out, mutant{sw[0] + " -> " + sw[1], concat(doc[:idx], []byte(sw[1]), doc[idx+len(sw[0]):])})
			continue
		}
		switch r.IntN(7) {
		case 0, 1:
			v := values[r.IntN(len(values))]
			repl, what = fmt.Sprintf("<%s>%s</%s>", name, v, name), fmt.Sprintf("%s=%q", name, v)
		case 2:
			repl, what = "", "drop "+name
		case 3:
			repl, what = string(doc[lo:hi])+string(doc[lo:hi]), "twice "+name
		case 4:
			if i+1 < len(leaves) {
				lo2, hi2 := leaves[i+1][0], leaves[i+1][1]
				between := string(doc[hi:lo2])
				if strings.TrimSpace(between) == "" {
					out = append(out, mutant{"swap " + name, concat(doc[:lo], doc[lo2:hi2], []byte(between), doc[lo:hi], doc[hi2:])})
				}
			}
			continue
		case 5:
			repl, what = fmt.Sprintf(`<%s label="l">%s</%s>`, name, m[3], name), "label on "+name
		case 6:
			repl, what = fmt.Sprintf("<%sX>%s</%sX>", name, m[3], name), "rename "+name
		}
		out = append(out, mutant{what, concat(doc[:lo], []byte(repl), doc[hi:])})
	}
	return out
}

func concat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestValidateHostileInput(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur">&lol2;</arkiv>`
	rep, err := noark5.Validate(strings.NewReader(laughs), nil)
	require.NoError(t, err)
	assert.False(t, rep.Valid())
	assert.Equal(t, "xml", rep.Problems[0].Rule)

	deep := `<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"><virksomhetsspesifikkeMetadata>` + strings.Repeat("<a>", 100000)
	rep, err = noark5.Validate(strings.NewReader(deep), nil)
	require.ErrorIs(t, err, noark5.ErrTooDeep)
	assert.False(t, rep.Valid())

	huge := strings.NewReader(`<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur" a="` + strings.Repeat("a", 4<<20) + `"/>`)
	rep, err = noark5.Validate(huge, &noark5.ValidateOptions{MaxTokenBytes: 1 << 20})
	require.ErrorIs(t, err, noark5.ErrTokenTooLarge)
	assert.False(t, rep.Valid())

	rep, err = noark5.Validate(strings.NewReader(`<arkiv xmlns="urn:other"/>`), nil)
	require.NoError(t, err)
	assert.Equal(t, "root", rep.Problems[0].Rule)
}

func FuzzValidate(f *testing.F) {
	f.Add([]byte(`<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"><systemID>3f2504e0-4f89-11d3-9a0c-0305e82c3301</systemID></arkiv>`))
	f.Add([]byte(`<endringslogg xmlns="http://www.arkivverket.no/standarder/noark5/endringslogg"><endring/></endringslogg>`))
	f.Add([]byte(`<addml xmlns="http://www.arkivverket.no/standarder/addml" name="a"><dataset><flatFiles><flatFile name="f" definitionReference="d"/>` +
		`<flatFileDefinitions><flatFileDefinition name="d"><recordDefinitions><recordDefinition name="r"><keys><key><primaryKey/>` +
		`<fieldDefinitionReferences><fieldDefinitionReference name="x"/><fieldDefinitionReference name="x"/></fieldDefinitionReferences></key></keys>` +
		`<fieldDefinitions><fieldDefinition name="x" typeReference="t"><fixedLength> 3 </fixedLength><trimmed> </trimmed></fieldDefinition></fieldDefinitions>` +
		`</recordDefinition></recordDefinitions></flatFileDefinition></flatFileDefinitions></flatFiles></dataset></addml>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := noark5.Validate(bytes.NewReader(b), &noark5.ValidateOptions{MaxProblems: 50})
		var le *noark5.LimitError
		if err != nil && !errors.As(err, &le) {
			t.Fatal(err)
		}
		if le != nil && rep.Valid() {
			t.Fatal("stopped at a limit but valid")
		}
		if len(rep.Problems) > 50 {
			t.Fatal("MaxProblems not honoured")
		}
		if rep.Valid() && len(b) == 0 {
			t.Fatal("empty input is not valid")
		}
	})
}

// demoDoc is a synthetic extraction of about n journalposter written by the Writer.
func demoDoc(t *testing.T, n, _ int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := noark5.NewWriter(&buf, &noark5.WriterOptions{Indent: true})
	require.NoError(t, noark5test.Write(w, noark5test.Options{Registreringer: n, Dokumenter: true}))
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// An identity number where a systemID belongs is masked in the report.
func TestValidateMasksIdentityNumbers(t *testing.T) {
	doc := regexp.MustCompile(`<systemID>[^<]*</systemID>`).ReplaceAllString(string(demoDoc(t, 1, 0)), "<systemID>13097248022</systemID>")
	rep, err := noark5.Validate(strings.NewReader(doc), nil)
	require.NoError(t, err)
	require.False(t, rep.Valid())
	for _, p := range rep.Problems {
		assert.NotContains(t, p.String(), "13097248022")
	}
	assert.Contains(t, rep.Problems[0].Message, "130972*****")
}

// Whitespace around dates, times and integers is judged as xmllint (libxml2) judges it.
func TestValidateWhitespaceAsXmllint(t *testing.T) {
	base := string(everything(t))
	for _, v := range []string{"2024-05-02T10:30:00+02:00 ", "2024-05-02T10:30:00+02:00\n", " 2024-05-02T10:30:00+02:00", "2024-05-02T10:30:00Z ", "2024-05-02T10:30:00 ", "2024-05-02T10:30:00.5 "} {
		agree(t, v, []byte(strings.Replace(base, "<arkivertDato>2024-05-02T10:30:00+02:00</arkivertDato>", "<arkivertDato>"+v+"</arkivertDato>", 1)))
	}
	for _, v := range []string{"2024-05-02 ", "2024-05-02Z ", "2024-05-02+01:00 ", " 2024-05-02", "\n2024-05-02\n"} {
		agree(t, v, []byte(strings.Replace(base, "<journaldato>2024-05-02</journaldato>", "<journaldato>"+v+"</journaldato>", 1)))
	}
	for _, v := range []string{" 2024", "2024 ", "\n2024\n"} {
		agree(t, v, []byte(strings.Replace(base, "<journalaar>2024</journalaar>", "<journalaar>"+v+"</journalaar>", 1)))
	}
}
