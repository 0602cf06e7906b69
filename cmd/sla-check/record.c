/*
 * What sla-check reads from a record (the fields, a bad line's reason) and
 * what it writes (the sla object, spliced into an inbound record), with
 * the response lookup both readers share.
 */
#include <stdlib.h>
#include <string.h>

#include "sla.h"

void sla_oom(struct run *R)
{
	cp_die(R->p, CP_EX_OSERR, "out of memory");
}

/* A string value as bytes (val_strview); -1 when not a string. */
static int str_of(struct run *R, cp_val v, cp_buf *s, const char **p, size_t *n)
{
	int rc = val_strview(v, s, p, n);
	if (rc == -2)
		sla_oom(R);
	return rc;
}

/* Both readers (the two-pass default and --sorted) use it. */
bool parse_line(struct run *R, cp_rec *r, const char *file, uint64_t lineno,
                const char *line, size_t len)
{
	if (rec_parse(r, line, len) == 0)
		return true;
	if (r->err == rec_err_oom)
		sla_oom(R);
	size_t k = 0;
	while (k < len && (line[k] == ' ' || line[k] == '\t'))
		k++;
	if (k < len) {
		char reason[160];
		snprintf(reason, sizeof reason, "%s at byte %zu", r->err, r->err_off + 1);
		cp_bad_line(R->p, file, lineno, line, len, reason);
	}
	return false;
}

const char *read_fields(struct run *R, const cp_rec *r)
{
	struct fields *f = &R->f;
	cp_val dir = rec_val(r, "direction"), v;
	const char *s;
	size_t n;
	switch (rec_direction_of(dir)) {
	case REC_DIR_NONE:
		return "no direction";
	case REC_DIR_BAD:
		return "direction is neither in nor out";
	default:
		f->out = rec_direction_of(dir) == REC_DIR_OUT;
	}
	if (str_of(R, rec_val(r, "id"), &f->sid, &f->id, &f->idlen) < 0 || f->idlen == 0)
		return "no id";
	v = rec_val(r, "created_at");
	if (v.type == VAL_NONE || v.type == VAL_NULL)
		return "no created_at";
	if (str_of(R, v, &f->sreply, &s, &n) < 0 || time_parse(s, n, &f->t) < 0)
		return "created_at is not a time";
	/* What an outbound record answers; an inbound one answers nothing. */
	int got = rec_answers_of(dir, rec_val(r, "in_reply_to"), &f->sreply, &f->reply_to, &f->rlen);
	if (got < 0)
		sla_oom(R);
	if (got == 0)
		f->reply_to = NULL;
	f->thread = f->account = NULL;
	if (R->thread_match &&
	    (str_of(R, rec_val(r, "thread"), &f->sthread, &f->thread, &f->tlen) < 0 ||
	     str_of(R, rec_val(r, "account"), &f->saccount, &f->account, &f->alen) < 0))
		f->thread = f->account = NULL;
	return NULL;
}

/* "thread\x1faccount", the key of --match thread. */
void thread_key(struct run *R, const char *thread, size_t tlen, const char *account,
                size_t alen)
{
	buf_reset(&R->key);
	if (buf_add(&R->key, thread, tlen) < 0 || buf_addc(&R->key, '\x1f') < 0 ||
	    buf_add(&R->key, account, alen) < 0)
		sla_oom(R);
}

int64_t due_of(struct run *R, const struct policy *pol, int64_t created)
{
	int64_t due;
	if (pol->clock == CLOCK_CALENDAR)
		return created + pol->target;
	if (cal_add_business(pol->cal, created, pol->target, &due) < 0) {
		char at[32];
		time_format(created, at);
		cp_die(R->p, CP_EX_CONFIG, "policy %s: its calendar has no opening hours, or too "
		       "few for its target, in the ten years after %s", pol->name, at);
	}
	return due;
}

/* Number and time formatting by hand: printf was a tenth of the run. */
static char *put_int(char *o, int64_t n)
{
	char tmp[24];
	int k = 0;
	uint64_t u = n < 0 ? -(uint64_t)n : (uint64_t)n;
	if (n < 0)
		*o++ = '-';
	do
		tmp[k++] = (char)('0' + u % 10);
	while ((u /= 10));
	while (k)
		*o++ = tmp[--k];
	return o;
}

static char *put_2(char *o, unsigned v)
{
	*o++ = (char)('0' + v / 10);
	*o++ = (char)('0' + v % 10);
	return o;
}

/* "YYYY-MM-DDTHH:MM:SSZ", quoted, as time_format writes it. */
static char *put_time(char *o, int64_t t)
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned m, d;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	time_civil_from_days(days, &y, &m, &d);
	if (t < TIME_MIN || t > TIME_MAX) {  /* time_format's bounds, the same text */
		char tmp[32];
		int n = time_format(t, tmp);
		*o++ = '"';
		memcpy(o, tmp, (size_t)n);
		o += n;
		*o++ = '"';
		return o;
	}
	*o++ = '"';
	o = put_2(o, (unsigned)(y / 100));
	o = put_2(o, (unsigned)(y % 100));
	*o++ = '-';
	o = put_2(o, m);
	*o++ = '-';
	o = put_2(o, d);
	*o++ = 'T';
	o = put_2(o, (unsigned)(secs / 3600));
	*o++ = ':';
	o = put_2(o, (unsigned)(secs / 60 % 60));
	*o++ = ':';
	o = put_2(o, (unsigned)(secs % 60));
	*o++ = 'Z';
	*o++ = '"';
	return o;
}

#define PUT(o, lit) (memcpy((o), (lit), sizeof(lit) - 1), (o) + sizeof(lit) - 1)

/* The sla object for an inbound record; returns its status. */
int make_sla(struct run *R, const struct policy *pol, int64_t created, int64_t due,
             const struct resp *resp)
{
	cp_buf *b = &R->sla;
	int st;
	if (resp) {
		st = resp->t <= due ? SLA_MET : SLA_BREACHED;
	} else if (R->now > due) {
		st = SLA_MISSED;
	} else {
		int64_t warn = R->warn_pct >= 0 ? pol->target * R->warn_pct / 100 : R->warn_s, left;
		if (pol->clock == CLOCK_CALENDAR)
			left = due - R->now;
		else if (R->now < created && pol->target > warn)
			left = pol->target; /* at least: spare counting the days before */
		else
			left = cal_business_seconds(pol->cal, R->now, due);
		st = left <= warn ? SLA_AT_RISK : SLA_PENDING;
	}
	buf_reset(b);
	if (buf_adds(b, "{\"policy\":") < 0 || buf_json_str(b, pol->name, strlen(pol->name)) < 0 ||
	    buf_reserve(b, 400) < 0)
		sla_oom(R);
	char *o = b->p + b->len;
	o = pol->clock == CLOCK_BUSINESS ? PUT(o, ",\"clock\":\"business\",\"target_s\":")
	                                 : PUT(o, ",\"clock\":\"calendar\",\"target_s\":");
	o = put_int(o, pol->target);
	o = PUT(o, ",\"due_at\":");
	o = put_time(o, due);
	o = PUT(o, ",\"responded_at\":");
	if (resp) {
		o = put_time(o, resp->t);
		b->len = (size_t)(o - b->p);
		if (buf_adds(b, ",\"response_id\":") < 0 || buf_json_str(b, resp->id, resp->idlen) < 0 ||
		    buf_reserve(b, 200) < 0)
			sla_oom(R);
		o = b->p + b->len;
		o = PUT(o, ",\"first_response_s\":");
		o = put_int(o, resp->t - created);
		o = PUT(o, ",\"business_s\":");
		if (pol->cal)
			o = put_int(o, cal_business_seconds(pol->cal, created, resp->t));
		else
			o = PUT(o, "null");
	} else {
		o = PUT(o, "null,\"response_id\":null,\"first_response_s\":null,\"business_s\":null");
	}
	o = PUT(o, ",\"status\":\"");
	memcpy(o, sla_status_names[st], strlen(sla_status_names[st]));
	o += strlen(sla_status_names[st]);
	o = PUT(o, "\"}");
	b->len = (size_t)(o - b->p);
	return st;
}

/* Write an inbound record with the sla object last made. */
void write_inbound(struct run *R, const cp_rec *r, int st)
{
	/* A repeated id (fetch-mentions delivers at least once) is written
	 * again, with the same answer, but counted once. */
	cp_val id = rec_val(r, "id");
	int rep = id.type == VAL_STRING ? idwin_seen(&R->repeats, id.p, id.n) : 0;
	if (rep < 0)
		sla_oom(R);
	if (!rep)
		R->count[st]++;
	if (R->only && !(R->only & 1u << st))
		return;
	edit_reset(&R->edit);
	buf_reset(&R->out);
	if (edit_set(&R->edit, "sla", R->sla.p, R->sla.len) < 0 ||
	    edit_apply(&R->edit, r, &R->out) < 0)
		sla_oom(R);
	cp_emit(R->p, R->out.p, R->out.len);
}

void write_outbound(struct run *R, const char *line, size_t len)
{
	R->n_out++;
	if (!R->only)
		cp_emit(R->p, line, len);
}

/* The response to an inbound record from an index: by reply, and by
 * thread when asked; the earlier wins, then the smaller id. */
const struct resp *find_response(struct run *R, const char *id, size_t idlen,
                                 const char *thread, size_t tlen, const char *account,
                                 size_t alen, int64_t created)
{
	const struct resp *a = resp_earliest(&R->replies, id, idlen, created), *b = NULL;
	if (R->thread_match && thread && account) {
		thread_key(R, thread, tlen, account, alen);
		b = resp_earliest(&R->threads, R->key.p, R->key.len, created);
	}
	if (!a || !b)
		return a ? a : b;
	return resp_better(b, a) ? b : a;
}

void index_outbound(struct run *R)
{
	struct fields *f = &R->f;
	if (f->reply_to && resp_add(&R->replies, f->reply_to, f->rlen, f->t, f->id, f->idlen) < 0)
		sla_oom(R);
	if (f->thread && f->account) {
		thread_key(R, f->thread, f->tlen, f->account, f->alen);
		if (resp_add(&R->threads, R->key.p, R->key.len, f->t, f->id, f->idlen) < 0)
			sla_oom(R);
	}
}

/* On a terminal, a long run says how far it is (cp_progress). */
void progress(struct run *R, bool decide, bool final)
{
	cp_progress_count(R->p, &R->pg, final, decide ? "writing" : "indexing", R->linepos,
	                  "lines", false);
}
