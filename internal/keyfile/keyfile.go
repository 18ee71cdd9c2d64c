// Package keyfile reads private keys and certificates from PEM and PKCS#12 data, for the
// packages that load keys (maskinporten for signing, fiks/kryptering for decryption). The
// callers check the key type and wrap the errors in their own typed errors.
package keyfile

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"

	"software.sslmate.com/src/go-pkcs12"
)

// ErrPassword is returned for a PKCS#12 file that the password does not open.
var ErrPassword = errors.New("the PKCS#12 password is wrong")

// ParsePEM returns the private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"; the
// last one if there are several) and every CERTIFICATE block in order. Encrypted PEM keys
// are refused. Errors describe the problem without the data.
func ParsePEM(data []byte) (crypto.PrivateKey, []*x509.Certificate, error) {
	var priv crypto.PrivateKey
	var certs []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "RSA PRIVATE KEY":
			if strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED") {
				return nil, nil, errors.New("encrypted PEM keys are not supported; use PKCS#12 or an unencrypted key")
			}
			p, err := x509.ParsePKCS1PrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, errors.New("unreadable PKCS#1 private key")
			}
			priv = p
		case "PRIVATE KEY":
			p, err := x509.ParsePKCS8PrivateKey(b.Bytes)
			if err != nil {
				return nil, nil, errors.New("unreadable PKCS#8 private key")
			}
			priv = p
		case "ENCRYPTED PRIVATE KEY":
			return nil, nil, errors.New("encrypted PEM keys are not supported; use PKCS#12 or an unencrypted key")
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, nil, errors.New("unreadable certificate")
			}
			certs = append(certs, c)
		}
	}
	if priv == nil {
		return nil, nil, errors.New("no private key found in PEM data")
	}
	return priv, certs, nil
}

// ParsePKCS12 opens a .p12/.pfx file (OpenSSL 3's default PBES2/AES and the legacy RC2/3DES
// encryption) and returns its key and its certificate chain, leaf first, then the issuers
// in the order they link.
func ParsePKCS12(data []byte, password string) (crypto.PrivateKey, []*x509.Certificate, error) {
	priv, leaf, cas, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, nil, ErrPassword
		}
		return nil, nil, errors.New("not a readable PKCS#12 file")
	}
	return priv, append([]*x509.Certificate{leaf}, orderChain(leaf, cas)...), nil
}

// orderChain returns the CA certificates from the leaf's issuer upwards, as far as they
// link, then any others.
func orderChain(leaf *x509.Certificate, cas []*x509.Certificate) []*x509.Certificate {
	var out []*x509.Certificate
	used := make([]bool, len(cas))
	cur := leaf
	for {
		next := -1
		for i, c := range cas {
			if !used[i] && bytes.Equal(cur.RawIssuer, c.RawSubject) && !bytes.Equal(cur.Raw, c.Raw) {
				next = i
				break
			}
		}
		if next < 0 {
			break
		}
		used[next] = true
		out = append(out, cas[next])
		cur = cas[next]
	}
	for i, c := range cas {
		if !used[i] {
			out = append(out, c)
		}
	}
	return out
}
