#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# The examples of carepipe(7), run as written.
__TABLE__

### carepipe(7): import real tweets and look at the first record
! needs shared
$ cp "$SHARED/data/twcs/twcs_kaggle_sample.csv" twcs.csv
$ fetch-mentions --import twcs twcs.csv | head -n 1
> {"id":"twitter:119237","platform":"twitter","account":"AppleSupport","direction":"in","kind":"post","author":{"id":"105834","handle":"105834"},"text":"@AppleSupport causing the reply to be disregarded and the tapped notification under the keyboard is opened😡😡😡","created_at":"2017-10-11T06:55:44Z","in_reply_to":null,"thread":"twitter:119237"}

### carepipe(7): triage, check first responses, exit 1 on broken promises
! needs shared
$ cp "$SHARED/data/twcs/twcs_kaggle_sample.csv" twcs.csv; cp "$TOP/examples/rules/consumer.rules" rules.conf
$ fetch-mentions --import twcs twcs.csv | tag --rules rules.conf \
$     | sla-check --fail > checked.ndjson
$ echo "exit $?"; wc -l < checked.ndjson; grep -c '"status":"met"' checked.ndjson
> exit 1
> 93
> 23

### carepipe(7): bad lines kept aside, good ones passed on
$ cp "$TOP/examples/rules/consumer.rules" rules.conf
$ printf '{"id":"x:1","direction":"in","text":"thanks, great help"}\nnot json\n' > in.ndjson
$ tag --rules rules.conf --bad rejected.ndjson < in.ndjson > out.ndjson
$ echo "exit $?"; wc -l < out.ndjson; cat rejected.ndjson
> exit 65
> 1
> not json
2> tag: (stdin):2: invalid literal at byte 1
