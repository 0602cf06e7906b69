#!/usr/bin/env python3
"""tag's sentiment against TweetEval's sentiment validation split (../shared):
macro-averaged recall over negative, neutral and positive, held as a floor.
The figure is printed as a TAP comment; man/tag.1 quotes it."""
import json
import os
import subprocess
import sys

FLOOR = 0.63

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
shared = os.environ.get("CAREPIPE_SHARED") or os.path.join(top, "..", "shared")
d = os.path.join(shared, "data", "tweeteval-sentiment")
if not os.path.isfile(os.path.join(d, "val_text.txt")):
    print("1..0 # SKIP needs ../shared (tweeteval-sentiment)")
    sys.exit(0)

with open(os.path.join(d, "val_text.txt"), encoding="utf-8") as f:
    texts = f.read().split("\n")
with open(os.path.join(d, "val_labels.txt")) as f:
    labels = [int(x) for x in f.read().split()]
texts = texts[: len(labels)]
records = "".join(json.dumps({"id": str(i), "direction": "in", "text": t}) + "\n"
                  for i, t in enumerate(texts))
p = subprocess.run([os.path.join(top, "bin", "tag")], input=records.encode(),
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
print("1..3")
print(("ok" if p.returncode == 0 else "not ok") + " 1 - tag reads all tweets, exit 0")
out = p.stdout.decode().splitlines()
names = {"negative": 0, "neutral": 1, "positive": 2}
pred = [names[json.loads(l)["sentiment"]["label"]] for l in out]
print(("ok" if len(pred) == len(labels) == 2000 else "not ok") +
      f" 2 - 2000 labelled tweets, 2000 labels out ({len(pred)})")


def recalls(lo, hi):
    r = []
    for c in range(3):
        n = sum(1 for y in labels[lo:hi] if y == c)
        hit = sum(1 for y, q in zip(labels[lo:hi], pred[lo:hi]) if y == c and q == c)
        r.append(hit / n if n else 0.0)
    return r


recall = recalls(0, len(labels))
macro = sum(recall) / 3
print(f"# recall: negative {recall[0]:.3f}, neutral {recall[1]:.3f}, positive {recall[2]:.3f}")
# The rules were tuned on the first half only; the second half is held out.
if len(pred) == 2000:
    print(f"# first half (tuned on) {sum(recalls(0, 1000)) / 3:.4f}, "
          f"second half (held out) {sum(recalls(1000, 2000)) / 3:.4f}")
print(("ok" if macro >= FLOOR else "not ok") +
      f" 3 - macro-averaged recall {macro:.4f} >= {FLOOR}")
