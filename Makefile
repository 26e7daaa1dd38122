# SPDX-License-Identifier: AGPL-3.0-or-later
# Guichet -- build, test, demo and bench targets.
#
#   make            build build/guichet
#   make demo       install what is missing, build, start the dev stack
#   make stop       stop the dev stack
#   make check      every test: unit (cmocka) then integration (real stack)
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
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
            -Wno-unused-parameter -fno-strict-aliasing \
            $(shell pkg-config --cflags $(PKGS)) -DGUICHET_VERSION='"$(VERSION)"'
LDLIBS   := $(shell pkg-config --libs $(PKGS)) -lfcgi -lm
TEST_LIBS := $(shell pkg-config --libs cmocka)

ENGINE_SRC := $(filter-out engine/main.c,$(wildcard engine/*.c))
ENGINE_OBJ := $(ENGINE_SRC:engine/%.c=build/obj/%.o)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=build/tests/%)

.PHONY: all clean check unit integration demo stop bench deps

all: build/guichet

build/obj/%.o: engine/%.c $(wildcard engine/*.h) | build/obj
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -c -o $@ $<

build/obj build/tests:
	mkdir -p $@

build/libguichet.a: $(ENGINE_OBJ)
	rm -f $@
	ar rcs $@ $^

build/guichet: build/obj/main.o build/libguichet.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/tests/%: tests/unit/%.c build/libguichet.a tests/unit/test_util.h | build/tests
	$(CC) $(CFLAGS) -Iengine -o $@ $< build/libguichet.a \
	    $(shell sed -n 's|^// LDFLAGS: ||p' $<) $(LDLIBS) $(TEST_LIBS)

unit: $(UNIT_BIN)
	@bash scripts/run-unit.sh $(UNIT_BIN)

integration: build/guichet
	@bash scripts/run-integration.sh

check: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory integration

deps:
	@bash scripts/install-deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/stack.sh start

stop:
	@bash scripts/stack.sh stop

bench: all
	@bash bench/run.sh

clean:
	rm -rf build

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

build/paths.h: FORCE | build/obj
	@printf '#define GUICHET_DATADIR "%s"\n#define GUICHET_SYSCONFDIR "%s"\n' \
	    '$(DATADIR)' '$(SYSCONFDIR)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

build/obj/cfg.o: build/paths.h
build/obj/cfg.o: CFLAGS += -include build/paths.h

install: all
	@PREFIX='$(PREFIX)' DATADIR='$(DATADIR)' SYSCONFDIR='$(SYSCONFDIR)' \
	    LOCALSTATEDIR='$(LOCALSTATEDIR)' UNITDIR='$(UNITDIR)' DESTDIR='$(DESTDIR)' \
	    bash scripts/install.sh

deb: deps
	@bash scripts/make-deb.sh
