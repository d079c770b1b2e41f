package main

// Bazel 4.2, the only Bazel on the development machines, ignores
// MODULE.bazel, so nothing here can run the Bzlmod path. These tests parse
// MODULE.bazel and rules/extensions.bzl instead and check what a Bazel 7+
// would trip over first: the dependencies, the tags, and that the module
// extension declares exactly the repositories WORKSPACE users get.

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.starlark.net/syntax"
)

// requiredDeps are the modules MODULE.bazel must depend on, the apparent
// name the rule set's files use for each, and the oldest version accepted
// (Bzlmod-era releases that work with Bazel 7 and 8).
var requiredDeps = []struct{ name, repoName, minVersion string }{
	{"rules_go", "io_bazel_rules_go", "0.50.0"},
	{"gazelle", "bazel_gazelle", "0.39.0"},
	{"bazel_skylib", "bazel_skylib", "1.7.0"},
	{"platforms", "platforms", "0.0.10"},
}

// workspaceOnly are files that only WORKSPACE builds read.
var workspaceOnly = map[string]bool{
	"WORKSPACE": true, "WORKSPACE.bazel": true, "deps.bzl": true, "rules/repositories.bzl": true,
}

// moduleFile is what MODULE.bazel declares.
type moduleFile struct {
	name    string
	deps    map[string]bazelDep
	visible map[string]bool // apparent repository names
	// per use_extension variable: its extension and tags
	exts map[string]*extUse
}

type bazelDep struct {
	version, repoName string
	line              int
}

type extUse struct {
	file, name string // the .bzl label and the extension's name
	tags       []tagUse
	repos      []string // use_repo names
}

type tagUse struct {
	class string
	call  *syntax.CallExpr
	line  int
}

func parseModule(root string) (*moduleFile, []string) {
	src, err := os.ReadFile(filepath.Join(root, "MODULE.bazel"))
	if err != nil {
		return nil, []string{err.Error()}
	}
	f, err := syntax.Parse("MODULE.bazel", src, 0)
	if err != nil {
		return nil, []string{err.Error()}
	}
	mf := &moduleFile{deps: map[string]bazelDep{}, visible: map[string]bool{"bazel_tools": true}, exts: map[string]*extUse{}}
	var problems []string
	str := func(e syntax.Expr) string {
		if lit, ok := e.(*syntax.Literal); ok {
			if s, ok := lit.Value.(string); ok {
				return s
			}
		}
		return ""
	}
	for _, st := range f.Stmts {
		var call *syntax.CallExpr
		target := ""
		switch s := st.(type) {
		case *syntax.ExprStmt:
			call, _ = s.X.(*syntax.CallExpr)
		case *syntax.AssignStmt:
			call, _ = s.RHS.(*syntax.CallExpr)
			if id, ok := s.LHS.(*syntax.Ident); ok {
				target = id.Name
			}
		}
		if call == nil {
			continue
		}
		line := int(syntax.Start(call).Line)
		fn := callName(call)
		switch {
		case fn == "module":
			mf.name = str(kwarg(call, "name"))
			mf.visible[mf.name] = true
		case fn == "bazel_dep":
			d := bazelDep{version: str(kwarg(call, "version")), repoName: str(kwarg(call, "repo_name")), line: line}
			name := str(kwarg(call, "name"))
			if d.repoName == "" {
				d.repoName = name
			}
			mf.deps[name] = d
			mf.visible[d.repoName] = true
		case fn == "use_extension":
			if target == "" || len(call.Args) < 2 {
				problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: use_extension(...) should be assigned to a name and name a file and an extension", line))
				continue
			}
			mf.exts[target] = &extUse{file: str(call.Args[0]), name: str(call.Args[1])}
		case fn == "use_repo":
			if len(call.Args) == 0 {
				continue
			}
			v, _ := call.Args[0].(*syntax.Ident)
			for _, a := range call.Args[1:] {
				name := str(a)
				if bin, ok := a.(*syntax.BinaryExpr); ok && bin.Op == syntax.EQ {
					name = bin.X.(*syntax.Ident).Name // alias = "repo"
				}
				mf.visible[name] = true
				if v != nil && mf.exts[v.Name] != nil {
					mf.exts[v.Name].repos = append(mf.exts[v.Name].repos, name)
				}
			}
		case strings.Contains(fn, "."):
			v, class, _ := strings.Cut(fn, ".")
			if u := mf.exts[v]; u != nil {
				u.tags = append(u.tags, tagUse{class: class, call: call, line: line})
			}
		}
	}
	return mf, problems
}

// versionLess compares dotted numeric versions (0.50.1 < 0.51.0).
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) || i < len(pb); i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}

var versionRe = regexp.MustCompile(`^[0-9]+(\.[0-9]+)*$`)

// moduleProblems checks MODULE.bazel: the module's name, its
// dependencies, the apk extension's tags against the tag class, and that
// every repository a BUILD or .bzl file names is visible under Bzlmod.
func moduleProblems(root string) []string {
	mf, problems := parseModule(root)
	if mf == nil {
		return problems
	}
	if mf.name != repoName {
		problems = append(problems, fmt.Sprintf("MODULE.bazel: module(name = %q) expected, found %q", repoName, mf.name))
	}
	for _, r := range requiredDeps {
		d, ok := mf.deps[r.name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("MODULE.bazel: no bazel_dep(name = %q, ...)", r.name))
		case !versionRe.MatchString(d.version):
			problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: bazel_dep %s has version %q, not a release number", d.line, r.name, d.version))
		case versionLess(d.version, r.minVersion):
			problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: bazel_dep %s %s is older than %s, the oldest accepted for Bazel 7/8", d.line, r.name, d.version, r.minVersion))
		case d.repoName != r.repoName:
			problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: bazel_dep %s needs repo_name = %q (the name this rule set's files load it by), has %q", d.line, r.name, r.repoName, d.repoName))
		}
	}

	// The apk extension: tags against the tag classes.
	w := newWorkspace(root, repoName)
	g := &generator{w: w, ev: newEvaluator(w)}
	found := false
	for v, u := range mf.exts {
		rel, err := w.resolveLabel("MODULE.bazel", u.file)
		if err != nil || rel != "rules/extensions.bzl" {
			continue
		}
		found = true
		m, err := w.load(rel)
		if err != nil {
			return append(problems, err.Error())
		}
		ext, err := g.extract(m, u.name)
		if err != nil || ext.kind != kindExtension {
			problems = append(problems, fmt.Sprintf("MODULE.bazel: %s has no module extension %s (%v)", u.file, u.name, err))
			continue
		}
		// Only tag classes with a name declare repositories; the others
		// (tools.from_source) configure the extension's fixed ones.
		declares := false
		for _, tc := range ext.tags {
			declares = declares || hasAttr(tc.attrs, "name")
		}
		declared := map[string]bool{}
		for _, tu := range u.tags {
			var tc *tagClass
			for i := range ext.tags {
				if ext.tags[i].name == tu.class {
					tc = &ext.tags[i]
				}
			}
			if tc == nil {
				problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: %s has no tag class %s", tu.line, u.name, tu.class))
				continue
			}
			given := map[string]bool{}
			for _, a := range tu.call.Args {
				bin, ok := a.(*syntax.BinaryExpr)
				if !ok || bin.Op != syntax.EQ {
					problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: %s.%s takes keyword arguments only", tu.line, v, tu.class))
					continue
				}
				k := bin.X.(*syntax.Ident).Name
				given[k] = true
				if !hasAttr(tc.attrs, k) {
					problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: %s.%s has no attribute %s", tu.line, v, tu.class, k))
				}
				if k == "name" {
					if lit, ok := bin.Y.(*syntax.Literal); ok {
						declared[lit.Value.(string)] = true
					}
				}
			}
			for _, a := range tc.attrs {
				if a.mandatory && !given[a.name] {
					problems = append(problems, fmt.Sprintf("MODULE.bazel:%d: %s.%s misses the mandatory attribute %s", tu.line, v, tu.class, a.name))
				}
			}
		}
		for _, r := range u.repos {
			if declares && !declared[r] {
				problems = append(problems, fmt.Sprintf("MODULE.bazel: use_repo(%s, %q) but no %s tag declares it", v, r, v))
			}
		}
		var names []string
		for n := range declared {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if !contains(u.repos, n) {
				problems = append(problems, fmt.Sprintf("MODULE.bazel: %q is declared by a tag but not in use_repo(%s, ...)", n, v))
			}
		}
	}
	if !found {
		problems = append(problems, "MODULE.bazel: no use_extension(\"//rules:extensions.bzl\", ...)")
	}
	return append(problems, visibleRepoProblems(root, mf.visible)...)
}

func isWorkspace(dir string) bool {
	for _, f := range []string{"WORKSPACE", "WORKSPACE.bazel"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

func hasAttr(attrs []attribute, name string) bool {
	for _, a := range attrs {
		if a.name == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

var labelRe = regexp.MustCompile(`^@([A-Za-z0-9_.~+-]+)//\S*$`)

// visibleRepoProblems finds every string that is a label of another
// repository in the BUILD and .bzl files (load statements included) that
// Bzlmod builds read, and checks that MODULE.bazel makes the repository
// visible.
func visibleRepoProblems(root string, visible map[string]bool) []string {
	var problems []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if e.IsDir() {
			base := e.Name()
			if rel != "." && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "bazel-") || rel == "e2e/work" || rel == "out" || base == "testdata") {
				return filepath.SkipDir
			}
			if rel != "." && isWorkspace(p) {
				return filepath.SkipDir // another workspace (e2e/consumer), with its own repositories
			}
			return nil
		}
		base := e.Name()
		if workspaceOnly[rel] || !(base == "BUILD" || base == "BUILD.bazel" || strings.HasSuffix(base, ".bzl")) {
			return nil
		}
		src, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f, err := syntax.Parse(rel, src, 0)
		if err != nil {
			problems = append(problems, err.Error())
			return nil
		}
		seen := map[string]bool{}
		syntax.Walk(f, func(n syntax.Node) bool {
			lit, ok := n.(*syntax.Literal)
			if !ok {
				return true
			}
			s, _ := lit.Value.(string)
			m := labelRe.FindStringSubmatch(s)
			if m == nil || visible[m[1]] || seen[m[1]] {
				return true
			}
			seen[m[1]] = true
			problems = append(problems, fmt.Sprintf("%s:%d: names @%s, which MODULE.bazel does not make visible (add a bazel_dep, or the repository to a use_repo)", rel, lit.TokenPos.Line, m[1]))
			return true
		})
		return nil
	})
	if err != nil {
		problems = append(problems, err.Error())
	}
	return problems
}

// extensionProblems checks that each tag class of rules/extensions.bzl
// mirrors the repository rule its implementation creates: the same
// attribute names (plus name), types, mandatory flags and defaults, and
// that every attribute is passed through.
func extensionProblems(root string) []string {
	const rel = "rules/extensions.bzl"
	w := newWorkspace(root, repoName)
	g := &generator{w: w, ev: newEvaluator(w)}
	m, err := w.load(rel)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	exts := 0
	for _, name := range m.order {
		b := m.defs[name]
		if strings.HasPrefix(name, "_") || b.assign == nil || callName(b.assign.RHS) != "module_extension" {
			continue
		}
		exts++
		ext, err := g.extract(m, name)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		impl := kwarg(b.assign.RHS.(*syntax.CallExpr), "implementation")
		id, _ := impl.(*syntax.Ident)
		if id == nil || m.defs[id.Name] == nil || m.defs[id.Name].def == nil {
			problems = append(problems, fmt.Sprintf("%s: %s: the implementation must be a function of this file", rel, name))
			continue
		}
		wraps := g.wrappedRules(m, m.defs[id.Name].def)
		for _, tc := range ext.tags {
			if !hasAttr(tc.attrs, "name") {
				continue // configures the extension, declares no repository
			}
			calls := wraps[tc.name]
			if len(calls) == 0 {
				problems = append(problems, fmt.Sprintf("%s: tag class %s.%s: the implementation creates no repository rule in a loop over mod.tags.%s", rel, name, tc.name, tc.name))
			}
			for _, c := range calls {
				problems = append(problems, g.compareTag(rel, name, tc, c)...)
			}
		}
	}
	if exts == 0 {
		problems = append(problems, rel+": no module_extension")
	}
	return problems
}

// wrapped is one repository rule call in a loop over a tag class.
type wrapped struct {
	rule    entity
	call    *syntax.CallExpr
	loopVar string
}

// wrappedRules finds, per tag class, the repository rules the extension's
// implementation calls inside `for tag in mod.tags.<class>:`.
func (g *generator) wrappedRules(m *module, def *syntax.DefStmt) map[string][]wrapped {
	out := map[string][]wrapped{}
	var walk func(stmts []syntax.Stmt, class, loopVar string)
	walk = func(stmts []syntax.Stmt, class, loopVar string) {
		for _, st := range stmts {
			switch s := st.(type) {
			case *syntax.ForStmt:
				c, v := class, loopVar
				if dot, ok := s.X.(*syntax.DotExpr); ok {
					if inner, ok := dot.X.(*syntax.DotExpr); ok && inner.Name.Name == "tags" {
						if id, ok := s.Vars.(*syntax.Ident); ok {
							c, v = dot.Name.Name, id.Name
						}
					}
				}
				walk(s.Body, c, v)
			case *syntax.IfStmt:
				walk(s.True, class, loopVar)
				walk(s.False, class, loopVar)
			case *syntax.WhileStmt:
				walk(s.Body, class, loopVar)
			case *syntax.ExprStmt:
				call, ok := s.X.(*syntax.CallExpr)
				if !ok || class == "" {
					continue
				}
				id, ok := call.Fn.(*syntax.Ident)
				if !ok {
					continue
				}
				sym, err := g.w.resolve(m, id.Name)
				if err != nil || sym.bind == nil || sym.bind.assign == nil || callName(sym.bind.assign.RHS) != "repository_rule" {
					continue
				}
				e, err := g.extract(m, id.Name)
				if err != nil {
					continue
				}
				out[class] = append(out[class], wrapped{rule: e, call: call, loopVar: loopVar})
			}
		}
	}
	walk(def.Body, "", "")
	return out
}

func (g *generator) compareTag(rel, ext string, tc tagClass, w wrapped) []string {
	var problems []string
	where := fmt.Sprintf("%s: tag class %s.%s (line %d) against %s (%s)", rel, ext, tc.name, tc.line, w.rule.name, w.rule.defined)
	tagAttrs := map[string]attribute{}
	for _, a := range tc.attrs {
		tagAttrs[a.name] = a
	}
	for _, ra := range w.rule.attrs {
		ta, ok := tagAttrs[ra.name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s: the tag class has no attribute %s", where, ra.name))
			continue
		}
		delete(tagAttrs, ra.name)
		if ra.name == "name" {
			if ta.typ != "string" || !ta.mandatory {
				problems = append(problems, fmt.Sprintf("%s: name must be attr.string(mandatory = True)", where))
			}
		} else {
			if ta.typ != ra.typ {
				problems = append(problems, fmt.Sprintf("%s: %s is attr.%s in the tag class, attr.%s in the rule", where, ra.name, ta.typ, ra.typ))
			}
			if ta.mandatory != ra.mandatory {
				problems = append(problems, fmt.Sprintf("%s: %s is mandatory=%v in the tag class, %v in the rule", where, ra.name, ta.mandatory, ra.mandatory))
			}
			if ta.def != ra.def {
				problems = append(problems, fmt.Sprintf("%s: %s defaults to %s in the tag class, %s in the rule", where, ra.name, ta.def, ra.def))
			}
		}
		// The call must pass it through: attr = tag.attr.
		v := kwarg(w.call, ra.name)
		dot, ok := v.(*syntax.DotExpr)
		if v == nil || !ok || dottedName(dot) != w.loopVar+"."+ra.name {
			problems = append(problems, fmt.Sprintf("%s: the implementation does not pass %s = %s.%s", where, ra.name, w.loopVar, ra.name))
		}
	}
	var extra []string
	for n := range tagAttrs {
		extra = append(extra, n)
	}
	sort.Strings(extra)
	for _, n := range extra {
		problems = append(problems, fmt.Sprintf("%s: the rule has no attribute %s", where, n))
	}
	return problems
}

func TestModuleBazel(t *testing.T) {
	reportProblems(t, "MODULE.bazel (Bzlmod, untested here: Bazel 4.2 ignores it)", moduleProblems(repoRoot(t)))
}

func TestExtensionMirrorsRepositoryRule(t *testing.T) {
	reportProblems(t, "rules/extensions.bzl does not mirror apk_repository", extensionProblems(repoRoot(t)))
}

// bzlmodFiles are the real files the Bzlmod checks read.
var bzlmodFiles = []string{
	"MODULE.bazel", "rules/extensions.bzl", "rules/private/apk_repository.bzl",
	"rules/private/arch.bzl", "rules/private/platform_table.bzl", "rules/private/lock.bzl", "rules/private/sha256.bzl", "rules/private/labels.bzl",
	"rules/private/tools_repository.bzl", "rules/private/toolchain.bzl", "toolchains/versions.bzl",
}

func TestBzlmodChecksCatchDrift(t *testing.T) {
	files := copyFiles(t, bzlmodFiles...)
	replace(t, files, "rules/extensions.bzl", `"keyring": attr.string_list(`, `"keyring": attr.label_list(`)
	replace(t, files, "rules/extensions.bzl", "architectures = tag.architectures,", "")
	replace(t, files, "rules/private/apk_repository.bzl", `"packages": attr.string_list(`, `"extra": attr.bool(doc = "x"),
    "packages": attr.string_list(`)
	replace(t, files, "rules/extensions.bzl", `"packages": attr.string_list(
            doc = "The world: package names or apk dependency atoms.",
            mandatory = True,`, `"packages": attr.string_list(
            doc = "The world: package names or apk dependency atoms.",`)
	replace(t, files, "rules/extensions.bzl", `default = APK_ARCHES,`, `default = ["x86_64"],`)
	problems := extensionProblems(writeTree(t, files))
	wantProblems(t, problems,
		"keyring is attr.label_list in the tag class, attr.string_list in the rule",
		"does not pass architectures = tag.architectures",
		"the tag class has no attribute extra",
		"packages is mandatory=false in the tag class, true in the rule",
		`architectures defaults to ["x86_64"] in the tag class, ["x86", "x86_64"`,
	)

	files = copyFiles(t, bzlmodFiles...)
	replace(t, files, "MODULE.bazel", `bazel_dep(name = "bazel_skylib"`, `bazel_dep(name = "not_skylib"`)
	files["MODULE.bazel"] = regexp.MustCompile(`bazel_dep\(name = "platforms", version = "[^"]*"`).ReplaceAllString(files["MODULE.bazel"], `bazel_dep(name = "platforms", version = "0.0.1"`)
	replace(t, files, "MODULE.bazel", `use_repo(apk, "bundled_apks"`, `use_repo(apk, "other_apks", "bundled_apks"`)
	replace(t, files, "MODULE.bazel", `lock = "//e2e:bundled.lock.json",`, `lock = "//e2e:bundled.lock.json",
    colour = "blue",`)
	files["pkg/BUILD.bazel"] = `load("@rules_nowhere//:defs.bzl", "x")

x(name = "y", deps = ["@io_bazel_rules_go//go:def.bzl", "@bundled_apks//:packages"])
`
	problems = moduleProblems(writeTree(t, files))
	wantProblems(t, problems,
		`no bazel_dep(name = "bazel_skylib"`,
		"bazel_dep platforms 0.0.1",
		`use_repo(apk, "other_apks") but no apk tag declares it`,
		"apk.repository has no attribute colour",
		"pkg/BUILD.bazel:1: names @rules_nowhere",
	)
	for _, p := range problems {
		if strings.Contains(p, "@io_bazel_rules_go") || strings.Contains(p, "@bundled_apks") {
			t.Errorf("a visible repository was reported: %s", p)
		}
	}
}

func TestVersionLess(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"0.50.1", "0.51.0", true},
		{"0.51.0", "0.50.1", false},
		{"1.7.1", "1.7.1", false},
		{"0.0.10", "0.0.9", false},
		{"1.7", "1.7.1", true},
	} {
		if got := versionLess(c.a, c.b); got != c.want {
			t.Errorf("versionLess(%s, %s) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
