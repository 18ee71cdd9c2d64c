// Package mask hides identity numbers in text the module shows: an 11-digit run (a
// fødselsnummer or D-nummer) keeps its first six digits (the birth date), as the module's
// identifier types print them. Packages that must not depend on the HTTP plumbing
// (noark5) use it directly; internal/httpx's Redact uses it too.
package mask

import "regexp"

var fnrRe = regexp.MustCompile(`(^|[^0-9])([0-9]{6})([0-9]{5})($|[^0-9])`)

// IdentityNumbers returns s with every run of exactly 11 digits masked to its first six.
// It is cheap for text without such a run.
func IdentityNumbers(s string) string {
	if !hasDigitRun(s, 11) {
		return s
	}
	// Applied twice: adjacent numbers share the separator the pattern consumes.
	s = fnrRe.ReplaceAllString(s, "${1}${2}*****${4}")
	return fnrRe.ReplaceAllString(s, "${1}${2}*****${4}")
}

// hasDigitRun reports whether s has a run of exactly n digits.
func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == n {
			return true
		}
		run = 0
	}
	return run == n
}

// Number is the masked form of one identity number as the module's identifier types print
// it (ident.Foedselsnummer, folkeregister.Identifikator): the first six characters (the
// birth date) and an asterisk for each one after; all asterisks when there are six or
// fewer.
func Number(s string) string {
	keep := 6
	if len(s) <= keep {
		keep = 0
	}
	b := make([]byte, len(s))
	copy(b, s[:keep])
	for i := keep; i < len(b); i++ {
		b[i] = '*'
	}
	return string(b)
}
