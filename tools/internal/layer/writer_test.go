package layer

import (
	"archive/tar"
	"math/rand"
	"sort"
	"testing"
)

// tarLess must order entries exactly as their tar names sort, which is
// how the layer's order is defined.
func TestTarLessMatchesNameOrder(t *testing.T) {
	parts := []string{"a", "a-b", "a.b", "ab", "b", "usr", "usr-x", "usr.x", "/", "A", "~"}
	rng := rand.New(rand.NewSource(1))
	seen := map[string]bool{}
	var es []*entry
	for len(es) < 2000 {
		key := parts[rng.Intn(len(parts)-2)]
		for n := rng.Intn(4); n > 0; n-- {
			p := parts[rng.Intn(len(parts))]
			if p == "/" {
				p = "/" + parts[rng.Intn(len(parts)-3)]
			}
			key += p
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		typ := byte(tar.TypeReg)
		if rng.Intn(2) == 0 {
			typ = tar.TypeDir
		}
		es = append(es, &entry{key: key, typ: typ})
	}
	var want []string
	for _, e := range es {
		want = append(want, tarName(e.key, e.typ == tar.TypeDir))
	}
	sort.Strings(want)
	sort.Slice(es, func(i, j int) bool { return tarLess(es[i], es[j]) })
	for i, e := range es {
		if got := tarName(e.key, e.typ == tar.TypeDir); got != want[i] {
			t.Fatalf("position %d: %q, want %q", i, got, want[i])
		}
	}
}
