package svarut

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSafeName: whatever a sender calls a file, the stored name is one plain, visible
// file name, and a forsendelse's names never collide, not even ignoring case, nor with
// the metadata file.
func FuzzSafeName(f *testing.F) {
	for _, s := range []string{"vedtak.pdf", "", ".", "..", "../../etc/passwd", ".skjult", "a\x00b", "VEDTAK.PDF", MetadataFile, "navn (2).pdf", "\xff\xfe"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		n := newNamer()
		seen := map[string]bool{strings.ToLower(MetadataFile): true}
		for _, in := range []string{a, b, a, b} {
			name, err := n.take(in)
			if err != nil {
				if len(safeName(in)) <= MaxNameBytes-10 {
					t.Fatalf("%q refused: %v", in, err)
				}
				continue
			}
			switch {
			case name == "" || name == "." || name == "..":
				t.Fatalf("%q gave %q", in, name)
			case strings.HasPrefix(name, "."):
				t.Fatalf("%q gave a hidden name %q", in, name)
			case strings.ContainsAny(name, "/\\\x00") || !utf8.ValidString(name):
				t.Fatalf("%q gave %q", in, name)
			case seen[strings.ToLower(name)]:
				t.Fatalf("%q gave %q twice", in, name)
			}
			for _, r := range name {
				if r < 0x20 || r == 0x7f {
					t.Fatalf("%q gave a control character in %q", in, name)
				}
			}
			seen[strings.ToLower(name)] = true
		}
	})
}
