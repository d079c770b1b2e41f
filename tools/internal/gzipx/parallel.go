package gzipx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"sync"
)

// BlockSize is the amount of input compressed as one independent deflate
// run. It is part of the output format: every split point, and so every
// byte of the stream, depends on it, never on the number of workers or on
// how the input was cut into Write calls.
const BlockSize = 1 << 20

// dictSize is deflate's window: each block is primed with this much of the
// input before it, so the split costs almost no compression ratio.
const dictSize = 32 << 10

// Options tune a Writer. None of them change the output bytes.
type Options struct {
	// Workers is the number of blocks compressed at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// header is the fixed gzip header: deflate, no flags, mtime 0, no extra
// flags, OS 255.
var header = [10]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, osUnknown}

// Writer is a deterministic parallel gzip writer. Input is cut into
// BlockSize blocks, compressed concurrently, and written in order. At most
// 2×Workers+1 blocks are held at once (about 2 MiB each with their output),
// whatever the length of the input. Close must be called to flush the last
// block and the trailer; it does not close the underlying writer. A Writer
// is not safe for concurrent use.
type Writer struct {
	w       io.Writer
	workers int
	sem     chan struct{} // limits blocks being compressed at once
	pending []*block      // submitted blocks in input order, not yet written
	buf     []byte        // the block being filled
	dict    []byte        // the last dictSize bytes before buf
	crc     uint32
	size    int64
	started bool // header written
	closed  bool
	err     error // sticky: the first failure
}

// block is one unit of work: its input, its dictionary and, once done is
// closed, its compressed bytes or error.
type block struct {
	in, dict []byte
	final    bool
	out      bytes.Buffer
	err      error
	done     chan struct{}
}

// NewWriter returns a deterministic gzip writer on top of w that uses all
// available processors.
func NewWriter(w io.Writer) *Writer { return NewWriterOptions(w, Options{}) }

// NewWriterOptions is NewWriter with options.
func NewWriterOptions(w io.Writer, opt Options) *Writer {
	n := opt.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return &Writer{w: w, workers: n, sem: make(chan struct{}, n)}
}

// maxPending bounds memory: blocks submitted but not yet written. Two per
// worker keeps every worker busy while the oldest block is being written.
func (z *Writer) maxPending() int { return 2*z.workers + 1 }

// Write buffers p and hands every full block to a worker. It blocks when
// too many blocks are in flight.
func (z *Writer) Write(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if z.closed {
		return 0, fmt.Errorf("gzipx: write after close")
	}
	z.crc = crc32.Update(z.crc, crc32.IEEETable, p)
	z.size += int64(len(p))
	n := len(p)
	for len(p) > 0 {
		// A full block is submitted only once more input arrives, so the
		// last block of the stream is always the one Close finishes.
		if len(z.buf) == BlockSize {
			if err := z.submit(false); err != nil {
				return 0, err
			}
		}
		if z.buf == nil {
			z.buf = getBuf()
		}
		k := copy(z.buf[len(z.buf):BlockSize], p)
		z.buf = z.buf[:len(z.buf)+k]
		p = p[k:]
	}
	return n, nil
}

// Close compresses the last block as the final one, writes everything
// still pending and the trailer (CRC-32 and size modulo 2^32).
func (z *Writer) Close() error {
	if z.closed {
		return z.err
	}
	z.closed = true
	if z.err != nil {
		z.drain(0)
		return z.err
	}
	if err := z.submit(true); err != nil {
		return err
	}
	if err := z.drain(0); err != nil {
		return err
	}
	var trailer [8]byte
	binary.LittleEndian.PutUint32(trailer[:4], z.crc)
	binary.LittleEndian.PutUint32(trailer[4:], uint32(z.size))
	return z.write(trailer[:])
}

// submit starts compressing the current buffer and waits for old blocks
// while too many are pending.
func (z *Writer) submit(final bool) error {
	b := &block{in: z.buf, dict: z.dict, final: final, done: make(chan struct{})}
	if !final {
		// The next block's dictionary; copied because b.in goes back to the
		// pool once written.
		z.dict = append([]byte(nil), b.in[len(b.in)-dictSize:]...)
	}
	z.buf = nil
	z.pending = append(z.pending, b)
	go func() {
		z.sem <- struct{}{}
		b.err = deflateBlock(&b.out, b.dict, b.in, b.final)
		<-z.sem
		close(b.done)
	}()
	return z.drain(z.maxPending() - 1)
}

// drain writes finished blocks in order until at most keep are pending.
// After a failure it still waits for every pending block, so no goroutine
// outlives the Writer.
func (z *Writer) drain(keep int) error {
	for len(z.pending) > keep {
		b := z.pending[0]
		<-b.done
		z.pending[0] = nil
		z.pending = z.pending[1:]
		if z.err == nil && b.err != nil {
			z.err = fmt.Errorf("gzipx: compressing: %w", b.err)
		}
		if z.err == nil {
			z.err = z.write(b.out.Bytes())
		}
		putBuf(b.in)
	}
	return z.err
}

// write writes the header first if needed; errors are sticky.
func (z *Writer) write(p []byte) error {
	if z.err != nil {
		return z.err
	}
	if !z.started {
		z.started = true
		if _, err := z.w.Write(header[:]); err != nil {
			z.err = err
			return err
		}
	}
	if _, err := z.w.Write(p); err != nil {
		z.err = err
	}
	return z.err
}

// bufPool recycles block buffers; they are the bulk of the memory in use.
// It holds array pointers, so that Put does not allocate a slice header.
var bufPool = sync.Pool{New: func() interface{} { return new([BlockSize]byte) }}

func getBuf() []byte { return bufPool.Get().(*[BlockSize]byte)[:0] }

func putBuf(b []byte) {
	if cap(b) == BlockSize {
		bufPool.Put((*[BlockSize]byte)(b[:BlockSize]))
	}
}
