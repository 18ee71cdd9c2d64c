package maskinporten

import "github.com/fellesklient/fellesklient/internal/httpx"

// RedirectError is returned when the service answers with a redirect. No request of this
// module follows a redirect: a credential, grant or document must never reach another
// origin, and the service documents none. It is one type across the module's clients, so
// errors.As with any package's RedirectError matches it.
type RedirectError = httpx.RedirectError

// ErrRedirect is matched (errors.Is) by every *RedirectError.
var ErrRedirect = httpx.ErrRedirect

// ResponseTooLargeError is returned when an answer's body passes the limit for its kind
// of call (each client documents its limits); the body is not read further. One type
// across the module's clients.
type ResponseTooLargeError = httpx.ResponseTooLargeError

// ErrResponseTooLarge is matched (errors.Is) by every *ResponseTooLargeError.
var ErrResponseTooLarge = httpx.ErrResponseTooLarge
