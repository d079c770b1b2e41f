package main

import (
	"archive/tar"
	"fmt"
	"sort"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// buildDate is every package's build time: Alpine 3.21.0's release day,
// 2024-12-05T00:00:00Z. Fixed so that regenerating gives the same bytes.
const buildDate = 1733356800

// Fixed versions: the mirror is test data, not a distribution.
const (
	muslVersion       = "1.2.3-r0" // Debian's musl 1.2.3 (binary or source) supplies the loader
	baselayoutVersion = "3.6.8-r0"
	caVersion         = "20241121-r0"
	helloVersion      = "1.0-r0"
	docsVersion       = "0.2-r0"
	alpineRelease     = "3.21.0"
)

const (
	projectURL = "https://github.com/musl-dynamic/musl-dynamic"
	maintainer = "musl-dynamic test mirror <test-mirror@musl-dynamic.invalid>"
	packager   = "musl-dynamic tools/cmd/testmirror generate"
)

// archInputs is what one architecture's packages are made of besides the
// fixed text in this file.
type archInputs struct {
	Loader []byte // the loader ELF
	Origin string // where the loader came from (the sysroot's ORIGIN line)
	Hello  []byte // /usr/bin/hello for this arch; nil = no hello packages
	CACert []byte // PEM of the test CA
	// Busybox holds the busybox packages (x86_64 only); nil = none.
	Busybox []apkbuild.Spec
}

// specs returns the packages of one architecture, sorted by name.
func specs(a arch, in archInputs) []apkbuild.Spec {
	out := []apkbuild.Spec{
		muslSpec(a, in),
		baselayoutSpec(a),
		caSpec(a, in.CACert),
		docsSpec(a),
	}
	if in.Hello != nil {
		out = append(out, helloSpec(a, in.Hello), helloDocSpec(a))
	}
	out = append(out, in.Busybox...)
	sortSpecs(out)
	return out
}

// info fills the fields every package shares.
func info(a arch, name, version, origin, license, desc string) pkginfo.Info {
	return pkginfo.Info{
		Name: name, Version: version, Description: desc, URL: projectURL,
		Arch: a.APKArch, License: license, Origin: origin, Maintainer: maintainer,
		BuildDate: buildDate, Packager: packager,
	}
}

func dir(name string, mode int64) apkbuild.File {
	return apkbuild.File{Name: name, Type: tar.TypeDir, Mode: mode}
}

func file(name string, mode int64, body []byte) apkbuild.File {
	return apkbuild.File{Name: name, Type: tar.TypeReg, Mode: mode, Body: body}
}

func symlink(name, target string) apkbuild.File {
	return apkbuild.File{Name: name, Type: tar.TypeSymlink, Linkname: target}
}

func muslSpec(a arch, in archInputs) apkbuild.Spec {
	loader := "ld-musl-" + a.Loader + ".so.1"
	desc := fmt.Sprintf("musl C library loader %s, %s", loader, in.Origin)
	body := in.Loader
	i := info(a, "musl", muslVersion, "musl", "MIT", desc)
	i.Provides = []string{"so:libc.musl-" + a.APKArch + ".so.1=1"}
	return apkbuild.Spec{Info: i, Files: []apkbuild.File{
		dir("lib", 0o755),
		file("lib/"+loader, 0o755, body),
		symlink("lib/libc.musl-"+a.APKArch+".so.1", loader),
	}}
}

// Accounts in Alpine's style, written for this mirror: enough for tools
// that look up root and nobody.
const (
	passwd = `root:x:0:0:root:/root:/bin/sh
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
nobody:x:65534:65534:nobody:/:/sbin/nologin
`
	group = `root:x:0:root
bin:x:1:root,bin,daemon
daemon:x:2:root,bin,daemon
shadow:x:42:
nobody:x:65534:
`
	shadow = `root:*::0:::::
bin:!::0:::::
daemon:!::0:::::
nobody:!::0:::::
`
	hosts = "127.0.0.1\tlocalhost localhost.localdomain\n::1\t\tlocalhost localhost.localdomain\n"
)

// osRelease makes syft and trivy detect Alpine 3.21 while saying plainly
// that this is the test mirror.
const osRelease = `NAME="Alpine Linux"
ID=alpine
VERSION_ID=` + alpineRelease + `
PRETTY_NAME="musl-dynamic test mirror (Alpine format, not Alpine Linux) v3.21"
HOME_URL="` + projectURL + `"
`

func baselayoutSpec(a arch) apkbuild.Spec {
	i := info(a, "alpine-baselayout-data", baselayoutVersion, "alpine-baselayout", "CC0-1.0",
		"Base files (passwd, group, os-release) written for the musl-dynamic test mirror")
	return apkbuild.Spec{Info: i, Files: []apkbuild.File{
		dir("etc", 0o755),
		file("etc/alpine-release", 0o644, []byte(alpineRelease+"\n")),
		file("etc/group", 0o644, []byte(group)),
		file("etc/hosts", 0o644, []byte(hosts)),
		file("etc/os-release", 0o644, []byte(osRelease)),
		file("etc/passwd", 0o644, []byte(passwd)),
		file("etc/shadow", 0o640, []byte(shadow)),
		dir("root", 0o700),
	}}
}

func caSpec(a arch, cert []byte) apkbuild.Spec {
	i := info(a, "ca-certificates-bundle", caVersion, "ca-certificates", "CC0-1.0",
		"TEST CA bundle: one self-made musl-dynamic test CA that no one trusts")
	return apkbuild.Spec{Info: i, Files: []apkbuild.File{
		dir("etc", 0o755),
		symlink("etc/ssl/cert.pem", "certs/ca-certificates.crt"),
		dir("etc/ssl", 0o755),
		dir("etc/ssl/certs", 0o755),
		file("etc/ssl/certs/ca-certificates.crt", 0o644, cert),
	}}
}

func helloSpec(a arch, bin []byte) apkbuild.Spec {
	i := info(a, "hello", helloVersion, "hello", "CC0-1.0",
		"Prints a greeting; dynamically linked against musl (e2e/hello/hello.c)")
	i.Depends = []string{"so:libc.musl-" + a.APKArch + ".so.1"}
	i.Provides = []string{"cmd:hello=" + helloVersion}
	return apkbuild.Spec{Info: i, Files: []apkbuild.File{
		dir("usr", 0o755),
		dir("usr/bin", 0o755),
		file("usr/bin/hello", 0o755, bin),
	}}
}

// helloDocSpec and docsSpec exercise install_if: hello-doc comes in by
// itself once both hello and docs are installed, as Alpine's -doc
// subpackages do.
func helloDocSpec(a arch) apkbuild.Spec {
	i := info(a, "hello-doc", helloVersion, "hello", "CC0-1.0", "Prints a greeting (documentation)")
	i.InstallIf = []string{"hello=" + helloVersion, "docs"}
	return apkbuild.Spec{Info: i, Files: []apkbuild.File{
		dir("usr", 0o755),
		dir("usr/share", 0o755),
		dir("usr/share/doc", 0o755),
		dir("usr/share/doc/hello", 0o755),
		file("usr/share/doc/hello/README", 0o644, []byte("hello prints one line naming its architecture.\n")),
	}}
}

func docsSpec(a arch) apkbuild.Spec {
	i := info(a, "docs", docsVersion, "docs", "CC0-1.0", "Meta package: pulls in the -doc package of everything installed")
	return apkbuild.Spec{Info: i}
}

// sortSpecs sorts by name, then version as written (busybox has two).
func sortSpecs(s []apkbuild.Spec) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Info.Name != s[j].Info.Name {
			return s[i].Info.Name < s[j].Info.Name
		}
		return s[i].Info.Version < s[j].Info.Version
	})
}
