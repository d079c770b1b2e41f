package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProvenanceVerb(t *testing.T) {
	dir := t.TempDir()
	lockPath := filepath.Join("..", "..", "..", "e2e", "bundled.lock.json")
	layout := filepath.Join(dir, "layout")
	digest := "sha256:" + strings.Repeat("0f", 32)
	if err := os.MkdirAll(layout, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(layout, "index.json"), []byte(`{"schemaVersion":2,"manifests":[{"digest":"`+digest+`"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	pred, stmt := filepath.Join(dir, "pred.json"), filepath.Join(dir, "stmt.json")
	args := []string{"--lock", "x86_64=" + lockPath, "--lock", "aarch64=" + lockPath, "--lock-name", "x86_64=e2e/bundled.lock.json",
		"--target", "//e2e:musl_dynamic", "--version", "0.0.0", "--predicate", pred, "--layout", layout, "--statement", stmt}
	if err := provenanceMain(args); err != nil {
		t.Fatal(err)
	}
	var s struct {
		Subject []struct {
			Name   string
			Digest map[string]string
		}
		Predicate json.RawMessage
	}
	b, err := os.ReadFile(stmt)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	// Both arches' packages, the lock named as given for x86_64 and by
	// its path for aarch64.
	for _, want := range []string{`"name": "e2e/bundled.lock.json"`, `"name": "` + lockPath + `"`, `"apk.arch": "aarch64"`, `"apk.arch": "x86_64"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("the statement lacks %s", want)
		}
	}
	if len(s.Subject) != 1 || s.Subject[0].Name != "//e2e:musl_dynamic" || "sha256:"+s.Subject[0].Digest["sha256"] != digest {
		t.Errorf("subject = %+v, want //e2e:musl_dynamic %s", s.Subject, digest)
	}
	p, err := os.ReadFile(pred)
	if err != nil {
		t.Fatal(err)
	}
	var a, b2 interface{}
	json.Unmarshal(p, &a)
	json.Unmarshal(s.Predicate, &b2)
	pa, _ := json.Marshal(a)
	pb, _ := json.Marshal(b2)
	if string(pa) != string(pb) {
		t.Error("the predicate file differs from the statement's predicate")
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"missing", []string{"--lock", "x86=" + lockPath}, "required"},
		{"not KEY=VALUE", []string{"--lock", lockPath}, ""},
		{"statement without layout", append(args[:len(args)-4:len(args)-4], "--statement", stmt), "go together"},
		{"no layout index", []string{"--lock", "x86=" + lockPath, "--target", "//x", "--version", "1", "--predicate", pred, "--layout", dir, "--statement", stmt}, "index.json"},
		{"lock missing", []string{"--lock", "x86=" + dir + "/nope.json", "--target", "//x", "--version", "1", "--predicate", pred}, "reading the lock of x86"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := provenanceMain(tc.args)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
