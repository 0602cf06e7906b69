#!/usr/bin/env python3
"""carepipe's own API mock server, for the offline tests.

Serves, on 127.0.0.1 only:
  - Reddit: the recorded real exchanges in ../shared/specs/reddit (read at
    start-up from there, never copied): POST /api/v1/access_token (client
    mock-client:mock-client-secret; refresh token mock-refresh-token, or
    acmehelp / mock-pw), /message/mentions, /r/SUB/search.json,
    /search.json, POST /api/comment, POST /api/compose, /user/NAME/comments.
  - Facebook Graph: the recorded responses in ../shared/specs/facebook:
    /{post-id}/comments (cursor paging), /{page-id}/feed (time paging),
    POST /{object-id}/comments.
  - Bluesky XRPC: responses shaped by ../shared/specs/bluesky/lexicons, and
    requests checked against them (unknown or missing parameters, limits,
    createRecord input): createSession, refreshSession (access tokens
    expire after --bsky-token-uses calls), listNotifications, searchPosts,
    getPostThread, createRecord.
  - Credentials checks: X /2/users/me, Mastodon verify_credentials, Bluesky
    getSession, Reddit /api/v1/me, Graph /me (the ME table below).
  - Mastodon /api/v1/notifications (Link headers, max_id, since_id) and X
    /2/users/{id}/mentions (since_id, pagination_token), generated in the
    shape of their API descriptions, for the paging and incremental
    behaviour Prism's fixed examples cannot show.
Control endpoints (no auth):
  GET /_fault?path=PREFIX&kind=KIND&times=N[&secs=S][&skip=K]   inject a fault
      kinds: 429 429-reset 429-epoch 429-date 429-iso 500 503 slow reset
             truncated invalid loop 401 expire
      times -1 is forever; the next N matching requests (after K) get it.
  GET /_clear           drop faults
  GET /_counts          {"posts": {parent: n}, "requests": {path: n},
                         "queries": {path: [query string, ...]}}
  GET /_add?what=reddit-mention|bsky-mention|mastodon-mention|x-mention&n=N
      new items, newest first
  GET /_config?delay=S  delay every API response by S seconds
      &delay_after=S      and delay the answer by S seconds after the
                          request took effect (reply's kill -9 test)
Without ../shared (or with --fixtures own) Reddit, Facebook and the
Bluesky lexicons come from the project's own fixtures instead
(tests/mock/fixtures, made by its make-fixtures.py in the same shapes).
Usage: server.py --port-file FILE [--shared DIR] [--fixtures auto|own|recorded]
                 [--fixtures-dir DIR] [--tls CERT KEY]
The port is chosen by the system and written to FILE once listening.
"""
import argparse
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {
    "faults": [],
    "posts": {},
    "requests": {},
    "delay": 0.0,
    "seq": 0,
}
DATA = {}
PAGE_ID = "19292868552"          # the page of the recorded Facebook data
BSKY_ME = "did:plc:brandbrandbrand"
# The accounts the tokens belong to, in each API's shape: X GET /2/users/me,
# Mastodon verify_credentials (an Account), Reddit /api/v1/me, Graph /me.
ME = {
    "/2/users/me": {"data": {"id": "2244994945", "name": "Acme Support", "username": "AcmeSupport"}},
    "/api/v1/accounts/verify_credentials": {
        "id": "1", "username": "acme", "acct": "acme", "display_name": "Acme",
        "locked": False, "bot": False, "created_at": "2020-01-01T00:00:00.000Z", "note": "",
        "url": "https://example.social/@acme", "avatar": "", "header": "",
        "followers_count": 10, "following_count": 0, "statuses_count": 1,
        "source": {"privacy": "public", "sensitive": False, "language": "en", "note": "", "fields": []}},
    "/api/v1/me": {"name": "acmehelp", "id": "1abcde"},
    "/me": {"id": PAGE_ID, "name": "Facebook for Developers"},
}


def load_own(here):
    """The project's own fixtures (tests/mock/fixtures, written by its
    make-fixtures.py in the platforms' shapes), for a clone without
    ../shared, or when asked with --fixtures own."""

    def jload(name):
        with open(os.path.join(here, name), encoding="utf-8") as f:
            return json.load(f)

    DATA["mentions"] = jload("reddit-mentions.json")["data"]["children"]
    DATA["search"] = jload("reddit-search.json")["data"]["children"]
    DATA["reply"] = jload("reddit-reply.json")
    DATA["fb_comments"] = [jload("facebook-comments-p1.json"), jload("facebook-comments-p2.json")]
    DATA["fb_feed"] = [jload("facebook-feed-p1.json"), jload("facebook-feed-p2.json")]
    DATA["fb_create"] = jload("facebook-comment-create.json")
    DATA["lex"] = jload("bluesky-lexicons.json")


def load(shared, fixtures="auto", fixtures_dir=None):
    if fixtures == "own" or (fixtures == "auto" and not os.path.isdir(os.path.join(shared, "specs"))):
        load_own(fixtures_dir or os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
    else:
        load_recorded(shared)
    DATA["my_comments"] = []
    DATA["bsky"] = make_bsky(30)
    DATA["masto"] = make_masto(12)
    DATA["x"] = make_x(12)
    DATA["bsky_replies"] = {}


def load_recorded(shared):
    def jload(path):
        with open(os.path.join(shared, "specs", path), encoding="utf-8") as f:
            return json.load(f)

    def cassette(name, index):
        d = jload("reddit/" + name)
        return json.loads(d["interactions"][index]["response"]["body"]["string"])

    DATA["mentions"] = cassette("praw-cassette-TestInbox.test_mentions.json", 1)["data"]["children"]
    DATA["search"] = cassette("praw-cassette-TestSubreddit.test_search.json", 1)["data"]["children"]
    DATA["reply"] = cassette("praw-cassette-TestComment.test_reply.json", 1)
    DATA["fb_comments"] = [jload("facebook/pyfacebook-comments-comments_p1.json"),
                           jload("facebook/pyfacebook-comments-comments_p2.json")]
    DATA["fb_feed"] = [jload("facebook/pyfacebook-posts-feed_fields_p1.json"),
                       jload("facebook/pyfacebook-posts-feed_fields_p2.json")]
    DATA["fb_create"] = jload("facebook/pyfacebook-comments-create_resp.json")
    lex = {}
    for name in os.listdir(os.path.join(shared, "specs", "bluesky", "lexicons")):
        if name.endswith(".json"):
            lex[name[:-5]] = jload("bluesky/lexicons/" + name)
    DATA["lex"] = lex


def make_bsky(n, start=0, base_time=1700000000):
    """Notifications shaped by app.bsky.notification.listNotifications:
    mentions, replies and (to be filtered out) likes, newest first."""
    items = []
    for i in range(start, start + n):
        did = "did:plc:customer%04d" % i
        t = base_time + i * 60
        ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))
        reason = ["mention", "reply", "like"][i % 3]
        uri = "at://%s/app.bsky.feed.post/3kpost%04d" % (did, i)
        record = {"$type": "app.bsky.feed.post", "text": "@brand.example help with order %d" % i,
                  "createdAt": ts, "langs": ["en"]}
        if reason == "reply":
            root = {"uri": "at://%s/app.bsky.feed.post/3kroot" % BSKY_ME, "cid": "bafyreiroot"}
            record["reply"] = {"root": root, "parent": root}
        items.append({
            "uri": uri, "cid": "bafyreicid%04d" % i,
            "author": {"did": did, "handle": "customer%d.bsky.social" % i,
                       "displayName": "Customer %d" % i},
            "reason": reason, "record": record, "isRead": False, "indexedAt": ts,
        })
    items.reverse()
    return items


def make_masto(n, start=0):
    """Mention notifications in the shape of the Mastodon API's Notification
    and Status entities, newest first, with one favourite to leave out."""
    items = []
    for i in range(start, start + n):
        t = 1700000000 + i * 60
        ts = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t))
        acct = {"id": str(5000 + i), "username": "cust%d" % i, "acct": "cust%d@example.social" % i,
                "display_name": "Customer %d" % i, "followers_count": i}
        status = {"id": str(110000000000000000 + i), "created_at": ts,
                  "in_reply_to_id": "109999999999999999" if i % 2 else None,
                  "content": "<p><span class=\"h-card\"><a href=\"https://example.social/@acme\">@<span>acme</span></a></span> order %d &amp; refund?</p>" % i,
                  "visibility": "direct" if i % 5 == 4 else "public", "language": "en",
                  "url": "https://example.social/@cust%d/%d" % (i, 110000000000000000 + i),
                  "account": acct, "favourites_count": 0, "reblogs_count": 0, "replies_count": 0}
        items.append({"id": str(9000 + i), "type": "favourite" if i % 6 == 5 else "mention",
                      "created_at": ts, "account": acct, "status": status})
    items.reverse()
    return items


def make_x(n, start=0):
    """Posts in the shape of X API v2 Tweet objects, newest first; every
    fourth is the brand's own reply (author 2244994945)."""
    items = []
    for i in range(start, start + n):
        t = 1700000000 + i * 60
        tid = str(1700000000000000000 + i)
        own = i % 4 == 3
        tw = {"id": tid, "text": "@AcmeSupport where is order %d? &amp; why &lt;late&gt;" % i,
              "author_id": "2244994945" if own else str(7000 + i),
              "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t)),
              "conversation_id": "1699999999999999999", "lang": "en",
              "public_metrics": {"like_count": i, "retweet_count": 0, "reply_count": 1, "quote_count": 0}}
        if own or i % 2:
            tw["referenced_tweets"] = [{"type": "replied_to", "id": str(1700000000000000000 + i - 1)}]
        items.append(tw)
    items.reverse()
    return items


def jdump(v):
    return json.dumps(v, separators=(",", ":")).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "carepipe-mock"
    # Headers and body go out in two writes: with Nagle on, a kept-alive
    # connection waits out the client's delayed ACK (40 ms) on every answer.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        if os.environ.get("MOCK_LOG"):
            sys.stderr.write("mock: " + fmt % args + "\n")

    # -- plumbing
    def send(self, status, body, ctype="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = jdump(body)
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def take_fault(self, path):
        with LOCK:
            for f in STATE["faults"]:
                if path.startswith(f["path"]) and f["times"] != 0:
                    if f.get("skip", 0) > 0:
                        f["skip"] -= 1
                        continue
                    if f["times"] > 0:
                        f["times"] -= 1
                    return dict(f)
        return None

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def route(self, method):
        u = urllib.parse.urlsplit(self.path)
        path = u.path
        q = urllib.parse.parse_qs(u.query, keep_blank_values=True)
        if path.startswith("/_"):
            return self.control(path, q)
        data = self.body() if method == "POST" else b""
        with LOCK:
            STATE["requests"][path] = STATE["requests"].get(path, 0) + 1
            STATE.setdefault("queries", {}).setdefault(path, []).append(u.query)
        if STATE["delay"]:
            time.sleep(STATE["delay"])
        fault = self.take_fault(path)
        loop = False
        if fault:
            k = fault["kind"]
            secs = fault.get("secs", 1)
            if k == "429":
                return self.send(429, {"error": "rate limited"}, headers={"Retry-After": str(int(secs))})
            if k == "429-reset":
                return self.send(429, {"error": "rate limited"}, headers={"x-ratelimit-reset": str(int(secs))})
            if k == "429-epoch":      # X: epoch seconds
                return self.send(429, {"error": "rate limited"},
                                 headers={"x-rate-limit-reset": str(int(time.time() + secs + 1))})
            if k == "429-date":       # Retry-After as an HTTP date
                return self.send(429, {"error": "rate limited"}, headers={"Retry-After": time.strftime(
                    "%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + secs + 1))})
            if k == "429-iso":        # Mastodon: an ISO 8601 time
                return self.send(429, {"error": "rate limited"}, headers={"X-RateLimit-Reset": time.strftime(
                    "%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + secs + 1))})
            if k in ("500", "503", "401"):
                return self.send(int(k), {"error": "fault %s" % k})
            if k == "slow":
                time.sleep(secs)
            if k == "reset":
                return self.reset_mid_body()
            if k == "truncated":
                status, body, headers = self.api(method, path, q, data)
                raw = body if isinstance(body, bytes) else jdump(body)
                return self.send(status, raw[: len(raw) // 2], headers=headers)
            if k == "invalid":
                return self.send(200, "<html>upstream error</html>")
            if k == "expire":
                with LOCK:
                    STATE["bsky_expired"] = True
            loop = k == "loop"
        status, body, headers = self.api(method, path, q, data, loop=loop)
        if STATE.get("delay_after"):
            # The request is done (a post counted) but the answer is late:
            # a client killed now cannot know the outcome.
            time.sleep(STATE["delay_after"])
        self.send(status, body, headers=headers)

    def reset_mid_body(self):
        body = b'{"kind":"Listing","data":{"children":[' + b" " * 4096
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) * 4))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        # SO_LINGER 0: close with a TCP reset, mid-body.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def control(self, path, q):
        one = {k: v[0] for k, v in q.items()}
        if path == "/_fault":
            f = {"path": one.get("path", "/"), "kind": one["kind"], "times": int(one.get("times", "1"))}
            if "skip" in one:
                f["skip"] = int(one["skip"])
            if "secs" in one:
                f["secs"] = float(one["secs"])
            with LOCK:
                STATE["faults"].append(f)
            return self.send(200, {"ok": True})
        if path == "/_clear":
            with LOCK:
                STATE["faults"] = []
            return self.send(200, {"ok": True})
        if path == "/_counts":
            with LOCK:
                return self.send(200, {"posts": STATE["posts"], "requests": STATE["requests"],
                                       "queries": STATE.get("queries", {})})
        if path == "/_config":
            STATE["delay"] = float(one.get("delay", "0"))
            STATE["delay_after"] = float(one.get("delay_after", "0"))
            return self.send(200, {"ok": True})
        if path == "/_add":
            n = int(one.get("n", "1"))
            with LOCK:
                if one.get("what") == "reddit-mention":
                    newest = max(c["data"]["created_utc"] for c in DATA["mentions"])
                    for i in range(n):
                        k = STATE["added"] = STATE.get("added", 0) + 1
                        c = json.loads(json.dumps(DATA["mentions"][0]))
                        c["data"]["id"] = "new%d" % k
                        c["data"]["name"] = "t1_new%d" % k
                        c["data"]["created_utc"] = newest + 10 * (i + 1)
                        c["data"]["body"] = "new mention %d" % k
                        DATA["mentions"].insert(0, c)
                elif one.get("what") == "mastodon-mention":
                    DATA["masto"][:0] = make_masto(n, len(DATA["masto"]))
                elif one.get("what") == "x-mention":
                    DATA["x"][:0] = make_x(n, len(DATA["x"]))
                else:
                    start = len(DATA["bsky"])
                    newest = max(time_of(x["indexedAt"]) for x in DATA["bsky"])
                    DATA["bsky"][:0] = make_bsky(n, start, newest + 60 - start * 60)
            return self.send(200, {"ok": True})
        return self.send(404, {"error": "no such control"})

    # -- the APIs: (status, body, headers)
    def api(self, method, path, q, data, loop=False):
        if path.startswith("/xrpc/"):
            return self.bluesky(method, path[6:], q, data)
        auth = self.headers.get("Authorization", "")
        if path == "/api/v1/access_token" and method == "POST":
            return self.reddit_token(auth, data)
        if not auth.startswith("Bearer ") or len(auth) < 12:
            return 401, {"error": "no bearer token"}, {}
        if auth[7:].startswith("rdt-") and auth[7:] not in STATE.get("reddit_tokens", ()):
            return 401, {"error": "invalid token"}, {}
        # Credentials checks (fetch-mentions --check): whose token this is.
        if path in ME:
            return 200, ME[path], {}
        if path == "/api/v1/notifications":
            return self.masto(q, loop)
        if path.startswith("/2/users/") and path.endswith("/mentions"):
            return self.x_mentions(q, loop)
        if path == "/message/mentions":
            return self.listing(DATA["mentions"], q, loop)
        if path.endswith("/search.json"):
            return self.listing(DATA["search"], q, loop)
        if path == "/api/comment" and method == "POST":
            return self.reddit_comment(data)
        if path == "/api/compose" and method == "POST":
            form = urllib.parse.parse_qs(data.decode())
            self.count("compose:" + form.get("to", ["?"])[0])
            return 200, {"json": {"errors": []}}, {}
        if path.startswith("/user/") and path.endswith("/comments"):
            children = [{"kind": "t1", "data": c} for c in DATA["my_comments"]]
            return 200, {"kind": "Listing", "data": {"after": None, "children": children}}, {}
        if path.endswith("/comments") and method == "POST":
            obj = path.split("/")[1]
            form = urllib.parse.parse_qs(data.decode())
            if "message" not in form:
                return 400, {"error": {"message": "message is required"}}, {}
            self.count(obj)
            resp = dict(DATA["fb_create"])
            with LOCK:
                STATE["seq"] += 1
                resp["id"] = "%s_%d" % (obj.split("_")[-1], 900000 + STATE["seq"])
                DATA.setdefault("fb_mine", {}).setdefault(obj, []).append({
                    "id": resp["id"], "from": {"id": PAGE_ID, "name": "Facebook for Developers"},
                    "message": form["message"][0], "created_time": resp["created_time"],
                    "permalink_url": "https://www.facebook.com/%s" % resp["id"]})
            return 200, resp, {}
        # Graph pretty-prints on request (pretty=1), as the recordings are.
        if path.endswith("/comments"):
            status, page, h = self.fb_pages(DATA["fb_comments"], q, "after", loop)
            if not q.get("after"):
                page["data"] += DATA.get("fb_mine", {}).get(path.split("/")[1], [])
            return status, json.dumps(page, indent=2).encode(), h
        if path.endswith("/feed"):
            status, page, h = self.fb_pages(DATA["fb_feed"], q, "until", loop)
            return status, json.dumps(page, indent=2).encode(), h
        return 404, {"error": "not mocked: " + path}, {}

    def reddit_token(self, auth, data):
        import base64
        want = base64.b64encode(b"mock-client:mock-client-secret").decode()
        if auth != "Basic " + want:
            return 401, {"message": "Unauthorized", "error": 401}, {}
        form = urllib.parse.parse_qs(data.decode())
        grant = form.get("grant_type", [""])[0]
        good = (grant == "refresh_token" and form.get("refresh_token") == ["mock-refresh-token"]) or \
            (grant == "password" and form.get("username") == ["acmehelp"] and form.get("password") == ["mock-pw"])
        if not good:
            return 200, {"error": "invalid_grant"}, {}
        with LOCK:
            STATE["seq"] += 1
            tok = "rdt-%d-secret" % STATE["seq"]
            STATE.setdefault("reddit_tokens", set()).add(tok)
        # the shape of the recorded praw exchange
        return 200, {"access_token": tok, "token_type": "bearer", "expires_in": 3600, "scope": "*"}, {}

    def masto(self, q, loop):
        limit = int(q.get("limit", ["40"])[0])
        items = DATA["masto"]
        if q.get("types[]"):
            items = [x for x in items if x["type"] in q["types[]"]]
        if q.get("max_id"):
            items = [x for x in items if int(x["id"]) < int(q["max_id"][0])]
        if q.get("since_id"):
            items = [x for x in items if int(x["id"]) > int(q["since_id"][0])]
        page = items[:limit]
        headers = {}
        if page:
            base = "http://%s:%d/api/v1/notifications" % self.server.server_address[:2]
            last = q["max_id"][0] if loop and q.get("max_id") else page[-1]["id"]
            headers["Link"] = '<%s?max_id=%s>; rel="next", <%s?min_id=%s>; rel="prev"' % (
                base, last, base, page[0]["id"])
        return 200, page, headers

    def x_mentions(self, q, loop):
        limit = int(q.get("max_results", ["10"])[0])
        if not 5 <= limit <= 100:
            return 400, {"errors": [{"message": "max_results"}]}, {}
        items = DATA["x"]
        if q.get("since_id"):
            items = [x for x in items if int(x["id"]) > int(q["since_id"][0])]
        elif q.get("start_time"):   # since_id takes precedence, as on X
            items = [x for x in items if x["created_at"][:19] >= q["start_time"][0][:19]]
        if q.get("end_time"):
            items = [x for x in items if x["created_at"][:19] < q["end_time"][0][:19]]
        start = int(q["pagination_token"][0][4:]) if q.get("pagination_token") else 0
        page = items[start:start + limit]
        meta = {"result_count": len(page)}
        if page:
            meta["newest_id"], meta["oldest_id"] = page[0]["id"], page[-1]["id"]
        if start + limit < len(items):
            meta["next_token"] = "tok-%d" % (start + limit)
        if loop:
            meta["next_token"] = q.get("pagination_token", ["tok-%d" % limit])[0]
        users = [{"id": x["author_id"], "username": "AcmeSupport" if x["author_id"] == "2244994945"
                  else "cust%s" % x["author_id"], "name": "Customer", "public_metrics": {"followers_count": 3}}
                 for x in page]
        out = {"meta": meta}
        if page:
            out["data"] = page
            out["includes"] = {"users": users}
        return 200, out, {}

    def count(self, parent):
        with LOCK:
            STATE["posts"][parent] = STATE["posts"].get(parent, 0) + 1

    def listing(self, children, q, loop):
        limit = int(q.get("limit", ["25"])[0])
        after = q.get("after", [None])[0]
        start = 0
        if after:
            names = [c["data"]["name"] for c in children]
            if after not in names:
                return 400, {"error": "bad after"}, {}
            start = names.index(after) + 1
        page = children[start:start + limit]
        more = start + limit < len(children)
        nxt = page[-1]["data"]["name"] if more and page else None
        if loop and page:
            nxt = after or page[-1]["data"]["name"]   # a cursor that goes nowhere
        return 200, {"kind": "Listing", "data": {"after": nxt, "dist": len(page), "children": page,
                                                  "before": None}}, {}

    def reddit_comment(self, data):
        form = urllib.parse.parse_qs(data.decode())
        thing = form.get("thing_id", [""])[0]
        if not thing or "text" not in form or form.get("api_type") != ["json"]:
            return 400, {"json": {"errors": [["BAD_REQUEST", "thing_id, text, api_type", None]]}}, {}
        self.count(thing)
        resp = json.loads(json.dumps(DATA["reply"]))
        d = resp["json"]["data"]["things"][0]["data"]
        with LOCK:
            STATE["seq"] += 1
            d["id"] = "mock%d" % STATE["seq"]
            d["name"] = "t1_" + d["id"]
            d["parent_id"] = thing
            d["body"] = form["text"][0]
            d["permalink"] = "/r/mock/comments/abc/title/%s/" % d["id"]
            DATA["my_comments"].insert(0, {"name": d["name"], "parent_id": thing,
                                           "permalink": d["permalink"]})
        return 200, resp, {}

    def fb_pages(self, pages, q, how, loop):
        base = "http://%s:%d" % self.server.server_address[:2]
        first = not q.get(how)
        page = json.loads(json.dumps(pages[0 if first else 1]))
        if loop:
            page = json.loads(json.dumps(pages[0]))
        for k in ("next", "previous"):
            if k in page.get("paging", {}):
                page["paging"][k] = page["paging"][k].replace("https://graph.facebook.com", base)
        return 200, page, {}

    # -- Bluesky, checked against the lexicons
    def xrpc_error(self, status, err, msg):
        return status, {"error": err, "message": msg}, {}

    def check_params(self, nsid, q):
        lex = DATA["lex"][nsid]["defs"]["main"]
        props = (lex.get("parameters") or {}).get("properties", {})
        req = (lex.get("parameters") or {}).get("required", [])
        for k in q:
            if k not in props:
                return "unknown parameter %s" % k
        for k in req:
            if k not in q:
                return "missing parameter %s" % k
        for k, vals in q.items():
            p = props[k]
            if p["type"] != "array" and len(vals) > 1:
                return "parameter %s given twice" % k
            if p["type"] == "integer":
                v = int(vals[0])
                if v < p.get("minimum", v) or v > p.get("maximum", v):
                    return "parameter %s out of range" % k
        return None

    def bluesky(self, method, nsid, q, data):
        # getSession has no lexicon in ../shared; its output is that of the
        # Bluesky OpenAPI description (handle and did required).
        if nsid == "com.atproto.server.getSession":
            auth = self.headers.get("Authorization", "")[7:]
            with LOCK:
                if auth not in STATE.setdefault("access", {}):
                    return self.xrpc_error(400, "ExpiredToken", "Token has expired")
            return 200, {"handle": "brand.example", "did": BSKY_ME, "active": True}, {}
        if nsid not in DATA["lex"]:
            return self.xrpc_error(404, "MethodNotImplemented", nsid)
        bad = self.check_params(nsid, q)
        if bad:
            return self.xrpc_error(400, "InvalidRequest", bad)
        if nsid == "com.atproto.server.createSession":
            body = json.loads(data or b"{}")
            want = os.environ.get("MOCK_BSKY_PASSWORD", "app-password-secret")
            if body.get("password") != want or not body.get("identifier"):
                return self.xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
            return 200, self.new_session(), {}
        if nsid == "com.atproto.server.refreshSession":
            auth = self.headers.get("Authorization", "")
            if auth[7:] not in STATE.setdefault("refresh", set()):
                return self.xrpc_error(400, "ExpiredToken", "Token has expired")
            STATE["refresh"].discard(auth[7:])
            return 200, self.new_session(), {}
        # Everything else needs a live access token.
        auth = self.headers.get("Authorization", "")[7:]
        with LOCK:
            sess = STATE.setdefault("access", {})
            if STATE.pop("bsky_expired", False):
                sess.clear()
            if auth not in sess:
                return self.xrpc_error(400, "ExpiredToken", "Token has expired")
            sess[auth] -= 1
            if sess[auth] <= 0:
                del sess[auth]
        if nsid == "app.bsky.notification.listNotifications":
            reasons = q.get("reasons")
            items = [n for n in DATA["bsky"] if not reasons or n["reason"] in reasons]
            return self.cursor_page(items, q, "notifications")
        if nsid == "app.bsky.feed.searchPosts":
            items = [dict(n, likeCount=1, repostCount=0, replyCount=0, quoteCount=0)
                     for n in DATA["bsky"] if n["reason"] == "mention"]
            for n in items:
                del n["reason"], n["isRead"]
            if q.get("since"):
                since = time_of(q["since"][0])
                items = [n for n in items if time_of(n["indexedAt"]) >= since]
            return self.cursor_page(items, q, "posts")
        if nsid == "app.bsky.feed.getPostThread":
            uri = q["uri"][0]
            post = next((n for n in DATA["bsky"] if n["uri"] == uri), None)
            if not post:
                return 200, {"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri,
                                        "notFound": True}}, {}
            view = {k: post[k] for k in ("uri", "cid", "author", "record", "indexedAt")}
            replies = [{"$type": "app.bsky.feed.defs#threadViewPost", "post": r}
                       for r in DATA["bsky_replies"].get(uri, [])]
            return 200, {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": view,
                                    "replies": replies}}, {}
        if nsid == "com.atproto.repo.createRecord":
            body = json.loads(data or b"{}")
            for k in ("repo", "collection", "record"):
                if k not in body:
                    return self.xrpc_error(400, "InvalidRequest", "missing " + k)
            rec = body["record"]
            if rec.get("$type") != "app.bsky.feed.post" or "text" not in rec or "createdAt" not in rec:
                return self.xrpc_error(400, "InvalidRequest", "record: $type, text, createdAt")
            reply = rec.get("reply") or {}
            for part in ("root", "parent"):
                ref = reply.get(part) or {}
                if not ref.get("uri") or not ref.get("cid"):
                    return self.xrpc_error(400, "InvalidRequest", "reply.%s must be a strongRef" % part)
            parent = reply["parent"]["uri"]
            with LOCK:
                STATE["seq"] += 1
                rkey = body.get("rkey") or "3kreply%d" % STATE["seq"]
                uri = "at://%s/app.bsky.feed.post/%s" % (body["repo"], rkey)
                existing = [r for rs in DATA["bsky_replies"].values() for r in rs if r["uri"] == uri]
                if existing:
                    return self.xrpc_error(400, "InvalidRequest", "Record already exists")
                DATA["bsky_replies"].setdefault(parent, []).append({
                    "uri": uri, "cid": "bafyreireply%d" % STATE["seq"],
                    "author": {"did": body["repo"], "handle": "brand.example"},
                    "record": rec, "indexedAt": rec["createdAt"]})
            self.count(parent)
            return 200, {"uri": uri, "cid": "bafyreireply%d" % STATE["seq"]}, {}
        return self.xrpc_error(501, "MethodNotImplemented", nsid)

    def new_session(self):
        with LOCK:
            STATE["seq"] += 1
            acc, ref = "acc-jwt-%d-x" % STATE["seq"], "ref-jwt-%d-x" % STATE["seq"]
            STATE.setdefault("access", {})[acc] = int(os.environ.get("MOCK_BSKY_TOKEN_USES", "1000"))
            STATE.setdefault("refresh", set()).add(ref)
        return {"accessJwt": acc, "refreshJwt": ref, "handle": "brand.example", "did": BSKY_ME}

    def cursor_page(self, items, q, key):
        limit = int(q.get("limit", ["50"])[0])
        start = int(q.get("cursor", ["0"])[0])
        page = items[start:start + limit]
        out = {key: page}
        if start + limit < len(items):
            out["cursor"] = str(start + limit)
        return 200, out, {}


def time_of(s):
    import calendar
    s = s.replace("Z", "")[:19]
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
    ap.add_argument("--fixtures", choices=("auto", "own", "recorded"), default="auto",
                    help="recorded: ../shared's exchanges; own: tests/mock/fixtures; "
                         "auto: recorded when ../shared is there")
    ap.add_argument("--fixtures-dir", help="where the own fixtures are (default: fixtures/ beside this file)")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--lifetime", type=float, default=300, help="exit after this many seconds")
    a = ap.parse_args()
    load(a.shared, a.fixtures, a.fixtures_dir)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if a.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.tls[0], a.tls[1])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    # A test that dies must not leave a server behind for long.
    threading.Timer(a.lifetime, lambda: os._exit(0)).start()
    srv.serve_forever()


if __name__ == "__main__":
    main()
