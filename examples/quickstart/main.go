// Command quickstart runs fellesklient's main job end to end against the in-process fakes:
// a municipality sends a decision with SvarUt. It gets a Maskinporten token, looks the
// citizen up in Folkeregister (and leaves the print address out for a person with address
// protection), sends the letter, sends a copy to another municipality's archive, which
// receives it with SvarInn, decrypts it and prints it; the parent also sees the decision
// on Min side. Then the case system archives the
// decision as a Noark 5 arkivmelding and publishes the journal entry to eInnsyn, with the
// child's name screened from the public. No network, no credentials: everything runs on
// loopback.
//
//	go run ./examples/quickstart
package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/einnsyn/einnsyntest"
	"github.com/fellesklient/fellesklient/fiks/arkiv"
	"github.com/fellesklient/fellesklient/fiks/arkiv/fiksarkivtest"
	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/digisos/digisostest"
	"github.com/fellesklient/fellesklient/fiks/digisos/soknad"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/fiks/minside"
	"github.com/fellesklient/fellesklient/fiks/minside/minsidetest"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/folkeregister/folkeregistertest"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/noark5/arkivmelding"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

const (
	kommune      = "910000020" // the sending municipality
	arkivKommune = "974760673" // the municipality whose archive receives a copy
	rolle        = "rolle-saksbehandling"
)

// fakes are the in-process services the quickstart talks to, set up as a test would:
// the municipality's Maskinporten client and Fiks-integrasjon (fikstest.NewFixture), and
// Folkeregister, SvarUt/SvarInn and Min side fakes that trust them. Against TEST you
// would have none of this: the clients below take Environment: fiks.Test instead of the
// fakes' URLs (see docs/ for what to order).
type fakes struct {
	fx                        *fikstest.Fixture
	freg                      *folkeregistertest.Server
	svar                      *svaruttest.Server
	innsyn                    *minsidetest.Server
	konto, fiksOrg            string
	kari, ola                 string         // the recipients' fødselsnumre
	arkivKey                  kryptering.Key // the receiving archive's SvarInn key
	arkivBruker, arkivPassord string
}

func startFakes() *fakes {
	f := &fakes{konto: uuid.NewString(), fiksOrg: uuid.NewString(), arkivBruker: "arkivkommunen-sakarkiv", arkivPassord: "servicepassord"}
	f.fx = fikstest.NewFixture(nil, kommune, "folkeregister:rolle:"+rolle, "svarut:konto:"+f.konto, minsidetest.Privilege(f.fiksOrg))
	mp := f.fx.Maskinporten
	f.freg = folkeregistertest.NewServer(nil, folkeregistertest.Options{Maskinporten: mp})
	f.freg.AddIntegrasjon(f.fx.Integrasjon)
	f.freg.AddRolle(folkeregistertest.Rolle{ID: rolle, Parts: []string{"person-basis"}})
	f.kari = folkeregistertest.Foedselsnummer(time.Date(1972, 9, 13, 0, 0, 0, 0, time.UTC), 120)
	f.ola = folkeregistertest.Foedselsnummer(time.Date(1985, 4, 2, 0, 0, 0, 0, time.UTC), 230)
	f.freg.AddPerson(folkeregistertest.Person{Foedselsnummer: f.kari, Fornavn: "Kari", Etternavn: "Nordmann",
		Bostedsadresse: &folkeregistertest.Adresse{Adressenavn: "Kirkeveien", Husnummer: 12, Husbokstav: "B", Postnummer: "5003", Poststed: "BERGEN"}})
	f.freg.AddPerson(folkeregistertest.Person{Foedselsnummer: f.ola, Fornavn: "Ola", Etternavn: "Nordmann", Gradering: "strengtFortrolig"})
	f.svar = svaruttest.NewServer(nil, svaruttest.Options{Maskinporten: mp})
	f.svar.AddKonto(f.konto)
	f.svar.AddIntegrasjon(f.fx.Integrasjon)
	f.arkivKey = f.svar.NewMottakersystem(f.arkivBruker, f.arkivPassord, arkivKommune)
	f.innsyn = minsidetest.NewServer(nil, minsidetest.Options{Maskinporten: mp})
	f.innsyn.AddIntegrasjon(f.fx.Integrasjon)
	return f
}

func (f *fakes) Close() {
	f.innsyn.Close()
	f.svar.Close()
	f.freg.Close()
	f.fx.Close()
}

func run(w io.Writer) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	fk := startFakes()
	defer fk.Close()
	fx, creds := fk.fx, fk.fx.Credentials

	// 1. Maskinporten: the municipality's token for ks:fiks, fetched once and cached.
	tok, err := fx.Tokens.Token(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "1. Maskinporten: %v\n", tok) // prints without the token value

	// 2. Folkeregister: look the recipients up; honour address protection.
	fr, err := folkeregister.New(folkeregister.Options{BaseURL: fk.freg.URL(), HTTPClient: fk.freg.HTTPClient(), Credentials: creds, Rolle: rolle})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "2. Folkeregister: the recipients")
	type mottaker struct {
		fnr ident.Foedselsnummer
		m   svarut.Mottaker
		kun bool // digital delivery only: no address may leave the register
	}
	var mottakere []mottaker
	for _, nr := range []string{fk.kari, fk.ola} {
		fnr, err := ident.ParseFoedselsnummer(nr)
		if err != nil {
			return err
		}
		p, err := fr.Person(ctx, fnr, nil)
		if err != nil {
			return err
		}
		navn, _ := p.GjeldendeNavn()
		mt := mottaker{fnr: fnr, m: svarut.Mottaker{Navn: navn.Fullt(), Foedselsnummer: fnr}}
		adr, err := p.Utsendingsadresse()
		switch {
		case errors.Is(err, folkeregister.ErrAdressebeskyttet):
			mt.kun = true
			fmt.Fprintf(w, "   %v %s: %v; sending digitally only, no print address\n", fnr, navn.Fullt(), err)
		case err != nil:
			return err
		default:
			mt.m.Postadresse = &svarut.Postadresse{Adresselinjer: adr.Adresselinjer, Postnummer: adr.Postnummer, Poststed: adr.Poststed}
			fmt.Fprintf(w, "   %v %s, print address %s, %s %s\n", fnr, navn.Fullt(), strings.Join(adr.Adresselinjer, ", "), adr.Postnummer, adr.Poststed)
		}
		mottakere = append(mottakere, mt)
	}

	// 3. SvarUt: send the decision to each, exactly once, and a print-only letter to a
	// neighbour known only by name and address.
	su, err := svarut.New(svarut.Options{BaseURL: fk.svar.URL(), HTTPClient: fk.svar.HTTPClient(), Credentials: creds, Konto: fk.konto,
		Sertifikat: fk.svar.Sertifikat(), LookupDelay: 50 * time.Millisecond})
	if err != nil {
		return err
	}
	vedtak := []byte("%PDF-1.7\nVedtak: Du har fått plass i Solsikken barnehage fra 1. august.\n")
	fmt.Fprintln(w, "3. SvarUt: the decision")
	var tilForelder string
	for i, mt := range mottakere {
		res, err := su.Send(ctx, &svarut.Forsendelse{Tittel: "Vedtak om barnehageplass", Mottaker: mt.m, KunDigitalLevering: mt.kun,
			Dokumenter: []svarut.Dokument{svarut.Bytes("vedtak.pdf", vedtak)}})
		if err != nil {
			return err
		}
		if i == 0 {
			tilForelder = res.ID
		}
		fmt.Fprintf(w, "   sent forsendelse %s (eksternReferanse %s)\n", res.ID, res.EksternReferanse)
	}
	{
		res, err := su.Send(ctx, &svarut.Forsendelse{Tittel: "Nabovarsel: søknad om barnehage i Fjordgata 5",
			Mottaker:      svarut.Mottaker{Navn: "Eier av gnr 12 bnr 3", Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Fjordgata 3"}, Postnummer: "7010", Poststed: "TRONDHEIM"}},
			SvarSendesTil: &svarut.Mottaker{Navn: "Oppvekstkontoret", Organisasjonsnummer: kommune, Postadresse: &svarut.Postadresse{Adresselinjer: []string{"Postboks 1"}, Postnummer: "5003", Poststed: "BERGEN"}},
			Dokumenter:    []svarut.Dokument{svarut.Bytes("nabovarsel.pdf", vedtak)}})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   print-only letter %s to a recipient without an identity number\n", res.ID)
	}

	// 4. Min side (Fiks Innsyn): the parent also sees the decision on minside.kommune.no.
	ms, err := minside.New(minside.Options{BaseURL: fk.innsyn.URL(), HTTPClient: fk.innsyn.HTTPClient(), Credentials: creds, FiksOrgID: fk.fiksOrg})
	if err != nil {
		return err
	}
	if err := showOnMinSide(ctx, w, ms, mottakere[0].fnr, tilForelder, len(vedtak)); err != nil {
		return err
	}

	// 5. A copy to the other municipality's archive, encrypted, at security level 4. The
	// fake drops the connection after storing it: Send finds it by its reference instead
	// of sending it twice.
	fk.svar.InjectFault(svaruttest.Fault{DropAfter: true, Match: func(r *http.Request) bool { return r.Method == http.MethodPost }})
	kopi, err := su.Send(ctx, &svarut.Forsendelse{
		Tittel:              "Kopi: vedtak om barnehageplass",
		Mottaker:            svarut.Mottaker{Navn: "Arkivkommunen", Organisasjonsnummer: arkivKommune},
		KunDigitalLevering:  true,
		KrevNiva4Innlogging: true,
		EksternReferanse:    "barnehage-2026-0042-kopi",
		Dokumenter:          []svarut.Dokument{svarut.Bytes("vedtak.pdf", vedtak)},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "5. SvarUt: the connection dropped after the upload; Send found %s by its reference (gjenbrukt %v); SvarUt holds %d forsendelser\n",
		kopi.ID, kopi.Gjenbrukt, len(fk.svar.Forsendelser()))

	// 6. SvarInn V2 (the default): the archive receives it, decrypts it, checks it against
	// the SHA-256 SvarInn lists, and acknowledges it (PATCH .../status MOTTATT) once stored.
	mottak, err := svarut.NewMottak(svarut.MottakOptions{APIVersion: svarut.V2, BaseURL: fk.svar.URL(), HTTPClient: fk.svar.HTTPClient(),
		Brukernavn: fk.arkivBruker, Passord: auth.Secret(fk.arkivPassord), Key: fk.arkivKey})
	if err != nil {
		return err
	}
	resultat, err := mottak.Receive(ctx, func(ctx context.Context, f *svarut.MottattForsendelse, fil *svarut.ReceivedFile) error {
		innhold, err := io.ReadAll(fil)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "6. SvarInn V2: received %q (%s, %s, SHA-256 verified %v): %s", f.Tittel, fil.Filnavn, f.Sikkerhetsniva, fil.Verified(), strings.TrimPrefix(string(innhold), "%PDF-1.7\n"))
		return nil
	})
	if err != nil {
		return err
	}
	st, err := su.Statuser(ctx, kopi.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "7. SvarUt status of the copy: %s (%d acknowledged); token requests sent to Maskinporten: %d\n",
		st[0].Status, resultat.Kvittert, fx.Maskinporten.TokenRequests())

	// 8. Noark 5: the case system archives the decision as an arkivmelding, and
	// 9. eInnsyn: publishes the journal entry, the child's name screened from the public.
	arkivert, err := archiveAndPublish(ctx, w)
	if err != nil {
		return err
	}

	// FIKS IO runs on a private RabbitMQ node on loopback, shared by steps 10 and 11.
	broker, err := fiksiotest.StartBroker()
	switch {
	case errors.Is(err, fiksiotest.ErrNoBroker):
		broker = nil
	case err != nil:
		return err
	default:
		defer broker.Stop()
	}

	// 10. Fiks Arkiv over FIKS IO: the case system files the decision in the other
	// municipality's archive, which answers with the saksnummer and journalpostnummer.
	if err := archiveOverFiksIO(ctx, w, fx, broker, arkivert, vedtak); err != nil {
		return err
	}

	// 11. DigiSos: Kari's application for økonomisk sosialhjelp arrives from nav.no (over
	// FIKS IO, or SvarInn without RabbitMQ); the social services case system reads
	// soknad.json, acknowledges it, uploads the decision letter encrypted to Fiks
	// Dokumentlager and reports vedtakFattet referencing it, checked against NAV's schema
	// before it is sent.
	if err := digisosCase(ctx, w, fx, broker, fk.kari); err != nil {
		return err
	}

	// 12. What a configuration error looks like: asking for a scope the client was not
	// given. Maskinporten refuses with invalid_scope; the typed error says so, and that
	// asking again will not help (not temporary). Expected: the quickstart shows it.
	_, err = fx.Client.Fetch(ctx, maskinporten.Request{Scopes: []string{"skatteetaten:formueinntekt"}})
	var mpErr *maskinporten.Error
	if !errors.As(err, &mpErr) || !errors.Is(err, maskinporten.ErrInvalidScope) {
		return fmt.Errorf("expected invalid_scope, got %v", err)
	}
	fmt.Fprintf(w, "12. An expected refusal: a scope the client was not given is %s (code %s, temporary %v): order the scope in Samarbeidsportalen\n",
		mpErr.Code, mpErr.MPCode, mpErr.Temporary())
	fmt.Fprintln(w, "quickstart: ok. Nothing left this machine: every service above was an in-process fake on loopback.")
	fmt.Fprintln(w, "Next: docs/maskinporten.md and the other guides in docs/ say what to order for TEST; the same calls then take Environment: fiks.Test.")
	return nil
}

// showOnMinSide indexes the decision sent with SvarUt in Fiks Innsyn as a JOURNALPOST_V1
// exposed for the parent, linked to the SvarUt forsendelse, so that it shows on Min side.
// The metadata is checked against KS's JSON Schema before it is sent.
func showOnMinSide(ctx context.Context, w io.Writer, ms *minside.Client, forelder ident.Foedselsnummer, forsendelseID string, size int) error {
	utgaaende, dato := minside.JournalposttypeU, time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC)
	filnummer, storrelse := int64(1), int64(size)
	jp := minside.Journalpost{Tittel: "Vedtak om barnehageplass", Journalposttype: &utgaaende, Journaldato: &dato, SvarUtForsendelseId: &forsendelseID,
		Dokumenter: []minside.Dokument{{Filnavn: "vedtak.pdf", MimeType: "application/pdf", Tittel: "Vedtak om barnehageplass", SvarUtFilnummer: &filnummer, Storrelse: &storrelse}}}
	// The melding id is kept with the case: indexing it again (a replay) overwrites.
	res, err := ms.Index(ctx, []minside.Melding{{MeldingID: uuid.NewSHA1(uuid.NameSpaceURL, []byte("barnehage-2026-0042/"+forsendelseID)).String(),
		EksponertFor: minside.Person(forelder), Sikkerhetsniva: 4, EksternRef: "barnehage.vedtak", Metadata: jp}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "4. Min side: the decision indexed as %s for %v (%s, %d created), linked to the forsendelse\n",
		jp.Versjon(), forelder, res.Meldinger[0].Status, res.Opprettet)
	return nil
}

// archiveAndPublish builds the arkivmelding for the decision (checked against the
// schema's rules before it is written), reads it back as the archive would, maps it to
// eInnsyn and publishes it to the fake, then searches as the public.
func archiveAndPublish(ctx context.Context, w io.Writer) (*arkivmelding.Arkivmelding, error) {
	now := arkivmelding.Tid(time.Date(2026, 6, 15, 10, 0, 0, 0, time.UTC))
	dato := arkivmelding.NewDato(2026, 6, 15)
	sakID := uuid.NewString()
	am := &arkivmelding.Arkivmelding{
		System: "Barnehagesystem", MeldingID: uuid.NewString(), Tidspunkt: now, AntallFiler: 1,
		Mappe: []arkivmelding.Mappe{{
			Type: arkivmelding.TypeSaksmappe, SystemID: sakID, OpprettetDato: now, OpprettetAv: "saksbehandler",
			Tittel: "Barnehageopptak 2026 - Kari Nordmann", OffentligTittel: "Barnehageopptak 2026",
			Basisregistrering: []arkivmelding.Registrering{{
				Type: arkivmelding.TypeJournalpost, SystemID: uuid.NewString(), ReferanseForelderMappe: sakID,
				OpprettetDato: now, OpprettetAv: "saksbehandler", ArkivertDato: now, ArkivertAv: "saksbehandler",
				Tittel: "Vedtak om barnehageplass - Kari Nordmann", OffentligTittel: "Vedtak om barnehageplass",
				Skjerming: &arkivmelding.Skjerming{Tilgangsrestriksjon: "Unntatt offentlighet", Skjermingshjemmel: "Offl. § 13 jf. fvl. § 13 (1) nr. 1",
					SkjermingMetadata: []string{"Skjerming navn mottaker", "Skjerming tittel registrering - utvalgte ord"}},
				Dokumentbeskrivelse: []arkivmelding.Dokumentbeskrivelse{{SystemID: uuid.NewString(), Dokumenttype: "Vedtak",
					Dokumentstatus: arkivmelding.DokumentetErFerdigstilt, Tittel: "Vedtak om barnehageplass", OpprettetDato: now,
					OpprettetAv: "saksbehandler", TilknyttetRegistreringSom: arkivmelding.Hoveddokument, Dokumentnummer: 1,
					TilknyttetDato: now, TilknyttetAv: "saksbehandler",
					Dokumentobjekt: []arkivmelding.Dokumentobjekt{{Versjonsnummer: 1, Variantformat: arkivmelding.Arkivformat,
						OpprettetDato: now, OpprettetAv: "saksbehandler", ReferanseDokumentfil: "vedtak.pdf"}}}},
				Journalaar: 2026, Journalsekvensnummer: 1234, Journalpostnummer: 3,
				Journalposttype: arkivmelding.UtgaaendeDokument, Journalstatus: arkivmelding.Ekspedert, Journaldato: &dato,
				Korrespondansepart: []arkivmelding.Korrespondansepart{{Korrespondanseparttype: arkivmelding.Mottaker, KorrespondansepartNavn: "Kari Nordmann"}},
			}},
			Saksaar: 2026, Sakssekvensnummer: 42, Saksdato: &dato, AdministrativEnhet: "Oppvekst", Saksansvarlig: "saksbehandler",
			Saksstatus: arkivmelding.UnderBehandling,
		}},
	}
	xml, err := am.Marshal()
	if err != nil {
		return nil, err
	}
	arkivert, err := arkivmelding.Parse(bytes.NewReader(xml))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "8. Noark 5: archived saksmappe %d/%d with journalpost %d/%d as an arkivmelding (%d bytes)\n",
		am.Mappe[0].Saksaar, am.Mappe[0].Sakssekvensnummer, 2026, 1234, len(xml))

	fake := einnsyntest.NewServer(nil, einnsyntest.Options{})
	defer fake.Close()
	enhet := fake.AddEnhet(einnsyntest.Enhet{Navn: "Testkommune", Orgnummer: kommune, Enhetstype: "KOMMUNE"})
	pub, err := einnsyn.New(einnsyn.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), APIKey: auth.Secret(fake.AddAPIKey(enhet))})
	if err != nil {
		return nil, err
	}
	ark, err := pub.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Sakarkiv"})
	if err != nil {
		return nil, err
	}
	del, err := pub.Arkivdeler.Create(ctx, ark.ID, &einnsyn.Arkivdel{Tittel: "Sakarkiv 2026"})
	if err != nil {
		return nil, err
	}
	sm, err := einnsyn.SaksmappeFromArkivmelding(&arkivert.Mappe[0], nil)
	if err != nil {
		return nil, err
	}
	publisert, err := pub.Saksmapper.Create(ctx, del.ID, sm)
	if err != nil {
		return nil, err
	}
	public, err := einnsyn.New(einnsyn.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient()})
	if err != nil {
		return nil, err
	}
	for hit, err := range public.Search(ctx, &einnsyn.SearchOptions{Query: "barnehageplass", Entity: []string{"Journalpost"}}) {
		if err != nil {
			return nil, err
		}
		jp, err := public.Journalposter.Get(ctx, hit.ID, "korrespondansepart", "saksmappe")
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "9. eInnsyn: published saksmappe %s (%s); the public finds %q in %q, to %q\n", publisert.ID, publisert.Saksnummer,
			jp.OffentligTittel, jp.Saksmappe.Object.OffentligTittel, jp.Korrespondansepart[0].Object.KorrespondansepartNavn)
	}
	return arkivert, nil
}

// digisosCase is a DigiSos case from the application to the decision, against the Fiks
// Digisos fake: the fake delivers a synthetic application (over FIKS IO on broker, or
// into the SvarUt fake for SvarInn when broker is nil), the case system handles it once
// and acknowledges it, then uploads the decision letter and reports the case status.
func digisosCase(ctx context.Context, w io.Writer, fx *fikstest.Fixture, broker *fiksiotest.Broker, soker string) error {
	org := uuid.NewString()
	store := digisos.NewMemoryMottatt() // the case system's memory of what it handled
	arrived := make(chan *soknad.Soknad, 1)
	handle := func(ctx context.Context, s *digisos.Soknad) error {
		sok, err := s.Innhold() // soknad.json, checked against NAV's schema
		if err != nil {
			return err
		}
		vs, err := s.VedleggSpesifikasjon()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "11. DigiSos: application %s (eksternRef %s) arrived over %s from %v: %q, to %s; %d file(s), vedlegg.json lists %d\n",
			s.DigisosID[:8], s.EksternRef, s.Kanal, sok.Data.Personalia.PersonIdentifikator.Verdi, sok.Data.Begrunnelse.HvaSokesOm,
			*sok.Mottaker.NavEnhetsnavn, len(s.Filer), len(vs.Vedlegg[0].Filer))
		arrived <- sok
		return nil
	}
	opts := digisostest.Options{Maskinporten: fx.Maskinporten}
	var lev *digisostest.Levering
	var fake *digisostest.Server
	if broker != nil {
		// Fiks Digisos and the case system each have a FIKS IO konto.
		fio := fiksiotest.NewServer(nil, fiksiotest.Options{Maskinporten: fx.Maskinporten, Broker: broker})
		defer fio.Close()
		navFx := fx.Another(nil, "889640782")
		fio.AddIntegrasjon(fx.Integrasjon)
		fio.AddIntegrasjon(navFx.Integrasjon)
		navID, sosID := fiksiotest.NewIdentity("Fiks Digisos", "889640782"), fiksiotest.NewIdentity("Sosialsystemet", kommune)
		navKonto, sosKonto := uuid.NewString(), uuid.NewString()
		if err := fio.AddKonto(fiksiotest.Konto{ID: navKonto, Navn: "Fiks Digisos", IntegrasjonID: navFx.Integrasjon.ID, Certificate: navID.Certificate}); err != nil {
			return err
		}
		if err := fio.AddKonto(fiksiotest.Konto{ID: sosKonto, Navn: "Sosialsystemet", IntegrasjonID: fx.Integrasjon.ID, Certificate: sosID.Certificate}); err != nil {
			return err
		}
		client := func(f *fikstest.Fixture, konto string, id *fiksiotest.Identity) (*fiksio.Client, error) {
			return fiksio.New(fiksio.Options{BaseURL: fio.URL(), HTTPClient: fio.HTTPClient(), Credentials: f.Credentials, KontoID: konto,
				Signer: id.Key, SignerCertificates: []*x509.Certificate{id.Certificate}, Keys: []kryptering.Key{id.DecryptionKey()},
				AMQPAddr: fio.AMQPAddr(), TLSConfig: fio.AMQPTLSConfig()})
		}
		navIO, err := client(navFx, navKonto, navID)
		if err != nil {
			return err
		}
		sosIO, err := client(fx, sosKonto, sosID)
		if err != nil {
			return err
		}
		opts.FIKSIO = navIO
		fake = digisostest.NewServer(nil, opts)
		defer fake.Close()
		if lev, err = fake.NySoknad(org, &digisostest.SoknadOptions{Fnr: soker, HvaSokesOm: "Husleie og mat for desember"}); err != nil {
			return err
		}
		if _, err := fake.DeliverFiksIO(ctx, lev, sosKonto); err != nil {
			return err
		}
		roots := x509.NewCertPool()
		roots.AddCert(navID.Certificate)
		rctx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			done <- sosIO.Receive(rctx, digisos.FiksIOHandler(handle, sosIO.Send, &digisos.FiksIOOptions{Mottatt: store, Verify: &fiksio.VerifyOptions{Roots: roots}}), nil)
		}()
		err = fake.AwaitMottatt(ctx, lev.DigisosID) // the soknad.mottatt.v1 reached Fiks Digisos
		stop()
		if rerr := <-done; err == nil {
			err = rerr
		}
		if err != nil {
			return err
		}
	} else {
		svar := svaruttest.NewServer(nil, svaruttest.Options{Maskinporten: fx.Maskinporten})
		defer svar.Close()
		key := svar.NewMottakersystem("sosial", "passord", kommune)
		fake = digisostest.NewServer(nil, opts)
		defer fake.Close()
		var err error
		if lev, err = fake.NySoknad(org, &digisostest.SoknadOptions{Fnr: soker, HvaSokesOm: "Husleie og mat for desember"}); err != nil {
			return err
		}
		if _, err := fake.DeliverSvarUt(svar, "sosial", lev); err != nil {
			return err
		}
		mottak, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: svar.URL(), HTTPClient: svar.HTTPClient(), Brukernavn: "sosial", Passord: "passord", Key: key})
		if err != nil {
			return err
		}
		if _, err := mottak.Receive(ctx, digisos.SvarInnHandler(handle, &digisos.SvarInnOptions{Mottatt: store})); err != nil {
			return err
		}
	}
	var sok *soknad.Soknad
	select {
	case sok = <-arrived:
	default:
		return errors.New("the application was not handled")
	}

	// The decision: the letter to Dokumentlager, then the whole case history to nav.no.
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddOrg(org)
	c, err := digisos.New(digisos.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: fx.Credentials, FiksOrgID: org})
	if err != nil {
		return err
	}
	brev := []byte("%PDF-1.7\nVedtak: Du får økonomisk sosialhjelp til " + sok.Data.Begrunnelse.HvaSokesOm + ".\n")
	filer, err := c.LastOpp(ctx, lev.DigisosID, digisos.Fil{Filnavn: "vedtak-sosialhjelp.pdf", Mimetype: "application/pdf", Data: brev})
	if err != nil {
		return err
	}
	t := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	status := &digisos.Soker{Avsender: digisos.Avsender{Systemnavn: "Sosialsystemet", Systemversjon: "1.0.0"}, Hendelser: []digisos.Hendelse{
		&digisos.SoknadsStatus{Base: digisos.At(t), Status: digisos.SoknadMottatt},
		&digisos.SaksStatus{Base: digisos.At(t), Referanse: "sak-1", Tittel: "Livsopphold", Status: digisos.SakUnderBehandling},
		&digisos.VedtakFattet{Base: digisos.At(t.Add(2 * time.Hour)), Saksreferanse: "sak-1", Utfall: digisos.Innvilget,
			Vedtaksfil: digisos.Vedtaksfil{Referanse: filer[0].Referanse()}},
		&digisos.SoknadsStatus{Base: digisos.At(t.Add(2 * time.Hour)), Status: digisos.SoknadFerdigbehandlet},
	}}
	if err := c.OppdaterStatus(ctx, lev.DigisosID, status); err != nil {
		return err
	}
	bad := *status
	bad.Avsender.Systemversjon = ""
	err = c.OppdaterStatus(ctx, lev.DigisosID, &bad)
	var se *digisos.SchemaError
	if !errors.As(err, &se) {
		return fmt.Errorf("expected NAV's schema to refuse a status without systemversjon, got %v", err)
	}
	sak := fake.Sak(lev.DigisosID)
	ack := "acknowledged in SvarInn"
	if len(sak.Leveranser) > 0 && !sak.Leveranser[0].Mottatt.IsZero() {
		ack = "answered soknad.mottatt.v1"
	}
	fmt.Fprintf(w, "    %s; %s uploaded encrypted (%d bytes); vedtakFattet reported (%d status version(s) at Fiks); a status without systemversjon was refused before sending: %s\n",
		ack, filer[0].Filnavn, filer[0].Storrelse, len(sak.Historikk), se.Problems[0])
	return nil
}

// fiksArkivmelding is the decision as Fiks Arkiv's arkivmelding (V2): the saksmappe and
// its journalpost, with Noark 5's values as Fiks Arkiv's codes.
func fiksArkivmelding(am *arkivmelding.Arkivmelding) *fiksarkiv.Arkivmelding {
	kode := func(v string) fiksarkiv.Kode {
		koder := map[string]string{"Utgående dokument": "U", "Ekspedert": "E", "Mottaker": "EM", "Hoveddokument": "H", "Arkivformat": "A",
			"Dokumentet er ferdigstilt": "F", "Under behandling": "B", "Vedtak": "VEDTAK", "Unntatt offentlighet": "UO"}
		if k, ok := koder[v]; ok {
			return fiksarkiv.Kode{Kode: k, Beskrivelse: v}
		}
		return fiksarkiv.Kode{Kode: v}
	}
	ptr := func(k fiksarkiv.Kode) *fiksarkiv.Kode { return &k }
	m := am.Mappe[0]
	r := m.Basisregistrering[0]
	out := &fiksarkiv.Arkivmelding{System: am.System, AntallFiler: am.AntallFiler,
		Mappe: &fiksarkiv.Mappe{Tittel: m.Tittel, OffentligTittel: m.OffentligTittel,
			ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: am.System, Noekkel: m.SystemID},
			Saksmappe: &fiksarkiv.Saksmappe{Saksdato: m.Saksdato, AdministrativEnhet: &fiksarkiv.Identifikator{Navn: m.AdministrativEnhet},
				Saksansvarlig: &fiksarkiv.Identifikator{Navn: m.Saksansvarlig}, Saksstatus: ptr(kode(m.Saksstatus))}},
		Registrering: &fiksarkiv.Registrering{Tittel: r.Tittel, OffentligTittel: r.OffentligTittel,
			ReferanseEksternNoekkel: &fiksarkiv.EksternNoekkel{Fagsystem: am.System, Noekkel: r.SystemID},
			Journalpost:             &fiksarkiv.Journalpost{Journalposttype: kode(r.Journalposttype), Journalstatus: ptr(kode(r.Journalstatus))}},
	}
	if sk := r.Skjerming; sk != nil {
		out.Registrering.Skjerming = &fiksarkiv.Skjerming{Tilgangsrestriksjon: kode(sk.Tilgangsrestriksjon), Skjermingshjemmel: sk.Skjermingshjemmel}
	}
	for _, d := range r.Dokumentbeskrivelse {
		fd := fiksarkiv.Dokumentbeskrivelse{Tittel: d.Tittel, Dokumenttype: ptr(kode(d.Dokumenttype)), Dokumentstatus: ptr(kode(d.Dokumentstatus)),
			TilknyttetRegistreringSom: kode(d.TilknyttetRegistreringSom), Dokumentnummer: &d.Dokumentnummer}
		for _, o := range d.Dokumentobjekt {
			fd.Dokumentobjekt = append(fd.Dokumentobjekt, fiksarkiv.Dokumentobjekt{Versjonsnummer: &o.Versjonsnummer, Variantformat: ptr(kode(o.Variantformat)),
				Filnavn: o.ReferanseDokumentfil, ReferanseDokumentfil: o.ReferanseDokumentfil})
		}
		out.Registrering.Dokumentbeskrivelse = append(out.Registrering.Dokumentbeskrivelse, fd)
	}
	for _, k := range r.Korrespondansepart {
		out.Registrering.Korrespondansepart = append(out.Registrering.Korrespondansepart, fiksarkiv.Korrespondansepart{
			Korrespondanseparttype: kode(k.Korrespondanseparttype), KorrespondansepartNavn: k.KorrespondansepartNavn})
	}
	return out
}

// archiveOverFiksIO files the decision in the other municipality's archive with Fiks
// Arkiv over FIKS IO (the fake, on a private RabbitMQ node on loopback): the reference
// archive answers mottatt and then the kvittering with the saksnummer and
// journalpostnummer it gave. Without rabbitmq-server it says how to get it and goes on.
func archiveOverFiksIO(ctx context.Context, w io.Writer, fx *fikstest.Fixture, broker *fiksiotest.Broker, am *arkivmelding.Arkivmelding, vedtak []byte) error {
	if broker == nil {
		fmt.Fprintln(w, "10. Fiks Arkiv over FIKS IO: skipped: no RabbitMQ here (apt-get install rabbitmq-server, then run the quickstart again)")
		return nil
	}
	arkivFx := fx.Another(nil, arkivKommune)
	fake := fiksiotest.NewServer(nil, fiksiotest.Options{Maskinporten: fx.Maskinporten, Broker: broker})
	defer fake.Close()
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddIntegrasjon(arkivFx.Integrasjon)
	fagsystem, arkivet := fiksiotest.NewIdentity("Testkommune fagsystem", kommune), fiksiotest.NewIdentity("Arkivkommune arkiv", arkivKommune)
	fra, til := uuid.NewString(), uuid.NewString()
	if err := fake.AddKonto(fiksiotest.Konto{ID: fra, Navn: "Testkommune sak", IntegrasjonID: fx.Integrasjon.ID, Certificate: fagsystem.Certificate}); err != nil {
		return err
	}
	if err := fake.AddKonto(fiksiotest.Konto{ID: til, Navn: "Arkivkommune arkiv", IntegrasjonID: arkivFx.Integrasjon.ID, Certificate: arkivet.Certificate,
		Adresser: []fiksiotest.Adresse{{Identifikator: fiksio.OrgNo(arkivKommune), Meldingsprotokoll: "no.ks.fiks.arkiv.v2", Sikkerhetsniva: 3}}}); err != nil {
		return err
	}
	client := func(f *fikstest.Fixture, konto string, id *fiksiotest.Identity) (*fiksio.Client, error) {
		return fiksio.New(fiksio.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: f.Credentials, KontoID: konto,
			Signer: id.Key, SignerCertificates: []*x509.Certificate{id.Certificate}, Keys: []kryptering.Key{id.DecryptionKey()},
			AMQPAddr: fake.AMQPAddr(), TLSConfig: fake.AMQPTLSConfig()})
	}
	verify := func(ids ...*fiksiotest.Identity) *fiksio.VerifyOptions {
		roots := x509.NewCertPool()
		for _, id := range ids {
			roots.AddCert(id.Certificate)
		}
		return &fiksio.VerifyOptions{Roots: roots}
	}
	// The archive side: the reference archive on its konto.
	arkivIO, err := client(arkivFx, til, arkivet)
	if err != nil {
		return err
	}
	referanse := fiksarkivtest.NewServer(nil, fiksarkivtest.Options{FIKSIO: arkivIO, Verify: verify(fagsystem),
		Now: func() time.Time { return time.Date(2026, 6, 15, 10, 5, 0, 0, time.UTC) }})
	defer referanse.Close()

	// The case system: find the archive's konto, send, wait for the kvittering.
	fagIO, err := client(fx, fra, fagsystem)
	if err != nil {
		return err
	}
	mottaker, err := fagIO.Lookup(ctx, fiksio.LookupQuery{Identifikator: fiksio.OrgNo(arkivKommune), Meldingsprotokoll: "no.ks.fiks.arkiv.v2", Sikkerhetsniva: 3})
	if err != nil {
		return err
	}
	ark, err := arkiv.New(arkiv.Options{FIKSIO: fagIO, Arkiv: mottaker.KontoID, Timeout: time.Minute, Verify: verify(arkivet)})
	if err != nil {
		return err
	}
	defer ark.Close()
	k, err := ark.Arkiver(ctx, fiksArkivmelding(am), &arkiv.SendOptions{Vedlegg: []fiksio.Fil{fiksio.Bytes("vedtak.pdf", vedtak)}})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "10. Fiks Arkiv over FIKS IO: %s filed the decision in %s; kvittering: saksnummer %d/%d, journalpost %d/%d nr. %d in the case, %d document(s)\n",
		am.System, mottaker.KontoNavn, *k.Mappe.Saksaar, *k.Mappe.Sakssekvensnummer, *k.Registrering.Journalaar, *k.Registrering.Journalsekvensnummer,
		*k.Registrering.Journalpostnummer, len(k.Registrering.Dokumentbeskrivelse))
	return nil
}
