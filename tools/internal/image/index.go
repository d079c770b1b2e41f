package image

import (
	"fmt"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// MergeIndex writes to dir an OCI layout holding one image index over the
// single-platform layouts: index.json lists that index, and the index lists
// each image's manifest with its platform {os, architecture, variant} taken
// from the image's config, sorted by platform. Two layouts of the same
// platform are an error. All blobs are copied (or hard-linked) into dir.
func MergeIndex(dir string, layouts []string) (*Result, error) {
	return MergeIndexAnnotated(dir, layouts, nil)
}

// MergeIndexAnnotated is MergeIndex with annotations on the image index.
func MergeIndexAnnotated(dir string, layouts []string, annotations map[string]string) (*Result, error) {
	if len(layouts) == 0 {
		return nil, fmt.Errorf("index %s: no image layouts given; pass one layout per platform", dir)
	}
	images := make([]*single, 0, len(layouts))
	seen := map[string]string{}
	for _, l := range layouts {
		s, err := readSingle(l)
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", dir, err)
		}
		if s.desc.MediaType != types.OCIManifestSchema1 {
			return nil, fmt.Errorf("index %s: layout %s has a %q manifest, not an OCI one; rebuild it with apkimage image", dir, l, s.desc.MediaType)
		}
		p := s.platform()
		if p.OS == "" || p.Architecture == "" {
			return nil, fmt.Errorf("index %s: layout %s: its config names no os/architecture, so it cannot go in an index", dir, l)
		}
		key := platformString(p)
		if other, dup := seen[key]; dup {
			return nil, fmt.Errorf("index %s: layouts %s and %s are both %s; pass one layout per platform", dir, other, l, key)
		}
		seen[key] = l
		images = append(images, s)
	}
	var res *Result
	err := writeAtomic(dir, func(tmp string) error {
		var err error
		res, err = buildIndex(tmp, images, annotations)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", dir, err)
	}
	return res, nil
}

func buildIndex(tmp string, images []*single, annotations map[string]string) (*Result, error) {
	if err := initLayout(tmp); err != nil {
		return nil, err
	}
	manifests := make([]v1.Descriptor, 0, len(images))
	for _, s := range images {
		if err := copyImage(tmp, s); err != nil {
			return nil, fmt.Errorf("layout %s: %w", s.dir, err)
		}
		p := s.platform()
		manifests = append(manifests, v1.Descriptor{
			MediaType: s.desc.MediaType,
			Size:      s.desc.Size,
			Digest:    s.desc.Digest,
			Platform:  &p,
		})
	}
	sortPlatforms(manifests)
	idesc, _, err := putJSON(tmp, types.OCIImageIndex, v1.IndexManifest{
		SchemaVersion: 2,
		MediaType:     types.OCIImageIndex,
		Manifests:     manifests,
		Annotations:   nonEmpty(annotations),
	})
	if err != nil {
		return nil, err
	}
	if err := writeIndexJSON(tmp, idesc); err != nil {
		return nil, err
	}
	return &Result{Descriptor: idesc, ManifestDigest: idesc.Digest, Manifests: manifests}, nil
}

// copyImage links an image's manifest, config and layer blobs into dir.
func copyImage(dir string, s *single) error {
	blobs := append([]v1.Descriptor{s.desc, s.manifest.Config}, s.manifest.Layers...)
	for _, d := range blobs {
		if err := linkVerified(dir, s.dir, d); err != nil {
			return err
		}
	}
	return nil
}
