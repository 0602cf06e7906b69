#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# assign: queues by rules, agents by queue, shift, language and capacity;
# sticky threads; the strategies; the state across runs and its lock.
# The 1M-record memory and speed checks are in assign-scale.t.
__TABLE__

### the record gains queue, assignee and assigned_at; outbound passes through byte for byte
$ printf '[agent jd]\nname Jane Doe\ninitials JD\nqueues general\ncapacity 3\n' > team.roster
$ assign -R team.roster
< {"id":"twitter:1", "direction":"in","account":"Acme","text":"hi \u00e9","created_at":"2026-01-05T10:00:00Z"}
< {"id":"twitter:2","direction":"out","account":"Acme","in_reply_to":"twitter:1","text":"hello ^JD","created_at":"2026-01-05T10:05:00Z"}
> {"id":"twitter:1", "direction":"in","account":"Acme","text":"hi \u00e9","created_at":"2026-01-05T10:00:00Z","queue":"general","assignee":{"id":"jd","name":"Jane Doe","initials":"JD"},"assigned_at":"2026-01-05T10:00:00Z"}
> {"id":"twitter:2","direction":"out","account":"Acme","in_reply_to":"twitter:1","text":"hello ^JD","created_at":"2026-01-05T10:05:00Z"}

### queue rules: escalations go to the lead queue, then the first rule that holds, then the default queue
$ cat > team.roster <<'EOF'
$ default-queue front
$ [queues]
$ queue billing if has-tag billing or has-tag refund
$ queue fr if lang = fr
$ queue billing if keywords "invoice"
$ queue tech if text ~ /error \d+/i
$ [agent a]
$ queues front, billing, fr, tech, lead
$ capacity 10
$ EOF
$ assign -R team.roster | jq -c '[.id, .queue]'
< {"id":"x:1","direction":"in","tags":["refund"],"lang":"fr","text":"rembourser","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","tags":["refund"],"escalate":true,"text":"now!","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:3","direction":"in","lang":"fr","text":"Où est ma facture ?","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:4","direction":"in","text":"Where is my INVOICE?","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:5","direction":"in","text":"ERROR 503 again","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:6","direction":"in","escalate":false,"text":"hello","created_at":"2026-01-05T10:00:00Z"}
> ["x:1","billing"]
> ["x:2","lead"]
> ["x:3","fr"]
> ["x:4","billing"]
> ["x:5","tech"]
> ["x:6","front"]

### shift edges across DST in Europe/Paris: 09:00-17:00 is 08:00-16:00Z before the spring change, 07:00-15:00Z after
$ cat > team.roster <<'EOF'
$ [agent paris]
$ queues general
$ capacity 100
$ timezone Europe/Paris
$ mon-fri 09:00-17:00
$ EOF
$ for t in 2026-03-27T07:59:59Z 2026-03-27T08:00:00Z 2026-03-27T15:59:59Z 2026-03-27T16:00:00Z 2026-03-30T06:59:59Z 2026-03-30T07:00:00Z 2026-03-30T14:59:59Z 2026-03-30T15:00:00Z; do echo "{\"id\":\"x:$t\",\"direction\":\"in\",\"created_at\":\"$t\"}"; done | assign -R team.roster | jq -r '[.created_at, .assignee.id // .assign_reason] | @tsv'
> 2026-03-27T07:59:59Z	no agent in queue general is on shift
> 2026-03-27T08:00:00Z	paris
> 2026-03-27T15:59:59Z	paris
> 2026-03-27T16:00:00Z	no agent in queue general is on shift
> 2026-03-30T06:59:59Z	no agent in queue general is on shift
> 2026-03-30T07:00:00Z	paris
> 2026-03-30T14:59:59Z	paris
> 2026-03-30T15:00:00Z	no agent in queue general is on shift

### shift edges across DST in America/New_York: an overnight weekend shift over the fall-back and the spring-forward nights
$ cat > team.roster <<'EOF'
$ [agent ny]
$ queues general
$ capacity 100
$ timezone America/New_York
$ sat-sun 22:00-06:00
$ EOF
$ for t in 2026-03-08T02:59:59Z 2026-03-08T03:00:00Z 2026-03-08T09:59:59Z 2026-03-08T10:00:00Z 2026-11-01T01:59:59Z 2026-11-01T02:00:00Z 2026-11-01T10:59:59Z 2026-11-01T11:00:00Z; do echo "{\"id\":\"x:$t\",\"direction\":\"in\",\"created_at\":\"$t\"}"; done | assign -R team.roster | jq -r '[.created_at, .assignee.id // .assign_reason] | @tsv'
> 2026-03-08T02:59:59Z	no agent in queue general is on shift
> 2026-03-08T03:00:00Z	ny
> 2026-03-08T09:59:59Z	ny
> 2026-03-08T10:00:00Z	no agent in queue general is on shift
> 2026-11-01T01:59:59Z	no agent in queue general is on shift
> 2026-11-01T02:00:00Z	ny
> 2026-11-01T10:59:59Z	ny
> 2026-11-01T11:00:00Z	no agent in queue general is on shift

### --now checks shifts at that time instead of created_at, and dates assigned_at with it
$ printf '[agent a]\nqueues general\ncapacity 5\ntimezone UTC\nmon-fri 09:00-17:00\n' > team.roster
$ assign -R team.roster --now 2026-01-05T09:30:00Z | jq -c '[.id, .assignee.id, .assigned_at]'
< {"id":"x:1","direction":"in","created_at":"2026-01-03T23:00:00Z"}
< {"id":"x:2","direction":"in"}
> ["x:1","a","2026-01-05T09:30:00Z"]
> ["x:2","a","2026-01-05T09:30:00Z"]

### stickiness: a follow-up goes to the agent who has the thread, while they qualify; then the thread moves
$ cat > team.roster <<'EOF'
$ [agent a]
$ queues general
$ capacity 5
$ [agent b]
$ queues general
$ capacity 5
$ timezone UTC
$ mon-fri 09:00-12:00
$ EOF
$ assign -R team.roster | jq -c '[.id, .thread, .assignee.id]'
< {"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T10:01:00Z"}
< {"id":"x:3","direction":"in","thread":"t3","account":"Acme","created_at":"2026-01-05T10:02:00Z"}
< {"id":"x:4","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:03:00Z"}
< {"id":"x:5","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T10:04:00Z"}
< {"id":"y:1","direction":"out","thread":"t2","account":"Acme","created_at":"2026-01-05T10:30:00Z"}
< {"id":"x:6","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T11:00:00Z"}
< {"id":"x:7","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T12:00:00Z"}
< {"id":"x:8","direction":"in","thread":"t4","account":"Acme","created_at":"2026-01-05T12:01:00Z"}
> ["x:1","t1","a"]
> ["x:2","t2","b"]
> ["x:3","t3","a"]
> ["x:4","t1","a"]
> ["x:5","t2","b"]
> ["y:1","t2",null]
> ["x:6","t2","b"]
> ["x:7","t2","a"]
> ["x:8","t4","a"]

### stickiness: the agent who signed the answer (^INITIALS) has the thread
$ printf '[agent a]\ninitials AA\nqueues general\ncapacity 5\n[agent b]\ninitials BB\nqueues general\ncapacity 5\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .assignee.id]'
< {"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}
< {"id":"y:1","direction":"out","thread":"t1","account":"Acme","text":"On it.\n^BB","created_at":"2026-01-05T10:05:00Z"}
< {"id":"x:2","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:10:00Z"}
> ["x:1","a"]
> ["y:1",null]
> ["x:2","b"]

### the signature is the schema's (rec_signature): ^ or -, 1 to 16 letters or digits, trailing blanks allowed; glued to a word it signs nobody
$ printf '[agent a]\ninitials AA\nqueues general\ncapacity 5\n[agent b]\ninitials KC\nqueues general\ncapacity 5\n[agent c]\ninitials C3PO\nqueues general\ncapacity 5\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .assignee.id]'
< {"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}
< {"id":"y:1","direction":"out","thread":"t1","account":"Acme","text":"Done. -KC \n","created_at":"2026-01-05T10:05:00Z"}
< {"id":"x:2","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:10:00Z"}
< {"id":"x:3","direction":"in","thread":"t3","account":"Acme","created_at":"2026-01-05T10:11:00Z"}
< {"id":"y:3","direction":"out","thread":"t3","account":"Acme","text":"ok ^C3PO","created_at":"2026-01-05T10:12:00Z"}
< {"id":"x:4","direction":"in","thread":"t3","account":"Acme","created_at":"2026-01-05T10:13:00Z"}
< {"id":"x:5","direction":"in","thread":"t5","account":"Acme","created_at":"2026-01-05T10:14:00Z"}
< {"id":"y:5","direction":"out","thread":"t5","account":"Acme","text":"ok^KC","created_at":"2026-01-05T10:15:00Z"}
< {"id":"x:6","direction":"in","thread":"t5","account":"Acme","created_at":"2026-01-05T10:16:00Z"}
> ["x:1","a"]
> ["y:1",null]
> ["x:2","b"]
> ["x:3","c"]
> ["y:3",null]
> ["x:4","c"]
> ["x:5","a"]
> ["y:5",null]
> ["x:6","a"]

### roster initials are what a signature can carry: 17 characters, or digits alone, are a configuration error (78)
$ printf '[agent a]\ninitials ABCDEFGHIJKLMNOPQ\nqueues general\ncapacity 5\n' > r1; assign -R r1 < /dev/null; echo $?
$ printf '[agent a]\ninitials 42\nqueues general\ncapacity 5\n' > r2; assign -R r2 < /dev/null; echo $?
> 78
> 78
2> assign: r1:2: initials are 1 to 16 letters or digits, at least one a letter: ABCDEFGHIJKLMNOPQ
2> assign: r2:2: initials are 1 to 16 letters or digits, at least one a letter: 42

### capacity: nobody below capacity gets assignee null with the reason; an answer frees the slot; a held thread still counts
$ printf '[agent a]\nqueues general\ncapacity 1\n[agent b]\nqueues general\ncapacity 1\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .assignee.id, .assign_reason]'
< {"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T10:01:00Z"}
< {"id":"x:3","direction":"in","thread":"t3","account":"Acme","created_at":"2026-01-05T10:02:00Z"}
< {"id":"x:4","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T10:03:00Z"}
< {"id":"y:1","direction":"out","thread":"t1","account":"Other","created_at":"2026-01-05T10:04:00Z"}
< {"id":"x:5","direction":"in","thread":"t5","account":"Acme","created_at":"2026-01-05T10:05:00Z"}
< {"id":"y:2","direction":"out","in_reply_to":"x:1","thread":"t1","account":"Acme","created_at":"2026-01-05T10:06:00Z"}
< {"id":"x:6","direction":"in","thread":"t6","account":"Acme","created_at":"2026-01-05T10:07:00Z"}
< {"id":"x:7","direction":"in","thread":"t7","account":"Acme","created_at":"2026-01-05T10:08:00Z"}
> ["x:1","a",null]
> ["x:2","b",null]
> ["x:3",null,"every agent in queue general on shift is at capacity"]
> ["x:4","b",null]
> ["y:1",null,null]
> ["x:5",null,"every agent in queue general on shift is at capacity"]
> ["y:2",null,null]
> ["x:6","a",null]
> ["x:7",null,"every agent in queue general on shift is at capacity"]

### round-robin: the rotation in roster order, skipping who does not qualify, carried across runs by the state
$ cat > team.roster <<'EOF'
$ [agent a]
$ queues general
$ capacity 9
$ [agent b]
$ queues general
$ capacity 9
$ languages en
$ [agent c]
$ queues general
$ capacity 9
$ EOF
$ for i in 1 2 3 4; do echo "{\"id\":\"x:$i\",\"direction\":\"in\",\"created_at\":\"2026-01-05T10:00:0${i}Z\"}"; done | assign -R team.roster --strategy round-robin --state st | jq -r .assignee.id
$ echo '{"id":"x:5","direction":"in","lang":"de","created_at":"2026-01-05T10:00:05Z"}' | assign -R team.roster --strategy round-robin --state st | jq -r .assignee.id
$ echo '{"id":"x:6","direction":"in","lang":"en-GB","created_at":"2026-01-05T10:00:06Z"}' | assign -R team.roster --strategy round-robin --state st | jq -r .assignee.id
> a
> b
> c
> a
> c
> a

### least-loaded: the fewest open items wins; a tie goes to whoever waited longest for an item
$ printf '[agent a]\nqueues general\ncapacity 9\n[agent b]\nqueues general\ncapacity 9\n[agent c]\nqueues general\ncapacity 9\n' > team.roster
$ assign -R team.roster --strategy least-loaded | jq -c '[.id, .assignee.id]'
< {"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T10:01:00Z"}
< {"id":"x:3","direction":"in","thread":"t3","account":"Acme","created_at":"2026-01-05T10:02:00Z"}
< {"id":"y:1","direction":"out","thread":"t2","account":"Acme","created_at":"2026-01-05T10:03:00Z"}
< {"id":"x:4","direction":"in","thread":"t4","account":"Acme","created_at":"2026-01-05T10:04:00Z"}
< {"id":"x:5","direction":"in","thread":"t5","account":"Acme","created_at":"2026-01-05T10:05:00Z"}
< {"id":"y:2","direction":"out","thread":"t3","account":"Acme","created_at":"2026-01-05T10:06:00Z"}
< {"id":"y:3","direction":"out","thread":"t1","account":"Acme","created_at":"2026-01-05T10:06:00Z"}
< {"id":"x:6","direction":"in","thread":"t6","account":"Acme","created_at":"2026-01-05T10:07:00Z"}
< {"id":"x:7","direction":"in","thread":"t7","account":"Acme","created_at":"2026-01-05T10:08:00Z"}
> ["x:1","a"]
> ["x:2","b"]
> ["x:3","c"]
> ["y:1",null]
> ["x:4","b"]
> ["x:5","a"]
> ["y:2",null]
> ["y:3",null]
> ["x:6","c"]
> ["x:7","b"]

### no agent on shift: assignee null with the reason, the record kept, exit 0
$ printf '[agent a]\nqueues general\ncapacity 5\ntimezone Europe/Paris\nmon-fri 09:00-17:00\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .queue, .assignee, .assigned_at, .assign_reason]'
< {"id":"x:1","direction":"in","created_at":"2026-01-10T10:00:00Z"}
< {"id":"x:2","direction":"in","created_at":"2026-01-12T10:00:00Z"}
> ["x:1","general",null,null,"no agent in queue general is on shift"]
> ["x:2","general",{"id":"a","name":"a","initials":"A"},"2026-01-12T10:00:00Z",null]
? 0

### languages: the primary subtag must match when lang is known; und counts as unknown
$ printf '[agent a]\nqueues general\ncapacity 5\nlanguages fr, EN\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .assignee.id // .assign_reason]'
< {"id":"x:1","direction":"in","lang":"fr-CA","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","lang":"ja","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:3","direction":"in","lang":"und","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:4","direction":"in","lang":"en","created_at":"2026-01-05T10:00:00Z"}
> ["x:1","a"]
> ["x:2","no agent in queue general on shift speaks ja"]
> ["x:3","a"]
> ["x:4","a"]

### a queue nobody works in, and a queue whose agents do not speak the language
$ printf '[queues]\nqueue vip if has-tag vip\n[agent a]\nqueues general\ncapacity 5\nlanguages en\n' > team.roster
$ assign -R team.roster | jq -r .assign_reason
< {"id":"x:1","direction":"in","tags":["vip"],"created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","lang":"de","created_at":"2026-01-05T10:00:00Z"}
> no agent in queue vip
> no agent in queue general on shift speaks de

### inbound records already answered (sla-check found the response, or reply sent one) pass through unchanged
$ printf '[agent a]\nqueues general\ncapacity 5\n' > team.roster
$ assign -R team.roster
< {"id":"x:1","direction":"in","created_at":"2026-01-05T10:00:00Z","sla":{"status":"met","responded_at":"2026-01-05T10:10:00Z"}}
< {"id":"x:2","direction":"in","created_at":"2026-01-05T10:00:00Z","reply":{"status":"sent"}}
< {"id":"x:3","direction":"in","created_at":"2026-01-05T10:00:00Z","sla":{"status":"pending","responded_at":null},"assign_reason":"old"}
> {"id":"x:1","direction":"in","created_at":"2026-01-05T10:00:00Z","sla":{"status":"met","responded_at":"2026-01-05T10:10:00Z"}}
> {"id":"x:2","direction":"in","created_at":"2026-01-05T10:00:00Z","reply":{"status":"sent"}}
> {"id":"x:3","direction":"in","created_at":"2026-01-05T10:00:00Z","sla":{"status":"pending","responded_at":null},"queue":"general","assignee":{"id":"a","name":"a","initials":"A"},"assigned_at":"2026-01-05T10:00:00Z"}

### state: the load carries over, an answer in a later run releases it, the agent's own handle answers too
$ printf '[agent a]\nqueues general\ncapacity 1\nhandles @a_helps\n' > team.roster
$ echo '{"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}' | assign -R team.roster --state st | jq -r '.assignee.id // .assign_reason'
$ echo '{"id":"x:2","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T10:01:00Z"}' | assign -R team.roster --state st | jq -r '.assignee.id // .assign_reason'
$ echo '{"id":"y:1","direction":"out","thread":"t1","account":"Other","author":{"handle":"a_helps"},"created_at":"2026-01-05T10:02:00Z"}' | assign -R team.roster --state st > /dev/null
$ echo '{"id":"x:3","direction":"in","thread":"t3","account":"Acme","created_at":"2026-01-05T10:03:00Z"}' | assign -R team.roster --state st | jq -r '.assignee.id // .assign_reason'
$ grep -c '"open"' st/assign/state.ndjson; ls -A st st/assign
> a
> every agent in queue general on shift is at capacity
> a
> 1
> st:
> assign
>
> st/assign:
> .lock
> state.ndjson

### a state dir shared by two overlapping runs: the second exits 75 at once, or waits with --wait and sees the first's load
$ printf '[agent a]\nqueues general\ncapacity 1\n' > team.roster
$ (sleep ${CAREPIPE_WRAP:+2}4; echo '{"id":"x:1","direction":"in","thread":"t1","created_at":"2026-01-05T10:00:00Z"}') | assign -R team.roster --state st > first.out &
$ until [ -e st/assign/.lock ] && ! flock -n st/assign/.lock true; do sleep 0.1; done
$ echo '{"id":"x:2","direction":"in","thread":"t2","created_at":"2026-01-05T10:01:00Z"}' | assign -R team.roster --state st; rc=$?; flock -n st/assign/.lock true || echo "second: $rc at once, the first still running"
$ echo '{"id":"x:3","direction":"in","thread":"t3","created_at":"2026-01-05T10:02:00Z"}' | assign -R team.roster --state st --wait | jq -r '.assign_reason'; echo "third: $?"
$ wait; jq -r .assignee.id first.out
> second: 75 at once, the first still running
> every agent in queue general on shift is at capacity
> third: 0
> a
2> assign: st/assign: another run holds the lock

### an item nobody answers stops counting after release-after; an answered thread is forgotten after sticky
$ printf 'release-after 1h\nsticky 2h\n[agent a]\nqueues general\ncapacity 1\n[agent b]\nqueues general\ncapacity 1\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .assignee.id // .assign_reason]'
< {"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T10:30:00Z"}
< {"id":"x:3","direction":"in","thread":"t3","account":"Acme","created_at":"2026-01-05T10:45:00Z"}
< {"id":"x:4","direction":"in","thread":"t4","account":"Acme","created_at":"2026-01-05T11:00:00Z"}
< {"id":"y:1","direction":"out","thread":"t2","account":"Acme","created_at":"2026-01-05T11:10:00Z"}
< {"id":"x:5","direction":"in","thread":"t2","account":"Acme","created_at":"2026-01-05T12:00:00Z"}
< {"id":"y:2","direction":"out","thread":"t4","account":"Acme","created_at":"2026-01-05T12:05:00Z"}
< {"id":"y:3","direction":"out","thread":"t2","account":"Acme","created_at":"2026-01-05T12:06:00Z"}
< {"id":"x:6","direction":"in","thread":"t4","account":"Acme","created_at":"2026-01-05T14:06:00Z"}
> ["x:1","a"]
> ["x:2","b"]
> ["x:3","every agent in queue general on shift is at capacity"]
> ["x:4","a"]
> ["y:1",null]
> ["x:5","b"]
> ["y:2",null]
> ["y:3",null]
> ["x:6","a"]

### bad input: no direction, an inbound record without created_at or id, a bad created_at; the rest go on, exit 65
$ printf '[agent a]\nqueues general\ncapacity 5\n' > team.roster
$ assign -R team.roster > out; echo "exit $?"; jq -r .id out
< {"id":"x:1","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in"}
< {"direction":"in","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:4","direction":"out","created_at":"yesterday"}
< {"id":"x:5","direction":"out"}
< {"id":"x:6","direction":"in","created_at":"2026-01-05T10:00:00Z"}
> exit 65
> x:5
> x:6
2> assign: (stdin):1: no "direction" of "in" or "out"
2> assign: (stdin):2: no created_at (or give --now)
2> assign: (stdin):3: no id
2> assign: (stdin):4: created_at is not a time

### roster errors name the file and line, exit 78; a missing roster is 78 too (carepipe(7)); no roster is a usage error
$ printf '[agent a]\nqueues general\ncapacity 5\nshift day\n' > r1; assign -R r1 < /dev/null; echo $?
$ printf 'strategy fastest\n' > r2; assign -R r2 < /dev/null; echo $?
$ printf '[queues]\nqueue billing when has-tag billing\n[agent a]\nqueues billing\ncapacity 1\n' > r3; assign -R r3 < /dev/null; echo $?
$ printf '[agent a]\nqueues general\n' > r4; assign -R r4 < /dev/null; echo $?
$ printf '[agent a]\nqueues general\ncapacity 1\nmon-fri 25:00-26:00\n' > r5; assign -R r5 < /dev/null 2>/dev/null; echo $?
$ assign -R nosuch < /dev/null; echo $?
$ assign < /dev/null; echo $?
> 78
> 78
> 78
> 78
> 78
> 78
> 64
2> assign: r1:1: agent a: no [calendar day]
2> assign: r2:1: strategy is least-loaded or round-robin, not fastest
2> assign: r3:2:15: unknown action 'when' (expected queue)
2> assign: r4:1: agent a has no capacity
2> assign: nosuch: No such file or directory
2> assign: a roster is needed: -R FILE
2> usage: assign [-qv] [--bad file] [--line-buffered] [--now time] [--state dir]
2>               [--strategy least-loaded | round-robin] [--strict] [--wait]
2>               -R roster [file ...]

### --now takes what every program's --now takes (RFC 3339, now, -DURATION); anything else is a usage error, 64
$ printf '[agent a]\nqueues general\ncapacity 5\n' > team.roster
$ assign -R team.roster --now -1h < /dev/null; echo $?
$ assign -R team.roster --now now < /dev/null; echo $?
$ assign -R team.roster --now soon < /dev/null; echo $?
$ assign -R team.roster --strategy fastest < /dev/null 2>/dev/null; echo $?
> 0
> 0
> 64
> 64
2> assign: --now wants a time such as 2026-01-05T09:00:00Z, now or -1h: soon
2> usage: assign [-qv] [--bad file] [--line-buffered] [--now time] [--state dir]
2>               [--strategy least-loaded | round-robin] [--strict] [--wait]
2>               -R roster [file ...]

### the roster is read by common's line-and-section reader: a NUL byte, a second [calendar NAME] and a second [agent ID] name their line, 78
$ printf '[agent a]\nqueu\0es general\n' > r1; assign -R r1 < /dev/null; echo $?
$ printf '[calendar c]\nmon-fri 09:00-17:00\n[calendar c]\n' > r2; assign -R r2 < /dev/null; echo $?
$ printf '[agent a]\nqueues general\ncapacity 1\n[agent a]\n' > r3; assign -R r3 < /dev/null; echo $?
> 78
> 78
> 78
2> assign: r1:2: NUL byte
2> assign: r2:3: calendar c is defined twice
2> assign: r3:4: agent a is listed twice

### a follow-up that no rule places stays in its thread's queue, with its agent
$ printf '[queues]\nqueue billing if keywords "refund"\n[agent a]\nqueues general\ncapacity 5\n[agent b]\nqueues billing\ncapacity 5\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .queue, .assignee.id]'
< {"id":"x:1","direction":"in","thread":"t1","text":"I want a refund","created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","thread":"t1","text":"order 1234","created_at":"2026-01-05T10:01:00Z"}
< {"id":"x:3","direction":"in","thread":"t3","text":"order 1234","created_at":"2026-01-05T10:02:00Z"}
> ["x:1","billing","b"]
> ["x:2","billing","b"]
> ["x:3","general","a"]

### man page example: the example team on the example mentions
$ ln -s $TOP/examples examples
$ assign -R examples/assign/team.roster examples/assign/mentions.ndjson |
$     jq -c '[.id, .queue, .assignee.initials, .assign_reason]'
> ["twitter:1001","billing","CM",null]
> ["twitter:1002","fr","JD",null]
> ["twitter:1003","lead","CM",null]
> ["twitter:1004","general",null,"no agent in queue general on shift speaks ja"]
> ["twitter:1005","billing","CM",null]
> ["twitter:1006",null,null,null]
> ["twitter:1007","vip","CM",null]
> ["twitter:1008","tech","LC",null]
> ["twitter:1009","general","HW",null]
> ["twitter:1010","billing","CM",null]
> ["twitter:1011","general",null,"no agent in queue general is on shift"]

### man page examples: round-robin with a state dir, what stays open, and the count per agent
$ ln -s $TOP/examples examples
$ assign -R examples/assign/team.roster --state state --strategy round-robin \
$     examples/assign/mentions.ndjson > assigned.ndjson
$ grep -c '"open"' state/assign/state.ndjson
$ jq -r '.assignee.id // empty' assigned.ndjson | sort | uniq -c
> 6
>       6 cmartin
>       1 hweber
>       1 lcosta

### --help prints the synopsis of the man page
$ assign --help | head -3
> usage: assign [-qv] [--bad file] [--line-buffered] [--now time] [--state dir]
>               [--strategy least-loaded | round-robin] [--strict] [--wait]
>               -R roster [file ...]

### lead-queue none: escalations go through the rules like the rest
$ printf 'lead-queue none\n[queues]\nqueue billing if has-tag billing\n[agent a]\nqueues general, billing\ncapacity 5\n' > team.roster
$ assign -R team.roster | jq -r .queue
< {"id":"x:1","direction":"in","escalate":true,"tags":["billing"],"created_at":"2026-01-05T10:00:00Z"}
< {"id":"x:2","direction":"in","escalate":true,"created_at":"2026-01-05T10:00:00Z"}
> billing
> general

### state: a damaged state file is refused (65); an agent dropped from the roster loses their items
$ printf '[agent a]\nqueues general\ncapacity 1\n[agent b]\nqueues general\ncapacity 1\n' > team.roster
$ echo '{"id":"x:1","direction":"in","thread":"t1","created_at":"2026-01-05T10:00:00Z"}' | assign -R team.roster --state st | jq -r .assignee.id
$ printf '[agent b]\nqueues general\ncapacity 1\n' > team.roster
$ echo '{"id":"x:2","direction":"in","thread":"t1","created_at":"2026-01-05T10:01:00Z"}' | assign -R team.roster --state st | jq -r .assignee.id
$ grep -c '"thread"' st/assign/state.ndjson
$ echo 'garbage' > st/assign/state.ndjson; assign -R team.roster --state st < /dev/null; echo $?
> a
> b
> 1
> 65
2> assign: st/assign/state.ndjson:1: not an assign state file; move it away to start over

### the lock is assign's own: a run holding DIR/.lock (fetch-mentions in the same pipeline) does not stop it
$ printf '[agent a]\nqueues general\ncapacity 1\n' > team.roster
$ mkdir st; flock st/.lock sleep 2 &
$ until ! flock -n st/.lock true; do sleep 0.1; done
$ echo '{"id":"x:1","direction":"in","created_at":"2026-01-05T10:00:00Z"}' | assign -R team.roster --state st | jq -r .assignee.id; wait
> a
