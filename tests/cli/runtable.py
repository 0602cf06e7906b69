#!/usr/bin/env python3
"""Run a CLI test table and print TAP.

A table file is executable by prove: it starts with a two-line shell
preamble that hands the file to this runner, and the runner reads the
cases that follow the line `__TABLE__`.  A case:

    ### a name for the case
    $ shell command line          (several $ lines make one script)
    < a line of standard input    (as many as needed; none: empty stdin)
    <<file NAME                    stdin comes from a file (paths as in $)
    > an expected stdout line     (exact; all lines must match, in order)
    >~ a regular expression       (one stdout line must fully match it)
    >* anything                   (stdout is not checked)
    2> an expected stderr line    (exact; when any 2> line is given,
    2>~ a regular expression       stderr must match line for line)
    ? 65                           the exit status (default 0)
    ! needs shared                 skip unless ../shared is present
    ! needs unwrapped              skip under CAREPIPE_WRAP (valgrind needs
                                   the TMPDIR and stderr such a case breaks)
    ! needs command NAME           skip unless the program NAME is on PATH
    = NAME                        a file the case writes into $TMP:
    =| a line of it                its exact expected contents, line by line

A line `<` alone is an empty input line; `>` alone an empty output line.
Every $ line but the last must exit 0, as under `set -e` (see script()).
Commands run under sh with cwd a fresh temporary directory, PATH starting
with the project's bin/, and these variables: TOP (the checkout), SHARED
(../shared, absolute), TMP (the case's directory), and XDG_CONFIG_HOME
$TMP/.config, CAREPIPE_CONFIG unset, so no carepipe.conf of the user's is
read.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import TOP, SHARED, WRAP, wrapped_bin  # noqa: E402


def parse(path):
    cases, cur = [], None
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    try:
        start = lines.index("__TABLE__") + 1
    except ValueError:
        start = 0
    for no, raw in enumerate(lines[start:], start + 1):
        if raw.startswith("### "):
            cur = {"name": raw[4:].strip(), "line": no, "cmd": [], "stdin": [],
                   "cmd_lines": [], "stdin_file": None, "out": [], "out_any": False, "err": [],
                   "status": 0, "needs": [], "files": []}
            cases.append(cur)
            continue
        if not raw.strip() or (raw.startswith("#") and not raw.startswith("###")):
            continue
        if cur is None:
            sys.exit(f"{path}:{no}: a line before the first ### case")
        m = re.match(r"^(\$|<<file|<|>~|>\*|>|2>~|2>|\?|!|=\||=)( ?)(.*)$", raw)
        if not m:
            sys.exit(f"{path}:{no}: cannot read this line: {raw!r}")
        tag, text = m.group(1), m.group(3)
        if tag == "$":
            cur["cmd"].append(text)
            cur["cmd_lines"].append(no)
        elif tag == "<":
            cur["stdin"].append(text)
        elif tag == "<<file":
            cur["stdin_file"] = text
        elif tag == ">":
            cur["out"].append(("=", text))
        elif tag == ">~":
            cur["out"].append(("~", text))
        elif tag == ">*":
            cur["out_any"] = True
        elif tag == "2>":
            cur["err"].append(("=", text))
        elif tag == "2>~":
            cur["err"].append(("~", text))
        elif tag == "?":
            cur["status"] = int(text)
        elif tag == "!":
            cur["needs"].append(text)
        elif tag == "=":
            cur["files"].append([text, []])
        elif tag == "=|":
            cur["files"][-1][1].append(text)
    return cases


HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?")


def complete(text):
    """Whether TEXT is whole commands: sh -n parses it (a `for ... do`, an
    open quote or a trailing | is not) and every here-document is closed."""
    lines = text.split("\n")
    if text.endswith("\\"):
        return False
    for i, l in enumerate(lines):
        for word in HEREDOC.findall(l.replace("<<<", "")):
            if word not in (x.strip() for x in lines[i + 1:]):
                return False
    return subprocess.run(["sh", "-n", "-c", text], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode == 0


# The next line reads this one's status itself (`echo "exit $?"`).
STATUS_READ = re.compile(r"^[^|;&\n]*\$\?")


def script(case, path, status_file):
    """The case's $ lines as one sh script, as if under `set -e` line by line:
    every line but the last (with the lines that complete it, a loop or a
    here-document, or ending in a backslash) must exit 0, else the script
    stops there and writes the line's number and status to STATUS_FILE.
    Inside a line, ; and || work as in sh, so `cmd; echo "exit $?"` still
    shows a status on purpose, and so does a next line that starts by
    reading $?.  (A plain `set -e` would stop at that cmd too.)"""
    units, cur, first = [], [], None
    for text, no in zip(case["cmd"], case["cmd_lines"]):
        cur.append(text)
        first = first or no
        if complete("\n".join(cur)):
            units.append((first, "\n".join(cur)))
            cur, first = [], None
    if cur:  # not whole: sh reports the syntax error of the last unit
        units.append((first, "\n".join(cur)))
    out = []
    for i, (no, text) in enumerate(units):
        if i == len(units) - 1 or STATUS_READ.match(units[i + 1][1]):
            out.append(text)
        else:
            out.append("{\n%s\n} || { echo %d $? > '%s'; exit 1; }" % (text, no, status_file))
    return "\n".join(out)


def match_lines(got, want):
    """Return None when got matches want line for line, else a message."""
    if len(got) != len(want):
        return f"{len(got)} lines, wanted {len(want)}"
    for i, (g, (kind, w)) in enumerate(zip(got, want)):
        if kind == "=" and g != w:
            return f"line {i + 1} differs:\n#   got: {g}\n#  want: {w}"
        if kind == "~" and not re.fullmatch(w, g):
            return f"line {i + 1} does not match:\n#   got: {g}\n#  want: /{w}/"
    return None


def run(path):
    cases = parse(path)
    print(f"1..{len(cases)}")
    failed = 0
    env = dict(os.environ)
    env["PATH"] = wrapped_bin() + os.pathsep + env.get("PATH", "")
    env["TOP"] = TOP
    env["SHARED"] = SHARED
    env["LC_ALL"] = "C.UTF-8"
    env.pop("CAREPIPE_SHARED", None)
    # carepipe.conf(5) lookup: nothing of the user's own may leak in.
    env.pop("CAREPIPE_CONFIG", None)
    for n, c in enumerate(cases, 1):
        label = f"{c['name']} ({os.path.basename(path)}:{c['line']})"
        if "shared" in " ".join(c["needs"]) and not os.path.isdir(os.path.join(SHARED, "data")):
            print(f"ok {n} # SKIP {label}: ../shared is absent")
            continue
        missing = [w.split()[2] for w in c["needs"]
                   if w.startswith("needs command ") and not shutil.which(w.split()[2])]
        if missing:
            print(f"ok {n} # SKIP {label}: {missing[0]} is not installed")
            continue
        if "unwrapped" in " ".join(c["needs"]) and WRAP:
            print(f"ok {n} # SKIP {label}: the wrapper (valgrind) needs what the case takes away")
            continue
        tmp = tempfile.mkdtemp(prefix="carepipe-t-")
        # outside TMP, which the cases list and check
        fd, status_file = tempfile.mkstemp(prefix="carepipe-t-status-")
        os.close(fd)
        env["TMP"] = tmp
        env["XDG_CONFIG_HOME"] = os.path.join(tmp, ".config")
        if c["stdin_file"]:
            with open(os.path.expandvars(c["stdin_file"].replace("$TOP", TOP).replace("$SHARED", SHARED)), "rb") as f:
                data = f.read()
        else:
            data = "".join(l + "\n" for l in c["stdin"]).encode()
        try:
            p = subprocess.run(["sh", "-c", script(c, path, status_file)], input=data, cwd=tmp, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600)
            out = p.stdout.decode("utf-8", "replace").split("\n")
            err = p.stderr.decode("utf-8", "replace").split("\n")
            if out and out[-1] == "":
                out.pop()
            if err and err[-1] == "":
                err.pop()
            problems = []
            with open(status_file) as f:
                stopped = f.read().split()
            if stopped:
                problems.append(f"stopped: the command at {os.path.basename(path)}:{stopped[0]} exited "
                                f"{stopped[1]}; every $ line but the last must exit 0")
            elif p.returncode != c["status"]:
                problems.append(f"exit status {p.returncode}, wanted {c['status']}")
            if not c["out_any"]:
                m = match_lines(out, c["out"])
                if m:
                    problems.append("stdout: " + m)
            if c["err"]:
                m = match_lines(err, c["err"])
                if m:
                    problems.append("stderr: " + m)
            for name, want in c["files"]:
                fp = os.path.join(tmp, name)
                if not os.path.exists(fp):
                    problems.append(f"file {name} was not written")
                    continue
                with open(fp, encoding="utf-8", errors="replace") as f:
                    got = f.read().split("\n")
                if got and got[-1] == "":
                    got.pop()
                m = match_lines(got, [("=", w) for w in want])
                if m:
                    problems.append(f"file {name}: " + m)
        except subprocess.TimeoutExpired:
            problems = ["timed out"]
            out, err = [], []
        if problems:
            failed += 1
            print(f"not ok {n} - {label}")
            for pr in problems:
                for l in pr.split("\n"):
                    print(f"#   {l}" if not l.startswith("#") else l)
            print("# stdout:")
            for l in out[:20]:
                print(f"#   | {l}")
            print("# stderr:")
            for l in err[:20]:
                print(f"#   | {l}")
        else:
            print(f"ok {n} - {label}")
        shutil.rmtree(tmp, ignore_errors=True)
        os.unlink(status_file)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1]))
