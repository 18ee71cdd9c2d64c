package fiksarkiv

import "strings"

// The FIKS IO message types of the Fiks Arkiv protocol, spelled as
// Schema/V1|V2/meldingstyper/meldingstyper.json spells them. V2 has its own ids only for
// arkivmelding opprett and oppdater (with their mottatt and kvittering); every other
// message of a V2 conversation keeps its v1 id.
const (
	TypeArkivmeldingOpprett           = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett"
	TypeArkivmeldingOpprettMottatt    = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.mottatt"
	TypeArkivmeldingOpprettKvittering = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.opprett.kvittering"
	TypeArkivmeldingOppdater          = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.oppdater"
	TypeArkivmeldingOppdaterMottatt   = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.oppdater.mottatt"
	// TypeArkivmeldingOppdaterKvittering has no payload; it is sent on success all the same.
	TypeArkivmeldingOppdaterKvittering = "no.ks.fiks.arkiv.v1.arkivering.arkivmelding.oppdater.kvittering"

	TypeArkivmeldingOpprettV2            = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett"
	TypeArkivmeldingOpprettMottattV2     = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.mottatt"
	TypeArkivmeldingOpprettKvitteringV2  = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.opprett.kvittering"
	TypeArkivmeldingOppdaterV2           = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.oppdater"
	TypeArkivmeldingOppdaterMottattV2    = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.oppdater.mottatt"
	TypeArkivmeldingOppdaterKvitteringV2 = "no.ks.fiks.arkiv.v2.arkivering.arkivmelding.oppdater.kvittering"

	TypeDokumentobjektOpprett           = "no.ks.fiks.arkiv.v1.arkivering.dokumentobjekt.opprett"
	TypeDokumentobjektOpprettMottatt    = "no.ks.fiks.arkiv.v1.arkivering.dokumentobjekt.opprett.mottatt"
	TypeDokumentobjektOpprettKvittering = "no.ks.fiks.arkiv.v1.arkivering.dokumentobjekt.opprett.kvittering"

	TypeAvskrivningOpprett           = "no.ks.fiks.arkiv.v1.arkivering.avskrivning.opprett"
	TypeAvskrivningOpprettMottatt    = "no.ks.fiks.arkiv.v1.arkivering.avskrivning.opprett.mottatt"
	TypeAvskrivningOpprettKvittering = "no.ks.fiks.arkiv.v1.arkivering.avskrivning.opprett.kvittering"
	TypeAvskrivningSlett             = "no.ks.fiks.arkiv.v1.arkivering.avskrivning.slett"
	TypeAvskrivningSlettMottatt      = "no.ks.fiks.arkiv.v1.arkivering.avskrivning.slett.mottatt"
	TypeAvskrivningSlettKvittering   = "no.ks.fiks.arkiv.v1.arkivering.avskrivning.slett.kvittering"

	TypeMappeHent                = "no.ks.fiks.arkiv.v1.innsyn.mappe.hent"
	TypeMappeHentResultat        = "no.ks.fiks.arkiv.v1.innsyn.mappe.hent.resultat"
	TypeRegistreringHent         = "no.ks.fiks.arkiv.v1.innsyn.registrering.hent"
	TypeRegistreringHentResultat = "no.ks.fiks.arkiv.v1.innsyn.registrering.hent.resultat"
	TypeDokumentfilHent          = "no.ks.fiks.arkiv.v1.innsyn.dokumentfil.hent"
	// TypeDokumentfilHentResultat carries the file itself, under its own name.
	TypeDokumentfilHentResultat = "no.ks.fiks.arkiv.v1.innsyn.dokumentfil.hent.resultat"
	TypeSok                     = "no.ks.fiks.arkiv.v1.innsyn.sok"
	TypeSokResultatUtvidet      = "no.ks.fiks.arkiv.v1.innsyn.sok.resultat.utvidet"
	TypeSokResultatMinimum      = "no.ks.fiks.arkiv.v1.innsyn.sok.resultat.minimum"
	TypeSokResultatNoekler      = "no.ks.fiks.arkiv.v1.innsyn.sok.resultat.noekler"

	TypeFeilmeldingUgyldigforespoersel = "no.ks.fiks.arkiv.v1.feilmelding.ugyldigforespoersel"
	TypeFeilmeldingServerfeil          = "no.ks.fiks.arkiv.v1.feilmelding.serverfeil"
	TypeFeilmeldingIkkefunnet          = "no.ks.fiks.arkiv.v1.feilmelding.ikkefunnet"

	// The v2 feilmelding ids are named in V2's kanSvareMed lists (and have XSDs) but V2's
	// meldingstyper.json does not define them: they are accepted when read; what is sent is
	// the defined v1 id.
	TypeFeilmeldingUgyldigforespoerselV2 = "no.ks.fiks.arkiv.v2.feilmelding.ugyldigforespoersel"
	TypeFeilmeldingServerfeilV2          = "no.ks.fiks.arkiv.v2.feilmelding.serverfeil"
	TypeFeilmeldingIkkefunnetV2          = "no.ks.fiks.arkiv.v2.feilmelding.ikkefunnet"

	// FIKS IO's own replies, sent by the platform and not by the archive: the message was
	// not read before its time to live ran out, or FIKS IO failed to deliver it.
	TypeTidsavbrudd = "no.ks.fiks.kvittering.tidsavbrudd"
	TypeServerfeil  = "no.ks.fiks.kvittering.serverfeil.v1"
)

// meldingstype describes one message type: its payload's namespace path and root element,
// and its file name ("" when the message has no payload, or when the payload is a file
// under its own name).
type meldingstype struct {
	id         string
	harPayload bool
	filnavn    string
	path, root string
}

var typer = []meldingstype{
	{TypeArkivmeldingOpprett, true, "arkivmelding.xml", "arkivmelding/opprett", "arkivmelding"},
	{TypeArkivmeldingOpprettMottatt, false, "", "", ""},
	{TypeArkivmeldingOpprettKvittering, true, "arkivmelding-kvittering.xml", "arkivmelding/opprett/kvittering", "arkivmeldingKvittering"},
	{TypeArkivmeldingOppdater, true, "arkivmelding.xml", "arkivmelding/oppdater", "arkivmeldingOppdatering"},
	{TypeArkivmeldingOppdaterMottatt, false, "", "", ""},
	{TypeArkivmeldingOppdaterKvittering, false, "", "", ""},
	{TypeArkivmeldingOpprettV2, true, "arkivmelding.xml", "arkivmelding/opprett", "arkivmelding"},
	{TypeArkivmeldingOpprettMottattV2, false, "", "", ""},
	{TypeArkivmeldingOpprettKvitteringV2, true, "arkivmelding-kvittering.xml", "arkivmelding/opprett/kvittering", "arkivmeldingKvittering"},
	{TypeArkivmeldingOppdaterV2, true, "arkivmelding.xml", "arkivmelding/oppdater", "arkivmeldingOppdatering"},
	{TypeArkivmeldingOppdaterMottattV2, false, "", "", ""},
	{TypeArkivmeldingOppdaterKvitteringV2, false, "", "", ""},
	{TypeDokumentobjektOpprett, true, "dokumentobjekt-opprett.xml", "dokumentobjekt/opprett", "dokumentobjektOpprett"},
	{TypeDokumentobjektOpprettMottatt, false, "", "", ""},
	{TypeDokumentobjektOpprettKvittering, true, "dokumentobjekt-kvittering.xml", "dokumentobjekt/opprett/kvittering", "dokumentobjektOpprettKvittering"},
	{TypeAvskrivningOpprett, true, "avskrivning-opprett.xml", "avskrivning/opprett", "nyAvskrivning"},
	{TypeAvskrivningOpprettMottatt, false, "", "", ""},
	{TypeAvskrivningOpprettKvittering, false, "", "", ""},
	{TypeAvskrivningSlett, true, "avskrivning-slett.xml", "avskrivning/slett", "slettAvskrivning"},
	{TypeAvskrivningSlettMottatt, false, "", "", ""},
	{TypeAvskrivningSlettKvittering, false, "", "", ""},
	{TypeMappeHent, true, "mappe-hent.xml", "mappe/hent", "mappeHent"},
	{TypeMappeHentResultat, true, "mappe.xml", "mappe/hent/resultat", "mappeHentResultat"},
	{TypeRegistreringHent, true, "registrering-hent.xml", "registrering/hent", "registreringHent"},
	{TypeRegistreringHentResultat, true, "registrering.xml", "registrering/hent/resultat", "registreringHentResultat"},
	{TypeDokumentfilHent, true, "dokumentfil-hent.xml", "dokumentfil/hent", "dokumentfilHent"},
	{TypeDokumentfilHentResultat, true, "", "", ""},
	{TypeSok, true, "sok.xml", "sok", "sok"},
	{TypeSokResultatUtvidet, true, "resultat.xml", "sokeresultat/utvidet", "sokeresultat"},
	{TypeSokResultatMinimum, true, "resultat.xml", "sokeresultat/minimum", "sokeresultatMinimum"},
	{TypeSokResultatNoekler, true, "resultat.xml", "sokeresultat/noekler", "sokeresultatNoekler"},
	{TypeFeilmeldingUgyldigforespoersel, true, "feilmelding.xml", "feil/ugyldigforespoersel", "ugyldigforespoersel"},
	{TypeFeilmeldingServerfeil, true, "feilmelding.xml", "feil/serverfeil", "serverfeil"},
	{TypeFeilmeldingIkkefunnet, true, "feilmelding.xml", "feil/ikkefunnet", "ikkefunnet"},
	{TypeFeilmeldingUgyldigforespoerselV2, true, "feilmelding.xml", "feil/ugyldigforespoersel", "ugyldigforespoersel"},
	{TypeFeilmeldingServerfeilV2, true, "feilmelding.xml", "feil/serverfeil", "serverfeil"},
	{TypeFeilmeldingIkkefunnetV2, true, "feilmelding.xml", "feil/ikkefunnet", "ikkefunnet"},
	// In the schemas (V1, V2) and KS's .NET models, not in meldingstyper.json.
	{"no.ks.fiks.arkiv.v1.innsyn.kodeliste.hent", true, "kodeliste-hent.xml", "kodeliste/hent", "kodelisteHent"},
	{"no.ks.fiks.arkiv.v1.innsyn.kodeliste.hent.resultat", true, "kodeliste.xml", "kodeliste/hent/resultat", "KodeListe"},
	{TypeTidsavbrudd, false, "", "", ""},
	{TypeServerfeil, false, "", "", ""},
}

func lookup(id string) (meldingstype, bool) {
	id = NormalizeType(id)
	for _, t := range typer {
		if t.id == id {
			return t, true
		}
	}
	return meldingstype{}, false
}

// NormalizeType returns the message type as the spec defines it: the known upstream typo
// "no.ks.fik.arkiv." (in several kanSvareMed lists) is read as "no.ks.fiks.arkiv.".
func NormalizeType(id string) string {
	if rest, ok := strings.CutPrefix(id, "no.ks.fik.arkiv."); ok {
		return "no.ks.fiks.arkiv." + rest
	}
	return id
}

// KnownType reports whether id (normalized) is a message type of the protocol, or one of
// FIKS IO's own replies.
func KnownType(id string) bool { _, ok := lookup(id); return ok }

// HarPayload reports whether a message of this type carries a payload (meldingstyper.json
// harPayload). The mottatt messages, arkivmelding oppdater kvittering, the avskrivning
// kvitteringer and FIKS IO's tidsavbrudd have none.
func HarPayload(id string) bool { t, _ := lookup(id); return t.harPayload }

// PayloadFilnavn is the file name the payload of this type is sent under
// (meldingstyper.json payloadFilnavn): "" when the type has no payload, or carries a file
// under its own name (dokumentfil hent resultat).
func PayloadFilnavn(id string) string { t, _ := lookup(id); return t.filnavn }

// PayloadNames are the names a receiver accepts for the payload of this type, in order of
// preference: the spec's name, then the names other implementations write (KS's .NET
// models and simulator write resultat.xml for the mappe and registrering hent results).
func PayloadNames(id string) []string {
	t, _ := lookup(id)
	switch t.id {
	case "":
		return nil
	case TypeMappeHentResultat, TypeRegistreringHentResultat:
		return []string{t.filnavn, "resultat.xml"}
	}
	if t.filnavn == "" {
		return nil
	}
	return []string{t.filnavn}
}

// IsFeilmelding reports whether id is one of the three Fiks Arkiv feilmeldinger (v1 or v2
// id, typo accepted).
func IsFeilmelding(id string) bool {
	t, ok := lookup(id)
	return ok && strings.HasPrefix(t.path, "feil/")
}

// typeFor is the message type of a payload: the v2 id where V2 defines one, the v1 id
// otherwise (feilmeldinger are sent under their defined v1 ids).
func typeFor(path, versjon string) string {
	if versjon == V2 && !strings.HasPrefix(path, "feil/") {
		for _, t := range typer {
			if t.path == path && strings.HasPrefix(t.id, "no.ks.fiks.arkiv.v2.") {
				return t.id
			}
		}
	}
	for _, t := range typer {
		if t.path == path && strings.HasPrefix(t.id, "no.ks.fiks.arkiv.v1.") {
			return t.id
		}
	}
	return ""
}

// rootFor is the root element a payload at this namespace path must have.
func rootFor(path string) (string, bool) {
	for _, t := range typer {
		if t.path == path && path != "" {
			return t.root, true
		}
	}
	return "", false
}
