# tests/lib/screen.sh — the harness shared by screen suites that run
# stigmem-tui headless (--script, --dump-dir) against nodes of their own.
# Sourced, not run. Before sourcing set:
#   SUITE        prefix of PASS/FAIL names and golden files (SUITE-NAME-DUMP.golden);
#                may be empty (names NAME/..., goldens NAME-DUMP.golden)
#   SUITE_NAME   the suite in messages and temp names (default: SUITE)
#   SUITE_SIZE   "LINES COLUMNS" of the headless terminal (default "30 110")
#   SUITE_NEEDS  commands the suite needs besides the binaries (e.g. "curl")
# and optionally the array NORMALIZE_EXTRA of further `sed -E` arguments
# (applied after the common rules: ports, date-times, UUIDs) and a function
# postnormalize FILE (edits a normalized dump in place before the compare).
# Provides ROOT BUILD BIN LITE GOLD TMP, a cleanup trap that stops every node
# started with start_node, and: start_node, stop_node, normalize, run,
# run_tui, pass, fail, expect_rc, check, has, lacks.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
BIN=$BUILD/stigmem-tui
LITE=$BUILD/stigmem-lite
GOLD=$ROOT/tests/screen/goldens
SUITE_NAME=${SUITE_NAME:-$SUITE}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stigmem-$SUITE_NAME.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

if [ ! -x "$BIN" ] || [ ! -x "$LITE" ]; then
	echo "FAIL: $SUITE_NAME (no binaries in $BUILD)"
	exit 1
fi
for c in ${SUITE_NEEDS:-}; do
	if ! command -v "$c" >/dev/null; then
		echo "FAIL: $SUITE_NAME ($c command not found)"
		exit 1
	fi
done

mkdir -p "$TMP/home" "$TMP/xdg"
read -r LINES COLUMNS <<<"${SUITE_SIZE:-30 110}"
export LINES COLUMNS TERM=dumb LC_ALL=C.UTF-8 TZ=UTC HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/xdg"
unset NO_COLOR STIGMEM_URL STIGMEM_API_KEY STIGMEM_API_KEY_FILE STIGMEM_PROFILE \
	STIGMEM_TUI_CONFIG STIGMEM_TUI_THEME STIGMEM_TUI_SCRIPT STIGMEM_TUI_DUMP_DIR ESCDELAY \
	XDG_STATE_HOME

pass() { echo "PASS: ${SUITE:+$SUITE-}$1"; }
fail() { echo "FAIL: ${SUITE:+$SUITE-}$1${2:+ ($2)}"; }

# start_node NAME ARGS... : stigmem-lite on an ephemeral port with its
# database in $TMP/NAME-node; sets URL, URL_NAME and PID_NAME. Fails
# (returns 1) when it does not start.
start_node() {
	local name=$1 port= pid
	shift
	mkdir -p "$TMP/$name-node"
	(cd "$TMP/$name-node" && exec "$LITE" --listen 127.0.0.1:0 --db "$TMP/$name-node/node.db" \
		--tl-file "$TMP/$name-node/tl.jsonl" "$@" >"$TMP/$name-node/log" 2>&1) &
	pid=$!
	PIDS="$PIDS $pid"
	for _ in $(seq 1 300); do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$TMP/$name-node/log" | head -1)
		[ -n "$port" ] && break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		fail "$name/node-starts"
		URL=
		return 1
	fi
	URL=http://127.0.0.1:$port
	eval "URL_$name=\$URL PID_$name=$pid"
}

# stop_node NAME : stop that node (its database stays; start_node NAME
# again reopens it).
stop_node() {
	local pid
	eval "pid=\${PID_$1:-}"
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	eval "PID_$1="
}

normalize() {
	sed -E -e 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}/YYYY-MM-DD hh:mm:ss/g' \
		-e 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/UUID/g' \
		"${NORMALIZE_EXTRA[@]}" "$1"
}

# run_tui NAME [options...] <<script : the inspector in $TMP/NAME with the
# script on stdin and the options as given.
run_tui() {
	local name=$1 dir
	shift
	dir=$TMP/$name
	mkdir -p "$dir"
	cat > "$dir/script"
	(cd "$dir" && timeout 90 "$BIN" --script script --dump-dir . "$@" >stdout 2>stderr)
	echo $? > "$dir/rc"
}

# run NAME URL [options...] <<script : run_tui against URL (CONFIG=FILE in
# the environment: its config file, else none).
run() {
	local name=$1 url=$2
	shift 2
	run_tui "$name" --config "${CONFIG:-/dev/null}" --url "$url" "$@"
}

# expect_rc NAME [CODE] : the run exited CODE (default 0) and printed nothing.
expect_rc() {
	local rc want=${2:-0}
	rc=$(cat "$TMP/$1/rc")
	if [ "$rc" = "$want" ] && [ ! -s "$TMP/$1/stdout" ]; then
		pass "$1/exit"
	else
		fail "$1/exit" "rc $rc, want $want; stdout $(wc -c < "$TMP/$1/stdout") bytes"
		sed -n 1,20p "$TMP/$1/stderr"
	fi
}

# check NAME DUMP : the normalized dump against its golden (UPDATE_GOLDENS=1
# rewrites it).
check() {
	local got=$TMP/$1/$2.txt gold=$GOLD/${SUITE:+$SUITE-}$1-$2.golden
	if [ ! -f "$got" ]; then
		fail "$1/$2" "no dump"
		sed -n 1,20p "$TMP/$1/stderr" 2>/dev/null
		return
	fi
	normalize "$got" > "$got.norm"
	if declare -F postnormalize >/dev/null; then
		postnormalize "$got.norm"
	fi
	if [ "${UPDATE_GOLDENS:-}" = 1 ]; then
		cp "$got.norm" "$gold"
	fi
	if [ -f "$gold" ] && diff -u "$gold" "$got.norm" > "$TMP/$1-$2.diff"; then
		pass "$1/$2"
	else
		fail "$1/$2"
		head -n 40 "$TMP/$1-$2.diff" 2>/dev/null
	fi
}

# has / lacks NAME DUMP TEXT LABEL : a fixed string in (not in) the raw dump.
has() {
	if grep -qF -- "$3" "$TMP/$1/$2.txt" 2>/dev/null; then
		pass "$1/$4"
	else
		fail "$1/$4" "'$3' not in $2"
	fi
}
lacks() {
	if [ -f "$TMP/$1/$2.txt" ] && ! grep -qF -- "$3" "$TMP/$1/$2.txt"; then
		pass "$1/$4"
	else
		fail "$1/$4" "'$3' in $2"
	fi
}
