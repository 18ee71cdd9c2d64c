package maskinporten

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// FuzzParseError: any error body yields an *Error; nothing panics; the description is
// bounded.
func FuzzParseError(f *testing.F) {
	f.Add(400, []byte(`{"error":"invalid_grant","error_description":"MP-012: Grant is used before (trace_id: abc123def)"}`))
	f.Add(503, []byte(`<html>down</html>`))
	f.Add(429, []byte(``))
	f.Add(400, []byte(`{"error":1}`))
	f.Add(400, []byte(`{"error":"x 13097248022","error_uri":"https://h/?pid=13097248022","trace_id":"13097248022"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := parseError(status, http.Header{"Retry-After": {"5"}}, body)
		if e == nil || e.StatusCode != status {
			t.Fatal("no error")
		}
		if len(e.Description) > 1100 || len(e.Code) > 200 || len(e.TraceID) > 200 || len(e.URI) > 600 {
			t.Fatalf("fields not bounded: %d %d %d %d", len(e.Description), len(e.Code), len(e.TraceID), len(e.URI))
		}
		if s := fmt.Sprintf("%v %+v", e, *e); shownIdentity.MatchString(s) {
			t.Fatalf("identity number shown: %s", s)
		}
	})
}

// FuzzTokenResponse: the token endpoint's success body is decoded or refused, never
// panicking, never a token without a value.
func FuzzTokenResponse(f *testing.F) {
	f.Add([]byte(`{"access_token":"x","token_type":"Bearer","expires_in":120,"scope":"a"}`))
	f.Add([]byte(`{"access_token":"x","expires_in":"599"}`))
	f.Add([]byte(`{"access_token":"","expires_in":-1}`))
	f.Add([]byte(`{"access_token":"x","expires_in":"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var tr tokenResponse
		if json.Unmarshal(body, &tr) != nil {
			return
		}
		start := time.Unix(0, 0)
		tok, err := tr.token(start)
		if err == nil && (tok == nil || tok.Value == "") {
			t.Fatal("token without value")
		}
		if err == nil && !tok.Expiry.IsZero() && (!tok.Expiry.After(start) || tok.Expiry.Sub(start) > MaxTokenLifetime) {
			t.Fatalf("expiry %s after the start is outside (0, %s]", tok.Expiry.Sub(start), MaxTokenLifetime)
		}
	})
}

// TestExpiresIn: the lifetime taken from expires_in, whatever its form.
func TestExpiresIn(t *testing.T) {
	t.Parallel()
	start := time.Unix(1_700_000_000, 0)
	for _, tc := range []struct {
		expiresIn string
		want      time.Duration // 0: refused
	}{
		{`120`, 120 * time.Second},
		{`"599"`, 599 * time.Second},
		{`119.9`, 119 * time.Second},
		{`"1.5"`, time.Second},
		{`9999999999`, MaxTokenLifetime},
		{`1e300`, MaxTokenLifetime},
		{`"9999999999999999999999"`, MaxTokenLifetime},
		{`0`, 0},
		{`-5`, 0},
		{`0.5`, 0},
		{`"abc"`, 0},
		{`"NaN"`, 0},
		{`"-Inf"`, 0},
		{`"+Inf"`, MaxTokenLifetime},
	} {
		t.Run(tc.expiresIn, func(t *testing.T) {
			var tr tokenResponse
			if err := json.Unmarshal([]byte(`{"access_token":"x","expires_in":`+tc.expiresIn+`}`), &tr); err != nil {
				t.Fatal(err)
			}
			tok, err := tr.token(start)
			if tc.want == 0 {
				if err == nil {
					t.Fatalf("accepted with expiry in %s", tok.Expiry.Sub(start))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := tok.Expiry.Sub(start); got != tc.want {
				t.Fatalf("lifetime %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzParseKey: arbitrary bytes never panic the key parsers.
func FuzzParseKey(f *testing.F) {
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), "")
	f.Add([]byte(`{"kty":"RSA","n":"AQAB","e":"AQAB","d":"AQAB"}`), "")
	f.Add([]byte(`{"keys":[]}`), "")
	f.Add([]byte{0x30, 0x82, 0x01, 0x00}, "pw")
	f.Fuzz(func(t *testing.T, data []byte, pw string) {
		k, err := ParseKey(data, pw)
		if err == nil && k.Signer == nil {
			t.Fatal("key without signer")
		}
	})
}

// shownIdentity matches the seeded identity number standing alone: inside a longer digit
// run it is not an identity number, and the masking (exactly 11 digits) rightly keeps it.
var shownIdentity = regexp.MustCompile(`(^|[^0-9])13097248022($|[^0-9])`)
