// Package oauth2adapter connects fellesklient's token sources with golang.org/x/oauth2, for
// libraries that take an oauth2.TokenSource (or an *http.Client from oauth2.NewClient): a
// Maskinporten token source from this module can feed them, and an oauth2 source can feed
// this module's clients. It is a package of its own so that auth, and every client, stays
// free of the x/oauth2 dependency.
package oauth2adapter

import (
	"context"
	"errors"

	"golang.org/x/oauth2"

	"github.com/fellesklient/fellesklient/auth"
)

// TokenSource is ts as an oauth2.TokenSource. x/oauth2's Token method takes no context,
// so every call uses ctx (give the context the tokens are for: a process's or a request's;
// when it ends, Token fails). ts is used as it is: give a cached source (auth.NewCache, or
// a maskinporten.Client's TokenSource), since oauth2's ReuseTokenSource does not cache an
// error and callers such as oauth2.Transport ask for a token per request.
func TokenSource(ctx context.Context, ts auth.TokenSource) oauth2.TokenSource {
	return &toOAuth2{ctx: ctx, ts: ts}
}

type toOAuth2 struct {
	ctx context.Context
	ts  auth.TokenSource
}

func (s *toOAuth2) Token() (*oauth2.Token, error) {
	if s.ts == nil {
		return nil, errors.New("oauth2adapter: no token source")
	}
	t, err := s.ts.Token(s.ctx)
	if err != nil {
		return nil, err
	}
	return &oauth2.Token{AccessToken: t.Value, TokenType: t.TypeOrDefault(), Expiry: t.Expiry}, nil
}

// FromOAuth2 is an oauth2.TokenSource as an auth.TokenSource. x/oauth2's Token takes no
// context, so a canceled ctx does not stop a fetch it has started; Token returns ctx's
// error when ctx is already done.
func FromOAuth2(src oauth2.TokenSource) auth.TokenSource {
	return auth.TokenSourceFunc(func(ctx context.Context) (*auth.Token, error) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		t, err := src.Token()
		if err != nil {
			return nil, err
		}
		return &auth.Token{Value: t.AccessToken, Type: t.Type(), Expiry: t.Expiry}, nil
	})
}
