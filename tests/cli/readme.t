#!/bin/sh
""":"
exec python3 "$0" "$@"
"""

__doc__ = """Every example of README.md, run verbatim (issue 18).

The code blocks are read from README.md itself, so an example that is
changed there is run as changed.  Each is run by sh -e in a fresh
directory that holds what the example names: the checkout's bin/ and
examples/, and the files it takes as given (care.conf, rules.conf,
mentions.ndjson...), which this test provides.  Examples that talk to live
sources run against the project's mock server (tests/mock/server.py),
with the care.conf shown here.  A block this test does not know fails:
add what it needs below.  Two kinds of block are not commands to run
here, and are recognised by their shape: `make` targets (this suite and
its siblings; running them inside `make check` would recurse) and the
benchmark's printed table.

TAP on stdout.  The examples on ../shared data, and those that need the
mock (which serves ../shared's recorded exchanges), are skipped without it.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, skip, done, wrapped_bin, TOP, SHARED

HAVE_SHARED = os.path.isdir(os.path.join(SHARED, "data")) and os.path.isdir(os.path.join(SHARED, "specs"))
TOKEN = "mock-token-never-shown"
BSKY_PW = "app-password-secret"

procs = []


def blocks(path):
    """The indented code blocks of a Markdown file: (line, text)."""
    out, cur, prev_blank = [], None, True
    for no, line in enumerate(open(path, encoding="utf-8").read().split("\n"), 1):
        if line.startswith("    ") and (prev_blank or cur is not None):
            if cur is None:
                cur = [no, []]
                out.append(cur)
            cur[1].append(line[4:])
        elif line.strip():
            cur = None
        elif cur is not None:
            cur[1].append("")
        prev_blank = not line.strip()
    return [(no, "\n".join(lines).strip("\n")) for no, lines in out]


BIN = wrapped_bin()

# ------------------------------------------------------------ the mock
mock_base = None
hook_base = None
sys.path.insert(0, os.path.join(TOP, "tests", "mock"))
import notify_server  # noqa: E402  (launch() only: its SMTP side runs in Debian's python3)


def hook():
    """notify's receiving end (tests/mock/notify_server.py), started once:
    its base URL, or None when it cannot run here."""
    global hook_base
    if hook_base is None:
        started = notify_server.launch(tempfile.mkdtemp(prefix="readme-hook-"), "readme-hook", 900)
        if isinstance(started, str):
            hook_base = ""
        else:
            procs.append(started[0])
            hook_base = "http://127.0.0.1:%d" % started[1]
    return hook_base or None


def hook_posts():
    with urllib.request.urlopen(hook() + "/_posts", timeout=30) as r:
        return json.load(r)


def mock():
    """Start tests/mock/server.py once; its base URL."""
    global mock_base
    if mock_base:
        return mock_base
    d = tempfile.mkdtemp(prefix="readme-mock-")
    shutil.copy(os.path.join(TOP, "tests", "mock", "server.py"), os.path.join(d, "readme-mock.py"))
    port_file = os.path.join(d, "port")
    procs.append(subprocess.Popen([sys.executable, os.path.join(d, "readme-mock.py"), "--port-file",
                                   port_file, "--shared", SHARED, "--lifetime", "900"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    end = time.time() + 30
    while not (os.path.exists(port_file) and open(port_file).read().strip()) and time.time() < end:
        time.sleep(0.05)
    mock_base = "http://127.0.0.1:%d" % int(open(port_file).read())
    return mock_base


def mock_get(path):
    with urllib.request.urlopen(mock() + path, timeout=30) as r:
        return json.load(r)


# The care.conf the examples with live sources are shown with: a Reddit
# account and a Bluesky one, both on the mock.
CARE_CONF = """\
[acme-reddit]
platform = reddit
base_url = {base}
account = acmehelp
token_env = ACME_REDDIT_TOKEN
limit = 5

[acme-bluesky]
platform = bluesky
base_url = {base}
account = brand.example
identifier = brand.example
password_env = ACME_BSKY_APP_PASSWORD
limit = 7

[channel care-slack]
type = slack
token_env = ACME_SLACK_WEBHOOK
"""


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [l for l in f.read().split("\n") if l]


def recs(path):
    return [json.loads(l) for l in lines(path)]


def link_checkout(d):
    os.symlink(os.path.join(TOP, "bin"), os.path.join(d, "bin"))
    os.symlink(os.path.join(TOP, "examples"), os.path.join(d, "examples"))


def copy_mentions(d):
    shutil.copy(os.path.join(TOP, "examples", "data", "mentions.ndjson"), os.path.join(d, "mentions.ndjson"))


# ------------------------------------------------------------ the examples
# Each: a test of the block's first line, what it needs, a setup(d) that
# lays out the directory, and a check(d, rc, out, err) of the results.


pipeline_posts_before = 0


def setup_pipeline(d):
    global pipeline_posts_before
    pipeline_posts_before = sum(mock_get("/_counts")["posts"].values())
    with open(os.path.join(d, "care.conf"), "w") as f:
        f.write(CARE_CONF.format(base=mock()))
    shutil.copy(os.path.join(TOP, "examples", "rules", "consumer.rules"), os.path.join(d, "rules.conf"))
    for name in os.listdir(os.path.join(TOP, "examples", "sla")):
        if name != "mentions.ndjson":
            shutil.copy(os.path.join(TOP, "examples", "sla", name), d)
    os.rename(os.path.join(d, "support.conf"), os.path.join(d, "sla.conf"))
    shutil.copy(os.path.join(TOP, "examples", "assign", "team.roster"), os.path.join(d, "team.conf"))
    shutil.copytree(os.path.join(TOP, "examples", "replies"), os.path.join(d, "replies"))
    os.mkdir(os.path.join(d, "state"))
    os.mkdir(os.path.join(d, "log"))


def check_pipeline(d, rc, out, err):
    complaints = [l for l in err.split("\n") if l and not re.match(r"reply: \d+ sent, ", l)]
    ok(rc == 0 and not complaints, "README pipeline: every program ran without a complaint", err)
    log = recs(os.path.join(d, "log", "mentions.ndjson"))
    ok(len(log) > 10 and {r["platform"] for r in log} == {"reddit", "bluesky"}
       and all(r["direction"] == "in" and "sla" in r and "queue" in r and "tags" in r for r in log),
       "README pipeline: %d mentions fetched from both sources, tagged, SLA-checked and routed" % len(log),
       json.dumps([[r["id"], sorted(r)] for r in log])[:2000])
    sent = [l for l in err.split("\n") if l.startswith("reply: ") and " sent, " in l]
    posts = sum(mock_get("/_counts")["posts"].values()) - pipeline_posts_before
    m = re.match(r"reply: (\d+) sent, 0 previewed, (\d+) skipped, 0 failed$", sent[0] if sent else "")
    ok(m is not None and int(m.group(1)) == posts and int(m.group(1)) + int(m.group(2)) == len(log)
       and posts > 0, "README pipeline: reply posted through the mock, each once (%d posts)" % posts, err)
    esc = [r for r in log if r.get("escalate")]
    slack = [p for p in hook_posts() if p["path"].startswith("/hook/readme/")]
    # The mock's mentions carry no escalation, so this checks only that
    # notify posts nothing it should not; README's notify example sends.
    ok(len(slack) == len(esc), "README pipeline: notify posted as many messages as escalations (%d)" % len(esc),
       json.dumps(slack)[:1500])
    html = open(os.path.join(d, "report.html"), encoding="utf-8").read()
    ok(html.lstrip().lower().startswith("<!doctype html") and "</html>" in html and "<svg" in html,
       "README pipeline: report.html is a whole page with its charts")


def setup_import_ndjson_head(d):
    link_checkout(d)


def check_import_ndjson_head(d, rc, out, err):
    first = lines(os.path.join(TOP, "examples", "data", "mentions.ndjson"))[0]
    ok(rc == 0 and out.split("\n")[0] == first and err == "",
       "README: fetch-mentions --import ndjson ... | head -n 1 gives the first record as it is", out[:500] + err)


def setup_imports(d):
    # ../shared/data/twcs/... is named relative to the working directory.
    os.symlink(SHARED, os.path.join(d, "shared"))
    work = os.path.join(d, "work")
    os.mkdir(work)
    with open(os.path.join(work, "forum.csv"), "w") as f:
        f.write("post_id,user,body,date\n101,ana,\"My order, #4411, is late\",2024-05-01T10:00:00Z\n"
                "102,bo,Thanks!,2024-05-01 11:30:00Z\n")
    os.mkdir(os.path.join(work, "archive"))
    src = lines(os.path.join(TOP, "examples", "data", "mentions.ndjson"))
    for i, part in enumerate((src[:300], src[300:])):
        with gzip.open(os.path.join(work, "archive", "day%d.ndjson.gz" % i), "wt") as f:
            f.write("\n".join(part) + "\n")
    return work


def check_imports(d, rc, out, err):
    work = os.path.join(d, "work")
    twcs = recs(os.path.join(work, "mentions.ndjson"))
    ok(rc == 0 and len(twcs) > 4000 and all(r["platform"] == "twitter" for r in twcs),
       "README: fetch-mentions --import twcs on ../shared (%d records)" % len(twcs), err)
    csv = [json.loads(l) for l in out.split("\n") if l]
    ok([(r["id"], r["author"]["handle"], r["platform"], r["created_at"]) for r in csv] ==
       [("forum:101", "ana", "forum", "2024-05-01T10:00:00Z"), ("forum:102", "bo", "forum", "2024-05-01T11:30:00Z")],
       "README: fetch-mentions --import csv --map", out)
    ok(len(lines(os.path.join(work, "clean.ndjson"))) == 1000,
       "README: fetch-mentions --import ndjson on gzip archives")


def setup_tag_triage(d):
    link_checkout(d)
    copy_mentions(d)


def check_tag_triage(d, rc, out, err):
    tagged = recs(os.path.join(d, "tagged.ndjson"))
    esc = [json.loads(l) for l in out.split("\n") if l]
    ok(rc == 0 and len(tagged) == 1000 and esc and len(esc) == sum(1 for r in tagged if r.get("escalate"))
       and all(isinstance(e, list) and len(e) == 2 for e in esc),
       "README: tag -f consumer.rules, then the escalated ones (%d)" % len(esc), err)


def check_tag_explain(d, rc, out, err):
    got = [json.loads(l) for l in out.split("\n") if l]
    ok(rc == 0 and got and all("refund" in r["tags"] for r in got),
       "README: tag -r ... --explain --only refund (%d records)" % len(got), err)


def check_sla(d, rc, out, err):
    rows = out.split("\n")
    n_in = len(lines(os.path.join(TOP, "examples", "sla", "mentions.ndjson")))
    ok(rc == 0 and len(lines(os.path.join(d, "checked.ndjson"))) == n_in
       and re.fullmatch(r"\d+ SLA alerts", rows[-1] if rows else "")
       and all(len(r.split("\t")) == 4 for r in rows[:-1]),
       "README: sla-check with the team's policies, a TSV of statuses, the alert count", out + err)


def check_assign(d, rc, out, err):
    rows = [l for l in out.split("\n") if l]
    n_in = len(lines(os.path.join(TOP, "examples", "assign", "mentions.ndjson")))
    counted = [l for l in rows if re.fullmatch(r"\s*\d+ \S+", l)]
    ok(rc == 0 and os.path.exists(os.path.join(d, "state", "assign", "state.ndjson"))
       and len(lines(os.path.join(d, "assigned.ndjson"))) == n_in and counted
       and len(rows) == n_in + len(counted),
       "README: assign, then round-robin with --state, then the count per agent", out + err)


def setup_reply(d):
    link_checkout(d)
    with open(os.path.join(d, "care.conf"), "w") as f:
        f.write(CARE_CONF.format(base=mock()))
    os.mkdir(os.path.join(d, "state"))
    with open(os.path.join(d, "mentions.ndjson"), "w") as f:
        for i, tags in enumerate((["shipping"], ["refund"], ["praise"])):
            f.write(json.dumps({"id": "reddit:t1_readme%d" % i, "platform": "reddit", "account": "acmehelp",
                                "direction": "in", "kind": "comment", "tags": tags,
                                "author": {"id": "u%d" % i, "handle": "cust%d" % i, "name": "Sam"},
                                "text": "hello", "created_at": "2024-05-01T10:00:00Z"}) + "\n")


def check_reply(d, rc, out, err):
    preview = recs(os.path.join(d, "preview.ndjson"))
    log = recs(os.path.join(d, "log.ndjson"))
    texts = [l for l in out.split("\n") if l]
    posts = mock_get("/_counts")["posts"]
    ok(rc == 0 and [r["reply"]["status"] for r in preview] == ["preview"] * 3 and len(texts) >= 3,
       "README: reply previews, and jq shows the texts", out + err)
    ok([(r["direction"], (r.get("reply") or {}).get("status")) for r in log] == [("in", "sent"), ("out", None)] * 3
       and all(posts.get("t1_readme%d" % i) == 1 for i in range(3)),
       "README: reply --send posts each once and writes the outbound records", json.dumps(log)[:1500] + err)


def check_kpi(d, rc, out, err):
    html = open(os.path.join(d, "report.html"), encoding="utf-8").read()
    csv = [l for l in out.split("\n") if l.count(",") >= 2]
    ok(rc == 0 and "</html>" in html and len(csv) >= 2,
       "README: kpi-report as a table, an HTML page, and in parallel then merged as CSV", out[-1500:] + err)


def check_init(d, rc, out, err):
    care = os.path.join(HOME, "care")
    made = sorted(os.listdir(care)) if os.path.isdir(care) else []
    ok(all(f in made for f in ("carepipe.conf", "crontab", "secrets.env", "rules", "replies", "sla", "assign")),
       "README: carepipe init scaffolds ~/care (%s)" % " ".join(made))
    ok(rc == 78 and "the token variable ACME_X_TOKEN is not set" in err
       and "source acme-reddit:" in err,
       "README: carepipe check on the untouched scaffold names every missing secret (78)", err)


def setup_notify(d):
    link_checkout(d)
    with open(os.path.join(d, "care.conf"), "w") as f:
        f.write(CARE_CONF.format(base=mock() if HAVE_SHARED else "http://127.0.0.1:9"))
    os.mkdir(os.path.join(d, "state"))
    os.mkdir(os.path.join(d, "log"))
    subprocess.run([os.path.join(BIN, "tag"), "-f", os.path.join(TOP, "examples", "rules", "consumer.rules"),
                    os.path.join(TOP, "examples", "data", "mentions.ndjson")],
                   stdout=open(os.path.join(d, "log", "tagged.ndjson"), "wb"), check=True)


def check_notify(d, rc, out, err):
    esc = [r for r in recs(os.path.join(d, "log", "tagged.ndjson")) if r.get("escalate")]
    previews = [l for l in err.split("\n") if l.startswith("notify: ") and "preview" in l]
    ok(rc == 0 and out == "" and len(esc) > 0, "README: notify previews the escalations, then sends them (%d)"
       % len(esc), err[-1500:])
    journal = [json.loads(l) for l in lines(os.path.join(d, "state", "notify.journal"))]
    done = {j.get("id") for j in journal if j.get("event") == "done"}
    ok(len(done) == len(esc), "README: the journal holds one done per escalation (%d)" % len(done), journal[:5])


EXAMPLES = [
    # (first line starts with, needs, setup, check)
    ("tag -f examples/rules/consumer.rules examples/data/mentions.ndjson | notify", "hook", setup_notify,
     check_notify),
    ("carepipe init ~/care", "", None, check_init),
    ("fetch-mentions --config care.conf --state state/", "mock", setup_pipeline, check_pipeline),
    ("bin/fetch-mentions --import ndjson", "", setup_import_ndjson_head, check_import_ndjson_head),
    ("fetch-mentions --import twcs ../shared/", "shared", setup_imports, check_imports),
    ("tag -f examples/rules/consumer.rules mentions.ndjson", "", setup_tag_triage, check_tag_triage),
    ("tag -r 'tag refund if keywords", "", setup_tag_triage, check_tag_explain),
    ("sla-check --policy examples/sla/support.conf", "", link_checkout, check_sla),
    ("assign -R examples/assign/team.roster", "", link_checkout, check_assign),
    ("reply --library examples/replies --agent JD mentions.ndjson", "mock", setup_reply, check_reply),
    ("kpi-report --by platform,day examples/scale/sample.ndjson", "", link_checkout, check_kpi),
]


def not_a_command(text):
    """make targets (the suites themselves) and the benchmark's table."""
    ls = [l for l in text.split("\n") if l.strip()]
    if all(l.startswith("make ") for l in ls):
        return "make targets: this suite and its siblings"
    if ls and re.match(r"entry\s+tool\s+seconds", ls[0]):
        return "the printed output of make bench"
    return None


# A home of its own: `carepipe init ~/care` writes there, and no user's
# ~/.config/carepipe/carepipe.conf is found; $EDITOR edits nothing.
HOME = tempfile.mkdtemp(prefix="readme-home-")
env = dict(os.environ, ACME_REDDIT_TOKEN=TOKEN, ACME_BSKY_APP_PASSWORD=BSKY_PW,
           MOCK_BSKY_PASSWORD=BSKY_PW, LC_ALL="C.UTF-8", HOME=HOME, EDITOR="true")
env.pop("XDG_CONFIG_HOME", None)
env["PATH"] = BIN + os.pathsep + env["PATH"]
if hook():
    env["ACME_SLACK_WEBHOOK"] = hook() + "/hook/readme/T0001/B0001/readmeSecretPath"
try:
    for line, text in blocks(os.path.join(TOP, "README.md")):
        first = text.split("\n")[0]
        why = not_a_command(text)
        if why:
            print("# README.md:%d: not run (%s)" % (line, why))
            continue
        match = [e for e in EXAMPLES if first.startswith(e[0])]
        if not ok(len(match) == 1, "README.md:%d is an example this test knows" % line, text):
            continue
        _, needs, setup, check = match[0]
        if needs in ("hook", "mock") and not hook():
            skip("README.md:%d" % line, "notify's test server cannot run here (python3-aiosmtpd)")
            continue
        if needs in ("shared", "mock") and not HAVE_SHARED:
            skip("README.md:%d" % line, "../shared is absent" + (" (the mock serves its exchanges)" if needs == "mock" else ""))
            continue
        d = tempfile.mkdtemp(prefix="readme-")
        cwd = (setup(d) if setup else None) or d
        p = subprocess.run(["sh", "-e", "-c", text], cwd=cwd, env=env, capture_output=True, timeout=900)
        check(d, p.returncode, p.stdout.decode("utf-8", "replace").rstrip("\n"),
              p.stderr.decode("utf-8", "replace"))
        shutil.rmtree(d, ignore_errors=True)
finally:
    for p in procs:
        p.kill()
    shutil.rmtree(HOME, ignore_errors=True)
done()
