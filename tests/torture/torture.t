#!/bin/sh
# Allocation failure along each program's main paths (sampled; `make
# torture` fails every allocation in turn).  See torture.py.
exec python3 "$(dirname "$0")/torture.py"
