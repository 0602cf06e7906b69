/*
 * actions.h - tag's rule actions (carepipe-rules(5)): their table for the
 * rules parser and their jq form for --emit-jq.  The fuzz target of the
 * rules format (tests/fuzz/fuzz_rules.c) uses the same ones.
 *
 * Ownership: the tables are static; nothing here allocates, prints or
 * exits.
 */
#ifndef TAG_ACTIONS_H
#define TAG_ACTIONS_H

#include <stddef.h>

#include "rules.h"

enum { A_TAG, A_PRIORITY, A_ESCALATE, A_STOP, A_EXCLUDE };

extern const struct rules_action_def tag_actions[];
extern const size_t tag_nactions;
/* What each action does, in jq: the rules_to_jq of tag --emit-jq. */
extern const struct rules_jq tag_actions_jq;

#endif
