/*
 * reply - answer mentions with saved replies: previewed by default, posted
 * with --send, each mention at most once across crashes and reruns.
 *
 * reply reads its whole input before it answers anything: an outbound
 * record that answers a mention may come after it in the stream (a log
 * sorted by time has the brand's answer after the question), and reply
 * must know it before it posts.  The input is spooled to an unlinked
 * temporary file on the first pass, which keeps only the ids of answered
 * mentions in memory; the second pass decides, posts and writes, in input
 * order.  So reply is a batch filter: on an endless stream (tail -f) it
 * answers nothing until the input ends; run it from cron over new records.
 *
 * Posting goes through common/platform.h (one table for fetch-mentions
 * and reply); this file only decides what to post and keeps the journal.
 */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "reply.h"
#include "textlen.h"
#include "unicode.h"

enum {
	OPT_TEXT = 256, OPT_LIBRARY, OPT_JQ, OPT_AGENT, OPT_DM, OPT_ALLOW_ESC, OPT_SEND,
	OPT_CONFIG, OPT_SOURCE, OPT_JOURNAL, OPT_MAX, OPT_RATE, OPT_NOW, OPT_CACERT,
};

static const struct option longopts[] = {
	{ "text", required_argument, NULL, OPT_TEXT },
	{ "library", required_argument, NULL, OPT_LIBRARY },
	{ "jq", required_argument, NULL, OPT_JQ },
	{ "agent", required_argument, NULL, OPT_AGENT },
	{ "dm", no_argument, NULL, OPT_DM },
	{ "allow-escalated", no_argument, NULL, OPT_ALLOW_ESC },
	{ "send", no_argument, NULL, OPT_SEND },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "rate", required_argument, NULL, OPT_RATE },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ NULL, 0, NULL, 0 },
};

#define SYNOPSIS \
	"reply [-qv] [--agent initials] [--allow-escalated] [--bad file] [--cacert file]\n" \
	"             [--config file] [--dm] [--journal file] [--max n] [--now time]\n" \
	"             [--rate n/min] [--send] [--source name] [--strict]\n" \
	"             --text template | --library dir | --jq expr [file ...]"

#define HELP \
	"      --text TEMPLATE   reply with this template\n" \
	"      --library DIR     saved replies DIR/TAG.txt (DIR/TAG.LANG.txt); first tag wins,\n" \
	"                        then default.txt\n" \
	"      --jq EXPR         reply with a jq string expression over the record\n" \
	"      --agent INITIALS  sign as ^INITIALS ({{agent}}, or appended)\n" \
	"      --dm              answer by private message\n" \
	"      --allow-escalated also answer records tag marked escalate\n" \
	"      --max N           answer at most N records in this run (default 20)\n" \
	"      --now TIME        the time to stamp (RFC 3339; default: now)\n" \
	"      --config FILE     carepipe.conf(5): the accounts to post from\n" \
	"      --source NAME     post through this source only\n" \
	"      --send            post (without it: preview)\n" \
	"      --journal FILE    the exactly-once journal (needed with --send)\n" \
	"      --rate N/min      post at most N replies a minute\n" \
	"      --cacert FILE     also trust this CA bundle\n"

struct conn_slot {
	cp_conn *c;
	bool failed;
	cp_err err;
};

struct reply {
	cp_prog *p;
	/* the text */
	tmpl *tpl;
	library *lib;
	jqx *jq;
	char sig[64];            /* "^JD", or "" */
	bool dm, allow_escalated, send;
	long max;
	double interval;         /* seconds between posts, from --rate */
	int64_t now;             /* --now, or -1 */
	/* posting */
	const char *config_path, *source_name, *cacert;
	cp_config *cfg;
	cp_http *http;
	struct conn_slot *conns;
	journal *j;
	double last_post;
	/* the run */
	strmap answered;         /* mention id -> id of the outbound answer (input) */
	strmap seen;             /* mention ids handled in this run */
	FILE *spool;
	long used;
	unsigned long nsent, npreview, nskipped, nfailed;
	unsigned long nreasons;  /* outcomes that set the exit status */
	rec_edit edit;
	cp_buf out, obj, text, tmp, mention, scratch;
};

/* What happened to one record. */
struct outcome {
	const char *status;      /* preview, sent, skipped, failed */
	const char *reason;      /* or NULL */
	char reason_buf[768];
	cp_posted posted;        /* sent: the reply */
	bool outbound;           /* write an outbound record after it */
	bool dm;                 /* it went (or goes) as a private message */
	int code;                /* exit status it calls for */
	bool measured;           /* length and limit are known */
	long length, limit;      /* the reply's length by its platform's rule */
};

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *now_str(struct reply *c, char out[32])
{
	time_format(c->now >= 0 ? c->now : (int64_t)time(NULL), out);
	return out;
}

/* Journal times are always the clock: they bound what may still be in flight. */
static const char *clock_str(char out[32])
{
	time_format((int64_t)time(NULL), out);
	return out;
}

static void why(struct outcome *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(struct outcome *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->reason_buf, sizeof o->reason_buf, fmt, ap);
	va_end(ap);
	o->reason = o->reason_buf;
}

/* A record's string value as a C string in b ("" when absent). */
static const char *str_of(cp_val v, cp_buf *b)
{
	buf_reset(b);
	if (v.type != VAL_STRING || val_str(v, b) < 0 || !buf_cstr(b))
		return "";
	return b->p;
}

/* ---------------------------------------------------------------- pass 1 */

static int spool_one(void *v, cp_rec *r, const cp_pos *pos)
{
	struct reply *c = v;
	cp_val dir = rec_val(r, "direction");
	bool in = val_streq(dir, "in"), out = val_streq(dir, "out");
	if (!in && !out) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len,
		            "no \"direction\" of \"in\" or \"out\"");
		return 0;
	}
	if (in && !*str_of(rec_val(r, "id"), &c->tmp)) {
		cp_bad_line(c->p, pos->file, pos->lineno, r->line, r->len, "no \"id\" string");
		return 0;
	}
	if (out) {
		const char *parent = str_of(rec_val(r, "in_reply_to"), &c->mention);
		if (*parent && !map_get(&c->answered, parent, NULL)) {
			char *id = strdup(str_of(rec_val(r, "id"), &c->tmp));
			if (!id || map_put(&c->answered, parent, id) < 0)
				cp_die(c->p, CP_EX_OSERR, "out of memory");
		}
	}
	if (fwrite(r->line, 1, r->len, c->spool) != r->len || putc('\n', c->spool) == EOF)
		cp_die(c->p, CP_EX_IOERR, "spool: %s", strerror(errno));
	return 0;
}

/* ---------------------------------------------------------------- text */

static void uses_agent(void *ctx, const char *name)
{
	if (strcmp(name, "agent") == 0)
		*(bool *)ctx = true;
}

/* Build the reply's text for r into c->text.  0 with text, or -1 with the
 * outcome set (skipped or failed). */
static int compose(struct reply *c, const cp_rec *r, struct outcome *o)
{
	buf_reset(&c->text);
	bool signed_in_text = false;
	if (c->jq) {
		cp_err e = {0};
		jv res;
		if (jqx_run(c->jq, rec_to_jv(r), &res, &e) < 0) {
			o->status = e.code ? "failed" : "skipped";
			why(o, "--jq: %s", e.msg);
			o->code = e.code ? CP_EX_DATAERR : 0;
			return -1;
		}
		if (jv_get_kind(res) != JV_KIND_STRING) {
			jv_free(res);
			o->status = "failed";
			why(o, "--jq gave a %s, not a string", jv_kind_name(jv_get_kind(res)));
			o->code = CP_EX_DATAERR;
			return -1;
		}
		buf_add(&c->text, jv_string_value(res), (size_t)jv_string_length_bytes(jv_copy(res)));
		jv_free(res);
	} else {
		const tmpl *t = c->tpl;
		const char *which = NULL;
		if (!t && !(t = library_pick(c->lib, r, &which, &c->tmp))) {
			o->status = "skipped";
			why(o, "no saved reply for its tags, and no default.txt in %s", c->lib->dir);
			return -1;
		}
		const char *vars[] = { "agent", c->sig, NULL };
		tmpl_rec_ctx ctx = { r, vars };
		if (tmpl_expand(t, tmpl_rec_lookup, &ctx, &c->text) < 0)
			cp_die(c->p, CP_EX_OSERR, "out of memory");
		tmpl_names(t, uses_agent, &signed_in_text);
	}
	/* Trim blanks (any Unicode white space, and the invisible
	 * separators), then sign when the template did not place the
	 * signature.  A reply of NBSPs or thin spaces is empty too. */
	size_t a = uni_skip_blank(c->text.p, c->text.len);
	size_t z = a + uni_trim_blank_end(c->text.p + a, c->text.len - a);
	memmove(c->text.p, c->text.p + a, z - a);
	c->text.len = z - a;
	if (c->text.len == 0) {
		o->status = "skipped";
		o->reason = "empty after expansion";
		return -1;
	}
	/* Templates are checked at start; a NUL can still come from a
	 * record's value or --jq, and would cut the reply short when posted. */
	if (memchr(c->text.p, '\0', c->text.len)) {
		o->status = "failed";
		o->reason = "the reply holds a NUL byte";
		o->code = CP_EX_DATAERR;
		return -1;
	}
	if (*c->sig && !signed_in_text) {
		buf_addc(&c->text, ' ');
		buf_adds(&c->text, c->sig);
	}
	if (!buf_cstr(&c->text))
		cp_die(c->p, CP_EX_OSERR, "out of memory");
	return 0;
}

/* A Mastodon status reaches only the people it mentions, and a direct one
 * reaches nobody else at all: address the customer unless the text does. */
static void mastodon_address(struct reply *c, const cp_rec *r)
{
	const char *h = str_of(rec_path(r, "author.handle"), &c->scratch);
	if (*h == '@')
		h++;
	if (!*h)
		return;
	cp_buf at = {0};
	buf_addf(&at, "@%s", h);
	if (buf_cstr(&at) && !strstr(c->text.p, at.p)) {
		buf_addc(&at, ' ');
		buf_add(&at, c->text.p, c->text.len);
		buf_reset(&c->text);
		buf_add(&c->text, at.p, at.len);
		buf_cstr(&c->text);
	}
	buf_free(&at);
}

/* ---------------------------------------------------------------- posting */

/* The configured source that posts as the record's account. */
static int source_for(struct reply *c, const cp_rec *r, struct outcome *o)
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
	double wait = c->last_post + c->interval - mono();
	if (c->last_post > 0 && wait > 0) {
		struct timespec ts = { (time_t)wait, (long)((wait - floor(wait)) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
	}
	c->last_post = mono();
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

static void die_journal(struct reply *c, const cp_err *e)
{
	/* Without the journal nothing may be posted: stop here. */
	cp_die_err(c->p, e);
}

/* Post one reply, exactly-once.  je is the journal's entry for the mention
 * (an open intent) or NULL. */
static void post_one(struct reply *c, const cp_rec *r, const char *mention, const jentry *je,
                     struct outcome *o)
{
	int si = source_for(c, r, o);
	if (si < 0)
		return;
	cp_conn *cn = conn_for(c, si, o);
	if (!cn)
		return;
	const cp_platform *pl = cn->plat;
	char now[32];
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
			if (journal_done(c->j, mention, o->posted.id, o->posted.url, clock_str(now), &e) < 0)
				die_journal(c, &e);
			o->status = "sent";
			o->reason = "reconciled: the earlier post went through";
			o->outbound = true;
			c->nsent++;
			goto done;
		}
		/* Not there: post again.  Mastodon also gets the same
		 * Idempotency-Key, so even a lookup that missed it is safe. */
	} else if (journal_intent(c->j, mention, key.p, rq.text, rq.dm, clock_str(now), &e) < 0) {
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
			if (journal_failed(c->j, mention, e.msg, clock_str(now), &je2) < 0)
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
	if (journal_done(c->j, mention, o->posted.id, o->posted.url, clock_str(now), &e) < 0)
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

/* ---------------------------------------------------------------- output */

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
	if (o->measured)
		buf_addf(b, ",\"length\":%ld,\"limit\":%ld", o->length, o->limit);
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
	buf_adds(b, "{\"id\":");
	buf_json_str(b, o->posted.id, strlen(o->posted.id));
	buf_adds(b, ",\"platform\":");
	cp_val pv = rec_val(r, "platform");
	buf_add(b, pv.p, pv.n);
	buf_adds(b, ",\"account\":");
	if (acc.type == VAL_STRING)
		buf_add(b, acc.p, acc.n);
	else
		buf_adds(b, "null");
	buf_addf(b, ",\"direction\":\"out\",\"kind\":\"%s\",\"author\":{\"id\":", o->dm ? "dm" : "reply");
	if (s && s->account_id)
		buf_json_str(b, s->account_id, strlen(s->account_id));
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"handle\":");
	if (acc.type == VAL_STRING)
		buf_add(b, acc.p, acc.n);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"name\":");
	if (acc.type == VAL_STRING)
		buf_add(b, acc.p, acc.n);
	else
		buf_adds(b, "null");
	buf_adds(b, "},\"text\":");
	buf_json_str(b, text, strlen(text));
	buf_adds(b, ",\"created_at\":");
	buf_json_str(b, now, strlen(now));
	cp_val id = rec_val(r, "id");
	buf_adds(b, ",\"in_reply_to\":");
	buf_add(b, id.p, id.n);
	cp_val th = rec_val(r, "thread");
	buf_adds(b, ",\"thread\":");
	if (th.type == VAL_STRING)
		buf_add(b, th.p, th.n);
	else
		buf_add(b, id.p, id.n);
	buf_adds(b, ",\"url\":");
	if (*o->posted.url)
		buf_json_str(b, o->posted.url, strlen(o->posted.url));
	else
		buf_adds(b, "null");
	buf_addc(b, '}');
	cp_emit(c->p, b->p, b->len);
}

/* ---------------------------------------------------------------- pass 2 */

/* Outcomes that set the exit status are shown on stderr (the first few),
 * so a run under cron, whose stdout goes to a log, says why it failed. */
#define REASONS_SHOWN 5

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

static void answer(struct reply *c, const cp_rec *r)
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
			char now[32];
			if (journal_done(c->j, mention, answered_by, NULL, clock_str(now), &e) < 0)
				die_journal(c, &e);
		}
		goto out;
	}
	if (je && je->state == J_DONE) {
		why(&o, "already answered by %s (journal)", je->reply_id ? je->reply_id : "a reply");
		goto out;
	}
	bool dup = false;
	map_get(&c->seen, mention, &dup);
	if (dup) {
		o.reason = "a second copy of a record already handled in this run";
		goto out;
	}
	if (map_put(&c->seen, mention, NULL) < 0)
		cp_die(c->p, CP_EX_OSERR, "out of memory");

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

static void second_pass(struct reply *c)
{
	cp_err e = {0};
	if (fflush(c->spool) != 0 || fseek(c->spool, 0, SEEK_SET) != 0)
		cp_die(c->p, CP_EX_IOERR, "spool: %s", strerror(errno));
	int fd = dup(fileno(c->spool));
	cp_rd *in = fd >= 0 ? rd_fdopen(fd, "spool", &e) : NULL;
	if (!in)
		cp_die(c->p, CP_EX_IOERR, "spool: %s", fd < 0 ? strerror(errno) : e.msg);
	cp_rec r = {0};
	const char *line;
	size_t len;
	int got;
	while ((got = rd_line(in, &line, &len, &e)) > 0) {
		if (rec_parse(&r, line, len) < 0)
			cp_die(c->p, CP_EX_SOFTWARE, "spool: a record changed on disk");
		answer(c, &r);
	}
	if (got < 0)
		cp_die(c->p, CP_EX_IOERR, "spool: %s", e.msg);
	rd_close(in);
	rec_free(&r);
}

/* ---------------------------------------------------------------- main */

static void free_str(void *v)
{
	free(v);
}

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct reply c;
	const char *text = NULL, *lib = NULL, *jq = NULL, *journal_path = NULL;
	cp_err e = {0};
	int ch;

	c.p = &p;
	c.max = 20;
	c.now = -1;
	cp_init(&p, "reply", SYNOPSIS, HELP);
	while ((ch = cp_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (ch) {
		case OPT_TEXT:
			text = optarg;
			break;
		case OPT_LIBRARY:
			lib = optarg;
			break;
		case OPT_JQ:
			jq = optarg;
			break;
		case OPT_AGENT: {
			const char *a = optarg[0] == '^' ? optarg + 1 : optarg;
			if (!*a || strlen(a) > 16 || strpbrk(a, " \t\r\n{}"))
				cp_die(&p, CP_EX_USAGE, "--agent wants initials, such as JD: %s", optarg);
			snprintf(c.sig, sizeof c.sig, "^%s", a);
			break;
		}
		case OPT_DM:
			c.dm = true;
			break;
		case OPT_ALLOW_ESC:
			c.allow_escalated = true;
			break;
		case OPT_SEND:
			c.send = true;
			break;
		case OPT_CONFIG:
			c.config_path = optarg;
			break;
		case OPT_SOURCE:
			c.source_name = optarg;
			break;
		case OPT_JOURNAL:
			journal_path = optarg;
			break;
		case OPT_MAX: {
			char *end;
			errno = 0;
			c.max = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || c.max < 0)
				cp_die(&p, CP_EX_USAGE, "--max wants a count: %s", optarg);
			break;
		}
		case OPT_RATE: {
			char *end;
			double n = strtod(optarg, &end);
			if (end == optarg || !(n > 0) || (strcmp(end, "/min") != 0 && strcmp(end, "") != 0))
				cp_die(&p, CP_EX_USAGE, "--rate wants N/min, such as 6/min: %s", optarg);
			c.interval = 60.0 / n;
			break;
		}
		case OPT_NOW:
			if (time_parse(optarg, strlen(optarg), &c.now) < 0)
				cp_die(&p, CP_EX_USAGE, "--now wants a time such as 2024-05-01T12:00:00Z: %s",
				       optarg);
			break;
		case OPT_CACERT:
			c.cacert = optarg;
			break;
		default:
			cp_usage(&p);
		}
	}
	if ((text != NULL) + (lib != NULL) + (jq != NULL) != 1) {
		cp_warn(&p, "give one of --text, --library or --jq");
		cp_usage(&p);
	}
	if (c.send && !journal_path)
		cp_die(&p, CP_EX_USAGE, "--send needs --journal FILE: it is what keeps a mention "
		       "from being answered twice");
	if (text && !(c.tpl = tmpl_compile_named(text, strlen(text), "--text", &e)))
		cp_die_err(&p, &e);
	if (lib && !(c.lib = library_load(lib, &e)))
		cp_die_err(&p, &e);
	if (jq && !(c.jq = jqx_compile(jq, &e)))
		cp_die(&p, e.code, "--jq: %s", e.msg);
	/* The accounts to post from: --send needs them; a preview uses them,
	 * when there is a carepipe.conf, to say which source would post. */
	char *config_found = NULL;
	int located = cp_config_locate(c.config_path, &config_found, &e);
	if (located < 0 || (located == 0 && c.send))
		cp_die(&p, e.code, "%s%s", c.send ? "--send: " : "", e.msg);
	if (located == 0 && c.source_name)
		cp_die(&p, CP_EX_USAGE, "--source needs a carepipe.conf: %s", e.msg);
	if (located) {
		if (!(c.cfg = cp_config_load(config_found, &e)))
			cp_die_err(&p, &e);
		c.config_path = c.cfg->path;
		if (c.source_name && !cp_config_find(c.cfg, c.source_name))
			cp_die(&p, CP_EX_CONFIG, "%s: no source [%s]", c.config_path, c.source_name);
		if (!(c.conns = calloc(c.cfg->nsrc + 1, sizeof *c.conns)))
			cp_die(&p, CP_EX_OSERR, "out of memory");
	}
	if (journal_path && !(c.j = journal_open(journal_path, &e)))
		cp_die_err(&p, &e);
	if (c.send) {
		cp_http_opts ho = { .cacert = c.cacert, .on_wait = cp_on_wait,
		                    .on_trace = p.verbose ? cp_on_trace : NULL, .ctx = &p };
		if (!(c.http = http_new(&ho, &e)))
			cp_die_err(&p, &e);
	}
	/* The spool honours TMPDIR, as every temporary file (tmpfile() did not). */
	int spool_fd = tmp_open("reply", &e);
	if (spool_fd < 0)
		cp_die_err(&p, &e);
	if (!(c.spool = fdopen(spool_fd, "w+")))
		cp_die(&p, CP_EX_OSERR, "spool: %s", strerror(errno));
	cp_start(&p);

	cp_each_record(&p, argc - optind, argv + optind, spool_one, &c);
	second_pass(&c);

	if (!p.quiet)
		cp_warn(&p, "%lu sent, %lu previewed, %lu skipped, %lu failed%s", c.nsent, c.npreview,
		        c.nskipped, c.nfailed,
		        c.nreasons > REASONS_SHOWN ? " (the first reasons above, all in the records)" : "");
	fclose(c.spool);
	for (size_t i = 0; c.cfg && i < c.cfg->nsrc; i++)
		plat_close(c.conns[i].c);
	free(c.conns);
	http_free(c.http);
	cp_config_free(c.cfg);
	free(config_found);
	journal_close(c.j);
	map_free(&c.answered, free_str);
	map_free(&c.seen, NULL);
	tmpl_free(c.tpl);
	library_free(c.lib);
	jqx_free(c.jq);
	edit_free(&c.edit);
	buf_free(&c.out);
	buf_free(&c.obj);
	buf_free(&c.text);
	buf_free(&c.tmp);
	buf_free(&c.mention);
	buf_free(&c.scratch);
	return cp_finish(&p);
}
