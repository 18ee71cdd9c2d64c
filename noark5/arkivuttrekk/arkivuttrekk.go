// Package arkivuttrekk writes and checks a Noark 5 v5.0 deposit package (avleveringspakke):
// a folder with arkivstruktur.xml, endringslogg.xml, loependeJournal.xml and
// offentligJournal.xml (when asked), the official XSDs, arkivuttrekk.xml (the ADDML
// description, in the structure of Arkivverket's template arkivuttrekk-mal_v5_0.xml) with
// counts and the SHA-256 of every XML and XSD file, and the documents folder, each file
// copied from its source with its checksum and size computed on the way.
//
// Writing streams: the extraction is written through the same calls as noark5.Writer
// (StartArkiv, StartArkivdel, StartKlasse, StartMappe, Registrering, End), one record at a
// time; the journals are built from the journalposter as they pass; memory does not grow
// with the number of records.
package arkivuttrekk

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/skjemaer"
	"github.com/fellesklient/fellesklient/progress"
)

// Skjemafiler are the XSDs a v5.0 deposit carries, unmodified (with addml.xsd, which
// arkivuttrekk.xml names).
var Skjemafiler = skjemaer.V50Filer

// Options describe the deposit.
type Options struct {
	// Dir is the package folder. It is created; it must not exist or be empty.
	Dir string
	// Skjemaer holds the Noark 5 v5.0 XSDs (Skjemafiler) to copy into the package as they
	// are. Nil: the official ones this module embeds (package skjemaer), which is what a
	// deposit must carry; set it only to carry another official revision.
	Skjemaer fs.FS
	// UtenSkjemaer leaves the XSDs out (and their checksums in arkivuttrekk.xml): the
	// package is then not ready for deposit. For special cases such as load tests.
	UtenSkjemaer bool
	// Dokumenter opens the source of a document file, by its referanseDokumentfil. Nil: the
	// extraction has no document files.
	Dokumenter func(referanseDokumentfil string) (io.ReadCloser, error)
	// Journaler writes loependeJournal.xml and offentligJournal.xml from the journalposter
	// in saksmapper.
	Journaler bool

	// Arkivskapere (recordCreators), SystemType ("Sakarkiv (Noark-5)"), SystemNavn and
	// ArkivNavn go to arkivuttrekk.xml.
	Arkivskapere []string
	SystemType   string
	SystemNavn   string
	ArkivNavn    string
	// Periode is the archival period; zero: the span of the journal dates.
	PeriodeStart, PeriodeSlutt noark5.Dato
	// InngaaendeSkille and UtgaaendeSkille are the periodisation at the start and end:
	// "mykt" or "skarpt" (default "skarpt").
	InngaaendeSkille, UtgaaendeSkille string
	// OmfatterDokumenterSomErKassert: documents were disposed of before the extraction.
	OmfatterDokumenterSomErKassert bool

	// OnProgress, when set, is called with the number of registreringer written so far,
	// after each: the hook for a progress bar or a metric over a long extraction.
	OnProgress progress.Func
}

// Endring is one entry of endringslogg.xml.
type Endring struct {
	ReferanseArkivenhet string // the systemID of the changed unit
	ReferanseMetadata   string // the changed element, e.g. "journalstatus" or "M053"
	EndretDato          noark5.Tidspunkt
	EndretAv            string
	TidligereVerdi      string
	NyVerdi             string
}

// Uttrekk is a deposit being written. Create it with New; finish it with Close.
type Uttrekk struct {
	opts      Options
	w         *noark5.Writer
	structure *os.File
	endring   *journalFile
	loepende  *journalFile
	offentlig *journalFile

	files          int
	klasse         []klasseInfo
	mapper         []*noark5.Mappe
	endringer      int
	journal        int
	first          string
	last           string
	skjermet       bool
	kasseres       bool
	kassert        bool
	virksomhet     bool
	arkivskap      []noark5.Arkivskaper
	opened         []string
	utenforJournal int
	registreringer int64
	err            error
	closed         bool
}

type klasseInfo struct{ id, tittel string }

// journalFile is a body written to a temporary file, to be wrapped at Close.
type journalFile struct {
	f *os.File
	w *bufio.Writer
	e *xml.Encoder
}

func newJournalFile(dir, name string) (*journalFile, error) {
	f, err := os.CreateTemp(dir, "."+name+"-*.tmp")
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	e := xml.NewEncoder(w)
	e.Indent("  ", "  ")
	return &journalFile{f: f, w: w, e: e}, nil
}

// ErrInvalid is matched (errors.Is) by every error that refuses the caller's input:
// Options, a document reference, a sjekksum that does not match the file. It is
// noark5.ErrInvalid, which the writer's validation errors match too.
var ErrInvalid = noark5.ErrInvalid

// inputError is input refused; it matches ErrInvalid and wraps any cause.
type inputError struct{ err error }

func (e *inputError) Error() string        { return "arkivuttrekk: " + e.err.Error() }
func (e *inputError) Unwrap() error        { return e.err }
func (e *inputError) Is(target error) bool { return target == ErrInvalid }

func invalid(format string, args ...any) error {
	return &inputError{fmt.Errorf(format, args...)}
}

// New creates the package folder and the files it writes as it goes.
func New(opts Options) (*Uttrekk, error) {
	if opts.Dir == "" {
		return nil, invalid("Options.Dir is required")
	}
	switch {
	case opts.UtenSkjemaer:
		opts.Skjemaer = nil
	case opts.Skjemaer == nil:
		opts.Skjemaer = skjemaer.V50()
	}
	for _, name := range Skjemafiler {
		if opts.Skjemaer == nil {
			break
		}
		b, err := fs.ReadFile(opts.Skjemaer, name)
		if err != nil {
			return nil, invalid("Skjemaer: %w", err)
		}
		if name == "arkivstruktur.xsd" && !strings.Contains(string(b), `version="5.0"`) {
			return nil, invalid("Skjemaer: arkivstruktur.xsd is not version 5.0")
		}
	}
	if opts.InngaaendeSkille == "" {
		opts.InngaaendeSkille = "skarpt"
	}
	if opts.UtgaaendeSkille == "" {
		opts.UtgaaendeSkille = "skarpt"
	}
	for _, v := range []string{opts.InngaaendeSkille, opts.UtgaaendeSkille} {
		if v != "mykt" && v != "skarpt" {
			return nil, invalid("periode skille %q: want mykt or skarpt", v)
		}
	}
	if entries, err := os.ReadDir(opts.Dir); err == nil && len(entries) > 0 {
		return nil, invalid("%s is not empty", opts.Dir)
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("arkivuttrekk: %w", err)
	}
	u := &Uttrekk{opts: opts}
	var err error
	if u.structure, err = os.Create(filepath.Join(opts.Dir, "arkivstruktur.xml")); err != nil {
		return nil, fmt.Errorf("arkivuttrekk: %w", err)
	}
	u.w = noark5.NewWriter(u.structure, &noark5.WriterOptions{Indent: true, Dokumentobjekt: u.copyFile})
	if u.endring, err = newJournalFile(opts.Dir, "endringslogg"); err != nil {
		return nil, fmt.Errorf("arkivuttrekk: %w", err)
	}
	if opts.Journaler {
		if u.loepende, err = newJournalFile(opts.Dir, "loependeJournal"); err != nil {
			return nil, fmt.Errorf("arkivuttrekk: %w", err)
		}
		if u.offentlig, err = newJournalFile(opts.Dir, "offentligJournal"); err != nil {
			return nil, fmt.Errorf("arkivuttrekk: %w", err)
		}
	}
	return u, nil
}

func (u *Uttrekk) fail(err error) error {
	if u.err == nil {
		u.err = err
	}
	return err
}

// copyFile copies a document into the package, filling in its checksum and size.
func (u *Uttrekk) copyFile(d *noark5.Dokumentobjekt) error {
	ref := d.ReferanseDokumentfil
	clean := path.Clean(ref)
	if ref == "" || path.IsAbs(ref) || clean != ref || strings.HasPrefix(clean, "../") || clean == ".." || strings.Contains(ref, "\\") {
		return invalid("referanseDokumentfil %q: want a clean path inside the package, like dokumenter/1.pdf", ref)
	}
	if slices.Contains(append(Skjemafiler, "arkivstruktur.xml", "endringslogg.xml", "loependeJournal.xml", "offentligJournal.xml", "arkivuttrekk.xml", "addml.xsd"), clean) {
		return invalid("referanseDokumentfil %q is a name the package uses", ref)
	}
	if u.opts.Dokumenter == nil {
		return invalid("%s: Options.Dokumenter is not set", ref)
	}
	src, err := u.opts.Dokumenter(ref)
	if err != nil {
		return fmt.Errorf("arkivuttrekk: opening %s: %w", ref, err)
	}
	defer src.Close()
	dst := filepath.Join(u.opts.Dir, filepath.FromSlash(clean))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("arkivuttrekk: %w", err)
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		// Another dokumentobjekt has the same file: take its checksum from the copy made.
		sum, size, err := hashFile(dst)
		if err != nil {
			return fmt.Errorf("arkivuttrekk: %w", err)
		}
		d.Sjekksum, d.SjekksumAlgoritme, d.Filstoerrelse = sum, "SHA-256", size
		return nil
	}
	if err != nil {
		return fmt.Errorf("arkivuttrekk: %w", err)
	}
	sum, n, err := hashReader(io.TeeReader(src, f))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("arkivuttrekk: copying %s: %w", ref, err)
	}
	if d.Sjekksum != "" && !strings.EqualFold(d.Sjekksum, sum) {
		return invalid("%s: the file's SHA-256 is %s, not the sjekksum given (%s)", ref, sum, d.Sjekksum)
	}
	u.files++
	d.Sjekksum, d.SjekksumAlgoritme, d.Filstoerrelse = sum, "SHA-256", n
	return nil
}

// StartArkiv opens the root (see noark5.Writer).
func (u *Uttrekk) StartArkiv(a *noark5.Arkiv) error {
	if err := u.w.StartArkiv(a); err != nil {
		return err
	}
	if len(u.arkivskap) == 0 {
		u.arkivskap = a.Arkivskaper
	}
	u.opened = append(u.opened, "arkiv")
	return nil
}

// StartArkivdel opens an arkivdel.
func (u *Uttrekk) StartArkivdel(a *noark5.Arkivdel) error {
	if err := u.w.StartArkivdel(a); err != nil {
		return err
	}
	u.skjermet = u.skjermet || a.Skjerming != nil
	u.kassert = u.kassert || a.UtfoertKassasjon != nil
	u.opened = append(u.opened, "arkivdel")
	return nil
}

// StartKlassifikasjonssystem opens a classification system.
func (u *Uttrekk) StartKlassifikasjonssystem(k *noark5.Klassifikasjonssystem) error {
	if err := u.w.StartKlassifikasjonssystem(k); err != nil {
		return err
	}
	u.opened = append(u.opened, "klassifikasjonssystem")
	return nil
}

// StartKlasse opens a klasse.
func (u *Uttrekk) StartKlasse(k *noark5.Klasse) error {
	if err := u.w.StartKlasse(k); err != nil {
		return err
	}
	u.klasse = append(u.klasse, klasseInfo{k.KlasseID, k.Tittel})
	u.skjermet = u.skjermet || k.Skjerming != nil
	u.opened = append(u.opened, "klasse")
	return nil
}

// StartMappe opens a mappe whose children follow.
func (u *Uttrekk) StartMappe(m *noark5.Mappe) error {
	if err := u.w.StartMappe(m); err != nil {
		return err
	}
	u.noteMappe(m)
	cp := *m
	u.mapper = append(u.mapper, &cp)
	u.opened = append(u.opened, "mappe")
	return nil
}

// Mappe writes a whole mappe with its children.
func (u *Uttrekk) Mappe(m *noark5.Mappe) error {
	if err := u.w.Mappe(m); err != nil {
		return err
	}
	return u.walkMappe(m)
}

func (u *Uttrekk) walkMappe(m *noark5.Mappe) error {
	u.noteMappe(m)
	u.mapper = append(u.mapper, m)
	defer func() { u.mapper = u.mapper[:len(u.mapper)-1] }()
	for i := range m.Mapper {
		if err := u.walkMappe(&m.Mapper[i]); err != nil {
			return err
		}
	}
	for i := range m.Registreringer {
		if err := u.noteRegistrering(&m.Registreringer[i]); err != nil {
			return err
		}
	}
	return nil
}

func (u *Uttrekk) noteMappe(m *noark5.Mappe) {
	u.skjermet = u.skjermet || m.Skjerming != nil
	u.virksomhet = u.virksomhet || m.VirksomhetsspesifikkeMetadata != nil
	u.kasseres = u.kasseres || (m.Kassasjon != nil && m.Kassasjon.Kassasjonsvedtak == "Kasseres")
}

// Registrering writes a registrering; its files are copied into the package on the way.
func (u *Uttrekk) Registrering(r *noark5.Registrering) error {
	if err := u.w.Registrering(r); err != nil {
		return err
	}
	return u.noteRegistrering(r)
}

// End closes the innermost container.
func (u *Uttrekk) End() error {
	if err := u.w.End(); err != nil {
		return err
	}
	if n := len(u.opened); n > 0 {
		switch u.opened[n-1] {
		case "mappe":
			u.mapper = u.mapper[:len(u.mapper)-1]
		case "klasse":
			u.klasse = u.klasse[:len(u.klasse)-1]
		}
		u.opened = u.opened[:n-1]
	}
	return nil
}

// Endring adds an entry to endringslogg.xml.
func (u *Uttrekk) Endring(e Endring) error {
	if u.err != nil {
		return u.err
	}
	var probs []string
	if !noark5.IsUUID(e.ReferanseArkivenhet) {
		probs = append(probs, fmt.Sprintf("referanseArkivenhet %q is not a UUID", e.ReferanseArkivenhet))
	}
	for name, v := range map[string]string{"referanseMetadata": e.ReferanseMetadata, "endretAv": e.EndretAv, "tidligereVerdi": e.TidligereVerdi, "nyVerdi": e.NyVerdi} {
		if v == "" {
			probs = append(probs, name+" must not be empty")
		}
	}
	if e.EndretDato.IsZero() {
		probs = append(probs, "endretDato is required")
	}
	if len(probs) > 0 {
		slices.Sort(probs)
		return &noark5.WriteError{Path: "/endringslogg/endring", Problems: probs}
	}
	type endring struct {
		ReferanseArkivenhet string           `xml:"referanseArkivenhet"`
		ReferanseMetadata   string           `xml:"referanseMetadata"`
		EndretDato          noark5.Tidspunkt `xml:"endretDato"`
		EndretAv            string           `xml:"endretAv"`
		TidligereVerdi      string           `xml:"tidligereVerdi"`
		NyVerdi             string           `xml:"nyVerdi"`
	}
	if err := u.endring.e.EncodeElement(endring(e), xml.StartElement{Name: xml.Name{Local: "endring"}}); err != nil {
		return u.fail(err)
	}
	u.endringer++
	return nil
}
