package apkindex

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const sampleText = `C:Q1abcdefghijklmnopqrstuvwxyz0=
P:musl
V:1.2.5-r0
A:x86_64
S:400000
I:650000
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Someone <someone@example.org>
t:1704067200
c:0123456789abcdef
k:100
D:so:libc.musl-x86_64.so.1 ca-certificates>=2024
p:so:libc.musl-x86_64.so.1=1 cmd:ldd=1.2.5-r0
i:musl openssl
r:musl-dev

C:Q1zzzz=
P:future
V:1-r0
A:x86_64
S:1
I:2
T:
U:
L:
`

var sampleRecords = []Record{
	{Checksum: "Q1abcdefghijklmnopqrstuvwxyz0=", Name: "musl", Version: "1.2.5-r0", Arch: "x86_64", Size: 400000,
		InstalledSize: 650000, Description: "the musl c library (libc) implementation", URL: "https://musl.libc.org/",
		License: "MIT", Origin: "musl", Maintainer: "Someone <someone@example.org>", BuildTime: 1704067200,
		Commit: "0123456789abcdef", ProviderPriority: 100, HasPriority: true,
		Depends:   []string{"so:libc.musl-x86_64.so.1", "ca-certificates>=2024"},
		Provides:  []string{"so:libc.musl-x86_64.so.1=1", "cmd:ldd=1.2.5-r0"},
		InstallIf: []string{"musl", "openssl"}, Replaces: []string{"musl-dev"}},
	{Checksum: "Q1zzzz=", Name: "future", Version: "1-r0", Arch: "x86_64", Size: 1, InstalledSize: 2},
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []Record
	}{
		{"sample", sampleText, sampleRecords},
		{"no trailing blank line, CRLF, extra blank lines", "\n\nP:a\r\nV:1\r\n\n\n\nP:b\nV:2", []Record{{Name: "a", Version: "1"}, {Name: "b", Version: "2"}}},
		{"unknown lower-case ignored", "P:a\nV:1\nz:whatever\n", []Record{{Name: "a", Version: "1"}}},
		{"unknown upper-case uninstallable", "P:a\nV:1\nZ:new-feature\n", []Record{{Name: "a", Version: "1", Uninstallable: true}}},
		{"empty", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	if got := string(Format(sampleRecords)); got != sampleText+"\n" {
		t.Errorf("Format:\n%s\nwant:\n%s", got, sampleText+"\n")
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		want     string
	}{
		{"no colon", "P:a\nV:1\nhello\n", 3, `APKINDEX line 3: "hello" is not an "X:value" field`},
		{"long key", "P:a\nVV:1\n", 2, "is not an"},
		{"bad size", "P:a\nV:1\nS:big\n", 3, `APKINDEX line 3: field S: "big" is not a non-negative 64-bit integer`},
		{"negative installed size", "P:a\nV:1\nI:-4\n", 3, "field I"},
		{"bad priority", "P:a\nV:1\nk:x\n", 3, "field k"},
		{"repeated", "P:a\nP:b\n", 2, "field P: repeated"},
		{"no name", "P:a\nV:1\n\nV:2\nA:x86_64\n", 4, "APKINDEX line 4: record has no P: (name) or V: (version) field"},
		{"no version at end", "P:a\n", 1, "no P: (name) or V:"},
		{"name used as a path", "P:../../x\nV:1\n", 1, `APKINDEX line 1: field P: package name "../../x" contains ".."`},
		{"name with a backslash", "P:a\\b\nV:1\n", 1, `contains '\\'`},
		{"version with a control character", "P:a\nV:1\x01\n", 2, `field V: version "1\x01" contains white space, a control character`},
		// Found by FuzzParse: a \r inside a list became a separator only
		// when the record was written back.
		{"carriage return in a depends list", "D:\r0\nP:a\nV:1\n", 1, `field D: control character '\r' in the list "\r0"`},
		{"control character in provides", "P:a\nV:1\np:so:x\x1b=1\n", 3, "field p: control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.in))
			var se *SyntaxError
			if !errors.As(err, &se) || se.Line != tc.line || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want line %d and %q", err, tc.line, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleText))
	f.Add([]byte("P:a\nV:1\n"))
	f.Add([]byte("P:a\r\nV:1\r\nZ:x\n\n\nP:b\nV:2\nk:1\n"))
	f.Add([]byte("P:a\nS:x\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		recs, err := Parse(bytes.NewReader(in))
		if err != nil {
			return
		}
		// Format must write what Parse reads back to the same text.
		out := Format(recs)
		again, err := Parse(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("re-parsing Format output: %v\n%s", err, out)
		}
		if !bytes.Equal(Format(again), out) || len(again) != len(recs) {
			t.Fatalf("Format is not stable:\n%s", out)
		}
	})
}
