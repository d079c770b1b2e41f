package resolve

import (
	"fmt"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// CheckOrder checks that pkgs, a complete selection as a lock lists it, can
// be installed in the order given: no package conflicts ("!") with another,
// every dependency is provided by one of pkgs, and by one listed earlier
// unless the two are in a dependency cycle (apk allows cycles; any order
// inside one is valid). A lock is written in
// install order, so a failure means it was edited by hand or damaged. The
// error names both packages and the dependency.
func CheckOrder(pkgs []apkindex.Record) error {
	cands := make([]*cand, len(pkgs))
	for i := range pkgs {
		cands[i] = newCand(&pkgs[i], 0, i, Repository{URL: "the lock"})
		cands[i].parse()
		if cands[i].broken != "" {
			return fmt.Errorf("resolve: %s", cands[i].broken)
		}
	}
	// edges[i] lists the packages that satisfy a dependency of pkgs[i].
	edges := make([][]int, len(pkgs))
	type late struct {
		pkg, dep int
		atom     Atom
	}
	var lates []late
	for i, c := range cands {
		for _, a := range c.deps {
			j := firstProvider(cands, a)
			if j < 0 {
				return fmt.Errorf("resolve: %s depends on %s, which none of the packages provides; the package list is incomplete", c.id(), a)
			}
			if j == i {
				continue
			}
			edges[i] = append(edges[i], j)
			if j > i {
				lates = append(lates, late{i, j, a})
			}
		}
	}
	// "!" conflicts hold at install time too: apk refuses to install a
	// package with one that matches another package of the set
	// (assign_name / disqualify_package; apk_dep_is_provided).
	for i, c := range cands {
		for _, a := range c.conflicts {
			if j := firstProviderExcept(cands, a, i); j >= 0 {
				return fmt.Errorf("resolve: %s declares !%s but %s is in the list too; apk does not install them together",
					c.id(), a, cands[j].id())
			}
		}
	}
	for _, l := range lates {
		if !reaches(edges, l.dep, l.pkg) {
			return fmt.Errorf("resolve: %s (#%d) is listed before %s (#%d), which provides its dependency %s; the list is not in install order",
				cands[l.pkg].id(), l.pkg+1, cands[l.dep].id(), l.dep+1, l.atom)
		}
	}
	return nil
}

// firstProvider returns the index of the first package that satisfies a,
// or -1.
func firstProvider(cands []*cand, a Atom) int {
	return firstProviderExcept(cands, a, -1)
}

// firstProviderExcept is firstProvider ignoring cands[skip].
func firstProviderExcept(cands []*cand, a Atom, skip int) int {
	for j, c := range cands {
		if j == skip {
			continue
		}
		for _, pr := range c.provides {
			if pr.name == a.Name && matches(provider{c, pr.version}, a) {
				return j
			}
		}
	}
	return -1
}

// reaches reports whether to can be reached from from along edges.
func reaches(edges [][]int, from, to int) bool {
	seen := make([]bool, len(edges))
	stack := []int{from}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == to {
			return true
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		stack = append(stack, edges[n]...)
	}
	return false
}
