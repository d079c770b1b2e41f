// Package stablejson writes the JSON files whose bytes feed a digest or a
// golden file: the lock, the SBOMs, the layer metadata and the provenance.
//
// Marshal is encoding/json with two-space indentation, a trailing newline
// and no HTML escaping: URLs, version atoms and SPDX expressions hold '&',
// '<' and '>', which stay as written instead of becoming \u0026 and the
// like. Map keys come out sorted and struct fields in declared order, as
// encoding/json always does, so the same value gives the same bytes.
// Changing any of this changes every SBOM, provenance and lock on disk.
package stablejson
