package noark5_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/fellesklient/fellesklient/internal/testutil"
	"github.com/fellesklient/fellesklient/noark5"
)

var oneMillion = flag.Bool("noark5.1m", false, "also benchmark 1 000 000 journalposter (minutes, GBs of memory for the baselines)")

func benchSizes() []int {
	if *oneMillion {
		return []int{100000, 1000000}
	}
	return []int{100000}
}

// peak samples the live heap every 2 ms while f runs and returns the highest value.
func peak(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var max uint64
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > max {
				max = v
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	f()
	cancel()
	wg.Wait()
	return max
}

type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// record is journalpost i of a synthetic extraction, the same for every side.
func record(i int) noark5.Registrering {
	t := noark5.Tid(time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute))
	id := fmt.Sprintf("3f2504e0-4f89-11d3-9a0c-%012d", i)
	return noark5.Registrering{SystemID: noark5.SystemID{ID: id}, OpprettetDato: t, OpprettetAv: "saksbehandler", ArkivertDato: t, ArkivertAv: "arkivar",
		Dokumentbeskrivelse: []noark5.Dokumentbeskrivelse{{SystemID: noark5.SystemID{ID: id}, Dokumenttype: "Brev", Dokumentstatus: "Dokumentet er ferdigstilt",
			Tittel: "Brev " + strconv.Itoa(i), OpprettetDato: t, OpprettetAv: "saksbehandler", TilknyttetRegistreringSom: "Hoveddokument", Dokumentnummer: 1,
			TilknyttetDato: t, TilknyttetAv: "saksbehandler", Dokumentobjekt: []noark5.Dokumentobjekt{{SystemID: noark5.SystemID{ID: id}, Versjonsnummer: 1,
				Variantformat: "Arkivformat", Format: "PDF/A", OpprettetDato: t, OpprettetAv: "saksbehandler", ReferanseDokumentfil: "dokumenter/" + strconv.Itoa(i) + ".pdf",
				Sjekksum: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", SjekksumAlgoritme: "SHA-256", Filstoerrelse: 1234}}}},
		Tittel:             "Søknad om rammetillatelse " + strconv.Itoa(i),
		Korrespondansepart: []noark5.Korrespondansepart{{Korrespondanseparttype: "Avsender", KorrespondansepartNavn: "Ola Nordmann"}},
		Journalpost: &noark5.Journalpost{Journalaar: 2024, Journalsekvensnummer: i, Journalpostnummer: 1 + i%10, Journalposttype: "Inngående dokument",
			Journalstatus: "Arkivert", Journaldato: noark5.Dato{Time: t.Truncate(24 * time.Hour)}},
	}
}

var (
	bt   = noark5.Tid(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	arkv = noark5.Arkiv{SystemID: noark5.SystemID{ID: "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}, Tittel: "Arkiv", OpprettetDato: bt, OpprettetAv: "x",
		AvsluttetDato: bt, AvsluttetAv: "x", Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "910000020", ArkivskaperNavn: "Testkommune"}}}
	adel = noark5.Arkivdel{SystemID: noark5.SystemID{ID: "3f2504e0-4f89-11d3-9a0c-0305e82c3302"}, Tittel: "Del", Arkivdelstatus: "Avsluttet periode",
		OpprettetDato: bt, OpprettetAv: "x", AvsluttetDato: bt, AvsluttetAv: "x"}
)

func sak(k int) noark5.Mappe {
	return noark5.Mappe{SystemID: noark5.SystemID{ID: fmt.Sprintf("5d0f4c1e-2b3a-4f6d-8e9a-%012d", k)}, MappeID: "2024/" + strconv.Itoa(k),
		Tittel: "Sak " + strconv.Itoa(k), OpprettetDato: bt, OpprettetAv: "x", AvsluttetDato: bt, AvsluttetAv: "x",
		Saksmappe: &noark5.Saksmappe{Saksaar: 2024, Sakssekvensnummer: k, Saksdato: noark5.NewDato(2024, 1, 1), AdministrativEnhet: "Plan",
			Saksansvarlig: "sb", Saksstatus: "Avsluttet"}}
}

const perSak = 10

// writeStream writes n journalposter with the streaming Writer.
func writeStream(w io.Writer, n int) error {
	wr := noark5.NewWriter(w, nil)
	if err := wr.StartArkiv(&arkv); err != nil {
		return err
	}
	if err := wr.StartArkivdel(&adel); err != nil {
		return err
	}
	for k := 0; k*perSak < n; k++ {
		m := sak(k + 1)
		if err := wr.StartMappe(&m); err != nil {
			return err
		}
		for i := k * perSak; i < min(n, (k+1)*perSak); i++ {
			r := record(i + 1)
			if err := wr.Registrering(&r); err != nil {
				return err
			}
		}
		if err := wr.End(); err != nil {
			return err
		}
	}
	return wr.Close()
}

// encodePerSaksmappe streams n journalposter with encoding/xml: one EncodeElement per
// saksmappe (with its journalposter), the arkiv and arkivdel around them.
func encodePerSaksmappe(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := xml.NewEncoder(bw)
	if _, err := io.WriteString(bw, xml.Header); err != nil {
		return err
	}
	type head struct {
		XMLName xml.Name `xml:"arkiv"`
		Xmlns   string   `xml:"xmlns,attr"`
		Xsi     string   `xml:"xmlns:xsi,attr"`
		noark5.Arkiv
	}
	var hb bytes.Buffer
	if err := xml.NewEncoder(&hb).Encode(head{Xmlns: noark5.Namespace, Xsi: "http://www.w3.org/2001/XMLSchema-instance", Arkiv: arkv}); err != nil {
		return err
	}
	bw.Write(bytes.TrimSuffix(hb.Bytes(), []byte("</arkiv>")))
	hb.Reset()
	if err := xml.NewEncoder(&hb).EncodeElement(adel, xml.StartElement{Name: xml.Name{Local: "arkivdel"}}); err != nil {
		return err
	}
	bw.Write(bytes.TrimSuffix(hb.Bytes(), []byte("</arkivdel>")))
	for k := 0; k*perSak < n; k++ {
		m := sak(k + 1)
		for i := k * perSak; i < min(n, (k+1)*perSak); i++ {
			m.Registreringer = append(m.Registreringer, record(i+1))
		}
		if err := enc.EncodeElement(m, xml.StartElement{Name: xml.Name{Local: "mappe"}}); err != nil {
			return err
		}
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	io.WriteString(bw, "</arkivdel></arkiv>")
	return bw.Flush()
}

// tree is the whole extraction as one value, for encoding/xml in one go.
type tree struct {
	XMLName xml.Name `xml:"arkiv"`
	Xmlns   string   `xml:"xmlns,attr"`
	Xsi     string   `xml:"xmlns:xsi,attr"`
	noark5.Arkiv
	Arkivdel struct {
		noark5.Arkivdel
		Mappe []noark5.Mappe `xml:"mappe"`
	} `xml:"arkivdel"`
}

func buildTree(n int) *tree {
	t := &tree{Xmlns: noark5.Namespace, Xsi: "http://www.w3.org/2001/XMLSchema-instance", Arkiv: arkv}
	t.Arkivdel.Arkivdel = adel
	for k := 0; k*perSak < n; k++ {
		m := sak(k + 1)
		for i := k * perSak; i < min(n, (k+1)*perSak); i++ {
			m.Registreringer = append(m.Registreringer, record(i+1))
		}
		t.Arkivdel.Mappe = append(t.Arkivdel.Mappe, m)
	}
	return t
}

// etreeRecord builds a journalpost as etree elements, in the schema's order.
func etreeRecord(parent *etree.Element, r *noark5.Registrering) {
	e := parent.CreateElement("registrering")
	e.CreateAttr("xsi:type", "journalpost")
	text := func(p *etree.Element, name, v string) { p.CreateElement(name).SetText(v) }
	ts := func(t noark5.Tidspunkt) string { b, _ := t.MarshalText(); return string(b) }
	text(e, "systemID", r.SystemID.ID)
	text(e, "opprettetDato", ts(r.OpprettetDato))
	text(e, "opprettetAv", r.OpprettetAv)
	text(e, "arkivertDato", ts(r.ArkivertDato))
	text(e, "arkivertAv", r.ArkivertAv)
	for _, d := range r.Dokumentbeskrivelse {
		db := e.CreateElement("dokumentbeskrivelse")
		text(db, "systemID", d.SystemID.ID)
		text(db, "dokumenttype", d.Dokumenttype)
		text(db, "dokumentstatus", d.Dokumentstatus)
		text(db, "tittel", d.Tittel)
		text(db, "opprettetDato", ts(d.OpprettetDato))
		text(db, "opprettetAv", d.OpprettetAv)
		text(db, "tilknyttetRegistreringSom", d.TilknyttetRegistreringSom)
		text(db, "dokumentnummer", strconv.Itoa(d.Dokumentnummer))
		text(db, "tilknyttetDato", ts(d.TilknyttetDato))
		text(db, "tilknyttetAv", d.TilknyttetAv)
		for _, o := range d.Dokumentobjekt {
			do := db.CreateElement("dokumentobjekt")
			text(do, "systemID", o.SystemID.ID)
			text(do, "versjonsnummer", strconv.Itoa(o.Versjonsnummer))
			text(do, "variantformat", o.Variantformat)
			text(do, "format", o.Format)
			text(do, "opprettetDato", ts(o.OpprettetDato))
			text(do, "opprettetAv", o.OpprettetAv)
			text(do, "referanseDokumentfil", o.ReferanseDokumentfil)
			text(do, "sjekksum", o.Sjekksum)
			text(do, "sjekksumAlgoritme", o.SjekksumAlgoritme)
			text(do, "filstoerrelse", strconv.FormatInt(o.Filstoerrelse, 10))
		}
	}
	text(e, "tittel", r.Tittel)
	for _, k := range r.Korrespondansepart {
		kp := e.CreateElement("korrespondansepart")
		text(kp, "korrespondanseparttype", k.Korrespondanseparttype)
		text(kp, "korrespondansepartNavn", k.KorrespondansepartNavn)
	}
	j := r.Journalpost
	text(e, "journalaar", strconv.Itoa(j.Journalaar))
	text(e, "journalsekvensnummer", strconv.Itoa(j.Journalsekvensnummer))
	text(e, "journalpostnummer", strconv.Itoa(j.Journalpostnummer))
	text(e, "journalposttype", j.Journalposttype)
	text(e, "journalstatus", j.Journalstatus)
	b, _ := j.Journaldato.MarshalText()
	text(e, "journaldato", string(b))
}

func buildEtree(n int) *etree.Document {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	root := doc.CreateElement("arkiv")
	root.CreateAttr("xmlns", noark5.Namespace)
	root.CreateAttr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance")
	text := func(p *etree.Element, name, v string) { p.CreateElement(name).SetText(v) }
	ts := func(t noark5.Tidspunkt) string { b, _ := t.MarshalText(); return string(b) }
	text(root, "systemID", arkv.SystemID.ID)
	text(root, "tittel", arkv.Tittel)
	text(root, "opprettetDato", ts(arkv.OpprettetDato))
	text(root, "opprettetAv", arkv.OpprettetAv)
	text(root, "avsluttetDato", ts(arkv.AvsluttetDato))
	text(root, "avsluttetAv", arkv.AvsluttetAv)
	as := root.CreateElement("arkivskaper")
	text(as, "arkivskaperID", "910000020")
	text(as, "arkivskaperNavn", "Testkommune")
	del := root.CreateElement("arkivdel")
	text(del, "systemID", adel.SystemID.ID)
	text(del, "tittel", adel.Tittel)
	text(del, "arkivdelstatus", adel.Arkivdelstatus)
	text(del, "opprettetDato", ts(adel.OpprettetDato))
	text(del, "opprettetAv", adel.OpprettetAv)
	text(del, "avsluttetDato", ts(adel.AvsluttetDato))
	text(del, "avsluttetAv", adel.AvsluttetAv)
	for k := 0; k*perSak < n; k++ {
		s := sak(k + 1)
		m := del.CreateElement("mappe")
		m.CreateAttr("xsi:type", "saksmappe")
		text(m, "systemID", s.SystemID.ID)
		text(m, "mappeID", s.MappeID)
		text(m, "tittel", s.Tittel)
		text(m, "opprettetDato", ts(s.OpprettetDato))
		text(m, "opprettetAv", s.OpprettetAv)
		text(m, "avsluttetDato", ts(s.AvsluttetDato))
		text(m, "avsluttetAv", s.AvsluttetAv)
		for i := k * perSak; i < min(n, (k+1)*perSak); i++ {
			r := record(i + 1)
			etreeRecord(m, &r)
		}
		text(m, "saksaar", "2024")
		text(m, "sakssekvensnummer", strconv.Itoa(k+1))
		text(m, "saksdato", "2024-01-01")
		text(m, "administrativEnhet", "Plan")
		text(m, "saksansvarlig", "sb")
		text(m, "saksstatus", "Avsluttet")
	}
	return doc
}

// BenchmarkWrite writes n journalposter (10 to a saksmappe, one document each): the
// streaming noark5.Writer, against encoding/xml's Encoder marshalling the same structs as
// one tree in one go, and against building the same tree with etree and writing it, in
// the same run. MB/s is of the output; peak-MiB is the highest live heap while writing.
//
//	go test -run '^$' -bench Write -benchtime 3x -count 6 ./noark5/ [-noark5.1m]
func BenchmarkWrite(b *testing.B) {
	for _, n := range benchSizes() {
		run := func(b *testing.B, f func(w io.Writer) error) {
			var c counter
			var p uint64
			for range b.N {
				c = counter{}
				p = max(p, peak(func() {
					if err := f(&c); err != nil {
						b.Fatal(err)
					}
				}))
			}
			b.SetBytes(c.n)
			b.ReportMetric(float64(p)/(1<<20), "peak-MiB")
		}
		b.Run(fmt.Sprintf("n=%d/noark5.Writer", n), func(b *testing.B) {
			run(b, func(w io.Writer) error { return writeStream(w, n) })
		})
		b.Run(fmt.Sprintf("n=%d/encoding-xml", n), func(b *testing.B) {
			run(b, func(w io.Writer) error {
				t := buildTree(n)
				if _, err := io.WriteString(w, xml.Header); err != nil {
					return err
				}
				return xml.NewEncoder(w).Encode(t)
			})
		})
		b.Run(fmt.Sprintf("n=%d/encoding-xml-per-saksmappe", n), func(b *testing.B) {
			// How anyone streams with encoding/xml: the containers' heads by hand, then one
			// EncodeElement per saksmappe with its journalposter; no checks.
			run(b, func(w io.Writer) error { return encodePerSaksmappe(w, n) })
		})
		b.Run(fmt.Sprintf("n=%d/etree", n), func(b *testing.B) {
			run(b, func(w io.Writer) error {
				_, err := buildEtree(n).WriteTo(w)
				return err
			})
		})
	}
}

// BenchmarkRead reads and validates the same files: noark5.Validate and the
// noark5.Registreringer reader, against `xmllint --stream --noout --schema` with the v5.0
// XSD on the same file, in the same run. MB/s is of the input.
//
//	go test -run '^$' -bench Read -benchtime 3x -count 6 ./noark5/ [-noark5.1m]
func BenchmarkRead(b *testing.B) {
	xsd := testutil.SharedFile(b, "specs/noark5/xsd/v5.0/arkivstruktur.xsd")
	lint := testutil.Tool(b, "xmllint")
	for _, n := range benchSizes() {
		file := filepath.Join(b.TempDir(), "arkivstruktur.xml")
		f, err := os.Create(file)
		if err != nil {
			b.Fatal(err)
		}
		if err := writeStream(f, n); err != nil {
			b.Fatal(err)
		}
		f.Close()
		st, _ := os.Stat(file)
		b.Run(fmt.Sprintf("n=%d/noark5.Validate", n), func(b *testing.B) {
			b.SetBytes(st.Size())
			for range b.N {
				f, _ := os.Open(file)
				rep, err := noark5.Validate(f, nil)
				f.Close()
				if err != nil || !rep.Valid() {
					b.Fatal(err, rep.Problems)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/noark5.Validate-encoding-xml", n), func(b *testing.B) {
			// The same validator on encoding/xml's Decoder instead of xmlscan: the
			// baseline for the tokenizer.
			b.SetBytes(st.Size())
			for range b.N {
				f, _ := os.Open(file)
				rep, err := noark5.ValidateWithEncodingXML(f, nil)
				f.Close()
				if err != nil || !rep.Valid() {
					b.Fatal(err, rep.Problems)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/noark5.Registreringer", n), func(b *testing.B) {
			b.SetBytes(st.Size())
			for range b.N {
				f, _ := os.Open(file)
				k := 0
				for _, err := range noark5.Registreringer(f) {
					if err != nil {
						b.Fatal(err)
					}
					k++
				}
				f.Close()
				if k != n {
					b.Fatalf("read %d", k)
				}
			}
		})
		b.Run(fmt.Sprintf("n=%d/xmllint-stream", n), func(b *testing.B) {
			b.SetBytes(st.Size())
			for range b.N {
				out, err := exec.Command(lint, "--stream", "--noout", "--schema", xsd, file).CombinedOutput()
				if err != nil || !bytes.Contains(out, []byte("validates")) {
					b.Fatal(err, string(out))
				}
			}
		})
	}
}
