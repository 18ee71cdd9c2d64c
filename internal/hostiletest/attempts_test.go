package hostiletest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/httpx"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/svarut"
)

// TestDefaultAttempts: every client, with MaxAttempts left at 0, makes the module's one
// default number of attempts against a service that answers 503 to everything, and
// returns a typed error that matches the shared ErrUnavailable.
func TestDefaultAttempts(t *testing.T) {
	t.Parallel()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	fnr := ident.MustParseFoedselsnummer("13097248022")
	creds := fiks.Credentials{Token: auth.Static("t"), IntegrasjonID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a11", IntegrasjonPassord: "p"}
	cases := []struct {
		name string
		call func(ctx context.Context, base string) error
	}{
		{"maskinporten token", func(ctx context.Context, base string) error {
			c, err := maskinporten.New(maskinporten.Options{Environment: maskinporten.Environment(base + "/"), TokenURL: base + "/token",
				ClientID: "klient", Key: maskinporten.Key{Signer: key, KeyID: "kid"}})
			require.NoError(t, err)
			_, err = c.Fetch(ctx, maskinporten.Request{Scopes: []string{"ks:fiks"}})
			return err
		}},
		{"folkeregister person", func(ctx context.Context, base string) error {
			c, err := folkeregister.New(folkeregister.Options{BaseURL: base, Rolle: "r", Credentials: creds})
			require.NoError(t, err)
			_, err = c.Person(ctx, fnr, nil)
			return err
		}},
		{"einnsyn get", func(ctx context.Context, base string) error {
			c, err := einnsyn.New(einnsyn.Options{BaseURL: base})
			require.NoError(t, err)
			_, err = c.Journalposter.Get(ctx, "jp_01jh532p3ve6haq7n53xgpqayh")
			return err
		}},
		{"svarut status", func(ctx context.Context, base string) error {
			c, err := svarut.New(svarut.Options{BaseURL: base, Credentials: creds, Konto: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12"})
			require.NoError(t, err)
			_, err = c.Statuser(ctx, "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a13")
			return err
		}},
		{"svarinn list", func(ctx context.Context, base string) error {
			m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: base, Brukernavn: "system", Passord: "pw", Key: kryptering.Key{Decrypter: key}})
			require.NoError(t, err)
			_, err = m.ListNew(ctx)
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var n atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				_, _ = w.Write([]byte(`{"error":"temporarily_unavailable","status":503,"message":"vedlikehold"}`))
			}))
			t.Cleanup(srv.Close)
			err := tc.call(context.Background(), srv.URL)
			require.Error(t, err)
			assert.Equal(t, int64(httpx.DefaultMaxAttempts), n.Load(), "attempts")
			assert.True(t, errors.Is(err, httpx.ErrUnavailable), "%T %v", err, err)
			var se httpx.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, http.StatusServiceUnavailable, se.HTTPStatusCode())
			assert.True(t, se.Temporary())
		})
	}
}
