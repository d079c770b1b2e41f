package gzipx

import "encoding/binary"

// testInput returns n deterministic bytes that look like a layer: runs of
// text-like words (compressible) alternating with random bytes. It uses its
// own generator so the bytes never depend on a Go version.
func testInput(n int) []byte {
	words := []string{"musl", "libc", "/usr/lib/", "static", "const ", "return", "0x00",
		"\n", "\t", "func ", "apk", "layer", " = ", "{}", "alpine", "x86_64"}
	out := make([]byte, 0, n)
	s := uint64(0x9e3779b97f4a7c15)
	next := func() uint64 { // SplitMix64
		s += 0x9e3779b97f4a7c15
		z := s
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		return z ^ (z >> 31)
	}
	var word [8]byte
	for len(out) < n {
		run := int(next()%(64<<10)) + 1
		if next()%4 == 0 { // a quarter of the runs are incompressible
			for i := 0; i < run && len(out) < n; i += 8 {
				binary.LittleEndian.PutUint64(word[:], next())
				out = append(out, word[:]...)
			}
			continue
		}
		for i := 0; i < run && len(out) < n; {
			w := words[next()%uint64(len(words))]
			out = append(out, w...)
			i += len(w)
		}
	}
	return out[:n]
}
