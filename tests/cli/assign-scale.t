#!/usr/bin/env python3
"""assign on 1M generated records (bin/gen-mentions -n 1000000 -s 1):
memory is constant per open item and remembered thread, not per record,
and the throughput is at least 5x that of `jq -c .`.

A table cannot say "peak RSS of this run" or "this run against that run",
hence a script.  Throughput is compared on CPU time (user + sys of each
process), which does not move with the load of a shared machine; the wall
clock figures are printed too.  jq's rate is measured on the first 200,000
records (a per-line rate: the same on any prefix), to keep the test short.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import plan, note, skip, skip_all, status, TOP, WRAP

BIN = os.path.join(TOP, "bin")
N = int(os.environ.get("ASSIGN_SCALE_N", "1000000"))
JQ_N = min(N, 200000)
TIME = "/usr/bin/time"


def ok(cond, name, diag=None):
    """A check, and its figures shown whatever it says."""
    taplib.ok(cond, name)
    if diag:
        note(diag)


def run(argv, stdin_path):
    """Run argv with stdin from a file; return (status, cpu seconds, peak RSS KB, wall s,
    stderr).  The peak RSS comes from /usr/bin/time, whose child starts small: a child
    of python would start its high-water mark with python's own pages."""
    rssf = os.path.join(os.path.dirname(stdin_path), "rss")
    with open(stdin_path, "rb") as f:
        t0 = time.monotonic()
        p = subprocess.Popen([TIME, "-f", "%M", "-o", rssf] + argv, stdin=f,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        err = p.stderr.read().decode("utf-8", "replace")
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
    with open(rssf) as r:
        rss = int([l for l in r.read().split("\n") if l.strip().isdigit()][-1])
    return os.waitstatus_to_exitcode(status), ru.ru_utime + ru.ru_stime, rss, wall, err


def state_counts(d):
    opened = threads = 0
    with open(os.path.join(d, "assign", "state.ndjson"), encoding="utf-8") as f:
        for line in f:
            if line.startswith('{"thread":'):
                threads += 1
                opened += '"open":{' in line
    return opened, threads


def main():
    if not os.access(os.path.join(BIN, "assign"), os.X_OK) or \
       not os.access(os.path.join(BIN, "gen-mentions"), os.X_OK):
        skip_all("bin/assign or bin/gen-mentions is not built")
    if os.environ.get("CAREPIPE_BUILD", "build") != "build" or WRAP:
        skip_all("memory and speed figures mean nothing under sanitizers or valgrind; "
                 "the plain make check measures them")
    if subprocess.run([TIME, "-f", "%M", "true"], stderr=subprocess.DEVNULL).returncode:
        skip_all("GNU time (/usr/bin/time -f %M) is needed for peak RSS")
    have_jq = shutil.which("jq") is not None
    plan(6)
    tmp = tempfile.mkdtemp(prefix="carepipe-assign-scale-")
    try:
        data = os.path.join(tmp, "mentions.ndjson")
        with open(data, "wb") as f:
            subprocess.run([os.path.join(BIN, "gen-mentions"), "-n", str(N), "-s", "1"],
                           stdout=f, check=True)
        size = os.path.getsize(data)
        small = os.path.join(tmp, "small.ndjson")
        prefix = os.path.join(tmp, "prefix.ndjson")
        with open(data, "rb") as f, open(small, "wb") as s, open(prefix, "wb") as pf:
            for i, line in enumerate(f):
                if i < N // 10:
                    s.write(line)
                if i < JQ_N:
                    pf.write(line)
                else:
                    break

        # A team that takes everything (always on shift, any language), so
        # every inbound record opens or joins an item: the state is as big
        # as the roster lets it be.  Two capacities: memory must follow the
        # open items, not the records.
        def roster(cap):
            path = os.path.join(tmp, f"team{cap}.roster")
            with open(path, "w") as r:
                r.write("sticky 1d\nrelease-after 12h\nmax-threads 20000\n")
                for i in range(40):
                    r.write(f"[agent a{i}]\nqueues general\ncapacity {cap}\n")
            return path

        big, little = roster(500), roster(20)
        res = {}
        for name, inp, ros in (("small", small, big), ("full", data, big), ("little", data, little)):
            st = os.path.join(tmp, "state-" + name)
            rc, cpu, rss, wall, err = run([os.path.join(BIN, "assign"), "-R", ros, "--state", st],
                                          inp)
            o, t = state_counts(st) if rc == 0 else (0, 0)
            res[name] = dict(rc=rc, cpu=cpu, rss=rss, wall=wall, err=err, open=o, threads=t)
        f, s, l = res["full"], res["small"], res["little"]
        ok(all(r["rc"] == 0 for r in res.values()), "assign runs over the generated records",
           "; ".join(f"{k}: exit {r['rc']} {r['err'].strip()[:200]}" for k, r in res.items()))

        ok(f["open"] <= 40 * 500 and l["open"] <= 40 * 20 and f["threads"] - f["open"] <= 20000,
           "open items stay within the sum of capacities, answered threads within max-threads",
           f"1M, capacity 500 x 40: {f['open']} open items, {f['threads']} threads; "
           f"capacity 20 x 40: {l['open']} open items, {l['threads']} threads")

        grow_kb = f["rss"] - s["rss"]
        ok(grow_kb < 4096, f"peak RSS does not grow with the records: {N // 10} records "
           f"{s['rss']} KB, {N} records {f['rss']} KB",
           f"grew {grow_kb} KB for {N - N // 10} more records")

        # Memory per entry: what the big roster holds beyond the little one,
        # divided by the extra entries.
        extra = f["threads"] - l["threads"] + f["open"] - l["open"]
        per = (f["rss"] - l["rss"]) * 1024 / max(extra, 1)
        ok(per < 1024, f"constant memory per open item or thread: about {per:.0f} bytes each",
           f"capacity 500: {f['rss']} KB for {f['threads']} threads ({f['open']} open); "
           f"capacity 20: {l['rss']} KB for {l['threads']} threads ({l['open']} open)")

        ok(f["rss"] < 64 * 1024, f"peak RSS {f['rss'] / 1024:.1f} MB on {size / 1e6:.0f} MB of input")

        if not have_jq:
            skip("assign against jq -c on the same records", "jq is not installed")
            return 0
        rc, jcpu, jrss, jwall, err = run(["jq", "-c", "."], prefix)
        psize = os.path.getsize(prefix)
        jrate = psize / 1e6 / max(jcpu, 1e-9)
        # the example roster: its queue rules (keywords, tags, fields) and shifts
        rc2, acpu, arss, awall, err2 = run([os.path.join(BIN, "assign"), "-R",
                                            os.path.join(TOP, "examples", "assign", "team.roster"),
                                            "--state", os.path.join(tmp, "state-example")], data)
        arate = size / 1e6 / max(acpu, 1e-9)
        ok(rc == 0 and rc2 == 0 and arate >= 5 * jrate,
           f"throughput: assign {arate:.0f} MB/s of CPU, jq -c . {jrate:.0f} MB/s: "
           f"{arate / jrate:.1f}x (at least 5x)",
           f"assign: {size / 1e6:.0f} MB in {acpu:.2f} s CPU, {awall:.2f} s wall, "
           f"peak RSS {arss / 1024:.1f} MB (example roster, --state)\n"
           f"jq -c .: {psize / 1e6:.0f} MB in {jcpu:.2f} s CPU, {jwall:.2f} s wall\n"
           f"wall-clock ratio {(size / awall) / (psize / jwall):.1f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return status()


if __name__ == "__main__":
    sys.exit(main())
