package version

import "testing"

func TestValid(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"1", true},
		{"0.0.0", true},
		{"1.2.3a", true},
		{"1.2_rc1", true},
		{"1.2_beta_p3", true},
		{"2.0_git20230101-r7", true},
		{"1.0~deadbeef-r1", true},
		{"10.4.1-r0", true},
		{"", false},
		{"v1.0", false},
		{"1.", false},
		{"1..2", false},
		{"1.0A", false},   // letters are lower case
		{"1.0ab", false},  // one letter only
		{"1.0a.2", false}, // numbers cannot follow the letter
		{"1.0_final", false},
		{"1.0_", false},
		{"1.0-r", false},
		{"1.0-1", false}, // revisions are -rN
		{"1.0-r1-r2", false},
		{"1.0-r1_p1", false}, // suffixes come before the revision
		{"1.0~", false},
		{"1.0~xyz", false},
		{"1.0 ", false},
	}
	for _, tc := range tests {
		t.Run(tc.v, func(t *testing.T) {
			if got := Valid(tc.v); got != tc.want {
				t.Errorf("Valid(%q) = %v, want %v", tc.v, got, tc.want)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.0", "1.0", 0},
		{"1.0-r0", "1.0-r1", -1},
		{"1.10", "1.9", 1},
		{"1.0", "1.0.0", -1}, // more numbers is newer
		{"1.0a", "1.0", 1},   // a letter is newer than none
		{"1.0a", "1.0b", -1},
		{"1.0.1", "1.0a", 1}, // a number outranks a letter
		{"1.0_alpha", "1.0_beta", -1},
		{"1.0_rc9", "1.0", -1}, // pre-release
		{"1.0_p1", "1.0", 1},   // post-release
		{"1.0_git1", "1.0_hg1", -1},
		{"1.0_cvs", "1.0_svn", -1},
		{"1.0_rc1", "1.0_rc", 1}, // a suffix number is newer than none
		{"1.0_alpha_p1", "1.0_alpha", 1},
		{"1.0_beta_rc1", "1.0_beta", -1},
		{"1.01", "1.1", -1}, // leading zero: string order
		{"1.010", "1.01", 1},
		{"1.09", "1.1", -1},
		{"01", "1", 0}, // the first number is always numeric
		{"1.0~abc", "1.0~abd", -1},
		{"1.0~abc", "1.0", 1}, // running out first makes a version smaller
		{"1.0~abc-r1", "1.0~abc", 1},
		{"1.0-r1", "1.0~abc", -1}, // hash < revision < end in the class order
		{"123456789012345678901234567890", "123456789012345678901234567891", -1},
		{"2", "10", -1},
		// Invalid input compares up to the bad token.
		{"1.0", "1.0xyz", -1},
		{"2.0_bogus", "1.9", 1},
		{"", "", 0},
		{"", "1", -1},
	}
	for _, tc := range tests {
		t.Run(tc.a+" vs "+tc.b, func(t *testing.T) {
			if got := Compare(tc.a, tc.b); got != tc.want {
				t.Errorf("Compare(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
			}
			if got := Compare(tc.b, tc.a); got != -tc.want {
				t.Errorf("Compare(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
			}
		})
	}
}

func TestParseOp(t *testing.T) {
	tests := []struct {
		in   string
		want Op
		err  bool
	}{
		{"<", Less, false}, {"<=", LessEqual, false}, {"=", Equal, false},
		{">=", GreaterEqual, false}, {">", Greater, false}, {"~", Fuzzy, false},
		{"<~", LessFuzzy, false}, {">~", GreaterFuzzy, false},
		{"==", 0, true}, {"", 0, true}, {"><", 0, true}, {"!=", 0, true}, {"=~", 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseOp(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Fatalf("ParseOp(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
			}
			if !tc.err && got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
	if s := Op(0).String(); s != "" {
		t.Errorf("Op(0).String() = %q, want empty", s)
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		a    string
		op   Op
		b    string
		want bool
	}{
		{"1.2", Less, "1.3", true},
		{"1.3", Less, "1.3", false},
		{"1.3", LessEqual, "1.3", true},
		{"1.3-r1", Equal, "1.3-r1", true},
		{"1.3-r1", Equal, "1.3", false},
		{"1.3", GreaterEqual, "1.3", true},
		{"1.4", Greater, "1.3", true},
		{"1.2.9", Fuzzy, "1.2", true},
		{"1.2_rc1", Fuzzy, "1.2", true},
		{"1.2-r5", Fuzzy, "1.2", true},
		{"1.20", Fuzzy, "1.2", false}, // token-wise, not byte-wise
		{"1.2", Fuzzy, "1.2.9", false},
		{"1.1", LessFuzzy, "1.2", true},
		{"1.2.7", LessFuzzy, "1.2", true},
		{"1.3", LessFuzzy, "1.2", false},
		{"1.3", GreaterFuzzy, "1.2", true},
		{"1.2.0", GreaterFuzzy, "1.2", true},
		{"1.1.9", GreaterFuzzy, "1.2", false},
		{"1.0", Op(0), "1.0", false},
		{"1.0", Op(0xff), "1.0", false},
	}
	for _, tc := range tests {
		t.Run(tc.a+tc.op.String()+tc.b, func(t *testing.T) {
			if got := Match(tc.a, tc.op, tc.b); got != tc.want {
				t.Errorf("Match(%q, %q, %q) = %v, want %v", tc.a, tc.op, tc.b, got, tc.want)
			}
		})
	}
}
