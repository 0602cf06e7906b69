/*
 * The record loop on several threads (cp_each_record_jobs), for a program
 * whose judgement of a record depends on that record alone (tag).
 *
 * The calling thread reads lines into batches of about 64 KB; workers scan
 * and judge them, each with a context of its own.  What a worker's fn
 * writes or says through its cp_prog (records, messages, bad lines,
 * statuses, a fatal error) is held with its batch, and batches are said
 * through the program's own cp_prog in the order they were read: the
 * worker that finishes the oldest batch writes it and every finished one
 * after it.  So the output, the messages, --bad and --strict are byte for
 * byte those of cp_each_record, whatever the number of threads.  At most
 * SLOTS_PER_WORKER batches a worker are read ahead: memory stays constant.
 *
 * Threads start only once a batch fills: a short input, or one that comes
 * a few lines at a time (tail -f, a pipe from a slow stage), is judged on
 * the calling thread with worker 0, each batch as soon as no further line
 * is at hand, as cp_each_record would.
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "carepipe.h"
#include "jobs.h"

#define BATCH_BYTES (64 * 1024)
#define BATCH_LINES 1024
#define SLOTS_PER_WORKER 4

/* Something a worker said, to be said again in order: its place is the
 * number of output bytes the batch had written before it. */
enum ev_kind { EV_WARN, EV_STATUS, EV_BAD };

struct event {
	enum ev_kind kind;
	int code;             /* EV_STATUS */
	size_t out_off;
	size_t text, ntext;   /* in notes: the message; or a bad line's reason,
	                       * NUL-terminated */
	size_t line, nline;   /* in notes: EV_BAD's line */
	const char *file;     /* EV_BAD */
	uint64_t lineno;
};

enum batch_state { B_FREE, B_FILLING, B_QUEUED, B_DONE };

struct cp_batch {
	struct jobs *j;
	enum batch_state state;
	/* the input: lines copied from the reader, and where each starts */
	cp_buf in;
	struct span { size_t off, len; uint64_t lineno; } *lines;
	size_t nlines, linecap;
	const char *file;     /* the input's display name */
	/* what the worker said */
	cp_buf out;           /* records, each with its newline */
	uint64_t nout;
	struct event *ev;
	size_t nev, evcap;
	cp_buf notes;
	/* how it ended early, after what it said: stop_rc from fn (or 65
	 * for --strict), or a fatal error (cp_die) */
	int stop_rc;
	bool fatal;
	int fatal_code;
	char fatal_msg[1024];
};

struct worker_arg {
	struct jobs *j;
	int i;
};

struct jobs {
	cp_prog *p;
	cp_record_fn fn;
	cp_worker *w;
	cp_worker_make_fn make;
	void *make_arg;
	int n, started;
	pthread_t *threads;
	cp_progress pg;
	uint64_t lines;
	/* mu guards the counters and the batches' states; wmu is held by the
	 * one thread writing batches out, so they go out one at a time;
	 * make_mu by the one worker making its context (see worker_main). */
	pthread_mutex_t mu, wmu, make_mu;
	pthread_cond_t work, space;
	struct cp_batch *slot;
	size_t nslot;
	struct cp_batch *fill;   /* the batch the reader fills, or NULL */
	struct worker_arg *args;
	uint64_t filled, taken, written;   /* batches queued, claimed, written */
	/* threads waiting on work and on space: a wake-up costs a system
	 * call, made only for a waiter */
	int idle, reader_waits;
	bool closing;
	int stop_rc;          /* fn stopped the loop: later batches are dropped */
	cp_rec inline_rec;    /* worker 0's scanner, before threads start */
};


int cp_jobs_default(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* ------------------------------------------------------- what workers say */

static void __attribute__((noreturn)) die_kept(cp_prog *p, int code);

/* Allocation failed while keeping what a worker said: that is fatal as
 * any other failed allocation is. */
static void __attribute__((noreturn)) kept_oom(cp_prog *p)
{
	snprintf(p->batch->fatal_msg, sizeof p->batch->fatal_msg, "out of memory");
	die_kept(p, CP_EX_OSERR);
}

static size_t note(cp_prog *p, const char *s, size_t n)
{
	cp_buf *b = &p->batch->notes;
	size_t at = b->len;
	if (buf_add(b, s, n) < 0)
		kept_oom(p);
	return at;
}

static struct event *event(cp_prog *p, enum ev_kind kind)
{
	struct cp_batch *b = p->batch;
	if (b->nev == b->evcap) {
		struct event *ne = cp_grow(b->ev, &b->evcap, sizeof *ne, 16);
		if (!ne)
			kept_oom(p);
		b->ev = ne;
	}
	struct event *ev = &b->ev[b->nev++];
	memset(ev, 0, sizeof *ev);
	ev->kind = kind;
	ev->out_off = b->out.len;
	return ev;
}

void jobs_warn_v(cp_prog *p, const char *fmt, va_list ap)
{
	cp_buf *b = &p->batch->notes;
	size_t at = b->len;
	if (buf_vaddf(b, fmt, ap) < 0)
		kept_oom(p);
	struct event *ev = event(p, EV_WARN);
	ev->text = at;
	ev->ntext = b->len - at;
}

void jobs_status(cp_prog *p, int code)
{
	event(p, EV_STATUS)->code = code;
}

/* The batch is over for this worker: mark it done and write what is
 * ready, this batch included when it is the oldest. */
static void finish(struct jobs *j, struct cp_batch *b);

/* The worker's judging ends here: what it said so far is said, then the
 * process exits (fatal) or the loop stops.  The batches before this one
 * are done or being done by the other workers, so the writer reaches it. */
static void __attribute__((noreturn)) end_batch(cp_prog *p)
{
	struct cp_batch *b = p->batch;
	p->batch = NULL;
	finish(b->j, b);
	pthread_exit(NULL);
}

/* The batch ends in a fatal error, its message in fatal_msg. */
static void die_kept(cp_prog *p, int code)
{
	p->batch->fatal = true;
	p->batch->fatal_code = code;
	end_batch(p);
}

void jobs_die_v(cp_prog *p, int code, const char *fmt, va_list ap)
{
	vsnprintf(p->batch->fatal_msg, sizeof p->batch->fatal_msg, fmt, ap);
	die_kept(p, code);
}

void jobs_bad_line(cp_prog *p, const char *file, uint64_t lineno, const char *line,
                   size_t len, const char *reason)
{
	size_t at_line = note(p, line, len);
	/* with its NUL: said again as it is */
	size_t at_reason = note(p, reason, strlen(reason) + 1);
	struct event *ev = event(p, EV_BAD);
	ev->file = file;
	ev->lineno = lineno;
	ev->line = at_line;
	ev->nline = len;
	ev->text = at_reason;
	if (p->strict) {
		/* said again, it exits 65 there: nothing after it is judged */
		p->batch->stop_rc = CP_EX_DATAERR;
		end_batch(p);
	}
}

void jobs_emit(cp_prog *p, const char *line, size_t len)
{
	cp_buf *o = &p->batch->out;
	if (buf_reserve(o, len + 1) < 0)
		kept_oom(p);
	memcpy(o->p + o->len, line, len);
	o->p[o->len + len] = '\n';
	o->len += len + 1;
	p->batch->nout++;
}

/* ------------------------------------------------------- saying it again */

static void put_out(cp_prog *p, const struct cp_batch *b, size_t *at, size_t to)
{
	if (to > *at && out_records(&p->out, b->out.p + *at, to - *at) < 0)
		cp_out_failed(p);
	*at = to;
}

/* Say through p what the batch's worker said, in order.  Returns fn's
 * stop code, or 0; exits where the worker's program would have. */
static int replay(struct jobs *j, struct cp_batch *b)
{
	cp_prog *p = j->p;
	size_t at = 0;
	for (size_t i = 0; i < b->nev; i++) {
		const struct event *ev = &b->ev[i];
		put_out(p, b, &at, ev->out_off);
		switch (ev->kind) {
		case EV_WARN:
			cp_warn(p, "%.*s", (int)ev->ntext, b->notes.p + ev->text);
			break;
		case EV_STATUS:
			cp_status(p, ev->code);
			break;
		case EV_BAD:
			cp_bad_line(p, ev->file, ev->lineno, b->notes.p + ev->line, ev->nline,
			            b->notes.p + ev->text);
			break;
		}
	}
	put_out(p, b, &at, b->out.len);
	p->nrecords += b->nout;
	if (b->fatal)
		cp_die(p, b->fatal_code, "%s", b->fatal_msg);
	return b->stop_rc;
}

static struct cp_batch *slot(struct jobs *j, uint64_t seq)
{
	return &j->slot[seq % j->nslot];
}

static void finish(struct jobs *j, struct cp_batch *b)
{
	pthread_mutex_lock(&j->mu);
	b->state = B_DONE;
	pthread_mutex_unlock(&j->mu);
	pthread_mutex_lock(&j->wmu);
	for (;;) {
		pthread_mutex_lock(&j->mu);
		struct cp_batch *head = j->written < j->filled ? slot(j, j->written) : NULL;
		bool ready = head && head->state == B_DONE;
		bool dropped = j->stop_rc != 0;
		pthread_mutex_unlock(&j->mu);
		if (!ready)
			break;
		int rc = dropped ? 0 : replay(j, head);
		pthread_mutex_lock(&j->mu);
		if (rc && !j->stop_rc)
			j->stop_rc = rc;
		head->state = B_FREE;
		j->written++;
		/* the reader is woken once half the slots are free, not for
		 * each: fewer wake-ups, each refilling several */
		if (j->reader_waits && j->filled - j->written <= j->nslot / 2)
			pthread_cond_signal(&j->space);
		pthread_mutex_unlock(&j->mu);
	}
	pthread_mutex_unlock(&j->wmu);
}

/* ---------------------------------------------------------------- judging */

/* Scan and judge the batch's lines with worker w, its words kept in the
 * batch (keep) or said at once through the program (before threads). */
static void run_batch(struct jobs *j, cp_worker *w, cp_rec *r, struct cp_batch *b, bool keep)
{
	cp_pos pos = { b->file, 0 };
	w->prog.batch = keep ? b : NULL;
	for (size_t i = 0; i < b->nlines; i++) {
		const char *line = b->in.p + b->lines[i].off;
		size_t len = b->lines[i].len;
		pos.lineno = b->lines[i].lineno;
		if (!cp_scan_record(&w->prog, r, &pos, line, len))
			continue;
		int rc = j->fn(w->ctx, r, &pos);
		if (rc) {
			b->stop_rc = rc;
			break;
		}
	}
	w->prog.batch = NULL;
}

static void *worker_main(void *v)
{
	struct worker_arg *a = v;
	struct jobs *j = a->j;
	cp_worker *w = &j->w[a->i];
	cp_rec r = {0};
	/* Worker 0 has the caller's context and starts on the first batch at
	 * once; the others make theirs here meanwhile, one at a time (making
	 * regular expressions is not safe on two threads at once, Oniguruma's
	 * API says), and do without when they cannot. */
	if (a->i > 0) {
		pthread_mutex_lock(&j->make_mu);
		int made = j->make(j->make_arg, w, a->i);
		pthread_mutex_unlock(&j->make_mu);
		if (made < 0)
			return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&j->mu);
		while (j->taken == j->filled && !j->closing) {
			j->idle++;
			pthread_cond_wait(&j->work, &j->mu);
			j->idle--;
		}
		if (j->taken == j->filled) {
			pthread_mutex_unlock(&j->mu);
			break;
		}
		struct cp_batch *b = slot(j, j->taken++);
		pthread_mutex_unlock(&j->mu);
		run_batch(j, w, &r, b, true);
		finish(j, b);
	}
	rec_free(&r);
	return NULL;
}

/* Start the workers; those that cannot be started are done without. */
static void start(struct jobs *j)
{
	for (int i = 0; i < j->n; i++) {
		j->args[i] = (struct worker_arg){ j, i };
		if (pthread_create(&j->threads[i], NULL, worker_main, &j->args[i]) != 0)
			break;
		j->started++;
	}
}

/* ---------------------------------------------------------------- reading */

/* The batch to add lines to: the next slot, once it is free. */
static struct cp_batch *filling(struct jobs *j)
{
	if (j->fill)
		return j->fill;
	struct cp_batch *b = slot(j, j->filled);
	if (j->started) {
		pthread_mutex_lock(&j->mu);
		while (b->state != B_FREE) {
			j->reader_waits++;
			pthread_cond_wait(&j->space, &j->mu);
			j->reader_waits--;
		}
		pthread_mutex_unlock(&j->mu);
	}
	b->state = B_FILLING;
	b->in.len = b->out.len = b->notes.len = 0;
	b->nlines = b->nev = 0;
	b->nout = 0;
	b->stop_rc = 0;
	b->fatal = false;
	return j->fill = b;
}

/* Wait until every batch queued is written. */
static void drain(struct jobs *j)
{
	if (!j->started)
		return;
	pthread_mutex_lock(&j->mu);
	while (j->written < j->filled) {
		j->reader_waits++;
		pthread_cond_wait(&j->space, &j->mu);
		j->reader_waits--;
	}
	pthread_mutex_unlock(&j->mu);
}

static void __attribute__((noreturn)) read_oom(struct jobs *j)
{
	drain(j);
	cp_die(j->p, CP_EX_OSERR, "out of memory");
}

/* Hand the batch being filled on: to the workers, or, before they start
 * and unless it is full, to worker 0 here and now. */
static void send(struct jobs *j, bool full)
{
	struct cp_batch *b = j->fill;
	if (!b || b->nlines == 0)
		return;
	j->fill = NULL;
	if (!j->started && full)
		start(j);
	if (!j->started) {
		run_batch(j, &j->w[0], &j->inline_rec, b, false);
		b->state = B_FREE;
		if (b->stop_rc)
			j->stop_rc = b->stop_rc;
		return;
	}
	pthread_mutex_lock(&j->mu);
	b->state = B_QUEUED;
	j->filled++;
	if (j->idle)
		pthread_cond_signal(&j->work);
	pthread_mutex_unlock(&j->mu);
}

static bool stopped(struct jobs *j)
{
	if (!j->started)
		return j->stop_rc != 0;
	pthread_mutex_lock(&j->mu);
	bool s = j->stop_rc != 0;
	pthread_mutex_unlock(&j->mu);
	return s;
}

static void progress(struct jobs *j, bool final)
{
	if (j->started)
		pthread_mutex_lock(&j->wmu);
	cp_progress_count(j->p, &j->pg, final, NULL, j->lines, "lines", true);
	if (j->started)
		pthread_mutex_unlock(&j->wmu);
}

static int jobs_input(void *v, cp_rd *in, int index, cp_err *e)
{
	struct jobs *j = v;
	const char *line;
	size_t len;
	int got;
	(void)index;
	while ((got = rd_line(in, &line, &len, e)) > 0) {
		if (cp_progress_tick(&j->pg, ++j->lines))
			progress(j, false);
		struct cp_batch *b = filling(j);
		if (b->nlines == b->linecap) {
			struct span *ns = cp_grow(b->lines, &b->linecap, sizeof *ns, 256);
			if (!ns)
				read_oom(j);
			b->lines = ns;
		}
		b->lines[b->nlines++] = (struct span){ b->in.len, len, rd_lineno(in) };
		if (buf_add(&b->in, line, len) < 0)
			read_oom(j);
		b->file = rd_name(in);
		bool full = b->in.len >= BATCH_BYTES || b->nlines >= BATCH_LINES;
		/* no further line at hand: what is read is judged now, not
		 * when the next line comes */
		if (full || rd_may_wait(in)) {
			send(j, full);
			if (stopped(j))
				break;
		}
	}
	send(j, false);
	/* the input's name lives as long as it is open, and messages about
	 * it (a read error) come after those about its lines */
	drain(j);
	if (got < 0)
		return -1;
	return j->stop_rc;
}

int cp_each_record_jobs(cp_prog *p, int argc, char **argv, cp_record_fn fn,
                        cp_worker *w, int n, cp_worker_make_fn make, void *arg)
{
	for (int i = 0; i < n; i++) {
		cp_prog *wp = &w[i].prog;
		memset(wp, 0, sizeof *wp);
		wp->name = p->name;
		wp->quiet = p->quiet;
		wp->verbose = p->verbose;
		wp->strict = p->strict;
		wp->line_buffered = p->line_buffered;
		wp->parent = p;
	}
	if (n > CP_JOBS_MAX)
		n = CP_JOBS_MAX;
	if (n <= 1)
		return cp_each_record(p, argc, argv, fn, w[0].ctx);

	struct jobs j = { .p = p, .fn = fn, .w = w, .n = n, .make = make, .make_arg = arg };
	j.nslot = (size_t)n * SLOTS_PER_WORKER;
	j.slot = calloc(j.nslot, sizeof *j.slot);
	j.threads = calloc((size_t)n, sizeof *j.threads);
	j.args = calloc((size_t)n, sizeof *j.args);
	if (!j.slot || !j.threads || !j.args)
		cp_die(p, CP_EX_OSERR, "out of memory");
	for (size_t i = 0; i < j.nslot; i++)
		j.slot[i].j = &j;
	pthread_mutex_init(&j.mu, NULL);
	pthread_mutex_init(&j.wmu, NULL);
	pthread_mutex_init(&j.make_mu, NULL);
	pthread_cond_init(&j.work, NULL);
	pthread_cond_init(&j.space, NULL);
	cp_progress_init(p, &j.pg);

	int rc = cp_each_input(p, argc, argv, jobs_input, &j);

	pthread_mutex_lock(&j.mu);
	j.closing = true;
	pthread_cond_broadcast(&j.work);
	pthread_mutex_unlock(&j.mu);
	for (int i = 0; i < j.started; i++)
		pthread_join(j.threads[i], NULL);
	if (p->verbose && j.started)
		cp_warn(p, "%d threads judged the records", j.started);
	j.started = 0;
	progress(&j, true);
	for (size_t i = 0; i < j.nslot; i++) {
		struct cp_batch *b = &j.slot[i];
		buf_free(&b->in);
		buf_free(&b->out);
		buf_free(&b->notes);
		free(b->lines);
		free(b->ev);
	}
	free(j.slot);
	free(j.threads);
	free(j.args);
	rec_free(&j.inline_rec);
	pthread_mutex_destroy(&j.mu);
	pthread_mutex_destroy(&j.wmu);
	pthread_mutex_destroy(&j.make_mu);
	pthread_cond_destroy(&j.work);
	pthread_cond_destroy(&j.space);
	return rc;
}
