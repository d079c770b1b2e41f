// Package fetch downloads files over http://, https:// and file:// with
// the failure handling a build needs from the open network: a primary URL
// plus mirrors tried in order, bounded retries with backoff on transient
// failures (5xx, 408, 429, connection errors, stalls, bodies shorter than
// their Content-Length), no retry on answers that will not change (404 and
// other 4xx move straight to the next mirror), a cap on the size of what is
// accepted, and one final error that lists every URL with its last failure.
//
// A file:// URL is "file://" followed by a plain path ("file:///srv/x.apk"),
// which lets tests and local mirrors use the same code path as a server.
package fetch
