package httpx

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// CheckEndpointURL reports whether raw is an absolute https URL, or an http URL whose host
// is a loopback address or "localhost", without user info. It is the one rule every
// client of the module applies to a base URL, token endpoint or issuer: tokens, grants,
// passwords and documents are never sent in clear text over a network.
func CheckEndpointURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", RedactURL(raw))
	}
	if u.User != nil {
		return fmt.Errorf("URL must not carry user info")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q must use https (http is allowed only for loopback hosts)", u.Redacted())
	}
	return fmt.Errorf("%q must use https", u.Redacted())
}

// isLoopback reports whether host is "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckPlainAddr is CheckEndpointURL's rule for a host:port reached without TLS (AMQP in
// tests): allowed only on loopback.
func CheckPlainAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if !isLoopback(host) {
		return fmt.Errorf("%s: without TLS only a loopback host is allowed (the password and token would travel in the clear)", addr)
	}
	return nil
}
