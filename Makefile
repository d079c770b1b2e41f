# The project's entry points. Each target installs what it needs first
# (tools/setup.sh is idempotent), so they work on a fresh machine.
SHELL := /bin/bash
GO19 := /usr/lib/go-1.19/bin/go
BAZEL ?= bazel

.PHONY: all setup test go-test lint lint-check vet fmt-check docs gen bazel-test e2e fuzz bench demo release clean

all: test

setup:
	@bash tools/setup.sh

# The test command: lint (buildifier, gofmt, vet with both Go versions,
# staticcheck, shellcheck), Go unit tests (docs/rules.md staleness and the
# Bzlmod checks among them), Starlark tests, and the Bazel end-to-end suite
# against the bundled mirror.
test: setup lint-check go-test bazel-test e2e

go-test:
	go test ./...

# Formats every BUILD/.bzl/WORKSPACE/MODULE file (buildifier, with its
# automatic lint fixes) and every Go file (gofmt), then lints and vets.
lint: setup
	GO19=$(GO19) bash tools/lint.sh --fix

# Checks only: buildifier -mode=check -lint=warn, gofmt -l, go vet (both
# Gos), staticcheck, shellcheck.
lint-check: setup
	GO19=$(GO19) bash tools/lint.sh

vet:
	GO19=$(GO19) bash tools/lint.sh vet

fmt-check:
	bash tools/lint.sh gofmt

# Regenerates docs/rules.md from the docstrings in rules/ and platforms/.
docs:
	go run ./tools/cmd/docgen --out docs/rules.md

# Regenerates every generated file: the copies of the platform table
# (tools/internal/platform) for Starlark, the e2e shell scripts and
# e2e/check, then docs/rules.md, which shows the Starlark table.
gen:
	go run ./tools/cmd/platgen
	go run ./tools/cmd/docgen --out docs/rules.md

# Starlark tests and every go_test again, built by Bazel with Go 1.19.
bazel-test:
	$(BAZEL) test //...

# run.sh: build, listings, hello; clients.sh: skopeo/umoci/syft/crane and a
# registry push; repro.sh: clean output bases, umask/TZ/locale, Go versions,
# remote cache; consumer.sh: a user's workspace on the served release, with
# the release-binary and the from-source toolchain; sign.sh: cosign
# sign/attest and verify against a registry; remote.sh: a build on Bazel's
# own remote-execution worker; stack.sh: an image stacked on a base with
# packages, seen by umoci, syft and the SPDX validator; busybox.sh:
# busybox's applet links, seen by umoci and syft, run in a chroot. Each starts and
# stops its own servers on 127.0.0.1.
e2e:
	bash e2e/run.sh
	bash e2e/consumer.sh
	bash e2e/clients.sh
	bash e2e/repro.sh
	bash e2e/examples.sh
	bash e2e/features.sh
	bash e2e/stack.sh
	bash e2e/busybox.sh
	bash e2e/hostile.sh
	bash e2e/sign.sh
	bash e2e/remote.sh

# Every Go fuzz target, one after another, FUZZTIME each (make fuzz
# FUZZTIME=10m); logs in $TMPDIR/fuzz-logs (FUZZLOGS=). See SECURITY.md.
FUZZTIME ?= 60s
fuzz:
	FUZZTIME=$(FUZZTIME) bash tools/fuzz.sh

# Benchmarks (not part of make test): writes BENCHMARKS.md. See tools/bench.
bench: setup
	go run ./tools/bench --out BENCHMARKS.md

# The release: tools cross-compiled for linux/darwin amd64/arm64, the tools'
# source archive, the rule set archive and SHA256SUMS in out/release.
VERSION ?= 0.0.0
release:
	VERSION=$(VERSION) bash tools/release.sh

demo: setup
	@bash e2e/demo.sh

clean:
	$(BAZEL) clean
	rm -rf e2e/work
