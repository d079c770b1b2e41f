package platform

import (
	"debug/elf"
	"fmt"
	"strings"
)

// Validate checks what the generated copies rely on: every name set and
// unique where it must be, and only characters that need no quoting in
// Starlark, bash or Go.
func Validate(rows []Platform) error {
	if len(rows) == 0 {
		return fmt.Errorf("the platform table is empty")
	}
	seen := map[string]int{}
	for i, p := range rows {
		where := fmt.Sprintf("platform table row %d (%s)", i+1, p.APKArch)
		for _, f := range []struct{ name, value, allowed string }{
			{"APKArch", p.APKArch, nameChars},
			{"OS", p.OS, nameChars},
			{"Architecture", p.Architecture, nameChars},
			{"Loader", p.Loader, nameChars},
			{"Readelf", p.Readelf, nameChars + " /-"},
			{"QEMU", p.QEMU, nameChars + "-"},
			{"ClangTarget", p.ClangTarget, nameChars + "-"},
		} {
			if f.value == "" {
				return fmt.Errorf("%s: %s is empty", where, f.name)
			}
			if err := charsIn(f.value, f.allowed); err != nil {
				return fmt.Errorf("%s: %s %q: %w", where, f.name, f.value, err)
			}
		}
		for _, f := range []struct{ name, value, allowed string }{
			{"Variant", p.Variant, nameChars},
			{"CPU", p.CPU, nameChars + "@/:"},
			{"QEMUCPU", p.QEMUCPU, nameChars + "-"},
			{"ClangFlags", p.ClangFlags, nameChars + "- ="},
		} {
			if err := charsIn(f.value, f.allowed); err != nil {
				return fmt.Errorf("%s: %s %q: %w", where, f.name, f.value, err)
			}
		}
		if p.ELFClass != elf.ELFCLASS32 && p.ELFClass != elf.ELFCLASS64 {
			return fmt.Errorf("%s: ELFClass must be ELFCLASS32 or ELFCLASS64", where)
		}
		if p.ELFData != elf.ELFDATA2LSB && p.ELFData != elf.ELFDATA2MSB {
			return fmt.Errorf("%s: ELFData must be ELFDATA2LSB or ELFDATA2MSB", where)
		}
		if p.ELFMachine == elf.EM_NONE {
			return fmt.Errorf("%s: ELFMachine is not set", where)
		}
		for _, key := range []string{"apk arch " + p.APKArch, "platform " + p.Bazel()} {
			if j, dup := seen[key]; dup {
				return fmt.Errorf("%s: %s is already row %d's", where, key, j)
			}
			seen[key] = i + 1
		}
	}
	return nil
}

// nameChars are the characters of arch, loader and platform names.
const nameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_."

func charsIn(s, allowed string) error {
	if i := strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune(allowed, r) }); i >= 0 {
		return fmt.Errorf("character %q is not allowed here (letters, digits, %q)", s[i], allowed[len(nameChars)-2:])
	}
	return nil
}
