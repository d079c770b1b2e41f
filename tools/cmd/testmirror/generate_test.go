package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"debug/elf"
	"encoding/hex"
	"encoding/pem"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/platform"
)

func digests(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestGenerateIsDeterministic(t *testing.T) {
	first, names := sharedMirror(t)
	second := filepath.Join(t.TempDir(), "again")
	if err := generateInto(second, names); err != nil {
		t.Fatal(err)
	}
	a, b := digests(t, first), digests(t, second)
	if len(a) == 0 {
		t.Fatal("the mirror is empty")
	}
	for name, sum := range a {
		if b[name] != sum {
			t.Errorf("%s differs between two runs: %s vs %s", name, sum, b[name])
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			t.Errorf("%s only in the second run", name)
		}
	}
}

// wantPackages lists each arch's packages.
func wantPackages(a string, hello bool) []string {
	p := []string{"alpine-baselayout-data-3.6.8-r0", "ca-certificates-bundle-20241121-r0", "docs-0.2-r0"}
	if hello {
		p = append(p, "hello-1.0-r0", "hello-doc-1.0-r0")
	}
	p = append(p, "musl-1.2.3-r0")
	if a == busyboxArch && testBusybox() != "none" {
		p = append(p, "busybox-"+busyboxKeptList, "busybox-"+busyboxPathsDList)
	}
	sort.Strings(p)
	return p
}

func clangAvailable() bool {
	_, err1 := exec.LookPath("clang")
	_, err2 := exec.LookPath("ld.lld")
	return err1 == nil && err2 == nil
}

// TestIndexesAndPackagesVerify checks every index and package with the
// project's own readers and the published key, and that each index lists
// exactly the packages next to it with their real size and Q1.
func TestIndexesAndPackagesVerify(t *testing.T) {
	dir, names := sharedMirror(t)
	kr, err := keyring.LoadDir(filepath.Join(dir, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	if got := kr.Names(); len(got) != 1 || got[0] != KeyName {
		t.Fatalf("keys/ holds %v, want [%s]", got, KeyName)
	}
	for _, a := range names {
		t.Run(a, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, a, "APKINDEX.tar.gz"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			idx, err := apkindex.Read(f, a+"/APKINDEX.tar.gz", kr)
			if err != nil {
				t.Fatal(err)
			}
			if idx.SignedBy != KeyName {
				t.Errorf("index signed by %q, want %q", idx.SignedBy, KeyName)
			}
			var got []string
			for _, r := range idx.Records {
				got = append(got, r.Name+"-"+r.Version)
				if r.Arch != a {
					t.Errorf("%s: arch %q, want %q", r.Name, r.Arch, a)
				}
				path := filepath.Join(dir, a, r.Name+"-"+r.Version+".apk")
				sum, err := apkfile.Verify(path, kr, apkfile.Options{})
				if err != nil {
					t.Errorf("%s: %v", r.Name, err)
					continue
				}
				st, _ := os.Stat(path)
				if sum.Checksum != r.Checksum || st.Size() != r.Size || sum.SignedBy != KeyName {
					t.Errorf("%s: index says C=%s S=%d, file has %s %d signed by %s", r.Name, r.Checksum, r.Size, sum.Checksum, st.Size(), sum.SignedBy)
				}
				if sum.Info.BuildDate != buildDate || sum.Info.License == "" || sum.Info.Origin == "" || sum.Info.Maintainer == "" || sum.Info.URL == "" {
					t.Errorf("%s: missing metadata: %+v", r.Name, sum.Info)
				}
			}
			want := wantPackages(a, clangAvailable())
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("index lists %v, want %v", got, want)
			}
			apks, _ := filepath.Glob(filepath.Join(dir, a, "*.apk"))
			if len(apks) != len(idx.Records) {
				t.Errorf("%d .apk files but %d index records", len(apks), len(idx.Records))
			}
		})
	}
}

// entries returns the data entries of a verified package, content by name.
func entries(t *testing.T, path string) (map[string][]byte, map[string]*entryHeader) {
	t.Helper()
	kr, err := keyring.LoadDir(filepath.Join(filepath.Dir(filepath.Dir(path)), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := apkfile.Open(f, path, kr, apkfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	bodies, hdrs := map[string][]byte{}, map[string]*entryHeader{}
	for {
		h, err := p.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		bodies[h.Name] = b
		hdrs[h.Name] = &entryHeader{Mode: h.Mode, Link: h.Linkname, Type: h.Typeflag}
	}
	return bodies, hdrs
}

type entryHeader struct {
	Mode int64
	Link string
	Type byte
}

func TestMuslCarriesTheRealLoader(t *testing.T) {
	dir, names := sharedMirror(t)
	for _, name := range names {
		a, _ := archByName(name)
		t.Run(name, func(t *testing.T) {
			bodies, hdrs := entries(t, filepath.Join(dir, name, "musl-1.2.3-r0.apk"))
			loader := "lib/ld-musl-" + a.Loader + ".so.1"
			if h := hdrs[loader]; h == nil || h.Mode != 0o755 {
				t.Fatalf("%s missing or not 0755: %+v", loader, h)
			}
			link := "lib/libc.musl-" + name + ".so.1"
			if h := hdrs[link]; h == nil || h.Link != "ld-musl-"+a.Loader+".so.1" {
				t.Errorf("%s should be a symlink to the loader: %+v", link, h)
			}
			body := bodies[loader]
			ef, err := elf.NewFile(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s is not an ELF: %v", loader, err)
			}
			if ef.Machine != a.ELFMachine || ef.Type != elf.ET_DYN {
				t.Errorf("%s: machine %v type %v, want %v ET_DYN", loader, ef.Machine, ef.Type, a.ELFMachine)
			}
		})
	}
}

func TestBaselayoutAndCA(t *testing.T) {
	dir, _ := sharedMirror(t)
	bodies, hdrs := entries(t, filepath.Join(dir, "x86_64", "alpine-baselayout-data-3.6.8-r0.apk"))
	osr := string(bodies["etc/os-release"])
	for _, want := range []string{"ID=alpine\n", "VERSION_ID=3.21.0\n", `NAME="Alpine Linux"`, "musl-dynamic test mirror"} {
		if !strings.Contains(osr, want) {
			t.Errorf("os-release lacks %q:\n%s", want, osr)
		}
	}
	if got := string(bodies["etc/alpine-release"]); got != "3.21.0\n" {
		t.Errorf("alpine-release = %q", got)
	}
	if !strings.HasPrefix(string(bodies["etc/passwd"]), "root:x:0:0:root:/root:/bin/sh\n") ||
		!strings.Contains(string(bodies["etc/passwd"]), "nobody:x:65534:65534:nobody:/:/sbin/nologin\n") {
		t.Errorf("passwd:\n%s", bodies["etc/passwd"])
	}
	if h := hdrs["etc/shadow"]; h == nil || h.Mode != 0o640 {
		t.Errorf("etc/shadow should be 0640: %+v", h)
	}
	if h := hdrs["root/"]; h == nil || h.Mode != 0o700 {
		t.Errorf("root/ should be 0700: %+v", h)
	}

	bodies, hdrs = entries(t, filepath.Join(dir, "x86_64", "ca-certificates-bundle-20241121-r0.apk"))
	if h := hdrs["etc/ssl/cert.pem"]; h == nil || h.Link != "certs/ca-certificates.crt" {
		t.Errorf("etc/ssl/cert.pem should link to certs/ca-certificates.crt: %+v", h)
	}
	block, _ := pem.Decode(bodies["etc/ssl/certs/ca-certificates.crt"])
	if block == nil {
		t.Fatal("the CA bundle holds no PEM block")
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.IsCA || !strings.Contains(cert.Subject.CommonName, "test CA") {
		t.Errorf("CA bundle holds %q (CA %v), want the musl-dynamic test CA", cert.Subject, cert.IsCA)
	}
}

// TestHelloRuns unpacks musl and hello into a root and runs hello under
// qemu with that root as its library prefix: the loader and the link in
// the packages are what make it start.
func TestHelloRuns(t *testing.T) {
	if !clangAvailable() {
		t.Skip("clang and ld.lld are not installed, so the mirror has no hello: run tools/setup.sh")
	}
	dir, names := sharedMirror(t)
	for _, name := range names {
		a, _ := archByName(name)
		t.Run(name, func(t *testing.T) {
			root := t.TempDir()
			for _, pkg := range []string{"musl-1.2.3-r0", "hello-1.0-r0"} {
				bodies, hdrs := entries(t, filepath.Join(dir, name, pkg+".apk"))
				for n, h := range hdrs {
					p := filepath.Join(root, n)
					switch h.Type {
					case tar.TypeDir:
						os.MkdirAll(p, 0o755)
					case tar.TypeSymlink:
						os.MkdirAll(filepath.Dir(p), 0o755)
						if err := os.Symlink(h.Link, p); err != nil {
							t.Fatal(err)
						}
					default:
						os.MkdirAll(filepath.Dir(p), 0o755)
						if err := os.WriteFile(p, bodies[n], os.FileMode(h.Mode)); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			hello := filepath.Join(root, "usr", "bin", "hello")
			ef, err := elf.Open(hello)
			if err != nil {
				t.Fatal(err)
			}
			interp := ""
			for _, p := range ef.Progs {
				if p.Type == elf.PT_INTERP {
					b, _ := io.ReadAll(p.Open())
					interp = strings.TrimRight(string(b), "\x00")
				}
			}
			libs, _ := ef.ImportedLibraries()
			ef.Close()
			if interp != "/lib/ld-musl-"+a.Loader+".so.1" || strings.Join(libs, " ") != "libc.musl-"+name+".so.1" {
				t.Errorf("hello: interpreter %q, needs %v", interp, libs)
			}
			qemu, err := exec.LookPath(a.QEMU)
			if err != nil {
				t.Skipf("%s not installed: run tools/setup.sh", a.QEMU)
			}
			// armhf runs on an emulated ARM1176 (ARMv6): an ARMv7 or
			// Thumb-2 instruction in hello or the loader stops it.
			args := []string{"-L", root, hello}
			if a.QEMUCPU != "" {
				args = append([]string{"-cpu", a.QEMUCPU}, args...)
			}
			out, err := exec.Command(qemu, args...).CombinedOutput()
			if err != nil {
				t.Fatalf("%s %v: %v\n%s", qemu, args, err, out)
			}
			if want := "hello from musl-dynamic (" + name + ")\n"; string(out) != want {
				t.Errorf("hello printed %q, want %q", out, want)
			}
		})
	}
}

// The mirror serves every platform of the image (the platform table), in
// the table's order.
func TestArchTableMatchesTheImage(t *testing.T) {
	var names []string
	for _, p := range platform.All {
		names = append(names, p.APKArch)
	}
	if got, want := allArches(), strings.Join(names, ","); got != want {
		t.Errorf("arches %s, want %s", got, want)
	}
	if _, err := generate(genOptions{Arches: []string{"mips"}, Hello: "none", Busybox: "none"}); err == nil || !strings.Contains(err.Error(), "unknown arch") {
		t.Errorf("generate with an unknown arch: %v", err)
	}
	if _, err := generate(genOptions{Sysroots: t.TempDir(), Arches: []string{"x86_64"}, Hello: "none", Busybox: "none"}); err == nil || !strings.Contains(err.Error(), "tools/setup.sh") {
		t.Errorf("generate without sysroots should point at tools/setup.sh: %v", err)
	}
}

func TestWriteTreeRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "precious"), []byte("x"), 0o644)
	err := writeTree(dir, map[string][]byte{"keys/" + KeyName: []byte("k")})
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Fatalf("writeTree over a foreign directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious")); err != nil {
		t.Fatal("the foreign directory was touched")
	}
}

// --bump changes exactly one package of one arch (and that arch's index).
func TestGenerateBump(t *testing.T) {
	base, names := sharedMirror(t)
	if !strings.Contains(","+strings.Join(names, ",")+",", ",x86_64,") {
		t.Skip("no x86_64 loader")
	}
	files, err := generate(genOptions{Sysroots: defaultSysroots(), Arches: names, Hello: "auto",
		Busybox: testBusybox(), Bump: "x86_64/ca-certificates-bundle"})
	if err != nil {
		t.Fatal(err)
	}
	bumped := filepath.Join(t.TempDir(), "bumped")
	if err := writeTree(bumped, files); err != nil {
		t.Fatal(err)
	}
	a, b := digests(t, base), digests(t, bumped)
	var changed []string
	for name, sum := range b {
		if a[name] != sum {
			changed = append(changed, name)
		}
	}
	for name := range a {
		if _, ok := b[name]; !ok {
			changed = append(changed, name)
		}
	}
	sort.Strings(changed)
	want := []string{"x86_64/APKINDEX.tar.gz", "x86_64/ca-certificates-bundle-20241121-r0.apk", "x86_64/ca-certificates-bundle-20241121-r1.apk"}
	if strings.Join(changed, " ") != strings.Join(want, " ") {
		t.Errorf("files that differ: %v, want %v", changed, want)
	}
	for _, bad := range []string{"x86_64/nope", "nope/musl", "x86_64"} {
		if _, err := generate(genOptions{Sysroots: defaultSysroots(), Arches: []string{"x86_64"}, Hello: "none", Busybox: "none", Bump: bad}); err == nil {
			t.Errorf("--bump %s: no error", bad)
		}
	}
}
