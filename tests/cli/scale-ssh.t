#!/usr/bin/env python3
"""examples/scale/parallel.sh over GNU parallel's --sshlogin, to a real
OpenSSH server this test starts on 127.0.0.1 with throwaway keys: the
partial aggregates are made by kpi-report runs that ssh started, and the
merged report equals a single run byte for byte.

Skipped (and says so) without sshd, ssh-keygen or GNU parallel."""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import taplib
from taplib import ok, skip_all, free_port

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
bindir = os.path.join(top, "bin")
sshd = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
need = [("sshd", sshd), ("ssh", shutil.which("ssh")), ("ssh-keygen", shutil.which("ssh-keygen")),
        ("parallel", shutil.which("parallel"))]
missing = [n for n, p in need if not p]
if missing:
    skip_all(f"needs {', '.join(missing)} (scripts/install-deps installs them)")

tmp = tempfile.mkdtemp(prefix="carepipe-ssh-")
tests = []
proc = None


def done():
    if proc and proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=10)
    shutil.rmtree(tmp, ignore_errors=True)
    for good, name in tests:
        ok(good, name)
    taplib.done()


if True:
    for key in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "carepipe-test",
                        "-f", os.path.join(tmp, key)], check=True)
    shutil.copy(os.path.join(tmp, "client.pub"), os.path.join(tmp, "authorized_keys"))
    port = free_port()
    user = os.environ.get("USER") or subprocess.run(["id", "-un"], stdout=subprocess.PIPE,
                                                    text=True).stdout.strip()
    conf = os.path.join(tmp, "sshd_config")
    with open(conf, "w") as f:
        f.write(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {tmp}/host
PidFile {tmp}/sshd.pid
AuthorizedKeysFile {tmp}/authorized_keys
AllowUsers {user}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
PermitUserEnvironment no
LogLevel ERROR
""")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)  # privilege separation
    proc = subprocess.Popen([sshd, "-D", "-e", "-f", conf], stderr=open(os.path.join(tmp, "sshd.log"), "w"))
    ssh = (f"ssh -i {tmp}/client -p {port} -o BatchMode=yes -o StrictHostKeyChecking=no "
           f"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR")
    up = False
    for _ in range(100):
        r = subprocess.run(ssh.split() + [f"{user}@127.0.0.1", "echo", "up"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.stdout.strip() == "up":
            up = True
            break
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    tests.append((up, f"sshd answers on 127.0.0.1:{port} with the throwaway key"))
    if not up:
        sys.stderr.write(open(os.path.join(tmp, "sshd.log")).read())
        done()

    data = os.path.join(tmp, "mentions.ndjson")
    with open(data, "wb") as f:
        subprocess.run([os.path.join(bindir, "gen-mentions"), "-n", "20000", "-s", "7"],
                       stdout=f, check=True)
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
               SSHLOGIN=f"2/{ssh} {user}@127.0.0.1", BLOCK="1M",
               PARALLEL_HOME=os.path.join(tmp, "parallel"))
    # The jobs log the host they ran on: every partial must come through ssh.
    marker = os.path.join(tmp, "ran-remote")
    wrap = os.path.join(tmp, "wrapbin")
    os.makedirs(wrap)
    with open(os.path.join(wrap, "kpi-report"), "w") as f:
        f.write(f"#!/bin/sh\n[ -n \"$SSH_CONNECTION\" ] && case \" $* \" in *\" --partial \"*) "
                f"echo $$ >> {marker};; esac\nexec {bindir}/kpi-report \"$@\"\n")
    os.chmod(os.path.join(wrap, "kpi-report"), 0o755)
    env["PATH"] = wrap + os.pathsep + env["PATH"]
    for fmt in ("csv", "ndjson"):
        p = subprocess.run([os.path.join(top, "examples", "scale", "parallel.sh"), data,
                            "--by", "platform,day", "-f", fmt], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        single = subprocess.run([os.path.join(bindir, "kpi-report"), "--by", "platform,day",
                                 "-f", fmt, data], stdout=subprocess.PIPE)
        tests.append((p.returncode == 0 and p.stdout == single.stdout and len(p.stdout) > 100,
                      f"parallel.sh over --sshlogin, -f {fmt}: the merged report equals a single "
                      f"run (exit {p.returncode}, {len(p.stdout)} bytes){' ' + p.stderr.decode()[:200] if p.returncode else ''}"))
    jobs = len(open(marker).read().split()) if os.path.exists(marker) else 0
    tests.append((jobs >= 4, f"the partials were made by kpi-report runs that sshd started ({jobs} jobs)"))
done()
