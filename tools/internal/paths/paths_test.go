package paths

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// listing renders a tar as "TYPE MODE UID:GID SIZE NAME [-> LINK]" lines.
func listing(t *testing.T, b []byte) string {
	t.Helper()
	var out strings.Builder
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "%c %04o %d:%d %d %s", h.Typeflag, h.Mode, h.Uid, h.Gid, h.Size, h.Name)
		if h.Linkname != "" {
			out.WriteString(" -> " + h.Linkname)
		}
		if h.Uname != "" || h.Gname != "" || h.ModTime.Unix() != 0 || len(h.PAXRecords) > 0 {
			t.Errorf("%s: names %q %q, mtime %v, pax %v", h.Name, h.Uname, h.Gname, h.ModTime, h.PAXRecords)
		}
		out.WriteString("\n")
	}
	return out.String()
}

func TestSpecEntries(t *testing.T) {
	s := &Spec{
		Directories: map[string]string{"/var/lib/app": "0750 65532:65532", "/data": ""},
		Files:       map[string]string{"/etc/app/empty.conf": "0600", "/var/lib/app/.keep": "65532:65532"},
		Symlinks:    map[string]string{"/usr/bin/app": "/opt/app/bin/app"},
		Hardlinks:   map[string]string{"/etc/app/same.conf": "/etc/app/empty.conf"},
	}
	entries, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	// /usr exists below; its metadata must not be re-declared.
	if err := Write(tw, entries, time.Unix(0, 0), func(p string) bool { return p == "usr" }); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	want := `5 0755 0:0 0 data/
5 0755 0:0 0 etc/
5 0755 0:0 0 etc/app/
0 0600 0:0 0 etc/app/empty.conf
1 0600 0:0 0 etc/app/same.conf -> etc/app/empty.conf
5 0755 0:0 0 usr/bin/
2 0777 0:0 0 usr/bin/app -> /opt/app/bin/app
5 0755 0:0 0 var/
5 0755 0:0 0 var/lib/
5 0750 65532:65532 0 var/lib/app/
0 0644 65532:65532 0 var/lib/app/.keep
`
	if got := listing(t, buf.Bytes()); got != want {
		t.Errorf("listing =\n%s\nwant\n%s", got, want)
	}
}

func TestSpecErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		spec Spec
		want string
	}{
		{"relative", Spec{Directories: map[string]string{"var": ""}}, `directories: path "var" is not a clean absolute path`},
		{"bad mode", Spec{Files: map[string]string{"/a": "0999"}}, `files /a: "0999": "0999" is not one octal mode`},
		{"bad owner", Spec{Files: map[string]string{"/a": "x:1"}}, `owner "x:1" is not one UID:GID pair`},
		{"recursive", Spec{Directories: map[string]string{"/a": "recursive"}}, `"recursive" applies to permissions`},
		{"empty target", Spec{Symlinks: map[string]string{"/a": ""}}, `symlinks /a: the target is empty`},
		{"hardlink to nothing", Spec{Hardlinks: map[string]string{"/a": "/b"}}, `hard link /a points at /b, which is not a regular file of this layer`},
		{"twice", Spec{Files: map[string]string{"/a": ""}, Symlinks: map[string]string{"/a": "b"}}, `/a is declared twice`},
		{"file as parent", Spec{Files: map[string]string{"/a": "", "/a/b": ""}}, `/a/b needs /a to be a directory`},
		// Round 3: what package entries may not be, paths may not be either.
		{"carriage return in a path", Spec{Files: map[string]string{"/etc/a\rb": ""}}, `files: path "/etc/a\rb" contains the control character 0x0d`},
		{"OCI whiteout", Spec{Files: map[string]string{"/etc/.wh.passwd": ""}}, `path "/etc/.wh.passwd" has a component starting with ".wh."`},
		{"component over 255 bytes", Spec{Directories: map[string]string{"/" + strings.Repeat("a", 256): ""}}, "has a component of 256 bytes"},
		{"dot-dot", Spec{Directories: map[string]string{"/var/../../etc": ""}}, `path "/var/../../etc" is not a clean absolute path`},
		{"symlink target with a line break", Spec{Symlinks: map[string]string{"/a": "b\nc"}}, `symlinks /a: the target "b\nc" is longer than 4095 bytes or holds a control character`},
		{"symlink then a file through it", Spec{Symlinks: map[string]string{"/a": "/etc"}, Files: map[string]string{"/a/passwd": ""}}, `/a/passwd needs /a to be a directory`},
		{"hardlink to a path with ..", Spec{Files: map[string]string{"/a": ""}, Hardlinks: map[string]string{"/b": "/../etc/shadow"}}, `hardlinks /b: target: path "/../etc/shadow" is not a clean absolute path`},
	} {
		t.Run(c.name, func(t *testing.T) {
			entries, err := c.spec.Entries()
			if err == nil {
				err = Write(tar.NewWriter(io.Discard), entries, time.Unix(0, 0), nil)
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want %q", err, c.want)
			}
		})
	}
}

func TestParseSpec(t *testing.T) {
	s, err := ParseSpec([]byte(`{"directories": {"/a": "0700"}}`))
	if err != nil || s.Directories["/a"] != "0700" {
		t.Fatalf("ParseSpec = %+v, %v", s, err)
	}
	if _, err := ParseSpec([]byte(`{"dirs": {}}`)); err == nil || !strings.Contains(err.Error(), `unknown field "dirs"`) {
		t.Errorf("unknown field: error = %v", err)
	}
}

func TestHardlinkBeforeItsTarget(t *testing.T) {
	s := &Spec{
		Files:     map[string]string{"/etc/b.conf": "0600 1:2"},
		Hardlinks: map[string]string{"/etc/a.conf": "/etc/b.conf", "/etc/c.conf": "/etc/b.conf"},
	}
	entries, err := s.Entries()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := Write(tw, entries, time.Unix(0, 0), nil); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	// The first name in tar order carries the file; extractors meet it first.
	want := `5 0755 0:0 0 etc/
0 0600 1:2 0 etc/a.conf
1 0600 1:2 0 etc/b.conf -> etc/a.conf
1 0600 1:2 0 etc/c.conf -> etc/a.conf
`
	if got := listing(t, buf.Bytes()); got != want {
		t.Errorf("listing =\n%s\nwant\n%s", got, want)
	}
}
