// Package busybox knows where busybox's applet links go.
//
// busybox is one binary with many names; its package ships only
// /bin/busybox and creates the links in an install script, which these
// rules never run (like apko). The links come from
// /etc/busybox-paths.d/<package> when the package ships that file, and
// otherwise from a list kept here per busybox version, applets/<version>.txt:
// the output of `busybox --list-full | sort` of that version's build.
// refresh.sh writes one from a busybox binary or .apk (see README.md).
package busybox
