# lib.bash — helpers shared by the e2e scripts (sourced, not run: the runner
# only runs *.sh). Sets ROOT, BUILD, SHARED; defines pass, fail, expect.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
SHARED=${SHARED:-$ROOT/../shared}
unset STIGMEM_URL STIGMEM_API_KEY STIGMEM_API_KEY_FILE

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ — $2}"; }

# expect NAME EXIT_CODE REGEX -- COMMAND...
# Runs COMMAND (stdout+stderr), passes when it exits with EXIT_CODE and its
# output matches the extended REGEX (empty REGEX: exit code only).
expect() {
	local name=$1 want=$2 pat=$3
	shift 4
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name" "exit $rc, wanted $want: $(printf '%s' "$out" | head -5)"
	elif [ -n "$pat" ] && ! printf '%s\n' "$out" | grep -qE -- "$pat"; then
		fail "$name" "output lacks /$pat/: $(printf '%s' "$out" | head -8)"
	else
		pass "$name"
	fi
}

# start_lite DIR NAME [ARGS...]
# Starts $BUILD/stigmem-lite on 127.0.0.1:0 with database DIR/NAME.db, its
# log in DIR/NAME.log and the transparency log in DIR/NAME.tl.jsonl, in the
# background. Sets LITE_PID and LITE_PORT; returns 1 when no port appeared
# within 30 s.
start_lite() {
	local dir=$1 name=$2
	shift 2
	(cd "$dir" && exec "$BUILD/stigmem-lite" --listen 127.0.0.1:0 --db "$dir/$name.db" \
		--tl-file "$dir/$name.tl.jsonl" "$@" >"$dir/$name.log" 2>&1) &
	LITE_PID=$!
	LITE_PORT=
	for _ in $(seq 1 300); do
		LITE_PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$dir/$name.log" | head -1)
		[ -n "$LITE_PORT" ] && return 0
		sleep 0.1
	done
	return 1
}

# tmux_demo NAME : start the built inspector on its demo node in a detached
# tmux session (120x40, throwaway HOME) for the script NAME. Sets BIN, TMP
# and SOCK, stops the server and removes TMP on exit, and defines screen,
# keys, wait_for TEXT SECONDS and step LABEL TEXT [SECONDS] (PASS/FAIL
# NAME/LABEL). Returns 1 (after a FAIL line) when tmux or the binary is
# missing or the session does not start; the caller then exits 0.
tmux_demo() {
	TMUX_NAME=$1
	BIN=$BUILD/stigmem-tui
	if ! command -v tmux >/dev/null 2>&1; then
		fail "$TMUX_NAME" "tmux is not installed"
		return 1
	fi
	if [ ! -x "$BIN" ]; then
		fail "$TMUX_NAME" "no binary at $BIN"
		return 1
	fi
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/stigmem-$TMUX_NAME.XXXXXX")
	SOCK="stigmem-$TMUX_NAME-$$"
	trap 'tmux -L "$SOCK" kill-server >/dev/null 2>&1; rm -rf "$TMP"' EXIT
	mkdir -p "$TMP/home" "$TMP/xdg"
	if ! tmux -L "$SOCK" -f /dev/null new-session -d -s main -x 120 -y 40 \
		"cd '$TMP' && env HOME='$TMP/home' XDG_CONFIG_HOME='$TMP/xdg' TERM=xterm-256color LC_ALL=C.UTF-8 '$BIN' --config /dev/null --demo; sleep 30"; then
		fail "$TMUX_NAME/session" "tmux new-session failed"
		return 1
	fi
}
screen() { tmux -L "$SOCK" capture-pane -p -t main 2>/dev/null; }
keys() { tmux -L "$SOCK" send-keys -t main "$@"; }

# wait_for TEXT SECONDS : poll the pane until it shows TEXT.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if screen | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# step LABEL TEXT [SECONDS] : PASS once TEXT shows (default 20 s), else FAIL
# with the screen.
step() {
	if wait_for "$2" "${3:-20}"; then
		pass "$TMUX_NAME/$1"
	else
		fail "$TMUX_NAME/$1" "'$2' not on screen"
		screen | head -30
	fi
}
