/*
 * Who takes an item: the queue (the lead queue, the rules, the thread's
 * queue, the default), then an agent of that queue on shift, speaking the
 * language, with room under their capacity, by the roster's strategy;
 * and, when nobody qualifies, why.
 */
#include <string.h>
#include <strings.h>

#include "assign.h"

static bool speaks(const struct agent *a, const char *lang, size_t n)
{
	if (!lang || a->nlangs == 0)
		return true;
	size_t pl = 0;
	while (pl < n && lang[pl] != '-' && lang[pl] != '_')
		pl++;
	for (size_t i = 0; i < a->nlangs; i++)
		if (strlen(a->langs[i]) == pl && !strncasecmp(a->langs[i], lang, pl))
			return true;
	return false;
}

static bool in_queue(const struct agent *a, int q)
{
	for (size_t i = 0; i < a->nqueues; i++)
		if (a->queues[i] == q)
			return true;
	return false;
}

/* Shifts open and close on whole minutes of local time, and zones now
 * differ from UTC by whole minutes, so the answer holds for the whole UTC
 * minute: records come many a minute, and each calendar is asked once
 * (struct shift_memo). */
static bool on_shift(struct roster *ro, const struct agent *a, int64_t t)
{
	if (a->memo < 0)
		return true;
	struct shift_memo *sm = &ro->memo[a->memo];
	int64_t m = t >= 0 ? t / 60 : -((-t + 59) / 60);
	size_t k = (size_t)((uint64_t)m % SHIFT_MEMO);
	if (m == sm->minute[k])
		return sm->open[k];
	bool open = cal_is_open(sm->cal, t);
	if (tz_offset(cal_zone(sm->cal), t) % 60 == 0) {
		sm->minute[k] = m;
		sm->open[k] = open;
	}
	return open;
}

/* holds: the agent already has this thread's open item, which costs no
 * more capacity. */
bool qualifies(struct ctx *c, int i, int q, bool holds)
{
	struct agent *a = &c->ro.a[i];
	/* The calendar last: it costs the most. */
	return in_queue(a, q) && (holds || a->load < a->capacity) &&
	       speaks(a, c->lang, c->langlen) && on_shift(&c->ro, a, c->at);
}

static int pick_least_loaded(struct ctx *c, const struct queue *q, int qi, const struct assign_thread *th)
{
	int best = -1;
	for (size_t k = 0; k < q->nagents; k++) {
		int i = q->agents[k];
		if (!qualifies(c, i, qi, th && th->open && th->agent == i))
			continue;
		const struct agent *a = &c->ro.a[i], *b = best >= 0 ? &c->ro.a[best] : NULL;
		if (!b || a->load < b->load || (a->load == b->load && a->last_seq < b->last_seq))
			best = i;
	}
	return best;
}

static int pick_round_robin(struct ctx *c, struct queue *q, int qi, const struct assign_thread *th)
{
	size_t start = 0;
	for (size_t k = 0; q->rr >= 0 && k < q->nagents; k++)
		if (q->agents[k] == q->rr)
			start = k + 1;
	for (size_t k = 0; k < q->nagents; k++) {
		int i = q->agents[(start + k) % q->nagents];
		if (qualifies(c, i, qi, th && th->open && th->agent == i)) {
			q->rr = i;
			return i;
		}
	}
	return -1;
}

/* Why nobody qualified: the first test that left no one. */
void why_nobody(struct ctx *c, int qi)
{
	const struct queue *q = &c->ro.q[qi];
	size_t shift = 0, lang = 0;
	/* One agent on shift who speaks the language settles it (capacity);
	 * the calendar is asked after the cheaper test. */
	for (size_t k = 0; k < q->nagents && lang == 0; k++) {
		const struct agent *a = &c->ro.a[q->agents[k]];
		bool speaks_it = speaks(a, c->lang, c->langlen);
		if (!on_shift(&c->ro, a, c->at))
			continue;
		shift++;
		lang += speaks_it;
	}
	buf_reset(&c->reason);
	int rc;
	if (q->nagents == 0)
		rc = buf_addf(&c->reason, "no agent in queue %s", q->name);
	else if (shift == 0)
		rc = buf_addf(&c->reason, "no agent in queue %s is on shift", q->name);
	else if (lang == 0)
		rc = buf_addf(&c->reason, "no agent in queue %s on shift speaks %.*s", q->name,
		              (int)c->langlen, c->lang);
	else
		rc = buf_addf(&c->reason, "every agent in queue %s on shift%s%.*s is at capacity",
		              q->name, c->lang ? " who speaks " : "", c->lang ? (int)c->langlen : 0,
		              c->lang ? c->lang : "");
	if (rc < 0)
		assign_oom(c);
}


/* The queue: the lead queue for an escalation, else the first rule that
 * holds, else the thread's queue (a follow-up stays where its
 * conversation is), else the default queue. */
int queue_of(struct ctx *c, const cp_rec *r, const cp_pos *pos, const struct assign_thread *th)
{
	if (c->ro.lead_q >= 0 && rec_val(r, "escalate").type == VAL_TRUE)
		return c->ro.lead_q;
	size_t nr = rules_count(c->ro.rs);
	int fallback = th && th->queue >= 0 ? th->queue : c->ro.default_q;
	if (nr == 0)
		return fallback;
	size_t tn = 0;
	const char *text = str_of(rec_val(r, "text"), &c->text, &tn, c);
	if (rules_begin(c->rc, r, text ? text : "", text ? tn : 0) < 0)
		assign_oom(c);
	for (size_t i = 0; i < nr; i++) {
		cp_err e = {0};
		int t = rules_test(c->rc, i, false, &e);
		if (t < 0) {
			if (e.code == CP_EX_OSERR) /* the keyword scan's */
				assign_oom(c);
			const struct rules_rule *ru = rules_get(c->ro.rs, i);
			cp_warn(c->p, "%s:%llu: %s (rule at %s:%u)", pos->file,
			        (unsigned long long)pos->lineno, e.msg, ru->file, ru->line);
			cp_status(c->p, CP_EX_DATAERR);
			continue;
		}
		if (t && c->ro.rule_queue[i] >= 0)
			return c->ro.rule_queue[i];
	}
	return fallback;
}

/* The agent for an item in queue qi: the thread's own agent when they
 * qualify, else the strategy's choice; -1 when nobody qualifies. */
int pick_agent(struct ctx *c, int qi, const struct assign_thread *th)
{
	if (th && th->agent >= 0 && qualifies(c, th->agent, qi, th->open)) {
		c->nsticky++;
		return th->agent;
	}
	if (c->ro.strategy == ROUND_ROBIN)
		return pick_round_robin(c, &c->ro.q[qi], qi, th);
	return pick_least_loaded(c, &c->ro.q[qi], qi, th);
}
