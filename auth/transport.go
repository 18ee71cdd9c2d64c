package auth

import (
	"errors"
	"io"
	"net/http"
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
	resp, err := t.base().RoundTrip(authorized(req, tok))
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
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
	retry := authorized(req, fresh)
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

func authorized(req *http.Request, tok *Token) *http.Request {
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", tok.TypeOrDefault()+" "+tok.Value)
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
