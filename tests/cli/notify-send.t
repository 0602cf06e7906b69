#!/usr/bin/env python3
"""notify --send against a local webhook server and a local SMTP server.

tests/mock/notify_server.py runs under Debian's /usr/bin/python3 (its SMTP
side is python3-aiosmtpd) on 127.0.0.1 and records what reaches it, so each
case checks what a person would get, not only what notify says.

Cases: Slack, Teams, a JSON webhook and email each get exactly one message
per selected record with the right content; reruns send nothing new; 429
(with Retry-After) and 500 are retried; a channel that keeps failing exits
69 (75 for SMTP's "try later") with every record still written and its send
left for the next run, which sends it once; SMTP AUTH, and a wrong password
refused with 77; --max; --digest queues and then sends one message; an
intent left open by a crash is sent again with the same key; customer text
that tries to ping a Slack channel, inject an email header or a template
arrives as text; -v never shows a webhook URL, a token or a password.  A
table cannot start servers, hence a script.  Prints TAP.
"""
import email
import email.policy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import skip_all, ok, done, TOP, WRAP

NOTIFY = os.path.join(TOP, "bin", "notify")

if not os.access(NOTIFY, os.X_OK):
    skip_all("bin/notify is not built")
sys.path.insert(0, os.path.join(TOP, "tests", "mock"))
import notify_server  # noqa: E402  (launch() only: aiosmtpd runs in Debian's python3)


TMP = tempfile.mkdtemp(prefix="carepipe-notify-send-")
shutil.copy(NOTIFY, os.path.join(TMP, "notify"))
NOTIFY = os.path.join(TMP, "notify")
started = notify_server.launch(TMP, "notify-send-mock")
if isinstance(started, str):
    skip_all(started)
server, HP, SP = started
BASE = "http://127.0.0.1:%d" % HP
SLACK_URL = BASE + "/hook/slack/T0001/B0001/s3cretSlackPath"
TEAMS_URL = BASE + "/hook/teams/webhookb2/s3cretTeamsPath"
HOOK_TOKEN = "hook-bearer-token-never-shown"
SMTP_PW = "smtp-password-never-shown"
ENV = dict(os.environ, SLACK_URL=SLACK_URL, TEAMS_URL=TEAMS_URL, HOOK_TOKEN=HOOK_TOKEN,
           SMTP_PW=SMTP_PW, WRONG_PW="not-the-password")

CONF = os.path.join(TMP, "care.conf")
with open(CONF, "w") as f:
    f.write("""# channels for the tests
[channel slack]
type = slack
token_env = SLACK_URL
retries = 3
backoff = 0.1

[channel teams]
type = teams
token_env = TEAMS_URL
backoff = 0.1

[channel hook]
type = webhook
url = %(base)s/hook/generic
token_env = HOOK_TOKEN
retries = 2
backoff = 0.1

[channel mail]
type = email
server = smtp://127.0.0.1:%(sp)d
starttls = no
from = carepipe@example.com
to = lead@example.com, oncall@example.com
subject = [care] {{escalate_reason|alert}}: {{text}}
retries = 2
backoff = 0.1

[channel mail-auth]
type = email
server = smtp://127.0.0.1:%(sp)d
starttls = no
user = care
token_env = SMTP_PW
from = carepipe@example.com
to = lead@example.com

[channel mail-wrong]
type = email
server = smtp://127.0.0.1:%(sp)d
starttls = no
user = care
token_env = WRONG_PW
from = carepipe@example.com
to = lead@example.com
""" % {"base": BASE, "sp": SP})


def get(path):
    with urllib.request.urlopen(BASE + path, timeout=30) as r:
        return json.load(r)


def posts(prefix):
    return [p for p in get("/_posts") if p["path"].startswith(prefix)]


def mails():
    return get("/_mails")


def notify(args, records, journal=None, channel=None):
    cmd = WRAP + [NOTIFY, "--config", CONF] + (["--channel", channel] if channel else []) + \
        (["--send", "--journal", os.path.join(TMP, journal)] if journal else []) + args
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    p = subprocess.run(cmd, input=text.encode(), capture_output=True, env=ENV, timeout=120)
    out = [json.loads(l) for l in p.stdout.decode().splitlines()]
    return p.returncode, out, p.stderr.decode(), text


def rec(i, **kw):
    r = {"id": "twitter:%s" % i, "platform": "twitter", "account": "AcmeCare", "direction": "in",
         "author": {"handle": "user%s" % i, "name": "User %s" % i}, "text": "my number is 555 %s" % i,
         "created_at": "2024-05-01T10:00:00Z", "url": "https://x.com/user%s/status/%s" % (i, i)}
    r.update(kw)
    return r


def esc(i, **kw):
    kw.setdefault("escalate_reason", "phone posted")
    return rec(i, escalate=True, priority="urgent", **kw)


def statuses(out):
    return [r.get("notify", {}).get("status") for r in out]


print("# webhook port %d, SMTP port %d" % (HP, SP))

# --- Slack: one message per selected record, the right text, then nothing new
records = [esc("s1"), rec("s2"), esc("s3"), rec("s4", sla={"status": "met"}), esc("s5")]
rc, out, err, text = notify(["--escalated", "--mark"], records, "slack.journal", "slack")
got = posts("/hook/slack/")
ok(rc == 0 and len(out) == 5, "slack: exit 0, all 5 records written", "%d %s" % (rc, err))
ok(statuses(out) == ["sent", None, "sent", None, "sent"], "slack: the 3 escalated are sent", statuses(out))
ok(len(got) == 3 and all(p["path"] == "/hook/slack/T0001/B0001/s3cretSlackPath" for p in got),
   "slack: exactly 3 POSTs to the webhook URL from token_env", got)
want = ("Escalation (urgent) on twitter for AcmeCare: phone posted\nFrom User s1 (@users1) at "
        "2024-05-01T10:00:00Z:\nmy number is 555 s1\nhttps://x.com/users1/status/s1")
ok(got and json.loads(got[0]["body"]) == {"text": want}, "slack: the body is {\"text\": the escalation message}",
   got[0]["body"] if got else "")
ok([json.loads(p["body"])["text"].split("\n")[2] for p in got] ==
   ["my number is 555 s1", "my number is 555 s3", "my number is 555 s5"], "slack: one message per record, in order")
unchanged = [json.loads(l) for l in text.splitlines()]
ok([{k: v for k, v in r.items() if k != "notify"} for r in out] == unchanged,
   "slack: records otherwise unchanged")
rc, out, err, _ = notify(["--escalated", "--mark"], records + [esc("s6")], "slack.journal", "slack")
ok(rc == 0 and len(posts("/hook/slack/")) == 4, "slack: a rerun sends only the new record", err)
ok(statuses(out) == ["skipped", None, "skipped", None, "skipped", "sent"] and
   out[0]["notify"]["reason"] == "already sent (journal)", "slack: the rerun says why it skipped", statuses(out))
mode = oct(os.stat(os.path.join(TMP, "slack.journal")).st_mode & 0o777)
ok(mode == "0o600", "the journal is mode 0600", mode)

# --- injection: customer text pings nobody and is never a template
rc, out, err, _ = notify(["--escalated"], [esc("i1", text="<!channel> {{author.name}} <https://evil.example|x> & $__loc__",
                                              author={"handle": "h", "name": "{{text}}"})], "slack.journal", "slack")
body = json.loads(posts("/hook/slack/")[-1]["body"])["text"]
ok("&lt;!channel&gt; {{author.name}} &lt;https://evil.example|x&gt; &amp; $__loc__" in body and
   "From {{text}} (@h)" in body and "<!channel>" not in body,
   "slack: a customer's <!channel>, link and placeholders arrive escaped, as text", body)

# --- Teams
rc, out, err, _ = notify(["--sla", "at_risk", "--mark", "--now", "2024-05-01T10:30:00Z"],
                         [rec("t1", sla={"status": "at_risk", "due_at": "2024-05-01T11:00:00Z", "policy": "x"})],
                         "teams.journal", "teams")
got = posts("/hook/teams/")
card = json.loads(got[0]["body"]) if got else {}
att = (card.get("attachments") or [{}])[0]
ok(rc == 0 and len(got) == 1 and card.get("type") == "message" and
   att.get("contentType") == "application/vnd.microsoft.card.adaptive" and
   att["content"]["type"] == "AdaptiveCard", "teams: one message with an Adaptive Card (Workflows webhooks)", got)
run = att.get("content", {}).get("body", [{}])[0].get("inlines", [{}])[0] if att else {}
ok(run.get("type") == "TextRun" and run.get("text", "").startswith(
    "SLA at_risk on twitter for AcmeCare: first response due 2024-05-01T11:00:00Z (30m left), policy x\n"
    "From User t1 (@usert1) at 2024-05-01T10:00:00Z:\nmy number is 555 t1"),
   "teams: the SLA risk, with the time left, as a TextRun (no markdown, no HTML)", run)

# --- generic webhook: kind, channel, id, text, the record, Idempotency-Key, bearer
records = [esc("w1"), esc("w2")]
rc, out, err, text = notify(["--mark"], records, "hook.journal", "hook")
got = posts("/hook/generic")
bodies = [json.loads(p["body"]) for p in got]
ok(rc == 0 and len(got) == 2, "webhook: 2 POSTs", err)
ok(bodies and bodies[0]["kind"] == "escalation" and bodies[0]["channel"] == "hook" and
   bodies[0]["id"] == "twitter:w1" and bodies[0]["record"] == records[0] and
   bodies[0]["text"].startswith("Escalation (urgent)"), "webhook: kind, channel, id, text and the whole record",
   bodies[:1])
keys = [p["headers"].get("idempotency-key") for p in got]
ok(all(k and k.startswith("cp-") for k in keys) and len(set(keys)) == 2,
   "webhook: each message has its own Idempotency-Key", keys)
ok(all(p["headers"].get("authorization") == "Bearer " + HOOK_TOKEN for p in got),
   "webhook: the token from token_env as a bearer token")

# --- 429 with Retry-After, and 500: retried, sent once
get("/_config?fail=2&status=429&retry_after=1")
rc, out, err, _ = notify(["--mark"], [esc("r1")], "hook.journal", "hook")
ok(rc == 0 and statuses(out) == ["sent"] and len([b for b in posts("/hook/generic")
                                                 if json.loads(b["body"])["id"] == "twitter:r1"]) == 1
   and err.count("HTTP 429, rate limited; retrying in 1.0s") == 2,
   "429 with Retry-After: 1 is retried after 1 s, twice, then sent once", err)
get("/_config?fail=2&status=500&retry_after=")
rc, out, err, _ = notify(["--mark"], [esc("r2")], "hook.journal", "hook")
ok(rc == 0 and statuses(out) == ["sent"] and len([b for b in posts("/hook/generic")
                                                 if json.loads(b["body"])["id"] == "twitter:r2"]) == 1
   and err.count("HTTP 500; retrying") == 2, "500 is retried with backoff, then sent once", err)

# --- a channel that keeps failing: 69, nothing lost, the next run sends it all once
get("/_config?fail=100&status=503")
records = [esc("f1"), rec("f2"), esc("f3"), esc("f4")]
rc, out, err, text = notify(["--mark"], records, "hook.journal", "hook")
ok(rc == 69 and len(out) == 4 and statuses(out) == ["failed", None, "pending", "pending"],
   "a failing channel: exit 69, every record written, the sends failed or pending", "%d %s %s" % (rc, statuses(out), err))
ok("gave up after 3 attempts; 3 sends left for the next run" in err, "a failing channel: says what is left", err)
get("/_config?fail=0")
rc, out, err, _ = notify(["--mark"], [], "hook.journal", "hook")
ids = [json.loads(p["body"])["id"] for p in posts("/hook/generic")]
ok(rc == 0 and out == [] and [ids.count("twitter:f%d" % i) for i in (1, 3, 4)] == [1, 1, 1],
   "the next run sends each of them once from the journal, though its input has none of them",
   "%d %s %s" % (rc, ids, err))
rc, out, err, _ = notify(["--mark"], records, "hook.journal", "hook")
ids = [json.loads(p["body"])["id"] for p in posts("/hook/generic")]
ok(rc == 0 and statuses(out) == ["skipped", None, "skipped", "skipped"] and
   [ids.count("twitter:f%d" % i) for i in (1, 3, 4)] == [1, 1, 1],
   "and when the records come again, nothing more", "%d %s %s" % (rc, statuses(out), ids))

# --- --max
records = [esc("m%d" % i) for i in range(3)]
rc, out, err, _ = notify(["--mark", "--max", "2"], records, "hook.journal", "hook")
ok(rc == 0 and statuses(out) == ["sent", "sent", "pending"] and
   out[2]["notify"]["reason"] == "--max 2 reached: the next run sends it", "--max 2: two sent, one pending", statuses(out))
rc, out, err, _ = notify(["--mark", "--max", "2"], records + [esc("m3"), esc("m4")], "hook.journal", "hook")
ids = [json.loads(p["body"])["id"] for p in posts("/hook/generic")]
ok(statuses(out) == ["skipped", "skipped", "skipped", "sent", "pending"] and
   [ids.count("twitter:m%d" % i) for i in range(5)] == [1, 1, 1, 1, 0],
   "--max: the next run sends the held one first, then one new", "%s %s" % (statuses(out), ids))

# --- records without an id cannot be sent exactly once
before = len(posts("/hook/generic"))
rc, out, err, _ = notify(["--mark"], [{"escalate": True, "text": "no id"}], "noid.journal", "hook")
ok(rc == 0 and statuses(out) == ["skipped"] and len(posts("/hook/generic")) == before,
   "a record without an id is skipped, not sent", statuses(out))

# --- an intent left open by a crash is sent again, same key, before anything new
jpath = os.path.join(TMP, "open.journal")
open_body = json.dumps({"kind": "escalation", "channel": "hook", "id": "twitter:o1", "text": "left open"})
with open(jpath, "w") as f:
    f.write(json.dumps({"event": "intent", "channel": "hook", "id": "twitter:o1", "key": "cp-open-key",
                        "body": open_body, "at": "2024-05-01T10:00:00Z"}) + "\n")
    f.write('{"event":"done","channel":"hook","id":"tw')   # a torn last line
os.chmod(jpath, 0o600)
rc, out, err, _ = notify(["--mark"], [esc("o1"), esc("o2")], "open.journal", "hook")
tail = posts("/hook/generic")[-2:]
ok(rc == 0 and [json.loads(p["body"])["id"] for p in tail] == ["twitter:o1", "twitter:o2"] and
   tail[0]["headers"].get("idempotency-key") == "cp-open-key" and json.loads(tail[0]["body"])["text"] == "left open",
   "an open intent is sent again first, with its own body and key", [(p["body"][:60], p["headers"].get("idempotency-key")) for p in tail])
ok(statuses(out) == ["skipped", "sent"] and "sending it again with the same key" in err,
   "the record whose intent was settled is not sent a third time", "%s %s" % (statuses(out), err))

# --- email: both recipients, the headers, the body; header injection stays in the subject
records = [esc("e1", text="refund now\r\nBcc: everyone@example.com\n{{agent}} caf\u00e9")]
rc, out, err, _ = notify(["--mark"], records, "mail.journal", "mail")
got = mails()
msg = email.message_from_string(got[0]["data"], policy=email.policy.default) if got else None
ok(rc == 0 and len(got) == 1 and sorted(got[0]["to"]) == ["lead@example.com", "oncall@example.com"] and
   got[0]["from"] == "carepipe@example.com", "email: one message, to both recipients, from the sender", "%d %s %s" % (rc, got, err))
ok(msg is not None and msg["Bcc"] is None and
   str(msg["Subject"]) == "[care] phone posted: refund now  Bcc: everyone@example.com {{agent}} caf\u00e9",
   "email: a customer's CR LF cannot add a header; the subject is RFC 2047 text", msg and str(msg["Subject"]))
body = msg.get_content().replace("\r\n", "\n") if msg else ""
ok("refund now \nBcc: everyone@example.com\n{{agent}} caf\u00e9" in body and
   msg["Message-ID"].startswith("<cp-") and msg["Auto-Submitted"] == "auto-generated",
   "email: the body holds the text, a Message-ID from the key, Auto-Submitted", body)
rc, out, err, _ = notify(["--mark"], records, "mail.journal", "mail")
ok(rc == 0 and len(mails()) == 1 and statuses(out) == ["skipped"], "email: a rerun sends nothing", err)

# --- SMTP 451 retried; 451 for good is 75, with nothing lost
get("/_config?smtp_fail=1&smtp_code=451")
rc, out, err, _ = notify(["--mark"], [esc("e2")], "mail.journal", "mail")
ok(rc == 0 and len(mails()) == 2 and "retrying" in err, "email: a 451 is retried, then sent once", err)
get("/_config?smtp_fail=10&smtp_code=451")
rc, out, err, _ = notify(["--mark"], [esc("e3"), esc("e4")], "mail.journal", "mail")
ok(rc == 75 and statuses(out) == ["failed", "pending"] and len(mails()) == 2,
   "email: still 451 after the retries: exit 75, both left for later", "%d %s %s" % (rc, statuses(out), err))
get("/_config?smtp_fail=0")
rc, out, err, _ = notify(["--mark"], [esc("e3"), esc("e4")], "mail.journal", "mail")
ok(rc == 0 and len(mails()) == 4, "email: the next run sends both", err)

# --- SMTP AUTH, and a wrong password
get("/_config?smtp_user=care&smtp_password=" + SMTP_PW)
rc, out, err, _ = notify(["--mark", "-v"], [esc("a1")], "auth.journal", "mail-auth")
ok(rc == 0 and len(mails()) == 5 and SMTP_PW not in err, "email: AUTH with the password from token_env", err)
rc, out, err, _ = notify(["--mark"], [esc("a2")], "wrong.journal", "mail-wrong")
ok(rc == 77 and "authentication refused" in err and "not-the-password" not in err and len(mails()) == 5,
   "email: a wrong password is 77, and never shown", "%d %s" % (rc, err))
get("/_config?smtp_user=&smtp_password=")
get("/_reset")

# --- digest: queued within the window, then one message for them all
records = [esc("d1"), esc("d2", escalate_reason="legal threat"), rec("d3")]
rc, out, err, _ = notify(["--mark", "--digest", "1h"], records, "digest.journal", "mail")
ok(rc == 0 and statuses(out) == ["queued", "queued", None] and mails() == [],
   "digest: within the window, queued and nothing sent", "%d %s %s" % (rc, statuses(out), err))
rc, out, err, _ = notify(["--mark", "--digest", "0s"], records + [esc("d4")], "digest.journal", "mail")
got = mails()
msg = email.message_from_string(got[0]["data"], policy=email.policy.default) if got else None
body = msg.get_content().replace("\r\n", "\n") if msg else ""
ok(rc == 0 and len(got) == 1 and statuses(out) == ["queued", "queued", None, "queued"],
   "digest: the window over, one message", "%d %s %s" % (rc, statuses(out), err))
ok(body.startswith("carepipe: 3 notifications since ") and body.count("\n- [escalation] AcmeCare") == 3 and
   "legal threat" in body and str(msg["Subject"]).startswith("[carepipe] Digest: 3 notifications"),
   "digest: the message has one line per record", body)
rc, out, err, _ = notify(["--mark", "--digest", "0s"], records + [esc("d4")], "digest.journal", "mail")
ok(rc == 0 and len(mails()) == 1 and statuses(out) == ["skipped", "skipped", None, "skipped"],
   "digest: a rerun sends nothing", statuses(out))
rc, out, err, _ = notify(["--mark", "--digest", "0s"], [esc("d%d" % i) for i in range(5, 9)], "digest.journal", "mail")
got = mails()
body = email.message_from_string(got[-1]["data"], policy=email.policy.default).get_content() if got else ""
ok(rc == 0 and len(got) == 2 and body.count("\n- [escalation]") == 4,
   "digest 0s: all that a run selects goes in one message at the end", "%d %s" % (len(got), body))
get("/_reset")
rc, out, err, _ = notify(["--mark", "--digest", "1h"], [esc("w%d" % i) for i in range(3)], "window.journal", "hook")
ok(rc == 0 and posts("/hook/") == [] and statuses(out) == ["queued"] * 3, "digest 1h: queued, nothing sent yet",
   statuses(out))

# --- -v: no URL path, token or password in any trace
rc, out, err, _ = notify(["-v"], [esc("v1")], "slack.journal", "slack")
rc2, out2, err2, _ = notify(["-v"], [esc("v1")], "hook-v.journal", "hook")
leaks = [s for s in ("s3cretSlackPath", "T0001", HOOK_TOKEN) if s in err + err2]
ok(rc == 0 and rc2 == 0 and "POST [redacted]" in err and "Authorization: [redacted]" in err2 and not leaks,
   "-v traces every request without the webhook URL or the token", leaks or err + err2)

# --- TLS is always verified: a self-signed server is refused, trusted with cacert
if shutil.which("openssl"):
    cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   capture_output=True, check=True)
    tls, THP, TSP = notify_server.launch(TMP, "notify-send-tls-mock", 300, (cert, key))
    tconf = os.path.join(TMP, "tls.conf")
    for trusted in (False, True):
        with open(tconf, "w") as f:
            # The mock's TLS handshakes are slow on a loaded machine (under
            # ASan too): a timeout could fail first and hide the certificate
            # error (45 failed once so in a loaded sanitizer run).
            f.write("[channel hook]\ntype = webhook\nurl = https://127.0.0.1:%d/hook/tls\nretries = 0\n"
                    "connect_timeout = 30\ntimeout = 40\n%s\n"
                    "[channel mail]\ntype = email\nserver = smtps://127.0.0.1:%d\nfrom = a@example.com\n"
                    "to = b@example.com\nretries = 0\nconnect_timeout = 30\ntimeout = 40\n%s"
                    % (THP, "cacert = " + cert if trusted else "",
                                                            TSP, "cacert = " + cert if trusted else ""))
        for ch in ("hook", "mail"):
            p = subprocess.run(WRAP + [NOTIFY, "--config", tconf, "--channel", ch, "--send", "--mark",
                                       "--journal", os.path.join(TMP, "tls-%s-%s.journal" % (ch, trusted))],
                               input=(json.dumps(esc("tls-" + ch)) + "\n").encode(), capture_output=True,
                               env=ENV, timeout=60)
            st = [json.loads(l)["notify"]["status"] for l in p.stdout.decode().splitlines()]
            if trusted:
                ok(p.returncode == 0 and st == ["sent"], "TLS (%s): sent once cacert names the certificate" % ch,
                   p.stderr.decode())
            else:
                ok(p.returncode == 69 and st == ["failed"], "TLS (%s): a self-signed server is refused" % ch,
                   "%d %s %s" % (p.returncode, st, p.stderr.decode()))
    with urllib.request.urlopen("https://127.0.0.1:%d/_posts" % THP, timeout=10,
                                context=__import__("ssl").create_default_context(cafile=cert)) as r:
        tposts = json.load(r)
    with urllib.request.urlopen("https://127.0.0.1:%d/_mails" % THP, timeout=10,
                                context=__import__("ssl").create_default_context(cafile=cert)) as r:
        tmails = json.load(r)
    ok(len(tposts) == 1 and len(tmails) == 1, "TLS: only the trusted runs delivered", (tposts, tmails))
    tls.terminate()
    tls.wait()
    # STARTTLS on smtp://: required by default, and verified like the rest.
    stls, SHP, SSP = notify_server.launch(TMP, "notify-send-starttls-mock", 300, starttls=(cert, key))
    for case, extra, want_rc in (("refused without cacert", "", 69), ("sent with cacert", "cacert = " + cert, 0)):
        with open(tconf, "w") as f:
            f.write("[channel mail]\ntype = email\nserver = smtp://127.0.0.1:%d\nfrom = a@example.com\n"
                    "to = b@example.com\nretries = 0\n%s\n" % (SSP, extra))
        p = subprocess.run(WRAP + [NOTIFY, "--config", tconf, "--channel", "mail", "--send", "--mark",
                                   "--journal", os.path.join(TMP, "starttls-%d.journal" % want_rc)],
                           input=(json.dumps(esc("stls")) + "\n").encode(), capture_output=True, env=ENV,
                           timeout=60)
        ok(p.returncode == want_rc, "STARTTLS: a self-signed server is %s" % case, p.stderr.decode())
    with urllib.request.urlopen("http://127.0.0.1:%d/_mails" % SHP, timeout=10) as r:
        ok(len(json.load(r)) == 1, "STARTTLS: one message, over TLS")
    stls.terminate()
    stls.wait()
    # A server without STARTTLS: refused unless starttls = no says so.
    with open(tconf, "w") as f:
        f.write("[channel mail]\ntype = email\nserver = smtp://127.0.0.1:%d\nfrom = a@example.com\n"
                "to = b@example.com\nretries = 0\n" % SP)
    before = len(mails())
    p = subprocess.run(WRAP + [NOTIFY, "--config", tconf, "--channel", "mail", "--send", "--mark",
                               "--journal", os.path.join(TMP, "nostarttls.journal")],
                       input=(json.dumps(esc("nostls")) + "\n").encode(), capture_output=True, env=ENV, timeout=60)
    ok(p.returncode == 69 and "the server offers no STARTTLS" in p.stderr.decode() and len(mails()) == before,
       "smtp:// to a server without STARTTLS is refused (starttls = yes by default)", p.stderr.decode())
else:
    ok(True, "TLS # SKIP openssl is absent")

# --- the man page's send example runs as written (with the test's config)
rc, out, err, _ = notify(["--escalated", "-q"], [esc("x1")], "man.journal", "slack")
ok(rc == 0 and len(out) == 1, "notify --config care.conf --channel slack --escalated --send --journal FILE", err)

server.terminate()
server.wait()
shutil.rmtree(TMP, ignore_errors=True)
done()
