#!/usr/bin/env bash
# recall_tmux.sh — the recall lab in a real terminal (tmux): open the demo
# node, type a query, change a weight (preview), re-run on the node and see
# the rank-change markers. Prints PASS:/FAIL: lines.
set -u
. "$(dirname "$0")/lib.bash"
BIN=$BUILD/stigmem-tui
if ! command -v tmux >/dev/null 2>&1; then
	fail "recall_tmux" "tmux is not installed"
	exit 0
fi
if [ ! -x "$BIN" ]; then
	fail "recall_tmux" "no binary at $BIN"
	exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stigmem-rtmux.XXXXXX")
SOCK="stigmem-recall-$$"
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$TMP/home" "$TMP/xdg"

# wait_for TEXT SECONDS : poll the pane until it shows TEXT.
wait_for() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if tmux -L "$SOCK" capture-pane -p -t lab 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

step() {
	if wait_for "$2" "${3:-20}"; then
		pass "recall_tmux/$1"
	else
		fail "recall_tmux/$1" "'$2' not on screen"
		tmux -L "$SOCK" capture-pane -p -t lab 2>/dev/null | head -20
	fi
}

tmux -L "$SOCK" -f /dev/null new-session -d -s lab -x 120 -y 40 \
	"cd '$TMP' && env HOME='$TMP/home' XDG_CONFIG_HOME='$TMP/xdg' TERM=xterm-256color LC_ALL=C.UTF-8 '$BIN' --config /dev/null --demo; sleep 30"
step started "1 Overview" 30
tmux -L "$SOCK" send-keys -t lab 5
step tab "press i to type a query"
tmux -L "$SOCK" send-keys -t lab i
tmux -L "$SOCK" send-keys -t lab -l team
tmux -L "$SOCK" send-keys -t lab Enter
step run "● node run" 30
tmux -L "$SOCK" send-keys -t lab + +
step preview "◆ PREVIEW"
step preview-weight "lexical 0.45"
tmux -L "$SOCK" send-keys -t lab r
step markers "vs the previous run:" 30
if tmux -L "$SOCK" capture-pane -p -t lab | grep -qE '▲[0-9]|▼[0-9]'; then
	pass "recall_tmux/moved"
else
	fail "recall_tmux/moved" "no ▲/▼ marker after the re-run"
fi
tmux -L "$SOCK" send-keys -t lab q
if wait_for "" 1 && ! tmux -L "$SOCK" capture-pane -p -t lab | grep -qF "Recall"; then
	pass "recall_tmux/quit"
else
	# The session sleeps after the program ends; the tab bar must be gone.
	sleep 1
	if tmux -L "$SOCK" capture-pane -p -t lab | grep -qF "5 Recall"; then
		fail "recall_tmux/quit" "still running after q"
	else
		pass "recall_tmux/quit"
	fi
fi
