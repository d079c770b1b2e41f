package lock_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
)

const (
	q1musl  = "Q1abcdefghijklmnopqrstuvwxyzA="
	q1hello = "Q1bbcdefghijklmnopqrstuvwxyzA="
	sumA    = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	sumB    = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
)

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sample is a valid lock with fixed content (a deterministic key).
func sample() *lock.Lock {
	pem := string(apkbuild.PublicKeyPEM(apkbuild.TestKey(0)))
	l := &lock.Lock{
		Architectures: map[string]lock.Arch{
			"x86_64": {Packages: []lock.Package{
				{Arch: "x86_64", Checksum: q1musl, Name: "musl", Repository: "https://example/main",
					SHA256: sumA, Size: 10, URL: "https://example/main/x86_64/musl-1.2.5-r0.apk", Version: "1.2.5-r0"},
				{Arch: "noarch", Checksum: q1hello, Name: "hello-doc", Repository: "https://example/main",
					SHA256: sumB, Size: 20, URL: "https://example/main/x86_64/hello-doc-1-r0.apk", Version: "1-r0"},
			}},
		},
		Config:       lock.LockConfig{Architectures: []string{"x86_64"}, Packages: []string{"hello-doc", "musl>=1.2"}},
		Keyring:      []lock.Key{{Name: "k.rsa.pub", PEM: pem, SHA256: hexSHA256([]byte(pem)), URL: "https://example/keys/k.rsa.pub"}},
		Repositories: []lock.Repository{{URL: "https://example/main"}},
		Version:      2,
	}
	l.InputsSHA256 = l.Inputs().SHA256()
	return l
}

func TestMarshal(t *testing.T) {
	l := sample()
	got, err := l.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	k := l.Keyring[0]
	pemJSON := strings.ReplaceAll(k.PEM, "\n", `\n`)
	want := `{
  "architectures": {
    "x86_64": {
      "packages": [
        {
          "arch": "x86_64",
          "checksum": "` + q1musl + `",
          "name": "musl",
          "repository": "https://example/main",
          "sha256": "` + sumA + `",
          "size": 10,
          "url": "https://example/main/x86_64/musl-1.2.5-r0.apk",
          "version": "1.2.5-r0"
        },
        {
          "arch": "noarch",
          "checksum": "` + q1hello + `",
          "name": "hello-doc",
          "repository": "https://example/main",
          "sha256": "` + sumB + `",
          "size": 20,
          "url": "https://example/main/x86_64/hello-doc-1-r0.apk",
          "version": "1-r0"
        }
      ]
    }
  },
  "config": {
    "architectures": [
      "x86_64"
    ],
    "packages": [
      "hello-doc",
      "musl>=1.2"
    ]
  },
  "inputs_sha256": "` + l.InputsSHA256 + `",
  "keyring": [
    {
      "name": "k.rsa.pub",
      "pem": "` + pemJSON + `",
      "sha256": "` + k.SHA256 + `",
      "url": "https://example/keys/k.rsa.pub"
    }
  ],
  "repositories": [
    {
      "mirrors": [],
      "url": "https://example/main"
    }
  ],
  "version": 2
}
`
	if string(got) != want {
		t.Errorf("Marshal =\n%s\nwant\n%s", got, want)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(l *lock.Lock)
		raw     func(s string) string // edits the JSON text instead
		wantErr string
	}{
		{name: "valid"},
		{name: "version 1", edit: func(l *lock.Lock) { l.Version = 1 },
			wantErr: "lock schema version 1 is not supported: this program reads version 2 only; re-lock"},
		{name: "version 3", edit: func(l *lock.Lock) { l.Version = 3 },
			wantErr: "lock schema version 3 is not supported: this program reads version 2 only; re-lock"},
		{name: "no version", raw: func(s string) string { return strings.Replace(s, `"version": 2`, `"x": 1`, 1) },
			wantErr: `no schema "version": this program reads lock files of version 2; re-lock`},
		{name: "no inputs_sha256", edit: func(l *lock.Lock) { l.InputsSHA256 = "" },
			wantErr: `inputs_sha256 "" is not 64 lower-case hex digits`},
		{name: "inputs_sha256 of other inputs", edit: func(l *lock.Lock) { l.InputsSHA256 = sumA },
			wantErr: "inputs_sha256 " + sumA + " is not the digest "},
		{name: "config edited without inputs_sha256", edit: func(l *lock.Lock) { l.Config.Packages = append(l.Config.Packages, "zlib") },
			wantErr: "is not the digest"},
		{name: "url not where the repository keeps it", edit: func(l *lock.Lock) {
			l.Architectures["x86_64"].Packages[0].URL = "https://evil/x86_64/musl-1.2.5-r0.apk"
		}, wantErr: "package 0 (musl): url https://evil/x86_64/musl-1.2.5-r0.apk is not https://example/main/x86_64/musl-1.2.5-r0.apk, where its repository keeps it"},
		{name: "non-ASCII package atom", edit: func(l *lock.Lock) { l.Config.Packages[0] = "m\u00fcsl" },
			wantErr: `config.packages[0]: package "müsl": must be a non-empty name or atom of printable ASCII`},
		{name: "repository URL with a control character", edit: func(l *lock.Lock) { l.Repositories[0].URL = "https://example/ma\x01in" },
			wantErr: "holds white space, a control character or a non-ASCII byte: percent-encode it"},
		{name: "not JSON", raw: func(string) string { return "{" }, wantErr: "not a lock file (invalid JSON"},
		{name: "unknown field", raw: func(s string) string { return strings.Replace(s, `"size": 10`, `"size": 10, "sise": 1`, 1) },
			wantErr: `json: unknown field "sise"; re-lock`},
		{name: "trailing data", raw: func(s string) string { return s + "{}" }, wantErr: "invalid character '{' after top-level value"},
		{name: "duplicate key", raw: func(s string) string { return strings.Replace(s, `"size": 10`, `"size": 10, "size": 11`, 1) },
			wantErr: `key "size" appears twice (at architectures.x86_64.packages[0].size); JSON readers disagree on which value counts`},
		{name: "duplicate architecture", raw: func(s string) string {
			return strings.Replace(s, `"architectures": {`, `"architectures": {"x86_64": {"packages": []},`, 1)
		}, wantErr: `key "x86_64" appears twice (at architectures.x86_64)`},
		{name: "key in upper case", raw: func(s string) string { return strings.Replace(s, `"sha256": "`+sumA, `"SHA256": "`+sumA, 1) },
			wantErr: `key "SHA256" (at architectures.x86_64.packages[0].SHA256) differs from the field "sha256" only in case`},
		{name: "top-level key in mixed case", raw: func(s string) string { return strings.Replace(s, `"keyring"`, `"Keyring"`, 1) },
			wantErr: `key "Keyring" (at Keyring) differs from the field "keyring" only in case`},
		{name: "name used as a path", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].Name = "../../x" },
			wantErr: `package name "../../x" contains ".."`},
		{name: "version with a line break", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].Version = "1\n2" },
			wantErr: `version "1\n2" contains white space, a control character`},
		{name: "missing version field of a package", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[1].Version = "" },
			wantErr: "architecture x86_64, package 1 (hello-doc): version is missing; the lock file is damaged or was edited by hand: re-lock"},
		{name: "bad sha256", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].SHA256 = strings.ToUpper(sumA) },
			wantErr: `architecture x86_64, package 0 (musl): sha256 "AAAA`},
		{name: "bad checksum", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].Checksum = "Q1abc" },
			wantErr: `package 0 (musl): checksum "Q1abc" is not "Q1" and 28 base64 characters`},
		{name: "zero size", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].Size = 0 },
			wantErr: "package 0 (musl): size 0 must be positive"},
		{name: "foreign arch", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].Arch = "aarch64" },
			wantErr: `package 0 (musl): arch "aarch64" is neither x86_64 nor noarch`},
		{name: "unknown repository", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].Repository = "https://other" },
			wantErr: "repository https://other is not one of the lock's repositories"},
		{name: "ftp URL", edit: func(l *lock.Lock) { l.Architectures["x86_64"].Packages[0].URL = "ftp://x/musl.apk" },
			wantErr: `URL "ftp://x/musl.apk" must start with https://, http:// or file://`},
		{name: "duplicate package", edit: func(l *lock.Lock) {
			ps := l.Architectures["x86_64"].Packages
			ps[1] = ps[0]
		}, wantErr: "package 1 (musl): locked twice"},
		{name: "pem edited", edit: func(l *lock.Lock) { l.Keyring[0].PEM += "\n" },
			wantErr: "keyring k.rsa.pub: keyring content does not match its sha256"},
		{name: "pem not a key", edit: func(l *lock.Lock) {
			l.Keyring[0].PEM = "junk"
			l.Keyring[0].SHA256 = hexSHA256([]byte("junk"))
		}, wantErr: "keyring: key k.rsa.pub: no PEM"},
		{name: "no keys", edit: func(l *lock.Lock) { l.Keyring = nil }, wantErr: "keyring is empty"},
		{name: "no architectures", edit: func(l *lock.Lock) { l.Config.Architectures = nil },
			wantErr: "config.architectures is empty: list at least one of aarch64,"},
		{name: "architecture not locked", edit: func(l *lock.Lock) { l.Config.Architectures = []string{"x86_64", "s390x"} },
			wantErr: "architectures: no packages for s390x although config.architectures lists it"},
		{name: "architecture not configured", edit: func(l *lock.Lock) {
			l.Architectures["s390x"] = l.Architectures["x86_64"]
		}, wantErr: "architectures: s390x is not in config.architectures"},
		{name: "no packages", edit: func(l *lock.Lock) { l.Architectures["x86_64"] = lock.Arch{} },
			wantErr: "architectures.x86_64.packages is empty"},
		{name: "no repositories", edit: func(l *lock.Lock) { l.Repositories = nil }, wantErr: "repositories is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := sample()
			if tc.edit != nil {
				tc.edit(l)
			}
			b, err := l.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if tc.raw != nil {
				b = []byte(tc.raw(string(b)))
			}
			got, err := lock.Parse(b)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				want := sample()
				want.Repositories[0].Mirrors = []string{}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Parse = %+v, want %+v", got, want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse succeeded, want %q", tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Parse error:\n%v\nwant it to contain\n%s", err, tc.wantErr)
			}
		})
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lock.json")
	if err := lock.Write(path, sample()); err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sample().Marshal()
	if string(first) != string(want) {
		t.Errorf("file holds\n%s\nwant\n%s", first, want)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, %v; want 0644", fi.Mode(), err)
	}
	got, err := lock.Read(path)
	if err != nil || got.Architectures["x86_64"].Packages[0].Name != "musl" {
		t.Fatalf("Read = %+v, %v", got, err)
	}

	// An invalid lock is refused and the old file stays as it was.
	bad := sample()
	bad.Architectures["x86_64"].Packages[0].SHA256 = "nope"
	err = lock.Write(path, bad)
	if err == nil || !strings.Contains(err.Error(), "not writing an invalid lock to "+path) {
		t.Fatalf("Write(invalid) = %v", err)
	}
	// A failed rename (the target is a directory) leaves no temp file.
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := lock.Write(filepath.Join(dir, "sub"), sample()); err == nil {
		t.Fatal("Write over a directory succeeded")
	}
	now, _ := os.ReadFile(path)
	if string(now) != string(first) {
		t.Error("a failed Write changed the existing lock")
	}
	ents, _ := os.ReadDir(dir)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "lock.json sub" {
		t.Errorf("directory holds %v, want [lock.json sub]", names)
	}

	if _, err := lock.Read(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "reading lock file") {
		t.Errorf("Read(missing) = %v", err)
	}
}

func TestCheck(t *testing.T) {
	cfg := lock.Config{
		Architectures: []string{"x86_64"},
		Keyring:       []string{"https://example/keys/k.rsa.pub"},
		Packages:      []string{"hello-doc", "musl>=1.2"},
		Repositories:  []lock.RepoConfig{{URL: "https://example/main"}},
	}
	const fix = "; run bazel run @x//:lock to update it"
	tests := []struct {
		name    string
		edit    func(c *lock.Config)
		lock    func(l *lock.Lock)
		wantErr string // the whole message; "" = fresh
	}{
		{name: "fresh"},
		{name: "packages in another order, one twice", edit: func(c *lock.Config) {
			c.Packages = []string{"musl>=1.2", "hello-doc", "musl>=1.2"}
		}},
		{name: "package added", edit: func(c *lock.Config) { c.Packages = append(c.Packages, "zlib") },
			wantErr: "the lock file is stale: packages added: zlib" + fix},
		{name: "package removed and another added", edit: func(c *lock.Config) { c.Packages = []string{"musl>=1.2", "busybox"} },
			wantErr: "the lock file is stale: packages added: busybox; packages removed: hello-doc" + fix},
		{name: "atom changed", edit: func(c *lock.Config) { c.Packages[1] = "musl>=1.3" },
			wantErr: "the lock file is stale: packages added: musl>=1.3; packages removed: musl>=1.2" + fix},
		{name: "arch added and a mirror", edit: func(c *lock.Config) {
			c.Architectures = []string{"x86", "x86_64"}
			c.Repositories[0].Mirrors = []string{"https://mirror/main"}
		}, wantErr: "the lock file is stale: architectures added: x86; repositories: configuration has [https://example/main (mirrors https://mirror/main)], lock has [https://example/main]" + fix},
		{name: "arch removed", lock: func(l *lock.Lock) {
			l.Config.Architectures = []string{"x86_64", "s390x"}
		}, wantErr: "the lock file is stale: architectures removed: s390x" + fix},
		{name: "repository added in front", edit: func(c *lock.Config) {
			c.Repositories = append([]lock.RepoConfig{{URL: "https://example/community"}}, c.Repositories...)
		}, wantErr: "the lock file is stale: repositories: configuration has [https://example/community, https://example/main], lock has [https://example/main]" + fix},
		{name: "trailing slash on the repository", edit: func(c *lock.Config) { c.Repositories[0].URL += "/" },
			wantErr: "the lock file is stale: repositories: configuration has [https://example/main/], lock has [https://example/main]" + fix},
		{name: "key URL", edit: func(c *lock.Config) { c.Keyring = []string{"https://other/k.rsa.pub"} },
			wantErr: "the lock file is stale: keys added: https://other/k.rsa.pub; keys removed: https://example/keys/k.rsa.pub" + fix},
		{name: "same inputs, digest edited", lock: func(l *lock.Lock) { l.InputsSHA256 = sumA },
			wantErr: "the lock file is stale: its inputs_sha256 does not match its own inputs (edited by hand?)" + fix},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			c.Packages = append([]string{}, cfg.Packages...)
			c.Repositories = append([]lock.RepoConfig{}, cfg.Repositories...)
			if tc.edit != nil {
				tc.edit(&c)
			}
			l := sample()
			if tc.lock != nil {
				tc.lock(l)
				if tc.name != "same inputs, digest edited" {
					l.InputsSHA256 = l.Inputs().SHA256()
				}
			}
			err := l.Check(c, "bazel run @x//:lock")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tc.wantErr {
				t.Fatalf("Check = %v\nwant %s", err, tc.wantErr)
			}
		})
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name, in string
		want     *lock.Config
		wantErr  string
	}{
		{name: "both repository forms",
			in: `{"repositories": ["https://a/main", {"url": "https://b/main", "mirrors": ["file:///m/main"]}],
			      "keyring": ["https://a/keys/k.rsa.pub"], "packages": ["musl"], "architectures": ["x86_64", "aarch64"]}`,
			want: &lock.Config{Architectures: []string{"x86_64", "aarch64"}, Keyring: []string{"https://a/keys/k.rsa.pub"},
				Packages: []string{"musl"}, Repositories: []lock.RepoConfig{{URL: "https://a/main"},
					{URL: "https://b/main", Mirrors: []string{"file:///m/main"}}}}},
		{name: "misspelt field", in: `{"package": ["musl"]}`, wantErr: `invalid JSON: json: unknown field "package"`},
		{name: "bad repository object", in: `{"repositories": [{"uri": "x"}]}`, wantErr: `repository: json: unknown field "uri"`},
		{name: "no packages", in: `{"repositories": ["https://a"], "keyring": ["https://a/k.pub"], "architectures": ["x86"]}`,
			wantErr: "packages is empty: list the packages to install"},
		{name: "duplicate key names", in: `{"repositories": ["https://a"], "keyring": ["https://a/k.pub", "https://b/k.pub"],
			"packages": ["musl"], "architectures": ["x86"]}`,
			wantErr: "keyring: https://a/k.pub and https://b/k.pub have the same file name k.pub"},
		{name: "key URL without a name", in: `{"repositories": ["https://a"], "keyring": ["https://a/keys/"],
			"packages": ["musl"], "architectures": ["x86"]}`, wantErr: "keyring[0]: URL https://a/keys/ does not end in a key file name"},
		{name: "duplicate arch", in: `{"repositories": ["https://a"], "keyring": ["https://a/k.pub"],
			"packages": ["musl"], "architectures": ["x86", "x86"]}`, wantErr: "architectures: x86 is listed twice"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lock.ParseConfig([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("ParseConfig = %v, want error %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseConfig = %+v, want %+v", got, tc.want)
			}
		})
	}
}
