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
		s.work++
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

// nextIf returns the first install_if package name, by name, whose
// conditions the selection meets and that is neither selected nor skipped,
// with its candidates best first (select_package for a name with
// has_iif: only triggered providers with a valid tag, compare_providers
// among them); "" when there is none.
func (s *solver) nextIf() (string, []provider) {
	for _, name := range s.ifs {
		if s.selected[name] != nil || s.isSkipped(name) {
			continue
		}
		var cands []provider
		for _, p := range s.names.get(name) {
			s.work++
			c := p.c
			if c.rec.Name != name || len(c.rec.InstallIf) == 0 || c.tag != "" {
				continue
			}
			c.parse()
			if c.broken == "" && c.dead == nil && s.triggered(c) && s.excluded(c) == "" {
				cands = append(cands, p)
			}
		}
		if len(cands) > 0 {
			return name, dedupe(sortProviders(cands))
		}
	}
	return "", nil
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
