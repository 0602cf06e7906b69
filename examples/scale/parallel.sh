#!/bin/sh
# kpi-report over a big log on every core with GNU parallel: each job
# writes partial aggregates for a block of lines, one merge adds them up.
# The result equals a single run (every figure, quantiles exactly while
# their values fit --quantile-memory, within 1% beyond).  Usage: parallel.sh FILE [kpi-report options...], e.g.
#   examples/scale/parallel.sh mentions.ndjson --by platform,day -f csv
# Reporting options (-f, -o, --top, --alerts-only, spikes) go to the merge;
# grouping and matching options must reach both sides, so all are passed
# to both and the partial side ignores the reporting ones.
file=$1
shift
by=""
rest=""
while [ $# -gt 0 ]; do
	case $1 in
	--by|--since|--until|--now|--reply-window|--resolve-after|--tz|--compare|--quantile-memory)
		by="$by $1 $2"; shift 2 ;;
	*)
		rest="$rest $1"; shift ;;
	esac
done
# SSHLOGIN spreads the jobs over other machines: GNU parallel's
# --sshlogin list (host, user@host, or a whole "ssh -p 2222 host" command,
# comma-separated; ":" is this machine).  Each needs kpi-report on the PATH
# given here (--env PATH passes ours), and the input only streams through
# ssh: nothing is copied first.
# shellcheck disable=SC2086
if [ -n "${SSHLOGIN:-}" ]; then
	parallel --pipe --block "${BLOCK:-64M}" -j "${JOBS:-100%}" --env PATH \
		--sshlogin "$SSHLOGIN" kpi-report --partial $by < "$file"
else
	parallel --pipe --block "${BLOCK:-64M}" -j "${JOBS:-100%}" kpi-report --partial $by < "$file"
fi | kpi-report --merge $by $rest
