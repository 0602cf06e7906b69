#!/usr/bin/env python3
"""Soak and signals (issue 8): generated records through the whole
pipeline, fetch-mentions --import -> tag -> sla-check -> kpi-report, then
the same pipeline cut off by SIGPIPE, interrupted by SIGINT and SIGTERM,
writing to a full disk, and keeping state in a full and a read-only
directory.  In every case: a clear error, the exit status DESIGN.md gives
(74 for I/O; a signal's own death for SIGPIPE, SIGINT and SIGTERM), no
broken output line, no state corrupted, and a rerun that completes with
the undisturbed run's output.

SOAK_N records (default 20000, 2000 under CAREPIPE_WRAP; `make soak`
runs 1,000,000).  The full and
read-only disks are small tmpfs mounts when this runs as root and mount
works; otherwise the full disk is /dev/full and the read-only case is
skipped.  Prints TAP.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import ok, skip, done, TOP, WRAP

BIN = os.path.join(TOP, "bin")
# Under valgrind (make check VALGRIND=1) the same paths on fewer records.
N = int(os.environ.get("SOAK_N", "2000" if WRAP else "20000"))
TMP = tempfile.mkdtemp(prefix="carepipe-soak-")
ENV = dict(os.environ)
# Copies, so that a rebuild of bin/ or an edit of the examples during a
# long run cannot make the rerun differ.
os.mkdir(os.path.join(TMP, "bin"))
for prog in ("fetch-mentions", "tag", "sla-check", "kpi-report", "assign", "gen-mentions"):
    if os.path.exists(os.path.join(BIN, prog)):
        shutil.copy(os.path.join(BIN, prog), os.path.join(TMP, "bin", prog))
BIN = os.path.join(TMP, "bin")
shutil.copytree(os.path.join(TOP, "examples"), os.path.join(TMP, "examples"))
RULES = os.path.join(TMP, "examples", "rules", "consumer.rules")
POLICY = os.path.join(TMP, "examples", "sla", "support.conf")
ROSTER = os.path.join(TMP, "examples", "assign", "team.roster")
NOW = "2026-03-01T00:00:00Z"
mounts = []


STAGES = [
    ["fetch-mentions", "--import", "ndjson"],
    ["tag", "--rules", RULES],
    ["sla-check", "--policy", POLICY, "--now", NOW],
    ["kpi-report", "-f", "ndjson", "--by", "platform"],
]


def pipeline(stages, stdin, stdout, stderr_dir, group=False):
    """Start stages as a pipeline; returns the Popen objects.  With group,
    the stages are a process group of their own, which os.killpg signals
    all at once, as a terminal's ^C does: signalled one by one, a stage
    could see its upstream's end of input and exit 0 before its own
    signal came."""
    procs, prev = [], stdin
    for i, st in enumerate(stages):
        last = i == len(stages) - 1
        err = open(os.path.join(stderr_dir, "err%d" % i), "wb")
        ours = os.path.exists(os.path.join(BIN, st[0]))
        argv = WRAP + [os.path.join(BIN, st[0])] + st[1:] if ours else st
        pg = {"process_group": procs[0].pid if procs else 0} if group else {}
        p = subprocess.Popen(argv, stdin=prev, env=ENV,
                             stdout=stdout if last else subprocess.PIPE, stderr=err,
                             start_new_session=False, **pg)
        if prev not in (None, subprocess.PIPE) and hasattr(prev, "close") and i > 0:
            prev.close()
        prev = p.stdout
        procs.append(p)
    return procs


def errs(d, k):
    return [open(os.path.join(d, "err%d" % i), errors="replace").read() for i in range(k)]


def json_lines(path):
    bad, count = 0, 0
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        return -1
    for line in data.splitlines():
        count += 1
        try:
            json.loads(line)
        except ValueError:
            bad += 1
    return count if not bad else -1


def run_pipe(name, stages, infile, outfile):
    d = os.path.join(TMP, name)
    os.makedirs(d, exist_ok=True)
    with open(infile, "rb") as i, open(outfile, "wb") as o:
        procs = pipeline(stages, i, o, d)
        rcs = [p.wait(timeout=3600) for p in procs]
    return rcs, errs(d, len(stages))


def can_mount():
    if os.geteuid() != 0:
        return False
    d = os.path.join(TMP, "probe")
    os.mkdir(d)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", d], capture_output=True)
    if r.returncode != 0:
        return False
    subprocess.run(["umount", d])
    return True


def tmpfs(name, size):
    d = os.path.join(TMP, name)
    os.mkdir(d)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", d], check=True)
    mounts.append(d)
    return d


def state_ok(d):
    """No temporary file left; every file whole JSON (lines)."""
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            if ".tmp" in f:
                return "temporary file left: %s" % p
            if f.startswith(".lock"):
                continue
            text = open(p, errors="replace").read()
            if text and not text.endswith("\n") and not f.endswith(".state"):
                return "%s: partial last line" % p
            try:
                for line in text.splitlines():
                    json.loads(line)
            except ValueError:
                try:
                    json.loads(text)
                except ValueError:
                    return "%s: not JSON" % p
    return None


def snapshot(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            if not f.startswith(".lock"):
                p = os.path.join(root, f)
                out[os.path.relpath(p, d)] = open(p, "rb").read()
    return out


try:
    gen = os.path.join(TMP, "gen.ndjson")
    with open(gen, "wb") as f:
        subprocess.run([os.path.join(BIN, "gen-mentions"), "-n", str(N), "-s", "1"], stdout=f, check=True)

    # ------------------------------------------------------------ whole pipeline
    t0 = time.time()
    mid = STAGES[:3] + [["tee", os.path.join(TMP, "sla.ndjson")]] + STAGES[3:]
    ref = os.path.join(TMP, "kpi.ndjson")
    rcs, es = run_pipe("ref", mid, gen, ref)
    secs = time.time() - t0
    groups = [json.loads(l) for l in open(ref)] if os.path.getsize(ref) else []
    total = sum(g.get("in", 0) + g.get("out", 0) for g in groups)
    ok(rcs == [0] * len(mid) and json_lines(os.path.join(TMP, "sla.ndjson")) == N and total == N,
       "%d records: import, tag, sla-check, kpi-report all exit 0, none lost (%.1fs, %.0f records/s)"
       % (N, secs, N / secs), "%s %s %d %s" % (rcs, total, json_lines(os.path.join(TMP, "sla.ndjson")), es))
    sla_ref = open(os.path.join(TMP, "sla.ndjson"), "rb").read()

    # ------------------------------------------------------------ SIGPIPE
    d = os.path.join(TMP, "pipe")
    os.mkdir(d)
    with open(gen, "rb") as i:
        procs = pipeline(STAGES[:3] + [["head", "-n", "10"]], i, subprocess.PIPE, d)
        out = procs[-1].stdout.read()
        rcs = [p.wait(timeout=600) for p in procs]
    es = errs(d, 4)
    lines = out.splitlines()
    good = all(rc in (0, -signal.SIGPIPE) or (rc == 74 and "write error" in e)
               for rc, e in zip(rcs[:3], es[:3]))
    ok(good and len(lines) == 10 and all(json.loads(l) for l in lines) and
       not any("Sanitizer" in e or "core" in e for e in es),
       "| head -n 10: 10 whole records; the stages end by SIGPIPE or 74 with a message (%s)" % rcs[:3],
       "%s %s" % (rcs, es))

    # ------------------------------------------------------------ SIGINT, SIGTERM
    half = sla_ref and open(gen, "rb").read()
    cut = half[: len(half) // 2]
    cut = cut[: cut.rfind(b"\n") + 1]
    for sig in (signal.SIGINT, signal.SIGTERM):
        d = os.path.join(TMP, "sig%d" % sig)
        os.mkdir(d)
        outp = os.path.join(d, "out")
        with open(outp, "wb") as o:
            procs = pipeline(STAGES[:3], subprocess.PIPE, o, d, group=True)
            procs[0].stdin.write(cut)
            procs[0].stdin.flush()
            time.sleep(0.5)
            t0 = time.time()
            os.killpg(procs[0].pid, sig)
            try:
                procs[0].stdin.close()
            except BrokenPipeError:
                pass
            rcs = [p.wait(timeout=60) for p in procs]
            waited = time.time() - t0
        es = errs(d, 3)
        whole = json_lines(outp)
        ok(all(rc in (-sig, 128 + sig) for rc in rcs) and waited < 10 and whole >= 0,
           "%s mid-stream: every stage ends by the signal within %.1fs, no broken line (%s)"
           % (signal.Signals(sig).name, waited, rcs), "%s %s" % (rcs, es))
    rcs, es = run_pipe("rerun", STAGES[:3], gen, os.path.join(TMP, "rerun.ndjson"))
    ok(rcs == [0, 0, 0] and open(os.path.join(TMP, "rerun.ndjson"), "rb").read() == sla_ref,
       "a rerun after the interruptions gives the undisturbed run's output", "%s %s" % (rcs, es))

    # ------------------------------------------------------------ state under signals
    st = os.path.join(TMP, "assign-state")
    small = b"".join(cut.splitlines(True)[:2000])
    r = subprocess.run(WRAP + [os.path.join(BIN, "assign"), "-R", ROSTER, "--state", st, "--now", NOW],
                       input=small, capture_output=True)
    before = snapshot(st)
    d = os.path.join(TMP, "assign-sig")
    os.mkdir(d)
    with open(os.path.join(d, "out"), "wb") as o:
        procs = pipeline([["assign", "-R", ROSTER, "--state", st, "--now", NOW]], subprocess.PIPE, o, d)
        procs[0].stdin.write(cut)
        procs[0].stdin.flush()
        time.sleep(0.3)
        procs[0].send_signal(signal.SIGTERM)
        try:
            procs[0].stdin.close()
        except BrokenPipeError:
            pass
        rc = procs[0].wait(timeout=60)
    bad = state_ok(st)
    ok(r.returncode == 0 and rc in (-signal.SIGTERM, 143) and not bad,
       "assign --state killed by SIGTERM mid-stream: state whole (%s)" % ("unchanged" if snapshot(st) == before
                                                                         else "replaced whole"),
       "%s %s %s" % (rc, bad, r.stderr[-500:]))
    r = subprocess.run(WRAP + [os.path.join(BIN, "assign"), "-R", ROSTER, "--state", st, "--now", NOW],
                       input=small, capture_output=True)
    ok(r.returncode == 0 and not state_ok(st) and len(r.stdout.splitlines()) == len(small.splitlines()),
       "assign: a rerun on that state completes", r.stderr[-500:])

    # ------------------------------------------------------------ full disk
    mount = can_mount()
    if mount:
        full = tmpfs("full", "256k")
        target = os.path.join(full, "out.ndjson")
    else:
        target = "/dev/full"
    # Without leak checks: the exit from deep inside a run (74 on a write
    # error) skips the teardown of the policies' jq programs, and libjq
    # keeps only a pointer to the end of its stack block, which valgrind
    # and LeakSanitizer then count as lost.
    wrap, WRAP = WRAP, []
    ENV["ASAN_OPTIONS"] = "detect_leaks=0"
    rcs, es = run_pipe("full-run", STAGES[:3], gen, target)
    WRAP = wrap
    del ENV["ASAN_OPTIONS"]
    last_ok = rcs[-1] == 74 and "No space left on device" in es[-1]
    ok(last_ok and all(rc in (0, 74, -signal.SIGPIPE) for rc in rcs),
       "output to a full disk (%s): sla-check exits 74 saying so"
       % ("256k tmpfs" if mount else "/dev/full"), "%s %s" % (rcs, es))
    if mount:
        subprocess.run(["umount", full])
        mounts.remove(full)
        sd = tmpfs("stfull", "1m")
        st = os.path.join(sd, "st")
        r = subprocess.run(WRAP + [os.path.join(BIN, "assign"), "-R", ROSTER, "--state", st, "--now", NOW],
                           input=small, capture_output=True)
        before = snapshot(st)
        # Unbuffered: nothing is left to flush (and fail) when it closes.
        with open(os.path.join(sd, "filler"), "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError:
                pass
        r2 = subprocess.run(WRAP + [os.path.join(BIN, "assign"), "-R", ROSTER, "--state", st, "--now", NOW],
                            input=small, capture_output=True)
        ok(r.returncode == 0 and r2.returncode in (73, 74) and r2.stderr.strip() and
           snapshot(st) == before and not state_ok(st),
           "state on a full disk: assign exits %d with a message, the old state kept whole" % r2.returncode,
           "%d %s" % (r2.returncode, r2.stderr[-500:]))
        os.unlink(os.path.join(sd, "filler"))
        r3 = subprocess.run(WRAP + [os.path.join(BIN, "assign"), "-R", ROSTER, "--state", st, "--now", NOW],
                            input=small, capture_output=True)
        ok(r3.returncode == 0 and not state_ok(st), "  and a rerun with room completes", r3.stderr[-500:])
        # read-only
        subprocess.run(["mount", "-o", "remount,ro", sd], check=True)
        before = snapshot(st)
        r4 = subprocess.run(WRAP + [os.path.join(BIN, "assign"), "-R", ROSTER, "--state", st, "--now", NOW],
                            input=small, capture_output=True)
        ok(r4.returncode in (73, 74) and b"Read-only file system" in r4.stderr and snapshot(st) == before,
           "state in a read-only directory: assign exits %d saying so, state untouched" % r4.returncode,
           "%d %s" % (r4.returncode, r4.stderr[-500:]))
        subprocess.run(["mount", "-o", "remount,rw", sd], check=True)
        r5 = subprocess.run(WRAP + [os.path.join(BIN, "assign"), "-R", ROSTER, "--state", st, "--now", NOW],
                            input=small, capture_output=True)
        ok(r5.returncode == 0 and not state_ok(st), "  and a rerun once writable completes", r5.stderr[-500:])
    else:
        for what in ("state on a full disk", "  rerun", "state in a read-only directory", "  rerun"):
            skip(what, "needs root and mount for a small tmpfs")
finally:
    for m in mounts:
        subprocess.run(["umount", "-l", m])
    if not taplib.failed:
        shutil.rmtree(TMP, ignore_errors=True)
    else:
        print("# kept %s" % TMP)
done()
