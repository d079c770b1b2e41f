package resolve

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

type opt func(*apkindex.Record)

func dep(d ...string) opt  { return func(r *apkindex.Record) { r.Depends = append(r.Depends, d...) } }
func prov(p ...string) opt { return func(r *apkindex.Record) { r.Provides = append(r.Provides, p...) } }
func iif(i ...string) opt {
	return func(r *apkindex.Record) { r.InstallIf = append(r.InstallIf, i...) }
}
func prio(k int) opt {
	return func(r *apkindex.Record) { r.ProviderPriority, r.HasPriority = k, true }
}
func sum(c string) opt { return func(r *apkindex.Record) { r.Checksum = c } }

var uninstallable opt = func(r *apkindex.Record) { r.Uninstallable = true }

func pkg(name, ver string, opts ...opt) apkindex.Record {
	r := apkindex.Record{Name: name, Version: ver, Arch: "x86_64"}
	for _, o := range opts {
		o(&r)
	}
	return r
}

func repo(url string, pkgs ...apkindex.Record) Repository {
	return Repository{URL: url, Packages: pkgs}
}

func tagged(tag, url string, pkgs ...apkindex.Record) Repository {
	return Repository{URL: url, Tag: tag, Packages: pkgs}
}

// show renders a result as "name-version@repo ..." for exact comparison.
func show(sel []Selected) string {
	parts := make([]string, len(sel))
	for i, s := range sel {
		parts[i] = s.Record.Name + "-" + s.Record.Version + "@" + strconv.Itoa(s.Repository)
	}
	return strings.Join(parts, " ")
}

const sumB = "Q1BBBBBBBBBBBBBBBBBBBBBBBBBBA="

func TestResolve(t *testing.T) {
	main := "file:///main"
	tests := []struct {
		name  string
		world []string
		repos []Repository
		want  string
	}{
		{"plain dependencies, installed first", []string{"hello"}, []Repository{repo(main,
			pkg("hello", "1.0-r0", dep("libfoo")),
			pkg("libfoo", "2.1-r0", dep("musl")),
			pkg("musl", "1.2.5-r0"),
		)}, "musl-1.2.5-r0@0 libfoo-2.1-r0@0 hello-1.0-r0@0"},
		{"highest version by default", []string{"foo"}, []Repository{repo(main,
			pkg("foo", "1.9"), pkg("foo", "1.10"), pkg("foo", "1.10_rc1"),
		)}, "foo-1.10@0"},
		{"versioned dependency", []string{"hello"}, []Repository{repo(main,
			pkg("hello", "1", dep("foo<1.10")),
			pkg("foo", "1.9"), pkg("foo", "1.10"), pkg("foo", "1.8"),
		)}, "foo-1.9@0 hello-1@0"},
		{"fuzzy world atom", []string{"foo~1.2"}, []Repository{repo(main,
			pkg("foo", "1.3.0"), pkg("foo", "1.2.7-r1"), pkg("foo", "1.20"),
		)}, "foo-1.2.7-r1@0"},
		{"so, cmd and pc provides", []string{"hello", "cmd:tool", "pc:zlib"}, []Repository{repo(main,
			pkg("hello", "1", dep("so:libfoo.so.1")),
			pkg("libfoo", "3.0", prov("so:libfoo.so.1=1.0.3")),
			pkg("tools", "2", prov("cmd:tool=2", "cmd:other=2")),
			pkg("zlib-dev", "1.3", prov("pc:zlib=1.3"), dep("zlib")),
			pkg("zlib", "1.3"),
		)}, "libfoo-3.0@0 hello-1@0 tools-2@0 zlib-1.3@0 zlib-dev-1.3@0"},
		{"highest provided version wins over package version", []string{"so:libx.so.1"}, []Repository{repo(main,
			pkg("libx-old", "9", prov("so:libx.so.1=1.0")),
			pkg("libx", "2", prov("so:libx.so.1=1.1")),
		)}, "libx-2@0"},
		{"virtual with provider_priority: highest priority", []string{"sh"}, []Repository{repo(main,
			pkg("dash-binsh", "0.5", prov("sh"), prio(60)),
			pkg("busybox-binsh", "1.36", prov("sh"), prio(100)),
			pkg("yash-binsh", "2.5", prov("sh")),
		)}, "busybox-binsh-1.36@0"},
		// compare_providers: with equal requested versions (two virtuals)
		// and different package names, provider_priority, then the
		// repository; apk keeps index order after that, this tool the name.
		{"priority tie between packages: by name", []string{"sh"}, []Repository{repo(main,
			pkg("b-binsh", "2.0", prov("sh"), prio(10)),
			pkg("a-binsh", "1.0", prov("sh"), prio(10)),
		)}, "a-binsh-1.0@0"},
		// compare_providers "select latest by principal name": versions of
		// one package compare before provider_priority.
		{"versions of one package before priority", []string{"sh"}, []Repository{repo(main,
			pkg("a-binsh", "1.0", prov("sh"), prio(20)),
			pkg("a-binsh", "2.0", prov("sh"), prio(10)),
		)}, "a-binsh-2.0@0"},
		// compare_providers: apk_version_compare_fuzzy returns neither LESS
		// nor GREATER for a null (virtual) version, so a versioned provide
		// has no edge over a virtual one and provider_priority decides.
		{"versioned provide and virtual: priority decides", []string{"sh"}, []Repository{repo(main,
			pkg("busybox-binsh", "1.36", prov("sh"), prio(100)),
			pkg("mksh", "59", prov("sh=59")),
		)}, "busybox-binsh-1.36@0"},
		// compare_providers "select latest by requested name" comes before
		// provider_priority.
		{"provided version before priority", []string{"so:libx.so.1"}, []Repository{repo(main,
			pkg("libx-fork", "9", prov("so:libx.so.1=1.0"), prio(100)),
			pkg("libx", "2", prov("so:libx.so.1=1.1")),
		)}, "libx-2@0"},
		// select_package in apk-tools 2.12 ("unless there is only one
		// provider"), as go-apk and apko: Alpine's perl-test-tester.
		{"virtual with a single provider", []string{"app"}, []Repository{repo(main,
			pkg("app", "1", dep("perl-test-tester")),
			pkg("perl-test-simple", "1.3", prov("perl-test-tester")),
		)}, "perl-test-simple-1.3@0 app-1@0"},
		// is_provider_auto_selectable (requirers of the provider's own
		// name) and dequeue_next_name (names without an auto-selectable
		// provider are resolved last): alpine-baselayout needs /bin/sh
		// before anything has asked for busybox; busybox is chosen because
		// alpine-base requires it, not yash.
		{"virtual provider required elsewhere, decided last", []string{"alpine-base"}, []Repository{repo(main,
			pkg("alpine-base", "3.16", dep("alpine-baselayout", "busybox")),
			pkg("alpine-baselayout", "3.2", dep("/bin/sh")),
			pkg("busybox", "1.35.0-r17", prov("/bin/sh", "cmd:sh=1.35.0-r17")),
			pkg("yash", "2.5", prov("/bin/sh")),
		)}, "busybox-1.35.0-r17@0 alpine-baselayout-3.2@0 alpine-base-3.16@0"},
		{"virtual provider required later in the world", []string{"ca-certificates", "busybox"}, []Repository{repo(main,
			pkg("ca-certificates", "2022", dep("/bin/sh")),
			pkg("busybox", "1.35.0-r17", prov("/bin/sh")),
			pkg("dash", "0.5", prov("/bin/sh")),
		)}, "busybox-1.35.0-r17@0 ca-certificates-2022@0"},
		{"virtual already satisfied by a selected provider", []string{"sh-user", "yash"}, []Repository{repo(main,
			pkg("sh-user", "1", dep("sh")),
			pkg("yash", "2.5", prov("sh")),
			pkg("busybox-binsh", "1.36", prov("sh"), prio(100)),
		)}, "busybox-binsh-1.36@0 sh-user-1@0 yash-2.5@0"},
		{"same package in two repositories: the first", []string{"foo"}, []Repository{
			repo("file:///a", pkg("foo", "1", sum(sumA))),
			repo("file:///b", pkg("foo", "1", sum(sumB))),
		}, "foo-1@0"},
		{"newer version in the second repository", []string{"foo"}, []Repository{
			repo("file:///a", pkg("foo", "1")),
			repo("file:///b", pkg("foo", "1-r1")),
		}, "foo-1-r1@1"},
		{"tagged repository only for tagged atoms", []string{"foo"}, []Repository{
			tagged("edge", "file:///edge", pkg("foo", "9")),
			repo(main, pkg("foo", "1")),
		}, "foo-1@1"},
		{"tagged atom, dependencies inherit the tag", []string{"foo@edge"}, []Repository{
			repo(main, pkg("foo", "1"), pkg("libbar", "1")),
			tagged("edge", "file:///edge", pkg("foo", "9", dep("libbar>=2")), pkg("libbar", "2")),
		}, "libbar-2@1 foo-9@1"},
		{"exact checksum", []string{"foo><" + sumA}, []Repository{repo(main,
			pkg("foo", "2", sum(sumB)), pkg("foo", "1", sum(sumA)),
		)}, "foo-1@0"},
		// reconsider_name/select_package: a triggered install_if package is
		// selected like any other, and apply_constraint then adds its own
		// dependencies (man-pages).
		{"install_if to a fixed point", []string{"foo", "docs"}, []Repository{repo(main,
			pkg("foo", "1"), pkg("docs", "1"), pkg("man-pages", "1"),
			pkg("foo-doc", "1", iif("foo", "docs"), dep("man-pages")),
			pkg("foo-doc-extra", "1", iif("foo-doc")),
			pkg("bar-doc", "1", iif("bar", "docs")),
		)}, "docs-1@0 foo-1@0 man-pages-1@0 foo-doc-1@0 foo-doc-extra-1@0"},
		{"install_if that cannot be installed is skipped", []string{"foo"}, []Repository{repo(main,
			pkg("foo", "1"),
			pkg("foo-extra", "1", iif("foo"), dep("missing")),
		)}, "foo-1@0"},
		{"world conflict steers to another candidate", []string{"foo", "!bar"}, []Repository{repo(main,
			pkg("foo", "2", dep("bar")), pkg("foo", "1"), pkg("bar", "1"),
		)}, "foo-1@0"},
		{"dead end backtracks to the next candidate", []string{"app"}, []Repository{repo(main,
			pkg("app", "1", dep("so:libz.so.1", "zlib-ng")),
			pkg("zlib", "1.3", prov("so:libz.so.1=1.3")),
			pkg("zlib-ng", "2", dep("!zlib")),
			pkg("zlib-compat", "1.2", prov("so:libz.so.1=1.2")),
		)}, "zlib-compat-1.2@0 zlib-ng-2@0 app-1@0"},
		{"uninstallable package skipped", []string{"foo"}, []Repository{repo(main,
			pkg("foo", "2", uninstallable), pkg("foo", "1"),
		)}, "foo-1@0"},
		{"cycle terminates, broken by name", []string{"b"}, []Repository{repo(main,
			pkg("b", "1", dep("a")), pkg("a", "1", dep("c")), pkg("c", "1", dep("b")),
		)}, "b-1@0 c-1@0 a-1@0"},
		{"self dependency", []string{"a"}, []Repository{repo(main,
			pkg("a", "1", dep("a")),
		)}, "a-1@0"},
		{"independent packages by name", []string{"zeta", "alpha", "mid"}, []Repository{repo(main,
			pkg("mid", "1"), pkg("zeta", "1"), pkg("alpha", "1"),
		)}, "alpha-1@0 mid-1@0 zeta-1@0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.world, tc.repos)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if s := show(got); s != tc.want {
				t.Errorf("got  %s\nwant %s", s, tc.want)
			}
			// The same answer whatever the order of records in an index.
			for i := range tc.repos {
				p := tc.repos[i].Packages
				for l, r := 0, len(p)-1; l < r; l, r = l+1, r-1 {
					p[l], p[r] = p[r], p[l]
				}
			}
			again, err := Resolve(tc.world, tc.repos)
			if err != nil {
				t.Fatalf("Resolve with reversed indexes: %v", err)
			}
			if s := show(again); s != tc.want {
				t.Errorf("reversed indexes: got %s\nwant %s", s, tc.want)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	main := "file:///main"
	tests := []struct {
		name  string
		world []string
		repos []Repository
		want  string
	}{
		{"missing dependency chain", []string{"hello"}, []Repository{
			repo(main, pkg("hello", "1", dep("libfoo"))),
			repo("file:///community", pkg("libfoo", "1", dep("so:libfoo.so.1"))),
		}, "world → hello → libfoo → so:libfoo.so.1: no package provides so:libfoo.so.1 (in repositories: file:///main, file:///community); check the package name, the repositories and the architecture"},
		{"missing world package", []string{"nope"}, nil,
			"world → nope: no package provides nope (in repositories: none given); check the package name, the repositories and the architecture"},
		// select_package: no provider is auto-selectable, so the name is
		// assigned nothing and the solver reports an error.
		{"virtual with several providers, none chosen", []string{"sh"}, []Repository{repo(main,
			pkg("zsh", "5", prov("sh")), pkg("yash", "2.5", prov("sh")),
		)}, "world → sh: sh is a virtual name provided by yash-2.5, zsh-5, none with a provider_priority; add the one you want to the world (e.g. yash)"},
		{"only in a tagged repository", []string{"foo"}, []Repository{
			tagged("edge", "file:///edge", pkg("foo", "9")),
		}, "world → foo: foo-9 is only in the repository tagged @edge; request it as foo@edge"},
		{"unknown tag", []string{"foo@testing"}, []Repository{repo(main, pkg("foo", "1"))},
			"world → foo@testing: no repository is tagged @testing; add a repository with that tag or drop @testing"},
		{"no version matches", []string{"foo>=2"}, []Repository{repo(main, pkg("foo", "1"), pkg("foo", "1.5"))},
			"world → foo>=2: no candidate matches; available: foo 1 from file:///main, foo 1.5 from file:///main"},
		{"only uninstallable", []string{"foo"}, []Repository{repo(main, pkg("foo", "1", uninstallable))},
			"world → foo: foo-1 is marked uninstallable in file:///main (its index entry has fields this tool does not know); use another repository or package"},
		{"world conflict", []string{"foo", "!bar"}, []Repository{repo(main, pkg("foo", "1", dep("bar")), pkg("bar", "1"))},
			"world → foo → bar: bar-1 conflicts with !bar from world"},
		{"package conflict", []string{"a", "b"}, []Repository{repo(main, pkg("a", "1", dep("!b")), pkg("b", "1"))},
			"world → b: b-1 conflicts with !b from a-1"},
		{"package conflict with a selected package", []string{"b", "a"}, []Repository{repo(main, pkg("a", "1", dep("!b")), pkg("b", "1"))},
			"world → a: a-1 declares !b but b-1 is already selected"},
		{"one version per name", []string{"hello", "foo>=2"}, []Repository{repo(main,
			pkg("hello", "1", dep("foo=1")), pkg("foo", "1"), pkg("foo", "2"),
		)}, "world → foo>=2: foo-1 is already selected and only one version of a package can be installed"},
		{"one provider per versioned name", []string{"libssl", "libressl"}, []Repository{repo(main,
			pkg("libssl", "3", prov("so:libssl.so.3=3")), pkg("libressl", "3.8", prov("so:libssl.so.3=3")),
		)}, "world → libressl: libressl-3.8 and the selected libssl-3 both provide so:libssl.so.3; only one package may provide a versioned name"},
		{"invalid provide in the index", []string{"so:x"}, []Repository{repo(main, pkg("foo", "1", prov("so:x=1.0-1")))},
			`world → so:x: foo-1 in file:///main has an invalid provides entry "so:x=1.0-1": a provide is name or name=version; use another repository or package`},
		{"invalid dependency in the index", []string{"foo"}, []Repository{repo(main, pkg("foo", "1", dep("bar>=")))},
			`world → foo: foo-1 in file:///main has an invalid depends entry "bar>=": resolve: dependency "bar>=": "" is not a valid apk version; write it as [!]name[@tag][op version]; use another repository or package`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Resolve(tc.world, tc.repos)
			if err == nil {
				t.Fatalf("Resolve succeeded with %s, want error", show(got))
			}
			var ue *UnsatisfiableError
			if !errors.As(err, &ue) {
				t.Fatalf("error %T %v, want *UnsatisfiableError", err, err)
			}
			if err.Error() != tc.want {
				t.Errorf("error:\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestResolveBadWorld(t *testing.T) {
	_, err := Resolve([]string{"foo", "bar>=x"}, nil)
	want := `resolve: dependency "bar>=x": "x" is not a valid apk version; write it as [!]name[@tag][op version]`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %s", err, want)
	}
}
