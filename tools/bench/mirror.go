package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// mirrorKey is the key file of the bundled mirror (testmirror's KeyName).
const mirrorKey = "musl-dynamic-test.rsa.pub"

// bumped is the package that the mirror variant of the one-package-change
// benchmark raises to the next release.
const bumped = "x86_64/ca-certificates-bundle"

// mirrors generates the bundled mirror (tools/cmd/testmirror) and its
// variant with one package of one arch at a new release, once per run.
func (e *env) mirrors() (base, bump string, err error) {
	base, bump = filepath.Join(e.work, "mirror"), filepath.Join(e.work, "mirror-bumped")
	if e.mirrorsDone {
		return base, bump, nil
	}
	bin, err := e.testmirror()
	if err != nil {
		return "", "", err
	}
	for _, m := range []struct {
		dir  string
		args []string
	}{{base, nil}, {bump, []string{"--bump", bumped}}} {
		e.log("generating the bundled mirror in %s %s", m.dir, strings.Join(m.args, " "))
		os.RemoveAll(m.dir)
		cmd := exec.Command(bin, append([]string{"generate", "--out", m.dir}, m.args...)...)
		cmd.Dir = e.repo
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("generating the mirror: %w: %s", err, out)
		}
	}
	e.mirrorsDone = true
	return base, bump, nil
}

// testmirror builds the mirror tool once.
func (e *env) testmirror() (string, error) {
	out := filepath.Join(e.work, "testmirror")
	if e.mirrorTool != "" {
		return out, nil
	}
	cmd := exec.Command("go", "build", "-o", out, "./tools/cmd/testmirror")
	cmd.Dir = e.repo
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building testmirror: %w: %s", err, b)
	}
	e.mirrorTool = out
	return out, nil
}

// server is a running testmirror serve process.
type server struct {
	cmd  *exec.Cmd
	addr string // 127.0.0.1:PORT
}

// serve serves dir on loopback, on port (0: any free port), until stop.
func (e *env) serve(dir string, port int) (*server, error) {
	bin, err := e.testmirror()
	if err != nil {
		return nil, err
	}
	portFile := filepath.Join(e.work, "mirror.port")
	os.Remove(portFile)
	cmd := exec.Command(bin, "serve", "--dir", dir, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--port-file", portFile)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd}
	for i := 0; i < 200; i++ {
		if b, err := os.ReadFile(portFile); err == nil {
			s.addr = "127.0.0.1:" + strings.TrimSpace(string(b))
			if resp, err := http.Get("http://" + s.addr + "/x86_64/APKINDEX.tar.gz"); err == nil {
				resp.Body.Close()
				return s, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("the mirror server did not come up on %s", s.addr)
}

func (s *server) stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// port is the server's port number.
func (s *server) port() int {
	var p int
	fmt.Sscan(s.addr[strings.LastIndexByte(s.addr, ':')+1:], &p)
	return p
}
