#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# scripts/train-escalation.c, the trainer of tag's escalation model (run by
# `make escalation-model`, which also trains it twice and compares the
# bytes): determinism, that tag loads what it writes, that the built-in
# model is what the trainer makes from ../shared's dev.tsv and sets A to D,
# and the errors of bad training and model files.
__TABLE__

### the trainer is deterministic (same model bytes twice), and tag --escalation-model loads its text form
$ T="$TOP/${CAREPIPE_BUILD:-build}/train-escalation"; D=$TOP/tests/data
$ for x in a b; do "$T" -b 10 -i 20 -o $x.model -c $x.c $D/escalation-heldout.tsv $D/escalation-heldout-b.tsv > /dev/null 2>&1 || echo "failed $?"; done
$ cmp a.model b.model && cmp a.c b.c && echo same
$ head -n 6 a.model
$ grep -c '^w ' a.model
$ printf '%s\n' '{"text":"a stranger knew my card number and bought stuff with it"}' '{"text":"thanks, my parcel arrived today"}' | tag --escalation-model a.model -r 'tag e if escalation-model any >= 0.5' | jq -c .tags
> same
> # tag(1) escalation model: features 3, 1024 buckets, l2 1e-05, 316 training texts
> carepipe-escalation-model 1
> features 3
> classes none privacy safety legal security
> buckets 1024
>~ scale 0\.[0-9]+
>~ [1-9][0-9]{2,3}
> ["e"]
> []

### the built-in model (common/escalation_model.c) is what make escalation-model's flags make from dev.tsv and sets A to D and F to N
! needs shared
$ T="$TOP/${CAREPIPE_BUILD:-build}/train-escalation"; D=$TOP/tests/data
$ "$T" -b 14 -l 3e-5 -c built.c "$SHARED/data/escalation/dev.tsv" $D/escalation-heldout.tsv $D/escalation-heldout-b.tsv $D/escalation-heldout-c.tsv $D/escalation-heldout-d.tsv $D/escalation-heldout-f.tsv $D/escalation-heldout-g.tsv $D/escalation-heldout-h.tsv $D/escalation-heldout-i.tsv $D/escalation-heldout-j.tsv $D/escalation-heldout-k.tsv $D/escalation-heldout-l.tsv $D/escalation-heldout-m.tsv $D/escalation-heldout-n.tsv 2>/dev/null
$ cmp built.c $TOP/common/escalation_model.c && echo same
> train: 5364 of 5383 escalated or not as labelled
> same

### a bad training line names FILE:LINE, exit 65
$ printf 'id\tlabel\tconfidence\treason\ttext\nx:1\tfraud\tsure\tr\tt\n' > bad.tsv; "$TOP/${CAREPIPE_BUILD:-build}/train-escalation" bad.tsv
2> train-escalation: bad.tsv:2: expected id<TAB>label<TAB>sure or doubt<TAB>reason<TAB>text, label none, privacy, safety, legal or security
? 65

### a missing training file: 66
$ "$TOP/${CAREPIPE_BUILD:-build}/train-escalation" nothing.tsv 2>/dev/null
? 66

### tag --escalation-model: another kind of model file is 78 with FILE:LINE
$ printf 'carepipe-sentiment-model 1\n' > m1; tag --escalation-model m1 < /dev/null
2> tag: m1:1: expected "carepipe-escalation-model 1" first
? 78

### tag --escalation-model: a model of other features is 78 with FILE:LINE
$ printf '# a comment\ncarepipe-escalation-model 1\nfeatures 2\n' > m2; tag --escalation-model m2 < /dev/null
2> tag: m2:3: made for another version of the features; retrain it
? 78

### tag --escalation-model: buckets not a power of two is 78 with FILE:LINE
$ printf 'carepipe-escalation-model 1\nfeatures 3\nclasses none privacy safety legal security\nbuckets 1000\n' > m3; tag --escalation-model m3 < /dev/null
2> tag: m3:4: expected "buckets N", N a power of two up to 16777216
? 78

### tag --escalation-model: a weight out of range is 78 with FILE:LINE
$ T="$TOP/${CAREPIPE_BUILD:-build}/train-escalation"; "$T" -b 8 -i 5 -o s.model $TOP/tests/data/escalation-heldout-e.tsv > /dev/null 2>&1
$ head -n 23 s.model > m4; echo 'w 1 1 2 3 4 40000' >> m4; tag --escalation-model m4 < /dev/null
2> tag: m4:24: expected "w BUCKET N N N N N" (BUCKET below buckets, N from -32767 to 32767) or "end N"
? 78

### tag --escalation-model: a truncated file is 78 with FILE:LINE
$ T="$TOP/${CAREPIPE_BUILD:-build}/train-escalation"; "$T" -b 8 -i 5 -o s.model $TOP/tests/data/escalation-heldout-e.tsv > /dev/null 2>&1
$ head -n 30 s.model > m5; tag --escalation-model m5 < /dev/null
2> tag: m5:30: ends early, without "end N"
? 78

### tag --escalation-model: a missing file is 66
$ tag --escalation-model missing.model < /dev/null
2> tag: missing.model: no such file
? 66
