package resolve

import (
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// TestCheckOrder: a lock edited to list a package before its dependency is
// refused; cycles, virtual names, conflicts and checksum atoms are not
// mistaken for disorder.
func TestCheckOrder(t *testing.T) {
	musl := pkg("musl", "1.2.5-r0", prov("so:libc.musl-x86_64.so.1=1"))
	hello := pkg("hello", "2.12-r1", dep("so:libc.musl-x86_64.so.1", "!busybox"))
	a := pkg("a", "1", dep("b"))
	b := pkg("b", "1", dep("a"))
	c := pkg("c", "1", dep("a"))
	sh := pkg("busybox-binsh", "1", prov("/bin/sh"))
	script := pkg("script", "1", dep("/bin/sh", "musl><"+sumB))
	muslSum := musl
	muslSum.Checksum = sumB
	tests := []struct {
		name    string
		pkgs    []apkindex.Record
		wantErr string
	}{
		{name: "install order", pkgs: []apkindex.Record{musl, hello}},
		{name: "dependency after its user", pkgs: []apkindex.Record{hello, musl},
			wantErr: "resolve: hello-2.12-r1 (#1) is listed before musl-1.2.5-r0 (#2), which provides its dependency so:libc.musl-x86_64.so.1; the list is not in install order"},
		{name: "dependency missing", pkgs: []apkindex.Record{hello},
			wantErr: "resolve: hello-2.12-r1 depends on so:libc.musl-x86_64.so.1, which none of the packages provides; the package list is incomplete"},
		{name: "version too old", pkgs: []apkindex.Record{musl, pkg("x", "1", dep("musl>=1.3"))},
			wantErr: "x-1 depends on musl>=1.3, which none of the packages provides"},
		{name: "cycle, either order", pkgs: []apkindex.Record{a, b, c}},
		{name: "cycle reversed", pkgs: []apkindex.Record{b, a, c}},
		{name: "user of a cycle before it", pkgs: []apkindex.Record{c, a, b},
			wantErr: "c-1 (#1) is listed before a-1 (#2)"},
		{name: "virtual and checksum atoms", pkgs: []apkindex.Record{sh, muslSum, script}},
		{name: "checksum atom of another build", pkgs: []apkindex.Record{musl, sh, script},
			wantErr: "script-1 depends on musl><" + sumB},
		// A "!" conflict between two locked packages: apk's solver never
		// selects both (assign_name disqualifies the conflicting one).
		{name: "conflict between listed packages", pkgs: []apkindex.Record{musl, pkg("evil", "1", dep("!hello")), hello},
			wantErr: "resolve: evil-1 declares !hello but hello-2.12-r1 is in the list too; apk does not install them together"},
		{name: "conflict with a provided name", pkgs: []apkindex.Record{musl, pkg("x", "1", dep("!so:libc.musl-x86_64.so.1<1"))}},
		{name: "conflict with its own provide", pkgs: []apkindex.Record{pkg("x", "1", prov("y"), dep("!y"))}},
		{name: "broken atom", pkgs: []apkindex.Record{pkg("x", "1", dep("bad name"))},
			wantErr: `x-1 in the lock has an invalid depends entry "bad name"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckOrder(tc.pkgs)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("CheckOrder = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("CheckOrder = %v, want %q", err, tc.wantErr)
			}
		})
	}
}

// TestResolveOutputPassesCheckOrder: whatever Resolve returns is in an
// order CheckOrder accepts, cycles included.
func TestResolveOutputPassesCheckOrder(t *testing.T) {
	repos := []Repository{repo("file:///main",
		pkg("musl", "1.2.5-r0", prov("so:libc.musl-x86_64.so.1=1")),
		pkg("hello", "2.12-r1", dep("so:libc.musl-x86_64.so.1", "z")),
		pkg("z", "1", dep("y")), pkg("y", "1", dep("z", "musl")),
		pkg("doc", "1", iif("hello")))}
	sel, err := Resolve([]string{"hello"}, repos)
	if err != nil {
		t.Fatal(err)
	}
	var recs []apkindex.Record
	for _, s := range sel {
		recs = append(recs, s.Record)
	}
	if err := CheckOrder(recs); err != nil {
		t.Fatalf("CheckOrder(Resolve(...)) = %v (order %s)", err, show(sel))
	}
}
