#!/usr/bin/env python3
"""kpi-report on real data: ../shared/data/twcs/twcs_head5000.csv imported
with fetch-mentions, checked against an independent computation from the
CSV itself: answered count, first response mean, median and p90 (overall
and for the busiest brands), per-reply latency, unique customers.

Quantiles are the value at rank floor(q*(n-1)) of the sorted times, which
is what kpi-report(1) reports within its sketch's 1% relative error."""
import csv
import json
import math
import os
import subprocess
import sys
from datetime import datetime

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("CAREPIPE_SHARED") or os.path.join(TOP, "..", "shared")
CSV = os.path.join(SHARED, "data", "twcs", "twcs_head5000.csv")
BIN = os.path.join(TOP, "bin")
WINDOW = 86400  # kpi-report's default --reply-window

n = 0


def ok(cond, name, detail=""):
    global n
    n += 1
    print(("ok" if cond else "not ok") + f" {n} - {name}")
    if not cond and detail:
        for line in str(detail).splitlines():
            print("#   " + line)


if not os.path.exists(CSV):
    print("1..0 # SKIP ../shared/data/twcs is absent")
    sys.exit(0)


def when(s):
    return int(datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y").timestamp())


def rank(values, q):
    v = sorted(values)
    return v[math.floor(q * (len(v) - 1))]


# ---- the independent side: straight from the CSV ----
with open(CSV, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))
by_id = {r["tweet_id"]: r for r in rows}
inbound = [r for r in rows if r["inbound"].strip().lower() == "true"]
first = {}       # inbound id -> (first response seconds, brand that answered)
latency = []     # every brand reply to a customer, from its parent
for r in rows:
    if r["inbound"].strip().lower() == "true":
        continue
    parent = by_id.get(r["in_response_to_tweet_id"])
    if parent is None or parent["inbound"].strip().lower() != "true":
        continue
    d = when(r["created_at"]) - when(parent["created_at"])
    if d < 0:
        continue
    if d <= WINDOW:
        latency.append(d)
    pid = parent["tweet_id"]
    if pid not in first or d < first[pid][0]:
        first[pid] = (d, r["author_id"])
frt = [d for d, _ in first.values()]
per_brand = {}
for d, brand in first.values():
    per_brand.setdefault(brand, []).append(d)
busiest = sorted(per_brand, key=lambda b: (-len(per_brand[b]), b))[:3]
customers = {r["author_id"] for r in inbound}

# ---- kpi-report's side ----
env = dict(os.environ, PATH=BIN + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C.UTF-8")
imp = subprocess.run(["fetch-mentions", "--import", "twcs", CSV], env=env,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
ok(imp.returncode == 0, "fetch-mentions --import twcs succeeds", imp.stderr.decode())
records = imp.stdout


def report(*args):
    p = subprocess.run(["kpi-report", "-f", "ndjson", *args], input=records, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    ok(p.returncode == 0, " ".join(["kpi-report", *args]) + " succeeds", p.stderr.decode())
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def close(got, want, rel, name):
    good = got is not None and abs(got - want) <= rel * abs(want) + 1e-9
    ok(good, f"{name}: {got} vs {want}", f"got {got}, want {want} within {rel:.0%}")


total = report()
ok(len(total) == 1, "no --by gives a single object")
t = total[0]
ok(t["in"] == len(inbound) and t["out"] == len(rows) - len(inbound),
   f"volume: {t['in']} in, {t['out']} out", f"want {len(inbound)} / {len(rows) - len(inbound)}")
ok(t["customers"] == len(customers), f"unique customers: {t['customers']}",
   f"want {len(customers)}")
ok(t["answered"] == len(frt), f"answered: {t['answered']}", f"want {len(frt)}")
fr = t["first_response"]
ok(fr["n"] == len(frt), "first responses counted")
close(fr["mean_s"], sum(frt) / len(frt), 0.001, "first response mean")
close(fr["median_s"], rank(frt, 0.5), 0.01, "first response median")
close(fr["p90_s"], rank(frt, 0.9), 0.01, "first response p90")
close(fr["p95_s"], rank(frt, 0.95), 0.01, "first response p95")
ok(abs(t["response_rate"] - len(frt) / len(inbound)) < 0.0001,
   f"response rate {t['response_rate']}")
lat = t["reply_latency"]
ok(lat["n"] == len(latency), f"per-reply latency: {lat['n']} replies timed",
   f"want {len(latency)}")
close(lat["mean_s"], sum(latency) / len(latency), 0.001, "per-reply latency mean")
close(lat["median_s"], rank(latency, 0.5), 0.01, "per-reply latency median")
close(lat["p90_s"], rank(latency, 0.9), 0.01, "per-reply latency p90")

groups = {g["account"]: g for g in report("--by", "account")}
for brand in busiest:
    g = groups.get(brand)
    want = per_brand[brand]
    ok(g is not None and g["answered"] == len(want),
       f"{brand}: answered {g and g['answered']}", f"want {len(want)}")
    if g is None:
        continue
    close(g["first_response"]["mean_s"], sum(want) / len(want), 0.001, f"{brand} mean")
    close(g["first_response"]["median_s"], rank(want, 0.5), 0.01, f"{brand} median")
    close(g["first_response"]["p90_s"], rank(want, 0.9), 0.01, f"{brand} p90")

# The figures, for the record (issue 7's note quotes them).
print(f"# answered {len(frt)} of {len(inbound)} inbound; first response mean "
      f"{sum(frt) / len(frt):.1f}s median {rank(frt, 0.5)}s p90 {rank(frt, 0.9)}s; "
      f"kpi-report: mean {fr['mean_s']} median {fr['median_s']} p90 {fr['p90_s']}")
print(f"# per-reply latency: {len(latency)} replies, mean {sum(latency) / len(latency):.1f}s "
      f"median {rank(latency, 0.5)}s p90 {rank(latency, 0.9)}s; kpi-report: mean "
      f"{lat['mean_s']} median {lat['median_s']} p90 {lat['p90_s']}")
for brand in busiest:
    w = per_brand[brand]
    g = groups.get(brand, {}).get("first_response", {})
    print(f"# {brand}: {len(w)} answered, mean {sum(w) / len(w):.1f}s median {rank(w, 0.5)}s "
          f"p90 {rank(w, 0.9)}s; kpi-report: {g.get('mean_s')} {g.get('median_s')} "
          f"{g.get('p90_s')}")
print(f"1..{n}")
