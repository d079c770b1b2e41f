package stamp

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAnnotations(t *testing.T) {
	fixed := time.Unix(0, 0)
	status := map[string]string{
		"BUILD_TIMESTAMP":           "1700000000",
		"STABLE_BUILD_SCM_REVISION": "0123abc",
		"BUILD_SCM_SOURCE":          "https://example.invalid/repo",
		"MY_VERSION":                "1.2.3",
	}
	for _, c := range []struct {
		name        string
		status      map[string]string
		keys        map[string]string
		wantCreated string
		want        map[string]string
	}{
		{"unstamped", nil, nil, "1970-01-01T00:00:00Z",
			map[string]string{Created: "1970-01-01T00:00:00Z"}},
		{"stamped with the default keys", status, nil, "2023-11-14T22:13:20Z",
			map[string]string{Created: "2023-11-14T22:13:20Z", Revision: "0123abc", Source: "https://example.invalid/repo"}},
		{"configured keys", status, map[string]string{Version: "MY_VERSION", Created: "NONE"}, "1970-01-01T00:00:00Z",
			map[string]string{Created: "1970-01-01T00:00:00Z", Version: "1.2.3"}},
		{"stamped without keys in the status", map[string]string{}, nil, "1970-01-01T00:00:00Z",
			map[string]string{Created: "1970-01-01T00:00:00Z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := Annotations(fixed, c.status, c.keys)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Created.Format(time.RFC3339); got != c.wantCreated {
				t.Errorf("Created = %s, want %s", got, c.wantCreated)
			}
			if !reflect.DeepEqual(res.Annotations, c.want) {
				t.Errorf("annotations = %v, want %v", res.Annotations, c.want)
			}
		})
	}
}

func TestAnnotationsBadTimestamp(t *testing.T) {
	_, err := Annotations(time.Unix(0, 0), map[string]string{"BUILD_TIMESTAMP": "yesterday"}, nil)
	if err == nil || !strings.Contains(err.Error(), `BUILD_TIMESTAMP = "yesterday" is not seconds`) {
		t.Fatalf("error = %v", err)
	}
}

func TestReadStatus(t *testing.T) {
	dir := t.TempDir()
	stable := filepath.Join(dir, "stable-status.txt")
	volatile := filepath.Join(dir, "volatile-status.txt")
	os.WriteFile(stable, []byte("BUILD_EMBED_LABEL \nSTABLE_BUILD_SCM_REVISION abc def\n"), 0o644)
	os.WriteFile(volatile, []byte("BUILD_TIMESTAMP 1700000000\r\n\n"), 0o644)
	got, err := ReadStatus(stable, volatile)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"BUILD_EMBED_LABEL": "", "STABLE_BUILD_SCM_REVISION": "abc def", "BUILD_TIMESTAMP": "1700000000"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("status = %v, want %v", got, want)
	}
	if _, err := ReadStatus(filepath.Join(dir, "missing.txt")); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("missing file: error = %v", err)
	}
}

// TestHostileStatus: workspace status values become manifest annotations;
// control characters and huge values are refused with the key named, and
// a status file without line breaks stops at the bound.
func TestHostileStatus(t *testing.T) {
	for _, tc := range []struct {
		name, value, want string
	}{
		{"terminal escape", "abc\x1b]0;owned\x07", `workspace status key BUILD_SCM_REVISION = "abc\x1b]0;owned\a" holds the control character 0x1b`},
		{"line break", "abc\ndef", "holds the control character 0x0a"},
		{"huge value", strings.Repeat("a", MaxValue+1), "BUILD_SCM_REVISION is 65537 bytes long, more than the 65536"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Annotations(time.Unix(0, 0), map[string]string{"BUILD_SCM_REVISION": tc.value}, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
	p := filepath.Join(t.TempDir(), "volatile-status.txt")
	os.WriteFile(p, bytes.Repeat([]byte("x"), maxStatus+10), 0o644)
	if _, err := ReadStatus(p); err == nil || !strings.Contains(err.Error(), "a line is longer than 1048576 bytes") {
		t.Fatalf("error = %v", err)
	}
}
