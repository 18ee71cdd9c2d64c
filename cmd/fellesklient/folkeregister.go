package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/ident"
)

// runFolkeregisterPerson: fellesklient folkeregister person ID --rolle ROLLE [--parts a,b]
// [--show-identifiers] [--json] [--raw]: the typed model's current values (status, death
// date, address protection, addresses, parents, foreldreansvar), or with --raw the
// document as received.
func runFolkeregisterPerson(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient folkeregister person")
	var ff fiksFlags
	ff.register(fs)
	sf, tf, of := &ff.sf, &ff.tf, &ff.of
	rolle := fs.String("rolle", "", "Fiks Folkeregister role id (required)")
	parts := fs.String("parts", "", "information parts, comma separated (default: person-basis)")
	show := fs.Bool("show-identifiers", false, "print fødselsnumre in full (default: masked to the birth date)")
	raw := fs.Bool("raw", false, "print the person document as FREG sent it (every element, identifiers in full)")
	pos, err := interspersed(fs, args) // the ID may come before, between or after the flags
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("usage: fellesklient folkeregister person ID --rolle ROLLE [--parts a,b] [--show-identifiers] [--json] [--raw]")
	}
	if *rolle == "" {
		return usageErr("--rolle is required")
	}
	nr, err := ident.ParseFoedselsnummer(pos[0])
	if err != nil {
		return noErr(err) // the error never holds the number
	}
	opts := &folkeregister.PersonOptions{Rolle: *rolle}
	for _, p := range strings.Split(*parts, ",") {
		if p = strings.TrimSpace(p); p != "" {
			opts.Parts = append(opts.Parts, folkeregister.Part(p))
		}
	}
	creds, err := fiksCredentials(e, tf)
	if err != nil {
		return err
	}
	base, err := fiksAPIBase(sf)
	if err != nil {
		return err
	}
	c, err := folkeregister.New(folkeregister.Options{BaseURL: base, Credentials: creds, HTTPClient: e.httpClient, UserAgent: "fellesklient-cli"})
	if err != nil {
		return noErr(err)
	}
	if *raw {
		doc, err := c.PersonDokument(ctx, nr, opts)
		if err != nil {
			return serviceErr(err)
		}
		if _, err := e.stdout.Write(append(doc, '\n')); err != nil {
			return ioErr(err)
		}
		return nil
	}
	person, err := c.Person(ctx, nr, opts)
	if err != nil {
		return serviceErr(err)
	}
	v := newPersonView(person, *show)
	if of.json {
		return writeJSON(e, v)
	}
	printPerson(e, v)
	return nil
}

// personView is what `folkeregister person` prints, in text and as JSON (camelCase, as
// FREG names the elements): the typed model's current values, not the raw document.
type personView struct {
	Identifikator      string         `json:"identifikator,omitempty"`
	Navn               string         `json:"navn,omitempty"`
	Status             string         `json:"status,omitempty"`
	Foedselsdato       string         `json:"foedselsdato,omitempty"`
	Kjoenn             string         `json:"kjoenn,omitempty"`
	Doedsdato          string         `json:"doedsdato,omitempty"`
	Adressebeskyttelse string         `json:"adressebeskyttelse"`
	Bostedsadresse     string         `json:"bostedsadresse,omitempty"`
	Postadresse        string         `json:"postadresse,omitempty"`
	Foreldre           []relasjonView `json:"foreldre,omitempty"`
	Familierelasjon    []relasjonView `json:"familierelasjon,omitempty"`
	Foreldreansvar     []ansvarView   `json:"foreldreansvar,omitempty"`
	Historikk          map[string]int `json:"historikk,omitempty"`
}

type relasjonView struct {
	Rolle         string `json:"rolle"`
	Identifikator string `json:"identifikator"`
}

type ansvarView struct {
	Ansvar         string `json:"ansvar"`
	Ansvarlig      string `json:"ansvarlig,omitempty"`
	Ansvarssubjekt string `json:"ansvarssubjekt,omitempty"`
}

func newPersonView(p *folkeregister.Person, show bool) personView {
	idf := func(i folkeregister.Identifikator) string {
		if show {
			return i.Unmasked()
		}
		return i.String()
	}
	adr := func(a folkeregister.Adresse) string {
		return strings.Join(append(append([]string{}, a.Adresselinjer...), strings.TrimSpace(a.Postnummer+" "+a.Poststed)), ", ")
	}
	v := personView{Identifikator: idf(p.Identifikator()), Status: p.GjeldendeStatus(), Foedselsdato: p.Foedselsdato().String(), Doedsdato: p.Doedsdato().String()}
	if n, ok := p.GjeldendeNavn(); ok {
		v.Navn = n.Fullt()
	}
	for _, k := range p.Kjoenn {
		if k.ErGjeldende || len(p.Kjoenn) == 1 {
			v.Kjoenn = k.Kjoenn
		}
	}
	g, known := p.Beskyttelse()
	v.Adressebeskyttelse = string(g)
	if !known {
		v.Adressebeskyttelse = "ukjent"
	}
	if !known || g.Beskyttet() && g != folkeregister.Klientadresse {
		v.Bostedsadresse, v.Postadresse = "(not shown)", "(not shown)"
	} else {
		if b, ok := p.GjeldendeBostedsadresse(); ok {
			only := folkeregister.Person{Bostedsadresse: []folkeregister.Bostedsadresse{b}, Adressebeskyttelse: p.Adressebeskyttelse}
			if a, err := only.Utsendingsadresse(); err == nil {
				v.Bostedsadresse = adr(a)
			}
		}
		if pa, ok := p.GjeldendePostadresse(); ok {
			only := folkeregister.Person{Postadresse: []folkeregister.Postadresse{pa}, Adressebeskyttelse: p.Adressebeskyttelse}
			if a, err := only.Utsendingsadresse(); err == nil {
				v.Postadresse = adr(a)
			}
		}
	}
	for _, r := range p.Familierelasjon {
		if !r.ErGjeldende {
			continue
		}
		rv := relasjonView{Rolle: r.RelatertPersonsRolle, Identifikator: idf(r.RelatertPerson)}
		switch r.RelatertPersonsRolle {
		case folkeregister.RolleMor, folkeregister.RolleFar, folkeregister.RolleMedmor:
			v.Foreldre = append(v.Foreldre, rv)
		default:
			v.Familierelasjon = append(v.Familierelasjon, rv)
		}
	}
	for _, f := range p.Foreldreansvar {
		if f.ErGjeldende {
			v.Foreldreansvar = append(v.Foreldreansvar, ansvarView{Ansvar: f.Ansvar, Ansvarlig: idf(f.Ansvarlig), Ansvarssubjekt: idf(f.Ansvarssubjekt)})
		}
	}
	if n := len(p.Bostedsadresse); n > 1 {
		v.Historikk = map[string]int{"bostedsadresse": n}
	}
	return v
}

func printPerson(e *env, v personView) {
	w := e.stdout
	line := func(k, val string) {
		if val != "" {
			fmt.Fprintf(w, "%-20s %s\n", k+":", val)
		}
	}
	line("identifikator", v.Identifikator)
	line("navn", v.Navn)
	line("status", v.Status)
	line("foedselsdato", v.Foedselsdato)
	line("kjoenn", v.Kjoenn)
	line("doedsdato", v.Doedsdato)
	if v.Adressebeskyttelse == "ukjent" {
		line("adressebeskyttelse", "ukjent (not in the parts returned)")
	} else {
		line("adressebeskyttelse", v.Adressebeskyttelse)
	}
	line("bostedsadresse", v.Bostedsadresse)
	line("postadresse", v.Postadresse)
	for _, r := range v.Foreldre {
		line("forelder", r.Rolle+" "+r.Identifikator)
	}
	for _, r := range v.Familierelasjon {
		line("familierelasjon", r.Rolle+" "+r.Identifikator)
	}
	for _, f := range v.Foreldreansvar {
		line("foreldreansvar", strings.TrimSpace(f.Ansvar+" "+f.Ansvarlig+" for "+f.Ansvarssubjekt))
	}
	for k, n := range v.Historikk {
		line("historikk", fmt.Sprintf("%d %s", n, k))
	}
}
