#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# make install / make uninstall into a DESTDIR: programs, man pages naming
# the installed starter kit, the kit itself, bash and zsh completions made
# from the programs' own option tables; uninstall leaves no file behind.
# make runs with the build of the suite (CAREPIPE_BUILD), so nothing is
# rebuilt differently under SANITIZE=1.
__TABLE__

### install puts every program, page, kit file and completion in place; uninstall removes them all
$ B=${CAREPIPE_BUILD:-build}; S=; [ "$B" != build-san ] || S=SANITIZE=1
$ make -s -C $TOP install DESTDIR=$TMP/root PREFIX=/usr BUILD=$B $S > log 2>&1 || { cat log; exit 1; }
$ make -s -C $TOP progs > progs
$ for p in $(cat progs); do test -x root/usr/bin/$p && test -s root/usr/share/bash-completion/completions/$p && test -s root/usr/share/man/man1/$p.1 || echo "missing: $p"; done
$ ls root/usr/share/man/man5 root/usr/share/man/man7 | grep -v ':$' | grep .
$ ls root/usr/share/zsh/site-functions
$ kit=$(cd $TOP/examples && find assign cron replies rules scale sla -type f | wc -l)
$ cd root/usr/share/carepipe && find . -type f | sort | sed -n '1,3p;/rules/p;/data/p;/cron/p;/scale/p' | uniq
$ test $(find . -type f | wc -l) -eq $((kit + 2)) && echo "all $kit kit files and the data"
> carepipe-rules.5
> carepipe-sla.5
> carepipe.conf.5
> carepipe.7
> _carepipe
> ./assign/mentions.ndjson
> ./assign/team.roster
> ./cron/care.conf
> ./cron/crontab
> ./data/README
> ./data/mentions.ndjson.gz
> ./rules/consumer.rules
> ./scale/README.md
> ./scale/hadoop-local.sh
> ./scale/mapper.sh
> ./scale/parallel.sh
> ./scale/reducer.sh
> ./scale/sample.ndjson
>~ all [0-9]+ kit files and the data

### the installed kit works: the installed tag reads the installed rules and the gzipped sample
$ B=${CAREPIPE_BUILD:-build}; S=; [ "$B" != build-san ] || S=SANITIZE=1
$ make -s -C $TOP install DESTDIR=$TMP/root PREFIX=/usr BUILD=$B $S > log 2>&1 || { cat log; exit 1; }
$ K=root/usr/share/carepipe
$ root/usr/bin/tag -f $K/rules/consumer.rules $K/data/mentions.ndjson.gz | wc -l
$ test -x $K/scale/parallel.sh && echo executable
> 1000
> executable

### installed man pages name the installed kit, never examples/, and stay lint-clean
$ B=${CAREPIPE_BUILD:-build}; S=; [ "$B" != build-san ] || S=SANITIZE=1
$ make -s -C $TOP install DESTDIR=$TMP/root PREFIX=/opt/cp BUILD=$B $S > log 2>&1 || { cat log; exit 1; }
$ M=root/opt/cp/share/man
$ grep -c 'tag -f /opt/cp/share/carepipe/rules/consumer.rules' $M/man1/tag.1
$ grep -h -o '/opt/cp/share/carepipe/sla/[a-z.-]*' $M/man5/carepipe-sla.5 | sort -u
$ grep -l 'examples/' $M/man*/* || echo "no examples/ left"
$ mandoc -Tlint -W warning $M/man*/* && echo lint-clean
> 2
> /opt/cp/share/carepipe/sla/holidays-fr.ics
> /opt/cp/share/carepipe/sla/holidays-us.ics
> /opt/cp/share/carepipe/sla/holidays-us.txt
> /opt/cp/share/carepipe/sla/office.cal
> /opt/cp/share/carepipe/sla/support.conf
> no examples/ left
> lint-clean

### uninstall leaves no file behind
$ B=${CAREPIPE_BUILD:-build}; S=; [ "$B" != build-san ] || S=SANITIZE=1
$ make -s -C $TOP install DESTDIR=$TMP/root PREFIX=/usr BUILD=$B $S > log 2>&1 || { cat log; exit 1; }
$ find root -type f | wc -l | sed 's/^[1-9][0-9]*$/some files/'
$ make -s -C $TOP uninstall DESTDIR=$TMP/root PREFIX=/usr BUILD=$B $S
$ find root -type f -o -type l | wc -l
> some files
> 0

### bash completion offers exactly each program's options, the ones its --help lists, and each is accepted
$ B=${CAREPIPE_BUILD:-build}; S=; [ "$B" != build-san ] || S=SANITIZE=1
$ make -s -C $TOP completions BUILD=$B $S > log 2>&1 || { cat log; exit 1; }
$ for p in $(make -s -C $TOP progs); do
$   bash -c ". $TOP/$B/completions/bash/$p; COMP_WORDS=($p -); COMP_CWORD=1; _carepipe_\$(echo $p | tr - _); printf '%s\n' \"\${COMPREPLY[@]}\"" | sort > got
$   $p --list-options | cut -f1 | tr , '\n' | sort > table
$   $p --help | awk 'NR == 1, /^$/ { print; next } /^ +(-[A-Za-z], )?--[a-z]/ { print $1, $2 }' | grep -o -- '--[a-z][a-z-]*' | sort -u > help
$   cmp -s got table || echo "$p: completion differs from the option table"
$   comm -13 got help | sed "s/^/$p: in --help, not completed: /"
$   comm -23 got help | grep -v -- '^--list-options$' | grep -- '^--' | sed "s/^/$p: completed, not in --help: /"
$   for o in $(grep -- '^--' table); do $p $o < /dev/null 2>&1 | grep -q "unknown option" && echo "$p: $o refused"; done
$   echo "$p: $(grep -c -- '^--' table) options"
$ done | grep -v ': [0-9]* options$'; echo done
> done

### bash completion: an option's argument completes files, a DIR argument only directories
$ B=${CAREPIPE_BUILD:-build}
$ mkdir sub; touch file
$ bash -c ". $TOP/$B/completions/bash/fetch-mentions; COMP_WORDS=(fetch-mentions --state ''); COMP_CWORD=2; _carepipe_fetch_mentions; printf '%s\n' \"\${COMPREPLY[@]}\""
$ bash -c ". $TOP/$B/completions/bash/fetch-mentions; COMP_WORDS=(fetch-mentions --sou); COMP_CWORD=1; _carepipe_fetch_mentions; printf '%s\n' \"\${COMPREPLY[@]}\""
> sub
> --source

### zsh completion: valid zsh, one #compdef for every program, each long option listed
$ B=${CAREPIPE_BUILD:-build}
$ Z=$TOP/$B/completions/zsh/_carepipe
$ zsh -n $Z && echo syntax-ok
$ head -n 1 $Z | tr ' ' '\n' | tail -n +2 | sort | cmp - $(make -s -C $TOP progs > p; echo p) && echo compdef-ok
$ for p in $(cat p); do for o in $($p --list-options | cut -f1 | tr , '\n' | grep -- '^--'); do grep -q -- "$o[]=}']" $Z || echo "$p $o missing"; done; done; echo checked
> syntax-ok
> compdef-ok
> checked

### bash completion of the front command: the commands and programs, then the program's own options
$ B=${CAREPIPE_BUILD:-build}
$ C=$TOP/$B/completions/bash
$ bash -c ". $C/carepipe; COMP_WORDS=(carepipe ''); COMP_CWORD=1; _carepipe_carepipe; printf '%s\n' \"\${COMPREPLY[@]}\"" | sort > got
$ (printf 'check\nhelp\ninit\n'; make -s -C $TOP progs | grep -v '^carepipe$') | sort > want
$ cmp got want && echo "check help init and $(grep -vxc 'check\|help\|init' got) programs"
$ bash -c ". $C/carepipe; . $C/tag; COMP_WORDS=(carepipe tag --ru); COMP_CWORD=2; _carepipe_carepipe; printf '%s\n' \"\${COMPREPLY[@]}\""
>~ check help init and [6-9] programs
> --rules
> --rule
