#!/usr/bin/env python3
"""tag's sentiment against TweetEval's sentiment validation split (../shared):
macro-averaged recall over negative, neutral and positive, held as a floor,
for the built-in model (0.7157 when made) and the lexicon scorer alone
(--model lexicon, 0.634).  The model was never trained on these tweets.
The figures are printed as TAP comments; man/tag.1 quotes them."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import skip_all, ok, done

FLOOR = 0.70
LEXICON_FLOOR = 0.63

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
shared = os.environ.get("CAREPIPE_SHARED") or os.path.join(top, "..", "shared")
d = os.path.join(shared, "data", "tweeteval-sentiment")
if not os.path.isfile(os.path.join(d, "val_text.txt")):
    skip_all("needs ../shared (tweeteval-sentiment)")

with open(os.path.join(d, "val_text.txt"), encoding="utf-8") as f:
    texts = f.read().split("\n")
with open(os.path.join(d, "val_labels.txt")) as f:
    labels = [int(x) for x in f.read().split()]
texts = texts[: len(labels)]
records = "".join(json.dumps({"id": str(i), "direction": "in", "text": t}) + "\n"
                  for i, t in enumerate(texts))


def run(*args):
    p = subprocess.run([os.path.join(top, "bin", "tag"), *args], input=records.encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    names = {"negative": 0, "neutral": 1, "positive": 2}
    return p.returncode, [names[json.loads(l)["sentiment"]["label"]]
                          for l in p.stdout.decode().splitlines()]


def recalls(pred):
    r = []
    for c in range(3):
        n = sum(1 for y in labels if y == c)
        hit = sum(1 for y, q in zip(labels, pred) if y == c and q == c)
        r.append(hit / n if n else 0.0)
    return r


rc, pred = run()
ok(rc == 0, "tag reads all tweets, exit 0")
ok(len(pred) == len(labels) == 2000, f"2000 labelled tweets, 2000 labels out ({len(pred)})")
for what, floor, args in (("the model", FLOOR, ()),
                          ("the lexicon scorer", LEXICON_FLOOR, ("--model", "lexicon"))):
    if args:
        rc, pred = run(*args)
    recall = recalls(pred)
    macro = sum(recall) / 3
    print(f"# {what}: recall negative {recall[0]:.3f}, neutral {recall[1]:.3f}, "
          f"positive {recall[2]:.3f}")
    ok(rc == 0 and len(pred) == 2000 and macro >= floor,
       f"{what}: macro-averaged recall {macro:.4f} >= {floor}")
done()
