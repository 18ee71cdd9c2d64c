package fiksarkiv_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beevik/etree"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// Validate's verdict equals xmllint's on every upstream example (103 files: 26 valid, 77
// deliberately or historically invalid), each judged by the XSD XSD-VALIDATION.txt names;
// the one with no XSD (a line break inside its namespace URI) by the XSD its root names.
func TestValidateAgreesWithXMLLint(t *testing.T) {
	t.Parallel()
	testutil.Tool(t, "xmllint")
	list := testutil.SharedFile(t, arkivDir+"/examples/XSD-VALIDATION.txt")
	f, err := os.Open(list)
	require.NoError(t, err)
	defer f.Close()
	base := filepath.Dir(list)
	n, valid := 0, 0
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) == 2 && fields[0] == "NO-XSD" {
			fields = append(fields, "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.oppdater.xsd")
		}
		if len(fields) != 3 {
			continue
		}
		n++
		file := filepath.Join(base, "validator-testcases", fields[1])
		xsd := filepath.Join(base, "..", "Schema", "V1", fields[2])
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		lint := testutil.XMLLint(t, xsd, raw)
		assert.Equal(t, fields[0] == "VALID", lint == "", "%s: the list and xmllint disagree", fields[1])
		rep, err := fiksarkiv.Validate(bytes.NewReader(raw))
		require.NoError(t, err, fields[1])
		if rep.Valid() {
			valid++
		}
		if rep.Valid() != (lint == "") {
			t.Errorf("%s: Validate says valid=%v, xmllint says:\n%s\nValidate: %v", fields[1], rep.Valid(), lint, rep.Problems)
		}
	}
	assert.Equal(t, 103, n)
	assert.Equal(t, 26, valid)
}

// Mutants of the valid examples (each element deleted, duplicated, moved before its
// previous sibling; each value emptied and replaced by text no typed value has; a stray
// attribute; a wrong xsi:type) get the same verdict from Validate as from xmllint.
func TestValidateAgreesWithXMLLintOnMutants(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	bin := testutil.Tool(t, "xmllint")
	total, invalid := 0, 0
	// The valid upstream examples (V1) and a V2 arkivmelding built by the model.
	sources := validExamples(t)
	m, err := sampleV2().Melding()
	require.NoError(t, err)
	b, err := m.Bytes()
	require.NoError(t, err)
	v2 := filepath.Join(t.TempDir(), "v2", "arkivmelding.xml")
	require.NoError(t, os.MkdirAll(filepath.Dir(v2), 0o700))
	require.NoError(t, os.WriteFile(v2, b, 0o600))
	sources = append(sources, example{v2, testutil.SharedFile(t, arkivDir+"/Schema/V2/no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.xsd")})
	for _, ex := range sources {
		raw, err := os.ReadFile(ex.file)
		require.NoError(t, err)
		dir := t.TempDir()
		var files []string
		for i, m := range mutants(t, raw) {
			f := filepath.Join(dir, fmt.Sprintf("m%03d.xml", i))
			require.NoError(t, os.WriteFile(f, m, 0o600))
			files = append(files, f)
		}
		out, _ := exec.Command(bin, append([]string{"--noout", "--nonet", "--schema", ex.xsd}, files...)...).CombinedOutput()
		verdict := map[string]bool{}
		for _, line := range strings.Split(string(out), "\n") {
			if f, ok := strings.CutSuffix(line, " validates"); ok {
				verdict[f] = true
			} else if f, ok := strings.CutSuffix(line, " fails to validate"); ok {
				verdict[f] = false
			}
		}
		for _, f := range files {
			lint, ok := verdict[f]
			require.True(t, ok, "xmllint said nothing about %s:\n%s", f, out)
			b, _ := os.ReadFile(f)
			rep, err := fiksarkiv.Validate(bytes.NewReader(b))
			require.NoError(t, err)
			total++
			if !lint {
				invalid++
			}
			if rep.Valid() != lint {
				lo, _ := exec.Command(bin, "--noout", "--nonet", "--schema", ex.xsd, f).CombinedOutput()
				t.Errorf("%s mutant %s: Validate valid=%v, xmllint valid=%v\n%s\nValidate: %v\n%s", filepath.Base(filepath.Dir(ex.file)), filepath.Base(f), rep.Valid(), lint, lo, rep.Problems, b)
			}
		}
	}
	t.Logf("%d mutants, %d invalid", total, invalid)
	assert.Greater(t, invalid, total/2)
}

// mutants are variations of a document, one change each.
func mutants(t *testing.T, raw []byte) [][]byte {
	t.Helper()
	var out [][]byte
	emit := func(doc *etree.Document) {
		b, err := doc.WriteToBytes()
		require.NoError(t, err)
		out = append(out, b)
	}
	parse := func() (*etree.Document, []*etree.Element) {
		m, err := fiksarkiv.Parse(bytes.NewReader(raw))
		require.NoError(t, err)
		b, err := m.Bytes()
		require.NoError(t, err)
		doc := etree.NewDocument()
		require.NoError(t, doc.ReadFromBytes(b))
		var all []*etree.Element
		var walk func(e *etree.Element)
		walk = func(e *etree.Element) {
			for _, c := range e.ChildElements() {
				all = append(all, c)
				walk(c)
			}
		}
		walk(doc.Root())
		return doc, all
	}
	_, all := parse()
	for i := range all {
		for op := 0; op < 6; op++ {
			doc, els := parse()
			e := els[i]
			p := e.Parent()
			switch op {
			case 0:
				p.RemoveChild(e)
			case 1:
				p.InsertChildAt(e.Index()+1, e.Copy())
			case 2:
				if e.Index() == 0 {
					continue
				}
				prev := -1
				for j := e.Index() - 1; j >= 0; j-- {
					if _, ok := p.Child[j].(*etree.Element); ok {
						prev = j
						break
					}
				}
				if prev < 0 {
					continue
				}
				p.RemoveChild(e)
				p.InsertChildAt(prev, e)
			case 3:
				if len(e.ChildElements()) > 0 {
					continue
				}
				e.SetText("")
			case 4:
				if len(e.ChildElements()) > 0 {
					continue
				}
				e.SetText("ikke-en-verdi")
			case 5:
				if i%4 != 0 {
					continue
				}
				if len(e.ChildElements()) > 0 {
					e.CreateAttr("xsi:type", "journalpost")
				} else {
					e.CreateAttr("ukjent", "1")
				}
			}
			emit(doc)
		}
	}
	return out
}

// FuzzValidate: Validate never panics or grows past its bounds; what it finds valid
// parses, and when the typed model holds all of it, the model writes it back valid (or
// refuses it with a *ValidationError: the builders also hold rules the XSD leaves out,
// such as a reference naming at least one key).
func FuzzValidate(f *testing.F) {
	f.Add([]byte(`<mappeHent xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/mappe/hent/v2"><system>s</system><referanseTilMappe><systemID xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/metadatakatalog/v2">6f358ced-036d-4c9b-b372-a2b7d83c5cc5</systemID></referanseTilMappe><inkluder>part</inkluder></mappeHent>`))
	f.Add([]byte(`<ikkefunnet xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/ikkefunnet/v1" xmlns:f="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/feil/feilmelding/v1"><f:feilId>1</f:feilId><f:feilmelding>x</f:feilmelding></ikkefunnet>`))
	f.Add([]byte(`<sok xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/sok/v1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><system>s</system><take>1</take><skip>0</skip><sokdefinisjon xsi:type="mappeSokdefinisjon"><responstype/><parametere><operator>equal</operator><sokVerdier><stringvalues><value>a</value></stringvalues></sokVerdier><felt>mappeTittel</felt></parametere></sokdefinisjon></sok>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := fiksarkiv.Validate(bytes.NewReader(b))
		if err != nil || !rep.Valid() {
			return
		}
		m, err := fiksarkiv.Parse(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("valid but Parse refuses it: %v", err)
		}
		p, err := m.Typed()
		if err != nil || len(ukjent(p)) > 0 {
			return
		}
		built, err := p.Melding()
		if err != nil {
			var ve *fiksarkiv.ValidationError
			if !errorsAs(err, &ve) {
				t.Fatalf("valid, fully typed, and the model fails: %v", err)
			}
			return
		}
		out, err := built.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		again, err := fiksarkiv.Validate(bytes.NewReader(out))
		if err != nil || !again.Valid() {
			t.Fatalf("written back invalid: %v %v\n%s", err, again.Problems, out)
		}
	})
}

// Hostile payloads: 200 000 children where the model allows one, or a deep mappe
// hierarchy, are judged quickly and bounded, not in time that grows with the model's
// nesting.
func TestValidateHostile(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString(`<mappeHent xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/mappe/hent/v2"><system>s</system><referanseTilMappe/>`)
	for i := 0; i < 200000; i++ {
		b.WriteString(`<inkluder>part</inkluder>`)
	}
	b.WriteString(`<spraak>nb</spraak><spraak>nn</spraak></mappeHent>`)
	rep, err := fiksarkiv.Validate(&b)
	require.NoError(t, err)
	require.Len(t, rep.Problems, 1, rep.Problems)
	assert.Contains(t, rep.Problems[0].Path, "/mappeHent/spraak")

	deep := strings.Repeat("<a>", 1000) + strings.Repeat("</a>", 1000)
	_, err = fiksarkiv.Validate(strings.NewReader(`<sok xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/sok/v1">` + deep + `</sok>`))
	assert.ErrorIs(t, err, fiksarkiv.ErrTooDeep)
	_, err = fiksarkiv.Validate(strings.NewReader(`<!DOCTYPE x [<!ENTITY a "b">]><x/>`))
	assert.Error(t, err)
}
