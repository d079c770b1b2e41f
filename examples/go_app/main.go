// Command go_app is the go_app example's server: it answers every request
// with one line naming the platform it was compiled for, so a test can tell
// which of the index's binaries it reached.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
)

func main() {
	addr := flag.String("addr", ":8080", "address to listen on; port 0 picks a free one")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("go_app: %v", err)
	}
	// Printed after the listener is open, so a test can wait for this line
	// and learn the port it got.
	fmt.Fprintf(os.Stdout, "listening on %s\n", ln.Addr())
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from go_app (%s/%s)\n", runtime.GOOS, runtime.GOARCH)
	})
	log.Fatal(http.Serve(ln, nil))
}
