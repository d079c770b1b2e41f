package layer

import (
	"archive/tar"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// installed renders /lib/apk/db/installed as apk-tools 2.14's
// apk_db_write_fdb does: the base image's packages that stay, then per
// package of the layer in install order the index fields, then its
// directories (F:, then M: with the metadata this package ships the
// directory with unless root 0755 — a directory only implied by its files
// has none, and the layer's merged metadata is never written here) and in
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
	t.base.write(&b) // the base image's packages come first, as installed
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
			if _, shipped := t.dirs[i][d]; !shipped {
				dirs = append(dirs, d)
			}
		}
		// Sort as the tar does: "usr/" before "usr-x/" is not byte order of
		// the bare names, so compare with the slash.
		sort.Slice(dirs, func(a, b int) bool { return dirs[a]+"/" < dirs[b]+"/" })
		for _, d := range dirs {
			b.WriteString("F:" + d + "\n")
			if m, shipped := t.dirs[i][d]; shipped {
				writeACL(&b, 'M', &m, 0o755)
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

// writeACL writes an a: (file) or M: (directory) line unless the entry is
// root-owned with the default mode and has no xattrs, as apk's
// apk_blob_push_db_acl does: uid:gid:octal mode, then ":" and the Q1
// checksum of the xattrs when there are any.
func writeACL(b *bytes.Buffer, field byte, m *meta, defaultMode int64) {
	if m.uid == 0 && m.gid == 0 && m.mode == defaultMode && len(m.xattrs) == 0 {
		return
	}
	fmt.Fprintf(b, "%c:%d:%d:%o", field, m.uid, m.gid, m.mode)
	if len(m.xattrs) > 0 {
		sum := xattrSum(m.xattrs)
		b.WriteString(":Q1" + base64.StdEncoding.EncodeToString(sum[:]))
	}
	b.WriteByte('\n')
}

// xattrSum is apk's checksum of a file's extended attributes
// (apk_fileinfo_hash_xattr_array in src/io.c): SHA-1 over the attributes
// sorted by name, each as a 32-bit big-endian length and the name (without
// "SCHILY.xattr."), then the same for the value.
func xattrSum(xattrs map[string]string) [sha1.Size]byte {
	keys := make([]string, 0, len(xattrs))
	for k := range xattrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := sha1.New()
	var n [4]byte
	for _, k := range keys {
		for _, s := range []string{strings.TrimPrefix(k, xattrPrefix), xattrs[k]} {
			binary.BigEndian.PutUint32(n[:], uint32(len(s)))
			h.Write(n[:])
			h.Write([]byte(s))
		}
	}
	var sum [sha1.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

func writeFile(b *bytes.Buffer, key string, e *entry) {
	b.WriteString("R:" + key[strings.LastIndexByte(key, '/')+1:] + "\n")
	writeACL(b, 'a', e.attrs(), 0o644)
	if e.hasSum {
		b.WriteString("Z:Q1" + base64.StdEncoding.EncodeToString(e.sum[:]) + "\n")
	}
}
