package svarut_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/auth"
	"github.com/fellesklient/fellesklient/fiks"
	"github.com/fellesklient/fellesklient/fiks/fikstest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/svarut"
	"github.com/fellesklient/fellesklient/svarut/svaruttest"
)

func pdf(body string) []byte { return []byte("%PDF-1.7\n" + body + "\n%%EOF\n") }

// receiveAll runs Receive with Save into dir.
func receiveAll(t *testing.T, m *svarut.Mottak, dir string, opts svarut.SaveOptions) (svarut.ReceiveResult, map[string]*svarut.SaveResult) {
	t.Helper()
	saved := map[string]*svarut.SaveResult{}
	res, err := m.Receive(context.Background(), svarut.SaveHandler(dir, opts, func(f *svarut.MottattForsendelse, r *svarut.SaveResult) error {
		saved[f.ID] = r
		return nil
	}))
	require.NoError(t, err)
	return res, saved
}

// readStored returns every document of a stored forsendelse by stored name, and the
// metadata file's mapping.
func readStored(t *testing.T, dir string) (map[string][]byte, map[string]string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		files[e.Name()] = b
	}
	var meta struct {
		ID     string `json:"id"`
		Lagret struct {
			Filer []svarut.SavedFile `json:"filer"`
		} `json:"lagret"`
	}
	require.NoError(t, json.Unmarshal(files[svarut.MetadataFile], &meta), "the metadata file is intact")
	delete(files, svarut.MetadataFile)
	names := map[string]string{}
	for _, f := range meta.Lagret.Filer {
		names[f.Name] = f.Filnavn
	}
	return files, names
}

// Two files with the same name, names that differ only in case, a document named like
// the metadata file, names with path parts, dots and nothing at all: each is stored under
// its own name, every byte of every file is there, and the metadata file is intact.
func TestSaveDistinctNames(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	m := fx.mottak(t)
	dir := t.TempDir()
	filer := []svaruttest.Fil{
		{Filnavn: "vedtak.pdf", Innhold: pdf("første")},
		{Filnavn: "vedtak.pdf", Innhold: pdf("andre")},
		{Filnavn: "VEDTAK.pdf", Innhold: pdf("tredje")},
		{Filnavn: svarut.MetadataFile, Innhold: []byte(`{"ikke":"metadata"}`)},
		{Filnavn: "../../etc/passwd", Innhold: []byte("sti")},
		{Filnavn: ".skjult", Innhold: []byte("punktum")},
		{Filnavn: "", Innhold: []byte("uten navn")},
		{Filnavn: "vedtak (2).pdf", Innhold: pdf("fjerde")},
	}
	zipID := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Tittel: "Mange like navn", Filer: filer})
	oneID := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Tittel: "Bare metadata-navnet",
		Filer: []svaruttest.Fil{{Filnavn: svarut.MetadataFile, Innhold: []byte(`{"dokument":true}`)}}})

	res, saved := receiveAll(t, m, dir, svarut.SaveOptions{CheckStructure: true})
	assert.Equal(t, svarut.ReceiveResult{Kvittert: 2}, counts(t, res))

	files, names := readStored(t, filepath.Join(dir, zipID))
	require.Len(t, files, len(filer), "one stored file per document")
	byContent := map[string]string{}
	for name, b := range files {
		byContent[string(b)] = name
		assert.False(t, strings.HasPrefix(name, "."), name)
	}
	for _, f := range filer {
		name, ok := byContent[string(f.Innhold)]
		require.True(t, ok, "every byte of %q is stored", f.Filnavn)
		assert.Equal(t, f.Filnavn, names[name], "the metadata maps %s back to the sender's name", name)
	}
	assert.Equal(t, []string{"vedtak.pdf", "vedtak (2).pdf", "VEDTAK (3).pdf", "forsendelse (2).json", "passwd", "_skjult", "dokument", "vedtak (2) (2).pdf"},
		storedNames(saved[zipID]))
	assert.True(t, saved[zipID].Verified)

	files, _ = readStored(t, filepath.Join(dir, oneID))
	assert.Equal(t, map[string][]byte{"forsendelse (2).json": []byte(`{"dokument":true}`)}, files)
	for _, f := range fx.fake.Forsendelser() {
		assert.Equal(t, 1, f.Kvitteringer)
	}
}

func randomText(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

func storedNames(r *svarut.SaveResult) []string {
	var out []string
	for _, f := range r.Files {
		out = append(out, f.Name)
	}
	return out
}

// A forsendelse whose file fails (500, not CMS, cut off) first in the queue does not hold
// up the others: each is reported failed for now and stays waiting, every other one is
// received.
func TestMottaPoisonedFirst(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	m := fx.mottak(t)
	dir := t.TempDir()
	var poisoned, good []string
	for _, feil := range []svaruttest.DownloadFault{svaruttest.ServerError, svaruttest.NotCMS, svaruttest.Truncated} {
		poisoned = append(poisoned, fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Tittel: "Forgiftet", Fault: feil,
			Filer: []svaruttest.Fil{{Filnavn: "a.pdf", Innhold: pdf("a")}}}))
	}
	for i := range 3 {
		good = append(good, fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Tittel: "God",
			Filer: []svaruttest.Fil{{Filnavn: "b.pdf", Innhold: pdf(fmt.Sprint(i))}}}))
	}
	res, _ := receiveAll(t, m, dir, svarut.SaveOptions{})
	assert.Equal(t, svarut.ReceiveResult{Kvittert: 3, Feilet: 3}, counts(t, res))
	byID := map[string]svaruttest.Forsendelse{}
	for _, f := range fx.fake.Forsendelser() {
		byID[f.ID] = f
	}
	for _, id := range good {
		assert.Equal(t, 1, byID[id].Kvitteringer)
		_, err := os.Stat(filepath.Join(dir, id, "b.pdf"))
		assert.NoError(t, err)
	}
	for _, id := range poisoned {
		assert.Equal(t, 0, byID[id].Kvitteringer)
		assert.Equal(t, "KLAR_FOR_MOTTAK", byID[id].Status, "not permanent: offered again")
		assert.Len(t, byID[id].Feilmeldinger, 1)
		assert.NoDirExists(t, filepath.Join(dir, id))
	}
	// Permanent when the caller says so.
	pm, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: fx.fake.URL(), Brukernavn: sysID, Passord: sysPw, HTTPClient: fx.fake.HTTPClient(),
		Key: fx.mottakKey(), DownloadFailurePermanent: true})
	require.NoError(t, err)
	res, _ = receiveAll(t, pm, dir, svarut.SaveOptions{})
	assert.Equal(t, svarut.ReceiveResult{Feilet: 3, Permanent: 3}, counts(t, res))
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 3, "only the good ones, no partial files")
}

// A flipped bit in the encrypted file: AES-CBC does not notice. With the SHA-256 SvarInn
// lists it is refused (not acknowledged); without one, a single file is stored and
// acknowledged but counted as unverified; in a zip, the entry's CRC-32 refuses it.
func TestMottaCorruption(t *testing.T) {
	t.Parallel()
	for _, v := range []svarut.APIVersion{svarut.V2, svarut.V1} {
		t.Run(string(v), func(t *testing.T) {
			t.Parallel()
			testMottaCorruption(t, v)
		})
	}
}

func testMottaCorruption(t *testing.T, v svarut.APIVersion) {
	fx := newFixture(t)
	m := fx.mottakVersion(t, v)
	dir := t.TempDir()
	// Incompressible content, so that the middle of the encrypted zip is file data.
	one := []svaruttest.Fil{{Filnavn: "vedtak.pdf", Innhold: pdf(randomText(20000))}}
	two := append(one, svaruttest.Fil{Filnavn: "vedlegg.pdf", Innhold: pdf(randomText(20000))})
	withSum := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Filer: one, Fault: svaruttest.FlippedBit})
	zipWithout := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Filer: two, Fault: svaruttest.FlippedBit, WithoutChecksum: true})
	without := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Filer: one, Fault: svaruttest.FlippedBit, WithoutChecksum: true})
	intact := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Filer: one, WithoutChecksum: true})

	res, saved := receiveAll(t, m, dir, svarut.SaveOptions{CheckStructure: true})
	byID := map[string]svaruttest.Forsendelse{}
	for _, f := range fx.fake.Forsendelser() {
		byID[f.ID] = f
	}
	if v == svarut.V2 {
		// V2 zips even one file: the entry's CRC-32 catches the flipped bit where no
		// SHA-256 is listed.
		assert.Equal(t, svarut.ReceiveResult{Kvittert: 1, Unverified: 1, Feilet: 3}, counts(t, res))
		for _, id := range []string{withSum, zipWithout, without} {
			assert.Equal(t, 0, byID[id].Kvitteringer)
			assert.NoDirExists(t, filepath.Join(dir, id))
			assert.Contains(t, byID[id].Feilmeldinger[0], "zip entry")
		}
		assert.Equal(t, 1, byID[intact].Kvitteringer)
		assert.False(t, saved[intact].Verified, "the result says it is unverified")
		return
	}
	assert.Equal(t, svarut.ReceiveResult{Kvittert: 2, Unverified: 2, Feilet: 2}, counts(t, res))
	for _, id := range []string{withSum, zipWithout} {
		assert.Equal(t, 0, byID[id].Kvitteringer)
		assert.NoDirExists(t, filepath.Join(dir, id))
	}
	assert.Contains(t, byID[withSum].Feilmeldinger[0], "SHA-256")
	assert.Contains(t, byID[zipWithout].Feilmeldinger[0], "zip entry", "the CRC-32 or the deflate stream of an entry fails")
	for _, id := range []string{without, intact} {
		assert.Equal(t, 1, byID[id].Kvitteringer)
		assert.False(t, saved[id].Verified, "the result says it is unverified")
	}
}

// A name longer than the file system allows is a permanent failure whose message (sent to
// SvarInn) holds no local path.
func TestMottaNameTooLong(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	m := fx.mottak(t)
	dir := t.TempDir()
	id := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID,
		Filer: []svaruttest.Fil{{Filnavn: strings.Repeat("lang", 80) + ".pdf", Innhold: pdf("x")}}})
	res, _ := receiveAll(t, m, dir, svarut.SaveOptions{})
	assert.Equal(t, svarut.ReceiveResult{Feilet: 1, Permanent: 1}, counts(t, res))
	for _, f := range fx.fake.Forsendelser() {
		require.Equal(t, id, f.ID)
		assert.Equal(t, "IKKE_LEVERT", f.Status)
		require.Len(t, f.Feilmeldinger, 1)
		assert.NotContains(t, f.Feilmeldinger[0], dir)
		assert.NotContains(t, f.Feilmeldinger[0], "/")
	}
	entries, _ := os.ReadDir(dir)
	assert.Empty(t, entries)
}

// TestMottaKilled: a real child process is killed with SIGKILL while it writes a
// document and again between storing a forsendelse and acknowledging it. The next run
// removes the partial plaintext, receives everything, stores every document once, and
// acknowledges each forsendelse once.
func TestMottaKilled(t *testing.T) {
	t.Parallel()
	if os.Getenv("SVARINN_CHILD") != "" {
		t.Skip("the child's own run")
	}
	fx := newFixtureWith(t, svaruttest.Options{Plain: true}) // the child cannot be given the test CA
	dir := t.TempDir()
	big := pdf(randomText(1_500_000)) // incompressible: V2 zips it, and the stall is at 1 MiB
	first := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Filer: []svaruttest.Fil{{Filnavn: "stor.pdf", Innhold: big}}})
	second := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Filer: []svaruttest.Fil{{Filnavn: "liten.pdf", Innhold: pdf("liten")}}})
	keyFile := filepath.Join(t.TempDir(), "key.json")
	require.NoError(t, os.WriteFile(keyFile, fx.childConfig(t), 0o600))

	for _, stage := range []string{"while-writing", "before-ack"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestMottaChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SVARINN_CHILD="+stage, "SVARINN_DIR="+dir, "SVARINN_CONFIG="+keyFile)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		sc := bufio.NewScanner(out)
		reached := false
		for sc.Scan() {
			if sc.Text() == "REACHED "+stage {
				reached = true
				break
			}
		}
		require.True(t, reached, "the child reached %s", stage)
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()
		if stage == "while-writing" {
			assert.NotZero(t, partialBytes(t, dir), "the killed run left partial plaintext (the test kills at the right moment)")
		}
	}
	for _, f := range fx.fake.Forsendelser() {
		assert.Zero(t, f.Kvitteringer, "nothing acknowledged by the killed runs")
	}
	assert.DirExists(t, filepath.Join(dir, first), "stored but not acknowledged by the second killed run")

	res, _ := receiveAll(t, fx.mottak(t), dir, svarut.SaveOptions{CheckStructure: true})
	assert.Equal(t, 2, res.Kvittert)
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{first, second}, names, "no partial files left")
	got, err := os.ReadFile(filepath.Join(dir, first, "stor.pdf"))
	require.NoError(t, err)
	assert.Equal(t, big, got)
	files, _ := readStored(t, filepath.Join(dir, second))
	assert.Len(t, files, 1)
	for _, f := range fx.fake.Forsendelser() {
		assert.Equal(t, 1, f.Kvitteringer)
	}
}

// TestMottaChild is the child of TestMottaKilled: it receives into SVARINN_DIR and stops
// dead (waits to be killed) at the stage named by SVARINN_CHILD.
func TestMottaChild(t *testing.T) {
	t.Parallel()
	stage := os.Getenv("SVARINN_CHILD")
	if stage == "" {
		t.Skip("run by TestMottaKilled")
	}
	var cfg childConfig
	b, err := os.ReadFile(os.Getenv("SVARINN_CONFIG"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &cfg))
	key, err := kryptering.ParseKey(cfg.Key, "")
	require.NoError(t, err)
	hc := &http.Client{}
	if stage == "while-writing" {
		// The download stalls after 1 MiB, with part of the plaintext written.
		hc.Transport = stallingTransport{after: 1 << 20, stage: stage}
	}
	m, err := svarut.NewMottak(svarut.MottakOptions{BaseURL: cfg.URL, Brukernavn: sysID, Passord: sysPw, Key: key, HTTPClient: hc})
	require.NoError(t, err)
	_, _ = m.Receive(context.Background(), svarut.SaveHandler(os.Getenv("SVARINN_DIR"), svarut.SaveOptions{}, func(*svarut.MottattForsendelse, *svarut.SaveResult) error {
		if stage == "before-ack" {
			fmt.Println("REACHED " + stage)
			select {}
		}
		return nil
	}))
	t.Fatal("the child should have been killed")
}

type childConfig struct {
	URL string
	Key []byte
}

func (f *fixture) childConfig(t *testing.T) []byte {
	k := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(f.key)})
	k = append(k, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: f.cert.Raw})...)
	b, err := json.Marshal(childConfig{URL: f.fake.URL(), Key: k})
	require.NoError(t, err)
	return b
}

func (f *fixture) mottakKey() kryptering.Key {
	return kryptering.Key{Decrypter: f.key, Certificate: f.cert}
}

// stallingTransport hands out a download's first bytes, says so on stdout, and blocks.
type stallingTransport struct {
	after int64
	stage string
}

func (s stallingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	download := strings.Contains(r.URL.Path, "/forsendelse/") || strings.Contains(r.URL.Path, "/v2/forsendelser/") // V1, V2
	if err == nil && download {
		resp.Body = &stallingBody{ReadCloser: resp.Body, left: s.after, stage: s.stage}
	}
	return resp, err
}

type stallingBody struct {
	io.ReadCloser
	left  int64
	stage string
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		fmt.Println("REACHED " + b.stage)
		select {}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}

// partialBytes is the size of the files under dir's ".svarinn-" entries.
func partialBytes(t *testing.T, dir string) int64 {
	var n int64
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".svarinn-") {
			continue
		}
		_ = filepath.WalkDir(filepath.Join(dir, e.Name()), func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				if fi, err := d.Info(); err == nil {
					n += fi.Size()
				}
			}
			return nil
		})
	}
	return n
}

func dropAfterPost() fikstest.Fault {
	return svaruttest.Fault{DropAfter: true, Match: func(r *http.Request) bool { return r.Method == http.MethodPost }}
}

// Letter A is sent with a reference; letter B reuses it and its answer is lost. Send must
// not return A's id as B's: it reports a reference conflict (an unknown outcome), never
// success.
func TestSendReusedReference(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	c := fx.client(t, nil)
	ctx := context.Background()
	a := brev(svarut.Bytes("a.pdf", pdf("brev A")))
	a.EksternReferanse = "sak-2026-17"
	resA, err := c.Send(ctx, a)
	require.NoError(t, err)

	// B's body never reaches SvarUt: only A carries the reference.
	b := brev(svarut.Bytes("b.pdf", pdf("brev B")))
	b.EksternReferanse = "sak-2026-17"
	fx.fake.FailNext(1, http.StatusServiceUnavailable, 0)
	_, err = c.Send(ctx, b)
	var rce *svarut.ReferenceConflictError
	require.ErrorAs(t, err, &rce)
	assert.ErrorIs(t, err, svarut.ErrReferenceConflict)
	assert.ErrorIs(t, err, svarut.ErrUnknownOutcome)
	assert.Equal(t, []string{resA.ID}, rce.Found)

	// Same name, other content: still not A.
	b2 := brev(svarut.Bytes("a.pdf", pdf("brev B, samme filnavn")))
	b2.EksternReferanse = "sak-2026-17"
	fx.fake.FailNext(1, http.StatusBadGateway, 0)
	_, err = c.Send(ctx, b2)
	require.ErrorIs(t, err, svarut.ErrReferenceConflict)

	// B stored, answer lost: B (not A) is found among the two.
	fx.fake.InjectFault(dropAfterPost())
	resB, err := c.Send(ctx, b)
	require.NoError(t, err)
	assert.True(t, resB.Gjenbrukt)
	assert.NotEqual(t, resA.ID, resB.ID)
	assert.Len(t, fx.fake.Forsendelser(), 2)
}

// A lookup answered 200 without forsendelseIds, or not JSON of that shape, is no answer:
// the outcome is unknown and nothing is sent again.
func TestSendLookupWrongShape(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{`{}`, `{"forsendelseIds":null}`, `{"forsendelseIds":["ikke-en-uuid"]}`, `[]`, `{"forsendelseIds":"x"}`} {
		t.Run(answer, func(t *testing.T) {
			fx := newFixtureWith(t, svaruttest.Options{LookupAnswer: answer})
			c := fx.client(t, func(o *svarut.Options) { o.Resend = true })
			fx.fake.FailNext(1, http.StatusServiceUnavailable, 0)
			_, err := c.Send(context.Background(), brev())
			require.ErrorIs(t, err, svarut.ErrUnknownOutcome)
			assert.Empty(t, fx.fake.Forsendelser(), "not sent again")
		})
	}
}

// SvarUt lists a stored forsendelse only 6 s after it stored it; the answer to the send
// was lost. With the default lookup window Send finds it: exactly one forsendelse.
func TestSendLateListing(t *testing.T) {
	t.Parallel()
	fx := newFixtureWith(t, svaruttest.Options{ListDelay: 6 * time.Second})
	c := fx.client(t, func(o *svarut.Options) { o.LookupWindow = 0; o.LookupDelay = 0; o.Resend = true }) // the defaults
	fx.fake.InjectFault(dropAfterPost())
	start := time.Now()
	res, err := c.Send(context.Background(), brev())
	require.NoError(t, err)
	assert.True(t, res.Gjenbrukt)
	assert.Len(t, fx.fake.Forsendelser(), 1, "exactly one forsendelse")
	t.Logf("found after %s", time.Since(start).Round(100*time.Millisecond))
}

// countingSource is a token source that counts invalidations.
type countingSource struct {
	auth.TokenSource
	invalidated atomic.Int32
}

func (c *countingSource) Invalidate(*auth.Token) { c.invalidated.Add(1) }

// A 401 for wrong integration credentials does not invalidate the token (a new one cannot
// help) and is not retried; a 401 that rejects the token does and is.
func TestIntegrasjon401KeepsToken(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	src := &countingSource{TokenSource: fx.tokens}
	c := fx.client(t, func(o *svarut.Options) {
		o.Credentials.Token = src
		o.Credentials.IntegrasjonPassord = "galt-passord"
	})
	before := fx.fake.Requests()
	_, err := c.Statuser(context.Background(), uuid.NewString())
	require.ErrorIs(t, err, fiks.ErrIntegrasjonRejected)
	assert.Zero(t, src.invalidated.Load())
	assert.Equal(t, 1, fx.fake.Requests()-before, "not retried")

	bad := &countingSource{TokenSource: auth.Static("ikke-et-gyldig-token")}
	c = fx.client(t, func(o *svarut.Options) { o.Credentials.Token = bad })
	_, err = c.Statuser(context.Background(), uuid.NewString())
	require.ErrorIs(t, err, fiks.ErrTokenRejected)
	assert.Equal(t, int32(1), bad.invalidated.Load())
}

// A folder that is missing (or is a file) is this machine's fault, not the
// forsendelse's: Receive reports nothing to SvarInn (the forsendelse stays waiting),
// stops with an error that matches ErrLocal and names the path, and lists the
// forsendelse as not handled. After the fault is mended it is received.
func TestLocalFaultNotReported(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	m := fx.mottak(t)
	id := fx.fake.AddInnkommende(svaruttest.Innkommende{Mottakersystem: sysID, Tittel: "Vedtak", Filer: []svaruttest.Fil{{Filnavn: "vedtak.pdf", Innhold: pdf("x")}}})
	missing := filepath.Join(t.TempDir(), "finnes-ikke")
	file := filepath.Join(t.TempDir(), "en-fil")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	for _, dir := range []string{missing, file} {
		res, err := m.Receive(context.Background(), svarut.SaveHandler(dir, svarut.SaveOptions{}, nil))
		require.Error(t, err)
		assert.ErrorIs(t, err, svarut.ErrLocal)
		assert.Contains(t, err.Error(), dir, "the cause names the folder")
		assert.Equal(t, svarut.ReceiveResult{}, counts(t, res))
		require.Len(t, res.Forsendelser, 1)
		assert.Equal(t, svarut.IkkeBehandlet, res.Forsendelser[0].Utfall)
		assert.ErrorIs(t, res.Forsendelser[0].Err, svarut.ErrLocal)
		for _, f := range fx.fake.Forsendelser() {
			if f.ID == id {
				assert.Equal(t, "KLAR_FOR_MOTTAK", f.Status, "nothing was reported to SvarInn")
			}
		}
	}
	require.NoError(t, os.Mkdir(missing, 0o700))
	res, _ := receiveAll(t, m, missing, svarut.SaveOptions{})
	assert.Equal(t, svarut.ReceiveResult{Kvittert: 1}, counts(t, res))
	assert.Equal(t, id, res.Forsendelser[0].ID)
	assert.ErrorIs(t, svarut.Local(errors.New("x")), svarut.ErrLocal)
	assert.Nil(t, svarut.Local(nil))
}
