#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# notify: selection, passthrough, the preview and its messages, templates
# and customer text, carepipe.conf(5) channel sections.  Sending, the
# journal across reruns and kill -9, retries and digests are in
# notify-send.t and notify-exactly-once.t (they start local servers).
__TABLE__

### passthrough: every record comes out byte for byte, the selected ones too
$ notify -q
< {"id":"twitter:1" , "escalate":true,"escalate_reason":"phone posted","text":"call me"}
< {"id":"twitter:2","text":"fine","sla":{"status":"met"}}
< {"alert":"volume","hour":"2024-05-01T10:00:00Z","severity":"high","value":40,"baseline_mean":5,"baseline_sd":2,"z":17.5}
> {"id":"twitter:1" , "escalate":true,"escalate_reason":"phone posted","text":"call me"}
> {"id":"twitter:2","text":"fine","sla":{"status":"met"}}
> {"alert":"volume","hour":"2024-05-01T10:00:00Z","severity":"high","value":40,"baseline_mean":5,"baseline_sd":2,"z":17.5}

### notify(1) and README: the escalations of the example day, previewed
$ cp "$TOP/examples/rules/consumer.rules" rules.conf; cp "$TOP/examples/data/mentions.ndjson" .
$ tag -f rules.conf mentions.ndjson | notify --escalated 2> preview.txt > out.ndjson
$ echo "exit $?"; wc -l < out.ndjson; grep -c '^notify: preview to (no channel) (escalation ' preview.txt; head -n 6 preview.txt
> exit 0
> 1000
> 11
> notify: preview to (no channel) (escalation twitter:2010622858610343941):
>   Escalation (urgent) on twitter for AcmeSupport: personal data exposed in public
>   From Aisha Okafor (@aishaoka1002668) at 2026-01-12T08:00:19Z:
>   @AcmeSupport Acme has been down for 13 hours and I have a deadline. Any ETA?? 👎 Card is 4929 1234 5678 9012 exp 08/28 if you need it ¯\_(ツ)_/¯
>   https://x.com/aishaoka1002668/status/2010622858610343941
> notify: preview to (no channel) (escalation twitter:2010624727009198217):

### carepipe.conf(5): the example channels are valid, and preview through each
$ sed -n '/^Three channels for/,/^\.Ed/p' "$TOP/man/carepipe.conf.5" | sed '1,/^\.Bd/d;/^\.Ed/d' > care.conf
$ for ch in care-slack oncall-hook leads-mail; do printf '%s\n' '{"id":"x:1","escalate":true,"text":"a <b>"}' | notify -q --config care.conf --channel $ch --mark | jq -r .notify.message | tail -n 2; done
> a &lt;b&gt;
> id x:1
> a <b>
> id x:1
> a <b>
> id x:1

### no selector: escalations, SLA at_risk/breached/missed and alerts are selected
$ notify --only --mark --now 2024-05-01T12:00:00Z | jq -c '[.id // .alert, .notify.kind, .notify.status]'
< {"id":"twitter:1","escalate":true}
< {"id":"twitter:2","sla":{"status":"met"}}
< {"id":"twitter:3","sla":{"status":"at_risk"}}
< {"id":"twitter:4","sla":{"status":"pending"}}
< {"id":"twitter:5","sla":{"status":"missed"}}
< {"alert":"negative_share","hour":"2024-05-01T10:00:00Z","severity":"medium"}
< {"id":"twitter:6","escalate":false}
> ["twitter:1","escalation","preview"]
> ["twitter:3","sla","preview"]
> ["twitter:5","sla","preview"]
> ["negative_share","alert","preview"]

### --escalated alone; --mark adds notify {channel, kind, status, at, message} last
$ notify --escalated --mark --now 2024-05-01T12:00:00Z
< {"id":"twitter:1","platform":"twitter","account":"AcmeCare","escalate":true,"escalate_reason":"phone posted","priority":"urgent","author":{"handle":"jane","name":"Jane"},"text":"call me","created_at":"2024-05-01T11:58:00Z","url":"https://x.com/jane/status/1"}
< {"id":"twitter:2","sla":{"status":"breached"}}
> {"id":"twitter:1","platform":"twitter","account":"AcmeCare","escalate":true,"escalate_reason":"phone posted","priority":"urgent","author":{"handle":"jane","name":"Jane"},"text":"call me","created_at":"2024-05-01T11:58:00Z","url":"https://x.com/jane/status/1","notify":{"channel":null,"kind":"escalation","status":"preview","at":"2024-05-01T12:00:00Z","message":"Escalation (urgent) on twitter for AcmeCare: phone posted\nFrom Jane (@jane) at 2024-05-01T11:58:00Z:\ncall me\nhttps://x.com/jane/status/1"}}
> {"id":"twitter:2","sla":{"status":"breached"}}

### the preview goes to stderr, indented, one block per message
$ notify --escalated --now 2024-05-01T12:00:00Z > /dev/null
< {"id":"twitter:1","platform":"twitter","account":"AcmeCare","escalate":true,"author":{"handle":"jane"},"text":"call me"}
2> notify: preview to (no channel) (escalation twitter:1):
2>   Escalation (no priority) on twitter for AcmeCare: escalated by a rule
2>   From ? (@jane) at ?:
2>   call me
2>   id twitter:1

### an SLA risk says the due time and how long is left (from --now), or how late
$ notify --sla at_risk,breached --only --mark --now 2024-05-01T12:00:00Z | jq -r .notify.message
< {"id":"twitter:3","platform":"twitter","account":"AcmeCare","author":{"handle":"bob","name":"Bob"},"text":"hello?","created_at":"2024-05-01T11:20:00Z","sla":{"policy":"x-1h","status":"at_risk","due_at":"2024-05-01T12:20:00Z"}}
< {"id":"twitter:4","platform":"twitter","account":"AcmeCare","author":{"handle":"eve"},"text":"still waiting","created_at":"2024-05-01T10:00:00Z","sla":{"status":"breached","due_at":"2024-05-01T11:00:00Z"}}
> SLA at_risk on twitter for AcmeCare: first response due 2024-05-01T12:20:00Z (20m left), policy x-1h
> From Bob (@bob) at 2024-05-01T11:20:00Z:
> hello?
> id twitter:3
> SLA breached on twitter for AcmeCare: first response due 2024-05-01T11:00:00Z (overdue by 1h), policy default
> From ? (@eve) at 2024-05-01T10:00:00Z:
> still waiting
> id twitter:4

### a spike says the metric, severity, scope and the figures (kpi-report --alerts-only -f ndjson)
$ notify --alerts --only --mark | jq -r .notify.message
< {"alert":"volume","hour":"2024-05-01T10:00:00Z","severity":"high","value":40,"baseline_mean":5.2,"baseline_sd":2.1,"z":16.57}
< {"id":"twitter:1","escalate":true}
> Spike alert (high): volume for all accounts in the hour from 2024-05-01T10:00:00Z: 40 against a baseline of 5.2 (sd 2.1, z 16.57)

### kpi-report's own alert records go through notify --alerts
$ jq -nc '([range(0;168) as $h | range(0;2) as $i | {id:"t:\($h)_\($i)", platform:"twitter", account:"A", direction:"in", created_at: ((1714521600 + $h*3600 + $i*60) | todate)}] + [range(0;60) as $i | {id:"s:\($i)", platform:"twitter", account:"A", direction:"in", created_at: ((1714521600+168*3600+$i*30)|todate)}]) | .[]' > week.ndjson
$ kpi-report --alerts-only -f ndjson week.ndjson | notify --alerts --only --mark | jq -r '.notify.message'
> Spike alert (major): volume for all accounts in the hour from 2024-05-08T00:00:00Z: 60.000 against a baseline of 2.000 (sd 0.000, z 41.012)

### --if: any jq condition, with the other selectors or alone
$ notify --if '.tags | index("refund")' --only --mark | jq -c '[.id, .notify.kind]'
< {"id":"twitter:1","tags":["billing","refund"]}
< {"id":"twitter:2","tags":["billing"]}
< {"id":"twitter:3"}
> ["twitter:1","record"]

### --if that fails on a record: reported with FILE:LINE, the record passes through, exit 65
$ notify --if '.n + 1' --only
< {"id":"twitter:1","n":"x"}
2>~ notify: \(stdin\):1: --if: .*
? 65

### template injection: customer text that looks like a placeholder stays text
$ printf '{{author.name}} wrote {{text}} ({{agent|no agent}})' > "$TMP/t.txt"
$ notify --escalated --only --mark --template "$TMP/t.txt" | jq -r .notify.message
< {"id":"twitter:1","escalate":true,"author":{"name":"{{text}}"},"text":"{{author.name}} $__loc__ \\(env) {{agent}}"}
> {{text}} wrote {{author.name}} $__loc__ \(env) {{agent}} (no agent)

### Slack: a customer cannot ping the channel, add a link, or reach the terminal
$ printf '[channel care-slack]\ntype = slack\ntoken_env = SLACK_URL\n' > care.conf
$ printf '{{text}}' > t.txt
$ notify --config care.conf --channel care-slack --escalated --template t.txt --only --mark | jq -r .notify.message
< {"id":"twitter:1","escalate":true,"text":"<!channel> <https://evil.example|click> & \u001b[31mred\u001b[0m \u0007bell\u009b2J"}
> &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp;  [31mred [0m  bell 2J

### a template with a broken placeholder is a configuration error
$ printf 'Hi {{author.name' > t.txt
$ notify --template t.txt < /dev/null
2>~ notify: t.txt: .*
? 78

### a bad channel section is 78 with FILE:LINE
$ printf '[channel s]\ntype = slack\ntoken_env = X\nchanel = oops\n' > a.conf
$ notify --config a.conf --channel s < /dev/null
2> notify: a.conf:4: [channel s]: unknown key 'chanel'
? 78

### an unknown channel type
$ printf '# ours\n\n[channel s]\ntype = pager\n' > a.conf
$ notify --config a.conf --channel s < /dev/null
2> notify: a.conf:3: [channel s]: unknown type 'pager' (slack, teams, webhook or email)
? 78

### a Slack webhook URL is a secret: never in the file
$ printf '[channel s]\ntype = slack\nurl = https://hooks.slack.com/services/T/B/X\n' > a.conf
$ notify --config a.conf --channel s < /dev/null
2> notify: a.conf:1: [channel s]: a slack webhook URL is a secret: give it in token_env or token_file, not url
? 78

### email needs a server, from and to; a password needs a user
$ printf '[channel m]\ntype = email\nserver = smtps://mail.example.com\nfrom = a@example.com\n' > a.conf
$ notify --config a.conf --channel m < /dev/null || test $? = 78
$ printf '[channel m]\ntype = email\nserver = smtps://mail.example.com\nfrom = a@example.com\nto = b@example.com\ntoken_env = PW\n' > b.conf
$ notify --config b.conf --channel m < /dev/null
2> notify: a.conf:1: [channel m] has no to
2> notify: b.conf:1: [channel m]: a password needs a user
? 78

### a channel name that is not in the file
$ printf '[channel s]\ntype = teams\ntoken_env = X\n' > a.conf
$ notify --config a.conf --channel nope < /dev/null
2> notify: a.conf: no [channel nope]
? 78

### a token_file readable by others is refused, naming the file, never the secret
$ printf 'https://hooks.example/secret-path\n' > tok && chmod 644 tok
$ printf '[channel s]\ntype = slack\ntoken_file = tok\n' > a.conf
$ notify --config a.conf --channel s --send --journal j < /dev/null
2> notify: channel s: token_file tok is readable by others (chmod 600 it)
? 78

### sources and channels share a file; fetch-mentions refuses one with channels only
$ printf '[channel s]\ntype = slack\ntoken_env = X\n' > a.conf
$ fetch-mentions --config a.conf
2> fetch-mentions: a.conf: no [source] section
? 78

### --send needs --channel and --journal
$ notify --send --config a.conf --channel s < /dev/null
2> notify: --send needs --journal FILE: it is what keeps a person from being paged twice
2> usage: notify [-qv] [--alerts] [--bad file] [--cacert file] [--channel name]
2>               [--config file] [--digest duration] [--escalated] [--if jq]
2>               [--journal file] [--mark] [--max n] [--now time] [--only]
2>               [--send] [--sla statuses] [--strict] [--template file] [file ...]
? 64

### --sla takes sla-check's statuses only
$ notify --sla at_risk,late < /dev/null
2> notify: --sla: unknown status 'late' (met, breached, pending, at_risk or missed)
2> usage: notify [-qv] [--alerts] [--bad file] [--cacert file] [--channel name]
2>               [--config file] [--digest duration] [--escalated] [--if jq]
2>               [--journal file] [--mark] [--max n] [--now time] [--only]
2>               [--send] [--sla statuses] [--strict] [--template file] [file ...]
? 64

### --digest wants a duration
$ notify --digest soon < /dev/null
2> notify: --digest wants a duration, such as 1h or 1d: soon
2> usage: notify [-qv] [--alerts] [--bad file] [--cacert file] [--channel name]
2>               [--config file] [--digest duration] [--escalated] [--if jq]
2>               [--journal file] [--mark] [--max n] [--now time] [--only]
2>               [--send] [--sla statuses] [--strict] [--template file] [file ...]
? 64

### a digest preview: one message for all that was selected
$ notify --digest 1h --escalated > /dev/null
< {"id":"twitter:1","escalate":true,"account":"A","author":{"handle":"jane"},"text":"one\ntwo"}
< {"id":"twitter:2","escalate":true,"account":"B","escalate_reason":"legal threat","author":{"handle":"bob"},"text":"lawyer","url":"https://x.com/bob/status/2"}
2> notify: preview to (no channel) (digest of 2):
2>   carepipe: 2 notifications
2>   - [escalation] A @jane: escalated: one two id twitter:1
2>   - [escalation] B @bob: legal threat: lawyer https://x.com/bob/status/2

### bad lines are reported and passed on with --bad, the rest still comes out
$ notify --bad bad.txt > out.txt; echo "exit $?"; cat out.txt bad.txt
< not json
< {"id":"twitter:1"}
> exit 65
> {"id":"twitter:1"}
> not json
2> notify: (stdin):1: invalid literal at byte 1

### --now -DURATION: before the clock, as every --now reads it
$ echo '{"id":"x:1","escalate":true,"direction":"in"}' | notify -q --now -2h --mark --escalated | jq -r '(now - (.notify.at | fromdateiso8601)) | . > 7190 and . < 7300'
> true
