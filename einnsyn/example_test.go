package einnsyn_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
)

// Publish a case with its journal entry, exactly once. The fake stands in for eInnsyn;
// against the real API, set BaseURL to einnsyn.Test or einnsyn.Prod and use the key
// eInnsyn gave the organisation.
func ExampleResource_Create() {
	fake := einnsyntest.NewServer(nil, einnsyntest.Options{})
	defer fake.Close()
	enhet := fake.AddEnhet(einnsyntest.Enhet{Navn: "Testkommune", Orgnummer: "910000020", Enhetstype: "KOMMUNE"})
	c, err := einnsyn.New(einnsyn.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), APIKey: auth.Secret(fake.AddAPIKey(enhet))})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	arkiv, err := c.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Sakarkiv", ArkivBase: einnsyn.ArkivBase{Base: einnsyn.Base{ExternalID: "sakarkiv"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	del, err := c.Arkivdeler.Create(ctx, arkiv.ID, &einnsyn.Arkivdel{Tittel: "Sakarkiv 2026", ArkivBase: einnsyn.ArkivBase{Base: einnsyn.Base{ExternalID: "sakarkiv-2026"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	jp := &einnsyn.Journalpost{Journalaar: 2026, Journalsekvensnummer: 1234, Journalpostnummer: 1,
		Journalposttype: einnsyn.UtgaaendeDokument, Journaldato: einnsyn.NewDato(2026, 3, 1)}
	jp.SystemID = "3f2504e0-4f89-11d3-9a0c-0305e82c3302"
	jp.OffentligTittel, jp.OffentligTittelSensitiv = "Vedtak om barnehageplass", "Vedtak om barnehageplass"
	sm := &einnsyn.Saksmappe{Saksaar: 2026, Sakssekvensnummer: 42, Journalpost: []einnsyn.Ref[einnsyn.Journalpost]{{Object: jp}}}
	sm.SystemID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
	sm.OffentligTittel, sm.OffentligTittelSensitiv = "Barnehageopptak 2026", "Barnehageopptak 2026"
	created, err := c.Saksmapper.Create(ctx, del.ID, sm)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(created.Saksnummer, created.OffentligTittel)

	// Bad input is refused before anything is sent.
	_, err = c.Journalposter.Create(ctx, created.ID, &einnsyn.Journalpost{})
	var ve *einnsyn.ValidationError
	fmt.Println(errors.As(err, &ve), errors.Is(err, einnsyn.ErrInvalidInput))
	// Output:
	// 2026/42 Barnehageopptak 2026
	// true true
}

// Search what is published, as the public does: no key needed.
func ExampleClient_Search() {
	fake := einnsyntest.NewServer(nil, einnsyntest.Options{})
	defer fake.Close()
	enhet := fake.AddEnhet(einnsyntest.Enhet{Navn: "Testkommune", Orgnummer: "910000020", Enhetstype: "KOMMUNE"})
	pub, _ := einnsyn.New(einnsyn.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), APIKey: auth.Secret(fake.AddAPIKey(enhet))})
	ctx := context.Background()
	arkiv, _ := pub.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Sakarkiv"})
	del, _ := pub.Arkivdeler.Create(ctx, arkiv.ID, &einnsyn.Arkivdel{Tittel: "Sakarkiv 2026"})
	sm := &einnsyn.Saksmappe{Saksaar: 2026, Sakssekvensnummer: 7}
	sm.OffentligTittel, sm.OffentligTittelSensitiv = "Opptak og byggesaker", "Opptak og byggesaker"
	for i, tittel := range []string{"Søknad om barnehageplass", "Svar på søknad om barnehageplass", "Byggesøknad, Storgata 1"} {
		jp := &einnsyn.Journalpost{Journalaar: 2026, Journalsekvensnummer: i + 1, Journalpostnummer: i + 1,
			Journalposttype: einnsyn.InngaaendeDokument, Journaldato: einnsyn.NewDato(2026, 3, i+1)}
		jp.OffentligTittel, jp.OffentligTittelSensitiv = tittel, tittel
		sm.Journalpost = append(sm.Journalpost, einnsyn.Ref[einnsyn.Journalpost]{Object: jp})
	}
	if _, err := pub.Saksmapper.Create(ctx, del.ID, sm); err != nil {
		fmt.Println(err)
		return
	}

	public, _ := einnsyn.New(einnsyn.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient()})
	for hit, err := range public.Search(ctx, &einnsyn.SearchOptions{Query: "barnehageplass", Entity: []string{"Journalpost"}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(hit.Entity, hit.Journalpost.OffentligTittel)
	}
	// Unordered output:
	// Journalpost Søknad om barnehageplass
	// Journalpost Svar på søknad om barnehageplass
}
