package fiksarkiv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/beevik/etree"

	schema "github.com/fellesklient/fellesklient/internal/gen/fiksarkivschema"
	"github.com/fellesklient/fellesklient/internal/mask"
)

// Problem is one schema rule a payload breaks.
type Problem struct {
	// Path is the element path, with positions among same-named siblings:
	// /arkivmelding/registrering/korrespondansepart[2]/korrespondansepartNavn.
	Path string
	// Rule names the rule: xml, root, order, xsi:type, abstract, attribute, text, value.
	Rule    string
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s [%s]", p.Path, p.Message, p.Rule) }

// Report is the outcome of Validate.
type Report struct {
	// Meldingstype is the message type the root selects ("" when the root is not a Fiks
	// Arkiv message); Versjon its protocol version.
	Meldingstype string
	Versjon      string
	Problems     []Problem
}

// Valid reports whether the payload breaks no rule.
func (r *Report) Valid() bool { return len(r.Problems) == 0 }

const maxProblems = 200

func (r *Report) add(path, rule, format string, a ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, Problem{Path: path, Rule: rule, Message: mask.IdentityNumbers(fmt.Sprintf(format, a...))})
	}
}

// Validate checks a payload against the Fiks Arkiv XSD of its root element (V1 or V2,
// every message type), in Go: element order and cardinality (sequence, choice,
// extension), xsi:type and abstract types, attributes, and the values of simple types
// (enumerations, lengths, patterns, xs:int, xs:date, xs:dateTime, xs:boolean,
// xs:double). Its verdict is xmllint's on the upstream examples. The input is bounded as
// Parse bounds it (MaxSize, nesting, no DOCTYPE); the error is an I/O error or input
// past those bounds, a payload that is not well-formed is a problem in the report.
//
// One upstream defect is mended: V2's ikkefunnet and mappe hent resultat XSDs import
// their base (feilmelding, arkivstruktur) under the v1 namespace and reference it under
// v2, so libxml2 cannot compile them; Validate judges those V2 payloads by the schemas as
// meant.
func Validate(r io.Reader) (*Report, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSize {
		return nil, &ParseError{fmt.Errorf("%w: larger than %d bytes", ErrTooLarge, MaxSize)}
	}
	rep := &Report{}
	if b, err = toUTF8(b); err != nil {
		rep.add("/", "xml", "%v", err)
		return rep, nil
	}
	if err := prescan(b); err != nil {
		if isBound(err) {
			return nil, &ParseError{err}
		}
		rep.add("/", "xml", "not well-formed: %v", err)
		return rep, nil
	}
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(b); err != nil {
		rep.add("/", "xml", "not well-formed: %v", err)
		return rep, nil
	}
	root := doc.Root()
	if root == nil {
		rep.add("/", "xml", "no root element")
		return rep, nil
	}
	t := tables()
	key := t.key(root.NamespaceURI(), root.Tag)
	typ, ok := schema.Tables.Elements[key]
	if !ok {
		rep.add("/"+root.Tag, "root", "{%s}%s is not the root of a Fiks Arkiv message", root.NamespaceURI(), root.Tag)
		return rep, nil
	}
	if rest, ok := strings.CutPrefix(root.NamespaceURI(), Base); ok {
		if i := strings.LastIndexByte(rest, '/'); i > 0 {
			rep.Versjon = rest[i+1:]
			rep.Meldingstype = typeFor(rest[:i], rep.Versjon)
		}
	}
	v := &validator{t: t, rep: rep}
	v.element(root, "/"+root.Tag, typ)
	return rep, nil
}

func isBound(err error) bool { return errors.Is(err, ErrTooDeep) || errors.Is(err, ErrDirective) }

// compiled are the tables with what the validator derives from them.
type compiled struct {
	ns    map[string]int
	nfa   map[string]*nfa // the flattened content of each complex type
	types map[string]map[string]string
	dflt  map[string]map[string]string
	attrs map[string]map[string]bool
	regex map[string][]*regexp.Regexp
}

var (
	compileOnce sync.Once
	compiledT   *compiled
)

func tables() *compiled {
	compileOnce.Do(func() {
		c := &compiled{ns: map[string]int{}, nfa: map[string]*nfa{}, types: map[string]map[string]string{}, dflt: map[string]map[string]string{},
			attrs: map[string]map[string]bool{}, regex: map[string][]*regexp.Regexp{}}
		for i, ns := range schema.Namespaces {
			c.ns[ns] = i
		}
		for name := range schema.Tables.Complex {
			var content *schema.Particle
			content, c.types[name], c.dflt[name], c.attrs[name] = c.flatten(name)
			c.nfa[name] = compileNFA(content)
		}
		for name, s := range schema.Tables.Simple {
			for _, p := range s.Patterns {
				c.regex[name] = append(c.regex[name], regexp.MustCompile(`^(?:`+xsdRegex(p)+`)$`))
			}
		}
		compiledT = c
	})
	return compiledT
}

// xsdRegex turns an XSD pattern into Go syntax (the subset the schemas use is the same,
// bar \d, which XSD means as any Unicode digit).
func xsdRegex(p string) string { return strings.ReplaceAll(p, `\d`, `\p{Nd}`) }

func (c *compiled) key(ns, local string) string {
	i, ok := c.ns[ns]
	if !ok {
		return "?:" + local
	}
	return strconv.Itoa(i) + ":" + local
}

func (c *compiled) flatten(name string) (*schema.Particle, map[string]string, map[string]string, map[string]bool) {
	types, dflt, attrs := map[string]string{}, map[string]string{}, map[string]bool{}
	var parts []*schema.Particle
	for n, depth := name, 0; n != "" && depth < 20; depth++ {
		ct := schema.Tables.Complex[n]
		if ct == nil {
			break
		}
		if ct.Own != nil {
			parts = append([]*schema.Particle{ct.Own}, parts...)
		}
		for k, t := range ct.Types {
			if _, ok := types[k]; !ok {
				types[k] = t
				if d, ok := ct.Defaults[k]; ok {
					dflt[k] = d
				}
			}
		}
		for _, a := range ct.Attributes {
			attrs[a] = true
		}
		if !ct.Extension {
			break
		}
		n = ct.Base
	}
	switch len(parts) {
	case 0:
		return nil, types, dflt, attrs
	case 1:
		return parts[0], types, dflt, attrs
	}
	return &schema.Particle{Kind: schema.Sequence, Min: 1, Max: 1, Items: parts}, types, dflt, attrs
}

func (c *compiled) derivedFrom(t, base string) bool {
	for i := 0; t != "" && i < 20; i++ {
		if t == base {
			return true
		}
		ct := schema.Tables.Complex[t]
		if ct == nil {
			if st := schema.Tables.Simple[t]; st != nil {
				return base == st.Builtin
			}
			return false
		}
		t = ct.Base
	}
	return base == "xs:anyType"
}

type validator struct {
	t   *compiled
	rep *Report
}

// resolve is the namespace a prefix has at e.
func resolve(e *etree.Element, prefix string) (string, bool) {
	for p := e; p != nil; p = p.Parent() {
		for _, a := range p.Attr {
			if (prefix == "" && a.Space == "" && a.Key == "xmlns") || (prefix != "" && a.Space == "xmlns" && a.Key == prefix) {
				return a.Value, true
			}
		}
	}
	return "", prefix == ""
}

func (v *validator) element(e *etree.Element, path, typ string) {
	// xsi:type and the other attributes.
	var xsiType string
	for _, a := range e.Attr {
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
			continue
		}
		if a.NamespaceURI() == xsiNS {
			switch a.Key {
			case "type":
				xsiType = a.Value
			case "schemaLocation", "noNamespaceSchemaLocation":
			case "nil":
				v.rep.add(path, "attribute", "xsi:nil: the element is not nillable")
			default:
				v.rep.add(path, "attribute", "the attribute xsi:%s is not allowed", a.Key)
			}
			continue
		}
		if a.Space != "" || !v.t.attrs[typ][a.Key] {
			v.rep.add(path, "attribute", "the attribute %s is not allowed", a.FullKey())
		}
	}
	if xsiType != "" {
		prefix, local, ok := strings.Cut(strings.TrimSpace(xsiType), ":")
		if !ok {
			prefix, local = "", prefix
		}
		ns, found := resolve(e, prefix)
		name := v.t.key(ns, local)
		if ns == "http://www.w3.org/2001/XMLSchema" {
			name = "xs:" + local
		}
		switch {
		case !found:
			v.rep.add(path, "xsi:type", "xsi:type %q: the prefix %q is not declared", xsiType, prefix)
			return
		case schema.Tables.Complex[name] == nil && schema.Tables.Simple[name] == nil && !strings.HasPrefix(name, "xs:"):
			v.rep.add(path, "xsi:type", "xsi:type %q is not a type of the schema", xsiType)
			return
		case !v.t.derivedFrom(name, typ):
			v.rep.add(path, "xsi:type", "xsi:type %q is not derived from the element's type", xsiType)
			return
		}
		typ = name
	}
	if ct := schema.Tables.Complex[typ]; ct != nil {
		if ct.Abstract {
			v.rep.add(path, "abstract", "the element's type is abstract: give an xsi:type")
			return
		}
		if ct.SimpleContent != "" {
			v.noChildren(e, path)
			v.simple(path, ct.SimpleContent, e.Text())
			return
		}
		v.complex(e, path, typ)
		return
	}
	if typ == "xs:anyType" {
		return
	}
	v.noChildren(e, path)
	v.simple(path, typ, e.Text())
}

func (v *validator) noChildren(e *etree.Element, path string) {
	if kids := e.ChildElements(); len(kids) > 0 {
		v.rep.add(path+"/"+kids[0].Tag, "order", "the element %s is not expected: %s has a value, not elements", kids[0].Tag, e.Tag)
	}
}

func (v *validator) complex(e *etree.Element, path, typ string) {
	for _, tok := range e.Child {
		if cd, ok := tok.(*etree.CharData); ok && strings.TrimSpace(cd.Data) != "" {
			v.rep.add(path, "text", "text is not allowed here, only elements")
			break
		}
	}
	kids := e.ChildElements()
	names := make([]string, len(kids))
	for i, k := range kids {
		names[i] = v.t.key(k.NamespaceURI(), k.Tag)
	}
	n, complete, next := v.t.nfa[typ].match(names)
	switch {
	case n < len(names):
		k := kids[n]
		v.rep.add(path+"/"+k.Tag, "order", "the element {%s}%s is not expected here%s", k.NamespaceURI(), k.Tag, expected(next))
	case !complete:
		v.rep.add(path, "order", "the content of %s is incomplete%s", e.Tag, expected(next))
	}
	seen := map[string]int{}
	counts := map[string]int{}
	for _, k := range kids {
		counts[k.Tag]++
	}
	for i, k := range kids {
		if i >= n {
			break
		}
		seen[k.Tag]++
		p := path + "/" + k.Tag
		if counts[k.Tag] > 1 {
			p += "[" + strconv.Itoa(seen[k.Tag]) + "]"
		}
		ct, ok := v.t.types[typ][names[i]]
		if !ok {
			continue
		}
		if d, ok := v.t.dflt[typ][names[i]]; ok && len(k.Child) == 0 {
			// An empty element has its default value.
			k = k.Copy()
			k.SetText(d)
		}
		v.element(k, p, ct)
	}
}

// nfa is a content model compiled to a finite automaton: matching is linear in the
// number of children, whatever the model's nesting.
type nfa struct {
	eps    [][]int
	edges  [][]edge
	start  int
	accept int
}

type edge struct {
	name string
	to   int
}

func (a *nfa) state() int {
	a.eps = append(a.eps, nil)
	a.edges = append(a.edges, nil)
	return len(a.eps) - 1
}

// build adds p's automaton between two new states and returns them.
func (a *nfa) build(p *schema.Particle) (int, int) {
	one := func() (int, int) {
		s, t := a.state(), a.state()
		switch p.Kind {
		case schema.Element:
			a.edges[s] = append(a.edges[s], edge{p.Name, t})
		case schema.Sequence:
			cur := s
			for _, it := range p.Items {
				is, it := a.build(it)
				a.eps[cur] = append(a.eps[cur], is)
				cur = it
			}
			a.eps[cur] = append(a.eps[cur], t)
		case schema.Choice:
			for _, it := range p.Items {
				is, it := a.build(it)
				a.eps[s] = append(a.eps[s], is)
				a.eps[it] = append(a.eps[it], t)
			}
		}
		return s, t
	}
	s := a.state()
	cur := s
	for i := 0; i < p.Min; i++ {
		fs, ft := one()
		a.eps[cur] = append(a.eps[cur], fs)
		cur = ft
	}
	end := a.state()
	a.eps[cur] = append(a.eps[cur], end)
	switch {
	case p.Max == schema.Unbounded:
		fs, ft := one()
		a.eps[cur] = append(a.eps[cur], fs)
		a.eps[ft] = append(a.eps[ft], cur)
	default:
		for i := p.Min; i < p.Max && i < p.Min+64; i++ {
			fs, ft := one()
			a.eps[cur] = append(a.eps[cur], fs)
			a.eps[ft] = append(a.eps[ft], end)
			cur = ft
		}
	}
	return s, end
}

func compileNFA(p *schema.Particle) *nfa {
	a := &nfa{}
	if p == nil {
		a.start = a.state()
		a.accept = a.start
		return a
	}
	a.start, a.accept = a.build(p)
	return a
}

// closure adds the states reachable by epsilon moves.
func (a *nfa) closure(set []int, mark []bool) []int {
	for i := 0; i < len(set); i++ {
		for _, t := range a.eps[set[i]] {
			if !mark[t] {
				mark[t] = true
				set = append(set, t)
			}
		}
	}
	return set
}

// match runs the automaton over the children's names: n is how many it consumes (the
// first that cannot come there is names[n]) and complete whether all of them form a
// complete content; next are the names that could come after the n consumed.
func (a *nfa) match(names []string) (n int, complete bool, next []string) {
	mark := make([]bool, len(a.eps))
	mark[a.start] = true
	cur := a.closure([]int{a.start}, mark)
	for i, name := range names {
		mark = make([]bool, len(a.eps))
		var nxt []int
		for _, s := range cur {
			for _, e := range a.edges[s] {
				if e.name == name && !mark[e.to] {
					mark[e.to] = true
					nxt = append(nxt, e.to)
				}
			}
		}
		if len(nxt) == 0 {
			return i, false, a.labels(cur)
		}
		cur = a.closure(nxt, mark)
	}
	for _, s := range cur {
		if s == a.accept {
			return len(names), true, nil
		}
	}
	return len(names), false, a.labels(cur)
}

func (a *nfa) labels(set []int) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range set {
		for _, e := range a.edges[s] {
			if !seen[e.name] {
				seen[e.name] = true
				out = append(out, e.name[strings.IndexByte(e.name, ':')+1:])
			}
		}
	}
	return out
}

func expected(next []string) string {
	if len(next) == 0 {
		return ""
	}
	if len(next) > 6 {
		next = append(next[:6:6], "...")
	}
	return "; expected: " + strings.Join(next, ", ")
}

var (
	intRE      = regexp.MustCompile(`^[+-]?[0-9]+$`)
	dateRE     = regexp.MustCompile(`^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?$`)
	dateTimeRE = regexp.MustCompile(`^-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)(Z|[+-](0[0-9]|1[0-4]):[0-5][0-9])?$`)
	doubleRE   = regexp.MustCompile(`^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|-?INF|NaN)$`)
)

// simple checks a value against a simple type.
func (v *validator) simple(path, typ, text string) {
	builtin := typ
	var st *schema.Simple
	if !strings.HasPrefix(typ, "xs:") {
		st = schema.Tables.Simple[typ]
		if st == nil {
			return
		}
		builtin = st.Builtin
	}
	val := text
	if builtin != "xs:string" {
		val = strings.TrimSpace(strings.Join(strings.Fields(text), " "))
	}
	show := val
	if len(show) > 60 {
		show = show[:60] + "..."
	}
	bad := func(format string, a ...any) { v.rep.add(path, "value", format, a...) }
	switch builtin {
	case "xs:int":
		n, err := strconv.ParseInt(val, 10, 64)
		if !intRE.MatchString(val) || err != nil || n < math.MinInt32 || n > math.MaxInt32 {
			bad("%q is not an xs:int", show)
			return
		}
		if st != nil && st.MinInclusive != "" {
			if min, err := strconv.ParseInt(st.MinInclusive, 10, 64); err == nil && n < min {
				bad("%d is less than %d", n, min)
			}
		}
	case "xs:date":
		if !dateRE.MatchString(val) || !validDay(val) {
			bad("%q is not an xs:date (YYYY-MM-DD)", show)
			return
		}
	case "xs:dateTime":
		if !dateTimeRE.MatchString(val) || !validDay(val) {
			bad("%q is not an xs:dateTime (YYYY-MM-DDThh:mm:ss)", show)
			return
		}
	case "xs:boolean":
		switch val {
		case "true", "false", "1", "0":
		default:
			bad("%q is not an xs:boolean", show)
			return
		}
	case "xs:double":
		if !doubleRE.MatchString(val) {
			bad("%q is not an xs:double", show)
			return
		}
	}
	if st == nil {
		return
	}
	if st.MinLength > 0 && utf8.RuneCountInString(val) < st.MinLength {
		bad("the value is shorter than %d characters", st.MinLength)
	}
	for _, re := range v.t.regex[typ] {
		if !re.MatchString(val) {
			bad("%q does not match the pattern %s", show, re.String())
		}
	}
	if len(st.Enumeration) > 0 {
		ok := false
		for _, e := range st.Enumeration {
			ok = ok || e == val
		}
		if !ok {
			bad("%q is not one of %s", show, strings.Join(st.Enumeration, ", "))
		}
	}
}

// validDay checks the day against the month (and leap years).
func validDay(v string) bool {
	neg := strings.HasPrefix(v, "-")
	v = strings.TrimPrefix(v, "-")
	i := strings.IndexByte(v, '-')
	y, _ := strconv.Atoi(v[:i])
	m, _ := strconv.Atoi(v[i+1 : i+3])
	d, _ := strconv.Atoi(v[i+4 : i+6])
	if neg {
		y = -y
	}
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	if m == 2 && (y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		days = 29
	}
	return d <= days
}

// checked is what a builder returns: its payload, once Validate finds it valid. The
// builders check the rules they know first, with messages in the model's terms; this
// catches the rest of the schema's (a systemID that is not a UUID, a code outside its
// list), so that no builder ever hands out a payload the XSD refuses.
func checked(m *Melding) (*Melding, error) {
	b, err := m.Bytes()
	if err != nil {
		return nil, err
	}
	rep, err := Validate(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if !rep.Valid() {
		p := make([]string, len(rep.Problems))
		for i, pr := range rep.Problems {
			p[i] = pr.String()
		}
		return nil, &ValidationError{p}
	}
	return m, nil
}
