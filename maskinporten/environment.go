package maskinporten

import (
	"net/url"
	"strings"

	"github.com/fellesklient/fellesklient/internal/httpx"
)

// Environment is a Maskinporten issuer identifier. Use [Prod] or [Test], or the issuer of
// another authorization server that speaks the same protocol (a fake, a proxy). The issuer
// is used byte for byte as the grant's aud claim, so the trailing slash matters.
type Environment string

const (
	// Prod is Maskinporten's production environment.
	Prod Environment = "https://maskinporten.no/"
	// Test is Maskinporten's test environment (test.maskinporten.no). Production
	// certificates are not accepted there.
	Test Environment = "https://test.maskinporten.no/"
)

// Issuer returns the issuer identifier.
func (e Environment) Issuer() string { return string(e) }

// ParseEnvironment reads "prod", "test" or an issuer URL.
func ParseEnvironment(s string) (Environment, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "prod", "production":
		return Prod, nil
	case "test":
		return Test, nil
	}
	e := Environment(s)
	if err := e.validate(); err != nil {
		return "", err
	}
	return e, nil
}

// validate checks that e is an absolute https URL, or http on a loopback host.
func (e Environment) validate() error {
	if e == "" {
		return &ValidationError{Op: "maskinporten", Field: "Environment", Problem: "missing (use maskinporten.Prod, maskinporten.Test or an issuer URL)"}
	}
	if err := CheckEndpointURL(string(e)); err != nil {
		return &ValidationError{Op: "maskinporten", Field: "Environment", Problem: err.Error()}
	}
	return nil
}

// CheckEndpointURL reports whether raw is an absolute https URL, or an http URL whose host
// is a loopback address or "localhost". Tokens and grants are never sent in clear text
// over a network. Every client of the module applies the same rule to its base URL.
func CheckEndpointURL(raw string) error { return httpx.CheckEndpointURL(raw) }

// metadataURL is the RFC 8414 metadata location: the well-known suffix goes between host
// and path; a lone "/" path is dropped.
func (e Environment) metadataURL() string {
	u, err := url.Parse(string(e))
	if err != nil {
		return ""
	}
	path := strings.TrimSuffix(u.Path, "/")
	u.Path = "/.well-known/oauth-authorization-server" + path
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// staticTokenURL is the token endpoint used without discovery: Maskinporten's documented
// endpoints for Prod and Test, issuer + "token" otherwise.
func (e Environment) staticTokenURL() string {
	s := string(e)
	if !strings.HasSuffix(s, "/") {
		s += "/"
	}
	return s + "token"
}

// known reports whether e is Prod or Test.
func (e Environment) known() bool { return e == Prod || e == Test }
