package noark5_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/noark5"
)

// nested streams head, n start tags of name, n end tags, tail, without holding it.
func nested(head, name string, n int, tail string) io.Reader {
	open, closing := "<"+name+">", "</"+name+">"
	return io.MultiReader(strings.NewReader(head), &repeat{s: open, n: n}, &repeat{s: closing, n: n}, strings.NewReader(tail))
}

type repeat struct {
	s string
	n int
	b []byte
}

func (r *repeat) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		if r.n == 0 {
			return 0, io.EOF
		}
		k := min(r.n, 4096)
		r.b = []byte(strings.Repeat(r.s, k))
		r.n -= k
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

const arkivHead = `<?xml version="1.0" encoding="UTF-8"?><arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur">`

// allocated runs f and returns the bytes it allocated (an upper bound on its peak heap).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Any depth is a clean, typed stop: 300 and 10 000 levels of unknown elements (skipped
// subtrees), of known containers, and 4 million levels, with allocation under 64 MiB.
func TestValidateDepth(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		elem string
	}{
		{"unknown 300", 300, "x"},
		{"unknown 10000", 10_000, "x"},
		{"arkivdel 10000", 10_000, "arkivdel"},
		{"unknown 4 million", 4_000_000, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var rep *noark5.Report
			var err error
			n := allocated(func() { rep, err = noark5.Validate(nested(arkivHead, tc.elem, tc.n, "</arkiv>"), nil) })
			var le *noark5.LimitError
			require.ErrorAs(t, err, &le)
			require.ErrorIs(t, err, noark5.ErrTooDeep)
			require.False(t, rep.Valid())
			assert.Less(t, n, uint64(64<<20), "allocated %d MiB", n>>20)
		})
	}
}

func TestRegistreringerDepth(t *testing.T) {
	regHead := arkivHead + `<systemID>a</systemID><tittel>t</tittel><arkivdel><systemID>b</systemID><tittel>t</tittel><registrering>`
	for _, tc := range []struct {
		name string
		r    func() io.Reader
	}{
		{"non-container 10000", func() io.Reader { return nested(arkivHead, "x", 10_000, "</arkiv>") }},
		{"non-container 4 million", func() io.Reader { return nested(arkivHead, "x", 4_000_000, "</arkiv>") }},
		{"inside a registrering 4 million", func() io.Reader {
			return nested(regHead, "merknad", 4_000_000, "</registrering></arkivdel></arkiv>")
		}},
		{"containers 10000", func() io.Reader { return nested(arkivHead, "arkivdel", 10_000, "</arkiv>") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errs []error
			n := allocated(func() {
				for _, err := range noark5.Registreringer(tc.r()) {
					if err != nil {
						errs = append(errs, err)
					}
				}
			})
			require.Len(t, errs, 1)
			var re *noark5.ReadError
			require.ErrorAs(t, errs[0], &re)
			require.ErrorIs(t, errs[0], noark5.ErrTooDeep)
			assert.Less(t, n, uint64(64<<20), "allocated %d MiB", n>>20)
		})
	}
}

func toUTF16(s string, bigEndian bool) []byte {
	u := utf16.Encode([]rune(s))
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, c := range u {
		if bigEndian {
			out = append(out, byte(c>>8), byte(c))
		} else {
			out = append(out, byte(c), byte(c>>8))
		}
	}
	return out
}

// UTF-16 with a byte order mark (as .NET writes it), declared or not, is read as xmllint
// reads it: the same verdict and records as the UTF-8 original. A UTF-8 BOM is dropped.
func TestUTF16(t *testing.T) {
	doc := string(demoDoc(t, 3, 0))
	want, err := noark5.Validate(strings.NewReader(doc), nil)
	require.NoError(t, err)
	require.True(t, want.Valid())
	wantRecords := 0
	for _, err := range noark5.Registreringer(strings.NewReader(doc)) {
		require.NoError(t, err)
		wantRecords++
	}
	require.NotZero(t, wantRecords)
	declared16 := strings.Replace(doc, `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
	for name, in := range map[string][]byte{
		"UTF-16LE":          toUTF16(declared16, false),
		"UTF-16BE":          toUTF16(declared16, true),
		"UTF-16LE as UTF-8": toUTF16(doc, false),
		"UTF-8 BOM":         append([]byte{0xEF, 0xBB, 0xBF}, doc...),
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := noark5.Validate(bytes.NewReader(in), nil)
			require.NoError(t, err)
			assert.True(t, rep.Valid(), "%v", rep.Problems)
			assert.Equal(t, want.Counts, rep.Counts)
			n := 0
			for p, err := range noark5.Registreringer(bytes.NewReader(in)) {
				require.NoError(t, err)
				require.NotEmpty(t, p.SystemID)
				n++
			}
			assert.Equal(t, wantRecords, n)
		})
	}
	// Broken UTF-16 and other declared encodings are refused, typed.
	// An unpaired surrogate inside the document is not UTF-16.
	odd := toUTF16(declared16, false)
	mid := len(odd) / 2 &^ 1
	odd = append(append(odd[:mid:mid], 0x00, 0xDC), odd[mid:]...)
	for _, bad := range [][]byte{odd, []byte(strings.Replace(doc, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1))} {
		rep, err := noark5.Validate(bytes.NewReader(bad), nil)
		if err == nil {
			require.False(t, rep.Valid())
			continue
		}
		require.True(t, errors.Is(err, noark5.ErrEncoding), "%v", err)
	}
	// A last odd byte after the document is no code unit: libxml2 drops it, and so does
	// the reader (found by FuzzValidate, "\xfe\xff0": an error instead of a report).
	whole := toUTF16(declared16, false)
	even, err := noark5.Validate(bytes.NewReader(whole), nil)
	require.NoError(t, err)
	oddTail, err := noark5.Validate(bytes.NewReader(append(whole, '0')), nil)
	require.NoError(t, err)
	assert.Equal(t, even.Valid(), oddTail.Valid())
	fuzzed, err := noark5.Validate(strings.NewReader("\xfe\xff0"), nil)
	require.NoError(t, err)
	assert.False(t, fuzzed.Valid())
}
