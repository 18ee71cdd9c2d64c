// Package xmlin is the input side shared by the Noark 5 readers (noark5's validator and
// record reader, arkivmelding, fiksarkiv): documents in UTF-8 or UTF-16 with a byte order
// mark, streamed; a DOCTYPE refused; nesting bounded before encoding/xml's own stack
// grows; and the sentinels those bounds are reported with.
package xmlin

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Errors for the bounds, wrapped by the packages' own error types.
var (
	// ErrTooDeep: elements nested deeper than the reader allows.
	ErrTooDeep = errors.New("nested too deep")
	// ErrDirective: a DOCTYPE (or other directive) in the document; refused so that no
	// entity is ever expanded.
	ErrDirective = errors.New("a DOCTYPE is not allowed")
	// ErrEncoding: a declared encoding other than UTF-8 or UTF-16, or broken UTF-16.
	ErrEncoding = errors.New("unsupported or broken encoding")
	// ErrTooLarge: a document larger than the reader reads whole.
	ErrTooLarge = errors.New("document too large")
)

// NewReader returns r as UTF-8: UTF-16 with a byte order mark (little or big endian, as
// .NET and Windows tools write it) is transcoded as it streams, and a UTF-8 byte order
// mark is dropped. Anything else is passed through unchanged.
func NewReader(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	bom, _ := br.Peek(3)
	switch {
	case len(bom) >= 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF:
		_, _ = br.Discard(3)
		return br
	case len(bom) >= 2 && bom[0] == 0xFF && bom[1] == 0xFE:
		_, _ = br.Discard(2)
		return &utf16Reader{r: br, le: true}
	case len(bom) >= 2 && bom[0] == 0xFE && bom[1] == 0xFF:
		_, _ = br.Discard(2)
		return &utf16Reader{r: br}
	}
	return br
}

// utf16Reader transcodes UTF-16 to UTF-8, a few KiB at a time.
type utf16Reader struct {
	r    *bufio.Reader
	le   bool
	out  []byte // transcoded, not yet read
	high uint16 // a high surrogate waiting for its pair
	err  error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 {
		if u.err != nil {
			return 0, u.err
		}
		u.fill()
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

func (u *utf16Reader) fill() {
	var buf [4096]byte
	n, err := io.ReadFull(u.r, buf[:])
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		// A last odd byte is no code unit; libxml2 drops it too (a document that needed
		// it lacks its end and is not well-formed either way).
		n -= n % 2
		err = io.EOF
	}
	out := u.out[:0]
	for i := 0; i+1 < n; i += 2 {
		c := uint16(buf[i])<<8 | uint16(buf[i+1])
		if u.le {
			c = uint16(buf[i]) | uint16(buf[i+1])<<8
		}
		switch {
		case u.high != 0:
			r := utf16.DecodeRune(rune(u.high), rune(c))
			u.high = 0
			if r == utf8.RuneError {
				u.err = fmt.Errorf("%w: an unpaired UTF-16 surrogate", ErrEncoding)
				u.out = out
				return
			}
			out = utf8.AppendRune(out, r)
		case utf16.IsSurrogate(rune(c)) && c < 0xDC00:
			u.high = c
		case utf16.IsSurrogate(rune(c)):
			u.err = fmt.Errorf("%w: an unpaired UTF-16 surrogate", ErrEncoding)
			u.out = out
			return
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	u.out = out
	if err != nil {
		if err == io.EOF && u.high != 0 {
			err = fmt.Errorf("%w: an unpaired UTF-16 surrogate at the end", ErrEncoding)
		}
		u.err = err
	}
}

// CharsetReader is the xml.Decoder.CharsetReader for input that went through NewReader: a
// declared UTF-8 or UTF-16 is read as it is (already UTF-8), anything else refused.
func CharsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("%w: encoding %q (UTF-8 or UTF-16 only)", ErrEncoding, label)
}

// NewDecoder returns a strict decoder over NewReader(r) with CharsetReader set.
func NewDecoder(r io.Reader) *xml.Decoder {
	d := xml.NewDecoder(NewReader(r))
	d.Strict = true
	d.CharsetReader = CharsetReader
	return d
}

// DepthReader passes D's raw tokens on, failing with ErrTooDeep once elements nest deeper
// than Max and with ErrDirective at a directive. Put it under xml.NewTokenDecoder so that
// every decode path (DecodeElement, Skip) goes through it and encoding/xml's own element
// stack never grows past Max. It reads D.RawToken: the decoder on top matches end tags
// and translates namespaces, once.
type DepthReader struct {
	D     *xml.Decoder
	Max   int
	depth int
}

// Token implements xml.TokenReader.
func (r *DepthReader) Token() (xml.Token, error) {
	t, err := r.D.RawToken()
	if err != nil {
		return nil, err
	}
	switch t.(type) {
	case xml.StartElement:
		r.depth++
		if r.depth > r.Max {
			return nil, fmt.Errorf("%w: more than %d levels of elements", ErrTooDeep, r.Max)
		}
	case xml.EndElement:
		r.depth--
	case xml.Directive:
		return nil, ErrDirective
	}
	return t, nil
}

// Depth is the current nesting.
func (r *DepthReader) Depth() int { return r.depth }

// DepthLimiter is an io.Reader over UTF-8 XML that fails with ErrTooDeep once elements
// nest deeper than max. It follows the markup byte by byte (start, end and empty-element
// tags, with quoted attribute values; comments, CDATA sections, processing instructions
// and declarations), so it bounds nesting under any decode path of the xml.Decoder that
// reads from it, at the cost of one pass over the bytes and without taking the decoder's
// access to the raw input (",innerxml") away. For well-formed XML its count is exact; on
// malformed input the decoder reports the error.
type DepthLimiter struct {
	r     io.Reader
	max   int
	depth int
	st    scanState
	prev  byte // the byte before, in a tag (for "/>")
	end   []byte
	// win holds the last two bytes seen in sUntilEnd: a terminator ("-->", "]]>", "?>")
	// ends where the decoder ends it, also after a run of its first byte ("]]]>").
	win [2]byte
	// In a declaration ("<!DOCTYPE ..."), as encoding/xml reads one: '<' and '>' nest
	// outside quotes, and "<!--" inside starts a comment.
	quote     byte
	declDepth int
	inDecl    bool // the comment in sUntilEnd is inside a declaration
	match     int
	err       error
}

type scanState uint8

const (
	sText     scanState = iota
	sLt                 // after '<'
	sStart              // in a start tag
	sQuote1             // in a '...' attribute value
	sQuote2             // in a "..." attribute value
	sEndTag             // in an end tag
	sBang               // after "<!"
	sBangDash           // after "<!-"
	sUntilEnd           // in a comment, CDATA section or PI, until l.end
	sDecl               // in a declaration
	sDeclLt             // after '<' in a declaration, l.match bytes of "!--" seen
)

// NewDepthLimiter returns a DepthLimiter over r.
func NewDepthLimiter(r io.Reader, max int) *DepthLimiter { return &DepthLimiter{r: r, max: max} }

// Err is the limit error once it happened.
func (l *DepthLimiter) Err() error { return l.err }

func (l *DepthLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i := 0; i < n; i++ {
		if l.scan(p[i]) {
			l.err = fmt.Errorf("%w: more than %d levels of elements", ErrTooDeep, l.max)
			return i, l.err
		}
	}
	return n, err
}

// scan advances the state by one byte; true when the depth is exceeded.
func (l *DepthLimiter) scan(c byte) bool {
	switch l.st {
	case sText:
		if c == '<' {
			l.st = sLt
		}
	case sLt:
		switch c {
		case '/':
			l.st = sEndTag
		case '?':
			l.untilEnd("?>")
		case '!':
			l.st, l.match = sBang, 0
		default:
			l.st, l.prev = sStart, c
		}
	case sStart:
		switch c {
		case '"':
			l.st = sQuote2
		case '\'':
			l.st = sQuote1
		case '>':
			l.st = sText
			// An empty-element tag opens and closes at once, as the decoder sees it.
			l.depth++
			if l.depth > l.max {
				return true
			}
			if l.prev == '/' {
				l.depth--
			}
		}
		l.prev = c
	case sQuote1:
		if c == '\'' {
			l.st, l.prev = sStart, c
		}
	case sQuote2:
		if c == '"' {
			l.st, l.prev = sStart, c
		}
	case sEndTag:
		if c == '>' {
			l.st = sText
			l.depth--
		}
	case sBang:
		// "<!--" comment, "<![CDATA[" section, else a declaration (DOCTYPE: the
		// decoders refuse it). The byte after "<!" belongs to the declaration's name.
		switch c {
		case '-':
			l.st = sBangDash
		case '[':
			l.untilEnd("]]>")
		default:
			l.st, l.quote, l.declDepth = sDecl, 0, 0
		}
	case sBangDash:
		// The second '-' of "<!--"; the terminator is looked for after it.
		l.untilEnd("-->")
	case sUntilEnd:
		if n := len(l.end); c == l.end[n-1] && (n == 1 || l.win[1] == l.end[n-2]) && (n < 3 || l.win[0] == l.end[0]) {
			l.st = sText
			if l.inDecl {
				l.st = sDecl
			}
		}
		l.win[0], l.win[1] = l.win[1], c
	case sDecl:
		l.decl(c)
	case sDeclLt:
		if c == "!--"[l.match] {
			if l.match++; l.match == 3 {
				l.untilEnd("-->")
				l.inDecl = true
			}
			return false
		}
		// Not a comment: a nested '<', and c is read as part of the declaration.
		l.st = sDecl
		l.declDepth++
		l.decl(c)
	}
	return false
}

func (l *DepthLimiter) untilEnd(end string) {
	l.st, l.end, l.win, l.inDecl = sUntilEnd, []byte(end), [2]byte{}, false
}

// decl reads one byte of a declaration as encoding/xml does.
func (l *DepthLimiter) decl(c byte) {
	switch {
	case l.quote == 0 && c == '>' && l.declDepth == 0:
		l.st = sText
	case c == l.quote:
		l.quote = 0
	case l.quote != 0:
	case c == '\'' || c == '"':
		l.quote = c
	case c == '>':
		l.declDepth--
	case c == '<':
		l.st, l.match = sDeclLt, 0
	}
}
