#!/bin/sh
""":"
exec python3 "$0" "$@"
"""
__doc__ = """The mock's own fixtures are what tests/mock/fixtures/make-fixtures.py
writes, byte for byte: edit the script, not the JSON."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from taplib import ok, done

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
here = os.path.join(top, "tests", "mock", "fixtures")
tmp = tempfile.mkdtemp(prefix="carepipe-fixtures-")
try:
    rc = subprocess.run([sys.executable, os.path.join(here, "make-fixtures.py"), tmp]).returncode
    ok(rc == 0, "make-fixtures.py runs")
    committed = sorted(f for f in os.listdir(here) if f.endswith(".json"))
    made = sorted(os.listdir(tmp))
    differ = [f for f in committed if f not in made or
              open(os.path.join(here, f), "rb").read() != open(os.path.join(tmp, f), "rb").read()]
    good = made == committed and not differ
    ok(good, "the committed fixtures are what it writes",
       "\n".join("%s differs" % f for f in differ + [f for f in made if f not in committed]))
finally:
    shutil.rmtree(tmp, ignore_errors=True)
done()
