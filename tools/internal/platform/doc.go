// Package platform is the one table of the target platforms: for each, its
// Bazel platform name, apk architecture, OCI platform, ELF header, musl
// loader name, @platforms cpu constraint, qemu-user emulator and the clang
// target that cross-compiles C for it.
//
// Go code imports the table. Starlark and the shell suites cannot, so
// tools/cmd/platgen writes copies for them (Files lists them) and a test
// fails when a copy differs from what the table generates. Adding a
// platform is one row in All and `make gen`; CONTRIBUTING.md lists the data
// a new architecture needs besides.
package platform
