/*
 * sla-check - first-response SLAs: for every inbound record, find the
 * brand's first response, measure it on the calendar and business clocks
 * against the policy that applies, and add an sla object.  Outbound
 * records pass through unchanged.
 *
 * Input in any order is read twice: the first pass indexes the outbound
 * records (the only memory that grows), the second writes every record
 * in input order, each inbound decided at once and exactly.  Pipes and
 * stdin are copied to an unlinked temporary file for the second reading.
 * With --sorted the input is read once: an inbound record waits in memory
 * until its response's second has passed (a later response of that second
 * with a smaller id would win), and what is still waiting at the end is
 * written then.  On a live stream a mention also leaves when the wall
 * clock passes its due time (see live_wait).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "idwin.h"
#include "sla.h"

enum { ST_MET, ST_BREACHED, ST_PENDING, ST_AT_RISK, ST_MISSED, ST_N };
static const char *const status_name[ST_N] = { "met", "breached", "pending", "at_risk",
	                                       "missed" };

/* What sla-check reads from a record; strings are views, or copies in
 * the scratch buffers when the record escaped them. */
struct fields {
	bool out;
	int64_t t;
	const char *id, *reply_to, *thread, *account;
	size_t idlen, rlen, tlen, alen;
	cp_buf sid, sreply, sthread, saccount;
};

/* An inbound record waiting for its response (--sorted only). */
struct held {
	struct hnode by_id, by_thread;
	struct held *prev, *next;   /* arrival order */
	struct held *dup;           /* later copies of the same id */
	struct held *answered_next; /* in the run's answered list */
	const struct policy *pol;
	int64_t created, due;
	bool threaded, answered;
	struct resp best;           /* with answered: the best response so far */
	size_t len;
	char data[];                /* the line, then the id, then the thread key */
};

struct run {
	cp_prog *p;
	struct policy_set ps;
	bool sorted, thread_match, fail;
	int64_t now, warn_s;
	int warn_pct;               /* -1 when --warn gave a duration */
	unsigned only;              /* bit per status; 0 writes everything */
	rec_edit edit;
	cp_buf out, sla, key;
	struct fields f;
	struct resp_index replies, threads;
	/* Two passes: a bit per line, set for the good outbound records, so
	 * the second pass writes them without scanning them again. */
	uint64_t *outbits;
	size_t nbits, linepos;
	/* --sorted */
	struct htab held_id, held_thr;
	struct held *first, *last;
	struct held *answered, **answered_end; /* answered, waiting for the second to end */
	size_t nheld, held_bytes, max_held, max_held_bytes;
	int64_t clock;
	bool have_clock, order_warned;
	/* live streams (--sorted without --now): times from started_at on
	 * come while sla-check runs, and are written as the wall clock passes */
	bool live;
	int64_t started_at;
	size_t nlive;               /* held records due at or after started_at */
	/* progress on a terminal, as cp_each_record gives --sorted */
	cp_progress pg;
	uint64_t count[ST_N], n_out;
	idwin repeats;
};

static void oom(struct run *R)
{
	cp_die(R->p, CP_EX_OSERR, "out of memory");
}

/* A string value as bytes: a view when unescaped, else unescaped into s. */
static int str_of(cp_val v, cp_buf *s, const char **p, size_t *n)
{
	if (v.type != VAL_STRING)
		return -1;
	if ((*p = val_rawstr(v, n)))
		return 0;
	buf_reset(s);
	if (val_str(v, s) < 0)
		return -1;
	*p = s->p;
	*n = s->len;
	return 0;
}

/* Fill R->f from r; NULL, or the reason the record is a bad line. */
/* Scan a line into r: true when it is a record.  A blank line is passed
 * over; anything else that is not a JSON object is reported as a bad line,
 * with the byte where it went wrong.  Both readers (the two-pass default
 * and --sorted) use it. */
static bool parse_line(struct run *R, cp_rec *r, const char *file, uint64_t lineno,
                       const char *line, size_t len)
{
	if (rec_parse(r, line, len) == 0)
		return true;
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

static const char *read_fields(struct run *R, const cp_rec *r)
{
	struct fields *f = &R->f;
	cp_val v = rec_val(r, "direction");
	const char *s;
	size_t n;
	if (v.type == VAL_NONE || v.type == VAL_NULL)
		return "no direction";
	if (val_streq(v, "in"))
		f->out = false;
	else if (val_streq(v, "out"))
		f->out = true;
	else
		return "direction is neither in nor out";
	if (str_of(rec_val(r, "id"), &f->sid, &f->id, &f->idlen) < 0 || f->idlen == 0)
		return "no id";
	v = rec_val(r, "created_at");
	if (v.type == VAL_NONE || v.type == VAL_NULL)
		return "no created_at";
	if (str_of(v, &f->sreply, &s, &n) < 0 || time_parse(s, n, &f->t) < 0)
		return "created_at is not a time";
	if (str_of(rec_val(r, "in_reply_to"), &f->sreply, &f->reply_to, &f->rlen) < 0)
		f->reply_to = NULL;
	f->thread = f->account = NULL;
	if (R->thread_match &&
	    (str_of(rec_val(r, "thread"), &f->sthread, &f->thread, &f->tlen) < 0 ||
	     str_of(rec_val(r, "account"), &f->saccount, &f->account, &f->alen) < 0))
		f->thread = f->account = NULL;
	return NULL;
}

/* "thread\x1faccount", the key of --match thread. */
static void thread_key(struct run *R, const char *thread, size_t tlen, const char *account,
                       size_t alen)
{
	buf_reset(&R->key);
	if (buf_add(&R->key, thread, tlen) < 0 || buf_addc(&R->key, '\x1f') < 0 ||
	    buf_add(&R->key, account, alen) < 0)
		oom(R);
}

static int64_t due_of(struct run *R, const struct policy *pol, int64_t created)
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
static int make_sla(struct run *R, const struct policy *pol, int64_t created, int64_t due,
                    const struct resp *resp)
{
	cp_buf *b = &R->sla;
	int st;
	if (resp) {
		st = resp->t <= due ? ST_MET : ST_BREACHED;
	} else if (R->now > due) {
		st = ST_MISSED;
	} else {
		int64_t warn = R->warn_pct >= 0 ? pol->target * R->warn_pct / 100 : R->warn_s, left;
		if (pol->clock == CLOCK_CALENDAR)
			left = due - R->now;
		else if (R->now < created && pol->target > warn)
			left = pol->target; /* at least: spare counting the days before */
		else
			left = cal_business_seconds(pol->cal, R->now, due);
		st = left <= warn ? ST_AT_RISK : ST_PENDING;
	}
	buf_reset(b);
	if (buf_adds(b, "{\"policy\":") < 0 || buf_json_str(b, pol->name, strlen(pol->name)) < 0 ||
	    buf_reserve(b, 400) < 0)
		oom(R);
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
			oom(R);
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
	memcpy(o, status_name[st], strlen(status_name[st]));
	o += strlen(status_name[st]);
	o = PUT(o, "\"}");
	b->len = (size_t)(o - b->p);
	return st;
}

/* Write an inbound record with the sla object last made. */
static void write_inbound(struct run *R, const cp_rec *r, int st)
{
	/* A repeated id (fetch-mentions delivers at least once) is written
	 * again, with the same answer, but counted once. */
	cp_val id = rec_val(r, "id");
	int rep = id.type == VAL_STRING ? idwin_seen(&R->repeats, id.p, id.n) : 0;
	if (rep < 0)
		oom(R);
	if (!rep)
		R->count[st]++;
	if (R->only && !(R->only & 1u << st))
		return;
	edit_reset(&R->edit);
	buf_reset(&R->out);
	if (edit_set(&R->edit, "sla", R->sla.p, R->sla.len) < 0 ||
	    edit_apply(&R->edit, r, &R->out) < 0)
		oom(R);
	cp_emit(R->p, R->out.p, R->out.len);
}

static void write_outbound(struct run *R, const char *line, size_t len)
{
	R->n_out++;
	if (!R->only)
		cp_emit(R->p, line, len);
}

/* The response to an inbound record from an index: by reply, and by
 * thread when asked; the earlier wins, then the smaller id. */
static const struct resp *find_response(struct run *R, const char *id, size_t idlen,
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

static void index_outbound(struct run *R)
{
	struct fields *f = &R->f;
	if (f->reply_to && resp_add(&R->replies, f->reply_to, f->rlen, f->t, f->id, f->idlen) < 0)
		oom(R);
	if (f->thread && f->account) {
		thread_key(R, f->thread, f->tlen, f->account, f->alen);
		if (resp_add(&R->threads, R->key.p, R->key.len, f->t, f->id, f->idlen) < 0)
			oom(R);
	}
}

/* ------------------------------------------------------------ two passes */

struct source {
	int fd;
	off_t start;
	char *name;
};

/* Copy a stream that cannot be read twice to an unlinked temporary file. */
static int spill(struct run *R, int fd, const char *name)
{
	char chunk[1 << 16];
	cp_err e = {0};
	int tmp = tmp_open("sla-check", &e);
	if (tmp < 0)
		cp_die(R->p, e.code, "%s (for a copy of %s)", e.msg, name);
	for (;;) {
		ssize_t got = read(fd, chunk, sizeof chunk);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			cp_die(R->p, CP_EX_IOERR, "%s: %s", name, strerror(errno));
		if (got == 0)
			break;
		for (ssize_t off = 0; off < got;) {
			ssize_t w = write(tmp, chunk + off, (size_t)(got - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				cp_die(R->p, CP_EX_IOERR, "temporary copy of %s: %s", name, strerror(errno));
			off += w;
		}
	}
	return tmp;
}

static size_t open_sources(struct run *R, int argc, char **argv, struct source *src)
{
	static char dash[] = "-";
	char *stdin_only[] = { dash };
	size_t n = 0;
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (int i = 0; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;
		cp_err e = {0};
		int fd = rd_input_fd(argv[i], &e);
		struct stat st;
		if (fd < 0) {
			cp_warn(R->p, "%s", e.msg);
			cp_status(R->p, e.code);
			continue;
		}
		src[n].name = is_stdin ? "(stdin)" : argv[i];
		src[n].start = 0;
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    (src[n].start = lseek(fd, 0, SEEK_CUR)) >= 0) {
			src[n].fd = fd;
		} else {
			src[n].start = 0;
			src[n].fd = spill(R, fd, src[n].name);
			if (!is_stdin)
				close(fd);
		}
		n++;
	}
	return n;
}

static void decide_inbound(struct run *R, const cp_rec *r)
{
	struct fields *f = &R->f;
	const struct policy *pol = policy_match(&R->ps, r, f->t, R->p);
	int64_t due = due_of(R, pol, f->t);
	const struct resp *resp = find_response(R, f->id, f->idlen, f->thread, f->tlen, f->account,
	                                        f->alen, f->t);
	write_inbound(R, r, make_sla(R, pol, f->t, due, resp));
}

/* False only when the line cannot be an outbound record: without a
 * backslash every quote delimits a string, so the value "out" would show
 * as the bytes "out" after some quote. */
static bool maybe_outbound(const char *line, size_t len)
{
	const char *p = line, *end = line + len;
	if (memchr(line, '\\', len))
		return true;
	while ((p = memchr(p, '"', (size_t)(end - p))) && end - p >= 5) {
		if (memcmp(p + 1, "out\"", 4) == 0)
			return true;
		p++;
	}
	return false;
}

/* On a terminal, a long run says how far it is (cp_progress). */
static void progress(struct run *R, bool decide, bool final)
{
	cp_progress_show(R->p, &R->pg, final, "%s %zu lines, %.0f lines/s",
	    decide ? "writing" : "indexing", R->linepos, cp_progress_rate(&R->pg, R->linepos));
}

/* One reading of a source: the first indexes quietly, the second decides
 * and reports bad lines. */
static void read_source(struct run *R, struct source *s, bool decide)
{
	cp_err e = {0};
	cp_rec r = {0};
	const char *line;
	size_t len;
	int got;
	if (lseek(s->fd, s->start, SEEK_SET) < 0)
		cp_die(R->p, CP_EX_IOERR, "%s: %s", s->name, strerror(errno));
	cp_rd *in = rd_fdopen(s->fd, s->name, &e);
	if (!in)
		cp_die_err(R->p, &e);
	while ((got = rd_line(in, &line, &len, &e)) > 0) {
		const char *why;
		size_t at = R->linepos++;
		if ((R->linepos & 0xffff) == 0 && cp_progress_due(&R->pg))
			progress(R, decide, false);
		if (!decide) {
			/* Only outbound records matter now, and a line that holds
			 * neither "out" nor a \u escape cannot be one. */
			if (!maybe_outbound(line, len))
				continue;
			if (rec_parse(&r, line, len) < 0) {
				/* Bad lines are reported by the second pass; a line
				 * that did not fit in memory must not be skipped. */
				if (r.err && strcmp(r.err, "out of memory") == 0)
					oom(R);
				continue;
			}
			if (read_fields(R, &r) || !R->f.out)
				continue;
			index_outbound(R);
			if (at / 64 >= R->nbits) {
				size_t n = R->nbits ? R->nbits * 2 : 1024;
				while (n <= at / 64)
					n *= 2;
				uint64_t *b = realloc(R->outbits, n * sizeof *b);
				if (!b)
					oom(R);
				memset(b + R->nbits, 0, (n - R->nbits) * sizeof *b);
				R->outbits = b;
				R->nbits = n;
			}
			R->outbits[at / 64] |= (uint64_t)1 << (at % 64);
			continue;
		}
		if (at / 64 < R->nbits && R->outbits[at / 64] >> (at % 64) & 1) {
			write_outbound(R, line, len);
			continue;
		}
		if (!parse_line(R, &r, s->name, rd_lineno(in), line, len))
			continue;
		if ((why = read_fields(R, &r)))
			cp_bad_line(R->p, s->name, rd_lineno(in), line, len, why);
		else if (R->f.out)
			write_outbound(R, line, len);
		else
			decide_inbound(R, &r);
	}
	if (got < 0 && decide) {
		cp_warn(R->p, "%s:%llu: %s", s->name, (unsigned long long)rd_lineno(in) + 1, e.msg);
		cp_status(R->p, e.code);
	}
	rd_close(in);
	rec_free(&r);
}

/* ------------------------------------------------------------ --sorted */

static struct held *held_of_id(struct hnode *n)
{
	return (struct held *)((char *)n - offsetof(struct held, by_id));
}

static struct held *held_of_thread(struct hnode *n)
{
	return (struct held *)((char *)n - offsetof(struct held, by_thread));
}

static struct held *hold(struct run *R, const cp_rec *r, const struct policy *pol, int64_t due)
{
	struct fields *f = &R->f;
	size_t keylen = 0;
	if (f->thread && f->account) {
		thread_key(R, f->thread, f->tlen, f->account, f->alen);
		keylen = R->key.len;
	}
	struct held *h = malloc(sizeof *h + r->len + f->idlen + keylen + 1);
	if (!h)
		oom(R);
	memset(h, 0, sizeof *h);
	h->pol = pol;
	h->created = f->t;
	h->due = due;
	h->len = r->len;
	memcpy(h->data, r->line, r->len);
	memcpy(h->data + r->len, f->id, f->idlen);
	h->by_id = (struct hnode){ NULL, hash_bytes(f->id, f->idlen), h->data + r->len, f->idlen };
	if (keylen) {
		char *k = h->data + r->len + f->idlen;
		memcpy(k, R->key.p, keylen);
		h->by_thread = (struct hnode){ NULL, hash_bytes(k, keylen), k, keylen };
		h->threaded = true;
	}
	R->held_bytes += sizeof *h + r->len;
	return h;
}

static void write_held(struct run *R, struct held *h, const struct resp *resp)
{
	cp_rec r = {0};
	int st = make_sla(R, h->pol, h->created, h->due, resp);
	for (struct held *d = h, *next; d; d = next) {
		next = d->dup;
		if (rec_parse(&r, d->data, d->len) < 0)
			cp_die(R->p, CP_EX_SOFTWARE, "a held record no longer parses");
		write_inbound(R, &r, st);
		R->held_bytes -= sizeof *d + d->len;
		if (d != h)
			free(d);
	}
	rec_free(&r);
}

/* Take h out of memory and write it (with its copies), answered by resp. */
static void release(struct run *R, struct held *h, const struct resp *resp)
{
	ht_del(&R->held_id, &h->by_id);
	if (h->threaded)
		ht_del(&R->held_thr, &h->by_thread);
	if (h->prev)
		h->prev->next = h->next;
	else
		R->first = h->next;
	if (h->next)
		h->next->prev = h->prev;
	else
		R->last = h->prev;
	R->nheld--;
	if (h->due >= R->started_at)
		R->nlive--;
	write_held(R, h, resp);
	free((char *)h->best.id);
	free(h);
}

/* An outbound record (or one indexed in this second) answers h: keep the
 * better of it and what h had.  h is written once that second is over,
 * so a later response of the same second with a smaller id still wins, as
 * without --sorted. */
static void offer(struct run *R, struct held *h, const struct resp *resp)
{
	if (h->answered && !resp_better(resp, &h->best))
		return;
	char *id = malloc(resp->idlen + 1);
	if (!id)
		oom(R);
	memcpy(id, resp->id, resp->idlen);
	id[resp->idlen] = '\0';
	free((char *)h->best.id);
	h->best = (struct resp){ resp->t, id, resp->idlen, NULL };
	if (!h->answered) {
		h->answered = true;
		h->answered_next = NULL;
		if (!R->answered_end)
			R->answered_end = &R->answered;
		*R->answered_end = h;
		R->answered_end = &h->answered_next;
	}
}

/* Write the answered records whose response came in [from, before), in
 * the order they were first answered. */
static void flush_answered(struct run *R, int64_t from, int64_t before)
{
	struct held *h = R->answered, *next;
	R->answered = NULL;
	R->answered_end = &R->answered;
	for (; h; h = next) {
		next = h->answered_next;
		if (h->best.t >= from && h->best.t < before) {
			release(R, h, &h->best);
		} else {
			h->answered_next = NULL;
			*R->answered_end = h;
			R->answered_end = &h->answered_next;
		}
	}
}

/* Hold an inbound record until it is answered, or the end. */
static struct held *wait_for_answer(struct run *R, const cp_rec *r, const struct policy *pol,
                                    int64_t due)
{
	struct held *h = hold(R, r, pol, due);
	if (ht_put(&R->held_id, &h->by_id) < 0 || (h->threaded && ht_put(&R->held_thr, &h->by_thread) < 0))
		oom(R);
	h->prev = R->last;
	if (R->last)
		R->last->next = h;
	else
		R->first = h;
	R->last = h;
	if (h->due >= R->started_at)
		R->nlive++;
	if (++R->nheld > R->max_held)
		R->max_held = R->nheld;
	if (R->held_bytes > R->max_held_bytes)
		R->max_held_bytes = R->held_bytes;
	return h;
}

static void sorted_record(struct run *R, cp_rec *r, const cp_pos *pos)
{
	struct fields *f = &R->f;
	const char *why = read_fields(R, r);
	if (why) {
		cp_bad_line(R->p, pos->file, pos->lineno, r->line, r->len, why);
		return;
	}
	if (!R->have_clock || f->t > R->clock) {
		/* A new second: the answers of the last one are final, and only
		 * outbound records of the current second can still answer an
		 * inbound record that comes later. */
		flush_answered(R, INT64_MIN, f->t);
		resp_clear(&R->replies);
		resp_clear(&R->threads);
		R->clock = f->t;
		R->have_clock = true;
	} else if (f->t < R->clock && !R->order_warned) {
		R->order_warned = true;
		if (!R->p->quiet)
			cp_warn(R->p, "%s:%llu: the input is not in time order; without --sorted "
			        "the answers would be exact", pos->file, (unsigned long long)pos->lineno);
	}
	if (f->out) {
		struct resp me = { f->t, f->id, f->idlen, NULL };
		struct hnode *n;
		if (f->reply_to &&
		    (n = ht_get(&R->held_id, f->reply_to, f->rlen, hash_bytes(f->reply_to, f->rlen)))) {
			struct held *h = held_of_id(n);
			if (h->created <= f->t)
				offer(R, h, &me);
		}
		if (f->thread && f->account) {
			thread_key(R, f->thread, f->tlen, f->account, f->alen);
			for (n = ht_get(&R->held_thr, R->key.p, R->key.len, hash_bytes(R->key.p, R->key.len));
			     n; n = ht_next_same(n)) {
				struct held *h = held_of_thread(n);
				if (h->created <= f->t)
					offer(R, h, &me);
			}
		}
		write_outbound(R, r->line, r->len);
		if (f->t == R->clock)
			index_outbound(R);
		return;
	}
	const struct policy *pol = policy_match(&R->ps, r, f->t, R->p);
	int64_t due = due_of(R, pol, f->t);
	struct hnode *n = ht_get(&R->held_id, f->id, f->idlen, hash_bytes(f->id, f->idlen));
	if (n) {
		/* A copy of a waiting record waits with it and gets its answer. */
		struct held *first = held_of_id(n), *d = hold(R, r, pol, due), **at = &first->dup;
		while (*at)
			at = &(*at)->dup;
		*at = d;
		return;
	}
	const struct resp *resp = find_response(R, f->id, f->idlen, f->thread, f->tlen, f->account,
	                                        f->alen, f->t);
	struct held *h = wait_for_answer(R, r, pol, due);
	if (resp)
		offer(R, h, resp);
}

/*
 * A live stream (--sorted without --now, on a pipe or terminal): while no
 * line is waiting, write what the wall clock has decided: answered records
 * whose response's second is over, and unanswered ones past their due
 * time, as missed.  Only times from the start of the run on count: a
 * mention already due when sla-check started is history being replayed,
 * and waits for its response in the input as it would in a file.
 * Returns when the descriptor has input, or an error the read will report.
 */
static void live_wait(struct run *R, int fd)
{
	for (;;) {
		int64_t now = time(NULL), wake = INT64_MAX;
		R->now = now;
		flush_answered(R, R->started_at, now);
		for (struct held *h = R->answered; h; h = h->answered_next)
			if (h->best.t >= R->started_at && h->best.t + 1 < wake)
				wake = h->best.t + 1;
		/* Only mentions due during the run are looked at, so replaying
		 * history through a pipe costs no scan. */
		for (struct held *h = R->nlive ? R->first : NULL, *next; h; h = next) {
			next = h->next;
			if (h->answered || h->due < R->started_at)
				continue;
			if (h->due < now)
				release(R, h, NULL);
			else if (h->due + 1 < wake)
				wake = h->due + 1;
		}
		out_flush(&R->p->out);
		int ms = -1;
		if (wake != INT64_MAX)
			ms = wake - now > 3600 ? 3600 * 1000 : (int)(wake - now) * 1000;
		struct pollfd pfd = { fd, POLLIN, 0 };
		int got = poll(&pfd, 1, ms);
		if (got < 0 && errno == EINTR)
			continue;
		if (got != 0)
			return;
	}
}

/* --sorted: each input once, in order, through sorted_record. */
static void read_sorted(struct run *R, int argc, char **argv)
{
	static char dash[] = "-";
	char *stdin_only[] = { dash };
	cp_err e = {0};
	cp_rec r = {0};
	if (argc == 0) {
		argc = 1;
		argv = stdin_only;
	}
	for (int i = 0; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;
		int fd = is_stdin ? 0 : open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			cp_warn(R->p, "%s: %s", argv[i], strerror(errno));
			cp_status(R->p, errno == ENOENT || errno == EACCES ? CP_EX_NOINPUT : CP_EX_IOERR);
			continue;
		}
		struct stat st;
		bool stream = R->live && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode);
		cp_rd *in = rd_fdopen(fd, is_stdin ? "(stdin)" : argv[i], &e);
		if (!in)
			cp_die_err(R->p, &e);
		cp_pos pos = { rd_name(in), 0 };
		const char *line;
		size_t len;
		int got;
		for (;;) {
			if (stream && !rd_has_line(in))
				live_wait(R, fd);
			if ((got = rd_line(in, &line, &len, &e)) <= 0)
				break;
			pos.lineno = rd_lineno(in);
			if ((++R->linepos & 0xffff) == 0 && cp_progress_due(&R->pg))
				progress(R, true, false);
			if (!parse_line(R, &r, pos.file, pos.lineno, line, len))
				continue;
			sorted_record(R, &r, &pos);
		}
		if (got < 0) {
			cp_warn(R->p, "%s:%llu: %s", rd_name(in), (unsigned long long)rd_lineno(in) + 1,
			        e.msg);
			cp_status(R->p, e.code);
		}
		rd_close(in);
		if (!is_stdin)
			close(fd);
	}
	rec_free(&r);
}

/* ------------------------------------------------------------ main */

static unsigned parse_only(cp_prog *p, const char *s)
{
	unsigned bits = 0;
	while (*s) {
		size_t n = strcspn(s, ",");
		int k;
		for (k = 0; k < ST_N; k++)
			if (strlen(status_name[k]) == n && strncmp(s, status_name[k], n) == 0)
				break;
		if (k == ST_N) {
			cp_warn(p, "--only: unknown status '%.*s' (met, breached, pending, at_risk, missed)",
			        (int)n, s);
			cp_usage(p);
		}
		bits |= 1u << k;
		s += n + (s[n] == ',');
	}
	if (!bits)
		cp_usage(p);
	return bits;
}

enum {
	OPT_CALENDAR = 256, OPT_FAIL, OPT_MATCH, OPT_NOW, OPT_ONLY, OPT_POLICY, OPT_SORTED, OPT_WARN,
};

int main(int argc, char **argv)
{
	static cp_prog p;
	static struct run R;
	static const struct option opts[] = {
		{ "calendar", required_argument, NULL, OPT_CALENDAR },
		{ "fail", no_argument, NULL, OPT_FAIL },
		{ "match", required_argument, NULL, OPT_MATCH },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "sorted", no_argument, NULL, OPT_SORTED },
		{ "warn", required_argument, NULL, OPT_WARN },
		{ NULL, 0, NULL, 0 },
	};
	const char *policy_path = NULL, *calendar_path = NULL;
	cp_err e = {0};
	int ch;

	cp_init(&p, "sla-check",
	        "sla-check [-qv] [--bad file] [--calendar file] [--fail] [--line-buffered]\n"
	        "                 [--match mode] [--now time] [--only statuses] [--policy file]\n"
	        "                 [--sorted] [--strict] [--warn limit] [file ...]",
	        "      --policy FILE     targets and clocks by platform, account, priority, tag, jq\n"
	        "      --calendar FILE   business hours for policies that name no calendar\n"
	        "      --match MODE      reply (default): replies to the record; thread: also\n"
	        "                        later posts of the account in the thread\n"
	        "      --now TIME        decide pending, at_risk and missed at TIME (default: now)\n"
	        "      --warn LIMIT      at_risk when due within LIMIT, a duration or N% of the\n"
	        "                        target (default 25%)\n"
	        "      --only STATUSES   write only inbound records with these statuses\n"
	        "      --fail            exit 1 when a record is breached or missed\n"
	        "      --sorted          the input is in time order: stream, read it once\n");
	R.p = &p;
	R.now = R.started_at = time(NULL);
	R.live = true;
	R.warn_pct = 25;
	while ((ch = cp_getopt(&p, argc, argv, "", opts)) != -1) {
		switch (ch) {
		case OPT_CALENDAR:
			calendar_path = optarg;
			break;
		case OPT_FAIL:
			R.fail = true;
			break;
		case OPT_MATCH:
			if (strcmp(optarg, "reply") == 0)
				R.thread_match = false;
			else if (strcmp(optarg, "thread") == 0)
				R.thread_match = true;
			else {
				cp_warn(&p, "--match is reply or thread");
				cp_usage(&p);
			}
			break;
		case OPT_NOW:
			R.live = false; /* a fixed instant: the run is a replay */
			if (time_parse(optarg, strlen(optarg), &R.now) < 0) {
				cp_warn(&p, "--now: not a time: %s", optarg);
				cp_usage(&p);
			}
			break;
		case OPT_ONLY:
			R.only = parse_only(&p, optarg);
			break;
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_SORTED:
			R.sorted = true;
			break;
		case OPT_WARN: {
			size_t n = strlen(optarg);
			char *end;
			if (n > 1 && optarg[n - 1] == '%') {
				long pct = strtol(optarg, &end, 10);
				if (*end != '%' || pct < 0 || pct > 100) {
					cp_warn(&p, "--warn: a percentage is 0%% to 100%%");
					cp_usage(&p);
				}
				R.warn_pct = (int)pct;
			} else if (dur_parse(optarg, &R.warn_s) == 0) {
				R.warn_pct = -1;
			} else {
				cp_warn(&p, "--warn: not a duration or percentage: %s", optarg);
				cp_usage(&p);
			}
			break;
		}
		default:
			cp_usage(&p);
		}
	}
	if (calendar_path && !(R.ps.fallback = cal_load(calendar_path, &e)))
		cp_die(&p, e.code == CP_EX_NOINPUT ? CP_EX_CONFIG : e.code, "%s", e.msg);
	if (policy_path && policies_load(&R.ps, policy_path, &e) < 0)
		cp_die(&p, e.code == CP_EX_NOINPUT ? CP_EX_CONFIG : e.code, "%s", e.msg);
	if (policies_finish(&R.ps, &e) < 0)
		cp_die_err(&p, &e);
	if (p.verbose)
		for (size_t i = 0; i < R.ps.ncals; i++)
			if (cal_skipped_events(R.ps.cals[i].c))
				cp_warn(&p, "calendar %s: %zu timed events are no holidays and were skipped",
				        R.ps.cals[i].name, cal_skipped_events(R.ps.cals[i].c));
	cp_start(&p);

	if (R.sorted) {
		cp_progress_init(&p, &R.pg);
		read_sorted(&R, argc - optind, argv + optind);
		flush_answered(&R, INT64_MIN, INT64_MAX);
		while (R.first)
			release(&R, R.first, NULL);
		progress(&R, true, true);
	} else {
		struct source *src = calloc((size_t)(argc - optind) + 1, sizeof *src);
		if (!src)
			oom(&R);
		size_t n = open_sources(&R, argc - optind, argv + optind, src);
		cp_progress_init(&p, &R.pg);
		for (size_t i = 0; i < n; i++)
			read_source(&R, &src[i], false);
		progress(&R, false, true);
		R.linepos = 0;
		cp_progress_init(&p, &R.pg);
		for (size_t i = 0; i < n; i++) {
			read_source(&R, &src[i], true);
			if (src[i].fd != 0)
				close(src[i].fd);
		}
		progress(&R, true, true);
		free(src);
	}

	if (R.fail && (R.count[ST_BREACHED] || R.count[ST_MISSED]))
		cp_status(&p, 1);
	if (p.verbose) {
		uint64_t nin = 0;
		for (int k = 0; k < ST_N; k++)
			nin += R.count[k];
		cp_warn(&p, "%llu inbound (met %llu, breached %llu, pending %llu, at_risk %llu, "
		        "missed %llu), %llu outbound; index %zu responses; held at most %zu records, "
		        "%zu bytes", (unsigned long long)nin, (unsigned long long)R.count[ST_MET],
		        (unsigned long long)R.count[ST_BREACHED], (unsigned long long)R.count[ST_PENDING],
		        (unsigned long long)R.count[ST_AT_RISK], (unsigned long long)R.count[ST_MISSED],
		        (unsigned long long)R.n_out, R.replies.nresp + R.threads.nresp, R.max_held,
		        R.max_held_bytes);
	}
	free(R.outbits);
	resp_free(&R.replies);
	resp_free(&R.threads);
	ht_free(&R.held_id);
	ht_free(&R.held_thr);
	policies_free(&R.ps);
	edit_free(&R.edit);
	buf_free(&R.out);
	buf_free(&R.sla);
	buf_free(&R.key);
	idwin_free(&R.repeats);
	buf_free(&R.f.sid);
	buf_free(&R.f.sreply);
	buf_free(&R.f.sthread);
	buf_free(&R.f.saccount);
	return cp_finish(&p);
}
