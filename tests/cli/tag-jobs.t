#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# tag -j (cp_each_record_jobs): records judged on several threads come out
# byte for byte as on one - records, messages, --bad, --strict, write
# errors - and a record that comes alone is judged at once.  The input is
# 3.6 MB (6,000 generated records, bad lines among them), so the threads
# start (they do once a 64 KB batch is read).
__TABLE__

### -j 2, 3 and 8 write what -j 1 writes: records with --explain, bad lines in order (file:line), a rule's jq errors, --bad, and the exit status
$ gen-mentions -n 6000 -s 7 | awk 'NR % 997 == 0 {print "oops " NR} NR % 1499 == 0 {print ""} NR % 1999 == 0 {print "{\"id\":\"x:" NR "\",\"text\":5}"} {print}' > in.ndjson
$ J='tag oops if jq ".text | if test(\"wrong\") then error(\"no\") else false end"'
$ tag -j 1 -f $TOP/examples/rules/consumer.rules -r "$J" --explain --bad bad1 in.ndjson > out1 2> err1 || echo "-j 1: $?"
$ for n in 2 3 8; do tag -j $n -f $TOP/examples/rules/consumer.rules -r "$J" --explain --bad bad$n in.ndjson > out$n 2> err$n || echo "-j $n: $?"; cmp out1 out$n && cmp err1 err$n && cmp bad1 bad$n; done
$ wc -l < out1; grep -c '"explain":\[{' out1; wc -l < bad1; grep -v 'jq: error' err1 | head -n 3; grep -c 'jq: error: no (rule at -r 1:1)$' err1
> -j 1: 65
> -j 2: 65
> -j 3: 65
> -j 8: 65
> 6000
> 5167
> 9
> tag: in.ndjson:997: unexpected character at byte 1
> tag: in.ndjson:1996: unexpected character at byte 1
> tag: in.ndjson:2002: text is not a string
> 132

### the threads do start on such an input (-v says how many), and not on a short one
$ gen-mentions -n 6000 -s 7 > in.ndjson
$ tag -v -j 2 in.ndjson 2>&1 > /dev/null | grep threads
$ head -n 50 in.ndjson | tag -v -j 2 2>&1 > /dev/null | grep -c threads || true
> tag: 2 threads judged the records
> 0

### --strict stops at the first bad line, after the records before it, whatever -j
$ gen-mentions -n 6000 -s 7 | awk 'NR == 4321 {print "oops"} {print}' > in.ndjson
$ for n in 1 2 8; do tag -j $n --strict -f $TOP/examples/rules/consumer.rules in.ndjson > out$n 2> err$n || echo "-j $n: $?"; done
$ cmp out1 out2 && cmp out1 out8 && cmp err1 err2 && cmp err1 err8
$ wc -l < out1; cat err1; tail -n 1 out1 | jq -r .id; sed -n 4320p in.ndjson | jq -r .id
> -j 1: 65
> -j 2: 65
> -j 8: 65
> 4320
> tag: in.ndjson:4321: unexpected character at byte 1
>~ \S+
>~ \S+

### the last record before --strict's stop is the line before the bad one
$ gen-mentions -n 6000 -s 7 | awk 'NR == 4321 {print "oops"} {print}' > in.ndjson
$ tag -j 2 --strict in.ndjson 2> /dev/null | tail -n 1 | jq -r .id > last || true
$ sed -n 4320p in.ndjson | jq -r .id | cmp - last && echo same
> same

### a full disk is 74 with the message -j 1 gives
$ gen-mentions -n 6000 -s 7 > in.ndjson
$ tag -j 2 in.ndjson > /dev/full || echo "-j 2: $?"
$ tag -j 1 in.ndjson > /dev/full || echo "-j 1: $?"
> -j 2: 74
> -j 1: 74
2> tag: write error: No space left on device
2> tag: write error: No space left on device

### several inputs: lines are numbered per file, and a missing file is said between the others' messages
$ gen-mentions -n 3000 -s 7 | awk 'NR == 2500 {print "oops"} {print}' > a.ndjson
$ gen-mentions -n 3000 -s 8 | awk 'NR == 10 {print "oops"} {print}' > b.ndjson
$ tag -j 2 a.ndjson nope.ndjson b.ndjson > out2 2> err2 || echo "-j 2: $?"
$ tag -j 1 a.ndjson nope.ndjson b.ndjson > out1 2> err1 || echo "-j 1: $?"
$ cmp out1 out2 && cmp err1 err2 && wc -l < out2 && cat err2
> -j 2: 66
> -j 1: 66
> 6000
> tag: a.ndjson:2500: unexpected character at byte 1
> tag: nope.ndjson: No such file or directory
> tag: b.ndjson:10: unexpected character at byte 1

### a record that comes alone is judged and written at once, while the pipe stays open, after a burst that started the threads too
$ gen-mentions -n 6000 -s 7 > in.ndjson
$ mkfifo in out
$ tag -j 2 --line-buffered < in > out &
$ exec 3> in
$ timeout 30 grep -c -m 1 '"id":"marker"' < out > found &
$ cat in.ndjson >&3
$ echo '{"id":"marker","text":"the last one, for now"}' >&3
$ wait $! || true
$ exec 3>&-
$ wait
$ cat found
> 1

### a record that comes alone on a quiet pipe is judged at once (no thread started)
$ mkfifo in out
$ tag -j 2 --line-buffered < in > out &
$ exec 3> in
$ timeout 30 head -n 1 < out > first &
$ echo '{"id":"only","text":"hello"}' >&3
$ wait $! || true
$ exec 3>&-
$ wait
$ jq -r .id first
> only

### -j wants a number of threads from 1 to 64
$ tag -j 0 < /dev/null
? 64
2> tag: --jobs wants a number of threads from 1 to 64: 0
2> usage: tag [-qv] [-f rules] [-j jobs] [-r rule] [--bad file] [--drop tag] [--emit-jq]
2>            [--escalation-model file] [--explain] [--influencer followers]
2>            [--lexicon file] [--line-buffered] [--model file] [--only tag]
2>            [--strict] [file ...]
