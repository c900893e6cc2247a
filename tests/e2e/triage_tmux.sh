#!/usr/bin/env bash
# triage_tmux.sh — a full triage in a real terminal (tmux) on the built-in
# demo node: open the conflict queue, resolve every unresolved conflict from
# the keyboard (the first by a typed new value, the rest by the suggested
# side, each through the confirmation), see the queue clear, then prove the
# node's fact chain in the verify view. Prints PASS:/FAIL: lines.
set -u
. "$(dirname "$0")/lib.bash"
BIN=$BUILD/stigmem-tui
if ! command -v tmux >/dev/null 2>&1; then
	fail "triage_tmux" "tmux is not installed"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	fail "triage_tmux" "no binary at $BIN"
	exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stigmem-ttmux.XXXXXX")
SOCK="stigmem-triage-$$"
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$TMP/home" "$TMP/xdg"

screen() { tmux -L "$SOCK" capture-pane -p -t tri 2>/dev/null; }
keys() { tmux -L "$SOCK" send-keys -t tri "$@"; }

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

step() {
	if wait_for "$2" "${3:-20}"; then
		pass "triage_tmux/$1"
	else
		fail "triage_tmux/$1" "'$2' not on screen"
		screen | head -30
	fi
}

tmux -L "$SOCK" -f /dev/null new-session -d -s tri -x 120 -y 40 \
	"cd '$TMP' && env HOME='$TMP/home' XDG_CONFIG_HOME='$TMP/xdg' TERM=xterm-256color LC_ALL=C.UTF-8 '$BIN' --config /dev/null --demo; sleep 30"
step started "1 Overview" 30
keys 6
step queue "(16 unresolved, 11 resolved)" 30

# The first one by a typed new value (number) with a note.
keys e
step editor "Resolve with a new value"
keys Up Right Right Tab
keys -l 7
keys Tab
keys -l "set by hand"
keys Enter
step confirm-value '"new_value":{"type":"number","v":7.0}'
keys y
step resolved-value "(15 unresolved, 12 resolved)" 30

# The rest from the keyboard: next unresolved, winner a, confirm.
left=15
while [ "$left" -gt 0 ]; do
	keys u a
	if ! wait_for "Confirm: fact a wins" 10; then
		fail "triage_tmux/confirm-$left" "no confirmation"
		screen | head -30
		break
	fi
	keys y
	left=$((left - 1))
	if ! wait_for "($left unresolved" 30; then
		fail "triage_tmux/resolve-$left" "queue did not shrink"
		screen | head -30
		break
	fi
done
step queue-clear "no unresolved conflicts: the queue is clear" 10
step counts "(0 unresolved, 27 resolved)" 5

# Prove the chain.
keys 7
keys v
step verify "lag-aware ✓ VALID" 60
step log-link "local log link" 5

keys q
sleep 1
if screen | grep -qF "7 Verify"; then
	fail "triage_tmux/quit" "still running after q"
else
	pass "triage_tmux/quit"
fi
