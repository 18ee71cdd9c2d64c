package httpx

import (
	"regexp"
	"strings"

	"github.com/fellesklient/fellesklient/internal/mask"
)

// The one redactor of the module. Errors and log lines pass through Redact before they
// leave the library. It removes:
//   - bearer/basic credentials and JWTs (access tokens, grants),
//   - form and JSON fields that carry secrets (assertion, access_token, password, passord,
//     IntegrasjonPassord, client_secret, refresh_token, id_token, private JWK members),
//   - PEM blocks of private keys,
//   - 11-digit runs (fødselsnummer, D-nummer), masked to their first six digits (the
//     birth date) as the module's identifier types print them.
//
// secretNames are the field names whose values Redact hides.
const secretNames = `client_assertion|assertion|access_token|refresh_token|id_token|client_secret|password|passord|integrasjonpassord|integrasjon_passord|secret|token|pid`

var (
	pemRe  = regexp.MustCompile(`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`)
	authRe = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*`)
	jwtRe  = regexp.MustCompile(`eyJ[A-Za-z0-9_\-]*\.[A-Za-z0-9_\-]*\.?[A-Za-z0-9_\-]*`)
	// A secret-named field: as a JSON member ("token": "..."), or as a form, query or
	// header field (token=..., password: ...). A quote after the name counts only when one
	// comes before it too, so that a URL ending in /token followed by `": dial tcp` is not
	// a field named token.
	fieldRe  = regexp.MustCompile(`(?i)("(?:` + secretNames + `)"\s*:\s*"?|\b(?:` + secretNames + `)\s*[:=]\s*"?)([^"&,\s}]+)`)
	jwkPrvRe = regexp.MustCompile(`("(?:d|p|q|dp|dq|qi|k)"\s*:\s*")([^"]*)`)
)

// Redacted replaces a removed secret.
const Redacted = "[redacted]"

// Redact returns s with secrets and identity numbers removed. It is cheap for strings
// without any candidate and safe to call on anything.
func Redact(s string) string {
	if s == "" {
		return s
	}
	if strings.Contains(s, "PRIVATE KEY") {
		s = pemRe.ReplaceAllString(s, Redacted)
	}
	if strings.Contains(s, "eyJ") {
		s = jwtRe.ReplaceAllString(s, Redacted)
	}
	s = authRe.ReplaceAllString(s, "${1} "+Redacted)
	s = fieldRe.ReplaceAllString(s, "${1}"+Redacted)
	if strings.Contains(s, `"d"`) || strings.Contains(s, `"k"`) || strings.Contains(s, `"p"`) || strings.Contains(s, `"q"`) {
		s = jwkPrvRe.ReplaceAllString(s, "${1}"+Redacted)
	}
	return mask.IdentityNumbers(s)
}
