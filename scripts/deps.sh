#!/usr/bin/env bash
# Installs (as root) or checks the Debian/Ubuntu packages that stigmem-tui
# needs to build, test, run the demo and the benchmarks.
#   scripts/deps.sh           apt-get update, then install what is missing
#   scripts/deps.sh --check   report what is missing and the exact command; exit 1 if any
set -u

PACKAGES="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev \
libssl-dev libcmocka-dev libsqlite3-dev libmicrohttpd-dev tmux clang libclang-rt-14-dev valgrind jq sqlite3 curl procps"

# What each package provides, checked without dpkg so the check also works
# where a library came from somewhere else: "package:kind:name".
PROBES="pkg-config:cmd:pkg-config
build-essential:cmd:make
build-essential:cmd:cc
libncurses-dev:pc:ncursesw
libcurl4-openssl-dev:pc:libcurl
libcjson-dev:pc:libcjson
libssl-dev:pc:libcrypto
libcmocka-dev:pc:cmocka
libsqlite3-dev:pc:sqlite3
libmicrohttpd-dev:pc:libmicrohttpd
tmux:cmd:tmux
sqlite3:cmd:sqlite3
curl:cmd:curl
procps:cmd:pgrep"

# Optional tools: only needed by `make fuzz` (clang + libFuzzer runtime) and valgrind runs.
OPTIONAL="clang:cmd:clang
valgrind:cmd:valgrind
jq:cmd:jq"

missing_of() {
	local list="$1" out="" line pkg kind name
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		pkg=${line%%:*}; line=${line#*:}; kind=${line%%:*}; name=${line#*:}
		case "$kind" in
		cmd) command -v "$name" >/dev/null 2>&1 && continue ;;
		pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$name" && continue ;;
		esac
		case " $out " in *" $pkg "*) ;; *) out="$out $pkg" ;; esac
	done <<< "$list"
	echo "${out# }"
}

if [ "${1:-}" = "--check" ]; then
	need=$(missing_of "$PROBES")
	opt=$(missing_of "$OPTIONAL")
	if [ -n "$need" ]; then
		echo "stigmem-tui: missing build dependencies: $need" >&2
		echo "install them with:  sudo scripts/deps.sh" >&2
		echo "  (or: sudo apt-get update && sudo apt-get install -y $need)" >&2
		exit 1
	fi
	[ -z "$opt" ] || echo "stigmem-tui: optional tools missing (make fuzz / valgrind): $opt" >&2
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "scripts/deps.sh: run as root (or use --check)" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || exit 1
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $PACKAGES || exit 1
exec "$0" --check
