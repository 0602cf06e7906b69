#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# Saved replies are checked when reply starts (issue 18, item 12): a NUL
# byte or bytes that are not UTF-8 in any template of --library or in
# --text stop the run with 78 FILE:LINE before a record is read.  reply(1),
# TEMPLATES.
__TABLE__

### a NUL byte in a saved reply is refused at start-up, not cut off (the reported case)
$ mkdir lib; printf 'Hello\n\nthanks \000 and more {{author.name}}\n' > lib/default.txt
$ echo '{"id":"x:1","platform":"mastodon","direction":"in"}' | reply --library lib
? 78
2> reply: lib/default.txt:3: a NUL byte: a saved reply is text

### invalid UTF-8 in any saved reply is refused at start-up (78), not per record (65)
$ mkdir lib; echo 'Hello' > lib/default.txt; printf 'About billing\n\303(\n' > lib/billing.txt
$ echo '{"id":"x:1","platform":"mastodon","direction":"in","tags":["praise"]}' | reply --library lib
? 78
2> reply: lib/billing.txt:2: not valid UTF-8

### an encoded surrogate is not UTF-8 either
$ mkdir lib; printf 'x \355\240\200\n' > lib/default.txt; reply --library lib < /dev/null
? 78
2> reply: lib/default.txt:1: not valid UTF-8

### --text is checked the same way
$ reply --text "$(printf 'Hi\n\377 there')" < /dev/null
? 78
2> reply: --text:2: not valid UTF-8

### a NUL byte from a record's value fails that record (65) instead of cutting the reply
$ reply --text 'Hi {{author.name}}, thanks' > out.ndjson; echo "exit $?"; jq -c '[.reply.status, .reply.reason]' out.ndjson
< {"id":"x:1","platform":"mastodon","direction":"in","author":{"name":"Ann\u0000Evil"}}
< {"id":"x:2","platform":"mastodon","direction":"in","author":{"name":"Bob"}}
> exit 65
> ["failed","the reply holds a NUL byte"]
> ["preview",null]

### good UTF-8 templates in several languages still load
$ mkdir lib; echo 'Merci {{author.name|à vous}} 🙏' > lib/default.fr.txt; echo 'Thanks' > lib/default.txt
$ echo '{"id":"x:1","platform":"mastodon","direction":"in","lang":"fr","author":{"handle":"ann"}}' | reply --library lib | jq -r .reply.text
> Merci à vous 🙏
