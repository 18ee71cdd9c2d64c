package svarut

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// MetadataFile is the name Save gives the forsendelse's metadata in its folder. No
// document is ever stored under this name: a document called so gets another (see Save).
const MetadataFile = "forsendelse.json"

// partialPrefix begins the name of every folder and file Save writes before it is
// complete. CleanPartial removes them; a stored document never begins with it.
const partialPrefix = ".svarinn-"

// MaxNameBytes is the longest file name Save writes (the limit of ext4, XFS, btrfs, NTFS
// and APFS).
const MaxNameBytes = 255

// SaveOptions configures Save.
type SaveOptions struct {
	// CheckStructure refuses a document that fails a cheap structural check: a PDF (by
	// name or MIME type) must begin with %PDF- and end with %%EOF; a zip-based document
	// (.zip, .docx, .xlsx, .pptx, .odt, .ods, .odp, .asice) must open as a zip with intact
	// entries. It catches corruption that AES-CBC cannot (see kryptering.ErrIntegrity)
	// when SvarInn lists no checksum. The CLI turns it on.
	CheckStructure bool
}

// SavedFile is one stored document.
type SavedFile struct {
	// Filnavn is the name the sender gave it.
	Filnavn string `json:"filnavn"`
	// Name is the name it is stored under in the folder: Filnavn, made safe and distinct.
	Name string `json:"name"`
	// Size in bytes and SHA-256 (hex) of what was stored.
	Size   int64  `json:"size"`
	Sha256 string `json:"sha256"`
	// Verified: the SHA-256 equals the one SvarInn listed for the file.
	Verified bool `json:"verified"`
}

// SaveResult is what Save stored.
type SaveResult struct {
	// Dir is the forsendelse's folder: dir/<id>.
	Dir   string      `json:"-"`
	Files []SavedFile `json:"filer"`
	// Verified: every file was checked against a SHA-256 SvarInn listed. False means at
	// least one was stored as it decrypted, with nothing to compare it to (AES-CBC does
	// not detect a changed bit by itself).
	Verified bool `json:"verified"`
}

// Save stores one received forsendelse durably in dir/<id>/: every document (a zip
// download is unpacked) and MetadataFile. It is the Handler work that Receive expects, for
// callers who want files on disk (use it in a Handler, or SaveHandler).
//
// Guarantees:
//   - Every document is stored, each under its own name. A name that is empty, is "." or
//     "..", holds a path separator, NUL or control character, or begins with "." is made
//     safe ("_" for each such character, "dokument" for an empty name); names equal
//     ignoring case (so also on case-insensitive file systems) and the name MetadataFile
//     are made distinct as "navn (2).pdf", "navn (3).pdf", … in the order SvarInn sent
//     them. The metadata file maps each sender's name to the stored one.
//   - Nothing partial is visible: the folder is assembled under a name beginning with
//     ".svarinn-", each file synced, and renamed to dir/<id> only when complete (an
//     earlier copy of the same forsendelse is replaced). A run killed midway leaves only
//     ".svarinn-" entries, which CleanPartial removes (Save removes those of its own
//     forsendelse). Several receivers may share dir (replicas with a lease store):
//     storing is idempotent per forsendelse id, and one replica's Save never touches
//     another forsendelse's work in progress.
//   - A file whose SHA-256 differs from the one SvarInn listed, a zip entry whose CRC-32
//     fails, and (with CheckStructure) a document with a broken structure are errors:
//     nothing is stored and Receive does not acknowledge it.
//   - A name longer than MaxNameBytes is a Permanent error, since no retry can store it.
//     Errors about the forsendelse never contain local paths (Receive sends them to
//     SvarInn); a fault of the file system (a missing or read-only folder, a full disk)
//     matches ErrLocal, names its path, and is reported to nobody (see ErrLocal).
func Save(dir string, f *MottattForsendelse, fil *ReceivedFile, opts SaveOptions) (*SaveResult, error) {
	if err := checkID("svarut.Save", f.ID); err != nil {
		return nil, err
	}
	// Only this forsendelse's leftovers: in a folder shared by replicas the others'
	// stages are work in progress.
	if _, err := cleanPartial(dir, func(name string) bool {
		return strings.HasPrefix(name, partialPrefix+f.ID+"-") || strings.HasPrefix(name, partialPrefix+"old-"+f.ID+"-")
	}, time.Time{}); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp(dir, partialPrefix+f.ID+"-*")
	if err != nil {
		return nil, localFault(err)
	}
	defer os.RemoveAll(stage) // after the rename it no longer exists
	s := &saver{stage: stage, opts: opts, names: newNamer(), meta: f.Filmetadata}
	res := &SaveResult{Dir: filepath.Join(dir, f.ID), Verified: true}
	if fil.Zip {
		err = s.unzip(fil, res)
	} else {
		var sf SavedFile
		sf, err = s.write(fil.Filnavn, fil)
		if err == nil {
			sf.Verified = fil.Verified()
			res.Files = append(res.Files, sf)
		}
	}
	if err != nil {
		return nil, err
	}
	for _, sf := range res.Files {
		res.Verified = res.Verified && sf.Verified
	}
	meta, err := json.MarshalIndent(struct {
		*MottattForsendelse
		Lagret *SaveResult `json:"lagret"`
	}{f, res}, "", "  ")
	if err != nil {
		return nil, err
	}
	if _, err := s.writeFile(MetadataFile, bytes.NewReader(meta)); err != nil {
		return nil, err
	}
	if err := syncDir(stage); err != nil {
		return nil, err
	}
	if err := replaceDir(stage, res.Dir); err != nil {
		return nil, err
	}
	fil.verified = res.Verified
	return res, syncDir(dir)
}

// SaveHandler returns a Handler that Saves each forsendelse under dir and then calls
// saved (which may be nil) with the result; an error from saved fails the forsendelse.
func SaveHandler(dir string, opts SaveOptions, saved func(*MottattForsendelse, *SaveResult) error) Handler {
	return func(_ context.Context, f *MottattForsendelse, fil *ReceivedFile) error {
		res, err := Save(dir, f, fil, opts)
		if err != nil {
			return err
		}
		if saved != nil {
			return saved(f, res)
		}
		return nil
	}
}

// CleanPartial removes what an interrupted Save left in dir (entries whose names begin
// with ".svarinn-": partial plaintext among them) and returns how many it removed. Call
// it at start-up when this process is the only receiver writing to dir; with replicas
// sharing dir, use CleanPartialOlder.
func CleanPartial(dir string) (int, error) {
	return cleanPartial(dir, func(string) bool { return true }, time.Time{})
}

// CleanPartialOlder is CleanPartial for a folder shared by replicas: it removes only the
// leftovers nothing has written to for age (a replica still saving touches its stage as
// it writes). Give it more than the lease ttl.
func CleanPartialOlder(dir string, age time.Duration) (int, error) {
	return cleanPartial(dir, func(string) bool { return true }, time.Now().Add(-age))
}

// cleanPartial removes the partial entries whose names match and, unless cutoff is
// zero, that nothing has written to since cutoff (only then is an entry walked).
func cleanPartial(dir string, match func(name string) bool, cutoff time.Time) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, localFault(err)
	}
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), partialPrefix) {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if !match(e.Name()) || (!cutoff.IsZero() && !newestMod(p).Before(cutoff)) {
			continue
		}
		if err := os.RemoveAll(p); err != nil {
			return n, localFault(err)
		}
		n++
	}
	return n, nil
}

// newestMod is the latest modification time of p and what is in it.
func newestMod(p string) time.Time {
	var newest time.Time
	_ = filepath.WalkDir(p, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().After(newest) {
			newest = info.ModTime()
		}
		return nil
	})
	return newest
}

type saver struct {
	stage string
	opts  SaveOptions
	names *namer
	meta  []Filmetadata
	used  []bool
}

// write stores r under a distinct safe name for filnavn and checks its structure.
func (s *saver) write(filnavn string, r io.Reader) (SavedFile, error) {
	name, err := s.names.take(filnavn)
	if err != nil {
		return SavedFile{}, err
	}
	sf, err := s.writeFile(name, r)
	if err != nil {
		return sf, err
	}
	sf.Filnavn = filnavn
	if s.opts.CheckStructure {
		if err := checkStructure(filepath.Join(s.stage, name), name, sf.Size); err != nil {
			return sf, fmt.Errorf("document %d (%s): %w", len(s.names.taken)-1, name, err)
		}
	}
	return sf, nil
}

func (s *saver) writeFile(name string, r io.Reader) (SavedFile, error) {
	out, err := os.OpenFile(filepath.Join(s.stage, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return SavedFile{}, nameError(name, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(out, h), r)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return SavedFile{}, localFault(err)
	}
	return SavedFile{Name: name, Size: n, Sha256: hex.EncodeToString(h.Sum(nil))}, nil
}

// unzip downloads the zip into the stage, then stores each entry, checking its CRC-32
// (archive/zip, when read to the end) and the SHA-256 SvarInn listed for it.
func (s *saver) unzip(fil *ReceivedFile, res *SaveResult) error {
	tmp, err := os.CreateTemp(s.stage, partialPrefix+"*.zip")
	if err != nil {
		return localFault(err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	size, err := io.Copy(tmp, fil) // also runs the CMS checks
	if err != nil {
		return localFault(err)
	}
	zr, err := zip.NewReader(tmp, size)
	if err != nil {
		return fmt.Errorf("the download is not a valid zip: %w", localFault(err))
	}
	s.used = make([]bool, len(s.meta))
	for i, zf := range zr.File {
		if zf.FileInfo().IsDir() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("zip entry %d: %w", i+1, err)
		}
		sf, err := s.write(path.Base(strings.ReplaceAll(zf.Name, "\\", "/")), entryReader{rc})
		rc.Close()
		var ce corruptEntry
		switch {
		case errors.Is(err, zip.ErrChecksum):
			return fmt.Errorf("zip entry %d fails its CRC-32: %w", i+1, ErrChecksum)
		case errors.As(err, &ce):
			return fmt.Errorf("zip entry %d is corrupt (%v): %w", i+1, ce.err, ErrChecksum)
		case err != nil:
			return err
		}
		sf.Filnavn = zf.Name
		if want := matchListed(s.meta, s.used, i, zf.Name); want != "" {
			if !strings.EqualFold(want, sf.Sha256) {
				return fmt.Errorf("zip entry %d does not match the SHA-256 SvarInn listed: %w", i+1, ErrChecksum)
			}
			sf.Verified = true
		}
		res.Files = append(res.Files, sf)
	}
	if len(res.Files) == 0 {
		return errors.New("the zip holds no files")
	}
	return nil
}

// entryReader marks the errors of reading a zip entry (a broken deflate stream, a
// truncated entry), so that they are told apart from errors of writing it.
type entryReader struct{ r io.Reader }

type corruptEntry struct{ err error }

func (e corruptEntry) Error() string { return e.err.Error() }
func (e corruptEntry) Unwrap() error { return e.err }

func (e entryReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, zip.ErrChecksum) {
		err = corruptEntry{err}
	}
	return n, err
}

// namer hands out distinct safe names, case-insensitively, with MetadataFile reserved.
type namer struct{ taken map[string]bool }

func newNamer() *namer {
	return &namer{taken: map[string]bool{strings.ToLower(MetadataFile): true}}
}

func (n *namer) take(filnavn string) (string, error) {
	base := safeName(filnavn)
	ext := path.Ext(base)
	if len(ext) > 16 || ext == base {
		ext = ""
	}
	stem := strings.TrimSuffix(base, ext)
	name := base
	for i := 2; n.taken[strings.ToLower(name)]; i++ {
		name = stem + " (" + strconv.Itoa(i) + ")" + ext
	}
	if len(name) > MaxNameBytes {
		return "", Permanent(fmt.Errorf("a file name is %d bytes long; file systems allow %d", len(name), MaxNameBytes))
	}
	n.taken[strings.ToLower(name)] = true
	return name, nil
}

// safeName makes a sender's file name a plain, visible file name.
func safeName(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "_")
	}
	s = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < 0x20 || r == 0x7f {
			return '_'
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "." || s == "..":
		return "dokument"
	case strings.HasPrefix(s, "."):
		return "_" + s[1:]
	}
	return s
}

func checkStructure(file, name string, size int64) error {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".pdf"):
		f, err := os.Open(file)
		if err != nil {
			return localFault(err)
		}
		defer f.Close()
		head := make([]byte, 1024)
		n, _ := io.ReadFull(f, head)
		if !bytes.Contains(head[:n], []byte("%PDF-")) {
			return ErrStructure
		}
		tail := make([]byte, min(size, 1024))
		if _, err := f.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
			return localFault(err)
		}
		if !bytes.Contains(tail, []byte("%%EOF")) {
			return ErrStructure
		}
	case hasAnySuffix(lower, ".zip", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".asice"):
		zr, err := zip.OpenReader(file)
		if err != nil {
			return ErrStructure
		}
		defer zr.Close()
		for _, zf := range zr.File {
			rc, err := zf.Open()
			if err == nil {
				_, err = io.Copy(io.Discard, rc)
				rc.Close()
			}
			if err != nil {
				return ErrStructure
			}
		}
	}
	return nil
}

func hasAnySuffix(s string, suffixes ...string) bool {
	for _, x := range suffixes {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

// ErrStructure: a received document fails Save's structural check (SaveOptions).
var ErrStructure = errors.New("svarut: the received document is not a well-formed file of its type")

// nameError makes a too-long name Permanent; every error loses its local path.
func nameError(name string, err error) error {
	if errors.Is(err, syscall.ENAMETOOLONG) {
		return Permanent(fmt.Errorf("a file name is %d bytes long; the file system refuses it", len(name)))
	}
	return localFault(err)
}

// localFault marks a file-system error (*fs.PathError, *os.LinkError) as a local fault
// (ErrLocal): the folder, the disk or a permission, not the forsendelse. Receive reports
// it to nobody, so its message keeps the path; other errors are returned as they are.
func localFault(err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	if errors.As(err, &pe) || errors.As(err, &le) {
		return Local(err)
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return localFault(err)
	}
	defer d.Close()
	return localFault(d.Sync())
}

// replaceDir renames stage to target; an existing target (an earlier, unacknowledged
// copy) is moved aside first and removed after. Another process storing the same
// forsendelse at the same moment (a replica whose lease lapsed) may put its copy there
// between the two renames: that is moved aside in turn, up to a few times.
func replaceDir(stage, target string) error {
	var err error
	for range 3 {
		if _, lerr := os.Lstat(target); lerr == nil {
			var rnd [6]byte
			_, _ = rand.Read(rnd[:])
			old := filepath.Join(filepath.Dir(target), partialPrefix+"old-"+filepath.Base(target)+"-"+hex.EncodeToString(rnd[:]))
			if err := os.Rename(target, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return localFault(err)
			}
			defer os.RemoveAll(old)
		}
		if err = os.Rename(stage, target); err == nil {
			return nil
		}
	}
	return localFault(err)
}
