"""TAP for the Python tests of tests/cli/, written once (issue 15 item 9).

A test puts its own folder on sys.path and imports what it uses:

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from taplib import ok, is_eq, done

ok() numbers the checks and keeps the count of failures; done() prints the
plan after them and exits 1 when any check failed, so a test cannot end
in success after a "not ok".  Also here: the ports and the mock server
(tests/mock/server.py) the network tests start on 127.0.0.1.
"""
import atexit
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SHARED = os.environ.get("CAREPIPE_SHARED") or os.path.abspath(os.path.join(TOP, "..", "shared"))
# make check VALGRIND=1 runs every program under this wrapper: waits grow.
WRAP = os.environ.get("CAREPIPE_WRAP", "").split()
SLOW = 10 if WRAP else 1
PRISM = os.path.join(TOP, ".deps", "prism", "node_modules", ".bin", "prism")

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")

count = 0   # checks printed so far
failed = 0  # of which "not ok"


def tap_name(name):
    """NAME as a TAP description: a # would start a directive (SKIP, TODO)."""
    return str(name).replace("#", "\\#").replace("\n", " ")


def ok(cond, name, *diag, todo=None):
    """One check: "ok N - NAME", or "not ok" followed by each DIAG (any
    value, shown with str()) as # comments: of a long one its first and
    last 15 lines, where a command's error and its end are.  With TODO (the
    reason), a known failure: "# TODO reason" is added and a "not ok" does
    not fail the test.  Returns COND, so a test can go on only when a check
    held."""
    global count, failed
    count += 1
    print("%sok %d - %s%s" % ("" if cond else "not ", count, tap_name(name),
                              " # TODO " + tap_name(todo) if todo else ""))
    if not cond:
        if not todo:
            failed += 1
        for d in diag:
            if d is None or d == "":
                continue
            # a terminal's control characters (progress.t's \r and escapes)
            # shown escaped, never sent through TAP
            lines = CONTROL.sub(lambda m: repr(m.group())[1:-1], str(d)).split("\n")
            if len(lines) > 30:
                lines = lines[:15] + ["... %d lines left out ..." % (len(lines) - 30)] + lines[-15:]
            for line in lines:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def is_eq(got, want, name):
    """ok(got == want), showing both when they differ."""
    return ok(got == want, name, "got:  %r\nwant: %r" % (got, want))


def skip(name, why):
    """A check that cannot run here: "ok N # SKIP NAME: WHY"."""
    global count
    count += 1
    print("ok %d # SKIP %s: %s" % (count, tap_name(name), why))
    sys.stdout.flush()


def skip_all(why):
    """The whole test cannot run here: an empty plan saying why, exit 0."""
    print("1..0 # SKIP %s" % why)
    sys.exit(0)


def note(text):
    """Lines to show whatever the checks say (figures measured): # comments."""
    for line in str(text).split("\n"):
        print("#   " + line)
    sys.stdout.flush()


def status():
    """The exit status the checks so far call for: 1 after any "not ok"."""
    return 1 if failed else 0


plan_printed = False


def plan(n):
    """The plan before the checks, when their number is known: "1..N"."""
    global plan_printed
    print("1..%d" % n)
    sys.stdout.flush()
    plan_printed = True


def done(planned=False):
    """The plan after the checks (unless plan() or the test itself, saying
    PLANNED, printed it before them), and exit with status()."""
    if not planned and not plan_printed:
        print("1..%d" % count)
    sys.exit(status())


def free_port():
    """A TCP port free on 127.0.0.1 now (the server binds it just after)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, secs):
    """Whether something accepts on 127.0.0.1:PORT within SECS seconds."""
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def scratch(prefix):
    """A temporary folder and a list for the processes a test starts;
    (folder, list).  At exit every process still running is stopped
    (terminate, then kill after 5 s) and the folder removed."""
    tmp = tempfile.mkdtemp(prefix=prefix)
    procs = []

    def cleanup():
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(cleanup)
    return tmp, procs


def wrapped_bin():
    """bin/, or with CAREPIPE_WRAP (e.g. valgrind) a folder of scripts that
    run each program of bin/ under it, to put first on PATH."""
    if not WRAP:
        return os.path.join(TOP, "bin")
    d = tempfile.mkdtemp(prefix="carepipe-wrap-")
    for name in os.listdir(os.path.join(TOP, "bin")):
        w = os.path.join(d, name)
        with open(w, "w") as f:
            f.write('#!/bin/sh\nexec %s "%s" "$@"\n' % (" ".join(WRAP), os.path.join(TOP, "bin", name)))
        os.chmod(w, 0o755)
    return d


def start_mock(port_file, *args, lifetime=300):
    """Start tests/mock/server.py with ARGS (it picks a port and writes it to
    PORT_FILE) for at most LIFETIME seconds (times SLOW: a test under the
    wrapper takes that much longer); (process, port).  Bails out
    when no port comes within 10 s: no check could mean anything then."""
    p = subprocess.Popen([sys.executable, os.path.join(TOP, "tests", "mock", "server.py"),
                          "--port-file", port_file, "--lifetime", str(lifetime * SLOW)] + list(args),
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file):
            with open(port_file) as f:
                text = f.read().strip()
            if text:
                return p, int(text)
        time.sleep(0.05)
    p.kill()
    raise SystemExit("Bail out! the mock server did not start")
