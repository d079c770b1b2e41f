package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/resolve"
)

// baselineCommit is main before issue #11 (streaming index reader, apk's
// provider rules, budgeted solver): its apkimage is built from the same
// repository's history and timed on the same input as "before".
const baselineCommit = "db96899"

// benchResolve times what `apkimage lock` does per architecture once the
// index is downloaded: verify and parse it, then resolve the world; in
// process, and as the whole `apkimage resolve` process against the
// baseline commit's.
func benchResolve(e *env, r *report) error {
	recs, world := alpineIndex()
	key, err := apkbuild.GenerateKey(2048)
	if err != nil {
		return err
	}
	idx, err := apkbuild.BuildIndex("bench", recs, apkbuild.Signer{KeyName: keyName, Key: key, Alg: "RSA256"})
	if err != nil {
		return err
	}
	pem := apkbuild.PublicKeyPEM(key)
	kr, err := keyring.FromPEM(map[string][]byte{keyName: pem})
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
	text := apkindex.Format(recs)
	r.printf("## Resolution\n\n")
	r.printf("Input: a signed APKINDEX.tar.gz of %d packages shaped like Alpine's main repository (%d bytes, "+
		"%d bytes of APKINDEX text; %.1f depends, provides and install_if atoms per package: so:, pc: and "+
		"cmd: names, -dev and -doc packages, a busybox providing /bin/sh without provider_priority, a "+
		"prioritised virtual, older releases) and a world of %d names, which resolves to %d packages.\n\n",
		len(recs), len(idx), len(text), atomsPerPackage(recs), len(world), selected)
	r.printf("In process, after one warm-up, %d runs:\n\n", runs)
	r.table([]string{"step", "time"}, [][]string{
		{"apkindex.Read (verify + parse)", summarize(tRead).millis()},
		{"resolve.Resolve", summarize(tSolve).millis()},
		{"total", summarize(tTotal).millis()},
	})
	return benchResolveProcess(e, r, idx, pem, world)
}

// benchResolveProcess times the whole `apkimage resolve` process (start,
// key, verify, parse, resolve, print), built from this checkout and from
// baselineCommit; runs alternate.
func benchResolveProcess(e *env, r *report, idx, pem []byte, world []string) error {
	dir := filepath.Join(e.work, "resolve")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	idxPath, keyPath := filepath.Join(dir, "APKINDEX.tar.gz"), filepath.Join(dir, keyName)
	if err := os.WriteFile(idxPath, idx, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem, 0o644); err != nil {
		return err
	}
	now, err := e.apkimage()
	if err != nil {
		return err
	}
	tools := [][2]string{{"this checkout", now}}
	before, berr := e.baselineTool(dir)
	if berr == nil {
		tools = append(tools, [2]string{"before (" + baselineCommit + ")", before})
	}
	args := append([]string{"resolve", "--key", keyPath, "--apkindex", idxPath}, world...)
	cpu := make([][]float64, len(tools))
	wall := make([][]float64, len(tools))
	outs := make([]string, len(tools))
	runs := e.runs * 4
	for i := -1; i < runs; i++ {
		for t, tool := range tools {
			c, w, out, err := cpuTime(tool[1], args...)
			if err != nil {
				return fmt.Errorf("%s: %w", tool[0], err)
			}
			outs[t] = out
			if i >= 0 {
				cpu[t] = append(cpu[t], c)
				wall[t] = append(wall[t], w)
			}
		}
	}
	r.printf("\nThe whole `apkimage resolve --key K --apkindex APKINDEX.tar.gz %s ...` process, CPU time (user + system, "+
		"from the kernel's rusage) and wall time, after one warm-up, %d runs alternating between the binaries:\n\n",
		strings.Join(world[:3], " "), runs)
	rows := [][]string{}
	for t, tool := range tools {
		rows = append(rows, []string{tool[0], summarize(cpu[t]).millis(), summarize(wall[t]).millis()})
	}
	r.table([]string{"apkimage", "CPU", "wall"}, rows)
	if berr != nil {
		r.printf("\nThe baseline could not be built (%v): no comparison.\n\n", berr)
		return nil
	}
	ratio := summarize(cpu[1]).median / summarize(cpu[0]).median
	r.printf("\nSpeed-up (CPU, medians): **%.2f×** (target ≥ 2×).", ratio)
	if outs[0] == outs[1] {
		r.printf(" Both print the same %d packages.\n\n", strings.Count(outs[0], "\n"))
	} else {
		r.printf(" The two selections differ (apk's provider order is followed now).\n\n")
	}
	return nil
}

// baselineTool builds apkimage from baselineCommit with git archive, once.
func (e *env) baselineTool(dir string) (string, error) {
	out := filepath.Join(dir, "apkimage-"+baselineCommit)
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	src := filepath.Join(dir, "src-"+baselineCommit)
	os.RemoveAll(src)
	if err := os.MkdirAll(src, 0o755); err != nil {
		return "", err
	}
	defer os.RemoveAll(src)
	archive := exec.Command("sh", "-c", "git archive "+baselineCommit+" | tar -x -C "+src)
	archive.Dir = e.repo
	if b, err := archive.CombinedOutput(); err != nil {
		return "", fmt.Errorf("git archive %s: %w: %s", baselineCommit, err, b)
	}
	build := exec.Command("go", "build", "-o", out, "./tools/cmd/apkimage")
	build.Dir = src
	if b, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the baseline: %w: %s", err, b)
	}
	return out, nil
}

// cpuTime runs a command and returns its CPU seconds (user + system), wall
// seconds and standard output.
func cpuTime(name string, args ...string) (float64, float64, string, error) {
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, "", fmt.Errorf("%w: %s", err, stderr.String())
	}
	wall := since(start)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0, "", fmt.Errorf("no rusage")
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	return cpu, wall, stdout.String(), nil
}

func atomsPerPackage(recs []apkindex.Record) float64 {
	n := 0
	for _, r := range recs {
		n += len(r.Depends) + len(r.Provides) + len(r.InstallIf)
	}
	return float64(n) / float64(len(recs))
}
