package einnsyn

import (
	"strings"

	"github.com/google/uuid"

	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// fiksArkivIDs is the namespace of the systemIds derived from a Fiks Arkiv external key.
var fiksArkivIDs = uuid.MustParse("8d7e2f4a-6c1b-5e3d-9a0f-1b2c3d4e5f60")

// SaksmappeFromFiksArkiv maps a Fiks Arkiv arkivmelding (what a case system sent to its
// archive over FIKS IO) to an eInnsyn Saksmappe, with the message's journalpost nested when
// it has one, ready for Saksmapper.Create. The rules are those of
// SaksmappeFromArkivmelding, with Fiks Arkiv's codes (journalposttype I, U, N, X, S;
// korrespondanseparttype EA, EM, EK, GM, IA, IM, IK; tilknyttetRegistreringSom H, V):
// a korrespondansepart marked erSkjermet is published as SkjermetNavn; with a skjerming and
// no offentligTittel the title is refused; files of a screened journalpost are not
// published. Without a systemID the systemId is derived from referanseEksternNoekkel (a
// UUID from fagsystem and noekkel), so publishing the same message again finds the same
// object.
func SaksmappeFromFiksArkiv(a *fiksarkiv.Arkivmelding, opts *FromArkivmeldingOptions) (*Saksmappe, error) {
	if opts == nil {
		opts = &FromArkivmeldingOptions{}
	}
	if a == nil || a.Mappe == nil || a.Mappe.Saksmappe == nil {
		return nil, invalid("SaksmappeFromFiksArkiv: the arkivmelding holds no saksmappe")
	}
	var p problems
	m, s := a.Mappe, a.Mappe.Saksmappe
	sm := &Saksmappe{Mappe: Mappe{
		ArkivBase:               ArkivBase{SystemID: fiksID(m.SystemID, m.ReferanseEksternNoekkel)},
		OffentligTittelSensitiv: m.Tittel,
		OffentligTittel:         fiksTittel(&p, "saksmappe", m.Tittel, m.OffentligTittel, m.Skjerming != nil),
		Beskrivelse:             m.Beskrivelse,
		Noekkelord:              strings.Join(m.Noekkelord, ", "),
	}}
	if s.Saksaar == nil || s.Sakssekvensnummer == nil {
		p.add("saksmappe: saksaar and sakssekvensnummer are required by eInnsyn; publish after the archive has assigned them (arkivmelding-kvittering)")
	} else {
		sm.Saksaar, sm.Sakssekvensnummer = *s.Saksaar, *s.Sakssekvensnummer
	}
	if s.Saksdato != nil {
		d := Dato{Time: s.Saksdato.Time}
		sm.Saksdato = &d
	}
	if s.AdministrativEnhet != nil {
		sm.AdministrativEnhet = firstOf(s.AdministrativEnhet.Identifikator, s.AdministrativEnhet.Navn)
	}
	if r := a.Registrering; r != nil && r.Journalpost != nil {
		sm.Journalpost = []Ref[Journalpost]{{Object: fiksJournalpost(&p, "saksmappe.journalpost[0]", r, opts)}}
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if err := validateSaksmappe(sm); err != nil {
		return nil, err
	}
	return sm, nil
}

// JournalpostFromFiksArkiv maps the journalpost of a Fiks Arkiv arkivmelding, for
// Journalposter.Create under an existing saksmappe. See SaksmappeFromFiksArkiv.
func JournalpostFromFiksArkiv(r *fiksarkiv.Registrering, opts *FromArkivmeldingOptions) (*Journalpost, error) {
	if opts == nil {
		opts = &FromArkivmeldingOptions{}
	}
	if r == nil || r.Journalpost == nil {
		return nil, invalid("JournalpostFromFiksArkiv: not a journalpost")
	}
	var p problems
	j := fiksJournalpost(&p, "journalpost", r, opts)
	if err := p.err(); err != nil {
		return nil, err
	}
	if err := validateJournalpost(j); err != nil {
		return nil, err
	}
	return j, nil
}

var fiksJournalposttype = map[string]Journalposttype{
	"I": InngaaendeDokument, "U": UtgaaendeDokument, "N": OrganinterntDokumentForOppfoelging,
	"X": OrganinterntDokumentUtenOppfoelging, "S": Saksframlegg,
}

var fiksKorrespondanseparttype = map[string]string{
	"EA": "avsender", "EM": "mottaker", "EK": "kopimottaker", "GM": "gruppemottaker",
	"IA": "internAvsender", "IM": "internMottaker", "IK": "internKopimottaker",
}

func fiksJournalpost(p *problems, path string, r *fiksarkiv.Registrering, opts *FromArkivmeldingOptions) *Journalpost {
	jp := r.Journalpost
	j := &Journalpost{Registrering: Registrering{
		ArkivBase:               ArkivBase{SystemID: fiksID(r.SystemID, r.ReferanseEksternNoekkel)},
		OffentligTittelSensitiv: r.Tittel,
		OffentligTittel:         fiksTittel(p, path, r.Tittel, r.OffentligTittel, r.Skjerming != nil),
		Beskrivelse:             r.Beskrivelse,
	}}
	if jp.Journalaar == nil || jp.Journalsekvensnummer == nil || jp.Journalpostnummer == nil {
		p.add("%s: journalaar, journalsekvensnummer and journalpostnummer are required by eInnsyn; publish after the archive has assigned them", path)
	} else {
		j.Journalaar, j.Journalsekvensnummer, j.Journalpostnummer = *jp.Journalaar, *jp.Journalsekvensnummer, *jp.Journalpostnummer
	}
	if t, ok := fiksJournalposttype[jp.Journalposttype.Kode]; ok {
		j.Journalposttype = t
	} else {
		p.add("%s: journalposttype %q has no eInnsyn counterpart", path, jp.Journalposttype.Kode)
	}
	switch {
	case jp.Journaldato != nil:
		j.Journaldato = Dato{Time: jp.Journaldato.Time}
	default:
		p.add("%s: journaldato is required by eInnsyn", path)
	}
	if jp.DokumentetsDato != nil {
		d := Dato{Time: jp.DokumentetsDato.Time}
		j.DokumentetsDato = &d
	}
	if s := r.Skjerming; s != nil {
		j.Skjerming = &Ref[Skjerming]{Object: &Skjerming{
			Tilgangsrestriksjon: firstOf(s.Tilgangsrestriksjon.Beskrivelse, s.Tilgangsrestriksjon.Kode),
			Skjermingshjemmel:   s.Skjermingshjemmel}}
	}
	for i, k := range r.Korrespondansepart {
		typ, ok := fiksKorrespondanseparttype[k.Korrespondanseparttype.Kode]
		if !ok {
			p.add("%s.korrespondansepart[%d]: korrespondanseparttype %q has no eInnsyn counterpart", path, i, k.Korrespondanseparttype.Kode)
		}
		navn := k.KorrespondansepartNavn
		if k.ErSkjermet != nil && *k.ErSkjermet {
			navn = SkjermetNavn
		}
		kp := &Korrespondansepart{KorrespondansepartNavn: navn, KorrespondansepartNavnSensitiv: k.KorrespondansepartNavn,
			Korrespondanseparttype: typ, Epostadresse: k.Epostadresse, Postnummer: k.Postnummer,
			ErBehandlingsansvarlig: k.ErBehandlingsansvarlig != nil && *k.ErBehandlingsansvarlig}
		if k.Saksbehandler != nil {
			kp.Saksbehandler = k.Saksbehandler.Navn
		}
		if k.AdministrativEnhet != nil {
			kp.AdministrativEnhet = firstOf(k.AdministrativEnhet.Identifikator, k.AdministrativEnhet.Navn)
		}
		j.Korrespondansepart = append(j.Korrespondansepart, Ref[Korrespondansepart]{Object: kp})
	}
	for _, d := range r.Dokumentbeskrivelse {
		db := &Dokumentbeskrivelse{
			ArkivBase:      ArkivBase{SystemID: fiksID(d.SystemID, d.ReferanseEksternNoekkel)},
			Tittel:         d.Tittel,
			TittelSensitiv: d.Tittel,
		}
		if d.Dokumentnummer != nil {
			db.Dokumentnummer = *d.Dokumentnummer
		}
		if d.Dokumenttype != nil {
			db.Dokumenttype = firstOf(d.Dokumenttype.Beskrivelse, d.Dokumenttype.Kode)
		}
		switch d.TilknyttetRegistreringSom.Kode {
		case "H":
			db.TilknyttetRegistreringSom = "hoveddokument"
		case "V":
			db.TilknyttetRegistreringSom = "vedlegg"
		default:
			db.TilknyttetRegistreringSom = strings.ToLower(firstOf(d.TilknyttetRegistreringSom.Beskrivelse, d.TilknyttetRegistreringSom.Kode))
		}
		if d.Skjerming != nil || r.Skjerming != nil {
			db.Tittel = SkjermetNavn
		}
		if opts.DokumentURL != nil && r.Skjerming == nil && d.Skjerming == nil {
			for _, o := range d.Dokumentobjekt {
				if u := opts.DokumentURL(o.ReferanseDokumentfil); u != "" {
					format := formatOf(o.Filnavn)
					if o.Format != nil {
						format = strings.ToLower(o.Format.Kode)
					}
					db.Dokumentobjekt = append(db.Dokumentobjekt, Ref[Dokumentobjekt]{Object: &Dokumentobjekt{
						ReferanseDokumentfil: u, Format: format, Sjekksum: o.Sjekksum, SjekksumAlgoritme: o.SjekksumAlgoritme}})
				}
			}
		}
		j.Dokumentbeskrivelse = append(j.Dokumentbeskrivelse, Ref[Dokumentbeskrivelse]{Object: db})
	}
	return j
}

// fiksID is the systemId to publish under: the archive's systemID, or one derived from the
// case system's external key.
func fiksID(systemID string, k *fiksarkiv.EksternNoekkel) string {
	if systemID != "" {
		return normalizeID(systemID)
	}
	if k != nil && k.Fagsystem != "" && k.Noekkel != "" {
		return uuid.NewSHA1(fiksArkivIDs, []byte(k.Fagsystem+"\x00"+k.Noekkel)).String()
	}
	return ""
}

func fiksTittel(p *problems, path, tittel, offentlig string, skjermet bool) string {
	if offentlig != "" {
		return offentlig
	}
	if skjermet {
		p.add("%s: it has a skjerming but no offentligTittel; eInnsyn needs the title the public may see", path)
		return ""
	}
	return tittel
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
