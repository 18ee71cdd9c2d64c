package folkeregister_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/fellesklient/fellesklient/folkeregister"
)

var elevenDigits = regexp.MustCompile(`\d{11}`)

// FuzzPerson: decoding any bytes never panics, and whatever decodes prints and marshals
// without an 11-digit number from an identifier field.
func FuzzPerson(f *testing.F) {
	seed, err := os.ReadFile("testdata/person.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"identifikasjonsnummer":[{"foedselsEllerDNummer":"13097248022","erGjeldende":true}]}`))
	f.Add([]byte(`{"postadresse":[{"erGjeldende":true,"postadresseIFrittFormat":{"poststed":"OSLO","adresselinje":["a"]}}]}`))
	f.Add([]byte(`{"bostedsadresse":[{"erGjeldende":true,"vegadresse":{"adressenummer":{"husnummer":1e3}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p folkeregister.Person
		if json.Unmarshal(data, &p) != nil {
			return
		}
		_, _ = p.Utsendingsadresse()
		_, _ = p.Beskyttelse()
		id := p.Identifikator()
		if elevenDigits.MatchString(id.String()) || elevenDigits.MatchString(fmt.Sprint(id)) {
			t.Fatalf("identifier printed unmasked")
		}
		for _, r := range p.Familierelasjon {
			if elevenDigits.MatchString(fmt.Sprintf("%v %+v", r.RelatertPerson, r)) {
				t.Fatalf("relation printed unmasked")
			}
		}
		if _, err := json.Marshal(p); err != nil {
			t.Fatalf("a decoded person does not marshal: %v", err)
		}
	})
}

// FuzzHendelser: feed pages.
func FuzzHendelser(f *testing.F) {
	f.Add([]byte(`[{"sekvensnummer":1,"hendelse":{"folkeregisteridentifikator":"69028400470","hendelsestype":"endringIIdentitetsgrunnlag","hendelsesdokument":"55591b51b20518f4f22bf1edd6aa9f25","persondokument":"8f475708c3d855defca884f4af6e49ae","ajourholdstidspunkt":"2017-06-20T09:26:03.689+02:00"}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var hs []folkeregister.Hendelse
		_ = json.Unmarshal(data, &hs)
		for _, h := range hs {
			if elevenDigits.MatchString(fmt.Sprintf("%v", h)) && elevenDigits.MatchString(h.Folkeregisteridentifikator.Unmasked()) {
				if elevenDigits.MatchString(h.Folkeregisteridentifikator.String()) {
					t.Fatal("unmasked")
				}
			}
		}
	})
}
