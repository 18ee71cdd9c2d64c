package ident_test

import (
	"testing"

	"github.com/fellesklient/fellesklient/ident"
)

// go test -run '^$' -bench . -benchmem ./ident/
func BenchmarkParseFoedselsnummer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ident.ParseFoedselsnummer("13097248022"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseFoedselsnummerInvalid(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ident.ParseFoedselsnummer("13097248023"); err == nil {
			b.Fatal("accepted")
		}
	}
}

func BenchmarkParseOrganisasjonsnummer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ident.ParseOrganisasjonsnummer("974760673"); err != nil {
			b.Fatal(err)
		}
	}
}
