package gzipx

import (
	"bytes"
	"sync"

	"github.com/klauspost/compress/flate"
)

// writers recycles compressors: each holds about a megabyte of tables, and
// allocating one per block would keep the garbage collector busy.
var writers = sync.Pool{New: func() interface{} {
	fw, _ := flate.NewWriter(nil, Level) // Level is a valid constant
	return fw
}}

// deflateBlock compresses in as raw deflate primed with dict. A non-final
// block ends with a sync flush (an empty stored block), so it stops on a
// byte boundary and the next block's bytes can follow it directly; the
// final block ends with a block marked final.
func deflateBlock(out *bytes.Buffer, dict, in []byte, final bool) error {
	fw := writers.Get().(*flate.Writer)
	defer writers.Put(fw)
	fw.ResetDict(out, dict)
	if _, err := fw.Write(in); err != nil {
		return err
	}
	if final {
		return fw.Close()
	}
	return fw.Flush()
}
