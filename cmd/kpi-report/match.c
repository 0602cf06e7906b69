/*
 * Matching replies to what they answer, in one pass over input in any
 * order, holding only what is still open:
 *
 *   - an inbound record waits in `pending` until it is answered; the
 *     earliest outbound record whose in_reply_to is its id, created at or
 *     after it, is its first response (sla-check's definition).  Answered
 *     ones stay a while longer, because a second reply, or an earlier one
 *     further down an unsorted file, may still come;
 *   - a reply whose parent has not been seen waits in `orphans`;
 *   - with --resolve-after, a thread's first and last messages wait in
 *     `threads`.
 *
 * What is old enough is forgotten: an answered item or a waiting reply
 * once it is more than --reply-window behind the newest time seen and was
 * last touched KPI_HOLD_RECORDS records ago; a thread once its last message
 * is that far behind (or --resolve-after, when longer).  Unanswered records
 * are kept to the end, as sla-check keeps them.  So the memory held is the
 * unanswered records plus what arrived within the window, whatever the
 * length of the input; input out of time order by less than the window,
 * or by fewer than KPI_HOLD_RECORDS records, is matched exactly.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kpi.h"

/* ---------------------------------------------------------- the table */

uint64_t kpi_idkey(const char *id, size_t n)
{
	uint64_t h = kpi_hash(id, n);
	return h ? h : 1;
}

#define SLOT(h, i) ((void *)((h)->t + (i) * (h)->esize))
#define KEY(h, i) (*(uint64_t *)(void *)((h)->t + (i) * (h)->esize))

void *ht_get(const struct htab *h, uint64_t key)
{
	if (!h->cap)
		return NULL;
	for (size_t i = key & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
		uint64_t k = KEY(h, i);
		if (k == key)
			return SLOT(h, i);
		if (!k)
			return NULL;
	}
}

/* Tables from this size up are mapped on their own, their pages made
 * present by the one mmap call (MAP_POPULATE) rather than a page fault
 * each at the first probes, and zeroed by the kernel, not a memset again. */
#define BIG_TABLE ((size_t)1 << 20)

static unsigned char *table_alloc(size_t bytes)
{
	if (bytes < BIG_TABLE) {
		unsigned char *t = aligned_alloc(64, bytes);
		if (t)
			memset(t, 0, bytes);
		return t;
	}
	void *m = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
	               -1, 0);
	return m == MAP_FAILED ? NULL : m;
}

/* Its size in bytes says how a table was made. */
static void table_free(unsigned char *t, size_t bytes)
{
	if (t && bytes >= BIG_TABLE)
		munmap(t, bytes);
	else
		free(t);
}

static int ht_grow(struct htab *h)
{
	size_t ncap = h->cap ? h->cap * 2 : h->first_cap ? h->first_cap : 1024;
	/* Cache-line aligned: the sizes are multiples of 64 (ncap >= 8). */
	unsigned char *nt = table_alloc(ncap * h->esize);
	if (!nt)
		return -1;
	for (size_t i = 0; i < h->cap; i++) {
		uint64_t k = KEY(h, i);
		if (!k)
			continue;
		size_t j = k & (ncap - 1);
		while (*(uint64_t *)(void *)(nt + j * h->esize))
			j = (j + 1) & (ncap - 1);
		memcpy(nt + j * h->esize, SLOT(h, i), h->esize);
	}
	table_free(h->t, h->cap * h->esize);
	h->t = nt;
	h->cap = ncap;
	return 0;
}

void *ht_next(const struct htab *h, size_t *i)
{
	while (*i < h->cap)
		if (KEY(h, (*i)++))
			return SLOT(h, *i - 1);
	return NULL;
}

void *ht_put(struct htab *h, uint64_t key, bool *fresh)
{
	void *s = ht_get(h, key);
	*fresh = false;
	if (s)
		return s;
	if ((h->n + 1) * 2 > h->cap && ht_grow(h) < 0)
		return NULL;
	size_t i = key & (h->cap - 1);
	while (KEY(h, i))
		i = (i + 1) & (h->cap - 1);
	memset(SLOT(h, i), 0, h->esize);
	KEY(h, i) = key;
	h->n++;
	*fresh = true;
	return SLOT(h, i);
}

/* Backward-shift deletion keeps linear probing free of tombstones. */
void ht_del(struct htab *h, void *slot)
{
	size_t i = (size_t)((unsigned char *)slot - h->t) / h->esize, mask = h->cap - 1;
	KEY(h, i) = 0;
	h->n--;
	for (size_t j = (i + 1) & mask; KEY(h, j); j = (j + 1) & mask) {
		size_t home = KEY(h, j) & mask;
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			memcpy(SLOT(h, i), SLOT(h, j), h->esize);
			KEY(h, j) = 0;
			i = j;
		}
	}
}

void ht_free(struct htab *h)
{
	table_free(h->t, h->cap * h->esize);
	h->t = NULL;
	h->n = h->cap = 0;
}

/* ---------------------------------------------------------- matching */

/* Note a response at time first, if it is the earliest. */
static void pe_answer(struct pending *pe, int64_t first)
{
	if (pe->first_d == PE_SLA || first < pe->t)
		return;
	int64_t d = first - pe->t;
	if (d > INT32_MAX)
		d = INT32_MAX; /* 68 years */
	if (pe->first_d == PE_NONE || d < pe->first_d)
		pe->first_d = (int32_t)d;
}

static int add_latency(struct kpi *k, const struct gset *gs, int64_t secs)
{
	for (uint16_t i = 0; i < gs->n; i++)
		if (kpi_sample(k, &k->g[gs->g[i]]->s.latency, (double)secs) < 0)
			return -1;
	return 0;
}

int match_inbound(struct kpi *k, uint64_t key, int64_t t, int64_t first,
                  const struct gset *gs, bool has_sla)
{
	struct orphans *o = k->orphans.n ? ht_get(&k->orphans, key) : NULL;
	if (o) {
		for (size_t i = 0; i < o->n; i++) {
			struct waiting_reply *r = &o->r[i];
			if (r->t < t) {
				k->replies_unmatched++;
				continue;
			}
			if (r->counts && r->t - t <= k->reply_window && add_latency(k, r->gs, r->t - t) < 0)
				return -1;
			if (!has_sla && (first == NO_TIME || r->t < first))
				first = r->t;
		}
		free(o->r);
		ht_del(&k->orphans, o);
	}
	bool fresh;
	struct pending *pe = ht_put(&k->pending, key, &fresh);
	if (!pe)
		return -1;
	if (fresh) {
		pe->t = t;
		pe->gs = gs;
		pe->first_d = has_sla ? PE_SLA : PE_NONE;
	}
	/* The same id twice (a duplicate record, or two partials that both
	 * held it) is one item, with the earliest response. */
	if (first != NO_TIME)
		pe_answer(pe, first);
	pe->touched = (uint32_t)k->records;
	return 0;
}

int match_reply(struct kpi *k, uint64_t parent, int64_t t, const struct gset *gs, bool counts)
{
	struct pending *pe = ht_get(&k->pending, parent);
	if (pe) {
		if (t < pe->t) {
			k->replies_unmatched++;
			return 0;
		}
		if (counts && t - pe->t <= k->reply_window && add_latency(k, gs, t - pe->t) < 0)
			return -1;
		pe_answer(pe, t);
		pe->touched = (uint32_t)k->records;
		return 0;
	}
	bool fresh;
	struct orphans *o = ht_put(&k->orphans, parent, &fresh);
	if (!o)
		return -1;
	if (o->n == o->cap) {
		struct waiting_reply *nr = cp_grow(o->r, &o->cap, sizeof *nr, 2);
		if (!nr) {
			if (fresh)
				ht_del(&k->orphans, o);
			return -1;
		}
		o->r = nr;
	}
	o->r[o->n++] = (struct waiting_reply){ t, k->records, gs, counts };
	return 0;
}

int thread_merge(struct kpi *k, const struct kpi_thread *in)
{
	bool fresh;
	struct kpi_thread *th = ht_put(&k->threads, in->key, &fresh);
	if (!th)
		return -1;
	if (fresh) {
		*th = *in;
		th->touched = k->records;
		return 0;
	}
	if (in->first < th->first) {
		th->gs = in->gs;
		th->first = in->first;
	}
	if (in->last_in != NO_TIME && (th->last_in == NO_TIME || in->last_in > th->last_in))
		th->last_in = in->last_in;
	if (in->last_out != NO_TIME && (th->last_out == NO_TIME || in->last_out > th->last_out))
		th->last_out = in->last_out;
	th->resolved_tag |= in->resolved_tag;
	th->touched = k->records;
	return 0;
}

int thread_seen(struct kpi *k, uint64_t key, int64_t t, bool inbound, bool resolved_tag,
                const struct gset *gs)
{
	struct kpi_thread in = {
		.key = key,
		.first = t,
		.last_in = inbound ? t : NO_TIME,
		.last_out = inbound ? NO_TIME : t,
		.gs = gs,
		.resolved_tag = resolved_tag,
	};
	return thread_merge(k, &in);
}

static void thread_decide(struct kpi *k, const struct kpi_thread *th)
{
	int64_t now = k->now != NO_TIME ? k->now : k->watermark;
	bool brand_last = th->last_out != NO_TIME &&
	                  (th->last_in == NO_TIME || th->last_out > th->last_in);
	bool resolved = th->resolved_tag ||
	                (k->resolve_after >= 0 && brand_last && now - th->last_out >= k->resolve_after);
	for (uint16_t i = 0; i < th->gs->n; i++) {
		struct stats *s = &k->g[th->gs->g[i]]->s;
		s->threads++;
		s->resolved += resolved;
		s->threads_open += !brand_last && !resolved;
	}
}

static int pending_close(struct kpi *k, const struct pending *pe)
{
	if (pe->first_d < 0)
		return 0;
	for (uint16_t i = 0; i < pe->gs->n; i++) {
		struct stats *s = &k->g[pe->gs->g[i]]->s;
		s->answered++;
		if (kpi_sample(k, &s->frt, (double)pe->first_d) < 0)
			return -1;
	}
	return 0;
}

static bool aged(const struct kpi *k, uint64_t touched)
{
	return k->records - touched > KPI_HOLD_RECORDS;
}

int match_sweep(struct kpi *k, bool all)
{
	if (!all && k->watermark == NO_TIME)
		return 0;
	if (!all) {
		/* Twice as many records as were left held last time: the
		 * sweep's cost is then spread over them. */
		uint64_t every = 2 * k->held > KPI_HOLD_RECORDS ? 2 * k->held : KPI_HOLD_RECORDS;
		if (k->records - k->last_sweep < every)
			return 0;
	}
	k->last_sweep = k->records;
	int64_t keep = k->reply_window;
	int64_t thread_keep = keep > k->resolve_after ? keep : k->resolve_after;
	struct htab *h = &k->pending;
	for (size_t i = 0; i < h->cap;) {
		struct pending *pe = SLOT(h, i);
		if (pe->key && (all || (pe->first_d != PE_NONE && k->watermark - pe->t > keep &&
		                        (uint32_t)k->records - pe->touched > KPI_HOLD_RECORDS))) {
			if (pending_close(k, pe) < 0)
				return -1;
			ht_del(h, pe);
			continue; /* the shift may have moved another entry here */
		}
		i++;
	}
	h = &k->orphans;
	for (size_t i = 0; i < h->cap;) {
		struct orphans *o = SLOT(h, i);
		if (!o->key) {
			i++;
			continue;
		}
		size_t w = 0;
		for (size_t j = 0; j < o->n; j++) {
			if (all || (k->watermark - o->r[j].t > keep && aged(k, o->r[j].touched)))
				k->replies_unmatched++;
			else
				o->r[w++] = o->r[j];
		}
		o->n = w;
		if (w == 0) {
			free(o->r);
			ht_del(h, o);
			continue;
		}
		i++;
	}
	h = &k->threads;
	for (size_t i = 0; i < h->cap;) {
		struct kpi_thread *th = SLOT(h, i);
		if (th->key) {
			int64_t last = th->last_in > th->last_out ? th->last_in : th->last_out;
			if (all || (k->watermark - last > thread_keep && aged(k, th->touched))) {
				thread_decide(k, th);
				ht_del(h, th);
				continue;
			}
		}
		i++;
	}
	k->held = k->pending.n + k->orphans.n + k->threads.n;
	return 0;
}
