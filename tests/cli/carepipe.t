#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# carepipe(1), the front command: running the programs (beside carepipe
# first, then PATH), help, and init's scaffold from the starter kit.
# `carepipe check` is in carepipe-check.t (it needs servers).
__TABLE__

### carepipe help lists every program of PROGS with its manual page's description
$ carepipe help > help.txt; echo "exit $?"
$ for p in $(make -s -C $TOP progs | grep -v '^carepipe$'); do grep -q "^  $p  *$(sed -n 's/^\.Nd //p' $TOP/man/$p.1)\$" help.txt || echo "$p missing"; done
$ grep -c '^  [a-z]' help.txt | sed "s/^$(make -s -C $TOP progs | grep -vc '^carepipe$')\$/one line each/"
> exit 0
> one line each

### carepipe PROG runs the program beside carepipe, whatever PATH says
$ PATH=/usr/bin:/bin $TOP/bin/carepipe tag --version
$ echo '{"id":"x:1","text":"refund please"}' | PATH=/usr/bin:/bin $TOP/bin/carepipe tag -r 'tag refund if keywords "refund"' | jq -c .tags
> tag (carepipe) 0.1.0
> ["refund"]

### a carepipe with no program beside it runs the one on PATH, with the arguments as given
$ mkdir alone path; cp $TOP/bin/carepipe alone/
$ printf '#!/bin/sh\necho "PATH tag: $*"\n' > path/tag; chmod +x path/tag
$ PATH=$TMP/path:/usr/bin:/bin alone/carepipe tag -x 'two words' --y
> PATH tag: -x two words --y

### a program found nowhere: 69
$ mkdir alone; cp $TOP/bin/carepipe alone/
$ PATH=/nonexistent alone/carepipe sla-check
? 69
2> carepipe: sla-check: No such file or directory (neither beside carepipe nor on PATH)

### usage: no command, an unknown one (never run from PATH), help for an unknown program: 64
$ carepipe; echo $?; carepipe rm -rf /; echo $?; carepipe help nope; echo $?
> 64
> 64
> 64
2> carepipe: give a command or a program (carepipe help lists them)
2> usage: carepipe [-h] [--version] command [argument ...]
2>        carepipe program [option ...] [file ...]
2> carepipe: 'rm' is not a carepipe command or program (carepipe help lists them)
2> usage: carepipe [-h] [--version] command [argument ...]
2>        carepipe program [option ...] [file ...]
2> carepipe: no program 'nope' (carepipe help lists them)
2> usage: carepipe [-h] [--version] command [argument ...]
2>        carepipe program [option ...] [file ...]

### usage: help with two programs, init without one directory: 64, the message, then the usage line
$ carepipe help tag reply; echo $?; carepipe init; echo $?; carepipe init a b; echo $?
> 64
> 64
> 64
2> carepipe: help takes one program
2> usage: carepipe [-h] [--version] command [argument ...]
2>        carepipe program [option ...] [file ...]
2> carepipe: init takes one directory: carepipe init DIR
2> usage: carepipe [-h] [--version] command [argument ...]
2>        carepipe program [option ...] [file ...]
2> carepipe: init takes one directory: carepipe init DIR
2> usage: carepipe [-h] [--version] command [argument ...]
2>        carepipe program [option ...] [file ...]

### carepipe help PROG is PROG --help; carepipe -h is carepipe --help
$ carepipe help reply | cmp - $(reply --help > r.txt; echo r.txt) && echo same
$ carepipe -h | head -n 1
$ carepipe -h | cmp - $(carepipe --help > c.txt; echo c.txt) && echo same
> same
> usage: carepipe [-h] [--version] command [argument ...]
> same

### carepipe init scaffolds a configuration from the kit: the files, modes and folders
$ CAREPIPE_DATADIR=$TOP/examples carepipe init care > out.txt; echo "exit $?"
$ cd care && find . | sort | grep -v '^./replies/.\|^./sla/.\|^./data/.\|^./assign/.'
$ stat -c '%a %n' secrets.env state secrets carepipe.conf
$ ls replies | cmp - $(ls $TOP/examples/replies > ../r; echo ../r) && echo "replies: all"
$ ls sla | cmp - $(ls $TOP/examples/sla > ../s; echo ../s) && echo "sla: all"
$ cmp rules/consumer.rules $TOP/examples/rules/consumer.rules && echo "rules: same"
> exit 0
> .
> ./assign
> ./carepipe.conf
> ./crontab
> ./data
> ./log
> ./replies
> ./reports
> ./rules
> ./rules/consumer.rules
> ./secrets
> ./secrets.env
> ./sla
> ./state
> ./work
> 600 secrets.env
> 700 state
> 700 secrets
> 644 carepipe.conf
> replies: all
> sla: all
> rules: same

### carepipe init: the crontab names the scaffold's own files, carepipe.conf parses, secrets.env exports each credential variable
$ CAREPIPE_DATADIR=$TOP/examples carepipe init care > /dev/null
$ cd care
$ grep -c "cd $TMP/care && " crontab
$ grep -o -- '--[a-z]* [a-z/.]*\.\(conf\|rules\)' crontab | while read o f; do test -f "$f" && echo "$o $f"; done
$ grep '^PATH=' crontab | sed "s|$TOP|TOP|"
$ grep -v '^#' secrets.env
$ fetch-mentions --check --source acme-x; echo "exit $?"
> 5
> --config carepipe.conf
> --rules rules/consumer.rules
> --policy sla/support.conf
> --rules rules/consumer.rules
> --config carepipe.conf
> --rules rules/consumer.rules
> --policy sla/support.conf
> --config carepipe.conf
> PATH=TOP/bin:/usr/bin:/bin
> export ACME_X_TOKEN=
> export ACME_MASTODON_TOKEN=
> export ACME_BSKY_APP_PASSWORD=
> export ACME_REDDIT_SECRET=
> export ACME_REDDIT_REFRESH_TOKEN=
> export ACME_SLACK_WEBHOOK=
> export ACME_SMTP_PASSWORD=
> exit 78
2> fetch-mentions: source acme-x: the token variable ACME_X_TOKEN is not set

### carepipe init never overwrites: a folder that is not empty is refused with 73, and left as it was
$ mkdir care; echo mine > care/carepipe.conf
$ CAREPIPE_DATADIR=$TOP/examples carepipe init care; echo "exit $?"; ls care; cat care/carepipe.conf
> exit 73
> carepipe.conf
> mine
2> carepipe: care is not empty: carepipe init writes only into a new or empty folder

### carepipe init without a kit says where it looked: 66
$ CAREPIPE_DATADIR=$TMP/nokit carepipe init care; echo "exit $?"; test -e care || echo "nothing made"
> exit 66
> nothing made
2>~ carepipe: no starter kit in /tmp/carepipe-t-\w+/nokit \(set CAREPIPE_DATADIR to the folder of the kit: rules/, replies/, sla/...\)
