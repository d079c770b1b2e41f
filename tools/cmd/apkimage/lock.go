package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/fetch"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/locking"
)

// stderr receives progress and summaries; tests replace it.
var stderr io.Writer = os.Stderr

// lockMain implements
// "lock --config CONFIG.json --out LOCK.json [--timeout 60s] [--attempts 3] [--check] [--relock-command CMD]":
// resolve, download and verify every package of every architecture and
// write the lock atomically. With --check nothing is fetched: the verb
// fails when LOCK.json does not answer CONFIG.json.
func lockMain(args []string) error {
	fs := flag.NewFlagSet("lock", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	config := fs.String("config", "", "lock configuration `CONFIG.json`: repositories, keyring, packages, architectures")
	out := fs.String("out", "", "lock file `LOCK.json` to write (atomically; untouched on failure)")
	timeout := fs.Duration("timeout", fetch.DefaultTimeout, "give up on a download attempt that brings less than 1 KiB/s over this long (or nothing at all)")
	attempts := fs.Int("attempts", fetch.DefaultAttempts, "tries per URL on transient failures")
	check := fs.Bool("check", false, "fetch nothing; fail if --out is missing, invalid or stale for --config")
	relock := fs.String("relock-command", "", "the command a staleness error tells to run (default: this verb with --config and --out)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage lock --config CONFIG.json --out LOCK.json [--timeout 60s] [--attempts 3] [--check] [--relock-command CMD]\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	indexGC()
	switch {
	case fs.NArg() > 0:
		return &exitError{2, fmt.Errorf("unexpected arguments %q", fs.Args())}
	case *config == "" || *out == "":
		return &exitError{2, errors.New("--config and --out are required")}
	case *timeout <= 0 || *attempts <= 0:
		return &exitError{2, errors.New("--timeout and --attempts must be positive")}
	}
	cfg, err := lock.ReadConfig(*config)
	if err != nil {
		return err
	}
	if *check {
		l, err := lock.Read(*out)
		if err != nil {
			return err
		}
		fix := *relock
		if fix == "" {
			fix = fmt.Sprintf("apkimage lock --config %s --out %s", *config, *out)
		}
		return l.Check(*cfg, "'"+fix+"'")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// The cap matches apkfile's default expansion limit: no real package
	// or index comes near it, a runaway response stops there.
	c := &fetch.Client{Attempts: *attempts, Timeout: *timeout, MaxBytes: 2 << 30, Log: stderr}
	l, err := locking.Create(ctx, *cfg, c, stderr)
	if err != nil {
		if ctx.Err() != nil {
			// Create has removed its downloads; --out was never touched.
			return fmt.Errorf("interrupted: nothing was written, %s is as it was", *out)
		}
		return err
	}
	if err := lock.Write(*out, l); err != nil {
		return err
	}
	for _, arch := range l.Config.Architectures {
		fmt.Fprintln(stderr, lockSummary(arch, l.Architectures[arch].Packages))
	}
	return nil
}

// lockSummary is one line per architecture: what was locked and its size.
func lockSummary(arch string, ps []lock.Package) string {
	var total int64
	names := make([]string, len(ps))
	for i, p := range ps {
		total += p.Size
		names[i] = p.Name + "-" + p.Version
	}
	return fmt.Sprintf("lock: %s: %d packages, %.1f KiB: %s", arch, len(ps), float64(total)/1024, strings.Join(names, " "))
}
