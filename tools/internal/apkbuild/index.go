package apkbuild

import (
	"archive/tar"
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkfile"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/pkginfo"
)

// IndexEntry derives the APKINDEX record of a package built by Build (or
// any well-formed .apk): fields from .PKGINFO, C from the control member,
// S from the file size. It does not check the signature.
func IndexEntry(apk []byte) (apkindex.Record, error) {
	members, err := apkfile.SplitMembers(apk, 0)
	if err != nil {
		return apkindex.Record{}, fmt.Errorf("splitting package: %w", err)
	}
	for _, m := range members {
		tr := tar.NewReader(bytes.NewReader(m.Content))
		h, err := tr.Next()
		if err != nil {
			return apkindex.Record{}, fmt.Errorf("package member at offset %d: %w", m.Offset, err)
		}
		if strings.HasPrefix(h.Name, ".SIGN.") {
			continue
		}
		if h.Name != ".PKGINFO" {
			return apkindex.Record{}, fmt.Errorf("package member at offset %d starts with %q, want .PKGINFO", m.Offset, h.Name)
		}
		info, err := pkginfo.Parse(tr)
		if err != nil {
			return apkindex.Record{}, err
		}
		sum := sha1.Sum(m.Compressed)
		r := apkindex.FromInfo(info, "Q1"+base64.StdEncoding.EncodeToString(sum[:]), int64(len(apk)))
		// Indexes as abuild writes them do not carry replaces.
		r.Replaces, r.ReplacesPriority = nil, 0
		return r, nil
	}
	return apkindex.Record{}, fmt.Errorf("package has no control member with .PKGINFO")
}

// BuildIndex writes an APKINDEX.tar.gz: a signature member by every signer
// (none = an unsigned index, which readers must reject), then a complete
// tar with DESCRIPTION and APKINDEX (records in the given order).
func BuildIndex(description string, records []apkindex.Record, signers ...Signer) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(0, 0)
	for _, e := range []entry{
		{name: "DESCRIPTION", mode: 0o644, body: []byte(description)},
		{name: "APKINDEX", mode: 0o644, body: apkindex.Format(records)},
	} {
		h := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.body)), ModTime: mtime,
			Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("index entry %s: %w", e.name, err)
		}
		if _, err := io.Copy(tw, bytes.NewReader(e.body)); err != nil {
			return nil, fmt.Errorf("index entry %s: %w", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("index tar: %w", err)
	}
	body := Gzip(buf.Bytes())
	sig, err := signatureMember(body, mtime, signers)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return append(sig, body...), nil
}
