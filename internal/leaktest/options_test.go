package leaktest_test

import (
	"bytes"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/arkiv"
	"github.com/fellesklient/fellesklient/fiks/digisos"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
	"github.com/fellesklient/fellesklient/svarut"
)

// TestOptionsNeverPrintSecrets: every Options type, and every value that carries a secret
// (tokens, passwords, API keys, private keys, a pid), printed by value and by pointer with
// %v, %+v, %#v, %s, through slog's text and JSON handlers and through encoding/json, shows
// none of the secrets.
func TestOptionsNeverPrintSecrets(t *testing.T) {
	key := testutil.Key(t, 2048, 0)
	secrets := []string{"tokenverdi-hemmelig", "integrasjon-passord-hemmelig", "svarinn-passord-hemmelig", "secret_apikey-hemmelig", "13097248022"}
	secrets = append(secrets, keyMaterial(key)...)
	fnr := ident.MustParseFoedselsnummer("13097248022")
	creds := fiks.Credentials{Token: auth.Static("tokenverdi-hemmelig"), IntegrasjonID: "integ", IntegrasjonPassord: "integrasjon-passord-hemmelig"}
	mpKey := maskinporten.Key{Signer: key, KeyID: "kid"}
	krKey := kryptering.Key{Decrypter: key}
	hc := &http.Client{Timeout: time.Second}
	tok := auth.Token{Value: "tokenverdi-hemmelig", Type: "Bearer", Expiry: time.Unix(1e9, 0), Scope: "ks:fiks"}

	fioClient, err := fiksio.New(fiksio.Options{Environment: fiks.Test, Credentials: creds, KontoID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12", Keys: []kryptering.Key{krKey}})
	if err != nil {
		t.Fatal(err)
	}
	must := func(v any, err error) any {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	mpClient := must(maskinporten.New(maskinporten.Options{Environment: maskinporten.Test, ClientID: "c", Key: mpKey}))
	clients := map[string]any{
		"maskinporten.Client":  mpClient,
		"svarut.Client":        must(svarut.New(svarut.Options{Environment: fiks.Test, Credentials: creds})),
		"svarut.Mottak":        must(svarut.NewMottak(svarut.MottakOptions{Environment: fiks.Test, Brukernavn: "system", Passord: "svarinn-passord-hemmelig", Key: krKey})),
		"folkeregister.Client": must(folkeregister.New(folkeregister.Options{Environment: fiks.Test, Credentials: creds, Rolle: "r"})),
		"einnsyn.Client":       must(einnsyn.New(einnsyn.Options{APIKey: "secret_apikey-hemmelig"})),
		"fiksio.Client":        fioClient,
		"arkiv.Client":         must(arkiv.New(arkiv.Options{FIKSIO: fioClient, Arkiv: "a"})),
		"digisos.Client":       must(digisos.New(digisos.Options{Environment: fiks.Test, Credentials: creds, FiksOrgID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12"})),
	}
	// Data-model values marshal their data with encoding/json (that is what they are
	// for); printing and slog must still mask what they hold.
	dataModel := map[string]bool{"fiksarkiv.Korrespondansepart": true, "fiksarkiv.Arkivmelding": true, "fiksarkiv.Registrering": true, "fiksarkiv.Part": true}
	values := map[string]any{
		"auth.Token":            tok,
		"auth.Secret":           auth.Secret("tokenverdi-hemmelig"),
		"maskinporten.Options":  maskinporten.Options{Environment: maskinporten.Test, ClientID: "c", Key: mpKey, HTTPClient: hc},
		"maskinporten.Key":      mpKey,
		"maskinporten.Request":  maskinporten.Request{Scopes: []string{"ks:fiks"}, Pid: fnr},
		"fiks.Credentials":      creds,
		"svarut.Options":        svarut.Options{Environment: fiks.Test, Credentials: creds, HTTPClient: hc},
		"svarut.MottakOptions":  svarut.MottakOptions{Environment: fiks.Test, Brukernavn: "system", Passord: "svarinn-passord-hemmelig", Key: krKey},
		"folkeregister.Options": folkeregister.Options{Environment: fiks.Test, Credentials: creds, Rolle: "r"},
		"einnsyn.Options":       einnsyn.Options{APIKey: "secret_apikey-hemmelig", Token: auth.Static("tokenverdi-hemmelig")},
		"kryptering.Key":        krKey,
		"fiksio.Options": fiksio.Options{Environment: fiks.Test, Credentials: creds, KontoID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12",
			Signer: key, Keys: []kryptering.Key{krKey}}, // no HTTPClient: json.Marshal must get as far as the key
		"fiksio.Melding": fiksio.Melding{MottakerKontoID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12", Meldingstype: "t",
			Headere: map[string]string{"x": "13097248022"}, Filer: []fiksio.Fil{fiksio.Bytes("a.txt", []byte("13097248022"))}},
		"struct holding them": struct{ A, B, C any }{tok, creds, krKey},
		"arkiv.Options":       arkiv.Options{FIKSIO: fioClient, Arkiv: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12"},
		"digisos.Options":     digisos.Options{Environment: fiks.Test, Credentials: creds, FiksOrgID: "0c6f3c1e-7a0b-4a7e-9d7c-3f1f1d9e2a12"},
		"fiksarkiv.Korrespondansepart": fiksarkiv.Korrespondansepart{KorrespondansepartNavn: "Kari", Personid: "13097248022",
			DeresReferanse: "fnr 13097248022"},
		"fiksarkiv.Part":         fiksarkiv.Part{PartNavn: "Kari", PersonID: "13097248022"},
		"fiksarkiv.Registrering": fiksarkiv.Registrering{Tittel: "t", Korrespondansepart: []fiksarkiv.Korrespondansepart{{Personid: "13097248022"}}},
		"fiksarkiv.Arkivmelding": fiksarkiv.Arkivmelding{System: "s", Registrering: &fiksarkiv.Registrering{Tittel: "t",
			Korrespondansepart: []fiksarkiv.Korrespondansepart{{Personid: "13097248022"}}}},
	}
	for name, c := range clients {
		values[name] = c
		values["struct holding "+name] = struct{ C any }{c}
	}
	for name, v := range values {
		t.Run(name, func(t *testing.T) {
			vals := []any{v, pointerTo(v)}
			if _, isClient := clients[name]; isClient {
				vals = []any{v} // already a pointer
			}
			for _, val := range vals {
				var out []string
				for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
					out = append(out, fmt.Sprintf(verb, val))
				}
				var text, js bytes.Buffer
				slog.New(slog.NewTextHandler(&text, nil)).Info("opts", "v", val)
				slog.New(slog.NewJSONHandler(&js, nil)).Info("opts", "v", val)
				out = append(out, text.String(), js.String())
				if b, err := json.Marshal(val); err == nil && !dataModel[name] {
					out = append(out, string(b))
				}
				all := strings.Join(out, "\n")
				for _, s := range secrets {
					if strings.Contains(all, s) {
						t.Errorf("%T shows a secret (%.12s...):\n%s", val, s, all)
					}
				}
			}
		})
	}
}

// pointerTo returns a pointer to a copy of v, with v's dynamic type.
func pointerTo(v any) any {
	switch v := v.(type) {
	case auth.Token:
		return &v
	case auth.Secret:
		return &v
	case maskinporten.Options:
		return &v
	case maskinporten.Key:
		return &v
	case maskinporten.Request:
		return &v
	case fiks.Credentials:
		return &v
	case svarut.Options:
		return &v
	case svarut.MottakOptions:
		return &v
	case folkeregister.Options:
		return &v
	case einnsyn.Options:
		return &v
	case kryptering.Key:
		return &v
	case fiksio.Options:
		return &v
	case fiksio.Melding:
		return &v
	case arkiv.Options:
		return &v
	case digisos.Options:
		return &v
	case fiksarkiv.Korrespondansepart:
		return &v
	case fiksarkiv.Arkivmelding:
		return &v
	case fiksarkiv.Registrering:
		return &v
	case fiksarkiv.Part:
		return &v
	}
	return &v
}

// keyMaterial is how a private key's secret parts would show: decimal (fmt, json) and
// base64url (JWK), each a long prefix.
func keyMaterial(k *rsa.PrivateKey) []string {
	var out []string
	for _, n := range append([]any{k.D}, k.Primes[0], k.Primes[1]) {
		out = append(out, fmt.Sprint(n)[:40])
	}
	out = append(out, base64.RawURLEncoding.EncodeToString(k.D.Bytes())[:40], base64.StdEncoding.EncodeToString(k.D.Bytes())[:40])
	return out
}
