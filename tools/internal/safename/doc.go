// Package safename decides which package names, versions, file paths and
// owner ids are safe to use. Index records and .PKGINFO name the files the
// lock downloads and the Bazel repositories create, so a name is checked
// where it is parsed, before anything uses it as a path or URL; entry
// paths and owners of a package's data are checked before anything is
// installed. Every reader (verify, lock, layer, index) uses these same
// rules, so the verbs agree on what is refused.
package safename
