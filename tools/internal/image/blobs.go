package image

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/gzipx"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ociLayoutFile is the content of every layout's oci-layout file.
const ociLayoutFile = `{"imageLayoutVersion":"1.0.0"}`

// blobPath is where a layout keeps the blob h. Hashes come from v1.Hash
// parsing, which allows only known algorithms and hex, so h cannot escape.
func blobPath(layout string, h v1.Hash) string {
	return filepath.Join(layout, "blobs", h.Algorithm, h.Hex)
}

// initLayout writes oci-layout and creates blobs/sha256 in dir.
func initLayout(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, "blobs", "sha256"), 0o755); err != nil {
		return fmt.Errorf("creating blobs directory: %w", err)
	}
	return writeFile(filepath.Join(dir, "oci-layout"), []byte(ociLayoutFile))
}

// writeIndexJSON writes dir/index.json listing the single descriptor d.
func writeIndexJSON(dir string, d v1.Descriptor) error {
	b, err := json.Marshal(v1.IndexManifest{
		SchemaVersion: 2,
		MediaType:     types.OCIImageIndex,
		Manifests:     []v1.Descriptor{d},
	})
	if err != nil {
		return fmt.Errorf("encoding index.json: %w", err)
	}
	return writeFile(filepath.Join(dir, "index.json"), b)
}

// putJSON marshals v and stores it as a blob of media type mt.
func putJSON(dir string, mt types.MediaType, v interface{}) (v1.Descriptor, []byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return v1.Descriptor{}, nil, fmt.Errorf("encoding %s: %w", mt, err)
	}
	sum := sha256.Sum256(b)
	d := v1.Descriptor{
		MediaType: mt,
		Size:      int64(len(b)),
		Digest:    v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])},
	}
	return d, b, writeFile(blobPath(dir, d.Digest), b)
}

func writeFile(path string, b []byte) error {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// compressLayer gzips the tar at src, plain or compressed (see openTar),
// into the layout's blobs.
func compressLayer(dir, src string) (gzipx.Result, error) {
	in, err := openTar(src)
	if err != nil {
		return gzipx.Result{}, err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Join(dir, "blobs", "sha256"), ".layer-")
	if err != nil {
		return gzipx.Result{}, fmt.Errorf("creating a blob: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	res, err := compressChecked(tmp, in)
	if err != nil {
		err = fmt.Errorf("reading %s: %w", in.what(), err)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return gzipx.Result{}, err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return gzipx.Result{}, fmt.Errorf("setting blob permissions: %w", err)
	}
	if err := os.Rename(tmp.Name(), blobPath(dir, res.Digest)); err != nil {
		return gzipx.Result{}, fmt.Errorf("storing blob: %w", err)
	}
	return res, nil
}

// compressChecked gzips the tar stream in into dst while checkTar reads
// the same bytes: one pass over the input, and a refused tar stops the
// compression with checkTar's reason.
func compressChecked(dst io.Writer, in io.Reader) (gzipx.Result, error) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tee := io.TeeReader(in, pw)
		err := checkTar(tee)
		if err == nil {
			// Padding after the end-of-archive blocks belongs to the layer.
			_, err = io.Copy(io.Discard, tee)
		}
		pw.CloseWithError(err) // nil: EOF for the compressor
	}()
	res, err := gzipx.Compress(dst, pr)
	pr.CloseWithError(errors.New("compression stopped")) // unblocks the checker
	<-done
	return res, err
}

// addGzippedLayer measures an existing tar+gzip file and links it into the
// layout's blobs.
func addGzippedLayer(dir, src string) (gzipx.Result, error) {
	in, err := os.Open(src)
	if err != nil {
		return gzipx.Result{}, fmt.Errorf("opening layer: %w", err)
	}
	res, err := gzipx.Measure(in)
	in.Close()
	if err != nil {
		return gzipx.Result{}, err
	}
	return res, linkBlob(dir, src, res.Digest, res.Size)
}

// linkVerified checks the blob d of layout src against its descriptor
// (verifyBlob) and links it into dir.
func linkVerified(dir, src string, d v1.Descriptor) error {
	if checkDescriptor(d) == nil {
		if _, err := os.Stat(blobPath(dir, d.Digest)); err == nil {
			return nil // verified when it was linked: a manifest may list one blob many times
		}
	}
	if err := verifyBlob(src, d); err != nil {
		return err
	}
	return linkBlob(dir, blobPath(src, d.Digest), d.Digest, d.Size)
}

// linkBlob puts the file src into the layout as blob h, by hard link when
// possible (layers can be large) and by copy otherwise. src must be size
// bytes long; a mismatch means the source layout is damaged.
func linkBlob(dir, src string, h v1.Hash, size int64) error {
	dst := blobPath(dir, h)
	if _, err := os.Stat(dst); err == nil {
		return nil // content-addressed: already there
	}
	// Bazel hands inputs over as symlinks; link the file, not the symlink.
	real, err := filepath.EvalSymlinks(src)
	if err != nil {
		return fmt.Errorf("blob %s: %w", h, err)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("blob %s: %w", h, err)
	}
	if fi.Size() != size {
		return fmt.Errorf("blob %s at %s is %d bytes, its descriptor says %d; the source layout is damaged, rebuild it", h, src, fi.Size(), size)
	}
	if os.Link(real, dst) == nil {
		return nil
	}
	return copyFile(real, dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("copying %s: %w", src, err)
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("copying %s to %s: %w", src, dst, err)
	}
	return nil
}
