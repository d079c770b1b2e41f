package version

import "fmt"

// Op is a version operator of a dependency atom. It is a set of the
// outcomes it accepts (less, equal, greater), plus a fuzzy flag, the way
// apk encodes it; use the named constants.
type Op uint8

// The outcome bits an Op is built from.
const (
	less Op = 1 << iota
	equal
	greater
	fuzzy
)

// The operators of apk dependency atoms. The zero Op is not an operator.
const (
	Less         Op = less                    // <
	LessEqual    Op = less | equal            // <=
	Equal        Op = equal                   // =
	GreaterEqual Op = greater | equal         // >=
	Greater      Op = greater                 // >
	Fuzzy        Op = equal | fuzzy           // ~  (a starts with b, token-wise)
	LessFuzzy    Op = less | equal | fuzzy    // <~
	GreaterFuzzy Op = greater | equal | fuzzy // >~
)

var opNames = []struct {
	op   Op
	name string
}{
	{Less, "<"}, {LessEqual, "<="}, {Equal, "="}, {GreaterEqual, ">="},
	{Greater, ">"}, {Fuzzy, "~"}, {LessFuzzy, "<~"}, {GreaterFuzzy, ">~"},
}

// ParseOp parses one of <, <=, =, >=, >, ~, <~, >~.
func ParseOp(s string) (Op, error) {
	for _, o := range opNames {
		if o.name == s {
			return o.op, nil
		}
	}
	return 0, fmt.Errorf("version: unknown operator %q: use one of < <= = >= > ~ <~ >~", s)
}

// String returns the operator as written in an atom, or "" for an Op that
// is not one of the named constants.
func (o Op) String() string {
	for _, n := range opNames {
		if n.op == o {
			return n.name
		}
	}
	return ""
}

// Match reports whether "a op b" holds, e.g. Match("1.2", GreaterEqual,
// "1.0"). Fuzzy operators treat a version that starts with b's tokens as
// equal to b. The zero Op and unnamed Ops match nothing.
func Match(a string, op Op, b string) bool {
	if op.String() == "" {
		return false
	}
	var got Op
	switch compare(a, b, op&fuzzy != 0) {
	case -1:
		got = less
	case 0:
		got = equal
	default:
		got = greater
	}
	return got&op != 0
}
