package folkeregister_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/ident"
)

// BenchmarkPersonDecode decodes a realistic full person document (person-basis,
// historikk and relasjon-utvidet; testdata/person.json) into the typed Person, against
// encoding/json into map[string]any (the baseline) in the same run.
//
//	go test -run=^$ -bench=PersonDecode -benchmem ./folkeregister
func BenchmarkPersonDecode(b *testing.B) {
	raw, err := os.ReadFile("testdata/person.json")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("Person", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			var p folkeregister.Person
			if err := json.Unmarshal(raw, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline=map", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkLookup looks one person up through the Folkeregister fake on loopback (plain
// http, the same server for both): folkeregister.Client.Person (the FIKS headers, a cached
// Maskinporten token, the retry policy, the typed decode) against what a hand-written
// integration does, a net/http GET with the same headers and a static token, decoded with
// encoding/json into map[string]any. Interleaved:
//
//	scripts/benchratio.sh ./folkeregister/ BenchmarkLookup nethttp folkeregister 7 2000x
func BenchmarkLookup(b *testing.B) {
	fx := fikstest.NewFixture(b, "910000020", "folkeregister:rolle:saksbehandling")
	fake := folkeregistertest.NewServer(b, folkeregistertest.Options{Maskinporten: fx.Maskinporten, Plain: true})
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddRolle(folkeregistertest.Rolle{ID: "saksbehandling", Parts: []string{"person-basis"}})
	nr := fake.Syntetiske(1, 7)[0]
	fnr, err := ident.ParseFoedselsnummer(nr)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	b.Run("folkeregister", func(b *testing.B) {
		c, err := folkeregister.New(folkeregister.Options{BaseURL: fake.URL(), Credentials: fx.Credentials, Rolle: "saksbehandling"})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			p, err := c.Person(ctx, fnr, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, ok := p.GjeldendeNavn(); !ok {
				b.Fatal("no name")
			}
		}
	})
	b.Run("nethttp", func(b *testing.B) {
		tok, err := fx.Tokens.Token(ctx)
		if err != nil {
			b.Fatal(err)
		}
		u := fake.URL() + "/folkeregister/api/v1/saksbehandling/v1/personer/" + nr + "?part=person-basis"
		hc := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
			req.Header.Set("Accept", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok.Value)
			req.Header.Set("IntegrasjonId", fx.Integrasjon.ID)
			req.Header.Set("IntegrasjonPassord", fx.Integrasjon.Passord)
			res, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			var doc map[string]any
			err = json.NewDecoder(res.Body).Decode(&doc)
			res.Body.Close()
			if err != nil || res.StatusCode != http.StatusOK || doc["navn"] == nil {
				b.Fatalf("%v %d", err, res.StatusCode)
			}
		}
	})
}
