package kryptering

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
)

// gcmStream decrypts AES-GCM (NIST SP 800-38D) as a stream: CTR with a 32-bit counter
// increment, and GHASH over the ciphertext, checked against the tag at the end. The
// standard library's GCM needs the whole message at once, which a 5 GB payload cannot be.
// Additional authenticated data is not supported (CMS puts authAttrs after the content).
type gcmStream struct {
	block   cipher.Block
	hh, hl  uint64   // hash key H
	yh, yl  uint64   // GHASH accumulator
	j0      [16]byte // pre-counter block
	ctr     [16]byte
	ks      [16]byte // current keystream block
	ksUsed  int
	partial [16]byte // ciphertext not yet hashed
	npart   int
	n       uint64 // ciphertext length in bytes
	tagLen  int
	tag     []byte // from the message, set by finish
}

func newGCMStream(key, nonce []byte, tagLen int) (*gcmStream, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	g := &gcmStream{block: b, tagLen: tagLen, ksUsed: 16}
	var h [16]byte
	b.Encrypt(h[:], h[:])
	g.hh, g.hl = binary.BigEndian.Uint64(h[:8]), binary.BigEndian.Uint64(h[8:])
	if len(nonce) == 12 {
		copy(g.j0[:], nonce)
		g.j0[15] = 1
	} else {
		g.ghash(nonce)
		g.flushPartial()
		var lens [16]byte
		binary.BigEndian.PutUint64(lens[8:], uint64(len(nonce))*8)
		g.ghashBlock(lens[:])
		binary.BigEndian.PutUint64(g.j0[:8], g.yh)
		binary.BigEndian.PutUint64(g.j0[8:], g.yl)
		g.yh, g.yl = 0, 0
	}
	g.ctr = g.j0
	return g, nil
}

func (g *gcmStream) inc32() {
	c := binary.BigEndian.Uint32(g.ctr[12:]) + 1
	binary.BigEndian.PutUint32(g.ctr[12:], c)
}

// decrypt hashes and decrypts ciphertext in place.
func (g *gcmStream) decrypt(buf []byte) {
	g.ghash(buf)
	g.n += uint64(len(buf))
	for i := range buf {
		if g.ksUsed == 16 {
			g.inc32()
			g.block.Encrypt(g.ks[:], g.ctr[:])
			g.ksUsed = 0
		}
		buf[i] ^= g.ks[g.ksUsed]
		g.ksUsed++
	}
}

func (g *gcmStream) ghash(p []byte) {
	if g.npart > 0 {
		c := copy(g.partial[g.npart:], p)
		g.npart += c
		p = p[c:]
		if g.npart < 16 {
			return
		}
		g.ghashBlock(g.partial[:])
		g.npart = 0
	}
	for len(p) >= 16 {
		g.ghashBlock(p[:16])
		p = p[16:]
	}
	g.npart = copy(g.partial[:], p)
}

func (g *gcmStream) flushPartial() {
	if g.npart > 0 {
		clear(g.partial[g.npart:])
		g.ghashBlock(g.partial[:])
		g.npart = 0
	}
}

// ghashBlock: Y = (Y xor X) · H in GF(2^128), GCM's bit order.
func (g *gcmStream) ghashBlock(x []byte) {
	zh, zl := uint64(0), uint64(0)
	xh := g.yh ^ binary.BigEndian.Uint64(x[:8])
	xl := g.yl ^ binary.BigEndian.Uint64(x[8:])
	vh, vl := g.hh, g.hl
	for i := 0; i < 128; i++ {
		var bit uint64
		if i < 64 {
			bit = xh >> (63 - i) & 1
		} else {
			bit = xl >> (127 - i) & 1
		}
		mask := -bit
		zh ^= vh & mask
		zl ^= vl & mask
		lsb := vl & 1
		vl = vl>>1 | vh<<63
		vh >>= 1
		vh ^= 0xe100000000000000 & -lsb
	}
	g.yh, g.yl = zh, zl
}

// verify checks the tag after all ciphertext has been decrypted.
func (g *gcmStream) verify() error {
	if len(g.tag) != g.tagLen {
		return fmt.Errorf("%w: missing or mis-sized GCM tag", ErrIntegrity)
	}
	g.flushPartial()
	var lens [16]byte
	binary.BigEndian.PutUint64(lens[8:], g.n*8)
	g.ghashBlock(lens[:])
	var s, want [16]byte
	binary.BigEndian.PutUint64(s[:8], g.yh)
	binary.BigEndian.PutUint64(s[8:], g.yl)
	g.block.Encrypt(want[:], g.j0[:])
	subtle.XORBytes(want[:], want[:], s[:])
	if subtle.ConstantTimeCompare(want[:g.tagLen], g.tag) != 1 {
		return fmt.Errorf("%w: GCM authentication failed", ErrIntegrity)
	}
	return nil
}

func (d *decrypter) fillGCM(ct []byte, eof bool) error {
	out := d.plain[:len(ct)]
	copy(out, ct)
	d.gcm.decrypt(out)
	if eof {
		if err := d.finish(); err != nil {
			return err
		}
		if err := d.gcm.verify(); err != nil {
			return err
		}
		d.done = true
	}
	d.out = out
	return nil
}
