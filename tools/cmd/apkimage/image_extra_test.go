package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// extraTar writes a tar of "name=body" files and "name/" directories.
func extraTar(t *testing.T, dir, name string, ents ...string) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		n, body, _ := strings.Cut(e, "=")
		h := &tar.Header{Name: n, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(n, "/") {
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		}
		if n == "etc/shadow" {
			h.Mode, h.Gid = 0o640, 42
		}
		tw.WriteHeader(h)
		tw.Write([]byte(body))
	}
	tw.Close()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// lastLayer lists the top layer of a layout: "MODE UID:GID NAME" and the
// content of regular files.
func lastLayer(t *testing.T, layout string) (map[string]string, []string) {
	t.Helper()
	var idx v1.IndexManifest
	imgReadJSON(t, filepath.Join(layout, "index.json"), &idx)
	var m v1.Manifest
	imgReadJSON(t, imgBlob(layout, idx.Manifests[0].Digest), &m)
	f, err := os.Open(imgBlob(layout, m.Layers[len(m.Layers)-1].Digest))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	files := map[string]string{}
	var list []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, list
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		files[h.Name] = string(b)
		list = append(list, fmt.Sprintf("%04o %d:%d %s", h.Mode, h.Uid, h.Gid, h.Name))
	}
}

func TestImageVerbAccountsAndConfig(t *testing.T) {
	tmp := t.TempDir()
	base := filepath.Join(tmp, "base")
	imgRun(t, 0, "image", "--out", base, "--platform", "linux/amd64", "--tar", extraTar(t, tmp, "base.tar",
		"etc/", "etc/passwd=root:x:0:0:root:/root:/bin/sh\n", "etc/group=root:x:0:root\nshadow:x:42:\n",
		"etc/shadow=root:*::0:::::\n", "home/", "var/", "var/lib/", "var/lib/app/", "var/lib/app/db=data"))
	spec := filepath.Join(tmp, "accounts.json")
	os.WriteFile(spec, []byte(`{"users": ["nonroot:65532"], "groups": ["www:82:nonroot"],
		"permissions": {"/var/lib/app": "0750 65532:65532 recursive"}}`), 0o644)
	meta := filepath.Join(tmp, "layer.json")
	os.WriteFile(meta, []byte(`{"ca_bundle": "/etc/ssl/certs/ca-certificates.crt", "packages": []}`), 0o644)
	status := filepath.Join(tmp, "volatile-status.txt")
	os.WriteFile(status, []byte("BUILD_TIMESTAMP 1700000000\nSTABLE_BUILD_SCM_REVISION 0123abc\n"), 0o644)
	out := filepath.Join(tmp, "img")
	imgRun(t, 0, "image", "--out", out, "--platform", "linux/amd64", "--base", base, "--base-name", "//x:base",
		"--accounts", spec, "--user", "nonroot:www", "--layer-meta", meta,
		"--stop-signal", "SIGQUIT", "--volume", "/data", "--expose", "8080", "--expose", "53/udp",
		"--stamp-status", status)

	files, list := lastLayer(t, out)
	wantList := []string{
		"0644 0:0 etc/group", "0644 0:0 etc/passwd", "0640 0:42 etc/shadow",
		"0700 65532:65532 home/nonroot/",
		"0750 65532:65532 var/lib/app/", "0750 65532:65532 var/lib/app/db", // like chmod -R and chown -R
	}
	if !reflect.DeepEqual(list, wantList) {
		t.Errorf("accounts layer =\n%s\nwant\n%s", strings.Join(list, "\n"), strings.Join(wantList, "\n"))
	}
	for name, want := range map[string]string{
		"etc/passwd":     "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n",
		"etc/group":      "root:x:0:root\nshadow:x:42:\nwww:x:82:nonroot\nnonroot:x:65532:\n",
		"etc/shadow":     "root:*::0:::::\nnonroot:!::0:::::\n",
		"var/lib/app/db": "data",
	} {
		if files[name] != want {
			t.Errorf("%s = %q, want %q", name, files[name], want)
		}
	}

	var idx v1.IndexManifest
	imgReadJSON(t, filepath.Join(out, "index.json"), &idx)
	var baseIdx v1.IndexManifest
	imgReadJSON(t, filepath.Join(base, "index.json"), &baseIdx)
	var m v1.Manifest
	imgReadJSON(t, imgBlob(out, idx.Manifests[0].Digest), &m)
	var cfg v1.ConfigFile
	imgReadJSON(t, imgBlob(out, m.Config.Digest), &cfg)
	for _, c := range []struct {
		name      string
		got, want interface{}
	}{
		{"user", cfg.Config.User, "65532:82"},
		{"env", cfg.Config.Env, []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"}},
		{"stop signal", cfg.Config.StopSignal, "SIGQUIT"},
		{"volumes", cfg.Config.Volumes, map[string]struct{}{"/data": {}}},
		{"ports", cfg.Config.ExposedPorts, map[string]struct{}{"8080/tcp": {}, "53/udp": {}}},
		{"created", cfg.Created.UTC().Format("2006-01-02T15:04:05Z"), "2023-11-14T22:13:20Z"},
		{"annotations", m.Annotations, map[string]string{
			"org.opencontainers.image.created":     "2023-11-14T22:13:20Z",
			"org.opencontainers.image.revision":    "0123abc",
			"org.opencontainers.image.base.name":   "//x:base",
			"org.opencontainers.image.base.digest": baseIdx.Manifests[0].Digest.String(),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	imgValidate(t, out)
}

func TestImageVerbAccountErrors(t *testing.T) {
	tmp := t.TempDir()
	base := filepath.Join(tmp, "base")
	imgRun(t, 0, "image", "--out", base, "--platform", "linux/amd64", "--tar", extraTar(t, tmp, "base.tar",
		"etc/passwd=root:x:0:0:root:/root:/bin/sh\n"))
	for _, c := range []struct {
		name, spec, user, want string
	}{
		{"unknown user", "", "ghost", `user "ghost" is not in the image's /etc/passwd`},
		{"existing user", `{"users": ["root:5"]}`, "", `user "root" is already in /etc/passwd`},
		{"missing permission path", `{"permissions": {"/srv": "0700"}}`, "", "permissions: /srv is not in the image"},
		{"bad user", `{"users": ["x"]}`, "", `user "x": want NAME:UID`},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"image", "--out", filepath.Join(tmp, "out"), "--platform", "linux/amd64", "--base", base}
			if c.spec != "" {
				p := filepath.Join(tmp, "spec.json")
				os.WriteFile(p, []byte(c.spec), 0o644)
				args = append(args, "--accounts", p)
			}
			if c.user != "" {
				args = append(args, "--user", c.user)
			}
			code, msg := hRun(t, args...)
			if code != 1 || !strings.Contains(msg, c.want) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, msg, c.want)
			}
			if _, err := os.Stat(filepath.Join(tmp, "out")); !os.IsNotExist(err) {
				t.Errorf("a failed build left its output")
			}
		})
	}
}

// A --tar layer may be gzipped (pkg_tar's tar.gz): accounts read it too.
func TestImageVerbAccountsOverGzippedTar(t *testing.T) {
	tmp := t.TempDir()
	gz := imgTestGzip(t, extraTar(t, tmp, "etc.tar", "etc/", "etc/passwd=root:x:0:0:root:/root:/bin/sh\napp:x:70:70::/:/bin/false\n"))
	out := filepath.Join(tmp, "img")
	imgRun(t, 0, "image", "--out", out, "--platform", "linux/amd64", "--tar", gz, "--user", "app")
	var idx v1.IndexManifest
	imgReadJSON(t, filepath.Join(out, "index.json"), &idx)
	var m v1.Manifest
	imgReadJSON(t, imgBlob(out, idx.Manifests[0].Digest), &m)
	var cfg v1.ConfigFile
	imgReadJSON(t, imgBlob(out, m.Config.Digest), &cfg)
	if cfg.Config.User != "70" {
		t.Errorf("User = %q, want 70 (app from the gzipped tar's /etc/passwd)", cfg.Config.User)
	}
}
