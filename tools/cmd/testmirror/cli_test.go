package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCommandLine runs the real command (see TestMain): --help of the
// command and of each verb exits 0 and prints the usage on stdout; a wrong
// command line exits 2 and says what was wrong on stderr.
func TestCommandLine(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout []string // substrings
		wantStderr []string
	}{
		{"help", []string{"--help"}, 0, []string{"usage: testmirror VERB", "generate", "serve"}, nil},
		{"short help", []string{"-h"}, 0, []string{"usage: testmirror VERB"}, nil},
		{"help verb", []string{"help"}, 0, []string{"usage: testmirror VERB"}, nil},
		{"generate help", []string{"generate", "--help"}, 0,
			[]string{"usage: testmirror generate --out DIR", "-out", "-sysroots", "-arch", "-hello", "-busybox"}, nil},
		{"serve help", []string{"serve", "-h"}, 0,
			[]string{"usage: testmirror serve --dir DIR", "-dir", "-addr", "-port-file"}, nil},
		{"help after other flags", []string{"serve", "--addr", "127.0.0.1:0", "--help"}, 0,
			[]string{"usage: testmirror serve"}, nil},
		{"no verb", nil, 2, nil, []string{"usage: testmirror VERB", "no verb given"}},
		{"unknown verb", []string{"publish"}, 2, nil, []string{`unknown verb "publish"`}},
		{"unknown flag", []string{"generate", "--bogus"}, 2, nil,
			[]string{"flag provided but not defined: -bogus", "usage: testmirror generate"}},
		{"bad flag value", []string{"serve", "--dir"}, 2, nil, []string{"flag needs an argument: -dir"}},
		{"missing --out", []string{"generate"}, 2, nil, []string{"generate: --out is required"}},
		{"missing --dir", []string{"serve", "--addr", "127.0.0.1:0"}, 2, nil, []string{"serve: --dir is required"}},
		{"stray argument", []string{"serve", "--dir", ".", "extra"}, 2, nil, []string{`unexpected arguments ["extra"]`}},
		{"failure is 1", []string{"serve", "--dir", "/nonexistent/mirror"}, 1, nil,
			[]string{"--dir /nonexistent/mirror is not a directory"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tc.args...)
			cmd.Env = append(os.Environ(), "MIRROR_TEST_RUN_MAIN=1")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tc.wantCode {
				t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.wantCode, stdout.String(), stderr.String())
			}
			for _, w := range tc.wantStdout {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout.String())
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
				}
			}
			if tc.wantCode == 0 && stderr.Len() != 0 {
				t.Errorf("help wrote to stderr:\n%s", stderr.String())
			}
			if tc.wantCode != 0 && stdout.Len() != 0 {
				t.Errorf("a failure wrote to stdout:\n%s", stdout.String())
			}
		})
	}
}
