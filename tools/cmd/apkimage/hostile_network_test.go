package main

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// TestHostileNetwork: the lock verb against a repository that fails (no
// mirror): it gives up within its timeouts and retries, names the URL,
// and leaves an existing lock file exactly as it was.
func TestHostileNetwork(t *testing.T) {
	const pkg, index, key = "main/x86_64/hello-2.12-r1.apk", "main/x86_64/APKINDEX.tar.gz", "keys/" + locktest.KeyName
	tests := []struct {
		what, path, kind string
		want             func(e *hEnv) []string
	}{
		{"package", pkg, "404", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: package hello-2.12-r1.apk: download failed from every URL tried: " + e.URL + "/" + pkg +
				": HTTP 404 Not Found (1 attempt); check the URL: the file is not there"}
		}},
		{"package", pkg, "500", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: package hello-2.12-r1.apk: download failed from every URL tried: " + e.URL + "/" + pkg +
				": HTTP 500 Internal Server Error (2 attempts); check the URL and the network, or add a mirror"}
		}},
		{"package", pkg, "reset", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: package hello-2.12-r1.apk: download failed from every URL tried: " + e.URL + "/" + pkg +
				": reading the body after ", "(2 attempts); check the URL and the network, or add a mirror"}
		}},
		{"package", pkg, "stall", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: package hello-2.12-r1.apk: download failed from every URL tried: " + e.URL + "/" + pkg +
				": stalled: no data for 1s after 0 bytes (2 attempts); check the URL and the network, or add a mirror"}
		}},
		{"package", pkg, "trickle", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: package hello-2.12-r1.apk: download failed from every URL tried: " + e.URL + "/" + pkg +
				": too slow: ", " bytes in the last 1s after ", " bytes, below the minimum of 1024 bytes in 1s (2 attempts); check the URL and the network, or add a mirror"}
		}},
		{"index", index, "trickle", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: fetching the index of " + e.URL + "/main: download failed from every URL tried: " + e.URL + "/" + index +
				": too slow: ", "below the minimum of 1024 bytes in 1s (2 attempts)"}
		}},
		{"index", index, "404", func(e *hEnv) []string {
			return []string{"apkimage lock: architecture x86_64 is not in repository " + e.URL + "/main: " + e.URL + "/" + index +
				" was not found; remove x86_64 from the architectures or fix the repository URL"}
		}},
		{"index", index, "500", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: fetching the index of " + e.URL + "/main: download failed from every URL tried: " + e.URL + "/" + index +
				": HTTP 500 Internal Server Error (2 attempts)"}
		}},
		{"index", index, "stall", func(e *hEnv) []string {
			return []string{"apkimage lock: x86_64: fetching the index of " + e.URL + "/main: download failed from every URL tried: " + e.URL + "/" + index +
				": stalled: no data for 1s after 0 bytes (2 attempts)"}
		}},
		{"key", key, "reset", func(e *hEnv) []string {
			return []string{"apkimage lock: fetching key: download failed from every URL tried: " + e.URL + "/" + key + ": reading the body after ", "(2 attempts)"}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.what+" "+tc.kind, func(t *testing.T) {
			e := newHEnv(t)
			old := []byte("the previous lock\n")
			if err := os.WriteFile(filepath.Join(e.out, "lock.json"), old, 0o644); err != nil {
				t.Fatal(err)
			}
			e.fault(tc.path, tc.kind)
			start := time.Now()
			code, msg := hRun(t, e.lockArgs(t, "", []string{"hello"})...)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("lock took %v: timeouts and retries must bound it", d)
			}
			e.wantFailure(t, code, msg, tc.want(e), map[string][]byte{"lock.json": old})
		})
	}
}

// TestHostileNetworkMirror: with a mirror, every fault of the primary
// (index and package) falls back, and the lock is byte for byte the one
// made without faults.
func TestHostileNetworkMirror(t *testing.T) {
	for _, kind := range []string{"404", "500", "reset", "stall"} {
		t.Run(kind, func(t *testing.T) {
			e := newHEnv(t)
			repos := `{"url": ` + strconv.Quote(e.URL+"/main") + `, "mirrors": [` + strconv.Quote(e.URL+"/mirror/main") + `]}`
			args := e.lockArgs(t, repos, []string{"hello"})
			args[len(args)-1] = "1" // --attempts: one try per URL, then the mirror
			if code, msg := hRun(t, args...); code != 0 {
				t.Fatalf("clean lock: %d\n%s", code, msg)
			}
			clean, _ := os.ReadFile(filepath.Join(e.out, "lock.json"))
			os.Remove(filepath.Join(e.out, "lock.json"))
			e.fault("main/x86_64/APKINDEX.tar.gz", kind)
			e.fault("main/x86_64/musl-1.2.5-r0.apk", kind)
			e.fault("main/x86_64/hello-2.12-r1.apk", kind)
			if code, msg := hRun(t, args...); code != 0 {
				t.Fatalf("lock with a faulty primary and a good mirror: exit %d\n%s", code, msg)
			}
			e.wantLeftovers(t, map[string][]byte{"lock.json": clean})
		})
	}
}
