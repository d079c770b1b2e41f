package version

import "testing"

func FuzzCompare(f *testing.F) {
	seeds := [][2]string{
		{"1.0", "1.0"}, {"1.0-r1", "1.0"}, {"1.0_rc1", "1.0"}, {"1.01", "1.1"},
		{"1.0~abc-r2", "1.0_p1"}, {"2.0a", "2.0.1"}, {"", "1"}, {"1.0bc", "1.0"},
		{"99999999999999999999999", "1"}, {"0.1_git20240101_pre1", "0.1_p1_pre2"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		ab, ba := Compare(a, b), Compare(b, a)
		if ab != -ba {
			t.Fatalf("Compare(%q, %q) = %d but Compare(%q, %q) = %d", a, b, ab, b, a, ba)
		}
		if ab < -1 || ab > 1 {
			t.Fatalf("Compare(%q, %q) = %d, want -1, 0 or 1", a, b, ab)
		}
		if Valid(a) && Compare(a, a) != 0 {
			t.Fatalf("Compare(%q, %q) != 0", a, a)
		}
		// Fuzzy matching must agree with plain equality on equal versions.
		if ab == 0 && Valid(a) && Valid(b) && !Match(a, Fuzzy, b) {
			t.Fatalf("%q = %q but not %q ~ %q", a, b, a, b)
		}
	})
}
