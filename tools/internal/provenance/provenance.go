package provenance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
)

// Type URIs of the documents written here.
const (
	StatementType = "https://in-toto.io/Statement/v1"
	PredicateType = "https://slsa.dev/provenance/v1"
	// BuildType names how the rule set builds: a lock's packages verified
	// and merged into one layer per platform.
	BuildType = "https://github.com/musl-dynamic/musl-dynamic/buildtypes/apk-lock/v1"
	// BuilderID is the rule set; its version goes in builder.version.
	BuilderID = "https://github.com/musl-dynamic/musl-dynamic"
)

// Input is what the build knows about one image or index.
type Input struct {
	Target  string // Bazel label of the image or index, e.g. //e2e:musl_dynamic
	Version string // the rule set's version (rules/private/version.bzl)
	Locks   []Lock // one per apk architecture whose image has packages
	Bases   []Base // one per apk architecture whose image is built on a base
}

// Base is the image one architecture's image is built on: an input as
// much as the packages, and the only one of an image that adds none.
type Base struct {
	Arch   string // apk architecture, e.g. aarch64
	Name   string // as the user knows it, e.g. the base's label
	Digest string // its image manifest's digest, sha256:<hex>
}

// Lock is the lock one architecture's packages were installed from: the
// whole lock or apk_repository's per-architecture extract of it.
type Lock struct {
	Arch  string // apk architecture, e.g. aarch64
	Name  string // the lock's name as the user knows it, e.g. @bundled_apks//aarch64:lock.json
	Bytes []byte // the lock file's exact bytes
}

// Subject is one artifact the statement covers, by digest.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Statement is an in-toto v1 statement carrying a SLSA v1 predicate.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// Predicate is SLSA provenance v1.
type Predicate struct {
	BuildDefinition BuildDefinition `json:"buildDefinition"`
	RunDetails      RunDetails      `json:"runDetails"`
}

// BuildDefinition says what was built from what.
type BuildDefinition struct {
	BuildType            string               `json:"buildType"`
	ExternalParameters   ExternalParameters   `json:"externalParameters"`
	ResolvedDependencies []ResourceDescriptor `json:"resolvedDependencies"`
}

// ExternalParameters are the user's choices: the target and its platforms.
type ExternalParameters struct {
	Target        string   `json:"target"`
	Architectures []string `json:"architectures"`
}

// ResourceDescriptor is one input artifact.
type ResourceDescriptor struct {
	Name        string            `json:"name"`
	URI         string            `json:"uri,omitempty"`
	Digest      map[string]string `json:"digest"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// RunDetails names the builder. There is no metadata: start and finish
// times or an invocation id would make the bytes differ on every build.
type RunDetails struct {
	Builder Builder `json:"builder"`
}

// Builder is the rule set at a version.
type Builder struct {
	ID      string            `json:"id"`
	Version map[string]string `json:"version"`
}

var (
	hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// A version as MODULE.bazel spells one; no spaces or quotes.
	versionRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+_-]*$`)
)

// Build returns the predicate for in, or an error naming what is missing.
func Build(in Input) (Predicate, error) {
	if in.Target == "" {
		return Predicate{}, fmt.Errorf("no target label: the provenance must name what was built")
	}
	if !versionRE.MatchString(in.Version) {
		return Predicate{}, fmt.Errorf("rule set version %q is not a version (want e.g. 0.1.0)", in.Version)
	}
	if len(in.Locks) == 0 && len(in.Bases) == 0 {
		return Predicate{}, fmt.Errorf("%s: no architectures given (neither a lock nor a base)", in.Target)
	}
	locks := append([]Lock(nil), in.Locks...)
	sort.Slice(locks, func(i, j int) bool { return locks[i].Arch < locks[j].Arch })
	bases := append([]Base(nil), in.Bases...)
	sort.Slice(bases, func(i, j int) bool { return bases[i].Arch < bases[j].Arch })
	archSet := map[string]bool{}
	var deps []ResourceDescriptor
	for i, b := range bases {
		if i > 0 && bases[i-1].Arch == b.Arch {
			return Predicate{}, fmt.Errorf("%s: the base of architecture %s given twice", in.Target, b.Arch)
		}
		archSet[b.Arch] = true
		h := strings.TrimPrefix(b.Digest, "sha256:")
		if b.Name == "" || !hexSHA256.MatchString(h) || h == b.Digest {
			return Predicate{}, fmt.Errorf("%s: the %s base %q needs a name and a sha256:<64 hex digits> digest, not %q", in.Target, b.Arch, b.Name, b.Digest)
		}
		deps = append(deps, ResourceDescriptor{Name: b.Name, Digest: map[string]string{"sha256": h},
			Annotations: map[string]string{"apk.arch": b.Arch, "oci.role": "base image"}})
	}
	seenLock := map[string]bool{}
	for i, lk := range locks {
		if i > 0 && locks[i-1].Arch == lk.Arch {
			return Predicate{}, fmt.Errorf("%s: architecture %s given twice", in.Target, lk.Arch)
		}
		archSet[lk.Arch] = true
		pkgs, err := lockedPackages(lk)
		if err != nil {
			return Predicate{}, err
		}
		sum := sha256.Sum256(lk.Bytes)
		d := ResourceDescriptor{Name: lk.Name, Digest: map[string]string{"sha256": hex.EncodeToString(sum[:])}}
		if key := d.Name + " " + d.Digest["sha256"]; !seenLock[key] {
			seenLock[key] = true
			deps = append(deps, d)
		}
		deps = append(deps, pkgs...)
	}
	arches := make([]string, 0, len(archSet))
	for a := range archSet {
		arches = append(arches, a)
	}
	sort.Strings(arches)
	return Predicate{
		BuildDefinition: BuildDefinition{
			BuildType: BuildType,
			ExternalParameters: ExternalParameters{
				Target:        in.Target,
				Architectures: arches,
			},
			ResolvedDependencies: deps,
		},
		RunDetails: RunDetails{Builder: Builder{
			ID:      BuilderID,
			Version: map[string]string{"musl-dynamic": in.Version},
		}},
	}, nil
}

// lockedPackages returns one architecture's packages from its lock.
func lockedPackages(lk Lock) ([]ResourceDescriptor, error) {
	l, err := lock.Parse(lk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", lk.Name, err)
	}
	locked, ok := l.Architectures[lk.Arch]
	if !ok {
		return nil, fmt.Errorf("lock %s has no architecture %s: re-lock with it", lk.Name, lk.Arch)
	}
	var out []ResourceDescriptor
	for _, p := range locked.Packages {
		if !hexSHA256.MatchString(p.SHA256) {
			return nil, fmt.Errorf("lock %s: %s %s (%s) has no valid sha256 %q: re-lock", lk.Name, p.Name, p.Version, lk.Arch, p.SHA256)
		}
		out = append(out, ResourceDescriptor{
			Name:   p.FileName(),
			URI:    p.URL,
			Digest: map[string]string{"sha256": p.SHA256},
			Annotations: map[string]string{
				"apk.arch":     lk.Arch,
				"apk.checksum": p.Checksum,
				"apk.name":     p.Name,
				"apk.version":  p.Version,
			},
		})
	}
	return out, nil
}

// NewStatement wraps p in an in-toto statement about subjects, each with a
// sha256 digest.
func NewStatement(p Predicate, subjects []Subject) (Statement, error) {
	if len(subjects) == 0 {
		return Statement{}, fmt.Errorf("a statement needs at least one subject")
	}
	for _, s := range subjects {
		if !hexSHA256.MatchString(s.Digest["sha256"]) {
			return Statement{}, fmt.Errorf("subject %q has no valid sha256 digest", s.Name)
		}
	}
	return Statement{Type: StatementType, Subject: subjects, PredicateType: PredicateType, Predicate: p}, nil
}
