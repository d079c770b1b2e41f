package pkginfo

import (
	"strings"
	"testing"
)

func TestNonNegativeAndPriority(t *testing.T) {
	long := strings.Repeat("9", 100)
	for _, c := range []struct {
		in      string
		bits    int
		want    int64
		wantErr string
	}{
		{"0", 64, 0, ""},
		{"1700000000", 64, 1700000000, ""},
		{"9223372036854775807", 64, 9223372036854775807, ""},
		{"2147483647", 32, 2147483647, ""},
		{"2147483648", 32, 0, `"2147483648" is not a non-negative 32-bit integer`},
		{"-1", 64, 0, `"-1" is not a non-negative 64-bit integer`},
		{"+1", 64, 1, ""},
		{"12k", 64, 0, `"12k" is not a non-negative 64-bit integer`},
		{"", 64, 0, `"" is not a non-negative 64-bit integer`},
		{long, 64, 0, `"` + long[:80] + `..." is not a non-negative 64-bit integer`},
	} {
		got, err := NonNegative(c.in, c.bits)
		if msg := errString(err); got != c.want || msg != c.wantErr {
			t.Errorf("NonNegative(%q, %d) = %d, %q; want %d, %q", c.in, c.bits, got, msg, c.want, c.wantErr)
		}
		if c.bits != 32 {
			continue
		}
		p, err := Priority(c.in)
		if msg := errString(err); int64(p) != c.want || msg != c.wantErr {
			t.Errorf("Priority(%q) = %d, %q; want %d, %q", c.in, p, msg, c.want, c.wantErr)
		}
	}
}

// TestPriorityKeys: .PKGINFO's priorities keep their "value ..." wording
// and a bad provider_priority leaves HasPriority false.
func TestPriorityKeys(t *testing.T) {
	for _, c := range []struct {
		text, wantErr string
		want          Info
	}{
		{"pkgname = a\npkgver = 1-r0\nprovider_priority = 10\nreplaces_priority = 3\n", "",
			Info{Name: "a", Version: "1-r0", ProviderPriority: 10, HasPriority: true, ReplacesPriority: 3}},
		{"pkgname = a\nprovider_priority = 1x\n", `.PKGINFO line 2: key "provider_priority": value "1x" is not a non-negative 32-bit integer`, Info{}},
		{"pkgname = a\nreplaces_priority = -2\n", `.PKGINFO line 2: key "replaces_priority": value "-2" is not a non-negative 32-bit integer`, Info{}},
	} {
		info, err := Parse(strings.NewReader(c.text))
		if msg := errString(err); msg != c.wantErr {
			t.Errorf("Parse(%q) error %q, want %q", c.text, msg, c.wantErr)
			continue
		}
		if err == nil && (info.ProviderPriority != c.want.ProviderPriority || info.HasPriority != c.want.HasPriority ||
			info.ReplacesPriority != c.want.ReplacesPriority) {
			t.Errorf("Parse(%q) = %+v, want %+v", c.text, *info, c.want)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
