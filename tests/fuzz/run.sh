#!/usr/bin/env bash
# Builds every tests/fuzz/fuzz_*.c as a libFuzzer target (clang,
# -fsanitize=fuzzer,address,undefined) against all of src/core/*.c (the
# fuzz_lite_* targets also against src/node, SQLite and libmicrohttpd: they
# run a node in-process) and runs each for FUZZ_SECONDS. Prints one result line per target and exits
# non-zero when a target fails to build or finds a crash, leak or abort.
# Environment:
#   BUILD          output directory (default build-fuzz); corpora in $BUILD/corpus/<target>
#   FUZZ_SECONDS   seconds per target (default 30)
#   FUZZ_CC        compiler (default clang)
#   SHARED         ../shared, for seed inputs from fixtures/reference-node (optional)
#   FUZZ_MAX_LEN   longest input in bytes (default 8192)
#   FUZZ_ARGS      extra libFuzzer arguments
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BUILD=${BUILD:-build-fuzz}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_CC=${FUZZ_CC:-clang}
SHARED=${SHARED:-${STG_SHARED_DIR:-$ROOT/../shared}}
PKGS="libcjson libcrypto libcurl"

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	echo "fuzz: $FUZZ_CC not found" >&2
	exit 2
fi
if ! PKG_CFLAGS=$(pkg-config --cflags $PKGS) || ! PKG_LIBS=$(pkg-config --libs $PKGS); then
	echo "fuzz: pkg-config failed for $PKGS" >&2
	exit 2
fi

CPPFLAGS_F="-Iinclude -Isrc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DSTG_VERSION=\"fuzz\" -DSTG_DATADIR=\"/nonexistent\" $PKG_CFLAGS"
CFLAGS_F="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra -Wshadow"

mkdir -p "$BUILD/obj" "$BUILD/corpus" "$BUILD/artifacts"

# Core objects, instrumented for coverage; rebuilt when the source or any header is newer.
newest_header=$(ls -t include/stigmem/*.h src/core/*.h 2>/dev/null | head -n 1)
objs=()
for src in src/core/*.c; do
	obj="$BUILD/obj/$(basename "$src" .c).o"
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || { [ -n "$newest_header" ] && [ "$newest_header" -nt "$obj" ]; }; then
		if ! $FUZZ_CC $CPPFLAGS_F $CFLAGS_F -fsanitize=fuzzer-no-link -c "$src" -o "$obj"; then
			echo "FAIL: build $src"
			exit 1
		fi
	fi
	objs+=("$obj")
done

# Node objects (all of src/node but main.c), for the fuzz_lite_* targets,
# which run a stigmem-lite in-process and need SQLite and libmicrohttpd.
NODE_PKGS="sqlite3 libmicrohttpd"
node_objs=()
if ls tests/fuzz/fuzz_lite_*.c >/dev/null 2>&1; then
	if ! NODE_CFLAGS=$(pkg-config --cflags $NODE_PKGS) || ! NODE_LIBS=$(pkg-config --libs $NODE_PKGS); then
		echo "fuzz: pkg-config failed for $NODE_PKGS" >&2
		exit 2
	fi
	newest_node_header=$(ls -t src/node/*.h include/stigmem/*.h 2>/dev/null | head -n 1)
	for src in src/node/*.c; do
		[ "$src" = src/node/main.c ] && continue
		obj="$BUILD/obj/node-$(basename "$src" .c).o"
		if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_node_header" -nt "$obj" ]; then
			if ! $FUZZ_CC $CPPFLAGS_F $NODE_CFLAGS $CFLAGS_F -fsanitize=fuzzer-no-link -c "$src" -o "$obj"; then
				echo "FAIL: build $src"
				exit 1
			fi
		fi
		node_objs+=("$obj")
	done
fi

# Seed corpora: response bodies recorded from the reference node (request
# bodies and query strings for the node target).
seed() {
	local name=$1 dir=$2 f i=0
	[ -d "$SHARED/fixtures/reference-node" ] || return 0
	command -v jq >/dev/null 2>&1 || return 0
	for f in "$SHARED"/fixtures/reference-node/*.json; do
		i=$((i + 1))
		case "$name" in
		fuzz_codec)
			jq -j '.body_raw // (.body | tojson)' "$f" >"$dir/seed-$i" 2>/dev/null || rm -f "$dir/seed-$i" ;;
		fuzz_lite_request)
			local m p k
			m=$(jq -r '.request.method // empty' "$f" 2>/dev/null)
			p=$(jq -r '.request.path // empty' "$f" 2>/dev/null)
			case "$m $p" in
			"POST /v1/facts") k='\000' ;;
			"POST /v1/recall") k='\001' ;;
			"POST /v1/subscriptions") k='\002' ;;
			"POST /v1/conflicts/"*) k='\003' ;;
			"POST /v1/auth/keys") k='\004' ;;
			"GET /v1/facts?"*) printf '\006%s' "${p#*\?}" >"$dir/seed-$i"; continue ;;
			*) continue ;;
			esac
			{ printf "$k"; jq -j '.request.body | tojson' "$f"; } >"$dir/seed-$i" 2>/dev/null ||
				rm -f "$dir/seed-$i" ;;
		fuzz_sanitize)
			# 8 option bytes, then a recorded string value.
			{ printf '\001\030\004\004\001\000\100\000'; jq -j '.request.body.value.v // .body.summary // empty | tostring' "$f"; } \
				>"$dir/seed-$i" 2>/dev/null || rm -f "$dir/seed-$i" ;;
		esac
	done
}

# Dictionaries: code points the sanitizer treats specially, JSON tokens for the codec.
write_dict() {
	case "$1" in
	fuzz_sanitize)
		cat <<'DICT'
"\x1b["
"\x1b]52;c;"
"\x07"
"\x0d"
"\x0a"
"\x09"
"\x7f"
"\xc2\x85"
"\xc2\x9b"
"\xc2\xad"
"\xd8\x9c"
"\xcc\x81"
"\xe1\x85\xa0"
"\xe1\xa0\x8e"
"\xe2\x80\x8b"
"\xe2\x80\x8c"
"\xe2\x80\x8d"
"\xe2\x80\x8e"
"\xe2\x80\x8f"
"\xe2\x80\xa8"
"\xe2\x80\xa9"
"\xe2\x80\xaa"
"\xe2\x80\xae"
"\xe2\x81\xa0"
"\xe2\x81\xa4"
"\xe2\x81\xa6"
"\xe2\x81\xa9"
"\xe3\x85\xa4"
"\xe6\x9d\xb1"
"\xef\xbb\xbf"
"\xef\xbc\xa1"
"\xef\xbf\xbe"
"\xf0\x9f\x98\x80"
"\xf3\xa0\x80\x81"
"\xf3\xa0\x81\xbf"
"\xed\xa0\x80"
"\xf4\x90\x80\x80"
"\xc0\xaf"
DICT
		;;
	fuzz_codec)
		for t in '{' '}' '[' ']' ':' ',' '"' 'null' 'true' 'false' '-0.0' '1e400' '"v"' '"type"' \
			'"value"' '"facts"' '"fact"' '"id"' '"cid"' '"entity"' '"relation"' '"confidence"' \
			'"detail"' '"code"' '"message"' '"retry_after"' '"cursor"' '"total"' '"summary"' \
			'"chain_proof"' '"checkpoint"' '"events"' '"peers"' '"neighbors"' '"entries"' \
			'"timestamp"' '"\u0000"' '"\ud800"'; do
			printf '"%s"\n' "$(printf '%s' "$t" | sed 's/\\/\\\\/g; s/"/\\"/g')"
		done
		;;
	esac
}

failed=0
results=()
for tsrc in tests/fuzz/fuzz_*.c; do
	[ -f "$tsrc" ] || continue
	name=$(basename "$tsrc" .c)
	bin="$BUILD/$name"
	log="$BUILD/$name.log"
	extra=()
	case "$name" in fuzz_lite_*) extra=("${node_objs[@]}" $NODE_LIBS -lpthread) ;; esac
	if ! $FUZZ_CC $CPPFLAGS_F $CFLAGS_F -fsanitize=fuzzer "$tsrc" "${extra[@]}" "${objs[@]}" $PKG_LIBS -lm -o "$bin"; then
		results+=("FAIL: $name (build)")
		failed=1
		continue
	fi
	corpus="$BUILD/corpus/$name"
	mkdir -p "$corpus"
	[ -n "$(ls -A "$corpus" 2>/dev/null)" ] || seed "$name" "$corpus"
	dict=()
	write_dict "$name" >"$BUILD/$name.dict"
	[ -s "$BUILD/$name.dict" ] && dict=(-dict="$BUILD/$name.dict")
	# shellcheck disable=SC2086
	"$bin" "${dict[@]}" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 -max_len="${FUZZ_MAX_LEN:-8192}" \
		-print_final_stats=1 -artifact_prefix="$BUILD/artifacts/$name-" ${FUZZ_ARGS:-} \
		"$corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		results+=("PASS: $name (${runs:-?} runs, ${cov:-cov: ?}, ${FUZZ_SECONDS}s)")
	else
		results+=("FAIL: $name (exit $rc, see $log; inputs in $BUILD/artifacts/)")
		grep -E 'ERROR|SUMMARY|check failed|==[0-9]+==' "$log" | head -n 20
		failed=1
	fi
done

printf '%s\n' "${results[@]}"
if [ ${#results[@]} -eq 0 ]; then
	echo "fuzz: no targets in tests/fuzz" >&2
	exit 1
fi
exit "$failed"
