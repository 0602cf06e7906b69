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
 *   - a thread's first and last messages wait in `threads`.
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

#include "kpi.h"

static int add_latency(struct kpi *k, const struct gset *gs, int64_t secs)
{
	for (uint16_t i = 0; i < gs->n; i++)
		if (sketch_add(&k->g[gs->g[i]]->s.latency, (double)secs) < 0)
			return -1;
	return 0;
}

int match_inbound(struct kpi *k, const char *id, size_t idlen, int64_t t, int64_t first,
                  const struct gset *gs, bool has_sla)
{
	uint64_t h = kpi_hash(id, idlen);
	struct sment *oe = k->orphans.n ? smap_get(&k->orphans, id, idlen, h) : NULL;
	if (oe) {
		struct orphans *o = oe->v;
		for (size_t i = 0; i < o->n; i++) {
			struct waiting_reply *r = &o->r[i];
			if (r->t < t) {
				k->replies_unmatched++;
			} else {
				if (r->counts && r->t - t <= k->reply_window &&
				    add_latency(k, r->gs, r->t - t) < 0)
					return -1;
				if (!has_sla && (first == NO_TIME || r->t < first))
					first = r->t;
			}
		}
		free(o->r);
		free(o);
		smap_del(&k->orphans, oe);
	}
	struct sment *e = smap_put(&k->pending, id, idlen, h);
	if (!e)
		return -1;
	struct pending *pe = e->v;
	if (pe) {
		/* The same id twice (a duplicate record, or two partials that
		 * both held it): one item, with the earliest response. */
		if (first != NO_TIME && (pe->first == NO_TIME || first < pe->first))
			pe->first = first;
		pe->touched = k->records;
		return 0;
	}
	if (!(pe = calloc(1, sizeof *pe)) || !(pe->gs = gs)) {
		free(pe);
		smap_del(&k->pending, e);
		return -1;
	}
	pe->t = t;
	pe->first = first;
	pe->touched = k->records;
	pe->has_sla = has_sla;
	e->v = pe;
	return 0;
}

int match_reply(struct kpi *k, const char *parent, size_t plen, int64_t t,
                const struct gset *gs, bool counts)
{
	uint64_t h = kpi_hash(parent, plen);
	struct sment *e = smap_get(&k->pending, parent, plen, h);
	if (e) {
		struct pending *pe = e->v;
		if (t < pe->t) {
			k->replies_unmatched++;
			return 0;
		}
		if (counts && t - pe->t <= k->reply_window && add_latency(k, gs, t - pe->t) < 0)
			return -1;
		if (!pe->has_sla && (pe->first == NO_TIME || t < pe->first))
			pe->first = t;
		pe->touched = k->records;
		return 0;
	}
	if (!(e = smap_put(&k->orphans, parent, plen, h)))
		return -1;
	if (!e->v && !(e->v = calloc(1, sizeof(struct orphans)))) {
		smap_del(&k->orphans, e);
		return -1;
	}
	struct orphans *o = e->v;
	if (o->n == o->cap) {
		size_t ncap = o->cap ? o->cap * 2 : 2;
		struct waiting_reply *nr = realloc(o->r, ncap * sizeof *nr);
		if (!nr)
			return -1;
		o->r = nr;
		o->cap = ncap;
	}
	struct waiting_reply *r = &o->r[o->n];
	if (!(r->gs = gs))
		return -1;
	r->t = t;
	r->touched = k->records;
	r->counts = counts;
	o->n++;
	return 0;
}

static int thread_update(struct kpi *k, struct thread *th, const struct thread *in)
{
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

int thread_merge(struct kpi *k, const char *id, size_t idlen, const struct thread *in)
{
	struct sment *e = smap_put(&k->threads, id, idlen, kpi_hash(id, idlen));
	if (!e)
		return -1;
	if (e->v)
		return thread_update(k, e->v, in);
	struct thread *th = calloc(1, sizeof *th);
	if (!th) {
		free(th);
		smap_del(&k->threads, e);
		return -1;
	}
	th->gs = in->gs;
	th->first = in->first;
	th->last_in = in->last_in;
	th->last_out = in->last_out;
	th->resolved_tag = in->resolved_tag;
	th->touched = k->records;
	e->v = th;
	return 0;
}

int thread_seen(struct kpi *k, const char *id, size_t idlen, int64_t t, bool inbound,
                bool resolved_tag, const struct gset *gs)
{
	struct thread in = {
		.first = t,
		.last_in = inbound ? t : NO_TIME,
		.last_out = inbound ? NO_TIME : t,
		.gs = gs,
		.resolved_tag = resolved_tag,
	};
	return in.gs ? thread_merge(k, id, idlen, &in) : -1;
}

static void thread_decide(struct kpi *k, const struct thread *th)
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
	if (pe->has_sla || pe->first == NO_TIME)
		return 0;
	for (uint16_t i = 0; i < pe->gs->n; i++) {
		struct stats *s = &k->g[pe->gs->g[i]]->s;
		s->answered++;
		if (sketch_add(&s->frt, (double)(pe->first - pe->t)) < 0)
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
	for (size_t i = 0; i < k->pending.cap;) {
		struct sment *e = &k->pending.t[i];
		struct pending *pe = e->v;
		if (e->k && (all || ((pe->has_sla || pe->first != NO_TIME) &&
		                     k->watermark - pe->t > keep && aged(k, pe->touched)))) {
			if (pending_close(k, pe) < 0)
				return -1;
			free(pe);
			smap_del(&k->pending, e);
			continue; /* the shift may have moved another entry here */
		}
		i++;
	}
	for (size_t i = 0; i < k->orphans.cap;) {
		struct sment *e = &k->orphans.t[i];
		if (!e->k) {
			i++;
			continue;
		}
		struct orphans *o = e->v;
		size_t w = 0;
		for (size_t j = 0; j < o->n; j++) {
			if (all || (k->watermark - o->r[j].t > keep && aged(k, o->r[j].touched))) {
				k->replies_unmatched++;
			} else {
				o->r[w++] = o->r[j];
			}
		}
		o->n = w;
		if (w == 0) {
			free(o->r);
			free(o);
			smap_del(&k->orphans, e);
			continue;
		}
		i++;
	}
	for (size_t i = 0; i < k->threads.cap;) {
		struct sment *e = &k->threads.t[i];
		struct thread *th = e->v;
		if (e->k) {
			int64_t last = th->last_in > th->last_out ? th->last_in : th->last_out;
			if (all || (k->watermark - last > thread_keep && aged(k, th->touched))) {
				thread_decide(k, th);
				free(th);
				smap_del(&k->threads, e);
				continue;
			}
		}
		i++;
	}
	k->held = k->pending.n + k->orphans.n + k->threads.n;
	return 0;
}
