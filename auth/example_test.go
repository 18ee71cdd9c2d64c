package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"golang.org/x/oauth2"

	"github.com/fellesklient/fellesklient/auth"
)

// An oauth2.TokenSource (from golang.org/x/oauth2) becomes an auth.TokenSource in one
// function. x/oauth2's Token takes no context, so cancellation of ctx does not reach it.
func ExampleTokenSourceFunc_oauth2() {
	var src oauth2.TokenSource = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "from-x-oauth2", TokenType: "Bearer"})

	ts := auth.TokenSourceFunc(func(ctx context.Context) (*auth.Token, error) {
		t, err := src.Token()
		if err != nil {
			return nil, err
		}
		return &auth.Token{Value: t.AccessToken, Type: t.Type(), Expiry: t.Expiry}, nil
	})

	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("server saw:", r.Header.Get("Authorization"))
	}))
	defer api.Close()

	hc := &http.Client{Transport: &auth.Transport{Source: auth.NewCache(ts, auth.CacheOptions{})}}
	resp, err := hc.Get(api.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	// Output: server saw: Bearer from-x-oauth2
}

// A Cache in front of any source: one fetch for all callers, early refresh.
func ExampleNewCache() {
	n := 0
	src := auth.TokenSourceFunc(func(ctx context.Context) (*auth.Token, error) {
		n++
		return &auth.Token{Value: fmt.Sprintf("token-%d", n)}, nil
	})
	c := auth.NewCache(src, auth.CacheOptions{})
	for range 3 {
		tok, _ := c.Token(context.Background())
		fmt.Println(tok) // String never shows the value
	}
	fmt.Println("fetches:", n)
	// Output:
	// Bearer token [redacted] (no expiry, scope "")
	// Bearer token [redacted] (no expiry, scope "")
	// Bearer token [redacted] (no expiry, scope "")
	// fetches: 1
}
