package kryptering

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// A small BER toolkit: enough to stream the outer CMS structure, and to normalise the
// small inner elements (recipient infos, algorithm identifiers) to DER for encoding/asn1.

// maxElement bounds any element that is read whole (everything but the content), so that
// hostile input cannot make the reader allocate without limit.
const maxElement = 1 << 20

// maxDepth bounds nesting.
const maxDepth = 32

var errTruncated = errors.New("kryptering: truncated CMS data")

// reader is a buffered reader that counts what it has consumed.
type reader struct {
	r *bufio.Reader
	n int64
}

func (r *reader) ReadByte() (byte, error) {
	b, err := r.r.ReadByte()
	if err == nil {
		r.n++
	}
	return b, err
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.n += int64(n)
	return n, err
}

type header struct {
	class       int
	constructed bool
	tag         int
	length      int64 // -1: indefinite
}

func (h header) is(class, tag int) bool { return h.class == class && h.tag == tag }

const (
	classUniversal = 0
	classContext   = 2

	tagInteger     = 2
	tagOctetString = 4
	tagNull        = 5
	tagOID         = 6
	tagSequence    = 16
	tagSet         = 17
)

// readHeader reads one identifier and length.
func readHeader(r *reader) (header, error) {
	var h header
	b, err := r.ReadByte()
	if err != nil {
		if err == io.EOF {
			return h, io.ErrUnexpectedEOF
		}
		return h, err
	}
	h.class = int(b >> 6)
	h.constructed = b&0x20 != 0
	h.tag = int(b & 0x1f)
	if h.tag == 0x1f {
		h.tag = 0
		for i := 0; ; i++ {
			if i > 3 {
				return h, errors.New("kryptering: tag too large")
			}
			b, err = r.ReadByte()
			if err != nil {
				return h, errTruncated
			}
			h.tag = h.tag<<7 | int(b&0x7f)
			if b&0x80 == 0 {
				break
			}
		}
	}
	b, err = r.ReadByte()
	if err != nil {
		return h, errTruncated
	}
	switch {
	case b < 0x80:
		h.length = int64(b)
	case b == 0x80:
		if !h.constructed {
			return h, errors.New("kryptering: indefinite length on a primitive element")
		}
		h.length = -1
	default:
		n := int(b & 0x7f)
		if n > 8 {
			return h, errors.New("kryptering: length too large")
		}
		var l int64
		for i := 0; i < n; i++ {
			b, err = r.ReadByte()
			if err != nil {
				return h, errTruncated
			}
			l = l<<8 | int64(b)
		}
		if l < 0 {
			return h, errors.New("kryptering: length too large")
		}
		h.length = l
	}
	return h, nil
}

// isEOC reports the end-of-contents marker (00 00) of an indefinite-length element.
func (h header) isEOC() bool { return h.class == 0 && !h.constructed && h.tag == 0 && h.length == 0 }

// readDER reads the rest of an element whose header is h and returns it re-encoded in
// definite-length form (constructed OCTET STRINGs are joined), at most maxElement bytes.
func readDER(r *reader, h header, depth int) ([]byte, error) {
	if depth > maxDepth {
		return nil, errors.New("kryptering: nesting too deep")
	}
	if !h.constructed {
		if h.length > maxElement {
			return nil, fmt.Errorf("kryptering: element of %d bytes is too large", h.length)
		}
		body := make([]byte, h.length)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, errTruncated
		}
		return encode(h.class, false, h.tag, body), nil
	}
	var body []byte
	start := r.n
	joinOctets := h.class == classUniversal && h.tag == tagOctetString
	for h.length < 0 || r.n-start < h.length {
		ch, err := readHeader(r)
		if err != nil {
			return nil, err
		}
		if h.length < 0 && ch.isEOC() {
			break
		}
		el, err := readDER(r, ch, depth+1)
		if err != nil {
			return nil, err
		}
		if joinOctets {
			// The child is an OCTET STRING (primitive after normalisation): keep its bytes.
			_, off := splitHeader(el)
			body = append(body, el[off:]...)
		} else {
			body = append(body, el...)
		}
		if len(body) > maxElement {
			return nil, errors.New("kryptering: element too large")
		}
	}
	if h.length >= 0 && r.n-start != h.length {
		return nil, errors.New("kryptering: element length mismatch")
	}
	if joinOctets {
		return encode(classUniversal, false, tagOctetString, body), nil
	}
	return encode(h.class, true, h.tag, body), nil
}

// splitHeader returns the header length of a DER element.
func splitHeader(der []byte) (tagLen, offset int) {
	i := 1
	if der[0]&0x1f == 0x1f {
		for der[i]&0x80 != 0 {
			i++
		}
		i++
	}
	if der[i] < 0x80 {
		return i, i + 1
	}
	return i, i + 1 + int(der[i]&0x7f)
}

// encode writes a definite-length element.
func encode(class int, constructed bool, tag int, body []byte) []byte {
	out := make([]byte, 0, len(body)+8)
	out = appendHeader(out, class, constructed, tag, int64(len(body)))
	return append(out, body...)
}

func appendHeader(out []byte, class int, constructed bool, tag int, length int64) []byte {
	b := byte(class << 6)
	if constructed {
		b |= 0x20
	}
	if tag < 0x1f {
		out = append(out, b|byte(tag))
	} else {
		out = append(out, b|0x1f)
		var t []byte
		for v := tag; v > 0; v >>= 7 {
			t = append([]byte{byte(v & 0x7f)}, t...)
		}
		for i := 0; i < len(t)-1; i++ {
			t[i] |= 0x80
		}
		out = append(out, t...)
	}
	switch {
	case length < 0:
		out = append(out, 0x80)
	case length < 0x80:
		out = append(out, byte(length))
	default:
		n := 0
		for v := length; v > 0; v >>= 8 {
			n++
		}
		out = append(out, 0x80|byte(n))
		for i := n - 1; i >= 0; i-- {
			out = append(out, byte(length>>(8*i)))
		}
	}
	return out
}
