package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCheckTree(t *testing.T) {
	uid, gid := os.Getuid(), os.Getgid()
	owner := func(s string) string { return strings.ReplaceAll(s, "U:G", strconv.Itoa(uid)+":"+strconv.Itoa(gid)) }
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "etc/ssl"), 0o755))
	must(os.WriteFile(filepath.Join(root, "etc/hosts"), []byte("127.0.0.1 localhost\n"), 0o644))
	must(os.Symlink("ssl/cert.pem", filepath.Join(root, "etc/cert.pem")))
	must(os.Chmod(filepath.Join(root, "etc/ssl"), 0o700))
	epoch := time.Unix(0, 0)
	for _, p := range []string{"etc/hosts", "etc/ssl", "etc"} {
		must(os.Chtimes(filepath.Join(root, p), epoch, epoch))
	}
	// A symlink's own mtime is whatever creating it gave it.
	fi, err := os.Lstat(filepath.Join(root, "etc/cert.pem"))
	must(err)
	linkTime := strconv.Itoa(int(fi.ModTime().Unix()))

	head := "platform linux-amd64\nlayer 0 sha256:00\n"
	good := head + owner("  d0755 U:G 0 etc/ mtime=0\n"+
		"  l0777 U:G 0 etc/cert.pem -> ssl/cert.pem mtime="+linkTime+"\n"+
		"  -0644 U:G 20 etc/hosts owner-names \"root\" \"root\" mtime=0\n"+
		"  d0700 U:G 0 etc/ssl/ mtime=0\n")
	cases := []struct {
		name, listing, wantErr string
	}{
		{"match, owner names ignored", good, ""},
		{"mode differs", strings.Replace(good, "d0700", "d0750", 1), "-  d0750"},
		{"size differs", strings.Replace(good, " 20 ", " 21 ", 1), "+  -0644"},
		{"entry missing from the tree", good + owner("  -0644 U:G 0 etc/group mtime=0\n"), "etc/group"},
		{"two layers", good + "layer 1 sha256:01\n", "lists 2 layers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "listing.txt")
			must(os.WriteFile(f, []byte(c.listing), 0o644))
			err := checkTree(root, f)
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("checkTree: %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("checkTree: error %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}
