package lock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Config is what to lock: repositories, the keys that sign them, the
// world (packages) and the architectures.
type Config struct {
	Architectures []string     `json:"architectures"`
	Keyring       []string     `json:"keyring"` // key file URLs; a key's name is the URL's base name
	Packages      []string     `json:"packages"`
	Repositories  []RepoConfig `json:"repositories"`
}

// RepoConfig is one configured repository. In JSON it is either a plain
// URL string or {"url": URL, "mirrors": [URL, ...]}.
type RepoConfig struct {
	Mirrors []string `json:"mirrors,omitempty"`
	URL     string   `json:"url"`
}

// UnmarshalJSON accepts a plain URL string as well as the object form.
func (r *RepoConfig) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*r = RepoConfig{}
		return json.Unmarshal(b, &r.URL)
	}
	type plain RepoConfig // without this method, to avoid recursion
	var p plain
	if err := decodeStrict(b, &p); err != nil {
		return fmt.Errorf("repository: %w (want a URL string or {\"url\": ..., \"mirrors\": [...]})", err)
	}
	*r = RepoConfig(p)
	return nil
}

// ReadConfig reads and validates a configuration file.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading lock configuration: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("lock configuration %s: %w", path, err)
	}
	return c, nil
}

// ParseConfig decodes and validates a configuration. Unknown fields are
// errors so that a misspelt "package" does not lock an empty world.
func ParseConfig(b []byte) (*Config, error) {
	var c Config
	if err := decodeStrict(b, &c); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks that every list is non-empty and well-formed.
func (c *Config) Validate() error {
	if err := checkArchList("architectures", c.Architectures); err != nil {
		return err
	}
	if len(c.Packages) == 0 {
		return fmt.Errorf("packages is empty: list the packages to install")
	}
	for i, p := range c.Packages {
		if err := checkAtom(p); err != nil {
			return fmt.Errorf("packages[%d]: %w", i, err)
		}
	}
	if _, err := checkRepositories(c.LockRepositories()); err != nil {
		return err
	}
	if len(c.Keyring) == 0 {
		return fmt.Errorf("keyring is empty: list the URLs of the keys that sign the repositories")
	}
	names := map[string]string{}
	for i, u := range c.Keyring {
		if err := checkURL(u); err != nil {
			return fmt.Errorf("keyring[%d]: %w", i, err)
		}
		n := KeyName(u)
		if n == "" {
			return fmt.Errorf("keyring[%d]: URL %s does not end in a key file name", i, u)
		}
		if prev, dup := names[n]; dup {
			return fmt.Errorf("keyring: %s and %s have the same file name %s; key names must be unique", prev, u, n)
		}
		names[n] = u
	}
	return nil
}

// KeyName is the key file name of a key URL: its last path element.
func KeyName(u string) string {
	u, _, _ = strings.Cut(u, "?")
	u, _, _ = strings.Cut(u, "#")
	i := strings.LastIndexByte(u, '/')
	n := u[i+1:]
	if n == "." || n == ".." {
		return ""
	}
	return n
}

// LockRepositories converts to the lock's form, mirrors always non-nil.
func (c *Config) LockRepositories() []Repository {
	out := make([]Repository, len(c.Repositories))
	for i, r := range c.Repositories {
		m := append([]string{}, r.Mirrors...)
		out[i] = Repository{URL: r.URL, Mirrors: m}
	}
	return out
}
