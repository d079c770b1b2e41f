package main

import (
	"flag"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// The flag names every verb shares, so that one idea has one spelling:
// --mtime is the one timestamp (the rules' mtime attribute), --apk-arch an
// apk architecture (x86_64, armv7), --platform an OCI platform
// (linux/arm/v7).

// mtimeFlag registers --mtime: SECONDS since the Unix epoch, like
// SOURCE_DATE_EPOCH; what it dates is the verb's own (file mtimes, the
// config's created, the SBOM's created).
func mtimeFlag(fs *flag.FlagSet, what string) *int64 {
	return fs.Int64("mtime", 0, "fixed time in `SECONDS` since the Unix epoch (like SOURCE_DATE_EPOCH) for "+what)
}

// mtimeValue checks --mtime and returns it as a time.
func mtimeValue(fs *flag.FlagSet, secs int64) (time.Time, error) {
	if secs < 0 {
		return time.Time{}, imgUsageError(fs, "--mtime %d is before the Unix epoch", secs)
	}
	return time.Unix(secs, 0), nil
}

// platformFlag is --platform OS/ARCH[/VARIANT], parsed when set so that a
// malformed value is a usage error (exit 2) naming the expected form.
type platformFlag struct {
	set bool
	p   image.Platform
}

func (f *platformFlag) String() string {
	if f == nil || !f.set {
		return ""
	}
	return f.p.String()
}

func (f *platformFlag) Set(s string) error {
	p, err := image.ParsePlatform(s)
	if err != nil {
		return err
	}
	f.p, f.set = p, true
	return nil
}
