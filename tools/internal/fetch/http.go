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
	if hc.CheckRedirect == nil {
		copied := *hc
		copied.CheckRedirect = checkRedirect
		hc = &copied
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newWatchdog(c.timeout(), c.minChunk(), cancel)
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
			if got := w.window(); got > 0 && !w.idle() {
				return fmt.Errorf("too slow: %d bytes in the last %s after %d bytes, below the minimum of %d bytes in %s", got, w.d, n, w.chunk, w.d)
			}
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

// checkRedirect follows at most 10 redirects, only to http or https, and
// never from https down to http: a redirect must not strip TLS from a
// download the configuration asked to be encrypted.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return permanent{errors.New("stopped after 10 redirects")}
	}
	to := req.URL
	if to.Scheme != "http" && to.Scheme != "https" {
		return permanent{fmt.Errorf("refusing the redirect to %s: only http and https are followed", to.Redacted())}
	}
	for _, r := range via {
		if r.URL.Scheme == "https" && to.Scheme == "http" {
			return permanent{fmt.Errorf("refusing the redirect from %s to %s: it would drop TLS; fix the URL or the server", r.URL.Redacted(), to.Redacted())}
		}
	}
	return nil
}

// minChunk is the number of bytes each Timeout must bring (0: any byte).
func (c *Client) minChunk() int64 {
	rate := c.MinRate
	if rate == 0 {
		rate = DefaultMinRate
	}
	if rate < 0 {
		return 1
	}
	if n := int64(float64(rate) * c.timeout().Seconds()); n > 1 {
		return n
	}
	return 1
}

// watchdog cancels an attempt that brings fewer than chunk bytes in d: no
// progress at all, or a trickle.
type watchdog struct {
	d      time.Duration
	chunk  int64
	t      *time.Timer
	got    int64 // bytes since the timer was last reset
	last   int64 // UnixNano of the last bytes
	status int32
}

func newWatchdog(d time.Duration, chunk int64, cancel func()) *watchdog {
	w := &watchdog{d: d, chunk: chunk, last: time.Now().UnixNano()}
	w.t = time.AfterFunc(d, func() {
		atomic.StoreInt32(&w.status, 1)
		cancel()
	})
	return w
}

// add counts n bytes and resets the timer once a chunk has arrived.
func (w *watchdog) add(n int) {
	atomic.StoreInt64(&w.last, time.Now().UnixNano())
	if atomic.AddInt64(&w.got, int64(n)) >= w.chunk && !w.fired() {
		atomic.StoreInt64(&w.got, 0)
		w.t.Reset(w.d)
	}
}

func (w *watchdog) window() int64 { return atomic.LoadInt64(&w.got) }

// idle tells a stall from a trickle: nothing came for half the timeout.
func (w *watchdog) idle() bool {
	return time.Since(time.Unix(0, atomic.LoadInt64(&w.last))) >= w.d/2
}
func (w *watchdog) stop()       { w.t.Stop() }
func (w *watchdog) fired() bool { return atomic.LoadInt32(&w.status) == 1 }

// progressReader feeds the watchdog whenever bytes arrive.
type progressReader struct {
	r io.Reader
	w *watchdog
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.w.add(n)
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
