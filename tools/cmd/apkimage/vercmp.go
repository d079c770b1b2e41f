package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/version"
)

// stdout is where verbs print their results; tests replace it.
var stdout io.Writer = os.Stdout

// vercmpMain implements "vercmp A B" (prints <, = or >) and
// "vercmp --test A OP B" (exit 0 if it holds, 1 if not, 2 if the input is
// not valid), like apk's own version tool.
func vercmpMain(args []string) error {
	fs := flag.NewFlagSet("vercmp", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	test := fs.Bool("test", false, "check \"A OP B\" (OP: < <= = >= > ~ <~ >~) through the exit status instead of printing")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage vercmp A B\n       apkimage vercmp --test A OP B")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if *test {
		if len(rest) != 3 {
			return &exitError{2, fmt.Errorf("--test takes A OP B, got %d arguments", len(rest))}
		}
		op, err := version.ParseOp(rest[1])
		if err != nil {
			return &exitError{2, err}
		}
		if err := checkVersions(rest[0], rest[2]); err != nil {
			return err
		}
		if !version.Match(rest[0], op, rest[2]) {
			return &exitError{code: 1}
		}
		return nil
	}
	if len(rest) != 2 {
		return &exitError{2, fmt.Errorf("takes two versions A B (or --test A OP B), got %d arguments", len(rest))}
	}
	if err := checkVersions(rest[0], rest[1]); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, [...]string{"<", "=", ">"}[version.Compare(rest[0], rest[1])+1])
	return err
}

// checkVersions rejects invalid versions with exit status 2.
func checkVersions(vs ...string) error {
	for _, v := range vs {
		if !version.Valid(v) {
			return &exitError{2, fmt.Errorf("%q is not a valid apk version (digits{.digits}{letter}{_suffix[N]}{~hash}{-rN})", v)}
		}
	}
	return nil
}
