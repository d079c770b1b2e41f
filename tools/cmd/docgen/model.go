package main

import (
	"fmt"
	"strings"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Kinds of documented symbols.
const (
	kindRule      = "rule"
	kindRepoRule  = "repository rule"
	kindProvider  = "provider"
	kindMacro     = "macro"
	kindExtension = "module extension"
	kindConstant  = "constant"
	kindExternal  = "re-export"
)

// entity is one public symbol of a public .bzl file.
type entity struct {
	name     string
	kind     string
	defined  string // label of the file that defines it
	line     int
	doc      string      // trimmed docstring (Markdown)
	attrs    []attribute // rules and repository rules, name first
	fields   []field     // providers
	params   []param     // macros
	returns  string      // macros
	tags     []tagClass  // module extensions
	value    string      // constants: the value, in Starlark syntax
	notes    []string    // executable, environ, ...
	external string      // re-exports: label%symbol
}

type attribute struct {
	name      string
	typ       string // attr function: label, string_list, ...
	doc       string
	def       string // default in Starlark syntax, "" when mandatory
	mandatory bool
	notes     []string
}

type field struct{ name, doc string }

type param struct {
	name string // with * or ** for varargs
	def  string // default, "" if none
	doc  string
}

type tagClass struct {
	name  string
	doc   string
	line  int
	attrs []attribute
}

// publicFile is a documented file.
type publicFile struct {
	path string
}

// extractFile documents the public names of one file, in the order they
// are bound there.
func (g *generator) extractFile(rel string) (*module, []entity, error) {
	m, err := g.w.load(rel)
	if err != nil {
		return nil, nil, err
	}
	var out []entity
	for _, name := range m.order {
		if strings.HasPrefix(name, "_") {
			continue
		}
		e, err := g.extract(m, name)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, e)
	}
	return m, out, nil
}

// extract documents the public name `name` of module m.
func (g *generator) extract(m *module, name string) (entity, error) {
	sym, err := g.w.resolve(m, name)
	if err != nil {
		return entity{}, err
	}
	e := entity{name: name}
	if sym.bind == nil {
		e.kind = kindExternal
		e.external = sym.external
		return e, nil
	}
	e.defined = sym.mod.label
	b := sym.bind
	if b.def != nil {
		e.line = int(b.def.Def.Line)
		return g.extractMacro(sym.mod, e, b.def)
	}
	e.line = int(syntax.Start(b.assign).Line)
	call, _ := b.assign.RHS.(*syntax.CallExpr)
	switch callName(b.assign.RHS) {
	case "rule":
		e.kind = kindRule
		return g.extractRule(sym.mod, e, call, "A unique name for this target.")
	case "repository_rule":
		e.kind = kindRepoRule
		return g.extractRule(sym.mod, e, call, "A unique name for this repository.")
	case "provider":
		e.kind = kindProvider
		return g.extractProvider(sym.mod, e, call)
	case "module_extension":
		e.kind = kindExtension
		return g.extractExtension(sym.mod, e, call)
	}
	e.kind = kindConstant
	// The public file's own doc of an alias wins over the definition's.
	for _, d := range []*binding{m.defs[name], b} {
		if d == nil {
			continue
		}
		if e.doc = trimDoc(d.doc); e.doc == "" {
			e.doc = strings.TrimSpace(strings.Join(d.comments, "\n"))
		}
		if e.doc != "" {
			break
		}
	}
	if v, ok := g.ev.global(sym.mod.path, b.name); ok {
		e.value = formatValue(v)
	} else {
		e.value = formatExpr(b.assign.RHS)
	}
	return e, nil
}

func (g *generator) docArg(m *module, call *syntax.CallExpr) string {
	d := kwarg(call, "doc")
	if d == nil {
		return ""
	}
	s, _ := g.w.stringValue(m, d)
	return trimDoc(s)
}

func (g *generator) extractRule(m *module, e entity, call *syntax.CallExpr, nameDoc string) (entity, error) {
	e.doc = g.docArg(m, call)
	e.attrs = []attribute{{name: "name", typ: "name", doc: nameDoc, mandatory: true}}
	if a := kwarg(call, "attrs"); a != nil {
		attrs, err := g.attributes(m, a)
		if err != nil {
			return e, fmt.Errorf("attributes of %s: %w", e.name, err)
		}
		e.attrs = append(e.attrs, attrs...)
	}
	if boolValue(kwarg(call, "executable")) {
		e.notes = append(e.notes, "executable: `bazel run` it")
	}
	if boolValue(kwarg(call, "test")) {
		e.notes = append(e.notes, "test rule")
	}
	if env := kwarg(call, "environ"); env != nil {
		if em, items, ok := g.w.listValue(m, env); ok {
			var names []string
			for _, it := range items {
				names = append(names, "`"+strings.Trim(g.ev.displayExpr(em, it), `"`)+"`")
			}
			e.notes = append(e.notes, "environment variables read: "+strings.Join(names, ", "))
		}
	}
	return e, nil
}

// attributes reads an attrs dict; names starting with _ are left out.
func (g *generator) attributes(m *module, dict syntax.Expr) ([]attribute, error) {
	entries, err := g.w.dictValue(m, dict)
	if err != nil {
		return nil, err
	}
	var out []attribute
	for _, en := range entries {
		if strings.HasPrefix(en.key, "_") {
			continue
		}
		a, err := g.attribute(en)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// attrTypes names each attr function for the reader, with the default a
// missing `default` means.
var attrTypes = map[string][2]string{
	"bool":                    {"boolean", "False"},
	"int":                     {"integer", "0"},
	"int_list":                {"list of integers", "[]"},
	"label":                   {"label", "None"},
	"label_keyed_string_dict": {"dict: label → string", "{}"},
	"label_list":              {"list of labels", "[]"},
	"output":                  {"output file", "None"},
	"output_list":             {"list of output files", "[]"},
	"string":                  {"string", `""`},
	"string_dict":             {"dict: string → string", "{}"},
	"string_keyed_label_dict": {"dict: string → label", "{}"},
	"string_list":             {"list of strings", "[]"},
	"string_list_dict":        {"dict: string → list of strings", "{}"},
	"name":                    {"name", ""},
}

func (g *generator) attribute(en dictEntry) (attribute, error) {
	m := en.mod
	_, call, ok := attrCall(g.w, m, en.value)
	fn := callName(call)
	if !ok || !strings.HasPrefix(fn, "attr.") {
		return attribute{}, fmt.Errorf("%s:%d: %q is not an attr.<type>(...) call", m.path, syntax.Start(en.value).Line, en.key)
	}
	a := attribute{name: en.key, typ: strings.TrimPrefix(fn, "attr.")}
	a.doc = g.docArg(m, call)
	a.mandatory = boolValue(kwarg(call, "mandatory"))
	if d := kwarg(call, "default"); d != nil {
		a.def = g.ev.displayExpr(m, d)
	} else if !a.mandatory {
		a.def = attrTypes[a.typ][1]
	}
	if v := kwarg(call, "values"); v != nil {
		a.notes = append(a.notes, "One of "+g.codeList(m, v)+".")
	}
	if p := kwarg(call, "providers"); p != nil {
		a.notes = append(a.notes, "Must provide "+g.codeList(m, p)+".")
	}
	for _, k := range []string{"allow_single_file", "allow_files"} {
		v := kwarg(call, k)
		if v == nil {
			continue
		}
		what := "Files"
		if k == "allow_single_file" {
			what = "One file"
		}
		if boolValue(v) {
			a.notes = append(a.notes, what+" allowed.")
		} else if _, isList := v.(*syntax.ListExpr); isList {
			a.notes = append(a.notes, what+": "+g.codeList(m, v)+".")
		}
	}
	if v := kwarg(call, "allow_empty"); v != nil && !boolValue(v) {
		a.notes = append(a.notes, "Must not be empty.")
	}
	if boolValue(kwarg(call, "executable")) {
		a.notes = append(a.notes, "Executable.")
	}
	return a, nil
}

// attrCall follows identifiers from e to a call expression.
func attrCall(w *workspace, m *module, e syntax.Expr) (*module, *syntax.CallExpr, bool) {
	m, e, err := w.value(m, e)
	if err != nil {
		return nil, nil, false
	}
	call, ok := e.(*syntax.CallExpr)
	return m, call, ok
}

func (g *generator) extractProvider(m *module, e entity, call *syntax.CallExpr) (entity, error) {
	e.doc = g.docArg(m, call)
	f := kwarg(call, "fields")
	if f == nil {
		return e, nil
	}
	if lm, items, ok := g.w.listValue(m, f); ok {
		for _, it := range items {
			name, _ := g.w.stringValue(lm, it)
			e.fields = append(e.fields, field{name: name})
		}
		return e, nil
	}
	entries, err := g.w.dictValue(m, f)
	if err != nil {
		return e, fmt.Errorf("fields of %s: %w", e.name, err)
	}
	for _, en := range entries {
		doc, _ := g.w.stringValue(en.mod, en.value)
		e.fields = append(e.fields, field{name: en.key, doc: trimDoc(doc)})
	}
	return e, nil
}

func (g *generator) extractExtension(m *module, e entity, call *syntax.CallExpr) (entity, error) {
	e.doc = g.docArg(m, call)
	tc := kwarg(call, "tag_classes")
	if tc == nil {
		return e, nil
	}
	entries, err := g.w.dictValue(m, tc)
	if err != nil {
		return e, fmt.Errorf("tag classes of %s: %w", e.name, err)
	}
	for _, en := range entries {
		tm, tcall, ok := attrCall(g.w, en.mod, en.value)
		if !ok || callName(tcall) != "tag_class" {
			return e, fmt.Errorf("%s: tag class %q of %s is not a tag_class(...) call", en.mod.path, en.key, e.name)
		}
		t := tagClass{name: en.key, doc: g.docArg(tm, tcall), line: int(syntax.Start(tcall).Line)}
		if a := kwarg(tcall, "attrs"); a != nil {
			t.attrs, err = g.attributes(tm, a)
			if err != nil {
				return e, fmt.Errorf("attributes of %s.%s: %w", e.name, en.key, err)
			}
		}
		e.tags = append(e.tags, t)
	}
	return e, nil
}

func (g *generator) extractMacro(m *module, e entity, def *syntax.DefStmt) (entity, error) {
	e.kind = kindMacro
	raw := ""
	if len(def.Body) > 0 {
		raw = stringStmt(def.Body[0])
	}
	d := parseDocstring(raw)
	e.doc = d.body
	e.returns = d.returns
	docs := map[string]string{}
	for _, a := range d.args {
		docs[a.name] = a.doc
	}
	for _, p := range def.Params {
		var pr param
		switch x := p.(type) {
		case *syntax.Ident:
			pr.name = x.Name
		case *syntax.BinaryExpr:
			pr.name = x.X.(*syntax.Ident).Name
			pr.def = g.ev.displayExpr(m, x.Y)
		case *syntax.UnaryExpr:
			if x.X == nil {
				continue // the bare * of keyword-only parameters
			}
			pr.name = x.Op.String() + x.X.(*syntax.Ident).Name
		}
		pr.doc = docs[strings.TrimLeft(pr.name, "*")]
		e.params = append(e.params, pr)
	}
	return e, nil
}

// codeList shows a list as Markdown code spans, `a`, `b`: the elements of a
// literal list, or of a constant's value; strings without their quotes.
func (g *generator) codeList(m *module, e syntax.Expr) string {
	var items []string
	if id, ok := e.(*syntax.Ident); ok {
		if sym, err := g.w.resolve(m, id.Name); err == nil && sym.bind != nil && sym.bind.assign != nil {
			if v, ok := g.ev.global(sym.mod.path, sym.bind.name); ok {
				if l, ok := v.(*starlark.List); ok {
					for i := 0; i < l.Len(); i++ {
						if s, ok := l.Index(i).(starlark.String); ok {
							items = append(items, string(s))
						} else {
							items = append(items, valueString(l.Index(i)))
						}
					}
				}
			}
		}
	} else if l, ok := e.(*syntax.ListExpr); ok {
		for _, it := range l.List {
			if lit, ok := it.(*syntax.Literal); ok && lit.Token == syntax.STRING {
				items = append(items, lit.Value.(string))
			} else {
				items = append(items, formatExpr(it))
			}
		}
	}
	if items == nil {
		return "`" + formatExpr(e) + "`"
	}
	return "`" + strings.Join(items, "`, `") + "`"
}
