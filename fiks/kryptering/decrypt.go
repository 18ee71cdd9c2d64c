package kryptering

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// Errors of the reader, for errors.Is.
var (
	// ErrNoRecipient: none of the message's recipients matches the key. A PKCS#1 v1.5
	// recipient matches only when it names the key: by Key.Certificate (issuer and serial
	// number, or subject key identifier), or, without a certificate, by the subject key
	// identifier of the key's public key. v1.5 cannot tell a wrong key from a right one,
	// so trying it blindly would turn about 1 wrong key in 256 into garbage plaintext.
	ErrNoRecipient = errors.New("kryptering: the data is not encrypted to this key")
	// ErrIntegrity: the input is truncated, its structure is broken, or the cipher's own
	// check failed. What is detected depends on the content cipher:
	//   - AES-GCM (AuthEnvelopedData): any change to the ciphertext or tag (the tag is
	//     checked before the last plaintext is released).
	//   - AES-CBC (EnvelopedData, KS's default): only truncation, a broken BER/DER
	//     structure, a length that is not whole blocks, and bad padding in the last block.
	//     CBC has no integrity: a changed bit elsewhere decrypts to changed plaintext
	//     without any error. Check the plaintext against a digest sent alongside it (SvarInn
	//     lists a SHA-256 per file; svarut verifies it) where one exists.
	// Plaintext read before this error must be discarded.
	ErrIntegrity = errors.New("kryptering: the encrypted data is truncated or corrupt")
	// ErrFormat: the input is not CMS EnvelopedData or AuthEnvelopedData.
	ErrFormat = errors.New("kryptering: not CMS EnvelopedData")
)

// NewDecrypter reads CMS EnvelopedData (or AuthEnvelopedData with AES-GCM) from src, DER
// or BER with indefinite lengths and constructed octet strings, and returns a reader of
// the plaintext. It reads the message header at once: the recipient that matches key
// (by issuer and serial number or subject key identifier of key.Certificate, or, without
// a certificate, every RSA recipient in turn), the content key (RSA-OAEP with SHA-1 or
// SHA-256, or PKCS#1 v1.5), and the content algorithm (AES-128/192/256-CBC, or AES-GCM).
//
// The plaintext is then streamed: memory stays a few tens of KiB whatever the size. The
// last block is released only after the padding (CBC) or the tag (GCM) and the end of the
// structure have been verified, so a truncated or corrupt input ends in an error wrapping
// ErrIntegrity, never in io.EOF. As with any stream, plaintext read before an error must
// be discarded.
func NewDecrypter(src io.Reader, key Key) (io.Reader, error) {
	return newDecrypter(src, key, readChunk, parallelMin, runtime.GOMAXPROCS(0))
}

// newDecrypter is NewDecrypter with the chunk size, the least ciphertext split across
// goroutines and the number of them (1: sequential), for tests that compare the two.
func newDecrypter(src io.Reader, key Key, chunk, parMin, workers int) (io.Reader, error) {
	if key.Decrypter == nil {
		return nil, errors.New("kryptering: no private key")
	}
	r := &reader{r: bufio.NewReaderSize(src, 64<<10)}
	d := &decrypter{in: r, chunk: chunk - chunk%aes.BlockSize, parMin: max(parMin, aes.BlockSize), workers: workers}
	if d.chunk < aes.BlockSize {
		d.chunk = aes.BlockSize
	}
	if err := d.readHeader(key); err != nil {
		return nil, err
	}
	return d, nil
}

type open struct {
	indefinite bool
	end        int64
}

type decrypter struct {
	in    *reader
	outer []open // ContentInfo, [0], EnvelopedData, EncryptedContentInfo: closed after the content
	auth  bool   // AuthEnvelopedData

	content contentStream
	block   cipher.Block        // AES for CBC (safe for concurrent use)
	iv      [aes.BlockSize]byte // CBC: the ciphertext block before the next chunk
	gcm     *gcmStream

	chunk, parMin, workers int // ciphertext per fill; splitting across goroutines

	cbufs [2][]byte   // ciphertext buffers: one decrypted while the other is read
	which int         // the buffer the next chunk is read into
	ahead *ciphertext // a chunk read while the last one was decrypted
	out   []byte      // plaintext ready to hand out
	held  []byte      // last decrypted block, held back (CBC)
	done  bool
	err   error
	plain []byte // backing array of out
}

func (d *decrypter) fail(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, a...)...)
}

func (d *decrypter) openOuter(h header) {
	o := open{indefinite: h.length < 0}
	if !o.indefinite {
		o.end = d.in.n + h.length
	}
	d.outer = append(d.outer, o)
}

func (d *decrypter) element(class, tag int, what string) (header, []byte, error) {
	h, err := readHeader(d.in)
	if err != nil {
		return h, nil, d.truncated(err)
	}
	if !h.is(class, tag) {
		return h, nil, d.fail("expected %s", what)
	}
	der, err := readDER(d.in, h, 0)
	if err != nil {
		return h, nil, d.truncated(err)
	}
	return h, der, nil
}

func (d *decrypter) truncated(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errTruncated) {
		return fmt.Errorf("%w (%v)", ErrIntegrity, errTruncated)
	}
	if errors.Is(err, ErrFormat) || errors.Is(err, ErrIntegrity) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrFormat, err)
}

func (d *decrypter) readHeader(key Key) error {
	if err := d.readEnvelope(); err != nil {
		return err
	}
	ris, err := d.readRecipientInfos()
	if err != nil {
		return err
	}
	alg, err := d.readContentAlgorithm()
	if err != nil {
		return err
	}
	// The content key is decrypted once its length is known from the content algorithm:
	// PKCS#1 v1.5 decryption must be told the length to stay free of a padding oracle.
	keyLen := max(cbcKeySize(alg.Algorithm), gcmKeySize(alg.Algorithm))
	if keyLen == 0 {
		return &UnsupportedAlgorithmError{Role: "content encryption", OID: alg.Algorithm}
	}
	cek, err := contentKey(ris, key, keyLen)
	if err != nil {
		return err
	}
	defer clear(cek)
	if err := d.setupCipher(alg, cek); err != nil {
		return err
	}
	return d.openContent()
}

// readEnvelope reads ContentInfo, its content type (EnvelopedData or AuthEnvelopedData), and
// the start of the enveloped data up to its version.
func (d *decrypter) readEnvelope() error {
	h, err := readHeader(d.in)
	if err != nil {
		return d.truncated(err)
	}
	if !h.is(classUniversal, tagSequence) || !h.constructed {
		return d.fail("expected a ContentInfo SEQUENCE")
	}
	d.openOuter(h)
	_, der, err := d.element(classUniversal, tagOID, "a content type")
	if err != nil {
		return err
	}
	var ct asn1.ObjectIdentifier
	if _, err := asn1.Unmarshal(der, &ct); err != nil {
		return d.fail("bad content type")
	}
	switch {
	case ct.Equal(oidEnvelopedData):
	case ct.Equal(oidAuthEnvelopedData):
		d.auth = true
	default:
		return &UnsupportedAlgorithmError{Role: "content type", OID: ct}
	}
	if h, err = readHeader(d.in); err != nil {
		return d.truncated(err)
	}
	if !h.is(classContext, 0) || !h.constructed {
		return d.fail("expected [0] content")
	}
	d.openOuter(h)
	if h, err = readHeader(d.in); err != nil {
		return d.truncated(err)
	}
	if !h.is(classUniversal, tagSequence) {
		return d.fail("expected EnvelopedData")
	}
	d.openOuter(h)
	_, _, err = d.element(classUniversal, tagInteger, "version")
	return err
}

// readRecipientInfos skips [0] originatorInfo and returns the recipientInfos SET, whole.
func (d *decrypter) readRecipientInfos() ([]byte, error) {
	h, err := readHeader(d.in)
	if err != nil {
		return nil, d.truncated(err)
	}
	if h.is(classContext, 0) {
		if _, err := readDER(d.in, h, 0); err != nil {
			return nil, d.truncated(err)
		}
		if h, err = readHeader(d.in); err != nil {
			return nil, d.truncated(err)
		}
	}
	if !h.is(classUniversal, tagSet) {
		return nil, d.fail("expected recipientInfos")
	}
	ris, err := readDER(d.in, h, 0)
	if err != nil {
		return nil, d.truncated(err)
	}
	return ris, nil
}

// readContentAlgorithm reads EncryptedContentInfo up to its content encryption algorithm.
func (d *decrypter) readContentAlgorithm() (pkix.AlgorithmIdentifier, error) {
	var alg pkix.AlgorithmIdentifier
	h, err := readHeader(d.in)
	if err != nil {
		return alg, d.truncated(err)
	}
	if !h.is(classUniversal, tagSequence) {
		return alg, d.fail("expected EncryptedContentInfo")
	}
	d.openOuter(h)
	if _, _, err = d.element(classUniversal, tagOID, "content type"); err != nil {
		return alg, err
	}
	_, der, err := d.element(classUniversal, tagSequence, "content encryption algorithm")
	if err != nil {
		return alg, err
	}
	if _, err := asn1.Unmarshal(der, &alg); err != nil {
		return alg, d.fail("bad content encryption algorithm")
	}
	return alg, nil
}

// openContent reads the header of [0] IMPLICIT encryptedContent, primitive or in segments.
func (d *decrypter) openContent() error {
	h, err := readHeader(d.in)
	if err != nil {
		return d.truncated(err)
	}
	if !h.is(classContext, 0) {
		return d.fail("no encrypted content (detached content is not supported)")
	}
	d.content = contentStream{in: d.in}
	if h.constructed {
		d.content.push(h, d.in.n)
	} else {
		d.content.remaining = h.length
		d.content.primitive = true
	}
	return nil
}

func (d *decrypter) setupCipher(alg pkix.AlgorithmIdentifier, cek []byte) error {
	if n := cbcKeySize(alg.Algorithm); n > 0 {
		if d.auth {
			return &UnsupportedAlgorithmError{Role: "content encryption (CBC in AuthEnvelopedData)", OID: alg.Algorithm}
		}
		var iv []byte
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &iv); err != nil || len(iv) != aes.BlockSize {
			return d.fail("bad AES-CBC IV")
		}
		if len(cek) != n {
			return fmt.Errorf("%w: content key has the wrong length", ErrNoRecipient)
		}
		block, err := aes.NewCipher(cek)
		if err != nil {
			return err
		}
		d.block = block
		copy(d.iv[:], iv)
		return nil
	}
	if n := gcmKeySize(alg.Algorithm); n > 0 {
		if !d.auth {
			return &UnsupportedAlgorithmError{Role: "content encryption (GCM outside AuthEnvelopedData)", OID: alg.Algorithm}
		}
		var p gcmParams
		if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil || len(p.Nonce) == 0 || p.ICVLen < 12 || p.ICVLen > 16 {
			return d.fail("bad AES-GCM parameters")
		}
		if len(cek) != n {
			return fmt.Errorf("%w: content key has the wrong length", ErrNoRecipient)
		}
		g, err := newGCMStream(cek, p.Nonce, p.ICVLen)
		if err != nil {
			return err
		}
		d.gcm = g
		return nil
	}
	return &UnsupportedAlgorithmError{Role: "content encryption", OID: alg.Algorithm}
}

// contentKey finds the recipient for key and decrypts the content-encryption key.
func contentKey(setDER []byte, key Key, keyLen int) ([]byte, error) {
	_, off := splitHeader(setDER)
	rest := setDER[off:]
	var lastErr error
	tried := 0
	for len(rest) > 0 {
		var raw asn1.RawValue
		var err error
		rest, err = asn1.Unmarshal(rest, &raw)
		if err != nil {
			return nil, fmt.Errorf("%w: bad recipientInfos", ErrFormat)
		}
		if raw.Class != classUniversal || raw.Tag != tagSequence {
			continue // KeyAgree, KEK, password or other recipients: not for an RSA key
		}
		var ktri keyTransRecipientInfo
		if _, err := asn1.Unmarshal(raw.FullBytes, &ktri); err != nil {
			continue
		}
		if !recipientFor(ktri, key) {
			continue
		}
		tried++
		cek, err := decryptKey(ktri, key.Decrypter, keyLen)
		if err == nil {
			return cek, nil
		}
		lastErr = err
	}
	var ua *UnsupportedAlgorithmError
	if errors.As(lastErr, &ua) {
		return nil, lastErr
	}
	if tried == 0 {
		if key.Certificate == nil {
			return nil, fmt.Errorf("%w (no recipient names this key; a PKCS#1 v1.5 recipient is used only when Key.Certificate identifies it)", ErrNoRecipient)
		}
		return nil, ErrNoRecipient
	}
	return nil, fmt.Errorf("%w: %d recipient(s) tried", ErrNoRecipient, tried)
}

// recipientFor reports whether ktri is to be tried with key. With a certificate, only the
// recipient it identifies. Without one, every RSA-OAEP recipient (OAEP rejects a wrong
// key with certainty), but a PKCS#1 v1.5 recipient only when its subject key identifier
// is the key's own: v1.5 with implicit rejection yields a random content key for a wrong
// private key, and CBC padding accepts that about once in 256.
func recipientFor(ktri keyTransRecipientInfo, key Key) bool {
	if key.Certificate != nil {
		return ridMatches(ktri.Rid, key.Certificate)
	}
	if !ktri.KeyEncryptionAlgorithm.Algorithm.Equal(oidRSAEncryption) {
		return true
	}
	if ktri.Rid.Class != classContext || ktri.Rid.Tag != 0 {
		return false
	}
	pub, ok := key.publicKey()
	if !ok {
		return false
	}
	return bytes.Equal(ktri.Rid.Bytes, publicKeySKI(pub))
}

// publicKeySKI is the RFC 5280 §4.2.1.2 method (1) key identifier: SHA-1 of the
// subjectPublicKey bit string (the PKCS#1 RSAPublicKey).
func publicKeySKI(pub *rsa.PublicKey) []byte {
	sum := sha1.Sum(x509.MarshalPKCS1PublicKey(pub))
	return sum[:]
}

func ridMatches(rid asn1.RawValue, c *x509.Certificate) bool {
	if rid.Class == classContext && rid.Tag == 0 {
		return len(c.SubjectKeyId) > 0 && bytes.Equal(rid.Bytes, c.SubjectKeyId)
	}
	var ias issuerAndSerial
	if _, err := asn1.Unmarshal(rid.FullBytes, &ias); err != nil {
		return false
	}
	return bytes.Equal(ias.Issuer.FullBytes, c.RawIssuer) && ias.Serial != nil && ias.Serial.Cmp(c.SerialNumber) == 0
}

func decryptKey(ktri keyTransRecipientInfo, dec crypto.Decrypter, keyLen int) ([]byte, error) {
	alg := ktri.KeyEncryptionAlgorithm
	switch {
	case alg.Algorithm.Equal(oidRSAEncryption):
		// SessionKeyLen: a wrong key yields a random key instead of an error (no padding
		// oracle, RFC 3218); the content then fails its padding or tag check.
		// (Deprecated in Go 1.26, for new code.) KS's .NET library adds a PKCS#1 v1.5 recipient to every message; reading it is required.
		k, err := dec.Decrypt(rand.Reader, ktri.EncryptedKey, &rsa.PKCS1v15DecryptOptions{SessionKeyLen: keyLen})
		if err != nil {
			return nil, ErrNoRecipient
		}
		return k, nil
	case alg.Algorithm.Equal(oidRSAESOAEP):
		hash, mgf := crypto.SHA1, crypto.SHA1
		var label []byte
		if len(alg.Parameters.FullBytes) > 0 {
			var p oaepParams
			if _, err := asn1.Unmarshal(alg.Parameters.FullBytes, &p); err != nil {
				return nil, fmt.Errorf("%w: bad RSAES-OAEP parameters", ErrFormat)
			}
			if p.Hash.Algorithm != nil {
				h, ok := hashByOID(p.Hash.Algorithm)
				if !ok {
					return nil, &UnsupportedAlgorithmError{Role: "OAEP hash", OID: p.Hash.Algorithm}
				}
				hash = h
			}
			if p.MGF.Algorithm != nil {
				if !p.MGF.Algorithm.Equal(oidMGF1) {
					return nil, &UnsupportedAlgorithmError{Role: "OAEP mask generation", OID: p.MGF.Algorithm}
				}
				var mh pkix.AlgorithmIdentifier
				if _, err := asn1.Unmarshal(p.MGF.Parameters.FullBytes, &mh); err != nil {
					return nil, fmt.Errorf("%w: bad MGF1 parameters", ErrFormat)
				}
				h, ok := hashByOID(mh.Algorithm)
				if !ok {
					return nil, &UnsupportedAlgorithmError{Role: "MGF1 hash", OID: mh.Algorithm}
				}
				mgf = h
			}
			if p.Source.Algorithm != nil {
				if !p.Source.Algorithm.Equal(oidPSpecified) {
					return nil, &UnsupportedAlgorithmError{Role: "OAEP label source", OID: p.Source.Algorithm}
				}
				if _, err := asn1.Unmarshal(p.Source.Parameters.FullBytes, &label); err != nil {
					return nil, fmt.Errorf("%w: bad OAEP label", ErrFormat)
				}
			}
		}
		k, err := dec.Decrypt(rand.Reader, ktri.EncryptedKey, &rsa.OAEPOptions{Hash: hash, MGFHash: mgf, Label: label})
		if err != nil || len(k) != keyLen {
			return nil, ErrNoRecipient
		}
		return k, nil
	}
	return nil, &UnsupportedAlgorithmError{Role: "key transport", OID: alg.Algorithm}
}

// contentStream yields the bytes of the encrypted content, primitive or constructed,
// definite or indefinite, nested.
type contentStream struct {
	in        *reader
	primitive bool
	remaining int64  // bytes left in the current primitive chunk
	stack     []open // open constructed octet strings
	eof       bool
}

func (c *contentStream) push(h header, pos int64) {
	o := open{indefinite: h.length < 0}
	if !o.indefinite {
		o.end = pos + h.length
	}
	c.stack = append(c.stack, o)
}

func (c *contentStream) Read(p []byte) (int, error) {
	for c.remaining == 0 {
		if c.eof || c.primitive {
			c.eof = true
			return 0, io.EOF
		}
		// Close definite constructed strings that are complete.
		for len(c.stack) > 0 && !c.stack[len(c.stack)-1].indefinite && c.in.n >= c.stack[len(c.stack)-1].end {
			if c.in.n > c.stack[len(c.stack)-1].end {
				return 0, fmt.Errorf("%w: octet string chunk overruns its parent", ErrIntegrity)
			}
			c.stack = c.stack[:len(c.stack)-1]
		}
		if len(c.stack) == 0 {
			c.eof = true
			return 0, io.EOF
		}
		h, err := readHeader(c.in)
		if err != nil {
			return 0, fmt.Errorf("%w (%v)", ErrIntegrity, errTruncated)
		}
		switch {
		case h.isEOC():
			if !c.stack[len(c.stack)-1].indefinite {
				return 0, fmt.Errorf("%w: unexpected end-of-contents", ErrIntegrity)
			}
			c.stack = c.stack[:len(c.stack)-1]
		case h.is(classUniversal, tagOctetString) && h.constructed:
			if len(c.stack) >= maxDepth {
				return 0, fmt.Errorf("%w: nesting too deep", ErrFormat)
			}
			c.push(h, c.in.n)
		case h.is(classUniversal, tagOctetString):
			c.remaining = h.length
		default:
			return 0, fmt.Errorf("%w: unexpected element in encrypted content", ErrFormat)
		}
	}
	if int64(len(p)) > c.remaining {
		p = p[:c.remaining]
	}
	n, err := c.in.Read(p)
	c.remaining -= int64(n)
	if err == io.EOF {
		if c.remaining > 0 {
			return n, fmt.Errorf("%w (%v)", ErrIntegrity, errTruncated)
		}
		err = nil
	}
	return n, err
}

// readChunk is how much ciphertext one fill decrypts: large enough to split across
// cores, small enough to keep memory flat (two buffers of it per decrypter).
const readChunk = 1 << 20

// parallelMin is the least ciphertext worth splitting across goroutines.
const parallelMin = 128 << 10

// cbcDecrypt decrypts src (whole blocks) into dst with AES-CBC, continuing from d.iv.
// CBC decryption of a block needs only the ciphertext block before it, so a long src is
// cut into parts decrypted at the same time, each starting from the ciphertext block
// before it; the output is the same as one CBC pass over src.
func (d *decrypter) cbcDecrypt(dst, src []byte) {
	parts := min(d.workers, len(src)/d.parMin)
	if parts <= 1 {
		cipher.NewCBCDecrypter(d.block, d.iv[:]).CryptBlocks(dst, src)
	} else {
		blocks := len(src) / aes.BlockSize
		per := (blocks + parts - 1) / parts * aes.BlockSize
		var wg sync.WaitGroup
		for off := 0; off < len(src); off += per {
			end := min(off+per, len(src))
			iv := d.iv[:]
			if off > 0 {
				iv = src[off-aes.BlockSize : off]
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				cipher.NewCBCDecrypter(d.block, iv).CryptBlocks(dst[off:end], src[off:end])
			}()
		}
		wg.Wait()
	}
	copy(d.iv[:], src[len(src)-aes.BlockSize:])
}

func (d *decrypter) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.done {
			return 0, io.EOF
		}
		d.err = d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// WriteTo writes the plaintext to w as it is decrypted, without an intermediate copy
// (io.Copy uses it). It stops at the first error, as Read does.
func (d *decrypter) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		for len(d.out) == 0 {
			if d.err != nil {
				return total, d.err
			}
			if d.done {
				return total, nil
			}
			d.err = d.fill()
		}
		n, err := w.Write(d.out)
		total += int64(n)
		d.out = d.out[n:]
		if err != nil {
			return total, err
		}
	}
}

// fill decrypts the next piece of ciphertext into d.out.
func (d *decrypter) fill() error {
	if d.cbufs[0] == nil {
		d.cbufs[0] = make([]byte, d.chunk+aes.BlockSize)
		d.plain = make([]byte, 0, d.chunk+2*aes.BlockSize)
	}
	if d.gcm != nil {
		c := d.readCiphertext(d.cbufs[0], false)
		if c.err != nil {
			return c.err
		}
		return d.fillGCM(c.buf[:c.n], c.eof)
	}
	cur := d.ahead
	d.ahead = nil
	if cur == nil {
		c := d.readCiphertext(d.cbufs[d.which], true)
		cur = &c
	}
	if cur.err != nil {
		return cur.err
	}
	n, eof := cur.n, cur.eof
	if n%aes.BlockSize != 0 {
		return fmt.Errorf("%w: content is not a whole number of blocks", ErrIntegrity)
	}
	out := d.plain[:0]
	out = append(out, d.held...)
	start := len(out)
	out = out[:start+n]
	switch {
	case n > 0 && d.workers > 1 && !eof:
		// Decrypt this chunk while the next one is read into the other buffer.
		if d.cbufs[1] == nil {
			d.cbufs[1] = make([]byte, d.chunk+aes.BlockSize)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			d.cbcDecrypt(out[start:], cur.buf[:n])
		}()
		d.which ^= 1
		next := d.readCiphertext(d.cbufs[d.which], true)
		<-done
		d.ahead = &next
	case n > 0:
		d.cbcDecrypt(out[start:], cur.buf[:n])
	}
	if !eof {
		// Hold back the last block: it may be the padded one.
		if len(out) >= aes.BlockSize {
			d.held = append(d.held[:0], out[len(out)-aes.BlockSize:]...)
			out = out[:len(out)-aes.BlockSize]
		}
		d.out = out
		return nil
	}
	if len(out) == 0 {
		return fmt.Errorf("%w: no encrypted content", ErrIntegrity)
	}
	pad := int(out[len(out)-1])
	if pad == 0 || pad > aes.BlockSize || pad > len(out) {
		return fmt.Errorf("%w: bad padding", ErrIntegrity)
	}
	for _, b := range out[len(out)-pad:] {
		if int(b) != pad {
			return fmt.Errorf("%w: bad padding", ErrIntegrity)
		}
	}
	if err := d.finish(); err != nil {
		return err
	}
	d.out = out[:len(out)-pad]
	d.held = nil
	d.done = true
	return nil
}

// ciphertext is one chunk of encrypted content as read.
type ciphertext struct {
	buf []byte
	n   int
	eof bool
	err error
}

// readCiphertext reads the next chunk of encrypted content into buf: enough to split
// across cores, but no more than that before plaintext is handed out, so that a slow
// stream still streams. With whole (CBC), a partial block is completed first.
func (d *decrypter) readCiphertext(buf []byte, whole bool) ciphertext {
	n, err := io.ReadAtLeast(&d.content, buf[:d.chunk], min(d.chunk, 2*d.parMin))
	eof := false
	switch {
	case err == nil:
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		eof = true
	default:
		return ciphertext{err: err}
	}
	for whole && n%aes.BlockSize != 0 && !eof {
		m, err := d.content.Read(buf[n : n+aes.BlockSize-n%aes.BlockSize])
		n += m
		if err == io.EOF {
			eof = true
		} else if err != nil {
			return ciphertext{err: err}
		}
	}
	return ciphertext{buf: buf, n: n, eof: eof}
}

// finish reads what follows the content ([1] attributes, the GCM tag, end markers) and
// checks that every open element is properly closed.
func (d *decrypter) finish() error {
	for i := len(d.outer) - 1; i >= 0; i-- {
		o := d.outer[i]
		for {
			if !o.indefinite && d.in.n >= o.end {
				if d.in.n > o.end {
					return fmt.Errorf("%w: element overruns its parent", ErrIntegrity)
				}
				break
			}
			h, err := readHeader(d.in)
			if err != nil {
				return fmt.Errorf("%w (%v)", ErrIntegrity, errTruncated)
			}
			if o.indefinite && h.isEOC() {
				break
			}
			der, err := readDER(d.in, h, 0)
			if err != nil {
				return fmt.Errorf("%w (%v)", ErrIntegrity, err)
			}
			if d.gcm != nil && i == len(d.outer)-2 && h.is(classUniversal, tagOctetString) {
				var mac []byte
				if _, err := asn1.Unmarshal(der, &mac); err != nil {
					return fmt.Errorf("%w: bad GCM tag", ErrIntegrity)
				}
				d.gcm.tag = mac
			}
			if d.gcm != nil && h.is(classContext, 1) {
				return &UnsupportedAlgorithmError{Role: "authenticated attributes in AuthEnvelopedData", OID: oidAuthEnvelopedData}
			}
		}
	}
	return nil
}
