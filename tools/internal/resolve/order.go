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
	// Depth first with an explicit stack: a chain thousands of packages
	// deep must not grow the call stack.
	done := make(map[*cand]bool, len(byName))
	type frame struct {
		c    *cand
		next int // the next dependency to visit
	}
	out := make([]*cand, 0, len(byName))
	var stack []frame
	for _, root := range byName {
		if done[root] {
			continue
		}
		done[root] = true
		stack = append(stack[:0], frame{c: root})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(f.c.deps) {
				a := f.c.deps[f.next]
				f.next++
				if d := s.providerOf(a); d != nil && !done[d] {
					done[d] = true
					stack = append(stack, frame{c: d})
				}
				continue
			}
			out = append(out, f.c)
			stack = stack[:len(stack)-1]
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
