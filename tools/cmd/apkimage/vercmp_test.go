package main

import (
	"bytes"
	"testing"
)

// runCaptured runs the CLI with stdout captured.
func runCaptured(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	saved := stdout
	stdout = &out
	defer func() { stdout = saved }()
	code := run(args)
	return code, out.String()
}

func TestVercmp(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"less", []string{"vercmp", "1.2.3-r0", "1.2.3-r1"}, 0, "<\n"},
		{"equal", []string{"vercmp", "1.0", "1.0"}, 0, "=\n"},
		{"greater", []string{"vercmp", "1.10", "1.9"}, 0, ">\n"},
		{"pre-release", []string{"vercmp", "2.0_rc1", "2.0"}, 0, "<\n"},
		{"invalid first", []string{"vercmp", "1.0-1", "1.0"}, 2, ""},
		{"invalid second", []string{"vercmp", "1.0", "x"}, 2, ""},
		{"one argument", []string{"vercmp", "1.0"}, 2, ""},
		{"unknown flag", []string{"vercmp", "--bogus", "1", "2"}, 2, ""},
		{"test holds", []string{"vercmp", "--test", "1.2", ">=", "1.0"}, 0, ""},
		{"test fails", []string{"vercmp", "--test", "1.2", "<", "1.0"}, 1, ""},
		{"test fuzzy", []string{"vercmp", "--test", "3.6.9", "~", "3.6"}, 0, ""},
		{"test fuzzy fails", []string{"vercmp", "--test", "3.8", "~", "3.8.1"}, 1, ""},
		{"test bad op", []string{"vercmp", "--test", "1.2", "==", "1.0"}, 2, ""},
		{"test bad version", []string{"vercmp", "--test", "1.2", "=", "1.0_final"}, 2, ""},
		{"test wrong count", []string{"vercmp", "--test", "1.2", "1.0"}, 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runCaptured(t, tc.args...)
			if code != tc.code || out != tc.out {
				t.Errorf("run(%q) = %d, %q; want %d, %q", tc.args, code, out, tc.code, tc.out)
			}
		})
	}
}
