// Command mirror generates and serves the bundled test mirror: an
// Alpine-format package repository for the eight architectures of the
// musl-dynamic image, signed with a throwaway test key.
//
//	go run ./tools/cmd/testmirror generate --out DIR [--debs DIR] [--arch LIST] [--hello auto|require|none]
//	go run ./tools/cmd/testmirror serve --dir DIR [--addr 127.0.0.1:0] [--port-file FILE]
//
// See README.md for where every byte comes from and for the fault paths
// the server offers to hostile tests.
package main

import (
	"fmt"
	"os"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mirror:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: mirror generate|serve [flags]")
	}
	switch args[0] {
	case "generate":
		return generateCmd(args[1:])
	case "serve":
		return serveCmd(args[1:])
	default:
		return fmt.Errorf("unknown verb %q: want generate or serve", args[0])
	}
}
