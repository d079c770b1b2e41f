package resolve

import (
	"fmt"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/version"
)

// maxAttempts bounds backtracking: candidate choices can multiply, and a
// dependency that no choice can satisfy would otherwise make the solver
// try every combination before giving up.
const maxAttempts = 10000

// item is one pending atom. The agenda is an immutable list, so going back
// to an earlier choice needs no copying.
type item struct {
	atom  Atom
	chain []string // "world", then the packages that led to atom
	tag   string   // the repository tag this atom may use
	next  *item
}

// conflict is a "!" atom in force, with the package that declared it
// (nil for world).
type conflict struct {
	atom Atom
	from *cand
}

type solver struct {
	repos  []Repository
	byName map[string][]provider // every candidate, by each name it provides
	tags   map[string]bool
	ifs    []string // names of packages with install_if, sorted

	// The selection, undone in reverse order on backtracking.
	selected  map[string]*cand      // by package name
	order     []*cand               // in the order chosen
	provided  map[string][]provider // names the selection provides
	conflicts []conflict
	skipped   []string // install_if names that could not be installed

	attempts int
	firstErr error // the first dead end: what the greedy path ran into
}

func newSolver(repos []Repository) *solver {
	s := &solver{
		repos:    repos,
		byName:   map[string][]provider{},
		tags:     map[string]bool{},
		selected: map[string]*cand{},
		provided: map[string][]provider{},
	}
	seenIf := map[string]bool{}
	for ri, r := range repos {
		if r.Tag != "" {
			s.tags[r.Tag] = true
		}
		for pi := range r.Packages {
			c := newCand(&r.Packages[pi], ri, pi, r)
			for _, p := range c.provides {
				s.byName[p.name] = append(s.byName[p.name], provider{c, p.version})
			}
			if len(c.installIf) > 0 && !seenIf[c.rec.Name] {
				seenIf[c.rec.Name] = true
				s.ifs = append(s.ifs, c.rec.Name)
			}
		}
	}
	sort.Strings(s.ifs)
	return s
}

// fail records the first dead end and returns it.
func (s *solver) fail(it *item, reason string) error {
	err := &UnsatisfiableError{Chain: it.chain, Atom: it.atom.String(), Reason: reason}
	if s.firstErr == nil {
		s.firstErr = err
	}
	return err
}

// solve satisfies the agenda in order, then install_if. On success the
// selection holds the answer; on failure it is as it was on entry.
func (s *solver) solve(ag *item) error {
	for ag != nil && s.satisfied(ag.atom) {
		ag = ag.next
	}
	if ag == nil {
		return s.installIf()
	}
	cands, reason := s.candidates(ag.atom, ag.tag)
	if len(cands) == 0 {
		return s.fail(ag, reason)
	}
	return s.try(cands, func(c *cand) *item { return s.push(ag.next, c, ag.chain, ag.tag) })
}

// try selects each candidate in turn and solves what follows from it.
// Identical packages from several repositories are tried once.
func (s *solver) try(cands []provider, rest func(*cand) *item) error {
	tried := map[string]bool{}
	for _, p := range cands {
		if s.attempts >= maxAttempts {
			break
		}
		key := p.c.id() + "\x00" + p.c.rec.Checksum
		if tried[key] {
			continue
		}
		tried[key] = true
		s.attempts++
		m := s.mark()
		s.add(p.c)
		if s.solve(rest(p.c)) == nil {
			return nil
		}
		s.rollback(m)
	}
	if s.firstErr != nil {
		return s.firstErr
	}
	return fmt.Errorf("resolve: gave up after %d attempts to combine candidates; request fewer or more specific packages", maxAttempts)
}

// push puts c's dependencies in front of rest, in their declared order.
func (s *solver) push(rest *item, c *cand, chain []string, tag string) *item {
	sub := make([]string, len(chain)+1)
	copy(sub, chain)
	sub[len(chain)] = c.rec.Name
	for i := len(c.deps) - 1; i >= 0; i-- {
		a := c.deps[i]
		t := tag // dependencies inherit the tag that allowed their parent
		if a.Tag != "" {
			t = a.Tag
		}
		rest = &item{atom: a, chain: sub, tag: t, next: rest}
	}
	return rest
}

// matches reports whether provider p meets atom a (ignoring a.Conflict).
func matches(p provider, a Atom) bool {
	switch {
	case a.Checksum != "":
		return p.c.rec.Checksum == a.Checksum
	case a.Op == 0:
		return true
	case p.version == "":
		return false // a virtual has no version to compare
	}
	return version.Match(p.version, a.Op, a.Version)
}

// satisfied reports whether the selection meets a; for a conflict atom,
// whether nothing selected matches it.
func (s *solver) satisfied(a Atom) bool {
	for _, p := range s.provided[a.Name] {
		if matches(p, a) {
			return !a.Conflict
		}
	}
	return a.Conflict
}

// candidates returns the providers that may be chosen for a, best first,
// or none and the reason.
func (s *solver) candidates(a Atom, tag string) ([]provider, string) {
	all := s.byName[a.Name]
	if a.Tag != "" && !s.tags[a.Tag] {
		return nil, fmt.Sprintf("no repository is tagged @%s; add a repository with that tag or drop @%s", a.Tag, a.Tag)
	}
	if len(all) == 0 {
		return nil, fmt.Sprintf("no package provides %s (in repositories: %s); check the package name, the repositories and the architecture", a.Name, s.repoList())
	}
	var out []provider
	// Report the rejection that got furthest through the checks below:
	// "foo-2 conflicts with ..." says more than "foo-1 is too old".
	why, whyStage := "", 0
	keep := func(p provider, stage int, reason string) {
		if reason == "" {
			out = append(out, p)
		} else if stage > whyStage {
			why, whyStage = reason, stage
		}
	}
	for _, p := range all {
		switch {
		case p.c.broken != "":
			keep(p, 1, p.c.broken+"; use another repository or package")
		case p.c.tag != "" && p.c.tag != tag:
			keep(p, 2, fmt.Sprintf("%s is only in the repository tagged @%s; request it as %s@%s", p.c.id(), p.c.tag, a.Name, p.c.tag))
		case p.version == "" && !p.c.rec.HasPriority && a.Checksum == "":
			keep(p, 3, fmt.Sprintf("%s is a virtual name and its provider %s has no provider_priority; request the provider by name", a.Name, p.c.id()))
		case !matches(p, a):
			keep(p, 4, fmt.Sprintf("no candidate matches; available: %s", s.available(a.Name)))
		default:
			keep(p, 5, s.excluded(p.c))
		}
	}
	sortProviders(out)
	return out, why
}

func sortProviders(ps []provider) {
	sort.SliceStable(ps, func(i, j int) bool { return better(ps[i], ps[j]) })
}

// better is the preference order documented on Resolve.
func better(x, y provider) bool {
	if (x.version != "") != (y.version != "") {
		return x.version != ""
	}
	if r := version.Compare(x.version, y.version); r != 0 {
		return r > 0
	}
	if x.c.rec.ProviderPriority != y.c.rec.ProviderPriority {
		return x.c.rec.ProviderPriority > y.c.rec.ProviderPriority
	}
	if r := version.Compare(x.c.rec.Version, y.c.rec.Version); r != 0 {
		return r > 0
	}
	if x.c.repo != y.c.repo {
		return x.c.repo < y.c.repo
	}
	if x.c.rec.Name != y.c.rec.Name {
		return x.c.rec.Name < y.c.rec.Name
	}
	return x.c.pos < y.c.pos
}

// excluded says why c cannot join the current selection, or "".
func (s *solver) excluded(c *cand) string {
	if sel := s.selected[c.rec.Name]; sel != nil && sel != c {
		return fmt.Sprintf("%s is already selected and only one version of a package can be installed", sel.id())
	}
	for _, pr := range c.provides {
		if pr.version == "" {
			continue
		}
		for _, q := range s.provided[pr.name] {
			if q.version != "" && q.c != c {
				return fmt.Sprintf("%s and the selected %s both provide %s; only one package may provide a versioned name", c.id(), q.c.id(), pr.name)
			}
		}
	}
	for _, cf := range s.conflicts {
		if cf.from == c {
			continue
		}
		for _, pr := range c.provides {
			if pr.name == cf.atom.Name && matches(provider{c, pr.version}, cf.atom) {
				from := "world"
				if cf.from != nil {
					from = cf.from.id()
				}
				return fmt.Sprintf("%s conflicts with !%s from %s", c.id(), cf.atom, from)
			}
		}
	}
	for _, a := range c.conflicts {
		for _, q := range s.provided[a.Name] {
			if q.c != c && matches(q, a) {
				return fmt.Sprintf("%s declares !%s but %s is already selected", c.id(), a, q.c.id())
			}
		}
	}
	return ""
}

// available lists the versions of name in the repositories, for errors.
func (s *solver) available(name string) string {
	var list []string
	for _, p := range s.byName[name] {
		v := p.version
		if v == "" {
			v = "(virtual)"
		}
		list = append(list, fmt.Sprintf("%s %s from %s", p.c.rec.Name, v, s.repos[p.c.repo].URL))
	}
	return strings.Join(list, ", ")
}

func (s *solver) repoList() string {
	if len(s.repos) == 0 {
		return "none given"
	}
	urls := make([]string, len(s.repos))
	for i, r := range s.repos {
		urls[i] = r.URL
	}
	return strings.Join(urls, ", ")
}
