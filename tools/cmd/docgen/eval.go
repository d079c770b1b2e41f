package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
	"go.starlark.net/syntax"
)

// evaluator runs .bzl files with a Starlark interpreter that knows only
// `struct`, to learn the values of constants such as APK_ARCHES. Files that
// call Bazel's functions at the top level stop there; the globals bound
// before that point are still known. Nothing here is required: a value
// that cannot be computed is shown as written.
type evaluator struct {
	w       *workspace
	globals map[string]starlark.StringDict
}

func newEvaluator(w *workspace) *evaluator {
	return &evaluator{w: w, globals: map[string]starlark.StringDict{}}
}

// global returns the value of a top-level name of the file at rel.
func (ev *evaluator) global(rel, name string) (starlark.Value, bool) {
	g := ev.exec(rel, 0)
	v, ok := g[name]
	return v, ok && v != nil
}

func (ev *evaluator) exec(rel string, depth int) starlark.StringDict {
	if g, ok := ev.globals[rel]; ok {
		return g
	}
	ev.globals[rel] = nil // a load cycle finds nothing
	src, err := os.ReadFile(filepath.Join(ev.w.root, filepath.FromSlash(rel)))
	if err != nil || depth > 20 {
		return nil
	}
	thread := &starlark.Thread{
		Name:  rel,
		Print: func(*starlark.Thread, string) {},
		Load: func(_ *starlark.Thread, label string) (starlark.StringDict, error) {
			p, err := ev.w.resolveLabel(rel, label)
			if err != nil || p == "" {
				return nil, fmt.Errorf("not followed: %s", label)
			}
			return ev.exec(p, depth+1), nil
		},
	}
	// Every free name counts as predeclared so that resolving succeeds;
	// using one that is not in the dict fails when the line runs.
	_, prog, err := starlark.SourceProgram(rel, src, func(string) bool { return true })
	if err != nil {
		return nil
	}
	g, _ := prog.Init(thread, starlark.StringDict{"struct": starlark.NewBuiltin("struct", starlarkstruct.Make)})
	ev.globals[rel] = g
	return g
}

// formatValue prints a value in Starlark syntax; lists longer than a line
// get one element per line.
func formatValue(v starlark.Value) string {
	s := valueString(v)
	l, ok := v.(*starlark.List)
	if !ok || len(s) <= 60 || l.Len() < 2 {
		return s
	}
	var b strings.Builder
	b.WriteString("[\n")
	for i := 0; i < l.Len(); i++ {
		b.WriteString("    " + valueString(l.Index(i)) + ",\n")
	}
	b.WriteString("]")
	return b.String()
}

// valueString is v.String() with structs' fields in Starlark's
// `name = value` style.
func valueString(v starlark.Value) string {
	switch x := v.(type) {
	case *starlarkstruct.Struct:
		names := x.AttrNames()
		parts := make([]string, 0, len(names))
		for _, n := range names {
			f, _ := x.Attr(n)
			parts = append(parts, n+" = "+valueString(f))
		}
		return "struct(" + strings.Join(parts, ", ") + ")"
	case *starlark.List:
		parts := make([]string, x.Len())
		for i := range parts {
			parts[i] = valueString(x.Index(i))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case starlark.String:
		return quote(string(x))
	}
	return v.String()
}

// displayExpr shows an expression for the reader: a name bound to a
// constant is replaced by the constant's value when it can be computed.
func (ev *evaluator) displayExpr(m *module, e syntax.Expr) string {
	if id, ok := e.(*syntax.Ident); ok && id.Name != "None" && id.Name != "True" && id.Name != "False" {
		sym, err := ev.w.resolve(m, id.Name)
		if err == nil && sym.bind != nil && sym.bind.assign != nil {
			if v, ok := ev.global(sym.mod.path, sym.bind.name); ok {
				return valueString(v)
			}
		}
	}
	return formatExpr(e)
}
