package layer

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// Base is the apk database of the image a layer is stacked on, as its
// newest apk layer wrote it. apk adds packages to an installed system: the
// database it writes lists the packages already there and the new ones,
// and so does a layer built with Options.Base.
type Base struct {
	Installed    []byte   // /lib/apk/db/installed
	World        []string // /etc/apk/world
	Repositories []string // /etc/apk/repositories
	Scripts      []byte   // /lib/apk/db/scripts.tar; may be empty
	Triggers     []byte   // /lib/apk/db/triggers
}

// basePkg is one package of the base's installed database.
type basePkg struct {
	rec    apkindex.Record // its index fields
	info   pkginfo.Info    // what overlaps are decided on
	header []string        // the record's lines before its file lines
	dirs   []baseDir
	gone   bool // superseded by a package of the same name in this layer
}

type baseDir struct {
	lines []string // F: and M:
	files []baseFile
}

type baseFile struct {
	key   string   // path in the tree
	lines []string // R:, a:, Z:
	taken bool     // a package of this layer replaced it
}

// baseDB is the parsed base database with the owner of each file.
type baseDB struct {
	pkgs  []basePkg
	files map[string]*baseFile
	owner map[string]int // file key → index in pkgs
}

// parseBase reads the base's installed database: records separated by
// blank lines, index fields first, then F: (directory), M:, R: (file), a:
// and Z: lines. Fields it does not know are kept as they are.
func parseBase(b *Base, pkgs []Package) (*baseDB, error) {
	db := &baseDB{files: map[string]*baseFile{}, owner: map[string]int{}}
	for _, f := range []struct {
		name string
		list []string
	}{{"/etc/apk/world", b.World}, {"/etc/apk/repositories", b.Repositories}} {
		for _, v := range f.list {
			if i := strings.IndexFunc(v, isControl); i >= 0 {
				return nil, fmt.Errorf("layer: the base's %s: %q holds the control character 0x%02x; rebuild the base image", f.name, pkginfo.Clip(v), v[i])
			}
		}
	}
	mine := map[string]bool{}
	for i := range pkgs {
		mine[pkgs[i].Info.Name] = true
	}
	seen := map[string]int{} // package name → record
	for n, block := range strings.Split(strings.TrimRight(string(b.Installed), "\n"), "\n\n") {
		if strings.TrimSpace(block) == "" {
			continue
		}
		bad := func(format string, a ...interface{}) error {
			return fmt.Errorf("layer: the base's installed database, record %d: %s; rebuild the base image", n+1, fmt.Sprintf(format, a...))
		}
		var p basePkg
		var dir *baseDir
		var file *baseFile
		for _, l := range strings.Split(block, "\n") {
			if len(l) < 2 || l[1] != ':' {
				return nil, bad("line %q is not \"X:value\"", pkginfo.Clip(l))
			}
			// The lines are written back into the new database, which
			// scanners read line by line: a control character (a lone
			// carriage return among them) would forge what they show.
			if i := strings.IndexFunc(l, isControl); i >= 0 {
				return nil, bad("line %q holds the control character 0x%02x", pkginfo.Clip(l), l[i])
			}
			switch l[0] {
			case 'F':
				if _, reason := cleanName(l[2:]); reason != "" && l[2:] != "" || strings.HasPrefix(l[2:], "/") {
					return nil, bad("directory %q %s", pkginfo.Clip(l[2:]), orAbsolute(reason))
				}
				p.dirs = append(p.dirs, baseDir{lines: []string{l}})
				dir, file = &p.dirs[len(p.dirs)-1], nil
			case 'M':
				if dir == nil {
					return nil, bad("M: before any F:")
				}
				dir.lines = append(dir.lines, l)
			case 'R':
				if dir == nil {
					return nil, bad("R: before any F:")
				}
				key := l[2:]
				if _, reason := cleanName(key); reason != "" || key == "" || strings.Contains(key, "/") || key == "." {
					return nil, bad("file name %q is not a plain name (%s)", pkginfo.Clip(key), orSlash(reason))
				}
				if d := dir.lines[0][2:]; d != "" {
					key = d + "/" + key
				}
				dir.files = append(dir.files, baseFile{key: key, lines: []string{l}})
				file = &dir.files[len(dir.files)-1]
			case 'a', 'Z':
				if file == nil {
					return nil, bad("%c: before any R:", l[0])
				}
				file.lines = append(file.lines, l)
			default:
				if dir != nil {
					return nil, bad("field %c: after the file lines", l[0])
				}
				p.header = append(p.header, l)
			}
		}
		recs, err := apkindex.ParseText(strings.Join(p.header, "\n") + "\n")
		if err != nil || len(recs) != 1 {
			return nil, fmt.Errorf("layer: the base's installed database, record %d: %v; rebuild the base image", n+1, err)
		}
		p.rec = recs[0]
		// apk keeps one record per name; two would both be written back
		// and counted twice by every scanner.
		if first, dup := seen[p.rec.Name]; dup {
			return nil, bad("package %s is listed again (first in record %d)", p.rec.Name, first)
		}
		seen[p.rec.Name] = n + 1
		p.info = pkginfo.Info{Name: p.rec.Name, Version: p.rec.Version, Origin: p.rec.Origin,
			Replaces: p.rec.Replaces, ReplacesPriority: p.rec.ReplacesPriority}
		// A package of the same name in this layer is an upgrade: apk
		// replaces the record and every file (apk_pkg_replaces_file,
		// "Upgrading package?").
		p.gone = mine[p.rec.Name]
		db.pkgs = append(db.pkgs, p)
	}
	for i := range db.pkgs {
		if db.pkgs[i].gone {
			continue
		}
		for d := range db.pkgs[i].dirs {
			for f := range db.pkgs[i].dirs[d].files {
				bf := &db.pkgs[i].dirs[d].files[f]
				db.files[bf.key], db.owner[bf.key] = bf, i
			}
		}
	}
	return db, nil
}

// overlap decides a file of this layer at key against the base's package
// that owns it, if any, as apk decides against an installed package.
func (db *baseDB) overlap(key string, info *pkginfo.Info, sum string) (overlap, string) {
	if db == nil {
		return takeNew, ""
	}
	f := db.files[key]
	if f == nil {
		return takeNew, ""
	}
	p := &db.pkgs[db.owner[key]]
	o := replacesFile(&p.info, p.rec.Checksum, info, sum)
	if o == takeNew {
		f.taken = true
	}
	return o, p.rec.Name + "-" + p.rec.Version
}

// write renders the base's records that stay, without the files this
// layer took over, each followed by a blank line.
func (db *baseDB) write(b *bytes.Buffer) {
	if db == nil {
		return
	}
	for i := range db.pkgs {
		p := &db.pkgs[i]
		if p.gone {
			continue
		}
		for _, l := range p.header {
			b.WriteString(l + "\n")
		}
		for _, d := range p.dirs {
			for _, l := range d.lines {
				b.WriteString(l + "\n")
			}
			for _, f := range d.files {
				if f.taken {
					continue
				}
				for _, l := range f.lines {
					b.WriteString(l + "\n")
				}
			}
		}
		b.WriteString("\n")
	}
}

// kept lists the base's packages that stay, in their order.
func (db *baseDB) kept() []apkindex.Record {
	if db == nil {
		return nil
	}
	var out []apkindex.Record
	for _, p := range db.pkgs {
		if !p.gone {
			out = append(out, p.rec)
		}
	}
	return out
}

// scripts copies the base's scripts.tar entries of the packages that stay
// to tw (apk names them <name>-<version>.<Q1>.<action>).
func (db *baseDB) scripts(tw *tar.Writer, data []byte, mtime time.Time) error {
	if db == nil || len(data) == 0 {
		return nil
	}
	keep := map[string]bool{}
	for _, p := range db.kept() {
		keep[p.Name+"-"+p.Version+"."+p.Checksum] = true
	}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("layer: the base's scripts.tar: %w; rebuild the base image", err)
		}
		i := strings.LastIndexByte(h.Name, '.')
		if i < 0 || !keep[h.Name[:i]] {
			continue
		}
		// A sparse entry's holes expand past the file's own size; a
		// script is never one.
		if h.Typeflag != tar.TypeReg || apkfile.IsSparse(h) || h.Size > int64(len(data)) {
			return fmt.Errorf("layer: the base's scripts.tar: %s is not a plain file of at most the archive's size; rebuild the base image", h.Name)
		}
		body, err := io.ReadAll(io.LimitReader(tr, h.Size))
		if err != nil {
			return fmt.Errorf("layer: the base's scripts.tar: %w; rebuild the base image", err)
		}
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: h.Name, Mode: 0o755, Size: int64(len(body)), ModTime: mtime}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if _, err := tw.Write(body); err != nil {
			return err
		}
	}
}

// triggers keeps the base's trigger lines of the packages that stay.
func (db *baseDB) triggers(b *bytes.Buffer, data []byte) {
	if db == nil {
		return
	}
	keep := map[string]bool{}
	for _, p := range db.kept() {
		keep[p.Checksum] = true
	}
	for _, l := range strings.Split(string(data), "\n") {
		if sum, _, _ := strings.Cut(l, " "); l != "" && keep[sum] && strings.IndexFunc(l, isControl) < 0 {
			b.WriteString(l + "\n")
		}
	}
}

func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }

func orAbsolute(reason string) string {
	if reason == "" {
		return "is an absolute path"
	}
	return reason
}

func orSlash(reason string) string {
	if reason == "" {
		return `holds a "/" or is "."`
	}
	return reason
}

// BasePackage is one package of a base's installed database and the paths
// of the files it lists.
type BasePackage struct {
	Record apkindex.Record
	Files  []string // relative to the root, as in the layer ("usr/bin/x")
}

// Packages lists the packages of b's installed database in its order.
func (b *Base) Packages() ([]BasePackage, error) {
	db, err := parseBase(b, nil)
	if err != nil {
		return nil, err
	}
	out := make([]BasePackage, len(db.pkgs))
	for i, p := range db.pkgs {
		out[i].Record = p.rec
		for _, d := range p.dirs {
			for _, f := range d.files {
				out[i].Files = append(out[i].Files, f.key)
			}
		}
	}
	return out, nil
}
