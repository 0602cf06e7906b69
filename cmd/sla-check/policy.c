/*
 * Policies: which target and clock apply to an inbound record.  The file
 * format is carepipe-sla(5): [calendar NAME] sections hold calendar
 * directives (common/calendar.h), [policy NAME] sections hold conditions,
 * a target and a clock; the first policy whose conditions all hold wins,
 * and the built-in table catches whatever no policy did.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sla.h"
#include "inifile.h"

/* The industry's usual first-response targets on social channels. */
static const struct {
	const char *name, *platforms;
	int64_t target;
} builtin[] = {
	{ "default-twitter", "twitter,x", 3600 },
	{ "default-facebook", "facebook", 2 * 3600 },
	{ "default-reddit", "reddit", 24 * 3600 },
	{ "default-forum", "forum,forums,discourse", 24 * 3600 },
	{ "default", NULL, 3600 },
};

static struct policy *new_policy(struct policy_set *ps, const char *name, const char *file,
                                 unsigned line)
{
	struct policy *p = realloc(ps->p, (ps->n + 1) * sizeof *p);
	if (!p)
		return NULL;
	ps->p = p;
	p = &ps->p[ps->n++];
	memset(p, 0, sizeof *p);
	p->name = strdup(name);
	p->file = strdup(file);
	p->line = line;
	return p->name && p->file ? p : NULL;
}

static struct cond *new_cond(struct policy *p, enum cond_kind kind)
{
	struct cond *c = realloc(p->conds, (p->nconds + 1) * sizeof *c);
	if (!c)
		return NULL;
	p->conds = c;
	c = &p->conds[p->nconds++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	return c;
}

/* Sealed calendars are looked up by during/outside at the end of the
 * file, when every section is known. */
static int policy_directive(struct policy_set *ps, struct policy *p, const char *word,
                            const char *arg, cp_err *e)
{
	static const struct {
		const char *word;
		enum cond_kind kind;
	} lists[] = {
		{ "platform", C_PLATFORM }, { "account", C_ACCOUNT },
		{ "priority", C_PRIORITY }, { "tag", C_TAG },
	};
	(void)ps;
	for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		if (strcmp(word, lists[i].word) != 0)
			continue;
		struct cond *c = new_cond(p, lists[i].kind);
		if (!c || split_list(arg, ",", &c->vals, &c->nvals) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (c->nvals == 0)
			return cp_fail(e, CP_EX_CONFIG, "%s wants a value", word);
		return 0;
	}
	if (strcmp(word, "if") == 0) {
		struct cond *c = new_cond(p, C_JQ);
		if (!c)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (!*arg)
			return cp_fail(e, CP_EX_CONFIG, "if wants a jq expression");
		if (!(c->q = jqx_compile(arg, e)))
			return -1;
		ps->uses_jq = true;
		return 0;
	}
	if (strcmp(word, "during") == 0 || strcmp(word, "outside") == 0) {
		struct cond *c = new_cond(p, word[0] == 'd' ? C_DURING : C_OUTSIDE);
		if (!c || !(c->vals = malloc(sizeof *c->vals)) || !(c->vals[0] = strdup(arg)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		c->nvals = 1;
		if (!*arg || strchr(arg, ' '))
			return cp_fail(e, CP_EX_CONFIG, "%s wants a calendar name", word);
		return 0;
	}
	if (strcmp(word, "target") == 0) {
		int rc = dur_parse(arg, &p->target);
		if (rc == -2)
			return cp_fail(e, CP_EX_CONFIG, "target is longer than 100 years (36525d): %s",
			               arg);
		if (rc < 0 || p->target <= 0)
			return cp_fail(e, CP_EX_CONFIG, "target wants a duration like 30m, 1h or 2d: %s",
			               arg);
		p->has_target = true;
		return 0;
	}
	if (strcmp(word, "clock") == 0) {
		if (strcmp(arg, "calendar") == 0)
			p->clock = CLOCK_CALENDAR;
		else if (strcmp(arg, "business") == 0)
			p->clock = CLOCK_BUSINESS;
		else
			return cp_fail(e, CP_EX_CONFIG, "clock is calendar or business, not %s", arg);
		return 0;
	}
	if (strcmp(word, "calendar") == 0) {
		if (!*arg || strchr(arg, ' '))
			return cp_fail(e, CP_EX_CONFIG, "calendar wants a calendar name");
		free(p->cal_name);
		if (!(p->cal_name = strdup(arg)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		return 0;
	}
	return cp_fail(e, CP_EX_CONFIG, "unknown policy directive %s", word);
}

/* The reader's state between lines: the section being read. */
struct policy_reader {
	struct policy_set *ps;
	struct policy *pol;   /* in [policy NAME] */
	cal *cal;             /* in [calendar NAME] */
};

/* One line of a policy file (ini_read adds FILE:LINE to its errors). */
static int policy_line(void *ctx, ini_line *l, cp_err *e)
{
	struct policy_reader *pr = ctx;
	char *s = l->text;
	if (!*s)
		return 0;
	if (*s == '[') {
		char kind[16], name[128];
		pr->pol = NULL;
		pr->cal = NULL;
		if (!ini_section(s, kind, name) || !*name)
			return cp_fail(e, CP_EX_CONFIG, "a section is [policy NAME] or [calendar NAME]");
		if (strcmp(kind, "policy") == 0) {
			if (!(pr->pol = new_policy(pr->ps, name, l->path, l->lineno)))
				return cp_fail(e, CP_EX_OSERR, "out of memory");
			return 0;
		}
		if (strcmp(kind, "calendar") == 0)
			return (pr->cal = cal_set_add(&pr->ps->cals, name, e)) ? 0 : -1;
		return cp_fail(e, CP_EX_CONFIG, "unknown section [%s]", kind);
	}
	if (pr->cal)
		return cal_directive(pr->cal, s, l->dir, e);
	if (!pr->pol)
		return cp_fail(e, CP_EX_CONFIG, "a directive outside [policy NAME] or "
		               "[calendar NAME]");
	char *arg = s + strcspn(s, " \t");
	if (*arg)
		*arg++ = '\0';
	while (isspace((unsigned char)*arg))
		arg++;
	if (strcmp(s, "if") != 0) {
		/* A comment may follow anything but a jq expression. */
		char *hash = strstr(arg, " #");
		if (*arg == '#')
			*arg = '\0';
		else if (hash)
			*hash = '\0';
		size_t len = strlen(arg);
		while (len && isspace((unsigned char)arg[len - 1]))
			arg[--len] = '\0';
	}
	return policy_directive(pr->ps, pr->pol, s, arg, e);
}

int policies_load(struct policy_set *ps, const char *path, cp_err *e)
{
	struct policy_reader pr = { ps, NULL, NULL };
	if (ini_read(path, "#", policy_line, &pr, e) < 0 || cal_set_finish(&ps->cals, path, e) < 0)
		return -1;
	for (size_t i = 0; i < ps->n; i++)
		if (!ps->p[i].has_target)
			return cp_fail(e, CP_EX_CONFIG, "%s:%u: policy %s has no target", path,
			               ps->p[i].line, ps->p[i].name);
	return 0;
}

int policies_finish(struct policy_set *ps, cp_err *e)
{
	for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
		struct policy *p = new_policy(ps, builtin[i].name, "(built-in)", 0);
		if (!p)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		p->target = builtin[i].target;
		p->has_target = true;
		if (builtin[i].platforms) {
			struct cond *c = new_cond(p, C_PLATFORM);
			if (!c || split_list(builtin[i].platforms, ",", &c->vals, &c->nvals) < 0)
				return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
	}
	/* A policy's calendar: the one it names, else the file's only one,
	 * else --calendar. */
	const cal *implicit = ps->cals.n == 1 ? ps->cals.v[0].c : ps->fallback;
	for (size_t i = 0; i < ps->n; i++) {
		struct policy *p = &ps->p[i];
		if (p->cal_name) {
			const cal *named = cal_set_find(&ps->cals, p->cal_name);
			if (!named)
				return cp_fail(e, CP_EX_CONFIG, "%s:%u: policy %s names calendar %s, "
				               "which is not defined", p->file, p->line, p->name,
				               p->cal_name);
			p->cal = named;
		} else {
			p->cal = implicit;
		}
		if (p->clock == CLOCK_BUSINESS && !p->cal)
			return cp_fail(e, CP_EX_CONFIG, "%s:%u: policy %s uses the business clock "
			               "but no calendar is defined", p->file, p->line, p->name);
		for (size_t k = 0; k < p->nconds; k++) {
			struct cond *c = &p->conds[k];
			if (c->kind != C_DURING && c->kind != C_OUTSIDE)
				continue;
			if (!(c->cal = cal_set_find(&ps->cals, c->vals[0])))
				return cp_fail(e, CP_EX_CONFIG, "%s:%u: policy %s: no calendar %s",
				               p->file, p->line, p->name, c->vals[0]);
		}
	}
	return 0;
}

void policies_free(struct policy_set *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		struct policy *p = &ps->p[i];
		for (size_t k = 0; k < p->nconds; k++) {
			for (size_t j = 0; j < p->conds[k].nvals; j++)
				free(p->conds[k].vals[j]);
			free(p->conds[k].vals);
			jqx_free(p->conds[k].q);
		}
		free(p->conds);
		free(p->name);
		free(p->cal_name);
		free(p->file);
	}
	free(ps->p);
	cal_set_free(&ps->cals);
	cal_free(ps->fallback);
	memset(ps, 0, sizeof *ps);
}

static bool in_list(cp_val v, char **vals, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (val_streq(v, vals[i]))
			return true;
	return false;
}

static bool cond_holds(struct policy *p, struct cond *c, const cp_rec *r, int64_t created,
                       jv *doc, cp_prog *prog)
{
	switch (c->kind) {
	case C_PLATFORM:
		return in_list(rec_val(r, "platform"), c->vals, c->nvals);
	case C_ACCOUNT:
		return in_list(rec_val(r, "account"), c->vals, c->nvals);
	case C_PRIORITY:
		return in_list(rec_val(r, "priority"), c->vals, c->nvals);
	case C_TAG: {
		cp_val tags = rec_val(r, "tags"), t, key;
		size_t pos = 0;
		if (tags.type != VAL_ARRAY)
			return false;
		while (val_next(tags, &pos, &key, &t))
			if (in_list(t, c->vals, c->nvals))
				return true;
		return false;
	}
	case C_DURING:
		return cal_is_open(c->cal, created);
	case C_OUTSIDE:
		return !cal_is_open(c->cal, created);
	case C_JQ: {
		cp_err e = {0};
		if (jv_get_kind(*doc) == JV_KIND_INVALID) {
			jv_free(*doc);
			*doc = rec_to_jv(r);
		}
		int t = jqx_test(c->q, jv_copy(*doc), &e);
		if (t < 0) {
			/* The record is not lost: the condition is false, said once. */
			if (!p->warned && !prog->quiet)
				cp_warn(prog, "policy %s: %s (the condition counts as false)", p->name,
				        e.msg);
			p->warned = true;
			return false;
		}
		return t == 1;
	}
	}
	return false;
}

const struct policy *policy_match(struct policy_set *ps, const cp_rec *r, int64_t created,
                                  cp_prog *prog)
{
	jv doc = jv_invalid();
	struct policy *found = &ps->p[ps->n - 1];
	for (size_t i = 0; i < ps->n; i++) {
		struct policy *p = &ps->p[i];
		size_t k = 0;
		while (k < p->nconds && cond_holds(p, &p->conds[k], r, created, &doc, prog))
			k++;
		if (k == p->nconds) {
			found = p;
			break;
		}
	}
	jv_free(doc);
	return found;
}
