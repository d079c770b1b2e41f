package layerstep

import (
	"archive/tar"
	"fmt"
	"io"
	"os"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
)

// lazyData is the data member of a package that openLocked verified and
// closed. It opens the file again when the layer asks for the first entry
// and releases the file and its decompressor at the end, so that only one
// package is open at a time: a decompressor costs about 45 KB, and a layer
// may hold thousands of packages.
type lazyData struct {
	path, id string
	checksum string // the Q1 openLocked verified
	kr       *keyring.Keyring

	f    *os.File
	p    *apkfile.Package
	done bool
	err  error // sticky
}

// Next opens the package on the first call and returns the entries of its
// data member; apkfile checks each file's SHA-1 and, before io.EOF, the
// datahash that the verified control member (the Q1 checked here) pins.
func (d *lazyData) Next() (*tar.Header, error) {
	if d.err != nil {
		return nil, d.err
	}
	if d.done {
		return nil, io.EOF
	}
	if d.p == nil {
		if err := d.open(); err != nil {
			d.err = err
			return nil, err
		}
	}
	h, err := d.p.Next()
	if err != nil {
		if err == io.EOF {
			d.done = true
		} else {
			d.err = err
		}
		d.Close()
	}
	return h, err
}

// open reopens the file and insists that it is still the package that was
// verified: Bazel inputs do not change during an action, but a file
// swapped underneath must not go unnoticed.
func (d *lazyData) open() error {
	fail := func(format string, a ...interface{}) error {
		return fmt.Errorf("package file %s for %s: %s", d.path, d.id, fmt.Sprintf(format, a...))
	}
	f, err := os.Open(d.path)
	if err != nil {
		return fail("reopening: %v", err)
	}
	p, err := apkfile.Open(f, d.path, d.kr, apkfile.Options{})
	if err != nil {
		f.Close()
		return fail("%v; it changed after it was verified: keep the inputs unchanged during the build", err)
	}
	if p.Checksum != d.checksum {
		f.Close()
		return fail("checksum %s differs from the %s verified before; the file changed during the build: keep the inputs unchanged", p.Checksum, d.checksum)
	}
	d.f, d.p = f, p
	return nil
}

// Read reads the current entry's content.
func (d *lazyData) Read(b []byte) (int, error) {
	if d.p == nil {
		if d.err != nil {
			return 0, d.err
		}
		return 0, io.EOF
	}
	return d.p.Read(b)
}

// Close releases the file and the decompressor; a later Next after an
// unfinished read fails.
func (d *lazyData) Close() error {
	if d.p == nil {
		return nil
	}
	d.p.Close()
	d.p = nil
	err := d.f.Close()
	d.f = nil
	if !d.done && d.err == nil {
		d.err = fmt.Errorf("package file %s for %s: closed before its data was read", d.path, d.id)
	}
	return err
}
