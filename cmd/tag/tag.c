/*
 * tag - triage records by rules, sentiment, priority and escalation, in one
 * pass.  Rules (carepipe-rules(5)) add tags, set priority and escalation,
 * stop or exclude; every inbound record gets a sentiment; the keys tag
 * owns are spliced in and every other byte passes through.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "carepipe.h"
#include "rules.h"
#include "langid.h"
#include "schema.h"
#include "sentiment.h"
#include "actions.h"
#include "tag.h"

enum {
	OPT_LEXICON = 256,
	OPT_MODEL,
	OPT_EXPLAIN,
	OPT_ONLY,
	OPT_DROP,
	OPT_INFLUENCER,
	OPT_EMIT_JQ,
	OPT_ESC_MODEL,
};

static const struct option longopts[] = {
	{ "rules", required_argument, NULL, 'f' },
	{ "rule", required_argument, NULL, 'r' },
	{ "lexicon", required_argument, NULL, OPT_LEXICON },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "drop", required_argument, NULL, OPT_DROP },
	{ "influencer", required_argument, NULL, OPT_INFLUENCER },
	{ "emit-jq", no_argument, NULL, OPT_EMIT_JQ },
	{ "escalation-model", required_argument, NULL, OPT_ESC_MODEL },
	{ "jobs", required_argument, NULL, 'j' },
	{ NULL, 0, NULL, 0 },
};

/* What a context owns for judging records: its rules, scorer and buffers. */
static void ctx_free(struct ctx *c)
{
	rules_ctx_free(c->rc);
	rules_free(c->rs);
	sentiment_free(c->sent);
	buf_free(&c->text);
	buf_free(&c->tags);
	buf_free(&c->expl);
	buf_free(&c->out);
	buf_free(&c->tmp);
	buf_free(&c->added);
	edit_free(&c->edit);
}

/* Worker i's context (cp_each_record_jobs): the first one's settings and
 * models, with rules, a scorer and buffers of its own. */
static int make_worker(void *arg, cp_worker *w, int i)
{
	const struct ctx *first = arg;
	struct ctx *c = malloc(sizeof *c);
	cp_err e = {0};
	(void)i;
	if (!c)
		return -1;
	*c = (struct ctx){
		.p = &w->prog, .esc = first->esc, .explain = first->explain,
		.only = first->only, .drop = first->drop,
		.nonly = first->nonly, .ndrop = first->ndrop,
		.influencer = first->influencer,
	};
	if (!(c->rs = rules_copy(first->rs, &e)) || !(c->rc = rules_ctx_new(c->rs)) ||
	    !(c->sent = sentiment_new_sharing(first->sent))) {
		ctx_free(c);
		free(c);
		return -1;
	}
	w->ctx = c;
	return 0;
}

static char **push(char **list, size_t *n, char *s, cp_prog *p)
{
	list = realloc(list, (*n + 1) * sizeof *list);
	if (!list)
		cp_die(p, CP_EX_OSERR, "out of memory");
	list[(*n)++] = s;
	return list;
}

int main(int argc, char **argv)
{
	static cp_prog p;
	struct ctx c = { .p = &p, .influencer = 10000 };
	cp_err e = {0};
	bool emit_jq = false;
	const char *lexicon = NULL, *model = NULL, *esc_model = NULL;
	int ch, nrule = 0, jobs = 0;
	char *end;

	cp_init(&p, "tag",
	        "tag [-qv] [-f rules] [-j jobs] [-r rule] [--bad file] [--drop tag] [--emit-jq]\n"
	        "           [--escalation-model file] [--explain] [--influencer followers]\n"
	        "           [--lexicon file] [--line-buffered] [--model file] [--only tag]\n"
	        "           [--strict] [file ...]",
	        "  -f, --rules FILE      read rules from FILE (carepipe-rules(5)); repeatable\n"
	        "  -j, --jobs N          judge records on N threads (default: one per\n"
	        "                        processor, at most 8; 1: none); the same output\n"
	        "  -r, --rule RULE       add one rule, after the files; repeatable\n"
	        "      --lexicon FILE    add a sentiment lexicon, WORD<TAB>SCORE (-5..5)\n"
	        "      --model FILE      score sentiment with the model in FILE, not the\n"
	        "                        built-in one; \"lexicon\": the lexicon scorer alone\n"
	        "      --escalation-model FILE\n"
	        "                        the model escalation-model conditions read, not\n"
	        "                        the built-in one; \"none\": they never hold\n"
	        "      --explain         add explain: which rule fired on which span\n"
	        "      --only TAG        output only records with TAG; repeatable\n"
	        "      --drop TAG        drop records with TAG; repeatable\n"
	        "      --influencer N    raise the priority of strongly negative posts by\n"
	        "                        authors with N followers or more (10000; 0: never)\n"
	        "      --emit-jq         print a jq program doing what the rules do, and exit\n");
	if (!(c.rs = rules_new(tag_actions, tag_nactions)))
		cp_die(&p, CP_EX_OSERR, "out of memory");
	char **inline_rules = NULL;
	size_t ninline = 0;
	while ((ch = cp_getopt(&p, argc, argv, "f:j:r:", longopts)) != -1) {
		switch (ch) {
		case 'f':
			if (rules_load(c.rs, optarg, &e) < 0)
				cp_die_err(&p, &e);
			break;
		case 'j': {
			errno = 0;
			long n = strtol(optarg, &end, 10);
			if (end == optarg || *end || errno || n < 1 || n > CP_JOBS_MAX)
				cp_usage_error(&p, "--jobs wants a number of threads from 1 to %d: %s",
				               CP_JOBS_MAX, optarg);
			jobs = (int)n;
			break;
		}
		case 'r':
			inline_rules = push(inline_rules, &ninline, optarg, &p);
			break;
		case OPT_LEXICON:
			lexicon = optarg;
			break;
		case OPT_MODEL:
			model = optarg;
			break;
		case OPT_EXPLAIN:
			c.explain = true;
			break;
		case OPT_ONLY:
			c.only = push(c.only, &c.nonly, optarg, &p);
			break;
		case OPT_DROP:
			c.drop = push(c.drop, &c.ndrop, optarg, &p);
			break;
		case OPT_INFLUENCER:
			errno = 0;
			c.influencer = strtod(optarg, &end);
			if (end == optarg || *end || errno || c.influencer < 0)
				cp_usage_error(&p, "--influencer wants a number of followers: %s",
				               optarg);
			break;
		case OPT_EMIT_JQ:
			emit_jq = true;
			break;
		case OPT_ESC_MODEL:
			esc_model = optarg;
			break;
		default:
			cp_usage(&p);
		}
	}
	for (size_t i = 0; i < ninline; i++) {
		char name[32];
		snprintf(name, sizeof name, "-r %d", ++nrule);
		if (rules_parse(c.rs, name, inline_rules[i], strlen(inline_rules[i]), &e) < 0)
			cp_die_err(&p, &e);
	}
	free(inline_rules);
	if (rules_compile(c.rs, &e) < 0)
		cp_die_err(&p, &e);
	if (p.verbose)
		cp_warn(&p, "%zu rules, %zu keywords", rules_count(c.rs), rules_keyword_count(c.rs));
	if (emit_jq) {
		cp_buf b = {0};
		if (rules_to_jq(c.rs, &b, &tag_actions_jq) < 0)
			cp_die(&p, CP_EX_OSERR, "out of memory");
		cp_start(&p);
		cp_emit(&p, b.p, b.len - 1);
		buf_free(&b);
		rules_free(c.rs);
		return cp_finish(&p);
	}
	if (!(c.sent = sentiment_new()))
		cp_die(&p, CP_EX_OSERR, "out of memory");
	if (lexicon && sentiment_load(c.sent, lexicon, &e) < 0)
		cp_die_err(&p, &e);
	if (model && !strcmp(model, "lexicon"))
		sentiment_use_model(c.sent, false);
	else if (model && sentiment_load_model(c.sent, model, &e) < 0)
		cp_die_err(&p, &e);
	/* The escalation model, only when a rule reads it; "none": the
	 * rules without it (what the keyword rules alone do). */
	bool esc_none = esc_model && !strcmp(esc_model, "none");
	if (esc_model && !esc_none && em_load(&c.esc_loaded, esc_model, &e) < 0)
		cp_die_err(&p, &e);
	if (rules_uses_escalation_model(c.rs) && !esc_none) {
		c.esc = esc_model ? &c.esc_loaded : &em_builtin;
		if (!em_usable(c.esc))
			cp_die(&p, CP_EX_CONFIG, "the built-in escalation model was trained with other "
			       "features than tag's; run make escalation-model, or give "
			       "--escalation-model FILE");
	}
	if (!(c.rc = rules_ctx_new(c.rs)))
		cp_die(&p, CP_EX_OSERR, "out of memory");
	/* One reading thread feeds about eight judging ones; each holds its
	 * own rules and caches (7 to 10 MB more a thread with consumer.rules). */
	if (!jobs && (jobs = cp_jobs_default()) > 8)
		jobs = 8;
	cp_worker *w = calloc((size_t)jobs, sizeof *w);
	if (!w)
		cp_die(&p, CP_EX_OSERR, "out of memory");
	w[0].ctx = &c;
	c.p = &w[0].prog;
	cp_start(&p);
	cp_each_record_jobs(&p, argc - optind, argv + optind, tag_record, w, jobs,
	                    make_worker, &c);

	for (int i = 1; i < jobs; i++)
		if (w[i].ctx) {
			ctx_free(w[i].ctx);
			free(w[i].ctx);
		}
	free(w);
	ctx_free(&c);
	em_free(&c.esc_loaded);
	free(c.only);
	free(c.drop);
	return cp_finish(&p);
}
