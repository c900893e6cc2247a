#!/usr/bin/env bash
# make install into a staging DESTDIR, check the tree and the pkg-config file
# (a program builds against the installed library), then make uninstall and
# check that nothing is left behind.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$ROOT/build}
stage=$(mktemp -d "${TMPDIR:-/tmp}/stg-install.XXXXXX")
trap 'rm -rf "$stage"' EXIT
prefix=/opt/stigmem-test

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1${2:+ — $2}"; }

if make -s -C "$ROOT" BUILD="$BUILD" PREFIX="$prefix" DESTDIR="$stage" install >"$stage.log" 2>&1; then
	pass "make install"
else
	fail "make install" "$(tail -5 "$stage.log")"
fi
for f in bin/stigmem-tui bin/stigmem-lite lib/libstigmem.a lib/libstigmem.so lib/libstigmem.so.0 \
	lib/pkgconfig/stigmem.pc include/stigmem/stigmem.h include/stigmem/model.h \
	share/stigmem-tui/themes; do
	if [ -e "$stage$prefix/$f" ]; then pass "installed $f"; else fail "installed $f"; fi
done
if grep -q "^prefix=$prefix\$" "$stage$prefix/lib/pkgconfig/stigmem.pc"; then
	pass "pkg-config prefix"
else
	fail "pkg-config prefix"
fi

# Build and run a program against the staged library through pkg-config.
cat > "$stage/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <stigmem/stigmem.h>
int main(void)
{
	char out[STG_HASH_MAX];
	struct stg_cid_input in = { 1.0, "stigmem://testnode/user/cid-subject", "memory:role",
		"local", "stigmem://testnode/agent/test", "string", "cid-conformance-test-value",
		(size_t)-1 };
	if (!stg_cid_compute(&in, out))
		return 1;
	puts(out);
	return strcmp(stg_version(), "") == 0;
}
C
pcdir="$stage$prefix/lib/pkgconfig"
cflags=$(PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$stage" pkg-config --cflags stigmem 2>/dev/null)
libs=$(PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$stage" pkg-config --libs stigmem 2>/dev/null)
# Under `make asan` the library carries the sanitizer runtime: so must the program.
if ${CC:-cc} -std=c11 ${STG_TEST_CFLAGS:-} $cflags "$stage/use.c" -o "$stage/use" $libs 2>"$stage.cc" &&
   out=$(LD_LIBRARY_PATH="$stage$prefix/lib" "$stage/use") &&
   [ "$out" = "sha256:34f271dac8194bddb60b645e4683443426373b9f7628f75443db1f1a0d1e750f" ]; then
	pass "program links against installed libstigmem via pkg-config"
else
	fail "program links against installed libstigmem via pkg-config" "$(head -5 "$stage.cc")"
fi

if make -s -C "$ROOT" BUILD="$BUILD" PREFIX="$prefix" DESTDIR="$stage" uninstall >"$stage.log" 2>&1; then
	pass "make uninstall"
else
	fail "make uninstall" "$(tail -5 "$stage.log")"
fi
left=$(find "$stage$prefix" -type f -o -type l 2>/dev/null)
if [ -z "$left" ]; then pass "uninstall leaves no files"; else fail "uninstall leaves no files" "$left"; fi
rm -f "$stage.log" "$stage.cc"
