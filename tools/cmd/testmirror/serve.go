package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/atomicfile"
)

func serveCmd(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory to serve (a generated mirror)")
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on; port 0 picks a free one")
	portFile := fs.String("port-file", "", "write the port listened on to this file once ready")
	const usage = "testmirror serve --dir DIR [--addr HOST:PORT] [--port-file FILE]"
	if err := parseFlags(fs, usage, args); err != nil {
		return err
	}
	if *dir == "" {
		return &usageError{"serve: --dir is required; usage: " + usage}
	}
	if st, err := os.Stat(*dir); err != nil || !st.IsDir() {
		return fmt.Errorf("--dir %s is not a directory: run `mirror generate --out %s` first", *dir, *dir)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listening on %s: %w", *addr, err)
	}
	srv := newServer(*dir, log.New(os.Stderr, "mirror: ", 0))
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	port := ln.Addr().(*net.TCPAddr).Port
	if *portFile != "" {
		// A script polls for the file: it must never see half of it.
		if err := atomicfile.WriteFile(*portFile, []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
			ln.Close()
			return err
		}
	}
	srv.log.Printf("serving %s on http://%s", *dir, ln.Addr())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case s := <-sig:
		srv.log.Printf("%v: shutting down", s)
	}
	srv.Close() // releases stalled requests so Shutdown can finish
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(ctx); err != nil {
		hs.Close()
	}
	return nil
}

// server serves a directory over HTTP and injects faults for paths under
// /fault/<kind>/, each followed by the real path:
//
//	/fault/404/P     always 404
//	/fault/500/P     always 500
//	/fault/flaky/P   500 for the first request of this URL path, then P;
//	                 /fault/flakyN/P fails the first N requests
//	/fault/reset/P   headers with P's full Content-Length, half the body,
//	                 then a TCP reset
//	/fault/stall/P   headers with P's full Content-Length, then nothing
//	                 until the client gives up or the server stops
type server struct {
	dir  string
	log  *log.Logger
	done chan struct{}
	once sync.Once

	mu    sync.Mutex
	tries map[string]int // requests seen per /fault/flaky path
}

func newServer(dir string, l *log.Logger) *server {
	return &server{dir: dir, log: l, done: make(chan struct{}), tries: map[string]int{}}
}

// Close releases every stalled request.
func (s *server) Close() { s.once.Do(func() { close(s.done) }) }

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		s.status(w, r, http.StatusMethodNotAllowed, "")
		return
	}
	p := path.Clean("/" + r.URL.Path)
	kind, rest := "", p
	if strings.HasPrefix(p, "/fault/") {
		k, r2, _ := strings.Cut(strings.TrimPrefix(p, "/fault/"), "/")
		kind, rest = k, "/"+r2
	}
	switch {
	case kind == "":
	case kind == "404":
		s.status(w, r, http.StatusNotFound, "fault 404")
		return
	case kind == "500":
		s.status(w, r, http.StatusInternalServerError, "fault 500")
		return
	case strings.HasPrefix(kind, "flaky"):
		n := 1
		if k := strings.TrimPrefix(kind, "flaky"); k != "" {
			v, err := strconv.Atoi(k)
			if err != nil || v < 0 {
				s.status(w, r, http.StatusNotFound, "unknown fault "+kind)
				return
			}
			n = v
		}
		s.mu.Lock()
		s.tries[p]++
		try := s.tries[p]
		s.mu.Unlock()
		if try <= n {
			s.status(w, r, http.StatusInternalServerError, fmt.Sprintf("fault flaky: failure %d of %d", try, n))
			return
		}
	case kind == "reset", kind == "stall":
	default:
		s.status(w, r, http.StatusNotFound, "unknown fault "+kind)
		return
	}

	body, err := s.read(rest)
	if err != nil {
		s.status(w, r, http.StatusNotFound, err.Error())
		return
	}
	switch kind {
	case "reset":
		s.reset(w, r, body)
	case "stall":
		s.stall(w, r, body)
	default:
		w.Header().Set("Content-Type", contentType(rest))
		// ServeContent sets Content-Length, answers HEAD and ranges.
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
		s.log.Printf("%s %s 200 %dB", r.Method, r.URL.Path, len(body))
	}
}

// read returns the file at URL path p below the served directory; p is
// already cleaned, so it cannot climb out. Directories are not listed.
func (s *server) read(p string) ([]byte, error) {
	full := filepath.Join(s.dir, filepath.FromSlash(p))
	st, err := os.Stat(full)
	if err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("no file %s", p)
	}
	return os.ReadFile(full)
}

func contentType(p string) string {
	if strings.HasSuffix(p, ".pub") {
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

func (s *server) status(w http.ResponseWriter, r *http.Request, code int, why string) {
	msg := http.StatusText(code) + "\n"
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(msg)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		io.WriteString(w, msg)
	}
	s.log.Printf("%s %s %d %s", r.Method, r.URL.Path, code, why)
}

// reset promises the whole body, sends half and aborts the connection with
// a TCP RST (SO_LINGER 0), like a proxy or mirror dying mid-transfer.
func (s *server) reset(w http.ResponseWriter, r *http.Request, body []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		s.status(w, r, http.StatusInternalServerError, "fault reset: connection cannot be hijacked")
		return
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		s.log.Printf("%s %s fault reset: %v", r.Method, r.URL.Path, err)
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: %d\r\n\r\n", len(body))
	half := 0
	if r.Method != http.MethodHead {
		half = len(body) / 2
		buf.Write(body[:half])
	}
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	s.log.Printf("%s %s 200 fault reset after %d of %dB", r.Method, r.URL.Path, half, len(body))
}

// stall sends the headers and then waits for the client to hang up.
func (s *server) stall(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	s.log.Printf("%s %s 200 fault stall: headers sent, body withheld", r.Method, r.URL.Path)
	select {
	case <-r.Context().Done():
		s.log.Printf("%s %s fault stall: client gave up", r.Method, r.URL.Path)
	case <-s.done:
	}
	// Drop the connection rather than leave a short body to net/http.
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
		}
	}
}
