package main

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

var blankRuns = regexp.MustCompile(`\n{3,}`)

// fileDoc is one public file and what it exports.
type fileDoc struct {
	file     publicFile
	mod      *module
	entities []entity
}

// header opens docs/rules.md; the staleness test prints the same command.
const header = "<!-- Generated from the docstrings in rules/ and platforms/ by tools/cmd/docgen. Do not edit: run `make docs`. -->\n"

func (g *generator) render(files []fileDoc) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("\n# musl-dynamic rules reference\n\n")
	b.WriteString("Every public rule, provider, macro, repository rule, module extension and\n")
	b.WriteString("constant, with its attributes, as their docstrings describe them. Load them\n")
	fmt.Fprintf(&b, "from the files below (the repository is `@%s`).\n\n", g.w.self)
	b.WriteString("## Contents\n\n")
	for _, f := range files {
		fmt.Fprintf(&b, "- [`%s`](#%s)\n", g.loadLabel(f.file.path), anchorFor(f.file.path))
		for _, e := range f.entities {
			fmt.Fprintf(&b, "  - [`%s`](#%s) (%s)\n", e.name, anchorFor(e.name), e.kind)
		}
	}
	for _, f := range files {
		g.renderFile(&b, f)
	}
	// Sections end in a blank line and start with one; keep one.
	out := blankRuns.ReplaceAllString(b.String(), "\n\n")
	return strings.TrimRight(out, "\n") + "\n"
}

// loadLabel is the label users load a file with.
func (g *generator) loadLabel(rel string) string {
	return "@" + g.w.self + fileLabel(rel)
}

// anchorFor turns a name into an HTML id.
func anchorFor(s string) string {
	r := strings.NewReplacer("/", "-", ".", "-", ":", "-", "@", "")
	return strings.ToLower(r.Replace(s))
}

func (g *generator) renderFile(b *strings.Builder, f fileDoc) {
	fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n\n## `%s`\n\n", anchorFor(f.file.path), g.loadLabel(f.file.path))
	if d := trimDoc(f.mod.doc); d != "" {
		b.WriteString(d + "\n\n")
	}
	names := make([]string, 0, len(f.entities))
	for _, e := range f.entities {
		names = append(names, quote(e.name))
	}
	call := fmt.Sprintf("load(%s, %s)", quote(g.loadLabel(f.file.path)), strings.Join(names, ", "))
	if len(call) > 80 {
		call = fmt.Sprintf("load(\n    %s,\n    %s,\n)", quote(g.loadLabel(f.file.path)), strings.Join(names, ",\n    "))
	}
	fmt.Fprintf(b, "```starlark\n%s\n```\n", call)
	for _, e := range f.entities {
		g.renderEntity(b, f, e)
	}
}

func (g *generator) renderEntity(b *strings.Builder, f fileDoc, e entity) {
	fmt.Fprintf(b, "\n<a id=\"%s\"></a>\n\n### `%s`\n\n", anchorFor(e.name), e.name)
	kind := strings.ToUpper(e.kind[:1]) + e.kind[1:]
	if e.kind == kindExternal {
		fmt.Fprintf(b, "*Re-exported from `%s`; see its own documentation.*\n", e.external)
		return
	}
	if e.defined == fileLabel(f.file.path) {
		fmt.Fprintf(b, "*%s.*\n\n", kind)
	} else {
		fmt.Fprintf(b, "*%s, defined in [`%s`](%s).*\n\n", kind, e.defined, relLink(e.defined))
	}
	switch e.kind {
	case kindRule, kindRepoRule:
		fmt.Fprintf(b, "```starlark\n%s\n```\n\n", signature(e.name, attrNames(e.attrs)))
		writeDoc(b, e.doc)
		for _, n := range e.notes {
			fmt.Fprintf(b, "- %s\n", upperFirst(n))
		}
		if len(e.notes) > 0 {
			b.WriteString("\n")
		}
		b.WriteString("**Attributes**\n\n")
		writeAttrs(b, e.attrs)
	case kindProvider:
		fields := make([]string, 0, len(e.fields))
		for _, fl := range e.fields {
			fields = append(fields, fl.name+" = ...")
		}
		fmt.Fprintf(b, "```starlark\n%s\n```\n\n", signature(e.name, fields))
		writeDoc(b, e.doc)
		if len(e.fields) > 0 {
			b.WriteString("**Fields**\n\n| Name | Description |\n| :--- | :--- |\n")
			for _, fl := range e.fields {
				fmt.Fprintf(b, "| `%s` | %s |\n", fl.name, cell(fl.doc))
			}
		}
	case kindMacro:
		params := make([]string, 0, len(e.params))
		for _, p := range e.params {
			if p.def != "" {
				params = append(params, p.name+" = "+p.def)
			} else {
				params = append(params, p.name)
			}
		}
		fmt.Fprintf(b, "```starlark\n%s\n```\n\n", signature(e.name, params))
		writeDoc(b, e.doc)
		if len(e.params) > 0 {
			b.WriteString("**Parameters**\n\n| Name | Default | Description |\n| :--- | :--- | :--- |\n")
			for _, p := range e.params {
				def := "required"
				if p.def != "" {
					def = "`" + p.def + "`"
				}
				fmt.Fprintf(b, "| `%s` | %s | %s |\n", p.name, cell(def), cell(p.doc))
			}
			b.WriteString("\n")
		}
		if e.returns != "" {
			fmt.Fprintf(b, "**Returns**\n\n%s\n", e.returns)
		}
	case kindExtension:
		var lines []string
		lines = append(lines, fmt.Sprintf("%s = use_extension(%s, %s)", e.name, quote(g.loadLabel(f.file.path)), quote(e.name)))
		for _, t := range e.tags {
			lines = append(lines, signature(e.name+"."+t.name, attrNames(t.attrs)))
		}
		fmt.Fprintf(b, "```starlark\n%s\n```\n\n", strings.Join(lines, "\n"))
		writeDoc(b, e.doc)
		for _, t := range e.tags {
			fmt.Fprintf(b, "<a id=\"%s\"></a>\n\n#### Tag class `%s.%s`\n\n", anchorFor(e.name+"."+t.name), e.name, t.name)
			writeDoc(b, t.doc)
			b.WriteString("**Attributes**\n\n")
			writeAttrs(b, t.attrs)
		}
	case kindConstant:
		fmt.Fprintf(b, "```starlark\n%s = %s\n```\n\n", e.name, e.value)
		writeDoc(b, e.doc)
	}
}

func writeDoc(b *strings.Builder, doc string) {
	if doc != "" {
		b.WriteString(doc + "\n\n")
	}
}

func writeAttrs(b *strings.Builder, attrs []attribute) {
	b.WriteString("| Name | Type | Mandatory | Default | Description |\n| :--- | :--- | :--- | :--- | :--- |\n")
	for _, a := range attrs {
		mandatory, def := "no", "`"+a.def+"`"
		if a.mandatory {
			mandatory, def = "yes", ""
		}
		desc := cell(a.doc)
		if len(a.notes) > 0 {
			desc = strings.TrimPrefix(desc+"<br>"+cell(strings.Join(a.notes, " ")), "<br>")
		}
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", a.name, attrTypes[a.typ][0], mandatory, cell(def), desc)
	}
}

func attrNames(attrs []attribute) []string {
	out := make([]string, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a.name)
	}
	return out
}

// signature prints name(a, b, c) on one line, or one argument per line
// when that is longer than 80 characters.
func signature(name string, args []string) string {
	one := name + "(" + strings.Join(args, ", ") + ")"
	if len(one) <= 80 || len(args) == 0 {
		return one
	}
	return name + "(\n    " + strings.Join(args, ",\n    ") + ",\n)"
}

// cell makes text fit in one Markdown table cell: paragraphs become <br>
// breaks, other newlines spaces, and pipes are escaped.
func cell(s string) string {
	paras := strings.Split(strings.TrimSpace(s), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	out := strings.Join(paras, "<br><br>")
	return strings.ReplaceAll(out, "|", `\|`)
}

// relLink links a file label to the file, relative to docs/.
func relLink(label string) string {
	p := strings.Replace(strings.TrimPrefix(label, "//"), ":", "/", 1)
	return path.Join("..", p)
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
