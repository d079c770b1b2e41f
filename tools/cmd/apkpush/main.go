// Command apkpush uploads an OCI layout (image or index) to a registry:
//
//	apkpush --layout DIR --repository HOST[:PORT]/REPO[:TAG] [--tag T]...
//
// It is apart from apkimage on purpose: the registry client pulls in about 50
// more Go packages (Docker's config and credential helpers, x/sys, ...), and
// apkimage is compiled once per target platform under oci_index's split
// transition; only oci_push needs this one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/atomicfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/push"
)

func main() {
	err := pushMain(os.Args[1:])
	var ue *usageError
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "apkpush: %v (see 'apkpush --help')\n", ue.err)
		os.Exit(2)
	default:
		fmt.Fprintf(os.Stderr, "apkpush: %v\n", err)
		os.Exit(1)
	}
}

// usageError is a wrong command line (exit status 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }

func usagef(format string, a ...interface{}) error {
	return &usageError{fmt.Errorf(format, a...)}
}

func pushMain(args []string) error {
	fs := flag.NewFlagSet("apkpush", flag.ContinueOnError)
	var (
		dir       = fs.String("layout", "", "the OCI layout `DIR` to push (index.json lists one image or index)")
		repo      = fs.String("repository", "", "where to push: `HOST[:PORT]/REPO[:TAG]` (tag latest when absent); the last one given wins")
		insecure  = fs.Bool("insecure", false, "allow plain HTTP to a non-loopback registry (loopback registries may always use it)")
		timeout   = fs.Duration("timeout", 10*time.Minute, "give up after this long")
		digestOut = fs.String("digest-out", "", "also write the pushed digest (sha256:..., no newline) to `FILE`")
		tags      pushTags
	)
	fs.Var(&tags, "tag", "another `TAG` for the same content; repeatable")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkpush --layout DIR --repository HOST[:PORT]/REPO[:TAG] [--tag TAG]...\n\nPushes the image or index of an OCI layout and prints REPO@DIGEST.\nCredentials come from the Docker config (~/.docker/config.json).\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return &usageError{err}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments %q", fs.Args())
	}
	if *dir == "" {
		return usagef("--layout is required")
	}
	if *repo == "" {
		return usagef("--repository is required (or set the oci_push rule's repository attribute)")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, *timeout)
	defer cancelT()
	res, err := push.Push(ctx, *dir, *repo, push.Options{Tags: tags, Insecure: *insecure})
	if err != nil {
		return err
	}
	for _, r := range res.Refs {
		fmt.Fprintf(os.Stderr, "pushed %s\n", r)
	}
	repoOnly := res.Refs[0][:strings.LastIndex(res.Refs[0], ":")]
	fmt.Printf("%s@%s\n", repoOnly, res.Digest)
	if *digestOut != "" {
		return atomicfile.WriteFile(*digestOut, []byte(res.Digest.String()), 0o644)
	}
	return nil
}

// pushTags collects repeated --tag flags.
type pushTags []string

func (t *pushTags) String() string { return strings.Join(*t, ",") }

func (t *pushTags) Set(v string) error {
	if v == "" {
		return fmt.Errorf("empty tag")
	}
	*t = append(*t, v)
	return nil
}
