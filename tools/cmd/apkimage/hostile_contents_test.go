package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// hEvil is the x86_64 package name-1-r0 holding files.
func hEvil(name string, files []apkbuild.File, deps ...string) apkbuild.Spec {
	return apkbuild.Spec{Info: pkginfo.Info{Name: name, Version: "1-r0", Arch: "x86_64", License: "MIT",
		Description: "hostile test package", BuildDate: 1700000000, Depends: deps}, Files: files}
}

// withData builds package name-1-r0 whose data member is gz, signed by the
// trusted key with a datahash that matches: only the member's content is
// hostile, every signature and digest holds.
func (e *hEnv) withData(t *testing.T, name string, gz []byte) []byte {
	t.Helper()
	s := hEvil(name, nil)
	sum := sha256.Sum256(gz)
	s.Info.DataHash = hex.EncodeToString(sum[:])
	p, err := apkbuild.BuildParts(s, e.repo.Signer)
	if err != nil {
		t.Fatal(err)
	}
	p.Data = gz
	apk := p.Bytes()
	q1 := sha1.Sum(p.Control)
	hRecords.Store(ltSHA256(apk), apkindex.FromInfo(&p.Info, "Q1"+base64.StdEncoding.EncodeToString(q1[:]), int64(len(apk))))
	return apk
}

// hTar writes entries (content from bodies, by name) as a data tar with
// each regular file's checksum record, as abuild does.
func hTar(t *testing.T, hdrs []tar.Header, bodies map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hdrs {
		h := h
		h.Format = tar.FormatPAX
		if h.Typeflag == tar.TypeReg {
			body := bodies[h.Name]
			h.Size = int64(len(body))
			sum := sha1.Sum([]byte(body))
			h.PAXRecords = map[string]string{apkbuild.ChecksumRecord: hex.EncodeToString(sum[:])}
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(bodies[h.Name])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hLyingSize rewrites the size field of name's USTAR header (and the
// header checksum, so the header itself stays valid).
func hLyingSize(t *testing.T, tarball []byte, name string, size int64) []byte {
	t.Helper()
	out := append([]byte(nil), tarball...)
	for off := 0; off+512 <= len(out); off += 512 {
		blk := out[off : off+512]
		if string(bytes.TrimRight(blk[:100], "\x00")) != name || blk[156] != tar.TypeReg {
			continue
		}
		copy(blk[124:136], fmt.Sprintf("%011o\x00", size))
		apkbuild.SetHeaderChecksum(blk)
		return out
	}
	t.Fatalf("no USTAR header for %s", name)
	return nil
}

var motd = []tar.Header{
	{Name: "etc/", Typeflag: tar.TypeDir, Mode: 0o755},
	{Name: "etc/issue", Typeflag: tar.TypeReg, Mode: 0o644},
	{Name: "etc/motd", Typeflag: tar.TypeReg, Mode: 0o644},
}
var motdBodies = map[string]string{"etc/issue": "Welcome\n", "etc/motd": "hello\n"}

// contentCase is a hostile package "evil" (plus, for some, "a" before it).
// lockWant is nil when locking it succeeds (the lock does not merge
// packages); layerWant is what the layer verb says with the package pinned.
type contentCase struct {
	name      string
	apks      func(t *testing.T, e *hEnv) [][]byte
	lockWant  []string
	layerWant []string
}

func files(f ...apkbuild.File) []apkbuild.File { return f }

var contentCases = []contentCase{
	{name: "dot-dot path",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "../evil", Body: []byte("x")})))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "../evil": unsafe entry name "../evil": contains a ".." component; refusing to install this package`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "../evil": unsafe entry name "../evil": contains a ".." component`}},
	{name: "absolute path",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "/etc/evil", Body: []byte("x")})))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "/etc/evil": unsafe entry name "/etc/evil": absolute`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "/etc/evil": unsafe entry name "/etc/evil": absolute`}},
	{name: "symlink then a file through it",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "lib", Type: tar.TypeSymlink, Linkname: "/etc"},
				apkbuild.File{Name: "lib/shadow", Body: []byte("root::0:0:::::\n")})))}
		},
		layerWant: []string{`layer: package evil-1-r0: entry "lib/shadow" would be written through the symlink /lib -> /etc; the package is hostile or broken, do not install it`}},
	{name: "file through another package's symlink",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("a", files(apkbuild.File{Name: "opt", Type: tar.TypeSymlink, Linkname: "/etc"}))),
				e.signed(t, hEvil("evil", files(apkbuild.File{Name: "opt/passwd", Body: []byte("x")})))}
		},
		layerWant: []string{`layer: package evil-1-r0: entry "opt/passwd" would be written through the symlink /opt -> /etc`}},
	{name: "symlink out of the root",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "usr/x", Type: tar.TypeSymlink, Linkname: "../../../etc"})))}
		},
		layerWant: []string{`layer: package evil-1-r0: entry "usr/x" is a symlink to "../../../etc", outside the root`}},
	{name: "symlink chain out of the root",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "x", Type: tar.TypeSymlink, Linkname: "."},
				apkbuild.File{Name: "y", Type: tar.TypeSymlink, Linkname: "x/x/../../etc"})))}
		},
		layerWant: []string{`layer: package evil-1-r0: entry "y" is a symlink to "x/x/../../etc", which climbs above the root through the symlink /x; the package is hostile or broken, do not install it`}},
	{name: "symlink chain across packages",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("a", files(apkbuild.File{Name: "usr/y", Type: tar.TypeSymlink, Linkname: "d/../../etc"}))),
				e.signed(t, hEvil("evil", files(apkbuild.File{Name: "usr/d", Type: tar.TypeSymlink, Linkname: "/"})))}
		},
		layerWant: []string{`layer: package a-1-r0: entry "usr/y" is a symlink to "d/../../etc", which climbs above the root through the symlink /usr/d`}},
	{name: "hardlink out of the root",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "x", Type: tar.TypeLink, Linkname: "../etc/shadow"})))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "x": hardlink target: unsafe entry name "../etc/shadow": contains a ".." component`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "x": hardlink target: unsafe entry name "../etc/shadow"`}},
	{name: "hardlink to an absolute path",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "x", Type: tar.TypeLink, Linkname: "/etc/shadow"})))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "x": hardlink target: unsafe entry name "/etc/shadow": absolute`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "x": hardlink target: unsafe entry name "/etc/shadow": absolute`}},
	{name: "character device node",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.withData(t, "evil", apkbuild.Gzip(hTar(t, []tar.Header{
				{Name: "dev/", Typeflag: tar.TypeDir, Mode: 0o755},
				{Name: "dev/mem", Typeflag: tar.TypeChar, Mode: 0o666, Devmajor: 1, Devminor: 1}}, nil)))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "dev/mem": unsupported entry type '3' (packages hold files, directories and links)`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "dev/mem": unsupported entry type '3'`}},
	{name: "fifo",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.withData(t, "evil", apkbuild.Gzip(hTar(t, []tar.Header{{Name: "run", Typeflag: tar.TypeFifo, Mode: 0o666}}, nil)))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "run": unsupported entry type '6'`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "run": unsupported entry type '6'`}},
	{name: "tar header claims more than the member holds",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.withData(t, "evil", apkbuild.Gzip(hLyingSize(t, hTar(t, motd, motdBodies), "etc/motd", 1<<20)))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: `, "unexpected EOF"},
		layerWant: []string{`evil-1-r0.apk: data member: `, "unexpected EOF"}},
	{name: "tar header claims less than the file holds",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.withData(t, "evil", apkbuild.Gzip(hLyingSize(t, hTar(t, motd, motdBodies), "etc/issue", 3)))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "etc/issue": content SHA-1 is `, "its APK-TOOLS.checksum.SHA1 record says"},
		layerWant: []string{`evil-1-r0.apk: data member: entry "etc/issue": content SHA-1 is `, "its APK-TOOLS.checksum.SHA1 record says"}},
	{name: "two packages write the same file without replaces",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			f := apkbuild.File{Name: "etc/motd", Body: []byte("from a")}
			g := apkbuild.File{Name: "etc/motd", Body: []byte("from evil")}
			return [][]byte{e.signed(t, hEvil("a", files(f))), e.signed(t, hEvil("evil", files(g)))}
		},
		layerWant: []string{"layer: a-1-r0 and evil-1-r0 both install /etc/motd; drop one of them, or evil-1-r0 must declare replaces= on the package of a-1-r0"}},
	// apk never installs a package with one its "!" depends match
	// (solver.c assign_name); a lock pinning both is refused at build time.
	{name: "two locked packages conflict",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("a", nil)), e.signed(t, hEvil("evil", nil, "!a"))}
		},
		layerWant: []string{"resolve: evil-1-r0 declares !a but a-1-r0 is in the list too; apk does not install them together; the lock was edited or damaged: re-lock"}},
	{name: "package forges the apk database",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "lib/apk/db/installed", Body: []byte("P:nothing\n")})))}
		},
		layerWant: []string{`evil-1-r0`, "lib/apk/db/installed"}},
	{name: "package forges a nested apk database",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "usr/lib/apk/db/installed", Body: []byte("P:forged\nV:1\n")})))}
		},
		layerWant: []string{"layer: package evil-1-r0 ships /usr/lib/apk/db/installed, inside an apk database directory (lib/apk/db), which only the layer writes: scanners would list its records as installed packages; drop the package"}},
	{name: "sparse file, PAX GNU.sparse records",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.withData(t, "evil", apkbuild.Gzip(apkbuild.SparseTar(apkbuild.SparsePAX, "big", 1<<62)))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "big": sparse file (GNU sparse header): its holes would expand without bound`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "big": sparse file (GNU sparse header)`}},
	{name: "sparse file, GNU type S",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.withData(t, "evil", apkbuild.Gzip(apkbuild.SparseTar(apkbuild.SparseGNU, "big", 1<<62)))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "big": sparse file (GNU sparse header)`},
		layerWant: []string{`evil-1-r0.apk: data member: entry "big": sparse file (GNU sparse header)`}},
	{name: "OCI whiteout",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "etc/.wh.passwd", Body: []byte{}})))}
		},
		lockWant:  []string{`evil-1-r0.apk: data member: entry "etc/.wh.passwd": unsafe entry name "etc/.wh.passwd": has a component starting with ".wh.", an OCI whiteout that would delete files of the image's lower layers`},
		layerWant: []string{`entry "etc/.wh.passwd": unsafe entry name "etc/.wh.passwd": has a component starting with ".wh."`}},
	{name: "OCI opaque whiteout",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "etc/.wh..wh..opq", Body: []byte{}})))}
		},
		lockWant:  []string{`entry "etc/.wh..wh..opq": unsafe entry name "etc/.wh..wh..opq": has a component starting with ".wh."`},
		layerWant: []string{`entry "etc/.wh..wh..opq": unsafe entry name "etc/.wh..wh..opq": has a component starting with ".wh."`}},
	{name: "line break in a file name",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "etc/a\nP:forged", Body: []byte("x")})))}
		},
		lockWant:  []string{`entry "etc/a\nP:forged": unsafe entry name "etc/a\nP:forged": contains the control character 0x0a`},
		layerWant: []string{`entry "etc/a\nP:forged": unsafe entry name "etc/a\nP:forged": contains the control character 0x0a`}},
	{name: "file name longer than 255 bytes",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "etc/" + strings.Repeat("n", 256), Body: []byte("x")})))}
		},
		lockWant:  []string{`: has a component of 256 bytes, more than the 255 a file name may have`},
		layerWant: []string{`: has a component of 256 bytes, more than the 255 a file name may have`}},
	{name: "uid beyond 2^31-1",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			return [][]byte{e.signed(t, hEvil("evil", files(apkbuild.File{Name: "etc/x", Body: []byte("x"), Uid: 1 << 32})))}
		},
		lockWant:  []string{`entry "etc/x": has uid 4294967296, outside 0..2147483647; the package is hostile or damaged`},
		layerWant: []string{`entry "etc/x": has uid 4294967296, outside 0..2147483647`}},
	{name: "install scripts past the control member cap",
		apks: func(t *testing.T, e *hEnv) [][]byte {
			s := hEvil("evil", nil)
			s.Scripts = map[string][]byte{"post-install": bytes.Repeat([]byte("#"), apkfile.MaxControlMember)}
			return [][]byte{e.signed(t, s)}
		},
		lockWant:  []string{"evil-1-r0.apk: control member: ", "the control member expands past 4194304 bytes, far more than any real one: the file is damaged or hostile"},
		layerWant: []string{"evil-1-r0.apk: control member: ", "the control member expands past 4194304 bytes"}},
}

// TestHostileContents: signed packages whose contents are hostile, first
// served to the lock verb, then pinned in a lock and given to the layer
// verb (as if a trusted key had signed them).
func TestHostileContents(t *testing.T) {
	for _, tc := range contentCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.lockWant != nil {
				t.Run("lock", func(t *testing.T) {
					e := newHEnv(t)
					apks := tc.apks(t, e)
					e.publish(t, "x86_64", apks...)
					code, msg := hRun(t, e.lockArgs(t, "", []string{"evil"})...)
					want := append([]string{"apkimage lock: x86_64: package evil-1-r0.apk from " + e.URL + "/main/x86_64/evil-1-r0.apk: "}, tc.lockWant...)
					e.wantFailure(t, code, msg, append(want, "retry later or use another mirror"), nil)
				})
			}
			if tc.lockWant != nil {
				// verify reads packages through the same reader: it agrees.
				t.Run("verify", func(t *testing.T) {
					e := newHEnv(t)
					apks := tc.apks(t, e)
					path := filepath.Join(e.in, "evil-1-r0.apk")
					if err := os.WriteFile(path, apks[len(apks)-1], 0o644); err != nil {
						t.Fatal(err)
					}
					code, msg := hRun(t, "verify", "--key", e.keyFile(), path)
					e.wantFailure(t, code, msg, append([]string{"apkimage verify: 1 of 1 packages failed verification:\n  " + e.in + "/"}, tc.lockWant...), nil)
				})
			}
			t.Run("layer", func(t *testing.T) {
				e := newHEnv(t)
				lockPath, files := e.pin(t, "x86_64", tc.apks(t, e)...)
				code, msg := hRun(t, e.layerArgs(lockPath, "x86_64", files)...)
				e.wantFailure(t, code, msg, append([]string{"apkimage layer: "}, tc.layerWant...), nil)
			})
		})
	}
}
