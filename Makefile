# stigmem-tui — terminal inspector for Stigmem memory nodes.
# Plain GNU make. User CC, CFLAGS, CPPFLAGS, LDFLAGS, LDLIBS are respected;
# required flags are appended. Outputs go to $(BUILD) (default build/).

VERSION    := 0.1.0
SOVERSION  := 0

CC         ?= cc
PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANPREFIX  ?= $(DATADIR)/man
PCDIR      ?= $(LIBDIR)/pkgconfig
DESTDIR    ?=
BUILD      ?= build
# Test inputs (recorded node bodies, vectors) live in ../shared beside the
# checkout. A clone made elsewhere from a local checkout finds them beside
# the checkout it was cloned from (its origin).
SHARED_HERE   := $(abspath $(CURDIR)/../shared)
ifeq ($(wildcard $(SHARED_HERE)/fixtures),)
SHARED_ORIGIN := $(shell git -C "$(CURDIR)" remote get-url origin 2>/dev/null)
ifneq ($(SHARED_ORIGIN),)
ifneq ($(wildcard $(SHARED_ORIGIN)/../shared/fixtures),)
SHARED_HERE   := $(abspath $(SHARED_ORIGIN)/../shared)
endif
endif
endif
SHARED     ?= $(SHARED_HERE)

CFLAGS     ?= -O2 -g
WARN       := -Wall -Wextra -Wshadow -Werror
STD        := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
DEPFLAGS    = -MMD -MP

PKGS_CORE  := libcurl libcjson libcrypto
PKGS_UI    := ncursesw
PKGS_NODE  := sqlite3 libmicrohttpd
PKGS_TEST  := cmocka

# pkg-config is only consulted once the dependency check has passed, so a
# missing package is reported by scripts/deps.sh, not by the compiler.
DEPS_OK := $(shell scripts/deps.sh --check >/dev/null 2>&1 && echo yes)
ifeq ($(DEPS_OK),yes)
pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1))
else
pc_cflags =
pc_libs   =
endif

ALL_CPPFLAGS = -Iinclude -Isrc $(STD) -DSTG_VERSION=\"$(VERSION)\" \
	-DSTG_DATADIR=\"$(DATADIR)/stigmem-tui\" $(CPPFLAGS) \
	$(call pc_cflags,$(PKGS_CORE) $(PKGS_UI) $(PKGS_NODE))
ALL_CFLAGS   = $(WARN) -fPIC $(CFLAGS) $(EXTRA_CFLAGS)
ALL_LDFLAGS  = $(LDFLAGS) $(EXTRA_LDFLAGS)

LIBS_CORE = $(call pc_libs,$(PKGS_CORE)) -lm
LIBS_NODE = $(call pc_libs,$(PKGS_NODE)) -lpthread
LIBS_UI   = $(call pc_libs,$(PKGS_UI))
LIBS_TEST = $(call pc_libs,$(PKGS_TEST))

CORE_SRC = $(sort $(wildcard src/core/*.c))
NODE_SRC = $(filter-out src/node/main.c,$(sort $(wildcard src/node/*.c)))
UI_SRC   = $(sort $(wildcard src/ui/*.c))
APP_SRC  = $(filter-out src/app/main.c,$(sort $(wildcard src/app/*.c)))
TLIB_SRC = $(sort $(wildcard tests/lib/*.c))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC = $(sort $(wildcard bench/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
CORE_OBJ = $(call obj,$(CORE_SRC))
NODE_OBJ = $(call obj,$(NODE_SRC))
UI_OBJ   = $(call obj,$(UI_SRC))
APP_OBJ  = $(call obj,$(APP_SRC))
TLIB_OBJ = $(call obj,$(TLIB_SRC))

LIB_A      = $(BUILD)/libstigmem.a
LIB_SO     = $(BUILD)/libstigmem.so
LIB_SONAME = libstigmem.so.$(SOVERSION)
LITE_A     = $(BUILD)/libstigmem-lite.a
APPLIB_A   = $(BUILD)/libstigmem-app.a
TLIB_A     = $(BUILD)/libstigmem-testlib.a
PC         = $(BUILD)/stigmem.pc
TUI        = $(BUILD)/stigmem-tui
LITE       = $(BUILD)/stigmem-lite
UNIT_BIN   = $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
BENCH_BIN  = $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))

.SECONDARY:

.PHONY: all deps-check check test unit asan tsan bench fuzz demo install uninstall clean \
	valgrind tests-build

all: deps-check $(LIB_A) $(LIB_SO) $(PC) $(TUI) $(LITE)

deps-check:
	@scripts/deps.sh --check

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIB_A): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(LIB_SO): $(CORE_OBJ)
	$(CC) -shared -Wl,-soname,$(LIB_SONAME) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_CORE)
	ln -sf libstigmem.so $(BUILD)/$(LIB_SONAME)

$(LITE_A): $(NODE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(APPLIB_A): $(UI_OBJ) $(APP_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(TLIB_A): $(TLIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(PC): stigmem.pc.in Makefile
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# Static link order: app (ui + app) -> lite -> core.
$(TUI): $(BUILD)/obj/src/app/main.o $(APPLIB_A) $(LITE_A) $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_UI) $(LIBS_NODE) $(LIBS_CORE) $(LDLIBS)

$(LITE): $(BUILD)/obj/src/node/main.o $(LITE_A) $(LIB_A)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_NODE) $(LIBS_CORE) $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(TLIB_A) $(APPLIB_A) $(LITE_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_TEST) $(LIBS_UI) $(LIBS_NODE) $(LIBS_CORE) $(LDLIBS)

$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(TLIB_A) $(APPLIB_A) $(LITE_A) $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS_UI) $(LIBS_NODE) $(LIBS_CORE) $(LDLIBS)

tests-build: all $(UNIT_BIN)

# One line at the end: "N passed, M failed" over every suite.
check: tests-build
	@BUILD=$(BUILD) SHARED=$(SHARED) STG_TEST_CFLAGS="$(EXTRA_CFLAGS)" tests/run.sh

test: check

# AddressSanitizer + UndefinedBehaviorSanitizer over the same suites.
asan:
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" check

# ThreadSanitizer over the unit suites (the node's event loop, loader and
# delivery threads, the client's async engine); a race fails the suite.
tsan:
	@$(MAKE) --no-print-directory BUILD=build-tsan CFLAGS="-O1 -g" \
	  EXTRA_CFLAGS="-fsanitize=thread" EXTRA_LDFLAGS="-fsanitize=thread" tests-build
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66" BUILD=build-tsan SHARED=$(SHARED) \
	  tests/run.sh unit

valgrind: tests-build
	@BUILD=$(BUILD) SHARED=$(SHARED) STG_VALGRIND=1 tests/run.sh unit

bench: all $(BENCH_BIN)
	@BUILD=$(BUILD) SHARED=$(SHARED) bench/run.sh

FUZZ_SECONDS ?= 30
fuzz:
	@BUILD=build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

demo: all
	$(TUI) --demo

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PCDIR) \
	  $(DESTDIR)$(INCLUDEDIR)/stigmem $(DESTDIR)$(MANPREFIX)/man1 $(DESTDIR)$(MANPREFIX)/man5 \
	  $(DESTDIR)$(DATADIR)/stigmem-tui/themes
	install -m 0755 $(TUI) $(LITE) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/libstigmem.a
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/libstigmem.so.$(VERSION)
	ln -sf libstigmem.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libstigmem.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    stigmem.pc.in > $(DESTDIR)$(PCDIR)/stigmem.pc
	chmod 0644 $(DESTDIR)$(PCDIR)/stigmem.pc
	install -m 0644 include/stigmem/*.h $(DESTDIR)$(INCLUDEDIR)/stigmem/
	for m in man/*.1; do [ -f "$$m" ] && install -m 0644 "$$m" $(DESTDIR)$(MANPREFIX)/man1/ || true; done
	for m in man/*.5; do [ -f "$$m" ] && install -m 0644 "$$m" $(DESTDIR)$(MANPREFIX)/man5/ || true; done
	for t in themes/*.theme; do [ -f "$$t" ] && install -m 0644 "$$t" $(DESTDIR)$(DATADIR)/stigmem-tui/themes/ || true; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stigmem-tui $(DESTDIR)$(BINDIR)/stigmem-lite
	rm -f $(DESTDIR)$(LIBDIR)/libstigmem.a $(DESTDIR)$(LIBDIR)/libstigmem.so \
	  $(DESTDIR)$(LIBDIR)/$(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libstigmem.so.$(VERSION)
	rm -f $(DESTDIR)$(PCDIR)/stigmem.pc
	rm -rf $(DESTDIR)$(INCLUDEDIR)/stigmem $(DESTDIR)$(DATADIR)/stigmem-tui
	for m in man/*.1; do rm -f $(DESTDIR)$(MANPREFIX)/man1/$$(basename "$$m"); done
	for m in man/*.5; do rm -f $(DESTDIR)$(MANPREFIX)/man5/$$(basename "$$m"); done

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
