package kryptering_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
)

// Encrypt a document for a receiver in KS's CMS profile and decrypt it again, both as
// streams. The receiver's key and certificate come from kryptering.ParseKey and
// kryptering.ParseCertificates (PEM, DER or PKCS#12); here they are made on the spot.
func Example() {
	keyPEM, certPEM := receiver()
	key, err := kryptering.ParseKey(keyPEM, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	certs, err := kryptering.ParseCertificates(certPEM)
	if err != nil {
		fmt.Println(err)
		return
	}

	var cms bytes.Buffer
	enc, err := kryptering.NewEncrypter(&cms, kryptering.EncryptOptions{Recipients: certs})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := io.WriteString(enc, "Vedtak om barnehageplass"); err != nil {
		fmt.Println(err)
		return
	}
	if err := enc.Close(); err != nil { // Close writes the end of the stream
		fmt.Println(err)
		return
	}

	dec, err := kryptering.NewDecrypter(&cms, key)
	if err != nil {
		fmt.Println(err)
		return
	}
	plain, err := io.ReadAll(dec) // read to io.EOF: only then is the whole message checked
	fmt.Printf("%s %v\n", plain, err)
	fmt.Println(key) // a key never prints its secret
	// Output:
	// Vedtak om barnehageplass <nil>
	// kryptering.Key{RSA-2048}
}

// receiver makes a key and a self-signed certificate in PEM, as KS tells receivers to
// (openssl req -x509 -newkey rsa:2048 ...).
func receiver() (keyPEM, certPEM []byte) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Sak/arkiv"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
