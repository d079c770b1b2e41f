package image

import (
	"fmt"
	"os"
	"path/filepath"
)

// writeAtomic builds a directory with build in a temporary sibling of dir and
// renames it to dir. An existing dir (Bazel creates declared directory
// outputs empty beforehand) is replaced only once build has succeeded; on
// failure the temporary directory is removed and dir is left untouched.
func writeAtomic(dir string, build func(tmp string) error) (err error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("creating a temporary directory next to %s (is its parent writable?): %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := build(tmp); err != nil {
		return err
	}
	// MkdirTemp makes 0700; a layout is meant to be read by other tools.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("setting permissions on %s: %w", tmp, err)
	}
	return replaceDir(tmp, dir)
}

// replaceDir renames tmp to dir. An existing dir is first moved aside (Go's
// os.Rename refuses to replace a directory, even an empty one) and put back
// if the final rename fails.
func replaceDir(tmp, dir string) error {
	if _, err := os.Lstat(dir); os.IsNotExist(err) {
		return rename(tmp, dir)
	}
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	// Reserve a fresh name, then free it so that dir can be renamed to it.
	old, err := os.MkdirTemp(parent, "."+base+".old-")
	if err != nil {
		return fmt.Errorf("making room for %s: %w", dir, err)
	}
	if err := os.Remove(old); err != nil {
		return fmt.Errorf("making room for %s: %w", dir, err)
	}
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("moving the existing %s aside (remove it and retry): %w", dir, err)
	}
	if err := rename(tmp, dir); err != nil {
		os.Rename(old, dir)
		return err
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("removing the previous %s (moved to %s): %w", dir, old, err)
	}
	return nil
}

func rename(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("moving the finished layout to %s: %w", to, err)
	}
	return nil
}
