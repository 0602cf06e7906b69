#!/bin/sh
""":"
exec python3 "$0" "$@"
"""
__doc__ = """The allocation rule (carepipe.h), under tests/torture/failmalloc.so:
each allocation of a run fails in turn, and every run must either end in
a clean 71 ("out of memory") having done nothing it could not finish, or
succeed with exactly the undisturbed run's result.

  - A status POSTed through http_do (built with unchecked appends, as
    mastodon.c built one): the server receives the whole status or
    nothing, never a part; a failure while the answer is stored is 71
    too (not a network error).
  - A sentiment lexicon (sentiment_load): loaded whole or refused; never
    loaded with a word missing (sentiment.c once read a length after
    freeing the buffer, and took a failed fold for an empty word).
  - A text measured by X's rule: a failure of its NFC normalisation is
    counted by buf_failures, so the reply it was for cannot go out
    (textlen_check's verdict alone cannot tell it from bad UTF-8).
  - A rules file read and compiled by tag: a failure is 71, never a
    mistaken rule (the lexer once read "tag" as "ag" after a failed
    append and reported an unknown action, 78) nor a rule tried as if
    compiled whole.
  - tag -j 2 on 250 KB, so that its threads start: a failure in a worker
    (its context, its batch, what it keeps to be said) is 71 after whole
    records only, those -j 1 writes first; a worker that cannot be made
    is done without, with the same output."""
import http.server
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib  # noqa: E402
from taplib import ok, skip_all, done, WRAP  # noqa: E402

top = taplib.TOP
build = os.environ.get("CAREPIPE_BUILD", "build")
shim = os.path.join(top, build, "tests", "failmalloc.so")
driver = os.path.join(top, build, "tests", "allocrule")

if build != "build":
    skip_all("allocation failure runs on the plain build only (ASan's allocator comes first)")
if WRAP:
    skip_all("under CAREPIPE_WRAP (valgrind and an LD_PRELOAD malloc do not mix)")
for f in (shim, driver):
    if not os.path.exists(f):
        skip_all("%s is not built" % f)

received = []


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        received.append(self.rfile.read(n))
        body = b'{"id":"1"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
url = "http://127.0.0.1:%d/api/v1/statuses" % server.server_address[1]

work, _ = taplib.scratch("carepipe-allocrule-")


def run(args, fail_at, program=driver, stdin=None):
    """program (the test driver unless given) with args and stdin, its
    allocation fail_at failing (0: none), counting its allocations."""
    env = dict(os.environ, LD_PRELOAD=shim, CAREPIPE_FAIL_AT=str(fail_at),
               CAREPIPE_ALLOC_COUNT=os.path.join(work, "count"))
    return subprocess.run([program] + args, input=stdin, capture_output=True, env=env,
                          timeout=60)


def count(args):
    return count_prog(driver, args)


def count_prog(program, args, stdin=None):
    p = run(args, 0, program, stdin)
    return p, int(open(os.path.join(work, "count")).read().split()[0])


def sweep(args, first, last, clean, program=driver, stdin=None):
    """Fail allocation first, ..., last of a run in turn: each run must end
    with the undisturbed run's output or in a clean 71.  Returns the
    problems and how many runs ended 71."""
    bad = []
    exits = 0
    for n in range(first, last + 1):
        p = run(args, n, program, stdin)
        if p.returncode == 0:
            if p.stdout != clean.stdout:
                bad.append("allocation %d: exit 0 but %r" % (n, p.stdout))
        elif p.returncode == 71 and b"out of memory" in p.stderr:
            exits += 1
        else:
            bad.append("allocation %d: exit %d %r" % (n, p.returncode, p.stderr[-200:]))
    return bad, exits


try:
    # A post: every allocation of the run.
    received.clear()
    clean, total = count(["post", url])
    ok(clean.returncode == 0 and len(received) == 1, "post: the undisturbed run posts once")
    whole = received[0] if received else b""
    received.clear()
    bad = []
    exits = 0
    for n in range(1, total + 1):
        before = len(received)
        p = run(["post", url], n)
        got = received[before:]
        if p.returncode == 0:
            if got != [whole]:
                bad.append("allocation %d: exit 0 but the server got %r" % (n, got))
        elif p.returncode == 71 and b"out of memory" in p.stderr:
            exits += 1
            # Failing before the send: nothing; failing while the answer
            # is stored: the whole status went out.  Never a part.
            if got not in ([], [whole]):
                bad.append("allocation %d: 71 but the server got %r" % (n, got))
        else:
            bad.append("allocation %d: exit %d %r" % (n, p.returncode, p.stderr[-200:]))
    ok(total > 3 and not bad, "post: each of %d allocations failing: the whole status or nothing" % total,
       *bad[:10])
    ok(exits > 0, "post: a failure of the body's appends refuses to send (%d runs exit 71)" % exits)

    # A lexicon: the allocations of the load (after the built-in lexicons).
    lex = os.path.join(work, "words.tsv")
    with open(lex, "w") as f:
        f.write("# test words\nzorblax\t3\nfrumious\t-2\nwugly\t4\ngrobnik\t1.5\n")
    clean, total = count(["lexicon", lex])
    ok(clean.returncode == 0 and clean.stdout.count(b" 1 ") == 4,
       "lexicon: the undisturbed run finds its 4 words")
    # The same run with an empty lexicon: its allocations come before the
    # load's words.
    empty = os.path.join(work, "empty.tsv")
    open(empty, "w").close()
    _, base_total = count(["lexicon", empty])
    bad, exits = sweep(["lexicon", lex], max(1, base_total - 5), total, clean)
    ok(total > base_total and not bad,
       "lexicon: each of allocations %d..%d failing: all four words or 71" % (base_total - 5, total), *bad[:10])
    ok(exits > 0, "lexicon: a failure in the load is reported (%d runs exit 71)" % exits)

    # A text measured by X's rule: NFC normalisation allocates, and its
    # failure must not pass for "not valid UTF-8" unnoticed.
    text = "Cafe\u0301 ok, re\u0301sume\u0301 sent"
    clean, total = count(["measure", text])
    ok(clean.returncode == 0 and clean.stdout == b"1 20\n", "measure: the undisturbed run fits, 20 long")
    bad, exits = sweep(["measure", text], 1, total, clean)
    ok(total >= 2 and not bad and exits == total,
       "measure: each of %d allocations failing is counted (71), never a verdict alone" % total, *bad[:10])

    # A rules file: tag reads and compiles it before its lexicons, so the
    # first allocations of the run are the parser's, the keyword
    # matcher's and the rule index's.
    rules = os.path.join(work, "r.rules")
    with open(rules, "w") as f:
        f.write('tag a if keywords "refund" or card-number or keywords "fraud"\n'
                'tag b if keywords "charged" and not has-tag a\n')
    record = b'{"id":"1","direction":"in","text":"my card 4111 1111 1111 1111 was charged, refund"}\n'
    tag = os.path.join(top, "bin", "tag")
    clean = run(["-f", rules], 0, tag, record)
    ok(clean.returncode == 0 and b'"tags":["a"]' in clean.stdout,
       "rules: the undisturbed run tags the record a")
    bad, exits = sweep(["-f", rules], 1, 150, clean, tag, record)
    ok(not bad and exits > 100,
       "rules: each of the first 150 allocations failing is 71 (%d runs), never a wrong rule" % exits,
       *bad[:10])

    # tag on two threads: the allocations are counted from both, so the
    # Nth is whichever thread makes it.  Those of the start (the models,
    # the lexicons, the rules: as in a run on no input) fail every 97th;
    # from there on, where the workers are made and judge, each in turn.
    gen = os.path.join(top, "bin", "gen-mentions")
    records = subprocess.run([gen, "-n", "400", "-s", "3"], capture_output=True,
                             check=True).stdout
    args = ["-j", "2", "-f", rules]
    clean = run(["-j", "1", "-f", rules], 0, tag, records)
    _, total = count_prog(tag, args, records)
    _, start = count_prog(tag, args, b"")
    tried = list(range(1, start - 5, 97)) + list(range(start - 5, total + 1))
    bad = []
    exits = 0
    for n in tried:
        p = run(args, n, tag, records)
        if p.returncode == 0:
            if p.stdout != clean.stdout:
                bad.append("allocation %d: exit 0 but other output" % n)
        elif p.returncode == 71 and b"out of memory" in p.stderr:
            exits += 1
            if not clean.stdout.startswith(p.stdout) or p.stdout[-1:] not in (b"", b"\n"):
                bad.append("allocation %d: 71 after output that is not -j 1's first records" % n)
        else:
            bad.append("allocation %d: exit %d %r" % (n, p.returncode, p.stderr[-200:]))
    ok(clean.returncode == 0 and clean.stdout.count(b"\n") == 400 and total - start > 100 and not bad,
       "tag -j 2: each of allocations %d..%d (and every 97th before) failing: -j 1's output, "
       "or 71 after its first whole records" % (start - 5, total), *bad[:10])
    ok(exits > 50, "tag -j 2: failures in the workers are 71 (%d runs)" % exits)
finally:
    server.shutdown()
done()
