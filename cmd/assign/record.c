/*
 * One record through assign: an outbound record releases the item it
 * answers and gives the thread to the agent who signed it; an inbound one
 * gets a queue and an agent (route.c), or the reason nobody took it.
 */
#include <string.h>

#include "assign.h"
#include "schema.h"

const char *str_of(cp_val v, cp_buf *tmp, size_t *n, struct ctx *c)
{
	const char *s;
	int rc = val_strview(v, tmp, &s, n);
	if (rc == -2)
		assign_oom(c);
	return rc == 0 ? s : NULL;
}

/* Release stale items and forget old owners, by the stream's clock. */
static void expire(struct ctx *c)
{
	struct threads *t = &c->t;
	const struct roster *ro = &c->ro;
	while (t->open.head && ro->release_after > 0 &&
	       t->open.head->last <= c->clock - ro->release_after) {
		struct assign_thread *th = t->open.head;
		if (th->agent >= 0)
			c->ro.a[th->agent].load--;
		/* Released now: the closed list stays in order of activity. */
		th_close(t, th, c->clock);
		c->nreleased++;
	}
	while (t->closed.head && (t->closed.n > ro->max_threads ||
	                          t->closed.head->last <= c->clock - ro->sticky))
		th_del(t, t->closed.head);
}

/* The thread a record belongs to (rec_thread_key: thread, else what it
 * replies to, else itself), or NULL. */
static const char *thread_key(struct ctx *c, const cp_rec *r, size_t *n)
{
	const char *s;
	int got = rec_thread_key(r, &c->key, &s, n);
	if (got < 0)
		assign_oom(c);
	return got ? s : NULL;
}

/* The agent whose initials sign the text (rec_signature: "... ^JD"), or -1. */
static int signer(struct ctx *c, cp_val text)
{
	const char *s;
	size_t n;
	int got = rec_signature(text, &c->text, &s, &n);
	if (got < 0)
		assign_oom(c);
	if (!got)
		return -1;
	int found = -1;
	for (size_t i = 0; i < c->ro.na; i++)
		if (strlen(c->ro.a[i].initials) == n && !memcmp(c->ro.a[i].initials, s, n)) {
			if (found >= 0)
				return -1;   /* two agents sign alike: nobody can tell */
			found = (int)i;
		}
	return found;
}

static bool by_agent(const struct agent *a, const cp_rec *r, struct ctx *c)
{
	size_t n;
	const char *h = str_of(rec_path(r, "author.handle"), &c->reason, &n, c);
	if (h && n && *h == '@') {
		h++;
		n--;
	}
	for (size_t i = 0; h && i < a->nhandles; i++)
		if (strlen(a->handles[i]) == n && !memcmp(a->handles[i], h, n))
			return true;
	cp_val id = rec_path(r, "assignee.id");
	return id.type == VAL_STRING && val_streq(id, a->id);
}

static void outbound(struct ctx *c, const cp_rec *r)
{
	size_t n;
	const char *key = thread_key(c, r, &n);
	if (!key)
		return;
	struct assign_thread *th = th_find(&c->t, key, n);
	if (th && th->open) {
		size_t an;
		const char *acc = str_of(rec_val(r, "account"), &c->accbuf, &an, c);
		bool same_account = th->account && acc && strlen(th->account) == an &&
		                    !memcmp(th->account, acc, an);
		if (same_account || (th->agent >= 0 && by_agent(&c->ro.a[th->agent], r, c))) {
			if (th->agent >= 0)
				c->ro.a[th->agent].load--;
			th_close(&c->t, th, c->clock);
			c->nreleased++;
		}
	}
	/* The agent who signed the answer has the thread from now on. */
	int s = signer(c, rec_val(r, "text"));
	if (s < 0)
		return;
	if (!th && !(th = th_add(&c->t, key, n, c->clock)))
		assign_oom(c);
	if (!th->open) {
		th->agent = s;
		th_touch(&c->t, th, c->clock);
	}
}

/* Answered already: sla-check found the response, or reply sent one. */
static bool answered(const cp_rec *r)
{
	cp_val sla = rec_val(r, "sla");
	if (sla.type == VAL_OBJECT && val_member(sla, "responded_at").type == VAL_STRING)
		return true;
	cp_val st = rec_path(r, "reply.status");
	return st.type == VAL_STRING && val_streq(st, "sent");
}



int assign_record(void *v, cp_rec *r, const cp_pos *pos)
{
	struct ctx *c = v;
	if (c->state_path && (c->p->line_buffered || (++c->since_check & 1023) == 0))
		checkpoint(c, false);

	int dir = rec_direction(r);
	bool in = dir == REC_DIR_IN;
	if (!in && dir != REC_DIR_OUT) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len, REC_DIR_REASON);
		return 0;
	}
	int64_t created = 0;
	cp_val cv = rec_val(r, "created_at");
	size_t cn;
	const char *cs = val_rawstr(cv, &cn);
	bool have_created = cs && time_parse(cs, cn, &created) == 0;
	if (cv.type != VAL_NONE && cv.type != VAL_NULL && !have_created) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len,
		            "created_at is not a time");
		return 0;
	}
	if (in && !have_created && !c->have_now) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len,
		            "no created_at (or give --now)");
		return 0;
	}
	if (!c->have_now && have_created && created > c->clock)
		c->clock = created;
	expire(c);

	if (!in) {
		outbound(c, r);
		cp_emit(c->p, r->line, r->len);
		return 0;
	}
	if (answered(r)) {
		cp_emit(c->p, r->line, r->len);
		return 0;
	}
	size_t idn;
	const char *id = str_of(rec_val(r, "id"), &c->idbuf, &idn, c);
	if (!id || !idn) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len, "no id");
		return 0;
	}
	c->at = c->have_now ? c->now : created;
	c->lang = val_rawstr(rec_val(r, "lang"), &c->langlen);
	if (c->lang && (c->langlen == 0 || (c->langlen == 3 && !memcmp(c->lang, "und", 3))))
		c->lang = NULL;

	size_t kn;
	const char *key = thread_key(c, r, &kn);
	struct assign_thread *th = th_find(&c->t, key, kn);
	int qi = queue_of(c, r, pos, th);
	struct queue *q = &c->ro.q[qi];

	int who = pick_agent(c, qi, th);

	edit_reset(&c->edit);
	if (edit_set(&c->edit, "queue", q->json.p, q->json.len) < 0)
		assign_oom(c);
	if (who >= 0) {
		struct agent *a = &c->ro.a[who];
		if (!th && !(th = th_add(&c->t, key, kn, c->clock)))
			assign_oom(c);
		if (th->open && th->agent != who && th->agent >= 0)
			c->ro.a[th->agent].load--;      /* the item changes hands */
		if (!th->open || th->agent != who)
			a->load++;
		if (!th->open) {
			size_t an = 0;
			const char *acc = str_of(rec_val(r, "account"), &c->accbuf, &an, c);
			if (th_open(&c->t, th, id, idn, acc, an, c->at, c->clock) < 0)
				assign_oom(c);
		} else {
			th_touch(&c->t, th, c->clock);
		}
		th->agent = who;
		th->queue = qi;
		a->last_seq = ++c->seq;
		char ts[32];
		int tn = time_format(c->at, ts);
		if (edit_set(&c->edit, "assignee", a->json.p, a->json.len) < 0 ||
		    edit_set_str(&c->edit, "assigned_at", ts, (size_t)tn) < 0)
			assign_oom(c);
		if (rec_get(r, "assign_reason"))
			edit_del(&c->edit, "assign_reason");
		c->nassigned++;
	} else {
		/* Nobody can take it now, but its thread is in queue qi all the
		 * same: a follow-up goes there too, not to the default queue. */
		if (!th && !(th = th_add(&c->t, key, kn, c->clock)))
			assign_oom(c);
		if (!th->open) {
			th->queue = qi;
			th_touch(&c->t, th, c->clock);
		}
		why_nobody(c, qi);
		if (edit_set(&c->edit, "assignee", "null", 4) < 0 ||
		    edit_set(&c->edit, "assigned_at", "null", 4) < 0 ||
		    edit_set_str(&c->edit, "assign_reason", c->reason.p, c->reason.len) < 0)
			assign_oom(c);
		c->nunassigned++;
	}
	buf_reset(&c->out);
	if (edit_apply(&c->edit, r, &c->out) < 0)
		assign_oom(c);
	cp_emit(c->p, c->out.p, c->out.len);
	return 0;
}
