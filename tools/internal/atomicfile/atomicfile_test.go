package atomicfile_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/atomicfile"
)

// listing is the directory's names, sorted, space-separated.
func listing(t *testing.T, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return strings.Join(names, " ")
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string) string // returns the target
		content  string
		mode     os.FileMode
		wantErr  string
		wantList string
	}{
		{name: "new file", setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "a.json") },
			content: "new\n", mode: 0o644, wantList: "a.json"},
		{name: "replaces and sets the mode", setup: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "a.json")
			if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}, content: "new", mode: 0o755, wantList: "a.json"},
		{name: "target is a directory", setup: func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "sub")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}, content: "x", mode: 0o644, wantErr: "writing ", wantList: "sub"},
		{name: "missing directory", setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "no", "a") },
			content: "x", mode: 0o644, wantErr: "no such file or directory", wantList: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tc.setup(t, dir)
			err := atomicfile.WriteFile(path, []byte(tc.content), tc.mode)
			if got := listing(t, dir); got != tc.wantList {
				t.Errorf("directory holds [%s], want [%s] (no temporary file left)", got, tc.wantList)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("WriteFile = %v, want an error naming %s and containing %q", err, path, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil || string(b) != tc.content {
				t.Fatalf("file holds %q, %v; want %q", b, err, tc.content)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != tc.mode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), tc.mode)
			}
		})
	}
}

func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lock.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("half")); err != nil {
		t.Fatal(err)
	}
	if got := listing(t, dir); !strings.HasPrefix(got, ".lock.json.tmp-") {
		t.Errorf("while writing the directory holds [%s], want the temporary file beside lock.json", got)
	}
	f.Abort()
	f.Abort() // twice is harmless
	if got := listing(t, dir); got != "lock.json" {
		t.Errorf("after Abort the directory holds [%s], want [lock.json]", got)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("Abort changed the target: %q", b)
	}
	if err := f.Commit(); err == nil || !strings.Contains(err.Error(), "already committed or aborted") {
		t.Errorf("Commit after Abort = %v", err)
	}
}
