#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# reply under cron: its stdout goes to a log, so stderr must say why it
# failed (issue 18): reply(1), DIAGNOSTICS.
__TABLE__

### --send where no source posts as the accounts: 78, and stderr says why (the reported case)
$ cp "$TOP/examples/cron/care.conf" care.conf
$ for i in 1 2 3 4 5 6 7; do echo "{\"id\":\"mastodon:$i\",\"platform\":\"mastodon\",\"account\":\"other\",\"direction\":\"in\",\"text\":\"hi\"}"; done > m.ndjson
$ reply --send --text Hi --config care.conf --journal reply.journal m.ndjson >> log.ndjson
? 78
2> reply: mastodon:1: failed: no source in care.conf posts as other on mastodon
2> reply: mastodon:2: failed: no source in care.conf posts as other on mastodon
2> reply: mastodon:3: failed: no source in care.conf posts as other on mastodon
2> reply: mastodon:4: failed: no source in care.conf posts as other on mastodon
2> reply: mastodon:5: failed: no source in care.conf posts as other on mastodon
2> reply: 0 sent, 0 previewed, 0 skipped, 7 failed (the first reasons above, all in the records)

### -q: nothing on stderr, the same exit status and records
$ cp "$TOP/examples/cron/care.conf" care.conf
$ echo '{"id":"mastodon:1","platform":"mastodon","account":"other","direction":"in","text":"hi"}' | reply -q --send --text Hi --config care.conf --journal reply.journal > log.ndjson; echo "exit $?"; jq -c .reply.status log.ndjson
> exit 78
> "failed"

### a preview run ends with the count; records that set no error status are not listed
$ printf '%s\n' '{"id":"x:1","platform":"twitter","direction":"in"}' '{"id":"x:2","platform":"twitter","direction":"in","escalate":true}' | reply --text Hi > out.ndjson
2> reply: 0 sent, 1 previewed, 1 skipped, 0 failed
