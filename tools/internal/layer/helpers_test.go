package layer

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// ent is one entry of a test package's data tar.
type ent struct {
	name string
	typ  byte
	mode int64
	uid  int
	body string
	link string
	pax  map[string]string
}

func reg(name, body string) ent { return ent{name: name, typ: tar.TypeReg, mode: 0o644, body: body} }
func dir(name string) ent       { return ent{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, target string) ent {
	return ent{name: name, typ: tar.TypeSymlink, mode: 0o777, link: target}
}
func hardlink(name, target string) ent {
	return ent{name: name, typ: tar.TypeLink, mode: 0o644, link: target}
}

// dataTar writes entries as a package's data tar, with the checksum
// records apk puts on every file (they must not reach the layer).
func dataTar(t testing.TB, ents []ent) []byte {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		pax := map[string]string{"APK-TOOLS.checksum.SHA1": "0000"}
		for k, v := range e.pax {
			pax[k] = v
		}
		hdr := &tar.Header{Typeflag: e.typ, Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid,
			Linkname: e.link, Size: int64(len(e.body)), Uname: "builder", ModTime: time.Unix(12345, 0),
			PAXRecords: pax, Format: tar.FormatPAX}
		if e.typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatalf("writing test tar %s: %v", e.name, err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pkgOf builds a package whose data is the given tar bytes; tar.Reader is
// the fake EntryReader.
func pkgOf(name, version string, data []byte) Package {
	return Package{
		Info:     &pkginfo.Info{Name: name, Version: version, Arch: "x86_64"},
		Checksum: "Q1" + strings.Repeat(name[:1], 27) + "=",
		Data:     tar.NewReader(bytes.NewReader(data)),
	}
}

func pkg(t testing.TB, name, version string, ents ...ent) Package {
	return pkgOf(name, version, dataTar(t, ents))
}

func write(t testing.TB, opt Options, pkgs ...Package) ([]byte, *Result, error) {
	var out bytes.Buffer
	if opt.TempDir == "" {
		opt.TempDir = t.TempDir()
	}
	res, err := Write(&out, pkgs, opt)
	return out.Bytes(), res, err
}

// listing is one line per tar entry: name type mode uid gid size link mtime,
// plus xattrs; it fails on host-dependent fields.
func listing(t testing.TB, out []byte) []string {
	var lines []string
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return lines
		}
		if err != nil {
			t.Fatalf("reading the layer: %v", err)
		}
		if h.Uname != "" || h.Gname != "" || !h.AccessTime.IsZero() || !h.ChangeTime.IsZero() {
			t.Errorf("%s: host-dependent fields %q %q %v %v", h.Name, h.Uname, h.Gname, h.AccessTime, h.ChangeTime)
		}
		for k := range h.PAXRecords {
			if !strings.HasPrefix(k, xattrPrefix) {
				t.Errorf("%s: PAX record %q in the layer", h.Name, k)
			}
		}
		l := fmt.Sprintf("%s %c %o %d:%d %d %s %d", h.Name, h.Typeflag, h.Mode, h.Uid, h.Gid, h.Size, h.Linkname, h.ModTime.Unix())
		if h.Typeflag == tar.TypeChar || h.Typeflag == tar.TypeBlock {
			l += fmt.Sprintf(" dev=%d,%d", h.Devmajor, h.Devminor)
		}
		for k, v := range h.PAXRecords {
			l += " " + k + "=" + v // at most one xattr per entry in these tests
		}
		lines = append(lines, l)
	}
}

// fileOf returns the content of name in a tar.
func fileOf(t testing.TB, out []byte, name string) string {
	tr := tar.NewReader(bytes.NewReader(out))
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in the tar: %v", name, err)
		}
		if h.Name == name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
}

func diffLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// failingReader returns err after the entries of data.
type failingReader struct {
	tr  *tar.Reader
	err error
}

func (f *failingReader) Next() (*tar.Header, error) {
	h, err := f.tr.Next()
	if err == io.EOF {
		return nil, f.err
	}
	return h, err
}

func (f *failingReader) Read(p []byte) (int, error) { return f.tr.Read(p) }

var errBroken = errors.New("datahash mismatch")

// failingContent fails while a file's content is read.
type failingContent struct{ *tar.Reader }

func (f failingContent) Read(p []byte) (int, error) { return 0, errBroken }
