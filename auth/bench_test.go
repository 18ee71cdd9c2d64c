package auth_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/fellesklient/fellesklient/auth"
)

// BenchmarkTokenWarm compares Token on a warm cache with oauth2.ReuseTokenSource in the
// same run.
//
//	go test -run '^$' -bench TokenWarm -benchmem -count 6 ./auth/
func BenchmarkTokenWarm(b *testing.B) {
	exp := time.Now().Add(time.Hour)
	b.Run("auth.Cache", func(b *testing.B) {
		c := auth.NewCache(auth.TokenSourceFunc(func(context.Context) (*auth.Token, error) {
			return &auth.Token{Value: "v", Expiry: exp}, nil
		}), auth.CacheOptions{})
		ctx := context.Background()
		if _, err := c.Token(ctx); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := c.Token(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("oauth2.ReuseTokenSource", func(b *testing.B) {
		ts := oauth2.ReuseTokenSource(nil, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "v", Expiry: exp}))
		if _, err := ts.Token(); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			if _, err := ts.Token(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("auth.Cache-parallel", func(b *testing.B) {
		c := auth.NewCache(auth.TokenSourceFunc(func(context.Context) (*auth.Token, error) {
			return &auth.Token{Value: "v", Expiry: exp}, nil
		}), auth.CacheOptions{})
		ctx := context.Background()
		_, _ = c.Token(ctx)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_, _ = c.Token(ctx)
			}
		})
	})
	b.Run("oauth2.ReuseTokenSource-parallel", func(b *testing.B) {
		ts := oauth2.ReuseTokenSource(nil, oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "v", Expiry: exp}))
		_, _ = ts.Token()
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_, _ = ts.Token()
			}
		})
	})
}
