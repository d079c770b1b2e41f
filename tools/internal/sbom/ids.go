package sbom

import (
	"fmt"
	"strings"
)

// sanitizeID keeps the characters SPDX allows in an SPDXID (letters, digits,
// '.' and '-') and turns every other one into '-'.
func sanitizeID(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !isIDChar(c) {
			b[i] = '-'
		}
	}
	if len(b) == 0 {
		return "unnamed"
	}
	return string(b)
}

func isIDChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-'
}

// uniqueID returns id, or id-2, id-3, ... when sanitizing made names collide.
func uniqueID(used map[string]bool, id string) string {
	out := id
	for n := 2; used[out]; n++ {
		out = fmt.Sprintf("%s-%d", id, n)
	}
	used[out] = true
	return out
}

// purl is the package URL pkg:apk/alpine/NAME@VERSION?arch=ARCH&upstream=ORIGIN
// with qualifiers in key order and empty ones left out.
func purl(p Package) string { return purlDistro(p, "") }

// purlDistro adds the distro qualifier (e.g. alpine-3.21.0), as syft writes it.
func purlDistro(p Package, distro string) string {
	s := "pkg:apk/alpine/" + purlEscape(p.Name) + "@" + purlEscape(p.Version)
	sep := "?"
	for _, q := range [][2]string{{"arch", p.Arch}, {"distro", distro}, {"upstream", p.Origin}} {
		if q[1] == "" {
			continue
		}
		s += sep + q[0] + "=" + purlEscape(q[1])
		sep = "&"
	}
	return s
}

// purlEscape percent-encodes everything but RFC 3986's unreserved characters,
// so '+' in names like libstdc++ becomes %2B as the purl spec requires.
func purlEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// validExpression reports whether s reads as an SPDX license expression:
// identifiers (optionally ending in '+') joined by AND, OR and WITH, with
// parentheses. It checks syntax only, not the SPDX license list.
func validExpression(s string) bool {
	toks := tokenize(s)
	if len(toks) == 0 {
		return false
	}
	p := &exprParser{toks: toks}
	return p.expr() && p.pos == len(p.toks)
}

func tokenize(s string) []string {
	s = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s)
	return strings.Fields(s)
}

type exprParser struct {
	toks []string
	pos  int
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

// expr := term { (AND | OR) term }
func (p *exprParser) expr() bool {
	if !p.term() {
		return false
	}
	for p.peek() == "AND" || p.peek() == "OR" {
		p.pos++
		if !p.term() {
			return false
		}
	}
	return true
}

// term := "(" expr ")" | id [ WITH id ]
func (p *exprParser) term() bool {
	if p.peek() == "(" {
		p.pos++
		if !p.expr() || p.peek() != ")" {
			return false
		}
		p.pos++
		return true
	}
	if !p.id() {
		return false
	}
	if p.peek() == "WITH" {
		p.pos++
		return p.id()
	}
	return true
}

func (p *exprParser) id() bool {
	t := p.peek()
	switch t {
	case "", "AND", "OR", "WITH", "(", ")":
		return false
	}
	body := strings.TrimSuffix(t, "+")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		if !isIDChar(body[i]) {
			return false
		}
	}
	p.pos++
	return true
}
