package xmlscan_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/noark5/internal/xmlscan"
)

const doc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n<!-- før -->\n<?pi data?>\n" +
	`<a:rot xmlns:a="urn:a" xmlns="urn:d" xml:lang="nb" a:x='1 &amp; 2' y="tab	and` + "\r\n" + `line">` + "\n" +
	"  <barn>tekst &lt;&gt;&apos;&quot; &#xE6;&#248; æøå\r\nlinje\rlinje</barn>\n" +
	`  <barn xmlns="">tom<![CDATA[<ikke> &amp; tag]]></barn>` + "\n" +
	`  <a:tom/><tom2 b="x" />` + "\n" +
	"</a:rot>\n<!-- etter -->\n"

type tok struct {
	kind  string
	name  xml.Name
	attrs string
	text  string
	line  int
}

// stdTokens is what encoding/xml makes of doc, in the scanner's terms: names resolved,
// attribute values normalized as XML 1.0 says (encoding/xml keeps tabs and newlines),
// comments and PIs dropped, adjacent text joined, whitespace outside the root dropped.
func stdTokens(t *testing.T, in string) []tok {
	d := xml.NewDecoder(strings.NewReader(in))
	var out []tok
	depth := 0
	for {
		x, err := d.Token()
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		switch x := x.(type) {
		case xml.StartElement:
			var as []string
			for _, a := range x.Attr {
				v := strings.NewReplacer("\t", " ", "\n", " ").Replace(a.Value)
				as = append(as, fmt.Sprintf("{%s}%s=%q", a.Name.Space, a.Name.Local, v))
			}
			out = append(out, tok{kind: "start", name: x.Name, attrs: strings.Join(as, " ")})
			depth++
		case xml.EndElement:
			out = append(out, tok{kind: "end", name: x.Name})
			depth--
		case xml.CharData:
			if depth == 0 {
				continue
			}
			if n := len(out); n > 0 && out[n-1].kind == "text" {
				out[n-1].text += string(x)
				continue
			}
			out = append(out, tok{kind: "text", text: string(x)})
		}
	}
}

func scanTokens(t *testing.T, r io.Reader, max int) ([]tok, error) {
	s := xmlscan.New(r, max)
	var out []tok
	for {
		k, err := s.Next()
		if err != nil {
			return out, err
		}
		switch k {
		case xmlscan.EOF:
			return out, nil
		case xmlscan.Start:
			var as []string
			for _, a := range s.Attr {
				as = append(as, fmt.Sprintf("{%s}%s=%q", a.Name.Space, a.Name.Local, a.Value))
			}
			out = append(out, tok{kind: "start", name: s.Name, attrs: strings.Join(as, " "), line: s.Line()})
		case xmlscan.End:
			out = append(out, tok{kind: "end", name: s.Name, line: s.Line()})
		case xmlscan.Text:
			if n := len(out); n > 0 && out[n-1].kind == "text" {
				out[n-1].text += string(s.Text)
				continue
			}
			out = append(out, tok{kind: "text", text: string(s.Text), line: s.Line()})
		default:
			return out, errors.New("a directive")
		}
	}
}

// The scanner's tokens are encoding/xml's, whatever the reads: whole, a byte at a time, or
// in halves; and its lines count as an editor does.
func TestTokensAsEncodingXML(t *testing.T) {
	want := stdTokens(t, doc)
	for name, r := range map[string]func() io.Reader{
		"whole":    func() io.Reader { return strings.NewReader(doc) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(doc)) },
		"halves":   func() io.Reader { return iotest.HalfReader(strings.NewReader(doc)) },
	} {
		got, err := scanTokens(t, r(), 1<<20)
		require.NoError(t, err, name)
		require.Len(t, got, len(want), name)
		for i := range want {
			w, g := want[i], got[i]
			assert.Equal(t, w.kind, g.kind, "%s %d", name, i)
			assert.Equal(t, w.name, g.name, "%s %d", name, i)
			assert.Equal(t, w.attrs, g.attrs, "%s %d", name, i)
			assert.Equal(t, w.text, g.text, "%s %d", name, i)
		}
		// The root's start tag ends on line 5; the last end tag on line 10 (a lone CR is not counted).
		assert.Equal(t, 5, got[0].line, name)
		assert.Equal(t, 10, got[len(got)-1].line, name)
	}
}

// Large documents cross the 256 KiB buffer many times; text past the token limit stops
// the scanner with ErrTokenTooLarge, and a read error comes back as it is.
func TestBuffersAndLimits(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`<r xmlns="urn:x">`)
	for i := range 50000 {
		fmt.Fprintf(&b, "<e n=\"%d\">verdi %d &amp; mer</e>\n", i, i)
	}
	b.WriteString("</r>")
	got, err := scanTokens(t, iotest.HalfReader(bytes.NewReader(b.Bytes())), 1<<20)
	require.NoError(t, err)
	assert.Len(t, got, 2+50000*4)
	assert.Equal(t, 50001, got[len(got)-1].line)

	_, err = scanTokens(t, strings.NewReader(`<r>`+strings.Repeat("x", 3<<20)+`</r>`), 1<<20)
	assert.ErrorIs(t, err, xmlscan.ErrTokenTooLarge)
	_, err = scanTokens(t, strings.NewReader(`<r a="`+strings.Repeat("x", 3<<20)+`"/>`), 1<<20)
	assert.ErrorIs(t, err, xmlscan.ErrTokenTooLarge)
	_, err = scanTokens(t, strings.NewReader(`<r><!--`+strings.Repeat("x", 3<<20)+`--></r>`), 1<<20)
	assert.ErrorIs(t, err, xmlscan.ErrTokenTooLarge)

	boom := errors.New("disk")
	_, err = scanTokens(t, iotest.TimeoutReader(iotest.ErrReader(boom)), 1<<20)
	assert.ErrorIs(t, err, boom)
	_, err = scanTokens(t, io.MultiReader(strings.NewReader("<r><e>"), iotest.ErrReader(boom)), 1<<20)
	assert.ErrorIs(t, err, boom)
}

// Well-formedness errors are SyntaxErrors with the line.
func TestSyntaxErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{"<r>\n<a></b></r>", "element <a> closed by </b>"},
		{"<r>\n&nbsp;</r>", "undefined entity"},
		{"<r>\n<!-- a -- b --></r>", "-- is not allowed"},
		{"<r>]]></r>", "]]> is not allowed"},
		{"<r a='1' a='2'/>", "appears twice"},
		{"<r x:a='1'/>", "prefix x of attribute x:a is not declared"},
		{"<x:r/>", "prefix x of element"},
		{"<r>\x01</r>", "illegal character"},
		{"<r>\xff</r>", "invalid UTF-8"},
		{"<r/>\n<?xml version='1.0'?>", "only at the start"},
		{"<r/>junk", "outside the root"},
		{"<r>", "unexpected EOF"},
		{"<r a=1/>", "must be quoted"},
		{"<r a='<'/>", "< is not allowed"},
		{"<1r/>", "must start with a name"},
		{"<r>&#0;</r>", "not a legal character"},
	} {
		_, err := scanTokens(t, strings.NewReader(c.in), 1<<20)
		var se *xmlscan.SyntaxError
		if assert.ErrorAs(t, err, &se, c.in) {
			assert.Contains(t, se.Msg, c.msg, c.in)
			assert.Positive(t, se.Line)
		}
	}
}

// FuzzScan: no input makes the scanner panic or loop, and reading a byte at a time
// changes neither the tokens nor the verdict.
func FuzzScan(f *testing.F) {
	f.Add([]byte(doc))
	f.Add([]byte(`<r><![CDATA[x]]><!-- c --><?p i?>&amp;&#x41;</r>`))
	f.Add([]byte("<r a='1'\tb=\"2\"/>\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		whole, err1 := scanTokens(t, bytes.NewReader(b), 1<<16)
		slow, err2 := scanTokens(t, iotest.OneByteReader(bytes.NewReader(b)), 1<<16)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("whole: %v, a byte at a time: %v", err1, err2)
		}
		if err1 == nil && len(whole) != len(slow) {
			t.Fatalf("%d tokens whole, %d a byte at a time", len(whole), len(slow))
		}
	})
}
