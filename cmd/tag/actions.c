/*
 * tag's rule actions; see actions.h.
 */
#include <string.h>

#include "actions.h"

/* priority's levels, highest first; raise lifts the result one level */
static const char *const levels[] = { "urgent", "high", "normal", "low", "raise", NULL };

const struct rules_action_def tag_actions[] = {
	{ "tag", RULES_ARG_NAME, NULL, A_TAG },
	{ "priority", RULES_ARG_CHOICE, levels, A_PRIORITY },
	{ "escalate", RULES_ARG_STRING, NULL, A_ESCALATE },
	{ "stop", RULES_ARG_NONE, NULL, A_STOP },
	{ "exclude", RULES_ARG_NONE, NULL, A_EXCLUDE },
};
const size_t tag_nactions = sizeof tag_actions / sizeof tag_actions[0];

static enum rules_flow action_flow(const struct rules_action *a)
{
	return a->id == A_STOP ? RULES_FLOW_STOP :
	       a->id == A_EXCLUDE ? RULES_FLOW_EXCLUDE : RULES_FLOW_NEXT;
}

/* An action in jq: what tag's each() does to the record. */
static void action_jq(const struct rules_action *a, cp_buf *out)
{
	switch (a->id) {
	case A_TAG:
		buf_adds(out, " | .tags = ((.tags // []) | if index([");
		buf_json_str(out, a->arg, strlen(a->arg));
		buf_adds(out, "]) then . else . + [");
		buf_json_str(out, a->arg, strlen(a->arg));
		buf_adds(out, "] end)");
		break;
	case A_PRIORITY:
		/* raise depends on the other rules' levels: jq leaves it out */
		if (strcmp(a->arg, "raise")) {
			buf_adds(out, " | .priority = ");
			buf_json_str(out, a->arg, strlen(a->arg));
		}
		break;
	case A_ESCALATE:
		buf_adds(out, " | .escalate = true | .escalate_reason //= ");
		buf_json_str(out, a->arg, strlen(a->arg));
		break;
	}
}

const struct rules_jq tag_actions_jq = {
	action_flow, action_jq,
	".tags //= [] | .priority //= \"normal\" | .escalate //= false",
};
