#!/usr/bin/env python3
"""reply --send against the local mocks.

  - The project's mock server (tests/mock/server.py) for Reddit, Facebook
    and Bluesky: it counts the posts it gets per parent, so each case checks
    what reached the platform, not only what reply says.
  - Prism on the official X and Mastodon descriptions: every request reply
    makes must pass Prism's validation (no "Violation: request" in its log).

Cases: the outbound record written after each sent reply; reruns skipping
what the journal answered; private messages; a refused post (401) that a
later run sends; a post that times out after the platform made it, which
the next run waits out, looks up and records without posting again; -v
never showing the token; the man page's --send example.  A table cannot
start servers, hence a script.  Prints TAP.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, skip, done, free_port, wait_port, TOP, SHARED, WRAP, PRISM

TOKEN = "mock-token-never-shown"
BSKY_PW = "app-password-secret"

# The mock serves ../shared's recorded exchanges, or without it (or with
# CAREPIPE_FIXTURES=own) the project's own fixtures (tests/mock/fixtures).
FIXTURES = ("own" if os.environ.get("CAREPIPE_FIXTURES") == "own"
            or not os.path.isdir(os.path.join(SHARED, "specs")) else "recorded")

# make check VALGRIND=1 runs every program under this wrapper.
TMP = tempfile.mkdtemp(prefix="carepipe-reply-send-")
REPLY = os.path.join(TMP, "reply")
shutil.copy(os.path.join(TOP, "bin", "reply"), REPLY)
procs = []


# The project's mock, from a copy under a name of its own.
shutil.copy(os.path.join(TOP, "tests", "mock", "server.py"), os.path.join(TMP, "reply-send-mock.py"))
port_file = os.path.join(TMP, "port")
procs.append(subprocess.Popen([sys.executable, os.path.join(TMP, "reply-send-mock.py"),
                               "--port-file", port_file, "--shared", SHARED, "--fixtures", FIXTURES,
                               "--fixtures-dir", os.path.join(TOP, "tests", "mock", "fixtures"), "--lifetime", "600"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
end = time.time() + 15
while not (os.path.exists(port_file) and open(port_file).read().strip()) and time.time() < end:
    time.sleep(0.05)
port = int(open(port_file).read())
BASE = "http://127.0.0.1:%d" % port

have_prism = os.access(PRISM, os.X_OK) and FIXTURES == "recorded"
if have_prism:
    xport, mport = free_port(), free_port()
    xlog, mlog = os.path.join(TMP, "prism-x.log"), os.path.join(TMP, "prism-m.log")
    for p, spec, log in ((xport, "x/x-api-v2-openapi-2.159.json", xlog),
                         (mport, "mastodon/mastodon-openapi-schema.json", mlog)):
        procs.append(subprocess.Popen([PRISM, "mock", "-h", "127.0.0.1", "-p", str(p),
                                       os.path.join(SHARED, "specs", spec)],
                                      stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=TMP))


def get(path):
    rq = urllib.request.Request(BASE + path)
    with urllib.request.urlopen(rq, timeout=30) as r:
        return json.load(r)


def posts(parent):
    return get("/_counts")["posts"].get(parent, 0)


CONF = os.path.join(TMP, "care.conf")
with open(CONF, "w") as f:
    f.write("[acme-reddit]\nplatform = reddit\nbase_url = %s\naccount = AcmeCare\n"
            "token_env = R_TOKEN\ntimeout = 1\nretries = 0\n" % BASE)
    f.write("[acme-fb]\nplatform = facebook\nbase_url = %s\naccount = fbdev\naccount_id = 19292868552\n"
            "object = 19292868552_10158407654328553\nendpoint = comments\ntoken_env = R_TOKEN\n" % BASE)
    f.write("[acme-bsky]\nplatform = bluesky\nbase_url = %s\naccount = brand.example\n"
            "identifier = brand.example\npassword_env = BSKY_PW\n" % BASE)
    if have_prism:
        f.write("[acme-x]\nplatform = x\nbase_url = http://127.0.0.1:%d\naccount = AcmeCare\n"
                "account_id = 2244994945\ntoken_env = R_TOKEN\n" % xport)
        f.write("[acme-masto]\nplatform = mastodon\nbase_url = http://127.0.0.1:%d\naccount = acme\n"
                "account_id = 1\ntoken_env = R_TOKEN\n" % mport)


def reply(args, records, journal="j", extra_env=None, cwd=None):
    inp = "".join(json.dumps(r) + "\n" for r in records)
    env = dict(os.environ, R_TOKEN=TOKEN, BSKY_PW=BSKY_PW, MOCK_BSKY_PASSWORD=BSKY_PW)
    env.update(extra_env or {})
    cmd = WRAP + [REPLY, "--send", "--config", CONF, "--journal", os.path.join(TMP, journal),
           "--now", "2024-05-01T12:00:00Z"] + args
    p = subprocess.run(cmd, input=inp.encode(), capture_output=True, env=env, cwd=cwd or TMP,
                       timeout=600)
    return p.returncode, [json.loads(l) for l in p.stdout.decode().splitlines()], p.stderr.decode()


def mention(pid, platform="reddit", account="AcmeCare", **kw):
    r = {"id": "%s:%s" % (platform, pid), "platform": platform, "account": account,
         "direction": "in", "kind": "comment",
         "author": {"id": "u-" + pid, "handle": "cust_" + pid.replace(":", "_")[-6:], "name": "Sam"},
         "text": "help {{agent}}", "created_at": "2024-05-01T10:00:00Z"}
    r.update(kw)
    return r


# 1. Reddit: sent, with the outbound record right after; guards hold.
recs = [mention("t1_s1", thread="reddit:t3_s"), mention("t1_s2"),
        {"id": "reddit:t1_b", "platform": "reddit", "account": "AcmeCare", "direction": "out",
         "in_reply_to": "reddit:t1_s2"},
        mention("t1_s3", escalate=True)]
rc, out, err = reply(["--text", "Hi {{author.name|there}}, on it. {{agent}}", "--agent", "JD"], recs)
ok(rc == 0, "reddit: exit 0", err)
ok([r.get("reply", {}).get("status") for r in out] == ["sent", None, "skipped", "skipped", "skipped"],
   "reddit: sent, its outbound record, then the guards", json.dumps(out, indent=1))
ob = out[1] if len(out) > 1 else {}
want = {"platform": "reddit", "account": "AcmeCare", "direction": "out", "kind": "reply",
        "author": {"id": None, "handle": "AcmeCare", "name": "AcmeCare"}, "text": "Hi Sam, on it. ^JD",
        "created_at": "2024-05-01T12:00:00Z", "in_reply_to": "reddit:t1_s1", "thread": "reddit:t3_s"}
ok(all(ob.get(k) == v for k, v in want.items()) and ob.get("id", "").startswith("reddit:t1_mock")
   and list(ob)[:10] == ["id", "platform", "account", "direction", "kind", "author", "text",
                         "created_at", "in_reply_to", "thread"],
   "reddit: the outbound record is in the schema, in its key order", json.dumps(ob))
ok(out and out[0]["reply"].get("id") == ob.get("id") and out[0]["reply"].get("url", "").startswith(
   "https://www.reddit.com/"), "reddit: reply.id and reply.url name the new comment", json.dumps(out[:1]))
ok(posts("t1_s1") == 1 and posts("t1_s2") == 0 and posts("t1_s3") == 0,
   "reddit: the mock got one post, for the mention answered", get("/_counts"))
rc, out, err = reply(["--text", "Hi again"], recs)
ok(rc == 0 and out[0]["reply"]["status"] == "skipped" and "(journal)" in out[0]["reply"]["reason"]
   and posts("t1_s1") == 1, "reddit: a rerun skips it (journal); still one post", json.dumps(out[:1]))
jl = [json.loads(l) for l in open(os.path.join(TMP, "j"))]
ok([e["event"] for e in jl] == ["intent", "done"] and jl[0]["key"] == "carepipe-reply-reddit:t1_s1"
   and jl[1]["id"] == ob.get("id") and oct(os.stat(os.path.join(TMP, "j")).st_mode & 0o777) == "0o600",
   "reddit: the journal holds the intent and the done, mode 0600", jl)

# 1b. The outbound record's thread is the mention's conversation: its thread,
# else the comment it answers (in_reply_to), else its own id (common/schema.h).
rc, out, err = reply(["--text", "On it."], [mention("t1_s5", in_reply_to="reddit:t1_s0"),
                                             mention("t1_s6")], journal="jthread")
ok(rc == 0 and [r.get("thread") for r in out if r.get("direction") == "out"]
   == ["reddit:t1_s0", "reddit:t1_s6"],
   "reddit: an outbound record's thread is the mention's in_reply_to, else its id",
   err + json.dumps(out))

# 2. Reddit private message.
rc, out, err = reply(["--dm", "--text", "Could you send us your order number?"],
                     [mention("t1_pm1", author={"handle": "jane_pm"})], journal="jpm")
ok(rc == 0 and out[0]["reply"]["status"] == "sent" and out[1]["kind"] == "dm"
   and posts("compose:jane_pm") == 1, "reddit --dm: one private message", err + json.dumps(out))

# 3. Facebook comment.
fb = mention("19292868552_10158407654328553", platform="facebook", account="fbdev")
rc, out, err = reply(["--text", "Thanks for asking!"], [fb], journal="jfb")
ok(rc == 0 and out[0]["reply"]["status"] == "sent"
   and posts("19292868552_10158407654328553") == 1, "facebook: one comment", err + json.dumps(out))

# 4. Bluesky reply with strong refs.
bs = mention("at://did:plc:customer0001/app.bsky.feed.post/3kpost0001", platform="bluesky",
             account="brand.example")
rc, out, err = reply(["--text", "We are on it."], [bs], journal="jbs")
ok(rc == 0 and out[0]["reply"]["status"] == "sent"
   and posts("at://did:plc:customer0001/app.bsky.feed.post/3kpost0001") == 1,
   "bluesky: one reply record", err + json.dumps(out))

# 5. Refused (401): failed, journal says so, exit 77; a later run sends it.
get("/_fault?path=/api/comment&kind=401&times=1")
rc, out, err = reply(["--text", "Hello"], [mention("t1_r1")], journal="jr")
ok(rc == 77 and out[0]["reply"]["status"] == "failed" and posts("t1_r1") == 0,
   "a refused post fails with 77 and nothing is posted", err + json.dumps(out))
rc, out, err = reply(["--text", "Hello"], [mention("t1_r1")], journal="jr")
ok(rc == 0 and out[0]["reply"]["status"] == "sent" and posts("t1_r1") == 1,
   "the next run sends it, once", err + json.dumps(out))

# 6. Timed out after the platform made the post: unknown, waited out, looked
#    up, recorded; never posted twice.
get("/_config?delay_after=2.5")
rc, out, err = reply(["--text", "Hello"], [mention("t1_u1"), mention("t1_u2")], journal="ju")
get("/_config?delay_after=0")
ok(rc == 69 and out[0]["reply"]["status"] == "failed" and "outcome unknown" in out[0]["reply"]["reason"]
   and posts("t1_u1") == 1, "a post that times out: failed, outcome unknown, exit 69", err + json.dumps(out))
ok(out[1]["reply"]["status"] == "failed" and posts("t1_u2") == 0,
   "the account is not used again in that run", json.dumps(out))
rc, out, err = reply(["--text", "Hello"], [mention("t1_u1"), mention("t1_u2")], journal="ju")
# (Under valgrind the rerun may start after the window: then it settles at once.)
waited = rc == 75 and out[0]["reply"]["status"] == "failed" and "in flight" in out[0]["reply"]["reason"]
settled_now = bool(WRAP) and rc == 0 and out[0]["reply"].get("reason", "").startswith("reconciled")
ok((waited or settled_now) and out[-2 if settled_now else 1]["reply"]["status"] == "sent"
   and posts("t1_u1") == 1, "an immediate rerun waits the open intent out (75) and sends the rest",
   err + json.dumps(out))
if not settled_now:
    time.sleep(3.2)
    rc, out, err = reply(["--text", "Something else"], [mention("t1_u1"), mention("t1_u2")], journal="ju")
ok(rc == 0 and out[0]["reply"]["status"] == "sent" and out[0]["reply"]["reason"].startswith("reconciled")
   and out[0]["reply"]["text"] == "Hello" and out[1]["direction"] == "out"
   and posts("t1_u1") == 1 and posts("t1_u2") == 1,
   "later, the lookup finds the post: sent, not posted again", err + json.dumps(out))

# 6b. --rate paces the posts: three at 120/min take at least a second.
t0 = time.time()
rc, out, err = reply(["--rate", "120/min", "--text", "Hello"],
                     [mention("t1_rate1"), mention("t1_rate2"), mention("t1_rate3")], journal="jrate")
took = time.time() - t0
ok(rc == 0 and [r["reply"]["status"] for r in out if r["direction"] == "in"] == ["sent"] * 3
   and took >= 1.0, "--rate 120/min: three posts, half a second apart (%.2fs)" % took, err)

# 7. -v traces HTTP but never the token.
rc, out, err = reply(["-v", "--text", "Hello"], [mention("t1_v1")], journal="jv")
ok(rc == 0 and TOKEN not in err and TOKEN not in json.dumps(out) and TOKEN not in open(
   os.path.join(TMP, "jv")).read(), "-v: the token appears nowhere", err)

# 8. The man page's example, verbatim.
ex = os.path.join(TMP, "ex")
os.mkdir(ex)
os.mkdir(os.path.join(ex, "state"))
shutil.copytree(os.path.join(TOP, "examples"), os.path.join(ex, "examples"))
shutil.copy(CONF, os.path.join(ex, "care.conf"))
with open(os.path.join(ex, "mentions.ndjson"), "w") as f:
    f.write(json.dumps(mention("t1_ex1", tags=["shipping"], author={"name": "Ana"})) + "\n")
cmd = ("reply --library examples/replies --agent JD --send --rate 6/min \\\n"
       "    --config care.conf --journal state/reply.journal mentions.ndjson >> log.ndjson")
env = dict(os.environ, R_TOKEN=TOKEN, PATH=TMP + os.pathsep + os.environ["PATH"])
rc = subprocess.call(["sh", "-c", cmd], cwd=ex, env=env)
log = [json.loads(l) for l in open(os.path.join(ex, "log.ndjson"))]
ok(rc == 0 and log[0]["reply"]["status"] == "sent" and log[0]["reply"]["text"].startswith("Hi Ana, let's find")
   and log[1]["direction"] == "out" and posts("t1_ex1") == 1, "man page: the --send example", log)

# 9. Prism: X and Mastodon requests pass validation.
if have_prism and wait_port(xport, 300) and wait_port(mport, 300):
    time.sleep(1)
    xm = [mention("1460323737035677698", platform="twitter", author={"id": "2244994945", "handle": "jane"}),
          mention("1460323737035677699", platform="twitter", author={"id": "2244994945", "handle": "jane"})]
    rc, out, err = reply(["--text", "Hi {{author.handle}}, on it."], xm[:1], journal="jx")
    ok(rc == 0 and out[0]["reply"]["status"] == "sent" and out[1]["direction"] == "out",
       "x: a reply through Prism", err + json.dumps(out))
    rc, out, err = reply(["--dm", "--text", "Your order number?"], xm[1:], journal="jx")
    ok(rc == 0 and out[0]["reply"]["status"] == "sent" and out[1]["kind"] == "dm",
       "x: a DM through Prism", err + json.dumps(out))
    mm = [mention("109372801542016000", platform="mastodon", account="acme",
                  author={"id": "1", "handle": "eve@social.example"}),
          mention("109372801542016001", platform="mastodon", account="acme",
                  author={"id": "1", "handle": "eve@social.example"})]
    rc, out, err = reply(["--text", "Thanks, looking."], mm[:1], journal="jm")
    ok(rc == 0 and out[0]["reply"]["status"] == "sent"
       and out[0]["reply"]["text"] == "@eve@social.example Thanks, looking.",
       "mastodon: a reply through Prism, addressed to the customer", err + json.dumps(out))
    rc, out, err = reply(["--dm", "--text", "Your order number?"], mm[1:], journal="jm")
    ok(rc == 0 and out[0]["reply"]["status"] == "sent", "mastodon: a direct status through Prism",
       err + json.dumps(out))
    time.sleep(0.5)
    xv = [l for l in open(xlog) if "Violation: request" in l]
    mv = [l for l in open(mlog) if "Violation: request" in l]
    ok(not xv, "x: Prism found no violation in reply's requests", "".join(xv))
    ok(not mv, "mastodon: Prism found no violation in reply's requests", "".join(mv))
    xs, ms = open(xlog).read(), open(mlog).read()
    ok("post /2/tweets" in xs and "post /2/dm_conversations/with/2244994945/messages" in xs
       and ms.count("post /api/v1/statuses") == 2,
       "Prism received the tweet, the DM and the two statuses", xs[-1500:] + ms[-1500:])
else:
    for name in ("x: reply", "x: DM", "mastodon: reply", "mastodon: direct", "x: no violation",
                 "mastodon: no violation", "Prism received them"):
        skip(name, "Prism is not installed (scripts/install-deps) or "
             "did not start" if FIXTURES == "recorded" else "the official API descriptions are in ../shared")

for p in procs:
    p.terminate()
for p in procs:
    p.wait()
shutil.rmtree(TMP, ignore_errors=True)
done()
