package main

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"math/rand"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// alpineIndex makes a 5,000-package index shaped like Alpine's main
// repository: field sizes like Alpine's (descriptions, URLs, maintainers,
// commits), about ten depends and provides per package, so:/pc:/cmd:
// names, -dev packages depending on their library's exact version, -doc
// packages with install_if, a busybox that provides /bin/sh without a
// provider_priority, a prioritised virtual, and older versions of some
// libraries. The world is busybox and 30 applications. Generation is
// deterministic (a seeded math/rand source).
func alpineIndex() ([]apkindex.Record, []string) {
	rnd := rand.New(rand.NewSource(11))
	var recs []apkindex.Record
	words := []string{"xml", "ssl", "curl", "z", "png", "jpeg", "ffi", "glib", "pcre", "idn", "yaml", "uv",
		"event", "archive", "lzma", "bz", "zstd", "sqlite", "gmp", "mpfr", "edit", "ncurses", "readline", "attr"}
	word := func(i int) string { return words[i%len(words)] + fmt.Sprint(i) }
	ver := func() string {
		return fmt.Sprintf("%d.%d.%d-r%d", rnd.Intn(5), rnd.Intn(30), rnd.Intn(12), rnd.Intn(4))
	}
	add := func(name, version string, deps, provides, iif []string, prio int) {
		sum := sha1.Sum([]byte(name + "-" + version))
		recs = append(recs, apkindex.Record{
			Checksum: "Q1" + base64.StdEncoding.EncodeToString(sum[:]), Name: name, Version: version,
			Arch: "x86_64", Size: 20000 + rnd.Int63n(2000000), InstalledSize: 40000 + rnd.Int63n(8000000),
			Description: "The " + name + " package, generated to look like an Alpine record",
			URL:         "https://www.example.org/projects/" + name + "/", License: "MIT AND BSD-3-Clause",
			Origin: strings.TrimSuffix(strings.TrimSuffix(name, "-dev"), "-doc"), Maintainer: "Generated Maintainer <maintainer@example.org>",
			BuildTime: 1650000000 + rnd.Int63n(10000000), Commit: fmt.Sprintf("%040x", rnd.Int63()),
			Depends: deps, Provides: provides, InstallIf: iif, ProviderPriority: prio, HasPriority: prio > 0,
		})
	}
	const libc = "so:libc.musl-x86_64.so.1"
	add("musl", "1.2.3-r2", nil, []string{libc + "=1"}, nil, 0)
	var bb []string
	for i := 0; i < 40; i++ {
		bb = append(bb, fmt.Sprintf("cmd:bbcmd%d=1.35.0-r17", i))
	}
	add("busybox", "1.35.0-r17", []string{libc}, append([]string{"/bin/sh"}, bb...), nil, 0)
	add("docs", "0.2-r5", nil, nil, nil, 0)
	const nlib = 1400
	libVer := make([]string, nlib)
	for i := 0; i < nlib; i++ {
		libVer[i] = ver()
		deps := []string{libc}
		for j := 0; j < 3+rnd.Intn(7) && i > 0; j++ {
			deps = append(deps, fmt.Sprintf("so:lib%s.so.%d", word(rnd.Intn(i)), 1))
		}
		prov := []string{fmt.Sprintf("so:lib%s.so.1=1.%d.0", word(i), i%9)}
		for j := 0; j < 1+rnd.Intn(6); j++ {
			prov = append(prov, fmt.Sprintf("so:lib%s-extra%d.so.1=1.%d.0", word(i), j, i%9))
		}
		add("lib"+word(i), libVer[i], dedupe(deps), prov, nil, 0)
		if i%8 == 0 { // an older release still in the index
			add("lib"+word(i), "0.9.0-r0", []string{libc}, []string{fmt.Sprintf("so:lib%s.so.1=0.9.0", word(i))}, nil, 0)
		}
	}
	for i := 0; i < nlib; i++ {
		deps := []string{"pkgconfig", "lib" + word(i) + "=" + libVer[i]}
		for j := 0; j < 3+rnd.Intn(7) && i > 0; j++ {
			deps = append(deps, "pc:"+word(rnd.Intn(i)))
		}
		add("lib"+word(i)+"-dev", libVer[i], dedupe(deps),
			[]string{"pc:" + word(i) + "=" + strings.SplitN(libVer[i], "-", 2)[0], "cmd:" + word(i) + "-config=" + libVer[i]}, nil, 0)
		if i%2 == 0 {
			add("lib"+word(i)+"-doc", libVer[i], nil, nil, []string{"docs", "lib" + word(i) + "=" + libVer[i]}, 0)
		}
	}
	add("pkgconf", "1.8.0-r0", []string{libc}, []string{"pkgconfig=1", "cmd:pkg-config=1.8.0-r0"}, nil, 0)
	for len(recs) < 4998 {
		i := len(recs)
		name := fmt.Sprintf("app%d", i)
		deps := []string{libc}
		for j := 0; j < 4+rnd.Intn(8); j++ {
			deps = append(deps, fmt.Sprintf("so:lib%s.so.1", word(rnd.Intn(nlib))))
		}
		if i%5 == 0 {
			deps = append(deps, "/bin/sh")
		}
		var prov []string
		for j := 0; j < 2+rnd.Intn(6); j++ {
			prov = append(prov, fmt.Sprintf("cmd:%s-%d=%s", name, j, "2.4.1-r0"))
		}
		add(name, "2.4.1-r0", dedupe(deps), prov, nil, 0)
	}
	add("mta-sendmail", "4.2-r1", []string{libc}, []string{"cmd:sendmail=4.2-r1", "mta"}, nil, 10)
	add("mta-tiny", "0.9-r0", []string{libc}, []string{"cmd:sendmail=0.9-r0", "mta"}, nil, 5)
	world := []string{"busybox", "mta"}
	for i := 0; i < 30; i++ {
		world = append(world, recs[len(recs)-3-i*40].Name)
	}
	return recs, world
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
