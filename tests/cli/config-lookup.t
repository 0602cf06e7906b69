#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# carepipe.conf(5)'s lookup, the same in every program that reads it
# (fetch-mentions, reply): --config, CAREPIPE_CONFIG, ./carepipe.conf,
# $XDG_CONFIG_HOME/carepipe/carepipe.conf (~/.config when unset), then
# /etc/carepipe/carepipe.conf.  Each candidate file here is broken on
# purpose, so the error names the file that was read.  And -h is --help.
__TABLE__

### --config wins over CAREPIPE_CONFIG, ./carepipe.conf and the user's file
$ mkdir -p .config/carepipe && for f in given env carepipe.conf .config/carepipe/carepipe.conf; do echo "oops $f" > $f; done
$ CAREPIPE_CONFIG=env fetch-mentions --config given; echo $?
$ CAREPIPE_CONFIG=env reply --text Hi --config given < /dev/null; echo $?
> 78
> 78
2> fetch-mentions: given:1: expected key = value
2> reply: given:1: expected key = value

### then CAREPIPE_CONFIG, then ./carepipe.conf, then $XDG_CONFIG_HOME/carepipe/carepipe.conf
$ mkdir -p .config/carepipe && for f in env carepipe.conf .config/carepipe/carepipe.conf; do echo "oops $f" > $f; done
$ for p in fetch-mentions 'reply --text Hi'; do
$   CAREPIPE_CONFIG=env $p < /dev/null
$   CAREPIPE_CONFIG= $p < /dev/null
$   rm carepipe.conf; $p < /dev/null; echo oops > carepipe.conf
$ done 2>&1 | sed "s|$TMP|TMP|"
> fetch-mentions: env:1: expected key = value
> fetch-mentions: carepipe.conf:1: expected key = value
> fetch-mentions: TMP/.config/carepipe/carepipe.conf:1: expected key = value
> reply: env:1: expected key = value
> reply: carepipe.conf:1: expected key = value
> reply: TMP/.config/carepipe/carepipe.conf:1: expected key = value

### ~/.config/carepipe/carepipe.conf when XDG_CONFIG_HOME is unset, empty or relative
$ mkdir -p home/.config/carepipe && echo oops > home/.config/carepipe/carepipe.conf
$ (unset XDG_CONFIG_HOME; HOME=$TMP/home fetch-mentions) 2>&1 | sed "s|$TMP|TMP|"
$ XDG_CONFIG_HOME= HOME=$TMP/home fetch-mentions 2>&1 | sed "s|$TMP|TMP|"
$ XDG_CONFIG_HOME=rel HOME=$TMP/home reply --text Hi < /dev/null 2>&1 | sed "s|$TMP|TMP|"
> fetch-mentions: TMP/home/.config/carepipe/carepipe.conf:1: expected key = value
> fetch-mentions: TMP/home/.config/carepipe/carepipe.conf:1: expected key = value
> reply: TMP/home/.config/carepipe/carepipe.conf:1: expected key = value

### a file named by CAREPIPE_CONFIG must exist: it is not passed over (78, as every configuration file)
$ echo oops > carepipe.conf
$ CAREPIPE_CONFIG=missing.conf fetch-mentions; echo $?
> 78
2> fetch-mentions: missing.conf: No such file or directory

### nowhere: 78, naming every place looked, /etc/carepipe/carepipe.conf last
$ test -e /etc/carepipe/carepipe.conf && { echo "this machine has /etc/carepipe/carepipe.conf" >&2; exit 1; }
$ fetch-mentions 2> err; echo $?; sed "s|$TMP|TMP|" err
$ reply --text Hi --send --journal j < /dev/null 2> err; echo $?; sed "s|$TMP|TMP|" err
> 78
> fetch-mentions: no carepipe.conf: give --config FILE or set CAREPIPE_CONFIG (looked for ./carepipe.conf, TMP/.config/carepipe/carepipe.conf, /etc/carepipe/carepipe.conf)
> 78
> reply: --send: no carepipe.conf: give --config FILE or set CAREPIPE_CONFIG (looked for ./carepipe.conf, TMP/.config/carepipe/carepipe.conf, /etc/carepipe/carepipe.conf)

### a preview without any carepipe.conf still runs
$ reply --text Hi < /dev/null; echo $?
> 0

### -h is --help in every program of cmd/
$ for p in $(ls $TOP/cmd | sed 's/\.c$//'); do $p -h > h.txt && $p --help > help.txt && cmp -s h.txt help.txt && grep -q '^  -h, --help' h.txt && echo "$p" >> ok; done
$ test -s ok && ls $TOP/cmd | sed 's/\.c$//' | cmp - ok && echo "all $(wc -l < ok) programs"
>~ all [6-9] programs

### a NUL byte is an error at its line, not the silent end of the file (the line-and-section reader, inifile.h)
$ printf '[a]\nplatform = x\000\nbase_url = https://x.example\n' > nul.conf
$ fetch-mentions --config nul.conf; echo $?
> 78
2> fetch-mentions: nul.conf:2: NUL byte
