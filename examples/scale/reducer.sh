#!/bin/sh
# Hadoop Streaming reducer: the mappers' partials in, sorted or not, the
# report out (NDJSON, one object per group).  Run a single reducer
# (-numReduceTasks 1): every partial line must reach the same one.
kpi=kpi-report
[ -x ./kpi-report ] && kpi=./kpi-report
exec "$kpi" --merge --by "${KPI_BY:-account}" -f "${KPI_FORMAT:-ndjson}"
