package svarut

import (
	"bufio"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"strings"
)

const zipMagic = "PK\x03\x04"

// ErrUnverifiable: the downloaded zip uses a feature the streaming check cannot follow
// (an encrypted entry, a compression other than store and deflate, a stored entry of
// unknown length), so its files cannot be checked against the SHA-256 SvarInn listed.
// Receive reports such a forsendelse failed for now instead of acknowledging it.
var ErrUnverifiable = errors.New("svarut: the download cannot be checked against what SvarInn listed")

// verifier checks a download as it is read against the files SvarInn listed: a single
// file by its SHA-256; a zip entry by entry, in a goroutine reading a pipe the download
// is copied into, so nothing is held whole or written to disk.
type verifier struct {
	listed []Filmetadata
	h      hash.Hash // the single file
	pw     *io.PipeWriter
	done   chan verifyResult
	ended  bool
}

type verifyResult struct {
	verified bool
	err      error
}

var errAbandoned = errors.New("the download was closed before its end")

func newVerifier(listed []Filmetadata, zip bool) *verifier {
	v := &verifier{listed: listed}
	if !zip {
		v.h = sha256.New()
		return v
	}
	pr, pw := io.Pipe()
	v.pw, v.done = pw, make(chan verifyResult, 1)
	go func() {
		ok, err := verifyZip(pr, listed)
		// Whatever the outcome, take the rest, so that the reader is never held up.
		_, _ = io.Copy(io.Discard, pr)
		v.done <- verifyResult{ok, err}
	}()
	return v
}

func (v *verifier) write(p []byte) {
	if v.h != nil {
		v.h.Write(p)
		return
	}
	_, _ = v.pw.Write(p) // the goroutine takes everything; it never closes its end
}

// finish is called at the download's io.EOF: whether every file was verified, or the
// mismatch.
func (v *verifier) finish() (bool, error) {
	v.ended = true
	if v.h != nil {
		if len(v.listed) != 1 || v.listed[0].Sha256 == "" {
			return false, nil
		}
		if !strings.EqualFold(hex.EncodeToString(v.h.Sum(nil)), v.listed[0].Sha256) {
			return false, ErrChecksum
		}
		return true, nil
	}
	v.pw.Close()
	r := <-v.done
	return r.verified, r.err
}

// abandon ends the check of a download closed before its end.
func (v *verifier) abandon() {
	if v.pw != nil && !v.ended {
		v.ended = true
		v.pw.CloseWithError(errAbandoned)
	}
}

// countingReader counts what flate takes; it is an io.ByteReader, so flate reads no
// further than its stream's end.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// verifyZip reads a zip as a stream of local entries (the central directory at its end
// is not needed) and checks each entry's content against the SHA-256 listed for it, and
// the number of entries against the number listed. It reports whether every entry had a
// listed SHA-256.
func verifyZip(r io.Reader, listed []Filmetadata) (bool, error) {
	z := &zipStream{cr: &countingReader{r: bufio.NewReaderSize(r, 32<<10)}}
	used := make([]bool, len(listed))
	n, all := 0, true
	for {
		e, err := z.next()
		if err != nil {
			return false, err
		}
		if e == nil {
			if len(listed) > 0 && n != len(listed) {
				return false, fmt.Errorf("the zip holds %d files, SvarInn listed %d: %w", n, len(listed), ErrChecksum)
			}
			return all && n > 0, nil
		}
		if _, err := io.Copy(io.Discard, e); err != nil {
			return false, err
		}
		if e.dir {
			continue
		}
		want := matchListed(listed, used, n, e.name)
		n++
		switch {
		case want == "":
			all = false
		case !strings.EqualFold(want, e.sha256()):
			return false, fmt.Errorf("zip entry %d does not match the SHA-256 SvarInn listed: %w", n, ErrChecksum)
		}
	}
}

// zipStream reads a zip's local entries in order, as a stream.
type zipStream struct {
	cr *countingReader
	n  int // entries started
}

// zipEntry is one entry's content, read from the stream. At its end its CRC-32 is
// checked (a mismatch is ErrChecksum) and its data descriptor, if any, consumed.
type zipEntry struct {
	z       *zipStream
	index   int
	name    string
	dir     bool
	flags   uint16
	r       io.Reader
	closer  io.Closer
	h       hash.Hash
	crc     hash.Hash32
	size    int64
	start   int64
	wantCRC uint32
	err     error
}

// next starts the next entry; nil at the central directory (no more entries).
func (z *zipStream) next() (*zipEntry, error) {
	cr := z.cr
	i := z.n + 1
	sig, err := cr.r.Peek(4)
	if err != nil {
		return nil, fmt.Errorf("the zip ends after %d entries, without its directory: %w", z.n, ErrChecksum)
	}
	switch string(sig) {
	case zipMagic:
	case "PK\x01\x02", "PK\x05\x06", "PK\x06\x06":
		return nil, nil
	default:
		return nil, fmt.Errorf("zip entry %d: not a zip entry: %w", i, ErrChecksum)
	}
	z.n++
	var hdr [30]byte
	if _, err := io.ReadFull(cr, hdr[:]); err != nil {
		return nil, fmt.Errorf("zip entry %d: truncated: %w", i, ErrChecksum)
	}
	le := binary.LittleEndian
	flags, method := le.Uint16(hdr[6:]), le.Uint16(hdr[8:])
	csize, usize := uint64(le.Uint32(hdr[18:])), uint64(le.Uint32(hdr[22:]))
	nlen := int(le.Uint16(hdr[26:]))
	meta := make([]byte, nlen+int(le.Uint16(hdr[28:])))
	if _, err := io.ReadFull(cr, meta); err != nil {
		return nil, fmt.Errorf("zip entry %d: truncated: %w", i, ErrChecksum)
	}
	if csize == 0xFFFFFFFF {
		csize = zip64Size(meta[nlen:], usize == 0xFFFFFFFF, csize)
	}
	if flags&1 != 0 {
		return nil, fmt.Errorf("zip entry %d is encrypted: %w", i, ErrUnverifiable)
	}
	e := &zipEntry{z: z, index: i, name: string(meta[:nlen]), flags: flags, h: sha256.New(), crc: crc32.NewIEEE(),
		start: cr.n, wantCRC: le.Uint32(hdr[14:])}
	e.dir = strings.HasSuffix(e.name, "/")
	switch method {
	case 0:
		if flags&8 != 0 && csize == 0 {
			return nil, fmt.Errorf("zip entry %d is stored with no length given: %w", i, ErrUnverifiable)
		}
		e.r = io.LimitReader(cr, int64(csize))
	case 8:
		fr := flate.NewReader(cr)
		e.r, e.closer = fr, fr
	default:
		return nil, fmt.Errorf("zip entry %d uses compression method %d: %w", i, method, ErrUnverifiable)
	}
	return e, nil
}

func (e *zipEntry) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.r.Read(p)
	e.h.Write(p[:n])
	e.crc.Write(p[:n])
	e.size += int64(n)
	switch {
	case err == io.EOF:
		if ferr := e.finish(); ferr != nil {
			err = ferr
		}
	case err != nil:
		err = fmt.Errorf("zip entry %d is corrupt or truncated: %w", e.index, ErrChecksum)
	}
	if err != nil {
		e.err = err
	}
	return n, err
}

// finish reads the data descriptor, if any, and checks the CRC-32.
func (e *zipEntry) finish() error {
	if e.closer != nil {
		e.closer.Close()
	}
	cr := e.z.cr
	if lr, ok := e.r.(*io.LimitedReader); ok && lr.N > 0 {
		return fmt.Errorf("zip entry %d: truncated: %w", e.index, ErrChecksum)
	}
	if e.flags&8 != 0 {
		// The data descriptor: an optional signature, the CRC-32 and both sizes, of 8
		// bytes each when either is too large for 4.
		if d, err := cr.r.Peek(4); err == nil && string(d) == "PK\x07\x08" {
			_, _ = cr.r.Discard(4)
		}
		desc := make([]byte, 12)
		if e.size >= 0xFFFFFFFF || cr.n-e.start >= 0xFFFFFFFF {
			desc = make([]byte, 20)
		}
		if _, err := io.ReadFull(cr.r, desc); err != nil {
			return fmt.Errorf("zip entry %d: truncated: %w", e.index, ErrChecksum)
		}
		e.wantCRC = binary.LittleEndian.Uint32(desc)
	}
	if e.crc.Sum32() != e.wantCRC {
		return fmt.Errorf("zip entry %d fails its CRC-32: %w", e.index, ErrChecksum)
	}
	return io.EOF
}

func (e *zipEntry) sha256() string { return hex.EncodeToString(e.h.Sum(nil)) }

// singleEntry hands out the one file of a V2 zip as itself: at its end, the entry's CRC-32
// and listed SHA-256 are checked, the zip must hold nothing more, and the rest of the
// download (the zip's directory, the CMS trailer) is read, so that its checks run.
type singleEntry struct {
	z        *zipStream
	e        *zipEntry
	rest     io.Reader
	want     string
	verified bool
	err      error
}

func (s *singleEntry) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.e.Read(p)
	if err == io.EOF {
		err = s.end()
	}
	if err != nil {
		s.err = err
	}
	return n, err
}

func (s *singleEntry) end() error {
	if s.want != "" && !strings.EqualFold(s.want, s.e.sha256()) {
		return fmt.Errorf("the file does not match the SHA-256 SvarInn listed: %w", ErrChecksum)
	}
	more, err := s.z.next()
	if err != nil {
		return err
	}
	if more != nil {
		return fmt.Errorf("the zip holds more files than the one SvarInn listed: %w", ErrChecksum)
	}
	if _, err := io.Copy(io.Discard, s.rest); err != nil {
		return err
	}
	s.verified = s.want != ""
	return io.EOF
}

// zip64Size reads the compressed size from a zip64 extra field (id 1: the uncompressed
// size first when it too is 0xFFFFFFFF); def when there is none.
func zip64Size(extra []byte, withUsize bool, def uint64) uint64 {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, sz := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if len(extra) < 4+sz {
			break
		}
		if id == 1 {
			f := extra[4 : 4+sz]
			if withUsize {
				if len(f) < 8 {
					break
				}
				f = f[8:]
			}
			if len(f) >= 8 {
				return le.Uint64(f)
			}
			break
		}
		extra = extra[4+sz:]
	}
	return def
}

// matchListed finds the SHA-256 listed for the i-th entry of a zip: the entry at the same
// position when its name matches, else the first unused one with that name.
func matchListed(listed []Filmetadata, used []bool, i int, name string) string {
	if i < len(listed) && !used[i] && listed[i].Filnavn == name {
		used[i] = true
		return listed[i].Sha256
	}
	for j, m := range listed {
		if !used[j] && m.Filnavn == name {
			used[j] = true
			return m.Sha256
		}
	}
	return ""
}
