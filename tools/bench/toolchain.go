package main

import (
	"crypto/sha256"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// consumerTarget is the eight-platform base index of e2e/consumer.
const consumerTarget = "//:base_index"

// benchToolchain measures a user's workspace (a copy of e2e/consumer) on a
// release served from loopback: a cold build of the eight-platform index
// after `bazel clean --expunge` with the repository cache warm, once with
// the release binaries and once with the tools built from source. A shim
// in front of `go` counts how often the tools are compiled.
func benchToolchain(e *env, r *report) error {
	bin, err := exec.LookPath("bazel")
	if err != nil {
		r.printf("## Consumer builds with the tools toolchain\n\nSkipped: no `bazel` on PATH.\n\n")
		return nil
	}
	base, _, err := e.mirrors()
	if err != nil {
		return err
	}
	dir := filepath.Join(e.work, "toolchain")
	removeTree(dir)
	defer removeTree(dir)

	e.log("toolchain: building the release")
	rel := filepath.Join(dir, "release")
	const version = "0.0.0-bench"
	cmd := exec.Command("bash", "tools/release.sh")
	cmd.Dir = e.repo
	cmd.Env = append(os.Environ(), "VERSION="+version, "OUT="+rel)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("tools/release.sh: %w\n%s", err, tail(string(out), 2000))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	httpSrv := &http.Server{Handler: http.FileServer(http.Dir(rel))}
	go httpSrv.Serve(ln)
	defer httpSrv.Close()
	relURL := "http://" + ln.Addr().String()

	srv, err := e.serve(base, 0)
	if err != nil {
		return err
	}
	defer func() { srv.stop() }()

	// A go that logs each build, in front of the machine's.
	realGo, err := exec.LookPath("go")
	if err != nil {
		return err
	}
	shim := filepath.Join(dir, "goshim")
	goLog := filepath.Join(dir, "go-builds.log")
	if err := os.MkdirAll(filepath.Join(shim, "bin"), 0o755); err != nil {
		return err
	}
	script := fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = build ]; then echo build >>%q; fi\nexec %q \"$@\"\n", goLog, realGo)
	if err := os.WriteFile(filepath.Join(shim, "bin", "go"), []byte(script), 0o755); err != nil {
		return err
	}

	sum, err := fileSHA256(filepath.Join(rel, "musl_dynamic-"+version+".tar.gz"))
	if err != nil {
		return err
	}
	type row struct{ name, wall, elapsed, goActions, goBuilds string }
	var rows []row
	for _, fromSource := range []bool{false, true} {
		name := "release binaries"
		if fromSource {
			name = "from source"
		}
		b := &bazelWS{bin: bin, ws: filepath.Join(dir, "ws"), ob: filepath.Join(dir, "ob")}
		if err := consumerWorkspace(e.repo, b.ws, srv.addr, relURL, version, sum, fromSource, shim); err != nil {
			return err
		}
		out, err := b.cmd("info", "repository_cache").Output()
		if err != nil {
			return fmt.Errorf("bazel info repository_cache: %w", err)
		}
		b.rc = strings.TrimSpace(string(out))
		e.log("toolchain (%s): warm-up build, fills the repository cache", name)
		if _, err := b.run("build", consumerTarget); err != nil {
			return err
		}
		if err := b.cmd("clean", "--expunge").Run(); err != nil {
			return fmt.Errorf("bazel clean --expunge: %w", err)
		}
		os.Remove(goLog)
		e.log("toolchain (%s): cold build after clean --expunge", name)
		execLog := filepath.Join(dir, "exec.json")
		res, err := b.run("build", "--execution_log_json_file="+execLog, consumerTarget)
		if err != nil {
			return err
		}
		mn, err := spawnMnemonics(execLog)
		if err != nil {
			return err
		}
		goActions := 0
		for _, m := range mn {
			count, what, _ := strings.Cut(m, " × ")
			if strings.HasPrefix(what, "Go") {
				n, _ := strconv.Atoi(count)
				goActions += n
			}
		}
		builds := 0
		if b, err := os.ReadFile(goLog); err == nil {
			builds = strings.Count(string(b), "build\n")
		}
		rows = append(rows, row{name, fmt.Sprintf("%.1f s", res.wall), fmt.Sprintf("%.1f s", res.elapsed),
			fmt.Sprint(goActions), fmt.Sprint(builds)})
		b.shutdown()
		removeTree(b.ob)
	}

	r.printf("## Consumer builds with the tools toolchain\n\n")
	r.printf("A copy of `e2e/consumer` (a user's workspace: `http_archive` of the release served on loopback, "+
		"no Go rules) builds `%s`, the eight-platform base index, cold: after `bazel clean --expunge`, with the "+
		"repository cache warm (a first build filled it) and Go's build cache as it is. `go build` runs counts "+
		"the tool compiles in the repository phase (a logging shim in front of `go`); Go actions counts "+
		"GoCompile/GoLink spawns in the execution log. Targets: at most 30 s with release binaries and 0 "+
		"compiles, at most 60 s from source and 1 compile.\n\n", consumerTarget)
	var table [][]string
	for _, x := range rows {
		table = append(table, []string{x.name, x.wall, x.elapsed, x.goActions, x.goBuilds})
	}
	r.table([]string{"toolchain", "wall time", "Bazel elapsed", "Go actions", "`go build` runs"}, table)
	return nil
}

// consumerWorkspace writes a copy of e2e/consumer at dst whose lock and
// WORKSPACE name the mirror at mirrorAddr, with release.bzl for the release
// at relURL, and a .bazelrc with the machine's offline overrides.
func consumerWorkspace(repo, dst, mirrorAddr, relURL, version, sum string, fromSource bool, goSDK string) error {
	os.RemoveAll(dst)
	if err := exec.Command("cp", "-r", filepath.Join(repo, "e2e", "consumer"), dst).Run(); err != nil {
		return fmt.Errorf("copying e2e/consumer: %w", err)
	}
	if err := replaceInFile(filepath.Join(dst, "WORKSPACE"), e2eAddr, mirrorAddr); err != nil {
		return err
	}
	if err := rehostLock(filepath.Join(dst, "acme.lock.json"), e2eAddr, mirrorAddr); err != nil {
		return err
	}
	py := "False"
	if fromSource {
		py = "True"
	}
	release := fmt.Sprintf(`"""Written by tools/bench."""

RELEASE_URL = "%s/musl_dynamic-%s.tar.gz"
RELEASE_SHA256 = "%s"
TOOLS_URLS = ["%s/{file}"]
FROM_SOURCE = %s
`, relURL, version, sum, relURL, py)
	if err := os.WriteFile(filepath.Join(dst, "release.bzl"), []byte(release), 0o644); err != nil {
		return err
	}
	rc := fmt.Sprintf("startup --host_jvm_args=-Xmx2g\ntry-import %s/.bazelrc.offline\nbuild --nosandbox_debug\n"+
		"build --repo_env=MUSL_DYNAMIC_GO_SDK=%s\nfetch --repo_env=MUSL_DYNAMIC_GO_SDK=%s\n", repo, goSDK, goSDK)
	return os.WriteFile(filepath.Join(dst, ".bazelrc"), []byte(rc), 0o644)
}

// fileSHA256 returns the hex sha256 of a file.
func fileSHA256(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%x", sha256.Sum256(b)), nil
}
