package main

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
)

// benchLock times `apkimage lock` for the e2e configuration (eight
// architectures, three packages) against the bundled mirror on loopback:
// eight signed indexes, 24 packages and the key, fetched in parallel and
// verified, then resolved and written.
func benchLock(e *env, r *report) error {
	tool, err := e.apkimage()
	if err != nil {
		return err
	}
	base, _, err := e.mirrors()
	if err != nil {
		return err
	}
	ref, err := lock.Read(filepath.Join(e.repo, "e2e", "bundled.lock.json"))
	if err != nil {
		return err
	}
	srv, err := e.serve(base, 0)
	if err != nil {
		return err
	}
	defer srv.stop()
	url := "http://" + srv.addr
	cfg, err := json.Marshal(map[string]interface{}{
		"repositories":  []string{url},
		"keyring":       []string{url + "/keys/" + mirrorKey},
		"packages":      ref.Config.Packages,
		"architectures": ref.Config.Architectures,
	})
	if err != nil {
		return err
	}
	cfgPath, out := filepath.Join(e.work, "lock-config.json"), filepath.Join(e.work, "lock.json")
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return err
	}
	args := []string{"lock", "--config", cfgPath, "--out", out}
	if _, err := e.timeCmd(tool, args...); err != nil { // warm-up: page cache, mirror
		return err
	}
	var ts []float64
	for i := 0; i < e.runs; i++ {
		m, err := e.timeCmd(tool, args...)
		if err != nil {
			return err
		}
		ts = append(ts, m.seconds)
	}
	l, err := lock.Read(out)
	if err != nil {
		return err
	}
	n := 0
	var bytes int64
	for _, a := range l.Architectures {
		n += len(a.Packages)
		for _, p := range a.Packages {
			bytes += p.Size
		}
	}
	s := summarize(ts)
	r.printf("## Locking\n\n")
	r.printf("`apkimage lock` (built with `go build`) for the e2e configuration: %d architectures, world %v, "+
		"against the bundled mirror (tools/cmd/testmirror) served on loopback. It fetches the key, then locks "+
		"four architectures at a time: each fetches, verifies and resolves its signed APKINDEX.tar.gz, then fetches "+
		"and fully verifies its packages (%d in all, %.1f MB); then it writes the lock. After one warm-up run, %d runs.\n\n",
		len(l.Config.Architectures), l.Config.Packages, n, float64(bytes)/1e6, e.runs)
	r.table([]string{"command", "time"}, [][]string{{"apkimage lock (8 architectures)", s.millis()}})
	return nil
}
