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
