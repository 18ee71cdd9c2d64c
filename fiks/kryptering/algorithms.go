package kryptering

import (
	"crypto"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
)

// Object identifiers of the algorithms in the KS profile and those the reader accepts.
var (
	oidData              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidEnvelopedData     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 3}
	oidAuthEnvelopedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 23}
	oidRSAEncryption     = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidRSAESOAEP         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 7}
	oidMGF1              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 8}
	oidPSpecified        = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 9}
	oidSHA1              = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256            = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384            = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512            = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidAES128CBC         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 2}
	oidAES192CBC         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 22}
	oidAES256CBC         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 42}
	oidAES128GCM         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 6}
	oidAES192GCM         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 26}
	oidAES256GCM         = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 1, 46}
)

// UnsupportedAlgorithmError names an algorithm the reader does not implement.
type UnsupportedAlgorithmError struct {
	Role string // "content type", "key transport", "content encryption", "OAEP hash", ...
	OID  asn1.ObjectIdentifier
}

func (e *UnsupportedAlgorithmError) Error() string {
	return fmt.Sprintf("kryptering: unsupported %s algorithm %s", e.Role, e.OID)
}

func hashByOID(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA1):
		return crypto.SHA1, true
	case oid.Equal(oidSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// cbcKeySize returns the AES key size of a CBC content-encryption OID.
func cbcKeySize(oid asn1.ObjectIdentifier) int {
	switch {
	case oid.Equal(oidAES128CBC):
		return 16
	case oid.Equal(oidAES192CBC):
		return 24
	case oid.Equal(oidAES256CBC):
		return 32
	}
	return 0
}

func gcmKeySize(oid asn1.ObjectIdentifier) int {
	switch {
	case oid.Equal(oidAES128GCM):
		return 16
	case oid.Equal(oidAES192GCM):
		return 24
	case oid.Equal(oidAES256GCM):
		return 32
	}
	return 0
}

// ASN.1 shapes (DER, after normalisation).

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type keyTransRecipientInfo struct {
	Version                int
	Rid                    asn1.RawValue // issuerAndSerialNumber or [0] subjectKeyIdentifier
	KeyEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedKey           []byte
}

type oaepParams struct {
	Hash   pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:0"`
	MGF    pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:1"`
	Source pkix.AlgorithmIdentifier `asn1:"explicit,optional,tag:2"`
}

type gcmParams struct {
	Nonce  []byte
	ICVLen int `asn1:"optional,default:12"`
}
