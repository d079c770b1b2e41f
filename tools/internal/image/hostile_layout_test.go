package image_test

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// hostileBase is a single-platform layout written by hand, so that each
// case can make one part of it lie. Blobs are stored under their digest;
// JSON is kept as maps so a case can edit any field.
type hostileBase struct {
	dir      string
	layer    []byte // the layer blob (gzip)
	config   map[string]interface{}
	manifest map[string]interface{}
	index    map[string]interface{}
}

func sha(b []byte) string { s := sha256.Sum256(b); return "sha256:" + hex.EncodeToString(s[:]) }

func newHostileBase(t *testing.T, dir string, layerTar []byte) *hostileBase {
	t.Helper()
	layer := gzipOf(t, layerTar)
	h := &hostileBase{dir: dir, layer: layer}
	h.config = map[string]interface{}{
		"architecture": "amd64", "os": "linux",
		"rootfs": map[string]interface{}{"type": "layers", "diff_ids": []string{sha(layerTar)}},
	}
	h.manifest = map[string]interface{}{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"layers": []interface{}{map[string]interface{}{
			"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": sha(layer), "size": len(layer),
		}},
	}
	h.index = map[string]interface{}{"schemaVersion": 2, "manifests": []interface{}{}}
	return h
}

func (h *hostileBase) put(t *testing.T, b []byte) string {
	t.Helper()
	d := sha(b)
	p := filepath.Join(h.dir, "blobs", "sha256", d[7:])
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(p)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return d
}

func marshal(t *testing.T, v interface{}) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// write stores the blobs and index.json; a descriptor field the case
// already set in the maps is kept.
func (h *hostileBase) write(t *testing.T) {
	t.Helper()
	h.put(t, h.layer)
	cb := marshal(t, h.config)
	if h.manifest["config"] == nil {
		h.manifest["config"] = map[string]interface{}{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(cb), "size": len(cb)}
	}
	h.put(t, cb)
	mb := marshal(t, h.manifest)
	h.put(t, mb)
	if len(h.index["manifests"].([]interface{})) == 0 {
		h.index["manifests"] = []interface{}{map[string]interface{}{
			"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(mb), "size": len(mb),
		}}
	}
	if err := os.WriteFile(filepath.Join(h.dir, "index.json"), marshal(t, h.index), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, "oci-layout"), []byte(`{"imageLayoutVersion":"1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
}

// manifestDesc returns index.json's entry, to edit after write.
func (h *hostileBase) manifestDesc() map[string]interface{} {
	return h.index["manifests"].([]interface{})[0].(map[string]interface{})
}

func (h *hostileBase) rewriteIndex(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(h.dir, "index.json"), marshal(t, h.index), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (h *hostileBase) blobPath(d string) string {
	return filepath.Join(h.dir, "blobs", "sha256", strings.TrimPrefix(d, "sha256:"))
}

// TestHostileBaseLayout gives WriteLayout (--base-layout of the image verb)
// and LayerFiles (what the layer and image verbs read the base's files
// through) layouts that lie. Each must be refused with the blob named, and
// WriteLayout must leave nothing behind.
func TestHostileBaseLayout(t *testing.T) {
	good := tarOf(t, map[string]string{"etc/os-release": "ID=base\n"})
	outside := t.TempDir()
	for _, tc := range []struct {
		name   string
		edit   func(t *testing.T, h *hostileBase) // before write
		after  func(t *testing.T, h *hostileBase) // after write
		want   string
		layers bool // refused only when a layer is opened (LayerFiles succeeds)
	}{
		{name: "manifest bytes differ from the digest", after: func(t *testing.T, h *hostileBase) {
			d := h.manifestDesc()["digest"].(string)
			b, _ := os.ReadFile(h.blobPath(d))
			b[len(b)-2] ^= 1 // the same size, other bytes
			os.WriteFile(h.blobPath(d), b, 0o644)
		}, want: "does not match its digest"},
		{name: "manifest size lies", after: func(t *testing.T, h *hostileBase) {
			h.manifestDesc()["size"] = 12
			h.rewriteIndex(t)
		}, want: "its descriptor says 12"},
		{name: "manifest size huge", after: func(t *testing.T, h *hostileBase) {
			h.manifestDesc()["size"] = int64(1) << 50
			h.rewriteIndex(t)
		}, want: "more than the 4194304 a manifest, index or config may have"},
		{name: "manifest size negative", after: func(t *testing.T, h *hostileBase) {
			h.manifestDesc()["size"] = -1
			h.rewriteIndex(t)
		}, want: "size -1 is negative"},
		{name: "manifest blob missing", after: func(t *testing.T, h *hostileBase) {
			os.Remove(h.blobPath(h.manifestDesc()["digest"].(string)))
		}, want: "no such file or directory"},
		{name: "manifest blob is a symlink to a device", after: func(t *testing.T, h *hostileBase) {
			p := h.blobPath(h.manifestDesc()["digest"].(string))
			os.Remove(p)
			os.Symlink("/dev/zero", p)
		}, want: "is not a regular file"},
		{name: "manifest blob is a symlink out of the layout", after: func(t *testing.T, h *hostileBase) {
			p := h.blobPath(h.manifestDesc()["digest"].(string))
			b, _ := os.ReadFile(p)
			o := filepath.Join(outside, "other.json")
			os.WriteFile(o, append([]byte(" "), b[1:]...), 0o644)
			os.Remove(p)
			os.Symlink(o, p)
		}, want: "does not match its digest"},
		{name: "index.json is a FIFO", after: func(t *testing.T, h *hostileBase) {
			p := filepath.Join(h.dir, "index.json")
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skip("no FIFOs here:", err)
			}
		}, want: "index.json is not a regular file"},
		{name: "index.json larger than any real one", after: func(t *testing.T, h *hostileBase) {
			big := append([]byte(`{"schemaVersion":2,"manifests":[],"annotations":{"x":"`), bytes.Repeat([]byte("a"), 5<<20)...)
			os.WriteFile(filepath.Join(h.dir, "index.json"), append(big, `"}}`...), 0o644)
		}, want: "more than the 4194304 a JSON file of a layout may have"},
		{name: "index.json nested 100,000 deep", after: func(t *testing.T, h *hostileBase) {
			deep := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
			os.WriteFile(filepath.Join(h.dir, "index.json"), []byte(deep), 0o644)
		}, want: "exceeded max depth"},
		{name: "digest with ../", after: func(t *testing.T, h *hostileBase) {
			h.manifestDesc()["digest"] = "sha256:../../../../etc/passwd"
			h.rewriteIndex(t)
		}, want: "non-hex character"},
		{name: "digest of another algorithm", after: func(t *testing.T, h *hostileBase) {
			h.manifestDesc()["digest"] = "sha512:" + strings.Repeat("ab", 64)
			h.rewriteIndex(t)
		}, want: `unsupported hash: "sha512"`},
		{name: "no digest", after: func(t *testing.T, h *hostileBase) {
			delete(h.manifestDesc(), "digest")
			h.rewriteIndex(t)
		}, want: "a descriptor has no sha256 digest"},
		{name: "manifest says it is an index", edit: func(t *testing.T, h *hostileBase) {
			h.manifest["mediaType"] = "application/vnd.oci.image.index.v1+json"
		}, want: `says it is a "application/vnd.oci.image.index.v1+json"`},
		{name: "config of an artifact, not an image", edit: func(t *testing.T, h *hostileBase) {
			cb := marshal(t, h.config)
			h.manifest["config"] = map[string]interface{}{"mediaType": "application/vnd.example.sbom+json", "digest": sha(cb), "size": len(cb)}
		}, want: `has a config of media type "application/vnd.example.sbom+json"`},
		{name: "config digest mismatch", edit: func(t *testing.T, h *hostileBase) {
			h.manifest["config"] = map[string]interface{}{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha([]byte("{}")), "size": 2}
		}, want: "no such file or directory"},
		{name: "layer bytes differ from the digest", layers: true, after: func(t *testing.T, h *hostileBase) {
			p := h.blobPath(sha(h.layer))
			b := append([]byte(nil), h.layer...)
			b[len(b)-5] ^= 0xff
			os.WriteFile(p, b, 0o644)
		}, want: "does not match its digest"},
		{name: "layer size lies", layers: true, edit: func(t *testing.T, h *hostileBase) {
			l := h.manifest["layers"].([]interface{})[0].(map[string]interface{})
			l["size"] = len(h.layer) + 1
		}, want: "its descriptor says"},
		{name: "layer blob is a symlink out of the layout", layers: true, after: func(t *testing.T, h *hostileBase) {
			p := h.blobPath(sha(h.layer))
			o := filepath.Join(outside, "shadow")
			os.WriteFile(o, bytes.Repeat([]byte("x"), len(h.layer)), 0o600)
			os.Remove(p)
			os.Symlink(o, p)
		}, want: "does not match its digest"},
		{name: "layer blob is a symlink to a device", layers: true, after: func(t *testing.T, h *hostileBase) {
			p := h.blobPath(sha(h.layer))
			os.Remove(p)
			os.Symlink("/dev/zero", p)
		}, want: "is not a regular file"},
		{name: "layer blob missing", layers: true, after: func(t *testing.T, h *hostileBase) {
			os.Remove(h.blobPath(sha(h.layer)))
		}, want: "no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			base := filepath.Join(root, "base")
			h := newHostileBase(t, base, good)
			if tc.edit != nil {
				tc.edit(t, h)
			}
			h.write(t)
			if tc.after != nil {
				tc.after(t, h)
			}
			out := filepath.Join(root, "out")
			_, err := image.WriteLayout(out, image.Spec{OS: "linux", Arch: "amd64", Base: base})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("WriteLayout: got %v, want an error containing %q", err, tc.want)
			}
			if ents, _ := os.ReadDir(root); len(ents) != 1 {
				t.Errorf("WriteLayout left output behind: %v", ents)
			}
			files, err := image.LayerFiles(base)
			if !tc.layers {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("LayerFiles: got %v, want an error containing %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := files[0].Open(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestHostileBaseLayerBomb: a base layer whose digest holds but which
// expands past MaxLayerExpand is read only up to the cap.
func TestHostileBaseLayerBomb(t *testing.T) {
	defer func(old int64) { image.MaxLayerExpand = old }(image.MaxLayerExpand)
	image.MaxLayerExpand = 1 << 20
	big := tarOf(t, map[string]string{"zeros": strings.Repeat("\x00", 4<<20)})
	base := filepath.Join(t.TempDir(), "base")
	h := newHostileBase(t, base, big)
	h.write(t)
	files, err := image.LayerFiles(base)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := files[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if err == nil || !strings.Contains(err.Error(), "expands past 1048576 bytes (a compression bomb") {
		t.Fatalf("got %v after %d bytes, want the expansion cap", err, n)
	}
	if n > 1<<20+64<<10 {
		t.Errorf("read %d bytes past the cap", n)
	}
}

// TestHostileTars gives WriteLayout tars files (a user's tar, pkg_tar's
// output) that would let an unpacker write outside the image's root, or
// that expand without bound. Each is refused with the entry named and no
// output left; the accepted forms are stored byte for byte.
func TestHostileTars(t *testing.T) {
	defer func(old int64) { image.MaxLayerExpand = old }(image.MaxLayerExpand)
	image.MaxLayerExpand = 1 << 20
	type ent struct {
		name, link string
		typ        byte
	}
	tarFrom := func(t *testing.T, ents ...ent) []byte {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, e := range ents {
			h := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644}
			if err := tw.WriteHeader(h); err != nil {
				t.Fatal(err)
			}
		}
		tw.Close()
		return buf.Bytes()
	}
	bomb := tarOf(t, map[string]string{"zeros": strings.Repeat("\x00", 2<<20)})
	fifo := filepath.Join(t.TempDir(), "fifo.tar")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		_, err := image.WriteLayout(filepath.Join(t.TempDir(), "out"), image.Spec{OS: "linux", Arch: "amd64", Layers: []image.Layer{{Path: fifo}}})
		if err == nil || !strings.Contains(err.Error(), fifo+" is not a regular file") {
			t.Errorf("a FIFO as a tar: got %v", err)
		}
	}
	for _, tc := range []struct {
		name string
		tar  []byte
		want string // "" = accepted
	}{
		{"dot-dot", tarFrom(t, ent{name: "../../etc/cron.d/x", typ: tar.TypeReg}), `entry "../../etc/cron.d/x" has a ".." component, which climbs out of the image's root`},
		{"dot-dot in the middle", tarFrom(t, ent{name: "usr/../../x", typ: tar.TypeReg}), `entry "usr/../../x" has a ".." component`},
		{"hardlink out of the root", tarFrom(t, ent{name: "x", link: "../../etc/shadow", typ: tar.TypeLink}), `entry "x" is a hardlink to "../../etc/shadow", which has a ".." component`},
		{"symlink then a file through it", tarFrom(t, ent{name: "etc", link: "/tmp/out", typ: tar.TypeSymlink}, ent{name: "etc/passwd", typ: tar.TypeReg}),
			`entry "etc/passwd" would be written through the symlink /etc the same tar made`},
		{"symlink then a directory through it", tarFrom(t, ent{name: "./a", link: "../..", typ: tar.TypeSymlink}, ent{name: "./a/b/c", typ: tar.TypeDir}),
			`entry "./a/b/c" would be written through the symlink /a`},
		{"line break in a name", tarFrom(t, ent{name: "etc/a\nb", typ: tar.TypeReg}), `entry "etc/a\nb" contains the control character 0x0a`},
		{"sparse entry (PAX)", apkbuild.SparseTar(apkbuild.SparsePAX, "big", 1<<62), `entry "big" is a sparse file`},
		{"sparse entry (GNU type S)", apkbuild.SparseTar(apkbuild.SparseGNU, "big", 1<<62), `entry "big" is a sparse file`},
		{"gzip bomb", gzipOf(t, bomb), "its gzip stream expands past 1048576 bytes"},
		{"absolute names, ./ prefixes and whiteouts", tarFrom(t, ent{name: "/etc/x", typ: tar.TypeReg}, ent{name: "./etc/.wh.y", typ: tar.TypeReg},
			ent{name: "lib", link: "usr/lib", typ: tar.TypeSymlink}, ent{name: "lib", typ: tar.TypeDir}, ent{name: "lib/z", typ: tar.TypeReg}), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			in := writeTemp(t, root, "in.tar", tc.tar)
			out := filepath.Join(root, "out")
			_, err := image.WriteLayout(out, image.Spec{OS: "linux", Arch: "amd64", Layers: []image.Layer{{Path: in}}})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), in) {
				t.Fatalf("got %v, want an error naming %s and containing %q", err, in, tc.want)
			}
			if ents, _ := os.ReadDir(root); len(ents) != 1 {
				t.Errorf("WriteLayout left output behind: %v", ents)
			}
		})
	}
}

// TestHostileLayoutMessages: what a hostile layout says is quoted in
// messages only in part, so an error stays readable (a media type or an
// index of a few MB would otherwise be printed whole).
func TestHostileLayoutMessages(t *testing.T) {
	good := tarOf(t, map[string]string{"etc/os-release": "ID=base\n"})
	for _, tc := range []struct {
		name string
		edit func(h *hostileBase)
		want string
	}{
		{"a media type of 1 MB", func(h *hostileBase) {
			h.index["manifests"] = []interface{}{map[string]interface{}{"mediaType": strings.Repeat("x", 1<<20), "digest": sha(nil), "size": 0}}
		}, "not an image manifest"},
		{"an index of 10,000 manifests", func(h *hostileBase) {
			var ms []interface{}
			for i := 0; i < 10000; i++ {
				ms = append(ms, map[string]interface{}{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(nil), "size": 0,
					"platform": map[string]string{"os": "linux", "architecture": strings.Repeat("a", 50)}})
			}
			h.index["manifests"] = ms
		}, "and 9992 more"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			h := newHostileBase(t, filepath.Join(root, "base"), good)
			tc.edit(h)
			h.write(t)
			_, err := image.WriteLayout(filepath.Join(root, "out"), image.Spec{OS: "linux", Arch: "amd64", Base: h.dir})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %.300v, want %q", err, tc.want)
			}
			if n := len(err.Error()); n > 4096 {
				t.Errorf("the message is %d bytes long", n)
			}
		})
	}
}

// TestHostileLayerCount: a manifest listing one blob 10,000 times would
// have it verified and decompressed 10,000 times; more than MaxBaseLayers
// layers are refused before any blob is read.
func TestHostileLayerCount(t *testing.T) {
	good := tarOf(t, map[string]string{"etc/os-release": "ID=base\n"})
	root := t.TempDir()
	h := newHostileBase(t, filepath.Join(root, "base"), good)
	l := h.manifest["layers"].([]interface{})[0]
	var ls []interface{}
	var ids []string
	for i := 0; i < 10000; i++ {
		ls = append(ls, l)
		ids = append(ids, sha(good))
	}
	h.manifest["layers"] = ls
	h.config["rootfs"] = map[string]interface{}{"type": "layers", "diff_ids": ids}
	h.write(t)
	want := "lists 10000 layers, more than the 256 read here"
	if _, err := image.WriteLayout(filepath.Join(root, "out"), image.Spec{OS: "linux", Arch: "amd64", Base: h.dir}); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("WriteLayout: got %v, want %q", err, want)
	}
	if _, err := image.LayerFiles(h.dir); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("LayerFiles: got %v, want %q", err, want)
	}
	// Within the bound, a blob listed twice is linked (and verified) once.
	h.manifest["layers"] = ls[:2]
	h.manifest["config"] = nil
	h.config["rootfs"] = map[string]interface{}{"type": "layers", "diff_ids": ids[:2]}
	h.index["manifests"] = []interface{}{}
	h.write(t)
	res, err := image.WriteLayout(filepath.Join(root, "out"), image.Spec{OS: "linux", Arch: "amd64", Base: h.dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Layers) != 2 || res.Layers[0].Digest != res.Layers[1].Digest {
		t.Errorf("layers %v, want the base's blob twice", res.Layers)
	}
}
