#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# kpi-report, end to end: the man page's examples, matching replies without sla,
# partials and merging, slicing, spikes, formats, bad input and exit codes.
# The sample data is examples/scale/sample.ndjson (hand-made, figures checked by hand).
__TABLE__

### man: a summary of a log
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report mentions.ndjson
> KPI report: 10 records, 2024-03-01 09:00 to 2024-03-02 10:00 UTC
>
> inbound  answered  resp rate  FRT p50  FRT p90  SLA met  negative
>       6         4      66.7%   20m00s    1h33m    60.0%     50.0%
>
> Columns
>   inbound    inbound records (direction "in")
>   answered   inbound records with a response
>   resp rate  response rate: answered / inbound
>   FRT p50    first response time (FRT), median: half were answered faster
>   FRT p90    first response time (FRT), 90th percentile
>   SLA met    SLA compliance: met / (met + breached + missed)
>   negative   share of records with negative sentiment
>
> Top tags
> tag        count
> shipping       2
> billing        1
> bug            1
> complaint      1
> login          1
> outage         1
> praise         1
> refund         1
> resolved       1

### man: one line per platform and day as CSV
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by platform,day -f csv mentions.ndjson
> "platform","day",in,out,customers,answered,response_rate,frt_mean_s,frt_median_s,frt_p90_s,frt_p95_s,frt_business_mean_s,frt_business_median_s,frt_business_p90_s,frt_business_p95_s,replies_timed,reply_mean_s,reply_median_s,reply_p90_s,reply_p95_s,sla_met,sla_breached,sla_missed,sla_pending,sla_at_risk,sla_compliance,threads,resolved,resolution_rate,sentiment_n,negative,neutral,positive,sentiment_mean,csat_n,csat,nps_n,nps,likes_per_out,reposts_per_out,replies_per_out,quantiles_approx
> "mastodon","2024-03-01",1,0,1,0,0.0000,,,,,,,,,0,,,,,0,0,1,0,0,0.0000,1,0,0.0000,1,1.0000,0.0000,0.0000,-0.400,0,,0,,,,,0
> "mastodon","2024-03-02",2,1,2,1,0.5000,300.0,300.0,300.0,300.0,0.0,0.0,0.0,0.0,1,300.0,300.0,300.0,300.0,1,0,0,1,0,1.0000,2,1,0.5000,2,0.0000,0.5000,0.5000,0.400,1,1.0000,1,100.0,8.000,2.000,0.000,0
> "twitter","2024-03-01",3,3,2,3,1.0000,3200.0,1800.0,6120.0,6660.0,2600.0,1800.0,4680.0,5040.0,3,3200.0,1800.0,6120.0,6660.0,2,1,0,0,0,0.6667,2,0,0.0000,3,0.6667,0.3333,0.0000,-0.400,2,0.5000,2,0.0,2.667,0.333,1.000,0

### man: each agent's replies in one week, tags against the week before (markdown)
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by agent --since 2024-03-01T00:00:00Z \
$     --until 2024-03-08T00:00:00Z -f markdown mentions.ndjson
> **KPI report**: 10 records, 2024-03-01 00:00 to 2024-03-08 00:00 UTC
>
> | agent  | inbound | answered | resp rate | FRT p50 | FRT p90 | SLA met | negative |
> |--------|--------:|---------:|----------:|--------:|--------:|--------:|---------:|
> | (none) |       5 |        3 |     60.0% |  30m00s |   1h42m |   50.0% |    40.0% |
> | JD     |       1 |        1 |    100.0% |  10m00s |  10m00s |  100.0% |   100.0% |
> | KC     |       0 |        0 |         - |       - |       - |       - |        - |
> | MS     |       0 |        0 |         - |       - |       - |       - |        - |
> | (all)  |       6 |        4 |     66.7% |  20m00s |   1h33m |   60.0% |    50.0% |
>
> **Columns**
>
> - **inbound** (`in`): inbound records (direction "in")
> - **answered** (`answered`): inbound records with a response
> - **resp rate** (`response_rate`): response rate: answered / inbound
> - **FRT p50** (`frt_median_s`): first response time (FRT), median: half were answered faster
> - **FRT p90** (`frt_p90_s`): first response time (FRT), 90th percentile
> - **SLA met** (`sla_compliance`): SLA compliance: met / (met + breached + missed)
> - **negative** (`negative`): share of records with negative sentiment
>
> **Against the previous period**, 2024-02-23 00:00 to 2024-03-01 00:00 UTC
>
> | figure     | this period | previous |   change |
> |------------|------------:|---------:|---------:|
> | inbound    |           6 |        0 | +6 (new) |
> | outbound   |           4 |        0 | +4 (new) |
> | customers  |           4 |        0 | +4 (new) |
> | answered   |           4 |        0 | +4 (new) |
> | resp rate  |       66.7% |        - |        - |
> | FRT p50    |      20m00s |        - |        - |
> | FRT p90    |       1h33m |        - |        - |
> | SLA met    |       60.0% |        - |        - |
> | resolution |       20.0% |        - |        - |
> | negative   |       50.0% |        - |        - |
> | CSAT       |       66.7% |        - |        - |
> | NPS        |         +33 |        - |        - |
>
> **Top tags**
>
> | tag       | count | previous |   change |
> |-----------|------:|---------:|---------:|
> | shipping  |     2 |        0 | +2 (new) |
> | billing   |     1 |        0 | +1 (new) |
> | bug       |     1 |        0 | +1 (new) |
> | complaint |     1 |        0 | +1 (new) |
> | login     |     1 |        0 | +1 (new) |
> | outage    |     1 |        0 | +1 (new) |
> | praise    |     1 |        0 | +1 (new) |
> | refund    |     1 |        0 | +1 (new) |
> | resolved  |     1 |        0 | +1 (new) |

### man: resolution with --resolve-after, NDJSON per account
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by account --resolve-after 1d -f ndjson mentions.ndjson
> {"account":"acme","in":4,"out":3,"customers":3,"answered":3,"response_rate":0.7500,"first_response":{"n":3,"approx":false,"mean_s":3200.0,"median_s":1800.0,"p90_s":6120.0,"p95_s":6660.0},"first_response_business":{"n":3,"approx":false,"mean_s":2600.0,"median_s":1800.0,"p90_s":4680.0,"p95_s":5040.0},"reply_latency":{"n":3,"approx":false,"mean_s":3200.0,"median_s":1800.0,"p90_s":6120.0,"p95_s":6660.0},"sla":{"met":2,"breached":1,"missed":1,"pending":0,"at_risk":0,"compliance":0.5000},"threads":3,"resolved":1,"resolution_rate":0.3333,"awaiting_brand":1,"sentiment":{"n":4,"negative":0.7500,"neutral":0.2500,"positive":0.0000,"mean_score":-0.400},"csat":{"n":2,"score":0.5000},"nps":{"n":2,"score":0.0},"engagement":{"likes":2.667,"reposts":0.333,"replies":1.000},"top_tags":[{"tag":"shipping","count":2,"previous":null,"change":null},{"tag":"billing","count":1,"previous":null,"change":null},{"tag":"bug","count":1,"previous":null,"change":null},{"tag":"complaint","count":1,"previous":null,"change":null},{"tag":"login","count":1,"previous":null,"change":null},{"tag":"refund","count":1,"previous":null,"change":null}]}
> {"account":"bolt","in":2,"out":1,"customers":2,"answered":1,"response_rate":0.5000,"first_response":{"n":1,"approx":false,"mean_s":300.0,"median_s":300.0,"p90_s":300.0,"p95_s":300.0},"first_response_business":{"n":1,"approx":false,"mean_s":0.0,"median_s":0.0,"p90_s":0.0,"p95_s":0.0},"reply_latency":{"n":1,"approx":false,"mean_s":300.0,"median_s":300.0,"p90_s":300.0,"p95_s":300.0},"sla":{"met":1,"breached":0,"missed":0,"pending":1,"at_risk":0,"compliance":1.0000},"threads":2,"resolved":1,"resolution_rate":0.5000,"awaiting_brand":0,"sentiment":{"n":2,"negative":0.0000,"neutral":0.5000,"positive":0.5000,"mean_score":0.400},"csat":{"n":1,"score":1.0000},"nps":{"n":1,"score":100.0},"engagement":{"likes":8.000,"reposts":2.000,"replies":0.000},"top_tags":[{"tag":"outage","count":1,"previous":null,"change":null},{"tag":"praise","count":1,"previous":null,"change":null},{"tag":"resolved","count":1,"previous":null,"change":null}]}

### man: the HTML page, compressed through zlib
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by account -f html -o report.html.gz mentions.ndjson
$ od -An -tx1 -N2 report.html.gz
$ zcat report.html.gz | grep -o '<svg id="[a-z-]*"'
$ zcat report.html.gz | grep -c 'http[s]*://[a-z]' || true
>  1f 8b
> <svg id="chart-volume"
> <svg id="chart-frt"
> <svg id="chart-sla"
> <svg id="chart-tags"
> <svg id="chart-spikes"
> 0

### man: cron, alerts only: nothing to say, nothing printed
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --alerts-only --since -8d mentions.ndjson

### man: GNU parallel partials merged, then a single run: the same report twice
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ parallel --pipe --block 10M kpi-report --partial --by platform,day \
$     < mentions.ndjson | kpi-report --merge --by platform,day
$ kpi-report --by platform,day mentions.ndjson
> KPI report: 10 records, 2024-03-01 09:00 to 2024-03-02 10:00 UTC
>
> platform  day         inbound  answered  resp rate  FRT p50  FRT p90  SLA met  negative
> mastodon  2024-03-01        1         0       0.0%        -        -     0.0%    100.0%
> mastodon  2024-03-02        2         1      50.0%    5m00s    5m00s   100.0%      0.0%
> twitter   2024-03-01        3         3     100.0%   30m00s    1h42m    66.7%     66.7%
> (all)                       6         4      66.7%   20m00s    1h33m    60.0%     50.0%
>
> Columns
>   inbound    inbound records (direction "in")
>   answered   inbound records with a response
>   resp rate  response rate: answered / inbound
>   FRT p50    first response time (FRT), median: half were answered faster
>   FRT p90    first response time (FRT), 90th percentile
>   SLA met    SLA compliance: met / (met + breached + missed)
>   negative   share of records with negative sentiment
>
> Top tags
> tag        count
> shipping       2
> billing        1
> bug            1
> complaint      1
> login          1
> outage         1
> praise         1
> refund         1
> resolved       1
> KPI report: 10 records, 2024-03-01 09:00 to 2024-03-02 10:00 UTC
>
> platform  day         inbound  answered  resp rate  FRT p50  FRT p90  SLA met  negative
> mastodon  2024-03-01        1         0       0.0%        -        -     0.0%    100.0%
> mastodon  2024-03-02        2         1      50.0%    5m00s    5m00s   100.0%      0.0%
> twitter   2024-03-01        3         3     100.0%   30m00s    1h42m    66.7%     66.7%
> (all)                       6         4      66.7%   20m00s    1h33m    60.0%     50.0%
>
> Columns
>   inbound    inbound records (direction "in")
>   answered   inbound records with a response
>   resp rate  response rate: answered / inbound
>   FRT p50    first response time (FRT), median: half were answered faster
>   FRT p90    first response time (FRT), 90th percentile
>   SLA met    SLA compliance: met / (met + breached + missed)
>   negative   share of records with negative sentiment
>
> Top tags
> tag        count
> shipping       2
> billing        1
> bug            1
> complaint      1
> login          1
> outage         1
> praise         1
> refund         1
> resolved       1

### man: Hadoop Streaming locally (mapper | sort | reducer), then a single run: the same twice
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ cat mentions.ndjson | kpi-report --partial --by account | sort \
$     | kpi-report --merge --by account -f ndjson
$ kpi-report --by account -f ndjson mentions.ndjson
> {"account":"acme","in":4,"out":3,"customers":3,"answered":3,"response_rate":0.7500,"first_response":{"n":3,"approx":false,"mean_s":3200.0,"median_s":1800.0,"p90_s":6120.0,"p95_s":6660.0},"first_response_business":{"n":3,"approx":false,"mean_s":2600.0,"median_s":1800.0,"p90_s":4680.0,"p95_s":5040.0},"reply_latency":{"n":3,"approx":false,"mean_s":3200.0,"median_s":1800.0,"p90_s":6120.0,"p95_s":6660.0},"sla":{"met":2,"breached":1,"missed":1,"pending":0,"at_risk":0,"compliance":0.5000},"threads":3,"resolved":0,"resolution_rate":0.0000,"awaiting_brand":null,"sentiment":{"n":4,"negative":0.7500,"neutral":0.2500,"positive":0.0000,"mean_score":-0.400},"csat":{"n":2,"score":0.5000},"nps":{"n":2,"score":0.0},"engagement":{"likes":2.667,"reposts":0.333,"replies":1.000},"top_tags":[{"tag":"shipping","count":2,"previous":null,"change":null},{"tag":"billing","count":1,"previous":null,"change":null},{"tag":"bug","count":1,"previous":null,"change":null},{"tag":"complaint","count":1,"previous":null,"change":null},{"tag":"login","count":1,"previous":null,"change":null},{"tag":"refund","count":1,"previous":null,"change":null}]}
> {"account":"bolt","in":2,"out":1,"customers":2,"answered":1,"response_rate":0.5000,"first_response":{"n":1,"approx":false,"mean_s":300.0,"median_s":300.0,"p90_s":300.0,"p95_s":300.0},"first_response_business":{"n":1,"approx":false,"mean_s":0.0,"median_s":0.0,"p90_s":0.0,"p95_s":0.0},"reply_latency":{"n":1,"approx":false,"mean_s":300.0,"median_s":300.0,"p90_s":300.0,"p95_s":300.0},"sla":{"met":1,"breached":0,"missed":0,"pending":1,"at_risk":0,"compliance":1.0000},"threads":2,"resolved":1,"resolution_rate":0.5000,"awaiting_brand":null,"sentiment":{"n":2,"negative":0.0000,"neutral":0.5000,"positive":0.5000,"mean_score":0.400},"csat":{"n":1,"score":1.0000},"nps":{"n":1,"score":100.0},"engagement":{"likes":8.000,"reposts":2.000,"replies":0.000},"top_tags":[{"tag":"outage","count":1,"previous":null,"change":null},{"tag":"praise","count":1,"previous":null,"change":null},{"tag":"resolved","count":1,"previous":null,"change":null}]}
> {"account":"acme","in":4,"out":3,"customers":3,"answered":3,"response_rate":0.7500,"first_response":{"n":3,"approx":false,"mean_s":3200.0,"median_s":1800.0,"p90_s":6120.0,"p95_s":6660.0},"first_response_business":{"n":3,"approx":false,"mean_s":2600.0,"median_s":1800.0,"p90_s":4680.0,"p95_s":5040.0},"reply_latency":{"n":3,"approx":false,"mean_s":3200.0,"median_s":1800.0,"p90_s":6120.0,"p95_s":6660.0},"sla":{"met":2,"breached":1,"missed":1,"pending":0,"at_risk":0,"compliance":0.5000},"threads":3,"resolved":0,"resolution_rate":0.0000,"awaiting_brand":null,"sentiment":{"n":4,"negative":0.7500,"neutral":0.2500,"positive":0.0000,"mean_score":-0.400},"csat":{"n":2,"score":0.5000},"nps":{"n":2,"score":0.0},"engagement":{"likes":2.667,"reposts":0.333,"replies":1.000},"top_tags":[{"tag":"shipping","count":2,"previous":null,"change":null},{"tag":"billing","count":1,"previous":null,"change":null},{"tag":"bug","count":1,"previous":null,"change":null},{"tag":"complaint","count":1,"previous":null,"change":null},{"tag":"login","count":1,"previous":null,"change":null},{"tag":"refund","count":1,"previous":null,"change":null}]}
> {"account":"bolt","in":2,"out":1,"customers":2,"answered":1,"response_rate":0.5000,"first_response":{"n":1,"approx":false,"mean_s":300.0,"median_s":300.0,"p90_s":300.0,"p95_s":300.0},"first_response_business":{"n":1,"approx":false,"mean_s":0.0,"median_s":0.0,"p90_s":0.0,"p95_s":0.0},"reply_latency":{"n":1,"approx":false,"mean_s":300.0,"median_s":300.0,"p90_s":300.0,"p95_s":300.0},"sla":{"met":1,"breached":0,"missed":0,"pending":1,"at_risk":0,"compliance":1.0000},"threads":2,"resolved":1,"resolution_rate":0.5000,"awaiting_brand":null,"sentiment":{"n":2,"negative":0.0000,"neutral":0.5000,"positive":0.5000,"mean_score":0.400},"csat":{"n":1,"score":1.0000},"nps":{"n":1,"score":100.0},"engagement":{"likes":8.000,"reposts":2.000,"replies":0.000},"top_tags":[{"tag":"outage","count":1,"previous":null,"change":null},{"tag":"praise","count":1,"previous":null,"change":null},{"tag":"resolved","count":1,"previous":null,"change":null}]}

### GNU parallel over generated, tagged, SLA-checked data: the merge equals a single run
$ gen-mentions -n 20000 -s 7 | tag -f $TOP/examples/rules/consumer.rules | sla-check --now 2026-02-01T00:00:00Z > g.ndjson
$ parallel --pipe --block 1M kpi-report --partial --by account,tag < g.ndjson > parts
$ [ $(grep -c kpi_partial parts) -gt 5 ] && echo split into chunks
$ kpi-report --merge --by account,tag -f ndjson parts > merged.ndjson
$ kpi-report --by account,tag -f ndjson g.ndjson | cmp - merged.ndjson && echo same
$ $TOP/examples/scale/hadoop-local.sh g.ndjson > reduced.ndjson
$ $TOP/examples/scale/parallel.sh g.ndjson --by platform,day -f csv > p.csv
$ kpi-report --by platform,day -f csv g.ndjson | cmp - p.csv && echo parallel.sh same
$ kpi-report --by account -f ndjson g.ndjson | cmp - reduced.ndjson && echo hadoop same
> split into chunks
> same
> parallel.sh same
> hadoop same

### replies matched without sla: earliest reply, order-free, replies before their parent and orphans not counted
$ kpi-report -f csv
< {"id":"x:2","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"second, seen first","created_at":"2024-01-01T10:20:00Z","in_reply_to":"x:1","thread":"x:1"}
< {"id":"x:1","platform":"x","account":"a","direction":"in","author":{"id":"c1"},"text":"help","created_at":"2024-01-01T10:00:00Z","in_reply_to":null,"thread":"x:1"}
< {"id":"x:3","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"first reply","created_at":"2024-01-01T10:05:00Z","in_reply_to":"x:1","thread":"x:1"}
< {"id":"x:4","platform":"x","account":"a","direction":"in","author":{"id":"c2"},"text":"hello","created_at":"2024-01-01T11:00:00Z","in_reply_to":null,"thread":"x:4"}
< {"id":"x:5","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"clock skew","created_at":"2024-01-01T10:59:00Z","in_reply_to":"x:4","thread":"x:4"}
< {"id":"x:6","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"parent elsewhere","created_at":"2024-01-01T12:00:00Z","in_reply_to":"x:99","thread":"x:99"}
< {"id":"x:7","platform":"x","account":"a","direction":"in","author":{"id":"c1"},"text":"again","created_at":"2024-01-01T12:00:00Z","in_reply_to":null,"thread":"x:7"}
< {"id":"x:8","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"two days later","created_at":"2024-01-03T12:00:00Z","in_reply_to":"x:7","thread":"x:7"}
> in,out,customers,answered,response_rate,frt_mean_s,frt_median_s,frt_p90_s,frt_p95_s,frt_business_mean_s,frt_business_median_s,frt_business_p90_s,frt_business_p95_s,replies_timed,reply_mean_s,reply_median_s,reply_p90_s,reply_p95_s,sla_met,sla_breached,sla_missed,sla_pending,sla_at_risk,sla_compliance,threads,resolved,resolution_rate,sentiment_n,negative,neutral,positive,sentiment_mean,csat_n,csat,nps_n,nps,likes_per_out,reposts_per_out,replies_per_out,quantiles_approx
> 3,5,2,2,0.6667,86550.0,86550.0,155550.0,164175.0,,,,,2,750.0,750.0,1110.0,1155.0,0,0,0,0,0,,4,0,0.0000,0,,,,,0,,0,,0.000,0.000,0.000,0

### --reply-window bounds per-reply latency, not first response
$ kpi-report -f csv --reply-window 3d | cut -d, -f1-9,15-19
< {"id":"x:2","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"second, seen first","created_at":"2024-01-01T10:20:00Z","in_reply_to":"x:1","thread":"x:1"}
< {"id":"x:1","platform":"x","account":"a","direction":"in","author":{"id":"c1"},"text":"help","created_at":"2024-01-01T10:00:00Z","in_reply_to":null,"thread":"x:1"}
< {"id":"x:3","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"first reply","created_at":"2024-01-01T10:05:00Z","in_reply_to":"x:1","thread":"x:1"}
< {"id":"x:4","platform":"x","account":"a","direction":"in","author":{"id":"c2"},"text":"hello","created_at":"2024-01-01T11:00:00Z","in_reply_to":null,"thread":"x:4"}
< {"id":"x:5","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"clock skew","created_at":"2024-01-01T10:59:00Z","in_reply_to":"x:4","thread":"x:4"}
< {"id":"x:6","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"parent elsewhere","created_at":"2024-01-01T12:00:00Z","in_reply_to":"x:99","thread":"x:99"}
< {"id":"x:7","platform":"x","account":"a","direction":"in","author":{"id":"c1"},"text":"again","created_at":"2024-01-01T12:00:00Z","in_reply_to":null,"thread":"x:7"}
< {"id":"x:8","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"two days later","created_at":"2024-01-03T12:00:00Z","in_reply_to":"x:7","thread":"x:7"}
> in,out,customers,answered,response_rate,frt_mean_s,frt_median_s,frt_p90_s,frt_p95_s,reply_mean_s,reply_median_s,reply_p90_s,reply_p95_s,sla_met
> 3,5,2,2,0.6667,86550.0,86550.0,155550.0,164175.0,58100.0,1200.0,138480.0,155640.0,0

### partials split at every line merge to the same report
$ cat > in.ndjson
$ for i in 1 2 3 4 5 6 7 8; do sed -n ${i}p in.ndjson | kpi-report --partial; done > parts
$ kpi-report --merge parts | cmp - $(kpi-report in.ndjson > one; echo one) && echo same
< {"id":"x:2","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"second, seen first","created_at":"2024-01-01T10:20:00Z","in_reply_to":"x:1","thread":"x:1"}
< {"id":"x:1","platform":"x","account":"a","direction":"in","author":{"id":"c1"},"text":"help","created_at":"2024-01-01T10:00:00Z","in_reply_to":null,"thread":"x:1"}
< {"id":"x:3","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"first reply","created_at":"2024-01-01T10:05:00Z","in_reply_to":"x:1","thread":"x:1"}
< {"id":"x:4","platform":"x","account":"a","direction":"in","author":{"id":"c2"},"text":"hello","created_at":"2024-01-01T11:00:00Z","in_reply_to":null,"thread":"x:4"}
< {"id":"x:5","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"clock skew","created_at":"2024-01-01T10:59:00Z","in_reply_to":"x:4","thread":"x:4"}
< {"id":"x:6","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"parent elsewhere","created_at":"2024-01-01T12:00:00Z","in_reply_to":"x:99","thread":"x:99"}
< {"id":"x:7","platform":"x","account":"a","direction":"in","author":{"id":"c1"},"text":"again","created_at":"2024-01-01T12:00:00Z","in_reply_to":null,"thread":"x:7"}
< {"id":"x:8","platform":"x","account":"a","direction":"out","author":{"id":"a"},"text":"two days later","created_at":"2024-01-03T12:00:00Z","in_reply_to":"x:7","thread":"x:7"}
> same

### --merge --partial combines partials into one partial
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ head -5 mentions.ndjson | kpi-report --partial --by tag > a
$ tail -5 mentions.ndjson | kpi-report --partial --by tag > b
$ kpi-report --merge --partial a b | kpi-report --merge -f csv > staged.csv
$ kpi-report --by tag -f csv mentions.ndjson | cmp - staged.csv && echo same
> same

### partials made with another --by are refused
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --partial --by day mentions.ndjson | kpi-report --merge --by account
2> kpi-report: (stdin):1: partial made with --by 'day', not 'account'
2> kpi-report: cannot merge these partials
? 65

### a line that is not a partial is a bad line for --merge
$ kpi-report --merge -f csv > r.csv; echo "exit $?"; cut -d, -f1-3 r.csv
< {"id":"x:1"}
> exit 65
> in,out,customers
> 0,0,0
2> kpi-report: (stdin):1: not a kpi-report partial line

### a partial's hour line out of range is a bad line, not an hour (hours are keyed by it)
$ kpi-report --merge -f csv > r.csv; echo "exit $?"; cut -d, -f1-2 r.csv
< {"t":"hour","h":-9223372036854775808,"in":1,"out":0,"neg":0,"lab":0}
< {"t":"hour","h":480000,"in":2,"out":0,"neg":0,"lab":0}
> exit 65
> in,out
> 0,0
2> kpi-report: (stdin):1: bad hour line

### --top keeps the busiest groups
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by account --top 1 -f csv mentions.ndjson | cut -d, -f1-4
> "account",in,out,customers
> "acme",4,3,3

### tag key: a record counts once per tag; any field path works as a key
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by tag -f csv mentions.ndjson | cut -d, -f1-3
$ kpi-report --by author.handle,lang -f csv mentions.ndjson | cut -d, -f1-4
> "tag",in,out
> "(none)",0,4
> "billing",1,0
> "bug",1,0
> "complaint",1,0
> "login",1,0
> "outage",1,0
> "praise",1,0
> "refund",1,0
> "resolved",1,0
> "shipping",2,0
> "author.handle","lang",in,out
> "acme","(none)",0,3
> "ann","en",2,0
> "ann@social.example","en",1,0
> "bo","en",1,0
> "bolt","(none)",0,1
> "cy@social.example","fr",1,0
> "di@social.example","en",1,0

### time keys: week, weekday and hour of day
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by week,weekday,hour -f csv mentions.ndjson | cut -d, -f1-5
> "week","weekday","hour",in,out
> "2024-W09","Fri","09",2,1
> "2024-W09","Fri","10",0,1
> "2024-W09","Fri","12",1,0
> "2024-W09","Fri","14",0,1
> "2024-W09","Fri","15",1,0
> "2024-W09","Sat","08",1,1
> "2024-W09","Sat","10",1,0

### --since/--until: the period, and tags against the previous period
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --since 2024-03-02T00:00:00Z --until 2024-03-03T00:00:00Z -f ndjson mentions.ndjson | grep -o '"in":[0-9]*,"out":[0-9]*\|"top_tags":.*\]'
> "in":2,"out":1
> "top_tags":[{"tag":"outage","count":1,"previous":0,"change":1},{"tag":"praise","count":1,"previous":0,"change":1},{"tag":"resolved","count":1,"previous":0,"change":1}],"previous":{"since":"2024-03-01T00:00:00Z","until":"2024-03-02T00:00:00Z","in":4,"out":3,"customers":3,"answered":3,"response_rate":0.7500,"frt_median_s":1800.0,"frt_p90_s":6120.0,"sla_compliance":0.5000,"resolution_rate":0.0000,"negative":0.7500,"csat":0.5000,"nps":0.0},"change":{"in":-2,"out":-2,"customers":-1,"answered":-2,"response_rate":-0.2500,"frt_median_s":-1500.0,"frt_p90_s":-5820.0,"sla_compliance":0.5000,"resolution_rate":0.5000,"negative":-0.7500,"csat":0.5000,"nps":100.0},"replies_unmatched":0,"alerts":[]

### relative --since with --now
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --now 2024-03-02T12:00:00Z --since -12h -f csv mentions.ndjson | cut -d, -f1-2
> period,in
> current,2
> previous,2

### CSV quotes keys through libcsv
$ kpi-report --by account -f csv | cut -d, -f1-4
< {"account":"a,b\"c","direction":"in","created_at":"2024-01-01T00:00:00Z"}
> "account",in,out,customers
> "a,b""c",1,0

### spikes: volume and negative share against a trailing baseline, with severities
$ cat > gen.py
$ python3 gen.py > spikes.ndjson
$ kpi-report --alerts-only --spike-min 5 spikes.ndjson
$ kpi-report --alerts-only --spike-min 5 -f ndjson spikes.ndjson
< import json
< for h in range(72):
<     n = 40 if h == 60 else 20 if h == 66 else 5
<     for i in range(n):
<         neg = h == 66 or i == 0
<         print(json.dumps({"id": "x:%d-%d" % (h, i), "platform": "x", "account": "a",
<                           "direction": "in", "author": {"id": "c%d" % i},
<                           "created_at": "2024-01-%02dT%02d:%02d:00Z" % (1 + h // 24, h % 24, i),
<                           "sentiment": {"label": "negative" if neg else "neutral",
<                                         "score": -0.5 if neg else 0}}))
> hour              group  alert           severity   value   mean    sd  floor      z
> 2024-01-03 12:00  (all)  volume          major         40   5.00  0.00   2.24  15.65
> 2024-01-03 18:00  (all)  negative share  major     100.0%  19.7%  2.1%   5.0%  16.05
> 2024-01-03 18:00  (all)  volume          minor         20   5.53  4.28   2.35   3.38
> z = (value - mean) / max(sd, floor), mean and sd over the 168 hours before (at least 24);
> minor z > 3, moderate > 4.5, major > 6; floor: sqrt(max(mean, 1)) for volume, 5% for a share
> {"alert":"volume","group":null,"tag":null,"hour":"2024-01-03T12:00:00Z","severity":"major","escalated":false,"value":40.000,"baseline_mean":5.000,"baseline_sd":0.000,"sd_floor":2.236,"z":15.652,"k":3,"baseline_hours":60}
> {"alert":"negative_share","group":null,"tag":null,"hour":"2024-01-03T18:00:00Z","severity":"major","escalated":false,"value":1.0000,"baseline_mean":0.1973,"baseline_sd":0.0214,"sd_floor":0.0500,"z":16.053,"k":3,"baseline_hours":66}
> {"alert":"volume","group":null,"tag":null,"hour":"2024-01-03T18:00:00Z","severity":"minor","escalated":false,"value":20.000,"baseline_mean":5.530,"baseline_sd":4.275,"sd_floor":2.352,"z":3.384,"k":3,"baseline_hours":66}

### spikes: cooldown, k and the window are settable
$ cat > gen.py
$ python3 gen.py > spikes.ndjson
$ kpi-report --alerts-only --spike-min 5 --spike-cooldown 12h -f csv spikes.ndjson
$ kpi-report --alerts-only --spike-k 10 spikes.ndjson
$ kpi-report --alerts-only --spike-min 5 --spike-window 12h -f csv spikes.ndjson | wc -l
< import json
< for h in range(72):
<     n = 40 if h == 60 else 20 if h == 66 else 5
<     for i in range(n):
<         neg = h == 66 or i == 0
<         print(json.dumps({"id": "x:%d-%d" % (h, i), "platform": "x", "account": "a",
<                           "direction": "in", "author": {"id": "c%d" % i},
<                           "created_at": "2024-01-%02dT%02d:%02d:00Z" % (1 + h // 24, h % 24, i),
<                           "sentiment": {"label": "negative" if neg else "neutral",
<                                         "score": -0.5 if neg else 0}}))
> hour,group,alert,tag,severity,escalated,value,baseline_mean,baseline_sd,sd_floor,z,k
> 2024-01-03T12:00:00Z,"",volume,"",major,0,40.0000,5.0000,0.0000,2.2361,15.65,3
> 2024-01-03T18:00:00Z,"",negative_share,"",major,0,1.0000,0.1973,0.0214,0.0500,16.05,3
> hour              group  alert   severity  value  mean    sd  floor      z
> 2024-01-03 12:00  (all)  volume  moderate     40  5.00  0.00   2.24  15.65
> z = (value - mean) / max(sd, floor), mean and sd over the 168 hours before (at least 24);
> minor z > 10, moderate > 15, major > 20; floor: sqrt(max(mean, 1)) for volume, 5% for a share
> 0

### spikes: the HTML page marks them
$ cat > gen.py
$ python3 gen.py > spikes.ndjson
$ kpi-report --spike-min 5 -f html spikes.ndjson | grep -o 'circle class="spike [a-z]*"' | sort | uniq -c
< import json
< for h in range(72):
<     n = 40 if h == 60 else 20 if h == 66 else 5
<     for i in range(n):
<         neg = h == 66 or i == 0
<         print(json.dumps({"id": "x:%d-%d" % (h, i), "platform": "x", "account": "a",
<                           "direction": "in", "author": {"id": "c%d" % i},
<                           "created_at": "2024-01-%02dT%02d:%02d:00Z" % (1 + h // 24, h % 24, i),
<                           "sentiment": {"label": "negative" if neg else "neutral",
<                                         "score": -0.5 if neg else 0}}))
>       3 circle class="spike major"
>       2 circle class="spike minor"

### a record without created_at or direction is a bad line; the rest is reported
$ kpi-report -f csv > r.csv; echo "exit $?"; cut -d, -f1-2 r.csv
< {"id":"x:1","direction":"in","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:2","direction":"in"}
< {"id":"x:3","direction":"sideways","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:4","direction":"in","created_at":"yesterday"}
< not json
> exit 65
> in,out
> 1,0
2> kpi-report: (stdin):2: no created_at
2> kpi-report: (stdin):3: direction is not "in" or "out"
2> kpi-report: (stdin):4: created_at is not a time
2> kpi-report: (stdin):5: invalid literal at byte 1

### gzip input is read as such
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ gzip -c mentions.ndjson > m.data
$ kpi-report -f csv m.data | cut -d, -f1-4
> in,out,customers,answered
> 6,4,4,4

### a --by that is neither a key nor a field path is a usage error
$ kpi-report --by 'author..id' </dev/null
2> kpi-report: --by: 'author..id' is not a key or a field path
2> usage: kpi-report [-qv] [--alerts-only] [--bad file] [--by keys]
2>                   [--columns list] [--compare duration] [-f format]
2>                   [--line-buffered] [--merge] [--now time] [-o file] [--partial]
2>                   [--quantile-memory size] [--reply-window duration]
2>                   [--resolve-after duration] [--since time] [--sla-goal percent]
2>                   [--spike-cooldown duration] [--spike-k k] [--spike-min n]
2>                   [--spike-window duration] [--strict] [--top n] [--tz zone]
2>                   [--until time] [--wide] [file ...]
? 64

### an unknown format is a usage error
$ kpi-report -f pdf </dev/null
2> kpi-report: unknown format 'pdf': table, csv, ndjson, markdown, html
2> usage: kpi-report [-qv] [--alerts-only] [--bad file] [--by keys]
2>                   [--columns list] [--compare duration] [-f format]
2>                   [--line-buffered] [--merge] [--now time] [-o file] [--partial]
2>                   [--quantile-memory size] [--reply-window duration]
2>                   [--resolve-after duration] [--since time] [--sla-goal percent]
2>                   [--spike-cooldown duration] [--spike-k k] [--spike-min n]
2>                   [--spike-window duration] [--strict] [--top n] [--tz zone]
2>                   [--until time] [--wide] [file ...]
? 64

### --top wants a positive number
$ kpi-report --top 0 </dev/null
2> kpi-report: --top wants a positive number: 0
2> usage: kpi-report [-qv] [--alerts-only] [--bad file] [--by keys]
2>                   [--columns list] [--compare duration] [-f format]
2>                   [--line-buffered] [--merge] [--now time] [-o file] [--partial]
2>                   [--quantile-memory size] [--reply-window duration]
2>                   [--resolve-after duration] [--since time] [--sla-goal percent]
2>                   [--spike-cooldown duration] [--spike-k k] [--spike-min n]
2>                   [--spike-window duration] [--strict] [--top n] [--tz zone]
2>                   [--until time] [--wide] [file ...]
? 64

### a bad --since is a usage error
$ kpi-report --since yesterday </dev/null
2> kpi-report: --since wants an RFC 3339 time, a date or -DURATION: yesterday
2> usage: kpi-report [-qv] [--alerts-only] [--bad file] [--by keys]
2>                   [--columns list] [--compare duration] [-f format]
2>                   [--line-buffered] [--merge] [--now time] [-o file] [--partial]
2>                   [--quantile-memory size] [--reply-window duration]
2>                   [--resolve-after duration] [--since time] [--sla-goal percent]
2>                   [--spike-cooldown duration] [--spike-k k] [--spike-min n]
2>                   [--spike-window duration] [--strict] [--top n] [--tz zone]
2>                   [--until time] [--wide] [file ...]
? 64

### a write error is exit 74
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report mentions.ndjson > /dev/full
2> kpi-report: (stdout): write error: No space left on device
? 74

### --output to a file that cannot be created is exit 73
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report -o /nonexistent/dir/r.txt mentions.ndjson
2> kpi-report: /nonexistent/dir/r.txt: No such file or directory
? 73

### --output without .gz writes plain text; empty input gives a zero report
$ kpi-report -f csv -o r.csv < /dev/null
$ cut -d, -f1-5 r.csv
> in,out,customers,answered,response_rate
> 0,0,0,0,

### the default table fits a 100-column terminal (issue 12)
$ kpi-report --by account $TOP/examples/data/mentions.ndjson | awk 'length > m { m = length } END { print m }'
$ tag -f $TOP/examples/rules/consumer.rules $TOP/examples/data/mentions.ndjson \
$   | sla-check --policy $TOP/examples/sla/support.conf --now 2026-02-01T00:00:00Z \
$   | kpi-report --by account,day | awk 'length > m { m = length } END { print m }'
$ kpi-report --by account $TOP/examples/data/mentions.ndjson | sed -n 3p
> 73
> 95
> account           inbound  answered  resp rate  FRT p50  FRT p90

### a long group value is cut with an ellipsis so that the table still fits
$ kpi-report --by account > t.txt; wc -L < t.txt; cut -c1-60 t.txt
< {"id":"x:1","account":"an-account-name-far-too-long-for-any-terminal-column-at-all-really-it-is","direction":"in","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:2","account":"b","direction":"in","created_at":"2024-01-01T00:00:00Z"}
> 100
> KPI report: 2 records, 2024-01-01 00:00 to 2024-01-01 00:00 
>
> account                                               inboun
> an-account-name-far-too-long-for-any-terminal-colum…      
> b                                                           
> (all)                                                       
>
> Columns
>   inbound    inbound records (direction "in")
>   answered   inbound records with a response
>   resp rate  response rate: answered / inbound
>   FRT p50    first response time (FRT), median: half were an
>   FRT p90    first response time (FRT), 90th percentile

### --columns picks the table's columns by their CSV names, --wide shows them all
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --columns in,out,frt_p95_s,nps mentions.ndjson | sed -n 3,4p
$ kpi-report --wide mentions.ndjson | sed -n 3p | grep -o 'customers.*reply p95'
$ kpi-report -f csv mentions.ndjson | head -1 | tr , '\n' | wc -l
> inbound  outbound  FRT p95  NPS
>       6         4    1h46m  +33
> customers  answered  resp rate  FRT mean  FRT p50  FRT p90  FRT p95  business mean  business p50  business p90  business p95  replies timed  reply mean  reply p50  reply p90  reply p95
> 40

### an unknown --columns name is a usage error
$ kpi-report --columns in,frt_p99 </dev/null 2>&1 | head -1
> kpi-report: --columns: no column 'frt_p99' (the names are the CSV header's: kpi-report -f csv </dev/null | head -1)

### --columns takes CSV columns only, not the NDJSON object's other members (one KPI table holds both)
$ kpi-report --columns in,awaiting_brand </dev/null 2>&1 | head -1
$ kpi-report --columns approx </dev/null 2>&1 | head -1
> kpi-report: --columns: no column 'awaiting_brand' (the names are the CSV header's: kpi-report -f csv </dev/null | head -1)
> kpi-report: --columns: no column 'approx' (the names are the CSV header's: kpi-report -f csv </dev/null | head -1)

### --tz buckets days in the team's zone; the process's TZ is never used (issue 12)
$ cat > in.ndjson
$ kpi-report --tz Europe/Paris --by day -f csv in.ndjson | cut -d, -f1-2
$ TZ=Europe/Paris kpi-report --by day -f csv in.ndjson | cut -d, -f1-2
$ CAREPIPE_TZ=America/New_York kpi-report --by day,hour,weekday -f csv in.ndjson | cut -d, -f1-4
< {"id":"x:1","direction":"in","created_at":"2024-01-01T23:30:00Z"}
> "day",in
> "2024-01-02",1
> "day",in
> "2024-01-01",1
> "day","hour","weekday",in
> "2024-01-01","18","Mon",1

### DST in Europe/Paris: a fall-back day has 25 hours, hour 02 twice; a spring day 23, no 02
$ kpi-report --tz Europe/Paris --by day,hour -f csv | cut -d, -f1-3
< {"id":"x:1","direction":"in","created_at":"2024-10-26T22:00:00Z"}
< {"id":"x:2","direction":"in","created_at":"2024-10-27T00:30:00Z"}
< {"id":"x:3","direction":"in","created_at":"2024-10-27T01:30:00Z"}
< {"id":"x:4","direction":"in","created_at":"2024-10-27T22:59:59Z"}
< {"id":"x:5","direction":"in","created_at":"2024-03-31T00:59:59Z"}
< {"id":"x:6","direction":"in","created_at":"2024-03-31T01:00:00Z"}
< {"id":"x:7","direction":"in","created_at":"2024-03-31T21:59:59Z"}
> "day","hour",in
> "2024-03-31","01",1
> "2024-03-31","03",1
> "2024-03-31","23",1
> "2024-10-27","00",1
> "2024-10-27","02",2
> "2024-10-27","23",1

### --since and --until without an offset are wall-clock times of --tz; the heading names the zone
$ cat > in.ndjson
$ kpi-report --tz Europe/Paris --since 2024-01-02 --until 2024-01-03T00:00 in.ndjson | head -1
$ kpi-report --tz Europe/Paris --since 2024-01-02 --until 2024-01-03T00:00 -f ndjson in.ndjson | grep -o '"since":"[^"]*","until":"[^"]*"' | head -1
$ kpi-report --tz Europe/Paris --since 2024-01-02 --until 2024-01-03 -f csv in.ndjson | cut -d, -f1-2
$ kpi-report --since 2024-01-02 --until 2024-01-03 -f csv in.ndjson | cut -d, -f1-2
< {"id":"x:1","direction":"in","created_at":"2024-01-01T22:59:59Z"}
< {"id":"x:2","direction":"in","created_at":"2024-01-01T23:00:00Z"}
< {"id":"x:3","direction":"in","created_at":"2024-01-02T22:59:59Z"}
< {"id":"x:4","direction":"in","created_at":"2024-01-02T23:00:00Z"}
> KPI report: 2 records, 2024-01-02 00:00 to 2024-01-03 00:00 Europe/Paris
> "since":"2024-01-02T00:00:00+01:00","until":"2024-01-03T00:00:00+01:00"
> period,in
> current,2
> previous,1
> period,in
> current,2
> previous,2

### an unknown zone: --tz is a usage error, CAREPIPE_TZ a configuration error
$ kpi-report --tz Mars/Olympus </dev/null 2>&1 | head -1; kpi-report --tz Mars/Olympus </dev/null 2>/dev/null; echo "exit $?"
$ CAREPIPE_TZ=Mars/Olympus kpi-report </dev/null; echo "exit $?"
>~ kpi-report: --tz: unknown time zone Mars/Olympus .*
> exit 64
> exit 78
2>~ kpi-report: CAREPIPE_TZ: unknown time zone Mars/Olympus .*

### partials bucketed in one zone are not merged as another's
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --partial --tz Europe/Paris --by day mentions.ndjson > p.ndjson
$ kpi-report --merge --tz Europe/Paris -f csv p.ndjson | cut -d, -f1-2
$ kpi-report --merge p.ndjson; echo "exit $?"
> "day",in
> "2024-03-01",4
> "2024-03-02",2
> exit 65
2> kpi-report: p.ndjson:1: partial made with --tz Europe/Paris, not UTC
2> kpi-report: cannot merge these partials

### quantiles are exact and linear between ranks while they fit --quantile-memory, marked ~ beyond
$ cat > in.ndjson
$ kpi-report -f ndjson in.ndjson | grep -o '"first_response":{[^}]*}'
$ kpi-report --quantile-memory 0 -f ndjson in.ndjson | grep -o '"first_response":{[^}]*}'
$ kpi-report --quantile-memory 0 --columns frt_median_s in.ndjson | sed -n 3,4p
$ kpi-report --quantile-memory 0 -f csv in.ndjson | cut -d, -f7,40
< {"id":"x:1","direction":"in","created_at":"2024-01-01T00:00:00Z","sla":{"status":"met","first_response_s":60}}
< {"id":"x:2","direction":"in","created_at":"2024-01-01T00:00:00Z","sla":{"status":"met","first_response_s":120}}
< {"id":"x:3","direction":"in","created_at":"2024-01-01T00:00:00Z","sla":{"status":"met","first_response_s":180}}
< {"id":"x:4","direction":"in","created_at":"2024-01-01T00:00:00Z","sla":{"status":"met","first_response_s":1000}}
> "first_response":{"n":4,"approx":false,"mean_s":340.0,"median_s":150.0,"p90_s":754.0,"p95_s":877.0}
> "first_response":{"n":4,"approx":true,"mean_s":340.0,"median_s":149.9,"p90_s":753.8,"p95_s":876.9}
> FRT p50
>  ~2m30s
> frt_median_s,quantiles_approx
> 149.9,1

### --quantile-memory wants a size
$ kpi-report --quantile-memory lots </dev/null 2>&1 | head -1
> kpi-report: --quantile-memory wants a size such as 64M: lots

### spikes per group: with --by each account has its own baseline; the surging one is named, not the flat one (issue 12)
$ cat > gen.py
$ python3 gen.py > surge.ndjson
$ kpi-report --by account --alerts-only --spike-min 5 surge.ndjson
$ kpi-report --by account --alerts-only -f ndjson surge.ndjson | cut -c1-90
$ for i in 0 1 2; do awk -v i=$i 'NR % 3 == i' surge.ndjson | kpi-report --partial --by account; done | kpi-report --merge --alerts-only --spike-min 5 > merged.txt
$ kpi-report --by account --alerts-only --spike-min 5 surge.ndjson | cmp - merged.txt && echo merged alerts equal one run
< import json
< for h in range(72):
<     for acct, n in (("flat", 5), ("surge", 30 if h == 60 else 2)):
<         for i in range(n):
<             sec = h == 66 and acct == "flat" and i < 4
<             tag = "security" if sec or (i == 0 and acct == "flat" and h % 8 == 0) else "question"
<             print(json.dumps({"id": "x:%s-%d-%d" % (acct, h, i), "platform": "x", "account": acct,
<                               "direction": "in", "author": {"id": "c%d" % i}, "tags": [tag],
<                               "created_at": "2024-01-%02dT%02d:%02d:00Z" % (1 + h // 24, h % 24, i)}))
> hour              group  alert                  severity  value  mean    sd  floor      z
> 2024-01-03 12:00  surge  volume                 major        30  2.00  0.00   1.41  19.80
> 2024-01-03 18:00  (all)  share of tag security  major     57.1%  1.9%  4.9%   5.0%  11.04
> z = (value - mean) / max(sd, floor), mean and sd over the 168 hours before (at least 24);
> minor z > 3, moderate > 4.5, major > 6; floor: sqrt(max(mean, 1)) for volume, 5% for a share
> {"alert":"volume","group":{"account":"surge"},"tag":null,"hour":"2024-01-03T12:00:00Z","se
> merged alerts equal one run

### spikes: a larger surge inside the cooldown alerts again (more severe, or twice the value); 100 after 90 stays quiet
$ cat > gen.py
$ python3 gen.py | kpi-report --alerts-only -f csv | cut -d, -f1,3,5-7,11
< import json
< for h in range(72):
<     n = {60: 12, 62: 11, 63: 40, 64: 90, 65: 100}.get(h, 5)
<     for i in range(n):
<         print(json.dumps({"id": "x:%d-%d" % (h, i), "direction": "in",
<                           "created_at": "2024-01-%02dT%02d:00:%02dZ" % (1 + h // 24, h % 24, i % 60)}))
> hour,alert,severity,escalated,value,z
> 2024-01-03T12:00:00Z,volume,minor,0,12.0000,3.13
> 2024-01-03T15:00:00Z,volume,major,1,40.0000,15.25
> 2024-01-03T16:00:00Z,volume,major,1,90.0000,18.88

### terminal escapes from the input never reach the table, CSV or Markdown raw (issue 18 item 7)
$ cat > in.ndjson
$ kpi-report --by account in.ndjson > t.txt; kpi-report --by account -f csv in.ndjson > t.csv; kpi-report --by account -f markdown in.ndjson > t.md
$ cat t.txt t.csv t.md | tr -d '\n' | LC_ALL=C grep -c '[[:cntrl:]]' || true
$ LC_ALL=C grep -c "$(printf '\302\233')" t.txt t.csv t.md || true
$ grep -o '^.x1b.0;PWNED.x07' t.txt; grep -o '^.u009b31m' t.txt
< {"id":"x:1","account":"\u001b]0;PWNED\u0007","direction":"in","created_at":"2024-01-01T00:00:00Z","tags":["\u009b31m"]}
> 0
> t.txt:0
> t.csv:0
> t.md:0
> \x1b]0;PWNED\x07
> \u009b31m

### CSV: a cell that a spreadsheet would run as a formula starts with a quote (issue 18 item 8, OWASP)
$ kpi-report --by account -f csv | sed 1d | sed 's/,[0-9,.]*$//'
< {"id":"x:2","account":"=HYPERLINK(\"http://evil/\",\"x\")","direction":"in","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:3","account":"+1","direction":"in","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:4","account":"-2","direction":"in","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:5","account":"@SUM(A1)","direction":"in","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:6","account":"\tTAB","direction":"in","created_at":"2024-01-01T00:00:00Z"}
< {"id":"x:7","account":"\rCR","direction":"in","created_at":"2024-01-01T00:00:00Z"}
> "'\x09TAB"
> "'\x0dCR"
> "'+1"
> "'-2"
> "'=HYPERLINK(""http://evil/"",""x"")"
> "'@SUM(A1)"

### Markdown: a newline cannot split a row, nor HTML or a javascript: link pass through (issue 18 item 9)
$ kpi-report --by account -f markdown | sed -n 5p | sed 's/  *|.*//'
< {"id":"x:8","account":"a\nb|c <img src=x onerror=alert(1)> [click](javascript:alert(1)) <javascript:alert(2)>","direction":"in","created_at":"2024-01-01T00:00:00Z"}
> | a\\x0ab\|c \<img src=x onerror=alert(1)\> \[click\](javascript:alert(1)) \<javascript:alert(2)\>

### a --by key that no record has is warned about (issue 18: --by acount)
$ cp $TOP/examples/scale/sample.ndjson mentions.ndjson
$ kpi-report --by acount -f csv mentions.ndjson | cut -d, -f1-2
$ kpi-report --by account,acount -f csv mentions.ndjson > /dev/null
$ kpi-report --by agent -f csv mentions.ndjson > /dev/null
> "acount",in
> "(none)",6
2> kpi-report: --by acount: no record has this key, so every record is under "(none)" (a typo?)
2> kpi-report: --by acount: no record has this key, so every record is under "(none)" (a typo?)

### with --since every headline figure is compared with the previous period; --compare picks another
$ cat > gen.py
$ python3 gen.py > w.ndjson
$ kpi-report --since 2024-01-08 --until 2024-01-09 w.ndjson | sed -n '/^Against/,/^negative/p'
$ kpi-report --since 2024-01-08 --until 2024-01-09 --compare 7d -f ndjson w.ndjson | grep -o '"previous":{[^}]*}'
$ kpi-report --since 2024-01-08 --until 2024-01-09 --compare 12h w.ndjson 2>&1 | head -1
$ kpi-report --compare 7d w.ndjson 2>&1 | head -1
$ for i in 0 1 2; do awk -v i=$i 'NR % 3 == i' w.ndjson | kpi-report --partial --since 2024-01-08 --until 2024-01-09; done | kpi-report --merge -f ndjson > merged.ndjson
$ kpi-report --since 2024-01-08 --until 2024-01-09 -f ndjson w.ndjson | cmp - merged.ndjson && echo merged comparison equals one run
< import json
< # Each day d of 2024-01-01..09: d inbound records, answered after d minutes, the
< # first of each day negative.
< for d in range(1, 10):
<     for i in range(d):
<         t = "2024-01-%02dT10:%02d:00Z" % (d, i)
<         print(json.dumps({"id": "x:%d-%d" % (d, i), "direction": "in", "created_at": t,
<                           "sentiment": {"label": "negative" if i == 0 else "neutral"}}))
<         if i % 2 == 0:
<             print(json.dumps({"id": "x:%d-%d-r" % (d, i), "direction": "out",
<                               "in_reply_to": "x:%d-%d" % (d, i),
<                               "created_at": "2024-01-%02dT11:%02d:00Z" % (d, i + d)}))
> Against the previous period, 2024-01-07 00:00 to 2024-01-08 00:00 UTC
> figure     this period  previous        change
> inbound              8         7     +1 (+14%)
> outbound             4         4      +0 (+0%)
> customers            0         0            +0
> answered             4         4      +0 (+0%)
> resp rate        50.0%     57.1%      -7.1 pts
> FRT p50          1h08m     1h07m  +1m00s (+1%)
> FRT p90          1h08m     1h07m  +1m00s (+1%)
> negative         12.5%     14.3%      -1.8 pts
> "previous":{"since":"2024-01-01T00:00:00Z","until":"2024-01-02T00:00:00Z","in":1,"out":1,"customers":0,"answered":1,"response_rate":1.0000,"frt_median_s":3660.0,"frt_p90_s":3660.0,"sla_compliance":null,"resolution_rate":0.0000,"negative":1.0000,"csat":null,"nps":null}
> kpi-report: --compare must reach back at least the period's length (the periods would overlap)
> kpi-report: --compare needs --since
> merged comparison equals one run

### the spike window before --since is the baseline of the period's first hours; its groups are not reported
$ cat > gen.py
$ python3 gen.py > w.ndjson
$ kpi-report --since 2024-01-08 --until 2024-01-09 --alerts-only -f csv w.ndjson | cut -d, -f1,3,5,7-8
$ kpi-report --since 2024-01-08 --until 2024-01-09 --by day -f csv w.ndjson | cut -d, -f1-3
< import json
< for d in range(1, 10):
<     for i in range(d):
<         print(json.dumps({"id": "x:%d-%d" % (d, i), "direction": "in",
<                           "created_at": "2024-01-%02dT10:%02d:00Z" % (d, i)}))
> hour,alert,severity,value,baseline_mean
> 2024-01-08T10:00:00Z,volume,major,8.0000,0.1667
> period,"day",in
> current,"2024-01-08",8
> previous,"(all)",7

### beyond --quantile-memory the sketches holding most values give them up first; small groups stay exact
$ python3 -c "$(cat)" > budget.ndjson
$ kpi-report --by account --quantile-memory 5K --columns frt_median_s,frt_p90_s budget.ndjson | sed -n 3,7p
< import json
< for acct, n in (("A", 200), ("B", 60)):
<     for i in range(n):
<         print(json.dumps({"id": "%s%d" % (acct, i), "account": acct, "direction": "in",
<                           "created_at": "2024-01-01T00:00:00Z",
<                           "sla": {"status": "met", "first_response_s": i}}))
> account  FRT p50  FRT p90
> A          1m40s    2m59s
> B            30s      53s
> (all)     ~1m09s   ~2m52s
>

### --by agent reads a reply's signature as carepipe(7) and reply write it: 1 to 16 letters or digits after ^ or - (schema's rec_signature)
$ kpi-report --by agent -f csv | cut -d, -f1-3
< {"id":"1","direction":"out","created_at":"2024-03-01T09:00:00Z","text":"Sorry! ^JD2"}
< {"id":"2","direction":"out","created_at":"2024-03-01T09:01:00Z","text":"Done -Becky\n"}
< {"id":"3","direction":"out","created_at":"2024-03-01T09:02:00Z","text":"On it ^KC"}
< {"id":"4","direction":"out","created_at":"2024-03-01T09:03:00Z","text":"x ^ABCDEFGHIJKLMNOPQ"}
< {"id":"5","direction":"out","created_at":"2024-03-01T09:04:00Z","text":"x ^123"}
< {"id":"6","direction":"out","created_at":"2024-03-01T09:05:00Z","text":"x^KC"}
< {"id":"7","direction":"out","created_at":"2024-03-01T09:06:00Z","text":"^M\u0053"}
> "agent",in,out
> "(none)",0,3
> "Becky",0,1
> "JD2",0,1
> "KC",0,1
> "MS",0,1
