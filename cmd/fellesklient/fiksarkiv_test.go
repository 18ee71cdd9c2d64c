package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/fiks/arkiv/fiksarkivtest"
	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

func TestFiksarkivValidateCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "mappe-hent.xml")
	m, err := (&fiksarkiv.MappeHent{System: "s", ReferanseTilMappe: &fiksarkiv.ReferanseTilMappe{SystemID: "6f358ced-036d-4c9b-b372-a2b7d83c5cc5"}}).Melding()
	require.NoError(t, err)
	b, err := m.Bytes()
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(good, b, 0o600))
	bad := filepath.Join(dir, "bad.xml")
	require.NoError(t, os.WriteFile(bad, []byte(strings.Replace(string(b), "<system>s</system>", "", 1)), 0o600))
	notXML := filepath.Join(dir, "x.xml")
	require.NoError(t, os.WriteFile(notXML, []byte("<a"), 0o600))

	r := runCLI(t, nil, "fiksarkiv", "validate", good)
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "valid no.ks.fiks.arkiv.v1.innsyn.mappe.hent")
	r = runCLI(t, nil, "fiksarkiv", "validate", good, bad, notXML)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, 3, strings.Count(r.stdout, "\n"), r.stdout)
	assert.Contains(t, r.stdout, "bad.xml: invalid")
	r = runCLI(t, nil, "fiksarkiv", "validate", "--json", good, bad)
	assert.Equal(t, 1, r.code)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	var rep struct {
		File     string `json:"file"`
		Valid    bool   `json:"valid"`
		Problems []struct{ Path, Rule, Message string }
	}
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &rep))
	assert.False(t, rep.Valid)
	assert.Equal(t, "order", rep.Problems[0].Rule)
	r = runCLI(t, nil, "fiksarkiv", "validate", filepath.Join(dir, "finnes-ikke.xml"))
	assert.Equal(t, 2, r.code)

	// The upstream examples get xmllint's verdict here too.
	t.Run("upstream", func(t *testing.T) {
		ex := testutil.SharedFile(t, "specs/fiks/fiks-protokoll/arkiv/examples/validator-testcases")
		r := runCLI(t, nil, "fiksarkiv", "validate", filepath.Join(ex, "NySaksmappeN1", "arkivmelding.xml"), filepath.Join(ex, "NySokN1", "sok.xml"))
		assert.Equal(t, 0, r.code, r.stdout)
		r = runCLI(t, nil, "fiksarkiv", "validate", filepath.Join(ex, "NySaksmappeF1", "arkivmelding.xml"))
		assert.Equal(t, 1, r.code, r.stdout)
	})
}

func TestFiksarkivArkiverCLI(t *testing.T) {
	b := fiksiotest.RequireBroker(t)
	fx := fikstest.NewFixture(t, "910000001")
	arkivFx := fx.Another(t, "910000002")
	fake := fiksiotest.NewServer(t, fiksiotest.Options{Maskinporten: fx.Maskinporten, Broker: b, Plain: true})
	fake.AddIntegrasjon(fx.Integrasjon)
	fake.AddIntegrasjon(arkivFx.Integrasjon)
	fag, ark := fiksiotest.NewIdentity("Fagsystem", "910000001"), fiksiotest.NewIdentity("Arkiv", "910000002")
	kontoF, kontoA := uuid.NewString(), uuid.NewString()
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: kontoF, Navn: "Fagsystem", IntegrasjonID: fx.Integrasjon.ID, Certificate: fag.Certificate}))
	require.NoError(t, fake.AddKonto(fiksiotest.Konto{ID: kontoA, Navn: "Arkiv", IntegrasjonID: arkivFx.Integrasjon.ID, Certificate: ark.Certificate}))
	afio, err := fiksio.New(fiksio.Options{BaseURL: fake.URL(), HTTPClient: fake.HTTPClient(), Credentials: arkivFx.Credentials, KontoID: kontoA,
		Signer: ark.Key, SignerCertificates: []*x509.Certificate{ark.Certificate}, Keys: []kryptering.Key{ark.DecryptionKey()},
		AMQPAddr: fake.AMQPAddr(), PlainAMQP: true})
	require.NoError(t, err)
	archive := fiksarkivtest.NewServer(t, fiksarkivtest.Options{FIKSIO: afio})

	dir := t.TempDir()
	key, cert, err := fag.WritePEM(dir, "fagsystem")
	require.NoError(t, err)
	_, arkCert, err := ark.WritePEM(dir, "arkiv")
	require.NoError(t, err)
	tok, err := fx.Tokens.Token(context.Background())
	require.NoError(t, err)
	vars := map[string]string{"MASKINPORTEN_TOKEN": tok.Value, "FIKS_INTEGRASJON_ID": fx.Integrasjon.ID, "FIKS_INTEGRASJON_PASSORD": fx.Integrasjon.Passord}

	en := 1
	am := &fiksarkiv.Arkivmelding{System: "byggesak", AntallFiler: 1,
		Mappe: &fiksarkiv.Mappe{Tittel: "Byggesak Storgata 1", Saksmappe: &fiksarkiv.Saksmappe{}},
		Registrering: &fiksarkiv.Registrering{Tittel: "Vedtak", Journalpost: &fiksarkiv.Journalpost{Journalposttype: fiksarkiv.Kode{Kode: "U"}},
			Dokumentbeskrivelse: []fiksarkiv.Dokumentbeskrivelse{{Tittel: "Vedtak", TilknyttetRegistreringSom: fiksarkiv.Kode{Kode: "H"},
				Dokumentobjekt: []fiksarkiv.Dokumentobjekt{{Versjonsnummer: &en, Variantformat: fiksarkiv.NewKode("A"), Filnavn: "vedtak.pdf", ReferanseDokumentfil: "vedtak.pdf"}}}}}}
	m, err := am.Melding()
	require.NoError(t, err)
	xml, err := m.Bytes()
	require.NoError(t, err)
	amFile, pdf := filepath.Join(dir, "arkivmelding.xml"), filepath.Join(dir, "vedtak.pdf")
	require.NoError(t, os.WriteFile(amFile, xml, 0o600))
	require.NoError(t, os.WriteFile(pdf, []byte("%PDF-1.7\n"), 0o600))

	common := []string{"--base-url", fake.URL(), "--amqp-addr", fake.AMQPAddr(), "--plain", "--fra", kontoF, "--til", kontoA,
		"--signer-key", key, "--signer-cert", cert, "--arkiv-cert", arkCert, "--timeout", "1m"}
	r := runCLI(t, vars, append(append([]string{"fiksarkiv", "arkiver"}, common...), "--json", amFile, pdf)...)
	require.Equal(t, 0, r.code, r.stderr)
	var out struct {
		Mappe        map[string]any `json:"mappe"`
		Registrering map[string]any `json:"registrering"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), r.stdout)
	assert.Contains(t, out.Mappe["saksnummer"], "/1")
	assert.Equal(t, float64(1), out.Registrering["journalpostnummer"])
	assert.Equal(t, 1, archive.Filings())

	// A file no dokumentobjekt names: refused before sending.
	r = runCLI(t, vars, append(append([]string{"fiksarkiv", "arkiver"}, common...), amFile, pdf, amFile)...)
	assert.Equal(t, 2, r.code, r.stderr)

	// Search.
	sok := filepath.Join(dir, "sok.xml")
	require.NoError(t, os.WriteFile(sok, []byte(`<sok xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/sok/v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><system>byggesak</system><take>10</take><skip>0</skip><sokdefinisjon xsi:type="mappeSokdefinisjon"><responstype>minimum</responstype><parametere><operator>wildcardquery</operator><sokVerdier><stringvalues><value>Byggesak*</value></stringvalues></sokVerdier><felt>mappeTittel</felt></parametere></sokdefinisjon></sok>`), 0o600))
	r = runCLI(t, vars, append(append([]string{"fiksarkiv", "sok"}, common...), sok)...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "<count>1</count>")
	assert.Contains(t, r.stdout, "Byggesak Storgata 1")
	r = runCLI(t, vars, append(append([]string{"fiksarkiv", "sok"}, common...), "--json", sok)...)
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"count": "1"`)

	r = runCLI(t, vars, "fiksarkiv", "arkiver", "--help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "Example:")
}
