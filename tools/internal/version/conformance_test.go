package version

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// conformancePath finds apk-tools' version table: $MUSL_DYNAMIC_CONFORMANCE
// (the file or its directory), else ../shared/conformance next to the
// repository root found by walking up from the test's directory.
func conformancePath(t *testing.T) string {
	t.Helper()
	const file = "apk-version.data"
	if env := os.Getenv("MUSL_DYNAMIC_CONFORMANCE"); env != "" {
		if fi, err := os.Stat(env); err == nil && fi.IsDir() {
			return filepath.Join(env, file)
		}
		return env
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Skipf("no working directory: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(dir), "shared", "conformance", file)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// TestConformance runs every line of apk-tools' own version table. The
// table is not part of this repository; the test skips without it.
func TestConformance(t *testing.T) {
	path := conformancePath(t)
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("apk-tools conformance table not available (%v); set MUSL_DYNAMIC_CONFORMANCE to run it", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, lineNo := 0, 0
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		n++
		if err := checkConformanceLine(fields); err != "" {
			t.Errorf("%s:%d: %q: %s", filepath.Base(path), lineNo, sc.Text(), err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	if n == 0 {
		t.Fatalf("%s has no cases", path)
	}
	t.Logf("%d conformance cases from %s", n, path)
}

// checkConformanceLine returns "" when the case holds, else what failed.
func checkConformanceLine(fields []string) string {
	switch len(fields) {
	case 1: // "V" is valid, "!V" is not ("!" alone: the empty string)
		v := fields[0]
		want := true
		if strings.HasPrefix(v, "!") {
			v, want = v[1:], false
		}
		if got := Valid(v); got != want {
			return "Valid(" + v + ") = " + boolString(got)
		}
		return ""
	case 3:
		a, opText, b := fields[0], fields[1], fields[2]
		negate := strings.HasPrefix(opText, "!")
		opText = strings.TrimPrefix(opText, "!")
		op, err := ParseOp(opText)
		if err != nil {
			return err.Error()
		}
		if got := Match(a, op, b); got == negate {
			return "Match = " + boolString(got) + ", Compare = " + compareString(Compare(a, b))
		}
		return ""
	}
	return "malformed line"
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func compareString(r int) string {
	return [...]string{"<", "=", ">"}[r+1]
}
