package main

import (
	"archive/tar"
	"bytes"
	"compress/flate"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// hBomb returns a gzip member whose content is a tar header for one file of
// size bytes followed by at least size zero bytes, in a few MB. Deflate
// blocks after a flush only refer back to the zeros before them, so one
// compressed 64 KiB block of zeros can be repeated; writing it with the
// compressor would take far longer. The trailer's CRC is left zero: the
// reader must stop at the cap long before it gets there.
func hBomb(t *testing.T, name string, size int64) []byte {
	t.Helper()
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	hdr := &tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: size, Format: tar.FormatPAX,
		PAXRecords: map[string]string{"APK-TOOLS.checksum.SHA1": strings.Repeat("0", 40)}}
	if err := tw.WriteHeader(hdr); err != nil {
		t.Fatal(err)
	}
	tw.Flush() // the header blocks only
	zeros := make([]byte, 64<<10)
	var def bytes.Buffer
	zw, _ := flate.NewWriter(&def, flate.BestCompression)
	zw.Write(tb.Bytes())
	zw.Write(zeros)
	zw.Flush()
	head := def.Len()
	zw.Write(zeros)
	zw.Flush()
	block := append([]byte(nil), def.Bytes()[head:]...)
	out := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // gzip header, no name or mtime
	out = append(out, def.Bytes()[:head]...)
	for n := int64(len(zeros)); n < size; n += int64(len(zeros)) {
		out = append(out, block...)
	}
	out = append(out, 1, 0, 0, 0xff, 0xff) // final empty stored block
	return append(out, make([]byte, 8)...)
}

// TestHostileGzipBomb: a signed package whose data member expands past the
// documented cap (apkfile.DefaultMaxExpand, 2 GiB for the whole package)
// is refused by the lock verb with the cap in the message.
func TestHostileGzipBomb(t *testing.T) {
	e := newHEnv(t)
	bomb := e.withData(t, "evil", hBomb(t, "big", apkfile.DefaultMaxExpand))
	t.Logf("bomb: %d bytes", len(bomb))
	e.publish(t, "x86_64", bomb)
	code, msg := hRun(t, e.lockArgs(t, "", []string{"evil"})...)
	e.wantFailure(t, code, msg, []string{"apkimage lock: x86_64: package evil-1-r0.apk from " + e.URL + "/main/x86_64/evil-1-r0.apk: ",
		`evil-1-r0.apk: data member: entry "big": expands past 2147483648 bytes (gzip bomb or damaged file`}, nil)
}

// TestHostileIndexBomb: an index whose member expands past
// apkindex.MaxExpand (512 MiB) is refused even with a valid signature by
// the trusted key.
func TestHostileIndexBomb(t *testing.T) {
	e := newHEnv(t)
	member := hBomb(t, "APKINDEX", apkindex.MaxExpand)
	e.repo.Set("main/x86_64/APKINDEX.tar.gz", e.hSignedIndex(t, locktest.KeyName, member))
	code, msg := hRun(t, e.lockArgs(t, "", []string{"hello"})...)
	e.wantFailure(t, code, msg, []string{"apkimage lock: x86_64: index " + e.URL + "/main/x86_64/APKINDEX.tar.gz: index member: ",
		"expands past 536870912 bytes (gzip bomb or damaged file"}, nil)
}
