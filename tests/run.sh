#!/usr/bin/env bash
# Runs every test suite and ends with one line: "N passed, M failed".
#   tests/run.sh [unit|screen|e2e]...   (default: all)
# Unit tests are cmocka binaries in $BUILD/tests; their summaries are parsed.
# Screen and e2e tests are scripts that print "PASS: name" / "FAIL: name" lines.
# Environment: BUILD (build dir), SHARED (../shared), STG_VALGRIND=1 (unit under valgrind).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SHARED=${SHARED:-$ROOT/../shared}
export BUILD SHARED ROOT
export STG_SHARED_DIR="$SHARED"
export LC_ALL=C.UTF-8 TZ=UTC
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/stigmem-tests.XXXXXX")
export STG_TEST_TMP="$TMPROOT"
trap 'rm -rf "$TMPROOT"' EXIT

suites="${*:-unit screen e2e}"
total_pass=0
total_fail=0
failed_names=()

run_unit() {
	local bin name out rc p f
	for bin in "$BUILD"/tests/test_*; do
		[ -x "$bin" ] || continue
		name=$(basename "$bin")
		if [ "${STG_VALGRIND:-}" = 1 ]; then
			out=$(cd "$TMPROOT" && timeout 900 valgrind -q --error-exitcode=99 --leak-check=full \
				--errors-for-leak-kinds=definite "$bin" 2>&1)
		else
			out=$(cd "$TMPROOT" && timeout 600 "$bin" 2>&1)
		fi
		rc=$?
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1   # crashed, timed out or valgrind error without a cmocka failure line
		fi
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		if [ "$f" -ne 0 ]; then
			failed_names+=("unit/$name")
			printf '%s\n' "$out" | tail -n 60
			echo "unit/$name: $p passed, $f failed (exit $rc)"
		else
			echo "unit/$name: $p passed"
		fi
	done
}

run_scripts() {
	local dir=$1 s name out rc p f
	for s in "$ROOT"/tests/"$dir"/*.sh; do
		[ -f "$s" ] || continue
		name=$(basename "$s" .sh)
		out=$(timeout 600 bash "$s" 2>&1)
		rc=$?
		p=$(printf '%s\n' "$out" | grep -c '^PASS: ')
		f=$(printf '%s\n' "$out" | grep -c '^FAIL: ')
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
		total_pass=$((total_pass + p))
		total_fail=$((total_fail + f))
		if [ "$f" -ne 0 ]; then
			failed_names+=("$dir/$name")
			printf '%s\n' "$out" | tail -n 60
			echo "$dir/$name: $p passed, $f failed (exit $rc)"
		else
			echo "$dir/$name: $p passed"
		fi
	done
}

for s in $suites; do
	case "$s" in
	unit) run_unit ;;
	screen|e2e) run_scripts "$s" ;;
	*) echo "tests/run.sh: unknown suite $s" >&2; exit 2 ;;
	esac
done

if [ "${#failed_names[@]}" -gt 0 ]; then
	echo "failing suites: ${failed_names[*]}"
fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
