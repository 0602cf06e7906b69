#!/usr/bin/env python3
"""Security checks across the programs (issue 8), beyond what
fetch-mentions-live.t already proves for fetch-mentions:

  - reply --send over TLS: a self-signed server is refused, and trusted
    only when --cacert names its certificate;
  - secrets (the token, a token file's contents) never appear in reply's
    output, -v trace, errors or journal, on success and on 401/500;
  - files carepipe creates for state are mode 0600 even under umask 000:
    fetch-mentions' state, reply's journal, assign's state, and the locks.

Prints TAP.  Needs ../shared (the mock serves its recorded exchanges).
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import ok, done, TOP, SHARED, WRAP

BIN = os.path.join(TOP, "bin")
TOKEN = "tok-SECRET-hardening-4242-abcdef"
FILE_TOKEN = "filetok-SECRET-7777-zyxwv"

# The mock serves ../shared's recorded exchanges, or without it (or with
# CAREPIPE_FIXTURES=own) the project's own fixtures (tests/mock/fixtures).
FIXTURES = ("own" if os.environ.get("CAREPIPE_FIXTURES") == "own"
            or not os.path.isdir(os.path.join(SHARED, "specs")) else "recorded")

TMP = tempfile.mkdtemp(prefix="carepipe-security-")
procs = []


def start_mock(*extra):
    p, port = taplib.start_mock(os.path.join(TMP, "port-%d" % len(procs)), "--shared", SHARED,
                                "--fixtures", FIXTURES, *extra)
    procs.append(p)
    return port


def get(port, path):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10) as r:
        return r.read()


def run(prog, args, env=None, umask=None, stdin=None):
    e = dict(os.environ, R_TOKEN=TOKEN)
    e.update(env or {})
    pre = (lambda: os.umask(umask)) if umask is not None else None
    p = subprocess.run(WRAP + [os.path.join(BIN, prog)] + args, capture_output=True, env=e, cwd=TMP,
                       input=stdin.encode() if stdin else None, preexec_fn=pre, timeout=300)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def conf(path, port, scheme="http", token="token_env = R_TOKEN"):
    with open(path, "w") as f:
        f.write("[acme-reddit]\nplatform = reddit\nbase_url = %s://127.0.0.1:%d\naccount = acmehelp\n"
                "%s\nlimit = 5\ntimeout = 5\nretries = 0\n" % (scheme, port, token))
    return path


def mentions(path, prefix, k=2):
    with open(path, "w") as f:
        for i in range(k):
            f.write(json.dumps({"id": "reddit:t1_%s%d" % (prefix, i), "platform": "reddit",
                                "account": "acmehelp", "direction": "in", "kind": "comment",
                                "author": {"id": "u%d" % i, "handle": "user%d" % i, "name": "User %d" % i},
                                "text": "help", "created_at": "2024-05-01T10:00:00Z",
                                "thread": "reddit:t3_%s" % prefix}) + "\n")
    return path


def mode(path):
    return oct(stat.S_IMODE(os.stat(path).st_mode))


try:
    port = start_mock()
    cfg = conf(os.path.join(TMP, "care.conf"), port)

    # ---------------------------------------------------------- TLS, reply
    if shutil.which("openssl"):
        cert, key = os.path.join(TMP, "cert.pem"), os.path.join(TMP, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1"], capture_output=True, check=True)
        tport = start_mock("--tls", cert, key)
        tcfg = conf(os.path.join(TMP, "tls.conf"), tport, scheme="https")
        # The mock's TLS handshakes are slow on a loaded machine (under ASan
        # too): a short timeout could fail first and hide the certificate error.
        with open(tcfg) as f:
            text = f.read().replace("timeout = 5", "timeout = 30")
        with open(tcfg, "w") as f:
            f.write(text)
        m = mentions(os.path.join(TMP, "tls.ndjson"), "tls", 1)
        j = os.path.join(TMP, "tls.journal")
        rc, out, err = run("reply", ["--text", "Hi", "--agent", "QA", "--send", "--config", tcfg,
                                     "--journal", j, m])
        rec = json.loads(out.splitlines()[0]) if out.strip() else {}
        ok(rc != 0 and rec.get("reply", {}).get("status") == "failed"
           and "certificate" in json.dumps(rec) + err,
           "reply --send: a self-signed server is refused (status %d), the mention not sent" % rc, out + err)
        # A fresh journal: reply counts the refused attempt's outcome as
        # unknown and would first wait to look it up.
        rc, out, err = run("reply", ["--text", "Hi", "--agent", "QA", "--send", "--config", tcfg,
                                     "--journal", j + "2", "--cacert", cert, m])
        rec = json.loads(out.splitlines()[0]) if out.strip() else {}
        ok(rc == 0 and rec.get("reply", {}).get("status") == "sent",
           "reply --send: trusted with --cacert naming its certificate", out + err)
        rc, out, err = run("fetch-mentions", ["--config", tcfg, "--cacert", os.path.join(TMP, "key.pem")])
        ok(rc != 0 and out == "", "fetch-mentions: --cacert naming something else still refuses (%d)" % rc, err)
    else:
        for _ in range(3):
            ok(True, "# SKIP openssl is not installed")

    # ---------------------------------------------------------- secrets
    texts = []
    tokfile = os.path.join(TMP, "reddit.token")
    with open(tokfile, "w") as f:
        f.write(FILE_TOKEN + "\n")
    os.chmod(tokfile, 0o600)
    fcfg = conf(os.path.join(TMP, "file.conf"), port, token="token_file = %s" % tokfile)
    j = os.path.join(TMP, "sec.journal")
    m = mentions(os.path.join(TMP, "sec.ndjson"), "sec")
    for c in (cfg, fcfg):
        rc, out, err = run("reply", ["-v", "--text", "Hi {{author.name}}", "--agent", "QA", "--send",
                                     "--config", c, "--journal", j, m])
        texts += [out, err]
        ok(rc == 0, "reply -v --send succeeds (%s)" % os.path.basename(c),
           err[-800:])
    get(port, "/_fault?path=/&kind=401&times=1")
    rc, out, err = run("reply", ["-v", "--text", "Hi", "--agent", "QA", "--send", "--config", cfg,
                                 "--journal", j, mentions(os.path.join(TMP, "s401.ndjson"), "s401", 1)])
    texts += [out, err]
    ok(rc == 77, "reply: a 401 exits 77", out + err)
    get(port, "/_fault?path=/&kind=500&times=-1")
    rc, out, err = run("reply", ["-v", "--text", "Hi", "--agent", "QA", "--send", "--config", cfg,
                                 "--journal", j, mentions(os.path.join(TMP, "s500.ndjson"), "s500", 1)])
    texts += [out, err]
    get(port, "/_clear")
    rc, out, err = run("fetch-mentions", ["-v", "--config", fcfg, "--state", os.path.join(TMP, "fst")])
    texts += [out, err]
    for root, _, files in os.walk(TMP):
        for f in files:
            p = os.path.join(root, f)
            if f.endswith((".journal", ".state")):
                texts.append(open(p, errors="replace").read())
    joined = "\n".join(texts)
    ok("[redacted]" in joined, "the -v traces show the Authorization header redacted")
    for secret in (TOKEN, FILE_TOKEN):
        ok(secret not in joined and secret[8:20] not in joined,
           "the secret %s... is in no output, -v trace, error, state or journal" % secret[:8])

    # ---------------------------------------------------------- modes 0600
    st = os.path.join(TMP, "fm-state")
    rc, out, err = run("fetch-mentions", ["--config", cfg, "--state", st], umask=0)
    files = sorted(os.listdir(st)) if os.path.isdir(st) else []
    ok(rc == 0 and files and all(mode(os.path.join(st, f)) == "0o600" for f in files),
       "fetch-mentions under umask 000: state and lock files are 0600",
       "%d %s %s" % (rc, [(f, mode(os.path.join(st, f))) for f in files], err))
    j0 = os.path.join(TMP, "umask.journal")
    rc, out, err = run("reply", ["--text", "Hi", "--agent", "QA", "--send", "--config", cfg, "--journal", j0,
                                 mentions(os.path.join(TMP, "um.ndjson"), "um", 1)], umask=0)
    made = [p for p in os.listdir(TMP) if p.startswith("umask.journal")]
    ok(rc == 0 and made and all(mode(os.path.join(TMP, p)) == "0o600" for p in made),
       "reply under umask 000: the journal (and its lock) are 0600",
       "%d %s %s" % (rc, [(p, mode(os.path.join(TMP, p))) for p in made], err))
    ast = os.path.join(TMP, "as-state")
    roster = os.path.join(TOP, "examples", "assign", "team.roster")
    rec = '{"id":"x:1","direction":"in","thread":"t1","account":"Acme","created_at":"2026-01-05T10:00:00Z"}\n'
    rc, out, err = run("assign", ["-R", roster, "--state", ast], umask=0, stdin=rec)
    made = []
    for root, dirs, files in os.walk(ast):
        made += [os.path.join(root, f) for f in files]
    ok(rc == 0 and made and all(mode(p) == "0o600" for p in made),
       "assign under umask 000: state and lock files are 0600",
       "%d %s %s" % (rc, [(os.path.relpath(p, ast), mode(p)) for p in made], err))
finally:
    for p in procs:
        p.terminate()
        p.wait()
    if not taplib.failed:
        shutil.rmtree(TMP, ignore_errors=True)
done()
