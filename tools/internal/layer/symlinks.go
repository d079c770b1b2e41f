package layer

import (
	"archive/tar"
	"fmt"
	"sort"
	"strings"
)

// maxHops bounds the symlinks followed while judging one target, as
// Linux's MAXSYMLINKS (40) bounds path resolution.
const maxHops = 40

// maxSteps bounds the path components walked for all symlinks of a layer
// together: real layers need a few per symlink; a crafted one (long
// targets through "x -> ." links) could otherwise cost minutes.
const maxSteps = 1 << 24

// checkSymlinks judges every symlink of the merged tree against the tree
// itself: the text of a target can look harmless ("x/x/../../etc") while
// the symlinks it passes through (x -> .) take it above the root once the
// layer is unpacked on a host. It runs after all packages are merged,
// because a later package's symlink can change where an earlier one
// points. Keys are visited in order, so the error is deterministic.
func (t *tree) checkSymlinks() error {
	var links []string
	for k, e := range t.entries {
		if e.typ == tar.TypeSymlink {
			links = append(links, k)
		}
	}
	sort.Strings(links)
	budget := maxSteps
	for _, k := range links {
		e := t.entries[k]
		if reason := t.resolve(parent(k), e.linkname(), &budget); reason != "" {
			return &UnsafePathError{Package: t.label(e.owner), Path: k,
				Reason: fmt.Sprintf("is a symlink to %q, which %s", e.linkname(), reason)}
		}
	}
	return nil
}

// resolve walks target from the directory dir (a key) as the kernel would,
// replacing each component that is a symlink of the tree by its target.
// It returns why the walk is refused: it climbs above the root, or it
// follows more than maxHops symlinks (a loop or a chain built to be slow).
// Components the tree does not have are taken as plain directories.
func (t *tree) resolve(dir, target string, budget *int) string {
	var stack []string // the physical directory reached so far
	if dir != "" && !strings.HasPrefix(target, "/") {
		stack = strings.Split(dir, "/")
	}
	todo := strings.Split(target, "/")
	via := ""
	for hops := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		if *budget--; *budget < 0 {
			return fmt.Sprintf("could not be judged: the layer's symlinks take more than %d steps to judge, far more than any real layer; the packages are hostile", maxSteps)
		}
		switch c {
		case "", ".":
			continue
		case "..":
			if len(stack) == 0 {
				if via == "" {
					return "climbs above the root"
				}
				return fmt.Sprintf("climbs above the root through the symlink /%s", via)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		key := strings.Join(append(stack, c), "/")
		e := t.entries[key]
		if e == nil || e.typ != tar.TypeSymlink {
			stack = append(stack, c)
			continue
		}
		if hops++; hops > maxHops {
			return fmt.Sprintf("passes through more than %d symlinks (a loop or a chain; the kernel gives up there too)", maxHops)
		}
		via = key
		link := e.linkname()
		if strings.HasPrefix(link, "/") {
			stack = nil
		}
		todo = append(strings.Split(link, "/"), todo...)
	}
	return ""
}
