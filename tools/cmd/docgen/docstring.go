package main

import (
	"regexp"
	"strings"
)

// docstring is a function's docstring split into its parts (the Google
// style Bazel uses: a summary, paragraphs, then `Args:` and `Returns:`).
type docstring struct {
	body    string   // summary and description, Markdown
	args    []docArg // from the Args: section, in order
	returns string
}

type docArg struct {
	name string
	doc  string
}

// trimDoc removes a docstring's indentation the way Python's
// inspect.cleandoc does: the first line is stripped, the common
// indentation of the others removed, blank lines at both ends dropped.
func trimDoc(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\t", "        "), "\n")
	indent := -1
	for _, l := range lines[1:] {
		t := strings.TrimLeft(l, " ")
		if t == "" {
			continue
		}
		if n := len(l) - len(t); indent < 0 || n < indent {
			indent = n
		}
	}
	lines[0] = strings.TrimSpace(lines[0])
	for i := 1; i < len(lines); i++ {
		if len(lines[i]) >= indent && indent > 0 {
			lines[i] = lines[i][indent:]
		}
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

var (
	sectionRe = regexp.MustCompile(`^(Args|Arguments|Keyword Args|Returns|Yields|Raises|Deprecated):\s*$`)
	argRe     = regexp.MustCompile(`^(\*{0,2}[A-Za-z_][A-Za-z0-9_]*)(\s*\([^)]*\))?:\s*(.*)$`)
)

// parseDocstring splits a function docstring into body, Args and Returns.
func parseDocstring(raw string) docstring {
	var d docstring
	var body, returns []string
	section := ""
	argIndent := -1
	for _, line := range strings.Split(trimDoc(raw), "\n") {
		if m := sectionRe.FindStringSubmatch(line); m != nil {
			section = m[1]
			argIndent = -1
			if section == "Raises" || section == "Deprecated" {
				body = append(body, line)
			}
			continue
		}
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		if section != "" && trimmed != "" && indent == 0 {
			section = "" // an unindented line ends the section
		}
		switch section {
		case "":
			body = append(body, line)
		case "Args", "Arguments", "Keyword Args":
			if trimmed == "" {
				continue
			}
			if argIndent < 0 {
				argIndent = indent
			}
			if m := argRe.FindStringSubmatch(trimmed); m != nil && indent == argIndent {
				d.args = append(d.args, docArg{name: strings.TrimLeft(m[1], "*"), doc: m[3]})
			} else if len(d.args) > 0 {
				last := &d.args[len(d.args)-1]
				last.doc = strings.TrimSpace(last.doc + " " + trimmed)
			}
		case "Returns", "Yields":
			returns = append(returns, trimmed)
		default:
			// Raises, Deprecated: kept in the body, as written.
			body = append(body, line)
		}
	}
	d.body = strings.TrimSpace(strings.Join(body, "\n"))
	d.returns = strings.TrimSpace(joinParagraphs(returns))
	return d
}

// joinParagraphs joins lines into one line per paragraph.
func joinParagraphs(lines []string) string {
	var out []string
	cur := ""
	for _, l := range lines {
		if l == "" {
			if cur != "" {
				out = append(out, cur)
				cur = ""
			}
			continue
		}
		if cur == "" {
			cur = l
		} else {
			cur += " " + l
		}
	}
	if cur != "" {
		out = append(out, cur)
	}
	return strings.Join(out, "\n\n")
}
