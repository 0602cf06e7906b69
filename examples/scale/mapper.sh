#!/bin/sh
# Hadoop Streaming mapper: records in on stdin, kpi-report's mergeable
# partial aggregates out.  KPI_BY names the groups (default: account); the
# reducer must be given the same.  Uses ./kpi-report when the job shipped
# it with -files, else the one on PATH.
kpi=kpi-report
[ -x ./kpi-report ] && kpi=./kpi-report
exec "$kpi" --partial --by "${KPI_BY:-account}"
