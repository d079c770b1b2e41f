package main

import (
	"flag"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/extralayer"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/sbom"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/stamp"
)

// defaultPath is the PATH an image gets when neither its base nor env set
// one: Alpine's and apko's.
const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// defaultEnv is PATH, and SSL_CERT_FILE when the layer's META.json names
// an installed CA bundle.
func defaultEnv(metaPath string) ([]string, error) {
	env := []string{defaultPath}
	if metaPath == "" {
		return env, nil
	}
	m, err := sbom.ReadMeta(metaPath)
	if err != nil {
		return nil, err
	}
	if m.CABundle != "" {
		env = append(env, "SSL_CERT_FILE="+m.CABundle)
	}
	return env, nil
}

// readExtra reads the --accounts file, if any.
func readExtra(p string) (*extralayer.Spec, error) {
	if p == "" {
		return nil, nil
	}
	return extralayer.ReadSpec(p)
}

// stampResult checks --mtime and decides the created time and the stamped
// annotations. Without status files the result depends only on --mtime.
func stampResult(fs *flag.FlagSet, mtime int64, statusFiles []string, keys imgKV) (*stamp.Result, error) {
	created, err := mtimeValue(fs, mtime)
	if err != nil {
		return nil, err
	}
	var status map[string]string
	if len(statusFiles) > 0 {
		if status, err = stamp.ReadStatus(statusFiles...); err != nil {
			return nil, err
		}
	}
	return stamp.Annotations(created, status, imgMap(keys))
}

// plainList is a repeatable flag whose values are kept as given.
type plainList struct{ kv *imgKV }

func (p plainList) String() string {
	if p.kv == nil {
		return ""
	}
	return strings.Join(p.kv.list, ",")
}

func (p plainList) Set(s string) error {
	p.kv.list = append(p.kv.list, s)
	return nil
}
