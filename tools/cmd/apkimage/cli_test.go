package main

import (
	"bytes"
	"os"
	"sort"
	"strings"
	"testing"
)

// runStderr runs the command line and returns its exit status and what
// the flag package and the verb's usage wrote.
func runStderr(args ...string) (int, string) {
	var buf bytes.Buffer
	saved := stderr
	stderr = &buf
	defer func() { stderr = saved }()
	return run(args), buf.String()
}

// TestVerbHelp pins the CLI vocabulary: every verb's --help exits 0 and
// documents each of its flags, an unknown flag exits 2, and the retired
// spellings (--arch, --os, --variant, --created, index --keyring) are gone.
func TestVerbHelp(t *testing.T) {
	flags := map[string][]string{
		"vercmp":     {"test"},
		"apkindex":   {"keyring", "key"},
		"index":      {"out", "digest-out", "mtime", "annotation", "stamp-status", "stamp-key"},
		"verify":     {"keyring", "key"},
		"resolve":    {"keyring", "key", "apkindex"},
		"lock":       {"config", "out", "timeout", "attempts", "check", "relock-command"},
		"layer":      {"lock", "apk-arch", "keyring", "key", "mtime", "account", "max-layers", "no-busybox-links", "out", "meta", "base-layer", "base-layout", "base-meta"},
		"image":      {"out", "platform", "base", "base-name", "user", "workdir", "mtime", "config-out", "digest-out", "stop-signal", "accounts", "layer-meta", "no-default-env", "layer", "layer-dir", "tar", "env", "label", "annotation", "entrypoint", "cmd", "volume", "expose", "stamp-status", "stamp-key"},
		"sbom":       {"meta", "layout", "index", "name", "mtime", "out", "base", "base-name"},
		"provenance": {"lock", "lock-name", "base", "base-name", "target", "version", "layout", "predicate", "statement"},
		"paths":      {"spec", "mtime", "out"},
	}
	var names []string
	for n := range verbs {
		names = append(names, n)
		if _, ok := flags[n]; !ok {
			t.Errorf("verb %s has no row here: list its flags", n)
		}
	}
	sort.Strings(names)
	for _, v := range names {
		t.Run(v, func(t *testing.T) {
			for _, h := range []string{"--help", "-h", "-help"} {
				code, out := runStderr(v, h)
				if code != 0 {
					t.Errorf("%s %s: exit %d, want 0", v, h, code)
				}
				if !strings.Contains(out, "usage: apkimage "+v) {
					t.Errorf("%s %s: no usage line:\n%s", v, h, out)
				}
				// Every flag is listed with its doc; no more, no fewer.
				var got []string
				for _, line := range strings.Split(out, "\n") {
					if strings.HasPrefix(line, "  -") {
						got = append(got, strings.Fields(line)[0][1:])
					}
				}
				want := append([]string(nil), flags[v]...)
				sort.Strings(want)
				if strings.Join(got, " ") != strings.Join(want, " ") {
					t.Errorf("%s %s lists flags %q, want %q", v, h, got, want)
				}
				for _, w := range strings.Fields(out) {
					w = strings.Trim(w, "[]().,")
					switch strings.TrimLeft(w, "-") {
					case "arch", "os", "variant", "created":
						if strings.HasPrefix(w, "-") {
							t.Errorf("%s %s mentions the retired flag %s", v, h, w)
						}
					}
				}
			}
			code, out := runStderr(v, "--no-such-flag")
			if code != 2 || !strings.Contains(out, "flag provided but not defined: -no-such-flag") {
				t.Errorf("%s --no-such-flag: exit %d, output %q; want 2 and the flag named", v, code, out)
			}
		})
	}
}

// TestFlagSpellings: -flag=x, --flag=x and --flag x are the same, for the
// verbs whose argv used to be sniffed by hand, and a malformed --platform or
// a negative --mtime is a usage error.
func TestFlagSpellings(t *testing.T) {
	tmp := t.TempDir()
	l, _ := imgTestTar(t, tmp, "l", "x")
	img := tmp + "/img"
	imgRun(t, 0, "image", "-out="+img, "-platform=linux/arm64", "--tar", l)
	var digests []string
	for i, args := range [][]string{
		{"index", "-out=" + tmp + "/i0", img},
		{"index", "--out=" + tmp + "/i1", img},
		{"index", "--out", tmp + "/i2", img},
		{"index", img, "-out", tmp + "/i3"},
	} {
		d := tmp + "/d" + string(rune('0'+i))
		imgRun(t, 0, append(args, "--digest-out", d)...)
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, string(b))
	}
	for _, d := range digests[1:] {
		if d != digests[0] {
			t.Errorf("index digests differ with the flag's spelling: %q", digests)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"image", "--out", tmp + "/x", "--platform", "amd64"}, `platform "amd64": want OS/ARCH[/VARIANT]`},
		{[]string{"image", "--out", tmp + "/x", "--platform", "linux/arm/v7/x"}, "want OS/ARCH[/VARIANT]"},
		{[]string{"image", "--out", tmp + "/x", "--mtime", "-1", "--platform", "linux/amd64"}, "--mtime -1 is before the Unix epoch"},
		{[]string{"index", "--keyring", tmp, "APKINDEX.tar.gz"}, "flag provided but not defined: -keyring"},
		{[]string{"layer", "--arch", "x86_64"}, "flag provided but not defined: -arch"},
	} {
		code, out := runStderr(tc.args...)
		if code != 2 || !strings.Contains(out, tc.want) {
			t.Errorf("%q: exit %d, output %q; want 2 and %q", tc.args, code, out, tc.want)
		}
	}
}
