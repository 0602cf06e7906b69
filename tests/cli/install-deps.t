#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# scripts/install-deps: `make demo` asks only for the build libraries (no
# npm, no Prism), `make check-deps` for the test tools too, and `make check`
# installs nothing (issue 15 item 1).  npm, apt-get and
# sudo are replaced by stubs that record being called, so nothing here
# installs anything.
__TABLE__

### make demo runs install-deps --build, make check-deps runs it whole, make check never
$ make -s -n -C $TOP demo | grep install-deps
$ make -s -n -C $TOP check-deps | grep install-deps
$ make -s -n -C $TOP check | grep -c -e install-deps -e apt-get -e npm || true
> scripts/install-deps --build
> scripts/install-deps
> 0

### --build never calls npm and needs nothing more on a machine that builds
$ mkdir stubs
$ for t in npm apt-get sudo; do printf '#!/bin/sh\necho %s >> %s/called\nexit 1\n' $t $TMP > stubs/$t; chmod +x stubs/$t; done
$ PATH=$TMP/stubs:$PATH $TOP/scripts/install-deps --build; echo "exit $?"
$ cat called 2>/dev/null || echo "nothing called"
> exit 0
> nothing called

### --help says which mode is which; an unknown mode is a usage error
$ $TOP/scripts/install-deps --help | grep -c -- '--build\|--packaging'
$ $TOP/scripts/install-deps --all
> 2
2> usage: install-deps [--build | --packaging]
? 64
