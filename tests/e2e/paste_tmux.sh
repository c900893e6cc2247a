#!/usr/bin/env bash
# Bracketed paste in a real terminal (tmux paste-buffer -p wraps the text in
# ESC[200~ … ESC[201~ because the inspector enables mode 2004): pasted text
# reaches a focused text input with line breaks as spaces (nothing is
# submitted) and never runs an action — a pasted "q" does not quit.
set -u
. "$(dirname "$0")/lib.bash"
S=stg-paste-$$
H=$(mktemp -d "${TMPDIR:-/tmp}/stg-paste.XXXXXX")
cleanup() { tmux -L "$S" kill-server 2>/dev/null; rm -rf "$H"; }
trap cleanup EXIT
t() { tmux -L "$S" "$@"; }
# wait_for TEXT [SECONDS]: poll the screen until TEXT shows.
wait_for() {
	local i
	for i in $(seq 1 $((${2:-10} * 10))); do
		t capture-pane -p 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

t -f /dev/null new-session -d -x 120 -y 40 \
	"cd '$H' && env HOME='$H' XDG_CONFIG_HOME='$H' '$BUILD/stigmem-tui' --demo --config /dev/null; echo EXIT=\$?; sleep 60"
if wait_for "conflicts open" 20; then pass "demo inspector up"; else fail "demo inspector up"; exit 1; fi

t send-keys 5
wait_for "Query ›" 5
t send-keys i
sleep 0.3
t set-buffer -b p "$(printf 'engineer\nq staff')"
t paste-buffer -p -b p
if wait_for "Query › engineer q staff" 5; then
	pass "pasted line break becomes a space in the query (nothing submitted)"
else
	fail "pasted line break becomes a space in the query" "$(t capture-pane -p | head -3)"
fi
if t capture-pane -p | grep -q "EXIT="; then fail "a pasted q in the query does not quit"; else pass "a pasted q in the query does not quit"; fi

t send-keys Escape
sleep 0.2
t send-keys 2
sleep 0.5
t set-buffer -b q "qqq"
t paste-buffer -p -b q
sleep 1
if t capture-pane -p | grep -q "EXIT="; then
	fail "pasted text outside a text input is dropped (no quit)"
else
	pass "pasted text outside a text input is dropped (no quit)"
fi

t send-keys q
if wait_for "EXIT=0" 10; then pass "q typed (not pasted) still quits"; else fail "q typed (not pasted) still quits"; fi
