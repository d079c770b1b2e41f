package layer

import (
	"archive/tar"
	"errors"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
)

func TestRejects(t *testing.T) {
	withReplaces := func(p Package, r ...string) Package { p.Info.Replaces = r; return p }
	tests := []struct {
		name string
		pkgs func(t *testing.T) []Package
		want string // substring of the message
		// exactly one of these is set for typed errors
		conflict *ConflictError
		unsafe   *UnsafePathError
	}{
		{
			name: "same file from two packages",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", reg("etc/x", "1")), pkg(t, "b", "2", reg("etc/x", "2"))}
			},
			conflict: &ConflictError{Path: "etc/x", First: "a-1", Second: "b-2"},
			want:     "a-1 and b-2 both install /etc/x; drop one of them, or b-2 must declare replaces=",
		},
		{
			name: "replaces of another package does not help",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", reg("etc/x", "1")), withReplaces(pkg(t, "b", "2", reg("etc/x", "2")), "c")}
			},
			conflict: &ConflictError{Path: "etc/x", First: "a-1", Second: "b-2"},
		},
		// apk_dep_is_materialized: replaces= with a version constraint the
		// earlier package does not meet does not count.
		{
			name: "replaces with a version the other package does not have",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "3", reg("etc/x", "1")), withReplaces(pkg(t, "b", "2", reg("etc/x", "2")), "a<2")}
			},
			conflict: &ConflictError{Path: "etc/x", First: "a-3", Second: "b-2"},
		},
		{
			name: "origins differ",
			pkgs: func(t *testing.T) []Package {
				a, b := pkg(t, "a", "1", reg("etc/x", "1")), pkg(t, "b", "2", reg("etc/x", "2"))
				a.Info.Origin, b.Info.Origin = "a", "b"
				return []Package{a, b}
			},
			conflict: &ConflictError{Path: "etc/x", First: "a-1", Second: "b-2"},
		},
		{
			name: "directory against file",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", dir("etc/x/")), withReplaces(pkg(t, "b", "2", reg("etc/x", "2")), "a")}
			},
			conflict: &ConflictError{Path: "etc/x", First: "a-1", Second: "b-2", DirVsFile: true},
			want:     "is a directory for one of a-1 and b-2",
		},
		{
			name: "file where a later package needs a directory",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", reg("usr", "1")), pkg(t, "b", "2", reg("usr/bin/x", "2"))}
			},
			conflict: &ConflictError{Path: "usr", First: "a-1", Second: "b-2", DirVsFile: true},
		},
		{
			name:   "dot-dot component",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", reg("usr/../../etc/x", "1"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "usr/../../etc/x", Reason: `has a ".." component`},
			want:   "package a-1: entry \"usr/../../etc/x\" has a \"..\" component; the package is hostile or broken",
		},
		{
			name:   "absolute name",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", reg("/etc/x", "1"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "/etc/x", Reason: "is an absolute path"},
		},
		{
			name:   "absolute after ./",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", reg(".//etc/x", "1"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: ".//etc/x", Reason: "is an absolute path"},
		},
		{
			name: "file through a symlink of an earlier package",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", symlink("lib", "/etc")), pkg(t, "b", "2", reg("lib/x", "2"))}
			},
			unsafe: &UnsafePathError{Package: "b-2", Path: "lib/x", Reason: "would be written through the symlink /lib -> /etc"},
		},
		{
			name: "symlink escape at the root",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", symlink("lib", "../../tmp/.."), reg("lib/x", "2"))}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "lib", Reason: `is a symlink to "../../tmp/..", outside the root`},
		},
		{
			name: "file through a relative symlink of the same package",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", symlink("lib", "usr/lib"), reg("lib/x", "2"))}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "lib/x", Reason: "would be written through the symlink /lib -> usr/lib"},
		},
		{
			name:   "symlink escape",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", symlink("a/b", "../../.."))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "a/b", Reason: `is a symlink to "../../..", outside the root`},
		},
		{
			name:   "absolute symlink escape",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", symlink("a/b", "/usr/../../x"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "a/b", Reason: `is a symlink to "/usr/../../x", outside the root`},
		},
		{
			name: "symlink chain through x -> .",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", symlink("x", "."), symlink("y", "x/x/../../etc"))}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "y", Reason: `is a symlink to "x/x/../../etc", which climbs above the root through the symlink /x`},
		},
		{
			name: "symlink chain across packages, the harmless-looking link first",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", dir("usr/"), symlink("usr/y", "d/../../x")), pkg(t, "b", "2", symlink("usr/d", "/"))}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "usr/y", Reason: `is a symlink to "d/../../x", which climbs above the root through the symlink /usr/d`},
		},
		{
			name: "symlink chain in a subdirectory",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", dir("a/"), dir("a/b/"), symlink("a/b/up", ".."), symlink("a/b/e", "up/up/../../../x"))}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "a/b/e", Reason: `is a symlink to "up/up/../../../x", which climbs above the root through the symlink /a/b/up`},
		},
		{
			name: "symlink loop",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", symlink("p", "q"), symlink("q", "p"))}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "p", Reason: `is a symlink to "q", which passes through more than 40 symlinks (a loop or a chain; the kernel gives up there too)`},
		},
		{
			name:   "hardlink to nothing",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", hardlink("bin/y", "bin/x"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "bin/y", Reason: `is a hardlink to "bin/x", which is not an earlier regular file of the layer`},
		},
		{
			name:   "hardlink outside",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", hardlink("bin/y", "../etc/passwd"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "bin/y", Reason: `is a hardlink whose target "../etc/passwd" has a ".." component`},
		},
		{
			name: "hardlink to a directory",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", dir("bin/"), hardlink("x", "bin/"))}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "x", Reason: `is a hardlink to "bin/", which is not an earlier regular file of the layer`},
		},
		{
			name:   "file twice in one package",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", reg("x", "1"), reg("./x", "2"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "./x", Reason: "is in the package twice"},
		},
		{
			name:   "unsupported type",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", ent{name: "x", typ: 'V'})} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "x", Reason: `has the unsupported tar type "V"`},
		},
		{
			name: "apk database shipped by a package",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", reg("lib/apk/db/installed", "fake"))}
			},
			want: "package a-1 ships /lib/apk/db/installed, inside an apk database directory (lib/apk/db), which only the layer writes",
		},
		{
			name: "nested apk database",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", reg("usr/lib/apk/db/installed", "P:forged\n"))}
			},
			want: "package a-1 ships /usr/lib/apk/db/installed, inside an apk database directory (lib/apk/db), which only the layer writes: scanners would list its records",
		},
		{
			name: "symlink in place of a nested apk database",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "a", "1", symlink("opt/lib/apk/db", "/tmp"))}
			},
			want: "package a-1 ships /opt/lib/apk/db, inside an apk database directory",
		},
		{
			name:   "whiteout",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", reg("etc/.wh.passwd", ""))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "etc/.wh.passwd", Reason: `has a component starting with ".wh.", an OCI whiteout that would delete files of the image's lower layers`},
		},
		{
			name:   "opaque whiteout directory",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", dir("etc/.wh..wh..opq/"))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "etc/.wh..wh..opq/", Reason: `has a component starting with ".wh.", an OCI whiteout that would delete files of the image's lower layers`},
		},
		{
			name:   "line break in a name",
			pkgs:   func(t *testing.T) []Package { return []Package{pkg(t, "a", "1", reg("etc/a\nb", ""))} },
			unsafe: &UnsafePathError{Package: "a-1", Path: "etc/a\nb", Reason: "contains the control character 0x0a (a NUL byte, line break, ...)"},
		},
		{
			name: "uid beyond 2^31-1",
			pkgs: func(t *testing.T) []Package {
				e := reg("etc/x", "1")
				e.uid = 1 << 32
				return []Package{pkg(t, "a", "1", e)}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "etc/x", Reason: "has uid 4294967296, outside 0..2147483647"},
		},
		{
			name: "PAX sparse file",
			pkgs: func(t *testing.T) []Package {
				b := apkbuild.SparseTar(apkbuild.SparsePAX, "big", 1<<62)
				return []Package{pkgOf("a", "1", b)}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "big", Reason: "is a sparse file"},
		},
		{
			name: "GNU sparse file (type S)",
			pkgs: func(t *testing.T) []Package {
				b := apkbuild.SparseTar(apkbuild.SparseGNU, "big", 1<<62)
				return []Package{pkgOf("a", "1", b)}
			},
			unsafe: &UnsafePathError{Package: "a-1", Path: "big", Reason: "is a sparse file"},
		},
		{
			name: "read error names the package",
			pkgs: func(t *testing.T) []Package {
				p := pkg(t, "a", "1", reg("x", "1"))
				p.Data = &failingReader{tr: p.Data.(*tar.Reader), err: errBroken}
				return []Package{p}
			},
			want: "layer: reading package a-1: datahash mismatch; re-fetch and verify the package",
		},
		{
			name: "content read error names the package and file",
			pkgs: func(t *testing.T) []Package {
				p := pkg(t, "a", "1", reg("etc/x", "1"))
				p.Data = failingContent{p.Data.(*tar.Reader)}
				return []Package{p}
			},
			want: "layer: reading /etc/x of package a-1: datahash mismatch; re-fetch and verify the package",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, res, err := write(t, Options{}, tt.pkgs(t)...)
			if err == nil {
				t.Fatalf("no error; layer:\n%s", strings.Join(listing(t, out), "\n"))
			}
			if res != nil {
				t.Errorf("result %+v with error", res)
			}
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			var ce *ConflictError
			if got := errors.As(err, &ce); got != (tt.conflict != nil) || got && *ce != *tt.conflict {
				t.Errorf("conflict = %#v, want %#v (%v)", ce, tt.conflict, err)
			}
			var ue *UnsafePathError
			if got := errors.As(err, &ue); got != (tt.unsafe != nil) || got && *ue != *tt.unsafe {
				t.Errorf("unsafe = %#v, want %#v (%v)", ue, tt.unsafe, err)
			}
			if strings.Contains(tt.name, "read error") && !errors.Is(err, errBroken) {
				t.Errorf("%v does not wrap the reader's error", err)
			}
		})
	}
}
