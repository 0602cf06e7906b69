#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# Messages on standard error never carry control characters (issue 18,
# item 7): common/prog.c shows C0 controls, DEL, C1 controls and bytes that
# are not UTF-8 as escapes, whatever the message quotes.  carepipe(7),
# DIAGNOSTICS.
__TABLE__

### an OSC sequence in a record value reaches stderr escaped (the reported attack)
$ printf '{"id":"x:1","platform":"x","created_at":"\\u001b]0;PWNED\\u0007"}\n' | fetch-mentions --import ndjson
? 65
2> fetch-mentions: (stdin):1: created_at is not a date: \x1b]0;PWNED\x07

### C1 controls (U+0080..U+009F) and DEL are escaped, other text kept
$ printf '{"id":"x:1","platform":"x","created_at":"\\u009b2J\\u0085\\u007f é"}\n' | fetch-mentions --import ndjson
? 65
2> fetch-mentions: (stdin):1: created_at is not a date: \u009b2J\u0085\x7f é

### the bad line itself is kept verbatim in --bad (escaping is for the terminal only)
$ printf '{"id":"x:1","platform":"x","created_at":"\033]0;T\007"}\n' > in.ndjson
$ fetch-mentions --import ndjson --bad bad.ndjson in.ndjson; echo "exit $?"; cmp in.ndjson bad.ndjson && echo same
> exit 65
> same
2> fetch-mentions: in.ndjson:1: unescaped control character in string at byte 42

### a jq error message quoting a record value
$ printf '{"id":"x:1","text":"\\u001b[2J\\n\\r\\tx"}\n' | tag -r 'tag a if jq "error(.text)"' > /dev/null
? 65
2> tag: (stdin):1: jq: error: \x1b[2J\n\r\tx (rule at -r 1:1)

### a rules error quoting the rule text
$ tag -r "$(printf 'tag \033]0;T\007 if true')" < /dev/null
? 78
2> tag: -r 1:1:5: unexpected character '\x1b'

### a file name given as an argument
$ sla-check "$(printf 'no\033[2Jfile')"
? 66
2>~ sla-check: no\\x1b\[2Jfile: .*

### an unknown option quoted in a usage error
$ tag "$(printf -- '--\033[31m')"
? 64
2> tag: unknown option '--\x1b[31m'
2>~ usage: .*
2>~ .*
2>~ .*
2>~ .*

### an option argument quoted in a program's own usage error
$ sla-check --now "$(printf '\033[2J')" 2>&1 | head -n 1
> sla-check: --now: not a time: \x1b[2J

### bytes that are not UTF-8 in an argument are shown as \xHH
$ tag -f "$(printf 'r\377\233.rules')"
? 78
2>~ tag: r\\xff\\x9b\.rules: .*

### every program's own usage errors (not only getopt's) print the message, then the usage line, and exit 64
$ for c in 'fetch-mentions --limit 0' 'fetch-mentions --import csv --map text=' 'tag --influencer many' 'sla-check --match x' 'assign --strategy x' 'reply --max x' 'notify --max x' 'kpi-report --top 0' 'carepipe help a b' 'carepipe init' 'carepipe-cat -k x'; do $c < /dev/null 2> err; echo "$? $(sed -n '1s/:.*//p' err) $(sed -n '2s/ .*//p' err)"; done
> 64 fetch-mentions usage:
> 64 fetch-mentions usage:
> 64 tag usage:
> 64 sla-check usage:
> 64 assign usage:
> 64 reply usage:
> 64 notify usage:
> 64 kpi-report usage:
> 64 carepipe usage:
> 64 carepipe usage:
> 64 carepipe-cat usage:
