package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

func (c *Client) attemptHTTP(ctx context.Context, u string, s sink) error {
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newWatchdog(c.timeout(), cancel)
	defer w.stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return permanent{fmt.Errorf("bad URL: %w", err)}
	}
	// Ask for the bytes as stored: a server that gzips on the fly would
	// otherwise have the transport hand back different bytes than the
	// file whose checksum the lock records.
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := hc.Do(req)
	if err != nil {
		if w.fired() {
			return fmt.Errorf("no response within %s", w.d)
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// Drain a little so the connection can be reused.
		io.CopyN(io.Discard, resp.Body, 4096)
		return statusError(resp)
	}
	if c.MaxBytes > 0 && resp.ContentLength > c.MaxBytes {
		return permanent{fmt.Errorf("Content-Length %d is larger than the limit of %d bytes", resp.ContentLength, c.MaxBytes)}
	}
	n, err := io.Copy(s, c.limit(&progressReader{r: resp.Body, w: w}))
	if err != nil {
		if w.fired() {
			return fmt.Errorf("stalled: no data for %s after %d bytes", w.d, n)
		}
		return fmt.Errorf("reading the body after %d bytes: %w", n, err)
	}
	if err := c.checkSize(n); err != nil {
		return err
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("short body: got %d of %d bytes", n, resp.ContentLength)
	}
	return nil
}

func statusError(resp *http.Response) error {
	err := fmt.Errorf("HTTP %s", resp.Status)
	switch code := resp.StatusCode; {
	case code == http.StatusNotFound || code == http.StatusGone:
		return notFound{err}
	case code == http.StatusRequestTimeout || code == http.StatusTooManyRequests:
		return err
	case code >= 400 && code < 500:
		return permanent{err}
	case code >= 300 && code < 400:
		// Redirects are followed by the client; one that arrives here had
		// no usable Location and will not improve on retry.
		return permanent{err}
	}
	return err
}

// watchdog cancels an attempt that has made no progress for d.
type watchdog struct {
	d      time.Duration
	t      *time.Timer
	status int32
}

func newWatchdog(d time.Duration, cancel func()) *watchdog {
	w := &watchdog{d: d}
	w.t = time.AfterFunc(d, func() {
		atomic.StoreInt32(&w.status, 1)
		cancel()
	})
	return w
}

func (w *watchdog) kick()       { w.t.Reset(w.d) }
func (w *watchdog) stop()       { w.t.Stop() }
func (w *watchdog) fired() bool { return atomic.LoadInt32(&w.status) == 1 }

// progressReader resets the watchdog whenever bytes arrive.
type progressReader struct {
	r io.Reader
	w *watchdog
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 && !p.w.fired() {
		p.w.kick()
	}
	return n, err
}

// permanent marks a failure that retrying the same URL cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// notFound is a permanent failure saying the URL has no such file.
type notFound struct{ err error }

func (n notFound) Error() string { return n.err.Error() }
func (n notFound) Unwrap() error { return n.err }

func isPermanent(err error) bool {
	var p permanent
	var nf notFound
	return errors.As(err, &p) || errors.As(err, &nf)
}
