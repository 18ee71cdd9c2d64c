package noark5_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	schema "github.com/fellesklient/fellesklient/internal/gen/noark5schema"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/skjemaer"
)

// addmlXSD writes the embedded addml.xsd of version v to a temp dir for xmllint.
func addmlXSD(t *testing.T, v string) string {
	t.Helper()
	fsys := skjemaer.ADDML()
	if v == "8.2" {
		fsys = skjemaer.ADDML82()
	}
	b, err := fs.ReadFile(fsys, "addml.xsd")
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "addml.xsd")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

// lintMany runs xmllint once over many documents and returns, per document, whether it
// validates (one process for all: a mutant run stays in seconds).
func lintMany(t *testing.T, xsd string, docs [][]byte) []bool {
	t.Helper()
	bin := testutil.Tool(t, "xmllint")
	dir := t.TempDir()
	args := []string{"--noout", "--nonet", "--schema", xsd}
	for i, d := range docs {
		p := filepath.Join(dir, strconv.Itoa(i)+".xml")
		require.NoError(t, os.WriteFile(p, d, 0o600))
		args = append(args, p)
	}
	out, _ := exec.Command(bin, args...).CombinedOutput()
	res := make([]bool, len(docs))
	seen := make([]bool, len(docs))
	for _, line := range strings.Split(string(out), "\n") {
		for _, verdict := range []string{" validates", " fails to validate", " validation generated an internal error"} {
			if name, ok := strings.CutSuffix(line, verdict); ok && strings.HasPrefix(name, dir) {
				i, err := strconv.Atoi(strings.TrimSuffix(filepath.Base(name), ".xml"))
				require.NoError(t, err)
				res[i], seen[i] = verdict == " validates", true
			}
		}
	}
	for i := range docs {
		if !seen[i] {
			// Not well-formed documents get no verdict line: they do not validate.
			res[i] = false
		}
	}
	return res
}

// agreeADDML checks Validate against xmllint on every document, for ADDML version v, and
// returns how many are valid.
func agreeADDML(t *testing.T, v string, labels []string, docs [][]byte) int {
	t.Helper()
	lint := lintMany(t, addmlXSD(t, v), docs)
	valid := 0
	for i, d := range docs {
		rep, err := noark5.Validate(bytes.NewReader(d), &noark5.ValidateOptions{ADDMLVersjon: v})
		require.NoError(t, err)
		if rep.Valid() != lint[i] {
			var probs []string
			for _, p := range rep.Problems {
				probs = append(probs, p.String())
			}
			t.Errorf("ADDML %s %s: Validate says valid=%v, xmllint says valid=%v\nValidate: %s\n%s", v, labels[i], rep.Valid(), lint[i],
				strings.Join(probs, "\n"), firstLines(testutil.XMLLint(t, addmlXSD(t, v), d), 4))
		}
		if rep.Valid() {
			valid++
			assert.Equal(t, "addml", rep.Schema)
			assert.Equal(t, v, rep.Versjon)
		}
	}
	return valid
}

// fullADDML is a document with every element of the schema's model: each optional element
// once, each repeated one twice (so that order, duplicates and xs:unique matter), each
// choice's alternatives in turn, every attribute, distinct names. Below depth 8 only what
// is required is written, which ends the recursion (properties/property/properties...).
func fullADDML(s *schema.Schema) []byte {
	var b bytes.Buffer
	n := 0
	turn := map[string]int{}
	var elem func(name string, depth int)
	elem = func(name string, depth int) {
		p := s.Elements[name]
		b.WriteString("<" + name)
		if depth == 0 {
			b.WriteString(` xmlns="` + noark5.ADDMLNamespace + `"`)
		}
		if p.Simple != "" {
			b.WriteString(">")
			if p.Simple == "string" {
				n++
				fmt.Fprintf(&b, "tekst %d", n)
			} else {
				b.WriteString("3")
			}
			b.WriteString("</" + name + ">")
			return
		}
		ct := s.Complex[p.Complex]
		for _, a := range ct.Attrs {
			n++
			fmt.Fprintf(&b, ` %s="%s%d"`, a.Name, a.Name, n)
		}
		if ct.Empty {
			b.WriteString("/>")
			return
		}
		b.WriteString(">")
		for _, sl := range ct.Slots {
			k := turn[name] % len(sl)
			if len(sl) > 1 {
				turn[name]++
			}
			q := sl[k]
			times := 1
			if q.Max != 1 {
				times = 2
			}
			if depth >= 8 {
				times = q.Min
			}
			for range times {
				elem(q.Name, depth+1)
			}
		}
		b.WriteString("</" + name + ">")
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	elem("addml", 0)
	return b.Bytes()
}

// span is an element of a document: its name, byte range, and start tag's end.
type span struct {
	name         string
	lo, tagEnd   int
	hi, depth    int
	parent, leaf int
	attrs        []xml.Attr
}

func spans(t *testing.T, doc []byte) []span {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	var out []span
	var stack []int
	for {
		lo := int(d.InputOffset())
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch tk := tok.(type) {
		case xml.StartElement:
			parent := -1
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
				out[parent].leaf = 0
			}
			out = append(out, span{name: tk.Name.Local, lo: lo, tagEnd: int(d.InputOffset()), depth: len(stack), parent: parent, leaf: 1, attrs: tk.Attr})
			stack = append(stack, len(out)-1)
		case xml.EndElement:
			out[stack[len(stack)-1]].hi = int(d.InputOffset())
			stack = stack[:len(stack)-1]
		}
	}
	return out
}

// mutateADDML makes n deterministic variations of an ADDML document, one change each:
// elements dropped, doubled, swapped with their next sibling, renamed (to another ADDML
// name or a made-up one), moved into their previous sibling; text and whitespace put into
// elements; values replaced by typed garbage; attributes dropped, renamed, added,
// qualified, doubled, or given the value of a namesake sibling's (xs:unique).
func mutateADDML(t *testing.T, doc []byte, names []string, n int, seed uint64) ([]string, [][]byte) {
	t.Helper()
	sp := spans(t, doc)
	r := rand.New(rand.NewPCG(seed, 7))
	values := []string{"", " ", "x", "-1", "+5", "007", " 12 ", "1.5", "-0", "1 2", "\n3\n", "99999999999999999999999"}
	var labels []string
	var out [][]byte
	add := func(what string, parts ...[]byte) {
		labels = append(labels, what)
		out = append(out, concat(parts...))
	}
	for len(out) < n {
		i := 1 + r.IntN(len(sp)-1)
		e := sp[i]
		whole := doc[e.lo:e.hi]
		switch r.IntN(12) {
		case 0:
			add("drop "+e.name, doc[:e.lo], doc[e.hi:])
		case 1:
			add("twice "+e.name, doc[:e.hi], whole, doc[e.hi:])
		case 2:
			for j := i + 1; j < len(sp); j++ {
				if sp[j].parent == e.parent {
					add("swap "+e.name+" "+sp[j].name, doc[:e.lo], doc[sp[j].lo:sp[j].hi], doc[e.hi:sp[j].lo], whole, doc[sp[j].hi:])
					break
				}
			}
		case 3:
			to := names[r.IntN(len(names))]
			if r.IntN(4) == 0 {
				to = e.name + "X"
			}
			tag := doc[e.lo:e.tagEnd]
			newTag := bytes.Replace(tag, []byte("<"+e.name), []byte("<"+to), 1)
			body := doc[e.tagEnd:e.hi]
			if bytes.HasSuffix(tag, []byte("/>")) {
				add("rename "+e.name+" "+to, doc[:e.lo], newTag, doc[e.hi:])
			} else {
				body = bytes.TrimSuffix(body, []byte("</"+e.name+">"))
				add("rename "+e.name+" "+to, doc[:e.lo], newTag, body, []byte("</"+to+">"), doc[e.hi:])
			}
		case 4:
			txt := []string{"tekst", " ", "\n", "&#32;", "<!-- c -->", "<?pi x?>"}[r.IntN(6)]
			tag := doc[e.lo:e.tagEnd]
			if bytes.HasSuffix(tag, []byte("/>")) {
				add("text "+strconv.Quote(txt)+" in empty "+e.name, doc[:e.lo], tag[:len(tag)-2], []byte(">"+txt+"</"+e.name+">"), doc[e.hi:])
			} else {
				add("text "+strconv.Quote(txt)+" in "+e.name, doc[:e.tagEnd], []byte(txt), doc[e.tagEnd:])
			}
		case 5, 6:
			if e.leaf == 1 && !bytes.HasSuffix(doc[e.lo:e.tagEnd], []byte("/>")) {
				v := values[r.IntN(len(values))]
				add(fmt.Sprintf("%s=%q", e.name, v), doc[:e.tagEnd], []byte(v), doc[e.hi-len("</"+e.name+">"):])
			}
		case 7:
			if len(e.attrs) > 0 {
				a := e.attrs[r.IntN(len(e.attrs))]
				if a.Name.Space == "xmlns" || a.Name.Local == "xmlns" {
					continue
				}
				tag := string(doc[e.lo:e.tagEnd])
				old := fmt.Sprintf(` %s="%s"`, a.Name.Local, a.Value)
				if !strings.Contains(tag, old) {
					continue
				}
				repl := []string{"", ` ` + a.Name.Local + `X="v"`, old + old, ` x:` + a.Name.Local + `="v" xmlns:x="urn:x"`, ` ` + a.Name.Local + `=""`}[r.IntN(5)]
				add("attribute "+a.Name.Local+" -> "+strconv.Quote(repl), doc[:e.lo], []byte(strings.Replace(tag, old, repl, 1)), doc[e.tagEnd:])
			}
		case 8:
			tag := doc[e.lo:e.tagEnd]
			extra := []string{` foo="1"`, ` name="n"`, ` xsi:type="addml:` + e.name + `" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:addml="` + noark5.ADDMLNamespace + `"`,
				` xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`, ` xsi:schemaLocation="a b" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"`}[r.IntN(5)]
			at := len(e.name) + 1
			add("add"+extra+" to "+e.name, doc[:e.lo], tag[:at], []byte(extra), tag[at:], doc[e.tagEnd:])
		case 9:
			// A namesake sibling's name: xs:unique, where the schema has one.
			for j := i - 1; j > 0; j-- {
				if sp[j].parent == e.parent && sp[j].name == e.name {
					from, to := attrValue(sp[i].attrs, "name"), attrValue(sp[j].attrs, "name")
					if from != "" && to != "" {
						tag := strings.Replace(string(doc[e.lo:e.tagEnd]), `name="`+from+`"`, `name="`+to+`"`, 1)
						add("same name as the previous "+e.name, doc[:e.lo], []byte(tag), doc[e.tagEnd:])
					}
					break
				}
			}
		case 10:
			// Any earlier element's name (the cross-recordDefinition constraints).
			j := 1 + r.IntN(len(sp)-1)
			from, to := attrValue(sp[i].attrs, "name"), attrValue(sp[j].attrs, "name")
			if from != "" && to != "" && sp[j].name == e.name && j != i {
				tag := strings.Replace(string(doc[e.lo:e.tagEnd]), `name="`+from+`"`, `name="`+to+`"`, 1)
				add("name of another "+e.name, doc[:e.lo], []byte(tag), doc[e.tagEnd:])
			}
		case 11:
			// Into the previous sibling, at its end.
			for j := i - 1; j > 0; j-- {
				if sp[j].parent == e.parent {
					p := sp[j]
					if bytes.HasSuffix(doc[p.lo:p.tagEnd], []byte("/>")) {
						break
					}
					end := p.hi - len("</"+p.name+">")
					add("move "+e.name+" into "+p.name, doc[:end], whole, doc[end:e.lo], doc[e.hi:])
					break
				}
			}
		}
	}
	return labels, out
}

func attrValue(as []xml.Attr, name string) string {
	for _, a := range as {
		if a.Name.Space == "" && a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func elementNames(s *schema.Schema) []string {
	var names []string
	for n := range s.Elements {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Validate judges arkivuttrekk.xml (ADDML v8.3 and v8.2) as xmllint does with the official
// addml.xsd: on Arkivverket's template, on the fullest document of each version's model, and
// on mutants of both (NOARK5_MUTANTS=N for N per base and version; 300 by default).
func TestValidateADDMLAgreesWithXmllint(t *testing.T) {
	per := 300
	if v, err := strconv.Atoi(os.Getenv("NOARK5_MUTANTS")); err == nil && v > 0 {
		per = v
	}
	mal, err := os.ReadFile(testutil.SharedFile(t, "specs/noark5/examples/arkivuttrekk-mal_v5_0.xml"))
	require.NoError(t, err)
	total, stillValid := 0, 0
	for _, s := range schema.ADDMLSchemas {
		full := fullADDML(s)
		require.Equal(t, 2, agreeADDML(t, s.Version, []string{"template", "full"}, [][]byte{mal, full}), "the template and the full document are valid ADDML v%s", s.Version)
		for bi, base := range [][]byte{mal, full} {
			labels, docs := mutateADDML(t, base, elementNames(s), per, uint64(bi+1))
			for i := range labels {
				labels[i] = fmt.Sprintf("%s mutant %d (%s)", []string{"template", "full"}[bi], i, labels[i])
			}
			stillValid += agreeADDML(t, s.Version, labels, docs)
			total += len(docs)
		}
	}
	t.Logf("%d ADDML mutants (%d still valid): Validate agrees with xmllint on each", total, stillValid)
	assert.Greater(t, total-stillValid, total/3, "many mutants are invalid (ADDML leaves most elements optional and most values free text)")
	assert.Greater(t, stillValid, 0, "some mutants stay valid (optional elements dropped)")

	_, err = noark5.Validate(strings.NewReader("<addml/>"), &noark5.ValidateOptions{ADDMLVersjon: "9.0"})
	assert.ErrorContains(t, err, "8.3, 8.2")
}

// The two versions differ where their XSDs do: v8.3 makes dataset/reference optional, adds
// headerLevel and makes field references unique.
func TestValidateADDMLVersions(t *testing.T) {
	ns := noark5.ADDMLNamespace
	for _, c := range []struct {
		doc      string
		v83, v82 bool
	}{
		{`<addml xmlns="` + ns + `"><dataset/></addml>`, true, false},
		{`<addml xmlns="` + ns + `"><dataset><reference/></dataset></addml>`, true, true},
		{`<fieldDefinitionReferences xmlns="` + ns + `"><fieldDefinitionReference name="a"/><fieldDefinitionReference name="a"/></fieldDefinitionReferences>`, false, true},
		{`<trimmed xmlns="` + ns + `"> </trimmed>`, false, false},
		{`<trimmed xmlns="` + ns + `"><!-- c --></trimmed>`, true, true},
		{`<parameter xmlns="` + ns + `" name="a" name="b"/>`, false, false},
		{`<parameter xmlns="` + ns + `"/>`, false, false},
		{`<fixedLength xmlns="` + ns + `"> -0 </fixedLength>`, true, true},
		{`<headerLevel xmlns="` + ns + `">-3</headerLevel>`, true, false},
		{`<description xmlns="` + ns + `" name="x">d</description>`, false, false},
	} {
		for _, v := range []struct {
			versjon string
			want    bool
		}{{"8.3", c.v83}, {"8.2", c.v82}} {
			rep, err := noark5.Validate(strings.NewReader(c.doc), &noark5.ValidateOptions{ADDMLVersjon: v.versjon})
			require.NoError(t, err)
			assert.Equal(t, v.want, rep.Valid(), "%s under %s: %v", c.doc, v.versjon, rep.Problems)
			if lint := lintMany(t, addmlXSD(t, v.versjon), [][]byte{[]byte(c.doc)}); lint[0] != v.want {
				t.Errorf("%s under %s: xmllint says valid=%v", c.doc, v.versjon, lint[0])
			}
		}
	}
}

// NOARK5_CORPUS=DIR checks Validate against xmllint on every Noark 5 or ADDML file under
// DIR (real files from other systems, which cannot be committed here), by its root: ADDML
// files under both versions, the others under the version xmllint accepts first.
func TestValidateCorpus(t *testing.T) {
	dir := os.Getenv("NOARK5_CORPUS")
	if dir == "" {
		t.Skip("NOARK5_CORPUS=DIR checks the verdict on real files under DIR")
	}
	var labels []string
	var docs [][]byte
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".xml") {
			return err
		}
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		if bytes.Contains(b[:min(len(b), 4096)], []byte(noark5.ADDMLNamespace)) {
			labels, docs = append(labels, p), append(docs, b)
		}
		return nil
	}))
	require.NotEmpty(t, docs, "no ADDML files under %s", dir)
	for _, v := range noark5.ADDMLVersjoner {
		valid := agreeADDML(t, v, labels, docs)
		t.Logf("ADDML v%s: %d files, %d valid; Validate agrees with xmllint on each", v, len(docs), valid)
	}
}
