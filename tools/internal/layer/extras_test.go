package layer

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// linksOf lists the symlinks to /bin/busybox* in a layer; links to
// /bin/busybox are listed without their target.
func linksOf(t *testing.T, out []byte) []string {
	var got []string
	for _, l := range listing(t, out) {
		f := strings.Fields(l)
		if len(f) < 7 || f[1] != "2" || !strings.HasPrefix(f[5], "/bin/busybox") {
			continue
		}
		s := f[0] + " " + f[2] + " " + f[3]
		if f[5] != "/bin/busybox" {
			s += " -> " + f[5]
		}
		got = append(got, s)
	}
	return got
}

func TestBusyboxLinks(t *testing.T) {
	bin := reg("bin/busybox", "\x7fELF")
	bin.mode = 0o755
	extras := reg("bin/busybox-extras", "\x7fELF")
	extras.mode = 0o755
	kept := func(version string) ([]string, error) {
		if version != "1.36.1-r2" {
			t.Errorf("asked for version %q", version)
		}
		return []string{"bin/ls", "bin/sh", "usr/bin/wget"}, nil
	}
	tests := []struct {
		name  string
		pkgs  func(t *testing.T) []Package
		links BusyboxLinks
		want  []string
	}{
		{
			name:  "from the kept list",
			pkgs:  func(t *testing.T) []Package { return []Package{pkg(t, "busybox", "1.36.1-r2", dir("bin"), bin)} },
			links: kept,
			want:  []string{"bin/ls 777 0:0", "bin/sh 777 0:0", "usr/bin/wget 777 0:0"},
		},
		{
			name: "from busybox-paths.d, and a shipped path wins",
			pkgs: func(t *testing.T) []Package {
				return []Package{
					pkg(t, "busybox", "1.36.1-r2", dir("bin"), bin, reg("etc/busybox-paths.d/busybox", "/bin/cat\n/bin/busybox\n# c\n/sbin/ip\n")),
					pkg(t, "coreutils", "9", dir("bin"), reg("bin/cat", "real cat")),
				}
			},
			links: kept,
			want:  []string{"sbin/ip 777 0:0"},
		},
		{
			// Alpine's busybox-extras: its own binary and list; busybox's
			// links are made first and win.
			name: "busybox-extras links to its own binary",
			pkgs: func(t *testing.T) []Package {
				return []Package{
					pkg(t, "busybox", "1.36.1-r2", dir("bin"), bin, reg("etc/busybox-paths.d/busybox", "bin/ls\nusr/bin/arch\n")),
					pkg(t, "busybox-extras", "1.36.1-r2", dir("bin"), extras, reg("etc/busybox-paths.d/busybox-extras", "usr/bin/arch\nusr/bin/telnet\n")),
				}
			},
			links: kept,
			want:  []string{"bin/ls 777 0:0", "usr/bin/arch 777 0:0", "usr/bin/telnet 777 0:0 -> /bin/busybox-extras"},
		},
		{
			name: "busybox without a list keeps the kept list next to busybox-extras",
			pkgs: func(t *testing.T) []Package {
				return []Package{
					pkg(t, "busybox", "1.36.1-r2", dir("bin"), bin),
					pkg(t, "busybox-extras", "1.36.1-r2", dir("bin"), extras, reg("etc/busybox-paths.d/busybox-extras", "usr/bin/telnet\nbin/ls\n")),
				}
			},
			links: kept,
			want:  []string{"bin/ls 777 0:0", "bin/sh 777 0:0", "usr/bin/telnet 777 0:0 -> /bin/busybox-extras", "usr/bin/wget 777 0:0"},
		},
		{
			name: "a list with nothing of its package to link to",
			pkgs: func(t *testing.T) []Package {
				return []Package{
					pkg(t, "busybox", "1.36.1-r2", dir("bin"), bin, reg("etc/busybox-paths.d/busybox", "bin/ls\n")),
					pkg(t, "stray", "1", reg("etc/busybox-paths.d/stray", "usr/bin/telnet\n")),
				}
			},
			links: kept,
			want:  []string{"bin/ls 777 0:0"},
		},
		{
			name:  "turned off",
			pkgs:  func(t *testing.T) []Package { return []Package{pkg(t, "busybox", "1.36.1-r2", dir("bin"), bin)} },
			links: nil,
		},
		{
			name:  "no busybox",
			pkgs:  func(t *testing.T) []Package { return []Package{pkg(t, "musl", "1", reg("lib/ld", "x"))} },
			links: kept,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, _, err := write(t, Options{Busybox: tc.links}, tc.pkgs(t)...)
			if err != nil {
				t.Fatal(err)
			}
			if got := linksOf(t, out); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("links = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBusyboxLinksErrors(t *testing.T) {
	bin := reg("bin/busybox", "\x7fELF")
	unknown := func(string) ([]string, error) { return nil, errBroken }
	_, _, err := write(t, Options{Busybox: unknown}, pkg(t, "busybox", "9.9.9-r0", bin))
	if err == nil || !strings.Contains(err.Error(), "busybox links for busybox-9.9.9-r0: datahash mismatch") {
		t.Errorf("error = %v", err)
	}
	_, _, err = write(t, Options{Busybox: unknown}, pkg(t, "busybox", "1", bin, reg("etc/busybox-paths.d/busybox", "/bin/../x\n")))
	if err == nil || !strings.Contains(err.Error(), `/etc/busybox-paths.d/busybox of busybox-1, line 1: "/bin/../x" is not a clean path`) {
		t.Errorf("error = %v", err)
	}
}

func TestDescribeRoot(t *testing.T) {
	_, res, err := write(t, Options{},
		pkg(t, "alpine-baselayout-data", "1", reg("usr/lib/os-release", "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.21.0\n# x=y\n"), symlink("etc/os-release", "../usr/lib/os-release")),
		pkg(t, "ca-certificates-bundle", "1", reg("etc/ssl/certs/ca-certificates.crt", "PEM")))
	if err != nil {
		t.Fatal(err)
	}
	if res.CABundle != CABundle {
		t.Errorf("CABundle = %q", res.CABundle)
	}
	if want := map[string]string{"NAME": "Alpine Linux", "ID": "alpine", "VERSION_ID": "3.21.0"}; !reflect.DeepEqual(res.OSRelease, want) {
		t.Errorf("OSRelease = %v, want %v", res.OSRelease, want)
	}
	_, res, err = write(t, Options{}, pkg(t, "musl", "1", reg("lib/ld", "x")))
	if err != nil || res.CABundle != "" || res.OSRelease != nil {
		t.Errorf("bare root: %+v, %v", res, err)
	}
}

// TestBusyboxPathsHostile: /etc/busybox-paths.d lists are package content;
// links they ask for go through the same checks as a package's own
// entries (round 3).
func TestBusyboxPathsHostile(t *testing.T) {
	bin := reg("bin/busybox", "\x7fELF")
	kept := func(string) ([]string, error) { return nil, nil }
	for _, tc := range []struct {
		name string
		pkgs []Package
		want string
	}{
		{"a link through a symlinked directory", []Package{pkg(t, "busybox", "1", dir("bin"), bin, symlink("sbin", "/etc"),
			reg("etc/busybox-paths.d/busybox", "/sbin/passwd\n"))}, "cannot write /sbin/passwd: /sbin is a symlink to /etc from busybox-1, and the layer never writes through symlinks"},
		{"a link through a symlink to the root", []Package{pkg(t, "busybox", "1", dir("bin"), bin, symlink("usr/x", "/"),
			reg("etc/busybox-paths.d/busybox", "/usr/x/etc/cron\n"))}, "cannot write /usr/x/etc/cron: /usr/x is a symlink to / from busybox-1"},
		{"a line break smuggled as a carriage return", []Package{pkg(t, "busybox", "1", dir("bin"), bin,
			reg("etc/busybox-paths.d/busybox", "/bin/a\rb\n"))}, `line 1: "/bin/a\rb" is not a clean path`},
		{"a list past the size bound", []Package{pkg(t, "busybox", "1", dir("bin"), bin,
			reg("etc/busybox-paths.d/busybox", strings.Repeat("/bin/aaaaaaaaaaaaaaa\n", 60000)))}, "is larger than 1048576 bytes"},
		{"a dot-dot line", []Package{pkg(t, "busybox", "1", dir("bin"), bin,
			reg("etc/busybox-paths.d/busybox", "../../etc/passwd\n"))}, `"../../etc/passwd" is not a clean path`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := write(t, Options{Busybox: kept}, tc.pkgs...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
	// Thousands of links are fine: each is one symlink entry.
	var list strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&list, "/usr/bin/applet%d\n", i)
	}
	out, _, err := write(t, Options{Busybox: kept}, pkg(t, "busybox", "1", dir("bin"), bin, reg("etc/busybox-paths.d/busybox", list.String())))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(linksOf(t, out)); n != 5000 {
		t.Errorf("%d links, want 5000", n)
	}
}
