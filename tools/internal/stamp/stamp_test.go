package stamp

import (
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
