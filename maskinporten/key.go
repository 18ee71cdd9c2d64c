package maskinporten

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/fellesklient/fellesklient/internal/keyfile"
)

// Key is what signs the grant, and how Maskinporten finds the public half.
//
// At least one of KeyID and Certificates must be set:
//   - KeyID: the kid of a key (or certificate) registered on the client in Samarbeidsportalen
//     or through the self-service API. The grant carries "kid".
//   - Certificates: a virksomhetssertifikat (or eIDAS eSeal) chain, leaf first. The grant
//     carries "x5c".
//   - Both: the grant carries kid and x5c, as KS's .NET client can. Maskinporten then goes
//     by the kid, which must be registered on the client ("Unknown key identifier (kid) for
//     client" otherwise): set both only for a certificate you have also registered.
//
// Signer may be any [crypto.Signer] with an RSA public key of at least 2048 bits, so that a
// key in an HSM or a cloud KMS never has to leave it.
type Key struct {
	Signer       crypto.Signer
	KeyID        string
	Certificates []*x509.Certificate
}

// String describes the key without any key material.
func (k Key) String() string {
	var parts []string
	if pub, ok := k.publicKey(); ok {
		parts = append(parts, fmt.Sprintf("RSA-%d", pub.N.BitLen()))
	} else {
		parts = append(parts, "no RSA key")
	}
	if k.KeyID != "" {
		parts = append(parts, "kid "+k.KeyID)
	}
	if len(k.Certificates) > 0 {
		parts = append(parts, fmt.Sprintf("x5c %q (%d in chain)", k.Certificates[0].Subject.String(), len(k.Certificates)))
	}
	return "maskinporten.Key{" + strings.Join(parts, ", ") + "}"
}

// GoString is like String.
func (k Key) GoString() string { return k.String() }

// Format prints String for every verb: never key material, whatever the Signer is.
func (k Key) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(k.String())) }

// LogValue implements slog.LogValuer.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.String()) }

// MarshalText writes String: a Key never marshals its private key.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

func (k Key) publicKey() (*rsa.PublicKey, bool) {
	if k.Signer == nil {
		return nil, false
	}
	pub, ok := k.Signer.Public().(*rsa.PublicKey)
	return pub, ok
}

// validate checks the rules of Key at now.
func (k Key) validate(now time.Time) error {
	if k.Signer == nil {
		return &ValidationError{Op: "maskinporten", Field: "Key.Signer", Problem: "missing", Err: ErrKey}
	}
	pub, ok := k.publicKey()
	if !ok {
		return &ValidationError{Op: "maskinporten", Field: "Key.Signer", Problem: fmt.Sprintf("Maskinporten needs an RSA key, got %T", k.Signer.Public()), Err: ErrKey}
	}
	if pub.N.BitLen() < 2048 {
		return &ValidationError{Op: "maskinporten", Field: "Key.Signer", Problem: fmt.Sprintf("RSA key of %d bits; at least 2048 are needed", pub.N.BitLen()), Err: ErrKey}
	}
	switch {
	case k.KeyID == "" && len(k.Certificates) == 0:
		return &ValidationError{Op: "maskinporten", Field: "Key", Problem: "neither KeyID (registered key) nor Certificates (virksomhetssertifikat) is set", Err: ErrKey}
	}
	if len(k.Certificates) > 0 {
		leaf := k.Certificates[0]
		if leaf == nil {
			return &ValidationError{Op: "maskinporten", Field: "Key.Certificates", Problem: "nil certificate", Err: ErrKey}
		}
		lpub, ok := leaf.PublicKey.(*rsa.PublicKey)
		if !ok || !lpub.Equal(pub) {
			return &ValidationError{Op: "maskinporten", Field: "Key.Certificates", Problem: "the first certificate does not belong to the signing key", Err: ErrKey}
		}
		if err := checkValidity(leaf, now); err != nil {
			return err
		}
	}
	return nil
}

func checkValidity(c *x509.Certificate, now time.Time) error {
	if now.After(c.NotAfter) {
		return &ValidationError{Op: "maskinporten", Field: "Key.Certificates", Problem: fmt.Sprintf("certificate %q expired %s", c.Subject.CommonName, c.NotAfter.UTC().Format(time.RFC3339)), Err: ErrCertificateExpired}
	}
	if now.Before(c.NotBefore) {
		return &ValidationError{Op: "maskinporten", Field: "Key.Certificates", Problem: fmt.Sprintf("certificate %q is not valid before %s", c.Subject.CommonName, c.NotBefore.UTC().Format(time.RFC3339)), Err: ErrCertificateExpired}
	}
	return nil
}

// ParseKey reads a key in any supported form, recognised by its content: PEM (PKCS#1 or
// PKCS#8 private key, optionally followed by CERTIFICATE blocks), a JWK or JWK set (JSON, or
// that JSON base64-encoded as some platforms store it), or PKCS#12 (.p12/.pfx) opened with
// password. Passwords are used only for PKCS#12.
func ParseKey(data []byte, password string) (Key, error) {
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) == 0:
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "empty key data", Err: ErrKey}
	case bytes.HasPrefix(trimmed, []byte("-----BEGIN")) || bytes.Contains(trimmed, []byte("\n-----BEGIN")):
		return ParsePEM(trimmed)
	case trimmed[0] == '{':
		return ParseJWK(trimmed)
	}
	if dec, err := base64.StdEncoding.DecodeString(string(trimmed)); err == nil {
		if d := bytes.TrimSpace(dec); len(d) > 0 && d[0] == '{' {
			return ParseJWK(d)
		}
	}
	return ParsePKCS12(data, password)
}

// ParsePEM reads a PEM private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY") and
// any CERTIFICATE blocks (the chain for x5c, leaf first). Encrypted PEM is not supported:
// use PKCS#12 or a crypto.Signer.
func ParsePEM(data []byte) (Key, error) {
	priv, certs, err := keyfile.ParsePEM(data)
	if err != nil {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: err.Error(), Err: ErrKey}
	}
	return signerKey(priv, certs)
}

// signerKey checks that priv is an RSA signer and makes a Key of it.
func signerKey(priv crypto.PrivateKey, certs []*x509.Certificate) (Key, error) {
	s, ok := priv.(crypto.Signer)
	if !ok {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: fmt.Sprintf("unsupported private key type %T", priv), Err: ErrKey}
	}
	k := Key{Signer: s, Certificates: certs}
	if _, ok := k.publicKey(); !ok {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "Maskinporten needs an RSA key", Err: ErrKey}
	}
	return k, nil
}

// ParseJWK reads a private RSA JWK, or a JWK set holding exactly one private RSA key. The
// JWK's kid becomes Key.KeyID.
func ParseJWK(data []byte) (Key, error) {
	var probe struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "not valid JSON", Err: ErrKey}
	}
	raw := data
	if probe.Keys != nil {
		var private []json.RawMessage
		for _, k := range probe.Keys {
			var m map[string]any
			if json.Unmarshal(k, &m) == nil && m["d"] != nil {
				private = append(private, k)
			}
		}
		if len(private) != 1 {
			return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: fmt.Sprintf("the JWK set has %d private keys; exactly one is needed", len(private)), Err: ErrKey}
		}
		raw = private[0]
	}
	key, err := jwk.ParseKey(raw)
	if err != nil {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "unreadable JWK", Err: ErrKey}
	}
	var priv rsa.PrivateKey
	if err := jwk.Export(key, &priv); err != nil {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "the JWK is not a private RSA key", Err: ErrKey}
	}
	if err := priv.Validate(); err != nil {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "the JWK's RSA parameters are inconsistent", Err: ErrKey}
	}
	kid, _ := key.KeyID()
	return Key{Signer: &priv, KeyID: kid}, nil
}

// ParsePKCS12 opens a PKCS#12 file (.p12/.pfx, such as a virksomhetssertifikat from Buypass
// or Commfides) with password. Both OpenSSL 3's default encryption (PBES2/AES) and the
// legacy RC2/3DES form are read. The certificate chain becomes Key.Certificates (leaf
// first) so that the grant carries x5c.
func ParsePKCS12(data []byte, password string) (Key, error) {
	priv, certs, err := keyfile.ParsePKCS12(data, password)
	if errors.Is(err, keyfile.ErrPassword) {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "the PKCS#12 password is wrong", Err: ErrPassword}
	}
	if err != nil {
		return Key{}, &ValidationError{Op: "maskinporten", Field: "key", Problem: "not a readable PKCS#12, PEM or JWK key", Err: ErrKey}
	}
	return signerKey(priv, certs)
}
