package baseimage

import (
	"archive/tar"
	"bytes"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
)

// TestReadLayerHostile: the apk database of a base layer must be read
// from regular entries; a link or a sparse entry in its place is refused
// (a symlink read as an empty database would drop the base's packages
// from the new one; a sparse one expands without bound).
func TestReadLayerHostile(t *testing.T) {
	tarOf := func(hs ...*tar.Header) []byte {
		var b bytes.Buffer
		tw := tar.NewWriter(&b)
		for _, h := range hs {
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
		}
		tw.Close()
		return b.Bytes()
	}
	for _, tc := range []struct {
		name string
		tar  []byte
		want string
	}{
		{"installed is a symlink", tarOf(&tar.Header{Name: "lib/apk/db/installed", Typeflag: tar.TypeSymlink, Linkname: "/etc/shadow"}),
			`/lib/apk/db/installed is not a regular file (tar type '2', link "/etc/shadow")`},
		{"installed is a hardlink", tarOf(&tar.Header{Name: "./lib/apk/db/installed", Typeflag: tar.TypeLink, Linkname: "etc/shadow"}),
			`/lib/apk/db/installed is not a regular file (tar type '1'`},
		{"world is a FIFO", tarOf(&tar.Header{Name: "/etc/apk/world", Typeflag: tar.TypeFifo}),
			`/etc/apk/world is not a regular file (tar type '6'`},
		{"installed through a symlink of the layer", tarOf(&tar.Header{Name: "lib/apk", Typeflag: tar.TypeSymlink, Linkname: "/etc"},
			&tar.Header{Name: "lib/apk/db/installed", Typeflag: tar.TypeReg}),
			"/lib/apk/db/installed is written through the symlink /lib/apk of the same layer"},
		{"installed named with ..", tarOf(&tar.Header{Name: "usr/../../lib/apk/db/installed", Typeflag: tar.TypeReg}),
			`/lib/apk/db/installed is named "usr/../../lib/apk/db/installed", with a ".." component`},
		{"installed is sparse", apkbuild.SparseTar(apkbuild.SparsePAX, "lib/apk/db/installed", 1<<62),
			"/lib/apk/db/installed is not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadLayer(bytes.NewReader(tc.tar))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
}
