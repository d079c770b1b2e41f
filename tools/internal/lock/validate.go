package lock

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/keyring"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// Validate checks everything a lock must hold before it is trusted or
// written: the schema version, non-empty fields, well-formed digests,
// URLs with a supported scheme, keys whose content matches their digest,
// and one package list for exactly each configured architecture.
func (l *Lock) Validate() error {
	if l.Version != SchemaVersion {
		return versionError(&l.Version)
	}
	if err := checkArchList("config.architectures", l.Config.Architectures); err != nil {
		return err
	}
	if len(l.Config.Packages) == 0 {
		return fmt.Errorf("config.packages is empty: a lock needs at least one package")
	}
	for i, p := range l.Config.Packages {
		if err := checkAtom(p); err != nil {
			return fmt.Errorf("config.packages[%d]: %w", i, err)
		}
	}
	repos, err := checkRepositories(l.Repositories)
	if err != nil {
		return err
	}
	if err := checkKeys(l.Keyring); err != nil {
		return err
	}
	for _, a := range l.Config.Architectures {
		if _, ok := l.Architectures[a]; !ok {
			return fmt.Errorf("architectures: no packages for %s although config.architectures lists it", a)
		}
	}
	for _, a := range sortedArchs(l.Architectures) {
		if !contains(l.Config.Architectures, a) {
			return fmt.Errorf("architectures: %s is not in config.architectures", a)
		}
		if err := checkPackages(a, l.Architectures[a].Packages, repos); err != nil {
			return err
		}
	}
	if !isSHA256(l.InputsSHA256) {
		return fmt.Errorf("inputs_sha256 %q is not 64 lower-case hex digits", l.InputsSHA256)
	}
	if sum := l.Inputs().SHA256(); sum != l.InputsSHA256 {
		return fmt.Errorf("inputs_sha256 %s is not the digest %s of the lock's own inputs (config, repositories, key URLs)", l.InputsSHA256, sum)
	}
	return nil
}

// versionError explains an unsupported or missing (nil) schema version.
func versionError(v *int) error {
	if v == nil {
		return fmt.Errorf("no schema \"version\": this program reads lock files of version %d; re-lock to write one", SchemaVersion)
	}
	return fmt.Errorf("lock schema version %d is not supported: this program reads version %d only; re-lock with this version of the tools", *v, SchemaVersion)
}

func checkArchList(field string, archs []string) error {
	if len(archs) == 0 {
		return fmt.Errorf("%s is empty: list at least one of %s", field, strings.Join(Architectures, ", "))
	}
	seen := map[string]bool{}
	for _, a := range archs {
		if !contains(Architectures, a) {
			return fmt.Errorf("%s: unknown architecture %q: use apk architecture names: %s", field, a, strings.Join(Architectures, ", "))
		}
		if seen[a] {
			return fmt.Errorf("%s: %s is listed twice", field, a)
		}
		seen[a] = true
	}
	return nil
}

// checkAtom accepts any non-empty dependency atom of visible ASCII; the
// resolver parses it fully.
func checkAtom(s string) error {
	if s == "" || !visible(s) {
		return fmt.Errorf("package %q: must be a non-empty name or atom of printable ASCII without spaces", s)
	}
	return nil
}

// visible reports whether s is printable ASCII without space, the only
// bytes lock inputs hold: their canonical JSON (Inputs) then needs no
// escapes but for '"' and '\', in Go and in Starlark alike.
func visible(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

func checkRepositories(rs []Repository) (map[string]Repository, error) {
	if len(rs) == 0 {
		return nil, fmt.Errorf("repositories is empty: a lock needs at least one repository")
	}
	urls := map[string]Repository{}
	for i, r := range rs {
		if err := checkURL(r.URL); err != nil {
			return nil, fmt.Errorf("repositories[%d]: %w", i, err)
		}
		if _, dup := urls[r.URL]; dup {
			return nil, fmt.Errorf("repositories[%d]: %s is listed twice", i, r.URL)
		}
		urls[r.URL] = r
		for _, m := range r.Mirrors {
			if err := checkURL(m); err != nil {
				return nil, fmt.Errorf("repository %s: mirror: %w", r.URL, err)
			}
		}
	}
	return urls, nil
}

func checkKeys(keys []Key) error {
	if len(keys) == 0 {
		return fmt.Errorf("keyring is empty: a lock needs the keys that sign its repositories")
	}
	seen := map[string]bool{}
	for i, k := range keys {
		if err := keyring.CheckKeyName(k.Name); err != nil {
			return fmt.Errorf("keyring[%d]: %w", i, err)
		}
		if seen[k.Name] {
			return fmt.Errorf("keyring: two keys are named %s; key names must be unique", k.Name)
		}
		seen[k.Name] = true
		if err := checkURL(k.URL); err != nil {
			return fmt.Errorf("keyring %s: %w", k.Name, err)
		}
		if !isSHA256(k.SHA256) {
			return fmt.Errorf("keyring %s: sha256 %q is not 64 lower-case hex digits", k.Name, k.SHA256)
		}
		sum := sha256.Sum256([]byte(k.PEM))
		if hex.EncodeToString(sum[:]) != k.SHA256 {
			return fmt.Errorf("keyring %s: keyring content does not match its sha256 (the pem was edited or the key replaced); re-lock from the key's URL %s", k.Name, k.URL)
		}
		if _, err := keyring.FromPEM(map[string][]byte{k.Name: []byte(k.PEM)}); err != nil {
			return fmt.Errorf("keyring: %w", err)
		}
	}
	return nil
}

func checkPackages(arch string, ps []Package, repos map[string]Repository) error {
	if len(ps) == 0 {
		return fmt.Errorf("architectures.%s.packages is empty: re-lock", arch)
	}
	seen := map[string]bool{}
	for i, p := range ps {
		where := fmt.Sprintf("architecture %s, package %d (%s)", arch, i, p.Name)
		if err := checkPackage(arch, p, repos); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if seen[p.Name] {
			return fmt.Errorf("%s: locked twice", where)
		}
		seen[p.Name] = true
	}
	return nil
}

func checkPackage(arch string, p Package, repos map[string]Repository) error {
	for _, f := range []struct{ name, value string }{
		{"name", p.Name}, {"version", p.Version}, {"arch", p.Arch}, {"repository", p.Repository},
		{"url", p.URL}, {"checksum", p.Checksum}, {"sha256", p.SHA256},
	} {
		if f.value == "" {
			return fmt.Errorf("%s is missing", f.name)
		}
	}
	if err := safename.Name(p.Name); err != nil {
		return err
	}
	if err := safename.Version(p.Version); err != nil {
		return err
	}
	if p.Arch != arch && p.Arch != "noarch" {
		return fmt.Errorf("arch %q is neither %s nor noarch", p.Arch, arch)
	}
	r, ok := repos[p.Repository]
	if !ok {
		return fmt.Errorf("repository %s is not one of the lock's repositories", p.Repository)
	}
	if err := checkURL(p.URL); err != nil {
		return err
	}
	if want := r.FileURLs(arch, p.FileName())[0]; p.URL != want {
		return fmt.Errorf("url %s is not %s, where its repository keeps it", p.URL, want)
	}
	if !isChecksum(p.Checksum) {
		return fmt.Errorf("checksum %q is not \"Q1\" and 28 base64 characters", p.Checksum)
	}
	if !isSHA256(p.SHA256) {
		return fmt.Errorf("sha256 %q is not 64 lower-case hex digits", p.SHA256)
	}
	if p.Size <= 0 {
		return fmt.Errorf("size %d must be positive", p.Size)
	}
	return nil
}

// isChecksum reports whether s is an apk identity checksum: "Q1" and the
// padded base64 of a 20-byte SHA-1.
func isChecksum(s string) bool {
	if len(s) != 30 || s[:2] != "Q1" {
		return false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s[2:])
	return err == nil && len(b) == 20
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func checkURL(u string) error {
	for _, p := range []string{"https://", "http://", "file://"} {
		if strings.HasPrefix(u, p) && len(u) > len(p) {
			if !visible(u) {
				return fmt.Errorf("URL %q holds white space, a control character or a non-ASCII byte: percent-encode it", u)
			}
			return nil
		}
	}
	return fmt.Errorf("URL %q must start with https://, http:// or file://", u)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedArchs(m map[string]Arch) []string {
	out := make([]string, 0, len(m))
	for a := range m {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}
