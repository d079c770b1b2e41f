package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
)

// checkTree compares a directory another tool unpacked (umoci's rootfs, for
// example) with the entries of an expected listing of a one-layer image:
// the same paths, types, modes, owners, sizes, link targets and mtimes, in
// the listing's own entry format, so the format is written in one place.
func checkTree(root, listingFile string) error {
	want, err := listingEntries(listingFile)
	if err != nil {
		return err
	}
	got, err := treeEntries(root)
	if err != nil {
		return err
	}
	if d := diff(strings.Join(want, "\n"), strings.Join(got, "\n")); d != "" {
		return fmt.Errorf("%s differs from %s (-listing +tree):\n%s", root, listingFile, d)
	}
	fmt.Printf("%s: %d entries match %s\n", root, len(got), listingFile)
	return nil
}

// listingEntries returns the entry lines of a listing, sorted by path, with
// what a directory cannot show (tar owner names) left out. A listing of
// more than one layer is refused: its layers overlay each other.
func listingEntries(file string) ([]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out []string
	layers := 0
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "layer ") {
			layers++
		}
		if !strings.HasPrefix(l, "  ") {
			continue
		}
		if i := strings.Index(l, " owner-names "); i >= 0 {
			j := strings.LastIndex(l, " mtime=")
			l = l[:i] + l[j:]
		}
		out = append(out, l)
	}
	if layers != 1 {
		return nil, fmt.Errorf("%s lists %d layers; a tree can be compared with a one-layer listing only", file, layers)
	}
	sortByPath(out)
	return out, nil
}

// treeEntries lists root below its top in the listing's entry format.
func treeEntries(root string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == root {
			return nil
		}
		fi, err := os.Lstat(path)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no owner information", path)
		}
		rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
		var t string
		var size int64
		extra := ""
		switch m := fi.Mode(); {
		case m.IsDir():
			t, rel = "d", rel+"/"
		case m&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			t, extra = "l", " -> "+target
		case m.IsRegular():
			t, size = "-", fi.Size()
		default:
			return fmt.Errorf("%s: unexpected file type %v", path, m.Type())
		}
		out = append(out, fmt.Sprintf("  %s%04o %d:%d %d %s%s mtime=%d",
			t, st.Mode&07777, st.Uid, st.Gid, size, rel, extra, fi.ModTime().Unix()))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", root, err)
	}
	sortByPath(out)
	return out, nil
}

// sortByPath orders entry lines by their path, the fourth field.
func sortByPath(lines []string) {
	key := func(l string) string {
		f := strings.Fields(l)
		if len(f) < 4 {
			return l
		}
		return f[3]
	}
	sort.SliceStable(lines, func(i, j int) bool { return key(lines[i]) < key(lines[j]) })
}
