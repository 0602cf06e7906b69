#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# reply: the length by each platform's own rule, shown in the record
# (reply.length, reply.limit), and the texts a platform would refuse.  The
# X figures are twitter-text 3.1.0's (tests/cli/textlen-twitter.t holds
# the count to it).
__TABLE__

### the preview shows the length and the limit it was held to
$ cat > in; reply --text 'Thanks, see https://example.com/help/a/very/long/link 好' in | jq -c '[.id, .reply.status, .reply.length, .reply.limit]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
< {"id":"mastodon:1","platform":"mastodon","direction":"in","author":{"handle":"@bob"}}
< {"id":"bluesky:1","platform":"bluesky","direction":"in"}
< {"id":"reddit:1","platform":"reddit","direction":"in"}
> ["twitter:1","preview",38,280]
> ["mastodon:1","preview",42,500]
> ["bluesky:1","preview",55,300]
> ["reddit:1","preview",55,10000]

### X: an emoji and 300 variation selectors weigh 602, not 2: not posted
$ cat > in; reply --text "😀$(printf '\357\270\217%.0s' $(seq 300))" in | jq -c '[.reply.status, .reply.reason, .reply.length, .reply.limit]'
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> ["skipped","too long for twitter: 602 weighted characters, the limit is 280",602,280]

### X: a bare ccTLD domain is a URL (23), an IP address is not
$ cat > in; reply --text 'see example.io' in | jq -c .reply.length; reply --text 'see http://192.168.1.1/x' in | jq -c .reply.length
< {"id":"twitter:1","platform":"twitter","direction":"in"}
> 27
> 24

### X: a text with U+FEFF is refused by X: not posted
$ printf '{"id":"twitter:1","platform":"twitter","direction":"in"}\n' > in; reply --text "$(printf 'Hi\357\273\277there')" in | jq -c '[.reply.status, .reply.reason]'
> ["skipped","twitter refuses a text with U+FFFE, U+FEFF or U+FFFF"]

### a reply of no-break and thin spaces is empty
$ printf '{"id":"twitter:1","platform":"twitter","direction":"in","author":{"name":"\\u00a0\\u2009"}}\n' > in; reply --text '{{author.name}}' in | jq -c '[.reply.status, .reply.reason, .reply.text]'; reply --text "$(printf '\302\240 \342\200\211')" in | jq -c '[.reply.status, .reply.reason]'
> ["skipped","empty after expansion",null]
> ["skipped","empty after expansion"]

### blanks around a reply are trimmed, whatever kind
$ printf '{"id":"twitter:1","platform":"twitter","direction":"in"}\n' > in; reply --text "$(printf '\342\200\203Hello\302\240')" in | jq -c '[.reply.text, .reply.length]'
> ["Hello",5]
