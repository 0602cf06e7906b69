#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# scripts/install-deps: `make demo` asks only for the build libraries (no
# npm, no Prism), `make check` for the test tools too.  npm, apt-get and
# sudo are replaced by stubs that record being called, so nothing here
# installs anything.
__TABLE__

### make demo runs install-deps --build, make check runs it whole
$ make -s -n -C $TOP demo | grep install-deps
$ make -s -n -C $TOP check | grep install-deps
> scripts/install-deps --build
> scripts/install-deps

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
