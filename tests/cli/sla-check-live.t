#!/bin/sh
""":"
exec python3 "$0" "$@"
"""

__doc__ = """sla-check --sorted on a live stream (issue 18): the input pipe stays
open while this test reads the output, as under `tail -f log | sla-check
--sorted`.  Without --now, a waiting mention is written once the wall
clock passes its due time (missed), an answered one once its response's
second is over; a mention already due when sla-check started waits for
its response or the end, as in a replay; the one not due yet comes at the
end.  Nothing here measures time: each wait is for a line that must come
(up to a generous limit, then the test fails), never for silence.

TAP on stdout.
"""
import datetime
import json
import os
import select
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, done, TOP, WRAP

LIMIT = 120 if WRAP else 60  # seconds before a line that must come counts as lost


def iso(t):
    return datetime.datetime.fromtimestamp(int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_lines(proc, count):
    """Read count lines from proc's stdout while its stdin stays open."""
    got, buf, end = [], b"", time.monotonic() + LIMIT
    fd = proc.stdout.fileno()
    while len(got) < count and time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 1.0)
        if not r:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf and len(got) < count:
            line, buf = buf.split(b"\n", 1)
            got.append(json.loads(line))
    return got, buf


def finish(proc):
    """Close the input, then read what remains and the status."""
    proc.stdin.close()
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=LIMIT)
    return out, err


def summary(recs):
    return [[r["id"], (r.get("sla") or {}).get("status"), (r.get("sla") or {}).get("response_id")]
            for r in recs]


tmp = tempfile.mkdtemp(prefix="sla-live-")
policy = os.path.join(tmp, "sla.conf")
with open(policy, "w") as f:
    f.write("[policy quick]\nplatform forum\ntarget 3s\n\n[policy slow]\ntarget 1d\n")

cmd = WRAP + [os.path.join(TOP, "bin", "sla-check"), "--sorted", "--line-buffered",
              "--policy", policy]
proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
# An outbound record comes out at once: once it has, sla-check runs, and
# the times below fall after its start (under valgrind that takes a while).
proc.stdin.write(b'{"id":"p","platform":"x","direction":"out","created_at":"2020-01-01T00:00:00Z"}\n')
proc.stdin.flush()
got, rest = read_lines(proc, 1)
ok(summary(got) == [["p", None, None]], "an outbound record comes out at once", summary(got))
now = time.time()
recs = [
    # history: due long before the run, unanswered in the input so far
    {"id": "h", "platform": "forum", "direction": "in", "created_at": "2020-01-01T00:00:00Z"},
    # due 3 s after it was written: the wall clock passes that while the pipe is open
    {"id": "a", "platform": "forum", "direction": "in", "created_at": iso(now)},
    # due in a day: still waiting when the input ends
    {"id": "b", "platform": "x", "direction": "in", "created_at": iso(now)},
    # answered at once
    {"id": "c", "platform": "x", "direction": "in", "created_at": iso(now)},
    {"id": "r", "platform": "x", "direction": "out", "created_at": iso(now), "in_reply_to": "c"},
]
for r in recs:
    proc.stdin.write((json.dumps(r, separators=(",", ":")) + "\n").encode())
    proc.stdin.flush()
    time.sleep(0.2)

got, rest = read_lines(proc, 3)
ok(len(got) == 3, "three records come out while the input is still open", summary(got))
ids = [r["id"] for r in got]
ok("r" in ids and "c" in ids and ids.index("r") < ids.index("c"),
   "the outbound record at once, its mention after it", summary(got))
ok(sorted(summary(got)) == [["a", "missed", None], ["c", "met", "r"], ["r", None, None]],
   "c once its response's second is over (met), a once the wall clock passed its due time (missed)",
   summary(got))
ok(proc.poll() is None, "sla-check is still running on the open pipe")

out, err = finish(proc)
tail = [json.loads(l) for l in (rest + out).decode().splitlines()]
ok(proc.returncode == 0, "exit 0 at the end of the input", err.decode())
ok(summary(tail) == [["h", "missed", None], ["b", "pending", None]],
   "at the end: the history mention (waited for an answer that never came) and the one not due yet, in input order",
   summary(tail))

# With --now the instant is fixed: the run is a replay and nothing leaves
# before its answer or the end, whatever the pipe does.
proc = subprocess.Popen(WRAP + [os.path.join(TOP, "bin", "sla-check"), "--sorted", "--line-buffered",
                                "--policy", policy, "--now", iso(now + 86400 * 2)],
                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
late = [
    {"id": "a", "platform": "forum", "direction": "in", "created_at": iso(now)},
    {"id": "ra", "platform": "forum", "direction": "out", "created_at": iso(now + 60), "in_reply_to": "a"},
]
proc.stdin.write((json.dumps(late[0]) + "\n").encode())
proc.stdin.flush()
time.sleep(0.5)
proc.stdin.write((json.dumps(late[1]) + "\n").encode())
out, err = finish(proc)
ok(summary([json.loads(l) for l in out.decode().splitlines()]) ==
   [["ra", None, None], ["a", "breached", "ra"]],
   "with --now: a late answer still counts (breached, as without --sorted)", out.decode() + err.decode())

done()
