#!/usr/bin/env bash
# recall_tmux.sh — the recall lab in a real terminal (tmux): open the demo
# node, type a query, change a weight (preview), re-run on the node and see
# the rank-change markers. Prints PASS:/FAIL: lines.
set -u
. "$(dirname "$0")/lib.bash"
tmux_demo recall_tmux || exit 0
step started "1 Overview" 30
keys 5
step tab "press i to type a query"
keys i
keys -l team
keys Enter
step run "● node run" 30
keys + +
step preview "◆ PREVIEW"
step preview-weight "lexical 0.45"
keys r
step markers "vs the previous run:" 30
if screen | grep -qE '▲[0-9]|▼[0-9]'; then
	pass "recall_tmux/moved"
else
	fail "recall_tmux/moved" "no ▲/▼ marker after the re-run"
fi
keys q
if wait_for "" 1 && ! screen | grep -qF "Recall"; then
	pass "recall_tmux/quit"
else
	# The session sleeps after the program ends; the tab bar must be gone.
	sleep 1
	if screen | grep -qF "5 Recall"; then
		fail "recall_tmux/quit" "still running after q"
	else
		pass "recall_tmux/quit"
	fi
fi
