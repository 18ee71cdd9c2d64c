package fiksiotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"time"

	"github.com/fellesklient/fellesklient/fiks/kryptering"
)

// Identity is a test virksomhetssertifikat: an RSA key and a self-signed certificate
// that may sign (the ASiC-E of what a konto sends) and encipher keys (what is sent to the
// konto), as a konto's certificates in FIKS IO.
type Identity struct {
	Key         *rsa.PrivateKey
	Certificate *x509.Certificate
}

// NewIdentity makes an Identity for an organisation (cn, orgnr), valid from an hour ago
// for a year. It panics if the system has no randomness.
func NewIdentity(cn, orgnr string) *Identity {
	return NewIdentityValid(cn, orgnr, time.Now().Add(-time.Hour), time.Now().Add(365*24*time.Hour))
}

// NewIdentityValid is NewIdentity with a validity period (an expired certificate, say).
func NewIdentityValid(cn, orgnr string, notBefore, notAfter time.Time) *Identity {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("fiksiotest: " + err.Error())
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{CommonName: cn, Organization: []string{cn}, Country: []string{"NO"},
			ExtraNames: []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{2, 5, 4, 5}, Value: orgnr}}},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic("fiksiotest: " + err.Error())
	}
	cert, _ := x509.ParseCertificate(der)
	return &Identity{Key: key, Certificate: cert}
}

// DecryptionKey is the identity as a kryptering.Key (fiksio.Options.Keys).
func (id *Identity) DecryptionKey() kryptering.Key {
	return kryptering.Key{Decrypter: id.Key, Certificate: id.Certificate}
}

// WritePEM writes the key (PKCS#8) and the certificate as PEM files in dir, named
// name.key and name.pem, for tools (openssl, the CLI). It returns their paths.
func (id *Identity) WritePEM(dir, name string) (keyPath, certPath string, err error) {
	p8, err := x509.MarshalPKCS8PrivateKey(id.Key)
	if err != nil {
		return "", "", err
	}
	keyPath, certPath = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pem")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: p8}), 0o600); err != nil {
		return "", "", err
	}
	return keyPath, certPath, os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: id.Certificate.Raw}), 0o644)
}
