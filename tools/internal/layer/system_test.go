package layer

import (
	"archive/tar"
	"bytes"
	"io"
	"strconv"
	"testing"
)

func TestSystemFiles(t *testing.T) {
	a := pkg(t, "alpine-keys", "2-r0", reg("etc/apk/keys/shipped.rsa.pub", "shipped"), reg("etc/apk/keys/k.rsa.pub", "old"))
	a.Scripts = []Script{{Name: "post-install", Body: []byte("#!/bin/sh\n")}, {Name: ".trigger", Body: []byte("t")}}
	a.Info.Triggers = []string{"/usr/share/fonts/*", "/etc/ssl/*"}
	b := pkg(t, "busybox", "1-r0", reg("bin/busybox", "bb"))
	b.Scripts = []Script{{Name: "pre-install", Body: nil}}
	b.Checksum = "Q1b/bbbbbbbbbbbbbbbbbbbbbbbbb="
	opt := Options{
		MTime:        mtime,
		Arch:         "aarch64",
		World:        []string{"musl", "busybox", "alpine-keys", "busybox"},
		Repositories: []string{"https://example/main", "https://example/community"},
		Keys:         []Key{{Name: "k.rsa.pub", PEM: []byte("PEM")}},
	}
	out, _, err := write(t, opt, a, b)
	if err != nil {
		t.Fatal(err)
	}
	files := []struct{ name, want string }{
		{"etc/apk/world", "alpine-keys\nbusybox\nmusl\n"},
		{"etc/apk/repositories", "https://example/main\nhttps://example/community\n"},
		{"etc/apk/arch", "aarch64\n"},
		{"etc/apk/keys/k.rsa.pub", "PEM"}, // configured key wins over the shipped one
		{"etc/apk/keys/shipped.rsa.pub", "shipped"},
		{"lib/apk/db/triggers", "Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa= /usr/share/fonts/* /etc/ssl/*\n"},
	}
	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			if got := fileOf(t, out, f.name); got != f.want {
				t.Errorf("%s = %q, want %q", f.name, got, f.want)
			}
		})
	}
	t.Run("scripts.tar", func(t *testing.T) {
		var got []string
		tr := tar.NewReader(bytes.NewReader([]byte(fileOf(t, out, "lib/apk/db/scripts.tar"))))
		for {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(tr)
			got = append(got, h.Name+" "+string(rune(h.Typeflag))+" "+string(body)+" "+h.ModTime.UTC().Format("2006")+" "+strconv.FormatInt(h.Mode, 8))
		}
		diffLines(t, got, []string{
			"alpine-keys-2-r0.Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=.post-install 0 #!/bin/sh\n 2023 755",
			"alpine-keys-2-r0.Q1aaaaaaaaaaaaaaaaaaaaaaaaaaa=.trigger 0 t 2023 755",
			"busybox-1-r0.Q1b/bbbbbbbbbbbbbbbbbbbbbbbbb=.pre-install 0  2023 755",
		})
	})
	t.Run("installed keeps the package's key", func(t *testing.T) {
		db := fileOf(t, out, "lib/apk/db/installed")
		// SHA-1 of "old", what alpine-keys installed (openssl sha1 | base64).
		if !bytes.Contains([]byte(db), []byte("R:k.rsa.pub\nZ:Q1wA27ydrfvh4jLpOnKd1HUvreCr8=\n")) {
			t.Errorf("installed:\n%s", db)
		}
	})
}
