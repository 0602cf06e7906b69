#!/bin/sh
# The mock's own fixtures are what tests/mock/fixtures/make-fixtures.py
# writes, byte for byte: edit the script, not the JSON.
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo 1..2
if python3 "$top/tests/mock/fixtures/make-fixtures.py" "$tmp"; then
	echo "ok 1 - make-fixtures.py runs"
else
	echo "not ok 1 - make-fixtures.py runs"
fi
if out=$(cd "$top/tests/mock/fixtures" && for f in *.json; do cmp "$f" "$tmp/$f" || echo "$f differs"; done) && [ -z "$out" ] &&
   [ "$(ls "$tmp" | wc -l)" -eq "$(ls "$top/tests/mock/fixtures"/*.json | wc -l)" ]; then
	echo "ok 2 - the committed fixtures are what it writes"
else
	echo "not ok 2 - the committed fixtures are what it writes"
	echo "$out" | sed 's/^/# /'
fi
