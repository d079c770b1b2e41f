package platform

import (
	"debug/elf"
	"strings"
	"testing"
)

func TestAllIsValid(t *testing.T) {
	if err := Validate(All); err != nil {
		t.Fatal(err)
	}
}

func TestNames(t *testing.T) {
	for _, tc := range []struct {
		apk, bazel, oci, loader string
	}{
		{"x86", "linux_386", "linux-386", "/lib/ld-musl-i386.so.1"},
		{"armhf", "linux_arm_v6", "linux-arm-v6", "/lib/ld-musl-armhf.so.1"},
		{"armv7", "linux_arm_v7", "linux-arm-v7", "/lib/ld-musl-armhf.so.1"},
		{"ppc64le", "linux_ppc64le", "linux-ppc64le", "/lib/ld-musl-powerpc64le.so.1"},
	} {
		t.Run(tc.apk, func(t *testing.T) {
			p, ok := ByAPKArch(tc.apk)
			if !ok {
				t.Fatalf("no row for %s", tc.apk)
			}
			if p.Bazel() != tc.bazel || p.OCI() != tc.oci || p.LoaderPath() != tc.loader {
				t.Errorf("got %s %s %s, want %s %s %s", p.Bazel(), p.OCI(), p.LoaderPath(), tc.bazel, tc.oci, tc.loader)
			}
			if q, ok := ByOCI(tc.oci); !ok || q.APKArch != tc.apk {
				t.Errorf("ByOCI(%s) = %s, %v", tc.oci, q.APKArch, ok)
			}
		})
	}
	if _, ok := ByAPKArch("mips"); ok {
		t.Error("ByAPKArch(mips) found a row")
	}
}

func TestAPKArchesSorted(t *testing.T) {
	got := strings.Join(APKArches(All), " ")
	if want := "aarch64 armhf armv7 ppc64le riscv64 s390x x86 x86_64"; got != want {
		t.Errorf("APKArches = %s, want %s", got, want)
	}
}

func TestValidateRejects(t *testing.T) {
	ok := All[0]
	for _, tc := range []struct {
		name string
		edit func(p *Platform)
		want string
	}{
		{"no apk arch", func(p *Platform) { p.APKArch = "" }, "row 9 (): APKArch is empty"},
		{"quote in loader", func(p *Platform) { p.Loader = `a"b` }, `Loader "a\"b": character '"' is not allowed`},
		{"dollar in cpu", func(p *Platform) { p.APKArch, p.CPU = "new", "$(x)" }, `row 9 (new): CPU "$(x)"`},
		{"no qemu", func(p *Platform) { p.APKArch, p.QEMU = "new", "" }, "QEMU is empty"},
		{"semicolon in flags", func(p *Platform) { p.APKArch, p.ClangFlags = "new", "-O2; rm" }, `ClangFlags "-O2; rm": character ';'`},
		{"same apk arch", func(p *Platform) { p.Architecture = "other" }, "apk arch x86 is already row 1's"},
		{"same platform", func(p *Platform) { p.APKArch = "other" }, "platform linux_386 is already row 1's"},
		{"bad class", func(p *Platform) { p.APKArch, p.ELFClass = "new", elf.ELFCLASSNONE }, "ELFClass must be"},
		{"no machine", func(p *Platform) { p.APKArch, p.ELFMachine = "new", elf.EM_NONE }, "ELFMachine is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ok
			tc.edit(&p)
			rows := append(append([]Platform{}, All...), p)
			err := Validate(rows)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if _, err := Files(rows); err == nil {
				t.Fatal("Files rendered an invalid table")
			}
		})
	}
	if err := Validate(nil); err == nil {
		t.Error("an empty table validated")
	}
}

// ninth is a made-up platform: adding it to the table must add exactly its
// entries to every generated copy, and change nothing else.
var ninth = Platform{APKArch: "loongarch64", OS: "linux", Architecture: "loong64", CPU: "", Loader: "loongarch64",
	ELFClass: elf.ELFCLASS64, ELFData: elf.ELFDATA2LSB, ELFMachine: elf.EM_LOONGARCH, Readelf: "LoongArch",
	QEMU: "qemu-loongarch64-static", ClangTarget: "loongarch64-linux-musl"}

func TestNinthRowReachesEveryCopy(t *testing.T) {
	eight, err := Files(All)
	if err != nil {
		t.Fatal(err)
	}
	nine, err := Files(append(append([]Platform{}, All...), ninth))
	if err != nil {
		t.Fatal(err)
	}
	// Every copy gains these lines, in its own syntax; only the shell's
	// one-line list of platforms is replaced.
	want := map[string][]string{
		"rules/private/platform_table.bzl": {
			"    struct(", `        platform = "linux_loong64",`, `        apk_arch = "loongarch64",`, `        os = "linux",`,
			`        architecture = "loong64",`, `        variant = "",`, `        cpu = "",`, "    ),",
		},
		"e2e/platforms.sh": {
			"PLATFORMS=(linux-386 linux-amd64 linux-arm64 linux-arm-v6 linux-arm-v7 linux-ppc64le linux-riscv64 linux-s390x linux-loong64)",
			`  [linux-loong64]="linux_loong64"`, `  [linux-loong64]="loongarch64"`, `  [linux-loong64]="loong64"`,
			`  [linux-loong64]="loongarch64"`, `  [linux-loong64]="LoongArch/ELF64/little"`,
			`  [linux-loong64]="qemu-loongarch64-static"`, `  [linux-loong64]=""`,
			`  [linux-loong64]="loongarch64-linux-musl"`, `  [linux-loong64]=""`,
		},
		"e2e/check/platforms.go": {
			`	"linux-loong64": {elf.ELFCLASS64, elf.ELFDATA2LSB, elf.EM_LOONGARCH},`,
		},
	}
	// The shell list of platforms is one line: it is replaced.
	wantRemoved := map[string]string{"e2e/platforms.sh": "PLATFORMS=(linux-386 linux-amd64 linux-arm64 linux-arm-v6 linux-arm-v7 linux-ppc64le linux-riscv64 linux-s390x)"}
	if len(eight) != len(want) || len(nine) != len(want) {
		t.Fatalf("Files made %d and %d copies, want %d", len(eight), len(nine), len(want))
	}
	for i, f := range nine {
		if f.Path != eight[i].Path {
			t.Fatalf("copy %d is %s with nine rows, %s with eight", i, f.Path, eight[i].Path)
		}
		added, removed := lineDiff(string(eight[i].Data), string(f.Data))
		if strings.Join(added, "\n") != strings.Join(want[f.Path], "\n") {
			t.Errorf("%s: the ninth row added\n%s\nwant\n%s", f.Path, strings.Join(added, "\n"), strings.Join(want[f.Path], "\n"))
		}
		if strings.Join(removed, "\n") != wantRemoved[f.Path] {
			t.Errorf("%s: the ninth row removed %q, want %q", f.Path, removed, wantRemoved[f.Path])
		}
	}
}

// lineDiff returns the lines of b not in a and of a not in b, as multisets,
// in their order.
func lineDiff(a, b string) (added, removed []string) {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[l]++
		}
		return m
	}
	ca, cb := count(a), count(b)
	for _, l := range strings.Split(b, "\n") {
		if ca[l] > 0 {
			ca[l]--
		} else {
			added = append(added, l)
		}
	}
	for _, l := range strings.Split(a, "\n") {
		if cb[l] > 0 {
			cb[l]--
		} else {
			removed = append(removed, l)
		}
	}
	return added, removed
}
