package main

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// writeFilesTar writes a tar of name → content and returns its path.
func writeFilesTar(t *testing.T, dir, file string, files map[string]string) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: n, Mode: 0o644, Size: int64(len(files[n]))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[n]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const (
	foreignA = "C:Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=\nP:a\nV:1-r0\nA:aarch64\nL:MIT\nF:bin\nR:a\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
	foreignB = "C:Q1bbbbbbbbbbbbbbbbbbbbbbbbbbb=\nP:b\nV:2-r0\nA:aarch64\nL:MIT\nF:usr/bin\nR:b\nZ:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n"
)

// TestVerbsOnForeignBase: an image whose only content is a base another
// tool wrote (plus a tar) gets an SBOM from the base's apk database, each
// package in the base layer holding its files, the OS from the base's
// os-release, and provenance naming the base by its manifest digest.
func TestVerbsOnForeignBase(t *testing.T) {
	for _, tc := range []struct {
		name   string
		layers []map[string]string
		want   []string // "layer-N CONTAINS name", in document order
		os     string   // the SBOM's operating system, "ID VERSION_ID"
	}{{
		name: "apk add in a later base layer",
		layers: []map[string]string{
			{"./bin/a": "", "./lib/apk/db/installed": foreignA, "./etc/os-release": "ID=alpine\nVERSION_ID=3.21.0\n"},
			{"./usr/bin/b": "", "./lib/apk/db/installed": foreignA + foreignB},
		},
		want: []string{"layer-0 CONTAINS a", "layer-1 CONTAINS b"},
		os:   "alpine 3.21.0",
	}, {
		name:   "a base without an apk database",
		layers: []map[string]string{{"./etc/motd": ""}},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			base, img := filepath.Join(dir, "base"), filepath.Join(dir, "img")
			args := []string{"image", "--out", base, "--platform", "linux/arm64"}
			for i, l := range tc.layers {
				args = append(args, "--tar", writeFilesTar(t, dir, "l"+string(rune('0'+i))+".tar", l))
			}
			imgRun(t, 0, args...)
			app := writeFilesTar(t, dir, "app.tar", map[string]string{"srv/app": "x"})
			imgRun(t, 0, "image", "--out", img, "--platform", "linux/arm64", "--base", base, "--base-name", "//b", "--tar", app)
			baseDigest, err := image.ImageDigest(base)
			if err != nil {
				t.Fatal(err)
			}
			imgDigest, _ := image.ImageDigest(img)

			out := filepath.Join(dir, "sbom.json")
			imgRun(t, 0, "sbom", "--layout", img, "--base", base, "--base-name", "//b", "--name", "//x:img", "--out", out)
			var doc struct {
				Packages []struct {
					SPDXID, Name, VersionInfo string
				}
				Relationships []struct {
					SpdxElementID, RelationshipType, RelatedSpdxElement string
				}
			}
			imgReadJSON(t, out, &doc)
			name := map[string]string{}
			os := ""
			for _, p := range doc.Packages {
				name[p.SPDXID] = p.Name
				if p.SPDXID == "SPDXRef-OperatingSystem" {
					os = p.Name + " " + p.VersionInfo
				}
				if p.SPDXID == "SPDXRef-BaseImage" && p.VersionInfo != baseDigest.String() {
					t.Errorf("base image version %s, want its manifest digest %s", p.VersionInfo, baseDigest)
				}
				if p.SPDXID == "SPDXRef-Image" && p.VersionInfo != imgDigest.String() {
					t.Errorf("image version %s, want %s", p.VersionInfo, imgDigest)
				}
			}
			var got []string
			descends := false
			for _, r := range doc.Relationships {
				switch {
				case r.RelationshipType == "DESCENDANT_OF":
					descends = r.SpdxElementID == "SPDXRef-Image" && r.RelatedSpdxElement == "SPDXRef-BaseImage"
				case strings.HasPrefix(r.RelatedSpdxElement, "SPDXRef-Package-"):
					got = append(got, name[r.SpdxElementID]+" CONTAINS "+name[r.RelatedSpdxElement])
				}
			}
			if os != tc.os {
				t.Errorf("operating system %q, want %q (the base's /etc/os-release)", os, tc.os)
			}
			if !descends {
				t.Errorf("the image is not DESCENDANT_OF the base: %+v", doc.Relationships)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("packages:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}

			pred, stmt := filepath.Join(dir, "pred.json"), filepath.Join(dir, "stmt.json")
			imgRun(t, 0, "provenance", "--base", "aarch64="+base, "--base-name", "aarch64=//b", "--target", "//x:img",
				"--version", "0.0.0", "--predicate", pred, "--layout", img, "--statement", stmt)
			var st struct {
				Subject []struct {
					Digest map[string]string
				}
				Predicate struct {
					BuildDefinition struct {
						ExternalParameters   struct{ Architectures []string }
						ResolvedDependencies []struct {
							Name        string
							Digest      map[string]string
							Annotations map[string]string
						}
					}
				}
			}
			imgReadJSON(t, stmt, &st)
			bd := st.Predicate.BuildDefinition
			if len(bd.ResolvedDependencies) != 1 || bd.ResolvedDependencies[0].Name != "//b" ||
				"sha256:"+bd.ResolvedDependencies[0].Digest["sha256"] != baseDigest.String() {
				t.Errorf("dependencies %+v, want the base //b at %s", bd.ResolvedDependencies, baseDigest)
			}
			if strings.Join(bd.ExternalParameters.Architectures, " ") != "aarch64" {
				t.Errorf("architectures %v", bd.ExternalParameters.Architectures)
			}
			if len(st.Subject) != 1 || "sha256:"+st.Subject[0].Digest["sha256"] != imgDigest.String() {
				t.Errorf("subject %+v, want the image %s", st.Subject, imgDigest)
			}
		})
	}
	dir := t.TempDir()
	imgRun(t, 2, "provenance", "--base", "aarch64="+dir, "--target", "//x", "--version", "0.0.0", "--predicate", filepath.Join(dir, "p"))
	imgRun(t, 2, "provenance", "--target", "//x", "--version", "0.0.0", "--predicate", filepath.Join(dir, "p"))
	imgRun(t, 1, "provenance", "--base", "aarch64="+filepath.Join(dir, "nope"), "--base-name", "aarch64=//b", "--target", "//x", "--version", "0.0.0", "--predicate", filepath.Join(dir, "p"))
	if _, err := os.Stat(filepath.Join(dir, "p")); !os.IsNotExist(err) {
		t.Errorf("a failed run left its output")
	}
}
