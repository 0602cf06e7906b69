#!/bin/sh
""":"
exec python3 "$0" "$@"
"""

__doc__ = """carepipe check and fetch-mentions --check: one cheap authenticated
call per configured source, against servers this test starts on 127.0.0.1:

  - tests/mock/server.py: X /2/users/me, Mastodon verify_credentials,
    Bluesky createSession + getSession, Reddit /api/v1/me, Graph /me, and
    faults on demand (401, down);
  - Prism on the official X API v2 description (its example for users/me)
    and on the official Mastodon description, dynamic (the description's
    own example for verify_credentials is not a CredentialAccount, so
    Prism makes one from the schema): every request must pass Prism's
    validation.

TAP on stdout.  Needs ../shared (the mock reads it, Prism mocks its
specs); the Prism part needs .deps/prism (scripts/install-deps).
"""
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import ok, is_eq, skip, skip_all, done, free_port, wait_port

from taplib import TOP, SHARED, WRAP, SLOW, PRISM
TOKEN = "tok-check-abcdef-0123456789"
BSKY_PW = "app-password-secret"

TMP, procs = taplib.scratch("cp-check-")

if not os.path.isdir(os.path.join(SHARED, "specs")):
    skip_all("../shared is not there (the mock server and Prism read its specs)")


def start_mock():
    p, port = taplib.start_mock(os.path.join(TMP, "port"), "--shared", SHARED)
    procs.append(p)
    return port


def start_prism(spec, log, *flags):
    port = free_port()
    # timeout(1): a test killed before its clean-up leaves no Prism for long.
    p = subprocess.Popen(["timeout", str(300 * SLOW), PRISM, "mock"] + list(flags) + ["-h", "127.0.0.1", "-p", str(port), spec],
                         stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=TOP)
    procs.append(p)
    return port


def run(prog, args, env=None):
    e = dict(os.environ)
    e.update({"TOK": TOKEN, "BPW": BSKY_PW})
    e.update(env or {})
    p = subprocess.run(WRAP + [os.path.join(TOP, "bin", prog)] + args, capture_output=True, env=e,
                       timeout=120 * SLOW, cwd=TMP)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def control(port, path):
    urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=10).read()


have_prism = os.access(PRISM, os.X_OK)
if have_prism:
    xlog, mlog = os.path.join(TMP, "prism-x.log"), os.path.join(TMP, "prism-m.log")
    xport = start_prism(os.path.join(SHARED, "specs", "x", "x-api-v2-openapi-2.159.json"), xlog)
    mport = start_prism(os.path.join(SHARED, "specs", "mastodon", "mastodon-openapi-schema.json"), mlog, "-d")
port = start_mock()
base = "http://127.0.0.1:%d" % port

cfg = os.path.join(TMP, "carepipe.conf")
open(cfg, "w").write("""# every platform, against the mock
[x]
platform = x
base_url = {b}
account = AcmeSupport
account_id = 2244994945
token_env = TOK
retries = 0

[masto]
platform = mastodon
base_url = {b}
account = @acme
token_env = TOK

[bsky]
platform = bluesky
base_url = {b}
account = brand.example
account_id = did:plc:brandbrandbrand
identifier = brand.example
password_env = BPW

[reddit]
platform = reddit
base_url = {b}
account = AcmeHelp
token_env = TOK

[fb]
platform = facebook
base_url = {b}
account = fbdev
account_id = 19292868552
token_env = TOK
""".format(b=base))

# ------------------------------------------------------------------ all good
rc, out, err = run("carepipe", ["check"], {"CAREPIPE_CONFIG": cfg})
is_eq((rc, out.splitlines(), err), (0, [
    "x: ok: x account AcmeSupport (id 2244994945)",
    "masto: ok: mastodon account acme (id 1)",
    "bsky: ok: bluesky account brand.example (id did:plc:brandbrandbrand)",
    "reddit: ok: reddit account acmehelp (id 1abcde)",
    "fb: ok: facebook account fbdev (id 19292868552)",
], ""), "carepipe check: one line per source, whose credentials they are (CAREPIPE_CONFIG)")
counts = json.loads(urllib.request.urlopen(base + "/_counts", timeout=10).read())["requests"]
is_eq(counts, {"/2/users/me": 1, "/api/v1/accounts/verify_credentials": 1,
               "/xrpc/com.atproto.server.createSession": 1, "/xrpc/com.atproto.server.getSession": 1,
               "/api/v1/me": 1, "/me": 1},
      "one call per platform (and Bluesky's login), nothing fetched")
rc2, out2, err2 = run("fetch-mentions", ["--check", "--config", cfg])
is_eq((rc2, out2, err2), (rc, out, err), "fetch-mentions --check says the same")

# ------------------------------------------------------------------ what is wrong
control(port, "/_fault?path=/2/users/me&kind=401&times=-1")
rc, out, err = run("carepipe", ["check", "--config", cfg, "--source", "x"])
is_eq((rc, out, err), (77, "", "fetch-mentions: source x: 127.0.0.1:%d/2/users/me: HTTP 401, authorization "
                        "refused: check the token in $TOK (valid, not expired, with read access for this "
                        "account): {\"error\":\"fault 401\"}\n" % port),
      "refused credentials: 77, naming the variable to check (never its value)")
control(port, "/_clear")

rc, out, err = run("carepipe", ["check", "--config", cfg, "--source", "bsky"], {"BPW": "wrong-password"})
ok(rc == 77 and err.startswith("fetch-mentions: source bsky: bluesky createSession: HTTP 401") and
   "identifier brand.example and the app password in $BPW" in err and "wrong-password" not in err,
   "Bluesky: a wrong app password is 77, and the password is never shown", err)

rc, out, err = run("carepipe", ["check", "--config", cfg, "--source", "fb"], {"TOK": ""})
is_eq((rc, err), (78, "fetch-mentions: source fb: the token variable TOK is not set\n"),
      "a credential variable not set: 78, naming it")

other = os.path.join(TMP, "other.conf")
open(other, "w").write(open(cfg).read().replace("account = AcmeSupport", "account = AcmeSales")
                       .replace("account_id = 19292868552", "account_id = 42"))
rc, out, err = run("fetch-mentions", ["--check", "--config", other])
is_eq((rc, out.splitlines()[0:1], err.splitlines()), (78, ["masto: ok: mastodon account acme (id 1)"], [
    "fetch-mentions: source x: the credentials are those of AcmeSupport, not of account AcmeSales: "
    "check the token in $TOK (valid, not expired, with read access for this account)",
    "fetch-mentions: source fb: the credentials are those of id 19292868552, not of account_id 42: "
    "check the token in $TOK (valid, not expired, with read access for this account)"]),
    "another account's credentials: 78, each source checked whatever the others say")

down = os.path.join(TMP, "down.conf")
open(down, "w").write("[m]\nplatform = mastodon\nbase_url = http://127.0.0.1:%d\naccount = acme\n"
                      "token_env = TOK\nretries = 0\nconnect_timeout = 2\n" % free_port())
rc, out, err = run("carepipe", ["check", "--config", down])
ok(rc == 69 and re.match(r"fetch-mentions: source m: 127\.0\.0\.1:\d+/api/v1/accounts/verify_credentials: .*"
                         r"Couldn't connect to server", err), "a server that cannot be reached: 69", err)

rc, out, err = run("fetch-mentions", ["--check", "--state", TMP, "--config", cfg])
# The usage line that follows every usage error, as an unknown option prints it.
usage = run("fetch-mentions", ["--no-such-option"])[2].split("\n", 1)[1]
is_eq((rc, err, usage[:22]),
      (64, "fetch-mentions: --check fetches nothing: no --state, --wait, --raw, --since, --until or --limit\n" + usage,
       "usage: fetch-mentions "),
      "--check with --state is a usage error: the message, then the usage line")

# ------------------------------------------------------------------ Prism: X and Mastodon
if have_prism:
    up = wait_port(xport, 90) and wait_port(mport, 90)
    ok(up, "Prism serves the X and Mastodon descriptions")
    pcfg = os.path.join(TMP, "prism.conf")
    open(pcfg, "w").write("""[x]
platform = x
base_url = http://127.0.0.1:{x}
account = TwitterDev
account_id = 2244994945
token_env = TOK

[m]
platform = mastodon
base_url = http://127.0.0.1:{m}
account = trwnh
token_env = TOK
""".format(x=xport, m=mport))
    rc, out, err = run("carepipe", ["check", "--config", pcfg, "--source", "x"])
    is_eq((rc, out, err), (0, "x: ok: x account TwitterDev (id 2244994945)\n", ""),
          "X: users/me as the official description's example answers it")
    rc, out, err = run("carepipe", ["check", "--config", pcfg, "--source", "m"])
    ok(rc == 78 and re.fullmatch(r"fetch-mentions: source m: the credentials are those of .+, not of account "
                                 r"trwnh: check the token in \$TOK .*\n", err),
       "Mastodon: verify_credentials, a CredentialAccount made from the schema, read (its acct is not ours)", err)
    log = open(xlog).read() + open(mlog).read()
    # Prism also checks its own answers against the descriptions, which the
    # Mastodon one's generated accounts fail ("Violation: response"): only
    # the requests are carepipe's.
    ok("Violation: request" not in log and "users/me" in log and "verify_credentials" in log,
       "Prism found no violation in the requests", log[-2000:])
else:
    skip("Prism found no violation in the requests", "Prism is not installed (scripts/install-deps)")

done()
