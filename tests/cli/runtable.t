#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# The test plumbing itself (issue 15 item 9).  The table runner: a case
# stops at the first $ line, other than the last, that exits non-zero, and
# fails saying which; a status read on purpose (on the line, or by the next
# line's $?) is not a failure; loops and here-documents over several $
# lines run whole.  taplib.py, the Python tests' TAP: any not ok fails.
__TABLE__

### a failing line that is not the last fails the case, naming the line, even when the rest matches
$ printf '%s\n' __TABLE__ '### x' '$ false' '$ echo hi' '> hi' > t.t
$ python3 $TOP/tests/cli/runtable.py t.t | sed -n '1,3p'; echo "exit $?"
> 1..1
> not ok 1 - x (t.t:2)
> #   stopped: the command at t.t:3 exited 1; every $ line but the last must exit 0
> exit 0

### a status shown on purpose, by the line or by the next line, passes; the last line's status is the case's
$ printf '%s\n' __TABLE__ '### x' '$ false; echo "a $?"' '$ (exit 3)' '$ echo "b $?"' '$ sh -c "exit 65"' '> a 1' '> b 3' '? 65' > t.t
$ python3 $TOP/tests/cli/runtable.py t.t
> 1..1
> ok 1 - x (t.t:2)

### a loop and a here-document over several lines run whole, and are checked as one
$ printf '%s\n' __TABLE__ '### x' '$ for i in 1 2; do' '$     echo $i' '$ done' "\$ cat > f <<'EOF'" '$ y' '$ EOF' '$ cat f' '> 1' '> 2' '> y' > t.t
$ printf '%s\n' '### y' '$ for i in 1 2; do' '$     false' '$ done' '$ echo no' '> no' >> t.t
$ python3 $TOP/tests/cli/runtable.py t.t | grep -v '^#   |'
> 1..2
> ok 1 - x (t.t:2)
> not ok 2 - y (t.t:13)
> #   stopped: the command at t.t:14 exited 1; every $ line but the last must exit 0
> #   stdout: 0 lines, wanted 1
> # stdout:
> # stderr:

### ! needs command skips a case whose program is missing
$ printf '%s\n' __TABLE__ '### x' '! needs command no-such-program-here' '$ no-such-program-here' > t.t
$ python3 $TOP/tests/cli/runtable.py t.t
> 1..1
> ok 1 # SKIP x (t.t:2): no-such-program-here is not installed

### taplib, the Python tests' TAP: a not ok makes done() exit 1; a # in a name is escaped, control characters in a diagnostic too
$ python3 -c "import sys; sys.path.insert(0, '$TOP/tests/cli'); from taplib import ok, skip, done; ok(1, 'a'); ok(0, 'b # c', 'x\033[K', None, 'y'); skip('d', 'why'); done()"; echo "exit $?"
$ python3 -c "import sys; sys.path.insert(0, '$TOP/tests/cli'); from taplib import ok, done; ok(1, 'a'); done()"; echo "exit $?"
> ok 1 - a
> not ok 2 - b \# c
> #   x\x1b[K
> #   y
> ok 3 # SKIP d: why
> 1..3
> exit 1
> ok 1 - a
> 1..1
> exit 0

### taplib: a check with todo= is a known failure, marked TODO with its reason after the name; its not ok does not fail the test
$ python3 -c "import sys; sys.path.insert(0, '$TOP/tests/cli'); from taplib import ok, done; ok(0, 'a', 'seen', todo='bug 8'); ok(1, 'b', todo='fixed?'); done()"; echo "exit $?"
> not ok 1 - a # TODO bug 8
> #   seen
> ok 2 - b # TODO fixed?
> 1..2
> exit 0
