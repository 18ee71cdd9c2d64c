package fiksarkiv_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"testing"

	"github.com/fellesklient/fellesklient/noark5/fiksarkiv"
)

// benchPayload is a V2 arkivmelding with a journalpost of 200 documents (about 150 KiB).
func benchPayload(b *testing.B) []byte {
	am := sampleV2()
	d := am.Registrering.Dokumentbeskrivelse[0]
	am.Registrering.Dokumentbeskrivelse = nil
	for i := 0; i < 200; i++ {
		c := d
		c.Dokumentobjekt = append([]fiksarkiv.Dokumentobjekt(nil), d.Dokumentobjekt...)
		c.Dokumentobjekt[0].ReferanseDokumentfil = fmt.Sprintf("vedlegg-%03d.pdf", i)
		c.Dokumentobjekt[0].Filnavn = c.Dokumentobjekt[0].ReferanseDokumentfil
		am.Registrering.Dokumentbeskrivelse = append(am.Registrering.Dokumentbeskrivelse, c)
	}
	am.AntallFiler = 200
	m, err := am.Melding()
	if err != nil {
		b.Fatal(err)
	}
	out, err := m.Bytes()
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkValidate: Validate (parse, then check against the XSD tables) against what a
// user would do without it, a streaming encoding/xml pass that only reads the tokens.
func BenchmarkValidate(b *testing.B) {
	payload := benchPayload(b)
	b.Run("encoding-xml", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			d := xml.NewDecoder(bytes.NewReader(payload))
			for {
				if _, err := d.Token(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("validate", func(b *testing.B) {
		b.SetBytes(int64(len(payload)))
		for b.Loop() {
			rep, err := fiksarkiv.Validate(bytes.NewReader(payload))
			if err != nil || !rep.Valid() {
				b.Fatal(err, rep.Problems)
			}
		}
	})
}
