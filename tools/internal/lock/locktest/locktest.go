// Package locktest serves a small signed Alpine repository over HTTP for
// tests of locking and of what consumes locks: real packages and indexes
// written by apkbuild, a key file, and hooks to tamper with what is served.
package locktest

import (
	"archive/tar"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// KeyName is the file name of the repository's signing key.
const KeyName = "test-5f00.rsa.pub"

// Repo is a repository served at URL (".../main") with its key at KeyURL.
// Files maps a path below the server root ("main/x86_64/musl-1.2.5-r0.apk",
// "keys/<KeyName>") to its content; tests may replace entries with Set.
type Repo struct {
	URL    string
	KeyURL string
	Signer apkbuild.Signer
	PEM    []byte

	mu    sync.Mutex
	files map[string][]byte
}

// Specs is the default world: "hello" depends on musl; musl-utils-data is
// noarch. Built per arch with the arch filled in.
func Specs(arch string) []apkbuild.Spec {
	loader := "ld-musl-" + arch + ".so.1"
	return []apkbuild.Spec{
		{Info: pkginfo.Info{Name: "musl", Version: "1.2.5-r0", Arch: arch, License: "MIT", Origin: "musl",
			Description: "the musl c library", URL: "https://musl.example/", BuildDate: 1700000000,
			Provides: []string{"so:libc.musl-" + arch + ".so.1=1"}},
			Files: []apkbuild.File{
				{Name: "lib", Type: tar.TypeDir},
				{Name: "lib/" + loader, Mode: 0o755, Body: []byte("loader for " + arch)},
				{Name: "lib/libc.musl-" + arch + ".so.1", Type: tar.TypeSymlink, Linkname: loader},
			}},
		{Info: pkginfo.Info{Name: "hello", Version: "2.12-r1", Arch: arch, License: "GPL-3.0-or-later", Origin: "hello",
			Description: "says hello", BuildDate: 1700000100, Depends: []string{"so:libc.musl-" + arch + ".so.1"}},
			Files: []apkbuild.File{
				{Name: "usr", Type: tar.TypeDir}, {Name: "usr/bin", Type: tar.TypeDir},
				{Name: "usr/bin/hello", Mode: 0o755, Body: []byte("#!hello " + arch)},
			}},
		{Info: pkginfo.Info{Name: "hello-doc", Version: "2.12-r1", Arch: "noarch", License: "GPL-3.0-or-later", Origin: "hello",
			Description: "hello's manual", BuildDate: 1700000100},
			Files: []apkbuild.File{
				{Name: "usr", Type: tar.TypeDir}, {Name: "usr/share", Type: tar.TypeDir},
				{Name: "usr/share/hello.txt", Body: []byte("manual")},
			}},
	}
}

// NewRepo builds Specs(arch) for each arch, signs packages and indexes with
// apkbuild.TestSigner(0, KeyName) and serves them until the test ends.
func NewRepo(t testing.TB, archs ...string) *Repo {
	t.Helper()
	r := &Repo{Signer: apkbuild.TestSigner(0, KeyName), files: map[string][]byte{}}
	r.PEM = apkbuild.PublicKeyPEM(r.Signer.Key)
	r.files["keys/"+KeyName] = r.PEM
	for _, arch := range archs {
		var recs []apkindex.Record
		for _, s := range Specs(arch) {
			apk, err := apkbuild.Build(s, r.Signer)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := apkbuild.IndexEntry(apk)
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, rec)
			r.files["main/"+arch+"/"+s.Info.Name+"-"+s.Info.Version+".apk"] = apk
		}
		r.SetIndex(t, arch, recs, r.Signer)
	}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/main"
	r.KeyURL = srv.URL + "/keys/" + KeyName
	return r
}

// SetIndex replaces arch's index with one of recs signed by signers.
func (r *Repo) SetIndex(t testing.TB, arch string, recs []apkindex.Record, signers ...apkbuild.Signer) {
	t.Helper()
	idx, err := apkbuild.BuildIndex("test repository", recs, signers...)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("main/"+arch+"/APKINDEX.tar.gz", idx)
}

// Records returns the index records of arch's packages as NewRepo built them.
func (r *Repo) Records(t testing.TB, arch string) []apkindex.Record {
	t.Helper()
	var recs []apkindex.Record
	for _, s := range Specs(arch) {
		rec, err := apkbuild.IndexEntry(r.File("main/" + arch + "/" + s.Info.Name + "-" + s.Info.Version + ".apk"))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	return recs
}

// Set serves b at path; nil removes the file (404).
func (r *Repo) Set(path string, b []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b == nil {
		delete(r.files, path)
		return
	}
	r.files[path] = b
}

// File returns what is served at path, or nil.
func (r *Repo) File(path string) []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.files[path]
}

func (r *Repo) serve(w http.ResponseWriter, req *http.Request) {
	p := strings.TrimPrefix(req.URL.Path, "/")
	r.mu.Lock()
	b, ok := r.files[p]
	r.mu.Unlock()
	if !ok {
		http.NotFound(w, req)
		return
	}
	w.Write(b)
}
