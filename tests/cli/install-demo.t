#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# Issue 14's "done when": `make install DESTDIR=...`, then the installed
# `carepipe init` and the installed programs run the demo pipeline from
# outside the tree (PATH: the installed bin/ and the system's; no
# CAREPIPE_DATADIR), and every stage's output equals that of make demo in
# the tree (scripts/demo), but for reply's previews saying that the
# scaffold's carepipe.conf (found in the current folder) has no source
# posting as the demo's accounts.
__TABLE__

### the installed carepipe init + installed programs run the demo pipeline outside the tree, as make demo does
$ B=${CAREPIPE_BUILD:-build}; S=; [ "$B" != build-san ] || S=SANITIZE=1
$ make -s -C $TOP install DESTDIR=$TMP/root PREFIX=/usr BUILD=$B $S > log 2>&1 || { cat log; exit 1; }
$ DEMO_DIR=$TMP/tree $TOP/scripts/demo > /dev/null
$ R=$TMP/root/usr; unset CAREPIPE_DATADIR; export PATH=$R/bin:/usr/bin:/bin
$ mkdir elsewhere && cd elsewhere && carepipe init care | sed "s|$TMP|TMP|g"
$ cd care && grep '^PATH=' crontab | sed "s|$TMP|TMP|"
$ now=2026-01-12T10:00:00Z
$ carepipe fetch-mentions --import ndjson data/mentions.ndjson.gz > 1.ndjson
$ carepipe tag --rules rules/consumer.rules < 1.ndjson > 2.ndjson
$ carepipe sla-check --policy sla/support.conf --now $now < 2.ndjson > 3.ndjson
$ carepipe assign --roster assign/team.roster --state state < 3.ndjson > 4.ndjson
$ carepipe reply --library replies --agent JD --max 5 --now $now < 4.ndjson > 5.ndjson
$ carepipe kpi-report --by account --format table < 5.ndjson > kpi.txt; echo "exit $?"
$ for i in 1 2 3 4; do cmp -s $i.ndjson $TMP/tree/$i-*.ndjson && echo "stage $i: $(wc -l < $i.ndjson) records, as in the tree"; done
$ jq -c 'del(.reply.reason)' 5.ndjson | cmp -s - $(jq -c 'del(.reply.reason)' $TMP/tree/5-replies.ndjson > t5; echo t5) && echo "stage 5: $(wc -l < 5.ndjson) records, as in the tree but for the reasons below"
$ jq -r 'select(.reply.status == "preview" and .reply.reason) | .reply.reason' 5.ndjson | sed 's/as [A-Za-z]* on [a-z]*$/as ACCOUNT on PLATFORM/' | sort | uniq -c
$ kpi-report --by account --format table < $TMP/tree/5-replies.ndjson | cmp -s - kpi.txt && echo "report: as in the tree"
$ grep -c '"status":"preview"' 5.ndjson
> carepipe: TMP/elsewhere/care: carepipe.conf, crontab, secrets.env, rules/, replies/, sla/, assign/, data/ from TMP/root/usr/share/carepipe
> next: edit carepipe.conf and secrets.env, run `carepipe check`, then `crontab crontab`
> PATH=TMP/root/usr/bin:/usr/bin:/bin
> exit 0
> stage 1: 1000 records, as in the tree
> stage 2: 1000 records, as in the tree
> stage 3: 1000 records, as in the tree
> stage 4: 1000 records, as in the tree
> stage 5: 1000 records, as in the tree but for the reasons below
>       5 no source in carepipe.conf posts as ACCOUNT on PLATFORM
> report: as in the tree
> 5
