// Package provenance writes in-toto SLSA provenance (v1) for images built
// from a lock file: the build's inputs are the lock's packages, each with
// the SHA-256 the lock pins, and the lock file itself; the builder is this
// rule set at its version; the external parameters are the Bazel target and
// its platforms. Nothing time- or host-dependent goes in, so the same lock,
// target and version give the same bytes.
package provenance
