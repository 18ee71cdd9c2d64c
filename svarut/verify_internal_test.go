package svarut

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"io"
	"testing"
)

type zipFile struct {
	name    string
	content []byte
	store   bool // stored with its sizes in the local header, as Java's ZipOutputStream writes STORED
}

// makeZip writes files as archive/zip does (deflate with data descriptors), or stored
// with sizes known up front.
func makeZip(t testing.TB, files ...zipFile) ([]byte, []Filmetadata) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	var listed []Filmetadata
	for _, f := range files {
		var w io.Writer
		var err error
		if f.store {
			var raw bytes.Buffer
			raw.Write(f.content)
			w, err = zw.CreateRaw(&zip.FileHeader{Name: f.name, Method: zip.Store, CRC32: crc32.ChecksumIEEE(f.content),
				CompressedSize64: uint64(len(f.content)), UncompressedSize64: uint64(len(f.content))})
		} else {
			w, err = zw.Create(f.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(f.content)
		sum := sha256.Sum256(f.content)
		listed = append(listed, Filmetadata{Filnavn: f.name, Sha256: hex.EncodeToString(sum[:]), Storrelse: int64(len(f.content))})
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), listed
}

// TestVerifyZip: each entry is checked as it streams past, for deflated entries with data
// descriptors (archive/zip, and Java's ZipOutputStream for DEFLATED) and stored ones with
// their sizes in the header (Java's STORED); a wrong hash, a missing or extra entry, a
// changed byte and a truncated zip are refused with ErrChecksum.
func TestVerifyZip(t *testing.T) {
	big := bytes.Repeat([]byte("vedtak om barnehageplass "), 50_000)
	files := []zipFile{{name: "vedtak.pdf", content: []byte("%PDF-1.7 vedtak %%EOF")}, {name: "vedlegg.xml", content: big}, {name: "data.bin", content: []byte{0, 1, 2, 3}, store: true}}
	z, listed := makeZip(t, files...)
	ok, err := verifyZip(bytes.NewReader(z), listed)
	if err != nil || !ok {
		t.Fatalf("a good zip: %v %v", ok, err)
	}
	ok, err = verifyZip(bytes.NewReader(z), []Filmetadata{{Filnavn: "vedtak.pdf"}, {Filnavn: "vedlegg.xml"}, {Filnavn: "data.bin"}})
	if err != nil || ok {
		t.Fatalf("no hashes listed: unverified, not failed: %v %v", ok, err)
	}
	wrong := append([]Filmetadata(nil), listed...)
	wrong[1].Sha256 = listed[0].Sha256
	for name, c := range map[string]struct {
		zip    []byte
		listed []Filmetadata
	}{
		"wrong hash":      {z, wrong},
		"one more listed": {z, append(append([]Filmetadata(nil), listed...), Filmetadata{Filnavn: "x.pdf", Sha256: listed[0].Sha256})},
		"one fewer":       {z, listed[:2]},
		"truncated":       {z[:len(z)/2], listed},
		"changed byte":    {flip(z, bytes.Index(z, []byte{0, 1, 2, 3})+2), listed},
		"not a zip":       {[]byte("%PDF-1.7"), listed},
	} {
		_, err := verifyZip(bytes.NewReader(c.zip), c.listed)
		if !errors.Is(err, ErrChecksum) {
			t.Errorf("%s: %v, want ErrChecksum", name, err)
		}
	}
	// One file handed out as itself.
	one, l1 := makeZip(t, files[1])
	zs := &zipStream{cr: &countingReader{r: bufioReader(one)}}
	e, err := zs.next()
	if err != nil {
		t.Fatal(err)
	}
	s := &singleEntry{z: zs, e: e, rest: zs.cr, want: l1[0].Sha256}
	got, err := io.ReadAll(s)
	if err != nil || !bytes.Equal(got, big) || !s.verified {
		t.Fatalf("single entry: %v, %d bytes, verified %v", err, len(got), s.verified)
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x01
	return c
}

// FuzzVerifyZip: any download, however malformed, ends in an answer (no panic, no hang),
// and a zip archive/zip wrote verifies.
func FuzzVerifyZip(f *testing.F) {
	z, _ := makeZip(f, zipFile{name: "a.pdf", content: []byte("%PDF a")}, zipFile{name: "b.bin", content: []byte("bbbb"), store: true})
	f.Add(z, "a.pdf", "b.bin")
	f.Add([]byte("PK\x03\x04"), "a", "b")
	f.Add([]byte("PK\x03\x04\x14\x00\x08\x00\x08\x00"), "", "")
	f.Fuzz(func(t *testing.T, data []byte, n1, n2 string) {
		listed := []Filmetadata{{Filnavn: n1, Sha256: "00"}, {Filnavn: n2}}
		ok, err := verifyZip(bytes.NewReader(data), listed)
		if ok && err != nil {
			t.Fatal("verified and failed at once")
		}
		if ok {
			t.Fatal("verified against a hash that cannot match")
		}
	})
}

func bufioReader(b []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(b)) }
