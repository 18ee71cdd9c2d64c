package fiksio_test

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"io"

	"github.com/fellesklient/fellesklient/fiks/fiksio"
	"github.com/fellesklient/fellesklient/fiks/fiksio/fiksiotest"
)

// A FIKS IO payload as Send builds it (before encryption) and Receive reads it: an
// ASiC-E container, signed by the sender, each file checked against the signed manifest
// as it is read.
func ExampleWriteContainer() {
	sender := fiksiotest.NewIdentity("Testkommune fagsystem", "910000001")
	var buf bytes.Buffer
	err := fiksio.WriteContainer(&buf, []fiksio.Fil{
		fiksio.Bytes("arkivmelding.xml", []byte("<arkivmelding/>")),
		fiksio.Bytes("vedtak.pdf", []byte("%PDF-1.7 Vedtak\n%%EOF\n")),
	}, sender.Key, []*x509.Certificate{sender.Certificate})
	if err != nil {
		panic(err)
	}
	trusted := x509.NewCertPool()
	trusted.AddCert(sender.Certificate)
	c, err := fiksio.OpenContainer(bytes.NewReader(buf.Bytes()), int64(buf.Len()), &fiksio.VerifyOptions{Roots: trusted})
	if err != nil {
		panic(err)
	}
	fmt.Println("signed by", c.Signature.Certificate.Subject.CommonName)
	for _, f := range c.Files {
		rc, _ := f.Open()
		b, err := io.ReadAll(rc) // ErrDigest here if the file is not what was signed
		rc.Close()
		fmt.Printf("%s (%s): %d bytes, err %v\n", f.Name, f.MimeType, len(b), err)
	}
	// Output:
	// signed by Testkommune fagsystem
	// arkivmelding.xml (application/xml): 15 bytes, err <nil>
	// vedtak.pdf (application/pdf): 22 bytes, err <nil>
}
