package fiksio

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"hash"
	"math/big"
	"slices"
	"time"
)

// The CAdES-BES signature of an ASiC-E container (ETSI EN 319 122): CMS SignedData
// (RFC 5652), detached, over the ASiC manifest, with the signed attributes contentType,
// signingTime, messageDigest and signingCertificateV2 (RFC 5035), and the signer's
// certificate chain. Written with encoding/asn1 in DER, as KS's Java and .NET clients
// (BouncyCastle) write it, and readable by `openssl cms -verify`.

var (
	oidData                 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidSignedData           = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidAttrContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidAttrMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidAttrSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidAttrSigningCertV2    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 2, 47}
	oidSHA256               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512               = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSAEncryption        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidSHA256WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 11}
	oidSHA384WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 12}
	oidSHA512WithRSA        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 13}
	oidECDSAWithSHA256      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2}
	oidECDSAWithSHA384      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 3}
	oidECDSAWithSHA512      = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 4}
	asn1Null                = []byte{0x05, 0x00}
	errSignatureNotVerified = errors.New("the signature does not verify")
)

// der encodes one TLV with a definite length.
func der(tag byte, parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := []byte{tag}
	switch {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	case n < 0x10000:
		out = append(out, 0x82, byte(n>>8), byte(n))
	case n < 0x1000000:
		out = append(out, 0x83, byte(n>>16), byte(n>>8), byte(n))
	default:
		out = append(out, 0x84, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func mustMarshal(v any) []byte {
	b, err := asn1.Marshal(v)
	if err != nil {
		panic(err) // only fixed shapes are marshalled here
	}
	return b
}

func algID(oid asn1.ObjectIdentifier, null bool) []byte {
	if null {
		return der(0x30, mustMarshal(oid), asn1Null)
	}
	return der(0x30, mustMarshal(oid))
}

// setOf encodes a DER SET OF: its elements sorted by their encodings.
func setOf(tag byte, elems [][]byte) []byte {
	s := slices.Clone(elems)
	slices.SortFunc(s, bytes.Compare)
	return der(tag, s...)
}

func attribute(oid asn1.ObjectIdentifier, value []byte) []byte {
	return der(0x30, mustMarshal(oid), der(0x31, value))
}

// signCAdES returns the DER CMS SignedData over content, detached, signed by signer whose
// certificate is chain[0] (the rest of chain is included for the receiver).
func signCAdES(content []byte, signer crypto.Signer, chain []*x509.Certificate, now time.Time) ([]byte, error) {
	if len(chain) == 0 {
		return nil, errors.New("a signing certificate is required")
	}
	cert := chain[0]
	sigAlg, err := signatureAlgorithm(signer, cert)
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(content)
	certHash := sha256.Sum256(cert.Raw)
	issuerSerial := der(0x30,
		der(0x30, der(0xa4, cert.RawIssuer)), // GeneralNames { directoryName [4] Name }
		mustMarshal(cert.SerialNumber))
	signingCert := der(0x30, der(0x30, der(0x30, der(0x04, certHash[:]), issuerSerial)))
	signingTime, err := asn1.MarshalWithParams(now.UTC().Truncate(time.Second), "utc")
	if err != nil {
		signingTime = mustMarshal(now.UTC().Truncate(time.Second)) // past 2049: GeneralizedTime
	}
	attrs := [][]byte{
		attribute(oidAttrContentType, mustMarshal(oidData)),
		attribute(oidAttrSigningTime, signingTime),
		attribute(oidAttrMessageDigest, der(0x04, digest[:])),
		attribute(oidAttrSigningCertV2, signingCert),
	}
	signed := setOf(0x31, attrs) // what is signed: the attributes as a SET
	h := sha256.Sum256(signed)
	var opts crypto.SignerOpts = crypto.SHA256
	sig, err := signer.Sign(rand.Reader, h[:], opts)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	signerInfo := der(0x30,
		mustMarshal(1),
		der(0x30, cert.RawIssuer, mustMarshal(cert.SerialNumber)),
		algID(oidSHA256, false),
		append([]byte{0xa0}, signed[1:]...), // [0] IMPLICIT SET OF Attribute
		sigAlg,
		der(0x04, sig),
	)
	var certs [][]byte
	for _, c := range chain {
		certs = append(certs, c.Raw)
	}
	signedData := der(0x30,
		mustMarshal(1),
		der(0x31, algID(oidSHA256, false)),
		der(0x30, mustMarshal(oidData)),
		der(0xa0, certs...),
		der(0x31, signerInfo),
	)
	return der(0x30, mustMarshal(oidSignedData), der(0xa0, signedData)), nil
}

func signatureAlgorithm(signer crypto.Signer, cert *x509.Certificate) ([]byte, error) {
	switch pub := signer.Public().(type) {
	case *rsa.PublicKey:
		if cp, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !cp.Equal(pub) {
			return nil, errors.New("the signing key is not the certificate's key")
		}
		return algID(oidRSAEncryption, true), nil
	case *ecdsa.PublicKey:
		if cp, ok := cert.PublicKey.(*ecdsa.PublicKey); !ok || !cp.Equal(pub) {
			return nil, errors.New("the signing key is not the certificate's key")
		}
		return algID(oidECDSAWithSHA256, false), nil
	}
	return nil, fmt.Errorf("signing key %T: want RSA or ECDSA", signer.Public())
}

// The shapes read back.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	EncapContentInfo asn1.RawValue
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type signerInfo struct {
	Version            int
	SID                asn1.RawValue
	DigestAlgorithm    pkix.AlgorithmIdentifier
	SignedAttrs        asn1.RawValue `asn1:"optional,tag:0"`
	SignatureAlgorithm pkix.AlgorithmIdentifier
	Signature          []byte
	UnsignedAttrs      asn1.RawValue `asn1:"optional,tag:1"`
}

type attr struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue
}

// Signature is the verified CAdES signature of a container.
type Signature struct {
	// Certificate is the signer's certificate, as embedded in the signature.
	Certificate *x509.Certificate
	// Intermediates are the signature's other certificates.
	Intermediates []*x509.Certificate
	// SigningTime is the signed signingTime attribute, if any.
	SigningTime time.Time
}

// verifyCAdES verifies a detached CMS SignedData over content: the signer's certificate
// is found among the embedded ones, the messageDigest attribute matches content, and the
// signature over the signed attributes verifies with the certificate's key. Trust in the
// certificate is the caller's (VerifyOptions.Roots).
func verifyCAdES(sigDER, content []byte) (*Signature, error) {
	var ci contentInfo
	if rest, err := asn1.Unmarshal(sigDER, &ci); err != nil || len(rest) > 0 {
		return nil, errors.New("the signature is not a DER CMS ContentInfo")
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, errors.New("the signature is not CMS SignedData")
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("the signature's SignedData: %v", err)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("the signature has %d signers; want 1", len(sd.SignerInfos))
	}
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	if err != nil || len(certs) == 0 {
		return nil, errors.New("the signature carries no readable certificate")
	}
	si := sd.SignerInfos[0]
	cert := signerCert(si.SID, certs)
	if cert == nil {
		return nil, errors.New("the signer's certificate is not in the signature")
	}
	hashFn, h, err := digestAlg(si.DigestAlgorithm.Algorithm)
	if err != nil {
		return nil, err
	}
	out := &Signature{Certificate: cert}
	for _, c := range certs {
		if c != cert {
			out.Intermediates = append(out.Intermediates, c)
		}
	}
	h.Write(content)
	contentDigest := h.Sum(nil)
	signedBytes := content
	if len(si.SignedAttrs.FullBytes) > 0 {
		var attrs []attr
		set := append([]byte{0x31}, si.SignedAttrs.FullBytes[1:]...)
		if _, err := asn1.UnmarshalWithParams(set, &attrs, "set"); err != nil {
			return nil, fmt.Errorf("the signed attributes: %v", err)
		}
		var md []byte
		for _, a := range attrs {
			switch {
			case a.Type.Equal(oidAttrMessageDigest):
				_, _ = asn1.Unmarshal(a.Values.Bytes, &md)
			case a.Type.Equal(oidAttrContentType):
				var ct asn1.ObjectIdentifier
				if _, err := asn1.Unmarshal(a.Values.Bytes, &ct); err != nil || !ct.Equal(oidData) {
					return nil, errors.New("the signed content type is not data")
				}
			case a.Type.Equal(oidAttrSigningTime):
				var t time.Time
				if _, err := asn1.Unmarshal(a.Values.Bytes, &t); err == nil {
					out.SigningTime = t
				}
			}
		}
		if md == nil || !bytes.Equal(md, contentDigest) {
			return nil, errors.New("the signed message digest is not the manifest's")
		}
		signedBytes = set
		hh := hashFn.New()
		hh.Write(signedBytes)
		contentDigest = hh.Sum(nil)
	}
	if err := checkSignature(cert, si.SignatureAlgorithm.Algorithm, hashFn, contentDigest, si.Signature); err != nil {
		return nil, err
	}
	return out, nil
}

func signerCert(sid asn1.RawValue, certs []*x509.Certificate) *x509.Certificate {
	if sid.Class == asn1.ClassContextSpecific && sid.Tag == 0 { // subjectKeyIdentifier
		for _, c := range certs {
			if bytes.Equal(c.SubjectKeyId, sid.Bytes) {
				return c
			}
		}
		return nil
	}
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(sid.FullBytes, &ias); err != nil {
		return nil
	}
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, ias.Issuer.FullBytes) && c.SerialNumber.Cmp(ias.Serial) == 0 {
			return c
		}
	}
	return nil
}

func digestAlg(oid asn1.ObjectIdentifier) (crypto.Hash, hash.Hash, error) {
	switch {
	case oid.Equal(oidSHA256):
		return crypto.SHA256, sha256.New(), nil
	case oid.Equal(oidSHA384):
		return crypto.SHA384, sha512.New384(), nil
	case oid.Equal(oidSHA512):
		return crypto.SHA512, sha512.New(), nil
	}
	return 0, nil, fmt.Errorf("signature digest algorithm %v: want SHA-256, SHA-384 or SHA-512", oid)
}

func checkSignature(cert *x509.Certificate, alg asn1.ObjectIdentifier, h crypto.Hash, digest, sig []byte) error {
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if !(alg.Equal(oidRSAEncryption) || alg.Equal(oidSHA256WithRSA) || alg.Equal(oidSHA384WithRSA) || alg.Equal(oidSHA512WithRSA)) {
			return fmt.Errorf("signature algorithm %v does not fit an RSA key", alg)
		}
		if rsa.VerifyPKCS1v15(pub, h, digest, sig) != nil {
			return errSignatureNotVerified
		}
		return nil
	case *ecdsa.PublicKey:
		if !(alg.Equal(oidECDSAWithSHA256) || alg.Equal(oidECDSAWithSHA384) || alg.Equal(oidECDSAWithSHA512)) {
			return fmt.Errorf("signature algorithm %v does not fit an ECDSA key", alg)
		}
		if !ecdsa.VerifyASN1(pub, digest, sig) {
			return errSignatureNotVerified
		}
		return nil
	}
	return fmt.Errorf("signer key %T is not supported", cert.PublicKey)
}
