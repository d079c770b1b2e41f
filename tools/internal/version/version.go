package version

import "strings"

// Valid reports whether v is a well-formed apk version.
func Valid(v string) bool {
	l := lexer{s: v}
	t := l.first()
	for t.kind < kEnd {
		t = l.next()
	}
	return t.kind == kEnd
}

// Compare orders two apk versions: -1 if a < b, 0 if equal, 1 if a > b.
// Invalid versions are compared up to their first bad token, as apk does.
func Compare(a, b string) int {
	return compare(a, b, false)
}

// compare is apk's comparison. With fuzzy set, a version that matches b
// token for token until b ends is equal to b ("3.6.9" ~ "3.6").
func compare(a, b string, fuzzy bool) int {
	la, lb := lexer{s: a}, lexer{s: b}
	ta, tb := la.first(), lb.first()
	for ta.kind == tb.kind && ta.kind < kEnd {
		if r := compareToken(ta, tb); r != 0 {
			return r
		}
		ta, tb = la.next(), lb.next()
	}
	if ta.kind == tb.kind {
		return 0
	}
	if fuzzy && tb.kind == kEnd {
		return 0
	}
	// The common prefix is equal. A pre-release suffix makes the longer
	// version smaller (1.0_rc1 < 1.0); otherwise the side whose next token
	// comes later in the token-class order is smaller (1.0 < 1.0.1).
	if ta.kind == kSuffix && ta.rank < rankNone {
		return -1
	}
	if tb.kind == kSuffix && tb.rank < rankNone {
		return 1
	}
	if ta.kind > tb.kind {
		return -1
	}
	return 1
}

// compareToken compares two tokens of the same kind.
func compareToken(a, b token) int {
	switch a.kind {
	case kDigit:
		// A dotted component with a leading zero is a fraction-like
		// string ("8.2.001"), so apk sorts it as a string.
		if a.text[0] == '0' || b.text[0] == '0' {
			return strings.Compare(a.text, b.text)
		}
		return compareNumber(a.text, b.text)
	case kInitialDigit, kSuffixNo, kRevision:
		return compareNumber(a.text, b.text)
	case kSuffix:
		return sign(a.rank - b.rank)
	default: // letters and hashes
		return strings.Compare(a.text, b.text)
	}
}

// compareNumber compares decimal digit strings by value without
// converting them, so arbitrarily long numbers cannot overflow.
func compareNumber(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return sign(len(a) - len(b))
	}
	return strings.Compare(a, b)
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}
