package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
)

// bazelTarget is the eight-platform index built against the bundled mirror.
const bazelTarget = "//e2e:musl_dynamic"

// The port the checked-in e2e lock and BUILD file name; the benchmark's
// copy of the workspace names its own port instead, so that it disturbs
// neither the e2e suite's server nor its lock.
const e2eAddr = "127.0.0.1:18473"

// bazelWS is a copy of the workspace with its own output base.
type bazelWS struct {
	bin, ws, ob string
	rc          string // --repository_cache
}

// bazelResult is one Bazel command's figures.
type bazelResult struct {
	wall      float64 // seconds, the client's whole run
	elapsed   float64 // Bazel's "Elapsed time"
	processes string  // Bazel's "N processes: ..." summary
	stderr    string
}

var (
	elapsedRE   = regexp.MustCompile(`INFO: Elapsed time: ([0-9.]+)s`)
	processesRE = regexp.MustCompile(`INFO: ([0-9]+ process(?:es)?(?:: [^\n]*)?)\.?\n`)
)

func (b *bazelWS) cmd(args ...string) *exec.Cmd {
	// The same startup options every time, so one server serves all runs.
	cmd := exec.Command(b.bin, append([]string{"--output_base=" + b.ob, "--max_idle_secs=900"}, args...)...)
	cmd.Dir = b.ws
	return cmd
}

// run runs a Bazel command (build or run) and parses its summary.
func (b *bazelWS) run(verb string, flags ...string) (bazelResult, error) {
	args := append([]string{verb, "--color=no", "--curses=no", "--repository_cache=" + b.rc}, flags...)
	cmd := b.cmd(args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	start := time.Now()
	err := cmd.Run()
	res := bazelResult{wall: since(start), stderr: stderr.String()}
	if err != nil {
		return res, fmt.Errorf("bazel %s: %w:\n%s", strings.Join(args, " "), err, tail(res.stderr, 3000))
	}
	if m := elapsedRE.FindStringSubmatch(res.stderr); m != nil {
		res.elapsed, _ = strconv.ParseFloat(m[1], 64)
	}
	if m := processesRE.FindStringSubmatch(res.stderr); m != nil {
		res.processes = m[1]
	}
	return res, nil
}

func (b *bazelWS) shutdown() {
	b.cmd("shutdown").Run()
}

// benchBazel measures the Bazel rules on the e2e index in a copy of the
// workspace: a cold build (fresh output base, downloads in the repository
// cache), no-op rebuilds, and rebuilds after one package of one
// architecture changed version in the lock.
func benchBazel(e *env, r *report) error {
	bin, err := exec.LookPath("bazel")
	if err != nil {
		r.printf("## Bazel builds\n\nSkipped: no `bazel` on PATH (make setup installs it).\n\n")
		return nil
	}
	base, bump, err := e.mirrors()
	if err != nil {
		return err
	}
	dir := filepath.Join(e.work, "bazel")
	b := &bazelWS{bin: bin, ws: filepath.Join(dir, "ws"), ob: filepath.Join(dir, "output_base")}
	if _, err := os.Stat(b.ob); err == nil {
		b.shutdown() // left by an interrupted run
	}
	removeTree(dir)
	defer func() {
		b.shutdown()
		removeTree(dir)
	}()
	if err := copyWorkspace(e.repo, b.ws); err != nil {
		return err
	}
	srv, err := e.serve(base, 0)
	if err != nil {
		return err
	}
	defer func() { srv.stop() }()
	if err := replaceInFile(filepath.Join(b.ws, "WORKSPACE.bazel"), e2eAddr, srv.addr); err != nil {
		return err
	}
	if err := rehostLock(filepath.Join(b.ws, "e2e", "bundled.lock.json"), e2eAddr, srv.addr); err != nil {
		return err
	}
	out, err := b.cmd("info", "repository_cache").Output()
	if err != nil {
		return fmt.Errorf("bazel info repository_cache: %w", err)
	}
	b.rc = strings.TrimSpace(string(out))
	b.shutdown()
	removeTree(b.ob)

	e.log("bazel: cold build of %s", bazelTarget)
	coldLog := filepath.Join(e.work, "bazel-cold-exec.json")
	cold, err := b.run("build", "--execution_log_json_file="+coldLog, bazelTarget)
	if err != nil {
		return err
	}
	coldActions, err := spawnMnemonics(coldLog)
	os.Remove(coldLog)
	if err != nil {
		return err
	}
	var noWall, noElapsed []float64
	var noProc string
	for i := 0; i < e.runs; i++ {
		e.log("bazel: no-op build %d/%d", i+1, e.runs)
		res, err := b.run("build", bazelTarget)
		if err != nil {
			return err
		}
		noWall, noElapsed, noProc = append(noWall, res.wall), append(noElapsed, res.elapsed), res.processes
	}

	// One-package changes, alternating between the two mirrors on the
	// same port: each re-lock changes one package of one architecture.
	changes := e.runs
	if changes > 3 {
		changes = 3
	}
	var chWall, chElapsed []float64
	var chProc, chChanged string
	var chMnemonics []string
	port := srv.port()
	for i := 0; i < changes; i++ {
		dir := bump
		if i%2 == 1 {
			dir = base
		}
		srv.stop()
		if srv, err = e.serve(dir, port); err != nil {
			return err
		}
		lockPath := filepath.Join(b.ws, "e2e", "bundled.lock.json")
		before, err := lock.Read(lockPath)
		if err != nil {
			return err
		}
		e.log("bazel: re-lock against the mirror in %s", dir)
		if _, err := b.run("run", "@bundled_apks//:lock"); err != nil {
			return err
		}
		after, err := lock.Read(lockPath)
		if err != nil {
			return err
		}
		changed := lockChanges(before, after)
		if len(changed) != 1 {
			return fmt.Errorf("re-locking against %s changed %d packages (%v), want one", dir, len(changed), changed)
		}
		e.log("bazel: build after the change %s", changed[0])
		execLog := filepath.Join(e.work, "bazel-exec.json")
		res, err := b.run("build", "--execution_log_json_file="+execLog, bazelTarget)
		if err != nil {
			return err
		}
		mn, err := spawnMnemonics(execLog)
		os.Remove(execLog)
		if err != nil {
			return err
		}
		chWall, chElapsed = append(chWall, res.wall), append(chElapsed, res.elapsed)
		if i == 0 {
			chProc, chChanged, chMnemonics = res.processes, changed[0], mn
		} else if strings.Join(mn, ",") != strings.Join(chMnemonics, ",") {
			chMnemonics = append(chMnemonics, fmt.Sprintf("(change %d: %s)", i+1, strings.Join(mn, ", ")))
		}
	}

	nw, ne := summarize(noWall), summarize(noElapsed)
	cw, ce := summarize(chWall), summarize(chElapsed)
	r.printf("## Bazel builds\n\n")
	r.printf("`bazel build %s` (Bazel %s; eight platforms, three packages each) in a copy of the workspace whose "+
		"lock names a mirror served on another loopback port, with its own output base. Wall time is the client's "+
		"whole run; Bazel's is the \"Elapsed time\" it reports. Process counts are Bazel's summary line.\n\n",
		bazelTarget, bazelVersion(bin))
	r.printf("- cold: a fresh output base (so a new server, every repository rule and every action), with the "+
		"downloads already in the repository cache (`--repository_cache` %s); one run. The tools come from the "+
		"from-source toolchain, built once in the repository phase (nothing per platform); the actions that ran: %s.\n",
		b.rc, strings.Join(coldActions, ", "))
	r.printf("- no-op: the same build again, %d runs. Target: below 1 s of Bazel's elapsed time.\n", e.runs)
	r.printf("- one-package change: the mirror serves %s at its next release (tools/cmd/testmirror "+
		"`generate --bump`), `bazel run @bundled_apks//:lock` re-locks (not timed), then the build; %d changes, "+
		"alternating between the two mirrors. Actions that ran, from `--execution_log_json_file`: %s.\n\n",
		bumped, changes, strings.Join(chMnemonics, ", "))
	r.table([]string{"build", "wall time", "Bazel elapsed", "processes"}, [][]string{
		{"cold", fmt.Sprintf("%.1f s", cold.wall), fmt.Sprintf("%.1f s", cold.elapsed), cold.processes},
		{"no-op", nw.seconds(), ne.seconds(), noProc},
		{"one-package change (" + chChanged + ")", cw.seconds(), ce.seconds(), chProc},
	})
	r.printf("No-op: **%.2f s** of Bazel's elapsed time (target < 1 s).\n\n", ne.median)
	return nil
}

// lockChanges lists the packages whose entries differ between two locks.
func lockChanges(a, b *lock.Lock) []string {
	key := func(l *lock.Lock) map[string]string {
		m := map[string]string{}
		for arch, x := range l.Architectures {
			for _, p := range x.Packages {
				m[arch+"/"+p.Name] = p.Version + " " + p.SHA256
			}
		}
		return m
	}
	ka, kb := key(a), key(b)
	var out []string
	for k, v := range kb {
		if ka[k] != v {
			out = append(out, fmt.Sprintf("%s %s → %s", k, strings.Fields(ka[k] + " ?")[0], strings.Fields(v)[0]))
		}
	}
	for k := range ka {
		if _, ok := kb[k]; !ok {
			out = append(out, k+" removed")
		}
	}
	sort.Strings(out)
	return out
}

// spawnMnemonics reads Bazel's JSON execution log (a stream of SpawnExec
// objects) and counts the spawns by mnemonic: "3 × GoLink".
func spawnMnemonics(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	count := map[string]int{}
	dec := json.NewDecoder(f)
	for {
		var s struct {
			Mnemonic        string `json:"mnemonic"`
			ProgressMessage string `json:"progressMessage"`
		}
		if err := dec.Decode(&s); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading the execution log %s: %w", path, err)
		}
		name := s.Mnemonic
		if name == "" {
			name = s.ProgressMessage
		}
		count[name]++
	}
	var out []string
	for m, n := range count {
		out = append(out, fmt.Sprintf("%d × %s", n, m))
	}
	sort.Strings(out)
	if len(out) == 0 {
		out = []string{"none"}
	}
	return out, nil
}

func bazelVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	v := strings.TrimSpace(strings.TrimPrefix(string(out), "bazel "))
	if err != nil || v == "no_version" {
		// Debian's bazel-bootstrap is built without a version stamp.
		out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", "bazel-bootstrap").Output()
		if err != nil {
			return "unknown"
		}
		v = "bazel-bootstrap " + strings.TrimSpace(string(out))
	}
	return v
}

// copyWorkspace copies the files git knows of (tracked, and new ones not
// ignored) plus the offline bazelrc fragment.
func copyWorkspace(repo, dst string) error {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("listing the workspace's files: %w", err)
	}
	names := strings.Split(string(out), "\x00")
	names = append(names, ".bazelrc.offline", ".bazelrc.user")
	for _, name := range names {
		if name == "" {
			continue
		}
		src := filepath.Join(repo, name)
		st, err := os.Lstat(src)
		if err != nil || !(st.Mode().IsRegular() || st.Mode()&fs.ModeSymlink != 0) {
			continue // deleted in the working tree, or not a file
		}
		to := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(src)
			if err != nil {
				return err
			}
			if err := os.Symlink(target, to); err != nil {
				return err
			}
			continue
		}
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(to, b, st.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}

// rehostLock points the lock file at path from the mirror at old to the one
// at new. Repository URLs are part of a lock's inputs, so inputs_sha256 is
// computed again (lock.Write), as re-locking against new would write it;
// apk_repository refuses a lock whose digest does not match.
func rehostLock(path, old, new string) error {
	if err := replaceInFile(path, old, new); err != nil {
		return err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var l lock.Lock
	if err := json.Unmarshal(b, &l); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	l.InputsSHA256 = ""
	return lock.Write(path, &l)
}

func replaceInFile(path, old, new string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(old)) {
		return fmt.Errorf("%s does not name %s", path, old)
	}
	return os.WriteFile(path, bytes.ReplaceAll(b, []byte(old), []byte(new)), 0o644)
}

// removeTree deletes dir, making Bazel's read-only directories writable
// first.
func removeTree(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			os.Chmod(p, 0o755)
		}
		return nil
	})
	os.RemoveAll(dir)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
