// Package extralayer writes the image verb's layer of accounts and
// permissions: users and groups added to /etc/passwd, /etc/group and
// /etc/shadow as the stacked layers hold them, new homes, and new modes and
// owners for declared paths. It also resolves the config's user name to
// numbers against those files. cmd/apkimage parses the flags.
package extralayer

import (
	"archive/tar"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/accounts"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/image"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/paths"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/rootfs"
)

// Spec is the --accounts JSON: what the image verb adds in a layer of its
// own on top of every other layer.
type Spec struct {
	Users       []string          `json:"users"`       // NAME:UID[:GID[:HOME[:SHELL]]]
	Groups      []string          `json:"groups"`      // NAME:GID[:MEMBER,...]
	Permissions map[string]string `json:"permissions"` // absolute path → "[MODE] [UID:GID] [recursive]"
}

// ReadSpec reads and parses the --accounts JSON file p.
func ReadSpec(p string) (*Spec, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("reading accounts and permissions: %w", err)
	}
	var s Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", p, err)
	}
	return &s, nil
}

const (
	passwdPath = "etc/passwd"
	groupPath  = "etc/group"
	shadowPath = "etc/shadow"
)

// Write reads what it needs from the stacked layers (the base OCI layout
// base, if any, then layers), writes the accounts and permissions layer to
// a temporary tar (its path is returned, "" when nothing is added; the
// caller removes it) and resolves user to numbers. A nil spec adds nothing.
func Write(spec *Spec, base string, layers []image.Layer, user string, mtime time.Time) (tarPath, resolved string, err error) {
	if spec == nil {
		spec = &Spec{}
	}
	var users []accounts.User
	for _, s := range spec.Users {
		u, err := accounts.ParseUser(s)
		if err != nil {
			return "", "", err
		}
		users = append(users, u)
	}
	var groups []accounts.Group
	for _, s := range spec.Groups {
		g, err := accounts.ParseGroup(s)
		if err != nil {
			return "", "", err
		}
		groups = append(groups, g)
	}
	perms := map[string]paths.Attrs{}
	for p, v := range spec.Permissions {
		key, err := paths.Clean(p)
		if err != nil {
			return "", "", fmt.Errorf("permissions: %w", err)
		}
		a, err := paths.ParseAttrs(v)
		if err != nil {
			return "", "", fmt.Errorf("permissions of %s: %w", p, err)
		}
		perms[key] = a
	}
	needUser := user != "" && !accounts.Numeric(user)
	if len(users) == 0 && len(groups) == 0 && len(perms) == 0 && !needUser {
		return "", user, nil
	}

	stack, err := stackFiles(base, layers)
	if err != nil {
		return "", "", err
	}
	wanted := map[string]bool{"etc": true, passwdPath: true, groupPath: true, shadowPath: true}
	for _, u := range users {
		for d := u.Home[1:]; d != "."; d = path.Dir(d) {
			wanted[d] = true
		}
	}
	for k := range perms {
		for d := path.Dir(k); d != "."; d = path.Dir(d) {
			wanted[d] = true // parents: they must not be re-created with defaults
		}
	}
	tree, err := rootfs.Read(stack, func(p string) bool {
		if wanted[p] {
			return true
		}
		for k, a := range perms {
			if p == k || a.Recursive && strings.HasPrefix(p, k+"/") {
				return true
			}
		}
		return false
	}, 0)
	if err != nil {
		return "", "", err
	}

	entries := map[string]*paths.Entry{}
	files := accounts.Files{Passwd: content(tree, passwdPath), Group: content(tree, groupPath), Shadow: content(tree, shadowPath)}
	if len(users) > 0 || len(groups) > 0 {
		files, err = accounts.Add(files, users, groups)
		if err != nil {
			return "", "", err
		}
		shadowGID := 0
		if g, ok := accounts.GroupID(files.Group, "shadow"); ok {
			shadowGID = g
		}
		for _, f := range []struct {
			key  string
			data []byte
			def  paths.Entry
		}{
			{passwdPath, files.Passwd, paths.Entry{Mode: 0o644}},
			{groupPath, files.Group, paths.Entry{Mode: 0o644}},
			{shadowPath, files.Shadow, paths.Entry{Mode: 0o640, GID: shadowGID}},
		} {
			e := f.def
			if old := tree[f.key]; old != nil {
				if old.Type != tar.TypeReg {
					return "", "", fmt.Errorf("/%s in the layers below is not a regular file; accounts cannot be added to it", f.key)
				}
				e.Mode, e.UID, e.GID = old.Mode, old.UID, old.GID
			}
			e.Path, e.Type, e.Data = f.key, tar.TypeReg, f.data
			entries[f.key] = &e
		}
		for _, u := range users {
			key := u.Home[1:]
			if u.Home == "/" || tree[key] != nil || entries[key] != nil {
				continue // an existing home is left as it is
			}
			entries[key] = &paths.Entry{Path: key, Type: tar.TypeDir, Mode: 0o700, UID: u.UID, GID: u.GID}
		}
	}
	if err := applyPermissions(entries, tree, perms); err != nil {
		return "", "", err
	}

	resolved = user
	if needUser {
		if resolved, err = accounts.Resolve(user, files.Passwd, files.Group); err != nil {
			return "", "", err
		}
	}
	if len(entries) == 0 {
		return "", resolved, nil
	}
	if err := checkParents(entries, tree); err != nil {
		return "", "", err
	}
	tarPath, err = writeEntries(entries, tree, mtime)
	return tarPath, resolved, err
}

// checkParents refuses an entry below a symlink of the layers beneath
// (a base whose /etc or /home is a link): unpacked, it would land where
// the link points, not where the accounts and permissions say.
func checkParents(entries map[string]*paths.Entry, tree rootfs.Tree) error {
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for d := path.Dir(k); d != "."; d = path.Dir(d) {
			if f := tree[d]; f != nil && f.Type == tar.TypeSymlink {
				return fmt.Errorf("/%s would be written through /%s, a symlink to %q in the layers below; choose a path outside it, or a base without that link", k, d, f.Link)
			}
		}
	}
	return nil
}

func stackFiles(base string, layers []image.Layer) ([]rootfs.Layer, error) {
	var out []rootfs.Layer
	if base != "" {
		bl, err := image.LayerFiles(base)
		if err != nil {
			return nil, fmt.Errorf("base: %w", err)
		}
		for _, l := range bl {
			// Open checks the blob's digest and bounds decompression.
			out = append(out, rootfs.Layer{Path: l.Path, Open: l.Open})
		}
	}
	for _, l := range layers {
		rl := rootfs.Layer{Path: l.Path, Gzipped: l.Gzipped}
		if !l.Gzipped {
			p := l.Path // a --tar file: plain, gzip or bzip2 by its content
			rl.Open = func() (io.ReadCloser, error) { return image.OpenTar(p) }
		}
		out = append(out, rl)
	}
	return out, nil
}

func content(t rootfs.Tree, key string) []byte {
	if f := t[key]; f != nil && f.Type == tar.TypeReg {
		return f.Data
	}
	return nil
}

// applyPermissions re-emits each selected path (and, when recursive, all
// below it) with the new mode and owner.
func applyPermissions(entries map[string]*paths.Entry, tree rootfs.Tree, perms map[string]paths.Attrs) error {
	keys := make([]string, 0, len(perms))
	for k := range perms {
		keys = append(keys, k)
	}
	sort.Strings(keys) // parents first, so a deeper path's own setting wins
	for _, k := range keys {
		a := perms[k]
		if tree[k] == nil && entries[k] == nil {
			return fmt.Errorf("permissions: /%s is not in the image; create it first (paths_tar, tars or packages)", k)
		}
		var targets []string
		for p := range tree {
			if p == k || a.Recursive && strings.HasPrefix(p, k+"/") {
				targets = append(targets, p)
			}
		}
		for p := range entries {
			if (p == k || a.Recursive && strings.HasPrefix(p, k+"/")) && tree[p] == nil {
				targets = append(targets, p)
			}
		}
		for _, p := range targets {
			e := entries[p]
			if e == nil {
				f := tree[p]
				if f.Type == tar.TypeSymlink {
					continue // a symlink's own mode and owner mean nothing
				}
				e = &paths.Entry{Path: p, Type: f.Type, Mode: f.Mode, UID: f.UID, GID: f.GID, Data: f.Data, Link: f.Link}
				entries[p] = e
			}
			a.Apply(e)
		}
	}
	return nil
}

func writeEntries(entries map[string]*paths.Entry, tree rootfs.Tree, mtime time.Time) (p string, err error) {
	list := make([]paths.Entry, 0, len(entries))
	for _, e := range entries {
		list = append(list, *e)
	}
	f, err := os.CreateTemp("", "apkimage-accounts-*.tar")
	if err != nil {
		return "", fmt.Errorf("writing the accounts layer: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("writing the accounts layer: %w", cerr)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	tw := tar.NewWriter(f)
	exists := func(d string) bool { return tree[d] != nil && tree[d].Type == tar.TypeDir }
	if err := paths.Write(tw, list, mtime, exists); err != nil {
		return "", fmt.Errorf("accounts and permissions layer: %w", err)
	}
	if err := tw.Close(); err != nil {
		return "", fmt.Errorf("writing the accounts layer: %w", err)
	}
	return f.Name(), nil
}
