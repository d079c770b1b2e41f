package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/extralayer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
)

// imageMain writes a single-platform OCI image layout (see DESIGN.md, "Flags
// of the build verbs").
func imageMain(args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	var (
		out       = fs.String("out", "", "output OCI layout `DIR` (replaced atomically)")
		base      = fs.String("base", "", "base image: a single-platform OCI layout `DIR` (index.json lists one image manifest, or an index of one)")
		user      = fs.String("user", "", "config User")
		workdir   = fs.String("workdir", "", "config WorkingDir")
		mtime     = mtimeFlag(fs, "the config's created and its history (without --stamp-status)")
		platform  platformFlag
		configOut = fs.String("config-out", "", "also write the config blob to `FILE`")
		digestOut = fs.String("digest-out", "", "also write the manifest digest (sha256:..., no newline) to `FILE`")
		stopSig   = fs.String("stop-signal", "", "config StopSignal, e.g. SIGTERM")
		baseName  = fs.String("base-name", "", "`NAME` of --base for the org.opencontainers.image.base.name annotation")
		extraJSON = fs.String("accounts", "", "`JSON` file of users, groups and permissions to add in a layer on top")
		layerMeta = fs.String("layer-meta", "", "`META.json` of apkimage layer: a CA bundle there sets SSL_CERT_FILE by default")
		noDefEnv  = fs.Bool("no-default-env", false, "set no default PATH or SSL_CERT_FILE")
		volumes   imgKV
		ports     imgKV
		stampF    imgKV
		stampKeys = imgKV{name: "stamp-key"}
		layers    imgLayerList
		env       = imgKV{name: "env"}
		labels    = imgKV{name: "label"}
		annots    = imgKV{name: "annotation"}
		entry     imgJSONArray
		cmd       imgJSONArray
	)
	fs.Var(&platform, "platform", "the image's OCI platform `OS/ARCH[/VARIANT]`, e.g. linux/amd64 or linux/arm/v7; required")
	fs.Var(layers.flag(true), "layer", "gzipped layer `FILE` (from apkimage layer); repeatable, order kept with --tar")
	fs.Var(layerDirFlag{&layers}, "layer-dir", "`DIR` of gzipped layers (apkimage layer --max-layers), added in name order; repeatable, order kept")
	fs.Var(layers.flag(false), "tar", "tar `FILE`, plain or gzip/bzip2-compressed (recognised by content), stored gzipped deterministically here; repeatable, order kept with --layer")
	fs.Var(&env, "env", "environment `KEY=VALUE`; repeatable; overrides the base's value of KEY")
	fs.Var(&labels, "label", "config label `KEY=VALUE`; repeatable")
	fs.Var(&annots, "annotation", "manifest annotation `KEY=VALUE`; repeatable")
	fs.Var(&entry, "entrypoint", "config Entrypoint as a `JSON_ARRAY`, e.g. '[\"/bin/sh\",\"-c\"]'")
	fs.Var(&cmd, "cmd", "config Cmd as a `JSON_ARRAY`")
	fs.Var(plainList{&volumes}, "volume", "config volume `PATH`; repeatable")
	fs.Var(plainList{&ports}, "expose", "exposed `PORT[/PROTO]`; repeatable")
	fs.Var(plainList{&stampF}, "stamp-status", "workspace status `FILE` to stamp annotations from; repeatable")
	fs.Var(&stampKeys, "stamp-key", "`ANNOTATION=STATUS_KEY` to stamp (replaces the defaults); repeatable")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: apkimage image --out DIR --platform OS/ARCH[/VARIANT] [flags]\n\nWrites a single-platform OCI image layout: --base's layers, then --layer and --tar files in command-line order.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return imgUsageError(fs, "unexpected arguments %q; layers go in --layer or --tar", fs.Args())
	}
	if *out == "" || !platform.set {
		return imgUsageError(fs, "--out and --platform are required")
	}
	st, err := stampResult(fs, *mtime, stampF.list, stampKeys)
	if err != nil {
		return err
	}
	extra, err := readExtra(*extraJSON)
	if err != nil {
		return err
	}
	extraTar, resolvedUser, err := extralayer.Write(extra, *base, layers.layers, *user, st.Created)
	if err != nil {
		return err
	}
	if extraTar != "" {
		defer os.Remove(extraTar)
		layers.layers = append(layers.layers, image.Layer{Path: extraTar, CreatedBy: "apkimage image --accounts"})
	}
	var defEnv []string
	if !*noDefEnv {
		if defEnv, err = defaultEnv(*layerMeta); err != nil {
			return err
		}
	}
	annotations := st.Annotations
	for k, v := range imgMap(annots) {
		annotations[k] = v
	}
	res, err := image.WriteLayout(*out, image.Spec{
		Base:         *base,
		BaseName:     *baseName,
		Layers:       layers.layers,
		DefaultEnv:   defEnv,
		StopSignal:   *stopSig,
		Volumes:      volumes.list,
		ExposedPorts: ports.list,
		OS:           platform.p.OS,
		Arch:         platform.p.Arch,
		Variant:      platform.p.Variant,
		Env:          env.list,
		User:         resolvedUser,
		WorkDir:      *workdir,
		Entrypoint:   entry.value,
		Cmd:          cmd.value,
		Labels:       imgMap(labels),
		Annotations:  annotations,
		Created:      st.Created,
	})
	if err != nil {
		return err
	}
	if *configOut != "" {
		if err := imgWriteFile(*configOut, res.Config); err != nil {
			return err
		}
	}
	if *digestOut != "" {
		if err := imgWriteFile(*digestOut, []byte(res.ManifestDigest.String())); err != nil {
			return err
		}
	}
	return nil
}

func imgUsageError(fs *flag.FlagSet, format string, a ...interface{}) error {
	return &exitError{code: 2, err: fmt.Errorf(format+" (see 'apkimage %s --help')", append(a, fs.Name())...)}
}

// imgLayerList keeps --layer and --tar in one list, in command-line order.
type imgLayerList struct {
	layers []image.Layer
}

func (l *imgLayerList) flag(gzipped bool) flag.Value { return imgLayerFlag{l, gzipped} }

type imgLayerFlag struct {
	list    *imgLayerList
	gzipped bool
}

func (f imgLayerFlag) String() string { return "" }

func (f imgLayerFlag) Set(path string) error {
	// The base name only: history must not depend on where the build ran.
	by := "apkimage image --tar " + filepath.Base(path)
	if f.gzipped {
		by = "apkimage image --layer " + filepath.Base(path)
	}
	f.list.layers = append(f.list.layers, image.Layer{Path: path, Gzipped: f.gzipped, CreatedBy: by})
	return nil
}

// layerDirFlag adds every *.tar.gz of a directory, in name order.
type layerDirFlag struct{ list *imgLayerList }

func (f layerDirFlag) String() string { return "" }

func (f layerDirFlag) Set(dir string) error {
	files, err := filepath.Glob(filepath.Join(dir, "*.tar.gz"))
	if err != nil || len(files) == 0 {
		return fmt.Errorf("--layer-dir %s holds no *.tar.gz layers", dir)
	}
	sort.Strings(files)
	for _, p := range files {
		if err := (imgLayerFlag{f.list, true}).Set(p); err != nil {
			return err
		}
	}
	return nil
}

// imgKV collects repeated KEY=VALUE flags in order.
type imgKV struct {
	name string
	list []string
}

func (kv *imgKV) String() string { return strings.Join(kv.list, ",") }

func (kv *imgKV) Set(s string) error {
	k, _, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("--%s %q is not KEY=VALUE", kv.name, s)
	}
	kv.list = append(kv.list, s)
	return nil
}

// imgMap turns kv's entries into a map (a later key wins), nil if none.
func imgMap(kv imgKV) map[string]string {
	if len(kv.list) == 0 {
		return nil
	}
	m := make(map[string]string, len(kv.list))
	for _, e := range kv.list {
		k, v, _ := strings.Cut(e, "=")
		m[k] = v
	}
	return m
}

// imgJSONArray is a flag holding a JSON array of strings; unset stays nil.
type imgJSONArray struct {
	value []string
}

func (j *imgJSONArray) String() string {
	if j == nil || j.value == nil {
		return ""
	}
	b, _ := json.Marshal(j.value)
	return string(b)
}

func (j *imgJSONArray) Set(s string) error {
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil || v == nil {
		return fmt.Errorf("%s is not a JSON array of strings, e.g. [\"/bin/sh\",\"-c\"]", strconv.Quote(s))
	}
	j.value = v
	return nil
}

// imgWriteFile writes one small output of a build verb. These verbs run
// inside Bazel actions, which discard a failed action's outputs, so a
// plain write will do (atomicfile is for files written outside actions).
func imgWriteFile(path string, b []byte) error {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
