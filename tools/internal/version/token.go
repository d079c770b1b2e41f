package version

// kind is a token class. The order of the constants matters: it is apk's
// order for deciding which version is smaller when one runs out of tokens
// first, and it bounds which token may follow which.
type kind int

const (
	kInitialDigit kind = iota // the leading number
	kDigit                    // ".N"
	kLetter                   // one lower-case letter after the numbers
	kSuffix                   // "_alpha", "_p", ...
	kSuffixNo                 // the number after a suffix
	kHash                     // "~hex"
	kRevision                 // "-rN"
	kEnd                      // nothing left
	kInvalid                  // what follows is not a version
)

// suffixRank maps suffix names to their order. Pre-release suffixes rank
// below rankNone (a plain release); post-release ones above it.
var suffixRank = map[string]int{
	"alpha": 0, "beta": 1, "pre": 2, "rc": 3,
	"cvs": 5, "svn": 6, "git": 7, "hg": 8, "p": 9,
}

const rankNone = 4

// token is one lexed piece of a version.
type token struct {
	kind kind
	text string // the digits, letter, suffix name or hash as written
	rank int    // suffix rank, for kSuffix
}

// lexer walks a version string one token at a time.
type lexer struct {
	s    string
	prev kind
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isHex(c byte) bool   { return isDigit(c) || (c >= 'a' && c <= 'f') }

// span splits off the longest prefix of l.s whose bytes satisfy ok.
func (l *lexer) span(ok func(byte) bool) string {
	i := 0
	for i < len(l.s) && ok(l.s[i]) {
		i++
	}
	out := l.s[:i]
	l.s = l.s[i:]
	return out
}

// first returns the leading number, or an invalid token.
func (l *lexer) first() token {
	d := l.span(isDigit)
	if d == "" {
		return l.emit(token{kind: kInvalid})
	}
	return l.emit(token{kind: kInitialDigit, text: d})
}

func (l *lexer) emit(t token) token {
	l.prev = t.kind
	return t
}

// next returns the token after l.prev. Once the end or an invalid token
// has been returned it keeps returning it.
func (l *lexer) next() token {
	if l.prev >= kEnd {
		return token{kind: l.prev}
	}
	if l.s == "" {
		return l.emit(token{kind: kEnd})
	}
	bad := token{kind: kInvalid}
	c := l.s[0]
	switch {
	case c == '.':
		// ".N" only continues the dotted numbers.
		if l.prev > kDigit {
			return l.emit(bad)
		}
		l.s = l.s[1:]
		d := l.span(isDigit)
		if d == "" {
			return l.emit(bad)
		}
		return l.emit(token{kind: kDigit, text: d})
	case isDigit(c):
		// Bare digits can only be a suffix's number: after a number the
		// lexer has already consumed every digit.
		if l.prev != kSuffix {
			return l.emit(bad)
		}
		return l.emit(token{kind: kSuffixNo, text: l.span(isDigit)})
	case isLower(c):
		if l.prev > kDigit {
			return l.emit(bad)
		}
		l.s = l.s[1:]
		return l.emit(token{kind: kLetter, text: string(c)})
	case c == '_':
		if l.prev > kSuffixNo {
			return l.emit(bad)
		}
		l.s = l.s[1:]
		name := l.span(isLower)
		r, ok := suffixRank[name]
		if !ok {
			return l.emit(bad)
		}
		return l.emit(token{kind: kSuffix, text: name, rank: r})
	case c == '~':
		if l.prev >= kHash {
			return l.emit(bad)
		}
		l.s = l.s[1:]
		h := l.span(isHex)
		if h == "" {
			return l.emit(bad)
		}
		return l.emit(token{kind: kHash, text: h})
	case c == '-':
		if l.prev >= kRevision || len(l.s) < 2 || l.s[1] != 'r' {
			return l.emit(bad)
		}
		l.s = l.s[2:]
		d := l.span(isDigit)
		if d == "" {
			return l.emit(bad)
		}
		return l.emit(token{kind: kRevision, text: d})
	}
	return l.emit(bad)
}
