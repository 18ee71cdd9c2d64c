package maskinporten_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// Get a token and call an API with it. The fake stands in for Maskinporten; against the
// real service, set Environment to maskinporten.Test or maskinporten.Prod and load the key
// with maskinporten.ParseKey.
func Example() {
	mp := maskinportentest.NewServer(nil, maskinportentest.Options{})
	defer mp.Close()
	opts := mp.NewClient("my-client-id", "910000020", "ks:fiks")

	client, err := maskinporten.New(opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	tokens, err := client.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}})
	if err != nil {
		fmt.Println(err)
		return
	}

	api := httptest.NewTLSServer(mp.RequireToken("ks:fiks", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, _ := maskinportentest.TokenFromContext(r.Context())
		fmt.Fprintf(w, "hello %s", at.Consumer)
	})))
	defer api.Close()

	hc := &http.Client{Transport: &auth.Transport{Source: tokens, Base: api.Client().Transport}}
	resp, err := hc.Get(api.URL)
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.Status, string(body))
	// Output: 200 OK hello 910000020
}

// A supplier fetching a token for a municipality that has delegated the scope in Altinn.
func ExampleClient_TokenSource_consumerOrg() {
	mp := maskinportentest.NewServer(nil, maskinportentest.Options{})
	defer mp.Close()
	opts := mp.NewClient("supplier-client", "910000020")
	// The fake's view of Altinn: the municipality 974760673 delegated ks:fiks to the supplier.
	mp.AddClient(maskinportentest.Client{ID: "supplier-client", Org: "910000020", Keys: keysOf(opts),
		Delegations: map[string][]string{"974760673": {"ks:fiks"}}})

	client, _ := maskinporten.New(opts)
	tokens, _ := client.TokenSource(maskinporten.Request{Scopes: []string{"ks:fiks"}, ConsumerOrg: "974760673"})
	tok, err := tokens.Token(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	at, _ := mp.VerifyToken(tok.Value)
	fmt.Println("consumer", at.Consumer, "supplier", at.Supplier)
	// Output: consumer 974760673 supplier 910000020
}

// Errors from Maskinporten are typed: the OAuth code, the MP code and whether to retry.
func ExampleError() {
	mp := maskinportentest.NewServer(nil, maskinportentest.Options{})
	defer mp.Close()
	client, _ := maskinporten.New(mp.NewClient("my-client-id", "910000020", "ks:fiks"))

	_, err := client.Fetch(context.Background(), maskinporten.Request{Scopes: []string{"skatteetaten:not-mine"}})
	var mpErr *maskinporten.Error
	if errors.As(err, &mpErr) {
		fmt.Println(mpErr.StatusCode, mpErr.Code, mpErr.MPCode, "temporary:", mpErr.Temporary())
	}
	fmt.Println(errors.Is(err, maskinporten.ErrInvalidScope))

	// Bad input is refused before anything is sent.
	_, err = client.Fetch(context.Background(), maskinporten.Request{})
	var ve *maskinporten.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	// Output:
	// 400 invalid_scope MP-200 temporary: false
	// true
	// true Request.Scopes
}
