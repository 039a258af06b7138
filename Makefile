# SPDX-License-Identifier: MIT
# netprom: plain Makefile. `make` builds $(BUILD)/netprom; see README.md.
#   make run | test | bench | fuzz | deb | install | clean      V=1 for full command lines
#   BUILD=dir selects the object directory; SANITIZE=1 builds with ASan+UBSan.

BUILD    ?= build
CXX      ?= g++
CXXFLAGS ?= -O2 -g
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
VERSION  := $(shell cat VERSION)

# Warnings are errors in the developer build and CI (`make test`); packagers set WERROR=0
# (packaging/debian/rules), so a newer compiler's new warning does not fail a distribution build.
WERROR   ?= 1
WARNINGS  := -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wconversion $(if $(filter 1,$(WERROR)),-Werror)
# Debian's shared libraries (security updates reach netprom through them); pkg-config gives
# toml++'s TOML_HEADER_ONLY=0 / TOML_SHARED_LIB=1 and RE2's -pthread; nlohmann-json (file_sd
# targets in JSON) is header-only, yaml-cpp (file_sd in YAML) a shared library.
PKGS      := fmt libmnl tomlplusplus re2 nlohmann_json yaml-cpp
# CPPFLAGS, CXXFLAGS and LDFLAGS from the environment or the command line (dpkg-buildflags:
# _FORTIFY_SOURCE, -fstack-protector-strong, relro, now) are kept; ours are added to them.
override CPPFLAGS += -Isrc -DNETPROM_VERSION='"$(VERSION)"' $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
override CXXFLAGS += -std=c++20 $(WARNINGS)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lfmt -lmnl -ltomlplusplus -lre2 -lyaml-cpp)
ifeq ($(SANITIZE),1)
# GCC 12 reports false maybe-uninitialized warnings inside <functional> under the sanitizers.
override CXXFLAGS += -fsanitize=$(SANITIZERS) -fno-omit-frame-pointer -fno-sanitize-recover=all \
                     -Wno-maybe-uninitialized
override LDFLAGS  += -fsanitize=address,undefined
endif
# The library and the binary get both sanitizers. The unit tests' own files get ASan alone:
# they are the harness, and UBSan's checks of their macro-heavy code doubled the time to
# compile them (pinger_test.cc: 29 s against 14 s); the library code they drive has both.
SANITIZERS := address,undefined
$(BUILD)/tests/%.o: SANITIZERS := address

JOBS     ?= $(shell nproc 2>/dev/null || echo 2)

ifneq ($(V),1)
Q := @
endif

# Every source file but main.cc goes into the library that the binary and the tests link.
LIB_SRCS  := $(filter-out src/main.cc,$(wildcard src/*.cc))
LIB_OBJS  := $(LIB_SRCS:%.cc=$(BUILD)/%.o)
TEST_SRCS := $(wildcard tests/*_test.cc) tests/test_main.cc
TEST_OBJS := $(TEST_SRCS:%.cc=$(BUILD)/%.o)
DEPS      := $(LIB_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(BUILD)/src/main.d $(BUILD)/tests/responder.d

.PHONY: all run test test-unit bench fuzz deb install uninstall clean deps test-deps
all: $(BUILD)/netprom

$(BUILD)/%.o: %.cc
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CXX     $<")
	$(Q)$(CXX) $(CPPFLAGS) $(CXXFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libnetprom.a: $(LIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/netprom: $(BUILD)/src/main.o $(BUILD)/libnetprom.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%.o: override CPPFLAGS += -DBOOST_TEST_DYN_LINK
# GCC 12 at -O2 (make test-unit) warns falsely inside Boost.Test's decorators (boost::function).
$(BUILD)/tests/%.o: override CXXFLAGS += -Wno-maybe-uninitialized
# Boost.Test's header, precompiled once per build with the unit tests' flags and included first
# in each of their files: its ~2 s of parsing per file was a fifth of the test build. Not in
# test_main.cc, which defines BOOST_TEST_MODULE before including it (that makes main()).
TEST_PCH := $(BUILD)/tests/pch/unit_test.hpp
$(TEST_PCH):
	@mkdir -p $(@D)
	$(Q)echo '#include <boost/test/unit_test.hpp>' >$@
$(TEST_PCH).gch: $(TEST_PCH)
	@$(if $(Q),echo "  PCH     $@")
	$(Q)$(CXX) $(CPPFLAGS) -DBOOST_TEST_DYN_LINK $(CXXFLAGS) -x c++-header -o $@ $<
$(TEST_PCH).gch: SANITIZERS := address
PCH_OBJS := $(filter-out $(BUILD)/tests/test_main.o,$(TEST_OBJS))
$(PCH_OBJS): $(TEST_PCH).gch
$(PCH_OBJS): private override CPPFLAGS += -include $(TEST_PCH)
$(BUILD)/run_tests: $(TEST_OBJS) $(BUILD)/libnetprom.a
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lboost_unit_test_framework

# The namespace test responder (tests/responder.cc): a peer that answers echo requests with
# chosen delay, loss, duplicates and corruption. Used by the netns tests and the benchmark.
$(BUILD)/netprom-responder: $(BUILD)/tests/responder.o
	$(Q)$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

deps:
	$(Q)packaging/install-deps.sh build
test-deps:
	$(Q)packaging/install-deps.sh test

run: deps
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) all
	$(BUILD)/netprom --config /dev/null -o - --format prom -c 3 -i 0.2 127.0.0.1 ::1

# `make test`: every test; the last line is "N passed, N failed". Two builds:
# - the Debian package (packaging/build-deb.sh, with warnings as errors): the optimised,
#   hardened build that ships. The shell tests run its binary, and the package test checks it
#   (NETPROM_DEB), so the optimised build is compiled once;
# - ASan+UBSan at -O0 (a third of -O1's compile time; the tests are small): the unit tests
#   and the namespace tests run it.
test: test-deps
	$(Q)rm -rf $(BUILD)/deb $(BUILD)/pkg
	$(Q)NETPROM_WERROR=1 packaging/build-deb.sh $(BUILD)/deb
	$(Q)dpkg-deb -x $(BUILD)/deb/netprom_$(VERSION)_*.deb $(BUILD)/pkg
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) CXXFLAGS="-O2" $(BUILD)/netprom-responder
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) BUILD=$(BUILD)/asan SANITIZE=1 CXXFLAGS="-O0 -g" \
	    $(BUILD)/asan/netprom $(BUILD)/asan/run_tests
	$(Q)NETPROM=$(BUILD)/pkg/usr/bin/netprom NETPROM_DEB="$$(ls $(BUILD)/deb/netprom_$(VERSION)_*.deb)" \
	    tests/run.sh $(BUILD)

# Unit tests alone, in the normal build: the quick loop while developing.
test-unit:
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/run_tests
	$(BUILD)/run_tests

# Release build plus side-by-side timings against fping, cat /proc/net/dev and ip -s link.
bench: test-deps
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/release CXXFLAGS="-O2 -DNDEBUG" build/release/netprom build/release/netprom-responder
	$(Q)bench/run.sh build/release

# libFuzzer targets (clang) over the config, ICMP and netlink parsers; FUZZ_SECONDS each.
fuzz:
	$(Q)packaging/install-deps.sh fuzz
	$(Q)tests/fuzz/run.sh $(or $(FUZZ_SECONDS),60)

deb: test-deps
	$(Q)packaging/build-deb.sh

install: all
	install -D -m 0755 $(BUILD)/netprom $(DESTDIR)$(BINDIR)/netprom
	install -D -m 0644 man/netprom.1 $(DESTDIR)$(MANDIR)/man1/netprom.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/netprom $(DESTDIR)$(MANDIR)/man1/netprom.1

clean:
	rm -rf $(BUILD)

-include $(DEPS)
