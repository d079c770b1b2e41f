package apkindex

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// TestParseCompact: records share the index text, so parsing costs a small
// multiple of the text even when a record lists 200,000 one-letter atoms
// (a 6.7 MB index used to take 3.8 GB). SECURITY.md, "The resolver".
func TestParseCompact(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\nP:pkg%d\nV:1.%d-r0\nA:x86_64\nS:1000\nI:2000\nT:package number %d\nU:https://example.org/\nL:MIT\nD:so:libc.musl-x86_64.so.1 pkg%d\np:cmd:pkg%d=1\n\n", i, i, i, i/2, i)
	}
	b.WriteString("P:wide\nV:1\nD:" + strings.Repeat("a ", 200000) + "\n")
	text := b.String()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	recs, err := ParseText(text)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5001 || len(recs[5000].Depends) != 200000 || recs[4999].Depends[1] != "pkg2499" {
		t.Fatalf("parsed %d records, the last with %d depends", len(recs), len(recs[len(recs)-1].Depends))
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if limit := uint64(6 * len(text)); alloc > limit {
		t.Errorf("parsing %d bytes allocated %d (%.1f× the text), want at most 6×", len(text), alloc, float64(alloc)/float64(len(text)))
	}
	t.Logf("%d bytes of text, %d allocated (%.1f×)", len(text), alloc, float64(alloc)/float64(len(text)))
}
