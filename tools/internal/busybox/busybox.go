package busybox

import (
	"embed"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
)

//go:embed applets/*.txt
var lists embed.FS

// Binary is where the links point.
const Binary = "/bin/busybox"

// upstream is the upstream part of an apk version: 1.36.1 of 1.36.1-r3.
var upstream = regexp.MustCompile(`^(\d+\.\d+\.\d+)`)

// Versions lists the busybox versions with a kept applet list.
func Versions() []string {
	ents, _ := lists.ReadDir("applets")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".txt"))
	}
	sort.Strings(out)
	return out
}

// Links returns the applet links (relative paths, sorted, without the
// binary itself) kept for the busybox package version pkgVersion.
func Links(pkgVersion string) ([]string, error) {
	m := upstream.FindString(pkgVersion)
	if m == "" {
		return nil, fmt.Errorf("busybox version %q has no upstream x.y.z part", pkgVersion)
	}
	b, err := lists.ReadFile("applets/" + m + ".txt")
	if err != nil {
		return nil, fmt.Errorf("no applet list for busybox %s (kept: %s): add tools/internal/busybox/applets/%s.txt with refresh.sh, ship /etc/busybox-paths.d/busybox in the package, or turn busybox links off",
			m, strings.Join(Versions(), ", "), m)
	}
	return Parse(b)
}

// Parse reads a list of absolute or relative paths, one a line; '#'
// starts a comment. The result is clean, relative, sorted and unique, and
// leaves out the busybox binary itself.
func Parse(b []byte) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := path.Clean("/" + line)
		if p == "/" || p != "/"+strings.TrimPrefix(line, "/") {
			return nil, fmt.Errorf("line %d: %q is not a clean path", i+1, line)
		}
		if p == Binary || seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, p[1:])
	}
	sort.Strings(out)
	return out, nil
}
