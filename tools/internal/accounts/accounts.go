package accounts

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"
)

// User is one account to add.
type User struct {
	Name     string
	UID, GID int
	Home     string // absolute
	Shell    string
}

// Group is one group to add; Members are user names.
type Group struct {
	Name    string
	GID     int
	Members []string
}

// ParseUser parses NAME:UID[:GID[:HOME[:SHELL]]] and fills the defaults.
func ParseUser(s string) (User, error) {
	f := strings.Split(s, ":")
	if len(f) < 2 || len(f) > 5 {
		return User{}, fmt.Errorf("user %q: want NAME:UID[:GID[:HOME[:SHELL]]]", s)
	}
	u := User{Name: f[0], Home: "/home/" + f[0], Shell: "/sbin/nologin"}
	var err error
	if u.UID, err = id(f[1]); err != nil {
		return User{}, fmt.Errorf("user %q: uid: %w", s, err)
	}
	u.GID = u.UID
	if len(f) > 2 && f[2] != "" {
		if u.GID, err = id(f[2]); err != nil {
			return User{}, fmt.Errorf("user %q: gid: %w", s, err)
		}
	}
	if len(f) > 3 && f[3] != "" {
		u.Home = f[3]
	}
	if len(f) > 4 && f[4] != "" {
		u.Shell = f[4]
	}
	return u, checkUser(u)
}

// ParseGroup parses NAME:GID[:MEMBER,MEMBER...].
func ParseGroup(s string) (Group, error) {
	f := strings.Split(s, ":")
	if len(f) < 2 || len(f) > 3 {
		return Group{}, fmt.Errorf("group %q: want NAME:GID[:MEMBER,MEMBER...]", s)
	}
	g := Group{Name: f[0]}
	var err error
	if g.GID, err = id(f[1]); err != nil {
		return Group{}, fmt.Errorf("group %q: gid: %w", s, err)
	}
	if len(f) == 3 && f[2] != "" {
		g.Members = strings.Split(f[2], ",")
	}
	if !plainName(g.Name) {
		return Group{}, fmt.Errorf("group %q: name %q is empty or has ':', ',', '/', a space or a control character", s, g.Name)
	}
	for _, m := range g.Members {
		if !plainName(m) {
			return Group{}, fmt.Errorf("group %q: member %q is empty or has ':', ',', '/', a space or a control character", s, m)
		}
	}
	return g, nil
}

func id(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 1<<31-2 || strconv.Itoa(n) != s {
		return 0, fmt.Errorf("%q is not a number from 0 to 2147483646", s)
	}
	return n, nil
}

func plainName(s string) bool {
	return s != "" && !strings.ContainsAny(s, ":,/ ") && !hasControl(s)
}

// hasControl reports a control character: a line break splits the files'
// lines, and the others (escapes, NUL) garble what tools print or read.
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0
}

func checkUser(u User) error { return Check(u.Name, u.Home, u.Shell) }

// Check refuses a user name, home or shell that would break the
// colon-separated lines of /etc/passwd, /etc/shadow and /etc/group (and
// their comma-separated member lists). Shared by every writer of accounts
// (this package and the layer's --account).
func Check(name, home, shell string) error {
	switch {
	case !plainName(name):
		return fmt.Errorf("user name %q is empty or has ':', ',', '/', a space or a control character; use a plain name", name)
	case !path.IsAbs(home) || path.Clean(home) != home || strings.Contains(home, ":") || hasControl(home):
		return fmt.Errorf("home %q of user %q is not a clean absolute path; use one like /home/%s", home, name, name)
	case strings.Contains(shell, ":") || hasControl(shell):
		return fmt.Errorf("shell %q of user %q has ':' or a control character", shell, name)
	}
	return nil
}

// table is a parsed passwd or group file: names in order with their id.
type table struct {
	ids   map[string]int
	byID  map[int]string
	order []string
}

func parseTable(b []byte) table {
	t := table{ids: map[string]int{}, byID: map[int]string{}}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.SplitN(line, ":", 4)
		if len(f) < 3 {
			continue
		}
		n, err := strconv.Atoi(f[2])
		if err != nil {
			continue
		}
		if _, seen := t.ids[f[0]]; !seen {
			t.ids[f[0]] = n
			t.order = append(t.order, f[0])
		}
		if _, seen := t.byID[n]; !seen {
			t.byID[n] = f[0]
		}
	}
	return t
}

// Files are the three account files; nil means the file does not exist.
type Files struct {
	Passwd, Group, Shadow []byte
}

// Add appends users and groups to f. A name already present is an error
// (it says where); a user whose gid no group has gets a group of its name.
func Add(f Files, users []User, groups []Group) (Files, error) {
	pw, gr := parseTable(f.Passwd), parseTable(f.Group)
	var addPw, addGr, addSh bytes.Buffer
	for _, u := range users {
		if err := checkUser(u); err != nil {
			return Files{}, err
		}
		if _, dup := pw.ids[u.Name]; dup {
			return Files{}, fmt.Errorf("user %q is already in /etc/passwd (of the base or a package); choose another name or drop the user", u.Name)
		}
		pw.ids[u.Name] = u.UID
		fmt.Fprintf(&addPw, "%s:x:%d:%d::%s:%s\n", u.Name, u.UID, u.GID, u.Home, u.Shell)
		fmt.Fprintf(&addSh, "%s:!::0:::::\n", u.Name)
	}
	for _, g := range groups {
		if _, dup := gr.ids[g.Name]; dup {
			return Files{}, fmt.Errorf("group %q is already in /etc/group (of the base or a package); choose another name or drop the group", g.Name)
		}
		gr.ids[g.Name] = g.GID
		gr.byID[g.GID] = g.Name
		fmt.Fprintf(&addGr, "%s:x:%d:%s\n", g.Name, g.GID, strings.Join(g.Members, ","))
	}
	for _, u := range users {
		if _, ok := gr.byID[u.GID]; ok {
			continue
		}
		if gid, dup := gr.ids[u.Name]; dup {
			return Files{}, fmt.Errorf("user %q wants gid %d, but group %q has gid %d; give the user gid %d or add a group with gid %d", u.Name, u.GID, u.Name, gid, gid, u.GID)
		}
		gr.ids[u.Name], gr.byID[u.GID] = u.GID, u.Name
		fmt.Fprintf(&addGr, "%s:x:%d:\n", u.Name, u.GID)
	}
	return Files{
		Passwd: appendLines(f.Passwd, addPw.Bytes()),
		Group:  appendLines(f.Group, addGr.Bytes()),
		Shadow: appendLines(f.Shadow, addSh.Bytes()),
	}, nil
}

// appendLines appends add to b, first ending b's last line if needed.
func appendLines(b, add []byte) []byte {
	out := append([]byte(nil), b...)
	if len(out) > 0 && out[len(out)-1] != '\n' && len(add) > 0 {
		out = append(out, '\n')
	}
	return append(out, add...)
}

// Resolve turns a config User given by name (NAME, NAME:GROUP, UID:GROUP,
// NAME:GID) into numbers using passwd and group. Numeric parts are kept;
// an unknown name is an error that says which file lacks it.
func Resolve(user string, passwd, group []byte) (string, error) {
	if user == "" {
		return "", nil
	}
	u, g, hasGroup := strings.Cut(user, ":")
	pw := parseTable(passwd)
	if _, err := strconv.Atoi(u); err != nil {
		uid, ok := pw.ids[u]
		if !ok {
			return "", fmt.Errorf("user %q is not in the image's /etc/passwd; add it with users, or give a uid", u)
		}
		u = strconv.Itoa(uid)
	}
	if !hasGroup {
		return u, nil
	}
	if _, err := strconv.Atoi(g); err != nil {
		gid, ok := parseTable(group).ids[g]
		if !ok {
			return "", fmt.Errorf("group %q (of user %q) is not in the image's /etc/group; add it with groups, or give a gid", g, user)
		}
		g = strconv.Itoa(gid)
	}
	return u + ":" + g, nil
}

// Numeric reports whether user needs no lookup.
func Numeric(user string) bool {
	if user == "" {
		return true
	}
	for _, part := range strings.Split(user, ":") {
		if _, err := strconv.Atoi(part); err != nil {
			return false
		}
	}
	return true
}

// GroupID returns the gid of the group called name.
func GroupID(group []byte, name string) (int, bool) {
	gid, ok := parseTable(group).ids[name]
	return gid, ok
}
