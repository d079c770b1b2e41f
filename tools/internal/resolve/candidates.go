package resolve

import (
	"fmt"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/version"
)

// why says why an atom has no candidate: the reason for its error (or the
// dead candidate whose dead end explains it); static
// when no selection could change that (every provider is broken, known to
// be dead or of the wrong version); deferred when only virtual providers
// without provider_priority are left and the name waits until the end.
type why struct {
	reason           string
	dead             *cand
	static, deferred bool
}

// candidates returns the providers that may be chosen for it.atom, best
// first, or none and why.
func (s *solver) candidates(it *item) ([]provider, why) {
	a, tag := it.atom, it.tag
	all := s.names.get(a.Name)
	s.work += len(all)
	if a.Tag != "" && !s.tags[a.Tag] {
		return nil, why{reason: fmt.Sprintf("no repository is tagged @%s; add a repository with that tag or drop @%s", a.Tag, a.Tag), static: true}
	}
	if len(all) == 0 {
		return nil, why{reason: fmt.Sprintf("no package provides %s (in repositories: %s); check the package name, the repositories and the architecture", a.Name, s.repoList()), static: true}
	}
	var out, virtual []provider
	// Report the rejection that got furthest through the checks below:
	// "foo-2 conflicts with ..." says more than "foo-1 is too old". The
	// message is written once, at the end: a name may have many providers.
	static, stage := true, 0
	var worst provider
	reject := func(p provider, st int, isStatic bool) {
		static = static && isStatic
		if st > stage {
			worst, stage = p, st
		}
	}
	for _, p := range all {
		p.c.parse()
		switch {
		case p.c.broken != "":
			reject(p, 1, true)
		case p.c.dead != nil:
			reject(p, 2, true)
		case p.c.tag != "" && p.c.tag != tag:
			reject(p, 3, false)
		case !matches(p, a):
			reject(p, 4, true)
		case s.excluded(p.c) != "":
			reject(p, 6, false)
		case p.version == "" && p.c.rec.ProviderPriority == 0 && a.Checksum == "":
			// is_provider_auto_selectable: a virtual provider without
			// provider_priority is not chosen on its own.
			virtual = append(virtual, p)
		default:
			out = append(out, p)
		}
	}
	w := why{static: static}
	switch c := worst.c; stage {
	case 1:
		w.reason = c.broken + "; use another repository or package"
	case 2:
		w.dead = c
	case 3:
		w.reason = fmt.Sprintf("%s is only in the repository tagged @%s; request it as %s@%s", c.id(), c.tag, a.Name, c.tag)
	case 4:
		w.reason = fmt.Sprintf("no candidate matches; available: %s", s.available(a.Name))
	case 6:
		w.reason = s.excluded(c)
	}
	if len(out) > 0 {
		return dedupe(sortProviders(out)), why{}
	}
	if len(virtual) == 0 {
		return nil, w
	}
	if !it.late {
		return nil, why{deferred: true}
	}
	virtual = dedupe(sortProviders(virtual))
	if samePackage(virtual) {
		return virtual, why{} // a sole provider, as apk-tools 2.12 and apko take it
	}
	ids := make([]string, len(virtual))
	for i, p := range virtual {
		ids[i] = p.c.id()
	}
	return nil, why{reason: fmt.Sprintf("%s is a virtual name provided by %s, none with a provider_priority; add the one you want to the world (e.g. %s)",
		a.Name, strings.Join(ids, ", "), virtual[0].c.rec.Name)}
}

// samePackage reports whether every provider is a version of one package.
func samePackage(ps []provider) bool {
	for _, p := range ps {
		if p.c.rec.Name != ps[0].c.rec.Name {
			return false
		}
	}
	return true
}

// dedupe drops later copies of a package (same name, version and
// checksum) from sorted providers: apk treats them as one package offered
// by several repositories, and the earliest repository sorts first.
func dedupe(ps []provider) []provider {
	if len(ps) < 2 {
		return ps
	}
	type id struct{ name, version, checksum string }
	seen := make(map[id]bool, len(ps))
	out := ps[:0]
	for _, p := range ps {
		k := id{p.c.rec.Name, p.c.rec.Version, p.c.rec.Checksum}
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	return out
}

func sortProviders(ps []provider) []provider {
	sort.SliceStable(ps, func(i, j int) bool { return better(ps[i], ps[j]) })
	return ps
}

// better follows apk-tools' compare_providers for what a lock can hold
// (no installed packages, no pinning beyond tags, no --latest): the
// requested name's version, where a virtual's null version compares equal
// to any (apk_version_compare_fuzzy); then, between versions of one
// package, its version; then provider_priority; then the earlier
// repository. apk keeps index order among the rest; the package name and
// index position make the answer independent of it.
func better(x, y provider) bool {
	if x.version != "" && y.version != "" {
		if r := version.Compare(x.version, y.version); r != 0 {
			return r > 0
		}
	}
	if x.c.rec.Name == y.c.rec.Name {
		if r := version.Compare(x.c.rec.Version, y.c.rec.Version); r != 0 {
			return r > 0
		}
	}
	if x.c.rec.ProviderPriority != y.c.rec.ProviderPriority {
		return x.c.rec.ProviderPriority > y.c.rec.ProviderPriority
	}
	if x.c.repo != y.c.repo {
		return x.c.repo < y.c.repo
	}
	if x.c.rec.Name != y.c.rec.Name {
		return x.c.rec.Name < y.c.rec.Name
	}
	return x.c.pos < y.c.pos
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
	for _, p := range s.names.get(name) {
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
