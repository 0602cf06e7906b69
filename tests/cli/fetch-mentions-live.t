#!/bin/sh
""":"
exec python3 "$0" "$@"
"""

__doc__ = """fetch-mentions, live sources, end to end against servers on 127.0.0.1
that this test starts and stops itself:

  - tests/mock/server.py: Reddit and Facebook (the recorded exchanges of
    ../shared, or the project's own fixtures) and lexicon-shaped Bluesky,
    with faults on demand;
  - the same over TLS with a self-signed certificate made here;
  - Prism mocking the official X API v2 and Mastodon OpenAPI descriptions:
    every request made must pass Prism's request validation, and Prism's
    example responses must normalise into valid records.

TAP on stdout.  With ../shared the mock serves its recorded exchanges and
Prism runs on its API descriptions; without it (or with
CAREPIPE_FIXTURES=own) the mock serves the project's own fixtures
(tests/mock/fixtures) and the Prism part is skipped.  The Prism part also
needs .deps/prism (scripts/install-deps), the TLS part openssl.
"""
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import ok, is_eq, done, free_port, wait_port

from taplib import TOP, SHARED, WRAP, SLOW, PRISM
BUILD = os.environ.get("CAREPIPE_BUILD", "build")
FM = os.path.join(TOP, "bin", "fetch-mentions")
TOKEN = "tok-REDDIT-abcdef-0123456789"
BSKY_PW = "app-password-secret"

TMP, procs = taplib.scratch("fm-live-")

# Which data the mock serves, and what the assertions about particular
# records expect of it.
if os.environ.get("CAREPIPE_FIXTURES") == "own" or not os.path.isdir(os.path.join(SHARED, "specs")):
    FIXTURES = "own"
    EXPECT = {
        "fb_reply": ("facebook:10158407654328553_20000000000000006",
                     "facebook:10158407654328553_20000000000000002"),
        "reddit_mention": ("reddit:t1_kqa000", ("comment", "in", "reddit:t3_1cb000", "reddit:t3_1cb000",
                                                "2024-05-01T10:00:00Z", "customer_0")),
        "reddit_cursor": "1714557600",
    }
else:
    FIXTURES = "recorded"
    EXPECT = {
        "fb_reply": ("facebook:10158407654328553_10158409983033553",
                     "facebook:10158407654328553_10158407903973553"),
        "reddit_mention": ("reddit:t1_ekftbox", ("comment", "in", "reddit:t3_bb24k7", "reddit:t3_bb24k7",
                                                 "2019-04-09T01:45:08Z", "2Botter2Loop")),
        "reddit_cursor": "1554774308",
    }
print("# the mock serves %s fixtures" % FIXTURES)


def start_mock(*extra):
    p, port = taplib.start_mock(os.path.join(TMP, "port-%d" % len(procs)), "--shared", SHARED,
                                "--fixtures", FIXTURES, *extra, lifetime=400)
    procs.append(p)
    return port


def start_prism(spec, log):
    port = free_port()
    # timeout(1): a test killed before its clean-up leaves no Prism for long.
    p = subprocess.Popen(["timeout", str(400 * SLOW), PRISM, "mock", "-p", str(port), spec], stdout=open(log, "w"),
                         stderr=subprocess.STDOUT, cwd=TOP)
    procs.append(p)
    return port


def get(port, path, scheme="http"):
    import urllib.request
    with urllib.request.urlopen("%s://127.0.0.1:%d%s" % (scheme, port, path), timeout=10) as r:
        return json.loads(r.read())


def run(args, env=None, timeout=120):
    e = dict(os.environ)
    e.update({"R_TOKEN": TOKEN, "BSKY_PW": BSKY_PW, "MOCK_BSKY_PASSWORD": BSKY_PW})
    e.update(env or {})
    p = subprocess.run(WRAP + [FM] + args, capture_output=True, env=e, timeout=timeout * SLOW, cwd=TMP)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def ids(out):
    return [json.loads(l)["id"] for l in out.splitlines() if l.strip()]


# The schema of DESIGN.md, checked with jq over every record output.
JQ_CHECK = r'''
  all(.[];
    (keys_unsorted[0:10] == ["id","platform","account","direction","kind","author","text",
                             "created_at","in_reply_to","thread"])
    and (.platform as $p | .id | startswith($p + ":"))
    and (.account | type == "string" and length > 0)
    and (.direction == "in" or .direction == "out")
    and (.kind | IN("post","reply","dm","comment"))
    and (.author | type == "object" and has("id") and has("handle") and has("name"))
    and (.text | type == "string")
    and (.created_at | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))
    and (.in_reply_to == null or (.platform as $p | .in_reply_to | startswith($p + ":")))
    and (.platform as $p | .thread | startswith($p + ":")))
'''


def valid_records(out, name):
    p = subprocess.run(["jq", "-s", "-e", JQ_CHECK], input=out.encode(), capture_output=True)
    return ok(p.returncode == 0 and out.strip() != "", name, p.stderr.decode() + out[:2000])


def conf(path, port, scheme="http", **over):
    base = "%s://127.0.0.1:%d" % (scheme, port)
    text = """# test sources
[acme-reddit]
platform = reddit
base_url = {base}
account = acmehelp
token_env = R_TOKEN
limit = {rlimit}
timeout = 2
connect_timeout = 2
retries = 2
backoff = 0.05

[acme-fb]
platform = facebook
base_url = {base}
endpoint = comments
object = 19292868552_10158407654328553
account = fbdev
account_id = 19292868552
token_env = R_TOKEN
timeout = 2
backoff = 0.05

[acme-feed]
platform = facebook
base_url = {base}
endpoint = feed
object = 4
account = zuck
account_id = 4
token_env = R_TOKEN
limit = 5

[acme-bsky]
platform = bluesky
base_url = {base}
account = brand.example
identifier = brand.example
password_env = BSKY_PW
limit = 7
timeout = 2
backoff = 0.05
""".format(base=base, rlimit=over.get("rlimit", 5))
    with open(path, "w") as f:
        f.write(text)
    return path


# ------------------------------------------------------------------ start
have_prism = os.access(PRISM, os.X_OK) and FIXTURES == "recorded"
if have_prism:
    xlog, mlog = os.path.join(TMP, "prism-x.log"), os.path.join(TMP, "prism-m.log")
    xport = start_prism(os.path.join(SHARED, "specs", "x", "x-api-v2-openapi-2.159.json"), xlog)
    mport = start_prism(os.path.join(SHARED, "specs", "mastodon", "mastodon-openapi-schema.json"), mlog)
port = start_mock()
cfg = conf(os.path.join(TMP, "care.conf"), port)

# ------------------------------------------------------------------ basic sweep
st = os.path.join(TMP, "state")
rc, out, err = run(["--config", cfg, "--state", st])
is_eq(rc, 0, "a first run over four mocked sources succeeds")
got = ids(out)
plat = lambda p: [i for i in got if i.startswith(p + ":")]
is_eq(len(plat("reddit")), 16, "reddit: the 16 mentions, over 4 pages of 5")
is_eq(len(plat("bluesky")), 20, "bluesky: 20 mentions and replies of 30 notifications (likes left out)")
is_eq(len([i for i in got if i.startswith("facebook:10158407654328553_")]), 15,
      "facebook: the 15 comments of two cursor pages, replies to comments included")
is_eq(len([i for i in got if i.startswith("facebook:4_")]), 5,
      "facebook: the 5 feed posts (the second page repeats the first: dropped)")
is_eq(len(got), len(set(got)), "no id twice")
valid_records(out, "every record is valid for the schema (jq)")
recs = [json.loads(l) for l in out.splitlines()]
reply = [r for r in recs if r["id"] == EXPECT["fb_reply"][0]][0]
is_eq(reply["in_reply_to"], EXPECT["fb_reply"][1],
      "facebook: a reply to a comment points at that comment")
mention = [r for r in recs if r["id"] == EXPECT["reddit_mention"][0]][0]
is_eq((mention["kind"], mention["direction"], mention["thread"], mention["in_reply_to"],
       mention["created_at"], mention["author"]["handle"]),
      EXPECT["reddit_mention"][1],
      "reddit: a mention normalised (kind, thread, parent, time, author)")
if FIXTURES == "own":
    # The own fixtures carry the fields fetch-mentions asks for (from, parent).
    fbout = [r["id"] for r in recs if r["id"].startswith("facebook:10158407654328553_") and r["direction"] == "out"]
    is_eq(len(fbout), 4, "facebook: the page's own replies (from.id is the page) are direction out")
feed = [r for r in recs if r["platform"] == "facebook" and r["kind"] == "post"]
ok(all(r["direction"] == "out" for r in feed), "facebook: the page's own posts are direction out")
bs = [r for r in recs if r["platform"] == "bluesky" and r["kind"] == "reply"][0]
ok(bs["thread"].startswith("bluesky:at://did:plc:brandbrandbrand/") and bs["url"].startswith("https://bsky.app/profile/"),
   "bluesky: a reply's thread is its root, and it has a bsky.app url")
states = sorted(os.listdir(st))
is_eq(states, [".lock", "acme-bsky.state", "acme-fb.state", "acme-feed.state", "acme-reddit.state"],
      "a state file per source, and the lock")
s = json.load(open(os.path.join(st, "acme-reddit.state")))
ok(s["cursor"] == EXPECT["reddit_cursor"] and s["page"] is None and len(s["seen"]) == 16,
   "reddit state: the newest created_utc as cursor, no page pending, 16 ids seen", s)
is_eq(oct(os.stat(os.path.join(st, "acme-reddit.state")).st_mode & 0o777), "0o600", "state files are 0600")

rc, out, err = run(["--config", cfg, "--state", st])
ok(rc == 0 and out == "", "a second run emits nothing new", out[:500] + err)

get(port, "/_add?what=reddit-mention&n=7")
get(port, "/_add?what=bsky-mention&n=9")
rc, out, err = run(["--config", cfg, "--state", st, "-v"])
new = ids(out)
is_eq(sorted(new), sorted(["reddit:t1_new%d" % i for i in range(1, 8)] +
                          ["bluesky:at://did:plc:customer%04d/app.bsky.feed.post/3kpost%04d" % (i, i)
                           for i in range(30, 39) if i % 3 != 2]),
      "a third run emits exactly the 7 + 6 new items")
ok("source acme-reddit: 7 records, 1 already seen, 2 pages" in err, "the sweep stops where the last one ended", err[-2000:])

rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--raw"])
r0 = json.loads(out.splitlines()[0])
ok(list(r0)[-1] == "raw" and r0["raw"]["kind"] == "t1" and r0["raw"]["data"]["name"] == r0["id"][7:],
   "--raw keeps the platform's payload under raw, last")

rc, out, err = run(["--config", cfg, "--source", "acme-fb", "--raw"])
lines = out.splitlines()
ok(rc == 0 and len(lines) == 15 and all(json.loads(l)["raw"]["message"] for l in lines),
   "--raw of a pretty-printed answer (Graph's) still gives one record per line", out[:1000])

# ------------------------------------------------------------------ faults
every = ids(run(["--config", cfg, "--source", "acme-reddit"])[1])
is_eq(len(every), 23, "reddit now holds 23 mentions")


def fault(q):
    get(port, "/_fault?path=/message/mentions&" + q)


def fresh_state(name):
    d = os.path.join(TMP, name)
    shutil.rmtree(d, ignore_errors=True)
    return d


once = [("429", "HTTP 429, rate limited; retrying in 1.0s"), ("429-reset", "HTTP 429, rate limited; retrying in 1.0s"),
        ("429-epoch", "HTTP 429, rate limited; retrying in "), ("429-date", "HTTP 429, rate limited; retrying in "),
        ("429-iso", "HTTP 429, rate limited; retrying in "),
        ("500", "HTTP 500; retrying in"), ("503", "HTTP 503; retrying in"),
        ("slow&secs=3", "Operation timed out after"), ("reset", "Connection reset by peer"),
        ("truncated", "HTTP 200 with invalid JSON"), ("invalid", "HTTP 200 with invalid JSON")]
for kind, says in once:
    d = fresh_state("st-" + kind.split("&")[0])
    fault("kind=%s&times=1&skip=1" % kind)        # on the second page
    t0 = time.time()
    rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
    got = ids(out)
    if kind.startswith("429"):
        # the server's wait, not the source's 0.05s backoff
        waits = [float(w) for w in re.findall(r"retrying in ([0-9.]+)s", err)]
        says = says if waits and waits[0] >= 0.9 else "(waited %r)" % waits
    ok(rc == 0 and got == every and says in err,
       "fault %s on page 2: announced on stderr, retried, then all 23 once" % kind.split("&")[0],
       "rc=%d n=%d\n%s" % (rc, len(got), err))
    get(port, "/_clear")

persistent = [("503", 69, "gave up after 3 attempts"), ("reset", 69, "Connection reset by peer; gave up"),
              ("invalid", 69, "invalid JSON"), ("401", 77, "authorization refused: check the token in $R_TOKEN"),
              ("loop", 69, "the server's paging cursor loops")]
for kind, code, says in persistent:
    d = fresh_state("st-p-" + kind)
    fault("kind=%s&times=-1&skip=2" % kind)       # from the third page on
    rc, out1, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
    ok(rc == code and says in err, "a persistent %s from page 3 exits %d and says why" % (kind, code),
       "rc=%d\n%s" % (rc, err))
    s1 = json.load(open(os.path.join(d, "acme-reddit.state")))
    ok(s1["cursor"] is None and s1["page"] is not None,
       "  the state holds the pages done, not the failed one (cursor not advanced)", s1)
    rc, out1b, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
    s1b = json.load(open(os.path.join(d, "acme-reddit.state")))
    ok(rc == code and out1b == "" and s1b["cursor"] is None,
       "  a rerun while it lasts fails the same way, state not advanced")
    get(port, "/_clear")
    rc, out2, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
    both = ids(out1) + ids(out1b) + ids(out2)
    ok(rc == 0 and sorted(both) == sorted(every),
       "  the rerun after it ends: nothing lost, nothing twice", "rc=%d %d vs %d\n%s" % (rc, len(both), len(every), err))

# Started with stdout closed: the lock file took descriptor 1 and got the
# records, and the state advanced past them (issue 18).  Now 74, no state.
d = fresh_state("st-closed-stdout")
p = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh"] + WRAP + [FM, "--config", cfg, "--source", "acme-reddit",
                    "--state", d], capture_output=True, env=dict(os.environ, R_TOKEN=TOKEN), cwd=TMP)
is_eq((p.returncode, p.stderr.decode(), sorted(os.listdir(d)), os.path.getsize(os.path.join(d, ".lock"))),
      (74, "fetch-mentions: write error: standard output is closed\n", [".lock"], 0),
      "stdout closed: exit 74 with a message, nothing in the lock file, no state saved")
rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
ok(rc == 0 and ids(out) == every, "  the next run with stdout open fetches all 23", "rc=%d %s" % (rc, err))

d = fresh_state("st-ratelimit")
fault("kind=429&times=-1&secs=3600")
t0 = time.time()
rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d, "--max-wait", "30s"])
ok(rc == 75 and "past --max-wait (30s)" in err and time.time() - t0 < 10 * SLOW and not os.path.exists(os.path.join(d, "acme-reddit.state")),
   "rate limited for an hour with --max-wait 30s: exit 75 at once, no state", "rc=%d %s" % (rc, err))
get(port, "/_clear")

# A 429 that says "retry now" (Retry-After: 0, a reset of 0 or in the
# past) looped for ever, ignoring retries and --max-wait (issue 18).  Now
# each wait is at least the backoff and the 429s count against retries
# (2 in this config): 75 after 3 attempts, with no state.
for kind, secs in [("429", 0), ("429-reset", 0), ("429-epoch", -3600), ("429-date", -3600), ("429-iso", -3600)]:
    d = fresh_state("st-now-" + kind)
    fault("kind=%s&times=-1&secs=%d" % (kind, secs))
    try:
        rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d], timeout=30)
    except subprocess.TimeoutExpired:
        rc, out, err = -1, "", "timed out: retried for ever"
    waits = re.findall(r"retrying in ([0-9.]+)s", err)
    ok(rc == 75 and out == "" and len(waits) == 2
       and err.endswith("HTTP 429, rate limited; still after 3 attempts; try later\n")
       and not os.path.exists(os.path.join(d, "acme-reddit.state")),
       "a %s that says now, for ever: 2 retries after the backoff, then 75, no state" % kind, "rc=%d %s" % (rc, err))
    get(port, "/_clear")
d = fresh_state("st-now-once")
fault("kind=429&times=1&secs=0&skip=1")
rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
ok(rc == 0 and ids(out) == every and "HTTP 429, rate limited; retrying in 0.0" in err,
   "Retry-After: 0 once: retried after the backoff, all 23 once", "rc=%d %s" % (rc, err))
get(port, "/_clear")

fault("kind=429&times=2&secs=1")
t0 = time.time()
rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--max-wait", "1s"])
ok(rc == 75 and "past --max-wait (1s)" in err, "two 1s waits do not fit in --max-wait 1s: 75", err)
get(port, "/_clear")

# Bluesky: the session expires mid-sweep and is refreshed.
d = fresh_state("st-bsky")
get(port, "/_fault?path=/xrpc/app.bsky.notification.listNotifications&kind=expire&times=1&skip=1")
rc, out, err = run(["--config", cfg, "--source", "acme-bsky", "--state", d, "-v"])
ok(rc == 0 and len(ids(out)) == 26 and "refreshSession" in err,
   "bluesky: an access token expiring mid-sweep is refreshed, all 26 fetched", "rc=%d n=%d" % (rc, len(ids(out))))
rc, out, err = run(["--config", cfg, "--source", "acme-bsky"], env={"BSKY_PW": "wrong-password"})
ok(rc == 77 and "createSession: HTTP 401" in err and "$BSKY_PW" in err,
   "bluesky: a wrong app password exits 77 naming the variable", err)

# ------------------------------------------------------------------ Mastodon and X paging
pg = os.path.join(TMP, "paging.conf")
open(pg, "w").write("""[acme-masto]
platform = mastodon
base_url = http://127.0.0.1:{p}
account = acme
account_id = 1
token_env = R_TOKEN
limit = 4

[acme-xm]
platform = x
base_url = http://127.0.0.1:{p}
account = AcmeSupport
account_id = 2244994945
token_env = R_TOKEN
limit = 5
""".format(p=port))
d = fresh_state("st-paging")
rc, out, err = run(["--config", pg, "--state", d, "-v"])
recs = [json.loads(l) for l in out.splitlines()]
m = [r for r in recs if r["platform"] == "mastodon"]
x = [r for r in recs if r["platform"] == "twitter"]
ok(rc == 0 and len(m) == 10 and "source acme-masto: 10 records, 0 already seen, 4 pages" in err,
   "mastodon: 10 mentions of 12 notifications, paged by the Link header's max_id", err[-3000:])
ok(len(x) == 12 and "source acme-xm: 12 records, 0 already seen, 3 pages" in err and "pagination_token=tok-5" in err,
   "x: 12 mentions over pages of 5, paged with pagination_token", err[-3000:])
valid_records(out, "mastodon and x records are valid (jq)")
is_eq(sorted(set(r["kind"] for r in m)), ["dm", "post", "reply"], "mastodon: direct statuses are dm, replies reply")
ok(m[-1]["text"] == "@acme order 0 & refund?", "mastodon: HTML content made plain text, entities decoded", m[-1]["text"])
is_eq(sum(r["direction"] == "out" for r in x), 3, "x: the brand's own replies are direction out")
ok(x[1]["text"].endswith("& why <late>") and x[1]["author"]["handle"] == "cust7010" and x[1]["direction"] == "in",
   "x: entities decoded, author from includes.users", x[1])
sm = json.load(open(os.path.join(d, "acme-masto.state")))
sx = json.load(open(os.path.join(d, "acme-xm.state")))
is_eq((sm["cursor"], sx["cursor"]), ("9010", "1700000000000000011"),
      "the cursors: the newest mention notification id, the newest post id")
get(port, "/_add?what=mastodon-mention&n=3")
get(port, "/_add?what=x-mention&n=3")
rc, out, err = run(["--config", pg, "--state", d, "-v"])
is_eq(sorted(ids(out)), sorted(["mastodon:%d" % (110000000000000000 + i) for i in (12, 13, 14)] +
                                ["twitter:%d" % (1700000000000000000 + i) for i in (12, 13, 14)]),
      "the next run emits only the 3 + 3 new ones")
ok("since_id=9010" in err and "since_id=1700000000000000011" in err, "... asking with since_id", err[-3000:])
get(port, "/_fault?path=/api/v1/notifications&kind=loop&times=-1&skip=1")
rc, out, err = run(["--config", pg, "--source", "acme-masto", "--state", fresh_state("st-mloop")])
ok(rc == 69 and "paging cursor loops" in err, "mastodon: a Link header that loops is an error (69)", err)
get(port, "/_clear")
get(port, "/_fault?path=/2/users/&kind=loop&times=-1&skip=1")
rc, out, err = run(["--config", pg, "--source", "acme-xm", "--state", fresh_state("st-xloop")])
ok(rc == 69 and "paging cursor loops" in err, "x: a next_token that loops is an error (69)", err)
get(port, "/_clear")

# ------------------------------------------------------------------ --since, --until, --limit
# The mock's items: post or notification i was made at 1700000000 + 60 i
# (2023-11-14T22:13:20Z + i minutes); 15 of each by now.
def at(i):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(1700000000 + 60 * i))


masto_mentions = [i for i in range(15) if i % 6 != 5]      # favourites left out
rc, out, err = run(["--config", pg, "--source", "acme-xm", "--since", at(3), "--until", at(10), "-v"])
is_eq(sorted(ids(out)), ["twitter:%d" % (1700000000000000000 + i) for i in range(3, 10)],
      "x: --since and --until keep the posts of the window, until excluded")
ok("start_time=2023-11-14T22%3A16%3A20Z" in err and "end_time=2023-11-14T22%3A23%3A20Z" in err,
   "x: ... asked of the API as start_time and end_time", err[-2000:])
rc, out, err = run(["--config", pg, "--source", "acme-masto", "--since", at(6), "--until", at(13), "-v"])
is_eq(sorted(ids(out)), sorted("mastodon:%d" % (110000000000000000 + i) for i in masto_mentions if 6 <= i < 13),
      "mastodon: the window is kept by the records' own times (the API has no time filter)")
ok("source acme-masto: 6 records, 0 already seen, 6 outside the window, 3 pages" in err,
   "mastodon: a page wholly before --since ends the sweep early (3 pages of 4, not 4)", err[-2000:])
rc, out, err = run(["--config", pg, "--source", "acme-masto", "--since", "-5m", "--until", "-10m"])
ok(rc == 64 and "--until must come after --since" in err, "--until before --since is a usage error", err)
rc, out, err = run(["--config", pg, "--limit", "0"])
ok(rc == 64 and "--limit wants a count" in err, "--limit 0 is a usage error", err)
rc, out, err = run(["--import", "ndjson", "--since", "-7d"])
ok(rc == 64 and "--since is for live sources" in err, "--since goes with live sources only", err)

d = fresh_state("st-limit")
runs = []
for lim in (["--limit", "5"], ["--limit", "5"], []):
    rc, out, err = run(["--config", pg, "--source", "acme-masto", "--state", d, "-v"] + lim)
    runs.append(ids(out))
is_eq([len(r) for r in runs], [5, 5, 3], "--limit 5 with --state: 5, then the next 5, then the last 3")
got_all = [i for r in runs for i in r]
is_eq(sorted(got_all), sorted("mastodon:%d" % (110000000000000000 + i) for i in masto_mentions),
      "... every mention exactly once over the three runs (a page cut by --limit is read again)")
rc, out, err = run(["--config", pg, "--state", fresh_state("st-limit-all"), "--limit", "4", "-v"])
is_eq(len(ids(out)), 4, "--limit counts the records of all sources together")
ok("source acme-xm" not in err, "... and the sources after the limit are not asked", err[-1500:])

d = fresh_state("st-since")
rc, out, err = run(["--config", pg, "--source", "acme-masto", "--state", d, "--since", at(9)])
is_eq(len(ids(out)), len([i for i in masto_mentions if i >= 9]), "--since with a fresh --state: the mentions since then")
rc, out, err = run(["--config", pg, "--source", "acme-masto", "--state", d])
is_eq(ids(out), [], "... and the completed sweep set the cursor: the next run has nothing new")
d = fresh_state("st-until")
rc, out, err = run(["--config", pg, "--source", "acme-masto", "--state", d, "--until", at(8)])
is_eq(len(ids(out)), len([i for i in masto_mentions if i < 8]), "--until with --state: the backfill window")
ok(json.load(open(os.path.join(d, "acme-masto.state")))["cursor"] is None,
   "... which leaves the cursor where it was (the window does not reach now)")
rc, out, err = run(["--config", pg, "--source", "acme-masto", "--state", d])
is_eq(sorted(ids(out)), sorted("mastodon:%d" % (110000000000000000 + i) for i in masto_mentions if i >= 8),
      "... so the next run fetches the rest, and drops what the window wrote by id")

# ------------------------------------------------------------------ Reddit OAuth
oc = os.path.join(TMP, "oauth.conf")
open(oc, "w").write("""[r-refresh]
platform = reddit
base_url = http://127.0.0.1:{p}
token_url = http://127.0.0.1:{p}/api/v1/access_token
account = acmehelp
client_id = mock-client
client_secret_env = R_SECRET
refresh_token_env = R_REFRESH
limit = 100

[r-password]
platform = reddit
base_url = http://127.0.0.1:{p}
token_url = http://127.0.0.1:{p}/api/v1/access_token
account = acmehelp
client_id = mock-client
client_secret_env = R_SECRET
username = acmehelp
password_env = R_PW
limit = 100
""".format(p=port))
oenv = {"R_SECRET": "mock-client-secret", "R_REFRESH": "mock-refresh-token", "R_PW": "mock-pw"}
rc, out, err = run(["--config", oc, "-v"], env=oenv)
ok(rc == 0 and len(ids(out)) == 46 and err.count("POST /api/v1/access_token") == 2,
   "reddit: tokens of its own from the OAuth endpoint (refresh token and password grants)", err[-2000:])
leaked = [v for v in list(oenv.values()) + ["rdt-", "bW9jay1jbGllbnQ6"] if v in out + err]
is_eq(leaked, [], "reddit: no client secret, refresh token, password or access token in the trace")
rc, out, err = run(["--config", oc, "--source", "r-refresh"], env=dict(oenv, R_REFRESH="revoked"))
ok(rc == 77 and "reddit gave no token (invalid_grant)" in err and "$R_REFRESH" in err,
   "reddit: a revoked refresh token exits 77 naming its variable", err)
rc, out, err = run(["--config", oc, "--source", "r-password"], env=dict(oenv, R_SECRET="wrong"))
ok(rc == 77 and "HTTP 401" in err and "$R_SECRET" in err, "reddit: a wrong client secret exits 77", err)

# ------------------------------------------------------------------ kill and rerun
get(port, "/_config?delay=0.05")
d = fresh_state("st-kill")
random.seed(7)
seen = []
runs = 0
KILLS = 10 if WRAP else 30
for attempt in range(KILLS + 10):
    e = dict(os.environ, R_TOKEN=TOKEN)
    p = subprocess.Popen(WRAP + [FM, "--config", cfg, "--source", "acme-reddit", "--state", d],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    procs.append(p)
    if attempt < KILLS:
        time.sleep(random.uniform(0.02, 0.5) * SLOW)
        p.send_signal(signal.SIGTERM if attempt % 3 else signal.SIGINT)
    o, er = p.communicate(timeout=60)
    runs += 1
    seen += ids(o.decode())
    if p.returncode == 0 and attempt >= KILLS:
        break
get(port, "/_config?delay=0")
ok(sorted(seen) == sorted(every),
   "killed %d times at random (TERM/INT) and rerun: every mention once (%d runs)" % (KILLS, runs),
   "got %d, %d distinct, want %d" % (len(seen), len(set(seen)), len(every)))

# SIGKILL cannot be held: fetch-mentions(1) promises at least once, never
# lost.  The state is staged (written, fsynced) before the page is flushed
# and renamed after, so a repeat needs a kill between flush and rename.
get(port, "/_config?delay=0.05")
d = fresh_state("st-kill9")
random.seed(9)
seen = []
runs = 0
KILL9 = 5 if WRAP else 15
for attempt in range(KILL9 + 10):
    p = subprocess.Popen(WRAP + [FM, "--config", cfg, "--source", "acme-reddit", "--state", d],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, R_TOKEN=TOKEN))
    procs.append(p)
    if attempt < KILL9:
        time.sleep(random.uniform(0.02, 0.5) * SLOW)
        p.kill()
    o, er = p.communicate(timeout=60)
    runs += 1
    seen += ids(o.decode())
    if p.returncode == 0 and attempt >= KILL9:
        break
get(port, "/_config?delay=0")
ok(set(seen) == set(every) and len(seen) - len(set(seen)) <= 5 * KILL9,
   "killed %d times with SIGKILL and rerun: every mention at least once (%d repeats, %d runs)"
   % (KILL9, len(seen) - len(set(seen)), runs), "got %d, %d distinct, want %d" % (len(seen), len(set(seen)), len(every)))

# ------------------------------------------------------------------ lock
get(port, "/_config?delay=0.5")
d = fresh_state("st-lock")
e = dict(os.environ, R_TOKEN=TOKEN)
first = subprocess.Popen(WRAP + [FM, "--config", cfg, "--source", "acme-reddit", "--state", d],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
procs.append(first)
time.sleep(0.3)
t0 = time.time()
rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
ok(rc == 75 and "another run holds the lock" in err and time.time() - t0 < 1 * SLOW,
   "an overlapping run exits 75 at once", "rc=%d %s" % (rc, err))
rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d, "--wait"])
fo, fe = first.communicate(timeout=60)
ok(first.returncode == 0 and rc == 0 and len(ids(fo.decode())) == 23 and out == "",
   "with --wait it waits for the lock, then finds nothing new", "%d %d %s" % (first.returncode, rc, err))
get(port, "/_config?delay=0")

# ------------------------------------------------------------------ TLS
if shutil.which("openssl"):
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   capture_output=True, check=True)
    tport = start_mock("--tls", cert, key)
    tcfg = conf(os.path.join(TMP, "tls.conf"), tport, scheme="https")
    # The mock's TLS handshakes are slow on a loaded machine (under ASan
    # too): a 2 s timeout could fail first and hide the certificate error.
    with open(tcfg) as f:
        text = f.read().replace("timeout = 2", "timeout = 20")
    with open(tcfg, "w") as f:
        f.write(text)
    rc, out, err = run(["--config", tcfg, "--source", "acme-reddit"])
    ok(rc == 69 and "certificate" in err and "--cacert" in err and out == "",
       "TLS: a self-signed server is refused (69), not retried into success", err)
    rc, out, err = run(["--config", tcfg, "--source", "acme-reddit", "--cacert", cert])
    ok(rc == 0 and len(ids(out)) == 16, "TLS: with --cacert naming its certificate it is trusted", err)
else:
    ok(True, "# SKIP openssl is not installed")
    ok(True, "# SKIP openssl is not installed")

# ------------------------------------------------------------------ secrets
leaks = []
texts = []
for args, env in [(["--config", cfg, "-v"], {}), (["--config", cfg, "-v", "--source", "acme-bsky"], {"BSKY_PW": "wrong-" + BSKY_PW})]:
    rc, out, err = run(args, env)
    texts += [out, err]
get(port, "/_fault?path=/&kind=401&times=1")
rc, out, err = run(["--config", cfg, "-v", "--source", "acme-reddit"])
texts += [out, err]
get(port, "/_fault?path=/&kind=500&times=-1")
rc, out, err = run(["--config", cfg, "-v", "--source", "acme-fb"])
texts += [out, err]
get(port, "/_clear")
for root, _, files in os.walk(TMP):
    for f in files:
        if f.endswith(".state"):
            texts.append(open(os.path.join(root, f)).read())
joined = "\n".join(texts)
ok("Authorization: [redacted]" in joined, "-v traces show the Authorization header redacted")
for secret in (TOKEN, BSKY_PW, "acc-jwt-", "ref-jwt-"):
    ok(secret not in joined, "the secret %s... appears in no output, trace, error or state" % secret[:6])

# ------------------------------------------------------------------ configuration errors
rc, out, err = run(["--config", os.path.join(TMP, "nope.conf")])
is_eq((rc, err), (78, "fetch-mentions: %s: No such file or directory\n" % os.path.join(TMP, "nope.conf")),
      "a missing config file: 78, as every configuration file (carepipe(7))")
bad = os.path.join(TMP, "bad.conf")
open(bad, "w").write("[a]\nplatform = x\nbase_url = https://api.x.com\naccount = acme\nacount_id = 1\n")
rc, out, err = run(["--config", bad])
is_eq((rc, err), (78, "fetch-mentions: %s:5: unknown key 'acount_id'\n" % bad), "a typo in the config: 78, file and line")
rc, out, err = run(["--config", cfg, "--source", "nope"])
ok(rc == 64 and "no source [nope]" in err, "an unknown --source: 64", err)
rc, out, err = run(["--config", cfg, "--source", "acme-reddit"], env={"R_TOKEN": ""})
is_eq((rc, err), (78, "fetch-mentions: source acme-reddit: the token variable R_TOKEN is not set\n"),
      "an unset token variable: 78, naming the variable")

# ------------------------------------------------------------------ the man page's and examples' files
man = open(os.path.join(TOP, "man", "carepipe.conf.5")).read()
blocks = re.findall(r"^\.Bd -literal -offset indent\n(.*?)^\.Ed\n", man, re.S | re.M)
mancfg = os.path.join(TMP, "man.conf")
open(mancfg, "w").write(blocks[0])
rc, out, err = run(["--config", mancfg, "--source", "nope"])
ok(rc == 64 and "no source [nope]" in err, "carepipe.conf(5)'s example file is a valid config", err)
rc, out, err = run(["--config", os.path.join(TOP, "examples", "cron", "care.conf"), "--source", "acme-x"],
                   env={"ACME_X_TOKEN": ""})
is_eq((rc, err), (78, "fetch-mentions: source acme-x: the token variable ACME_X_TOKEN is not set\n"),
      "examples/cron/care.conf is a valid config")
ex = os.path.join(TMP, "example")
os.mkdir(ex)
conf(os.path.join(ex, "care.conf"), port)
cmd = blocks[1].strip()
is_eq(cmd, "fetch-mentions --config care.conf --state state >> mentions.ndjson", "the man page's example command")
e = dict(os.environ, R_TOKEN=TOKEN, BSKY_PW=BSKY_PW, PATH=os.path.join(TOP, "bin") + ":" + os.environ["PATH"])
p1 = subprocess.run(["sh", "-c", cmd], cwd=ex, env=e, capture_output=True)
p2 = subprocess.run(["sh", "-c", cmd], cwd=ex, env=e, capture_output=True)
got = ids(open(os.path.join(ex, "mentions.ndjson")).read())
ok(p1.returncode == 0 and p2.returncode == 0 and len(got) == 23 + 26 + 15 + 5 and len(set(got)) == len(got),
   "carepipe.conf(5)'s example, run twice, appends every mention once", p1.stderr.decode() + p2.stderr.decode())

d = fresh_state("st-corrupt")
os.mkdir(d)
open(os.path.join(d, "acme-reddit.state"), "w").write('{"cursor": "12",')
rc, out, err = run(["--config", cfg, "--source", "acme-reddit", "--state", d])
ok(rc == 65 and "acme-reddit.state: not a state file" in err and out == "",
   "a damaged state file stops its source with 65, nothing fetched", err)

# ------------------------------------------------------------------ Prism: X and Mastodon
if have_prism:
    up = wait_port(xport, 90) and wait_port(mport, 90)
    ok(up, "Prism serves the X and Mastodon descriptions")
    pcfg = os.path.join(TMP, "prism.conf")
    open(pcfg, "w").write("""[x-mentions]
platform = x
base_url = http://127.0.0.1:{x}
account = TwitterDev
account_id = 2244994945
token_env = R_TOKEN
max_pages = 1

[x-search]
platform = x
base_url = http://127.0.0.1:{x}
endpoint = search
query = @TwitterDev -is:retweet
account = TwitterDev
account_id = 2244994945
token_env = R_TOKEN
limit = 10
max_pages = 1

[m-mentions]
platform = mastodon
base_url = http://127.0.0.1:{m}
account = trwnh
account_id = 14715
token_env = R_TOKEN

[m-search]
platform = mastodon
base_url = http://127.0.0.1:{m}
endpoint = search
query = carepipe
account = trwnh
token_env = R_TOKEN
""".format(x=xport, m=mport))
    xl0 = len(open(xlog).read().splitlines())
    ml0 = len(open(mlog).read().splitlines())
    pst = os.path.join(TMP, "st-prism")
    rc, out, err = run(["--config", pcfg, "--state", pst, "--raw"])
    ok(rc == 0, "fetch from Prism's X and Mastodon mocks succeeds", err)
    valid_records(out, "Prism's example responses normalise into valid records (jq)")
    recs = [json.loads(l) for l in out.splitlines()]
    x = [r for r in recs if r["platform"] == "twitter"]
    m = [r for r in recs if r["platform"] == "mastodon"]
    is_eq([(r["id"], r["created_at"], r["author"]["handle"], r["direction"]) for r in x],
          [("twitter:1346889436626259968", "2021-01-06T18:40:40Z", "TwitterDev", "out")] * 2,
          "X: mentions and search, author filled from includes.users (expansions=author_id)")
    is_eq([(r["id"], r["kind"], r["author"]["handle"], r["in_reply_to"], r["text"]) for r in m[:1]],
          [("mastodon:103186126728896492", "reply", "zsc", "mastodon:103186038209478945", "@trwnh sup!")],
          "Mastodon: the mention notification (a favourite left out), HTML content made text")
    rc3, out3, err3 = run(["--config", pcfg, "--source", "x-search", "--since", "2021-01-06T00:00:00Z",
                           "--until", "2021-01-07T00:00:00Z"])
    ok(rc3 == 0 and len(ids(out3)) == 1, "X: a window's start_time and end_time pass Prism (and its example is inside)",
       err3[-1500:])
    rc2, out2, err2 = run(["--config", pcfg, "--state", pst, "--source", "m-mentions", "-v"])
    ok(rc2 == 0 and "since_id=34975861" in err2, "Mastodon: the next run asks since_id, the newest notification", err2[-1500:])
    unit = os.path.join(TOP, BUILD, "tests", "platforms")
    if os.access(unit, os.X_OK):
        p = subprocess.run([unit, "--x", "http://127.0.0.1:%d" % xport, "--mastodon", "http://127.0.0.1:%d" % mport],
                           capture_output=True, timeout=60)
        tap = p.stdout.decode()
        ok(p.returncode == 0 and "not ok" not in tap and "ok 10 " in tap,
           "posting: X replies and DMs, Mastodon replies and direct statuses, lookups (tests/unit/platforms)", tap)
    else:
        ok(False, "posting through Prism needs %s (make %s/tests/platforms)" % (unit, BUILD))
    time.sleep(0.5)
    xtail = open(xlog).read().splitlines()[xl0:]
    mtail = open(mlog).read().splitlines()[ml0:]
    xreq = [l for l in xtail if "Request received" in l]
    mreq = [l for l in mtail if "Request received" in l]
    viol = [l for l in xtail + mtail if "Violation: request" in l or "Request did not pass" in l]
    ok(len(xreq) == 6 and len(mreq) == 6, "Prism saw all our requests (X %d, Mastodon %d)" % (len(xreq), len(mreq)))
    is_eq(viol, [], "every request passed Prism's request validation")
    import urllib.request
    import urllib.error
    try:
        urllib.request.urlopen(urllib.request.Request(
            "http://127.0.0.1:%d/2/tweets/search/recent?max_results=3" % xport,
            headers={"Authorization": "Bearer x"}), timeout=10)
        code = 200
    except urllib.error.HTTPError as e:
        code = e.code
    is_eq(code, 422, "... and Prism does refuse an invalid request (422), so that check has teeth")
else:
    taplib.note("Prism checks skipped: %s" % ("not installed (scripts/install-deps)" if FIXTURES == "recorded"
                                              else "the official API descriptions are in ../shared"))

done()
