package platform

import (
	"bytes"
	"debug/elf"
	"fmt"
	"go/format"
	"strings"
)

// File is one generated copy of the table, at a slash path relative to the
// repository root.
type File struct {
	Path string
	Data []byte
}

// Regenerate is the command that rewrites every copy.
const Regenerate = "make gen"

const source = "tools/internal/platform/table.go"

// Files renders rows into every copy the repository holds: the Starlark
// table the rules and //platforms load, the bash arrays the e2e suites
// source, and the ELF expectations of e2e/check (which Go's internal rule
// keeps from importing this package).
func Files(rows []Platform) ([]File, error) {
	if err := Validate(rows); err != nil {
		return nil, err
	}
	goSrc, err := goCheck(rows)
	if err != nil {
		return nil, err
	}
	return []File{
		{"rules/private/platform_table.bzl", starlark(rows)},
		{"e2e/platforms.sh", shell(rows)},
		{"e2e/check/platforms.go", goSrc},
	}, nil
}

func starlark(rows []Platform) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "\"\"\"Generated from %s by tools/cmd/platgen. Do not edit: run `%s`.\"\"\"\n\n", source, Regenerate)
	b.WriteString("# One struct per platform, in the order of the image index: `platform` names\n")
	b.WriteString("# the platform() and config_setting in //platforms, `apk_arch` Alpine's arch,\n")
	b.WriteString("# os/architecture/variant the OCI platform, `cpu` the @platforms//cpu value\n")
	b.WriteString("# the platform carries (\"\" where older @platforms releases have none).\n")
	b.WriteString("PLATFORM_ROWS = [\n")
	for _, p := range rows {
		b.WriteString("    struct(\n")
		for _, kv := range [][2]string{
			{"platform", p.Bazel()}, {"apk_arch", p.APKArch}, {"os", p.OS},
			{"architecture", p.Architecture}, {"variant", p.Variant}, {"cpu", p.CPU},
		} {
			fmt.Fprintf(&b, "        %s = %q,\n", kv[0], kv[1])
		}
		b.WriteString("    ),\n")
	}
	b.WriteString("]\n")
	return b.Bytes()
}

func shell(rows []Platform) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Generated from %s by tools/cmd/platgen. Do not edit: run `%s`.\n", source, Regenerate)
	b.WriteString("# shellcheck shell=bash disable=SC2034\n")
	b.WriteString("# PLATFORMS lists the OCI platforms (linux-arm-v7) in index order; the\n")
	b.WriteString("# associative arrays map each to a column of the table. PLATFORM_ELF is\n")
	b.WriteString("# readelf -h's \"machine/class/data\" of its executables. Sourced by the\n")
	b.WriteString("# e2e scripts (SC2034: each uses some of the arrays).\n")
	names := make([]string, len(rows))
	for i, p := range rows {
		names[i] = p.OCI()
	}
	fmt.Fprintf(&b, "PLATFORMS=(%s)\n", strings.Join(names, " "))
	for _, col := range []struct {
		name string
		get  func(Platform) string
	}{
		{"PLATFORM_BAZEL", Platform.Bazel},
		{"PLATFORM_APKARCH", func(p Platform) string { return p.APKArch }},
		{"PLATFORM_GOARCH", func(p Platform) string { return p.Architecture }},
		{"PLATFORM_LOADER", func(p Platform) string { return p.Loader }},
		{"PLATFORM_ELF", readelfKind},
		{"PLATFORM_QEMU", func(p Platform) string { return p.QEMU }},
		{"PLATFORM_QEMU_CPU", func(p Platform) string { return p.QEMUCPU }},
		{"PLATFORM_CLANG_TARGET", func(p Platform) string { return p.ClangTarget }},
		{"PLATFORM_CLANG_FLAGS", func(p Platform) string { return p.ClangFlags }},
	} {
		fmt.Fprintf(&b, "declare -gA %s=(\n", col.name)
		for _, p := range rows {
			fmt.Fprintf(&b, "  [%s]=%q\n", p.OCI(), col.get(p))
		}
		b.WriteString(")\n")
	}
	return b.Bytes()
}

// readelfKind is what e2e/checks.sh's elf_kind prints for the platform.
func readelfKind(p Platform) string {
	class := map[bool]string{true: "ELF64", false: "ELF32"}[p.ELFClass == elf.ELFCLASS64]
	data := map[bool]string{true: "big", false: "little"}[p.ELFData == elf.ELFDATA2MSB]
	return p.Readelf + "/" + class + "/" + data
}

func goCheck(rows []Platform) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated from %s by tools/cmd/platgen; DO NOT EDIT.\n// Run `%s` to update it.\n\n", source, Regenerate)
	b.WriteString("package main\n\nimport \"debug/elf\"\n\n")
	b.WriteString("// elfByPlatform is what an executable for each OCI platform declares in\n// its ELF header.\n")
	b.WriteString("var elfByPlatform = map[string]elfWant{\n")
	for _, p := range rows {
		fmt.Fprintf(&b, "\t%q: {%#v, %#v, %#v},\n", p.OCI(), p.ELFClass, p.ELFData, p.ELFMachine)
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting e2e/check/platforms.go: %w", err)
	}
	return out, nil
}
