package apkbuild

import (
	"bytes"
	"fmt"
)

// Sparse forms that archive/tar reads but will not write, for hostile
// inputs: each tar holds one file name of logical size bytes of which only
// the last byte is stored; a reader that honours the holes yields size
// bytes from about two kilobytes of tar.
const (
	SparsePAX = "pax" // PAX GNU.sparse.* records (format 1.0), type '0'
	SparseGNU = "gnu" // old GNU header, type 'S'
)

// SparseTar returns an uncompressed tar holding one sparse file in the
// given form (SparsePAX or SparseGNU; nil for another), with the
// end-of-archive blocks.
func SparseTar(form, name string, size int64) []byte {
	var b bytes.Buffer
	switch form {
	case SparsePAX:
		recs := paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0") +
			paxRecord("GNU.sparse.name", name) + paxRecord("GNU.sparse.realsize", fmt.Sprint(size))
		b.Write(header("PaxHeaders/"+name, 'x', int64(len(recs)), nil))
		b.Write(pad([]byte(recs)))
		// The sparse map (entries, then offset and length of each) leads
		// the data, padded to a block; then the stored byte.
		data := pad([]byte(fmt.Sprintf("1\n%d\n1\n", size-1)))
		data = append(data, 'x')
		b.Write(header("GNUSparseFile.0/"+name, '0', int64(len(data)), nil))
		b.Write(pad(data))
	case SparseGNU:
		b.Write(header(name, 'S', 1, func(h []byte) {
			copy(h[257:265], "ustar  \x00") // GNU magic and version
			octal(h[386:398], size-1)       // first sparse entry: offset
			octal(h[398:410], 1)            // and length
			octal(h[483:495], size)         // real size
		}))
		b.Write(pad([]byte{'x'}))
	default:
		return nil
	}
	b.Write(make([]byte, 1024))
	return b.Bytes()
}

func paxRecord(k, v string) string {
	rec := " " + k + "=" + v + "\n"
	n := len(rec)
	for {
		s := fmt.Sprint(n) + rec
		if len(s) == n {
			return s
		}
		n = len(s)
	}
}

// header is a USTAR header block; edit changes it before the checksum.
func header(name string, typ byte, size int64, edit func([]byte)) []byte {
	h := make([]byte, 512)
	copy(h[0:100], name)
	octal(h[100:108], 0o644)
	octal(h[108:116], 0)
	octal(h[116:124], 0)
	octal(h[124:136], size)
	octal(h[136:148], 1700000000)
	h[156] = typ
	copy(h[257:265], "ustar\x0000")
	if edit != nil {
		edit(h)
	}
	SetHeaderChecksum(h)
	return h
}

// SetHeaderChecksum recomputes the checksum of a 512-byte tar header block
// after its fields were edited, so the block stays a valid header.
func SetHeaderChecksum(h []byte) {
	copy(h[148:156], "        ")
	var sum int64
	for _, c := range h[:512] {
		sum += int64(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
}

func octal(field []byte, n int64) {
	copy(field, fmt.Sprintf("%0*o\x00", len(field)-1, n))
}

func pad(b []byte) []byte {
	if r := len(b) % 512; r != 0 {
		b = append(b, make([]byte, 512-r)...)
	}
	return b
}
