#!/usr/bin/env bash
# recall.sh — headless screen tests of the recall lab (tab 5).
#
# Same harness as ui_frame.sh: stigmem-tui --script renders through
# newterm() into /dev/null, `dump NAME` writes the composed screen, dumps
# are normalized and compared with tests/screen/goldens/recall-*.golden.
# UPDATE_GOLDENS=1 rewrites the goldens. Prints PASS:/FAIL: lines.
set -u
# A 120x34 screen: room for the raw signal columns; the rows shown stop
# before the demo node's tied scores, whose order it does not fix.
SUITE=recall SUITE_SIZE="34 120"
NORMALIZE_EXTRA=(-e 's/after [0-9]+ ms/after N ms/g')
. "$(dirname "$0")/../lib/screen.sh"

DOWN_URL=http://127.0.0.1:1

# HEAD_LINES=N check ... : compare only the top N rows (further down the
# node's order of tied scores is not fixed).
postnormalize() {
	if [ -n "${HEAD_LINES:-}" ]; then
		head -n "$HEAD_LINES" "$1" > "$1.head" && mv "$1.head" "$1"
	fi
}

# grep_file NAME FILE TEXT LABEL : FILE (in the run's dir) holds TEXT.
grep_file() {
	if grep -qF -- "$3" "$TMP/$1/$2" 2>/dev/null; then
		echo "PASS: recall-$1/$4"
	else
		echo "FAIL: recall-$1/$4 ('$3' not in $2)"
	fi
}

# ---- the lab on the demo node: run, preview, re-run with markers, A/B ------
run_tui lab --config /dev/null --demo <<'S'
wait-idle
key 5
dump empty
key i
type team
key <Enter>
wait-idle
dump results
key +
key +
dump preview
key r
wait-idle
dump markers
key ]
key ]
key ]
dump trust
key [
key [
dump semantic
key ]
key a
key +
key +
key +
key +
key b
dump ab
key <Esc>
key g
key e
dump card
key w
type lexheavy
key <Enter>
key x
key 0
dump log
S
expect_rc lab 0
check lab empty
check lab results
check lab preview
check lab markers
check lab trust
check lab semantic
check lab ab
check lab card
grep_file lab markers.txt "vs the previous run:" markers-line
grep_file lab preview.txt "PREVIEW" preview-label
grep_file lab ab.txt "overlap@10" ab-agreement
grep_file lab trust.txt "source_trust has NO EFFECT on this node" trust-no-effect
grep_file lab semantic.txt "semantic has NO EFFECT on the order here" semantic-no-effect
grep_file lab ../xdg/stigmem-tui/presets "lexheavy 0.4500 0.3500 0.3500 0.1000 0.0500" preset-saved
grep_file lab stigmem-recall-1.curl.sh 'Authorization: Bearer $STIGMEM_API_KEY' export-curl
grep_file lab stigmem-recall-1.py 'query="team"' export-python
grep_file lab stigmem-recall-1.json '"recall_id"' export-json
grep_file lab log.txt "Exported to the current directory: stigmem-recall-1.curl.sh" export-logged

# ---- empty and error states -----------------------------------------------------
# No results; then token_budget 300000 (out of range) comes back as 422.
run_tui states --config /dev/null --demo <<'S'
wait-idle
key 5
key i
type zzqqxx
key <Enter>
wait-idle
dump noresults
key [
key [
key [
key [
key [
key [
key =
type 300000
key <Enter>
key i
key <C-u>
type team
key <Enter>
wait-idle
dump 422
S
expect_rc states 0
check states noresults
check states 422

# A weight set to 0 removes a stage on the node: the preview says it is not exact.
run_tui notexact --config /dev/null --demo <<'S'
wait-idle
key 5
key i
type database
key <Enter>
wait-idle
key =
type 0
key <Enter>
dump notexact
S
expect_rc notexact 0
HEAD_LINES=12 check notexact notexact
grep_file notexact notexact.txt "NOT EXACT" not-exact-said

run_tui down --config /dev/null --url "$DOWN_URL" <<'S'
wait-idle
key 5
key i
type team
key <Enter>
wait-idle
dump down
S
expect_rc down 0
check down down
