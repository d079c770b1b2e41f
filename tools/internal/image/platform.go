package image

import (
	"fmt"
	"strings"
)

// Platform is an OCI platform in Go's names: linux/amd64, linux/arm/v7.
type Platform struct {
	OS, Arch, Variant string
}

func (p Platform) String() string {
	s := p.OS + "/" + p.Arch
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// ParsePlatform reads "os/arch[/variant]". It checks the shape only (the
// rule set's platform table decides which platforms are built), so that
// "amd64" or "linux/" fail here with the form spelled out, not later as a
// config no runtime would pick.
func ParsePlatform(s string) (Platform, error) {
	f := strings.Split(s, "/")
	if len(f) < 2 || len(f) > 3 {
		return Platform{}, fmt.Errorf("platform %q: want OS/ARCH[/VARIANT] in OCI terms, e.g. linux/amd64 or linux/arm/v7", s)
	}
	for _, part := range f {
		if part == "" || strings.Trim(part, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			return Platform{}, fmt.Errorf("platform %q: each part of OS/ARCH[/VARIANT] must be non-empty lower-case letters, digits or _, e.g. linux/arm/v7", s)
		}
	}
	p := Platform{OS: f[0], Arch: f[1]}
	if len(f) == 3 {
		p.Variant = f[2]
	}
	return p, nil
}
