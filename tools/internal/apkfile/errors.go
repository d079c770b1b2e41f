package apkfile

import (
	"errors"
	"fmt"
)

// Member names used in errors.
const (
	MemberSignature = "signature"
	MemberControl   = "control"
	MemberData      = "data"
)

// Error is any failure reading a package: it names the file, the member
// and, when there is one, the entry. Unwrap to the cause: keyring's
// *UntrustedError, *BadSignatureError or ErrUnsigned, *ChecksumError,
// *ExpandError, *NameError, ErrTrailingData, io.ErrUnexpectedEOF, ...
type Error struct {
	File   string // package file name as given to Open
	Member string // MemberSignature, MemberControl or MemberData
	Entry  string // tar entry, if the failure concerns one
	Err    error
}

func (e *Error) Error() string {
	if e.Entry != "" {
		return fmt.Sprintf("%s: %s member: entry %q: %v", e.File, e.Member, e.Entry, e.Err)
	}
	return fmt.Sprintf("%s: %s member: %v", e.File, e.Member, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ChecksumError means content does not match the digest the package
// records for it: a file's APK-TOOLS.checksum.SHA1, or (Entry empty) the
// data member's datahash.
type ChecksumError struct {
	Entry     string
	Want, Got string
}

func (e *ChecksumError) Error() string {
	if e.Entry == "" {
		return fmt.Sprintf("data member SHA-256 is %s, .PKGINFO datahash says %s: the package was altered or damaged; re-download it", e.Got, e.Want)
	}
	return fmt.Sprintf("content SHA-1 is %s, its APK-TOOLS.checksum.SHA1 record says %s: the package was altered or damaged; re-download it", e.Got, e.Want)
}

// NameError is an entry name (or hardlink target) that could escape the
// root it is installed into or is not in canonical form.
type NameError struct {
	Name   string
	Reason string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("unsafe entry name %q: %s; refusing to install this package", e.Name, e.Reason)
}

// ErrNoDataHash is a control member without datahash: the old format
// whose signature covers control and data together, which is not supported.
var ErrNoDataHash = errors.New(".PKGINFO has no datahash (pre-2.x package format, not supported): rebuild the package with a current abuild")
