/*
 * The roster: settings at the top, then [agent ID], [calendar NAME] and
 * [queues] sections.  Calendars are sla-check's (calendar.h, the same
 * directives), queue rules are tag's (rules.h, with one action of our
 * own: queue NAME).  The rules are handed to the rules parser as the whole
 * file with every other line blanked, so its messages give the file's own
 * line and column numbers.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assign.h"
#include "inifile.h"
#include "schema.h"

enum { A_QUEUE };

static const struct rules_action_def actions[] = {
	{ "queue", RULES_ARG_NAME, NULL, A_QUEUE },
};

#define DEFAULT_STICKY (7 * 86400)
#define DEFAULT_RELEASE (24 * 3600)
#define DEFAULT_MAX_THREADS 100000
#define MAX_CAPACITY 100000

int roster_queue(const struct roster *ro, const char *name, size_t n)
{
	for (size_t i = 0; i < ro->nq; i++)
		if (strlen(ro->q[i].name) == n && !memcmp(ro->q[i].name, name, n))
			return (int)i;
	return -1;
}

int roster_agent(const struct roster *ro, const char *id, size_t n)
{
	for (size_t i = 0; i < ro->na; i++)
		if (strlen(ro->a[i].id) == n && !memcmp(ro->a[i].id, id, n))
			return (int)i;
	return -1;
}

static int intern_queue(struct roster *ro, const char *name)
{
	int i = roster_queue(ro, name, strlen(name));
	if (i >= 0)
		return i;
	struct queue *q = realloc(ro->q, (ro->nq + 1) * sizeof *q);
	if (!q)
		return -1;
	ro->q = q;
	q = &ro->q[ro->nq];
	memset(q, 0, sizeof *q);
	q->rr = -1;
	if (!(q->name = strdup(name)) || buf_json_str(&q->json, name, strlen(name)) < 0) {
		free(q->name);
		buf_free(&q->json);
		return -1;
	}
	return (int)ro->nq++;
}

static bool good_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (isspace((unsigned char)*s) || *s == ',' || *s == '[' || *s == ']' || *s == '"')
			return false;
	return true;
}

/* Initials from a name: the first letter of each word, upper case. */
static char *initials_of(const char *name)
{
	char out[9];
	size_t n = 0;
	bool start = true;
	for (const char *s = name; *s && n < 8; s++) {
		if (isalnum((unsigned char)*s)) {
			if (start)
				out[n++] = (char)toupper((unsigned char)*s);
			start = false;
		} else if (isspace((unsigned char)*s) || *s == '-') {
			start = true;
		}
	}
	out[n] = '\0';
	return strdup(n ? out : "X");
}

/* The argument of the directive line s (its first word left as it is),
 * without a trailing # comment or white space. */
static char *arg_of(char *s)
{
	char *arg = s + strcspn(s, " \t");
	while (isspace((unsigned char)*arg))
		arg++;
	char *hash = *arg == '#' ? arg : strstr(arg, " #");
	if (hash)
		*hash = '\0';
	size_t len = strlen(arg);
	while (len && isspace((unsigned char)arg[len - 1]))
		arg[--len] = '\0';
	return arg;
}

static int agent_directive(struct roster *ro, struct agent *a, char *s, const char *dir,
                           char ***qnames, size_t *nqnames, cp_err *e)
{
	size_t wlen = strcspn(s, " \t");
	char word[32];
	snprintf(word, sizeof word, "%.*s", (int)(wlen < 31 ? wlen : 31), s);
	char *arg = arg_of(s);
	(void)ro;

	if (!strcmp(word, "name")) {
		if (!*arg)
			return cp_fail(e, CP_EX_CONFIG, "name wants a name");
		free(a->name);
		return (a->name = strdup(arg)) ? 0 : cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	if (!strcmp(word, "initials")) {
		/* Only what rec_signature reads back at the end of an answer. */
		if (!rec_initials_ok(arg, strlen(arg)))
			return cp_fail(e, CP_EX_CONFIG, "initials are 1 to %d letters or digits, at "
			               "least one a letter: %s", REC_SIGNATURE_MAX, arg);
		free(a->initials);
		return (a->initials = strdup(arg)) ? 0 : cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	if (!strcmp(word, "queues") || !strcmp(word, "queue") || !strcmp(word, "skills")) {
		size_t before = *nqnames;
		if (split_list(arg, ", \t", qnames, nqnames) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (*nqnames == before)
			return cp_fail(e, CP_EX_CONFIG, "%s wants queue names", word);
		return 0;
	}
	if (!strcmp(word, "languages") || !strcmp(word, "language") || !strcmp(word, "langs")) {
		size_t before = a->nlangs;
		if (split_list(arg, ", \t", &a->langs, &a->nlangs) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (a->nlangs == before)
			return cp_fail(e, CP_EX_CONFIG, "languages wants language tags, such as en, fr");
		for (size_t i = before; i < a->nlangs; i++) {
			char *l = a->langs[i];
			l[strcspn(l, "-_")] = '\0';
			for (char *c = l; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (!*l)
				return cp_fail(e, CP_EX_CONFIG, "an empty language tag");
		}
		return 0;
	}
	if (!strcmp(word, "handles") || !strcmp(word, "handle")) {
		size_t before = a->nhandles;
		if (split_list(arg, ", \t", &a->handles, &a->nhandles) < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (a->nhandles == before)
			return cp_fail(e, CP_EX_CONFIG, "handles wants author handles");
		for (size_t i = before; i < a->nhandles; i++)
			if (a->handles[i][0] == '@')
				memmove(a->handles[i], a->handles[i] + 1, strlen(a->handles[i]));
		return 0;
	}
	if (!strcmp(word, "capacity")) {
		char *end;
		errno = 0;
		long c = strtol(arg, &end, 10);
		if (!*arg || *end || errno || c < 0 || c > MAX_CAPACITY)
			return cp_fail(e, CP_EX_CONFIG, "capacity wants a number of items, 0 to %d: %s",
			               MAX_CAPACITY, arg);
		a->capacity = c;
		return 0;
	}
	if (!strcmp(word, "shift")) {
		if (!good_name(arg))
			return cp_fail(e, CP_EX_CONFIG, "shift wants the name of a [calendar NAME]");
		free(a->shift);
		return (a->shift = strdup(arg)) ? 0 : cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	/* Anything else is a calendar directive: the agent's own shift. */
	if (!a->own && !(a->own = cal_new()))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	if (cal_directive(a->own, s, dir, e) < 0) {
		if (e && e->code == CP_EX_CONFIG && !strncmp(e->msg, "unknown", 7)) {
			char old[sizeof e->msg];
			memcpy(old, e->msg, sizeof old);
			snprintf(e->msg, sizeof e->msg, "%.200s (an agent takes name, initials, queues, "
			         "languages, handles, capacity, shift, or calendar directives)", old);
		}
		return -1;
	}
	return 0;
}

static int setting(struct roster *ro, char *s, cp_err *e)
{
	char *arg = arg_of(s);
	s[strcspn(s, " \t")] = '\0';
	if (!strcmp(s, "strategy")) {
		if (!strcmp(arg, "least-loaded"))
			ro->strategy = LEAST_LOADED;
		else if (!strcmp(arg, "round-robin"))
			ro->strategy = ROUND_ROBIN;
		else
			return cp_fail(e, CP_EX_CONFIG, "strategy is least-loaded or round-robin, not %s",
			               arg);
		return 0;
	}
	if (!strcmp(s, "default-queue") || !strcmp(s, "lead-queue")) {
		if (!good_name(arg))
			return cp_fail(e, CP_EX_CONFIG, "%s wants a queue name", s);
		int q = s[0] == 'l' && !strcmp(arg, "none") ? -1 : intern_queue(ro, arg);
		if (q < 0 && strcmp(arg, "none"))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (s[0] == 'd') {
			if (q < 0)
				return cp_fail(e, CP_EX_CONFIG, "default-queue cannot be none");
			ro->default_q = q;
		} else {
			ro->lead_q = q;
		}
		return 0;
	}
	if (!strcmp(s, "sticky") || !strcmp(s, "release-after")) {
		int64_t d;
		if (dur_parse(arg, &d) < 0 || d < 0)
			return cp_fail(e, CP_EX_CONFIG, "%s wants a duration like 2h or 7d: %s", s, arg);
		*(s[0] == 's' ? &ro->sticky : &ro->release_after) = d;
		return 0;
	}
	if (!strcmp(s, "max-threads")) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(arg, &end, 10);
		if (!*arg || *end || errno || n > 100000000ULL || *arg == '-')
			return cp_fail(e, CP_EX_CONFIG, "max-threads wants a number: %s", arg);
		ro->max_threads = (size_t)n;
		return 0;
	}
	return cp_fail(e, CP_EX_CONFIG, "unknown setting %s (a section starts with [agent ID], "
	               "[calendar NAME] or [queues])", s);
}

/* "FILE:LINE: " in front of e's message, for what is found wrong with a
 * section after the file is read. */
static void prefix(cp_err *e, const char *file, unsigned line)
{
	char old[sizeof e->msg];
	memcpy(old, e->msg, sizeof old);
	snprintf(e->msg, sizeof e->msg, "%.180s:%u: %.300s", file, line, old);
}

/* The index of c's shift_memo, made on first use; -1 for no calendar,
 * -2 when out of memory. */
static int shift_memo_of(struct roster *ro, const cal *c)
{
	if (!c)
		return -1;
	for (size_t i = 0; i < ro->nmemo; i++)
		if (ro->memo[i].cal == c)
			return (int)i;
	struct shift_memo *m = realloc(ro->memo, (ro->nmemo + 1) * sizeof *m);
	if (!m)
		return -2;
	ro->memo = m;
	m = &ro->memo[ro->nmemo];
	m->cal = c;
	for (size_t k = 0; k < SHIFT_MEMO; k++)
		m->minute[k] = INT64_MIN;
	return (int)ro->nmemo++;
}

struct pending {
	char **names;
	size_t n;
};

static int finish(struct roster *ro, const char *path, struct pending *pq, cp_err *e)
{
	if (cal_set_finish(&ro->cals, path, e) < 0)
		return -1;
	for (size_t i = 0; i < ro->na; i++) {
		struct agent *a = &ro->a[i];
		if (a->capacity < 0)
			return cp_fail(e, CP_EX_CONFIG, "%s:%u: agent %s has no capacity", path, a->line,
			               a->id);
		if (pq[i].n == 0)
			return cp_fail(e, CP_EX_CONFIG, "%s:%u: agent %s has no queues", path, a->line,
			               a->id);
		if (a->shift && a->own)
			return cp_fail(e, CP_EX_CONFIG, "%s:%u: agent %s has both a shift and hours of "
			               "their own", path, a->line, a->id);
		if (a->shift) {
			const cal *named = cal_set_find(&ro->cals, a->shift);
			if (!named)
				return cp_fail(e, CP_EX_CONFIG, "%s:%u: agent %s: no [calendar %s]", path,
				               a->line, a->id, a->shift);
			a->cal = named;
		} else if (a->own) {
			if (cal_finish(a->own, e) < 0) {
				prefix(e, path, a->line);
				return -1;
			}
			a->cal = a->own;
		}
		if ((a->memo = shift_memo_of(ro, a->cal)) < -1)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (!a->name && !(a->name = strdup(a->id)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		if (!a->initials && !(a->initials = initials_of(a->name)))
			return cp_fail(e, CP_EX_OSERR, "out of memory");
		for (size_t k = 0; k < pq[i].n; k++) {
			int q = intern_queue(ro, pq[i].names[k]);
			if (q < 0)
				return cp_fail(e, CP_EX_OSERR, "out of memory");
			bool dup = false;
			for (size_t j = 0; j < a->nqueues; j++)
				dup |= a->queues[j] == q;
			if (dup)
				continue;
			int *nq = realloc(a->queues, (a->nqueues + 1) * sizeof *nq);
			if (!nq)
				return cp_fail(e, CP_EX_OSERR, "out of memory");
			a->queues = nq;
			nq[a->nqueues++] = q;
		}
		buf_reset(&a->json);
		if (buf_adds(&a->json, "{\"id\":") < 0 ||
		    buf_json_str(&a->json, a->id, strlen(a->id)) < 0 ||
		    buf_adds(&a->json, ",\"name\":") < 0 ||
		    buf_json_str(&a->json, a->name, strlen(a->name)) < 0 ||
		    buf_adds(&a->json, ",\"initials\":") < 0 ||
		    buf_json_str(&a->json, a->initials, strlen(a->initials)) < 0 ||
		    buf_addc(&a->json, '}') < 0)
			return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	if (rules_compile(ro->rs, e) < 0)
		return -1;
	size_t nr = rules_count(ro->rs);
	if (nr && !(ro->rule_queue = calloc(nr, sizeof *ro->rule_queue)))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	for (size_t i = 0; i < nr; i++) {
		const struct rules_rule *ru = rules_get(ro->rs, i);
		ro->rule_queue[i] = -1;
		for (size_t k = 0; k < ru->nactions && ro->rule_queue[i] < 0; k++)
			if (ru->actions[k].id == A_QUEUE &&
			    (ro->rule_queue[i] = intern_queue(ro, ru->actions[k].arg)) < 0)
				return cp_fail(e, CP_EX_OSERR, "out of memory");
	}
	/* Each queue's agents, in roster order, for round-robin. */
	for (size_t i = 0; i < ro->na; i++)
		for (size_t k = 0; k < ro->a[i].nqueues; k++) {
			struct queue *q = &ro->q[ro->a[i].queues[k]];
			int *na = realloc(q->agents, (q->nagents + 1) * sizeof *na);
			if (!na)
				return cp_fail(e, CP_EX_OSERR, "out of memory");
			q->agents = na;
			na[q->nagents++] = (int)i;
		}
	if (ro->na == 0)
		return cp_fail(e, CP_EX_CONFIG, "%s: no [agent ID] section", path);
	return 0;
}

/* The reader's state between lines. */
struct roster_reader {
	struct roster *ro;
	enum { TOP, AGENT, CAL, QUEUES } sect;
	struct pending *pq;   /* each agent's queue names, resolved at the end */
	struct agent *a;      /* in [agent ID] */
	cal *cal;             /* in [calendar NAME] */
	bool have_rules;
	cp_buf rules;         /* the [queues] lines as written, blanks elsewhere */
};

static int new_agent(struct roster_reader *rr, const char *id, unsigned lineno, cp_err *e)
{
	struct roster *ro = rr->ro;
	if (roster_agent(ro, id, strlen(id)) >= 0)
		return cp_fail(e, CP_EX_CONFIG, "agent %s is listed twice", id);
	struct agent *na = realloc(ro->a, (ro->na + 1) * sizeof *na);
	struct pending *np = realloc(rr->pq, (ro->na + 1) * sizeof *np);
	if (na)
		ro->a = na;
	if (np)
		rr->pq = np;
	if (!na || !np)
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	struct agent *a = rr->a = &ro->a[ro->na];
	memset(a, 0, sizeof *a);
	memset(&rr->pq[ro->na], 0, sizeof *rr->pq);
	ro->na++;
	a->capacity = -1;
	a->line = lineno;
	if (!(a->id = strdup(id)))
		return cp_fail(e, CP_EX_OSERR, "out of memory");
	return 0;
}

/* One line of a roster (ini_read adds FILE:LINE to its errors). */
static int roster_line(void *ctx, ini_line *l, cp_err *e)
{
	struct roster_reader *rr = ctx;
	char *s = l->text;
	bool is_rules = false;
	int rc = 0;
	if (!*s) {
		/* nothing */
	} else if (*s == '[') {
		char kind[16], name[128];
		bool named = ini_section(s, kind, name) && *name;
		if (!strcmp(s, "[queues]")) {
			rr->sect = QUEUES;
			rr->have_rules = true;
		} else if (named && !strcmp(kind, "agent")) {
			rc = new_agent(rr, name, l->lineno, e);
			rr->sect = AGENT;
		} else if (named && !strcmp(kind, "calendar")) {
			rc = (rr->cal = cal_set_add(&rr->ro->cals, name, e)) ? 0 : -1;
			rr->sect = CAL;
		} else {
			rc = cp_fail(e, CP_EX_CONFIG, "a section is [agent ID], [calendar NAME] or "
			             "[queues]");
		}
	} else if (rr->sect == QUEUES) {
		is_rules = true;
	} else if (rr->sect == CAL) {
		rc = cal_directive(rr->cal, s, l->dir, e);
	} else if (rr->sect == AGENT) {
		struct pending *pp = &rr->pq[rr->ro->na - 1];
		rc = agent_directive(rr->ro, rr->a, s, l->dir, &pp->names, &pp->n, e);
	} else {
		rc = setting(rr->ro, s, e);
	}
	/* The rules see their own lines, as written, and blanks elsewhere. */
	if (rc == 0 && ((is_rules && buf_adds(&rr->rules, l->raw) < 0) ||
	                buf_addc(&rr->rules, '\n') < 0))
		rc = cp_fail(e, CP_EX_OSERR, "out of memory");
	return rc;
}

int roster_load(struct roster *ro, const char *path, cp_err *e)
{
	memset(ro, 0, sizeof *ro);
	ro->lead_q = -1;
	ro->sticky = DEFAULT_STICKY;
	ro->release_after = DEFAULT_RELEASE;
	ro->max_threads = DEFAULT_MAX_THREADS;
	if (!(ro->rs = rules_new(actions, sizeof actions / sizeof actions[0])) ||
	    (ro->default_q = intern_queue(ro, "general")) < 0 ||
	    (ro->lead_q = intern_queue(ro, "lead")) < 0)
		return cp_fail(e, CP_EX_OSERR, "out of memory");

	struct roster_reader rr = { .ro = ro, .sect = TOP };
	int rc = ini_read(path, "#", roster_line, &rr, e);
	if (rc == 0 && rr.have_rules)
		rc = rules_parse(ro->rs, path, rr.rules.p, rr.rules.len, e);
	if (rc == 0)
		rc = finish(ro, path, rr.pq, e);
	for (size_t i = 0; rr.pq && i < ro->na; i++)
		list_free(rr.pq[i].names, rr.pq[i].n);
	free(rr.pq);
	buf_free(&rr.rules);
	return rc;
}

void roster_free(struct roster *ro)
{
	for (size_t i = 0; i < ro->na; i++) {
		struct agent *a = &ro->a[i];
		free(a->id);
		free(a->name);
		free(a->initials);
		free(a->queues);
		list_free(a->langs, a->nlangs);
		list_free(a->handles, a->nhandles);
		free(a->shift);
		cal_free(a->own);
		buf_free(&a->json);
	}
	free(ro->a);
	for (size_t i = 0; i < ro->nq; i++) {
		free(ro->q[i].name);
		free(ro->q[i].agents);
		buf_free(&ro->q[i].json);
	}
	free(ro->q);
	cal_set_free(&ro->cals);
	rules_free(ro->rs);
	free(ro->rule_queue);
	free(ro->memo);
	memset(ro, 0, sizeof *ro);
}
