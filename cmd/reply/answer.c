/*
 * What reply does with one record of its second pass: skip it (and why),
 * preview or post its answer, and write it with a "reply" key, followed
 * by the reply itself as an outbound record once it was sent.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "reply.h"
#include "schema.h"
#include "textlen.h"

/* The time to stamp, formatted once a second at most (once with --now). */
static const char *now_str(struct reply *c, char out[32])
{
	int64_t t = c->now >= 0 ? c->now : (int64_t)time(NULL);
	if (!c->stamp[0] || t != c->stamp_t) {
		time_format(t, c->stamp);
		c->stamp_t = t;
	}
	memcpy(out, c->stamp, 32);
	return out;
}

void why(struct outcome *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->reason_buf, sizeof o->reason_buf, fmt, ap);
	va_end(ap);
	o->reason = o->reason_buf;
}

const char *str_of(cp_val v, cp_buf *b)
{
	buf_reset(b);
	if (v.type != VAL_STRING || val_str(v, b) < 0 || !buf_cstr(b))
		return "";
	return b->p;
}

/* ---------------------------------------------------------------- output */

/* n in decimal into out (no NUL); its length. */
static size_t fmt_long(char out[24], long n)
{
	char tmp[24];
	size_t k = 0, len = 0;
	unsigned long u = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
	do
		tmp[k++] = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		out[len++] = '-';
	while (k)
		out[len++] = tmp[--k];
	return len;
}

static void add_member(cp_buf *b, const char *key, const char *s)
{
	if (!s)
		return;
	if (b->len > 1)
		buf_addc(b, ',');
	buf_json_str(b, key, strlen(key));
	buf_addc(b, ':');
	buf_json_str(b, s, strlen(s));
}

static void emit(struct reply *c, const cp_rec *r, const struct outcome *o, const char *text)
{
	char now[32];
	cp_buf *b = &c->obj;
	buf_reset(b);
	buf_addc(b, '{');
	add_member(b, "status", o->status);
	add_member(b, "text", text);
	if (strcmp(o->status, "sent") == 0) {
		add_member(b, "id", o->posted.id);
		add_member(b, "url", *o->posted.url ? o->posted.url : NULL);
	}
	add_member(b, "reason", o->reason);
	if (o->measured) {
		/* Not buf_addf: its printf machinery showed in a preview's profile. */
		char num[24];
		buf_adds(b, ",\"length\":");
		buf_add(b, num, fmt_long(num, o->length));
		buf_adds(b, ",\"limit\":");
		buf_add(b, num, fmt_long(num, o->limit));
	}
	add_member(b, "at", now_str(c, now));
	buf_addc(b, '}');
	edit_reset(&c->edit);
	buf_reset(&c->out);
	if (edit_set(&c->edit, "reply", b->p, b->len) < 0 || edit_apply(&c->edit, r, &c->out) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	cp_emit(c->p, c->out.p, c->out.len);
	if (!o->outbound)
		return;

	/* The reply itself, as a record sla-check and kpi-report count. */
	buf_reset(b);
	cp_val acc = rec_val(r, "account");
	int si = -1;
	for (size_t i = 0; c->cfg && i < c->cfg->nsrc; i++)
		if (c->conns[i].c && acc.type == VAL_STRING && c->cfg->src[i].account &&
		    val_streq(acc, c->cfg->src[i].account)) {
			si = (int)i;
			break;
		}
	const cp_source *s = si >= 0 ? &c->cfg->src[si] : NULL;
	rec_value account = acc.type == VAL_STRING ? rv_json(acc.p, acc.n) : rv_json(NULL, 0);
	cp_val pv = rec_val(r, "platform"), id = rec_val(r, "id");
	const char *thread = NULL;
	size_t thread_n = 0;
	if (rec_thread_key(r, &c->scratch, &thread, &thread_n) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	rec_values out = {
		.id = rv_cstr(o->posted.id),
		.platform = rv_json(pv.p, pv.n),
		.account = account,
		.direction = REC_DIR_OUT,
		.kind = rv_cstr(o->dm ? "dm" : "reply"),
		.author_id = rv_cstr(s ? s->account_id : NULL),
		.author_handle = account,
		.author_name = account,
		.text = rv_cstr(text),
		.created_at = rv_cstr(now),
		.in_reply_to = rv_json(id.p, id.n),
		.thread = rv_str(thread, thread_n),
		.url = rv_cstr(*o->posted.url ? o->posted.url : NULL),
	};
	if (record_write(b, &out) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	cp_emit(c->p, b->p, b->len);
}

/* ---------------------------------------------------------------- pass 2 */

static void tally(struct reply *c, const cp_rec *r, const struct outcome *o)
{
	if (o->code && ++c->nreasons <= REASONS_SHOWN && !c->p->quiet) {
		const char *id = str_of(rec_val(r, "id"), &c->scratch);
		cp_warn(c->p, "%s: %s: %s", *id ? id : "(no id)", o->status,
		        o->reason ? o->reason : "no reason given");
	}
	if (strcmp(o->status, "skipped") == 0)
		c->nskipped++;
	else if (strcmp(o->status, "failed") == 0)
		c->nfailed++;
	else if (strcmp(o->status, "preview") == 0)
		c->npreview++;
	if (o->code)
		cp_status(c->p, o->code);
}

void answer(struct reply *c, const cp_rec *r)
{
	struct outcome o = { .status = "skipped" };
	const char *text = NULL;
	cp_val dir = rec_val(r, "direction");

	if (val_streq(dir, "out")) {
		o.reason = "outbound: the brand's own post";
		goto out;
	}
	cp_val prev = rec_path(r, "reply.status");
	if (val_streq(prev, "sent")) {
		/* Already answered by an earlier reply run: its record says so. */
		cp_emit(c->p, r->line, r->len);
		return;
	}
	const char *mention = str_of(rec_val(r, "id"), &c->mention);
	if (val_truthy(rec_val(r, "escalate")) && !c->allow_escalated) {
		o.reason = "escalated: a person answers this one (--allow-escalated to reply anyway)";
		goto out;
	}
	const char *answered_by = map_get(&c->answered, mention, NULL);
	const jentry *je = journal_get(c->j, mention);
	if (answered_by) {
		why(&o, "already answered by %s in the input", *answered_by ? answered_by : "a reply");
		if (je && je->state == J_INTENT && c->send) {
			/* The reply we could not confirm is in the input: settle it. */
			cp_err e = {0};
			if (journal_done(c->j, mention, answered_by, NULL, &e) < 0)
				die_journal(c, &e);
		}
		goto out;
	}
	if (je && je->state == J_DONE) {
		why(&o, "already answered by %s (journal)", je->reply_id ? je->reply_id : "a reply");
		goto out;
	}
	/* One probe finds or adds it: a slot already marked is a duplicate. */
	struct map_slot *seen = map_addn(&c->seen, mention, strlen(mention));
	if (!seen)
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	if (seen->val) {
		o.reason = "a second copy of a record already handled in this run";
		goto out;
	}
	seen->val = c;

	const char *platform = str_of(rec_val(r, "platform"), &c->tmp);
	bool open_intent = je && je->state == J_INTENT;
	bool dm = open_intent ? je->dm : c->dm;
	const textlen_rule *rule = textlen_rule_for(platform, dm);
	if (!rule) {
		if (textlen_rule_for(platform, false))
			why(&o, "%s has no private messages (drop --dm)", platform);
		else
			why(&o, "carepipe cannot reply on platform \"%s\"", *platform ? platform : "(none)");
		goto out;
	}
	if (open_intent) {
		/* The text of the unknown post, not a new one: if it went
		 * through, it is the one in the thread. */
		buf_reset(&c->text);
		buf_adds(&c->text, je->text);
		buf_cstr(&c->text);
	} else {
		if (compose(c, r, &o) < 0)
			goto out;
		if (strcmp(platform, "mastodon") == 0)
			mastodon_address(c, r);
	}
	text = c->text.p;
	long len;
	enum textlen_verdict fits = textlen_check(rule, c->text.p, c->text.len, &len);
	if (fits == TL_BAD_UTF8) {
		o.status = "failed";
		o.reason = "the reply is not valid UTF-8";
		o.code = CP_EX_DATAERR;
		goto out;
	}
	o.measured = true;
	o.length = len;
	o.limit = rule->limit;
	if (fits == TL_REFUSED_CHAR) {
		why(&o, "%s refuses a text with U+FFFE, U+FEFF or U+FFFF", platform);
		goto out;
	}
	if (fits == TL_TOO_LONG) {
		const char *unit = rule->unit == TL_WEIGHTED ? "weighted characters" : "characters";
		why(&o, "too long for %s%s: %ld %s, the limit is %ld", platform,
		    dm ? " private messages" : "", len, unit, rule->limit);
		goto out;
	}
	if (fits == TL_TOO_MANY_BYTES) {
		why(&o, "too long for %s: %zu bytes, the limit is %ld", platform, c->text.len,
		    rule->max_bytes);
		goto out;
	}
	if (c->used >= c->max) {
		why(&o, "run limit reached (--max %ld)", c->max);
		goto out;
	}
	c->used++;
	if (!c->send) {
		o.status = "preview";
		if (open_intent)
			o.reason = "an earlier post's outcome is unknown: --send looks for it before "
			           "posting";
		else if (c->cfg && source_for(c, r, &o) < 0) {
			o.status = "preview";
			o.code = 0;
		}
		goto out;
	}
	post_one(c, r, mention, open_intent ? je : NULL, &o);
out:
	emit(c, r, &o, text);
	tally(c, r, &o);
}
