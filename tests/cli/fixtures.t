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

top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
here = os.path.join(top, "tests", "mock", "fixtures")
tmp = tempfile.mkdtemp(prefix="carepipe-fixtures-")
try:
    rc = subprocess.run([sys.executable, os.path.join(here, "make-fixtures.py"), tmp]).returncode
    print("1..2")
    print("%sok 1 - make-fixtures.py runs" % ("" if rc == 0 else "not "))
    committed = sorted(f for f in os.listdir(here) if f.endswith(".json"))
    made = sorted(os.listdir(tmp))
    differ = [f for f in committed if f not in made or
              open(os.path.join(here, f), "rb").read() != open(os.path.join(tmp, f), "rb").read()]
    good = made == committed and not differ
    print("%sok 2 - the committed fixtures are what it writes" % ("" if good else "not "))
    for f in differ + [f for f in made if f not in committed]:
        print("# %s differs" % f)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
