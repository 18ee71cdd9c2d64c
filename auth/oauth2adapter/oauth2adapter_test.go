package oauth2adapter_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/auth/oauth2adapter"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// A Maskinporten token source from this module drives an x/oauth2 client: the API gets
// the token, and one token request serves many calls.
func TestMaskinportenIntoOAuth2Client(t *testing.T) {
	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	c, err := maskinporten.New(mp.NewClient("klient", "910000020", "ks:fiks"))
	require.NoError(t, err)
	ts, err := c.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
	require.NoError(t, err)
	api := httptest.NewServer(mp.RequireToken("ks:fiks", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })))
	defer api.Close()

	hc := oauth2.NewClient(context.Background(), oauth2adapter.TokenSource(context.Background(), ts))
	for range 3 {
		resp, err := hc.Get(api.URL)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 204, resp.StatusCode)
	}
	assert.Equal(t, 1, mp.TokenRequests())

	tok, err := oauth2adapter.TokenSource(context.Background(), ts).Token()
	require.NoError(t, err)
	assert.Equal(t, "Bearer", tok.TokenType)
	assert.WithinDuration(t, time.Now().Add(2*time.Minute), tok.Expiry, time.Minute)
}

func TestErrorsAndContext(t *testing.T) {
	boom := errors.New("boom")
	_, err := oauth2adapter.TokenSource(context.Background(), auth.TokenSourceFunc(func(context.Context) (*auth.Token, error) { return nil, boom })).Token()
	assert.ErrorIs(t, err, boom)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = oauth2adapter.TokenSource(ctx, auth.TokenSourceFunc(func(ctx context.Context) (*auth.Token, error) { return nil, ctx.Err() })).Token()
	assert.ErrorIs(t, err, context.Canceled)
	_, err = oauth2adapter.TokenSource(context.Background(), nil).Token()
	assert.Error(t, err)

	back := oauth2adapter.FromOAuth2(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "x", TokenType: "bearer"}))
	got, err := back.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "x", got.Value)
	_, err = back.Token(ctx)
	assert.ErrorIs(t, err, context.Canceled)
}
