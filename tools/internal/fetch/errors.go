package fetch

import (
	"errors"
	"fmt"
	"strings"
)

// Failure is the outcome of one URL that did not deliver.
type Failure struct {
	URL      string
	Attempts int   // tries made on this URL
	Err      error // the last attempt's failure
}

// NotFound reports whether the URL said it has no such file (HTTP 404 or
// 410, or a missing file:// path).
func (f Failure) NotFound() bool {
	var nf notFound
	return errors.As(f.Err, &nf)
}

// Error is returned when every URL failed. Its message lists each URL with
// its attempts and last failure, then what to do.
type Error struct {
	Failures []Failure
}

// Error lists each URL with its attempts and last failure, then advice.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("download failed from every URL tried: ")
	for i, f := range e.Failures {
		if i > 0 {
			b.WriteString("; ")
		}
		plural := "s"
		if f.Attempts == 1 {
			plural = ""
		}
		fmt.Fprintf(&b, "%s: %v (%d attempt%s)", f.URL, f.Err, f.Attempts, plural)
	}
	if e.NotFound() {
		b.WriteString("; check the URL: the file is not there (wrong repository, architecture or version?)")
	} else {
		b.WriteString("; check the URL and the network, or add a mirror")
	}
	return b.String()
}

// NotFound reports whether every URL said it has no such file, as opposed
// to failing transiently: the request itself is wrong.
func (e *Error) NotFound() bool {
	for _, f := range e.Failures {
		if !f.NotFound() {
			return false
		}
	}
	return len(e.Failures) > 0
}

// Unwrap returns the last URL's failure.
func (e *Error) Unwrap() error {
	if len(e.Failures) == 0 {
		return nil
	}
	return e.Failures[len(e.Failures)-1].Err
}
