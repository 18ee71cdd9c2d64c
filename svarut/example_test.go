package svarut_test

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

// Send a letter to an organisation, encrypted for SvarUt, exactly once. The fakes stand
// in for Maskinporten and SvarUt; against the real service, set Environment to
// fiks.Test or fiks.Prod and give Credentials a Maskinporten token source.
func ExampleClient_Send() {
	konto := uuid.NewString()
	fx := fikstest.NewFixture(nil, "910000020", "svarut:konto:"+konto)
	defer fx.Close()
	fake := svaruttest.NewServer(nil, svaruttest.Options{Maskinporten: fx.Maskinporten})
	defer fake.Close()
	fake.AddKonto(konto)
	fake.AddIntegrasjon(fx.Integrasjon)

	c, err := svarut.New(svarut.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: fx.Credentials,
		Konto: konto, Sertifikat: fake.Sertifikat()})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := c.Send(context.Background(), &svarut.Forsendelse{
		Tittel:             "Svar på søknad om ferdigattest",
		Mottaker:           svarut.Mottaker{Navn: "Byggmester AS", Organisasjonsnummer: "974760673"},
		KunDigitalLevering: true,
		EksternReferanse:   "byggesak-2026-0042-svar",
		Dokumenter:         []svarut.Dokument{svarut.Bytes("svar.pdf", []byte("%PDF-1.7\nFerdigattest gitt.\n"))},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.EksternReferanse, res.Gjenbrukt, len(fake.Forsendelser()))

	// Bad input is refused before anything is sent.
	_, err = c.Send(context.Background(), &svarut.Forsendelse{Tittel: "Uten mottaker"})
	var ve *svarut.ValidationError
	fmt.Println(errors.As(err, &ve), errors.Is(err, svarut.ErrInvalidInput), len(fake.Forsendelser()))
	// Output:
	// byggesak-2026-0042-svar false 1
	// true true 1
}

// Receive with SvarInn: every forsendelse is downloaded, decrypted as it streams, checked,
// handed to the handler, and acknowledged only after the handler returned nil.
func ExampleMottak_Receive() {
	konto := uuid.NewString()
	fx := fikstest.NewFixture(nil, "910000020", "svarut:konto:"+konto)
	defer fx.Close()
	fake := svaruttest.NewServer(nil, svaruttest.Options{Maskinporten: fx.Maskinporten})
	defer fake.Close()
	key := fake.NewMottakersystem("sakarkiv", "servicepassord", "974760673") // your system's key: kryptering.ParseKey
	fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: "sakarkiv", Tittel: "Søknad om ferdigattest",
		Filer: []svaruttest.Fil{{Filnavn: "soknad.pdf", MimeType: "application/pdf", Innhold: []byte("%PDF-1.7\nSøknad\n")}}})

	m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(),
		Brukernavn: "sakarkiv", Passord: "servicepassord", Key: key})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.Receive(context.Background(), func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		b, err := io.ReadAll(fil) // store it; return nil only once it is stored
		fmt.Printf("%s: %s, %d bytes\n", f.Tittel, fil.Filnavn, len(b))
		return err
	})
	fmt.Println(res.Kvittert, res.Feilet, err)
	// Output:
	// Søknad om ferdigattest: soknad.pdf, 17 bytes
	// 1 0 <nil>
}
