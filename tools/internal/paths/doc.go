// Package paths writes small deterministic tar layers of declared entries:
// directories, empty files, symlinks, hard links, and re-owned or
// re-moded copies of entries of lower layers (accounts, permissions).
//
// An Entry list is sorted by path and written as USTAR headers with a
// fixed mtime, no user or group names and no PAX records, so equal inputs
// give equal bytes on every machine. Missing parent directories are added
// 0755 root:root unless the caller says they exist in a lower layer.
package paths
