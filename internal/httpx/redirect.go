package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// ErrRedirect is matched by every *RedirectError.
var ErrRedirect = errors.New("redirect not followed")

// RedirectError is returned when a service answers a request with a redirect (301, 302,
// 303, 307 or 308). No client of this module follows redirects: a credential (bearer
// token, Fiks-integrasjon headers, Basic credentials, API key), a Maskinporten grant or a
// document body must never reach another origin, and none of the services documents a
// redirect on its API. The redirect answer is closed; nothing was sent to Location.
type RedirectError struct {
	// StatusCode is the redirect status.
	StatusCode int
	// Origin is the origin (scheme://host[:port]) that answered.
	Origin string
	// Location is the target as the server gave it, resolved against the request URL,
	// without user info, query or fragment. Empty when the answer had no usable Location.
	Location string
	// CrossOrigin is true when Location is on another scheme, host or port.
	CrossOrigin bool
}

func (e *RedirectError) Error() string {
	where := "without a Location"
	if e.Location != "" {
		where = "to " + e.Location
		if e.CrossOrigin {
			where += " (another origin)"
		}
	}
	return fmt.Sprintf("%s answered %d, a redirect %s; redirects are not followed, so that credentials and documents stay with their origin", e.Origin, e.StatusCode, where)
}

// Is matches ErrRedirect.
func (e *RedirectError) Is(target error) bool { return target == ErrRedirect }

// HTTPStatusCode returns the redirect status.
func (e *RedirectError) HTTPStatusCode() int { return e.StatusCode }

// Temporary is false: the same request gets the same redirect.
func (e *RedirectError) Temporary() bool { return false }

// RetryAfter is 0: a redirect is not retried.
func (e *RedirectError) RetryAfter() time.Duration { return 0 }

func isRedirect(code int) bool {
	switch code {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// noRedirects is every client's CheckRedirect: net/http hands the redirect answer back
// instead of following it, and Do turns it into a *RedirectError. It is in place even
// when the caller supplies an *http.Client with its own CheckRedirect, since that policy
// runs after net/http has already decided which headers to copy to the next hop.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// redirectError closes resp and describes it.
func redirectError(req *http.Request, resp *http.Response) *RedirectError {
	drain(resp)
	e := &RedirectError{StatusCode: resp.StatusCode, Origin: Origin(req.URL)}
	if loc := resp.Header.Get("Location"); loc != "" {
		if u, err := req.URL.Parse(loc); err == nil && u.Host != "" {
			e.CrossOrigin = Origin(u) != e.Origin
			u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
			e.Location = Redact(u.String())
		}
	}
	return e
}

// Origin returns scheme://host[:port] of u, lower-cased as net/url gives it, with the
// default port made explicit so that https://h and https://h:443 are one origin.
func Origin(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch u.Scheme {
		case "https":
			port = "443"
		case "http":
			port = "80"
		}
	}
	return u.Scheme + "://" + u.Hostname() + ":" + port
}

// SameOrigin reports whether the absolute URLs a and b share scheme, host and port.
func SameOrigin(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	return err1 == nil && err2 == nil && ua.Host != "" && Origin(ua) == Origin(ub)
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
