#!/usr/bin/env python3
"""notify --send under kill -9: no message lost, none delivered twice.

30 rounds.  In each, 100 escalated records are sent through one channel,
in turn a JSON webhook, email, and the webhook with --digest 0s (one
message for all, sent at the end of the input), to the local servers
of tests/mock/notify_server.py, which record every message and answer each
a little late (delay_after), so that a kill often lands after a message
arrived but before notify heard of it.  notify is killed with SIGKILL at a
random moment one to three times, then rerun until a run ends by itself.
Afterwards, for each round:
  - every record reached the server, and every copy of one record carries
    the same key (Idempotency-Key, or Message-ID), so the receiver can
    drop a repeat: nothing is lost, nothing is delivered twice;
  - at most one record per kill arrived twice (the send in flight when
    notify died, whose outcome was unknown and which went again with its
    key); the total is printed;
  - the journal has exactly one "done" per record (with --digest, each
    record is in exactly one digest that is done), and no record came out
    "sent" in two runs' outputs.
A table cannot say this, hence a script.  Prints TAP.
"""
import concurrent.futures
import email
import email.policy
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import skip_all, ok, TOP, WRAP, SLOW

NOTIFY = os.path.join(TOP, "bin", "notify")
ROUNDS = int(os.environ.get("NOTIFY_KILL_ROUNDS", "5" if WRAP else "30"))
RECORDS, PARALLEL = 100, 10

if not os.access(NOTIFY, os.X_OK):
    skip_all("bin/notify is not built")
sys.path.insert(0, os.path.join(TOP, "tests", "mock"))
import notify_server  # noqa: E402  (launch() only: aiosmtpd runs in Debian's python3)


seed = int(os.environ.get("NOTIFY_KILL_SEED", str(int(time.time()))))
# kill -9 ends a process, not the machine: the journal's writes survive in
# the page cache, so the rounds may run on tmpfs where fsync costs nothing.
shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
work = tempfile.mkdtemp(prefix="carepipe-notify-kill-", dir=shm)
subprocess.check_call(["cp", NOTIFY, os.path.join(work, "notify")])
NOTIFY = os.path.join(work, "notify")
started = notify_server.launch(work, "notify-kill-mock", 900)
if isinstance(started, str):
    skip_all(started)
mock, HP, SP = started
BASE = "http://127.0.0.1:%d" % HP


def get(path):
    with urllib.request.urlopen(BASE + path, timeout=60) as r:
        return json.load(r)


get("/_config?delay_after=0.003")
conf = os.path.join(work, "care.conf")
with open(conf, "w") as f:
    f.write("[channel hook]\ntype = webhook\nurl = %s/hook/kill\ntimeout = 2\nretries = 1\nbackoff = 0.1\n\n"
            "[channel mail]\ntype = email\nserver = smtp://127.0.0.1:%d\nstarttls = no\n"
            "from = carepipe@example.com\nto = lead@example.com\ntimeout = 2\nretries = 1\nbackoff = 0.1\n"
            % (BASE, SP))


def run_round(n):
    """One round; returns (ok, message, runs, kills, ids, journal, channel)."""
    rng = random.Random(seed * 1000 + n)
    channel = ("hook", "mail", "hook")[n % 3]
    digest = ["--digest", "0s"] if n % 3 == 2 else []
    d = os.path.join(work, "r%d" % n)
    os.mkdir(d)
    ids = ["twitter:r%dm%d" % (n, i) for i in range(RECORDS)]
    with open(os.path.join(d, "in.ndjson"), "w") as f:
        for i, t in enumerate(ids):
            f.write(json.dumps({"id": t, "platform": "twitter", "account": "AcmeCare", "direction": "in",
                                "author": {"handle": "user%d" % i}, "text": "help {{agent}} %d" % i,
                                "escalate": True, "escalate_reason": "phone posted",
                                "created_at": "2024-05-01T10:00:00Z"}) + "\n")
    journal = os.path.join(d, "notify.journal")
    cmd = WRAP + [NOTIFY, "--config", conf, "--channel", channel, "--escalated", "--mark", "--send",
                  "--max", str(RECORDS), "--journal", journal, "-q"] + digest + [os.path.join(d, "in.ndjson")]
    outputs, runs, kills = [], 0, rng.randint(1, 3)
    for k in range(kills):
        out = os.path.join(d, "out%d" % runs)
        with open(out, "w") as o:
            p = subprocess.Popen(cmd, stdout=o, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 0.5) * SLOW)
            p.send_signal(signal.SIGKILL)
            p.wait()
        outputs.append(out)
        runs += 1
    for attempt in range(40):
        out = os.path.join(d, "out%d" % runs)
        with open(out, "w") as o:
            rc = subprocess.call(cmd, stdout=o, stderr=subprocess.DEVNULL)
        outputs.append(out)
        runs += 1
        if rc == 0:
            break
        if rc not in (69, 75):
            return False, "run %d exited %d" % (runs, rc), runs, kills, ids, journal, channel
        time.sleep(0.2)
    else:
        return False, "never finished in 40 reruns", runs, kills, ids, journal, channel
    sent = {}
    for out in outputs:
        with open(out) as f:
            for line in f:
                try:
                    r = json.loads(line)
                except ValueError:
                    return False, "%s: a torn output line" % out, runs, kills, ids, journal, channel
                if r.get("notify", {}).get("status") == "sent":
                    sent[r["id"]] = sent.get(r["id"], 0) + 1
    twice = [m for m, c in sent.items() if c > 1]
    if twice:
        return False, "sent twice in the outputs: %s" % twice[:3], runs, kills, ids, journal, channel
    return True, "", runs, kills, ids, journal, channel + (" --digest" if digest else "")


print("# seed %d (NOTIFY_KILL_SEED=%d to repeat)" % (seed, seed))
t0 = time.time()
results = []
with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
    for n, res in enumerate(pool.map(run_round, range(ROUNDS))):
        good, msg, runs, kills, ids, journal, channel = res
        results.append(res)
        ok(good, "round %d (%s): %d kills, %d runs" % (n, channel, kills, runs), msg)

# What reached the servers: item id -> the keys of its copies.
copies = {}
try:
    for p in get("/_posts"):
        b = json.loads(p["body"])
        for item in b.get("items") or [b["id"]]:
            copies.setdefault(item, []).append(p["headers"].get("idempotency-key"))
    for m in get("/_mails"):
        msg = email.message_from_string(m["data"], policy=email.policy.default)
        copies.setdefault(str(msg["X-Carepipe-Id"]), []).append(str(msg["Message-ID"]))
except OSError as e:
    print("# the mock server is gone: %s" % e)
lost, split_keys, over, bad_journal, repeats, total = [], [], [], [], 0, 0
for good, msg, runs, kills, ids, journal, channel in results:
    repeated = set()   # the keys of messages that arrived more than once
    for i in ids:
        total += 1
        keys = copies.get(i, [])
        if not keys:
            lost.append(i)
        elif len(set(keys)) != 1:
            split_keys.append((i, keys))
        if len(keys) > 1:
            repeated.add(keys[0])
    twice = len(repeated)
    repeats += twice
    if twice > kills:
        over.append((journal, twice, kills))
    done, items = {}, {}
    with open(journal) as f:
        for line in f:
            e = json.loads(line)
            if e["event"] == "intent" and "items" in e:
                items[e["id"]] = e["items"]
            if e["event"] == "done":
                for i in items.get(e["id"], [e["id"]]):
                    done[i] = done.get(i, 0) + 1
    if sorted(done) != sorted(ids) or any(c != 1 for c in done.values()):
        bad_journal.append((journal, [i for i in ids if done.get(i) != 1][:3]))
ok(not lost and not split_keys, "each of %d records reached the server, every copy under one key" % total,
   "lost %s, keys %s" % (lost[:5], split_keys[:3]))
ok(not over, "at most one message repeated per kill (the send in flight)", over[:3])
ok(not bad_journal, "each journal has exactly one done per record", bad_journal[:3])
print("# %d rounds, %d kills, %d runs, %d records, %d messages delivered again under the same key "
      "(a receiver drops them by key), in %.1fs" % (
          ROUNDS, sum(r[3] for r in results), sum(r[2] for r in results), total, repeats, time.time() - t0))
mock.terminate()
mock.wait()
subprocess.call(["rm", "-rf", work])
taplib.done()
