package extralayer

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/paths"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/rootfs"
)

// baseTar writes a plain tar holding etc/, etc/passwd, etc/group, srv/ and
// srv/data, and returns it as the one stacked layer.
func baseTar(t *testing.T) []image.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range []struct {
		name, body string
		mode       int64
	}{
		{"etc/", "", 0o755},
		{"etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", 0o644},
		{"etc/group", "root:x:0:root\n", 0o644},
		{"srv/", "", 0o755},
		{"srv/data", "d", 0o644},
	} {
		h := &tar.Header{Name: e.name, Mode: e.mode, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		if strings.HasSuffix(e.name, "/") {
			h.Typeflag = tar.TypeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "base.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return []image.Layer{{Path: p}}
}

// tarListing lists "name mode uid:gid" of each entry and the content of
// the regular files.
func tarListing(t *testing.T, p string) ([]string, map[string]string) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var list []string
	bodies := map[string]string{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, fmt.Sprintf("%s %o %d:%d", h.Name, h.Mode, h.Uid, h.Gid))
		b, _ := io.ReadAll(tr)
		if h.Typeflag == tar.TypeReg {
			bodies[h.Name] = string(b)
		}
	}
	sort.Strings(list)
	return list, bodies
}

func TestWrite(t *testing.T) {
	mtime := time.Unix(1700000000, 0)
	for _, c := range []struct {
		name         string
		spec         *Spec
		user         string
		wantUser     string
		wantList     []string // nil: no layer
		wantPasswd   string
		wantErrParts []string
	}{
		{name: "nothing to add", spec: nil, user: "1000:1000", wantUser: "1000:1000"},
		{name: "user by name", spec: &Spec{Users: []string{"app:1000"}}, user: "app", wantUser: "1000",
			wantList:   []string{"etc/group 644 0:0", "etc/passwd 644 0:0", "etc/shadow 640 0:0", "home/ 755 0:0", "home/app/ 700 1000:1000"},
			wantPasswd: "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/sbin/nologin\n"},
		{name: "recursive permissions", spec: &Spec{Permissions: map[string]string{"/srv": "0750 5:6 recursive"}}, wantList: []string{"srv/ 750 5:6", "srv/data 750 5:6"}},
		{name: "missing path", spec: &Spec{Permissions: map[string]string{"/nope": "0700"}},
			wantErrParts: []string{"/nope is not in the image", "create it first"}},
		{name: "unknown user", spec: &Spec{}, user: "ghost", wantErrParts: []string{"ghost"}},
		{name: "bad permissions", spec: &Spec{Permissions: map[string]string{"/srv": "rwx"}}, wantErrParts: []string{"permissions of /srv"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, user, err := Write(c.spec, "", baseTar(t), c.user, mtime)
			if c.wantErrParts != nil {
				if err == nil {
					t.Fatalf("no error, want one with %q", c.wantErrParts)
				}
				for _, w := range c.wantErrParts {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if user != c.wantUser {
				t.Errorf("user = %q, want %q", user, c.wantUser)
			}
			if c.wantList == nil {
				if p != "" {
					t.Errorf("layer %s written, want none", p)
				}
				return
			}
			defer os.Remove(p)
			list, bodies := tarListing(t, p)
			if !reflect.DeepEqual(list, c.wantList) {
				t.Errorf("layer holds\n%q\nwant\n%q", list, c.wantList)
			}
			if c.wantPasswd != "" && bodies["etc/passwd"] != c.wantPasswd {
				t.Errorf("etc/passwd = %q, want %q", bodies["etc/passwd"], c.wantPasswd)
			}
		})
	}
}

// TestApplyPermissionsSkipsSymlinks: a symlink below a recursive path
// keeps its own mode and owner.
func TestApplyPermissionsSkipsSymlinks(t *testing.T) {
	a, err := paths.ParseAttrs("0700 1:2 recursive")
	if err != nil {
		t.Fatal(err)
	}
	entries := map[string]*paths.Entry{}
	tree := rootfs.Tree{
		"srv":      {Path: "srv", Type: tar.TypeDir, Mode: 0o755},
		"srv/data": {Path: "srv/data", Type: tar.TypeReg, Mode: 0o644, Data: []byte("d")},
		"srv/link": {Path: "srv/link", Type: tar.TypeSymlink, Mode: 0o777, Link: "data"},
	}
	if err := applyPermissions(entries, tree, map[string]paths.Attrs{"srv": a}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for k, e := range entries {
		got = append(got, fmt.Sprintf("%s %o %d:%d", k, e.Mode, e.UID, e.GID))
	}
	sort.Strings(got)
	if want := []string{"srv 700 1:2", "srv/data 700 1:2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("entries = %q, want %q", got, want)
	}
}

// TestWriteThroughBaseSymlink: accounts and homes are not written below a
// symlink of the layers beneath (round 3): unpacked, they would land where
// the link points.
func TestWriteThroughBaseSymlink(t *testing.T) {
	for _, c := range []struct {
		name, link, target string
		spec               *Spec
		want               string
	}{
		{"home is a symlink", "home", "/etc", &Spec{Users: []string{"app:1000"}}, `/home/app would be written through /home, a symlink to "/etc" in the layers below`},
		{"etc is a symlink", "etc", "/tmp/x", &Spec{Groups: []string{"g:5"}}, `/etc/group would be written through /etc, a symlink to "/tmp/x"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			if err := tw.WriteHeader(&tar.Header{Name: c.link, Typeflag: tar.TypeSymlink, Linkname: c.target}); err != nil {
				t.Fatal(err)
			}
			tw.Close()
			p := filepath.Join(t.TempDir(), "links.tar")
			if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			layers := append(baseTar(t), image.Layer{Path: p})
			if c.link == "etc" {
				layers = []image.Layer{{Path: p}}
			}
			out, _, err := Write(c.spec, "", layers, "", time.Unix(0, 0))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if out != "" {
				t.Errorf("layer %s written", out)
			}
		})
	}
}
