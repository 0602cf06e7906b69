#!/usr/bin/env python3
"""fetch-mentions --import twcs on the real data in ../shared/data/twcs.

What is checked against the CSV is computed here, independently, with
python's csv module: record counts, in/out counts, that every in_reply_to
naming a tweet of the file resolves to a record, that created_at is RFC 3339
UTC and the same instant as the CSV's, that ids are unique, that every
thread is a record's id and every account a brand of the file."""
import csv
import gzip
import datetime
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import plan, ok, skip_all, done, TOP, SHARED, WRAP

DATA = os.path.join(SHARED, "data", "twcs")
# make check VALGRIND=1 wraps every program the CLI tests run
PROG = WRAP + [os.path.join(TOP, "bin", "fetch-mentions")]

FILES = [("twcs_head5000.csv", 5000, 2778, 2222), ("twcs_kaggle_sample.csv", 93, 49, 44)]
CHECKS = 14

if not os.path.isdir(DATA):
    skip_all("../shared/data/twcs is absent")

plan(CHECKS * len(FILES))


def csv_id(s):
    # the CSV may write ids as floats ("3.0")
    return str(int(float(s))) if "." in s or "e" in s.lower() else s


RFC3339_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

for name, want_rows, want_in, want_out in FILES:
    path = os.path.join(DATA, name)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    p = subprocess.run(PROG + ["--import", "twcs", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    ok(p.returncode == 0 and p.stderr == b"", f"{name}: exit 0, nothing on stderr",
       f"status {p.returncode}\n{p.stderr.decode(errors='replace')}")
    recs = [json.loads(l) for l in p.stdout.decode().splitlines()]

    n_in = sum(1 for r in rows if r["inbound"].lower() == "true")
    n_out = sum(1 for r in rows if r["inbound"].lower() == "false")
    ok(len(rows) == want_rows and len(recs) == len(rows),
       f"{name}: {want_rows} rows, one record each", f"csv {len(rows)}, records {len(recs)}")
    ok((n_in, n_out) == (want_in, want_out), f"{name}: the CSV has {want_in} in, {want_out} out",
       f"csv in {n_in} out {n_out}")
    got_in = sum(1 for r in recs if r["direction"] == "in")
    got_out = sum(1 for r in recs if r["direction"] == "out")
    ok((got_in, got_out) == (n_in, n_out), f"{name}: in/out counts match the CSV",
       f"records in {got_in} out {got_out}, csv in {n_in} out {n_out}")

    ids = [r["id"] for r in recs]
    ok(len(set(ids)) == len(ids), f"{name}: ids are unique")
    ok(ids == ["twitter:" + csv_id(r["tweet_id"]) for r in rows],
       f"{name}: records come in input order with twitter: ids")

    present = {csv_id(r["tweet_id"]) for r in rows}
    idset = set(ids)
    unresolved = [r["id"] for r, row in zip(recs, rows)
                  if row["in_response_to_tweet_id"]
                  and csv_id(row["in_response_to_tweet_id"]) in present
                  and r["in_reply_to"] not in idset]
    wrong = [r["id"] for r, row in zip(recs, rows)
             if r["in_reply_to"] != ("twitter:" + csv_id(row["in_response_to_tweet_id"])
                                     if row["in_response_to_tweet_id"] else None)]
    ok(not unresolved and not wrong,
       f"{name}: every in_reply_to of the file resolves, and matches the CSV",
       f"unresolved {unresolved[:5]} wrong {wrong[:5]}")

    bad_time = []
    for r, row in zip(recs, rows):
        want = datetime.datetime.strptime(row["created_at"], "%a %b %d %H:%M:%S %z %Y")
        got = r["created_at"]
        if not RFC3339_UTC.fullmatch(got) or \
           datetime.datetime.strptime(got, "%Y-%m-%dT%H:%M:%SZ").replace(
               tzinfo=datetime.timezone.utc) != want:
            bad_time.append((r["id"], got, row["created_at"]))
    ok(not bad_time, f"{name}: every created_at is RFC 3339 UTC, the CSV's instant",
       bad_time[:5])

    by_id = {r["id"]: r for r in recs}
    bad_thread = []
    for r in recs:
        # walk up the chain inside the file; the root is where it leaves it
        cur, seen = r, set()
        while cur["in_reply_to"] in by_id and cur["id"] not in seen:
            seen.add(cur["id"])
            cur = by_id[cur["in_reply_to"]]
        if r["thread"] != cur["id"]:
            bad_thread.append((r["id"], r["thread"], cur["id"]))
    ok(not bad_thread, f"{name}: thread is the root of the chain inside the file",
       bad_thread[:5])

    brands = {row["author_id"] for row in rows if row["inbound"].lower() == "false"}
    bad_acct = [r["id"] for r in recs
                if (r["direction"] == "out" and r["account"] != r["author"]["id"])
                or (r["account"] is not None and r["account"] not in brands)]
    ok(not bad_acct, f"{name}: account is the author of out records and always a brand",
       bad_acct[:5])
    # an inbound record answered in its thread belongs to a brand that answered there
    answered = {}
    for r in recs:
        if r["direction"] == "out":
            answered.setdefault(r["thread"], set()).add(r["author"]["id"])
    bad_in = [r["id"] for r in recs if r["direction"] == "in" and r["thread"] in answered
              and r["account"] not in answered[r["thread"]]]
    ok(not bad_in, f"{name}: inbound records answered in their thread take that brand",
       bad_in[:5])

    kinds = [r["id"] for r, row in zip(recs, rows)
             if r["kind"] != ("reply" if row["in_response_to_tweet_id"] else "post")
             or r["author"] != {"id": row["author_id"], "handle": row["author_id"]}
             or r["text"] != row["text"] or r["platform"] != "twitter"]
    ok(not kinds, f"{name}: kind, author, text and platform come from the row", kinds[:5])

    keys = [r["id"] for r in recs if list(r) != ["id", "platform", "account", "direction",
            "kind", "author", "text", "created_at", "in_reply_to", "thread"]]
    ok(not keys, f"{name}: keys in schema order", keys[:5])

    gz = subprocess.run(PROG + ["--import", "twcs", "-"], input=gzip.compress(open(path, "rb").read()),
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ok(gz.returncode == 0 and gz.stdout == p.stdout, f"{name}: gzip on stdin gives the same records")

done()
