package einnsyn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fellesklient/fellesklient/noark5/arkivmelding"
)

// SkjermetNavn replaces a name that the skjerming says the public must not see.
const SkjermetNavn = "Skjermet"

// FromArkivmeldingOptions tune the mapping from arkivmelding to eInnsyn.
type FromArkivmeldingOptions struct {
	// DokumentURL returns the public URL eInnsyn fetches a file from, given the file's
	// referanseDokumentfil. Nil: documents are described, no files are published. Files
	// of a registrering with skjerming are never published.
	DokumentURL func(referanseDokumentfil string) string
}

// SaksmappeFromArkivmelding maps a saksmappe from an arkivmelding (what the case system
// just archived) to an eInnsyn Saksmappe with its journalposter nested, ready for
// Saksmapper.Create. Noark's tittel becomes the sensitive title; the public title is
// offentligTittel, and tittel only when nothing is screened. Names the skjerming
// screens ("Skjerming navn avsender/mottaker", "Midlertidig skjerming") are published as
// SkjermetNavn. What eInnsyn requires and an arkivmelding may leave out (saksaar,
// sakssekvensnummer, journalpost numbers: the archive assigns them) is reported as a
// *ValidationError, as are code values eInnsyn has no counterpart for.
func SaksmappeFromArkivmelding(m *arkivmelding.Mappe, opts *FromArkivmeldingOptions) (*Saksmappe, error) {
	if opts == nil {
		opts = &FromArkivmeldingOptions{}
	}
	var p problems
	if m == nil || m.Type != arkivmelding.TypeSaksmappe {
		return nil, invalid("SaksmappeFromArkivmelding: not a saksmappe (xsi:type saksmappe)")
	}
	s := &Saksmappe{
		Mappe: Mappe{
			ArkivBase:               ArkivBase{SystemID: normalizeID(m.SystemID)},
			OffentligTittelSensitiv: m.Tittel,
			Beskrivelse:             m.Beskrivelse,
			Noekkelord:              strings.Join(m.Noekkelord, ", "),
		},
		Saksaar:            m.Saksaar,
		Sakssekvensnummer:  m.Sakssekvensnummer,
		AdministrativEnhet: m.AdministrativEnhet,
	}
	s.OffentligTittel = offentligTittel(&p, "saksmappe", m.Tittel, m.OffentligTittel, m.Skjerming, "Skjerming tittel mappe")
	if m.Saksdato != nil {
		d := Dato{Time: m.Saksdato.Time}
		s.Saksdato = &d
	}
	if m.Saksaar == 0 || m.Sakssekvensnummer == 0 {
		p.add("saksmappe: saksaar and sakssekvensnummer are required by eInnsyn; publish after the archive has assigned them")
	}
	for i := range m.Basisregistrering {
		r := &m.Basisregistrering[i]
		if r.Type != arkivmelding.TypeJournalpost {
			continue // eInnsyn publishes journalposter; other registreringer are not public journal entries
		}
		j := journalpostFra(&p, fmt.Sprintf("saksmappe.journalpost[%d]", i), r, opts)
		s.Journalpost = append(s.Journalpost, Ref[Journalpost]{Object: j})
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	if err := validateSaksmappe(s); err != nil {
		return nil, err
	}
	return s, nil
}

// JournalpostFromArkivmelding maps one journalpost from an arkivmelding, for
// Journalposter.Create under an existing saksmappe. See SaksmappeFromArkivmelding.
func JournalpostFromArkivmelding(r *arkivmelding.Registrering, opts *FromArkivmeldingOptions) (*Journalpost, error) {
	if opts == nil {
		opts = &FromArkivmeldingOptions{}
	}
	if r == nil || r.Type != arkivmelding.TypeJournalpost {
		return nil, invalid("JournalpostFromArkivmelding: not a journalpost (xsi:type journalpost)")
	}
	var p problems
	j := journalpostFra(&p, "journalpost", r, opts)
	if err := p.err(); err != nil {
		return nil, err
	}
	if err := validateJournalpost(j); err != nil {
		return nil, err
	}
	return j, nil
}

var journalposttypeFra = map[string]Journalposttype{
	arkivmelding.InngaaendeDokument:                  InngaaendeDokument,
	arkivmelding.UtgaaendeDokument:                   UtgaaendeDokument,
	arkivmelding.OrganinterntDokumentForOppfoelging:  OrganinterntDokumentForOppfoelging,
	arkivmelding.OrganinterntDokumentUtenOppfoelging: OrganinterntDokumentUtenOppfoelging,
	arkivmelding.Saksframlegg:                        Saksframlegg,
}

var korrespondanseparttypeFra = map[string]string{
	arkivmelding.Avsender:       "avsender",
	arkivmelding.Mottaker:       "mottaker",
	arkivmelding.Kopimottaker:   "kopimottaker",
	"Gruppemottaker":            "gruppemottaker",
	arkivmelding.InternAvsender: "internAvsender",
	arkivmelding.InternMottaker: "internMottaker",
}

func journalpostFra(p *problems, path string, r *arkivmelding.Registrering, opts *FromArkivmeldingOptions) *Journalpost {
	j := &Journalpost{
		Registrering: Registrering{
			ArkivBase:               ArkivBase{SystemID: normalizeID(r.SystemID)},
			OffentligTittelSensitiv: r.Tittel,
			Beskrivelse:             r.Beskrivelse,
		},
		Journalaar:           r.Journalaar,
		Journalsekvensnummer: r.Journalsekvensnummer,
		Journalpostnummer:    r.Journalpostnummer,
		AdministrativEnhet:   r.Journalenhet,
	}
	j.OffentligTittel = offentligTittel(p, path, r.Tittel, r.OffentligTittel, r.Skjerming, "Skjerming tittel registrering")
	if r.Journalaar == 0 || r.Journalsekvensnummer == 0 || r.Journalpostnummer == 0 {
		p.add("%s: journalaar, journalsekvensnummer and journalpostnummer are required by eInnsyn; publish after the archive has assigned them", path)
	}
	if t, ok := journalposttypeFra[r.Journalposttype]; ok {
		j.Journalposttype = t
	} else {
		p.add("%s: journalposttype %q has no eInnsyn counterpart", path, r.Journalposttype)
	}
	if r.Journaldato != nil {
		j.Journaldato = Dato{Time: r.Journaldato.Time}
	}
	if r.DokumentetsDato != nil {
		d := Dato{Time: r.DokumentetsDato.Time}
		j.DokumentetsDato = &d
	}
	if r.Skjerming != nil {
		j.Skjerming = &Ref[Skjerming]{Object: &Skjerming{
			Tilgangsrestriksjon: r.Skjerming.Tilgangsrestriksjon,
			Skjermingshjemmel:   r.Skjerming.Skjermingshjemmel,
		}}
	}
	for i, k := range r.Korrespondansepart {
		typ, ok := korrespondanseparttypeFra[k.Korrespondanseparttype]
		if !ok {
			p.add("%s.korrespondansepart[%d]: korrespondanseparttype %q has no eInnsyn counterpart", path, i, k.Korrespondanseparttype)
		}
		navn := k.KorrespondansepartNavn
		if navnSkjermet(r.Skjerming, k.Korrespondanseparttype) {
			navn = SkjermetNavn
		}
		j.Korrespondansepart = append(j.Korrespondansepart, Ref[Korrespondansepart]{Object: &Korrespondansepart{
			KorrespondansepartNavn:         navn,
			KorrespondansepartNavnSensitiv: k.KorrespondansepartNavn,
			Korrespondanseparttype:         typ,
			Saksbehandler:                  k.Saksbehandler,
			Epostadresse:                   k.Epostadresse,
			Postnummer:                     k.Postnummer,
			AdministrativEnhet:             k.AdministrativEnhet,
		}})
	}
	for _, d := range r.Dokumentbeskrivelse {
		db := &Dokumentbeskrivelse{
			ArkivBase:                 ArkivBase{SystemID: normalizeID(d.SystemID)},
			Tittel:                    d.Tittel,
			TittelSensitiv:            d.Tittel,
			Dokumentnummer:            d.Dokumentnummer,
			Dokumenttype:              d.Dokumenttype,
			TilknyttetRegistreringSom: strings.ToLower(d.TilknyttetRegistreringSom),
		}
		if skjermer(r.Skjerming, "Skjerming tittel dokumentbeskrivelse") || skjermer(d.Skjerming, "Skjerming tittel dokumentbeskrivelse") {
			db.Tittel = SkjermetNavn
		}
		if opts.DokumentURL != nil && r.Skjerming == nil && d.Skjerming == nil {
			for _, o := range d.Dokumentobjekt {
				if u := opts.DokumentURL(o.ReferanseDokumentfil); u != "" {
					db.Dokumentobjekt = append(db.Dokumentobjekt, Ref[Dokumentobjekt]{Object: &Dokumentobjekt{
						ReferanseDokumentfil: u, Format: formatOf(o.ReferanseDokumentfil)}})
				}
			}
		}
		j.Dokumentbeskrivelse = append(j.Dokumentbeskrivelse, Ref[Dokumentbeskrivelse]{Object: db})
	}
	return j
}

// offentligTittel picks the public title: offentligTittel when given; tittel when
// nothing about titles is screened; otherwise a problem.
func offentligTittel(p *problems, path, tittel, offentlig string, s *arkivmelding.Skjerming, titleRule string) string {
	if offentlig != "" {
		return offentlig
	}
	if skjermer(s, titleRule) {
		p.add("%s: the title is screened (skjermingMetadata) but offentligTittel is empty", path)
		return ""
	}
	return tittel
}

// skjermer reports whether the skjerming screens what rule names (a prefix of a
// skjermingMetadata value), counting "Midlertidig skjerming" as screening everything.
func skjermer(s *arkivmelding.Skjerming, rule string) bool {
	if s == nil {
		return false
	}
	return slices.ContainsFunc(s.SkjermingMetadata, func(v string) bool {
		return strings.HasPrefix(v, rule) || v == "Midlertidig skjerming"
	})
}

func navnSkjermet(s *arkivmelding.Skjerming, typ string) bool {
	switch typ {
	case arkivmelding.Avsender, arkivmelding.InternAvsender:
		return skjermer(s, "Skjerming navn avsender")
	default:
		return skjermer(s, "Skjerming navn mottaker")
	}
}

// normalizeID turns a braced GUID ("{...}") into a plain lower-case UUID.
func normalizeID(id string) string {
	return strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(id, "{"), "}"))
}

func formatOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && i < len(name)-1 {
		return strings.ToLower(name[i+1:])
	}
	return ""
}
