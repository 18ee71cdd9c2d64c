package arkivuttrekk

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/skjemaer"
)

// ADDMLNamespace is the namespace of arkivuttrekk.xml.
const ADDMLNamespace = "http://www.arkivverket.no/standarder/addml"

// Result is what Close wrote.
type Result struct {
	Dir            string
	Mapper         int
	Registreringer int
	Dokumentfiler  int
	Endringer      int
	// Journalregistreringer in each journal; UtenforJournal counts journalposter left out
	// of them (not in a saksmappe, or without korrespondansepart, which the journal
	// schemas require).
	Journalregistreringer int
	UtenforJournal        int
	// Sjekksummer is the SHA-256 of every file arkivuttrekk.xml describes.
	Sjekksummer map[string]string
}

// Close finishes the package: closes arkivstruktur.xml, writes endringslogg.xml and the
// journals, copies the XSDs, and writes arkivuttrekk.xml with the counts and checksums.
// Every file is synced before arkivuttrekk.xml is written, so a package with an
// arkivuttrekk.xml is complete.
func (u *Uttrekk) Close() (*Result, error) {
	if u.closed {
		return nil, errors.New("arkivuttrekk: already closed")
	}
	u.closed = true
	if u.err != nil {
		u.cleanup()
		return nil, u.err
	}
	res, err := u.finish()
	u.cleanup()
	return res, err
}

func (u *Uttrekk) cleanup() {
	for _, j := range []*journalFile{u.endring, u.loepende, u.offentlig} {
		if j != nil {
			j.f.Close()
			os.Remove(j.f.Name())
		}
	}
	if u.structure != nil {
		u.structure.Close()
	}
}

func (u *Uttrekk) finish() (*Result, error) {
	if err := u.w.Close(); err != nil {
		return nil, err
	}
	if err := syncClose(u.structure); err != nil {
		return nil, err
	}
	u.structure = nil
	counts := u.w.Counts()
	if u.endringer == 0 {
		return nil, errors.New("arkivuttrekk: endringslogg.xml needs at least one endring (the v5.0 schema requires 1..n); add them with Endring")
	}
	if err := u.wrap(u.endring, "endringslogg.xml", "endringslogg", "http://www.arkivverket.no/standarder/noark5/endringslogg", nil); err != nil {
		return nil, err
	}
	if u.opts.Journaler {
		if u.journal == 0 {
			return nil, errors.New("arkivuttrekk: the journals need at least one journalpost in a saksmappe with a korrespondansepart")
		}
		start, end := u.first, u.last
		head := journalhode{JournalStartDato: start, JournalSluttDato: end, AntallJournalposter: u.journal, Arkivskaper: u.arkivskap}
		if err := u.wrap(u.loepende, "loependeJournal.xml", "loependeJournal", "http://www.arkivverket.no/standarder/noark5/loependeJournal", &head); err != nil {
			return nil, err
		}
		if err := u.wrap(u.offentlig, "offentligJournal.xml", "offentligJournal", "http://www.arkivverket.no/standarder/noark5/offentligJournal", &head); err != nil {
			return nil, err
		}
	}
	if u.opts.Skjemaer != nil {
		for _, name := range Skjemafiler {
			b, err := fs.ReadFile(u.opts.Skjemaer, name)
			if err != nil {
				return nil, fmt.Errorf("arkivuttrekk: %w", err)
			}
			if err := writeSynced(filepath.Join(u.opts.Dir, name), b); err != nil {
				return nil, err
			}
		}
		// arkivuttrekk.xml names addml.xsd as its schema: the package carries it too.
		b, err := fs.ReadFile(skjemaer.ADDML(), "addml.xsd")
		if err != nil {
			return nil, fmt.Errorf("arkivuttrekk: %w", err)
		}
		if err := writeSynced(filepath.Join(u.opts.Dir, "addml.xsd"), b); err != nil {
			return nil, err
		}
	}
	sums := map[string]string{}
	files := []string{"arkivstruktur.xml", "endringslogg.xml"}
	if u.opts.Journaler {
		files = append(files, "loependeJournal.xml", "offentligJournal.xml")
	}
	if u.opts.Skjemaer != nil {
		files = append(files, Skjemafiler...)
	}
	for _, f := range files {
		s, err := sha256File(filepath.Join(u.opts.Dir, f))
		if err != nil {
			return nil, err
		}
		sums[f] = s
	}
	res := &Result{Dir: u.opts.Dir, Mapper: counts.Mapper, Registreringer: counts.Registreringer, Dokumentfiler: u.files,
		Endringer: u.endringer, Journalregistreringer: u.journal, UtenforJournal: u.utenforJournal, Sjekksummer: sums}
	doc := u.addml(res)
	doc.Indent(2)
	b, err := doc.WriteToBytes()
	if err != nil {
		return nil, err
	}
	if err := writeSynced(filepath.Join(u.opts.Dir, "arkivuttrekk.xml"), b); err != nil {
		return nil, err
	}
	if d, err := os.Open(u.opts.Dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return res, nil
}

type journalhode struct {
	JournalStartDato    string               `xml:"journalStartDato"`
	JournalSluttDato    string               `xml:"journalSluttDato"`
	AntallJournalposter int                  `xml:"antallJournalposter"`
	Arkivskaper         []noark5.Arkivskaper `xml:"arkivskaper"`
}

// wrap writes name: the root with its namespace, the head, the body from the temporary
// file, the end tag.
func (u *Uttrekk) wrap(j *journalFile, name, root, ns string, head *journalhode) error {
	if err := j.e.Flush(); err != nil {
		return err
	}
	if err := j.w.Flush(); err != nil {
		return err
	}
	if _, err := j.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	out, err := os.Create(filepath.Join(u.opts.Dir, name))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	fmt.Fprintf(bw, "%s<%s xmlns=%q>\n", xml.Header, root, ns)
	if head != nil {
		e := xml.NewEncoder(bw)
		e.Indent("  ", "  ")
		if err := e.EncodeElement(head, xml.StartElement{Name: xml.Name{Local: "journalhode"}}); err != nil {
			out.Close()
			return err
		}
		if err := e.Flush(); err != nil {
			out.Close()
			return err
		}
	}
	if _, err := io.Copy(bw, j.f); err != nil {
		out.Close()
		return err
	}
	fmt.Fprintf(bw, "\n</%s>\n", root)
	if err := bw.Flush(); err != nil {
		out.Close()
		return err
	}
	return syncClose(out)
}

func syncClose(f *os.File) error {
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeSynced(name string, b []byte) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return syncClose(f)
}

func sha256File(name string) (string, error) {
	sum, _, err := hashFile(name)
	return sum, err
}

func hashFile(name string) (string, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	return hashReader(f)
}

// hashReader reads r to the end and returns its SHA-256 (lower-case hex) and length: the
// one place package files and documents are hashed, while copying, writing or checking.
func hashReader(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", n, err
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// addml builds arkivuttrekk.xml in the structure of Arkivverket's template.
func (u *Uttrekk) addml(res *Result) *etree.Document {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="utf-8"`)
	root := doc.CreateElement("addml")
	root.CreateAttr("xmlns", ADDMLNamespace)
	root.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
	root.CreateAttr("xsi:schemaLocation", ADDMLNamespace+" addml.xsd")
	root.CreateAttr("name", "Noark 5-arkivuttrekk")
	ds := root.CreateElement("dataset")
	ds.CreateElement("description").SetText("Noark 5-arkivuttrekk")
	ref := ds.CreateElement("reference")
	ctx := ref.CreateElement("context").CreateElement("additionalElements")
	creators := additional(ctx, "recordCreators", "").CreateElement("additionalElements")
	names := u.opts.Arkivskapere
	if len(names) == 0 {
		for _, a := range u.arkivskap {
			names = append(names, a.ArkivskaperNavn)
		}
	}
	for _, n := range names {
		additional(creators, "recordCreator", n)
	}
	additional(ctx, "systemType", or(u.opts.SystemType, "Sakarkiv (Noark-5)"))
	additional(ctx, "systemName", or(u.opts.SystemNavn, "Ukjent system"))
	additional(ctx, "archive", or(u.opts.ArkivNavn, "Arkiv"))
	content := ref.CreateElement("content").CreateElement("additionalElements")
	period := additional(content, "archivalPeriod", "").CreateElement("properties")
	start, end := u.first, u.last
	if !u.opts.PeriodeStart.IsZero() {
		start = u.opts.PeriodeStart.Format("2006-01-02")
	}
	if !u.opts.PeriodeSlutt.IsZero() {
		end = u.opts.PeriodeSlutt.Format("2006-01-02")
	}
	property(period, "startDate", start, "")
	property(period, "endDate", end, "")

	top := ds.CreateElement("dataObjects").CreateElement("dataObject")
	top.CreateAttr("name", "Noark 5-arkivuttrekk")
	tp := top.CreateElement("properties")
	info := property(tp, "info", "", "").CreateElement("properties")
	typ := property(info, "type", "Noark 5", "").CreateElement("properties")
	property(typ, "version", "5.0", "")
	extra := property(info, "additionalInfo", "", "").CreateElement("properties")
	periode := property(extra, "periode", "", "").CreateElement("properties")
	property(periode, "inngaaendeSkille", u.opts.InngaaendeSkille, "")
	property(periode, "utgaaendeSkille", u.opts.UtgaaendeSkille, "")
	property(extra, "inneholderSkjermetInformasjon", strconv.FormatBool(u.skjermet), "boolean")
	property(extra, "omfatterDokumenterSomErKassert", strconv.FormatBool(u.kassert || u.opts.OmfatterDokumenterSomErKassert), "boolean")
	property(extra, "inneholderDokumenterSomSkalKasseres", strconv.FormatBool(u.kasseres), "boolean")
	property(extra, "inneholderVirksomhetsspesifikkeMetadata", strconv.FormatBool(u.virksomhet), "boolean")
	property(extra, "antallDokumentfiler", strconv.Itoa(res.Dokumentfiler), "integer")

	objs := top.CreateElement("dataObjects")
	dataObject(objs, "arkivstruktur", res.Sjekksummer, true, [][2]string{{"mappe", strconv.Itoa(res.Mapper)}, {"registrering", strconv.Itoa(res.Registreringer)}})
	dataObject(objs, "endringslogg", res.Sjekksummer, false, [][2]string{{"endring", strconv.Itoa(res.Endringer)}})
	if u.opts.Journaler {
		dataObject(objs, "loependeJournal", res.Sjekksummer, false, [][2]string{{"journalregistrering", strconv.Itoa(res.Journalregistreringer)}})
		dataObject(objs, "offentligJournal", res.Sjekksummer, false, [][2]string{{"journalregistrering", strconv.Itoa(res.Journalregistreringer)}})
	}
	return doc
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func additional(parent *etree.Element, name, value string) *etree.Element {
	e := parent.CreateElement("additionalElement")
	e.CreateAttr("name", name)
	if value != "" {
		e.CreateElement("value").SetText(value)
	}
	return e
}

func property(parent *etree.Element, name, value, dataType string) *etree.Element {
	e := parent.CreateElement("property")
	if dataType != "" {
		e.CreateAttr("dataType", dataType)
	}
	e.CreateAttr("name", name)
	if value != "" {
		e.CreateElement("value").SetText(value)
	}
	return e
}

func fileProperty(parent *etree.Element, name, sum string) {
	f := property(parent, "file", "", "").CreateElement("properties")
	property(f, "name", name, "")
	format := property(f, "format", "XML", "").CreateElement("properties")
	property(format, "version", "1.0", "")
	if sum != "" {
		cs := property(f, "checksum", "", "").CreateElement("properties")
		property(cs, "algorithm", "SHA-256", "")
		property(cs, "value", sum, "")
	}
}

func dataObject(parent *etree.Element, name string, sums map[string]string, mdkSum bool, occurrences [][2]string) {
	o := parent.CreateElement("dataObject")
	o.CreateAttr("name", name)
	p := o.CreateElement("properties")
	fileProperty(p, name+".xml", sums[name+".xml"])
	main := property(p, "schema", "main", "").CreateElement("properties")
	fileProperty(main, name+".xsd", sums[name+".xsd"])
	st := property(main, "type", "XML Schema", "").CreateElement("properties")
	property(st, "version", "1.0", "")
	mdk := property(p, "schema", "", "").CreateElement("properties")
	if mdkSum {
		fileProperty(mdk, "metadatakatalog.xsd", sums["metadatakatalog.xsd"])
		mt := property(mdk, "type", "XML Schema", "").CreateElement("properties")
		property(mt, "version", "1.0", "")
	} else {
		f := property(mdk, "file", "", "").CreateElement("properties")
		property(f, "name", "metadatakatalog.xsd", "")
	}
	info := property(p, "info", "", "").CreateElement("properties")
	for _, oc := range occurrences {
		n := property(info, "numberOfOccurrences", oc[0], "").CreateElement("properties")
		property(n, "elementPath", "//"+oc[0], "")
		property(n, "value", oc[1], "integer")
	}
}
