package mask

import "testing"

func TestIdentityNumbers(t *testing.T) {
	for in, want := range map[string]string{
		"13097248022":                 "130972*****",
		"a 13097248022,53097248016 b": "a 130972*****,530972***** b",
		"130972480221":                "130972480221", // 12 digits: not an identity number
		"no digits":                   "no digits",
		"id-13097248022-x":            "id-130972*****-x",
	} {
		if got := IdentityNumbers(in); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}
