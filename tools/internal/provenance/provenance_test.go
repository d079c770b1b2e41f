package provenance

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/stablejson"
)

// bundledLock is the e2e suite's lock: a real lock of eight architectures.
func bundledLock(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "e2e", "bundled.lock.json"))
	if err != nil {
		t.Fatalf("reading the bundled lock: %v", err)
	}
	return b
}

// locksFor gives each arch the same whole lock, named NAME.
func locksFor(b []byte, name string, arches ...string) []Lock {
	var out []Lock
	for _, a := range arches {
		out = append(out, Lock{Arch: a, Name: name, Bytes: b})
	}
	return out
}

// lockPackages reads the lock with plain JSON, independently of the lock
// package: "arch name version" -> sha256.
func lockPackages(t *testing.T, b []byte, arches ...string) map[string]string {
	t.Helper()
	var raw struct {
		Architectures map[string]struct {
			Packages []struct{ Name, Version, SHA256, URL string }
		}
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range arches {
		for _, p := range raw.Architectures[a].Packages {
			out[a+" "+p.Name+" "+p.Version+" "+p.URL] = p.SHA256
		}
	}
	return out
}

func TestBuildListsEveryLockedPackage(t *testing.T) {
	lockBytes := bundledLock(t)
	for _, arches := range [][]string{{"x86_64"}, {"riscv64", "armhf"}, {"x86", "x86_64", "aarch64", "armhf", "armv7", "ppc64le", "riscv64", "s390x"}} {
		t.Run(strings.Join(arches, ","), func(t *testing.T) {
			p, err := Build(Input{Target: "//e2e:musl_dynamic", Version: "1.2.3", Locks: locksFor(lockBytes, "e2e/bundled.lock.json", arches...)})
			if err != nil {
				t.Fatal(err)
			}
			want := lockPackages(t, lockBytes, arches...)
			got := map[string]string{}
			deps := p.BuildDefinition.ResolvedDependencies
			sum := sha256.Sum256(lockBytes)
			if deps[0].Name != "e2e/bundled.lock.json" || deps[0].Digest["sha256"] != hex.EncodeToString(sum[:]) {
				t.Errorf("first dependency = %+v, want the lock with its sha256", deps[0])
			}
			for _, d := range deps[1:] {
				if d.Name == "e2e/bundled.lock.json" {
					t.Errorf("the lock is listed again: a lock shared by arches appears once")
				}
				a := d.Annotations
				got[a["apk.arch"]+" "+a["apk.name"]+" "+a["apk.version"]+" "+d.URI] = d.Digest["sha256"]
				if d.Name != a["apk.name"]+"-"+a["apk.version"]+".apk" {
					t.Errorf("dependency name %q does not match its annotations %v", d.Name, a)
				}
			}
			if len(got) != len(want) || len(want) == 0 {
				t.Fatalf("%d packages in the provenance, %d in the lock", len(got), len(want))
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: sha256 %q in the provenance, %q in the lock", k, got[k], v)
				}
			}
			if p.RunDetails.Builder.Version["musl-dynamic"] != "1.2.3" || p.BuildDefinition.ExternalParameters.Target != "//e2e:musl_dynamic" {
				t.Errorf("builder/target = %+v / %+v", p.RunDetails.Builder, p.BuildDefinition.ExternalParameters)
			}
		})
	}
}

func TestBytesAreStable(t *testing.T) {
	lockBytes := bundledLock(t)
	in := Input{Target: "//e2e:musl_dynamic", Version: "0.0.0", Locks: locksFor(lockBytes, "lock.json", "s390x", "x86")}
	p1, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	in.Locks = locksFor(lockBytes, "lock.json", "x86", "s390x") // order of the platforms must not matter
	p2, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	subj := []Subject{{Name: "//e2e:musl_dynamic", Digest: map[string]string{"sha256": strings.Repeat("ab", 32)}}}
	s1, err := NewStatement(p1, subj)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := NewStatement(p2, subj)
	b1, err := stablejson.Marshal(s1)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := stablejson.Marshal(s2)
	if !bytes.Equal(b1, b2) {
		t.Fatalf("the same inputs gave different bytes:\n%s\n%s", b1, b2)
	}
	// The shape cosign and slsa-verifier read.
	var doc map[string]interface{}
	if err := json.Unmarshal(b1, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["_type"] != StatementType || doc["predicateType"] != PredicateType {
		t.Errorf("_type/predicateType = %v/%v", doc["_type"], doc["predicateType"])
	}
	for _, banned := range []string{"startedOn", "finishedOn", "invocationId", "metadata"} {
		if bytes.Contains(b1, []byte(banned)) {
			t.Errorf("the statement carries %q, which differs between builds", banned)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	lockBytes := bundledLock(t)
	ok := Input{Target: "//x:y", Version: "0.1.0", Locks: locksFor(lockBytes, "my.lock.json", "x86_64")}
	tests := []struct {
		name   string
		change func(*Input)
		want   string
	}{
		{"no target", func(in *Input) { in.Target = "" }, "no target label"},
		{"bad version", func(in *Input) { in.Version = "1 0" }, `version "1 0"`},
		{"no arches", func(in *Input) { in.Locks = nil }, "no architectures"},
		{"unknown arch", func(in *Input) { in.Locks = locksFor(lockBytes, "my.lock.json", "x86_64", "mips") }, "lock my.lock.json has no architecture mips"},
		{"twice", func(in *Input) { in.Locks = locksFor(lockBytes, "my.lock.json", "x86", "x86") }, "architecture x86 given twice"},
		{"not a lock", func(in *Input) { in.Locks[0].Bytes = []byte("{}") }, "lock my.lock.json:"},
		{"base without a digest", func(in *Input) { in.Bases = []Base{{Arch: "x86_64", Name: "//b", Digest: "latest"}} }, `the x86_64 base "//b" needs a name and a sha256:<64 hex digits> digest, not "latest"`},
		{"base without a name", func(in *Input) { in.Bases = []Base{{Arch: "x86_64", Digest: baseDigest}} }, "needs a name"},
		{"base twice", func(in *Input) {
			in.Bases = []Base{{Arch: "x86", Name: "//b", Digest: baseDigest}, {Arch: "x86", Name: "//c", Digest: baseDigest}}
		}, "the base of architecture x86 given twice"},
		{"bad sha", func(in *Input) {
			in.Locks[0].Bytes = bytes.Replace(lockBytes, []byte(`"sha256": "`), []byte(`"sha256": "zz`), 1)
		}, "lock my.lock.json:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			in.Locks = append([]Lock(nil), ok.Locks...)
			tc.change(&in)
			_, err := Build(in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := NewStatement(Predicate{}, nil); err == nil {
		t.Error("a statement without subjects was accepted")
	}
	if _, err := NewStatement(Predicate{}, []Subject{{Name: "x", Digest: map[string]string{"sha256": "12"}}}); err == nil {
		t.Error("a subject with a short digest was accepted")
	}
}

const baseDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// TestBuildWithBases: an image built on a base names it, by its manifest
// digest, as a resolved dependency; an image that adds no packages has the
// base as its only one.
func TestBuildWithBases(t *testing.T) {
	lockBytes := bundledLock(t)
	lockSum := sha256.Sum256(lockBytes)
	base := func(arch string) Base { return Base{Arch: arch, Name: "//b:" + arch, Digest: baseDigest} }
	for _, tc := range []struct {
		name   string
		locks  []Lock
		bases  []Base
		arches string
		deps   []string // name digest, the packages of a lock as "+packages"
	}{{
		name:   "a base and no packages",
		bases:  []Base{base("aarch64")},
		arches: "aarch64",
		deps:   []string{"//b:aarch64 " + baseDigest[7:]},
	}, {
		name:   "packages on a base",
		locks:  locksFor(lockBytes, "l.json", "x86_64"),
		bases:  []Base{base("x86_64")},
		arches: "x86_64",
		deps:   []string{"//b:x86_64 " + baseDigest[7:], "l.json " + hex.EncodeToString(lockSum[:]), "+packages"},
	}, {
		name:   "an index of images on bases, in architecture order",
		bases:  []Base{base("x86_64"), base("armv7")},
		arches: "armv7 x86_64",
		deps:   []string{"//b:armv7 " + baseDigest[7:], "//b:x86_64 " + baseDigest[7:]},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Build(Input{Target: "//x:y", Version: "0.1.0", Locks: tc.locks, Bases: tc.bases})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(p.BuildDefinition.ExternalParameters.Architectures, " "); got != tc.arches {
				t.Errorf("architectures %q, want %q", got, tc.arches)
			}
			var got []string
			for _, d := range p.BuildDefinition.ResolvedDependencies {
				switch {
				case d.Annotations["apk.name"] != "":
					if got[len(got)-1] != "+packages" {
						got = append(got, "+packages")
					}
				case d.Annotations["oci.role"] == "base image":
					got = append(got, d.Name+" "+d.Digest["sha256"])
					if d.Annotations["apk.arch"] != strings.TrimPrefix(d.Name, "//b:") {
						t.Errorf("base %s annotated %v", d.Name, d.Annotations)
					}
				default:
					got = append(got, d.Name+" "+d.Digest["sha256"])
				}
			}
			diff := strings.Join(got, "\n") != strings.Join(tc.deps, "\n")
			if diff {
				t.Errorf("dependencies:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.deps, "\n"))
			}
		})
	}
}
