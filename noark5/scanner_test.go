package noark5_test

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
)

// xsdFor is the official XSD that judges doc, by its root's namespace.
func xsdFor(t testing.TB, doc []byte) string {
	t.Helper()
	if bytes.Contains(doc, []byte(noark5.ADDMLNamespace)) && !bytes.Contains(doc, []byte("noark5/arkivstruktur")) {
		return testutil.SharedFile(t, "specs/noark5/xsd/addml/v8.3/addml.xsd")
	}
	for _, name := range []string{"endringslogg", "loependeJournal", "offentligJournal"} {
		if bytes.Contains(doc, []byte("/standarder/noark5/"+name+"\"")) {
			return testutil.SharedFile(t, "specs/noark5/xsd/v5.0/"+name+".xsd")
		}
	}
	return testutil.SharedFile(t, "specs/noark5/xsd/v5.0/arkivstruktur.xsd")
}

const endringslogg = `<endringslogg xmlns="http://www.arkivverket.no/standarder/noark5/endringslogg"><endring><referanseArkivenhet>3f2504e0-4f89-11d3-9a0c-0305e82c3301</referanseArkivenhet><referanseMetadata>tittel</referanseMetadata><endretDato>2024-01-01T10:00:00Z</endretDato><endretAv>a &amp; b</endretAv><tidligereVerdi><![CDATA[<gammel>]]></tidligereVerdi><nyVerdi>ny</nyVerdi></endring></endringslogg>`

// byteMutants damages doc at the level of characters and markup, where a tokenizer must
// get well-formedness right: markup, references, illegal characters and broken UTF-8
// inserted, bytes deleted or doubled, the document cut short.
func byteMutants(doc []byte, n int, seed uint64) ([]string, [][]byte) {
	r := rand.New(rand.NewPCG(seed, 11))
	ins := []string{"<", ">", "&", "&amp;", "&foo;", "&#0;", "&#x41;", "&#65;", "&#xD800;", "&#1114112;", "&lt;", "&#x;", "]]>", "]]", "<!-- x -- y -->", "<!-- ok -->", "<!-- x --->",
		"<?pi x?>", "<?xml version=\"1.0\"?>", "<?XML x?>", "<?pi?>", "<?p:i x?>", "<![CDATA[x]]>", "<![CDATA[<a>&]]>", "<![CDATA[x", "\x01", "\x00", "\x7f", "\xff", "\xc3", "\xc3\xa9", "\xed\xa0\x80", "\xef\xbf\xbe", "\xef\xbf\xbd",
		"\r", "\r\n", "\"", "'", " ", "=", "/", "<a/>", "</a>", " xmlns:p=\"urn:p\"", " p:x=\"1\"", " xmlns:q=\"\"", " xmlns=\"\"", "<!DOCTYPE x>", "\t", "\u00a0", "<é/>", "<a:b:c/>", "<:a/>", "<a: />", " a=\"1\" a=\"2\"", " a='x\"y'", " b=\"<\"", " c=\"&#10;\"", "<-a/>", "<a.b/>", "<1/>", "x"}
	var labels []string
	var out [][]byte
	for len(out) < n {
		at := r.IntN(len(doc) + 1)
		switch r.IntN(5) {
		case 0, 1, 2:
			s := ins[r.IntN(len(ins))]
			labels = append(labels, fmt.Sprintf("insert %q at %d", s, at))
			out = append(out, concat(doc[:at], []byte(s), doc[at:]))
		case 3:
			k := min(len(doc), at+1+r.IntN(5))
			labels = append(labels, fmt.Sprintf("delete %q at %d", doc[at:k], at))
			out = append(out, concat(doc[:at], doc[k:]))
		case 4:
			if r.IntN(3) == 0 {
				labels = append(labels, fmt.Sprintf("cut at %d", at))
				out = append(out, doc[:at])
			} else {
				k := min(len(doc), at+1+r.IntN(8))
				labels = append(labels, fmt.Sprintf("double %q at %d", doc[at:k], at))
				out = append(out, concat(doc[:k], doc[at:k], doc[k:]))
			}
		}
	}
	return labels, out
}

// The scanner's verdict on damaged markup is xmllint's, on the three kinds of document it
// reads (NOARK5_MUTANTS=N for N of each; 400 by default). Where encoding/xml's Decoder
// (the reference kept for the differential fuzz test) disagrees, the count is logged: those
// are the places it is laxer or stricter than XML 1.0.
func TestScannerAgreesWithXmllint(t *testing.T) {
	per := 400
	if v, err := strconv.Atoi(os.Getenv("NOARK5_MUTANTS")); err == nil && v > 0 {
		per = v
	}
	mal, err := os.ReadFile(testutil.SharedFile(t, "specs/noark5/examples/arkivuttrekk-mal_v5_0.xml"))
	require.NoError(t, err)
	bases := map[string][]byte{
		"arkivstruktur": demoDoc(t, 1, 0),
		"endringslogg":  []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + endringslogg),
		"addml":         mal,
	}
	total, stdDiffers := 0, 0
	for name, base := range bases {
		labels, docs := byteMutants(base, per, uint64(len(name)))
		xsd := xsdFor(t, base)
		lint := lintMany(t, xsd, docs)
		for i, d := range docs {
			rep, err := noark5.Validate(bytes.NewReader(d), nil)
			require.NoError(t, err)
			std, err := noark5.ValidateWithEncodingXML(bytes.NewReader(d), nil)
			require.NoError(t, err)
			if std.Valid() != lint[i] {
				stdDiffers++
			}
			// Read a byte at a time, every token straddles the scanner's buffer: the same
			// report, line for line.
			slow, err := noark5.Validate(iotest.OneByteReader(bytes.NewReader(d)), nil)
			require.NoError(t, err)
			require.Equal(t, rep.Problems, slow.Problems, "%s %s read a byte at a time", name, labels[i])
			if rep.Valid() != lint[i] {
				var probs []string
				for _, p := range rep.Problems {
					probs = append(probs, p.String())
				}
				t.Errorf("%s %s: Validate says valid=%v, xmllint says valid=%v (encoding/xml: %v)\nValidate: %s\n%s", name, labels[i], rep.Valid(), lint[i], std.Valid(),
					firstLines(strings.Join(probs, "\n"), 3), firstLines(testutil.XMLLint(t, xsd, d), 4))
			}
			total++
		}
	}
	t.Logf("%d damaged documents: the scanner's verdict is xmllint's on each; encoding/xml's differs on %d", total, stdDiffers)
}

// FuzzScannerDifferential holds the scanner to encoding/xml's Decoder: the same verdict on
// every input, or, where they differ, the scanner's is xmllint's (XML 1.0 as libxml2
// reads it; encoding/xml is laxer in places: "--" in comments, "]]>" in text, text after
// the root, undeclared prefixes, a misplaced XML declaration).
func FuzzScannerDifferential(f *testing.F) {
	f.Add([]byte(`<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"><systemID>3f2504e0-4f89-11d3-9a0c-0305e82c3301</systemID></arkiv>`))
	f.Add([]byte(`<?xml version="1.0"?><endringslogg xmlns="http://www.arkivverket.no/standarder/noark5/endringslogg"><endring/></endringslogg>`))
	f.Add([]byte(`<addml xmlns="http://www.arkivverket.no/standarder/addml"><dataset><reference/></dataset></addml>`))
	f.Add([]byte(`<description xmlns="http://www.arkivverket.no/standarder/addml">a &amp; &#xe9; <![CDATA[<]]> <!-- c --> <?p i?></description>`))
	lint, lintErr := exec.LookPath("xmllint")
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		rep, err := noark5.Validate(bytes.NewReader(b), &noark5.ValidateOptions{MaxProblems: 20})
		var le *noark5.LimitError
		if err != nil && !assert.ErrorAs(t, err, &le) {
			return
		}
		std, err := noark5.ValidateWithEncodingXML(bytes.NewReader(b), &noark5.ValidateOptions{MaxProblems: 20})
		if err != nil && !assert.ErrorAs(t, err, &le) {
			return
		}
		if rep.Valid() == std.Valid() {
			return
		}
		if lintErr != nil {
			t.Fatalf("scanner valid=%v, encoding/xml valid=%v, and no xmllint to decide", rep.Valid(), std.Valid())
		}
		xsd := xsdFor(t, b)
		p := t.TempDir() + "/d.xml"
		require.NoError(t, os.WriteFile(p, b, 0o600))
		out, err := exec.Command(lint, "--noout", "--nonet", "--schema", xsd, p).CombinedOutput()
		if rep.Valid() != (err == nil) {
			t.Fatalf("scanner valid=%v, encoding/xml valid=%v, xmllint valid=%v: %s\nproblems: %v", rep.Valid(), std.Valid(), err == nil, firstLines(string(out), 4), rep.Problems)
		}
	})
}

// Quirks of libxml2 the scanner shares, since the verdict must be xmllint's.
func TestScannerLibxml2Quirks(t *testing.T) {
	const root = endringslogg
	for _, c := range []struct {
		doc   string
		valid bool
	}{
		{root + "\x00junk<a>", true},           // a NUL after the root ends the document
		{root + " \n\x00", true},               // after whitespace too
		{root + "<!-- c -->\x00", true},        // and after a comment
		{"\x00" + root, false},                 // before the root it is an illegal character
		{root + " junk", false},                // text after the root
		{`<?xml version="1."?>` + root, true},  // "1." alone passes (a warning)
		{`<?xml version="1.1"?>` + root, true}, // as does 1.1
		{`<?xml version="2.0"?>` + root, false},
		{strings.Replace(root, "<endring>", `<endring xmlns:q="">`, 1), true}, // an empty prefix binding is let through
		{strings.Replace(root, "<endretAv>a", "<endretAv>a\u00a0", 1), true},  // U+00A0 in a string is text
		{strings.Replace(root, "<endring>", "<endring>\u00a0", 1), false},     // and not whitespace
		{strings.Replace(root, "<endring>", "<endring><?p:i x?>", 1), true},   // a PI target with a colon passes
	} {
		rep, err := noark5.Validate(strings.NewReader(c.doc), nil)
		require.NoError(t, err)
		assert.Equal(t, c.valid, rep.Valid(), "%q: %v", c.doc, rep.Problems)
		lint := lintMany(t, xsdFor(t, []byte(c.doc)), [][]byte{[]byte(c.doc)})
		assert.Equal(t, c.valid, lint[0], "xmllint on %q", c.doc)
	}
}

// A fatal error inside a refused element is reported once.
func TestFatalErrorReportedOnce(t *testing.T) {
	for _, doc := range []string{
		`<endringslogg xmlns="http://www.arkivverket.no/standarder/noark5/endringslogg"><ukjent><a></b></ukjent></endringslogg>`,
		`<endringslogg xmlns="http://www.arkivverket.no/standarder/noark5/endringslogg"><ukjent><!DOCTYPE x></ukjent></endringslogg>`,
	} {
		for _, validate := range []func(io.Reader, *noark5.ValidateOptions) (*noark5.Report, error){noark5.Validate, noark5.ValidateWithEncodingXML} {
			rep, err := validate(strings.NewReader(doc), nil)
			require.NoError(t, err)
			xml := 0
			for _, p := range rep.Problems {
				if p.Rule == "xml" {
					xml++
				}
			}
			assert.Equal(t, 1, xml, "%s: %v", doc, rep.Problems)
		}
	}
}
