# carepipe - GNU Makefile.  No autotools: libraries come from pkg-config
# where they ship a .pc file (libcurl, zlib), and are probed otherwise
# (libjq, libcsv); every probe can be overridden on the command line.

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
bindir   ?= $(PREFIX)/bin
datadir  ?= $(PREFIX)/share
mandir   ?= $(datadir)/man
# The starter kit (examples/) and the shell completions.
pkgdatadir  ?= $(datadir)/carepipe
bashcompdir ?= $(datadir)/bash-completion/completions
zshcompdir  ?= $(datadir)/zsh/site-functions
# carepipe.conf(5)'s last place: $(sysconfdir)/carepipe/carepipe.conf.
sysconfdir ?= /etc

CC       ?= cc
PKG_CONFIG ?= pkg-config
# CFLAGS, CPPFLAGS and LDFLAGS are the user's (GNU coding standards, and
# what dpkg-buildflags passes): `make CFLAGS=-O2` replaces only the
# optimisation.  What the code needs (C11, the feature macros that declare
# memmem and friends, header dependencies) and the warnings are in CP_*,
# which come first on every command line, so a user's flag can still add
# to them or turn a warning off.
CFLAGS   ?= -O2 -g
CP_CPPFLAGS = -Icommon -D_DEFAULT_SOURCE -D_GNU_SOURCE -DCP_SYSCONFDIR='"$(sysconfdir)"'
CP_CFLAGS   = -std=c11 -Wall -Wextra -pthread
CP_LDFLAGS  = -pthread
# -MMD -MP: each object's compile also writes BUILD/X.d, the headers it
# included, read back below, so touching any header rebuilds what includes it.
DEPFLAGS    = -MMD -MP

ifeq ($(SANITIZE),1)
CP_CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
CP_LDFLAGS += -fsanitize=address,undefined
BUILD   ?= build-san
# libjq 1.6's own leak on a parse error, and why: tests/lsan.supp.
export LSAN_OPTIONS = suppressions=$(CURDIR)/tests/lsan.supp:fast_unwind_on_malloc=0
endif
BUILD   ?= build

CURL_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libcurl 2>/dev/null)
CURL_LIBS   ?= $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)
ZLIB_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags zlib 2>/dev/null)
ZLIB_LIBS   ?= $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz)
# libjq 1.6 ships no .pc file: use one when a newer jq does, else probe.
JQ_CFLAGS   ?= $(shell $(PKG_CONFIG) --cflags libjq 2>/dev/null)
JQ_LIBS     ?= $(shell $(PKG_CONFIG) --libs libjq 2>/dev/null || echo -ljq)
CSV_CFLAGS  ?=
CSV_LIBS    ?= -lcsv
# Oniguruma, jq's own regex engine, for the regular expressions in rules (common/rules.c).
ONIG_LIBS   ?= $(shell $(PKG_CONFIG) --libs oniguruma 2>/dev/null || echo -lonig)
# libical, for the recurrence rules of iCalendar holiday files (common/calendar.c).
ICAL_CFLAGS ?= $(shell $(PKG_CONFIG) --cflags libical 2>/dev/null)
ICAL_LIBS   ?= $(shell $(PKG_CONFIG) --libs libical 2>/dev/null || echo -lical)

DEP_CFLAGS = $(CURL_CFLAGS) $(ZLIB_CFLAGS) $(JQ_CFLAGS) $(CSV_CFLAGS) $(ICAL_CFLAGS)
LIBS       = $(CURL_LIBS) $(JQ_LIBS) $(CSV_LIBS) $(ZLIB_LIBS) $(ONIG_LIBS) $(ICAL_LIBS) -lm

# The whole command lines, in order: the project's, the libraries', the user's.
ALL_CPPFLAGS = $(CP_CPPFLAGS) $(CMD_CPPFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(CP_CFLAGS) $(DEP_CFLAGS) $(CFLAGS)
ALL_LDFLAGS  = $(CP_LDFLAGS) $(LDFLAGS)

COMMON_SRC = $(wildcard common/*.c common/platforms/*.c)
COMMON_OBJ = $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIB        = $(BUILD)/libcarepipe.a

# A program is cmd/NAME.c or a folder cmd/NAME/ of .c files.
CMD_FILES  = $(basename $(notdir $(wildcard cmd/*.c)))
CMD_DIRS   = $(notdir $(patsubst %/,%,$(dir $(wildcard cmd/*/*.c))))
PROGS      = $(sort $(CMD_FILES) $(CMD_DIRS))
BINS       = $(PROGS:%=bin/%)
TOOLS      = bin/gen-mentions bin/carepipe-cat
UNIT_SRC   = $(wildcard tests/unit/*.c)
UNIT_BINS  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MANS       = $(wildcard man/*.[1-9])
# The starter kit installed under $(pkgdatadir): every file of these folders
# of examples/, and the demo records, gzipped (the programs read gzip).
KIT_DIRS   = assign cron replies rules scale sla
KIT_FILES  = $(foreach d,$(KIT_DIRS),$(wildcard examples/$(d)/*))
KIT_DATA   = $(BUILD)/kit/mentions.ndjson.gz examples/data/README
COMPLETIONS = $(BUILD)/completions/stamp
FUZZ_SRC    = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   = $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
REPLAY_BINS = $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/tests/replay_%)

.PHONY: all objects check check-deps build-deps unit cli bench demo install uninstall clean lint-man fuzz torture soak completions progs deb check-deb sentiment-model escalation-model
.SECONDARY:

all: $(LIB) $(BINS) $(TOOLS)

# Every object of the library, the programs and the build tools, linked
# into nothing: tests/cli/build.t compiles them into a BUILD of its own.
CMD_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/*.c cmd/*/*.c))
TOOL_OBJ = $(BUILD)/scripts/carepipe-cat.o $(BUILD)/scripts/train-sentiment.o $(BUILD)/scripts/train-escalation.o
objects: $(COMMON_OBJ) $(CMD_OBJ) $(TOOL_OBJ)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(LIB): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# bin/ is one folder for every BUILD: a stamp holds the BUILD that linked
# it, rewritten only when that changes (as git's GIT-CFLAGS), so that
# `make` after `make SANITIZE=1` (or the reverse) relinks the programs
# instead of keeping the other build's.
BIN_STAMP = bin/.linked-from
$(BIN_STAMP): FORCE
	@mkdir -p bin
	@echo '$(BUILD)' | cmp -s - $@ || echo '$(BUILD)' > $@
.PHONY: FORCE
FORCE:
$(BINS) $(TOOLS): $(BIN_STAMP)

# Programs in one file.
bin/%: $(BUILD)/cmd/%.o $(LIB)
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# Programs in a folder: secondary expansion lists the folder's objects.
.SECONDEXPANSION:
cmd_objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/$(1)/*.c))
$(sort $(CMD_DIRS:%=bin/%)): bin/%: $$(call cmd_objs,$$*) $(LIB)
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LIBS)

# The front command (cmd/carepipe/) knows the programs from PROGS and each
# one's description from the .Nd line of its manual page, through a
# generated header; progs.list changes only when PROGS does.  Written
# while the Makefile is read, not by a forced rule, so that an up-to-date
# tree is up to date to `make -q` too.
$(shell mkdir -p $(BUILD)/gen && { echo '$(PROGS)' | cmp -s - $(BUILD)/gen/progs.list || echo '$(PROGS)' > $(BUILD)/gen/progs.list; })
$(BUILD)/gen/progs.h: $(BUILD)/gen/progs.list $(wildcard man/*.1)
	for p in $(PROGS); do \
		nd=$$(sed -n 's/^\.Nd //p' man/$$p.1 2>/dev/null | sed 's/[\\"]/\\&/g'); \
		printf '\t{ "%s", "%s" }, \\\n' "$$p" "$$nd"; \
	done | sed '1s/^/#define CP_PROG_TABLE \\\n/' > $@.tmp && echo >> $@.tmp && mv $@.tmp $@
# progs.h is generated: named here so it exists before the first compile
# (the .d files list it only after).
$(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/carepipe/*.c)): $(BUILD)/gen/progs.h
$(patsubst %.c,$(BUILD)/%.o,$(wildcard cmd/carepipe/*.c)): CMD_CPPFLAGS = -I$(BUILD)/gen -DCP_PKGDATADIR='"$(pkgdatadir)"'

# The headers each object, unit test and replay binary included, as the
# compiler wrote them (DEPFLAGS); none yet on a first build, when
# everything is built anyway.
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

bin/gen-mentions: scripts/gen-mentions.c
	@mkdir -p bin $(BUILD)/scripts
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(DEPFLAGS) -MF $(BUILD)/scripts/gen-mentions.d $(ALL_LDFLAGS) -o $@ $< -lm

# The sentiment model's trainer (scripts/train-sentiment.c), a build tool.
$(BUILD)/train-sentiment: $(BUILD)/scripts/train-sentiment.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# Regenerate tag's built-in sentiment model (common/sentiment_model.c) from
# ../shared: trained twice, and the two must be the same bytes.
SHARED     ?= ../shared
SENT_TRAIN  = $(SHARED)/data/semeval-sentiment/train.tsv
SENT_VAL    = $(SHARED)/data/tweeteval-sentiment
SENT_FLAGS  = -b 16 -l 3e-5 -d 1e-6
sentiment-model: $(BUILD)/train-sentiment
	$(BUILD)/train-sentiment $(SENT_FLAGS) --val $(SENT_VAL)/val_text.txt $(SENT_VAL)/val_labels.txt \
		-o $(BUILD)/sentiment.model -c $(BUILD)/sentiment_model.c $(SENT_TRAIN)
	$(BUILD)/train-sentiment $(SENT_FLAGS) -o $(BUILD)/sentiment.model.again \
		-c $(BUILD)/sentiment_model.c.again $(SENT_TRAIN) >/dev/null
	cmp $(BUILD)/sentiment.model $(BUILD)/sentiment.model.again
	cmp $(BUILD)/sentiment_model.c $(BUILD)/sentiment_model.c.again
	cp $(BUILD)/sentiment_model.c common/sentiment_model.c

# The escalation model's trainer (scripts/train-escalation.c), and tag's
# built-in escalation model (common/escalation_model.c) regenerated from
# the sure rows of ../shared's dev.tsv and hand-written sets A to D and F to N of
# tests/data (set E is left out: the held-out set of tag(1)'s figures):
# trained twice, and the two must be the same bytes.
$(BUILD)/train-escalation: $(BUILD)/scripts/train-escalation.o $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

ESC_TRAIN = $(SHARED)/data/escalation/dev.tsv tests/data/escalation-heldout.tsv \
            $(patsubst %,tests/data/escalation-heldout-%.tsv,b c d f g h i j k l m n)
ESC_FLAGS = -b 14 -l 3e-5
escalation-model: $(BUILD)/train-escalation
	$(BUILD)/train-escalation $(ESC_FLAGS) -o $(BUILD)/escalation.model \
		-c $(BUILD)/escalation_model.c $(ESC_TRAIN)
	$(BUILD)/train-escalation $(ESC_FLAGS) -o $(BUILD)/escalation.model.again \
		-c $(BUILD)/escalation_model.c.again $(ESC_TRAIN) >/dev/null
	cmp $(BUILD)/escalation.model $(BUILD)/escalation.model.again
	cmp $(BUILD)/escalation_model.c $(BUILD)/escalation_model.c.again
	cp $(BUILD)/escalation_model.c common/escalation_model.c

bin/carepipe-cat: $(BUILD)/scripts/carepipe-cat.o $(LIB)
	@mkdir -p bin
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -Itests/unit $(ALL_CFLAGS) $(DEPFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# README's test command: builds and runs every test (make check-deps installs
# the test tools first).
# VALGRIND=1 runs the unit tests, and every program the CLI tests call,
# under valgrind; any error or leak fails the test.
VALGRIND_CMD = valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
               --suppressions=$(CURDIR)/tests/valgrind.supp
ifeq ($(VALGRIND),1)
PROVE_EXEC = $(VALGRIND_CMD)
export CAREPIPE_WRAP = $(VALGRIND_CMD)
endif

# Installing is scripts/install-deps' job (make check-deps), never the
# tests': a test whose tool is missing says SKIP and why.
check: all $(BUILD)/train-sentiment $(BUILD)/train-escalation $(UNIT_BINS) $(REPLAY_BINS) $(BUILD)/tests/failmalloc.so
	CAREPIPE_BUILD=$(BUILD) prove --exec '$(PROVE_EXEC)' $(PROVE_FLAGS) $(UNIT_BINS) tests/cli/*.t tests/fuzz/replay.t tests/torture/torture.t

# Allocation failure (tests/torture/): an LD_PRELOAD shim fails the Nth
# allocation of the program's own code.  `make check` samples N; this
# fails every one in turn.
# Built with the user's flags like everything else (it defines its own
# feature macros), but never with the sanitizers: a preloaded library
# cannot bring in their run-time.
$(BUILD)/tests/failmalloc.so: tests/torture/failmalloc.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(filter-out -fsanitize%,$(CP_CFLAGS)) $(CFLAGS) $(DEPFLAGS) -shared -fPIC $(LDFLAGS) -o $@ $<

torture: all $(BUILD)/tests/failmalloc.so
	CAREPIPE_BUILD=$(BUILD) TORTURE_ALL=1 prove -v tests/torture/torture.t

# Soak: a million generated records through import -> tag -> sla-check ->
# kpi-report, with SIGPIPE, signals, a full disk and a read-only state dir
# (`make check` runs the same with 20,000).
SOAK_N ?= 1000000
soak: all
	SOAK_N=$(SOAK_N) prove -v tests/cli/hardening-soak.t

# Fuzzing: each tests/fuzz/fuzz_NAME.c is a libFuzzer target over the whole
# library.  `make check` replays the kept corpus through the same targets
# built without libFuzzer (tests/fuzz/replay.c), so old crashes stay fixed.
FUZZ_SECONDS ?= 60
FUZZ_CC     ?= clang
FUZZ_FLAGS  = -g -O1 -std=c11 -fsanitize=address,undefined

build-fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(DEP_CFLAGS) $(FUZZ_FLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
-include $(shell find build-fuzz -name '*.d' 2>/dev/null)

# Targets over a program's own code compile its files in (never main.c);
# FUZZ_LD_NAME adds link options (the platform target wraps http_do).
FUZZ_CMD_import = $(filter-out %/main.c %/live.c %/check.c,$(wildcard cmd/fetch-mentions/*.c))
FUZZ_CMD_sla    = cmd/sla-check/policy.c
FUZZ_CMD_rules  = cmd/tag/actions.c
FUZZ_LD_platform = -Wl,--wrap=http_do

build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(COMMON_SRC:%.c=build-fuzz/obj/%.o) $$(FUZZ_CMD_$$*) $(wildcard tests/fuzz/*.h)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(DEP_CFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $(filter-out %.h,$^) $(FUZZ_LD_$*) $(LIBS)

# Linked from objects, each with its own .d (a one-step compile of several
# files keeps the header list of the last one only).
fuzz_cmd_objs = $(patsubst %.c,$(BUILD)/%.o,$(FUZZ_CMD_$(1)))
$(BUILD)/tests/replay_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $$(call fuzz_cmd_objs,$$*) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(FUZZ_LD_$*) $(LIB) $(LIBS)

fuzz: $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

# check needs the test tools (valgrind, chromium, Prism from npm...);
# demo and install need only the build libraries.
check-deps:
	@scripts/install-deps

build-deps:
	@scripts/install-deps --build

# The Debian package (debian/): scripts/build-deb builds it from a copy of
# the tree with dpkg-buildpackage and runs lintian; tests/deb/deb.t also
# unpacks it and runs it.  About 1.5 minutes and its own tools: not part
# of check; .ci/run runs check-deb.
deb:
	@scripts/install-deps --packaging
	scripts/build-deb $(BUILD)/deb

check-deb: all
	@scripts/install-deps --packaging
	CAREPIPE_BUILD=$(BUILD) prove $(PROVE_FLAGS) tests/deb/deb.t

lint-man:
	mandoc -Tlint -W warning $(MANS)

bench: all
	scripts/bench

demo: build-deps all
	scripts/demo

# The programs' names, one a line (tests and packaging read it).
progs:
	@printf '%s\n' $(PROGS)

# bash and zsh completions, written from each program's own option table
# (PROG --list-options) by scripts/gen-completions.
completions: $(COMPLETIONS)
$(COMPLETIONS): $(BINS) scripts/gen-completions
	@mkdir -p $(dir $@)
	scripts/gen-completions $(BUILD)/completions bin $(PROGS)
	touch $@

$(BUILD)/kit/mentions.ndjson.gz: examples/data/mentions.ndjson
	@mkdir -p $(dir $@)
	gzip -9n < $< > $@

# Man pages name the starter kit by its installed path: examples/X in the
# tree is $(pkgdatadir)/X once installed.
install: all $(COMPLETIONS) $(KIT_DATA)
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(mandir)/man7
	install -m 0755 $(BINS) $(DESTDIR)$(bindir)
	for m in $(MANS); do \
		s=$${m##*.}; sed 's|examples/|$(pkgdatadir)/|g' $$m > $(DESTDIR)$(mandir)/man$$s/$${m#man/} && \
		chmod 0644 $(DESTDIR)$(mandir)/man$$s/$${m#man/} || exit 1; \
	done
	for d in $(KIT_DIRS) data; do install -d $(DESTDIR)$(pkgdatadir)/$$d || exit 1; done
	for f in $(KIT_FILES); do \
		if [ -x $$f ]; then m=0755; else m=0644; fi; \
		install -m $$m $$f $(DESTDIR)$(pkgdatadir)/$${f#examples/} || exit 1; \
	done
	install -m 0644 $(KIT_DATA) $(DESTDIR)$(pkgdatadir)/data
	install -d $(DESTDIR)$(bashcompdir) $(DESTDIR)$(zshcompdir)
	install -m 0644 $(PROGS:%=$(BUILD)/completions/bash/%) $(DESTDIR)$(bashcompdir)
	install -m 0644 $(BUILD)/completions/zsh/_carepipe $(DESTDIR)$(zshcompdir)

uninstall:
	for p in $(PROGS); do rm -f $(DESTDIR)$(bindir)/$$p $(DESTDIR)$(bashcompdir)/$$p; done
	for m in $(MANS); do s=$${m##*.}; rm -f $(DESTDIR)$(mandir)/man$$s/$${m#man/}; done
	rm -f $(DESTDIR)$(zshcompdir)/_carepipe
	rm -rf $(DESTDIR)$(pkgdatadir)

clean:
	rm -rf build build-san build-fuzz bin
