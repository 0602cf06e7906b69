#!/bin/sh
""":"
exec python3 "$0" "$@"
"""

__doc__ = """Progress on a shared terminal (cp_progress, common/prog.c): stderr is
a pseudo-terminal this test opens, CAREPIPE_PROGRESS_SECONDS=0 makes every
check draw (every 65536 lines), so nothing here depends on time.

  - in a pipeline only the last stage (standard output not a pipe) draws;
  - the progress line is redrawn in place: "\\r", erase line, "PROG: ...";
  - every message, from any stage, starts on a fresh line: on a terminal
    that knows ESC [ K it erases the line first, on TERM=dumb it ends an
    open progress line with "\\n";
  - -q, or standard output a pipe, draws nothing.
TAP on stdout.
"""
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, done, TOP

BIN = os.path.join(TOP, "bin")
TMP = tempfile.mkdtemp(prefix="cp-progress-")
ERASE = "\r\x1b[K"


def on_pty(cmd, term="xterm"):
    """Run cmd under sh with stderr on a new pseudo-terminal; its text."""
    master, slave = pty.openpty()
    env = dict(os.environ, PATH=BIN + os.pathsep + os.environ["PATH"], TERM=term,
               CAREPIPE_PROGRESS_SECONDS="0")
    p = subprocess.Popen(["sh", "-c", cmd], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=slave, cwd=TMP, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:   # EIO: every writer closed the terminal
            break
        if not chunk:
            break
        out += chunk
    p.wait()
    os.close(master)
    # The terminal driver turns "\n" into "\r\n".
    return p.returncode, out.decode("utf-8", "replace").replace("\r\n", "\n")


# 140,000 records, a bad line at 70,000: two progress ticks, a message between.
with open(os.path.join(TMP, "big.ndjson"), "w") as f:
    for i in range(1, 140001):
        f.write("not json\n" if i == 70000 else '{"id":"x:%d","platform":"forum","direction":"in","created_at":"2024-01-01T00:00:00Z","text":"hello"}\n' % i)

with open(os.path.join(TMP, "big.csv"), "w") as f:
    f.write("id,text,t\n")
    for i in range(1, 20001):
        f.write("%d,hello,2024-01-01T00:00:00Z\n" % i)

TICK = r"\r\x1b\[K%s: %d lines, %d bad, \d+ lines/s"

rc, out = on_pty("tag -r 'tag a if true' big.ndjson | sla-check --now 2024-01-01T00:00:00Z > out.ndjson")
ok(rc == 0 and not re.search(r"tag: \d+ lines", out),
   "a pipeline: the first stage (stdout a pipe) draws no progress", out)
ok(re.search(r"\r\x1b\[Ksla-check: indexing 65536 lines, \d+ lines/s", out) and
   re.search(r"\r\x1b\[Ksla-check: writing 131072 lines, \d+ lines/s", out),
   "the last stage draws its line in place: \\r, erase line, 'sla-check: ... N lines, R lines/s'", out)
ok(re.search(r"\r\x1b\[Ksla-check: writing 139999 lines, \d+ lines/s\n$", out),
   "the last stage ends its line when done: the terminal's cursor is left on a fresh line", out)
ok(ERASE + "tag: big.ndjson:70000: invalid literal at byte 1\n" in out,
   "another stage's message erases the progress line it may land on, and has a line of its own", out)

rc, out = on_pty("tag -r 'tag a if true' big.ndjson > out.ndjson")
m = re.search(r"(.*)\r\x1b\[Ktag: big.ndjson:70000: invalid literal at byte 1\n", out, re.S)
ok(rc == 65 and m and re.search(TICK % ("tag", 65536, 0) + "$", m.group(1)) and
   re.search(TICK % ("tag", 131072, 1), out),
   "one program: its own bad-line message after its progress line starts on a fresh line; the count goes on", out)

rc, out = on_pty("tag -r 'tag a if true' big.ndjson > out.ndjson", term="dumb")
ok(rc == 65 and "\x1b" not in out and
   re.search(r"\rtag: 65536 lines, 0 bad, \d+ lines/s\ntag: big.ndjson:70000: invalid literal at byte 1\n", out),
   "TERM=dumb: no escape sequences; an open progress line is ended before a message", out)

rc, out = on_pty("tag -q -r 'tag a if true' big.ndjson > out.ndjson; tag -r 'tag a if true' big.ndjson | cat > out2.ndjson")
ok(out == (ERASE + "tag: big.ndjson:70000: invalid literal at byte 1\n") * 2,
   "-q draws nothing, nor does a program whose stdout is a pipe; bad lines are still reported", out)

rc, out = on_pty("fetch-mentions --import csv --map 'id=id,text=text,created_at=t,platform:=forum' big.csv > out.ndjson")
ok(rc == 0 and re.search(r"\r\x1b\[Kfetch-mentions: big.csv: 16384 rows, 0 bad, \d+ rows/s", out) and
   re.search(r"\r\x1b\[Kfetch-mentions: big.csv: 20001 rows, 0 bad, \d+ rows/s\n$", out),
   "fetch-mentions' CSV import draws through the same writer", out)

shutil.rmtree(TMP, ignore_errors=True)
done()
