// Package image writes OCI image layouts: a single-platform image from
// layers and a config (WriteLayout), and a multi-platform index from several
// such layouts (MergeIndex).
//
// The JSON is written here from go-containerregistry's v1 types rather than
// through its mutate and layout packages, so that no default of theirs (Docker
// media types, wall-clock times, concurrent writes) can reach the output:
// every byte follows from the inputs. Only OCI media types are emitted; a
// base image's Docker gzip layers are relabelled with the equivalent OCI type
// (same bytes, same digest).
//
// Outputs are built in a temporary sibling directory and renamed into place,
// so a failure leaves no partial layout behind.
package image
