package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/ident"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten"
)

// startFake runs `fellesklient fake --json ARGS` in-process and returns its first line,
// decoded, and the raw line; the command stops when the test ends (and must exit 0).
func startFake(t *testing.T, args ...string) (fakeAnnouncement, map[string]any) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &testutil.LogBuffer{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, &env{stdin: strings.NewReader(""), stdout: pw, stderr: stderr, getenv: func(string) string { return "" }},
			append([]string{"fake", "--json"}, args...))
		pw.Close()
		done <- code
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, 0, code, "fake exit code; stderr: %s", stderr.String())
		case <-time.After(30 * time.Second):
			t.Error("fake did not stop within 30 s of its context ending")
		}
	})
	line, err := bufio.NewReader(pr).ReadBytes('\n')
	go io.Copy(io.Discard, pr) //nolint:errcheck // drain
	require.NoError(t, err, "no first line; stderr: %s", stderr.String())
	var a fakeAnnouncement
	require.NoError(t, json.Unmarshal(line, &a))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(line, &raw))
	return a, raw
}

func TestFakeAnnouncesEveryService(t *testing.T) {
	state := t.TempDir()
	a, raw := startFake(t, "--port-base", "0", "--state", state)
	for _, svc := range []string{"maskinporten", "fiks", "svarut", "svarinn", "folkeregister", "minside", "edialog", "digisos", "einnsyn"} {
		m, ok := raw[svc].(map[string]any)
		require.True(t, ok, "member %q missing in %v", svc, raw)
		for k, v := range m {
			assert.NotEmpty(t, v, "%s.%s is empty", svc, k)
		}
	}
	for _, u := range []string{a.Maskinporten.Issuer, a.FIKS.APIBaseURL, a.SvarUt.BaseURL, a.SvarInn.BaseURL, a.EInnsyn.BaseURL} {
		assert.True(t, strings.HasPrefix(u, "http://127.0.0.1:"), "%s: plain http on loopback", u)
	}
	assert.True(t, strings.HasSuffix(a.Maskinporten.Issuer, "/"), "the issuer ends with / as Maskinporten's does")

	ctx := context.Background()
	// The announced key and kid get a token from the announced issuer, as any JWT library would.
	key, err := parseRSAKeyPEM(a.Maskinporten.PrivateKeyPEM)
	require.NoError(t, err)
	mp, err := maskinporten.New(maskinporten.Options{Environment: maskinporten.Environment(a.Maskinporten.Issuer), ClientID: a.Maskinporten.ClientID,
		Key: maskinporten.Key{Signer: key, KeyID: a.Maskinporten.Kid}})
	require.NoError(t, err)
	tokens, err := mp.TokenSource(maskinporten.Request{Scopes: []string{a.Maskinporten.Scope}})
	require.NoError(t, err)
	creds := fiks.Credentials{Token: tokens, IntegrasjonID: a.FIKS.IntegrasjonID, IntegrasjonPassord: auth.Secret(a.FIKS.IntegrasjonPassord)}

	// Folkeregister behind the one FIKS API host, with the announced rolle and persons.
	fr, err := folkeregister.New(folkeregister.Options{BaseURL: a.FIKS.APIBaseURL, Credentials: creds, Rolle: a.Folkeregister.Rolle})
	require.NoError(t, err)
	require.NotEmpty(t, a.Folkeregister.Personer)
	fnr, err := ident.ParseFoedselsnummer(a.Folkeregister.Personer[0])
	require.NoError(t, err)
	p, err := fr.Person(ctx, fnr, nil)
	require.NoError(t, err)
	_, ok := p.GjeldendeNavn()
	assert.True(t, ok)

	// Without the integrasjon's password FIKS says 401 with its own error body.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.FIKS.APIBaseURL+"/folkeregister/api/v1/"+a.Folkeregister.Rolle+"/v1/personer/"+fnr.String(), nil)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	res.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Contains(t, body, "errorId")

	// A path no FIKS service has is FIKS's 404, not the proxy's.
	res, err = http.Get(a.FIKS.APIBaseURL + "/ingen-tjeneste/api/v1")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
	assert.EqualValues(t, 404, body["status"])

	// eInnsyn: the API key is the Enhet's and may publish for it.
	ein, err := einnsyn.New(einnsyn.Options{BaseURL: a.EInnsyn.BaseURL, APIKey: auth.Secret(a.EInnsyn.APIKey)})
	require.NoError(t, err)
	ark, err := ein.Arkiver.Create(ctx, "", &einnsyn.Arkiv{Tittel: "Sakarkiv"})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ark.ID, "ark_"))

	// The files: keys as announced, env.sh with what the CLI reads, none readable by others.
	for _, f := range []string{a.Maskinporten.PrivateKey, a.Maskinporten.PrivateKeyJWK, a.SvarInn.PrivateKey, a.Env, filepath.Join(state, "credentials.json")} {
		st, err := os.Stat(f)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), f)
	}
	pemFile, err := os.ReadFile(a.Maskinporten.PrivateKey)
	require.NoError(t, err)
	assert.Equal(t, a.Maskinporten.PrivateKeyPEM, string(pemFile))
	envSh, err := os.ReadFile(a.Env)
	require.NoError(t, err)
	for _, v := range []string{"FIKS_INTEGRASJON_ID=" + a.FIKS.IntegrasjonID, "FIKS_INTEGRASJON_PASSORD=" + a.FIKS.IntegrasjonPassord,
		"SVARINN_BRUKER=" + a.SvarInn.Brukernavn, "SVARINN_PASSORD=" + a.SvarInn.Passord, "EINNSYN_API_KEY=" + a.EInnsyn.APIKey} {
		assert.Contains(t, string(envSh), "export "+v+"\n")
	}
}

func TestFakeStateKeepsCredentials(t *testing.T) {
	state := t.TempDir()
	a1, _ := startFakeOnce(t, state)
	a2, _ := startFakeOnce(t, state)
	assert.Equal(t, a1.Maskinporten.Kid, a2.Maskinporten.Kid)
	assert.Equal(t, a1.Maskinporten.PrivateKeyPEM, a2.Maskinporten.PrivateKeyPEM)
	assert.Equal(t, a1.FIKS.IntegrasjonID, a2.FIKS.IntegrasjonID)
	assert.Equal(t, a1.FIKS.IntegrasjonPassord, a2.FIKS.IntegrasjonPassord)
	assert.Equal(t, a1.FIKS.FiksOrgID, a2.FIKS.FiksOrgID)
	assert.Equal(t, a1.SvarUt.Konto, a2.SvarUt.Konto)
	assert.Equal(t, a1.SvarInn.Passord, a2.SvarInn.Passord)
	assert.Equal(t, a1.EInnsyn.APIKey, a2.EInnsyn.APIKey)
	assert.Equal(t, a1.EInnsyn.EnhetID, a2.EInnsyn.EnhetID)
	assert.Equal(t, a1.Folkeregister, a2.Folkeregister)

	// Without --state each start is a new set-up.
	a, _ := startFakeOnce(t, "")
	assert.NotEqual(t, a1.FIKS.IntegrasjonPassord, a.FIKS.IntegrasjonPassord)

	// A damaged state file is named, not overwritten.
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "credentials.json"), []byte("{"), 0o600))
	r := runCLI(t, nil, "fake", "--port-base", "0", "--state", bad)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "credentials.json")
	assert.Contains(t, r.stderr, "remove it")
}

// startFakeOnce starts the fake, reads its announcement and stops it again.
func startFakeOnce(t *testing.T, state string) (fakeAnnouncement, map[string]any) {
	t.Helper()
	var a fakeAnnouncement
	var raw map[string]any
	t.Run("start", func(t *testing.T) {
		args := []string{"--port-base", "0"}
		if state != "" {
			args = append(args, "--state", state)
		}
		a, raw = startFake(t, args...)
	})
	return a, raw
}

func TestFakePortsAndUsage(t *testing.T) {
	// --port-base N: the services on N, N+1, N+2, N+3.
	base := freePortRun(t, 4)
	a, _ := startFake(t, "--port-base", strconv.Itoa(base))
	assert.Equal(t, "http://127.0.0.1:"+strconv.Itoa(base)+"/", a.Maskinporten.Issuer)
	assert.Equal(t, "http://127.0.0.1:"+strconv.Itoa(base+1), a.FIKS.APIBaseURL)
	assert.Equal(t, "http://127.0.0.1:"+strconv.Itoa(base+2), a.SvarUt.BaseURL)
	assert.Equal(t, "http://127.0.0.1:"+strconv.Itoa(base+3), a.EInnsyn.BaseURL)

	// The same ports again: a clear local error, exit 2, nothing left listening.
	r := runCLI(t, nil, "fake", "--port-base", strconv.Itoa(base))
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--port-base")

	for _, args := range [][]string{{"fake", "--port-base", "-1"}, {"fake", "--port-base", "70000"}, {"fake", "extra"}} {
		r := runCLI(t, nil, args...)
		assert.Equal(t, exitUsage, r.code, "%v", args)
	}
}

// freePortRun finds n consecutive free loopback ports.
func freePortRun(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 50; try++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		base := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if base+n > 65535 {
			continue
		}
		ok := true
		for i := 0; i < n; i++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+i))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no run of free ports")
	return 0
}

// TestEInnsynTypeScriptSDK runs Digdir's official eInnsyn TypeScript SDK
// (@digdir/einnsyn-sdk, pinned in scripts/einnsyn-ts-sdk/package-lock.json) unchanged
// against the fake. CI installs it (npm ci); elsewhere the test says how.
func TestEInnsynTypeScriptSDK(t *testing.T) {
	dir, err := filepath.Abs("../../scripts/einnsyn-ts-sdk")
	require.NoError(t, err)
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "node_modules", "@digdir", "einnsyn-sdk", "package.json"))
	}
	if err != nil {
		msg := "the eInnsyn TypeScript SDK is not installed (needs Node.js; run: npm ci --prefix scripts/einnsyn-ts-sdk): " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	_, raw := startFake(t, "--port-base", "0")
	line, err := json.Marshal(raw)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.mjs", string(line))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Contains(t, string(out), "1..8")
	t.Logf("%s", out)
}
