// Command testmirror generates and serves the bundled test mirror: an
// Alpine-format package repository for the eight architectures of the
// musl-dynamic image, signed with a throwaway test key.
//
//	go run ./tools/cmd/testmirror generate --out DIR [--sysroots DIR] [--arch LIST] [--hello auto|require|none] [--busybox DIR|none]
//	go run ./tools/cmd/testmirror serve --dir DIR [--addr 127.0.0.1:0] [--port-file FILE]
//
// See README.md for where every byte comes from and for the fault paths
// the server offers to hostile tests. Exit status: 0 (also for --help), 1
// when the work failed, 2 for a wrong command line.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
)

const usageText = `usage: testmirror VERB [flags]

verbs:
  generate  write the bundled Alpine-format mirror to a directory
  serve     serve a generated mirror over HTTP (with fault paths for tests)

'testmirror VERB --help' shows a verb's flags.
`

func main() {
	os.Exit(exitCode(run(os.Args[1:])))
}

// usageError is a wrong command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// exitCode prints err and maps it to the exit status; flag.ErrHelp (the
// usage is already printed) is success.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "testmirror: %v\n", err)
		return 2
	default:
		fmt.Fprintf(os.Stderr, "testmirror: %v\n", err)
		return 1
	}
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usageText)
		return &usageError{"no verb given"}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(os.Stdout, usageText)
		return nil
	case "generate":
		return generateCmd(args[1:])
	case "serve":
		return serveCmd(args[1:])
	default:
		return &usageError{fmt.Sprintf("unknown verb %q: want generate or serve (see 'testmirror --help')", args[0])}
	}
}

// parseFlags parses a verb's flags. --help prints the verb's usage line and
// flags to stdout and ends the verb with flag.ErrHelp (status 0); a bad flag
// is a usageError (status 2).
func parseFlags(fs *flag.FlagSet, usage string, args []string) error {
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\nflags:\n", usage)
		fs.PrintDefaults()
	}
	// The flag package writes the usage (and a bad flag's message) to its
	// output: keep it until we know whether it belongs on stdout or stderr.
	var out bytes.Buffer
	fs.SetOutput(&out)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Stdout.Write(out.Bytes())
		return flag.ErrHelp
	case err != nil:
		os.Stderr.Write(out.Bytes())
		return &usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	if fs.NArg() != 0 {
		return &usageError{fmt.Sprintf("%s: unexpected arguments %q; usage: %s", fs.Name(), fs.Args(), usage)}
	}
	return nil
}
