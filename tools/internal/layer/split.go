package layer

import (
	"io"
	"sort"
)

// Group is one layer of a split write.
type Group struct {
	// Origins are the origins whose packages' files the layer holds, in
	// install order; the last layer of a split also holds every other
	// package and the generated files (apk database, accounts, ...).
	Origins []string
	// Packages are the indexes (in install order) of those packages.
	Packages []int
}

// EmitFunc receives layer i: it calls writeTo with the writer of the
// layer's uncompressed tar stream.
type EmitFunc func(i int, g Group, writeTo func(io.Writer) error) error

// WriteSplit is Write into at most maxLayers layers grouped by origin (a
// package's origin, or its name without one): the maxLayers-1 origins with
// the most bytes each get a layer of their own, in install order, and the
// last layer holds the rest. Every layer carries the directories above its
// entries, so each unpacks alone. maxLayers < 2 writes one layer. A change
// to one package changes only its origin's layer (and the last one, where
// the apk database lives).
func WriteSplit(pkgs []Package, opt Options, maxLayers int, emit EmitFunc) (*Result, error) {
	if maxLayers < 1 {
		maxLayers = 1
	}
	return writeLayers(pkgs, opt, maxLayers, emit)
}

// splitByOrigin assigns the tree's entries to at most n layers. For n = 1
// it returns one group and a nil selection (everything).
func splitByOrigin(t *tree, n int) ([]Group, []map[*entry]bool) {
	origin := func(i int32) string {
		if o := t.pkgs[i].Info.Origin; o != "" {
			return o
		}
		return t.pkgs[i].Info.Name
	}
	all := Group{}
	for i := range t.pkgs {
		all.Packages = append(all.Packages, i)
		all.Origins = appendNew(all.Origins, origin(int32(i)))
	}
	if n <= 1 {
		return []Group{all}, []map[*entry]bool{nil}
	}
	size := map[string]int64{}
	for _, e := range t.entries {
		if e.owner >= 0 && e.node != nil {
			size[origin(e.owner)] += e.node.size + int64(len(e.node.extra))
		}
	}
	ranked := append([]string(nil), all.Origins...)
	sort.SliceStable(ranked, func(i, j int) bool {
		if size[ranked[i]] != size[ranked[j]] {
			return size[ranked[i]] > size[ranked[j]]
		}
		return ranked[i] < ranked[j]
	})
	own := map[string]bool{}
	for i := 0; i < len(ranked) && i < n-1; i++ {
		own[ranked[i]] = true
	}
	// Own layers in install order of their origin's first package.
	index := map[string]int{}
	var groups []Group
	for _, o := range all.Origins {
		if own[o] {
			index[o] = len(groups)
			groups = append(groups, Group{Origins: []string{o}})
		}
	}
	rest := len(groups)
	groups = append(groups, Group{})
	for i := range t.pkgs {
		o := origin(int32(i))
		g := rest
		if own[o] {
			g = index[o]
		} else {
			groups[rest].Origins = appendNew(groups[rest].Origins, o)
		}
		groups[g].Packages = append(groups[g].Packages, i)
	}
	keeps := make([]map[*entry]bool, len(groups))
	for i := range keeps {
		keeps[i] = map[*entry]bool{}
	}
	for key, e := range t.entries {
		g := rest
		if e.owner >= 0 && own[origin(e.owner)] && !e.implicit {
			g = index[origin(e.owner)]
		}
		keeps[g][e] = true
		t.addParents(keeps[g], key)
	}
	return groups, keeps
}

// addParents selects the directories above key.
func (t *tree) addParents(keep map[*entry]bool, key string) {
	for i := len(key) - 1; i > 0; i-- {
		if key[i] == '/' {
			if d := t.entries[key[:i]]; d != nil {
				if keep[d] {
					return // its parents are selected already
				}
				keep[d] = true
			}
		}
	}
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
