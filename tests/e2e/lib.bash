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
