/*
 * Posting, exactly once: the journal's intent is on disk before the
 * request leaves and its done right after the platform said yes
 * (journal.c); an intent left open by a crash is looked up, or waited
 * for, before anything is posted again.  Posting itself goes through
 * common/platform.h (one table for fetch-mentions and reply).
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "reply.h"

int source_for(struct reply *c, const cp_rec *r, struct outcome *o)
{
	const char *platform = str_of(rec_val(r, "platform"), &c->tmp);
	cp_buf acc = {0};
	const char *account = str_of(rec_val(r, "account"), &acc);
	int found = -1;
	for (size_t i = 0; c->cfg && i < c->cfg->nsrc; i++) {
		const cp_source *s = &c->cfg->src[i];
		const cp_platform *pl = plat_find(s->platform);
		if (!pl || strcmp(pl->record_platform, platform) != 0)
			continue;
		if (c->source_name) {
			if (strcmp(s->name, c->source_name) == 0)
				found = (int)i;
			continue;
		}
		if (s->account && strcasecmp(s->account, account) == 0) {
			found = (int)i;
			break;
		}
	}
	if (found < 0) {
		o->status = "failed";
		if (c->source_name)
			why(o, "source %s in %s does not post on %s", c->source_name, c->config_path,
			    platform);
		else
			why(o, "no source in %s posts as %s on %s", c->config_path,
			    *account ? account : "(no account)", platform);
		o->code = CP_EX_CONFIG;
	}
	buf_free(&acc);
	return found;
}

static cp_conn *conn_for(struct reply *c, int i, struct outcome *o)
{
	struct conn_slot *cs = &c->conns[i];
	if (!cs->c && !cs->failed && !(cs->c = plat_open(c->http, &c->cfg->src[i], &cs->err)))
		cs->failed = true;
	if (cs->failed) {
		o->status = "failed";
		why(o, "not sent: %s", cs->err.msg);
		o->code = cs->err.code ? cs->err.code : CP_EX_UNAVAILABLE;
		return NULL;
	}
	return cs->c;
}

static void pace(struct reply *c)
{
	if (c->interval <= 0)
		return;
	double wait = c->last_post + c->interval - mono_now();
	if (c->last_post > 0 && wait > 0) {
		struct timespec ts = { (time_t)wait, (long)((wait - floor(wait)) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	c->last_post = mono_now();
}

/* The key that makes this mention's post idempotent: the same on every
 * run, so a retry after an unknown outcome is recognised as the same post. */
static void idem_key(const char *mention, cp_buf *out)
{
	buf_reset(out);
	buf_adds(out, "carepipe-reply-");
	for (const char *s = mention; *s; s++) {
		char ch = *s;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		          (ch >= '0' && ch <= '9') || ch == ':' || ch == '.' || ch == '-' || ch == '_';
		buf_addc(out, ok ? ch : '_');
	}
	buf_cstr(out);
}

void die_journal(struct reply *c, const cp_err *e)
{
	/* Without the journal nothing may be posted: stop here. */
	cp_die_err(c->p, e);
}

void post_one(struct reply *c, const cp_rec *r, const char *mention, const jentry *je,
                     struct outcome *o)
{
	int si = source_for(c, r, o);
	if (si < 0)
		return;
	cp_conn *cn = conn_for(c, si, o);
	if (!cn)
		return;
	const cp_platform *pl = cn->plat;
	cp_err e = {0};
	cp_buf key = {0}, to_id = {0}, to_handle = {0}, thread = {0};
	if (je)
		buf_adds(&key, je->key);
	else
		idem_key(mention, &key);
	buf_cstr(&key);
	cp_post rq = {
		.in_reply_to = mention,
		.thread = str_of(rec_val(r, "thread"), &thread),
		.to_id = str_of(rec_path(r, "author.id"), &to_id),
		.to_handle = str_of(rec_path(r, "author.handle"), &to_handle),
		.dm = je ? je->dm : c->dm,
		.text = je ? je->text : c->text.p,
		.subject = NULL,
		.idem_key = key.p,
	};
	if (!*rq.thread)
		rq.thread = NULL;
	o->dm = rq.dm;

	if (je) {
		/* The last run sent this and died before hearing back: find out.
		 * Not while its request could still be on its way, though: a
		 * lookup cannot see a post the platform has not made yet. */
		const cp_source *src = &c->cfg->src[si];
		/* The request gave up after timeout seconds (connecting included);
		 * the server gets as long again to finish what it had started,
		 * and a second covers the journal's whole-second clock. */
		int64_t window = 2 * (src->timeout > 0 ? src->timeout : 30) + 1;
		int64_t age = (int64_t)time(NULL) - je->at;
		if (age < window) {
			o->status = "failed";
			why(o, "an earlier post's outcome is unknown and its request may still be in "
			    "flight (sent %llds ago); a run after %llds settles it",
			    (long long)age, (long long)window);
			o->code = CP_EX_TEMPFAIL;
			goto done;
		}
		int found = 0;
		if (pl->lookup) {
			found = pl->lookup(cn, &rq, &o->posted, &e);
			if (found < 0) {
				o->status = "failed";
				why(o, "an earlier post's outcome is unknown and the lookup failed (%s); "
				    "nothing sent", e.msg);
				o->code = e.code ? e.code : CP_EX_TEMPFAIL;
				goto done;
			}
		} else if (strcmp(pl->name, "mastodon") != 0) {
			o->status = "failed";
			why(o, "an earlier post's outcome is unknown and %s cannot look it up: "
			    "check the thread, then mark it in %s", pl->name, c->j->path);
			o->code = CP_EX_TEMPFAIL;
			goto done;
		}
		if (found == 1) {
			if (journal_done(c->j, mention, o->posted.id, o->posted.url, &e) < 0)
				die_journal(c, &e);
			o->status = "sent";
			o->reason = "reconciled: the earlier post went through";
			o->outbound = true;
			c->nsent++;
			goto done;
		}
		/* Not there: post again.  Mastodon also gets the same
		 * Idempotency-Key, so even a lookup that missed it is safe. */
	} else if (journal_intent(c->j, mention, key.p, rq.text, rq.dm, &e) < 0) {
		die_journal(c, &e);
	}
	pace(c);
	if (pl->post(cn, &rq, &o->posted, &e) < 0) {
		o->status = "failed";
		if (e.code == CP_EX_NOPERM || e.code == CP_EX_CONFIG || e.code == CP_EX_DATAERR) {
			/* Refused, or never sent: nothing was posted, so a later
			 * run may try again. */
			why(o, "%s", e.msg);
			cp_err je2 = {0};
			if (journal_failed(c->j, mention, e.msg, &je2) < 0)
				die_journal(c, &je2);
		} else {
			why(o, "outcome unknown (%s); the next run looks for it before trying again",
			    e.msg);
		}
		o->code = e.code ? e.code : CP_EX_UNAVAILABLE;
		if (e.code != CP_EX_DATAERR) {
			/* The source is down or refusing: stop using it in this run. */
			c->conns[si].failed = true;
			c->conns[si].err = e;
		}
		goto done;
	}
	if (journal_done(c->j, mention, o->posted.id, o->posted.url, &e) < 0)
		die_journal(c, &e);
	o->status = "sent";
	o->outbound = true;
	c->nsent++;
done:
	buf_free(&key);
	buf_free(&to_id);
	buf_free(&to_handle);
	buf_free(&thread);
}
