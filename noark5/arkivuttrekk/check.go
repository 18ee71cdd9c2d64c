package arkivuttrekk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/progress"
)

// Report is the outcome of Check: the problems of every file, package problems
// (checksums, counts, missing files), and each XML file's report.
type Report struct {
	// Versjon is the Noark 5 version the package was judged by.
	Versjon string
	// ADDMLVersjon is the ADDML version its arkivuttrekk.xml was judged by.
	ADDMLVersjon string
	Problems     []noark5.Problem
	Errors       int
	Warnings     int
	Filer        map[string]*noark5.Report
}

// Valid reports whether the package has no error.
func (r *Report) Valid() bool { return r.Errors == 0 }

func (r *Report) add(p noark5.Problem) {
	if p.Severity == noark5.SeverityWarning {
		r.Warnings++
	} else {
		p.Severity = noark5.SeverityError
		r.Errors++
	}
	if len(r.Problems) < 1000 {
		r.Problems = append(r.Problems, p)
	}
}

// CheckOptions tune Check. The zero value (or nil) is fine.
type CheckOptions struct {
	// OnProgress, when set, is called with the bytes of the package read so far (its XML
	// files and the document files they reference, each once), after every read.
	OnProgress progress.Func
	// Versjon is the Noark 5 version to judge the files by (noark5.ValidateOptions.Versjon).
	// Empty: the version of the arkivstruktur.xsd the package carries, or 5.0 without one.
	Versjon string
	// ADDMLVersjon is the ADDML version to judge arkivuttrekk.xml by ("8.3" or "8.2").
	// Empty: the version of the addml.xsd the package carries, or 8.3 without one.
	ADDMLVersjon string
}

// ADDMLSkjemaVersjon is the ADDML version an addml.xsd declares ("8.3", "8.2"), or ""
// when it declares none Validate knows.
func ADDMLSkjemaVersjon(xsd []byte) string { return declared(xsd, noark5.ADDMLVersjoner) }

// SkjemaVersjon is the Noark 5 version an arkivstruktur.xsd declares (its version
// attribute: "5.0", "4.0", "3.1"), or "" when it declares none Validate knows.
func SkjemaVersjon(xsd []byte) string { return declared(xsd, noark5.Versjoner) }

// declared is the first of versions that the schema's head declares (version="...").
func declared(xsd []byte, versions []string) string {
	head := xsd[:min(len(xsd), 4096)]
	for _, v := range versions {
		if bytes.Contains(head, []byte(`version="`+v+`"`)) {
			return v
		}
	}
	return ""
}

// Check validates a deposit folder: every XML file against the v5.0 rules (noark5.Validate),
// every document file against the sjekksum and filstoerrelse its dokumentobjekt gives, and
// arkivuttrekk.xml against ADDML and its checksums and counts against the files. The XML
// files are validated in parallel (one core each). The error is an I/O error
// other than a missing or unreadable file, which are problems, or ctx's error when it ends
// first (a package of millions of records takes minutes).
func Check(ctx context.Context, dir string, opts *CheckOptions) (*Report, error) {
	if opts == nil {
		opts = &CheckOptions{}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := &checker{ctx: ctx, opts: opts, dir: dir, rep: &Report{Filer: map[string]*noark5.Report{}}, versjon: opts.Versjon, sums: map[string]string{}}
	if c.versjon == "" {
		c.versjon = "5.0"
		if xsd, err := os.ReadFile(filepath.Join(dir, "arkivstruktur.xsd")); err == nil {
			if v := SkjemaVersjon(xsd); v != "" {
				c.versjon = v
			}
		}
	}
	c.rep.Versjon = c.versjon
	c.addmlVersjon = opts.ADDMLVersjon
	if c.addmlVersjon == "" {
		c.addmlVersjon = noark5.ADDMLVersjoner[0]
		if xsd, err := os.ReadFile(filepath.Join(dir, "addml.xsd")); err == nil {
			if v := ADDMLSkjemaVersjon(xsd); v != "" {
				c.addmlVersjon = v
			}
		}
	}
	c.rep.ADDMLVersjon = c.addmlVersjon
	listed, err := readADDML(filepath.Join(dir, "arkivuttrekk.xml"))
	if err != nil {
		c.problem("arkivuttrekk.xml", "file", "%v", err)
		listed = &addmlInfo{sums: map[string]string{}, counts: map[string]int{}}
	}
	c.listed = listed
	c.checkSchemas()
	if err := c.validateFiles(); err != nil {
		return nil, err
	}
	c.checkListedSums() // the XML files' sums were taken while they were validated
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.badFile != nil {
		return c.rep, c.badFile
	}
	c.checkCounts()
	return c.rep, nil
}

// checker is Check's state for one package folder.
type checker struct {
	versjon      string // the Noark 5 version the files are judged by
	addmlVersjon string // and the ADDML version arkivuttrekk.xml is
	ctx          context.Context
	opts         *CheckOptions
	sums         map[string]string // SHA-256 of the XML files validated
	mu           sync.Mutex        // guards read and the calls of OnProgress
	read         int64             // bytes read so far, for OnProgress
	dir          string
	rep          *Report
	listed       *addmlInfo
	files        int   // dokumentobjekter checked (a file shared by two counts twice; memory stays flat)
	badFile      error // a document file that could not be read to its end
}

// problem adds a problem of the package as a whole (not of a place in an XML file).
func (c *checker) problem(file, rule, format string, a ...any) {
	c.rep.add(noark5.Problem{File: file, Path: "/", Rule: rule, Message: fmt.Sprintf(format, a...)})
}

// checkListedSums compares the checksum of every file arkivuttrekk.xml lists.
func (c *checker) checkListedSums() {
	names := make([]string, 0, len(c.listed.sums))
	for name := range c.listed.sums {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		want := c.listed.sums[name]
		switch alg := c.listed.algs[name]; strings.ToUpper(strings.ReplaceAll(alg, "-", "")) {
		case "SHA256":
		case "":
			c.rep.add(noark5.Problem{File: name, Path: "/", Rule: "checksum", Severity: noark5.SeverityWarning,
				Message: "arkivuttrekk.xml gives this file's checksum without its algorithm; it is checked as SHA-256"})
		default:
			c.problem(name, "checksum", "arkivuttrekk.xml gives this file's checksum in %q, which cannot be checked (a deposit uses SHA-256)", alg)
			continue
		}
		got, err := c.sums[name], error(nil)
		if got == "" {
			got, err = sha256File(filepath.Join(c.dir, name))
		}
		switch {
		case err != nil:
			c.problem(name, "file", "listed in arkivuttrekk.xml but cannot be read: %v", errors.Unwrap(err))
		case !strings.EqualFold(got, want):
			c.problem(name, "checksum", "SHA-256 is %s; arkivuttrekk.xml says %s", got, want)
		}
	}
}

// checkSchemas warns of each XSD arkivuttrekk.xml names that the package lacks (one it
// lists with a checksum is an error already, in checkListedSums): a deposit must carry
// the official schemas its files are written against.
func (c *checker) checkSchemas() {
	names := make([]string, 0, len(c.listed.schemas))
	for name := range c.listed.schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if c.listed.sums[name] != "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(c.dir, filepath.FromSlash(path.Clean(name)))); err != nil {
			c.rep.add(noark5.Problem{File: name, Path: "/", Rule: "file", Severity: noark5.SeverityWarning,
				Message: "arkivuttrekk.xml names this schema, but the package does not hold it (a deposit must carry the official XSDs)"})
		}
	}
}

// dokumentobjekt checks the file a dokumentobjekt references: inside the package, present,
// and with the checksum and size the dokumentobjekt gives.
func (c *checker) dokumentobjekt(d noark5.DokumentobjektRef) []noark5.Problem {
	p := func(rule, format string, a ...any) []noark5.Problem {
		return []noark5.Problem{{File: "arkivstruktur.xml", Line: d.Line, Path: d.Path, Rule: rule, Message: fmt.Sprintf(format, a...)}}
	}
	ref := d.ReferanseDokumentfil
	clean := path.Clean(ref)
	if ref == "" || path.IsAbs(ref) || strings.HasPrefix(clean, "../") || clean == ".." {
		return p("file", "referanseDokumentfil %q is not a path inside the package", ref)
	}
	c.files++
	f, err := os.Open(filepath.Join(c.dir, filepath.FromSlash(clean)))
	if err != nil {
		return p("file", "%s: the file is missing", ref)
	}
	defer f.Close()
	sum, n, err := hashReader(c.reader(f))
	if err != nil {
		if c.ctx.Err() != nil {
			return nil // Check returns ctx's error
		}
		c.badFile = err
		return p("file", "%s: %v", ref, err)
	}
	var out []noark5.Problem
	if alg := strings.ToUpper(strings.ReplaceAll(d.SjekksumAlgoritme, "-", "")); alg != "SHA256" {
		out = append(out, p("checksum", "%s: sjekksumAlgoritme %q cannot be checked (SHA-256 is what deposits use)", ref, d.SjekksumAlgoritme)...)
	} else if !strings.EqualFold(sum, d.Sjekksum) {
		out = append(out, p("checksum", "%s: SHA-256 is %s; the dokumentobjekt says %s", ref, sum, d.Sjekksum)...)
	}
	if size, err := strconv.ParseInt(d.Filstoerrelse, 10, 64); err == nil && size != n {
		out = append(out, p("checksum", "%s: the file has %d bytes; filstoerrelse says %d", ref, n, size)...)
	}
	return out
}

// packageFiles are the XML files of a package, in the order their problems are reported.
var packageFiles = []string{"arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml", "loependeJournal.xml", "offentligJournal.xml"}

// validateFiles validates the package's XML files, and through arkivstruktur.xml every
// document file. The files are validated in parallel, one goroutine each and at most
// GOMAXPROCS at a time (validating one file is sequential); their problems are reported in
// packageFiles' order whatever finishes first.
func (c *checker) validateFiles() error {
	type result struct {
		rep *noark5.Report
		sum string // SHA-256 of the file, taken as it was read
		err error
		ran bool
	}
	results := make([]result, len(packageFiles))
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i, name := range packageFiles {
		f, err := os.Open(filepath.Join(c.dir, name))
		if err != nil {
			if name == "arkivstruktur.xml" || name == "endringslogg.xml" || c.listed.sums[name] != "" {
				c.problem(name, "file", "missing from the package")
			}
			continue // a missing arkivuttrekk.xml is reported by readADDML
		}
		opts := &noark5.ValidateOptions{Versjon: c.versjon, ADDMLVersjon: c.addmlVersjon}
		if name == "arkivstruktur.xml" {
			opts.Dokumentobjekt = c.dokumentobjekt // the only file whose callback touches c
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer f.Close()
			h := sha256.New()
			r, err := noark5.Validate(io.TeeReader(c.reader(f), h), opts)
			sum := ""
			if err == nil || errors.As(err, new(*noark5.LimitError)) {
				// Validation may stop early (a document that is not well-formed): the
				// rest is read for the sum.
				if _, cerr := io.Copy(h, c.reader(f)); cerr == nil {
					sum = hex.EncodeToString(h.Sum(nil))
				}
			}
			results[i] = result{r, sum, err, true}
		}()
	}
	wg.Wait()
	if cerr := c.ctx.Err(); cerr != nil {
		return cerr
	}
	for i, name := range packageFiles {
		res := results[i]
		if !res.ran {
			continue
		}
		r, err := res.rep, res.err
		if res.sum != "" {
			c.sums[name] = res.sum
		}
		var le *noark5.LimitError
		if err != nil && !errors.As(err, &le) {
			return err // a limit is a problem in the report, not a failure to check
		}
		c.rep.Filer[name] = r
		for _, p := range r.Problems {
			if p.File == "" {
				p.File = name
			}
			c.rep.add(p)
		}
		// Problems past the report's cap still count.
		c.rep.Errors += r.Errors - count(r.Problems, noark5.SeverityError)
		c.rep.Warnings += r.Warnings - count(r.Problems, noark5.SeverityWarning)
	}
	return nil
}

// reader is r counted into the package's progress and ended by Check's context.
func (c *checker) reader(r io.Reader) io.Reader {
	return &checkReader{c: c, r: r}
}

type checkReader struct {
	c *checker
	r io.Reader
}

func (cr *checkReader) Read(b []byte) (int, error) {
	if err := cr.c.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := cr.r.Read(b)
	if n > 0 {
		// Files are read in parallel: one count, and OnProgress called once at a time.
		cr.c.mu.Lock()
		cr.c.read += int64(n)
		if cr.c.opts.OnProgress != nil {
			cr.c.opts.OnProgress(cr.c.read)
		}
		cr.c.mu.Unlock()
	}
	return n, err
}

// checkCounts compares the counts in arkivuttrekk.xml with what the files hold.
func (c *checker) checkCounts() {
	a := c.rep.Filer["arkivstruktur.xml"]
	if a == nil || !c.listed.ok {
		return
	}
	mapper := a.Counts["mappe"] + a.Counts["saksmappe"] + a.Counts["moetemappe"]
	reg := a.Counts["registrering"] + a.Counts["journalpost"] + a.Counts["arkivnotat"] + a.Counts["moeteregistrering"]
	for _, n := range []struct {
		file, what string
		got        int
	}{
		{"arkivstruktur.xml", "mappe", mapper},
		{"arkivstruktur.xml", "registrering", reg},
		{"endringslogg.xml", "endring", counted(c.rep.Filer["endringslogg.xml"], "endring")},
		{"loependeJournal.xml", "journalregistrering", counted(c.rep.Filer["loependeJournal.xml"], "journalregistrering")},
		{"offentligJournal.xml", "journalregistrering", counted(c.rep.Filer["offentligJournal.xml"], "journalregistrering")},
	} {
		want, ok := c.listed.counts[n.file+"//"+n.what]
		if ok && want != n.got {
			c.problem("arkivuttrekk.xml", "count", "%s holds %d %s; arkivuttrekk.xml says %d", n.file, n.got, n.what, want)
		}
	}
	if c.listed.files >= 0 && c.listed.files != c.files {
		c.problem("arkivuttrekk.xml", "count", "the package references %d document files; antallDokumentfiler says %d", c.files, c.listed.files)
	}
}

func count(ps []noark5.Problem, s noark5.Severity) int {
	n := 0
	for _, p := range ps {
		if p.Severity == s {
			n++
		}
	}
	return n
}

func counted(r *noark5.Report, what string) int {
	if r == nil {
		return 0
	}
	return r.Counts[what]
}

type addmlInfo struct {
	ok   bool
	sums map[string]string
	algs map[string]string // the checksum algorithm of each file in sums
	// schemas are the XSD files the dataObjects name (property schema/file/name).
	schemas map[string]bool
	counts  map[string]int // "file.xml//element" -> count
	files   int
}

// readADDML reads the checksums and counts an arkivuttrekk.xml gives.
func readADDML(name string) (*addmlInfo, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, errors.New("arkivuttrekk.xml is missing")
	}
	if st.Size() > 16<<20 {
		return nil, errors.New("arkivuttrekk.xml is larger than 16 MiB")
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromFile(name); err != nil {
		return nil, fmt.Errorf("arkivuttrekk.xml cannot be read: %v", err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "addml" || root.NamespaceURI() != ADDMLNamespace {
		return nil, errors.New("arkivuttrekk.xml is not an ADDML document")
	}
	info := &addmlInfo{ok: true, sums: map[string]string{}, algs: map[string]string{}, counts: map[string]int{}, schemas: map[string]bool{}, files: -1}
	value := func(e *etree.Element) string {
		if v := e.SelectElement("value"); v != nil {
			return strings.TrimSpace(v.Text())
		}
		return ""
	}
	props := func(e *etree.Element) []*etree.Element {
		if p := e.SelectElement("properties"); p != nil {
			return p.SelectElements("property")
		}
		return nil
	}
	named := func(list []*etree.Element, n string) []*etree.Element {
		var out []*etree.Element
		for _, e := range list {
			if e.SelectAttrValue("name", "") == n {
				out = append(out, e)
			}
		}
		return out
	}
	// A file property: name and checksum value.
	file := func(f *etree.Element) {
		ps := props(f)
		var fname, sum, alg string
		for _, n := range named(ps, "name") {
			fname = value(n)
		}
		for _, c := range named(ps, "checksum") {
			for _, v := range named(props(c), "value") {
				sum = value(v)
			}
			for _, a := range named(props(c), "algorithm") {
				alg = value(a)
			}
		}
		if fname != "" && sum != "" {
			info.sums[fname], info.algs[fname] = sum, alg
		}
	}
	for _, obj := range root.FindElements("//dataObject") {
		ps := props(obj)
		xmlName := ""
		for _, f := range named(ps, "file") {
			file(f)
			for _, n := range named(props(f), "name") {
				xmlName = value(n)
			}
		}
		for _, s := range named(ps, "schema") {
			for _, f := range named(props(s), "file") {
				file(f)
				for _, n := range named(props(f), "name") {
					if v := value(n); v != "" {
						info.schemas[v] = true
					}
				}
			}
		}
		for _, in := range named(ps, "info") {
			for _, oc := range named(props(in), "numberOfOccurrences") {
				for _, v := range named(props(oc), "value") {
					if n, err := strconv.Atoi(value(v)); err == nil {
						info.counts[xmlName+"//"+value(oc)] = n
					}
				}
			}
			for _, ai := range named(props(in), "additionalInfo") {
				for _, a := range named(props(ai), "antallDokumentfiler") {
					if n, err := strconv.Atoi(value(a)); err == nil {
						info.files = n
					}
				}
			}
		}
	}
	return info, nil
}
