package busybox

import (
	"reflect"
	"strings"
	"testing"
)

func TestLinks(t *testing.T) {
	links, err := Links("1.35.0-r4")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"bin/ls", "bin/sh", "usr/bin/wget", "sbin/ifconfig"} {
		found := false
		for _, l := range links {
			found = found || l == want
		}
		if !found {
			t.Errorf("1.35.0 links lack %s", want)
		}
	}
	for _, l := range links {
		if l == "bin/busybox" || strings.HasPrefix(l, "/") {
			t.Errorf("link %q: want relative paths without the binary", l)
		}
	}
	if len(links) != 268 {
		t.Errorf("1.35.0 has %d links, want 268 (269 paths of --list-full minus bin/busybox)", len(links))
	}
}

func TestLinksUnknownVersion(t *testing.T) {
	_, err := Links("9.9.9-r0")
	if err == nil || !strings.Contains(err.Error(), "no applet list for busybox 9.9.9 (kept: 1.35.0)") {
		t.Fatalf("error = %v", err)
	}
	if _, err := Links("git"); err == nil || !strings.Contains(err.Error(), `"git" has no upstream`) {
		t.Fatalf("error = %v", err)
	}
}

func TestParse(t *testing.T) {
	got, err := Parse([]byte("# comment\n/usr/bin/wget\nbin/ls\n\n/bin/busybox\n/bin/ls\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"bin/ls", "usr/bin/wget"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Parse = %v, want %v", got, want)
	}
	for _, bad := range []string{"/bin/../etc/passwd\n", "/\n", "bin//ls\n"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
