package sbom

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func digestOf(c string) string { return "sha256:" + strings.Repeat(c, 64) }

// rels renders relationships as "A TYPE B".
func rels(t *testing.T, b []byte) ([]string, map[string]spdxPackage) {
	t.Helper()
	var doc document
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range doc.Relationships {
		out = append(out, r.Element+" "+r.Type+" "+r.Related)
	}
	pkgs := map[string]spdxPackage{}
	for _, p := range doc.Packages {
		pkgs[p.SPDXID] = p
	}
	return out, pkgs
}

func TestWriteImageWithLayersAndOS(t *testing.T) {
	d := twoPackages
	d.Digest = digestOf("a")
	d.OS = &OS{ID: "alpine", Name: "Alpine Linux", Version: "3.21.0", PrettyName: "Alpine Linux v3.21"}
	d.Layers = []Layer{{Digest: digestOf("b"), DiffID: digestOf("c")}, {Digest: digestOf("d"), DiffID: digestOf("e"), Packages: true}}
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	got, pkgs := rels(t, buf.Bytes())
	want := []string{
		"SPDXRef-DOCUMENT DESCRIBES SPDXRef-Image",
		"SPDXRef-Image CONTAINS SPDXRef-OperatingSystem",
		"SPDXRef-Image CONTAINS SPDXRef-Layer-0",
		"SPDXRef-Image CONTAINS SPDXRef-Layer-1",
		"SPDXRef-Layer-1 CONTAINS SPDXRef-Package-musl",
		"SPDXRef-Layer-1 CONTAINS SPDXRef-Package-libstdc--",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("relationships =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	img := pkgs["SPDXRef-Image"]
	if img.VersionInfo != d.Digest || img.Checksums[0] != (checksum{"SHA256", strings.Repeat("a", 64)}) ||
		img.ExternalRefs[0].Locator != "pkg:oci/base@sha256%3A"+strings.Repeat("a", 64) {
		t.Errorf("image package = %+v", img)
	}
	if os := pkgs["SPDXRef-OperatingSystem"]; os.Name != "alpine" || os.VersionInfo != "3.21.0" || os.PrimaryPurpose != "OPERATING-SYSTEM" {
		t.Errorf("OS package = %+v", os)
	}
	if l := pkgs["SPDXRef-Layer-1"]; l.Checksums[0].Value != strings.Repeat("d", 64) || !strings.Contains(l.Description, "diff_id "+digestOf("e")) {
		t.Errorf("layer package = %+v", l)
	}
	if p := pkgs["SPDXRef-Package-musl"].ExternalRefs[0].Locator; p != "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.21.0&upstream=musl" {
		t.Errorf("musl purl = %s", p)
	}
	// The digest is part of the document's identity.
	var other bytes.Buffer
	d.Digest = digestOf("f")
	Write(&other, d)
	if ns := func(b []byte) string { var x document; json.Unmarshal(b, &x); return x.DocumentNamespace }; ns(buf.Bytes()) == ns(other.Bytes()) {
		t.Errorf("two image digests share a namespace")
	}
}

func TestWriteIndex(t *testing.T) {
	var buf bytes.Buffer
	err := WriteIndex(&buf, Index{Name: "//e2e:musl_dynamic", Created: time.Unix(0, 0), Digest: digestOf("1"),
		Images: []IndexImage{{digestOf("2"), "linux/amd64"}, {digestOf("3"), "linux/arm/v7"}}})
	if err != nil {
		t.Fatal(err)
	}
	got, pkgs := rels(t, buf.Bytes())
	want := []string{
		"SPDXRef-DOCUMENT DESCRIBES SPDXRef-Index",
		"SPDXRef-Index CONTAINS SPDXRef-Image-linux-amd64",
		"SPDXRef-Index CONTAINS SPDXRef-Image-linux-arm-v7",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("relationships = %q, want %q", got, want)
	}
	if p := pkgs["SPDXRef-Image-linux-arm-v7"]; p.ExternalRefs[0].Locator != "pkg:oci/musl_dynamic@sha256%3A"+strings.Repeat("3", 64)+"?arch=arm&os=linux&variant=v7" {
		t.Errorf("arm/v7 purl = %s", p.ExternalRefs[0].Locator)
	}
	if err := WriteIndex(&buf, Index{Name: "x", Digest: "sha256:zz"}); err == nil || !strings.Contains(err.Error(), `digest "sha256:zz" is not sha256:<64 hex digits>`) {
		t.Errorf("bad digest: error = %v", err)
	}
}
