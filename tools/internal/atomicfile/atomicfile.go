// Package atomicfile replaces files so that a reader sees the old content
// or the new, never a part: the bytes go to a temporary file in the target's
// directory, which is synced and renamed over the target. A failure or an
// abort removes the temporary file and leaves the target as it was.
//
// Use it for files written outside Bazel actions that something else may
// read at any moment or that must survive an interrupt whole: the lock in
// the source tree, downloads, a port file a script polls, generated docs.
// Inside an action plain writes suffice: Bazel discards a failed action's
// outputs.
package atomicfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// File is a temporary file that becomes path on Commit.
type File struct {
	*os.File
	path string
	mode os.FileMode
	done bool
}

// Create opens a temporary file beside path (same directory, so the
// rename cannot cross file systems). Commit gives it mode.
func Create(path string, mode os.FileMode) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &File{File: f, path: path, mode: mode}, nil
}

// Commit syncs the temporary file and renames it over the target. On
// failure the temporary file is removed and the target is untouched.
func (f *File) Commit() (err error) {
	if f.done {
		return fmt.Errorf("writing %s: already committed or aborted", f.path)
	}
	f.done = true
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.File.Close()
			os.Remove(tmp)
			err = fmt.Errorf("writing %s: %w", f.path, err)
		}
	}()
	if err = f.Chmod(f.mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.File.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, f.path); err != nil {
		return err
	}
	// Make the rename itself durable; not every file system can sync a
	// directory, and the file is complete either way.
	if d, derr := os.Open(filepath.Dir(f.path)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort discards the temporary file. It does nothing after Commit, so
// "defer f.Abort()" is the usual cleanup.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	os.Remove(f.Name())
}

// WriteFile writes b to path atomically with mode.
func WriteFile(path string, b []byte, mode os.FileMode) error {
	f, err := Create(path, mode)
	if err != nil {
		return err
	}
	defer f.Abort()
	if _, err := f.Write(b); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Commit()
}
