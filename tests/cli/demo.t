#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# make demo's pipeline, as README promises it: every stage runs on the
# bundled data and the report comes out.
__TABLE__

### the demo runs every stage and writes the HTML report
$ DEMO_DIR=$TMP/demo DEMO_WIDTH=40 $TOP/scripts/demo > out.txt; echo "exit $?"
$ grep -c '^== ' out.txt
$ grep '^records:' out.txt
$ grep -c '"status":"preview"' demo/5-replies.ndjson
$ test -s demo/report.html && grep -c '<svg' demo/report.html | sed 's/^[1-9][0-9]*$/charts/'
> exit 0
> 6
> records: 1000
> 5
> charts
