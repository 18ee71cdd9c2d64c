package fikstest

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
	"github.com/google/uuid"
)

// Fixture is how a test, an example or a program against the FIKS fakes starts: a
// Maskinporten fake, a Maskinporten client of the organisation with the FIKS scope, and
// the FIKS credentials of a new Fiks-integrasjon of that organisation. Give Integrasjon
// to each service fake (AddIntegrasjon) and Maskinporten to its Options.
type Fixture struct {
	// Maskinporten is the fake the service fakes trust (their Options.Maskinporten).
	Maskinporten *maskinportentest.Server
	// Client is the organisation's Maskinporten client (a fresh 2048-bit key).
	Client *maskinporten.Client
	// Tokens is Client's cached token source for fiks.Scope.
	Tokens auth.TokenSource
	// Integrasjon is the organisation's Fiks-integrasjon, with the privileges asked for.
	Integrasjon Integrasjon
	// Credentials are what a FIKS client's Options.Credentials take.
	Credentials fiks.Credentials
}

// NewFixture starts the fixture for organisation org (an organisasjonsnummer) with the
// Fiks-integrasjon's privileges ("svarut:konto:<id>", "folkeregister:rolle:<id>", ...).
// With a non-nil t the Maskinporten fake is closed by t.Cleanup and a failure ends the
// test; without (a program, not a test) call Close, and a failure panics, as httptest
// does when it cannot listen.
func NewFixture(t testing.TB, org string, privileges ...string) *Fixture {
	if t != nil {
		t.Helper()
	}
	fail := func(err error) {
		if t != nil {
			t.Fatalf("fikstest: %v", err)
		}
		panic("fikstest: " + err.Error())
	}
	mp := maskinportentest.NewServer(t, maskinportentest.Options{})
	f, err := fixtureOn(mp, org, privileges)
	if err != nil {
		fail(err)
	}
	return f
}

// Another is a fixture for a second organisation trusted by the same Maskinporten fake:
// two parties of one exchange (a fagsystem and an arkiv, say).
func (f *Fixture) Another(t testing.TB, org string, privileges ...string) *Fixture {
	if t != nil {
		t.Helper()
	}
	g, err := fixtureOn(f.Maskinporten, org, privileges)
	if err != nil {
		if t != nil {
			t.Fatalf("fikstest: %v", err)
		}
		panic("fikstest: " + err.Error())
	}
	return g
}

func fixtureOn(mp *maskinportentest.Server, org string, privileges []string) (*Fixture, error) {
	c, err := maskinporten.New(mp.NewClient("fagsystem-"+org, org, fiks.Scope))
	if err != nil {
		return nil, err
	}
	tokens, err := c.TokenSource(maskinporten.Request{Scopes: []string{fiks.Scope}})
	if err != nil {
		return nil, err
	}
	var pw [16]byte
	_, _ = rand.Read(pw[:])
	integ := Integrasjon{ID: uuid.NewString(), Passord: hex.EncodeToString(pw[:]), Org: org, Privileges: privileges}
	return &Fixture{Maskinporten: mp, Client: c, Tokens: tokens, Integrasjon: integ,
		Credentials: fiks.Credentials{Token: tokens, IntegrasjonID: integ.ID, IntegrasjonPassord: auth.Secret(integ.Passord)}}, nil
}

// Close shuts the Maskinporten fake down (t.Cleanup does it when NewFixture had a t).
func (f *Fixture) Close() { f.Maskinporten.Close() }
