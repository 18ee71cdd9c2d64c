package xsdate_test

import (
	"encoding/json"
	"encoding/xml"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/einnsyn"
	"github.com/fellesklient/fellesklient/folkeregister"
	"github.com/fellesklient/fellesklient/internal/xsdate"
	"github.com/fellesklient/fellesklient/noark5"
	"github.com/fellesklient/fellesklient/noark5/arkivmelding"
)

func TestDatoReads(t *testing.T) {
	cases := map[string]string{
		"2025-03-01":                "2025-03-01",
		"2025-03-01Z":               "2025-03-01",
		"2025-03-01+01:00":          "2025-03-01",
		"2025-03-01-14:00":          "2025-03-01",
		"2025-03-01T23:30:00+01:00": "2025-03-01", // the date as written, not UTC's
		"2025-03-01T00:30:00-05:00": "2025-03-01",
		"2025-03-01T12:00:00Z":      "2025-03-01",
		"2025-03-01T12:00:00.5":     "2025-03-01",
		"2024-02-29":                "2024-02-29",
		"":                          "",
	}
	for in, want := range cases {
		var d xsdate.Dato
		require.NoError(t, d.UnmarshalText([]byte(in)), in)
		assert.Equal(t, want, d.String(), in)
		if want != "" {
			assert.Equal(t, time.UTC, d.Location(), in)
		}
	}
	for _, bad := range []string{"2025-02-30", "2023-02-29", "25-03-01", "2025-3-1", "2025-03-01T25:00:00Z", "2025-03-01+15:00",
		"2025-03-01 12:00", "13097248022", "2025-03-01T12:00:00+0100"} {
		var d xsdate.Dato
		err := d.UnmarshalText([]byte(bad))
		require.Error(t, err, bad)
		assert.NotContains(t, err.Error(), "13097248022")
	}
}

func TestTidspunktReads(t *testing.T) {
	cases := map[string]string{
		"2025-03-01T23:30:00+01:00":     "2025-03-01T23:30:00+01:00",
		"2025-03-01T23:30:00.250Z":      "2025-03-01T23:30:00.25Z",
		"2025-03-01T23:30:00":           "2025-03-01T23:30:00", // no zone in, no zone out
		"2025-03-01T23:30:00.123456789": "2025-03-01T23:30:00.123456789",
		"":                              "",
	}
	for in, want := range cases {
		var ts xsdate.Tidspunkt
		require.NoError(t, ts.UnmarshalText([]byte(in)), in)
		assert.Equal(t, want, ts.String(), in)
	}
	var ts xsdate.Tidspunkt
	require.Error(t, ts.UnmarshalText([]byte("2025-03-01")))
	require.Error(t, ts.UnmarshalText([]byte("i morgen")))
}

// TestOneTypeEverywhere: every package's Dato and Tidspunkt is the one type, so a value
// moves between them without conversion and marshals alike.
func TestOneTypeEverywhere(t *testing.T) {
	d := noark5.NewDato(2025, 3, 1)
	var e einnsyn.Dato = d
	var f folkeregister.Dato = e
	var a arkivmelding.Dato = f
	var ts folkeregister.Tidspunkt = noark5.Tid(time.Date(2025, 3, 1, 23, 30, 0, 0, time.FixedZone("", 3600)))
	for _, v := range []any{d, e, f, a} {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		assert.Equal(t, `"2025-03-01"`, string(b), "not time.Time's timestamp")
	}
	b, err := json.Marshal(ts)
	require.NoError(t, err)
	assert.Equal(t, `"2025-03-01T23:30:00+01:00"`, string(b))
}

type doc struct {
	XMLName  xml.Name           `xml:"d"`
	Attr     xsdate.Dato        `xml:"a,attr,omitempty"`
	Dato     xsdate.Dato        `xml:"dato"`
	Ptr      *xsdate.Dato       `xml:"ptr,omitempty"`
	Tid      xsdate.Tidspunkt   `xml:"tid"`
	TidPtr   *xsdate.Tidspunkt  `xml:"tidPtr,omitempty"`
	Datoer   []xsdate.Dato      `xml:"datoer"`
	JSONDato xsdate.Dato        `json:"jsonDato" xml:"-"`
	JSONTid  *xsdate.Tidspunkt  `json:"jsonTid" xml:"-"`
	JSONList []xsdate.Tidspunkt `json:"jsonList" xml:"-"`
}

// TestRoundTrips: XML (elements, attributes, pointers, lists) and JSON (values, pointers,
// null, "") give back what went in.
func TestRoundTrips(t *testing.T) {
	d := noark5.NewDato(2024, 2, 29)
	ts := xsdate.Tidspunkt{Time: time.Date(2025, 3, 1, 23, 30, 0, 5e8, time.FixedZone("", -5*3600))}
	local := xsdate.Tidspunkt{Time: time.Date(2025, 3, 1, 23, 30, 0, 0, time.UTC), UtenSone: true}
	in := doc{Attr: d, Dato: d, Ptr: &d, Tid: ts, TidPtr: &local, Datoer: []xsdate.Dato{d, noark5.NewDato(1999, 12, 31)}}
	b, err := xml.Marshal(in)
	require.NoError(t, err)
	assert.Equal(t, `<d a="2024-02-29"><dato>2024-02-29</dato><ptr>2024-02-29</ptr><tid>2025-03-01T23:30:00.5-05:00</tid>`+
		`<tidPtr>2025-03-01T23:30:00</tidPtr><datoer>2024-02-29</datoer><datoer>1999-12-31</datoer></d>`, string(b))
	var out doc
	require.NoError(t, xml.Unmarshal(b, &out))
	assert.True(t, out.Dato.Equal(d.Time) && out.Attr.Equal(d.Time) && out.Ptr.Equal(d.Time))
	assert.True(t, out.Tid.Equal(ts.Time))
	assert.Equal(t, local, *out.TidPtr)
	assert.Len(t, out.Datoer, 2)

	j := doc{JSONDato: d, JSONTid: &ts, JSONList: []xsdate.Tidspunkt{local}}
	jb, err := json.Marshal(j)
	require.NoError(t, err)
	assert.Contains(t, string(jb), `"jsonDato":"2024-02-29","jsonTid":"2025-03-01T23:30:00.5-05:00","jsonList":["2025-03-01T23:30:00"]`)
	var jo doc
	require.NoError(t, json.Unmarshal(jb, &jo))
	assert.True(t, jo.JSONDato.Equal(d.Time))
	assert.True(t, jo.JSONTid.Equal(ts.Time))
	assert.Equal(t, local, jo.JSONList[0])

	// The zero values: written "", and "" and null read back as zero.
	zb, err := json.Marshal(doc{})
	require.NoError(t, err)
	assert.Contains(t, string(zb), `"jsonDato":"","jsonTid":null`)
	var z doc
	require.NoError(t, json.Unmarshal([]byte(`{"jsonDato":null,"jsonTid":"","jsonList":[""]}`), &z))
	assert.True(t, z.JSONDato.IsZero())
	assert.True(t, z.JSONTid.IsZero())
	require.Error(t, json.Unmarshal([]byte(`{"jsonDato":20250301}`), &z))
}
