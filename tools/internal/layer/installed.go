package layer

import (
	"archive/tar"
	"bytes"
	"encoding/base64"
	"fmt"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// installed renders /lib/apk/db/installed: per package in install order
// the index fields, then its directories (F:, M: unless root 0755) and in
// each its files (R:, a: unless root 0644, Z: SHA-1), a blank line after
// each record.
func installed(t *tree) []byte {
	files := make([][]string, len(t.pkgs))
	for key, e := range t.entries {
		if e.owner >= 0 && e.typ != tar.TypeDir {
			files[e.owner] = append(files[e.owner], key)
		}
	}
	var b bytes.Buffer
	for i := range t.pkgs {
		p := &t.pkgs[i]
		apkindex.FormatRecord(&b, apkindex.FromInfo(p.Info, p.Checksum, p.Size))
		byDir := map[string][]string{}
		for _, key := range files[i] {
			byDir[parent(key)] = append(byDir[parent(key)], key)
		}
		dirs := make([]string, 0, len(t.dirs[i])+len(byDir))
		for d := range t.dirs[i] {
			dirs = append(dirs, d)
		}
		for d := range byDir {
			if !t.dirs[i][d] {
				dirs = append(dirs, d)
			}
		}
		// Sort as the tar does: "usr/" before "usr-x/" is not byte order of
		// the bare names, so compare with the slash.
		sort.Slice(dirs, func(a, b int) bool { return dirs[a]+"/" < dirs[b]+"/" })
		for _, d := range dirs {
			b.WriteString("F:" + d + "\n")
			if e := t.entries[d]; e != nil && (e.uid != 0 || e.gid != 0 || e.mode != 0o755) {
				fmt.Fprintf(&b, "M:%d:%d:%o\n", e.uid, e.gid, e.mode)
			}
			fs := byDir[d]
			sort.Strings(fs)
			for _, key := range fs {
				writeFile(&b, key, t.entries[key])
			}
		}
		b.WriteString("\n")
	}
	// The file stays in memory until the tar is written: drop the
	// buffer's spare capacity, up to as much again.
	return append([]byte(nil), b.Bytes()...)
}

func writeFile(b *bytes.Buffer, key string, e *entry) {
	b.WriteString("R:" + key[strings.LastIndexByte(key, '/')+1:] + "\n")
	if m := e.attrs(); m.uid != 0 || m.gid != 0 || m.mode != 0o644 {
		fmt.Fprintf(b, "a:%d:%d:%o\n", m.uid, m.gid, m.mode)
	}
	if e.hasSum {
		b.WriteString("Z:Q1" + base64.StdEncoding.EncodeToString(e.sum[:]) + "\n")
	}
}
