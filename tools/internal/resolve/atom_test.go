package resolve

import (
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/version"
)

const sumA = "Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=" // base64 of 20 zero bytes

func TestParseAtom(t *testing.T) {
	tests := []struct {
		in   string
		want Atom
	}{
		{"musl", Atom{Name: "musl"}},
		{"so:libc.musl-x86_64.so.1", Atom{Name: "so:libc.musl-x86_64.so.1"}},
		{"cmd:sh", Atom{Name: "cmd:sh"}},
		{"pc:libssl", Atom{Name: "pc:libssl"}},
		{"/bin/sh", Atom{Name: "/bin/sh"}},
		{"libstdc++", Atom{Name: "libstdc++"}},
		{"musl=1.2.5-r0", Atom{Name: "musl", Op: version.Equal, Version: "1.2.5-r0"}},
		{"musl<1.3", Atom{Name: "musl", Op: version.Less, Version: "1.3"}},
		{"musl<=1.3", Atom{Name: "musl", Op: version.LessEqual, Version: "1.3"}},
		{"musl>1.2", Atom{Name: "musl", Op: version.Greater, Version: "1.2"}},
		{"musl>=1.2", Atom{Name: "musl", Op: version.GreaterEqual, Version: "1.2"}},
		{"musl~1.2", Atom{Name: "musl", Op: version.Fuzzy, Version: "1.2"}},
		{"musl<~1.2", Atom{Name: "musl", Op: version.LessFuzzy, Version: "1.2"}},
		{"musl>~1.2", Atom{Name: "musl", Op: version.GreaterFuzzy, Version: "1.2"}},
		{"!foo", Atom{Name: "foo", Conflict: true}},
		{"!foo<2", Atom{Name: "foo", Conflict: true, Op: version.Less, Version: "2"}},
		{"bar@edge", Atom{Name: "bar", Tag: "edge"}},
		{"bar@edge>=3.0_rc1", Atom{Name: "bar", Tag: "edge", Op: version.GreaterEqual, Version: "3.0_rc1"}},
		{"baz><" + sumA, Atom{Name: "baz", Checksum: sumA}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseAtom(tc.in)
			if err != nil {
				t.Fatalf("ParseAtom(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseAtom(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if s := got.String(); s != tc.in {
				t.Errorf("String() = %q, want %q", s, tc.in)
			}
		})
	}
}

func TestParseAtomErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `resolve: dependency "": empty package name; write it as [!]name[@tag][op version]`},
		{"!", `resolve: dependency "!": empty package name; write it as [!]name[@tag][op version]`},
		{">=1.0", `resolve: dependency ">=1.0": empty package name; write it as [!]name[@tag][op version]`},
		{"a b", `resolve: dependency "a b": character " " is not allowed in a name; write it as [!]name[@tag][op version]`},
		{"!!a", `resolve: dependency "!!a": character "!" is not allowed in a name; write it as [!]name[@tag][op version]`},
		{"a@", `resolve: dependency "a@": bad repository tag; write it as [!]name[@tag][op version]`},
		{"a@x@y", `resolve: dependency "a@x@y": bad repository tag; write it as [!]name[@tag][op version]`},
		{"a>=", `resolve: dependency "a>=": "" is not a valid apk version; write it as [!]name[@tag][op version]`},
		{"a=1.0-1", `resolve: dependency "a=1.0-1": "1.0-1" is not a valid apk version; write it as [!]name[@tag][op version]`},
		{"a==1", `resolve: dependency "a==1": "=1" is not a valid apk version; write it as [!]name[@tag][op version]`},
		{"a=~1", `resolve: dependency "a=~1": "~1" is not a valid apk version; write it as [!]name[@tag][op version]`},
		{"a><Q1abc", `resolve: dependency "a><Q1abc": "><" must be followed by a Q1 checksum ("Q1" and base64 of a SHA-1); write it as [!]name[@tag][op version]`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			_, err := ParseAtom(tc.in)
			if err == nil {
				t.Fatalf("ParseAtom(%q) succeeded, want error", tc.in)
			}
			if err.Error() != tc.want {
				t.Errorf("error = %s\nwant    %s", err, tc.want)
			}
		})
	}
}

func FuzzParseAtom(f *testing.F) {
	for _, s := range []string{
		"musl", "!foo<2", "bar@edge>=3.0_rc1", "baz><" + sumA, "so:libz.so.1",
		"a~1.2", "a<~1", "a>~1", "", "!", "a@", "a=", "a>=1.0-r",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAtom(s)
		if err != nil {
			return
		}
		again, err := ParseAtom(a.String())
		if err != nil {
			t.Fatalf("ParseAtom(%q) = %+v, but its String %q does not parse: %v", s, a, a.String(), err)
		}
		if again != a {
			t.Fatalf("round trip of %q: %+v became %+v", s, a, again)
		}
	})
}
