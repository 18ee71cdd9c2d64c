package main

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"software.sslmate.com/src/go-pkcs12"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/maskinporten/maskinportentest"
)

type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), e, args)
	return result{code, out.String(), errb.String()}
}

func TestMaskinportenToken(t *testing.T) {
	s := maskinportentest.NewServer(t, maskinportentest.Options{Plain: true})
	dir := t.TempDir()
	key := testutil.Key(t, 2048, 0)
	s.AddClient(maskinportentest.Client{ID: "cli", Org: "910000020", Scopes: []string{"ks:fiks", "a:b"}, Keys: map[string]*rsa.PublicKey{"kid-cli": &key.PublicKey}})

	pemFile := filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	key.Precompute()
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	jwk, _ := json.Marshal(map[string]string{"kty": "RSA", "kid": "kid-cli", "n": b64(key.N.Bytes()), "e": "AQAB", "d": b64(key.D.Bytes()),
		"p": b64(key.Primes[0].Bytes()), "q": b64(key.Primes[1].Bytes()), "dp": b64(key.Precomputed.Dp.Bytes()),
		"dq": b64(key.Precomputed.Dq.Bytes()), "qi": b64(key.Precomputed.Qinv.Bytes())})
	jwkFile := filepath.Join(dir, "key.json")
	require.NoError(t, os.WriteFile(jwkFile, jwk, 0o600))

	certKey := testutil.Key(t, 2048, 1)
	cert := testutil.Cert(t, certKey, "CLI kommune", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	s.AddClient(maskinportentest.Client{ID: "cli-cert", Org: "910000020", Scopes: []string{"ks:fiks"}, Certificates: []*x509.Certificate{cert}})
	p12, err := pkcs12.Modern.Encode(certKey, cert, nil, "p12-hemmelig")
	require.NoError(t, err)
	p12File := filepath.Join(dir, "virksomhet.p12")
	require.NoError(t, os.WriteFile(p12File, p12, 0o600))

	issuer := s.URL() + "/"
	t.Run("PEM with kid", func(t *testing.T) {
		r := runCLI(t, nil, "maskinporten", "token", "--issuer", issuer, "--client-id", "cli", "--scope", "ks:fiks a:b", "--key", pemFile, "--kid", "kid-cli")
		require.Equal(t, 0, r.code, r.stderr)
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &out))
		assert.Equal(t, "Bearer", out["token_type"])
		assert.Equal(t, "ks:fiks a:b", out["scope"])
		assert.InDelta(t, 120, out["expires_in"], 2)
		_, err := s.VerifyToken(out["access_token"].(string))
		assert.NoError(t, err)
	})
	t.Run("JWK", func(t *testing.T) {
		r := runCLI(t, nil, "maskinporten", "token", "--issuer", issuer, "--client-id", "cli", "--scope", "ks:fiks", "--key", jwkFile, "--alg", "RS512")
		require.Equal(t, 0, r.code, r.stderr)
	})
	t.Run("raw", func(t *testing.T) {
		r := runCLI(t, nil, "maskinporten", "token", "--raw", "--issuer", issuer, "--client-id", "cli", "--scope", "ks:fiks", "--key", jwkFile)
		require.Equal(t, 0, r.code, r.stderr)
		require.True(t, strings.HasSuffix(r.stdout, "\n"))
		_, err := s.VerifyToken(strings.TrimSuffix(r.stdout, "\n"))
		assert.NoError(t, err, "stdout is the token and nothing else")
	})
	t.Run("raw", func(t *testing.T) {
		r := runCLI(t, nil, "maskinporten", "token", "--raw", "--issuer", issuer, "--client-id", "cli", "--scope", "ks:fiks", "--key", jwkFile)
		require.Equal(t, 0, r.code, r.stderr)
		require.True(t, strings.HasSuffix(r.stdout, "\n"))
		_, err := s.VerifyToken(strings.TrimSuffix(r.stdout, "\n"))
		assert.NoError(t, err, "stdout is the token and nothing else")
	})
	t.Run("p12", func(t *testing.T) {
		r := runCLI(t, map[string]string{"P12_PW": "p12-hemmelig"}, "maskinporten", "token", "--issuer", issuer, "--client-id", "cli-cert", "--scope", "ks:fiks", "--key", p12File, "--p12-password-env", "P12_PW")
		require.Equal(t, 0, r.code, r.stderr)
	})
	t.Run("wrong p12 password", func(t *testing.T) {
		r := runCLI(t, map[string]string{"P12_PW": "feil-passord"}, "maskinporten", "token", "--issuer", issuer, "--client-id", "cli-cert", "--scope", "ks:fiks", "--key", p12File, "--p12-password-env", "P12_PW")
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "password is wrong")
		assert.NotContains(t, r.stderr, "feil-passord")
		assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line")
		assert.Empty(t, r.stdout)
	})
	t.Run("service says no", func(t *testing.T) {
		r := runCLI(t, nil, "maskinporten", "token", "--issuer", issuer, "--client-id", "cli", "--scope", "not:registered", "--key", jwkFile)
		assert.Equal(t, 1, r.code)
		assert.Contains(t, r.stderr, "MP-200")
	})
	usage := [][]string{
		{"maskinporten", "token", "--client-id", "cli", "--scope", "a", "--key", pemFile},
		{"maskinporten", "token", "--issuer", issuer, "--scope", "a", "--key", pemFile},
		{"maskinporten", "token", "--issuer", issuer, "--client-id", "cli", "--key", pemFile},
		{"maskinporten", "token", "--issuer", issuer, "--client-id", "cli", "--scope", "a"},
		{"maskinporten", "token", "--issuer", "http://maskinporten.example.no/", "--client-id", "cli", "--scope", "a", "--key", pemFile},
		{"maskinporten", "token", "--issuer", issuer, "--client-id", "cli", "--scope", "a", "--key", filepath.Join(dir, "missing.pem")},
		{"maskinporten", "token", "--issuer", issuer, "--client-id", "cli", "--scope", "a", "--key", p12File, "--p12-password-env", "UNSET"},
		{"maskinporten", "token", "--bogus"},
		{"maskinporten", "nope"},
		{},
	}
	for _, args := range usage {
		r := runCLI(t, nil, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
	}
	r := runCLI(t, nil, "help")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "maskinporten")
}

func TestMaskinportenMetadata(t *testing.T) {
	s := maskinportentest.NewServer(t, maskinportentest.Options{Plain: true})
	r := runCLI(t, nil, "maskinporten", "metadata", "--issuer", s.URL()+"/")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "token endpoint:  "+s.URL()+"/token")
	r = runCLI(t, nil, "maskinporten", "metadata", "--issuer", s.URL()+"/", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var md map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &md))
	assert.Equal(t, s.URL()+"/", md["issuer"])
	r = runCLI(t, nil, "maskinporten", "metadata", "--issuer", "http://127.0.0.1:1/")
	assert.Equal(t, 1, r.code, "the service did not answer")
}

// TestConventionFlags parses the shared flags as every service command will.
func TestConventionFlags(t *testing.T) {
	e := &env{stderr: &bytes.Buffer{}}
	fs := newFlagSet(e, "x")
	var sf serviceFlags
	var of outputFlags
	sf.register(fs)
	of.register(fs)
	require.NoError(t, parseFlags(fs, []string{"--env", "prod", "--json"}))
	assert.True(t, of.json)
	u, err := sf.resolve("https://t", "https://p")
	require.NoError(t, err)
	assert.Equal(t, "https://p", u)
}

func TestServiceFlags(t *testing.T) {
	sf := serviceFlags{env: "prod"}
	u, err := sf.resolve("https://t", "https://p")
	require.NoError(t, err)
	assert.Equal(t, "https://p", u)
	sf = serviceFlags{env: "test", baseURL: "http://127.0.0.1:9/x/"}
	u, err = sf.resolve("https://t", "https://p")
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9/x", u)
	for _, bad := range []serviceFlags{{env: "stage"}, {baseURL: "http://example.no"}} {
		_, err := bad.resolve("https://t", "https://p")
		var ee *exitError
		require.ErrorAs(t, err, &ee)
		assert.Equal(t, exitUsage, ee.code)
	}
	tf := tokenFlags{}
	ts, err := tf.tokenSource(&env{getenv: func(k string) string {
		if k == "MASKINPORTEN_TOKEN" {
			return "from-env"
		}
		return ""
	}})
	require.NoError(t, err)
	tok, err := ts.Token(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "from-env", tok.Value)
}

func TestID(t *testing.T) {
	r := runCLI(t, nil, "id", "13097248022", "974 760 673", "53097248016")
	assert.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "130972*****\tfoedselsnummer")
	assert.Contains(t, r.stdout, "974760673\torganisasjonsnummer")
	assert.NotContains(t, r.stdout, "48022")

	r = runCLI(t, nil, "id", "--json", "13097248023", "974760673")
	assert.Equal(t, 1, r.code)
	assert.NotContains(t, r.stdout+r.stderr, "13097248023")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 2)
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Equal(t, false, first["valid"])
	assert.Contains(t, first["reason"], "check digit")

	assert.Equal(t, 2, runCLI(t, nil, "id").code)
}

func runCLIStdin(t *testing.T, stdin []byte, vars map[string]string, args ...string) (int, []byte, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: bytes.NewReader(stdin), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code := run(context.Background(), e, args)
	return code, out.Bytes(), errb.String()
}

func TestKryptering(t *testing.T) {
	dir := t.TempDir()
	key := testutil.Key(t, 2048, 3)
	cert := testutil.Cert(t, key, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	crt := filepath.Join(dir, "m.crt")
	require.NoError(t, os.WriteFile(crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	kf := filepath.Join(dir, "m.key")
	require.NoError(t, os.WriteFile(kf, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: mustPKCS8(t, key)}), 0o600))
	p12, err := pkcs12.Modern.Encode(key, cert, nil, "pw")
	require.NoError(t, err)
	p12f := filepath.Join(dir, "m.p12")
	require.NoError(t, os.WriteFile(p12f, p12, 0o600))

	plain := bytes.Repeat([]byte("vedtak om tildeling av barnehageplass\n"), 3000)
	code, ct, stderr := runCLIStdin(t, plain, nil, "kryptering", "encrypt", "--cert", crt)
	require.Equal(t, 0, code, stderr)
	code, got, stderr := runCLIStdin(t, ct, nil, "kryptering", "decrypt", "--key", kf)
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, plain, got)
	code, got, stderr = runCLIStdin(t, ct, map[string]string{"PW": "pw"}, "kryptering", "decrypt", "--key", p12f, "--p12-password-env", "PW")
	require.Equal(t, 0, code, stderr)
	assert.Equal(t, plain, got)

	code, _, stderr = runCLIStdin(t, ct[:len(ct)-30], nil, "kryptering", "decrypt", "--key", kf)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "discard the output")
	other := testutil.Key(t, 2048, 4)
	of := filepath.Join(dir, "o.key")
	require.NoError(t, os.WriteFile(of, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(other)}), 0o600))
	code, _, stderr = runCLIStdin(t, ct, nil, "kryptering", "decrypt", "--key", of)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "not encrypted to this key")
	code, _, _ = runCLIStdin(t, ct, map[string]string{"PW": "feil"}, "kryptering", "decrypt", "--key", p12f, "--p12-password-env", "PW")
	assert.Equal(t, 1, code)

	// --out: the plaintext appears only when the whole message decrypted and checked.
	outFile := filepath.Join(dir, "brev.txt")
	code, got, stderr = runCLIStdin(t, ct, nil, "kryptering", "decrypt", "--key", kf, "--out", outFile)
	require.Equal(t, 0, code, stderr)
	assert.Empty(t, got, "nothing on stdout")
	b, err := os.ReadFile(outFile)
	require.NoError(t, err)
	assert.Equal(t, plain, b)
	spoilt := filepath.Join(dir, "spoilt.txt")
	code, _, stderr = runCLIStdin(t, ct[:len(ct)-30], nil, "kryptering", "decrypt", "--key", kf, "--out", spoilt)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "was not written")
	_, err = os.Stat(spoilt)
	assert.ErrorIs(t, err, os.ErrNotExist, "no partial plaintext")
	entries, _ := os.ReadDir(dir)
	for _, en := range entries {
		assert.NotContains(t, en.Name(), ".partial-", "the temporary file is gone")
	}
	code, _, stderr = runCLIStdin(t, plain, nil, "kryptering", "encrypt", "--cert", crt, "--out", filepath.Join(dir, "brev.cms"))
	require.Equal(t, 0, code, stderr)
	// Binary to a terminal is refused without --force.
	var tout, terr bytes.Buffer
	tty := &env{stdin: bytes.NewReader(ct), stdout: &tout, stderr: &terr, getenv: func(string) string { return "" }, stdoutTTY: true}
	assert.Equal(t, 2, run(context.Background(), tty, []string{"kryptering", "decrypt", "--key", kf}))
	assert.Contains(t, terr.String(), "--out FILE")
	assert.Zero(t, tout.Len())
	tty.stdin = bytes.NewReader(ct)
	assert.Equal(t, 0, run(context.Background(), tty, []string{"kryptering", "decrypt", "--key", kf, "--force"}))
	assert.Equal(t, plain, tout.Bytes())

	for _, args := range [][]string{
		{"kryptering", "encrypt"},
		{"kryptering", "encrypt", "--cert", filepath.Join(dir, "missing.crt")},
		{"kryptering", "decrypt"},
		{"kryptering", "decrypt", "--key", filepath.Join(dir, "missing.key")},
	} {
		code, _, stderr := runCLIStdin(t, nil, nil, args...)
		assert.Equal(t, 2, code, "%v: %s", args, stderr)
	}
}

func mustPKCS8(t *testing.T, k any) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	return b
}

// Every subcommand's --help says what it does, its arguments, the environment it reads
// and gives an example; it exits 0. A wrong or missing subcommand is a usage error, said
// once.
func TestEveryHelp(t *testing.T) {
	var walk func(c *command, path []string)
	n := 0
	walk = func(c *command, path []string) {
		if c.run != nil {
			n++
			r := runCLI(t, nil, append(path[1:], "--help")...)
			name := strings.Join(path, " ")
			assert.Equal(t, 0, r.code, name)
			for _, want := range []string{"usage: " + name, "Flags:", "Environment:", "Example:\n  "} {
				assert.Contains(t, r.stderr, want, "%s --help", name)
			}
			_, example, _ := strings.Cut(r.stderr, "Example:\n")
			assert.Contains(t, example, name, "the example runs the command")
			usage, _, _ := strings.Cut(strings.TrimPrefix(r.stderr, "usage: "), "\n")
			purpose := strings.SplitN(r.stderr, "\n\n", 3)
			assert.GreaterOrEqual(t, len(purpose), 2, name)
			assert.NotEmpty(t, strings.TrimSpace(usage), name)
			return
		}
		for _, s := range c.subs {
			walk(s, append(append([]string(nil), path...), s.name))
		}
	}
	walk(commands(), []string{"fellesklient"})
	assert.Greater(t, n, 25)

	r := runCLI(t, nil)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "fellesklient: missing subcommand")
	assert.NotContains(t, r.stderr, "fellesklient: fellesklient")
	r = runCLI(t, nil, "svarut", "nope")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "fellesklient svarut: unknown subcommand \"nope\"")
	assert.NotContains(t, r.stderr, "fellesklient: fellesklient")

	for _, args := range [][]string{{"version"}, {"--version"}} {
		r = runCLI(t, nil, args...)
		assert.Equal(t, 0, r.code)
		assert.Regexp(t, `^fellesklient \S+.* go1\.\d+`, r.stdout)
	}
	r = runCLI(t, nil, "version", "--json")
	assert.Contains(t, r.stdout, `"go": "go1.`)
}

// An issuer URL without its trailing slash is Maskinporten's issuer all the same; a .p12
// without a password says which flag gives it; a missing key file is named.
func TestIssuerAndKeyErrors(t *testing.T) {
	assert.Equal(t, "https://test.maskinporten.no/", issuerURL("https://test.maskinporten.no"))
	assert.Equal(t, "https://test.maskinporten.no/", issuerURL("https://test.maskinporten.no/"))
	assert.Equal(t, "test", issuerURL("test"))
	assert.Equal(t, "http://127.0.0.1:8080/mp", issuerURL("http://127.0.0.1:8080/mp"))

	s := maskinportentest.NewServer(t, maskinportentest.Options{Plain: true})
	key := testutil.Key(t, 2048, 0)
	s.AddClient(maskinportentest.Client{ID: "cli", Org: "910000020", Scopes: []string{"ks:fiks"}, Keys: map[string]*rsa.PublicKey{"kid-cli": &key.PublicKey}})
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(pemFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	r := runCLI(t, nil, "maskinporten", "token", "--raw", "--issuer", s.URL(), "--client-id", "cli", "--scope", "ks:fiks", "--key", pemFile, "--kid", "kid-cli")
	require.Equal(t, 0, r.code, r.stderr)

	p12 := filepath.Join(dir, "virksomhet.p12")
	require.NoError(t, os.WriteFile(p12, []byte{0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03}, 0o600))
	r = runCLI(t, nil, "maskinporten", "token", "--issuer", "test", "--client-id", "cli", "--scope", "ks:fiks", "--key", p12)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "--p12-password-env")
	r = runCLI(t, nil, "maskinporten", "token", "--issuer", "test", "--client-id", "cli", "--scope", "ks:fiks", "--key", filepath.Join(dir, "mangler.pem"))
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "mangler.pem")
}

// Progress is drawn on stderr only when stderr is a terminal, and not with --quiet; it
// never reaches stdout.
func TestProgressOnATerminal(t *testing.T) {
	dir := t.TempDir()
	key := testutil.Key(t, 2048, 3)
	cert := testutil.Cert(t, key, "mottaker", "910000020", nil, nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), false)
	crt := filepath.Join(dir, "m.crt")
	require.NoError(t, os.WriteFile(crt, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	plain := bytes.Repeat([]byte("x"), 4<<20)
	in := filepath.Join(dir, "in.bin")
	require.NoError(t, os.WriteFile(in, plain, 0o600))
	runTTY := func(args ...string) (string, int) {
		f, err := os.Open(in)
		require.NoError(t, err)
		defer f.Close()
		var out, errb bytes.Buffer
		e := &env{stdin: f, stdout: &out, stderr: &errb, getenv: func(string) string { return "" }, stderrTTY: true}
		code := run(context.Background(), e, args)
		return errb.String(), code
	}
	stderr, code := runTTY("kryptering", "encrypt", "--cert", crt, "--out", filepath.Join(dir, "a.cms"))
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "encrypting")
	assert.Regexp(t, `[kMG]B/s`, stderr, "a byte rate shown")
	stderr, code = runTTY("kryptering", "encrypt", "--cert", crt, "--quiet", "--out", filepath.Join(dir, "b.cms"))
	require.Equal(t, 0, code)
	assert.Empty(t, stderr)
	code, _, stderr = runCLIStdin(t, plain, nil, "kryptering", "encrypt", "--cert", crt, "--out", filepath.Join(dir, "c.cms"))
	require.Equal(t, 0, code)
	assert.Empty(t, stderr, "not a terminal: quiet")

	// The demo package counts journalposter; validating a folder shows the bytes checked.
	pkg := filepath.Join(dir, "avlevering")
	stderr, code = runTTY("noark5", "demo-uttrekk", "--registreringer", "2000", "--out", pkg)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "writing journalposter")
	assert.Contains(t, stderr, "2000/2000")
	stderr, code = runTTY("noark5", "validate", pkg)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "checking")
	assert.Contains(t, stderr, "100%")
	stderr, code = runTTY("noark5", "validate", "--quiet", pkg)
	require.Equal(t, 0, code, stderr)
	assert.NotContains(t, stderr, "checking")
}

// /dev/null is a character device but not a terminal: `> /dev/null` is not refused as
// binary output to a terminal, and draws no progress.
func TestDevNullIsNotATerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f))
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(w))
}
