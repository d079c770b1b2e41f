package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// server answers each request with the next handler of its script; the
// last one repeats. It counts requests per path.
type server struct {
	mu     sync.Mutex
	script []http.HandlerFunc
	hits   int
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := s.hits
	if i >= len(s.script) {
		i = len(s.script) - 1
	}
	s.hits++
	h := s.script[i]
	s.mu.Unlock()
	h(w, r)
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits
}

func body(s string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "identity" {
			http.Error(w, "want Accept-Encoding: identity", http.StatusBadRequest)
			return
		}
		w.Write([]byte(s))
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Error(w, "nope", code) }
}

// resetMidBody promises 1000 bytes, sends 5 and drops the connection.
func resetMidBody(w http.ResponseWriter, r *http.Request) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello")
	buf.Flush()
	conn.Close()
}

// stall sends headers and a few bytes, then nothing until the client
// gives up.
func stall(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "100")
	w.Write([]byte("abc"))
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

// trickle promises 100 bytes and sends one every 20 ms: progress that never
// stalls, too slow to finish in reasonable time.
func trickle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "100")
	for i := 0; i < 100; i++ {
		if _, err := w.Write([]byte{'x'}); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func newServer(t *testing.T, script ...http.HandlerFunc) (*server, string) {
	s := &server{script: script}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL + "/x/APKINDEX.tar.gz"
}

func testClient() *Client {
	return &Client{Attempts: 3, Backoff: time.Millisecond, Timeout: 2 * time.Second}
}

func TestGet(t *testing.T) {
	tests := []struct {
		name      string
		primary   []http.HandlerFunc
		mirror    []http.HandlerFunc // nil: no mirror
		want      string
		wantHits  []int    // requests to primary, mirror
		wantErr   []string // substrings of the error, in order
		notFound  bool
		maxBytes  int64
		clientMod func(*Client)
	}{
		{name: "ok", primary: []http.HandlerFunc{body("payload")}, want: "payload", wantHits: []int{1}},
		{name: "404 then mirror", primary: []http.HandlerFunc{status(404)}, mirror: []http.HandlerFunc{body("mirrored")},
			want: "mirrored", wantHits: []int{1, 1}},
		{name: "500 then success", primary: []http.HandlerFunc{status(500), status(503), body("third time")},
			want: "third time", wantHits: []int{3}},
		{name: "500 forever", primary: []http.HandlerFunc{status(500)},
			wantHits: []int{3}, wantErr: []string{"/x/APKINDEX.tar.gz: HTTP 500 Internal Server Error (3 attempts)", "check the URL and the network, or add a mirror"}},
		{name: "500 forever then 404 mirror", primary: []http.HandlerFunc{status(500)}, mirror: []http.HandlerFunc{status(404)},
			wantHits: []int{3, 1}, wantErr: []string{"HTTP 500 Internal Server Error (3 attempts); ", "HTTP 404 Not Found (1 attempt); check the URL and the network"}},
		{name: "404 everywhere", primary: []http.HandlerFunc{status(404)}, mirror: []http.HandlerFunc{status(410)},
			wantHits: []int{1, 1}, notFound: true, wantErr: []string{"HTTP 404 Not Found (1 attempt)", "HTTP 410 Gone (1 attempt)", "the file is not there"}},
		{name: "403 is not retried", primary: []http.HandlerFunc{status(403)}, wantHits: []int{1}, wantErr: []string{"HTTP 403 Forbidden (1 attempt)"}},
		{name: "429 is retried", primary: []http.HandlerFunc{status(429), body("ok")}, want: "ok", wantHits: []int{2}},
		{name: "reset mid-body then success", primary: []http.HandlerFunc{resetMidBody, body("whole")}, want: "whole", wantHits: []int{2}},
		{name: "reset mid-body forever", primary: []http.HandlerFunc{resetMidBody}, wantHits: []int{3},
			wantErr: []string{"reading the body after 5 bytes: unexpected EOF (3 attempts)"}},
		{name: "stall then mirror", primary: []http.HandlerFunc{stall}, mirror: []http.HandlerFunc{body("fast")},
			want: "fast", wantHits: []int{2, 1}, clientMod: func(c *Client) { c.Attempts = 2; c.Timeout = 100 * time.Millisecond }},
		{name: "stall forever", primary: []http.HandlerFunc{stall}, wantHits: []int{2},
			wantErr:   []string{"stalled: no data for 100ms after 3 bytes (2 attempts)"},
			clientMod: func(c *Client) { c.Attempts = 2; c.Timeout = 100 * time.Millisecond }},
		{name: "trickle", primary: []http.HandlerFunc{trickle}, wantHits: []int{2},
			wantErr:   []string{"too slow: ", " bytes in the last 200ms after ", "below the minimum of 204 bytes in 200ms (2 attempts)"},
			clientMod: func(c *Client) { c.Attempts = 2; c.Timeout = 200 * time.Millisecond }},
		{name: "trickle then mirror", primary: []http.HandlerFunc{trickle}, mirror: []http.HandlerFunc{body("fast")}, want: "fast",
			wantHits: []int{1, 1}, clientMod: func(c *Client) { c.Attempts = 1; c.Timeout = 200 * time.Millisecond }},
		// A 1 s window: the default rate would refuse 50 B/s, while a
		// loaded machine cannot stall a byte every 20 ms for that long.
		{name: "trickle accepted without a minimum rate", primary: []http.HandlerFunc{trickle}, want: strings.Repeat("x", 100),
			wantHits: []int{1}, clientMod: func(c *Client) { c.Timeout = time.Second; c.MinRate = -1 }},
		{name: "too large", primary: []http.HandlerFunc{body("0123456789")}, maxBytes: 4, wantHits: []int{1},
			wantErr: []string{"Content-Length 10 is larger than the limit of 4 bytes (1 attempt)"}},
		{name: "exactly the limit", primary: []http.HandlerFunc{body("0123")}, maxBytes: 4, want: "0123", wantHits: []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, pu := newServer(t, tc.primary...)
			urls := []string{pu}
			var m *server
			if tc.mirror != nil {
				var mu string
				m, mu = newServer(t, tc.mirror...)
				urls = append(urls, mu)
			}
			c := testClient()
			c.MaxBytes = tc.maxBytes
			if tc.clientMod != nil {
				tc.clientMod(c)
			}
			got, err := c.Get(context.Background(), urls)
			hits := []int{p.count()}
			if m != nil {
				hits = append(hits, m.count())
			}
			if len(hits) != len(tc.wantHits) || hits[0] != tc.wantHits[0] || (len(hits) > 1 && hits[1] != tc.wantHits[1]) {
				t.Errorf("requests = %v, want %v", hits, tc.wantHits)
			}
			if tc.wantErr == nil {
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if string(got) != tc.want {
					t.Fatalf("Get = %q, want %q", got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Get = %q, want an error", got)
			}
			checkErr(t, err, urls, tc.wantErr)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not *Error", err)
			}
			if fe.NotFound() != tc.notFound {
				t.Errorf("NotFound() = %v, want %v", fe.NotFound(), tc.notFound)
			}
		})
	}
}

// checkGet asserts Get's result: want without error, or (wantErr set) an
// error that checkErr accepts.
func checkGet(t *testing.T, got []byte, err error, want string, urls, wantErr []string) {
	t.Helper()
	if wantErr == nil {
		if err != nil || string(got) != want {
			t.Fatalf("Get = %q, %v; want %q", got, err, want)
		}
		return
	}
	if err == nil {
		t.Fatalf("Get = %q, want an error", got)
	}
	checkErr(t, err, urls, wantErr)
}

// checkErr asserts err names every URL and holds want in order.
func checkErr(t *testing.T, err error, urls []string, want []string) {
	t.Helper()
	msg := err.Error()
	for _, u := range urls {
		if !strings.Contains(msg, u) {
			t.Errorf("error does not name %s: %s", u, msg)
		}
	}
	rest := msg
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("error lacks %q (in order):\n%s", w, msg)
		}
		rest = rest[i+len(w):]
	}
}

func TestGetFile(t *testing.T) {
	dir := t.TempDir()
	local := filepath.Join(dir, "a b.apk")
	if err := os.WriteFile(local, []byte("from disk"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := "file://" + filepath.Join(dir, "missing.apk")
	tests := []struct {
		name    string
		urls    []string
		want    string
		wantErr []string
	}{
		{name: "ok", urls: []string{"file://" + local}, want: "from disk"},
		{name: "missing then ok", urls: []string{missing, "file://" + local}, want: "from disk"},
		{name: "missing", urls: []string{missing}, wantErr: []string{"no such file " + filepath.Join(dir, "missing.apk") + " (1 attempt)", "the file is not there"}},
		{name: "bad scheme", urls: []string{"ftp://host/x"}, wantErr: []string{"ftp://host/x: unsupported URL scheme: use http://, https:// or file:// (1 attempt)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := testClient().Get(context.Background(), tc.urls)
			checkGet(t, got, err, tc.want, tc.urls, tc.wantErr)
		})
	}
}

func TestGetToFile(t *testing.T) {
	_, u := newServer(t, resetMidBody, body("the package bytes"))
	dir := t.TempDir()
	out := filepath.Join(dir, "p.apk")
	res, err := testClient().GetToFile(context.Background(), []string{u}, out)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("the package bytes"))
	want := Result{URL: u, Size: 17, SHA256: hex.EncodeToString(sum[:])}
	if *res != want {
		t.Errorf("GetToFile = %+v, want %+v", *res, want)
	}
	got, err := os.ReadFile(out)
	if err != nil || string(got) != "the package bytes" {
		t.Errorf("file holds %q, %v", got, err)
	}
	assertDir(t, dir, "p.apk")

	// A failed download leaves nothing behind.
	_, bad := newServer(t, status(500))
	if _, err := testClient().GetToFile(context.Background(), []string{bad}, filepath.Join(dir, "q.apk")); err == nil {
		t.Fatal("GetToFile succeeded on a failing server")
	}
	assertDir(t, dir, "p.apk")
}

func assertDir(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("directory holds %v, want %v", got, want)
	}
}

func TestGetCancelled(t *testing.T) {
	_, u := newServer(t, status(500))
	ctx, cancel := context.WithCancel(context.Background())
	c := &Client{Attempts: 5, Backoff: time.Hour}
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, err := c.Get(ctx, []string{u})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Get after cancel = %v, want context.Canceled", err)
	}
}

func TestGetNoURL(t *testing.T) {
	if _, err := testClient().Get(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "no URL given") {
		t.Fatalf("Get(nil) = %v", err)
	}
}

// TestRedirects: redirects are followed between http(s) URLs, but not from
// https down to http nor out of http(s).
func TestRedirects(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(body("plain")))
	t.Cleanup(plain.Close)
	var target string
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/secure":
			w.Write([]byte("secure"))
		default:
			http.Redirect(w, r, target, http.StatusFound)
		}
	}))
	t.Cleanup(tls.Close)
	for _, tc := range []struct {
		name, to, want string
		wantErr        []string
	}{
		{name: "https to https", to: tls.URL + "/secure", want: "secure"},
		{name: "https to http", to: plain.URL + "/x",
			wantErr: []string{"refusing the redirect from " + tls.URL + "/start to " + plain.URL + "/x: it would drop TLS; fix the URL or the server (1 attempt)"}},
		{name: "https to file", to: "file:///etc/passwd",
			wantErr: []string{"refusing the redirect to file:///etc/passwd: only http and https are followed (1 attempt)"}},
		{name: "https to ftp", to: "ftp://example.invalid/x", wantErr: []string{"only http and https are followed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target = tc.to
			c := testClient()
			c.HTTP = tls.Client()
			got, err := c.Get(context.Background(), []string{tls.URL + "/start"})
			checkGet(t, got, err, tc.want, []string{tls.URL + "/start"}, tc.wantErr)
		})
	}
}
