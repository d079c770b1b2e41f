package main

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"go.starlark.net/syntax"
)

// workspace parses .bzl files of one source tree on demand and follows their
// load statements. Labels of other repositories are not followed, except
// @<self>// which names this tree.
type workspace struct {
	root    string // directory of the source tree
	self    string // the tree's own repository name, e.g. musl_dynamic
	modules map[string]*module
}

// module is one parsed .bzl file.
type module struct {
	path  string // slash-separated, relative to the root: rules/private/x.bzl
	label string // //rules/private:x.bzl
	file  *syntax.File
	doc   string              // the module docstring, raw
	loads map[string]loadRef  // local name -> where it comes from
	defs  map[string]*binding // top-level names bound in this file
	order []string            // top-level names in the order they are bound
}

// loadRef is one symbol of a load statement.
type loadRef struct {
	label  string // the label as written
	path   string // relative path of the file, "" for other repositories
	symbol string // the name in the loaded file
}

// binding is a top-level name: an assignment or a def.
type binding struct {
	name     string
	assign   *syntax.AssignStmt
	def      *syntax.DefStmt
	doc      string   // a string statement right after an assignment
	comments []string // comment lines right before the statement
}

func newWorkspace(root, self string) *workspace {
	return &workspace{root: root, self: self, modules: map[string]*module{}}
}

// load parses the file at a path relative to the root (cached).
func (w *workspace) load(rel string) (*module, error) {
	if m, ok := w.modules[rel]; ok {
		return m, nil
	}
	src, err := os.ReadFile(filepath.Join(w.root, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	f, err := syntax.Parse(rel, src, syntax.RetainComments)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", rel, err)
	}
	m := &module{
		path:  rel,
		label: fileLabel(rel),
		file:  f,
		loads: map[string]loadRef{},
		defs:  map[string]*binding{},
	}
	m.doc = fileDocstring(f)
	for i, stmt := range f.Stmts {
		switch s := stmt.(type) {
		case *syntax.LoadStmt:
			for j, to := range s.To {
				ref := loadRef{label: s.ModuleName(), symbol: s.From[j].Name}
				ref.path, err = w.resolveLabel(m.path, ref.label)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", rel, err)
				}
				m.loads[to.Name] = ref
			}
		case *syntax.DefStmt:
			m.bind(&binding{name: s.Name.Name, def: s, comments: commentLines(s)})
		case *syntax.AssignStmt:
			id, ok := s.LHS.(*syntax.Ident)
			if !ok || s.Op != syntax.EQ {
				continue
			}
			b := &binding{name: id.Name, assign: s, comments: commentLines(s)}
			if i+1 < len(f.Stmts) {
				b.doc = stringStmt(f.Stmts[i+1])
			}
			m.bind(b)
		}
	}
	w.modules[rel] = m
	return m, nil
}

func (m *module) bind(b *binding) {
	if _, ok := m.defs[b.name]; !ok {
		m.order = append(m.order, b.name)
	}
	m.defs[b.name] = b
}

// resolveLabel turns the label of a load in the file at rel into a path
// relative to the root, or "" for a file of another repository.
func (w *workspace) resolveLabel(rel, label string) (string, error) {
	l := label
	if strings.HasPrefix(l, "@") {
		repo, rest, ok := strings.Cut(l[1:], "//")
		if !ok {
			return "", fmt.Errorf("cannot read the label %q", label)
		}
		if repo != w.self && repo != "" {
			return "", nil
		}
		l = "//" + rest
	}
	var pkg, name string
	switch {
	case strings.HasPrefix(l, "//"):
		var ok bool
		pkg, name, ok = strings.Cut(l[2:], ":")
		if !ok {
			return "", fmt.Errorf("the label %q names a package, not a file", label)
		}
	case strings.HasPrefix(l, ":"):
		pkg, name = path.Dir(rel), l[1:]
		if pkg == "." {
			pkg = ""
		}
	default:
		return "", fmt.Errorf("cannot read the label %q", label)
	}
	return path.Join(pkg, name), nil
}

// fileLabel is the label of a file, assuming its directory is its package.
func fileLabel(rel string) string {
	dir, name := path.Split(rel)
	return "//" + strings.TrimSuffix(dir, "/") + ":" + name
}

// fileDocstring returns the string literal that opens a file, if any.
func fileDocstring(f *syntax.File) string {
	if len(f.Stmts) == 0 {
		return ""
	}
	return stringStmt(f.Stmts[0])
}

// stringStmt returns the value of a statement that is a lone string literal.
func stringStmt(s syntax.Stmt) string {
	e, ok := s.(*syntax.ExprStmt)
	if !ok {
		return ""
	}
	lit, ok := e.X.(*syntax.Literal)
	if !ok || lit.Token != syntax.STRING {
		return ""
	}
	return lit.Value.(string)
}

// hasDocstring reports whether a file opens with a string literal.
func hasDocstring(f *syntax.File) bool {
	if len(f.Stmts) == 0 {
		return false
	}
	e, ok := f.Stmts[0].(*syntax.ExprStmt)
	if !ok {
		return false
	}
	lit, ok := e.X.(*syntax.Literal)
	return ok && lit.Token == syntax.STRING
}

// commentLines returns the whole-line comments just before a statement,
// without their '#'.
func commentLines(n syntax.Node) []string {
	c := n.Comments()
	if c == nil {
		return nil
	}
	var out []string
	for _, line := range c.Before {
		t := strings.TrimPrefix(line.Text, "#")
		out = append(out, strings.TrimPrefix(t, " "))
	}
	return out
}

// symbol is where a name visible in some module is defined.
type symbol struct {
	mod      *module  // defining module, nil for another repository
	bind     *binding // nil for another repository
	external string   // label:symbol of another repository's symbol
}

// resolve follows loads and plain aliases (x = _x) from a name in m to
// the statement that defines it.
func (w *workspace) resolve(m *module, name string) (symbol, error) {
	for depth := 0; depth < 50; depth++ {
		if b, ok := m.defs[name]; ok {
			if b.assign != nil {
				if id, ok := b.assign.RHS.(*syntax.Ident); ok && id.Name != name {
					name = id.Name
					continue
				}
			}
			return symbol{mod: m, bind: b}, nil
		}
		ref, ok := m.loads[name]
		if !ok {
			return symbol{}, fmt.Errorf("%s: %s is neither defined nor loaded there", m.path, name)
		}
		if ref.path == "" {
			return symbol{external: ref.label + "%" + ref.symbol}, nil
		}
		next, err := w.load(ref.path)
		if err != nil {
			return symbol{}, fmt.Errorf("%s: loading %s: %w", m.path, ref.label, err)
		}
		m, name = next, ref.symbol
	}
	return symbol{}, fmt.Errorf("%s: %s: too many aliases", m.path, name)
}

// value follows identifiers from an expression in m to the expression they
// stand for (e.g. attrs = _ATTRS to the dict literal), and returns it with
// the module it is written in.
func (w *workspace) value(m *module, e syntax.Expr) (*module, syntax.Expr, error) {
	for depth := 0; depth < 50; depth++ {
		id, ok := e.(*syntax.Ident)
		if !ok {
			return m, e, nil
		}
		sym, err := w.resolve(m, id.Name)
		if err != nil {
			return nil, nil, err
		}
		if sym.bind == nil || sym.bind.assign == nil {
			return m, e, nil // another repository's symbol, or a def
		}
		m, e = sym.mod, sym.bind.assign.RHS
	}
	return nil, nil, fmt.Errorf("%s: too many indirections", m.path)
}
