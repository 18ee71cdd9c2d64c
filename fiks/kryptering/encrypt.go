package kryptering

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
)

// EncryptOptions configures NewEncrypter.
type EncryptOptions struct {
	// Recipients get the content key with RSA-OAEP (SHA-256, MGF1-SHA-256): the KS
	// profile. At least one recipient (here or in LegacyRecipients) is required.
	Recipients []*x509.Certificate
	// LegacyRecipients get the content key with RSA PKCS#1 v1.5. Only for receivers that
	// cannot read OAEP; KS's own services do not need it.
	LegacyRecipients []*x509.Certificate
	// ChunkSize is the size of the OCTET STRING chunks of the encrypted content.
	// Default 64 KiB.
	ChunkSize int
	// Rand is the randomness source. Nil: crypto/rand.
	Rand io.Reader
}

// NewEncrypter returns a writer that encrypts everything written to it as CMS
// EnvelopedData (RFC 5652) in the KS profile and writes it to dst: AES-256-CBC content
// encryption, RSA-OAEP key transport with explicit parameters (SHA-256, MGF1 with SHA-256,
// empty label), recipients identified by issuer and serial number. The output is BER with
// indefinite lengths, so it streams without knowing the size; memory use is one chunk.
// Close must be called to write the final block and the end markers; it does not close dst.
func NewEncrypter(dst io.Writer, opts EncryptOptions) (io.WriteCloser, error) {
	if len(opts.Recipients)+len(opts.LegacyRecipients) == 0 {
		return nil, errors.New("kryptering: at least one recipient certificate is required")
	}
	rnd := opts.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	chunk := opts.ChunkSize
	if chunk <= 0 {
		chunk = 64 << 10
	}
	chunk = (chunk + aes.BlockSize - 1) / aes.BlockSize * aes.BlockSize

	key := make([]byte, 32)
	iv := make([]byte, aes.BlockSize)
	if _, err := io.ReadFull(rnd, key); err != nil {
		return nil, fmt.Errorf("kryptering: random key: %w", err)
	}
	if _, err := io.ReadFull(rnd, iv); err != nil {
		return nil, fmt.Errorf("kryptering: random IV: %w", err)
	}

	var infos []byte
	for _, c := range opts.Recipients {
		ri, err := recipientInfo(c, key, rnd, false)
		if err != nil {
			return nil, err
		}
		infos = append(infos, ri...)
	}
	for _, c := range opts.LegacyRecipients {
		ri, err := recipientInfo(c, key, rnd, true)
		if err != nil {
			return nil, err
		}
		infos = append(infos, ri...)
	}

	block, err := aes.NewCipher(key)
	clear(key)
	if err != nil {
		return nil, err
	}
	aesParams, _ := asn1.Marshal(pkix.AlgorithmIdentifier{Algorithm: oidAES256CBC, Parameters: asn1.RawValue{FullBytes: encode(classUniversal, false, tagOctetString, iv)}})
	contentInfoOID, _ := asn1.Marshal(oidEnvelopedData)
	dataOID, _ := asn1.Marshal(oidData)

	var head []byte
	head = appendHeader(head, classUniversal, true, tagSequence, -1) // ContentInfo
	head = append(head, contentInfoOID...)
	head = appendHeader(head, classContext, true, 0, -1)             // [0] EXPLICIT content
	head = appendHeader(head, classUniversal, true, tagSequence, -1) // EnvelopedData
	head = append(head, 0x02, 0x01, 0x00)                            // version 0
	head = append(head, encode(classUniversal, true, tagSet, infos)...)
	head = appendHeader(head, classUniversal, true, tagSequence, -1) // EncryptedContentInfo
	head = append(head, dataOID...)
	head = append(head, aesParams...)
	head = appendHeader(head, classContext, true, 0, -1) // [0] IMPLICIT OCTET STRING, constructed
	if _, err := dst.Write(head); err != nil {
		return nil, err
	}
	return &encrypter{dst: dst, cbc: cipher.NewCBCEncrypter(block, iv), buf: make([]byte, 0, chunk), chunk: chunk}, nil
}

func recipientInfo(c *x509.Certificate, key []byte, rnd io.Reader, legacy bool) ([]byte, error) {
	if c == nil {
		return nil, errors.New("kryptering: nil recipient certificate")
	}
	pub, ok := c.PublicKey.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("kryptering: recipient %q has a %T key; the KS profile needs RSA", c.Subject.CommonName, c.PublicKey)
	}
	if pub.N.BitLen() < 2048 {
		return nil, fmt.Errorf("kryptering: recipient %q has a %d-bit RSA key; at least 2048 bits are needed", c.Subject.CommonName, pub.N.BitLen())
	}
	serial, err := asn1.Marshal(c.SerialNumber)
	if err != nil {
		return nil, err
	}
	rid := encode(classUniversal, true, tagSequence, append(append([]byte{}, c.RawIssuer...), serial...))
	var alg pkix.AlgorithmIdentifier
	var ek []byte
	if legacy {
		alg = pkix.AlgorithmIdentifier{Algorithm: oidRSAEncryption, Parameters: asn1.NullRawValue}
		// PKCS#1 v1.5 (deprecated in Go 1.26 for new code) only for LegacyRecipients, which a caller must ask for by name.
		ek, err = rsa.EncryptPKCS1v15(rnd, pub, key)
	} else {
		sha := pkix.AlgorithmIdentifier{Algorithm: oidSHA256, Parameters: asn1.NullRawValue}
		shaDER, _ := asn1.Marshal(sha)
		params, _ := asn1.Marshal(oaepParams{
			Hash:   sha,
			MGF:    pkix.AlgorithmIdentifier{Algorithm: oidMGF1, Parameters: asn1.RawValue{FullBytes: shaDER}},
			Source: pkix.AlgorithmIdentifier{Algorithm: oidPSpecified, Parameters: asn1.RawValue{FullBytes: []byte{0x04, 0x00}}},
		})
		alg = pkix.AlgorithmIdentifier{Algorithm: oidRSAESOAEP, Parameters: asn1.RawValue{FullBytes: params}}
		// MGF1 uses the same hash as OAEP here: SHA-256 for both, as the parameters say.
		ek, err = rsa.EncryptOAEP(sha256.New(), rnd, pub, key, nil)
	}
	if err != nil {
		return nil, fmt.Errorf("kryptering: encrypting the content key: %w", err)
	}
	return asn1.Marshal(keyTransRecipientInfo{Version: 0, Rid: asn1.RawValue{FullBytes: rid}, KeyEncryptionAlgorithm: alg, EncryptedKey: ek})
}

type encrypter struct {
	dst     io.Writer
	cbc     cipher.BlockMode
	partial [aes.BlockSize]byte
	npart   int
	buf     []byte // encrypted bytes waiting to be written as one chunk
	chunk   int
	err     error
	closed  bool
}

func (e *encrypter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.closed {
		return 0, errors.New("kryptering: write after Close")
	}
	n := len(p)
	if e.npart > 0 {
		c := copy(e.partial[e.npart:], p)
		e.npart += c
		p = p[c:]
		if e.npart < aes.BlockSize {
			return n, nil
		}
		e.put(e.partial[:])
		e.npart = 0
	}
	for len(p) >= aes.BlockSize {
		room := (e.chunk - len(e.buf)) / aes.BlockSize * aes.BlockSize
		take := min(room, len(p)/aes.BlockSize*aes.BlockSize)
		e.put(p[:take])
		p = p[take:]
		if e.err != nil {
			return n - len(p), e.err
		}
	}
	e.npart = copy(e.partial[:], p)
	return n, e.err
}

// put encrypts whole blocks into the chunk buffer and flushes full chunks.
func (e *encrypter) put(p []byte) {
	start := len(e.buf)
	e.buf = e.buf[:start+len(p)] // room is within the chunk (Write takes no more)
	e.cbc.CryptBlocks(e.buf[start:], p)
	if len(e.buf) >= e.chunk {
		e.flush()
	}
}

func (e *encrypter) flush() {
	if len(e.buf) == 0 || e.err != nil {
		return
	}
	var hdr [10]byte
	h := appendHeader(hdr[:0], classUniversal, false, tagOctetString, int64(len(e.buf)))
	if _, err := e.dst.Write(h); err != nil {
		e.err = err
		return
	}
	if _, err := e.dst.Write(e.buf); err != nil {
		e.err = err
		return
	}
	e.buf = e.buf[:0]
}

// Close pads and encrypts the last block and writes the end-of-contents markers.
func (e *encrypter) Close() error {
	if e.closed {
		return e.err
	}
	e.closed = true
	if e.err != nil {
		return e.err
	}
	pad := aes.BlockSize - e.npart
	for i := e.npart; i < aes.BlockSize; i++ {
		e.partial[i] = byte(pad)
	}
	e.put(e.partial[:])
	e.flush()
	if e.err != nil {
		return e.err
	}
	// [0] content, EncryptedContentInfo, EnvelopedData, [0] EXPLICIT, ContentInfo.
	_, e.err = e.dst.Write(make([]byte, 10))
	return e.err
}
