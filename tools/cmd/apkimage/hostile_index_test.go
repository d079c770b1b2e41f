package main

import (
	"archive/tar"
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// hSignedIndex is an APKINDEX.tar.gz whose index member is member (gzip
// compressed) with a valid signature by the repository's key over it,
// named keyName.
func (e *hEnv) hSignedIndex(t *testing.T, keyName string, member []byte) []byte {
	t.Helper()
	sum := sha1.Sum(member)
	sig, err := rsa.SignPKCS1v15(rand.Reader, e.repo.Signer.Key, crypto.SHA1, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	var st bytes.Buffer
	tw := tar.NewWriter(&st)
	tw.WriteHeader(&tar.Header{Name: ".SIGN.RSA." + keyName, Mode: 0o644, Size: int64(len(sig)), Format: tar.FormatUSTAR})
	tw.Write(sig)
	tw.Flush() // no end blocks: the index member continues the tar
	return append(apkbuild.Gzip(st.Bytes()), member...)
}

// hIndexTar writes the entries of an index member; bodies by name.
func hIndexTar(t *testing.T, hdrs ...tar.Header) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, h := range hdrs {
		h := h
		body := h.Linkname
		if h.Typeflag == tar.TypeReg {
			h.Linkname, h.Size = "", int64(len(body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			tw.Write([]byte(body))
		}
	}
	tw.Close()
	return b.Bytes()
}

// TestHostileIndex: indexes signed by the trusted key whose structure or
// records are hostile. Every one is refused by the lock verb (and by the
// index and resolve verbs, which share apkindex.Read).
func TestHostileIndex(t *testing.T) {
	reg := func(name, body string) tar.Header {
		return tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Linkname: body}
	}
	const prefix = "apkimage lock: x86_64: index "
	const suffix = "check the keyring URLs against the repository's signing keys"
	runHostile(t, []hCase{
		{"two APKINDEX entries", func(t *testing.T, e *hEnv) ([]string, []string) {
			text := string(apkindex.Format(e.repo.Records(t, "x86_64")))
			e.repo.Set("main/x86_64/APKINDEX.tar.gz", e.hSignedIndex(t, locktest.KeyName, apkbuild.Gzip(hIndexTar(t,
				reg("DESCRIPTION", "d"), reg("APKINDEX", text), reg("APKINDEX", "C:Q1\nP:evil\nV:1-r0\n")))))
			return e.lockArgs(t, "", []string{"hello"}), []string{prefix + e.URL + "/main/x86_64/APKINDEX.tar.gz: index member: " +
				"APKINDEX appears twice; an index has one, so this one is damaged or hostile; " + suffix}
		}},
		{"APKINDEX is a symlink", func(t *testing.T, e *hEnv) ([]string, []string) {
			e.repo.Set("main/x86_64/APKINDEX.tar.gz", e.hSignedIndex(t, locktest.KeyName, apkbuild.Gzip(hIndexTar(t,
				reg("DESCRIPTION", "d"), tar.Header{Name: "APKINDEX", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}))))
			return e.lockArgs(t, "", []string{"hello"}), []string{prefix + e.URL + "/main/x86_64/APKINDEX.tar.gz: index member: " +
				"APKINDEX is not a regular file (tar type '2'); the index is damaged or hostile"}
		}},
		{"APKINDEX is a sparse file", func(t *testing.T, e *hEnv) ([]string, []string) {
			sparse := apkbuild.SparseTar(apkbuild.SparsePAX, "APKINDEX", 1<<62)
			e.repo.Set("main/x86_64/APKINDEX.tar.gz", e.hSignedIndex(t, locktest.KeyName, apkbuild.Gzip(sparse)))
			return e.lockArgs(t, "", []string{"hello"}), []string{prefix + e.URL + "/main/x86_64/APKINDEX.tar.gz: index member: " +
				"APKINDEX: sparse file (GNU sparse header)"}
		}},
		{"record named as a path", func(t *testing.T, e *hEnv) ([]string, []string) {
			recs := e.repo.Records(t, "x86_64")
			recs[1].Name = "../../../../tmp/evil"
			e.repo.SetIndex(t, "x86_64", recs, e.repo.Signer)
			return e.lockArgs(t, "", []string{"hello"}), []string{prefix + e.URL + "/main/x86_64/APKINDEX.tar.gz: APKINDEX line ",
				`field P: package name "../../../../tmp/evil" contains ".."; ` + suffix}
		}},
		{"version with a slash", func(t *testing.T, e *hEnv) ([]string, []string) {
			recs := e.repo.Records(t, "x86_64")
			recs[1].Version = "2.12-r1/../../x"
			e.repo.SetIndex(t, "x86_64", recs, e.repo.Signer)
			return e.lockArgs(t, "", []string{"hello"}), []string{"APKINDEX line ", `field V: version "2.12-r1/../../x" contains ".."`}
		}},
		{"signature names a key that is not a file name", func(t *testing.T, e *hEnv) ([]string, []string) {
			member := apkbuild.Gzip(hIndexTar(t, reg("APKINDEX", string(apkindex.Format(e.repo.Records(t, "x86_64"))))))
			e.repo.Set("main/x86_64/APKINDEX.tar.gz", e.hSignedIndex(t, "../"+locktest.KeyName, member))
			return e.lockArgs(t, "", []string{"hello"}), []string{prefix + e.URL + "/main/x86_64/APKINDEX.tar.gz: signature member: " +
				`signature entry ".SIGN.RSA.../` + locktest.KeyName + `": key name "../` + locktest.KeyName + `" is not a plain file name`}
		}},
	})
}
