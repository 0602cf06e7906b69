#!/bin/sh
exec python3 "$(dirname "$0")/runtable.py" "$0"
# A follow-up stays in its thread's queue even when nobody took the thread
# (issue 18): assign(1), ROSTER FORMAT, [queues].
__TABLE__

### a follow-up in a thread whose first record got a queue but no agent stays in that queue
$ printf 'default-queue general\nsticky 3d\n\n[queues]\nqueue billing if has-tag billing\n\n[calendar day]\ntimezone UTC\nmon-sun 09:00-17:00\n\n[agent ann]\nname Ann\ninitials AN\nqueues billing, general\nshift day\ncapacity 5\n' > team.roster
$ assign -R team.roster | jq -c '[.id, .queue, .assignee, .assign_reason]'
< {"id":"x:1","platform":"x","direction":"in","created_at":"2024-03-15T20:00:00Z","thread":"x:1","tags":["billing"]}
< {"id":"x:2","platform":"x","direction":"in","created_at":"2024-03-15T20:05:00Z","thread":"x:1","in_reply_to":"x:1"}
< {"id":"y:1","platform":"x","direction":"in","created_at":"2024-03-15T20:06:00Z","thread":"y:1"}
> ["x:1","billing",null,"no agent in queue billing is on shift"]
> ["x:2","billing",null,"no agent in queue billing is on shift"]
> ["y:1","general",null,"no agent in queue general is on shift"]

### ... and across runs, through --state; the agent takes the follow-up once on shift
$ printf 'default-queue general\nsticky 3d\n\n[queues]\nqueue billing if has-tag billing\n\n[calendar day]\ntimezone UTC\nmon-sun 09:00-17:00\n\n[agent ann]\nname Ann\ninitials AN\nqueues billing\nshift day\ncapacity 5\n\n[agent bob]\nname Bob\ninitials BO\nqueues general\nshift day\ncapacity 5\n' > team.roster
$ echo '{"id":"x:1","platform":"x","direction":"in","created_at":"2024-03-15T20:00:00Z","thread":"x:1","tags":["billing"]}' | assign -R team.roster --state st | jq -c '[.id, .queue, .assignee.id]'
$ grep -c '"thread":"x:1","agent":null,"queue":"billing"' st/assign/*
$ echo '{"id":"x:2","platform":"x","direction":"in","created_at":"2024-03-16T10:00:00Z","thread":"x:1","in_reply_to":"x:1"}' | assign -R team.roster --state st | jq -c '[.id, .queue, .assignee.id]'
> ["x:1","billing",null]
> 1
> ["x:2","billing","ann"]
