package apkindex

import (
	"strconv"
	"testing"
)

// BenchmarkParseText parses an index of 5,000 records with every numeric
// field and dependency lists set, about the size of Alpine's main/x86_64.
func BenchmarkParseText(b *testing.B) {
	recs := make([]Record, 5000)
	for i := range recs {
		n := strconv.Itoa(i)
		recs[i] = Record{Checksum: "Q1" + n, Name: "pkg" + n, Version: "1." + n + "-r0", Arch: "x86_64",
			Size: int64(1000 + i), InstalledSize: int64(4096 + i), Description: "package " + n,
			URL: "https://example.invalid/" + n, License: "MIT", Origin: "pkg" + n, BuildTime: 1700000000,
			ProviderPriority: 10, HasPriority: true, ReplacesPriority: 1,
			Depends: []string{"so:libc.musl-x86_64.so.1", "pkg0>=1"}, Provides: []string{"cmd:pkg" + n + "=1." + n + "-r0"}}
	}
	text := string(Format(recs))
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := ParseText(text)
		if err != nil || len(got) != len(recs) {
			b.Fatalf("ParseText: %d records, %v", len(got), err)
		}
	}
}
