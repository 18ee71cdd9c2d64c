package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/arkivuttrekk"
	"github.com/fellesklient/fellesklient/noark5/noark5test"
	"github.com/fellesklient/fellesklient/noark5/skjemaer"
)

// noark5Files are the extraction files and the XSD that judges each.
var noark5Files = []string{"arkivstruktur", "endringslogg", "loependeJournal", "offentligJournal"}

// schemasFlag is --schemas (validate with xmllint against the embedded official XSDs) or
// --schemas=DIR (against the v5.0 XSDs in DIR).
type schemasFlag struct {
	on  bool
	dir string
}

func (s *schemasFlag) String() string   { return s.dir }
func (s *schemasFlag) IsBoolFlag() bool { return true }
func (s *schemasFlag) Set(v string) error {
	switch v {
	case "true":
		s.on, s.dir = true, ""
	case "false":
		s.on, s.dir = false, ""
	case "":
		return errors.New("give --schemas alone, or --schemas=DIR")
	default:
		s.on, s.dir = true, v
	}
	return nil
}

// runNoark5Validate: fellesklient noark5 validate [--schemas[=DIR]] [--json] PATH.
func runNoark5Validate(ctx context.Context, e *env, args []string) error {
	flags := newFlagSet(e, "fellesklient noark5 validate")
	var schemas schemasFlag
	flags.Var(&schemas, "schemas", "also validate with xmllint (when installed) against the official XSDs this module carries, or with\n--schemas=DIR against the v5.0 XSDs in DIR")
	quiet := flags.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	versjon := flags.String("versjon", "", "judge by Noark 5 version 5.0, 4.0 or 3.1 (default: a package's by the arkivstruktur.xsd it carries, else 5.0; a file's by the first version it is valid in, 5.0 first)")
	addmlVersjon := flags.String("addml-versjon", "", "judge arkivuttrekk.xml by ADDML version 8.3 or 8.2 (default: a package's by the addml.xsd it carries, else 8.3; a file's by the first version it is valid in, 8.3 first)")
	var of outputFlags
	of.register(flags)
	pos, err := interspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("usage: fellesklient noark5 validate [--schemas[=DIR]] [--json] PATH (a file or an extraction folder)")
	}
	if *versjon != "" && !slices.Contains(noark5.Versjoner, *versjon) {
		return usageErr("--versjon %s: give one of %s", *versjon, strings.Join(noark5.Versjoner, ", "))
	}
	if *addmlVersjon != "" && !slices.Contains(noark5.ADDMLVersjoner, *addmlVersjon) {
		return usageErr("--addml-versjon %s: give one of %s", *addmlVersjon, strings.Join(noark5.ADDMLVersjoner, ", "))
	}
	target := pos[0]
	st, err := os.Stat(target)
	if err != nil {
		return ioErr(fmt.Errorf("%s: %w", target, errors.Unwrap(err)))
	}
	var problems []noark5.Problem
	errorsN, warnings := 0, 0
	var xmlFiles []string
	used, detected := *versjon, ""
	standard := "Noark 5" // or ADDML, for an arkivuttrekk.xml alone
	usedADDML := *addmlVersjon
	if st.IsDir() {
		pb := newBar(e, *quiet, packageSize(target), "checking", false)
		rep, err := arkivuttrekk.Check(ctx, target, &arkivuttrekk.CheckOptions{OnProgress: pb.set(), Versjon: *versjon, ADDMLVersjon: *addmlVersjon})
		pb.done()
		if err != nil {
			return ioErr(err)
		}
		problems, errorsN, warnings = rep.Problems, rep.Errors, rep.Warnings
		usedADDML = rep.ADDMLVersjon
		if used == "" {
			used = rep.Versjon
			if xsd, err := os.ReadFile(filepath.Join(target, "arkivstruktur.xsd")); err == nil && arkivuttrekk.SkjemaVersjon(xsd) != "" {
				detected = "by the arkivstruktur.xsd it carries"
			}
		}
		for _, f := range noark5Files {
			if _, err := os.Stat(filepath.Join(target, f+".xml")); err == nil {
				xmlFiles = append(xmlFiles, filepath.Join(target, f+".xml"))
			}
		}
	} else {
		judge := func(v, av string, pb *bar) (*noark5.Report, error) {
			f, err := os.Open(target)
			if err != nil {
				return nil, ioErr(err)
			}
			defer f.Close()
			rep, err := noark5.Validate(pb.reader(f), &noark5.ValidateOptions{Versjon: v, ADDMLVersjon: av})
			var le *noark5.LimitError
			if err != nil && !errors.As(err, &le) {
				return nil, ioErr(err) // past a limit, the report says so and the file is invalid
			}
			return rep, nil
		}
		pb := newBar(e, *quiet, st.Size(), "validating", false)
		first := used
		if first == "" {
			first = noark5.Versjoner[0]
		}
		rep, err := judge(first, usedADDML, pb)
		pb.done()
		if err != nil {
			return err
		}
		if rep.Schema == "addml" {
			// An arkivuttrekk.xml: judged by ADDML, whose two versions share a namespace.
			standard, used, detected = "ADDML", rep.Versjon, ""
			if usedADDML == "" {
				detected = "valid in none of " + strings.Join(noark5.ADDMLVersjoner, ", ")
				if rep.Valid() {
					detected = "the first version it is valid in"
				}
				for _, v := range noark5.ADDMLVersjoner[1:] {
					if rep.Valid() {
						break
					}
					older, err := judge(first, v, &bar{})
					if err != nil {
						return err
					}
					if older.Valid() {
						rep, used, detected = older, v, "the first version it is valid in"
					}
				}
			}
			usedADDML = used
		} else if used == "" {
			// An older extraction: the first version it is valid in. Invalid in every one,
			// it is judged as v5.0.
			used, detected = first, "valid in none of "+strings.Join(noark5.Versjoner, ", ")
			if rep.Valid() {
				detected = "the first version it is valid in"
			}
			for _, v := range noark5.Versjoner[1:] {
				if rep.Valid() || rep.Schema == "" {
					break
				}
				older, err := judge(v, "", &bar{})
				if err != nil {
					return err
				}
				if older.Valid() {
					rep, used, detected = older, v, "the first version it is valid in"
				}
			}
		}
		for _, p := range rep.Problems {
			p.File = filepath.Base(target)
			problems = append(problems, p)
		}
		errorsN, warnings = rep.Errors, rep.Warnings
		xmlFiles = []string{target}
	}
	var lint []string
	if schemas.on {
		if st.IsDir() {
			if _, err := os.Stat(filepath.Join(target, "arkivuttrekk.xml")); err == nil {
				xmlFiles = append(xmlFiles, filepath.Join(target, "arkivuttrekk.xml"))
			}
		}
		if standard == "Noark 5" && used != "5.0" && schemas.dir == "" {
			fmt.Fprintf(e.stderr, "note: --schemas: the module carries the v5.0 XSDs only; give --schemas=DIR with the v%s ones to run xmllint\n", used)
		} else {
			l, err := xmllintFiles(ctx, e, schemas.dir, usedADDML, xmlFiles)
			if err != nil {
				return err
			}
			lint = l
		}
	}
	valid := errorsN == 0 && len(lint) == 0
	if of.json {
		type jsonProblem struct {
			File     string `json:"file,omitempty"`
			Line     int    `json:"line,omitempty"`
			Path     string `json:"path"`
			Rule     string `json:"rule"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
		}
		out := struct {
			Valid        bool          `json:"valid"`
			Versjon      string        `json:"versjon,omitempty"`
			ADDMLVersjon string        `json:"addmlVersjon,omitempty"`
			Errors       int           `json:"errors"`
			Warnings     int           `json:"warnings"`
			Problems     []jsonProblem `json:"problems"`
			XMLLint      []string      `json:"xmllint,omitempty"`
		}{valid, used, usedADDML, errorsN, warnings, []jsonProblem{}, lint}
		if standard == "ADDML" {
			out.Versjon = "" // the Noark 5 version: none, for an ADDML file alone
		}
		for _, p := range problems {
			out.Problems = append(out.Problems, jsonProblem{p.File, p.Line, p.Path, p.Rule, p.Severity.String(), p.Message})
		}
		if err := writeJSON(e, out); err != nil {
			return err
		}
	} else {
		for _, p := range problems {
			fmt.Fprintln(e.stdout, p.String())
		}
		for _, l := range lint {
			fmt.Fprintln(e.stdout, "xmllint: "+l)
		}
	}
	if !valid {
		if st.IsDir() {
			detected += "; arkivuttrekk.xml ADDML v" + usedADDML
		}
		return noErr(fmt.Errorf("%s is not valid (%s v%s%s): %d error(s), %d warning(s)", target, standard, used, detectedNote(detected), errorsN, warnings))
	}
	if st.IsDir() {
		detected += "; arkivuttrekk.xml ADDML v" + usedADDML
	}
	fmt.Fprintf(e.stderr, "%s is valid (%s v%s%s), %d warning(s)\n", target, standard, used, detectedNote(detected), warnings)
	return nil
}

// detectedNote says how the version was chosen, when --versjon did not say it.
func detectedNote(how string) string {
	if how == "" {
		return ""
	}
	return "; " + how
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// xmllintFiles validates files with xmllint --stream against the embedded official XSDs
// (written to a temporary folder), with dir's v5.0 XSDs instead when dir is set, and
// arkivuttrekk.xml against the embedded addml.xsd of ADDML version addml (8.3 when
// empty). It returns what xmllint said of each invalid file; without xmllint it says so
// on stderr and returns nothing.
func xmllintFiles(ctx context.Context, e *env, dir, addml string, files []string) ([]string, error) {
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		fmt.Fprintln(e.stderr, "note: --schemas: xmllint is not installed (Debian: libxml2-utils); only the Go validator ran")
		return nil, nil
	}
	tmp, err := os.MkdirTemp("", "fellesklient-xsd-")
	if err != nil {
		return nil, ioErr(err)
	}
	defer os.RemoveAll(tmp)
	addmlFS := skjemaer.ADDML()
	if addml == "8.2" {
		addmlFS = skjemaer.ADDML82()
	}
	for name, fsys := range map[string]fs.FS{"": skjemaer.V50(), "addml": addmlFS} {
		if err := os.CopyFS(filepath.Join(tmp, name), fsys); err != nil {
			return nil, ioErr(err)
		}
	}
	if dir == "" {
		dir = tmp
	}
	var lint []string
	for _, f := range files {
		xsd, err := schemaFor(dir, f)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(xsd, "addml.xsd") {
			xsd = filepath.Join(tmp, "addml", "addml.xsd")
		}
		out, err := exec.CommandContext(ctx, bin, "--noout", "--nonet", "--stream", "--schema", xsd, f).CombinedOutput()
		if err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				return nil, ioErr(err)
			}
			if ee.ExitCode() != 3 && ee.ExitCode() != 4 && ee.ExitCode() != 1 {
				return nil, ioErr(fmt.Errorf("xmllint: %s", firstLine(string(out))))
			}
			lint = append(lint, strings.TrimSpace(string(out)))
		}
	}
	return lint, nil
}

// schemaFor picks the XSD for an extraction file by its root (addml.xsd for the ADDML).
func schemaFor(dir, file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", ioErr(err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	name := "arkivstruktur"
	for _, s := range noark5Files[1:] {
		if strings.Contains(string(head[:n]), "<"+s) {
			name = s
		}
	}
	if strings.Contains(string(head[:n]), "<addml") {
		return "addml.xsd", nil
	}
	xsd := filepath.Join(dir, name+".xsd")
	if _, err := os.Stat(xsd); err != nil {
		return "", usageErr("--schemas=%s has no %s.xsd", dir, name)
	}
	return xsd, nil
}

// runNoark5Demo: fellesklient noark5 demo-uttrekk --registreringer N --out DIR [--schemas DIR].
func runNoark5Demo(ctx context.Context, e *env, args []string) error {
	flags := newFlagSet(e, "fellesklient noark5 demo-uttrekk")
	n := flags.Int("registreringer", 1000, "number of journalposter")
	out := flags.String("out", "", "package folder to create (must not exist or be empty)")
	schemas := flags.String("schemas", "", "include the v5.0 XSDs from this folder instead of the official ones the module carries")
	force := flags.Bool("force", false, "replace a package already in --out")
	quiet := flags.Bool("quiet", false, "no progress on stderr (shown only when stderr is a terminal)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if *out == "" || flags.NArg() != 0 {
		return usageErr("usage: fellesklient noark5 demo-uttrekk --registreringer N --out DIR [--schemas DIR]")
	}
	if *n < 1 {
		return usageErr("--registreringer must be 1 or more")
	}
	var skjemaer fs.FS
	if *schemas != "" {
		skjemaer = os.DirFS(*schemas)
	}
	made, err := prepareOut(*out, *force)
	if err != nil {
		return err
	}
	pb := newBar(e, *quiet, int64(*n), "writing journalposter", true)
	res, err := noark5test.Uttrekk(ctx, *out, *n, &noark5test.UttrekkOptions{Skjemaer: skjemaer, OnProgress: pb.set()})
	pb.done()
	if err != nil {
		// Leave nothing half-written that would block the next run.
		if made {
			_ = os.RemoveAll(*out)
		} else {
			emptyDir(*out)
		}
		return ioErr(fmt.Errorf("%w (the partial package was removed)", err))
	}
	fmt.Fprintf(e.stdout, "%s: %d mapper, %d registreringer, %d dokumentfiler, %d endringer, %d journalregistreringer\n",
		res.Dir, res.Mapper, res.Registreringer, res.Dokumentfiler, res.Endringer, res.Journalregistreringer)
	return nil
}

// packageSize is the bytes Check will read of the package in dir (its files but the
// ADDML and the XSDs), for the progress bar's total; -1 when it cannot tell.
func packageSize(dir string) int64 {
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(d.Name(), ".xsd") {
			return err
		}
		if info, err := d.Info(); err == nil && info.Mode().IsRegular() {
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		return -1
	}
	return total
}

// prepareOut makes --out ready for a new package: it must not exist (it is made, and
// made reports so), be empty, or, with force, hold a Noark 5 package (which is removed).
func prepareOut(dir string, force bool) (made bool, err error) {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return false, ioErr(fmt.Errorf("--out: %w", err))
		}
		return true, nil
	case err != nil:
		return false, ioErr(fmt.Errorf("--out: %w", err))
	case len(entries) == 0:
		return false, nil
	case !force:
		return false, usageErr("--out %s is not empty: give --force to replace the package in it, or another folder", dir)
	}
	for _, name := range []string{"arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml", "dokumenter"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			emptyDir(dir)
			return false, nil
		}
	}
	return false, usageErr("--out %s holds something that is not a Noark 5 package; --force replaces only a package", dir)
}

// emptyDir removes what dir holds, keeping dir.
func emptyDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		_ = os.RemoveAll(filepath.Join(dir, en.Name()))
	}
}

// runNoark5Summary: fellesklient noark5 summary [--json] PATH.
func runNoark5Summary(ctx context.Context, e *env, args []string) error {
	flags := newFlagSet(e, "fellesklient noark5 summary")
	var of outputFlags
	of.register(flags)
	pos, err := interspersed(flags, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("usage: fellesklient noark5 summary [--json] PATH (arkivstruktur.xml or an extraction folder)")
	}
	target := pos[0]
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		target = filepath.Join(target, "arkivstruktur.xml")
	}
	f, err := os.Open(target)
	if err != nil {
		return ioErr(fmt.Errorf("%s: %w", pos[0], errors.Unwrap(err)))
	}
	defer f.Close()
	rep, err := noark5.Validate(f, &noark5.ValidateOptions{MaxProblems: 1})
	var le *noark5.LimitError
	if err != nil && !errors.As(err, &le) {
		return ioErr(err)
	}
	if rep.Schema == "" {
		return noErr(fmt.Errorf("%s is not a Noark 5 extraction file", target))
	}
	if of.json {
		return writeJSON(e, struct {
			Schema   string         `json:"schema"`
			Counts   map[string]int `json:"counts"`
			Earliest string         `json:"earliest,omitempty"`
			Latest   string         `json:"latest,omitempty"`
			Bytes    int64          `json:"bytes"`
			Valid    bool           `json:"valid"`
		}{rep.Schema, rep.Counts, rep.Earliest, rep.Latest, rep.Bytes, rep.Valid()})
	}
	fmt.Fprintf(e.stdout, "%s (%s, %d bytes)\n", target, rep.Schema, rep.Bytes)
	keys := make([]string, 0, len(rep.Counts))
	for k := range rep.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(e.stdout, "  %-24s %d\n", k, rep.Counts[k])
	}
	if rep.Earliest != "" {
		fmt.Fprintf(e.stdout, "  %-24s %s – %s\n", "datoer", rep.Earliest, rep.Latest)
	}
	if !rep.Valid() {
		fmt.Fprintf(e.stdout, "  not valid: run fellesklient noark5 validate %s\n", pos[0])
	}
	return nil
}
