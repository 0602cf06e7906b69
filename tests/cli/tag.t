#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# tag(1): rules, keywords (Unicode), regular expressions, fields, jq, actions,
# sentiment, priority and escalation, filters, --explain, and bad rules files.
__TABLE__

### every other byte passes through; tag's keys go last, in a fixed order
$ tag -r 'tag billing if keywords "invoice"'
< {"id":"t:1", "text":"My invoice is wrong" ,"n":[1, 2.50]}
> {"id":"t:1", "text":"My invoice is wrong" ,"n":[1, 2.50],"tags":["billing"],"lang":"en","sentiment":{"score":-0.754,"label":"negative"},"priority":"normal","escalate":false}

### existing tags are kept, in their order and bytes, and new ones deduplicated after them
$ tag -r 'tag billing tag refund if keywords "refund"' -r 'tag refund if true'
< {"text":"refund please","tags":["vip", "billing"]}
>~ .*"tags":\["vip", "billing","refund"\].*

### keywords: the same word whole and with a * are two keywords, each matched
$ tag -r 'tag whole if keywords "refund"' -r 'tag prefix if keywords "refund*"' | jq -c .tags
< {"text":"refund please"}
< {"text":"refunds please"}
> ["whole","prefix"]
> ["prefix"]

### a rule whose every alternative needs a keyword (or ten digits) is tried only when one is found, with the same result
$ tag -r 'tag x if keywords "refund" or "money" near/2 "back" or phone-number and not keywords "order"' -r 'tag y if (keywords "late" or sentiment.label = negative) and keywords "parcel"' | jq -c .tags
< {"text":"refund please"}
< {"text":"I want my money back"}
< {"text":"call me on 0612345678 please"}
< {"text":"order 0612345678 please"}
< {"text":"call me on 06123456 please"}
< {"text":"the parcel is late"}
< {"text":"hello"}
> ["x"]
> ["x"]
> ["x"]
> []
> []
> ["y"]
> []

### a record no rule tags still gets an empty tags array
$ tag -r 'tag billing if keywords "invoice"' | jq -c .tags
< {"text":"hello"}
> []

### keywords: case-insensitive whole words
$ tag -r 'tag billing if keywords "bill"' | jq -c .tags
< {"text":"My BILL is late"}
< {"text":"billing is late"}
< {"text":"bill."}
< {"text":"a_bill"}
> ["billing"]
> []
> ["billing"]
> []

### keywords: a trailing or leading * lifts the whole-word rule on that side
$ tag -r 'tag refund if keywords "refund*"' -r 'tag x if keywords "*ware"' | jq -c .tags
< {"text":"Refunds!"}
< {"text":"malware found"}
< {"text":"prefund"}
> ["refund"]
> ["x"]
> []

### keywords: accents are ignored both ways, and composed or decomposed alike
$ tag -r 'tag billing if keywords "facture"' -r 'tag cafe if keywords "café"' | jq -c .tags
< {"text":"FACTURÉE? non: facturé"}
< {"text":"ma FACTURE"}
< {"text":"un cafe\u0301 noir"}
< {"text":"CAFE"}
> ["billing"]
> ["billing"]
> ["cafe"]
> ["cafe"]

### keywords: Turkish dotted and dotless i fold to i
$ tag -r 'tag tr if keywords "kimlik"' -r 'tag ist if keywords "istanbul"' | jq -c .tags
< {"text":"KİMLİK kartım"}
< {"text":"kımlık"}
< {"text":"İSTANBUL'da"}
> ["tr"]
> ["tr"]
> ["ist"]

### keywords: German sharp s matches ss, and capital sharp s too
$ tag -r 'tag de if keywords "straße"' | jq -c .tags
< {"text":"Hauptstrasse? nein: STRASSE"}
< {"text":"die Straße"}
< {"text":"STRAẞE"}
> ["de"]
> ["de"]
> ["de"]

### keywords: CJK keywords match inside a run of ideographs
$ tag -r 'tag refund if keywords "退款"' | jq -c .tags
< {"text":"我要退款了"}
< {"text":"退"}
> ["refund"]
> []

### keywords: emoji are tokens, with or without skin tones and variation selectors
$ tag -r 'tag angry if keywords "😡"' -r 'tag ok if keywords "👍"' -r 'tag love if keywords "❤"' | jq -c .tags
< {"text":"so late😡😡"}
< {"text":"thanks 👍🏽"}
< {"text":"❤️ it"}
> ["angry"]
> ["ok"]
> ["love"]

### keywords: a phrase matches across any run of white space, not across words
$ tag -r 'tag billing if keywords "charged twice"' | jq -c .tags
< {"text":"CHARGED\n  twice!"}
< {"text":"charged me twice"}
> ["billing"]
> []

### overlapping keywords and phrases in several rules all fire, in rule order
$ tag -r 'tag card if keywords "card"' -r 'tag credit if keywords "credit card", "credit"' -r 'tag login if keywords "log in", "login"' -r 'tag log if keywords "log"' | jq -c .tags
< {"text":"can't log in with my credit card"}
< {"text":"creditcard login"}
> ["card","credit","login","log"]
> ["login"]

### near/N: terms within N words, either order; N = 0 is adjacent; punctuation is not a word; a repeated term needs two occurrences
$ tag -r 'tag n0 if "phone number" near/0 "leaked"' -r 'tag n2 if "gave" near/2 "address"' -r 'tag rep if "call" near/1 "call"' | jq -c .tags
< {"text":"They leaked my phone number"}
< {"text":"my phone number leaked"}
< {"text":"my phone number, leaked!"}
< {"text":"my phone number was leaked"}
< {"text":"my ADDRESS: they gave it away"}
< {"text":"they gave my home address away"}
< {"text":"they gave my old home address away"}
< {"text":"call me, call"}
< {"text":"call"}
< {"text":"call them now call"}
> []
> ["n0"]
> ["n0"]
> []
> ["n2"]
> ["n2"]
> []
> ["rep"]
> []
> []

### define: a named list, defined once and reused in keywords, in other lists and in near
$ printf '%s\n' 'define DATA = "phone number", "address"' 'define MORE = DATA, "email"' 'define SHARE = "sold", "shared"' 'tag privacy if DATA near/3 SHARE' 'tag more if keywords MORE, "iban"' > r.rules
$ tag -f r.rules -r 'tag again if MORE' | jq -c .tags
< {"text":"You shared my address with them"}
< {"text":"my email, and my IBAN"}
< {"text":"address"}
> ["privacy","more","again"]
> ["more","again"]
> ["more","again"]

### word forms: "give~" matches give, gives, gave, given, giving; French "donner~" its inflections; other words stay exact
$ tag -r 'tag f if "give~ out" near/3 "number"' -r 'tag d if "donner~" near/2 "numéro"' -r 'tag x if "give out"' | jq -c .tags
< {"text":"they give out my number"}
< {"text":"he gives out my number"}
< {"text":"she GAVE OUT my number"}
< {"text":"it was given out, the number"}
< {"text":"stop giving out my number"}
< {"text":"giveaway out number"}
< {"text":"ils ont donné mon numéro"}
< {"text":"elle donne mon numéro"}
< {"text":"ils donnent mon numéro"}
< {"text":"donnée : mon numéro"}
> ["f","x"]
> ["f"]
> ["f"]
> ["f"]
> ["f"]
> []
> ["d"]
> ["d"]
> ["d"]
> ["d"]

### contractions: a keyword's "didn't", "don't", "I'm" also match "didnt", "dont", "im" (straight or curly apostrophe, either side); not "we're" as "were", nor other apostrophes
$ printf '%s\n' "tag a if \"i didn't authorise\" near/4 \"charge\"" "tag b if \"i'm\", \"they’ve\"" "tag c if \"we're\"" "tag d if \"someone's\"" > c.rules
$ tag -f c.rules | jq -c .tags
< {"text":"a charge i didnt authorise"}
< {"text":"a charge i didn't authorise"}
< {"text":"a charge I didn’t authorise"}
< {"text":"a charge i didn t authorise"}
< {"text":"Im locked out and theyve got my card"}
< {"text":"we were locked out"}
< {"text":"we’re locked out"}
< {"text":"someones card"}
< {"text":"someone's card"}
> ["a"]
> ["a"]
> ["a"]
> []
> ["b"]
> []
> ["c"]
> []
> ["d"]

### phone-number and card-number: with or without separators, not order numbers introduced as such, Luhn-checked cards
$ tag -r 'tag phone if phone-number' -r 'tag card if card-number' | jq -c .tags
< {"text":"call me on 8106028994"}
< {"text":"call me on (706)614-7640 or 06 12 34 56 78"}
< {"text":"@BA 00447900248601, anytime"}
< {"text":"order #123456789 is late"}
< {"text":"order number 1234567890 is late"}
< {"text":"ma commande n° 0612345678"}
< {"text":"tracking 1Z999AA10123456784 and case 12345678901"}
< {"text":"@1157123456 hi, on 28/11/17 at 10:30, $1,234,567,890"}
< {"text":"my card 4111 1111 1111 1111 was declined"}
< {"text":"my card 4111 1111 1111 1112 was declined"}
> ["phone"]
> ["phone"]
> ["phone"]
> []
> []
> []
> []
> []
> ["card"]
> []

### --explain gives the span of a near match and of a number
$ tag -r 'tag p if "number" near/2 "leaked~"' -r 'tag q if phone-number' --explain | jq -c '[.explain[].matched[]]'
< {"text":"You leaked my number: 0612345678"}
> [{"match":"leaked my number","span":[4,20]},{"match":"0612345678","span":[22,32]}]

### regular expressions: Oniguruma, case-sensitive unless /i
$ tag -r 'tag phone if text ~ /\d{3}-\d{4}/' -r 'tag rue if text ~ /\brue\b/i' -r 'tag q if text ~ "\\?$"' | jq -c .tags
< {"text":"call 555-1234"}
< {"text":"12 RUE de Paris?"}
< {"text":"nothing"}
> ["phone"]
> ["rue","q"]
> []

### regular expressions on a field, and !~
$ tag -r 'tag bot if author.handle ~ /^bot_/' -r 'tag human if author.handle !~ /^bot_/' | jq -c .tags
< {"text":"x","author":{"handle":"bot_42"}}
< {"text":"x","author":{"handle":"ann"}}
< {"text":"x"}
> ["bot"]
> ["human"]
> ["human"]

### field tests: = and != on strings
$ tag -r 'tag tw if platform = twitter' -r 'tag notfr if lang != fr' -r 'tag quoted if account = "Acme Care"' | jq -c .tags
< {"text":"x","platform":"twitter","lang":"fr","account":"Acme Care"}
< {"text":"x","platform":"mastodon"}
> ["tw","quoted"]
> ["notfr"]

### field tests: numbers, author.followers >= N
$ tag -r 'tag big if author.followers >= 1000' -r 'tag small if author.followers < 10' | jq -c .tags
< {"text":"x","author":{"followers":1000}}
< {"text":"x","author":{"followers":9}}
< {"text":"x","author":{"followers":"many"}}
< {"text":"x"}
> ["big"]
> ["small"]
> []
> []

### field tests: in (...)
$ tag -r 'tag social if platform in (twitter, mastodon, "bluesky")' | jq -c .tags
< {"text":"x","platform":"bluesky"}
< {"text":"x","platform":"reddit"}
> ["social"]
> []

### field tests: direction, and outbound records get no sentiment
$ tag -r 'tag ours if direction = out' | jq -c '[.tags, .sentiment]'
< {"text":"sorry about that","direction":"out"}
< {"text":"sorry about that","direction":"in"}
> [["ours"],null]
> [[],{"score":-0.57,"label":"negative"}]

### the direction is read unescaped (carepipe(7)): an escaped out is out; a missing or other one is a customer's
$ tag | jq -c .sentiment.label
< {"text":"sorry about that","direction":"\u006fut"}
< {"text":"sorry about that"}
< {"text":"sorry about that","direction":null}
< {"text":"sorry about that","direction":"sideways"}
> null
> "negative"
> "negative"
> "negative"

### has-tag sees the record's tags and tags added by earlier rules
$ tag -r 'tag billing if keywords "invoice"' -r 'tag money if has-tag billing or has-tag vip' | jq -c .tags
< {"text":"invoice"}
< {"text":"hi","tags":["vip"]}
< {"text":"hi"}
> ["billing","money"]
> ["vip","money"]
> []

### and binds tighter than or; not and parentheses
$ tag -r 'tag a if keywords "x" or keywords "y" and keywords "z"' -r 'tag b if (keywords "x" or keywords "y") and not keywords "z"' | jq -c .tags
< {"text":"x"}
< {"text":"y"}
< {"text":"y z"}
< {"text":"x z"}
> ["a","b"]
> ["b"]
> ["a"]
> ["a"]

### unless is if not; a rule without a condition always applies
$ tag -r 'tag quiet unless keywords "!"' -r 'tag all' | jq -c .tags
< {"text":"hello"}
> ["quiet","all"]

### jq expressions through libjq
$ tag -r 'tag viral if jq ".metrics.likes > 100"' | jq -c .tags
< {"text":"x","metrics":{"likes":101}}
< {"text":"x","metrics":{"likes":5}}
> ["viral"]
> []

### a jq runtime error names the record's file:line and the rule; the rule does not hold; the stream goes on; exit 65
$ printf '{"text":"a","n":"x"}\n{"text":"b","n":"2"}\n' > in.ndjson
$ tag -r 'tag num if jq ".n | tonumber > 1"' in.ndjson > out.ndjson; echo "status $?"; jq -c .tags out.ndjson
> status 65
> []
> ["num"]
2>~ tag: in\.ndjson:1: jq: error: .* \(rule at -r 1:1\)

### priority: the highest level any rule sets wins, normal when none
$ tag -r 'priority low if keywords "thanks"' -r 'priority high if keywords "broken"' | jq -c .priority
< {"text":"thanks, it is broken"}
< {"text":"thanks"}
< {"text":"hello"}
> "high"
> "low"
> "normal"

### priority raise lifts the result one level, up to urgent
$ tag -r 'priority raise if keywords "asap"' -r 'priority urgent if keywords "fire"' | jq -c .priority
< {"text":"asap"}
< {"text":"fire asap"}
> "high"
> "urgent"

### escalate sets escalate and the first reason; a stale reason is removed
$ tag -r 'escalate "legal threat" if keywords "lawyer"' -r 'escalate "other" if keywords "court"' | jq -c '[.escalate, .escalate_reason]'
< {"text":"my lawyer will see you in court"}
< {"text":"fine","escalate":true,"escalate_reason":"old"}
> [true,"legal threat"]
> [false,null]

### stop ends the rules for that record
$ tag -r 'tag a stop if keywords "x"' -r 'tag b' | jq -c .tags
< {"text":"x"}
< {"text":"y"}
> ["a"]
> ["b"]

### exclude drops the record
$ tag -r 'exclude if author.handle = spam' -r 'tag kept'
< {"text":"buy now","author":{"handle":"spam"}}
< {"text":"hi","author":{"handle":"ann"}}
> {"text":"hi","author":{"handle":"ann"},"tags":["kept"],"lang":"en","sentiment":{"score":0.032,"label":"neutral"},"priority":"normal","escalate":false}

### several actions in one rule, in the order written
$ tag -r 'tag privacy priority urgent escalate "phone number posted" if text ~ /\+?\d[\d .-]{8,}\d/' | jq -c '[.tags, .priority, .escalate, .escalate_reason]'
< {"text":"call me on +33 6 12 34 56 78"}
> [["privacy"],"urgent",true,"phone number posted"]

### sentiment.score and sentiment.label are seen by rules
$ tag -r 'tag unhappy if sentiment.label = negative and sentiment.score <= -0.5' | jq -c .tags
< {"text":"this is awful, I hate it"}
< {"text":"the parcel arrived today"}
> ["unhappy"]
> []

### --only and --drop filter on the final tags
$ printf '{"text":"invoice"}\n{"text":"refund"}\n{"text":"hello"}\n' > in.ndjson
$ tag -r 'tag billing if keywords "invoice"' -r 'tag refund if keywords "refund"' --only billing --only refund in.ndjson | jq -r .text
$ tag -r 'tag billing if keywords "invoice"' --drop billing in.ndjson | jq -r .text
> invoice
> refund
> refund
> hello

### --explain names the rule and the span (code points, as jq's .text[a:b])
$ printf 'tag billing if keywords "facturée"\ntag vip if author.followers >= 10\n' > r.rules
$ tag -f r.rules --explain | jq -c '.explain'
< {"text":"Ma FACTURÉE 😡","author":{"followers":12}}
> [{"rule":"r.rules:1","matched":[{"match":"FACTURÉE","span":[3,11]}]},{"rule":"r.rules:2","matched":[{"test":"author.followers >= 10"}]}]

### a continuation line starts with white space; comments run to the end of the line
$ printf '# billing\ntag billing   # the tag\n  if keywords "bill",\n     "invoice"\ntag x if keywords "x"\n' > r.rules
$ tag -f r.rules | jq -c .tags
< {"text":"an invoice"}
> ["billing"]

### sentiment, the model: negation, contrast, elongation, emoji, emoticons; P(positive) - P(negative)
$ tag | jq -r '[.sentiment.label, .sentiment.score, .text] | @tsv'
< {"text":"good"}
< {"text":"not good at all"}
< {"text":"it was ok but the app is awful"}
< {"text":"soooo happy"}
< {"text":"I love it 😍"}
< {"text":"late again :("}
< {"text":"the parcel arrived today"}
< {"text":"Where is my parcel?"}
< {"text":" ... "}
> positive	0.955	good
> negative	-0.494	not good at all
> negative	-0.718	it was ok but the app is awful
> positive	0.936	soooo happy
> positive	0.969	I love it 😍
> negative	-0.924	late again :(
> neutral	-0.238	the parcel arrived today
> negative	-0.407	Where is my parcel?
> neutral	0	 ... 

### sentiment, the lexicon scorer (French, and --model lexicon): negation (also ne ... pas), contrast, elongation, emoji, emoticons, names
$ tag --model lexicon | jq -r '[.sentiment.label, .text] | @tsv'
< {"text":"good"}
< {"text":"not good at all"}
< {"text":"it was ok but the app is awful"}
< {"text":"soooo happy"}
< {"text":"I love it 😍"}
< {"text":"late again :("}
< {"text":"pas terrible","lang":"fr"}
< {"text":"c'est génial","lang":"fr"}
< {"text":"je ne l'aime pas","lang":"fr"}
< {"text":"Je ne suis pas content du tout","lang":"fr"}
< {"text":"the parcel arrived today"}
< {"text":"I bought it at Best Buy"}
> positive	good
> negative	not good at all
> negative	it was ok but the app is awful
> positive	soooo happy
> positive	I love it 😍
> negative	late again :(
> negative	pas terrible
> positive	c'est génial
> negative	je ne l'aime pas
> negative	Je ne suis pas content du tout
> neutral	the parcel arrived today
> neutral	I bought it at Best Buy

### sentiment, the lexicon scorer: intensifiers, ALL CAPS and exclamation marks strengthen the score
$ tag --model lexicon | jq -r '.sentiment.score'
< {"text":"good"}
< {"text":"very good"}
< {"text":"it is GOOD"}
< {"text":"good!!!"}
> 0.382
> 0.439
> 0.516
> 0.539

### --lexicon adds and overrides entries, AFINN style
$ printf 'zorp\t-4\n# comment\n\ngood\t-2\n' > my.lex
$ tag --model lexicon --lexicon my.lex | jq -c .sentiment
< {"text":"zorp"}
< {"text":"good"}
> {"score":-0.637,"label":"negative"}
> {"score":-0.382,"label":"negative"}

### --lexicon: a bad line is a configuration error
$ printf 'good\tvery\n' > bad.lex; tag --lexicon bad.lex < /dev/null
2> tag: bad.lex:1: expected WORD<TAB>SCORE with a score from -5 to 5
? 78

### --model FILE: another model in the text form; its bias alone here makes every text positive
$ { printf 'carepipe-sentiment-model 1\nfeatures 3\nclasses negative neutral positive\nbuckets 16\nscale 0.001\nbias 0 0 1000\n'; for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo "dense $i 0 0 0"; done; printf '# a comment\n\nw 3 1 2 3\nend 1\n'; } > ok.model
$ tag --model ok.model | jq -c .sentiment
< {"text":"awful awful awful"}
< {"text":"bonjour, French goes to the lexicon","lang":"fr"}
> {"score":0.365,"label":"positive"}
> {"score":0.202,"label":"neutral"}

### --model: a bad model file is a configuration error naming FILE:LINE (78); a missing one is 66
$ { printf 'carepipe-sentiment-model 1\nfeatures 3\nclasses negative neutral positive\nbuckets 16\nscale 0.001\nbias 0 0 1000\n'; for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do echo "dense $i 0 0 0"; done; printf 'w 3 1 2 3\nend 1\n'; } > ok.model
$ m() { sed "$1" ok.model > v.model; tag --model v.model < /dev/null; echo "status $?"; }
$ m 1s/1/2/; m 2s/3/4/; m 4s/16/24/; m 5s/0.001/-1/; m 6s/1000/x/; m 9d; m 23s/3/16/; m 23s/3$/40000/; m '$d'; m 24s/1/2/; m 's/end 1/end 1\nw 1 1 1 1/'
$ tag --model nope.model < /dev/null; echo "status $?"
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
> status 66
2> tag: v.model:1: expected "carepipe-sentiment-model 1" first
2> tag: v.model:2: made for another version of the features; retrain it
2> tag: v.model:4: expected "buckets N", N a power of two up to 16777216
2> tag: v.model:5: expected "scale X", X a positive number
2> tag: v.model:6: expected "bias N N N", integers from -32767 to 32767
2> tag: v.model:9: expected "dense I N N N", I counting from 0 to 15, N from -32767 to 32767
2> tag: v.model:23: expected "w BUCKET N N N" (BUCKET below buckets, N from -32767 to 32767) or "end N"
2> tag: v.model:23: expected "w BUCKET N N N" (BUCKET below buckets, N from -32767 to 32767) or "end N"
2> tag: v.model:23: ends early, without "end N"
2> tag: v.model:24: "end N" does not match the number of w lines
2> tag: v.model:25: text after "end"
2> tag: nope.model: no such file

### strongly negative posts from authors with many followers are raised a level
$ tag --influencer 5000 | jq -c .priority
< {"text":"this is awful, I hate you","author":{"followers":5000}}
< {"text":"this is awful, I hate you","author":{"followers":4999}}
< {"text":"I love you","author":{"followers":90000}}
> "high"
> "normal"
> "normal"

### a record without text is a bad line; the others go on
$ tag
< {"id":"a"}
< {"text":null}
> {"text":null,"tags":[],"sentiment":{"score":0,"label":"neutral"},"priority":"normal","escalate":false}
2> tag: (stdin):1: no text
? 65

### bad rules: an unknown action, with file:line:col, exit 78
$ printf 'tag a if keywords "x"\n\n  \nlabel b if true\n' > r.rules; tag -f r.rules < /dev/null
2> tag: r.rules:4:1: unknown action 'label' (expected tag, priority, escalate, stop, exclude)
? 78

### bad rules: an unterminated string
$ printf 'tag a if keywords "x\n' > r.rules; tag -f r.rules < /dev/null
2> tag: r.rules:1:19: unterminated string
? 78

### bad rules: a bad regular expression
$ printf 'tag a\n  if text ~ /(a/\n' > r.rules; tag -f r.rules < /dev/null
2> tag: r.rules:2:13: bad regular expression: end pattern with unmatched parenthesis
? 78

### bad rules: a jq expression that does not compile
$ printf 'tag a if jq ".a |"\n' > r.rules; tag -f r.rules < /dev/null
2>~ tag: r\.rules:1:13: jq: .*
? 78

### bad rules: a priority that is not a level
$ tag -r 'priority asap if true' < /dev/null
2> tag: -r 1:1:10: priority wants one of urgent, high, normal, low, raise, found asap
? 78

### bad rules: a condition is missing, or dangles
$ tag -r 'tag a if' < /dev/null; echo "status $?"; tag -r 'tag a if keywords "x" or' < /dev/null
> status 78
2> tag: -r 1:1:9: expected a condition, found the end of the file
2> tag: -r 1:1:25: expected a condition, found the end of the file
? 78

### bad rules: an unknown condition, an ordering test on a word, an empty keyword
$ tag -r 'tag a if colour blue' < /dev/null; tag -r 'tag a if author.followers > lots' < /dev/null; tag -r 'tag a if keywords " "' < /dev/null
2> tag: -r 1:1:10: unknown condition 'colour'
2> tag: -r 1:1:29: expected a number, found lots
2> tag: -r 1:1:19: empty keyword
? 78

### bad rules: nesting deeper than 100 levels (parentheses, not) is refused with file:line:col, not a crash (issue 18)
$ python3 -c "print('tag a if ' + '('*10000 + 'true' + ')'*10000)" > deep.rules
$ python3 -c "print('tag a if ' + 'not '*50000 + 'true')" > not.rules
$ python3 -c "print('tag a if ' + '('*100 + 'true' + ')'*100)" > ok.rules
$ tag -f deep.rules < /dev/null; echo "status $?"; tag -f not.rules < /dev/null; echo "status $?"
$ echo '{"text":"x"}' | tag -f ok.rules | jq -c .tags
> status 78
> status 78
> ["a"]
2> tag: deep.rules:1:110: conditions nested more than 100 deep (parentheses and not)
2> tag: not.rules:1:410: conditions nested more than 100 deep (parentheses and not)

### a chain of 300,000 or / and terms is one level, not 300,000 (issue 18)
$ python3 -c "print('tag a if ' + ' or '.join(['false']*300000 + ['true']))" > or.rules
$ python3 -c "print('tag b if ' + ' and '.join(['true']*300000))" > and.rules
$ echo '{"text":"x"}' | tag -f or.rules -f and.rules | jq -c .tags
> ["a","b"]

### assign's [queues] use the same parser: deep nesting there is 78 with file:line:col too (issue 18)
$ { printf '[queues]\n'; python3 -c "print('queue a if ' + '('*10000 + 'true' + ')'*10000)"; printf '[agent a]\nqueues a\ncapacity 1\n'; } > deep.roster
$ assign -R deep.roster < /dev/null
2> assign: deep.roster:2:112: conditions nested more than 100 deep (parentheses and not)
? 78

### bad rules: an undefined list, a list defined twice, a bad near/N, a chained near, a list name not in capitals
$ tag -r 'tag a if DATA near/2 "x"' < /dev/null; echo "status $?"
$ printf 'define A = "x"\ndefine A = "y"\n' > twice.rules; tag -f twice.rules < /dev/null; echo "status $?"
$ tag -r 'tag a if "x" near/x "y"' < /dev/null; echo "status $?"
$ tag -r 'tag a if "x" near/1001 "y"' < /dev/null; echo "status $?"
$ tag -r 'tag a if "x" near/1 "y" near/1 "z"' < /dev/null; echo "status $?"
$ tag -r 'define data = "x"' < /dev/null; echo "status $?"
$ tag -r 'define D = ' < /dev/null; echo "status $?"
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
> status 78
2> tag: -r 1:1:10: no list named DATA is defined above
2> tag: twice.rules:2:8: A is already defined
2> tag: -r 1:1:14: expected near/N, N a number of words from 0 to 1000, found near
2> tag: -r 1:1:14: expected near/N, N a number of words from 0 to 1000, found near/1001
2> tag: -r 1:1:25: near/N joins two lists; write (A near/N B) and (B near/N C)
2> tag: -r 1:1:8: define wants a name in capitals (A-Z, 0-9, _), found data
2> tag: -r 1:1:12: expected a quoted keyword or a list name, found the end of the file

### bad rules: a second -r is numbered; a missing rules file is a configuration error
$ tag -r 'tag a' -r 'tag b if )' < /dev/null; echo "status $?"; tag -f nosuch.rules < /dev/null
> status 78
2> tag: -r 2:1:10: expected a condition, found )
2> tag: nosuch.rules: No such file or directory
? 78

### --emit-jq prints a jq program that tags like the rules
$ tag --emit-jq -r 'tag billing if keywords "invoice"' -r 'priority high if author.followers >= 10' > p.jq
$ printf '{"text":"My Invoice","author":{"followers":20}}\n' | jq -c -f p.jq
> {"text":"My Invoice","author":{"followers":20},"tags":["billing"],"priority":"high","escalate":false}

### --emit-jq of the whole example rule set compiles in jq (each rule's condition a function: jq refuses one of 64 KB of code) and escalates as tag does
$ tag --emit-jq -f $TOP/examples/rules/consumer.rules > p.jq
$ printf '%s\n' '{"direction":"in","text":"your driver gave my phone number to his family"}' '{"direction":"out","text":"hi"}' | jq -c -f p.jq | jq -c '[.escalate, .escalate_reason]'
> [true,"personal data exposed in public"]
> [false,null]

### --emit-jq: near/N, word forms and the number detectors become jq regular expressions that compile and match
$ tag --emit-jq -r 'define D = "phone number~"' -r 'tag n if D near/2 "give~ out"' -r 'tag p if phone-number' > p.jq
$ printf '%s\n' '{"text":"they gave out my phone numbers"}' '{"text":"call 0612345678"}' '{"text":"give out nothing"}' | jq -c -f p.jq | jq -c .tags
> ["n"]
> ["p"]
> []

### the example rule set parses, and has at least 200 keywords
$ tag -v -f $TOP/examples/rules/consumer.rules < /dev/null
2>~ tag: [0-9]+ rules, ([2-9][0-9][0-9]|[0-9]{4,}) keywords

### the example rules escalate privacy, security, safety and legal threats
$ tag -f $TOP/examples/rules/consumer.rules | jq -c '[.tags, .priority, .escalate_reason]'
< {"direction":"in","text":"You posted my home address in your reply!"}
< {"direction":"in","text":"call me at (555) 123-4567 or 06 12 34 56 78"}
< {"direction":"in","text":"my account was hacked"}
< {"direction":"in","text":"the charger caught fire"}
< {"direction":"in","text":"Je vais porter plainte, mon avocat est prévenu"}
< {"direction":"in","text":"Colis jamais reçu, je veux un remboursement"}
< {"direction":"out","text":"Sorry about the refund delay"}
> [["privacy"],"urgent","personal data exposed in public"]
> [["privacy"],"urgent","personal data exposed in public"]
> [["security","complaint"],"urgent","possible security incident"]
> [["safety","complaint"],"urgent","risk to someone's safety"]
> [["legal-threat"],"urgent","legal threat"]
> [["refund","shipping","complaint"],"normal",null]
> [[],"normal",null]

### consumer.rules, privacy: the seed tweet and paraphrases, English and French; hard negatives
$ tag -f $TOP/examples/rules/consumer.rules | jq -c '[.escalate, .escalate_reason]'
< {"direction": "in", "text": "@PapaJohns was my fav pizza but the drivers you use give out your personal phone number to their family members"}
< {"direction": "in", "text": "your delivery guy gave my phone number to his friends"}
< {"direction": "in", "text": "The driver handed out my number to his family"}
< {"direction": "in", "text": "Your courier shared my home address with a stranger"}
< {"direction": "in", "text": "you sold my personal information to third parties without my consent"}
< {"direction": "in", "text": "my number was passed on to his mates, not ok"}
< {"direction": "in", "text": "the driver's wife got my number, she had my cell number and texted me"}
< {"direction": "in", "text": "Your staff leaked my address and now I'm getting calls"}
< {"direction": "in", "text": "I can see someone else's order and their address in my account"}
< {"direction": "in", "text": "call me back on 0612345678"}
< {"direction": "in", "text": "le livreur a donné mon numéro de téléphone à sa famille"}
< {"direction": "in", "text": "vous avez transmis mes données personnelles à des tiers sans mon accord"}
< {"direction": "in", "text": "votre chauffeur a partagé mon adresse avec des inconnus"}
< {"direction": "in", "text": "ils ont vendu mon numéro à des démarcheurs"}
< {"direction": "in", "text": "je vois la commande de quelqu'un d'autre dans mon compte"}
< {"direction": "in", "text": "my password is incorrect, please help"}
< {"direction": "in", "text": "the driver can't find my address"}
< {"direction": "in", "text": "where is my order #123456789"}
< {"direction": "in", "text": "order number 1234567890 still not shipped"}
< {"direction": "in", "text": "how do I change my phone number on my account?"}
< {"direction": "in", "text": "can you give me your phone number?"}
< {"direction": "in", "text": "please send me your address so I can return it"}
< {"direction": "in", "text": "I'll post photos of the broken box"}
< {"direction": "in", "text": "le livreur ne trouve pas mon adresse"}
< {"direction": "in", "text": "ma commande n° 0612345678 n'est pas arrivée"}
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [true,"personal data exposed in public"]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]

### consumer.rules, security: takeovers, fraud, phishing, impersonation, SIM swap, English and French; hard negatives
$ tag -f $TOP/examples/rules/consumer.rules | jq -c '[.escalate, .escalate_reason]'
< {"direction": "in", "text": "my account was hacked and someone changed my password"}
< {"direction": "in", "text": "someone used my card to buy games on your store"}
< {"direction": "in", "text": "there are fraudulent charges on my card"}
< {"direction": "in", "text": "I got a phishing email pretending to be from you"}
< {"direction": "in", "text": "a caller claiming to be from your bank asked for my PIN, is this a scam?"}
< {"direction": "in", "text": "they did a SIM swap and stole my number"}
< {"direction": "in", "text": "two orders I never placed were charged to my account"}
< {"direction": "in", "text": "mon compte a été piraté"}
< {"direction": "in", "text": "quelqu'un a utilisé ma carte pour payer des jeux"}
< {"direction": "in", "text": "j'ai reçu un faux mail qui se fait passer pour vous, c'est une arnaque"}
< {"direction": "in", "text": "prélèvement frauduleux sur mon compte"}
< {"direction": "in", "text": "this price is a scam"}
< {"direction": "in", "text": "I forgot my password, can you reset it?"}
< {"direction": "in", "text": "my account is locked after the update"}
< {"direction": "in", "text": "you charged me twice for the same order"}
< {"direction": "in", "text": "ce prix c'est du vol"}
< {"direction": "in", "text": "Pirates of the Caribbean won't play on my TV"}
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [true,"possible security incident"]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]

### consumer.rules, safety: fire and burns, foreign objects, illness and allergies, injury and assault, English and French; hard negatives
$ tag -f $TOP/examples/rules/consumer.rules | jq -c '[.escalate, .escalate_reason]'
< {"direction": "in", "text": "the charger caught fire overnight"}
< {"direction": "in", "text": "my phone started smoking and burned my hand"}
< {"direction": "in", "text": "I found a piece of glass in my sandwich"}
< {"direction": "in", "text": "my son had an allergic reaction to your cookies, we ended up in the ER"}
< {"direction": "in", "text": "your driver assaulted me"}
< {"direction": "in", "text": "I got food poisoning from your chicken"}
< {"direction": "in", "text": "the driver crashed into a pole and I hit my head"}
< {"direction": "in", "text": "le chargeur a pris feu"}
< {"direction": "in", "text": "j'ai trouvé un morceau de plastique dans mon sandwich"}
< {"direction": "in", "text": "mon fils a fait une réaction allergique, on a fini aux urgences"}
< {"direction": "in", "text": "le livreur m'a agressé"}
< {"direction": "in", "text": "the security guard hit me in the face"}
< {"direction": "in", "text": "my Fire TV stick won't connect"}
< {"direction": "in", "text": "your new update is fire 🔥"}
< {"direction": "in", "text": "I'm on fire today, thanks for the quick help"}
< {"direction": "in", "text": "the app crashed again"}
< {"direction": "in", "text": "this wait is killing me"}
< {"direction": "in", "text": "I'm shocked at how slow this is"}
< {"direction": "in", "text": "the hair salon next to your store is nicer"}
< {"direction": "in", "text": "mon Fire TV ne s'allume plus"}
< {"direction": "in", "text": "hit me up when the outage is fixed"}
< {"direction": "in", "text": "they hit me with another late fee"}
< {"direction": "in", "text": "nearly had a heart attack when i saw my bill this month"}
< {"direction": "in", "text": "the error message had me almost died laughing"}
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [true,"risk to someone's safety"]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]

### consumer.rules, legal threats: lawyers, suing, courts, regulators, English and French; hard negatives
$ tag -f $TOP/examples/rules/consumer.rules | jq -c '[.escalate, .escalate_reason]'
< {"direction": "in", "text": "I'm filing a complaint with the BBB and the FTC"}
< {"direction": "in", "text": "my lawyer will be in touch"}
< {"direction": "in", "text": "I will sue you for this"}
< {"direction": "in", "text": "see you in small claims court"}
< {"direction": "in", "text": "reporting this to Ofcom and the ombudsman"}
< {"direction": "in", "text": "the driver refused me because of my race, this is discrimination"}
< {"direction": "in", "text": "je vais porter plainte"}
< {"direction": "in", "text": "mon avocat va vous contacter"}
< {"direction": "in", "text": "je saisis la DGCCRF et le médiateur"}
< {"direction": "in", "text": "I could sue for how bad this coffee is lol"}
< {"direction": "in", "text": "I need paperwork for a solicitor by Monday"}
< {"direction": "in", "text": "Sue at the counter was so helpful"}
< {"direction": "in", "text": "the food court was closed"}
< {"direction": "in", "text": "j'ai mangé un avocat délicieux"}
> [true,"legal threat"]
> [true,"legal threat"]
> [true,"legal threat"]
> [true,"legal threat"]
> [true,"legal threat"]
> [true,"legal threat"]
> [true,"legal threat"]
> [true,"legal threat"]
> [true,"legal threat"]
> [false,null]
> [false,null]
> [false,null]
> [false,null]
> [false,null]

### consumer.rules: more phrasings of the four classes, English and French, and more hard negatives
$ tag -f $TOP/examples/rules/consumer.rules | jq -c .escalate
< {"direction": "in", "text": "Why does your delivery driver have my number and keep texting me?"}
< {"direction": "in", "text": "your employee looked up my address and showed up at my house"}
< {"direction": "in", "text": "I received someone else's bill with their name and account number"}
< {"direction": "in", "text": "you emailed my details to another customer"}
< {"direction": "in", "text": "you sold my email to spammers"}
< {"direction": "in", "text": "call me on 07700 900123"}
< {"direction": "in", "text": "I think my account has been compromised"}
< {"direction": "in", "text": "someone ordered stuff on my account without my permission"}
< {"direction": "in", "text": "there is a charge on my statement I don't recognise"}
< {"direction": "in", "text": "my identity was stolen after your data breach"}
< {"direction": "in", "text": "the hoverboard caught fire in my kid's room"}
< {"direction": "in", "text": "the battery is swelling and the phone is hot"}
< {"direction": "in", "text": "the driver was texting while driving the whole way"}
< {"direction": "in", "text": "I slipped on a wet floor in your store and hurt my back"}
< {"direction": "in", "text": "my daughter got sick after eating your chicken"}
< {"direction": "in", "text": "the delivery guy was drunk"}
< {"direction": "in", "text": "I'll be contacting my attorney"}
< {"direction": "in", "text": "we'll let the courts decide"}
< {"direction": "in", "text": "I've complained to the CNIL about this"}
< {"direction": "in", "text": "on m'a débité 200€ que je n'ai jamais autorisés"}
< {"direction": "in", "text": "mon compte a été usurpé"}
< {"direction": "in", "text": "le chauffeur conduisait dangereusement"}
< {"direction": "in", "text": "ma fille s'est brûlée avec votre bouilloire"}
< {"direction": "in", "text": "je vais saisir le tribunal"}
< {"direction": "in", "text": "your rider app showed me another person's home address and phone"}
< {"direction": "in", "text": "the courier left my parcel with my full address and phone number taped on the outside for everyone to see"}
< {"direction": "in", "text": "why did your store give my number to a debt collector?"}
< {"direction": "in", "text": "your agent read my card number out loud in a busy shop"}
< {"direction": "in", "text": "je reçois les mails d'un autre client avec ses commandes"}
< {"direction": "in", "text": "votre site affiche le nom et l'adresse d'autres clients"}
< {"direction": "in", "text": "here is my account number 12345678901 can you check"}
< {"direction": "in", "text": "someone took over my instagram and locked me out, the email isn't mine anymore"}
< {"direction": "in", "text": "I got an email that looks like yours asking me to verify my bank details, fake?"}
< {"direction": "in", "text": "£300 just left my account and I never bought anything"}
< {"direction": "in", "text": "a man called saying he was from your tech support and asked for remote access"}
< {"direction": "in", "text": "my card was cloned at your petrol station"}
< {"direction": "in", "text": "quelqu'un s'est connecté à mon compte depuis la Russie"}
< {"direction": "in", "text": "un faux conseiller m'a appelé pour me demander mon code"}
< {"direction": "in", "text": "my kid choked on a piece of the toy, the part came off"}
< {"direction": "in", "text": "the bus driver hit a cyclist and just drove off"}
< {"direction": "in", "text": "my wife is pregnant and got food poisoning from your salad"}
< {"direction": "in", "text": "the staff member pushed me to the ground"}
< {"direction": "in", "text": "your e-bike battery exploded while charging"}
< {"direction": "in", "text": "mon fils a avalé une pièce du jouet"}
< {"direction": "in", "text": "la trottinette a pris feu dans le garage"}
< {"direction": "in", "text": "le livreur m'a menacé avec un couteau"}
< {"direction": "in", "text": "I have instructed a solicitor to recover the money"}
< {"direction": "in", "text": "my attorney general complaint is filed"}
< {"direction": "in", "text": "I'm taking this to the small claims court next week"}
< {"direction": "in", "text": "expect a letter from my lawyer"}
< {"direction": "in", "text": "nous avons saisi un avocat"}
< {"direction": "in", "text": "je porte l'affaire devant les tribunaux"}
< {"direction": "in", "text": "plainte déposée auprès de la DGCCRF"}
< {"direction": "in", "text": "my fire stick remote stopped working"}
< {"direction": "in", "text": "the new menu is fire"}
< {"direction": "in", "text": "order ref 20171104553 arrived damaged"}
< {"direction": "in", "text": "I need to update my address for delivery"}
< {"direction": "in", "text": "what's your phone number for customer service?"}
< {"direction": "in", "text": "my password reset link expired"}
< {"direction": "in", "text": "lol I would sue if I could"}
< {"direction": "in", "text": "is the lawyer discount still available"}
< {"direction": "in", "text": "please don't share my feedback publicly, just fix it"}
< {"direction": "in", "text": "the app keeps crashing when I try to log in"}
< {"direction": "in", "text": "I burned the toast but the toaster works great"}
< {"direction": "in", "text": "killing it with the new update guys"}
< {"direction": "in", "text": "you're killing me with these delays"}
< {"direction": "in", "text": "the hospital parking app won't take my card"}
< {"direction": "in", "text": "je veux changer mon adresse de livraison"}
< {"direction": "in", "text": "ma commande 4012888888881881 est en retard"}
< {"direction": "in", "text": "ce prix est une arnaque"}
< {"direction": "in", "text": "my package was stolen from my porch"}
< {"direction": "in", "text": "my order was sent to the wrong address"}
< {"direction": "in", "text": "scammy pricing on the upgrade"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false

### consumer.rules: own secrets posted with their values, impersonation questions, the bank's fraud alarm, gift-card and prize scams, staff disclosing, filming or lying in wait, a vehicle into a person, self-harm, a guide dog refused; hard negatives
$ tag -f $TOP/examples/rules/consumer.rules --escalation-model none | jq -c .escalate
< {"direction": "in", "text": "my password is Summer2024! can you check why login fails"}
< {"direction": "in", "text": "account number 55382910, please call me back"}
< {"direction": "in", "text": "the parcel never came, it's 42 Elm Street Springfield IL 62704"}
< {"direction": "in", "text": "got a text saying i won a free phone, just pay shipping with my card"}
< {"direction": "in", "text": "someone called saying they were from you and i had to pay with gift cards"}
< {"direction": "in", "text": "is this text really from you?"}
< {"direction": "in", "text": "is bestdeals-nike.shop a legit nike site?"}
< {"direction": "in", "text": "my bank froze my card for a £200 payment at your store, i was asleep at the time"}
< {"direction": "in", "text": "new sign in from russia on my account, wasn't me"}
< {"direction": "in", "text": "there's a tablet in my active devices that isnt mine"}
< {"direction": "in", "text": "your rep told my ex my new address"}
< {"direction": "in", "text": "your delivery guy posted a photo of my house on his instagram"}
< {"direction": "in", "text": "the cashier read my card number out loud to the whole queue"}
< {"direction": "in", "text": "the courier has been parked outside my house every night, i'm scared"}
< {"direction": "in", "text": "your driver reversed into me in the car park"}
< {"direction": "in", "text": "i cant go on like this, i want it all to end"}
< {"direction": "in", "text": "the driver refused my guide dog again"}
< {"direction": "in", "text": "une alerte fraude de ma banque pour un achat chez vous, je dormais"}
< {"direction": "in", "text": "my password is incorrect again"}
< {"direction": "in", "text": "my order number is 112-3345566-1234567"}
< {"direction": "in", "text": "your store at 10 High Street London W1A 1AA was closed"}
< {"direction": "in", "text": "I won't have to pay again, thanks"}
< {"direction": "in", "text": "is this a real issue?"}
< {"direction": "in", "text": "I hacked together a workaround with the web player"}
< {"direction": "in", "text": "my phone is exploding with notifications from your app"}
< {"direction": "in", "text": "been stalking the tracking page all day"}
< {"direction": "in", "text": "ordered semi skimmed milk and got oat milk"}
< {"direction": "in", "text": "the gate change gave me a mini heart attack 😂"}
< {"direction": "in", "text": "someone stole my parcel from my porch"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false

### consumer.rules: spam sent from an account, recovery details changed, a stranger on the family plan, callers from the brand selling gift cards, a courier's threat, creatures in food, illness that will not stop, harassment of others, a judge, an ADR scheme, money disowned far from it; hard negatives (it's me, game cheats, loud ads, a burn worth it, a fraud alert on one's own purchase, a carrier's spam label, a feature question, a setting, a bank claim)
$ tag -f $TOP/examples/rules/consumer.rules --escalation-model none | jq -c .escalate
< {"direction": "in", "text": "my account keeps sending spam to all my contacts and i cant log in"}
< {"direction": "in", "text": "the recovery email on my account was changed last night"}
< {"direction": "in", "text": "there's a profile called gamerx99 on my family plan"}
< {"direction": "in", "text": "the caller says he's from your bank and i should buy google play cards"}
< {"direction": "in", "text": "the driver banged on my door and yelled at me to tip or else, i'm home alone"}
< {"direction": "in", "text": "found a slug in my bag of spinach"}
< {"direction": "in", "text": "can't keep anything down since eating your chicken wrap yesterday"}
< {"direction": "in", "text": "a man on the bus kept harassing women and no one stopped him"}
< {"direction": "in", "text": "I'll let a judge decide, papers filed today"}
< {"direction": "in", "text": "deadlock letter arrived, off to CISAS"}
< {"direction": "in", "text": "orders on my card delivered to another state. not me, never been there"}
< {"direction": "in", "text": "it says suspicious activity when i log in but it's me"}
< {"direction": "in", "text": "got killed by some hacker with aimbot, ban him"}
< {"direction": "in", "text": "the ads are so loud my ears are bleeding"}
< {"direction": "in", "text": "burned my tongue on the soup again lol worth it"}
< {"direction": "in", "text": "the fraud alert blocked my own purchase, it was me"}
< {"direction": "in", "text": "i keep getting scam likely calls, how do i block them"}
< {"direction": "in", "text": "does your antivirus protect against phishing emails"}
< {"direction": "in", "text": "how do i turn off share my location"}
< {"direction": "in", "text": "I filed a claim with the bank for the double charge"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false
> false
> false
> false

### consumer.rules: lookalike sites, prize and parcel-fee texts, account details changed, devices not mine, callers pretending, DNS changed, pages asking for documents, charges abroad every night, another passenger's data, counsel and suing, smoke in a cabin, broken glass in an aisle, illness after a meal, a bruise, a friend's suicide, a driver watching a door; hard negatives (not fraud, an overdraft joke, parental controls, a balance glitch, a price increase, a skiing accident)
$ tag -f $TOP/examples/rules/consumer.rules --escalation-model none | jq -c .escalate
< {"direction": "in", "text": "bought tickets on a site that looked exactly like yours, money gone"}
< {"direction": "in", "text": "got a text saying i won the raffle, just pay shipping through the link"}
< {"direction": "in", "text": "why did i get an email address has been changed message? i didn't change anything"}
< {"direction": "in", "text": "text says my parcel is held for a customs fee, click the link to pay. legit?"}
< {"direction": "in", "text": "there are two laptops on my account that arent mine"}
< {"direction": "in", "text": "someone rang pretending to be from you and asked for my security answer"}
< {"direction": "in", "text": "our DNS was changed overnight and nobody on our team did it"}
< {"direction": "in", "text": "a facebook page giving free tickets is asking for passport scan and card details"}
< {"direction": "in", "text": "orders from a restaurant abroad on my card every night, how do i stop this"}
< {"direction": "in", "text": "my booking shows another passenger name and passport number"}
< {"direction": "in", "text": "our counsel is preparing a claim over the outage"}
< {"direction": "in", "text": "we're suing, expect a letter from our lawyers"}
< {"direction": "in", "text": "smelled smoke in the cabin after a loud bang on takeoff"}
< {"direction": "in", "text": "broken glass all over the aisle and kids walking through it"}
< {"direction": "in", "text": "ate there friday and i've been on the bathroom floor since, the same bowl"}
< {"direction": "in", "text": "the attendant grabbed my arm and left a bruise"}
< {"direction": "in", "text": "my friend said he's going to kill himself tonight"}
< {"direction": "in", "text": "the driver has been parked across the street watching the door, same plate"}
< {"direction": "in", "text": "it's just a glitch not fraud, i got charged twice"}
< {"direction": "in", "text": "overdraft fee of 35 on a 2 coffee, i'm choking"}
< {"direction": "in", "text": "my kid hacked the parental controls lol"}
< {"direction": "in", "text": "app shows my balance as 0.00, glitch?"}
< {"direction": "in", "text": "i didn't authorize a price increase!"}
< {"direction": "in", "text": "broke my ankle skiing, not your fault, need to cancel"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false

### consumer.rules: spam to contacts, despair, a broken seatbelt, lookalike shops, points disowned, phishing for a card and SSN, a charger smoking, a regulator by name, a drunk pilot, a fall with a fracture, a medical condition announced, pages and DMs impersonating, money sent to strangers, a sleepy driver, discrimination, a state AG, live wires and a toddler, a fuel smell, a staff threat, grooming, an account's details not mine, an account used abroad, a phishing click, a banker talking; hard negatives
$ tag -f $TOP/examples/rules/consumer.rules --escalation-model none | jq -c .escalate
< {"direction": "in", "text": "my email keeps sending weird links to all my contacts"}
< {"direction": "in", "text": "honestly i dont see the point of anything anymore"}
< {"direction": "in", "text": "the seatbelt buckle on my seat is broken and the crew shrugged"}
< {"direction": "in", "text": "is bargain-shoes.shop real? paid and nothing came"}
< {"direction": "in", "text": "my miles were used for 2 tickets i never booked"}
< {"direction": "in", "text": "an email says claim your refund and wants my card and ssn"}
< {"direction": "in", "text": "the charger started smoking and smells like burnt plastic, unplugged it"}
< {"direction": "in", "text": "claim rejected, sending it to the CAA"}
< {"direction": "in", "text": "the pilot smelled of alcohol at the gate"}
< {"direction": "in", "text": "slipped on the steps at the station, no grit, broken wrist"}
< {"direction": "in", "text": "the agent announced my medical condition over the speaker"}
< {"direction": "in", "text": "is that giveaway facebook page yours? it asks for your card"}
< {"direction": "in", "text": "a guy dmed me asking for my password, is he one of yours?"}
< {"direction": "in", "text": "500 by zelle to someone i don't know, wasnt me"}
< {"direction": "in", "text": "my driver kept nodding off at red lights"}
< {"direction": "in", "text": "the staff said we don't serve your kind here"}
< {"direction": "in", "text": "wrote to the state AG about your fees"}
< {"direction": "in", "text": "your tech left wires hanging out of the wall and my toddler got a shock"}
< {"direction": "in", "text": "fuel smell in the cabin and a hissing noise by row 14"}
< {"direction": "in", "text": "the rep said he'd make sure i regret it if i come back"}
< {"direction": "in", "text": "a man in my son's game chat keeps asking him to send pictures, he is 11"}
< {"direction": "in", "text": "there's a new address in my address book i never added"}
< {"direction": "in", "text": "the email on the account isn't mine anymore"}
< {"direction": "in", "text": "my spotify is playing in another country"}
< {"direction": "in", "text": "my aunt clicked the link in a fake email and typed her password"}
< {"direction": "in", "text": "the banker told my boss about my overdrafts"}
< {"direction": "in", "text": "my controller acts like its hacked lol"}
< {"direction": "in", "text": "my little sister stole my account 😂"}
< {"direction": "in", "text": "charged a cancellation fee but the driver cancelled, not me"}
< {"direction": "in", "text": "the self checkout attacked me with unexpected item again"}
< {"direction": "in", "text": "these shoes hurt my feet after a mile"}
< {"direction": "in", "text": "lost my kid's car seat at baggage claim"}
< {"direction": "in", "text": "the couch arrived with a broken leg"}
< {"direction": "in", "text": "someone said they'd hack my account lol, how do i turn on 2 step just in case"}
< {"direction": "in", "text": "the app says my password was changed but i changed it myself"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false
> false
> false
> false

### consumer.rules: payment-failed and account-locked texts, callers who need bank codes, cards abroad while in hand, money disowned, lost wallets then charges, SIM swaps, takeovers, points drained, devices added, off-platform payment, staff photographing or browsing a customer's data, data sold on, reply-all leaks, recycled numbers, codes on the bag, others' statements, a rep telling a relation, teeth, blisters, threats to a child, a passenger put out at night, doors open while moving, insulin lost, slips with a fracture, luggage onto a head, undercooked chicken, needles, groping, violence, an AG complaint; hard negatives
$ tag -f $TOP/examples/rules/consumer.rules --escalation-model none | jq -c .escalate
< {"direction": "in", "text": "got a text that my payment failed with a link to update it. legit?"}
< {"direction": "in", "text": "a caller said they need my banking code for a refund"}
< {"direction": "in", "text": "4 charges from a shop 2 states away and the card is in my hand"}
< {"direction": "in", "text": "3 payments to a site abroad this morning, none are me"}
< {"direction": "in", "text": "lost my wallet yesterday and today there's $400 spent on the card"}
< {"direction": "in", "text": "my sim has been swapped and i didn't do it"}
< {"direction": "in", "text": "my account got took, new email and they removed my 2fa"}
< {"direction": "in", "text": "my points got drained, used on a flight i never booked"}
< {"direction": "in", "text": "some1 added a phone to my account and had it shipped to another state"}
< {"direction": "in", "text": "the seller asked me to pay by bank transfer instead"}
< {"direction": "in", "text": "the store guy took a photo of my passport on his own phone"}
< {"direction": "in", "text": "the tech was scrolling through my photos while I waited"}
< {"direction": "in", "text": "who did you give my number to? a company called knowing my plan"}
< {"direction": "in", "text": "a seller cc'd 40 buyers and all our names and addresses are in the thread"}
< {"direction": "in", "text": "my new number keeps getting the last person's texts"}
< {"direction": "in", "text": "they wrote my door code on the outside of the bag"}
< {"direction": "in", "text": "got a statement that is not mine with his full name and balance"}
< {"direction": "in", "text": "the rep told my mom my balance"}
< {"direction": "in", "text": "cracked a tooth on a piece of metal in my burger"}
< {"direction": "in", "text": "hot coffee spilled on my son's arm and it's blistered"}
< {"direction": "in", "text": "a kid keeps telling my son he knows where he lives"}
< {"direction": "in", "text": "the driver made me get out on the highway at night"}
< {"direction": "in", "text": "the doors opened while the train was still moving"}
< {"direction": "in", "text": "my mum's insulin was in the bag you lost and she runs out tonight"}
< {"direction": "in", "text": "no wet floor sign and my dad slipped, broken wrist"}
< {"direction": "in", "text": "a suitcase came down on a boy's head from the overhead bin"}
< {"direction": "in", "text": "the chicken was still pink and now we're all sick"}
< {"direction": "in", "text": "there was a used needle in the box"}
< {"direction": "in", "text": "a man kept putting his hand on my leg the whole flight"}
< {"direction": "in", "text": "violent guy in coach B, please help"}
< {"direction": "in", "text": "already sent a complaint to the attorney generals office"}
< {"direction": "in", "text": "someone added a credit to my account, thank you!"}
< {"direction": "in", "text": "I need my account PIN to upgrade, where do I find it"}
< {"direction": "in", "text": "passing out candy at the store event tonight"}
< {"direction": "in", "text": "the box looked like it survived an explosion but the lamp is fine"}
< {"direction": "in", "text": "3 hours on the phone and every person asked for my account number again"}
< {"direction": "in", "text": "it says suspicious activity but it's literally me paying my sister"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false

### consumer.rules: figures of speech that are no escalation (general tweets' false alarms: hit me up, taken over, collapsed, burns me up), beside the real ones
$ tag -f $TOP/examples/rules/consumer.rules --escalation-model none | jq -c .escalate
< {"direction": "in", "text": "someone has taken over my account and changed the email"}
< {"direction": "in", "text": "a passenger collapsed in the aisle and the crew had no kit"}
< {"direction": "in", "text": "hit me up when the outage is over, person to person is easier"}
< {"direction": "in", "text": "your ads have taken over my feed"}
< {"direction": "in", "text": "the deal collapsed because your site timed out"}
< {"direction": "in", "text": "it burns me up that you charge for bags"}
< {"direction": "in", "text": "the new owners have taken over the store and prices went up"}
> true
> true
> false
> false
> false
> false
> false

### consumer.rules: tweet-like phrasings with handles, slang and typos, English and French, and hard negatives
$ tag -f $TOP/examples/rules/consumer.rules | jq -c .escalate
< {"direction": "in", "text": "@AcmeFood ur delivery driver just messaged me on whatsapp asking if im single. how does he have my number??"}
< {"direction": "in", "text": "@AcmeBank you mailed my statement to my old address after I updated it, now my ex has my bank details"}
< {"direction": "in", "text": "@AcmeShop I logged in and saw a stranger's order history and address in my account"}
< {"direction": "in", "text": "@AcmeTel your shop assistant posted a photo of my ID on facebook"}
< {"direction": "in", "text": "@AcmeAir my passport scan was sent to another passenger by your team"}
< {"direction": "in", "text": "@AcmeMobile call me back 07911 123456 asap"}
< {"direction": "in", "text": "@AcmeBank my card is 4532 0151 1283 0366 why is it declined"}
< {"direction": "in", "text": "@AcmeBank there are 3 payments to some website in china I never made"}
< {"direction": "in", "text": "@AcmeGames my account got hacked and they spent all my vbucks"}
< {"direction": "in", "text": "@AcmeTel someone ported my number to another network without my consent"}
< {"direction": "in", "text": "@AcmeShop got a text with a link saying my parcel is held, pay £2.99 - is this you?"}
< {"direction": "in", "text": "@AcmeBank a guy rang pretending to be your fraud team and asked for the code you texted me"}
< {"direction": "in", "text": "@AcmePay money stolen from my account, help"}
< {"direction": "in", "text": "@Acme mon compte a été hacké et mon mail changé"}
< {"direction": "in", "text": "@AcmeBanque des prélèvements que je n'ai jamais faits sur mon compte"}
< {"direction": "in", "text": "@AcmeShop I think someone is using my identity to open accounts"}
< {"direction": "in", "text": "@AcmeToys the toy's button battery came loose and my toddler put it in her mouth"}
< {"direction": "in", "text": "@AcmeRail the train doors closed on my son's arm and it kept moving"}
< {"direction": "in", "text": "@AcmeFood there was a dead mouse in my salad"}
< {"direction": "in", "text": "@AcmeAuto the brakes failed on my brand new car on the motorway"}
< {"direction": "in", "text": "@AcmeGym a staff member sexually harassed me in the changing rooms"}
< {"direction": "in", "text": "@AcmeTaxi my driver was falling asleep at the wheel"}
< {"direction": "in", "text": "@AcmeBurger got really ill after eating your burger, was up all night throwing up"}
< {"direction": "in", "text": "@AcmeHome your heater started sparking and smoking"}
< {"direction": "in", "text": "@AcmeAir passenger collapsed on the plane and the crew had no defibrillator"}
< {"direction": "in", "text": "@Acme le radiateur a fait des étincelles et a fondu"}
< {"direction": "in", "text": "@AcmeResto j'ai été malade toute la nuit après votre repas"}
< {"direction": "in", "text": "@AcmeBus le chauffeur m'a insulté et m'a frappé"}
< {"direction": "in", "text": "@AcmeBank I will be raising this with the financial ombudsman"}
< {"direction": "in", "text": "@AcmeTel this is going to my lawyer"}
< {"direction": "in", "text": "@AcmeAir filing a DOT complaint today"}
< {"direction": "in", "text": "@AcmeShop I'll take you to small claims if I don't get my money back"}
< {"direction": "in", "text": "@AcmeBank I am considering legal action"}
< {"direction": "in", "text": "@Acme mon avocat est saisi du dossier"}
< {"direction": "in", "text": "@Acme je vais faire appel à une association de consommateurs et à la justice"}
< {"direction": "in", "text": "@AcmeShop my fire tablet won't charge"}
< {"direction": "in", "text": "@AcmeFood your spicy wings are straight fire"}
< {"direction": "in", "text": "@AcmeBank where do I send my proof of address?"}
< {"direction": "in", "text": "@AcmeTel can I keep my number if I switch plans?"}
< {"direction": "in", "text": "@AcmeAir the lawyer in the movie on the flight was hilarious"}
< {"direction": "in", "text": "@AcmeShop order number 113-1234567-1234567 hasn't arrived"}
< {"direction": "in", "text": "@AcmeGames the new boss fight is killing me lol"}
< {"direction": "in", "text": "@AcmeBank why was my card declined at the store?"}
< {"direction": "in", "text": "@AcmeTel my internet has been down for 3 days, this is a joke"}
< {"direction": "in", "text": "@AcmePay you charged me twice for the same thing"}
< {"direction": "in", "text": "@AcmeFood my burger was cold and the fries were soggy"}
< {"direction": "in", "text": "@Acme ma livraison est en retard de deux jours"}
< {"direction": "in", "text": "@Acme je n'arrive pas à me connecter à mon compte"}
< {"direction": "in", "text": "@AcmeAir I'm so hungry I could eat the seat lol"}
< {"direction": "in", "text": "@AcmeShop is there a discount code for students?"}
< {"direction": "in", "text": "@AcmeTel this price hike is daylight robbery"}
< {"direction": "in", "text": "@AcmeBank I forgot my PIN, how do I reset it?"}
< {"direction": "in", "text": "@AcmeAuto the car smells like smoke from the previous owner"}
< {"direction": "in", "text": "@AcmeShop I was charged the wrong amount, please fix"}
< {"direction": "in", "text": "@AcmeFood the delivery guy was so nice, thanks"}
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> true
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false
> false

### reply refuses the seed tweet and its paraphrases once consumer.rules escalates them
$ tag -f $TOP/examples/rules/consumer.rules | reply --text 'Thanks for your feedback!' | jq -c '[.id, .escalate, .reply.status]'
< {"id":"twitter:1","platform":"twitter","direction":"in","text":"@PapaJohns was my fav pizza but the drivers you use give out your personal phone number to their family members"}
< {"id":"twitter:2","platform":"twitter","direction":"in","text":"your delivery guy gave my phone number to his friends"}
< {"id":"twitter:3","platform":"twitter","direction":"in","text":"le livreur a donné mon numéro de téléphone à sa famille"}
< {"id":"twitter:4","platform":"twitter","direction":"in","text":"where is my order #123456789"}
> ["twitter:1",true,"skipped"]
> ["twitter:2",true,"skipped"]
> ["twitter:3",true,"skipped"]
> ["twitter:4",false,"preview"]

### consumer.rules, topic tags: thanks alone is not praise, a complaint with thanks is not praise, swearing does not lower a complaint, Fire TV is no fire
$ tag -f $TOP/examples/rules/consumer.rules | jq -c '[.tags, .priority]'
< {"direction":"in","text":"Thanks for resolving my issue so quickly, you are the best!"}
< {"direction":"in","text":"thanks!"}
< {"direction":"in","text":"still no refund after 3 weeks, thank you"}
< {"direction":"in","text":"merci mais toujours pas de remboursement"}
< {"direction":"in","text":"Love the new update, apps stop working every 5 minutes"}
< {"direction":"in","text":"the fucking app crashed again and I lost my order"}
< {"direction":"in","text":"my Fire TV stick keeps freezing"}
> [["thanks","praise"],"low"]
> [["thanks"],"normal"]
> [["refund","thanks"],"normal"]
> [["refund","thanks"],"normal"]
> [["bug"],"normal"]
> [["bug","complaint","abuse"],"high"]
> [["bug","complaint"],"high"]

### consumer.rules on the hand-labelled dev set: recall and precision of escalation are floors (tag(1) states them)
! needs shared
$ $TOP/scripts/measure-escalation --shared $SHARED --bin $TOP/bin > m.txt
$ python3 -c 'import re,sys; f={m[0]:(float(m[1]),float(m[2])) for m in re.findall(r"^(\w+) +recall ([\d.]+) .*precision ([\d.]+)", open("m.txt").read(), re.M)}; floors={"escalate":(0.90,0.95),"privacy":(0.92,0.92),"safety":(0.93,0.92),"legal":(1.0,0.75),"security":(0.84,1.0)}; bad=[k for k,(r,p) in floors.items() if f[k][0] < r or f[k][1] < p]; print("ok" if not bad else "below the floor: %s" % bad)'
> ok

### man page example: tag, score and escalate with the example rule set
$ cp -r "$TOP/examples" . && printf '%s\n' '{"id":"t:1","direction":"in","text":"You leaked my address!"}' '{"id":"t:2","direction":"in","text":"Thanks, great help 👏","author":{"followers":3}}' > mentions.ndjson
$ tag -f examples/rules/consumer.rules mentions.ndjson
> {"id":"t:1","direction":"in","text":"You leaked my address!","tags":["privacy","complaint"],"lang":"en","sentiment":{"score":-0.432,"label":"negative"},"priority":"urgent","escalate":true,"escalate_reason":"personal data exposed in public"}
> {"id":"t:2","direction":"in","text":"Thanks, great help 👏","author":{"followers":3},"tags":["thanks","praise"],"lang":"en","sentiment":{"score":0.863,"label":"positive"},"priority":"low","escalate":false}

### man page example: only the escalations, with the reason
$ cp -r "$TOP/examples" . && printf '%s\n' '{"id":"t:1","direction":"in","text":"You leaked my address!"}' '{"id":"t:2","direction":"in","text":"Where is my parcel?"}' '{"id":"t:3","direction":"in","text":"My lawyer will hear about this"}' > mentions.ndjson
$ tag -f examples/rules/consumer.rules mentions.ndjson | jq -c 'select(.escalate) | [.id, .escalate_reason]'
> ["t:1","personal data exposed in public"]
> ["t:3","legal threat"]

### man page example: one rule from the command line, and why it fired
$ printf '%s\n' '{"id":"t:1","text":"Still no refund"}' '{"id":"t:2","text":"hello"}' '{"id":"t:3","text":"Remboursez-moi"}' > mentions.ndjson
$ tag -r 'tag refund if keywords "refund*", "rembours*"' --explain --only refund mentions.ndjson | jq -c '[.id, .tags, .explain]'
> ["t:1",["refund"],[{"rule":"-r 1:1","matched":[{"match":"refund","span":[9,15]}]}]]
> ["t:3",["refund"],[{"rule":"-r 1:1","matched":[{"match":"Rembours","span":[0,8]}]}]]

### man page example: a user lexicon on top of the built-in ones
$ printf '%s\n' '{"id":"t:1","text":"meh"}' > mentions.ndjson
$ printf 'meh\t-2\n' > my.lexicon
$ tag --lexicon my.lexicon mentions.ndjson
> {"id":"t:1","text":"meh","tags":[],"lang":"und","sentiment":{"score":-0.67,"label":"negative"},"priority":"normal","escalate":false}

### carepipe-rules(5) example: the rules parse and work
$ sed -n '/^\.Sh EXAMPLES/,/^\.Ed/p' "$TOP/man/carepipe-rules.5" | sed '1,2d;$d' | sed 's/\\e/\\/g' > ex.rules
$ printf '%s\n' '{"text":"call 06 12 34 56 78","author":{"handle":"ann"}}' '{"text":"spam","author":{"handle":"xbot"}}' '{"text":"refunds?","platform":"twitter","author":{"followers":20000}}' | tag -f ex.rules | jq -c '[.tags, .priority, .escalate]'
> [["privacy"],"urgent",true]
> [["refund","vip"],"high",false]

### a byte order mark and CRLF line ends in a rules file are accepted
$ printf '\357\273\277tag a if keywords "x"\r\ntag b\r\n' > r.rules
$ tag -f r.rules | jq -c .tags
< {"text":"x"}
> ["a","b"]

### a thousand keyword rules cost about as much as ten (CPU time, 20,000 records)
$ gen-mentions -n 20000 -s 7 > m.ndjson
$ python3 -c 'for i in range(10): print("tag t%d if keywords \"word%d\"" % (i, i))' > r10.rules
$ python3 -c 'for i in range(1000): print("tag t%d if keywords \"word%d\", \"kw%dx\"" % (i, i, i))' > r1000.rules
$ python3 -c 'import resource, subprocess as s; t = lambda r: (s.run(["tag", "-f", r, "m.ndjson"], stdout=s.DEVNULL), resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime)[1]; a = t("r10.rules"); b = t("r1000.rules") - a; print("ok" if b < 2.5 * a + 0.2 else "slow: %.2fs vs %.2fs" % (b, a))'
> ok

### the usage line is tag(1)'s SYNOPSIS, every option in it, sorted
$ tag --help | sed -n '/^usage: /,/^$/p' | sed 's/^usage: //' | tr -s ' \n' ' ' | sed 's/ $//' > usage.txt
$ mandoc -Tascii "$TOP/man/tag.1" | sed 's/.\x08//g' | sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \t\n' ' ' | sed 's/^ //;s/ $//' > synopsis.txt
$ tag --list-options | cut -f1 | grep -v -e help -e version | sed 's/^-\([qv]\),.*/-qv/;s/,.*//' | while read o; do grep -q -e "\[$o[] ]" usage.txt || echo "$o missing"; done
$ grep -o -e '--[a-z-]*' usage.txt | LC_ALL=C sort -c && echo sorted
> sorted
$ cmp usage.txt synopsis.txt && cat usage.txt
> tag [-qv] [-f rules] [-j jobs] [-r rule] [--bad file] [--drop tag] [--emit-jq] [--escalation-model file] [--explain] [--influencer followers] [--lexicon file] [--line-buffered] [--model file] [--only tag] [--strict] [file ...]

### usage errors exit 64
$ tag --influencer many < /dev/null; echo "status $?"; tag --nope < /dev/null
> status 64
2> tag: --influencer wants a number of followers: many
2> usage: tag [-qv] [-f rules] [-j jobs] [-r rule] [--bad file] [--drop tag] [--emit-jq]
2>            [--escalation-model file] [--explain] [--influencer followers]
2>            [--lexicon file] [--line-buffered] [--model file] [--only tag]
2>            [--strict] [file ...]
2> tag: unknown option '--nope'
2> usage: tag [-qv] [-f rules] [-j jobs] [-r rule] [--bad file] [--drop tag] [--emit-jq]
2>            [--escalation-model file] [--explain] [--influencer followers]
2>            [--lexicon file] [--line-buffered] [--model file] [--only tag]
2>            [--strict] [file ...]
? 64
