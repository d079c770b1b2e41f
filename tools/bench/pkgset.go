package main

import (
	"archive/tar"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// genVersion names the generator; bump it when the generated content
// changes so cached package sets are rebuilt. The lock schema version is
// part of the cache's name too, so a new schema never reads an old lock.
const genVersion = "v1"

// pkgSize is the installed size of one generated package: 500 MB gives
// about 300 packages.
const pkgSize = 1_660_000

const keyName = "bench.rsa.pub"

// pkgSet is a generated, signed package set with its lock.
type pkgSet struct {
	dir   string   // holds apk/, lock.json, bench.rsa.pub
	size  int64    // requested installed bytes
	apks  []string // paths in install order
	lock  string
	key   string
	names []string
}

// packageSet returns the set of the given installed size, generating it
// into e.work unless a complete one is cached there. The content is fixed
// by size and genVersion; signatures differ between generations because
// the key is new each time, which does not affect any measurement.
func (e *env) packageSet(size int64) (*pkgSet, error) {
	dir := filepath.Join(e.work, fmt.Sprintf("set-%s-lock%d-%d", genVersion, lock.SchemaVersion, size))
	n := int(size / pkgSize)
	if n < 4 {
		n = 4
	}
	s := &pkgSet{dir: dir, size: size, lock: filepath.Join(dir, "lock.json"), key: filepath.Join(dir, keyName)}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("bench-%04d", i)
		s.names = append(s.names, name)
		s.apks = append(s.apks, filepath.Join(dir, "apk", name+"-1.0-r0.apk"))
	}
	if _, err := os.Stat(filepath.Join(dir, "complete")); err == nil {
		return s, nil
	}
	e.log("generating %d packages (%d MB installed) in %s", n, size/1e6, dir)
	os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Join(dir, "apk"), 0o755); err != nil {
		return nil, err
	}
	key, err := apkbuild.GenerateKey(2048)
	if err != nil {
		return nil, err
	}
	pem := apkbuild.PublicKeyPEM(key)
	if err := os.WriteFile(s.key, pem, 0o644); err != nil {
		return nil, err
	}
	locked, err := buildAll(s, key, size/int64(n))
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(pem)
	repo := "file:///bench/repo"
	l := &lock.Lock{
		Version:       lock.SchemaVersion,
		Config:        lock.LockConfig{Architectures: []string{"x86_64"}, Packages: s.names},
		Keyring:       []lock.Key{{Name: keyName, PEM: string(pem), SHA256: hex.EncodeToString(sum[:]), URL: "file:///bench/keys/" + keyName}},
		Repositories:  []lock.Repository{{URL: repo, Mirrors: []string{}}},
		Architectures: map[string]lock.Arch{"x86_64": {Packages: locked}},
	}
	if err := lock.Write(s.lock, l); err != nil {
		return nil, err
	}
	return s, os.WriteFile(filepath.Join(dir, "complete"), nil, 0o644)
}

// buildAll builds and writes the packages on all processors.
func buildAll(s *pkgSet, key *rsa.PrivateKey, each int64) ([]lock.Package, error) {
	locked := make([]lock.Package, len(s.apks))
	errs := make([]error, len(s.apks))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				locked[i], errs[i] = buildOne(s, i, key, each)
			}
		}()
	}
	for i := range s.apks {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return locked, nil
}

func buildOne(s *pkgSet, i int, key *rsa.PrivateKey, size int64) (lock.Package, error) {
	name := s.names[i]
	spec := apkbuild.Spec{
		Info: pkginfo.Info{Name: name, Version: "1.0-r0", Arch: "x86_64", Description: "generated benchmark package",
			License: "MIT", Origin: name, BuildDate: 1700000000},
		Files: contents(name, uint64(i), size),
	}
	apk, err := apkbuild.Build(spec, apkbuild.Signer{KeyName: keyName, Key: key, Alg: "RSA256"})
	if err != nil {
		return lock.Package{}, err
	}
	rec, err := apkbuild.IndexEntry(apk)
	if err != nil {
		return lock.Package{}, err
	}
	if err := os.WriteFile(s.apks[i], apk, 0o644); err != nil {
		return lock.Package{}, err
	}
	sum := sha256.Sum256(apk)
	return lock.Package{Arch: "x86_64", Checksum: rec.Checksum, Name: name, Repository: "file:///bench/repo",
		SHA256: hex.EncodeToString(sum[:]), Size: int64(len(apk)),
		URL: "file:///bench/repo/x86_64/" + filepath.Base(s.apks[i]), Version: "1.0-r0"}, nil
}

// contents makes one package's files, about size bytes: 35% in many small
// text files, 35% in a large text-like file, 30% in a large random one
// (already-compressed data such as images or archives).
func contents(name string, seed uint64, size int64) []apkbuild.File {
	g := &gen{s: seed*0x9e3779b97f4a7c15 + 1}
	dir := "usr/share/" + name + "/"
	files := []apkbuild.File{
		{Name: "usr/", Type: tar.TypeDir}, {Name: "usr/share/", Type: tar.TypeDir},
		{Name: "usr/lib/", Type: tar.TypeDir}, {Name: dir, Type: tar.TypeDir},
	}
	small := size * 35 / 100
	for k := 0; small > 0; k++ {
		n := int64(100 + g.next()%16000)
		if n > small {
			n = small
		}
		files = append(files, apkbuild.File{Name: fmt.Sprintf("%sdoc-%04d.txt", dir, k), Body: g.text(int(n))})
		small -= n
	}
	files = append(files,
		apkbuild.File{Name: "usr/lib/lib" + name + ".so.1", Mode: 0o755, Body: g.text(int(size * 35 / 100))},
		apkbuild.File{Name: dir + "data.bin", Body: g.random(int(size * 30 / 100))})
	return files
}

// gen is a SplitMix64 generator: fixed output for a seed on every Go version.
type gen struct{ s uint64 }

func (g *gen) next() uint64 {
	g.s += 0x9e3779b97f4a7c15
	z := g.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

var words = strings.Fields(`the of and to in is for that with on as musl libc apk alpine
	static const return func package import error string int64 uint32 struct /usr/lib /etc
	x86_64 aarch64 0x0000 0xffff = { } ( ) ; , . :`)

func (g *gen) text(n int) []byte {
	out := make([]byte, 0, n+16)
	for len(out) < n {
		out = append(out, words[g.next()%uint64(len(words))]...)
		if g.next()%12 == 0 {
			out = append(out, '\n')
		} else {
			out = append(out, ' ')
		}
	}
	return out[:n]
}

func (g *gen) random(n int) []byte {
	out := make([]byte, (n+7)&^7)
	for i := 0; i < len(out); i += 8 {
		binary.LittleEndian.PutUint64(out[i:], g.next())
	}
	return out[:n]
}

// tree extracts the set's files into a directory tree for the baseline,
// once; it returns the tree's path.
func (s *pkgSet) tree() (string, error) {
	dir := filepath.Join(s.dir, "tree")
	done := filepath.Join(s.dir, "tree.complete")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	os.RemoveAll(dir)
	kr, err := keyring.FromFiles([]string{s.key})
	if err != nil {
		return "", err
	}
	for _, path := range s.apks {
		if err := extract(path, dir, kr); err != nil {
			return "", fmt.Errorf("extracting %s: %w", path, err)
		}
	}
	return dir, os.WriteFile(done, nil, 0o644)
}

func extract(path, dir string, kr *keyring.Keyring) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	p, err := apkfile.Open(f, path, kr, apkfile.Options{})
	if err != nil {
		return err
	}
	for {
		h, err := p.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := writeFile(target, p, os.FileMode(h.Mode)&0o777); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: unexpected entry type %q", h.Name, h.Typeflag)
		}
	}
}

func writeFile(path string, r io.Reader, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
