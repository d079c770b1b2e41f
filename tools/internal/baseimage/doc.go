// Package baseimage reads what the image a layer is stacked on holds: its
// apk database (from the newest layer holding one, as apk would find it in
// the merged root) and, for a base another tool wrote, which of its layers
// holds each package's files, so that the SBOM attributes every package
// to a real layer.
package baseimage
