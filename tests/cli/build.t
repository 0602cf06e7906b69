#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# The Makefile honours the user (issue 15 item 1): `make CFLAGS=-O2` replaces
# the optimisation only, never -std=c11, the feature macros or the header
# dependencies, and builds without a diagnostic under gcc and clang; each
# object is rebuilt when a header it includes changes (-MMD -MP).  The builds
# make the objects only (`make objects`, linked into nothing, so bin/ is left
# alone), into a BUILD of their own under $TMP; with a make of their own,
# not the one running `make -j2 check` (its jobserver is not theirs).
__TABLE__

### make CFLAGS=-O2 keeps C11, the feature macros, the warnings and -MMD -MP; it drops -g
$ make -s -n -C $TOP BUILD=$TMP/b CFLAGS=-O2 $TMP/b/common/http.o | tr ' ' '\n' | grep -x -e -std=c11 -e -D_GNU_SOURCE -e -D_DEFAULT_SOURCE -e -Wall -e -Wextra -e -O2 -e -g -e -MMD -e -MP
> -D_DEFAULT_SOURCE
> -D_GNU_SOURCE
> -std=c11
> -Wall
> -Wextra
> -O2
> -MMD
> -MP

### make CPPFLAGS=... and LDFLAGS=... add to the project's own, as dpkg-buildflags expects
$ make -s -n -C $TOP BUILD=$TMP/b CPPFLAGS=-DCP_USER_FLAG=1 $TMP/b/common/http.o | tr ' ' '\n' | grep -x -e -Icommon -e -D_GNU_SOURCE -e -DCP_USER_FLAG=1
$ make -s -n -B -C $TOP BUILD=$TMP/b LDFLAGS=-Wl,-z,now SANITIZE=1 bin/tag | tail -n 1 | grep -o -e '-Wl,-z,now' -e '-fsanitize=address,undefined' | sort -u
> -Icommon
> -D_GNU_SOURCE
> -DCP_USER_FLAG=1
> -Wl,-z,now
> -fsanitize=address,undefined

### failmalloc.so is built with the user's flags and C11, never with the sanitizers
$ make -s -n -C $TOP BUILD=$TMP/b CFLAGS=-O2 $TMP/b/tests/failmalloc.so | tr ' ' '\n' | grep -x -e -std=c11 -e -O2 -e -g -e '-fsanitize.*'
$ make -s -n -C $TOP BUILD=$TMP/s SANITIZE=1 $TMP/s/tests/failmalloc.so | grep -c -e -fsanitize || true
> -std=c11
> -O2
> 0

### gcc: make CFLAGS=-O2 compiles every object without a warning; touching a header rebuilds exactly what includes it
! needs command gcc
$ unset MAKEFLAGS MFLAGS MAKELEVEL
$ M="make -C $TOP --no-print-directory CC=gcc BUILD=$TMP/b CFLAGS=-O2"
$ $M -s -j2 objects > log 2>&1 || { cat log; exit 1; }
$ cat log
$ test $(ls $TOP/common/*.c $TOP/common/platforms/*.c | wc -l) -eq $(ls b/common/*.o b/common/platforms/*.o | wc -l) && echo "every object of the library built"
$ $M -q objects && echo "make -q: up to date"
$ for h in cmd/sla-check/sla.h cmd/reply/reply.h cmd/fetch-mentions/fm.h; do
$     $M -q -W $h objects; echo "make -q after touching $h: $?"
$     $M -n -W $h objects | grep -o "$TMP/b/[^ ]*\.o" | sed "s|$TMP/b/||" | sort -u > rebuilt
$     (cd $TOP && grep -l "^#include \"$(basename $h)\"" $(dirname $h)/*.c) | sed 's/\.c$/.o/' > want
$     cmp -s want rebuilt && echo "$h: $(wc -l < want) objects rebuilt, the ones that include it"
$ done
$ $M -n -W common/carepipe.h objects | grep -o -- "-o $TMP/b/common/[^ ]*" | sed "s|-o $TMP/b/||; s|\.o$||" | sort > rebuilt
$ grep -l '^common/carepipe.h:' b/common/*.d b/common/platforms/*.d | sed 's|^b/||; s|\.d$||' | sort > want
$ cmp -s want rebuilt && echo "common/carepipe.h: $(wc -l < want) objects of the library rebuilt, the ones that include it"
>~ every object of the library built
> make -q: up to date
> make -q after touching cmd/sla-check/sla.h: 1
>~ cmd/sla-check/sla.h: [1-9][0-9]* objects rebuilt, the ones that include it
> make -q after touching cmd/reply/reply.h: 1
>~ cmd/reply/reply.h: [1-9][0-9]* objects rebuilt, the ones that include it
> make -q after touching cmd/fetch-mentions/fm.h: 1
>~ cmd/fetch-mentions/fm.h: [1-9][0-9]* objects rebuilt, the ones that include it
>~ common/carepipe.h: [1-9][0-9]* objects of the library rebuilt, the ones that include it

### clang: make CFLAGS=-O2 compiles every object without a warning
! needs command clang
$ unset MAKEFLAGS MFLAGS MAKELEVEL
$ make -s -j2 -C $TOP --no-print-directory CC=clang BUILD=$TMP/c CFLAGS=-O2 objects > log 2>&1 || { cat log; exit 1; }
$ cat log
$ test $(ls $TOP/cmd/*/*.c | wc -l) -eq $(ls c/cmd/*/*.o | wc -l) && echo "every object of the programs built"
> every object of the programs built

### of libcarepipe.a only prog.o, the command scaffold, prints or exits: common/ returns its errors (issue 15 item 9)
$ nm -A $TOP/${CAREPIPE_BUILD:-build}/libcarepipe.a > syms
$ grep -E ' U (exit|_exit|printf|vprintf|fprintf|vfprintf|__printf_chk|__fprintf_chk|__vfprintf_chk|puts|putchar|perror|stderr)$' syms | sed 's|.*libcarepipe\.a:\([^:]*\):.*|\1|' | sort -u
> prog.o
