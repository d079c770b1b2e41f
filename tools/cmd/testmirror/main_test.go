package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// TestMain lets tests run this binary as the real command (see
// TestServeCommand) and removes the shared mirror afterwards.
func TestMain(m *testing.M) {
	if os.Getenv("MIRROR_TEST_RUN_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(filepath.Dir(shared.dir))
	}
	os.Exit(code)
}

// shared is one generated mirror for all tests that only read it: building
// hello for seven arches takes seconds.
var shared struct {
	once   sync.Once
	dir    string
	arches []string
	err    error
}

// availableArches are the arches whose musl sysroot is present; missing
// ones are reported once.
func availableArches(t *testing.T) []string {
	t.Helper()
	var names, missing []string
	for _, a := range arches {
		if _, _, err := sysrootLoader(defaultSysroots(), a); err != nil {
			missing = append(missing, a.APKArch)
			continue
		}
		names = append(names, a.APKArch)
	}
	if len(missing) > 0 {
		t.Logf("skipping arches %v: their musl sysroot is not in %s; run tools/setup.sh", missing, defaultSysroots())
	}
	if len(names) == 0 {
		t.Skipf("no musl sysroots in %s: run tools/setup.sh", defaultSysroots())
	}
	return names
}

// sharedMirror generates the mirror once into a temporary directory.
func sharedMirror(t *testing.T) (dir string, names []string) {
	t.Helper()
	names = availableArches(t)
	shared.once.Do(func() {
		tmp, err := os.MkdirTemp("", "mirror-test-")
		if err != nil {
			shared.err = err
			return
		}
		shared.dir = filepath.Join(tmp, "mirror")
		shared.arches = names
		shared.err = generateInto(shared.dir, names)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.dir, shared.arches
}

// testBusybox is the busybox directory tools/setup.sh fills, or "none"
// (busybox left out, its tests skipped) when it is not there.
func testBusybox() string {
	if _, _, err := readBusybox(defaultBusybox()); err != nil {
		return "none"
	}
	return defaultBusybox()
}

func generateInto(dir string, names []string) error {
	files, err := generate(genOptions{Sysroots: defaultSysroots(), Arches: names, Hello: "auto", Busybox: testBusybox(), Log: os.Stderr})
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return writeTree(dir, files)
}
