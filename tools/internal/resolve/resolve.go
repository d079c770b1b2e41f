package resolve

import (
	"fmt"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
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
// a package after its dependencies, cycles broken by package name.
//
// A name is satisfied by a package of that name, by a package that
// provides it with a version ("so:libz.so.1=1.3"), or by a package that
// provides it without a version (a virtual) if that package has a
// provider_priority. Uninstallable records are never chosen, and only one
// package per name is selected; likewise only one package may provide a
// given name with a version. Among the candidates for a name the first by
// this order wins:
//
//  1. a version of the requested name (a versioned provide beats a
//     virtual), the highest first;
//  2. the highest provider_priority (none counts as 0);
//  3. the highest version of the package itself;
//  4. the earliest repository;
//  5. the package name, then the position in its index.
//
// When a choice leads to a dead end the next candidate is tried, within a
// fixed budget of attempts. Once world is satisfied, packages whose
// install_if conditions all hold are added, by name, until none are left.
//
// A failure is returned as *UnsatisfiableError naming the chain of
// dependencies that led to it.
func Resolve(world []string, repos []Repository) ([]Selected, error) {
	s := newSolver(repos)
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
		agenda = &item{atom: a, chain: []string{"world"}, tag: a.Tag, next: agenda}
	}
	if err := s.solve(agenda); err != nil {
		return nil, err
	}
	out := make([]Selected, 0, len(s.order))
	for _, c := range s.installOrder() {
		out = append(out, Selected{Record: *c.rec, Repository: c.repo, RepositoryURL: repos[c.repo].URL})
	}
	return out, nil
}

// cand is one record of one repository, with its atoms parsed once.
type cand struct {
	rec       *apkindex.Record
	repo, pos int
	tag       string
	provides  []provide // its own name first
	deps      []Atom    // positive dependencies
	conflicts []Atom    // "!" dependencies, without the "!"
	installIf []Atom
	broken    string // why it can never be chosen; "" if it can
}

// provide is a name a package answers to; version "" marks a virtual.
type provide struct{ name, version string }

// provider is a candidate seen through one of the names it provides.
type provider struct {
	c       *cand
	version string
}

func (c *cand) id() string { return c.rec.Name + "-" + c.rec.Version }

// newCand parses a record's atoms; a record that cannot be parsed is kept
// but marked broken so errors can say why it was not used.
func newCand(rec *apkindex.Record, repo, pos int, r Repository) *cand {
	c := &cand{rec: rec, repo: repo, pos: pos, tag: r.Tag}
	c.provides = append(c.provides, provide{rec.Name, rec.Version})
	if rec.Uninstallable {
		c.broken = fmt.Sprintf("%s is marked uninstallable in %s (its index entry has fields this tool does not know)", c.id(), r.URL)
	}
	bad := func(field, s string, err error) {
		if c.broken == "" {
			c.broken = fmt.Sprintf("%s in %s has an invalid %s entry %q: %v", c.id(), r.URL, field, s, err)
		}
	}
	for _, s := range rec.Provides {
		a, err := ParseAtom(s)
		if err == nil && (a.Conflict || a.Tag != "" || a.Checksum != "" || (a.Op != 0 && a.Op.String() != "=")) {
			err = fmt.Errorf("a provide is name or name=version")
		}
		if err != nil {
			bad("provides", s, err)
			continue
		}
		c.provides = append(c.provides, provide{a.Name, a.Version})
	}
	for _, s := range rec.Depends {
		a, err := ParseAtom(s)
		switch {
		case err != nil:
			bad("depends", s, err)
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
			bad("install_if", s, err)
			continue
		}
		c.installIf = append(c.installIf, a)
	}
	return c
}
