/*
 * Sending, exactly once: every message is in the journal (journal.c)
 * before it leaves and marked done when the channel said yes; what earlier
 * runs left open is settled first, and --digest gathers the queued items
 * into one message per window.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http.h"
#include "mail.h"
#include "notify.h"

int64_t clock_now(void)
{
	return (int64_t)time(NULL);
}

/* Deliver a body already in the journal.  0 with *code (HTTP or SMTP
 * status), or -1 with e. */
static int deliver(struct notify *c, const char *body, const char *key, long *code, cp_err *e)
{
	const cp_channel *ch = c->ch;
	if (strcmp(ch->type, "email") == 0) {
		cp_mail m = {
			.url = ch->server,
			.starttls = !ch->starttls || strcmp(ch->starttls, "yes") == 0,
			.user = ch->user, .password = ch->user ? c->secret.p : NULL,
			.cacert = ch->cacert ? ch->cacert : c->cacert,
			.from = ch->from, .to = (const char *const *)c->rcpt, .nto = c->nrcpt,
			.message = body, .len = strlen(body),
			.timeout = ch->timeout, .connect_timeout = ch->connect_timeout,
			.retries = ch->retries, .backoff = ch->backoff, .channel = ch->name,
			.on_wait = cp_on_wait, .on_trace = c->p->verbose ? cp_on_trace : NULL, .ctx = c->p,
		};
		return mail_send(&m, code, e);
	}
	bool hook = strcmp(ch->type, "webhook") == 0;
	cp_http_req rq = {
		.method = "POST",
		.url = hook ? ch->url : c->secret.p,
		.bearer = hook && c->secret.len ? c->secret.p : NULL,
		.content_type = "application/json",
		.body = body, .body_len = strlen(body),
		/* The key makes a retry after a 5xx safe to try: the generic
		 * webhook gets it as Idempotency-Key to drop repeats by. */
		.idem_key = key, .idem_header = hook,
		.source = ch->name,
		.auth_hint = hook ? "the token in token_env or token_file" : "the webhook URL in token_env or token_file",
		.timeout = ch->timeout, .connect_timeout = ch->connect_timeout,
		.retries = ch->retries, .backoff = ch->backoff,
	};
	cp_http_resp rs = {0};
	int rc = http_do(c->http, &rq, &rs, e);
	*code = rs.status;
	http_resp_free(&rs);
	return rc;
}

void die_journal(struct notify *c, const cp_err *e)
{
	/* Without the journal nothing may be sent: stop here. */
	cp_die(c->p, e->code ? e->code : CP_EX_IOERR, "%s", e->msg);
}

/* The channel failed: no more sends in this run; the status remembers it. */
static void channel_down(struct notify *c, const cp_err *e)
{
	if (!c->down) {
		c->down = true;
		c->down_err = *e;
		cp_status(c->p, e->code == CP_EX_CONFIG || e->code == CP_EX_NOPERM ||
		          e->code == CP_EX_TEMPFAIL ? e->code : CP_EX_UNAVAILABLE);
	}
}

/* Send an item whose intent is already in the journal, and record the
 * outcome.  Returns 0 sent, -1 failed (the channel is then down). */
int send_intent(struct notify *c, const char *id, const char *body, const char *key,
                       struct outcome *o)
{
	cp_err e = {0}, je = {0};
	long code = 0;
	c->used++;
	if (deliver(c, body, key, &code, &e) < 0) {
		if (nj_failed(c->j, c->ch->name, id, e.msg, &je) < 0)
			die_journal(c, &je);
		channel_down(c, &e);
		if (o) {
			o->status = "failed";
			snprintf(o->reason, sizeof o->reason, "%s; the next run sends it", e.msg);
		}
		c->nfailed++;
		return -1;
	}
	if (nj_done(c->j, c->ch->name, id, code, &je) < 0)
		die_journal(c, &je);
	if (o)
		o->status = "sent";
	c->nsent++;
	return 0;
}

/* The body of a message for this channel, into c->body. */
void build_body(struct notify *c, const char *kind, const char *id, const char *text,
                       const char *subject, const char *key, const char *record, size_t rlen,
                       const char *const *items, size_t nitems)
{
	buf_reset(&c->body);
	int rc = strcmp(c->ch->type, "email") == 0
	    ? email_message(&c->body, c->ch, subject, text, key, id, clock_now())
	    : webhook_body(&c->body, c->ch->type, c->ch->name, kind, id, text, record, rlen, items, nitems);
	if (rc < 0 || !buf_cstr(&c->body))
		oom(c);
}

/* What earlier runs left: an intent open (the outcome unknown: the same
 * body goes again with the same key), a failed send, or one held back by
 * --max or a failing channel.  Sent first, before anything new, within
 * --max, whether or not their records come again. */
void settle(struct notify *c)
{
	for (size_t i = 0; i < c->j->ix.n && !c->down && c->used < c->max; i++) {
		nentry *ne = c->j->ix.order[i];
		if ((ne->state != N_INTENT && ne->state != N_FAILED && ne->state != N_PENDING) ||
		    !ne->body || strcmp(ne->channel, c->ch->name) != 0)
			continue;
		/* A failed digest's items are queued again: the next digest. */
		if (ne->state == N_FAILED && ne->nitems)
			continue;
		if (!c->p->quiet && ne->state == N_INTENT)
			cp_warn(c->p, "%s: the outcome of an earlier send is unknown (interrupted): "
			        "sending it again with the same key", ne->id);
		char *id = strdup(ne->id), *body = strdup(ne->body), *key = strdup(ne->key);
		cp_err e = {0};
		if (!id || !body || !key)
			oom(c);
		if (ne->state != N_INTENT &&
		    nj_intent(c->j, c->ch->name, id, key, body, NULL, 0, &e) < 0)
			die_journal(c, &e);
		if (send_intent(c, id, body, key, NULL) == 0)
			c->nsettled++;
		free(id);
		free(body);
		free(key);
	}
}

/* --digest: when the oldest queued item of the channel has waited a whole
 * window (or at once with force), one message carries every queued item,
 * up to DIGEST_MAX_ITEMS a message. */
void maybe_digest(struct notify *c)
{
	while (!c->down && c->used < c->max) {
		const nentry **items = NULL;
		size_t n = 0;
		if (!c->oldest_known) {
			c->oldest = INT64_MAX;
			for (size_t i = 0; i < c->j->ix.n; i++) {
				const nentry *ne = c->j->ix.order[i];
				if (ne->state == N_QUEUED && !ne->in_digest &&
				    strcmp(ne->channel, c->ch->name) == 0 && ne->queued_at < c->oldest)
					c->oldest = ne->queued_at;
			}
			c->oldest_known = true;
		}
		int64_t oldest = c->oldest;
		if (oldest == INT64_MAX || clock_now() - oldest < c->digest)
			return;
		c->oldest_known = false;   /* what the digest leaves is scanned again */
		if (!(items = calloc(DIGEST_MAX_ITEMS, sizeof *items)))
			oom(c);
		for (size_t i = 0; i < c->j->ix.n && n < DIGEST_MAX_ITEMS; i++) {
			const nentry *ne = c->j->ix.order[i];
			if (ne->state == N_QUEUED && !ne->in_digest && strcmp(ne->channel, c->ch->name) == 0)
				items[n++] = ne;
		}
		const char **ids = calloc(n, sizeof *ids);
		cp_buf text = {0}, subject = {0}, idlist = {0};
		char since[32];
		cp_err e = {0};
		if (!ids)
			oom(c);
		time_format(oldest, since);
		int bad = buf_addf(&text, "carepipe: %zu notification%s since %s\n", n, n == 1 ? "" : "s", since) < 0;
		for (size_t k = 0; k < n; k++) {
			ids[k] = items[k]->id;
			bad |= buf_adds(&text, "- ") < 0 || buf_adds(&text, items[k]->line) < 0 ||
			       buf_addc(&text, '\n') < 0;
			bad |= buf_adds(&idlist, items[k]->id) < 0 || buf_addc(&idlist, '\n') < 0;
		}
		bad |= buf_addf(&subject, "[carepipe] Digest: %zu notification%s since %s", n,
		                n == 1 ? "" : "s", since) < 0;
		if (bad || !buf_cstr(&text) || !buf_cstr(&subject) || !buf_cstr(&idlist))
			oom(c);
		make_key(&c->key, c->ch->name, idlist.p);
		buf_reset(&c->id);
		if (buf_addf(&c->id, "digest:%s", c->key.p) < 0 || !buf_cstr(&c->id))
			oom(c);
		build_body(c, "digest", c->id.p, text.p, subject.p, c->key.p, NULL, 0, ids, n);
		if (nj_intent(c->j, c->ch->name, c->id.p, c->key.p, c->body.p, ids, n, &e) < 0)
			die_journal(c, &e);
		send_intent(c, c->id.p, c->body.p, c->key.p, NULL);
		buf_free(&text);
		buf_free(&subject);
		buf_free(&idlist);
		free(ids);
		free(items);
	}
}
