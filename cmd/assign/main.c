/*
 * assign - route inbound records to queues and agents: queue rules
 * (carepipe-rules(5)), agents' shifts (business calendars), languages and
 * capacities from a roster; threads stay with their agent; the load,
 * the owners and the round-robin positions live in a state directory
 * across runs.  Outbound records pass through and release the items they
 * answer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "assign.h"

enum { OPT_NOW = 256, OPT_STATE, OPT_STRATEGY, OPT_WAIT };

static const struct option longopts[] = {
	{ "roster", required_argument, NULL, 'R' },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "strategy", required_argument, NULL, OPT_STRATEGY },
	{ "wait", no_argument, NULL, OPT_WAIT },
	{ NULL, 0, NULL, 0 },
};

/* A long run saves its state this often (wall clock), after flushing the
 * output the state covers, so a killed stream loses little. */
#define CHECKPOINT_SECS 60

struct ctx {
	cp_prog *p;
	struct roster ro;
	struct threads t;
	rules_ctx *rc;
	bool have_now;
	int64_t now;          /* --now */
	int64_t clock;        /* the stream's time: --now, or the latest created_at seen */
	uint64_t seq;
	const char *state_path;
	time_t saved_at;
	uint64_t since_check;
	cp_buf text, key, reason, out, idbuf, accbuf;
	rec_edit edit;
	/* per record, while choosing */
	const char *lang;
	size_t langlen;
	int64_t at;
	/* counts for -v */
	uint64_t nassigned, nunassigned, nreleased, nsticky;
};

static void oom(struct ctx *c)
{
	cp_die(c->p, CP_EX_OSERR, "out of memory");
}

/* The string value of a record's key as raw bytes when it has no escapes,
 * else unescaped into tmp. */
static const char *str_of(cp_val v, cp_buf *tmp, size_t *n, struct ctx *c)
{
	if (v.type != VAL_STRING)
		return NULL;
	const char *s = val_rawstr(v, n);
	if (s)
		return s;
	buf_reset(tmp);
	if (val_str(v, tmp) < 0)
		oom(c);
	*n = tmp->len;
	return tmp->p;
}

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
 * minute: records come many a minute, and the calendar is asked once. */
static bool on_shift(struct agent *a, int64_t t)
{
	if (!a->cal)
		return true;
	int64_t m = t >= 0 ? t / 60 : -((-t + 59) / 60);
	if (m == a->shift_minute)
		return a->shift_open;
	bool open = cal_is_open(a->cal, t);
	if (tz_offset(cal_zone(a->cal), t) % 60 == 0) {
		a->shift_minute = m;
		a->shift_open = open;
	}
	return open;
}

/* holds: the agent already has this thread's open item, which costs no
 * more capacity. */
static bool qualifies(struct ctx *c, int i, int q, bool holds)
{
	struct agent *a = &c->ro.a[i];
	return in_queue(a, q) && on_shift(a, c->at) && speaks(a, c->lang, c->langlen) &&
	       (holds || a->load < a->capacity);
}

static int pick_least_loaded(struct ctx *c, const struct queue *q, int qi, const struct thread *th)
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

static int pick_round_robin(struct ctx *c, struct queue *q, int qi, const struct thread *th)
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
static void why_nobody(struct ctx *c, int qi)
{
	const struct queue *q = &c->ro.q[qi];
	size_t shift = 0, lang = 0;
	for (size_t k = 0; k < q->nagents; k++) {
		struct agent *a = &c->ro.a[q->agents[k]];
		if (!on_shift(a, c->at))
			continue;
		shift++;
		if (speaks(a, c->lang, c->langlen))
			lang++;
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
		oom(c);
}

/* Release stale items and forget old owners, by the stream's clock. */
static void expire(struct ctx *c)
{
	struct threads *t = &c->t;
	const struct roster *ro = &c->ro;
	while (t->open.head && ro->release_after > 0 &&
	       t->open.head->last <= c->clock - ro->release_after) {
		struct thread *th = t->open.head;
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

/* The thread a record belongs to: thread, else what it replies to, else itself. */
static const char *thread_key(struct ctx *c, const cp_rec *r, size_t *n)
{
	const char *s = str_of(rec_val(r, "thread"), &c->key, n, c);
	if (!s || !*n)
		s = str_of(rec_val(r, "in_reply_to"), &c->key, n, c);
	if (!s || !*n)
		s = str_of(rec_val(r, "id"), &c->key, n, c);
	return s && *n ? s : NULL;
}

/* The agent whose initials sign the text ("... ^JD"), or -1. */
static int signer(struct ctx *c, cp_val text)
{
	if (text.type != VAL_STRING || text.n < 4)
		return -1;
	const char *end = text.p + text.n - 1;   /* the closing quote */
	const char *s = end;
	while (s > text.p + 1 && ((s[-1] >= 'A' && s[-1] <= 'Z') || (s[-1] >= 'a' && s[-1] <= 'z') ||
	                          (s[-1] >= '0' && s[-1] <= '9')))
		s--;
	size_t n = (size_t)(end - s);
	if (n == 0 || n > 8 || s[-1] != '^')
		return -1;
	const char *before = s - 1;
	if (!(before == text.p + 1 || before[-1] == ' ' ||
	      (before - 2 > text.p && before[-1] == 'n' && before[-2] == '\\')))
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
	struct thread *th = th_find(&c->t, key, n);
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
		oom(c);
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

/* The queue: the lead queue for an escalation, else the first rule that
 * holds, else the thread's queue (a follow-up stays where its
 * conversation is), else the default queue. */
static int queue_of(struct ctx *c, const cp_rec *r, const cp_pos *pos, const struct thread *th)
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
		oom(c);
	for (size_t i = 0; i < nr; i++) {
		cp_err e = {0};
		int t = rules_test(c->rc, i, false, &e);
		if (t < 0) {
			if (e.code == CP_EX_OSERR) /* the keyword scan's */
				oom(c);
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

static void checkpoint(struct ctx *c, bool force)
{
	if (!c->state_path)
		return;
	time_t w = time(NULL);
	if (!force && w - c->saved_at < CHECKPOINT_SECS)
		return;
	cp_err e = {0};
	/* The state never runs ahead of the output it covers. */
	if (out_flush(&c->p->out) < 0)
		cp_die(c->p, CP_EX_IOERR, "write error: %s", cp_out_strerror(c->p));
	if (state_save(c->state_path, &c->ro, &c->t, c->clock, c->seq, &e) < 0)
		cp_die_err(c->p, &e);
	c->saved_at = w;
}

static int each(void *v, cp_rec *r, const cp_pos *pos)
{
	struct ctx *c = v;
	if (c->state_path && (c->p->line_buffered || (++c->since_check & 1023) == 0))
		checkpoint(c, false);

	size_t dn;
	const char *dir = val_rawstr(rec_val(r, "direction"), &dn);
	bool in = dir && dn == 2 && !memcmp(dir, "in", 2);
	if (!in && !(dir && dn == 3 && !memcmp(dir, "out", 3))) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len,
		            "no \"direction\" of \"in\" or \"out\"");
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
	struct thread *th = th_find(&c->t, key, kn);
	int qi = queue_of(c, r, pos, th);
	struct queue *q = &c->ro.q[qi];

	int who = -1;
	if (th && th->agent >= 0 && qualifies(c, th->agent, qi, th->open)) {
		who = th->agent;
		c->nsticky++;
	} else if (c->ro.strategy == ROUND_ROBIN) {
		who = pick_round_robin(c, q, qi, th);
	} else {
		who = pick_least_loaded(c, q, qi, th);
	}

	edit_reset(&c->edit);
	if (edit_set(&c->edit, "queue", q->json.p, q->json.len) < 0)
		oom(c);
	if (who >= 0) {
		struct agent *a = &c->ro.a[who];
		if (!th && !(th = th_add(&c->t, key, kn, c->clock)))
			oom(c);
		if (th->open && th->agent != who && th->agent >= 0)
			c->ro.a[th->agent].load--;      /* the item changes hands */
		if (!th->open || th->agent != who)
			a->load++;
		if (!th->open) {
			size_t an = 0;
			const char *acc = str_of(rec_val(r, "account"), &c->accbuf, &an, c);
			if (th_open(&c->t, th, id, idn, acc, an, c->at, c->clock) < 0)
				oom(c);
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
			oom(c);
		if (rec_get(r, "assign_reason"))
			edit_del(&c->edit, "assign_reason");
		c->nassigned++;
	} else {
		/* Nobody can take it now, but its thread is in queue qi all the
		 * same: a follow-up goes there too, not to the default queue. */
		if (!th && !(th = th_add(&c->t, key, kn, c->clock)))
			oom(c);
		if (!th->open) {
			th->queue = qi;
			th_touch(&c->t, th, c->clock);
		}
		why_nobody(c, qi);
		if (edit_set(&c->edit, "assignee", "null", 4) < 0 ||
		    edit_set(&c->edit, "assigned_at", "null", 4) < 0 ||
		    edit_set_str(&c->edit, "assign_reason", c->reason.p, c->reason.len) < 0)
			oom(c);
		c->nunassigned++;
	}
	buf_reset(&c->out);
	if (edit_apply(&c->edit, r, &c->out) < 0)
		oom(c);
	cp_emit(c->p, c->out.p, c->out.len);
	return 0;
}

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct ctx c;
	const char *roster = NULL, *state = NULL, *strategy = NULL;
	bool wait = false;
	cp_err e = {0};
	int ch, lock = -1;
	cp_buf path = {0};

	c.p = &p;
	cp_init(&p, "assign",
	        "assign [-qv] [--bad file] [--line-buffered] [--now time] [--state dir]\n"
	        "              [--strategy least-loaded | round-robin] [--strict] [--wait]\n"
	        "              -R roster [file ...]",
	        "  -R, --roster FILE     agents, shifts and queue rules (see assign(1))\n"
	        "      --now TIME        check shifts at TIME (RFC 3339, or now) instead of\n"
	        "                        each record's created_at\n"
	        "      --state DIR       keep load, thread owners and round-robin positions\n"
	        "                        in DIR/assign/ across runs\n"
	        "      --strategy S      least-loaded (the default) or round-robin\n"
	        "      --wait            wait for another run's lock instead of exiting 75\n");
	while ((ch = cp_getopt(&p, argc, argv, "R:", longopts)) != -1) {
		switch (ch) {
		case 'R':
			roster = optarg;
			break;
		case OPT_NOW:
			if (!strcmp(optarg, "now"))
				c.now = (int64_t)time(NULL);
			else if (time_parse(optarg, strlen(optarg), &c.now) < 0)
				cp_die(&p, CP_EX_USAGE, "--now wants a time such as "
				       "2026-01-05T09:00:00Z: %s", optarg);
			c.have_now = true;
			break;
		case OPT_STATE:
			state = optarg;
			break;
		case OPT_STRATEGY:
			if (strcmp(optarg, "least-loaded") && strcmp(optarg, "round-robin"))
				cp_die(&p, CP_EX_USAGE, "--strategy is least-loaded or round-robin: %s",
				       optarg);
			strategy = optarg;
			break;
		case OPT_WAIT:
			wait = true;
			break;
		default:
			cp_usage(&p);
		}
	}
	if (!roster)
		cp_die(&p, CP_EX_USAGE, "a roster is needed: -R FILE");
	if (roster_load(&c.ro, roster, &e) < 0)
		cp_die_err(&p, &e);
	if (strategy)
		c.ro.strategy = strategy[0] == 'r' ? ROUND_ROBIN : LEAST_LOADED;
	if (!(c.rc = rules_ctx_new(c.ro.rs)))
		oom(&c);
	if (c.have_now)
		c.clock = c.now;
	if (state) {
		/* A folder of its own: fetch-mentions locks DIR itself, in the same pipeline. */
		if (mkdir(state, 0700) < 0 && errno != EEXIST)
			cp_die(&p, CP_EX_CANTCREAT, "%s: %s", state, strerror(errno));
		if (buf_addf(&path, "%s/assign", state) < 0)
			oom(&c);
		if ((lock = state_lock(path.p, wait, &e)) < 0)
			cp_die_err(&p, &e);
		if (buf_adds(&path, "/state.ndjson") < 0 || !(c.state_path = buf_cstr(&path)))
			oom(&c);
		int64_t clock = 0;
		if (state_load(c.state_path, &c.ro, &c.t, &clock, &c.seq, &e) < 0)
			cp_die_err(&p, &e);
		if (!c.have_now)
			c.clock = clock;
		c.saved_at = time(NULL);
	}
	cp_start(&p);
	cp_each_record(&p, argc - optind, argv + optind, each, &c);
	checkpoint(&c, true);
	if (p.verbose) {
		long load = 0;
		for (size_t i = 0; i < c.ro.na; i++)
			load += c.ro.a[i].load;
		cp_warn(&p, "%llu assigned (%llu by thread), %llu unassigned, %llu released; "
		        "%ld open items, %zu threads known",
		        (unsigned long long)c.nassigned, (unsigned long long)c.nsticky,
		        (unsigned long long)c.nunassigned, (unsigned long long)c.nreleased, load,
		        c.t.n);
	}
	state_unlock(lock);
	rules_ctx_free(c.rc);
	roster_free(&c.ro);
	th_free(&c.t);
	buf_free(&c.text);
	buf_free(&c.key);
	buf_free(&c.reason);
	buf_free(&c.out);
	buf_free(&c.idbuf);
	buf_free(&c.accbuf);
	buf_free(&path);
	edit_free(&c.edit);
	return cp_finish(&p);
}
