# The project's entry points. Each target installs what it needs first
# (tools/setup.sh is idempotent), so they work on a fresh machine.
SHELL := /bin/bash
GO19 := /usr/lib/go-1.19/bin/go
BAZEL ?= bazel

.PHONY: all setup test go-test vet fmt-check bazel-test e2e demo clean

all: test

setup:
	@bash tools/setup.sh

# The test command: Go unit tests, vet with both Go versions, Starlark tests,
# and the Bazel end-to-end suite against the bundled mirror.
test: setup fmt-check vet go-test bazel-test e2e

go-test:
	go test ./...

vet:
	go vet ./...
	GOTOOLCHAIN=local GOFLAGS=-mod=mod $(GO19) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Starlark tests and every go_test again, built by Bazel with Go 1.19.
bazel-test:
	$(BAZEL) test //...

e2e:
	bash e2e/run.sh

demo: setup
	@bash e2e/demo.sh

clean:
	$(BAZEL) clean
	rm -rf e2e/work
