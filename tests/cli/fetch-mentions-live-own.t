#!/bin/sh
# fetch-mentions-live.t again, with the mock serving the project's own
# fixtures (tests/mock/fixtures) as it does on a clone without ../shared,
# so that path is tested on every run, not only on bare clones.
CAREPIPE_FIXTURES=own exec "$(dirname "$0")/fetch-mentions-live.t" "$@"
