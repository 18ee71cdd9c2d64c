package fiksio

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"mime"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// An ASiC-E container (ETSI EN 319 162-1) as KS's clients write it: a zip whose first
// entry is "mimetype" (stored, "application/vnd.etsi.asic-e+zip"), then the payload files
// (deflated), then META-INF/manifest.xml (OpenDocument), META-INF/ASiCManifest.xml (the
// SHA-256 of every file) and META-INF/signature-<uuid>.p7s (CAdES over the manifest).

// MimetypeASiCE is the ASiC-E container's media type, the content of its mimetype entry.
const MimetypeASiCE = "application/vnd.etsi.asic-e+zip"

const (
	asicNS        = "http://uri.etsi.org/02918/v1.2.1#"
	dsigNS        = "http://www.w3.org/2000/09/xmldsig#"
	xmlencSHA256  = "http://www.w3.org/2001/04/xmlenc#sha256"
	manifestName  = "META-INF/ASiCManifest.xml"
	maxManifest   = 4 << 20 // the manifest and the signature are read whole
	maxSignature  = 1 << 20
	maxContainerN = 10000 // entries
)

// ErrUnsafeName is matched by a file name that could leave the folder it is written to,
// or that a container may not hold: empty, absolute, with a ".." part, a backslash, a NUL,
// invalid UTF-8, "mimetype" or under META-INF/.
var ErrUnsafeName = errors.New("fiksio: unsafe file name")

// ErrDigest is matched when a file's content is not what the container's manifest says.
var ErrDigest = errors.New("fiksio: the file does not match the manifest digest")

// ErrContainer is matched by an ASiC-E container that cannot be read: not a zip, a wrong
// mimetype, a broken or missing manifest, a file the manifest does not list, a bad
// signature.
var ErrContainer = errors.New("fiksio: invalid ASiC-E container")

// ContainerError is an invalid container, with the reason. It matches ErrContainer.
type ContainerError struct{ Problem string }

func (e *ContainerError) Error() string        { return "fiksio: invalid ASiC-E container: " + e.Problem }
func (e *ContainerError) Is(target error) bool { return target == ErrContainer }

// checkName reports whether name may be a payload file name.
func checkName(name string) error {
	if err := checkPath(name); err != nil {
		return err
	}
	if name == "mimetype" || strings.HasPrefix(strings.ToUpper(name), "META-INF/") {
		return fmt.Errorf("%w %q: reserved by the container", ErrUnsafeName, safeName(name))
	}
	return nil
}

// checkPath reports whether name, any entry of a container, stays inside a folder.
func checkPath(name string) error {
	bad := func(why string) error { return fmt.Errorf("%w %q: %s", ErrUnsafeName, safeName(name), why) }
	switch {
	case name == "":
		return bad("empty")
	case !utf8.ValidString(name):
		return bad("not UTF-8")
	case strings.ContainsAny(name, "\\\x00"):
		return bad("a backslash or NUL")
	case strings.HasPrefix(name, "/") || filepath.IsAbs(name) || (len(name) > 1 && name[1] == ':'):
		return bad("absolute")
	case len(name) > 1024:
		return bad("longer than 1024 bytes")
	}
	for i, part := range strings.Split(name, "/") {
		last := i == strings.Count(name, "/")
		if part == ".." || part == "." || (part == "" && !last) {
			return bad(`an empty, "." or ".." part`)
		}
	}
	if strings.HasSuffix(name, "/") {
		return bad("a folder")
	}
	return nil
}

// safeName is name for messages: at most 100 characters, control characters replaced.
func safeName(name string) string {
	if len(name) > 100 {
		name = name[:100] + "..."
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(name, "?"))
}

// mimeTypeFor is the media type the manifest gives a file, by its extension.
func mimeTypeFor(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".xml":
		return "application/xml"
	case ".json":
		return "application/json"
	case ".pdf":
		return "application/pdf"
	case ".txt":
		return "text/plain"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		if i := strings.IndexByte(t, ';'); i > 0 {
			t = t[:i]
		}
		return t
	}
	return "application/octet-stream"
}

type manifestEntry struct {
	name, mime string
	digest     []byte
}

// asicWriter writes a container to w as files are added: each file is deflated and
// hashed as it is copied, so no file is held in memory; the manifest and the signature
// are written when it is closed.
type asicWriter struct {
	zw      *zip.Writer
	entries []manifestEntry
	names   map[string]bool
}

func newAsicWriter(w io.Writer, level int) (*asicWriter, error) {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) { return flate.NewWriter(out, level) })
	hdr := &zip.FileHeader{Name: "mimetype", Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(MimetypeASiCE)),
		CompressedSize64: uint64(len(MimetypeASiCE)), UncompressedSize64: uint64(len(MimetypeASiCE))}
	hdr.Modified = time.Time{}
	mw, err := zw.CreateRaw(hdr)
	if err != nil {
		return nil, err
	}
	if _, err := io.WriteString(mw, MimetypeASiCE); err != nil {
		return nil, err
	}
	return &asicWriter{zw: zw, names: map[string]bool{}}, nil
}

// stored describes a file written without compression: its CRC-32 and size must be in
// the local header, since KS's Java reader (ZipInputStream) cannot read a stored entry
// that has a data descriptor instead.
type stored struct {
	crc  uint32
	size int64
}

// addEntry writes one file, deflated, or stored when st is given.
func (a *asicWriter) addEntry(name string, r io.Reader, st *stored) (int64, error) {
	if err := checkName(name); err != nil {
		return 0, err
	}
	if a.names[strings.ToLower(name)] {
		return 0, fmt.Errorf("%w %q: two files with the same name", ErrUnsafeName, safeName(name))
	}
	a.names[strings.ToLower(name)] = true
	var w io.Writer
	var err error
	if st != nil {
		w, err = a.zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Store, Modified: time.Now(),
			CRC32: st.crc, CompressedSize64: uint64(st.size), UncompressedSize64: uint64(st.size)})
	} else {
		w, err = a.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	}
	if err != nil {
		return 0, err
	}
	h := sha256.New()
	var crc hash.Hash32
	dst := io.MultiWriter(w, h)
	if st != nil {
		crc = crc32.NewIEEE()
		dst = io.MultiWriter(w, h, crc)
	}
	n, err := io.Copy(dst, r)
	if err != nil {
		return n, err
	}
	if st != nil && (n != st.size || crc.Sum32() != st.crc) {
		// The source changed between the reads: the local header would lie.
		return n, fmt.Errorf("fiksio: %s changed while it was being sent", safeName(name))
	}
	a.entries = append(a.entries, manifestEntry{name: name, mime: mimeTypeFor(name), digest: h.Sum(nil)})
	return n, nil
}

// incompressible reports whether a file starting with head would gain little from
// deflate (already compressed: PDF streams, images, zip): less than 3 % at BestSpeed.
func incompressible(head []byte) bool {
	if len(head) < 4096 {
		return false
	}
	var c countingWriter
	fw, _ := flate.NewWriter(&c, flate.BestSpeed)
	_, _ = fw.Write(head)
	_ = fw.Close()
	return float64(c) > 0.97*float64(len(head))
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// close writes the manifests, signs the ASiC manifest with signer (whose certificate is
// chain[0]) and closes the zip.
func (a *asicWriter) close(signer crypto.Signer, chain []*x509.Certificate) error {
	sigName := "META-INF/signature-" + uuid.NewString() + ".p7s"
	if err := a.write("META-INF/manifest.xml", a.oasisManifest()); err != nil {
		return err
	}
	manifest := a.asicManifest(sigName)
	if err := a.write(manifestName, manifest); err != nil {
		return err
	}
	sig, err := signCAdES(manifest, signer, chain, time.Now())
	if err != nil {
		return fmt.Errorf("fiksio: %w", err)
	}
	if err := a.write(sigName, sig); err != nil {
		return err
	}
	return a.zw.Close()
}

func (a *asicWriter) write(name string, b []byte) error {
	w, err := a.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()})
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func attrEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&quot;")
}

func (a *asicWriter) asicManifest(sigName string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<ASiCManifest xmlns="` + asicNS + `" xmlns:ns2="` + dsigNS + `">` + "\n")
	b.WriteString(`    <SigReference URI="` + attrEscape(sigName) + `" MimeType="application/x-pkcs7-signature"/>` + "\n")
	for i, e := range a.entries {
		root := ""
		if i == 0 {
			root = ` Rootfile="true"`
		}
		fmt.Fprintf(&b, "    <DataObjectReference URI=\"%s\" MimeType=\"%s\"%s>\n", attrEscape(e.name), attrEscape(e.mime), root)
		b.WriteString(`        <ns2:DigestMethod Algorithm="` + xmlencSHA256 + `"/>` + "\n")
		b.WriteString(`        <ns2:DigestValue>` + base64.StdEncoding.EncodeToString(e.digest) + "</ns2:DigestValue>\n")
		b.WriteString("    </DataObjectReference>\n")
	}
	b.WriteString("</ASiCManifest>\n")
	return b.Bytes()
}

func (a *asicWriter) oasisManifest() []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	b.WriteString(`<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">` + "\n")
	b.WriteString(`    <manifest:file-entry manifest:full-path="/" manifest:media-type="` + MimetypeASiCE + `"/>` + "\n")
	for _, e := range a.entries {
		fmt.Fprintf(&b, "    <manifest:file-entry manifest:full-path=\"%s\" manifest:media-type=\"%s\"/>\n", attrEscape(e.name), attrEscape(e.mime))
	}
	b.WriteString("</manifest:manifest>\n")
	return b.Bytes()
}

// Container is a received ASiC-E container, opened for reading. Its manifest was read and
// its signature (when there is one) verified when it was opened; each file's digest is
// checked as the file is read.
type Container struct {
	// Files are the payload files in the container's order (the root file first when the
	// manifest names one).
	Files []*File
	// Signature is the verified signature, nil when the container has none.
	Signature *Signature

	closer func() error
}

// File is one payload file of a Container.
type File struct {
	// Name is the file's name in the container (checked: it never leaves a folder).
	Name string
	// MimeType as the manifest gives it.
	MimeType string
	// Size is the uncompressed size the zip gives.
	Size int64

	zf     *zip.File
	digest []byte
	hash   func() hash.Hash
}

// Open returns the file's content. Reading it to the end checks it against the manifest's
// digest: the last Read returns an error matching ErrDigest instead of io.EOF when it
// differs, and zip's CRC-32 is checked too.
func (f *File) Open() (io.ReadCloser, error) {
	rc, err := f.zf.Open()
	if err != nil {
		return nil, &ContainerError{Problem: fmt.Sprintf("%s: %v", safeName(f.Name), err)}
	}
	if f.hash == nil {
		return rc, nil
	}
	return &digestReader{rc: rc, h: f.hash(), want: f.digest, name: f.Name}, nil
}

type digestReader struct {
	rc   io.ReadCloser
	h    hash.Hash
	want []byte
	name string
}

func (d *digestReader) Read(p []byte) (int, error) {
	n, err := d.rc.Read(p)
	d.h.Write(p[:n])
	if err == io.EOF && !bytes.Equal(d.h.Sum(nil), d.want) {
		return n, fmt.Errorf("%w: %s", ErrDigest, safeName(d.name))
	}
	if err != nil && err != io.EOF {
		err = &ContainerError{Problem: fmt.Sprintf("%s: %v", safeName(d.name), err)}
	}
	return n, err
}

func (d *digestReader) Close() error { return d.rc.Close() }

// Close releases the container (and removes its spooled copy, if it has one).
func (c *Container) Close() error {
	if c.closer != nil {
		err := c.closer()
		c.closer = nil
		return err
	}
	return nil
}

// VerifyOptions say how much a container's signature must prove.
type VerifyOptions struct {
	// Roots, when set, require a signature whose certificate chains to one of them (at the
	// signing time, or now without one). Nil: a signature present is still verified
	// against its own certificate, but its signer is not judged.
	Roots *x509.CertPool
	// RequireSignature refuses a container without a signature (implied by Roots).
	RequireSignature bool
}

type xmlManifest struct {
	XMLName xml.Name `xml:"ASiCManifest"`
	SigRef  struct {
		URI string `xml:"URI,attr"`
	} `xml:"SigReference"`
	Refs []struct {
		URI      string `xml:"URI,attr"`
		MimeType string `xml:"MimeType,attr"`
		Rootfile bool   `xml:"Rootfile,attr"`
		Method   struct {
			Algorithm string `xml:"Algorithm,attr"`
		} `xml:"DigestMethod"`
		Value string `xml:"DigestValue"`
	} `xml:"DataObjectReference"`
}

// OpenContainer reads the ASiC-E container in r (size bytes): its structure, every name,
// the manifest, and the signature as opts asks. Files are read through File.Open.
func OpenContainer(r io.ReaderAt, size int64, opts *VerifyOptions) (*Container, error) {
	if opts == nil {
		opts = &VerifyOptions{}
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &ContainerError{Problem: "not a zip: " + err.Error()}
	}
	if len(zr.File) > maxContainerN {
		return nil, &ContainerError{Problem: fmt.Sprintf("%d entries; at most %d", len(zr.File), maxContainerN)}
	}
	var manifestFile, sigFile *zip.File
	payload := map[string]*zip.File{}
	var order []string
	for i, f := range zr.File {
		if !(strings.HasSuffix(f.Name, "/") && f.UncompressedSize64 == 0) {
			if err := checkPath(f.Name); err != nil {
				return nil, err
			}
		}
		switch {
		case f.Name == "mimetype":
			if i != 0 {
				return nil, &ContainerError{Problem: "mimetype is not the first entry"}
			}
			b, err := readSmall(f, 256)
			if err != nil || strings.TrimSpace(string(b)) != MimetypeASiCE {
				return nil, &ContainerError{Problem: fmt.Sprintf("mimetype is %q, not %s", safeName(string(b)), MimetypeASiCE)}
			}
		case strings.HasPrefix(strings.ToUpper(f.Name), "META-INF/"):
			base := strings.ToLower(path.Base(f.Name))
			switch {
			case strings.Contains(base, "asicmanifest") && strings.HasSuffix(base, ".xml"):
				if manifestFile != nil {
					return nil, &ContainerError{Problem: "more than one ASiC manifest (only one CAdES signature is read)"}
				}
				manifestFile = f
			case strings.HasSuffix(base, ".p7s"):
				if sigFile != nil {
					return nil, &ContainerError{Problem: "more than one signature"}
				}
				sigFile = f
			}
		case strings.HasSuffix(f.Name, "/") && f.UncompressedSize64 == 0:
			// a folder entry
		default:
			if err := checkName(f.Name); err != nil {
				return nil, err
			}
			if payload[f.Name] != nil {
				return nil, fmt.Errorf("%w %q: two entries with the same name", ErrUnsafeName, safeName(f.Name))
			}
			payload[f.Name] = f
			order = append(order, f.Name)
		}
	}
	c := &Container{}
	if manifestFile == nil {
		if opts.RequireSignature || opts.Roots != nil || sigFile != nil {
			return nil, &ContainerError{Problem: "no META-INF/ASiCManifest.xml"}
		}
		for _, name := range order {
			f := payload[name]
			c.Files = append(c.Files, &File{Name: name, MimeType: mimeTypeFor(name), Size: int64(f.UncompressedSize64), zf: f})
		}
		return c, nil
	}
	raw, err := readSmall(manifestFile, maxManifest)
	if err != nil {
		return nil, &ContainerError{Problem: "the manifest: " + err.Error()}
	}
	var m xmlManifest
	d := xml.NewDecoder(bytes.NewReader(raw))
	d.Strict = true
	if err := d.Decode(&m); err != nil {
		return nil, &ContainerError{Problem: "the manifest is not an ASiCManifest: " + err.Error()}
	}
	listed := map[string]bool{}
	var root []*File
	for _, ref := range m.Refs {
		f := payload[ref.URI]
		if f == nil {
			return nil, &ContainerError{Problem: fmt.Sprintf("the manifest lists %q, which the container lacks", safeName(ref.URI))}
		}
		if listed[ref.URI] {
			return nil, &ContainerError{Problem: fmt.Sprintf("the manifest lists %q twice", safeName(ref.URI))}
		}
		listed[ref.URI] = true
		newHash, err := manifestHash(ref.Method.Algorithm)
		if err != nil {
			return nil, err
		}
		digest, err := base64.StdEncoding.DecodeString(strings.TrimSpace(ref.Value))
		if err != nil {
			return nil, &ContainerError{Problem: fmt.Sprintf("%s: the digest is not base64", safeName(ref.URI))}
		}
		mt := ref.MimeType
		if mt == "" {
			mt = mimeTypeFor(ref.URI)
		}
		file := &File{Name: ref.URI, MimeType: mt, Size: int64(f.UncompressedSize64), zf: f, digest: digest, hash: newHash}
		if ref.Rootfile {
			root = append(root, file)
		} else {
			c.Files = append(c.Files, file)
		}
	}
	c.Files = append(root, c.Files...)
	for _, name := range order {
		if !listed[name] {
			return nil, &ContainerError{Problem: fmt.Sprintf("%q is in the container but not in the signed manifest", safeName(name))}
		}
	}
	if sigFile == nil {
		if opts.RequireSignature || opts.Roots != nil {
			return nil, &ContainerError{Problem: "the container is not signed"}
		}
		return c, nil
	}
	if m.SigRef.URI != "" && m.SigRef.URI != sigFile.Name {
		return nil, &ContainerError{Problem: "the manifest names another signature file"}
	}
	sig, err := readSmall(sigFile, maxSignature)
	if err != nil {
		return nil, &ContainerError{Problem: "the signature: " + err.Error()}
	}
	s, err := verifyCAdES(sig, raw)
	if err != nil {
		return nil, &ContainerError{Problem: "the signature: " + err.Error()}
	}
	if opts.Roots != nil {
		inter := x509.NewCertPool()
		for _, ic := range s.Intermediates {
			inter.AddCert(ic)
		}
		at := s.SigningTime
		if at.IsZero() {
			at = time.Now()
		}
		if _, err := s.Certificate.Verify(x509.VerifyOptions{Roots: opts.Roots, Intermediates: inter, CurrentTime: at,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			return nil, &ContainerError{Problem: "the signer is not trusted: " + err.Error()}
		}
	}
	c.Signature = s
	return c, nil
}

func manifestHash(alg string) (func() hash.Hash, error) {
	switch alg {
	case xmlencSHA256, "http://www.w3.org/2000/09/xmldsig#sha256":
		return sha256.New, nil
	case "http://www.w3.org/2001/04/xmldsig-more#sha384", "http://www.w3.org/2001/04/xmlenc#sha384":
		return sha512.New384, nil
	case "http://www.w3.org/2001/04/xmlenc#sha512":
		return sha512.New, nil
	}
	return nil, &ContainerError{Problem: fmt.Sprintf("digest method %q: want SHA-256, SHA-384 or SHA-512", safeName(alg))}
}

func readSmall(f *zip.File, max int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(max) {
		return nil, fmt.Errorf("%s is larger than %d bytes", safeName(f.Name), max)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", safeName(f.Name), max)
	}
	return b, nil
}
