package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/ident"
)

// runFolkeregisterPerson: fellesklient folkeregister person ID --rolle ROLLE [--parts a,b]
// [--show-identifiers] [--json].
func runFolkeregisterPerson(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "fellesklient folkeregister person")
	var ff fiksFlags
	ff.register(fs)
	sf, tf, of := &ff.sf, &ff.tf, &ff.of
	rolle := fs.String("rolle", "", "Fiks Folkeregister role id (required)")
	parts := fs.String("parts", "", "information parts, comma separated (default: person-basis)")
	show := fs.Bool("show-identifiers", false, "print fødselsnumre in full (default: masked to the birth date)")
	pos, err := interspersed(fs, args) // the ID may come before, between or after the flags
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("usage: fellesklient folkeregister person ID --rolle ROLLE [--parts a,b] [--show-identifiers] [--json]")
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
	test, _ := fiks.Test.Endpoints()
	prod, _ := fiks.Prod.Endpoints()
	base, err := sf.resolve(test.API, prod.API)
	if err != nil {
		return err
	}
	c, err := folkeregister.New(folkeregister.Options{BaseURL: base, Credentials: creds, HTTPClient: e.httpClient, UserAgent: "fellesklient-cli"})
	if err != nil {
		return noErr(err)
	}
	if of.json && *show {
		raw, err := c.PersonDokument(ctx, nr, opts)
		if err != nil {
			return serviceErr(err)
		}
		if _, err := e.stdout.Write(append(raw, '\n')); err != nil {
			return ioErr(err)
		}
		return nil
	}
	person, err := c.Person(ctx, nr, opts)
	if err != nil {
		return serviceErr(err)
	}
	if of.json {
		return writeJSON(e, person) // identifiers marshal masked
	}
	printPerson(e, person, *show)
	return nil
}

func printPerson(e *env, p *folkeregister.Person, show bool) {
	w := e.stdout
	idf := func(i folkeregister.Identifikator) string {
		if show {
			return i.Unmasked()
		}
		return i.String()
	}
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-20s %s\n", k+":", v)
		}
	}
	line("identifikator", idf(p.Identifikator()))
	if n, ok := p.GjeldendeNavn(); ok {
		line("navn", n.Fullt())
	}
	line("status", p.GjeldendeStatus())
	line("foedselsdato", p.Foedselsdato().String())
	if len(p.Kjoenn) > 0 {
		line("kjoenn", p.Kjoenn[0].Kjoenn)
	}
	g, known := p.Beskyttelse()
	switch {
	case !known:
		line("adressebeskyttelse", "ukjent (not in the parts returned)")
	default:
		line("adressebeskyttelse", string(g))
	}
	if g.Beskyttet() && g != folkeregister.Klientadresse || !known {
		line("adresse", "(not shown)")
	} else if a, err := p.Utsendingsadresse(); err == nil {
		line("adresse", strings.Join(append(a.Adresselinjer, strings.TrimSpace(a.Postnummer+" "+a.Poststed)), ", "))
	}
	for _, r := range p.Familierelasjon {
		if r.ErGjeldende {
			line("familierelasjon", r.RelatertPersonsRolle+" "+idf(r.RelatertPerson))
		}
	}
	if len(p.Bostedsadresse) > 1 {
		line("historikk", fmt.Sprintf("%d bostedsadresser", len(p.Bostedsadresse)))
	}
}
