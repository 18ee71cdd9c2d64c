package noark5_test

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/fellesklient/fellesklient/noark5"
)

// Write an arkivstruktur.xml as a stream, every value checked against the v5.0 content
// model before it is written, then validate the result as a deposit's receiver does.
func ExampleWriter() {
	t0 := noark5.Tid(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC))
	id := func(n int) noark5.SystemID {
		return noark5.SystemID{ID: fmt.Sprintf("3f2504e0-4f89-11d3-9a0c-0305e82c33%02d", n)}
	}
	var buf bytes.Buffer
	w := noark5.NewWriter(&buf, &noark5.WriterOptions{Indent: true})
	steps := []error{
		w.StartArkiv(&noark5.Arkiv{SystemID: id(1), Tittel: "Sakarkiv", OpprettetDato: t0, OpprettetAv: "arkivar",
			AvsluttetDato: t0, AvsluttetAv: "arkivar", Arkivskaper: []noark5.Arkivskaper{{ArkivskaperID: "910000020", ArkivskaperNavn: "Testkommune"}}}),
		w.StartArkivdel(&noark5.Arkivdel{SystemID: id(2), Tittel: "Sakarkiv 2026", Arkivdelstatus: "Avsluttet periode",
			OpprettetDato: t0, OpprettetAv: "arkivar", AvsluttetDato: t0, AvsluttetAv: "arkivar"}),
		w.Registrering(&noark5.Registrering{SystemID: id(3), Tittel: "Referat fra møte", OpprettetDato: t0, OpprettetAv: "arkivar",
			ArkivertDato: t0, ArkivertAv: "arkivar"}),
		w.Close(),
	}
	if err := errors.Join(steps...); err != nil {
		fmt.Println(err)
		return
	}

	rep, err := noark5.Validate(&buf, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Schema, rep.Valid(), rep.Counts["arkivdel"], rep.Counts["registrering"])
	// Output: arkivstruktur true 1 1
}

// Validate reports every problem with its line and path; it returns an error only when
// the input cannot be read.
func ExampleValidate() {
	doc := `<arkiv xmlns="http://www.arkivverket.no/standarder/noark5/arkivstruktur"><systemID>ikke-en-uuid</systemID></arkiv>`
	rep, err := noark5.Validate(bytes.NewReader([]byte(doc)), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Valid(), rep.Errors > 0)
	fmt.Println(rep.Problems[0].Path, rep.Problems[0].Severity == noark5.SeverityError)
	// Output:
	// false true
	// /arkiv/systemID true
}
