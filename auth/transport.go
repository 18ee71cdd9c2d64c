package auth

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
)

// Transport is an [http.RoundTripper] that sets the Authorization header from a
// [TokenSource] on a clone of each request.
//
// When the server answers 401 Unauthorized and Source is an [Invalidator], the rejected
// token is invalidated; if the request body can be replayed (no body, or GetBody set), the
// request is sent once more with a fresh token. The caller's request is never modified.
type Transport struct {
	// Source gives the token. Required.
	Source TokenSource
	// Base is the transport the authorized request is sent with. Nil: http.DefaultTransport.
	Base http.RoundTripper
	// Rejected decides whether a 401 answer rejects the token, so that invalidating it
	// and trying a fresh one can help. body is the start of the answer's body (at most
	// 64 KiB); the response keeps its whole body. Nil: every 401 rejects the token. FIKS
	// answers 401 also for wrong integration credentials, which no new token cures.
	Rejected func(resp *http.Response, body []byte) bool

	last atomic.Pointer[authHeader] // the header value of the last token, reused while it lasts
}

type authHeader struct {
	tok   *Token
	value []string
}

// RoundTrip implements [http.RoundTripper].
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	closeBody := func() {
		if req.Body != nil {
			req.Body.Close()
		}
	}
	if t.Source == nil {
		closeBody()
		return nil, errors.New("auth: Transport.Source is nil")
	}
	tok, err := t.Source.Token(req.Context())
	if err == nil && tok == nil {
		err = ErrNoToken
	}
	if err != nil {
		closeBody()
		return nil, err
	}
	resp, err := t.base().RoundTrip(t.authorized(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if t.Rejected != nil {
		peek, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(peek), resp.Body), resp.Body}
		if !t.Rejected(resp, peek) {
			return resp, nil
		}
	}

	inv, ok := t.Source.(Invalidator)
	if !ok {
		return resp, nil
	}
	inv.Invalidate(tok)
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	if !replayable {
		return resp, nil
	}
	fresh, ferr := t.Source.Token(req.Context())
	if ferr != nil || fresh == nil || fresh.Value == tok.Value {
		// No better token to try: hand back the 401 as it is.
		return resp, nil
	}
	retry := t.authorized(req, fresh)
	if req.GetBody != nil && req.Body != nil && req.Body != http.NoBody {
		body, berr := req.GetBody()
		if berr != nil {
			return resp, nil
		}
		retry.Body = body
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return t.base().RoundTrip(retry)
}

// authorized returns a shallow copy of req with its own header map holding the
// Authorization header. The header value slice is shared between requests with the same
// token; net/http never modifies header values in place.
func (t *Transport) authorized(req *http.Request, tok *Token) *http.Request {
	h := t.last.Load()
	if h == nil || h.tok != tok {
		h = &authHeader{tok: tok, value: []string{tok.TypeOrDefault() + " " + tok.Value}}
		t.last.Store(h)
	}
	r := new(http.Request)
	*r = *req
	r.Header = make(http.Header, len(req.Header)+1)
	for k, v := range req.Header {
		r.Header[k] = v
	}
	r.Header["Authorization"] = h.value
	return r
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	return http.DefaultTransport
}

// CloseIdleConnections closes idle connections of the base transport, if it supports it.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.base().(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
