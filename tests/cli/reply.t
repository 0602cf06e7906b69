#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# reply: templates, the saved-reply library, guards, length limits and the
# preview.  Posting, the journal across crashes and the mocks are in
# reply-send.t and reply-exactly-once.t.
__TABLE__

### preview: the record gains reply, every other byte passes through
$ reply --text 'Hi {{author.name|there}}, sorry about that.' --agent JD --now 2024-05-01T12:00:00Z
< {"id":"twitter:1", "platform":"twitter","account":"AcmeCare","direction":"in","author":{"handle":"jane","name":"Jane"},"text":"caf\u00e9 bill"}
> {"id":"twitter:1", "platform":"twitter","account":"AcmeCare","direction":"in","author":{"handle":"jane","name":"Jane"},"text":"caf\u00e9 bill","reply":{"status":"preview","text":"Hi Jane, sorry about that. ^JD","length":30,"limit":280,"at":"2024-05-01T12:00:00Z"}}

### placeholders: handle, account, tags.0, agent placed by the template, fallbacks
$ reply --text '@{{author.handle}} {{author.name|there}}: {{tags.0}} via {{account}} {{agent}} {{tags.5|-}}' --agent '^AB' | jq -r .reply.text
< {"id":"twitter:1","platform":"twitter","account":"AcmeCare","direction":"in","author":{"handle":"jane"},"tags":["billing","refund"]}
> @jane there: billing via AcmeCare ^AB -

### injection: a name or text that looks like a placeholder or jq stays text
$ reply --text 'Hi {{author.name}}, you wrote: {{text}} {{agent}}' --agent JD | jq -r .reply.text
< {"id":"twitter:1","platform":"twitter","direction":"in","author":{"name":"{{agent}}"},"text":"{{author.name|x}} $__loc__ | env | .token \\(1+1)"}
> Hi {{agent}}, you wrote: {{author.name|x}} $__loc__ | env | .token \(1+1) ^JD

### injection through --jq: the record is data, never code
$ reply --jq '"Hi \(.author.name), about \(.text)"' | jq -r .reply.text
< {"id":"twitter:1","platform":"twitter","direction":"in","author":{"name":"\\(env)"},"text":"{{agent}} | input"}
> Hi \(env), about {{agent}} | input

### --jq with --agent signs at the end
$ reply --jq '"Thanks " + (.author.handle // "there") + "!"' --agent JD | jq -r .reply.text
< {"id":"twitter:1","platform":"twitter","direction":"in","author":{"handle":"jane"}}
> Thanks jane! ^JD

### --jq that gives no string fails the record, exit 65
$ reply --jq '.author' | jq -c .reply
< {"id":"twitter:1","platform":"twitter","direction":"in","author":{"handle":"jane"}}
>~ \{"status":"failed","reason":"--jq gave a object, not a string","at":"[0-9T:Z-]+"\}
? 0

### --jq that gives no string: reply's own exit status is 65
$ reply --jq '.author' > out.ndjson
< {"id":"twitter:1","platform":"twitter","direction":"in","author":{"handle":"jane"}}
? 65

### library: the first tag with a saved reply wins, in the record's language
$ reply --library $TOP/examples/replies --agent JD | jq -r .reply.text
< {"id":"twitter:1","platform":"twitter","direction":"in","author":{"name":"Jane"},"tags":["vip","praise","billing"]}
< {"id":"twitter:2","platform":"twitter","direction":"in","author":{"name":"Jeanne"},"lang":"fr-CA","tags":["praise"]}
< {"id":"twitter:3","platform":"twitter","direction":"in","author":{},"tags":["no-such-tag"]}
< {"id":"twitter:4","platform":"twitter","direction":"in","author":{},"lang":"fr"}
> This made our day, Jane. Thank you! I'll make sure the team sees it. ^JD
> Vous avez illuminé notre journée, Jeanne ! Je fais passer le message à toute l'équipe. ^JD
> Hi there, thanks for getting in touch. We've got your message and someone will be back to you shortly. ^JD
> Bonjour à vous, merci pour votre message. On l'a bien reçu et quelqu'un revient vers vous très vite. ^JD

### library: a tag is never a path
$ mkdir lib; echo 'safe {{agent}}' > lib/default.txt; echo secret > secret.txt; reply --library lib | jq -r .reply.text
< {"id":"twitter:1","platform":"twitter","direction":"in","tags":["../secret","default.fr","/etc/passwd"]}
> safe

### library without default: no saved reply is a skip
$ mkdir lib; echo 'about billing' > lib/billing.txt; reply --library lib | jq -c '.reply | [.status, .reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in","tags":["praise"]}
> ["skipped","no saved reply for its tags, and no default.txt in lib"]

### library: a broken template stops the run before anything, naming the file
$ mkdir lib; printf 'ok\nHi {{author.name\n' > lib/bug.txt; reply --library lib < /dev/null
2> reply: lib/bug.txt:2: '{{' does not start a placeholder {{name}} or {{name|fallback}}
? 78

### --text with a broken placeholder
$ reply --text 'Hi {{ }}' < /dev/null
2> reply: --text:1: '{{' does not start a placeholder {{name}} or {{name|fallback}}
? 78

### guards: outbound, answered later in the stream, answered earlier, escalated
$ reply --text 'Hello' | jq -c '[.id, .reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
< {"id":"twitter:2","platform":"twitter","direction":"out","in_reply_to":"twitter:9"}
< {"id":"twitter:3","platform":"twitter","direction":"in","escalate":true}
< {"id":"twitter:9","platform":"twitter","direction":"in"}
< {"id":"twitter:5","platform":"twitter","direction":"out","in_reply_to":"twitter:1"}
> ["twitter:1","skipped","already answered by twitter:5 in the input"]
> ["twitter:2","skipped","outbound: the brand's own post"]
> ["twitter:3","skipped","escalated: a person answers this one (--allow-escalated to reply anyway)"]
> ["twitter:9","skipped","already answered by twitter:2 in the input"]
> ["twitter:5","skipped","outbound: the brand's own post"]

### --allow-escalated answers escalated records
$ reply --text 'Hello' --allow-escalated | jq -c '[.id, .reply.status]'
< {"id":"twitter:3","platform":"twitter","direction":"in","escalate":true}
> ["twitter:3","preview"]

### a second copy of a record in the same run is skipped
$ reply --text 'Hello' | jq -c '[.id, .reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["twitter:1","preview",null]
> ["twitter:1","skipped","a second copy of a record already handled in this run"]

### a record an earlier reply run sent passes through untouched
$ reply --text 'Hello'
< {"id":"twitter:1","platform":"twitter","direction":"in","reply":{"status":"sent","id":"twitter:7"}}
> {"id":"twitter:1","platform":"twitter","direction":"in","reply":{"status":"sent","id":"twitter:7"}}

### a record that preview only saw is answered again
$ reply --text 'Hello' --now 2024-01-01T00:00:00Z
< {"id":"twitter:1","platform":"twitter","direction":"in","reply":{"status":"preview","text":"old"}}
> {"id":"twitter:1","platform":"twitter","direction":"in","reply":{"status":"preview","text":"Hello","length":5,"limit":280,"at":"2024-01-01T00:00:00Z"}}

### empty after expansion
$ reply --text ' {{author.nickname}} ' | jq -c '[.reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["skipped","empty after expansion"]

### platforms without replies, and --dm where there are no private messages
$ reply --text 'Hello' --dm | jq -c '[.id, .reply.status, .reply.reason]'
< {"id":"forum:1","platform":"forum","direction":"in"}
< {"id":"bluesky:1","platform":"bluesky","direction":"in"}
< {"id":"twitter:1","platform":"twitter","direction":"in"}
< {"id":"reddit:1","platform":"reddit","direction":"in"}
> ["forum:1","skipped","carepipe cannot reply on platform \"forum\""]
> ["bluesky:1","skipped","bluesky has no private messages (drop --dm)"]
> ["twitter:1","preview",null]
> ["reddit:1","preview",null]

### Mastodon: the customer is addressed, so the reply reaches them
$ reply --text 'Thanks {{author.name|there}}' | jq -r .reply.text
< {"id":"mastodon:1","platform":"mastodon","direction":"in","author":{"handle":"eve@social.example"}}
< {"id":"mastodon:2","platform":"mastodon","direction":"in","author":{"handle":"@bob"}}
< {"id":"mastodon:3","platform":"mastodon","direction":"in","author":{"handle":"eve@social.example"}}
> @eve@social.example Thanks there
> @bob Thanks there
> @eve@social.example Thanks there

### X: 280 weighted; a URL counts 23 however long
$ cat > in; u=https://example.com/help/articles/billing-and-invoices/why-is-my-bill-higher-this-month; reply --text "$(printf 'x%.0s' $(seq 256)) $u" in | jq -c '[.reply.status, .reply.reason]'; reply --text "$(printf 'x%.0s' $(seq 257)) $u" in | jq -c '[.reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["preview",null]
> ["skipped","too long for twitter: 281 weighted characters, the limit is 280"]

### X: CJK characters count 2
$ cat > in; reply --text "$(printf '好%.0s' $(seq 140))" in | jq -c '[.reply.status, .reply.reason]'; reply --text "$(printf '好%.0s' $(seq 141))" in | jq -c '[.reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["preview",null]
> ["skipped","too long for twitter: 282 weighted characters, the limit is 280"]

### X: an emoji counts 2, a whole ZWJ family too
$ cat > in; reply --text "$(printf '👨‍👩‍👧‍👦%.0s' $(seq 140))" in | jq -c '[.reply.status, .reply.reason]'; reply --text "$(printf '😀%.0s' $(seq 141))" in | jq -c '[.reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["preview",null]
> ["skipped","too long for twitter: 282 weighted characters, the limit is 280"]

### X: the limit counts after expansion, with the customer's long name in it
$ reply --text "Hi {{author.name}} $(printf 'x%.0s' $(seq 270))" | jq -c '[.reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in","author":{"name":"Al"}}
< {"id":"twitter:2","platform":"twitter","direction":"in","author":{"name":"Alexandra"}}
> ["preview",null]
> ["skipped","too long for twitter: 283 weighted characters, the limit is 280"]

### X DMs allow 10,000 characters
$ reply --dm --text "$(printf '好%.0s' $(seq 141))" | jq -c '[.reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["preview",null]

### Mastodon: 500, URLs 23, the @mention by its local part
$ cat > in; reply --text "$(printf 'é%.0s' $(seq 471)) https://example.com/a/very/long/path/indeed/yes" in | jq -c '[.reply.status, .reply.reason]'; reply --text "$(printf 'é%.0s' $(seq 472)) https://example.com/a" in | jq -c '[.reply.status, .reply.reason]'
< {"id":"mastodon:1","platform":"mastodon","direction":"in","author":{"handle":"eve@a-very-long-instance-name.example.social"}}
> ["preview",null]
> ["skipped","too long for mastodon: 501 characters, the limit is 500"]

### Bluesky: 300 graphemes, URLs in full
$ cat > in; reply --text "$(printf 'x%.0s' $(seq 280)) https://example.com/abc" in | jq -c '[.reply.status, .reply.reason]'; reply --text "$(printf '🇫🇷%.0s' $(seq 300))" in | jq -c '[.reply.status, .reply.reason]'
< {"id":"bluesky:1","platform":"bluesky","direction":"in"}
> ["skipped","too long for bluesky: 304 characters, the limit is 300"]
> ["preview",null]

### Reddit: 10,000
$ reply --text "$(printf 'x%.0s' $(seq 10001))" | jq -c '[.reply.status, .reply.reason]'
< {"id":"reddit:1","platform":"reddit","direction":"in"}
> ["skipped","too long for reddit: 10001 characters, the limit is 10000"]

### --max caps the run; the rest are skipped with the reason
$ reply --text 'Hello' --max 2 | jq -c '[.id, .reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
< {"id":"twitter:2","platform":"twitter","direction":"out"}
< {"id":"twitter:3","platform":"twitter","direction":"in"}
< {"id":"twitter:4","platform":"twitter","direction":"in"}
> ["twitter:1","preview",null]
> ["twitter:2","skipped","outbound: the brand's own post"]
> ["twitter:3","preview",null]
> ["twitter:4","skipped","run limit reached (--max 2)"]

### the journal: a mention it has answered is skipped, even in preview
$ printf '{"event":"intent","mention":"twitter:1","key":"k","dm":false,"text":"Hi","at":"2024-01-01T00:00:00Z"}\n{"event":"done","mention":"twitter:1","id":"twitter:77","url":null,"at":"2024-01-01T00:00:01Z"}\n' > j; reply --text Hello --journal j | jq -c '[.id, .reply.status, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
< {"id":"twitter:2","platform":"twitter","direction":"in"}
> ["twitter:1","skipped","already answered by twitter:77 (journal)"]
> ["twitter:2","preview",null]

### the journal: an unknown outcome shows in preview with the text that was tried
$ printf '{"event":"intent","mention":"twitter:1","key":"k","dm":false,"text":"Old text","at":"2024-01-01T00:00:00Z"}\n' > j; reply --text Hello --journal j | jq -c '[.reply.status, .reply.text, .reply.reason]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["preview","Old text","an earlier post's outcome is unknown: --send looks for it before posting"]

### the journal: a torn last line is cut off; the file keeps mode 0600
$ printf '{"event":"intent","mention":"twitter:1","key":"k","dm":false,"text":"A","at":"x"}\n{"event":"done","ment' > j; chmod 600 j; reply --text Hello --journal j | jq -c .reply.status; cat j; stat -c %a j
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> "preview"
> {"event":"intent","mention":"twitter:1","key":"k","dm":false,"text":"A","at":"x"}
> 600

### the journal: a new one is created 0600
$ umask 022; reply --text Hello --journal new.journal < /dev/null; stat -c %a new.journal
> 600

### the journal: a damaged line stops the run before anything
$ printf 'garbage\n{"event":"done","mention":"twitter:1"}\n' > j; reply --text Hello --journal j < /dev/null
2> reply: j:1: not a journal entry; the journal is damaged, and reply will not guess what was sent
? 65

### the journal: one run at a time (the lock is held until reply has tried, however slow it starts)
$ : > j; flock j sh -c 'touch held; until [ -e tried ]; do sleep 0.1; done' & until [ -e held ]; do sleep 0.05; done; reply --text Hello --journal j < /dev/null; rc=$?; touch tried; wait; exit $rc
2> reply: j: another reply run holds this journal
? 75

### bad lines: no direction, no id; the good records survive, exit 65
$ reply --text Hello --bad bad.txt > out; rc=$?; jq -c '[.id, .reply.status]' out; exit $rc
< {"id":"twitter:1","platform":"twitter"}
< {"platform":"twitter","direction":"in"}
< not json
< {"id":"twitter:2","platform":"twitter","direction":"in"}
> ["twitter:2","preview"]
2> reply: (stdin):1: no "direction" of "in" or "out"
2> reply: (stdin):2: no "id" string
2> reply: (stdin):3: invalid literal at byte 1
2> reply: 0 sent, 1 previewed, 0 skipped, 0 failed
? 65
= bad.txt
=| {"id":"twitter:1","platform":"twitter"}
=| {"platform":"twitter","direction":"in"}
=| not json

### usage: one text source is required
$ reply < /dev/null
2> reply: give one of --text, --library or --jq
2>~ usage: reply .*
2>~ .*
2>~ .*
2>~ .*
? 64

### usage: --send needs a journal and a config (none found anywhere: 78)
$ reply --text Hi --send < /dev/null; echo $?; reply --text Hi --send --journal j < /dev/null; echo $?
> 64
> 78
2> reply: --send needs --journal FILE: it is what keeps a mention from being answered twice
2> usage: reply [-qv] [--agent initials] [--allow-escalated] [--bad file] [--cacert file]
2>              [--config file] [--dm] [--journal file] [--max n] [--now time]
2>              [--rate n/min] [--send] [--source name] [--strict]
2>              --text template | --library dir | --jq expr [file ...]
2>~ reply: --send: no carepipe.conf: give --config FILE or set CAREPIPE_CONFIG \(looked for ./carepipe.conf, /tmp/carepipe-t-\w+/.config/carepipe/carepipe.conf, /etc/carepipe/carepipe.conf\)

### usage: bad --max, --rate, --agent, --now
$ for o in '--max x' '--rate 0/min' '--rate 5/hour' '--agent J{D}' '--now yesterday'; do reply --text Hi $o < /dev/null; echo $?; done 2>/dev/null
> 64
> 64
> 64
> 64
> 64

### --agent takes only initials kpi-report and assign read back: 1-16 letters or digits, one a letter
$ for a in J.D 12 '' ABCDEFGHIJKLMNOPQ; do reply --text Hi --agent "$a" < /dev/null; echo $?; done 2>/dev/null
> 64
> 64
> 64
> 64
$ reply --text Hi --agent J.D < /dev/null
2> reply: --agent wants initials, such as JD: J.D
2> usage: reply [-qv] [--agent initials] [--allow-escalated] [--bad file] [--cacert file]
2>              [--config file] [--dm] [--journal file] [--max n] [--now time]
2>              [--rate n/min] [--send] [--source name] [--strict]
2>              --text template | --library dir | --jq expr [file ...]
? 64

### --agent ^JD2: letters and digits sign as given
$ echo '{"id":"x:1","platform":"twitter","direction":"in"}' | reply -q --text Hi --agent ^JD2 | jq -r .reply.text
> Hi ^JD2

### an empty input is fine
$ reply --text Hi < /dev/null

### gzip input
$ printf '{"id":"twitter:1","platform":"twitter","direction":"in"}\n' | gzip > in.gz; reply --text Hi in.gz | jq -c .reply.status
> "preview"

### a preview reads regular files again instead of spooling them: the same answers as from a pipe
$ printf '%s\n' '{"id":"twitter:1","platform":"twitter","direction":"in"}' 'not json' '{"id":"twitter:2","platform":"twitter","direction":"in"}' '{"id":"twitter:9","platform":"twitter","direction":"out","in_reply_to":"twitter:2"}' '{"platform":"twitter"}' '' > f; printf '%s\n' '{"id":"twitter:3","platform":"twitter","direction":"in"}' | gzip > g.gz; reply -q --now 2024-05-01T12:00:00Z --text Hi f g.gz f > a 2>/dev/null; cat f | reply -q --now 2024-05-01T12:00:00Z --text Hi - g.gz f > b 2>/dev/null; cmp a b && jq -r '[.id, .reply.status] | join(" ")' a
> twitter:1 preview
> twitter:2 skipped
> twitter:9 skipped
> twitter:3 preview
> twitter:1 skipped
> twitter:2 skipped
> twitter:9 skipped

### a preview on standard input read from a regular file starts where the file was left
$ printf '%s\n' '{"id":"twitter:1","platform":"twitter","direction":"in"}' '{"id":"twitter:2","platform":"twitter","direction":"in"}' > f; { read -r x; reply -q --text Hi; } < f | jq -r .id
> twitter:2

### a named pipe among the inputs is read once, not opened to be checked first
$ mkfifo p; (printf '%s\n' '{"id":"twitter:1","platform":"twitter","direction":"in"}' > p &); reply -q --text Hi p | jq -r .reply.status
> preview

### write errors are exit 74
$ echo '{"id":"twitter:1","platform":"twitter","direction":"in"}' | reply --text Hi > /dev/full
2> reply: 0 sent, 1 previewed, 0 skipped, 0 failed
2>~ reply: write error: .*
? 74

### man page example: preview with the saved replies, then read the texts
$ cp -r $TOP/examples .
$ printf '%s\n' '{"id":"twitter:1","platform":"twitter","account":"AcmeCare","direction":"in","author":{"name":"Ana"},"tags":["shipping"]}' '{"id":"twitter:2","platform":"twitter","account":"AcmeCare","direction":"in","author":{"name":"Luc"},"lang":"fr","tags":["outage"]}' > mentions.ndjson
$ reply --library examples/replies --agent JD mentions.ndjson > preview.ndjson
$ jq -r 'select(.reply.status == "preview") | .reply.text' preview.ndjson
> Hi Ana, let's find that parcel. DM us your order number and postcode and we'll chase the courier for you. ^JD
> Bonjour Luc, vous ne rêvez pas : on a un souci en ce moment et l'équipe est dessus. Suivi en direct sur https://status.example.com. Désolé pour la gêne. ^JD

### man page example: ask for an order number in private
$ printf '%s\n' '{"id":"twitter:1","platform":"twitter","account":"AcmeCare","direction":"in","author":{"name":"Ana"}}' '{"id":"mastodon:2","platform":"mastodon","account":"acme","direction":"in","author":{"handle":"luc@piaille.example"}}' > mentions.ndjson
$ reply --dm --max 5 --agent JD \
$     --text 'Hi {{author.name|there}}, could you send us your order number? {{agent}}' \
$     mentions.ndjson > out.ndjson
$ jq -c '[.id, .reply.status, .reply.text]' out.ndjson
> ["twitter:1","preview","Hi Ana, could you send us your order number? ^JD"]
> ["mastodon:2","preview","@luc@piaille.example Hi there, could you send us your order number? ^JD"]

### --now -DURATION: before the clock, as every --now reads it
$ echo '{"id":"x:1","platform":"twitter","direction":"in"}' | reply -q --text Hi --now -1h | jq -r '(now - (.reply.at | fromdateiso8601)) | . > 3590 and . < 3700'
> true
