package safename

import (
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" = accepted
	}{
		{"musl", ""},
		{"libstdc++", ""},
		{"py3-foo_bar.baz", ""},
		{"so:libc.musl-x86_64.so.1", ""},
		{"", "package name is empty"},
		{"../../tmp/x", `package name "../../tmp/x" contains ".."`},
		{"a/b", `package name "a/b" contains '/'`},
		{`a\b`, `package name "a\\b" contains '\\'`},
		{"a b", `package name "a b" contains white space`},
		{"a\nb", "contains white space, a control character"},
		{"a\x00b", "(0x00)"},
		{"caf\xc3\xa9", "non-ASCII byte (0xc3)"},
		{".hidden", `package name ".hidden" starts with '.'`},
		{"-rf", `starts with '-'`},
		{strings.Repeat("a", MaxToken+1), "bytes long, more than 120"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			check(t, Name(tc.in), tc.want)
		})
	}
}

func TestVersion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"1.2.5-r0", ""},
		{"2.12_rc1-r10", ""},
		{"1..2", `version "1..2" contains ".."`},
		{"1/../x", `contains ".."`},
		{"1 2", "white space"},
		{"", "version is empty"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			check(t, Version(tc.in), tc.want)
		})
	}
}

func TestAtomList(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"musl so:libc.musl-x86_64.so.1>=1.2", ""},
		{"a\tb  c", ""},
		{"", ""},
		{"\r0", `control character '\r' in the list "\r0"`},
		{"a\x00b", `control character '\x00'`},
		{"a\x7f", `control character '\x7f'`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			check(t, AtomList(tc.in), tc.want)
		})
	}
}

func check(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("refused: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("error %v, want %q", err, want)
	}
}

func TestPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"etc/passwd", ""},
		{"usr/lib/.wh", ""},
		{"etc/wh.passwd", ""},
		{"etc/.wh.passwd", `has a component starting with ".wh.", an OCI whiteout`},
		{"etc/.wh..wh..opq", "OCI whiteout"},
		{".wh.etc/x", "OCI whiteout"},
		{"etc/a\nb", "control character 0x0a"},
		{"etc/a\rb", "control character 0x0d"},
		{"a\x7f", "control character 0x7f"},
		{"a/" + strings.Repeat("b", 256), "a component of 256 bytes, more than the 255"},
		{strings.Repeat("abcdefg/", 512), "4096 bytes long, more than the 4095"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := Path(tc.in)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("Path(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestID(t *testing.T) {
	for _, tc := range []struct {
		id   int64
		want string
	}{
		{0, ""}, {65534, ""}, {MaxID, ""},
		{-1, "has uid -1, outside 0..2147483647"},
		{MaxID + 1, "has uid 2147483648"},
		{1 << 40, "outside"},
	} {
		if got := ID("uid", tc.id); tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("ID(%d) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

func TestApkDatabase(t *testing.T) {
	for _, tc := range []struct {
		key  string
		dir  bool
		want bool
	}{
		{"lib/apk/db/installed", false, true},
		{"usr/lib/apk/db/installed", false, true},
		{"opt/x/lib/apk/db/lock", false, true},
		{"usr/lib/apk/db", false, true}, // a symlink or file in its place
		{"usr/lib/apk/db", true, false},
		{"lib/apk/db/sub", true, true},
		{"lib/apk", false, false},
		{"usr/lib/apk/dbx/installed", false, false},
		{"etc/apk/keys/x.pub", false, false},
	} {
		if got := ApkDatabase(tc.key, tc.dir); got != tc.want {
			t.Errorf("ApkDatabase(%q, dir=%v) = %v, want %v", tc.key, tc.dir, got, tc.want)
		}
	}
}
