#!/usr/bin/env bash
# triage_tmux.sh — a full triage in a real terminal (tmux) on the built-in
# demo node: open the conflict queue, resolve every unresolved conflict from
# the keyboard (the first by a typed new value, the rest by the suggested
# side, each through the confirmation), see the queue clear, then prove the
# node's fact chain in the verify view. Prints PASS:/FAIL: lines.
set -u
. "$(dirname "$0")/lib.bash"
tmux_demo triage_tmux || exit 0
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
