package main

import (
	"testing"

	"github.com/musl-dynamic/musl-dynamic/tools/internal/apkbuild"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock"
	"github.com/musl-dynamic/musl-dynamic/tools/internal/lock/locktest"
)

// hCase is one catalogue entry: setup prepares the scenario and returns the
// CLI arguments and the parts the message must hold, in order.
type hCase struct {
	name  string
	setup func(t *testing.T, e *hEnv) (args, want []string)
}

func runHostile(t *testing.T, cases []hCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newHEnv(t)
			args, want := tc.setup(t, e)
			code, msg := hRun(t, args...)
			e.wantFailure(t, code, msg, want, nil)
		})
	}
}

// mirrorSpec is musl for x86_64 with a changed loader: a package that the
// repository's key signs but the lock never saw.
func mirrorSpec() apkbuild.Spec {
	s := locktest.Specs("x86_64")[0]
	s.Files[1].Body = []byte("a different loader")
	return s
}

// TestHostileMirror: what a compromised or broken mirror can serve.
func TestHostileMirror(t *testing.T) {
	other := apkbuild.TestSigner(1, "intruder.rsa.pub")
	runHostile(t, []hCase{
		{"package bytes differ from the lock's sha256", func(t *testing.T, e *hEnv) ([]string, []string) {
			lockPath, files := e.locked(t, "hello")
			good := e.repo.File("main/x86_64/hello-2.12-r1.apk")
			bad := append([]byte(nil), good...)
			bad[len(bad)-5] ^= 0xff // same size, one byte of the data member
			e.repo.Set("main/x86_64/hello-2.12-r1.apk", bad)
			files[1] = e.download(t, "main/x86_64/hello-2.12-r1.apk")
			return e.layerArgs(lockPath, "x86_64", files), []string{"apkimage layer: package file ", "hello-2.12-r1.apk for hello-2.12-r1 (x86_64): sha256 " +
				ltSHA256(bad) + " differs from the lock's " + ltSHA256(good) + "; re-fetch the package or re-lock"}
		}},
		{"package signed by a key not in the keyring (lock)", func(t *testing.T, e *hEnv) ([]string, []string) {
			apk, err := apkbuild.Build(locktest.Specs("x86_64")[0], other)
			if err != nil {
				t.Fatal(err)
			}
			e.repo.Set("main/x86_64/musl-1.2.5-r0.apk", apk)
			e.repo.SetIndex(t, "x86_64", e.repo.Records(t, "x86_64"), e.repo.Signer)
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: x86_64: package musl-1.2.5-r0.apk from " + e.URL +
				"/main/x86_64/musl-1.2.5-r0.apk: ", "intruder.rsa.pub", "retry later or use another mirror"}
		}},
		{"package signed by a key not in the keyring (layer)", func(t *testing.T, e *hEnv) ([]string, []string) {
			apk, err := apkbuild.Build(locktest.Specs("x86_64")[0], other)
			if err != nil {
				t.Fatal(err)
			}
			lockPath, files := e.pin(t, "x86_64", apk)
			return e.layerArgs(lockPath, "x86_64", files), []string{"apkimage layer: package file ", "musl-1.2.5-r0.apk for musl-1.2.5-r0 (x86_64): ",
				"intruder.rsa.pub", "re-fetch the package or re-lock"}
		}},
		{"valid signature, Q1 differs from the lock", func(t *testing.T, e *hEnv) ([]string, []string) {
			// The lock's sha256 and size are edited to the new file's (as
			// a mirror that also controls the lock could): Q1 still differs.
			lockPath, files := e.locked(t, "hello")
			was := e.repo.Records(t, "x86_64")[0].Checksum
			swapped := e.signed(t, mirrorSpec())
			e.repo.Set("main/x86_64/musl-1.2.5-r0.apk", swapped)
			files[0] = e.download(t, "main/x86_64/musl-1.2.5-r0.apk")
			hEditLock(t, lockPath, func(l *lock.Lock) {
				p := &l.Architectures["x86_64"].Packages[0]
				p.SHA256, p.Size = ltSHA256(swapped), int64(len(swapped))
			})
			return e.layerArgs(lockPath, "x86_64", files), []string{"apkimage layer: package file ", "musl-1.2.5-r0.apk for musl-1.2.5-r0 (x86_64): checksum \"" +
				hRecord(t, swapped).Checksum + "\" differs from the lock's \"" + was + "\"; re-fetch the package or re-lock"}
		}},
		{"valid signature, Q1 differs from the index", func(t *testing.T, e *hEnv) ([]string, []string) {
			recs := e.repo.Records(t, "x86_64")
			swapped := e.signed(t, mirrorSpec())
			e.repo.Set("main/x86_64/musl-1.2.5-r0.apk", swapped)
			recs[0].Size = int64(len(swapped)) // the index still names the old Q1
			e.repo.SetIndex(t, "x86_64", recs, e.repo.Signer)
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: x86_64: package musl-1.2.5-r0.apk from " + e.URL +
				"/main/x86_64/musl-1.2.5-r0.apk: checksum Q1", "differs from the index's " + recs[0].Checksum, "retry later or use another mirror"}
		}},
		{"APKINDEX with a bad signature", func(t *testing.T, e *hEnv) ([]string, []string) {
			// Signed under the trusted key's file name by another key.
			e.repo.SetIndex(t, "x86_64", e.repo.Records(t, "x86_64"), apkbuild.TestSigner(1, locktest.KeyName))
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: x86_64: index " + e.URL + "/main/x86_64/APKINDEX.tar.gz: ",
				"bad RSA signature by trusted key " + locktest.KeyName, "check the keyring URLs against the repository's signing keys"}
		}},
		{"APKINDEX signed by an unknown key", func(t *testing.T, e *hEnv) ([]string, []string) {
			e.repo.SetIndex(t, "x86_64", e.repo.Records(t, "x86_64"), other)
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: x86_64: index " + e.URL + "/main/x86_64/APKINDEX.tar.gz: ",
				"intruder.rsa.pub", "check the keyring URLs against the repository's signing keys"}
		}},
		{"APKINDEX without a signature", func(t *testing.T, e *hEnv) ([]string, []string) {
			e.repo.SetIndex(t, "x86_64", e.repo.Records(t, "x86_64"))
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: x86_64: index " + e.URL + "/main/x86_64/APKINDEX.tar.gz: ",
				"unsigned", "check the keyring URLs against the repository's signing keys"}
		}},
		{"index lists a package the lock does not have", func(t *testing.T, e *hEnv) ([]string, []string) {
			// The build never reads the index: a package only the index
			// has can reach the layer only as an extra file, refused.
			lockPath, files := e.locked(t, "hello")
			evil := e.signed(t, hEvil("evil", nil))
			e.publish(t, "x86_64", evil)
			if code, msg := hRun(t, "lock", "--config", e.in+"/config.json", "--out", lockPath, "--check"); code != 0 {
				t.Fatalf("lock --check after the index changed: %d %s", code, msg)
			}
			files = append(files, e.download(t, "main/x86_64/evil-1-r0.apk"))
			return e.layerArgs(lockPath, "x86_64", files), []string{"apkimage layer: got 3 package files for x86_64, the lock has 2 " +
				"(musl-1.2.5-r0.apk hello-2.12-r1.apk): pass the lock's packages for x86_64 in its order"}
		}},
		{"wrong architecture in the arch directory (index says so)", func(t *testing.T, e *hEnv) ([]string, []string) {
			recs := e.repo.Records(t, "aarch64")
			for _, r := range recs {
				f := r.Name + "-" + r.Version + ".apk"
				e.repo.Set("main/x86_64/"+f, e.repo.File("main/aarch64/"+f))
			}
			e.repo.SetIndex(t, "x86_64", recs, e.repo.Signer)
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: x86_64: package musl-1.2.5-r0.apk from " + e.URL +
				"/main/x86_64/musl-1.2.5-r0.apk: the index says arch \"aarch64\", want x86_64 or noarch", "use another mirror"}
		}},
		{"wrong architecture in the arch directory (index lies)", func(t *testing.T, e *hEnv) ([]string, []string) {
			recs := e.repo.Records(t, "x86_64")
			arm := e.repo.File("main/aarch64/musl-1.2.5-r0.apk")
			e.repo.Set("main/x86_64/musl-1.2.5-r0.apk", arm)
			armRec := hRecord(t, arm)
			recs[0].Checksum, recs[0].Size = armRec.Checksum, armRec.Size // A: still x86_64
			e.repo.SetIndex(t, "x86_64", recs, e.repo.Signer)
			return e.lockArgs(t, "", []string{"hello"}), []string{"apkimage lock: x86_64: package musl-1.2.5-r0.apk from " + e.URL +
				"/main/x86_64/musl-1.2.5-r0.apk: .PKGINFO arch \"aarch64\" differs from the index's \"x86_64\"", "use another mirror"}
		}},
		{"wrong architecture, lock edited to match the file", func(t *testing.T, e *hEnv) ([]string, []string) {
			lockPath, files := e.locked(t, "hello")
			arm := e.repo.File("main/aarch64/musl-1.2.5-r0.apk")
			e.repo.Set("main/x86_64/musl-1.2.5-r0.apk", arm)
			files[0] = e.download(t, "main/x86_64/musl-1.2.5-r0.apk")
			hEditLock(t, lockPath, func(l *lock.Lock) {
				p := &l.Architectures["x86_64"].Packages[0]
				p.SHA256, p.Size, p.Checksum = ltSHA256(arm), int64(len(arm)), hRecord(t, arm).Checksum
			})
			return e.layerArgs(lockPath, "x86_64", files), []string{"musl-1.2.5-r0.apk for musl-1.2.5-r0 (x86_64): arch \"aarch64\" differs from the lock's \"x86_64\"; re-fetch the package or re-lock"}
		}},
	})
}

// hEditLock rewrites the lock file at path after edit.
func hEditLock(t *testing.T, path string, edit func(l *lock.Lock)) {
	t.Helper()
	l, err := lock.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	edit(l)
	if err := lock.Write(path, l); err != nil {
		t.Fatal(err)
	}
}
