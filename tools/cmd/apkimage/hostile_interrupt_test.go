package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runMainEnv makes the test binary act as apkimage itself, so a test can
// run the CLI as a child process and send it signals.
const runMainEnv = "APKIMAGE_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runMainEnv) == "1" {
		os.Exit(run(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// TestHostileInterrupt: Ctrl-C (SIGINT) during a lock whose mirror
// stalls ends the run promptly with status 1, removes the temporary
// download directory (a half-downloaded package in it) and leaves the
// existing lock file byte for byte.
func TestHostileInterrupt(t *testing.T) {
	e := newHEnv(t)
	old := []byte("the previous lock\n")
	lockPath := filepath.Join(e.out, "lock.json")
	if err := os.WriteFile(lockPath, old, 0o644); err != nil {
		t.Fatal(err)
	}
	e.fault("main/x86_64/hello-2.12-r1.apk", "stall")
	args := e.lockArgs(t, "", []string{"hello"})
	args[6] = "60s" // --timeout: only the interrupt can end this run
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), runMainEnv+"=1", "TMPDIR="+e.tmp)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	// Wait until the stalled download has its temporary file.
	deadline := time.Now().Add(20 * time.Second)
	for {
		partial, _ := filepath.Glob(filepath.Join(e.tmp, "apkimage-lock-*", "x86_64", ".*.apk.tmp-*"))
		if len(partial) > 0 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the download never started; stderr:\n%s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	start := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("lock ignored SIGINT for 10 s; stderr:\n%s", stderr.String())
	}
	t.Logf("exited %v after the signal", time.Since(start))
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("exit %v, want status 1; stderr:\n%s", err, stderr.String())
	}
	want := "apkimage lock: interrupted: nothing was written, " + lockPath + " is as it was\n"
	if !strings.HasSuffix(stderr.String(), want) {
		t.Errorf("stderr does not end in %q:\n%s", want, stderr.String())
	}
	e.wantLeftovers(t, map[string][]byte{"lock.json": old})
}
