package ident_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/fellesklient/fellesklient/ident"
)

// build makes an identity number from a date, an individnummer and offsets, computing the
// check digits as the published rule says; ok is false when no check digit exists (10).
func build(date time.Time, ind, dayOff, monthOff int) (string, bool) {
	s := fmt.Sprintf("%02d%02d%02d%03d", date.Day()+dayOff, int(date.Month())+monthOff, date.Year()%100, ind)
	d := make([]int, 0, 11)
	for _, c := range s {
		d = append(d, int(c-'0'))
	}
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	sum := 0
	for i, w := range w1 {
		sum += d[i] * w
	}
	k1 := (11 - sum%11) % 11
	if k1 == 10 {
		return "", false
	}
	d = append(d, k1)
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	sum = 0
	for i, w := range w2 {
		sum += d[i] * w
	}
	k2 := (11 - sum%11) % 11
	if k2 == 10 {
		return "", false
	}
	return fmt.Sprintf("%s%d%d", s, k1, k2), true
}

// randomPerson returns a date and an individnummer that fit each other (§ 2-2-1).
func randomPerson(r *rand.Rand) (time.Time, int) {
	for {
		year := 1855 + r.IntN(2039-1855+1)
		date := time.Date(year, time.Month(1+r.IntN(12)), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(28))
		yy := year % 100
		var ind int
		switch {
		case year < 1900:
			ind = 500 + r.IntN(250)
			if yy < 54 {
				continue
			}
		case year < 2000:
			if yy >= 40 && r.IntN(4) == 0 {
				ind = 900 + r.IntN(100)
			} else {
				ind = r.IntN(500)
			}
		default:
			ind = 500 + r.IntN(500)
		}
		return date, ind
	}
}

func TestPropertyValid(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []struct {
		kind             ident.Kind
		dayOff, monthOff int
	}{
		{ident.KindFoedselsnummer, 0, 0},
		{ident.KindDNummer, 40, 0},
		{ident.KindHNummer, 0, 40},
		{ident.KindSyntetisk, 0, 80},
		{ident.KindSyntetisk, 40, 80},
	}
	n := 0
	for n < 20000 {
		date, ind := randomPerson(r)
		k := kinds[n%len(kinds)]
		s, ok := build(date, ind, k.dayOff, k.monthOff)
		if !ok {
			continue
		}
		n++
		f, err := ident.ParseFoedselsnummer(s)
		require.NoError(t, err, "generated %s", s)
		require.Equal(t, k.kind, f.Kind(), s)
		require.Equal(t, date, f.Foedselsdato(), s)
		require.Equal(t, s, f.Unmasked())
		require.Equal(t, s[:6]+"*****", f.String())
		kind, err := ident.Identify(s)
		require.NoError(t, err)
		require.Equal(t, k.kind, kind)

		// Every single-digit substitution is caught (the weights are units mod 11).
		pos := r.IntN(11)
		b := []byte(s)
		b[pos] = byte('0' + (int(b[pos]-'0')+1+r.IntN(9))%10)
		_, err = ident.ParseFoedselsnummer(string(b))
		require.ErrorIs(t, err, ident.ErrInvalid, "%s → %s", s, b)

		// Adjacent transpositions of different digits in the check-digit positions are caught.
		if s[9] != s[10] {
			sw := []byte(s)
			sw[9], sw[10] = sw[10], sw[9]
			_, err = ident.ParseFoedselsnummer(string(sw))
			require.Error(t, err)
		}
	}
}

func TestInvalid(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":               "must be 11 digits",
		"1309724802":     "must be 11 digits",
		"130972480222":   "must be 11 digits",
		"1309724802x":    "only digits",
		"13-09-72-48022": "only digits",
		"13097248023":    "check digit",
		"31029948086":    "", // 31 February: not a date (whatever the check digits say)
		"00000000000":    "",
	}
	for in, reason := range cases {
		_, err := ident.ParseFoedselsnummer(in)
		var pe *ident.ParseError
		require.ErrorAs(t, err, &pe, in)
		assert.Contains(t, pe.Error(), reason, in)
		if len(in) >= 6 {
			assert.NotContains(t, pe.Error(), in, "the error must not echo the input")
		}
	}
	// Individnummer 750–899 with a 1940–1999 year is not allocated.
	s, ok := build(time.Date(1975, 5, 17, 0, 0, 0, 0, time.UTC), 800, 0, 0)
	if ok {
		_, err := ident.ParseFoedselsnummer(s)
		var pe *ident.ParseError
		require.ErrorAs(t, err, &pe)
		assert.ErrorIs(t, err, ident.ErrInvalid)
		assert.Contains(t, pe.Reason, "individnummer")
	}
	// A 29 February is a date only in leap years.
	leap, ok1 := build(time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC), 500, 0, 0)
	if ok1 {
		_, err := ident.ParseFoedselsnummer(leap)
		assert.NoError(t, err)
	}
	notLeap := "2902" + "01" + "500"
	for k := 0; k < 100; k++ {
		cand := fmt.Sprintf("%s%02d", notLeap, k)
		_, err := ident.ParseFoedselsnummer(cand)
		assert.Error(t, err, cand)
	}
}

func TestSpacesTolerated(t *testing.T) {
	t.Parallel()
	f, err := ident.ParseFoedselsnummer("130972 48022")
	require.NoError(t, err)
	assert.Equal(t, "13097248022", f.Unmasked())
	o, err := ident.ParseOrganisasjonsnummer("974 760 673")
	require.NoError(t, err)
	assert.Equal(t, ident.Organisasjonsnummer("974760673"), o)
}

func TestRules2032(t *testing.T) {
	t.Parallel()
	// A number whose first check digit leaves remainder 2 under the old rule.
	base := "130972480"
	var found string
	for k1 := 0; k1 <= 9 && found == ""; k1++ {
		for k2 := 0; k2 <= 9; k2++ {
			s := fmt.Sprintf("%s%d%d", base, k1, k2)
			if _, err := ident.ParseFoedselsnummer(s); err == nil {
				continue
			}
			if _, err := ident.ParseFoedselsnummerWith(s, ident.Options{Rules2032: true}); err == nil {
				found = s
				break
			}
		}
	}
	require.NotEmpty(t, found, "some number is valid only under the 2032 rule")
}

func TestOrganisasjonsnummer(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"974760673", "991825827", "910000020", "889640782"} {
		_, err := ident.ParseOrganisasjonsnummer(ok)
		assert.NoError(t, err, ok)
	}
	for _, bad := range []string{"974760674", "123456785", "97476067", "9747606730", "97476067x"} {
		_, err := ident.ParseOrganisasjonsnummer(bad)
		assert.ErrorIs(t, err, ident.ErrInvalid, bad)
	}
	r := rand.New(rand.NewPCG(3, 4))
	valid := 0
	for valid < 5000 {
		b := []byte(fmt.Sprintf("9%07d", r.IntN(10_000_000)))
		w := []int{3, 2, 7, 6, 5, 4, 3, 2}
		sum := 0
		for i, x := range w {
			sum += int(b[i]-'0') * x
		}
		k := (11 - sum%11) % 11
		if k == 10 {
			_, err := ident.ParseOrganisasjonsnummer(string(b) + "0")
			require.Error(t, err)
			continue
		}
		s := string(b) + string(rune('0'+k))
		_, err := ident.ParseOrganisasjonsnummer(s)
		require.NoError(t, err, s)
		m := []byte(s)
		p := r.IntN(8) + 1
		m[p] = byte('0' + (int(m[p]-'0')+1+r.IntN(9))%10)
		_, err = ident.ParseOrganisasjonsnummer(string(m))
		require.Error(t, err, "%s → %s", s, m)
		valid++
	}
}

// TestMasked: no formatting path shows the full number.
func TestMasked(t *testing.T) {
	t.Parallel()
	f := ident.MustParseFoedselsnummer("13097248022")
	outs := []string{
		f.String(), f.GoString(),
		fmt.Sprintf("%v|%+v|%#v|%s|%q|%d|%x", f, f, f, f, f, f, f),
		fmt.Sprint(f), fmt.Sprint(&f), fmt.Sprintf("%v", struct{ F ident.Foedselsnummer }{f}),
		fmt.Errorf("lookup %v failed", f).Error(),
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "fnr", f, slog.Any("any", f))
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "fnr", f)
	outs = append(outs, buf.String())
	for _, o := range outs {
		assert.NotContains(t, o, "13097248022")
		assert.NotContains(t, o, "48022")
	}
	assert.Contains(t, buf.String(), "130972*****")

	b, err := json.Marshal(struct{ F ident.Foedselsnummer }{f})
	require.NoError(t, err)
	assert.JSONEq(t, `{"F":"130972*****"}`, string(b), "marshalled masked, as folkeregister.Identifikator")

	defer func() {
		p := recover()
		require.NotNil(t, p)
		assert.NotContains(t, fmt.Sprint(p), "13097248023")
	}()
	ident.MustParseFoedselsnummer("13097248023")
}

func TestIdentify(t *testing.T) {
	t.Parallel()
	k, err := ident.Identify("974760673")
	require.NoError(t, err)
	assert.Equal(t, ident.KindOrganisasjonsnummer, k)
	_, err = ident.Identify("12345")
	assert.ErrorIs(t, err, ident.ErrInvalid)
	assert.True(t, errors.Is(err, ident.ErrInvalid))
}

func FuzzParseFoedselsnummer(f *testing.F) {
	for _, s := range []string{"13097248022", "130972 48022", "53097248016", "00000000000", "x", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fnr, err := ident.ParseFoedselsnummer(s)
		if err != nil {
			if !errors.Is(err, ident.ErrInvalid) {
				t.Fatalf("untyped error %v", err)
			}
			if len(s) >= 11 && strings.Contains(err.Error(), s) {
				t.Fatal("error echoes input")
			}
			return
		}
		u := fnr.Unmasked()
		if strings.ReplaceAll(s, " ", "") != u {
			t.Fatalf("round trip: %q → %q", s, u)
		}
		if fnr.String() != u[:6]+"*****" {
			t.Fatalf("String is not the masked form: %q", fnr.String())
		}
		if fnr.Foedselsdato().IsZero() || fnr.Kind() == "" {
			t.Fatal("valid number without date or kind")
		}
		again, err := ident.ParseFoedselsnummer(u)
		if err != nil || again != fnr {
			t.Fatal("not stable")
		}
	})
}

func FuzzParseOrganisasjonsnummer(f *testing.F) {
	for _, s := range []string{"974760673", "974 760 673", "123", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o, err := ident.ParseOrganisasjonsnummer(s)
		if err != nil {
			if !errors.Is(err, ident.ErrInvalid) {
				t.Fatal("untyped error")
			}
			return
		}
		if len(o) != 9 {
			t.Fatalf("bad value %q", o)
		}
	})
}
