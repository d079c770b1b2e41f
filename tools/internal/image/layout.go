package image

import (
	"fmt"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// WriteLayout writes a single-platform OCI image layout to dir: Base's layers
// (if any) followed by spec.Layers, with a config built from Base's and the
// spec's settings. index.json lists the one manifest with its platform.
func WriteLayout(dir string, spec Spec) (*Result, error) {
	if spec.OS == "" || spec.Arch == "" {
		return nil, fmt.Errorf("image %s: the platform needs both an OS and an architecture (got %q/%q)", dir, spec.OS, spec.Arch)
	}
	var base *single
	if spec.Base != "" {
		var err error
		if base, err = readSingle(spec.Base); err != nil {
			return nil, fmt.Errorf("base: %w", err)
		}
		if err := checkBasePlatform(base, spec); err != nil {
			return nil, err
		}
	}
	var res *Result
	err := writeAtomic(dir, func(tmp string) error {
		var err error
		res, err = build(tmp, base, spec)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", dir, err)
	}
	return res, nil
}

func checkBasePlatform(base *single, spec Spec) error {
	p := base.platform()
	if (p.OS != "" && p.OS != spec.OS) || (p.Architecture != "" && p.Architecture != spec.Arch) ||
		(p.Variant != "" && spec.Variant != "" && p.Variant != spec.Variant) {
		return fmt.Errorf("base %s is %s but the image is %s; use the base built for this platform",
			base.dir, clipName(platformString(p)), platformString(v1.Platform{OS: spec.OS, Architecture: spec.Arch, Variant: spec.Variant}))
	}
	return nil
}

// build writes the layout's files into the empty directory tmp.
func build(tmp string, base *single, spec Spec) (*Result, error) {
	if err := initLayout(tmp); err != nil {
		return nil, err
	}
	created := spec.Created.UTC()
	if spec.Created.IsZero() {
		created = time.Unix(0, 0).UTC()
	}
	cfg := configFile{}
	var layers []v1.Descriptor
	if base != nil {
		cfg = base.config
		for _, l := range base.manifest.Layers {
			mt, ok := ociLayerType(l.MediaType)
			if !ok {
				return nil, fmt.Errorf("base %s: layer %s has media type %q, which has no OCI equivalent here; use a base with gzip, zstd or plain tar layers", base.dir, l.Digest, clipName(string(l.MediaType)))
			}
			if err := linkVerified(tmp, base.dir, l); err != nil {
				return nil, fmt.Errorf("base %s: layer: %w", base.dir, err)
			}
			l.MediaType = mt
			layers = append(layers, l)
		}
	}
	cfg.RootFS.Type = "layers"
	cfg.RootFS.DiffIDs = append([]v1.Hash(nil), cfg.RootFS.DiffIDs...)
	cfg.History = append([]history(nil), cfg.History...)
	for _, l := range spec.Layers {
		add := compressLayer
		if l.Gzipped {
			add = addGzippedLayer
		}
		r, err := add(tmp, l.Path)
		if err != nil {
			return nil, fmt.Errorf("layer %s: %w", l.Path, err)
		}
		layers = append(layers, v1.Descriptor{MediaType: types.OCILayer, Size: r.Size, Digest: r.Digest})
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, r.DiffID)
		cfg.History = append(cfg.History, history{Created: &v1.Time{Time: created}, CreatedBy: l.CreatedBy})
	}
	if err := applySettings(&cfg, spec, created); err != nil {
		return nil, err
	}

	cdesc, cbytes, err := putJSON(tmp, types.OCIConfigJSON, cfg)
	if err != nil {
		return nil, err
	}
	if layers == nil {
		layers = []v1.Descriptor{} // "layers": [] rather than null
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.OCIManifestSchema1,
		Config:        cdesc,
		Layers:        layers,
		Annotations:   nonEmpty(manifestAnnotations(base, spec)),
	}
	mdesc, _, err := putJSON(tmp, types.OCIManifestSchema1, m)
	if err != nil {
		return nil, err
	}
	mdesc.Platform = &v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant}
	if err := writeIndexJSON(tmp, mdesc); err != nil {
		return nil, err
	}
	return &Result{
		Descriptor:     mdesc,
		ManifestDigest: mdesc.Digest,
		ConfigDigest:   cdesc.Digest,
		Config:         cbytes,
		Layers:         layers,
		DiffIDs:        cfg.RootFS.DiffIDs,
	}, nil
}

// applySettings puts the spec's platform and runtime settings over cfg,
// which holds the base's config (or nothing).
func applySettings(cfg *configFile, spec Spec, created time.Time) error {
	cfg.OS, cfg.Architecture, cfg.Variant = spec.OS, spec.Arch, spec.Variant
	cfg.Created = &v1.Time{Time: created}
	c := &cfg.Config
	env, err := mergeEnv(c.Env, spec.Env)
	if err != nil {
		return err
	}
	for _, e := range spec.DefaultEnv {
		k, _, ok := strings.Cut(e, "=")
		if !ok || k == "" {
			return fmt.Errorf("default environment entry %q is not KEY=VALUE", e)
		}
		if !hasKey(env, k) {
			env = append(env, e)
		}
	}
	c.Env = env
	if spec.StopSignal != "" {
		c.StopSignal = spec.StopSignal
	}
	if err := addVolumes(c, spec.Volumes); err != nil {
		return err
	}
	if err := addPorts(c, spec.ExposedPorts); err != nil {
		return err
	}
	if spec.User != "" {
		c.User = spec.User
	}
	if spec.WorkDir != "" {
		c.WorkingDir = spec.WorkDir
	}
	if spec.Entrypoint != nil {
		c.Entrypoint = append([]string{}, spec.Entrypoint...)
	}
	if spec.Cmd != nil {
		c.Cmd = append([]string{}, spec.Cmd...)
	}
	if len(spec.Labels) > 0 {
		labels := make(map[string]string, len(c.Labels)+len(spec.Labels))
		for k, v := range c.Labels {
			labels[k] = v
		}
		for k, v := range spec.Labels {
			labels[k] = v
		}
		c.Labels = labels
	}
	return nil
}

// mergeEnv returns base with each KEY=VALUE of set applied: an existing key
// keeps its position with the new value, a new key is appended.
func mergeEnv(base, set []string) ([]string, error) {
	out := append([]string(nil), base...)
	pos := map[string]int{}
	for i, e := range out {
		k, _, _ := strings.Cut(e, "=")
		pos[k] = i
	}
	for _, e := range set {
		k, _, ok := strings.Cut(e, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("environment entry %q is not KEY=VALUE", e)
		}
		if i, seen := pos[k]; seen {
			out[i] = e
			continue
		}
		pos[k] = len(out)
		out = append(out, e)
	}
	return out, nil
}

// Annotation keys of the OCI image spec that are filled in here.
const (
	AnnotationBaseDigest = "org.opencontainers.image.base.digest"
	AnnotationBaseName   = "org.opencontainers.image.base.name"
)

// manifestAnnotations is spec.Annotations plus the base annotations, which
// an explicit annotation of the same key overrides.
func manifestAnnotations(base *single, spec Spec) map[string]string {
	if base == nil {
		return spec.Annotations
	}
	m := map[string]string{AnnotationBaseDigest: base.desc.Digest.String()}
	if spec.BaseName != "" {
		m[AnnotationBaseName] = spec.BaseName
	}
	for k, v := range spec.Annotations {
		m[k] = v
	}
	return m
}

func nonEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

func platformString(p v1.Platform) string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// sortPlatforms orders descriptors by (os, architecture, variant).
func sortPlatforms(ds []v1.Descriptor) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Platform, ds[j].Platform
		if a.OS != b.OS {
			return a.OS < b.OS
		}
		if a.Architecture != b.Architecture {
			return a.Architecture < b.Architecture
		}
		return a.Variant < b.Variant
	})
}
