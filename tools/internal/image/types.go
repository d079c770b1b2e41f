package image

import (
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Spec describes a single-platform image.
type Spec struct {
	// Base is an optional OCI layout directory whose index.json lists exactly
	// one image manifest; its layers, config and history come first.
	Base string
	// Layers are stacked in order on top of Base's layers.
	Layers []Layer
	// OS, Arch and Variant are the platform (Go names: linux, amd64, arm v7).
	OS, Arch, Variant string
	// Env entries are KEY=VALUE; a key set here replaces Base's value in place.
	Env []string
	// User and WorkDir replace Base's when non-empty.
	User, WorkDir string
	// Entrypoint and Cmd replace Base's when non-nil; an empty, non-nil slice
	// clears them.
	Entrypoint, Cmd []string
	// Labels are merged over Base's labels.
	Labels map[string]string
	// DefaultEnv entries are KEY=VALUE set only when neither Base nor Env
	// set KEY (a default PATH, SSL_CERT_FILE when a CA bundle is installed).
	DefaultEnv []string
	// StopSignal replaces Base's when non-empty (e.g. SIGTERM).
	StopSignal string
	// Volumes and ExposedPorts are added to Base's. A port is
	// PORT[/tcp|/udp|/sctp]; without a protocol it is tcp.
	Volumes, ExposedPorts []string
	// Annotations go on the manifest only; nothing is inherited. With a Base,
	// org.opencontainers.image.base.digest (the base's manifest digest) and,
	// when BaseName is set, .base.name are added unless given here.
	Annotations map[string]string
	// BaseName names Base in the base.name annotation (e.g. its label).
	BaseName string
	// Created is the config's and every new history entry's time; the zero
	// time means the Unix epoch.
	Created time.Time
}

// Layer is one layer file.
type Layer struct {
	// Path is a tar, plain or gzip/bzip2-compressed (Gzipped false: the
	// uncompressed tar is gzipped here), or a tar+gzip file taken as is.
	Path string
	// Gzipped marks Path as already compressed; it is used byte for byte.
	Gzipped bool
	// CreatedBy is the layer's history created_by text.
	CreatedBy string
}

// Result describes what was written.
type Result struct {
	// Descriptor is the single entry of the layout's index.json.
	Descriptor v1.Descriptor
	// ManifestDigest is the image manifest's digest (WriteLayout) or the
	// image index's digest (MergeIndex).
	ManifestDigest v1.Hash
	// ConfigDigest is the config blob's digest (WriteLayout only).
	ConfigDigest v1.Hash
	// Config is the config blob's bytes (WriteLayout only).
	Config []byte
	// Layers are the manifest's layer descriptors, base layers first.
	Layers []v1.Descriptor
	// DiffIDs are the config's rootfs.diff_ids, one per layer.
	DiffIDs []v1.Hash
	// Manifests are the index's platform manifests, sorted (MergeIndex only).
	Manifests []v1.Descriptor
}

// configFile is the config blob. It mirrors v1.ConfigFile without the Docker
// fields and with pointer times, so that a missing time stays missing instead
// of becoming year 1.
type configFile struct {
	Architecture string    `json:"architecture"`
	Author       string    `json:"author,omitempty"`
	Created      *v1.Time  `json:"created,omitempty"`
	History      []history `json:"history,omitempty"`
	OS           string    `json:"os"`
	RootFS       v1.RootFS `json:"rootfs"`
	Config       v1.Config `json:"config"`
	OSVersion    string    `json:"os.version,omitempty"`
	Variant      string    `json:"variant,omitempty"`
	OSFeatures   []string  `json:"os.features,omitempty"`
}

type history struct {
	Author     string   `json:"author,omitempty"`
	Created    *v1.Time `json:"created,omitempty"`
	CreatedBy  string   `json:"created_by,omitempty"`
	Comment    string   `json:"comment,omitempty"`
	EmptyLayer bool     `json:"empty_layer,omitempty"`
}
