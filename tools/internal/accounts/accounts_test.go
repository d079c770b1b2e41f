package accounts

import (
	"reflect"
	"strings"
	"testing"
)

const (
	basePasswd = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/sbin/nologin"
	baseGroup  = "root:x:0:root\nshadow:x:42:\nnobody:x:65534:\n"
	baseShadow = "root:*::0:::::\n"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want User
		err  string
	}{
		{"nonroot:65532", User{"nonroot", 65532, 65532, "/home/nonroot", "/sbin/nologin"}, ""},
		{"app:1000:2000:/srv/app:/bin/sh", User{"app", 1000, 2000, "/srv/app", "/bin/sh"}, ""},
		{"app:1000::/srv/app", User{"app", 1000, 1000, "/srv/app", "/sbin/nologin"}, ""},
		{"app", User{}, "want NAME:UID"},
		{"app:-1", User{}, `uid: "-1" is not a number`},
		{"app:01", User{}, `uid: "01" is not a number`},
		{"a b:1", User{}, `user name "a b"`},
		{"app:1:1:home", User{}, `home "home" of user "app" is not a clean absolute path`},
		// Round 3: control characters other than line breaks garbled
		// passwd too (an escape sequence, a vertical tab, DEL).
		{"a\x1b[2Jb:1", User{}, `user name "a\x1b[2Jb" is empty or has ':', ',', '/', a space or a control character`},
		{"app:1:1:/home/a\vb", User{}, `home "/home/a\vb" of user "app" is not a clean absolute path`},
		{"app:1:1:/srv:/bin/sh\x7f", User{}, `shell "/bin/sh\x7f" of user "app" has ':' or a control character`},
		{"app:1:1:/srv/../etc", User{}, `home "/srv/../etc" of user "app" is not a clean absolute path`},
		{"app:2147483647", User{}, `uid: "2147483647" is not a number from 0 to 2147483646`},
	} {
		t.Run(c.in, func(t *testing.T) {
			got, err := ParseUser(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("ParseUser = %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
	g, err := ParseGroup("www:82:nginx,app")
	if err != nil || !reflect.DeepEqual(g, Group{"www", 82, []string{"nginx", "app"}}) {
		t.Errorf("ParseGroup = %+v, %v", g, err)
	}
	if _, err := ParseGroup("www:82:ng inx"); err == nil || !strings.Contains(err.Error(), `member "ng inx"`) {
		t.Errorf("bad member: error = %v", err)
	}
}

func TestAdd(t *testing.T) {
	base := Files{Passwd: []byte(basePasswd), Group: []byte(baseGroup), Shadow: []byte(baseShadow)}
	users := []User{{"nonroot", 65532, 65532, "/home/nonroot", "/sbin/nologin"}, {"web", 1000, 65534, "/srv", "/bin/sh"}}
	groups := []Group{{"www", 82, []string{"web", "nonroot"}}}
	got, err := Add(base, users, groups)
	if err != nil {
		t.Fatal(err)
	}
	want := Files{
		Passwd: []byte(basePasswd + "\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\nweb:x:1000:65534::/srv:/bin/sh\n"),
		// web joins nobody's gid 65534, so only nonroot gets a group of its own.
		Group:  []byte(baseGroup + "www:x:82:web,nonroot\nnonroot:x:65532:\n"),
		Shadow: []byte(baseShadow + "nonroot:!::0:::::\nweb:!::0:::::\n"),
	}
	for _, f := range []struct{ name, got, want string }{
		{"passwd", string(got.Passwd), string(want.Passwd)},
		{"group", string(got.Group), string(want.Group)},
		{"shadow", string(got.Shadow), string(want.Shadow)},
	} {
		if f.got != f.want {
			t.Errorf("%s =\n%s\nwant\n%s", f.name, f.got, f.want)
		}
	}
	// Without any files, they are created.
	empty, err := Add(Files{}, users[:1], nil)
	if err != nil || string(empty.Group) != "nonroot:x:65532:\n" || string(empty.Shadow) != "nonroot:!::0:::::\n" {
		t.Errorf("Add to nothing = %q %q, %v", empty.Group, empty.Shadow, err)
	}
}

func TestAddErrors(t *testing.T) {
	base := Files{Passwd: []byte(basePasswd), Group: []byte(baseGroup)}
	for _, c := range []struct {
		name   string
		users  []User
		groups []Group
		want   string
	}{
		{"existing user", []User{{"root", 5, 5, "/root", "/bin/sh"}}, nil, `user "root" is already in /etc/passwd`},
		{"existing group", nil, []Group{{"shadow", 43, nil}}, `group "shadow" is already in /etc/group`},
		{"group name with another gid", []User{{"shadow", 50, 50, "/x", "/bin/sh"}}, nil, `user "shadow" wants gid 50, but group "shadow" has gid 42`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Add(base, c.users, c.groups)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want %q", err, c.want)
			}
		})
	}
}

func TestResolve(t *testing.T) {
	passwd := []byte(basePasswd + "\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n")
	for _, c := range []struct{ in, want, err string }{
		{"nonroot", "65532", ""},
		{"nonroot:shadow", "65532:42", ""},
		{"1000:nobody", "1000:65534", ""},
		{"nonroot:7", "65532:7", ""},
		{"65532", "65532", ""},
		{"ghost", "", `user "ghost" is not in the image's /etc/passwd`},
		{"nonroot:ghosts", "", `group "ghosts" (of user "nonroot:ghosts") is not in the image's /etc/group`},
	} {
		got, err := Resolve(c.in, passwd, []byte(baseGroup))
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Resolve(%q) error = %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if !Numeric("65532:65532") || !Numeric("") || Numeric("nonroot") || Numeric("1:x") {
		t.Errorf("Numeric is wrong")
	}
}
