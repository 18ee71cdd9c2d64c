package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

// BenchmarkTokenWarm: Token on a warm cache, with and without a shared store behind it
// (the local layer answers; Redis is not asked).
//
//	scripts/benchratio.sh ./auth/redisstore/ BenchmarkTokenWarm local shared 5 2000000x
func BenchmarkTokenWarm(b *testing.B) {
	srv := testutil.Redis(b)
	st, _ := newStoreB(b, srv.Addr)
	exp := time.Now().Add(time.Hour)
	src := auth.TokenSourceFunc(func(context.Context) (*auth.Token, error) { return &auth.Token{Value: "v", Expiry: exp}, nil })
	for name, opts := range map[string]auth.CacheOptions{
		"local":  {},
		"shared": {Shared: st, SharedKey: "bench"},
	} {
		b.Run(name, func(b *testing.B) {
			c := auth.NewCache(src, opts)
			ctx := context.Background()
			if _, err := c.Token(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.Token(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCold: a replica with a cold local cache, either taking the token another
// replica stored (Redis GET and AES-GCM open on loopback) or making the token request
// itself (grant signed with RSA-2048, POST to the Maskinporten fake on loopback): what
// the shared store saves a cold replica.
//
//	scripts/benchratio.sh ./auth/redisstore/ BenchmarkCold maskinporten shared 5 300x
func BenchmarkCold(b *testing.B) {
	srv := testutil.Redis(b)
	st, _ := newStoreB(b, srv.Addr)
	mp := maskinportentest.NewServer(b, maskinportentest.Options{Plain: true})
	opts := mp.NewClient("bench", "991825827", "ks:fiks")
	req := maskinporten.Request{Scopes: []string{"ks:fiks"}}
	ctx := context.Background()
	b.Run("maskinporten", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c, err := maskinporten.New(opts)
			if err != nil {
				b.Fatal(err)
			}
			ts, _ := c.TokenSource(req)
			if _, err := ts.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("shared", func(b *testing.B) {
		o := opts
		o.Cache = auth.CacheOptions{Shared: st}
		warm, err := maskinporten.New(o)
		if err != nil {
			b.Fatal(err)
		}
		ts, _ := warm.TokenSource(req)
		if _, err := ts.Token(ctx); err != nil { // stored for the others
			b.Fatal(err)
		}
		before := mp.TokenRequests()
		b.ReportAllocs()
		for b.Loop() {
			c, err := maskinporten.New(o)
			if err != nil {
				b.Fatal(err)
			}
			ts, _ := c.TokenSource(req)
			if _, err := ts.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
		if mp.TokenRequests() != before {
			b.Fatal("a cold replica asked Maskinporten")
		}
	})
}
