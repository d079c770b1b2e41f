package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// lockFixture serves a repository, runs the lock verb and saves the
// locked packages and the key as local files, as Bazel would.
type lockFixture struct {
	repo *locktest.Repo
	dir  string
	lock string   // LOCK.json
	key  string   // key file
	apks []string // the x86_64 packages in lock order
}

func newLockFixture(t *testing.T) *lockFixture {
	t.Helper()
	stderr = io.Discard
	t.Cleanup(func() { stderr = os.Stderr })
	r := locktest.NewRepo(t, "x86_64", "aarch64")
	dir := t.TempDir()
	cfg := `{"repositories": ["` + r.URL + `"], "keyring": ["` + r.KeyURL + `"],
	         "packages": ["hello", "hello-doc"], "architectures": ["x86_64", "aarch64"]}`
	cfgPath := filepath.Join(dir, "config.json")
	ltWrite(t, cfgPath, []byte(cfg))
	f := &lockFixture{repo: r, dir: dir, lock: filepath.Join(dir, "lock.json"), key: filepath.Join(dir, locktest.KeyName)}
	if err := lockMain([]string{"--config", cfgPath, "--out", f.lock, "--timeout", "5s", "--attempts", "2"}); err != nil {
		t.Fatalf("lock: %v", err)
	}
	if err := lockMain([]string{"--config", cfgPath, "--out", f.lock, "--check"}); err != nil {
		t.Fatalf("lock --check right after locking: %v", err)
	}
	ltWrite(t, f.key, r.PEM)
	for _, name := range []string{"musl-1.2.5-r0.apk", "hello-2.12-r1.apk", "hello-doc-2.12-r1.apk"} {
		p := filepath.Join(dir, name)
		ltWrite(t, p, r.File("main/x86_64/"+name))
		f.apks = append(f.apks, p)
	}
	return f
}

func ltWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLockVerb(t *testing.T) {
	f := newLockFixture(t)
	l, err := lock.Read(f.lock)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, arch := range []string{"x86_64", "aarch64"} {
		for _, p := range l.Architectures[arch].Packages {
			apk := f.repo.File("main/" + arch + "/" + p.FileName())
			rec, err := apkbuild.IndexEntry(apk)
			if err != nil {
				t.Fatal(err)
			}
			if p.Checksum != rec.Checksum || p.SHA256 != ltSHA256(apk) || p.Size != int64(len(apk)) {
				t.Errorf("%s %s: lock entry %+v does not match the served file", arch, p.Name, p)
			}
			got = append(got, arch+" "+p.Name+" "+p.Arch+" "+strings.TrimPrefix(p.URL, f.repo.URL))
		}
	}
	want := []string{
		"x86_64 musl x86_64 /x86_64/musl-1.2.5-r0.apk",
		"x86_64 hello x86_64 /x86_64/hello-2.12-r1.apk",
		"x86_64 hello-doc noarch /x86_64/hello-doc-2.12-r1.apk",
		"aarch64 musl aarch64 /aarch64/musl-1.2.5-r0.apk",
		"aarch64 hello aarch64 /aarch64/hello-2.12-r1.apk",
		"aarch64 hello-doc noarch /aarch64/hello-doc-2.12-r1.apk",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("locked\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A failed re-lock leaves the old lock as it was.
	before, _ := os.ReadFile(f.lock)
	f.repo.Set("main/aarch64/APKINDEX.tar.gz", nil)
	cfgPath := filepath.Join(f.dir, "config.json")
	err = lockMain([]string{"--config", cfgPath, "--out", f.lock, "--attempts", "1"})
	if err == nil || !strings.Contains(err.Error(), "architecture aarch64 is not in repository") {
		t.Fatalf("lock with a missing index = %v", err)
	}
	after, _ := os.ReadFile(f.lock)
	if !bytes.Equal(before, after) {
		t.Error("a failed lock changed the lock file")
	}
	ltAssertFiles(t, f.dir, "config.json", "hello-2.12-r1.apk", "hello-doc-2.12-r1.apk", "lock.json", "musl-1.2.5-r0.apk", locktest.KeyName)

	// --check notices a changed configuration.
	ltWrite(t, cfgPath, []byte(`{"repositories": ["`+f.repo.URL+`"], "keyring": ["`+f.repo.KeyURL+`"],
	         "packages": ["hello"], "architectures": ["x86_64", "aarch64"]}`))
	err = lockMain([]string{"--config", cfgPath, "--out", f.lock, "--check"})
	if err == nil || !strings.Contains(err.Error(), "the lock file is stale: packages removed: hello-doc; run 'apkimage lock --config") {
		t.Fatalf("lock --check on a stale lock = %v", err)
	}
	// apk_lock passes the command a person runs instead.
	err = lockMain([]string{"--config", cfgPath, "--out", f.lock, "--check", "--relock-command", "bazel run @x//:lock"})
	if err == nil || !strings.HasSuffix(err.Error(), "packages removed: hello-doc; run 'bazel run @x//:lock' to update it") {
		t.Fatalf("lock --check --relock-command = %v", err)
	}
}

func (f *lockFixture) layerArgs(out, meta string, extra ...string) []string {
	args := []string{"--lock", f.lock, "--apk-arch", "x86_64", "--key", f.key, "--mtime", "1700000000",
		"--account", "nonroot:65532:65532", "--out", out, "--meta", meta}
	return append(append(args, extra...), f.apks...)
}

func TestLayerVerb(t *testing.T) {
	f := newLockFixture(t)
	outDir := t.TempDir()
	out, meta := filepath.Join(outDir, "layer.tar.gz"), filepath.Join(outDir, "meta.json")
	if err := layerMain(f.layerArgs(out, meta)); err != nil {
		t.Fatalf("layer: %v", err)
	}
	gz, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := gzipx.Measure(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := `{
  "arch": "x86_64",
  "diff_id": "` + m.DiffID.String() + `",
  "digest": "` + m.Digest.String() + `",
  "packages": [
    {
      "arch": "x86_64",
      "checksum": "` + f.checksum(t, 0) + `",
      "description": "the musl c library",
      "layer": "` + m.Digest.String() + `",
      "license": "MIT",
      "name": "musl",
      "origin": "musl",
      "url": "https://musl.example/",
      "version": "1.2.5-r0"
    },
    {
      "arch": "x86_64",
      "checksum": "` + f.checksum(t, 1) + `",
      "description": "says hello",
      "layer": "` + m.Digest.String() + `",
      "license": "GPL-3.0-or-later",
      "name": "hello",
      "origin": "hello",
      "url": "",
      "version": "2.12-r1"
    },
    {
      "arch": "noarch",
      "checksum": "` + f.checksum(t, 2) + `",
      "description": "hello's manual",
      "layer": "` + m.Digest.String() + `",
      "license": "GPL-3.0-or-later",
      "name": "hello-doc",
      "origin": "hello",
      "url": "",
      "version": "2.12-r1"
    }
  ],
  "size": ` + ltItoa(int64(len(gz))) + `
}
`
	gotMeta, _ := os.ReadFile(meta)
	if string(gotMeta) != wantMeta {
		t.Errorf("META.json =\n%s\nwant\n%s", gotMeta, wantMeta)
	}
	names := ltTarNames(t, gz)
	for _, want := range []string{"lib/ld-musl-x86_64.so.1", "usr/bin/hello", "usr/share/hello.txt",
		"lib/apk/db/installed", "etc/apk/world", "etc/apk/keys/" + locktest.KeyName, "etc/passwd"} {
		if !ltContains(names, want) {
			t.Errorf("layer lacks %s; has %v", want, names)
		}
	}
	ltAssertFiles(t, outDir, "layer.tar.gz", "meta.json")

	// The same inputs give the same bytes.
	out2 := filepath.Join(outDir, "again.tar.gz")
	if err := layerMain(f.layerArgs(out2, filepath.Join(outDir, "again.json"))); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(out2); !bytes.Equal(again, gz) {
		t.Error("the layer is not reproducible")
	}
}

func (f *lockFixture) checksum(t *testing.T, i int) string {
	l, err := lock.Read(f.lock)
	if err != nil {
		t.Fatal(err)
	}
	return l.Architectures["x86_64"].Packages[i].Checksum
}

func TestLayerVerbRejects(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(t *testing.T, f *lockFixture) []string // returns extra flags (or nil)
		wantErr []string
	}{
		{name: "sha256 differs from the lock", prepare: func(t *testing.T, f *lockFixture) []string {
			// Same size, one byte flipped at the end of the data member.
			b, _ := os.ReadFile(f.apks[1])
			b[len(b)-5] ^= 0xff
			ltWrite(t, f.apks[1], b)
			return nil
		}, wantErr: []string{"hello-2.12-r1.apk for hello-2.12-r1 (x86_64): sha256 ", " differs from the lock's ", "re-fetch the package or re-lock"}},
		{name: "Q1 differs from the lock", prepare: func(t *testing.T, f *lockFixture) []string {
			// A different but validly signed package whose size and sha256 the
			// lock is edited to accept: only Q1 still disagrees.
			s := locktest.Specs("x86_64")[0]
			s.Files[1].Body = []byte("another loader")
			apk, err := apkbuild.Build(s, f.repo.Signer)
			if err != nil {
				t.Fatal(err)
			}
			ltWrite(t, f.apks[0], apk)
			l, _ := lock.Read(f.lock)
			p := &l.Architectures["x86_64"].Packages[0]
			p.SHA256, p.Size = ltSHA256(apk), int64(len(apk))
			if err := lock.Write(f.lock, l); err != nil {
				t.Fatal(err)
			}
			return nil
		}, wantErr: []string{"musl-1.2.5-r0.apk for musl-1.2.5-r0 (x86_64): checksum \"Q1", "\" differs from the lock's \"Q1"}},
		{name: "data altered, lock edited to match", prepare: func(t *testing.T, f *lockFixture) []string {
			// Signature and Q1 still hold; only streaming the data member
			// (datahash) finds it, after the layer has started.
			b, _ := os.ReadFile(f.apks[1])
			b[len(b)-5] ^= 0xff
			ltWrite(t, f.apks[1], b)
			l, _ := lock.Read(f.lock)
			l.Architectures["x86_64"].Packages[1].SHA256 = ltSHA256(b)
			if err := lock.Write(f.lock, l); err != nil {
				t.Fatal(err)
			}
			return nil
		}, wantErr: []string{"layer for x86_64: ", "hello-2.12-r1.apk"}},
		{name: "untrusted key, lock edited to match", prepare: func(t *testing.T, f *lockFixture) []string {
			pem := apkbuild.PublicKeyPEM(apkbuild.TestKey(1))
			ltWrite(t, f.key, pem)
			l, _ := lock.Read(f.lock)
			l.Keyring[0].PEM, l.Keyring[0].SHA256 = string(pem), ltSHA256(pem)
			if err := lock.Write(f.lock, l); err != nil {
				t.Fatal(err)
			}
			return nil
		}, wantErr: []string{"musl-1.2.5-r0.apk for musl-1.2.5-r0 (x86_64): ", "bad RSA signature by trusted key " + locktest.KeyName}},
		{name: "key file differs from the lock", prepare: func(t *testing.T, f *lockFixture) []string {
			ltWrite(t, f.key, apkbuild.PublicKeyPEM(apkbuild.TestKey(1)))
			return nil
		}, wantErr: []string{"key file ", locktest.KeyName + ": sha256 ", "differs from the lock's", "re-fetch the key or re-lock"}},
		{name: "key not in the lock", prepare: func(t *testing.T, f *lockFixture) []string {
			other := filepath.Join(f.dir, "other.rsa.pub")
			ltWrite(t, other, apkbuild.PublicKeyPEM(apkbuild.TestKey(1)))
			return []string{"--key", other}
		}, wantErr: []string{"other.rsa.pub: the lock's keyring has no key other.rsa.pub"}},
		{name: "packages out of order", prepare: func(t *testing.T, f *lockFixture) []string {
			f.apks[0], f.apks[1] = f.apks[1], f.apks[0]
			return nil
		}, wantErr: []string{"hello-2.12-r1.apk for musl-1.2.5-r0 (x86_64): size "}},
		{name: "package missing", prepare: func(t *testing.T, f *lockFixture) []string {
			f.apks = f.apks[:2]
			return nil
		}, wantErr: []string{"got 2 package files for x86_64, the lock has 3 (musl-1.2.5-r0.apk hello-2.12-r1.apk hello-doc-2.12-r1.apk)"}},
		{name: "unknown arch", prepare: func(t *testing.T, f *lockFixture) []string {
			return []string{"--apk-arch", "s390x"}
		}, wantErr: []string{"has no architecture s390x (it has x86_64, aarch64)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newLockFixture(t)
			extra := tc.prepare(t, f)
			outDir := t.TempDir()
			out, meta := filepath.Join(outDir, "layer.tar.gz"), filepath.Join(outDir, "meta.json")
			err := layerMain(f.layerArgs(out, meta, extra...))
			if err == nil {
				t.Fatal("layer succeeded")
			}
			msg := err.Error()
			rest := msg
			for _, w := range tc.wantErr {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("error lacks %q (in order):\n%s", w, msg)
				}
				rest = rest[i+len(w):]
			}
			ltAssertFiles(t, outDir)
		})
	}
}

func ltAssertFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, e := range ents {
		got = append(got, e.Name())
	}
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%s holds %v, want %v", dir, got, want)
	}
}

func ltTarNames(t *testing.T, gz []byte) []string {
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, strings.TrimPrefix(h.Name, "./"))
	}
}

func ltContains(list []string, s string) bool {
	for _, x := range list {
		if x == s || x == s+"/" {
			return true
		}
	}
	return false
}

func ltSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func ltItoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
