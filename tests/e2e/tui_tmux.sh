#!/usr/bin/env bash
# tui_tmux.sh — the inspector in a real terminal (tmux): start --demo,
# navigate, filter, open facts and the card, resize (down to below the
# minimum size), suspend and resume, quit; then the terminal is restored,
# the hostile strings of the demo data left the pane title alone and set no
# clipboard buffer (with `set-clipboard on`), and SIGTERM restores the
# terminal too. A private tmux server (-L) is killed on exit.
# Prints "PASS: name" / "FAIL: name" lines (tests/run.sh counts them).
set -u
. "$(dirname "$0")/lib.bash"
BIN=$BUILD/stigmem-tui

if ! command -v tmux >/dev/null 2>&1; then
	fail "tui_tmux" "tmux is not installed"
	exit 1
fi
if [ ! -x "$BIN" ]; then
	fail "tui_tmux" "no binary at $BIN"
	exit 1
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/stigmem-tmux.XXXXXX")
SOCK=stg-e2e-$$
T() { tmux -L "$SOCK" "$@"; }
cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
	rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$TMP/home" "$TMP/xdg/config" "$TMP/xdg/data" "$TMP/xdg/state" "$TMP/xdg/cache"

# The shell in the pane: interactive (job control for ^Z / fg), no rc files,
# a fixed prompt, a pinned environment.
cat > "$TMP/shell.sh" <<EOF
export HOME='$TMP/home' XDG_CONFIG_HOME='$TMP/xdg/config' XDG_DATA_HOME='$TMP/xdg/data'
export XDG_STATE_HOME='$TMP/xdg/state' XDG_CACHE_HOME='$TMP/xdg/cache' TMPDIR='$TMP'
export LC_ALL=C.UTF-8 TZ=UTC ESCDELAY=25 PS1='E2E\$ '
unset NO_COLOR STIGMEM_URL STIGMEM_API_KEY STIGMEM_API_KEY_FILE STIGMEM_PROFILE \
	STIGMEM_TUI_CONFIG STIGMEM_TUI_THEME STIGMEM_TUI_SCRIPT STIGMEM_TUI_DUMP_DIR STIGMEM_TUI_TIMING
exec bash --norc --noprofile -i
EOF

# wait_for REGEX [SECONDS] : poll the visible pane until REGEX matches.
wait_for() {
	local pat=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 20; i++)); do
		if T capture-pane -p -t e2e 2>/dev/null | grep -qE -- "$pat"; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}
# check NAME REGEX [SECONDS]
check() {
	if wait_for "$2" "${3:-10}"; then
		pass "tui_tmux/$1"
	else
		fail "tui_tmux/$1" "screen lacks /$2/: $(T capture-pane -p -t e2e | grep -v '^ *$' | head -4 | tr '\n' '|')"
	fi
}
fmt() { T display -p -t e2e "$1"; }
# check_fmt NAME FORMAT WANT [SECONDS] : a tmux format value, polled.
check_fmt() {
	local i got
	for ((i = 0; i < ${4:-5} * 20; i++)); do
		got=$(fmt "$2")
		[ "$got" = "$3" ] && { pass "tui_tmux/$1"; return; }
		sleep 0.05
	done
	fail "tui_tmux/$1" "$2 is '$got', wanted '$3'"
}
keys() { T send-keys -t e2e "$@"; sleep 0.15; }
prompt_back() { wait_for '^E2E\$ *$' "${1:-10}"; }

T -f /dev/null new-session -d -s e2e -x 120 -y 40 "bash --norc --noprofile '$TMP/shell.sh'" || {
	fail "tui_tmux/server" "tmux new-session failed"
	exit 1
}
T set -g allow-rename on
T set -g remain-on-exit off
if ! prompt_back 10; then
	fail "tui_tmux/shell" "no shell prompt"
	exit 1
fi
title0=$(fmt '#{pane_title}')
T delete-buffer >/dev/null 2>&1

# ---- start, navigate, filter ------------------------------------------------------
T send-keys -t e2e "'$BIN' --demo --config /dev/null" Enter
check start 'Entities: 150 user' 20
check_fmt start/alternate '#{alternate_on}' 1
check start/status 'http://127\.0\.0\.1:[0-9]+ +\[demo\]'

# Entities sorted by name: assistant-助手, budget-watch, code-review, ...
keys 2
keys g
keys j j j k
keys Enter
check navigate 'Facts of stigmem://acme\.example/agent/code-review'

keys 2
keys / Escape
keys / o k r - q Enter
check filter '/okr-q +4 matches'
keys Home
keys n n N
keys Enter
check filter/next 'Facts of stigmem://acme\.example/doc/okr-q2'

# ---- hostile strings: facts and card ------------------------------------------------
# browse_hostile TAG : facts of doc/hostile-strings, its card, facts of
# user/mallory-evil; then the pane title is unchanged and no buffer exists.
browse_hostile() {
	local tag=$1 t
	keys 2
	keys / Escape
	keys / h o s t i l e - s t r i n g s Enter
	keys Enter
	check "$tag/hostile/facts" 'Facts of stigmem://acme\.example/doc/hostile-strings'
	check "$tag/hostile/osc52-visible" 'copy me \]52;c;'
	if T capture-pane -p -t e2e | grep -q ' 4 Card '; then
		keys 4
		check "$tag/hostile/card" 'Card of stigmem://acme\.example/doc/hostile-strings'
	else
		echo "note: tui_tmux/$tag/hostile/card skipped (no card pane registered)"
	fi
	keys 2
	keys / Escape
	keys / m a l l o r y Enter
	keys Enter
	check "$tag/hostile/mallory" 'Facts of stigmem://acme\.example/user/mallory-evil'
	sleep 0.3
	t=$(fmt '#{pane_title}')
	[ "$t" = "$title0" ] && pass "tui_tmux/$tag/title-unchanged" ||
		fail "tui_tmux/$tag/title-unchanged" "pane title '$title0' became '$t'"
	t=$(T list-buffers 2>&1)
	[ -z "$t" ] && pass "tui_tmux/$tag/no-clipboard-buffer" ||
		fail "tui_tmux/$tag/no-clipboard-buffer" "$t"
}

browse_hostile default
keys / Escape

# ---- resize ----------------------------------------------------------------------------
T resize-window -t e2e -x 80 -y 24
check resize/80x24 '^ stigmem-tui  1 Overview'
if T capture-pane -p -t e2e | sed -n 24p | grep -q '?:help'; then
	pass "tui_tmux/resize/status-on-last-line"
else
	fail "tui_tmux/resize/status-on-last-line" "line 24: $(T capture-pane -p -t e2e | sed -n 24p)"
fi
T resize-window -t e2e -x 20 -y 5
check resize/tiny 'Terminal too small'
T resize-window -t e2e -x 120 -y 40
check resize/back 'Facts of stigmem://acme\.example/user/mallory-evil'

# ---- suspend and resume ------------------------------------------------------------------
keys C-z
if prompt_back 10; then pass "tui_tmux/suspend"; else fail "tui_tmux/suspend" "no prompt after ^Z"; fi
check_fmt suspend/alternate-off '#{alternate_on}' 0
T send-keys -t e2e clear Enter
sleep 0.2
T send-keys -t e2e fg Enter
check resume/repaint 'Facts of stigmem://acme\.example/user/mallory-evil' 10
check resume/status '\[demo\]'
check_fmt resume/alternate '#{alternate_on}' 1
keys 2
check resume/keys 'Entities: 150 user'

# ---- quit: terminal restored ---------------------------------------------------------------
keys q
if prompt_back 10; then pass "tui_tmux/quit/prompt"; else fail "tui_tmux/quit/prompt" "no prompt after q"; fi
check_fmt quit/alternate-off '#{alternate_on}' 0
check_fmt quit/cursor-visible '#{cursor_flag}' 1
T send-keys -t e2e 'echo "rc1=$?"' Enter
check quit/exit-0 '^rc1=0$'
title2=$(fmt '#{pane_title}')
[ "$title2" = "$title0" ] && pass "tui_tmux/quit/title" ||
	fail "tui_tmux/quit/title" "pane title '$title0' became '$title2'"
bufs=$(T list-buffers 2>&1)
[ -z "$bufs" ] && pass "tui_tmux/quit/no-buffer" || fail "tui_tmux/quit/no-buffer" "$bufs"

# ---- SIGTERM restores the terminal ----------------------------------------------------------
# Second run with tmux accepting OSC 52 from applications (set-clipboard on):
# the hostile strings still must not create a buffer or retitle the pane.
T set -g set-clipboard on
T send-keys -t e2e clear Enter
T send-keys -t e2e "'$BIN' --demo --config /dev/null" Enter
check sigterm/start 'Entities: 150 user' 20
browse_hostile clipboard-on
shpid=$(fmt '#{pane_pid}')
uipid=$(pgrep -P "$shpid" -f stigmem-tui | head -1)
if [ -z "$uipid" ]; then
	fail "tui_tmux/sigterm" "UI process not found under shell $shpid"
else
	kill -TERM "$uipid"
	if prompt_back 10; then pass "tui_tmux/sigterm/prompt"; else fail "tui_tmux/sigterm/prompt" "no prompt"; fi
	check_fmt sigterm/alternate-off '#{alternate_on}' 0
	check_fmt sigterm/cursor-visible '#{cursor_flag}' 1
	T send-keys -t e2e 'echo "rc2=$?"' Enter
	check sigterm/exit-143 '^rc2=143$'
fi
exit 0
