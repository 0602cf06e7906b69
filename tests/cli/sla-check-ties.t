#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# Of two responses in the same second, the one with the smaller id answers,
# with or without --sorted (issue 18): sla-check(1), DEFINITIONS.
__TABLE__

### two replies in the same second, the larger id first: the smaller id wins
$ printf '%s\n' '{"id":"m","direction":"in","created_at":"2024-03-15T10:00:00Z"}' '{"id":"b","direction":"out","created_at":"2024-03-15T10:30:00Z","in_reply_to":"m"}' '{"id":"a","direction":"out","created_at":"2024-03-15T10:30:00Z","in_reply_to":"m"}' > in.ndjson
$ sla-check --now 2024-03-16T00:00:00Z in.ndjson | jq -c 'select(.sla) | [.id, .sla.response_id]'
$ sla-check --sorted --now 2024-03-16T00:00:00Z in.ndjson | jq -c 'select(.sla) | [.id, .sla.response_id]'
> ["m","a"]
> ["m","a"]

### a reply before the mention and one after it, all in one second
$ printf '%s\n' '{"id":"z","direction":"out","created_at":"2024-03-15T11:00:00Z","in_reply_to":"n"}' '{"id":"n","direction":"in","created_at":"2024-03-15T11:00:00Z"}' '{"id":"y","direction":"out","created_at":"2024-03-15T11:00:00Z","in_reply_to":"n"}' > in.ndjson
$ sla-check --now 2024-03-16T00:00:00Z in.ndjson | jq -c 'select(.sla) | [.id, .sla.response_id]'
$ sla-check --sorted --now 2024-03-16T00:00:00Z in.ndjson | jq -c 'select(.sla) | [.id, .sla.response_id]'
> ["n","y"]
> ["n","y"]

### --match thread: a thread post and a reply in the same second, the smaller id wins
$ printf '%s\n' '{"id":"t:1","account":"acme","direction":"in","created_at":"2024-03-15T10:00:00Z","thread":"t:1"}' '{"id":"o:2","account":"acme","direction":"out","created_at":"2024-03-15T10:20:00Z","in_reply_to":"t:1","thread":"t:1"}' '{"id":"o:1","account":"acme","direction":"out","created_at":"2024-03-15T10:20:00Z","thread":"t:1"}' > in.ndjson
$ sla-check --match thread --now 2024-03-16T00:00:00Z in.ndjson | jq -c 'select(.sla) | [.id, .sla.response_id]'
$ sla-check --match thread --sorted --now 2024-03-16T00:00:00Z in.ndjson | jq -c 'select(.sla) | [.id, .sla.response_id]'
> ["t:1","o:1"]
> ["t:1","o:1"]

### an earlier response still beats a smaller id
$ printf '%s\n' '{"id":"m","direction":"in","created_at":"2024-03-15T10:00:00Z"}' '{"id":"b","direction":"out","created_at":"2024-03-15T10:10:00Z","in_reply_to":"m"}' '{"id":"a","direction":"out","created_at":"2024-03-15T10:10:01Z","in_reply_to":"m"}' > in.ndjson
$ sla-check --sorted --now 2024-03-16T00:00:00Z in.ndjson | jq -c '[.id, .sla.response_id]'
> ["b",null]
> ["m","b"]
> ["a",null]
