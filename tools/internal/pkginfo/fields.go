package pkginfo

import (
	"fmt"
	"strconv"
)

// The value syntax .PKGINFO and APKINDEX share: apk writes the same fields
// (sizes, build time, priorities) in both, so both readers parse them here.

// NonNegative parses a decimal integer that fits in bits bits and is not
// negative (sizes, build times, priorities). The error quotes s, clipped.
func NonNegative(s string, bits int) (int64, error) {
	n, err := strconv.ParseInt(s, 10, bits)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a non-negative %d-bit integer", Clip(s), bits)
	}
	return n, nil
}

// Priority parses a provider or replaces priority: a NonNegative of 32
// bits.
func Priority(s string) (int, error) {
	n, err := NonNegative(s, 32)
	return int(n), err
}

// Clip shortens s to 80 bytes for an error message, so that a hostile
// megabyte-long line is not echoed whole.
func Clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
