package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// hEditRaw rewrites the lock file's JSON after edit, bypassing the lock
// package's validation, as a hand edit would.
func hEditRaw(t *testing.T, path string, edit func(m map[string]interface{})) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]interface{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.MarshalIndent(m, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// hEditText replaces the first old in the lock file's text with new: edits
// that JSON encoders cannot make, such as a repeated key.
func hEditText(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("lock file has no %q", old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hPkg returns package i of arch in a raw lock.
func hPkg(m map[string]interface{}, arch string, i int) map[string]interface{} {
	a := m["architectures"].(map[string]interface{})[arch].(map[string]interface{})
	return a["packages"].([]interface{})[i].(map[string]interface{})
}

// TestHostileLockFile: a lock edited by hand or damaged, given to the layer
// verb (the build) and to lock --check.
func TestHostileLockFile(t *testing.T) {
	other := apkbuild.PublicKeyPEM(apkbuild.TestKey(1))
	trusted := apkbuild.PublicKeyPEM(apkbuild.TestKey(0)) // the repository's key
	tests := []struct {
		name  string
		edit  func(t *testing.T, e *hEnv, lockPath string, files []string) []string // returns the files to pass
		layer []string                                                              // message of the layer verb
		check []string                                                              // of lock --check; nil: not run
	}{
		{name: "hand-edited sha256",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditRaw(t, lockPath, func(m map[string]interface{}) { hPkg(m, "x86_64", 1)["sha256"] = ltSHA256([]byte("forged")) })
				return files
			},
			layer: []string{"hello-2.12-r1.apk for hello-2.12-r1 (x86_64): sha256 ", " differs from the lock's " + ltSHA256([]byte("forged")) + "; re-fetch the package or re-lock"}},
		{name: "missing package field",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditRaw(t, lockPath, func(m map[string]interface{}) { delete(hPkg(m, "x86_64", 0), "checksum") })
				return files
			},
			layer: []string{"lock file ", "lock.json: architecture x86_64, package 0 (musl): checksum is missing; the lock file is damaged or was edited by hand: re-lock"},
			check: []string{"architecture x86_64, package 0 (musl): checksum is missing; the lock file is damaged or was edited by hand: re-lock"}},
		{name: "missing keyring",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditRaw(t, lockPath, func(m map[string]interface{}) { delete(m, "keyring") })
				return files
			},
			layer: []string{"lock.json: keyring is empty: a lock needs the keys that sign its repositories; the lock file is damaged or was edited by hand: re-lock"},
			check: []string{"keyring is empty"}},
		{name: "missing schema version",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditRaw(t, lockPath, func(m map[string]interface{}) { delete(m, "version") })
				return files
			},
			layer: []string{"lock.json: no schema \"version\": this program reads lock files of version 2; re-lock to write one"},
			check: []string{"no schema \"version\""}},
		{name: "unknown schema version",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditRaw(t, lockPath, func(m map[string]interface{}) { m["version"] = 3; m["signed_by"] = "someone" })
				return files
			},
			layer: []string{"lock.json: lock schema version 3 is not supported: this program reads version 2 only; re-lock with this version of the tools"},
			check: []string{"lock schema version 3 is not supported"}},
		{name: "unknown field",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditRaw(t, lockPath, func(m map[string]interface{}) { hPkg(m, "x86_64", 0)["sha265"] = "x" })
				return files
			},
			layer: []string{"lock.json: ", `unknown field "sha265"; re-lock to recreate the lock file`},
			check: []string{`unknown field "sha265"`}},
		{name: "duplicate key",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditText(t, lockPath, `"size": `, `"size": 1, "size": `)
				return files
			},
			layer: []string{"lock.json: ", `key "size" appears twice (at architectures.x86_64.packages[0].size); JSON readers disagree on which value counts; re-lock to recreate the lock file`},
			check: []string{`key "size" appears twice`}},
		{name: "key differing from the schema only in case",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditText(t, lockPath, `"sha256": `, `"SHA256": `)
				return files
			},
			layer: []string{"lock.json: ", `key "SHA256" (at architectures.x86_64.packages[0].SHA256) differs from the field "sha256" only in case; field names are lower case; re-lock to recreate the lock file`},
			check: []string{`key "SHA256" (at architectures.x86_64.packages[0].SHA256) differs from the field "sha256" only in case`}},
		{name: "packages not in install order",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditLock(t, lockPath, func(l *lock.Lock) {
					ps := l.Architectures["x86_64"].Packages
					ps[0], ps[1] = ps[1], ps[0]
				})
				return []string{files[1], files[0]}
			},
			layer: []string{"lock.json, architecture x86_64: resolve: hello-2.12-r1 (#1) is listed before musl-1.2.5-r0 (#2), which provides its dependency so:libc.musl-x86_64.so.1; " +
				"the list is not in install order; the lock was edited or damaged: re-lock"}},
		{name: "dependency cut from the lock",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditLock(t, lockPath, func(l *lock.Lock) {
					a := l.Architectures["x86_64"]
					a.Packages = a.Packages[1:]
					l.Architectures["x86_64"] = a
				})
				return files[1:]
			},
			layer: []string{"lock.json, architecture x86_64: resolve: hello-2.12-r1 depends on so:libc.musl-x86_64.so.1, which none of the packages provides; the package list is incomplete; the lock was edited or damaged: re-lock"}},
		{name: "keyring content does not match its sha256",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditRaw(t, lockPath, func(m map[string]interface{}) {
					m["keyring"].([]interface{})[0].(map[string]interface{})["pem"] = string(other)
				})
				return files
			},
			layer: []string{"lock.json: keyring " + locktest.KeyName + ": keyring content does not match its sha256 (the pem was edited or the key replaced); re-lock from the key's URL "},
			check: []string{"keyring content does not match its sha256"}},
		{name: "key replaced in the lock, pem and sha256",
			edit: func(t *testing.T, e *hEnv, lockPath string, files []string) []string {
				hEditLock(t, lockPath, func(l *lock.Lock) { l.Keyring[0].PEM, l.Keyring[0].SHA256 = string(other), ltSHA256(other) })
				return files
			},
			layer: []string{"key file ", locktest.KeyName + ": sha256 " + ltSHA256(trusted) + " differs from the lock's " + ltSHA256(other) +
				" for " + locktest.KeyName + " (from ", "/keys/" + locktest.KeyName + "): re-fetch the key or re-lock"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newHEnv(t)
			lockPath, files := e.locked(t, "hello")
			files = tc.edit(t, e, lockPath, files)
			code, msg := hRun(t, e.layerArgs(lockPath, "x86_64", files)...)
			e.wantFailure(t, code, msg, append([]string{"apkimage layer: "}, tc.layer...), nil)
			if tc.check != nil {
				code, msg := hRun(t, "lock", "--config", e.in+"/config.json", "--out", lockPath, "--check")
				e.wantFailure(t, code, msg, append([]string{"apkimage lock: lock file " + lockPath + ": "}, tc.check...), nil)
			}
		})
	}
}
