package main

import (
	"fmt"
	"strconv"
	"strings"

	"go.starlark.net/syntax"
)

// formatExpr prints an expression on one line in buildifier's style.
func formatExpr(e syntax.Expr) string {
	var b strings.Builder
	writeExpr(&b, e)
	return b.String()
}

func writeExpr(b *strings.Builder, e syntax.Expr) {
	switch x := e.(type) {
	case nil:
	case *syntax.Ident:
		b.WriteString(x.Name)
	case *syntax.Literal:
		if s, ok := x.Value.(string); ok && x.Token == syntax.STRING {
			b.WriteString(quote(s))
		} else {
			b.WriteString(x.Raw)
		}
	case *syntax.ListExpr:
		b.WriteString("[")
		writeList(b, x.List)
		b.WriteString("]")
	case *syntax.TupleExpr:
		b.WriteString("(")
		writeList(b, x.List)
		if len(x.List) == 1 {
			b.WriteString(",")
		}
		b.WriteString(")")
	case *syntax.DictExpr:
		b.WriteString("{")
		writeList(b, x.List)
		b.WriteString("}")
	case *syntax.DictEntry:
		writeExpr(b, x.Key)
		b.WriteString(": ")
		writeExpr(b, x.Value)
	case *syntax.ParenExpr:
		b.WriteString("(")
		writeExpr(b, x.X)
		b.WriteString(")")
	case *syntax.CallExpr:
		writeExpr(b, x.Fn)
		b.WriteString("(")
		writeList(b, x.Args)
		b.WriteString(")")
	case *syntax.DotExpr:
		writeExpr(b, x.X)
		b.WriteString(".")
		b.WriteString(x.Name.Name)
	case *syntax.IndexExpr:
		writeExpr(b, x.X)
		b.WriteString("[")
		writeExpr(b, x.Y)
		b.WriteString("]")
	case *syntax.SliceExpr:
		writeExpr(b, x.X)
		b.WriteString("[")
		writeExpr(b, x.Lo)
		b.WriteString(":")
		writeExpr(b, x.Hi)
		if x.Step != nil {
			b.WriteString(":")
			writeExpr(b, x.Step)
		}
		b.WriteString("]")
	case *syntax.UnaryExpr:
		b.WriteString(x.Op.String())
		if x.Op == syntax.NOT {
			b.WriteString(" ")
		}
		writeExpr(b, x.X)
	case *syntax.BinaryExpr:
		writeExpr(b, x.X)
		if x.Op == syntax.EQ { // a keyword argument or a parameter default
			b.WriteString(" = ")
		} else {
			b.WriteString(" " + x.Op.String() + " ")
		}
		writeExpr(b, x.Y)
	case *syntax.CondExpr:
		writeExpr(b, x.True)
		b.WriteString(" if ")
		writeExpr(b, x.Cond)
		b.WriteString(" else ")
		writeExpr(b, x.False)
	case *syntax.Comprehension:
		open, close := "[", "]"
		if x.Curly {
			open, close = "{", "}"
		}
		b.WriteString(open)
		writeExpr(b, x.Body)
		for _, c := range x.Clauses {
			switch c := c.(type) {
			case *syntax.ForClause:
				b.WriteString(" for ")
				writeExpr(b, c.Vars)
				b.WriteString(" in ")
				writeExpr(b, c.X)
			case *syntax.IfClause:
				b.WriteString(" if ")
				writeExpr(b, c.Cond)
			}
		}
		b.WriteString(close)
	case *syntax.LambdaExpr:
		b.WriteString("lambda")
		if len(x.Params) > 0 {
			b.WriteString(" ")
			writeList(b, x.Params)
		}
		b.WriteString(": ")
		writeExpr(b, x.Body)
	default:
		fmt.Fprintf(b, "<%T>", e)
	}
}

func writeList(b *strings.Builder, list []syntax.Expr) {
	for i, e := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		writeExpr(b, e)
	}
}

// quote writes a string as a double-quoted Starlark literal.
func quote(s string) string {
	return strconv.Quote(s)
}

// callName returns "rule" for rule(...), "attr.string" for attr.string(...),
// "" when e is not a call of a plain or dotted name.
func callName(e syntax.Expr) string {
	call, ok := e.(*syntax.CallExpr)
	if !ok {
		return ""
	}
	return dottedName(call.Fn)
}

func dottedName(e syntax.Expr) string {
	switch x := e.(type) {
	case *syntax.Ident:
		return x.Name
	case *syntax.DotExpr:
		inner := dottedName(x.X)
		if inner == "" {
			return ""
		}
		return inner + "." + x.Name.Name
	}
	return ""
}

// kwarg returns the value of a call's keyword argument, or nil.
func kwarg(call *syntax.CallExpr, name string) syntax.Expr {
	for _, a := range call.Args {
		if bin, ok := a.(*syntax.BinaryExpr); ok && bin.Op == syntax.EQ {
			if id, ok := bin.X.(*syntax.Ident); ok && id.Name == name {
				return bin.Y
			}
		}
	}
	return nil
}

// stringValue returns the string an expression spells, following
// identifiers and + of strings.
func (w *workspace) stringValue(m *module, e syntax.Expr) (string, bool) {
	m, e, err := w.value(m, e)
	if err != nil {
		return "", false
	}
	switch x := e.(type) {
	case *syntax.Literal:
		s, ok := x.Value.(string)
		return s, ok && x.Token == syntax.STRING
	case *syntax.ParenExpr:
		return w.stringValue(m, x.X)
	case *syntax.BinaryExpr:
		if x.Op != syntax.PLUS {
			return "", false
		}
		l, ok1 := w.stringValue(m, x.X)
		r, ok2 := w.stringValue(m, x.Y)
		return l + r, ok1 && ok2
	}
	return "", false
}

// boolValue reads True/False; anything else is false.
func boolValue(e syntax.Expr) bool {
	id, ok := e.(*syntax.Ident)
	return ok && id.Name == "True"
}

// dictEntry is one entry of a dict literal whose key is a string.
type dictEntry struct {
	key   string
	mod   *module // where the value is written
	value syntax.Expr
}

// dictValue reads a dict with string keys: a literal, an identifier bound
// to one, or several joined with + or |, in order (later keys win).
func (w *workspace) dictValue(m *module, e syntax.Expr) ([]dictEntry, error) {
	m, e, err := w.value(m, e)
	if err != nil {
		return nil, err
	}
	switch x := e.(type) {
	case *syntax.DictExpr:
		var out []dictEntry
		for _, item := range x.List {
			entry := item.(*syntax.DictEntry)
			key, ok := w.stringValue(m, entry.Key)
			if !ok {
				return nil, fmt.Errorf("%s:%d: a dict key that is not a string: %s", m.path, syntax.Start(entry).Line, formatExpr(entry.Key))
			}
			out = append(out, dictEntry{key: key, mod: m, value: entry.Value})
		}
		return out, nil
	case *syntax.ParenExpr:
		return w.dictValue(m, x.X)
	case *syntax.CallExpr:
		// dict(A, **B): Bazel 4 has no dict union operator.
		if callName(x) == "dict" {
			var out []dictEntry
			for _, a := range x.Args {
				if u, ok := a.(*syntax.UnaryExpr); ok && u.Op == syntax.STARSTAR {
					a = u.X
				}
				d, err := w.dictValue(m, a)
				if err != nil {
					return nil, err
				}
				out = mergeEntries(out, d)
			}
			return out, nil
		}
	case *syntax.BinaryExpr:
		if x.Op == syntax.PLUS || x.Op == syntax.PIPE {
			l, err := w.dictValue(m, x.X)
			if err != nil {
				return nil, err
			}
			r, err := w.dictValue(m, x.Y)
			if err != nil {
				return nil, err
			}
			return mergeEntries(l, r), nil
		}
	}
	return nil, fmt.Errorf("%s:%d: cannot read %s statically; write a dict literal (or join literals with |)", m.path, syntax.Start(e).Line, formatExpr(e))
}

func mergeEntries(a, b []dictEntry) []dictEntry {
	out := append([]dictEntry(nil), a...)
	for _, e := range b {
		replaced := false
		for i := range out {
			if out[i].key == e.key {
				out[i] = e
				replaced = true
			}
		}
		if !replaced {
			out = append(out, e)
		}
	}
	return out
}

// listValue reads a list literal (following identifiers).
func (w *workspace) listValue(m *module, e syntax.Expr) (*module, []syntax.Expr, bool) {
	m, e, err := w.value(m, e)
	if err != nil {
		return nil, nil, false
	}
	l, ok := e.(*syntax.ListExpr)
	if !ok {
		return nil, nil, false
	}
	return m, l.List, true
}
