package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
)

// keyringFlags registers --keyring DIR and repeatable --key FILE on fs;
// load turns them into a keyring. Exactly one of the two forms is allowed.
type keyringFlags struct {
	dir  string
	keys keyFileList
}

// keyFileList is a repeatable --key flag.
type keyFileList []string

func (l *keyFileList) String() string     { return strings.Join(*l, ",") }
func (l *keyFileList) Set(s string) error { *l = append(*l, s); return nil }

func addKeyringFlags(fs *flag.FlagSet) *keyringFlags {
	k := &keyringFlags{}
	fs.StringVar(&k.dir, "keyring", "", "directory of trusted *.pub keys (key name = file name)")
	fs.Var(&k.keys, "key", "trusted public key file (repeatable; instead of --keyring)")
	return k
}

func (k *keyringFlags) load() (*keyring.Keyring, error) {
	if (k.dir == "") == (len(k.keys) == 0) {
		return nil, &exitError{2, errors.New("give either --keyring DIR or one or more --key FILE")}
	}
	if k.dir != "" {
		return keyring.LoadDir(k.dir)
	}
	return keyring.FromFiles(k.keys)
}

// verifyMain implements "verify (--keyring DIR | --key FILE...) FILE.apk...":
// every file is fully verified (signature, control, each file's checksum,
// datahash) and printed as "name-version Q1checksum"; every failure is
// reported, and any failure makes the exit status 1.
func verifyMain(args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	kf := addKeyringFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage verify (--keyring DIR | --key FILE...) FILE.apk...")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return &exitError{2, errors.New("no package files given: name the .apk files to verify")}
	}
	kr, err := kf.load()
	if err != nil {
		return err
	}
	var failures []string
	for _, path := range fs.Args() {
		sum, err := apkfile.Verify(path, kr, apkfile.Options{})
		if err != nil {
			failures = append(failures, err.Error())
			continue
		}
		if _, err := fmt.Fprintf(stdout, "%s-%s %s\n", sum.Info.Name, sum.Info.Version, sum.Checksum); err != nil {
			return err
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d of %d packages failed verification:\n  %s", len(failures), fs.NArg(), strings.Join(failures, "\n  "))
	}
	return nil
}
