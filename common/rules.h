/*
 * rules.h - the carepipe rules format (carepipe-rules(5)): parse, compile
 * and evaluate "ACTIONS if CONDITION" rules against records.
 *
 * The format is shared: tag uses the actions tag, priority, escalate,
 * stop and exclude; assign plugs in its own (queue NAME) by passing its
 * own action table.  What the actions do is the caller's alone, in jq too
 * (struct rules_jq).  Conditions are the same for every caller: keyword
 * and phrase lists, named once with define and spelled out in their word
 * forms ("give~"), all matched in one pass of textmatch's Aho-Corasick
 * automaton; proximity of two lists (A near/N B); phone and card numbers
 * (textmatch's detectors); the escalation model's judgement, which the
 * caller computes (rules_set_escalation); regular expressions (Oniguruma,
 * the flavour jq's test() uses), field tests, has-tag, and jq expressions (libjq),
 * combined with and, or, not and parentheses (nested at most 100 deep).
 *
 * Ownership: a rules set is made by rules_new and freed by rules_free;
 * an evaluation context by rules_ctx_new / rules_ctx_free.  Strings and
 * records passed in are not kept past the call (the record only until the
 * next rules_begin).  Pointers returned (rule info, actions, explanations)
 * point into the set or the context and live as long as it, or until the
 * next rules_begin for per-record data.  Nothing here prints or exits:
 * errors come back in a cp_err, parse errors as "FILE:LINE:COL: message"
 * with code 78.
 */
#ifndef RULES_H
#define RULES_H

#include <stddef.h>
#include <stdbool.h>

#include "carepipe.h"

/* The argument an action takes. */
enum rules_arg {
	RULES_ARG_NONE,     /* stop */
	RULES_ARG_NAME,     /* tag billing: a bare word or a string */
	RULES_ARG_STRING,   /* escalate "reason": a string or a bare word */
	RULES_ARG_CHOICE,   /* priority high: one of choices */
};

/* An action keyword the caller accepts.  id is the caller's own code. */
struct rules_action_def {
	const char *name;
	enum rules_arg arg;
	const char *const *choices;  /* NULL-terminated, for RULES_ARG_CHOICE */
	int id;
};

struct rules_action {
	int id;             /* the def's id */
	const char *arg;    /* NULL for RULES_ARG_NONE */
};

struct rules_rule {
	const char *file;   /* where it was written */
	unsigned line;
	struct rules_action *actions;
	size_t nactions;
	bool has_cond;      /* false: the rule always applies */
};

typedef struct rules rules;

/* defs must stay valid as long as the set; it is not copied. */
rules *rules_new(const struct rules_action_def *defs, size_t ndefs);
/* Parse rules text; name is used in messages.  Returns 0 or -1 (e: 78). */
int rules_parse(rules *rs, const char *name, const char *text, size_t len, cp_err *e);
/* Read and parse a file (e: 66/74 when it cannot be read). */
int rules_load(rules *rs, const char *path, cp_err *e);
/* Build the keyword automaton; call once after the last parse. */
int rules_compile(rules *rs, cp_err *e);
size_t rules_count(const rules *rs);
const struct rules_rule *rules_get(const rules *rs, size_t i);
size_t rules_keyword_count(const rules *rs);
/* What an action does to the rules after it, for rules_to_jq. */
enum rules_flow {
	RULES_FLOW_NEXT,     /* the next rule runs */
	RULES_FLOW_STOP,     /* no rule after this one runs */
	RULES_FLOW_EXCLUDE,  /* the record is dropped */
};

/* The caller's actions in jq, for rules_to_jq.  flow tells what an action
 * does to the rules after it; write appends the jq that does it, as
 * " | FILTER", or nothing when it has no jq form (it is not called for the
 * actions of a rule that excludes); finish is the filter every record
 * goes through last, a stopped one at once. */
struct rules_jq {
	enum rules_flow (*flow)(const struct rules_action *a);
	void (*write)(const struct rules_action *a, cp_buf *out);
	const char *finish;
};

/* Write a jq program that applies the same rules to a record (keyword
 * lists become substring tests on the lowercased text, which jq cannot
 * make accent-insensitive), the actions as the caller writes them.
 * Returns 0 or -1 (memory). */
int rules_to_jq(const rules *rs, cp_buf *out, const struct rules_jq *jq);
/* Another set with the same rules, parsed again from the same text (and
 * compiled when rs is), sharing nothing with rs: for another thread, a
 * set and its contexts being one thread's at a time.  NULL with e (71)
 * when out of memory. */
rules *rules_copy(const rules *rs, cp_err *e);
void rules_free(rules *rs);

/* How much of a text keyword lists see, in bytes. */
#define RULES_KEYWORD_SPAN (1u << 20)

/* Evaluation: begin a record, then test rules in order. */
typedef struct rules_ctx rules_ctx;

rules_ctx *rules_ctx_new(const rules *rs);
void rules_ctx_free(rules_ctx *c);
/* Start on a record: text is its unescaped text (the one keyword lists
 * and "text ~" look at; kept until the next rules_begin); the record's
 * tags array seeds has-tag.  All keywords are found in one pass, by the
 * first rules_next or rules_test that needs them, so a record stopped
 * before any keyword rule never pays for the scan.  Returns 0 or -1
 * (memory). */
int rules_begin(rules_ctx *c, const cp_rec *r, const char *text, size_t len);
/* Values the caller computed, seen by field tests under that name before
 * the record's own keys: json is JSON text ("-0.5", "\"negative\""). */
int rules_set_var(rules_ctx *c, const char *name, const char *json);
/* The escalation model's class probabilities for the current record
 * (escmodel.h's order: none, privacy, safety, legal, security), seen by
 * escalation-model conditions; without them (an outbound record, say)
 * those conditions do not hold.  Worth computing only when
 * rules_uses_escalation_model says a condition reads them. */
void rules_set_escalation(rules_ctx *c, const double p[5]);
bool rules_uses_escalation_model(const rules *rs);
/* escalation-model CATEGORY holds from this probability of escalation on,
 * unless the rule gives its own (>= P): the threshold tag(1)'s held-out
 * protocol chose. */
#define RULES_ESCALATION_THRESHOLD 0.7
/* A tag added by an action, seen by later has-tag tests. */
int rules_add_tag(rules_ctx *c, const char *tag);
bool rules_has_tag(const rules_ctx *c, const char *tag);
/* The first rule from i on that may hold for the current record, or
 * rules_count when none: rules that need a keyword no text had are
 * skipped, so a thousand keyword rules cost about as much as ten.  Loop
 * with i = rules_next(c, i + 1); rules_test on a skipped rule gives 0. */
size_t rules_next(rules_ctx *c, size_t i);
/* Does rule i hold for the current record?  1 yes, 0 no, -1 when a jq
 * expression failed at run time (e: the message; the rule counts as not
 * holding).  With explain, the spans that made it hold are kept for
 * rules_explain. */
int rules_test(rules_ctx *c, size_t i, bool explain, cp_err *e);
/* Append the evidence of the last rule that held as a JSON array of
 * {"match": TEXT, "span": [START, END]} (code point offsets in the text,
 * as jq's .text[START:END]) or {"test": "..."} for other conditions. */
int rules_explain(const rules_ctx *c, cp_buf *out);

#endif
