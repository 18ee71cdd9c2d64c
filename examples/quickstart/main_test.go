package main

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatalf("quickstart failed: %v\n%s", err, out.String())
	}
	s := out.String()
	for _, want := range []string{
		"print address Kirkeveien 12B, 5003 BERGEN",
		"Ola Nordmann: folkeregister: the address is protected (strengtFortrolig); no address is given; sending digitally only",
		"gjenbrukt true); SvarUt holds 4 forsendelser",
		"print-only letter",
		"4. Min side: the decision indexed as JOURNALPOST_V1 for 138972*****",
		"6. SvarInn V2: received \"Kopi: vedtak om barnehageplass\" (vedtak.pdf, HOYESTE, SHA-256 verified true): Vedtak: Du har fått plass",
		"7. SvarUt status of the copy: LEST (1 acknowledged); token requests sent to Maskinporten: 1",
		"8. Noark 5: archived saksmappe 2026/42 with journalpost 2026/1234 as an arkivmelding",
		`the public finds "Vedtak om barnehageplass" in "Barnehageopptak 2026", to "Skjermet"`,
		"10. Fiks Arkiv over FIKS IO: Barnehagesystem filed the decision in Arkivkommune arkiv; kvittering: saksnummer 2026/1, journalpost 2026/1 nr. 1 in the case, 1 document(s)",
		"vedtakFattet reported (1 status version(s) at Fiks); a status without systemversjon was refused before sending",
		"MP-200", "quickstart: ok. Nothing left this machine", "Next: docs/maskinporten.md"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	// Every step is numbered once, in order.
	var steps []int
	for _, line := range strings.Split(s, "\n") {
		var n int
		if _, err := fmt.Sscanf(line, "%d. ", &n); err == nil {
			steps = append(steps, n)
		}
	}
	for i, n := range steps {
		if n != i+1 {
			t.Errorf("steps are %v: step %d out of order or repeated", steps, n)
			break
		}
	}
	if strings.Contains(s, "Kari Nordmann\"") || strings.Contains(s, "- Kari") {
		t.Error("the screened name reached the public")
	}
	if strings.Contains(s, "eyJ") {
		t.Error("a token appeared in the output")
	}
	// An identity number stands alone; ids (UUIDs, eInnsyn ids) may hold long digit runs by chance.
	if m := regexp.MustCompile(`(^|[^0-9A-Za-z_-])\d{11}([^0-9A-Za-z_-]|$)`).FindString(s); m != "" {
		t.Errorf("an identity number appeared in the output: %s", m)
	}
}
