package einnsyn

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

var elevenDigits = regexp.MustCompile(`(^|\D)\d{11}(\D|$)`)

// FuzzDecode feeds arbitrary JSON to every decoder of API answers: objects by entity,
// typed resources with their id-or-object references and dates, list pages, and error
// bodies. None may panic; what decodes must encode again.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"jp_01jh532p3ve6haq7n53xgpqayh","entity":"Journalpost","journalaar":2025,"journaldato":"2025-03-01","saksmappe":{"id":"sm_01jh532p3ve6haq7n53xgpqayh","entity":"Saksmappe"},"korrespondansepart":["kp_01jh532p3ve6haq7n53xgpqayh",{"korrespondansepartNavn":"x"}]}`))
	f.Add([]byte(`{"items":["jp_01jh532p3ve6haq7n53xgpqayh",{"id":"x","entity":"Moetesak"}],"next":"/search?startingAfter=a&startingAfter=b"}`))
	f.Add([]byte(`{"type":"validationError","message":"m","fieldError":[{"fieldName":"f","value":"13097248022"}]}`))
	f.Add([]byte(`{"body":{"type":"notFound","message":"m"}}`))
	f.Add([]byte(`{"entity":"Enhet","navn":"K","underenhet":[{"entity":"Enhet","id":"enh_1"}],"avsluttetDato":"2025-02-30"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Object
		if json.Unmarshal(b, &o) == nil {
			if _, err := json.Marshal(o); err != nil {
				t.Fatalf("decoded object does not encode: %v", err)
			}
			_ = o.Tittel()
		}
		var j Journalpost
		if json.Unmarshal(b, &j) == nil {
			if _, err := json.Marshal(j); err != nil {
				t.Fatalf("decoded journalpost does not encode: %v", err)
			}
		}
		var e Enhet
		_ = json.Unmarshal(b, &e)
		var m Moetemappe
		_ = json.Unmarshal(b, &m)
		var p wirePage
		_ = json.Unmarshal(b, &p)
		resp := &http.Response{StatusCode: 400, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(""))}
		err := newError(resp, b)
		if m := elevenDigits.FindString(err.Error()); m != "" {
			t.Fatalf("an 11-digit number in an error: %q", m)
		}
	})
}
