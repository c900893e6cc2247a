#!/usr/bin/env bash
# entities.sh — headless screen tests of the entity browser's discovery
# sources and its contradictions sort, against a real stigmem-lite.
#
# 1. Fallback discovery: the demo dataset is served three times — /v1/audit
#    working, answering 403, answering 500 (--fault-status). Without audit
#    the inspector crawls /v1/facts pages and graph neighbours; it must list
#    the same user entities (count, names, fact counts) as with audit, say
#    so on the progress line and in the log.
# 2. Contradictions sort: a small dataset written here with known open
#    conflicts (one of them resolved) is listed most-open-conflicts first;
#    the sort key cycles through all four modes.
# Dumps are normalized (ports, times, ids) and compared with
# tests/screen/goldens/ents-*.golden; UPDATE_GOLDENS=1 rewrites them.
# Prints "PASS: name" / "FAIL: name" lines (tests/run.sh counts them).
set -u
SUITE=ents SUITE_NEEDS=curl
. "$(dirname "$0")/../lib/screen.sh"

# user_count NAME : N of "Entities: N user" in the entities dump.
user_count() {
	sed -n 's/^ Entities: \([0-9][0-9]*\) user.*/\1/p' "$TMP/$1/entities.txt" 2>/dev/null | head -n 1
}

# rows NAME DUMP : the list rows (name and fact count; the last-write column
# is cut: audit gives write times, the facts crawl the facts' timestamps).
rows() {
	sed -n '4,29p' "$TMP/$1/$2.txt" 2>/dev/null | sed -E 's/  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$//'
}

# ---- 1. discovery with /v1/audit working, answering 403, answering 500 -------
discover_script() {
	cat <<'S'
wait-idle 60000
dump entities
key S
key G
dump user-end
key 0
dump log
S
}
for v in audit f403 f500; do
	case $v in
	audit) args=() ;;
	f403) args=(--fault-status 403,1,/v1/audit) ;;
	f500) args=(--fault-status 500,1,/v1/audit) ;;
	esac
	if start_node "$v" --demo --quiet "${args[@]}"; then
		discover_script | run "$v" "$URL"
		expect_rc "$v"
	fi
done

want=$(user_count audit)
if [ -n "$want" ] && [ "$want" -gt 0 ]; then
	pass "audit/users-found"
else
	fail "audit/users-found" "no user count in the audit run"
fi
has audit entities " writes (" audit-source
lacks audit log "falls back" no-fallback-with-audit
for v in f403 f500; do
	code=${v#f}
	got=$(user_count "$v")
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "$v/same-user-count"
	else
		fail "$v/same-user-count" "got '${got}' user entities, audit listed '${want}'"
	fi
	# Same names and fact counts: first page (sorted by name) and the last
	# page of the user entities (system entities hidden).
	if [ -n "$(rows "$v" entities)" ] && [ "$(rows audit entities)" = "$(rows "$v" entities)" ]; then
		pass "$v/same-first-page"
	else
		fail "$v/same-first-page" "$(diff <(rows audit entities) <(rows "$v" entities) | head -n 6 | tr '\n' ' ')"
	fi
	if [ -n "$(rows "$v" user-end)" ] && [ "$(rows audit user-end)" = "$(rows "$v" user-end)" ]; then
		pass "$v/same-last-page"
	else
		fail "$v/same-last-page" "$(diff <(rows audit user-end) <(rows "$v" user-end) | head -n 6 | tr '\n' ' ')"
	fi
	has "$v" entities "(from /v1/facts crawl; /v1/audit: HTTP $code)" progress-names-source
	has "$v" log "GET /v1/audit (entity discovery): " audit-error-logged
	has "$v" log "GET /v1/audit failed (HTTP $code): entity discovery falls back to the /v1/facts crawl" \
		fallback-logged
	has "$v" log "Entity discovery done from /v1/facts crawl: " crawl-done-logged
	lacks "$v" entities "discovery stopped" not-stopped
done

# ---- 2. contradictions sort ------------------------------------------------------
# Open conflicts: z-hot 3 (three values of one key), m-some 1, b-settled 0
# (its one conflict is resolved), a-calm 0 (five distinct relations, most facts).
if start_node contra --quiet; then
	post() {
		local code
		code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
			-d "$2" "$URL$1")
		[ "$code" = 200 ] || [ "$code" = 201 ] || echo "FAIL: ents-contra/seed ($1 -> $code)"
	}
	fact() { # fact ENTITY RELATION VALUE SOURCE
		post /v1/facts "{\"entity\":\"stigmem://t.example/$1\",\"relation\":\"$2\",\"value\":{\"type\":\"string\",\"v\":\"$3\"},\"source\":\"agent:$4\"}"
	}
	for r in r1 r2 r3 r4 r5; do fact a-calm "$r" v s1; done
	fact b-settled status one s1
	fact b-settled status two s2
	cid=$(curl -s "$URL/v1/conflicts?status=unresolved" |
		grep -o '"conflict_id": *"stigmem:conflict:[^"]*"' | head -n 1 | sed 's/.*"\(stigmem:[^"]*\)"/\1/')
	if [ -n "$cid" ]; then
		post "/v1/conflicts/$cid/resolve" '{"new_value":{"type":"string","v":"final"}}'
	else
		echo "FAIL: ents-contra/seed (no conflict to resolve)"
	fi
	fact m-some status x s1
	fact m-some status y s2
	fact z-hot status a s1
	fact z-hot status b s2
	fact z-hot status c s3
	open=$(curl -s "$URL/v1/conflicts?status=unresolved" | grep -o '"conflict_id"' | wc -l)
	[ "$open" = 4 ] || echo "FAIL: ents-contra/seed (open conflicts: $open, want 4)"

	run contra "$URL" <<'S'
wait-idle 30000
dump name
key s
key s
key s
wait-idle 30000
dump sorted
key s
dump wrapped
key 0
dump log
S
	expect_rc contra
	check contra sorted
	order=$(sed -n '4,7p' "$TMP/contra/sorted.txt" | sed -E 's/^ +//; s/ .*//' | tr '\n' ' ')
	want_order="stigmem://t.example/z-hot stigmem://t.example/m-some stigmem://t.example/a-calm stigmem://t.example/b-settled "
	if [ "$order" = "$want_order" ]; then
		pass "contra/order"
	else
		fail "contra/order" "got: $order"
	fi
	name_order=$(sed -n '4,7p' "$TMP/contra/name.txt" | sed -E 's/^ +//; s/ .*//' | tr '\n' ' ')
	if [ "$name_order" != "$order" ]; then
		pass "contra/differs-from-name-order"
	else
		fail "contra/differs-from-name-order" "$name_order"
	fi
	has contra sorted "Open v" open-column
	has contra wrapped "Entity v" key-cycles-back-to-name
	lacks contra wrapped "Open v" name-sort-has-no-open-column
	has contra log "Entities sorted by contradictions" sort-logged
	has contra log "Open conflicts: 4 unresolved on 2 entities" conflicts-counted

	# The config file can start in this sort.
	printf 'set entity-sort = contradictions\n' > "$TMP/contra.conf"
	CONFIG=$TMP/contra.conf run contra-config "$URL" <<'S'
wait-idle 30000
dump sorted
S
	expect_rc contra-config
	has contra-config sorted "Open v" config-open-column
	order=$(sed -n '4,7p' "$TMP/contra-config/sorted.txt" | sed -E 's/^ +//; s/ .*//' | tr '\n' ' ')
	if [ "$order" = "$want_order" ]; then
		pass "contra-config/order"
	else
		fail "contra-config/order" "got: $order"
	fi
fi
