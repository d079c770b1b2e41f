package layer

import (
	"strings"
	"testing"
)

func TestAccounts(t *testing.T) {
	nonroot := Account{Name: "nonroot", UID: 65532, GID: 65532}
	tests := []struct {
		name     string
		pkgs     func(t *testing.T) []Package
		accounts []Account
		passwd   string
		group    string
		homes    []string // listing lines of home directories
		err      string
	}{
		{
			name: "appended to shipped files",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "base", "1", reg("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"), reg("etc/group", "root:x:0:root\nnogroup:x:65533:"))}
			},
			accounts: []Account{nonroot, {Name: "svc", UID: 100, GID: 65533, Home: "/var/lib/svc", Shell: "/bin/false"}},
			passwd:   "root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\nsvc:x:100:65533::/var/lib/svc:/bin/false\n",
			// svc joins the existing group 65533; the shipped file lacked its final newline.
			group: "root:x:0:root\nnogroup:x:65533:\nnonroot:x:65532:\n",
			homes: []string{"home/ 5 755 0:0 0  0", "home/nonroot/ 5 755 65532:65532 0  0", "var/ 5 755 0:0 0  0", "var/lib/ 5 755 0:0 0  0", "var/lib/svc/ 5 755 100:65533 0  0"},
		},
		{
			name:     "created when no package ships them",
			pkgs:     func(t *testing.T) []Package { return nil },
			accounts: []Account{nonroot},
			passwd:   "nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n",
			group:    "nonroot:x:65532:\n",
			homes:    []string{"home/ 5 755 0:0 0  0", "home/nonroot/ 5 755 65532:65532 0  0"},
		},
		{
			name: "existing home is left alone",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "base", "1", ent{name: "root/", typ: 0x35, mode: 0o700})}
			},
			accounts: []Account{{Name: "admin", UID: 0, GID: 0, Home: "/root"}},
			passwd:   "admin:x:0:0::/root:/sbin/nologin\n",
			group:    "admin:x:0:\n",
			homes:    []string{"root/ 5 700 0:0 0  0"},
		},
		{
			name: "name already in passwd",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "base", "1", reg("etc/passwd", "nonroot:x:1:1::/:/bin/sh\n"))}
			},
			accounts: []Account{nonroot},
			err:      `layer: account "nonroot" is already in /etc/passwd of base-1; choose another name or drop the account`,
		},
		{
			name: "group name with another gid",
			pkgs: func(t *testing.T) []Package {
				return []Package{pkg(t, "base", "1", reg("etc/group", "nonroot:x:7:\n"))}
			},
			accounts: []Account{nonroot},
			err:      `layer: group "nonroot" has gid 7 in /etc/group of base-1, but account "nonroot" wants gid 65532`,
		},
		{
			name:     "home through a symlink",
			pkgs:     func(t *testing.T) []Package { return []Package{pkg(t, "base", "1", symlink("home", "/var/home"))} },
			accounts: []Account{nonroot},
			err:      `layer: cannot write /home/nonroot: /home is a symlink to /var/home from base-1, and the layer never writes through symlinks; change the configuration or drop the package (the home directory of account "nonroot")`,
		},
		{
			name:     "bad name",
			pkgs:     func(t *testing.T) []Package { return nil },
			accounts: []Account{{Name: "a:b"}},
			err:      `layer: account: user name "a:b" is empty or has ':', ',', '/', a space or a control character; use a plain name`,
		},
		{
			name:     "relative home",
			pkgs:     func(t *testing.T) []Package { return nil },
			accounts: []Account{{Name: "a", Home: "home/a"}},
			err:      `layer: account: home "home/a" of user "a" is not a clean absolute path; use one like /home/a`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := write(t, Options{Accounts: tt.accounts}, tt.pkgs(t)...)
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fileOf(t, out, "etc/passwd"); got != tt.passwd {
				t.Errorf("passwd = %q, want %q", got, tt.passwd)
			}
			if got := fileOf(t, out, "etc/group"); got != tt.group {
				t.Errorf("group = %q, want %q", got, tt.group)
			}
			diffLines(t, filtered(listing(t, out), "home/", "var/", "root/"), tt.homes)
		})
	}
}
