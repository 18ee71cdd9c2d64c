// Command quickstart runs fellesklient's main job end to end against the in-process fakes:
// it gets a Maskinporten token with the JWT-bearer grant and calls a protected API with it.
// No network, no credentials: everything runs on loopback.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// 1. A fake Maskinporten with one registered client (a supplier's integration).
	mp := maskinportentest.NewServer(maskinportentest.Options{})
	defer mp.Close()
	opts := mp.NewClient("quickstart-client", "910000020", "ks:fiks")
	fmt.Fprintf(w, "fake Maskinporten at %s\n", mp.Environment())

	// 2. A protected API that accepts only Maskinporten tokens with scope ks:fiks.
	api := httptest.NewTLSServer(mp.RequireToken("ks:fiks", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := maskinportentest.TokenFromContext(r.Context())
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"hello": "organisation " + at.Consumer})
	})))
	defer api.Close()

	// 3. The Maskinporten client and a cached token source for one request shape.
	opts.HTTPClient = mp.HTTPClient()
	client, err := maskinporten.New(opts)
	if err != nil {
		return err
	}
	tokens, err := client.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
	if err != nil {
		return err
	}
	tok, err := tokens.Token(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "got %v\n", tok) // prints without the token value

	// 4. Call the API through auth.Transport: the token is added to every request, and a
	// rejected token is replaced once.
	httpClient := &http.Client{Transport: &auth.Transport{Source: tokens, Base: api.Client().Transport}}
	for i := 1; i <= 2; i++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, api.URL+"/hello", nil)
		resp, err := httpClient.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(w, "call %d: %s %s", i, resp.Status, body)
	}
	fmt.Fprintf(w, "token requests sent to Maskinporten: %d (the second call used the cache)\n", mp.TokenRequests())

	// 5. What a configuration error looks like: a scope the client does not have.
	_, err = client.Fetch(ctx, maskinporten.Request{Scopes: []string{"skatteetaten:formueinntekt"}})
	var mpErr *maskinporten.Error
	if errors.As(err, &mpErr) {
		fmt.Fprintf(w, "unregistered scope: %s (code %s, temporary %v)\n", mpErr.Code, mpErr.MPCode, mpErr.Temporary())
	}
	if !errors.Is(err, maskinporten.ErrInvalidScope) {
		return fmt.Errorf("expected invalid_scope, got %v", err)
	}
	fmt.Fprintln(w, "quickstart: ok")
	return nil
}
