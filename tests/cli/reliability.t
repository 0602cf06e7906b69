#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# Reliability round 2 (issue 18): what every program does with closed
# standard streams, devices and oversized files named as configuration,
# byte-order marks, --bad, --version on a full disk, TMPDIR, and the one
# rule of exit codes for inputs and configuration files (carepipe(7)).
# The live fetch-mentions cases are in fetch-mentions-live.t.
__TABLE__

### closed stdout: assign --state exits 74, writes nothing into the lock file, saves no state
$ printf '[agent jd]\nqueues general\ncapacity 3\n' > team.roster
$ echo '{"id":"x:1","direction":"in","created_at":"2026-01-05T10:00:00Z"}' > in.ndjson
$ assign -R team.roster --state st < in.ndjson >&-; echo "rc=$?" >&2
$ ls -A st/assign; wc -c < st/assign/.lock
$ assign -R team.roster --state st < in.ndjson | jq -r .assignee.id
> .lock
> 0
> jd
2> assign: write error: standard output is closed
2> rc=74

### closed stdout: reply exits 74 with a message (was 70)
$ echo '{"id":"twitter:1","platform":"twitter","account":"A","direction":"in","text":"x"}' | reply --text hi >&-
2> reply: 0 sent, 1 previewed, 0 skipped, 0 failed
2> reply: write error: standard output is closed
? 74

### closed stdout: tag and sla-check exit 74
$ echo '{"id":"x:1","text":"a","direction":"in","created_at":"2026-01-05T10:00:00Z"}' > in.ndjson
$ tag -r 'tag a if true' in.ndjson >&-; echo "tag $?" >&2
$ sla-check in.ndjson >&-; echo "sla-check $?" >&2
2> tag: write error: standard output is closed
2> tag 74
2> sla-check: write error: standard output is closed
2> sla-check 74

### closed stdout with nothing to write is no error
$ tag -r 'tag a if true' /dev/null >&-
? 0

### closed stdin: sla-check exits 66 and says so (was 0, silent)
$ sla-check <&-
2> sla-check: (stdin): standard input is closed
? 66

### closed stdin: tag, assign, reply and kpi-report say so too, with 66
$ tag -r 'tag a if true' <&-; echo "tag $?" >&2
$ printf "[agent jd]\nqueues general\ncapacity 3\n" > team.roster
$ assign -R team.roster - <&-; echo "assign $?" >&2
$ reply --text hi <&-; echo "reply $?" >&2
$ kpi-report -f json <&- >/dev/null; echo "kpi-report $?" >&2
$ fetch-mentions --import ndjson <&-; echo "fetch-mentions $?" >&2
2> tag: (stdin): standard input is closed
2> tag 66
2> assign: (stdin): standard input is closed
2> assign 66
2> reply: (stdin): standard input is closed
2> reply: 0 sent, 0 previewed, 0 skipped, 0 failed
2> reply 66
2> kpi-report: (stdin): standard input is closed
2> kpi-report 66
2> fetch-mentions: (stdin): standard input is closed
2> fetch-mentions 66

### closed stderr: the records still come, the status still tells
! needs unwrapped
$ echo '{"id":"x:1","text":"a"}' | tag -r 'tag a if true' 2>&-
$ echo 'nope' | tag -r 'tag a if true' 2>&-; echo "rc=$?"
> {"id":"x:1","text":"a","tags":["a"],"lang":"und","sentiment":{"score":-0.111,"label":"neutral"},"priority":"normal","escalate":false}
> rc=65

### jq: include in a tag rule is refused at start-up, 78 with file:line:col (was an abort, 134)
$ printf 'tag ok if true\ntag b if jq "include \\"x\\"; ."\n' > r.rules
$ echo 'def f: .;' > x.jq
$ tag -f r.rules < /dev/null
2> tag: r.rules:2:13: jq: jq modules (import, include, module) are not available in a carepipe expression
? 78

### jq: import in assign's queues, reply --jq and an sla-check policy: 78 each
$ printf '[queues]\nqueue q if jq "import \\"x\\" as x; true"\n[agent a]\nqueues q\ncapacity 2\n' > t.roster
$ assign -R t.roster < /dev/null; echo "assign $?" >&2
$ reply --jq 'import "x" as x; "hi"' < /dev/null; echo "reply $?" >&2
$ printf '[policy p]\nif include "x"; true\ntarget 1h\n' > p.sla
$ sla-check --policy p.sla < /dev/null; echo "sla-check $?" >&2
$ tag -r 'tag a if jq "module {a:1}; true"' < /dev/null; echo "tag $?" >&2
2> assign: t.roster:2:15: jq: jq modules (import, include, module) are not available in a carepipe expression
2> assign 78
2> reply: --jq: jq modules (import, include, module) are not available in a carepipe expression
2> reply 78
2> sla-check: p.sla:2: jq modules (import, include, module) are not available in a carepipe expression
2> sla-check 78
2> tag: -r 1:1:13: jq: jq modules (import, include, module) are not available in a carepipe expression
2> tag 78

### jq: a key or a function named like a module keyword is no module
$ echo '{"id":"x:1","text":"a","module":1}' | tag -r 'tag a if jq ".module == 1"' -r 'tag b if jq "{include: 1} | .include == 1"' | jq -c .tags
> ["a","b"]

### jq: debug passes its input on and prints nothing; inputs is empty; input fails as in jq (break)
$ echo '{"id":"x:1","text":"a"}' > in.ndjson
$ tag -r 'tag d if jq "debug | .text == \"a\""' -r 'tag e if jq "[inputs] == []"' -r 'tag f if jq "first(inputs) // true"' in.ndjson | jq -c .tags
$ tag -r 'tag i if jq "input"' in.ndjson | jq -c .tags
> ["d","e","f"]
> []
2> tag: in.ndjson:1: jq: error: break (rule at -r 1:1)

### jq: an sla-check policy whose if reads input counts as false, said once
$ printf '[policy p]\nif debug | input\ntarget 1h\n' > p.sla
$ echo '{"id":"x:1","platform":"x","direction":"in","created_at":"2026-01-05T10:00:00Z"}' | sla-check --policy p.sla --now 2026-01-05T10:30:00Z | jq -r .sla.policy
> default-twitter
2> sla-check: policy p: jq: error: break (the condition counts as false)

### jq: a module directive after blanks and comments is found too
$ reply --jq "$(printf '  # saved replies\n\tinclude "x"; "hi"')" < /dev/null
2> reply: --jq: jq modules (import, include, module) are not available in a carepipe expression
? 78

### repeats: sla-check writes a repeated record again with the same answer, and counts it once
$ cat > dup.ndjson <<'EOF'
$ {"id":"x:1","platform":"x","account":"A","direction":"in","author":{"id":"u1"},"created_at":"2026-01-05T10:00:00Z","thread":"x:1"}
$ {"id":"x:1","platform":"x","account":"A","direction":"in","author":{"id":"u1"},"created_at":"2026-01-05T10:00:00Z","thread":"x:1"}
$ {"id":"x:2","platform":"x","account":"A","direction":"out","author":{"id":"b"},"created_at":"2026-01-05T10:10:00Z","in_reply_to":"x:1","thread":"x:1"}
$ {"id":"x:2","platform":"x","account":"A","direction":"out","author":{"id":"b"},"created_at":"2026-01-05T10:10:00Z","in_reply_to":"x:1","thread":"x:1"}
$ {"id":"x:3","platform":"x","account":"A","direction":"in","author":{"id":"u2"},"created_at":"2026-01-05T10:20:00Z","thread":"x:3"}
$ EOF
$ sla-check -v --now 2026-01-05T12:00:00Z dup.ndjson | jq -c '[.id, .sla.status]'
$ sla-check -v --sorted --now 2026-01-05T12:00:00Z dup.ndjson | jq -c '[.id, .sla.status]'
> ["x:1","met"]
> ["x:1","met"]
> ["x:2",null]
> ["x:2",null]
> ["x:3","missed"]
> ["x:2",null]
> ["x:2",null]
> ["x:1","met"]
> ["x:1","met"]
> ["x:3","missed"]
2> sla-check: 2 inbound (met 1, breached 0, pending 0, at_risk 0, missed 1), 2 outbound; index 2 responses; held at most 0 records, 0 bytes
2>~ sla-check: 2 inbound \(met 1, breached 0, pending 0, at_risk 0, missed 1\), 2 outbound; index 0 responses; held at most 1 records, \d+ bytes

### repeats: kpi-report counts a repeated id once (was in 3, out 2, replies 2)
$ cat > dup.ndjson <<'EOF'
$ {"id":"x:1","platform":"x","account":"A","direction":"in","author":{"id":"u1"},"created_at":"2026-01-05T10:00:00Z","thread":"x:1"}
$ {"id":"x:1","platform":"x","account":"A","direction":"in","author":{"id":"u1"},"created_at":"2026-01-05T10:00:00Z","thread":"x:1"}
$ {"id":"x:2","platform":"x","account":"A","direction":"out","author":{"id":"b"},"created_at":"2026-01-05T10:10:00Z","in_reply_to":"x:1","thread":"x:1"}
$ {"id":"x:2","platform":"x","account":"A","direction":"out","author":{"id":"b"},"created_at":"2026-01-05T10:10:00Z","in_reply_to":"x:1","thread":"x:1"}
$ {"id":"x:3","platform":"x","account":"A","direction":"in","author":{"id":"u2"},"created_at":"2026-01-05T10:20:00Z","thread":"x:3"}
$ EOF
$ kpi-report -f json dup.ndjson | jq -c '[.records, .in, .out, .customers, .answered, .response_rate, .reply_latency.n]'
> [3,2,1,2,1,0.5,1]

### repeats: assign gives a repeated record the same agent and counts its load once
$ printf '[agent a]\nqueues general\ncapacity 2\n[agent b]\nqueues general\ncapacity 2\n' > team.roster
$ cat > dup.ndjson <<'EOF'
$ {"id":"x:1","direction":"in","created_at":"2026-01-05T10:00:00Z"}
$ {"id":"x:1","direction":"in","created_at":"2026-01-05T10:00:00Z"}
$ {"id":"x:2","direction":"in","created_at":"2026-01-05T10:01:00Z"}
$ {"id":"x:3","direction":"in","created_at":"2026-01-05T10:02:00Z"}
$ {"id":"x:4","direction":"in","created_at":"2026-01-05T10:03:00Z"}
$ {"id":"x:5","direction":"in","created_at":"2026-01-05T10:04:00Z"}
$ EOF
$ assign -R team.roster dup.ndjson | jq -r '[.id, .assignee.id // .assign_reason] | @tsv'
> x:1	a
> x:1	a
> x:2	b
> x:3	a
> x:4	b
> x:5	every agent in queue general on shift is at capacity

### configuration on a device: holidays and include of /dev/zero and /dev/urandom are 78 at the line that names them (was a read without bound)
$ printf '[calendar office]\ntimezone UTC\nmon-fri 09:00-17:00\nholidays /dev/zero\n[policy p]\nduring office\ntarget 1h\n' > dev.sla
$ sla-check --policy dev.sla < /dev/null; echo "sla-check $?" >&2
$ printf 'timezone UTC\nmon-fri 09:00-17:00\ninclude /dev/urandom\n' > dev.cal
$ sla-check --calendar dev.cal < /dev/null; echo "sla-check $?" >&2
$ printf '[agent a]\nqueues q\ncapacity 1\ntimezone UTC\nmon-fri 09:00-17:00\nholidays /dev/zero\n' > dev.roster
$ assign -R dev.roster < /dev/null; echo "assign $?" >&2
2> sla-check: dev.sla:4: /dev/zero: not a regular file (a device)
2> sla-check 78
2> sla-check: dev.cal:3: /dev/urandom: not a regular file (a device)
2> sla-check 78
2> assign: dev.roster:6: /dev/zero: not a regular file (a device)
2> assign 78

### configuration files: a device, a directory, a FIFO or a file over 16 MiB is 78, never read
$ mkfifo fifo.rules; truncate -s 16777217 big.rules; mkdir lib; ln -s /dev/zero lib/default.txt
$ tag -f /dev/zero < /dev/null; echo "tag $?" >&2
$ tag -f . < /dev/null; echo "tag $?" >&2
$ tag -f fifo.rules < /dev/null; echo "tag $?" >&2
$ tag -f big.rules < /dev/null; echo "tag $?" >&2
$ tag -r 'tag a if true' --lexicon /dev/urandom < /dev/null; echo "tag $?" >&2
$ reply --library lib < /dev/null; echo "reply $?" >&2
$ fetch-mentions --config /dev/zero; echo "fetch-mentions $?" >&2
2> tag: /dev/zero: not a regular file (a device)
2> tag 78
2> tag: .: not a regular file (a directory)
2> tag 78
2> tag: fifo.rules: not a regular file (a FIFO)
2> tag 78
2> tag: big.rules: larger than 16 MiB, too big for a configuration file
2> tag 78
2> tag: /dev/urandom: not a regular file (a device)
2> tag 78
2> reply: lib/default.txt: not a regular file (a device)
2> reply 78
2> fetch-mentions: /dev/zero: not a regular file (a device)
2> fetch-mentions 78

### one rule: a missing configuration file is 78 in every program (was 78, 66, 78, 66)
$ tag -f nope.rules < /dev/null; echo "tag $?" >&2
$ assign -R nope.roster < /dev/null; echo "assign $?" >&2
$ sla-check --policy nope.sla < /dev/null; echo "sla-check $?" >&2
$ sla-check --calendar nope.cal < /dev/null; echo "sla-check $?" >&2
$ reply --library nope < /dev/null; echo "reply $?" >&2
$ tag -r 'tag a if true' --lexicon nope.tsv < /dev/null; echo "tag $?" >&2
2> tag: nope.rules: No such file or directory
2> tag 78
2> assign: nope.roster: No such file or directory
2> assign 78
2> sla-check: nope.sla: No such file or directory
2> sla-check 78
2> sla-check: nope.cal: No such file or directory
2> sla-check 78
2> reply: nope: No such file or directory
2> reply 78
2> tag: nope.tsv: No such file or directory
2> tag 78

### one rule: an input that is missing, a directory or unreadable is 66, without a line number, and the others are read
$ echo '{"id":"x:1","text":"a"}' > ok.ndjson
$ tag -r 'tag a if true' nope.ndjson . ok.ndjson > out.ndjson; echo "tag $?" >&2; jq -c .tags out.ndjson
$ sla-check --now 2026-01-05T12:00:00Z nope.ndjson . < /dev/null; echo "sla-check $?" >&2
> ["a"]
2> tag: nope.ndjson: No such file or directory
2> tag: .: is a directory, not an input file
2> tag 66
2> sla-check: nope.ndjson: No such file or directory
2> sla-check: .: is a directory, not an input file
2> sla-check 66

### --version to a full disk is 74 in every program, as --help is (was 0)
$ for p in tag assign sla-check reply kpi-report fetch-mentions; do $p --version > /dev/full; echo "$p $?"; $p --help > /dev/full 2>/dev/null; echo "$p --help $?"; done
$ tag --version
> tag 74
> tag --help 74
> assign 74
> assign --help 74
> sla-check 74
> sla-check --help 74
> reply 74
> reply --help 74
> kpi-report 74
> kpi-report --help 74
> fetch-mentions 74
> fetch-mentions --help 74
> tag (carepipe) 0.1.0
2> tag: write error: No space left on device
2> assign: write error: No space left on device
2> sla-check: write error: No space left on device
2> reply: write error: No space left on device
2> kpi-report: write error: No space left on device
2> fetch-mentions: write error: No space left on device

### TMPDIR: reply's spool and sla-check's copy of stdin are made there (reply ignored it)
! needs unwrapped
$ echo '{"id":"twitter:1","platform":"twitter","account":"A","direction":"in","text":"x","created_at":"2026-01-05T10:00:00Z"}' > in.ndjson
$ cat in.ndjson | TMPDIR=$TMP/nonexistent reply --text hi; echo "reply $?" >&2
$ cat in.ndjson | TMPDIR=$TMP/nonexistent sla-check; echo "sla-check $?" >&2
$ mkdir spool; cat in.ndjson | TMPDIR=$TMP/spool reply --text hi --now 2026-01-05T11:00:00Z | jq -r .reply.text; ls -A spool
> hi
2>~ reply: .*/nonexistent/reply\.[A-Za-z0-9]{6}: cannot make a temporary file: No such file or directory
2> reply 73
2>~ sla-check: .*/nonexistent/sla-check\.[A-Za-z0-9]{6}: cannot make a temporary file: No such file or directory \(for a copy of \(stdin\)\)
2> sla-check 73
2> reply: 0 sent, 1 previewed, 0 skipped, 0 failed

### TMPDIR: a reply preview of a regular file reads it again and makes no spool; --send still spools it
! needs unwrapped
$ echo '{"id":"twitter:1","platform":"twitter","account":"A","direction":"in","text":"x","created_at":"2026-01-05T10:00:00Z"}' > in.ndjson
$ TMPDIR=$TMP/nonexistent reply -q --text hi < in.ndjson | jq -r .reply.status
$ printf '[acme]\nplatform = x\nbase_url = https://api.x.com\naccount = A\ntoken_env = T\n' > c.conf; TMPDIR=$TMP/nonexistent reply -q --text hi --send --journal j --config c.conf < in.ndjson; echo "reply $?"
> preview
> reply 73
2>~ reply: .*/nonexistent/reply\.[A-Za-z0-9]{6}: cannot make a temporary file: No such file or directory

### a UTF-8 byte order mark at the start of each file is dropped, gzip too, in every program (the first record was lost)
$ printf '\357\273\277{"id":"x:1","platform":"x","direction":"in","text":"a","created_at":"2026-01-05T10:00:00Z"}\n{"id":"x:2","platform":"x","direction":"in","text":"b","created_at":"2026-01-05T10:00:00Z"}\n' > bom.ndjson
$ printf '\357\273\277{"id":"x:3","platform":"x","direction":"in","text":"c","created_at":"2026-01-05T10:00:00Z"}\n' | gzip > bom.ndjson.gz
$ printf '[agent a]\nqueues general\ncapacity 9\n' > team.roster
$ tag -r 'tag a if true' bom.ndjson bom.ndjson.gz | jq -r .id | tr '\n' ' '; echo "tag $?"
$ cat bom.ndjson | sla-check --now 2026-01-05T10:30:00Z - bom.ndjson.gz | jq -r .id | tr '\n' ' '; echo sla-check
$ kpi-report -f json bom.ndjson bom.ndjson.gz | jq -r .in
$ assign -R team.roster bom.ndjson bom.ndjson.gz | jq -r .id | tr '\n' ' '; echo assign
$ reply --text hi bom.ndjson bom.ndjson.gz | jq -r .id | tr '\n' ' '; echo reply
$ fetch-mentions --import ndjson bom.ndjson bom.ndjson.gz | jq -r .id | tr '\n' ' '; echo fetch-mentions
$ head -c 3 bom.ndjson | tag -r 'tag a if true'; echo "a lone mark is an empty input: $?"
> x:1 x:2 x:3 tag 0
> x:1 x:2 x:3 sla-check
> 3
> x:1 x:2 x:3 assign
> x:1 x:2 x:3 reply
> x:1 x:2 x:3 fetch-mentions
> a lone mark is an empty input: 0

### --bad FILE is made at the first bad line only; --bad - is refused; a path that cannot be made is 73 at once
$ echo '{"id":"x:1","text":"a"}' | tag -r 'tag a if true' --bad bad.out > /dev/null; echo "clean $?"; ls bad.out 2>/dev/null || echo "no bad.out"
$ printf 'oops\n{"id":"x:1","text":"a"}\n' | tag -r 'tag a if true' --bad bad.out > /dev/null 2>&1; echo "bad $?"; cat bad.out
$ echo oops | tag -r 'tag a if true' --bad -; echo "dash $?"; ls -- - 2>/dev/null || echo 'no file named -'
$ echo '{"id":"x:1","text":"a"}' | tag -r 'tag a if true' --bad nodir/bad.out; echo "nodir $?"
> clean 0
> no bad.out
> bad 65
> oops
> dash 64
> no file named -
> nodir 73
2> tag: --bad -: standard output carries the records; name a file (or /dev/stderr)
2> usage: tag [-qv] [-f rules] [-j jobs] [-r rule] [--bad file] [--drop tag] [--emit-jq]
2>            [--escalation-model file] [--explain] [--influencer followers]
2>            [--lexicon file] [--line-buffered] [--model file] [--only tag]
2>            [--strict] [file ...]
2> tag: nodir/bad.out: No such file or directory
