package apkbuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// ChecksumRecord is the PAX record apk stores each file's SHA-1 in.
const ChecksumRecord = "APK-TOOLS.checksum.SHA1"

// File is one entry of the data member.
type File struct {
	Name     string // path without leading "/"; a directory gets a trailing "/" added
	Mode     int64  // permission bits incl. setuid/setgid/sticky; 0 = 0644, dirs 0755, symlinks 0777
	Type     byte   // tar.TypeReg (also for 0), tar.TypeDir, tar.TypeSymlink, tar.TypeLink
	Uid, Gid int
	Linkname string // symlink target or hardlink source
	Body     []byte // regular file content
	Xattrs   map[string]string
	// PAXRecords are added last and win over the computed ones: set
	// ChecksumRecord here to write a wrong checksum.
	PAXRecords map[string]string
}

// Spec describes a package. Build fills Info.DataHash and
// Info.InstalledSize when they are empty or zero; set them to write a
// package that lies about them.
type Spec struct {
	Info  pkginfo.Info
	Files []File
	// Scripts by name without the leading dot: "pre-install",
	// "post-install", ..., "trigger".
	Scripts map[string][]byte
	// SkipChecksums leaves out the APK-TOOLS.checksum.SHA1 records.
	SkipChecksums bool
}

// Parts are the three compressed members of a package; Build concatenates
// them. Signature is empty for an unsigned package.
type Parts struct {
	Signature, Control, Data []byte
	Info                     pkginfo.Info // as written to .PKGINFO
}

// Bytes concatenates the members into an .apk.
func (p *Parts) Bytes() []byte {
	out := make([]byte, 0, len(p.Signature)+len(p.Control)+len(p.Data))
	out = append(append(append(out, p.Signature...), p.Control...), p.Data...)
	return out
}

// Build writes a complete .apk, signed by every signer (unsigned when none).
func Build(spec Spec, signers ...Signer) ([]byte, error) {
	p, err := BuildParts(spec, signers...)
	if err != nil {
		return nil, err
	}
	return p.Bytes(), nil
}

// BuildParts is Build returning the members separately, so tests can swap
// or damage one of them.
func BuildParts(spec Spec, signers ...Signer) (*Parts, error) {
	mtime := time.Unix(spec.Info.BuildDate, 0)
	dataTar, installed, err := dataTar(spec, mtime)
	if err != nil {
		return nil, fmt.Errorf("package %s: data member: %w", spec.Info.Name, err)
	}
	p := &Parts{Data: Gzip(dataTar), Info: spec.Info}
	if p.Info.DataHash == "" {
		sum := sha256.Sum256(p.Data)
		p.Info.DataHash = hex.EncodeToString(sum[:])
	}
	if p.Info.InstalledSize == 0 {
		p.Info.InstalledSize = installed
	}
	control, err := controlTar(p.Info.Marshal(), spec.Scripts, mtime)
	if err != nil {
		return nil, fmt.Errorf("package %s: control member: %w", spec.Info.Name, err)
	}
	p.Control = Gzip(control)
	p.Signature, err = signatureMember(p.Control, mtime, signers)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", spec.Info.Name, err)
	}
	return p, nil
}

func dataTar(spec Spec, mtime time.Time) ([]byte, int64, error) {
	files := append([]File(nil), spec.Files...)
	for i := range files {
		if files[i].Type == tar.TypeDir && !strings.HasSuffix(files[i].Name, "/") {
			files[i].Name += "/"
		}
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	var installed int64
	for _, f := range files {
		h := &tar.Header{
			Name:     f.Name,
			Mode:     f.Mode & 07777,
			Uid:      f.Uid,
			Gid:      f.Gid,
			ModTime:  mtime,
			Typeflag: f.Type,
			Linkname: f.Linkname,
			Format:   tar.FormatPAX,
		}
		if h.Mode == 0 {
			h.Mode = defaultMode[f.Type]
		}
		records := map[string]string{}
		switch f.Type {
		case 0, tar.TypeReg:
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.Body))
			installed += h.Size
			records[ChecksumRecord] = sha1Hex(f.Body)
		case tar.TypeSymlink:
			records[ChecksumRecord] = sha1Hex([]byte(f.Linkname))
		case tar.TypeDir, tar.TypeLink:
		default:
			return nil, 0, fmt.Errorf("file %s: unsupported type %q", f.Name, f.Type)
		}
		if spec.SkipChecksums {
			delete(records, ChecksumRecord)
		}
		for k, v := range f.Xattrs {
			records["SCHILY.xattr."+k] = v
		}
		for k, v := range f.PAXRecords {
			records[k] = v
		}
		if len(records) > 0 {
			h.PAXRecords = records
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, 0, fmt.Errorf("file %s: %w", f.Name, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(f.Body); err != nil {
				return nil, 0, fmt.Errorf("file %s: %w", f.Name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, 0, err
	}
	return buf.Bytes(), installed, nil
}

var defaultMode = map[byte]int64{0: 0o644, tar.TypeReg: 0o644, tar.TypeLink: 0o644, tar.TypeDir: 0o755, tar.TypeSymlink: 0o777}

// scriptOrder is the order abuild adds scripts in; others follow, sorted.
var scriptOrder = []string{"pre-install", "post-install", "pre-upgrade", "post-upgrade", "pre-deinstall", "post-deinstall", "trigger"}

func controlTar(pkginfoText []byte, scripts map[string][]byte, mtime time.Time) ([]byte, error) {
	entries := []entry{{name: ".PKGINFO", mode: 0o644, body: pkginfoText}}
	known := map[string]bool{}
	for _, s := range scriptOrder {
		known[s] = true
		if body, ok := scripts[s]; ok {
			entries = append(entries, entry{name: "." + s, mode: 0o755, body: body})
		}
	}
	var extra []string
	for s := range scripts {
		if !known[s] {
			extra = append(extra, s)
		}
	}
	sort.Strings(extra)
	for _, s := range extra {
		entries = append(entries, entry{name: "." + s, mode: 0o755, body: scripts[s]})
	}
	return cutTar(entries, mtime)
}

// entry is one plain file of a control, signature or index tar.
type entry struct {
	name string
	mode int64
	body []byte
}

// cutTar writes entries without the end-of-archive blocks, as apk expects
// of the signature and control members.
func cutTar(entries []entry, mtime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.body)), ModTime: mtime,
			Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("entry %s: %w", e.name, err)
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, fmt.Errorf("entry %s: %w", e.name, err)
		}
	}
	if err := tw.Flush(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Gzip compresses b as one gzip member with a fixed header (no name, zero
// mtime, OS byte 255), so equal input gives equal bytes.
func Gzip(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Header.ModTime = time.Time{}
	zw.Header.Name = ""
	zw.Header.OS = 255
	zw.Write(b) // writes to a bytes.Buffer cannot fail
	zw.Close()
	return buf.Bytes()
}

func sha1Hex(b []byte) string {
	sum := sha1.Sum(b)
	return hex.EncodeToString(sum[:])
}
