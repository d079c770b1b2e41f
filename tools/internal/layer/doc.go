// Package layer merges verified Alpine packages into the root file system
// of one container layer and writes it as a single reproducible,
// uncompressed tar stream. The caller compresses and hashes the stream.
//
// # The merged tree
//
// Packages are applied in install order. Entries keep the packages' modes
// (including setuid, setgid and sticky bits), owners, symlinks, hardlinks
// and SCHILY.xattr.* extended attributes. Character and block devices and
// FIFOs are kept as the signed package ships them, with their device
// numbers: a package is trusted once its signature verified, and dropping
// nodes silently would make the image differ from an apk install.
//
// Parent directories a package does not ship are created 0755 root:root.
// The same directory from several packages is not a conflict: the first
// explicit entry's metadata is kept. Two packages installing the same
// non-directory path follow apk-tools' apk_pkg_replaces_file: a side whose
// replaces= names the other (name and version constraint) counts with its
// replaces_priority; the earlier package keeps the file if it counts more,
// the later one takes it if it replaces the earlier or both have the same
// origin, and anything else is a *ConflictError. A directory against a
// non-directory is always a conflict. The installed database lists a file
// under the package that kept it.
//
// Nothing is written outside the root: names with ".." components, absolute
// names, entries whose parent in the merged tree is a symlink, symlinks
// whose target climbs above "/" and hardlinks to anything but an earlier
// regular file are rejected with an *UnsafePathError. Absolute symlink
// targets such as /lib/ld-musl-x86_64.so.1 are normal and kept as they are.
//
// # The output
//
// Entries are sorted by the byte order of their tar names (directories end
// in "/", no leading "./" and no entry for the root itself). Every entry
// gets Options.MTime, uid/gid from the package, empty user and group names,
// no access or change times. The USTAR format is used unless a header
// needs PAX (long or non-ASCII names, large ids, extended attributes); the
// packages' APK-TOOLS.checksum.SHA1 records are never copied. Hardlinked
// files are written as one regular file, the first name in sort order, and
// hardlinks to it, so an extractor always meets the target first.
//
// # What is added besides package files
//
//   - /lib/apk/db/installed, /lib/apk/db/scripts.tar, /lib/apk/db/triggers:
//     the apk database, so apk and scanners such as syft see an installed
//     system. Its a: and M: lines carry the checksum of an entry's xattrs
//     as apk writes it. A package that ships a file below lib/apk/db is rejected.
//   - /etc/apk/world (sorted), /etc/apk/repositories, /etc/apk/arch (when
//     Options.Arch is set) and /etc/apk/keys/<name>. These replace a file of
//     the same name shipped by a package, because they describe the
//     configuration the image was built with; the installed database still
//     records the package's own checksum for it, as apk would.
//   - Options.Accounts are appended to /etc/passwd and /etc/group (created
//     when no package ships them) and their home directories are created
//     0755, owned by the account, unless they already exist.
//   - /tmp (1777), /proc (0555) and /dev (0755), as apko does, when no
//     package ships them, so a runtime has its mount points.
//
// Install scripts are not run; they are stored in scripts.tar only.
//
// # Resources and failure
//
// File contents are spooled and read back in sorted order, so memory grows
// with the number of entries, not their size: up to 1 MiB of contents stays
// in memory, and beyond that the same 1 MiB becomes the write buffer of one
// temporary file (removed before Write returns). If Write returns an error,
// whatever it wrote to w is incomplete and must be discarded.
package layer
