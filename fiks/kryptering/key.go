package kryptering

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"

	"github.com/fellesklient/fellesklient/internal/keyfile"
)

// Key is a recipient's private key, for NewDecrypter.
type Key struct {
	// Decrypter is the RSA private key: an *rsa.PrivateKey, or an HSM/KMS key behind
	// crypto.Decrypter that supports RSA-OAEP and PKCS#1 v1.5 decryption.
	Decrypter crypto.Decrypter
	// Certificate, when set, selects the recipient by issuer and serial number (or subject
	// key identifier). Without it every RSA recipient is tried.
	Certificate *x509.Certificate
}

// String describes the key without key material.
func (k Key) String() string {
	s := "kryptering.Key{"
	if pub, ok := k.publicKey(); ok {
		s += fmt.Sprintf("RSA-%d", pub.N.BitLen())
	}
	if k.Certificate != nil {
		s += fmt.Sprintf(", certificate %q", k.Certificate.Subject.String())
	}
	return s + "}"
}

// GoString is like String.
func (k Key) GoString() string { return k.String() }

// Format prints String for every verb: never key material, whatever the Decrypter is.
func (k Key) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue implements slog.LogValuer.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalText writes String: a Key never marshals its private key.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

func (k Key) publicKey() (*rsa.PublicKey, bool) {
	if k.Decrypter == nil {
		return nil, false
	}
	pub, ok := k.Decrypter.Public().(*rsa.PublicKey)
	return pub, ok
}

// ErrKey is returned for key data that cannot be used; ErrPassword for a wrong PKCS#12
// password.
var (
	ErrKey      = errors.New("kryptering: unusable key")
	ErrPassword = errors.New("kryptering: wrong PKCS#12 password")
)

// ParseKey reads a private key: PEM (PKCS#1 or PKCS#8, optionally with its CERTIFICATE)
// or PKCS#12 (.p12/.pfx) opened with password.
func ParseKey(data []byte, password string) (Key, error) {
	var priv crypto.PrivateKey
	var certs []*x509.Certificate
	var err error
	if bytes.Contains(data, []byte("-----BEGIN")) {
		priv, certs, err = keyfile.ParsePEM(data)
	} else {
		priv, certs, err = keyfile.ParsePKCS12(data, password)
	}
	switch {
	case errors.Is(err, keyfile.ErrPassword):
		return Key{}, ErrPassword
	case err != nil:
		return Key{}, fmt.Errorf("%w: %v", ErrKey, err)
	}
	rk, ok := priv.(*rsa.PrivateKey)
	if !ok {
		return Key{}, fmt.Errorf("%w: the KS profile needs an RSA key, got %T", ErrKey, priv)
	}
	k := Key{Decrypter: rk}
	if len(certs) > 0 {
		if !rk.PublicKey.Equal(certs[0].PublicKey) {
			return Key{}, fmt.Errorf("%w: the certificate does not belong to the key", ErrKey)
		}
		k.Certificate = certs[0]
	}
	return k, nil
}

// ParseCertificates reads one or more PEM or DER certificates (recipients for
// NewEncrypter).
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		c, err := x509.ParseCertificate(data)
		if err != nil {
			return nil, fmt.Errorf("kryptering: not a PEM or DER certificate")
		}
		return []*x509.Certificate{c}, nil
	}
	var out []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("kryptering: unreadable certificate")
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("kryptering: no certificate found")
	}
	return out, nil
}
