package lock

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Inputs are what a lock answers: the request it was resolved for. A lock
// records the SHA-256 of their canonical JSON (InputsSHA256); a lock is
// stale exactly when the configuration's digest differs. Starlark
// (rules/private/lock.bzl, lock_inputs) computes the same text and digest;
// testdata/vectors.json holds the cases both are tested against.
//
// The canonical JSON is one line, no white space, keys in this order:
//
//	{"architectures":[...],"keyring":[...],"packages":[...],"repositories":[{"mirrors":[...],"url":"..."},...]}
//
// architectures, keyring (key URLs) and packages are sets: sorted by byte
// value, duplicates dropped. repositories keep their order (apk prefers the
// first repository among equal candidates) and so do each one's mirrors
// (tried in order); a repository without mirrors has "mirrors":[]. Every
// string is printable ASCII (Validate enforces it), written between
// double quotes with '"' and '\' escaped by a backslash and nothing else
// escaped. URLs are taken as written: "https://a/main/" and
// "https://a/main" differ.
type Inputs struct {
	Architectures []string     `json:"architectures"`
	Keyring       []string     `json:"keyring"`
	Packages      []string     `json:"packages"`
	Repositories  []Repository `json:"repositories"`
}

// Inputs returns the configuration's inputs.
func (c *Config) Inputs() Inputs {
	return newInputs(c.Architectures, c.Keyring, c.Packages, c.LockRepositories())
}

// Inputs returns the inputs the lock records: its config, keys'
// URLs and repositories.
func (l *Lock) Inputs() Inputs {
	keys := make([]string, len(l.Keyring))
	for i, k := range l.Keyring {
		keys[i] = k.URL
	}
	return newInputs(l.Config.Architectures, keys, l.Config.Packages, l.Repositories)
}

func newInputs(archs, keys, pkgs []string, repos []Repository) Inputs {
	rs := make([]Repository, len(repos))
	for i, r := range repos {
		rs[i] = Repository{Mirrors: append([]string{}, r.Mirrors...), URL: r.URL}
	}
	return Inputs{Architectures: set(archs), Keyring: set(keys), Packages: set(pkgs), Repositories: rs}
}

// set returns s sorted, without duplicates, never nil.
func set(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	n := 0
	for i, x := range out {
		if i == 0 || x != out[n-1] {
			out[n] = x
			n++
		}
	}
	return out[:n]
}

// Canonical returns the canonical JSON text of the inputs.
func (in Inputs) Canonical() string {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	// With printable ASCII only, encoding/json then escapes '"' and '\'
	// and nothing else, as Starlark's lock_inputs does.
	e.SetEscapeHTML(false)
	if err := e.Encode(in); err != nil {
		panic(err) // strings and slices of strings always encode
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// SHA256 returns the lower-case hex SHA-256 of the canonical JSON.
func (in Inputs) SHA256() string {
	sum := sha256.Sum256([]byte(in.Canonical()))
	return hex.EncodeToString(sum[:])
}

// Check reports whether l answers cfg: whether cfg's inputs digest is the
// one l records. A stale lock gets an error saying what changed
// (packages, architectures, repositories and mirrors, keys) and ending with
// fix, the command that re-locks.
func (l *Lock) Check(cfg Config, fix string) error {
	if cfg.Inputs().SHA256() == l.InputsSHA256 {
		return nil
	}
	return fmt.Errorf("the lock file is stale: %s; run %s to update it", describeDiff(cfg.Inputs(), l.Inputs()), fix)
}

// describeDiff says how the configured inputs differ from the locked ones, for a
// person: the sets as added and removed members, repositories as both
// lists.
func describeDiff(config, locked Inputs) string {
	var diffs []string
	setDiff := func(what string, config, locked []string) {
		added, removed := minus(config, locked), minus(locked, config)
		if len(added) > 0 {
			diffs = append(diffs, fmt.Sprintf("%s added: %s", what, strings.Join(added, " ")))
		}
		if len(removed) > 0 {
			diffs = append(diffs, fmt.Sprintf("%s removed: %s", what, strings.Join(removed, " ")))
		}
	}
	setDiff("packages", config.Packages, locked.Packages)
	setDiff("architectures", config.Architectures, locked.Architectures)
	if c, l := repoStrings(config.Repositories), repoStrings(locked.Repositories); c != l {
		diffs = append(diffs, fmt.Sprintf("repositories: configuration has [%s], lock has [%s]", c, l))
	}
	setDiff("keys", config.Keyring, locked.Keyring)
	if len(diffs) == 0 {
		// Same inputs, other digest: the lock's inputs_sha256 was edited.
		return "its inputs_sha256 does not match its own inputs (edited by hand?)"
	}
	return strings.Join(diffs, "; ")
}

// minus returns the members of a not in b.
func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

func repoStrings(rs []Repository) string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.URL
		if len(r.Mirrors) > 0 {
			out[i] += " (mirrors " + strings.Join(r.Mirrors, " ") + ")"
		}
	}
	return strings.Join(out, ", ")
}
