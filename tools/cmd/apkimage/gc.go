package main

import (
	"os"
	"runtime/debug"
)

// indexMemoryLimit is the soft memory limit of the verbs that read whole
// indexes; a 5,000-package index peaks near 20 MB.
const indexMemoryLimit = 256 << 20

// indexGC tunes the collector for resolve and lock. Their heap is mostly
// the parsed indexes, which live until the process ends, so collecting at
// every doubling of a young heap is wasted work (about a fifth of resolve's
// CPU time on a 5,000-package index, see BENCHMARKS.md). The collector runs
// at five times the live heap instead, within a soft limit that makes it
// collect more often, not fail, should a huge index come near it. GOGC and
// GOMEMLIMIT in the environment take precedence.
func indexGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(indexMemoryLimit)
	}
}
