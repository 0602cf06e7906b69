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
2> reply 66
2> kpi-report: (stdin): standard input is closed
2> kpi-report 66
2> fetch-mentions: (stdin): standard input is closed
2> fetch-mentions 66

### closed stderr: the records still come, the status still tells
$ echo '{"id":"x:1","text":"a"}' | tag -r 'tag a if true' 2>&-
$ echo 'nope' | tag -r 'tag a if true' 2>&-; echo "rc=$?"
> {"id":"x:1","text":"a","tags":["a"],"sentiment":{"score":0,"label":"neutral"},"priority":"normal","escalate":false}
> rc=65
