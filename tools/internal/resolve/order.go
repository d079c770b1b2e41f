package resolve

import "sort"

// installOrder lists the selection with every package after the packages
// it depends on. Roots are visited by name and dependencies in declared
// order, so a cycle (legal in apk) is broken at the same place every time:
// it is entered at its lowest-named package, which is installed after the
// rest of the cycle.
func (s *solver) installOrder() []*cand {
	byName := append([]*cand(nil), s.order...)
	sort.Slice(byName, func(i, j int) bool { return byName[i].rec.Name < byName[j].rec.Name })
	const (
		unseen = iota
		visiting
		done
	)
	state := map[*cand]int{}
	out := make([]*cand, 0, len(byName))
	var visit func(c *cand)
	visit = func(c *cand) {
		state[c] = visiting
		for _, a := range c.deps {
			if d := s.providerOf(a); d != nil && state[d] == unseen {
				visit(d)
			}
		}
		state[c] = done
		out = append(out, c)
	}
	for _, c := range byName {
		if state[c] == unseen {
			visit(c)
		}
	}
	return out
}

// providerOf returns the first selected package that satisfies a.
func (s *solver) providerOf(a Atom) *cand {
	for _, p := range s.provided[a.Name] {
		if matches(p, a) {
			return p.c
		}
	}
	return nil
}
