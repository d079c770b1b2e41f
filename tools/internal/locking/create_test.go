package locking_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/fetch"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/locking"
)

func client() *fetch.Client {
	return &fetch.Client{Attempts: 2, Backoff: time.Millisecond, Timeout: 5 * time.Second}
}

func config(r *locktest.Repo, archs ...string) lock.Config {
	return lock.Config{
		Architectures: archs,
		Keyring:       []string{r.KeyURL},
		Packages:      []string{"hello", "hello-doc"},
		Repositories:  []lock.RepoConfig{{URL: r.URL}},
	}
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// want is the lock expected for the default repository: install order
// musl, hello, hello-doc; digests of the bytes served.
func want(t *testing.T, r *locktest.Repo, archs ...string) *lock.Lock {
	l := &lock.Lock{
		Architectures: map[string]lock.Arch{},
		Config:        lock.LockConfig{Architectures: archs, Packages: []string{"hello", "hello-doc"}},
		Keyring: []lock.Key{{Name: locktest.KeyName, PEM: string(r.PEM), SHA256: hexSHA256(r.PEM),
			URL: r.KeyURL}},
		Repositories: []lock.Repository{{URL: r.URL, Mirrors: []string{}}},
		Version:      2,
	}
	l.InputsSHA256 = l.Inputs().SHA256()
	for _, arch := range archs {
		recs := r.Records(t, arch)
		var ps []lock.Package
		for _, i := range []int{0, 1, 2} { // musl, hello, hello-doc
			rec := recs[i]
			path := "main/" + arch + "/" + rec.Name + "-" + rec.Version + ".apk"
			apk := r.File(path)
			ps = append(ps, lock.Package{Arch: rec.Arch, Checksum: rec.Checksum, Name: rec.Name,
				Repository: r.URL, SHA256: hexSHA256(apk), Size: int64(len(apk)),
				URL: r.URL + "/" + arch + "/" + rec.Name + "-" + rec.Version + ".apk", Version: rec.Version})
		}
		l.Architectures[arch] = lock.Arch{Packages: ps}
	}
	return l
}

func TestCreate(t *testing.T) {
	r := locktest.NewRepo(t, "x86_64", "aarch64")
	var log bytes.Buffer
	got, err := locking.Create(context.Background(), config(r, "x86_64", "aarch64"), client(), &log)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	w := want(t, r, "x86_64", "aarch64")
	if !reflect.DeepEqual(got, w) {
		gb, _ := got.Marshal()
		wb, _ := w.Marshal()
		t.Fatalf("Create =\n%s\nwant\n%s", gb, wb)
	}
	if got.Architectures["x86_64"].Packages[2].Arch != "noarch" {
		t.Errorf("hello-doc should be locked as noarch")
	}
	for _, line := range []string{"lock: x86_64: resolved 3 packages\n", "lock: aarch64: resolved 3 packages\n"} {
		if !strings.Contains(log.String(), line) {
			t.Errorf("log lacks %q:\n%s", line, log.String())
		}
	}
	// The lock passes its own validation and survives a round trip.
	b, err := got.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := lock.Parse(b)
	if err != nil {
		t.Fatalf("Parse(Marshal(lock)): %v", err)
	}
	if !reflect.DeepEqual(back, got) {
		t.Errorf("round trip changed the lock")
	}
}

func TestCreateMirror(t *testing.T) {
	r := locktest.NewRepo(t, "x86_64")
	broken := locktest.NewRepo(t) // serves nothing for x86_64: 404 everywhere
	cfg := config(r, "x86_64")
	cfg.Repositories = []lock.RepoConfig{{URL: broken.URL, Mirrors: []string{r.URL}}}
	got, err := locking.Create(context.Background(), cfg, client(), nil)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	p := got.Architectures["x86_64"].Packages[0]
	// The lock names the primary URL: mirrors are listed with the repository.
	if p.URL != broken.URL+"/x86_64/musl-1.2.5-r0.apk" || p.Repository != broken.URL {
		t.Errorf("package = %+v, want the primary repository's URL", p)
	}
	wantURLs := []string{broken.URL + "/x86_64/musl-1.2.5-r0.apk", r.URL + "/x86_64/musl-1.2.5-r0.apk"}
	if urls := got.URLs("x86_64", p); !reflect.DeepEqual(urls, wantURLs) {
		t.Errorf("URLs = %v, want %v", urls, wantURLs)
	}
	if p.SHA256 != hexSHA256(r.File("main/x86_64/musl-1.2.5-r0.apk")) {
		t.Errorf("sha256 is not that of the mirror's file")
	}
}

func TestCreateErrors(t *testing.T) {
	other := apkbuild.TestSigner(1, locktest.KeyName) // same name, different key
	tests := []struct {
		name    string
		tamper  func(t *testing.T, r *locktest.Repo)
		cfg     func(c *lock.Config)
		wantErr []string
	}{
		{name: "architecture missing",
			cfg:     func(c *lock.Config) { c.Architectures = []string{"x86_64", "s390x"} },
			wantErr: []string{"architecture s390x is not in repository ", "/main/s390x/APKINDEX.tar.gz was not found; remove s390x from the architectures"}},
		{name: "index signed by another key",
			tamper: func(t *testing.T, r *locktest.Repo) {
				r.SetIndex(t, "x86_64", r.Records(t, "x86_64"), other)
			},
			wantErr: []string{"x86_64: index ", "/main/x86_64/APKINDEX.tar.gz: ", "bad RSA signature by trusted key " + locktest.KeyName}},
		{name: "unsigned index",
			tamper: func(t *testing.T, r *locktest.Repo) {
				r.SetIndex(t, "x86_64", r.Records(t, "x86_64"))
			},
			wantErr: []string{"x86_64: index ", "unsigned"}},
		{name: "package signed by another key",
			tamper: func(t *testing.T, r *locktest.Repo) {
				s := locktest.Specs("x86_64")[0]
				apk, err := apkbuild.Build(s, other)
				if err != nil {
					t.Fatal(err)
				}
				r.Set("main/x86_64/musl-1.2.5-r0.apk", apk)
				recs := r.Records(t, "x86_64") // index agrees with the file: only the signature is wrong
				r.SetIndex(t, "x86_64", recs, r.Signer)
			},
			wantErr: []string{"x86_64: package musl-1.2.5-r0.apk from ", "/main/x86_64/musl-1.2.5-r0.apk: ", "bad RSA signature", "retry later or use another mirror"}},
		{name: "Q1 differs from the index",
			tamper: func(t *testing.T, r *locktest.Repo) {
				recs := r.Records(t, "x86_64")
				recs[0].Checksum = recs[1].Checksum
				r.SetIndex(t, "x86_64", recs, r.Signer)
			},
			wantErr: []string{"x86_64: package musl-1.2.5-r0.apk from ", "checksum Q1", "differs from the index's Q1"}},
		{name: "size differs from the index",
			tamper: func(t *testing.T, r *locktest.Repo) {
				recs := r.Records(t, "x86_64")
				recs[1].Size++
				r.SetIndex(t, "x86_64", recs, r.Signer)
			},
			wantErr: []string{"x86_64: package hello-2.12-r1.apk from ", "differs from the index's"}},
		{name: "wrong arch in the index",
			tamper: func(t *testing.T, r *locktest.Repo) {
				recs := r.Records(t, "aarch64")
				r.SetIndex(t, "x86_64", recs, r.Signer)
				for _, rec := range recs {
					r.Set("main/x86_64/"+rec.Name+"-"+rec.Version+".apk", r.File("main/aarch64/"+rec.Name+"-"+rec.Version+".apk"))
				}
			},
			wantErr: []string{"x86_64: package musl-1.2.5-r0.apk from ", `the index says arch "aarch64", want x86_64 or noarch`}},
		{name: "package missing",
			tamper:  func(t *testing.T, r *locktest.Repo) { r.Set("main/x86_64/hello-2.12-r1.apk", nil) },
			wantErr: []string{"x86_64: package hello-2.12-r1.apk: download failed", "HTTP 404 Not Found (1 attempt)"}},
		{name: "unsatisfiable",
			cfg:     func(c *lock.Config) { c.Packages = []string{"hello", "nosuch"} },
			wantErr: []string{"x86_64: resolving [hello nosuch]: ", "nosuch"}},
		{name: "key missing",
			tamper:  func(t *testing.T, r *locktest.Repo) { r.Set("keys/"+locktest.KeyName, nil) },
			wantErr: []string{"fetching key: download failed", "/keys/" + locktest.KeyName + ": HTTP 404"}},
		{name: "key is not PEM",
			tamper:  func(t *testing.T, r *locktest.Repo) { r.Set("keys/"+locktest.KeyName, []byte("<html>")) },
			wantErr: []string{"key from ", "check that the URL serves the PEM key file"}},
		{name: "bad config",
			cfg:     func(c *lock.Config) { c.Architectures = []string{"amd64"} },
			wantErr: []string{`lock configuration: architectures: unknown architecture "amd64": use apk architecture names`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := locktest.NewRepo(t, "x86_64", "aarch64")
			if tc.tamper != nil {
				tc.tamper(t, r)
			}
			cfg := config(r, "x86_64")
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			l, err := locking.Create(context.Background(), cfg, client(), nil)
			if err == nil {
				t.Fatalf("Create succeeded: %+v", l)
			}
			assertErr(t, err, tc.wantErr...)
		})
	}
}

// assertErr checks that err's message holds each of want, in order.
func assertErr(t *testing.T, err error, want ...string) {
	t.Helper()
	msg := err.Error()
	rest := msg
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("error lacks %q (in order):\n%s", w, msg)
		}
		rest = rest[i+len(w):]
	}
}
