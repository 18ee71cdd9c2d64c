// Package xmlscan is a streaming XML 1.0 tokenizer for the documents the Noark 5
// validator reads: UTF-8 (UTF-16 arrives transcoded by xmlin), namespaces, the five
// predefined entities and character references, comments, processing instructions and
// CDATA; a DOCTYPE is reported, never read, so no entity is ever declared or expanded.
// It checks well-formedness as XML 1.0 and Namespaces in XML state it (and as libxml2,
// whose verdict the validator must give, applies it): names, quoting, matching end tags,
// legal characters and valid UTF-8, one root with only comments, PIs and whitespace around
// it, the XML declaration first or not at all, "--" not in comments, "]]>" not in text.
//
// It is several times faster than encoding/xml's Decoder because it scans a large buffer
// with bytes.IndexByte and table lookups, interns names, reuses its attribute slice and
// hands out text without copying when there is nothing to decode. Tokens are valid until
// the next call of Next.
package xmlscan

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/fellesklient/fellesklient/noark5/internal/xmlin"
)

// Kind is what Next found.
type Kind uint8

// The kinds of token.
const (
	EOF Kind = iota
	Start
	End
	Text
	// Directive is a <!DOCTYPE ...> or other <!...> declaration: the caller refuses it.
	Directive
)

// SyntaxError is a well-formedness error.
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("XML syntax error on line %d: %s", e.Line, e.Msg)
}

// ErrTokenTooLarge: one token (a text, a tag with its attributes) is longer than the limit.
var ErrTokenTooLarge = errors.New("a single token is too large")

const (
	xmlURL   = "http://www.w3.org/XML/1998/namespace"
	xmlnsURL = "http://www.w3.org/2000/xmlns/"
)

type binding struct{ prefix, uri string }

type open struct {
	qname string   // as written, for the end tag
	name  xml.Name // resolved
	nsLen int      // len(ns) before this element's declarations
}

// Scanner reads tokens from r.
type Scanner struct {
	r    io.Reader
	buf  []byte
	pos  int   // next unread byte
	end  int   // end of data in buf
	base int64 // stream offset of buf[0]
	eof  bool
	rerr error
	max  int

	line    int   // newlines before lineOff
	lineOff int64 // stream offset up to which newlines are counted

	// Name and Attr are the current Start's (Name also End's); Text the current Text's.
	Name xml.Name
	Attr []xml.Attr
	Text []byte

	textBuf    []byte
	attrBuf    [][]byte // attribute values not yet strings (decoded when needed)
	stack      []open
	ns         []binding
	pendingEnd bool
	rootDone   bool
	started    bool // something was read: an XML declaration is not allowed any more
	intern     map[string]string
	err        error
}

// New returns a Scanner over r that refuses a token longer than max bytes.
func New(r io.Reader, max int) *Scanner {
	size := 256 << 10
	return &Scanner{r: r, buf: make([]byte, size), max: max, intern: map[string]string{}}
}

// Offset is the stream offset of the next unread byte.
func (s *Scanner) Offset() int64 { return s.base + int64(s.pos) }

// Line is the line (from 1) of the next unread byte: the end of the last token.
func (s *Scanner) Line() int {
	off := s.base + int64(s.pos)
	if off > s.lineOff {
		s.line += bytes.Count(s.buf[s.lineOff-s.base:s.pos], nl)
		s.lineOff = off
	}
	return s.line + 1
}

var nl = []byte{'\n'}

// fill makes room and reads more; false at the end of the input (or a read error, kept
// in rerr). The unread bytes move to the front of buf, so indexes relative to pos stay
// valid and absolute ones do not.
func (s *Scanner) fill() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 {
		// Count the newlines of what is dropped.
		if s.lineOff < s.base+int64(s.pos) {
			s.line += bytes.Count(s.buf[s.lineOff-s.base:s.pos], nl)
			s.lineOff = s.base + int64(s.pos)
		}
		n := copy(s.buf, s.buf[s.pos:s.end])
		s.base += int64(s.pos)
		s.end, s.pos = n, 0
	}
	if s.end == len(s.buf) {
		if len(s.buf) > s.max+1024 {
			s.err = ErrTokenTooLarge
			return false
		}
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// at returns the byte at pos+i, reading more if needed; ok false at the end of input.
func (s *Scanner) at(i int) (byte, bool) {
	for s.pos+i >= s.end {
		if !s.fill() {
			return 0, false
		}
	}
	return s.buf[s.pos+i], true
}

func (s *Scanner) syntax(format string, a ...any) error {
	if s.err == nil {
		s.err = &SyntaxError{Line: s.Line(), Msg: fmt.Sprintf(format, a...)}
	}
	return s.err
}

// eofErr is the error for input that ends inside a token or an element.
func (s *Scanner) eofErr() error {
	if s.err != nil {
		return s.err
	}
	if s.rerr != nil {
		s.err = s.rerr
		return s.err
	}
	return s.syntax("unexpected EOF")
}

// Next reads the next token. At the end of a well-formed document it returns EOF, nil.
// Whitespace outside the root element is not reported.
func (s *Scanner) Next() (Kind, error) {
	if s.err != nil {
		return EOF, s.err
	}
	if s.pendingEnd {
		s.pendingEnd = false
		s.popElement()
		return End, nil
	}
	for {
		c, ok := s.at(0)
		if !ok {
			if s.err != nil {
				return EOF, s.err
			}
			if s.rerr != nil {
				s.err = s.rerr
				return EOF, s.err
			}
			if len(s.stack) > 0 {
				return EOF, s.syntax("unexpected EOF: element <%s> is not closed", s.stack[len(s.stack)-1].qname)
			}
			return EOF, nil
		}
		if c != '<' && len(s.stack) == 0 {
			// Outside the root: whitespace only. libxml2 ends the document at a NUL byte
			// after the root element (anywhere else it is an illegal character), whatever
			// follows; so does the scanner, since the verdict must be libxml2's.
			switch {
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				s.pos++
				s.started = true
				continue
			case c == 0 && s.rootDone:
				return EOF, nil
			}
			return EOF, s.syntax("text is not allowed outside the root element")
		}
		if c != '<' {
			if err := s.text(); err != nil {
				return EOF, err
			}
			return Text, nil
		}
		c1, ok := s.at(1)
		if !ok {
			return EOF, s.eofErr()
		}
		switch c1 {
		case '/':
			s.started = true
			return s.endTag()
		case '?':
			if err := s.procInst(); err != nil {
				return EOF, err
			}
			s.started = true
			continue
		case '!':
			k, err := s.bang()
			s.started = true
			if err != nil || k != EOF {
				return k, err
			}
			continue
		default:
			s.started = true
			return s.startTag()
		}
	}
}

// IsSpace reports whether b is XML whitespace only (space, tab, CR, LF: not U+00A0 or
// the other Unicode spaces).
func IsSpace(b []byte) bool { return isSpace(b) }

func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// textClass: 0 plain, 1 needs a look ('&', '\r', ']', a control character, non-ASCII).
var textClass [256]uint8

// nameClass: bit 1 may start a name, bit 2 may continue one (ASCII); 4 non-ASCII.
var nameClass [256]uint8

func init() {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 0x80:
			textClass[c] = 1
			nameClass[c] = 4
		case c == '&' || c == '\r' || c == ']' || c == '<' || (c < 0x20 && c != '\t' && c != '\n'):
			textClass[c] = 1
		}
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':':
			nameClass[c] |= 3
		case c >= '0' && c <= '9', c == '-', c == '.':
			nameClass[c] |= 2
		}
	}
}

// isChar reports whether r is a legal XML 1.0 character.
func isChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// text reads character data up to the next '<' (or the end) into s.Text.
func (s *Scanner) text() error {
	// Find the end: the next '<', reading more as needed.
	i := 0
	for {
		if k := bytes.IndexByte(s.buf[s.pos+i:s.end], '<'); k >= 0 {
			i += k
			break
		}
		i = s.end - s.pos
		if i > s.max {
			s.err = ErrTokenTooLarge
			return s.err
		}
		if !s.fill() {
			if s.err != nil {
				return s.err
			}
			i = s.end - s.pos
			break
		}
	}
	if i > s.max {
		s.err = ErrTokenTooLarge
		return s.err
	}
	raw := s.buf[s.pos : s.pos+i]
	// Fast path: nothing to decode or check beyond ASCII.
	j := 0
	for j < len(raw) && textClass[raw[j]] == 0 {
		j++
	}
	if j == len(raw) {
		s.Text = raw
		s.pos += i
		return nil
	}
	out, err := s.decode(raw, j, false)
	if err != nil {
		return err
	}
	s.Text = out
	s.pos += i
	return nil
}

// decode checks and decodes raw text (from j on; raw[:j] is plain) or, with attr, an
// attribute value (whitespace becomes spaces). It returns raw itself when nothing changes.
func (s *Scanner) decode(raw []byte, j int, attr bool) ([]byte, error) {
	var out []byte
	changed := false
	flush := func(k int) {
		if !changed {
			out = append(s.textBuf[:0], raw[:k]...)
			changed = true
		}
	}
	for j < len(raw) {
		c := raw[j]
		switch {
		case c == '&':
			flush(j)
			r, n, err := s.entity(raw[j:])
			if err != nil {
				return nil, err
			}
			out = utf8.AppendRune(out, r)
			j += n
			continue
		case c == '\r':
			flush(j)
			if attr {
				out = append(out, ' ')
			} else {
				out = append(out, '\n')
			}
			if j+1 < len(raw) && raw[j+1] == '\n' {
				j++
			}
			j++
			continue
		case attr && (c == '\n' || c == '\t'):
			flush(j)
			out = append(out, ' ')
			j++
			continue
		case c == ']' && !attr:
			if bytes.HasPrefix(raw[j:], []byte("]]>")) {
				return nil, s.syntax("]]> is not allowed in text")
			}
		case c == '<':
			return nil, s.syntax("< is not allowed in an attribute value")
		case c < 0x20 && c != '\t' && c != '\n':
			return nil, s.syntax("illegal character code U+%04X", c)
		case c >= 0x80:
			r, n := utf8.DecodeRune(raw[j:])
			if r == utf8.RuneError && n == 1 {
				return nil, s.syntax("invalid UTF-8")
			}
			if !isChar(r) {
				return nil, s.syntax("illegal character code %U", r)
			}
			if changed {
				out = append(out, raw[j:j+n]...)
			}
			j += n
			continue
		}
		if changed {
			out = append(out, c)
		}
		j++
	}
	if !changed {
		return raw, nil
	}
	s.textBuf = out[:0]
	return out, nil
}

// entity decodes the reference at the start of b ("&...;").
func (s *Scanner) entity(b []byte) (rune, int, error) {
	end := bytes.IndexByte(b, ';')
	if end < 0 || end > 40 {
		return 0, 0, s.syntax("a & must start an entity or character reference")
	}
	name := b[1:end]
	switch string(name) {
	case "lt":
		return '<', end + 1, nil
	case "gt":
		return '>', end + 1, nil
	case "amp":
		return '&', end + 1, nil
	case "apos":
		return '\'', end + 1, nil
	case "quot":
		return '"', end + 1, nil
	}
	if len(name) >= 2 && name[0] == '#' {
		digits, base := name[1:], 10
		if digits[0] == 'x' {
			digits, base = digits[1:], 16
		}
		if len(digits) == 0 {
			return 0, 0, s.syntax("invalid character reference &%s;", name)
		}
		var r rune
		for _, d := range digits {
			var v rune
			switch {
			case d >= '0' && d <= '9':
				v = rune(d - '0')
			case base == 16 && d >= 'a' && d <= 'f':
				v = rune(d-'a') + 10
			case base == 16 && d >= 'A' && d <= 'F':
				v = rune(d-'A') + 10
			default:
				return 0, 0, s.syntax("invalid character reference &%s;", name)
			}
			r = r*rune(base) + v
			if r > 0x10FFFF {
				return 0, 0, s.syntax("invalid character reference &%s;", name)
			}
		}
		if !isChar(r) {
			return 0, 0, s.syntax("character reference &%s; is not a legal character", name)
		}
		return r, end + 1, nil
	}
	return 0, 0, s.syntax("undefined entity &%s; (a document without a DTD has only amp, lt, gt, apos and quot)", name)
}

// name reads a name starting at pos+i and returns its length (0 when there is none).
func (s *Scanner) name(i int) (int, error) {
	// Fast path: an ASCII name wholly in the buffer.
	if b := s.buf[s.pos+i : s.end]; len(b) > 0 && nameClass[b[0]]&1 != 0 {
		n := 1
		for n < len(b) && nameClass[b[n]]&2 != 0 {
			n++
		}
		if n < len(b) && nameClass[b[n]]&4 == 0 {
			return n, nil
		}
	}
	n := 0
	for {
		c, ok := s.at(i + n)
		if !ok {
			return n, nil
		}
		cl := nameClass[c]
		if cl&4 != 0 {
			// Non-ASCII: decode the rune (it may straddle the buffer's end).
			for k := 1; k < utf8.UTFMax; k++ {
				if _, ok := s.at(i + n + k); !ok {
					break
				}
			}
			r, size := utf8.DecodeRune(s.buf[s.pos+i+n : s.end])
			if r == utf8.RuneError && size == 1 {
				return 0, s.syntax("invalid UTF-8")
			}
			if (n == 0 && !isNameStart(r)) || (n > 0 && !isNameChar(r)) {
				return n, nil
			}
			n += size
			continue
		}
		if (n == 0 && cl&1 == 0) || cl&2 == 0 {
			return n, nil
		}
		n++
	}
}

// nameAt is name, where a name must be: none there is a syntax error saying missing.
func (s *Scanner) nameAt(i int, missing string) (int, error) {
	n, err := s.name(i)
	if err != nil || n > 0 {
		return n, err
	}
	if _, ok := s.at(i); !ok {
		return 0, s.eofErr()
	}
	return 0, s.syntax("%s", missing)
}

// isNameStart and isNameChar are XML 1.0 (fifth edition) NameStartChar and NameChar.
func isNameStart(r rune) bool {
	return r == ':' || r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') ||
		(r >= 0xC0 && r <= 0xD6) || (r >= 0xD8 && r <= 0xF6) || (r >= 0xF8 && r <= 0x2FF) ||
		(r >= 0x370 && r <= 0x37D) || (r >= 0x37F && r <= 0x1FFF) || (r >= 0x200C && r <= 0x200D) ||
		(r >= 0x2070 && r <= 0x218F) || (r >= 0x2C00 && r <= 0x2FEF) || (r >= 0x3001 && r <= 0xD7FF) ||
		(r >= 0xF900 && r <= 0xFDCF) || (r >= 0xFDF0 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0xEFFFF)
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == '-' || r == '.' || (r >= '0' && r <= '9') || r == 0xB7 ||
		(r >= 0x300 && r <= 0x36F) || (r >= 0x203F && r <= 0x2040)
}

// str interns b.
func (s *Scanner) str(b []byte) string {
	if v, ok := s.intern[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(s.intern) < 4096 {
		s.intern[v] = v
	}
	return v
}

func (s *Scanner) skipSpace(i int) (int, bool) {
	for {
		c, ok := s.at(i)
		if !ok {
			return i, false
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return i, true
		}
		i++
	}
}

// split is a QName's prefix and local part ("" prefix when there is none).
func split(q string) (string, string, bool) {
	k := strings.IndexByte(q, ':')
	if k < 0 {
		return "", q, true
	}
	if k == 0 || k == len(q)-1 || strings.IndexByte(q[k+1:], ':') >= 0 {
		return "", q, false
	}
	return q[:k], q[k+1:], true
}

func (s *Scanner) lookup(prefix string) (string, bool) {
	for i := len(s.ns) - 1; i >= 0; i-- {
		if s.ns[i].prefix == prefix {
			return s.ns[i].uri, true
		}
	}
	switch prefix {
	case "":
		return "", true
	case "xml":
		return xmlURL, true
	}
	return "", false
}

func (s *Scanner) startTag() (Kind, error) {
	nlen, err := s.nameAt(1, "a tag must start with a name after <")
	if err != nil {
		return EOF, err
	}
	qname := s.str(s.buf[s.pos+1 : s.pos+1+nlen])
	i := 1 + nlen
	s.Attr = s.Attr[:0]
	s.attrBuf = s.attrBuf[:0]
	self := false
	for {
		j, ok := s.skipSpace(i)
		if !ok {
			return EOF, s.eofErr()
		}
		c := s.buf[s.pos+j]
		if c == '>' {
			i = j + 1
			break
		}
		if c == '/' {
			c2, ok := s.at(j + 1)
			if !ok {
				return EOF, s.eofErr()
			}
			if c2 != '>' {
				return EOF, s.syntax("expected /> in element <%s>", qname)
			}
			i, self = j+2, true
			break
		}
		if j == i {
			return EOF, s.syntax("attributes of <%s> must be separated by whitespace", qname)
		}
		alen, err := s.name(j)
		if err != nil {
			return EOF, err
		}
		if alen == 0 {
			return EOF, s.syntax("an attribute name is expected in <%s>", qname)
		}
		aname := s.str(s.buf[s.pos+j : s.pos+j+alen])
		k, ok := s.skipSpace(j + alen)
		if !ok {
			return EOF, s.eofErr()
		}
		if s.buf[s.pos+k] != '=' {
			return EOF, s.syntax("attribute %s of <%s> has no value", aname, qname)
		}
		k, ok = s.skipSpace(k + 1)
		if !ok {
			return EOF, s.eofErr()
		}
		q := s.buf[s.pos+k]
		if q != '"' && q != '\'' {
			return EOF, s.syntax("the value of attribute %s must be quoted", aname)
		}
		// The value up to the closing quote.
		vstart := k + 1
		vend := -1
		for {
			if e := bytes.IndexByte(s.buf[s.pos+vstart:s.end], q); e >= 0 {
				vend = vstart + e
				break
			}
			if s.end-s.pos > s.max {
				s.err = ErrTokenTooLarge
				return EOF, s.err
			}
			if !s.fill() {
				return EOF, s.eofErr()
			}
		}
		raw := s.buf[s.pos+vstart : s.pos+vend]
		val, err := s.decode(raw, 0, true)
		if err != nil {
			return EOF, err
		}
		for _, a := range s.Attr {
			if a.Name.Local == aname {
				return EOF, s.syntax("attribute %s appears twice in <%s>", aname, qname)
			}
		}
		// Raw qualified name for now; resolved below, once every declaration is known.
		s.Attr = append(s.Attr, xml.Attr{Name: xml.Name{Local: aname}, Value: string(val)})
		i = vend + 1
		if i > s.max {
			s.err = ErrTokenTooLarge
			return EOF, s.err
		}
	}
	if i > s.max {
		s.err = ErrTokenTooLarge
		return EOF, s.err
	}
	// Namespace declarations, then names.
	nsLen := len(s.ns)
	for _, a := range s.Attr {
		switch {
		case a.Name.Local == "xmlns":
			if a.Value == xmlURL || a.Value == xmlnsURL {
				return EOF, s.syntax("the default namespace cannot be %s", a.Value)
			}
			s.ns = append(s.ns, binding{"", a.Value})
		case strings.HasPrefix(a.Name.Local, "xmlns:"):
			p := a.Name.Local[len("xmlns:"):]
			if p == "" || strings.IndexByte(p, ':') >= 0 {
				return EOF, s.syntax("namespace declaration %s is not a valid prefix", a.Name.Local)
			}
			if a.Value == "" {
				// Namespaces in XML 1.0 forbids it; libxml2 lets it pass and binds nothing.
				continue
			}
			if p == "xmlns" || (p == "xml") != (a.Value == xmlURL) || a.Value == xmlnsURL {
				return EOF, s.syntax("namespace prefix %s cannot be bound to %s", p, a.Value)
			}
			s.ns = append(s.ns, binding{s.str([]byte(p)), a.Value})
		}
	}
	for i := range s.Attr {
		a := &s.Attr[i]
		q := a.Name.Local
		switch {
		case q == "xmlns":
			a.Name = xml.Name{Local: "xmlns"}
			continue
		case strings.HasPrefix(q, "xmlns:"):
			a.Name = xml.Name{Space: "xmlns", Local: q[len("xmlns:"):]}
			continue
		}
		prefix, local, ok := split(q)
		if !ok {
			return EOF, s.syntax("attribute %s is not a valid qualified name", q)
		}
		if prefix == "" {
			a.Name = xml.Name{Local: local}
			continue
		}
		uri, found := s.lookup(prefix)
		if !found {
			return EOF, s.syntax("namespace prefix %s of attribute %s is not declared", prefix, q)
		}
		a.Name = xml.Name{Space: uri, Local: local}
	}
	// Two attributes with one expanded name are an error too.
	for i := range s.Attr {
		for _, b := range s.Attr[:i] {
			if s.Attr[i].Name.Space != "" && s.Attr[i].Name == b.Name {
				return EOF, s.syntax("attribute {%s}%s appears twice in <%s>", b.Name.Space, b.Name.Local, qname)
			}
		}
	}
	prefix, local, ok := split(qname)
	if !ok {
		return EOF, s.syntax("element <%s> is not a valid qualified name", qname)
	}
	uri, found := s.lookup(prefix)
	if !found {
		return EOF, s.syntax("namespace prefix %s of element <%s> is not declared", prefix, qname)
	}
	s.Name = xml.Name{Space: uri, Local: local}
	s.stack = append(s.stack, open{qname: qname, name: s.Name, nsLen: nsLen})
	s.pos += i
	if self {
		s.pendingEnd = true
	}
	return Start, nil
}

func (s *Scanner) popElement() {
	top := s.stack[len(s.stack)-1]
	s.stack = s.stack[:len(s.stack)-1]
	s.ns = s.ns[:top.nsLen]
	if len(s.stack) == 0 {
		s.rootDone = true
	}
}

func (s *Scanner) endTag() (Kind, error) {
	nlen, err := s.nameAt(2, "an end tag must have a name after </")
	if err != nil {
		return EOF, err
	}
	q := s.buf[s.pos+2 : s.pos+2+nlen]
	i, ok := s.skipSpace(2 + nlen)
	if !ok {
		return EOF, s.eofErr()
	}
	if s.buf[s.pos+i] != '>' {
		return EOF, s.syntax("invalid characters between </%s and >", q)
	}
	if len(s.stack) == 0 {
		return EOF, s.syntax("unexpected end element </%s>", q)
	}
	top := s.stack[len(s.stack)-1]
	if top.qname != string(q) {
		return EOF, s.syntax("element <%s> closed by </%s>", top.qname, q)
	}
	s.Name = top.name
	s.pos += i + 1
	s.popElement()
	return End, nil
}

// until finds sep at or after pos+i and returns its index relative to pos.
func (s *Scanner) until(i int, sep string) (int, error) {
	for {
		if k := bytes.Index(s.buf[s.pos+i:s.end], []byte(sep)); k >= 0 {
			return i + k, nil
		}
		if s.end-s.pos > s.max {
			s.err = ErrTokenTooLarge
			return 0, s.err
		}
		// Keep the last len(sep)-1 bytes in view: sep may straddle.
		i = max(i, s.end-s.pos-len(sep)+1)
		if !s.fill() {
			return 0, s.eofErr()
		}
	}
}

// checkChars checks that b holds only legal characters in valid UTF-8.
func (s *Scanner) checkChars(b []byte) error {
	for j := 0; j < len(b); {
		c := b[j]
		if c < 0x80 {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return s.syntax("illegal character code U+%04X", c)
			}
			j++
			continue
		}
		r, n := utf8.DecodeRune(b[j:])
		if r == utf8.RuneError && n == 1 {
			return s.syntax("invalid UTF-8")
		}
		if !isChar(r) {
			return s.syntax("illegal character code %U", r)
		}
		j += n
	}
	return nil
}

func (s *Scanner) procInst() error {
	nlen, err := s.nameAt(2, "a processing instruction must start with a target name")
	if err != nil {
		return err
	}
	target := string(s.buf[s.pos+2 : s.pos+2+nlen])
	end, err := s.until(2+nlen, "?>")
	if err != nil {
		return err
	}
	body := s.buf[s.pos+2+nlen : s.pos+end]
	if len(body) > 0 && !isSpace(body[:1]) {
		return s.syntax("processing instruction %s: whitespace must follow the target", target)
	}
	if err := s.checkChars(body); err != nil {
		return err
	}
	if strings.EqualFold(target, "xml") {
		if target != "xml" || s.started || s.base+int64(s.pos) != 0 {
			return s.syntax("the XML declaration is allowed only at the start of the document")
		}
		if err := s.xmlDecl(string(body)); err != nil {
			return err
		}
	}
	s.pos += end + 2
	return nil
}

// xmlDecl checks the XML declaration: version, then encoding and standalone, in order.
func (s *Scanner) xmlDecl(body string) error {
	rest := body
	next := func(name string) (string, bool, error) {
		t := strings.TrimLeft(rest, " \t\r\n")
		if !strings.HasPrefix(t, name) {
			return "", false, nil
		}
		if len(t) == len(rest) {
			return "", false, s.syntax("the XML declaration needs whitespace before %s", name)
		}
		t = strings.TrimLeft(t[len(name):], " \t\r\n")
		if !strings.HasPrefix(t, "=") {
			return "", false, s.syntax("the XML declaration's %s has no value", name)
		}
		t = strings.TrimLeft(t[1:], " \t\r\n")
		if t == "" || (t[0] != '"' && t[0] != '\'') {
			return "", false, s.syntax("the XML declaration's %s must be quoted", name)
		}
		e := strings.IndexByte(t[1:], t[0])
		if e < 0 {
			return "", false, s.syntax("the XML declaration's %s is not closed", name)
		}
		rest = t[e+2:]
		return t[1 : e+1], true, nil
	}
	v, ok, err := next("version")
	if err != nil {
		return err
	}
	if !ok {
		return s.syntax("the XML declaration must give the version")
	}
	// XML 1.0 says "1." and digits; libxml2 takes "1." alone too (with a warning).
	if !strings.HasPrefix(v, "1.") || strings.Trim(v[2:], "0123456789") != "" {
		return s.syntax("XML version %q is not supported", v)
	}
	enc, ok, err := next("encoding")
	if err != nil {
		return err
	}
	if ok {
		if enc == "" || !(enc[0] >= 'A' && enc[0] <= 'Z' || enc[0] >= 'a' && enc[0] <= 'z') || strings.Trim(enc, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != "" {
			return s.syntax("encoding name %q is not valid", enc)
		}
		switch strings.ToLower(enc) {
		case "utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "us-ascii", "ascii":
		default:
			s.err = fmt.Errorf("%w: encoding %q (UTF-8 or UTF-16 only)", xmlin.ErrEncoding, enc)
			return s.err
		}
	}
	sa, ok, err := next("standalone")
	if err != nil {
		return err
	}
	if ok && sa != "yes" && sa != "no" {
		return s.syntax("standalone must be yes or no")
	}
	if strings.TrimLeft(rest, " \t\r\n") != "" {
		return s.syntax("the XML declaration has something else than version, encoding and standalone, in that order")
	}
	return nil
}

// bang handles <!-- -->, <![CDATA[ ]]> and <!DOCTYPE.
func (s *Scanner) bang() (Kind, error) {
	// Enough bytes to tell which.
	for k := 2; k < 9; k++ {
		if _, ok := s.at(k); !ok {
			break
		}
	}
	rest := s.buf[s.pos:s.end]
	switch {
	case bytes.HasPrefix(rest, []byte("<!--")):
		end, err := s.until(4, "-->")
		if err != nil {
			return EOF, err
		}
		body := s.buf[s.pos+4 : s.pos+end]
		if bytes.Contains(body, []byte("--")) || bytes.HasSuffix(body, []byte("-")) {
			return EOF, s.syntax("-- is not allowed inside a comment")
		}
		if err := s.checkChars(body); err != nil {
			return EOF, err
		}
		s.pos += end + 3
		return EOF, nil
	case bytes.HasPrefix(rest, []byte("<![CDATA[")):
		if len(s.stack) == 0 {
			return EOF, s.syntax("CDATA is not allowed outside the root element")
		}
		end, err := s.until(9, "]]>")
		if err != nil {
			return EOF, err
		}
		body := s.buf[s.pos+9 : s.pos+end]
		if err := s.checkChars(body); err != nil {
			return EOF, err
		}
		if bytes.IndexByte(body, '\r') >= 0 {
			out := s.textBuf[:0]
			for j := 0; j < len(body); j++ {
				if body[j] == '\r' {
					out = append(out, '\n')
					if j+1 < len(body) && body[j+1] == '\n' {
						j++
					}
					continue
				}
				out = append(out, body[j])
			}
			s.textBuf = out[:0]
			body = out
		}
		s.Text = body
		s.pos += end + 3
		return Text, nil
	case len(rest) < 4 && s.eof:
		return EOF, s.eofErr()
	default:
		return Directive, nil
	}
}
