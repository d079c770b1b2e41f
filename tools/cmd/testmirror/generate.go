package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkindex"
)

// genOptions are the inputs of generate.
type genOptions struct {
	Sysroots    string   // directory of one musl sysroot per arch (tools/musl_sysroots.sh)
	Arches      []string // Alpine arches to generate
	Hello       string   // "auto", "require" or "none"
	HelloScript string   // e2e/hello/build.sh
	// Busybox is the directory of Debian's busybox-static (bin/busybox
	// and ORIGIN) for x86_64's busybox packages, or "none".
	Busybox string
	// Bump is "ARCH/NAME": that one package gets its release number
	// raised by one (X-r0 becomes X-r1), for benchmarks of a one-package
	// change. Empty for the bundled mirror.
	Bump string
	Log  io.Writer
}

func generateCmd(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write the mirror to (replaced as a whole)")
	opt := genOptions{Log: os.Stderr}
	fs.StringVar(&opt.Sysroots, "sysroots", defaultSysroots(), "directory holding a musl sysroot per arch (tools/setup.sh fills the default)")
	archList := fs.String("arch", allArches(), "comma-separated Alpine arches to generate")
	fs.StringVar(&opt.Hello, "hello", "auto", "hello packages: auto (omit with a warning when clang/lld are missing), require, none")
	fs.StringVar(&opt.Busybox, "busybox", defaultBusybox(), "`DIR` holding Debian's static amd64 bin/busybox and ORIGIN for x86_64's busybox packages (tools/setup.sh fills the default), or none")
	fs.StringVar(&opt.HelloScript, "hello-script", "", "path of e2e/hello/build.sh (default: found above the working directory)")
	fs.StringVar(&opt.Bump, "bump", "", "`ARCH/NAME`: raise that package's release by one (benchmarks of a one-package change; not the bundled mirror)")
	const usage = "testmirror generate --out DIR [--sysroots DIR] [--arch LIST] [--hello auto|require|none] [--busybox DIR|none]"
	if err := parseFlags(fs, usage, args); err != nil {
		return err
	}
	if *out == "" {
		return &usageError{"generate: --out is required; usage: " + usage}
	}
	opt.Arches = strings.Split(*archList, ",")
	files, err := generate(opt)
	if err != nil {
		return err
	}
	return writeTree(*out, files)
}

func allArches() string {
	var names []string
	for _, a := range arches {
		names = append(names, a.APKArch)
	}
	return strings.Join(names, ",")
}

// generate returns every file of the mirror by slash-separated path:
// keys/<KeyName>, and per arch the signed .apk files and APKINDEX.tar.gz.
func generate(opt genOptions) (map[string][]byte, error) {
	if opt.Hello != "auto" && opt.Hello != "require" && opt.Hello != "none" {
		return nil, fmt.Errorf("--hello %q: want auto, require or none", opt.Hello)
	}
	if opt.Busybox == "" {
		return nil, fmt.Errorf("--busybox is empty: give the directory tools/setup.sh fills (%s) or none", defaultBusybox())
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	s, err := signer()
	if err != nil {
		return nil, err
	}
	if opt.Bump != "" {
		a, name, _ := strings.Cut(opt.Bump, "/")
		if _, ok := archByName(a); !ok || name == "" {
			return nil, fmt.Errorf("--bump %q: want ARCH/NAME with ARCH one of %s", opt.Bump, allArches())
		}
	}
	var todo []arch
	seen := map[string]bool{}
	for _, name := range opt.Arches {
		a, ok := archByName(name)
		if !ok {
			return nil, fmt.Errorf("unknown arch %q: want one of %s", name, allArches())
		}
		if !seen[name] {
			seen[name] = true
			todo = append(todo, a)
		}
	}
	// Arches are independent and mostly wait on dpkg-deb and clang, so
	// they run in parallel; results land in per-arch slots, so the output
	// does not depend on timing.
	results := make([]map[string][]byte, len(todo))
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	for i, a := range todo {
		wg.Add(1)
		go func(i int, a arch) {
			defer wg.Done()
			results[i], errs[i] = generateArch(a, opt, s)
		}(i, a)
	}
	wg.Wait()
	files := map[string][]byte{"keys/" + KeyName: apkbuild.PublicKeyPEM(s.Key)}
	bumped := opt.Bump == ""
	for i := range todo {
		if errs[i] != nil {
			return nil, fmt.Errorf("arch %s: %w", todo[i].APKArch, errs[i])
		}
		for name, b := range results[i] {
			files[name] = b
		}
		_, bumpedHere := results[i][bumpMark]
		bumped = bumped || bumpedHere
		delete(files, bumpMark)
	}
	if !bumped {
		return nil, fmt.Errorf("--bump %s: no such package among the generated arches", opt.Bump)
	}
	return files, nil
}

// bumpMark is a key of generateArch's result, never a file: it says that
// the arch held the package of genOptions.Bump.
const bumpMark = "\x00bumped"

// nextRelease raises the release of an apk version by one: 1.2-r0 is
// followed by 1.2-r1.
func nextRelease(v string) (string, error) {
	i := strings.LastIndex(v, "-r")
	if i < 0 {
		return "", fmt.Errorf("version %q has no -rN release to raise", v)
	}
	n, err := strconv.Atoi(v[i+2:])
	if err != nil || n < 0 {
		return "", fmt.Errorf("version %q has no -rN release to raise", v)
	}
	return v[:i] + "-r" + strconv.Itoa(n+1), nil
}

// generateArch returns one arch's packages and signed index.
func generateArch(a arch, opt genOptions, s apkbuild.Signer) (map[string][]byte, error) {
	in, err := inputsFor(a, opt)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	var records []apkindex.Record
	for _, spec := range specs(a, in) {
		if opt.Bump == a.APKArch+"/"+spec.Info.Name {
			v, err := nextRelease(spec.Info.Version)
			if err != nil {
				return nil, err
			}
			spec.Info.Version = v
			files[bumpMark] = nil
		}
		apk, err := apkbuild.Build(spec, s)
		if err != nil {
			return nil, err
		}
		rec, err := apkbuild.IndexEntry(apk)
		if err != nil {
			return nil, fmt.Errorf("indexing %s: %w", spec.Info.Name, err)
		}
		records = append(records, rec)
		files[a.APKArch+"/"+spec.Info.Name+"-"+spec.Info.Version+".apk"] = apk
	}
	index, err := apkbuild.BuildIndex("musl-dynamic test mirror "+alpineRelease+" "+a.APKArch, records, s)
	if err != nil {
		return nil, err
	}
	files[a.APKArch+"/APKINDEX.tar.gz"] = index
	return files, nil
}

// inputsFor gathers an arch's loader, busybox and hello binary.
func inputsFor(a arch, opt genOptions) (archInputs, error) {
	in := archInputs{CACert: testCAPEM}
	loader, origin, err := sysrootLoader(opt.Sysroots, a)
	if err != nil {
		return in, err
	}
	in.Loader, in.Origin = loader, origin
	if a.APKArch == busyboxArch && opt.Busybox != "none" {
		bin, origin, err := readBusybox(opt.Busybox)
		if err != nil {
			return in, err
		}
		if in.Busybox, err = busyboxSpecs(a, bin, origin); err != nil {
			return in, err
		}
	}
	if opt.Hello == "none" {
		return in, nil
	}
	hello, err := buildHello(a, opt)
	var missing *toolsMissingError
	if errors.As(err, &missing) && opt.Hello == "auto" {
		fmt.Fprintf(opt.Log, "mirror: WARNING: arch %s: no hello package: %v\n", a.APKArch, err)
		return in, nil
	}
	if err != nil {
		return in, err
	}
	in.Hello = hello
	return in, nil
}

// toolsMissingError is build.sh's exit status 4: clang, lld or a sysroot
// file is missing, which --hello=auto tolerates.
type toolsMissingError struct{ msg string }

func (e *toolsMissingError) Error() string { return e.msg }

// buildHello runs e2e/hello/build.sh for one arch and returns the binary.
func buildHello(a arch, opt genOptions) ([]byte, error) {
	script := opt.HelloScript
	if script == "" {
		var err error
		if script, err = findUp(filepath.Join("e2e", "hello", "build.sh")); err != nil {
			return nil, err
		}
	}
	tmp, err := os.MkdirTemp("", "mirror-hello-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "hello")
	cmd := exec.Command("bash", script, a.APKArch, out, filepath.Join(opt.Sysroots, a.APKArch))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := fmt.Sprintf("%s %s: %v: %s", script, a.APKArch, err, strings.TrimSpace(stderr.String()))
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 4 {
			return nil, &toolsMissingError{msg}
		}
		return nil, fmt.Errorf("building hello: %s", msg)
	}
	return os.ReadFile(out)
}

// findUp looks for rel in the working directory and its parents, so the
// generator works from the repository root and from tools/cmd/testmirror (go test).
func findUp(rel string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s not found above the working directory: run from the repository or pass --hello-script", rel)
		}
		dir = parent
	}
}

// writeTree writes files into a fresh sibling of dir and then swaps it in,
// so a failed run leaves the previous mirror untouched. An existing dir is
// replaced only if it looks like a mirror (has keys/<KeyName>) or is empty.
func writeTree(dir string, files map[string][]byte) error {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, "keys", KeyName)); err != nil {
			return fmt.Errorf("--out %s exists and is not a mirror made by this program: refusing to replace it; pick an empty or new directory", dir)
		}
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, ".mirror-")
	if err != nil {
		return fmt.Errorf("creating a temporary directory next to %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("removing the old mirror %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("moving the new mirror into %s: %w", dir, err)
	}
	return nil
}
