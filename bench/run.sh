#!/usr/bin/env bash
# Runs every benchmark binary ($BUILD/bench/bench_*) and prints its output.
#   BUILD  build directory (default: build)
# `make bench` builds the binaries and calls this script.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$(pwd)/$BUILD" ;; esac
export STG_SHARED_DIR="${STG_SHARED_DIR:-${SHARED:-$(pwd)/../shared}}"
status=0
found=0
for bin in "$BUILD"/bench/bench_*; do
	[ -x "$bin" ] || continue
	found=1
	echo "== $(basename "$bin")"
	"$bin" || { echo "$(basename "$bin"): exit $?"; status=1; }
	echo
done
if [ "$found" = 0 ]; then
	echo "bench/run.sh: no benchmark binaries in $BUILD/bench" >&2
	exit 1
fi
exit $status
