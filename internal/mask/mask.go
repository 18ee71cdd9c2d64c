// Package mask hides identity numbers in text the module shows: an 11-digit run (a
// fødselsnummer or D-nummer) keeps its first six digits (the birth date), as the module's
// identifier types print them. Packages that must not depend on the HTTP plumbing
// (noark5) use it directly; internal/httpx's Redact uses it too.
package mask

import (
	"fmt"
	"log/slog"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
)

var fnrRe = regexp.MustCompile(`(^|[^0-9])([0-9]{6})([0-9]{5})($|[^0-9])`)

// IdentityNumbers returns s with every run of exactly 11 digits masked to its first six.
// It is cheap for text without such a run.
func IdentityNumbers(s string) string {
	if !hasDigitRun(s, 11) {
		return s
	}
	// Applied twice: adjacent numbers share the separator the pattern consumes.
	s = fnrRe.ReplaceAllString(s, "${1}${2}*****${4}")
	return fnrRe.ReplaceAllString(s, "${1}${2}*****${4}")
}

// hasDigitRun reports whether s has a run of exactly n digits.
func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			continue
		}
		if run == n {
			return true
		}
		run = 0
	}
	return run == n
}

// Number is the masked form of one identity number as the module's identifier types print
// it (ident.Foedselsnummer, folkeregister.Identifikator): the first six characters (the
// birth date) and an asterisk for each one after; all asterisks when there are six or
// fewer.
func Number(s string) string {
	keep := 6
	if len(s) <= keep {
		keep = 0
	}
	b := make([]byte, len(s))
	copy(b, s[:keep])
	for i := keep; i < len(b); i++ {
		b[i] = '*'
	}
	return string(b)
}

// LogValue is v for slog: a struct's fields by JSON name (zero ones left out), slices by
// index, times as RFC 3339, and every string passed through str (which masks what must
// not be logged). slog's JSON handler would otherwise marshal a document whole. The
// generated document types (fiks/digisos/soknad, fiks/minside) log through it.
func LogValue(v any, str func(t reflect.Type, s string) string) slog.Value {
	return reflectLog(reflect.ValueOf(v), str)
}

var timeType = reflect.TypeOf(time.Time{})

func reflectLog(rv reflect.Value, str func(reflect.Type, string) string) slog.Value {
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return slog.AnyValue(nil)
		}
		return reflectLog(rv.Elem(), str)
	case reflect.Struct:
		if rv.Type() == timeType {
			return slog.StringValue(rv.Interface().(time.Time).Format(time.RFC3339Nano))
		}
		var attrs []slog.Attr
		t := rv.Type()
		for i := 0; i < t.NumField(); i++ {
			f := rv.Field(i)
			if !t.Field(i).IsExported() || f.IsZero() {
				continue
			}
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = t.Field(i).Name
			}
			attrs = append(attrs, slog.Attr{Key: name, Value: reflectLog(f, str)})
		}
		return slog.GroupValue(attrs...)
	case reflect.Slice:
		attrs := make([]slog.Attr, rv.Len())
		for i := range attrs {
			attrs[i] = slog.Attr{Key: strconv.Itoa(i), Value: reflectLog(rv.Index(i), str)}
		}
		return slog.GroupValue(attrs...)
	case reflect.String:
		return slog.StringValue(str(rv.Type(), rv.String()))
	case reflect.Bool:
		return slog.BoolValue(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return slog.Int64Value(rv.Int())
	case reflect.Float32, reflect.Float64:
		return slog.Float64Value(rv.Float())
	}
	return slog.StringValue(str(rv.Type(), fmt.Sprint(rv.Interface())))
}
