#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# scripts/train-sentiment.c, the trainer of tag's sentiment model (run by
# `make sentiment-model`, which also trains the full model twice and
# compares the bytes): determinism on a slice of ../shared's training
# tweets, and that tag loads what it writes.
__TABLE__

### the trainer is deterministic (same model bytes twice), and tag --model loads its text form
! needs shared
$ T="$TOP/${CAREPIPE_BUILD:-build}/train-sentiment"; head -n 4001 "$SHARED/data/semeval-sentiment/train.tsv" > t.tsv
$ for x in a b; do "$T" -b 12 -i 15 -o $x.model -c $x.c t.tsv > /dev/null 2>&1 || echo "failed $?"; done
$ cmp a.model b.model && cmp a.c b.c && echo same
$ head -n 5 a.model
$ grep -c '^w ' a.model
$ printf '%s\n' '{"text":"I love it, great"}' '{"text":"awful, I hate it"}' | tag --model a.model | jq -r .sentiment.label
> same
> # tag(1) sentiment model: features 3, 4096 buckets, l2 0.0001, 4000 training tweets
> carepipe-sentiment-model 1
> features 3
> classes negative neutral positive
> buckets 4096
>~ [1-9][0-9]{3}
> positive
> negative

### a bad training line names FILE:LINE, exit 65
$ printf 'label\ttext\tsource\nhappy\tgreat\tx\n' > bad.tsv; "$TOP/${CAREPIPE_BUILD:-build}/train-sentiment" bad.tsv
2> train-sentiment: bad.tsv:2: expected label<TAB>text<TAB>source
? 65
