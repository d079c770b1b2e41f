#!/usr/bin/env bash
# Runs every Go fuzz target of the module, one after another, each for
# FUZZTIME (default 60s). One target at a time with FUZZPARALLEL workers
# (default 1) keeps the machine usable. Each run's output goes to
# FUZZLOGS/<package>.<target>.log (default $TMPDIR/fuzz-logs); the last
# "fuzz: elapsed: ..., execs: N" line of each log is the run's record.
# A crash makes `go test` write the input under the package's
# testdata/fuzz/<target>/ (the seed corpus) and this script fail.
#
#   make fuzz                      # 60s per target
#   make fuzz FUZZTIME=10m         # as recorded in SECURITY.md
#   FUZZ_ONLY=FuzzWrite bash tools/fuzz.sh
# FUZZMINIMIZETIME (default 5s) bounds minimising each new input: targets
# whose executions are slow (FuzzReadSingle) otherwise spend the run on it.
set -euo pipefail

cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-60s}"
FUZZPARALLEL="${FUZZPARALLEL:-1}"
FUZZLOGS="${FUZZLOGS:-${TMPDIR:-/tmp}/fuzz-logs}"
FUZZ_ONLY="${FUZZ_ONLY:-}"
FUZZMINIMIZETIME="${FUZZMINIMIZETIME:-5s}"
mkdir -p "$FUZZLOGS"

# "dir:FuzzName" for every fuzz target in the module's test files.
targets() {
	grep -rHn --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]*\(' tools e2e |
		sed -E 's#^(.*)/[^/]*_test\.go:[0-9]+:func (Fuzz[A-Za-z0-9_]*)\(.*#\1:\2#' | sort -u
}

failed=()
summary=()
for t in $(targets); do
	dir="${t%%:*}" name="${t##*:}"
	if [[ -n "$FUZZ_ONLY" && "$name" != "$FUZZ_ONLY" ]]; then
		continue
	fi
	log="$FUZZLOGS/$(basename "$dir").$name.log"
	echo "fuzz: ./$dir $name for $FUZZTIME (log $log)"
	if go test -timeout=0 -run='^$' -fuzz="^${name}\$" -fuzztime="$FUZZTIME" -fuzzminimizetime="$FUZZMINIMIZETIME" -parallel="$FUZZPARALLEL" "./$dir" >"$log" 2>&1; then
		result=PASS
	else
		result=FAIL
		failed+=("./$dir $name")
	fi
	last=$(grep -E 'fuzz: elapsed: .*execs: [0-9]+' "$log" | tail -n 1 || true)
	summary+=("$result ./$dir $name: ${last:-no progress line}")
	echo "  $result ${last:-}"
done

printf '%s\n' "${summary[@]}" >"$FUZZLOGS/summary.txt"
if ((${#failed[@]})); then
	echo "fuzz: ${#failed[@]} target(s) failed; see the logs in $FUZZLOGS and the new inputs under testdata/fuzz/:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: all targets ran clean for $FUZZTIME each (summary in $FUZZLOGS/summary.txt)"
