package maskinporten_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
)

// BenchmarkGrantSign measures building and signing one grant (claims, JSON, JWS, RS256)
// with 2048- and 4096-bit keys, next to the bare RSA signature of the same size in the
// same run (the floor).
//
//	go test -run '^$' -bench GrantSign -benchmem -count 6 ./maskinporten/
func BenchmarkGrantSign(b *testing.B) {
	for _, bits := range []int{2048, 4096} {
		key := testutil.Key(b, bits, 0)
		c, err := maskinporten.New(maskinporten.Options{Environment: maskinporten.Test, ClientID: "bench",
			Key: maskinporten.Key{Signer: key, KeyID: "k"}, DisableDiscovery: true})
		if err != nil {
			b.Fatal(err)
		}
		req := maskinporten.Request{Scopes: []string{"ks:fiks"}}
		ctx := context.Background()
		name := map[int]string{2048: "2048", 4096: "4096"}[bits]
		b.Run("RS256-"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Grant(ctx, req); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("rsa.SignPKCS1v15-"+name, func(b *testing.B) {
			d := sha256.Sum256([]byte("header.payload"))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
