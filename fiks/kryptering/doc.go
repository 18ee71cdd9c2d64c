// Package kryptering implements KS's CMS encryption profile ("kryptering"), used by SvarUt,
// SvarInn, FIKS IO and DigiSos to move documents: CMS EnvelopedData (RFC 5652) with
// AES-256-CBC content encryption and RSA-OAEP (SHA-256, MGF1-SHA-256) key transport.
//
// Both directions stream: [NewEncrypter] writes BER with indefinite lengths, so the size
// need not be known; [NewDecrypter] reads DER or BER and hands out plaintext as it goes.
// Memory stays bounded (tens of KiB) whatever the document size: SvarUt documents up to
// 350 MB and FIKS IO payloads up to 5 GB.
//
// The reader also accepts what other producers write: RSA-OAEP with SHA-1, PKCS#1 v1.5
// key transport (KS's .NET library adds such a recipient), AES-128/192-CBC, and AES-GCM in
// AuthEnvelopedData as OpenSSL writes it. Anything else is an [*UnsupportedAlgorithmError]
// naming the OID.
//
// Unlike the Go CMS libraries, the writer states the OAEP parameters explicitly
// (hash SHA-256, MGF1 with SHA-256, empty label), which OpenSSL and BouncyCastle require
// to decrypt.
package kryptering
