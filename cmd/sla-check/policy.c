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
#include "cfgfile.h"

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

/* Split "a,b, c" into a list. */
static int split_list(const char *s, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	while (*s) {
		while (*s == ',' || isspace((unsigned char)*s))
			s++;
		size_t len = strcspn(s, ",");
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		if (len) {
			char **l = realloc(*out, (*n + 1) * sizeof *l);
			if (!l || !(l[*n] = strndup(s, len))) {
				if (l)
					*out = l;
				return -1;
			}
			*out = l;
			(*n)++;
		}
		s += strcspn(s, ",");
	}
	return 0;
}

static struct named_cal *find_cal(struct policy_set *ps, const char *name)
{
	for (size_t i = 0; i < ps->ncals; i++)
		if (strcmp(ps->cals[i].name, name) == 0)
			return &ps->cals[i];
	return NULL;
}

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
		if (!c || split_list(arg, &c->vals, &c->nvals) < 0)
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

static void prefix(cp_err *e, const char *file, unsigned line)
{
	char old[sizeof e->msg];
	memcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%.180s:%u: %.300s", file, line, old);
}

static void dir_of(const char *path, char *out, size_t n)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, n, ".");
	else
		snprintf(out, n, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

int policies_load(struct policy_set *ps, const char *path, cp_err *e)
{
	char dir[4096];
	cp_buf text = {0};
	if (cfg_read_file(path, &text, e) < 0) {
		buf_free(&text);
		return -1;
	}
	/* The lines are read from memory as they were from the file; an
	 * empty file is one blank line (fmemopen wants a size). */
	if (text.len == 0 && buf_addc(&text, '\n') < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	FILE *f = fmemopen(text.p, text.len, "r");
	if (!f) {
		buf_free(&text);
		return cp_fail(e, CP_EX_OSERR, "%s: %s", path, strerror(errno));
	}
	dir_of(path, dir, sizeof dir);
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	unsigned lineno = 0;
	struct policy *pol = NULL;
	struct named_cal *nc = NULL;
	int rc = 0;
	while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (memchr(line, '\0', (size_t)got)) {
			rc = cp_fail(e, CP_EX_CONFIG, "%s:%u: NUL byte", path, lineno);
			break;
		}
		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		size_t len = strlen(s);
		while (len && isspace((unsigned char)s[len - 1]))
			s[--len] = '\0';
		if (!*s || *s == '#')
			continue;
		if (*s == '[') {
			char kind[16], name[128], close;
			if (s[len - 1] != ']' || sscanf(s, "[%15s %127[^] \t]%c", kind, name, &close) != 3 ||
			    close != ']') {
				rc = cp_fail(e, CP_EX_CONFIG, "%s:%u: a section is [policy NAME] or "
				             "[calendar NAME]", path, lineno);
			} else if (strcmp(kind, "policy") == 0) {
				nc = NULL;
				if (!(pol = new_policy(ps, name, path, lineno)))
					rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			} else if (strcmp(kind, "calendar") == 0) {
				pol = NULL;
				if (find_cal(ps, name)) {
					rc = cp_fail(e, CP_EX_CONFIG, "%s:%u: calendar %s is defined twice",
					             path, lineno, name);
					continue;
				}
				struct named_cal *c = realloc(ps->cals, (ps->ncals + 1) * sizeof *c);
				if (!c) {
					rc = cp_fail(e, CP_EX_OSERR, "out of memory");
					continue;
				}
				ps->cals = c;
				nc = &ps->cals[ps->ncals++];
				nc->name = strdup(name);
				nc->c = cal_new();
				if (!nc->name || !nc->c)
					rc = cp_fail(e, CP_EX_OSERR, "out of memory");
			} else {
				rc = cp_fail(e, CP_EX_CONFIG, "%s:%u: unknown section [%s]", path, lineno,
				             kind);
			}
			continue;
		}
		if (nc) {
			if (cal_directive(nc->c, s, dir, e) < 0) {
				prefix(e, path, lineno);
				rc = -1;
			}
			continue;
		}
		if (!pol) {
			rc = cp_fail(e, CP_EX_CONFIG, "%s:%u: a directive outside [policy NAME] or "
			             "[calendar NAME]", path, lineno);
			break;
		}
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
			len = strlen(arg);
			while (len && isspace((unsigned char)arg[len - 1]))
				arg[--len] = '\0';
		}
		if (policy_directive(ps, pol, s, arg, e) < 0) {
			prefix(e, path, lineno);
			rc = -1;
		}
	}
	free(line);
	fclose(f);
	buf_free(&text);
	for (size_t i = 0; rc == 0 && i < ps->ncals; i++) {
		if (cal_finish(ps->cals[i].c, e) < 0) {
			char old[sizeof e->msg];
			memcpy(old, e->msg, sizeof old);
			snprintf(e->msg, sizeof e->msg, "%.180s: calendar %.100s: %.200s", path,
			         ps->cals[i].name, old);
			rc = -1;
		}
	}
	for (size_t i = 0; rc == 0 && i < ps->n; i++)
		if (!ps->p[i].has_target)
			rc = cp_fail(e, CP_EX_CONFIG, "%s:%u: policy %s has no target", path,
			             ps->p[i].line, ps->p[i].name);
	return rc;
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
			if (!c || split_list(builtin[i].platforms, &c->vals, &c->nvals) < 0)
				return cp_fail(e, CP_EX_OSERR, "out of memory");
		}
	}
	/* A policy's calendar: the one it names, else the file's only one,
	 * else --calendar. */
	const cal *implicit = ps->ncals == 1 ? ps->cals[0].c : ps->fallback;
	for (size_t i = 0; i < ps->n; i++) {
		struct policy *p = &ps->p[i];
		if (p->cal_name) {
			struct named_cal *nc = find_cal(ps, p->cal_name);
			if (!nc)
				return cp_fail(e, CP_EX_CONFIG, "%s:%u: policy %s names calendar %s, "
				               "which is not defined", p->file, p->line, p->name,
				               p->cal_name);
			p->cal = nc->c;
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
			struct named_cal *nc = find_cal(ps, c->vals[0]);
			if (!nc)
				return cp_fail(e, CP_EX_CONFIG, "%s:%u: policy %s: no calendar %s",
				               p->file, p->line, p->name, c->vals[0]);
			c->cal = nc->c;
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
	for (size_t i = 0; i < ps->ncals; i++) {
		free(ps->cals[i].name);
		cal_free(ps->cals[i].c);
	}
	free(ps->cals);
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
