#!/usr/bin/env python3
"""reply --send under kill -9: each mention answered exactly once.

50 rounds.  In each, 200 Reddit mentions are answered with --send against
the project's mock server (tests/mock/server.py), which counts the posts it
receives per parent and answers each post a little late (delay_after), so
that a kill often lands after the post took effect but before reply heard
of it: the outcome is then unknown and must be settled by a lookup.  reply
is killed with SIGKILL at a random moment one to three times, then rerun
until a run ends by itself with every mention answered.  Afterwards:
  - the mock saw exactly one post for each of the 200 mentions;
  - the journal has exactly one "done" per mention, naming the post the
    mock made for it;
  - no mention came out as "sent" twice across all the runs' outputs.
Rounds run 25 at a time (they share the mock, with distinct mention ids),
so the waits for in-flight requests overlap.  A table cannot say this,
hence a script.  Prints TAP.
"""
import concurrent.futures
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
from taplib import skip_all, ok, TOP, SHARED, WRAP, SLOW

REPLY = os.path.join(TOP, "bin", "reply")
# make check VALGRIND=1 runs every program under this wrapper (fewer rounds then).
ROUNDS = int(os.environ.get("REPLY_KILL_ROUNDS", "5" if WRAP else "50"))
MENTIONS, PARALLEL = 200, 25
TOKEN = "mock-token-for-reply-tests"

# The mock serves ../shared's recorded exchanges, or without it (or with
# CAREPIPE_FIXTURES=own) the project's own fixtures (tests/mock/fixtures).
FIXTURES = ("own" if os.environ.get("CAREPIPE_FIXTURES") == "own"
            or not os.path.isdir(os.path.join(SHARED, "specs")) else "recorded")
if not os.access(REPLY, os.X_OK):
    skip_all("bin/reply is not built")

seed = int(os.environ.get("REPLY_KILL_SEED", str(int(time.time()))))
# kill -9 ends a process, not the machine: what reply wrote survives in the
# page cache whatever fsync did, so the rounds may run on tmpfs, where the
# 80,000 fsyncs of the test cost nothing (on disk they are most of its time).
shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
work = tempfile.mkdtemp(prefix="carepipe-reply-kill-", dir=shm)
# A copy, so that a rebuild of bin/ during the test cannot pull it away.
subprocess.check_call(["cp", REPLY, os.path.join(work, "reply")])
REPLY = os.path.join(work, "reply")
port_file = os.path.join(work, "port")
# The mock runs from a copy too, under a name of its own: whatever stops
# other tests' mock servers by name leaves this one alone.
subprocess.check_call(["cp", os.path.join(TOP, "tests", "mock", "server.py"),
                       os.path.join(work, "reply-kill-mock.py")])
mock = subprocess.Popen([sys.executable, os.path.join(work, "reply-kill-mock.py"),
                         "--port-file", port_file, "--shared", SHARED, "--fixtures", FIXTURES,
                               "--fixtures-dir", os.path.join(TOP, "tests", "mock", "fixtures"), "--lifetime", "900"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
deadline = time.time() + 10
while not (os.path.exists(port_file) and open(port_file).read().strip()):
    if time.time() > deadline or mock.poll() is not None:
        skip_all("the mock server did not start")
    time.sleep(0.05)
port = int(open(port_file).read())
base = "http://127.0.0.1:%d" % port


def get(path, auth=False):
    rq = urllib.request.Request(base + path)
    if auth:
        rq.add_header("Authorization", "Bearer " + TOKEN)
    with urllib.request.urlopen(rq, timeout=30) as r:
        return json.load(r)


get("/_config?delay_after=0.003")
conf = os.path.join(work, "care.conf")
with open(conf, "w") as f:
    f.write("[acme-reddit]\nplatform = reddit\nbase_url = %s\naccount = AcmeCare\n"
            "token_env = REDDIT_TOKEN\ntimeout = 1\nretries = 0\n" % base)
env = dict(os.environ, REDDIT_TOKEN=TOKEN)


settled = [0]   # unknown outcomes that a lookup found had gone through


def run_round(n):
    """One round; returns (ok, message, runs, kills, mention ids, journal)."""
    rng = random.Random(seed * 1000 + n)
    d = os.path.join(work, "r%d" % n)
    os.mkdir(d)
    ids = ["t1_r%dm%d" % (n, i) for i in range(MENTIONS)]
    with open(os.path.join(d, "in.ndjson"), "w") as f:
        for i, t in enumerate(ids):
            f.write(json.dumps({
                "id": "reddit:" + t, "platform": "reddit", "account": "AcmeCare",
                "direction": "in", "kind": "comment",
                "author": {"id": "u%d" % i, "handle": "user%d" % i, "name": "User %d" % i},
                "text": "help {{agent}} $__loc__", "created_at": "2024-05-01T10:00:00Z",
                "thread": "reddit:t3_r%d" % n}) + "\n")
    journal = os.path.join(d, "reply.journal")
    cmd = WRAP + [REPLY, "--text", "Hi {{author.name|there}}, we are on it. {{agent}}", "--agent", "QA",
           "--send", "--max", str(MENTIONS), "--config", conf, "--journal", journal, "-q",
           os.path.join(d, "in.ndjson")]
    outputs, runs, kills = [], 0, rng.randint(1, 3)
    for k in range(kills):
        out = os.path.join(d, "out%d" % runs)
        with open(out, "w") as o:
            p = subprocess.Popen(cmd, stdout=o, stderr=subprocess.DEVNULL, env=env)
            time.sleep(rng.uniform(0.0, 0.5) * SLOW)
            p.send_signal(signal.SIGKILL)
            p.wait()
        outputs.append(out)
        runs += 1
    for attempt in range(40):
        out = os.path.join(d, "out%d" % runs)
        with open(out, "w") as o:
            rc = subprocess.call(cmd, stdout=o, stderr=subprocess.DEVNULL, env=env)
        outputs.append(out)
        runs += 1
        if rc == 0:
            break
        if rc not in (69, 75):
            return False, "run %d exited %d" % (runs, rc), runs, kills, ids, journal
        # 75: an open intent may still be in flight, wait it out; 69: a post
        # timed out on a loaded machine, its outcome unknown: settle it.
        time.sleep(0.5)
    else:
        return False, "never finished in 40 reruns", runs, kills, ids, journal
    sent = {}
    for out in outputs:
        with open(out) as f:
            for line in f:
                r = json.loads(line)
                if r.get("direction") == "in" and r.get("reply", {}).get("status") == "sent":
                    sent[r["id"]] = sent.get(r["id"], 0) + 1
                    if r["reply"].get("reason", "").startswith("reconciled"):
                        settled[0] += 1
    twice = [m for m, c in sent.items() if c > 1]
    if twice:
        return False, "sent twice in the output: %s" % twice[:3], runs, kills, ids, journal
    return True, "", runs, kills, ids, journal


print("# seed %d (REPLY_KILL_SEED=%d to repeat)" % (seed, seed))
t0 = time.time()
results = []
with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
    for n, res in enumerate(pool.map(run_round, range(ROUNDS))):
        good, msg, runs, kills, ids, journal = res
        results.append(res)
        ok(good, "round %d: %d kills, %d runs" % (n, kills, runs), msg)

try:
    counts = get("/_counts")["posts"]
    mine = {c["data"]["parent_id"]: c["data"]["name"]
            for c in get("/user/AcmeCare/comments?limit=100", auth=True)["data"]["children"]}
except OSError as e:
    print("# the mock server is gone: %s" % e)
    counts, mine = {}, {}
bad_counts, bad_journal, total = [], [], 0
for good, msg, runs, kills, ids, journal in results:
    done = {}
    with open(journal) as f:
        for line in f:
            e = json.loads(line)
            if e["event"] == "done":
                done.setdefault(e["mention"], []).append(e["id"])
    for t in ids:
        total += 1
        if counts.get(t) != 1:
            bad_counts.append((t, counts.get(t)))
        if done.get("reddit:" + t) != ["reddit:" + mine.get(t, "?")]:
            bad_journal.append((t, done.get("reddit:" + t), mine.get(t)))
ok(not bad_counts, "the mock saw exactly one post for each of %d mentions" % total, bad_counts[:5])
ok(not bad_journal, "the journal has one done per mention, naming the mock's post", bad_journal[:5])
mode = {oct(os.stat(r[5]).st_mode & 0o777) for r in results}
ok(mode == {"0o600"}, "every journal is mode 0600", mode)
print("# %d rounds, %d kills, %d runs, %d unknown outcomes found sent by a lookup, in %.1fs" % (
      ROUNDS, sum(r[3] for r in results), sum(r[2] for r in results), settled[0], time.time() - t0))
mock.terminate()
mock.wait()
subprocess.call(["rm", "-rf", work])
taplib.done()
