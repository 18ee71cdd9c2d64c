package fiksio_test

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
	"github.com/fellesklient/fellesklient/fiks/kryptering"
	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	avsenderID = fiksiotest.NewIdentity("Testkommune fagsystem", "910000001")
	mottakerID = fiksiotest.NewIdentity("Testkommune arkiv", "910000002")
)

func openssl(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(testutil.Tool(t, "openssl"), args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "openssl %s: %s", strings.Join(args, " "), out)
	return out
}

func containerOf(t *testing.T, filer ...fiksio.Fil) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, fiksio.WriteContainer(&buf, filer, avsenderID.Key, []*x509.Certificate{avsenderID.Certificate}))
	return buf.Bytes()
}

// What Send writes (ASiC-E, then CMS to the receiver) is what OpenSSL and an ASiC-E
// reader expect: openssl cms -decrypt opens it, the first entry is the stored mimetype,
// the manifest digests match the files, and openssl cms -verify verifies the signature
// over the manifest with the sender's certificate as trust anchor.
func TestContainerReadByOpenSSL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, mottakerPEM, err := mottakerID.WritePEM(dir, "mottaker")
	require.NoError(t, err)
	mkey, _, err := mottakerID.WritePEM(dir, "mottaker")
	require.NoError(t, err)
	_, avsenderPEM, err := avsenderID.WritePEM(dir, "avsender")
	require.NoError(t, err)
	arkivmelding := []byte(`<?xml version="1.0" encoding="utf-8"?><arkivmelding xmlns="https://ks-no.github.io/standarder/fiks-protokoll/fiks-arkiv/arkivmelding/opprett/v1"/>`)
	vedlegg := bytes.Repeat([]byte("vedtak æøå "), 100000)
	foto := make([]byte, 300000) // incompressible: stored, with its CRC-32 and size in the local header
	_, _ = rand.Read(foto)
	plain := containerOf(t, fiksio.Bytes("arkivmelding.xml", arkivmelding), fiksio.Bytes("vedlegg/vedtak.pdf", vedlegg),
		fiksio.Path("foto.jpg", writeTemp(t, foto)))

	var enc bytes.Buffer
	w, err := kryptering.NewEncrypter(&enc, kryptering.EncryptOptions{Recipients: []*x509.Certificate{mottakerID.Certificate}})
	require.NoError(t, err)
	_, err = w.Write(plain)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "melding.cms"), enc.Bytes(), 0o600))
	openssl(t, dir, "cms", "-decrypt", "-binary", "-inform", "DER", "-in", "melding.cms", "-inkey", mkey, "-recip", mottakerPEM, "-out", "melding.asice")
	zipped, err := os.ReadFile(filepath.Join(dir, "melding.asice"))
	require.NoError(t, err)
	require.Equal(t, plain, zipped)

	// The raw bytes begin with the stored mimetype entry (a reader may sniff it).
	require.Equal(t, "PK\x03\x04", string(zipped[:4]))
	require.Equal(t, "mimetype"+fiksio.MimetypeASiCE, string(zipped[30:30+8+len(fiksio.MimetypeASiCE)]))
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	require.NoError(t, err)
	require.Equal(t, "mimetype", zr.File[0].Name)
	require.Equal(t, zip.Store, zr.File[0].Method)
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		files[f.Name] = b
	}
	manifest := string(files["META-INF/ASiCManifest.xml"])
	require.Contains(t, manifest, `xmlns="http://uri.etsi.org/02918/v1.2.1#"`)
	methods := map[string]uint16{}
	for _, f := range zr.File {
		methods[f.Name] = f.Method
	}
	assert.Equal(t, zip.Store, methods["foto.jpg"], "an incompressible file is stored")
	assert.Equal(t, zip.Deflate, methods["vedlegg/vedtak.pdf"])
	for name, content := range map[string][]byte{"arkivmelding.xml": arkivmelding, "vedlegg/vedtak.pdf": vedlegg, "foto.jpg": foto} {
		sum := sha256.Sum256(content)
		assert.Contains(t, manifest, `URI="`+name+`"`)
		assert.Contains(t, manifest, base64.StdEncoding.EncodeToString(sum[:]), name)
		assert.Equal(t, content, files[name])
	}
	var sigName string
	for name := range files {
		if strings.HasPrefix(name, "META-INF/signature-") && strings.HasSuffix(name, ".p7s") {
			sigName = name
		}
	}
	require.NotEmpty(t, sigName)
	require.Contains(t, manifest, `<SigReference URI="`+sigName+`"`)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.xml"), files["META-INF/ASiCManifest.xml"], 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "signature.p7s"), files[sigName], 0o600))
	out := openssl(t, dir, "cms", "-verify", "-binary", "-inform", "DER", "-in", "signature.p7s", "-content", "manifest.xml",
		"-CAfile", avsenderPEM, "-purpose", "any", "-out", os.DevNull)
	assert.Contains(t, string(out), "Verification successful")
	// KS's Java clients read entry by entry with java.util.zip.ZipInputStream: a stored
	// entry must carry its sizes in the local header. Info-ZIP tests the whole archive.
	out = openJava(t, dir, zipped)
	for name, content := range map[string][]byte{"arkivmelding.xml": arkivmelding, "vedlegg/vedtak.pdf": vedlegg, "foto.jpg": foto} {
		sum := sha256.Sum256(content)
		assert.Contains(t, string(out), fmt.Sprintf("%s %d %x", name, len(content), sum), "ZipInputStream reads %s", name)
	}
	assert.Contains(t, string(out), "mimetype stored")
	cmd := exec.Command(testutil.Tool(t, "unzip"), "-t", "melding.asice")
	cmd.Dir = dir
	uz, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", uz)
	assert.Contains(t, string(uz), "No errors detected")
	// Another's manifest does not verify.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifest.xml"), append(files["META-INF/ASiCManifest.xml"], ' '), 0o600))
	cmd = exec.Command("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", "signature.p7s", "-content", "manifest.xml", "-noverify", "-out", os.DevNull)
	cmd.Dir = dir
	_, err = cmd.CombinedOutput()
	assert.Error(t, err, "a changed manifest must not verify")
}

// A container made by other tools (zip, openssl cms -sign, openssl cms -encrypt) is read,
// its signature verified, its files checked against the manifest.
func TestContainerFromOtherTools(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	zipBin := testutil.Tool(t, "zip")
	akey, apem, err := avsenderID.WritePEM(dir, "avsender")
	require.NoError(t, err)
	_, mpem, err := mottakerID.WritePEM(dir, "mottaker")
	require.NoError(t, err)
	pkg := filepath.Join(dir, "pkg")
	require.NoError(t, os.MkdirAll(filepath.Join(pkg, "META-INF"), 0o755))
	files := map[string]string{"sok.xml": "<sok/>", "notat.txt": "Et notat\n"}
	var refs strings.Builder
	for _, name := range []string{"sok.xml", "notat.txt"} {
		require.NoError(t, os.WriteFile(filepath.Join(pkg, name), []byte(files[name]), 0o644))
		sum := sha256.Sum256([]byte(files[name]))
		fmt.Fprintf(&refs, `<DataObjectReference URI="%s" MimeType="text/plain"><ns2:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ns2:DigestValue>%s</ns2:DigestValue></DataObjectReference>`,
			name, base64.StdEncoding.EncodeToString(sum[:]))
	}
	manifest := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><ASiCManifest xmlns="http://uri.etsi.org/02918/v1.2.1#" xmlns:ns2="http://www.w3.org/2000/09/xmldsig#"><SigReference URI="META-INF/signature.p7s" MimeType="application/x-pkcs7-signature"/>` + refs.String() + `</ASiCManifest>`
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "META-INF/ASiCManifest.xml"), []byte(manifest), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "mimetype"), []byte(fiksio.MimetypeASiCE), 0o644))
	openssl(t, pkg, "cms", "-sign", "-binary", "-outform", "DER", "-in", "META-INF/ASiCManifest.xml", "-signer", apem, "-inkey", akey, "-out", "META-INF/signature.p7s")
	run := func(args ...string) {
		cmd := exec.Command(zipBin, args...)
		cmd.Dir = pkg
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	run("-X", "-0", "../c.asice", "mimetype")
	run("-X", "-r", "../c.asice", "sok.xml", "notat.txt", "META-INF")
	openssl(t, dir, "cms", "-encrypt", "-binary", "-aes-256-cbc", "-recip", mpem, "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256",
		"-in", "c.asice", "-outform", "DER", "-out", "c.cms")
	enc, err := os.ReadFile(filepath.Join(dir, "c.cms"))
	require.NoError(t, err)
	dec, err := kryptering.NewDecrypter(bytes.NewReader(enc), mottakerID.DecryptionKey())
	require.NoError(t, err)
	plain, err := io.ReadAll(dec)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(avsenderID.Certificate)
	c, err := fiksio.OpenContainer(bytes.NewReader(plain), int64(len(plain)), &fiksio.VerifyOptions{Roots: roots})
	require.NoError(t, err)
	require.NotNil(t, c.Signature)
	assert.True(t, c.Signature.Certificate.Equal(avsenderID.Certificate))
	require.Len(t, c.Files, 2)
	for _, f := range c.Files {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		assert.Equal(t, files[f.Name], string(b))
	}
	// Another trust root: refused.
	other := x509.NewCertPool()
	other.AddCert(mottakerID.Certificate)
	_, err = fiksio.OpenContainer(bytes.NewReader(plain), int64(len(plain)), &fiksio.VerifyOptions{Roots: other})
	require.ErrorIs(t, err, fiksio.ErrContainer)
}

// Hostile and broken containers: typed errors, never a file outside the container's
// names or content the manifest does not vouch for.
func TestContainerRefuses(t *testing.T) {
	t.Parallel()
	good := containerOf(t, fiksio.Bytes("a.xml", []byte("<a/>")), fiksio.Bytes("b.txt", []byte("b")))
	rebuild := func(edit func(name string, b []byte) (string, []byte, bool), extra map[string][]byte) []byte {
		zr, err := zip.NewReader(bytes.NewReader(good), int64(len(good)))
		require.NoError(t, err)
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			name := f.Name
			keep := true
			if edit != nil {
				name, b, keep = edit(name, b)
			}
			if !keep {
				continue
			}
			m := zip.Deflate
			if name == "mimetype" {
				m = zip.Store
			}
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: m})
			_, _ = w.Write(b)
		}
		for name, b := range extra {
			w, _ := zw.Create(name)
			_, _ = w.Write(b)
		}
		require.NoError(t, zw.Close())
		return out.Bytes()
	}
	open := func(b []byte) (*fiksio.Container, error) {
		return fiksio.OpenContainer(bytes.NewReader(b), int64(len(b)), nil)
	}
	readAll := func(c *fiksio.Container) error {
		for _, f := range c.Files {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			_, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	c, err := open(good)
	require.NoError(t, err)
	require.NotNil(t, c.Signature)
	require.NoError(t, readAll(c))
	assert.Equal(t, "a.xml", c.Files[0].Name, "the root file first")

	t.Run("traversal", func(t *testing.T) {
		for _, bad := range []string{"../x", "a/../../x", "/etc/passwd", `c:\x`, "a\\b", "META-INF/../x"} {
			_, err := open(rebuild(nil, map[string][]byte{bad: []byte("x")}))
			assert.Error(t, err, bad)
		}
		_, err := open(rebuild(nil, map[string][]byte{"../evil": []byte("x")}))
		require.ErrorIs(t, err, fiksio.ErrUnsafeName)
	})
	t.Run("unlisted file", func(t *testing.T) {
		_, err := open(rebuild(nil, map[string][]byte{"smuggled.exe": []byte("x")}))
		require.ErrorIs(t, err, fiksio.ErrContainer)
	})
	t.Run("changed file", func(t *testing.T) {
		c, err := open(rebuild(func(n string, b []byte) (string, []byte, bool) {
			if n == "b.txt" {
				return n, []byte("B"), true
			}
			return n, b, true
		}, nil))
		require.NoError(t, err, "the manifest is intact; the file is checked as it is read")
		require.ErrorIs(t, readAll(c), fiksio.ErrDigest)
	})
	t.Run("changed manifest", func(t *testing.T) {
		_, err := open(rebuild(func(n string, b []byte) (string, []byte, bool) {
			if n == "META-INF/ASiCManifest.xml" {
				return n, bytes.Replace(b, []byte("b.txt"), []byte("c.txt"), -1), true
			}
			if n == "b.txt" {
				return "c.txt", b, true
			}
			return n, b, true
		}, nil))
		require.ErrorIs(t, err, fiksio.ErrContainer)
		require.ErrorContains(t, err, "signature")
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := open(rebuild(func(n string, b []byte) (string, []byte, bool) { return n, b, n != "a.xml" }, nil))
		require.ErrorIs(t, err, fiksio.ErrContainer)
	})
	t.Run("wrong mimetype", func(t *testing.T) {
		_, err := open(rebuild(func(n string, b []byte) (string, []byte, bool) {
			if n == "mimetype" {
				return n, []byte("application/zip"), true
			}
			return n, b, true
		}, nil))
		require.ErrorIs(t, err, fiksio.ErrContainer)
	})
	t.Run("unsigned when a signature is required", func(t *testing.T) {
		b := rebuild(func(n string, b []byte) (string, []byte, bool) { return n, b, !strings.HasSuffix(n, ".p7s") }, nil)
		_, err := fiksio.OpenContainer(bytes.NewReader(b), int64(len(b)), &fiksio.VerifyOptions{RequireSignature: true})
		require.ErrorIs(t, err, fiksio.ErrContainer)
	})
	t.Run("not a zip", func(t *testing.T) {
		_, err := open([]byte("not a zip at all"))
		require.ErrorIs(t, err, fiksio.ErrContainer)
	})
	t.Run("names refused when writing", func(t *testing.T) {
		for _, bad := range []string{"", "../x", "mimetype", "META-INF/x", "/abs", "a//b", "a\x00b"} {
			var buf bytes.Buffer
			err := fiksio.WriteContainer(&buf, []fiksio.Fil{fiksio.Bytes(bad, nil)}, avsenderID.Key, []*x509.Certificate{avsenderID.Certificate})
			assert.ErrorIs(t, err, fiksio.ErrUnsafeName, "%q", bad)
		}
	})
	t.Run("expired signer still verifies without roots, not with", func(t *testing.T) {
		old := fiksiotest.NewIdentityValid("gammel", "910000003", time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
		var buf bytes.Buffer
		require.NoError(t, fiksio.WriteContainer(&buf, []fiksio.Fil{fiksio.Bytes("a.xml", []byte("<a/>"))}, old.Key, []*x509.Certificate{old.Certificate}))
		roots := x509.NewCertPool()
		roots.AddCert(old.Certificate)
		_, err := fiksio.OpenContainer(bytes.NewReader(buf.Bytes()), int64(buf.Len()), &fiksio.VerifyOptions{Roots: roots})
		require.ErrorIs(t, err, fiksio.ErrContainer)
	})
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fil")
	require.NoError(t, os.WriteFile(p, b, 0o600))
	return p
}

// openJava lists the container as java.util.zip.ZipInputStream reads it: "name method
// size sha256" per entry, with the method word dropped so lines read "name size sha256"
// after the method check.
func openJava(t *testing.T, dir string, zipped []byte) []byte {
	t.Helper()
	java := testutil.Tool(t, "java")
	f := filepath.Join(dir, "java.asice")
	require.NoError(t, os.WriteFile(f, zipped, 0o600))
	src, err := filepath.Abs("testdata/ZipStream.java")
	require.NoError(t, err)
	out, err := exec.Command(java, src, f).CombinedOutput()
	require.NoError(t, err, "%s", out)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fs := strings.Fields(l)
		if len(fs) == 4 {
			lines = append(lines, fs[0]+" "+fs[1], fs[0]+" "+fs[2]+" "+fs[3])
		}
	}
	return []byte(strings.Join(lines, "\n"))
}
