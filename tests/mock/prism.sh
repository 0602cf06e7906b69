#!/bin/sh
# Start or stop a Prism mock of an OpenAPI description, on 127.0.0.1.
#
#   tests/mock/prism.sh start PORT SPEC DIR   start, wait (at most 90 s) until
#                                              it listens; pid and log in DIR
#   tests/mock/prism.sh stop DIR               stop the one started in DIR
#
# Prism answers a request that fails validation against SPEC with 422 (400,
# 401 for parameters and security), and logs "Violation: request ..." for
# it.  It is run without --errors: that flag also turns violations in the
# responses into 500s, and the official X and Mastodon descriptions ship
# examples that break their own schemas (X's created_at, Mastodon's
# required account fields), so every request would fail.
# tests/cli/fetch-mentions-live.t starts Prism itself in the same way.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
prism="$top/.deps/prism/node_modules/.bin/prism"

case "${1:-}" in
start)
	[ $# -eq 4 ] || { echo "usage: $0 start PORT SPEC DIR" >&2; exit 64; }
	port=$2 spec=$3 dir=$4
	[ -x "$prism" ] || { echo "$0: no Prism: run scripts/install-deps" >&2; exit 69; }
	mkdir -p "$dir"
	"$prism" mock -h 127.0.0.1 -p "$port" "$spec" > "$dir/prism.log" 2>&1 &
	echo $! > "$dir/prism.pid"
	i=0
	while ! grep -q 'Prism is listening' "$dir/prism.log" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 450 ] || ! kill -0 "$(cat "$dir/prism.pid")" 2>/dev/null; then
			echo "$0: Prism did not start; see $dir/prism.log" >&2
			kill "$(cat "$dir/prism.pid")" 2>/dev/null || :
			exit 69
		fi
		sleep 0.2
	done
	;;
stop)
	[ $# -eq 2 ] || { echo "usage: $0 stop DIR" >&2; exit 64; }
	if [ -f "$2/prism.pid" ]; then
		kill "$(cat "$2/prism.pid")" 2>/dev/null || :
		rm -f "$2/prism.pid"
	fi
	;;
*)
	echo "usage: $0 start PORT SPEC DIR | stop DIR" >&2
	exit 64
	;;
esac
