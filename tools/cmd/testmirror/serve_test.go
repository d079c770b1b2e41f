package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// testTree is a served directory with one 64 KiB file at x86_64/f.apk.
func testTree(t *testing.T) (dir string, body []byte) {
	t.Helper()
	dir = t.TempDir()
	body = bytes.Repeat([]byte("0123456789abcdef"), 4096)
	os.MkdirAll(filepath.Join(dir, "x86_64"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "x86_64", "f.apk"), body, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, body
}

func startServer(t *testing.T) (*server, *httptest.Server, []byte) {
	t.Helper()
	dir, body := testTree(t)
	var logs bytes.Buffer
	s := newServer(dir, log.New(&logs, "", 0))
	hs := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		hs.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return s, hs, body
}

func get(t *testing.T, method, url string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	// A fresh transport per request: reset and stall poison connections.
	c := &http.Client{Transport: &http.Transport{}, Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func TestServeFilesAndStatuses(t *testing.T) {
	_, hs, body := startServer(t)
	tests := []struct {
		method, path string
		code         int
		body         []byte
	}{
		{"GET", "/x86_64/f.apk", 200, body},
		{"HEAD", "/x86_64/f.apk", 200, nil},
		{"GET", "/x86_64/missing.apk", 404, []byte("Not Found\n")},
		{"GET", "/x86_64/", 404, []byte("Not Found\n")}, // no listings
		{"GET", "/%2e%2e/%2e%2e/etc/passwd", 404, []byte("Not Found\n")},
		{"POST", "/x86_64/f.apk", 405, []byte("Method Not Allowed\n")},
		{"GET", "/fault/404/x86_64/f.apk", 404, []byte("Not Found\n")},
		{"GET", "/fault/500/x86_64/f.apk", 500, []byte("Internal Server Error\n")},
		{"GET", "/fault/500/x86_64/f.apk", 500, []byte("Internal Server Error\n")}, // always
		{"GET", "/fault/bogus/x86_64/f.apk", 404, []byte("Not Found\n")},
		{"GET", "/fault/stall/x86_64/missing.apk", 404, []byte("Not Found\n")},
	}
	for _, tc := range tests {
		resp, got, err := get(t, tc.method, hs.URL+tc.path)
		if err != nil {
			t.Errorf("%s %s: reading body: %v", tc.method, tc.path, err)
			continue
		}
		if resp.StatusCode != tc.code || !bytes.Equal(got, tc.body) {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, resp.StatusCode, clip(got), tc.code, clip(tc.body))
		}
		if tc.code == 200 && resp.ContentLength != int64(len(body)) {
			t.Errorf("%s %s: Content-Length %d, want %d", tc.method, tc.path, resp.ContentLength, len(body))
		}
	}
}

func clip(b []byte) string {
	if len(b) > 24 {
		return string(b[:24]) + "..."
	}
	return string(b)
}

func TestFaultFlaky(t *testing.T) {
	_, hs, body := startServer(t)
	for _, tc := range []struct {
		path string
		want []int
	}{
		{"/fault/flaky/x86_64/f.apk", []int{500, 200, 200}},
		{"/fault/flaky2/x86_64/f.apk", []int{500, 500, 200}},
	} {
		for i, want := range tc.want {
			resp, got, err := get(t, "GET", hs.URL+tc.path)
			if err != nil || resp.StatusCode != want {
				t.Fatalf("%s request %d: %d %v, want %d", tc.path, i+1, resp.StatusCode, err, want)
			}
			if want == 200 && !bytes.Equal(got, body) {
				t.Errorf("%s request %d: wrong body", tc.path, i+1)
			}
		}
	}
}

func TestFaultReset(t *testing.T) {
	_, hs, body := startServer(t)
	resp, got, err := get(t, "GET", hs.URL+"/fault/reset/x86_64/f.apk")
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) {
		t.Fatalf("status %d, Content-Length %d; want 200 and %d", resp.StatusCode, resp.ContentLength, len(body))
	}
	if err == nil {
		t.Fatalf("reading the body succeeded with %d of %d bytes; want an error", len(got), len(body))
	}
	if len(got) >= len(body) || !bytes.Equal(got, body[:len(got)]) {
		t.Errorf("got %d bytes, want a true prefix shorter than %d", len(got), len(body))
	}
}

func TestFaultStall(t *testing.T) {
	_, hs, body := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/fault/stall/x86_64/f.apk", nil)
	c := &http.Client{Transport: &http.Transport{}}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("headers should arrive before the stall: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(body)) {
		t.Errorf("status %d, Content-Length %d", resp.StatusCode, resp.ContentLength)
	}
	got, err := io.ReadAll(resp.Body)
	if !errors.Is(err, context.DeadlineExceeded) || len(got) != 0 {
		t.Errorf("reading a stalled body: %d bytes, %v; want none and the deadline", len(got), err)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("the stall ended after %v, before the client gave up", d)
	}
}

// TestServeCommand runs the real serve verb as a process: it writes the
// port file, serves, and exits cleanly on SIGTERM even with a stalled
// request open.
func TestServeCommand(t *testing.T) {
	dir, body := testTree(t)
	portFile := filepath.Join(t.TempDir(), "port")
	cmd := exec.Command(os.Args[0], "serve", "--dir", dir, "--addr", "127.0.0.1:0", "--port-file", portFile)
	cmd.Env = append(os.Environ(), "MIRROR_TEST_RUN_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var port int
	for i := 0; i < 100 && port == 0; i++ {
		b, _ := os.ReadFile(portFile)
		port, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		time.Sleep(50 * time.Millisecond)
	}
	if port == 0 {
		t.Fatalf("no port file after 5s; stderr:\n%s", stderr.String())
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	resp, got, err := get(t, "GET", base+"/x86_64/f.apk")
	if err != nil || resp.StatusCode != 200 || !bytes.Equal(got, body) {
		t.Fatalf("GET: %d %v", resp.StatusCode, err)
	}
	stalled, err := (&http.Client{Transport: &http.Transport{}}).Get(base + "/fault/stall/x86_64/f.apk")
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Body.Close()

	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve exited with %v; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not exit within 10s of SIGTERM; stderr:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), "GET /x86_64/f.apk 200") {
		t.Errorf("requests are not logged to stderr:\n%s", stderr.String())
	}
}
