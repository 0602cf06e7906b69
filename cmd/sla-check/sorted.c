/*
 * --sorted: the input is read once.  An inbound record waits in memory
 * until its response's second has passed (a later response of that second
 * with a smaller id would win), and what is still waiting at the end is
 * written then.  On a live stream a mention also leaves when the wall
 * clock passes its due time (see live_wait).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sla.h"

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
		sla_oom(R);
	memset(h, 0, sizeof *h);
	h->pol = pol;
	h->created = f->t;
	h->due = due;
	h->len = r->len;
	memcpy(h->data, r->line, r->len);
	memcpy(h->data + r->len, f->id, f->idlen);
	h->by_id = (struct hnode){ NULL, hash64_index(f->id, f->idlen), h->data + r->len, f->idlen };
	if (keylen) {
		char *k = h->data + r->len + f->idlen;
		memcpy(k, R->key.p, keylen);
		h->by_thread = (struct hnode){ NULL, hash64_index(k, keylen), k, keylen };
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
		if (rec_parse(&r, d->data, d->len) < 0) {
			if (r.err == rec_err_oom)
				sla_oom(R);
			cp_die(R->p, CP_EX_SOFTWARE, "a held record no longer parses");
		}
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
		sla_oom(R);
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
		sla_oom(R);
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
		    (n = ht_get(&R->held_id, f->reply_to, f->rlen, hash64_index(f->reply_to, f->rlen)))) {
			struct held *h = held_of_id(n);
			if (h->created <= f->t)
				offer(R, h, &me);
		}
		if (f->thread && f->account) {
			thread_key(R, f->thread, f->tlen, f->account, f->alen);
			for (n = ht_get(&R->held_thr, R->key.p, R->key.len, hash64_index(R->key.p, R->key.len));
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
	struct hnode *n = ht_get(&R->held_id, f->id, f->idlen, hash64_index(f->id, f->idlen));
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

/* Each input once, in order, through sorted_record. */
static void read_inputs(struct run *R, int argc, char **argv)
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
			if (cp_progress_tick(&R->pg, ++R->linepos))
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

void read_sorted(struct run *R, int argc, char **argv)
{
	cp_progress_init(R->p, &R->pg);
	read_inputs(R, argc, argv);
	flush_answered(R, INT64_MIN, INT64_MAX);
	while (R->first)
		release(R, R->first, NULL);
	progress(R, true, true);
}
