package lock_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/safename"
)

// vectors is testdata/vectors.json: cases the Go rules here and the
// Starlark rules in rules/private/lock.bzl must both pass.
type vectors struct {
	Comment string `json:"comment"`
	Files   []struct {
		Comment    string          `json:"comment"`
		Repository lock.Repository `json:"repository"`
		Arch       string          `json:"arch"`
		Name       string          `json:"name"`
		Version    string          `json:"version"`
		File       string          `json:"file"`
		URLs       []string        `json:"urls"`
		Error      string          `json:"error"`
	} `json:"files"`
	Inputs []struct {
		Comment   string      `json:"comment"`
		Config    lock.Config `json:"config"`
		Canonical string      `json:"canonical"`
		SHA256    string      `json:"sha256"`
	} `json:"inputs"`
	SHA256 []struct {
		Text   string `json:"text"`
		SHA256 string `json:"sha256"`
	} `json:"sha256"`
}

const (
	vectorsJSON = "testdata/vectors.json"
	// Relative to this package, in the source tree and in Bazel's runfiles.
	vectorsBzl = "../../../rules/tests/lock_vectors.bzl"
)

func readVectors(t *testing.T) (*vectors, []byte) {
	t.Helper()
	b, err := os.ReadFile(vectorsJSON)
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%s: %v", vectorsJSON, err)
	}
	if len(v.Files) == 0 || len(v.Inputs) == 0 || len(v.SHA256) == 0 {
		t.Fatalf("%s lacks cases", vectorsJSON)
	}
	return &v, b
}

func TestVectorsFiles(t *testing.T) {
	v, _ := readVectors(t)
	for _, tc := range v.Files {
		t.Run(tc.Comment, func(t *testing.T) {
			err := safename.Name(tc.Name)
			if err == nil {
				err = safename.Version(tc.Version)
			}
			if tc.Error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.Error) {
					t.Fatalf("name %q version %q: error %v, want one containing %q", tc.Name, tc.Version, err, tc.Error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := lock.Package{Name: tc.Name, Version: tc.Version, Repository: tc.Repository.URL}
			if got := p.FileName(); got != tc.File {
				t.Errorf("FileName = %q, want %q", got, tc.File)
			}
			if got := tc.Repository.FileURLs(tc.Arch, p.FileName()); !reflect.DeepEqual(got, tc.URLs) {
				t.Errorf("FileURLs = %q, want %q", got, tc.URLs)
			}
			l := &lock.Lock{Repositories: []lock.Repository{{URL: "https://other/main"}, tc.Repository}}
			if got := l.URLs(tc.Arch, p); !reflect.DeepEqual(got, tc.URLs) {
				t.Errorf("Lock.URLs = %q, want %q", got, tc.URLs)
			}
		})
	}
}

func TestVectorsInputs(t *testing.T) {
	v, _ := readVectors(t)
	for _, tc := range v.Inputs {
		t.Run(tc.Comment, func(t *testing.T) {
			if err := tc.Config.Validate(); err != nil {
				t.Fatalf("the case's config is invalid: %v", err)
			}
			in := tc.Config.Inputs()
			if got := in.Canonical(); got != tc.Canonical {
				t.Errorf("Canonical =\n%s\nwant\n%s", got, tc.Canonical)
			}
			if got := in.SHA256(); got != tc.SHA256 {
				t.Errorf("SHA256 = %s, want %s", got, tc.SHA256)
			}
		})
	}
	for _, tc := range v.SHA256 {
		sum := sha256.Sum256([]byte(tc.Text))
		if got := hex.EncodeToString(sum[:]); got != tc.SHA256 {
			t.Errorf("sha256(%q) = %s, the file says %s", tc.Text, got, tc.SHA256)
		}
	}
}

// TestVectorsBzl checks that rules/tests/lock_vectors.bzl carries
// testdata/vectors.json as it is; UPDATE_VECTORS=1 rewrites it.
func TestVectorsBzl(t *testing.T) {
	_, b := readVectors(t)
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		t.Fatal(err)
	}
	want := `"""Generated from tools/internal/lock/testdata/vectors.json by 'UPDATE_VECTORS=1 go test ./tools/internal/lock'; do not edit."""

LOCK_VECTORS = ` + strconv.Quote(compact.String()) + "\n"
	if os.Getenv("UPDATE_VECTORS") == "1" {
		if err := os.WriteFile(vectorsBzl, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(vectorsBzl)
	if err != nil {
		t.Fatalf("%v; generate it with UPDATE_VECTORS=1 go test ./tools/internal/lock", err)
	}
	if string(got) != want {
		t.Errorf("%s is stale: regenerate it with UPDATE_VECTORS=1 go test ./tools/internal/lock", vectorsBzl)
	}
}
