package resolve

import (
	"context"
	"fmt"
	"sort"
)

// defaultBudget is the work the solver may do on top of budgetPerName per
// name the repositories provide: resolving without dead ends costs a few
// steps per package, so only a search that keeps backtracking reaches it.
const (
	defaultBudget = 1 << 20
	budgetPerName = 8
)

// ctxEvery is how many steps pass between looks at the context: often
// enough to stop within milliseconds, rarely enough to cost nothing.
const ctxEvery = 4096

// item is one pending atom. The agenda is an immutable list, so going back
// to an earlier choice needs no copying.
type item struct {
	atom Atom
	via  *link // the package whose dependency this is; nil for world
	tag  string
	late bool // a pure virtual name, decided after everything else
	next *item
}

// link is one step of a dependency chain, shared by every dependency of the
// package: a chain costs one link per selected package, not a copy per level.
type link struct {
	c   *cand // nil for the root
	iif bool  // the root of an install_if package's dependencies
	up  *link
}

// chain spells the links out for an error: "world", then package names.
func (l *link) chain() []string {
	var names []string
	root := "world"
	for ; l != nil; l = l.up {
		if l.c == nil {
			if l.iif {
				root = "install_if"
			}
			break
		}
		names = append(names, l.c.rec.Name)
	}
	out := make([]string, 0, len(names)+1)
	out = append(out, root)
	for i := len(names) - 1; i >= 0; i-- {
		out = append(out, names[i])
	}
	return out
}

var iifRoot = &link{iif: true}

// conflict is a "!" atom in force, with the package that declared it
// (nil for world).
type conflict struct {
	atom Atom
	from *cand
}

// choice is a decision with alternatives left, to return to on a dead end.
type choice struct {
	it    *item // the atom decided; nil for an install_if name
	late  *item // the pure virtual names waiting at that point
	cands []provider
	next  int
	m     mark
	iif   string // the install_if package name decided
	err   error  // firstErr when the install_if decision was made
}

type solver struct {
	repos []Repository
	names *nameIndex // every candidate, by each name it provides
	tags  map[string]bool
	ifs   []string // names of packages with install_if, sorted

	// The selection, undone in reverse order on backtracking.
	selected  map[string]*cand      // by package name
	order     []*cand               // in the order chosen
	provided  map[string][]provider // names the selection provides
	conflicts []conflict
	skipped   []string // install_if names that could not be installed

	work, budget int
	firstErr     error           // the first dead end: what the greedy path ran into
	ctx          context.Context // nil: never cancelled
}

func newSolver(repos []Repository, budget int) *solver {
	s := &solver{
		repos: repos,
		tags:  map[string]bool{},
		// Sized for a few hundred packages: growing them was a visible
		// part of resolving an Alpine-sized world.
		selected: make(map[string]*cand, 512),
		provided: make(map[string][]provider, 2048),
	}
	// Size everything up front: the index is read once, and growing the
	// name map and small slices was most of the solver's time.
	recs, names := 0, 0
	for _, r := range repos {
		recs += len(r.Packages)
		for i := range r.Packages {
			names += 1 + len(r.Packages[i].Provides)
		}
	}
	cands := make([]cand, recs)
	provides := make([]provide, 0, names)
	k := 0
	for ri, r := range repos {
		if r.Tag != "" {
			s.tags[r.Tag] = true
		}
		for pi := range r.Packages {
			c := &cands[k]
			k++
			provides = c.init(&r.Packages[pi], ri, pi, r, provides)
			if len(c.rec.InstallIf) > 0 {
				s.ifs = append(s.ifs, c.rec.Name)
			}
		}
	}
	s.names = buildNames(cands, len(provides))
	sort.Strings(s.ifs)
	s.ifs = uniq(s.ifs)
	s.budget = budget
	if budget <= 0 {
		s.budget = defaultBudget + budgetPerName*names
	}
	return s
}

// BudgetError is returned when the search used up its budget of steps; it
// wraps the first dead end the search met.
type BudgetError struct {
	Steps int
	First error
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("%v (the search gave up after %d steps trying other candidates; request the packages more precisely, e.g. name=version)", e.First, e.Steps)
}

func (e *BudgetError) Unwrap() error { return e.First }

// run satisfies the agenda, then the pure virtual names it put aside, then
// install_if, backtracking to the latest choice with an alternative left
// at a dead end. It is a loop over an explicit stack of choices, so deep
// dependency chains use no call stack, and only decisions that had
// alternatives are remembered.
func (s *solver) run(ag *item) error {
	var late *item
	var stack []choice
	for {
		s.work++
		if s.work > s.budget {
			return &BudgetError{Steps: s.budget, First: s.firstErr}
		}
		if s.work%ctxEvery == 0 && s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return fmt.Errorf("resolving stopped after %d steps: %w", s.work, err)
			}
		}
		var dead error
		switch {
		case ag != nil:
			it := ag
			if s.satisfied(it.atom) {
				ag = it.next
				continue
			}
			cands, why := s.candidates(it)
			if why.deferred {
				late = &item{atom: it.atom, via: it.via, tag: it.tag, late: true, next: late}
				ag = it.next
				continue
			}
			if len(cands) == 0 {
				dead = s.fail(it, why)
				if why.static {
					if it.via == nil {
						return dead // a world atom nothing can ever meet
					}
					if c := it.via.c; c != nil && c.dead == nil {
						c.dead = deadEndOf(it, why)
					}
				}
				break
			}
			if len(cands) > 1 {
				stack = append(stack, choice{it: it, late: late, cands: cands, next: 1, m: s.mark()})
			}
			s.add(cands[0].c)
			ag = s.push(it.next, cands[0].c, it.via, it.tag)
			continue
		case late != nil:
			it := *late
			late = late.next
			it.next = nil
			ag = &it
			continue
		default:
			name, cands := s.nextIf()
			if name == "" {
				return nil
			}
			stack = append(stack, choice{cands: cands, next: 1, m: s.mark(), iif: name, err: s.firstErr})
			s.add(cands[0].c)
			ag = s.push(nil, cands[0].c, iifRoot, "")
			continue
		}
		// A dead end: resume at the latest choice with an untried
		// candidate that is not known to be dead.
		for {
			if len(stack) == 0 {
				return dead
			}
			ch := &stack[len(stack)-1]
			s.rollback(ch.m)
			for ch.next < len(ch.cands) && ch.cands[ch.next].c.dead != nil {
				ch.next++
			}
			if ch.next < len(ch.cands) {
				c := ch.cands[ch.next].c
				ch.next++
				s.add(c)
				if ch.iif != "" {
					ag, late = s.push(nil, c, iifRoot, ""), nil
				} else {
					ag, late = s.push(ch.it.next, c, ch.it.via, ch.it.tag), ch.late
				}
				break
			}
			stack = stack[:len(stack)-1]
			if ch.iif != "" {
				// An install_if package that cannot be installed is
				// left out rather than failing the whole resolution.
				s.firstErr = ch.err
				s.skipped = append(s.skipped, ch.iif)
				ag, late = nil, nil
				break
			}
		}
	}
}

// fail records the first dead end and returns it. When the atom failed
// because its candidate is known to be dead, the chain goes on to the atom
// that killed it.
func (s *solver) fail(it *item, w why) error {
	err := &UnsatisfiableError{Chain: it.via.chain(), Atom: it.atom.String(), Reason: w.reason}
	if d := w.dead; d != nil {
		err.Chain = append(append(err.Chain, d.rec.Name), d.dead.rest...)
		err.Atom, err.Reason = d.dead.atom, d.dead.reason
	}
	if s.firstErr == nil {
		s.firstErr = err
	}
	return err
}

// deadEndOf is the dead end the parent of it learns from its static
// failure.
func deadEndOf(it *item, w why) *deadEnd {
	if d := w.dead; d != nil {
		return &deadEnd{rest: append([]string{d.rec.Name}, d.dead.rest...), atom: d.dead.atom, reason: d.dead.reason}
	}
	return &deadEnd{atom: it.atom.String(), reason: w.reason}
}

// push puts c's dependencies in front of rest, in their declared order.
func (s *solver) push(rest *item, c *cand, via *link, tag string) *item {
	l := &link{c: c, up: via}
	for i := len(c.deps) - 1; i >= 0; i-- {
		a := c.deps[i]
		t := tag // dependencies inherit the tag that allowed their parent
		if a.Tag != "" {
			t = a.Tag
		}
		rest = &item{atom: a, via: l, tag: t, next: rest}
	}
	return rest
}

// uniq drops repeated strings from a sorted list.
func uniq(xs []string) []string {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
