#!/bin/sh
# Replay the kept fuzz corpus (seeds and every crash ever found) through each
# target, built without libFuzzer.  One TAP line per target.
cd "$(dirname "$0")/../.." || exit 1
build=${CAREPIPE_BUILD:-build}
n=0
fail=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	n=$((n + 1))
	files=$(find "tests/fuzz/corpus/$name" -type f 2>/dev/null | sort)
	if [ -z "$files" ]; then
		echo "ok $n - $name: no corpus kept # SKIP"
		continue
	fi
	count=$(echo "$files" | wc -l)
	if out=$(echo "$files" | xargs ${CAREPIPE_WRAP:-} "$build/tests/replay_$name" 2>&1); then
		echo "ok $n - $name: $count inputs replayed"
	else
		echo "not ok $n - $name: replay failed"
		echo "$out" | tail -n 20 | sed 's/^/# /'
		fail=1
	fi
done
echo "1..$n"
exit $fail
