package lock

import "github.com/musl-dynamic/musl-dynamic/tools/internal/platform"

// SchemaVersion is the only lock file schema this package reads and writes.
//
// Version 2 added inputs_sha256, the digest that decides staleness.
const SchemaVersion = 2

// Architectures are the apk architecture names a lock may cover (those of
// the platform table), sorted.
var Architectures = platform.APKArches(platform.All)

// The structs below declare their fields in the alphabetical order of their
// JSON names: encoding/json writes struct fields in declaration order and
// map keys sorted, so a marshalled lock has sorted keys throughout.

// Lock is a lock file: what was asked for, where it came from, and per
// architecture the exact packages in install order.
type Lock struct {
	Architectures map[string]Arch `json:"architectures"`
	Config        LockConfig      `json:"config"`
	InputsSHA256  string          `json:"inputs_sha256"` // Inputs().SHA256(): what the lock answers
	Keyring       []Key           `json:"keyring"`
	Repositories  []Repository    `json:"repositories"`
	Version       int             `json:"version"`
}

// LockConfig records the packages and architectures the lock answers;
// with the keys' URLs and the repositories they are its Inputs.
type LockConfig struct {
	Architectures []string `json:"architectures"`
	Packages      []string `json:"packages"` // the world: dependency atoms
}

// Repository is one package repository: a base URL under which
// "<arch>/APKINDEX.tar.gz" and "<arch>/<name>-<version>.apk" live, and
// mirrors with the same layout, tried in order when the URL fails.
type Repository struct {
	Mirrors []string `json:"mirrors"`
	URL     string   `json:"url"`
}

// Key is one trusted signing key. PEM is the key file's exact content as
// downloaded and SHA256 its hex digest, so a replaced key is noticed.
type Key struct {
	Name   string `json:"name"` // key file name, as signatures name it
	PEM    string `json:"pem"`
	SHA256 string `json:"sha256"`
	URL    string `json:"url"`
}

// Arch holds the packages of one architecture in install order.
type Arch struct {
	Packages []Package `json:"packages"`
}

// Package is one locked .apk file.
type Package struct {
	Arch       string `json:"arch"`       // the package's arch: the lock's arch or "noarch"
	Checksum   string `json:"checksum"`   // "Q1" + base64 SHA-1 of the control member
	Name       string `json:"name"`       // pkgname
	Repository string `json:"repository"` // URL of the Repository it came from
	SHA256     string `json:"sha256"`     // hex SHA-256 of the whole .apk file
	Size       int64  `json:"size"`       // bytes of the .apk file
	URL        string `json:"url"`        // where the .apk was downloaded from
	Version    string `json:"version"`    // pkgver
}

// FileName is the package's file name in its repository,
// "<name>-<version>.apk".
func (p Package) FileName() string { return p.Name + "-" + p.Version + ".apk" }

// URLs returns where the package of arch is downloaded from: the file
// under its repository's URL, then under each of that repository's
// mirrors, for fetch.Client.Get. Validate checks that p.URL is the first.
func (l *Lock) URLs(arch string, p Package) []string {
	for _, r := range l.Repositories {
		if r.URL == p.Repository {
			return r.FileURLs(arch, p.FileName())
		}
	}
	return []string{p.URL}
}

// FileURLs returns where file of arch lives: "<base>/<arch>/<file>" for
// the repository's URL and then each mirror, in order. This is the one URL
// rule for indexes and packages, at locking time and after; Starlark's
// package_urls (rules/private/lock.bzl) implements the same rule, and
// testdata/vectors.json holds the cases both are tested against.
func (r Repository) FileURLs(arch, file string) []string {
	urls := []string{join(r.URL, arch, file)}
	for _, m := range r.Mirrors {
		urls = append(urls, join(m, arch, file))
	}
	return urls
}

// RepositoryURLs returns the repositories' URLs in order, as
// /etc/apk/repositories lists them.
func (l *Lock) RepositoryURLs() []string {
	out := make([]string, len(l.Repositories))
	for i, r := range l.Repositories {
		out[i] = r.URL
	}
	return out
}

// join builds "<base>/<arch>/<file>", tolerating a trailing slash on base.
func join(base, arch, file string) string {
	for len(base) > 0 && base[len(base)-1] == '/' {
		base = base[:len(base)-1]
	}
	return base + "/" + arch + "/" + file
}
