package einnsyn

import (
	"fmt"
	"net/mail"
	"strings"

	gen "github.com/fellesklient/fellesklient/internal/gen/einnsyn"
)

// problems collects what is wrong with an object before it is sent.
type problems struct {
	list []string
}

func (p *problems) add(format string, a ...any) { p.list = append(p.list, fmt.Sprintf(format, a...)) }

func (p *problems) required(path, v string) {
	if strings.TrimSpace(v) == "" {
		p.add("%s is required", path)
	}
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	return invalid(p.list...)
}

func (p *problems) readOnly(path string, b *Base) {
	if b.ID != "" && Prefix(b.ID) == "" {
		p.add("%s.id %q is not an eInnsyn id (it is assigned by eInnsyn; use systemId for your own)", path, b.ID)
	}
}

func (p *problems) arkivBase(path string, a *ArkivBase) {
	p.readOnly(path, &a.Base)
	if strings.ContainsAny(a.SystemID, "/?#") {
		p.add("%s.systemId %q must not contain / ? #", path, a.SystemID)
	}
}

func (p *problems) registrering(path string, r *Registrering) {
	p.arkivBase(path, &r.ArkivBase)
	p.required(path+".offentligTittel", r.OffentligTittel)
	p.required(path+".offentligTittelSensitiv", r.OffentligTittelSensitiv)
	if len(r.Beskrivelse) > 1000 {
		p.add("%s.beskrivelse is longer than 1000 characters", path)
	}
	for i, k := range r.Korrespondansepart {
		if k.Object != nil {
			p.korrespondansepart(fmt.Sprintf("%s.korrespondansepart[%d]", path, i), k.Object)
		}
	}
	for i, d := range r.Dokumentbeskrivelse {
		if d.Object != nil {
			p.dokumentbeskrivelse(fmt.Sprintf("%s.dokumentbeskrivelse[%d]", path, i), d.Object)
		}
	}
}

func (p *problems) mappe(path string, m *Mappe) {
	p.arkivBase(path, &m.ArkivBase)
	p.required(path+".offentligTittel", m.OffentligTittel)
	p.required(path+".offentligTittelSensitiv", m.OffentligTittelSensitiv)
	if len(m.Beskrivelse) > 1000 {
		p.add("%s.beskrivelse is longer than 1000 characters", path)
	}
}

func (p *problems) journalpost(path string, j *Journalpost) {
	p.registrering(path, &j.Registrering)
	if j.Journalaar < 1700 {
		p.add("%s.journalaar %d: want a year from 1700", path, j.Journalaar)
	}
	if j.Journalsekvensnummer < 0 {
		p.add("%s.journalsekvensnummer is negative", path)
	}
	if j.Journalpostnummer < 0 {
		p.add("%s.journalpostnummer is negative", path)
	}
	if !gen.JournalpostJournalpostJournalposttype(j.Journalposttype).Valid() {
		p.add("%s.journalposttype %q: want one of %v", path, j.Journalposttype, journalposttyper)
	}
	if j.Journaldato.IsZero() {
		p.add("%s.journaldato is required", path)
	}
	if j.Skjerming != nil && j.Skjerming.Object != nil {
		p.skjerming(path+".skjerming", j.Skjerming.Object)
	}
}

func (p *problems) korrespondansepart(path string, k *Korrespondansepart) {
	p.arkivBase(path, &k.ArkivBase)
	p.required(path+".korrespondansepartNavn", k.KorrespondansepartNavn)
	p.required(path+".korrespondansepartNavnSensitiv", k.KorrespondansepartNavnSensitiv)
	p.required(path+".korrespondanseparttype", k.Korrespondanseparttype)
	if k.Epostadresse != "" {
		if _, err := mail.ParseAddress(k.Epostadresse); err != nil {
			p.add("%s.epostadresse is not an e-mail address", path)
		}
	}
}

func (p *problems) dokumentbeskrivelse(path string, d *Dokumentbeskrivelse) {
	p.arkivBase(path, &d.ArkivBase)
	p.required(path+".tittel", d.Tittel)
	p.required(path+".tittelSensitiv", d.TittelSensitiv)
	p.required(path+".tilknyttetRegistreringSom", d.TilknyttetRegistreringSom)
	if d.Dokumentnummer < 0 {
		p.add("%s.dokumentnummer is negative", path)
	}
	for i, o := range d.Dokumentobjekt {
		if o.Object != nil && o.Object.ReferanseDokumentfil == "" {
			p.add("%s.dokumentobjekt[%d].referanseDokumentfil is required", path, i)
		}
	}
}

func (p *problems) skjerming(path string, s *Skjerming) {
	p.arkivBase(path, &s.ArkivBase)
	p.required(path+".tilgangsrestriksjon", s.Tilgangsrestriksjon)
}

func validateJournalpost(j *Journalpost) error {
	var p problems
	p.journalpost("journalpost", j)
	return p.err()
}

func validateSaksmappe(s *Saksmappe) error {
	var p problems
	p.mappe("saksmappe", &s.Mappe)
	if s.Saksaar < 1700 {
		p.add("saksmappe.saksaar %d: want a year from 1700", s.Saksaar)
	}
	if s.Sakssekvensnummer < 0 {
		p.add("saksmappe.sakssekvensnummer is negative")
	}
	if s.Saksnummer != "" {
		p.add("saksmappe.saksnummer is read-only (eInnsyn makes it from saksaar/sakssekvensnummer)")
	}
	for i, j := range s.Journalpost {
		if j.Object != nil {
			p.journalpost(fmt.Sprintf("saksmappe.journalpost[%d]", i), j.Object)
		}
	}
	return p.err()
}

func validateMoetemappe(m *Moetemappe) error {
	var p problems
	p.mappe("moetemappe", &m.Mappe)
	p.required("moetemappe.moetenummer", m.Moetenummer)
	p.required("moetemappe.utvalg", m.Utvalg)
	if m.Moetedato.IsZero() {
		p.add("moetemappe.moetedato is required")
	}
	for i, s := range m.Moetesak {
		if s.Object != nil {
			p.moetesak(fmt.Sprintf("moetemappe.moetesak[%d]", i), s.Object)
		}
	}
	for i, d := range m.Moetedokument {
		if d.Object != nil {
			p.moetedokument(fmt.Sprintf("moetemappe.moetedokument[%d]", i), d.Object)
		}
	}
	return p.err()
}

func (p *problems) moetesak(path string, s *Moetesak) {
	p.registrering(path, &s.Registrering)
	if !gen.MoetesakMoetesakMoetesakstype(s.Moetesakstype).Valid() {
		p.add("%s.moetesakstype %q: want one of %v", path, s.Moetesakstype, moetesakstyper)
	}
}

func (p *problems) moetedokument(path string, d *Moetedokument) {
	p.registrering(path, &d.Registrering)
	p.required(path+".moetedokumenttype", d.Moetedokumenttype)
}

func validateMoetesak(s *Moetesak) error {
	var p problems
	p.moetesak("moetesak", s)
	return p.err()
}

func validateMoetedokument(d *Moetedokument) error {
	var p problems
	p.moetedokument("moetedokument", d)
	return p.err()
}

func validateDokumentbeskrivelse(d *Dokumentbeskrivelse) error {
	var p problems
	p.dokumentbeskrivelse("dokumentbeskrivelse", d)
	return p.err()
}

func validateKorrespondansepart(k *Korrespondansepart) error {
	var p problems
	p.korrespondansepart("korrespondansepart", k)
	return p.err()
}

func validateSkjerming(s *Skjerming) error {
	var p problems
	p.skjerming("skjerming", s)
	return p.err()
}

func validateArkiv(a *Arkiv) error {
	var p problems
	p.arkivBase("arkiv", &a.ArkivBase)
	p.required("arkiv.tittel", a.Tittel)
	return p.err()
}

func validateArkivdel(a *Arkivdel) error {
	var p problems
	p.arkivBase("arkivdel", &a.ArkivBase)
	p.required("arkivdel.tittel", a.Tittel)
	return p.err()
}

func validateBestilling(b *InnsynskravBestilling) error {
	var p problems
	p.readOnly("innsynskravBestilling", &b.Base)
	if _, err := mail.ParseAddress(b.Email); err != nil {
		p.add("innsynskravBestilling.email is not an e-mail address")
	}
	if len(b.Innsynskrav) == 0 {
		p.add("innsynskravBestilling.innsynskrav: at least one")
	}
	for i, k := range b.Innsynskrav {
		if k.Object == nil || k.Object.Journalpost == nil || k.Object.Journalpost.ID == "" {
			p.add("innsynskravBestilling.innsynskrav[%d].journalpost is required", i)
		}
	}
	if b.Language != "" && !gen.InnsynskravBestillingInnsynskravBestillingLanguage(b.Language).Valid() {
		p.add("innsynskravBestilling.language %q: want nb, nn, en or se", b.Language)
	}
	return p.err()
}
