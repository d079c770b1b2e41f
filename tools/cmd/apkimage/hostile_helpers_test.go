package main

// The harness of the hostile-input catalogue (SECURITY.md): each case runs
// the CLI as Bazel or a user would, through run(), against a repository
// served on 127.0.0.1, and asserts the exit status, the message and that
// no output was left behind.

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// hEnv is one scenario. The repository's files are served at URL+"/main";
// URL+"/mirror/main" serves the same files without the injected faults.
type hEnv struct {
	repo *locktest.Repo
	URL  string
	in   string // inputs: config, lock, key, package files
	out  string // outputs: must hold nothing after a failure
	tmp  string // TMPDIR of the run: must hold nothing afterwards

	mu     sync.Mutex
	faults map[string]string // served path ("main/x86_64/x.apk") → 404, 500, reset, stall, trickle
	stop   chan struct{}
}

func newHEnv(t *testing.T) *hEnv {
	t.Helper()
	e := &hEnv{repo: locktest.NewRepo(t, "x86_64", "aarch64"), in: t.TempDir(), out: t.TempDir(), tmp: t.TempDir(),
		faults: map[string]string{}, stop: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(e.stop) }) // runs first: frees stalled handlers
	e.URL = srv.URL
	t.Setenv("TMPDIR", e.tmp)
	if err := os.WriteFile(e.keyFile(), e.repo.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *hEnv) keyFile() string { return filepath.Join(e.in, locktest.KeyName) }

// fault makes path (below the server root) fail in the given way.
func (e *hEnv) fault(path, kind string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults[path] = kind
}

func (e *hEnv) serve(w http.ResponseWriter, r *http.Request) {
	p := strings.TrimPrefix(r.URL.Path, "/")
	e.mu.Lock()
	kind := e.faults[p]
	e.mu.Unlock()
	if strings.HasPrefix(p, "mirror/") {
		p, kind = strings.TrimPrefix(p, "mirror/"), ""
	}
	b := e.repo.File(p)
	switch {
	case kind == "404" || b == nil:
		http.NotFound(w, r)
	case kind == "500":
		http.Error(w, "injected failure", http.StatusInternalServerError)
	case kind == "reset":
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(b))
		buf.Write(b[:len(b)/2])
		buf.Flush()
		conn.(*net.TCPConn).SetLinger(0) // RST, as a dying proxy would
		conn.Close()
	case kind == "trickle":
		// One byte every 100 ms: never idle, far below the minimum rate.
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		for i := range b {
			w.Write(b[i : i+1])
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-e.stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	case kind == "stall":
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-e.stop:
		}
	default:
		w.Write(b)
	}
}

// hRun runs the CLI and returns its exit status and what it printed on
// stderr (progress lines included).
func hRun(t *testing.T, args ...string) (int, string) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	savedOS, savedErr, savedOut := os.Stderr, stderr, stdout
	os.Stderr, stderr, stdout = f, f, io.Discard
	code := run(args)
	os.Stderr, stderr, stdout = savedOS, savedErr, savedOut
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return code, string(b)
}

// wantFailure asserts exit status 1, a message holding want in order, and
// that neither the output directory nor TMPDIR holds anything (keep lists
// files that were there before and must be unchanged).
func (e *hEnv) wantFailure(t *testing.T, code int, msg string, want []string, keep map[string][]byte) {
	t.Helper()
	t.Logf("exit status %d; stderr:\n%s", code, msg)
	if code != 1 {
		t.Fatalf("exit status %d, want 1; stderr:\n%s", code, msg)
	}
	rest := msg
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("stderr lacks %q (in order):\n%s", w, msg)
		}
		rest = rest[i+len(w):]
	}
	e.wantLeftovers(t, keep)
}

// wantLeftovers asserts that the output directory holds exactly keep,
// byte for byte, and TMPDIR nothing.
func (e *hEnv) wantLeftovers(t *testing.T, keep map[string][]byte) {
	t.Helper()
	ents, _ := os.ReadDir(e.out)
	for _, ent := range ents {
		want, ok := keep[ent.Name()]
		got, _ := os.ReadFile(filepath.Join(e.out, ent.Name()))
		if !ok || string(got) != string(want) {
			t.Errorf("output %s was left behind or changed", ent.Name())
		}
	}
	if len(ents) != len(keep) {
		t.Errorf("output directory holds %d entries, want %d", len(ents), len(keep))
	}
	if tmp, _ := os.ReadDir(e.tmp); len(tmp) > 0 {
		t.Errorf("TMPDIR holds %d leftovers, e.g. %s", len(tmp), tmp[0].Name())
	}
}

// signed builds a package signed by the repository's (trusted) key.
func (e *hEnv) signed(t *testing.T, s apkbuild.Spec) []byte {
	t.Helper()
	apk, err := apkbuild.Build(s, e.repo.Signer)
	if err != nil {
		t.Fatal(err)
	}
	return apk
}

// publish adds apks to arch's directory and re-signs its index with them
// next to the default packages.
func (e *hEnv) publish(t *testing.T, arch string, apks ...[]byte) {
	t.Helper()
	recs := e.repo.Records(t, arch)
	for _, apk := range apks {
		rec := hRecord(t, apk)
		e.repo.Set("main/"+arch+"/"+rec.Name+"-"+rec.Version+".apk", apk)
		recs = append(recs, rec)
	}
	e.repo.SetIndex(t, arch, recs, e.repo.Signer)
}

// hRecords holds the index records of packages too large to split in
// memory (the gzip bomb), by sha256.
var hRecords sync.Map

func hRecord(t *testing.T, apk []byte) apkindex.Record {
	t.Helper()
	if rec, ok := hRecords.Load(ltSHA256(apk)); ok {
		return rec.(apkindex.Record)
	}
	rec, err := apkbuild.IndexEntry(apk)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// lockArgs writes a configuration for packages (x86_64 unless archs are
// given) and returns the lock verb's arguments.
func (e *hEnv) lockArgs(t *testing.T, repos string, packages []string, archs ...string) []string {
	t.Helper()
	if repos == "" {
		repos = strconv.Quote(e.URL + "/main")
	}
	if len(archs) == 0 {
		archs = []string{"x86_64"}
	}
	cfg := fmt.Sprintf(`{"repositories": [%s], "keyring": [%q], "packages": [%s], "architectures": [%s]}`,
		repos, e.URL+"/keys/"+locktest.KeyName, hQuote(packages), hQuote(archs))
	path := filepath.Join(e.in, "config.json")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"lock", "--config", path, "--out", filepath.Join(e.out, "lock.json"), "--timeout", "1s", "--attempts", "2"}
}

func hQuote(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// pin writes apks to the input directory and a lock that names exactly
// them for arch, in the order given, as if a lock had been made when the
// repository served them. It returns the lock's path and the files.
func (e *hEnv) pin(t *testing.T, arch string, apks ...[]byte) (string, []string) {
	t.Helper()
	l := &lock.Lock{
		Architectures: map[string]lock.Arch{},
		Keyring: []lock.Key{{Name: locktest.KeyName, PEM: string(e.repo.PEM), SHA256: ltSHA256(e.repo.PEM),
			URL: e.URL + "/keys/" + locktest.KeyName}},
		Repositories: []lock.Repository{{URL: e.URL + "/main", Mirrors: []string{}}},
		Version:      lock.SchemaVersion,
		Config:       lock.LockConfig{Architectures: []string{arch}},
	}
	var files []string
	var ps []lock.Package
	for _, apk := range apks {
		rec := hRecord(t, apk)
		name := rec.Name + "-" + rec.Version + ".apk"
		path := filepath.Join(e.in, name)
		if err := os.WriteFile(path, apk, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
		ps = append(ps, lock.Package{Arch: rec.Arch, Checksum: rec.Checksum, Name: rec.Name, Repository: e.URL + "/main",
			SHA256: ltSHA256(apk), Size: int64(len(apk)), URL: e.URL + "/main/" + arch + "/" + name, Version: rec.Version})
		l.Config.Packages = append(l.Config.Packages, rec.Name)
	}
	l.Architectures[arch] = lock.Arch{Packages: ps}
	path := filepath.Join(e.in, "lock.json")
	if err := lock.Write(path, l); err != nil {
		t.Fatalf("pinning a lock: %v", err)
	}
	return path, files
}

// layerArgs returns the layer verb's arguments for arch with the outputs
// in the output directory.
func (e *hEnv) layerArgs(lockPath, arch string, files []string) []string {
	args := []string{"layer", "--lock", lockPath, "--apk-arch", arch, "--key", e.keyFile(), "--mtime", "1700000000",
		"--out", filepath.Join(e.out, "layer.tar.gz"), "--meta", filepath.Join(e.out, "meta.json")}
	return append(args, files...)
}

// download fetches what the repository serves at path (below the server
// root) into the input directory, as Bazel's downloader would.
func (e *hEnv) download(t *testing.T, path string) string {
	t.Helper()
	resp, err := http.Get(e.URL + "/" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	dst := filepath.Join(e.in, filepath.Base(path))
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, resp.Body); err != nil {
		t.Fatal(err)
	}
	return dst
}

// locked runs the lock verb on the clean repository for packages (x86_64)
// into the input directory and downloads the locked packages in order.
func (e *hEnv) locked(t *testing.T, packages ...string) (string, []string) {
	t.Helper()
	args := e.lockArgs(t, "", packages)
	path := filepath.Join(e.in, "lock.json")
	args[4] = path // --out
	if code, msg := hRun(t, args...); code != 0 {
		t.Fatalf("locking the clean repository: exit %d\n%s", code, msg)
	}
	l, err := lock.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, p := range l.Architectures["x86_64"].Packages {
		files = append(files, e.download(t, "main/x86_64/"+p.FileName()))
	}
	return path, files
}
