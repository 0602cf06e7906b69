#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# fetch-mentions --import: twcs, ndjson and csv, each trait of the input,
# bad rows, and the examples of fetch-mentions(1), verbatim.  The real
# Kaggle files are checked in depth by fetch-mentions-twcs.t.
__TABLE__

### twcs: a customer's tweet and the brand's reply
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,115712,True,Tue Oct 31 22:10:47 +0000 2017,@sprintcare help,2,\n2,sprintcare,False,Tue Oct 31 22:11:45 +0000 2017,@115712 on it,,1\n' > t.csv
$ fetch-mentions --import twcs t.csv
> {"id":"twitter:1","platform":"twitter","account":"sprintcare","direction":"in","kind":"post","author":{"id":"115712","handle":"115712"},"text":"@sprintcare help","created_at":"2017-10-31T22:10:47Z","in_reply_to":null,"thread":"twitter:1"}
> {"id":"twitter:2","platform":"twitter","account":"sprintcare","direction":"out","kind":"reply","author":{"id":"sprintcare","handle":"sprintcare"},"text":"@115712 on it","created_at":"2017-10-31T22:11:45Z","in_reply_to":"twitter:1","thread":"twitter:1"}

### twcs: CRLF ends records, LF and CRLF inside quoted text stay in the text, lines are physical
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\r\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,"@B one\ntwo\r\nthree",,\r\n2,B,False,Tue Oct 31 22:10:47 +0000 2017,ok,,1\r\n3,c1,True,Tue Oct 31 22:10:47 +0000 2017,x,,\r\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -c '[.id, .text]'
> ["twitter:1","@B one\ntwo\r\nthree"]
> ["twitter:2","ok"]
> ["twitter:3","x"]

### twcs: a bare CR inside text is text
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\r\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,"@B a\rb",,\r\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -c .text
> "@B a\rb"

### twcs: response_tweet_id may hold a comma list
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,@B hi,"2,3",\n2,B,False,Tue Oct 31 22:10:47 +0000 2017,a,,1\n3,B,False,Tue Oct 31 22:10:47 +0000 2017,b,,1\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -c '[.id, .direction, .in_reply_to, .thread]'
> ["twitter:1","in",null,"twitter:1"]
> ["twitter:2","out","twitter:1","twitter:1"]
> ["twitter:3","out","twitter:1","twitter:1"]

### twcs: inbound is True or False in any case
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,TRUE,Tue Oct 31 22:10:47 +0000 2017,a,,\n2,c2,true,Tue Oct 31 22:10:47 +0000 2017,b,,\n3,B,FALSE,Tue Oct 31 22:10:47 +0000 2017,c,,\n4,B,fAlSe,Tue Oct 31 22:10:47 +0000 2017,d,,\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -r .direction
> in
> in
> out
> out

### twcs: ids written as floats are ids
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n3.0,c1,True,Tue Oct 31 22:10:47 +0000 2017,@B a,1.0,\n1.0,B,False,Tue Oct 31 22:10:47 +0000 2017,b,,3.0\n1.5e1,c1,True,Tue Oct 31 22:10:47 +0000 2017,c,,1.00\n0012,c1,True,Tue Oct 31 22:10:47 +0000 2017,d,,\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -c '[.id, .in_reply_to, .thread]'
> ["twitter:3",null,"twitter:3"]
> ["twitter:1","twitter:3","twitter:3"]
> ["twitter:15","twitter:1","twitter:3"]
> ["twitter:12",null,"twitter:12"]

### twcs: created_at becomes RFC 3339 UTC
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,,\n2,c1,True,Wed Nov 01 00:10:47 +0200 2017,b,,\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -r .created_at
> 2017-10-31T22:10:47Z
> 2017-10-31T22:10:47Z

### twcs: rows out of order: a reply before its parent, the root last
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n4,c1,True,Tue Oct 31 22:30:00 +0000 2017,@B still?,,3\n3,B,False,Tue Oct 31 22:20:00 +0000 2017,@c1 sorry,4,2\n2,c1,True,Tue Oct 31 22:10:00 +0000 2017,@B hello?,3,1\n1,B,False,Tue Oct 31 22:00:00 +0000 2017,news,2,\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -c '[.id, .account, .kind, .in_reply_to, .thread]'
> ["twitter:4","B","reply","twitter:3","twitter:1"]
> ["twitter:3","B","reply","twitter:2","twitter:1"]
> ["twitter:2","B","reply","twitter:1","twitter:1"]
> ["twitter:1","B","post",null,"twitter:1"]

### twcs: the thread root is the first ancestor whose parent is not in the input
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n20,c1,True,Tue Oct 31 22:10:47 +0000 2017,@B x,,10\n21,B,False,Tue Oct 31 22:10:47 +0000 2017,y,,20\n22,c1,True,Tue Oct 31 22:10:47 +0000 2017,z,,21\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -c '[.id, .in_reply_to, .thread]'
> ["twitter:20","twitter:10","twitter:20"]
> ["twitter:21","twitter:20","twitter:20"]
> ["twitter:22","twitter:21","twitter:20"]

### twcs: the account of a customer's tweet: the brand that answers it, in its thread, or named
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,@Acme @Other hi,,\n2,Acme,False,Tue Oct 31 22:10:47 +0000 2017,@c1 hi,,1\n3,c1,True,Tue Oct 31 22:10:47 +0000 2017,@Acme thanks,,2\n4,c2,True,Tue Oct 31 22:10:47 +0000 2017,"hey @OTHERbrand, @acme",,\n5,c3,True,Tue Oct 31 22:10:47 +0000 2017,@nobody x,,\n6,OtherBrand,False,Tue Oct 31 22:10:47 +0000 2017,news,,\n7,c4,True,Tue Oct 31 22:10:47 +0000 2017,me@acme.com,,\n' > t.csv
$ fetch-mentions --import twcs t.csv | jq -c '[.id, .direction, .account]'
> ["twitter:1","in","Acme"]
> ["twitter:2","out","Acme"]
> ["twitter:3","in","Acme"]
> ["twitter:4","in","OtherBrand"]
> ["twitter:5","in",null]
> ["twitter:6","out","OtherBrand"]
> ["twitter:7","in",null]

### twcs: the keys of a record, in schema order
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n7,c9,True,Tue Oct 31 22:10:47 +0000 2017,"say ""hi"" caf\303\251",,\n' > t.csv
$ fetch-mentions --import twcs t.csv
> {"id":"twitter:7","platform":"twitter","account":null,"direction":"in","kind":"post","author":{"id":"c9","handle":"c9"},"text":"say \"hi\" café","created_at":"2017-10-31T22:10:47Z","in_reply_to":null,"thread":"twitter:7"}

### twcs: bad rows are reported with the line where they start, the rest come out, exit 65
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,,\nshort,row\n2,c1,maybe,Tue Oct 31 22:10:47 +0000 2017,b,,\n3,c1,True,yesterday,c,,\nx7,c1,True,Tue Oct 31 22:10:47 +0000 2017,d,,\n"4",c1,True,Tue Oct 31 22:10:47 +0000 2017,"multi\nline",,zz\n1,c2,True,Tue Oct 31 22:10:47 +0000 2017,again,,\n5,,True,Tue Oct 31 22:10:47 +0000 2017,e,,\n6,c1,True,Tue Oct 31 22:10:47 +0000 2017,f,,\n' > t.csv
$ fetch-mentions --import twcs --bad bad.txt t.csv > out.ndjson; st=$?
$ jq -r .id out.ndjson; exit $st
> twitter:1
> twitter:6
2> fetch-mentions: t.csv:3: expected 7 fields, got 2
2> fetch-mentions: t.csv:4: inbound is neither True nor False: "maybe"
2> fetch-mentions: t.csv:5: created_at is not a date: "yesterday"
2> fetch-mentions: t.csv:6: tweet_id is not an id: "x7"
2> fetch-mentions: t.csv:7: in_response_to_tweet_id is not an id: "zz"
2> fetch-mentions: t.csv:9: tweet_id 1 repeats t.csv:2
2> fetch-mentions: t.csv:10: author_id is empty
? 65
= bad.txt
=| short,row
=| 2,c1,maybe,Tue Oct 31 22:10:47 +0000 2017,b,,
=| 3,c1,True,yesterday,c,,
=| x7,c1,True,Tue Oct 31 22:10:47 +0000 2017,d,,
=| "4",c1,True,Tue Oct 31 22:10:47 +0000 2017,"multi
=| line",,zz
=| 1,c2,True,Tue Oct 31 22:10:47 +0000 2017,again,,
=| 5,,True,Tue Oct 31 22:10:47 +0000 2017,e,,

### twcs: --strict stops at the first bad row, before any output
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,,\nshort\n2,c1,True,Tue Oct 31 22:10:47 +0000 2017,b,,\n' > t.csv
$ fetch-mentions --import twcs --strict t.csv
2> fetch-mentions: t.csv:3: expected 7 fields, got 1
? 65

### twcs: a file that is not twcs
$ printf 'a,b\n1,2\n' > t.csv
$ fetch-mentions --import twcs t.csv
2> fetch-mentions: t.csv:1: not a twcs header: no column tweet_id
? 65

### twcs: gzip input, and stdin
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,,\n' | gzip > t.csv.gz
$ fetch-mentions --import twcs t.csv.gz | jq -r .id
$ gzip -dc t.csv.gz | fetch-mentions --import twcs | jq -r .id
> twitter:1
> twitter:1

### twcs: threads run across files, records keep input order
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n2,B,False,Tue Oct 31 22:10:47 +0000 2017,b,,1\n' > a.csv
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,,\n' > b.csv
$ fetch-mentions --import twcs a.csv b.csv | jq -c '[.id, .account, .thread]'
> ["twitter:2","B","twitter:1"]
> ["twitter:1","B","twitter:1"]

### twcs: --raw keeps the row under raw
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,"2,3",\n' > t.csv
$ fetch-mentions --import twcs --raw t.csv | jq -c .raw
> {"tweet_id":"1","author_id":"c1","inbound":"True","created_at":"Tue Oct 31 22:10:47 +0000 2017","text":"a","response_tweet_id":"2,3","in_response_to_tweet_id":""}

### twcs: a missing file is 66, the others are still read
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,,\n' > t.csv
$ fetch-mentions --import twcs nosuch.csv t.csv > out.ndjson; st=$?
$ jq -r .id out.ndjson; exit $st
> twitter:1
2> fetch-mentions: nosuch.csv: No such file or directory
? 66

### twcs: an empty input gives nothing
$ : > t.csv
$ fetch-mentions --import twcs t.csv

### ndjson: a record already normal passes byte for byte
$ fetch-mentions --import ndjson
< {"id":"twitter:1", "platform":"twitter","created_at":"2017-10-31T22:10:47Z","text":"caf\u00e9","x":[1,{"y":null}]}
> {"id":"twitter:1", "platform":"twitter","created_at":"2017-10-31T22:10:47Z","text":"caf\u00e9","x":[1,{"y":null}]}

### ndjson: created_at in any format time_parse reads becomes RFC 3339 UTC, in place
$ fetch-mentions --import ndjson
< {"id":"x:1","platform":"x","created_at":"Tue Oct 31 22:10:47 +0000 2017","k":1}
< {"id":"x:2","platform":"x","created_at":"2017-11-01T00:10:47.250+02:00"}
< {"id":"x:3","platform":"x","created_at":1509488047}
< {"id":"x:4","platform":"x","created_at":"1509488047000"}
< {"id":"x:5","platform":"x","created_at":"2017-10-31 22:10:47Z"}
> {"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z","k":1}
> {"id":"x:2","platform":"x","created_at":"2017-10-31T22:10:47Z"}
> {"id":"x:3","platform":"x","created_at":"2017-10-31T22:14:07Z"}
> {"id":"x:4","platform":"x","created_at":"2017-10-31T22:14:07Z"}
> {"id":"x:5","platform":"x","created_at":"2017-10-31T22:10:47Z"}

### ndjson: bare ids take the platform as prefix
$ fetch-mentions --import ndjson
< {"id":"42","platform":"mastodon","created_at":"2017-10-31T22:10:47Z","in_reply_to":"41","thread":"mastodon:40"}
> {"id":"mastodon:42","platform":"mastodon","created_at":"2017-10-31T22:10:47Z","in_reply_to":"mastodon:41","thread":"mastodon:40"}

### ndjson: records that lack what the schema requires are bad lines, exit 65
$ fetch-mentions --import ndjson --bad bad.txt
< {"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z"}
< {"platform":"x","created_at":"2017-10-31T22:10:47Z"}
< {"id":"x:2","created_at":"2017-10-31T22:10:47Z"}
< {"id":"x:3","platform":"x"}
< {"id":"x:4","platform":"x","created_at":"soon"}
< {"id":"x:5","platform":"x","created_at":"2017-10-31T22:10:47Z","direction":"up"}
< {"id":"x:6","platform":"x","created_at":"2017-10-31T22:10:47Z","author":"me"}
< {"id":7,"platform":"x","created_at":"2017-10-31T22:10:47Z"}
< {"id":"x:8","platform":"x","created_at":"2017-02-30T00:00:00Z"}
< not json
< {"id":"x:9","platform":"x","created_at":"2017-10-31T22:10:47Z"}
> {"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z"}
> {"id":"x:9","platform":"x","created_at":"2017-10-31T22:10:47Z"}
2> fetch-mentions: (stdin):2: no id
2> fetch-mentions: (stdin):3: no platform
2> fetch-mentions: (stdin):4: no created_at
2> fetch-mentions: (stdin):5: created_at is not a date: soon
2> fetch-mentions: (stdin):6: direction is neither "in" nor "out"
2> fetch-mentions: (stdin):7: author has the wrong type
2> fetch-mentions: (stdin):8: id is not a non-empty string
2> fetch-mentions: (stdin):9: created_at is not a date: 2017-02-30T00:00:00Z
2> fetch-mentions: (stdin):10: invalid literal at byte 1
? 65
= bad.txt
=| {"platform":"x","created_at":"2017-10-31T22:10:47Z"}
=| {"id":"x:2","created_at":"2017-10-31T22:10:47Z"}
=| {"id":"x:3","platform":"x"}
=| {"id":"x:4","platform":"x","created_at":"soon"}
=| {"id":"x:5","platform":"x","created_at":"2017-10-31T22:10:47Z","direction":"up"}
=| {"id":"x:6","platform":"x","created_at":"2017-10-31T22:10:47Z","author":"me"}
=| {"id":7,"platform":"x","created_at":"2017-10-31T22:10:47Z"}
=| {"id":"x:8","platform":"x","created_at":"2017-02-30T00:00:00Z"}
=| not json

### ndjson: gzip files
$ printf '{"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z"}\n' | gzip > in.ndjson.gz
$ fetch-mentions --import ndjson in.ndjson.gz
> {"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z"}

### csv: a forum export mapped column by column
$ printf 'post_id,user,body,date,parent,likes\n10,alice,"hello, world",2024-01-02 03:04:05+01:00,,3\n11,Acme,hi alice,1704164645,10,\n' > forum.csv
$ fetch-mentions --import csv --map 'id=post_id,author.handle=user,text=body,created_at=date,in_reply_to=parent,metrics.likes=likes,platform:=forum' forum.csv
> {"id":"forum:10","platform":"forum","account":null,"direction":"in","kind":"post","author":{"id":"alice","handle":"alice"},"text":"hello, world","created_at":"2024-01-02T02:04:05Z","in_reply_to":null,"thread":"forum:10","metrics":{"likes":3}}
> {"id":"forum:11","platform":"forum","account":null,"direction":"in","kind":"reply","author":{"id":"Acme","handle":"Acme"},"text":"hi alice","created_at":"2024-01-02T03:04:05Z","in_reply_to":"forum:10","thread":"forum:10"}

### csv: constants, direction values, account and name, --map given twice
$ printf 'who,said,at,dir,acct,name\nbob,hi,2024-01-02T00:00:00Z,inbound,Acme,Bob B\nAcme,yo,2024-01-02T00:01:00Z,OUT,,\n' > in.csv
$ fetch-mentions --import csv --map 'platform:=forum,author.id=who,text=said,created_at=at' --map 'direction=dir,account=acct,author.name=name,lang:=en' in.csv
> {"id":"forum:7a5365a72f36168f","platform":"forum","account":"Acme","direction":"in","kind":"post","author":{"id":"bob","handle":"bob","name":"Bob B"},"text":"hi","created_at":"2024-01-02T00:00:00Z","in_reply_to":null,"thread":"forum:7a5365a72f36168f","lang":"en"}
> {"id":"forum:cf326fc479d39434","platform":"forum","account":"Acme","direction":"out","kind":"post","author":{"id":"Acme","handle":"Acme"},"text":"yo","created_at":"2024-01-02T00:01:00Z","in_reply_to":null,"thread":"forum:cf326fc479d39434","lang":"en"}

### csv: without an id column the id is a hash of author, time and text, the same on every run
$ printf 'user,body,date\nbob,hi,2024-01-02T00:00:00Z\nbob,hi,2024-01-02T00:00:00Z\nbob,hi!,2024-01-02T00:00:00Z\n' > in.csv
$ fetch-mentions --import csv --map 'platform:=forum,author.handle=user,text=body,created_at=date' in.csv | jq -r .id
> forum:7a5365a72f36168f
> forum:7a5365a72f36168f
> forum:10d02b153811962a

### csv: columns named like fields need no map; ids already prefixed stay
$ printf 'id,platform,text,created_at,author.handle,thread\nreddit:t1_a,reddit,hey,2024-01-02T00:00:00Z,u1,t3_x\n' > in.csv
$ fetch-mentions --import csv in.csv
> {"id":"reddit:t1_a","platform":"reddit","account":null,"direction":"in","kind":"post","author":{"id":"u1","handle":"u1"},"text":"hey","created_at":"2024-01-02T00:00:00Z","in_reply_to":null,"thread":"reddit:t3_x"}

### csv: quoted newlines, CRLF and --raw
$ printf 'user,body,date\r\nbob,"two\nlines",2024-01-02T00:00:00Z\r\n' > in.csv
$ fetch-mentions --import csv --raw --map 'platform:=forum,author.handle=user,text=body,created_at=date' in.csv | jq -c '[.text, .raw]'
> ["two\nlines",{"user":"bob","body":"two\nlines","date":"2024-01-02T00:00:00Z"}]

### csv: bad rows are reported with their line, exit 65
$ printf 'user,body,date,likes\nbob,a,2024-01-02T00:00:00Z,1\nbob,"b\nc",never,1\nbob,c\nbob,d,2024-01-02T00:00:00Z,many\nbob,e,2024-01-02T00:00:00Z,\n' > in.csv
$ fetch-mentions --import csv --bad bad.txt --map 'platform:=forum,author.handle=user,text=body,created_at=date,metrics.likes=likes' in.csv > out.ndjson; st=$?
$ jq -r .text out.ndjson; exit $st
> a
> e
2> fetch-mentions: in.csv:3: created_at is not a date: "never"
2> fetch-mentions: in.csv:5: expected 4 fields, got 2
2> fetch-mentions: in.csv:6: metrics.likes is not a count: "many"
? 65
= bad.txt
=| bob,"b
=| c",never,1
=| bob,c
=| bob,d,2024-01-02T00:00:00Z,many

### csv: commas and backslashes in --map are escaped
$ printf '"a,b",date\nx,2024-01-02T00:00:00Z\n' > in.csv
$ fetch-mentions --import csv --map 'text=a\,b,created_at=date,platform:=p\\q' in.csv | jq -c '[.text, .platform]'
> ["x","p\\q"]

### csv: a mapped column missing from the header
$ printf 'user,date\nbob,2024-01-02T00:00:00Z\n' > in.csv
$ fetch-mentions --import csv --map 'platform:=forum,text=body,created_at=date' in.csv
2> fetch-mentions: in.csv:1: no column 'body' in the header (for text)
? 65

### csv: no platform is a usage error
$ printf 'user,date\nbob,2024-01-02T00:00:00Z\n' > in.csv
$ fetch-mentions --import csv --map 'created_at=date' in.csv
2> fetch-mentions: in.csv: no platform: give --map platform=COLUMN or platform:=NAME
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
? 64

### csv: a bad map is a usage error
$ fetch-mentions --import csv --map 'colour=c' in.csv; echo $?
$ fetch-mentions --import csv --map 'text' in.csv; echo $?
$ fetch-mentions --import csv --map 'text=a,text=b' in.csv; echo $?
> 64
> 64
> 64
2> fetch-mentions: --map: no field 'colour' in a record (see fetch-mentions(1))
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --map wants FIELD=COLUMN or FIELD:=TEXT: text
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --map: text is mapped twice
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check

### options: an unknown format, and options that do not go together
$ fetch-mentions --import xml; echo $?
$ fetch-mentions --import twcs --map text=a; echo $?
$ fetch-mentions --import twcs --state st; echo $?
$ fetch-mentions --config c.conf file.csv; echo $?
$ fetch-mentions --max-wait soon; echo $?
> 64
> 64
> 64
> 64
> 64
2> fetch-mentions: unknown import format 'xml' (twcs, ndjson or csv)
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --map goes with --import csv
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --state is for live sources, not --import
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: files are read only with --import
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --max-wait wants a duration: soon
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check

### csv: no created_at column, and a map naming no column, are usage errors
$ printf 'platform,when\nforum,2024-01-02T00:00:00Z\n' > in.csv
$ fetch-mentions --import csv in.csv; echo $?
$ fetch-mentions --import csv --map 'created_at=when,text=' in.csv; echo $?
> 64
> 64
2> fetch-mentions: in.csv: no created_at: give --map created_at=COLUMN
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --map: text=: no column named
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check

### options: --limit, --since and --until refused as usage errors
$ fetch-mentions --limit 0; echo $?
$ fetch-mentions --since soon; echo $?
$ fetch-mentions --since 2024-01-02T00:00:00Z --until 2024-01-01T00:00:00Z; echo $?
> 64
> 64
> 64
2> fetch-mentions: --limit wants a count of records: 0
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --since wants an RFC 3339 time or -DURATION: soon
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
2> fetch-mentions: --until must come after --since
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check

### options: --help shows the usage and both groups of options
$ fetch-mentions --help | grep -c -e '^usage: fetch-mentions' -e '--import FORMAT' -e '--max-wait DUR'
> 3

### man page example: import the data set, compressed
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\r\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,@Acme hi,2,\r\n2,Acme,False,Tue Oct 31 22:10:47 +0000 2017,@c1 hello,,1\r\n' | gzip > twcs.csv.gz
$ fetch-mentions --import twcs twcs.csv.gz > mentions.ndjson
$ jq -c '[.id, .account, .direction]' mentions.ndjson
> ["twitter:1","Acme","in"]
> ["twitter:2","Acme","out"]

### man page example: count customers' tweets per brand
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,@Acme hi,,\n2,Acme,False,Tue Oct 31 22:10:47 +0000 2017,@c1 hello,,1\n3,c2,True,Tue Oct 31 22:10:47 +0000 2017,@acme and me,,\n4,c3,True,Tue Oct 31 22:10:47 +0000 2017,@Bolt x,,\n5,Bolt,False,Tue Oct 31 22:10:47 +0000 2017,y,,4\n' > twcs.csv
$ fetch-mentions --import twcs twcs.csv |
$     jq -r 'select(.direction == "in") | .account' | sort | uniq -c
>       2 Acme
>       1 Bolt

### man page example: a forum's export
$ printf 'post_id,user,body,date,parent\n7,ann,my order?,2024-03-01T09:00:00+01:00,\n8,AcmeHelp,on it,2024-03-01T08:05:00Z,7\n' > forum.csv
$ fetch-mentions --import csv \
$     --map 'id=post_id,author.handle=user,text=body,created_at=date' \
$     --map 'in_reply_to=parent,platform:=forum' forum.csv
> {"id":"forum:7","platform":"forum","account":null,"direction":"in","kind":"post","author":{"id":"ann","handle":"ann"},"text":"my order?","created_at":"2024-03-01T08:00:00Z","in_reply_to":null,"thread":"forum:7"}
> {"id":"forum:8","platform":"forum","account":null,"direction":"in","kind":"reply","author":{"id":"AcmeHelp","handle":"AcmeHelp"},"text":"on it","created_at":"2024-03-01T08:05:00Z","in_reply_to":"forum:7","thread":"forum:7"}

### man page example: check and normalise an archive, rejects aside
$ mkdir archive
$ printf '{"id":"x:1","platform":"x","created_at":"Tue Oct 31 22:10:47 +0000 2017"}\n{"id":"x:2"}\n' | gzip > archive/a.gz
$ printf '{"id":"3","platform":"x","created_at":1509488047}\n' | gzip > archive/b.gz
$ fetch-mentions --import ndjson --bad rejected.ndjson archive/*.gz > clean.ndjson
$ echo $?; cat clean.ndjson rejected.ndjson
> 65
> {"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z"}
> {"id":"x:3","platform":"x","created_at":"2017-10-31T22:14:07Z"}
> {"id":"x:2"}
2> fetch-mentions: archive/a.gz:2: no platform

### real data: twcs_head5000.csv gives 5000 records, 2778 in and 2222 out
! needs shared
$ fetch-mentions --import twcs $SHARED/data/twcs/twcs_head5000.csv | jq -r .direction | sort | uniq -c
>    2778 in
>    2222 out

### real data: twcs_kaggle_sample.csv (CRLF, a bare CR) gives 93 records, 49 in and 44 out
! needs shared
$ fetch-mentions --import twcs $SHARED/data/twcs/twcs_kaggle_sample.csv | jq -r .direction | sort | uniq -c
>      49 in
>      44 out

### a write error is 74
$ printf 'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n1,c1,True,Tue Oct 31 22:10:47 +0000 2017,a,,\n' > t.csv
$ fetch-mentions --import twcs t.csv > /dev/full
2> fetch-mentions: write error: No space left on device
? 74

### csv from stdin, named -, with --strict stopping at a bad row after the good ones
$ printf 'user,date\nbob,2024-01-02T00:00:00Z\nann,never\ncid,2024-01-02T00:00:00Z\n' | fetch-mentions --import csv --strict --map 'platform:=forum,author.handle=user,created_at=date' - | jq -r .author.handle
> bob
2> fetch-mentions: (stdin):3: created_at is not a date: "never"

### ndjson --strict stops at the first bad record
$ fetch-mentions --import ndjson --strict
< {"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z"}
< {"id":"x:2","platform":"x"}
< {"id":"x:3","platform":"x","created_at":"2017-10-31T22:10:47Z"}
> {"id":"x:1","platform":"x","created_at":"2017-10-31T22:10:47Z"}
2> fetch-mentions: (stdin):2: no created_at
? 65

### csv: dates without an offset are UTC, or wall times in --tz (a spring-forward gap is the jump, a fall-back the first); 31 February is bad
$ printf 'id,user,body,date\n1,ann,a,2024-03-01 10:00\n2,bo,b,2024-03-31 02:30\n3,cy,c,2024-10-27 02:30:00\n4,di,d,2024-02-30 10:00\n5,ed,e,2024-03-01T10:00:00+01:00\n6,fi,f,2024-03-01\n' > in.csv
$ fetch-mentions --import csv --map 'id=id,author.handle=user,text=body,created_at=date,platform:=forum' in.csv | jq -r .created_at; fetch-mentions --import csv --tz Europe/Paris --map 'id=id,author.handle=user,text=body,created_at=date,platform:=forum' in.csv 2>/dev/null | jq -r .created_at
> 2024-03-01T10:00:00Z
> 2024-03-31T02:30:00Z
> 2024-10-27T02:30:00Z
> 2024-03-01T09:00:00Z
> 2024-03-01T00:00:00Z
> 2024-03-01T09:00:00Z
> 2024-03-31T01:00:00Z
> 2024-10-27T00:30:00Z
> 2024-03-01T09:00:00Z
> 2024-02-29T23:00:00Z
2> fetch-mentions: in.csv:5: created_at is not a date: "2024-02-30 10:00"

### csv: --date-format reads created_at by a strptime format only, in --tz; %z gives the offset
$ printf 'id,user,body,date\n1,ann,a,01/03/2024 10:00\n2,bo,b,"Mar 5, 2024 9:07 PM"\n3,cy,c,2024-03-01T10:00:00Z\n' > in.csv
$ fetch-mentions --import csv --date-format '%d/%m/%Y %H:%M' --tz America/New_York --map 'id=id,author.handle=user,text=body,created_at=date,platform:=forum' in.csv | jq -r '.id + " " + .created_at'
> forum:1 2024-03-01T15:00:00Z
2> fetch-mentions: in.csv:3: created_at is not a date: "Mar 5, 2024 9:07 PM"
2> fetch-mentions: in.csv:4: created_at is not a date: "2024-03-01T10:00:00Z"
$ printf 'id,user,body,date\n1,ann,a,"Mar 5, 2024 9:07 PM +0100"\n' > in2.csv; fetch-mentions --import csv --date-format '%b %d, %Y %I:%M %p %z' --map 'id=id,author.handle=user,text=body,created_at=date,platform:=forum' in2.csv | jq -r .created_at
> 2024-03-05T20:07:00Z

### csv: an unknown --tz, a %s format, and --tz or --date-format without --import csv are usage errors
$ fetch-mentions --import csv --tz Mars/Base --map 'platform:=forum,created_at=date' < /dev/null; echo "$?"
> 64
2>~ fetch-mentions: --tz: unknown time zone Mars/Base.*
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
$ fetch-mentions --import csv --date-format '%s' < /dev/null; echo "$?"
> 64
2>~ fetch-mentions: --date-format: epoch seconds .* are read without a format
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
$ fetch-mentions --import ndjson --tz UTC < /dev/null; echo "$?"
> 64
2> fetch-mentions: --tz goes with --import csv
2> usage: fetch-mentions [-qv] [--cacert file] [--config file] [--limit n]
2>                       [--max-wait duration] [--raw] [--since time] [--source name]
2>                       [--state dir] [--until time] [--wait]
2>        fetch-mentions [-qv] [--bad file] [--strict] [--raw] --import format
2>                       [--date-format fmt] [--map spec] [--tz zone] [file ...]
2>        fetch-mentions [-qv] [--cacert file] [--config file] [--source name] --check
