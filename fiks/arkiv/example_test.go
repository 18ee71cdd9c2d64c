package arkiv_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/arkiv"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// A case system's client; what cannot be right is refused before anything is sent.
func ExampleClient_Arkiver() {
	fio, err := fiksio.New(fiksio.Options{Environment: fiks.Test, Credentials: fiks.Credentials{Token: auth.Static("token"), IntegrasjonID: "i", IntegrasjonPassord: "p"},
		KontoID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ark, err := arkiv.New(arkiv.Options{FIKSIO: fio, Arkiv: "5b2c1f0e-8d3a-4f6b-9e1c-2a7d4b6c8e0f"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ark.Close()
	am := &fiksarkiv.Arkivmelding{System: "Byggesak", AntallFiler: 1, Registrering: &fiksarkiv.Registrering{Tittel: "Vedtak",
		Journalpost: &fiksarkiv.Journalpost{Journalposttype: fiksarkiv.Kode{Kode: "U"}},
		Dokumentbeskrivelse: []fiksarkiv.Dokumentbeskrivelse{{Tittel: "Vedtak", TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"},
			Dokumentobjekt: []fiksarkiv.Dokumentobjekt{{Filnavn: "vedtak.pdf", ReferanseDokumentfil: "vedtak.pdf"}}}}}}
	_, err = ark.Arkiver(context.Background(), am, nil) // the file the dokumentobjekt names is missing
	fmt.Println(errors.Is(err, arkiv.ErrInvalidInput))
	fmt.Println(err)
	// Output:
	// true
	// arkiv.Arkiver: Vedlegg: dokumentobjekt "vedtak.pdf" names referanseDokumentfil "vedtak.pdf", which is not among the files
}
