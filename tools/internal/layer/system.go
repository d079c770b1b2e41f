package layer

import (
	"archive/tar"
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
)

// runtimeDirs are mount points a container runtime expects, created when
// no package ships them (modes as apko and most base images use).
var runtimeDirs = []struct {
	key  string
	mode int64
}{
	{"dev", 0o755},
	{"proc", 0o555},
	{"tmp", 0o1777},
}

// addSystemFiles adds the apk configuration and database and the runtime
// directories. It runs after the packages and accounts so that the
// installed database describes the final tree.
func addSystemFiles(t *tree, pkgs []Package, opt *Options) error {
	for _, d := range runtimeDirs {
		if t.entries[d.key] == nil {
			if err := t.ensureDir(d.key, meta{mode: d.mode}); err != nil {
				return err
			}
		}
	}
	for _, d := range []string{"etc/apk", "etc/apk/keys", "lib/apk/db"} {
		if err := t.ensureDir(d, meta{mode: 0o755}); err != nil {
			return err
		}
	}
	file := meta{mode: 0o644}
	world := append([]string(nil), opt.World...)
	repos := opt.Repositories
	if b := opt.Base; b != nil {
		// apk add keeps what the base asked for and where it came from.
		world = append(world, b.World...)
		seen := map[string]bool{}
		for _, r := range repos {
			seen[r] = true
		}
		for _, r := range b.Repositories {
			if !seen[r] {
				seen[r] = true
				repos = append(repos, r)
			}
		}
	}
	sort.Strings(world)
	var wb bytes.Buffer
	for i, w := range world {
		if i == 0 || w != world[i-1] {
			wb.WriteString(w + "\n")
		}
	}
	if err := t.setFile("etc/apk/world", wb.Bytes(), file); err != nil {
		return err
	}
	var rb bytes.Buffer
	for _, r := range repos {
		rb.WriteString(r + "\n")
	}
	if err := t.setFile("etc/apk/repositories", rb.Bytes(), file); err != nil {
		return err
	}
	if opt.Arch != "" {
		if err := t.setFile("etc/apk/arch", []byte(opt.Arch+"\n"), file); err != nil {
			return err
		}
	}
	for _, k := range opt.Keys {
		if err := t.setFile("etc/apk/keys/"+k.Name, k.PEM, file); err != nil {
			return err
		}
	}

	var baseScripts, baseTriggers []byte
	if opt.Base != nil {
		baseScripts, baseTriggers = opt.Base.Scripts, opt.Base.Triggers
	}
	scripts, err := scriptsTar(t.base, baseScripts, pkgs, time.Unix(opt.MTime.Unix(), 0))
	if err != nil {
		return err
	}
	if err := t.setFile(dbPrefix+"scripts.tar", scripts, file); err != nil {
		return err
	}
	if err := t.setFile(dbPrefix+"triggers", triggers(t.base, baseTriggers, pkgs), file); err != nil {
		return err
	}
	return t.setFile(dbPrefix+"installed", installed(t), file)
}

// scriptsTar is apk's store of install scripts: one entry per script,
// named <name>-<version>.<Q1 checksum>.<action>, in install order, after
// those of the base's packages that stay.
func scriptsTar(base *baseDB, baseScripts []byte, pkgs []Package, mtime time.Time) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	if err := base.scripts(tw, baseScripts, mtime); err != nil {
		return nil, err
	}
	for i := range pkgs {
		p := &pkgs[i]
		for _, s := range p.Scripts {
			name := fmt.Sprintf("%s-%s.%s.%s", p.Info.Name, p.Info.Version, p.Checksum, strings.TrimPrefix(s.Name, "."))
			hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o755, Size: int64(len(s.Body)), ModTime: mtime}
			if err := tw.WriteHeader(hdr); err != nil {
				return nil, fmt.Errorf("layer: writing script %s to scripts.tar: %w", name, err)
			}
			if _, err := tw.Write(s.Body); err != nil {
				return nil, fmt.Errorf("layer: writing script %s to scripts.tar: %w", name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("layer: finishing scripts.tar: %w", err)
	}
	return b.Bytes(), nil
}

// triggers is apk's trigger list: "<Q1 checksum> <glob>..." per package
// that declares triggers, in install order, after the base's.
func triggers(base *baseDB, baseTriggers []byte, pkgs []Package) []byte {
	var b bytes.Buffer
	base.triggers(&b, baseTriggers)
	for i := range pkgs {
		p := &pkgs[i]
		if len(p.Info.Triggers) == 0 {
			continue
		}
		b.WriteString(p.Checksum)
		for _, g := range p.Info.Triggers {
			b.WriteString(" " + g)
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}
