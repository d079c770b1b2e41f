package sbom

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestValidExpression(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"MIT", true},
		{"GPL-2.0-or-later", true},
		{"MIT AND BSD-2-Clause", true},
		{"(MIT OR Apache-2.0) AND Zlib", true},
		{"GPL-2.0-only WITH Linux-syscall-note", true},
		{"GPL-2.0+", true},
		{"LicenseRef-custom", true},
		{"", false},
		{"MIT BSD", false},            // apk's old space-separated lists
		{"GPL-2.0 and MIT", false},    // lower-case operators
		{"(MIT", false},               // unbalanced
		{"MIT AND", false},            // dangling operator
		{"GPL-2.0 WITH", false},       // dangling WITH
		{"Public Domain", false},      // prose
		{"custom:proprietary", false}, // ':' is not an identifier character
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := validExpression(tc.in); got != tc.want {
				t.Errorf("validExpression(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}

func TestPurl(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Package
		want string
	}{
		{"full", Package{Name: "musl", Version: "1.2.5-r0", Arch: "x86_64", Origin: "musl"}, "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&upstream=musl"},
		{"plus signs", Package{Name: "libstdc++", Version: "13.2.1-r0", Arch: "aarch64", Origin: "gcc"}, "pkg:apk/alpine/libstdc%2B%2B@13.2.1-r0?arch=aarch64&upstream=gcc"},
		{"no qualifiers", Package{Name: "a", Version: "1-r0"}, "pkg:apk/alpine/a@1-r0"},
		{"no arch", Package{Name: "a", Version: "1-r0", Origin: "b c"}, "pkg:apk/alpine/a@1-r0?upstream=b%20c"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := purl(tc.p); got != tc.want {
				t.Errorf("purl = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestSPDXIDsUnique(t *testing.T) {
	used := map[string]bool{}
	var got []string
	for _, name := range []string{"a+b", "a_b", "a-b", ""} {
		got = append(got, uniqueID(used, "SPDXRef-Package-"+sanitizeID(name)))
	}
	want := "SPDXRef-Package-a-b SPDXRef-Package-a-b-2 SPDXRef-Package-a-b-3 SPDXRef-Package-unnamed"
	if s := strings.Join(got, " "); s != want {
		t.Errorf("ids = %s, want %s", s, want)
	}
}

func TestWriteLicenseFallback(t *testing.T) {
	var buf bytes.Buffer
	d := Doc{Name: "img", Packages: []Package{{Name: "x", Version: "1-r0", License: "MIT BSD"}}}
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"licenseDeclared": "NOASSERTION"`, `"licenseComments": "apk license: MIT BSD"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("output lacks %s:\n%s", want, buf.String())
		}
	}
}

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  Doc
		want string
	}{
		{"no name", Doc{}, "needs a name"},
		{"bad checksum", Doc{Name: "i", Packages: []Package{{Name: "x", Version: "1-r0", Checksum: "sha1:abc"}}}, `package x-1-r0: checksum "sha1:abc" is not a Q1 SHA-1`},
		{"short checksum", Doc{Name: "i", Packages: []Package{{Name: "x", Version: "1-r0", Checksum: "Q1AAEC"}}}, "not a Q1 SHA-1"},
		{"no version", Doc{Name: "i", Packages: []Package{{Name: "x"}}}, "name and version are required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Write(&bytes.Buffer{}, tc.doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNamespaceFollowsContent(t *testing.T) {
	base := Doc{Name: "img", Created: time.Unix(0, 0), Packages: []Package{{Name: "x", Version: "1-r0"}}}
	ns := func(d Doc) string {
		s, err := namespace(d)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	same := base
	other := base
	other.Packages = []Package{{Name: "x", Version: "1-r1"}}
	later := base
	later.Created = time.Unix(1, 0)
	if ns(base) != ns(same) {
		t.Error("equal documents got different namespaces")
	}
	if ns(base) == ns(other) || ns(base) == ns(later) {
		t.Error("different documents share a namespace")
	}
}
