package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/resolve"
)

// indexRecords makes a 5,000-package index shaped like Alpine's: 3,000
// libraries providing so: names, each depending on an earlier one (chains
// up to 11 deep); 1,000 tools providing cmd: names and the virtual
// "toolbox" with priorities; 950 older versions of libraries; 50
// applications. The world is 30 of the applications.
func indexRecords() ([]apkindex.Record, []string) {
	var recs []apkindex.Record
	add := func(name, version string, deps, provides []string, prio int) {
		sum := sha1.Sum([]byte(name + version))
		recs = append(recs, apkindex.Record{
			Checksum: "Q1" + base64.StdEncoding.EncodeToString(sum[:]), Name: name, Version: version,
			Arch: "x86_64", Size: 100000 + int64(len(recs)), InstalledSize: 300000, Description: "generated " + name,
			URL: "https://example.invalid/" + name, License: "MIT", Origin: name, Maintainer: "Bench <bench@example.invalid>",
			BuildTime: 1700000000, Commit: "0123456789abcdef0123456789abcdef01234567",
			Depends: deps, Provides: provides, ProviderPriority: prio, HasPriority: prio > 0,
		})
	}
	lib := func(i int) string { return fmt.Sprintf("so:libb%04d.so.1", i) }
	for i := 0; i < 3000; i++ {
		var deps []string
		if i > 0 {
			deps = []string{lib(i / 2)}
		}
		add(fmt.Sprintf("libb%04d", i), "1.2.3-r1", deps, []string{lib(i) + "=1.2.3"}, 0)
	}
	for i := 0; i < 950; i++ {
		add(fmt.Sprintf("libb%04d", i*3), "1.2.2-r0", nil, []string{lib(i*3) + "=1.2.2"}, 0)
	}
	for i := 0; i < 1000; i++ {
		add(fmt.Sprintf("tool%04d", i), "2.0-r0", []string{lib(i * 3)},
			[]string{fmt.Sprintf("cmd:tool%04d=2.0-r0", i), "toolbox"}, 1+i%100)
	}
	var world []string
	for i := 0; i < 50; i++ {
		name := fmt.Sprintf("app%02d", i)
		add(name, "3.1-r2", []string{lib(2000 + i*19), lib(1500 + i*7), fmt.Sprintf("cmd:tool%04d", i*13), "toolbox"}, nil, 0)
		if i < 30 {
			world = append(world, name)
		}
	}
	return recs, world
}

// benchResolve times what `apkimage lock` does per architecture once the
// index is downloaded: verify and parse it, then resolve the world.
func benchResolve(e *env, r *report) error {
	recs, world := indexRecords()
	key, err := apkbuild.GenerateKey(2048)
	if err != nil {
		return err
	}
	idx, err := apkbuild.BuildIndex("bench", recs, apkbuild.Signer{KeyName: keyName, Key: key, Alg: "RSA256"})
	if err != nil {
		return err
	}
	kr, err := keyring.FromPEM(map[string][]byte{keyName: apkbuild.PublicKeyPEM(key)})
	if err != nil {
		return err
	}
	var tRead, tSolve, tTotal []float64
	var selected int
	runs := e.runs * 4 // short measurements: more runs, after one warm-up
	for i := -1; i < runs; i++ {
		start := time.Now()
		ix, err := apkindex.Read(bytes.NewReader(idx), "APKINDEX.tar.gz", kr)
		if err != nil {
			return err
		}
		mid := time.Now()
		sel, err := resolve.Resolve(world, []resolve.Repository{{URL: "file:///bench/repo", Packages: ix.Records}})
		if err != nil {
			return err
		}
		end := time.Now()
		if i < 0 {
			continue
		}
		selected = len(sel)
		tRead = append(tRead, mid.Sub(start).Seconds())
		tSolve = append(tSolve, end.Sub(mid).Seconds())
		tTotal = append(tTotal, end.Sub(start).Seconds())
	}
	r.printf("## Resolution\n\n")
	r.printf("Input: a signed APKINDEX.tar.gz of %d packages (%d bytes; libraries in so: dependency chains, "+
		"older versions, tools with cmd: and a prioritised virtual provide) and a world of %d packages, which "+
		"resolves to %d. In process, after one warm-up, %d runs. Target: below 50 ms in total.\n\n",
		len(recs), len(idx), len(world), selected, runs)
	r.table([]string{"step", "time"}, [][]string{
		{"apkindex.Read (verify + parse)", summarize(tRead).millis()},
		{"resolve.Resolve", summarize(tSolve).millis()},
		{"total", summarize(tTotal).millis()},
	})
	return nil
}
