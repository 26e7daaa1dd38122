# SPDX-License-Identifier: AGPL-3.0-or-later
# Guichet -- build, test, demo and bench targets.
#
#   make            build build/guichet
#   make demo       install what is missing, build, start the dev stack with
#                   the demo world (data/demo/world.json)
#   make stop       stop the dev stack
#   make check      every test: unit (cmocka) then integration (real stack),
#                   then the unit tests again under ASan/UBSan
#   make check-asan unit and integration tests with ASan/UBSan, built in
#                   build-asan/ (so build/ is left alone)
#   make bench      throughput and memory figures through nginx
#
# Every .c file under engine/ except main.c goes into build/libguichet.a,
# which the binary and every unit test link, so a new module needs no edit
# here.  A unit test is tests/unit/test_<name>.c; it may name extra linker
# flags (e.g. -Wl,--wrap=...) on a line "// LDFLAGS: ..." of its own.

CC       ?= cc
PKGS     := libxml-2.0 libxslt libexslt libpq openssl liboauth2 libcurl \
            jansson xlsxwriter libgvc libcgraph
VERSION  := $(shell git describe --always --dirty 2>/dev/null || echo 0.1.0)
CFLAGS   ?= -O2 -g
# pkg-config is asked when a flag is first needed, once (PKG_CFLAGS and
# friends expand themselves and keep the answer): `make demo` on a fresh
# machine installs the packages (target deps) before anything asks, so it
# prints no "package not found" screen first.
PKG_CFLAGS = $(eval PKG_CFLAGS := $$(shell pkg-config --cflags $(PKGS)))$(PKG_CFLAGS)
PKG_LIBS   = $(eval PKG_LIBS := $$(shell pkg-config --libs $(PKGS)))$(PKG_LIBS)
CMOCKA_LIBS = $(eval CMOCKA_LIBS := $$(shell pkg-config --libs cmocka))$(CMOCKA_LIBS)
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
            -Wno-unused-parameter -fno-strict-aliasing \
            $(PKG_CFLAGS) -DGUICHET_VERSION='"$(VERSION)"'
LDLIBS    = $(PKG_LIBS) -lfcgi -lm
TEST_LIBS = $(CMOCKA_LIBS)

BUILD    ?= build
ENGINE_SRC := $(filter-out engine/main.c,$(wildcard engine/*.c))
ENGINE_OBJ := $(ENGINE_SRC:engine/%.c=$(BUILD)/obj/%.o)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

# The sanitizer build.  A finding stops the process (no recovery), and
# every report also goes to a file under build-asan/san/, which the
# check-asan targets look at afterwards: a worker that dies of one is
# replaced by the master, so only the file tells.  Suppressions (each
# justified in the file) are in tests/sanitizers/.
ASAN_BUILD  := build-asan
ASAN_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all
ASAN_LOGS   := $(CURDIR)/$(ASAN_BUILD)/san
ASAN_ENV    := ASAN_OPTIONS=log_path=$(ASAN_LOGS)/asan:abort_on_error=0 \
               LSAN_OPTIONS=suppressions=$(CURDIR)/tests/sanitizers/lsan.supp:print_suppressions=0 \
               UBSAN_OPTIONS=log_path=$(ASAN_LOGS)/ubsan:print_stacktrace=1

.PHONY: all clean check unit integration demo stop bench deps \
        check-asan unit-asan integration-asan

all: $(BUILD)/guichet

$(BUILD)/obj/%.o: engine/%.c $(wildcard engine/*.h) | $(BUILD)/obj
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(BUILD)/libguichet.a: $(ENGINE_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/guichet: $(BUILD)/obj/main.o $(BUILD)/libguichet.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libguichet.a tests/unit/test_util.h tests/unit/test_render.h | $(BUILD)/tests
	$(CC) $(CFLAGS) -Iengine -o $@ $< $(BUILD)/libguichet.a \
	    $(shell sed -n 's|^// LDFLAGS: ||p' $<) $(LDLIBS) $(TEST_LIBS)

unit: $(UNIT_BIN)
	@bash scripts/run-unit.sh $(UNIT_BIN)

integration: $(BUILD)/guichet
	@GUICHET_BIN=$(abspath $(BUILD)/guichet) bash scripts/run-integration.sh

unit-asan:
	@rm -rf $(ASAN_LOGS) && mkdir -p $(ASAN_LOGS)
	@$(ASAN_ENV) $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) \
	    CFLAGS="$(ASAN_CFLAGS)" all unit; rc=$$?; \
	    bash scripts/sanitizer-report.sh $(ASAN_LOGS) && exit $$rc

integration-asan:
	@rm -rf $(ASAN_LOGS) && mkdir -p $(ASAN_LOGS)
	@$(ASAN_ENV) $(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) \
	    CFLAGS="$(ASAN_CFLAGS)" integration; rc=$$?; \
	    bash scripts/sanitizer-report.sh $(ASAN_LOGS) && exit $$rc

check-asan: deps
	@$(MAKE) --no-print-directory unit-asan
	@$(MAKE) --no-print-directory integration-asan

check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory integration
	@$(MAKE) --no-print-directory unit-asan

deps:
	@bash scripts/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@GUICHET_DEMO=yes bash scripts/stack.sh start

stop:
	@bash scripts/stack.sh stop

bench: all
	@bash bench/run.sh

clean:
	rm -rf build $(ASAN_BUILD)

# ---- installing: make install, make deb (docs/operations.md) --------------
# The binary finds its data (schema, stylesheets, catalogues, migrations,
# nginx templates, assets) under DATADIR and reads SYSCONFDIR/guichet.conf
# when no --config is given; both are compiled into cfg.o through
# build/paths.h, rewritten (and cfg.o rebuilt) only when PREFIX changes.
#   make install [PREFIX=/usr/local] [DESTDIR=/tmp/stage]
#   make deb      build/deb/guichet_VERSION_ARCH.deb (debhelper), checked by lintian
PREFIX        ?= /usr/local
DATADIR       ?= $(PREFIX)/share/guichet
SYSCONFDIR    ?= $(if $(filter /usr,$(PREFIX)),,$(PREFIX))/etc/guichet
LOCALSTATEDIR ?= $(if $(filter /usr,$(PREFIX)),,$(PREFIX))/var/lib/guichet
UNITDIR       ?= $(PREFIX)/lib/systemd/system

.PHONY: install deb FORCE
FORCE:

$(BUILD)/paths.h: FORCE | $(BUILD)/obj
	@printf '#define GUICHET_DATADIR "%s"\n#define GUICHET_SYSCONFDIR "%s"\n' \
	    '$(DATADIR)' '$(SYSCONFDIR)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(BUILD)/obj/cfg.o: $(BUILD)/paths.h
$(BUILD)/obj/cfg.o: override CFLAGS += -include $(BUILD)/paths.h

install: all
	@PREFIX='$(PREFIX)' DATADIR='$(DATADIR)' SYSCONFDIR='$(SYSCONFDIR)' \
	    LOCALSTATEDIR='$(LOCALSTATEDIR)' UNITDIR='$(UNITDIR)' DESTDIR='$(DESTDIR)' \
	    bash scripts/install.sh

deb: deps
	@bash scripts/make-deb.sh
