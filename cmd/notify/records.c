/*
 * What notify does with one selected record: preview its message, queue
 * it for a digest, hold it back, or send it; and the "notify" key --mark
 * adds.
 */
#include <stdio.h>
#include <string.h>

#include "notify.h"

int64_t due_now(const struct notify *c)
{
	return c->now >= 0 ? c->now : clock_now();
}

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

void mark(struct notify *c, const cp_rec *r, const struct outcome *o, int kind,
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

void decide(struct notify *c, const cp_rec *r, int kind, struct outcome *o)
{
	const char *channel = c->ch ? c->ch->name : NULL;
	const tmpl *t = c->custom ? c->custom : c->tpl[kind];
	cp_err e = {0};
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
		if (nj_queued(c->j, channel, id, c->msg.p, &e) < 0)
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
		if (nj_pending(c->j, channel, id, c->key.p, c->body.p, &e) < 0)
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
	if (nj_intent(c->j, channel, id, c->key.p, c->body.p, NULL, 0, &e) < 0)
		die_journal(c, &e);
	send_intent(c, id, c->body.p, c->key.p, o);
}

void finish_digest_preview(struct notify *c)
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
