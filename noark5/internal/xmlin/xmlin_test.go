package xmlin

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
)

// maxDepthByDecoder is the deepest nesting encoding/xml sees in a well-formed b, or -1
// when b is not well-formed.
func maxDepthByDecoder(b []byte) int {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth, deepest := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if depth != 0 {
				return -1
			}
			return deepest
		}
		if err != nil {
			return -1
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			deepest = max(deepest, depth)
		case xml.EndElement:
			depth--
		}
	}
}

func limited(b []byte, max int) error {
	_, err := io.ReadAll(NewDepthLimiter(bytes.NewReader(b), max))
	return err
}

// checkExact: the limiter lets the document's own depth through and stops one below.
func checkExact(t *testing.T, b []byte) {
	t.Helper()
	want := maxDepthByDecoder(b)
	if want < 0 {
		return
	}
	if err := limited(b, want); err != nil {
		t.Fatalf("depth %d refused at its own depth: %v\n%q", want, err, b)
	}
	if want > 0 {
		if err := limited(b, want-1); !errors.Is(err, ErrTooDeep) {
			t.Fatalf("depth %d not refused at %d: %v\n%q", want, want-1, err, b)
		}
	}
}

func TestDepthLimiterExact(t *testing.T) {
	for _, doc := range []string{
		`<a/>`,
		`<a><b/><c x="1>2" y='/>'><d></d></c></a>`,
		`<?xml version="1.0"?><!-- <x><y> --><a><![CDATA[<b><c>]]><b>t</b></a>`,
		`<a><?pi <x> ?><b a="&lt;"/><!-- -- > --><c/></a>`,
		`<a><b><c><d><e/></d></c></b></a>`,
		`<a xmlns:p="u"><p:b><p:c/></p:b></a>`,
		`<a><![CDATA[]]]]><![CDATA[>]]></a>`,
		`<a><![CDATA[]]]><b/></a>`,
		`<a><?p ??><b/></a>`,
		"<!0<0><0>>",
		`<!x <y "<z>"> <!-- <w> --> ><a><b/></a>`,
		`<!x <y '>'> ><a><b/></a>`,
		`<!x '>' ><a/>`,
	} {
		checkExact(t, []byte(doc))
	}
}

func FuzzDepthLimiter(f *testing.F) {
	f.Add([]byte(`<a><b x="/>"><c/></b><!--<d>--></a>`))
	f.Add([]byte(`<a><![CDATA[<x>]]><?p <y>?></a>`))
	f.Fuzz(func(t *testing.T, b []byte) { checkExact(t, b) })
}

func utf16Bytes(s string, le bool) []byte {
	out := []byte{0xFE, 0xFF}
	if le {
		out = []byte{0xFF, 0xFE}
	}
	for _, c := range utf16.Encode([]rune(s)) {
		if le {
			out = append(out, byte(c), byte(c>>8))
		} else {
			out = append(out, byte(c>>8), byte(c))
		}
	}
	return out
}

func TestNewReader(t *testing.T) {
	s := `<a>æøå 𝄞 ` + strings.Repeat("x", 10000) + `</a>`
	for _, le := range []bool{true, false} {
		got, err := io.ReadAll(NewReader(bytes.NewReader(utf16Bytes(s, le))))
		if err != nil || string(got) != s {
			t.Fatalf("le=%v: %v, %d bytes", le, err, len(got))
		}
	}
	got, _ := io.ReadAll(NewReader(strings.NewReader("\xEF\xBB\xBF<a/>")))
	if string(got) != "<a/>" {
		t.Fatalf("UTF-8 BOM kept: %q", got)
	}
	// A last odd byte is no code unit: dropped, as libxml2 drops it.
	if got, err := io.ReadAll(NewReader(bytes.NewReader([]byte{0xFF, 0xFE, 'a', 0, 'b'}))); err != nil || string(got) != "a" {
		t.Fatalf("odd tail: %q, %v", got, err)
	}
	for _, bad := range [][]byte{{0xFF, 0xFE, 0x00, 0xD8, 'a', 0}, {0xFF, 0xFE, 0x00, 0xDC}} {
		if _, err := io.ReadAll(NewReader(bytes.NewReader(bad))); !errors.Is(err, ErrEncoding) {
			t.Fatalf("%x: %v", bad, err)
		}
	}
}
