package main

import (
	"bytes"
	"flag"
	"fmt"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/baseimage"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
)

const sbomUsage = `usage: apkimage sbom --meta META.json --name NAME [--layout DIR [--base DIR --base-name NAME]] [--mtime SECONDS] --out SBOM.spdx.json
       apkimage sbom --layout DIR --base DIR --base-name NAME --name NAME [--mtime SECONDS] --out SBOM.spdx.json
       apkimage sbom --index LAYOUT --name NAME [--mtime SECONDS] --out SBOM.spdx.json

Writes an SPDX 2.3 JSON document. With --meta: the packages of META.json,
the OS of its os_release, and with --layout the image's digest and its
layers (image CONTAINS layers, each package's layer CONTAINS it); with
--base, the base image's manifest digest (image DESCENDANT_OF base). For an
image built on a base without packages of its own, --meta is the base's;
without --meta, the packages are those of the apk database in the base's
layers (none when it has none), each in the base layer holding its files
(a base another tool wrote). With --index: the image index's digest and
each platform's image.

flags:`

// sbomMain writes an image's or an index's SPDX 2.3 SBOM.
func sbomMain(args []string) error {
	fs := flag.NewFlagSet("sbom", flag.ContinueOnError)
	meta := fs.String("meta", "", "`META.json` written by apkimage layer")
	layout := fs.String("layout", "", "the image's OCI layout `DIR` (for its digest and layers)")
	index := fs.String("index", "", "an image index's OCI layout `DIR` (instead of --meta)")
	base := fs.String("base", "", "the base image's OCI layout `DIR` (for its digest), with --layout")
	baseName := fs.String("base-name", "", "the base image's `NAME`, with --base")
	name := fs.String("name", "", "image `NAME` for the document and its root package")
	mtime := mtimeFlag(fs, "the document's created time")
	out := fs.String("out", "", "output SPDX JSON `FILE` (written atomically)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), sbomUsage)
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return imgUsageError(fs, "unexpected arguments %q", fs.Args())
	}
	if *meta != "" && *index != "" || *meta == "" && *index == "" && *base == "" || *name == "" || *out == "" {
		return imgUsageError(fs, "--name, --out and one of --meta, --index or --layout with --base are required")
	}
	if (*base == "") != (*baseName == "") || (*base != "" && *layout == "") {
		return imgUsageError(fs, "--base and --base-name go together, with --layout")
	}
	when, err := mtimeValue(fs, *mtime)
	if err != nil {
		return err
	}
	when = when.UTC()
	var buf bytes.Buffer
	if *index != "" {
		x, err := indexDoc(*index, *name, when)
		if err != nil {
			return err
		}
		if err := sbom.WriteIndex(&buf, *x); err != nil {
			return err
		}
		return imgWriteFile(*out, buf.Bytes())
	}
	m := &sbom.Meta{Packages: []sbom.Package{}}
	if *meta != "" {
		if m, err = sbom.ReadMeta(*meta); err != nil {
			return err
		}
	} else {
		// No apk layer of this stack: the packages are the base's, in the
		// base's layers.
		im, err := baseimage.Read(*base)
		if err != nil {
			return fmt.Errorf("base image %s: %w", *baseName, err)
		}
		m.Packages = append(m.Packages, im.Packages...)
		m.OSRelease = im.OSRelease
	}
	doc := sbom.Doc{Name: *name, Created: when, Packages: m.Packages, OS: sbom.OSOf(m.OSRelease)}
	if *base != "" {
		d, err := image.ImageDigest(*base)
		if err != nil {
			return fmt.Errorf("base image %s: %w", *baseName, err)
		}
		doc.Base = &sbom.Base{Name: *baseName, Digest: d.String()}
	}
	if *layout != "" {
		s, err := image.Summarize(*layout)
		if err != nil {
			return err
		}
		if len(s.Layers) != len(s.DiffIDs) {
			return fmt.Errorf("layout %s is not a single image; pass the image's layout to --layout and an index's to --index", *layout)
		}
		doc.Digest = s.Digest.String()
		ours := map[string]bool{}
		if m.Digest != "" {
			ours[m.Digest] = true
		}
		for _, p := range m.Packages {
			if p.Layer != "" {
				ours[p.Layer] = true
			}
		}
		found := false
		for i, l := range s.Layers {
			has := ours[l.Digest.String()]
			found = found || has
			doc.Layers = append(doc.Layers, sbom.Layer{Digest: l.Digest.String(), DiffID: s.DiffIDs[i].String(), Packages: has})
		}
		if !found && *meta != "" {
			return fmt.Errorf("layout %s has no layer %s of %s: pass the META.json of the layer this image was built from", *layout, m.Digest, *meta)
		}
	}
	if err := sbom.Write(&buf, doc); err != nil {
		return fmt.Errorf("%s: %w", *meta, err)
	}
	return imgWriteFile(*out, buf.Bytes())
}

func indexDoc(dir, name string, created time.Time) (*sbom.Index, error) {
	s, err := image.Summarize(dir)
	if err != nil {
		return nil, err
	}
	if s.Manifests == nil {
		return nil, fmt.Errorf("layout %s holds an image, not an index; pass it to --layout with --meta", dir)
	}
	x := &sbom.Index{Name: name, Created: created, Digest: s.Digest.String()}
	for _, d := range s.Manifests {
		p := "unknown"
		if d.Platform != nil {
			p = d.Platform.OS + "/" + d.Platform.Architecture
			if d.Platform.Variant != "" {
				p += "/" + d.Platform.Variant
			}
		}
		x.Images = append(x.Images, sbom.IndexImage{Digest: d.Digest.String(), Platform: p})
	}
	return x, nil
}
