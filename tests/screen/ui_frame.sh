#!/usr/bin/env bash
# ui_frame.sh — headless screen tests of the inspector frame.
#
# stigmem-tui runs with --script: keys come from a script, curses renders
# through newterm() into /dev/null (no TTY needed), and `dump NAME` writes
# the composed screen as text. Dumps are normalized (ports, timestamps,
# node ids, curl timings) and compared with tests/screen/goldens/*.golden.
# UPDATE_GOLDENS=1 rewrites the goldens from the current output.
# Prints "PASS: name" / "FAIL: name" lines (tests/run.sh counts them).
set -u
# Goldens and PASS/FAIL names carry no suite prefix (NAME-DUMP.golden, NAME/...).
SUITE= SUITE_NAME=ui_frame SUITE_SIZE="24 80"
NORMALIZE_EXTRA=(-e 's/after [0-9]+ ms/after N ms/g'
	-e 's/sha256:[0-9a-f]+…?/sha256:HASH/g'
	-e 's/[0-9]{13}\.[0-9]+/HLC/g'
	-e 's/hh:mm:ss\.[0-9]+/hh:mm:ss.frac/g'
	-e 's/counter [0-9]+/counter N/g'
	-e 's/^(  (effective confidence|source trust) +)[0-9.]+$/\1N/')
. "$(dirname "$0")/../lib/screen.sh"

# A port nothing listens on (the node is down).
DOWN_URL=http://127.0.0.1:1

# MASK_COUNTS=1 check ... : mask the per-entity fact counts of entity lists
# (those of the demo dataset's filler facts are not what these goldens pin).
postnormalize() {
	if [ -n "${MASK_COUNTS:-}" ]; then
		sed -E -i 's/^(   stigmem:.*[^ ]) +[0-9]+  (YYYY-MM-DD hh:mm:ss)$/\1  N  \2/' "$1"
	fi
}

# ---- node down: the error state says so clearly -----------------------------
# The overview comes forward by itself and offers: demo node, URL, profile.
run_tui down --config /dev/null --url "$DOWN_URL" <<'S'
wait-idle
dump overview
key 2
dump entities
key 1
key u
type http://localhost:9
dump url-prompt
key <Esc>
key 0
key /
type healthz
key <Enter>
dump log
key 1
key d
wait-idle 30000
key 2
wait-idle 30000
dump demo-entities
S
expect_rc down 0
check down overview
check down entities
check down url-prompt
check down log
check down demo-entities

# ---- help overlay, palette, Ctrl-C twice quits ------------------------------
run_tui keys --config /dev/null --url "$DOWN_URL" <<'S'
wait-idle
key ?
dump help
key <PgDn>
dump help-scrolled
type page
dump help-search
key <Esc>
key <Esc>
key :
type view-o
dump palette
key <Enter>
dump palette-ran
key <C-c>
key <C-c>
dump not-reached
S
expect_rc keys 0
check keys help
check keys help-scrolled
check keys help-search
check keys palette
check keys palette-ran
if [ ! -f "$TMP/keys/not-reached.txt" ]; then
	echo "PASS: keys/ctrl-c-twice-quits"
else
	echo "FAIL: keys/ctrl-c-twice-quits"
fi

# ---- resize at any size -------------------------------------------------------
run_tui resize --config /dev/null --url "$DOWN_URL" <<'S'
wait-idle
key 1
resize 30 6
dump tiny
resize 1 1
dump one
resize 120 32
dump big
S
expect_rc resize 0
check resize tiny
check resize big
has resize one "" one-by-one

# ---- config: binds, theme, errors as file:line in the log ---------------------
mkdir -p "$TMP/config"
cat > "$TMP/config/cfg" <<'C'
# test config
set theme = mono
bind x quit
bind q none
bind <F9> help
set mouse = maybe
colour cursor red blue
bind <C-y> frobnicate
source missing.conf
set profile.lab.url = http://127.0.0.1:1
set profile.prod.url = https://127.0.0.1:1
set profile.prod.read-only = yes
C
run_tui config --config ./cfg --url "$DOWN_URL" <<'S'
wait-idle
key <F9>
type quit
dump help-quit
key <Esc>
key <Esc>
key 0
key /
type cfg:
key <Enter>
dump log
key q
dump after-q
key P
dump chooser
key 2
wait-idle
dump prod
key x
dump not-reached
S
expect_rc config 0
check config help-quit
check config log
check config chooser
check config prod
has config prod "prod (https://127.0.0.1:" profile-label
has config after-q "Messages" q-unbound
if [ ! -f "$TMP/config/not-reached.txt" ]; then
	echo "PASS: config/x-quits"
else
	echo "FAIL: config/x-quits"
fi

# ---- loud badges: TLS verification off, read-only ----------------------------
run_tui badges --config /dev/null --url https://127.0.0.1:1 --insecure --read-only <<'S'
wait-idle
key 1
dump overview
S
expect_rc badges 0
check badges overview
has badges overview "!! TLS NOT VERIFIED !!" tls-badge
has badges overview "[READ-ONLY]" readonly-badge

# ---- bad config path / unknown profile are reported before curses starts ------
(cd "$TMP" && timeout 20 "$BIN" --config ./nope --script /dev/null >out 2>err)
rc=$?
if [ "$rc" = 2 ] && grep -qF "./nope: cannot open: No such file or directory" "$TMP/err"; then
	echo "PASS: cli/missing-config"
else
	echo "FAIL: cli/missing-config (rc $rc: $(cat "$TMP/err"))"
fi
(cd "$TMP" && timeout 20 "$BIN" --config "$TMP/config/cfg" --profile staging --script /dev/null >out 2>err)
rc=$?
if [ "$rc" = 2 ] && grep -qF "unknown profile 'staging' (profiles: lab, prod)" "$TMP/err"; then
	echo "PASS: cli/unknown-profile"
else
	echo "FAIL: cli/unknown-profile (rc $rc: $(cat "$TMP/err"))"
fi

# ---- the demo node: entity browser, filter, facts, raw view, hostile strings --
export LINES=30 COLUMNS=110
run_tui demo --config /dev/null --demo <<'S'
wait-idle 30000
dump entities
key G
dump entities-end
key /
type hr-bot
dump filter
key <Enter>
key <Enter>
wait-idle
dump agent-facts
key j
key j
key j
key j
key j
key j
key j
key <Enter>
dump fact-detail
key <PgDn>
dump fact-detail-more
key h
dump facts-back
key 2
key <Esc>
key /
type hostile
key <Enter>
key <Enter>
wait-idle
dump hostile-facts
key g
key j
key R
dump hostile-raw
key <Esc>
key 1
wait-idle
dump overview
S
expect_rc demo 0
MASK_COUNTS=1 check demo entities
MASK_COUNTS=1 check demo entities-end
MASK_COUNTS=1 check demo filter
check demo agent-facts
check demo fact-detail
check demo fact-detail-more
has demo fact-detail "verified-integer-spelling" cid-integer-spelling
has demo facts-back "cid:int  2048" back-to-list
check demo hostile-facts
check demo hostile-raw
check demo overview
# Hostile strings show as visible markers, never as raw control bytes.
has demo hostile-facts "note:^[[1mbold-relation" esc-token
has demo hostile-facts "agent:evil<U+202E>" bidi-marker
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$TMP"/demo/*.txt; then
	echo "FAIL: demo/no-control-bytes"
else
	echo "PASS: demo/no-control-bytes"
fi

# ---- colour: roles get colour pairs; NO_COLOR / --color never give attributes
# only, and escape markers stay distinguishable without colour -------------
attr_script() {
	cat <<'S'
wait-idle 30000
key /
type hostile
key <Enter>
key <Enter>
wait-idle
key j
key j
dump h
dump-attrs h
S
}
attr_script | TERM=xterm-256color run_tui color-on --config /dev/null --demo
attr_script | TERM=xterm-256color NO_COLOR=1 run_tui color-nocolor --config /dev/null --demo
attr_script | TERM=xterm-256color run_tui color-never --config /dev/null --demo --color never
attr_script | TERM=xterm-256color run_tui color-mono --config /dev/null --demo --theme mono
for r in color-on color-nocolor color-never color-mono; do
	expect_rc "$r" 0
done
if grep -q '[A-Z]' "$TMP/color-on/h.attrs"; then
	echo "PASS: color-on/has-colour"
else
	echo "FAIL: color-on/has-colour"
fi
for r in color-nocolor color-never color-mono; do
	if [ -f "$TMP/$r/h.attrs" ] && ! grep -q '[A-Z]' "$TMP/$r/h.attrs"; then
		echo "PASS: $r/no-colour"
	else
		echo "FAIL: $r/no-colour"
	fi
done
# The "^[" token in the relation header: its cells carry reverse video, the
# rest of that header row does not (meaning without colour).
for r in color-nocolor color-mono color-on; do
	line=$(grep -n 'note:\^\[\[1mbold-relation' "$TMP/$r/h.txt" | head -n 1 | cut -d: -f1)
	if [ -z "$line" ]; then
		echo "FAIL: $r/escape-marker (row not found)"
		continue
	fi
	row=$(sed -n "${line}p" "$TMP/$r/h.txt")
	attrs=$(sed -n "${line}p" "$TMP/$r/h.attrs")
	pre=${row%%^[*}
	col=$(printf '%s' "$pre" | wc -m)
	mark=${attrs:$col:2}
	first=${attrs:1:1}
	case "$mark" in
	rr|RR) if [ "$first" != r ] && [ "$first" != R ]; then
			echo "PASS: $r/escape-marker"
		else
			echo "FAIL: $r/escape-marker (whole row reversed: $attrs)"
		fi ;;
	*) echo "FAIL: $r/escape-marker (cells '$mark' at column $col: $attrs)" ;;
	esac
done

# ---- a node that wants a key: HTTP status and the node's detail in the log ---
LITE=$BUILD/stigmem-lite
if [ -x "$LITE" ]; then
	"$LITE" --listen 127.0.0.1:0 --auth required --db :memory: --quiet \
		> "$TMP/lite.out" 2> "$TMP/lite.err" &
	LITE_PID=$!
	port=
	for _ in $(seq 1 100); do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/lite.out" "$TMP/lite.err" | head -n 1)
		[ -n "$port" ] && break
		sleep 0.1
	done
	if [ -z "$port" ]; then
		echo "FAIL: auth/lite-start ($(cat "$TMP/lite.err"))"
	else
		run_tui auth --config /dev/null --url "http://127.0.0.1:$port" <<'S'
wait-idle
dump entities
key 1
dump overview
key 0
key /
type audit
key <Enter>
dump log
S
		expect_rc auth 0
		check auth entities
		check auth overview
		check auth log
		has auth log "(HTTP 401)" http-status-in-log
		has auth overview "unauthorized" status-principal
	fi
	kill "$LITE_PID" 2>/dev/null
	wait "$LITE_PID" 2>/dev/null
else
	echo "FAIL: auth (no stigmem-lite at $LITE)"
fi

# ---- a slow node: Esc cancels the request in flight; the UI never blocks -----
# start_lite NAME ARGS... : run stigmem-lite on an ephemeral port; sets PORT.
start_lite() {
	local name=$1 i
	shift
	"$LITE" --listen 127.0.0.1:0 --db :memory: --quiet "$@" \
		> "$TMP/$name.lite.out" 2> "$TMP/$name.lite.err" &
	LITE_PID=$!
	PORT=
	for i in $(seq 1 100); do
		PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' \
			"$TMP/$name.lite.out" "$TMP/$name.lite.err" | head -n 1)
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	return 1
}
if [ -x "$LITE" ] && start_lite slow --fault-delay-ms "8000,1,/v1/audit"; then
	start=$(date +%s%N)
	run_tui slow --config /dev/null --url "http://127.0.0.1:$PORT" <<'S'
sleep 700
dump loading
key <Esc>
wait-idle 5000
dump cancelled
key 0
dump log
key q
S
	end=$(date +%s%N)
	expect_rc slow 0
	# How many requests are still in flight after 700 ms depends on the
	# node's worker threads, so these are content checks, not goldens.
	has slow loading "Discovering entities from /v1/audit" loading-progress
	has slow loading " busy " loading-spinner
	has slow cancelled "discovery cancelled (r restarts it)" cancelled-state
	has slow cancelled " idle " cancelled-idle
	has slow log "Cancelled " cancel-logged
	# Cancelling did not wait for the 8 s delay.
	ms=$(( (end - start) / 1000000 ))
	if [ "$ms" -lt 5000 ]; then
		echo "PASS: slow/no-blocking"
	else
		echo "FAIL: slow/no-blocking (took $ms ms)"
	fi
	kill "$LITE_PID" 2>/dev/null
	wait "$LITE_PID" 2>/dev/null
else
	echo "FAIL: slow (stigmem-lite did not start)"
fi

# ---- monkey: a fixed pseudo-random stream of keys and resizes on the demo ----
# Every pane, overlay and list path sees keys it does not expect; the run must
# end normally (under `make asan` this also checks memory safety).
awk 'BEGIN {
	srand(20261121);
	n = split("j k <Down> <Up> <PgDn> <PgUp> <C-d> <C-u> g G <Home> <End> <Enter> h l <Left> <Right> <Backspace> / n N <Tab> <S-Tab> 1 2 3 0 L r s S R ? <F1> <Esc> a b z 9 <Space> <C-l> <F5> é 助", k, " ");
	print "wait-idle 30000";
	for (i = 0; i < 3000; i++) {
		r = int(rand() * 100);
		if (r < 2) printf "resize %d %d\n", 1 + int(rand() * 160), 1 + int(rand() * 50);
		else if (r < 3) print "wait-idle 30000";
		else printf "key %s\n", k[1 + int(rand() * n)];
	}
	print "resize 100 30";
	print "wait-idle 30000";
	print "dump end";
}' | run_tui monkey --config /dev/null --demo
expect_rc monkey 0
has monkey end "stigmem-tui" final-frame

# ---- precedence: flag > environment > config file > default -----------------
cat > "$TMP/prec.conf" <<'C'
set url = http://127.0.0.1:2
set profile.envp.url = http://127.0.0.1:3
set profile.flagp.url = http://127.0.0.1:4
C
prec() { # prec NAME WANT-URL ARGS... (script: dump the status bar)
	local name=$1 want=$2
	shift 2
	printf 'dump s\n' | run_tui "$name" --config "$TMP/prec.conf" "$@"
	if tail -n 1 "$TMP/$name/s.txt" 2>/dev/null | grep -qF "$want"; then
		echo "PASS: precedence/$name"
	else
		echo "FAIL: precedence/$name (want $want: $(tail -n 1 "$TMP/$name/s.txt" 2>/dev/null))"
	fi
}
prec config-url "http://127.0.0.1:2 "
prec flag-url "http://127.0.0.1:5 " --url http://127.0.0.1:5
STIGMEM_PROFILE=envp prec env-profile "envp (http://127.0.0.1:3)"
STIGMEM_PROFILE=envp prec flag-profile "flagp (http://127.0.0.1:4)" --profile flagp
STIGMEM_URL=http://127.0.0.1:6 prec env-url "http://127.0.0.1:6 "
