package folkeregister_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/ident"
)

// Look a person up and find where a letter may go, honouring address protection. The
// fakes stand in for Maskinporten and Folkeregister; against the real service, set
// Environment and give Credentials a Maskinporten token source.
func ExampleClient_Person() {
	fx := fikstest.NewFixture(nil, "910000020", "folkeregister:rolle:saksbehandling")
	defer fx.Close()
	fake := folkeregistertest.NewServer(nil, folkeregistertest.Options{Maskinporten: fx.Maskinporten})
	defer fake.Close()
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddRolle(folkeregistertest.Rolle{ID: "saksbehandling", Parts: []string{"person-basis"}})
	kari := folkeregistertest.Foedselsnummer(time.Date(1972, 9, 13, 0, 0, 0, 0, time.UTC), 120)
	ola := folkeregistertest.Foedselsnummer(time.Date(1985, 4, 2, 0, 0, 0, 0, time.UTC), 230)
	fake.AddPerson(folkeregistertest.Person{Foedselsnummer: kari, Fornavn: "Kari", Etternavn: "Nordmann",
		Bostedsadresse: &folkeregistertest.Adresse{Adressenavn: "Kirkeveien", Husnummer: 12, Postnummer: "5003", Poststed: "BERGEN"}})
	fake.AddPerson(folkeregistertest.Person{Foedselsnummer: ola, Fornavn: "Ola", Etternavn: "Nordmann", Gradering: "strengtFortrolig"})

	c, err := folkeregister.New(folkeregister.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(),
		Credentials: fx.Credentials, Rolle: "saksbehandling"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, nr := range []string{kari, ola} {
		fnr := ident.MustParseFoedselsnummer(nr) // synthetic: month + 80
		p, err := c.Person(context.Background(), fnr, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		navn, _ := p.GjeldendeNavn()
		adr, err := p.Utsendingsadresse()
		switch {
		case errors.Is(err, folkeregister.ErrAdressebeskyttet):
			fmt.Printf("%v %s: address protected, send digitally only\n", fnr, navn.Fullt())
		case err != nil:
			fmt.Println(err)
		default:
			fmt.Printf("%v %s: %s, %s %s\n", fnr, navn.Fullt(), strings.Join(adr.Adresselinjer, ", "), adr.Postnummer, adr.Poststed)
		}
	}
	// Output:
	// 138972***** Kari Nordmann: Kirkeveien 12, 5003 BERGEN
	// 028485***** Ola Nordmann: address protected, send digitally only
}
