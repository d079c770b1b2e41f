// Package rootfs reads selected entries of the file system that a stack
// of layers makes, applying OCI whiteouts: what accounts, permission
// changes and user names need to know about the layers below them.
package rootfs
