// Package stamp turns Bazel's workspace status files into OCI annotations.
//
// Without status files (no --stamp), the annotations are fixed values that
// follow from the inputs: org.opencontainers.image.created is the image's
// fixed creation time and nothing else is added. With them, each annotation
// takes the value of its status key (BUILD_TIMESTAMP for created, the
// BUILD_SCM_* keys that tools/workspace_status.sh writes for the others).
package stamp
