package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/atomicfile"
)

// Defaults used when the matching Client field is zero.
const (
	DefaultAttempts = 3
	DefaultTimeout  = 60 * time.Second
	DefaultBackoff  = 500 * time.Millisecond
	// DefaultMinRate is the slowest body accepted, in bytes per second,
	// averaged over each Timeout: a mirror trickling a byte now and then
	// must not hold a download open for ever.
	DefaultMinRate = 1024
)

// Client downloads with retries and mirror fallback. The zero value is
// ready to use with the defaults; a Client is safe for concurrent use.
type Client struct {
	// HTTP sends the requests; nil means http.DefaultClient.
	HTTP *http.Client
	// Attempts is the number of tries per URL for transient failures;
	// zero or less means DefaultAttempts.
	Attempts int
	// Timeout abandons an attempt that makes no progress for this long:
	// no response headers, or no body bytes since the last ones. It is an
	// idle timeout rather than a deadline so that a large package on a slow
	// but working link is not cut off. Zero or less means DefaultTimeout.
	Timeout time.Duration
	// MinRate is the slowest body accepted: each Timeout-long stretch of
	// the body must bring at least MinRate bytes per second of it. Zero
	// means DefaultMinRate, negative means no minimum (only the idle
	// timeout).
	MinRate int64
	// Backoff is the wait before the second attempt on a URL; it doubles
	// after each further failure. Zero means DefaultBackoff, negative means
	// no wait.
	Backoff time.Duration
	// MaxBytes caps the size of a download; zero or less means no cap.
	MaxBytes int64
	// Log, when set, receives one line per failed attempt that is retried.
	Log io.Writer
}

// Result describes a download written by GetToFile.
type Result struct {
	URL    string // the URL that served the file
	Size   int64  // bytes written
	SHA256 string // lower-case hex SHA-256 of the bytes written
}

// Get downloads the first of urls that answers, trying the primary URL and
// then each mirror in order, and returns the whole content. A failure is an
// *Error listing every URL tried, unless ctx ended (then ctx's error).
func (c *Client) Get(ctx context.Context, urls []string) ([]byte, error) {
	s := &bufSink{}
	if _, err := c.get(ctx, urls, s); err != nil {
		return nil, err
	}
	return s.buf.Bytes(), nil
}

// GetToFile downloads like Get but streams into path, hashing on the way,
// so large packages never sit in memory. The content goes to a temporary
// file next to path that is synced and renamed into place only after a
// complete download; on failure nothing is left at path or beside it.
func (c *Client) GetToFile(ctx context.Context, urls []string, path string) (*Result, error) {
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, err
	}
	defer f.Abort()
	s := &fileSink{f: f.File, h: sha256.New()}
	u, err := c.get(ctx, urls, s)
	if err != nil {
		return nil, err
	}
	if err := f.Commit(); err != nil {
		return nil, fmt.Errorf("the download of %s: %w", u, err)
	}
	return &Result{URL: u, Size: s.n, SHA256: hex.EncodeToString(s.h.Sum(nil))}, nil
}

// get runs the mirror and retry loop and returns the URL that succeeded.
func (c *Client) get(ctx context.Context, urls []string, s sink) (string, error) {
	if len(urls) == 0 {
		return "", errors.New("fetch: no URL given: configure at least one repository or key URL")
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	var failures []Failure
	for _, u := range urls {
		f := Failure{URL: u}
		for f.Attempts < attempts {
			if f.Attempts > 0 {
				if err := sleep(ctx, c.backoff(f.Attempts)); err != nil {
					return "", err
				}
			}
			f.Attempts++
			if err := s.reset(); err != nil {
				return "", fmt.Errorf("fetching %s: %w", u, err)
			}
			err := c.attempt(ctx, u, s)
			if err == nil {
				return u, nil
			}
			if ctx.Err() != nil {
				return "", fmt.Errorf("fetching %s: %w", u, ctx.Err())
			}
			f.Err = err
			if isPermanent(err) {
				break
			}
			if c.Log != nil && f.Attempts < attempts {
				fmt.Fprintf(c.Log, "fetch: %s: %v (attempt %d of %d, retrying)\n", u, err, f.Attempts, attempts)
			}
		}
		failures = append(failures, f)
	}
	return "", &Error{Failures: failures}
}

func (c *Client) backoff(done int) time.Duration {
	b := c.Backoff
	if b == 0 {
		b = DefaultBackoff
	}
	if b < 0 {
		return 0
	}
	// Double per failure, but stop doubling well before overflow.
	for i := 1; i < done && i < 10; i++ {
		b *= 2
	}
	return b
}

func (c *Client) timeout() time.Duration {
	if c.Timeout <= 0 {
		return DefaultTimeout
	}
	return c.Timeout
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// attempt makes one try at one URL, writing the content into s.
func (c *Client) attempt(ctx context.Context, u string, s sink) error {
	switch {
	case strings.HasPrefix(u, "file://"):
		return c.attemptFile(strings.TrimPrefix(u, "file://"), s)
	case strings.HasPrefix(u, "http://"), strings.HasPrefix(u, "https://"):
		return c.attemptHTTP(ctx, u, s)
	}
	return permanent{fmt.Errorf("unsupported URL scheme: use http://, https:// or file://")}
}

func (c *Client) attemptFile(path string, s sink) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return notFound{fmt.Errorf("no such file %s", path)}
		}
		return permanent{err}
	}
	defer f.Close()
	n, err := io.Copy(s, c.limit(f))
	if err != nil {
		return permanent{fmt.Errorf("reading %s: %w", path, err)}
	}
	return c.checkSize(n)
}

func (c *Client) limit(r io.Reader) io.Reader {
	if c.MaxBytes <= 0 {
		return r
	}
	return io.LimitReader(r, c.MaxBytes+1)
}

func (c *Client) checkSize(n int64) error {
	if c.MaxBytes > 0 && n > c.MaxBytes {
		return permanent{fmt.Errorf("larger than the limit of %d bytes", c.MaxBytes)}
	}
	return nil
}

// sink receives one attempt's content; reset discards a failed attempt's.
type sink interface {
	io.Writer
	reset() error
}

type bufSink struct{ buf bytes.Buffer }

func (b *bufSink) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufSink) reset() error                { b.buf.Reset(); return nil }

type fileSink struct {
	f *os.File
	h hash.Hash
	n int64
}

func (s *fileSink) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	s.h.Write(p[:n])
	s.n += int64(n)
	return n, err
}

func (s *fileSink) reset() error {
	s.h.Reset()
	s.n = 0
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}
