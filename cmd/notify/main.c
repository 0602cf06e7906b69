/*
 * notify - escalations, SLA risks and spike alerts reach a person: a
 * message through a Slack or Teams (Workflows) webhook, a JSON webhook, or
 * email, for the records selected; every record passes through unchanged
 * (like tee), so notify can sit in the middle of a pipeline.
 *
 * It previews by default (the messages on stderr, or as a "notify" key
 * with --mark) and sends with --send, each record at most once per
 * channel across crashes and reruns: the journal (journal.c) has an intent
 * on disk before a message leaves and a done after the channel said yes;
 * an intent left open by a crash is sent again, with the same idempotency
 * key and Message-ID, before anything else.  A channel that keeps failing
 * stops the sends of the run (the records still pass through, their sends
 * pending for the next run) and sets the exit status, 69 or 75.
 *
 * notify streams: it decides and writes record by record, so it works on
 * tail -f.  With --digest, selected records are queued in the journal and
 * one message per window carries them all.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "mail.h"
#include "notify.h"

enum {
	OPT_IF = 256, OPT_ESCALATED, OPT_SLA, OPT_ALERTS, OPT_CONFIG, OPT_CHANNEL, OPT_SEND,
	OPT_JOURNAL, OPT_DIGEST, OPT_MAX, OPT_TEMPLATE, OPT_MARK, OPT_ONLY, OPT_NOW, OPT_CACERT,
};

static const struct option longopts[] = {
	{ "if", required_argument, NULL, OPT_IF },
	{ "escalated", no_argument, NULL, OPT_ESCALATED },
	{ "sla", required_argument, NULL, OPT_SLA },
	{ "alerts", no_argument, NULL, OPT_ALERTS },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "channel", required_argument, NULL, OPT_CHANNEL },
	{ "send", no_argument, NULL, OPT_SEND },
	{ "journal", required_argument, NULL, OPT_JOURNAL },
	{ "digest", required_argument, NULL, OPT_DIGEST },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "template", required_argument, NULL, OPT_TEMPLATE },
	{ "mark", no_argument, NULL, OPT_MARK },
	{ "only", no_argument, NULL, OPT_ONLY },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ NULL, 0, NULL, 0 },
};

#define SYNOPSIS \
	"notify [-qv] [--alerts] [--bad file] [--cacert file] [--channel name]\n" \
	"              [--config file] [--digest duration] [--escalated] [--if jq]\n" \
	"              [--journal file] [--mark] [--max n] [--now time] [--only]\n" \
	"              [--send] [--sla statuses] [--strict] [--template file] [file ...]"

#define HELP \
	"      --escalated       select records tag escalated\n" \
	"      --sla STATUSES    select records whose sla.status is one of these\n" \
	"                        (such as at_risk,breached)\n" \
	"      --alerts          select kpi-report's alert records (--alerts-only -f ndjson)\n" \
	"      --if JQ           select records for which the jq expression is true\n" \
	"                        (no selector: --escalated --sla at_risk,breached,missed --alerts)\n" \
	"      --config FILE     carepipe.conf(5): the [channel NAME] sections\n" \
	"      --channel NAME    send through this channel\n" \
	"      --send            send (without it: preview on stderr)\n" \
	"      --journal FILE    the exactly-once journal (needed with --send)\n" \
	"      --digest DURATION one message per window (such as 1h, 1d) for all that\n" \
	"                        was selected in it\n" \
	"      --max N           send at most N messages in this run (default 50)\n" \
	"      --template FILE   the message template (default: one per kind)\n" \
	"      --mark            add a \"notify\" key to the selected records\n" \
	"      --only            write only the selected records\n" \
	"      --now TIME        the time SLA due times are counted from (default: now)\n" \
	"      --cacert FILE     also trust this CA bundle\n"

#define DIGEST_MAX_ITEMS 200

struct notify {
	cp_prog *p;
	/* selection */
	jqx *jq;
	bool escalated, alerts, any_selector;
	char *sla_list;          /* ",at_risk,breached," */
	/* the channel */
	const char *config_path, *channel_name, *template_path, *cacert;
	cp_config *cfg;
	const cp_channel *ch;
	int fmt;
	tmpl *custom, *tpl[4], *line[4], *subj[4], *subj_custom;
	cp_buf secret;              /* the channel's token, webhook URL or password */
	char **rcpt;             /* email recipients */
	size_t nrcpt;
	cp_http *http;
	/* the run */
	bool send, mark, only;
	int64_t digest;          /* seconds; -1 without --digest */
	long max, used;
	int64_t now;             /* --now, or -1 */
	njournal *j;
	int64_t oldest;          /* --digest: the oldest queued item's time */
	bool oldest_known;       /* (INT64_MAX: none), so a record need not scan */
	bool down;               /* the channel failed: no more sends this run */
	cp_err down_err;
	cp_buf pv_lines;            /* preview of a digest */
	size_t pv_n;
	unsigned long nsent, npreview, nqueued, nskipped, npending, nfailed, nsettled;
	rec_edit edit;
	cp_buf out, msg, body, subject, id, key, tmp;
};

/* What happened to one selected record. */
struct outcome {
	const char *status;      /* preview, sent, queued, skipped, pending, failed */
	char reason[600];
};

static int64_t clock_now(void)
{
	return (int64_t)time(NULL);
}

static int64_t due_now(const struct notify *c)
{
	return c->now >= 0 ? c->now : clock_now();
}

/* Journal times are always the clock. */
static const char *clock_str(char out[32])
{
	time_format(clock_now(), out);
	return out;
}

static void oom(struct notify *c)
{
	cp_die(c->p, CP_EX_OSERR, "out of memory");
}

/* ------------------------------------------------------------ selection */

static bool sla_in(const struct notify *c, const cp_rec *r, const char *list)
{
	cp_val st = rec_path(r, "sla.status");
	size_t n;
	const char *s = val_rawstr(st, &n);
	if (!s || n == 0 || n > 32)
		return false;
	char pat[40];
	snprintf(pat, sizeof pat, ",%.*s,", (int)n, s);
	(void)c;
	return strstr(list, pat) != NULL;
}

static bool is_alert(const cp_rec *r)
{
	return rec_val(r, "alert").type == VAL_STRING && rec_val(r, "hour").type == VAL_STRING &&
	       rec_val(r, "severity").type == VAL_STRING;
}

/* 1 selected, 0 not, -1 when --if failed on it (reported). */
static int selected(struct notify *c, const cp_rec *r, const cp_pos *pos)
{
	if (c->escalated && val_truthy(rec_val(r, "escalate")))
		return 1;
	if (c->sla_list && sla_in(c, r, c->sla_list))
		return 1;
	if (c->alerts && is_alert(r))
		return 1;
	if (c->jq) {
		cp_err e = {0};
		int t = jqx_test(c->jq, rec_to_jv(r), &e);
		if (t < 0) {
			cp_warn(c->p, "%s:%llu: --if: %s", pos->file, (unsigned long long)pos->lineno, e.msg);
			cp_status(c->p, CP_EX_DATAERR);
			return -1;
		}
		if (t)
			return 1;
	}
	return 0;
}

static int kind_of(const cp_rec *r)
{
	if (is_alert(r))
		return NK_ALERT;
	if (val_truthy(rec_val(r, "escalate")))
		return NK_ESCALATION;
	if (sla_in(NULL, r, ",at_risk,breached,missed,"))
		return NK_SLA;
	return NK_RECORD;
}

/* The item a record is in the journal: its id, or for an alert (which has
 * none) "alert:METRIC:HOUR" and its group.  0, or -1 when it has none. */
static int item_id(struct notify *c, const cp_rec *r, int kind)
{
	buf_reset(&c->id);
	if (kind == NK_ALERT) {
		int bad = buf_adds(&c->id, "alert:") < 0 || val_str(rec_val(r, "alert"), &c->id) < 0 ||
		          buf_addc(&c->id, ':') < 0 || val_str(rec_val(r, "hour"), &c->id) < 0;
		cp_val g = rec_val(r, "account");
		if (g.type != VAL_STRING)
			g = rec_val(r, "tag");
		if (g.type == VAL_STRING)
			bad |= buf_addc(&c->id, ':') < 0 || val_str(g, &c->id) < 0;
		if (bad)
			oom(c);
		return 0;
	}
	cp_val id = rec_val(r, "id");
	if (id.type != VAL_STRING || id.n <= 2)
		return -1;
	if (val_str(id, &c->id) < 0)
		oom(c);
	return 0;
}

/* A stable key for what is sent for an item: the same on every attempt
 * and every run, so a receiver can drop a repeat. */
static void make_key(cp_buf *out, const char *channel, const char *id)
{
	uint64_t h1 = 1469598103934665603ULL, h2 = 0x84222325cbf29ce4ULL;
	for (int pass = 0; pass < 2; pass++) {
		const char *s = pass ? id : channel;
		for (; *s; s++) {
			h1 = (h1 ^ (unsigned char)*s) * 1099511628211ULL;
			h2 = (h2 ^ (unsigned char)*s) * 0x100000001b3ULL + 0x9e37;
		}
		h1 = (h1 ^ '\n') * 1099511628211ULL;
		h2 = (h2 ^ '\n') * 0x100000001b3ULL;
	}
	buf_reset(out);
	buf_addf(out, "cp-%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
	buf_cstr(out);
}

/* ------------------------------------------------------------ sending */

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

static void die_journal(struct notify *c, const cp_err *e)
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
static int send_intent(struct notify *c, const char *id, const char *body, const char *key,
                       struct outcome *o)
{
	cp_err e = {0}, je = {0};
	char at[32];
	long code = 0;
	c->used++;
	if (deliver(c, body, key, &code, &e) < 0) {
		if (nj_failed(c->j, c->ch->name, id, e.msg, clock_str(at), &je) < 0)
			die_journal(c, &je);
		channel_down(c, &e);
		if (o) {
			o->status = "failed";
			snprintf(o->reason, sizeof o->reason, "%s; the next run sends it", e.msg);
		}
		c->nfailed++;
		return -1;
	}
	if (nj_done(c->j, c->ch->name, id, code, clock_str(at), &je) < 0)
		die_journal(c, &je);
	if (o)
		o->status = "sent";
	c->nsent++;
	return 0;
}

/* The body of a message for this channel, into c->body. */
static void build_body(struct notify *c, const char *kind, const char *id, const char *text,
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
static void settle(struct notify *c)
{
	for (size_t i = 0; i < c->j->n && !c->down && c->used < c->max; i++) {
		nentry *ne = c->j->order[i];
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
		char at[32];
		cp_err e = {0};
		if (!id || !body || !key)
			oom(c);
		if (ne->state != N_INTENT &&
		    nj_intent(c->j, c->ch->name, id, key, body, NULL, 0, clock_str(at), &e) < 0)
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
static void maybe_digest(struct notify *c)
{
	while (!c->down && c->used < c->max) {
		const nentry **items = NULL;
		size_t n = 0;
		if (!c->oldest_known) {
			c->oldest = INT64_MAX;
			for (size_t i = 0; i < c->j->n; i++) {
				const nentry *ne = c->j->order[i];
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
		for (size_t i = 0; i < c->j->n && n < DIGEST_MAX_ITEMS; i++) {
			const nentry *ne = c->j->order[i];
			if (ne->state == N_QUEUED && !ne->in_digest && strcmp(ne->channel, c->ch->name) == 0)
				items[n++] = ne;
		}
		const char **ids = calloc(n, sizeof *ids);
		cp_buf text = {0}, subject = {0}, idlist = {0};
		char since[32], at[32];
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
		if (nj_intent(c->j, c->ch->name, c->id.p, c->key.p, c->body.p, ids, n, clock_str(at), &e) < 0)
			die_journal(c, &e);
		send_intent(c, c->id.p, c->body.p, c->key.p, NULL);
		buf_free(&text);
		buf_free(&subject);
		buf_free(&idlist);
		free(ids);
		free(items);
	}
}

/* ------------------------------------------------------------ records */

/* Print a preview on stderr: the message indented, control characters
 * already spaces (render made them so). */
static void preview(struct notify *c, const char *kind, const char *id, const char *text)
{
	if (c->p->quiet)
		return;
	fprintf(stderr, "%s: preview to %s (%s %s):\n  ", c->p->name,
	        c->ch ? c->ch->name : "(no channel)", kind, id);
	for (const char *s = text; *s; s++) {
		fputc(*s, stderr);
		if (*s == '\n')
			fputs("  ", stderr);
	}
	fputc('\n', stderr);
}

static void mark(struct notify *c, const cp_rec *r, const struct outcome *o, int kind,
                 const char *message)
{
	char at[32];
	cp_buf *b = &c->tmp;
	buf_reset(b);
	time_format(due_now(c), at);
	int bad = buf_adds(b, "{\"channel\":") < 0 ||
	          (c->ch ? buf_json_str(b, c->ch->name, strlen(c->ch->name)) : buf_adds(b, "null")) < 0;
	bad |= buf_addf(b, ",\"kind\":\"%s\",\"status\":\"%s\",\"at\":\"%s\"", kind_name(kind),
	                o->status, at) < 0;
	if (o->reason[0])
		bad |= buf_adds(b, ",\"reason\":") < 0 || buf_json_str(b, o->reason, strlen(o->reason)) < 0;
	if (message)
		bad |= buf_adds(b, ",\"message\":") < 0 || buf_json_str(b, message, strlen(message)) < 0;
	bad |= buf_addc(b, '}') < 0;
	edit_reset(&c->edit);
	buf_reset(&c->out);
	if (bad || edit_set(&c->edit, "notify", b->p, b->len) < 0 || edit_apply(&c->edit, r, &c->out) < 0)
		oom(c);
	cp_emit(c->p, c->out.p, c->out.len);
}

static void decide(struct notify *c, const cp_rec *r, int kind, struct outcome *o)
{
	const char *channel = c->ch ? c->ch->name : NULL;
	const tmpl *t = c->custom ? c->custom : c->tpl[kind];
	cp_err e = {0};
	char at[32];
	bool have_id = item_id(c, r, kind) == 0;
	const char *id = have_id ? buf_cstr(&c->id) : "(no id)";
	if (!id)
		oom(c);

	if (c->digest >= 0)
		t = c->custom ? c->custom : c->line[kind];
	buf_reset(&c->msg);
	if (render(t, r, kind, c->fmt, due_now(c), &c->msg) < 0 || !buf_cstr(&c->msg))
		oom(c);

	if (!c->send) {
		o->status = "preview";
		c->npreview++;
		if (c->digest >= 0) {
			if (buf_adds(&c->pv_lines, "- ") < 0 || buf_adds(&c->pv_lines, c->msg.p) < 0 ||
			    buf_addc(&c->pv_lines, '\n') < 0)
				oom(c);
			c->pv_n++;
		} else {
			preview(c, kind_name(kind), id, c->msg.p);
		}
		return;
	}
	if (!have_id) {
		o->status = "skipped";
		snprintf(o->reason, sizeof o->reason, "no id: it could not be sent exactly once");
		c->nskipped++;
		return;
	}
	const nentry *ne = nj_get(c->j, channel, id);
	if (ne && ne->state == N_DONE) {
		o->status = "skipped";
		snprintf(o->reason, sizeof o->reason, "already sent (journal)");
		c->nskipped++;
		return;
	}
	if (ne && ne->state == N_QUEUED) {
		o->status = "queued";
		snprintf(o->reason, sizeof o->reason, "already queued for the next digest");
		c->nskipped++;
		return;
	}
	if (ne && (ne->state == N_INTENT || ne->state == N_FAILED || ne->state == N_PENDING)) {
		o->status = "pending";
		snprintf(o->reason, sizeof o->reason, "in the journal: a later run sends it");
		c->npending++;
		return;
	}
	if (c->digest >= 0) {
		if (nj_queued(c->j, channel, id, c->msg.p, clock_str(at), &e) < 0)
			die_journal(c, &e);
		ne = nj_get(c->j, channel, id);
		if (c->oldest_known && ne && ne->queued_at < c->oldest)
			c->oldest = ne->queued_at;
		o->status = "queued";
		c->nqueued++;
		/* On a stream (tail -f) a window ends in the middle of the
		 * input; --digest 0s means one message at its end. */
		if (c->digest > 0)
			maybe_digest(c);
		return;
	}
	buf_reset(&c->subject);
	if (strcmp(c->ch->type, "email") == 0) {
		const tmpl *st = c->subj_custom ? c->subj_custom : c->subj[kind];
		/* A subject is one line: render made control characters spaces
		 * but kept newlines, which mail_header_value turns to spaces. */
		if (render(st, r, kind, NF_PLAIN, due_now(c), &c->subject) < 0)
			oom(c);
	}
	if (!buf_cstr(&c->subject))
		oom(c);
	make_key(&c->key, channel, id);
	build_body(c, kind_name(kind), id, c->msg.p, c->subject.p, c->key.p, r->line, r->len, NULL, 0);
	if (c->down || c->used >= c->max) {
		/* Held back: the journal keeps the message for the next run. */
		if (nj_pending(c->j, channel, id, c->key.p, c->body.p, clock_str(at), &e) < 0)
			die_journal(c, &e);
		o->status = "pending";
		if (c->down)
			snprintf(o->reason, sizeof o->reason, "channel %s failed in this run: "
			         "the next run sends it", channel);
		else
			snprintf(o->reason, sizeof o->reason, "--max %ld reached: the next run sends it",
			         c->max);
		c->npending++;
		return;
	}
	if (nj_intent(c->j, channel, id, c->key.p, c->body.p, NULL, 0, clock_str(at), &e) < 0)
		die_journal(c, &e);
	send_intent(c, id, c->body.p, c->key.p, o);
}

static int each(void *ctx, cp_rec *r, const cp_pos *pos)
{
	struct notify *c = ctx;
	int sel = selected(c, r, pos);
	if (sel <= 0) {
		if (!c->only)
			cp_emit(c->p, r->line, r->len);
		return 0;
	}
	int kind = kind_of(r);
	struct outcome o = { .status = NULL };
	decide(c, r, kind, &o);
	if (c->mark)
		mark(c, r, &o, kind, c->send ? NULL : c->msg.p);
	else
		cp_emit(c->p, r->line, r->len);
	return 0;
}

/* ------------------------------------------------------------ setup */

static tmpl *compile_or_die(struct notify *c, const char *what, const char *text)
{
	cp_err e = {0};
	tmpl *t = tmpl_compile(text, strlen(text), &e);
	if (!t)
		cp_die(c->p, e.code ? e.code : CP_EX_SOFTWARE, "%s: %s", what, e.msg);
	return t;
}

static void load_template(struct notify *c, const char *path)
{
	cp_buf text = {0};
	cp_err e = {0};
	int rc = state_read(path, &text, &e);
	if (rc == 0)
		cp_die(c->p, CP_EX_NOINPUT, "%s: no such template file", path);
	if (rc < 0)
		cp_die_err(c->p, &e);
	if (!(c->custom = tmpl_compile(text.p ? text.p : "", text.len, &e)))
		cp_die(c->p, e.code ? e.code : CP_EX_CONFIG, "%s: %s", path, e.msg);
	buf_free(&text);
}

/* The channel's secret, and every form of it that could reach a message
 * (http.c shortens URLs to host/path in its errors). */
static void load_secret(struct notify *c)
{
	cp_err e = {0};
	const cp_channel *ch = c->ch;
	if (!ch->token_env && !ch->token_file)
		return;
	if (cp_channel_token(ch, &c->secret, &e) < 0)
		cp_die_err(c->p, &e);
	if (strcmp(ch->type, "slack") == 0 || strcmp(ch->type, "teams") == 0) {
		if (strncmp(c->secret.p, "https://", 8) != 0 && strncmp(c->secret.p, "http://", 7) != 0)
			cp_die(c->p, CP_EX_CONFIG, "channel %s: the webhook URL in %s %s does not start with "
			       "https://", ch->name, ch->token_env ? "variable" : "file",
			       ch->token_env ? ch->token_env : ch->token_file);
	}
}

/* A webhook URL is a secret whole and in parts: -v traces show its path
 * ("POST /services/T0/B0/XXXX"), messages its host and path. */
static void redact_url(struct notify *c, const char *url)
{
	const char *rest = strstr(url, "://");
	rest = rest ? rest + 3 : url;
	const char *path = rest + strcspn(rest, "/?#");
	cp_buf noq = {0};
	if (buf_add(&noq, rest, strcspn(rest, "?#")) < 0 || !buf_cstr(&noq) ||
	    http_secret(c->http, url) < 0 || http_secret(c->http, rest) < 0 ||
	    http_secret(c->http, noq.p) < 0 || http_secret(c->http, path) < 0)
		oom(c);
	buf_free(&noq);
}

static void split_rcpt(struct notify *c)
{
	char *list = strdup(c->ch->to), *save = NULL;
	if (!list)
		oom(c);
	for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		while (*t == ' ' || *t == '\t')
			t++;
		size_t n = strlen(t);
		while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
			t[--n] = '\0';
		if (!n)
			continue;
		char **grown = realloc(c->rcpt, (c->nrcpt + 1) * sizeof *grown);
		if (!grown || !(grown[c->nrcpt] = strdup(t)))
			oom(c);
		c->rcpt = grown;
		c->nrcpt++;
	}
	free(list);
	if (!c->nrcpt)
		cp_die(c->p, CP_EX_CONFIG, "%s:%d: [channel %s]: no recipient in to", c->cfg->path,
		       c->ch->line, c->ch->name);
}

static void set_sla_list(struct notify *c, const char *arg)
{
	static const char *const known[] = { "met", "breached", "pending", "at_risk", "missed", NULL };
	cp_buf b = {0};
	char *copy = strdup(arg), *save = NULL;
	if (!copy || buf_addc(&b, ',') < 0)
		oom(c);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const char *const *k;
		for (k = known; *k; k++)
			if (strcmp(*k, t) == 0)
				break;
		if (!*k)
			cp_die(c->p, CP_EX_USAGE, "--sla: unknown status '%s' (met, breached, pending, "
			       "at_risk or missed)", t);
		if (buf_adds(&b, t) < 0 || buf_addc(&b, ',') < 0)
			oom(c);
	}
	free(copy);
	if (b.len < 2)
		cp_die(c->p, CP_EX_USAGE, "--sla wants statuses, such as at_risk,breached");
	free(c->sla_list);
	c->sla_list = buf_cstr(&b);
}

static void finish_digest_preview(struct notify *c)
{
	if (c->send || c->digest < 0 || !c->pv_n || c->p->quiet)
		return;
	char now[32];
	time_format(due_now(c), now);
	fprintf(stderr, "%s: preview to %s (digest of %zu):\n  carepipe: %zu notification%s\n",
	        c->p->name, c->ch ? c->ch->name : "(no channel)", c->pv_n, c->pv_n,
	        c->pv_n == 1 ? "" : "s");
	buf_cstr(&c->pv_lines);
	for (const char *s = c->pv_lines.p; s && *s; s++) {
		if (s == c->pv_lines.p || s[-1] == '\n')
			fputs("  ", stderr);
		fputc(*s, stderr);
	}
}

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct notify c;
	const char *journal_path = NULL, *jq = NULL;
	cp_err e = {0};
	int opt;

	c.p = &p;
	c.max = 50;
	c.now = -1;
	c.digest = -1;
	cp_init(&p, "notify", SYNOPSIS, HELP);
	while ((opt = cp_getopt(&p, argc, argv, "", longopts)) != -1) {
		switch (opt) {
		case OPT_IF:
			jq = optarg;
			c.any_selector = true;
			break;
		case OPT_ESCALATED:
			c.escalated = c.any_selector = true;
			break;
		case OPT_SLA:
			set_sla_list(&c, optarg);
			c.any_selector = true;
			break;
		case OPT_ALERTS:
			c.alerts = c.any_selector = true;
			break;
		case OPT_CONFIG:
			c.config_path = optarg;
			break;
		case OPT_CHANNEL:
			c.channel_name = optarg;
			break;
		case OPT_SEND:
			c.send = true;
			break;
		case OPT_JOURNAL:
			journal_path = optarg;
			break;
		case OPT_DIGEST:
			if (dur_parse(optarg, &c.digest) < 0 || c.digest < 0)
				cp_die(&p, CP_EX_USAGE, "--digest wants a duration, such as 1h or 1d: %s", optarg);
			break;
		case OPT_MAX: {
			char *end;
			errno = 0;
			c.max = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || c.max < 0)
				cp_die(&p, CP_EX_USAGE, "--max wants a count: %s", optarg);
			break;
		}
		case OPT_TEMPLATE:
			c.template_path = optarg;
			break;
		case OPT_MARK:
			c.mark = true;
			break;
		case OPT_ONLY:
			c.only = true;
			break;
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
	if (!c.any_selector) {
		c.escalated = c.alerts = true;
		set_sla_list(&c, "at_risk,breached,missed");
	}
	if (c.send && !c.channel_name)
		cp_die(&p, CP_EX_USAGE, "--send needs --channel NAME");
	if (c.send && !journal_path)
		cp_die(&p, CP_EX_USAGE, "--send needs --journal FILE: it is what keeps a person "
		       "from being paged twice");
	if (jq && !(c.jq = jqx_compile(jq, &e)))
		cp_die(&p, e.code, "--if: %s", e.msg);
	/* A channel comes from carepipe.conf, found as every program finds it
	 * (carepipe.conf(5)). */
	if (c.channel_name || c.config_path) {
		if (!(c.cfg = cp_config_find_load(c.config_path, &e)))
			cp_die_err(&p, &e);
		c.config_path = c.cfg->path;
		if (c.channel_name && !(c.ch = cp_config_channel(c.cfg, c.channel_name)))
			cp_die(&p, CP_EX_CONFIG, "%s: no [channel %s]", c.config_path, c.channel_name);
	}
	c.fmt = c.ch ? fmt_for(c.ch->type) : NF_PLAIN;
	for (int k = 0; k < 4; k++) {
		c.tpl[k] = compile_or_die(&c, "built-in template", default_template(k));
		c.line[k] = compile_or_die(&c, "built-in template", default_line(k));
		c.subj[k] = compile_or_die(&c, "built-in template", default_subject(k));
	}
	if (c.template_path || (c.ch && c.ch->template))
		load_template(&c, c.template_path ? c.template_path : c.ch->template);
	if (c.ch && c.ch->subject) {
		if (!(c.subj_custom = tmpl_compile(c.ch->subject, strlen(c.ch->subject), &e)))
			cp_die(&p, CP_EX_CONFIG, "%s:%d: [channel %s]: subject: %s", c.config_path,
			       c.ch->line, c.ch->name, e.msg);
	}
	if (c.send) {
		load_secret(&c);
		if (strcmp(c.ch->type, "email") == 0) {
			split_rcpt(&c);
		} else {
			cp_http_opts ho = { .cacert = c.ch->cacert ? c.ch->cacert : c.cacert,
			                    .on_wait = cp_on_wait,
			                    .on_trace = p.verbose ? cp_on_trace : NULL, .ctx = &p };
			if (!(c.http = http_new(&ho, &e)))
				cp_die_err(&p, &e);
			if (c.secret.len)
				redact_url(&c, c.secret.p);
		}
		if (!(c.j = nj_open(journal_path, &e)))
			cp_die_err(&p, &e);
	}
	cp_start(&p);

	/* A digest waits for the input: what arrives now joins it. */
	if (c.send)
		settle(&c);
	cp_each_record(&p, argc - optind, argv + optind, each, &c);
	if (c.send && c.digest >= 0)
		maybe_digest(&c);
	finish_digest_preview(&c);

	if (c.down)
		cp_warn(&p, "%s; %lu send%s left for the next run", c.down_err.msg,
		        c.npending + c.nfailed, c.npending + c.nfailed == 1 ? "" : "s");
	if (p.verbose || (!p.quiet && isatty(2)))
		cp_warn(&p, "%lu sent, %lu queued, %lu previewed, %lu skipped, %lu pending, %lu failed%s",
		        c.nsent, c.nqueued, c.npreview, c.nskipped, c.npending, c.nfailed,
		        c.nsettled ? " (interrupted sends settled)" : "");
	nj_close(c.j);
	http_free(c.http);
	buf_wipe(&c.secret);
	for (size_t i = 0; i < c.nrcpt; i++)
		free(c.rcpt[i]);
	free(c.rcpt);
	cp_config_free(c.cfg);
	jqx_free(c.jq);
	free(c.sla_list);
	for (int k = 0; k < 4; k++) {
		tmpl_free(c.tpl[k]);
		tmpl_free(c.line[k]);
		tmpl_free(c.subj[k]);
	}
	tmpl_free(c.custom);
	tmpl_free(c.subj_custom);
	edit_free(&c.edit);
	buf_free(&c.out);
	buf_free(&c.msg);
	buf_free(&c.body);
	buf_free(&c.subject);
	buf_free(&c.id);
	buf_free(&c.key);
	buf_free(&c.tmp);
	buf_free(&c.pv_lines);
	return cp_finish(&p);
}
