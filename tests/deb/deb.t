#!/bin/sh
exec python3 "$(dirname "$0")/../cli/runtable.py" "$0"
# The Debian package: debian/ builds a .deb with `dpkg-buildpackage -us
# -uc -b` (scripts/build-deb, from a copy of the tree) that lintian passes
# at its default level; unpacked into a scratch root (dpkg-deb -x) it holds
# what `make install` installs, and the programs run from there.  One case,
# as the build takes a minute and a half: not part of `make check`;
# `make check-deb` and .ci/run run it.  Needs scripts/install-deps --packaging.
__TABLE__

### the .deb builds lintian-clean, holds what make install does, and runs from a scratch root
$ $TOP/scripts/build-deb out > log 2>&1 || { cat log; exit 1; }
$ sed "s|$TMP/||" log
$ dpkg-deb -x out/carepipe_0.1.0_*.deb root
$ root/usr/bin/tag --version
$ dpkg-deb -f out/carepipe_0.1.0_*.deb Package Version
$ dpkg-deb -f out/carepipe_0.1.0_*.deb Depends | tr ',' '\n' | sed 's/ *(.*//; s/^ //' | grep -x 'tzdata\|libcurl4\|libjq1\|libcsv3\|zlib1g\|libonig5' | sort
$ B=${CAREPIPE_BUILD:-build}; S=; [ "$B" != build-san ] || S=SANITIZE=1
$ make -s -C $TOP install DESTDIR=$TMP/inst PREFIX=/usr zshcompdir=/usr/share/zsh/vendor-completions BUILD=$B $S > mlog 2>&1 || { cat mlog; exit 1; }
$ (cd inst && find . -type f | sed 's/\(man[0-9]\/.*\)/\1.gz/' | sort) > want
$ dpkg-deb -c out/carepipe_0.1.0_*.deb | awk '$1 !~ /^d/ { print $6 }' | grep -v '^./usr/share/doc/' | sort > got
$ diff want got && echo "the files of make install"
$ test $(root/usr/bin/carepipe help | grep -c '^  [a-z]') -eq $(make -s -C $TOP progs | grep -vc '^carepipe$') && echo "help lists every program"
$ root/usr/bin/carepipe init care > /dev/null && ls care/rules
$ zcat root/usr/share/man/man1/tag.1.gz | grep -c 'tag -f /usr/share/carepipe/rules/consumer.rules'
> out/carepipe_0.1.0_amd64.deb
> tag (carepipe) 0.1.0
> Package: carepipe
> Version: 0.1.0
> libcsv3
> libcurl4
> libjq1
> libonig5
> tzdata
> zlib1g
> the files of make install
> help lists every program
> consumer.rules
> 2
