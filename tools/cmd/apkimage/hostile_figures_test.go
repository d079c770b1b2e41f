package main

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// figuresEnv turns on TestHostileFigures, which measures rather than
// checks: each bomb case of SECURITY.md runs the CLI in a child process
// (the repository is served by this process, so its bytes do not count)
// and the child's peak RSS and wall time are printed as a table:
//
//	APKIMAGE_HOSTILE_FIGURES=1 go test ./tools/cmd/apkimage -run TestHostileFigures -v
//
// The refusals themselves are asserted by the catalogue's tests.
const figuresEnv = "APKIMAGE_HOSTILE_FIGURES"

func TestHostileFigures(t *testing.T) {
	if os.Getenv(figuresEnv) != "1" {
		t.Skipf("measurement only: set %s=1 (see SECURITY.md)", figuresEnv)
	}
	type figure struct {
		name  string
		setup func(t *testing.T, e *hEnv) (args []string, input int)
	}
	lockOf := func(e *hEnv, t *testing.T, apk []byte) []string {
		e.publish(t, "x86_64", apk)
		return e.lockArgs(t, "", []string{"evil"})
	}
	for _, f := range []figure{
		{"sparse data entry of 2^62 bytes (PAX), lock", func(t *testing.T, e *hEnv) ([]string, int) {
			apk := e.withData(t, "evil", apkbuild.Gzip(apkbuild.SparseTar(apkbuild.SparsePAX, "big", 1<<62)))
			return lockOf(e, t, apk), len(apk)
		}},
		{"sparse data entry of 2^62 bytes (type S), layer", func(t *testing.T, e *hEnv) ([]string, int) {
			apk := e.withData(t, "evil", apkbuild.Gzip(apkbuild.SparseTar(apkbuild.SparseGNU, "big", 1<<62)))
			lockPath, files := e.pin(t, "x86_64", apk)
			return e.layerArgs(lockPath, "x86_64", files), len(apk)
		}},
		{"install scripts of 4 MiB + 1 byte, lock", func(t *testing.T, e *hEnv) ([]string, int) {
			s := hEvil("evil", nil)
			s.Scripts = map[string][]byte{"post-install": bytes.Repeat([]byte("#"), apkfile.MaxControlMember+1)}
			apk := e.signed(t, s)
			return lockOf(e, t, apk), len(apk)
		}},
		{"gzip bomb package, 2 GiB, lock", func(t *testing.T, e *hEnv) ([]string, int) {
			apk := e.withData(t, "evil", hBomb(t, "big", apkfile.DefaultMaxExpand))
			return lockOf(e, t, apk), len(apk)
		}},
		{"APKINDEX of 500 MiB under a forged signature, lock", func(t *testing.T, e *hEnv) ([]string, int) {
			idx := hForgedIndex(t, e, 500<<20)
			e.repo.Set("main/x86_64/APKINDEX.tar.gz", idx)
			return e.lockArgs(t, "", []string{"hello"}), len(idx)
		}},
		{"300 MB of junk as the index, lock", func(t *testing.T, e *hEnv) ([]string, int) {
			junk := make([]byte, 300<<20)
			rand.Read(junk)
			e.repo.Set("main/x86_64/APKINDEX.tar.gz", junk)
			return e.lockArgs(t, "", []string{"hello"}), len(junk)
		}},
	} {
		t.Run(f.name, func(t *testing.T) {
			e := newHEnv(t)
			args, input := f.setup(t, e)
			if args[0] == "lock" {
				args[6] = "60s" // --timeout
			}
			// GNU time forks the CLI itself: the child's peak RSS is then
			// its own, not inherited from this (large) process at exec.
			figures := filepath.Join(t.TempDir(), "time")
			cmd := exec.Command("/usr/bin/time", append([]string{"-o", figures, "-f", "%M %e", os.Args[0]}, args...)...)
			cmd.Env = append(os.Environ(), runMainEnv+"=1", "TMPDIR="+e.tmp)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var kb, secs float64
			b, rerr := os.ReadFile(figures)
			lines := strings.Split(strings.TrimSpace(string(b)), "\n") // "Command exited with ..." first
			if _, serr := fmt.Sscan(lines[len(lines)-1], &kb, &secs); rerr != nil || serr != nil {
				t.Fatalf("no figures from /usr/bin/time (%v, %v): %q", rerr, serr, b)
			}
			fmt.Printf("| %s | %.1f KB | exit %d | %.1f MB | %.2f s |\n", f.name, float64(input)/1000, cmd.ProcessState.ExitCode(), kb/1024, secs)
			t.Logf("err %v; stderr:\n%s", err, stderr.String())
			e.wantLeftovers(t, nil)
		})
	}
}

// hForgedIndex is an index whose member holds an APKINDEX of size zero
// bytes, "signed" by the trusted key's name with a signature made by
// another key: no key is needed to build it.
func hForgedIndex(t *testing.T, e *hEnv, size int64) []byte {
	t.Helper()
	member := hBomb(t, "APKINDEX", size)
	saved := e.repo.Signer.Key
	e.repo.Signer.Key = apkbuild.TestKey(1)
	defer func() { e.repo.Signer.Key = saved }()
	return e.hSignedIndex(t, locktest.KeyName, member)
}
