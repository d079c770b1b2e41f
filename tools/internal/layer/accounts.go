package layer

import (
	"archive/tar"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/accounts"
)

const (
	passwdKey = "etc/passwd"
	groupKey  = "etc/group"
	// maxAccountLine bounds one line of a shipped passwd or group file.
	maxAccountLine = 64 << 10
)

// addAccounts appends accounts to /etc/passwd and /etc/group and creates
// their home directories.
func addAccounts(t *tree, sp spool, accounts []Account) error {
	if len(accounts) == 0 {
		return nil
	}
	accts := make([]Account, len(accounts))
	seen := map[string]bool{}
	for i, a := range accounts {
		if a.Home == "" {
			a.Home = "/home/" + a.Name
		}
		if a.Shell == "" {
			a.Shell = "/sbin/nologin"
		}
		if err := checkAccount(a); err != nil {
			return err
		}
		if seen[a.Name] {
			return fmt.Errorf("layer: account %q is configured twice; keep one", a.Name)
		}
		seen[a.Name] = true
		accts[i] = a
	}

	users, err := t.readTable(passwdKey, sp)
	if err != nil {
		return err
	}
	var pw bytes.Buffer
	for _, a := range accts {
		if _, ok := users.ids[a.Name]; ok {
			return fmt.Errorf("layer: account %q is already in /etc/passwd of %s; choose another name or drop the account", a.Name, users.owner)
		}
		fmt.Fprintf(&pw, "%s:x:%d:%d::%s:%s\n", a.Name, a.UID, a.GID, a.Home, a.Shell)
	}
	if err := t.appendFile(passwdKey, users, pw.Bytes()); err != nil {
		return err
	}

	groups, err := t.readTable(groupKey, sp)
	if err != nil {
		return err
	}
	var gr bytes.Buffer
	for _, a := range accts {
		gid, named := groups.ids[a.Name]
		switch {
		case named && gid != a.GID:
			return fmt.Errorf("layer: group %q has gid %d in /etc/group of %s, but account %q wants gid %d; use gid %d or another name",
				a.Name, gid, groups.owner, a.Name, a.GID, gid)
		case named, groups.gids[a.GID]:
			continue // the account joins the existing group
		}
		fmt.Fprintf(&gr, "%s:x:%d:\n", a.Name, a.GID)
		groups.ids[a.Name], groups.gids[a.GID] = a.GID, true
	}
	if err := t.appendFile(groupKey, groups, gr.Bytes()); err != nil {
		return err
	}

	for _, a := range accts {
		key, _ := cleanName(strings.TrimPrefix(a.Home, "/"))
		if key == "" {
			continue
		}
		if err := t.ensureDir(key, meta{mode: 0o755, uid: a.UID, gid: a.GID}); err != nil {
			return fmt.Errorf("%w (the home directory of account %q)", err, a.Name)
		}
	}
	return nil
}

func checkAccount(a Account) error {
	if a.UID < 0 || a.GID < 0 {
		return fmt.Errorf("layer: account %q has a negative uid or gid; use ids >= 0", a.Name)
	}
	if err := accounts.Check(a.Name, a.Home, a.Shell); err != nil {
		return fmt.Errorf("layer: account: %w", err)
	}
	return nil
}

// table is what a shipped passwd or group file already defines.
type table struct {
	owner string         // who shipped it, for messages
	ids   map[string]int // name → third field (uid or gid)
	gids  map[int]bool   // third fields seen
	nl    bool           // the content is empty or ends with a newline
}

// readTable reads the names of a shipped passwd or group file.
func (t *tree) readTable(key string, sp spool) (*table, error) {
	tb := &table{owner: generated, ids: map[string]int{}, gids: map[int]bool{}, nl: true}
	e := t.entries[key]
	if e == nil {
		return tb, nil
	}
	tb.owner = t.label(e.owner)
	if e.typ != tar.TypeReg {
		return nil, fmt.Errorf("layer: /%s of %s is not a regular file; accounts cannot be added to it: drop the accounts or the package", key, tb.owner)
	}
	last := &lastByte{r: io.MultiReader(sp.section(e.node.off, e.node.size), bytes.NewReader(e.node.extra))}
	sc := bufio.NewScanner(last)
	sc.Buffer(make([]byte, 4096), maxAccountLine)
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), ":", 4)
		if len(f) < 3 {
			continue
		}
		id, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		tb.ids[f[0]] = id
		tb.gids[id] = true
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("layer: reading /%s of %s: %w", key, tb.owner, err)
	}
	tb.nl = last.n == 0 || last.b == '\n'
	return tb, nil
}

// appendFile adds lines to the file at key, or creates it 0644 root:root.
// The shipped content stays in the spool; only the addition is in memory.
func (t *tree) appendFile(key string, tb *table, lines []byte) error {
	if len(lines) == 0 {
		return nil
	}
	e := t.entries[key]
	if e == nil {
		return t.setFile(key, lines, meta{mode: 0o644})
	}
	old := e.node
	extra := append([]byte(nil), old.extra...)
	if !tb.nl {
		extra = append(extra, '\n')
	}
	// A new inode: a hardlink to the shipped file keeps the old content.
	e.node = &inode{meta: old.meta, off: old.off, size: old.size, extra: append(extra, lines...)}
	return nil
}

// lastByte remembers the last byte read through it.
type lastByte struct {
	r io.Reader
	b byte
	n int64
}

func (l *lastByte) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if n > 0 {
		l.b = p[n-1]
		l.n += int64(n)
	}
	return n, err
}
