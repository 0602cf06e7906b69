#!/bin/sh
# Run the Hadoop Streaming job the way Hadoop runs it, on one machine:
# cat | mapper | sort | reducer.  Usage: hadoop-local.sh FILE...
here=$(cd "$(dirname "$0")" && pwd)
cat "$@" | "$here/mapper.sh" | LC_ALL=C sort | "$here/reducer.sh"
