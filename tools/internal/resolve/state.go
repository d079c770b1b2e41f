package resolve

// mark is a point in the selection's history to return to.
type mark struct{ order, conflicts, skipped int }

func (s *solver) mark() mark {
	return mark{len(s.order), len(s.conflicts), len(s.skipped)}
}

// add selects c: its name, everything it provides and its conflicts.
func (s *solver) add(c *cand) {
	s.selected[c.rec.Name] = c
	s.order = append(s.order, c)
	for _, pr := range c.provides {
		s.provided[pr.name] = append(s.provided[pr.name], provider{c, pr.version})
	}
	for _, a := range c.conflicts {
		s.conflicts = append(s.conflicts, conflict{atom: a, from: c})
	}
}

// rollback undoes every add since m, newest first, so each package's
// provides are the last entries of their lists when removed.
func (s *solver) rollback(m mark) {
	for len(s.order) > m.order {
		c := s.order[len(s.order)-1]
		s.order = s.order[:len(s.order)-1]
		delete(s.selected, c.rec.Name)
		for i := len(c.provides) - 1; i >= 0; i-- {
			name := c.provides[i].name
			list := s.provided[name][:len(s.provided[name])-1]
			if len(list) == 0 {
				delete(s.provided, name)
			} else {
				s.provided[name] = list
			}
		}
	}
	s.conflicts = s.conflicts[:m.conflicts]
	s.skipped = s.skipped[:m.skipped]
}

// installIf adds, by package name, the packages whose install_if
// conditions the selection meets; each addition may trigger more, so it
// ends in solve again. A triggered package that cannot be installed is
// skipped rather than failing the whole resolution, as apk does.
func (s *solver) installIf() error {
	for _, name := range s.ifs {
		if s.selected[name] != nil || s.isSkipped(name) {
			continue
		}
		var cands []provider
		for _, p := range s.byName[name] {
			c := p.c
			if c.rec.Name != name || len(c.installIf) == 0 || c.broken != "" || c.tag != "" {
				continue
			}
			if s.triggered(c) && s.excluded(c) == "" {
				cands = append(cands, p)
			}
		}
		if len(cands) == 0 {
			continue
		}
		sortProviders(cands)
		saved := s.firstErr
		chain := []string{"install_if"}
		err := s.try(cands, func(c *cand) *item { return s.push(nil, c, chain, "") })
		if err == nil {
			return nil
		}
		s.firstErr = saved
		s.skipped = append(s.skipped, name)
		return s.installIf()
	}
	return nil
}

func (s *solver) isSkipped(name string) bool {
	for _, n := range s.skipped {
		if n == name {
			return true
		}
	}
	return false
}

// triggered reports whether every install_if atom of c holds.
func (s *solver) triggered(c *cand) bool {
	for _, a := range c.installIf {
		if !s.satisfied(a) {
			return false
		}
	}
	return true
}
