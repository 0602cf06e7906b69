#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# The record layer, end to end through carepipe-cat: reading, validation,
# the bad-input policy, splicing and output checks (DESIGN.md conventions).
__TABLE__

### a valid record passes through byte for byte
$ carepipe-cat
< {"id":"twitter:1", "text":"caf\u00e9 😀",  "n":[1,2.5e3,{"a":null}]}
> {"id":"twitter:1", "text":"caf\u00e9 😀",  "n":[1,2.5e3,{"a":null}]}

### CRLF line ends are tolerated and not echoed
$ printf '{"a":1}\r\n{"b":2}\r\n' | carepipe-cat
> {"a":1}
> {"b":2}

### a last line without a newline is still a record
$ printf '{"a":1}\n{"b":2}' | carepipe-cat
> {"a":1}
> {"b":2}

### an empty file gives no output and success
$ : > empty.ndjson; carepipe-cat empty.ndjson
? 0

### blank lines are skipped, not reported
$ printf '{"a":1}\n\n   \n{"b":2}\n' | carepipe-cat
> {"a":1}
> {"b":2}

### a bad line is reported with file:line, the good ones around it survive, exit 65
$ printf '{"a":1}\n{"a":\n{"b":2}\n' > in.ndjson; carepipe-cat in.ndjson
> {"a":1}
> {"b":2}
2> carepipe-cat: in.ndjson:2: expected a value at byte 6
? 65

### stdin is named (stdin) in messages
$ printf 'nope\n' | carepipe-cat
2> carepipe-cat: (stdin):1: invalid literal at byte 1
? 65

### --bad quarantines the bad line verbatim
$ printf '{"a":1}\n[1,2]\n{"c":3}\n' | carepipe-cat --bad bad.txt
> {"a":1}
> {"c":3}
2> carepipe-cat: (stdin):2: not a JSON object at byte 1
? 65
= bad.txt
=| [1,2]

### --strict stops at the first bad line, after what came before
$ printf '{"a":1}\nbad\n{"c":3}\n' | carepipe-cat --strict
> {"a":1}
2>~ carepipe-cat: \(stdin\):2: .*
? 65

### invalid UTF-8 is a bad line
$ printf '{"a":"\377"}\n{"b":1}\n' | carepipe-cat
> {"b":1}
2> carepipe-cat: (stdin):1: invalid UTF-8 at byte 7
? 65

### a NUL byte inside a line is a bad line
$ printf '{"a":"x\000y"}\n{"b":1}\n' | carepipe-cat
> {"b":1}
2> carepipe-cat: (stdin):1: NUL byte in string at byte 8
? 65

### a lone surrogate escape is a bad line
$ printf '{"a":"\\ud800"}\n' | carepipe-cat
2> carepipe-cat: (stdin):1: lone high surrogate in \u escape at byte 7
? 65

### trailing garbage after the object is a bad line
$ printf '{"a":1} x\n' | carepipe-cat
2> carepipe-cat: (stdin):1: trailing data after the object at byte 9
? 65

### gzip input is read through zlib, detected by magic bytes not the name
$ printf '{"a":1}\n{"b":2}\n' | gzip > data.bin; carepipe-cat data.bin
> {"a":1}
> {"b":2}

### concatenated gzip members are all read
$ (printf '{"a":1}\n' | gzip; printf '{"b":2}\n' | gzip) | carepipe-cat
> {"a":1}
> {"b":2}

### a truncated gzip stream keeps what was decoded and exits 65
$ seq 1 20000 | sed 's/.*/{"n":&}/' | gzip > full.gz; head -c 20000 full.gz > cut.gz; carepipe-cat cut.gz > out.txt; echo "status $?"; test "$(wc -l < out.txt)" -gt 100 && echo kept; tail -n 1 out.txt | grep -q '^{"n":[0-9]*}$' && echo whole
> status 65
> kept
> whole
2>~ carepipe-cat: cut\.gz:[0-9]+: truncated gzip stream

### a missing file exits 66 and the other files are still read
$ printf '{"a":1}\n' > ok.ndjson; carepipe-cat nosuch.ndjson ok.ndjson
> {"a":1}
2> carepipe-cat: nosuch.ndjson: No such file or directory
? 66

### - names stdin among files
$ printf '{"f":1}\n' > f.ndjson; printf '{"s":1}\n' | carepipe-cat f.ndjson -
> {"f":1}
> {"s":1}

### a 50 MB line passes through whole
$ python3 -c 'import sys; sys.stdout.write("{\"a\":\"" + "x"*50000000 + "\"}\n{\"b\":1}\n")' | carepipe-cat | python3 -c 'import sys; ls=sys.stdin.read().split("\n"); print(len(ls[0]), ls[1])'
> 50000008 {"b":1}

### writing to /dev/full exits 74
$ printf '{"a":1}\n' | carepipe-cat > /dev/full
2>~ carepipe-cat: write error: .*
? 74

### splice: a replaced key keeps its place and every other byte
$ carepipe-cat -k 'tags=["x"]'
< { "id" : "a",  "tags":[],"z" : 1 }
> { "id" : "a",  "tags":["x"],"z" : 1 }

### splice: new keys go last, in the order set
$ carepipe-cat -k 'p="high"' -k 'q=1'
< {"id":"a" , "z":{"k":[1]}}
> {"id":"a" , "z":{"k":[1]},"p":"high","q":1}

### splice: removing a key takes one comma with it
$ carepipe-cat -d b
< {"a":1, "b":2, "c":3}
< {"a":1, "b":2}
< {"b":2, "a":1}
< {"b":2}
> {"a":1, "c":3}
> {"a":1}
> {"a":1}
> {}

### splice: removing two adjacent keys and adding one
$ carepipe-cat -d b -d c -k 'd=4'
< {"a":1,"b":2,"c":3}
< {"b":2,"c":3,"a":1}
< {}
> {"a":1,"d":4}
> {"a":1,"d":4}
> {"d":4}

### splice: a key written with escapes is found and replaced
$ carepipe-cat -k 'tag=2'
< {"t\u0061g":1,"x":0}
> {"t\u0061g":2,"x":0}

### splice: a duplicated key is set once, at its last place
$ carepipe-cat -k 'a=9'
< {"a":1,"b":2,"a":3}
> {"b":2,"a":9}

### --help lists the common options and exits 0
$ carepipe-cat --help | grep -c -e --bad -e --strict -e --line-buffered
> 3

### --version names the program and the version
$ carepipe-cat --version
>~ carepipe-cat \(carepipe\) [0-9]+\.[0-9]+\.[0-9]+

### an unknown option is a usage error, 64
$ carepipe-cat --nope
2> carepipe-cat: unknown option '--nope'
2> usage: carepipe-cat [-d key] [-k key=json] [file ...]
? 64
