package folkeregister_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/fellesklient/fellesklient/folkeregister"
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
