package resolve

import (
	"context"
	"fmt"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/version"
)

// Repository is one APKINDEX's packages. A repository with a Tag ("edge"
// for "@edge") only serves atoms that name the tag, and the dependencies of
// packages chosen for such atoms; untagged repositories serve every atom.
type Repository struct {
	URL      string
	Tag      string
	Packages []apkindex.Record
}

// Selected is one package the solver chose and where it came from.
type Selected struct {
	Record        apkindex.Record
	Repository    int    // index into the repos given to Resolve
	RepositoryURL string // that repository's URL
}

// Resolve picks packages from repos that satisfy every atom of world (see
// ParseAtom; "!name" forbids a package) and returns them in install order:
// a package after its dependencies, cycles broken by package name. It
// follows apk-tools' solver (src/solver.c); tools/DESIGN.md lists where it
// differs and where apk-tools versions disagree.
//
// A name is satisfied by a package of that name, by a package that
// provides it with a version ("so:libz.so.1=1.3"), or by a package that
// provides it without one (a virtual). A virtual provider is chosen on its
// own (is_provider_auto_selectable) only if it has a provider_priority;
// otherwise the name waits until everything else is resolved (apk queues
// such names last), by which time a provider that something else required
// has been selected and satisfies it; failing that, a sole provider is
// taken (apk-tools 2.12, go-apk and apko do) and several are an error that
// lists them. Uninstallable records are never chosen, only one package per
// name is selected, and only one package may provide a given name with a
// version. Among the candidates for a name the first by this order wins
// (compare_providers):
//
//  1. the highest version of the requested name (a virtual compares equal
//     to anything here, as apk's null version does);
//  2. between versions of one package, the highest;
//  3. the highest provider_priority;
//  4. the earliest repository;
//  5. the package name, then the position in its index (apk keeps the
//     index order here; a name keeps the answer independent of it).
//
// When a choice leads to a dead end the next candidate is tried; a
// candidate whose dependency no package can ever meet is never tried
// again, a world atom that nothing can meet fails at once, and the search
// stops after a budget of steps proportional to the repositories' size.
// Once world is satisfied, packages whose install_if conditions all hold
// are added with their dependencies, by name, until none are left.
//
// A failure is returned as *UnsatisfiableError naming the chain of
// dependencies that led to it.
func Resolve(world []string, repos []Repository) ([]Selected, error) {
	return ResolveContext(context.Background(), world, repos)
}

// ResolveContext is Resolve that gives up when ctx ends (an interrupted
// lock), returning ctx's error; the search checks it every few thousand
// steps.
func ResolveContext(ctx context.Context, world []string, repos []Repository) ([]Selected, error) {
	s, err := solve(ctx, world, repos, 0)
	if err != nil {
		return nil, err
	}
	out := make([]Selected, 0, len(s.order))
	for _, c := range s.installOrder() {
		out = append(out, Selected{Record: *c.rec, Repository: c.repo, RepositoryURL: repos[c.repo].URL})
	}
	return out, nil
}

// solve runs the solver; budget 0 means the default for repos' size.
func solve(ctx context.Context, world []string, repos []Repository, budget int) (*solver, error) {
	s := newSolver(repos, budget)
	s.ctx = ctx
	var agenda *item
	// Push world in reverse so it is processed in the given order.
	for i := len(world) - 1; i >= 0; i-- {
		a, err := ParseAtom(world[i])
		if err != nil {
			return nil, err
		}
		if a.Conflict {
			a.Conflict = false
			s.conflicts = append(s.conflicts, conflict{atom: a})
			continue
		}
		agenda = &item{atom: a, tag: a.Tag, next: agenda}
	}
	return s, s.run(agenda)
}

// cand is one record of one repository. Its provides are split when the
// solver indexes it; its other atoms are parsed the first time it is a
// candidate (parse), since most records of an index never are.
type cand struct {
	rec       *apkindex.Record
	repo, pos int
	tag       string
	url       string
	provides  []provide // its own name first
	parsed    bool
	deps      []Atom // positive dependencies
	conflicts []Atom // "!" dependencies, without the "!"
	installIf []Atom
	broken    string   // why it can never be chosen; "" if it can
	dead      *deadEnd // learned: a dependency nothing can ever meet
}

// deadEnd is why a candidate can never be installed: the packages below
// it that lead to an atom no package can ever meet, and why.
type deadEnd struct {
	rest   []string // package names after the candidate
	atom   string
	reason string
}

// provide is a name a package answers to; version "" marks a virtual.
type provide struct{ name, version string }

// provider is a candidate seen through one of the names it provides.
type provider struct {
	c       *cand
	version string
}

func (c *cand) id() string { return c.rec.Name + "-" + c.rec.Version }

// newCand indexes a record by the names it provides. A record that turns
// out to be broken (see parse) is kept, so that errors can say why it was
// not used.
func newCand(rec *apkindex.Record, repo, pos int, r Repository) *cand {
	c := &cand{}
	c.init(rec, repo, pos, r, nil)
	return c
}

// init is newCand into c, taking its provides from the end of arena, which
// it returns grown.
func (c *cand) init(rec *apkindex.Record, repo, pos int, r Repository, arena []provide) []provide {
	*c = cand{rec: rec, repo: repo, pos: pos, tag: r.Tag, url: r.URL}
	from := len(arena)
	arena = append(arena, provide{rec.Name, rec.Version})
	if rec.Uninstallable {
		c.broken = fmt.Sprintf("%s is marked uninstallable in %s (its index entry has fields this tool does not know)", c.id(), r.URL)
	}
	for _, s := range rec.Provides {
		name, ver := s, ""
		if i := strings.IndexByte(s, '='); i >= 0 {
			name, ver = s[:i], s[i+1:]
		}
		arena = append(arena, provide{name, ver})
	}
	c.provides = arena[from:len(arena):len(arena)]
	return arena
}

// validProvide reports whether a provides entry is name or name=version.
func validProvide(s string) bool {
	name, ver, hasVer := strings.Cut(s, "=")
	return name != "" && !strings.ContainsAny(name, "@<>~!") && strings.IndexFunc(name, badNameRune) < 0 &&
		(!hasVer || version.Valid(ver))
}

func (c *cand) bad(field, s string, err error) {
	if c.broken == "" {
		c.broken = fmt.Sprintf("%s in %s has an invalid %s entry %q: %v", c.id(), c.url, field, s, err)
	}
}

// parse reads the candidate's depends and install_if atoms once.
func (c *cand) parse() {
	if c.parsed {
		return
	}
	c.parsed = true
	rec := c.rec
	// Provides are checked here, not when indexed: an invalid one makes
	// the package broken, and most packages are never candidates.
	for _, s := range rec.Provides {
		if !validProvide(s) {
			c.bad("provides", s, fmt.Errorf("a provide is name or name=version"))
		}
	}
	for _, s := range rec.Depends {
		a, err := ParseAtom(s)
		switch {
		case err != nil:
			c.bad("depends", s, err)
		case a.Conflict:
			a.Conflict = false
			c.conflicts = append(c.conflicts, a)
		default:
			c.deps = append(c.deps, a)
		}
	}
	for _, s := range rec.InstallIf {
		a, err := ParseAtom(s)
		if err != nil {
			c.bad("install_if", s, err)
			continue
		}
		c.installIf = append(c.installIf, a)
	}
}
