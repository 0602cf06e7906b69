#!/usr/bin/python3
"""The receiving ends of notify(1), for its tests: a webhook server (Slack,
Teams and generic JSON webhooks all POST to it) and an SMTP server, both on
127.0.0.1, both recording everything they get.

Run with Debian's /usr/bin/python3: the SMTP side is aiosmtpd (Debian's
python3-aiosmtpd, which scripts/install-deps installs).

    notify_server.py --port-file FILE [--lifetime SECONDS] [--tls CERT KEY]

or, from a test (any python3), launch() below.
writes "HTTP_PORT SMTP_PORT" to FILE once both listen.  With --tls both
speak TLS from the first byte (HTTPS, and SMTPS) with that certificate;
with --starttls the SMTP side offers STARTTLS and requires it.  The HTTP side:

    POST /hook/ANY          a webhook: recorded, answered 200 "ok" (or as
                            /_config says)
    GET  /_posts            every POST so far: [{path, headers, body}]
    GET  /_mails            every message so far: [{from, to, data}]
    GET  /_config?...       behaviour of what comes next:
         fail=N&status=S[&retry_after=SECS]
                            the next N webhook POSTs get status S (not
                            recorded: the receiver refused them)
         smtp_fail=N&smtp_code=C
                            the next N messages get SMTP reply C at DATA
         delay_after=SECS   answer each accepted POST this late (recorded
                            first), so a kill lands after it took effect
         smtp_user=U&smtp_password=P
                            require AUTH PLAIN/LOGIN with these
    GET  /_reset            forget posts, mails and configuration
"""
import argparse
import asyncio
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SYSPY = "/usr/bin/python3"


def launch(work, name, lifetime=600, tls=None, starttls=None):
    """Start this server from a test: a copy under work/NAME.py (whatever
    stops other tests' servers by name leaves it alone), run by Debian's
    python3.  Returns (process, http_port, smtp_port), or a reason to skip
    as a string."""
    if subprocess.call([SYSPY, "-c", "import aiosmtpd"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL) != 0:
        return "Debian's python3-aiosmtpd is not installed (scripts/install-deps installs it)"
    script = os.path.join(work, name + ".py")
    shutil.copy(os.path.abspath(__file__), script)
    port_file = os.path.join(work, name + ".ports")
    p = subprocess.Popen([SYSPY, script, "--port-file", port_file, "--lifetime", str(lifetime)] +
                         (["--tls"] + list(tls) if tls else []) +
                         (["--starttls"] + list(starttls) if starttls else []),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 15
    while not os.path.exists(port_file):
        if time.time() > deadline or p.poll() is not None:
            p.kill()
            return "the notify mock server did not start"
        time.sleep(0.05)
    hp, sp = map(int, open(port_file).read().split())
    return p, hp, sp


LOCK = threading.Lock()
DEFAULTS = {"posts": [], "mails": [], "fail": 0, "status": 500, "retry_after": None,
            "smtp_fail": 0, "smtp_code": 451, "delay_after": 0.0,
            "smtp_user": None, "smtp_password": None}
STATE = {k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()}


class Hook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle and
        # the client's delayed ACK add 40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *a):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        u = urllib.parse.urlparse(self.path)
        q = dict(urllib.parse.parse_qsl(u.query, keep_blank_values=True))
        with LOCK:
            if u.path == "/_posts":
                return self.reply(200, json.dumps(STATE["posts"]))
            if u.path == "/_mails":
                return self.reply(200, json.dumps(STATE["mails"]))
            if u.path == "/_reset":
                STATE.clear()
                STATE.update({k: (list(v) if isinstance(v, list) else v) for k, v in DEFAULTS.items()})
                return self.reply(200, "{}")
            if u.path == "/_config":
                for k in ("fail", "status", "smtp_fail", "smtp_code"):
                    if k in q:
                        STATE[k] = int(q[k])
                for k in ("delay_after",):
                    if k in q:
                        STATE[k] = float(q[k])
                for k in ("retry_after", "smtp_user", "smtp_password"):
                    if k in q:
                        STATE[k] = q[k] or None
                return self.reply(200, "{}")
        self.reply(404, "not found")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n).decode("utf-8", "replace")
        with LOCK:
            if STATE["fail"] > 0:
                STATE["fail"] -= 1
                st = STATE["status"]
                hdrs = [("Retry-After", STATE["retry_after"])] if STATE["retry_after"] else []
                return self.reply(st, "refused for the test", hdrs)
            STATE["posts"].append({"path": self.path, "body": body,
                                   "headers": {k.lower(): v for k, v in self.headers.items()},
                                   "at": time.time()})
            delay = STATE["delay_after"]
        if delay:
            time.sleep(delay)
        self.reply(200, "ok")


class Handler:  # aiosmtpd's, imported in main() (a test's python3 may lack it)
    async def handle_DATA(self, server, session, envelope):
        with LOCK:
            if STATE["smtp_fail"] > 0:
                STATE["smtp_fail"] -= 1
                return "%d 4.3.0 try again later (the test says so)" % STATE["smtp_code"] \
                    if STATE["smtp_code"] < 500 else "%d 5.7.1 refused (the test says so)" % STATE["smtp_code"]
            STATE["mails"].append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                   "data": envelope.content.decode("utf-8", "replace")})
            delay = STATE["delay_after"]
        if delay:
            await asyncio.sleep(delay)
        return "250 OK"


def authenticator(server, session, envelope, mechanism, auth_data):
    from aiosmtpd.smtp import AuthResult
    with LOCK:
        user, pw = STATE["smtp_user"], STATE["smtp_password"]
    login = auth_data.login.decode() if isinstance(auth_data.login, bytes) else auth_data.login
    password = auth_data.password.decode() if isinstance(auth_data.password, bytes) else auth_data.password
    return AuthResult(success=(user is not None and login == user and password == pw), handled=False)


STARTTLS_CTX = None   # --starttls: the SMTP side offers, and requires, STARTTLS


def smtp_factory():
    from aiosmtpd.smtp import SMTP
    with LOCK:
        need_auth = STATE["smtp_user"] is not None
    # Plain-text AUTH on 127.0.0.1 only, unless a test gives a certificate.
    return SMTP(Handler(), authenticator=authenticator, auth_require_tls=False,
                auth_required=need_auth, hostname="localhost", tls_context=STARTTLS_CTX,
                require_starttls=STARTTLS_CTX is not None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--lifetime", type=float, default=600)
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    global STARTTLS_CTX
    if a.starttls:
        STARTTLS_CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        STARTTLS_CTX.load_cert_chain(a.starttls[0], a.starttls[1])
    ctx = None
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    httpd.daemon_threads = True
    if ctx:
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(loop.create_server(smtp_factory, "127.0.0.1", 0, ssl=ctx))
    smtp_port = server.sockets[0].getsockname()[1]
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (httpd.server_address[1], smtp_port))
    os.rename(tmp, a.port_file)
    loop.call_later(a.lifetime, loop.stop)
    loop.run_forever()
    httpd.shutdown()


if __name__ == "__main__":
    sys.exit(main())
