// Package noark5test generates realistic synthetic Noark 5 data for tests, load tests
// and demonstrations: an arkivstruktur of any size (Write), its documents (Ref, File),
// and a whole deposit package (Uttrekk). Content is reproducible from a seed.
package noark5test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/fellesklient/fellesklient/noark5"
)

// Options shape a synthetic extraction.
type Options struct {
	// Registreringer is how many journalposter to write (spread over saksmapper of 1–9).
	Registreringer int
	// Seed makes the content reproducible (default 1).
	Seed uint64
	// Dokumenter: every journalpost gets one document with one file, named
	// Ref(n), whose content is File(n).
	Dokumenter bool
}

// Ref is the referanseDokumentfil of synthetic document n: dokumenter/<n/1000>/<n>.pdf
// (a thousand files a folder, so a million documents do not share one directory).
func Ref(n int) string { return fmt.Sprintf("dokumenter/%03d/%d.pdf", n/1000, n) }

// File is the content of synthetic document n: a small valid-looking PDF.
func File(n int) []byte {
	return fmt.Appendf(nil, "%%PDF-1.7\n%% fellesklient demo\n1 0 obj <<>> endobj\n%% dokument %d\n%%%%EOF\n", n)
}

var (
	demoTitler  = []string{"Søknad om rammetillatelse", "Klage på vedtak", "Melding om tilsyn", "Svar på henvendelse", "Vedtak om tilskudd", "Innsynskrav", "Høringsuttalelse", "Referat fra møte"}
	demoParter  = []string{"Ola Nordmann", "Kari Nordmann", "Statsforvalteren i Vestland", "Byggmester AS", "Norsk Vann", "Naboen Hansen"}
	demoEnheter = []string{"Plan og bygg", "Oppvekst", "Helse og omsorg", "Teknisk drift"}
	demoTyper   = []string{"Inngående dokument", "Utgående dokument", "Organinternt dokument for oppfølging"}
)

func demoUUID(r *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Write writes a realistic synthetic arkivstruktur into w (which must be new): one
// arkiv, one arkivdel, a classification system with three klasser, saksmapper under them
// with journalposter, korrespondanseparter and, with Dokumenter, one document each.
// Memory does not grow with Registreringer. It does not Close w.
func Write(w noark5.Sink, opts Options) error {
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	r := rand.New(rand.NewPCG(seed, 0x6e6f61726b35))
	start := time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC)
	end := noark5.Tid(time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC))
	if err := w.StartArkiv(&noark5.Arkiv{SystemID: noark5.SystemID{ID: demoUUID(r)}, Tittel: "Testkommune sakarkiv", Arkivstatus: "Avsluttet",
		Dokumentmedium: "Elektronisk arkiv", OpprettetDato: noark5.Tid(start), OpprettetAv: "system", AvsluttetDato: end, AvsluttetAv: "arkivar",
		Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "910000020", ArkivskaperNavn: "Testkommune"}}}); err != nil {
		return err
	}
	ps, pe := noark5.NewDato(2020, 1, 1), noark5.NewDato(2025, 12, 31)
	if err := w.StartArkivdel(&noark5.Arkivdel{SystemID: noark5.SystemID{ID: demoUUID(r)}, Tittel: "Sakarkiv 2020–2025", Arkivdelstatus: "Avsluttet periode",
		Dokumentmedium: "Elektronisk arkiv", OpprettetDato: noark5.Tid(start), OpprettetAv: "system", AvsluttetDato: end, AvsluttetAv: "arkivar",
		ArkivperiodeStartDato: &ps, ArkivperiodeSluttDato: &pe}); err != nil {
		return err
	}
	if err := w.StartKlassifikasjonssystem(&noark5.Klassifikasjonssystem{SystemID: noark5.SystemID{ID: demoUUID(r)}, Klassifikasjonstype: "Funksjonsbasert, hierarkisk",
		Tittel: "KLASSEN", OpprettetDato: noark5.Tid(start), OpprettetAv: "system"}); err != nil {
		return err
	}
	klasser := []struct{ id, tittel string }{{"K01", "Plansaker"}, {"K02", "Byggesaker"}, {"K03", "Tilskudd"}}
	written, sak, jpnr := 0, 0, 0
	for ki, k := range klasser {
		if err := w.StartKlasse(&noark5.Klasse{SystemID: noark5.SystemID{ID: demoUUID(r)}, KlasseID: k.id, Tittel: k.tittel, OpprettetDato: noark5.Tid(start), OpprettetAv: "system"}); err != nil {
			return err
		}
		// Spread the registreringer over the klasser; every klasse gets at least one sak.
		share := (opts.Registreringer - written) / (len(klasser) - ki)
		for left := share; left > 0 || (share == 0 && sak < ki+1); {
			sak++
			n := min(1+r.IntN(9), max(left, 1))
			left -= n
			opprettet := start.Add(time.Duration(r.IntN(5*365*24)) * time.Hour)
			sakID := demoUUID(r)
			aar := opprettet.Year()
			if err := w.StartMappe(&noark5.Mappe{SystemID: noark5.SystemID{ID: sakID}, MappeID: fmt.Sprintf("%d/%d", aar, sak),
				Tittel: fmt.Sprintf("%s - sak %d", k.tittel, sak), OpprettetDato: noark5.Tid(opprettet), OpprettetAv: "saksbehandler",
				AvsluttetDato: end, AvsluttetAv: "saksbehandler",
				Saksmappe: &noark5.Saksmappe{Saksaar: aar, Sakssekvensnummer: sak, Saksdato: noark5.Dato{Time: opprettet.Truncate(24 * time.Hour)},
					AdministrativEnhet: demoEnheter[r.IntN(len(demoEnheter))], Saksansvarlig: "saksbehandler", Saksstatus: "Avsluttet"}}); err != nil {
				return err
			}
			for j := 0; j < n && written < opts.Registreringer; j++ {
				jpnr++
				written++
				t := opprettet.Add(time.Duration(j*24+r.IntN(20)) * time.Hour)
				reg := &noark5.Registrering{SystemID: noark5.SystemID{ID: demoUUID(r)}, OpprettetDato: noark5.Tid(t), OpprettetAv: "saksbehandler",
					ArkivertDato: noark5.Tid(t.Add(time.Hour)), ArkivertAv: "arkivar",
					Tittel:             fmt.Sprintf("%s %d", demoTitler[r.IntN(len(demoTitler))], jpnr),
					Korrespondansepart: []noark5.Korrespondansepart{{Korrespondanseparttype: "Avsender", KorrespondansepartNavn: demoParter[r.IntN(len(demoParter))]}},
					Journalpost: &noark5.Journalpost{Journalaar: t.Year(), Journalsekvensnummer: jpnr, Journalpostnummer: j + 1,
						Journalposttype: demoTyper[r.IntN(len(demoTyper))], Journalstatus: "Arkivert", Journaldato: noark5.Dato{Time: t.Truncate(24 * time.Hour)}}}
				if opts.Dokumenter {
					fil := File(jpnr)
					sum := sha256.Sum256(fil)
					reg.Dokumentbeskrivelse = []noark5.Dokumentbeskrivelse{{SystemID: noark5.SystemID{ID: demoUUID(r)}, Dokumenttype: "Brev",
						Dokumentstatus: "Dokumentet er ferdigstilt", Tittel: reg.Tittel, OpprettetDato: noark5.Tid(t), OpprettetAv: "saksbehandler",
						TilknyttetRegistreringSom: "Hoveddokument", Dokumentnummer: 1, TilknyttetDato: noark5.Tid(t), TilknyttetAv: "saksbehandler",
						Dokumentobjekt: []noark5.Dokumentobjekt{{SystemID: noark5.SystemID{ID: demoUUID(r)}, Versjonsnummer: 1, Variantformat: "Arkivformat",
							Format: "PDF/A - ISO 19005-1:2005", OpprettetDato: noark5.Tid(t), OpprettetAv: "saksbehandler",
							ReferanseDokumentfil: Ref(jpnr), Sjekksum: hex.EncodeToString(sum[:]),
							SjekksumAlgoritme: "SHA-256", Filstoerrelse: int64(len(fil))}}}}
				}
				if err := w.Registrering(reg); err != nil {
					return err
				}
			}
			if err := w.End(); err != nil {
				return err
			}
			if left <= 0 {
				break
			}
		}
		if err := w.End(); err != nil {
			return err
		}
	}
	return nil
}
