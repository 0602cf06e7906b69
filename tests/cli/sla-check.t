#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# sla-check(1) and carepipe-sla(5): responses, statuses, the built-in table,
# policies, business calendars (weekends, holidays, DST), input order,
# duplicates, bad records, options and the man pages' examples.
# Most cases print [id, policy, status, due_at, first_response_s, business_s]
# through jq to keep the lines short.
__TABLE__

### the sla object goes last; every other byte and outbound records pass through
$ sla-check --now 2024-03-15T12:00:00Z
< {"id":"twitter:1", "platform":"twitter","direction":"in","created_at":"2024-03-15T10:00:00Z" ,"x":[1, 2.50]}
< {"id":"twitter:2","platform":"twitter","direction":"out", "created_at":"2024-03-15T10:20:05Z","in_reply_to":"twitter:1"}
> {"id":"twitter:1", "platform":"twitter","direction":"in","created_at":"2024-03-15T10:00:00Z" ,"x":[1, 2.50],"sla":{"policy":"default-twitter","clock":"calendar","target_s":3600,"due_at":"2024-03-15T11:00:00Z","responded_at":"2024-03-15T10:20:05Z","response_id":"twitter:2","first_response_s":1205,"business_s":null,"status":"met"}}
> {"id":"twitter:2","platform":"twitter","direction":"out", "created_at":"2024-03-15T10:20:05Z","in_reply_to":"twitter:1"}

### the built-in table: X/Twitter 1h, Facebook 2h, Reddit and forums 24h, others 1h
$ sla-check --now 2024-03-15T00:00:00Z | jq -c '[.platform, .sla.policy, .sla.target_s, .sla.clock]'
< {"id":"a","platform":"twitter","direction":"in","created_at":"2024-03-15T00:00:00Z"}
< {"id":"b","platform":"x","direction":"in","created_at":"2024-03-15T00:00:00Z"}
< {"id":"c","platform":"facebook","direction":"in","created_at":"2024-03-15T00:00:00Z"}
< {"id":"d","platform":"reddit","direction":"in","created_at":"2024-03-15T00:00:00Z"}
< {"id":"e","platform":"forum","direction":"in","created_at":"2024-03-15T00:00:00Z"}
< {"id":"f","platform":"mastodon","direction":"in","created_at":"2024-03-15T00:00:00Z"}
< {"id":"g","direction":"in","created_at":"2024-03-15T00:00:00Z"}
> ["twitter","default-twitter",3600,"calendar"]
> ["x","default-twitter",3600,"calendar"]
> ["facebook","default-facebook",7200,"calendar"]
> ["reddit","default-reddit",86400,"calendar"]
> ["forum","default-forum",86400,"calendar"]
> ["mastodon","default",3600,"calendar"]
> [null,"default",3600,"calendar"]

### statuses: met, breached, pending, at_risk (within 25% of the target), missed
$ sla-check --now 2024-03-15T12:00:00Z | jq -c '[.id, .sla.status]'
< {"id":"met","platform":"twitter","direction":"in","created_at":"2024-03-15T09:00:00Z"}
< {"id":"r1","platform":"twitter","direction":"out","created_at":"2024-03-15T10:00:00Z","in_reply_to":"met"}
< {"id":"late","platform":"twitter","direction":"in","created_at":"2024-03-15T09:00:00Z"}
< {"id":"r2","platform":"twitter","direction":"out","created_at":"2024-03-15T10:00:01Z","in_reply_to":"late"}
< {"id":"pending","platform":"twitter","direction":"in","created_at":"2024-03-15T11:16:00Z"}
< {"id":"risky","platform":"twitter","direction":"in","created_at":"2024-03-15T11:15:00Z"}
< {"id":"gone","platform":"twitter","direction":"in","created_at":"2024-03-15T10:59:59Z"}
> ["met","met"]
> ["r1",null]
> ["late","breached"]
> ["r2",null]
> ["pending","pending"]
> ["risky","at_risk"]
> ["gone","missed"]

### --warn takes a duration too
$ sla-check --now 2024-03-15T12:00:00Z --warn 50m | jq -c '[.id, .sla.status]'
< {"id":"a","platform":"twitter","direction":"in","created_at":"2024-03-15T11:55:00Z"}
< {"id":"b","platform":"twitter","direction":"in","created_at":"2024-03-15T11:45:00Z"}
> ["a","pending"]
> ["b","at_risk"]

### a reply before the mention in the stream still answers it
$ sla-check --now 2024-03-16T00:00:00Z | jq -c '[.id, .sla.status, .sla.response_id, .sla.first_response_s]'
< {"id":"twitter:2","platform":"twitter","direction":"out","created_at":"2024-03-15T10:30:00Z","in_reply_to":"twitter:1"}
< {"id":"twitter:1","platform":"twitter","direction":"in","created_at":"2024-03-15T10:00:00Z"}
> ["twitter:2",null,null,null]
> ["twitter:1","met","twitter:2",1800]

### the earliest reply wins whatever the order, and a reply older than the mention is none
$ sla-check --now 2024-03-16T00:00:00Z | jq -c 'select(.sla) | [.id, .sla.response_id, .sla.first_response_s]'
< {"id":"r3","direction":"out","created_at":"2024-03-15T12:00:00Z","in_reply_to":"m"}
< {"id":"m","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"r1","direction":"out","created_at":"2024-03-15T09:00:00Z","in_reply_to":"m"}
< {"id":"r2","direction":"out","created_at":"2024-03-15T10:40:00Z","in_reply_to":"m"}
> ["m","r2",2400]

### --sorted: a reply in the same second just before the mention still answers it
$ sla-check --sorted --now 2024-03-16T00:00:00Z | jq -c '[.id, .sla.status, .sla.response_id]'
< {"id":"a","direction":"in","created_at":"2024-03-15T09:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-03-15T10:00:00Z","in_reply_to":"m"}
< {"id":"m","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"ra","direction":"out","created_at":"2024-03-15T10:05:00Z","in_reply_to":"a"}
> ["r",null,null]
> ["m","met","r"]
> ["ra",null,null]
> ["a","breached","ra"]

### --sorted: an answered record comes once its response's second is over; the rest at the end, in input order
$ sla-check --sorted --now 2024-03-15T10:30:00Z | jq -c '[.id, .sla.status]'
< {"id":"a","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"b","direction":"in","created_at":"2024-03-15T10:01:00Z"}
< {"id":"c","direction":"in","created_at":"2024-03-15T10:02:00Z"}
< {"id":"rb","direction":"out","created_at":"2024-03-15T10:03:00Z","in_reply_to":"b"}
> ["rb",null]
> ["b","met"]
> ["a","pending"]
> ["c","pending"]

### --sorted warns once when the input goes back in time
$ sla-check --sorted --now 2024-03-16T00:00:00Z | jq -c .id
< {"id":"a","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"b","direction":"in","created_at":"2024-03-15T09:00:00Z"}
< {"id":"c","direction":"in","created_at":"2024-03-15T08:00:00Z"}
> "a"
> "b"
> "c"
2> sla-check: (stdin):2: the input is not in time order; without --sorted the answers would be exact

### a reply to a reply: each customer message gets its own response
$ sla-check --now 2024-03-16T00:00:00Z | jq -c 'select(.sla) | [.id, .sla.response_id, .sla.first_response_s]'
< {"id":"t:1","platform":"twitter","direction":"in","created_at":"2024-03-15T10:00:00Z","thread":"t:1"}
< {"id":"t:2","platform":"twitter","direction":"out","created_at":"2024-03-15T10:10:00Z","in_reply_to":"t:1","thread":"t:1"}
< {"id":"t:3","platform":"twitter","direction":"in","created_at":"2024-03-15T10:20:00Z","in_reply_to":"t:2","thread":"t:1"}
< {"id":"t:4","platform":"twitter","direction":"out","created_at":"2024-03-15T10:21:00Z","in_reply_to":"t:2","thread":"t:1"}
< {"id":"t:5","platform":"twitter","direction":"out","created_at":"2024-03-15T10:50:00Z","in_reply_to":"t:3","thread":"t:1"}
> ["t:1","t:2",600]
> ["t:3","t:5",1800]

### --match thread: three messages, one later answer in the thread from the same account
$ sla-check --match thread --now 2024-03-16T00:00:00Z | jq -c 'select(.sla) | [.id, .sla.response_id, .sla.first_response_s]'
< {"id":"t:1","account":"acme","direction":"in","created_at":"2024-03-15T10:00:00Z","thread":"t:1"}
< {"id":"t:2","account":"acme","direction":"in","created_at":"2024-03-15T10:05:00Z","in_reply_to":"t:1","thread":"t:1"}
< {"id":"t:3","account":"acme","direction":"in","created_at":"2024-03-15T10:10:00Z","in_reply_to":"t:2","thread":"t:1"}
< {"id":"o:9","account":"globex","direction":"out","created_at":"2024-03-15T10:12:00Z","thread":"t:1"}
< {"id":"o:1","account":"acme","direction":"out","created_at":"2024-03-15T10:30:00Z","in_reply_to":"t:3","thread":"t:1"}
> ["t:1","o:1",1800]
> ["t:2","o:1",1500]
> ["t:3","o:1",1200]

### --match reply (the default) counts only replies to the message itself
$ sla-check --now 2024-03-16T00:00:00Z | jq -c 'select(.sla) | [.id, .sla.response_id, .sla.status]'
< {"id":"t:1","account":"acme","direction":"in","created_at":"2024-03-15T10:00:00Z","thread":"t:1"}
< {"id":"t:3","account":"acme","direction":"in","created_at":"2024-03-15T10:10:00Z","in_reply_to":"t:1","thread":"t:1"}
< {"id":"o:1","account":"acme","direction":"out","created_at":"2024-03-15T10:30:00Z","in_reply_to":"t:3","thread":"t:1"}
> ["t:1",null,"missed"]
> ["t:3","o:1","met"]

### --match thread with --sorted answers the waiting messages of the thread
$ sla-check --sorted --match thread --now 2024-03-16T00:00:00Z | jq -c '[.id, .sla.response_id]'
< {"id":"t:1","account":"acme","direction":"in","created_at":"2024-03-15T10:00:00Z","thread":"t:1"}
< {"id":"t:2","account":"acme","direction":"in","created_at":"2024-03-15T10:05:00Z","thread":"t:1"}
< {"id":"u:1","account":"acme","direction":"in","created_at":"2024-03-15T10:06:00Z","thread":"u:1"}
< {"id":"o:1","account":"acme","direction":"out","created_at":"2024-03-15T10:30:00Z","thread":"t:1"}
> ["o:1",null]
> ["t:1","o:1"]
> ["t:2","o:1"]
> ["u:1",null]

### a duplicate record gets the same answer as its first copy, and both come out
$ sla-check --now 2024-03-16T00:00:00Z | jq -c '[.id, .sla.status, .sla.response_id]'
< {"id":"d:1","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"d:2","direction":"out","created_at":"2024-03-15T10:10:00Z","in_reply_to":"d:1"}
< {"id":"d:1","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"d:2","direction":"out","created_at":"2024-03-15T10:10:00Z","in_reply_to":"d:1"}
> ["d:1","met","d:2"]
> ["d:2",null,null]
> ["d:1","met","d:2"]
> ["d:2",null,null]

### --sorted: a duplicate that waits with its first copy gets the same answer
$ sla-check --sorted --now 2024-03-16T00:00:00Z | jq -c '[.id, .n, .sla.status, .sla.response_id]'
< {"id":"d:1","n":1,"direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"d:1","n":2,"direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"d:2","direction":"out","created_at":"2024-03-15T10:10:00Z","in_reply_to":"d:1"}
> ["d:2",null,null,null]
> ["d:1",1,"met","d:2"]
> ["d:1",2,"met","d:2"]

### a record with no created_at is a bad line: reported, quarantined, exit 65
$ sla-check --now 2024-03-16T00:00:00Z --bad bad.ndjson > out.ndjson; echo "exit $?"; jq -c .id out.ndjson
< {"id":"a","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"b","direction":"in"}
< {"id":"c","direction":"in","created_at":"yesterday"}
< {"id":"d","direction":"sideways","created_at":"2024-03-15T10:00:00Z"}
< {"direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"f","direction":"in","created_at":null}
< not json
< {"id":"h","direction":"out","created_at":"2024-03-15T10:00:00Z"}
> exit 65
> "a"
> "h"
2> sla-check: (stdin):2: no created_at
2> sla-check: (stdin):3: created_at is not a time
2> sla-check: (stdin):4: direction is neither in nor out
2> sla-check: (stdin):5: no id
2> sla-check: (stdin):6: no created_at
2> sla-check: (stdin):7: invalid literal at byte 1
= bad.ndjson
=| {"id":"b","direction":"in"}
=| {"id":"c","direction":"in","created_at":"yesterday"}
=| {"id":"d","direction":"sideways","created_at":"2024-03-15T10:00:00Z"}
=| {"direction":"in","created_at":"2024-03-15T10:00:00Z"}
=| {"id":"f","direction":"in","created_at":null}
=| not json

### --sorted reports bad records the same way
$ sla-check --sorted --now 2024-03-16T00:00:00Z
< {"id":"b","direction":"in"}
2> sla-check: (stdin):1: no created_at
? 65

### a Friday 16:45 mention with a 30 min business target is due Monday 09:15
$ printf '[calendar office]\ntimezone UTC\nmon-fri 09:00-17:00\n[policy fast]\ntarget 30m\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-18T09:10:00Z | jq -c '[.id, .sla.policy, .sla.clock, .sla.status, .sla.due_at]'
< {"id":"fri","direction":"in","created_at":"2024-03-15T16:45:00Z"}
> ["fri","fast","business","at_risk","2024-03-18T09:15:00Z"]

### a weekend mention: the business clock starts on Monday morning
$ printf '[calendar office]\ntimezone UTC\nmon-fri 09:00-17:00\n[policy fast]\ntarget 1h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-18T12:00:00Z | jq -c '[.id, .sla.status, .sla.due_at, .sla.first_response_s, .sla.business_s]'
< {"id":"sat","direction":"in","created_at":"2024-03-16T11:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-03-18T09:40:00Z","in_reply_to":"sat"}
> ["sat","met","2024-03-18T10:00:00Z",168000,2400]
> ["r",null,null,null,null]

### a holiday mention: the holiday is skipped like a weekend
$ printf '[calendar office]\ntimezone UTC\nmon-fri 09:00-17:00\nholiday 2024-12-25 Christmas\n[policy fast]\ntarget 2h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-12-27T00:00:00Z | jq -c 'select(.sla) | [.id, .sla.status, .sla.due_at, .sla.business_s]'
< {"id":"xmas","direction":"in","created_at":"2024-12-25T10:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-12-26T10:30:00Z","in_reply_to":"xmas"}
> ["xmas","met","2024-12-26T11:00:00Z",5400]

### holidays from an iCalendar file of all-day events
$ printf 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20240101\r\nDTEND;VALUE=DATE:20240102\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:New\r\n  Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > days.ics
$ printf '[calendar office]\ntimezone Europe/Paris\nmon-fri 09:00-17:00\nholidays days.ics\n[policy fast]\ntarget 1h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2026-01-05T00:00:00Z | jq -c '[.id, .sla.due_at]'
< {"id":"ny","direction":"in","created_at":"2025-12-31T15:30:00Z"}
> ["ny","2026-01-02T08:30:00Z"]

### iCalendar recurrences as Outlook exports them: Thanksgiving (4th Thursday), Memorial Day (last Monday)
$ cp "$TOP/examples/sla/holidays-us.ics" . && printf '[calendar ny]\ntimezone America/New_York\nmon-fri 09:00-17:00\nholidays holidays-us.ics\n[policy fast]\ntarget 1h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2026-12-01T00:00:00Z | jq -c '[.id, .sla.due_at]'
< {"id":"thanksgiving-eve","direction":"in","created_at":"2025-11-26T21:30:00Z"}
< {"id":"memorial-friday","direction":"in","created_at":"2026-05-22T20:30:00Z"}
> ["thanksgiving-eve","2025-11-28T14:30:00Z"]
> ["memorial-friday","2026-05-26T13:30:00Z"]

### iCalendar as Google exports it: Easter Monday written as RDATEs, one year removed by EXDATE
$ printf 'BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-TIMEZONE:Europe/Paris\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250421\r\nDTEND;VALUE=DATE:20250422\r\nRDATE;VALUE=DATE:20260406,20270329\r\nEXDATE;VALUE=DATE:20270329\r\nDTSTAMP:20250101T000000Z\r\nUID:paques@google.com\r\nSTATUS:CONFIRMED\r\nSUMMARY:Lundi de P\303\242ques\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' > paques.ics
$ printf '[calendar paris]\ntimezone Europe/Paris\nmon-fri 09:00-17:00\nholidays paques.ics\n[policy fast]\ntarget 1h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2028-01-01T00:00:00Z | jq -c '[.id, .sla.due_at]'
< {"id":"easter-2026","direction":"in","created_at":"2026-04-03T14:30:00Z"}
< {"id":"easter-2027","direction":"in","created_at":"2027-03-26T15:30:00Z"}
> ["easter-2026","2026-04-07T07:30:00Z"]
> ["easter-2027","2027-03-29T07:30:00Z"]

### a malformed RRULE is a configuration error naming the file and the event's line
$ printf 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20241128\nRRULE:FREQ=FORTNIGHTLY\nEND:VEVENT\nEND:VCALENDAR\n' > bad.ics
$ printf '[calendar c]\nmon 09:00-10:00\nholidays bad.ics\n' > b.conf; sla-check --policy b.conf < /dev/null; echo "$?"
> 78
2>~ sla-check: .*bad\.ics:3: .*RRULE.*

### answered within the same off-hours window: no business time passed, met
$ printf '[calendar office]\ntimezone UTC\nmon-fri 09:00-17:00\n[policy fast]\ntarget 30m\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-20T00:00:00Z | jq -c 'select(.sla) | [.id, .sla.status, .sla.first_response_s, .sla.business_s, .sla.due_at]'
< {"id":"eve","direction":"in","created_at":"2024-03-14T19:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-03-14T22:00:00Z","in_reply_to":"eve"}
> ["eve","met",10800,0,"2024-03-15T09:30:00Z"]

### DST Europe/Paris spring forward: 01:00-04:00 on 31 March 2024 is 2 real hours
$ printf '[calendar night]\ntimezone Europe/Paris\ndaily 01:00-04:00\n[policy p]\ntarget 2h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-04-01T00:00:00Z | jq -c 'select(.sla) | [.sla.status, .sla.due_at, .sla.first_response_s, .sla.business_s]'
< {"id":"m","direction":"in","created_at":"2024-03-30T23:30:00Z"}
< {"id":"r","direction":"out","created_at":"2024-03-31T02:00:00Z","in_reply_to":"m"}
> ["met","2024-03-31T02:00:00Z",9000,7200]

### DST Europe/Paris fall back: 01:00-04:00 on 27 October 2024 is 4 real hours
$ printf '[calendar night]\ntimezone Europe/Paris\ndaily 01:00-04:00\n[policy p]\ntarget 4h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-10-28T00:00:00Z | jq -c 'select(.sla) | [.sla.status, .sla.due_at, .sla.first_response_s, .sla.business_s]'
< {"id":"m","direction":"in","created_at":"2024-10-26T22:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-10-27T02:50:00Z","in_reply_to":"m"}
> ["met","2024-10-27T03:00:00Z",17400,13800]

### DST America/New_York spring forward: 00:00-06:00 on 10 March 2024 is 5 real hours
$ printf '[calendar night]\ntimezone America/New_York\nsun 00:00-06:00\n[policy p]\ntarget 5h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-11T00:00:00Z | jq -c 'select(.sla) | [.sla.status, .sla.due_at, .sla.first_response_s, .sla.business_s]'
< {"id":"m","direction":"in","created_at":"2024-03-10T04:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-03-10T09:30:00Z","in_reply_to":"m"}
> ["met","2024-03-10T10:00:00Z",19800,16200]

### DST America/New_York fall back: 00:00-06:00 on 3 November 2024 is 7 real hours
$ printf '[calendar night]\ntimezone America/New_York\nsun 00:00-06:00\n[policy p]\ntarget 6h30m\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-11-04T00:00:00Z | jq -c 'select(.sla) | [.sla.status, .sla.due_at, .sla.first_response_s, .sla.business_s]'
< {"id":"m","direction":"in","created_at":"2024-11-03T03:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-11-03T12:00:00Z","in_reply_to":"m"}
> ["breached","2024-11-03T10:30:00Z",32400,25200]

### policies by tag and by priority, the first match wins, the rest falls to the built-in table
$ printf '[policy urgent]\npriority urgent\ntarget 15m\n\n[policy money]\ntag billing, refund\ntarget 4h\n\n[policy vip-money]\ntag vip\ntag billing\ntarget 5m\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-15T10:00:00Z | jq -c '[.id, .sla.policy, .sla.target_s]'
< {"id":"a","direction":"in","created_at":"2024-03-15T10:00:00Z","priority":"urgent","tags":["billing"]}
< {"id":"b","direction":"in","created_at":"2024-03-15T10:00:00Z","priority":"normal","tags":["praise","refund"]}
< {"id":"c","direction":"in","created_at":"2024-03-15T10:00:00Z","tags":["vip"]}
< {"id":"d","platform":"facebook","direction":"in","created_at":"2024-03-15T10:00:00Z","tags":"billing"}
> ["a","urgent",900]
> ["b","money",14400]
> ["c","default",3600]
> ["d","default-facebook",7200]

### policies by platform, account and a jq condition
$ printf '[policy big]\nif .author.followers > 10000\ntarget 10m\n[policy acme-fb]\nplatform facebook\naccount acme, acme-fr\ntarget 3h\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-15T10:00:00Z | jq -c '[.id, .sla.policy]'
< {"id":"a","platform":"facebook","account":"acme-fr","direction":"in","created_at":"2024-03-15T10:00:00Z","author":{"followers":20000}}
< {"id":"b","platform":"facebook","account":"acme-fr","direction":"in","created_at":"2024-03-15T10:00:00Z","author":{"followers":20}}
< {"id":"c","platform":"facebook","account":"other","direction":"in","created_at":"2024-03-15T10:00:00Z"}
> ["a","big"]
> ["b","acme-fb"]
> ["c","default-facebook"]

### a jq condition that fails at run time counts as false, said once
$ printf '[policy odd]\nif .author.followers > 10 and (.text | test("x"))\ntarget 10m\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-15T10:00:00Z | jq -c '[.id, .sla.policy]'
< {"id":"a","direction":"in","created_at":"2024-03-15T10:00:00Z","author":{"followers":20},"text":5}
< {"id":"b","direction":"in","created_at":"2024-03-15T10:00:00Z","author":{"followers":20},"text":7}
< {"id":"c","direction":"in","created_at":"2024-03-15T10:00:00Z","author":{"followers":20},"text":"x"}
> ["a","default"]
> ["b","default"]
> ["c","odd"]
2>~ sla-check: policy odd: jq: error: .*\(the condition counts as false\)

### 1 h in business hours, 12 h outside: during and outside a calendar
$ printf '[calendar office]\ntimezone Europe/Paris\nmon-fri 09:00-18:00\n[policy day]\nduring office\ntarget 1h\n[policy night]\noutside office\ntarget 12h\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-15T00:00:00Z | jq -c '[.id, .sla.policy, .sla.clock, .sla.due_at]'
< {"id":"day","direction":"in","created_at":"2024-03-15T10:00:00Z"}
< {"id":"night","direction":"in","created_at":"2024-03-15T17:30:00Z"}
< {"id":"sat","direction":"in","created_at":"2024-03-16T10:00:00Z"}
> ["day","day","calendar","2024-03-15T11:00:00Z"]
> ["night","night","calendar","2024-03-16T05:30:00Z"]
> ["sat","night","calendar","2024-03-16T22:00:00Z"]

### --calendar gives business_s to the built-in table's calendar clock
$ printf 'timezone UTC\nmon-fri 09:00-17:00\n' > hours.cal
$ sla-check --calendar hours.cal --now 2024-03-20T00:00:00Z | jq -c 'select(.sla) | [.sla.policy, .sla.first_response_s, .sla.business_s]'
< {"id":"m","platform":"twitter","direction":"in","created_at":"2024-03-15T16:00:00Z"}
< {"id":"r","platform":"twitter","direction":"out","created_at":"2024-03-18T10:00:00Z","in_reply_to":"m"}
> ["default-twitter",237600,7200]

### split shifts and an overnight interval in a calendar file
$ printf 'timezone UTC\nmon-fri 09:00-12:00 13:00-17:00\nsat 22:00-02:00\n' > hours.cal
$ printf '[calendar h]\ninclude hours.cal\n[policy p]\ntarget 2h\nclock business\n' > p.conf
$ sla-check --policy p.conf --now 2024-03-10T00:00:00Z | jq -c '[.id, .sla.due_at]'
< {"id":"lunch","direction":"in","created_at":"2024-03-08T11:00:00Z"}
< {"id":"sat","direction":"in","created_at":"2024-03-09T23:00:00Z"}
> ["lunch","2024-03-08T14:00:00Z"]
> ["sat","2024-03-10T01:00:00Z"]

### --only writes only the inbound records with those statuses; --fail exits 1
$ sla-check --now 2024-03-15T12:00:00Z --only breached,missed --fail | jq -c '[.id, .sla.status]'
< {"id":"ok","direction":"in","created_at":"2024-03-15T11:30:00Z"}
< {"id":"late","direction":"in","created_at":"2024-03-15T09:00:00Z"}
< {"id":"r","direction":"out","created_at":"2024-03-15T10:30:00Z","in_reply_to":"late"}
< {"id":"gone","direction":"in","created_at":"2024-03-15T08:00:00Z"}
> ["late","breached"]
> ["gone","missed"]

### --fail exits 1 on a breach, 0 when all is met
$ printf '%s\n' '{"id":"a","direction":"in","created_at":"2024-03-15T09:00:00Z"}' '{"id":"r","direction":"out","created_at":"2024-03-15T10:30:00Z","in_reply_to":"a"}' > late.ndjson
$ sla-check --fail --now 2024-03-16T00:00:00Z late.ndjson > /dev/null; echo "late: $?"
$ sla-check --fail --now 2024-03-16T00:00:00Z --only met late.ndjson; echo "filtered: $?"
$ head -n 1 late.ndjson | sla-check --fail --now 2024-03-15T09:10:00Z > /dev/null; echo "pending: $?"
> late: 1
> filtered: 1
> pending: 0

### files are read in order, a missing one is reported (66) and the rest still read
$ printf '%s\n' '{"id":"r","direction":"out","created_at":"2024-03-15T10:10:00Z","in_reply_to":"m"}' > out.ndjson
$ printf '%s\n' '{"id":"m","direction":"in","created_at":"2024-03-15T10:00:00Z"}' | gzip > in.ndjson.gz
$ sla-check --now 2024-03-16T00:00:00Z out.ndjson nosuch.ndjson in.ndjson.gz > got.ndjson; echo "exit $?"
$ jq -c '[.id, .sla.response_id]' got.ndjson
> exit 66
> ["r",null]
> ["m","r"]
2> sla-check: nosuch.ndjson: No such file or directory

### a pipe is read twice through a temporary copy, and - names stdin among files
$ printf '%s\n' '{"id":"m","direction":"in","created_at":"2024-03-15T10:00:00Z"}' > in.ndjson
$ printf '%s\n' '{"id":"r","direction":"out","created_at":"2024-03-15T10:10:00Z","in_reply_to":"m"}' | sla-check --now 2024-03-16T00:00:00Z in.ndjson - | jq -c '[.id, .sla.response_id]'
> ["m","r"]
> ["r",null]

### an existing sla key is replaced in place
$ sla-check --now 2024-03-15T10:00:00Z | jq -c '[keys_unsorted, .sla.status]'
< {"id":"a","sla":{"status":"old"},"direction":"in","created_at":"2024-03-15T10:00:00Z"}
> [["id","sla","direction","created_at"],"pending"]

### a policy file with an error names the file and line, exit 78
$ printf '[policy a]\ntarget soon\n' > p.conf
$ sla-check --policy p.conf < /dev/null
2> sla-check: p.conf:2: target wants a duration like 30m, 1h or 2d: soon
? 78

### a business clock without a calendar is a configuration error
$ printf '[policy a]\ntarget 1h\nclock business\n' > p.conf
$ sla-check --policy p.conf < /dev/null
2> sla-check: p.conf:1: policy a uses the business clock but no calendar is defined
? 78

### an unknown time zone, a missing holiday file, an unknown calendar: exit 78
$ printf '[calendar c]\ntimezone Mars/Olympus\nmon 09:00-10:00\n' > a.conf; sla-check --policy a.conf < /dev/null; echo "$?"
$ printf '[calendar c]\nmon 09:00-10:00\nholidays nosuch.ics\n' > b.conf; sla-check --policy b.conf < /dev/null; echo "$?"
$ printf '[policy p]\nduring office\ntarget 1h\n' > c.conf; sla-check --policy c.conf < /dev/null; echo "$?"
> 78
> 78
> 78
2>~ sla-check: a\.conf:2: unknown time zone Mars/Olympus .*
2>~ sla-check: b\.conf:3: \./nosuch\.ics: No such file or directory
2> sla-check: c.conf:1: policy p: no calendar office

### a missing policy file exits 78
$ sla-check --policy nosuch.conf < /dev/null
2> sla-check: nosuch.conf: No such file or directory
? 78

### bad option values are usage errors, 64
$ sla-check --match nearest < /dev/null; echo "$?"
$ sla-check --only late < /dev/null 2>/dev/null; echo "$?"
$ sla-check --now soon < /dev/null 2>/dev/null; echo "$?"
$ sla-check --warn 120% < /dev/null 2>/dev/null; echo "$?"
> 64
> 64
> 64
> 64
2> sla-check: --match is reply or thread
2> usage: sla-check [-qv] [--bad file] [--calendar file] [--fail] [--line-buffered]
2>                  [--match mode] [--now time] [--only statuses] [--policy file]
2>                  [--sorted] [--strict] [--warn limit] [file ...]

### --now takes now and -DURATION too (time_parse_when): a hundred years ago nothing is due yet
$ echo '{"id":"a","direction":"in","platform":"x","created_at":"2026-01-05T10:00:00Z"}' > in.ndjson
$ sla-check --now -36500d in.ndjson | jq -r .sla.status
$ sla-check --now now in.ndjson | jq -r .sla.status
> pending
> missed

### --help and --version
$ sla-check --help | grep -c -e '^ *--policy FILE' -e '^ *--sorted ' -e '^ *--bad FILE'
$ sla-check --version
> 3
>~ sla-check \(carepipe\) [0-9.]+

### man page example: the built-in targets
$ cp -r $TOP/examples .
$ sla-check --now 2024-03-18T12:00:00Z examples/sla/mentions.ndjson | jq -c 'select(.sla) | [.id, .sla.policy, .sla.status]'
> ["twitter:101","default-twitter","met"]
> ["twitter:103","default-twitter","breached"]
> ["facebook:201","default-facebook","missed"]
> ["twitter:105","default-twitter","breached"]
> ["twitter:107","default-twitter","missed"]
> ["twitter:108","default-twitter","pending"]
> ["facebook:202","default-facebook","missed"]
> ["twitter:301","default-twitter","breached"]

### man page example: the team's policies, business hours and holidays
$ cp -r $TOP/examples .
$ sla-check --policy examples/sla/support.conf --now 2024-03-18T12:00:00Z examples/sla/mentions.ndjson > checked.ndjson
$ jq -r 'select(.sla) | [.id, .sla.policy, .sla.status, .sla.due_at] | @tsv' checked.ndjson
> twitter:101	twitter-office	met	2024-03-15T10:10:00Z
> twitter:103	urgent	met	2024-03-18T08:15:00Z
> facebook:201	billing	at_risk	2024-03-18T13:00:00Z
> twitter:105	twitter-after-hours	breached	2024-03-17T09:00:00Z
> twitter:107	influencer	missed	2024-03-18T11:30:00Z
> twitter:108	twitter-after-hours	pending	2024-03-18T23:40:00Z
> facebook:202	default-facebook	missed	2024-03-15T10:00:00Z
> twitter:301	us	met	2024-03-16T15:30:00Z

### man page example: an alert from cron
$ cp -r $TOP/examples .
$ sla-check --policy examples/sla/support.conf --only breached,missed --fail examples/sla/mentions.ndjson > alerts.ndjson || echo "$(wc -l < alerts.ndjson) SLA alerts"
> 5 SLA alerts

### man page example: streaming a time-ordered log
$ cp -r $TOP/examples .
$ jq -c -s 'sort_by(.created_at)[]' examples/sla/mentions.ndjson > sorted.ndjson
$ sla-check --sorted --line-buffered --policy examples/sla/support.conf --now 2024-03-18T12:00:00Z --only at_risk sorted.ndjson | jq -r .id
> facebook:201

### carepipe-sla(5) example: the policy file of the EXAMPLES section reads and applies
$ cp $TOP/examples/sla/holidays-fr.ics .
$ printf '%s\n' '[calendar office]' 'timezone Europe/Paris' 'mon-fri 09:00-12:30 13:30-17:00' 'holidays holidays-fr.ics' '' '[policy urgent]' 'priority urgent' 'target 30m' 'clock business' '' '[policy billing]' 'tag billing, refund' 'target 4h' 'clock business' '' '[policy influencer]' 'if (.author.followers // 0) >= 10000' 'target 1h' '' '[policy twitter-office]' 'platform twitter, x' 'during office' 'target 1h' '' '[policy twitter-after-hours]' 'platform twitter, x' 'outside office' 'target 12h' > sla.conf
$ sla-check --policy sla.conf --now 2024-05-02T12:00:00Z | jq -c '[.id, .sla.policy, .sla.clock, .sla.due_at]'
< {"id":"a","platform":"twitter","direction":"in","created_at":"2024-04-30T15:45:00Z","priority":"urgent"}
< {"id":"b","platform":"x","direction":"in","created_at":"2024-05-01T10:00:00Z","tags":["praise"]}
< {"id":"c","platform":"x","direction":"in","created_at":"2024-05-02T08:00:00Z","tags":["refund"]}
< {"id":"d","platform":"x","direction":"in","created_at":"2024-05-02T08:00:00Z","author":{"followers":20000}}
< {"id":"e","platform":"x","direction":"in","created_at":"2024-05-02T08:00:00Z"}
> ["a","urgent","business","2024-05-02T07:30:00Z"]
> ["b","twitter-after-hours","calendar","2024-05-01T22:00:00Z"]
> ["c","billing","business","2024-05-02T13:00:00Z"]
> ["d","influencer","calendar","2024-05-02T09:00:00Z"]
> ["e","twitter-office","calendar","2024-05-02T09:00:00Z"]
