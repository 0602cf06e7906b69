#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# Every time read or written lies in 1970..9999 (issue 18, items 10 and
# 11): common/timefmt.c refuses times outside it and durations over 100
# years, and writes no year but four digits.  carepipe(7), fetch-mentions(1),
# carepipe-sla(5).
__TABLE__

### an epoch before 1970 is a bad record, not year -1199 (the reported case)
$ printf '{"id":"x:1","platform":"x","created_at":-99999999999999}\n{"id":"x:2","platform":"x","created_at":"2017-10-31T22:10:47Z"}\n' | fetch-mentions --import ndjson --bad bad.ndjson
? 65
> {"id":"x:2","platform":"x","created_at":"2017-10-31T22:10:47Z"}
2> fetch-mentions: (stdin):1: created_at is outside 1970 to 9999: -99999999999999
= bad.ndjson
=| {"id":"x:1","platform":"x","created_at":-99999999999999}

### RFC 3339 times before 1970 or after 9999 (in UTC) are bad records
$ printf '%s\n' '{"id":"x:1","platform":"x","created_at":"1969-12-31T23:59:59Z"}' '{"id":"x:2","platform":"x","created_at":"0999-01-01T00:00:00Z"}' '{"id":"x:3","platform":"x","created_at":"9999-12-31T23:59:59-01:00"}' '{"id":"x:4","platform":"x","created_at":"9999-12-31T23:59:59Z"}' | fetch-mentions --import ndjson
? 65
> {"id":"x:4","platform":"x","created_at":"9999-12-31T23:59:59Z"}
2> fetch-mentions: (stdin):1: created_at is outside 1970 to 9999: 1969-12-31T23:59:59Z
2> fetch-mentions: (stdin):2: created_at is outside 1970 to 9999: 0999-01-01T00:00:00Z
2> fetch-mentions: (stdin):3: created_at is outside 1970 to 9999: 9999-12-31T23:59:59-01:00

### epoch numbers: below 1e11 seconds, from 1e11 milliseconds, bounded by 9999
$ for t in 0 99999999999 100000000000 1509487847123 253402300799999 253402300800000; do printf '{"id":"x:%s","platform":"x","created_at":%s}\n' $t $t; done | fetch-mentions --import ndjson
? 65
> {"id":"x:0","platform":"x","created_at":"1970-01-01T00:00:00Z"}
> {"id":"x:99999999999","platform":"x","created_at":"5138-11-16T09:46:39Z"}
> {"id":"x:100000000000","platform":"x","created_at":"1973-03-03T09:46:40Z"}
> {"id":"x:1509487847123","platform":"x","created_at":"2017-10-31T22:10:47Z"}
> {"id":"x:253402300799999","platform":"x","created_at":"9999-12-31T23:59:59Z"}
2> fetch-mentions: (stdin):6: created_at is outside 1970 to 9999: 253402300800000

### the same bound for CSV imports
$ printf 'id,platform,when\n1,x,-1\n2,x,1509487847\n' | fetch-mentions --import csv --map id=id,platform=platform,created_at=when
? 65
> {"id":"x:2","platform":"x","account":null,"direction":"in","kind":"post","author":{"id":null,"handle":null},"text":"","created_at":"2017-10-31T22:10:47Z","in_reply_to":null,"thread":"x:2"}
2> fetch-mentions: (stdin):2: created_at is outside 1970 to 9999: "-1"

### an absurd SLA target is refused with the policy's file and line (the reported case)
$ printf '[policy huge]\nplatform x\ntarget 300000000w\n' > sla.conf
$ sla-check --policy sla.conf < /dev/null
? 78
2> sla-check: sla.conf:3: target is longer than 100 years (36525d): 300000000w

### 100 years (36525 days: 2100 is no leap year) is the longest target
$ printf '[policy long]\ntarget 36525d\n' > sla.conf
$ echo '{"id":"x:1","platform":"x","direction":"in","created_at":"2024-01-01T00:00:00Z"}' | sla-check --policy sla.conf --now 2024-01-02T00:00:00Z
> {"id":"x:1","platform":"x","direction":"in","created_at":"2024-01-01T00:00:00Z","sla":{"policy":"long","clock":"calendar","target_s":3155760000,"due_at":"2124-01-02T00:00:00Z","responded_at":null,"response_id":null,"first_response_s":null,"business_s":null,"status":"pending"}}

### a due time past 9999 is written as the last second of 9999
$ echo '{"id":"x:1","platform":"x","direction":"in","created_at":"9999-12-31T23:30:00Z"}' | sla-check --now 2024-01-01T00:00:00Z
> {"id":"x:1","platform":"x","direction":"in","created_at":"9999-12-31T23:30:00Z","sla":{"policy":"default-twitter","clock":"calendar","target_s":3600,"due_at":"9999-12-31T23:59:59Z","responded_at":null,"response_id":null,"first_response_s":null,"business_s":null,"status":"pending"}}

### a record dated before 1970 is a bad line for sla-check too
$ echo '{"id":"x:1","platform":"x","direction":"in","created_at":"1969-01-01T00:00:00Z"}' | sla-check
? 65
2> sla-check: (stdin):1: created_at is not a time
