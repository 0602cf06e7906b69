#!/usr/bin/env python3
"""sla-check on real data: the Kaggle "Customer Support on Twitter" files in
../shared/data/twcs, imported with fetch-mentions, against an independent
computation straight from the CSV with python's csv module.

The figures compared, per file: how many inbound tweets got a response;
the median and mean first response, overall and for the three busiest
brands (most answered tweets); met/breached/missed under the built-in 1 h
Twitter target; and that --sorted on the time-ordered stream agrees with
the default two-pass reading of the unsorted file.
"""
import csv
import json
import os
import statistics
import subprocess
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import skip_all, ok, TOP, SHARED

TWCS = os.path.join(SHARED, "data", "twcs")
FILES = ["twcs_head5000.csv", "twcs_kaggle_sample.csv"]
NOW = "2030-01-01T00:00:00Z"


def norm_id(s):
    s = (s or "").strip()
    if not s:
        return ""
    return str(int(float(s))) if "." in s or "e" in s.lower() else str(int(s))


def from_csv(path):
    """Earliest outbound reply at or after each inbound tweet, from the CSV."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    tweets = {}
    for r in rows:
        t = datetime.strptime(r["created_at"], "%a %b %d %H:%M:%S %z %Y").timestamp()
        tweets[norm_id(r["tweet_id"])] = {
            "inbound": r["inbound"].strip().lower() == "true",
            "t": int(t),
            "parent": norm_id(r["in_response_to_tweet_id"]),
            "author": r["author_id"],
        }
    replies = {}
    for tid, tw in tweets.items():
        if not tw["inbound"] and tw["parent"]:
            replies.setdefault(tw["parent"], []).append(tid)
    out = {}
    for tid, tw in tweets.items():
        if not tw["inbound"]:
            continue
        cands = [(tweets[r]["t"], "twitter:" + r) for r in replies.get(tid, [])
                 if tweets[r]["t"] >= tw["t"]]
        if cands:
            rt, rid = min(cands)
            out["twitter:" + tid] = (rt - tw["t"], tweets[rid[8:]]["author"])
        else:
            out["twitter:" + tid] = None
    return len(rows), out


def run(cmd, stdin=None):
    env = dict(os.environ, PATH=os.path.join(TOP, "bin") + os.pathsep + os.environ["PATH"])
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, cwd=TOP)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def summary(per):
    """answered count, median, mean overall, and the three busiest brands."""
    times = [v[0] for v in per.values() if v]
    brands = {}
    for v in per.values():
        if v:
            brands.setdefault(v[1], []).append(v[0])
    top = sorted(brands.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:3]
    return {
        "answered": len(times),
        "median": statistics.median(times) if times else None,
        "mean": statistics.fmean(times) if times else None,
        "top": [(b, len(ts), statistics.median(ts), statistics.fmean(ts)) for b, ts in top],
        "met": sum(1 for t in times if t <= 3600),
    }


def main():
    if not os.path.isdir(TWCS):
        skip_all(f"{TWCS} is absent")
    for prog in ("fetch-mentions", "sla-check"):
        if not os.access(os.path.join(TOP, "bin", prog), os.X_OK):
            skip_all(f"bin/{prog} is not built")
    for name in FILES:
        path = os.path.join(TWCS, name)
        nrows, expect = from_csv(path)
        want = summary(expect)

        rc, imported, err = run(["fetch-mentions", "--import", "twcs", path])
        ok(rc == 0, f"{name}: fetch-mentions --import twcs exits 0", err.strip())
        rc, out, err = run(["sla-check", "--now", NOW], imported)
        ok(rc == 0 and err == "", f"{name}: sla-check exits 0 with nothing on stderr", rc, err.strip())
        lines = out.decode().splitlines()
        recs = [json.loads(l) for l in lines]
        ok(len(recs) == nrows, f"{name}: every row comes out once ({len(recs)} of {nrows})")
        outbound_in = [l for l in imported.decode().splitlines() if json.loads(l)["direction"] == "out"]
        outbound_out = [l for l, r in zip(lines, recs) if r["direction"] == "out"]
        ok(outbound_in == outbound_out, f"{name}: outbound records pass through byte for byte")
        author = {r["id"]: r["author"]["id"] for r in recs if r["direction"] == "out"}
        got = {}
        for r in recs:
            if r["direction"] != "in":
                continue
            s = r["sla"]
            got[r["id"]] = (s["first_response_s"], author[s["response_id"]]) if s["response_id"] else None
        ok(set(got) == set(expect), f"{name}: the same {len(expect)} inbound tweets")
        diff = [k for k in expect if got.get(k) != expect[k]]
        ok(not diff, f"{name}: every inbound tweet has the same response and time",
           *[f"{k}: sla-check {got.get(k)}, csv {expect[k]}" for k in diff[:5]])
        have = summary(got)
        ok(have["answered"] == want["answered"],
           f"{name}: answered tweets: {have['answered']} (csv {want['answered']})")
        ok(have["median"] == want["median"],
           f"{name}: median first response {have['median']} s (csv {want['median']})")
        ok(have["mean"] is not None and abs(have["mean"] - want["mean"]) < 1e-6,
           f"{name}: mean first response {have['mean']:.3f} s (csv {want['mean']:.3f})")
        ok(have["top"] == want["top"], f"{name}: the three busiest brands agree",
           f"sla-check {have['top']}", f"csv       {want['top']}")
        for b, cnt, med, mean in have["top"]:
            taplib.note(f"{name}: {b}: {cnt} answered, median {med} s, mean {mean:.1f} s")
        status = {}
        for r in recs:
            if r["direction"] == "in":
                status[r["sla"]["status"]] = status.get(r["sla"]["status"], 0) + 1
        nin = len(expect)
        ok(status == {k: v for k, v in {"met": want["met"], "breached": want["answered"] - want["met"],
                                        "missed": nin - want["answered"]}.items() if v},
           f"{name}: statuses under the 1 h default: {status}")
        # --sorted on the same records in time order gives the same answers.
        ordered = sorted(imported.decode().splitlines(), key=lambda l: json.loads(l)["created_at"])
        rc, sorted_out, err = run(["sla-check", "--sorted", "--now", NOW],
                                  "".join(l + "\n" for l in ordered).encode())
        ok(rc == 0 and sorted(sorted_out.decode().splitlines()) == sorted(lines),
           f"{name}: --sorted on time-ordered input writes the same records", err.strip())
    taplib.done()


if __name__ == "__main__":
    sys.exit(main())
