package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
)

// measurement is one timed subprocess run.
type measurement struct {
	seconds float64
	maxRSS  int64 // bytes
}

// timeCmd runs a command and returns its wall time and peak resident set
// size (of the process itself, or the largest child for a shell pipeline:
// the kernel reports the maximum over the waited-for descendants).
func (e *env) timeCmd(name string, args ...string) (measurement, error) {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	m := measurement{seconds: since(start)}
	if err != nil {
		return m, fmt.Errorf("%s: %w: %s", name, err, stderr.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = int64(ru.Maxrss) * 1024 // Linux reports kilobytes
	}
	return m, nil
}

// apkimage builds the product binary once, from the checked-out sources.
func (e *env) apkimage() (string, error) {
	if e.tool != "" {
		return e.tool, nil
	}
	out := filepath.Join(e.work, "apkimage")
	cmd := exec.Command("go", "build", "-o", out, "./tools/cmd/apkimage")
	cmd.Dir = e.repo
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building apkimage: %w: %s", err, b)
	}
	e.tool = out
	return out, nil
}

// layerArgs is the product's layer verb on the set, exactly as the Bazel
// rule calls it.
func (s *pkgSet) layerArgs(out string) []string {
	args := []string{"layer", "--lock", s.lock, "--apk-arch", "x86_64", "--key", s.key, "--mtime", "0",
		"--out", out, "--meta", out + ".meta.json"}
	return append(args, s.apks...)
}

// benchLayer compares the product's layer build (open and verify every
// package, merge, tar, gzip) with tar | gzip -6 over the same files already
// extracted on disk, which does strictly less work.
func benchLayer(e *env, r *report) error {
	tool, err := e.apkimage()
	if err != nil {
		return err
	}
	s, err := e.packageSet(e.size)
	if err != nil {
		return err
	}
	tree, err := s.tree()
	if err != nil {
		return err
	}
	ours := filepath.Join(e.work, "layer.tar.gz")
	base := filepath.Join(e.work, "baseline.tar.gz")
	baseline := fmt.Sprintf("set -o pipefail; tar -c --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C %q . | gzip -6 > %q", tree, base)
	var tOurs, tBase []float64
	var rss int64
	for i := 0; i < e.runs; i++ {
		e.log("layer run %d/%d", i+1, e.runs)
		m, err := e.timeCmd(tool, s.layerArgs(ours)...)
		if err != nil {
			return err
		}
		tOurs = append(tOurs, m.seconds)
		if m.maxRSS > rss {
			rss = m.maxRSS
		}
		b, err := e.timeCmd("bash", "-c", baseline)
		if err != nil {
			return err
		}
		tBase = append(tBase, b.seconds)
	}
	mo, err := measureFile(ours)
	if err != nil {
		return err
	}
	mb, err := measureFile(base)
	if err != nil {
		return err
	}
	so, sb := summarize(tOurs), summarize(tBase)
	r.printf("## Layer build throughput\n\n")
	r.printf("Input: %d generated signed packages, %.0f MB installed: per package 35%% in small text files "+
		"(100 B–16 KB), 35%% in one text-like file, 30%% in one random file. Runs alternate between the two "+
		"commands. MB/s are uncompressed layer (tar) bytes per second; the ratio compares medians.\n\n",
		len(s.apks), float64(s.size)/1e6)
	r.printf("- product: `apkimage layer` (built with `go build`) on a lock of the set: checks size and sha256, " +
		"verifies signatures, control and every file's SHA-1, merges, writes the sorted tar through gzipx.\n")
	r.printf("- baseline: `tar -c --sort=name ... | gzip -6` over the same files already extracted to disk " +
		"(no verification, no merge).\n\n")
	r.table([]string{"command", "time", "throughput", "tar bytes", "gzip bytes", "compressed / tar"}, [][]string{
		{"apkimage layer", so.seconds(), rate(mo.UncompressedSize, so), fmt.Sprint(mo.UncompressedSize), fmt.Sprint(mo.Size),
			fmt.Sprintf("%.4f", float64(mo.Size)/float64(mo.UncompressedSize))},
		{"tar \\| gzip -6", sb.seconds(), rate(mb.UncompressedSize, sb), fmt.Sprint(mb.UncompressedSize), fmt.Sprint(mb.Size),
			fmt.Sprintf("%.4f", float64(mb.Size)/float64(mb.UncompressedSize))},
	})
	speedup := (float64(mo.UncompressedSize) / so.median) / (float64(mb.UncompressedSize) / sb.median)
	r.printf("Speed-up (throughput, medians): **%.2f×** (target ≥ 1.7×). Output size against gzip -6: %+.2f%%. "+
		"Peak RSS of apkimage layer: %.0f MB.\n\n", speedup,
		100*(float64(mo.Size)/float64(mo.UncompressedSize)/(float64(mb.Size)/float64(mb.UncompressedSize))-1),
		float64(rss)/1e6)
	return nil
}

func measureFile(path string) (gzipx.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return gzipx.Result{}, err
	}
	defer f.Close()
	res, err := gzipx.Measure(f)
	if err != nil {
		return gzipx.Result{}, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// benchRSS runs the layer build once per input size and reports its peak
// resident memory, which must stay flat: content is spooled to disk and
// gzip keeps a fixed number of blocks in flight.
func benchRSS(e *env, r *report) error {
	tool, err := e.apkimage()
	if err != nil {
		return err
	}
	sizes := []int64{50e6, 500e6, 2e9}
	if e.quick {
		sizes = sizes[:2]
	}
	var rows [][]string
	var peak int64
	for _, size := range sizes {
		s, err := e.packageSet(size)
		if err != nil {
			return err
		}
		out := filepath.Join(e.work, "rss.tar.gz")
		e.log("rss at %d MB", size/1e6)
		m, err := e.timeCmd(tool, s.layerArgs(out)...)
		if err != nil {
			return err
		}
		res, err := measureFile(out)
		if err != nil {
			return err
		}
		if m.maxRSS > peak {
			peak = m.maxRSS
		}
		rows = append(rows, []string{fmt.Sprintf("%.0f MB", float64(size)/1e6), fmt.Sprint(len(s.apks)),
			fmt.Sprintf("%.0f MB", float64(res.UncompressedSize)/1e6), fmt.Sprintf("%.1f MB", float64(m.maxRSS)/1e6),
			fmt.Sprintf("%.1f s", m.seconds)})
		os.Remove(out)
	}
	r.printf("## Peak memory of the layer build\n\n")
	r.printf("One run of `apkimage layer` per size on the generated sets described above; max RSS from "+
		"the kernel's rusage of the subprocess. Target: below 150 MB and flat.%s\n\n",
		map[bool]string{true: " (--quick: the 2 GB set was skipped.)", false: ""}[e.quick])
	r.table([]string{"installed input", "packages", "tar bytes", "max RSS", "time"}, rows)
	r.printf("Largest peak: %.1f MB (target < 150 MB).\n\n", float64(peak)/1e6)
	return nil
}
