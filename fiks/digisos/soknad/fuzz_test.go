package soknad_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/fellesklient/fellesklient/fiks/digisos/soknad"
	"github.com/fellesklient/fellesklient/internal/testutil"
)

// Read never panics, and what it accepts it writes back as a document NAV's schema
// still accepts. Seeds: NAV's test applications (testdata/nav) and testdata/fuzz.
func FuzzRead(f *testing.F) {
	for _, nf := range testutil.NAVTestFiles(f, navFiles, "soknad", "soknad.json") {
		if nf.Schema == "soknad/soknad.json" {
			b, err := os.ReadFile(nf.Path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := soknad.Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := soknad.ValidateJSON(out); err != nil {
			t.Fatalf("accepted %s\nbut wrote %s\n%v", b, out, err)
		}
	})
}

// ReadVedlegg likewise.
func FuzzReadVedlegg(f *testing.F) {
	for _, nf := range testutil.NAVTestFiles(f, navFiles, "vedlegg", "vedleggSpesifikasjon.json") {
		b, err := os.ReadFile(nf.Path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := soknad.ReadVedlegg(bytes.NewReader(b))
		if err != nil {
			return
		}
		out, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := soknad.ValidateVedleggJSON(out); err != nil {
			t.Fatalf("accepted %s\nbut wrote %s\n%v", b, out, err)
		}
	})
}
