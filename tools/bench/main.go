// Command bench measures the engine on generated inputs and writes the
// figures as Markdown (BENCHMARKS.md at the repository root by default).
// It is a development tool, not part of the product; run it from the
// repository root with `go run ./tools/bench`. See README.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// benchmark is one row of the table below. run appends its section of the
// report to r; it may use the shared environment (generated inputs are
// cached in env.work between runs).
type benchmark struct {
	name  string
	about string
	quick bool // also run with --quick
	run   func(e *env, r *report) error
}

// benchmarks lists everything the harness measures, in report order. To add
// one, append an entry whose run times a subprocess with e.timeCmd and adds
// a table with r.table.
var benchmarks = []benchmark{
	{"layer", "layer build throughput against tar | gzip -6", true, benchLayer},
	{"rss", "peak memory of the layer build by input size", true, benchRSS},
	{"compress", "gzip encoders on a sample of the layer tar", true, benchCompress},
	{"resolve", "APKINDEX parse + verify and resolution of a 30-package world", true, benchResolve},
	{"lock", "apkimage lock for eight architectures against the loopback mirror", true, benchLock},
	{"repush", "bytes re-pushed to docker-registry after a one-package update: one layer vs layers by origin", true, benchRepush},
	{"bazel", "Bazel cold, no-op and one-package-change builds of the e2e index", false, benchBazel},
	{"toolchain", "a consumer workspace's cold index build with release binaries and from source", false, benchToolchain},
}

// env is what every benchmark may use.
type env struct {
	repo  string // repository root
	work  string // cache of generated inputs and scratch outputs
	runs  int    // timed runs per measurement
	size  int64  // installed bytes of the layer throughput package set
	quick bool   // skip the slowest measurements
	tool  string // the apkimage binary built from repo

	mirrorTool  string // the testmirror binary built from repo
	mirrorsDone bool   // the bundled mirror and its variant are generated
	log         func(string, ...interface{})
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	out := fs.String("out", "BENCHMARKS.md", "Markdown `FILE` to write; - for stdout")
	runs := fs.Int("runs", 5, "timed runs per measurement; the report gives the median, min and max")
	size := fs.String("size", "500MB", "installed `SIZE` of the layer throughput package set (e.g. 50MB, 2GB)")
	quick := fs.Bool("quick", false, "skip the 2 GB memory measurement and the Bazel builds")
	work := fs.String("work", filepath.Join(os.TempDir(), "musl-dynamic-bench"), "`DIR` caching generated inputs between runs")
	only := fs.String("only", "", "comma-separated benchmark `NAMES` to run (default: all)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	sz, err := parseSize(*size)
	if err != nil {
		return err
	}
	if *runs < 1 {
		return fmt.Errorf("--runs %d: need at least one run", *runs)
	}
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(repo, "tools", "cmd", "apkimage")); err != nil {
		return fmt.Errorf("run from the repository root (no tools/cmd/apkimage in %s)", repo)
	}
	if err := os.MkdirAll(*work, 0o755); err != nil {
		return fmt.Errorf("creating the work directory: %w", err)
	}
	e := &env{repo: repo, work: *work, runs: *runs, size: sz, quick: *quick,
		log: func(f string, a ...interface{}) { fmt.Fprintf(os.Stderr, "bench: "+f+"\n", a...) }}

	r := &report{}
	r.printf("# Benchmarks\n\nWritten by `go run ./tools/bench` (see tools/bench/README.md) on %s.\n"+
		"Times are the median of %d runs, with the minimum and maximum.\n\n",
		time.Now().UTC().Format("2006-01-02"), e.runs)
	r.machine()
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n != "" {
			want[n] = true
		}
	}
	for _, b := range benchmarks {
		if len(want) > 0 && !want[b.name] || len(want) == 0 && e.quick && !b.quick {
			continue
		}
		e.log("%s: %s", b.name, b.about)
		if err := b.run(e, r); err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
	}
	r.printf("%s", notes)
	if *out == "-" {
		_, err := os.Stdout.Write(r.buf.Bytes())
		return err
	}
	return os.WriteFile(*out, r.buf.Bytes(), 0o644)
}

// parseSize reads "500MB", "2GB", "64KB" or a plain byte count (decimal
// units: MB is 10^6 bytes).
func parseSize(s string) (int64, error) {
	u := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, x := range []struct {
		suffix string
		m      int64
	}{{"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(u, x.suffix) {
			u, mult = strings.TrimSuffix(u, x.suffix), x.m
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(u, &n); err != nil || n <= 0 {
		return 0, fmt.Errorf("size %q: want a positive number with an optional KB, MB or GB", s)
	}
	return n * mult, nil
}
